/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink server internals: the structs and functions its source files share. */
#ifndef VL_SERVER_INTERNAL_H
#define VL_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stdlib.h>
#include <syslog.h>

#include "vl-server.h"
#include "xl-util.h"

#define SERVICE_INTERFACE "org.varlink.service"

struct vl_iface {
	const char *name;
	const char *description;
	const struct vl_method *methods;
	void *userdata;
};

struct vl_listener {
	int fd;
	sd_event_source *src;
};

/* What one uid's connections hold; uid 0's is kept too, but never limited. */
struct vl_uid_stats {
	struct vl_uid_stats *next;
	uid_t uid;
	unsigned links;
	unsigned fds;                  /* received, not taken yet */
	size_t in, out;                /* bytes buffered */
};

/* At most VL_RATELIMIT_BURST lines per VL_RATELIMIT_USEC, then a count of the rest. */
#define VL_RATELIMIT_BURST 5U
#define VL_RATELIMIT_USEC (10ULL * 1000000ULL)
struct vl_ratelimit {
	const char *key;               /* the format: one limit per kind of line */
	uint64_t start;
	unsigned n;
	unsigned long suppressed;
};

struct vl_link {
	unsigned n_ref;
	struct vl_server *server;      /* NULL once disconnected */
	struct vl_link *prev, *next;
	int fd;
	struct ucred peer;
	struct vl_reader reader;
	struct vl_writer writer;
	sd_event_source *io, *idle, *defer;
	sd_event_source *resume;        /* the next turn of a long pipeline */
	bool in_call;                  /* a call awaits its final reply */
	unsigned call_flags;
	char *method;                  /* of the current call, for error replies */
	bool eof;                      /* peer shut down its write side */
	int *in_fds;                   /* came with the buffered message, not yet a call */
	unsigned n_in_fds;
	int *call_fds;                 /* of the current call; -EBADF once taken */
	unsigned n_call_fds;
	int in_fds_error;              /* < 0: the buffered message's fds were refused */
	int call_fds_error;            /* the same for the current call: answered with it */
	unsigned fds_held;             /* in_fds and call_fds not taken, as counted in stats */
	size_t acct_in, acct_out;      /* buffer bytes as counted in stats */
	struct vl_uid_stats *stats;    /* the peer uid's, while connected */
	struct {
		vl_link_disconnect_fn fn;
		void *userdata;
	} on_disconnect[VL_LINK_DISCONNECT_MAX];
};

struct vl_server {
	struct vl_server_opts opts;
	sd_event *event;
	int64_t priority;
	struct vl_iface *ifaces;
	size_t n_ifaces;
	struct vl_listener *listeners;
	size_t n_listeners;
	sd_event_source *accept_retry;
	struct vl_link *links;
	unsigned n_links;
	unsigned long long n_accepted;  /* links made since the start */
	struct vl_uid_stats *uids;
	unsigned long fds;             /* fds_held of all peers but uid 0 */
	size_t in, out;                /* buffered for all peers but uid 0 */
	struct vl_ratelimit limit_log[8];
};

static inline void *mfree(void *p)
{
	free(p);
	return NULL;
}

/* vl-server.c */
/* Hand one line to opts.log, if set; the link's peer prefixes it. */
_printf_(3, 4) void vl_link_log(struct vl_link *l, int level, const char *fmt, ...);
_printf_(3, 4) void vl_server_log(struct vl_server *s, int level, const char *fmt, ...);
const struct vl_iface *vl_server_find_iface(const struct vl_server *s, const char *name,
					    size_t len);
/* A limit bit: LOG_WARNING, rate-limited, prefixed like vl_link_log(). */
_printf_(2, 3) void vl_link_log_limit(struct vl_link *l, const char *fmt, ...);
/* The uid's entry, made on first use; NULL without memory. */
struct vl_uid_stats *vl_server_uid_stats(struct vl_server *s, uid_t uid);
/* One link less for the entry, freed with the last. */
void vl_server_uid_stats_put(struct vl_server *s, struct vl_uid_stats *st);

/* vl-link.c */
/* Takes the fd; links the new connection into s and starts watching it. */
int vl_link_new(struct vl_server *s, int fd, const struct ucred *peer);
/* Disconnect and drop the server's own reference. */
void vl_link_close(struct vl_link *l);
/* Write what the socket takes. Returns -errno when the peer is gone. */
int vl_link_flush(struct vl_link *l);
void vl_link_update_events(struct vl_link *l);
/* Run the call loop soon, outside whatever handler is on the stack now. */
void vl_link_schedule(struct vl_link *l);
/* Run it again after the other connections that are ready have had a turn. */
void vl_link_yield(struct vl_link *l);
void vl_link_arm_idle(struct vl_link *l, bool on);
/* The buffered message becomes the current call: its fds go with it. */
void vl_link_begin_call_fds(struct vl_link *l);
/* The call is over: close what the handler did not take. */
void vl_link_end_call_fds(struct vl_link *l);
/* Count what the link's buffers hold against its uid (after any read, write or trim). */
void vl_link_account(struct vl_link *l);
/* Which input limit is over after a read, or NULL (uid 0: never). */
const char *vl_link_over_input(struct vl_link *l);
/* 0, or -ENOBUFS when the uid's output, or all users', is over its limit (uid 0 never is). */
int vl_link_check_output(struct vl_link *l);

/* vl-call.c */
/* Calls of one connection answered in one turn of the event loop. */
#define VL_CALLS_PER_TURN 16U
/*
 * Answer buffered calls in order until one stays open, output backs up,
 * or VL_CALLS_PER_TURN are done (then the rest go on in a later turn).
 */
void vl_link_process(struct vl_link *l);
/* The same without the turn limit: for a peer that is gone, whose oneway calls must run now. */
void vl_link_process_all(struct vl_link *l);

/* vl-service.c */
extern const char vl_service_description[];
extern const struct vl_method vl_service_methods[];

#endif
