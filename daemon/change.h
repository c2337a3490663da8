/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations of one change to an interface's program set, and their
 * resolution against the live set. Every change the daemon makes is a
 * list of them (Change, and Attach, Detach, Replace, interfaces.d and
 * connection releases as special cases): the handler fixes the list, the
 * job's worker resolves it against the set as it is when the job runs
 * (which may differ from the set when the call came: jobs queue), and the
 * result goes into one xl_batch, one xl_iface__apply, one revision.
 * Pure: no kernel, no connection, no I/O; tests/unit/test-change.c.
 */
#ifndef XD_CHANGE_H
#define XD_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdplink/xdplink.h"

enum xd_op_kind {
	XD_OP_ATTACH,		/* addition `add` of the job's batch (added at call time) */
	XD_OP_DETACH,		/* id: AttachmentNotFound when it is not there */
	XD_OP_DETACH_LABEL,	/* every attachment in scope carrying label; none is fine */
	XD_OP_DETACH_OWNER,	/* every attachment of owner; others' only for root */
	XD_OP_REPLACE_LABEL,	/* as detachLabel; its programs follow as XD_OP_ATTACH */
	XD_OP_MOVE,		/* id to priority and/or anchors, same program */
	XD_OP_DETACH_ALL,	/* everything in scope: Detach all, Replace, interfaces.d */
	XD_OP_RELEASE,		/* id if it is still attached with lifetime connection */
};

/* Where an attachment runs relative to others: id, or label, or neither. */
struct xd_anchor {
	uint32_t id;
	char *label;
};

/* In xd_op.priority for a move: the priority stays (XL_PRIORITY_KEEP). */
#define XD_PRIORITY_KEEP (-2)

struct xd_op {
	enum xd_op_kind kind;
	unsigned index;		/* operations[index] of the call, for errors */
	uint32_t id;
	char *label;		/* owned */
	char *owner;		/* owned */
	int priority;		/* move: XD_PRIORITY_KEEP or 0..XL_PRIORITY_MAX */
	struct xd_anchor before, after;	/* move; an attach's are in its spec */
	int add;		/* attach: index of the addition in the batch */
};

/*
 * Whose attachments a change may touch. owner NULL: everyone's (root).
 * Otherwise only owner's (prefix: every owner starting with it, as
 * "config:" for interfaces.d): detachLabel, replaceLabel and detach all
 * pass over the others', detach and move of another's id are refused.
 * Anchors may name anyone's.
 */
struct xd_scope {
	const char *owner;
	bool prefix;
};

/* interfaces.d's "already so" check: the additions are programs owner
 * should have, in this order; when the owner's attachments in scope are
 * exactly these already, nothing changes. */
struct xd_want {
	const char *object;	/* realpath of the object */
	const char *program;	/* NULL: any */
	int priority;		/* XL_PRIORITY_FROM_OBJECT: any */
	__u32 actions;		/* 0: any */
};

struct xd_keep {
	const char *owner;
	const struct xd_want *want;
	size_t n_want;
};

struct xd_move {
	uint32_t id;
	int priority;		/* XD_PRIORITY_KEEP: unchanged */
	const struct xd_anchor *before, *after;	/* the op's */
};

struct xd_resolved {
	uint32_t remove[XL_MAX_PROGS];
	size_t n_remove;
	struct xd_move move[XL_MAX_PROGS];
	size_t n_move;
	bool unchanged;		/* keep matched: apply nothing, drop the additions */
};

struct xd_resolve_error {
	int r;			/* -ENOENT: AttachmentNotFound (id), -EPERM, -EINVAL (param) */
	uint32_t id;
	char param[64];		/* -EINVAL: the parameter at fault, "operations[2].id" */
	char message[256];
};

/*
 * The removes and moves ops mean against live (the set in run order, as
 * xl_iface__attachments() gives it), for a caller of scope; keep may be
 * NULL. 0, or a negative errno with err saying which operation and why.
 */
int xd_change_resolve(const struct xd_op *ops, size_t n_ops, const struct xl_attachment *live,
		      size_t n_live, const struct xd_scope *scope, const struct xd_keep *keep,
		      struct xd_resolved *ret, struct xd_resolve_error *err);

/* Whether a is in scope (may be detached or moved by its caller). */
bool xd_scope_has(const struct xd_scope *scope, const struct xl_attachment *a);

/*
 * Which kept attachments changed their place relative to another kept one
 * from old to new (run orders, ids): a moved one is named, not the ones
 * it passed; a pair of which neither was moved (the plan never does that)
 * names both. Written to ret (room for n_new), in new order; returns how many.
 */
size_t xd_change_reordered(const uint32_t *old, size_t n_old, const uint32_t *new_ids,
			   size_t n_new, const uint32_t *moved, size_t n_moved, uint32_t *ret);

void xd_ops_free(struct xd_op *ops, size_t n);

#endif
