/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Layout shared by the dispatcher program and the engine that configures it. */
#ifndef XL_DISPATCHER_H
#define XL_DISPATCHER_H

/* bpf_mprog's limit; a revision never holds more programs than this. */
#define XL_MAX_SLOTS 63

/* What an unreplaced slot stub returns. Its bit is always set in a slot's
 * chain mask, so a slot that is somehow still a stub falls through. */
#define XL_SENTINEL 31

/* Counter buckets: one per XDP verdict, plus one for anything else. */
#define XL_VERDICT_OTHER 5
#define XL_N_VERDICTS 6

/* Per-revision configuration, placed in frozen .rodata so the verifier
 * removes every slot at or beyond n_slots and, with counters off, every
 * counter update. */
struct xl_dispatcher_config {
	__u8 n_slots;
	__u8 counters;
	__u8 pad[2];
	/* Bit v set: a verdict v from this slot runs the next slot. */
	__u32 chain_actions[XL_MAX_SLOTS];
	/* Row of xl_counters the program in this slot counts into. It belongs
	 * to the attachment, not the slot, so counts survive reordering. */
	__u8 counter_row[XL_MAX_SLOTS];
};

struct xl_verdict_counts {
	__u64 n[XL_N_VERDICTS];
};

#endif
