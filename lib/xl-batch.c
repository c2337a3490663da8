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
	free(b);
	return NULL;
}

static int dup_field(const char **dst, const char *src)
{
	*dst = NULL;
	return src && !(*dst = strdup(src)) ? -ENOMEM : 0;
}

int xl_batch__add(struct xl_batch *b, const struct xl_prog_spec *spec)
{
	struct xl_prog_spec *s;

	if (!spec || spec->sz < offsetofend(struct xl_prog_spec, xl_prog_spec__last_field))
		return -EINVAL;
	/* One more than fits, so that planning reports E2BIG with the numbers. */
	if (b->n_adds == ELEMENTSOF(b->adds))
		return -E2BIG;
	s = &b->adds[b->n_adds].spec;
	/* An older caller's smaller struct: what it does not have is zero. */
	memset(s, 0, sizeof(*s));
	memcpy(s, spec, spec->sz < sizeof(*s) ? spec->sz : sizeof(*s));
	s->sz = sizeof(*s);
	if (dup_field(&s->object, spec->object) || dup_field(&s->prog_name, spec->prog_name) ||
	    dup_field(&s->label, spec->label) || dup_field(&s->owner, spec->owner) ||
	    dup_field(&s->pin_root_path, spec->pin_root_path)) {
		spec_clear(s);
		return -ENOMEM;
	}
	b->adds[b->n_adds].id = 0;
	return (int)b->n_adds++;
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
