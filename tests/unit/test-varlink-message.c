/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: varlink call parsing (strict keys, types, UTF-8), names, reply shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "vl-message.h"

/* Parse a C string; on failure check both the errno and the reason. */
static int parse(const char *s, struct vl_call *c, enum vl_call_error *why)
{
	return vl_call_parse(s, strlen(s), c, why);
}

static void expect_refused(const char *s, int err, enum vl_call_error reason)
{
	struct vl_call c = { .method = "untouched" };
	enum vl_call_error why = VL_CALL_OK;

	assert_int_equal(parse(s, &c, &why), err);
	assert_int_equal(why, reason);
	assert_string_equal(c.method, "untouched");
}

/*
 * A call answerable only with InvalidParameter: -EINVAL, the reason, the
 * parameter it names and the flags (a oneway one is not answered).
 */
static void expect_answerable(const char *s, enum vl_call_error reason, const char *parameter,
			      unsigned flags)
{
	struct vl_call c = {};
	enum vl_call_error why = VL_CALL_OK;

	assert_int_equal(parse(s, &c, &why), -EINVAL);
	assert_int_equal(why, reason);
	assert_non_null(c.invalid);
	assert_string_equal(c.invalid, parameter);
	assert_int_equal(c.flags, flags);
	assert_null(c.parameters);
	vl_call_done(&c);
}

static void test_full_call(void **state)
{
	struct vl_call c;
	enum vl_call_error why = -1;

	(void)state;
	assert_int_equal(parse("{\"method\":\"io.xdplink.Manager.List\",\"parameters\":{\"x\":1},"
			       "\"more\":true,\"oneway\":false,\"upgrade\":false}", &c, &why), 0);
	assert_int_equal(why, VL_CALL_OK);
	assert_string_equal(c.method, "io.xdplink.Manager.List");
	assert_int_equal(c.flags, VL_CALL_MORE);
	assert_int_equal(json_integer_value(json_object_get(c.parameters, "x")), 1);
	vl_call_done(&c);
	assert_null(c.root);
}

/* Absent parameters become {}, so handlers never test for absence. */
static void test_parameters_default_empty(void **state)
{
	struct vl_call c;

	(void)state;
	assert_int_equal(parse("{\"method\":\"org.varlink.service.GetInfo\",\"oneway\":true}",
			       &c, NULL), 0);
	assert_true(json_is_object(c.parameters));
	assert_int_equal(json_object_size(c.parameters), 0);
	assert_int_equal(c.flags, VL_CALL_ONEWAY);
	vl_call_done(&c);
}

/* varlink/go sends "parameters": null for a nil input; the spec types it ?object. */
static void test_parameters_null(void **state)
{
	struct vl_call c;

	(void)state;
	assert_int_equal(parse("{\"method\":\"org.varlink.service.GetInfo\",\"parameters\":null}",
			       &c, NULL), 0);
	assert_true(json_is_object(c.parameters));
	assert_int_equal(json_object_size(c.parameters), 0);
	assert_int_equal(c.flags, 0);
	vl_call_done(&c);
}

/* An unknown key is answered with InvalidParameter naming it; a oneway call keeps its flag. */
static void test_unknown_key(void **state)
{
	(void)state;
	expect_answerable("{\"method\":\"a.b.C\",\"extra\":1}", VL_CALL_UNKNOWN_KEY, "extra", 0);
	/* Reply keys are not call keys. */
	expect_answerable("{\"method\":\"a.b.C\",\"continues\":true}", VL_CALL_UNKNOWN_KEY,
			  "continues", 0);
	expect_answerable("{\"Method\":\"a.b.C\",\"method\":\"a.b.C\"}", VL_CALL_UNKNOWN_KEY,
			  "Method", 0);
	expect_answerable("{\"extra\":1,\"method\":\"a.b.C\",\"oneway\":true}", VL_CALL_UNKNOWN_KEY,
			  "extra", VL_CALL_ONEWAY);
	/* A vendor extension must be an object named in reverse-domain notation. */
	expect_answerable("{\"method\":\"a.b.C\",\"io.example\":1}", VL_CALL_UNKNOWN_KEY,
			  "io.example", 0);
}

/* The spec's vendor extensions: ignored, the call goes ahead. */
static void test_vendor_extension(void **state)
{
	struct vl_call c;

	(void)state;
	assert_int_equal(parse("{\"method\":\"a.b.C\",\"io.example\":{\"trace\":true},\"more\":true}",
			       &c, NULL), 0);
	assert_string_equal(c.method, "a.b.C");
	assert_int_equal(c.flags, VL_CALL_MORE);
	vl_call_done(&c);
}

static void test_oneway_and_more(void **state)
{
	(void)state;
	expect_refused("{\"method\":\"a.b.C\",\"oneway\":true,\"more\":true}",
		       -EBADMSG, VL_CALL_ONEWAY_AND_MORE);
}

/*
 * A key of the wrong type is answered, naming it, except "oneway": without
 * it nobody knows whether the peer reads a reply.
 */
static void test_wrong_types(void **state)
{
	(void)state;
	expect_answerable("{\"method\":7}", VL_CALL_WRONG_TYPE, "method", 0);
	expect_answerable("{\"method\":\"a.b.C\",\"parameters\":[]}", VL_CALL_WRONG_TYPE,
			  "parameters", 0);
	expect_answerable("{\"method\":\"a.b.C\",\"parameters\":\"x\"}", VL_CALL_WRONG_TYPE,
			  "parameters", 0);
	expect_answerable("{\"method\":\"a.b.C\",\"more\":1}", VL_CALL_WRONG_TYPE, "more", 0);
	expect_answerable("{\"method\":\"a.b.C\",\"upgrade\":null}", VL_CALL_WRONG_TYPE, "upgrade", 0);
	expect_answerable("{\"method\":\"a.b.C\",\"oneway\":true,\"more\":1}", VL_CALL_WRONG_TYPE,
			  "more", VL_CALL_ONEWAY);
	expect_refused("{\"method\":\"a.b.C\",\"oneway\":\"true\"}", -EBADMSG, VL_CALL_WRONG_TYPE);
	expect_refused("{\"method\":\"a.b.C\",\"oneway\":null}", -EBADMSG, VL_CALL_WRONG_TYPE);
}

static void test_not_an_object(void **state)
{
	(void)state;
	expect_refused("[]", -EBADMSG, VL_CALL_NOT_OBJECT);
	expect_refused("\"a.b.C\"", -EBADMSG, VL_CALL_NOT_OBJECT);
	expect_refused("null", -EBADMSG, VL_CALL_NOT_OBJECT);
}

static void test_invalid_json(void **state)
{
	(void)state;
	expect_refused("", -EBADMSG, VL_CALL_INVALID_JSON);
	expect_refused("{\"method\":\"a.b.C\"", -EBADMSG, VL_CALL_INVALID_JSON);
	expect_refused("{\"method\":\"a.b.C\"} {}", -EBADMSG, VL_CALL_INVALID_JSON);
	expect_refused("{\"method\":\"a.b.C\",\"parameters\":{\"n\":99999999999999999999}}",
		       -EBADMSG, VL_CALL_INVALID_JSON);
	/* An escaped NUL would turn into a C string that silently stops early. */
	expect_refused("{\"method\":\"a.b.C\\u0000x\"}", -EBADMSG, VL_CALL_INVALID_JSON);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect_refused("{\"method\":\"a.b.C\",\"parameters\":{\"s\":\"\xff\"}}",
		       -EBADMSG, VL_CALL_INVALID_UTF8);
	/* Overlong encoding of '/'. */
	expect_refused("{\"method\":\"a.b.C\xc0\xaf\"}", -EBADMSG, VL_CALL_INVALID_UTF8);
	/* Lone surrogate in UTF-8 form. */
	expect_refused("{\"method\":\"a.b.C\",\"parameters\":{\"s\":\"\xed\xa0\x80\"}}",
		       -EBADMSG, VL_CALL_INVALID_UTF8);
}

static void test_duplicate_and_missing_method(void **state)
{
	(void)state;
	expect_refused("{\"method\":\"a.b.C\",\"method\":\"a.b.D\"}", -EBADMSG, VL_CALL_DUPLICATE_KEY);
	expect_answerable("{\"parameters\":{}}", VL_CALL_NO_METHOD, "method", 0);
	expect_answerable("{}", VL_CALL_NO_METHOD, "method", 0);
	expect_answerable("{\"oneway\":true}", VL_CALL_NO_METHOD, "method", VL_CALL_ONEWAY);
}

/* Well-formed calls to a malformed name are answered, not hung up on: -EINVAL. */
static void test_bad_method_name(void **state)
{
	(void)state;
	expect_answerable("{\"method\":\"GetInfo\"}", VL_CALL_BAD_METHOD_NAME, "method", 0);
	expect_answerable("{\"method\":\"org.varlink.service.getInfo\"}", VL_CALL_BAD_METHOD_NAME,
			  "method", 0);
	expect_answerable("{\"method\":\"service.GetInfo\"}", VL_CALL_BAD_METHOD_NAME, "method", 0);
	expect_answerable("{\"method\":\"\"}", VL_CALL_BAD_METHOD_NAME, "method", 0);
}

static void test_interface_names(void **state)
{
	(void)state;
	assert_true(vl_interface_name_is_valid("org.varlink.service"));
	assert_true(vl_interface_name_is_valid("io.xdplink.Manager"));
	assert_true(vl_interface_name_is_valid("a-b.c--d.e0"));
	assert_true(vl_interface_name_is_valid("a.0b"));
	assert_false(vl_interface_name_is_valid("org"));
	assert_false(vl_interface_name_is_valid("0rg.example"));
	assert_false(vl_interface_name_is_valid("org..example"));
	assert_false(vl_interface_name_is_valid("org.example."));
	assert_false(vl_interface_name_is_valid(".org.example"));
	assert_false(vl_interface_name_is_valid("org-.example"));
	assert_false(vl_interface_name_is_valid("org.-example"));
	assert_false(vl_interface_name_is_valid("org.ex_ample"));
	assert_false(vl_interface_name_is_valid(""));
	assert_false(vl_interface_name_is_valid(NULL));
}

static void test_member_names(void **state)
{
	(void)state;
	assert_true(vl_member_name_is_valid("GetInfo"));
	assert_true(vl_member_name_is_valid("X2"));
	assert_false(vl_member_name_is_valid("getInfo"));
	assert_false(vl_member_name_is_valid("Get_Info"));
	assert_false(vl_member_name_is_valid("Get-Info"));
	assert_false(vl_member_name_is_valid("2X"));
	assert_false(vl_member_name_is_valid(""));
	assert_true(vl_qualified_name_is_valid("io.xdplink.Manager.Attach"));
	assert_false(vl_qualified_name_is_valid("io.xdplink.Manager."));
	assert_false(vl_qualified_name_is_valid("Manager.Attach"));
}

/* The reply carries exactly these keys, nothing else. */
static void test_reply_shapes(void **state)
{
	json_t *r;

	(void)state;
	r = vl_reply_new(json_pack("{s:i}", "id", 3), false);
	assert_non_null(r);
	assert_int_equal(json_object_size(r), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "parameters"), "id")), 3);
	json_decref(r);

	r = vl_reply_new(NULL, true);
	assert_int_equal(json_object_size(r), 2);
	assert_true(json_is_true(json_object_get(r, "continues")));
	assert_int_equal(json_object_size(json_object_get(r, "parameters")), 0);
	json_decref(r);

	r = vl_reply_error_new(VL_ERROR_INVALID_PARAMETER, json_pack("{s:s}", "parameter", "x"));
	assert_int_equal(json_object_size(r), 2);
	assert_string_equal(json_string_value(json_object_get(r, "error")),
			    "org.varlink.service.InvalidParameter");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
								"parameter")), "x");
	json_decref(r);
}

static void test_reply_refusals(void **state)
{
	(void)state;
	assert_null(vl_reply_new(json_array(), false));
	assert_null(vl_reply_error_new("NotQualified", NULL));
	assert_null(vl_reply_error_new(NULL, json_object()));
	assert_null(vl_reply_error_new("a.b.C", json_string("x")));
}

static void test_error_struct(void **state)
{
	struct vl_error e = {};

	(void)state;
	assert_int_equal(vl_error_set_invalid_parameter(&e, "priority"), -EINVAL);
	assert_string_equal(e.name, VL_ERROR_INVALID_PARAMETER);
	assert_string_equal(json_string_value(json_object_get(e.parameters, "parameter")), "priority");
	/* Replacing frees the old parameters (ASan/valgrind would tell). */
	assert_int_equal(vl_error_set(&e, -EPERM, VL_ERROR_PERMISSION_DENIED, NULL), -EPERM);
	assert_null(e.parameters);
	vl_error_done(&e);
	assert_null(e.name);
	assert_int_equal(vl_error_set(NULL, -EIO, "a.b.C", json_object()), -EIO);
	assert_string_equal(vl_call_error_to_string(VL_CALL_ONEWAY_AND_MORE), "oneway and more together");
	assert_null(vl_call_error_to_string(_VL_CALL_ERROR_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_call),
		cmocka_unit_test(test_parameters_default_empty),
		cmocka_unit_test(test_parameters_null),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_vendor_extension),
		cmocka_unit_test(test_oneway_and_more),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_invalid_json),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_duplicate_and_missing_method),
		cmocka_unit_test(test_bad_method_name),
		cmocka_unit_test(test_interface_names),
		cmocka_unit_test(test_member_names),
		cmocka_unit_test(test_reply_shapes),
		cmocka_unit_test(test_reply_refusals),
		cmocka_unit_test(test_error_struct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
