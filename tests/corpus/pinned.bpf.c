/* SPDX-License-Identifier: GPL-2.0 */
/* Maps pinned by name (LIBBPF_PIN_BY_NAME): shared with user space and with
 * every later load of the object; the daemon pins them under
 * maps/<owner>/<object>/ of its bpffs root. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} corpus_pinned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} corpus_by_port SEC(".maps");

SEC("xdp") int corpus_pinned_maps(struct xdp_md *ctx)
{
	struct udphdr *udp = corpus_udp(ctx);
	__u32 zero = 0, port;
	__u64 *v, one = 1;

	v = bpf_map_lookup_elem(&corpus_pinned, &zero);
	if (v)
		__sync_fetch_and_add(v, 1);
	if (udp) {
		port = bpf_ntohs(udp->dest);
		v = bpf_map_lookup_elem(&corpus_by_port, &port);
		if (v)
			__sync_fetch_and_add(v, 1);
		else
			bpf_map_update_elem(&corpus_by_port, &port, &one, BPF_NOEXIST);
	}
	return XDP_PASS;
}
