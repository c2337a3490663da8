/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file of `xdpctl apply`: one label's programs on one or more interfaces (JSON). */
#ifndef XDPCTL_APPLYFILE_H
#define XDPCTL_APPLYFILE_H

#include <net/if.h>

#include "progset.h"

#define APPLY_MAX_IFACES 64
#define APPLY_MAX_LABEL 255

struct applyfile {
	char label[APPLY_MAX_LABEL + 1];
	char ifnames[APPLY_MAX_IFACES][IF_NAMESIZE];
	size_t n_ifaces;
	struct progset set;	/* programs (objects absolute), mode, counters */
};

/*
 * Read path ("-": standard input); relative objects are relative to the
 * file's directory. -errno on failure (-ENOENT, -EACCES, -EISDIR: the file
 * cannot be read; -EINVAL, -E2BIG: its content is wrong), and in err
 * "FILE: FIELD: what" naming the field (e.g. "interfaces[1]").
 */
int applyfile_load(struct applyfile *a, const char *path, char *err, size_t errlen);
/* The same from text in memory; dir resolves relative objects. */
int applyfile_parse(struct applyfile *a, const char *text, const char *name, const char *dir,
		    char *err, size_t errlen);
void applyfile_done(struct applyfile *a);

#endif
