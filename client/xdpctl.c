/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl: the command line for xdplinkd. Global options, then a command
 * from xdpctl_commands[], whose option table both parses and documents it.
 */
#include <stdlib.h>
#include <string.h>

#include "xdpctl.h"
#include "xl-util.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

int main(int argc, char **argv)
{
	struct global g = { .timeout_sec = 60 };
	_cleanup_free_ void *cfg = NULL;
	bool help, version;
	const struct cmd *cmd;
	int idx, r;

	r = xdpctl_parse_global(argc, argv, &g, &idx, &help, &version, stderr);
	if (r != EXIT_OK || help || version) {
		if (help)
			xdpctl_usage(stdout);
		if (version)
			printf("xdpctl %s\n", XD_VERSION);
		return r;
	}
	if (idx == argc)
		return xdpctl_usage_error(stderr, NULL, "no command given");
	cmd = xdpctl_find_command(argv[idx]);
	if (!cmd)
		return xdpctl_usage_error(stderr, NULL, "unknown command '%s'", argv[idx]);
	cfg = calloc(1, cmd->cfg_size);
	if (!cfg)
		return EXIT_SOFTWARE;
	if (cmd->defaults)
		memcpy(cfg, cmd->defaults, cmd->cfg_size);
	r = xdpctl_parse(cmd, argc - idx - 1, argv + idx + 1, cfg, &g, &help, stderr);
	if (r != EXIT_OK || help) {
		if (help)
			xdpctl_cmd_help(cmd, stdout);
		return r;
	}
	return cmd->run(&g, cfg);
}
