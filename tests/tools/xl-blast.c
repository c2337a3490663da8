/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-blast: a steady UDP sender for the zero-gap test, and the sink that
 * keeps its receiver quiet.
 *
 *   xl-blast --dst ADDR --port PORT [--rate PPS] [--seconds S] [--batch N] [--size BYTES]
 *   xl-blast --sink --port PORT
 *
 * The sender paces sendmmsg() batches with a token bucket until --seconds
 * have passed (0: until SIGINT or SIGTERM) and prints one JSON line: how
 * many packets the kernel accepted ("sent"), the achieved rate, and every
 * refusal by errno name. Only accepted packets count: IP_RECVERR is set
 * because without it UDP reports a device's ENOBUFS as success.
 *
 * The sink binds PORT with a small receive buffer and never reads, so the
 * receiving stack drops the flow at the socket instead of answering every
 * packet with an ICMP port unreachable (which would come back and fail the
 * sender's next send with ECONNREFUSED). It exits on SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xl-util.h"

#define MAX_BATCH 256
#define MAX_ERRNO 256

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	const char *dst;
	unsigned port;
	double rate;		/* packets per second; 0: as fast as the kernel takes them */
	double seconds;		/* 0: until signalled */
	unsigned batch;
	unsigned size;		/* UDP payload bytes */
	bool sink;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_for(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9),
	};

	/* EINTR means a signal: the loop checks stop. */
	nanosleep(&ts, NULL);
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
		fprintf(stderr, "xl-blast: sigaction: %s\n", errno_name(errno));
		return -errno;
	}
	return 0;
}

static int run_sink(const struct opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	int fd, one = 1, small = 4096;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xl-blast: socket: %s\n", errno_name(errno));
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) < 0) {
		fprintf(stderr, "xl-blast: setsockopt: %s\n", errno_name(errno));
		close(fd);
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "xl-blast: bind port %u: %s\n", o->port, errno_name(errno));
		close(fd);
		return 1;
	}
	printf("{\"sink\": %u}\n", o->port);
	fflush(stdout);
	while (!stop)
		pause();
	close(fd);
	return 0;
}

static int open_sender(const struct opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	int fd, one = 1, big = 4 << 20;

	if (inet_pton(AF_INET, o->dst, &sa.sin_addr) != 1) {
		fprintf(stderr, "xl-blast: not an IPv4 address: %s\n", o->dst);
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xl-blast: socket: %s\n", errno_name(errno));
		return -errno;
	}
	/* IP_RECVERR: report a device's refusal (ENOBUFS) instead of hiding it. */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)) < 0) {
		fprintf(stderr, "xl-blast: setsockopt: %s\n", errno_name(errno));
		close(fd);
		return -errno;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "xl-blast: connect %s:%u: %s\n", o->dst, o->port, errno_name(errno));
		close(fd);
		return -errno;
	}
	return fd;
}

/* An error queued by IP_RECVERR (e.g. an ICMP error) fails the next send
 * until it is read; read it so that sending can go on, and say so. */
static void drain_error_queue(int fd, unsigned long *queued)
{
	char buf[64], ctl[512];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl),
	};

	while (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
		(*queued)++;
		mh.msg_controllen = sizeof(ctl);
	}
}

struct tally {
	unsigned long sent;
	unsigned long calls;
	unsigned long refused[MAX_ERRNO];	/* sendmmsg failures by errno */
	unsigned long errqueue;			/* errors read off the error queue */
};

static void print_tally(const struct opts *o, const struct tally *t, double secs)
{
	const char *sep = "";

	printf("{\"sent\": %lu, \"seconds\": %.3f, \"pps\": %.0f, \"rate\": %.0f, "
	       "\"batch\": %u, \"size\": %u, \"calls\": %lu, \"errqueue\": %lu, \"refused\": {",
	       t->sent, secs, secs > 0 ? (double)t->sent / secs : 0.0, o->rate, o->batch,
	       o->size, t->calls, t->errqueue);
	for (int e = 0; e < MAX_ERRNO; e++) {
		if (!t->refused[e])
			continue;
		printf("%s\"%s\": %lu", sep, errno_name(e), t->refused[e]);
		sep = ", ";
	}
	printf("}}\n");
}

static int run_sender(const struct opts *o)
{
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov;
	struct tally t = { 0 };
	char payload[1472];
	double t0, last, elapsed, tokens = 0, burst;
	int fd;

	fd = open_sender(o);
	if (fd < 0)
		return 1;
	memset(payload, 'x', sizeof(payload));
	iov = (struct iovec){ .iov_base = payload, .iov_len = o->size };
	memset(msgs, 0, sizeof(msgs));
	for (unsigned i = 0; i < o->batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	/* A bucket of at most 5 ms of packets (and at least one batch): steady,
	 * without a catch-up burst after the sender was kept off the CPU. */
	burst = o->rate * 0.005 > o->batch ? o->rate * 0.005 : o->batch;
	t0 = last = now();
	for (;;) {
		unsigned want = o->batch;
		double t_now = now();
		int n;

		if (stop || (o->seconds > 0 && t_now - t0 >= o->seconds))
			break;
		if (o->rate > 0) {
			tokens += o->rate * (t_now - last);
			if (tokens > burst)
				tokens = burst;
			last = t_now;
			if (tokens < 1) {
				sleep_for((1 - tokens) / o->rate);
				continue;
			}
			if (tokens < want)
				want = (unsigned)tokens;
		}
		n = sendmmsg(fd, msgs, want, 0);
		t.calls++;
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			t.refused[e < MAX_ERRNO ? e : 0]++;
			drain_error_queue(fd, &t.errqueue);
			/* ENOBUFS and the like: the device is full, let it drain. */
			sleep_for(50e-6);
			continue;
		}
		/* A short count: the next message failed, and is sent again. Only
		 * accepted packets use tokens. */
		t.sent += (unsigned long)n;
		tokens -= n;
	}
	elapsed = now() - t0;
	close(fd);
	print_tally(o, &t, elapsed);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xl-blast --dst ADDR --port PORT [--rate PPS] [--seconds S] "
		   "[--batch N] [--size BYTES]\n"
		   "       xl-blast --sink --port PORT\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "size", required_argument, NULL, 'z' },
		{ "sink", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct opts){ .rate = 50000, .batch = 32, .size = 18 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dst = optarg; break;
		case 'p': o->port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': o->rate = strtod(optarg, NULL); break;
		case 's': o->seconds = strtod(optarg, NULL); break;
		case 'b': o->batch = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'z': o->size = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': o->sink = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind != argc || !o->port || o->port > 65535 || (!o->sink && !o->dst) ||
	    !o->batch || o->batch > MAX_BATCH || o->size > 1472 || o->rate < 0) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (install_signals() < 0)
		return 1;
	/* A full line per report, even through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return o.sink ? run_sink(&o) : run_sender(&o);
}
