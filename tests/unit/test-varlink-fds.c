/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: fds passed to the varlink server with SCM_RIGHTS -- which
 * call they belong to (pipelined calls included), borrowing and taking
 * them, closing the rest, and dropping peers that send fds where none may
 * go. Real AF_UNIX sockets; the harness is in varlink-test-client.h.
 */
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <time.h>

#include "varlink-test-client.h"

static const char fds_call[] = "{\"method\":\"" IFACE ".Fds\"}";

static const struct vl_server_opts fd_opts = {
	.sz = sizeof(fd_opts),
	.product = "test-varlink-fds",
	.allow_fd_passing = true,
};

/* A pipe whose read end holds text; the write end is closed unless ret_w. */
static int pipe_with(const char *text, int *ret_w)
{
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	if (ret_w)
		*ret_w = p[1];
	else
		close(p[1]);
	return p[0];
}

/* Every write end of the pipe whose read end is r is closed: EOF, not EAGAIN. */
/* Peers' fds are closed on a closer thread (vl-closer.c): wait for it, up to 2 s. */
static bool writers_gone(int r)
{
	struct pollfd p = { .fd = r, .events = POLLIN };
	char c;

	return poll(&p, 1, 2000) == 1 && read(r, &c, 1) == 0;
}

static const char *text_of(json_t *reply)
{
	return json_string_value(json_object_get(json_object_get(reply, "parameters"), "text"));
}

/* The fds reach the call, close-on-exec, readable through vl_link_peek_fd(). */
static void test_fds_reach_call(void **state _unused_)
{
	struct env env;
	struct client *c;
	int fds[2];
	json_t *r;

	env_start(&env, &fd_opts);
	c = client_new(&env);
	fds[0] = pipe_with("one", NULL);
	fds[1] = pipe_with("two", NULL);
	client_send_fds(c, fds_call, fds, 2);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 2);
	assert_true(json_is_true(json_object_get(json_object_get(r, "parameters"), "cloexec")));
	assert_string_equal(text_of(r), "one");
	json_decref(r);

	/* The next call on the connection has none. */
	r = call(&env, c, fds_call);
	assert_int_equal(int_param(r, "n"), 0);
	json_decref(r);
	close(fds[0]);
	close(fds[1]);
	client_free(c);
	env_stop(&env);
}

/* Fds the handler did not take are closed with the final reply. */
static void test_fds_closed_after_reply(void **state _unused_)
{
	struct env env;
	struct client *c;
	int rd, wr;
	json_t *r;

	env_start(&env, &fd_opts);
	c = client_new(&env);
	rd = pipe_with("", &wr);
	client_send_fds(c, fds_call, &wr, 1);
	close(wr);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 1);
	json_decref(r);
	assert_true(writers_gone(rd));
	close(rd);
	client_free(c);
	env_stop(&env);
}

/*
 * A call held open keeps its fds: peek lends, take hands over (and the
 * slot is empty after), indexes past the end are -ENXIO; the final reply
 * closes what was not taken.
 */
static void test_fds_peek_take(void **state _unused_)
{
	struct env env;
	struct client *c;
	int rd[2], wr[2], fd;
	json_t *r;

	env_start(&env, &fd_opts);
	c = client_new(&env);
	rd[0] = pipe_with("", &wr[0]);
	rd[1] = pipe_with("", &wr[1]);
	client_send_fds(c, "{\"method\":\"" IFACE ".Hold\",\"more\":true}", wr, 2);
	close(wr[0]);
	close(wr[1]);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "i"), 0);
	json_decref(r);

	assert_non_null(env.held);
	assert_int_equal(vl_link_n_fds(env.held), 2);
	assert_true(vl_link_peek_fd(env.held, 0) >= 0);
	assert_int_equal(vl_link_peek_fd(env.held, 2), -ENXIO);
	assert_int_equal(vl_link_take_fd(env.held, 2), -ENXIO);
	fd = vl_link_take_fd(env.held, 1);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(vl_link_peek_fd(env.held, 1), -EBADF);
	assert_int_equal(vl_link_take_fd(env.held, 1), -EBADF);
	assert_int_equal(vl_link_n_fds(env.held), 2);
	assert_false(writers_gone(rd[0]));

	assert_int_equal(vl_link_reply(env.held, NULL), 0);
	assert_int_equal(vl_link_n_fds(env.held), 0);
	assert_int_equal(vl_link_peek_fd(env.held, 0), -ENXIO);
	assert_true(writers_gone(rd[0]));
	/* The taken one is ours now. */
	assert_false(writers_gone(rd[1]));
	close(fd);
	assert_true(writers_gone(rd[1]));
	close(rd[0]);
	close(rd[1]);
	client_free(c);
	env_stop(&env);
}

/*
 * Pipelined calls sent before the server reads any: the kernel hands a
 * call without fds and the next one with fds to a single read, yet each
 * call gets exactly the fds sent with its first byte.
 */
static void test_fds_pipelined(void **state _unused_)
{
	static const char two[] = "{\"method\":\"" IFACE ".Fds\"}\0{\"method\":\"" IFACE ".Fds\"}";
	struct env env;
	struct client *c;
	int a, b;
	json_t *r;

	env_start(&env, &fd_opts);
	c = client_new(&env);

	/* None, then one. */
	b = pipe_with("B", NULL);
	client_send_fds(c, fds_call, NULL, 0);
	client_send_fds(c, fds_call, &b, 1);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 0);
	json_decref(r);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 1);
	assert_string_equal(text_of(r), "B");
	json_decref(r);
	close(b);

	/* One each, then none. */
	a = pipe_with("A", NULL);
	b = pipe_with("B", NULL);
	client_send_fds(c, fds_call, &a, 1);
	client_send_fds(c, fds_call, &b, 1);
	client_send_fds(c, fds_call, NULL, 0);
	r = client_recv(&env, c);
	assert_string_equal(text_of(r), "A");
	json_decref(r);
	r = client_recv(&env, c);
	assert_string_equal(text_of(r), "B");
	json_decref(r);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 0);
	json_decref(r);
	close(a);
	close(b);

	/* Two calls in one write: the fds ride the first one's first byte. */
	a = pipe_with("A", NULL);
	assert_int_equal(send_with_fds(c->fd, two, sizeof(two), &a, 1), (ssize_t)sizeof(two));
	r = client_recv(&env, c);
	assert_string_equal(text_of(r), "A");
	json_decref(r);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 0);
	json_decref(r);
	close(a);

	assert_int_equal(env.fds_seen, 4);
	client_free(c);
	env_stop(&env);
}

/* A server that takes no fds drops a peer that sends some, and closes them. */
static void test_fds_refused(void **state _unused_)
{
	struct env env;
	struct client *c;
	int rd, wr;

	env_start(&env, &default_opts);
	c = client_new(&env);
	rd = pipe_with("", &wr);
	client_send_fds(c, fds_call, &wr, 1);
	close(wr);
	assert_closed(&env, c);
	assert_true(writers_gone(rd));
	assert_int_equal(env.fds_seen, 0);
	client_free(c);
	assert_serving(&env);
	close(rd);
	env_stop(&env);
}

/* Fds on a byte other than a call's first: dropped, fds closed. */
static void test_fds_mid_message(void **state _unused_)
{
	struct env env;
	struct client *c;
	int rd, wr;

	env_start(&env, &fd_opts);
	c = client_new(&env);
	rd = pipe_with("", &wr);
	client_send_raw(&env, c, "{\"method\":", 10);
	pump(&env);
	client_send_fds(c, "\"" IFACE ".Fds\"}", &wr, 1);
	close(wr);
	assert_closed(&env, c);
	assert_true(writers_gone(rd));
	assert_int_equal(env.fds_seen, 0);
	client_free(c);
	close(rd);
	assert_serving(&env);
	env_stop(&env);
}

/* With files_only a pipe is refused (System EBADF) and closed; a regular file goes through. */
static void test_fds_not_regular(void **state _unused_)
{
	struct vl_server_opts o = fd_opts;
	struct env env;
	struct client *c;
	int rd, wr, mfd;
	json_t *r;

	o.files_only = true;
	env_start(&env, &o);
	c = client_new(&env);
	rd = pipe_with("", &wr);
	client_send_fds(c, fds_call, &wr, 1);
	close(wr);
	r = client_recv(&env, c);
	assert_error(r, VL_ERROR_SYSTEM);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "errnoName")), "EBADF");
	json_decref(r);
	assert_true(writers_gone(rd));
	assert_int_equal(env.fds_seen, 0);
	mfd = memfd_create("regular", MFD_CLOEXEC);
	assert_true(mfd >= 0);
	client_send_fds(c, fds_call, &mfd, 1);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 1);
	json_decref(r);
	close(mfd);
	close(rd);
	client_free(c);
	env_stop(&env);
}

/*
 * A loopback TCP socket whose close would linger 30 s: a full send queue
 * that the other end (kept open, never read) cannot take, SO_LINGER on.
 * The listener and the accepted end go to keep[].
 */
static int lingering_socket(int keep[2])
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { .l_onoff = 1, .l_linger = 30 };
	socklen_t sl = sizeof(sa);
	static char chunk[65536];
	int small = 4096, fd;

	keep[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(keep[0] >= 0);
	(void)setsockopt(keep[0], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	assert_int_equal(bind(keep[0], (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(keep[0], 1), 0);
	assert_int_equal(getsockname(keep[0], (struct sockaddr *)&sa, &sl), 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	keep[1] = accept4(keep[0], NULL, NULL, SOCK_CLOEXEC);
	assert_true(keep[1] >= 0);
	while (send(fd, chunk, sizeof(chunk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	return fd;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Issue 12, S1: the daemon's close() of such a socket blocked its event
 * loop for the linger time. Refused (files_only) or not taken, it is
 * closed off the loop: answered at once, the server goes on serving.
 */
static void test_fds_lingering_socket(void **state _unused_)
{
	const bool files_only[] = { true, false };

	for (size_t i = 0; i < ELEMENTSOF(files_only); i++) {
		struct vl_server_opts o = fd_opts;
		struct client *c;
		struct env env;
		int keep[2], tcp;
		uint64_t t;
		json_t *r;

		o.files_only = files_only[i];
		env_start(&env, &o);
		c = client_new(&env);
		tcp = lingering_socket(keep);
		client_send_fds(c, fds_call, &tcp, 1);
		close(tcp);	/* the server's copy is the last */
		t = mono_ms();
		r = client_recv(&env, c);
		if (files_only[i]) {
			assert_error(r, VL_ERROR_SYSTEM);
		} else {
			assert_int_equal(int_param(r, "n"), 1);
		}
		json_decref(r);
		assert_get_info_ok(&env, c);
		assert_serving(&env);
		assert_true(mono_ms() - t < 1000);
		client_free(c);
		env_stop(&env);
		close(keep[1]);
		close(keep[0]);
	}
}

/* Over the per-uid limit on fds in flight the call is refused (System EMFILE); under it, not. */
static void test_fds_per_uid_limit(void **state _unused_)
{
	struct vl_server_opts o = fd_opts;
	struct env env;
	struct client *c;
	int rd[3], wr[3];
	json_t *r;

	if (geteuid() != 0)
		skip();
	o.max_fds_per_uid = 2;
	env_start(&env, &o);
	c = client_new_as(&env, 4700);
	for (int i = 0; i < 3; i++)
		rd[i] = pipe_with("", &wr[i]);
	client_send_fds(c, fds_call, wr, 3);
	r = client_recv(&env, c);
	assert_error(r, VL_ERROR_SYSTEM);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
							      "errnoName")), "EMFILE");
	json_decref(r);
	client_send_fds(c, fds_call, wr, 2);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), 2);
	json_decref(r);
	for (int i = 0; i < 3; i++) {
		close(wr[i]);
		assert_true(writers_gone(rd[i]));
		close(rd[i]);
	}
	assert_int_equal(vl_server_fds_in_flight(env.server), 0);
	client_free(c);
	env_stop(&env);
}

/* The most one message can carry (SCM_MAX_FD) all reach the call. */
static void test_fds_max(void **state _unused_)
{
	int fds[VL_FDS_MAX + 1];
	struct env env;
	struct client *c;
	json_t *r;
	int rd, wr;

	env_start(&env, &fd_opts);
	c = client_new(&env);
	rd = pipe_with("x", &wr);
	for (size_t i = 0; i < ELEMENTSOF(fds); i++)
		fds[i] = rd;   /* the same fd many times: the kernel dups each */
	client_send_fds(c, fds_call, fds, VL_FDS_MAX);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "n"), VL_FDS_MAX);
	assert_string_equal(text_of(r), "x");
	json_decref(r);
	/* One more than the kernel passes is refused at the sender. */
	assert_int_equal(send_with_fds(c->fd, fds_call, sizeof(fds_call), fds, VL_FDS_MAX + 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_get_info_ok(&env, c);
	close(wr);
	close(rd);
	client_free(c);
	env_stop(&env);
}

/* Out of fds while receiving (MSG_CTRUNC): the call cannot be whole, dropped. */
static void test_fds_truncated(void **state _unused_)
{
	struct rlimit old, low;
	int fds[16], probe;
	struct env env;
	struct client *c;
	int rd, wr;

	env_start(&env, &fd_opts);
	c = client_new(&env);
	rd = pipe_with("", &wr);
	for (size_t i = 0; i < ELEMENTSOF(fds); i++)
		fds[i] = wr;
	client_send_fds(c, fds_call, fds, ELEMENTSOF(fds));
	close(wr);

	/* Room for a few of the sixteen only. */
	probe = dup(0);
	assert_true(probe >= 0);
	close(probe);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)probe + 4;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	pump(&env);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);

	assert_closed(&env, c);
	assert_true(writers_gone(rd));
	assert_int_equal(env.fds_seen, 0);
	client_free(c);
	close(rd);
	assert_serving(&env);
	env_stop(&env);
}

/* A link that dies with a call open closes that call's fds. */
static void test_fds_closed_with_link(void **state _unused_)
{
	struct env env;
	struct client *c;
	int rd, wr;
	json_t *r;

	env_start(&env, &fd_opts);
	c = client_new(&env);
	rd = pipe_with("", &wr);
	client_send_fds(c, "{\"method\":\"" IFACE ".Hold\",\"more\":true}", &wr, 1);
	close(wr);
	r = client_recv(&env, c);
	json_decref(r);
	assert_false(writers_gone(rd));
	client_free(c);
	pump_for(&env, 40);
	assert_false(vl_link_is_connected(env.held));
	assert_int_equal(vl_link_n_fds(env.held), 0);
	assert_true(writers_gone(rd));
	close(rd);
	env_stop(&env);
}

/*
 * Oneway calls with fds sent just before hanging up still run, each with
 * its own fds, and nothing stays open.
 */
static void test_fds_oneway_then_hangup(void **state _unused_)
{
	static const char oneway[] = "{\"method\":\"" IFACE ".Fds\",\"oneway\":true}";
	struct env env;
	struct client *c;
	int rd, wr[3];

	env_start(&env, &fd_opts);
	c = client_new(&env);
	rd = pipe_with("", &wr[0]);
	wr[1] = dup(wr[0]);
	wr[2] = dup(wr[0]);
	client_send_fds(c, oneway, wr, 1);
	client_send_fds(c, oneway, wr + 1, 2);
	for (int i = 0; i < 3; i++)
		close(wr[i]);
	client_free(c);
	pump_for(&env, 40);
	assert_int_equal(env.fds_seen, 3);
	assert_int_equal(vl_server_connections(env.server), 0);
	assert_true(writers_gone(rd));
	close(rd);
	env_stop(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fds_reach_call),
		cmocka_unit_test(test_fds_closed_after_reply),
		cmocka_unit_test(test_fds_peek_take),
		cmocka_unit_test(test_fds_pipelined),
		cmocka_unit_test(test_fds_refused),
		cmocka_unit_test(test_fds_mid_message),
		cmocka_unit_test(test_fds_max),
		cmocka_unit_test(test_fds_not_regular),
		cmocka_unit_test(test_fds_lingering_socket),
		cmocka_unit_test(test_fds_per_uid_limit),
		cmocka_unit_test(test_fds_truncated),
		cmocka_unit_test(test_fds_closed_with_link),
		cmocka_unit_test(test_fds_oneway_then_hangup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
