/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [Access] at connect time, for the varlink server's check_peer: a caller
 * the policy refuses outright is answered PermissionDenied and dropped
 * before it costs a buffer (vl-server.h). Per-interface limits
 * (GroupInterfaces) are still judged per call.
 */
#include <errno.h>
#include <sys/socket.h>

#include "access.h"

int xd_access_check_peer(int fd, const struct ucred *peer, char *why, size_t whylen,
			 void *userdata)
{
	const struct xd_access *a = userdata;
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	struct xd_caller c = { .uid = peer->uid, .gid = peer->gid, .pid = peer->pid,
			       .groups = groups };

	/* More than 256 groups: judged by uid and primary group, as per call. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
		c.n_groups = len / sizeof(gid_t);
	return xd_access_check(a, &c, NULL, why, whylen);
}
