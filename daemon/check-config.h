/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdplinkd --check-config: the configuration checked as a start would, without starting. */
#ifndef XD_CHECK_CONFIG_H
#define XD_CHECK_CONFIG_H

struct xd_cli;

/*
 * Read xdplinkd.conf (cli->config_path, else the default, which may be
 * missing), its [Access] and every file of its InterfacesDir, reporting
 * every error as "FILE:LINE: what" on stderr and a one-line summary.
 * Returns the exit status: 0 when clean, EX_CONFIG on any error.
 */
int xd_check_config(const struct xd_cli *cli);

#endif
