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
	int add_idx;		/* index into the input's additions, -1 if kept */
	const char *label;	/* for label anchors; not owned */
	/* An addition's placement (docs/ordering.md); zero for live items. */
	struct xl_anchor before, after;
	bool priority_set;	/* priority given by the caller: anchors check it */
};

/* A kept attachment placed again (xl_batch__move). */
struct xl_plan_move {
	__u32 id;
	int priority;		/* or XL_PRIORITY_KEEP */
	bool priority_set;
	struct xl_anchor before, after;
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
	const struct xl_plan_move *moves;	/* in batch order */
	size_t n_moves;
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
	/* On failure: which rule refused (XL_ERROR_ORDER for anchors and
	 * their priorities, else XL_ERROR_REQUEST) and why, in one line that
	 * names the anchor or the id. */
	enum xl_error_kind kind;
	char why[256];
};

/*
 * Kept attachments keep their live order; additions and moves are placed
 * into it by the rules of docs/ordering.md. On failure only ret->kind
 * and ret->why are written.
 * -ESTALE: expected revision mismatch; -ENOENT: removing or moving an
 * unknown id, or an anchor that names nothing in the new set; -EINVAL: an
 * id removed or moved twice, removed and moved, a bad value, or anchors
 * that cannot be met (with each other or with a given priority); -E2BIG:
 * more than XL_MAX_PROGS programs; -ERANGE: priority out of range.
 */
int xl_plan_build(const struct xl_plan_input *in, struct xl_plan *ret);

/* The mask the dispatcher uses: requested actions plus the sentinel bit. */
__u32 xl_actions_effective(__u32 requested);

#endif
