/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declarative interface files (xdplinkd.interfaces(5)): the programs they
 * name are owned by the configuration ("config:FILE"). They are applied at
 * start, on Reload and SIGHUP, and when a matching interface appears;
 * removing a file and reloading removes its programs. Other owners'
 * attachments on the same interface are never touched.
 */
#ifndef XD_DECLARE_H
#define XD_DECLARE_H

#include <stddef.h>
#include <stdint.h>

struct manager;
struct xd_netconfig;

/* Read the directory; on errors (each logged, the first in err as
 * "FILE:LINE: what") the set in force stays. */
int xd_declare_load(struct manager *m, char *err, size_t errlen);
/* c, read already, becomes the set in force (taken over: c is left empty). */
void xd_declare_set(struct manager *m, struct xd_netconfig *c);
/* Bring every interface in line with the files: one job per interface
 * whose config-owned programs should change (none if they already match). */
void xd_declare_apply_all(struct manager *m);
/* An interface appeared (or was seen with no programs): apply its file. */
void xd_declare_hotplug(struct manager *m, uint64_t cookie, int ifindex, const char *name);
void xd_declare_free(struct manager *m);

#endif
