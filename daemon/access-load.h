/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who loads programs with the daemon's rights: [Access] PrivilegedLoadUsers/Groups. */
#ifndef XD_ACCESS_LOAD_H
#define XD_ACCESS_LOAD_H

#include "access.h"

/*
 * Whether a caller's programs are loaded unvetted, with the daemon's
 * capabilities: root's always; another caller's only if its uid is in
 * users or its primary or a supplementary group in groups (space-separated
 * names or numeric ids; names resolved each time, so a user created after
 * the start counts). Everyone else's programs are vetted
 * (xl_prog_spec.vet). Pure: resolve is given.
 */
bool xd_access_load_privileged(const char *users, const char *groups, uid_t uid, gid_t gid,
			       const gid_t *sup, size_t n_sup, xd_access_resolver resolve);

#endif
