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
	const char *paths[XL_MAX_PROGS];

	for (size_t i = 0; i < s->cfg->n_progs; i++) {
		const char *obj = s->cfg->progs[i].object;

		paths[i] = obj;
		s->fds[i] = xl_open_object(obj, paths, s->fds, i);
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

static int list_iface(struct session *s, json_t **ret)
{
	int r = xl_client__list_in(s->c, s->env->ifname, s->nsfd, ret);
	char what[64];

	if (r == 0)
		return json_array_size(*ret) == 1 ? 0 :
			call_failed(s, -EBADMSG, "listing the container's programs");
	/* CHECK tells this apart itself. */
	if (refused_with(s, MGR "InterfaceNotFound") || refused_with(s, MGR "NamespaceNotFound"))
		return -ENODEV;
	snprintf(what, sizeof(what), "listing %s", s->env->ifname);
	return call_failed(s, r, what);
}

/* The configured programs as the diff wants them: objects by their real
 * path, which is what List shows (the daemon names the file it read),
 * sent as the fds open_objects() opened. */
static int wanted(struct session *s, struct xl_client_program *progs, char (*paths)[PATH_MAX])
{
	for (size_t i = 0; i < s->cfg->n_progs; i++) {
		const struct cni_program *p = &s->cfg->progs[i];

		if (!realpath(p->object, paths[i]))
			return cni_fail(s->err, CNI_ERR_IO, NULL, "programs[%zu].object %s: %s", i,
					p->object, strerror(errno));
		progs[i] = (struct xl_client_program){
			.sz = sizeof(progs[i]), .object = paths[i], .object_fd = s->fds[i],
			.prog_name = p->name, .priority = p->priority, .actions = p->actions,
		};
	}
	return 0;
}

/*
 * List CNI_IFNAME and diff the container's labelled programs against the
 * configuration: *ret_iface is the Interface (from *ret_ifaces), *ret_ops
 * the operations of the Change that makes them the configured ones
 * (empty when they are). -ENODEV: the interface is not there.
 */
static int plan(struct session *s, json_t **ret_ifaces, json_t **ret_iface, json_t **ret_ops)
{
	_cleanup_free_ struct xl_client_program *progs = NULL;
	_cleanup_free_ char (*paths)[PATH_MAX] = NULL;
	int r;

	progs = calloc(XL_MAX_PROGS, sizeof(*progs));
	paths = calloc(XL_MAX_PROGS, sizeof(*paths));
	if (!progs || !paths)
		return cni_fail(s->err, CNI_ERR_IO, NULL, "out of memory");
	r = wanted(s, progs, paths);
	if (r == 0)
		r = list_iface(s, ret_ifaces);
	if (r < 0)
		return r;
	*ret_iface = json_array_get(*ret_ifaces, 0);
	/* The plugin runs as root: the label alone is the container's. */
	r = xl_client__diff(s->env->label, NULL, progs, s->cfg->n_progs, *ret_iface, ret_ops);
	if (r < 0)
		return call_failed(s, r, "comparing the container's programs");
	return 0;
}

static struct xl_client_change_opts change_opts(const struct session *s, json_t *iface)
{
	return (struct xl_client_change_opts){
		.sz = sizeof(struct xl_client_change_opts), .mode = s->cfg->mode,
		.netns_fd = s->nsfd, .lifetime = XL_CLIENT_LIFETIME_PINNED,
		.expected_revision = (__u64)json_integer_value(json_object_get(iface, "revision")),
	};
}

/* ---- ADD ---- */

/* Another owner changed the interface between our List and our Change. */
#define ADD_ATTEMPTS 3

/*
 * One Change: the container's programs become the configured ones in one
 * revision, whatever it had before (a first ADD attaches them all; an ADD
 * again with other programs swaps them), and nothing else on the
 * interface is touched. Refused as a whole, so a failure leaves nothing.
 */
int cni_add(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err)
{
	_cleanup_(session_done) struct session s;
	char what[128];
	int r;

	session_init(&s, cfg, env, err);
	r = open_container_netns(&s);
	if (r == 0)
		r = open_objects(&s);
	if (r == 0)
		r = connect_daemon(&s);
	for (int attempt = 1; r == 0; attempt++) {
		_cleanup_(json_decrefp) json_t *ifaces = NULL, *ops = NULL;
		struct xl_client_change_opts opts;
		json_t *iface;

		r = plan(&s, &ifaces, &iface, &ops);
		if (r == -ENODEV)
			return cni_fail(err, CNI_ERR_XDPLINK, NULL, "%s: no such interface in %s",
					env->ifname, env->netns);
		if (r < 0 || json_array_size(ops) == 0)
			return r;
		opts = change_opts(&s, iface);
		r = xl_client__change(s.c, env->ifname, ops, &opts, false, NULL);
		if (r == -ESTALE && attempt < ADD_ATTEMPTS) {
			r = 0;
			continue;
		}
		if (r == 0)
			return 0;
		snprintf(what, sizeof(what), "changing the container's programs on %s", env->ifname);
		return call_failed(&s, r, what);
	}
	return r;
}

/* ---- DEL ---- */

int cni_del(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err)
{
	_cleanup_(session_done) struct session s;
	_cleanup_(json_decrefp) json_t *ops = NULL;
	struct xl_client_change_opts opts;
	char what[64];
	int r;

	session_init(&s, cfg, env, err);
	/* No namespace, or one we cannot open: its devices went with it (or
	 * will), and the daemon forgets the programs of a device that goes. */
	if (!env->netns || !*env->netns || open_netns(env->netns, &s.nsfd) < 0)
		return 0;
	r = connect_daemon(&s);
	if (r < 0)
		return r;
	ops = json_pack("[{s:s,s:s}]", "op", "detachLabel", "label", env->label);
	if (!ops)
		return cni_fail(err, CNI_ERR_IO, NULL, "out of memory");
	opts = (struct xl_client_change_opts){ .sz = sizeof(opts), .netns_fd = s.nsfd };
	/* One Change; a label that nothing carries is no error (DEL again). */
	r = xl_client__change(s.c, env->ifname, ops, &opts, false, NULL);
	if (r == 0 || refused_with(&s, MGR "InterfaceNotFound") ||
	    refused_with(&s, MGR "NamespaceNotFound"))
		return 0;
	snprintf(what, sizeof(what), "detaching the container's programs from %s", env->ifname);
	return call_failed(&s, r, what);
}

/* ---- CHECK ---- */

static const char *name_of(json_t *iface, json_int_t id)
{
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(iface, "attachments"), i, a)
		if (json_integer_value(json_object_get(a, "id")) == id)
			return json_string_value(json_object_get(a, "name")) ?: "?";
	return "?";
}

/* The first operation of kind in ops, or NULL. */
static json_t *first_op(json_t *ops, const char *kind)
{
	json_t *op;
	size_t i;

	json_array_foreach(ops, i, op)
		if (streq_ptr(json_string_value(json_object_get(op, "op")), kind))
			return op;
	return NULL;
}

/* programs[i] of the config that an attach operation sends. */
static size_t prog_index(const struct session *s, json_t *op)
{
	json_int_t fd = json_integer_value(json_object_get(op, "objectFd"));
	size_t i;

	for (i = 0; i < s->cfg->n_progs && s->fds[i] != fd; i++)
		;
	return i;
}

/* The difference the diff found, in the words of the configuration:
 * what is missing first, then what runs instead. */
static int differs(struct session *s, json_t *iface, json_t *ops)
{
	json_t *att = first_op(ops, "attach"), *det = first_op(ops, "detach");
	json_t *mv = first_op(ops, "move");
	json_int_t id = json_integer_value(json_object_get(det ?: mv, "id"));
	const char *ifname = s->env->ifname, *label = s->env->label;
	char instead[256] = "";
	size_t i;

	if (det)
		snprintf(instead, sizeof(instead), "; the container runs %s (id %lld) instead",
			 name_of(iface, id), (long long)id);
	if (att) {
		i = prog_index(s, att);
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
				"%s: %s (programs[%zu]) is not attached with label %s%s", ifname,
				i < s->cfg->n_progs ? s->cfg->progs[i].name : "?", i, label, instead);
	}
	if (det)
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
				"%s: %s (id %lld) is labelled %s but not in the configuration",
				ifname, name_of(iface, id), (long long)id, label);
	if (mv)
		return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
				"%s: %s (id %lld) does not run at its configured priority %lld",
				ifname, name_of(iface, id), (long long)id,
				(long long)json_integer_value(json_object_get(mv, "priority")));
	return cni_fail(s->err, CNI_ERR_XDPLINK, NULL,
			"%s: the programs labelled %s do not run in the configured order", ifname,
			label);
}

/*
 * One dryRun Change of the diff, which must come back unchanged: the
 * container's labelled programs are the configured ones, in order, and
 * the daemon would take them as they are (interface, namespace, mode).
 */
int cni_check(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err)
{
	_cleanup_(session_done) struct session s;
	_cleanup_(json_decrefp) json_t *ifaces = NULL, *ops = NULL, *reply = NULL;
	struct xl_client_change_opts opts;
	const char *mode, *want = cfg->mode == XL_MODE_SKB ? "skb" : "native";
	json_t *iface;
	char what[64];
	int r;

	session_init(&s, cfg, env, err);
	r = open_container_netns(&s);
	if (r == 0)
		r = open_objects(&s);
	if (r == 0)
		r = connect_daemon(&s);
	if (r == 0)
		r = plan(&s, &ifaces, &iface, &ops);
	if (r == -ENODEV)
		return cni_fail(err, CNI_ERR_XDPLINK, NULL, "%s: no such interface in %s",
				env->ifname, env->netns);
	if (r < 0)
		return r;
	opts = change_opts(&s, iface);
	r = xl_client__change(s.c, env->ifname, ops, &opts, true, &reply);
	/* A difference is the answer, whether or not the daemon would take it. */
	if (json_array_size(ops) > 0)
		return differs(&s, iface, ops);
	if (r < 0) {
		snprintf(what, sizeof(what), "checking the container's programs on %s", env->ifname);
		return call_failed(&s, r, what);
	}
	if (!json_is_true(json_object_get(reply, "unchanged")))
		return differs(&s, iface, ops);
	mode = json_string_value(json_object_get(iface, "mode"));
	if (cfg->mode != XL_MODE_UNSPEC && !streq_ptr(mode, want))
		return cni_fail(err, CNI_ERR_XDPLINK, NULL, "%s runs XDP in %s mode, not %s",
				env->ifname, mode ?: "?", want);
	return 0;
}
