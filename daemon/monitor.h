/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monitor subscribers: open "more" calls that receive one reply per event. */
#ifndef XD_MONITOR_H
#define XD_MONITOR_H

#include <jansson.h>

struct manager;
struct vl_link;

/* Subscribe l to events of ifindex (0: all interfaces) until it hangs up. */
int xd_monitor_add(struct manager *m, struct vl_link *l, int ifindex);
/* Send event (an Event object, taken over) to every matching subscriber. */
void xd_monitor_emit(struct manager *m, int ifindex, json_t *event);
/* At exit: end every stream. */
void xd_monitor_free_all(struct manager *m);

#endif
