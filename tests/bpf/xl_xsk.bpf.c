/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AF_XDP next to other programs (tests/integration/afxdp.bats, docs/af-xdp.md):
 * an xsk program that redirects the test flow to the AF_XDP socket of its
 * queue, and a filter that runs before it in the same set and drops the
 * flow's packets whose UDP destination port is odd.
 *
 * Both maps are pinned by name, so the daemon pins them under
 * <bpffs root>/maps/<owner>/xl_xsk_bpf_o/: an AF_XDP application opens
 * xl_xsk_map there and inserts its socket, and the test reads the counts.
 * Only maps, no global data, so that the programs load alone (as plain XDP)
 * as well as in a set (as freplace).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* The test flow: UDP to these destination ports. Anything else passes. */
#define XL_XSK_PORT_MIN 9000
#define XL_XSK_PORT_MAX 9099

/* The application's sockets, by receive queue. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xl_xsk_map SEC(".maps");

/* What each program did with the test flow (one row, atomic adds). */
struct xl_xsk_counts {
	__u64 drop;		/* filter: odd port, dropped */
	__u64 pass;		/* filter: even port, on to the next program */
	__u64 redirect;		/* xsk: handed to the queue's socket */
	__u64 no_socket;	/* xsk: no socket on the queue, passed to the stack */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xl_xsk_counts);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xl_xsk_counts SEC(".maps");

/* The destination port of a test-flow packet, or 0 for anything else. */
static __always_inline __u16 flow_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u16 port;

	/* Options-free IPv4 only: the test's sender never sets any. */
	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return 0;
	port = bpf_ntohs(udp->dest);
	return port >= XL_XSK_PORT_MIN && port <= XL_XSK_PORT_MAX ? port : 0;
}

static __always_inline struct xl_xsk_counts *counts(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&xl_xsk_counts, &zero);
}

SEC("xdp")
int xl_xsk_filter(struct xdp_md *ctx)
{
	struct xl_xsk_counts *c = counts();
	__u16 port = flow_port(ctx);

	if (!port || !c)
		return XDP_PASS;
	if (port & 1) {
		__sync_fetch_and_add(&c->drop, 1);
		return XDP_DROP;
	}
	__sync_fetch_and_add(&c->pass, 1);
	return XDP_PASS;
}

SEC("xdp")
int xl_xsk_redirect(struct xdp_md *ctx)
{
	struct xl_xsk_counts *c = counts();
	long r;

	if (!flow_port(ctx) || !c)
		return XDP_PASS;
	/* XDP_PASS in flags: the verdict when the queue has no socket. */
	r = bpf_redirect_map(&xl_xsk_map, ctx->rx_queue_index, XDP_PASS);
	if (r == XDP_REDIRECT)
		__sync_fetch_and_add(&c->redirect, 1);
	else
		__sync_fetch_and_add(&c->no_socket, 1);
	return (int)r;
}

char _license[] SEC("license") = "GPL";
