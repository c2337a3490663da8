/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The steps every io.xdplink.Manager handler that changes an interface
 * shares (varlink-manager.c, varlink-programs.c, varlink-change.c). Those
 * returning int return nonzero once the call has been answered (refused),
 * or a negative errno for the protocol layer to answer; the add_ ones
 * return 1 when the program went into the job, else the same.
 */
#ifndef XD_VARLINK_CALL_H
#define XD_VARLINK_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "job.h"
#include "params.h"

struct manager;
struct vl_link;
struct xd_job;

/* Where a call's interface lives: nsfd -EBADF for our own namespace. */
struct xd_target {
	int nsfd;
	uint64_t cookie;
	int ifindex;
};

void xd_target_done(struct xd_target *t);

/* [Access] before the namespace is known; then xd_call_resolve() resolves
 * the namespace and interface and checks [Access] there. */
int xd_call_authorize(struct vl_link *l, struct manager *m, const char *method,
		      const char *ifname);
int xd_call_resolve(struct vl_link *l, struct manager *m, const char *method,
		    const struct netns_params *ns, const char *ifname, struct xd_target *t);
/* PermissionDenied, logged with the caller's credentials. */
int xd_call_deny(struct vl_link *l, const char *what);
int xd_call_invalid(struct vl_link *l, const char *param);
bool xd_call_is_root(struct vl_link *l);
/* "uid:<n>" of the caller. */
void xd_call_owner(struct vl_link *l, char *buf, size_t len);
/* "uid=U pid=P unit=\"U\"" of the caller, escaped, for the log (audit.h). */
void xd_call_caller(struct vl_link *l, char *buf, size_t len);

/*
 * What every change takes once its parameters are checked: the target
 * (xd_call_resolve()), a job of type for it, and room in the caller's
 * MaxJobsPerUser. 0 with *ret_job set; else the call has been answered
 * (1), or -errno is left to the dispatcher. Then the job's steps.
 */
int xd_call_start(struct vl_link *l, struct manager *m, const char *method, unsigned flags,
		  const struct netns_params *ns, const char *ifname, enum xd_job_type type,
		  struct xd_target *t, struct xd_job **ret_job);
/* Callers other than root: the job's scope is their own attachments. */
int xd_call_scope(struct vl_link *l, struct xd_job *j);
/* lifetime "connection": the additions go with the calling connection. */
void xd_call_hold(struct xd_job *j, struct vl_link *l, bool connection);
/* Queue j on the interface (it answers from then on); takes t's fd. */
int xd_call_submit(struct manager *m, const char *ifname, struct xd_target *t, struct xd_job *j);

/* One program (from object, objectFd, or programId when nonzero) as
 * operations[index]; where prefixes parameter names ("programs[2]."). */
int xd_call_add_any(struct vl_link *l, struct xd_job *j, const struct program_params *p,
		    uint32_t program_id, const char *owner, const char *where, unsigned index);
/* A Program list, named name in errors; label: each must carry it (NULL
 * or equal; replaceLabel). index < 0: program k is operations[k]. */
int xd_call_add_programs(struct vl_link *l, struct xd_job *j, json_t *programs, const char *name,
			 const char *label, int index);

/* Change (varlink-change.c). */
int xd_method_change(struct vl_link *l, json_t *parameters, unsigned flags, void *userdata);

#endif
