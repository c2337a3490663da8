/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One record per managed interface: its engine object, its job queue and its last view. */
#ifndef XD_IFACE_H
#define XD_IFACE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <net/if.h>

#include "xdplink/xdplink.h"

struct manager;
struct xd_job;

struct xd_iface {
	struct xd_iface *next;
	/* An ifindex means something only within its namespace. */
	uint64_t netns_cookie;
	int ifindex;
	bool foreign;			/* not the daemon's own namespace */
	char name[IF_NAMESIZE];
	/* Owned by the running job's thread while busy, by the main thread otherwise. */
	struct xl_iface *xi;
	bool busy;
	struct xd_job *queue, **queue_tail;
	/* Interface object (without counters) as of the last finished job,
	 * for List while a job runs. */
	json_t *snapshot;
	uint64_t revision;
	bool forgetting;		/* an XD_JOB_FORGET is queued or running */
	unsigned declared_pass;		/* declare.c's last pass that reached it */
	/* Tags List has looked up (main thread only): a program's tag never
	 * changes, and its id is not reused while an fd of ours holds it. */
	struct xd_tag *tags;
	size_t n_tags;
	/* Recovery at start could not take it over: kept, untouched, and shown. */
	struct xd_refusal *refused;
};

/* Why, and what the kernel runs there (read when refused). */
struct xd_refusal {
	char *reason;
	int err;			/* negative errno of the refusal */
	uint32_t prog_id, link_id;
	char prog_name[16];
};

#define XD_ERROR_INTERFACE_REFUSED "io.xdplink.Manager.InterfaceRefused"
#define XD_ERROR_READ_ONLY "io.xdplink.Manager.ReadOnly"

struct xd_tag {
	uint32_t prog_id;
	char tag[17];
};

struct xd_iface *xd_iface_find(struct manager *m, uint64_t netns_cookie, int ifindex);
int xd_iface_get(struct manager *m, uint64_t netns_cookie, int ifindex, const char *name,
		 struct xd_iface **ret);
/* The kernel renamed it: List shows the new name, Monitor says so. */
void xd_iface_renamed(struct manager *m, struct xd_iface *rec, const char *name);
/* Drop the record if nothing is attached and nothing is queued. */
void xd_iface_gc(struct manager *m, struct xd_iface *rec);
void xd_iface_free_all(struct manager *m);
/* Adopt every interface with pinned state: those of our netns, and those
 * of other namespaces that can still be found (netns.h); how many have programs. */
int xd_iface_adopt_all(struct manager *m);

/*
 * The io.xdplink.Manager Interface object for xi. live: with program tags
 * and, when the interface has them, counters; otherwise a snapshot
 * cheap enough to take before a swap's reply. Callable from the thread
 * owning xi; live only from the main thread (it fills rec's tag cache).
 */
json_t *xd_iface_to_json(struct xd_iface *rec, bool live);
/* Attachments as List shows them (without tags or counters), for a
 * Change's reply: a live set or a planned one (xl_iface__planned). */
json_t *xd_attachments_to_json(struct xl_iface *xi, const struct xl_attachment *att, size_t n);
/* The snapshot a worker takes after a swap: rec->name is the main
 * thread's (renames), so the name is left empty for it to fill in. */
json_t *xd_iface_snapshot(struct xd_iface *rec);
/* Keep rec as refused by recovery (err, reason); reads what the kernel runs
 * on it (call in its netns). */
int xd_iface_refuse(struct xd_iface *rec, int err, const char *reason);
/* An adoption took it over: an ordinary record again. */
void xd_iface_clear_refused(struct xd_iface *rec);
/* The refused record's List entry, or NULL when rec is not refused. */
json_t *xd_iface_refused_json(struct xd_iface *rec);
/* Before submitting a change on rec: nonzero when it has been answered
 * (l may be NULL for a oneway call) with InterfaceRefused or ReadOnly. */
struct vl_link;
int xd_iface_check_writable(struct manager *m, struct xd_iface *rec, struct vl_link *l);

/* The record as List shows it: fresh when idle, the snapshot while busy. */
json_t *xd_iface_list_entry(struct xd_iface *rec);

#endif
