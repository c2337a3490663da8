/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test points: see xl-testpoint.h. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-testpoint.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char last_spec[64];
static unsigned long hits;

/* "NAME" or "NAME@N": whether @name matches, and at which hit. */
static bool matches(const char *want, const char *name, unsigned long *ret_nth)
{
	const char *at = strchr(want, '@');
	size_t n = at ? (size_t)(at - want) : strlen(want);

	*ret_nth = at ? strtoul(at + 1, NULL, 10) : 1;
	if (n == 1 && want[0] == '*')
		return true;
	return strlen(name) == n && strncmp(want, name, n) == 0;
}

/* XL_TEST_STOP, or the first line of XL_TEST_STOP_FILE, read afresh each
 * time so that a test can aim one long-running daemon again and again. */
static bool stop_spec(char *buf, size_t len)
{
	const char *env = secure_getenv("XL_TEST_STOP");
	const char *file = secure_getenv("XL_TEST_STOP_FILE");
	ssize_t n;
	int fd;

	if (env) {
		snprintf(buf, len, "%s", env);
		return true;
	}
	if (!file || (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] != '\0';
}

static void stop_here(const char *name)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "xl-testpoint: stopped at %s\n", name);

	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nowhere left to say so; the stop itself is what matters. */
	}
	raise(SIGSTOP);
}

void xl_test_point(const char *name)
{
	const char *crash = secure_getenv("XL_TEST_CRASH");
	unsigned long nth;
	char spec[sizeof(last_spec)];
	bool stop = false;

	if (crash && matches(crash, name, &nth))
		_exit(86);
	if (!stop_spec(spec, sizeof(spec)) || !matches(spec, name, &nth))
		return;
	/* Workers on different interfaces may race here; one of them stops.
	 * A new spec starts its count afresh. */
	pthread_mutex_lock(&lock);
	if (strcmp(spec, last_spec) != 0) {
		snprintf(last_spec, sizeof(last_spec), "%s", spec);
		hits = 0;
	}
	stop = ++hits == nth;
	pthread_mutex_unlock(&lock);
	if (stop)
		stop_here(name);
}
