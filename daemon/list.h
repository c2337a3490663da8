/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * List's answer: the daemon's interfaces, and every other XDP program on
 * the interfaces of the namespaces asked for (unmanaged.h), each entry
 * with its namespace's name.
 */
#ifndef XD_LIST_H
#define XD_LIST_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct manager;

struct xd_list_request {
	uint64_t cookie;	/* the namespace asked for */
	int nsfd;		/* its fd; -EBADF: the daemon's own */
	int ifindex;		/* 0: every interface there */
	const char *ifname;
	/* No namespace and no name given: the daemon's own namespace and
	 * every one it manages an interface in (when it can find it). */
	bool any_netns;
	bool all;		/* interfaces with nothing attached too */
	bool maps;		/* each program's maps */
};

/* The "interfaces" array of List's reply; NULL: out of memory. */
json_t *xd_list(struct manager *m, const struct xd_list_request *q);

#endif
