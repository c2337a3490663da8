/* SPDX-License-Identifier: GPL-2.0 */
/* .bss: a zero-initialised global counter, the commonest shape of a modern
 * program's statistics. It must keep counting as the program moves. */
#include "corpus.h"

__u64 bss_packets;

SEC("xdp") int corpus_bss(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&bss_packets, 1);
	return XDP_PASS;
}
