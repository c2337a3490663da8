/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The xdplinkd dispatcher: runs up to XL_MAX_SLOTS freplace programs in order. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xl_dispatcher.h"

/* Opaque to the verifier on purpose: the stubs must look like they might
 * touch packet data (see xl_slot), yet never do at run time. */
#define XL_NEVER 0x7fffffff

const volatile struct xl_dispatcher_config xl_cfg = {};

/* Shared by all revisions of one interface (the engine reuses the pinned
 * map), indexed by the deciding program's counter_row. Only touched when
 * xl_cfg.counters is set. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct xl_verdict_counts);
} xl_counters SEC(".maps");

/*
 * A slot is a global noinline function so that an EXT program can replace
 * it. The helper call is never taken, but it makes the verifier mark the
 * stub as one that may change packet data, which newer kernels require of
 * a target before an extension that invalidates packet pointers may
 * replace it.
 */
#define XL_SLOT(n)                                                     \
	__attribute__((noinline)) int xl_slot##n(struct xdp_md *ctx)   \
	{                                                              \
		volatile int ret = XL_SENTINEL;                        \
		if (!ctx)                                              \
			return XDP_ABORTED;                            \
		if (ret == XL_NEVER)                                   \
			bpf_xdp_adjust_tail(ctx, 0);                   \
		return ret;                                            \
	}

#define XL_SLOTS_8(a)                                                  \
	XL_SLOT(a##0) XL_SLOT(a##1) XL_SLOT(a##2) XL_SLOT(a##3)        \
	XL_SLOT(a##4) XL_SLOT(a##5) XL_SLOT(a##6) XL_SLOT(a##7)

XL_SLOT(0) XL_SLOT(1) XL_SLOT(2) XL_SLOT(3) XL_SLOT(4)
XL_SLOT(5) XL_SLOT(6) XL_SLOT(7) XL_SLOT(8) XL_SLOT(9)
XL_SLOTS_8(1) XL_SLOT(18) XL_SLOT(19)
XL_SLOTS_8(2) XL_SLOT(28) XL_SLOT(29)
XL_SLOTS_8(3) XL_SLOT(38) XL_SLOT(39)
XL_SLOTS_8(4) XL_SLOT(48) XL_SLOT(49)
XL_SLOTS_8(5) XL_SLOT(58) XL_SLOT(59)
XL_SLOT(60) XL_SLOT(61) XL_SLOT(62)

/*
 * Counting happens once per packet, against the program whose verdict
 * ended the chain: one map lookup per packet whatever the number of
 * programs, so counters stay cheap at 63 slots.
 */
static __always_inline int xl_decided(__u32 slot, __u32 ret)
{
	struct xl_verdict_counts *c;
	__u32 row, v;

	if (!xl_cfg.counters)
		return ret;
	row = xl_cfg.counter_row[slot];
	v = ret < XL_VERDICT_OTHER ? ret : XL_VERDICT_OTHER;
	/* Hide v's range from the compiler so it keeps the bound check below
	 * in the register the verifier sees used as the index. */
	asm volatile("" : "+r"(v));
	c = bpf_map_lookup_elem(&xl_counters, &row);
	if (c && v < XL_N_VERDICTS)
		c->n[v]++;
	return ret;
}

/* Every program before slot n chained on: the packet is passed, and
 * counted against the last program (none when n is 0). */
static __always_inline int xl_all_chained(__u32 n)
{
	return n ? xl_decided(n - 1, XDP_PASS) : XDP_PASS;
}

/*
 * Per used slot this leaves the call and one test of the chain bit, with
 * both the end of the set and the end of the chain laid out of line, so
 * that chaining on falls straight through to the next slot.
 *
 * - The end-of-set check jumps to a return of its own (the asm keeps
 *   clang from merging the 63 identical returns), so for a used slot
 *   its target is never reached and the verifier turns the check into
 *   a no-op and removes it.
 * - "& 63" makes the shift defined for any verdict without a branch.
 *   Verdicts 5..30 and 32..63 (including negative ones) have no chain
 *   bit and end the chain unchanged. A verdict of 64 or more is invalid
 *   anyway and is read modulo 64.
 */
#define XL_RUN(n)                                                      \
	if (__builtin_expect(n_slots <= n, 0)) {                       \
		asm volatile("" : : "i"(n));                           \
		return xl_all_chained(n);                              \
	}                                                              \
	ret = xl_slot##n(ctx);                                         \
	if (__builtin_expect(!(((__u64)xl_cfg.chain_actions[n] >>      \
				 (ret & 63)) & 1), 0))                 \
		return xl_decided(n, ret);

#define XL_RUN_10(a)                                                   \
	XL_RUN(a##0) XL_RUN(a##1) XL_RUN(a##2) XL_RUN(a##3) XL_RUN(a##4) \
	XL_RUN(a##5) XL_RUN(a##6) XL_RUN(a##7) XL_RUN(a##8) XL_RUN(a##9)

SEC("xdp")
int xl_dispatcher(struct xdp_md *ctx)
{
	/* Read once: the config is volatile. The verifier knows the frozen
	 * value and removes every slot at or beyond it. */
	const __u32 n_slots = xl_cfg.n_slots;
	__u32 ret;

	XL_RUN(0) XL_RUN(1) XL_RUN(2) XL_RUN(3) XL_RUN(4)
	XL_RUN(5) XL_RUN(6) XL_RUN(7) XL_RUN(8) XL_RUN(9)
	XL_RUN_10(1) XL_RUN_10(2) XL_RUN_10(3) XL_RUN_10(4) XL_RUN_10(5)
	XL_RUN(60) XL_RUN(61) XL_RUN(62)

	return xl_all_chained(XL_MAX_SLOTS);
}

char _license[] SEC("license") = "GPL";
