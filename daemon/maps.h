/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maps that programs pin by name (LIBBPF_PIN_BY_NAME) live under
 * <bpffs root>/maps/<owner>, one directory per owner ("uid-1000",
 * "config-10-x_conf"): an owner's programs share them as libbpf intends,
 * and two owners' maps never clash. A directory goes once its owner has
 * no attachment left anywhere.
 */
#ifndef XD_MAPS_H
#define XD_MAPS_H

#include <stddef.h>

struct manager;

/* The directory for owner's maps into buf, created if needed. */
int xd_maps_dir(struct manager *m, const char *owner, char *buf, size_t len);
/* Remove the directories of owners with no attachment; only while no job
 * runs, so that none is about to pin into one. */
void xd_maps_gc(struct manager *m);

#endif
