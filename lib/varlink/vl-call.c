/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink calls: parsing and running them in order, replies, more/oneway, errno mapping. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vl-server-internal.h"
#include "xl-util.h"

/* Queue one message of the current call; final ones end the call. */
static int link_send(struct vl_link *l, json_t *msg, bool final)
{
	_cleanup_json_ json_t *m = msg;
	int r;

	if (!l->server) {
		l->in_call = false;
		return -ENOTCONN;
	}
	if (!l->in_call)
		return -EALREADY;
	if (!m)
		r = -ENOMEM;
	else if (l->call_flags & VL_CALL_ONEWAY)
		r = 0;
	else if (vl_writer_pending(&l->writer) > l->server->opts.write_queue_max)
		r = -ENOBUFS;
	else if ((r = vl_link_check_output(l)) == 0)
		r = vl_writer_append_json(&l->writer, m);
	vl_link_account(l);
	if (r == -ENOBUFS) {
		/* The peer stopped reading a stream: drop it rather than grow. */
		vl_link_log(l, LOG_DEBUG, "%zu bytes unread, over the limit: closing the connection",
			    vl_writer_pending(&l->writer));
		vl_link_close(l);
		return r;
	}
	if (r < 0 && !final)
		return r;
	if (final) {
		l->in_call = false;
		l->method = mfree(l->method);
		vl_link_end_call_fds(l);
		vl_link_arm_idle(l, true);
		vl_link_schedule(l);
		if (r < 0) {
			/* The call cannot be answered; the peer would wait forever. */
			vl_link_log(l, LOG_DEBUG, "cannot answer: %s; closing the connection",
				    errno_name(r));
			vl_link_close(l);
			return r;
		}
	}
	r = vl_link_flush(l);
	if (r < 0) {
		vl_link_log(l, LOG_DEBUG, "write failed: %s; closing the connection", errno_name(r));
		vl_link_close(l);
		return r;
	}
	vl_link_update_events(l);
	return 0;
}

int vl_link_reply(struct vl_link *l, json_t *parameters)
{
	assert(l);
	return link_send(l, vl_reply_new(parameters, false), true);
}

int vl_link_reply_more(struct vl_link *l, json_t *parameters)
{
	assert(l);
	if (l->in_call && !(l->call_flags & (VL_CALL_MORE | VL_CALL_ONEWAY))) {
		json_decref(parameters);
		return -EINVAL;
	}
	return link_send(l, vl_reply_new(parameters, true), false);
}

int vl_link_error(struct vl_link *l, const char *error, json_t *parameters)
{
	assert(l);
	assert(error);
	if (l->server && l->server->opts.on_error)
		l->server->opts.on_error(error, l->server->opts.on_error_userdata);
	return link_send(l, vl_reply_error_new(error, parameters), true);
}

int vl_link_error_errno(struct vl_link *l, int r)
{
	assert(l);
	assert(r < 0);
	switch (r) {
	case -EINVAL:
		(void)vl_link_error(l, VL_ERROR_INVALID_PARAMETER,
				    json_pack("{s:s}", "parameter", "parameters"));
		break;
	case -EPERM:
	case -EACCES:
		(void)vl_link_error(l, VL_ERROR_PERMISSION_DENIED, NULL);
		break;
	case -EOPNOTSUPP:
		(void)vl_link_error(l, VL_ERROR_METHOD_NOT_IMPLEMENTED,
				    json_pack("{s:s?}", "method", l->method));
		break;
	default:
		(void)vl_link_error(l, VL_ERROR_SYSTEM,
				    json_pack("{s:i,s:s}", "errno", -r, "errnoName",
					      errno_name(r)));
		break;
	}
	return r;
}

/* A named error if the check produced one, else the errno's mapping. */
static void reply_failure(struct vl_link *l, int r, struct vl_error *e)
{
	if (e->name)
		(void)vl_link_error(l, e->name, TAKE_PTR(e->parameters));
	else
		(void)vl_link_error_errno(l, r);
}

/* The call is the link's current one from now on: replies go to it. */
static void link_begin_call(struct vl_link *l, const char *method, unsigned flags)
{
	l->in_call = true;
	l->call_flags = flags;
	l->method = method ? strdup(method) : NULL;   /* NULL only costs the error its parameter */
	vl_link_arm_idle(l, false);
}

/*
 * A protocol error, answered as the spec names it (a oneway call stays
 * unanswered), and said at debug level: why (what the parser saw, or
 * NULL), the error and its parameters.
 */
static void link_refuse(struct vl_link *l, int r, struct vl_error *e, const char *why)
{
	bool logging = l->server && l->server->opts.log;
	_cleanup_free_ char *p = logging && e->parameters ?
		json_dumps(e->parameters, JSON_COMPACT) : NULL;

	vl_link_log(l, LOG_DEBUG, "%s: %s%s%s %s%s", l->method ?: "call", why ?: "", why ? ": " : "",
		    e->name ?: errno_name(r), p ?: "",
		    l->call_flags & VL_CALL_ONEWAY ? " (oneway: not sent)" : "");
	reply_failure(l, r, e);
}

int vl_link_dispatch(struct vl_link *l, json_t *parameters, const struct vl_field *table,
		     void *userdata)
{
	struct vl_error e = {};
	int r;

	assert(l);
	r = vl_dispatch(parameters, table, userdata, &e);
	if (r < 0)
		link_refuse(l, r, &e, NULL);
	vl_error_done(&e);
	return r;
}

/*
 * One complete message. Returns < 0 when the connection must go: the
 * message broke the protocol beyond an answer, or memory ran out.
 */
static int link_handle_message(struct vl_link *l, const char *msg, size_t len)
{
	struct vl_server *s = l->server;
	const struct vl_method *m = NULL;
	const struct vl_iface *iface;
	enum vl_call_error why = VL_CALL_OK;
	struct vl_error e = {};
	struct vl_call call;
	const char *dot;
	int r;

	vl_link_begin_call_fds(l);
	r = vl_call_parse(msg, len, &call, &why);
	if (r == -EINVAL) {
		/* A call, but a broken one: InvalidParameter names what is wrong. */
		link_begin_call(l, call.method, call.flags);
		vl_error_set_invalid_parameter(&e, call.invalid);
		link_refuse(l, -EINVAL, &e, vl_call_error_to_string(why));
		vl_error_done(&e);
		vl_call_done(&call);
		return 0;
	}
	if (r < 0) {
		vl_link_log(l, LOG_DEBUG, "%s, closing the connection without a reply",
			    r == -EBADMSG ? vl_call_error_to_string(why) : errno_name(r));
		return r;
	}

	link_begin_call(l, call.method, call.flags);
	if (l->call_fds_error < 0) {
		/* Its fds were refused on arrival (vl-link.c said why): so is the call. */
		(void)vl_link_error_errno(l, l->call_fds_error);
		vl_call_done(&call);
		return 0;
	}
	dot = strrchr(call.method, '.');
	iface = vl_server_find_iface(s, call.method, (size_t)(dot - call.method));
	if (!iface)
		r = vl_error_set(&e, -ENXIO, VL_ERROR_INTERFACE_NOT_FOUND,
				 json_pack("{s:s%}", "interface", call.method,
					   (size_t)(dot - call.method)));
	else
		r = vl_method_lookup(iface->methods, call.method, &m, &e);
	if (r >= 0)
		r = vl_method_check_flags(m, call.flags, &e);
	if (r < 0) {
		link_refuse(l, r, &e, NULL);
		vl_error_done(&e);
		vl_call_done(&call);
		return 0;
	}

	vl_link_ref(l);
	r = m->handler(l, call.parameters, call.flags, iface->userdata);
	if (l->in_call) {
		if (r < 0)
			(void)vl_link_error_errno(l, r);
		else if (call.flags & VL_CALL_ONEWAY)
			(void)link_send(l, vl_reply_new(NULL, false), true);
	}
	vl_link_unref(l);
	vl_call_done(&call);
	return 0;
}

/*
 * At most max calls, then the rest of the pipeline waits for its next turn
 * (vl_link_yield()): one 64 KiB read holds some 1,700 small calls, and
 * answering them all at once would keep every other connection waiting.
 */
static void link_process(struct vl_link *l, unsigned max)
{
	bool yielded = false;

	vl_link_ref(l);
	for (unsigned n = 0;
	     l->server && !l->in_call && vl_writer_pending(&l->writer) < VL_WRITE_PAUSE; n++) {
		const char *msg;
		size_t len;
		int r;

		if (n >= max && vl_reader_has_message(&l->reader)) {
			vl_link_yield(l);
			yielded = true;
			break;
		}
		r = vl_reader_next(&l->reader, &msg, &len);
		if (r == 0)
			break;
		if (r < 0)
			vl_link_log(l, LOG_DEBUG, "%s; closing the connection",
				    r == -EMSGSIZE ? "message over the size limit" : errno_name(r));
		else
			r = link_handle_message(l, msg, len);
		if (r < 0)
			vl_link_close(l);
	}
	if (l->server && l->eof && !yielded && !l->in_call && vl_writer_pending(&l->writer) == 0)
		vl_link_close(l);
	if (l->server) {
		vl_reader_trim(&l->reader);
		vl_link_account(l);
	}
	if (l->server)
		vl_link_update_events(l);
	vl_link_unref(l);
}

void vl_link_process(struct vl_link *l)
{
	link_process(l, VL_CALLS_PER_TURN);
}

void vl_link_process_all(struct vl_link *l)
{
	link_process(l, UINT_MAX);
}
