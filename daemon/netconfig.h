/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Declarative interface files (/etc/xdplinkd/interfaces.d/NAME.conf): strict parsing, matching. */
#ifndef XD_NETCONFIG_H
#define XD_NETCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "conf-errors.h"
#include "xdplink/xdplink.h"

#define XD_NETCONFIG_DIR "/etc/xdplinkd/interfaces.d"

/* One Object= of a [Program] section and the keys that follow it. */
struct xd_netconfig_program {
	char *object;		/* Object=, an absolute path */
	char *program;		/* Program=; NULL: the object's first XDP program */
	char *label;		/* Label=; NULL when unset */
	int priority;		/* Priority=; XL_PRIORITY_FROM_OBJECT when unset */
	__u32 actions;		/* Actions=, XL_ACTION() bits or XL_ACTIONS_NONE; 0 when unset */
};

struct xd_netconfig_file {
	char *path;		/* as opened, for messages */
	char *name;		/* file name, e.g. "10-veth.conf": the order of files */
	char **globs;		/* [Match] Name=, fnmatch(3) patterns */
	size_t n_globs;
	char *netns;		/* [Match] Namespace=; NULL: the daemon's own; else absolute
				 * (a bare name became /run/netns/NAME) */
	enum xl_mode mode;	/* [Interface] Mode=; XL_MODE_UNSPEC when unset */
	int counters;		/* [Interface] Counters=: -1 unset, 0, 1 */
	struct xd_netconfig_program *progs; /* in file order, at most XL_MAX_PROGS */
	size_t n_progs;
};

struct xd_netconfig {
	struct xd_netconfig_file *files;	/* in strcmp order of their names */
	size_t n_files;
};

/*
 * Parse one file into *ret. On failure: -errno, *ret untouched, and err
 * says "FILE:LINE: what" (or "FILE: what" for what no line holds, such as
 * a missing Name=).
 */
int xd_netconfig_parse_file(const char *path, struct xd_netconfig_file *ret, char *err,
			    size_t errlen);
/*
 * Every *.conf regular file of dir (symlinks followed), in strcmp order of
 * names; dot files and other names are skipped. A missing dir is an empty
 * set. One bad file fails the whole load with its message in err.
 */
int xd_netconfig_load_dir(const char *dir, struct xd_netconfig *ret, char *err, size_t errlen);
/*
 * The same, reading on past errors: every error of every file goes to
 * errs (may be NULL: then the first bad file stops the load), the first
 * also into err. Any error fails the whole load.
 */
int xd_netconfig_parse_file_all(const char *path, struct xd_netconfig_file *ret,
				struct xd_conf_errors *errs, char *err, size_t errlen);
int xd_netconfig_load_dir_all(const char *dir, struct xd_netconfig *ret,
			      struct xd_conf_errors *errs, char *err, size_t errlen);
/*
 * The first file whose globs match ifname and whose Namespace is netns_path
 * (both NULL, or the same string): first match wins, as in systemd-networkd.
 */
const struct xd_netconfig_file *xd_netconfig_match(const struct xd_netconfig *c,
						   const char *ifname, const char *netns_path);
/* Whether a and b ask for the same thing; path and name are not compared. */
bool xd_netconfig_equal_file(const struct xd_netconfig_file *a, const struct xd_netconfig_file *b);

/* Free everything and leave an empty value; both may be called twice. */
void xd_netconfig_file_done(struct xd_netconfig_file *f);
void xd_netconfig_done(struct xd_netconfig *c);

#endif
