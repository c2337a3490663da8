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

/*
 * One GroupInterfaces pattern: "GLOB" or "NETNS/GLOB". Interface names
 * cannot hold a '/', so the first one ends a namespace's name.
 */
struct xd_access_glob {
	char *netns;		/* a name under /run/netns; NULL: see xd_access_ns */
	char *glob;		/* fnmatch(3) pattern on interface names */
};

struct xd_access_limit {
	gid_t gid;
	struct xd_access_glob *globs;
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

/*
 * The namespace a call's interface is in, as GroupInterfaces judges it
 * (issue 12, P4). A plain GLOB matches in the daemon's own namespace and
 * in a namespace the caller passed as an fd and may enter itself
 * (trusted); NETNS/GLOB matches only in /run/netns/NETNS (named). A
 * namespace root made and named, passed by a caller that merely could open
 * it, matches neither. Callbacks are asked only for limited callers.
 */
struct xd_access_ns {
	/* >0: ours or the caller's to enter; 0: not; <0: cannot tell (not). */
	int (*trusted)(void *userdata);
	/* Whether the namespace is /run/netns/name. */
	bool (*named)(const char *name, void *userdata);
	void *userdata;
};

/* xd_access_check() with the namespace judged too. */
int xd_access_check_ns(const struct xd_access *a, const struct xd_caller *c, const char *ifname,
		       const struct xd_access_ns *ns, char *why, size_t whylen);

struct ucred;
/*
 * vl_check_peer_fn over a connection (userdata: the struct xd_access,
 * read at each connect, so a reload applies to new connections at once):
 * 0 when the peer may call anything at all, else -EPERM and why.
 */
int xd_access_check_peer(int fd, const struct ucred *peer, char *why, size_t whylen,
			 void *userdata);

#endif
