/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A text table whose columns are as wide as their widest cell. */
#ifndef XDPCTL_TABLE_H
#define XDPCTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 24

struct table {
	size_t n_cols;
	const char *headers[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];	/* numbers line up on the right */
	char **cells;			/* n_rows * n_cols, owned */
	size_t n_rows;
};

/* A column; returns its index, or -E2BIG. */
int table_column(struct table *t, const char *header, bool right);
/* A row of n_cols cells (NULL: empty), copied. */
int table_row(struct table *t, const char *const *cells);
/* Header, a rule under it, the rows; no trailing blanks. */
void table_print(const struct table *t, FILE *f);
void table_done(struct table *t);

#endif
