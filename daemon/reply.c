/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Answering finished jobs: success replies, Monitor events, and the one
 * switch that turns an engine failure into a documented
 * io.xdplink.Manager error.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "audit-job.h"
#include "iface.h"
#include "job.h"
#include "log.h"
#include "manager.h"
#include "monitor.h"
#include "reply.h"
#include "stats.h"
#include "vl-server.h"

static const char *mode_name(enum xl_mode mode)
{
	return mode == XL_MODE_SKB ? "skb" : "native";
}

/* Whether msg names prog as a word of its own ("no X program", "loading X
 * from", "of X:"), not inside a longer name or the list of what an object
 * has ("it has: a, b, c"). */
static bool names_program(const char *msg, const char *prog)
{
	size_t len = prog ? strlen(prog) : 0;

	if (!len)
		return false;
	for (const char *s = strstr(msg, prog); s; s = strstr(s + 1, prog))
		if ((s == msg || s[-1] == ' ') && (s[len] == ' ' || s[len] == ':'))
			return true;
	return false;
}

/*
 * The addition the engine's message is about. It names the object's file
 * (objects[] holds the file a passed fd is open on, as the engine does):
 * the longest such name wins, so that a.o.1's error is not a.o's; among
 * additions of one file, the one whose program it names.
 */
static size_t failed_addition(const struct xd_job *j)
{
	size_t best = 0, best_len = 0;
	bool best_prog = false;

	for (size_t i = 0; i < j->n_objects; i++) {
		size_t len = j->objects[i] ? strlen(j->objects[i]) : 0;
		bool prog;

		if (!len || !strstr(j->error, j->objects[i]))
			continue;
		prog = names_program(j->error, j->programs[i]);
		if (len > best_len || (len == best_len && prog && !best_prog)) {
			best = i;
			best_len = len;
			best_prog = prog;
		}
	}
	return best;
}

static int reply_request_error(struct vl_link *l, const struct xd_job *j, const char *ifname)
{
	/* An operation at fault (change.c): named as the caller sent it. */
	if (j->param[0] && j->r == -EINVAL)
		return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
				     json_pack("{s:s}", "parameter", j->param));
	switch (j->r) {
	case -ESTALE:
		return vl_link_error(l, XD_ERROR_REVISION_MISMATCH,
				     json_pack("{s:s,s:I,s:I}", "interface", ifname,
					       "expected", (json_int_t)j->expected_revision,
					       "current", (json_int_t)j->old_revision));
	case -E2BIG:
		return vl_link_error(l, XD_ERROR_TOO_MANY_PROGRAMS,
				     json_pack("{s:s,s:i}", "interface", ifname,
					       "limit", XL_MAX_PROGS));
	case -ENOENT:
		return vl_link_error(l, XD_ERROR_ATTACHMENT_NOT_FOUND,
				     json_pack("{s:s,s:I}", "interface", ifname,
					       "id", (json_int_t)j->detach_id));
	case -ENODEV:
		return xd_reply_interface_not_found(l, ifname);
	case -ERANGE:
		return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
				     json_pack("{s:s}", "parameter", "priority"));
	case -EINVAL:
		if (j->was_attached && j->mode != XL_MODE_UNSPEC && j->mode != j->live_mode)
			return vl_link_error(l, XD_ERROR_MODE_MISMATCH,
					     json_pack("{s:s,s:s,s:s}", "interface", ifname,
						       "current", mode_name(j->live_mode),
						       "requested", mode_name(j->mode)));
		break;
	case -EOPNOTSUPP:
		return xd_reply_not_supported(l, j->error);
	case -EPERM:
		/* Someone else's attachment (job.c, scoped jobs). */
		return vl_link_error(l, VL_ERROR_PERMISSION_DENIED, NULL);
	}
	return xd_reply_system_error(l, j->r, j->error);
}

/* The anchor an ordering error is about: the message's words before its
 * first ':' ("before label \"fw\""), as the library writes them. */
static int reply_order_error(struct vl_link *l, const struct xd_job *j, const char *ifname)
{
	const char *colon = strchr(j->error, ':');
	char anchor[256];

	if (j->r != -ENOENT)
		return vl_link_error(l, XD_ERROR_ANCHOR_CONFLICT,
				     json_pack("{s:s,s:s}", "interface", ifname, "message", j->error));
	snprintf(anchor, sizeof(anchor), "%.*s", colon ? (int)(colon - j->error) : (int)strlen(j->error),
		 j->error);
	return vl_link_error(l, XD_ERROR_ANCHOR_NOT_FOUND,
			     json_pack("{s:s,s:s,s:s}", "interface", ifname, "anchor", anchor,
				       "message", j->error));
}

static int reply_error(struct vl_link *l, const struct xd_job *j)
{
	const char *ifname = j->rec->name;
	size_t i = failed_addition(j);
	const char *object = j->n_objects ? j->objects[i] : "";
	const char *program = j->n_objects && j->programs[i] ? j->programs[i] : "";
	const char *holder;

	switch (j->kind) {
	case XL_ERROR_REQUEST:
		return reply_request_error(l, j, ifname);
	case XL_ERROR_ORDER:
		return reply_order_error(l, j, ifname);
	case XL_ERROR_OBJECT_READ:
		return vl_link_error(l, XD_ERROR_OBJECT_NOT_FOUND,
				     json_pack("{s:s,s:s}", "object", object,
					       "errnoName", errno_name(j->r)));
	case XL_ERROR_OBJECT:
		if (j->r == -ENOENT)
			return vl_link_error(l, XD_ERROR_PROGRAM_NOT_FOUND,
					     json_pack("{s:s,s:s,s:s}", "object", object,
						       "program", program, "message", j->error));
		return vl_link_error(l, XD_ERROR_INVALID_OBJECT,
				     json_pack("{s:s,s:s}", "object", object, "message", j->error));
	case XL_ERROR_LOAD:
		return vl_link_error(l, XD_ERROR_PROGRAM_LOAD_FAILED,
				     json_pack("{s:s,s:s,s:s,s:s,s:s?}", "object", object,
					       "program", program, "errnoName", errno_name(j->r),
					       "message", j->error, "verifierLog", j->verifier_log));
	case XL_ERROR_BUSY:
		holder = strstr(j->error, "held by ");
		return vl_link_error(l, XD_ERROR_INTERFACE_BUSY,
				     json_pack("{s:s,s:s}", "interface", ifname,
					       "holder", holder ? holder + 8 : j->error));
	default:
		if (j->r == -ENODEV || j->r == -ENXIO)
			return xd_reply_interface_not_found(l, ifname);
		return xd_reply_system_error(l, j->r, j->error);
	}
}

static json_t *ids_to_json(const uint32_t *ids, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

/* A job's type as Monitor events and the log name it. */
const char *xd_job_event_name(enum xd_job_type type)
{
	static const char *const names[] = {
		[XD_JOB_ATTACH] = "attach",
		[XD_JOB_DETACH] = "detach",
		[XD_JOB_REPLACE] = "replace",
		[XD_JOB_FORGET] = "interfaceGone",
		[XD_JOB_RELEASE] = "detach",
		[XD_JOB_ADOPT] = "adopt",
		[XD_JOB_CHANGE] = "change",
	};

	return (size_t)type < ELEMENTSOF(names) && names[type] ? names[type] : "unknown";
}

static void announce(const struct xd_job *j)
{
	const struct xd_iface *rec = j->rec;
	const char *type = j->moved ? "interfaceMoved" : xd_job_event_name(j->type);

	xd_audit_job_done(j);	/* the log line: who asked, which programs */
	xd_monitor_emit(j->m, rec->netns_cookie, rec->ifindex,
			json_pack("{s:s,s:s,s:i,s:I,s:I,s:I,s:o,s:o,s:o}", "type", type,
				  "interface", rec->name, "ifindex", rec->ifindex,
				  "netnsCookie", (json_int_t)rec->netns_cookie,
				  "revision", (json_int_t)j->revision,
				  "previousRevision", (json_int_t)j->old_revision,
				  "added", ids_to_json(j->added, j->n_added),
				  "removed", ids_to_json(j->removed, j->n_removed),
				  "reordered", ids_to_json(j->reordered, j->n_reordered)));
}

static int reply_success(struct vl_link *l, const struct xd_job *j)
{
	switch (j->type) {
	case XD_JOB_ATTACH:
		return vl_link_reply(l, json_pack("{s:I,s:I,s:I}", "id", (json_int_t)j->added[0],
						  "revision", (json_int_t)j->revision,
						  "programId", (json_int_t)j->prog_id));
	case XD_JOB_DETACH:
		return vl_link_reply(l, json_pack("{s:I}", "revision", (json_int_t)j->revision));
	case XD_JOB_REPLACE:
		return vl_link_reply(l, json_pack("{s:I,s:o}", "revision", (json_int_t)j->revision,
						  "ids", ids_to_json(j->added, j->n_added)));
	case XD_JOB_CHANGE:
		return vl_link_reply(l, json_pack("{s:I,s:I,s:o,s:o,s:o,s:b,s:o}",
						  "revision", (json_int_t)j->revision,
						  "previousRevision", (json_int_t)j->old_revision,
						  "added", ids_to_json(j->added, j->n_added),
						  "removed", ids_to_json(j->removed, j->n_removed),
						  "reordered", ids_to_json(j->reordered, j->n_reordered),
						  "unchanged", j->unchanged,
						  "attachments", j->attachments ?
							json_incref(j->attachments) : json_array()));
	case XD_JOB_FORGET:
	case XD_JOB_CLEANUP:
	case XD_JOB_RELEASE:
	case XD_JOB_ADOPT:	/* its own completion answers (varlink-manager.c) */
		break;
	}
	return -EINVAL;
}

/* A change that found the set as it asked (issue 12, S6): nothing was
 * committed, so there is no event to send or log; the caller still gets
 * the live revision. A flood of them costs subscribers nothing. */
static bool committed_nothing(const struct xd_job *j)
{
	if (j->dry_run || (j->type == XD_JOB_CHANGE && j->unchanged))
		return true;
	return (j->type == XD_JOB_ATTACH || j->type == XD_JOB_DETACH ||
		j->type == XD_JOB_REPLACE || j->type == XD_JOB_CHANGE) && j->old_revision > 0 &&
	       j->revision == j->old_revision && j->n_added == 0 && j->n_removed == 0;
}

/* A change's job: what the caller or an interface file asked for. */
static bool is_change(const struct xd_job *j)
{
	return j->type == XD_JOB_ATTACH || j->type == XD_JOB_DETACH ||
	       j->type == XD_JOB_REPLACE || j->type == XD_JOB_CHANGE;
}

void xd_job_reply(struct xd_job *j)
{
	if (j->r == 0 && !j->noop && !committed_nothing(j) && j->type != XD_JOB_FORGET)
		xd_stats_revision();
	else if (j->r < 0 && is_change(j))
		xd_stats_change_refused();
	if (j->r == 0 && !committed_nothing(j))
		announce(j);
	else if (j->r < 0)
		xd_audit_job_refused(j);
	if (!j->link)
		return;		/* oneway */
	if (j->r == 0)
		(void)reply_success(j->link, j);
	else
		(void)reply_error(j->link, j);
}

int xd_reply_interface_not_found(struct vl_link *l, const char *ifname)
{
	return vl_link_error(l, XD_ERROR_INTERFACE_NOT_FOUND,
			     json_pack("{s:s}", "interface", ifname));
}

int xd_reply_not_supported(struct vl_link *l, const char *reason)
{
	return vl_link_error(l, XD_ERROR_NOT_SUPPORTED, json_pack("{s:s}", "reason", reason));
}

int xd_reply_system_error(struct vl_link *l, int r, const char *message)
{
	return vl_link_error(l, XD_ERROR_SYSTEM_ERROR,
			     json_pack("{s:s,s:s}", "errnoName", errno_name(r),
				       "message", message ? message : strerror(-r)));
}
