/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink dispatch: table-driven parameter checking and method routing. */
#ifndef VL_DISPATCH_H
#define VL_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "vl-message.h"

/* SCM_MAX_FD: more fds than the kernel passes in one message cannot be indexed. */
#define VL_FDS_MAX 253

/* JSON shape checked before a field's parser runs. */
enum vl_kind {
	VL_ANY = 0,
	VL_STRING,
	VL_BOOLEAN,
	VL_INTEGER,
	VL_NUMBER,   /* integer or real */
	VL_OBJECT,
	VL_ARRAY,
};

enum {
	VL_MANDATORY = 1U << 0,
	VL_NULLABLE = 1U << 1,   /* JSON null reaches the parser, which stores its "unset" */
};

struct vl_field;

/*
 * Store v at dest. -EINVAL means "bad value" and becomes InvalidParameter
 * naming the field; other negative errnos pass through unchanged.
 */
typedef int (*vl_parse_fn)(const struct vl_field *f, json_t *v, void *dest);

struct vl_field {
	const char *name;
	enum vl_kind kind;
	vl_parse_fn parse;
	size_t offset;
	unsigned flags;
};

int vl_dispatch(json_t *params, const struct vl_field *table, void *userdata,
		struct vl_error *ret_err);

/* Stock parsers. Strings and JSON values are borrowed from the call. */
int vl_parse_string(const struct vl_field *f, json_t *v, void *dest);  /* const char *; null → NULL */
int vl_parse_bool(const struct vl_field *f, json_t *v, void *dest);    /* bool */
int vl_parse_uint32(const struct vl_field *f, json_t *v, void *dest);  /* uint32_t */
int vl_parse_int64(const struct vl_field *f, json_t *v, void *dest);   /* int64_t */
int vl_parse_uint64(const struct vl_field *f, json_t *v, void *dest);  /* uint64_t ≤ INT64_MAX */
int vl_parse_fd_index(const struct vl_field *f, json_t *v, void *dest);/* int; null → -EBADF */
int vl_parse_json(const struct vl_field *f, json_t *v, void *dest);    /* json_t *; null → NULL */

int vl_parse_uint32_range(json_t *v, void *dest, uint32_t lo, uint32_t hi);
int vl_parse_uint64_range(json_t *v, void *dest, uint64_t lo, uint64_t hi);

/*
 * A bounded integer gets its own parser, so tables stay five plain columns
 * and the bound sits next to the field it limits:
 *   VL_DEFINE_UINT32_PARSER(parse_priority, 1, 1000)
 */
#define VL_DEFINE_UINT32_PARSER(fn, lo, hi)                                     \
	static int fn(const struct vl_field *f_, json_t *v_, void *dest_)       \
	{                                                                       \
		(void)f_;                                                       \
		return vl_parse_uint32_range(v_, dest_, (lo), (hi));            \
	}
#define VL_DEFINE_UINT64_PARSER(fn, lo, hi)                                     \
	static int fn(const struct vl_field *f_, json_t *v_, void *dest_)       \
	{                                                                       \
		(void)f_;                                                       \
		return vl_parse_uint64_range(v_, dest_, (lo), (hi));            \
	}

struct vl_link;

typedef int (*vl_method_fn)(struct vl_link *link, json_t *parameters, unsigned call_flags,
			    void *userdata);

enum {
	VL_METHOD_REQUIRES_MORE = 1U << 0,   /* streams only: refuse plain calls with ExpectedMore */
};

struct vl_method {
	const char *method;   /* fully qualified, e.g. "io.xdplink.Manager.Attach" */
	vl_method_fn handler;
	unsigned flags;
};

int vl_method_lookup(const struct vl_method *table, const char *method,
		     const struct vl_method **ret, struct vl_error *ret_err);
int vl_method_check_flags(const struct vl_method *m, unsigned call_flags,
			  struct vl_error *ret_err);

#endif
