/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench per-packet cost: BPF_PROG_TEST_RUN of a lone program, xdplinkd and libxdp sets. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bench.h"

static unsigned char pkt[PKT_LEN];

/* ---- the packet and the test runs ----------------------------------------- */

static __u16 ip_csum(const void *hdr, size_t len)
{
	const unsigned char *p = hdr;
	__u32 sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (__u32)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((__u16)~sum);
}

/* Ethernet + IPv4 + UDP, 64 bytes in all. */
void build_packet(void)
{
	struct ethhdr eth = { .h_dest = { 2, 0, 0, 0, 0, 2 }, .h_source = { 2, 0, 0, 0, 0, 1 },
			      .h_proto = htons(ETH_P_IP) };
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
			    .tot_len = htons(PKT_LEN - sizeof(eth)),
			    .saddr = htonl(0x0a000001), .daddr = htonl(0x0a000002) };
	struct udphdr udp = { .source = htons(9), .dest = htons(9),
			      .len = htons(PKT_LEN - sizeof(eth) - sizeof(ip)) };

	ip.check = ip_csum(&ip, sizeof(ip));
	memcpy(pkt, &eth, sizeof(eth));
	memcpy(pkt + sizeof(eth), &ip, sizeof(ip));
	memcpy(pkt + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	memset(pkt + sizeof(eth) + sizeof(ip) + sizeof(udp), 0xab,
	       PKT_LEN - sizeof(eth) - sizeof(ip) - sizeof(udp));
}

/* ns per packet of fd over repeat runs, timed around the syscall. */
static int test_run(int fd, unsigned repeat, double *ret_ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = repeat);
	double t0 = now_ms();
	int r = bpf_prog_test_run_opts(fd, &t);
	double t1 = now_ms();

	if (r < 0)
		return fail(r, "BPF_PROG_TEST_RUN of fd %d", fd);
	if (t.retval != XDP_PASS)
		return fail(-EPROTO, "test run returned %u, not XDP_PASS", t.retval);
	*ret_ns = (t1 - t0) * 1e6 / repeat;
	return 0;
}

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

/* ---- the configurations ------------------------------------------------ */

static struct meas *new_meas(struct bench *b, const char *kind, int n)
{
	struct meas *m = &b->m[b->n_meas++];

	*m = (struct meas){ .kind = kind, .n = n, .fd = -1 };
	return m;
}

const struct meas *find_meas(const struct bench *b, const char *kind, int n)
{
	for (int i = 0; i < b->n_meas; i++)
		if (!strcmp(b->m[i].kind, kind) && b->m[i].n == n)
			return &b->m[i];
	return NULL;
}

/* (a) xl_pass_0 loaded as a plain XDP program and attached to a device. */
static int setup_direct(struct bench *b)
{
	LIBBPF_OPTS(bpf_link_create_opts, xo, .flags = XDP_FLAGS_SKB_MODE);
	struct meas *m = new_meas(b, "direct", 1);
	struct bpf_program *prog;
	int ifindex = add_dev(b), r;
	double t0 = now_ms();

	if (ifindex < 0)
		return ifindex;
	r = open_single(b, pass_name(0), &b->direct, &prog);
	if (r < 0)
		return r;
	r = bpf_object__load(b->direct);
	if (r < 0)
		return fail(r, "loading %s as XDP", pass_name(0));
	m->fd = bpf_program__fd(prog);
	/* Attached like the others: the kernel then calls it directly rather
	 * than through an indirect call (its bpf_dispatcher for XDP). */
	b->direct_link = bpf_link_create(m->fd, ifindex, BPF_XDP, &xo);
	if (b->direct_link < 0)
		return fail(-errno, "attaching %s to ifindex %d", pass_name(0), ifindex);
	m->setup_ms = now_ms() - t0;
	describe_entry(m->fd, m->runs, sizeof(m->runs));
	return 0;
}

/* (b), (d) n programs attached by the engine, counters on or off. */
static int setup_ours(struct bench *b, int n, bool counters)
{
	struct meas *m = new_meas(b, counters ? "xdplinkd+counters" : "xdplinkd", n);
	struct xl_iface *iface;
	double t0;
	int r;

	r = open_iface(b, &iface);
	if (r < 0)
		return r;
	t0 = now_ms();
	r = apply_set(iface, b, 0, n, counters);
	if (r < 0)
		return r;
	m->setup_ms = now_ms() - t0;
	m->fd = bpf_prog_get_fd_by_id(xl_iface__entry_prog_id(iface));
	if (m->fd < 0)
		return fail(-errno, "fd of entry program %u", xl_iface__entry_prog_id(iface));
	describe_entry(m->fd, m->runs, sizeof(m->runs));
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
static int setup_libxdp(struct bench *b, int n)
{
	struct libxdp_set *s = &b->lx[b->n_lx++];
	struct meas *m = new_meas(b, "libxdp", n);
	int ifindex = add_dev(b), r;
	double t0 = now_ms();

	if (ifindex < 0)
		return ifindex;
	r = libxdp_open(b, s, n);
	if (r < 0)
		return r;
	r = xdp_program__attach_multi(s->progs, (size_t)n, ifindex, XDP_MODE_SKB, 0);
	if (r < 0)
		return fail(r, "xdp_program__attach_multi(%d programs)", n);
	r = libxdp_get(s, ifindex);
	if (r < 0)
		return r;
	m->setup_ms = now_ms() - t0;
	m->fd = fcntl(xdp_program__fd(xdp_multiprog__main_prog(s->mp)), F_DUPFD_CLOEXEC, 3);
	if (m->fd < 0)
		return fail(-errno, "dup of libxdp's main program fd");
	describe_entry(m->fd, m->runs, sizeof(m->runs));
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

/* Everything setup_all() made; engine interfaces are teardown()'s. */
void packets_free(struct bench *b)
{
	for (int i = 0; i < b->n_meas; i++)
		if (b->m[i].fd >= 0 && strcmp(b->m[i].kind, "direct"))
			b->m[i].fd = safe_close(b->m[i].fd);
	for (int i = 0; i < b->n_lx; i++)
		libxdp_free(&b->lx[i]);
	b->n_lx = 0;
	b->direct_link = safe_close(b->direct_link);
	bpf_object__close(b->direct);
	b->direct = NULL;
}

/* ---- measuring ----------------------------------------------------------- */

int setup_all(struct bench *b)
{
	int r = setup_direct(b);

	for (size_t i = 0; r == 0 && i < ELEMENTSOF(ours_n); i++)
		r = setup_ours(b, ours_n[i], false);
	if (r == 0)
		r = setup_ours(b, COUNTERS_N, true);
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(libxdp_n); i++)
		r = setup_libxdp(b, libxdp_n[i]);
	for (int i = 0; r == 0 && i < b->n_meas; i++)
		printf("  attached %-18s n=%-2d in %8.1f ms: runs %s\n", b->m[i].kind, b->m[i].n,
		       b->m[i].setup_ms, b->m[i].runs);
	return r;
}

/* One round: every configuration once, starting at a rotating offset. */
static int measure_round(struct bench *b, int round)
{
	double t0 = now_ms();

	for (int k = 0; k < b->n_meas; k++) {
		struct meas *m = &b->m[(k + round) % b->n_meas];
		int r = test_run(m->fd, b->o.repeat, &m->ns[round]);

		if (r < 0)
			return r;
	}
	fprintf(stderr, "xl-bench: round %d/%d took %.1f s\n", round + 1, b->o.rounds,
		(now_ms() - t0) / 1e3);
	return 0;
}

/* Rounds interleave all configurations (rotating the order), so that drift
 * in the emulator hits all of them alike. */
int measure_packets(struct bench *b)
{
	double ns;
	int r;

	for (int i = 0; i < b->n_meas; i++)
		if ((r = test_run(b->m[i].fd, WARMUP_REPEAT, &ns)) < 0)
			return r;
	for (int round = 0; round < b->o.rounds; round++)
		if ((r = measure_round(b, round)) < 0)
			return r;
	for (int i = 0; i < b->n_meas; i++)
		stats(b->m[i].ns, b->o.rounds, &b->m[i].best, &b->m[i].median);
	return 0;
}
