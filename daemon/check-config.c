/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdplinkd --check-config: the checks a start makes of its configuration
 * (config.c, [Access], netconfig.c), each error named with its file and
 * line, all of them rather than the first, and nothing started: no
 * socket, no bpffs, no kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <sysexits.h>

#include "access.h"
#include "check-config.h"
#include "config.h"
#include "manager.h"
#include "netconfig.h"
#include "xl-escape.h"
#include "xl-util.h"

static void print_error(void *userdata _unused_, const char *msg)
{
	char buf[4 * 1024 + 1];

	/* File contents come back in messages ("bad value '...'"): escaped. */
	fprintf(stderr, "%s\n", xl_escape(msg, buf, sizeof(buf)));
}

/* [Access] as the daemon builds it: malformed entries are errors, names
 * that do not resolve only warnings (a reload picks them up later). */
static void check_access(const char *path, const struct xd_config *c,
			 struct xd_conf_errors *errs)
{
	struct xd_access a;
	char warn[512] = "", err[512], msg[1100];

	if (xd_access_build(&a, c->allow_users, c->allow_groups, c->group_interfaces,
			    xd_access_resolve_system, warn, sizeof(warn), err, sizeof(err)) < 0) {
		snprintf(msg, sizeof(msg), "%s: [Access]: %s", path, err);
		xd_conf_error(errs, msg);
		return;
	}
	if (warn[0])
		fprintf(stderr, "%s: warning: [Access]: %s; left out until a reload finds them\n",
			path, warn);
	xd_access_done(&a);
}

int xd_check_config(const struct xd_cli *cli)
{
	struct xd_conf_errors errs = { .report = print_error, .keep_partial = true };
	const char *path = cli->config_path ? cli->config_path : XD_CONFIG_PATH;
	struct xd_netconfig nc = {};
	struct xd_config c;
	char err[1024];
	unsigned conf_errors;

	xd_config_init(&c);
	if (!c.socket_path || !c.interfaces_dir) {
		xd_config_done(&c);
		fprintf(stderr, "xdplinkd: out of memory\n");
		return EX_OSERR;
	}
	(void)xd_config_load_all(&c, path, cli->config_path != NULL, &errs, err, sizeof(err));
	conf_errors = errs.n;
	/* The interface files are checked even when the file is bad: in the
	 * InterfacesDir it names if that key was good, else the default. */
	check_access(path, &c, &errs);
	(void)xd_netconfig_load_dir_all(c.interfaces_dir, &nc, &errs, err, sizeof(err));
	if (errs.n == 0) {
		printf("%s and %zu interface files in %s: no errors\n", path, nc.n_files,
		       c.interfaces_dir);
	} else {
		fprintf(stderr, "%u error%s: %u in %s, %u in the interface files in %s\n", errs.n,
			errs.n == 1 ? "" : "s", conf_errors, path, errs.n - conf_errors,
			c.interfaces_dir);
	}
	xd_netconfig_done(&nc);
	xd_config_done(&c);
	return errs.n ? EX_CONFIG : 0;
}
