/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench setup and teardown: netns, bpffs and state directories, veth devices, engine ifaces. */
#include <errno.h>
#include <ftw.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Run argv, wait for it, fail unless it exits 0. */
static int run_cmd(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return fail(-errno, "fork for %s", argv[0]);
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "xl-bench: exec %s: %s\n", argv[0], errno_name(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return fail(-errno, "waiting for %s", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail(-ECHILD, "%s %s %s ... failed (status 0x%x)", argv[0], argv[1], argv[2],
			    status);
	return 0;
}

/* A veth pair in our netns; returns the ifindex of its first end. */
int add_dev(struct bench *b)
{
	char name[IF_NAMESIZE], peer[IF_NAMESIZE];
	char *argv[] = { "ip", "link", "add", name, "type", "veth", "peer", "name", peer, NULL };
	unsigned idx;
	int r;

	if (b->n_devs >= MAX_DEVS)
		return fail(-E2BIG, "more than %d devices", MAX_DEVS);
	snprintf(name, sizeof(name), "xlb%d", b->n_devs);
	snprintf(peer, sizeof(peer), "xlb%dp", b->n_devs++);
	r = run_cmd(argv);
	if (r < 0)
		return r;
	idx = if_nametoindex(name);
	if (!idx)
		return fail(-errno, "if_nametoindex(%s)", name);
	return (int)idx;
}

int iface_fail(struct xl_iface *iface, int r, const char *what)
{
	return fail(r, "%s: %s", what, xl_iface__last_error(iface));
}

/* A new device, opened by the engine; teardown() detaches and frees it. */
int open_iface(struct bench *b, struct xl_iface **ret)
{
	int ifindex = add_dev(b), r;

	if (ifindex < 0)
		return ifindex;
	r = xl_iface__open(b->e, ifindex, ret);
	if (r < 0)
		return fail(r, "xl_iface__open(%d): %s", ifindex, xl_engine__last_error(b->e));
	b->ifaces[b->n_ifaces++] = *ret;
	return 0;
}

/* Attach xl_pass_<first> .. xl_pass_<first+n-1> in one batch. */
int apply_set(struct xl_iface *iface, const struct bench *b, int first, int n, bool counters)
{
	struct xl_apply_opts ao = { .sz = sizeof(ao), .mode = XL_MODE_SKB, .counters = counters };
	_cleanup_batch_ struct xl_batch *batch = xl_batch__new();
	int r = batch ? 0 : -ENOMEM;

	for (int i = first; r >= 0 && i < first + n; i++) {
		struct xl_prog_spec s = { .sz = sizeof(s), .object = b->o.object,
			.prog_name = pass_name(i), .priority = XL_PRIORITY_FROM_OBJECT,
			.pin_root_path = b->pins };

		r = xl_batch__add(batch, &s);
	}
	if (r < 0)
		return fail(r, "building a batch of %d programs", n);
	r = xl_iface__apply(iface, batch, &ao);
	return r < 0 ? iface_fail(iface, r, "xl_iface__apply") : 0;
}

static int rm_entry(const char *path, _unused_ const struct stat *st, _unused_ int flag,
		    _unused_ struct FTW *ftw)
{
	if (remove(path) < 0)
		fail(-errno, "removing %s", path);
	return 0;
}

static void rm_tree(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		fail(-errno, "walking %s", path);
}

int path_join(char *dst, const char *root, const char *name)
{
	int n = snprintf(dst, PATH_MAX, "%s/%s", root, name);

	return n < 0 || n >= PATH_MAX ? fail(-ENAMETOOLONG, "%s/%s", root, name) : 0;
}

/* given (mkdir), or a fresh mkdtemp of tmpl; *made says teardown removes it. */
static int make_dir(char *dst, const char *given, const char *tmpl, bool *made)
{
	if (strlen(given ? given : tmpl) >= PATH_MAX)
		return fail(-ENAMETOOLONG, "%s", given ? given : tmpl);
	strcpy(dst, given ? given : tmpl);
	if (given ? mkdir(dst, 0700) < 0 : !mkdtemp(dst))
		return fail(-errno, "creating %s", dst);
	*made = true;
	return 0;
}

static int sub_dir(char *dst, const char *root, const char *name)
{
	int r = path_join(dst, root, name);

	if (r == 0 && mkdir(dst, 0700) < 0)
		r = fail(-errno, "creating %s", dst);
	return r;
}

/* The bpffs tree (maps/, libxdp/; xdplinkd/ is the engine's) and the state directory. */
static int setup_dirs(struct bench *b)
{
	char tmpl[PATH_MAX];
	int r = path_join(tmpl, getenv("TMPDIR") ?: "/tmp", "xl-bench-state.XXXXXX");

	if (r == 0)
		r = make_dir(b->root, b->o.root, "/sys/fs/bpf/xl-bench-XXXXXX", &b->root_made);
	if (r == 0)
		r = make_dir(b->state, b->o.state, tmpl, &b->state_made);
	if (r == 0)
		r = sub_dir(b->pins, b->root, "maps");
	if (r == 0)
		r = sub_dir(b->libxdp_root, b->root, "libxdp");
	if (r == 0)
		r = path_join(b->engine_root, b->root, "xdplinkd");
	return r;
}

static int setup_engine(struct bench *b)
{
	char err[512] = "";
	struct xl_engine_opts eo = { .sz = sizeof(eo), .err_buf = err, .err_buf_sz = sizeof(err),
				     .bpffs_root = b->engine_root, .state_dir = b->state };
	int r = xl_engine__new(&eo, &b->e);

	if (r < 0)
		return fail(r, "xl_engine__new: %s", err);
	if (!xl_engine__has_freplace(b->e))
		return fail(-EOPNOTSUPP,
			    "this kernel has no freplace (%s); run via tests/bench/run",
			    xl_engine__degraded_reason(b->e));
	return 0;
}

/* Own netns (it dies with us, and our devices with it), own bpffs tree. */
int setup(struct bench *b)
{
	int r;

	if (unshare(CLONE_NEWNET) < 0)
		return fail(-errno, "unshare(CLONE_NEWNET)");
	r = setup_dirs(b);
	if (r < 0)
		return r;
	/* libxdp reads it once, at its first pin. */
	if (setenv("LIBXDP_BPFFS", b->libxdp_root, 1) < 0)
		return fail(-errno, "setenv LIBXDP_BPFFS");
	return setup_engine(b);
}

/* Remove every program from iface in one batch (the engine detaches it). */
int detach_set(struct xl_iface *iface)
{
	_cleanup_batch_ struct xl_batch *batch = xl_batch__new();
	int r = batch ? xl_batch__remove_all(batch) : -ENOMEM;

	if (r < 0)
		return fail(r, "building a remove-all batch");
	r = xl_iface__apply(iface, batch, NULL);
	return r < 0 ? iface_fail(iface, r, "detaching everything") : 0;
}

/* Detach everything from each engine interface, then free it. */
static void ifaces_free(struct bench *b)
{
	for (int i = 0; i < b->n_ifaces; i++) {
		detach_set(b->ifaces[i]);
		b->ifaces[i] = xl_iface__free(b->ifaces[i]);
	}
	b->n_ifaces = 0;
}

void teardown(struct bench *b)
{
	sets_free(b);
	ifaces_free(b);
	b->e = xl_engine__free(b->e);
	if (b->root_made)
		rm_tree(b->root);
	if (b->state_made)
		rm_tree(b->state);
}
