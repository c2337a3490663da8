/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Program objects: metadata through libxdp, loading through libbpf, verifier log kept. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "xl-plan.h"
#include "xl-prog.h"

#define XL_LOG_SIZE (1U << 20)

struct xl_prog {
	struct bpf_object *obj;		/* NULL for a shared, already loaded program */
	struct bpf_program *prog;
	int shared_fd;			/* that program; else -EBADF */
	char *name;
	char *object;
	char *pin_root;
	int priority;
	__u32 chain_actions;
	bool frags;
	char *log;
};

struct xl_prog *xl_prog_free(struct xl_prog *p)
{
	if (!p)
		return NULL;
	bpf_object__close(p->obj);
	safe_close(p->shared_fd);
	free(p->name);
	free(p->object);
	free(p->pin_root);
	free(p->log);
	free(p);
	return NULL;
}

static void xl_prog_freep(struct xl_prog **p)
{
	xl_prog_free(*p);
}

/* libbpf returns its own codes above 4000 for malformed objects. */
static int libbpf_err_text(int err, char *buf, size_t len)
{
	libbpf_strerror(err, buf, len);
	return err < -4000 ? -EINVAL : err;
}

static int find_program(struct xl_prog *p, const char *name, struct xl_err *err)
{
	struct bpf_program *prog;
	char names[256] = "";
	size_t off = 0;

	bpf_object__for_each_program(prog, p->obj) {
		bool xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;

		if (!p->prog && (name ? strcmp(bpf_program__name(prog), name) == 0 : xdp))
			p->prog = prog;
		else
			bpf_program__set_autoload(prog, false);
		if (off < sizeof(names))
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
						off ? ", " : "", bpf_program__name(prog));
	}
	/* A long list is cut: say so rather than end on half a name. */
	if (off >= sizeof(names))
		memcpy(names + sizeof(names) - sizeof(", ..."), ", ...", sizeof(", ..."));
	if (!p->prog)
		return xl_err_set(err, -ENOENT, "%s: no %s%s program (it has: %s)", p->object,
				  name ? "" : "XDP", name ? name : "", off ? names : "none");
	if (bpf_program__type(p->prog) != BPF_PROG_TYPE_XDP)
		return xl_err_set(err, -EINVAL, "%s: program %s is not an XDP program",
				  p->object, bpf_program__name(p->prog));
	return 0;
}

/* Read XDP_RUN_CONFIG the way xdp-loader does, so its objects work as-is. */
static int read_metadata(struct xl_prog *p, struct xl_err *err)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = p->obj,
			    .prog_name = bpf_program__name(p->prog));
	struct xdp_program *xp;
	long r;

	xp = xdp_program__create(&opts);
	r = libxdp_get_error(xp);
	if (r)
		return xl_err_set(err, (int)r, "%s: cannot read XDP_RUN_CONFIG of %s: %s",
				  p->object, bpf_program__name(p->prog), strerror((int)-r));
	p->priority = (int)xdp_program__run_prio(xp);
	p->chain_actions = 0;
	for (int a = XDP_ABORTED; a <= XDP_REDIRECT; a++)
		if (xdp_program__chain_call_enabled(xp, (enum xdp_action)a))
			p->chain_actions |= XL_ACTION(a);
	if (!p->chain_actions)
		p->chain_actions = XL_ACTIONS_NONE;
	xdp_program__close(xp);
	/* libbpf turns "xdp.frags" into BPF_F_XDP_HAS_FRAGS only while loading,
	 * so before the load the section name is what tells. */
	p->frags = (bpf_program__flags(p->prog) & BPF_F_XDP_HAS_FRAGS) ||
		   strncmp(bpf_program__section_name(p->prog), "xdp.frags", 9) == 0;
	return 0;
}

/* A program loaded before, by this engine, for another attachment. */
static int open_shared(const struct xl_prog_spec *spec, struct xl_prog **ret, struct xl_err *err)
{
	_cleanup_(xl_prog_freep) struct xl_prog *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->shared_fd = fcntl(spec->prog_fd, F_DUPFD_CLOEXEC, 3);
	if (p->shared_fd < 0)
		return xl_err_set(err, -errno, "dup program fd: %s", errno_name(errno));
	p->name = strdup(spec->prog_name ? spec->prog_name : "");
	p->object = strdup(spec->object ? spec->object : "");
	if (!p->name || !p->object)
		return -ENOMEM;
	p->priority = spec->priority == XL_PRIORITY_FROM_OBJECT ? XL_DEFAULT_PRIORITY
								 : spec->priority;
	p->chain_actions = spec->chain_actions ? spec->chain_actions : XL_ACTION(XDP_PASS);
	p->frags = spec->frags;
	err->kind = XL_ERROR_NONE;
	*ret = TAKE_PTR(p);
	return 0;
}

int xl_prog_open(const struct xl_prog_spec *spec, struct xl_prog **ret, struct xl_err *err)
{
	_cleanup_(xl_prog_freep) struct xl_prog *p = NULL;
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = spec->pin_root_path);
	char msg[128];
	int r;

	if (spec->prog_fd > 0)
		return open_shared(spec, ret, err);
	if (!spec->object)
		return xl_err_set(err, -EINVAL, "no object file given");
	err->kind = XL_ERROR_REQUEST;
	if (spec->priority != XL_PRIORITY_FROM_OBJECT &&
	    (spec->priority < 0 || spec->priority > XL_PRIORITY_MAX))
		return xl_err_set(err, -ERANGE, "priority %d out of range 0..%d",
				  spec->priority, XL_PRIORITY_MAX);
	/* Fail early and plainly, before libbpf's messages about ELF. */
	err->kind = XL_ERROR_OBJECT_READ;
	if (access(spec->object, R_OK) < 0)
		return xl_err_set(err, -errno, "cannot read %s: %s (%s)", spec->object,
				  strerror(errno), errno_name(errno));
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->shared_fd = -EBADF;
	/* Recorded in the state file, so it must not depend on our cwd. */
	p->object = realpath(spec->object, NULL);
	if (!p->object)
		return xl_err_set(err, -errno, "cannot resolve %s: %s", spec->object, errno_name(errno));
	if (spec->pin_root_path && !(p->pin_root = strdup(spec->pin_root_path)))
		return -ENOMEM;
	err->kind = XL_ERROR_OBJECT;
	p->obj = bpf_object__open_file(spec->object, &oo);
	r = (int)libbpf_get_error(p->obj);
	if (r < 0) {
		p->obj = NULL;
		r = libbpf_err_text(r, msg, sizeof(msg));
		return xl_err_set(err, r, "%s is not a usable BPF object: %s", spec->object, msg);
	}
	r = find_program(p, spec->prog_name, err);
	if (r < 0)
		return r;
	r = read_metadata(p, err);
	if (r < 0)
		return r;
	if (spec->priority != XL_PRIORITY_FROM_OBJECT)
		p->priority = spec->priority;
	if (spec->chain_actions)
		p->chain_actions = spec->chain_actions;
	err->kind = XL_ERROR_NONE;
	*ret = TAKE_PTR(p);
	return 0;
}

int xl_prog_priority(const struct xl_prog *p) { return p->priority; }
__u32 xl_prog_chain_actions(const struct xl_prog *p) { return p->chain_actions; }
bool xl_prog_frags(const struct xl_prog *p) { return p->frags; }
bool xl_prog_shared(const struct xl_prog *p) { return !p->prog; }

const char *xl_prog_name(const struct xl_prog *p)
{
	return p->prog ? bpf_program__name(p->prog) : p->name;
}
const char *xl_prog_object(const struct xl_prog *p) { return p->object; }
const char *xl_prog_log(const struct xl_prog *p) { return p->log && p->log[0] ? p->log : NULL; }

int xl_prog_load(struct xl_prog *p, int target_fd, const char *target_func, struct xl_err *err)
{
	__u32 flags;
	char msg[128];
	int r, fd;

	if (!p->prog) {
		/* Shared: an EXT program attaches to any slot of any
		 * dispatcher, since all slots have one signature. */
		fd = fcntl(p->shared_fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? xl_err_set(err, -errno, "dup program fd: %s", errno_name(errno)) : fd;
	}
	flags = bpf_program__flags(p->prog) & ~BPF_F_XDP_HAS_FRAGS;

	if (!p->log && !(p->log = calloc(1, XL_LOG_SIZE)))
		return -ENOMEM;
	err->kind = XL_ERROR_LOAD;
	/* Level 0: libbpf asks for the log only when the load fails. */
	bpf_program__set_log_buf(p->prog, p->log, XL_LOG_SIZE);
	bpf_program__set_flags(p->prog, flags | (p->frags ? BPF_F_XDP_HAS_FRAGS : 0));
	if (target_fd >= 0) {
		bpf_program__set_type(p->prog, BPF_PROG_TYPE_EXT);
		bpf_program__set_expected_attach_type(p->prog, 0);
		r = bpf_program__set_attach_target(p->prog, target_fd, target_func);
		if (r < 0)
			return xl_err_set(err, r, "cannot target %s: %s", target_func, strerror(-r));
	}
	r = bpf_object__load(p->obj);
	if (r < 0) {
		r = libbpf_err_text(r, msg, sizeof(msg));
		return xl_err_set(err, r, "loading %s from %s failed: %s (%s)%s",
				  bpf_program__name(p->prog), p->object, msg, errno_name(r),
				  xl_prog_log(p) ? "; see the verifier log" : "");
	}
	p->log[0] = '\0';
	err->kind = XL_ERROR_KERNEL;
	fd = fcntl(bpf_program__fd(p->prog), F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return xl_err_set(err, -errno, "dup program fd: %s", errno_name(errno));
	return fd;
}

/* Every map of the twin is the first instance's: same state, one copy. */
static int share_maps_of_object(struct bpf_object *twin, const void *ctx)
{
	const struct bpf_object *orig = ctx;
	struct bpf_map *m;

	bpf_object__for_each_map(m, twin) {
		struct bpf_map *o = bpf_object__find_map_by_name(orig, bpf_map__name(m));
		int r;

		if (!o || bpf_map__fd(o) < 0)
			return -ENOENT;
		r = bpf_map__reuse_fd(m, bpf_map__fd(o));
		if (r < 0)
			return r;
	}
	return 0;
}

/* The kernel keeps the first BPF_OBJ_NAME_LEN - 1 bytes of a map's name. */
static bool kernel_name_is(const char *libbpf_name, const char *kernel_name)
{
	return strncmp(libbpf_name, kernel_name, BPF_OBJ_NAME_LEN - 1) == 0;
}

/*
 * Without the first instance's object (a later session, a kept program),
 * its maps are found from the running program: every map it uses must
 * match exactly one map of the reopened object by name, or the file is
 * not the one it was loaded from. Maps it does not use are the twin's own.
 */
static int share_maps_of_prog(struct bpf_object *twin, const void *ctx)
{
	int prog_fd = *(const int *)ctx;
	__u32 ids[64];
	struct bpf_prog_info info = { .nr_map_ids = ELEMENTSOF(ids), .map_ids = (__u64)(uintptr_t)ids };
	__u32 len = sizeof(info);
	int r;

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) < 0)
		return -errno;
	if (info.nr_map_ids > ELEMENTSOF(ids))
		return -E2BIG;
	for (__u32 i = 0; i < info.nr_map_ids; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		_cleanup_close_ int fd = bpf_map_get_fd_by_id(ids[i]);
		struct bpf_map *m, *match = NULL;

		if (fd < 0)
			return -errno;
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) < 0)
			return -errno;
		bpf_object__for_each_map(m, twin) {
			if (!kernel_name_is(bpf_map__name(m), mi.name))
				continue;
			if (match)
				return -ENOTUNIQ;
			match = m;
		}
		if (!match)
			return -ENOENT;
		r = bpf_map__reuse_fd(match, fd);
		if (r < 0)
			return r;
		/* The shared map is already where it belongs; pin nothing again. */
		bpf_map__set_pin_path(match, NULL);
	}
	return 0;
}

static int tag_of(int prog_fd, __u8 tag[BPF_TAG_SIZE])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) < 0)
		return -errno;
	memcpy(tag, info.tag, BPF_TAG_SIZE);
	return 0;
}

/* Open object again, load its program name as plain XDP with maps shared
 * by share(); returns the program fd or -errno. */
static int load_twin(const char *object, const char *name, bool frags, const char *pin_root,
		     int (*share)(struct bpf_object *, const void *), const void *ctx)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin_root);
	struct bpf_program *prog, *twin_prog = NULL;
	struct bpf_object *twin;
	int r, fd = -EBADF;

	twin = bpf_object__open_file(object, &oo);
	r = (int)libbpf_get_error(twin);
	if (r < 0)
		return r < -4000 ? -EINVAL : r;
	bpf_object__for_each_program(prog, twin) {
		if (strcmp(bpf_program__name(prog), name) == 0)
			twin_prog = prog;
		else
			bpf_program__set_autoload(prog, false);
	}
	r = twin_prog ? share(twin, ctx) : -ENOENT;
	if (r == 0) {
		bpf_program__set_type(twin_prog, BPF_PROG_TYPE_XDP);
		bpf_program__set_expected_attach_type(twin_prog, BPF_XDP);
		bpf_program__set_flags(twin_prog, (bpf_program__flags(twin_prog) & ~BPF_F_XDP_HAS_FRAGS) |
				       (frags ? BPF_F_XDP_HAS_FRAGS : 0));
		r = bpf_object__load(twin);
	}
	if (r == 0) {
		fd = fcntl(bpf_program__fd(twin_prog), F_DUPFD_CLOEXEC, 3);
		r = fd < 0 ? -errno : 0;
	}
	bpf_object__close(twin);
	return r < 0 ? (r < -4000 ? -EINVAL : r) : fd;
}

int xl_prog_load_twin(struct xl_prog *p, struct xl_err *err)
{
	const char *name = xl_prog_name(p);
	int fd;

	err->kind = XL_ERROR_LOAD;
	if (!p->prog) {
		/* Shared: found again from its object, with the running maps. */
		fd = xl_prog_twin_of(p->shared_fd, p->object, name, p->frags);
		return fd < 0 ? xl_err_set(err, fd, "loading %s from %s as plain XDP: %s", name,
					   p->object, errno_name(fd)) : fd;
	}
	fd = load_twin(p->object, name, p->frags, p->pin_root, share_maps_of_object, p->obj);
	if (fd < 0)
		return xl_err_set(err, fd, "loading %s from %s as plain XDP (to run it alone): %s",
				  name, p->object, errno_name(fd));
	return fd;
}

int xl_prog_twin_of(int prog_fd, const char *object, const char *name, bool frags)
{
	__u8 want[BPF_TAG_SIZE], got[BPF_TAG_SIZE];
	int fd, r;

	if (!object || !name)
		return -ENOENT;
	r = tag_of(prog_fd, want);
	if (r < 0)
		return r;
	fd = load_twin(object, name, frags, NULL, share_maps_of_prog, &prog_fd);
	if (fd < 0)
		return fd;
	r = tag_of(fd, got);
	if (r == 0 && memcmp(want, got, sizeof(want)) != 0)
		r = -ESTALE;	/* the file changed since the program was loaded */
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
