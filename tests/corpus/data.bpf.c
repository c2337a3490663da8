/* SPDX-License-Identifier: GPL-2.0 */
/* .data: an initialised global counter (starts at 1000) and a verdict in a
 * writable global, read back by the tests through the .data map. */
#include "corpus.h"

__u64 data_packets = 1000;
volatile __u32 data_verdict = XDP_PASS;

SEC("xdp") int corpus_data(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&data_packets, 1);
	return data_verdict;
}
