/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parameter validation of every io.xdplink.Manager method: the input is
 * JSON for the parameters object; each method's table (the daemon's own,
 * daemon/params.c) dispatches it, as the handlers do before anything else;
 * Change's operations also go through xd_operation_check().
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>

#include "params.h"

static void check_operation(json_t *op)
{
	struct operation_params p = OPERATION_INIT;
	struct vl_error err = {};

	if (json_is_object(op) && vl_dispatch(op, xd_operation_fields, &p, &err) == 0)
		(void)xd_operation_check(op, &p);
	vl_error_done(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *params = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

	if (!params)
		return 0;
	for (const struct xd_method_fields *m = xd_manager_fields; m->method; m++) {
		/* Room for any of the structs; values parsed point into params. */
		_Alignas(16) unsigned char dest[1024];
		struct vl_error err = {};

		memset(dest, 0, sizeof(dest));
		if (m->size > sizeof(dest))
			__builtin_trap();
		if (vl_dispatch(params, m->fields, dest, &err) == 0 && m->fields == xd_operation_fields)
			(void)xd_operation_check(params, (struct operation_params *)dest);
		vl_error_done(&err);
	}
	/* Change's operations, each as the handler takes them. */
	json_t *op;
	size_t i;

	json_array_foreach(json_object_get(params, "operations"), i, op)
		check_operation(op);
	json_decref(params);
	return 0;
}
