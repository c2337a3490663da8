/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What List shows besides the daemon's own programs: the XDP programs
 * other tools run on an interface (Unmanaged in the IDL), and the maps of
 * a program (Map). Read in the calling thread's network namespace.
 */
#ifndef XD_UNMANAGED_H
#define XD_UNMANAGED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Map ids pinned under the daemon's bpffs root, with their pin paths. */
struct xd_map_pins {
	struct xd_map_pin { uint32_t id; char *path; } *pins;
	size_t n;
};

/* Collect the pins of <bpffs root>/maps/<owner>/<object>/<map>. */
int xd_map_pins_load(struct xd_map_pins *p, const char *bpffs_root);
void xd_map_pins_done(struct xd_map_pins *p);

/* The Map objects of program prog_id (an empty array if it is gone);
 * pins: NULL, or where to find pin paths. */
json_t *xd_prog_maps_json(uint32_t prog_id, const struct xd_map_pins *pins);

/*
 * The Unmanaged objects for interface x (from xl_xdp_dump()): every XDP
 * program there whose id is not in skip (the daemon's own: its entry
 * program and attachments). NULL when there is none; maps: with each
 * program's maps.
 */
struct xl_xdp_iface;
json_t *xd_unmanaged_json(const struct xl_xdp_iface *x, const uint32_t *skip, size_t n_skip,
			  bool maps, const struct xd_map_pins *pins);

#endif
