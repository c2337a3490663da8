/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the varlink grammar checker, and the daemon's own IDL
 * (daemon/io.xdplink.Manager.varlink) through it, so a name that strict
 * peers reject (an enum value with '-') fails here, not in a client.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "vl-idl.h"
#include "vl-server.h"
#include "xdplinkd-idl.h"

static void expect_valid(const char *text, const char *name)
{
	const char *why = NULL;
	unsigned line = 0;
	char got[256];
	int r;

	r = vl_idl_validate(text, got, sizeof(got), &line, &why);
	if (r < 0)
		fail_msg("line %u: %s", line, why);
	assert_string_equal(got, name);
}

static void expect_invalid(const char *text, unsigned want_line)
{
	const char *why = NULL;
	unsigned line = 0;

	assert_int_equal(vl_idl_validate(text, NULL, 0, &line, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(line, want_line);
}

/* The daemon's IDL, as GetInterfaceDescription returns it. */
static void test_manager_idl(void **state)
{
	(void)state;
	expect_valid(xd_manager_idl, "io.xdplink.Manager");
}

static void test_valid_shapes(void **state)
{
	(void)state;
	expect_valid("# doc\ninterface org.example.a\nmethod M() -> ()\n", "org.example.a");
	expect_valid("interface org.example.a\n"
		     "type T (a: ?int, b: []string, c: [string]?T, d: (x, y_z, w2), e: object)\n"
		     "# a comment, (not: code)\n"
		     "method M(t: T, f: float, b: bool) -> (u: ?[]T)\n"
		     "error E (why: string)\n"
		     "error F ()\n"
		     "type Enum (one, twoWords, three_words)\n", "org.example.a");
	/* Upper case in interface names: valid since the 2021 spec. */
	expect_valid("interface io.systemd.Resolve\nmethod M() -> ()\n", "io.systemd.Resolve");
}

/* Field names and enum values: [A-Za-z]([_]?[A-Za-z0-9])*. */
static void test_bad_field_names(void **state)
{
	(void)state;
	expect_invalid("interface a.b\ntype E (one, two-words)\n", 2);
	expect_invalid("interface a.b\nmethod M() -> ()\ntype T (a: (x, went-away))\n", 3);
	expect_invalid("interface a.b\nmethod M(a__b: int) -> ()\n", 2);
	expect_invalid("interface a.b\nmethod M(a_: int) -> ()\n", 2);
	expect_invalid("interface a.b\nmethod M(_a: int) -> ()\n", 2);
	expect_invalid("interface a.b\nmethod M(1a: int) -> ()\n", 2);
}

static void test_bad_shapes(void **state)
{
	(void)state;
	expect_invalid("", 1);
	expect_invalid("interface a.b\n", 2);                               /* no member */
	expect_invalid("interface a\nmethod M() -> ()\n", 1);                /* one label */
	expect_invalid("interface a.b\nmethod m() -> ()\n", 2);              /* lower-case name */
	expect_invalid("interface a.b\nmethod M_x() -> ()\n", 2);
	expect_invalid("interface a.b\nmethod M() ()\n", 2);                 /* no -> */
	expect_invalid("interface a.b\nmethod M(a, b) -> ()\n", 2);          /* enum as input */
	expect_invalid("interface a.b\nmethod M(a: ??int) -> ()\n", 2);
	expect_invalid("interface a.b\nmethod M(a: int,) -> ()\n", 2);
	expect_invalid("interface a.b\nmethod M(a: integer) -> ()\n", 2);
	expect_invalid("interface a.b\nmethod M() -> ()\nsignal S()\n", 3);
	expect_invalid("interface a.b\ntype T (a: int\n", 3);
}

/* The server refuses a description that strict peers could not parse, or that names another interface. */
static void test_server_refuses_bad_idl(void **state)
{
	static const struct vl_method table[] = { { "a.b.M", NULL, 0 }, {} };
	struct vl_server_opts opts = { .sz = sizeof(opts) };
	struct vl_server *s = NULL;

	(void)state;
	assert_int_equal(vl_server_new(&s, &opts), 0);
	assert_int_equal(vl_server_add_methods(s, "a.b", "interface a.b\ntype E (x-y)\n"
					       "method M() -> ()\n", table, NULL), -EINVAL);
	assert_int_equal(vl_server_add_methods(s, "a.b", "interface a.c\nmethod M() -> ()\n",
					       table, NULL), -EINVAL);
	assert_int_equal(vl_server_add_methods(s, "a.b", "interface a.b\nmethod M() -> ()\n",
					       table, NULL), 0);
	vl_server_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manager_idl),
		cmocka_unit_test(test_valid_shapes),
		cmocka_unit_test(test_bad_field_names),
		cmocka_unit_test(test_bad_shapes),
		cmocka_unit_test(test_server_refuses_bad_idl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
