/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every error of a configuration, not only the first: the parsers
 * (config.c, netconfig.c) hand each "FILE:LINE: what" to report as they
 * find it, so that xdplinkd --check-config and a refused start or Reload
 * can name them all. Header only: the parsers' unit tests link nothing else.
 */
#ifndef XD_CONF_ERRORS_H
#define XD_CONF_ERRORS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct xd_conf_errors {
	void (*report)(void *userdata, const char *msg);	/* NULL: count only */
	void *userdata;
	unsigned n;		/* errors reported so far */
	/* config.c: on errors, the config still takes the keys that were
	 * good (--check-config then checks the InterfacesDir they name). */
	bool keep_partial;
};

static inline void xd_conf_error(struct xd_conf_errors *e, const char *msg)
{
	if (!e)
		return;
	e->n++;
	if (e->report)
		e->report(e->userdata, msg);
}

/* "FILE:LINE: what" (or "FILE: what" for line 0) into buf, cut to fit. */
static inline void xd_conf_vformat(char *buf, size_t len, const char *path, int line,
				   const char *fmt, va_list ap)
{
	int n = line > 0 ? snprintf(buf, len, "%s:%d: ", path, line) : snprintf(buf, len, "%s: ", path);

	if (n < 0 || (size_t)n >= len)
		n = 0;
	vsnprintf(buf + n, len - (size_t)n, fmt, ap);
}

#endif
