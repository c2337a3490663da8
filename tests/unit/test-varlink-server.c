/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: varlink server calls, replies, streaming, errors and
 * org.varlink.service, over real AF_UNIX sockets. The server's sd-event
 * loop runs in this thread and is stepped while a client waits, so every
 * test is deterministic and runs under ASan. The harness is in
 * varlink-test-client.h.
 */
#include "varlink-test-client.h"

/* GetInfo returns the opts' strings and every interface, the service one included. */
static void test_get_info(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r, *p, *ifaces;

	env_start(&env, &default_opts);
	c = client_new(&env);
	r = call(&env, c, get_info);
	assert_non_null(r);
	assert_null(json_object_get(r, "error"));
	assert_null(json_object_get(r, "continues"));
	p = json_object_get(r, "parameters");
	assert_string_equal(json_string_value(json_object_get(p, "vendor")), "xdplink");
	assert_string_equal(json_string_value(json_object_get(p, "product")), "test-varlink-server");
	assert_string_equal(json_string_value(json_object_get(p, "version")), "1");
	assert_string_equal(json_string_value(json_object_get(p, "url")), "https://example.org/xdplink");
	ifaces = json_object_get(p, "interfaces");
	assert_int_equal(json_array_size(ifaces), 2);
	assert_string_equal(json_string_value(json_array_get(ifaces, 0)), "org.varlink.service");
	assert_string_equal(json_string_value(json_array_get(ifaces, 1)), IFACE);
	json_decref(r);

	/* GetInfo takes no parameters. */
	r = call(&env, c, "{\"method\":\"org.varlink.service.GetInfo\",\"parameters\":{\"x\":1}}");
	assert_error(r, VL_ERROR_INVALID_PARAMETER);
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/* GetInterfaceDescription returns the registered text, and names an unknown interface. */
static void test_get_interface_description(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	r = call(&env, c, "{\"method\":\"org.varlink.service.GetInterfaceDescription\","
			  "\"parameters\":{\"interface\":\"" IFACE "\"}}");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "description")), test_description);
	json_decref(r);

	r = call(&env, c, "{\"method\":\"org.varlink.service.GetInterfaceDescription\","
			  "\"parameters\":{\"interface\":\"org.varlink.service\"}}");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r, "parameters"),
								 "description")),
			       "method GetInfo()"));
	json_decref(r);

	r = call(&env, c, "{\"method\":\"org.varlink.service.GetInterfaceDescription\","
			  "\"parameters\":{\"interface\":\"org.example.nope\"}}");
	assert_error(r, VL_ERROR_INTERFACE_NOT_FOUND);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "interface")), "org.example.nope");
	json_decref(r);

	r = call(&env, c, "{\"method\":\"org.varlink.service.GetInterfaceDescription\"}");
	assert_error(r, VL_ERROR_INVALID_PARAMETER);
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/* Three calls in one write come back in order, each once. */
static void test_pipelined_in_order(void **state _unused_)
{
	static const char msgs[] =
		"{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":1}}\0"
		"{\"method\":\"" IFACE ".Count\",\"parameters\":{\"n\":2},\"more\":true}\0"
		"{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":3}}";
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	client_send_raw(&env, c, msgs, sizeof(msgs));
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "id"), 1);
	json_decref(r);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "i"), 0);
	assert_true(json_is_true(json_object_get(r, "continues")));
	json_decref(r);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "i"), 1);
	assert_null(json_object_get(r, "continues"));
	json_decref(r);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "id"), 3);
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/* A oneway call runs and gets no reply; the next reply belongs to the next call. */
static void test_oneway_no_reply(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	client_send(&env, c, "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":1},\"oneway\":true}");
	client_send(&env, c, "{\"method\":\"" IFACE ".Fail\",\"parameters\":{\"errno\":5},\"oneway\":true}");
	r = call(&env, c, "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":2}}");
	assert_int_equal(int_param(r, "id"), 2);
	json_decref(r);
	assert_int_equal(env.oneway_seen, 1);
	pump_for(&env, 60);
	assert_int_equal(recv(c->fd, c->buf, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	client_free(c);
	env_stop(&env);
}

/* "more": continues:true on all but the last reply. */
static void test_more_streaming(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	client_send(&env, c, "{\"method\":\"" IFACE ".Count\",\"parameters\":{\"n\":4},\"more\":true}");
	for (int i = 0; i < 4; i++) {
		r = client_recv(&env, c);
		assert_int_equal(int_param(r, "i"), i);
		assert_int_equal(json_is_true(json_object_get(r, "continues")), i < 3);
		json_decref(r);
	}
	assert_serving(&env);
	client_free(c);
	env_stop(&env);
}

/* A stream answered later, from outside the handler, and held past the idle timeout. */
static void test_more_async(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct env env;
	struct client *c;
	json_t *r;

	o.idle_timeout_usec = 100000;
	env_start(&env, &o);
	c = client_new(&env);
	client_send(&env, c, "{\"method\":\"" IFACE ".Hold\",\"more\":true}");
	client_send(&env, c, "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":7}}");
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "i"), 0);
	json_decref(r);
	assert_non_null(env.held);

	/* Quiet for longer than the idle timeout, but a stream is open: not idle. */
	pump_for(&env, 300);
	assert_true(vl_link_is_connected(env.held));
	/* The pipelined Echo waits behind the open stream. */
	assert_int_equal(recv(c->fd, c->buf, 1, MSG_DONTWAIT), -1);

	assert_int_equal(vl_link_reply_more(env.held, json_pack("{s:i}", "i", 1)), 0);
	assert_int_equal(vl_link_reply(env.held, json_pack("{s:i}", "i", 2)), 0);
	assert_int_equal(vl_link_reply(env.held, NULL), -EALREADY);
	for (int i = 1; i <= 2; i++) {
		r = client_recv(&env, c);
		assert_int_equal(int_param(r, "i"), i);
		json_decref(r);
	}
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "id"), 7);
	json_decref(r);

	client_free(c);
	pump_for(&env, 40);
	assert_false(vl_link_is_connected(env.held));
	assert_int_equal(vl_link_reply(env.held, NULL), -ENOTCONN);
	env_stop(&env);
}

/* A stream-only method called plainly: ExpectedMore, and the connection lives on. */
static void test_expected_more(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	r = call(&env, c, "{\"method\":\"" IFACE ".Count\",\"parameters\":{\"n\":2}}");
	assert_error(r, VL_ERROR_EXPECTED_MORE);
	json_decref(r);
	assert_get_info_ok(&env, c);
	client_free(c);
	env_stop(&env);
}

/* Unknown method of a known interface, unknown interface, declared-only, bad name. */
static void test_unknown_method_interface(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	r = call(&env, c, "{\"method\":\"" IFACE ".Nope\"}");
	assert_error(r, VL_ERROR_METHOD_NOT_FOUND);
	json_decref(r);
	r = call(&env, c, "{\"method\":\"org.varlink.service.Nope\"}");
	assert_error(r, VL_ERROR_METHOD_NOT_FOUND);
	json_decref(r);
	r = call(&env, c, "{\"method\":\"org.example.other.Echo\"}");
	assert_error(r, VL_ERROR_INTERFACE_NOT_FOUND);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "interface")), "org.example.other");
	json_decref(r);
	r = call(&env, c, "{\"method\":\"" IFACE ".Declared\"}");
	assert_error(r, VL_ERROR_METHOD_NOT_IMPLEMENTED);
	json_decref(r);
	r = call(&env, c, "{\"method\":\"nodots\"}");
	assert_error(r, VL_ERROR_INVALID_PARAMETER);
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/* Handler errnos: named where varlink has a name, io.xdplink.System otherwise. */
static void test_handler_errno(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	r = call(&env, c, "{\"method\":\"" IFACE ".Fail\",\"parameters\":{\"errno\":1}}");
	assert_error(r, VL_ERROR_PERMISSION_DENIED);
	json_decref(r);
	r = call(&env, c, "{\"method\":\"" IFACE ".Fail\",\"parameters\":{\"errno\":22}}");
	assert_error(r, VL_ERROR_INVALID_PARAMETER);
	json_decref(r);
	r = call(&env, c, "{\"method\":\"" IFACE ".Fail\",\"parameters\":{\"errno\":95}}");
	assert_error(r, VL_ERROR_METHOD_NOT_IMPLEMENTED);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "method")), IFACE ".Fail");
	json_decref(r);
	r = call(&env, c, "{\"method\":\"" IFACE ".Fail\",\"parameters\":{\"errno\":5}}");
	assert_error(r, VL_ERROR_SYSTEM);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "errnoName")), "EIO");
	json_decref(r);
	/* A table rejects a parameter: InvalidParameter names it. */
	r = call(&env, c, "{\"method\":\"" IFACE ".Count\",\"parameters\":{\"n\":\"x\"},\"more\":true}");
	assert_error(r, VL_ERROR_INVALID_PARAMETER);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "parameter")), "n");
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/* Peer credentials reach the handler. */
static void test_peer_credentials(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	r = call(&env, c, "{\"method\":\"" IFACE ".WhoAmI\"}");
	assert_int_equal(int_param(r, "uid"), getuid());
	assert_int_equal(int_param(r, "pid"), getpid());
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_info),
		cmocka_unit_test(test_get_interface_description),
		cmocka_unit_test(test_pipelined_in_order),
		cmocka_unit_test(test_oneway_no_reply),
		cmocka_unit_test(test_more_streaming),
		cmocka_unit_test(test_more_async),
		cmocka_unit_test(test_expected_more),
		cmocka_unit_test(test_unknown_method_interface),
		cmocka_unit_test(test_handler_errno),
		cmocka_unit_test(test_peer_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
