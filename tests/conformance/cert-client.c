/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The org.varlink.certification client role, on our varlink client, against
 * varlink/go's certification server: each reply becomes the next call's
 * argument, Test10 is a "more" stream, Test11 is oneway.
 *
 *   cert-client SOCKET
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vl-client.h"
#include "xl-util.h"

#define CERT "org.varlink.certification."

static struct vl_client *c;
static const char *id;

/* Call method with client_id added to params; the reply's parameters, or NULL. */
static json_t *call(const char *method, json_t *params)
{
	char name[64];
	const char *error;
	json_t *reply;
	int r;

	snprintf(name, sizeof(name), CERT "%s", method);
	if (!params)
		params = json_object();
	if (id)
		json_object_set_new(params, "client_id", json_string(id));
	r = vl_client_call(c, name, params, NULL, 0, &reply, &error);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", method, strerror(-r));
		return NULL;
	}
	if (error) {
		char *p = json_dumps(reply, JSON_COMPACT);

		fprintf(stderr, "%s: %s %s\n", method, error, p ? p : "");
		free(p);
		json_decref(reply);
		return NULL;
	}
	printf("ok %s\n", method);
	return reply;
}

/* Take key out of a reply as the next call's parameter of the same shape. */
static json_t *pass(json_t *reply, const char *key, const char *as)
{
	json_t *v = json_incref(json_object_get(reply, key));

	json_decref(reply);
	return v ? json_pack("{s:o}", as, v) : NULL;
}

static int test10(json_t *mytype, json_t **ret_replies)
{
	json_t *params = json_pack("{s:s,s:O}", "client_id", id, "mytype", mytype);
	json_t *replies = json_array();
	const char *error;
	bool more = true;
	int r;

	r = vl_client_send(c, CERT "Test10", params, VL_CALL_MORE, NULL, 0);
	while (r == 0 && more) {
		json_t *reply;

		r = vl_client_read(c, &reply, &error, &more);
		if (r == 0 && error)
			r = -EBADE;
		if (r == 0)
			json_array_append(replies, json_object_get(reply, "string"));
		if (r == 0)
			json_decref(reply);
	}
	if (r < 0 || json_array_size(replies) != 10) {
		fprintf(stderr, "Test10: %s, %zu replies\n", strerror(-r), json_array_size(replies));
		json_decref(replies);
		return -1;
	}
	printf("ok Test10 (10 replies)\n");
	*ret_replies = replies;
	return 0;
}

static int run(void)
{
	_cleanup_json_ json_t *start = NULL, *mytype = NULL;
	json_t *r, *replies;

	start = call("Start", NULL);
	if (!start || !(id = json_string_value(json_object_get(start, "client_id"))))
		return 1;
	if (!(r = call("Test01", NULL)) || !json_is_true(json_object_get(r, "bool")) ||
	    !(r = call("Test02", pass(r, "bool", "bool"))) ||
	    json_integer_value(json_object_get(r, "int")) != 1 ||
	    !(r = call("Test03", pass(r, "int", "int"))) ||
	    json_number_value(json_object_get(r, "float")) != 1.0 ||
	    !(r = call("Test04", pass(r, "float", "float"))) ||
	    strcmp(json_string_value(json_object_get(r, "string")) ?: "", "ping") ||
	    !(r = call("Test05", pass(r, "string", "string"))))
		return 1;
	/* Test05's four values are Test06's four parameters. */
	r = call("Test06", r);
	if (!r || !(r = call("Test07", pass(r, "struct", "struct"))) ||
	    !(r = call("Test08", pass(r, "map", "map"))) ||
	    !(r = call("Test09", pass(r, "set", "set"))))
		return 1;
	mytype = json_incref(json_object_get(r, "mytype"));
	json_decref(r);
	if (!mytype || test10(mytype, &replies) < 0)
		return 1;
	if (vl_client_send(c, CERT "Test11", json_pack("{s:s,s:o}", "client_id", id,
						       "last_more_replies", replies),
			   VL_CALL_ONEWAY, NULL, 0) < 0)
		return 1;
	printf("ok Test11 (oneway)\n");
	r = call("End", NULL);
	if (!r || !json_is_true(json_object_get(r, "all_ok")))
		return 1;
	json_decref(r);
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: cert-client SOCKET\n");
		return 2;
	}
	r = vl_client_connect(&c, argv[1], 10ULL * 1000000ULL);
	if (r < 0) {
		fprintf(stderr, "cert-client: %s: %s\n", argv[1], strerror(-r));
		return 2;
	}
	r = run();
	vl_client_free(c);
	printf("%s\n", r ? "certification FAILED" : "certification passed");
	return r;
}
