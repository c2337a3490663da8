/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying a batch: plan, build the new revision, commit with one link call, drop the old one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <net/if.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-bpf.h"
#include "xl-dispatcher.h"
#include "xl-internal.h"
#include "xl-path.h"
#include "xl-plan.h"
#include "xl-prog.h"
#include "xl-undo.h"

/*
 * Test hook: XL_TEST_CRASH=before-commit or after-commit ends the process
 * there, leaving exactly what a crash at that point would leave, so that
 * tests can exercise recovery on real pins.
 */
static void crash_point(const char *where)
{
	const char *want = secure_getenv("XL_TEST_CRASH");

	if (want && strcmp(want, where) == 0)
		_exit(86);
}

/* Everything one apply creates before its commit. */
struct attempt {
	struct xl_plan plan;
	struct xl_prog *progs[XL_MAX_PROGS + 1];	/* by batch addition index */
	int fds[XL_MAX_PROGS];		/* by plan item; owned only when new */
	struct xl_dispatcher *disp;
	int entry_fd;			/* owned */
	int counters_fd;		/* owned, when this attempt created the map */
	int link_fd;			/* owned, when this attempt created the link */
	struct xl_state st;
	struct xl_undo undo;
	char ifname[IF_NAMESIZE];
};

static void attempt_free(struct attempt **ap)
{
	struct attempt *a = *ap;

	if (!a)
		return;
	for (size_t i = 0; i < ELEMENTSOF(a->progs); i++)
		xl_prog_free(a->progs[i]);
	for (size_t i = 0; i < a->plan.n; i++)
		if (a->plan.items[i].add_idx >= 0)
			safe_close(a->fds[i]);
	xl_dispatcher_free(a->disp);
	safe_close(a->entry_fd);
	safe_close(a->counters_fd);
	safe_close(a->link_fd);
	xl_state_clear(&a->st);
	xl_undo_run(&a->undo);
	free(a);
}

static int live_index(const struct xl_iface *iface, __u32 id)
{
	for (size_t i = 0; i < iface->st.n; i++)
		if (iface->st.att[i].id == id)
			return (int)i;
	return -1;
}

static int open_additions(struct xl_iface *iface, struct xl_batch *b, struct attempt *a)
{
	for (size_t i = 0; i < b->n_adds; i++) {
		int r = xl_prog_open(&b->adds[i].spec, &a->progs[i], &iface->err);

		if (r < 0)
			return r;
	}
	return 0;
}

static int plan_error(struct xl_iface *iface, int r, const struct xl_plan_input *in)
{
	switch (r) {
	case -ESTALE:
		return xl_err_set(&iface->err, r, "expected revision %llu, but %s is at revision %llu",
				  (unsigned long long)in->expected_revision, "the interface",
				  (unsigned long long)in->revision);
	case -E2BIG:
		return xl_err_set(&iface->err, r, "too many programs: %zu would be attached, the limit is %d",
				  in->n_live + in->n_adds - in->n_removes, XL_MAX_PROGS);
	case -ENOENT:
		return xl_err_set(&iface->err, r, "no attachment with that id to remove");
	case -ERANGE:
		return xl_err_set(&iface->err, r, "priority out of range 0..%d", XL_PRIORITY_MAX);
	default:
		return xl_err_set(&iface->err, r, "invalid batch: %s", errno_name(r));
	}
}

static int make_plan(struct xl_iface *iface, struct xl_batch *b,
		     const struct xl_apply_opts *opts, struct attempt *a)
{
	struct xl_plan_item live[XL_MAX_PROGS], adds[XL_MAX_PROGS + 1];
	struct xl_plan_input in = {
		.revision = iface->st.revision, .expected_revision = opts->expected_revision,
		.next_id = iface->st.next_id ? iface->st.next_id : 1, .counters = opts->counters,
		.live = live, .n_live = iface->st.n, .adds = adds, .n_adds = b->n_adds,
		.removes = b->removes, .n_removes = b->n_removes, .remove_all = b->remove_all,
	};
	int r;

	for (size_t i = 0; i < iface->st.n; i++) {
		const struct xl_attachment *att = &iface->st.att[i];

		live[i] = (struct xl_plan_item){ .id = att->id, .priority = att->priority,
			.chain_actions = att->chain_actions, .frags = att->frags,
			.counter_row = att->counter_row };
	}
	for (size_t i = 0; i < b->n_adds; i++)
		adds[i] = (struct xl_plan_item){ .priority = xl_prog_priority(a->progs[i]),
			.chain_actions = xl_prog_chain_actions(a->progs[i]),
			.frags = xl_prog_frags(a->progs[i]) };
	r = xl_plan_build(&in, &a->plan);
	if (r < 0)
		return plan_error(iface, r, &in);
	if (iface->link_fd >= 0 && opts->mode != XL_MODE_UNSPEC && opts->mode != iface->st.mode)
		return xl_err_set(&iface->err, -EINVAL,
				  "%s is attached in %s mode; remove all programs to change the mode",
				  a->ifname, iface->st.mode == XL_MODE_SKB ? "skb" : "native");
	if (!iface->e->has_freplace && (a->plan.n > 1 || opts->counters))
		return xl_err_set(&iface->err, -EOPNOTSUPP, "%s: %s",
				  opts->counters ? "counters need the dispatcher" :
				  "a second program needs the dispatcher", iface->e->degraded_reason);
	if (!iface->e->entry_replace)
		a->plan.entry_mode = false;
	return 0;
}

static int pin_tracked(struct attempt *a, int fd, const char *path, struct xl_err *err)
{
	int r = xl_pin(fd, path);

	if (r < 0)
		return xl_err_set(err, r, "pinning %s: %s", path, errno_name(r));
	return xl_undo_push(&a->undo, path, false);
}

static int mkdir_tracked(struct attempt *a, const char *path, struct xl_err *err)
{
	if (mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			return 0;
		return xl_err_set(err, -errno, "creating %s: %s", path, errno_name(errno));
	}
	return xl_undo_push(&a->undo, path, true);
}

/* A new attachment's row may hold a previous owner's counts. */
static int zero_rows(int map_fd, const struct xl_plan *plan)
{
	int ncpu = libbpf_num_possible_cpus();
	_cleanup_free_ struct xl_verdict_counts *zero = NULL;

	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	zero = calloc((size_t)ncpu, sizeof(*zero));
	if (!zero)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_fresh_rows; i++) {
		int r = bpf_map_update_elem(map_fd, &plan->fresh_rows[i], zero, BPF_ANY);

		if (r < 0)
			return r;
	}
	return 0;
}

static int load_dispatcher(struct xl_iface *iface, struct attempt *a)
{
	char path[PATH_MAX];
	int r;

	r = xl_dispatcher_load(&a->plan.cfg, a->plan.frags, iface->counters_fd, &a->disp, &iface->err);
	if (r < 0)
		return r;
	if (iface->counters_fd < 0) {
		a->counters_fd = fcntl(xl_dispatcher_counters_fd(a->disp), F_DUPFD_CLOEXEC, 3);
		if (a->counters_fd < 0)
			return -errno;
		r = xl_path_counters(path, sizeof(path), iface->dir);
		if (r == 0)
			r = pin_tracked(a, a->counters_fd, path, &iface->err);
		if (r < 0)
			return r;
	}
	r = zero_rows(iface->counters_fd >= 0 ? iface->counters_fd : a->counters_fd, &a->plan);
	if (r < 0)
		return xl_err_set(&iface->err, r, "clearing counters: %s", errno_name(r));
	a->entry_fd = fcntl(xl_dispatcher_fd(a->disp), F_DUPFD_CLOEXEC, 3);
	return a->entry_fd < 0 ? -errno : 0;
}

/* The program fd of plan item i: a kept one's, or a freshly loaded and pinned one. */
static int item_program(struct xl_iface *iface, struct attempt *a, size_t i, int slot)
{
	const struct xl_plan_item *it = &a->plan.items[i];
	struct xl_prog *p;
	char path[PATH_MAX], func[32];
	int fd, r;

	if (it->add_idx < 0) {
		a->fds[i] = iface->prog_fds[live_index(iface, it->id)];
		return 0;
	}
	p = a->progs[it->add_idx];
	fd = xl_prog_load(p, a->disp ? xl_dispatcher_fd(a->disp) : -EBADF,
			  xl_dispatcher_func(slot, func, sizeof(func)), &iface->err);
	if (fd < 0) {
		free(iface->verifier_log);
		iface->verifier_log = xl_prog_log(p) ? strdup(xl_prog_log(p)) : NULL;
		return fd;
	}
	a->fds[i] = fd;
	r = xl_path_prog(path, sizeof(path), iface->dir, it->id);
	return r < 0 ? r : pin_tracked(a, fd, path, &iface->err);
}

static int attach_item(struct xl_iface *iface, struct attempt *a, size_t i, int slot)
{
	_cleanup_close_ int link = -EBADF;
	char path[PATH_MAX];
	__u32 btf_id;
	int r;

	r = xl_dispatcher_func_btf_id(a->disp, slot, &btf_id);
	if (r < 0)
		return xl_err_set(&iface->err, r, "dispatcher has no BTF for slot %d", slot);
	link = xl_freplace_link_create(a->fds[i], xl_dispatcher_fd(a->disp), btf_id);
	if (link < 0)
		return xl_err_set(&iface->err, link, "attaching program %s to slot %d: %s",
				  a->st.att[i].name, slot, errno_name(link));
	r = xl_path_rev_slot(path, sizeof(path), iface->dir, a->plan.revision, slot);
	return r < 0 ? r : pin_tracked(a, link, path, &iface->err);
}

static int dup_strings(struct xl_attachment *dst, const char *name, const char *object,
		       const char *label, const char *owner)
{
	dst->name = name ? strdup(name) : NULL;
	dst->object = object ? strdup(object) : NULL;
	dst->label = label ? strdup(label) : NULL;
	dst->owner = owner ? strdup(owner) : NULL;
	if ((name && !dst->name) || (object && !dst->object) || (label && !dst->label) ||
	    (owner && !dst->owner))
		return -ENOMEM;
	return 0;
}

/* Metadata of plan item i for the new state file. */
static int fill_att(struct xl_iface *iface, struct attempt *a, struct xl_batch *b, size_t i)
{
	const struct xl_plan_item *it = &a->plan.items[i];
	struct xl_attachment *att = &a->st.att[i];
	__u32 prog_id = 0;
	int r;

	a->st.n = i + 1;
	r = xl_prog_id(a->fds[i], &prog_id);
	if (r < 0)
		return r;
	*att = (struct xl_attachment){ .id = it->id, .prog_id = prog_id, .priority = it->priority,
		.chain_actions = it->chain_actions, .frags = it->frags, .counter_row = it->counter_row };
	if (it->add_idx >= 0) {
		const struct xl_prog_spec *spec = &b->adds[it->add_idx].spec;

		return dup_strings(att, xl_prog_name(a->progs[it->add_idx]),
				   xl_prog_object(a->progs[it->add_idx]),
				   spec->label, spec->owner);
	}
	const struct xl_attachment *old = &iface->st.att[live_index(iface, it->id)];

	return dup_strings(att, old->name, old->object, old->label, old->owner);
}

static int write_state(struct xl_iface *iface, struct attempt *a, enum xl_mode mode)
{
	char path[PATH_MAX];
	int r;

	a->st.revision = a->plan.revision;
	a->st.netns_cookie = iface->netns_cookie;
	a->st.ifindex = iface->ifindex;
	a->st.mode = iface->link_fd >= 0 ? iface->st.mode : mode;
	a->st.counters = a->plan.cfg.counters;
	a->st.direct = !iface->e->has_freplace;
	a->st.next_id = a->plan.next_id;
	r = mkdir_tracked(a, iface->state_dir, &iface->err);
	if (r < 0)
		return r;
	r = xl_path_state(path, sizeof(path), iface->state_dir, a->plan.revision);
	if (r == 0)
		r = xl_state_write(path, &a->st);
	if (r < 0)
		return xl_err_set(&iface->err, r, "writing state %s: %s", path, errno_name(r));
	return xl_undo_push(&a->undo, path, false);
}

/* Everything up to, not including, the commit. */
static int build(struct xl_iface *iface, struct attempt *a, struct xl_batch *b, enum xl_mode mode)
{
	char path[PATH_MAX];
	int r;

	r = mkdir_tracked(a, iface->dir, &iface->err);
	if (r == 0 && iface->e->has_freplace)
		r = load_dispatcher(iface, a);
	if (r == 0)
		r = xl_path_rev(path, sizeof(path), iface->dir, a->plan.revision);
	if (r == 0)
		r = mkdir_tracked(a, path, &iface->err);
	for (size_t i = 0; r == 0 && i < a->plan.n; i++) {
		int slot = a->plan.entry_mode ? XL_SLOT_ENTRY : (int)i;

		r = item_program(iface, a, i, slot);
		if (r == 0)
			r = fill_att(iface, a, b, i);
		if (r == 0 && a->disp)
			r = attach_item(iface, a, i, slot);
	}
	if (r == 0 && !a->disp) {
		/* Degraded mode: the lone program is the entry. */
		a->entry_fd = fcntl(a->fds[0], F_DUPFD_CLOEXEC, 3);
		if (a->entry_fd < 0)
			r = -errno;
	}
	if (r == 0)
		r = xl_path_rev_entry(path, sizeof(path), iface->dir, a->plan.revision);
	if (r == 0)
		r = pin_tracked(a, a->entry_fd, path, &iface->err);
	if (r == 0)
		r = write_state(iface, a, mode);
	return r;
}

static int create_link(struct xl_iface *iface, struct attempt *a, enum xl_mode mode)
{
	char path[PATH_MAX], holder[256];
	int r;

	a->link_fd = xl_xdp_link_create(a->entry_fd, iface->ifindex, mode);
	if (a->link_fd == -EBUSY || a->link_fd == -EEXIST) {
		xl_holder_describe(iface->ifindex, holder, sizeof(holder));
		return xl_err_set(&iface->err, a->link_fd, "%s is busy: XDP is held by %s",
				  a->ifname, holder);
	}
	if (a->link_fd == -EOPNOTSUPP && mode == XL_MODE_NATIVE)
		return xl_err_set(&iface->err, a->link_fd,
				  "%s does not support native XDP (EOPNOTSUPP); use skb mode", a->ifname);
	if (a->link_fd < 0)
		return xl_err_set(&iface->err, a->link_fd, "attaching XDP to %s: %s",
				  a->ifname, errno_name(a->link_fd));
	iface->e->link_updates++;
	r = xl_path_link(path, sizeof(path), iface->dir);
	/* If the pin fails, closing the fd takes the link down again. */
	return r < 0 ? r : pin_tracked(a, a->link_fd, path, &iface->err);
}

/* The commit point: after this call succeeds the new revision is live. */
static int commit(struct xl_iface *iface, struct attempt *a, enum xl_mode mode)
{
	int r;

	if (iface->link_fd < 0)
		return create_link(iface, a, mode == XL_MODE_UNSPEC ? XL_MODE_NATIVE : mode);
	r = xl_xdp_link_update(iface->link_fd, a->entry_fd, iface->entry_fd);
	if (r == -EPERM)
		return xl_err_set(&iface->err, r, "%s: the link no longer runs revision %llu; "
				  "something changed it behind xdplinkd's back", a->ifname,
				  (unsigned long long)iface->st.revision);
	if (r < 0)
		return xl_err_set(&iface->err, r, "updating the XDP link of %s: %s (%s)", a->ifname,
				  strerror(-r), errno_name(r));
	iface->e->link_updates++;
	return 0;
}

/* After the commit: drop the old revision and adopt the new one. Nothing
 * here can make the commit fail; leftovers are recovery's to remove. */
static void finish(struct xl_iface *iface, struct attempt *a, struct xl_batch *b)
{
	int fds[XL_MAX_PROGS];
	char path[PATH_MAX];

	xl_undo_done(&a->undo);
	if (iface->st.revision && xl_path_rev(path, sizeof(path), iface->dir, iface->st.revision) == 0)
		xl_rm_tree(path, NULL);
	if (iface->st.revision && xl_path_state(path, sizeof(path), iface->state_dir, iface->st.revision) == 0)
		unlink(path);
	for (size_t i = 0; i < a->plan.n_removed; i++) {
		int li = live_index(iface, a->plan.removed[i]);

		if (xl_path_prog(path, sizeof(path), iface->dir, a->plan.removed[i]) == 0)
			xl_unpin(path);
		if (li >= 0)
			iface->prog_fds[li] = safe_close(iface->prog_fds[li]);
	}
	for (size_t i = 0; i < a->plan.n; i++) {
		const struct xl_plan_item *it = &a->plan.items[i];

		fds[i] = a->fds[i];
		if (it->add_idx >= 0)
			b->adds[it->add_idx].id = it->id;
		else
			iface->prog_fds[live_index(iface, it->id)] = -EBADF;
		a->plan.items[i].add_idx = -1;	/* fds now belong to iface */
	}
	for (size_t i = 0; i < XL_MAX_PROGS; i++) {
		safe_close(iface->prog_fds[i]);
		iface->prog_fds[i] = i < a->plan.n ? fds[i] : -EBADF;
	}
	safe_close(iface->entry_fd);
	iface->entry_fd = TAKE_FD(a->entry_fd);
	if (a->link_fd >= 0)
		iface->link_fd = TAKE_FD(a->link_fd);
	if (a->counters_fd >= 0)
		iface->counters_fd = TAKE_FD(a->counters_fd);
	xl_state_clear(&iface->st);
	iface->st = a->st;
	memset(&a->st, 0, sizeof(a->st));
}

static int detach_all(struct xl_iface *iface, struct attempt *a)
{
	int r;

	if (iface->link_fd < 0)
		return 0;
	r = xl_link_detach(iface->link_fd);
	if (r < 0)
		return xl_err_set(&iface->err, r, "detaching the XDP link of %s: %s",
				  a->ifname, errno_name(r));
	iface->e->link_updates++;
	xl_iface_close_fds(iface);
	xl_state_clear(&iface->st);
	r = xl_iface_purge(iface->e, iface->dir, iface->state_dir);
	return r < 0 ? xl_err_set(&iface->err, r, "%s", iface->e->err.msg) : 0;
}

int xl_iface__apply(struct xl_iface *iface, struct xl_batch *b, const struct xl_apply_opts *opts)
{
	_cleanup_(attempt_free) struct attempt *a = NULL;
	_cleanup_(xl_engine_unlock) int lock = -EBADF;
	struct xl_apply_opts def = { .sz = sizeof(def) };
	int r;

	if (!opts)
		opts = &def;
	if (opts->sz < offsetofend(struct xl_apply_opts, xl_apply_opts__last_field) ||
	    opts->mode > XL_MODE_SKB)
		return xl_err_set(&iface->err, -EINVAL, "invalid apply options");
	iface->err = (struct xl_err){};
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->entry_fd = a->counters_fd = a->link_fd = -EBADF;
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		a->fds[i] = -EBADF;
	if (!if_indextoname((unsigned)iface->ifindex, a->ifname))
		snprintf(a->ifname, sizeof(a->ifname), "ifindex %d", iface->ifindex);
	lock = xl_engine_lock(iface->e);
	if (lock < 0)
		return xl_err_set(&iface->err, lock, "locking %s: %s", iface->e->state_dir, errno_name(lock));
	r = open_additions(iface, b, a);
	if (r == 0)
		r = make_plan(iface, b, opts, a);
	if (r < 0)
		return r;
	if (a->plan.n == 0)
		return detach_all(iface, a);
	r = build(iface, a, b, opts->mode == XL_MODE_UNSPEC ? XL_MODE_NATIVE : opts->mode);
	if (r == 0) {
		crash_point("before-commit");
		r = commit(iface, a, opts->mode);
	}
	if (r < 0)
		return r;	/* attempt_free runs the undo log */
	crash_point("after-commit");
	finish(iface, a, b);
	return 0;
}
