/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxdplink-client: typed io.xdplink.Manager calls over the blocking varlink client. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vl-client.h"
#include "xdplink/xdplink-client.h"
#include "xl-util.h"

#define IFACE "io.xdplink.Manager"

struct xl_client {
	struct vl_client *vl;
	char *error_name;
	json_t *error_params;
	char error_msg[1024];
};

const char *xl_client__default_socket(void)
{
	const char *s = secure_getenv("XDPLINKD_SOCKET");

	return s && *s ? s : XL_CLIENT_SOCKET;
}

int xl_client__connect(const char *path, const struct xl_client_opts *opts,
		       struct xl_client **ret)
{
	struct xl_client *c;
	int r;

	if (opts && opts->sz < offsetofend(struct xl_client_opts, xl_client_opts__last_field))
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

/* A refusal: keep it for the caller, return its errno. */
static int take_error(struct xl_client *c, const char *name, json_t *params)
{
	clear_error(c);
	c->error_name = strdup(name);
	c->error_params = params;
	xl_client__format_error(name, params, c->error_msg, sizeof(c->error_msg));
	return c->error_name ? xl_client__errno_for(name) : -ENOMEM;
}

int xl_client__call(struct xl_client *c, const char *method, json_t *parameters,
		    const int *fds, size_t n_fds, json_t **ret)
{
	const char *error;
	json_t *reply;
	int r;

	clear_error(c);
	r = vl_client_call(c->vl, method, parameters, fds, n_fds, &reply, &error);
	if (r < 0)
		return r;
	if (error)
		return take_error(c, error, reply);
	if (ret)
		*ret = reply;
	else
		json_decref(reply);
	return 0;
}

const char *xl_client__error_name(const struct xl_client *c) { return c->error_name; }
const char *xl_client__error_message(const struct xl_client *c) { return c->error_msg; }
json_t *xl_client__error_parameters(const struct xl_client *c) { return c->error_params; }

const char *xl_client__verifier_log(const struct xl_client *c)
{
	return json_string_value(json_object_get(c->error_params, "verifierLog"));
}

static json_t *actions_json(__u32 mask)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	json_t *a = json_array();

	for (unsigned i = 0; a && i < ELEMENTSOF(names); i++)
		if (mask & XL_ACTION(i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

/* The Program object; fd-passed objects get the next fd index. */
static json_t *program_json(const struct xl_client_program *p, int *fds, size_t *n_fds)
{
	json_t *o;

	if (!p || p->sz < offsetofend(struct xl_client_program, xl_client_program__last_field))
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	if (p->object_fd >= 0) {
		json_object_set_new(o, "objectFd", json_integer((json_int_t)*n_fds));
		fds[(*n_fds)++] = p->object_fd;
	} else if (p->object) {
		json_object_set_new(o, "object", json_string(p->object));
	}
	if (p->prog_name)
		json_object_set_new(o, "program", json_string(p->prog_name));
	if (p->priority != XL_PRIORITY_FROM_OBJECT)
		json_object_set_new(o, "priority", json_integer(p->priority));
	if (p->actions)
		json_object_set_new(o, "actions", actions_json(p->actions & ~XL_ACTIONS_NONE));
	if (p->label)
		json_object_set_new(o, "label", json_string(p->label));
	return o;
}

static void change_opts(json_t *params, const struct xl_client_change_opts *o, bool counters)
{
	if (!o)
		return;
	if (o->mode != XL_MODE_UNSPEC)
		json_object_set_new(params, "mode",
				    json_string(o->mode == XL_MODE_SKB ? "skb" : "native"));
	if (counters && o->counters >= 0)
		json_object_set_new(params, "counters", json_boolean(o->counters));
	if (o->expected_revision)
		json_object_set_new(params, "expectedRevision",
				    json_integer((json_int_t)o->expected_revision));
}

static bool opts_ok(const struct xl_client_change_opts *o)
{
	return !o || o->sz >= offsetofend(struct xl_client_change_opts,
					  xl_client_change_opts__last_field);
}

int xl_client__attach(struct xl_client *c, const char *ifname,
		      const struct xl_client_program *prog,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret)
{
	_cleanup_json_ json_t *reply = NULL;
	int fds[1];
	size_t n_fds = 0;
	json_t *params;
	int r;

	if (!ifname || !opts_ok(opts))
		return -EINVAL;
	params = program_json(prog, fds, &n_fds);
	if (!params)
		return -EINVAL;
	json_object_set_new(params, "interface", json_string(ifname));
	change_opts(params, opts, true);
	r = xl_client__call(c, IFACE ".Attach", params, fds, n_fds, &reply);
	if (r == 0 && ret) {
		*ret = (struct xl_client_result){
			.revision = (__u64)json_integer_value(json_object_get(reply, "revision")),
			.id = (__u32)json_integer_value(json_object_get(reply, "id")),
			.prog_id = (__u32)json_integer_value(json_object_get(reply, "programId")),
		};
	}
	return r;
}

int xl_client__detach(struct xl_client *c, const char *ifname, __u32 id,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret)
{
	_cleanup_json_ json_t *reply = NULL;
	json_t *params;
	int r;

	if (!ifname || !opts_ok(opts))
		return -EINVAL;
	params = id ? json_pack("{s:s,s:I}", "interface", ifname, "id", (json_int_t)id)
		    : json_pack("{s:s,s:b}", "interface", ifname, "all", 1);
	if (!params)
		return -ENOMEM;
	change_opts(params, opts, false);
	json_object_del(params, "mode");
	r = xl_client__call(c, IFACE ".Detach", params, NULL, 0, &reply);
	if (r == 0 && ret)
		*ret = (struct xl_client_result){
			.revision = (__u64)json_integer_value(json_object_get(reply, "revision")) };
	return r;
}

int xl_client__replace(struct xl_client *c, const char *ifname,
		       const struct xl_client_program *progs, size_t n,
		       const struct xl_client_change_opts *opts, struct xl_client_result *ret)
{
	_cleanup_json_ json_t *reply = NULL;
	int fds[XL_MAX_PROGS + 1];
	json_t *params, *list, *ids;
	size_t n_fds = 0, i;
	int r;

	if (!ifname || !opts_ok(opts) || n > XL_MAX_PROGS + 1)
		return -EINVAL;
	list = json_array();
	for (i = 0; list && i < n; i++) {
		json_t *p = program_json(&progs[i], fds, &n_fds);

		if (!p || json_array_append_new(list, p) < 0) {
			json_decref(list);
			return -EINVAL;
		}
	}
	params = json_pack("{s:s,s:o}", "interface", ifname, "programs", list);
	if (!params)
		return -ENOMEM;
	change_opts(params, opts, true);
	r = xl_client__call(c, IFACE ".Replace", params, fds, n_fds, &reply);
	if (r < 0 || !ret)
		return r;
	*ret = (struct xl_client_result){
		.revision = (__u64)json_integer_value(json_object_get(reply, "revision")) };
	ids = json_object_get(reply, "ids");
	for (i = 0; i < json_array_size(ids) && i < XL_MAX_PROGS; i++)
		ret->ids[ret->n_ids++] = (__u32)json_integer_value(json_array_get(ids, i));
	return 0;
}

int xl_client__list(struct xl_client *c, const char *ifname, json_t **ret_interfaces)
{
	_cleanup_json_ json_t *reply = NULL;
	json_t *params = ifname ? json_pack("{s:s}", "interface", ifname) : json_object();
	int r;

	if (!params)
		return -ENOMEM;
	r = xl_client__call(c, IFACE ".List", params, NULL, 0, &reply);
	if (r < 0)
		return r;
	*ret_interfaces = json_incref(json_object_get(reply, "interfaces"));
	return *ret_interfaces ? 0 : -EBADMSG;
}

int xl_client__describe(struct xl_client *c, json_t **ret)
{
	return xl_client__call(c, IFACE ".Describe", NULL, NULL, 0, ret);
}

int xl_client__reload(struct xl_client *c)
{
	return xl_client__call(c, IFACE ".Reload", NULL, NULL, 0, NULL);
}

int xl_client__monitor(struct xl_client *c, const char *ifname)
{
	json_t *params = ifname ? json_pack("{s:s}", "interface", ifname) : json_object();
	json_t *first = NULL;
	int r;

	if (!params)
		return -ENOMEM;
	r = vl_client_send(c->vl, IFACE ".Monitor", params, VL_CALL_MORE, NULL, 0);
	if (r < 0)
		return r;
	/* The first reply carries no event: it confirms the subscription. */
	r = xl_client__next_event(c, &first);
	json_decref(first);
	return r == -ENODATA ? 0 : r < 0 ? r : 0;
}

int xl_client__next_event(struct xl_client *c, json_t **ret_event)
{
	const char *error;
	json_t *reply, *ev;
	bool cont;
	int r;

	clear_error(c);
	r = vl_client_read(c->vl, &reply, &error, &cont);
	if (r < 0)
		return r;
	if (error)
		return take_error(c, error, reply);
	ev = json_object_get(reply, "event");
	if (!ev || json_is_null(ev)) {
		json_decref(reply);
		return cont ? -ENODATA : -ECONNRESET;
	}
	*ret_event = json_incref(ev);
	json_decref(reply);
	return 0;
}
