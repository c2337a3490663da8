/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The varlink reader and call parser, fed arbitrary byte streams: the
 * first byte picks the chunk size the "socket" hands out, the rest is the
 * stream. Every whole message is parsed as a call, as the server does.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "vl-frame.h"
#include "vl-message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vl_reader r;
	size_t chunk, off = 1;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	/* A small limit, so that the oversize path is reached too. */
	vl_reader_init(&r, 4096);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		const char *msg;
		size_t len;

		if (vl_reader_feed(&r, data + off, n) < 0)
			break;
		off += n;
		while (vl_reader_next(&r, &msg, &len) > 0) {
			struct vl_call call;
			enum vl_call_error why;
			int k = vl_call_parse(msg, len, &call, &why);

			/* -EINVAL: a call to answer with InvalidParameter, held too. */
			if (k == 0 || k == -EINVAL)
				vl_call_done(&call);
		}
	}
	vl_reader_done(&r);
	return 0;
}
