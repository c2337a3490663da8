/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Adoption, first half: find what the kernel runs on an interface (its XDP
 * link, our dispatcher and the programs in its slots, or a lone program). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xl-adopt-internal.h"
#include "xl-bpf.h"
#include "xl-path.h"

/* The one program XDP runs on the interface in this netns, and its mode. */
int xl_adopt_query_xdp(struct adopt *a, __u32 *ret_prog)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int r = bpf_xdp_query(a->ifindex, 0, &q);

	if (r < 0)
		return xl_err_set(a->err, r, "%s: querying XDP: %s", a->ifname, errno_name(r));
	switch (q.attach_mode) {
	case XDP_ATTACHED_NONE:
		*ret_prog = 0;
		return 0;
	case XDP_ATTACHED_DRV:
		a->mode = XL_MODE_NATIVE;
		*ret_prog = q.drv_prog_id;
		return 0;
	case XDP_ATTACHED_SKB:
		a->mode = XL_MODE_SKB;
		*ret_prog = q.skb_prog_id;
		return 0;
	default:
		return xl_err_set(a->err, -EBUSY, "%s runs XDP programs in several modes (native %u, "
				  "skb %u, hw %u): not one link xdplinkd could own", a->ifname,
				  q.drv_prog_id, q.skb_prog_id, q.hw_prog_id);
	}
}

/* The XDP link of this ifindex that runs prog: link info has no netns,
 * so the program id tells it from another namespace's same ifindex. */
static bool is_our_link(int fd, int ifindex, __u32 prog, __u32 *ret_id)
{
	struct bpf_link_info info;

	if (fd < 0 || xl_link_info(fd, &info) < 0 || info.type != BPF_LINK_TYPE_XDP ||
	    (int)info.xdp.ifindex != ifindex || info.prog_id != prog)
		return false;
	*ret_id = info.id;
	return true;
}

int xl_adopt_find_link(struct adopt *a, __u32 prog)
{
	char path[PATH_MAX], name[BPF_OBJ_NAME_LEN], holder[256];
	__u32 id = 0;
	int fd;

	if (xl_path_link(path, sizeof(path), a->dir) == 0) {
		fd = xl_pinned(path);
		if (is_our_link(fd, a->ifindex, prog, &a->link_id)) {
			a->link_fd = fd;
			return 0;
		}
		safe_close(fd);
	}
	while (bpf_link_get_next_id(id, &id) == 0) {
		fd = bpf_link_get_fd_by_id(id);
		if (is_our_link(fd, a->ifindex, prog, &a->link_id)) {
			a->link_fd = fd;
			break;
		}
		safe_close(fd);
	}
	xl_prog_name_by_id(prog, name, sizeof(name));
	if (a->link_fd < 0) {
		xl_holder_describe(a->ifindex, holder, sizeof(holder));
		return xl_err_set(a->err, -EBUSY, "%s: XDP is held by %s, not by a bpf_link: not "
				  "xdplinkd's to adopt; remove it with the tool that attached it",
				  a->ifname, holder);
	}
	if (strcmp(name, LIBXDP_DISPATCHER) == 0)
		return xl_err_set(a->err, -EBUSY, "%s: XDP is held by bpf_link %u running libxdp's "
				  "dispatcher (program %s, id %u): not xdplinkd's to adopt; see "
				  "xdp-loader status", a->ifname, a->link_id, name, prog);
	return 0;
}

int xl_adopt_map_info(int fd, struct bpf_map_info *ret)
{
	__u32 len = sizeof(*ret);

	memset(ret, 0, sizeof(*ret));
	return bpf_obj_get_info_by_fd(fd, ret, &len);
}

/* The dispatcher's frozen configuration and its counters map, read back
 * from the maps the loaded program uses. */
static int read_dispatcher(struct adopt *a)
{
	__u32 ids[16], len = sizeof(struct bpf_prog_info);
	struct bpf_prog_info info = { .nr_map_ids = ELEMENTSOF(ids), .map_ids = (__u64)(unsigned long)ids };
	bool have_cfg = false;
	__u32 key = 0;
	int r;

	r = bpf_obj_get_info_by_fd(a->entry_fd, &info, &len);
	if (r < 0)
		return xl_err_set(a->err, r, "%s: reading dispatcher program %u: %s", a->ifname,
				  a->entry_id, errno_name(r));
	for (__u32 i = 0; i < info.nr_map_ids && i < ELEMENTSOF(ids); i++) {
		_cleanup_close_ int fd = bpf_map_get_fd_by_id(ids[i]);
		struct bpf_map_info mi;

		if (fd < 0 || xl_adopt_map_info(fd, &mi) < 0)
			continue;
		if (strcmp(mi.name, "xl_counters") == 0 && a->counters_fd < 0) {
			a->counters_fd = TAKE_FD(fd);
		} else if (strstr(mi.name, ".rodata") && mi.value_size == sizeof(a->cfg) &&
			   bpf_map_lookup_elem(fd, &key, &a->cfg) == 0) {
			have_cfg = true;
		}
	}
	if (!have_cfg || a->cfg.n_slots > XL_MAX_SLOTS)
		return xl_err_set(a->err, -EUCLEAN, "%s: dispatcher program %u has no readable "
				  "configuration", a->ifname, a->entry_id);
	return 0;
}

/* "xl_slotN" -> N, "xl_dispatcher" -> XL_SLOT_ENTRY, via the dispatcher's BTF. */
static int slot_of(const struct btf *btf, __u32 btf_id, int *ret)
{
	const struct btf_type *t = btf__type_by_id(btf, btf_id);
	const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
	char *end;
	long n;

	if (!name)
		return -ENOENT;
	if (strcmp(name, OUR_DISPATCHER) == 0) {
		*ret = XL_SLOT_ENTRY;
		return 0;
	}
	if (strncmp(name, "xl_slot", 7) != 0)
		return -EINVAL;
	n = strtol(name + 7, &end, 10);
	if (*end || end == name + 7 || n < 0 || n >= XL_MAX_SLOTS)
		return -EINVAL;
	*ret = (int)n;
	return 0;
}

/* Record one freplace link into the dispatcher at its slot. */
static int take_slot(struct adopt *a, int slot, int link_fd, __u32 prog_id, __u32 link_id)
{
	size_t i = slot == XL_SLOT_ENTRY ? 0 : (size_t)slot;

	if ((slot == XL_SLOT_ENTRY && a->n > 0) || a->progs[i].slot_link >= 0) {
		close(link_fd);
		return xl_err_set(a->err, -EUCLEAN, "%s: dispatcher %u has two programs in slot %d "
				  "(link %u)", a->ifname, a->entry_id, slot, link_id);
	}
	a->progs[i].prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (a->progs[i].prog_fd < 0) {
		close(link_fd);
		return xl_err_set(a->err, a->progs[i].prog_fd, "%s: opening program %u of slot %d: %s",
				  a->ifname, prog_id, slot, errno_name(a->progs[i].prog_fd));
	}
	a->progs[i].prog_id = prog_id;
	a->progs[i].slot = slot;
	a->progs[i].slot_link = link_fd;
	if (slot == XL_SLOT_ENTRY)
		a->n = 1;
	return 0;
}

/* The EXT program a state file put in slot i of a dispatcher of n_slots,
 * still pinned as prog-<id>: the newest revision's. */
static int slot_program(struct adopt *a, size_t i, __u32 *ret_prog_id)
{
	_cleanup_(closedirp) DIR *d = opendir(a->sdir);
	struct dirent *de;
	__u64 best = 0;
	int fd = -ENOENT;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX];
		struct xl_state st = {};
		__u64 rev;
		int pfd;
		__u32 id;

		if (xl_parse_state_name(de->d_name, &rev) < 0 || rev < best ||
		    snprintf(path, sizeof(path), "%s/%s", a->sdir, de->d_name) >= (int)sizeof(path) ||
		    xl_state_read(path, &st) < 0)
			continue;
		if (st.ifindex == a->ifindex && !st.direct && st.n == a->cfg.n_slots && i < st.n &&
		    xl_path_prog(path, sizeof(path), a->dir, st.att[i].id) == 0 &&
		    (pfd = xl_pinned(path)) >= 0) {
			if (xl_prog_id(pfd, &id) == 0 && id == st.att[i].prog_id) {
				safe_close(fd);
				fd = pfd;
				best = rev;
				*ret_prog_id = id;
			} else {
				close(pfd);
			}
		}
		xl_state_clear(&st);
	}
	return fd;
}

/*
 * A slot whose freplace link is gone (its only pin was in a deleted
 * rev-N directory) runs the stub, which passes packets on: the committed
 * program no longer runs. When a state file and the program's pin say
 * which program the slot had, attach it there again; this restores the
 * committed set and changes neither the XDP link nor the dispatcher.
 */
static int relink_slot(struct adopt *a, const struct btf *btf, size_t i)
{
	_cleanup_close_ int prog = -EBADF;
	__u32 prog_id = 0;
	char func[32];
	int btf_id, link;

	prog = slot_program(a, i, &prog_id);
	if (prog < 0)
		return xl_err_set(a->err, -EUCLEAN, "%s: slot %zu of dispatcher %u runs no program "
				  "(its freplace link is gone) and no state file and pin say which "
				  "program it had; detach it (adopt --detach) and attach again",
				  a->ifname, i, a->entry_id);
	snprintf(func, sizeof(func), "xl_slot%zu", i);
	btf_id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (btf_id < 0)
		return xl_err_set(a->err, btf_id, "%s: dispatcher %u has no function %s: %s",
				  a->ifname, a->entry_id, func, errno_name(btf_id));
	link = xl_freplace_link_create(prog, a->entry_fd, (__u32)btf_id);
	if (link < 0)
		return xl_err_set(a->err, link, "%s: attaching program %u to slot %zu of dispatcher "
				  "%u again: %s", a->ifname, prog_id, i, a->entry_id, errno_name(link));
	a->relinked++;
	return take_slot(a, (int)i, link, prog_id, 0);
}

/* Every freplace link whose target is the dispatcher the link runs. */
static int find_slots(struct adopt *a)
{
	struct bpf_prog_info pi;
	struct btf *btf = NULL;
	__u32 id = 0;
	int r;

	r = xl_prog_info(a->entry_fd, &pi);
	if (r == 0)
		btf = btf__load_from_kernel_by_id(pi.btf_id);
	if (r < 0 || !btf)
		return xl_err_set(a->err, r < 0 ? r : -errno, "%s: reading the BTF of dispatcher %u: %s",
				  a->ifname, a->entry_id, errno_name(r < 0 ? r : errno));
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		a->progs[i].slot_link = -EBADF;
	while (r == 0 && bpf_link_get_next_id(id, &id) == 0) {
		_cleanup_close_ int fd = bpf_link_get_fd_by_id(id);
		struct bpf_link_info li;
		int slot;

		if (fd < 0 || xl_link_info(fd, &li) < 0 || li.type != BPF_LINK_TYPE_TRACING ||
		    li.tracing.target_obj_id != a->entry_id)
			continue;
		if (slot_of(btf, li.tracing.target_btf_id, &slot) < 0)
			continue;
		r = take_slot(a, slot, TAKE_FD(fd), li.prog_id, li.id);
	}
	if (r == 0 && a->n == 0)
		a->n = a->cfg.n_slots;
	for (size_t i = 0; r == 0 && i < a->n; i++)
		if (a->progs[i].prog_fd < 0)
			r = relink_slot(a, btf, i);
	btf__free(btf);
	return r;
}

int xl_adopt_pinned_id(const char *dir, const char *name, __u32 *ret)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -EBADF;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = xl_pinned(path);
	return fd < 0 ? fd : xl_prog_id(fd, ret);
}

/*
 * A lone program the link runs itself. With freplace, it is a twin: its
 * EXT instance is pinned as prog-<id> next to direct-<id>. Without the
 * pins, only the twin is known: it is adopted as a directly run program
 * (as in degraded mode), which can run alone until it is attached again.
 */
static int find_lone(struct adopt *a)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	char path[PATH_MAX];
	__u32 aid, id;

	a->n = 1;
	a->progs[0].slot = 0;
	a->progs[0].slot_link = -EBADF;
	a->progs[0].prog_id = a->entry_id;
	a->direct = true;
	d = a->e->has_freplace ? opendir(a->dir) : NULL;
	while (d && (de = readdir(d))) {
		if (xl_parse_direct_name(de->d_name, &aid) < 0 ||
		    xl_adopt_pinned_id(a->dir, de->d_name, &id) < 0 || id != a->entry_id ||
		    xl_path_prog(path, sizeof(path), a->dir, aid) < 0)
			continue;
		a->progs[0].prog_fd = xl_pinned(path);
		if (a->progs[0].prog_fd < 0 || xl_prog_id(a->progs[0].prog_fd, &a->progs[0].prog_id) < 0) {
			a->progs[0].prog_fd = safe_close(a->progs[0].prog_fd);
			a->progs[0].prog_id = a->entry_id;
			continue;
		}
		a->progs[0].twin_fd = fcntl(a->entry_fd, F_DUPFD_CLOEXEC, 3);
		a->progs[0].pinned_id = aid;
		a->direct = false;
		break;
	}
	if (a->direct)
		a->progs[0].prog_fd = fcntl(a->entry_fd, F_DUPFD_CLOEXEC, 3);
	if (a->progs[0].prog_fd < 0 || (!a->direct && a->progs[0].twin_fd < 0))
		return xl_err_set(a->err, -errno, "%s: duplicating a descriptor: %s", a->ifname,
				  errno_name(errno));
	return 0;
}

int xl_adopt_read_kernel(struct adopt *a, __u32 prog)
{
	struct bpf_prog_info info;
	int r;

	a->entry_id = prog;
	a->entry_fd = bpf_prog_get_fd_by_id(prog);
	if (a->entry_fd < 0)
		return xl_err_set(a->err, a->entry_fd, "%s: opening program %u that XDP runs: %s",
				  a->ifname, prog, errno_name(a->entry_fd));
	r = xl_prog_info(a->entry_fd, &info);
	if (r < 0)
		return xl_err_set(a->err, r, "%s: reading program %u: %s", a->ifname, prog, errno_name(r));
	a->dispatcher = strcmp(info.name, OUR_DISPATCHER) == 0;
	if (!a->dispatcher)
		return find_lone(a);
	r = read_dispatcher(a);
	return r < 0 ? r : find_slots(a);
}
