/* SPDX-License-Identifier: GPL-2.0 */
/* Test programs: each one stamps a shared trace so tests can prove it ran, and in which order. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#define TRACE_ROWS 128
#define CLOCK_ROW (TRACE_ROWS - 1)

struct trace_row {
	__u64 packets;	/* packets this program saw */
	__u64 stamp;	/* clock value when it last ran */
};

/* Pinned by name so every loaded instance of this object shares it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TRACE_ROWS);
	__type(key, __u32);
	__type(value, struct trace_row);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xl_test_trace SEC(".maps");

static __always_inline int stamp(__u32 id, int verdict)
{
	__u32 clock_key = CLOCK_ROW;
	struct trace_row *row, *clock;

	row = bpf_map_lookup_elem(&xl_test_trace, &id);
	clock = bpf_map_lookup_elem(&xl_test_trace, &clock_key);
	if (!row || !clock)
		return XDP_ABORTED;
	__sync_fetch_and_add(&row->packets, 1);
	row->stamp = __sync_fetch_and_add(&clock->stamp, 1) + 1;
	return verdict;
}

#define PASS_PROG(n)                                                   \
	SEC("xdp") int xl_pass_##n(struct xdp_md *ctx)                 \
	{                                                              \
		return stamp(n, XDP_PASS);                             \
	}

#define PASS_10(a)                                                     \
	PASS_PROG(a##0) PASS_PROG(a##1) PASS_PROG(a##2) PASS_PROG(a##3) \
	PASS_PROG(a##4) PASS_PROG(a##5) PASS_PROG(a##6) PASS_PROG(a##7) \
	PASS_PROG(a##8) PASS_PROG(a##9)

PASS_PROG(0) PASS_PROG(1) PASS_PROG(2) PASS_PROG(3) PASS_PROG(4)
PASS_PROG(5) PASS_PROG(6) PASS_PROG(7) PASS_PROG(8) PASS_PROG(9)
PASS_10(1) PASS_10(2) PASS_10(3) PASS_10(4) PASS_10(5)
PASS_PROG(60) PASS_PROG(61) PASS_PROG(62) PASS_PROG(63)

/* Row 100: drops everything it sees. */
SEC("xdp") int xl_drop(struct xdp_md *ctx)
{
	return stamp(100, XDP_DROP);
}

/* Row 101: frags-capable pass program. */
SEC("xdp.frags") int xl_frags(struct xdp_md *ctx)
{
	return stamp(101, XDP_PASS);
}

/* Row 102 and 103: carry xdp-loader metadata, so the engine must honour
 * priority 7 and chaining on DROP as well as PASS. */
SEC("xdp") int xl_meta(struct xdp_md *ctx)
{
	return stamp(102, XDP_PASS);
}

struct {
	__uint(priority, 7);
	__uint(XDP_PASS, 1);
	__uint(XDP_DROP, 1);
} XDP_RUN_CONFIG(xl_meta);

/* Row 104: invalidates packet pointers (adjusts the tail), then passes. */
SEC("xdp") int xl_adjust(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_tail(ctx, 0))
		return XDP_ABORTED;
	return stamp(104, XDP_PASS);
}

/* The verifier must reject this one: it reads the packet unchecked. */
SEC("xdp") int xl_bad(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	return data[0] ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
