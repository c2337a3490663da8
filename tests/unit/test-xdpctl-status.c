/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl's human output: the column table, the status table made from a
 * List reply (with and without counters, an interface without programs,
 * nothing at all), and monitor's event lines. Exact text, byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "xdpctl.h"

/* What f printed, as one string (freed by the caller). */
static char *capture(void (*print)(FILE *, void *), void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	print(f, arg);
	fclose(f);
	return text;
}

static void print_table(FILE *f, void *arg)
{
	table_print(arg, f);
}

static void test_table_widths(void **state)
{
	struct table t = {};
	const char *r1[] = { "a", "1", "long cell", "" };
	const char *r2[] = { "bbbb", "22222", NULL, "" };
	const char *r3[] = { "ü", "3", "x", "end" };
	char *out;

	(void)state;
	assert_int_equal(table_column(&t, "Name", false), 0);
	assert_int_equal(table_column(&t, "N", true), 1);
	assert_int_equal(table_column(&t, "Text", false), 2);
	assert_int_equal(table_column(&t, "Last", false), 3);
	assert_int_equal(table_row(&t, r1), 0);
	assert_int_equal(table_row(&t, r2), 0);
	assert_int_equal(table_row(&t, r3), 0);
	/* No column once rows exist. */
	assert_true(table_column(&t, "Late", false) < 0);
	out = capture(print_table, &t);
	/* Right-aligned numbers, no trailing blanks, a UTF-8 letter is one column wide. */
	assert_string_equal(out,
			    "Name      N  Text       Last\n"
			    "----------------------------\n"
			    "a         1  long cell\n"
			    "bbbb  22222\n"
			    "ü         3  x          end\n");
	free(out);
	table_done(&t);
}

struct status_call {
	json_t *list;
	const struct xdpctl_status_opts *opts;
};

static void print_status(FILE *f, void *arg)
{
	const struct status_call *c = arg;

	if (c->opts)
		xdpctl_print_status_opts(f, c->list, c->opts);
	else
		xdpctl_print_status(f, c->list);
}

static char *status_with(const char *json, const struct xdpctl_status_opts *opts)
{
	struct status_call c = { .list = json_loads(json, 0, NULL), .opts = opts };
	char *out;

	assert_non_null(c.list);
	out = capture(print_status, &c);
	json_decref(c.list);
	return out;
}

static char *status_of(const char *json)
{
	return status_with(json, NULL);
}

#define EXPECT_PLAIN \
	"Netns        Interface  Rev  Mode  ID  Prio  Program name   Prog ID  Actions    Owner     Label\n"\
	"-----------------------------------------------------------------------------------------------\n"\
	"web          veth0        5  skb    1    10  xdp_pass          1234  pass       uid:0     web\n"\
	"                                    3    50  filter            1240  pass,drop  uid:1000\n"\
	"cookie:4096  eth1         -  -               <no programs>\n"
#define EXPECT_COUNTERS \
	"Netns     Interface  Rev  Mode    ID  Prio  Program name  Prog ID  Actions  Aborted  Drop  Pass  Tx  Redirect  Other  Owner  Label\n"\
	"----------------------------------------------------------------------------------------------------------------------------------\n"\
	"cookie:7  a            2  native   1     1  p                   7  none           0     6   120   0         0      1  -\n"\
	"cookie:7  b            1  native   2     2  q                   8  pass           -     -     -   -         -      -  -\n"
#define EXPECT_VERBOSE \
	"Netns     Interface  Rev  Mode    Link  ID  Prio  Program name  Prog ID  Tag  Actions  Aborted  Drop  Pass  Tx  Redirect  Other  Owner  Label  Object\n"\
	"-----------------------------------------------------------------------------------------------------------------------------------------------------\n"\
	"cookie:7  a            2  native    30   1     1  p                   7  t    none           0     6   120   0         0      1  -             /o.o\n"\
	"cookie:7  b            1  native         2     2  q                   8  u    pass           -     -     -   -         -      -  -             /o.o\n"
#define EXPECT_UNMANAGED \
	"Netns     Interface  Rev  Mode    ID  Prio  Program name     Prog ID  Actions  Owner    Label\n"\
	"-------------------------------------------------------------------------------------------------\n"\
	"cookie:1  ux1          -  native   -     -  xdp_dispatcher        41  -        libxdp   unmanaged\n"\
	"                                   -     -  xdpfilt_dny_all       42  -        libxdp   unmanaged\n"\
	"                          skb      -     -  other                 50  -        link:77  unmanaged\n"\
	"cookie:1  ux2          3  native   1    10  xl_pass_1             61  pass     uid:0    fw\n"
#define EXPECT_MAPS \
	"\n"\
	"Interface  Prog ID  Map ID  Map name      Type   Pin path\n"\
	"---------------------------------------------------------\n"\
	"ux1             42       9  filter_ports  array  -\n"

#define ATT(id, prio, name, prog, tag, actions, owner, label, counters) \
	"{\"id\": " #id ", \"programId\": " #prog ", \"name\": \"" name "\", \"tag\": \"" tag \
	"\", \"object\": \"/o.o\", \"priority\": " #prio ", \"actions\": " actions \
	", \"frags\": false, \"owner\": " owner ", \"label\": " label ", \"counters\": " counters "}"

/* By default: what fits 100 columns; no link, tag, counters or object. */
static void test_status_plain(void **state)
{
	char *out;

	(void)state;
	out = status_of("[{\"name\": \"veth0\", \"ifindex\": 4, \"netnsCookie\": 1, \"netns\": \"web\", "
			"\"revision\": 5, \"mode\": \"skb\", "
			"\"linkId\": 12, \"entryProgramId\": 99, \"counters\": false, \"attachments\": ["
			ATT(1, 10, "xdp_pass", 1234, "3b185187f1855c4c", "[\"pass\"]", "\"uid:0\"",
			    "\"web\"", "null") ","
			ATT(3, 50, "filter", 1240, "d51e469e988d81da", "[\"pass\", \"drop\"]",
			    "\"uid:1000\"", "null", "null") "]},"
			"{\"name\": \"eth1\", \"ifindex\": 2, \"netnsCookie\": 4096, \"revision\": 0, "
			"\"mode\": \"native\", \"linkId\": 0, \"entryProgramId\": 0, \"counters\": false, "
			"\"attachments\": []}]");
	assert_string_equal(out, EXPECT_PLAIN);
	free(out);
}

#define IFACE_C(extra) \
	"[{\"name\": \"a\", \"netnsCookie\": 7, \"revision\": 2, \"mode\": \"native\", " \
	"\"linkId\": 30, \"counters\": true, \"attachments\": [" \
	ATT(1, 1, "p", 7, "t", "[]", "null", "null", \
	    "{\"aborted\": 0, \"drop\": 6, \"pass\": 120, \"tx\": 0, \"redirect\": 0, " \
	    "\"other\": 1}") "]" extra "}," \
	"{\"name\": \"b\", \"netnsCookie\": 7, \"revision\": 1, \"mode\": \"native\", " \
	"\"counters\": false, \"attachments\": [" ATT(2, 2, "q", 8, "u", "[\"pass\"]", "null", \
						    "null", "null") "]}]"

/* Counters only with --counters; an interface that does not count shows "-". */
static void test_status_counters(void **state)
{
	const struct xdpctl_status_opts plain = {}, counters = { .counters = true };
	const struct xdpctl_status_opts verbose = { .verbose = true };
	char *out;

	(void)state;
	out = status_with(IFACE_C(""), &plain);
	assert_null(strstr(out, "Drop"));
	free(out);
	out = status_with(IFACE_C(""), &counters);
	assert_string_equal(out, EXPECT_COUNTERS);
	free(out);
	out = status_with(IFACE_C(""), &verbose);
	assert_string_equal(out, EXPECT_VERBOSE);
	free(out);
}

static void test_status_empty(void **state)
{
	char *out = status_of("[]");

	(void)state;
	assert_string_equal(out, "No interface has XDP programs.\n");
	free(out);
}

#define UNMANAGED \
	"[{\"name\": \"ux1\", \"ifindex\": 3, \"netnsCookie\": 1, \"revision\": 0, " \
	"\"mode\": \"native\", \"linkId\": 0, \"entryProgramId\": 0, \"counters\": false, " \
	"\"attachments\": [], \"unmanaged\": [" \
	"{\"programId\": 41, \"name\": \"xdp_dispatcher\", \"tag\": \"aa\", \"mode\": \"native\", " \
	"\"holder\": \"libxdp\", \"linkId\": 0, \"programs\": [" \
	"{\"programId\": 42, \"name\": \"xdpfilt_dny_all\", \"tag\": \"bb\", \"maps\": [" \
	"{\"id\": 9, \"name\": \"filter_ports\", \"type\": \"array\"}]}], \"maps\": []}," \
	"{\"programId\": 50, \"name\": \"other\", \"tag\": \"cc\", \"mode\": \"skb\", " \
	"\"holder\": \"bpfLink\", \"linkId\": 77}]}," \
	"{\"name\": \"ux2\", \"ifindex\": 4, \"netnsCookie\": 1, \"revision\": 3, " \
	"\"mode\": \"native\", \"linkId\": 60, \"entryProgramId\": 61, \"counters\": false, " \
	"\"attachments\": [" ATT(1, 10, "xl_pass_1", 61, "t", "[\"pass\"]", "\"uid:0\"", "\"fw\"", \
				 "null") "]}]"

/* Issue 14: other tools' programs are listed, marked unmanaged, with their
 * holder (libxdp's dispatcher and what it runs, a bpf_link, netlink). */
static void test_status_unmanaged(void **state)
{
	char *out;

	(void)state;
	out = status_of(UNMANAGED);
	assert_string_equal(out, EXPECT_UNMANAGED);
	free(out);
}

/* --maps: a second table, one row per map of each program. */
static void test_status_maps(void **state)
{
	const struct xdpctl_status_opts maps = { .maps = true };
	char *out;

	(void)state;
	out = status_with(UNMANAGED, &maps);
	assert_non_null(strstr(out, EXPECT_MAPS));
	free(out);
}

/* Issue 12: a label or name with escape sequences cannot erase a row and
 * draw another; JSON output (not this table) stays exact. */
static void test_status_escapes_untrusted_text(void **state)
{
	char *out;

	(void)state;
	out = status_of("[{\"name\": \"v\\u001bb\", \"ifindex\": 4, \"revision\": 5, "
			"\"mode\": \"skb\", \"linkId\": 12, \"entryProgramId\": 99, "
			"\"counters\": false, \"attachments\": ["
			ATT(1, 10, "x\\u009bp", 1234, "3b185187f1855c4c", "[\"pass\"]",
			    "\"uid:0\"", "\"\\u001b[1A\\u001b[2Kfake\\r\\n\"", "null") "]}]");
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\r'));
	assert_null(strstr(out, "\xc2\x9b"));
	assert_non_null(strstr(out, "v\\x1bb"));
	assert_non_null(strstr(out, "x\\xc2\\x9bp"));
	assert_non_null(strstr(out, "\\x1b[1A\\x1b[2Kfake\\x0d\\x0a\n"));
	free(out);
}

static void test_event_lines(void **state)
{
	static const struct {
		const char *json, *line;
	} cases[] = {
		{ "{\"type\": \"attach\", \"interface\": \"vb\", \"ifindex\": 3, \"revision\": 5, "
		  "\"previousRevision\": 4, \"added\": [3], \"removed\": []}",
		  "vb: attach, revision 4 -> 5, added 3" },
		{ "{\"type\": \"replace\", \"interface\": \"vb\", \"revision\": 6, "
		  "\"previousRevision\": 5, \"added\": [4, 5], \"removed\": [1, 3]}",
		  "vb: replace, revision 5 -> 6, added 4,5, removed 1,3" },
		/* A Change carries its whole batch: added, removed and reordered. */
		{ "{\"type\": \"change\", \"interface\": \"vb\", \"revision\": 7, "
		  "\"previousRevision\": 6, \"added\": [8], \"removed\": [4], \"reordered\": [5, 6]}",
		  "vb: change, revision 6 -> 7, added 8, removed 4, reordered 5,6" },
		{ "{\"type\": \"interfaceGone\", \"interface\": \"vb\", \"revision\": 0, "
		  "\"previousRevision\": 6, \"added\": [], \"removed\": [4, 5]}",
		  "vb: interfaceGone, revision 6 -> 0, removed 4,5" },
		{ "{}", "?: ?, revision 0 -> 0" },
		/* Names others chose reach the terminal escaped (issue 12). */
		{ "{\"type\": \"interfaceRenamed\", \"interface\": \"v\\u001b[2Kb\", "
		  "\"previousName\": \"o\\rld\", \"revision\": 2}",
		  "v\\x1b[2Kb: renamed from o\\x0dld, revision 2" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *ev = json_loads(cases[i].json, 0, NULL);
		char line[256];

		assert_non_null(ev);
		xdpctl_format_event(ev, line, sizeof(line));
		assert_string_equal(line, cases[i].line);
		json_decref(ev);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_widths),
		cmocka_unit_test(test_status_plain),
		cmocka_unit_test(test_status_escapes_untrusted_text),
		cmocka_unit_test(test_status_counters),
		cmocka_unit_test(test_status_empty),
		cmocka_unit_test(test_status_unmanaged),
		cmocka_unit_test(test_status_maps),
		cmocka_unit_test(test_event_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
