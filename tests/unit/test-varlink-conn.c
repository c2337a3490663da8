/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: varlink server connections -- framing, protocol violations,
 * oversize input, idle timeout and back-pressure -- over real AF_UNIX
 * sockets. The harness is in varlink-test-client.h.
 */
#include <syslog.h>

#include "varlink-test-client.h"

/* A call arriving one byte per write, with the server running between bytes. */
static void test_split_byte_by_byte(void **state _unused_)
{
	static const char msg[] = "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":42}}";
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	for (size_t i = 0; i < sizeof(msg); i++) {   /* the NUL too */
		client_send_raw(&env, c, &msg[i], 1);
		pump(&env);
		if (i + 1 < sizeof(msg))
			assert_int_equal(recv(c->fd, c->buf, 1, MSG_DONTWAIT | MSG_PEEK), -1);
	}
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "id"), 42);
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/* What the server told its log callback, one line per call. */
struct log_capture {
	char text[8192];
	size_t len;
	unsigned n_debug;
};

static void capture_log(int level, const char *message, void *userdata)
{
	struct log_capture *lc = userdata;
	int k = snprintf(lc->text + lc->len, sizeof(lc->text) - lc->len, "%s\n", message);

	if (k > 0 && lc->len + (size_t)k < sizeof(lc->text))
		lc->len += (size_t)k;
	lc->n_debug += level == LOG_DEBUG;
}

/*
 * Bytes that are not one JSON object, and calls whose "oneway" leaves no
 * right answer, hang up; the server says why at debug level and serves
 * the next client.
 */
static void test_violations_close(void **state _unused_)
{
	static const char *const bad[] = {
		"{\"method\":",                                           /* invalid JSON */
		"[1,2]",                                                  /* not an object */
		"{\"method\":\"" IFACE ".Echo\",\"oneway\":true,\"more\":true}",
		"{\"method\":\"" IFACE ".Echo\",\"oneway\":\"yes\"}",      /* reply or not? */
		"{\"method\":\"" IFACE ".Echo\",\"method\":\"" IFACE ".Echo\"}",
	};
	static const char *const why[] = {
		"invalid JSON", "message is not a JSON object", "oneway and more together",
		"call key of the wrong type", "duplicate key",
	};
	struct log_capture lc = {};
	struct vl_server_opts opts = default_opts;
	struct env env;

	opts.log = capture_log;
	opts.log_userdata = &lc;
	env_start(&env, &opts);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct client *c = client_new(&env);
		char expect[128];

		client_send(&env, c, bad[i]);
		assert_closed(&env, c);
		client_free(c);
		snprintf(expect, sizeof(expect), "uid %u: %s", (unsigned)getuid(), why[i]);
		if (!strstr(lc.text, expect))
			fail_msg("no log line \"%s\" in:\n%s", expect, lc.text);
		assert_serving(&env);
	}
	/* Invalid UTF-8. */
	{
		struct client *c = client_new(&env);

		client_send(&env, c, "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":\"\xff\"}}");
		assert_closed(&env, c);
		client_free(c);
		assert_non_null(strstr(lc.text, "invalid UTF-8, closing the connection"));
	}
	assert_true(lc.n_debug >= ELEMENTSOF(bad) + 1);
	pump(&env);
	assert_int_equal(vl_server_connections(env.server), 0);
	env_stop(&env);
}

/*
 * A call with a method to answer gets InvalidParameter naming what is
 * wrong, logged at debug level, and the connection goes on; a oneway one
 * gets nothing, and the next call's reply is the next one read.
 */
static void test_violations_answered(void **state _unused_)
{
	static const struct {
		const char *call, *parameter;
	} cases[] = {
		{ "{\"method\":\"" IFACE ".Echo\",\"extra\":1}", "extra" },
		{ "{\"method\":42}", "method" },
		{ "{\"parameters\":{}}", "method" },
		{ "{\"method\":\"" IFACE ".Echo\",\"parameters\":[]}", "parameters" },
		{ "{\"method\":\"" IFACE ".Echo\",\"more\":\"yes\"}", "more" },
		{ "{\"method\":\"" IFACE ".Echo\",\"continues\":true}", "continues" },
	};
	struct log_capture lc = {};
	struct vl_server_opts opts = default_opts;
	struct env env;
	struct client *c;
	json_t *r;

	opts.log = capture_log;
	opts.log_userdata = &lc;
	env_start(&env, &opts);
	c = client_new(&env);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		r = call(&env, c, cases[i].call);
		assert_error(r, VL_ERROR_INVALID_PARAMETER);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r, "parameters"),
								      "parameter")), cases[i].parameter);
		json_decref(r);
		assert_get_info_ok(&env, c);
	}
	assert_non_null(strstr(lc.text, "unknown key in call: org.varlink.service.InvalidParameter "
				       "{\"parameter\":\"extra\"}"));
	assert_int_equal(lc.n_debug, ELEMENTSOF(cases));

	/* oneway: not run, not answered; the GetInfo reply comes first. */
	client_send(&env, c, "{\"method\":\"" IFACE ".Echo\",\"oneway\":true,\"extra\":1}");
	assert_get_info_ok(&env, c);
	assert_int_equal(env.oneway_seen, 0);
	assert_non_null(strstr(lc.text, "(oneway: not sent)"));

	/* Vendor extensions are ignored, null parameters are none. */
	r = call(&env, c, "{\"method\":\"" IFACE ".Echo\",\"org.example\":{\"x\":1}}");
	assert_null(json_object_get(r, "error"));
	json_decref(r);
	r = call(&env, c, "{\"method\":\"org.varlink.service.GetInfo\",\"parameters\":null}");
	assert_non_null(r);
	assert_null(json_object_get(r, "error"));
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/* A message over the limit, with or without its NUL, hangs up. */
static void test_oversize_closes(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	size_t n = 8192;
	char *big = malloc(n + 64);
	struct env env;
	struct client *c;
	json_t *r;

	assert_non_null(big);
	o.message_max = 4096;
	env_start(&env, &o);

	/* Just below the limit is fine. */
	c = client_new(&env);
	snprintf(big, n, "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":\"%0*d\"}}",
		 4096 - 60, 0);
	assert_true(strlen(big) > 4000 && strlen(big) <= 4096);
	r = call(&env, c, big);
	assert_non_null(r);
	assert_null(json_object_get(r, "error"));
	json_decref(r);

	/* A NUL-less stream past the limit. */
	memset(big, ' ', n);
	client_send_raw(&env, c, big, n);
	assert_closed(&env, c);
	client_free(c);

	/* A complete message past the limit in one write. */
	c = client_new(&env);
	snprintf(big, n + 64, "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":\"%0*d\"}}",
		 (int)n - 60, 0);
	client_send(&env, c, big);
	assert_closed(&env, c);
	client_free(c);

	assert_serving(&env);
	free(big);
	env_stop(&env);
}

/* Silence, or half a message, for the idle timeout: closed. A chatty client is not. */
static void test_idle_timeout(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct client *quiet, *partial, *busy;
	struct env env;

	/* Generous against a loaded machine: a busy client's call must come
	 * back well within the timeout, while 5 pumps must exceed it. */
	o.idle_timeout_usec = 400000;
	env_start(&env, &o);
	quiet = client_new(&env);
	partial = client_new(&env);
	busy = client_new(&env);
	client_send_raw(&env, partial, "{\"method\":", 10);
	for (int i = 0; i < 5; i++) {
		pump_for(&env, 120);
		assert_get_info_ok(&env, busy);
		/* Half a message does not count as activity (and may hit a closed socket). */
		(void)send(partial->fd, " ", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	assert_closed(&env, quiet);
	assert_closed(&env, partial);
	assert_int_equal(vl_server_connections(env.server), 1);
	/* Each answered call restarts the clock; silence after the last one still counts. */
	pump_for(&env, 800);
	assert_closed(&env, busy);
	client_free(quiet);
	client_free(partial);
	client_free(busy);
	env_stop(&env);
}

/*
 * A client that streams megabytes and never reads: the server neither
 * blocks on it nor stops answering another client.
 */
static void test_slow_reader_does_not_block(void **state _unused_)
{
	struct env env;
	struct client *slow, *fast;

	env_start(&env, &default_opts);
	slow = client_new(&env);
	fast = client_new(&env);
	/* 64 × 128 KiB: far beyond any socket buffer. */
	client_send(&env, slow, "{\"method\":\"" IFACE ".Flood\",\"parameters\":{\"n\":64,\"size\":131072},\"more\":true}");
	pump_for(&env, 40);
	assert_int_equal(env.flood_result, 0);
	for (int i = 0; i < 5; i++) {
		assert_get_info_ok(&env, fast);
	}
	/* Pipelined calls behind the flood wait, not the server. */
	client_send(&env, slow, get_info);
	pump_for(&env, 40);
	assert_int_equal(vl_server_connections(env.server), 2);
	client_free(slow);
	client_free(fast);
	env_stop(&env);
}

/*
 * A stream far larger than the socket buffer reaches a reading client
 * whole and in order, and a call pipelined behind it is answered after.
 */
static void test_large_stream_drains(void **state _unused_)
{
	struct env env;
	struct client *c;
	json_t *r;

	env_start(&env, &default_opts);
	c = client_new(&env);
	client_send(&env, c, "{\"method\":\"" IFACE ".Flood\",\"parameters\":{\"n\":128,\"size\":16384},\"more\":true}");
	client_send(&env, c, "{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":9}}");
	for (int i = 0; i < 128; i++) {
		r = client_recv(&env, c);
		assert_non_null(r);
		assert_true(json_is_true(json_object_get(r, "continues")));
		assert_int_equal(json_string_length(json_object_get(json_object_get(r, "parameters"),
								     "blob")), 16384);
		json_decref(r);
	}
	r = client_recv(&env, c);
	assert_non_null(r);
	assert_null(json_object_get(r, "continues"));
	json_decref(r);
	r = client_recv(&env, c);
	assert_int_equal(int_param(r, "id"), 9);
	json_decref(r);
	client_free(c);
	env_stop(&env);
}

/*
 * A long pipeline on one connection is run a few calls a turn, so that a
 * call on another connection, sent after it, is not answered last. Oneway
 * calls, so that what the server ran is counted, not what the sockets hold.
 */
static void test_pipeline_takes_turns(void **state _unused_)
{
	static const char echo[] =
		"{\"method\":\"" IFACE ".Echo\",\"parameters\":{\"id\":1},\"oneway\":true}";
	enum { N = 500 };	/* in one 64 KiB read */
	char *pipeline = malloc(N * sizeof(echo));
	struct client *busy, *other;
	struct env env;
	json_t *r;

	assert_non_null(pipeline);
	for (int i = 0; i < N; i++)
		memcpy(pipeline + i * sizeof(echo), echo, sizeof(echo));
	env_start(&env, &default_opts);
	busy = client_new(&env);
	other = client_new(&env);
	client_send_raw(&env, busy, pipeline, N * sizeof(echo));
	pump(&env);	/* all of busy's calls are read, a few of them run */
	assert_true(env.oneway_seen > 0);
	assert_true(env.oneway_seen < N);
	client_send(&env, other, get_info);
	r = client_recv(&env, other);
	assert_non_null(r);
	assert_null(json_object_get(r, "error"));
	json_decref(r);
	assert_true(env.oneway_seen < N);
	/* The rest still run, all of them, in later turns. */
	for (int i = 0; i < 1000 && env.oneway_seen < N; i++)
		pump(&env);
	assert_int_equal(env.oneway_seen, N);
	assert_get_info_ok(&env, busy);
	free(pipeline);
	client_free(busy);
	client_free(other);
	env_stop(&env);
}

/* Past the write-queue bound a non-reading streamer is dropped, not buffered forever. */
static void test_write_queue_bound(void **state _unused_)
{
	struct vl_server_opts o = default_opts;
	struct client *slow;
	struct env env;

	o.write_queue_max = 1024 * 1024;
	env_start(&env, &o);
	slow = client_new(&env);
	client_send(&env, slow, "{\"method\":\"" IFACE ".Flood\",\"parameters\":{\"n\":64,\"size\":131072},\"more\":true}");
	pump_for(&env, 40);
	assert_int_equal(env.flood_result, -ENOBUFS);
	assert_int_equal(vl_server_connections(env.server), 0);
	assert_serving(&env);
	client_free(slow);
	env_stop(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_byte_by_byte),
		cmocka_unit_test(test_violations_close),
		cmocka_unit_test(test_violations_answered),
		cmocka_unit_test(test_oversize_closes),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_slow_reader_does_not_block),
		cmocka_unit_test(test_large_stream_drains),
		cmocka_unit_test(test_write_queue_bound),
		cmocka_unit_test(test_pipeline_takes_turns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
