/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-load: load and slow-client benchmarks against a running xdplinkd
 * (tests/bench/load/run starts one with private paths and veths).
 *
 *   xl-load [OPTION...] mixed|slow|all     the benchmarks; report and JSON
 *   xl-load [OPTION...] hog|trickle        one misbehaving client (for tests)
 *
 * Options: --socket PATH (required), --object FILE, --ifprefix P,
 * --clients N (100), --duration SEC (60), --bad K (50), --probes N (2000),
 * --idle-timeout SEC (the daemon's IdleTimeoutSec, 60), --daemon-pid PID,
 * --json FILE.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "load.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: xl-load --socket PATH [--object FILE] [--ifprefix P] [--clients N]\n"
		   "               [--duration SEC] [--bad K] [--probes N] [--idle-timeout SEC]\n"
		   "               [--daemon-pid PID] [--json FILE] mixed|slow|all|hog|trickle\n");
}

static int parse_opts(int argc, char **argv, struct load_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "object", required_argument, NULL, 'o' },
		{ "ifprefix", required_argument, NULL, 'i' },
		{ "clients", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "bad", required_argument, NULL, 'k' },
		{ "probes", required_argument, NULL, 'n' },
		{ "idle-timeout", required_argument, NULL, 't' },
		{ "daemon-pid", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'o': o->object = optarg; break;
		case 'i': o->ifprefix = optarg; break;
		case 'c': o->clients = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': o->duration = strtod(optarg, NULL); break;
		case 'k': o->bad = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'n': o->probes = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': o->idle_timeout = strtod(optarg, NULL); break;
		case 'p': o->daemon_pid = atoi(optarg); break;
		case 'j': o->json = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
	}
	if (!o->socket || optind != argc - 1 || o->clients == 0 || o->bad == 0 ||
	    o->probes == 0 || o->duration <= 0)
		return -EINVAL;
	return 0;
}

static int write_json(const struct load_opts *o, json_t *out)
{
	struct utsname u;

	if (!o->json)
		return 0;
	if (uname(&u) == 0)
		json_object_set_new(out, "kernel", json_string(u.release));
	if (json_dump_file(out, o->json, JSON_INDENT(2)) < 0) {
		fprintf(stderr, "xl-load: cannot write %s\n", o->json);
		return -EIO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct load_opts o = {
		.ifprefix = "lc", .clients = 100, .duration = 60, .bad = 50, .probes = 2000,
		.idle_timeout = 60,
	};
	json_t *out;
	const char *cmd;
	int status = 0;

	if (parse_opts(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "hog") == 0)
		return load_hog(&o);
	if (strcmp(cmd, "trickle") == 0)
		return load_trickle(&o);
	if (strcmp(cmd, "mixed") && strcmp(cmd, "slow") && strcmp(cmd, "all")) {
		usage(stderr);
		return 2;
	}
	if (!o.object && strcmp(cmd, "slow") != 0) {
		fprintf(stderr, "xl-load: mixed needs --object\n");
		return 2;
	}
	/* Bad clients write to sockets the daemon may close at any time. */
	signal(SIGPIPE, SIG_IGN);
	out = json_object();
	if (!out)
		return 1;
	if (strcmp(cmd, "slow") != 0)
		status |= load_mixed(&o, out);
	if (strcmp(cmd, "mixed") != 0)
		status |= load_slow(&o, out);
	json_object_set_new(out, "pass", json_boolean(status == 0));
	if (write_json(&o, out) < 0)
		status = 1;
	json_decref(out);
	return status;
}
