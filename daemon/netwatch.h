/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Watching interfaces come and go (rtnetlink, through libnl-route-3) in
 * the daemon's namespace and in every namespace it manages, without
 * holding any of them: one socket in our namespace listens to all
 * namespaces that have an id here (NETLINK_LISTEN_ALL_NSID), and we give
 * each managed namespace such an id. An id does not keep a namespace
 * alive, and its removal (RTM_DELNSID) says the namespace is gone. A
 * slow poll of the links we hold backs the events up.
 */
#ifndef XD_NETWATCH_H
#define XD_NETWATCH_H

#include <stdint.h>

struct manager;

int xd_netwatch_setup(struct manager *m);
void xd_netwatch_free(struct manager *m);
/* Have link events of nsfd's namespace (cookie) reach us; idempotent. */
int xd_netwatch_track(struct manager *m, int nsfd, uint64_t cookie);

#endif
