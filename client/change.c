/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl change: send a file of Change operations (io.xdplink.Manager's
 * Operation objects) as one Change. The daemon checks the operations and
 * names a bad field (InvalidParameter operations[2].priority); here only
 * objects by path are turned into open files, so that the daemon reads
 * them with our rights.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xdpctl.h"
#include "xl-util.h"

/* Objects one file may name: Change takes at most this many programs anyway. */
#define MAX_OBJECTS (4 * XL_MAX_PROGS)

#define OPT_AT(st, field) .offset = offsetof(st, field)

const struct opt xdpctl_change_opts[] = {
	{ "IFACE", OPT_STRING, OPT_AT(struct change_cfg, ifname), OPT_POSITIONAL | OPT_REQUIRED,
	  NULL, "the interface" },
	{ "FILE", OPT_STRING, OPT_AT(struct change_cfg, file), OPT_POSITIONAL | OPT_REQUIRED, NULL,
	  "JSON: a list of operations (see xdpctl(8)); - for standard input" },
	{ "dry-run", OPT_FLAG, OPT_AT(struct change_cfg, dry_run), 0, NULL,
	  "show what would change and commit nothing" },
	{ "mode", OPT_MODE, OPT_AT(struct change_cfg, mode), 0, "native|skb",
	  "XDP mode, for the interface's first program" },
	{ "counters", OPT_CONST, OPT_AT(struct change_cfg, counters), 0, NULL,
	  "count verdicts per program from now on", XL_CLIENT_COUNTERS_ON },
	{ "no-counters", OPT_CONST, OPT_AT(struct change_cfg, counters), 0, NULL,
	  "stop counting verdicts", XL_CLIENT_COUNTERS_OFF },
	{ "expect-revision", OPT_REVISION, OPT_AT(struct change_cfg, expect), 0, "N",
	  "refuse unless the interface is at revision N" },
	{ "lifetime", OPT_LIFETIME, OPT_AT(struct change_cfg, lifetime), 0, "pinned|connection",
	  "of the programs attached (connection: xdpctl stays until interrupted)" },
	{ "pass-path", OPT_FLAG, OPT_AT(struct change_cfg, pass_path), 0, NULL,
	  "send the objects' paths for the daemon to open (root only)" },
	{}
};

struct objects {
	int fds[MAX_OBJECTS];
	size_t n;
};

static void objects_done(struct objects *o)
{
	for (size_t i = 0; i < o->n; i++)
		safe_close(o->fds[i]);
}

_printf_(2, 3) static int bad(const char *file, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpctl change: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_DATA;
}

/* o's "object", relative to dir, as an open fd (or an absolute path). */
static int take_object(const struct change_cfg *cc, const char *dir, json_t *o,
		       const char *where, struct objects *objs)
{
	const char *path = json_string_value(json_object_get(o, "object"));
	char buf[PATH_MAX], *real;
	int fd;

	if (!json_object_get(o, "object"))
		return EXIT_OK;
	if (!path || !*path)
		return bad(cc->file, "%s.object: expected a path", where);
	if (snprintf(buf, sizeof(buf), "%s%s%s", path[0] == '/' ? "" : dir,
		     path[0] == '/' ? "" : "/", path) >= (int)sizeof(buf))
		return bad(cc->file, "%s.object: path too long", where);
	real = realpath(buf, NULL);
	if (!real) {
		fprintf(stderr, "xdpctl change: %s: %s.object %s: %s\n", cc->file, where, buf,
			strerror(errno));
		return EXIT_NOINPUT;
	}
	if (cc->pass_path) {
		json_object_set_new(o, "object", json_string(real));
		free(real);
		return EXIT_OK;
	}
	if (objs->n == MAX_OBJECTS) {
		free(real);
		return bad(cc->file, "more than %d objects", MAX_OBJECTS);
	}
	fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "xdpctl change: %s: %s.object %s: %s\n", cc->file, where, real,
			strerror(errno));
		free(real);
		return EXIT_NOINPUT;
	}
	free(real);
	objs->fds[objs->n++] = fd;
	json_object_del(o, "object");
	json_object_set_new(o, "objectFd", json_integer(fd));
	return EXIT_OK;
}

/* The operations of the file: their objects opened, the rest as written. */
static int prepare(const struct change_cfg *cc, json_t *ops, const char *dir,
		   struct objects *objs)
{
	char where[64];
	json_t *op, *p;
	size_t i, k;
	int r;

	json_array_foreach(ops, i, op) {
		json_t *programs = json_object_get(op, "programs");

		snprintf(where, sizeof(where), "operations[%zu]", i);
		if (!json_is_object(op) || !json_is_string(json_object_get(op, "op")))
			return bad(cc->file, "%s: expected an object with \"op\"", where);
		if (json_object_get(op, "objectFd"))
			return bad(cc->file, "%s.objectFd: give object, a path", where);
		r = take_object(cc, dir, op, where, objs);
		if (r != EXIT_OK)
			return r;
		if (programs && !json_is_array(programs))
			return bad(cc->file, "%s.programs: expected a list", where);
		json_array_foreach(programs, k, p) {
			snprintf(where, sizeof(where), "operations[%zu].programs[%zu]", i, k);
			if (!json_is_object(p) || json_object_get(p, "objectFd"))
				return bad(cc->file, "%s: expected a program object with object",
					   where);
			r = take_object(cc, dir, p, where, objs);
			if (r != EXIT_OK)
				return r;
		}
	}
	return EXIT_OK;
}

/* The file: a list of operations, or {"operations": [...]}. */
static int load(const struct change_cfg *cc, json_t **ret, char **ret_dir)
{
	bool is_stdin = !strcmp(cc->file, "-");
	_cleanup_(json_decrefp) json_t *root = NULL;
	_cleanup_free_ char *abs = NULL;
	json_error_t e;
	json_t *ops;

	root = is_stdin ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &e) :
			  json_load_file(cc->file, JSON_REJECT_DUPLICATES, &e);
	if (!root && e.line < 0 && !is_stdin) {
		fprintf(stderr, "xdpctl change: %s: %s\n", cc->file, e.text);
		return EXIT_NOINPUT;
	}
	if (!root)
		return bad(cc->file, "%d: %s", e.line, e.text);
	ops = root;
	if (json_is_object(root)) {
		ops = json_object_get(root, "operations");
		if (json_object_size(root) != 1 || !ops)
			return bad(cc->file, "expected a list of operations, or an object with only "
				   "\"operations\"");
	}
	if (!json_is_array(ops))
		return bad(cc->file, "operations: expected a list");
	abs = is_stdin ? getcwd(NULL, 0) : realpath(cc->file, NULL);
	if (!abs)
		return bad(cc->file, "%s", strerror(errno));
	*ret_dir = is_stdin ? TAKE_PTR(abs) : strdup(dirname(abs));
	*ret = json_incref(ops);
	return *ret_dir ? EXIT_OK : EXIT_SOFTWARE;
}

static void print(const struct global *g, const struct change_cfg *cc, json_t *res)
{
	json_t *list;

	if (g->json) {
		json_object_del(res, "before");
		xdpctl_print_json(res, false);
		return;
	}
	xdpctl_print_change(res, cc->dry_run);
	list = json_pack("[O]", res);
	if (list)
		xdpctl_print_change_table(list, cc->dry_run);
	json_decref(list);
}

int xdpctl_run_change(const struct global *g, void *cfg)
{
	const struct change_cfg *cc = cfg;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .mode = cc->mode,
					      .counters = cc->counters,
					      .expected_revision = cc->expect,
					      .lifetime = cc->lifetime };
	_cleanup_(json_decrefp) json_t *ops = NULL, *ifaces = NULL, *res = NULL;
	_cleanup_(objects_done) struct objects objs = {};
	_cleanup_close_ int nsfd = -EBADF;
	_cleanup_free_ char *dir = NULL;
	struct xl_client *c;
	int r;

	r = load(cc, &ops, &dir);
	if (r == EXIT_OK)
		r = prepare(cc, ops, dir, &objs);
	if (r == EXIT_OK)
		r = xdpctl_open_netns(g, &nsfd);
	opts.netns_fd = nsfd > 0 ? nsfd : 0;
	if (r == EXIT_OK)
		r = xdpctl_connect(g, &c);
	if (r != EXIT_OK)
		return r;
	/* The set before, to name what goes. */
	r = xl_client__list_in(c, cc->ifname, opts.netns_fd, &ifaces);
	if (r == 0)
		r = xl_client__change(c, cc->ifname, ops, &opts, cc->dry_run, &res);
	if (r == 0 && (json_object_set_new(res, "interface", json_string(cc->ifname)) < 0 ||
		       json_object_set(res, "before", json_array_get(ifaces, 0)) < 0))
		r = -ENOMEM;
	if (r == 0)
		print(g, cc, res);
	if (r == 0 && cc->lifetime == XL_CLIENT_LIFETIME_CONNECTION && !cc->dry_run)
		r = xdpctl_hold(c);
	if (r < 0)
		r = xdpctl_fail(g, c, cc->ifname, r);
	xl_client__free(c);
	return r;
}
