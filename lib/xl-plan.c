/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Revision planning and chain-action encoding. No I/O: everything here is unit-tested. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-plan.h"

#define XL_ACTIONS_VALID (XL_ACTION(XDP_ABORTED) | XL_ACTION(XDP_DROP) | XL_ACTION(XDP_PASS) | \
			  XL_ACTION(XDP_TX) | XL_ACTION(XDP_REDIRECT))

__u32 xl_actions_effective(__u32 requested)
{
	return (requested & XL_ACTIONS_VALID) | XL_ACTION(XL_SENTINEL);
}

int xl_plan_item_cmp(const struct xl_plan_item *a, const struct xl_plan_item *b)
{
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int cmp_items(const void *a, const void *b)
{
	return xl_plan_item_cmp(a, b);
}

static bool id_in(__u32 id, const __u32 *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static int check_removes(const struct xl_plan_input *in)
{
	for (size_t i = 0; i < in->n_removes; i++) {
		bool found = false;

		if (id_in(in->removes[i], in->removes, i))
			return -EINVAL;
		for (size_t j = 0; j < in->n_live && !found; j++)
			found = in->live[j].id == in->removes[i];
		if (!found)
			return -ENOENT;
	}
	return 0;
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

int xl_plan_build(const struct xl_plan_input *in, struct xl_plan *ret)
{
	struct xl_plan p = { .revision = in->revision + 1, .next_id = in->next_id };
	int r;

	if (in->expected_revision && in->expected_revision != in->revision)
		return -ESTALE;
	if (in->next_id == 0)
		return -EINVAL;
	r = check_removes(in);
	if (r < 0)
		return r;

	for (size_t i = 0; i < in->n_live; i++) {
		if (in->remove_all || id_in(in->live[i].id, in->removes, in->n_removes)) {
			p.removed[p.n_removed++] = in->live[i].id;
			continue;
		}
		p.items[p.n] = in->live[i];
		p.items[p.n++].add_idx = -1;
	}
	if (p.n + in->n_adds > XL_MAX_PROGS)
		return -E2BIG;
	for (size_t i = 0; i < in->n_adds; i++) {
		struct xl_plan_item it = in->adds[i];

		if (it.priority < 0 || it.priority > XL_PRIORITY_MAX)
			return -ERANGE;
		if (p.next_id == UINT32_MAX)
			return -EOVERFLOW;
		it.id = p.next_id++;
		it.add_idx = (int)i;
		p.items[p.n++] = it;
	}
	qsort(p.items, p.n, sizeof(p.items[0]), cmp_items);
	r = assign_rows(&p, in);
	if (r < 0)
		return r;
	fill_config(&p, in->counters);
	/* A change that changes nothing commits nothing: any caller may send
	 * an empty Replace, and a new revision each time would make every
	 * expectedRevision of others' fail (issue 12, S6). */
	p.unchanged = in->n_live > 0 && in->n_adds == 0 && p.n_removed == 0 &&
		      in->counters == in->live_counters;
	if (p.unchanged)
		p.revision = in->revision;
	*ret = p;
	return 0;
}
