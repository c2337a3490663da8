/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Undo log: pins and files are the only things an attempt leaves behind once its fds close. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-undo.h"

int xl_undo_push(struct xl_undo *u, const char *path, bool dir)
{
	char *copy;

	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		struct xl_undo_step *s = realloc(u->steps, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		u->steps = s;
		u->cap = cap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	u->steps[u->n].path = copy;
	u->steps[u->n++].dir = dir;
	return 0;
}

void xl_undo_run(struct xl_undo *u)
{
	while (u->n > 0) {
		struct xl_undo_step *s = &u->steps[--u->n];

		if (s->dir)
			rmdir(s->path);
		else
			unlink(s->path);
		free(s->path);
	}
	xl_undo_done(u);
}

void xl_undo_done(struct xl_undo *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->steps[i].path);
	free(u->steps);
	memset(u, 0, sizeof(*u));
}
