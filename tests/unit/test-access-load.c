/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PrivilegedLoadUsers/Groups: who loads programs unvetted (daemon/access-load.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemon/access-load.c"

static int resolve(const char *name, bool group, uint32_t *ret)
{
	if (!group && strcmp(name, "alice") == 0)
		*ret = 1001;
	else if (group && strcmp(name, "loaders") == 0)
		*ret = 2000;
	else
		return -ENOENT;
	return 0;
}

static void test_root_always(void **state)
{
	(void)state;
	assert_true(xd_access_load_privileged("", "", 0, 0, NULL, 0, resolve));
}

static void test_off_by_default(void **state)
{
	(void)state;
	assert_false(xd_access_load_privileged("", "", 1001, 1001, NULL, 0, resolve));
	assert_false(xd_access_load_privileged(NULL, NULL, 1001, 1001, NULL, 0, resolve));
}

static void test_users_by_name_and_id(void **state)
{
	(void)state;
	assert_true(xd_access_load_privileged("bob alice", "", 1001, 100, NULL, 0, resolve));
	assert_true(xd_access_load_privileged(" 7  1001 ", "", 1001, 100, NULL, 0, resolve));
	assert_false(xd_access_load_privileged("alice", "", 1002, 100, NULL, 0, resolve));
	/* A number is a number: "1001x" names nobody, "10011" is not 1001. */
	assert_false(xd_access_load_privileged("1001x 10011", "", 1001, 100, NULL, 0, resolve));
}

static void test_groups_primary_and_supplementary(void **state)
{
	gid_t sup[] = { 5, 2000 };

	(void)state;
	assert_true(xd_access_load_privileged("", "loaders", 1002, 2000, NULL, 0, resolve));
	assert_true(xd_access_load_privileged("", "loaders", 1002, 100, sup, 2, resolve));
	assert_false(xd_access_load_privileged("", "loaders", 1002, 100, sup, 1, resolve));
	assert_false(xd_access_load_privileged("", "nosuch", 1002, 2000, sup, 2, resolve));
}

static void test_unknown_caller_is_nobody(void **state)
{
	(void)state;
	assert_false(xd_access_load_privileged("4294967295", "4294967295", (uid_t)-1, (gid_t)-1,
					       NULL, 0, resolve));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_always),
		cmocka_unit_test(test_off_by_default),
		cmocka_unit_test(test_users_by_name_and_id),
		cmocka_unit_test(test_groups_primary_and_supplementary),
		cmocka_unit_test(test_unknown_caller_is_nobody),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
