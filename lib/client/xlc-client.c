/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxdplink-client: typed io.xdplink.Manager calls over the blocking varlink client. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vl-client.h"
#include "xdplink/xdplink-client.h"
#include "xlc-internal.h"
#include "xl-util.h"

#define METHOD(m) XL_CLIENT_INTERFACE "." m

struct xl_client {
	struct vl_client *vl;
	int fd;				/* vl's socket, for xl_client__interrupt() */
	volatile sig_atomic_t interrupted;
	bool refused;			/* error below describes the last call */
	struct xl_client_error error;
	char *error_name;
	json_t *error_params;
	char error_msg[1024];
};

const char *xl_client__default_socket(void)
{
	const char *s = secure_getenv("XDPLINKD_SOCKET");

	return s && *s ? s : XL_CLIENT_SOCKET;
}

static bool client_opts_ok(const struct xl_client_opts *o)
{
	return !o || o->sz >= offsetofend(struct xl_client_opts, xl_client_opts__last_field);
}

int xl_client__connect(const char *path, const struct xl_client_opts *opts,
		       struct xl_client **ret)
{
	struct xl_client *c;
	int r;

	if (!ret || !client_opts_ok(opts))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = vl_client_connect(&c->vl, path ? path : xl_client__default_socket(),
			      opts ? opts->timeout_usec : 0);
	if (r < 0) {
		free(c);
		return r;
	}
	c->fd = vl_client_fd(c->vl);
	*ret = c;
	return 0;
}

int xl_client__new_fd(int fd, const struct xl_client_opts *opts, struct xl_client **ret)
{
	struct xl_client *c;
	int r;

	if (fd < 0 || !ret || !client_opts_ok(opts))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	/* On failure vl leaves fd alone, and so do we. */
	r = vl_client_new_fd(&c->vl, fd, opts ? opts->timeout_usec : 0);
	if (r < 0) {
		free(c);
		return r;
	}
	c->fd = fd;
	*ret = c;
	return 0;
}

static void clear_error(struct xl_client *c)
{
	free(c->error_name);
	c->error_name = NULL;
	json_decref(c->error_params);
	c->error_params = NULL;
	c->error_msg[0] = '\0';
	c->refused = false;
}

struct xl_client *xl_client__free(struct xl_client *c)
{
	if (!c)
		return NULL;
	clear_error(c);
	vl_client_free(c->vl);
	free(c);
	return NULL;
}

void xl_client__interrupt(struct xl_client *c)
{
	if (!c)
		return;
	c->interrupted = 1;
	/* shutdown() is async-signal-safe and wakes a poll() on this socket. */
	(void)shutdown(c->fd, SHUT_RDWR);
}

const struct xl_client_error *xl_client__last_error(const struct xl_client *c)
{
	return c && c->refused ? &c->error : NULL;
}

/* A refusal: keep it for the caller, return the errno it stands for. */
static int take_error(struct xl_client *c, const char *name, json_t *params)
{
	int r;

	clear_error(c);
	c->error_params = params;
	c->error_name = strdup(name);
	if (!c->error_name)
		return -ENOMEM;
	xl_client__format_error(name, params, c->error_msg, sizeof(c->error_msg));
	c->error = (struct xl_client_error){
		.name = c->error_name,
		.message = c->error_msg,
		.verifier_log = json_string_value(json_object_get(params, "verifierLog")),
		.parameters = params,
	};
	c->refused = true;
	r = xl_client__errno_for(name);
	/* SystemError carries the errno itself. */
	if (strcmp(name, METHOD("SystemError")) == 0) {
		int e = xlc_errno_from_name(json_string_value(json_object_get(params, "errnoName")));

		if (e)
			r = e;
	}
	return r;
}

/* A failure of the connection itself; after an interrupt that is the point. */
static int conn_error(const struct xl_client *c, int r)
{
	return c->interrupted ? -ECANCELED : r;
}

/* Read one reply: 0 with its parameters, or the errno of a refusal. */
static int read_reply(struct xl_client *c, json_t **ret, bool *ret_continues)
{
	const char *error;
	json_t *reply;
	int r;

	r = vl_client_read(c->vl, &reply, &error, ret_continues);
	if (r < 0)
		return conn_error(c, r);
	if (error)
		return take_error(c, error, reply);
	*ret = reply;
	return 0;
}

int xl_client__call(struct xl_client *c, const char *method, json_t *parameters,
		    const int *fds, size_t n_fds, json_t **ret)
{
	json_t *reply = NULL;
	bool cont = false;
	int r;

	if (!c || !method) {
		json_decref(parameters);
		return -EINVAL;
	}
	clear_error(c);
	if (c->interrupted) {
		json_decref(parameters);
		return -ECANCELED;
	}
	r = vl_client_send(c->vl, method, parameters, 0, fds, n_fds);
	if (r < 0)
		return conn_error(c, r);
	r = read_reply(c, &reply, &cont);
	if (r < 0)
		return r;
	if (ret)
		*ret = reply;
	else
		json_decref(reply);
	return 0;
}

/* An unsigned integer of a reply, within max; a reply without it is not ours. */
static int reply_uint(json_t *reply, const char *key, __u64 max, __u64 *ret)
{
	json_t *v = json_object_get(reply, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (__u64)json_integer_value(v) > max)
		return -EBADMSG;
	*ret = (__u64)json_integer_value(v);
	return 0;
}

json_t *xlc_actions_json(__u32 mask)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	json_t *a = json_array();

	for (unsigned i = 0; a && i < ELEMENTSOF(names); i++)
		if (mask & XL_ACTION(i) && json_array_append_new(a, json_string(names[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

#define ACTIONS_VALID (XL_ACTION(0) | XL_ACTION(1) | XL_ACTION(2) | XL_ACTION(3) | \
		       XL_ACTION(4) | XL_ACTIONS_NONE)

static __u32 program_shared(const struct xl_client_program *p)
{
	return p->sz >= offsetofend(struct xl_client_program, prog_id) ? p->prog_id : 0;
}

static int program_check(const struct xl_client_program *p)
{
	if (!p || p->sz < offsetofend(struct xl_client_program, xl_client_program__last_field))
		return -EINVAL;
	if (!p->object && p->object_fd < 0 && !program_shared(p))
		return -EINVAL;
	if (p->priority != XL_PRIORITY_FROM_OBJECT &&
	    (p->priority < 0 || p->priority > XL_PRIORITY_MAX))
		return -ERANGE;
	if (p->actions & ~ACTIONS_VALID)
		return -EINVAL;
	return 0;
}

static int set_new(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0 ? 0 : -ENOMEM;
}

/* The Program object; an fd-passed object gets the next index of fds. */
static int program_json(const struct xl_client_program *p, int *fds, size_t *n_fds,
			json_t **ret)
{
	_cleanup_json_ json_t *o = json_object();
	int r = o ? 0 : -ENOMEM;

	if (r == 0 && p->object) {
		r = set_new(o, "object", json_string(p->object));
	} else if (r == 0 && p->object_fd < 0 && program_shared(p)) {
		r = set_new(o, "programId", json_integer((json_int_t)program_shared(p)));
	} else if (r == 0) {
		r = set_new(o, "objectFd", json_integer((json_int_t)*n_fds));
		fds[(*n_fds)++] = p->object_fd;
	}
	if (r == 0 && p->prog_name)
		r = set_new(o, "program", json_string(p->prog_name));
	if (r == 0 && p->priority != XL_PRIORITY_FROM_OBJECT)
		r = set_new(o, "priority", json_integer(p->priority));
	if (r == 0 && p->actions)
		r = set_new(o, "actions", xlc_actions_json(p->actions));
	if (r == 0 && p->label)
		r = set_new(o, "label", json_string(p->label));
	if (r == 0)
		*ret = TAKE_PTR(o);
	return r;
}

static bool change_opts_ok(const struct xl_client_change_opts *o)
{
	return !o || (o->sz >= offsetofend(struct xl_client_change_opts,
					   xl_client_change_opts__last_field) &&
		      o->mode <= XL_MODE_SKB && o->counters <= XL_CLIENT_COUNTERS_OFF &&
		      o->expected_revision <= INT64_MAX &&
		      (o->sz < offsetofend(struct xl_client_change_opts, lifetime) ||
		       o->lifetime <= XL_CLIENT_LIFETIME_CONNECTION));
}

static int opts_netns_fd(const struct xl_client_change_opts *o)
{
	if (!o || o->sz < offsetofend(struct xl_client_change_opts, netns_fd))
		return 0;
	return o->netns_fd;
}

/* A namespace fd goes last among the call's fds. */
static int add_netns(json_t *params, int netns_fd, int *fds, size_t *n_fds)
{
	if (netns_fd <= 0)
		return 0;
	fds[*n_fds] = netns_fd;
	return set_new(params, "netnsFd", json_integer((json_int_t)(*n_fds)++));
}

/* mode and counters only where the method has them. */
static int change_params(json_t *params, const struct xl_client_change_opts *o,
			 bool mode_counters)
{
	int r = 0;

	if (!o)
		return 0;
	if (mode_counters && o->mode != XL_MODE_UNSPEC)
		r = set_new(params, "mode", json_string(o->mode == XL_MODE_SKB ? "skb" : "native"));
	if (r == 0 && mode_counters && o->counters != XL_CLIENT_COUNTERS_DEFAULT)
		r = set_new(params, "counters", json_boolean(o->counters == XL_CLIENT_COUNTERS_ON));
	if (r == 0 && o->expected_revision)
		r = set_new(params, "expectedRevision",
			    json_integer((json_int_t)o->expected_revision));
	if (r == 0 && mode_counters && o->sz >= offsetofend(struct xl_client_change_opts, lifetime) &&
	    o->lifetime == XL_CLIENT_LIFETIME_CONNECTION)
		r = set_new(params, "lifetime", json_string("connection"));
	return r;
}

int xl_client__attach(struct xl_client *c, const char *ifname,
		      const struct xl_client_program *prog,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret)
{
	_cleanup_json_ json_t *reply = NULL;
	json_t *params = NULL;
	__u64 id, prog_id, rev;
	size_t n_fds = 0;
	int fds[2], r;

	if (!c || !ifname || !change_opts_ok(opts))
		return -EINVAL;
	r = program_check(prog);
	if (r < 0)
		return r;
	r = program_json(prog, fds, &n_fds, &params);
	if (r == 0)
		r = set_new(params, "interface", json_string(ifname));
	if (r == 0)
		r = change_params(params, opts, true);
	if (r == 0)
		r = add_netns(params, opts_netns_fd(opts), fds, &n_fds);
	if (r < 0) {
		json_decref(params);
		return r;
	}
	r = xl_client__call(c, METHOD("Attach"), params, fds, n_fds, &reply);
	if (r < 0)
		return r;
	if (reply_uint(reply, "id", UINT32_MAX, &id) < 0 ||
	    reply_uint(reply, "programId", UINT32_MAX, &prog_id) < 0 ||
	    reply_uint(reply, "revision", INT64_MAX, &rev) < 0)
		return -EBADMSG;
	if (ret)
		*ret = (struct xl_client_result){ .revision = rev, .id = (__u32)id,
						  .prog_id = (__u32)prog_id };
	return 0;
}

int xl_client__detach(struct xl_client *c, const char *ifname, __u32 id,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret)
{
	_cleanup_json_ json_t *reply = NULL;
	json_t *params;
	size_t n_fds = 0;
	__u64 rev;
	int fds[1], r;

	if (!c || !ifname || !change_opts_ok(opts))
		return -EINVAL;
	params = id ? json_pack("{s:s,s:I}", "interface", ifname, "id", (json_int_t)id)
		    : json_pack("{s:s,s:b}", "interface", ifname, "all", 1);
	if (!params)
		return -ENOMEM;
	r = change_params(params, opts, false);
	if (r == 0)
		r = add_netns(params, opts_netns_fd(opts), fds, &n_fds);
	if (r < 0) {
		json_decref(params);
		return r;
	}
	r = xl_client__call(c, METHOD("Detach"), params, fds, n_fds, &reply);
	if (r < 0)
		return r;
	if (reply_uint(reply, "revision", INT64_MAX, &rev) < 0)
		return -EBADMSG;
	if (ret)
		*ret = (struct xl_client_result){ .revision = rev };
	return 0;
}

/* The Replace parameters; fds gets one entry per fd-passed object. */
static int replace_params(const char *ifname, const struct xl_client_program *progs, size_t n,
			  const struct xl_client_change_opts *opts, int *fds, size_t *n_fds,
			  json_t **ret)
{
	_cleanup_json_ json_t *params = NULL;
	json_t *list = json_array();
	int r;

	params = json_pack("{s:s,s:o}", "interface", ifname, "programs", list);
	if (!params)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *p = NULL;

		r = program_check(&progs[i]);
		if (r == 0)
			r = program_json(&progs[i], fds, n_fds, &p);
		if (r == 0)
			r = json_array_append_new(list, p) == 0 ? 0 : -ENOMEM;
		if (r < 0)
			return r;
	}
	r = change_params(params, opts, true);
	if (r == 0)
		r = add_netns(params, opts_netns_fd(opts), fds, n_fds);
	if (r == 0)
		*ret = TAKE_PTR(params);
	return r;
}

static int replace_result(json_t *reply, struct xl_client_result *ret)
{
	json_t *ids = json_object_get(reply, "ids"), *v;
	struct xl_client_result res = {};
	size_t i;

	if (reply_uint(reply, "revision", INT64_MAX, &res.revision) < 0 || !json_is_array(ids) ||
	    json_array_size(ids) > ELEMENTSOF(res.ids))
		return -EBADMSG;
	json_array_foreach(ids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
		    json_integer_value(v) > UINT32_MAX)
			return -EBADMSG;
		res.ids[res.n_ids++] = (__u32)json_integer_value(v);
	}
	if (ret)
		*ret = res;
	return 0;
}

int xl_client__replace(struct xl_client *c, const char *ifname,
		       const struct xl_client_program *progs, size_t n,
		       const struct xl_client_change_opts *opts, struct xl_client_result *ret)
{
	_cleanup_json_ json_t *reply = NULL;
	_cleanup_free_ int *fds = NULL;
	json_t *params = NULL;
	size_t n_fds = 0;
	int r;

	if (!c || !ifname || (n && !progs) || !change_opts_ok(opts))
		return -EINVAL;
	fds = calloc(n + 1, sizeof(*fds));	/* the objects' and the namespace's */
	if (!fds)
		return -ENOMEM;
	r = replace_params(ifname, progs, n, opts, fds, &n_fds, &params);
	if (r < 0)
		return r;
	r = xl_client__call(c, METHOD("Replace"), params, fds, n_fds, &reply);
	if (r < 0)
		return r;
	return replace_result(reply, ret);
}

/* An "objectFd" of the caller's becomes the next index of fds. */
static int renumber_fd(json_t *o, int *fds, size_t *n_fds)
{
	json_t *v = json_object_get(o, "objectFd");

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)
		return -EINVAL;
	fds[*n_fds] = (int)json_integer_value(v);
	return json_object_set_new(o, "objectFd", json_integer((json_int_t)(*n_fds)++)) == 0 ?
		0 : -ENOMEM;
}

/* The operations' fds, in the order they appear; fds has room for all. */
static int change_fds(json_t *ops, int *fds, size_t *n_fds)
{
	json_t *op, *p;
	size_t i, k;
	int r;

	json_array_foreach(ops, i, op) {
		if (!json_is_object(op))
			return -EINVAL;
		r = renumber_fd(op, fds, n_fds);
		json_array_foreach(json_object_get(op, "programs"), k, p)
			if (r == 0)
				r = json_is_object(p) ? renumber_fd(p, fds, n_fds) : -EINVAL;
		if (r < 0)
			return r;
	}
	return 0;
}

static size_t count_fds(json_t *ops)
{
	size_t i, n = 0;
	json_t *op;

	json_array_foreach(ops, i, op)
		n += 1 + json_array_size(json_object_get(op, "programs"));
	return n;
}

static bool change_reply_ok(json_t *reply)
{
	__u64 v;

	return reply_uint(reply, "revision", INT64_MAX, &v) == 0 &&
	       json_is_boolean(json_object_get(reply, "unchanged")) &&
	       json_is_array(json_object_get(reply, "attachments")) &&
	       json_is_array(json_object_get(reply, "added")) &&
	       json_is_array(json_object_get(reply, "removed"));
}

int xl_client__change(struct xl_client *c, const char *ifname, json_t *operations,
		      const struct xl_client_change_opts *opts, bool dry_run, json_t **ret_reply)
{
	_cleanup_json_ json_t *reply = NULL, *params = NULL;
	_cleanup_free_ int *fds = NULL;
	json_t *ops;
	size_t n_fds = 0;
	int r;

	if (!c || !ifname || !json_is_array(operations) || !change_opts_ok(opts))
		return -EINVAL;
	ops = json_deep_copy(operations);
	params = json_pack("{s:s,s:o}", "interface", ifname, "operations", ops);
	fds = calloc(count_fds(operations) + 1, sizeof(*fds));	/* + the namespace's */
	if (!params || !fds)
		return -ENOMEM;
	r = change_fds(ops, fds, &n_fds);
	if (r == 0)
		r = change_params(params, opts, true);
	if (r == 0)
		r = add_netns(params, opts_netns_fd(opts), fds, &n_fds);
	if (r == 0 && dry_run)
		r = set_new(params, "dryRun", json_true());
	if (r < 0)
		return r;
	r = xl_client__call(c, METHOD("Change"), TAKE_PTR(params), fds, n_fds, &reply);
	if (r < 0)
		return r;
	if (!change_reply_ok(reply))
		return -EBADMSG;
	if (ret_reply)
		*ret_reply = TAKE_PTR(reply);
	return 0;
}

/* Calls whose only parameter is an optional interface name. */
static json_t *iface_params(const char *ifname)
{
	return ifname ? json_pack("{s:s}", "interface", ifname) : json_object();
}

int xl_client__list(struct xl_client *c, const char *ifname, json_t **ret_interfaces)
{
	return xl_client__list_in(c, ifname, 0, ret_interfaces);
}

int xl_client__list_in(struct xl_client *c, const char *ifname, int netns_fd,
		       json_t **ret_interfaces)
{
	struct xl_client_list_opts opts = { .sz = sizeof(opts), .netns_fd = netns_fd };

	return xl_client__list_opts(c, ifname, &opts, ret_interfaces);
}

int xl_client__list_opts(struct xl_client *c, const char *ifname,
			 const struct xl_client_list_opts *opts, json_t **ret_interfaces)
{
	_cleanup_json_ json_t *reply = NULL;
	json_t *params = iface_params(ifname), *list;
	int fds[1], r, netns_fd = 0;
	size_t n_fds = 0;

	if (opts && opts->sz >= offsetofend(struct xl_client_list_opts, netns_fd))
		netns_fd = opts->netns_fd;
	if (!c || !ret_interfaces || netns_fd < 0 ||
	    (opts && opts->sz < offsetofend(struct xl_client_list_opts, xl_client_list_opts__last_field))) {
		json_decref(params);
		return -EINVAL;
	}
	if (!params)
		return -ENOMEM;
	r = add_netns(params, netns_fd, fds, &n_fds);
	/* Sent only when set: a daemon from before them still answers. */
	if (r == 0 && opts && opts->all)
		r = set_new(params, "all", json_true());
	if (r == 0 && opts && opts->maps)
		r = set_new(params, "maps", json_true());
	if (r < 0) {
		json_decref(params);
		return r;
	}
	r = xl_client__call(c, METHOD("List"), params, fds, n_fds, &reply);
	if (r < 0)
		return r;
	list = json_object_get(reply, "interfaces");
	if (!json_is_array(list))
		return -EBADMSG;
	*ret_interfaces = json_incref(list);
	return 0;
}

int xl_client__adopt(struct xl_client *c, const char *ifname,
		     const struct xl_client_adopt_opts *opts, json_t **ret_interface)
{
	_cleanup_json_ json_t *reply = NULL;
	json_t *params, *iface;
	size_t n_fds = 0;
	int fds[1], r;

	if (!c || !ifname ||
	    (opts && opts->sz < offsetofend(struct xl_client_adopt_opts, xl_client_adopt_opts__last_field)))
		return -EINVAL;
	params = json_pack("{s:s}", "interface", ifname);
	if (!params)
		return -ENOMEM;
	r = opts && opts->detach ? set_new(params, "detach", json_true()) : 0;
	if (r == 0)
		r = add_netns(params, opts ? opts->netns_fd : 0, fds, &n_fds);
	if (r < 0) {
		json_decref(params);
		return r;
	}
	r = xl_client__call(c, METHOD("Adopt"), params, fds, n_fds, &reply);
	if (r < 0)
		return r;
	iface = json_object_get(reply, "interface");
	if (!json_is_object(iface))
		return -EBADMSG;
	if (ret_interface)
		*ret_interface = json_incref(iface);
	return 0;
}

int xl_client__describe(struct xl_client *c, json_t **ret)
{
	if (!ret)
		return -EINVAL;
	return xl_client__call(c, METHOD("Describe"), NULL, NULL, 0, ret);
}

int xl_client__statistics(struct xl_client *c, json_t **ret)
{
	json_t *reply = NULL;
	int r;

	if (!ret)
		return -EINVAL;
	r = xl_client__call(c, METHOD("Statistics"), NULL, NULL, 0, &reply);
	if (r < 0)
		return r;
	if (!json_is_object(reply) || !json_is_array(json_object_get(reply, "errors"))) {
		json_decref(reply);
		return -EBADMSG;
	}
	*ret = reply;
	return 0;
}

int xl_client__get_info(struct xl_client *c, json_t **ret)
{
	if (!ret)
		return -EINVAL;
	return xl_client__call(c, "org.varlink.service.GetInfo", NULL, NULL, 0, ret);
}

int xl_client__reload(struct xl_client *c)
{
	return xl_client__call(c, METHOD("Reload"), NULL, NULL, 0, NULL);
}

int xl_client__monitor(struct xl_client *c, const char *ifname)
{
	json_t *params = iface_params(ifname), *first = NULL;
	bool cont = false;
	int r;

	if (!c) {
		json_decref(params);
		return -EINVAL;
	}
	if (!params)
		return -ENOMEM;
	clear_error(c);
	r = vl_client_send(c->vl, METHOD("Monitor"), params, VL_CALL_MORE, NULL, 0);
	if (r < 0)
		return conn_error(c, r);
	/* The first reply carries no event: it confirms the subscription. */
	r = read_reply(c, &first, &cont);
	if (r < 0)
		return r;
	json_decref(first);
	return cont ? 0 : -ECONNRESET;
}

int xl_client__next_event(struct xl_client *c, json_t **ret_event)
{
	if (!c || !ret_event)
		return -EINVAL;
	clear_error(c);
	for (;;) {
		_cleanup_json_ json_t *reply = NULL;
		bool cont = false;
		json_t *ev;
		int r;

		r = read_reply(c, &reply, &cont);
		if (r < 0)
			return r;
		ev = json_object_get(reply, "event");
		if (json_is_object(ev)) {
			*ret_event = json_incref(ev);
			return 0;
		}
		/* A final reply ends the stream; one without an event is skipped. */
		if (!cont)
			return -ECONNRESET;
	}
}

int xl_client__hold(struct xl_client *c)
{
	struct pollfd p = { .fd = c ? c->fd : -1, .events = POLLIN | POLLRDHUP };
	char byte;

	if (!c)
		return -EINVAL;
	for (;;) {
		if (c->interrupted)
			return -ECANCELED;
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (c->interrupted)
			return -ECANCELED;
		/* Nothing is due on this connection: the daemon closing it is
		 * the only thing that can happen, anything else is a bug. */
		if ((p.revents & (POLLHUP | POLLRDHUP | POLLERR)) ||
		    recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
			return -ECONNRESET;
		return -EBADMSG;
	}
}
