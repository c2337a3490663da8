/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-load: what its files share — options, latency samples, raw varlink sockets. */
#ifndef XL_LOAD_H
#define XL_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "xl-util.h"

struct load_opts {
	const char *socket;
	const char *object;		/* absolute path of xl_test_progs.bpf.o */
	const char *ifprefix;		/* client i owns veth <ifprefix><i> */
	const char *json;		/* where to write the results; NULL: nowhere */
	unsigned clients;		/* mixed: concurrent clients */
	double duration;		/* mixed: seconds */
	unsigned bad;			/* slow: misbehaving clients per phase */
	unsigned probes;		/* slow: List calls the probe times per phase */
	double idle_timeout;		/* slow: the daemon's IdleTimeoutSec, to wait for drops */
	int daemon_pid;			/* for its RSS and liveness; 0: unknown */
};

/* Latencies of one kind of request, in microseconds. */
struct samples {
	double *us;
	size_t n, cap;
};

int samples_add(struct samples *s, double us);
void samples_merge(struct samples *into, const struct samples *from);
void samples_done(struct samples *s);
/* Sorts s; p in [0, 1]. 0 for no samples. */
double samples_pct(struct samples *s, double p);
double samples_max(const struct samples *s);
/* {"n", "p50_us", "p99_us", "max_us"} (sorts s). */
json_t *samples_json(struct samples *s);

double now_us(void);
void sleep_us(double us);

/* A connected, non-blocking AF_UNIX stream socket to path, or -errno. */
int raw_connect(const char *path);
/* 1 when the peer has closed the connection (or reset it), 0 while open, -errno. */
int raw_is_closed(int fd);
/* Bytes queued towards us, unread (FIONREAD), and of ours not yet read by the peer (SIOCOUTQ). */
long raw_inq(int fd);
long raw_outq(int fd);

/* The daemon's resident set, in KiB; -1 when unknown. */
long proc_rss_kib(int pid);
bool proc_alive(int pid);

/* Subcommands. Each returns a process exit status. */
int load_mixed(const struct load_opts *o, json_t *out);
int load_slow(const struct load_opts *o, json_t *out);
/* For the integration test: one misbehaving client, reporting as it goes. */
int load_hog(const struct load_opts *o);
int load_trickle(const struct load_opts *o);

#endif
