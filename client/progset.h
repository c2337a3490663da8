/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Program set files for `xdpctl replace`: JSON or INI, parsed strictly. */
#ifndef XDPCTL_PROGSET_H
#define XDPCTL_PROGSET_H

#include <stdbool.h>
#include <stddef.h>

#include "xdplink/xdplink-client.h"

struct progset {
	struct xl_client_program progs[XL_MAX_PROGS];
	char *strings[3 * XL_MAX_PROGS];	/* owned copies the progs point into */
	size_t n_strings;
	size_t n;
	enum xl_mode mode;	/* XL_MODE_UNSPEC unless the file says */
	int counters;		/* -1 unless the file says */
};

/*
 * Read path ("-": standard input). The format follows the extension
 * (.json, or .ini/.conf), else the first non-blank characters. Relative
 * object paths are taken relative to the file's directory and made
 * absolute. On failure: -errno (-ENOENT, -EACCES, -EISDIR: the file cannot
 * be read; -EINVAL, -E2BIG: its content is wrong) and in err "FILE: what"
 * or "FILE: LINE: what".
 */
int progset_load(struct progset *s, const char *path, char *err, size_t errlen);
/* The same, from text in memory; dir resolves relative object paths. */
int progset_parse(struct progset *s, const char *text, bool ini, const char *name,
		  const char *dir, char *err, size_t errlen);
/* Only a JSON array of programs (as in a set file's "programs"), for files
 * that embed one (xdpctl apply); messages say "NAME: programs[i].key: ...". */
int progset_parse_programs(struct progset *s, json_t *programs, const char *name,
			   const char *dir, char *err, size_t errlen);
void progset_done(struct progset *s);
/*
 * A whole file of text for either kind of file: path, or standard input
 * for "-". *ret_dir (malloc'd) is what relative paths in it are relative
 * to: the file's own directory, or our working directory for standard
 * input. On failure -errno (-EINVAL: a NUL byte, not text) and err says
 * "FILE: what".
 */
int progset_read_file(const char *path, char **ret_text, char **ret_dir, char *err,
		      size_t errlen);
/* Whether path (else text) looks like INI rather than JSON. */
bool progset_looks_ini(const char *path, const char *text);

#endif
