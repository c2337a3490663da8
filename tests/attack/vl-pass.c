/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vl-pass: one varlink call with an fd of any kind, for tests/attack/.
 *
 *   vl-pass SOCKET KIND PATH CALL
 *       Opens PATH as KIND and passes it as fd 0 with CALL (a JSON call
 *       whose objectFd is 0); prints the reply, and "ms N" (how long the
 *       answer took) on stderr. KIND is one of:
 *         read     O_RDONLY
 *         path     O_PATH (names a file without opening it)
 *         wronly   O_WRONLY
 *         fifo     O_RDWR | O_NONBLOCK (a FIFO, opened without a peer)
 *         lease    O_RDWR with a write lease (F_SETLEASE F_WRLCK) held
 *   vl-pass - lease PATH SECONDS
 *       Holds a write lease on PATH for SECONDS, printing "ready" once it
 *       holds it; ignores the lease-break signal, so that the kernel
 *       breaks the lease only when lease-break-time runs out.
 * Exits 0 when it got a reply, 2 when it could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "vl-pass: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_kind(const char *kind, const char *path)
{
	int fd;

	if (strcmp(kind, "read") == 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	else if (strcmp(kind, "path") == 0)
		fd = open(path, O_PATH | O_CLOEXEC);
	else if (strcmp(kind, "wronly") == 0)
		fd = open(path, O_WRONLY | O_CLOEXEC);
	else if (strcmp(kind, "fifo") == 0)
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	else if (strcmp(kind, "lease") == 0) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && fcntl(fd, F_SETLEASE, F_WRLCK) < 0)
			die("F_SETLEASE");
	} else {
		errno = EINVAL;
		die(kind);
	}
	if (fd < 0)
		die(path);
	return fd;
}

static int connect_to(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		die("socket");
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		die(sock);
	}
	strcpy(sa.sun_path, sock);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(sock);
	return s;
}

/* The call and its NUL, with fd on its first byte. */
static void send_call(int s, const char *call, int fd)
{
	size_t len = strlen(call) + 1;
	char ctl[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = (void *)call, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	n = sendmsg(s, &msg, MSG_NOSIGNAL);
	if (n < 0)
		die("sendmsg");
	if ((size_t)n < len && write(s, call + n, len - (size_t)n) != (ssize_t)(len - (size_t)n))
		die("write");
}

/* The reply, up to its NUL, on stdout. */
static int print_reply(int s)
{
	char buf[65536];
	size_t got = 0;

	while (got < sizeof(buf) - 1) {
		ssize_t n = read(s, buf + got, sizeof(buf) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(buf, '\0', got))
			break;
	}
	buf[got] = '\0';
	if (!got)
		return 2;
	printf("%s\n", buf);
	return 0;
}

static int hold_lease(const char *path, int secs)
{
	signal(SIGIO, SIG_IGN);
	(void)open_kind("lease", path);
	printf("ready\n");
	fflush(stdout);
	sleep((unsigned)secs);
	return 0;
}

int main(int argc, char **argv)
{
	long long t0;
	int fd, s, r;

	if (argc == 5 && strcmp(argv[1], "-") == 0 && strcmp(argv[2], "lease") == 0)
		return hold_lease(argv[3], atoi(argv[4]));
	if (argc != 5) {
		fprintf(stderr, "usage: vl-pass SOCKET KIND PATH CALL | vl-pass - lease PATH SECONDS\n");
		return 2;
	}
	signal(SIGIO, SIG_IGN);
	fd = open_kind(argv[2], argv[3]);
	s = connect_to(argv[1]);
	t0 = now_ms();
	send_call(s, argv[4], fd);
	r = print_reply(s);
	fprintf(stderr, "ms %lld\n", now_ms() - t0);
	close(s);
	close(fd);
	return r;
}
