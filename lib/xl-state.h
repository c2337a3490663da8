/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-revision state file: what the kernel cannot hold about a revision. */
#ifndef XL_STATE_H
#define XL_STATE_H

#include <net/if.h>
#include <stdbool.h>
#include <linux/types.h>

#include "xdplink/xdplink.h"

#define XL_STATE_VERSION 1

struct xl_state {
	__u64 revision;
	__u64 netns_cookie;
	int ifindex;
	enum xl_mode mode;
	bool counters;
	bool direct;		/* degraded mode: the link runs the program itself */
	__u32 next_id;
	size_t n;
	struct xl_attachment att[XL_MAX_PROGS];	/* run order; strings owned */
};

void xl_state_clear(struct xl_state *st);
/* Deep copy; dst must be clear. */
int xl_state_copy(struct xl_state *dst, const struct xl_state *src);

/* Serialise to a malloc'd NUL-terminated JSON text. */
int xl_state_format(const struct xl_state *st, char **ret);
/* -EBADMSG for anything that is not a well-formed state of this version. */
int xl_state_parse(const char *text, struct xl_state *ret);

/* Written to a temporary file, fsynced and renamed into place, so a reader
 * (or recovery after a crash) sees the whole old file or the whole new one. */
int xl_state_write(const char *path, const struct xl_state *st);
int xl_state_read(const char *path, struct xl_state *ret);

#endif
