/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the vetting thread holds only CAP_BPF and CAP_NET_ADMIN, and only it (lib/xl-vet.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xl-vet.h"

#define CAP_NET_ADMIN_BIT (1ULL << 12)
#define CAP_BPF_BIT (1ULL << 39)

/* "CapEff:" or "CapPrm:" of the calling thread, from /proc/thread-self/status. */
static unsigned long long thread_caps(const char *key)
{
	char line[256];
	unsigned long long v = ~0ULL;
	FILE *f = fopen("/proc/thread-self/status", "re");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			sscanf(line + strlen(key), "%llx", &v);
	fclose(f);
	return v;
}

struct seen {
	unsigned long long eff, prm;
	pid_t tid;
};

static int look(void *userdata)
{
	struct seen *s = userdata;

	s->eff = thread_caps("CapEff:");
	s->prm = thread_caps("CapPrm:");
	s->tid = gettid();
	return 42;
}

static void test_thread_has_only_loader_caps(void **state)
{
	unsigned long long before = thread_caps("CapEff:");
	struct seen s = {};

	(void)state;
	if ((before & (CAP_BPF_BIT | CAP_NET_ADMIN_BIT)) != (CAP_BPF_BIT | CAP_NET_ADMIN_BIT))
		skip();	/* not root: nothing to reduce to */
	assert_int_equal(xl_vet_run(look, &s), 42);
	assert_int_not_equal(s.tid, gettid());
	assert_int_equal(s.eff, CAP_BPF_BIT | CAP_NET_ADMIN_BIT);
	assert_int_equal(s.prm, CAP_BPF_BIT | CAP_NET_ADMIN_BIT);
	/* Capabilities are per thread: ours are untouched. */
	assert_int_equal(thread_caps("CapEff:"), before);
}

static int refuse(void *userdata)
{
	(void)userdata;
	return -ENOEXEC;
}

static void test_result_comes_back(void **state)
{
	(void)state;
	if ((thread_caps("CapEff:") & CAP_BPF_BIT) == 0)
		skip();
	assert_int_equal(xl_vet_run(refuse, NULL), -ENOEXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thread_has_only_loader_caps),
		cmocka_unit_test(test_result_comes_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
