/* SPDX-License-Identifier: GPL-2.0 */
/* bpf_xdp_adjust_head: pushes an outer Ethernet header (encapsulation), then
 * strips it again (decapsulation), so the stack still gets the original
 * packet. Invalidates every packet pointer twice. */
#include "corpus.h"

CORPUS_COUNTER

SEC("xdp") int corpus_adjust_head(struct xdp_md *ctx)
{
	void *data, *data_end;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ethhdr)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + 2 * sizeof(struct ethhdr) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(data, data + sizeof(struct ethhdr), sizeof(struct ethhdr));
	if (bpf_xdp_adjust_head(ctx, sizeof(struct ethhdr)))
		return XDP_ABORTED;
	corpus_add(0, 1);
	return XDP_PASS;
}
