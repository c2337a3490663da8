/* SPDX-License-Identifier: GPL-2.0 */
/* xdp.frags: a program that accepts multi-buffer packets (jumbo MTU), sizing
 * them with bpf_xdp_get_buff_len. */
#include "corpus.h"

CORPUS_COUNTER

SEC("xdp.frags") int corpus_frags(struct xdp_md *ctx)
{
	__u64 len = bpf_xdp_get_buff_len(ctx);

	if (len >= sizeof(struct ethhdr))
		corpus_add(0, 1);
	corpus_add(1, len);
	return XDP_PASS;
}
