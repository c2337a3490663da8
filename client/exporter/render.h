/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdplink-exporter's metrics: the daemon's Statistics and List replies
 * as Prometheus text (0.0.4) or OpenMetrics 1.0. Pure: no I/O but the
 * FILE written to, so the unit tests check the output byte for byte.
 */
#ifndef XE_RENDER_H
#define XE_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

enum xe_format {
	XE_FORMAT_TEXT,		/* text/plain; version=0.0.4 */
	XE_FORMAT_OPENMETRICS,	/* application/openmetrics-text; version=1.0.0 */
};

/* One scrape's input. stats and interfaces are borrowed; NULL when the
 * daemon did not answer (then up is false and only the exporter's own
 * metrics are written). */
struct xe_scrape {
	bool up;
	json_t *stats;		/* Statistics reply */
	json_t *interfaces;	/* List reply's "interfaces" */
	double duration;	/* seconds the daemon took to answer both */
};

/* The Content-Type of a format. */
const char *xe_content_type(enum xe_format fmt);
/* Write the exposition; -errno on a write error. */
int xe_render(FILE *f, const struct xe_scrape *s, enum xe_format fmt);
/* A label value escaped as both formats want (\\, \", \n). */
void xe_escape_label(FILE *f, const char *value);

#endif
