/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vl-raw: feed a varlink server arbitrary bytes and print what comes back.
 *
 *   vl-raw [--chunk N] [--delay-ms N] [--wait-ms N] [--no-read] [--fd FILE]... SOCKET < bytes
 *
 * Writes stdin (raw: NULs, invalid UTF-8, anything) to the socket, in
 * chunks of N bytes with a pause between them if asked, to exercise the
 * server's partial reads. Replies are read all along, so that a server
 * blocked on a full socket cannot stall us, and printed one per line (the
 * NUL becomes a newline) until the server hangs up or nothing moves for
 * --wait-ms (default 1000). --no-read reads nothing: it only watches for
 * the hangup. Each --fd FILE is opened and passed with SCM_RIGHTS on the
 * first byte, as a varlink call's fds travel.
 *
 * Exit status: 0 the server closed the connection, 3 it is still open,
 * 1 an error (connect, I/O, a FILE), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FDS_MAX 253   /* SCM_MAX_FD */

enum { EXIT_CLOSED = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_OPEN = 3 };

struct opts {
	size_t chunk;          /* 0: everything at once */
	int delay_ms;
	int wait_ms;
	bool no_read;
	int fds[FDS_MAX];
	size_t n_fds;
	const char *path;
};

/* The bytes to send and how far they went. */
struct out {
	char *buf;
	size_t len, off;
	size_t chunk_end;      /* end of the chunk being written */
	int64_t next_ms;       /* when the next chunk may start */
	bool fds_sent;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static char *slurp(size_t *ret_len)
{
	size_t len = 0, alloc = 65536;
	char *buf = malloc(alloc);
	ssize_t n;

	while (buf && (n = read(STDIN_FILENO, buf + len, alloc - len)) > 0) {
		len += (size_t)n;
		if (len == alloc) {
			char *p = realloc(buf, alloc *= 2);

			if (!p)
				free(buf);
			buf = p;
		}
	}
	*ret_len = len;
	return buf;
}

/* One non-blocking write of what is left of the current chunk; fds on the first. */
static ssize_t send_some(int sock, struct out *o, const struct opts *opt)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * FDS_MAX)];
	} control;
	struct iovec iov = { .iov_base = o->buf + o->off, .iov_len = o->chunk_end - o->off };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (!o->fds_sent && opt->n_fds > 0) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		mh.msg_control = &control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * opt->n_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * opt->n_fds);
		memcpy(CMSG_DATA(cm), opt->fds, sizeof(int) * opt->n_fds);
	}
	n = sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n > 0)
		o->fds_sent = true;
	return n;
}

static bool out_ready(const struct out *o)
{
	return o->off < o->len && now_ms() >= o->next_ms;
}

/* Returns -1 when the server is gone, 1 on progress, 0 when the socket is full. */
static int do_send(int sock, struct out *o, const struct opts *opt)
{
	ssize_t n;

	if (o->off == o->chunk_end)
		o->chunk_end = opt->chunk && opt->chunk < o->len - o->off ? o->off + opt->chunk
									   : o->len;
	n = send_some(sock, o, opt);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	o->off += (size_t)n;
	if (o->off == o->chunk_end && opt->delay_ms)
		o->next_ms = now_ms() + opt->delay_ms;
	return 1;
}

/* Print what arrived. 1 on progress, 0 nothing now, -1 the server closed, -2 an error. */
static int do_read(int sock)
{
	char buf[65536];
	ssize_t n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return errno == ECONNRESET ? -1 : -2;
	}
	if (n == 0)
		return -1;
	for (ssize_t i = 0; i < n; i++)
		putchar(buf[i] ? buf[i] : '\n');
	fflush(stdout);
	return 1;
}

static int poll_timeout(const struct out *o, int64_t idle_until)
{
	int64_t until = idle_until, now = now_ms();

	if (o->off < o->len && o->next_ms > now && o->next_ms < until)
		until = o->next_ms;
	return until > now ? (int)(until - now) : 0;
}

static int run(int sock, struct out *o, const struct opts *opt)
{
	int64_t idle_until = now_ms() + opt->wait_ms;

	for (;;) {
		struct pollfd p = { .fd = sock, .events = opt->no_read ? POLLRDHUP : POLLIN };
		bool progress = false;
		int r;

		if (out_ready(o))
			p.events |= POLLOUT;
		r = poll(&p, 1, poll_timeout(o, idle_until));
		if (r < 0 && errno != EINTR)
			return EXIT_ERROR;
		if (opt->no_read && (p.revents & (POLLRDHUP | POLLHUP)))
			return EXIT_CLOSED;
		if (!opt->no_read && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			r = do_read(sock);
			if (r < 0)
				return r == -1 ? EXIT_CLOSED : EXIT_ERROR;
			progress = r > 0;
		}
		if (p.revents & POLLOUT) {
			r = do_send(sock, o, opt);
			if (r < 0)   /* hung up on us: what it said before is still to read */
				o->off = o->len;
			progress = progress || r != 0;
		}
		if (progress)
			idle_until = now_ms() + opt->wait_ms;
		else if (now_ms() >= idle_until)
			return EXIT_OPEN;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: vl-raw [--chunk N] [--delay-ms N] [--wait-ms N] [--no-read] "
		"[--fd FILE]... SOCKET < bytes\n");
	return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "chunk", required_argument, NULL, 'c' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "wait-ms", required_argument, NULL, 'w' },
		{ "no-read", no_argument, NULL, 'n' },
		{ "fd", required_argument, NULL, 'f' },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) >= 0) {
		switch (c) {
		case 'c': o->chunk = strtoul(optarg, NULL, 10); break;
		case 'd': o->delay_ms = atoi(optarg); break;
		case 'w': o->wait_ms = atoi(optarg); break;
		case 'n': o->no_read = true; break;
		case 'f':
			if (o->n_fds == FDS_MAX)
				return usage();
			o->fds[o->n_fds] = open(optarg, O_RDONLY | O_CLOEXEC);
			if (o->fds[o->n_fds] < 0) {
				fprintf(stderr, "vl-raw: %s: %s\n", optarg, strerror(errno));
				return EXIT_ERROR;
			}
			o->n_fds++;
			break;
		default: return usage();
		}
	}
	if (optind + 1 != argc || o->delay_ms < 0 || o->wait_ms < 0)
		return usage();
	o->path = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	struct opts opt = { .wait_ms = 1000 };
	struct out out = {};
	int sock, r;

	r = parse_args(argc, argv, &opt);
	if (r)
		return r;
	out.buf = slurp(&out.len);
	if (!out.buf)
		return EXIT_ERROR;
	sock = connect_to(opt.path);
	if (sock < 0) {
		fprintf(stderr, "vl-raw: %s: %s\n", opt.path, strerror(-sock));
		return EXIT_ERROR;
	}
	r = run(sock, &out, &opt);
	close(sock);
	free(out.buf);
	for (size_t i = 0; i < opt.n_fds; i++)
		close(opt.fds[i]);
	return r;
}
