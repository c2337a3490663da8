/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl's commands: one option struct, one table and one run function each. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progset.h"
#include "xdpctl.h"
#include "xl-util.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

int xdpctl_connect(const struct global *g, struct xl_client **ret)
{
	struct xl_client_opts opts = { .sz = sizeof(opts), .timeout_usec = g->timeout_usec };
	const char *path = g->socket ? g->socket : xl_client__default_socket();
	int r;

	r = xl_client__connect(path, &opts, ret);
	if (r < 0) {
		fprintf(stderr, "xdpctl: cannot reach xdplinkd at %s: %s%s\n", path, strerror(-r),
			r == -ENOENT || r == -ECONNREFUSED ? " (is xdplinkd running?)" :
			r == -EACCES ? " (are you in the socket's group?)" : "");
		return EXIT_UNAVAILABLE;
	}
	return EXIT_OK;
}

int xdpctl_fail(const struct global *g, struct xl_client *c, const char *ifname, int r)
{
	const char *name = c ? xl_client__error_name(c) : NULL;
	const char *log = c ? xl_client__verifier_log(c) : NULL;

	if (!name) {
		fprintf(stderr, "xdpctl: %s%s%s\n", ifname ? ifname : "", ifname ? ": " : "",
			r == -ETIMEDOUT ? "no answer from xdplinkd (timed out)" :
			r == -EBADMSG ? "xdplinkd sent something that is not a varlink reply" :
			strerror(-r));
		return r == -EBADMSG ? EXIT_SOFTWARE : EXIT_UNAVAILABLE;
	}
	if (g->json) {
		json_t *o = json_pack("{s:{s:s,s:s,s:O}}", "error", "name", name, "message",
				      xl_client__error_message(c), "parameters",
				      xl_client__error_parameters(c));

		json_dumpf(o, stdout, JSON_COMPACT);
		printf("\n");
		json_decref(o);
	}
	fprintf(stderr, "xdpctl: %s (%s)\n", xl_client__error_message(c), name);
	if (log && !g->json)
		fprintf(stderr, "verifier log:\n%s\n", log);
	return r == -ESTALE ? EXIT_TEMPFAIL : EXIT_REFUSED;
}

static void print_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2));
	printf("\n");
}

/* ---- attach ---- */

struct attach_cfg {
	const char *prog;
	int priority;
	__u32 actions;
	enum xl_mode mode;
	const char *label;
	uint64_t expect;
	bool pass_fd;
	bool counters, no_counters;
};

static void attach_init(void *p)
{
	struct attach_cfg *a = p;

	a->priority = XL_PRIORITY_FROM_OBJECT;
}

static int run_attach(const struct global *g, void *p, char **args, unsigned n _unused_)
{
	struct attach_cfg *a = p;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .mode = a->mode,
		.counters = a->counters ? 1 : a->no_counters ? 0 : -1, .expected_revision = a->expect };
	struct xl_client_program prog = { .sz = sizeof(prog), .object_fd = -1,
		.prog_name = a->prog, .priority = a->priority, .actions = a->actions,
		.label = a->label };
	struct xl_client_result res;
	_cleanup_free_ char *abs = NULL;
	_cleanup_close_ int fd = -EBADF;
	struct xl_client *c;
	int r;

	/* The daemon's cwd is not ours: send an absolute path. */
	abs = realpath(args[1], NULL);
	if (!abs) {
		fprintf(stderr, "xdpctl: %s: %s\n", args[1], strerror(errno));
		return EXIT_NOINPUT;
	}
	prog.object = abs;
	if (a->pass_fd) {
		fd = open(abs, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "xdpctl: %s: %s\n", abs, strerror(errno));
			return EXIT_NOINPUT;
		}
		prog.object_fd = fd;
	}
	r = xdpctl_connect(g, &c);
	if (r)
		return r;
	r = xl_client__attach(c, args[0], &prog, &opts, &res);
	if (r < 0) {
		r = xdpctl_fail(g, c, args[0], r);
		xl_client__free(c);
		return r;
	}
	if (g->json)
		printf("{\"interface\":\"%s\",\"id\":%u,\"revision\":%llu,\"programId\":%u}\n",
		       args[0], res.id, (unsigned long long)res.revision, res.prog_id);
	else
		printf("%s: attached %s as id %u (program %u), revision %llu\n", args[0],
		       a->prog ? a->prog : abs, res.id, res.prog_id,
		       (unsigned long long)res.revision);
	xl_client__free(c);
	return EXIT_OK;
}

static const struct opt attach_opts[] = {
	{ "prog", OPT_STRING, offsetof(struct attach_cfg, prog), "NAME", "program in the object (default: its first XDP program)" },
	{ "priority", OPT_PRIORITY, offsetof(struct attach_cfg, priority), "N", "0..1000, lower runs first (default: the object's, else 50)" },
	{ "actions", OPT_ACTIONS, offsetof(struct attach_cfg, actions), "LIST", "verdicts that run the next program, e.g. pass,drop (default: the object's, else pass)" },
	{ "mode", OPT_MODE, offsetof(struct attach_cfg, mode), "native|skb", "XDP mode for the interface's first program" },
	{ "label", OPT_STRING, offsetof(struct attach_cfg, label), "TEXT", "free text shown by status" },
	{ "expect-revision", OPT_U64, offsetof(struct attach_cfg, expect), "N", "refuse unless the interface is at revision N" },
	{ "counters", OPT_FLAG, offsetof(struct attach_cfg, counters), NULL, "count each program's verdicts from now on" },
	{ "no-counters", OPT_FLAG, offsetof(struct attach_cfg, no_counters), NULL, "stop counting" },
	{ "pass-fd", OPT_FLAG, offsetof(struct attach_cfg, pass_fd), NULL, "send the object as a file descriptor instead of a path" },
	{}
};

/* ---- detach ---- */

struct detach_cfg {
	bool all;
	uint64_t expect;
};

static int run_detach(const struct global *g, void *p, char **args, unsigned n)
{
	struct detach_cfg *d = p;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .counters = -1,
					      .expected_revision = d->expect };
	struct xl_client_result res;
	struct xl_client *c;
	unsigned long id = 0;
	char *end = NULL;
	int r;

	if ((n == 2) == d->all) {
		fprintf(stderr, "xdpctl: detach wants an attachment ID or --all\n"
			"Try 'xdpctl detach --help'.\n");
		return EXIT_USAGE;
	}
	if (n == 2) {
		errno = 0;
		id = strtoul(args[1], &end, 10);
		if (errno || *end || id == 0 || id > UINT32_MAX || args[1][0] == '-') {
			fprintf(stderr, "xdpctl: '%s' is not an attachment id (see xdpctl status)\n",
				args[1]);
			return EXIT_USAGE;
		}
	}
	r = xdpctl_connect(g, &c);
	if (r)
		return r;
	r = xl_client__detach(c, args[0], (__u32)id, &opts, &res);
	if (r < 0) {
		r = xdpctl_fail(g, c, args[0], r);
		xl_client__free(c);
		return r;
	}
	if (g->json)
		printf("{\"interface\":\"%s\",\"revision\":%llu}\n", args[0],
		       (unsigned long long)res.revision);
	else if (res.revision)
		printf("%s: detached, revision %llu\n", args[0], (unsigned long long)res.revision);
	else
		printf("%s: detached, no programs left\n", args[0]);
	xl_client__free(c);
	return EXIT_OK;
}

static const struct opt detach_opts[] = {
	{ "all", OPT_FLAG, offsetof(struct detach_cfg, all), NULL, "detach every program of the interface" },
	{ "expect-revision", OPT_U64, offsetof(struct detach_cfg, expect), "N", "refuse unless the interface is at revision N" },
	{}
};

/* ---- replace ---- */

struct replace_cfg {
	const char *from;
	enum xl_mode mode;
	bool counters, no_counters;
	uint64_t expect;
};

static int run_replace(const struct global *g, void *p, char **args, unsigned n _unused_)
{
	struct replace_cfg *rc = p;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .expected_revision = rc->expect };
	_cleanup_(progset_done) struct progset set = {};
	struct xl_client_result res;
	struct xl_client *c;
	char err[512];
	int r;

	if (!rc->from) {
		fprintf(stderr, "xdpctl: replace needs --from FILE\nTry 'xdpctl replace --help'.\n");
		return EXIT_USAGE;
	}
	r = progset_load(&set, rc->from, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "xdpctl: %s\n", err);
		return r == -ENOENT || r == -EACCES ? EXIT_NOINPUT : EXIT_DATA;
	}
	opts.mode = rc->mode ? rc->mode : set.mode;
	opts.counters = rc->counters ? 1 : rc->no_counters ? 0 : set.counters;
	r = xdpctl_connect(g, &c);
	if (r)
		return r;
	r = xl_client__replace(c, args[0], set.progs, set.n, &opts, &res);
	if (r < 0) {
		r = xdpctl_fail(g, c, args[0], r);
		xl_client__free(c);
		return r;
	}
	if (g->json) {
		printf("{\"interface\":\"%s\",\"revision\":%llu,\"ids\":[", args[0],
		       (unsigned long long)res.revision);
		for (size_t i = 0; i < res.n_ids; i++)
			printf("%s%u", i ? "," : "", res.ids[i]);
		printf("]}\n");
	} else {
		printf("%s: %zu programs, revision %llu\n", args[0], set.n,
		       (unsigned long long)res.revision);
	}
	xl_client__free(c);
	return EXIT_OK;
}

static const struct opt replace_opts[] = {
	{ "from", OPT_STRING, offsetof(struct replace_cfg, from), "FILE", "the program set: JSON, or INI with [Program] sections" },
	{ "mode", OPT_MODE, offsetof(struct replace_cfg, mode), "native|skb", "XDP mode (overrides the file)" },
	{ "counters", OPT_FLAG, offsetof(struct replace_cfg, counters), NULL, "count each program's verdicts" },
	{ "no-counters", OPT_FLAG, offsetof(struct replace_cfg, no_counters), NULL, "do not count" },
	{ "expect-revision", OPT_U64, offsetof(struct replace_cfg, expect), "N", "refuse unless the interface is at revision N" },
	{}
};

/* ---- status ---- */

static int run_status(const struct global *g, void *p _unused_, char **args, unsigned n)
{
	json_t *interfaces = NULL;
	struct xl_client *c;
	int r;

	r = xdpctl_connect(g, &c);
	if (r)
		return r;
	r = xl_client__list(c, n ? args[0] : NULL, &interfaces);
	if (r < 0) {
		r = xdpctl_fail(g, c, n ? args[0] : NULL, r);
		xl_client__free(c);
		return r;
	}
	if (g->json) {
		json_t *o = json_pack("{s:o}", "interfaces", interfaces);

		print_json(o);
		json_decref(o);
	} else {
		xdpctl_print_status(interfaces);
		json_decref(interfaces);
	}
	xl_client__free(c);
	return EXIT_OK;
}

/* ---- monitor ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig _unused_)
{
	stop = 1;
}

static int run_monitor(const struct global *g, void *p _unused_, char **args, unsigned n)
{
	struct global forever = *g;
	struct sigaction sa = { .sa_handler = on_signal };
	struct xl_client *c;
	int r;

	forever.timeout_usec = 0;	/* events come when they come */
	r = xdpctl_connect(&forever, &c);
	if (r)
		return r;
	/* No SA_RESTART: a signal ends the blocking read. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = xl_client__monitor(c, n ? args[0] : NULL);
	while (r == 0 && !stop) {
		json_t *ev = NULL;

		r = xl_client__next_event(c, &ev);
		if (r < 0)
			break;
		if (g->json) {
			json_dumpf(ev, stdout, JSON_COMPACT);
			printf("\n");
			fflush(stdout);
		} else {
			xdpctl_print_event(ev);
		}
		json_decref(ev);
	}
	if (stop)
		r = 0;
	if (r < 0)
		r = xdpctl_fail(g, c, n ? args[0] : NULL, r == -ECONNRESET ? -EPIPE : r);
	xl_client__free(c);
	return r;
}

/* ---- reload, version, help ---- */

static int run_reload(const struct global *g, void *p _unused_, char **a _unused_, unsigned n _unused_)
{
	struct xl_client *c;
	int r;

	r = xdpctl_connect(g, &c);
	if (r)
		return r;
	r = xl_client__reload(c);
	if (r < 0)
		r = xdpctl_fail(g, c, NULL, r);
	else if (!g->json)
		printf("configuration reloaded\n");
	xl_client__free(c);
	return r < 0 ? r : r;
}

static int run_version(const struct global *g, void *p _unused_, char **a _unused_,
		       unsigned n _unused_)
{
	json_t *d = NULL;
	struct xl_client *c;
	int r;

	r = xdpctl_connect(g, &c);
	if (r) {
		printf("xdpctl %s\n", XD_VERSION);
		return r;
	}
	r = xl_client__describe(c, &d);
	if (r < 0) {
		r = xdpctl_fail(g, c, NULL, r);
		xl_client__free(c);
		return r;
	}
	if (g->json) {
		json_t *o = json_pack("{s:s,s:O}", "client", XD_VERSION, "daemon", d);

		print_json(o);
		json_decref(o);
	} else {
		const char *why = json_string_value(json_object_get(d, "degradedReason"));

		printf("xdpctl %s\nxdplinkd %s, up to %lld programs per interface%s%s\n",
		       XD_VERSION, json_string_value(json_object_get(d, "version")),
		       (long long)json_integer_value(json_object_get(d, "maxPrograms")),
		       why ? "\ndegraded mode (one program per interface): " : "", why ? why : "");
	}
	json_decref(d);
	xl_client__free(c);
	return EXIT_OK;
}

static const struct opt no_opts[] = { {} };

static int run_help(const struct global *g _unused_, void *p _unused_, char **args, unsigned n)
{
	for (const struct cmd *c = xdpctl_commands; n && c->name; c++)
		if (!strcmp(c->name, args[0])) {
			xdpctl_cmd_help(c);
			return EXIT_OK;
		}
	if (n) {
		fprintf(stderr, "xdpctl: unknown command '%s'\n", args[0]);
		return EXIT_USAGE;
	}
	printf("Commands: attach detach replace status monitor reload version help\n"
	       "Run 'xdpctl --help' or 'xdpctl COMMAND --help'.\n");
	return EXIT_OK;
}

const struct cmd xdpctl_commands[] = {
	{ "attach", "IFACE OBJECT", 2, 2, attach_opts, sizeof(struct attach_cfg), attach_init,
	  run_attach, "attach one program; the interface's other programs stay" },
	{ "detach", "IFACE ID|--all", 1, 2, detach_opts, sizeof(struct detach_cfg), NULL,
	  run_detach, "detach one attachment, or all" },
	{ "replace", "IFACE --from FILE", 1, 1, replace_opts, sizeof(struct replace_cfg), NULL,
	  run_replace, "make a program set the interface's whole set, in one atomic swap" },
	{ "status", "[IFACE]", 0, 1, no_opts, 0, NULL, run_status,
	  "show interfaces, revisions, programs, owners and counters" },
	{ "monitor", "[IFACE]", 0, 1, no_opts, 0, NULL, run_monitor,
	  "print attach, detach and replace events as they happen" },
	{ "reload", "", 0, 0, no_opts, 0, NULL, run_reload, "make xdplinkd re-read its configuration" },
	{ "version", "", 0, 0, no_opts, 0, NULL, run_version, "show client and daemon versions" },
	{ "help", "[COMMAND]", 0, 1, no_opts, 0, NULL, run_help, "show help" },
	{}
};
