/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-user counts of changes queued or running ([Limits] MaxJobsPerUser),
 * oneway calls included: without them one user's stream of calls would
 * queue jobs, and memory, without end, ahead of root's on a shared
 * interface. Root is not counted. Pure logic, unit-tested.
 */
#ifndef XD_QUOTA_H
#define XD_QUOTA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct xd_quota;

/* One more job of uid, unless it has max already: -EDQUOT (-ENOMEM). */
int xd_quota_take(struct xd_quota **q, uid_t uid, unsigned max);
/* One job of uid is done. */
void xd_quota_put(struct xd_quota *q, uid_t uid);
unsigned xd_quota_held(const struct xd_quota *q, uid_t uid);
/* A refusal at now_usec: true for the first in each second, which the
 * caller logs, with *ret_quiet refusals left unlogged since the last. */
bool xd_quota_log_due(struct xd_quota *q, uint64_t now_usec, unsigned *ret_quiet);
struct xd_quota *xd_quota_free(struct xd_quota *q);

#endif
