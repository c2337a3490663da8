/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io.xdplink.Manager.Change: any list of operations as one revision. The
 * handler checks each operation and fixes the job's list (change.h), with
 * the additions in its batch; the worker resolves the rest against the
 * live set when the job runs (job.c), and reply.c answers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "log.h"
#include "manager.h"
#include "params.h"
#include "reply.h"
#include "varlink-call.h"
#include "vl-server.h"

/* More operations than this cannot mean anything on one interface. */
#define XD_MAX_OPERATIONS (4 * XL_MAX_PROGS)

static int invalid_op(struct vl_link *l, size_t i, const char *field)
{
	char param[96];

	snprintf(param, sizeof(param), "operations[%zu]%s%s", i, field ? "." : "",
		 field ? field : "");
	return xd_call_invalid(l, param);
}

static int dup_anchor(struct xd_anchor *to, const struct anchor_params *from)
{
	to->id = from->id;
	to->label = from->label ? strdup(from->label) : NULL;
	return from->label && !to->label ? -ENOMEM : 0;
}

/* The op's own (non-attach) operation, its strings copied (the call's die with it). */
static int add_plain_op(struct xd_job *j, const struct operation_params *p, size_t i)
{
	static const enum xd_op_kind kinds[] = {
		[XD_OPN_DETACH] = XD_OP_DETACH, [XD_OPN_DETACH_LABEL] = XD_OP_DETACH_LABEL,
		[XD_OPN_DETACH_OWNER] = XD_OP_DETACH_OWNER,
		[XD_OPN_REPLACE_LABEL] = XD_OP_REPLACE_LABEL, [XD_OPN_MOVE] = XD_OP_MOVE,
	};
	struct xd_op op = {
		.kind = kinds[p->op], .index = (unsigned)i, .id = p->id,
		.priority = p->prog.priority == XL_PRIORITY_FROM_OBJECT ? XD_PRIORITY_KEEP :
			    p->prog.priority,
	};
	int r = 0;

	if (p->prog.label && !(op.label = strdup(p->prog.label)))
		r = -ENOMEM;
	if (r == 0 && p->owner && !(op.owner = strdup(p->owner)))
		r = -ENOMEM;
	if (r == 0)
		r = dup_anchor(&op.before, &p->prog.before);
	if (r == 0)
		r = dup_anchor(&op.after, &p->prog.after);
	if (r < 0) {
		free(op.label);
		free(op.owner);
		free(op.before.label);
		free(op.after.label);
		return r;
	}
	return xd_job_add_op(j, op);
}

/* detachOwner of another owner: refused at call time for callers other than root. */
static int check_owner(struct vl_link *l, const struct operation_params *p)
{
	char owner[32];

	if (p->op != XD_OPN_DETACH_OWNER || xd_call_is_root(l))
		return 0;
	xd_call_owner(l, owner, sizeof(owner));
	if (strcmp(owner, p->owner) == 0)
		return 0;
	return xd_call_deny(l, "detachOwner of another owner");
}

/* One of the operations, checked; 1 when it is in the job, else answered. */
static int add_operation(struct vl_link *l, struct xd_job *j, json_t *e, size_t i)
{
	struct operation_params p = OPERATION_INIT;
	struct vl_error err = {};
	char owner[32], where[96];
	const char *bad;
	int r;

	if (!json_is_object(e))
		return invalid_op(l, i, NULL);
	r = vl_dispatch(e, xd_operation_fields, &p, &err);
	if (r < 0 && err.name) {
		const char *key = json_string_value(json_object_get(err.parameters, "parameter"));

		r = invalid_op(l, i, key ? key : "op");
		vl_error_done(&err);
		return r;
	}
	if (r < 0)
		return r;
	bad = xd_operation_check(e, &p);
	if (bad)
		return invalid_op(l, i, bad);
	r = check_owner(l, &p);
	if (r != 0)
		return r;
	xd_call_owner(l, owner, sizeof(owner));
	snprintf(where, sizeof(where), "operations[%zu].", i);
	if (p.op == XD_OPN_ATTACH)
		return xd_call_add_any(l, j, &p.prog, p.program_id, owner, where, (unsigned)i);
	r = add_plain_op(j, &p, i);
	if (r < 0)
		return r;
	if (p.op == XD_OPN_REPLACE_LABEL) {
		snprintf(where, sizeof(where), "operations[%zu].programs", i);
		return xd_call_add_programs(l, j, p.programs, where, p.prog.label, (int)i);
	}
	return 1;
}

int xd_method_change(struct vl_link *l, json_t *parameters, unsigned flags, void *userdata)
{
	struct change_params p = { .ns = NETNS_INIT, .counters = -1 };
	_cleanup_(xd_job_freep) struct xd_job *j = NULL;
	_cleanup_(xd_target_done) struct xd_target t = { .nsfd = -EBADF };
	struct manager *m = userdata;
	json_t *e;
	size_t i;
	int r;

	r = vl_link_dispatch(l, parameters, xd_change_fields, &p);
	if (r == 0)
		r = xd_call_authorize(l, m, "Change", p.interface);
	if (r != 0)
		return r;
	if (json_array_size(p.operations) > XD_MAX_OPERATIONS)
		return xd_call_invalid(l, "operations");
	r = xd_call_start(l, m, "Change", flags, &p.ns, p.interface, XD_JOB_CHANGE, &t, &j);
	if (r != 0)
		return r;
	xd_call_hold(j, l, p.connection);
	r = xd_call_scope(l, j);
	if (r < 0)
		return r;
	json_array_foreach(p.operations, i, e) {
		r = add_operation(l, j, e, i);
		if (r <= 0)
			return r;
	}
	j->mode = p.mode;
	j->counters = p.counters;
	j->expected_revision = p.expected_revision;
	j->dry_run = p.dry_run;
	return xd_call_submit(m, p.interface, &t, TAKE_PTR(j));
}
