/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * org.varlink.certification served by our varlink module, for varlink/go's
 * certification client (tests/conformance/run). Each method's parameters
 * go through a vl-dispatch table (types checked there), then their values
 * are compared with what the certification prescribes; a mismatch is
 * CertificationError {wants, got}. Every client must run Start, Test01 …
 * Test11, End in that order, Test10 with "more" and Test11 oneway; End's
 * all_ok says whether it did, so that even the oneway Test11, whose error
 * nobody would see, is checked.
 *
 *   cert-server SOCKET
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cert-values.h"
#include "vl-server.h"
#include "xl-util.h"


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

/* ---- clients: each one's progress through the sequence ---- */

#define CLIENTS_MAX 16
#define STEP_END 12   /* Test01 … Test11 done */

struct client {
	char id[33];
	unsigned step;    /* the next TestNN expected */
	bool failed;
};

static struct client clients[CLIENTS_MAX];

static struct client *client_find(const char *id)
{
	for (size_t i = 0; i < ELEMENTSOF(clients); i++)
		if (clients[i].id[0] && strcmp(clients[i].id, id) == 0)
			return &clients[i];
	return NULL;
}

static int client_new(struct client **ret)
{
	static unsigned next;
	struct client *c = &clients[next++ % ELEMENTSOF(clients)];
	unsigned char rnd[16];

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -EIO;
	*c = (struct client){ .step = 1 };
	for (size_t i = 0; i < sizeof(rnd); i++)
		sprintf(c->id + 2 * i, "%02x", rnd[i]);
	*ret = c;
	return 0;
}

/* ---- parameters ---- */

struct args {
	const char *client_id;
	json_t *v[4];
};

#define CLIENT_ID { "client_id", VL_STRING, vl_parse_string, offsetof(struct args, client_id), \
		    VL_MANDATORY }
#define ARG(name, kind, i) { name, kind, vl_parse_json, offsetof(struct args, v[i]), VL_MANDATORY }

/*
 * Reply CertificationError (wants and got are taken over) and mark the
 * client failed; returns 1: answered.
 */
static int cert_error(struct vl_link *l, struct client *c, json_t *wants, json_t *got)
{
	c->failed = true;
	(void)vl_link_error(l, CERT ".CertificationError",
			    json_pack("{s:o?,s:o?}", "wants", wants, "got", got));
	return 1;
}

/*
 * Dispatch params with table, find the client, check that step comes
 * next for it. 0 to go on; otherwise the call has been answered.
 */
static int begin(struct vl_link *l, json_t *params, const struct vl_field *table,
		 unsigned step, struct args *a, struct client **ret)
{
	struct client *c;
	int r;

	r = vl_link_dispatch(l, params, table, a);
	if (r != 0)
		return r;
	c = client_find(a->client_id);
	if (!c) {
		(void)vl_link_error(l, CERT ".ClientIdError", NULL);
		return 1;
	}
	*ret = c;
	if (step && c->step != step)
		return cert_error(l, c, json_pack("{s:i}", "step", (int)c->step),
				  json_pack("{s:i}", "step", (int)step));
	return 0;
}

/* got (what came, client_id aside) must equal the JSON text wants. */
static int expect(struct vl_link *l, struct client *c, json_t *params, const char *wants_text)
{
	_cleanup_json_ json_t *got = json_deep_copy(params);
	_cleanup_json_ json_t *wants = json_loads(wants_text, 0, NULL);

	json_object_del(got, "client_id");
	if (wants && got && json_equal(wants, got))
		return 0;
	return cert_error(l, c, TAKE_PTR(wants), TAKE_PTR(got));
}

/* The step passed: the next one may come, and here is its reply. */
static int pass(struct vl_link *l, struct client *c, json_t *reply)
{
	c->step++;
	return vl_link_reply(l, reply);
}

/* ---- methods ---- */

static int m_start(struct vl_link *l, json_t *params, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { {} };
	struct client *c;
	struct args a = {};
	int r;

	r = vl_link_dispatch(l, params, t, &a);
	if (r != 0)
		return r;
	r = client_new(&c);
	if (r < 0)
		return r;
	return vl_link_reply(l, json_pack("{s:s}", "client_id", c->id));
}

/* TestNN whose parameters are checked by value: table, expected parameters, reply. */
struct simple_test {
	unsigned step;
	const char *method;
	struct vl_field table[3];
	const char *wants;
	const char *reply;
};

static const struct simple_test simple[] = {
	{ 1, CERT ".Test01", { CLIENT_ID, {} }, "{}", "{\"bool\": true}" },
	{ 2, CERT ".Test02", { CLIENT_ID, ARG("bool", VL_BOOLEAN, 0), {} },
	  "{\"bool\": true}", "{\"int\": 1}" },
	{ 3, CERT ".Test03", { CLIENT_ID, ARG("int", VL_INTEGER, 0), {} },
	  "{\"int\": 1}", "{\"float\": 1.0}" },
	{ 5, CERT ".Test05", { CLIENT_ID, ARG("string", VL_STRING, 0), {} },
	  "{\"string\": \"ping\"}", CERT_FOUR_VALUES },
	{ 7, CERT ".Test07", { CLIENT_ID, ARG("struct", VL_OBJECT, 0), {} },
	  "{\"struct\": " CERT_FOUR_VALUES "}", "{\"map\": " CERT_MAP "}" },
	{ 8, CERT ".Test08", { CLIENT_ID, ARG("map", VL_OBJECT, 0), {} },
	  "{\"map\": " CERT_MAP "}", "{\"set\": " CERT_SET "}" },
};

static const struct simple_test *simple_find(const char *method)
{
	for (size_t i = 0; i < ELEMENTSOF(simple); i++)
		if (strcmp(simple[i].method, method) == 0)
			return &simple[i];
	return NULL;
}

static int run_simple(struct vl_link *l, json_t *params, const char *method)
{
	const struct simple_test *t = simple_find(method);
	struct client *c;
	struct args a = {};
	int r;

	r = begin(l, params, t->table, t->step, &a, &c);
	if (r == 0)
		r = expect(l, c, params, t->wants);
	return r ? r : pass(l, c, json_loads(t->reply, 0, NULL));
}

/* Handlers are not told their method's name: one small wrapper per simple test. */
#define SIMPLE(nn)                                                                       \
	static int m_test##nn(struct vl_link *l, json_t *p, unsigned f _unused_,          \
			      void *u _unused_)                                           \
	{                                                                                 \
		return run_simple(l, p, CERT ".Test" #nn);                                \
	}
SIMPLE(01)
SIMPLE(02)
SIMPLE(03)
SIMPLE(05)
SIMPLE(07)
SIMPLE(08)

/* JSON has one number type: 1.0 may come as 1. */
static int m_test04(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { CLIENT_ID, ARG("float", VL_NUMBER, 0), {} };
	struct client *c;
	struct args a = {};
	int r;

	r = begin(l, p, t, 4, &a, &c);
	if (r != 0)
		return r;
	if (json_number_value(a.v[0]) != 1.0)
		return cert_error(l, c, json_pack("{s:f}", "float", 1.0), json_incref(p));
	return pass(l, c, json_pack("{s:s}", "string", "ping"));
}

static int m_test06(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = {
		CLIENT_ID, ARG("bool", VL_BOOLEAN, 0), ARG("int", VL_INTEGER, 1),
		ARG("float", VL_NUMBER, 2), ARG("string", VL_STRING, 3), {}
	};
	struct client *c;
	struct args a = {};
	int r;

	r = begin(l, p, t, 6, &a, &c);
	if (r == 0)
		r = expect(l, c, p, CERT_FOUR_VALUES);
	return r ? r : pass(l, c, json_pack("{s:o}", "struct",
					    json_loads(CERT_FOUR_VALUES, 0, NULL)));
}

static int m_test09(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { CLIENT_ID, ARG("set", VL_OBJECT, 0), {} };
	struct client *c;
	struct args a = {};
	int r;

	r = begin(l, p, t, 9, &a, &c);
	if (r == 0)
		r = expect(l, c, p, "{\"set\": " CERT_SET "}");
	return r ? r : pass(l, c, json_pack("{s:o}", "mytype", json_loads(CERT_MYTYPE, 0, NULL)));
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

static int m_test10(struct vl_link *l, json_t *p, unsigned flags, void *u _unused_)
{
	static const struct vl_field t[] = { CLIENT_ID, ARG("mytype", VL_OBJECT, 0), {} };
	_cleanup_json_ json_t *want = json_loads(CERT_MYTYPE, 0, NULL), *got = NULL;
	struct client *c;
	struct args a = {};
	char s[32];
	int r;

	r = begin(l, p, t, 10, &a, &c);
	if (r != 0)
		return r;
	got = json_deep_copy(a.v[0]);
	if (!got)
		return -ENOMEM;
	drop_nulls(got);
	if (!json_equal(got, want))
		return cert_error(l, c, TAKE_PTR(want), TAKE_PTR(got));
	if (!(flags & VL_CALL_MORE))
		return cert_error(l, c, json_pack("{s:b}", "more", 1), json_pack("{s:b}", "more", 0));
	for (int i = 1; i < 10; i++) {
		snprintf(s, sizeof(s), "Reply number %d", i);
		r = vl_link_reply_more(l, json_pack("{s:s}", "string", s));
		if (r < 0)
			return r;
	}
	return pass(l, c, json_pack("{s:s}", "string", "Reply number 10"));
}

/* Oneway: an error reply would go nowhere, so failure shows in End's all_ok. */
static int m_test11(struct vl_link *l, json_t *p, unsigned flags, void *u _unused_)
{
	static const struct vl_field t[] = { CLIENT_ID, ARG("last_more_replies", VL_ARRAY, 0), {} };
	struct client *c;
	struct args a = {};
	int r;

	r = begin(l, p, t, 11, &a, &c);
	if (r != 0)
		return r;
	if (!(flags & VL_CALL_ONEWAY))
		return cert_error(l, c, json_pack("{s:b}", "oneway", 1),
				  json_pack("{s:b}", "oneway", 0));
	r = expect(l, c, p, "{\"last_more_replies\": " CERT_REPLIES10 "}");
	return r ? r : pass(l, c, NULL);
}

static int m_end(struct vl_link *l, json_t *p, unsigned f _unused_, void *u _unused_)
{
	static const struct vl_field t[] = { CLIENT_ID, {} };
	struct client *c;
	struct args a = {};
	bool ok;
	int r;

	r = begin(l, p, t, 0, &a, &c);
	if (r != 0)
		return r;
	ok = !c->failed && c->step == STEP_END;
	if (!ok)
		fprintf(stderr, "cert-server: client %s ended at step %u%s\n", c->id, c->step,
			c->failed ? " after a failure" : "");
	*c = (struct client){};
	return vl_link_reply(l, json_pack("{s:b}", "all_ok", ok));
}

/* Reads like a routing table: method, handler, flags. */
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
	{ CERT ".Test10", m_test10, 0 },
	{ CERT ".Test11", m_test11, 0 },
	{ CERT ".End", m_end, 0 },
	{}
};

static int serve(const char *path)
{
	struct vl_server_opts opts = { .sz = sizeof(opts), .vendor = "xdplinkd",
				       .product = "cert-server", .version = "1" };
	_cleanup_vl_server_ struct vl_server *s = NULL;
	sd_event *e = NULL;
	sigset_t mask;
	int r;

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
		r = vl_server_listen_address(s, path, 0600);
	if (r >= 0)
		r = vl_server_attach_event(s, e, 0);
	if (r >= 0)
		r = sd_event_loop(e);
	s = vl_server_free(s);
	sd_event_unref(e);
	return r;
}

int main(int argc, char **argv)
{
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: cert-server SOCKET\n");
		return 2;
	}
	r = serve(argv[1]);
	if (r < 0)
		fprintf(stderr, "cert-server: %s\n", strerror(-r));
	return r < 0;
}
