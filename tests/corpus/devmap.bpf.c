/* SPDX-License-Identifier: GPL-2.0 */
/* A devmap redirect: forwards every packet out of the interface in slot 0
 * (the test fills it), passing when the slot is empty. Routers and load
 * balancers look like this. */
#include "corpus.h"

CORPUS_COUNTER

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} corpus_devmap SEC(".maps");

SEC("xdp") int corpus_devmap_redirect(struct xdp_md *ctx)
{
	corpus_add(0, 1);
	return bpf_redirect_map(&corpus_devmap, 0, XDP_PASS);
}
