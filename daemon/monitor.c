/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monitor subscribers: open "more" calls that receive one reply per event. */
#include <errno.h>
#include <stdlib.h>

#include "log.h"
#include "manager.h"
#include "monitor.h"
#include "vl-server.h"

struct xd_monitor {
	struct xd_monitor *next;
	struct manager *m;
	struct vl_link *link;
	uint64_t cookie;
	int ifindex;
};

static void on_disconnect(struct vl_link *l, void *userdata);

static void monitor_unlink(struct xd_monitor *mon)
{
	for (struct xd_monitor **p = &mon->m->monitors; *p; p = &(*p)->next)
		if (*p == mon) {
			*p = mon->next;
			break;
		}
	vl_link_remove_disconnect_callback(mon->link, on_disconnect, mon);
	vl_link_unref(mon->link);
	free(mon);
}

static void on_disconnect(struct vl_link *l _unused_, void *userdata)
{
	monitor_unlink(userdata);
}

int xd_monitor_add(struct manager *m, struct vl_link *l, uint64_t cookie, int ifindex)
{
	struct xd_monitor *mon = calloc(1, sizeof(*mon));
	int r;

	if (!mon)
		return -ENOMEM;
	mon->m = m;
	mon->link = vl_link_ref(l);
	mon->cookie = cookie;
	mon->ifindex = ifindex;
	mon->next = m->monitors;
	m->monitors = mon;
	r = vl_link_add_disconnect_callback(l, on_disconnect, mon);
	if (r < 0)
		monitor_unlink(mon);
	return r;
}

void xd_monitor_emit(struct manager *m, uint64_t cookie, int ifindex, json_t *event)
{
	struct xd_monitor *mon = m->monitors, *next;

	for (; mon; mon = next) {
		next = mon->next;
		if (mon->ifindex && (mon->ifindex != ifindex || mon->cookie != cookie))
			continue;
		/* A subscriber that stopped reading is dropped by the server;
		 * its disconnect callback unlinks it. */
		(void)vl_link_reply_more(mon->link, json_pack("{s:O}", "event", event));
	}
	json_decref(event);
}

void xd_monitor_free_all(struct manager *m)
{
	while (m->monitors)
		monitor_unlink(m->monitors);
}
