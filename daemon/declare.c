/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Applying interfaces.d: one scoped change per interface whose file says otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "audit.h"
#include "declare.h"
#include "iface.h"
#include "job.h"
#include "log.h"
#include "manager.h"
#include "maps.h"
#include "netconfig.h"
#include "netns.h"
#include "netwatch.h"

#define OWNER_PREFIX "config:"

struct xd_declared_ns {
	uint64_t cookie;
	char *path;
};

static void log_conf_error(void *userdata _unused_, const char *msg)
{
	log_error("%s", msg);
}

int xd_declare_load(struct manager *m, char *err, size_t errlen)
{
	struct xd_conf_errors errs = { .report = log_conf_error };
	struct xd_netconfig c;
	int r;

	r = xd_netconfig_load_dir_all(m->config.interfaces_dir, &c, &errs, err, errlen);
	if (r < 0)
		return r;
	xd_declare_set(m, &c);
	return 0;
}

void xd_declare_set(struct manager *m, struct xd_netconfig *c)
{
	xd_netconfig_done(&m->netconfig);
	m->netconfig = *c;
	*c = (struct xd_netconfig){};
	log_info("%zu interface files in %s", m->netconfig.n_files, m->config.interfaces_dir);
}

/* Whether rec has programs a file put there (as of its last job). */
static bool has_declared(const struct xd_iface *rec)
{
	json_t *a;
	size_t i;

	if (!rec || !rec->snapshot)
		return false;
	json_array_foreach(json_object_get(rec->snapshot, "attachments"), i, a) {
		const char *owner = json_string_value(json_object_get(a, "owner"));

		if (owner && strncmp(owner, OWNER_PREFIX, strlen(OWNER_PREFIX)) == 0)
			return true;
	}
	return false;
}

static int add_declared(struct manager *m, struct xd_job *j, const struct xd_netconfig_file *f)
{
	char owner[300], maps[PATH_MAX];

	snprintf(owner, sizeof(owner), OWNER_PREFIX "%s", f->name);
	for (size_t i = 0; i < f->n_progs; i++) {
		const struct xd_netconfig_program *p = &f->progs[i];
		struct xl_prog_spec spec = { .sz = sizeof(spec), .object = p->object,
			.prog_name = p->program, .priority = p->priority,
			.chain_actions = p->actions, .label = p->label, .owner = owner,
			.pin_root_path = maps };
		int r = xd_maps_dir(m, owner, p->object, maps, sizeof(maps));

		if (r == 0)
			r = xl_batch__add(j->batch, &spec);
		if (r >= 0)
			r = xd_job_add_op(j, (struct xd_op){ .kind = XD_OP_ATTACH, .index = (unsigned)i,
							     .add = r });
		if (r < 0)
			return r;
		j->objects[j->n_objects] = strdup(p->object);
		j->programs[j->n_objects] = p->program ? strdup(p->program) : NULL;
		if (!j->objects[j->n_objects++] || (p->program && !j->programs[j->n_objects - 1]))
			return -ENOMEM;
		/* For the worker's "already so" check: the file may be reloaded
		 * while the job waits, so it keeps copies (objects/programs). */
		j->want[j->n_want++] = (struct xd_want){ .priority = p->priority,
							 .actions = p->actions };
	}
	snprintf(j->declare_owner, sizeof(j->declare_owner), "%s", owner);
	return 0;
}

/* The log's "by ...": the file, or that none matches any more (audit.h). */
static void name_cause(struct xd_job *j, const struct xd_netconfig_file *f)
{
	char q[4 * NAME_MAX + 8];

	if (f)
		snprintf(j->caller, sizeof(j->caller), "interfaces.d file %s",
			 xd_audit_quote(f->name, q, sizeof(q)));
	else
		snprintf(j->caller, sizeof(j->caller), "interfaces.d (no file names it any more)");
}

/* Queue the job that makes f (NULL: no file) the config's programs on the
 * interface: a change (change.h) that detaches every config-owned program
 * and attaches the file's, unless they are so already. */
static void declare_iface(struct manager *m, const struct xd_netconfig_file *f, uint64_t cookie,
			  int ifindex, const char *name, int nsfd)
{
	struct xd_iface *rec = xd_iface_find(m, cookie, ifindex);
	struct xd_job *j;
	int r;

	if (rec)
		rec->declared_pass = m->declare_pass;
	if (!f && !has_declared(rec))
		return;
	j = xd_job_new(m, XD_JOB_REPLACE);
	if (!j) {
		log_oom();
		return;
	}
	j->default_mode = m->config.default_mode;
	j->default_counters = m->config.counters && xl_engine__has_freplace(m->engine);
	name_cause(j, f);
	j->scope_owner = strdup(OWNER_PREFIX);
	j->scope_prefix = true;
	j->declare = true;
	j->mode = f ? f->mode : XL_MODE_UNSPEC;
	j->counters = f ? f->counters : -1;
	r = j->scope_owner ? xd_job_add_op(j, (struct xd_op){ .kind = XD_OP_DETACH_ALL }) : -ENOMEM;
	if (r == 0 && f)
		r = add_declared(m, j, f);
	if (r == 0 && nsfd >= 0) {
		j->netns_fd = fcntl(nsfd, F_DUPFD_CLOEXEC, 3);
		r = j->netns_fd < 0 ? -errno : 0;
	}
	if (r == 0)
		r = xd_iface_get(m, cookie, ifindex, name, &rec);
	if (r < 0) {
		log_iface_errno(LOG_ERR, r, name, "%s: cannot apply %s: %m", name,
				f ? f->name : "the interface files");
		xd_job_free(j);
		return;
	}
	rec->declared_pass = m->declare_pass;
	if (rec->refused) {
		log_iface(LOG_WARNING, name, 0, "%s: not applying %s: recovery refused the "
			  "interface (%s); xdpctl adopt %s takes it back", name,
			  f ? f->name : "the interface files", rec->refused->reason, name);
		xd_job_free(j);
		return;
	}
	j->done = manager_job_done;
	j->userdata = m;
	xd_job_submit(m->jobs, rec, j);
}

static void apply_here(struct manager *m, uint64_t cookie, const char *netns, int nsfd)
{
	struct if_nameindex *ni = NULL;

	if (nsfd >= 0 && xd_netns_enter(nsfd) < 0)
		return;
	ni = if_nameindex();
	if (nsfd >= 0)
		xd_netns_leave(m->self_netns_fd);
	for (struct if_nameindex *i = ni; i && i->if_index; i++)
		declare_iface(m, xd_netconfig_match(&m->netconfig, i->if_name, netns), cookie,
			      (int)i->if_index, i->if_name, nsfd);
	if (ni)
		if_freenameindex(ni);
}

static bool path_seen(const struct xd_netconfig *c, size_t upto, const char *path)
{
	for (size_t i = 0; i < upto; i++)
		if (c->files[i].netns && strcmp(c->files[i].netns, path) == 0)
			return true;
	return false;
}

/* A namespace that files name: remembered by cookie, so that hotplug
 * events from it find their files. */
static void apply_netns(struct manager *m, const char *path)
{
	_cleanup_close_ int nsfd = xd_netns_open_path(path);
	struct xd_declared_ns *grown;
	uint64_t cookie;

	if (nsfd < 0 || xd_netns_resolve(nsfd, m->self_netns_fd, NULL, &cookie, NULL) < 0) {
		log_info("Network namespace %s of an interface file is not there (yet)", path);
		return;
	}
	grown = reallocarray(m->declared_ns, m->n_declared_ns + 1, sizeof(*grown));
	if (grown) {
		m->declared_ns = grown;
		grown[m->n_declared_ns].cookie = cookie;
		grown[m->n_declared_ns].path = strdup(path);
		if (grown[m->n_declared_ns].path)
			m->n_declared_ns++;
	}
	(void)xd_netwatch_track(m, nsfd, cookie);
	apply_here(m, cookie, path, nsfd);
}

static void forget_declared_ns(struct manager *m)
{
	for (size_t i = 0; i < m->n_declared_ns; i++)
		free(m->declared_ns[i].path);
	free(m->declared_ns);
	m->declared_ns = NULL;
	m->n_declared_ns = 0;
}

void xd_declare_apply_all(struct manager *m)
{
	m->declare_pass++;
	forget_declared_ns(m);
	apply_here(m, m->self_cookie, NULL, -EBADF);
	for (size_t i = 0; i < m->netconfig.n_files; i++) {
		const char *ns = m->netconfig.files[i].netns;

		if (ns && !path_seen(&m->netconfig, i, ns))
			apply_netns(m, ns);
	}
	/* Interfaces no pass reached (their namespace left the files): drop
	 * what the config put there. No namespace is needed to remove. */
	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next)
		if (rec->declared_pass != m->declare_pass && has_declared(rec))
			declare_iface(m, NULL, rec->netns_cookie, rec->ifindex, rec->name, -EBADF);
}

void xd_declare_hotplug(struct manager *m, uint64_t cookie, int ifindex, const char *name)
{
	struct xd_iface *rec = xd_iface_find(m, cookie, ifindex);
	const struct xd_netconfig_file *f;
	const char *path = NULL;
	int nsfd = -EBADF;

	/* One that has programs was applied already; a reload re-applies. */
	if (rec && (rec->revision || rec->busy || rec->queue))
		return;
	for (size_t i = 0; cookie != m->self_cookie && i < m->n_declared_ns; i++)
		if (m->declared_ns[i].cookie == cookie)
			path = m->declared_ns[i].path;
	if (cookie != m->self_cookie && !path)
		return;
	f = xd_netconfig_match(&m->netconfig, name, path);
	if (!f)
		return;
	if (path) {
		nsfd = xd_netns_open_path(path);
		if (nsfd < 0)
			return;
	}
	log_iface(LOG_INFO, name, 0, "%s appeared; applying %s", name, f->name);
	declare_iface(m, f, cookie, ifindex, name, nsfd);
	safe_close(nsfd);
}

void xd_declare_free(struct manager *m)
{
	forget_declared_ns(m);
	xd_netconfig_done(&m->netconfig);
}
