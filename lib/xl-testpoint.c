/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test points: see xl-testpoint.h. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-testpoint.h"

static unsigned long stop_hits;

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

void xl_test_point(const char *name)
{
	const char *crash = secure_getenv("XL_TEST_CRASH");
	const char *stop = secure_getenv("XL_TEST_STOP");
	unsigned long nth;
	char line[128];
	int n;

	if (crash && matches(crash, name, &nth))
		_exit(86);
	if (!stop || !matches(stop, name, &nth))
		return;
	/* Workers on different interfaces may race here; one of them stops. */
	if (__atomic_add_fetch(&stop_hits, 1, __ATOMIC_SEQ_CST) != nth)
		return;
	n = snprintf(line, sizeof(line), "xl-testpoint: stopped at %s\n", name);
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nowhere left to say so; the stop itself is what matters. */
	}
	raise(SIGSTOP);
}
