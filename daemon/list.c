/* SPDX-License-Identifier: GPL-2.0-or-later */
/* List's answer: managed interfaces and what else runs XDP in the namespaces asked for (list.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "iface.h"
#include "list.h"
#include "log.h"
#include "manager.h"
#include "netns.h"
#include "unmanaged.h"
#include "vl-message.h"
#include "xl-holder.h"
#include "xl-util.h"

/* A namespace named under /run/netns: its inode always; its cookie and
 * an fd (open for the length of one List) only when a managed interface
 * of a namespace known by cookie alone needs them. */
struct named_ns {
	dev_t dev;
	ino_t ino;
	uint64_t cookie;	/* 0: not looked up */
	int fd;
	char name[NAME_MAX + 1];
};

struct list_ctx {
	struct manager *m;
	const struct xd_list_request *q;
	struct named_ns *named;
	size_t n_named;
	bool cookies_loaded;
	struct xd_map_pins pins;
};

/* A stat per name: cheap enough for every List. */
static void named_load(struct list_ctx *c)
{
	_cleanup_(closedirp) DIR *d = opendir("/run/netns");
	struct dirent *de;

	while (d && (de = readdir(d))) {
		struct named_ns *grown, n = { .fd = -EBADF };
		struct stat st;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(n.name) ||
		    fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		grown = reallocarray(c->named, c->n_named + 1, sizeof(*grown));
		if (!grown)
			continue;
		n.dev = st.st_dev;
		n.ino = st.st_ino;
		snprintf(n.name, sizeof(n.name), "%s", de->d_name);
		c->named = grown;
		c->named[c->n_named++] = n;
	}
}

/* Cookies of the named namespaces: an open and two setns each. */
static void named_load_cookies(struct list_ctx *c)
{
	if (c->cookies_loaded)
		return;
	c->cookies_loaded = true;
	for (size_t i = 0; i < c->n_named; i++) {
		struct named_ns *n = &c->named[i];

		n->fd = xd_netns_open_path(n->name);
		if (n->fd >= 0 &&
		    xd_netns_resolve(n->fd, c->m->self_netns_fd, NULL, &n->cookie, NULL) < 0)
			n->cookie = 0;
	}
}

static void ctx_done(struct list_ctx *c)
{
	for (size_t i = 0; i < c->n_named; i++)
		if (c->named[i].fd >= 0)
			close(c->named[i].fd);
	free(c->named);
	xd_map_pins_done(&c->pins);
}

/* The named namespace fd is, by inode. */
static const struct named_ns *named_by_fd(const struct list_ctx *c, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return NULL;
	for (size_t i = 0; i < c->n_named; i++)
		if (c->named[i].dev == st.st_dev && c->named[i].ino == st.st_ino)
			return &c->named[i];
	return NULL;
}

static const struct named_ns *named_by_cookie(struct list_ctx *c, uint64_t cookie)
{
	named_load_cookies(c);
	for (size_t i = 0; i < c->n_named; i++)
		if (c->named[i].cookie == cookie && c->named[i].fd >= 0)
			return &c->named[i];
	return NULL;
}

/* An interface with nothing of the daemon's on it. */
static json_t *empty_entry(const char *name, int ifindex, uint64_t cookie)
{
	return json_pack("{s:s,s:i,s:I,s:i,s:s,s:i,s:i,s:b,s:[]}", "name", name,
			 "ifindex", ifindex, "netnsCookie", (json_int_t)cookie,
			 "revision", 0, "mode", "native", "linkId", 0, "entryProgramId", 0,
			 "counters", false, "attachments");
}

static json_t *entry_of(json_t *entries, int ifindex)
{
	json_t *e;
	size_t i;

	json_array_foreach(entries, i, e)
		if (json_integer_value(json_object_get(e, "ifindex")) == ifindex)
			return e;
	return NULL;
}

/* The daemon's own programs on e: what it runs, and what it attached. */
static size_t own_programs(json_t *e, uint32_t *ids, size_t max)
{
	size_t n = 0, i;
	json_t *a;

	ids[n++] = (uint32_t)json_integer_value(json_object_get(e, "entryProgramId"));
	json_array_foreach(json_object_get(e, "attachments"), i, a)
		if (n < max)
			ids[n++] = (uint32_t)json_integer_value(json_object_get(a, "programId"));
	return n;
}

/* In the namespace (entered already): what else runs on x. */
static int scan_one(struct list_ctx *c, json_t *entries, uint64_t cookie,
		    const struct xl_xdp_iface *x)
{
	json_t *e = entry_of(entries, x->ifindex), *unm;
	uint32_t skip[XL_MAX_PROGS + 2];
	size_t n_skip = e ? own_programs(e, skip, ELEMENTSOF(skip)) : 0;

	unm = xd_unmanaged_json(x, skip, n_skip, c->q->maps, &c->pins);
	if (!e && !unm && !c->q->all && !c->q->ifindex)
		return 0;
	if (!e) {
		e = empty_entry(x->name, x->ifindex, cookie);
		if (!e || json_array_append_new(entries, e) < 0)
			return json_decref(unm), -ENOMEM;
	}
	return unm ? json_object_set_new(e, "unmanaged", unm) : 0;
}

/* One RTM_GETLINK dump for the whole namespace: List runs on the event
 * loop, and a query per interface would take the RTNL lock each time. */
static int scan_here(struct list_ctx *c, json_t *entries, uint64_t cookie)
{
	_cleanup_free_ struct xl_xdp_iface *ifs = NULL;
	struct xl_xdp_iface one;
	size_t n = 0;
	int r;

	if (c->q->ifindex) {
		r = xl_xdp_query_one(c->q->ifindex, &one);
		return r < 0 ? r : scan_one(c, entries, cookie, &one);
	}
	r = xl_xdp_dump(&ifs, &n);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = scan_one(c, entries, cookie, &ifs[i]);
	return r;
}

/* Each attachment's maps, for List's maps. */
static void add_maps(struct list_ctx *c, json_t *e)
{
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(e, "attachments"), i, a) {
		uint32_t id = (uint32_t)json_integer_value(json_object_get(a, "programId"));

		json_object_set_new(a, "maps", xd_prog_maps_json(id, &c->pins));
	}
}

static int by_ifindex(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "ifindex"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "ifindex"));

	return (x > y) - (x < y);
}

/* entries, sorted by ifindex and named after their namespace, onto list. */
static int append_sorted(json_t *list, json_t *entries, const struct named_ns *named)
{
	size_t n = json_array_size(entries);
	_cleanup_free_ json_t **v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(entries, i);
	qsort(v, n, sizeof(*v), by_ifindex);
	for (size_t i = 0; i < n; i++) {
		if (named)
			json_object_set_new(v[i], "netns", json_string(named->name));
		if (json_array_append(list, v[i]) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* One namespace's entries: the daemon's records, then a scan of the
 * kernel's view when the namespace can be entered. */
static int list_ns(struct list_ctx *c, json_t *list, uint64_t cookie)
{
	const struct xd_list_request *q = c->q;
	const struct named_ns *named;
	_cleanup_json_ json_t *entries = json_array();
	int fd, r = 0;

	if (cookie == c->m->self_cookie) {
		fd = -EBADF;
		named = named_by_fd(c, c->m->self_netns_fd);
	} else if (cookie == q->cookie && q->nsfd >= 0) {
		fd = q->nsfd;
		named = named_by_fd(c, q->nsfd);
	} else {
		named = named_by_cookie(c, cookie);
		fd = named ? named->fd : -ENOENT;
	}

	if (!entries)
		return -ENOMEM;
	for (struct xd_iface *rec = c->m->ifaces; rec; rec = rec->next) {
		json_t *e;

		if (rec->netns_cookie != cookie || (q->ifindex && rec->ifindex != q->ifindex))
			continue;
		e = xd_iface_list_entry(rec);
		if (!e)
			continue;
		if (q->maps)
			add_maps(c, e);
		if (json_array_append_new(entries, e) < 0)
			return -ENOMEM;
	}
	if (fd >= 0) {
		r = xd_netns_enter(fd);
		if (r == 0) {
			r = scan_here(c, entries, cookie);
			xd_netns_leave(c->m->self_netns_fd);
		}
	} else if (fd == -EBADF) {
		r = scan_here(c, entries, cookie);
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0)	/* listed what the daemon knows; gone meanwhile, say */
		log_full_errno(LOG_DEBUG, r, "List: cannot read the XDP programs of netns "
			       "cookie %llu: %m", (unsigned long long)cookie);
	if (q->ifindex && json_array_size(entries) == 0) {
		json_t *e = empty_entry(q->ifname, q->ifindex, cookie);

		if (!e || json_array_append_new(entries, e) < 0)
			return -ENOMEM;
	}
	return append_sorted(list, entries, named);
}

static bool seen_before(struct manager *m, struct xd_iface *upto, uint64_t cookie)
{
	for (struct xd_iface *rec = m->ifaces; rec != upto; rec = rec->next)
		if (rec->netns_cookie == cookie)
			return true;
	return false;
}

json_t *xd_list(struct manager *m, const struct xd_list_request *q)
{
	struct list_ctx c = { .m = m, .q = q };
	json_t *list = json_array();
	int r = list ? 0 : -ENOMEM;

	named_load(&c);
	if (r == 0 && q->maps)
		r = xd_map_pins_load(&c.pins, m->config.bpffs_root);
	if (r == 0)
		r = list_ns(&c, list, q->any_netns ? m->self_cookie : q->cookie);
	/* Records come sorted: ours first, then by cookie. */
	for (struct xd_iface *rec = m->ifaces; r == 0 && q->any_netns && rec; rec = rec->next)
		if (rec->netns_cookie != m->self_cookie && !seen_before(m, rec, rec->netns_cookie))
			r = list_ns(&c, list, rec->netns_cookie);
	ctx_done(&c);
	if (r < 0)
		return json_decref(list), NULL;
	return list;
}
