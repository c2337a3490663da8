/* SPDX-License-Identifier: GPL-2.0 */
/* One program per object, xl_pass_<XL_ONE>, for tests/bench/e2e: xdp-loader loads
 * the first program of each file it is given, so one run of it can load three
 * programs only from three files. The same work as tests/bpf's xl_pass_N. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TRACE_ROWS 128
#define CLOCK_ROW (TRACE_ROWS - 1)
#define NAME_(n) xl_pass_##n
#define NAME(n) NAME_(n)

struct trace_row {
	__u64 packets;
	__u64 stamp;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TRACE_ROWS);
	__type(key, __u32);
	__type(value, struct trace_row);
} xl_one_trace SEC(".maps");

SEC("xdp") int NAME(XL_ONE)(struct xdp_md *ctx)
{
	__u32 id = XL_ONE, clock_key = CLOCK_ROW;
	struct trace_row *row, *clock;

	row = bpf_map_lookup_elem(&xl_one_trace, &id);
	clock = bpf_map_lookup_elem(&xl_one_trace, &clock_key);
	if (!row || !clock)
		return XDP_ABORTED;
	__sync_fetch_and_add(&row->packets, 1);
	row->stamp = __sync_fetch_and_add(&clock->stamp, 1) + 1;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
