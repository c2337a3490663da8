/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One apply attempt: what it builds before the commit, shared by xl-apply.c and xl-build.c. */
#ifndef XL_ATTEMPT_H
#define XL_ATTEMPT_H

#include <net/if.h>

#include "xl-dispatcher.h"
#include "xl-internal.h"
#include "xl-plan.h"
#include "xl-prog.h"
#include "xl-undo.h"

/* Everything one apply creates before its commit. */
struct xl_attempt {
	struct xl_plan plan;
	struct xl_prog *progs[XL_MAX_PROGS + 1];	/* by batch addition index */
	int fds[XL_MAX_PROGS];		/* by plan item; owned only when new */
	struct xl_dispatcher *disp;
	int entry_fd;			/* owned */
	int direct_fd;			/* owned: a lone program's plain-XDP twin */
	int counters_fd;		/* owned, when this attempt created the map */
	int link_fd;			/* owned, when this attempt created the link */
	struct xl_state st;
	struct xl_undo undo;
	char ifname[IF_NAMESIZE];
	bool dry_run;			/* build to verify, never commit: touch nothing live */
	/* The caller answers before the cleanup: new programs' twins, unless
	 * one runs alone now, are loaded then (xl_twins_load_pending). */
	bool defer_twins;
	bool twin_deferred[XL_MAX_PROGS];	/* by plan item */
};


void xl_attempt_free(struct xl_attempt **ap);
/* Index of attachment id in the live state, or -1. */
int xl_live_index(const struct xl_iface *iface, __u32 id);
/* Everything up to, not including, the commit (xl-build.c). Every pin and
 * file it creates is in a->undo. */
int xl_build(struct xl_iface *iface, struct xl_attempt *a, struct xl_batch *b, enum xl_mode mode);
/* Copies of an attachment's strings into dst (which owns them then). */
int xl_attachment_dup_strings(struct xl_attachment *dst, const char *name, const char *object,
			      const char *label, const char *owner);
/* After the commit: hand the deferred twins' programs over to iface. */
void xl_twins_defer(struct xl_iface *iface, struct xl_attempt *a);
/* Load and pin the twins left by xl_twins_defer; each one that fails is
 * left out, and its program, alone one day, replaces the entry instead. */
int xl_twins_load_pending(struct xl_iface *iface);
/* Pin fd at path and record it for undo. */
int xl_pin_tracked(struct xl_attempt *a, int fd, const char *path, struct xl_err *err);

#endif
