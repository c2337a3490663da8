/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdplinkd: owns the XDP programs of this host's interfaces and serves io.xdplink.Manager. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "check-config.h"
#include "log.h"
#include "manager.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

static void help(void)
{
	printf("Usage: xdplinkd [OPTION]...\n"
	       "       xdplinkd --check-config [--config FILE]\n"
	       "Own the XDP programs of this host's network interfaces and serve them over\n"
	       "varlink (io.xdplink.Manager). Stopping the daemon leaves every program running.\n\n"
	       "  -c, --config FILE      configuration file (default %s)\n"
	       "  -s, --socket PATH      varlink socket (default from the config file)\n"
	       "      --bpffs-root DIR   where pins live (default from the config file)\n"
	       "      --state-dir DIR    where revision state lives (default from the config file)\n"
	       "  -l, --log-level LEVEL  err, warning, notice, info or debug\n"
	       "      --check-config     check the configuration file and every interface\n"
	       "                         file, report each error as FILE:LINE, start nothing\n"
	       "  -h, --help             show this help\n"
	       "      --version          show the version\n\n"
	       "Command-line options override the configuration file. On stderr, lines carry\n"
	       "sd-daemon(3) <N> level prefixes unless it is a terminal. See xdplinkd(8).\n",
	       XD_CONFIG_PATH);
}

enum { OPT_BPFFS_ROOT = 256, OPT_STATE_DIR, OPT_VERSION, OPT_CHECK_CONFIG };

static int parse_args(int argc, char **argv, struct xd_cli *cli, bool *check)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "bpffs-root", required_argument, NULL, OPT_BPFFS_ROOT },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:s:l:h", options, NULL)) >= 0) {
		switch (c) {
		case 'c': cli->config_path = optarg; break;
		case 's': cli->socket_path = optarg; break;
		case OPT_BPFFS_ROOT: cli->bpffs_root = optarg; break;
		case OPT_STATE_DIR: cli->state_dir = optarg; break;
		case 'l':
			if (xd_parse_log_level(optarg, &cli->log_level) < 0) {
				fprintf(stderr, "xdplinkd: unknown log level '%s' "
					"(err, warning, notice, info, debug)\n", optarg);
				return EX_USAGE;
			}
			break;
		case 'h': help(); return 0;
		case OPT_VERSION: printf("xdplinkd %s\n", XD_VERSION); return 0;
		case OPT_CHECK_CONFIG: *check = true; break;
		default:
			fprintf(stderr, "Try 'xdplinkd --help'.\n");
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xdplinkd: unexpected argument '%s'\nTry 'xdplinkd --help'.\n",
			argv[optind]);
		return EX_USAGE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	_cleanup_(manager_freep) struct manager *m = NULL;
	struct xd_cli cli = { .log_level = -1 };
	bool check = false;
	int r;

	r = parse_args(argc, argv, &cli, &check);
	if (r >= 0)
		return r;
	if (check)
		return xd_check_config(&cli);
	log_setup();
	log_setup_libraries();
	if (manager_new(&m, &cli) < 0)
		return EX_CONFIG;
	if (manager_start(m) < 0)
		return EXIT_FAILURE;
	r = sd_event_loop(m->event);
	if (r < 0)
		return log_error_errno(r, "Event loop failed: %m"), EXIT_FAILURE;
	return EXIT_SUCCESS;
}
