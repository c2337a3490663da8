/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl's commands: one config struct, one option table and one run function each. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "progset.h"
#include "xdpctl.h"
#include "xl-util.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

#define OPT_AT(st, field) .offset = offsetof(st, field)
#define EXPECT_HELP "refuse unless the interface is at revision N"

const struct opt xdpctl_global_opts[] = {
	{ "socket", OPT_STRING, OPT_AT(struct global, socket), 0, "PATH",
	  "the daemon's socket (default: $XDPLINKD_SOCKET, else " XL_CLIENT_SOCKET ")" },
	{ "json", OPT_FLAG, OPT_AT(struct global, json), 0, NULL, "print JSON (see xdpctl(8))" },
	{ "timeout", OPT_SECONDS, OPT_AT(struct global, timeout_sec), 0, "SEC",
	  "wait at most SEC seconds for an answer (default 60; 0: forever)" },
	{ "netns", OPT_STRING, OPT_AT(struct global, netns), 0, "NS",
	  "the interface's network namespace: a name under /run/netns, a path or a pid" },
	{}
};

/* Run a call's failure through the report and free the client. */
static int finish(const struct global *g, struct xl_client *c, const char *ifname, int r)
{
	if (r < 0)
		r = xdpctl_fail(g, c, ifname, r);
	xl_client__free(c);
	return r;
}

/* ---- attach ---- */

struct attach_cfg {
	const char *ifname, *object, *prog, *label;
	int priority;
	__u32 actions;
	enum xl_mode mode;
	int counters;		/* enum xl_client_counters */
	__u64 expect;
	bool pass_fd;		/* the default now; kept so that scripts using it still work */
	bool pass_path;
	enum xl_client_lifetime lifetime;
	__u32 program_id;
};

static const struct attach_cfg attach_defaults = { .priority = XL_PRIORITY_FROM_OBJECT };

static const struct opt attach_opts[] = {
	{ "IFACE", OPT_STRING, OPT_AT(struct attach_cfg, ifname), OPT_POSITIONAL | OPT_REQUIRED,
	  NULL, "the interface, as in ip link" },
	{ "OBJECT", OPT_STRING, OPT_AT(struct attach_cfg, object), OPT_POSITIONAL,
	  NULL, "BPF ELF object file (or --program-id)" },
	{ "program-id", OPT_ID, OPT_AT(struct attach_cfg, program_id), 0, "ID",
	  "instead of OBJECT: the program the daemon runs with this id (status's Prog ID), "
	  "on one more interface, sharing its maps" },
	{ "prog", OPT_STRING, OPT_AT(struct attach_cfg, prog), 0, "NAME",
	  "program in the object (default: its first XDP one)" },
	{ "priority", OPT_PRIORITY, OPT_AT(struct attach_cfg, priority), 0, "N",
	  "0..1000, lower runs first (default: the object's, else 50)" },
	{ "actions", OPT_ACTIONS, OPT_AT(struct attach_cfg, actions), 0, "LIST",
	  "verdicts that run the next program: aborted,drop,pass,tx,redirect or none "
	  "(default: the object's, else pass)" },
	{ "mode", OPT_MODE, OPT_AT(struct attach_cfg, mode), 0, "native|skb",
	  "XDP mode, for the interface's first program" },
	{ "label", OPT_STRING, OPT_AT(struct attach_cfg, label), 0, "TEXT",
	  "free text that status shows" },
	{ "counters", OPT_CONST, OPT_AT(struct attach_cfg, counters), 0, NULL,
	  "count verdicts per program from now on", XL_CLIENT_COUNTERS_ON },
	{ "no-counters", OPT_CONST, OPT_AT(struct attach_cfg, counters), 0, NULL,
	  "stop counting verdicts", XL_CLIENT_COUNTERS_OFF },
	{ "expect-revision", OPT_REVISION, OPT_AT(struct attach_cfg, expect), 0, "N", EXPECT_HELP },
	{ "pass-fd", OPT_FLAG, OPT_AT(struct attach_cfg, pass_fd), 0, NULL,
	  "send the object as an open file (the default)" },
	{ "pass-path", OPT_FLAG, OPT_AT(struct attach_cfg, pass_path), 0, NULL,
	  "send the object's path for the daemon to open (root only)" },
	{ "lifetime", OPT_LIFETIME, OPT_AT(struct attach_cfg, lifetime), 0, "pinned|connection",
	  "connection: xdpctl stays until interrupted, and the program goes when it exits "
	  "(default: pinned)" },
	{}
};

/* The object for the daemon: an open fd, which it reads with our rights
 * (the only way for callers other than root), or with --pass-path its
 * absolute path (the daemon's cwd is not ours). */
static int attach_object(const struct attach_cfg *a, struct xl_client_program *p,
			 char **ret_path, int *ret_fd)
{
	_cleanup_free_ char *abs = NULL;

	if (a->program_id) {
		p->prog_id = a->program_id;
		*ret_path = NULL;
		return EXIT_OK;
	}
	abs = realpath(a->object, NULL);
	if (!abs) {
		fprintf(stderr, "xdpctl: %s: %s\n", a->object, strerror(errno));
		return EXIT_NOINPUT;
	}
	if (!a->pass_path) {
		*ret_fd = open(abs, O_RDONLY | O_CLOEXEC);
		if (*ret_fd < 0) {
			fprintf(stderr, "xdpctl: %s: %s\n", abs, strerror(errno));
			return EXIT_NOINPUT;
		}
		p->object_fd = *ret_fd;
	} else {
		p->object = abs;
	}
	*ret_path = TAKE_PTR(abs);
	return EXIT_OK;
}

static struct xl_client *held;

static void stop_holding(int sig _unused_)
{
	xl_client__interrupt(held);
}

/* lifetime connection: the programs live as long as we keep the
 * connection, so keep it until SIGINT, SIGTERM or the daemon goes. */
int xdpctl_hold(struct xl_client *c)
{
	struct sigaction sa = { .sa_handler = stop_holding };
	int r;

	held = c;
	fflush(stdout);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	r = xl_client__hold(c);
	/* The daemon going away is reported as any hangup is (exit 69); the
	 * programs go with the connection, or at its next start. */
	return r == -ECANCELED ? 0 : r;
}

static int run_attach(const struct global *g, void *cfg)
{
	const struct attach_cfg *a = cfg;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .mode = a->mode,
					      .counters = a->counters,
					      .expected_revision = a->expect,
					      .lifetime = a->lifetime };
	struct xl_client_program prog = { .sz = sizeof(prog), .object_fd = -EBADF,
					  .prog_name = a->prog, .priority = a->priority,
					  .actions = a->actions, .label = a->label };
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -EBADF, nsfd = -EBADF;
	struct xl_client_result res;
	struct xl_client *c;
	int r;

	if (!a->object && !a->program_id)
		return xdpctl_usage_error(stderr, "attach", "missing OBJECT (or --program-id ID)");
	if (a->object && a->program_id)
		return xdpctl_usage_error(stderr, "attach", "give either OBJECT or --program-id, "
					  "not both");
	r = attach_object(a, &prog, &path, &fd);
	if (r == EXIT_OK)
		r = xdpctl_open_netns(g, &nsfd);
	opts.netns_fd = nsfd > 0 ? nsfd : 0;
	if (r == EXIT_OK)
		r = xdpctl_connect(g, &c);
	if (r != EXIT_OK)
		return r;
	r = xl_client__attach(c, a->ifname, &prog, &opts, &res);
	if (r == 0 && g->json) {
		json_t *o = json_pack("{s:s,s:I,s:I,s:I}", "interface", a->ifname,
				      "id", (json_int_t)res.id, "revision", (json_int_t)res.revision,
				      "programId", (json_int_t)res.prog_id);

		xdpctl_print_json(o, false);
		json_decref(o);
	} else if (r == 0) {
		printf("attached %s (id %u, program %u) to %s, revision %llu\n",
		       a->prog ? a->prog : path ? basename(path) : "the program", res.id, res.prog_id,
		       a->ifname,
		       (unsigned long long)res.revision);
	}
	if (r == 0 && a->lifetime == XL_CLIENT_LIFETIME_CONNECTION)
		r = xdpctl_hold(c);
	r = finish(g, c, a->ifname, r);
	/* A daemon that takes no fds drops the connection rather than answer. */
	if (r == EXIT_UNAVAILABLE && !a->pass_path)
		fprintf(stderr, "xdpctl: xdplinkd may not accept file descriptors; "
			"try --pass-path\n");
	return r;
}

/* ---- detach ---- */

struct detach_cfg {
	const char *ifname;
	__u32 id;
	bool all;
	__u64 expect;
};

static const struct opt detach_opts[] = {
	{ "IFACE", OPT_STRING, OPT_AT(struct detach_cfg, ifname), OPT_POSITIONAL | OPT_REQUIRED,
	  NULL, "the interface" },
	{ "ID", OPT_ID, OPT_AT(struct detach_cfg, id), OPT_POSITIONAL, NULL,
	  "the attachment to detach (see xdpctl status)" },
	{ "all", OPT_FLAG, OPT_AT(struct detach_cfg, all), 0, NULL,
	  "detach every program of the interface" },
	{ "expect-revision", OPT_REVISION, OPT_AT(struct detach_cfg, expect), 0, "N", EXPECT_HELP },
	{}
};

static int run_detach(const struct global *g, void *cfg)
{
	const struct detach_cfg *d = cfg;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .expected_revision = d->expect };
	_cleanup_close_ int nsfd = -EBADF;
	struct xl_client_result res;
	struct xl_client *c;
	int r;

	if (!d->id == !d->all)
		return xdpctl_usage_error(stderr, "detach", "give either an attachment ID or --all");
	r = xdpctl_open_netns(g, &nsfd);
	opts.netns_fd = nsfd > 0 ? nsfd : 0;
	if (r == EXIT_OK)
		r = xdpctl_connect(g, &c);
	if (r != EXIT_OK)
		return r;
	r = xl_client__detach(c, d->ifname, d->id, &opts, &res);
	if (r == 0 && g->json) {
		json_t *o = json_pack("{s:s,s:I}", "interface", d->ifname,
				      "revision", (json_int_t)res.revision);

		xdpctl_print_json(o, false);
		json_decref(o);
	} else if (r == 0) {
		if (d->all)
			printf("detached all programs from %s\n", d->ifname);
		else if (res.revision)
			printf("detached id %u from %s, revision %llu\n", d->id, d->ifname,
			       (unsigned long long)res.revision);
		else
			printf("detached id %u from %s, no programs left\n", d->id, d->ifname);
	}
	return finish(g, c, d->ifname, r);
}

/* ---- adopt ---- */

struct adopt_cfg {
	const char *ifname;
	bool detach;
};

static const struct opt adopt_opts[] = {
	{ "IFACE", OPT_STRING, OPT_AT(struct adopt_cfg, ifname), OPT_POSITIONAL | OPT_REQUIRED,
	  NULL, "the interface" },
	{ "detach", OPT_FLAG, OPT_AT(struct adopt_cfg, detach), 0, NULL,
	  "instead: detach XDP from the interface and remove xdplinkd's pins and state of it" },
	{}
};

static int run_adopt(const struct global *g, void *cfg)
{
	const struct adopt_cfg *a = cfg;
	struct xl_client_adopt_opts opts = { .sz = sizeof(opts), .detach = a->detach };
	_cleanup_close_ int nsfd = -EBADF;
	json_t *iface = NULL;
	struct xl_client *c;
	int r;

	r = xdpctl_open_netns(g, &nsfd);
	opts.netns_fd = nsfd > 0 ? nsfd : 0;
	if (r == EXIT_OK)
		r = xdpctl_connect(g, &c);
	if (r != EXIT_OK)
		return r;
	r = xl_client__adopt(c, a->ifname, &opts, &iface);
	if (r == 0 && g->json) {
		json_t *o = json_pack("{s:o}", "interface", iface);

		xdpctl_print_json(o, false);
		json_decref(o);
	} else if (r == 0) {
		json_t *list = json_array();
		size_t n = json_array_size(json_object_get(iface, "attachments"));

		if (a->detach)
			printf("detached XDP from %s and removed its pins and state\n", a->ifname);
		else if (n == 0)
			printf("adopted %s: no XDP program runs there; nothing left to manage\n",
			       a->ifname);
		else
			printf("adopted %s: %zu program%s, link %lld, revision %lld (data plane "
			       "unchanged)\n", a->ifname, n, n == 1 ? "" : "s",
			       json_integer_value(json_object_get(iface, "linkId")),
			       json_integer_value(json_object_get(iface, "revision")));
		if (!a->detach && n > 0 && list && json_array_append_new(list, iface) == 0) {
			xdpctl_print_status(stdout, list);
			iface = NULL;
		}
		json_decref(list);
		json_decref(iface);
	}
	return finish(g, c, a->ifname, r);
}

/* ---- replace ---- */

struct replace_cfg {
	const char *ifname, *from;
	enum xl_mode mode;
	int counters;		/* enum xl_client_counters */
	__u64 expect;
	enum xl_client_lifetime lifetime;
	bool pass_path;
};

static const struct opt replace_opts[] = {
	{ "IFACE", OPT_STRING, OPT_AT(struct replace_cfg, ifname), OPT_POSITIONAL | OPT_REQUIRED,
	  NULL, "the interface" },
	{ "from", OPT_STRING, OPT_AT(struct replace_cfg, from), OPT_REQUIRED, "FILE",
	  "the program set: JSON, or INI with [Program] sections" },
	{ "mode", OPT_MODE, OPT_AT(struct replace_cfg, mode), 0, "native|skb",
	  "XDP mode (overrides the file's)" },
	{ "counters", OPT_CONST, OPT_AT(struct replace_cfg, counters), 0, NULL,
	  "count verdicts per program (overrides the file)", XL_CLIENT_COUNTERS_ON },
	{ "no-counters", OPT_CONST, OPT_AT(struct replace_cfg, counters), 0, NULL,
	  "do not count (overrides the file)", XL_CLIENT_COUNTERS_OFF },
	{ "expect-revision", OPT_REVISION, OPT_AT(struct replace_cfg, expect), 0, "N", EXPECT_HELP },
	{ "lifetime", OPT_LIFETIME, OPT_AT(struct replace_cfg, lifetime), 0, "pinned|connection",
	  "connection: xdpctl stays until interrupted, and the set goes when it exits "
	  "(default: pinned)" },
	{ "pass-path", OPT_FLAG, OPT_AT(struct replace_cfg, pass_path), 0, NULL,
	  "send the objects' paths for the daemon to open (root only)" },
	{}
};

/* Every object of the set as an open fd (see attach_object()); fds[i]
 * belongs to the caller, -EBADF where nothing was opened. */
static int open_objects(struct progset *set, int *fds)
{
	const char *paths[XL_MAX_PROGS];

	for (size_t i = 0; i < set->n; i++) {
		struct xl_client_program *p = &set->progs[i];

		paths[i] = p->object;
		fds[i] = xl_open_object(p->object, paths, fds, i);
		if (fds[i] < 0) {
			fprintf(stderr, "xdpctl: %s: %s\n", p->object, strerror(errno));
			return EXIT_NOINPUT;
		}
		p->object_fd = fds[i];
		p->object = NULL;
	}
	return EXIT_OK;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		safe_close(fds[i]);
}

static int load_set(const char *path, struct progset *set)
{
	char err[512];
	int r;

	r = progset_load(set, path, err, sizeof(err));
	if (r == 0)
		return EXIT_OK;
	fprintf(stderr, "xdpctl: %s\n", err);
	return r == -ENOENT || r == -EACCES || r == -EISDIR ? EXIT_NOINPUT : EXIT_DATA;
}

static void print_replaced(const struct global *g, const char *ifname,
			   const struct xl_client_result *res)
{
	json_t *ids = json_array(), *o;
	char list[XL_MAX_PROGS * 11 + 1] = "";
	size_t off = 0;

	for (size_t i = 0; i < res->n_ids; i++) {
		json_array_append_new(ids, json_integer(res->ids[i]));
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%u", i ? "," : "",
					res->ids[i]);
	}
	if (g->json) {
		o = json_pack("{s:s,s:I,s:o}", "interface", ifname,
			      "revision", (json_int_t)res->revision, "ids", ids);
		xdpctl_print_json(o, false);
		json_decref(o);
		return;
	}
	json_decref(ids);
	if (res->n_ids == 0)
		printf("detached all programs from %s\n", ifname);
	else
		printf("replaced the programs of %s: %zu (ids %s), revision %llu\n", ifname,
		       res->n_ids, list, (unsigned long long)res->revision);
}

static int run_replace(const struct global *g, void *cfg)
{
	const struct replace_cfg *rc = cfg;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .expected_revision = rc->expect,
					      .lifetime = rc->lifetime };
	_cleanup_(progset_done) struct progset set = {};
	_cleanup_close_ int nsfd = -EBADF;
	int fds[XL_MAX_PROGS];
	struct xl_client_result res;
	struct xl_client *c;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(fds); i++)
		fds[i] = -EBADF;
	r = load_set(rc->from, &set);
	if (r == EXIT_OK && !rc->pass_path)
		r = open_objects(&set, fds);
	if (r == EXIT_OK)
		r = xdpctl_open_netns(g, &nsfd);
	opts.netns_fd = nsfd > 0 ? nsfd : 0;
	if (r == EXIT_OK)
		r = xdpctl_connect(g, &c);
	if (r != EXIT_OK) {
		close_all(fds, ELEMENTSOF(fds));
		return r;
	}
	opts.mode = rc->mode ? rc->mode : set.mode;
	opts.counters = rc->counters ? rc->counters :
			set.counters < 0 ? XL_CLIENT_COUNTERS_DEFAULT :
			set.counters ? XL_CLIENT_COUNTERS_ON : XL_CLIENT_COUNTERS_OFF;
	r = xl_client__replace(c, rc->ifname, set.progs, set.n, &opts, &res);
	if (r == 0)
		print_replaced(g, rc->ifname, &res);
	if (r == 0 && rc->lifetime == XL_CLIENT_LIFETIME_CONNECTION)
		r = xdpctl_hold(c);
	close_all(fds, ELEMENTSOF(fds));
	return finish(g, c, rc->ifname, r);
}

/* ---- status ---- */

struct iface_cfg {
	const char *ifname;
};

struct status_cfg {
	const char *ifname;
	bool all, counters, verbose, maps;
};

static const struct opt status_opts[] = {
	{ "IFACE", OPT_STRING, OPT_AT(struct status_cfg, ifname), OPT_POSITIONAL, NULL,
	  "only this interface (default: all with XDP programs, xdplinkd's or not)" },
	{ "all", OPT_FLAG, OPT_AT(struct status_cfg, all), 0, NULL,
	  "also interfaces with nothing attached" },
	{ "counters", OPT_FLAG, OPT_AT(struct status_cfg, counters), 0, NULL,
	  "packets per verdict of each program (when its interface counts)" },
	{ "maps", OPT_FLAG, OPT_AT(struct status_cfg, maps), 0, NULL,
	  "each program's maps: id, name, type, pin path" },
	{ "verbose", OPT_FLAG, OPT_AT(struct status_cfg, verbose), 0, NULL,
	  "every column: link id, tag, counters, object", .short_name = 'v' },
	{}
};

static int run_status(const struct global *g, void *cfg)
{
	const struct status_cfg *s = cfg;
	const struct xdpctl_status_opts view = {
		.counters = s->counters, .verbose = s->verbose, .maps = s->maps,
	};
	struct xl_client_list_opts opts = { .sz = sizeof(opts), .all = s->all, .maps = s->maps };
	_cleanup_close_ int nsfd = -EBADF;
	json_t *interfaces = NULL;
	struct xl_client *c;
	int r;

	r = xdpctl_open_netns(g, &nsfd);
	if (r == EXIT_OK)
		r = xdpctl_connect(g, &c);
	if (r != EXIT_OK)
		return r;
	opts.netns_fd = nsfd > 0 ? nsfd : 0;
	r = xl_client__list_opts(c, s->ifname, &opts, &interfaces);
	if (r == 0 && g->json) {
		json_t *o = json_pack("{s:o}", "interfaces", interfaces);

		xdpctl_print_json(o, false);
		json_decref(o);
	} else if (r == 0) {
		xdpctl_print_status_opts(stdout, interfaces, &view);
		json_decref(interfaces);
	}
	return finish(g, c, s->ifname, r);
}

/* ---- monitor ---- */

static const struct opt monitor_opts[] = {
	{ "IFACE", OPT_STRING, OPT_AT(struct iface_cfg, ifname), OPT_POSITIONAL, NULL,
	  "only this interface's events (default: all)" },
	{}
};

static struct xl_client *monitored;

static void stop_monitor(int sig _unused_)
{
	xl_client__interrupt(monitored);
}

static void print_event(const struct global *g, json_t *ev)
{
	char line[1024];

	if (g->json) {
		xdpctl_print_json(ev, true);
		return;
	}
	xdpctl_format_event(ev, line, sizeof(line));
	printf("%s\n", line);
	fflush(stdout);
}

static int run_monitor(const struct global *g, void *cfg)
{
	const struct iface_cfg *m = cfg;
	struct sigaction sa = { .sa_handler = stop_monitor };
	struct global forever = *g;
	struct xl_client *c;
	int r;

	/* Events come when they come: no timeout on this connection. */
	forever.timeout_sec = 0;
	r = xdpctl_connect(&forever, &c);
	if (r != EXIT_OK)
		return r;
	monitored = c;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = xl_client__monitor(c, m->ifname);
	while (r == 0) {
		json_t *ev = NULL;

		r = xl_client__next_event(c, &ev);
		if (r == 0)
			print_event(g, ev);
		json_decref(ev);
	}
	/* Interrupted by SIGINT or SIGTERM: the way a monitor ends. */
	if (r == -ECANCELED)
		r = 0;
	return finish(g, c, m->ifname, r);
}

/* ---- reload, version, help ---- */

static const struct opt no_opts[] = { {} };

static int run_reload(const struct global *g, void *cfg _unused_)
{
	struct xl_client *c;
	int r;

	r = xdpctl_connect(g, &c);
	if (r != EXIT_OK)
		return r;
	r = xl_client__reload(c);
	if (r == 0 && g->json) {
		json_t *o = json_object();

		xdpctl_print_json(o, false);
		json_decref(o);
	} else if (r == 0) {
		printf("xdplinkd re-read its configuration\n");
	}
	return finish(g, c, NULL, r);
}

static void print_version(const struct global *g, json_t *describe, json_t *info)
{
	const char *why = json_string_value(json_object_get(describe, "degradedReason"));
	json_int_t limit;
	bool degraded;

	if (g->json) {
		json_t *o = json_pack("{s:s,s:O?,s:O?}", "client", XD_VERSION, "daemon", describe,
				      "service", info);

		xdpctl_print_json(o, false);
		json_decref(o);
		return;
	}
	printf("xdpctl %s\n", XD_VERSION);
	if (!describe)
		return;
	/* maxPrograms is the dispatcher's size; without freplace only one program runs. */
	degraded = why || json_is_false(json_object_get(describe, "freplace"));
	limit = degraded ? 1 : json_integer_value(json_object_get(describe, "maxPrograms"));
	printf("%s %s (%s), up to %lld program%s per interface\n",
	       json_string_value(json_object_get(info, "product")) ?: "xdplinkd",
	       json_string_value(json_object_get(describe, "version")) ?: "?",
	       json_string_value(json_object_get(info, "url")) ?: "?",
	       (long long)limit, limit == 1 ? "" : "s");
	if (degraded)
		printf("degraded mode (one program per interface): %s\n", why ?: "no freplace");
}

/* The client's version always; the daemon's when it answers. */
static int run_version(const struct global *g, void *cfg _unused_)
{
	json_t *describe = NULL, *info = NULL;
	struct xl_client *c;
	int r;

	r = xdpctl_connect(g, &c);
	if (r != EXIT_OK) {
		print_version(g, NULL, NULL);
		return r;
	}
	r = xl_client__describe(c, &describe);
	if (r == 0)
		r = xl_client__get_info(c, &info);
	if (r == 0)
		print_version(g, describe, info);
	json_decref(describe);
	json_decref(info);
	return finish(g, c, NULL, r);
}

struct help_cfg {
	const char *command;
};

static const struct opt help_opts[] = {
	{ "COMMAND", OPT_STRING, OPT_AT(struct help_cfg, command), OPT_POSITIONAL, NULL,
	  "the command to explain (default: all of them)" },
	{}
};

static int run_help(const struct global *g _unused_, void *cfg)
{
	const struct help_cfg *h = cfg;
	const struct cmd *c;

	if (!h->command) {
		xdpctl_usage(stdout);
		return EXIT_OK;
	}
	c = xdpctl_find_command(h->command);
	if (!c)
		return xdpctl_usage_error(stderr, NULL, "unknown command '%s'", h->command);
	xdpctl_cmd_help(c, stdout);
	return EXIT_OK;
}

#define CMD(n, s, o, type, d, r) { n, s, o, sizeof(type), d, r }

const struct cmd xdpctl_commands[] = {
	CMD("attach", "Attach one program; the interface's other programs stay.", attach_opts,
	    struct attach_cfg, &attach_defaults, run_attach),
	CMD("detach", "Detach one attachment, or all of them.", detach_opts, struct detach_cfg,
	    NULL, run_detach),
	CMD("replace", "Make a set of programs the interface's whole set, in one swap.",
	    replace_opts, struct replace_cfg, NULL, run_replace),
	CMD("apply", "Make a label's programs what a file says, one change per interface.",
	    xdpctl_apply_opts, struct apply_cfg, NULL, xdpctl_run_apply),
	CMD("change", "Send a file of operations (attach, detach, move...) as one change.",
	    xdpctl_change_opts, struct change_cfg, NULL, xdpctl_run_change),
	CMD("adopt", "Take back an interface recovery refused, from what the kernel runs.",
	    adopt_opts, struct adopt_cfg, NULL, run_adopt),
	CMD("status", "Show every XDP program: xdplinkd's (revision, owner) and others'.",
	    status_opts, struct status_cfg, NULL, run_status),
	CMD("monitor", "Print changes as they happen, until interrupted.", monitor_opts,
	    struct iface_cfg, NULL, run_monitor),
	CMD("reload", "Make xdplinkd re-read its configuration.", no_opts, char, NULL,
	    run_reload),
	CMD("version", "Show the client's version and the daemon's.", no_opts, char, NULL,
	    run_version),
	CMD("help", "Show help for all commands or one.", help_opts, struct help_cfg, NULL,
	    run_help),
	{}
};

const struct cmd *xdpctl_find_command(const char *name)
{
	for (const struct cmd *c = xdpctl_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
