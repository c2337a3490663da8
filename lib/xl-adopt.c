/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Adoption: rebuild an interface's revision from what the kernel runs
 * (xl-adopt-kernel.c), without touching the data plane. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xl-adopt.h"
#include "xl-adopt-internal.h"
#include "xl-bpf.h"
#include "xl-internal.h"
#include "xl-path.h"
#include "xl-plan.h"
#include "xl-undo.h"
static void adopt_done(struct adopt *a)
{
	safe_close(a->link_fd);
	safe_close(a->entry_fd);
	safe_close(a->counters_fd);
	for (size_t i = 0; i < XL_MAX_PROGS; i++) {
		safe_close(a->progs[i].prog_fd);
		safe_close(a->progs[i].slot_link);
		safe_close(a->progs[i].twin_fd);
	}
	xl_state_clear(&a->st);
	xl_undo_run(&a->undo);	/* empty once the revision is complete */
}

/* Highest revision and attachment id the interface's pins and state files mention. */
static void scan_dir(struct adopt *a, const char *dir)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		__u64 rev;
		__u32 id;

		if (xl_parse_rev_name(de->d_name, &rev) == 0 || xl_parse_state_name(de->d_name, &rev) == 0)
			a->max_rev = rev > a->max_rev ? rev : a->max_rev;
		if (xl_parse_prog_name(de->d_name, &id) == 0 || xl_parse_direct_name(de->d_name, &id) == 0)
			a->max_id = id > a->max_id ? id : a->max_id;
		if (dir == a->dir && xl_parse_prog_name(de->d_name, &id) == 0) {
			__u32 pid;

			for (size_t i = 0; i < a->n; i++)
				if (!a->progs[i].pinned_id && xl_adopt_pinned_id(dir, de->d_name, &pid) == 0 &&
				    pid == a->progs[i].prog_id)
					a->progs[i].pinned_id = id;
		}
	}
}

static int dup_att(struct xl_attachment *dst, const struct xl_attachment *src)
{
	*dst = *src;
	dst->name = src->name ? strdup(src->name) : NULL;
	dst->object = src->object ? strdup(src->object) : NULL;
	dst->label = src->label ? strdup(src->label) : NULL;
	dst->owner = src->owner ? strdup(src->owner) : NULL;
	if ((src->name && !dst->name) || (src->object && !dst->object) ||
	    (src->label && !dst->label) || (src->owner && !dst->owner))
		return -ENOMEM;
	return 0;
}

static bool id_taken(const struct adopt *a, __u32 id)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->matched[i] && a->st.att[i].id == id)
			return true;
	return false;
}

/* Take each program's metadata from a state file that lists its program id. */
static int match_state(struct adopt *a, const struct xl_state *old)
{
	for (size_t i = 0; i < a->n; i++) {
		for (size_t j = 0; j < old->n && !a->matched[i]; j++) {
			const struct xl_attachment *o = &old->att[j];
			int r;

			if (o->prog_id != a->progs[i].prog_id || id_taken(a, o->id))
				continue;
			r = dup_att(&a->st.att[i], o);
			if (r < 0)
				return r;
			a->matched[i] = a->from_state[i] = true;
		}
	}
	return 0;
}

static int read_states(struct adopt *a)
{
	_cleanup_(closedirp) DIR *d = opendir(a->sdir);
	struct dirent *de;
	int r;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX];
		struct xl_state old = {};
		__u64 rev;

		if (xl_parse_state_name(de->d_name, &rev) < 0 ||
		    snprintf(path, sizeof(path), "%s/%s", a->sdir, de->d_name) >= (int)sizeof(path) ||
		    xl_state_read(path, &old) < 0)
			continue;
		if (old.ifindex == a->ifindex) {
			a->max_id = old.next_id - 1 > a->max_id ? old.next_id - 1 : a->max_id;
			r = match_state(a, &old);
		} else {
			r = 0;
		}
		xl_state_clear(&old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Made-up metadata for a program no state file describes. */
static int synthesize(struct adopt *a, size_t i, const char *owner, const char *label)
{
	struct xl_attachment *att = &a->st.att[i];
	struct bpf_prog_info info;
	int r;

	r = xl_prog_info(a->progs[i].prog_fd, &info);
	if (r < 0)
		return xl_err_set(a->err, r, "%s: reading program %u: %s", a->ifname,
				  a->progs[i].prog_id, errno_name(r));
	*att = (struct xl_attachment){
		.id = a->progs[i].pinned_id && !id_taken(a, a->progs[i].pinned_id) ?
		      a->progs[i].pinned_id : ++a->max_id,
		.priority = XL_DEFAULT_PRIORITY, .chain_actions = XL_ACTION(XDP_PASS),
		.counter_row = (__u32)i,
	};
	att->name = strdup(info.name[0] ? info.name : "unknown");
	att->object = strdup("");	/* unknown: the kernel keeps no file name */
	att->label = strdup(label);
	att->owner = owner ? strdup(owner) : NULL;
	if (!att->name || !att->object || !att->label || (owner && !att->owner))
		return -ENOMEM;
	a->matched[i] = true;
	return 0;
}

void xl_adopt_keep_order(struct xl_attachment *att, size_t n)
{
	bool sorted = true;

	for (size_t i = 1; i < n; i++) {
		const struct xl_attachment *p = &att[i - 1], *c = &att[i];

		if (p->priority > c->priority)
			sorted = false;
	}
	for (size_t i = 0; !sorted && i < n; i++)
		att[i].priority = (int)(i * (XL_PRIORITY_MAX / XL_MAX_PROGS));
}

static int build_state(struct adopt *a, const struct xl_adopt_opts *opts)
{
	const char *label = opts && opts->label ? opts->label : "adopted";
	int r = read_states(a);

	if (r < 0)
		return xl_err_set(a->err, r, "%s: reading state files: %s", a->ifname, errno_name(r));
	a->st.n = a->n;
	for (size_t i = 0; i < a->n; i++) {
		struct xl_attachment *att = &a->st.att[i];

		if (!a->matched[i] && (r = synthesize(a, i, opts ? opts->owner : NULL, label)) < 0)
			return r;
		att->prog_id = a->progs[i].prog_id;
		if (a->dispatcher && a->progs[i].slot != XL_SLOT_ENTRY) {
			/* The kernel's word wins over a state file's. */
			att->chain_actions = a->cfg.chain_actions[i] & ~XL_ACTION(XL_SENTINEL);
			att->counter_row = a->cfg.counter_row[i];
		}
	}
	xl_adopt_keep_order(a->st.att, a->n);
	for (size_t i = 0; i < a->n; i++)
		a->max_id = a->st.att[i].id > a->max_id ? a->st.att[i].id : a->max_id;
	a->st.revision = a->max_rev + 1;
	a->st.netns_cookie = a->cookie;
	a->st.ifindex = a->ifindex;
	a->st.mode = a->mode;
	a->st.counters = a->dispatcher && a->cfg.counters;
	a->st.direct = a->direct;
	a->st.next_id = a->max_id + 1;
	return 0;
}

/* Pin fd at path unless the object pinned there already has this id. */
static int pin_as(struct adopt *a, int fd, const char *path, __u32 id, bool link)
{
	_cleanup_close_ int old = xl_pinned(path);
	__u32 old_id = 0;
	int r;

	if (old >= 0) {
		struct bpf_link_info li;
		struct bpf_map_info mi;

		if (link)
			old_id = xl_link_info(old, &li) == 0 ? li.id : 0;
		else if (xl_prog_id(old, &old_id) < 0)
			old_id = xl_adopt_map_info(old, &mi) == 0 ? mi.id : 0;
		if (old_id == id)
			return 0;
		r = xl_unpin(path);	/* ours, and stale: it holds nothing live */
		if (r < 0)
			return xl_err_set(a->err, r, "removing stale pin %s: %s", path, errno_name(r));
	}
	r = xl_pin(fd, path);
	if (r < 0)
		return xl_err_set(a->err, r, "pinning %s: %s", path, errno_name(r));
	return xl_undo_push(&a->undo, path, false);
}

static int mkdir_once(struct adopt *a, const char *path)
{
	if (mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			return 0;
		return xl_err_set(a->err, -errno, "creating %s: %s", path, errno_name(errno));
	}
	return xl_undo_push(&a->undo, path, true);
}

static int pin_prog(struct adopt *a, size_t i)
{
	const struct kprog *k = &a->progs[i];
	__u32 aid = a->st.att[i].id, twin_id;
	char path[PATH_MAX];
	int r;

	r = xl_path_prog(path, sizeof(path), a->dir, aid);
	if (r == 0)
		r = pin_as(a, k->prog_fd, path, k->prog_id, false);
	if (r == 0 && k->twin_fd >= 0 && (r = xl_prog_id(k->twin_fd, &twin_id)) == 0 &&
	    (r = xl_path_direct(path, sizeof(path), a->dir, aid)) == 0)
		r = pin_as(a, k->twin_fd, path, twin_id, false);
	if (r == 0 && k->slot_link >= 0 &&
	    (r = xl_path_rev_slot(path, sizeof(path), a->dir, a->st.revision, k->slot)) == 0) {
		struct bpf_link_info li;

		r = xl_link_info(k->slot_link, &li);
		if (r == 0)
			r = pin_as(a, k->slot_link, path, li.id, true);
	}
	return r;
}

static int write_revision(struct adopt *a)
{
	char path[PATH_MAX];
	struct bpf_map_info mi;
	int r;

	r = mkdir_once(a, a->dir);
	if (r == 0 && (r = xl_path_rev(path, sizeof(path), a->dir, a->st.revision)) == 0)
		r = mkdir_once(a, path);
	if (r == 0 && (r = xl_path_rev_entry(path, sizeof(path), a->dir, a->st.revision)) == 0)
		r = pin_as(a, a->entry_fd, path, a->entry_id, false);
	for (size_t i = 0; r == 0 && i < a->n; i++)
		r = pin_prog(a, i);
	if (r == 0 && a->counters_fd >= 0 && (r = xl_adopt_map_info(a->counters_fd, &mi)) == 0 &&
	    (r = xl_path_counters(path, sizeof(path), a->dir)) == 0)
		r = pin_as(a, a->counters_fd, path, mi.id, false);
	if (r == 0)
		r = mkdir_once(a, a->sdir);
	if (r == 0 && (r = xl_path_state(path, sizeof(path), a->sdir, a->st.revision)) == 0) {
		r = xl_state_write(path, &a->st);
		if (r < 0)
			return xl_err_set(a->err, r, "writing state %s: %s", path, errno_name(r));
		r = xl_undo_push(&a->undo, path, false);
	}
	/* Last: from here on, a crash leaves a revision recovery adopts. */
	if (r == 0 && (r = xl_path_link(path, sizeof(path), a->dir)) == 0)
		r = pin_as(a, a->link_fd, path, a->link_id, true);
	return r;
}

/* Every other revision, state file and program pin of the interface:
 * what it described is either the revision just written or dead. */
static void sweep_others(struct adopt *a)
{
	_cleanup_(closedirp) DIR *d = opendir(a->dir);
	_cleanup_(closedirp) DIR *sd = opendir(a->sdir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX];
		bool keep = false;
		__u64 rev;
		__u32 id;

		if (snprintf(path, sizeof(path), "%s/%s", a->dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (xl_parse_rev_name(de->d_name, &rev) == 0 && rev != a->st.revision) {
			xl_rm_tree(path, NULL);
			continue;
		}
		if (xl_parse_prog_name(de->d_name, &id) < 0 && xl_parse_direct_name(de->d_name, &id) < 0)
			continue;
		for (size_t i = 0; i < a->st.n; i++)
			keep = keep || a->st.att[i].id == id;
		if (!keep)
			xl_unpin(path);
	}
	while (sd && (de = readdir(sd))) {
		char path[PATH_MAX];
		__u64 rev;

		if (xl_parse_state_name(de->d_name, &rev) == 0 && rev != a->st.revision &&
		    snprintf(path, sizeof(path), "%s/%s", a->sdir, de->d_name) < (int)sizeof(path))
			unlink(path);
	}
}

static int detach(struct adopt *a)
{
	int r;

	if (a->link_fd >= 0) {
		r = xl_link_detach(a->link_fd);
		if (r < 0)
			return xl_err_set(a->err, r, "%s: detaching XDP link %u: %s", a->ifname,
					  a->link_id, errno_name(r));
		__atomic_fetch_add(&a->e->link_updates, 1, __ATOMIC_RELAXED);
	}
	return xl_iface_purge(a->e, a->dir, a->sdir);
}

static int adopt_locked(struct adopt *a, const struct xl_adopt_opts *opts)
{
	__u32 prog = 0;
	int r;

	r = xl_adopt_query_xdp(a, &prog);
	if (r == 0 && prog)
		r = xl_adopt_find_link(a, prog);
	if (r < 0)
		return r;
	if (opts && opts->detach)
		return detach(a);
	if (!prog)	/* The kernel runs nothing: what is pinned describes nothing live. */
		return xl_iface_purge(a->e, a->dir, a->sdir);
	r = xl_adopt_read_kernel(a, prog);
	if (r < 0)
		return r;
	scan_dir(a, a->dir);
	scan_dir(a, a->sdir);
	r = build_state(a, opts);
	if (r == 0)
		r = write_revision(a);
	if (r < 0)
		return r;
	xl_undo_done(&a->undo);
	sweep_others(a);
	return 0;
}

int xl_engine__adopt(struct xl_engine *e, int ifindex, const struct xl_adopt_opts *opts,
		     struct xl_adopt_info *ret_info)
{
	_cleanup_(xl_engine_unlock) int lock = -EBADF;
	_cleanup_free_ struct adopt *a = NULL;
	int r;

	if (opts && opts->sz < offsetofend(struct xl_adopt_opts, xl_adopt_opts__last_field))
		return xl_err_set(xl_engine_err(e), -EINVAL, "invalid adopt options");
	if (ifindex <= 0)
		return xl_err_set(xl_engine_err(e), -EINVAL, "invalid ifindex %d", ifindex);
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*a = (struct adopt){ .e = e, .err = xl_engine_err(e), .ifindex = ifindex,
			     .link_fd = -EBADF, .entry_fd = -EBADF, .counters_fd = -EBADF };
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		a->progs[i] = (struct kprog){ .prog_fd = -EBADF, .slot_link = -EBADF, .twin_fd = -EBADF };
	if (!if_indextoname((unsigned)ifindex, a->ifname))
		snprintf(a->ifname, sizeof(a->ifname), "ifindex %d", ifindex);
	r = xl_netns_cookie(&a->cookie);
	if (r < 0)
		return xl_err_set(a->err, r, "reading the netns cookie: %s", errno_name(r));
	if (xl_path_iface(a->dir, sizeof(a->dir), e->root, a->cookie, ifindex) < 0 ||
	    xl_path_iface(a->sdir, sizeof(a->sdir), e->state_dir, a->cookie, ifindex) < 0)
		return xl_err_set(a->err, -ENAMETOOLONG, "path for ifindex %d too long", ifindex);
	lock = xl_engine_lock_iface(e, a->cookie, ifindex);
	if (lock < 0)
		return xl_err_set(a->err, lock, "locking %s: %s", e->state_dir, errno_name(lock));
	r = adopt_locked(a, opts);
	if (r == 0 && ret_info) {
		*ret_info = (struct xl_adopt_info){ .programs = (unsigned)a->st.n,
			.relinked = a->relinked, .revision = a->st.revision,
			.link_id = a->st.n ? a->link_id : 0 };
		for (size_t i = 0; i < a->st.n; i++)
			ret_info->synthesized += !a->from_state[i];
	}
	adopt_done(a);
	return r;
}
