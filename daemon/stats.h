/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the daemon counts about itself since it started, for the
 * Statistics method (and so xdplink-exporter): revisions, refused
 * changes, error replies by name, and the last recovery. One set per
 * process. Every function may be called from any thread: counters sit
 * behind one mutex (they change a few times per call, not per packet).
 */
#ifndef XD_STATS_H
#define XD_STATS_H

#include <stdint.h>
#include <jansson.h>

struct manager;

/* At most this many distinct error names; later ones count as "other". */
#define XD_STATS_ERROR_NAMES 64

/* The start time (CLOCK_REALTIME) the statistics report; once, early in main(). */
void xd_stats_start(void);
/* An error reply was sent (the varlink server's on_error hook). */
void xd_stats_error(const char *name);
/* A new revision went live on an interface. */
void xd_stats_revision(void);
/* A change (Attach, Detach, Replace, Change, an interface file) committed
 * nothing because it was refused: by its job, its quota, or a refused or
 * read-only interface. */
void xd_stats_change_refused(void);
/* Recovery at start: how long it took, the link updates it made, the
 * interfaces it took over and those it left alone. */
void xd_stats_recovery(uint64_t usec, uint64_t link_updates, unsigned interfaces,
		       unsigned refused);

/* The Statistics reply (new reference), with what m knows now
 * (connections, jobs, link updates); main thread. NULL: out of memory. */
json_t *xd_stats_to_json(struct manager *m);

#endif
