/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface files (interfaces.d/NAME.conf): what a good file becomes, the
 * exact message and line of each mistake, directory loading and order,
 * first-match-wins matching, and content equality.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "netconfig.h"

static char dir[64];

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Each test gets a fresh directory of its own. */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xl-test-netconfig-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_bytes(const char *name, const char *text, size_t len)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void write_file(const char *name, const char *text)
{
	write_bytes(name, text, strlen(text));
}

/* err, with the directory replaced by "D", so messages can be compared. */
static void strip_dir(char *err, size_t len)
{
	size_t n = strlen(dir);
	char tmp[512];

	if (strncmp(err, dir, n) == 0) {
		snprintf(tmp, sizeof(tmp), "D%s", err + n);
		snprintf(err, len, "%s", tmp);
	}
}

/* Parse text as D/t.conf. */
static int parse(const char *text, struct xd_netconfig_file *f, char *err, size_t len)
{
	char p[128];
	int r;

	write_file("t.conf", text);
	snprintf(p, sizeof(p), "%s/t.conf", dir);
	err[0] = '\0';
	r = xd_netconfig_parse_file(p, f, err, len);
	strip_dir(err, len);
	return r;
}

#define MATCH "[Match]\nName=eth0\n"
#define PROG "[Program]\nObject=/a.o\n"

/* text is refused with r and exactly msg, and *ret is left as it was. */
static void refused(const char *text, int r, const char *msg)
{
	struct xd_netconfig_file f = { .n_progs = 12345 };
	char err[512];

	assert_int_equal(parse(text, &f, err, sizeof(err)), r);
	assert_string_equal(err, msg);
	assert_int_equal(f.n_progs, 12345);
	assert_null(f.path);
}

static void test_good_file_round_trips(void **state)
{
	struct xd_netconfig_file f;
	char err[512];

	(void)state;
	assert_int_equal(parse("# a comment\n[Match]\nName=veth-x* eth1\nNamespace=blue\n"
			       "[Interface]\nMode=skb\nCounters=no\n"
			       "[Program]\nObject=/usr/lib/bpf/a.o\nProgram=xdp_a\nPriority=10\n"
			       "Actions=pass,drop\nLabel=my filter\n"
			       "Object=/b.o\nProgram=xdp_b\nPriority=1000\nActions=none\nLabel=b\n",
			       &f, err, sizeof(err)), 0);
	assert_string_equal(f.name, "t.conf");
	assert_string_equal(f.path + strlen(dir), "/t.conf");
	assert_int_equal(f.n_globs, 2);
	assert_string_equal(f.globs[0], "veth-x*");
	assert_string_equal(f.globs[1], "eth1");
	assert_string_equal(f.netns, "/run/netns/blue");
	assert_int_equal(f.mode, XL_MODE_SKB);
	assert_int_equal(f.counters, 0);
	assert_int_equal(f.n_progs, 2);
	assert_string_equal(f.progs[0].object, "/usr/lib/bpf/a.o");
	assert_string_equal(f.progs[0].program, "xdp_a");
	assert_int_equal(f.progs[0].priority, 10);
	assert_int_equal(f.progs[0].actions, XL_ACTION(XDP_PASS) | XL_ACTION(XDP_DROP));
	assert_string_equal(f.progs[0].label, "my filter");
	assert_string_equal(f.progs[1].object, "/b.o");
	assert_string_equal(f.progs[1].program, "xdp_b");
	assert_int_equal(f.progs[1].priority, 1000);
	assert_int_equal(f.progs[1].actions, XL_ACTIONS_NONE);
	assert_string_equal(f.progs[1].label, "b");
	xd_netconfig_file_done(&f);
}

/* The commented example shipped in config/interfaces.d/ is a valid file. */
static void test_shipped_example(void **state)
{
	struct xd_netconfig_file f;
	char err[512] = "";

	(void)state;
	assert_int_equal(xd_netconfig_parse_file("config/interfaces.d/README", &f, err,
						 sizeof(err)), 0);
	assert_string_equal(f.name, "README");
	assert_int_equal(f.n_globs, 2);
	assert_string_equal(f.netns, "/run/netns/blue");
	assert_int_equal(f.mode, XL_MODE_SKB);
	assert_int_equal(f.counters, 0);
	assert_int_equal(f.n_progs, 2);
	assert_string_equal(f.progs[0].program, "xdpfilt_alw_all");
	assert_string_equal(f.progs[0].label, "allow all");
	assert_string_equal(f.progs[1].object, "/usr/local/lib/bpf/count.o");
	xd_netconfig_file_done(&f);
}

/* inih cannot tell a repeated header from one section: Object= is what starts a program. */
static void test_repeated_program_headers(void **state)
{
	struct xd_netconfig_file f;
	char err[512];

	(void)state;
	assert_int_equal(parse(PROG "Priority=1\n[Program]\nObject=/b.o\n[Match]\nName=eth0\n"
			       "[Program]\nPriority=2\n", &f, err, sizeof(err)), 0);
	assert_int_equal(f.n_progs, 2);
	assert_string_equal(f.progs[0].object, "/a.o");
	assert_int_equal(f.progs[0].priority, 1);
	assert_string_equal(f.progs[1].object, "/b.o");
	/* After a [Match] and a new header, still the latest Object='s. */
	assert_int_equal(f.progs[1].priority, 2);
	xd_netconfig_file_done(&f);
}

static void test_defaults(void **state)
{
	struct xd_netconfig_file f;
	char err[512];

	(void)state;
	assert_int_equal(parse(MATCH PROG, &f, err, sizeof(err)), 0);
	assert_int_equal(f.n_globs, 1);
	assert_null(f.netns);
	assert_int_equal(f.mode, XL_MODE_UNSPEC);
	assert_int_equal(f.counters, -1);
	assert_int_equal(f.n_progs, 1);
	assert_null(f.progs[0].program);
	assert_null(f.progs[0].label);
	assert_int_equal(f.progs[0].priority, XL_PRIORITY_FROM_OBJECT);
	assert_int_equal(f.progs[0].actions, 0);
	xd_netconfig_file_done(&f);
}

static void test_namespace_forms(void **state)
{
	struct xd_netconfig_file f;
	char err[512];

	(void)state;
	assert_int_equal(parse("[Match]\nName=eth0\nNamespace=/proc/1/ns/net\n" PROG, &f, err,
			       sizeof(err)), 0);
	assert_string_equal(f.netns, "/proc/1/ns/net");
	xd_netconfig_file_done(&f);
	assert_int_equal(parse("[Match]\nName=eth0\nNamespace=red-1\n" PROG, &f, err,
			       sizeof(err)), 0);
	assert_string_equal(f.netns, "/run/netns/red-1");
	xd_netconfig_file_done(&f);
}

static void test_counters_and_mode_values(void **state)
{
	static const char *const values[] = { "yes", "YES", "true", "1", "no", "False", "0" };
	struct xd_netconfig_file f;
	char text[128], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(text, sizeof(text), MATCH "[Interface]\nMode=native\nCounters=%s\n" PROG,
			 values[i]);
		assert_int_equal(parse(text, &f, err, sizeof(err)), 0);
		assert_int_equal(f.counters, i < 4 ? 1 : 0);
		assert_int_equal(f.mode, XL_MODE_NATIVE);
		xd_netconfig_file_done(&f);
	}
}

/* Indented keys are keys (not inih's continuation lines); CRLF and ';' comments are fine. */
static void test_indentation_and_line_ends(void **state)
{
	struct xd_netconfig_file f;
	char err[512];

	(void)state;
	assert_int_equal(parse("; c\r\n  [Match]\r\n\tName = eth0   eth1\r\n[Program]\r\n"
			       "  Object = /a.o\r\n  Label = x\r\n", &f, err, sizeof(err)), 0);
	assert_int_equal(f.n_globs, 2);
	assert_string_equal(f.globs[1], "eth1");
	assert_string_equal(f.progs[0].object, "/a.o");
	assert_string_equal(f.progs[0].label, "x");
	xd_netconfig_file_done(&f);
}

static void test_unknown_sections(void **state)
{
	(void)state;
	refused(MATCH PROG "[Nope]\nX=1\n", -EINVAL, "D/t.conf:5: unknown section [Nope]");
	/* Even with no key in it, a typo is not silently dropped. */
	refused(MATCH "[Programs]\n" PROG, -EINVAL, "D/t.conf:3: unknown section [Programs]");
}

static void test_unknown_keys(void **state)
{
	(void)state;
	refused(MATCH "Nme=eth1\n" PROG, -EINVAL,
		"D/t.conf:3: unknown key 'Nme' in section [Match]");
	refused(MATCH PROG "Prio=3\n", -EINVAL,
		"D/t.conf:5: unknown key 'Prio' in section [Program]");
	refused("Name=eth0\n" MATCH PROG, -EINVAL, "D/t.conf:1: 'Name' outside any section");
}

static void test_bad_values(void **state)
{
	(void)state;
	refused(MATCH "[Interface]\nMode=turbo\n" PROG, -EINVAL,
		"D/t.conf:4: bad value 'turbo' for Mode: must be native or skb");
	refused(MATCH "[Interface]\nCounters=on\n" PROG, -EINVAL,
		"D/t.conf:4: bad value 'on' for Counters: must be yes or no");
	refused(MATCH PROG "Priority=1001\n", -EINVAL,
		"D/t.conf:5: bad value '1001' for Priority: must be a number from 0 to 1000");
	refused(MATCH PROG "Priority=-1\n", -EINVAL,
		"D/t.conf:5: bad value '-1' for Priority: must be a number from 0 to 1000");
	refused(MATCH PROG "Priority=5x\n", -EINVAL,
		"D/t.conf:5: bad value '5x' for Priority: must be a number from 0 to 1000");
	refused(MATCH PROG "Actions=pass,jump\n", -EINVAL,
		"D/t.conf:5: bad value 'pass,jump' for Actions: must be a comma-separated list "
		"of aborted, drop, pass, tx, redirect, or none");
	refused(MATCH PROG "Label=a\tb\n", -EINVAL,
		"D/t.conf:5: bad value 'a\tb' for Label: must be 1 to 255 bytes, no control "
		"characters");
	refused(MATCH PROG "Program=\n", -EINVAL,
		"D/t.conf:5: bad value '' for Program: must be 1 to 255 bytes, no control "
		"characters");
	refused("[Match]\nName=\n" PROG, -EINVAL,
		"D/t.conf:2: bad value '' for Name: must list one or more interface name globs");
	refused("[Match]\nName=eth0 a/b\n" PROG, -EINVAL,
		"D/t.conf:2: bad value 'eth0 a/b' for Name: a glob cannot contain '/'");
}

static void test_relative_object(void **state)
{
	(void)state;
	refused(MATCH "[Program]\nObject=build/a.o\n", -EINVAL,
		"D/t.conf:4: bad value 'build/a.o' for Object: must be an absolute path");
	refused(MATCH "[Program]\nObject=\n", -EINVAL,
		"D/t.conf:4: bad value '' for Object: must be an absolute path");
}

static void test_bad_namespace(void **state)
{
	static const char *const bad[] = { "", "a/b", ".", ".." };
	char text[128], msg[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[Match]\nName=eth0\nNamespace=%s\n" PROG, bad[i]);
		snprintf(msg, sizeof(msg), "D/t.conf:3: bad value '%s' for Namespace: must be a "
			 "name under /run/netns or an absolute path", bad[i]);
		refused(text, -EINVAL, msg);
	}
}

static void test_key_before_object(void **state)
{
	(void)state;
	refused(MATCH "[Program]\nPriority=3\nObject=/a.o\n", -EINVAL,
		"D/t.conf:4: Priority before any Object= in [Program]");
	refused(MATCH "[Program]\nLabel=x\n", -EINVAL,
		"D/t.conf:4: Label before any Object= in [Program]");
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	refused("[Match]\nName=eth0\nName=eth1\n" PROG, -EINVAL,
		"D/t.conf:3: Name is set twice in [Match]");
	/* A repeated [Match] is the same section. */
	refused("[Match]\nName=eth0\nNamespace=a\n[Match]\nNamespace=b\n" PROG, -EINVAL,
		"D/t.conf:5: Namespace is set twice in [Match]");
	refused(MATCH "[Interface]\nMode=skb\n[Interface]\nMode=native\n" PROG, -EINVAL,
		"D/t.conf:6: Mode is set twice in [Interface]");
	refused(MATCH "[Program]\nObject=/a.o\nPriority=1\nObject=/b.o\nPriority=2\nPriority=3\n",
		-EINVAL, "D/t.conf:8: Priority is set twice for the Object= of line 6");
}

static void test_missing_match_or_program(void **state)
{
	(void)state;
	refused(PROG, -EINVAL, "D/t.conf: no Name= in [Match]: the file would match nothing");
	refused("[Match]\nNamespace=x\n" PROG, -EINVAL,
		"D/t.conf: no Name= in [Match]: the file would match nothing");
	refused(MATCH, -EINVAL, "D/t.conf: no program: [Program] needs an Object=");
	refused(MATCH "[Program]\n", -EINVAL, "D/t.conf: no program: [Program] needs an Object=");
	refused("", -EINVAL, "D/t.conf: no Name= in [Match]: the file would match nothing");
}

static void test_too_many_programs(void **state)
{
	char *text = malloc(64 * 24 + 64), *p = text;
	struct xd_netconfig_file f;
	char err[512];

	(void)state;
	p += sprintf(p, MATCH "[Program]\n");
	for (int i = 0; i < 63; i++)
		p += sprintf(p, "Object=/%d.o\n", i);
	assert_int_equal(parse(text, &f, err, sizeof(err)), 0);
	assert_int_equal(f.n_progs, 63);
	xd_netconfig_file_done(&f);
	sprintf(p, "Object=/63.o\n");
	refused(text, -E2BIG, "D/t.conf:67: more than 63 programs (Object=) in one file");
	free(text);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	refused(MATCH "garbage\n" PROG, -EINVAL,
		"D/t.conf:3: syntax error: expected [Section] or Key=value");
	refused("[Match\nName=eth0\n", -EINVAL,
		"D/t.conf:1: syntax error: expected [Section] or Key=value");
	/* The first mistake is the one reported, whatever its kind. */
	refused(MATCH "garbage\nColour=red\n", -EINVAL,
		"D/t.conf:3: syntax error: expected [Section] or Key=value");
	refused(MATCH "Colour=red\ngarbage\n", -EINVAL,
		"D/t.conf:3: unknown key 'Colour' in section [Match]");
}

static void test_long_line(void **state)
{
	char text[400];

	(void)state;
	snprintf(text, sizeof(text), MATCH "[Program]\nObject=/%0300d\n", 0);
	refused(text, -EINVAL, "D/t.conf:4: line too long (at most 197 characters)");
}

static void test_nul_byte(void **state)
{
	static const char text[] = MATCH "[Program]\nObject=/a\0b\n";
	struct xd_netconfig_file f;
	char p[128], err[512];

	(void)state;
	write_bytes("t.conf", text, sizeof(text) - 1);
	snprintf(p, sizeof(p), "%s/t.conf", dir);
	assert_int_equal(xd_netconfig_parse_file(p, &f, err, sizeof(err)), -EINVAL);
	strip_dir(err, sizeof(err));
	assert_string_equal(err, "D/t.conf:4: NUL byte in line: not a text file");
}

static void test_unreadable(void **state)
{
	struct xd_netconfig_file f;
	char err[512];

	(void)state;
	assert_int_equal(xd_netconfig_parse_file("/nonexistent/x.conf", &f, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent/x.conf: No such file or directory");
	assert_int_equal(xd_netconfig_parse_file(dir, &f, err, sizeof(err)), -EISDIR);
	strip_dir(err, sizeof(err));
	assert_string_equal(err, "D: cannot read: Is a directory");
}

static int load(struct xd_netconfig *c, char *err, size_t len)
{
	int r;

	err[0] = '\0';	/* success leaves err alone */
	r = xd_netconfig_load_dir(dir, c, err, len);
	strip_dir(err, len);
	return r;
}

#define FILE_FOR(glob) "[Match]\nName=" glob "\n" PROG

static void test_load_dir_order_and_names(void **state)
{
	struct xd_netconfig c;
	char p[128], err[512] = "";

	(void)state;
	write_file("20-b.conf", FILE_FOR("b"));
	write_file("10-a.conf", FILE_FOR("a"));
	write_file("9-c.conf", FILE_FOR("c"));	/* strcmp order, not numeric: after 20- */
	write_file(".hidden.conf", "bad");
	write_file("x.conf.bak", "bad");
	write_file("README", "bad");
	write_file(".conf", "bad");
	snprintf(p, sizeof(p), "%s/sub.conf", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/masked.conf", dir);
	assert_int_equal(symlink("/dev/null", p), 0);
	snprintf(p, sizeof(p), "%s/dangling.conf", dir);
	assert_int_equal(symlink("/nonexistent", p), 0);
	snprintf(p, sizeof(p), "%s/30-link.conf", dir);
	assert_int_equal(symlink("10-a.conf", p), 0);	/* a link to a file is read */
	assert_int_equal(load(&c, err, sizeof(err)), 0);
	assert_int_equal(c.n_files, 4);
	assert_string_equal(c.files[0].name, "10-a.conf");
	assert_string_equal(c.files[1].name, "20-b.conf");
	assert_string_equal(c.files[2].name, "30-link.conf");
	assert_string_equal(c.files[3].name, "9-c.conf");
	assert_string_equal(c.files[3].globs[0], "c");
	assert_string_equal(c.files[3].path + strlen(dir), "/9-c.conf");
	xd_netconfig_done(&c);
	xd_netconfig_done(&c);	/* idempotent */
}

static void test_load_dir_missing_or_empty(void **state)
{
	struct xd_netconfig c = { .n_files = 99 };
	char err[512] = "";

	(void)state;
	assert_int_equal(xd_netconfig_load_dir("/nonexistent/interfaces.d", &c, err, sizeof(err)),
			 0);
	assert_int_equal(c.n_files, 0);
	assert_null(c.files);
	c.n_files = 99;
	assert_int_equal(load(&c, err, sizeof(err)), 0);
	assert_int_equal(c.n_files, 0);
	xd_netconfig_done(&c);
}

static void test_load_dir_one_bad_file_fails_all(void **state)
{
	struct xd_netconfig c = { .n_files = 99 };
	char err[512] = "";

	(void)state;
	write_file("10-a.conf", FILE_FOR("a"));
	write_file("20-b.conf", "[Match]\nName=b\n[Program]\nObject=rel.o\n");
	write_file("30-c.conf", FILE_FOR("c"));
	assert_int_equal(load(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "D/20-b.conf:4: bad value 'rel.o' for Object: must be an "
			    "absolute path");
	assert_int_equal(c.n_files, 99);	/* untouched */
	write_file("20-b.conf", FILE_FOR("b"));
	assert_int_equal(xd_netconfig_load_dir(dir, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_files, 3);
	xd_netconfig_done(&c);
}

static void test_match_globs(void **state)
{
	struct xd_netconfig c;
	char err[512];

	(void)state;
	write_file("10-veth.conf", FILE_FOR("veth-x* eth[12]"));
	assert_int_equal(load(&c, err, sizeof(err)), 0);
	assert_ptr_equal(xd_netconfig_match(&c, "veth-x0", NULL), &c.files[0]);
	assert_ptr_equal(xd_netconfig_match(&c, "veth-x", NULL), &c.files[0]);
	assert_ptr_equal(xd_netconfig_match(&c, "eth2", NULL), &c.files[0]);
	assert_null(xd_netconfig_match(&c, "eth3", NULL));
	assert_null(xd_netconfig_match(&c, "veth-y0", NULL));
	assert_null(xd_netconfig_match(&c, "xveth-x0", NULL));
	xd_netconfig_done(&c);
}

static void test_match_first_file_wins(void **state)
{
	struct xd_netconfig c;
	char err[512];

	(void)state;
	write_file("50-all.conf", FILE_FOR("*"));
	write_file("10-eth.conf", FILE_FOR("eth*"));
	assert_int_equal(load(&c, err, sizeof(err)), 0);
	assert_string_equal(xd_netconfig_match(&c, "eth0", NULL)->name, "10-eth.conf");
	assert_string_equal(xd_netconfig_match(&c, "lo", NULL)->name, "50-all.conf");
	xd_netconfig_done(&c);
}

static void test_match_namespace_must_agree(void **state)
{
	struct xd_netconfig c;
	char err[512];

	(void)state;
	write_file("10-blue.conf", "[Match]\nName=eth*\nNamespace=blue\n" PROG);
	write_file("20-path.conf", "[Match]\nName=eth*\nNamespace=/proc/7/ns/net\n" PROG);
	write_file("30-own.conf", FILE_FOR("eth*"));
	assert_int_equal(load(&c, err, sizeof(err)), 0);
	assert_string_equal(xd_netconfig_match(&c, "eth0", NULL)->name, "30-own.conf");
	assert_string_equal(xd_netconfig_match(&c, "eth0", "/run/netns/blue")->name,
			    "10-blue.conf");
	assert_string_equal(xd_netconfig_match(&c, "eth0", "/proc/7/ns/net")->name,
			    "20-path.conf");
	assert_null(xd_netconfig_match(&c, "eth0", "/run/netns/red"));
	assert_null(xd_netconfig_match(&c, "lo", "/run/netns/blue"));
	xd_netconfig_done(&c);
}

static void test_equal_file(void **state)
{
	static const char *const base = "[Match]\nName=eth0 eth1\n[Interface]\nMode=skb\n"
		"[Program]\nObject=/a.o\nPriority=3\nLabel=x\n";
	static const char *const differ[] = {
		"[Match]\nName=eth1 eth0\n[Interface]\nMode=skb\n[Program]\nObject=/a.o\n"
		"Priority=3\nLabel=x\n",
		"[Match]\nName=eth0 eth1\nNamespace=n\n[Interface]\nMode=skb\n[Program]\n"
		"Object=/a.o\nPriority=3\nLabel=x\n",
		"[Match]\nName=eth0 eth1\n[Interface]\nMode=skb\nCounters=1\n[Program]\n"
		"Object=/a.o\nPriority=3\nLabel=x\n",
		"[Match]\nName=eth0 eth1\n[Program]\nObject=/a.o\nPriority=3\nLabel=x\n",
		"[Match]\nName=eth0 eth1\n[Interface]\nMode=skb\n[Program]\nObject=/a.o\n"
		"Priority=4\nLabel=x\n",
		"[Match]\nName=eth0 eth1\n[Interface]\nMode=skb\n[Program]\nObject=/a.o\n"
		"Priority=3\n",
		"[Match]\nName=eth0 eth1\n[Interface]\nMode=skb\n[Program]\nObject=/a.o\n"
		"Priority=3\nLabel=x\nActions=pass\n",
		"[Match]\nName=eth0 eth1\n[Interface]\nMode=skb\n[Program]\nObject=/a.o\n"
		"Priority=3\nLabel=x\nObject=/b.o\n",
	};
	struct xd_netconfig_file a, b;
	char err[512];

	(void)state;
	assert_int_equal(parse(base, &a, err, sizeof(err)), 0);
	/* Same content in another file, written differently: equal. */
	assert_int_equal(parse("# other\n[Program]\nObject = /a.o\nLabel = x\nPriority = 3\n"
			       "[Interface]\nMode = skb\n[Match]\nName = eth0  eth1\n", &b, err,
			       sizeof(err)), 0);
	assert_true(xd_netconfig_equal_file(&a, &b));
	assert_true(xd_netconfig_equal_file(&a, &a));
	xd_netconfig_file_done(&b);
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		assert_int_equal(parse(differ[i], &b, err, sizeof(err)), 0);
		assert_false(xd_netconfig_equal_file(&a, &b));
		assert_false(xd_netconfig_equal_file(&b, &a));
		xd_netconfig_file_done(&b);
	}
	xd_netconfig_file_done(&a);
	xd_netconfig_file_done(&a);	/* idempotent */
}

/* Collected errors (issue 14), directory replaced by "D", one per line. */
struct collected {
	char text[2048];
};

static void collect(void *userdata, const char *msg)
{
	struct collected *c = userdata;
	char m[512];

	snprintf(m, sizeof(m), "%s", msg);
	strip_dir(m, sizeof(m));
	snprintf(c->text + strlen(c->text), sizeof(c->text) - strlen(c->text), "%s\n", m);
}

/* Every error of every file, not the first: each on its line, no cascade
 * from a refused Object=, and the first still in err. */
static void test_load_dir_reports_every_error(void **state)
{
	struct collected got = { "" };
	struct xd_conf_errors errs = { .report = collect, .userdata = &got };
	struct xd_netconfig c = { 0 };
	char err[512];

	(void)state;
	write_file("10-good.conf", MATCH PROG);
	write_file("20-bad.conf", "[Match]\nName=eth0\n[Program]\nObject=rel.o\nPriority=x\n"
		   "Label=fw\njunk\n[Nope]\n[Match\n");
	write_file("30-empty.conf", "[Interface]\nMode=turbo\nfoo ; = bar\n");
	assert_int_equal(xd_netconfig_load_dir_all(dir, &c, &errs, err, sizeof(err)), -EINVAL);
	strip_dir(err, sizeof(err));
	assert_string_equal(err, "D/20-bad.conf:4: bad value 'rel.o' for Object: must be an "
			    "absolute path");
	assert_string_equal(got.text,
		"D/20-bad.conf:4: bad value 'rel.o' for Object: must be an absolute path\n"
		"D/20-bad.conf:5: bad value 'x' for Priority: must be a number from 0 to 1000\n"
		"D/20-bad.conf:7: syntax error: expected [Section] or Key=value\n"
		"D/20-bad.conf:8: unknown section [Nope]\n"
		"D/20-bad.conf:9: syntax error: expected [Section] or Key=value\n"
		"D/30-empty.conf:2: bad value 'turbo' for Mode: must be native or skb\n"
		"D/30-empty.conf:3: syntax error: expected [Section] or Key=value\n"
		"D/30-empty.conf: no Name= in [Match]: the file would match nothing\n"
		"D/30-empty.conf: no program: [Program] needs an Object=\n");
	assert_int_equal(errs.n, 9);
	assert_int_equal(c.n_files, 0);
	/* Without a collector the first bad file stops the load, as before. */
	assert_int_equal(xd_netconfig_load_dir(dir, &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(c.n_files, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_good_file_round_trips),
		T(test_shipped_example),
		T(test_repeated_program_headers),
		T(test_defaults),
		T(test_namespace_forms),
		T(test_counters_and_mode_values),
		T(test_indentation_and_line_ends),
		T(test_unknown_sections),
		T(test_unknown_keys),
		T(test_bad_values),
		T(test_relative_object),
		T(test_bad_namespace),
		T(test_key_before_object),
		T(test_duplicate_keys),
		T(test_missing_match_or_program),
		T(test_too_many_programs),
		T(test_syntax_errors),
		T(test_long_line),
		T(test_nul_byte),
		T(test_unreadable),
		T(test_load_dir_order_and_names),
		T(test_load_dir_missing_or_empty),
		T(test_load_dir_one_bad_file_fails_all),
		T(test_load_dir_reports_every_error),
		T(test_match_globs),
		T(test_match_first_file_wins),
		T(test_match_namespace_must_agree),
		T(test_equal_file),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
