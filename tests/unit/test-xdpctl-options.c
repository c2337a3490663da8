/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl's command line: the actions parser, the table-driven option
 * parser (values checked at parse time, usage errors in one line plus a
 * hint, exit 64), and --help generated from the same tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "xdpctl.h"

static void test_actions(void **state)
{
	const char *bad = NULL;
	size_t len = 0;
	__u32 m = 0;

	(void)state;
	assert_int_equal(xdpctl_parse_actions("pass", &m, NULL, NULL), 0);
	assert_int_equal(m, XL_ACTION(XDP_PASS));
	assert_int_equal(xdpctl_parse_actions("aborted,drop,pass,tx,redirect", &m, NULL, NULL), 0);
	assert_int_equal(m, XL_ACTION(XDP_ABORTED) | XL_ACTION(XDP_DROP) | XL_ACTION(XDP_PASS) |
			    XL_ACTION(XDP_TX) | XL_ACTION(XDP_REDIRECT));
	assert_int_equal(xdpctl_parse_actions("drop,drop", &m, NULL, NULL), 0);
	assert_int_equal(m, XL_ACTION(XDP_DROP));
	assert_int_equal(xdpctl_parse_actions("none", &m, NULL, NULL), 0);
	assert_int_equal(m, XL_ACTIONS_NONE);
	/* The bad name is pointed at, so that the message can quote it. */
	assert_int_equal(xdpctl_parse_actions("pass,jump,drop", &m, &bad, &len), -EINVAL);
	assert_int_equal(len, 4);
	assert_memory_equal(bad, "jump", 4);
	assert_int_equal(xdpctl_parse_actions("pass,", &m, &bad, &len), -EINVAL);
	assert_int_equal(len, 0);
	assert_int_equal(xdpctl_parse_actions("", &m, &bad, &len), -EINVAL);
	assert_int_equal(xdpctl_parse_actions("pass,none", &m, &bad, &len), -EINVAL);
	assert_memory_equal(bad, "none", 4);
	assert_int_equal(xdpctl_parse_actions("PASS", &m, NULL, NULL), -EINVAL);
	assert_int_equal(xdpctl_parse_actions("averyveryverylongname", &m, &bad, &len), -EINVAL);
	assert_int_equal(len, 21);
}

/* A command table of every option type, over this struct. */
struct cfg {
	const char *iface, *name;
	__u32 id, actions;
	__u64 rev;
	int prio, tri;
	enum xl_mode mode;
	bool flag;
	const char *req;
};

#define AT(f) .offset = offsetof(struct cfg, f)
static const struct opt test_opts[] = {
	{ "IFACE", OPT_STRING, AT(iface), OPT_POSITIONAL | OPT_REQUIRED, NULL, "an interface" },
	{ "ID", OPT_ID, AT(id), OPT_POSITIONAL, NULL, "an id" },
	{ "name", OPT_STRING, AT(name), 0, "TEXT", "a string" },
	{ "rev", OPT_REVISION, AT(rev), 0, "N", "a revision" },
	{ "prio", OPT_PRIORITY, AT(prio), 0, "N", "a priority" },
	{ "actions", OPT_ACTIONS, AT(actions), 0, "LIST", "actions" },
	{ "mode", OPT_MODE, AT(mode), 0, "M", "a mode" },
	{ "flag", OPT_FLAG, AT(flag), 0, NULL, "a flag", .short_name = 'f' },
	{ "on", OPT_CONST, AT(tri), 0, NULL, "on", 1 },
	{ "off", OPT_CONST, AT(tri), 0, NULL, "off", 2 },
	{}
};

static int run_nothing(const struct global *g, void *cfg)
{
	(void)g;
	(void)cfg;
	return 0;
}

static const struct cmd test_cmd = { "test", "Test the parser.", test_opts, sizeof(struct cfg),
				     NULL, run_nothing };

static const struct opt req_opts[] = {
	{ "from", OPT_STRING, AT(req), OPT_REQUIRED, "FILE", "required" },
	{}
};
static const struct cmd req_cmd = { "req", "Needs --from.", req_opts, sizeof(struct cfg),
				    NULL, run_nothing };

/* Parse a NULL-ended list; err gets what the parser wrote to stderr. */
static int parse_cmd(const struct cmd *cmd, struct cfg *c, struct global *g, bool *help,
		     char *err, size_t errlen, ...)
{
	char *argv[16];
	int argc = 0, r;
	va_list ap;
	FILE *f = fmemopen(err, errlen, "w");

	va_start(ap, errlen);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	memset(c, 0, sizeof(*c));
	memset(err, 0, errlen);
	r = xdpctl_parse(cmd, argc, argv, c, g, help, f);
	fclose(f);
	return r;
}

#define PARSE(...) parse_cmd(&test_cmd, &c, &g, &help, err, sizeof(err), __VA_ARGS__, NULL)

static void test_parse_values(void **state)
{
	struct global g = {};
	struct cfg c;
	char err[512];
	bool help;

	(void)state;
	assert_int_equal(PARSE("eth0", "42", "--name", "x y", "--rev=7", "--prio", "0",
			       "--actions", "drop,tx", "--mode=skb", "--flag", "--on", "--off"),
			 EXIT_OK);
	assert_string_equal(err, "");
	assert_false(help);
	assert_string_equal(c.iface, "eth0");
	assert_int_equal(c.id, 42);
	assert_string_equal(c.name, "x y");
	assert_int_equal(c.rev, 7);
	assert_int_equal(c.prio, 0);
	assert_int_equal(c.actions, XL_ACTION(XDP_DROP) | XL_ACTION(XDP_TX));
	assert_int_equal(c.mode, XL_MODE_SKB);
	assert_true(c.flag);
	assert_int_equal(c.tri, 2);	/* the last one wins */
	assert_int_equal(PARSE("--prio", "1000", "eth0", "4294967295"), EXIT_OK);
	assert_int_equal(c.prio, 1000);
	assert_int_equal(c.id, UINT32_MAX);
}

static void test_parse_global_anywhere(void **state)
{
	struct global g = { .timeout_sec = 60 };
	struct cfg c;
	char err[512];
	bool help;

	(void)state;
	assert_int_equal(PARSE("eth0", "--json", "--socket", "/s", "--timeout=0.5"), EXIT_OK);
	assert_true(g.json);
	assert_string_equal(g.socket, "/s");
	assert_true(g.timeout_sec == 0.5);
	/* After "--" everything is an argument; "-" and "-1" are arguments. */
	assert_int_equal(PARSE("--", "--json"), EXIT_OK);
	assert_string_equal(c.iface, "--json");
	assert_int_equal(PARSE("-", "--help"), EXIT_OK);
	assert_true(help);
}

/* One line naming the problem, then the hint. */
static void usage_error(const char *msg, int r, const char *err)
{
	char expect[512];

	snprintf(expect, sizeof(expect), "xdpctl test: %s\nTry 'xdpctl test --help'.\n", msg);
	assert_int_equal(r, EXIT_USAGE);
	assert_string_equal(err, expect);
}

static void test_parse_errors(void **state)
{
	struct global g = {};
	struct cfg c;
	char err[512];
	bool help;

	(void)state;
	usage_error("missing IFACE", PARSE("--flag"), err);
	usage_error("unexpected argument 'x'", PARSE("eth0", "1", "x"), err);
	usage_error("unknown option '--bogus'", PARSE("eth0", "--bogus=1"), err);
	usage_error("unknown option '-x'", PARSE("eth0", "-x"), err);
	/* A flag's letter stands alone: no bundles, no value. */
	usage_error("unknown option '-ff'", PARSE("eth0", "-ff"), err);
	assert_int_equal(PARSE("eth0", "-f"), EXIT_OK);
	assert_true(c.flag);
	usage_error("option '--flag' takes no value", PARSE("eth0", "--flag=yes"), err);
	usage_error("option '--name' needs a value (TEXT)", PARSE("eth0", "--name"), err);
	usage_error("ID must be an attachment id (see xdpctl status), not '0'", PARSE("eth0", "0"),
		    err);
	usage_error("ID must be an attachment id (see xdpctl status), not '-1'",
		    PARSE("eth0", "-1"), err);
	usage_error("ID must be an attachment id (see xdpctl status), not '4294967296'",
		    PARSE("eth0", "4294967296"), err);
	usage_error("ID must be an attachment id (see xdpctl status), not '0x10'",
		    PARSE("eth0", "0x10"), err);
	usage_error("--prio must be a number from 0 to 1000, not '1001'",
		    PARSE("eth0", "--prio", "1001"), err);
	usage_error("--prio must be a number from 0 to 1000, not ' 5'",
		    PARSE("eth0", "--prio", " 5"), err);
	usage_error("--rev must be a revision number, 1 or more, not '0'",
		    PARSE("eth0", "--rev", "0"), err);
	usage_error("--mode must be native or skb, not 'hw'", PARSE("eth0", "--mode", "hw"), err);
	usage_error("--actions: unknown verdict 'jump'; use a comma-separated list of aborted, "
		    "drop, pass, tx, redirect, or none", PARSE("eth0", "--actions", "pass,jump"),
		    err);
	usage_error("--actions: empty verdict name in 'pass,'; use a comma-separated list of "
		    "aborted, drop, pass, tx, redirect, or none",
		    PARSE("eth0", "--actions", "pass,"), err);
	usage_error("--timeout must be a number of seconds from 0 (forever) to 86400, not 'soon'",
		    PARSE("eth0", "--timeout", "soon"), err);
}

static void test_parse_required_option(void **state)
{
	struct global g = {};
	struct cfg c;
	char err[512];
	bool help;

	(void)state;
	assert_int_equal(parse_cmd(&req_cmd, &c, &g, &help, err, sizeof(err), NULL), EXIT_USAGE);
	assert_string_equal(err, "xdpctl req: missing --from FILE\nTry 'xdpctl req --help'.\n");
	/* --help wins over everything else, even a missing option. */
	assert_int_equal(parse_cmd(&req_cmd, &c, &g, &help, err, sizeof(err), "-h", NULL), 0);
	assert_true(help);
}

static void test_parse_before_command(void **state)
{
	char *argv[] = { "xdpctl", "--json", "--timeout", "3", "status", "--json", NULL };
	char *bad[] = { "xdpctl", "--jsn", "status", NULL };
	bool help, version;
	struct global g = {};
	char err[512] = "";
	int idx = 0;
	FILE *f = fmemopen(err, sizeof(err), "w");

	(void)state;
	assert_int_equal(xdpctl_parse_global(6, argv, &g, &idx, &help, &version, f), EXIT_OK);
	assert_int_equal(idx, 4);
	assert_true(g.json);
	assert_true(g.timeout_sec == 3);
	assert_int_equal(xdpctl_parse_global(3, bad, &g, &idx, &help, &version, f), EXIT_USAGE);
	fclose(f);
	assert_string_equal(err, "xdpctl: unknown option '--jsn'\nTry 'xdpctl --help'.\n");
}

/* Every command's --help: its usage line, every option of its table, and lines that fit. */
static void test_help_from_tables(void **state)
{
	(void)state;
	for (const struct cmd *cmd = xdpctl_commands; cmd->name; cmd++) {
		char *text = NULL, *line, *save = NULL, usage[64];
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		xdpctl_cmd_help(cmd, f);
		fclose(f);
		snprintf(usage, sizeof(usage), "Usage: xdpctl %s", cmd->name);
		assert_memory_equal(text, usage, strlen(usage));
		for (const struct opt *o = cmd->opts; o->name; o++) {
			char want[64];

			if (o->short_name)
				snprintf(want, sizeof(want), "  -%c, --%s", o->short_name, o->name);
			else
				snprintf(want, sizeof(want), o->flags & OPT_POSITIONAL ? "  %s " : "  --%s",
					 o->name);
			if (!strstr(text, want))
				fail_msg("%s --help lacks '%s'", cmd->name, want);
		}
		assert_non_null(strstr(text, "  -h, --help"));
		assert_non_null(strstr(text, "  --json"));
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (strlen(line) > 79)
				fail_msg("%s --help: line too long: %s", cmd->name, line);
		free(text);
	}
}

static void test_help_usage_lines(void **state)
{
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	xdpctl_cmd_help(xdpctl_find_command("replace"), f);
	xdpctl_cmd_help(xdpctl_find_command("detach"), f);
	xdpctl_cmd_help(xdpctl_find_command("reload"), f);
	fclose(f);
	assert_non_null(strstr(buf, "Usage: xdpctl replace [OPTION]... --from FILE IFACE\n"));
	assert_non_null(strstr(buf, "Usage: xdpctl detach [OPTION]... IFACE [ID]\n"));
	assert_non_null(strstr(buf, "Usage: xdpctl reload\n"));
	/* Long help text wraps under its column. */
	assert_non_null(strstr(buf, "  --socket PATH             the daemon's socket (default: "
				    "$XDPLINKD_SOCKET,\n                            else "));
	assert_null(xdpctl_find_command("bogus"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_global_anywhere),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_required_option),
		cmocka_unit_test(test_parse_before_command),
		cmocka_unit_test(test_help_from_tables),
		cmocka_unit_test(test_help_usage_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
