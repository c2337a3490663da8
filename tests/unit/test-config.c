/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdplinkd.conf parsing: defaults, every key, and errors that name file and line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"

static char path[] = "/tmp/xl-test-config-XXXXXX";

static void write_conf(const char *text)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* Load text over the defaults; err gets the message, path replaced by "F". */
static int load(const char *text, struct xd_config *c, char *err, size_t len)
{
	char raw[512] = "";
	int r;

	write_conf(text);
	xd_config_init(c);
	r = xd_config_load(c, path, true, raw, sizeof(raw));
	if (strncmp(raw, path, strlen(path)) == 0)
		snprintf(err, len, "F%s", raw + strlen(path));
	else
		snprintf(err, len, "%s", raw);
	return r;
}

static void test_defaults(void **state)
{
	struct xd_config c;

	(void)state;
	xd_config_init(&c);
	assert_string_equal(c.socket_path, "/run/xdplinkd/io.xdplink.Manager");
	assert_int_equal(c.socket_mode, 0660);
	assert_string_equal(c.socket_group, "xdplinkd");
	assert_string_equal(c.bpffs_root, "/sys/fs/bpf/xdplinkd");
	assert_string_equal(c.state_dir, "/run/xdplinkd/state");
	assert_int_equal(c.default_mode, XL_MODE_NATIVE);
	assert_false(c.counters);
	assert_int_equal(c.max_connections, 4096);
	assert_int_equal(c.max_connections_per_user, 1024);
	assert_int_equal(c.idle_timeout_usec, 60000000ULL);
	assert_int_equal(c.max_message_size, 16 * 1024 * 1024);
	assert_int_equal(c.reserved_connections, 64);
	assert_int_equal(c.max_fds, 4096);
	assert_int_equal(c.max_fds_per_user, 256);
	assert_int_equal(c.max_input_per_user, 32 * 1024 * 1024);
	assert_int_equal(c.max_output_per_user, 16 * 1024 * 1024);
	assert_int_equal(c.max_input, 48 * 1024 * 1024);
	assert_int_equal(c.max_output, 32 * 1024 * 1024);
	assert_int_equal(c.max_jobs_per_user, 64);
	assert_int_equal(c.log_level, LOG_INFO);
	xd_config_done(&c);
}

/* The shipped file documents the defaults: parsing it changes nothing. */
static void test_shipped_file_is_the_defaults(void **state)
{
	struct xd_config d, c;
	char err[256];

	(void)state;
	xd_config_init(&d);
	xd_config_init(&c);
	assert_int_equal(xd_config_load(&c, "config/xdplinkd.conf", true, err, sizeof(err)), 0);
	assert_string_equal(c.socket_path, d.socket_path);
	assert_string_equal(c.socket_group, d.socket_group);
	assert_string_equal(c.bpffs_root, d.bpffs_root);
	assert_string_equal(c.state_dir, d.state_dir);
	assert_int_equal(c.socket_mode, d.socket_mode);
	assert_int_equal(c.default_mode, d.default_mode);
	assert_int_equal(c.counters, d.counters);
	assert_int_equal(c.max_connections, d.max_connections);
	assert_int_equal(c.max_connections_per_user, d.max_connections_per_user);
	assert_int_equal(c.idle_timeout_usec, d.idle_timeout_usec);
	assert_int_equal(c.max_message_size, d.max_message_size);
	assert_int_equal(c.reserved_connections, d.reserved_connections);
	assert_int_equal(c.max_fds, d.max_fds);
	assert_int_equal(c.max_fds_per_user, d.max_fds_per_user);
	assert_int_equal(c.max_input_per_user, d.max_input_per_user);
	assert_int_equal(c.max_output_per_user, d.max_output_per_user);
	assert_int_equal(c.max_input, d.max_input);
	assert_int_equal(c.max_output, d.max_output);
	assert_int_equal(c.max_jobs_per_user, d.max_jobs_per_user);
	assert_int_equal(c.log_level, d.log_level);
	xd_config_done(&c);
	xd_config_done(&d);
}

static void test_every_key(void **state)
{
	struct xd_config c;
	char err[256];

	(void)state;
	assert_int_equal(load("[Socket]\nPath = /run/x.sock\nMode = 0600\nGroup =\n"
			      "[Engine]\nBpffsRoot = /sys/fs/bpf/x\nStateDir = /run/x\n"
			      "DefaultMode = skb\nCounters = yes\n"
			      "[Limits]\nMaxConnections = 10\nMaxConnectionsPerUser = 5\n"
			      "IdleTimeoutSec = 0\nMaxMessageSize = 64K\nReservedConnections = 2\n"
			      "MaxFds = 100\nMaxFdsPerUser = 10\nMaxInputPerUser = 1G\nMaxInput = 1G\n"
			      "MaxOutputPerUser = 512K\nMaxOutput = 1M\nMaxJobsPerUser = 3\n"
			      "[Log]\nLevel = debug\n",
			      &c, err, sizeof(err)), 0);
	assert_string_equal(c.socket_path, "/run/x.sock");
	assert_int_equal(c.socket_mode, 0600);
	assert_string_equal(c.socket_group, "");
	assert_string_equal(c.bpffs_root, "/sys/fs/bpf/x");
	assert_string_equal(c.state_dir, "/run/x");
	assert_int_equal(c.default_mode, XL_MODE_SKB);
	assert_true(c.counters);
	assert_int_equal(c.max_connections, 10);
	assert_int_equal(c.max_connections_per_user, 5);
	assert_int_equal(c.idle_timeout_usec, UINT64_MAX);
	assert_int_equal(c.max_message_size, 65536);
	assert_int_equal(c.reserved_connections, 2);
	assert_int_equal(c.max_fds, 100);
	assert_int_equal(c.max_fds_per_user, 10);
	assert_int_equal(c.max_input_per_user, 1024 * 1024 * 1024);
	assert_int_equal(c.max_output_per_user, 512 * 1024);
	assert_int_equal(c.max_input, 1024 * 1024 * 1024);
	assert_int_equal(c.max_output, 1024 * 1024);
	assert_int_equal(c.max_jobs_per_user, 3);
	assert_int_equal(c.log_level, LOG_DEBUG);
	xd_config_done(&c);
}

static void expect_error(const char *text, const char *msg)
{
	struct xd_config c;
	char err[256];

	assert_true(load(text, &c, err, sizeof(err)) < 0);
	assert_string_equal(err, msg);
	/* c is left as it was: the defaults. */
	assert_string_equal(c.socket_path, "/run/xdplinkd/io.xdplink.Manager");
	assert_int_equal(c.default_mode, XL_MODE_NATIVE);
	xd_config_done(&c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[Engine]\nDefaultMode = skb\n[Nope]\nX = 1\n", "F:4: unknown section [Nope]");
	expect_error("# c\n[Engine]\nFoo = 1\n", "F:3: unknown key 'Foo' in section [Engine]");
	expect_error("[Engine]\nDefaultMode = turbo\n",
		     "F:2: bad value 'turbo' for DefaultMode: must be native or skb");
	expect_error("[Engine]\nCounters = maybe\n",
		     "F:2: bad value 'maybe' for Counters: must be yes or no");
	expect_error("[Socket]\nPath = relative\n",
		     "F:2: bad value 'relative' for Path: must be an absolute path");
	expect_error("[Socket]\nMode = 0999\n",
		     "F:2: bad value '0999' for Mode: must be an octal file mode such as 0660");
	expect_error("[Limits]\nMaxConnections = 0\n",
		     "F:2: bad value '0' for MaxConnections: must be a number from 1 to 65536");
	expect_error("[Limits]\nMaxMessageSize = 17M\n",
		     "F:2: bad value '17M' for MaxMessageSize: must be a size from 64K to 16M");
	expect_error("[Log]\nLevel = loud\n",
		     "F:2: bad value 'loud' for Level: must be err, warning, notice, info or debug");
	expect_error("[Engine]\nCounters = yes\nCounters = no\n", "F:3: Counters is set twice in [Engine]");
	expect_error("\n\ngarbage\n", "F:3: syntax error: expected [Section] or Key = value");
	expect_error("[Limits]\nMaxConnections = 10\nMaxConnectionsPerUser = 5\n"
		     "ReservedConnections = 6\n",
		     "F: ReservedConnections exceeds half of MaxConnections");
	expect_error("[Limits]\nMaxFds = 10\nMaxFdsPerUser = 20\n", "F: MaxFdsPerUser exceeds MaxFds");
	expect_error("[Limits]\nMaxInputPerUser = 64M\n",
		     "F: MaxInputPerUser or MaxOutputPerUser exceeds MaxInput or MaxOutput");
	expect_error("[Limits]\nMaxInputPerUser = 2G\n", "F:2: bad value '2G' for MaxInputPerUser: must be a size from 64K to 1G");
	expect_error("[Limits]\nMaxConnections = 10\nMaxConnectionsPerUser = 20\n",
		     "F: MaxConnectionsPerUser exceeds MaxConnections");
}

static void test_missing_file(void **state)
{
	struct xd_config c;
	char err[256];

	(void)state;
	xd_config_init(&c);
	assert_int_equal(xd_config_load(&c, "/nonexistent/x.conf", false, err, sizeof(err)), 0);
	assert_int_equal(xd_config_load(&c, "/nonexistent/x.conf", true, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/x.conf: No such file or directory");
	xd_config_done(&c);
}

static void test_copy_and_levels(void **state)
{
	struct xd_config a, b;
	int level;

	(void)state;
	xd_config_init(&a);
	assert_int_equal(xd_config_copy(&b, &a), 0);
	assert_ptr_not_equal(a.socket_path, b.socket_path);
	assert_string_equal(a.socket_path, b.socket_path);
	xd_config_done(&a);
	xd_config_done(&b);
	xd_config_done(&b);	/* idempotent */
	assert_int_equal(xd_parse_log_level("warning", &level), 0);
	assert_int_equal(level, LOG_WARNING);
	assert_int_equal(xd_parse_log_level("verbose", &level), -EINVAL);
	assert_string_equal(xd_log_level_to_string(LOG_NOTICE), "notice");
}

static void collect(void *userdata, const char *msg)
{
	char *text = userdata;
	size_t n = strlen(text);

	if (strncmp(msg, path, strlen(path)) == 0)
		snprintf(text + n, 1024 - n, "F%s\n", msg + strlen(path));
	else
		snprintf(text + n, 1024 - n, "%s\n", msg);
}

/* Every error, in line order, and the limits checked too (issue 14). */
static void test_every_error_reported(void **state)
{
	char got[1024] = "", err[256];
	struct xd_conf_errors errs = { .report = collect, .userdata = got };
	struct xd_config c;

	(void)state;
	write_conf("[Engine]\nDefaultMode = turbo\ngarbage\n[Nope]\nA = 1\nB = 2\n[Limits]\n"
		   "MaxFds = 10\nMaxFdsPerUser = 20\nMaxFds = 11\n");
	xd_config_init(&c);
	assert_int_equal(xd_config_load_all(&c, path, true, &errs, err, sizeof(err)), -EINVAL);
	assert_string_equal(got, "F:2: bad value 'turbo' for DefaultMode: must be native or skb\n"
			    "F:3: syntax error: expected [Section] or Key = value\n"
			    "F:5: unknown section [Nope]\n"
			    "F:10: MaxFds is set twice in [Limits]\n"
			    "F: MaxFdsPerUser exceeds MaxFds\n");
	assert_int_equal(errs.n, 5);
	assert_int_equal(c.default_mode, XL_MODE_NATIVE);	/* unchanged */
	/* keep_partial: the good keys are taken even so (--check-config). */
	errs = (struct xd_conf_errors){ .keep_partial = true };
	assert_int_equal(xd_config_load_all(&c, path, true, &errs, err, sizeof(err)), -EINVAL);
	assert_int_equal(c.max_fds, 10);
	assert_int_equal(errs.n, 5);
	xd_config_done(&c);
}

/* A '=' after an inline comment is no separator, as inih reads it: the
 * line is a syntax error reported in its place, not after the others. */
static void test_inline_comment_syntax_error(void **state)
{
	char got[1024] = "", err[256];
	struct xd_conf_errors errs = { .report = collect, .userdata = got };
	struct xd_config c;

	(void)state;
	write_conf("[Engine]\nDefaultMode = skb ; = x\nfoo ; = bar\nCounters = maybe\n");
	xd_config_init(&c);
	assert_int_equal(xd_config_load_all(&c, path, true, &errs, err, sizeof(err)), -EINVAL);
	assert_string_equal(got, "F:3: syntax error: expected [Section] or Key = value\n"
			    "F:4: bad value 'maybe' for Counters: must be yes or no\n");
	xd_config_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_shipped_file_is_the_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_inline_comment_syntax_error),
		cmocka_unit_test(test_copy_and_levels),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
