/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connection-scoped attachments: they live as long as the varlink
 * connection that made them, whatever ends it (exit, crash, kill -9).
 * This is what a process's own fd-based links give it, made to work for
 * a dispatcher that many clients share: when the connection goes, its
 * attachments leave every interface in one swap each.
 */
#ifndef XD_LIFETIME_H
#define XD_LIFETIME_H

#include <stddef.h>
#include <stdint.h>

struct manager;
struct vl_link;
struct xd_iface;

/* After a successful change: ids on rec now belong to l's connection. If
 * it is gone already, they are released at once. */
int xd_lifetime_hold(struct manager *m, struct vl_link *l, struct xd_iface *rec,
		     const uint32_t *ids, size_t n_ids);
/* Forget every holder (at exit: pinned state outlives the daemon, and
 * recovery removes connection-scoped attachments on the next start). */
void xd_lifetime_free_all(struct manager *m);

#endif
