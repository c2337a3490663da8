/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The org.varlink.certification client role, on our varlink client, against
 * varlink/go's certification server. Two sessions:
 *   1. one call at a time, each reply checked against the certification's
 *      values and then passed on as the next call's parameters;
 *   2. every call of a session sent at once (pipelined), the replies read
 *      and checked in order afterwards.
 * Test10 is a "more" stream of ten replies, Test11 is oneway (no reply).
 * Prints "ok STEP" per step checked; exit 0 only if all passed.
 *
 *   cert-client SOCKET
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cert-values.h"
#include "vl-client.h"
#include "xl-util.h"

#define TIMEOUT_USEC (10ULL * 1000000ULL)

/* A step, and the reply it must get (NULL: none, it is oneway). */
struct step {
	const char *member;
	unsigned flags;
	const char *reply;
};

static const struct step steps[] = {
	{ "Test01", 0, "{\"bool\": true}" },
	{ "Test02", 0, "{\"int\": 1}" },
	{ "Test03", 0, "{\"float\": 1.0}" },
	{ "Test04", 0, "{\"string\": \"ping\"}" },
	{ "Test05", 0, CERT_FOUR_VALUES },
	{ "Test06", 0, "{\"struct\": " CERT_FOUR_VALUES "}" },
	{ "Test07", 0, "{\"map\": " CERT_MAP "}" },
	{ "Test08", 0, "{\"set\": " CERT_SET "}" },
	{ "Test09", 0, "{\"mytype\": " CERT_MYTYPE "}" },
	{ "Test10", VL_CALL_MORE, "{\"string\": \"Reply number 10\"}" },
	{ "Test11", VL_CALL_ONEWAY, NULL },
	{ "End", 0, "{\"all_ok\": true}" },
};

static const char *client_id;

/* JSON has one number type: 1.0 and 1 are the same value. Otherwise json_equal(). */
static bool same(json_t *a, json_t *b)
{
	const char *k;
	json_t *v;

	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_is_object(a) && json_is_object(b)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach(a, k, v)
			if (!same(v, json_object_get(b, k)))
				return false;
		return true;
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	return json_equal(a, b);
}

/* MyType's nullable members may come as null or not at all. */
static void drop_nulls(json_t *o)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(o, tmp, k, v)
		if (json_is_null(v))
			json_object_del(o, k);
}

static int fail(const char *what, const char *error, json_t *got)
{
	_cleanup_free_ char *text = got ? json_dumps(got, JSON_COMPACT) : NULL;

	fprintf(stderr, "not ok %s: %s %s\n", what, error ?: "unexpected reply", text ?: "");
	return -EBADMSG;
}

/* Read the next reply and check it against wants (JSON text); the parameters. */
static int expect(struct vl_client *c, const char *what, const char *wants_text,
		  json_t **ret, bool *ret_continues)
{
	_cleanup_json_ json_t *wants = json_loads(wants_text, 0, NULL), *got = NULL;
	const char *error;
	int r;

	r = vl_client_read(c, &got, &error, ret_continues);
	if (r < 0) {
		fprintf(stderr, "not ok %s: %s\n", what, strerror(-r));
		return r;
	}
	if (error)
		return fail(what, error, got);
	drop_nulls(json_object_get(got, "mytype"));
	if (!wants || !same(wants, got))
		return fail(what, NULL, got);
	if (ret)
		*ret = TAKE_PTR(got);
	return 0;
}

static int send_step(struct vl_client *c, const struct step *s, json_t *params)
{
	char method[64];

	snprintf(method, sizeof(method), CERT ".%s", s->member);
	if (!params)
		params = json_object();
	if (!params || json_object_set_new(params, "client_id", json_string(client_id)) < 0)
		return -ENOMEM;
	return vl_client_send(c, method, params, s->flags, NULL, 0);
}

/* Test10's stream: "Reply number 1" … "Reply number 10", the last one final. */
static int expect_stream(struct vl_client *c, json_t **ret_strings)
{
	_cleanup_json_ json_t *strings = json_array();
	char wants[64], what[32];

	for (int i = 1; i <= 10; i++) {
		_cleanup_json_ json_t *got = NULL;
		bool cont;
		int r;

		snprintf(wants, sizeof(wants), "{\"string\": \"Reply number %d\"}", i);
		snprintf(what, sizeof(what), "Test10 reply %d", i);
		r = expect(c, what, wants, &got, &cont);
		if (r < 0)
			return r;
		if (cont != (i < 10))
			return fail(what, cont ? "continues after the last" : "ended early", got);
		json_array_append(strings, json_object_get(got, "string"));
	}
	printf("ok Test10 (10 replies)\n");
	*ret_strings = TAKE_PTR(strings);
	return 0;
}

static int start(struct vl_client *c, json_t **ret)
{
	const char *error;
	json_t *p;
	int r;

	r = vl_client_call(c, CERT ".Start", NULL, NULL, 0, &p, &error);
	if (r < 0 || error || !json_is_string(json_object_get(p, "client_id"))) {
		fprintf(stderr, "not ok Start: %s\n", r < 0 ? strerror(-r) : error ?: "no client_id");
		json_decref(p);
		return r < 0 ? r : -EBADMSG;
	}
	client_id = json_string_value(json_object_get(p, "client_id"));
	printf("ok Start\n");
	*ret = p;
	return 0;
}

/* Session 1: what each call returns is what the next one sends. */
static int run_sequential(struct vl_client *c)
{
	_cleanup_json_ json_t *session = NULL;
	json_t *params = NULL;
	int r;

	r = start(c, &session);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(steps); i++) {
		const struct step *s = &steps[i];
		json_t *got = NULL;

		r = send_step(c, s, params);
		params = NULL;
		if (r < 0)
			break;
		if (s->flags & VL_CALL_MORE) {
			json_t *strings = NULL;

			r = expect_stream(c, &strings);
			params = r < 0 ? NULL : json_pack("{s:o}", "last_more_replies", strings);
			continue;
		}
		if (!s->reply) {
			printf("ok %s (oneway)\n", s->member);
			continue;
		}
		r = expect(c, s->member, s->reply, &got, NULL);
		if (r < 0)
			break;
		printf("ok %s\n", s->member);
		/* Test05's four values are Test06's four parameters, and so on. */
		params = got;
	}
	json_decref(params);
	return r;
}

/* Session 2: every call sent before any reply is read. */
static int run_pipelined(struct vl_client *c)
{
	_cleanup_json_ json_t *session = NULL, *strings = NULL;
	int r;

	r = start(c, &session);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(steps); i++) {
		const char *args = i == 0 ? "{}" : steps[i - 1].reply;

		if (strcmp(steps[i].member, "Test11") == 0)
			args = "{\"last_more_replies\": " CERT_REPLIES10 "}";
		else if (strcmp(steps[i].member, "End") == 0)
			args = "{}";
		r = send_step(c, &steps[i], json_loads(args, 0, NULL));
	}
	if (r < 0) {
		fprintf(stderr, "not ok pipelined send: %s\n", strerror(-r));
		return r;
	}
	printf("ok pipelined: %zu calls sent, %zu replies due\n", ELEMENTSOF(steps),
	       vl_client_pending(c));
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(steps); i++) {
		const struct step *s = &steps[i];

		if (s->flags & VL_CALL_MORE)
			r = expect_stream(c, &strings);
		else if (s->reply && (r = expect(c, s->member, s->reply, NULL, NULL)) >= 0)
			printf("ok %s (pipelined)\n", s->member);
	}
	if (r >= 0 && vl_client_pending(c) != 0)
		r = fail("pipelined", "replies missing", NULL);
	return r;
}

int main(int argc, char **argv)
{
	_cleanup_vl_client_ struct vl_client *c = NULL;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: cert-client SOCKET\n");
		return 2;
	}
	r = vl_client_connect(&c, argv[1], TIMEOUT_USEC);
	if (r < 0) {
		fprintf(stderr, "cert-client: %s: %s\n", argv[1], strerror(-r));
		return 2;
	}
	r = run_sequential(c);
	if (r >= 0)
		r = run_pipelined(c);
	printf("%s\n", r < 0 ? "certification FAILED" : "certification passed");
	return r < 0;
}
