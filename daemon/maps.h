/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maps that programs pin by name (LIBBPF_PIN_BY_NAME) live under
 * <bpffs root>/maps/<owner>/<object>, e.g. maps/uid-1000/filter_bpf_o:
 * the programs of one object file share them as libbpf intends, also
 * across interfaces, and neither two owners' nor two objects' maps ever
 * clash. An owner's directory goes once it has no attachment left.
 */
#ifndef XD_MAPS_H
#define XD_MAPS_H

#include <stddef.h>

struct manager;

/* The directory for the maps of owner's object (a path, also
 * /proc/self/fd/N) into buf, created if needed. */
int xd_maps_dir(struct manager *m, const char *owner, const char *object, char *buf,
		size_t len);
/* Remove the directories of owners with no attachment. Only while no job
 * runs (the caller, job.c, sees to it), so that none is about to pin into one. */
void xd_maps_gc(struct manager *m);

#endif
