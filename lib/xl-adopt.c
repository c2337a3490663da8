/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Adoption: rebuild an interface's revision from what the kernel runs, without touching the data plane. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "../bpf/xl_dispatcher.h"
#include "xl-adopt.h"
#include "xl-bpf.h"
#include "xl-internal.h"
#include "xl-path.h"
#include "xl-plan.h"
#include "xl-undo.h"

/* libxdp's dispatcher (xdp-loader, xdp-filter): another manager's. */
#define LIBXDP_DISPATCHER "xdp_dispatcher"
#define OUR_DISPATCHER "xl_dispatcher"

/* One program the kernel runs for the interface, in run order. */
struct kprog {
	__u32 prog_id;
	int prog_fd;		/* the program (EXT under a dispatcher) */
	int slot_link;		/* its freplace link, or -EBADF */
	int slot;		/* dispatcher slot, XL_SLOT_ENTRY for the entry */
	int twin_fd;		/* a lone program's plain-XDP twin that the link runs */
	__u32 pinned_id;	/* attachment id a prog-/direct- pin gives it, or 0 */
};

struct adopt {
	struct xl_engine *e;
	struct xl_err *err;
	int ifindex;
	__u64 cookie;
	char ifname[32];	/* a name, or "ifindex N" */
	char dir[PATH_MAX], sdir[PATH_MAX];
	int link_fd;
	__u32 link_id;
	enum xl_mode mode;
	int entry_fd;
	__u32 entry_id;
	bool dispatcher;
	bool direct;
	int counters_fd;
	struct xl_dispatcher_config cfg;
	size_t n;
	struct kprog progs[XL_MAX_PROGS];
	bool matched[XL_MAX_PROGS];
	bool from_state[XL_MAX_PROGS];	/* matched by a state file, not made up */
	__u64 max_rev;		/* highest revision seen in bpffs or the state dir */
	__u32 max_id;		/* highest attachment id seen */
	unsigned relinked;	/* slots whose lost freplace link was made again */
	struct xl_state st;	/* the revision being written */
	struct xl_undo undo;
};

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

static void prog_name(__u32 id, char *buf, size_t len)
{
	_cleanup_close_ int fd = bpf_prog_get_fd_by_id(id);
	struct bpf_prog_info info;

	snprintf(buf, len, "?");
	if (fd >= 0 && xl_prog_info(fd, &info) == 0)
		snprintf(buf, len, "%s", info.name);
}

/* The one program XDP runs on the interface in this netns, and its mode. */
static int query_xdp(struct adopt *a, __u32 *ret_prog)
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

static int find_link(struct adopt *a, __u32 prog)
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
	prog_name(prog, name, sizeof(name));
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

static int map_info(int fd, struct bpf_map_info *ret)
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

		if (fd < 0 || map_info(fd, &mi) < 0)
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

static int pinned_id(const char *dir, const char *name, __u32 *ret)
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
		    pinned_id(a->dir, de->d_name, &id) < 0 || id != a->entry_id ||
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

static int read_entry(struct adopt *a, __u32 prog)
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
				if (!a->progs[i].pinned_id && pinned_id(dir, de->d_name, &pid) == 0 &&
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

		if (p->priority > c->priority || (p->priority == c->priority && p->id > c->id))
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
			old_id = map_info(old, &mi) == 0 ? mi.id : 0;
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
	if (r == 0 && a->counters_fd >= 0 && (r = map_info(a->counters_fd, &mi)) == 0 &&
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

	r = query_xdp(a, &prog);
	if (r == 0 && prog)
		r = find_link(a, prog);
	if (r < 0)
		return r;
	if (opts && opts->detach)
		return detach(a);
	if (!prog)	/* The kernel runs nothing: what is pinned describes nothing live. */
		return xl_iface_purge(a->e, a->dir, a->sdir);
	r = read_entry(a, prog);
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
