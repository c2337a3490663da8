/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-load mixed: N client threads, one connection each, issuing a fixed
 * cycle of requests for a while: List, Describe, GetInfo, Attach + Detach
 * and Replace on the client's own veth, and deliberately invalid requests
 * whose specific error is known. Anything else that fails is an
 * unexpected error: printed, counted, and the run fails.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "xdplink/xdplink-client.h"

enum kind { K_LIST, K_DESCRIBE, K_GETINFO, K_ATTACH, K_DETACH, K_REPLACE, K_INVALID, K_MAX };
static const char *const kind_name[K_MAX] = {
	"List", "Describe", "GetInfo", "Attach", "Detach", "Replace", "invalid",
};

#define REPLY_TIMEOUT_USEC (60ULL * 1000000ULL)
/* Unexpected errors printed in full; the rest are only counted. */
#define PRINT_MAX 20

struct client {
	pthread_t thread;
	const struct load_opts *o;
	unsigned index;
	char ifname[16];
	double deadline_us;
	struct samples lat[K_MAX];
	unsigned long unexpected;
	unsigned long invalid_ok;
	unsigned step;
};

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long printed;

_printf_(3, 4)
static void unexpected(struct client *c, int r, const char *fmt, ...)
{
	va_list ap;

	c->unexpected++;
	pthread_mutex_lock(&print_lock);
	if (printed++ < PRINT_MAX) {
		fprintf(stderr, "xl-load: client %u (%s): unexpected: ", c->index, c->ifname);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, ": %s", r < 0 ? errno_name(r) : "wrong answer");
		fputc('\n', stderr);
	}
	pthread_mutex_unlock(&print_lock);
}

static void record(struct client *c, enum kind k, double t0)
{
	if (samples_add(&c->lat[k], now_us() - t0) < 0) {
		fprintf(stderr, "xl-load: out of memory\n");
		exit(1);
	}
}

static const char *err_name(struct xl_client *xc)
{
	const struct xl_client_error *e = xl_client__last_error(xc);

	return e && e->name ? e->name : "(none)";
}

static void check(struct client *c, struct xl_client *xc, int r, const char *what)
{
	if (r < 0)
		unexpected(c, r, "%s refused with %s", what, err_name(xc));
}

static int do_list(struct client *c, struct xl_client *xc, bool own)
{
	json_t *ifs = NULL;
	double t0 = now_us();
	int r = xl_client__list(xc, own ? c->ifname : NULL, &ifs);

	record(c, K_LIST, t0);
	check(c, xc, r, own ? "List (own)" : "List");
	if (r == 0 && !json_is_array(ifs))
		unexpected(c, 0, "List: no interfaces array");
	json_decref(ifs);
	return r;
}

static void do_describe(struct client *c, struct xl_client *xc)
{
	json_t *d = NULL;
	double t0 = now_us();
	int r = xl_client__describe(xc, &d);

	record(c, K_DESCRIBE, t0);
	check(c, xc, r, "Describe");
	if (r == 0 && json_integer_value(json_object_get(d, "maxPrograms")) != XL_MAX_PROGS)
		unexpected(c, 0, "Describe: maxPrograms is not %d", XL_MAX_PROGS);
	json_decref(d);
}

static void do_getinfo(struct client *c, struct xl_client *xc)
{
	json_t *d = NULL;
	double t0 = now_us();
	int r = xl_client__get_info(xc, &d);

	record(c, K_GETINFO, t0);
	check(c, xc, r, "GetInfo");
	if (r == 0 && !json_is_array(json_object_get(d, "interfaces")))
		unexpected(c, 0, "GetInfo: no interfaces");
	json_decref(d);
}

static struct xl_client_program prog(const struct load_opts *o, const char *name)
{
	return (struct xl_client_program){ .sz = sizeof(struct xl_client_program),
					   .object = o->object, .object_fd = -1,
					   .prog_name = name,
					   .priority = XL_PRIORITY_FROM_OBJECT };
}

static const struct xl_client_change_opts skb = {
	.sz = sizeof(skb), .mode = XL_MODE_SKB,
};

/* Attach, then Detach what was attached. */
static void do_attach_detach(struct client *c, struct xl_client *xc)
{
	struct xl_client_program p = prog(c->o, "xl_pass_0");
	struct xl_client_result res = {};
	double t0 = now_us();
	int r = xl_client__attach(xc, c->ifname, &p, &skb, &res);

	record(c, K_ATTACH, t0);
	check(c, xc, r, "Attach");
	if (r < 0)
		return;
	do_list(c, xc, true);
	t0 = now_us();
	r = xl_client__detach(xc, c->ifname, res.id, NULL, &res);
	record(c, K_DETACH, t0);
	check(c, xc, r, "Detach");
	if (r == 0 && res.revision != 0)
		unexpected(c, 0, "Detach left revision %llu", (unsigned long long)res.revision);
}

/* Replace with one program, then with none (which detaches it). */
static void do_replace(struct client *c, struct xl_client *xc)
{
	struct xl_client_program p = prog(c->o, "xl_pass_1");
	struct xl_client_result res = {};
	double t0 = now_us();
	int r = xl_client__replace(xc, c->ifname, &p, 1, &skb, &res);

	record(c, K_REPLACE, t0);
	check(c, xc, r, "Replace (one program)");
	if (r == 0 && res.n_ids != 1)
		unexpected(c, 0, "Replace: %zu ids for one program", res.n_ids);
	t0 = now_us();
	r = xl_client__replace(xc, c->ifname, NULL, 0, NULL, &res);
	record(c, K_REPLACE, t0);
	check(c, xc, r, "Replace (empty)");
}

/* A request that must fail, and how. */
struct invalid {
	const char *what;
	const char *method;
	const char *params;	/* %s: the client's interface, then the object */
	const char *error;
};

static const struct invalid invalids[] = {
	{ "List with a number for a name", "io.xdplink.Manager.List", "{\"interface\":5}",
	  "org.varlink.service.InvalidParameter" },
	{ "Attach on an interface that does not exist", "io.xdplink.Manager.Attach",
	  "{\"interface\":\"xlnosuch0\",\"object\":\"%2$s\"}",
	  "io.xdplink.Manager.InterfaceNotFound" },
	{ "Detach of an unknown attachment", "io.xdplink.Manager.Detach",
	  "{\"interface\":\"%1$s\",\"id\":424242}", "io.xdplink.Manager.AttachmentNotFound" },
	{ "a method that does not exist", "io.xdplink.Manager.Bogus", "{}",
	  "org.varlink.service.MethodNotFound" },
	{ "a stale expectedRevision", "io.xdplink.Manager.Detach",
	  "{\"interface\":\"%1$s\",\"all\":true,\"expectedRevision\":999999999}",
	  "io.xdplink.Manager.RevisionMismatch" },
};

static void do_invalid(struct client *c, struct xl_client *xc, unsigned which)
{
	const struct invalid *iv = &invalids[which % ELEMENTSOF(invalids)];
	char buf[1024];
	json_error_t jerr;
	json_t *params;
	double t0;
	int r;

	snprintf(buf, sizeof(buf), iv->params, c->ifname, c->o->object);
	params = json_loads(buf, 0, &jerr);
	if (!params) {
		unexpected(c, -EINVAL, "%s: bad test JSON %s", iv->what, buf);
		return;
	}
	t0 = now_us();
	r = xl_client__call(xc, iv->method, params, NULL, 0, NULL);
	record(c, K_INVALID, t0);
	if (r == 0)
		unexpected(c, 0, "%s: succeeded", iv->what);
	else if (strcmp(err_name(xc), iv->error) != 0)
		unexpected(c, r, "%s: %s instead of %s", iv->what, err_name(xc), iv->error);
	else
		c->invalid_ok++;
}

/* One step of the cycle; the clients start at different steps. */
static void client_step(struct client *c, struct xl_client *xc)
{
	switch (c->step++ % 8) {
	case 0: do_list(c, xc, false); break;
	case 1: do_describe(c, xc); break;
	case 2: do_attach_detach(c, xc); break;
	case 3: do_getinfo(c, xc); break;
	case 4: do_list(c, xc, false); break;
	case 5: do_replace(c, xc); break;
	case 6: do_invalid(c, xc, c->step / 8 + c->index); break;
	case 7: do_list(c, xc, true); break;
	}
}

static void *client_run(void *arg)
{
	struct client *c = arg;
	struct xl_client_opts copts = { .sz = sizeof(copts), .timeout_usec = REPLY_TIMEOUT_USEC };
	struct xl_client *xc = NULL;
	int r;

	r = xl_client__connect(c->o->socket, &copts, &xc);
	if (r < 0) {
		unexpected(c, r, "connect to %s", c->o->socket);
		return NULL;
	}
	while (now_us() < c->deadline_us && c->unexpected == 0)
		client_step(c, xc);
	xl_client__free(xc);
	return NULL;
}

static void report(struct client *cs, unsigned n, double secs, json_t *out)
{
	struct samples all = {}, per[K_MAX] = {};
	unsigned long unexpected = 0, invalid_ok = 0;
	json_t *methods = json_object();

	for (unsigned i = 0; i < n; i++) {
		for (int k = 0; k < K_MAX; k++) {
			samples_merge(&per[k], &cs[i].lat[k]);
			samples_merge(&all, &cs[i].lat[k]);
		}
		unexpected += cs[i].unexpected;
		invalid_ok += cs[i].invalid_ok;
	}
	printf("== 1. mixed load: %u clients, %.0f s\n", n, secs);
	printf("   %-9s %9s %9s %10s %10s %10s\n", "method", "requests", "req/s", "p50 ms",
	       "p99 ms", "max ms");
	for (int k = 0; k <= K_MAX; k++) {
		struct samples *s = k < K_MAX ? &per[k] : &all;
		const char *name = k < K_MAX ? kind_name[k] : "all";
		json_t *j = samples_json(s);

		json_object_set_new(j, "per_second", json_real((double)s->n / secs));
		printf("   %-9s %9zu %9.1f %10.2f %10.2f %10.2f\n", name, s->n,
		       (double)s->n / secs, samples_pct(s, 0.5) / 1e3, samples_pct(s, 0.99) / 1e3,
		       samples_max(s) / 1e3);
		json_object_set_new(methods, name, j);
	}
	printf("   invalid requests answered with their expected error: %lu\n", invalid_ok);
	printf("   unexpected errors: %lu\n", unexpected);
	json_object_set_new(out, "mixed", json_pack("{s:i,s:f,s:o,s:I,s:I}", "clients", n,
						    "seconds", secs, "methods", methods,
						    "invalid_expected", (json_int_t)invalid_ok,
						    "unexpected_errors", (json_int_t)unexpected));
	for (int k = 0; k < K_MAX; k++)
		samples_done(&per[k]);
	samples_done(&all);
}

int load_mixed(const struct load_opts *o, json_t *out)
{
	_cleanup_free_ struct client *cs = calloc(o->clients, sizeof(*cs));
	unsigned long unexpected = 0;
	double t0, deadline;
	unsigned started = 0;

	if (!cs)
		return 1;
	t0 = now_us();
	deadline = t0 + o->duration * 1e6;
	for (unsigned i = 0; i < o->clients; i++) {
		struct client *c = &cs[i];
		int r;

		*c = (struct client){ .o = o, .index = i, .deadline_us = deadline, .step = i };
		snprintf(c->ifname, sizeof(c->ifname), "%s%u", o->ifprefix, i);
		r = -pthread_create(&c->thread, NULL, client_run, c);
		if (r < 0) {
			fprintf(stderr, "xl-load: pthread_create: %s\n", errno_name(r));
			break;
		}
		started++;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(cs[i].thread, NULL);
	report(cs, started, (now_us() - t0) / 1e6, out);
	for (unsigned i = 0; i < started; i++) {
		unexpected += cs[i].unexpected;
		for (int k = 0; k < K_MAX; k++)
			samples_done(&cs[i].lat[k]);
	}
	if (!proc_alive(o->daemon_pid)) {
		fprintf(stderr, "xl-load: the daemon died\n");
		return 1;
	}
	return unexpected || started < o->clients ? 1 : 0;
}
