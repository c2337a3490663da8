/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolving a change's operations against the live set (see change.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"

bool xd_scope_has(const struct xd_scope *scope, const struct xl_attachment *a)
{
	if (!scope || !scope->owner)
		return true;
	if (!a->owner)
		return false;
	if (scope->prefix)
		return strncmp(a->owner, scope->owner, strlen(scope->owner)) == 0;
	return strcmp(a->owner, scope->owner) == 0;
}

static const struct xl_attachment *find_id(const struct xl_attachment *live, size_t n,
					   uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (live[i].id == id)
			return &live[i];
	return NULL;
}

static bool id_in(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static int fail(struct xd_resolve_error *err, int r, const struct xd_op *op, const char *field,
		const char *what)
{
	*err = (struct xd_resolve_error){ .r = r, .id = op->id };
	if (field)
		snprintf(err->param, sizeof(err->param), "operations[%u].%s", op->index, field);
	snprintf(err->message, sizeof(err->message), "operations[%u]: %s", op->index, what);
	return r;
}

static void add_remove(struct xd_resolved *res, uint32_t id)
{
	if (!id_in(res->remove, res->n_remove, id) && res->n_remove < XL_MAX_PROGS)
		res->remove[res->n_remove++] = id;
}

static bool label_is(const struct xl_attachment *a, const char *label)
{
	return a->label && strcmp(a->label, label) == 0;
}

/* An id the caller names: there, and the caller's to change. */
static int named_id(const struct xd_op *op, const struct xl_attachment *live, size_t n_live,
		    const struct xd_scope *scope, struct xd_resolve_error *err)
{
	const struct xl_attachment *a = find_id(live, n_live, op->id);
	char what[96];

	if (!a) {
		snprintf(what, sizeof(what), "no attachment %u on the interface", op->id);
		return fail(err, -ENOENT, op, "id", what);
	}
	if (!xd_scope_has(scope, a)) {
		snprintf(what, sizeof(what), "attachment %u is not yours", op->id);
		return fail(err, -EPERM, op, "id", what);
	}
	return 0;
}

static int resolve_one(const struct xd_op *op, const struct xl_attachment *live, size_t n_live,
		       const struct xd_scope *scope, struct xd_resolved *res,
		       struct xd_resolve_error *err)
{
	int r;

	switch (op->kind) {
	case XD_OP_ATTACH:
		return 0;
	case XD_OP_DETACH:
		r = named_id(op, live, n_live, scope, err);
		if (r == 0)
			add_remove(res, op->id);
		return r;
	case XD_OP_RELEASE:
		for (size_t i = 0; i < n_live; i++)
			if (live[i].id == op->id && live[i].connection)
				add_remove(res, op->id);
		return 0;
	case XD_OP_DETACH_LABEL:
	case XD_OP_REPLACE_LABEL:
		for (size_t i = 0; i < n_live; i++)
			if (label_is(&live[i], op->label) && xd_scope_has(scope, &live[i]))
				add_remove(res, live[i].id);
		return 0;
	case XD_OP_DETACH_OWNER:
		if (scope && scope->owner &&
		    !xd_scope_has(scope, &(struct xl_attachment){ .owner = op->owner }))
			return fail(err, -EPERM, op, "owner", "the owner is not the caller");
		for (size_t i = 0; i < n_live; i++)
			if (live[i].owner && strcmp(live[i].owner, op->owner) == 0)
				add_remove(res, live[i].id);
		return 0;
	case XD_OP_DETACH_ALL:
		for (size_t i = 0; i < n_live; i++)
			if (xd_scope_has(scope, &live[i]))
				add_remove(res, live[i].id);
		return 0;
	case XD_OP_MOVE:
		r = named_id(op, live, n_live, scope, err);
		if (r < 0)
			return r;
		for (size_t i = 0; i < res->n_move; i++)
			if (res->move[i].id == op->id)
				return fail(err, -EINVAL, op, "id", "the attachment is moved twice");
		res->move[res->n_move++] = (struct xd_move){ .id = op->id, .priority = op->priority,
							     .before = &op->before,
							     .after = &op->after };
		return 0;
	}
	return fail(err, -EINVAL, op, "op", "unknown operation");
}

static bool wanted_is(const struct xd_want *w, const struct xl_attachment *a)
{
	return a->object && strcmp(a->object, w->object) == 0 &&
	       (!w->program || (a->name && strcmp(a->name, w->program) == 0)) &&
	       (w->priority == XL_PRIORITY_FROM_OBJECT || w->priority == a->priority) &&
	       (!w->actions || w->actions == a->chain_actions);
}

/* The attachments in scope are the wanted ones already, each the owner's
 * (matched as a set: a file lists them in any order, they run by priority). */
static bool kept_already(const struct xd_keep *keep, const struct xl_attachment *live,
			 size_t n_live, const struct xd_scope *scope)
{
	size_t k = 0;

	for (size_t i = 0; i < n_live; i++)
		k += xd_scope_has(scope, &live[i]);
	if (k != keep->n_want)
		return false;
	for (size_t w = 0; w < keep->n_want; w++) {
		bool found = false;

		if (!keep->want[w].object)
			return false;	/* not resolvable: let the apply say why */
		for (size_t i = 0; i < n_live && !found; i++)
			found = live[i].owner && strcmp(live[i].owner, keep->owner) == 0 &&
				wanted_is(&keep->want[w], &live[i]);
		if (!found)
			return false;
	}
	return true;
}

int xd_change_resolve(const struct xd_op *ops, size_t n_ops, const struct xl_attachment *live,
		      size_t n_live, const struct xd_scope *scope, const struct xd_keep *keep,
		      struct xd_resolved *ret, struct xd_resolve_error *err)
{
	struct xd_resolved res = {};
	int r;

	if (keep && kept_already(keep, live, n_live, scope)) {
		ret->n_remove = ret->n_move = 0;
		ret->unchanged = true;
		return 0;
	}
	for (size_t i = 0; i < n_ops; i++) {
		r = resolve_one(&ops[i], live, n_live, scope, &res, err);
		if (r < 0)
			return r;
	}
	/* A program cannot both leave and move. */
	for (size_t i = 0; i < res.n_move; i++)
		if (id_in(res.remove, res.n_remove, res.move[i].id))
			for (size_t k = 0; k < n_ops; k++)
				if (ops[k].kind == XD_OP_MOVE && ops[k].id == res.move[i].id)
					return fail(err, -EINVAL, &ops[k], "id",
						    "the attachment is removed by the same change");
	*ret = res;
	return 0;
}

static size_t pos_of(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	return n;
}

size_t xd_change_reordered(const uint32_t *old, size_t n_old, const uint32_t *new_ids,
			   size_t n_new, const uint32_t *moved, size_t n_moved, uint32_t *ret)
{
	size_t n = 0;

	for (size_t i = 0; i < n_new; i++) {
		uint32_t x = new_ids[i];
		size_t ox = pos_of(old, n_old, x);
		bool x_moved = id_in(moved, n_moved, x), hit = false;

		if (ox == n_old)
			continue;	/* an addition */
		for (size_t k = 0; k < n_new && !hit; k++) {
			size_t oy = pos_of(old, n_old, new_ids[k]);

			if (k == i || oy == n_old)
				continue;
			/* x and y swapped sides: x names it if x moved or y did not */
			if ((k < i) != (oy < ox))
				hit = x_moved || !id_in(moved, n_moved, new_ids[k]);
		}
		if (hit)
			ret[n++] = x;
	}
	return n;
}

void xd_ops_free(struct xd_op *ops, size_t n)
{
	for (size_t i = 0; ops && i < n; i++) {
		free(ops[i].label);
		free(ops[i].owner);
		free(ops[i].before.label);
		free(ops[i].after.label);
	}
	free(ops);
}
