/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Request heads: framing, the request line, Host and Accept (http.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

size_t xe_http_head_end(const char *buf, size_t len)
{
	/* RFC 9112 2.2: a bare LF may end a line; CRLF is what clients send. */
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* One line of head[0..len) starting at *pos, without its CR LF; NULL at the end. */
static const char *next_line(const char *head, size_t len, size_t *pos, size_t *ret_len)
{
	const char *start = head + *pos, *nl;
	size_t n;

	if (*pos >= len)
		return NULL;
	nl = memchr(start, '\n', len - *pos);
	n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	*ret_len = n;
	return start;
}

/* No control characters but the line ends and tabs (a NUL included:
 * strchr() would find one in any string). */
static bool clean(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			return false;
	}
	return true;
}

static int parse_target(const char *t, size_t n, struct xe_request *req)
{
	size_t path = n;

	if (n == 0 || t[0] != '/')
		return 400;	/* origin form only: no absolute URIs, no '*' */
	for (size_t i = 0; i < n; i++)
		if (t[i] == '?' || t[i] == '#') {
			path = i;
			break;
		}
	if (path == 8 && memcmp(t, "/metrics", 8) == 0)
		req->route = XE_ROUTE_METRICS;
	else if (path == 1)
		req->route = XE_ROUTE_INDEX;
	else
		return 404;
	return 0;
}

/* "GET /metrics HTTP/1.1": exactly three words, one space apart. */
static int parse_request_line(const char *l, size_t n, struct xe_request *req)
{
	const char *sp1 = memchr(l, ' ', n), *sp2, *version;
	size_t vlen;
	int r;

	if (!sp1)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - l));
	if (!sp2 || memchr(sp2 + 1, ' ', n - (size_t)(sp2 + 1 - l)))
		return 400;
	version = sp2 + 1;
	vlen = n - (size_t)(version - l);
	if (vlen != 8 || memcmp(version, "HTTP/", 5) != 0 || !isdigit((unsigned char)version[5]) ||
	    version[6] != '.' || !isdigit((unsigned char)version[7]))
		return 400;
	if (version[5] != '1')
		return 505;
	r = parse_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), req);
	if (r != 0)
		return r;
	if ((size_t)(sp1 - l) == 3 && memcmp(l, "GET", 3) == 0)
		req->head = false;
	else if ((size_t)(sp1 - l) == 4 && memcmp(l, "HEAD", 4) == 0)
		req->head = true;
	else
		return 405;
	return 0;
}

/* "Name: value" with a token name; the value's spaces trimmed. */
static int parse_header(const char *l, size_t n, char *name, size_t name_max, const char **value,
			size_t *value_len)
{
	const char *colon = memchr(l, ':', n);
	size_t nlen;

	if (!colon || colon == l)
		return 400;
	nlen = (size_t)(colon - l);
	for (size_t i = 0; i < nlen; i++)
		if (!isalnum((unsigned char)l[i]) && !strchr("!#$%&'*+-.^_`|~", l[i]))
			return 400;	/* includes a space before the colon (RFC 9112 5.1) */
	snprintf(name, name_max, "%.*s", (int)nlen, l);
	*value = colon + 1;
	*value_len = n - nlen - 1;
	while (*value_len && (**value == ' ' || **value == '\t'))
		(*value)++, (*value_len)--;
	while (*value_len && ((*value)[*value_len - 1] == ' ' || (*value)[*value_len - 1] == '\t'))
		(*value_len)--;
	return 0;
}

int xe_http_parse(const char *head, size_t len, struct xe_request *ret)
{
	struct xe_request req = { .format = XE_FORMAT_TEXT };
	char name[64], accept[1024] = "";
	const char *l, *value;
	size_t pos = 0, n, vlen;
	bool http11, host = false;
	int r;

	if (!clean(head, len))
		return 400;
	l = next_line(head, len, &pos, &n);
	if (!l || n == 0)
		return 400;
	r = parse_request_line(l, n, &req);
	if (r != 0)
		return r;
	http11 = l[n - 1] == '1';
	while ((l = next_line(head, len, &pos, &n)) && n > 0) {
		if (l[0] == ' ' || l[0] == '\t')
			return 400;	/* obsolete line folding */
		r = parse_header(l, n, name, sizeof(name), &value, &vlen);
		if (r != 0)
			return r;
		if (strcasecmp(name, "Host") == 0) {
			if (host)
				return 400;	/* RFC 9112 3.2: exactly one */
			host = true;
		} else if (strcasecmp(name, "Accept") == 0 && vlen < sizeof(accept)) {
			snprintf(accept, sizeof(accept), "%.*s", (int)vlen, value);
		}
	}
	if (http11 && !host)
		return 400;
	req.format = xe_http_negotiate(accept);
	*ret = req;
	return 0;
}

/* A media range's q (1 when absent); its parameters follow the first ';'. */
static double range_q(const char *range)
{
	const char *q = strstr(range, ";q=");

	if (!q)
		q = strstr(range, "; q=");
	if (!q)
		return 1;
	return strtod(strchr(q, '=') + 1, NULL);
}

enum xe_format xe_http_negotiate(const char *accept)
{
	char buf[1024], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", accept ? accept : "");
	for (char *range = strtok_r(buf, ",", &save); range; range = strtok_r(NULL, ",", &save)) {
		while (*range == ' ')
			range++;
		if (strncasecmp(range, "application/openmetrics-text", 28) == 0 &&
		    (range[28] == '\0' || range[28] == ';' || range[28] == ' ') && range_q(range) > 0)
			return XE_FORMAT_OPENMETRICS;
	}
	return XE_FORMAT_TEXT;
}

const char *xe_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}
