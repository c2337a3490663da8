/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Program set files for `xdpctl replace`: JSON or INI, parsed strictly. */
#ifndef XDPCTL_PROGSET_H
#define XDPCTL_PROGSET_H

#include <stdbool.h>
#include <stddef.h>

#include "xdplink/xdplink-client.h"

struct progset {
	struct xl_client_program progs[XL_MAX_PROGS + 1];
	char *strings[3 * (XL_MAX_PROGS + 1)];	/* owned copies the progs point into */
	size_t n_strings;
	size_t n;
	enum xl_mode mode;	/* XL_MODE_UNSPEC unless the file says */
	int counters;		/* -1 unless the file says */
};

/*
 * Read path (format from the extension: .json, or .ini/.conf; otherwise
 * from the first non-blank character). Relative object paths are taken
 * relative to the file's directory and made absolute. On failure: -errno
 * and "FILE:LINE: what" in err.
 */
int progset_load(struct progset *s, const char *path, char *err, size_t errlen);
/* The same, from text in memory; dir resolves relative object paths. */
int progset_parse(struct progset *s, const char *text, bool ini, const char *name,
		  const char *dir, char *err, size_t errlen);
void progset_done(struct progset *s);

#endif
