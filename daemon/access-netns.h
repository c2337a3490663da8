/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GroupInterfaces and namespaces (issue 12, P4): the kernel facts that
 * xd_access_check_ns() asks about a call's namespace. Whether the caller
 * may enter it itself, and whether it is one of the named ones.
 */
#ifndef XD_ACCESS_NETNS_H
#define XD_ACCESS_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "access.h"

struct xd_netns_caller {
	int nsfd;	/* the namespace the caller passed; -EBADF: the daemon's own */
	uid_t uid;	/* the caller's, from SO_PEERCRED */
	pid_t pid;
};

/*
 * 1 when the caller's credentials would let it setns(2) into nsfd, or
 * nsfd is the namespace the caller's process is in; 0 when not.
 * setns() into a network namespace needs CAP_SYS_ADMIN in the user
 * namespace that owns it, which a uid has (from outside) in a user
 * namespace it created, and in all of that one's descendants: so nsfd's
 * owning user namespace, or one of its ancestors below our own, must be
 * owned by uid. Our own (the initial one) never counts: there only root
 * may, and root is not asked.
 */
int xd_netns_caller_may_enter(int nsfd, uid_t uid, pid_t pid);

/* Whether nsfd (-EBADF: this thread's) is the namespace /run/netns/name. */
bool xd_netns_is_named(int nsfd, const char *name);

/* The callbacks of xd_access_check_ns() over c (which must outlive it). */
struct xd_access_ns xd_netns_access_ns(struct xd_netns_caller *c);

#endif
