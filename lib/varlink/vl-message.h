/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink messages: strict call parsing, name syntax, reply and error construction. */
#ifndef VL_MESSAGE_H
#define VL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define VL_ERROR_INTERFACE_NOT_FOUND "org.varlink.service.InterfaceNotFound"
#define VL_ERROR_METHOD_NOT_FOUND "org.varlink.service.MethodNotFound"
#define VL_ERROR_METHOD_NOT_IMPLEMENTED "org.varlink.service.MethodNotImplemented"
#define VL_ERROR_INVALID_PARAMETER "org.varlink.service.InvalidParameter"
#define VL_ERROR_PERMISSION_DENIED "org.varlink.service.PermissionDenied"
#define VL_ERROR_EXPECTED_MORE "org.varlink.service.ExpectedMore"

enum {
	VL_CALL_ONEWAY = 1U << 0,
	VL_CALL_MORE = 1U << 1,
	VL_CALL_UPGRADE = 1U << 2,
};

/* Why a call was refused; the errno alone says only whether to reply or hang up. */
enum vl_call_error {
	VL_CALL_OK = 0,
	VL_CALL_INVALID_JSON,     /* syntax, trailing bytes, \u0000, number overflow */
	VL_CALL_INVALID_UTF8,
	VL_CALL_DUPLICATE_KEY,
	VL_CALL_NOT_OBJECT,
	VL_CALL_UNKNOWN_KEY,
	VL_CALL_WRONG_TYPE,
	VL_CALL_NO_METHOD,
	VL_CALL_ONEWAY_AND_MORE,
	VL_CALL_BAD_METHOD_NAME,
	_VL_CALL_ERROR_MAX,
};

const char *vl_call_error_to_string(enum vl_call_error e);

struct vl_call {
	json_t *root;          /* owns everything below */
	const char *method;
	json_t *parameters;    /* always an object, {} when the caller sent none or null */
	unsigned flags;        /* VL_CALL_* */
	const char *invalid;   /* after -EINVAL: the parameter InvalidParameter names */
};

int vl_call_parse(const char *data, size_t len, struct vl_call *ret_call,
		  enum vl_call_error *ret_why);
void vl_call_done(struct vl_call *c);

bool vl_interface_name_is_valid(const char *name);
bool vl_member_name_is_valid(const char *name);
bool vl_qualified_name_is_valid(const char *name);

/*
 * An error a handler or the dispatcher wants sent back: a varlink error
 * name (a string literal, not copied) and its parameters (owned).
 */
struct vl_error {
	const char *name;
	json_t *parameters;
};

int vl_error_set(struct vl_error *e, int r, const char *name, json_t *parameters);
int vl_error_set_invalid_parameter(struct vl_error *e, const char *parameter);
void vl_error_done(struct vl_error *e);

/* Each takes over its parameters reference, also on failure; NULL means {}. */
json_t *vl_reply_new(json_t *parameters, bool continues);
json_t *vl_reply_error_new(const char *error, json_t *parameters);

/* jansson ships json_decrefp(); name it like our other cleanup helpers. */
#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))

#endif
