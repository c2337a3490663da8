/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A finished change's log line: what happened (the words tests and
 * operators grep for), who asked and which programs came and went, so
 * that the log is an audit trail. Every untrusted part is escaped here
 * (audit.h), and the line goes out as it is (log_escaped()).
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "audit-job.h"
#include "iface.h"
#include "job.h"
#include "log.h"
#include "xl-escape.h"
#include "xl-util.h"

#define LINE_MAX_ 4096

/* Jobs nobody called for name their cause; calls name their caller. */
static const char *caller_of(const struct xd_job *j)
{
	if (j->caller[0])
		return j->caller;
	return j->type == XD_JOB_FORGET ? "the kernel" : "the daemon";
}

void xd_audit_job_done(const struct xd_job *j)
{
	const struct xd_iface *rec = j->rec;
	char line[LINE_MAX_], name[4 * IF_NAMESIZE + 1];
	json_t *before = json_object_get(j->old_snapshot, "attachments");
	json_t *after = json_object_get(rec->snapshot, "attachments");

	xl_escape(rec->name, name, sizeof(name));
	if (j->type == XD_JOB_FORGET)
		snprintf(line, sizeof(line), "%s (ifindex %d) %s; its %zu programs, pins and state "
			 "were removed", name, rec->ifindex,
			 j->moved ? "moved to another network namespace" : "is gone", j->n_removed);
	else
		snprintf(line, sizeof(line), "%s: revision %llu is live (%s: %zu added, %zu "
			 "removed, %zu reordered; %llu link updates) by %s", name,
			 (unsigned long long)j->revision, xd_job_event_name(j->type), j->n_added, j->n_removed,
			 j->n_reordered, (unsigned long long)j->link_updates, caller_of(j));
	xd_audit_programs(line, sizeof(line), "added", j->added, j->n_added, after);
	xd_audit_programs(line, sizeof(line), "removed", j->removed, j->n_removed, before);
	log_escaped(j->type == XD_JOB_FORGET ? LOG_NOTICE : LOG_INFO, 0, rec->name,
		    j->type == XD_JOB_FORGET ? j->old_revision : j->revision, line);
}

void xd_audit_job_refused(const struct xd_job *j)
{
	char line[LINE_MAX_], name[4 * IF_NAMESIZE + 1], error[4 * sizeof(j->error) + 1];

	snprintf(line, sizeof(line), "%s: %s refused: %s (asked by %s)",
		 xl_escape(j->rec->name, name, sizeof(name)), xd_job_event_name(j->type),
		 xl_escape(j->error, error, sizeof(error)), caller_of(j));
	log_escaped(LOG_NOTICE, j->r, j->rec->name, 0, line);
}

/* Every attachment of a snapshot's list, by id. */
static size_t ids_of(json_t *attachments, uint32_t *ids, size_t max)
{
	size_t i, n = 0;
	json_t *a;

	json_array_foreach(attachments, i, a)
		if (n < max)
			ids[n++] = (uint32_t)json_integer_value(json_object_get(a, "id"));
	return n;
}

void xd_audit_adopt_done(const struct xd_job *j)
{
	const struct xd_iface *rec = j->rec;
	char line[LINE_MAX_], name[4 * IF_NAMESIZE + 1], note[4 * sizeof(j->adopt_note) + 1];
	json_t *after = json_object_get(rec->snapshot, "attachments");
	json_t *before = json_object_get(j->old_snapshot, "attachments");
	uint32_t ids[XL_MAX_PROGS + 1];
	size_t n;

	snprintf(line, sizeof(line), "%s %s: %s, by %s",
		 j->adopt_detach ? "Detached XDP from" : "Adopted",
		 xl_escape(rec->name, name, sizeof(name)),
		 xl_escape(j->adopt_note, note, sizeof(note)), caller_of(j));
	if (j->adopt_detach) {
		n = ids_of(before, ids, ELEMENTSOF(ids));
		xd_audit_programs(line, sizeof(line), "removed", ids, n, before);
	} else {
		n = ids_of(after, ids, ELEMENTSOF(ids));
		xd_audit_programs(line, sizeof(line), "adopted", ids, n, after);
	}
	log_escaped(LOG_NOTICE, 0, rec->name, j->revision, line);
}

void xd_audit_release_queued(const struct xd_iface *rec, size_t n, const char *caller)
{
	char line[LINE_MAX_], name[4 * IF_NAMESIZE + 1];

	snprintf(line, sizeof(line), "%s: the connection that attached %zu of its programs "
		 "closed; removing them (connection of %s)",
		 xl_escape(rec->name, name, sizeof(name)), n, caller);
	log_escaped(LOG_INFO, 0, rec->name, rec->revision, line);
}
