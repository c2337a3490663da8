/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Revision planning: from the live set and a batch to the next revision. Pure. */
#ifndef XL_PLAN_H
#define XL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdplink/xdplink.h"
#include "../bpf/xl_dispatcher.h"

/* One attachment as planning sees it. */
struct xl_plan_item {
	__u32 id;
	int priority;
	__u32 chain_actions;	/* as requested, without the sentinel */
	bool frags;
	__u32 counter_row;
	int add_idx;		/* index into the batch's additions, -1 if kept */
};

struct xl_plan_input {
	__u64 revision;			/* live revision, 0 when none */
	__u64 expected_revision;	/* 0: don't check */
	__u32 next_id;			/* first free attachment id (>= 1) */
	bool counters;
	bool live_counters;		/* whether the live revision counts */
	const struct xl_plan_item *live;	/* in run order */
	size_t n_live;
	const struct xl_plan_item *adds;	/* priority/actions/frags resolved */
	size_t n_adds;
	const __u32 *removes;
	size_t n_removes;
	bool remove_all;
};

struct xl_plan {
	__u64 revision;		/* the revision this plan becomes */
	__u32 next_id;
	size_t n;
	struct xl_plan_item items[XL_MAX_PROGS];	/* in run order */
	size_t n_removed;
	__u32 removed[XL_MAX_PROGS];
	/* Rows that new attachments take over and so must be zeroed. */
	size_t n_fresh_rows;
	__u32 fresh_rows[XL_MAX_PROGS];
	bool frags;		/* every program is frags-capable */
	bool entry_mode;	/* the lone program replaces the dispatcher entry */
	/* The live set as it is: nothing to commit, revision stays the live one. */
	bool unchanged;
	struct xl_dispatcher_config cfg;
};

/* -ESTALE: expected revision mismatch; -ENOENT: removing an unknown id;
 * -EINVAL: an id removed twice or a bad value; -E2BIG: more than
 * XL_MAX_PROGS programs; -ERANGE: priority out of range. */
int xl_plan_build(const struct xl_plan_input *in, struct xl_plan *ret);

/* Order two items: priority, then attachment id (oldest first). */
int xl_plan_item_cmp(const struct xl_plan_item *a, const struct xl_plan_item *b);

/* The mask the dispatcher uses: requested actions plus the sentinel bit. */
__u32 xl_actions_effective(__u32 requested);

#endif
