/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xdplink CNI plugin's parsers: what a good network configuration and
 * environment become, and for each kind of mistake the CNI error code and
 * the exact message the runtime shows.
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

#include "cni-config.h"

#define HEAD "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"xdplink\","
#define PROG(body) HEAD "\"programs\":[" body "]}"

static int parse(const char *text, struct cni_config *cfg, struct cni_error *err)
{
	*err = (struct cni_error){};
	return cni_config_parse(cfg, text, strlen(text), err);
}

/* The text is refused with exactly this code and message, and nothing is kept. */
static void refused(const char *text, int code, const char *msg)
{
	struct cni_config cfg;
	struct cni_error err;

	assert_int_equal(parse(text, &cfg, &err), -EINVAL);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
	assert_null(cfg.root);
	assert_int_equal(cfg.n_progs, 0);
}

static void test_every_key(void **state)
{
	struct cni_config cfg;
	struct cni_error err;

	(void)state;
	assert_int_equal(parse(HEAD "\"socket\":\"/run/x.sock\",\"mode\":\"skb\","
			       "\"runtimeConfig\":{},\"args\":{\"a\":1},"
			       "\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":[]},"
			       "\"programs\":[{\"object\":\"/o/a.o\",\"program\":\"p1\","
			       "\"priority\":0,\"actions\":[\"drop\",\"redirect\"]},"
			       "{\"object\":\"/o/b.o\",\"program\":\"p2\",\"priority\":1000}]}",
			       &cfg, &err), 0);
	assert_string_equal(cfg.cni_version, "1.0.0");
	assert_string_equal(cfg.name, "n");
	assert_string_equal(cfg.socket, "/run/x.sock");
	assert_int_equal(cfg.mode, XL_MODE_SKB);
	assert_non_null(cfg.prev_result);
	assert_string_equal(json_string_value(json_object_get(cfg.prev_result, "cniVersion")),
			    "1.0.0");
	assert_int_equal(cfg.n_progs, 2);
	assert_string_equal(cfg.progs[0].object, "/o/a.o");
	assert_string_equal(cfg.progs[0].name, "p1");
	assert_int_equal(cfg.progs[0].priority, 0);
	assert_int_equal(cfg.progs[0].actions, XL_ACTION(XDP_DROP) | XL_ACTION(XDP_REDIRECT));
	assert_int_equal(cfg.progs[1].priority, 1000);
	assert_int_equal(cfg.progs[1].actions, 0);
	assert_int_equal(err.code, CNI_OK);
	cni_config_done(&cfg);
	assert_null(cfg.root);
}

static void test_defaults(void **state)
{
	struct cni_config cfg;
	struct cni_error err;

	(void)state;
	assert_int_equal(parse(PROG("{\"object\":\"/a.o\",\"program\":\"p\"},"
				    "{\"object\":\"/a.o\",\"program\":\"q\",\"actions\":[]}"),
			       &cfg, &err), 0);
	assert_null(cfg.socket);
	assert_null(cfg.prev_result);
	assert_int_equal(cfg.mode, XL_MODE_UNSPEC);
	assert_int_equal(cfg.progs[0].priority, XL_PRIORITY_FROM_OBJECT);
	assert_int_equal(cfg.progs[0].actions, 0);
	/* [] chains on nothing, which 0 ("the object's") cannot say. */
	assert_int_equal(cfg.progs[1].actions, XL_ACTIONS_NONE);
	cni_config_done(&cfg);
}

static void test_every_version(void **state)
{
	static const char *const v[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0" };
	struct cni_config cfg;
	struct cni_error err;
	char text[256];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "{\"cniVersion\":\"%s\",\"name\":\"n\",\"type\":\"t\","
			 "\"programs\":[{\"object\":\"/a.o\",\"program\":\"p\"}]}", v[i]);
		assert_int_equal(parse(text, &cfg, &err), 0);
		assert_int_equal(cni_version_has_check(v[i]), i >= 2);
		cni_config_done(&cfg);
	}
	refused("{\"cniVersion\":\"0.2.0\",\"name\":\"n\",\"type\":\"t\",\"programs\":[]}",
		CNI_ERR_VERSION, "unsupported cniVersion '0.2.0' (0.3.0, 0.3.1, 0.4.0 or 1.0.0)");
}

static void test_not_json(void **state)
{
	struct cni_config cfg;
	struct cni_error err;

	(void)state;
	assert_int_equal(parse("{\"cniVersion\":", &cfg, &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_DECODE);
	assert_memory_equal(err.msg, "cannot decode the network configuration: ", 41);
	assert_null(cfg.root);
	assert_int_equal(parse("", &cfg, &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_DECODE);
	/* A duplicate key would mean one thing to us and another to the runtime. */
	assert_int_equal(parse(HEAD "\"name\":\"m\",\"programs\":[]}", &cfg, &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_DECODE);
	refused("[1]", CNI_ERR_DECODE, "the network configuration is not a JSON object");
}

static void test_bad_top_level(void **state)
{
	(void)state;
	refused("{\"name\":\"n\",\"type\":\"t\"}", CNI_ERR_CONFIG,
		"cniVersion: expected a non-empty string");
	refused("{\"cniVersion\":\"1.0.0\",\"type\":\"t\"}", CNI_ERR_CONFIG,
		"name: expected a non-empty string");
	refused("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", CNI_ERR_CONFIG,
		"type: expected a non-empty string");
	refused(HEAD "\"socket\":\"\"}", CNI_ERR_CONFIG, "socket: expected a non-empty string");
	refused(HEAD "\"mode\":\"xdpdrv\"}", CNI_ERR_CONFIG,
		"mode: 'xdpdrv' is neither native nor skb");
	refused(HEAD "\"mode\":1}", CNI_ERR_CONFIG, "mode: expected a non-empty string");
	refused(HEAD "\"prevResult\":[]}", CNI_ERR_CONFIG, "prevResult: expected an object");
	refused(HEAD "\"x\":1}", CNI_ERR_CONFIG, "programs: expected an array of 1 to 63 programs");
	refused(PROG(""), CNI_ERR_CONFIG, "programs: expected an array of 1 to 63 programs");
	refused(HEAD "\"programs\":{}}", CNI_ERR_CONFIG,
		"programs: expected an array of 1 to 63 programs");
}

static void test_too_many(void **state)
{
	const char *one = "{\"object\":\"/a.o\",\"program\":\"p\"},";
	char text[64 * 40 + 256] = PROG("");
	size_t off = strlen(HEAD "\"programs\":[");

	(void)state;
	for (int i = 0; i < 64; i++)
		off += (size_t)sprintf(text + off, "%s", one);
	strcpy(text + off - 1, "]}");
	refused(text, CNI_ERR_CONFIG, "programs: more than 63 programs");
}

static void test_bad_programs(void **state)
{
	(void)state;
	refused(PROG("1"), CNI_ERR_CONFIG, "programs[0]: expected an object");
	refused(PROG("{\"object\":\"/a.o\",\"program\":\"p\",\"label\":\"mine\"}"), CNI_ERR_CONFIG,
		"programs[0]: unknown key 'label' (object, program, priority, actions)");
	refused(PROG("{\"object\":\"/a.o\",\"program\":\"p\"},{\"obj\":\"/a.o\"}"), CNI_ERR_CONFIG,
		"programs[1]: unknown key 'obj' (object, program, priority, actions)");
	refused(PROG("{\"object\":\"a.o\",\"program\":\"p\"}"), CNI_ERR_CONFIG,
		"programs[0].object: 'a.o' is not an absolute path");
	refused(PROG("{\"program\":\"p\"}"), CNI_ERR_CONFIG, "programs[0]: no object");
	refused(PROG("{\"object\":\"/a.o\"}"), CNI_ERR_CONFIG, "programs[0]: no program");
	refused(PROG("{\"object\":\"\",\"program\":\"p\"}"), CNI_ERR_CONFIG,
		"programs[0].object: expected a non-empty string of at most 4095 characters");
	refused(PROG("{\"object\":\"/a.o\",\"program\":7}"), CNI_ERR_CONFIG,
		"programs[0].program: expected a non-empty string of at most 255 characters");
}

static void test_bad_priorities(void **state)
{
	static const char *const bad[] = { "1001", "-1", "\"5\"", "1.5", "null" };
	char text[256];

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		snprintf(text, sizeof(text),
			 PROG("{\"object\":\"/a.o\",\"program\":\"p\",\"priority\":%s}"), bad[i]);
		refused(text, CNI_ERR_CONFIG,
			"programs[0].priority: expected an integer from 0 to 1000");
	}
}

static void test_bad_actions(void **state)
{
	(void)state;
	refused(PROG("{\"object\":\"/a.o\",\"program\":\"p\",\"actions\":\"pass\"}"),
		CNI_ERR_CONFIG, "programs[0].actions: expected an array of aborted, drop, pass, "
		"tx, redirect");
	refused(PROG("{\"object\":\"/a.o\",\"program\":\"p\",\"actions\":[\"pass\",\"accept\"]}"),
		CNI_ERR_CONFIG, "programs[0].actions[1]: unknown action 'accept' "
		"(aborted, drop, pass, tx, redirect)");
	/* One name per element: xdpctl's "pass,drop" and "none" are not ours. */
	refused(PROG("{\"object\":\"/a.o\",\"program\":\"p\",\"actions\":[\"pass,drop\"]}"),
		CNI_ERR_CONFIG, "programs[0].actions[0]: unknown action 'pass,drop' "
		"(aborted, drop, pass, tx, redirect)");
	refused(PROG("{\"object\":\"/a.o\",\"program\":\"p\",\"actions\":[\"none\"]}"),
		CNI_ERR_CONFIG, "programs[0].actions[0]: unknown action 'none' "
		"(aborted, drop, pass, tx, redirect)");
	refused(PROG("{\"object\":\"/a.o\",\"program\":\"p\",\"actions\":[2]}"),
		CNI_ERR_CONFIG, "programs[0].actions[0]: unknown action "
		"(aborted, drop, pass, tx, redirect)");
}

/* ---- environment ---- */

static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
	size_t n = strlen(name);

	for (const char *const *e = fake_env; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static int env_parse(const char *const *vars, struct cni_env *env, struct cni_error *err)
{
	int r;

	fake_env = vars;
	*err = (struct cni_error){};
	r = cni_env_command(env, fake_getenv, err);
	if (r == 0 && env->command != CNI_CMD_VERSION)
		r = cni_env_parse(env, fake_getenv, err);
	return r;
}

static void env_refused(const char *const *vars, const char *msg)
{
	struct cni_env env;
	struct cni_error err;

	assert_int_equal(env_parse(vars, &env, &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_ENV);
	assert_string_equal(err.msg, msg);
}

static void test_env_good(void **state)
{
	const char *add[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=c0ffee.1_x-y",
			      "CNI_NETNS=/run/netns/c", "CNI_IFNAME=eth0", "CNI_PATH=/x", NULL };
	const char *del[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=c", "CNI_IFNAME=eth0",
			      "CNI_PATH=/x", NULL };
	const char *ver[] = { "CNI_COMMAND=VERSION", NULL };
	struct cni_error err;
	struct cni_env env;

	(void)state;
	assert_int_equal(env_parse(add, &env, &err), 0);
	assert_int_equal(env.command, CNI_CMD_ADD);
	assert_string_equal(env.container_id, "c0ffee.1_x-y");
	assert_string_equal(env.netns, "/run/netns/c");
	assert_string_equal(env.ifname, "eth0");
	assert_string_equal(env.label, "cni:c0ffee.1_x-y");
	/* DEL works once the namespace is gone: then runtimes may leave CNI_NETNS out. */
	assert_int_equal(env_parse(del, &env, &err), 0);
	assert_int_equal(env.command, CNI_CMD_DEL);
	assert_null(env.netns);
	/* VERSION needs nothing else. */
	assert_int_equal(env_parse(ver, &env, &err), 0);
	assert_int_equal(env.command, CNI_CMD_VERSION);
}

static void test_env_bad(void **state)
{
	const char *none[] = { NULL };
	const char *unknown[] = { "CNI_COMMAND=add", NULL };
	const char *bare[] = { "CNI_COMMAND=CHECK", "CNI_NETNS=", NULL };
	const char *del[] = { "CNI_COMMAND=DEL", "CNI_IFNAME=eth0", NULL };
	const char *id[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=-x", "CNI_NETNS=/n",
			     "CNI_IFNAME=eth0", "CNI_PATH=/x", NULL };
	const char *id2[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=a/b", "CNI_NETNS=/n",
			      "CNI_IFNAME=eth0", "CNI_PATH=/x", NULL };
	const char *ifn[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=a", "CNI_NETNS=/n",
			      "CNI_IFNAME=averyveryverylongname", "CNI_PATH=/x", NULL };
	const char *ifn2[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=a", "CNI_IFNAME=a:b",
			       "CNI_PATH=/x", NULL };

	(void)state;
	env_refused(none, "required env variable CNI_COMMAND missing");
	env_refused(unknown, "unknown CNI_COMMAND 'add' (ADD, DEL, CHECK or VERSION)");
	env_refused(bare, "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,"
		    "CNI_PATH] missing");
	env_refused(del, "required env variables [CNI_CONTAINERID,CNI_PATH] missing");
	env_refused(id, "invalid CNI_CONTAINERID '-x': letters, digits, '_', '.' and '-', "
		    "not first, at most 251 characters");
	env_refused(id2, "invalid CNI_CONTAINERID 'a/b': letters, digits, '_', '.' and '-', "
		    "not first, at most 251 characters");
	env_refused(ifn, "invalid CNI_IFNAME 'averyveryverylongname': not a device name");
	env_refused(ifn2, "invalid CNI_IFNAME 'a:b': not a device name");
}

static void test_first_failure_wins(void **state)
{
	struct cni_error err = {};

	(void)state;
	assert_int_equal(cni_fail(&err, CNI_ERR_XDPLINK, "Name", "first %d", 1), -EINVAL);
	assert_int_equal(cni_fail(&err, CNI_ERR_TRY_AGAIN, NULL, "second"), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_XDPLINK);
	assert_string_equal(err.msg, "first 1");
	assert_string_equal(err.details, "Name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_version),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_bad_top_level),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_bad_programs),
		cmocka_unit_test(test_bad_priorities),
		cmocka_unit_test(test_bad_actions),
		cmocka_unit_test(test_env_good),
		cmocka_unit_test(test_env_bad),
		cmocka_unit_test(test_first_failure_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
