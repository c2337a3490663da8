/* SPDX-License-Identifier: GPL-2.0 */
/* A ring buffer: one event per packet for a user-space reader, the shape of
 * packet samplers and flow exporters. */
#include "corpus.h"

struct corpus_event {
	__u32 len;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} corpus_events SEC(".maps");

SEC("xdp") int corpus_ringbuf(struct xdp_md *ctx)
{
	struct corpus_event *e;

	e = bpf_ringbuf_reserve(&corpus_events, sizeof(*e), 0);
	if (!e)
		return XDP_PASS;
	e->len = ctx->data_end - ctx->data;
	e->queue = ctx->rx_queue_index;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}
