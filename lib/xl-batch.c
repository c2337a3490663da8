/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A batch: the additions and removals that become one revision. */
#include <errno.h>

#include "xl-internal.h"

static void spec_clear(struct xl_prog_spec *s)
{
	free((char *)s->object);
	free((char *)s->prog_name);
	free((char *)s->label);
	free((char *)s->owner);
	free((char *)s->pin_root_path);
	free((char *)s->before.label);
	free((char *)s->after.label);
}

static void move_clear(struct xl_batch_move *m)
{
	free((char *)m->before.label);
	free((char *)m->after.label);
}

struct xl_batch *xl_batch__new(void)
{
	return calloc(1, sizeof(struct xl_batch));
}

struct xl_batch *xl_batch__free(struct xl_batch *b)
{
	if (!b)
		return NULL;
	for (size_t i = 0; i < b->n_adds; i++)
		spec_clear(&b->adds[i].spec);
	for (size_t i = 0; i < b->n_moves; i++)
		move_clear(&b->moves[i]);
	free(b);
	return NULL;
}

static int dup_field(const char **dst, const char *src)
{
	*dst = NULL;
	return src && !(*dst = strdup(src)) ? -ENOMEM : 0;
}

/* At most one of id and label; an empty label names nothing anyone can carry. */
static bool anchor_valid(const struct xl_anchor *a)
{
	return !(a->id && a->label) && !(a->label && !a->label[0]);
}

static int dup_anchor(struct xl_anchor *dst, const struct xl_anchor *src)
{
	dst->id = src->id;
	return dup_field(&dst->label, src->label);
}

int xl_batch__add(struct xl_batch *b, const struct xl_prog_spec *spec)
{
	struct xl_prog_spec in = {}, *s;

	if (!spec || spec->sz < offsetofend(struct xl_prog_spec, xl_prog_spec__last_field))
		return -EINVAL;
	/* An older caller's smaller struct: what it does not have is zero. */
	memcpy(&in, spec, spec->sz < sizeof(in) ? spec->sz : sizeof(in));
	if (!anchor_valid(&in.before) || !anchor_valid(&in.after))
		return -EINVAL;
	/* One more than fits, so that planning reports E2BIG with the numbers. */
	if (b->n_adds == ELEMENTSOF(b->adds))
		return -E2BIG;
	s = &b->adds[b->n_adds].spec;
	/* Every owned string is NULL before the first copy, so that a failed
	 * copy frees only what this function made. */
	*s = in;
	s->sz = sizeof(*s);
	s->object = s->prog_name = s->label = s->owner = s->pin_root_path = NULL;
	s->before.label = s->after.label = NULL;
	if (dup_field(&s->object, in.object) || dup_field(&s->prog_name, in.prog_name) ||
	    dup_field(&s->label, in.label) || dup_field(&s->owner, in.owner) ||
	    dup_field(&s->pin_root_path, in.pin_root_path) ||
	    dup_anchor(&s->before, &in.before) || dup_anchor(&s->after, &in.after)) {
		spec_clear(s);
		return -ENOMEM;
	}
	b->adds[b->n_adds].id = 0;
	b->adds[b->n_adds].dropped = false;
	return (int)b->n_adds++;
}

int xl_batch__drop(struct xl_batch *b, int idx)
{
	if (idx < 0 || (size_t)idx >= b->n_adds)
		return -EINVAL;
	b->adds[idx].dropped = true;
	b->adds[idx].id = 0;
	return 0;
}

int xl_batch__move(struct xl_batch *b, __u32 attach_id, const struct xl_move_opts *opts)
{
	struct xl_move_opts in = { .priority = XL_PRIORITY_KEEP };
	struct xl_batch_move *m;

	if (opts && opts->sz < offsetofend(struct xl_move_opts, xl_move_opts__last_field))
		return -EINVAL;
	if (opts)
		memcpy(&in, opts, opts->sz < sizeof(in) ? opts->sz : sizeof(in));
	if (attach_id == 0 || !anchor_valid(&in.before) || !anchor_valid(&in.after))
		return -EINVAL;
	if (in.priority != XL_PRIORITY_KEEP && (in.priority < 0 || in.priority > XL_PRIORITY_MAX))
		return -ERANGE;
	if (b->n_moves == ELEMENTSOF(b->moves))
		return -E2BIG;
	m = &b->moves[b->n_moves];
	*m = (struct xl_batch_move){ .id = attach_id, .priority = in.priority,
				     .priority_set = in.priority_set && in.priority != XL_PRIORITY_KEEP };
	if (dup_anchor(&m->before, &in.before) || dup_anchor(&m->after, &in.after)) {
		move_clear(m);
		return -ENOMEM;
	}
	b->n_moves++;
	return 0;
}

int xl_batch__remove(struct xl_batch *b, __u32 attach_id)
{
	if (attach_id == 0)
		return -EINVAL;
	if (b->n_removes == ELEMENTSOF(b->removes))
		return -E2BIG;
	b->removes[b->n_removes++] = attach_id;
	return 0;
}

int xl_batch__remove_all(struct xl_batch *b)
{
	b->remove_all = true;
	return 0;
}

__u32 xl_batch__attach_id(const struct xl_batch *b, int idx)
{
	if (idx < 0 || (size_t)idx >= b->n_adds)
		return 0;
	return b->adds[idx].id;
}
