/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maps that programs pin by name (LIBBPF_PIN_BY_NAME) live under
 * <bpffs root>/maps/<owner>/<object>, e.g. maps/uid-1000/filter_bpf_o:
 * the programs of one object file share them as libbpf intends, also
 * across interfaces, and neither two owners' nor two objects' maps ever
 * clash. An owner's directory goes once its owner is known to be gone:
 * no interface (refused ones included) holds an attachment of it, and no
 * program in the kernel uses a map pinned there.
 */
#ifndef XD_MAPS_H
#define XD_MAPS_H

#include <stddef.h>

struct manager;

/* The directory for the maps of owner's object (a path, also
 * /proc/self/fd/N) into buf, created if needed. */
int xd_maps_dir(struct manager *m, const char *owner, const char *object, char *buf,
		size_t len);
/* Remove the directories of owners known to be gone, and empty object
 * directories (a failed attach's). Nothing while an interface is refused
 * or the bpffs root is not ours. Only while no job runs (the caller sees
 * to it), so that none is about to pin into one. */
void xd_maps_gc(struct manager *m);
/* After a failed attach: remove the object directory xd_maps_dir() gave
 * it (dir) and its owner's, if they are empty. */
void xd_maps_dir_drop_if_empty(const char *dir);
/* The same, for the directory xd_maps_dir(m, owner, object) gave. */
void xd_maps_drop_if_empty(struct manager *m, const char *owner, const char *object);
/* After recovery adopted rec: the by-name maps its programs run with whose
 * pins were removed are pinned again where libbpf would look for them. */
struct xd_iface;
void xd_maps_repin(struct manager *m, struct xd_iface *rec);

#endif
