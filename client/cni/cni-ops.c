/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xdplink CNI plugin's ADD, DEL and CHECK: calls to xdplinkd through libxdplink-client. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>

#include "cni-ops.h"
#include "xl-util.h"

#define MGR XL_CLIENT_INTERFACE "."
/* Runtimes time plugins out themselves; this only bounds a daemon that hangs. */
#define TIMEOUT_SEC 60

/* What one command holds; session_done() releases it all. */
struct session {
	const struct cni_config *cfg;
	const struct cni_env *env;
	struct cni_error *err;
	struct xl_client *c;
	int nsfd;
	int fds[XL_MAX_PROGS];	/* the objects, config order */
};

static void session_init(struct session *s, const struct cni_config *cfg,
			 const struct cni_env *env, struct cni_error *err)
{
	*s = (struct session){ .cfg = cfg, .env = env, .err = err, .nsfd = -EBADF };
	for (size_t i = 0; i < ELEMENTSOF(s->fds); i++)
		s->fds[i] = -EBADF;
}

static void session_done(struct session *s)
{
	xl_client__free(s->c);
	safe_close(s->nsfd);
	for (size_t i = 0; i < ELEMENTSOF(s->fds); i++)
		safe_close(s->fds[i]);
}

static bool refused_with(const struct session *s, const char *name)
{
	const struct xl_client_error *e = xl_client__last_error(s->c);

	return e && strcmp(e->name, name) == 0;
}

/* ---- namespace, objects, connection ---- */

/* 0, -errno from open(), or -EINVAL: not a network namespace. */
static int open_netns(const char *path, int *ret_fd)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		close(fd);
		return -EINVAL;
	}
	/* Never fd 0: to the client library, 0 means "the daemon's own". */
	if (fd < 3) {
		int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		close(fd);
		if (high < 0)
			return -errno;
		fd = high;
	}
	*ret_fd = fd;
	return 0;
}

/* ADD and CHECK: the container must be there. */
static int open_container_netns(struct session *s)
{
	const char *ns = s->env->netns;
	int r = open_netns(ns, &s->nsfd);

	if (r == -ENOENT)
		return cni_fail(s->err, CNI_ERR_UNKNOWN_CONTAINER, NULL,
				"CNI_NETNS %s: no such network namespace", ns);
	if (r == -EINVAL)
		return cni_fail(s->err, CNI_ERR_ENV, NULL, "CNI_NETNS %s is not a network namespace",
				ns);
	if (r < 0)
		return cni_fail(s->err, CNI_ERR_IO, NULL, "cannot open CNI_NETNS %s: %s", ns,
				strerror(-r));
	return 0;
}

/* Passed as fds, so the daemon reads them with our rights, not its own. */
static int open_objects(struct session *s)
{
	for (size_t i = 0; i < s->cfg->n_progs; i++) {
		const char *obj = s->cfg->progs[i].object;

		s->fds[i] = open(obj, O_RDONLY | O_CLOEXEC);
		if (s->fds[i] < 0)
			return cni_fail(s->err, CNI_ERR_IO, NULL, "programs[%zu].object %s: %s", i,
					obj, strerror(errno));
	}
	return 0;
}

static const char *socket_of(const struct session *s)
{
	return s->cfg->socket ? s->cfg->socket : xl_client__default_socket();
}

/* A daemon that is not up yet (or restarting) is worth another try; one
 * that shuts us out is not. */
static int connect_daemon(struct session *s)
{
	struct xl_client_opts o = { .sz = sizeof(o), .timeout_usec = TIMEOUT_SEC * 1000000ULL };
	int r;

	s->c = xl_client__free(s->c);
	r = xl_client__connect(socket_of(s), &o, &s->c);
	if (r < 0)
		return cni_fail(s->err, r == -EACCES || r == -EPERM ? CNI_ERR_XDPLINK :
				CNI_ERR_TRY_AGAIN, NULL, "cannot connect to xdplinkd at %s: %s",
				socket_of(s), strerror(-r));
	return 0;
}

/* A failed call, for the runtime: the daemon's one line, or what became of
 * the connection. what says which call it was. */
static int call_failed(struct session *s, int r, const char *what)
{
	const struct xl_client_error *e = xl_client__last_error(s->c);
	char details[sizeof(s->err->details)];

	/* A refusal stands until something changes; we cannot tell when. */
	if (e) {
		snprintf(details, sizeof(details), "%s%s%s", e->name,
			 e->verifier_log ? "; verifier log:\n" : "", e->verifier_log ?: "");
		return cni_fail(s->err, CNI_ERR_XDPLINK, details, "%s: %s", what, e->message);
	}
	if (r == -ETIMEDOUT)
		return cni_fail(s->err, CNI_ERR_TRY_AGAIN, NULL,
				"%s: no answer from xdplinkd within %d s; it may still take effect",
				what, TIMEOUT_SEC);
	return cni_fail(s->err, r == -ECONNRESET || r == -EPIPE ? CNI_ERR_TRY_AGAIN :
			CNI_ERR_XDPLINK, NULL, "%s: %s", what,
			r == -ECONNRESET || r == -EPIPE ? "xdplinkd closed the connection" :
			r == -EBADMSG ? "the answer is not io.xdplink.Manager" : strerror(-r));
}

/* ---- the container's attachments ---- */

static int by_id(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "id"));

	return x < y ? -1 : x > y;
}

/*
 * The List reply of CNI_IFNAME: its Interface object, and in ret the
 * attachments labelled for this container (borrowed from it) in the order
 * they were attached. Ids only grow on an interface, so that is id order;
 * List gives run order, which priorities decide.
 */
static int labelled(const struct session *s, json_t *ifaces, json_t **ret_iface, json_t **ret,
		    size_t *ret_n)
{
	json_t *iface = json_array_get(ifaces, 0), *atts, *a;
	size_t i, n = 0;

	atts = json_object_get(iface, "attachments");
	if (json_array_size(ifaces) != 1 || !json_is_array(atts))
		return -EBADMSG;
	json_array_foreach(atts, i, a) {
		const char *label = json_string_value(json_object_get(a, "label"));
		json_int_t id = json_integer_value(json_object_get(a, "id"));

		if (!streq_ptr(label, s->env->label))
			continue;
		if (n == XL_MAX_PROGS || id <= 0 || id > UINT32_MAX)
			return -EBADMSG;
		ret[n++] = a;
	}
	qsort(ret, n, sizeof(*ret), by_id);
	*ret_iface = iface;
	*ret_n = n;
	return 0;
}

static int list_iface(struct session *s, json_t **ret)
{
	int r = xl_client__list_in(s->c, s->env->ifname, s->nsfd, ret);
	char what[64];

	if (r == 0)
		return 0;
	/* DEL tells these apart itself. */
	if (refused_with(s, MGR "InterfaceNotFound") || refused_with(s, MGR "NamespaceNotFound"))
		return -ENODEV;
	snprintf(what, sizeof(what), "listing %s", s->env->ifname);
	return call_failed(s, r, what);
}

/* ---- ADD ---- */

static int attach_one(struct session *s, size_t i, __u32 *ret_id)
{
	const struct cni_program *p = &s->cfg->progs[i];
	struct xl_client_program prog = {
		.sz = sizeof(prog), .object_fd = s->fds[i], .prog_name = p->name,
		.priority = p->priority, .actions = p->actions, .label = s->env->label,
	};
	struct xl_client_change_opts opts = {
		.sz = sizeof(opts), .mode = s->cfg->mode, .netns_fd = s->nsfd,
		.lifetime = XL_CLIENT_LIFETIME_PINNED,
	};
	struct xl_client_result res;
	char what[PATH_MAX + 320];
	int r;

	r = xl_client__attach(s->c, s->env->ifname, &prog, &opts, &res);
	if (r == 0) {
		*ret_id = res.id;
		return 0;
	}
	snprintf(what, sizeof(what), "attaching %s of %s (programs[%zu]) to %s", p->name,
		 p->object, i, s->env->ifname);
	return call_failed(s, r, what);
}

static void detach_ids(struct session *s, const __u32 *ids, size_t n)
{
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .netns_fd = s->nsfd };

	for (size_t i = n; i-- > 0;)
		(void)xl_client__detach(s->c, s->env->ifname, ids[i], &opts, NULL);
}

/* Best effort, and the first error stays the one reported. After a broken
 * connection a new one; what an unanswered Attach did anyway carries our
 * label, so the DEL the runtime sends after a failed ADD removes it. */
static void undo(struct session *s, const __u32 *ids, size_t n)
{
	if (n == 0)
		return;
	if (!xl_client__last_error(s->c) && connect_daemon(s) < 0)
		return;
	detach_ids(s, ids, n);
}

int cni_add(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err)
{
	_cleanup_(session_done) struct session s;
	__u32 ids[XL_MAX_PROGS];
	int r;

	session_init(&s, cfg, env, err);
	r = open_container_netns(&s);
	if (r == 0)
		r = open_objects(&s);
	if (r == 0)
		r = connect_daemon(&s);
	/* One Attach each: Replace would take the interface's other programs away. */
	for (size_t i = 0; r == 0 && i < cfg->n_progs; i++) {
		r = attach_one(&s, i, &ids[i]);
		if (r < 0)
			undo(&s, ids, i);
	}
	return r;
}

/* ---- DEL ---- */

static int detach_labelled(struct session *s, json_t **atts, size_t n)
{
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .netns_fd = s->nsfd };
	char what[64];

	for (size_t i = 0; i < n; i++) {
		__u32 id = (__u32)json_integer_value(json_object_get(atts[i], "id"));
		int r = xl_client__detach(s->c, s->env->ifname, id, &opts, NULL);

		/* Gone meanwhile: with the interface, or detached by someone else. */
		if (r == 0 || refused_with(s, MGR "AttachmentNotFound") ||
		    refused_with(s, MGR "InterfaceNotFound"))
			continue;
		snprintf(what, sizeof(what), "detaching id %u from %s", id, s->env->ifname);
		return call_failed(s, r, what);
	}
	return 0;
}

/* The container's labelled attachments on its interface, once the
 * namespace is open: -ENODEV when the interface is not there. */
static int list_labelled(struct session *s, json_t **ifaces, json_t **iface, json_t **atts,
			 size_t *n)
{
	int r = connect_daemon(s);

	if (r == 0)
		r = list_iface(s, ifaces);
	if (r < 0)
		return r;
	if (labelled(s, *ifaces, iface, atts, n) < 0)
		return call_failed(s, -EBADMSG, "listing the container's programs");
	return 0;
}

int cni_del(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err)
{
	_cleanup_(session_done) struct session s;
	_cleanup_(json_decrefp) json_t *ifaces = NULL;
	json_t *atts[XL_MAX_PROGS], *iface;
	size_t n;
	int r;

	session_init(&s, cfg, env, err);
	/* No namespace, or one we cannot open: its devices went with it (or
	 * will), and the daemon forgets the programs of a device that goes. */
	if (!env->netns || !*env->netns || open_netns(env->netns, &s.nsfd) < 0)
		return 0;
	r = list_labelled(&s, &ifaces, &iface, atts, &n);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return r;
	return detach_labelled(&s, atts, n);
}

/* ---- CHECK ---- */

static __u32 actions_of(json_t *att)
{
	json_t *list = json_object_get(att, "actions"), *v;
	__u32 mask = 0, one;
	size_t i;

	json_array_foreach(list, i, v)
		if (xl_actions_parse(json_string_value(v), &one) == 0)
			mask |= one;
	return mask ? mask : XL_ACTIONS_NONE;
}

/* Config entry i against the container's attachment i. */
static int check_one(struct session *s, size_t i, json_t *att)
{
	const struct cni_program *p = &s->cfg->progs[i];
	const char *name = json_string_value(json_object_get(att, "name"));
	json_int_t id = json_integer_value(json_object_get(att, "id"));
	json_int_t prio = json_integer_value(json_object_get(att, "priority"));
	const char *ifname = s->env->ifname;

	if (!streq_ptr(name, p->name))
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
				"%s: %s (programs[%zu]) is not attached: the container's program "
				"%zu is %s (id %lld)", ifname, p->name, i, i + 1, name ?: "?",
				(long long)id);
	if (p->priority != XL_PRIORITY_FROM_OBJECT && prio != p->priority)
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
				"%s: %s (programs[%zu], id %lld) runs at priority %lld, not %d",
				ifname, p->name, i, (long long)id, (long long)prio, p->priority);
	if (p->actions && actions_of(att) != p->actions)
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
				"%s: %s (programs[%zu], id %lld) chains on other actions than the "
				"configured ones", ifname, p->name, i, (long long)id);
	return 0;
}

static int check_set(struct session *s, json_t *iface, json_t **atts, size_t n)
{
	const char *mode = json_string_value(json_object_get(iface, "mode"));
	const char *want = s->cfg->mode == XL_MODE_SKB ? "skb" : "native";
	size_t i;
	int r;

	for (i = 0; i < s->cfg->n_progs; i++) {
		if (i == n)
			return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
					"%s: %s (programs[%zu]) is not attached with label %s",
					s->env->ifname, s->cfg->progs[i].name, i, s->env->label);
		r = check_one(s, i, atts[i]);
		if (r < 0)
			return r;
	}
	if (n > i)
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
				"%s: %s (id %lld) is labelled %s but not in the configuration",
				s->env->ifname, json_string_value(json_object_get(atts[i], "name")) ?: "?",
				(long long)json_integer_value(json_object_get(atts[i], "id")),
				s->env->label);
	if (s->cfg->mode != XL_MODE_UNSPEC && !streq_ptr(mode, want))
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL, "%s runs XDP in %s mode, not %s",
				s->env->ifname, mode ?: "?", want);
	return 0;
}

int cni_check(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err)
{
	_cleanup_(session_done) struct session s;
	_cleanup_(json_decrefp) json_t *ifaces = NULL;
	json_t *atts[XL_MAX_PROGS], *iface;
	size_t n;
	int r;

	session_init(&s, cfg, env, err);
	r = open_container_netns(&s);
	if (r == 0)
		r = list_labelled(&s, &ifaces, &iface, atts, &n);
	if (r == -ENODEV)
		return cni_fail(err, CNI_ERR_XDPLINK, NULL, "%s: no such interface in %s",
				env->ifname, env->netns);
	if (r < 0)
		return r;
	return check_set(&s, iface, atts, n);
}
