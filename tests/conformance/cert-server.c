/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * org.varlink.certification served by our varlink module, for varlink/go's
 * certification client (tests/conformance/run). Each method checks what it
 * was sent against what the protocol's certification expects and answers
 * with the next value, or CertificationError {wants, got}.
 *
 *   cert-server SOCKET
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "vl-server.h"
#include "xl-util.h"

#define CERT "org.varlink.certification"

static const char cert_idl[] =
	"interface org.varlink.certification\n"
	"type Interface (foo: ?[]?[string](foo, bar, baz), anon: (foo: bool, bar: bool))\n"
	"type MyType (object: object, enum: (one, two, three), struct: (first: int, second: string),"
	" array: []string, dictionary: [string]string, stringset: [string](), nullable: ?string,"
	" nullable_array_struct: ?[](first: int, second: string), interface: Interface)\n"
	"method Start() -> (client_id: string)\n"
	"method Test01(client_id: string) -> (bool: bool)\n"
	"method Test02(client_id: string, bool: bool) -> (int: int)\n"
	"method Test03(client_id: string, int: int) -> (float: float)\n"
	"method Test04(client_id: string, float: float) -> (string: string)\n"
	"method Test05(client_id: string, string: string) -> (bool: bool, int: int, float: float, string: string)\n"
	"method Test06(client_id: string, bool: bool, int: int, float: float, string: string) -> "
	"(struct: (bool: bool, int: int, float: float, string: string))\n"
	"method Test07(client_id: string, struct: (bool: bool, int: int, float: float, string: string)) -> (map: [string]string)\n"
	"method Test08(client_id: string, map: [string]string) -> (set: [string]())\n"
	"method Test09(client_id: string, set: [string]()) -> (mytype: MyType)\n"
	"method Test10(client_id: string, mytype: MyType) -> (string: string)\n"
	"method Test11(client_id: string, last_more_replies: []string) -> ()\n"
	"method End(client_id: string) -> (all_ok: bool)\n"
	"error ClientIdError ()\n"
	"error CertificationError (wants: object, got: object)\n";

static char clients[16][40];

/* Every call but Start names a client that Start gave out. */
struct args {
	const char *client_id;
	json_t *a, *b, *c, *d;
};

static int known_client(struct vl_link *l, const char *id)
{
	for (size_t i = 0; i < ELEMENTSOF(clients); i++)
		if (id && clients[i][0] && strcmp(clients[i], id) == 0)
			return 0;
	vl_link_error(l, CERT ".ClientIdError", NULL);
	return 1;
}

/* Compare what came (all of params but client_id) with what should have. */
static int expect(struct vl_link *l, json_t *params, const char *wants_text)
{
	_cleanup_json_ json_t *wants = json_loads(wants_text, 0, NULL);
	_cleanup_json_ json_t *got = json_deep_copy(params);

	json_object_del(got, "client_id");
	if (wants && got && json_equal(wants, got))
		return 0;
	vl_link_error(l, CERT ".CertificationError",
		      json_pack("{s:O,s:O}", "wants", wants ? wants : json_null(),
				"got", got ? got : json_null()));
	return 1;
}

#define FIELDS(...)                                                                       \
	{ "client_id", VL_STRING, vl_parse_string, offsetof(struct args, client_id), VL_MANDATORY }, \
	__VA_ARGS__, {}
#define ANY(n, m) { n, VL_ANY, vl_parse_json, offsetof(struct args, m), VL_MANDATORY | VL_NULLABLE }

static int check(struct vl_link *l, json_t *params, const struct vl_field *table,
		 const char *wants)
{
	struct args a = {};
	int r = vl_link_dispatch(l, params, table, &a);

	if (r != 0)
		return r;
	if (known_client(l, a.client_id))
		return 1;
	return wants ? expect(l, params, wants) : 0;
}

static int m_start(struct vl_link *l, json_t *params, unsigned flags _unused_, void *u _unused_)
{
	static const struct vl_field table[] = { {} };
	static unsigned next;
	unsigned char rnd[16];
	char *id = clients[next++ % ELEMENTSOF(clients)];
	struct args a = {};
	int r = vl_link_dispatch(l, params, table, &a);

	if (r != 0)
		return r;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -errno;
	for (size_t i = 0; i < sizeof(rnd); i++)
		sprintf(id + 2 * i, "%02x", rnd[i]);
	return vl_link_reply(l, json_pack("{s:s}", "client_id", id));
}

static int m_test01(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS({ NULL }) };
	int r = check(l, p, t + 0, "{}");

	return r ? r : vl_link_reply(l, json_pack("{s:b}", "bool", 1));
}

static int m_test02(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("bool", a)) };
	int r = check(l, p, t, "{\"bool\": true}");

	return r ? r : vl_link_reply(l, json_pack("{s:i}", "int", 1));
}

static int m_test03(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("int", a)) };
	int r = check(l, p, t, "{\"int\": 1}");

	return r ? r : vl_link_reply(l, json_pack("{s:f}", "float", 1.0));
}

static int m_test04(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("float", a)) };
	struct args a = {};
	int r = vl_link_dispatch(l, p, t, &a);

	if (r != 0)
		return r;
	if (known_client(l, a.client_id))
		return 1;
	/* 1.0 may arrive as the integer 1: JSON has one number type. */
	if (!json_is_number(a.a) || json_number_value(a.a) != 1.0)
		return expect(l, p, "{\"float\": 1.0}");
	return vl_link_reply(l, json_pack("{s:s}", "string", "ping"));
}

static int m_test05(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("string", a)) };
	int r = check(l, p, t, "{\"string\": \"ping\"}");

	return r ? r : vl_link_reply(l, json_pack("{s:b,s:i,s:f,s:s}", "bool", 0, "int", 2,
						 "float", M_PI, "string", "a lot of string"));
}

static int m_test06(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = {
		FIELDS(ANY("bool", a), ANY("int", b), ANY("float", c), ANY("string", d))
	};
	_cleanup_json_ json_t *s = json_pack("{s:b,s:i,s:f,s:s}", "bool", 0, "int", 2,
					     "float", M_PI, "string", "a lot of string");
	_cleanup_free_ char *wants = json_dumps(s, 0);
	int r = check(l, p, t, wants);

	return r ? r : vl_link_reply(l, json_pack("{s:O}", "struct", s));
}

static int m_test07(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("struct", a)) };
	_cleanup_json_ json_t *s = json_pack("{s:{s:b,s:i,s:f,s:s}}", "struct", "bool", 0, "int",
					     2, "float", M_PI, "string", "a lot of string");
	_cleanup_free_ char *wants = json_dumps(s, 0);
	int r = check(l, p, t, wants);

	return r ? r : vl_link_reply(l, json_pack("{s:{s:s,s:s}}", "map", "bar", "Bar",
						 "foo", "Foo"));
}

static int m_test08(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("map", a)) };
	int r = check(l, p, t, "{\"map\": {\"bar\": \"Bar\", \"foo\": \"Foo\"}}");

	return r ? r : vl_link_reply(l, json_pack("{s:{s:{},s:{},s:{}}}", "set", "one", "two",
						 "three"));
}

static const char mytype[] =
	"{\"object\": {\"method\": \"org.varlink.certification.Test09\","
	"  \"parameters\": {\"map\": {\"foo\": \"Foo\", \"bar\": \"Bar\"}}},"
	" \"enum\": \"two\", \"struct\": {\"first\": 1, \"second\": \"2\"},"
	" \"array\": [\"one\", \"two\", \"three\"],"
	" \"dictionary\": {\"foo\": \"Foo\", \"bar\": \"Bar\"},"
	" \"stringset\": {\"one\": {}, \"two\": {}, \"three\": {}},"
	" \"interface\": {\"foo\": [null, {\"Foo\": \"foo\", \"Bar\": \"bar\"}, null,"
	"   {\"one\": \"foo\", \"two\": \"bar\"}], \"anon\": {\"foo\": true, \"bar\": false}}}";

static int m_test09(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("set", a)) };
	int r = check(l, p, t, "{\"set\": {\"one\": {}, \"two\": {}, \"three\": {}}}");

	return r ? r : vl_link_reply(l, json_pack("{s:o}", "mytype", json_loads(mytype, 0, NULL)));
}

/* The nullable fields may come as null or not at all. */
static json_t *without_nulls(json_t *o)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(o, tmp, k, v)
		if (json_is_null(v))
			json_object_del(o, k);
	return o;
}

static int m_test10(struct vl_link *l, json_t *p, unsigned flags, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("mytype", a)) };
	_cleanup_json_ json_t *want = json_loads(mytype, 0, NULL);
	struct args a = {};
	char s[32];
	int r = vl_link_dispatch(l, p, t, &a);

	if (r != 0)
		return r;
	if (known_client(l, a.client_id))
		return 1;
	if (!json_is_object(a.a) || !json_equal(without_nulls(a.a), want) || !(flags & VL_CALL_MORE))
		return vl_link_error(l, CERT ".CertificationError",
				     json_pack("{s:O,s:O}", "wants", want, "got", a.a));
	for (int i = 1; i < 10; i++) {
		snprintf(s, sizeof(s), "Reply number %d", i);
		vl_link_reply_more(l, json_pack("{s:s}", "string", s));
	}
	return vl_link_reply(l, json_pack("{s:s}", "string", "Reply number 10"));
}

static int m_test11(struct vl_link *l, json_t *p, unsigned flags, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS(ANY("last_more_replies", a)) };
	int r = check(l, p, t, "{\"last_more_replies\": [\"Reply number 1\", \"Reply number 2\","
		      " \"Reply number 3\", \"Reply number 4\", \"Reply number 5\", \"Reply number 6\","
		      " \"Reply number 7\", \"Reply number 8\", \"Reply number 9\", \"Reply number 10\"]}");

	if (r)
		return r;
	if (!(flags & VL_CALL_ONEWAY))
		return vl_link_error(l, CERT ".CertificationError", NULL);
	return vl_link_reply(l, NULL);
}

static int m_end(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { FIELDS({ NULL }) };
	struct args a = {};
	int r = vl_link_dispatch(l, p, t, &a);

	if (r != 0)
		return r;
	if (known_client(l, a.client_id))
		return 1;
	for (size_t i = 0; i < ELEMENTSOF(clients); i++)
		if (strcmp(clients[i], a.client_id) == 0)
			clients[i][0] = '\0';
	return vl_link_reply(l, json_pack("{s:b}", "all_ok", 1));
}

static const struct vl_method methods[] = {
	{ CERT ".Start", m_start, 0 },
	{ CERT ".Test01", m_test01, 0 },
	{ CERT ".Test02", m_test02, 0 },
	{ CERT ".Test03", m_test03, 0 },
	{ CERT ".Test04", m_test04, 0 },
	{ CERT ".Test05", m_test05, 0 },
	{ CERT ".Test06", m_test06, 0 },
	{ CERT ".Test07", m_test07, 0 },
	{ CERT ".Test08", m_test08, 0 },
	{ CERT ".Test09", m_test09, 0 },
	{ CERT ".Test10", m_test10, VL_METHOD_REQUIRES_MORE },
	{ CERT ".Test11", m_test11, 0 },
	{ CERT ".End", m_end, 0 },
	{}
};

int main(int argc, char **argv)
{
	struct vl_server_opts opts = { .sz = sizeof(opts), .vendor = "xdplinkd",
				       .product = "cert-server", .version = "1" };
	_cleanup_vl_server_ struct vl_server *s = NULL;
	sd_event *e = NULL;
	sigset_t mask;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: cert-server SOCKET\n");
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r = sd_event_default(&e);
	if (r >= 0)
		r = sd_event_add_signal(e, NULL, SIGTERM, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(e, NULL, SIGINT, NULL, NULL);
	if (r >= 0)
		r = vl_server_new(&s, &opts);
	if (r >= 0)
		r = vl_server_add_methods(s, CERT, cert_idl, methods, NULL);
	if (r >= 0)
		r = vl_server_listen_address(s, argv[1], 0600);
	if (r >= 0)
		r = vl_server_attach_event(s, e, 0);
	if (r >= 0)
		r = sd_event_loop(e);
	if (r < 0)
		fprintf(stderr, "cert-server: %s\n", strerror(-r));
	s = vl_server_free(s);
	sd_event_unref(e);
	return r < 0;
}
