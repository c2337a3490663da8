/* SPDX-License-Identifier: GPL-2.0 */
/* bpf_xdp_adjust_meta: writes 4 bytes of metadata in front of the packet and
 * reads them back, the way programs hand data to TC or AF_XDP. */
#include "corpus.h"

CORPUS_COUNTER

#define CORPUS_MARK 0xc0ffee

SEC("xdp") int corpus_adjust_meta(struct xdp_md *ctx)
{
	void *data, *meta;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(__u32)))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if (meta + sizeof(__u32) > data)
		return XDP_ABORTED;
	*(__u32 *)meta = CORPUS_MARK;
	if (*(volatile __u32 *)meta == CORPUS_MARK)
		corpus_add(0, 1);
	return XDP_PASS;
}
