/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl apply: make one label's programs on each interface of a file what
 * the file says, one Change per interface (expectedRevision: the listed
 * revision), nothing when nothing differs. --dry-run: the same Change with
 * dryRun, whose reply is the plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applyfile.h"
#include "xdpctl.h"
#include "xl-escape.h"
#include "xl-util.h"

/* Another client changed the interface between List and Change: look again. */
#define APPLY_ATTEMPTS 3

#define OPT_AT(st, field) .offset = offsetof(st, field)

const struct opt xdpctl_apply_opts[] = {
	{ "FILE", OPT_STRING, OPT_AT(struct apply_cfg, file), OPT_POSITIONAL | OPT_REQUIRED, NULL,
	  "JSON: label, interfaces, programs (see xdpctl(8)); - for standard input" },
	{ "dry-run", OPT_FLAG, OPT_AT(struct apply_cfg, dry_run), 0, NULL,
	  "show what would change and commit nothing" },
	{}
};

/* What apply holds; apply_done() releases it. */
struct apply {
	const struct global *g;
	const struct apply_cfg *cfg;
	struct applyfile file;
	int fds[XL_MAX_PROGS];
	int nsfd;
	struct xl_client *c;
	const char *owner;	/* NULL for root: every owner's attachments are its */
	char owner_buf[32];
	json_t *results;	/* one object per interface, for --json and the table */
};

static void apply_done(struct apply *a)
{
	for (size_t i = 0; i < ELEMENTSOF(a->fds); i++)
		safe_close(a->fds[i]);
	safe_close(a->nsfd);
	xl_client__free(a->c);
	json_decref(a->results);
	applyfile_done(&a->file);
}

static int load(struct apply *a)
{
	char err[1024];
	int r = applyfile_load(&a->file, a->cfg->file, err, sizeof(err));

	if (r == 0)
		return EXIT_OK;
	fprintf(stderr, "xdpctl apply: %s\n", err);
	return r == -ENOENT || r == -EACCES || r == -EISDIR ? EXIT_NOINPUT : EXIT_DATA;
}

/*
 * Each object by its real path (List shows the file the daemon read, so
 * that is what matches), sent as an open fd: the daemon reads it with our
 * rights.
 */
static int open_objects(struct apply *a)
{
	struct progset *s = &a->file.set;
	const char *given[XL_MAX_PROGS];

	for (size_t i = 0; i < s->n; i++) {
		struct xl_client_program *p = &s->progs[i];
		char *real = NULL;
		size_t k = 0;

		/* A file named again: the same real path, one open. */
		given[i] = p->object;
		while (k < i && !streq_ptr(given[k], given[i]))
			k++;
		if (k < i) {
			p->object = s->progs[k].object;
			a->fds[i] = fcntl(a->fds[k], F_DUPFD_CLOEXEC, 3);
		} else if (s->n_strings < ELEMENTSOF(s->strings) &&
			   (real = realpath(p->object, NULL))) {
			s->strings[s->n_strings++] = real;
			p->object = real;
			a->fds[i] = open(real, O_RDONLY | O_CLOEXEC);
		}
		if ((k == i && !real) || a->fds[i] < 0) {
			fprintf(stderr, "xdpctl apply: %s: programs[%zu].object %s: %s\n",
				a->cfg->file, i, p->object, strerror(errno));
			return EXIT_NOINPUT;
		}
		p->object_fd = a->fds[i];
	}
	return EXIT_OK;
}

static json_t *find_id(json_t *atts, json_int_t id)
{
	size_t i;
	json_t *v;

	json_array_foreach(atts, i, v)
		if (json_integer_value(json_object_get(v, "id")) == id)
			return v;
	return NULL;
}

/* The operations as the daemon got them, but with objects by path: fds mean nothing later. */
static json_t *ops_for_output(const struct apply *a, json_t *ops)
{
	json_t *copy = json_deep_copy(ops), *op;
	size_t i, k;

	json_array_foreach(copy, i, op) {
		json_t *list = json_object_get(op, "programs");

		for (k = 0; k <= json_array_size(list); k++) {
			json_t *o = k < json_array_size(list) ? json_array_get(list, k) : op;
			json_int_t fd = json_integer_value(json_object_get(o, "objectFd"));

			if (!json_object_get(o, "objectFd"))
				continue;
			for (size_t f = 0; f < a->file.set.n; f++)
				if (a->fds[f] == fd)
					json_object_set_new(o, "object",
							    json_string(a->file.set.progs[f].object));
			json_object_del(o, "objectFd");
		}
	}
	return copy;
}

/* The change's options: the file's mode and counters, the listed revision. */
static struct xl_client_change_opts change_opts(const struct apply *a, json_t *iface)
{
	const struct progset *s = &a->file.set;

	return (struct xl_client_change_opts){
		.sz = sizeof(struct xl_client_change_opts), .mode = s->mode,
		.counters = s->counters < 0 ? XL_CLIENT_COUNTERS_DEFAULT :
			    s->counters ? XL_CLIENT_COUNTERS_ON : XL_CLIENT_COUNTERS_OFF,
		.expected_revision = (__u64)json_integer_value(json_object_get(iface, "revision")),
		.netns_fd = a->nsfd > 0 ? a->nsfd : 0,
	};
}

/* The counters the file asks for and the interface does not have are a difference too. */
static bool counters_differ(const struct apply *a, json_t *iface)
{
	int want = a->file.set.counters;

	return want >= 0 && json_array_size(json_object_get(iface, "attachments")) > 0 &&
	       want != json_is_true(json_object_get(iface, "counters"));
}

/* No call: the interface is as the file says already. */
static json_t *unchanged_result(json_t *iface)
{
	json_int_t rev = json_integer_value(json_object_get(iface, "revision"));

	return json_pack("{s:b,s:I,s:I,s:[],s:[],s:[],s:O?}", "unchanged", 1, "revision", rev,
			 "previousRevision", rev, "added", "removed", "reordered", "attachments",
			 json_object_get(iface, "attachments"));
}

/* One interface: List, diff, Change; *ret is its result for the output. */
static int apply_iface(struct apply *a, const char *ifname, json_t **ret)
{
	for (int attempt = 1;; attempt++) {
		_cleanup_(json_decrefp) json_t *ifaces = NULL, *ops = NULL;
		struct xl_client_change_opts opts;
		json_t *iface, *reply = NULL;
		int r;

		r = xl_client__list_in(a->c, ifname, a->nsfd > 0 ? a->nsfd : 0, &ifaces);
		if (r < 0)
			return r;
		iface = json_array_get(ifaces, 0);
		r = xl_client__diff(a->file.label, a->owner, a->file.set.progs, a->file.set.n, iface,
				    &ops);
		if (r < 0)
			return r;
		opts = change_opts(a, iface);
		if (json_array_size(ops) == 0 && !counters_differ(a, iface) && !a->cfg->dry_run) {
			reply = unchanged_result(iface);
		} else {
			r = xl_client__change(a->c, ifname, ops, &opts, a->cfg->dry_run, &reply);
			if (r == -ESTALE && attempt < APPLY_ATTEMPTS)
				continue;
			if (r < 0)
				return r;
		}
		if (!reply || json_object_set_new(reply, "interface", json_string(ifname)) < 0 ||
		    json_object_set_new(reply, "operations", ops_for_output(a, ops)) < 0 ||
		    json_object_set(reply, "before", iface) < 0) {
			json_decref(reply);
			return -ENOMEM;
		}
		*ret = reply;
		return 0;
	}
}

/* ---- output ---- */

static void print_att(const char *sign, json_t *att, const char *extra)
{
	char name[256], obj[1024];
	const char *o = json_string_value(json_object_get(att, "object"));

	xl_escape(json_string_value(json_object_get(att, "name")) ?: "?", name, sizeof(name));
	xl_escape(o ? o : "?", obj, sizeof(obj));
	printf("  %s id %-5lld %-20s priority %-4lld %s%s\n", sign,
	       (long long)json_integer_value(json_object_get(att, "id")), name,
	       (long long)json_integer_value(json_object_get(att, "priority")), obj, extra);
}

void xdpctl_print_change(json_t *res, bool dry)
{
	json_t *before = json_object_get(json_object_get(res, "before"), "attachments");
	json_t *after = json_object_get(res, "attachments"), *v;
	char ifname[4 * IF_NAMESIZE + 1];
	size_t i;

	xl_escape(json_string_value(json_object_get(res, "interface")), ifname, sizeof(ifname));
	if (json_is_true(json_object_get(res, "unchanged"))) {
		printf("%s: unchanged, revision %lld%s\n", ifname,
		       (long long)json_integer_value(json_object_get(res, "revision")),
		       dry ? " (dry run)" : "");
		return;
	}
	if (dry)
		printf("%s: would change revision %lld (dry run, nothing committed)\n", ifname,
		       (long long)json_integer_value(json_object_get(res, "previousRevision")));
	else
		printf("%s: revision %lld -> %lld\n", ifname,
		       (long long)json_integer_value(json_object_get(res, "previousRevision")),
		       (long long)json_integer_value(json_object_get(res, "revision")));
	json_array_foreach(json_object_get(res, "removed"), i, v)
		if (find_id(before, json_integer_value(v)))
			print_att("-", find_id(before, json_integer_value(v)), " (detach)");
	json_array_foreach(json_object_get(res, "added"), i, v)
		if (find_id(after, json_integer_value(v)))
			print_att("+", find_id(after, json_integer_value(v)), " (attach)");
	json_array_foreach(json_object_get(res, "reordered"), i, v)
		if (find_id(after, json_integer_value(v)))
			print_att("~", find_id(after, json_integer_value(v)), " (moved)");
}

void xdpctl_print_change_table(json_t *results, bool dry)
{
	_cleanup_(json_decrefp) json_t *list = json_array();
	json_t *res;
	size_t i;

	json_array_foreach(results, i, res) {
		json_t *itf = json_deep_copy(json_object_get(res, "before"));

		if (!itf)
			continue;
		json_object_set(itf, "attachments", json_object_get(res, "attachments"));
		if (!dry)
			json_object_set(itf, "revision", json_object_get(res, "revision"));
		json_array_append_new(list, itf);
	}
	printf("\n");
	xdpctl_print_status(stdout, list);
}

static void print_json(const struct apply *a)
{
	json_t *o = json_pack("{s:s,s:b,s:O}", "label", a->file.label, "dryRun", a->cfg->dry_run,
			      "interfaces", a->results);
	json_t *res;
	size_t i;

	/* "before" is List's view, for the table; --json users can list themselves. */
	json_array_foreach(json_object_get(o, "interfaces"), i, res)
		json_object_del(res, "before");
	xdpctl_print_json(o, false);
	json_decref(o);
}

/* ---- the command ---- */

static int apply_all(struct apply *a)
{
	for (size_t i = 0; i < a->file.n_ifaces; i++) {
		const char *ifname = a->file.ifnames[i];
		json_t *res = NULL;
		int r = apply_iface(a, ifname, &res);

		if (r < 0) {
			/* Those before it are changed; say so before the failure. */
			if (i > 0 && !a->g->json)
				fprintf(stderr, "xdpctl apply: stopped at %s; %zu interface%s before "
					"it %s\n", ifname, i, i == 1 ? "" : "s",
					a->cfg->dry_run ? "were planned" : "are applied");
			return xdpctl_fail(a->g, a->c, ifname, r);
		}
		json_array_append_new(a->results, res);
		if (!a->g->json)
			xdpctl_print_change(res, a->cfg->dry_run);
	}
	if (a->g->json)
		print_json(a);
	else
		xdpctl_print_change_table(a->results, a->cfg->dry_run);
	return EXIT_OK;
}

int xdpctl_run_apply(const struct global *g, void *cfg)
{
	_cleanup_(apply_done) struct apply a = { .g = g, .cfg = cfg, .nsfd = -EBADF };
	int r;

	for (size_t i = 0; i < ELEMENTSOF(a.fds); i++)
		a.fds[i] = -EBADF;
	a.results = json_array();
	if (!a.results)
		return EXIT_SOFTWARE;
	/* Callers other than root change only their own: so is the label theirs. */
	if (geteuid() != 0) {
		snprintf(a.owner_buf, sizeof(a.owner_buf), "uid:%u", (unsigned)geteuid());
		a.owner = a.owner_buf;
	}
	r = load(&a);
	if (r == EXIT_OK)
		r = open_objects(&a);
	if (r == EXIT_OK)
		r = xdpctl_open_netns(g, &a.nsfd);
	if (r == EXIT_OK)
		r = xdpctl_connect(g, &a.c);
	if (r != EXIT_OK)
		return r;
	return apply_all(&a);
}
