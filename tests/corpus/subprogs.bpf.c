/* SPDX-License-Identifier: GPL-2.0 */
/* Subprograms: a global (non-static) function, which the verifier checks on
 * its own against its BTF signature, and a static one, checked in line with
 * its caller: the shape of libraries of parsers. */
#include "corpus.h"

CORPUS_COUNTER

/* Global: 1 if the packet is UDP to the tests' port. */
__noinline int corpus_is_test_packet(struct xdp_md *ctx)
{
	struct udphdr *udp = corpus_udp(ctx);

	return udp && udp->dest == bpf_htons(CORPUS_PORT);
}

/* Static, not inlined: a real BPF-to-BPF call. */
static __noinline int corpus_count_row(__u32 row)
{
	corpus_add(row, 1);
	return 0;
}

SEC("xdp") int corpus_subprogs(struct xdp_md *ctx)
{
	if (corpus_is_test_packet(ctx))
		corpus_count_row(0);
	return XDP_PASS;
}
