/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxdplink-client: what its files share and do not export. */
#ifndef XLC_INTERNAL_H
#define XLC_INTERNAL_H

#include <jansson.h>
#include <linux/types.h>

/* -ENOENT for "ENOENT"; 0 for a name glibc does not know. */
int xlc_errno_from_name(const char *name);

/* ["pass", ...] for an XL_ACTION() mask ([] for XL_ACTIONS_NONE); NULL: no memory. */
json_t *xlc_actions_json(__u32 mask);

#endif
