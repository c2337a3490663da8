/* SPDX-License-Identifier: GPL-2.0 */
/* .rodata: a filter configured by const volatile settings, the way loaders set
 * them before load; the verifier sees the frozen values. Drops the tests' port. */
#include "corpus.h"

const volatile __u16 cfg_drop_port = CORPUS_PORT;
const volatile __u32 cfg_verdict = XDP_DROP;

SEC("xdp") int corpus_rodata(struct xdp_md *ctx)
{
	struct udphdr *udp = corpus_udp(ctx);

	if (udp && udp->dest == bpf_htons(cfg_drop_port))
		return cfg_verdict;
	return XDP_PASS;
}
