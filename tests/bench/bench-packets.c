/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench per-packet cost: BPF_PROG_TEST_RUN of every configuration, load after load. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>

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

/* ---- measuring ----------------------------------------------------------- */

static bool in_load(const struct meas *m, int load)
{
	return load < m->loads;
}

/* Attach every set measured in this load, starting at a rotating offset so
 * that the kernel places their JIT images differently from load to load. */
static int load_all(struct bench *b, int load)
{
	for (int k = 0; k < b->n_meas; k++) {
		struct meas *m = &b->m[(k + load) % b->n_meas];
		int r = in_load(m, load) ? set_load(b, m, load) : 0;

		if (r < 0)
			return r;
	}
	for (int i = 0; load == 0 && i < b->n_meas; i++)
		printf("  attached %-18s n=%-2d in %8.1f ms: runs %s\n", b->m[i].kind, b->m[i].n,
		       b->m[i].load[0].setup_ms, b->m[i].runs);
	return 0;
}

static void unload_all(struct bench *b)
{
	for (int i = 0; i < b->n_meas; i++)
		set_unload(b, &b->m[i]);
}

/* One round: every configuration of the load once, starting at a rotating offset. */
static int measure_round(struct bench *b, int load, int round)
{
	double t0 = now_ms();

	for (int k = 0; k < b->n_meas; k++) {
		struct meas *m = &b->m[(k + round) % b->n_meas];
		int r = in_load(m, load) ? test_run(m->fd, b->o.repeat, &m->load[load].ns[round])
					 : 0;

		if (r < 0)
			return r;
	}
	fprintf(stderr, "xl-bench: load %d/%d round %d/%d took %.1f s\n", load + 1, b->o.loads,
		round + 1, b->o.rounds, (now_ms() - t0) / 1e3);
	return 0;
}

/* "load 2/3 bests, ns: direct 73.1 | xdplinkd 81.0 144.0 ... | libxdp ..." */
static void print_load(const struct bench *b, int load)
{
	const char *kind = NULL;

	printf("  load %d/%d bests, ns:", load + 1, b->o.loads);
	for (int i = 0; i < b->n_meas; i++) {
		const struct meas *m = &b->m[i];

		if (!in_load(m, load))
			continue;
		if (!kind || strcmp(kind, m->kind))
			printf("%s %s", kind ? " |" : "", m->kind);
		kind = m->kind;
		printf(" %.1f", m->load[load].best);
	}
	printf("\n");
}

/* Attach every set afresh, warm up, then rounds that interleave all of them
 * (rotating the order) so that drift in the emulator hits all alike. */
static int measure_load(struct bench *b, int load)
{
	double ns;
	int r = load_all(b, load);

	for (int i = 0; r == 0 && i < b->n_meas; i++)
		if (in_load(&b->m[i], load))
			r = test_run(b->m[i].fd, WARMUP_REPEAT, &ns);
	for (int round = 0; r == 0 && round < b->o.rounds; round++)
		r = measure_round(b, load, round);
	unload_all(b);
	for (int i = 0; r == 0 && i < b->n_meas; i++) {
		struct load *l = &b->m[i].load[load];

		if (in_load(&b->m[i], load))
			stats(l->ns, b->o.rounds, &l->best, &l->median);
	}
	if (r == 0)
		print_load(b, load);
	return r;
}

/* The figure: the median over loads of each load's best round; lo..hi their spread. */
static void summarize(struct meas *m)
{
	double bests[MAX_LOADS];

	for (int i = 0; i < m->loads; i++)
		bests[i] = m->load[i].best;
	stats(bests, m->loads, &m->lo, &m->ns);
	m->hi = m->lo;
	for (int i = 0; i < m->loads; i++)
		m->hi = bests[i] > m->hi ? bests[i] : m->hi;
}

int measure_packets(struct bench *b)
{
	int r = sets_add(b);

	for (int load = 0; r == 0 && load < b->o.loads; load++)
		r = measure_load(b, load);
	for (int i = 0; r == 0 && i < b->n_meas; i++)
		summarize(&b->m[i]);
	return r;
}
