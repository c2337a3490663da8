/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parameter validation of every io.xdplink.Manager method: the input is
 * JSON for the parameters object; each method's table (the daemon's own,
 * daemon/params.c) dispatches it, as the handlers do before anything else.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>

#include "params.h"

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
		(void)vl_dispatch(params, m->fields, dest, &err);
		vl_error_done(&err);
	}
	json_decref(params);
	return 0;
}
