/* SPDX-License-Identifier: GPL-2.0 */
/* CO-RE: relocations resolved against the running kernel's BTF at load time,
 * the shape of programs built once for many kernels. The local struct is
 * deliberately smaller than the kernel's; row 1 receives the kernel's size. */
#include "corpus.h"
#include <bpf/bpf_core_read.h>

struct xdp_buff___corpus {
	void *data;
} __attribute__((preserve_access_index));

struct xdp_rxq_info___corpus {
	__u32 queue_index;
} __attribute__((preserve_access_index));

CORPUS_COUNTER

SEC("xdp") int corpus_core(struct xdp_md *ctx)
{
	corpus_add(0, 1);
	if (bpf_core_field_exists(struct xdp_rxq_info___corpus, queue_index)) {
		__u32 row = 1;
		__u64 size = bpf_core_type_size(struct xdp_buff___corpus);

		bpf_map_update_elem(&corpus_count, &row, &size, BPF_ANY);
	}
	return bpf_core_enum_value(enum xdp_action, XDP_PASS);
}
