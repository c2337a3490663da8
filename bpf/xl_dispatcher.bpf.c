/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The xdplinkd dispatcher: runs up to XL_DISPATCHER_SLOTS freplace programs in order. */
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

/*
 * The slots come in blocks, so that the same source builds dispatchers of
 * XL_DISPATCHER_SLOTS = 4, 10, 16, 32 or 63 (XL_MAX_SLOTS) slots
 * (bpf/xl_dispatcher<N>.bpf.c). The engine loads the smallest that holds a
 * revision's set: the kernel verifies and JITs every global function of a
 * program whether it is reached or not, so unused slots cost every load
 * (about 1.5 ms natively for 63 of them, a fifth of that for 10) and
 * nothing per packet.
 */
#ifndef XL_DISPATCHER_SLOTS
#define XL_DISPATCHER_SLOTS XL_MAX_SLOTS
#endif
_Static_assert(XL_DISPATCHER_SLOTS == 4 || XL_DISPATCHER_SLOTS == 10 ||
	       XL_DISPATCHER_SLOTS == 16 || XL_DISPATCHER_SLOTS == 32 ||
	       XL_DISPATCHER_SLOTS == XL_MAX_SLOTS, "slot counts are block boundaries");

#define XL_BLOCK_0_3(X) X(0) X(1) X(2) X(3)
#define XL_BLOCK_4_9(X) X(4) X(5) X(6) X(7) X(8) X(9)
#define XL_BLOCK_10_15(X) X(10) X(11) X(12) X(13) X(14) X(15)
#define XL_BLOCK_16_31(X)                                              \
	X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)                \
	X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31)
#define XL_BLOCK_32_62(X)                                              \
	X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41)    \
	X(42) X(43) X(44) X(45) X(46) X(47) X(48) X(49) X(50) X(51)    \
	X(52) X(53) X(54) X(55) X(56) X(57) X(58) X(59) X(60) X(61)    \
	X(62)

/* Every block of a dispatcher of XL_DISPATCHER_SLOTS slots, through X. */
#if XL_DISPATCHER_SLOTS == 4
#define XL_ALL_SLOTS(X) XL_BLOCK_0_3(X)
#elif XL_DISPATCHER_SLOTS == 10
#define XL_ALL_SLOTS(X) XL_BLOCK_0_3(X) XL_BLOCK_4_9(X)
#elif XL_DISPATCHER_SLOTS == 16
#define XL_ALL_SLOTS(X) XL_BLOCK_0_3(X) XL_BLOCK_4_9(X) XL_BLOCK_10_15(X)
#elif XL_DISPATCHER_SLOTS == 32
#define XL_ALL_SLOTS(X) XL_BLOCK_0_3(X) XL_BLOCK_4_9(X) XL_BLOCK_10_15(X) XL_BLOCK_16_31(X)
#else
#define XL_ALL_SLOTS(X) XL_BLOCK_0_3(X) XL_BLOCK_4_9(X) XL_BLOCK_10_15(X) \
			XL_BLOCK_16_31(X) XL_BLOCK_32_62(X)
#endif

XL_ALL_SLOTS(XL_SLOT)

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

SEC("xdp")
int xl_dispatcher(struct xdp_md *ctx)
{
	/* Read once: the config is volatile. The verifier knows the frozen
	 * value and removes every slot at or beyond it. */
	const __u32 n_slots = xl_cfg.n_slots;
	__u32 ret;

	XL_ALL_SLOTS(XL_RUN)

	return xl_all_chained(XL_DISPATCHER_SLOTS);
}

char _license[] SEC("license") = "GPL";
