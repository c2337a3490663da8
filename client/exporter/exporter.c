/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdplink-exporter: xdplinkd's statistics and per-program packet counts
 * for Prometheus, over HTTP. Each connection is one request, served on its
 * own thread (at most XE_CLIENTS_MAX at once) with a deadline, so a slow
 * client never holds up another scrape; each scrape is one Statistics and
 * one List call on a fresh connection to the daemon, which never waits
 * for us: we read its replies as they come.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "http.h"
#include "render.h"
#include "xdplink/xdplink-client.h"
#include "xl-util.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

#define XE_LISTEN_DEFAULT "127.0.0.1:9740"
#define XE_CLIENTS_MAX 16U
/* A client has this long to send its request and read the answer. */
#define XE_CLIENT_TIMEOUT_MS 5000
#define XE_LISTENERS_MAX 16

struct config {
	const char *listen;
	const char *socket;	/* NULL: xl_client__default_socket() */
	unsigned timeout_sec;	/* per daemon reply */
};

static struct config cfg = { .listen = XE_LISTEN_DEFAULT, .timeout_sec = 5 };
static unsigned n_clients;	/* atomic: threads serving a connection */
static int daemon_was_up = -1;	/* atomic: log the daemon's state changes, not every scrape */

/* sd-daemon priority prefixes when stderr goes to the journal, not a terminal. */
_printf_(2, 3) static void log_line(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s", isatty(STDERR_FILENO) ? "" : prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- options: one table parses and documents them ---- */

static const struct option_doc {
	struct option opt;
	const char *arg, *help;
} options[] = {
	{ { "listen", required_argument, NULL, 'l' }, "ADDR:PORT",
	  "listen here when not socket-activated (default " XE_LISTEN_DEFAULT "; [::1]:PORT for IPv6)" },
	{ { "socket", required_argument, NULL, 's' }, "PATH",
	  "xdplinkd's socket (default $XDPLINKD_SOCKET, else " XL_CLIENT_SOCKET ")" },
	{ { "timeout", required_argument, NULL, 't' }, "SEC",
	  "wait this long for each of xdplinkd's replies (default 5)" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "show this help" },
	{ { "version", no_argument, NULL, 'V' }, NULL, "show the version" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: xdplink-exporter [OPTION]...\n"
		   "Serve xdplinkd's metrics at http://ADDR:PORT/metrics (Prometheus text or\n"
		   "OpenMetrics). Socket-activated: serves the sockets systemd passes.\n\n");
	for (size_t i = 0; i < ELEMENTSOF(options); i++) {
		char left[40];

		snprintf(left, sizeof(left), "--%s%s%s", options[i].opt.name,
			 options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
		fprintf(f, "  %-20s %s\n", left, options[i].help);
	}
}

/* 0 to run, else the exit status (help and version: 0 after printing). */
static int parse_args(int argc, char **argv, bool *ret_exit)
{
	struct option longopts[ELEMENTSOF(options) + 1] = {};
	char *end;
	long v;
	int c;

	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		longopts[i] = options[i].opt;
	*ret_exit = false;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			cfg.listen = optarg;
			break;
		case 's':
			cfg.socket = optarg;
			break;
		case 't':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 3600) {
				fprintf(stderr, "xdplink-exporter: --timeout: '%s' is not 1..3600 "
					"seconds\n", optarg);
				return 2;
			}
			cfg.timeout_sec = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			*ret_exit = true;
			return 0;
		case 'V':
			printf("xdplink-exporter %s\n", XD_VERSION);
			*ret_exit = true;
			return 0;
		default:
			fprintf(stderr, "Try 'xdplink-exporter --help'.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xdplink-exporter: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}

/* ---- the daemon ---- */

static double elapsed(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static void note_daemon(int up, const char *socket, const char *what, int r)
{
	int was = __atomic_exchange_n(&daemon_was_up, up, __ATOMIC_RELAXED);

	if (was == up)
		return;
	if (up)
		log_line(SD_NOTICE, "xdplinkd at %s answers", socket);
	else
		log_line(SD_WARNING, "xdplinkd at %s: %s failed: %s (%s); reporting xdplink_up 0",
			 socket, what, strerror(-r), errno_name(r));
}

/* Statistics and List, on one connection of this scrape's own. */
static void scrape(struct xe_scrape *s)
{
	struct xl_client_opts o = { .sz = sizeof(o), .timeout_usec = cfg.timeout_sec * 1000000ULL };
	const char *socket = cfg.socket ? cfg.socket : xl_client__default_socket();
	struct xl_client *c = NULL;
	struct timespec start;
	const char *what = "connect";
	int r;

	*s = (struct xe_scrape){};
	clock_gettime(CLOCK_MONOTONIC, &start);
	r = xl_client__connect(socket, &o, &c);
	if (r == 0) {
		what = "Statistics";
		r = xl_client__statistics(c, &s->stats);
	}
	if (r == 0) {
		what = "List";
		r = xl_client__list(c, NULL, &s->interfaces);
	}
	xl_client__free(c);
	s->duration = elapsed(&start);
	s->up = r == 0;
	note_daemon(s->up, socket, what, r);
}

/* ---- one connection ---- */

static long remaining_ms(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000L + (deadline->tv_nsec - now.tv_nsec) / 1000000L;
}

/* Everything, before the deadline; -ETIMEDOUT or the socket's error otherwise. */
static int send_all(int fd, const char *buf, size_t len, const struct timespec *deadline)
{
	while (len > 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		long ms = remaining_ms(deadline);
		ssize_t n;

		if (ms <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)ms) < 0 && errno != EINTR)
			return -errno;
		n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	return 0;
}

static int respond(int fd, int status, const char *type, const char *extra, const char *body,
		   size_t len, bool head, const struct timespec *deadline)
{
	char hdr[512];
	int n, r;

	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n%s\r\n", status, xe_http_reason(status), type, len,
		     extra ? extra : "");
	r = send_all(fd, hdr, (size_t)n, deadline);
	if (r == 0 && !head && len)
		r = send_all(fd, body, len, deadline);
	return r;
}

static int respond_error(int fd, int status, const struct timespec *deadline)
{
	char body[128];

	snprintf(body, sizeof(body), "%d %s\n", status, xe_http_reason(status));
	return respond(fd, status, "text/plain; charset=utf-8",
		       status == 405 ? "Allow: GET, HEAD\r\n" : NULL, body, strlen(body), false,
		       deadline);
}

static int respond_metrics(int fd, const struct xe_request *req, const struct timespec *deadline)
{
	struct xe_scrape s;
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	scrape(&s);
	f = open_memstream(&body, &len);
	if (!f) {
		r = -errno;
		goto out;
	}
	r = xe_render(f, &s, req->format);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = respond(fd, 200, xe_content_type(req->format), NULL, body, len, req->head,
			    deadline);
	else
		(void)respond_error(fd, 500, deadline);
out:
	free(body);
	json_decref(s.stats);
	json_decref(s.interfaces);
	return r;
}

/* The head, up to XE_HTTP_HEAD_MAX bytes, before the deadline: its
 * length, or the status to refuse the request with (negated), or 0 when
 * the client went away first. */
static ssize_t read_head(int fd, char *buf, size_t max, const struct timespec *deadline)
{
	size_t len = 0, end;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long ms = remaining_ms(deadline);
		ssize_t n;

		if (ms <= 0)
			return -408;
		if (poll(&p, 1, (int)ms) < 0 && errno != EINTR)
			return 0;
		n = recv(fd, buf + len, max - len, MSG_DONTWAIT);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return 0;
		}
		len += (size_t)n;
		end = xe_http_head_end(buf, len);
		if (end)
			return (ssize_t)end;
		if (len == max)
			return -431;
	}
}

/* After the answer: let the client read it before the close, rather than
 * reset it with a request body we never read (bounded by the deadline). */
static void linger_close(int fd, const struct timespec *deadline)
{
	char sink[4096];

	(void)shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long ms = remaining_ms(deadline);

		if (ms <= 0 || poll(&p, 1, (int)(ms < 1000 ? ms : 1000)) <= 0 ||
		    recv(fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
			break;
	}
	close(fd);
}

static const char index_page[] = "xdplink-exporter: metrics at /metrics\n";

static void serve(int fd)
{
	struct timespec deadline;
	char head[XE_HTTP_HEAD_MAX];
	struct xe_request req;
	ssize_t n;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += XE_CLIENT_TIMEOUT_MS / 1000;
	n = read_head(fd, head, sizeof(head), &deadline);
	if (n == 0) {
		close(fd);
		return;
	}
	status = n < 0 ? (int)-n : xe_http_parse(head, (size_t)n, &req);
	if (status == 408) {
		/* It has had its time: one try at telling it, no more. */
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_nsec += 100 * 1000000L;
		if (deadline.tv_nsec >= 1000000000L)
			deadline.tv_sec++, deadline.tv_nsec -= 1000000000L;
	}
	if (status != 0)
		(void)respond_error(fd, status, &deadline);
	else if (req.route == XE_ROUTE_INDEX)
		(void)respond(fd, 200, "text/plain; charset=utf-8", NULL, index_page,
			      strlen(index_page), req.head, &deadline);
	else
		(void)respond_metrics(fd, &req, &deadline);
	linger_close(fd, &deadline);
}

static void *client_thread(void *arg)
{
	serve((int)(intptr_t)arg);
	__atomic_fetch_sub(&n_clients, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* Too many at once: told so at once, without a thread or a wait. */
static void refuse_busy(int fd)
{
	static const char msg[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; "
		"charset=utf-8\r\nContent-Length: 24\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
		"503 Service Unavailable\n";

	(void)send(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void dispatch(int fd)
{
	pthread_attr_t attr;
	pthread_t t;
	int r;

	if (__atomic_add_fetch(&n_clients, 1, __ATOMIC_RELAXED) > XE_CLIENTS_MAX) {
		__atomic_fetch_sub(&n_clients, 1, __ATOMIC_RELAXED);
		refuse_busy(fd);
		return;
	}
	r = -pthread_attr_init(&attr);
	if (r == 0) {
		(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		r = -pthread_create(&t, &attr, client_thread, (void *)(intptr_t)fd);
		pthread_attr_destroy(&attr);
	}
	if (r != 0) {
		log_line(SD_WARNING, "Cannot start a thread for a client: %s (%s)", strerror(-r),
			 errno_name(r));
		__atomic_fetch_sub(&n_clients, 1, __ATOMIC_RELAXED);
		refuse_busy(fd);
	}
}

/* ---- listening ---- */

/* "ADDR:PORT" or "[ADDR6]:PORT", numeric only. */
static int listen_address(const char *spec)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	char host[256];
	const char *colon = strrchr(spec, ':'), *h = spec;
	size_t hlen;
	struct addrinfo *ai;
	int fd, r, one = 1;

	if (!colon || !colon[1])
		return -EINVAL;
	hlen = (size_t)(colon - spec);
	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']')
		h = spec + 1, hlen -= 2;
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	snprintf(host, sizeof(host), "%.*s", (int)hlen, h);
	r = getaddrinfo(host, colon + 1, &hints, &ai);
	if (r != 0)
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		freeaddrinfo(ai);
		return r;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		r = -errno;
		freeaddrinfo(ai);
		close(fd);
		return r;
	}
	freeaddrinfo(ai);
	return fd;
}

/* The sockets systemd passed, else --listen's; their count, or -errno (logged). */
static int setup_listeners(struct pollfd *fds, size_t max, bool *ret_activated)
{
	int n = sd_listen_fds(true), fd;

	*ret_activated = n > 0;
	if (n < 0) {
		log_line(SD_ERR, "Cannot read the sockets systemd passed: %s (%s)", strerror(-n),
			 errno_name(n));
		return n;
	}
	if ((size_t)n > max) {
		log_line(SD_ERR, "%d sockets passed; at most %zu are served", n, max);
		return -E2BIG;
	}
	for (int i = 0; i < n; i++) {
		fd = SD_LISTEN_FDS_START + i;
		if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
			log_line(SD_ERR, "Passed fd %d is not a listening stream socket", fd);
			return -EINVAL;
		}
		fds[i] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	if (n > 0)
		return n;
	fd = listen_address(cfg.listen);
	if (fd == -EINVAL) {
		log_line(SD_ERR, "--listen '%s': expected ADDR:PORT with a numeric address",
			 cfg.listen);
		return fd;
	}
	if (fd < 0) {
		log_line(SD_ERR, "Cannot listen on %s: %s (%s)", cfg.listen, strerror(-fd),
			 errno_name(fd));
		return fd;
	}
	fds[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	return 1;
}

/* "the sockets systemd passed", or the address bound (its port when :0 was asked for). */
static void log_listening(bool activated, int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (!activated && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		} else {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		}
	}
	if (activated)
		log_line(SD_INFO, "Serving metrics of %s on the sockets systemd passed",
			 cfg.socket ? cfg.socket : xl_client__default_socket());
	else
		log_line(SD_INFO, "Serving metrics of %s on %s%s%s:%d", cfg.socket ? cfg.socket :
			 xl_client__default_socket(), ss.ss_family == AF_INET6 ? "[" : "", host,
			 ss.ss_family == AF_INET6 ? "]" : "", port);
}

static void accept_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0) {
		dispatch(fd);
		return;
	}
	if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
		log_line(SD_WARNING, "Cannot accept a connection: %s (%s); pausing", strerror(errno),
			 errno_name(-errno));
		usleep(100 * 1000);	/* until a client thread frees its fd */
	}
}

/* A client gone between poll() and accept() must not block the loop. */
static int set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL), r;

	if (flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0)
		return 0;
	r = -errno;
	log_line(SD_ERR, "Cannot make listening fd %d non-blocking: %s (%s)", fd, strerror(-r),
		 errno_name(r));
	return r;
}

int main(int argc, char **argv)
{
	struct pollfd fds[XE_LISTENERS_MAX];
	bool done, activated;
	int n, r;

	r = parse_args(argc, argv, &done);
	if (r != 0 || done)
		return r;
	signal(SIGPIPE, SIG_IGN);
	n = setup_listeners(fds, ELEMENTSOF(fds), &activated);
	if (n < 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (set_nonblocking(fds[i].fd) < 0)
			return 1;
	log_listening(activated, fds[0].fd);
	(void)sd_notify(false, "READY=1");
	for (;;) {
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_line(SD_ERR, "poll: %s (%s)", strerror(errno), errno_name(-errno));
			return 1;
		}
		for (int i = 0; i < n; i++)
			if (fds[i].revents & POLLIN)
				accept_one(fds[i].fd);
	}
}
