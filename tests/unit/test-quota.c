/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon/quota.c: per-user job counts (MaxJobsPerUser). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "quota.h"

static void test_cap_per_user(void **state)
{
	struct xd_quota *q = NULL;

	(void)state;
	assert_int_equal(xd_quota_take(&q, 1000, 2), 0);
	assert_int_equal(xd_quota_take(&q, 1000, 2), 0);
	assert_int_equal(xd_quota_take(&q, 1000, 2), -EDQUOT);
	/* Another user has a count of its own. */
	assert_int_equal(xd_quota_take(&q, 1001, 2), 0);
	assert_int_equal(xd_quota_held(q, 1000), 2);
	assert_int_equal(xd_quota_held(q, 1001), 1);
	xd_quota_put(q, 1000);
	assert_int_equal(xd_quota_take(&q, 1000, 2), 0);
	q = xd_quota_free(q);
}

static void test_put_frees_room(void **state)
{
	struct xd_quota *q = NULL;

	(void)state;
	for (uid_t u = 0; u < 100; u++)
		assert_int_equal(xd_quota_take(&q, u, 1), 0);
	for (uid_t u = 0; u < 100; u++)
		xd_quota_put(q, u);
	for (uid_t u = 0; u < 100; u++)
		assert_int_equal(xd_quota_held(q, u), 0);
	/* A put without a take changes nothing. */
	xd_quota_put(q, 5);
	assert_int_equal(xd_quota_take(&q, 5, 1), 0);
	assert_int_equal(xd_quota_take(&q, 5, 1), -EDQUOT);
	xd_quota_put(NULL, 5);
	assert_int_equal(xd_quota_take(&q, 6, 0), -EDQUOT);
	q = xd_quota_free(q);
}

static void test_log_once_a_second(void **state)
{
	struct xd_quota *q = NULL;
	unsigned quiet = 99;

	(void)state;
	assert_int_equal(xd_quota_take(&q, 7, 1), 0);
	assert_true(xd_quota_log_due(q, 5000000, &quiet));
	assert_int_equal(quiet, 0);
	assert_false(xd_quota_log_due(q, 5100000, &quiet));
	assert_false(xd_quota_log_due(q, 5999999, &quiet));
	assert_true(xd_quota_log_due(q, 6000000, &quiet));
	assert_int_equal(quiet, 2);
	q = xd_quota_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_per_user),
		cmocka_unit_test(test_put_frees_room),
		cmocka_unit_test(test_log_once_a_second),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
