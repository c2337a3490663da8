/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may act, from [Access] in the configuration and the caller's
 * credentials (SO_PEERCRED, SO_PEERGROUPS). Pure logic: names are turned
 * into ids by a resolver the caller gives, so tests need no user database.
 */
#ifndef XD_ACCESS_H
#define XD_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct xd_access_limit {
	gid_t gid;
	char **globs;		/* fnmatch(3) patterns on interface names */
	size_t n_globs;
};

struct xd_access {
	uid_t *uids;
	size_t n_uids;
	gid_t *gids;
	size_t n_gids;
	struct xd_access_limit *limits;
	size_t n_limits;
};

struct xd_caller {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	const gid_t *groups;	/* supplementary */
	size_t n_groups;
};

/* A user (group false) or group name to its id; -ENOENT if there is none. */
typedef int (*xd_access_resolver)(const char *name, bool group, uint32_t *ret);
/* The system's user and group database (getpwnam_r, getgrnam_r). */
int xd_access_resolve_system(const char *name, bool group, uint32_t *ret);

/*
 * Build from AllowUsers, AllowGroups and GroupInterfaces. A name that does
 * not resolve is left out and named in warn (it may be created later; the
 * next reload picks it up); a malformed GroupInterfaces entry is -EINVAL
 * with err saying which.
 */
int xd_access_build(struct xd_access *ret, const char *users, const char *groups,
		    const char *limits, xd_access_resolver resolve, char *warn, size_t warnlen,
		    char *err, size_t errlen);
void xd_access_done(struct xd_access *a);

/*
 * 0 when c may act on ifname (NULL: no particular interface, as for List),
 * else -EPERM with why saying what refused it. Root may do anything.
 */
int xd_access_check(const struct xd_access *a, const struct xd_caller *c, const char *ifname,
		    char *why, size_t whylen);

struct ucred;
/*
 * vl_check_peer_fn over a connection (userdata: the struct xd_access,
 * read at each connect, so a reload applies to new connections at once):
 * 0 when the peer may call anything at all, else -EPERM and why.
 */
int xd_access_check_peer(int fd, const struct ucred *peer, char *why, size_t whylen,
			 void *userdata);

#endif
