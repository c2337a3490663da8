/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building a revision: dispatcher, programs, freplace links, pins and state file, all undoable. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-attempt.h"
#include "xl-bpf.h"
#include "xl-path.h"
#include "xl-testpoint.h"

void xl_attempt_free(struct xl_attempt **ap)
{
	struct xl_attempt *a = *ap;

	if (!a)
		return;
	for (size_t i = 0; i < ELEMENTSOF(a->progs); i++)
		xl_prog_free(a->progs[i]);
	for (size_t i = 0; i < a->plan.n; i++)
		if (a->plan.items[i].add_idx >= 0)
			safe_close(a->fds[i]);
	xl_dispatcher_free(a->disp);
	safe_close(a->entry_fd);
	safe_close(a->direct_fd);
	safe_close(a->counters_fd);
	safe_close(a->link_fd);
	xl_state_clear(&a->st);
	xl_undo_run(&a->undo);
	free(a);
}

int xl_live_index(const struct xl_iface *iface, __u32 id)
{
	for (size_t i = 0; i < iface->st.n; i++)
		if (iface->st.att[i].id == id)
			return (int)i;
	return -1;
}

int xl_pin_tracked(struct xl_attempt *a, int fd, const char *path, struct xl_err *err)
{
	int r = xl_pin(fd, path);

	if (r < 0)
		return xl_err_set(err, r, "pinning %s: %s", path, errno_name(r));
	return xl_undo_push(&a->undo, path, false);
}

static int mkdir_tracked(struct xl_attempt *a, const char *path, bool exclusive, struct xl_err *err)
{
	if (mkdir(path, 0700) < 0) {
		if (errno == EEXIST && !exclusive)
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

static int load_dispatcher(struct xl_iface *iface, struct xl_attempt *a)
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
			r = xl_pin_tracked(a, a->counters_fd, path, &iface->err);
		if (r < 0)
			return r;
	}
	/* A dry run's fresh rows may still be a live program's (when no other
	 * row is free): their counts stay. */
	r = a->dry_run ? 0 :
	    zero_rows(iface->counters_fd >= 0 ? iface->counters_fd : a->counters_fd, &a->plan);
	if (r < 0)
		return xl_err_set(&iface->err, r, "clearing counters: %s", errno_name(r));
	a->entry_fd = fcntl(xl_dispatcher_fd(a->disp), F_DUPFD_CLOEXEC, 3);
	return a->entry_fd < 0 ? -errno : 0;
}

static void keep_verifier_log(struct xl_iface *iface, const struct xl_prog *p)
{
	free(iface->verifier_log);
	iface->verifier_log = xl_prog_log(p) ? strdup(xl_prog_log(p)) : NULL;
}

/*
 * A kept program that is now alone runs as the twin pinned when it was
 * added. One attached by an older xdplinkd may have none: it then replaces
 * the dispatcher's entry, which costs one jump and nothing else. The
 * object is never read again, so no later change of the file matters.
 */
static int kept_twin(struct xl_attempt *a, const char *path)
{
	int fd = xl_pinned(path);

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	a->direct_fd = fd;
	return 0;
}

/*
 * Every new program gets its plain-XDP twin as it is added, loaded from
 * the same bytes with the same maps (global data included), and pinned:
 * whenever the program is alone, now or after later shrinks, the link runs
 * it directly. A shared program without a twin replaces the entry instead.
 */
static int new_twin(struct xl_iface *iface, struct xl_attempt *a, size_t i, const char *path)
{
	struct xl_prog *p = a->progs[a->plan.items[i].add_idx];
	int fd, r;

	fd = xl_prog_load_twin(p, &iface->err);
	if (fd == -ENOENT && xl_prog_shared(p))
		return 0;
	if (fd < 0) {
		keep_verifier_log(iface, p);
		return fd;
	}
	r = xl_pin_tracked(a, fd, path, &iface->err);
	if (r == 0 && a->plan.entry_mode)
		a->direct_fd = fd;
	else
		close(fd);
	return r;
}

static int item_twin(struct xl_iface *iface, struct xl_attempt *a, size_t i)
{
	const struct xl_plan_item *it = &a->plan.items[i];
	char path[PATH_MAX];
	int r;

	/* Not needed before the set shrinks to it: loaded after the answer. */
	if (it->add_idx >= 0 && a->defer_twins && !a->plan.entry_mode) {
		a->twin_deferred[i] = true;
		return 0;
	}
	r = xl_path_direct(path, sizeof(path), iface->dir, it->id);
	if (r < 0)
		return r;
	if (it->add_idx >= 0)
		return new_twin(iface, a, i, path);
	return a->plan.entry_mode ? kept_twin(a, path) : 0;
}

void xl_twins_defer(struct xl_iface *iface, struct xl_attempt *a)
{
	for (size_t i = 0; i < a->plan.n; i++) {
		const struct xl_plan_item *it = &a->plan.items[i];

		if (!a->twin_deferred[i] || it->add_idx < 0 ||
		    iface->n_pending_twins >= ELEMENTSOF(iface->pending_twins))
			continue;
		iface->pending_twins[iface->n_pending_twins++] = (struct xl_pending_twin){
			.id = it->id, .prog = TAKE_PTR(a->progs[it->add_idx]) };
	}
}

int xl_twins_load_pending(struct xl_iface *iface)
{
	char path[PATH_MAX];
	int ret = 0;

	for (size_t i = 0; i < iface->n_pending_twins; i++) {
		struct xl_pending_twin *t = &iface->pending_twins[i];
		_cleanup_close_ int fd = -EBADF;
		int r = 0;

		/* Removed by now (a later apply): it will never run alone. */
		if (xl_live_index(iface, t->id) >= 0) {
			fd = xl_prog_load_twin(t->prog, &iface->err);
			r = fd == -ENOENT && xl_prog_shared(t->prog) ? 0 : fd;
		}
		if (r >= 0 && fd >= 0 && (r = xl_path_direct(path, sizeof(path), iface->dir, t->id)) == 0 &&
		    (r = xl_pin(fd, path)) < 0)
			xl_err_set(&iface->err, r, "pinning %s: %s", path, errno_name(r));
		if (r < 0 && ret == 0)
			ret = r;
		t->prog = xl_prog_free(t->prog);
	}
	iface->n_pending_twins = 0;
	return ret;
}

void xl_twins_drop_pending(struct xl_iface *iface)
{
	for (size_t i = 0; i < iface->n_pending_twins; i++)
		xl_prog_free(iface->pending_twins[i].prog);
	iface->n_pending_twins = 0;
}

/* The program fd of plan item i: a kept one's, or a freshly loaded and pinned one. */
static int item_program(struct xl_iface *iface, struct xl_attempt *a, size_t i, int slot)
{
	const struct xl_plan_item *it = &a->plan.items[i];
	struct xl_prog *p;
	char path[PATH_MAX], func[32];
	int fd, r;

	if (it->add_idx < 0) {
		a->fds[i] = iface->prog_fds[xl_live_index(iface, it->id)];
		return a->disp ? item_twin(iface, a, i) : 0;
	}
	p = a->progs[it->add_idx];
	fd = xl_prog_load(p, a->disp ? xl_dispatcher_fd(a->disp) : -EBADF,
			  xl_dispatcher_func(slot, func, sizeof(func)), &iface->err);
	if (fd < 0) {
		keep_verifier_log(iface, p);
		return fd;
	}
	a->fds[i] = fd;
	r = xl_path_prog(path, sizeof(path), iface->dir, it->id);
	if (r == 0)
		r = xl_pin_tracked(a, fd, path, &iface->err);
	return r == 0 && a->disp ? item_twin(iface, a, i) : r;
}

static int attach_item(struct xl_iface *iface, struct xl_attempt *a, size_t i, int slot)
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
	return r < 0 ? r : xl_pin_tracked(a, link, path, &iface->err);
}

int xl_attachment_dup_strings(struct xl_attachment *dst, const char *name, const char *object,
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
static int fill_att(struct xl_iface *iface, struct xl_attempt *a, struct xl_batch *b, size_t i)
{
	const struct xl_plan_item *it = &a->plan.items[i];
	struct xl_attachment *att = &a->st.att[i];
	__u32 prog_id = 0;
	int r;

	a->st.n = i + 1;
	/* A kept program's id is known: one syscall less per program kept. */
	if (it->add_idx < 0)
		prog_id = iface->st.att[xl_live_index(iface, it->id)].prog_id;
	r = prog_id ? 0 : xl_prog_id(a->fds[i], &prog_id);
	if (r < 0)
		return r;
	*att = (struct xl_attachment){ .id = it->id, .prog_id = prog_id, .priority = it->priority,
		.chain_actions = it->chain_actions, .frags = it->frags, .counter_row = it->counter_row };
	if (it->add_idx >= 0) {
		const struct xl_prog_spec *spec = &b->adds[it->add_idx].spec;

		att->connection = spec->connection;	/* batch copies are full size */
		return xl_attachment_dup_strings(att, xl_prog_name(a->progs[it->add_idx]),
				   xl_prog_object(a->progs[it->add_idx]),
				   spec->label, spec->owner);
	}
	const struct xl_attachment *old = &iface->st.att[xl_live_index(iface, it->id)];

	att->connection = old->connection;
	return xl_attachment_dup_strings(att, old->name, old->object, old->label, old->owner);
}

static int write_state(struct xl_iface *iface, struct xl_attempt *a, enum xl_mode mode)
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
	r = mkdir_tracked(a, iface->state_dir, false, &iface->err);
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
int xl_build(struct xl_iface *iface, struct xl_attempt *a, struct xl_batch *b, enum xl_mode mode)
{
	char path[PATH_MAX];
	int r;

	r = mkdir_tracked(a, iface->dir, false, &iface->err);
	if (r == 0 && iface->e->has_freplace) {
		r = load_dispatcher(iface, a);
		xl_test_point("dispatcher-loaded");
	}
	if (r == 0)
		r = xl_path_rev(path, sizeof(path), iface->dir, a->plan.revision);
	if (r == 0)
		r = mkdir_tracked(a, path, true, &iface->err);
	for (size_t i = 0; r == 0 && i < a->plan.n; i++) {
		int slot = a->plan.entry_mode ? XL_SLOT_ENTRY : (int)i;

		r = item_program(iface, a, i, slot);
		xl_test_point("program-pinned");
		if (r == 0)
			r = fill_att(iface, a, b, i);
		/* A lone program that runs as its twin needs no freplace link:
		 * its EXT instance, pinned, waits for the set to grow. Attaching
		 * it to the entry would also fail for a shared program loaded
		 * against another dispatcher (EINVAL on 6.1). */
		if (r == 0 && a->disp && !(a->plan.entry_mode && a->direct_fd >= 0)) {
			r = attach_item(iface, a, i, slot);
			xl_test_point("slot-attached");
		}
	}
	if (r == 0 && !a->disp) {
		/* Degraded mode: the lone program is the entry. */
		a->entry_fd = fcntl(a->fds[0], F_DUPFD_CLOEXEC, 3);
		if (a->entry_fd < 0)
			r = -errno;
	}
	if (r == 0 && a->direct_fd >= 0) {
		/* A lone program runs as itself: no dispatcher, no extra jump. */
		safe_close(a->entry_fd);
		a->entry_fd = TAKE_FD(a->direct_fd);
	}
	if (r == 0)
		r = xl_path_rev_entry(path, sizeof(path), iface->dir, a->plan.revision);
	if (r == 0)
		r = xl_pin_tracked(a, a->entry_fd, path, &iface->err);
	xl_test_point("entry-pinned");
	if (r == 0)
		r = write_state(iface, a, mode);
	return r;
}

