/* SPDX-License-Identifier: GPL-2.0 */
/* Close to the verifier's limits: a fully unrolled hash of BIG_ROUNDS rounds
 * (several times the 4096 instructions an unprivileged loader may load),
 * then a bounded loop the verifier walks BIG_LOOP times. The sizes are in
 * tests/corpus/README.md. */
#include "corpus.h"

#define BIG_ROUNDS 1200
#define BIG_LOOP 150000

CORPUS_COUNTER

SEC("xdp") int corpus_big(struct xdp_md *ctx)
{
	__u32 h = ctx->data_end - ctx->data;
	__u32 i;

#pragma clang loop unroll(full)
	for (i = 0; i < BIG_ROUNDS; i++) {
		h ^= h << 13;
		h ^= h >> 17;
		h ^= h << 5;
		h += i;
	}
	for (i = 0; i < BIG_LOOP; i++)
		h = h * 31 + i;
	corpus_add(0, 1);
	corpus_add(1, h);
	return XDP_PASS;
}
