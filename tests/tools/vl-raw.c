/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vl-raw: feed a varlink server arbitrary bytes and print what comes back.
 *
 *   vl-raw [--chunk N] [--delay-ms N] [--wait-ms N] SOCKET < bytes
 *
 * Writes stdin to the socket (in chunks of N bytes, with a pause between
 * them, to exercise partial reads), then prints each reply on its own line
 * (the NUL becomes a newline) until the server hangs up or nothing more
 * arrives for --wait-ms. Exit status: 0 the server closed the connection,
 * 3 it is still open, 1 anything else.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

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
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
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

static int send_bytes(int fd, const char *buf, size_t len, size_t chunk, int delay_ms)
{
	size_t off = 0;

	while (off < len) {
		size_t n = chunk && chunk < len - off ? chunk : len - off;
		ssize_t w = send(fd, buf + off, n, MSG_NOSIGNAL);

		if (w < 0) {
			/* A server that hung up on bad input is an answer, not an error. */
			return errno == EPIPE || errno == ECONNRESET ? 0 : -errno;
		}
		off += (size_t)w;
		if (delay_ms && off < len) {
			struct timespec ts = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

static int print_replies(int fd, int wait_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[65536];

	for (;;) {
		ssize_t n;
		int r = poll(&p, 1, wait_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? 1 : 3;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == ECONNRESET ? 0 : 1;
		if (n == 0)
			return 0;
		for (ssize_t i = 0; i < n; i++)
			putchar(buf[i] ? buf[i] : '\n');
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "chunk", required_argument, NULL, 'c' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "wait-ms", required_argument, NULL, 'w' },
		{}
	};
	int c, fd, delay_ms = 0, wait_ms = 1000, r;
	size_t chunk = 0, len;
	char *data;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		switch (c) {
		case 'c': chunk = strtoul(optarg, NULL, 10); break;
		case 'd': delay_ms = atoi(optarg); break;
		case 'w': wait_ms = atoi(optarg); break;
		default: return 1;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: vl-raw [--chunk N] [--delay-ms N] [--wait-ms N] SOCKET\n");
		return 1;
	}
	data = slurp(&len);
	if (!data)
		return 1;
	fd = connect_to(argv[optind]);
	if (fd < 0) {
		fprintf(stderr, "vl-raw: %s: %s\n", argv[optind], strerror(-fd));
		return 1;
	}
	r = send_bytes(fd, data, len, chunk, delay_ms);
	free(data);
	if (r < 0) {
		fprintf(stderr, "vl-raw: send: %s\n", strerror(-r));
		return 1;
	}
	r = print_replies(fd, wait_ms);
	close(fd);
	return r;
}
