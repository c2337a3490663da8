/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Program objects: metadata through libxdp, loading through libbpf, verifier log kept. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "xl-elf-check.h"
#include "xl-image.h"
#include "xl-plan.h"
#include "xl-prog.h"
#include "xl-vet.h"

#define XL_LOG_SIZE (1U << 20)

/*
 * The verifier log's buffer, as anonymous pages: the kernel writes to it
 * only when a load fails, so an untouched one costs no memory. A calloc()
 * of the same size comes from the heap once glibc has raised its mmap
 * threshold (after the first free of such a block) and then zeroes a
 * megabyte per program: 6 ms of a 9 ms program under TCG.
 */
static char *log_alloc(void)
{
	void *b = mmap(NULL, XL_LOG_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return b == MAP_FAILED ? NULL : b;
}

static void log_free(char *log)
{
	if (log)
		(void)munmap(log, XL_LOG_SIZE);
}

struct xl_prog {
	/* The object's bytes, read once: every instance of the program (EXT
	 * and plain-XDP twin) is loaded from them, never from the path again,
	 * so nobody can change the file between the two loads. */
	struct xl_image img;
	struct bpf_object *obj;		/* NULL for a shared, already loaded program */
	struct bpf_program *prog;
	int shared_fd;			/* that program; else -EBADF */
	int twin_fd;			/* shared: its plain-XDP twin, if it has one */
	char *name;
	char *object;
	int priority;
	__u32 chain_actions;
	bool frags;
	char *log;
	/* xl_prog_spec.vet: the plain-XDP instance loaded first, on a thread
	 * without CAP_PERFMON and CAP_SYS_ADMIN, is the twin; the EXT instance
	 * shares its maps. */
	bool vet;
	char *pin_root;
	struct bpf_object *vet_obj;
	int vetted_fd;
};

struct xl_prog *xl_prog_free(struct xl_prog *p)
{
	if (!p)
		return NULL;
	bpf_object__close(p->obj);
	bpf_object__close(p->vet_obj);
	safe_close(p->vetted_fd);
	free(p->pin_root);
	safe_close(p->shared_fd);
	safe_close(p->twin_fd);
	xl_image_clear(&p->img);
	free(p->name);
	free(p->object);
	log_free(p->log);
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
	p->twin_fd = p->vetted_fd = -EBADF;
	p->shared_fd = fcntl(spec->prog_fd, F_DUPFD_CLOEXEC, 3);
	if (p->shared_fd < 0)
		return xl_err_set(err, -errno, "dup program fd: %s", errno_name(errno));
	if (spec->twin_fd > 0) {
		p->twin_fd = fcntl(spec->twin_fd, F_DUPFD_CLOEXEC, 3);
		if (p->twin_fd < 0)
			return xl_err_set(err, -errno, "dup twin fd: %s", errno_name(errno));
	}
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

/* The path recorded in the state file: the file itself, never /proc/self/fd. */
static char *recorded_path(const struct xl_prog_spec *spec)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	if (spec->object_fd <= 0)
		return realpath(spec->object, NULL);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", spec->object_fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

int xl_prog_open(const struct xl_prog_spec *spec, struct xl_prog **ret, struct xl_err *err)
{
	_cleanup_(xl_prog_freep) struct xl_prog *p = NULL;
	const char *label = spec->object;
	char msg[128], elf_msg[160];
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
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->shared_fd = p->twin_fd = p->vetted_fd = -EBADF;
	p->vet = spec->sz >= offsetofend(struct xl_prog_spec, vet) && spec->vet;
	if (spec->pin_root_path && !(p->pin_root = strdup(spec->pin_root_path)))
		return -ENOMEM;
	err->kind = XL_ERROR_OBJECT_READ;
	/* Recorded in the state file, so it must not depend on our cwd. A
	 * passed fd's file also names the object (its maps' names come from
	 * it), never the fd's number; a path must be read first, to report
	 * a missing file as unreadable rather than unresolvable. */
	if (spec->object_fd > 0 && !(p->object = recorded_path(spec)))
		return xl_err_set(err, -errno, "cannot resolve %s: %s", spec->object, errno_name(errno));
	if (p->object)
		label = p->object;
	r = xl_image_read(&p->img, spec->object_fd, spec->object, label, err);
	if (r < 0)
		return r;
	if (!p->object && !(p->object = recorded_path(spec)))
		return xl_err_set(err, -errno, "cannot resolve %s: %s (%s)", spec->object,
				  strerror(errno), errno_name(errno));
	err->kind = XL_ERROR_OBJECT;
	/* libbpf trusts the section headers' sizes: check them first. */
	r = xl_elf_check(p->img.data, p->img.size, elf_msg, sizeof(elf_msg));
	if (r < 0)
		return xl_err_set(err, r, "%s is not a usable BPF object: %s", label, elf_msg);
	p->obj = xl_image_open(&p->img, spec->pin_root_path);
	if (!p->obj) {
		r = libbpf_err_text(-errno, msg, sizeof(msg));
		return xl_err_set(err, r, "%s is not a usable BPF object: %s", label, msg);
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

static int share_maps(struct bpf_object *twin, const struct bpf_object *first);
static struct bpf_program *select_program(struct bpf_object *obj, const char *name);

/* Plain XDP, frags as the spec says, verifier log into p->log. */
static void set_plain_xdp(const struct xl_prog *p, struct bpf_program *prog)
{
	bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
	bpf_program__set_expected_attach_type(prog, BPF_XDP);
	bpf_program__set_flags(prog, (bpf_program__flags(prog) & ~BPF_F_XDP_HAS_FRAGS) |
			       (p->frags ? BPF_F_XDP_HAS_FRAGS : 0));
	bpf_program__set_log_buf(prog, p->log, XL_LOG_SIZE);
}

static int load_object(void *obj)
{
	return bpf_object__load(obj);
}

/*
 * The vetted instance: the program alone, as plain XDP, loaded on a thread
 * with only CAP_BPF and CAP_NET_ADMIN. Its maps are the ones pinned by
 * name (pin_root), which the EXT instance then shares.
 */
static int load_vetted(struct xl_prog *p)
{
	struct bpf_program *prog;
	int r;

	p->vet_obj = xl_image_open(&p->img, p->pin_root);
	if (!p->vet_obj)
		return -errno;
	prog = select_program(p->vet_obj, bpf_program__name(p->prog));
	if (!prog)
		return -ENOENT;
	set_plain_xdp(p, prog);
	r = xl_vet_run(load_object, p->vet_obj);
	if (r < 0)
		return r;
	p->vetted_fd = fcntl(bpf_program__fd(prog), F_DUPFD_CLOEXEC, 3);
	return p->vetted_fd < 0 ? -errno : 0;
}

static int vet_failed(struct xl_prog *p, int r, struct xl_err *err)
{
	char msg[128];

	r = libbpf_err_text(r, msg, sizeof(msg));
	return xl_err_set(err, r, "vetting %s from %s (loaded as plain XDP without CAP_PERFMON "
			  "and CAP_SYS_ADMIN) failed: %s (%s)%s", bpf_program__name(p->prog),
			  p->object, msg, errno_name(r), xl_prog_log(p) ? "; see the verifier log" : "");
}

/* Load p->obj: on the vetting thread if it runs as plain XDP, else with
 * our full rights after the vetted instance passed, sharing its maps. */
static int load_main(struct xl_prog *p, int target_fd)
{
	if (!p->vet)
		return bpf_object__load(p->obj);
	if (target_fd < 0)
		return xl_vet_run(load_object, p->obj);
	return share_maps(p->obj, p->vet_obj) ?: bpf_object__load(p->obj);
}

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

	if (!p->log && !(p->log = log_alloc()))
		return -ENOMEM;
	err->kind = XL_ERROR_LOAD;
	/* Level 0: libbpf asks for the log only when the load fails. */
	bpf_program__set_log_buf(p->prog, p->log, XL_LOG_SIZE);
	bpf_program__set_flags(p->prog, flags | (p->frags ? BPF_F_XDP_HAS_FRAGS : 0));
	if (p->vet && target_fd >= 0 && p->vetted_fd < 0) {
		r = load_vetted(p);
		if (r < 0)
			return vet_failed(p, r, err);
		p->log[0] = '\0';
	}
	if (target_fd >= 0) {
		bpf_program__set_type(p->prog, BPF_PROG_TYPE_EXT);
		bpf_program__set_expected_attach_type(p->prog, 0);
		r = bpf_program__set_attach_target(p->prog, target_fd, target_func);
		if (r < 0)
			return xl_err_set(err, r, "cannot target %s: %s", target_func, strerror(-r));
	}
	r = load_main(p, target_fd);
	if (r < 0 && p->vet && target_fd < 0)
		return vet_failed(p, r, err);
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

/*
 * Every map of the twin is the first instance's: same state, one copy.
 * Both objects come from the same bytes, so their maps match one to one
 * in order, internal ones (.data, .bss, .rodata) included. A map the first
 * instance did not create, the twin does not create either.
 */
static int share_maps(struct bpf_object *twin, const struct bpf_object *first)
{
	const struct bpf_map *o = NULL;
	struct bpf_map *m;

	bpf_object__for_each_map(m, twin) {
		int r;

		o = bpf_object__next_map(first, o);
		if (!o || strcmp(bpf_map__name(o), bpf_map__name(m)) != 0)
			return -EINVAL;	/* cannot happen with the same bytes */
		bpf_map__set_pin_path(m, NULL);	/* pinned already, if at all */
		if (bpf_map__fd(o) < 0) {
			bpf_map__set_autocreate(m, false);
			continue;
		}
		r = bpf_map__reuse_fd(m, bpf_map__fd(o));
		if (r < 0)
			return r;
	}
	return bpf_object__next_map(first, o) ? -EINVAL : 0;
}

static struct bpf_program *select_program(struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog, *found = NULL;

	bpf_object__for_each_program(prog, obj) {
		if (!found && strcmp(bpf_program__name(prog), name) == 0)
			found = prog;
		else
			bpf_program__set_autoload(prog, false);
	}
	return found;
}

/* The plain-XDP twin of the loaded p->obj, from the same image; a program fd or -errno. */
static int load_twin(struct xl_prog *p)
{
	struct bpf_object *twin = xl_image_open(&p->img, NULL);
	struct bpf_program *prog;
	int r, fd = -EBADF;

	if (!twin)
		return -errno;
	prog = select_program(twin, bpf_program__name(p->prog));
	r = prog ? share_maps(twin, p->obj) : -ENOENT;
	if (r == 0) {
		set_plain_xdp(p, prog);
		r = bpf_object__load(twin);
	}
	if (r == 0) {
		fd = fcntl(bpf_program__fd(prog), F_DUPFD_CLOEXEC, 3);
		r = fd < 0 ? -errno : 0;
	}
	bpf_object__close(twin);
	return r < 0 ? r : fd;
}

bool xl_prog_insns_standalone(const struct bpf_insn *insns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg != 0)
			return false;
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) && insns[i].src_reg == BPF_PSEUDO_FUNC)
			return false;
	}
	return true;
}

/*
 * Bind to twin_fd every map the first instance uses. Its instructions
 * name most of them, but libbpf also binds maps no instruction names
 * (.rodata, for the object's bpf_metadata): without them the twin would
 * not hold the same maps (xdp-tools' xdp_pass.o on 6.12, corpus.bats).
 * A map the twin uses already is bound again as a no-op.
 */
static int bind_maps_of(int twin_fd, int ext_fd, __u32 n)
{
	__u32 ids[64], len;
	struct bpf_prog_info info = {};

	if (n == 0)
		return 0;
	if (n > ELEMENTSOF(ids))
		return -EOPNOTSUPP;	/* the full path binds what libbpf binds */
	info.nr_map_ids = n;
	info.map_ids = (__u64)(uintptr_t)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(ext_fd, &info, &len) < 0)
		return -errno;
	for (__u32 i = 0; i < info.nr_map_ids && i < n; i++) {
		int mfd = bpf_map_get_fd_by_id(ids[i]), r = 0;

		if (mfd < 0)
			return -errno;
		if (bpf_prog_bind_map(twin_fd, mfd, NULL) < 0)
			r = -errno;
		close(mfd);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The twin straight from the instructions libbpf loaded as the EXT
 * instance: relocated already, their map references are that instance's
 * map fds, so the twin shares every map without a second ELF parse, BTF
 * load or libbpf probe (a fifth of a swap's syscalls under emulation).
 * The object's BTF names the function. Only for a program of one function
 * whose calls are plain helpers: anything else -EOPNOTSUPP, and the caller
 * opens the object again.
 */
static int load_twin_direct(struct xl_prog *p)
{
	const struct bpf_insn *insns = bpf_program__insns(p->prog);
	size_t n = bpf_program__insn_cnt(p->prog);
	const struct btf *btf = bpf_object__btf(p->obj);
	int btf_fd = bpf_object__btf_fd(p->obj), ext_fd = bpf_program__fd(p->prog), fd, id;
	struct bpf_func_info fi = {};
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_XDP,
		    .prog_flags = (bpf_program__flags(p->prog) & ~BPF_F_XDP_HAS_FRAGS) |
				  (p->frags ? BPF_F_XDP_HAS_FRAGS : 0));

	if (!insns || !n || ext_fd < 0 || !xl_prog_insns_standalone(insns, n))
		return -EOPNOTSUPP;
	/* The license as the kernel judged it for the first instance. */
	if (bpf_obj_get_info_by_fd(ext_fd, &info, &len) < 0)
		return -errno;
	if (btf && btf_fd >= 0) {
		id = btf__find_by_name_kind(btf, bpf_program__name(p->prog), BTF_KIND_FUNC);
		if (id < 0)
			return -EOPNOTSUPP;
		fi.type_id = (__u32)id;
		o.prog_btf_fd = (__u32)btf_fd;
		o.func_info = &fi;
		o.func_info_cnt = 1;
		o.func_info_rec_size = sizeof(fi);
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, bpf_program__name(p->prog),
			   info.gpl_compatible ? "GPL" : "Proprietary", insns, n, &o);
	/* libbpf keeps fds 0..2 free, and bpf() sets O_CLOEXEC. */
	if (fd < 0)
		return -errno;
	id = bind_maps_of(fd, ext_fd, info.nr_map_ids);
	if (id < 0) {
		close(fd);
		return id;
	}
	return fd;
}

int xl_prog_load_twin(struct xl_prog *p, struct xl_err *err)
{
	char msg[128];
	int fd;

	if (!p->prog) {
		/* Shared: the twin that came with it, if it has one. */
		if (p->twin_fd < 0)
			return -ENOENT;
		fd = fcntl(p->twin_fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? xl_err_set(err, -errno, "dup twin fd: %s", errno_name(errno)) : fd;
	}
	if (p->vetted_fd >= 0) {
		/* Vetted: the twin is the instance the verifier passed first. */
		fd = fcntl(p->vetted_fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? xl_err_set(err, -errno, "dup twin fd: %s", errno_name(errno)) : fd;
	}
	if (!p->log && !(p->log = log_alloc()))
		return -ENOMEM;
	err->kind = XL_ERROR_LOAD;
	fd = load_twin_direct(p);
	if (fd < 0)	/* whatever failed, the full path says it best */
		fd = load_twin(p);
	if (fd < 0) {
		int r = libbpf_err_text(fd, msg, sizeof(msg));

		return xl_err_set(err, r, "loading %s from %s as plain XDP (to run it alone): %s (%s)%s",
				  xl_prog_name(p), p->object, msg, errno_name(r),
				  xl_prog_log(p) ? "; see the verifier log" : "");
	}
	p->log[0] = '\0';
	return fd;
}
