/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl's program set files and the client library's error lines. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <linux/bpf.h>

#include "progset.h"
#include "xdplink/xdplink-client.h"

static int parse(const char *text, bool ini, struct progset *s, char *err)
{
	return progset_parse(s, text, ini, "set", "/d", err, 256);
}

static void test_json_full(void **state)
{
	struct progset s;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"programs\": [ {\"object\": \"a.o\", \"program\": \"p\","
			       " \"priority\": 10, \"actions\": [\"pass\", \"drop\"], \"label\": \"l\"},"
			       " {\"object\": \"/abs/b.o\"} ], \"mode\": \"skb\", \"counters\": true}",
			       false, &s, err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.progs[0].object, "/d/a.o");	/* relative to the file */
	assert_string_equal(s.progs[0].prog_name, "p");
	assert_int_equal(s.progs[0].priority, 10);
	assert_int_equal(s.progs[0].actions, XL_ACTION(XDP_PASS) | XL_ACTION(XDP_DROP));
	assert_string_equal(s.progs[0].label, "l");
	assert_string_equal(s.progs[1].object, "/abs/b.o");
	assert_int_equal(s.progs[1].priority, XL_PRIORITY_FROM_OBJECT);
	assert_int_equal(s.mode, XL_MODE_SKB);
	assert_int_equal(s.counters, 1);
	progset_done(&s);
}

static void test_json_bare_list_and_empty(void **state)
{
	struct progset s;
	char err[256];

	(void)state;
	assert_int_equal(parse("[ {\"object\": \"/a.o\", \"actions\": []} ]", false, &s, err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.progs[0].actions, XL_ACTIONS_NONE);
	assert_int_equal(s.counters, -1);
	progset_done(&s);
	assert_int_equal(parse("[]", false, &s, err), 0);	/* detach everything */
	assert_int_equal(s.n, 0);
	progset_done(&s);
}

static void expect(const char *text, bool ini, const char *msg)
{
	struct progset s;
	char err[256];

	assert_true(parse(text, ini, &s, err) < 0);
	assert_string_equal(err, msg);
}

static void test_json_errors(void **state)
{
	(void)state;
	expect("{\"programs\": [", false, "set: 1: ']' expected near end of file");
	expect("[ {\"object\": \"/a.o\", \"bogus\": 1} ]", false,
	       "set: programs[0]: unknown key 'bogus' (object, program, priority, actions, label)");
	expect("[ {\"program\": \"p\"} ]", false, "set: programs[0]: no object");
	expect("[ {\"object\": \"/a.o\", \"priority\": 1001} ]", false,
	       "set: programs[0].priority: invalid value");
	expect("[ {\"object\": \"/a.o\", \"actions\": [\"teleport\"]} ]", false,
	       "set: programs[0].actions[0]: expected one of aborted, drop, pass, tx, redirect");
	expect("{\"programs\": [], \"mode\": \"turbo\"}", false, "set: mode: expected native or skb");
	expect("{\"programs\": [], \"extra\": 1}", false,
	       "set: unknown key 'extra' (programs, mode, counters)");
	expect("[ 5 ]", false, "set: programs[0]: expected an object");
	expect("{\"mode\": \"skb\"}", false,
	       "set: expected a list of programs, or an object with \"programs\"");
}

static void test_ini(void **state)
{
	struct progset s;
	char err[256];

	(void)state;
	assert_int_equal(parse("# two programs\n[Set]\nMode = skb\nCounters = no\n"
			       "[Program]\nObject = a.o\nProgram = p\nPriority = 5\nActions = pass,tx\n"
			       "[Program]\nObject = /b.o\nLabel = second\n", true, &s, err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.progs[0].object, "/d/a.o");
	assert_int_equal(s.progs[0].priority, 5);
	assert_int_equal(s.progs[0].actions, XL_ACTION(XDP_PASS) | XL_ACTION(XDP_TX));
	assert_string_equal(s.progs[1].object, "/b.o");
	assert_string_equal(s.progs[1].label, "second");
	assert_int_equal(s.mode, XL_MODE_SKB);
	assert_int_equal(s.counters, 0);
	progset_done(&s);
}

static void test_ini_errors(void **state)
{
	(void)state;
	expect("[Program]\nObject = /a.o\nColour = red\n", true,
	       "set: 3: unknown key 'Colour' in [Program] (Object, Program, Priority, Actions, Label)");
	expect("[Program]\nObject = /a.o\nPriority = high\n", true, "set: 3: Priority must be 0..1000");
	expect("[Program]\nObject = /a.o\n[Program]\nProgram = p\n", true, "set: program 2 has no Object");
	expect("[Stuff]\nA = 1\n", true, "set: 2: unknown section [Stuff] ([Program], [Set])");
	expect("[Program]\nno equals sign\n", true,
	       "set: 2: syntax error: expected [Section] or Key = value");
	expect("# nothing\n", true, "set: no [Program] section");
	expect("[Set]\nMode = fast\n", true, "set: 2: Mode must be native or skb");
}

static void test_error_lines(void **state)
{
	char buf[256];
	json_t *p;

	(void)state;
	p = json_pack("{s:s,s:i,s:i}", "interface", "vb", "expected", 3, "current", 4);
	xl_client__format_error("io.xdplink.Manager.RevisionMismatch", p, buf, sizeof(buf));
	assert_string_equal(buf, "vb: expected revision 3, but it is at revision 4");
	json_decref(p);
	p = json_pack("{s:s,s:s}", "interface", "vb", "holder", "a program attached over netlink");
	xl_client__format_error("io.xdplink.Manager.InterfaceBusy", p, buf, sizeof(buf));
	assert_string_equal(buf, "vb is busy: XDP is held by a program attached over netlink");
	json_decref(p);
	p = json_pack("{s:s}", "parameter", "priority");
	xl_client__format_error("org.varlink.service.InvalidParameter", p, buf, sizeof(buf));
	assert_string_equal(buf, "invalid parameter 'priority'");
	json_decref(p);
	assert_int_equal(xl_client__errno_for("io.xdplink.Manager.RevisionMismatch"), -ESTALE);
	assert_int_equal(xl_client__errno_for("io.xdplink.Manager.TooManyPrograms"), -E2BIG);
	assert_int_equal(xl_client__errno_for("org.varlink.service.PermissionDenied"), -EPERM);
	assert_int_equal(xl_client__errno_for("org.example.Whatever"), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_full),
		cmocka_unit_test(test_json_bare_list_and_empty),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_error_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
