/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl's program set files (JSON and INI): what a good file becomes,
 * and for each kind of mistake the exact message, with its line (INI and
 * JSON syntax) or its JSON path.
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
#include <unistd.h>
#include <linux/bpf.h>

#include "progset.h"

static int parse(const char *text, bool ini, struct progset *s, char *err)
{
	return progset_parse(s, text, ini, "f", "/d", err, 256);
}

/* The text is refused with exactly msg (and errno r). */
static void refused(const char *text, bool ini, int r, const char *msg)
{
	struct progset s;
	char err[256] = "";

	assert_int_equal(parse(text, ini, &s, err), r);
	assert_string_equal(err, msg);
	assert_int_equal(s.n, 0);	/* nothing half-parsed is left */
}

static void test_ini_every_key(void **state)
{
	struct progset s;
	char err[256];

	(void)state;
	assert_int_equal(parse("; a comment\n[Program]\n  Object = sub/a.o\n\tProgram = p\n"
			       "Priority = 0\nActions = drop,redirect\nLabel = two words\n"
			       "\n[Set]\nMode = native\nCounters = yes\n", true, &s, err), 0);
	assert_int_equal(s.n, 1);
	/* Indented keys are keys, not the continuation of a value. */
	assert_string_equal(s.progs[0].object, "/d/sub/a.o");
	assert_string_equal(s.progs[0].prog_name, "p");
	assert_int_equal(s.progs[0].priority, 0);
	assert_int_equal(s.progs[0].actions, XL_ACTION(XDP_DROP) | XL_ACTION(XDP_REDIRECT));
	assert_string_equal(s.progs[0].label, "two words");
	assert_int_equal(s.mode, XL_MODE_NATIVE);
	assert_int_equal(s.counters, 1);
	progset_done(&s);
}

static void test_ini_defaults_and_none(void **state)
{
	struct progset s;
	char err[256];

	(void)state;
	assert_int_equal(parse("[Program]\r\nObject = /a.o\r\nActions = none\r\n"
			       "[Program]\nObject = /b.o\nActions =\n", true, &s, err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.progs[0].actions, XL_ACTIONS_NONE);
	assert_int_equal(s.progs[1].actions, XL_ACTIONS_NONE);
	assert_int_equal(s.progs[0].priority, XL_PRIORITY_FROM_OBJECT);
	assert_null(s.progs[0].prog_name);
	assert_null(s.progs[0].label);
	assert_int_equal(s.mode, XL_MODE_UNSPEC);
	assert_int_equal(s.counters, -1);
	progset_done(&s);
}

static void test_ini_errors(void **state)
{
	(void)state;
	refused("[Program]\nObject = /a.o\nObject = /b.o\n", true, -EINVAL,
		"f: 3: Object given twice in one section");
	refused("[Program]\nObject = /a.o\nActions = pass,jump\n", true, -EINVAL,
		"f: 3: Actions: unknown verdict 'jump'; list aborted, drop, pass, tx, redirect "
		"(comma-separated) or none");
	refused("[Program]\nObject = /a.o\nActions = pass,,drop\n", true, -EINVAL,
		"f: 3: Actions: unknown verdict ''; list aborted, drop, pass, tx, redirect "
		"(comma-separated) or none");
	refused("[Program]\nObject = /a.o\nPriority = -1\n", true, -EINVAL,
		"f: 3: Priority must be 0..1000");
	refused("[Program]\nObject = /a.o\nPriority = 1001\n", true, -EINVAL,
		"f: 3: Priority must be 0..1000");
	refused("Object = /a.o\n", true, -EINVAL,
		"f: 1: 'Object' outside a section ([Program], [Set])");
	refused("[Program]\n[Program]\nObject = /a.o\n", true, -EINVAL,
		"f: 1: empty [Program] section");
	refused("[Program]\nObject = /a.o\n[Program]\n", true, -EINVAL,
		"f: 3: empty [Program] section");
	refused("[Set]\nCounters = maybe\n", true, -EINVAL, "f: 2: Counters must be yes or no");
	refused("[Set]\nMode = skb\nMode = native\n", true, -EINVAL,
		"f: 3: Mode given twice in one section");
	refused("[Set]\nSpeed = 1\n", true, -EINVAL,
		"f: 2: unknown key 'Speed' in [Set] (Mode, Counters)");
	refused("[Program]\nObject =\n", true, -EINVAL, "f: 2: bad Object");
	/* The first mistake is the one reported, whatever its kind. */
	refused("[Program]\nnonsense\nColour = red\n", true, -EINVAL,
		"f: 2: syntax error: expected [Section] or Key = value");
	refused("[Program]\nColour = red\nnonsense\n", true, -EINVAL,
		"f: 2: unknown key 'Colour' in [Program] (Object, Program, Priority, Actions, Label)");
	refused("", true, -EINVAL, "f: no [Program] section");
}

static void test_ini_long_line(void **state)
{
	char text[400];

	(void)state;
	snprintf(text, sizeof(text), "[Program]\nObject = /%0300d\n", 0);
	refused(text, true, -EINVAL, "f: 2: line too long (at most 197 characters)");
}

static void test_too_many(void **state)
{
	char *text = malloc(64 * 32 + 1), *p = text;

	(void)state;
	for (int i = 0; i < 64; i++)
		p += sprintf(p, "[Program]\nObject = /%d.o\n", i);
	refused(text, true, -E2BIG, "f: 127: more than 63 programs");
	p = text;
	p += sprintf(p, "[");
	for (int i = 0; i < 64; i++)
		p += sprintf(p, "%s{\"object\":\"/%d.o\"}", i ? "," : "", i);
	sprintf(p, "]");
	refused(text, false, -E2BIG, "f: more than 63 programs");
	free(text);
}

static void test_json_values(void **state)
{
	struct progset s;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"counters\": false, \"programs\": [{\"object\": \"x/a.o\", "
			       "\"priority\": 1000, \"label\": \"\", \"actions\": [\"aborted\", "
			       "\"tx\"]}]}", false, &s, err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.progs[0].object, "/d/x/a.o");
	assert_int_equal(s.progs[0].priority, 1000);
	assert_string_equal(s.progs[0].label, "");	/* an empty label is a label */
	assert_int_equal(s.progs[0].actions, XL_ACTION(XDP_ABORTED) | XL_ACTION(XDP_TX));
	assert_int_equal(s.counters, 0);
	progset_done(&s);
}

static void test_json_errors(void **state)
{
	(void)state;
	/* Syntax errors name the line. */
	refused("[\n {\"object\": \"/a.o\"},\n {\"object\": }\n]", false, -EINVAL,
		"f: 3: unexpected token near '}'");
	refused("[{\"object\": \"/a.o\", \"object\": \"/b.o\"}]", false, -EINVAL,
		"f: 1: duplicate object key near '\"object\"'");
	/* Everything else names the place by its path. */
	refused("[{\"object\": \"/a.o\", \"actions\": \"pass\"}]", false, -EINVAL,
		"f: programs[0].actions: invalid value");
	refused("[{\"object\": \"/a.o\", \"actions\": [\"pass,drop\"]}]", false, -EINVAL,
		"f: programs[0].actions[0]: expected one of aborted, drop, pass, tx, redirect");
	refused("[{\"object\": \"/a.o\", \"actions\": [\"none\"]}]", false, -EINVAL,
		"f: programs[0].actions[0]: expected one of aborted, drop, pass, tx, redirect");
	refused("[{\"object\": \"/a.o\"}, {\"object\": \"\"}]", false, -EINVAL,
		"f: programs[1].object: invalid value");
	refused("[{\"object\": \"/a.o\", \"program\": 7}]", false, -EINVAL,
		"f: programs[0].program: invalid value");
	refused("[{\"object\": \"/a.o\", \"priority\": \"10\"}]", false, -EINVAL,
		"f: programs[0].priority: invalid value");
	refused("{\"programs\": [], \"counters\": \"yes\"}", false, -EINVAL,
		"f: counters: expected true or false");
	refused("{\"programs\": {\"object\": \"/a.o\"}}", false, -EINVAL,
		"f: expected a list of programs, or an object with \"programs\"");
	refused("\"a.o\"", false, -EINVAL, "f: 1: '[' or '{' expected near '\"a.o\"'");
}

static void test_format_detection(void **state)
{
	(void)state;
	assert_false(progset_looks_ini("set.json", "[Program]"));
	assert_true(progset_looks_ini("set.ini", "[]"));
	assert_true(progset_looks_ini("set.conf", "{"));
	assert_false(progset_looks_ini("set", "  {\"programs\": []}"));
	assert_false(progset_looks_ini("set", "\n[ {\"object\": \"a\"} ]"));
	assert_false(progset_looks_ini("set", "[]"));
	assert_false(progset_looks_ini("set", "[\n]"));
	assert_true(progset_looks_ini("set", "# comment\n[Program]"));
	assert_true(progset_looks_ini("set", "[Program]\nObject=a"));
}

/* A file in a fresh directory; returns its path. */
static char *write_file(const char *name, const char *text)
{
	char dir[] = "/tmp/test-xdpctl-XXXXXX", *path;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void remove_file(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

static void test_load_resolves_relative_objects(void **state)
{
	char *path = write_file("set", "[Program]\nObject = ../x.o\n[Program]\nObject = /y.o\n");
	char *dir = strdup(path), expect[512], err[256];
	struct progset s;

	(void)state;
	*strrchr(dir, '/') = '\0';
	snprintf(expect, sizeof(expect), "%s/../x.o", dir);
	assert_int_equal(progset_load(&s, path, err, sizeof(err)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.progs[0].object, expect);
	assert_string_equal(s.progs[1].object, "/y.o");
	progset_done(&s);
	free(dir);
	remove_file(path);
}

static void test_load_errors(void **state)
{
	char *path = write_file("set.json", "[{\"object\": \"/a.o\", \"bogus\": 1}]");
	char expect[512], err[256];
	struct progset s;

	(void)state;
	assert_int_equal(progset_load(&s, "/nonexistent/set.json", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/set.json: No such file or directory");
	assert_int_equal(progset_load(&s, "/", err, sizeof(err)), -EISDIR);
	assert_string_equal(err, "/: Is a directory");
	/* Messages name the file as the user did. */
	assert_int_equal(progset_load(&s, path, err, sizeof(err)), -EINVAL);
	snprintf(expect, sizeof(expect), "%s: programs[0]: unknown key 'bogus' (object, program, "
		 "priority, actions, label)", path);
	assert_string_equal(err, expect);
	remove_file(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_every_key),
		cmocka_unit_test(test_ini_defaults_and_none),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_ini_long_line),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_format_detection),
		cmocka_unit_test(test_load_resolves_relative_objects),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
