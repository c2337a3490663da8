/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counting program of the zero-gap test (tests/integration/zero-gap.bats):
 * it counts the IPv4 UDP packets of the test flow (destination port
 * XL_ZG_PORT) and passes everything. Its map is pinned by name, so every
 * revision's instance of it adds to the same counts: if a swap ever left a
 * packet without a dispatcher that runs this program, the count would fall
 * short of what the sender sent.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define XL_ZG_PORT 9099

enum {
	XL_ZG_FLOW,	/* packets of the test flow */
	XL_ZG_OTHER,	/* everything else this program saw */
	XL_ZG_ROWS,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_ZG_ROWS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xl_zg_count SEC(".maps");

static __always_inline int is_test_flow(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	if (ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return 0;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return 0;
	return udp->dest == bpf_htons(XL_ZG_PORT);
}

SEC("xdp") int xl_zg_count_flow(struct xdp_md *ctx)
{
	__u32 key = is_test_flow(ctx) ? XL_ZG_FLOW : XL_ZG_OTHER;
	__u64 *n = bpf_map_lookup_elem(&xl_zg_count, &key);

	/* Per-CPU: each CPU adds to its own slot, so no count is ever lost
	 * to a race and none needs an atomic. */
	if (n)
		*n += 1;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
