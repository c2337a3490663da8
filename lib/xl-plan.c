/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Revision planning and chain-action encoding. No I/O: everything here is unit-tested. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-plan.h"
#include "xl-util.h"

#define XL_ACTIONS_VALID (XL_ACTION(XDP_ABORTED) | XL_ACTION(XDP_DROP) | XL_ACTION(XDP_PASS) | \
			  XL_ACTION(XDP_TX) | XL_ACTION(XDP_REDIRECT))

__u32 xl_actions_effective(__u32 requested)
{
	return (requested & XL_ACTIONS_VALID) | XL_ACTION(XL_SENTINEL);
}

static bool id_in(__u32 id, const __u32 *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

_printf_(3, 4) static int fail(struct xl_plan *p, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return err;
}

static int live_index(const struct xl_plan_input *in, __u32 id)
{
	for (size_t i = 0; i < in->n_live; i++)
		if (in->live[i].id == id)
			return (int)i;
	return -1;
}

static int check_removes(struct xl_plan *p, const struct xl_plan_input *in)
{
	for (size_t i = 0; i < in->n_removes; i++) {
		if (id_in(in->removes[i], in->removes, i))
			return fail(p, -EINVAL, "attachment %u is removed twice", in->removes[i]);
		if (live_index(in, in->removes[i]) < 0)
			return fail(p, -ENOENT, "no attachment %u to remove", in->removes[i]);
	}
	return 0;
}

static bool removed(const struct xl_plan_input *in, __u32 id)
{
	return in->remove_all || id_in(id, in->removes, in->n_removes);
}

static bool moved(const struct xl_plan_input *in, __u32 id, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (in->moves[i].id == id)
			return true;
	return false;
}

static int check_moves(struct xl_plan *p, const struct xl_plan_input *in)
{
	for (size_t i = 0; i < in->n_moves; i++) {
		const struct xl_plan_move *m = &in->moves[i];

		if (live_index(in, m->id) < 0)
			return fail(p, -ENOENT, "no attachment %u to move", m->id);
		if (moved(in, m->id, i))
			return fail(p, -EINVAL, "attachment %u is moved twice", m->id);
		if (removed(in, m->id))
			return fail(p, -EINVAL, "attachment %u is both removed and moved", m->id);
		if (m->priority != XL_PRIORITY_KEEP &&
		    (m->priority < 0 || m->priority > XL_PRIORITY_MAX))
			return fail(p, -ERANGE, "priority %d of attachment %u out of range 0..%d",
				    m->priority, m->id, XL_PRIORITY_MAX);
	}
	return 0;
}

/* "before id 4", "after label \"fw\"" */
static const char *anchor_name(const struct xl_anchor *a, bool after, char *buf, size_t len)
{
	if (a->label)
		snprintf(buf, len, "%s label \"%s\"", after ? "after" : "before", a->label);
	else
		snprintf(buf, len, "%s id %u", after ? "after" : "before", a->id);
	return buf;
}

static bool anchor_set(const struct xl_anchor *a)
{
	return a->id || a->label;
}

/*
 * The item an anchor names in the set built so far: for `before` the
 * first carrying the label, for `after` the last. The item being placed is
 * not in the set yet, so a label never names the program itself.
 */
static int resolve(struct xl_plan *p, const struct xl_plan_input *in, __u32 self,
		   const struct xl_anchor *a, bool after, size_t *ret)
{
	char name[160];
	bool found = false;

	p->kind = XL_ERROR_ORDER;
	if ((a->id && a->label) || (a->label && !a->label[0]))
		return fail(p, -EINVAL, "an anchor names either an id or a non-empty label");
	for (size_t i = 0; i < p->n; i++) {
		bool match = a->label ? streq_ptr(p->items[i].label, a->label) : p->items[i].id == a->id;

		if (match && (!found || after))
			*ret = i;
		found = found || match;
	}
	if (found)
		return 0;
	anchor_name(a, after, name, sizeof(name));
	if (a->label)
		return fail(p, -ENOENT, "%s: no other attachment in the new set carries that label",
			    name);
	if (live_index(in, a->id) >= 0 && removed(in, a->id))
		return fail(p, -ENOENT, "%s: attachment %u is removed by this change", name, a->id);
	if (live_index(in, a->id) < 0)
		return fail(p, -ENOENT, "%s: no attachment %u in the new set", name, a->id);
	if (a->id == self)
		return fail(p, -EINVAL, "%s: an attachment cannot be placed relative to itself", name);
	return fail(p, -EINVAL, "%s: attachment %u is moved later in this change; move it first",
		    name, a->id);
}

/* Where both anchors put it: between the after-target and the before-target,
 * which must be neighbours. */
static int between(struct xl_plan *p, const struct xl_anchor *before,
		   const struct xl_anchor *after, size_t ai, size_t bi)
{
	char bn[160], an[160];

	if (ai + 1 == bi)
		return 0;
	anchor_name(before, false, bn, sizeof(bn));
	anchor_name(after, true, an, sizeof(an));
	p->kind = XL_ERROR_ORDER;
	if (!after->label && !before->label)
		return fail(p, -EINVAL, "%s and %s: attachment %u is not immediately before %u",
			    an, bn, p->items[ai].id, p->items[bi].id);
	return fail(p, -EINVAL, "%s and %s: attachment %u (the last %s) is not immediately "
		    "before attachment %u (the first %s)", an, bn, p->items[ai].id,
		    after->label ? "of that label" : "named", p->items[bi].id,
		    before->label ? "of that label" : "named");
}

static void insert(struct xl_plan *p, size_t pos, const struct xl_plan_item *it)
{
	memmove(&p->items[pos + 1], &p->items[pos], (p->n - pos) * sizeof(p->items[0]));
	p->items[pos] = *it;
	p->n++;
}

/*
 * Put it into the set built so far. Without anchors: after the last item
 * whose priority is not greater (so equal priorities run in the order they
 * arrived). With anchors: next to the anchor, at its priority, so that the
 * set stays in priority order.
 */
static int place(struct xl_plan *p, const struct xl_plan_input *in, struct xl_plan_item it,
		 const struct xl_anchor *before, const struct xl_anchor *after, bool priority_set)
{
	size_t pos = 0, ai = 0, bi = 0;
	const struct xl_anchor *by;
	char name[160];
	int r, prio;

	if (!anchor_set(before) && !anchor_set(after)) {
		for (size_t i = 0; i < p->n; i++)
			if (p->items[i].priority <= it.priority)
				pos = i + 1;
		insert(p, pos, &it);
		return 0;
	}
	if (anchor_set(after) && (r = resolve(p, in, it.id, after, true, &ai)) < 0)
		return r;
	if (anchor_set(before) && (r = resolve(p, in, it.id, before, false, &bi)) < 0)
		return r;
	if (anchor_set(after) && anchor_set(before) && (r = between(p, before, after, ai, bi)) < 0)
		return r;
	by = anchor_set(after) ? after : before;
	pos = anchor_set(after) ? ai + 1 : bi;
	prio = p->items[anchor_set(after) ? ai : bi].priority;
	if (priority_set && it.priority != prio) {
		p->kind = XL_ERROR_ORDER;
		return fail(p, -EINVAL, "priority %d conflicts with %s, which runs at priority %d",
			    it.priority, anchor_name(by, by == after, name, sizeof(name)), prio);
	}
	it.priority = prio;
	insert(p, pos, &it);
	return 0;
}

static bool anchored(const struct xl_plan_item *it)
{
	return anchor_set(&it->before) || anchor_set(&it->after);
}

/* Additions get their ids in batch order; unanchored ones are placed first. */
static int place_additions(struct xl_plan *p, const struct xl_plan_input *in)
{
	struct xl_plan_item adds[XL_MAX_PROGS];
	int r;

	for (size_t i = 0; i < in->n_adds; i++) {
		adds[i] = in->adds[i];
		if (adds[i].priority < 0 || adds[i].priority > XL_PRIORITY_MAX)
			return fail(p, -ERANGE, "priority %d out of range 0..%d",
				    adds[i].priority, XL_PRIORITY_MAX);
		if (p->next_id == UINT32_MAX)
			return fail(p, -EOVERFLOW, "attachment ids are exhausted");
		adds[i].id = p->next_id++;
		adds[i].add_idx = (int)i;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < in->n_adds; i++) {
			if (anchored(&adds[i]) != (pass == 1))
				continue;
			r = place(p, in, adds[i], &adds[i].before, &adds[i].after,
				  adds[i].priority_set);
			if (r < 0)
				return r;
		}
	return 0;
}

static int place_moves(struct xl_plan *p, const struct xl_plan_input *in)
{
	for (size_t i = 0; i < in->n_moves; i++) {
		const struct xl_plan_move *m = &in->moves[i];
		struct xl_plan_item it = in->live[live_index(in, m->id)];
		int r;

		it.add_idx = -1;
		if (m->priority != XL_PRIORITY_KEEP)
			it.priority = m->priority;
		r = place(p, in, it, &m->before, &m->after, m->priority_set);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The new set runs exactly what runs now, in the same order, at the same priorities. */
static bool same_as_live(const struct xl_plan *p, const struct xl_plan_input *in)
{
	if (p->n != in->n_live || p->n_removed || in->n_adds)
		return false;
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].id != in->live[i].id || p->items[i].priority != in->live[i].priority)
			return false;
	return true;
}

/*
 * Keep a kept attachment's row. Give each new one the lowest row that the
 * live revision does not count into, so that packets still decided by a
 * program being removed never land in its successor's row; reuse a
 * removed program's row only when nothing else is free.
 */
static int assign_rows(struct xl_plan *p, const struct xl_plan_input *in)
{
	bool kept[XL_MAX_SLOTS] = {}, live[XL_MAX_SLOTS] = {};

	for (size_t i = 0; i < in->n_live; i++)
		if (in->live[i].counter_row < XL_MAX_SLOTS)
			live[in->live[i].counter_row] = true;
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].add_idx < 0)
			kept[p->items[i].counter_row] = live[p->items[i].counter_row] = true;
	for (size_t i = 0; i < p->n; i++) {
		__u32 row = 0;

		if (p->items[i].add_idx >= 0) {
			while (row < XL_MAX_SLOTS && live[row])
				row++;
			if (row == XL_MAX_SLOTS)
				for (row = 0; row < XL_MAX_SLOTS && kept[row]; row++)
					;
			if (row == XL_MAX_SLOTS)
				return -E2BIG;
			kept[row] = live[row] = true;
			p->items[i].counter_row = row;
			p->fresh_rows[p->n_fresh_rows++] = row;
		}
	}
	return 0;
}

static void fill_config(struct xl_plan *p, bool counters)
{
	p->frags = p->n > 0;
	p->cfg.n_slots = (__u8)p->n;
	p->cfg.counters = counters;
	for (size_t i = 0; i < p->n; i++) {
		p->cfg.chain_actions[i] = xl_actions_effective(p->items[i].chain_actions);
		p->cfg.counter_row[i] = (__u8)p->items[i].counter_row;
		p->frags = p->frags && p->items[i].frags;
	}
	/* Replacing the entry changes semantics only where the dispatcher
	 * would turn a chained verdict into XDP_PASS, or would count. */
	p->entry_mode = p->n == 1 && !counters &&
			!(p->items[0].chain_actions & XL_ACTIONS_VALID & ~XL_ACTION(XDP_PASS));
}

static int plan(struct xl_plan *p, const struct xl_plan_input *in)
{
	int r;

	if (in->expected_revision && in->expected_revision != in->revision)
		return fail(p, -ESTALE, "expected revision %llu, but the interface is at revision %llu",
			    (unsigned long long)in->expected_revision,
			    (unsigned long long)in->revision);
	if (in->next_id == 0)
		return fail(p, -EINVAL, "no attachment id is 0");
	r = check_removes(p, in);
	if (r == 0)
		r = check_moves(p, in);
	if (r < 0)
		return r;
	for (size_t i = 0; i < in->n_live; i++) {
		if (removed(in, in->live[i].id))
			p->removed[p->n_removed++] = in->live[i].id;
		else if (!moved(in, in->live[i].id, in->n_moves)) {
			p->items[p->n] = in->live[i];
			p->items[p->n++].add_idx = -1;
		}
	}
	if (p->n + in->n_moves + in->n_adds > XL_MAX_PROGS)
		return fail(p, -E2BIG, "too many programs: %zu would be attached, the limit is %d",
			    p->n + in->n_moves + in->n_adds, XL_MAX_PROGS);
	r = place_additions(p, in);
	if (r == 0)
		r = place_moves(p, in);
	if (r == 0)
		r = assign_rows(p, in);
	if (r < 0)
		return r;
	fill_config(p, in->counters);
	/* A change that changes nothing commits nothing: any caller may send
	 * an empty Replace, and a new revision each time would make every
	 * expectedRevision of others' fail (issue 12, S6). */
	p->unchanged = in->n_live > 0 && in->counters == in->live_counters && same_as_live(p, in);
	if (p->unchanged)
		p->revision = in->revision;
	return 0;
}

int xl_plan_build(const struct xl_plan_input *in, struct xl_plan *ret)
{
	/* Static size, a few KB: a caller's stack holds it, as it holds *ret. */
	struct xl_plan p = { .revision = in->revision + 1, .next_id = in->next_id,
			     .kind = XL_ERROR_REQUEST };
	int r = plan(&p, in);

	if (r < 0) {
		ret->kind = p.kind;
		memcpy(ret->why, p.why, sizeof(ret->why));
		return r;
	}
	p.kind = XL_ERROR_NONE;
	*ret = p;
	return 0;
}
