/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: xdplink-exporter's request heads (client/exporter/
 * http.c) on any bytes, as a client on the network sends them. Nothing may
 * read outside them, and what is accepted must be what the exporter
 * promises to accept: a known route and format, a head that ends where
 * xe_http_head_end() says, every status one it has a reason for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly size bytes, so that a read past them is caught. */
	char *buf = malloc(size ? size : 1), *accept;
	struct xe_request req;
	size_t end;
	int st;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	end = xe_http_head_end(buf, size);
	if (end > size)
		abort();
	if (end) {
		st = xe_http_parse(buf, end, &req);
		if (st == 0 && ((req.route != XE_ROUTE_METRICS && req.route != XE_ROUTE_INDEX) ||
				(req.format != XE_FORMAT_TEXT &&
				 req.format != XE_FORMAT_OPENMETRICS)))
			abort();
		if (st != 0 && strcmp(xe_http_reason(st), "Error") == 0)
			abort();
	}
	free(buf);
	/* The Accept value alone, as a string. */
	accept = strndup((const char *)data, size);
	if (accept) {
		(void)xe_http_negotiate(accept);
		free(accept);
	}
	return 0;
}
