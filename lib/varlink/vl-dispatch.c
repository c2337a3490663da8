/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink dispatch: table-driven parameter checking and method routing. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "vl-dispatch.h"
#include "xl-util.h"

static bool kind_matches(enum vl_kind kind, json_t *v)
{
	switch (kind) {
	case VL_ANY:
		return true;
	case VL_STRING:
		return json_is_string(v);
	case VL_BOOLEAN:
		return json_is_boolean(v);
	case VL_INTEGER:
		return json_is_integer(v);
	case VL_NUMBER:
		return json_is_number(v);
	case VL_OBJECT:
		return json_is_object(v);
	case VL_ARRAY:
		return json_is_array(v);
	}
	return false;
}

static const struct vl_field *field_find(const struct vl_field *table, const char *name)
{
	for (const struct vl_field *f = table; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/*
 * Check params against a table terminated by an entry with name == NULL
 * and store each value at userdata + offset. Every failure the caller
 * caused is InvalidParameter naming the first offending parameter in the
 * order sent (missing ones: in table order); the return is then -EINVAL.
 * Fields not sent keep the sentinel values the caller initialised.
 */
int vl_dispatch(json_t *params, const struct vl_field *table, void *userdata,
		struct vl_error *ret_err)
{
	const char *key;
	json_t *v;

	assert(table);
	assert(userdata);
	if (params && !json_is_object(params))
		return vl_error_set(ret_err, -EINVAL, VL_ERROR_INVALID_PARAMETER,
				    json_pack("{s:s}", "parameter", "parameters"));

	json_object_foreach(params, key, v) {
		const struct vl_field *f = field_find(table, key);
		int r;

		if (!f)
			return vl_error_set_invalid_parameter(ret_err, key);
		if (json_is_null(v) ? !(f->flags & VL_NULLABLE) : !kind_matches(f->kind, v))
			return vl_error_set_invalid_parameter(ret_err, key);
		r = f->parse(f, v, (char *)userdata + f->offset);
		if (r == -EINVAL)
			return vl_error_set_invalid_parameter(ret_err, key);
		if (r < 0)
			return r;
	}

	for (const struct vl_field *f = table; f->name; f++)
		if ((f->flags & VL_MANDATORY) && !json_object_get(params, f->name))
			return vl_error_set_invalid_parameter(ret_err, f->name);
	return 0;
}

/* Every stock parser also checks the JSON type itself: VL_ANY tables must stay safe. */
int vl_parse_string(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	if (json_is_null(v)) {
		*(const char **)dest = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return -EINVAL;
	*(const char **)dest = json_string_value(v);
	return 0;
}

int vl_parse_bool(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	if (!json_is_boolean(v))
		return -EINVAL;
	*(bool *)dest = json_is_true(v);
	return 0;
}

int vl_parse_uint32_range(json_t *v, void *dest, uint32_t lo, uint32_t hi)
{
	json_int_t i;

	if (!json_is_integer(v))
		return -EINVAL;
	i = json_integer_value(v);
	if (i < (json_int_t)lo || i > (json_int_t)hi)
		return -EINVAL;
	*(uint32_t *)dest = (uint32_t)i;
	return 0;
}

int vl_parse_uint32(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	return vl_parse_uint32_range(v, dest, 0, UINT32_MAX);
}

int vl_parse_int64(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	if (!json_is_integer(v))
		return -EINVAL;
	*(int64_t *)dest = json_integer_value(v);
	return 0;
}

/* jansson integers are signed 64-bit; larger values already failed to parse. */
int vl_parse_uint64_range(json_t *v, void *dest, uint64_t lo, uint64_t hi)
{
	json_int_t i;

	if (!json_is_integer(v))
		return -EINVAL;
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < lo || (uint64_t)i > hi)
		return -EINVAL;
	*(uint64_t *)dest = (uint64_t)i;
	return 0;
}

int vl_parse_uint64(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	return vl_parse_uint64_range(v, dest, 0, UINT64_MAX);
}

/* An index into the fds that came with the call; the link resolves it. */
int vl_parse_fd_index(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	json_int_t i;

	if (json_is_null(v)) {
		*(int *)dest = -EBADF;
		return 0;
	}
	if (!json_is_integer(v))
		return -EINVAL;
	i = json_integer_value(v);
	if (i < 0 || i >= VL_FDS_MAX)
		return -EINVAL;
	*(int *)dest = (int)i;
	return 0;
}

/* For structured parameters the handler walks itself. */
int vl_parse_json(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	*(json_t **)dest = json_is_null(v) ? NULL : v;
	return 0;
}

/*
 * Find a method in a table ended by an entry with method == NULL. An
 * unknown method of a known interface and an unknown interface are
 * different errors, so a client can tell a version skew from a wrong socket.
 * 0; -EINVAL (InvalidParameter "method"); -ENXIO (InterfaceNotFound);
 * -ENOENT (MethodNotFound); -EOPNOTSUPP (declared without handler:
 * MethodNotImplemented).
 */
int vl_method_lookup(const struct vl_method *table, const char *method,
		     const struct vl_method **ret, struct vl_error *ret_err)
{
	bool iface_known = false;
	const char *dot;
	size_t ilen;

	assert(table);
	assert(ret);
	if (!vl_qualified_name_is_valid(method))
		return vl_error_set_invalid_parameter(ret_err, "method");
	dot = strrchr(method, '.');
	ilen = (size_t)(dot - method);

	for (const struct vl_method *m = table; m->method; m++) {
		if (strcmp(m->method, method) == 0) {
			if (!m->handler)
				return vl_error_set(ret_err, -EOPNOTSUPP,
						    VL_ERROR_METHOD_NOT_IMPLEMENTED,
						    json_pack("{s:s}", "method", method));
			*ret = m;
			return 0;
		}
		if (strncmp(m->method, method, ilen) == 0 && m->method[ilen] == '.' &&
		    !strchr(m->method + ilen + 1, '.'))
			iface_known = true;
	}
	if (iface_known)
		return vl_error_set(ret_err, -ENOENT, VL_ERROR_METHOD_NOT_FOUND,
				    json_pack("{s:s}", "method", method));
	return vl_error_set(ret_err, -ENXIO, VL_ERROR_INTERFACE_NOT_FOUND,
			    json_pack("{s:s%}", "interface", method, ilen));
}

/* Streaming-only methods are useless without "more"; the spec names the error. */
int vl_method_check_flags(const struct vl_method *m, unsigned call_flags,
			  struct vl_error *ret_err)
{
	assert(m);
	if ((m->flags & VL_METHOD_REQUIRES_MORE) && !(call_flags & VL_CALL_MORE))
		return vl_error_set(ret_err, -EINVAL, VL_ERROR_EXPECTED_MORE, NULL);
	return 0;
}
