/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file of `xdpctl apply`: what a good file becomes, and for each kind
 * of mistake the exact message, naming the field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "applyfile.h"

static void refused(const char *text, int r, const char *msg)
{
	struct applyfile a;
	char err[512] = "";

	assert_int_equal(applyfile_parse(&a, text, "f", "/d", err, sizeof(err)), r);
	assert_string_equal(err, msg);
	assert_int_equal(a.set.n, 0);
	assert_int_equal(a.n_ifaces, 0);
}

static void test_good_file(void **state)
{
	struct applyfile a;
	char err[512] = "";

	(void)state;
	assert_int_equal(applyfile_parse(&a, "{\"label\": \"web\", \"interfaces\": [\"eth0\", "
					 "\"veth-1\"], \"programs\": [{\"object\": \"fw.o\", "
					 "\"program\": \"xdp_fw\", \"priority\": 10, \"actions\": "
					 "[\"pass\", \"tx\"]}, {\"object\": \"/abs/b.o\"}], "
					 "\"mode\": \"skb\", \"counters\": false}", "f", "/d", err,
					 sizeof(err)), 0);
	assert_string_equal(a.label, "web");
	assert_int_equal(a.n_ifaces, 2);
	assert_string_equal(a.ifnames[1], "veth-1");
	assert_int_equal(a.set.n, 2);
	assert_string_equal(a.set.progs[0].object, "/d/fw.o");
	assert_string_equal(a.set.progs[0].prog_name, "xdp_fw");
	assert_int_equal(a.set.progs[0].priority, 10);
	assert_int_equal(a.set.progs[0].actions, XL_ACTION(XDP_PASS) | XL_ACTION(XDP_TX));
	assert_string_equal(a.set.progs[1].object, "/abs/b.o");
	assert_int_equal(a.set.progs[1].priority, XL_PRIORITY_FROM_OBJECT);
	assert_null(a.set.progs[1].label);
	assert_int_equal(a.set.mode, XL_MODE_SKB);
	assert_int_equal(a.set.counters, 0);
	applyfile_done(&a);
}

/* No programs: the label's programs go; mode and counters stay unsaid. */
static void test_empty_programs(void **state)
{
	struct applyfile a;
	char err[512] = "";

	(void)state;
	assert_int_equal(applyfile_parse(&a, "{\"label\":\"x\",\"interfaces\":[\"lo\"],"
					 "\"programs\":[]}", "f", "/d", err, sizeof(err)), 0);
	assert_int_equal(a.set.n, 0);
	assert_int_equal(a.set.mode, XL_MODE_UNSPEC);
	assert_int_equal(a.set.counters, -1);
	applyfile_done(&a);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("", -EINVAL, "f: 1: '[' or '{' expected near end of file");
	refused("[]", -EINVAL, "f: expected an object with label, interfaces, programs, mode, "
		"counters");
	refused("{\"label\":\"x\",\"label\":\"y\"}", -EINVAL,
		"f: 1: duplicate object key near '\"label\"'");
	refused("{\"interfaces\":[\"lo\"],\"programs\":[]}", -EINVAL, "f: label: missing");
	refused("{\"label\":\"x\",\"programs\":[]}", -EINVAL, "f: interfaces: missing");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"]}", -EINVAL, "f: programs: missing");
	refused("{\"label\":\"\",\"interfaces\":[\"lo\"],\"programs\":[]}", -EINVAL,
		"f: label: expected a non-empty string of at most 255 bytes");
	refused("{\"label\":\"x\",\"interfaces\":[],\"programs\":[]}", -EINVAL,
		"f: interfaces: expected a non-empty list of interface names");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\",\"a/b\"],\"programs\":[]}", -EINVAL,
		"f: interfaces[1]: expected an interface name (1 to 15 characters, no '/', ':' "
		"or blanks)");
	refused("{\"label\":\"x\",\"interfaces\":[\"a23456789012345b\"],\"programs\":[]}",
		-EINVAL, "f: interfaces[0]: expected an interface name (1 to 15 characters, no "
		"'/', ':' or blanks)");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\",\"lo\"],\"programs\":[]}", -EINVAL,
		"f: interfaces[1]: lo is listed twice");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"],\"programs\":{}}", -EINVAL,
		"f: programs: expected a list of programs");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"],\"programs\":[{\"object\":\"a.o\","
		"\"priority\":-1}]}", -EINVAL, "f: programs[0].priority: invalid value");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"],\"programs\":[{\"program\":\"p\"}]}",
		-EINVAL, "f: programs[0]: no object");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"],\"programs\":[{\"object\":\"a.o\","
		"\"label\":\"y\"}]}", -EINVAL,
		"f: programs[0].label: not allowed: every program gets the file's label");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"],\"programs\":[],\"mode\":\"fast\"}",
		-EINVAL, "f: mode: expected native or skb");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"],\"programs\":[],\"counters\":1}",
		-EINVAL, "f: counters: expected true or false");
	refused("{\"label\":\"x\",\"interfaces\":[\"lo\"],\"programs\":[],\"prio\":1}", -EINVAL,
		"f: unknown key 'prio' (label, interfaces, programs, mode, counters)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty_programs),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
