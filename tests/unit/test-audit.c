/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the audit trail's words (daemon/audit.c, issue 14): callers, units, programs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "audit.h"

static void test_quote(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(xd_audit_quote("xl_pass", buf, sizeof(buf)), "\"xl_pass\"");
	assert_string_equal(xd_audit_quote(NULL, buf, sizeof(buf)), "\"\"");
	/* A quote cannot end the field, a newline cannot start a line. */
	assert_string_equal(xd_audit_quote("a\" b\nc", buf, sizeof(buf)), "\"a\\x22 b\\x0ac\"");
	assert_string_equal(xd_audit_quote("x\\y", buf, sizeof(buf)), "\"x\\\\y\"");
	/* Cut at a unit's boundary, never inside an escape or a character. */
	assert_string_equal(xd_audit_quote("ab\x1b", buf, 7), "\"ab\"");
	assert_string_equal(xd_audit_quote("a\xc3\xa9", buf, 5), "\"a\"");
	assert_string_equal(xd_audit_quote("a\xc3\xa9", buf, 6), "\"a\xc3\xa9\"");
	assert_string_equal(xd_audit_quote("abc", buf, 2), "");
}

static void test_unit_from_cgroup(void **state)
{
	char unit[64];

	(void)state;
	/* Unified hierarchy. */
	assert_int_equal(xd_audit_unit_from_cgroup("0::/system.slice/cni-x.service\n", unit,
						   sizeof(unit)), 0);
	assert_string_equal(unit, "cni-x.service");
	/* Under a user's manager: the manager's unit, as sd_pid_get_unit() says. */
	assert_int_equal(xd_audit_unit_from_cgroup("0::/user.slice/user-1000.slice/"
						   "user@1000.service/app.slice/a.scope\n",
						   unit, sizeof(unit)), 0);
	assert_string_equal(unit, "user@1000.service");
	/* Hybrid: the unified path is the root; name=systemd has the unit. */
	assert_int_equal(xd_audit_unit_from_cgroup("12:cpu:/\n1:name=systemd:/system.slice/"
						   "kubelet.service\n0::/\n", unit,
						   sizeof(unit)), 0);
	assert_string_equal(unit, "kubelet.service");
	/* No unit: the root, only slices, a container's bare path, nothing. */
	assert_int_equal(xd_audit_unit_from_cgroup("0::/\n", unit, sizeof(unit)), -ENODATA);
	assert_int_equal(xd_audit_unit_from_cgroup("0::/user.slice\n", unit, sizeof(unit)),
			 -ENODATA);
	assert_int_equal(xd_audit_unit_from_cgroup("4:memory:/process_api/abc\n0::/\n", unit,
						   sizeof(unit)), -ENODATA);
	assert_int_equal(xd_audit_unit_from_cgroup("0::/docker/0123abc\n", unit, sizeof(unit)),
			 -ENODATA);
	assert_int_equal(xd_audit_unit_from_cgroup("", unit, sizeof(unit)), -ENODATA);
}

static void test_format_caller(void **state)
{
	char buf[128];

	(void)state;
	xd_audit_format_caller(0, 42, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "uid=0 pid=42");
	xd_audit_format_caller(1000, 7, "a\"b.service", buf, sizeof(buf));
	assert_string_equal(buf, "uid=1000 pid=7 unit=\"a\\x22b.service\"");
	xd_audit_format_caller((uid_t)-1, 0, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "an unknown peer");
}

static void test_programs(void **state)
{
	json_t *att = json_pack("[{s:i,s:i,s:s,s:s,s:s,s:s},{s:i,s:i,s:s,s:s,s:n,s:s}]",
				"id", 3, "programId", 77, "name", "fw", "object", "/o/a.o",
				"label", "edge", "owner", "uid:0",
				"id", 4, "programId", 78, "name", "lb", "object", "/o/b.o",
				"label", "owner", "config:10.conf");
	char buf[4096] = "x";

	(void)state;
	xd_audit_programs(buf, sizeof(buf), "added", (uint32_t[]){ 3, 4 }, 2, att);
	assert_string_equal(buf, "x; added #3 \"fw\" (program 77, object \"/o/a.o\", label "
			    "\"edge\", owner \"uid:0\"), #4 \"lb\" (program 78, object "
			    "\"/o/b.o\", owner \"config:10.conf\")");
	/* One not in the list: its id alone. None: nothing at all. */
	strcpy(buf, "y");
	xd_audit_programs(buf, sizeof(buf), "removed", (uint32_t[]){ 9 }, 1, att);
	assert_string_equal(buf, "y; removed #9");
	xd_audit_programs(buf, sizeof(buf), "removed", NULL, 0, att);
	assert_string_equal(buf, "y; removed #9");
	/* Out of room: what fits, then how many more. */
	strcpy(buf, "z");
	xd_audit_programs(buf, 120, "added", (uint32_t[]){ 3, 4 }, 2, att);
	assert_string_equal(buf, "z; added #3 \"fw\" (program 77, object \"/o/a.o\", label "
			    "\"edge\", owner \"uid:0\"), and 1 more");
	json_decref(att);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_unit_from_cgroup),
		cmocka_unit_test(test_format_caller),
		cmocka_unit_test(test_programs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
