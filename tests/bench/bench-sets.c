/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench configurations: direct, xdplinkd and libxdp sets, each attached afresh for every load. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bench.h"

/* ---- describing what an entry program runs ----------------------------- */

static const char *btf_func_name(__u32 btf_obj_id, __u32 type_id)
{
	static char buf[64];
	struct btf *btf = btf__load_from_kernel_by_id(btf_obj_id);
	const struct btf_type *t;

	if (!btf)
		return NULL;
	t = btf__type_by_id(btf, type_id);
	snprintf(buf, sizeof(buf), "%s", t ? btf__name_by_offset(btf, t->name_off) : "?");
	btf__free(btf);
	return buf;
}

/* Link id's info into *ret; 0 when the link is gone meanwhile (ret->id stays 0). */
static int link_info(__u32 id, struct bpf_link_info *ret)
{
	__u32 len = sizeof(*ret);
	_cleanup_close_ int fd = bpf_link_get_fd_by_id(id);

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return fail(-errno, "fd of link %u", id);
	if (bpf_obj_get_info_by_fd(fd, ret, &len) < 0)
		return fail(-errno, "link info of link %u", id);
	return 0;
}

/* Counts the freplace links into prog and whether one replaced its entry. */
static int scan_links(const struct bpf_prog_info *prog, int *slots, bool *entry)
{
	__u32 id = 0;

	while (bpf_link_get_next_id(id, &id) == 0) {
		struct bpf_link_info li = {};
		const char *fn;
		int r = link_info(id, &li);

		if (r < 0)
			return r;
		if (li.type != BPF_LINK_TYPE_TRACING || li.tracing.target_obj_id != prog->id)
			continue;
		fn = btf_func_name(prog->btf_id, li.tracing.target_btf_id);
		if (!fn)
			return fail(-errno, "BTF %u of program %u", prog->btf_id, prog->id);
		if (!strcmp(fn, prog->name))
			*entry = true;
		else
			(*slots)++;
	}
	if (errno != ENOENT)
		return fail(-errno, "BPF_LINK_GET_NEXT_ID");
	return 0;
}

static void describe_entry(int fd, char *buf, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	bool entry = false;
	int slots = 0;

	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) < 0) {
		snprintf(buf, len, "unknown (%s)", errno_name(errno));
		return;
	}
	if (scan_links(&info, &slots, &entry) < 0)
		snprintf(buf, len, "%s, links unknown", info.name);
	else if (entry)
		snprintf(buf, len, "%s with its entry freplaced (no dispatcher runs)", info.name);
	else if (slots)
		snprintf(buf, len, "dispatcher %s, %d slot%s freplaced", info.name, slots,
			 slots == 1 ? "" : "s");
	else
		snprintf(buf, len, "%s directly (no dispatcher)", info.name);
}

/* Where the JIT image of fd's program starts; 0 when the kernel hides it. */
static __u64 jit_addr(int fd)
{
	__u64 addr = 0;
	struct bpf_prog_info info = { .nr_jited_ksyms = 1,
				      .jited_ksyms = (__u64)(unsigned long)&addr };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) < 0 ? 0 : addr;
}

/* ---- the configurations ------------------------------------------------ */

/* Sets larger than libxdp's have no target and the longest runs: fewer loads. */
static int loads_for(const struct bench *b, int n)
{
	return n > LIBXDP_MAX && BIG_SET_LOADS < b->o.loads ? BIG_SET_LOADS : b->o.loads;
}

/* A configuration on a device of its own. */
static struct meas *new_meas(struct bench *b, const char *kind, int n, int ifindex)
{
	struct meas *m = &b->m[b->n_meas++];

	*m = (struct meas){ .kind = kind, .n = n, .ifindex = ifindex, .fd = -1,
			    .loads = loads_for(b, n) };
	return m;
}

const struct meas *find_meas(const struct bench *b, const char *kind, int n)
{
	for (int i = 0; i < b->n_meas; i++)
		if (!strcmp(b->m[i].kind, kind) && b->m[i].n == n)
			return &b->m[i];
	return NULL;
}

static int add_ours(struct bench *b, int n, bool counters)
{
	struct xl_iface *iface;
	struct meas *m;
	int r = open_iface(b, &iface);

	if (r < 0)
		return r;
	m = new_meas(b, counters ? "xdplinkd+counters" : "xdplinkd", n,
		     xl_iface__ifindex(iface));
	m->iface = iface;
	m->counters = counters;
	return 0;
}

static int add_plain(struct bench *b, const char *kind, int n)
{
	int ifindex = add_dev(b);

	if (ifindex < 0)
		return ifindex;
	new_meas(b, kind, n, ifindex);
	return 0;
}

/* Every configuration with its device, nothing attached yet: direct,
 * xdplinkd at each of ours_n, xdplinkd+counters, libxdp at each of libxdp_n. */
int sets_add(struct bench *b)
{
	int r = add_plain(b, "direct", 1);

	for (size_t i = 0; r == 0 && i < ELEMENTSOF(ours_n); i++)
		r = add_ours(b, ours_n[i], false);
	if (r == 0)
		r = add_ours(b, COUNTERS_N, true);
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(libxdp_n); i++) {
		r = add_plain(b, "libxdp", libxdp_n[i]);
		if (r == 0)
			b->m[b->n_meas - 1].lx = &b->lx[b->n_lx++];
	}
	return r;
}

/* (a) xl_pass_0 loaded as a plain XDP program and attached to a device. */
static int load_direct(struct bench *b, struct meas *m)
{
	LIBBPF_OPTS(bpf_link_create_opts, xo, .flags = XDP_FLAGS_SKB_MODE);
	struct bpf_program *prog;
	int r = open_single(b, pass_name(0), &b->direct, &prog);

	if (r < 0)
		return r;
	r = bpf_object__load(b->direct);
	if (r < 0)
		return fail(r, "loading %s as XDP", pass_name(0));
	/* Attached like the others: the kernel then calls it directly rather
	 * than through an indirect call (its bpf_dispatcher for XDP). */
	b->direct_link = bpf_link_create(bpf_program__fd(prog), m->ifindex, BPF_XDP, &xo);
	if (b->direct_link < 0)
		return fail(-errno, "attaching %s to ifindex %d", pass_name(0), m->ifindex);
	m->fd = bpf_program__fd(prog);
	return 0;
}

/* (b), (d) n programs attached by the engine, counters on or off. */
static int load_ours(struct bench *b, struct meas *m)
{
	int r = apply_set(m->iface, b, 0, m->n, m->counters);

	if (r < 0)
		return r;
	m->fd = bpf_prog_get_fd_by_id(xl_iface__entry_prog_id(m->iface));
	if (m->fd < 0)
		return fail(-errno, "fd of entry program %u", xl_iface__entry_prog_id(m->iface));
	return 0;
}

static int libxdp_open(const struct bench *b, struct libxdp_set *s, int n)
{
	for (int i = 0; i < n; i++) {
		DECLARE_LIBXDP_OPTS(xdp_program_opts, xo, .prog_name = pass_name(i));
		long err;
		int r = open_single(b, pass_name(i), &s->objs[i], NULL);

		if (r < 0)
			return r;
		s->n = i + 1;
		xo.obj = s->objs[i];
		s->progs[i] = xdp_program__create(&xo);
		err = libxdp_get_error(s->progs[i]);
		if (err) {
			s->progs[i] = NULL;
			return fail((int)err, "xdp_program__create(%s)", pass_name(i));
		}
	}
	return 0;
}

/* The multiprog now on ifindex, into s->mp. */
static int libxdp_get(struct libxdp_set *s, int ifindex)
{
	long err;

	s->mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(s->mp);
	if (err || !s->mp) {
		s->mp = NULL;
		return fail(err ? (int)err : -ENOENT, "xdp_multiprog__get_from_ifindex(%d)",
			    ifindex);
	}
	return 0;
}

/* (c) n programs attached by libxdp in skb mode. */
static int load_libxdp(struct bench *b, struct meas *m)
{
	struct libxdp_set *s = m->lx;
	int r = libxdp_open(b, s, m->n);

	if (r < 0)
		return r;
	r = xdp_program__attach_multi(s->progs, (size_t)m->n, m->ifindex, XDP_MODE_SKB, 0);
	if (r < 0)
		return fail(r, "xdp_program__attach_multi(%d programs)", m->n);
	r = libxdp_get(s, m->ifindex);
	if (r < 0)
		return r;
	m->fd = fcntl(xdp_program__fd(xdp_multiprog__main_prog(s->mp)), F_DUPFD_CLOEXEC, 3);
	if (m->fd < 0)
		return fail(-errno, "dup of libxdp's main program fd");
	return 0;
}

static void libxdp_free(struct libxdp_set *s)
{
	if (s->mp) {
		int r = xdp_multiprog__detach(s->mp);

		if (r < 0)
			fail(r, "xdp_multiprog__detach");
		xdp_multiprog__close(s->mp);
	}
	for (int i = 0; i < s->n; i++) {
		xdp_program__close(s->progs[i]);
		bpf_object__close(s->objs[i]);
	}
	*s = (struct libxdp_set){};
}

/* Attach m's set afresh (everything loaded anew) for load number load. */
int set_load(struct bench *b, struct meas *m, int load)
{
	struct load *l = &m->load[load];
	double t0 = now_ms();
	int r = m->iface ? load_ours(b, m) : m->lx ? load_libxdp(b, m) : load_direct(b, m);

	if (r < 0)
		return r;
	l->setup_ms = now_ms() - t0;
	l->jit = jit_addr(m->fd);
	describe_entry(m->fd, m->runs, sizeof(m->runs));
	return 0;
}

/* Detach m's set and unload its programs (our fds included). */
void set_unload(struct bench *b, struct meas *m)
{
	if (m->iface) {
		m->fd = safe_close(m->fd);
		if (xl_iface__entry_prog_id(m->iface))
			detach_set(m->iface);
	} else if (m->lx) {
		m->fd = safe_close(m->fd);
		libxdp_free(m->lx);
	} else {
		m->fd = -1;	/* the object's */
		b->direct_link = safe_close(b->direct_link);
		bpf_object__close(b->direct);
		b->direct = NULL;
	}
}

/* Unload whatever is still loaded; teardown() frees the engine interfaces. */
void sets_free(struct bench *b)
{
	for (int i = 0; i < b->n_meas; i++)
		set_unload(b, &b->m[i]);
}
