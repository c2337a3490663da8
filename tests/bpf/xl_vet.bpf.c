/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs for the vetting tests (tests/attack/programs.bats): two that a
 * loader without CAP_PERFMON may not load (a perfmon-only helper, and a
 * kernel pointer leaked into a map), and plain ones that count packets.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Row 0: packets xl_vet_count saw; row 1: the swapped-in file's
 * xl_vet_count saw (built with XL_VET_SWAPPED); row 2: a leak. */
#ifdef XL_VET_SWAPPED
#define COUNT_ROW 1
#else
#define COUNT_ROW 0
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xl_vet_hits SEC(".maps");

static __always_inline void bump(__u32 row, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(&xl_vet_hits, &row);

	if (v)
		__sync_fetch_and_add(v, by);
}

/* The task_struct's address: a kernel pointer, and a perfmon-only helper. */
SEC("xdp") int xl_vet_task(struct xdp_md *ctx)
{
	__u32 row = 2;
	__u64 task = bpf_get_current_task();

	bpf_map_update_elem(&xl_vet_hits, &row, &task, BPF_ANY);
	return XDP_PASS;
}

/* Reads kernel memory at an address of its choosing. */
SEC("xdp") int xl_vet_probe(struct xdp_md *ctx)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (void *)(long)ctx->data_meta);
	bump(2, v);
	return XDP_PASS;
}

SEC("xdp") int xl_vet_count(struct xdp_md *ctx)
{
	bump(COUNT_ROW, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
