/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Jobs: one at a time per interface, on worker threads, handed back through a pipe. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <unistd.h>

#include "iface.h"
#include "job.h"
#include "log.h"
#include "netns.h"
#include "vl-server.h"
#include "xl-testpoint.h"

struct xd_jobs {
	sd_event_source *src;
	int pipe[2];			/* workers hand finished jobs back through it */
	struct xl_engine *engine;
	int self_netns_fd;
	unsigned running;
	bool stopped;
	struct xd_jobs_ops ops;
};

struct xd_job *xd_job_new(struct manager *m, enum xd_job_type type)
{
	struct xd_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->batch = xl_batch__new();
	if (!j->batch) {
		free(j);
		return NULL;
	}
	j->m = m;
	j->type = type;
	j->counters = -1;
	j->netns_fd = -EBADF;
	return j;
}

struct xd_job *xd_job_free(struct xd_job *j)
{
	if (!j)
		return NULL;
	xl_batch__free(j->batch);
	vl_link_unref(j->link);
	vl_link_unref(j->holder);
	for (size_t i = 0; i < j->n_objects; i++) {
		free(j->objects[i]);
		free(j->programs[i]);
	}
	for (size_t i = 0; i < j->n_object_fds; i++)
		safe_close(j->object_fds[i]);
	safe_close(j->netns_fd);
	free(j->mountinfo);
	free(j->verifier_log);
	free(j->scope_owner);
	xd_ops_free(j->ops, j->n_ops);
	json_decref(j->snapshot);
	json_decref(j->old_snapshot);
	json_decref(j->attachments);
	free(j);
	return NULL;
}

void xd_job_freep(struct xd_job **j)
{
	*j = xd_job_free(*j);
}

int xd_job_add_op(struct xd_job *j, struct xd_op op)
{
	struct xd_op *grown = reallocarray(j->ops, j->n_ops + 1, sizeof(*grown));

	if (!grown) {
		free(op.label);
		free(op.owner);
		free(op.before.label);
		free(op.after.label);
		return -ENOMEM;
	}
	j->ops = grown;
	j->ops[j->n_ops++] = op;
	return 0;
}

void xd_job_free_queue(struct xd_iface *rec)
{
	while (rec->queue) {
		struct xd_job *j = rec->queue;

		rec->queue = j->next;
		xd_job_free(j);
	}
	rec->queue_tail = &rec->queue;
}

static bool id_in(uint32_t id, const struct xl_attachment *att, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (att[i].id == id)
			return true;
	return false;
}

static void job_fail(struct xd_job *j, int r, enum xl_error_kind kind, const char *msg,
		     const char *log)
{
	j->r = r;
	j->kind = kind;
	snprintf(j->error, sizeof(j->error), "%s", msg);
	if (log)
		j->verifier_log = strdup(log);
}

/* The additions' ids, in operation order (after a dry run: provisional). */
static void record_added(struct xd_job *j, const struct xl_attachment *att, size_t n)
{
	for (size_t o = 0; o < j->n_ops; o++) {
		uint32_t id;

		if (j->ops[o].kind != XD_OP_ATTACH)
			continue;
		id = xl_batch__attach_id(j->batch, j->ops[o].add);
		if (!id)
			continue;	/* dropped */
		j->added[j->n_added++] = id;
		for (size_t i = 0; i < n && j->n_added == 1; i++)
			if (att[i].id == id)
				j->prog_id = att[i].prog_id;
	}
}

/* Whether new is old: same ids, order and priorities. */
static bool same_set(const struct xl_attachment *old, size_t n_old,
		     const struct xl_attachment *new, size_t n)
{
	if (n != n_old)
		return false;
	for (size_t i = 0; i < n; i++)
		if (old[i].id != new[i].id || old[i].priority != new[i].priority)
			return false;
	return true;
}

static void job_record_success(struct xd_job *j, const uint32_t *old, size_t n_old)
{
	struct xl_iface *xi = j->rec->xi;
	const struct xl_attachment *att;
	uint32_t ids[XL_MAX_PROGS];
	size_t n;

	j->revision = j->dry_run ? j->old_revision : xl_iface__revision(xi);
	att = j->dry_run ? xl_iface__planned(xi, &n) : xl_iface__attachments(xi, &n);
	record_added(j, att, n);
	for (size_t i = 0; i < n_old; i++)
		if (!id_in(old[i], att, n))
			j->removed[j->n_removed++] = old[i];
	for (size_t i = 0; i < n && i < XL_MAX_PROGS; i++)
		ids[i] = att[i].id;
	j->n_reordered = xd_change_reordered(old, n_old, ids, n, j->moved_ids, j->n_moved,
					     j->reordered);
	if (j->dry_run) {
		const struct xl_attachment *live;
		size_t n_live;

		live = xl_iface__attachments(xi, &n_live);
		j->unchanged = same_set(live, n_live, att, n);
	} else {
		j->unchanged = j->revision == j->old_revision;
	}
	if (j->type == XD_JOB_CHANGE)
		j->attachments = xd_attachments_to_json(xi, att, n);
	j->snapshot = xd_iface_snapshot(j->rec);
}

static int job_open(struct xd_job *j)
{
	struct xd_iface *rec = j->rec;
	int r;

	if (rec->xi)
		return 0;
	r = xl_iface__open(j->jobs->engine, rec->ifindex, &rec->xi);
	if (r < 0)
		job_fail(j, r, r == -ENODEV ? XL_ERROR_REQUEST : XL_ERROR_KERNEL,
			 xl_engine__last_error(j->jobs->engine), NULL);
	return r;
}

static int job_apply(struct xd_job *j, uint32_t *old, size_t *n_old)
{
	struct xl_apply_opts opts = { .sz = sizeof(opts) };
	struct xl_iface *xi = j->rec->xi;
	const struct xl_attachment *att;
	__u64 updates;
	int r;

	j->old_revision = xl_iface__revision(xi);
	j->was_attached = j->old_revision > 0;
	j->live_mode = xl_iface__mode(xi);
	att = xl_iface__attachments(xi, n_old);
	for (size_t i = 0; i < *n_old; i++)
		old[i] = att[i].id;

	/* The caller waits only for the commit; the old revision goes after
	 * the reply (XD_JOB_CLEANUP), before the interface's next job. */
	opts.defer_cleanup = true;
	opts.dry_run = j->dry_run;
	opts.expected_revision = j->expected_revision;
	opts.mode = j->mode != XL_MODE_UNSPEC ? j->mode :
		    j->was_attached ? j->live_mode : j->default_mode;
	opts.counters = j->counters >= 0 ? j->counters :
			j->was_attached ? xl_iface__counters_enabled(xi) : j->default_counters;
	updates = xl_engine__link_updates(j->jobs->engine);
	r = xl_iface__apply(xi, j->batch, &opts);
	j->link_updates += xl_engine__link_updates(j->jobs->engine) - updates;
	return r;
}

/* A vanished device's link is defunct: its pins and state go, in
 * whatever namespace it was (none needs entering). */
static void job_forget(struct xd_job *j)
{
	struct xd_iface *rec = j->rec;
	const struct xl_attachment *att;
	size_t n;
	int r;

	if (rec->xi) {
		att = xl_iface__attachments(rec->xi, &n);
		for (size_t i = 0; i < n; i++)
			j->removed[j->n_removed++] = att[i].id;
	}
	if (rec->xi && xl_iface__link_ifindex(rec->xi) > 0) {
		/* Moved to another namespace, and XDP went with it: the rule
		 * (docs/daemon.md) is to detach and clean, like a deletion.
		 * (A namespace being destroyed says so before its devices go.) */
		j->moved = !j->ns_gone;
		r = xl_batch__remove_all(j->batch);
		if (r == 0)
			r = job_apply(j, (uint32_t[XL_MAX_PROGS]){ 0 }, &n);
		if (r < 0)
			job_fail(j, r, XL_ERROR_KERNEL, xl_iface__last_error(rec->xi), NULL);
	}
	rec->xi = xl_iface__free(rec->xi);
	r = xl_engine__forget(j->jobs->engine, rec->netns_cookie, rec->ifindex);
	if (r < 0 && r != -EEXIST)
		job_fail(j, r, XL_ERROR_KERNEL, xl_engine__last_error(j->jobs->engine), NULL);
	j->revision = 0;
}

/*
 * Take the interface over from what the kernel runs, then open it as any
 * other. The old xl_iface (if any) stays open until then: its link fd keeps
 * a link whose pin was deleted alive until the adoption has pinned it.
 */
static void job_adopt(struct xd_job *j)
{
	struct xd_iface *rec = j->rec;
	struct xl_engine *e = j->jobs->engine;
	struct xl_adopt_opts o = { .sz = sizeof(o), .detach = j->adopt_detach, .owner = "uid:0" };
	struct xl_adopt_info info = {};
	__u64 updates = xl_engine__link_updates(e);
	int r;

	j->old_revision = rec->xi ? xl_iface__revision(rec->xi) : 0;
	r = xl_engine__adopt(e, rec->ifindex, &o, &info);
	if (r < 0) {
		job_fail(j, r, r == -EBUSY ? XL_ERROR_BUSY : XL_ERROR_KERNEL,
			 xl_engine__last_error(e), NULL);
		return;
	}
	/* The interface is ours here now: so is the bpffs root, if it changed. */
	if (xl_engine__root_changed(e) && (r = xl_engine__record_root(e)) < 0) {
		job_fail(j, r, XL_ERROR_KERNEL, xl_engine__last_error(e), NULL);
		return;
	}
	rec->xi = xl_iface__free(rec->xi);
	if (job_open(j) < 0)
		return;
	j->revision = xl_iface__revision(rec->xi);
	j->snapshot = xd_iface_snapshot(rec);
	/* The completion logs it: rec->name is the main thread's. */
	if (o.detach)
		snprintf(j->adopt_note, sizeof(j->adopt_note), "pins and state removed, with %llu "
			 "link updates", (unsigned long long)(xl_engine__link_updates(e) - updates));
	else
		snprintf(j->adopt_note, sizeof(j->adopt_note), "%u programs (%u described by no state "
			 "file, %u slots attached again), link %u, revision %llu, with %llu link updates",
			 info.programs, info.synthesized, info.relinked, info.link_id,
			 (unsigned long long)info.revision,
			 (unsigned long long)(xl_engine__link_updates(e) - updates));
}

/* interfaces.d's "already so": the file's objects as the state records
 * them (real paths), resolved here since files may move while jobs wait. */
static void job_keep(struct xd_job *j, char (*real)[PATH_MAX], struct xd_keep *keep)
{
	for (size_t i = 0; i < j->n_want; i++) {
		j->want[i].object = realpath(j->objects[i], real[i]) ? real[i] : NULL;
		j->want[i].program = j->programs[i];
	}
	*keep = (struct xd_keep){ .owner = j->declare_owner, .want = j->want, .n_want = j->n_want };
}

static struct xl_anchor anchor_of(const struct xd_anchor *a)
{
	return (struct xl_anchor){ .id = a->id, .label = a->label };
}

/* The removes and moves res names, into the batch. */
static int job_fill_batch(struct xd_job *j, const struct xd_resolved *res)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < res->n_remove; i++)
		r = xl_batch__remove(j->batch, res->remove[i]);
	for (size_t i = 0; r == 0 && i < res->n_move; i++) {
		const struct xd_move *mv = &res->move[i];
		struct xl_move_opts o = {
			.sz = sizeof(o), .priority_set = mv->priority != XD_PRIORITY_KEEP,
			.priority = mv->priority == XD_PRIORITY_KEEP ? XL_PRIORITY_KEEP : mv->priority,
			.before = anchor_of(mv->before), .after = anchor_of(mv->after),
		};

		r = xl_batch__move(j->batch, mv->id, &o);
		j->moved_ids[j->n_moved++] = mv->id;
	}
	if (r < 0)
		job_fail(j, r, XL_ERROR_KERNEL, "cannot build the batch", NULL);
	return r;
}

static bool has_additions(const struct xd_job *j)
{
	for (size_t i = 0; i < j->n_ops; i++)
		if (j->ops[i].kind == XD_OP_ATTACH)
			return true;
	return false;
}

/*
 * The job's operations against the set as it is now (it may have changed
 * while the job was queued), for its caller's scope: 0 when the batch is
 * ready, 1 when nothing is left to do (no reply: declare.c's file in
 * force, a release of what is gone already), 2 when a Change has nothing
 * to do (answered with the set as it is), or a failure (recorded).
 */
static int job_resolve(struct xd_job *j)
{
	struct xd_scope scope = { .owner = j->scope_owner, .prefix = j->scope_prefix };
	char (*real)[PATH_MAX] = NULL;
	struct xd_resolve_error err;
	struct xd_resolved *res;
	const struct xl_attachment *att;
	struct xd_keep keep;
	size_t n;
	int r;

	res = malloc(sizeof(*res));
	if (j->declare && j->n_want)
		real = calloc(j->n_want, sizeof(*real));
	if (!res || (j->declare && j->n_want && !real)) {
		free(res);
		job_fail(j, -ENOMEM, XL_ERROR_KERNEL, "out of memory", NULL);
		return -ENOMEM;
	}
	if (j->declare)
		job_keep(j, real, &keep);
	att = xl_iface__attachments(j->rec->xi, &n);
	r = xd_change_resolve(j->ops, j->n_ops, att, n, &scope, j->declare ? &keep : NULL, res,
			      &err);
	if (r < 0) {
		job_fail(j, r, XL_ERROR_REQUEST, err.message, NULL);
		j->detach_id = err.id;
		snprintf(j->param, sizeof(j->param), "%s", err.param);
	} else if (res->unchanged ||
		   (j->type == XD_JOB_RELEASE && res->n_remove == 0)) {
		r = 1;
	} else if (j->type == XD_JOB_CHANGE && !has_additions(j) && !res->n_remove &&
		   !res->n_move) {
		r = 2;
	} else {
		r = job_fill_batch(j, res);
	}
	free(real);
	free(res);
	return r;
}

/* A Change with nothing to do: the caller gets the set as it is (once
 * it holds the revision the caller expects). */
static void job_unchanged(struct xd_job *j)
{
	const struct xl_attachment *att;
	size_t n;

	j->old_revision = j->revision = xl_iface__revision(j->rec->xi);
	if (j->expected_revision && j->expected_revision != j->old_revision) {
		job_fail(j, -ESTALE, XL_ERROR_REQUEST, "the revision is not the expected one", NULL);
		return;
	}
	j->unchanged = true;
	att = xl_iface__attachments(j->rec->xi, &n);
	j->attachments = xd_attachments_to_json(j->rec->xi, att, n);
	j->snapshot = xd_iface_snapshot(j->rec);
}

/* Runs on the worker thread, which owns j->rec->xi until it hands j back. */
static void job_run_here(struct xd_job *j)
{
	struct xd_iface *rec = j->rec;
	uint32_t old[XL_MAX_PROGS];
	size_t n_old;
	int r;

	if (j->type == XD_JOB_FORGET)
		return job_forget(j);
	if (j->type == XD_JOB_ADOPT)
		return job_adopt(j);
	if (j->type == XD_JOB_CLEANUP) {
		xl_test_point("cleanup-job");
		if (rec->xi)
			(void)xl_iface__cleanup(rec->xi);	/* leftovers are recovery's */
		return;
	}
	if (job_open(j) < 0)
		return;
	r = job_resolve(j);
	if (r < 0)
		return;
	if (r == 1) {
		j->noop = true;		/* already so: no swap, no event */
		return;
	}
	if (r == 2)
		return job_unchanged(j);
	r = job_apply(j, old, &n_old);
	/* Someone else (xdpctl of another daemon, a test tool) changed the
	 * interface since we opened it: look again, once, unless the caller
	 * pinned the revision it expects. */
	if (r == -ESTALE && xl_iface__error_kind(rec->xi) == XL_ERROR_REQUEST &&
	    (!j->expected_revision || j->expected_revision == j->old_revision)) {
		rec->xi = xl_iface__free(rec->xi);
		if (job_open(j) < 0)
			return;
		r = job_apply(j, old, &n_old);
	}
	if (r < 0) {
		job_fail(j, r, xl_iface__error_kind(rec->xi), xl_iface__last_error(rec->xi),
			 xl_iface__verifier_log(rec->xi));
		return;
	}
	job_record_success(j, old, n_old);
}

/* In the caller's namespace when it named one: link creation and the
 * engine's ifindex lookups resolve in the calling thread's namespace. */
static void job_run(struct xd_job *j)
{
	int r;

	if (j->netns_fd < 0)
		return job_run_here(j);
	r = xd_netns_enter(j->netns_fd);
	if (r < 0) {
		job_fail(j, r, XL_ERROR_KERNEL, "cannot enter the network namespace", NULL);
		return;
	}
	job_run_here(j);
	xd_netns_leave(j->jobs->self_netns_fd);
}

static void *job_thread(void *arg)
{
	struct xd_job *j = arg;
	struct xd_jobs *jobs = j->jobs;
	ssize_t n;

	job_run(j);
	/* A pointer is far below PIPE_BUF: the write is atomic. */
	do
		n = write(jobs->pipe[1], &j, sizeof(j));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(j))
		abort();	/* the main thread would wait on this interface forever */
	return NULL;
}

/* Ahead of everything queued: nothing may build on rec before it is tidy. */
static void queue_cleanup(struct xd_jobs *jobs, struct xd_iface *rec)
{
	struct xd_job *j = xd_job_new(NULL, XD_JOB_CLEANUP);

	if (!j)
		return;		/* the next apply or the close cleans up instead */
	j->jobs = jobs;
	j->rec = rec;
	j->next = rec->queue;
	if (!rec->queue)
		rec->queue_tail = &j->next;
	rec->queue = j;
}

/*
 * The main thread owns rec->xi again (the worker is done, or never ran).
 * rec stays busy throughout, so that whatever the completion submits
 * waits in the queue: one job per interface holds by construction.
 */
static void job_complete(struct xd_jobs *jobs, struct xd_job *j)
{
	struct xd_iface *rec = j->rec;

	assert(rec->busy);
	if (j->r == 0 && j->type != XD_JOB_CLEANUP && !j->noop) {
		rec->revision = j->revision;
		j->old_snapshot = rec->snapshot;	/* the completion logs what went */
		rec->snapshot = TAKE_PTR(j->snapshot);
		/* The worker left the name out: only this thread may read it. */
		if (rec->snapshot)
			json_object_set_new(rec->snapshot, "name", json_string(rec->name));
	}
	if (j->type != XD_JOB_CLEANUP && rec->xi && xl_iface__cleanup_pending(rec->xi))
		queue_cleanup(jobs, rec);
	if (j->done)
		j->done(j, j->userdata);
	xd_job_free(j);
}

/* Start rec's next job. A worker that cannot be started fails its job
 * through the same completion, and the one after it gets its turn. */
static void kick(struct xd_jobs *jobs, struct xd_iface *rec)
{
	while (rec->queue && !rec->busy && !jobs->stopped) {
		struct xd_job *j = rec->queue;
		pthread_attr_t attr;
		pthread_t t;
		int r;

		rec->queue = j->next;
		if (!rec->queue)
			rec->queue_tail = &rec->queue;
		j->next = NULL;
		rec->busy = true;
		r = -pthread_attr_init(&attr);
		if (r == 0) {
			(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
			r = -pthread_create(&t, &attr, job_thread, j);
			pthread_attr_destroy(&attr);
		}
		if (r == 0) {
			jobs->running++;
			return;
		}
		log_error_errno(r, "%s: cannot start a worker thread: %m", rec->name);
		job_fail(j, r, XL_ERROR_KERNEL, "cannot start a worker thread", NULL);
		job_complete(jobs, j);
		rec->busy = false;
	}
}

void xd_job_submit(struct xd_jobs *jobs, struct xd_iface *rec, struct xd_job *j)
{
	j->jobs = jobs;
	j->rec = rec;
	*rec->queue_tail = j;
	rec->queue_tail = &j->next;
	kick(jobs, rec);
}

static int on_job_done(sd_event_source *s _unused_, int fd, uint32_t revents _unused_,
		       void *userdata)
{
	struct xd_jobs *jobs = userdata;
	struct xd_job *j;

	while (read(fd, &j, sizeof(j)) == sizeof(j)) {
		struct xd_iface *rec = j->rec;

		jobs->running--;
		job_complete(jobs, j);
		rec->busy = false;
		kick(jobs, rec);
		/* Last: the owner may free an idle rec. */
		if (jobs->ops.settled)
			jobs->ops.settled(rec, !rec->busy && !rec->queue, jobs->ops.userdata);
	}
	return 0;
}

int xd_jobs_new(sd_event *event, struct xl_engine *engine, int self_netns_fd,
		const struct xd_jobs_ops *ops, struct xd_jobs **ret)
{
	struct xd_jobs *jobs = calloc(1, sizeof(*jobs));
	int r;

	if (!jobs)
		return log_oom();
	jobs->pipe[0] = jobs->pipe[1] = -EBADF;
	jobs->engine = engine;
	jobs->self_netns_fd = self_netns_fd;
	jobs->ops = *ops;
	if (pipe2(jobs->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		r = log_error_errno(-errno, "Failed to create the job pipe: %m");
		goto fail;
	}
	/* Workers may block in write() only if the pipe is full; keep their end blocking. */
	if (fcntl(jobs->pipe[1], F_SETFL, 0) < 0) {
		r = log_error_errno(-errno, "Failed to set up the job pipe: %m");
		goto fail;
	}
	r = sd_event_add_io(event, &jobs->src, jobs->pipe[0], EPOLLIN, on_job_done, jobs);
	if (r < 0) {
		log_error_errno(r, "Failed to watch the job pipe: %m");
		goto fail;
	}
	*ret = jobs;
	return 0;
fail:
	xd_jobs_free(jobs);
	return r;
}

/* Only once no job runs: a worker still writes to the pipe. */
struct xd_jobs *xd_jobs_free(struct xd_jobs *jobs)
{
	if (!jobs)
		return NULL;
	assert(jobs->running == 0);
	sd_event_source_disable_unref(jobs->src);
	safe_close(jobs->pipe[0]);
	safe_close(jobs->pipe[1]);
	free(jobs);
	return NULL;
}

void xd_jobs_stop(struct xd_jobs *jobs)
{
	jobs->stopped = true;
}

unsigned xd_jobs_running(const struct xd_jobs *jobs)
{
	return jobs ? jobs->running : 0;
}
