/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnetlink events: deletions, moves and renames of managed interfaces, new ones for hotplug. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "declare.h"
#include "iface.h"
#include "job.h"
#include "log.h"
#include "manager.h"
#include "netwatch.h"

#ifndef NETLINK_LISTEN_ALL_NSID
#define NETLINK_LISTEN_ALL_NSID 8
#endif

struct xd_nsid {
	int nsid;
	uint64_t cookie;
};

#define GONE_CHECK_USEC (1000ULL * 1000ULL)
/* Interfaces the poll checks per tick, so that 1,000 of them cost the main
 * loop 64 syscalls a second, not 1,000 in one go. */
#define GONE_CHECK_BATCH 64

struct xd_netwatch {
	struct nl_sock *events;		/* in our netns, listening to all with an id */
	struct nl_sock *requests;	/* RTM_NEWNSID / RTM_GETNSID */
	sd_event_source *src;
	struct xd_nsid *ids;
	size_t n_ids;
	sd_event_source *gone_src;	/* polls for devices that vanished */
	/* Where the poll goes on at its next tick: the last record it checked. */
	struct {
		bool set, foreign;
		uint64_t cookie;
		int ifindex;
	} gone_cursor;
};

static uint64_t cookie_of_nsid(const struct xd_netwatch *w, int nsid)
{
	for (size_t i = 0; i < w->n_ids; i++)
		if (w->ids[i].nsid == nsid)
			return w->ids[i].cookie;
	return 0;
}

static void forget_done(struct xd_job *j, void *userdata)
{
	/* Gone either way; if the cleanup failed, a restart's recovery retries. */
	j->rec->revision = 0;
	j->rec->forgetting = false;
	manager_job_done(j, userdata);
}

/* A managed interface's device left: deleted (its link is defunct) or
 * moved to another namespace (its link lives on there). */
static void link_left(struct manager *m, uint64_t cookie, int ifindex, bool ns_gone)
{
	struct xd_iface *rec = xd_iface_find(m, cookie, ifindex);
	struct xd_job *j;

	if (rec && rec->refused && !rec->busy && !rec->queue) {
		/* Nothing of ours ran there; its pins wait for the next start's
		 * recovery, which removes them once their link is defunct. */
		log_iface(LOG_NOTICE, rec->name, 0, "%s, which recovery refused, %s; its pins "
			  "and state stay until the next start", rec->name,
			  ns_gone ? "went with its namespace" : "is gone");
		xd_iface_clear_refused(rec);
		xd_iface_gc(m, rec);
		return;
	}
	if (!rec || rec->revision == 0 || rec->forgetting)
		return;
	j = xd_job_new(m, XD_JOB_FORGET);
	if (!j) {
		log_oom();
		return;
	}
	j->old_revision = rec->revision;
	j->ns_gone = ns_gone;
	j->done = forget_done;
	j->userdata = m;
	rec->forgetting = true;
	xd_job_submit(m->jobs, rec, j);
}

static void link_seen(struct manager *m, uint64_t cookie, int ifindex, const char *name)
{
	struct xd_iface *rec = xd_iface_find(m, cookie, ifindex);

	if (rec && name && strcmp(rec->name, name) != 0) {
		log_iface(LOG_INFO, name, rec->revision, "%s was renamed %s; its programs stay",
			  rec->name, name);
		xd_iface_renamed(m, rec, name);
	}
	if (name)
		xd_declare_hotplug(m, cookie, ifindex, name);
}

static void on_link(struct manager *m, struct nlmsghdr *h, uint64_t cookie)
{
	struct nl_msg *msg = nlmsg_convert(h);
	struct ifinfomsg *ifi = nlmsg_data(h);
	struct nlattr *name;

	if (!msg)
		return;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi))) {
		nlmsg_free(msg);
		return;
	}
	name = nlmsg_find_attr(h, sizeof(*ifi), IFLA_IFNAME);
	if (h->nlmsg_type == RTM_DELLINK)
		link_left(m, cookie, ifi->ifi_index, false);
	else
		link_seen(m, cookie, ifi->ifi_index, name ? nla_get_string(name) : NULL);
	nlmsg_free(msg);
}

static void on_nsid(struct manager *m, struct nlmsghdr *h)
{
	struct xd_netwatch *w = m->netwatch;
	struct nlattr *a = nlmsg_find_attr(h, sizeof(struct rtgenmsg), NETNSA_NSID);
	uint64_t cookie;
	int nsid;

	if (!a || h->nlmsg_type != RTM_DELNSID)
		return;
	nsid = (int)nla_get_s32(a);
	cookie = cookie_of_nsid(w, nsid);
	if (!cookie)
		return;
	log_info("Network namespace %" PRIu64 " is gone", cookie);
	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next)
		if (rec->netns_cookie == cookie)
			link_left(m, cookie, rec->ifindex, true);
	for (size_t i = 0; i < w->n_ids; i++)
		if (w->ids[i].nsid == nsid)
			w->ids[i] = w->ids[--w->n_ids];
}

/* The namespace a message came from: the nsid in its control data, when
 * it is not ours. 0: one we do not manage. */
static uint64_t sender_cookie(struct manager *m, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID)
			return cookie_of_nsid(m->netwatch, *(int *)CMSG_DATA(c));
	return m->self_cookie;
}

static int on_readable(sd_event_source *s _unused_, int fd, uint32_t revents _unused_,
		       void *userdata)
{
	struct manager *m = userdata;
	static char buf[64 * 1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	char ctl[CMSG_SPACE(sizeof(int))];

	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
				     .msg_controllen = sizeof(ctl) };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
		uint64_t cookie;

		if (n < 0 && errno == ENOBUFS) {
			/* Events were lost: let the poll and a full pass catch up. */
			log_warning("rtnetlink events were dropped; rechecking every interface");
			xd_declare_apply_all(m);
			continue;
		}
		if (n <= 0)
			return 0;
		cookie = sender_cookie(m, &mh);
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (!cookie)
				continue;
			if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
				on_link(m, h, cookie);
			else if (h->nlmsg_type == RTM_NEWNSID || h->nlmsg_type == RTM_DELNSID)
				on_nsid(m, h);
		}
	}
}

/* A device that vanished takes its programs with it, and leaves its link
 * defunct (ifindex 0): that, not the name, tells, because a new device
 * may take the old number, and another namespace's names are not ours. */
static bool rec_gone(const struct xd_iface *rec)
{
	return rec->xi && xl_iface__link_ifindex(rec->xi) == 0;
}

/* Whether rec comes after the poll's cursor in m->ifaces' order (iface.c). */
static bool after_gone_cursor(const struct xd_netwatch *w, const struct xd_iface *rec)
{
	if (!w->gone_cursor.set)
		return true;
	if (rec->foreign != w->gone_cursor.foreign)
		return rec->foreign;
	if (rec->netns_cookie != w->gone_cursor.cookie)
		return rec->netns_cookie > w->gone_cursor.cookie;
	return rec->ifindex > w->gone_cursor.ifindex;
}

/*
 * rtnetlink tells of deletions as they happen; this poll is the backstop
 * for lost events and namespaces without an nsid. It checks
 * GONE_CHECK_BATCH records a tick, round the list, resuming by key
 * because records come and go between ticks.
 */
static int on_gone_check(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	struct xd_netwatch *w = m->netwatch;
	struct xd_iface *rec = m->ifaces, *next;
	unsigned checked = 0;

	while (rec && !after_gone_cursor(w, rec))
		rec = rec->next;
	if (!rec)
		rec = m->ifaces;	/* round again */
	for (; rec && checked < GONE_CHECK_BATCH; rec = next, checked++) {
		next = rec->next;
		w->gone_cursor.set = true;
		w->gone_cursor.foreign = rec->foreign;
		w->gone_cursor.cookie = rec->netns_cookie;
		w->gone_cursor.ifindex = rec->ifindex;
		/* xi is the worker's while busy; a queued job looks for itself. */
		if (!rec->busy && !rec->queue && rec_gone(rec))
			link_left(m, rec->netns_cookie, rec->ifindex, false);
	}
	if (!rec)
		w->gone_cursor.set = false;	/* the end: the next tick starts over */
	return sd_event_source_set_time(s, usec + GONE_CHECK_USEC);
}

int xd_netwatch_setup(struct manager *m)
{
	struct xd_netwatch *w = calloc(1, sizeof(*w));
	int one = 1, r;

	if (!w)
		return log_oom();
	m->netwatch = w;
	w->events = nl_socket_alloc();
	w->requests = nl_socket_alloc();
	if (!w->events || !w->requests)
		return log_oom();
	nl_socket_disable_seq_check(w->events);
	r = nl_connect(w->events, NETLINK_ROUTE);
	if (r == 0)
		r = nl_connect(w->requests, NETLINK_ROUTE);
	if (r == 0)
		r = nl_socket_add_memberships(w->events, RTNLGRP_LINK, RTNLGRP_NSID, 0);
	if (r < 0)
		return log_error_errno(-EIO, "Cannot watch rtnetlink: %s", nl_geterror(r));
	if (setsockopt(nl_socket_get_fd(w->events), SOL_NETLINK, NETLINK_LISTEN_ALL_NSID,
		       &one, sizeof(one)) < 0)
		return log_error_errno(-errno, "Cannot listen to other namespaces' links: %m");
	(void)nl_socket_set_buffer_size(w->events, 4 * 1024 * 1024, 0);
	r = sd_event_add_io(m->event, &w->src, nl_socket_get_fd(w->events), EPOLLIN,
			    on_readable, m);
	if (r < 0)
		return log_error_errno(r, "Cannot watch rtnetlink: %m");
	r = sd_event_add_time_relative(m->event, &w->gone_src, CLOCK_MONOTONIC, GONE_CHECK_USEC,
				       0, on_gone_check, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(w->gone_src, SD_EVENT_ON);
	if (r < 0)
		return log_error_errno(r, "Failed to set up the device watch: %m");
	return 0;
}

void xd_netwatch_free(struct manager *m)
{
	struct xd_netwatch *w = m->netwatch;

	if (!w)
		return;
	sd_event_source_disable_unref(w->src);
	sd_event_source_disable_unref(w->gone_src);
	nl_socket_free(w->events);
	nl_socket_free(w->requests);
	free(w->ids);
	free(w);
	m->netwatch = NULL;
}

/* RTM_NEWNSID (allocate) or RTM_GETNSID (read) for nsfd; the reply's id. */
static int nsid_request(struct xd_netwatch *w, int type, int nsfd, int *ret)
{
	struct rtgenmsg g = { .rtgen_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(type, type == RTM_NEWNSID ? NLM_F_ACK : 0);
	struct nlmsghdr *reply = NULL;
	struct sockaddr_nl peer;
	struct nlattr *a;
	int r, n;

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, NETNSA_FD, (uint32_t)nsfd) < 0 ||
	    (type == RTM_NEWNSID && nla_put_s32(msg, NETNSA_NSID, -1) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	r = nl_send_auto(w->requests, msg);
	nlmsg_free(msg);
	if (r < 0)
		return -EIO;
	if (type == RTM_NEWNSID) {
		r = nl_wait_for_ack(w->requests);
		return r == -NLE_EXIST ? 0 : r < 0 ? -EIO : 0;
	}
	n = nl_recv(w->requests, &peer, (unsigned char **)&reply, NULL);
	if (n <= 0)
		return -EIO;
	r = -ENOENT;
	if (reply->nlmsg_type == RTM_NEWNSID) {
		a = nlmsg_find_attr(reply, sizeof(struct rtgenmsg), NETNSA_NSID);
		if (a && nla_get_s32(a) >= 0) {
			*ret = (int)nla_get_s32(a);
			r = 0;
		}
	}
	free(reply);
	return r;
}

int xd_netwatch_track(struct manager *m, int nsfd, uint64_t cookie)
{
	struct xd_netwatch *w = m->netwatch;
	struct xd_nsid *grown;
	int nsid, r;

	if (!w || cookie == m->self_cookie)
		return 0;
	for (size_t i = 0; i < w->n_ids; i++)
		if (w->ids[i].cookie == cookie)
			return 0;
	r = nsid_request(w, RTM_NEWNSID, nsfd, &nsid);
	if (r == 0)
		r = nsid_request(w, RTM_GETNSID, nsfd, &nsid);
	if (r < 0)
		return log_warning_errno(r, "Cannot watch network namespace %" PRIu64
					 " (no nsid); the poll still notices its devices going: %m",
					 cookie);
	grown = reallocarray(w->ids, w->n_ids + 1, sizeof(*grown));
	if (!grown)
		return log_oom();
	w->ids = grown;
	w->ids[w->n_ids++] = (struct xd_nsid){ nsid, cookie };
	return 0;
}
