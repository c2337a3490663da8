/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: varlink parameter tables (unknown, missing, wrong type, ranges) and method lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "vl-dispatch.h"

/* Shaped like a real handler's parameters, with sentinels for "not sent". */
struct attach_params {
	const char *ifname;
	const char *program;
	uint32_t priority;
	bool counters;
	int64_t delta;
	uint64_t revision;
	int fd;
	json_t *actions;
};

VL_DEFINE_UINT32_PARSER(parse_priority, 1, 1000)

static const struct vl_field attach_table[] = {
	{ "interface", VL_STRING, vl_parse_string, offsetof(struct attach_params, ifname), VL_MANDATORY },
	{ "program", VL_STRING, vl_parse_string, offsetof(struct attach_params, program), VL_NULLABLE },
	{ "priority", VL_INTEGER, parse_priority, offsetof(struct attach_params, priority), 0 },
	{ "counters", VL_BOOLEAN, vl_parse_bool, offsetof(struct attach_params, counters), 0 },
	{ "delta", VL_INTEGER, vl_parse_int64, offsetof(struct attach_params, delta), 0 },
	{ "expectedRevision", VL_INTEGER, vl_parse_uint64, offsetof(struct attach_params, revision), 0 },
	{ "programFd", VL_INTEGER, vl_parse_fd_index, offsetof(struct attach_params, fd), VL_NULLABLE },
	{ "actions", VL_ARRAY, vl_parse_json, offsetof(struct attach_params, actions), 0 },
	{}
};

#define ATTACH_INIT { .priority = UINT32_MAX, .revision = UINT64_MAX, .fd = -EBADF }

/* Dispatch JSON text; return the errno and, on failure, the parameter it blames. */
static int run(const char *text, struct attach_params *p, char *blamed, size_t blen)
{
	json_t *params = json_loads(text, 0, NULL);
	struct vl_error e = {};
	int r;

	assert_non_null(params);
	r = vl_dispatch(params, attach_table, p, &e);
	blamed[0] = '\0';
	if (r < 0) {
		assert_string_equal(e.name, VL_ERROR_INVALID_PARAMETER);
		assert_int_equal(json_object_size(e.parameters), 1);
		snprintf(blamed, blen, "%s",
			 json_string_value(json_object_get(e.parameters, "parameter")));
	} else {
		assert_null(e.name);
	}
	vl_error_done(&e);
	/* Borrowed strings outlive params only in a real call; copy-free checks happen here. */
	if (r == 0 && p->ifname)
		assert_true(p->ifname == json_string_value(json_object_get(params, "interface")));
	json_decref(params);
	return r;
}

#define EXPECT_BLAME(text, param)                                                 \
	do {                                                                      \
		struct attach_params _p = ATTACH_INIT;                            \
		char _b[64];                                                      \
		assert_int_equal(run(text, &_p, _b, sizeof(_b)), -EINVAL);        \
		assert_string_equal(_b, param);                                   \
	} while (0)

static void test_all_fields(void **state)
{
	struct attach_params p = ATTACH_INIT;
	char b[64];

	(void)state;
	assert_int_equal(run("{\"interface\":\"eth0\",\"program\":\"/x.o\",\"priority\":1000,"
			     "\"counters\":true,\"delta\":-5,\"expectedRevision\":9007199254740993,"
			     "\"programFd\":2,\"actions\":[\"pass\"]}", &p, b, sizeof(b)), 0);
	assert_non_null(p.ifname);
	assert_int_equal(p.priority, 1000);
	assert_true(p.counters);
	assert_int_equal(p.delta, -5);
	assert_int_equal(p.revision, 9007199254740993ULL);
	assert_int_equal(p.fd, 2);
	assert_true(p.actions != NULL);
}

/* Optional fields not sent keep their sentinels. */
static void test_sentinels_kept(void **state)
{
	struct attach_params p = ATTACH_INIT;
	char b[64];

	(void)state;
	assert_int_equal(run("{\"interface\":\"eth0\"}", &p, b, sizeof(b)), 0);
	assert_int_equal(p.priority, UINT32_MAX);
	assert_int_equal(p.revision, UINT64_MAX);
	assert_int_equal(p.fd, -EBADF);
	assert_null(p.program);
	assert_null(p.actions);
}

static void test_unknown_parameter(void **state)
{
	(void)state;
	EXPECT_BLAME("{\"interface\":\"eth0\",\"prio\":3}", "prio");
	/* Names are case-sensitive. */
	EXPECT_BLAME("{\"Interface\":\"eth0\"}", "Interface");
}

static void test_missing_mandatory(void **state)
{
	(void)state;
	EXPECT_BLAME("{}", "interface");
	EXPECT_BLAME("{\"priority\":5}", "interface");
}

static void test_wrong_types(void **state)
{
	(void)state;
	EXPECT_BLAME("{\"interface\":7}", "interface");
	EXPECT_BLAME("{\"interface\":\"e\",\"priority\":\"5\"}", "priority");
	EXPECT_BLAME("{\"interface\":\"e\",\"priority\":5.0}", "priority");
	EXPECT_BLAME("{\"interface\":\"e\",\"counters\":1}", "counters");
	EXPECT_BLAME("{\"interface\":\"e\",\"actions\":{}}", "actions");
	EXPECT_BLAME("{\"interface\":\"e\",\"programFd\":true}", "programFd");
}

/* null only where the table allows it, and then it means "unset". */
static void test_nullable(void **state)
{
	struct attach_params p = ATTACH_INIT;
	char b[64];

	(void)state;
	p.program = "stale";
	p.fd = 4;
	assert_int_equal(run("{\"interface\":\"e\",\"program\":null,\"programFd\":null}",
			     &p, b, sizeof(b)), 0);
	assert_null(p.program);
	assert_int_equal(p.fd, -EBADF);
	EXPECT_BLAME("{\"interface\":null}", "interface");
	EXPECT_BLAME("{\"interface\":\"e\",\"priority\":null}", "priority");
}

static void test_ranges(void **state)
{
	struct attach_params p = ATTACH_INIT;
	char b[64];

	(void)state;
	EXPECT_BLAME("{\"interface\":\"e\",\"priority\":0}", "priority");
	EXPECT_BLAME("{\"interface\":\"e\",\"priority\":1001}", "priority");
	EXPECT_BLAME("{\"interface\":\"e\",\"priority\":-1}", "priority");
	EXPECT_BLAME("{\"interface\":\"e\",\"expectedRevision\":-1}", "expectedRevision");
	EXPECT_BLAME("{\"interface\":\"e\",\"programFd\":-1}", "programFd");
	EXPECT_BLAME("{\"interface\":\"e\",\"programFd\":253}", "programFd");
	assert_int_equal(run("{\"interface\":\"e\",\"priority\":1,\"programFd\":252}",
			     &p, b, sizeof(b)), 0);
	assert_int_equal(p.priority, 1);
	assert_int_equal(p.fd, 252);
}

/* Without min/max the stock uint32 parser takes its whole type and nothing more. */
static void test_uint32_full_range(void **state)
{
	static const struct vl_field t[] = {
		{ "n", VL_INTEGER, vl_parse_uint32, 0, VL_MANDATORY },
		{}
	};
	uint32_t n = 0;
	json_t *ok = json_pack("{s:I}", "n", (json_int_t)UINT32_MAX);
	json_t *big = json_pack("{s:I}", "n", (json_int_t)UINT32_MAX + 1);
	struct vl_error e = {};

	(void)state;
	assert_int_equal(vl_dispatch(ok, t, &n, &e), 0);
	assert_int_equal(n, UINT32_MAX);
	assert_int_equal(vl_dispatch(big, t, &n, &e), -EINVAL);
	assert_int_equal(n, UINT32_MAX);
	vl_error_done(&e);
	json_decref(ok);
	json_decref(big);
}

static int custom_parse(const struct vl_field *f, json_t *v, void *dest)
{
	(void)f;
	(void)v;
	(void)dest;
	return -ENOMEM;
}

/* A parser's own errno other than -EINVAL is not the caller's fault: no InvalidParameter. */
static void test_parser_errno_passes_through(void **state)
{
	static const struct vl_field t[] = {
		{ "x", VL_ANY, custom_parse, 0, 0 },
		{}
	};
	json_t *params = json_pack("{s:i}", "x", 1);
	struct vl_error e = {};
	int dummy;

	(void)state;
	assert_int_equal(vl_dispatch(params, t, &dummy, &e), -ENOMEM);
	assert_null(e.name);
	/* NULL params is an empty object. */
	assert_int_equal(vl_dispatch(NULL, t, &dummy, &e), 0);
	json_decref(params);
}

static int h(struct vl_link *l, json_t *p, unsigned fl, void *u)
{
	(void)l; (void)p; (void)fl; (void)u;
	return 0;
}

static const struct vl_method methods[] = {
	{ "org.varlink.service.GetInfo", h, 0 },
	{ "io.xdplink.Manager.Attach", h, 0 },
	{ "io.xdplink.Manager.Monitor", h, VL_METHOD_REQUIRES_MORE },
	{ "io.xdplink.Manager.Reload", NULL, 0 },
	{}
};

/* Look up and check errno, error name and its single parameter. */
static void expect_lookup(const char *method, int err, const char *ename, const char *pkey,
			  const char *pval)
{
	const struct vl_method *m = NULL;
	struct vl_error e = {};

	assert_int_equal(vl_method_lookup(methods, method, &m, &e), err);
	assert_null(m);
	assert_string_equal(e.name, ename);
	assert_int_equal(json_object_size(e.parameters), 1);
	assert_string_equal(json_string_value(json_object_get(e.parameters, pkey)), pval);
	vl_error_done(&e);
}

static void test_lookup_found(void **state)
{
	const struct vl_method *m = NULL;
	struct vl_error e = {};

	(void)state;
	assert_int_equal(vl_method_lookup(methods, "io.xdplink.Manager.Attach", &m, &e), 0);
	assert_ptr_equal(m, &methods[1]);
	assert_int_equal(vl_method_lookup(methods, "org.varlink.service.GetInfo", &m, &e), 0);
	assert_ptr_equal(m, &methods[0]);
	assert_null(e.name);
}

static void test_lookup_method_not_found(void **state)
{
	(void)state;
	expect_lookup("io.xdplink.Manager.Frobnicate", -ENOENT, VL_ERROR_METHOD_NOT_FOUND,
		      "method", "io.xdplink.Manager.Frobnicate");
	expect_lookup("org.varlink.service.GetInterfaceDescription", -ENOENT,
		      VL_ERROR_METHOD_NOT_FOUND, "method",
		      "org.varlink.service.GetInterfaceDescription");
}

/* A prefix of a known interface, or one nested under it, is a different interface. */
static void test_lookup_interface_not_found(void **state)
{
	(void)state;
	expect_lookup("io.xdplink.Other.Attach", -ENXIO, VL_ERROR_INTERFACE_NOT_FOUND,
		      "interface", "io.xdplink.Other");
	expect_lookup("io.xdplink.Attach", -ENXIO, VL_ERROR_INTERFACE_NOT_FOUND,
		      "interface", "io.xdplink");
	expect_lookup("io.xdplink.Manager.sub.Attach", -ENXIO, VL_ERROR_INTERFACE_NOT_FOUND,
		      "interface", "io.xdplink.Manager.sub");
}

static void test_lookup_bad_name_and_unimplemented(void **state)
{
	(void)state;
	expect_lookup("io.xdplink.Manager.attach", -EINVAL, VL_ERROR_INVALID_PARAMETER,
		      "parameter", "method");
	expect_lookup("Attach", -EINVAL, VL_ERROR_INVALID_PARAMETER, "parameter", "method");
	expect_lookup("io.xdplink.Manager.Reload", -EOPNOTSUPP, VL_ERROR_METHOD_NOT_IMPLEMENTED,
		      "method", "io.xdplink.Manager.Reload");
}

static void test_expected_more(void **state)
{
	struct vl_error e = {};

	(void)state;
	assert_int_equal(vl_method_check_flags(&methods[2], 0, &e), -EINVAL);
	assert_string_equal(e.name, VL_ERROR_EXPECTED_MORE);
	vl_error_done(&e);
	assert_int_equal(vl_method_check_flags(&methods[2], VL_CALL_MORE, &e), 0);
	assert_int_equal(vl_method_check_flags(&methods[1], 0, &e), 0);
	assert_int_equal(vl_method_check_flags(&methods[1], VL_CALL_MORE, &e), 0);
	assert_null(e.name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fields),
		cmocka_unit_test(test_sentinels_kept),
		cmocka_unit_test(test_unknown_parameter),
		cmocka_unit_test(test_missing_mandatory),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_nullable),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_uint32_full_range),
		cmocka_unit_test(test_parser_errno_passes_through),
		cmocka_unit_test(test_lookup_found),
		cmocka_unit_test(test_lookup_method_not_found),
		cmocka_unit_test(test_lookup_interface_not_found),
		cmocka_unit_test(test_lookup_bad_name_and_unimplemented),
		cmocka_unit_test(test_expected_more),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
