/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying a batch: plan, build (xl-build.c), commit with one link call, drop the old revision. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <net/if.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-attempt.h"
#include "xl-bpf.h"
#include "xl-path.h"
#include "xl-testpoint.h"

/* Another process may have committed since this object was opened; its
 * view of the live revision would then be stale. */
static int check_current(struct xl_iface *iface, const char *ifname)
{
	struct bpf_link_info info;
	char path[PATH_MAX];
	__u32 entry;
	int r;

	if (iface->link_fd < 0) {
		r = xl_path_link(path, sizeof(path), iface->dir);
		iface->err.kind = XL_ERROR_REQUEST;
		if (r == 0 && access(path, F_OK) == 0)
			return xl_err_set(&iface->err, -ESTALE, "%s was attached by another process "
					  "since it was opened; open it again", ifname);
		return 0;
	}
	r = xl_link_info(iface->link_fd, &info);
	if (r == 0)
		r = xl_prog_id(iface->entry_fd, &entry);
	if (r < 0)
		return xl_err_set(&iface->err, r, "reading the XDP link of %s: %s", ifname, errno_name(r));
	iface->err.kind = XL_ERROR_REQUEST;
	if (info.prog_id != entry)
		return xl_err_set(&iface->err, -ESTALE, "%s changed since it was opened (revision %llu "
				  "is no longer live); open it again", ifname,
				  (unsigned long long)iface->st.revision);
	return 0;
}

static int open_additions(struct xl_iface *iface, struct xl_batch *b, struct xl_attempt *a)
{
	for (size_t i = 0; i < b->n_adds; i++) {
		int r;

		if (b->adds[i].dropped)
			continue;
		r = xl_prog_open(&b->adds[i].spec, &a->progs[i], &iface->err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The plan's own words name the id or the anchor it refused. */
static int plan_error(struct xl_iface *iface, int r, const struct xl_plan *plan)
{
	iface->err.kind = plan->kind;
	return xl_err_set(&iface->err, r, "%s", plan->why[0] ? plan->why : errno_name(r));
}

/* Planning input from the live set and the batch. Dropped additions are
 * left out; map[k] is the batch index of the plan's addition k. */
static size_t plan_input(struct xl_iface *iface, struct xl_batch *b, struct xl_attempt *a,
			 struct xl_plan_item *live, struct xl_plan_item *adds,
			 struct xl_plan_move *moves, int *map)
{
	size_t n = 0;

	for (size_t i = 0; i < iface->st.n; i++) {
		const struct xl_attachment *att = &iface->st.att[i];

		live[i] = (struct xl_plan_item){ .id = att->id, .priority = att->priority,
			.chain_actions = att->chain_actions, .frags = att->frags,
			.counter_row = att->counter_row, .label = att->label };
	}
	for (size_t i = 0; i < b->n_adds; i++) {
		const struct xl_prog_spec *spec = &b->adds[i].spec;

		if (b->adds[i].dropped)
			continue;
		map[n] = (int)i;
		adds[n++] = (struct xl_plan_item){ .priority = xl_prog_priority(a->progs[i]),
			.chain_actions = xl_prog_chain_actions(a->progs[i]),
			.frags = xl_prog_frags(a->progs[i]), .label = spec->label,
			.before = spec->before, .after = spec->after,
			.priority_set = spec->priority_set };
	}
	for (size_t i = 0; i < b->n_moves; i++)
		moves[i] = (struct xl_plan_move){ .id = b->moves[i].id,
			.priority = b->moves[i].priority, .priority_set = b->moves[i].priority_set,
			.before = b->moves[i].before, .after = b->moves[i].after };
	return n;
}

static int make_plan(struct xl_iface *iface, struct xl_batch *b,
		     const struct xl_apply_opts *opts, struct xl_attempt *a)
{
	struct xl_plan_item live[XL_MAX_PROGS], adds[XL_MAX_PROGS + 1];
	struct xl_plan_move moves[XL_MAX_PROGS];
	int map[XL_MAX_PROGS + 1];
	struct xl_plan_input in = {
		.revision = iface->st.revision, .expected_revision = opts->expected_revision,
		.next_id = iface->st.next_id ? iface->st.next_id : 1, .counters = opts->counters,
		.live_counters = iface->st.counters,
		.live = live, .n_live = iface->st.n, .adds = adds,
		.removes = b->removes, .n_removes = b->n_removes, .remove_all = b->remove_all,
		.moves = moves, .n_moves = b->n_moves,
	};
	int r;

	in.n_adds = plan_input(iface, b, a, live, adds, moves, map);
	iface->err.kind = XL_ERROR_REQUEST;
	r = xl_plan_build(&in, &a->plan);
	if (r < 0)
		return plan_error(iface, r, &a->plan);
	for (size_t i = 0; i < a->plan.n; i++)
		if (a->plan.items[i].add_idx >= 0)
			a->plan.items[i].add_idx = map[a->plan.items[i].add_idx];
	if (iface->link_fd >= 0 && opts->mode != XL_MODE_UNSPEC && opts->mode != iface->st.mode)
		return xl_err_set(&iface->err, -EINVAL,
				  "%s is attached in %s mode; remove all programs to change the mode",
				  a->ifname, iface->st.mode == XL_MODE_SKB ? "skb" : "native");
	if (!iface->e->has_freplace && (a->plan.n > 1 || opts->counters))
		return xl_err_set(&iface->err, -EOPNOTSUPP, "%s: %s",
				  opts->counters ? "counters need the dispatcher" :
				  "a second program needs the dispatcher", iface->e->degraded_reason);
	/* Adopted from a twin whose EXT instance was lost with its pins
	 * (xl-adopt.c): it runs only alone, directly, as it does now. */
	for (size_t i = 0; iface->e->has_freplace && iface->st.direct && i < a->plan.n; i++)
		if (a->plan.items[i].add_idx < 0)
			return xl_err_set(&iface->err, -EOPNOTSUPP, "%s: attachment %u was adopted "
					  "without its freplace instance (its pins were lost), so it "
					  "can only run alone; detach it and attach its object again "
					  "to change the set", a->ifname, a->plan.items[i].id);
	if (!iface->e->entry_replace)
		a->plan.entry_mode = false;
	iface->err.kind = XL_ERROR_KERNEL;
	return 0;
}

static int create_link(struct xl_iface *iface, struct xl_attempt *a, enum xl_mode mode)
{
	char path[PATH_MAX], holder[256];
	int r;

	a->link_fd = xl_xdp_link_create(a->entry_fd, iface->ifindex, mode);
	if (a->link_fd == -EBUSY || a->link_fd == -EEXIST) {
		xl_holder_describe(iface->ifindex, holder, sizeof(holder));
		iface->err.kind = XL_ERROR_BUSY;
		return xl_err_set(&iface->err, a->link_fd, "%s is busy: XDP is held by %s",
				  a->ifname, holder);
	}
	if (a->link_fd == -EOPNOTSUPP && mode == XL_MODE_NATIVE)
		return xl_err_set(&iface->err, a->link_fd,
				  "%s does not support native XDP (EOPNOTSUPP); use skb mode", a->ifname);
	if (a->link_fd < 0)
		return xl_err_set(&iface->err, a->link_fd, "attaching XDP to %s: %s",
				  a->ifname, errno_name(a->link_fd));
	__atomic_fetch_add(&iface->e->link_updates, 1, __ATOMIC_RELAXED);
	r = xl_path_link(path, sizeof(path), iface->dir);
	/* If the pin fails, closing the fd takes the link down again. */
	return r < 0 ? r : xl_pin_tracked(a, a->link_fd, path, &iface->err);
}

/* The commit point: after this call succeeds the new revision is live. */
static int commit(struct xl_iface *iface, struct xl_attempt *a, enum xl_mode mode)
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
	__atomic_fetch_add(&iface->e->link_updates, 1, __ATOMIC_RELAXED);
	return 0;
}

/* The old revision and the pins of removed programs; nothing here can
 * undo a commit, and whatever is left is recovery's to remove. */
static void drop_stale(struct xl_iface *iface)
{
	char path[PATH_MAX];

	if (iface->stale_revision &&
	    xl_path_rev(path, sizeof(path), iface->dir, iface->stale_revision) == 0)
		xl_rm_tree(path, NULL);
	xl_test_point("stale-revision-removed");
	if (iface->stale_revision &&
	    xl_path_state(path, sizeof(path), iface->state_dir, iface->stale_revision) == 0)
		unlink(path);
	for (size_t i = 0; i < iface->n_stale_removed; i++) {
		if (xl_path_prog(path, sizeof(path), iface->dir, iface->stale_removed[i]) == 0)
			xl_unpin(path);
		if (xl_path_direct(path, sizeof(path), iface->dir, iface->stale_removed[i]) == 0)
			xl_unpin(path);
	}
	iface->stale_revision = 0;
	iface->n_stale_removed = 0;
	xl_test_point("stale-dropped");
}

bool xl_iface__cleanup_pending(const struct xl_iface *iface)
{
	return iface->stale_revision || iface->n_stale_removed || iface->n_pending_twins;
}

int xl_iface__cleanup(struct xl_iface *iface)
{
	_cleanup_(xl_engine_unlock) int lock = -EBADF;

	if (!xl_iface__cleanup_pending(iface))
		return 0;
	lock = xl_engine_lock_iface(iface->e, iface->netns_cookie, iface->ifindex);
	if (lock < 0)
		return xl_err_set(&iface->err, lock, "locking %s: %s", iface->e->state_dir,
				  errno_name(lock));
	drop_stale(iface);
	return xl_twins_load_pending(iface);
}

/* After the commit: adopt the new revision, and drop the old one unless
 * the caller wants to answer first. */
static void finish(struct xl_iface *iface, struct xl_attempt *a, struct xl_batch *b, bool defer)
{
	int fds[XL_MAX_PROGS];

	xl_undo_done(&a->undo);
	iface->stale_revision = iface->st.revision;
	for (size_t i = 0; i < a->plan.n_removed; i++) {
		int li = xl_live_index(iface, a->plan.removed[i]);

		iface->stale_removed[iface->n_stale_removed++] = a->plan.removed[i];
		if (li >= 0)
			iface->prog_fds[li] = safe_close(iface->prog_fds[li]);
	}
	if (!defer)
		drop_stale(iface);
	xl_twins_defer(iface, a);
	for (size_t i = 0; i < a->plan.n; i++) {
		const struct xl_plan_item *it = &a->plan.items[i];

		fds[i] = a->fds[i];
		if (it->add_idx >= 0)
			b->adds[it->add_idx].id = it->id;
		else
			iface->prog_fds[xl_live_index(iface, it->id)] = -EBADF;
		a->plan.items[i].add_idx = -1;	/* fds now belong to iface */
	}
	for (size_t i = 0; i < XL_MAX_PROGS; i++) {
		safe_close(iface->prog_fds[i]);
		iface->prog_fds[i] = i < a->plan.n ? fds[i] : -EBADF;
	}
	safe_close(iface->entry_fd);
	iface->entry_fd = TAKE_FD(a->entry_fd);
	if (a->link_fd >= 0)
		xl_iface_set_link(iface, TAKE_FD(a->link_fd));
	if (a->counters_fd >= 0)
		iface->counters_fd = TAKE_FD(a->counters_fd);
	xl_state_clear(&iface->st);
	iface->st = a->st;
	memset(&a->st, 0, sizeof(a->st));
}

/* Attachment i of what the plan would run, without its kernel program
 * (prog_id 0 for an addition: what a dry run loaded is released). */
static int planned_att(struct xl_iface *iface, struct xl_attempt *a, struct xl_batch *b,
		       size_t i, struct xl_attachment *att)
{
	const struct xl_plan_item *it = &a->plan.items[i];
	const struct xl_attachment *old;
	const struct xl_prog_spec *spec;
	const char *name, *object;

	*att = (struct xl_attachment){ .id = it->id, .priority = it->priority,
		.chain_actions = it->chain_actions, .frags = it->frags,
		.counter_row = it->counter_row };
	if (it->add_idx < 0) {
		old = &iface->st.att[xl_live_index(iface, it->id)];
		att->prog_id = old->prog_id;
		att->connection = old->connection;
		return xl_attachment_dup_strings(att, old->name, old->object, old->label, old->owner);
	}
	spec = &b->adds[it->add_idx].spec;
	name = xl_prog_name(a->progs[it->add_idx]);
	object = xl_prog_object(a->progs[it->add_idx]);
	att->connection = spec->connection;
	return xl_attachment_dup_strings(att, name, object, spec->label, spec->owner);
}

/*
 * A dry run: load what a real apply would load, so that a program the
 * kernel refuses is refused here too, then keep only the plan. The
 * attempt's undo log removes every pin and file the build made.
 */
static int dry_run(struct xl_iface *iface, struct xl_attempt *a, struct xl_batch *b,
		   enum xl_mode mode)
{
	_cleanup_free_ struct xl_state *dry = calloc(1, sizeof(*dry));
	int r = 0;

	if (!dry)
		return -ENOMEM;
	if (!a->plan.unchanged && a->plan.n > 0)
		r = xl_build(iface, a, b, mode);
	if (r < 0)
		return r;
	/* An empty set would be no revision at all, as after detach_all(). */
	*dry = (struct xl_state){ .revision = a->plan.n ? a->plan.revision : 0,
		.netns_cookie = iface->netns_cookie,
		.ifindex = iface->ifindex, .mode = iface->link_fd >= 0 ? iface->st.mode : mode,
		.counters = a->plan.cfg.counters, .direct = !iface->e->has_freplace,
		.next_id = a->plan.next_id };
	for (size_t i = 0; i < a->plan.n; i++) {
		dry->n = i + 1;
		r = planned_att(iface, a, b, i, &dry->att[i]);
		if (r < 0) {
			xl_state_clear(dry);
			return r;
		}
		if (a->plan.items[i].add_idx >= 0)
			b->adds[a->plan.items[i].add_idx].id = a->plan.items[i].id;
	}
	iface->dry = TAKE_PTR(dry);
	iface->err.kind = XL_ERROR_NONE;
	return 0;
}

static int detach_all(struct xl_iface *iface, struct xl_attempt *a)
{
	int r;

	if (iface->link_fd < 0)
		return 0;
	r = xl_link_detach(iface->link_fd);
	if (r < 0)
		return xl_err_set(&iface->err, r, "detaching the XDP link of %s: %s",
				  a->ifname, errno_name(r));
	__atomic_fetch_add(&iface->e->link_updates, 1, __ATOMIC_RELAXED);
	xl_test_point("link-detached");
	xl_iface_close_fds(iface);
	xl_state_clear(&iface->st);
	r = xl_iface_purge(iface->e, iface->dir, iface->state_dir);
	return r < 0 ? xl_err_set(&iface->err, r, "%s", xl_engine_err(iface->e)->msg) : 0;
}

int xl_iface__apply(struct xl_iface *iface, struct xl_batch *b, const struct xl_apply_opts *opts)
{
	_cleanup_(xl_attempt_free) struct xl_attempt *a = NULL;
	_cleanup_(xl_engine_unlock) int lock = -EBADF;
	struct xl_apply_opts def = { .sz = sizeof(def) };
	enum xl_mode mode;
	int r;

	if (!opts)
		opts = &def;
	if (opts->sz < offsetofend(struct xl_apply_opts, xl_apply_opts__last_field) ||
	    opts->mode > XL_MODE_SKB)
		return xl_err_set(&iface->err, -EINVAL, "invalid apply options");
	iface->err = (struct xl_err){ .kind = XL_ERROR_KERNEL };
	xl_iface_drop_dry(iface);
	for (size_t i = 0; i < b->n_adds; i++)
		b->adds[i].id = 0;	/* a dry run's provisional ids */
	mode = opts->mode == XL_MODE_UNSPEC ? XL_MODE_NATIVE : opts->mode;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->dry_run = opts->sz >= offsetofend(struct xl_apply_opts, dry_run) && opts->dry_run;
	a->defer_twins = !a->dry_run && opts->sz >= offsetofend(struct xl_apply_opts, defer_cleanup) &&
			 opts->defer_cleanup;
	a->entry_fd = a->direct_fd = a->counters_fd = a->link_fd = -EBADF;
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		a->fds[i] = -EBADF;
	if (!if_indextoname((unsigned)iface->ifindex, a->ifname))
		snprintf(a->ifname, sizeof(a->ifname), "ifindex %d", iface->ifindex);
	lock = xl_engine_lock_iface(iface->e, iface->netns_cookie, iface->ifindex);
	if (lock < 0)
		return xl_err_set(&iface->err, lock, "locking %s: %s", iface->e->state_dir, errno_name(lock));
	r = xl_engine_writable(iface->e, &iface->err);
	if (r < 0)
		return r;
	r = xl_iface__repin_link(iface);
	if (r < 0)
		return r;
	drop_stale(iface);
	/* A set may shrink to one of them now: it runs as its twin. */
	(void)xl_twins_load_pending(iface);
	xl_test_point("apply-locked");
	r = check_current(iface, a->ifname);
	if (r == 0)
		r = open_additions(iface, b, a);
	if (r == 0)
		r = make_plan(iface, b, opts, a);
	if (r < 0)
		return r;
	if (a->dry_run)
		return dry_run(iface, a, b, mode);
	if (a->plan.unchanged) {
		iface->err.kind = XL_ERROR_NONE;
		return 0;	/* no new revision, no link update */
	}
	if (a->plan.n == 0)
		return detach_all(iface, a);
	r = xl_build(iface, a, b, mode);
	if (r == 0) {
		xl_test_point("before-commit");
		r = commit(iface, a, opts->mode);
	}
	if (r < 0)
		return r;	/* attempt_free runs the undo log */
	iface->err.kind = XL_ERROR_NONE;
	xl_test_point("after-commit");
	finish(iface, a, b, opts->sz >= offsetofend(struct xl_apply_opts, defer_cleanup) &&
			    opts->defer_cleanup);
	return 0;
}

void xl_iface_drop_dry(struct xl_iface *iface)
{
	if (!iface->dry)
		return;
	xl_state_clear(iface->dry);
	free(iface->dry);
	iface->dry = NULL;
}

const struct xl_attachment *xl_iface__planned(const struct xl_iface *iface, size_t *ret_n)
{
	const struct xl_state *st = iface->dry ? iface->dry : &iface->st;

	if (ret_n)
		*ret_n = st->n;
	return st->att;
}
