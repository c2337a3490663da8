/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the per-uid limits on bytes buffered in and out, and the
 * peer check at connect (issue 12). Peers other than root connect with
 * another effective uid (client_new_as), so the suite needs root.
 */
#include "varlink-test-client.h"

static int refuse_4700(int fd _unused_, const struct ucred *peer, char *why, size_t whylen,
		       void *userdata _unused_)
{
	if (peer->uid != 4700)
		return 0;
	snprintf(why, whylen, "uid 4700 may not");
	return -EPERM;
}

/* A refused peer gets PermissionDenied for its first call and the end, root is served. */
static void test_refused_at_connect(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct client *c, *ok;
	struct env env;
	json_t *r;

	if (geteuid() != 0)
		skip();
	o.check_peer = refuse_4700;
	env_start(&env, &o);
	c = client_new_as(&env, 4700);
	ok = client_new_as(&env, 4701);
	assert_int_equal(vl_server_connections(env.server), 1);
	client_send(&env, c, get_info);
	r = client_recv(&env, c);
	assert_error(r, VL_ERROR_PERMISSION_DENIED);
	json_decref(r);
	assert_closed(&env, c);
	assert_get_info_ok(&env, ok);
	assert_serving(&env);
	client_free(c);
	client_free(ok);
	env_stop(&env);
}

/* Unfinished input over the uid's limit closes the connection; root's is not limited. */
static void test_input_per_uid(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	static char junk[96 * 1024];
	struct client *a, *b, *root;
	struct env env;

	if (geteuid() != 0)
		skip();
	memset(junk, ' ', sizeof(junk));
	o.max_input_per_uid = 128 * 1024;
	env_start(&env, &o);
	a = client_new_as(&env, 4700);
	b = client_new_as(&env, 4700);
	root = client_new(&env);
	client_send_raw(&env, a, junk, sizeof(junk));
	pump_for(&env, 400);
	assert_int_equal(vl_server_connections(env.server), 3);
	/* Together over 128 KiB: the one whose read went over goes. */
	client_send_raw(&env, b, junk, sizeof(junk));
	pump_for(&env, 400);
	assert_int_equal(vl_server_connections(env.server), 2);
	client_send_raw(&env, root, junk, sizeof(junk));
	client_send_raw(&env, root, junk, sizeof(junk));
	pump_for(&env, 400);
	assert_int_equal(vl_server_connections(env.server), 2);
	client_free(a);
	client_free(b);
	client_free(root);
	env_stop(&env);
}

/* Users together are limited too: two uids each under their limit, over the total. */
static void test_input_all_users(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	static char junk[96 * 1024];
	struct client *a, *b;
	struct env env;

	if (geteuid() != 0)
		skip();
	memset(junk, ' ', sizeof(junk));
	o.max_input_per_uid = 128 * 1024;
	o.max_input = 160 * 1024;
	env_start(&env, &o);
	a = client_new_as(&env, 4700);
	b = client_new_as(&env, 4701);
	client_send_raw(&env, a, junk, sizeof(junk));
	pump_for(&env, 400);
	assert_int_equal(vl_server_connections(env.server), 2);
	client_send_raw(&env, b, junk, sizeof(junk));
	pump_for(&env, 400);
	assert_int_equal(vl_server_connections(env.server), 1);
	client_free(a);
	client_free(b);
	env_stop(&env);
}

/* A stream the peer does not read is dropped at the uid's output limit, not the connection's. */
static void test_output_per_uid(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct client *slow, *root;
	struct env env;

	if (geteuid() != 0)
		skip();
	o.max_output_per_uid = 512 * 1024;
	env_start(&env, &o);
	slow = client_new_as(&env, 4700);
	root = client_new(&env);
	/* 64 × 128 KiB: beyond the socket buffer and the limit, far below write_queue_max. */
	client_send(&env, slow, "{\"method\":\"" IFACE ".Flood\",\"parameters\":{\"n\":64,\"size\":131072},\"more\":true}");
	pump_for(&env, 40);
	assert_int_equal(env.flood_result, -ENOBUFS);
	assert_int_equal(vl_server_connections(env.server), 1);
	/* Root's own unread stream of the same size stays. */
	client_send(&env, root, "{\"method\":\"" IFACE ".Flood\",\"parameters\":{\"n\":64,\"size\":131072},\"more\":true}");
	pump_for(&env, 40);
	assert_int_equal(env.flood_result, 0);
	assert_int_equal(vl_server_connections(env.server), 1);
	client_free(slow);
	client_free(root);
	env_stop(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_at_connect),
		cmocka_unit_test(test_input_per_uid),
		cmocka_unit_test(test_input_all_users),
		cmocka_unit_test(test_output_per_uid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
