/* SPDX-License-Identifier: GPL-2.0 */
/* An xskmap redirect: AF_XDP's receive program. Packets of a queue without a
 * socket fall back to the stack (flags: XDP_PASS); row 1 counts those. */
#include "corpus.h"

CORPUS_COUNTER

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} corpus_xsks SEC(".maps");

SEC("xdp") int corpus_xsk_redirect(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index;

	corpus_add(0, 1);
	if (!bpf_map_lookup_elem(&corpus_xsks, &q))
		corpus_add(1, 1);
	return bpf_redirect_map(&corpus_xsks, q, XDP_PASS);
}
