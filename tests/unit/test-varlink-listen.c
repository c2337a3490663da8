/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: varlink server listening sockets, accepting and the
 * connection limits, over real AF_UNIX sockets. The harness is in
 * varlink-test-client.h.
 */
#include "varlink-test-client.h"

/* The per-uid limit turns away one connection too many; others are unaffected. */
static void test_per_uid_limit(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct client *c[3];
	struct env env;

	if (geteuid() != 0)
		skip();
	o.max_connections_per_uid = 2;
	env_start(&env, &o);
	for (int i = 0; i < 3; i++)
		c[i] = client_new_as(&env, 4700);
	pump(&env);
	assert_int_equal(vl_server_connections(env.server), 2);
	assert_closed(&env, c[2]);
	for (int i = 0; i < 2; i++) {
		assert_get_info_ok(&env, c[i]);
	}
	/* A slot freed is a slot usable. */
	client_free(c[0]);
	pump_for(&env, 40);
	assert_int_equal(vl_server_connections(env.server), 1);
	assert_serving(&env);
	client_free(c[1]);
	client_free(c[2]);
	env_stop(&env);
}

/* The total limit, independent of uid. */
static void test_total_limit(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct client *c[4];
	struct env env;

	o.max_connections = 3;
	env_start(&env, &o);
	for (int i = 0; i < 4; i++)
		c[i] = client_new(&env);
	pump(&env);
	assert_int_equal(vl_server_connections(env.server), 3);
	assert_closed(&env, c[3]);
	for (int i = 0; i < 4; i++)
		client_free(c[i]);
	env_stop(&env);
}

/* Uids other than 0 leave the reserve free; root may use it, and has no per-uid limit. */
static void test_root_reserve(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct client *c[6];
	struct env env;

	if (geteuid() != 0)
		skip();
	o.max_connections = 5;
	o.max_connections_per_uid = 1;
	o.reserved_connections = 2;
	env_start(&env, &o);
	c[0] = client_new_as(&env, 4700);
	c[1] = client_new_as(&env, 4701);
	c[2] = client_new_as(&env, 4702);
	c[3] = client_new_as(&env, 4703);
	pump(&env);
	assert_int_equal(vl_server_connections(env.server), 3);
	assert_closed(&env, c[3]);
	c[4] = client_new(&env);
	c[5] = client_new(&env);
	pump(&env);
	assert_int_equal(vl_server_connections(env.server), 5);
	assert_get_info_ok(&env, c[4]);
	assert_get_info_ok(&env, c[5]);
	for (int i = 0; i < 6; i++)
		client_free(c[i]);
	env_stop(&env);
}

/* The listening side: stale sockets are replaced, other files are not; fds are accepted. */
static void test_listen(void **state _unused_)
{
	struct vl_server_opts bad = { .sz = sizeof(bad) + 8 };
	struct vl_server *s = NULL;
	char buf[sizeof(bad) + 8] = {};
	char path[160];
	struct env env;
	int fds[2];

	env_start(&env, &default_opts);
	/* The path now holds a socket: a second server replaces it. */
	assert_int_equal(vl_server_new(&s, NULL), 0);
	assert_int_equal(vl_server_listen_address(s, env.path, 0600), 0);
	/* "" is no interface description at all: the grammar refuses it. */
	assert_int_equal(vl_server_add_methods(s, IFACE, "", test_methods, NULL), -EINVAL);
	assert_int_equal(vl_server_add_methods(s, IFACE, test_description, test_methods, NULL), 0);
	assert_int_equal(vl_server_add_methods(s, IFACE, test_description, test_methods, NULL),
			 -EEXIST);
	assert_int_equal(vl_server_add_methods(s, "org.other", "", test_methods, NULL), -EINVAL);
	assert_int_equal(vl_server_add_methods(s, "org.varlink.service", "", test_methods, NULL), -EEXIST);
	s = vl_server_free(s);

	snprintf(path, sizeof(path), "%s/regular", env.dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(vl_server_new(&s, NULL), 0);
	assert_int_equal(vl_server_listen_address(s, path, 0600), -EEXIST);
	assert_int_equal(vl_server_listen_fd(s, -1), -EBADF);
	/* A connected socket is not a listener. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(vl_server_listen_fd(s, fds[0]), -EINVAL);
	close(fds[0]);
	close(fds[1]);
	s = vl_server_free(s);
	unlink(path);

	/* Unknown trailing opts must be zero. */
	memcpy(buf, &bad, sizeof(bad));
	assert_int_equal(vl_server_new(&s, (struct vl_server_opts *)buf), 0);
	s = vl_server_free(s);
	buf[sizeof(bad) + 3] = 1;
	assert_int_equal(vl_server_new(&s, (struct vl_server_opts *)buf), -E2BIG);
	env_stop(&env);
}

/* A listening fd handed in, as sd_listen_fds() would, is served like our own socket. */
static void test_listen_fd(void **state _unused_)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct env env;
	struct client *c;
	json_t *r;
	int fd;

	env_start(&env, &default_opts);
	/* Move the server's socket path aside and serve a second, external socket there. */
	assert_true(strlen(env.path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, env.path);
	assert_int_equal(unlink(env.path), 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(vl_server_listen_fd(env.server, fd), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);

	c = client_new(&env);
	r = call(&env, c, "{\"method\":\"" IFACE ".Declared\"}");
	assert_error(r, VL_ERROR_METHOD_NOT_IMPLEMENTED);
	json_decref(r);
	assert_get_info_ok(&env, c);
	client_free(c);
	env_stop(&env);
}

/* Out of fds, the server rests its listener instead of spinning, then accepts again. */
static void test_accept_out_of_fds(void **state _unused_)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct rlimit saved, low;
	struct env env;
	struct client c = {};
	json_t *r;
	int probe;

	env_start(&env, &default_opts);
	assert_true(strlen(env.path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, env.path);
	c.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(c.fd >= 0);

	/* No fd left for accept(): the lowest free one is the limit. */
	probe = dup(0);
	assert_true(probe >= 0);
	close(probe);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = (rlim_t)probe;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);

	assert_int_equal(connect(c.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_true(sd_event_run(env.event, STEP_USEC) > 0);   /* accept fails */
	/* A spinning listener would be dispatched again on every step. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(sd_event_run(env.event, STEP_USEC), 0);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_int_equal(vl_server_connections(env.server), 0);

	r = call(&env, &c, get_info);   /* accepted once the pause is over */
	assert_non_null(r);
	assert_null(json_object_get(r, "error"));
	json_decref(r);
	close(c.fd);
	env_stop(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_uid_limit),
		cmocka_unit_test(test_root_reserve),
		cmocka_unit_test(test_total_limit),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_listen_fd),
		cmocka_unit_test(test_accept_out_of_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
