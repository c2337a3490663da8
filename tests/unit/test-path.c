/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: bpffs and state path construction and parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#include "xl-path.h"

static void test_build(void **state)
{
	char b[256];

	(void)state;
	assert_int_equal(xl_path_iface(b, sizeof(b), "/sys/fs/bpf/xdplinkd", 4096, 3), 0);
	assert_string_equal(b, "/sys/fs/bpf/xdplinkd/4096-3");
	assert_int_equal(xl_path_link(b, sizeof(b), "/r/1-2"), 0);
	assert_string_equal(b, "/r/1-2/link");
	assert_int_equal(xl_path_counters(b, sizeof(b), "/r/1-2"), 0);
	assert_string_equal(b, "/r/1-2/counters");
	assert_int_equal(xl_path_prog(b, sizeof(b), "/r/1-2", 17), 0);
	assert_string_equal(b, "/r/1-2/prog-17");
	assert_int_equal(xl_path_direct(b, sizeof(b), "/r/1-2", 17), 0);
	assert_string_equal(b, "/r/1-2/direct-17");
	assert_int_equal(xl_path_rev(b, sizeof(b), "/r/1-2", 12), 0);
	assert_string_equal(b, "/r/1-2/rev-12");
	assert_int_equal(xl_path_rev_entry(b, sizeof(b), "/r/1-2", 12), 0);
	assert_string_equal(b, "/r/1-2/rev-12/entry");
	assert_int_equal(xl_path_rev_slot(b, sizeof(b), "/r/1-2", 12, 62), 0);
	assert_string_equal(b, "/r/1-2/rev-12/link-62");
	assert_int_equal(xl_path_rev_slot(b, sizeof(b), "/r/1-2", 12, XL_SLOT_ENTRY), 0);
	assert_string_equal(b, "/r/1-2/rev-12/link-entry");
	assert_int_equal(xl_path_state(b, sizeof(b), "/s/1-2", 12), 0);
	assert_string_equal(b, "/s/1-2/rev-12.json");
}

static void test_same_ifindex_other_netns_differs(void **state)
{
	char a[64], b[64];

	(void)state;
	assert_int_equal(xl_path_iface(a, sizeof(a), "/r", 4096, 2), 0);
	assert_int_equal(xl_path_iface(b, sizeof(b), "/r", 8192, 2), 0);
	assert_string_not_equal(a, b);
}

static void test_errors(void **state)
{
	char b[16];

	(void)state;
	assert_int_equal(xl_path_iface(b, sizeof(b), "/a/very/long/root", 1, 1), -ENAMETOOLONG);
	assert_int_equal(xl_path_iface(b, sizeof(b), "/r", 1, 0), -EINVAL);
	assert_int_equal(xl_path_rev_slot(b, sizeof(b), "/r", 1, -7), -EINVAL);
}

static void test_parse(void **state)
{
	__u64 cookie, rev;
	__u32 id;
	int ifindex;

	(void)state;
	assert_int_equal(xl_parse_iface_name("4096-3", &cookie, &ifindex), 0);
	assert_int_equal(cookie, 4096);
	assert_int_equal(ifindex, 3);
	assert_int_equal(xl_parse_iface_name("18446744073709551615-2147483647", &cookie, &ifindex), 0);
	assert_true(cookie == UINT64_MAX);
	assert_int_equal(xl_parse_iface_name("18446744073709551616-1", &cookie, &ifindex), -EINVAL);
	assert_int_equal(xl_parse_iface_name("1-0", &cookie, &ifindex), -EINVAL);
	assert_int_equal(xl_parse_iface_name("01-3", &cookie, &ifindex), -EINVAL);
	assert_int_equal(xl_parse_iface_name("1-3x", &cookie, &ifindex), -EINVAL);
	assert_int_equal(xl_parse_iface_name("lock", &cookie, &ifindex), -EINVAL);
	assert_int_equal(xl_parse_iface_name("-3", &cookie, &ifindex), -EINVAL);
	assert_int_equal(xl_parse_rev_name("rev-5", &rev), 0);
	assert_int_equal(rev, 5);
	assert_int_equal(xl_parse_rev_name("rev-0", &rev), -EINVAL);
	assert_int_equal(xl_parse_rev_name("rev-", &rev), -EINVAL);
	assert_int_equal(xl_parse_rev_name("rev-5.json", &rev), -EINVAL);
	assert_int_equal(xl_parse_state_name("rev-5.json", &rev), 0);
	assert_int_equal(xl_parse_state_name("rev-5.json.tmp", &rev), -EINVAL);
	assert_int_equal(xl_parse_prog_name("prog-9", &id), 0);
	assert_int_equal(id, 9);
	assert_int_equal(xl_parse_prog_name("prog-4294967296", &id), -EINVAL);
	assert_int_equal(xl_parse_prog_name("prog--1", &id), -EINVAL);
	assert_int_equal(xl_parse_prog_name("direct-9", &id), -EINVAL);
	assert_int_equal(xl_parse_direct_name("direct-12", &id), 0);
	assert_int_equal(id, 12);
	assert_int_equal(xl_parse_direct_name("direct-0", &id), -EINVAL);
	assert_int_equal(xl_parse_direct_name("prog-12", &id), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_same_ifindex_other_netns_differs),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
