/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A finished change's log line: what, who asked, which programs (audit-job.c). */
#ifndef XD_AUDIT_JOB_H
#define XD_AUDIT_JOB_H

#include <stddef.h>

struct xd_iface;
struct xd_job;

/* After job_complete(): rec->snapshot is the set after, j->old_snapshot the set before. */
void xd_audit_job_done(const struct xd_job *j);
void xd_audit_job_refused(const struct xd_job *j);
/* An Adopt's completion: what it took over (or removed), and who asked. */
void xd_audit_adopt_done(const struct xd_job *j);
/* A closed connection's release is queued: caller is its escaped audit name. */
void xd_audit_release_queued(const struct xd_iface *rec, size_t n, const char *caller);

#endif
