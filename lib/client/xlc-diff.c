/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxdplink-client: the Change operations that make one label's programs
 * on an interface what a caller wants (xdpctl apply, the CNI plugin).
 * Pure: an Interface object in, an operations array out.
 *
 * The daemon's ordering rules (docs/ordering.md) decide where what is
 * attached or moved lands; the diff replays them on the listed set to make
 * sure that the incremental operations give the wanted order, and falls
 * back to one replaceLabel when they would not.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xdplink/xdplink-client.h"
#include "vl-message.h"
#include "xlc-internal.h"
#include "xl-util.h"

/* Live attachments plus additions, while replaying the plan. */
#define MAX_SIM (2 * XL_MAX_PROGS + 2)

/* One listed attachment. */
struct cur {
	__u32 id;
	int priority;
	__u32 actions;
	const char *object, *name;	/* borrowed from the Interface */
	bool ours;			/* carries the label, in the owner's scope */
};

struct diff {
	const char *label;
	const struct xl_client_program *progs;
	size_t order[XL_MAX_PROGS];	/* wanted run order: indexes into progs */
	size_t n;
	struct cur cur[XL_MAX_PROGS];
	size_t n_cur;
	size_t mine[XL_MAX_PROGS];	/* indexes into cur of the label's, in run order */
	size_t n_mine;
	int kept_by_want[XL_MAX_PROGS];	/* per order position: index into mine, or -1 */
	int kept_by_mine[XL_MAX_PROGS];	/* per mine position: order position, or -1 */
	/* match(): the longest common run of wanted[i..] and mine[k..] */
	unsigned char len[XL_MAX_PROGS + 1][XL_MAX_PROGS + 1];
};

static __u32 actions_of(json_t *list)
{
	__u32 mask = 0, one;
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (xl_actions_parse(json_string_value(v), &one) == 0)
			mask |= one;
	return mask ? mask : XL_ACTIONS_NONE;
}

static int read_cur(struct diff *d, json_t *iface, const char *owner)
{
	json_t *atts = json_object_get(iface, "attachments"), *a;
	size_t i;

	if (!json_is_object(iface) || !json_is_array(atts) || json_array_size(atts) > XL_MAX_PROGS)
		return -EBADMSG;
	json_array_foreach(atts, i, a) {
		json_t *id = json_object_get(a, "id"), *prio = json_object_get(a, "priority");
		const char *label = json_string_value(json_object_get(a, "label"));
		const char *who = json_string_value(json_object_get(a, "owner"));
		struct cur *c = &d->cur[d->n_cur];

		if (!json_is_integer(id) || json_integer_value(id) <= 0 ||
		    json_integer_value(id) > UINT32_MAX || !json_is_integer(prio))
			return -EBADMSG;
		*c = (struct cur){
			.id = (__u32)json_integer_value(id),
			.priority = (int)json_integer_value(prio),
			.actions = actions_of(json_object_get(a, "actions")),
			.object = json_string_value(json_object_get(a, "object")),
			.name = json_string_value(json_object_get(a, "name")),
			.ours = streq_ptr(label, d->label) && (!owner || streq_ptr(who, owner)),
		};
		if (c->ours)
			d->mine[d->n_mine++] = d->n_cur;
		d->n_cur++;
	}
	return 0;
}

/* The wanted order: by priority, stably, when every program has one. */
static void want_order(struct diff *d)
{
	bool all = true;

	for (size_t i = 0; i < d->n; i++) {
		d->order[i] = i;
		all &= d->progs[i].priority != XL_PRIORITY_FROM_OBJECT;
	}
	if (!all)
		return;
	/* Insertion sort: n is small, and it is stable. */
	for (size_t i = 1; i < d->n; i++)
		for (size_t k = i; k > 0 && d->progs[d->order[k - 1]].priority >
					    d->progs[d->order[k]].priority; k--) {
			size_t t = d->order[k];

			d->order[k] = d->order[k - 1];
			d->order[k - 1] = t;
		}
}

/* The same program, whatever its priority: kept (and moved if need be). */
static bool same_program(const struct xl_client_program *p, const struct cur *c)
{
	return streq_ptr(p->object, c->object) && (!p->prog_name || streq_ptr(p->prog_name, c->name)) &&
	       (!p->actions || p->actions == c->actions);
}

static bool same_priority(const struct xl_client_program *p, const struct cur *c)
{
	return p->priority == XL_PRIORITY_FROM_OBJECT || p->priority == c->priority;
}

static const struct xl_client_program *want(const struct diff *d, size_t pos)
{
	return &d->progs[d->order[pos]];
}

static const struct cur *mine(const struct diff *d, size_t pos)
{
	return &d->cur[d->mine[pos]];
}

static bool unchanged(const struct diff *d)
{
	if (d->n != d->n_mine)
		return false;
	for (size_t i = 0; i < d->n; i++)
		if (!same_program(want(d, i), mine(d, i)) || !same_priority(want(d, i), mine(d, i)))
			return false;
	return true;
}

/* Keep the longest run of the label's attachments that are wanted in the same order. */
static void match(struct diff *d)
{
	unsigned char (*len)[XL_MAX_PROGS + 1] = d->len;
	size_t i, k;

	for (i = d->n; i-- > 0;)
		for (k = d->n_mine; k-- > 0;)
			len[i][k] = same_program(want(d, i), mine(d, k)) ? len[i + 1][k + 1] + 1 :
				    len[i + 1][k] > len[i][k + 1] ? len[i + 1][k] : len[i][k + 1];
	for (i = 0; i < d->n; i++)
		d->kept_by_want[i] = -1;
	for (k = 0; k < d->n_mine; k++)
		d->kept_by_mine[k] = -1;
	for (i = 0, k = 0; i < d->n && k < d->n_mine;) {
		if (same_program(want(d, i), mine(d, k)) && len[i][k] == len[i + 1][k + 1] + 1) {
			d->kept_by_want[i] = (int)k;
			d->kept_by_mine[k] = (int)i;
			i++, k++;
		} else if (len[i + 1][k] >= len[i][k + 1]) {
			i++;
		} else {
			k++;
		}
	}
}

static bool moved(const struct diff *d, size_t pos)
{
	int k = d->kept_by_want[pos];

	return k >= 0 && !same_priority(want(d, pos), mine(d, (size_t)k));
}

/* ---- replaying the daemon's placement ---- */

struct sim_item {
	int priority;
	int pos;	/* wanted position of one of the label's, or -1 */
};

/* An unanchored addition goes after the last item whose priority is <= its own. */
static void sim_place(struct sim_item *set, size_t *n, struct sim_item it)
{
	size_t at = 0;

	for (size_t i = 0; i < *n; i++)
		if (set[i].priority <= it.priority)
			at = i + 1;
	memmove(&set[at + 1], &set[at], (*n - at) * sizeof(*set));
	set[at] = it;
	(*n)++;
}

/* Whether detaching, attaching (in wanted order) and then moving gives the
 * wanted order; false when a new program's priority is up to its object. */
static bool sim_in_order(const struct diff *d)
{
	struct sim_item set[MAX_SIM];
	size_t n = 0, next = 0, k = 0;

	for (size_t i = 0; i < d->n_cur; i++) {
		const struct cur *c = &d->cur[i];
		int pos = -1;

		if (c->ours) {
			for (k = 0; k < d->n_mine && d->mine[k] != i; k++)
				;
			pos = d->kept_by_mine[k];
			if (pos < 0 || moved(d, (size_t)pos))
				continue;	/* detached, or placed again below */
		}
		set[n++] = (struct sim_item){ c->priority, pos };
	}
	for (size_t i = 0; i < d->n; i++) {
		if (d->kept_by_want[i] >= 0)
			continue;
		if (want(d, i)->priority == XL_PRIORITY_FROM_OBJECT)
			return false;
		sim_place(set, &n, (struct sim_item){ want(d, i)->priority, (int)i });
	}
	for (size_t i = 0; i < d->n; i++)
		if (moved(d, i))
			sim_place(set, &n, (struct sim_item){ want(d, i)->priority, (int)i });
	for (size_t i = 0; i < n; i++)
		if (set[i].pos >= 0 && set[i].pos != (int)next++)
			return false;
	return next == d->n;
}

/* ---- operations ---- */

static int set_new(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0 ? 0 : -ENOMEM;
}

/* A Program (replaceLabel) or an attach Operation's fields, label included. */
static int program_fields(const struct diff *d, const struct xl_client_program *p, json_t *o)
{
	int r;

	r = p->object_fd >= 0 ? set_new(o, "objectFd", json_integer(p->object_fd)) :
				set_new(o, "object", json_string(p->object));
	if (r == 0 && p->prog_name)
		r = set_new(o, "program", json_string(p->prog_name));
	if (r == 0 && p->priority != XL_PRIORITY_FROM_OBJECT)
		r = set_new(o, "priority", json_integer(p->priority));
	if (r == 0 && p->actions)
		r = set_new(o, "actions", xlc_actions_json(p->actions));
	if (r == 0)
		r = set_new(o, "label", json_string(d->label));
	return r;
}

static int append(json_t *ops, json_t *op)
{
	return op && json_array_append_new(ops, op) == 0 ? 0 : -ENOMEM;
}

static int incremental(const struct diff *d, json_t *ops)
{
	int r = 0;

	for (size_t k = 0; r == 0 && k < d->n_mine; k++)
		if (d->kept_by_mine[k] < 0)
			r = append(ops, json_pack("{s:s,s:I}", "op", "detach", "id",
						  (json_int_t)mine(d, k)->id));
	for (size_t i = 0; r == 0 && i < d->n; i++) {
		json_t *op;

		if (d->kept_by_want[i] >= 0)
			continue;
		op = json_pack("{s:s}", "op", "attach");
		r = op ? program_fields(d, want(d, i), op) : -ENOMEM;
		if (r == 0)
			r = append(ops, op);
		else
			json_decref(op);
	}
	for (size_t i = 0; r == 0 && i < d->n; i++)
		if (moved(d, i))
			r = append(ops, json_pack("{s:s,s:I,s:i}", "op", "move", "id",
						  (json_int_t)mine(d, (size_t)d->kept_by_want[i])->id,
						  "priority", want(d, i)->priority));
	return r;
}

static int replace_label(const struct diff *d, json_t *ops)
{
	json_t *programs = json_array(), *op;
	int r;

	op = json_pack("{s:s,s:s,s:o}", "op", "replaceLabel", "label", d->label, "programs",
		       programs);
	r = op ? append(ops, op) : -ENOMEM;
	for (size_t i = 0; r == 0 && i < d->n; i++) {
		json_t *p = json_object();

		r = p ? program_fields(d, want(d, i), p) : -ENOMEM;
		if (r == 0)
			r = append(programs, p);
		else
			json_decref(p);
	}
	return r;
}

int xl_client__diff(const char *label, const char *owner, const struct xl_client_program *progs,
		    size_t n, json_t *iface, json_t **ret_operations)
{
	_cleanup_free_ struct diff *d = NULL;
	_cleanup_json_ json_t *ops = NULL;
	int r;

	if (!label || (n && !progs) || n > XL_MAX_PROGS || !ret_operations)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!progs[i].object || progs[i].sz < offsetofend(struct xl_client_program, label) ||
		    (progs[i].priority != XL_PRIORITY_FROM_OBJECT &&
		     (progs[i].priority < 0 || progs[i].priority > XL_PRIORITY_MAX)))
			return -EINVAL;
	d = calloc(1, sizeof(*d));
	ops = json_array();
	if (!d || !ops)
		return -ENOMEM;
	*d = (struct diff){ .label = label, .progs = progs, .n = n };
	r = read_cur(d, iface, owner);
	if (r < 0)
		return r;
	want_order(d);
	if (!unchanged(d)) {
		match(d);
		r = sim_in_order(d) ? incremental(d, ops) : replace_label(d, ops);
		if (r < 0)
			return r;
	}
	*ret_operations = TAKE_PTR(ops);
	return 0;
}
