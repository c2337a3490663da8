/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The little HTTP/1.x xdplink-exporter speaks: one request per
 * connection, GET or HEAD, headers only (a body is never read). Pure, so
 * that every malformed request has a unit test.
 */
#ifndef XE_HTTP_H
#define XE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "render.h"

/* A request head larger than this is refused (431) without reading on. */
#define XE_HTTP_HEAD_MAX 8192

enum xe_route {
	XE_ROUTE_METRICS,	/* /metrics */
	XE_ROUTE_INDEX,		/* /: a line pointing at /metrics */
};

struct xe_request {
	bool head;		/* HEAD: headers only */
	enum xe_route route;
	enum xe_format format;	/* from Accept */
};

/*
 * Where the head ends in buf[0..len): the length up to and including its
 * blank line, or 0 while it is incomplete.
 */
size_t xe_http_head_end(const char *buf, size_t len);

/*
 * Parse a complete head (xe_http_head_end() > 0). Returns 0, or the HTTP
 * status to refuse it with: 400 malformed (or HTTP/1.1 without Host),
 * 404 unknown path, 405 method other than GET and HEAD, 505 not HTTP/1.x.
 */
int xe_http_parse(const char *head, size_t len, struct xe_request *ret);

/* OpenMetrics when the Accept value asks for it with a nonzero q. */
enum xe_format xe_http_negotiate(const char *accept);

/* The reason phrase of a status this exporter sends. */
const char *xe_http_reason(int status);

#endif
