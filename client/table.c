/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A text table whose columns are as wide as their widest cell. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "xl-escape.h"

int table_column(struct table *t, const char *header, bool right)
{
	if (t->n_cols == TABLE_MAX_COLS || t->n_rows)
		return -E2BIG;
	t->headers[t->n_cols] = header;
	t->right[t->n_cols] = right;
	return (int)t->n_cols++;
}

int table_row(struct table *t, const char *const *cells)
{
	char **grown = reallocarray(t->cells, (t->n_rows + 1) * t->n_cols, sizeof(char *));
	char **row;

	if (!grown)
		return -ENOMEM;
	t->cells = grown;
	row = t->cells + t->n_rows * t->n_cols;
	/* Cells hold what callers chose (labels, names): a terminal must not
	 * act on them, so controls are shown escaped (issue 12). */
	for (size_t i = 0; i < t->n_cols; i++) {
		row[i] = xl_escape_dup(cells[i] ? cells[i] : "");
		if (!row[i]) {
			while (i--)
				free(row[i]);
			return -ENOMEM;
		}
	}
	t->n_rows++;
	return 0;
}

/* Characters on screen, counting a UTF-8 sequence as one: labels are free text. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void print_row(const struct table *t, const size_t *w, const char *const *cells, FILE *f)
{
	size_t last = t->n_cols;

	/* Trailing empty cells print nothing, not blanks. */
	while (last > 0 && !cells[last - 1][0])
		last--;
	for (size_t i = 0; i < last; i++) {
		size_t pad = w[i] - width(cells[i]);

		if (i)
			fputs("  ", f);
		if (t->right[i])
			fprintf(f, "%*s%s", (int)pad, "", cells[i]);
		else if (i + 1 < last)
			fprintf(f, "%s%*s", cells[i], (int)pad, "");
		else
			fputs(cells[i], f);
	}
	fputc('\n', f);
}

void table_print(const struct table *t, FILE *f)
{
	size_t w[TABLE_MAX_COLS] = {}, total = 0;

	for (size_t i = 0; i < t->n_cols; i++) {
		w[i] = width(t->headers[i]);
		for (size_t r = 0; r < t->n_rows; r++) {
			size_t n = width(t->cells[r * t->n_cols + i]);

			if (n > w[i])
				w[i] = n;
		}
		total += w[i] + (i ? 2 : 0);
	}
	print_row(t, w, t->headers, f);
	for (size_t i = 0; i < total; i++)
		fputc('-', f);
	fputc('\n', f);
	for (size_t r = 0; r < t->n_rows; r++)
		print_row(t, w, (const char *const *)t->cells + r * t->n_cols, f);
}

void table_done(struct table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	*t = (struct table){};
}
