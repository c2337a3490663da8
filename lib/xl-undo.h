/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An undo log of the pins and files a revision attempt created. */
#ifndef XL_UNDO_H
#define XL_UNDO_H

#include <stdbool.h>
#include <stddef.h>

struct xl_undo {
	size_t n;
	size_t cap;
	struct xl_undo_step {
		char *path;
		bool dir;
	} *steps;
};

/* Record something that now exists; call only after creating it. */
int xl_undo_push(struct xl_undo *u, const char *path, bool dir);
/* Remove everything recorded, newest first, best effort. */
void xl_undo_run(struct xl_undo *u);
/* Forget the log (the attempt committed). */
void xl_undo_done(struct xl_undo *u);

#endif
