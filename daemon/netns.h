/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network namespaces the daemon works in on a caller's behalf. A thread
 * enters one only for the kernel calls that resolve names or ifindexes
 * there (link creation, if_nametoindex) and always comes back. Nothing
 * here keeps a namespace open longer than a request: a held fd would
 * keep a container's namespace, and its veth, alive after its deletion.
 */
#ifndef XD_NETNS_H
#define XD_NETNS_H

#include <stdint.h>

/* Cookie of the calling thread's netns: unique for the boot, never reused. */
int xd_netns_cookie_here(uint64_t *ret);
/* -EINVAL unless fd is a network namespace (NS_GET_NSTYPE). */
int xd_netns_check_fd(int fd);
/* Open a namespace by path (absolute), by name under /run/netns, or by pid. */
int xd_netns_open_path(const char *path);
int xd_netns_open_pid(int pid);

/* Enter nsfd on this thread; xd_netns_leave() returns to self_fd and
 * aborts if it cannot: a thread left in a caller's namespace would do
 * every later request's work in the wrong place. */
int xd_netns_enter(int nsfd);
void xd_netns_leave(int self_fd);

/* In nsfd: its cookie and, when ifname is given, the ifindex of ifname
 * (-ENODEV if it has none). */
int xd_netns_resolve(int nsfd, int self_fd, const char *ifname, uint64_t *ret_cookie,
		     int *ret_ifindex);
/* The name of ifindex in nsfd, into buf (IF_NAMESIZE). */
int xd_netns_ifname(int nsfd, int self_fd, int ifindex, char *buf);

/* Find a namespace by its cookie among the named ones (/run/netns) and
 * those of running processes; returns an fd the caller closes, or -ENOENT. */
int xd_netns_find(uint64_t cookie, int self_fd);

#endif
