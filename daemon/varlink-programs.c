/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The programs a call adds (Attach, Replace, Change's attach and
 * replaceLabel): each is checked as it comes, put into the job's batch,
 * and recorded as an attach operation (change.h). Refusals are answered
 * here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "access-load.h"
#include "iface.h"
#include "job.h"
#include "log.h"
#include "manager.h"
#include "maps.h"
#include "object-fd.h"
#include "params.h"
#include "reply.h"
#include "varlink-call.h"
#include "vl-server.h"

static struct xl_anchor anchor_of(const struct anchor_params *a)
{
	return (struct xl_anchor){ .id = a->id, .label = a->label };
}

/* Into the batch, and the job's operations as operations[index]. */
static int add_to_batch(struct xd_job *j, const struct xl_prog_spec *spec, unsigned index)
{
	int r = xl_batch__add(j->batch, spec);

	if (r < 0)
		return r;
	return xd_job_add_op(j, (struct xd_op){ .kind = XD_OP_ATTACH, .index = index, .add = r });
}

/* Room for one more addition (its names and up to two fds)? Else answered. */
static int room_for_one(struct vl_link *l, struct xd_job *j)
{
	int r;

	if (j->n_objects < XL_MAX_PROGS && j->n_object_fds + 2 <= XL_MAX_PROGS + 1)
		return 1;
	r = vl_link_error(l, XD_ERROR_TOO_MANY_PROGRAMS,
			  json_pack("{s:s,s:i}", "interface", j->ifname, "limit", XL_MAX_PROGS));
	return r < 0 ? r : 0;
}

/*
 * An object passed as a file descriptor: the job keeps the fd, and the
 * engine reads through it (pread; never a reopen, which would read with
 * our rights), and resolves /proc/self/fd's link only to name the file in
 * the state file. Only a readable regular file off FUSE is taken: an
 * O_PATH fd would let a caller name a file it cannot read.
 */
static int take_object_fd(struct vl_link *l, struct xd_job *j, int index, char *path,
			  size_t len, const char *where)
{
	char param[64], why[160];
	int fd, r;

	snprintf(param, sizeof(param), "%sobjectFd", where);
	fd = vl_link_take_fd(l, (unsigned)index);
	if (fd < 0) {
		r = vl_link_error(l, VL_ERROR_INVALID_PARAMETER, json_pack("{s:s}", "parameter", param));
		return r < 0 ? r : 0;
	}
	j->object_fds[j->n_object_fds++] = fd;
	if (xd_object_fd_check(fd, &j->mountinfo, why, sizeof(why)) < 0) {
		snprintf(path, len, "fd %d", index);
		r = vl_link_error(l, XD_ERROR_INVALID_OBJECT,
				  json_pack("{s:s,s:s}", "object", path, "message", why));
		return r < 0 ? r : 0;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return 1;
}

/* The file a passed fd is open on, resolved once as the call arrives, to
 * name it in errors and logs as the engine's messages do (they name the
 * file, never /proc/self/fd/N); the fd's path if it cannot be read. */
static char *fd_file_name(const char *fd_path)
{
	char *name = xd_fd_file_name(fd_path);

	return name ? name : strdup(fd_path);
}

/* Whether the caller's programs load with our rights, unvetted: root's,
 * and those of [Access] PrivilegedLoadUsers/Groups. */
static bool load_privileged(struct vl_link *l, struct manager *m)
{
	struct ucred peer = { .uid = (uid_t)-1, .gid = (gid_t)-1 };
	gid_t groups[256];
	size_t n = 0;

	(void)vl_link_get_peer(l, &peer);
	if (peer.uid != 0 && vl_link_get_peer_groups(l, groups, ELEMENTSOF(groups), &n) < 0)
		n = 0;	/* more than 256: judged by uid and primary group */
	return xd_access_load_privileged(m->config.privileged_load_users,
					 m->config.privileged_load_groups, peer.uid, peer.gid,
					 groups, n, xd_access_resolve_system);
}

/* Add one program to a job, from an object or an fd; refusals are answered here. */
static int add_program(struct vl_link *l, struct xd_job *j, const struct program_params *p,
		       const char *owner, const char *where, unsigned index)
{
	struct xl_prog_spec spec = {
		.sz = sizeof(spec), .object = p->object, .prog_name = p->program,
		.priority = p->priority, .chain_actions = p->actions, .label = p->label,
		.owner = owner, .connection = j->holder != NULL,
		.vet = !load_privileged(l, j->m),
		.before = anchor_of(&p->before), .after = anchor_of(&p->after),
		.priority_set = p->priority != XL_PRIORITY_FROM_OBJECT,
	};
	char param[64], maps[PATH_MAX], fd_path[64];
	int r;

	if (p->object_fd >= 0 && p->object) {
		snprintf(param, sizeof(param), "%sobjectFd", where);
		r = vl_link_error(l, VL_ERROR_INVALID_PARAMETER, json_pack("{s:s}", "parameter", param));
		return r < 0 ? r : 0;
	}
	if (p->object_fd >= 0) {
		r = take_object_fd(l, j, p->object_fd, fd_path, sizeof(fd_path), where);
		if (r <= 0)
			return r;
		spec.object = fd_path;
		/* Read through the fd itself: the bytes the caller passed. */
		spec.object_fd = j->object_fds[j->n_object_fds - 1];
	} else if (!p->object) {
		snprintf(param, sizeof(param), "%sobject", where);
		return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
				     json_pack("{s:s}", "parameter", param));
	} else if (!xd_call_is_root(l)) {
		/* We would read it with our rights, not the caller's. */
		r = xd_call_deny(l, "an object by path (pass objectFd)");
		return r < 0 ? r : 0;
	}
	/* Say "no such file" plainly, before libbpf has a go at it. */
	if (spec.object_fd <= 0 && access(spec.object, R_OK) < 0)
		return vl_link_error(l, XD_ERROR_OBJECT_NOT_FOUND,
				     json_pack("{s:s,s:s}", "object", spec.object,
					       "errnoName", errno_name(errno)));
	r = xd_maps_dir(j->m, owner, spec.object, maps, sizeof(maps));
	if (r < 0)
		return r;
	spec.pin_root_path = maps;
	r = add_to_batch(j, &spec, index);
	if (r < 0)
		return r;
	j->objects[j->n_objects] = spec.object_fd > 0 ? fd_file_name(fd_path) : strdup(spec.object);
	j->programs[j->n_objects] = p->program ? strdup(p->program) : NULL;
	if (!j->objects[j->n_objects++] || (p->program && !j->programs[j->n_objects - 1]))
		return -ENOMEM;
	return 1;
}

/* What List shows of the attachment that runs program prog_id, if any,
 * and the interface it is on. */
static json_t *find_program(struct manager *m, uint32_t prog_id, struct xd_iface **ret_rec)
{
	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next) {
		_cleanup_json_ json_t *view = !rec->busy && rec->xi ?
			xd_iface_to_json(rec, false) : json_incref(rec->snapshot);
		json_t *a;
		size_t i;

		json_array_foreach(json_object_get(view, "attachments"), i, a)
			if (json_integer_value(json_object_get(a, "programId")) == prog_id) {
				*ret_rec = rec;
				return json_incref(a);
			}
	}
	return NULL;
}

static int reply_no_program(struct vl_link *l, uint32_t prog_id)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "no attachment runs program %u", prog_id);
	return vl_link_error(l, XD_ERROR_PROGRAM_NOT_FOUND,
			     json_pack("{s:s,s:s,s:s}", "object", "", "program", "", "message", msg));
}

/*
 * Attach a program the daemon loaded already (programId): the same
 * program, and so the same maps, on one more interface. Only its owner
 * (or root) may, since it shares the owner's state. Kept alive by the
 * kernel while any interface pins or links it.
 */
static int add_shared(struct vl_link *l, struct xd_job *j, const struct program_params *p,
		      uint32_t prog_id, const char *owner, unsigned index)
{
	struct xd_iface *from = NULL;
	_cleanup_json_ json_t *a = find_program(j->m, prog_id, &from);
	const char *a_owner = json_string_value(json_object_get(a, "owner"));
	struct xl_prog_spec spec = { .sz = sizeof(spec), .label = p->label, .owner = owner,
				     .connection = j->holder != NULL,
				     .before = anchor_of(&p->before), .after = anchor_of(&p->after),
				     .priority_set = p->priority != XL_PRIORITY_FROM_OBJECT };
	char maps[PATH_MAX];
	int fd, twin, r;

	if (!a)
		return reply_no_program(l, prog_id);
	if (!xd_call_is_root(l) && (!a_owner || strcmp(a_owner, owner) != 0)) {
		r = xd_call_deny(l, "a program someone else owns");
		return r < 0 ? r : 0;
	}
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return reply_no_program(l, prog_id);
	j->object_fds[j->n_object_fds++] = fd;
	spec.prog_fd = fd;
	/* Its plain-XDP twin, so that it can run alone here too. */
	twin = xl_engine__twin_fd(j->m->engine, from->netns_cookie, from->ifindex,
				  (__u32)json_integer_value(json_object_get(a, "id")));
	if (twin >= 0) {
		j->object_fds[j->n_object_fds++] = twin;
		spec.twin_fd = twin;
	}
	spec.object = json_string_value(json_object_get(a, "object"));
	r = xd_maps_dir(j->m, owner, spec.object, maps, sizeof(maps));
	if (r < 0)
		return r;
	spec.pin_root_path = maps;
	spec.prog_name = json_string_value(json_object_get(a, "name"));
	spec.priority = p->priority != XL_PRIORITY_FROM_OBJECT ? p->priority :
			(int)json_integer_value(json_object_get(a, "priority"));
	r = xd_parse_actions(json_object_get(a, "actions"), &spec.chain_actions);
	if (r == 0 && p->actions)
		spec.chain_actions = p->actions;
	spec.frags = json_is_true(json_object_get(a, "frags"));
	if (r == 0)
		r = add_to_batch(j, &spec, index);
	if (r < 0)
		return r;
	j->objects[j->n_objects] = strdup(spec.object ? spec.object : "");
	j->programs[j->n_objects] = spec.prog_name ? strdup(spec.prog_name) : NULL;
	if (!j->objects[j->n_objects++])
		return -ENOMEM;
	return 1;
}

int xd_call_add_any(struct vl_link *l, struct xd_job *j, const struct program_params *p,
		    uint32_t program_id, const char *owner, const char *where, unsigned index)
{
	char param[96];
	int r = room_for_one(l, j);

	if (r <= 0)
		return r;
	if (program_id && (p->object || p->object_fd >= 0 || p->program)) {
		snprintf(param, sizeof(param), "%sprogramId", where);
		return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
				     json_pack("{s:s}", "parameter", param));
	}
	return program_id ? add_shared(l, j, p, program_id, owner, index)
			  : add_program(l, j, p, owner, where, index);
}

/* Check every program of a list (Replace's, replaceLabel's) before anything is loaded. */
int xd_call_add_programs(struct vl_link *l, struct xd_job *j, json_t *programs, const char *name,
			 const char *label, int index)
{
	char owner[32], where[96], param[160];
	size_t i;
	json_t *e;
	int r;

	xd_call_owner(l, owner, sizeof(owner));
	json_array_foreach(programs, i, e) {
		struct program_entry p = { .prog = PROGRAM_INIT };
		struct vl_error err = {};

		snprintf(where, sizeof(where), "%s[%zu].", name, i);
		if (!json_is_object(e))
			return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
					     json_pack("{s:s}", "parameter", name));
		r = vl_dispatch(e, xd_program_fields, &p, &err);
		if (r < 0 && err.name) {
			const char *key = json_string_value(json_object_get(err.parameters, "parameter"));

			snprintf(param, sizeof(param), "%s%s", where, key ? key : "");
			vl_error_done(&err);
			return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
					     json_pack("{s:s}", "parameter", param));
		}
		if (r < 0)
			return r;
		/* replaceLabel: every program carries the label it replaces. */
		if (label && p.prog.label && strcmp(p.prog.label, label) != 0) {
			snprintf(param, sizeof(param), "%slabel", where);
			return vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
					     json_pack("{s:s}", "parameter", param));
		}
		if (label)
			p.prog.label = label;
		r = xd_call_add_any(l, j, &p.prog, p.program_id, owner, where, index >= 0 ? (unsigned)index : (unsigned)i);
		if (r <= 0)
			return r;
	}
	return 1;
}
