/* SPDX-License-Identifier: GPL-2.0 */
/* A cpumap redirect: hands every packet to CPU 0's kthread, which builds the
 * skb there (RSS in software). Aborts when the test left the entry empty. */
#include "corpus.h"

CORPUS_COUNTER

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);	/* queue size */
} corpus_cpumap SEC(".maps");

SEC("xdp") int corpus_cpumap_redirect(struct xdp_md *ctx)
{
	corpus_add(0, 1);
	return bpf_redirect_map(&corpus_cpumap, 0, 0);
}
