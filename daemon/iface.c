/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Managed interface records: lookup, lifecycle and adoption at start. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "audit.h"
#include "iface.h"
#include "job.h"
#include "log.h"
#include "maps.h"
#include "manager.h"
#include "monitor.h"
#include "netns.h"
#include "netwatch.h"
#include "xl-escape.h"

struct xd_iface *xd_iface_find(struct manager *m, uint64_t netns_cookie, int ifindex)
{
	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next)
		if (rec->netns_cookie == netns_cookie && rec->ifindex == ifindex)
			return rec;
	return NULL;
}

/* Own namespace first, then by cookie; by ifindex within each, so that List is stable. */
static bool goes_before(const struct xd_iface *a, bool foreign, uint64_t cookie, int ifindex)
{
	if (a->foreign != foreign)
		return !a->foreign;
	if (a->netns_cookie != cookie)
		return a->netns_cookie < cookie;
	return a->ifindex < ifindex;
}

int xd_iface_get(struct manager *m, uint64_t netns_cookie, int ifindex, const char *name,
		 struct xd_iface **ret)
{
	struct xd_iface *rec = xd_iface_find(m, netns_cookie, ifindex), **p;

	if (!rec) {
		rec = calloc(1, sizeof(*rec));
		if (!rec)
			return -ENOMEM;
		rec->netns_cookie = netns_cookie;
		rec->foreign = netns_cookie != m->self_cookie;
		rec->ifindex = ifindex;
		rec->queue_tail = &rec->queue;
		for (p = &m->ifaces; *p && goes_before(*p, rec->foreign, netns_cookie, ifindex);
		     p = &(*p)->next)
			;
		rec->next = *p;
		*p = rec;
	}
	if (name)
		snprintf(rec->name, sizeof(rec->name), "%s", name);
	*ret = rec;
	return 0;
}

void xd_iface_renamed(struct manager *m, struct xd_iface *rec, const char *name)
{
	char old[IF_NAMESIZE];

	snprintf(old, sizeof(old), "%s", rec->name);
	snprintf(rec->name, sizeof(rec->name), "%s", name);
	if (rec->snapshot)
		json_object_set_new(rec->snapshot, "name", json_string(name));
	xd_monitor_emit(m, rec->netns_cookie, rec->ifindex,
			json_pack("{s:s,s:s,s:s,s:i,s:I,s:I,s:I,s:[],s:[]}", "type", "interfaceRenamed",
				  "interface", name, "previousName", old, "ifindex", rec->ifindex,
				  "netnsCookie", (json_int_t)rec->netns_cookie,
				  "revision", (json_int_t)rec->revision,
				  "previousRevision", (json_int_t)rec->revision, "added", "removed"));
}

static void iface_free(struct xd_iface *rec)
{
	assert(!rec->busy);
	xl_iface__free(rec->xi);
	json_decref(rec->snapshot);
	free(rec->tags);
	xd_iface_clear_refused(rec);
	free(rec);
}

void xd_iface_gc(struct manager *m, struct xd_iface *rec)
{
	if (rec->busy || rec->queue || rec->refused || (rec->xi && xl_iface__revision(rec->xi) > 0))
		return;
	for (struct xd_iface **p = &m->ifaces; *p; p = &(*p)->next)
		if (*p == rec) {
			*p = rec->next;
			break;
		}
	iface_free(rec);
}

/* Only at exit, once no job runs: queued jobs die with their callers' replies. */
void xd_iface_free_all(struct manager *m)
{
	while (m->ifaces) {
		struct xd_iface *rec = m->ifaces;

		m->ifaces = rec->next;
		xd_job_free_queue(rec);
		iface_free(rec);
	}
}

/*
 * Connection-scoped attachments whose daemon died took their connections
 * with it: none can come back, so they go before anyone is answered.
 */
static void batch_freep(struct xl_batch **b)
{
	xl_batch__free(*b);
}

static void drop_orphaned(struct xd_iface *rec)
{
	_cleanup_(batch_freep) struct xl_batch *b = xl_batch__new();
	struct xl_apply_opts opts = { .sz = sizeof(opts) };
	const struct xl_attachment *att;
	uint32_t ids[XL_MAX_PROGS + 1];
	char line[4096], name[4 * IF_NAMESIZE + 1];
	json_t *before;
	size_t n, k = 0;
	int r;

	if (!b)
		return;
	att = xl_iface__attachments(rec->xi, &n);
	for (size_t i = 0; i < n; i++)
		if (att[i].connection && k < ELEMENTSOF(ids) && xl_batch__remove(b, att[i].id) == 0)
			ids[k++] = att[i].id;
	if (k == 0)
		return;
	/* What they were, for the log: the apply frees att. */
	before = xd_attachments_to_json(rec->xi, att, n);
	opts.mode = xl_iface__mode(rec->xi);
	opts.counters = xl_iface__counters_enabled(rec->xi);
	r = xl_iface__apply(rec->xi, b, &opts);
	if (r < 0) {
		log_iface_errno(LOG_ERR, r, rec->name, "%s: cannot remove %zu connection-scoped "
				"programs left by the last run: %s", rec->name, k,
				xl_iface__last_error(rec->xi));
	} else {
		snprintf(line, sizeof(line), "%s: removed %zu connection-scoped programs whose "
			 "connections died with the last run, by the daemon at start",
			 xl_escape(rec->name, name, sizeof(name)), k);
		xd_audit_programs(line, sizeof(line), "removed", ids, k, before);
		log_escaped(LOG_INFO, 0, rec->name, xl_iface__revision(rec->xi), line);
	}
	json_decref(before);
}

/* Open one interface of the calling thread's netns and keep it if it has
 * programs; 1 if it has. */
static int adopt_one(struct manager *m, uint64_t cookie, int ifindex, const char *name)
{
	struct xd_iface *rec;
	bool live;
	int r;

	r = xd_iface_get(m, cookie, ifindex, name, &rec);
	if (r < 0) {
		log_oom();
		return 0;
	}
	r = xl_iface__open(m->engine, rec->ifindex, &rec->xi);
	if (r < 0) {
		/* One broken interface must not keep the others unmanaged. Nothing
		 * of it was removed: keep it in sight, refused, until adopted. */
		log_iface_errno(LOG_ERR, r, name, "Cannot adopt %s, leaving it as it is: %s", name,
				xl_engine__last_error(m->engine));
		if (r != -ENOMEM && xd_iface_refuse(rec, r, xl_engine__last_error(m->engine)) < 0)
			log_oom();
		xd_iface_gc(m, rec);
		return 0;
	}
	drop_orphaned(rec);
	xd_maps_repin(m, rec);
	rec->revision = xl_iface__revision(rec->xi);
	rec->snapshot = xd_iface_to_json(rec, false);
	if (rec->revision)
		log_iface(LOG_INFO, name, rec->revision, "Adopted %s%s at revision %llu", name,
			  rec->foreign ? " (in another network namespace)" : "",
			  (unsigned long long)rec->revision);
	live = rec->revision > 0;
	xd_iface_gc(m, rec);
	return live;
}

/* At start, names come from one dump per namespace (if_nameindex()), not
 * from a socket and an ioctl per interface (if_indextoname()). */
static const char *name_in(const struct if_nameindex *ni, int ifindex)
{
	for (; ni && ni->if_index; ni++)
		if ((int)ni->if_index == ifindex)
			return ni->if_name;
	return NULL;
}

/* Adopt ids[0..n) of the namespace the calling thread is in. */
static unsigned adopt_here(struct manager *m, const struct xl_iface_id *ids, size_t n)
{
	struct if_nameindex *ni = if_nameindex();
	unsigned adopted = 0;

	if (!ni) {
		log_warning_errno(-errno, "Cannot list the interfaces of network namespace %" PRIu64
				  ": %m", (uint64_t)ids[0].netns_cookie);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = name_in(ni, ids[i].ifindex);

		if (name)	/* else gone: recovery cleaned it */
			adopted += adopt_one(m, ids[i].netns_cookie, ids[i].ifindex, name);
	}
	if_freenameindex(ni);
	return adopted;
}

static int by_cookie(const void *a, const void *b)
{
	const struct xl_iface_id *x = a, *y = b;

	return x->netns_cookie < y->netns_cookie ? -1 : x->netns_cookie > y->netns_cookie;
}

/*
 * The interfaces ids[0..n) of one other namespace: it is looked for once
 * (a scan of /run/netns and /proc) and entered once for all of them.
 * Startup is single-threaded: entering another namespace here is safe.
 */
static unsigned adopt_foreign(struct manager *m, const struct xl_iface_id *ids, size_t n)
{
	_cleanup_close_ int nsfd = xd_netns_find(ids[0].netns_cookie, m->self_netns_fd);
	unsigned adopted;

	if (nsfd < 0) {
		log_warning("%zu interfaces of network namespace %" PRIu64 " have programs, but "
			    "no process or /run/netns entry holds that namespace; leaving them as "
			    "they are", n, (uint64_t)ids[0].netns_cookie);
		return 0;
	}
	(void)xd_netwatch_track(m, nsfd, ids[0].netns_cookie);
	if (xd_netns_enter(nsfd) < 0)
		return 0;
	adopted = adopt_here(m, ids, n);
	xd_netns_leave(m->self_netns_fd);
	return adopted;
}

int xd_iface_adopt_all(struct manager *m)
{
	_cleanup_free_ struct xl_iface_id *ids = calloc(4096, sizeof(*ids));
	unsigned adopted = 0;
	size_t n, run;
	int r;

	if (!ids)
		return log_oom();
	if (xl_engine__root_changed(m->engine))
		log_error("Read-only: List works, every change is refused: %s",
			  xl_engine__root_changed(m->engine));
	r = xl_engine__all_interfaces(m->engine, ids, 4096, &n);
	if (r < 0)
		return log_error_errno(r, "Failed to list interfaces under %s: %s",
				       m->config.bpffs_root, xl_engine__last_error(m->engine));
	if (n > 4096) {
		log_warning("%zu interfaces have state; adopting the first 4096", n);
		n = 4096;
	}
	qsort(ids, n, sizeof(*ids), by_cookie);
	for (size_t i = 0; i < n; i += run) {
		for (run = 1; i + run < n && ids[i + run].netns_cookie == ids[i].netns_cookie; run++)
			;
		if (ids[i].netns_cookie != m->self_cookie)
			adopted += adopt_foreign(m, &ids[i], run);
		else
			adopted += adopt_here(m, &ids[i], run);
	}
	return (int)adopted;
}

