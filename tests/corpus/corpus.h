/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the corpus programs: the tests' UDP packets and a counter map
 * the tests read through the program's map ids (tests/integration/corpus.bats). */
#ifndef CORPUS_H
#define CORPUS_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The port send_udp in tests/integration/helpers.bash sends to. */
#define CORPUS_PORT 9

/* The UDP header of an IPv4 packet without options, or NULL. */
static __always_inline struct udphdr *corpus_udp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > data_end)
		return NULL;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return NULL;
	return udp;
}

/* Row 0: packets the program saw; the other rows are the shape's own. */
#define CORPUS_COUNTER                                          \
	struct {                                                \
		__uint(type, BPF_MAP_TYPE_ARRAY);               \
		__uint(max_entries, 4);                         \
		__type(key, __u32);                             \
		__type(value, __u64);                           \
	} corpus_count SEC(".maps");                            \
	static __always_inline void corpus_add(__u32 row, __u64 n) \
	{                                                       \
		__u64 *v = bpf_map_lookup_elem(&corpus_count, &row); \
		if (v)                                          \
			__sync_fetch_and_add(v, n);             \
	}

char _license[] SEC("license") = "GPL";

#endif
