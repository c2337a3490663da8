/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Connection-scoped attachments, released by a job per interface when their connection closes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit.h"
#include "audit-job.h"
#include "iface.h"
#include "job.h"
#include "lifetime.h"
#include "log.h"
#include "manager.h"
#include "varlink-call.h"
#include "vl-server.h"

struct xd_hold {
	uint64_t cookie;
	int ifindex;
	uint32_t id;
};

struct xd_conn {
	struct xd_conn *next;
	struct manager *m;
	struct vl_link *link;
	struct xd_hold *holds;
	size_t n_holds;
	/* Who it was, read while it was alive: the log names it on release. */
	char caller[XD_AUDIT_CALLER_MAX];
};

static void on_disconnect(struct vl_link *l, void *userdata);

static void conn_unlink(struct xd_conn *c)
{
	for (struct xd_conn **p = &c->m->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	vl_link_remove_disconnect_callback(c->link, on_disconnect, c);
	vl_link_unref(c->link);
	free(c->holds);
	free(c);
}

/* One release job per interface, with every id the connection held there. */
static void release_iface(struct xd_conn *c, size_t first)
{
	const struct xd_hold *h = &c->holds[first];
	struct xd_iface *rec = xd_iface_find(c->m, h->cookie, h->ifindex);
	struct xd_job *j;

	if (!rec)
		return;		/* detached and forgotten meanwhile */
	j = xd_job_new(c->m, XD_JOB_RELEASE);
	if (!j) {
		log_oom();
		return;
	}
	/* Those still attached go, in one swap, when the job runs. */
	for (size_t i = first; i < c->n_holds; i++)
		if (c->holds[i].cookie == h->cookie && c->holds[i].ifindex == h->ifindex &&
		    xd_job_add_op(j, (struct xd_op){ .kind = XD_OP_RELEASE,
						     .id = c->holds[i].id }) < 0) {
			log_oom();
			xd_job_free(j);
			return;
		}
	snprintf(j->caller, sizeof(j->caller), "the closed connection of %s", c->caller);
	xd_audit_release_queued(rec, j->n_ops, c->caller);
	j->done = manager_job_done;
	j->userdata = c->m;
	xd_job_submit(c->m->jobs, rec, j);
}

static void conn_release(struct xd_conn *c)
{
	for (size_t i = 0; i < c->n_holds; i++) {
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = c->holds[k].cookie == c->holds[i].cookie &&
			       c->holds[k].ifindex == c->holds[i].ifindex;
		if (!seen)
			release_iface(c, i);
	}
	conn_unlink(c);
}

static void on_disconnect(struct vl_link *l _unused_, void *userdata)
{
	struct xd_conn *c = userdata;

	if (c->m->exiting)
		conn_unlink(c);	/* the next start's recovery removes them */
	else
		conn_release(c);
}

static struct xd_conn *conn_get(struct manager *m, struct vl_link *l)
{
	struct xd_conn *c;

	for (c = m->conns; c; c = c->next)
		if (c->link == l)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->m = m;
	c->link = vl_link_ref(l);
	xd_call_caller(l, c->caller, sizeof(c->caller));
	if (vl_link_add_disconnect_callback(l, on_disconnect, c) < 0) {
		vl_link_unref(c->link);
		free(c);
		return NULL;
	}
	c->next = m->conns;
	m->conns = c;
	return c;
}

int xd_lifetime_hold(struct manager *m, struct vl_link *l, struct xd_iface *rec,
		     const uint32_t *ids, size_t n_ids)
{
	struct xd_conn *c;
	struct xd_hold *grown;

	if (n_ids == 0)
		return 0;
	if (!vl_link_is_connected(l)) {
		/* It closed while the change was being made: undo it now. */
		struct xd_conn tmp = { .m = m, .n_holds = n_ids };
		struct xd_hold holds[XL_MAX_PROGS + 1];

		xd_call_caller(l, tmp.caller, sizeof(tmp.caller));
		for (size_t i = 0; i < n_ids && i < ELEMENTSOF(holds); i++)
			holds[i] = (struct xd_hold){ rec->netns_cookie, rec->ifindex, ids[i] };
		tmp.holds = holds;
		release_iface(&tmp, 0);
		return 0;
	}
	c = conn_get(m, l);
	if (!c)
		return log_oom();
	grown = reallocarray(c->holds, c->n_holds + n_ids, sizeof(*grown));
	if (!grown)
		return log_oom();
	c->holds = grown;
	for (size_t i = 0; i < n_ids; i++)
		c->holds[c->n_holds++] = (struct xd_hold){ rec->netns_cookie, rec->ifindex, ids[i] };
	return 0;
}

void xd_lifetime_free_all(struct manager *m)
{
	while (m->conns)
		conn_unlink(m->conns);
}
