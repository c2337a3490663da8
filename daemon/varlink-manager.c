/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io.xdplink.Manager: one parameter table and one handler per method.
 * Handlers check everything they can without the kernel, then hand the
 * change to the interface's job queue (job.c), which replies when the
 * new revision is live or refused (reply.c). Every change is a list of
 * operations (change.h): Attach, Detach and Replace build theirs here,
 * Change in varlink-change.c; the programs they add are checked in
 * varlink-programs.c; the steps they share are varlink-call.h's.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access-netns.h"
#include "audit.h"
#include "audit-job.h"
#include "iface.h"
#include "job.h"
#include "lifetime.h"
#include "list.h"
#include "log.h"
#include "manager.h"
#include "monitor.h"
#include "maps.h"
#include "netns.h"
#include "netwatch.h"
#include "params.h"
#include "quota.h"
#include "reply.h"
#include "stats.h"
#include "varlink-call.h"
#include "vl-server.h"
#include "xdplinkd-idl.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

/* ---- shared steps ---- */


/*
 * [Access]: nonzero when the call has been refused. Denials are logged
 * with the caller's credentials, for whoever has to explain them.
 */
static int authorize_ns(struct vl_link *l, struct manager *m, const char *method,
			const char *ifname, int nsfd, bool in_ns)
{
	struct ucred peer = { .uid = (uid_t)-1, .gid = (gid_t)-1 };
	struct xd_netns_caller nc;
	struct xd_access_ns ns;
	struct xd_caller c;
	gid_t groups[256];
	size_t n = 0;
	char why[256];
	int r;

	(void)vl_link_get_peer(l, &peer);
	if (vl_link_get_peer_groups(l, groups, ELEMENTSOF(groups), &n) < 0)
		n = 0;	/* more than 256: judged by uid and primary group */
	c = (struct xd_caller){ .uid = peer.uid, .gid = peer.gid, .pid = peer.pid,
				.groups = groups, .n_groups = n };
	nc = (struct xd_netns_caller){ .nsfd = nsfd, .uid = peer.uid, .pid = peer.pid };
	ns = xd_netns_access_ns(&nc);
	if (xd_access_check_ns(&m->access, &c, ifname, in_ns ? &ns : NULL, why, sizeof(why)) == 0)
		return 0;
	log_notice("Denied %s%s%s to uid=%u gid=%u pid=%d: %s", method, ifname ? " on " : "",
		   ifname ? ifname : "", (unsigned)peer.uid, (unsigned)peer.gid, (int)peer.pid, why);
	r = vl_link_error(l, VL_ERROR_PERMISSION_DENIED, NULL);
	return r < 0 ? r : 1;
}

/* Before the namespace is known: whether any namespace could do. */
int xd_call_authorize(struct vl_link *l, struct manager *m, const char *method,
		     const char *ifname)
{
	return authorize_ns(l, m, method, ifname, -EBADF, false);
}

/* Refusals that are root's to lift, logged like the policy's. */
int xd_call_deny(struct vl_link *l, const char *what)
{
	struct ucred peer = {};
	int r;

	(void)vl_link_get_peer(l, &peer);
	log_notice("Denied %s to uid=%u gid=%u pid=%d", what, (unsigned)peer.uid,
		   (unsigned)peer.gid, (int)peer.pid);
	r = vl_link_error(l, VL_ERROR_PERMISSION_DENIED, NULL);
	return r < 0 ? r : 1;
}

void xd_target_done(struct xd_target *t)
{
	t->nsfd = safe_close(t->nsfd);
}

/* The caller's uid; one that cannot be told counts as nobody, not root. */
static uid_t peer_uid(struct vl_link *l)
{
	struct ucred peer;

	return vl_link_get_peer(l, &peer) == 0 ? peer.uid : (uid_t)-1;
}

bool xd_call_is_root(struct vl_link *l)
{
	return peer_uid(l) == 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

int xd_call_invalid(struct vl_link *l, const char *param)
{
	int r = vl_link_error(l, VL_ERROR_INVALID_PARAMETER, json_pack("{s:s}", "parameter", param));

	return r < 0 ? r : 1;
}

static int reply_netns_not_found(struct vl_link *l, const char *what, int err)
{
	int r = vl_link_error(l, XD_ERROR_NAMESPACE_NOT_FOUND,
			      json_pack("{s:s,s:s}", "netns", what, "errnoName", errno_name(err)));

	return r < 0 ? r : 1;
}

/* The namespace's fd, or -EBADF for ours; nonzero when the call is answered. */
static int open_netns(struct vl_link *l, const struct netns_params *ns, int *ret)
{
	char what[64];
	int fd;

	*ret = -EBADF;
	if ((ns->fd_index >= 0) + !!ns->path + !!ns->pid > 1)
		return xd_call_invalid(l, "netns");
	/* A path or pid would make us open what the caller may not. */
	if ((ns->path || ns->pid) && !xd_call_is_root(l))
		return xd_call_deny(l, "a namespace by path or pid (pass netnsFd)");
	if (ns->fd_index >= 0) {
		fd = vl_link_take_fd(l, (unsigned)ns->fd_index);
		if (fd < 0 || xd_netns_check_fd(fd) < 0) {
			safe_close(fd);
			return xd_call_invalid(l, "netnsFd");
		}
	} else if (ns->path) {
		fd = xd_netns_open_path(ns->path);
		if (fd < 0)
			return reply_netns_not_found(l, ns->path, fd);
	} else if (ns->pid) {
		fd = xd_netns_open_pid((int)ns->pid);
		snprintf(what, sizeof(what), "pid %u", ns->pid);
		if (fd < 0)
			return reply_netns_not_found(l, what, fd);
	} else {
		return 0;
	}
	*ret = fd;
	return 0;
}

/* Resolve the call's namespace and, when named, its interface there.
 * Nonzero when the call has been answered. */
static int resolve_target(struct vl_link *l, struct manager *m, const struct netns_params *ns,
			  const char *ifname, struct xd_target *t)
{
	int r;

	*t = (struct xd_target){ .nsfd = -EBADF, .cookie = m->self_cookie };
	r = open_netns(l, ns, &t->nsfd);
	if (r != 0)
		return r;
	if (t->nsfd < 0) {
		unsigned idx = ifname ? if_nametoindex(ifname) : 0;

		if (ifname && idx == 0) {
			r = xd_reply_interface_not_found(l, ifname);
			return r < 0 ? r : 1;
		}
		t->ifindex = (int)idx;
		return 0;
	}
	r = xd_netns_resolve(t->nsfd, m->self_netns_fd, ifname, &t->cookie, &t->ifindex);
	if (r == -ENODEV) {
		xd_target_done(t);
		r = xd_reply_interface_not_found(l, ifname);
		return r < 0 ? r : 1;
	}
	if (r < 0) {
		xd_target_done(t);
		r = xd_reply_system_error(l, r, "cannot enter the network namespace");
		return r < 0 ? r : 1;
	}
	if (t->cookie == m->self_cookie)
		xd_target_done(t);		/* ours after all */
	else
		(void)xd_netwatch_track(m, t->nsfd, t->cookie);
	return 0;
}

/* resolve_target(), then GroupInterfaces in the namespace it found: one
 * root named is no limited caller's for having opened it (issue 12, P4). */
int xd_call_resolve(struct vl_link *l, struct manager *m, const char *method,
			      const struct netns_params *ns, const char *ifname, struct xd_target *t)
{
	int r = resolve_target(l, m, ns, ifname, t);

	if (r == 0)
		r = authorize_ns(l, m, method, ifname, t->nsfd, true);
	if (r != 0)
		xd_target_done(t);
	return r;
}

/* A job for a call: replies go to l unless the caller asked for none. */
static struct xd_job *call_job(struct manager *m, struct vl_link *l, unsigned flags,
			       enum xd_job_type type)
{
	struct xd_job *j = xd_job_new(m, type);

	if (!j)
		return NULL;
	if (!(flags & VL_CALL_ONEWAY))
		j->link = vl_link_ref(l);
	j->caller_uid = peer_uid(l);
	xd_call_caller(l, j->caller, sizeof(j->caller));
	j->default_mode = m->config.default_mode;
	/* Counters need the dispatcher; without freplace they cannot be the default. */
	j->default_counters = m->config.counters && xl_engine__has_freplace(m->engine);
	return j;
}

/* A failed call leaves no empty maps directory of its objects behind
 * (2,000 failures left 2,000). Only while no other job could be about to
 * pin into one; otherwise the collection removes them later. */
static void drop_maps_dirs(struct manager *m, struct xd_job *j)
{
	char owner[32];

	if (!j->link || xd_jobs_running(m->jobs) > 0 || j->rec->queue)
		return;
	xd_call_owner(j->link, owner, sizeof(owner));
	for (size_t i = 0; i < j->n_objects; i++)
		xd_maps_drop_if_empty(m, owner, j->objects[i]);
}

/* A call refused by MaxJobsPerUser (r -EDQUOT, or -ENOMEM): logged at
 * most once a second, answered unless oneway; nonzero. */
static int refuse_quota(struct manager *m, struct xd_job *j, int r)
{
	unsigned quiet = 0;

	xd_stats_change_refused();
	if (r == -EDQUOT && xd_quota_log_due(m->job_quota, now_usec(), &quiet))
		log_warning("uid %u has %u changes queued or running (MaxJobsPerUser=%u); "
			    "refusing more (%u more refusals not logged)", (unsigned)j->caller_uid,
			    xd_quota_held(m->job_quota, j->caller_uid),
			    m->config.max_jobs_per_user, quiet);
	if (!j->link)
		return 1;
	r = xd_reply_system_error(j->link, r, r == -EDQUOT ?
				  "too many changes of this user queued or running (MaxJobsPerUser)" :
				  "out of memory");
	return r < 0 ? r : 1;
}

/* [Limits] MaxJobsPerUser, oneway calls included (root is not counted):
 * nonzero when the call has been refused (and answered, unless oneway). */
static int take_quota(struct manager *m, struct xd_job *j)
{
	int r;

	if (j->caller_uid == 0)
		return 0;
	r = xd_quota_take(&m->job_quota, j->caller_uid, m->config.max_jobs_per_user);
	if (r == 0) {
		j->quota_held = true;
		return 0;
	}
	return refuse_quota(m, j, r);
}

/* At MaxJobsPerUser already: refused before the call's fds and objects
 * are looked at, so that a flood of calls over it (oneway ones, that
 * nobody answers, included) costs the event loop little. take_quota()
 * still counts the calls that pass. Nonzero when refused. */
static int quota_full(struct manager *m, struct xd_job *j)
{
	if (j->caller_uid == 0 ||
	    xd_quota_held(m->job_quota, j->caller_uid) < m->config.max_jobs_per_user)
		return 0;
	return refuse_quota(m, j, -EDQUOT);
}

int xd_call_start(struct vl_link *l, struct manager *m, const char *method, unsigned flags,
		  const struct netns_params *ns, const char *ifname, enum xd_job_type type,
		  struct xd_target *t, struct xd_job **ret_job)
{
	_cleanup_(xd_job_freep) struct xd_job *j = NULL;
	int r;

	r = xd_call_resolve(l, m, method, ns, ifname, t);
	if (r != 0)
		return r;
	j = call_job(m, l, flags, type);
	if (!j)
		return -ENOMEM;
	snprintf(j->ifname, sizeof(j->ifname), "%s", ifname);	/* resolved: it fits */
	r = quota_full(m, j);
	if (r != 0)
		return r < 0 ? r : 1;
	*ret_job = TAKE_PTR(j);
	return 0;
}

/* A call's job is done: answer, and hand connection-scoped additions to
 * their connection (which releases them at once if it closed meanwhile). */
static void call_done(struct xd_job *j, void *userdata)
{
	struct manager *m = userdata;

	if (j->quota_held)
		xd_quota_put(m->job_quota, j->caller_uid);
	if (j->r < 0 || j->dry_run)	/* a dry run pins nothing to keep */
		drop_maps_dirs(m, j);
	manager_job_done(j, m);
	if (j->r == 0 && j->holder && !j->dry_run)
		(void)xd_lifetime_hold(m, j->holder, j->rec, j->added, j->n_added);
}

/* The job answers from now on, also when it cannot start. It takes the
 * target's namespace fd for its worker to enter. */
int xd_call_submit(struct manager *m, const char *ifname, struct xd_target *t, struct xd_job *j)
{
	struct xd_iface *rec;
	int r;

	free(j->mountinfo);	/* every fd is checked by now */
	j->mountinfo = NULL;
	r = xd_iface_get(m, t->cookie, t->ifindex, ifname, &rec);
	if (r < 0) {
		xd_job_free(j);
		return r;
	}
	/* Refused by recovery, or the bpffs root is not ours: answered here. */
	r = xd_iface_check_writable(m, rec, j->link);
	if (r != 0) {
		xd_stats_change_refused();
		xd_job_free(j);
		xd_iface_gc(m, rec);
		return r < 0 ? r : 0;
	}
	r = take_quota(m, j);
	if (r != 0) {
		xd_job_free(j);
		xd_iface_gc(m, rec);
		return r < 0 ? r : 0;
	}
	j->netns_fd = TAKE_FD(t->nsfd);
	j->done = call_done;
	j->userdata = m;
	xd_job_submit(m->jobs, rec, j);
	return 0;
}

/* Who is calling, for the audit trail: uid, pid, unit (escaped). */
void xd_call_caller(struct vl_link *l, char *buf, size_t len)
{
	struct ucred peer = { .uid = (uid_t)-1 };

	(void)vl_link_get_peer(l, &peer);
	xd_audit_caller(peer.uid, peer.pid, buf, len);
}

void xd_call_owner(struct vl_link *l, char *buf, size_t len)
{
	struct ucred peer;

	if (vl_link_get_peer(l, &peer) == 0)
		snprintf(buf, len, "uid:%u", (unsigned)peer.uid);
	else
		snprintf(buf, len, "unknown");
}


/* ---- methods ---- */


/* Callers other than root change only what they own (change.h). */
int xd_call_scope(struct vl_link *l, struct xd_job *j)
{
	char owner[32];

	if (xd_call_is_root(l))
		return 0;
	xd_call_owner(l, owner, sizeof(owner));
	j->scope_owner = strdup(owner);
	return j->scope_owner ? 0 : -ENOMEM;
}

/* lifetime "connection": the additions go with the calling connection. */
void xd_call_hold(struct xd_job *j, struct vl_link *l, bool connection)
{
	if (connection)
		j->holder = vl_link_ref(l);
}

static int method_attach(struct vl_link *l, json_t *parameters, unsigned flags, void *userdata)
{
	struct attach_params p = { .ns = NETNS_INIT, .prog = PROGRAM_INIT, .counters = -1 };
	_cleanup_(xd_job_freep) struct xd_job *j = NULL;
	_cleanup_(xd_target_done) struct xd_target t = { .nsfd = -EBADF };
	struct manager *m = userdata;
	char owner[32];
	int r;

	r = vl_link_dispatch(l, parameters, xd_attach_fields, &p);
	if (r == 0)
		r = xd_call_authorize(l, m, "Attach", p.interface);
	if (r != 0)
		return r;
	r = xd_call_start(l, m, "Attach", flags, &p.ns, p.interface, XD_JOB_ATTACH, &t, &j);
	if (r != 0)
		return r;
	xd_call_hold(j, l, p.connection);
	xd_call_owner(l, owner, sizeof(owner));
	/* A change of one operation: attach. */
	r = xd_call_add_any(l, j, &p.prog, p.program_id, owner, "", 0);
	if (r <= 0)
		return r;
	j->mode = p.mode;
	j->counters = p.counters;
	j->expected_revision = p.expected_revision;
	return xd_call_submit(m, p.interface, &t, TAKE_PTR(j));
}


static int method_detach(struct vl_link *l, json_t *parameters, unsigned flags, void *userdata)
{
	struct detach_params p = { .ns = NETNS_INIT };
	_cleanup_(xd_job_freep) struct xd_job *j = NULL;
	_cleanup_(xd_target_done) struct xd_target t = { .nsfd = -EBADF };
	struct manager *m = userdata;
	int r;

	r = vl_link_dispatch(l, parameters, xd_detach_fields, &p);
	if (r == 0)
		r = xd_call_authorize(l, m, "Detach", p.interface);
	if (r != 0)
		return r;
	/* Exactly one of them: "all" must never be a typo's default. */
	if ((p.id != 0) == p.all)
		return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
				     json_pack("{s:s}", "parameter", p.all ? "all" : "id"));
	r = xd_call_start(l, m, "Detach", flags, &p.ns, p.interface, XD_JOB_DETACH, &t, &j);
	if (r != 0)
		return r;
	/* A change of one operation: detach id, or everything in the caller's scope. */
	r = xd_call_scope(l, j);
	if (r == 0)
		r = xd_job_add_op(j, (struct xd_op){ .kind = p.all ? XD_OP_DETACH_ALL : XD_OP_DETACH,
						     .id = p.id });
	if (r < 0)
		return r;
	j->expected_revision = p.expected_revision;
	return xd_call_submit(m, p.interface, &t, TAKE_PTR(j));
}


/* ---- adopt ---- */

static int reply_adopt_error(struct vl_link *l, const struct xd_job *j)
{
	const char *holder;

	if (j->kind == XL_ERROR_BUSY) {
		holder = strstr(j->error, "held by ");
		return vl_link_error(l, XD_ERROR_INTERFACE_BUSY,
				     json_pack("{s:s,s:s}", "interface", j->rec->name,
					       "holder", holder ? holder + 8 : j->error));
	}
	if (j->r == -ENODEV || j->r == -ENXIO)
		return xd_reply_interface_not_found(l, j->rec->name);
	return xd_reply_system_error(l, j->r, j->error);
}

/* An adoption is done: the record is an ordinary one again, and the caller
 * gets the interface as List shows it now. */
static void adopt_done(struct xd_job *j, void *userdata)
{
	struct manager *m = userdata;
	struct xd_iface *rec = j->rec;
	json_t *iface;

	if (j->r < 0) {
		log_iface_errno(LOG_NOTICE, j->r, rec->name, "%s: adopt refused: %s", rec->name,
				j->error);
		if (j->link)
			(void)reply_adopt_error(j->link, j);
		return;
	}
	xd_iface_clear_refused(rec);
	xd_audit_adopt_done(j);
	manager_update_status(m);
	if (!j->link)
		return;
	iface = rec->xi ? xd_iface_to_json(rec, true) : NULL;
	if (!iface)
		(void)xd_reply_system_error(j->link, -ENOMEM, "out of memory");
	else
		(void)vl_link_reply(j->link, json_pack("{s:o}", "interface", iface));
}

/*
 * Root only: adoption writes pins and state of programs whoever attached
 * them, and may detach them. Not through xd_call_submit(): a refused interface or
 * a read-only daemon is exactly what it is for.
 */
static int method_adopt(struct vl_link *l, json_t *parameters, unsigned flags, void *userdata)
{
	struct adopt_params p = { .ns = NETNS_INIT };
	_cleanup_(xd_target_done) struct xd_target t = { .nsfd = -EBADF };
	struct manager *m = userdata;
	struct xd_iface *rec;
	struct xd_job *j;
	int r;

	r = vl_link_dispatch(l, parameters, xd_adopt_fields, &p);
	if (r == 0)
		r = xd_call_authorize(l, m, "Adopt", p.interface);
	if (r == 0 && !xd_call_is_root(l))
		r = xd_call_deny(l, "Adopt (root only)");
	if (r == 0)
		r = resolve_target(l, m, &p.ns, p.interface, &t);
	if (r != 0)
		return r;
	j = call_job(m, l, flags, XD_JOB_ADOPT);
	if (!j)
		return -ENOMEM;
	j->adopt_detach = p.detach;
	r = xd_iface_get(m, t.cookie, t.ifindex, p.interface, &rec);
	if (r < 0) {
		xd_job_free(j);
		return r;
	}
	j->netns_fd = TAKE_FD(t.nsfd);
	j->done = adopt_done;
	j->userdata = m;
	xd_job_submit(m->jobs, rec, j);
	return 0;
}

static int method_replace(struct vl_link *l, json_t *parameters, unsigned flags, void *userdata)
{
	struct replace_params p = { .ns = NETNS_INIT, .counters = -1 };
	_cleanup_(xd_job_freep) struct xd_job *j = NULL;
	_cleanup_(xd_target_done) struct xd_target t = { .nsfd = -EBADF };
	struct manager *m = userdata;
	int r;

	r = vl_link_dispatch(l, parameters, xd_replace_fields, &p);
	if (r == 0)
		r = xd_call_authorize(l, m, "Replace", p.interface);
	if (r != 0)
		return r;
	if (json_array_size(p.programs) > XL_MAX_PROGS)
		return vl_link_error(l, XD_ERROR_TOO_MANY_PROGRAMS,
				     json_pack("{s:s,s:i}", "interface", p.interface,
					       "limit", XL_MAX_PROGS));
	r = xd_call_start(l, m, "Replace", flags, &p.ns, p.interface, XD_JOB_REPLACE, &t, &j);
	if (r != 0)
		return r;
	xd_call_hold(j, l, p.connection);
	/* A change: detach everything in the caller's scope (a caller other
	 * than root replaces its own programs, not others'), attach these. */
	r = xd_call_scope(l, j);
	if (r == 0)
		r = xd_job_add_op(j, (struct xd_op){ .kind = XD_OP_DETACH_ALL });
	if (r < 0)
		return r;
	r = xd_call_add_programs(l, j, p.programs, "programs", NULL, -1);
	if (r <= 0)
		return r;
	j->mode = p.mode;
	j->counters = p.counters;
	j->expected_revision = p.expected_revision;
	return xd_call_submit(m, p.interface, &t, TAKE_PTR(j));
}


/* Without a namespace or a name: every managed interface, in every
 * namespace, and what else runs XDP in those namespaces (list.h). */
static int method_list(struct vl_link *l, json_t *parameters, unsigned flags _unused_,
		       void *userdata)
{
	struct list_params p = { .ns = NETNS_INIT };
	_cleanup_(xd_target_done) struct xd_target t = { .nsfd = -EBADF };
	struct manager *m = userdata;
	struct xd_list_request q;
	json_t *list;
	int r;

	r = vl_link_dispatch(l, parameters, xd_list_fields, &p);
	if (r == 0)
		r = xd_call_authorize(l, m, "List", NULL);
	if (r != 0)
		return r;
	q = (struct xd_list_request){
		.any_netns = !p.interface && p.ns.fd_index < 0 && !p.ns.path && !p.ns.pid,
		.ifname = p.interface, .all = p.all, .maps = p.maps,
	};
	r = resolve_target(l, m, &p.ns, p.interface, &t);
	if (r != 0)
		return r;
	q.cookie = t.cookie;
	q.nsfd = t.nsfd;
	q.ifindex = t.ifindex;
	list = xd_list(m, &q);
	if (!list)
		return -ENOMEM;
	return vl_link_reply(l, json_pack("{s:o}", "interfaces", list));
}

static int method_monitor(struct vl_link *l, json_t *parameters, unsigned flags _unused_,
			  void *userdata)
{
	struct list_params p = { .ns = NETNS_INIT };
	_cleanup_(xd_target_done) struct xd_target t = { .nsfd = -EBADF };
	struct manager *m = userdata;
	int r;

	r = vl_link_dispatch(l, parameters, xd_monitor_fields, &p);
	if (r == 0)
		r = xd_call_authorize(l, m, "Monitor", NULL);
	if (r == 0 && p.interface)
		r = resolve_target(l, m, &p.ns, p.interface, &t);
	if (r != 0)
		return r;
	r = xd_monitor_add(m, l, t.cookie, t.ifindex);
	if (r < 0)
		return r;
	/* The first reply carries no event: the subscription is in place, so
	 * whatever the caller does next will be seen. */
	return vl_link_reply_more(l, json_object());
}

static int method_reload(struct vl_link *l, json_t *parameters, unsigned flags _unused_,
			 void *userdata)
{
	struct manager *m = userdata;
	char err[1024], line[XD_AUDIT_CALLER_MAX + 32] = "Reload asked for by ";
	size_t n = strlen(line);
	int r;

	r = vl_link_dispatch(l, parameters, xd_no_fields, m);
	if (r == 0 && !xd_call_is_root(l))
		r = xd_call_deny(l, "Reload (root only)");
	if (r != 0)
		return r;
	xd_call_caller(l, line + n, sizeof(line) - n);
	log_escaped(LOG_INFO, 0, NULL, 0, line);
	r = manager_reload(m, err, sizeof(err));
	if (r < 0)
		return vl_link_error(l, XD_ERROR_CONFIG_INVALID, json_pack("{s:s}", "message", err));
	return vl_link_reply(l, NULL);
}

static int method_describe(struct vl_link *l, json_t *parameters, unsigned flags _unused_,
			   void *userdata)
{
	struct manager *m = userdata;
	int r;

	r = vl_link_dispatch(l, parameters, xd_no_fields, m);
	if (r == 0)
		r = xd_call_authorize(l, m, "Describe", NULL);
	if (r != 0)
		return r;
	return vl_link_reply(l, json_pack("{s:s,s:b,s:s?,s:i,s:s,s:s}", "version", XD_VERSION,
					  "freplace", xl_engine__has_freplace(m->engine),
					  "degradedReason", xl_engine__degraded_reason(m->engine),
					  "maxPrograms", XL_MAX_PROGS,
					  "bpffsRoot", m->config.bpffs_root,
					  "stateDir", m->config.state_dir));
}

/*
 * Any caller allowed to connect and to List (no side effects, and nothing
 * but counts: no names, no programs, no owners); xdplink-exporter's source.
 */
static int method_statistics(struct vl_link *l, json_t *parameters, unsigned flags _unused_,
			     void *userdata)
{
	struct manager *m = userdata;
	json_t *reply;
	int r;

	r = vl_link_dispatch(l, parameters, xd_no_fields, m);
	if (r == 0)
		r = xd_call_authorize(l, m, "Statistics", NULL);
	if (r != 0)
		return r;
	reply = xd_stats_to_json(m);
	if (!reply)
		return -ENOMEM;
	return vl_link_reply(l, reply);
}

static const struct vl_method manager_methods[] = {
	{ XD_INTERFACE ".Attach", method_attach, 0 },
	{ XD_INTERFACE ".Detach", method_detach, 0 },
	{ XD_INTERFACE ".Replace", method_replace, 0 },
	{ XD_INTERFACE ".Change", xd_method_change, 0 },
	{ XD_INTERFACE ".Adopt", method_adopt, 0 },
	{ XD_INTERFACE ".List", method_list, 0 },
	{ XD_INTERFACE ".Monitor", method_monitor, VL_METHOD_REQUIRES_MORE },
	{ XD_INTERFACE ".Reload", method_reload, 0 },
	{ XD_INTERFACE ".Describe", method_describe, 0 },
	{ XD_INTERFACE ".Statistics", method_statistics, 0 },
	{}
};

int manager_varlink_setup(struct manager *m)
{
	int r;

	r = vl_server_add_methods(m->server, XD_INTERFACE, xd_manager_idl, manager_methods, m);
	if (r < 0)
		return log_error_errno(r, "Failed to serve %s: %m", XD_INTERFACE);
	return 0;
}
