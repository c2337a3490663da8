/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-user job counts: a small array, since few users hold jobs at once. */
#include <errno.h>
#include <stdlib.h>

#include "quota.h"

struct xd_quota_entry {
	uid_t uid;
	unsigned n;
};

struct xd_quota {
	struct xd_quota_entry *e;
	size_t n, cap;
	uint64_t logged_usec;		/* the last refusal logged */
	unsigned quiet;			/* refusals since, not logged */
};

static struct xd_quota_entry *find(const struct xd_quota *q, uid_t uid)
{
	for (size_t i = 0; q && i < q->n; i++)
		if (q->e[i].uid == uid)
			return &q->e[i];
	return NULL;
}

int xd_quota_take(struct xd_quota **q, uid_t uid, unsigned max)
{
	struct xd_quota_entry *e = find(*q, uid);

	if (e) {
		if (e->n >= max)
			return -EDQUOT;
		e->n++;
		return 0;
	}
	if (max == 0)
		return -EDQUOT;
	if (!*q) {
		*q = calloc(1, sizeof(**q));
		if (!*q)
			return -ENOMEM;
	}
	if ((*q)->n == (*q)->cap) {
		size_t cap = (*q)->cap ? 2 * (*q)->cap : 8;
		struct xd_quota_entry *grown = reallocarray((*q)->e, cap, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		(*q)->e = grown;
		(*q)->cap = cap;
	}
	(*q)->e[(*q)->n++] = (struct xd_quota_entry){ uid, 1 };
	return 0;
}

void xd_quota_put(struct xd_quota *q, uid_t uid)
{
	struct xd_quota_entry *e = find(q, uid);

	if (!e || --e->n > 0)
		return;
	*e = q->e[--q->n];	/* users that hold nothing take no room */
}

unsigned xd_quota_held(const struct xd_quota *q, uid_t uid)
{
	const struct xd_quota_entry *e = find(q, uid);

	return e ? e->n : 0;
}

bool xd_quota_log_due(struct xd_quota *q, uint64_t now_usec, unsigned *ret_quiet)
{
	if (!q || (q->logged_usec && now_usec - q->logged_usec < 1000000ULL)) {
		if (q)
			q->quiet++;
		return false;
	}
	q->logged_usec = now_usec;
	*ret_quiet = q->quiet;
	q->quiet = 0;
	return true;
}

struct xd_quota *xd_quota_free(struct xd_quota *q)
{
	if (q)
		free(q->e);
	free(q);
	return NULL;
}
