/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Recovery: adopt the revision the link runs, without touching it, and remove everything else. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-bpf.h"
#include "xl-internal.h"
#include "xl-path.h"
#include "xl-testpoint.h"

/* Unlink every entry of dir (one level of subdirectories), then dir. */
int xl_rm_tree(const char *dir, unsigned *ret_revs)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		__u64 rev;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		if (de->d_type == DT_DIR) {
			if (ret_revs && xl_parse_rev_name(de->d_name, &rev) == 0)
				(*ret_revs)++;
			r = xl_rm_tree(path, NULL);
		} else if (unlink(path) < 0 && errno != ENOENT) {
			r = -errno;
		}
		if (r < 0)
			return r;
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* State files first: a crash half way leaves pins without state (debris
 * recovery removes), never state files without their link, which
 * recovery must take for a link it cannot see. */
int xl_iface_purge(struct xl_engine *e, const char *dir, const char *state_dir)
{
	int r = xl_rm_tree(state_dir, NULL);

	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "removing %s: %s", state_dir, errno_name(r));
	r = xl_rm_tree(dir, NULL);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "removing %s: %s", dir, errno_name(r));
	return 0;
}

static int pinned_prog_id(const char *path, __u32 *ret)
{
	_cleanup_close_ int fd = xl_pinned(path);

	if (fd < 0)
		return fd;
	return xl_prog_id(fd, ret);
}

/* The revision whose entry program the link runs: 0 if none. */
static __u64 find_live_revision(const char *dir, __u32 live_prog)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX];
		__u32 id = 0;
		__u64 rev;

		if (xl_parse_rev_name(de->d_name, &rev) == 0 &&
		    xl_path_rev_entry(path, sizeof(path), dir, rev) == 0 &&
		    pinned_prog_id(path, &id) == 0 && id == live_prog)
			return rev;
	}
	return 0;
}

/* Find the revision whose entry program the link runs; without one the
 * interface is refused as it is. */
static int adopt_revision(struct xl_iface *iface, __u32 live_prog, __u64 *ret_rev)
{
	__u64 live = find_live_revision(iface->dir, live_prog);

	if (!live)
		return xl_err_set(&iface->err, -EUCLEAN,
				  "the link pinned in %s runs program id %u, which no revision there "
				  "holds: the live rev-N directory was removed, or the link was "
				  "changed behind xdplinkd's back; nothing was removed",
				  iface->dir, live_prog);
	*ret_rev = live;
	return 0;
}

/* Once the live revision is adopted: every other one was built but never
 * committed, or committed over but not yet removed. */
static void drop_other_revisions(struct xl_iface *iface, struct xl_recover_stats *stats)
{
	_cleanup_(closedirp) DIR *d = opendir(iface->dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX];
		__u64 rev;

		if (xl_parse_rev_name(de->d_name, &rev) < 0 || rev == iface->st.revision)
			continue;
		if (xl_path_rev(path, sizeof(path), iface->dir, rev) == 0 && xl_rm_tree(path, NULL) == 0)
			stats->orphan_revisions++;
	}
}

/* Drop program pins and state files the live revision does not use. */
static void sweep(struct xl_iface *iface, struct xl_recover_stats *stats)
{
	_cleanup_(closedirp) DIR *d = opendir(iface->dir);
	_cleanup_(closedirp) DIR *sd = opendir(iface->state_dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX];
		bool used = false;
		__u32 id;

		if (xl_parse_prog_name(de->d_name, &id) < 0 &&
		    xl_parse_direct_name(de->d_name, &id) < 0)
			continue;
		for (size_t i = 0; i < iface->st.n; i++)
			used = used || iface->st.att[i].id == id;
		if (used || snprintf(path, sizeof(path), "%s/%s", iface->dir, de->d_name) >= (int)sizeof(path))
			continue;
		/* Count an orphan program once, by its EXT pin. */
		if (xl_unpin(path) == 0 && de->d_name[0] == 'p')
			stats->orphan_programs++;
	}
	while (sd && (de = readdir(sd))) {
		char path[PATH_MAX];
		__u64 rev = 0;

		if (de->d_name[0] == '.' ||
		    (xl_parse_state_name(de->d_name, &rev) == 0 && rev == iface->st.revision))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", iface->state_dir, de->d_name) < (int)sizeof(path))
			unlink(path);
	}
}

/* The program of attachment i: its pin, or else what its slot link runs. */
static int open_program(struct xl_iface *iface, size_t i)
{
	const struct xl_attachment *a = &iface->st.att[i];
	char path[PATH_MAX];
	struct bpf_link_info li;
	int fd, slot, r;

	r = xl_path_prog(path, sizeof(path), iface->dir, a->id);
	if (r < 0)
		return r;
	fd = xl_pinned(path);
	if (fd >= 0)
		return fd;
	if (iface->st.direct) {
		r = xl_path_rev_entry(path, sizeof(path), iface->dir, iface->st.revision);
		fd = r < 0 ? r : xl_pinned(path);
	} else {
		/* A lone program may have replaced the entry instead of slot 0. */
		slot = iface->st.n == 1 ? XL_SLOT_ENTRY : (int)i;
		r = xl_path_rev_slot(path, sizeof(path), iface->dir, iface->st.revision, slot);
		fd = r < 0 ? r : xl_pinned(path);
		if (fd == -ENOENT && slot == XL_SLOT_ENTRY &&
		    xl_path_rev_slot(path, sizeof(path), iface->dir, iface->st.revision, 0) == 0)
			fd = xl_pinned(path);
	}
	if (fd >= 0 && !iface->st.direct) {
		r = xl_link_info(fd, &li);
		close(fd);
		fd = r < 0 ? r : bpf_prog_get_fd_by_id(li.prog_id);
	}
	if (fd >= 0 && xl_path_prog(path, sizeof(path), iface->dir, a->id) == 0)
		xl_pin(fd, path);
	return fd;
}

static int load_state(struct xl_iface *iface, __u64 rev)
{
	char path[PATH_MAX];
	int r;

	r = xl_path_state(path, sizeof(path), iface->state_dir, rev);
	if (r == 0)
		r = xl_state_read(path, &iface->st);
	if (r < 0)
		return xl_err_set(&iface->err, r, "the live revision %llu has no usable state file %s: %s",
				  (unsigned long long)rev, path, errno_name(r));
	if (iface->st.revision != rev || iface->st.ifindex != iface->ifindex) {
		xl_state_clear(&iface->st);
		return xl_err_set(&iface->err, -EBADMSG, "%s describes another revision or interface", path);
	}
	return 0;
}

static int open_fds(struct xl_iface *iface)
{
	char path[PATH_MAX];
	int r;

	for (size_t i = 0; i < iface->st.n; i++) {
		iface->prog_fds[i] = open_program(iface, i);
		if (iface->prog_fds[i] < 0)
			return xl_err_set(&iface->err, iface->prog_fds[i],
					  "program of attachment %u is gone: %s",
					  iface->st.att[i].id, errno_name(iface->prog_fds[i]));
	}
	r = xl_path_rev_entry(path, sizeof(path), iface->dir, iface->st.revision);
	iface->entry_fd = r < 0 ? r : xl_pinned(path);
	if (iface->entry_fd < 0)
		return xl_err_set(&iface->err, iface->entry_fd, "opening %s: %s", path,
				  errno_name(iface->entry_fd));
	if (xl_path_counters(path, sizeof(path), iface->dir) == 0)
		iface->counters_fd = xl_pinned(path);
	return 0;
}

/* The highest revision a state file describes (0: none), and whether
 * anything at all is there. */
static __u64 last_state_revision(const struct xl_iface *iface, bool *ret_any)
{
	_cleanup_(closedirp) DIR *d = opendir(iface->state_dir);
	_cleanup_(closedirp) DIR *bd = opendir(iface->dir);
	struct dirent *de;
	__u64 max = 0, rev;

	*ret_any = false;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		*ret_any = true;
		if (xl_parse_state_name(de->d_name, &rev) == 0 && rev > max)
			max = rev;
	}
	while (bd && !*ret_any && (de = readdir(bd)))
		*ret_any = de->d_name[0] != '.';
	return max;
}

/* What the kernel runs on the interface, whoever attached it: 0 if nothing. */
static __u32 kernel_xdp_prog(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q) < 0)
		return 0;
	return q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id :
	       q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
}

/*
 * No link pin. Only debris that provably never ran may go: the state
 * file of a first revision whose commit never happened, with nothing
 * running. Anything else is a link we cannot see (its pin hidden by a
 * bpffs mounted on top, another BpffsRoot, the pin deleted): deleting
 * would lose the state of programs that still run.
 */
static int recover_unlinked(struct xl_iface *iface, struct xl_recover_stats *stats)
{
	const char *root_changed = xl_engine__root_changed(iface->e);
	bool any;
	__u64 last = last_state_revision(iface, &any);
	__u32 running;
	int r;

	if (!any)
		return 0;
	running = kernel_xdp_prog(iface->ifindex);
	if (root_changed || running || last > 1)
		stats->refused++;
	if (root_changed)
		return xl_err_set(&iface->err, -EXDEV, "%s; nothing of ifindex %d was removed",
				  root_changed, iface->ifindex);
	if (running)
		return xl_err_set(&iface->err, -ENOLINK,
				  "the kernel runs XDP program %u on ifindex %d, but no link is "
				  "pinned at %s/link although %s: probably a bpffs was mounted "
				  "over the root, or the pin was deleted; nothing was removed. "
				  "Take it over with 'xdpctl adopt IFACE'", running, iface->ifindex,
				  iface->dir, last ? "state files describe it" : "pins are there");
	if (last > 1)
		return xl_err_set(&iface->err, -ENOLINK,
				  "state files say revision %llu of ifindex %d was committed, but "
				  "no link is pinned at %s/link and the kernel runs no XDP program "
				  "there: the link pin was removed and the link closed; nothing was "
				  "removed. Take it over with 'xdpctl adopt IFACE'",
				  (unsigned long long)last, iface->ifindex, iface->dir);
	/* A first revision built and never committed. */
	r = xl_rm_tree(iface->dir, &stats->orphan_revisions);
	if (r == 0)
		r = xl_rm_tree(iface->state_dir, NULL);
	return r < 0 ? xl_err_set(&iface->err, r, "cleaning %s: %s", iface->dir, errno_name(r)) : 0;
}

int xl_iface_recover(struct xl_iface *iface, struct xl_recover_stats *stats)
{
	_cleanup_close_ int link = -EBADF;
	struct bpf_link_info info;
	char path[PATH_MAX];
	__u64 rev = 0;
	int r;

	r = xl_path_link(path, sizeof(path), iface->dir);
	if (r < 0)
		return xl_err_set(&iface->err, r, "path too long");
	link = xl_pinned(path);
	if (link == -ENOENT)
		return recover_unlinked(iface, stats);
	if (link < 0)
		return xl_err_set(&iface->err, link, "opening %s: %s", path, errno_name(link));
	r = xl_link_info(link, &info);
	if (r < 0)
		return xl_err_set(&iface->err, r, "reading link %s: %s", path, errno_name(r));
	if (info.xdp.ifindex == 0) {
		stats->defunct++;
		return xl_iface_purge(iface->e, iface->dir, iface->state_dir) < 0 ?
			xl_err_set(&iface->err, -EIO, "%s", xl_engine_err(iface->e)->msg) : 0;
	}
	if ((int)info.xdp.ifindex != iface->ifindex)
		return xl_err_set(&iface->err, -EUCLEAN, "link %u pinned for ifindex %d now serves ifindex %u",
				  info.id, iface->ifindex, info.xdp.ifindex);
	r = adopt_revision(iface, info.prog_id, &rev);
	xl_test_point("recovery-adopted");
	if (r == 0)
		r = load_state(iface, rev);
	if (r == 0)
		r = open_fds(iface);
	if (r < 0) {
		xl_iface_close_fds(iface);
		xl_state_clear(&iface->st);
		stats->refused++;
		return r;
	}
	drop_other_revisions(iface, stats);
	sweep(iface, stats);
	xl_test_point("recovery-swept");
	xl_iface_set_link(iface, TAKE_FD(link));
	stats->interfaces++;
	return 0;
}
