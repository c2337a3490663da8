/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink messages: strict call parsing, name syntax, reply and error construction. */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "vl-message.h"
#include "xl-util.h"

#define streq(a, b) (strcmp((a), (b)) == 0)

static const char *const call_error_names[_VL_CALL_ERROR_MAX] = {
	[VL_CALL_OK] = "ok",
	[VL_CALL_INVALID_JSON] = "invalid JSON",
	[VL_CALL_INVALID_UTF8] = "invalid UTF-8",
	[VL_CALL_DUPLICATE_KEY] = "duplicate key",
	[VL_CALL_NOT_OBJECT] = "message is not a JSON object",
	[VL_CALL_UNKNOWN_KEY] = "unknown key in call",
	[VL_CALL_WRONG_TYPE] = "call key of the wrong type",
	[VL_CALL_NO_METHOD] = "call without method",
	[VL_CALL_ONEWAY_AND_MORE] = "oneway and more together",
	[VL_CALL_BAD_METHOD_NAME] = "malformed method name",
};

const char *vl_call_error_to_string(enum vl_call_error e)
{
	if ((unsigned)e >= _VL_CALL_ERROR_MAX)
		return NULL;
	return call_error_names[e];
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/*
 * The spec's reverse-domain grammar:
 *   [A-Za-z]([-]*[A-Za-z0-9])*(\.[A-Za-z0-9]([-]*[A-Za-z0-9])*)+
 * Dashes only between alphanumerics, at least two labels.
 */
bool vl_interface_name_is_valid(const char *name)
{
	unsigned labels = 0;
	const char *p = name;

	if (!name || !is_alpha(*p))
		return false;
	for (;;) {
		if (!is_alnum(*p))
			return false;
		while (*p == '-' || is_alnum(*p))
			p++;
		if (p[-1] == '-')
			return false;
		labels++;
		if (*p == '\0')
			break;
		if (*p != '.')
			return false;
		p++;
	}
	return labels >= 2;
}

/* Methods, errors and types: [A-Z][A-Za-z0-9]* */
bool vl_member_name_is_valid(const char *name)
{
	if (!name || !(*name >= 'A' && *name <= 'Z'))
		return false;
	for (name++; *name; name++)
		if (!is_alnum(*name))
			return false;
	return true;
}

/* interface.Member, as used for method and error names. */
bool vl_qualified_name_is_valid(const char *name)
{
	_cleanup_free_ char *iface = NULL;
	const char *dot;

	if (!name)
		return false;
	dot = strrchr(name, '.');
	if (!dot || !vl_member_name_is_valid(dot + 1))
		return false;
	iface = strndup(name, (size_t)(dot - name));
	return iface && vl_interface_name_is_valid(iface);
}

static int call_fail(enum vl_call_error why, enum vl_call_error *ret_why)
{
	if (ret_why)
		*ret_why = why;
	return -EBADMSG;
}

/*
 * A call that can be answered, but only with InvalidParameter naming
 * parameter (a string of root's, or a literal): the call gets its flags,
 * so that a oneway one stays unanswered, and root for the name to live in.
 */
static int call_refuse(json_t **root, json_t *method, unsigned flags, const char *parameter,
		       enum vl_call_error why, struct vl_call *ret_call,
		       enum vl_call_error *ret_why)
{
	if (ret_why)
		*ret_why = why;
	*ret_call = (struct vl_call){
		.method = json_string_value(method),
		.flags = flags,
		.invalid = parameter,
		.root = TAKE_PTR(*root),
	};
	return -EINVAL;
}

static int flag_from(json_t *v, unsigned bit, unsigned *flags)
{
	if (!json_is_boolean(v))
		return -1;
	if (json_is_true(v))
		*flags |= bit;
	return 0;
}

/*
 * The spec: "Possible local vendor-specific extensions must be nested in
 * an object named after the vendor in reverse-domain notation." We know
 * none, so they are ignored; any other key is a broken call.
 */
static bool is_vendor_extension(const char *key, json_t *v)
{
	return json_is_object(v) && vl_interface_name_is_valid(key);
}

/*
 * Which reply a call wants is decided by "oneway" alone: without a
 * boolean there, or with "more" too, no answer can be right, and the
 * connection must go (-EBADMSG). Everything else the peer got wrong is
 * answerable in turn: -EINVAL, with flags and the name InvalidParameter
 * will carry.
 */
static int call_flags(json_t *root, unsigned *ret_flags, enum vl_call_error *ret_why)
{
	json_t *oneway = json_object_get(root, "oneway"), *more = json_object_get(root, "more");

	*ret_flags = 0;
	if (oneway && flag_from(oneway, VL_CALL_ONEWAY, ret_flags) < 0)
		return call_fail(VL_CALL_WRONG_TYPE, ret_why);
	/* A oneway call gets no reply, so it cannot get several. */
	if ((*ret_flags & VL_CALL_ONEWAY) && json_is_true(more))
		return call_fail(VL_CALL_ONEWAY_AND_MORE, ret_why);
	return 0;
}

/*
 * Strict, as systemd is, on what cannot be answered: bytes that are not
 * one JSON object, and the "oneway" cases above. Lenient where the spec
 * and the reference peers are: "parameters": null is no parameters
 * (varlink/go sends it for a nil input; the spec types it ?object), and
 * vendor extensions are ignored.
 * Returns 0; -EBADMSG for a message the connection cannot survive;
 * -EINVAL for a call to answer with InvalidParameter {"parameter":
 * ret_call->invalid} (unless oneway), ret_call then holds the message
 * and must be released with vl_call_done(); -ENOMEM.
 */
int vl_call_parse(const char *data, size_t len, struct vl_call *ret_call,
		  enum vl_call_error *ret_why)
{
	_cleanup_json_ json_t *root = NULL;
	json_t *v, *method = NULL, *params = NULL;
	unsigned flags = 0;
	json_error_t jerr;
	const char *key;
	int r;

	assert(data || len == 0);
	assert(ret_call);

	root = json_loadb(data, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		switch (json_error_code(&jerr)) {
		case json_error_out_of_memory:
			return -ENOMEM;
		case json_error_invalid_utf8:
			return call_fail(VL_CALL_INVALID_UTF8, ret_why);
		case json_error_duplicate_key:
			return call_fail(VL_CALL_DUPLICATE_KEY, ret_why);
		default:
			return call_fail(VL_CALL_INVALID_JSON, ret_why);
		}
	}
	if (!json_is_object(root))
		return call_fail(VL_CALL_NOT_OBJECT, ret_why);
	r = call_flags(root, &flags, ret_why);
	if (r < 0)
		return r;
	method = json_object_get(root, "method");

	json_object_foreach(root, key, v) {
		if (streq(key, "method"))
			r = json_is_string(v) ? 0 : -1;
		else if (streq(key, "parameters"))
			r = json_is_object(v) || json_is_null(v) ? (params = v, 0) : -1;
		else if (streq(key, "more"))
			r = flag_from(v, VL_CALL_MORE, &flags);
		else if (streq(key, "upgrade"))
			r = flag_from(v, VL_CALL_UPGRADE, &flags);
		else if (streq(key, "oneway") || is_vendor_extension(key, v))
			r = 0;
		else
			return call_refuse(&root, method, flags, key, VL_CALL_UNKNOWN_KEY, ret_call,
					   ret_why);
		if (r < 0)
			return call_refuse(&root, method, flags, key, VL_CALL_WRONG_TYPE, ret_call,
					   ret_why);
	}
	if (!method)
		return call_refuse(&root, NULL, flags, "method", VL_CALL_NO_METHOD, ret_call,
				   ret_why);
	if (!vl_qualified_name_is_valid(json_string_value(method)))
		return call_refuse(&root, method, flags, "method", VL_CALL_BAD_METHOD_NAME, ret_call,
				   ret_why);

	if (!json_is_object(params)) {
		/* Handlers then always see an object and never test for absence. */
		params = json_object();
		if (!params || json_object_set_new(root, "parameters", params) < 0)
			return -ENOMEM;
	}

	*ret_call = (struct vl_call){
		.method = json_string_value(method),
		.parameters = params,
		.flags = flags,
		.root = TAKE_PTR(root),
	};
	if (ret_why)
		*ret_why = VL_CALL_OK;
	return 0;
}

void vl_call_done(struct vl_call *c)
{
	if (!c)
		return;
	json_decref(c->root);
	*c = (struct vl_call){};
}

/* Keep the error's errno flowing: return vl_error_set(e, -EINVAL, ...). */
int vl_error_set(struct vl_error *e, int r, const char *name, json_t *parameters)
{
	assert(name);
	if (!e) {
		json_decref(parameters);
		return r;
	}
	json_decref(e->parameters);
	e->name = name;
	e->parameters = parameters;
	return r;
}

int vl_error_set_invalid_parameter(struct vl_error *e, const char *parameter)
{
	assert(parameter);
	return vl_error_set(e, -EINVAL, VL_ERROR_INVALID_PARAMETER,
			    json_pack("{s:s}", "parameter", parameter));
}

void vl_error_done(struct vl_error *e)
{
	if (!e)
		return;
	json_decref(e->parameters);
	*e = (struct vl_error){};
}

/* Object with "parameters" always present: some clients index it unconditionally. */
static json_t *reply_base(json_t *parameters)
{
	_cleanup_json_ json_t *p = parameters, *reply = NULL;

	if (!p)
		p = json_object();
	if (!json_is_object(p))
		return NULL;
	reply = json_object();
	if (!reply || json_object_set(reply, "parameters", p) < 0)
		return NULL;
	return TAKE_PTR(reply);
}

json_t *vl_reply_new(json_t *parameters, bool continues)
{
	_cleanup_json_ json_t *reply = reply_base(parameters);

	if (!reply)
		return NULL;
	if (continues && json_object_set_new(reply, "continues", json_true()) < 0)
		return NULL;
	return TAKE_PTR(reply);
}

json_t *vl_reply_error_new(const char *error, json_t *parameters)
{
	_cleanup_json_ json_t *reply = reply_base(parameters);

	if (!reply || !vl_qualified_name_is_valid(error))
		return NULL;
	if (json_object_set_new(reply, "error", json_string(error)) < 0)
		return NULL;
	return TAKE_PTR(reply);
}
