/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Jobs: changes to one interface's program set. Each interface runs one
 * job at a time, in arrival order, on a worker thread, so that a slow
 * program load on one interface never holds up another interface or the
 * event loop. The worker hands the finished job back through a pipe; the
 * main thread then calls the completion its submitter gave (reply,
 * bookkeeping), and only after that may the interface's next job start.
 */
#ifndef XD_JOB_H
#define XD_JOB_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <sys/types.h>
#include <jansson.h>
#include <systemd/sd-event.h>

#include "change.h"
#include "xdplink/xdplink.h"

struct manager;
struct xd_iface;
struct xd_job;
struct xd_jobs;
struct vl_link;

/*
 * A job's completion, on the main thread, once the worker is done and
 * before the interface's next job starts: rec->xi is the main thread's
 * for its duration. It may submit more jobs (they queue). The job is
 * freed after it returns.
 */
typedef void (*xd_job_done_t)(struct xd_job *j, void *userdata);

enum xd_job_type {
	XD_JOB_ATTACH,
	XD_JOB_DETACH,
	XD_JOB_REPLACE,
	XD_JOB_FORGET,		/* the device is gone: clean its pins and state */
	XD_JOB_CLEANUP,		/* after a reply: drop the revision a swap replaced */
	XD_JOB_RELEASE,		/* a connection closed: remove what it attached */
	XD_JOB_ADOPT,		/* take over what the kernel runs (xl_engine__adopt) */
	XD_JOB_CHANGE,		/* Change, interfaces.d */
};

struct xd_job {
	struct xd_job *next;
	enum xd_job_type type;
	struct manager *m;		/* the submitter's; job.c never looks inside */
	struct xd_jobs *jobs;		/* set by xd_job_submit() */
	struct xd_iface *rec;
	xd_job_done_t done;		/* NULL: nothing to do when it ends */
	void *userdata;
	struct vl_link *link;		/* NULL for oneway calls */
	/* lifetime "connection": the connection the additions will belong to */
	struct vl_link *holder;

	/* Request, fixed in the main thread: the operations (change.h), of
	 * which the additions are in the batch already; the worker resolves
	 * the rest against the live set when the job runs (ATTACH, DETACH,
	 * REPLACE, RELEASE and CHANGE alike). */
	struct xd_op *ops;
	size_t n_ops;
	bool dry_run;			/* Change: plan, commit nothing */
	struct xl_batch *batch;
	enum xl_mode mode;		/* XL_MODE_UNSPEC: the link's, else default_mode */
	enum xl_mode default_mode;
	int counters;			/* -1: the interface's, else default_counters */
	bool default_counters;
	uint64_t expected_revision;
	/* A caller other than root acts on its own attachments only
	 * (struct xd_scope); NULL: root's, everyone's. */
	char *scope_owner;
	bool scope_prefix;		/* scope_owner is a prefix: "config:" for declare.c */
	/* declare.c: nothing to do when the config-owned programs already are
	 * what the file says (objects[], programs[] and want[], the objects
	 * resolved by the worker). */
	bool declare;
	char declare_owner[300];
	struct xd_want want[XL_MAX_PROGS + 1];
	size_t n_want;
	/* Additions, for naming the one that failed (the call's strings die with it). */
	char *objects[XL_MAX_PROGS + 1];
	char *programs[XL_MAX_PROGS + 1];
	size_t n_objects;
	/* varlink-manager.c: the caller, and whether the job counts against
	 * its MaxJobsPerUser (quota.h) until it completes. */
	uid_t caller_uid;
	bool quota_held;
	/* Who asked, for the log's audit trail (audit.h): "uid=0 pid=1 unit=..."
	 * of a call, "interfaces.d ..." of a file; escaped. */
	char caller[640];
	/* The caller's network namespace, entered for the job; -EBADF: ours. */
	int netns_fd;
	/* Objects passed as fds: kept open until the job is done with them. */
	int object_fds[XL_MAX_PROGS + 1];
	size_t n_object_fds;
	/* Our mount table, read by the first fd's check, for the others;
	 * dropped once the call is checked. */
	char *mountinfo;
	/* The interface the call named, for what is refused before it queues. */
	char ifname[IF_NAMESIZE];

	/* XD_JOB_ADOPT: detach instead of adopting; what was done, for the
	 * completion to log (the worker may not read rec->name). */
	bool adopt_detach;
	char adopt_note[256];

	/* Result, written by the worker. */
	bool noop;			/* nothing was left to do: no event */
	bool moved;			/* XD_JOB_FORGET: the device moved away, not deleted */
	bool ns_gone;			/* XD_JOB_FORGET: its namespace is being destroyed */
	int r;
	enum xl_error_kind kind;
	char error[512];
	uint32_t detach_id;		/* for AttachmentNotFound */
	char param[64];			/* InvalidParameter: "operations[2].id" */
	char *verifier_log;
	enum xl_mode live_mode;		/* before the change, for ModeMismatch */
	bool was_attached;
	uint64_t old_revision, revision;
	uint32_t added[XL_MAX_PROGS + 1];
	size_t n_added;
	uint32_t removed[XL_MAX_PROGS];
	size_t n_removed;
	uint32_t moved_ids[XL_MAX_PROGS];	/* what the moves named */
	size_t n_moved;
	uint32_t reordered[XL_MAX_PROGS];
	size_t n_reordered;
	bool unchanged;			/* nothing changed (dry run: would): no event */
	/* Data-plane changes the engine made while the apply ran: exact when
	 * no other interface's job ran at the same time (logged, for tests). */
	uint64_t link_updates;
	json_t *attachments;		/* CHANGE: the set after (dry run: planned) */
	uint32_t prog_id;		/* of the first addition */
	json_t *snapshot;
	/* The interface's snapshot before this job (job_complete()): what the
	 * removed attachments were, for the log. */
	json_t *old_snapshot;
};

struct xd_job *xd_job_new(struct manager *m, enum xd_job_type type);
/* The job's type as Monitor events and the change log name it (reply.c). */
const char *xd_job_event_name(enum xd_job_type type);
/* Append an operation (its strings are taken over, also on failure). */
int xd_job_add_op(struct xd_job *j, struct xd_op op);
struct xd_job *xd_job_free(struct xd_job *j);
void xd_job_freep(struct xd_job **j);
void xd_job_free_queue(struct xd_iface *rec);

/*
 * Queue j on rec, taking it over. It starts at once if rec is idle;
 * otherwise after every job queued before it has run and completed.
 * Either way j's completion runs exactly once, also when no worker
 * thread can be started (then with j->r set).
 */
void xd_job_submit(struct xd_jobs *jobs, struct xd_iface *rec, struct xd_job *j);

struct xd_jobs_ops {
	/* After a job's completion, once rec's next job (if any) has started:
	 * idle means nothing is running or queued on rec. */
	void (*settled)(struct xd_iface *rec, bool idle, void *userdata);
	void *userdata;
};

/* Jobs enter the caller's namespace and return to self_netns_fd. */
int xd_jobs_new(sd_event *event, struct xl_engine *engine, int self_netns_fd,
		const struct xd_jobs_ops *ops, struct xd_jobs **ret);
struct xd_jobs *xd_jobs_free(struct xd_jobs *jobs);
/* No queued job starts from now on; running ones finish and complete. */
void xd_jobs_stop(struct xd_jobs *jobs);
unsigned xd_jobs_running(const struct xd_jobs *jobs);

/* reply.c: answer a finished job (success or mapped error) and announce it. */
void xd_job_reply(struct xd_job *j);

#endif
