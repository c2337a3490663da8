/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monitor subscribers: open "more" calls that receive one reply per event. */
#ifndef XD_MONITOR_H
#define XD_MONITOR_H

#include <stdint.h>

#include <jansson.h>

struct manager;
struct vl_link;

/* Subscribe l to events of ifindex in the netns of cookie (ifindex 0: all
 * interfaces of every netns) until it hangs up. */
int xd_monitor_add(struct manager *m, struct vl_link *l, uint64_t cookie, int ifindex);
/* Send event (an Event object, taken over) to every matching subscriber. */
void xd_monitor_emit(struct manager *m, uint64_t cookie, int ifindex, json_t *event);
/* At exit: end every stream. */
void xd_monitor_free_all(struct manager *m);

#endif
