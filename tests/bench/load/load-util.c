/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-load: latency samples and percentiles, the clock, raw sockets, /proc readers. */
#include <errno.h>
#include <linux/sockios.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "load.h"

int samples_add(struct samples *s, double us)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		double *p = reallocarray(s->us, cap, sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->us = p;
		s->cap = cap;
	}
	s->us[s->n++] = us;
	return 0;
}

void samples_merge(struct samples *into, const struct samples *from)
{
	for (size_t i = 0; i < from->n; i++)
		if (samples_add(into, from->us[i]) < 0) {
			fprintf(stderr, "xl-load: out of memory merging samples\n");
			exit(1);
		}
}

void samples_done(struct samples *s)
{
	free(s->us);
	*s = (struct samples){};
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double samples_pct(struct samples *s, double p)
{
	size_t i;

	if (s->n == 0)
		return 0;
	qsort(s->us, s->n, sizeof(*s->us), cmp_double);
	/* Nearest rank: the smallest sample with at least p of them at or below it. */
	i = (size_t)(p * (double)s->n + 0.999999);
	if (i > 0)
		i--;
	return s->us[i < s->n ? i : s->n - 1];
}

double samples_max(const struct samples *s)
{
	double m = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->us[i] > m)
			m = s->us[i];
	return m;
}

json_t *samples_json(struct samples *s)
{
	return json_pack("{s:I,s:f,s:f,s:f}", "n", (json_int_t)s->n,
			 "p50_us", samples_pct(s, 0.50), "p99_us", samples_pct(s, 0.99),
			 "max_us", samples_max(s));
}

double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

void sleep_us(double us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1e6),
			       .tv_nsec = (long)((us - (double)(time_t)(us / 1e6) * 1e6) * 1e3) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -EBADF;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Blocking connect: a full backlog waits rather than failing with EAGAIN. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	if (ioctl(fd, FIONBIO, &(int){ 1 }) < 0)
		return -errno;
	return TAKE_FD(fd);
}

int raw_is_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	if (poll(&p, 1, 0) < 0)
		return -errno;
	/*
	 * The daemon closing its end sets our shutdown flags (HUP, RDHUP);
	 * closing it with our requests still unread in its queue also resets
	 * us (ERR, ECONNRESET). Unread replies queued to us do not matter.
	 */
	return (p.revents & (POLLHUP | POLLRDHUP | POLLERR)) != 0;
}

long raw_inq(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) < 0 ? -errno : n;
}

long raw_outq(int fd)
{
	int n = 0;

	return ioctl(fd, SIOCOUTQ, &n) < 0 ? -errno : n;
}

long proc_rss_kib(int pid)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;
	long kib = -1;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	return kib;
}

bool proc_alive(int pid)
{
	return pid <= 0 || kill(pid, 0) == 0;
}
