/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl: the command line for xdplinkd. Global options, then a command
 * from xdpctl_commands[] whose option table both parses and documents it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xdpctl.h"
#include "xl-util.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

static void usage(FILE *f)
{
	fprintf(f, "Usage: xdpctl [--socket PATH] [--json] [--timeout SEC] COMMAND [ARG...]\n\n"
		"Manage the XDP programs that xdplinkd owns.\n\nCommands:\n");
	for (const struct cmd *c = xdpctl_commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\nGlobal options:\n"
		"  --socket PATH   the daemon's socket (default $XDPLINKD_SOCKET or %s)\n"
		"  --json          machine-readable output\n"
		"  --timeout SEC   give up waiting for the daemon after SEC seconds (default 60)\n"
		"  -h, --help      this help; COMMAND --help for a command's\n"
		"  --version       the client's version\n\nSee xdpctl(8).\n", XL_CLIENT_SOCKET);
}

static const char *metavar(const struct opt *o)
{
	return o->type == OPT_FLAG ? "" : o->metavar ? o->metavar : "VALUE";
}

void xdpctl_cmd_help(const struct cmd *cmd)
{
	printf("Usage: xdpctl %s%s%s%s\n\n%s\n", cmd->name, cmd->args[0] ? " " : "", cmd->args,
	       cmd->opts[0].name ? " [OPTION]..." : "", cmd->summary);
	if (cmd->opts[0].name)
		printf("\nOptions:\n");
	for (const struct opt *o = cmd->opts; o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s %s", o->name, metavar(o));
		printf("  %-26s %s\n", left, o->help);
	}
	printf("  %-26s %s\n", "-h, --help", "show this help");
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "xdpctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'xdpctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

static int parse_u64(const char *v, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n == 0 || n > max)
		return -EINVAL;
	*ret = n;
	return 0;
}

static int set_opt(const struct cmd *cmd, const struct opt *o, const char *v, void *cfg)
{
	void *dest = (char *)cfg + o->offset;
	uint64_t n;

	switch (o->type) {
	case OPT_FLAG:
		*(bool *)dest = true;
		return 0;
	case OPT_STRING:
		*(const char **)dest = v;
		return 0;
	case OPT_U32:
		if (parse_u64(v, UINT32_MAX, &n) < 0)
			return usage_error(cmd->name, "--%s wants a positive number", o->name);
		*(uint32_t *)dest = (uint32_t)n;
		return 0;
	case OPT_U64:
		if (parse_u64(v, INT64_MAX, &n) < 0)
			return usage_error(cmd->name, "--%s wants a positive number", o->name);
		*(uint64_t *)dest = n;
		return 0;
	case OPT_PRIORITY:
		if (strcmp(v, "0") == 0)
			n = 0;
		else if (parse_u64(v, XL_PRIORITY_MAX, &n) < 0)
			return usage_error(cmd->name, "--priority must be 0..1000, not '%s'", v);
		*(int *)dest = (int)n;
		return 0;
	case OPT_ACTIONS:
		if (xl_actions_parse(v, dest) < 0)
			return usage_error(cmd->name, "--actions: '%s' is not a comma-separated list "
					   "of aborted, drop, pass, tx, redirect (or none)", v);
		return 0;
	case OPT_MODE:
		if (strcmp(v, "native") == 0)
			*(enum xl_mode *)dest = XL_MODE_NATIVE;
		else if (strcmp(v, "skb") == 0)
			*(enum xl_mode *)dest = XL_MODE_SKB;
		else
			return usage_error(cmd->name, "--mode must be native or skb, not '%s'", v);
		return 0;
	}
	return EXIT_USAGE;
}

static const struct opt *find_opt(const struct cmd *cmd, const char *name, size_t len)
{
	for (const struct opt *o = cmd->opts; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

int xdpctl_parse(const struct cmd *cmd, int argc, char **argv, void *cfg, char **args,
		 unsigned *n_args, bool *ret_help)
{
	bool only_args = false;

	*n_args = 0;
	*ret_help = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq, *v;
		const struct opt *o;
		int r;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			if (*n_args == cmd->max_args)
				return usage_error(cmd->name, "unexpected argument '%s'", a);
			args[(*n_args)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*ret_help = true;
			return EXIT_OK;
		}
		if (a[1] != '-')
			return usage_error(cmd->name, "unknown option '%s'", a);
		eq = strchr(a + 2, '=');
		o = find_opt(cmd, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!o)
			return usage_error(cmd->name, "unknown option '%s'", a);
		if (o->type == OPT_FLAG) {
			if (eq)
				return usage_error(cmd->name, "option '%s' takes no value", a);
			v = NULL;
		} else if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			return usage_error(cmd->name, "option '%s' needs a value", a);
		}
		r = set_opt(cmd, o, v, cfg);
		if (r != EXIT_OK)
			return r;
	}
	if (*n_args < cmd->min_args)
		return usage_error(cmd->name, "missing arguments: %s", cmd->args);
	return EXIT_OK;
}

static int parse_global(int argc, char **argv, struct global *g, int *ret_idx)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		uint64_t n;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return -EXIT_OK - 1;
		} else if (!strcmp(a, "--version")) {
			printf("xdpctl %s\n", XD_VERSION);
			return -EXIT_OK - 1;
		} else if (!strcmp(a, "--json")) {
			g->json = true;
		} else if (!strcmp(a, "--socket") && i + 1 < argc) {
			g->socket = argv[++i];
		} else if (!strncmp(a, "--socket=", 9)) {
			g->socket = a + 9;
		} else if (!strcmp(a, "--timeout") && i + 1 < argc) {
			if (parse_u64(argv[++i], 86400, &n) < 0)
				return usage_error(NULL, "--timeout wants seconds, not '%s'", argv[i]);
			g->timeout_usec = n * 1000000ULL;
		} else {
			return usage_error(NULL, "unknown or incomplete option '%s'", a);
		}
	}
	*ret_idx = i;
	return 0;
}

int main(int argc, char **argv)
{
	struct global g = { .timeout_usec = 60ULL * 1000000ULL };
	_cleanup_free_ void *cfg = NULL;
	const struct cmd *cmd;
	char *args[8];
	unsigned n_args;
	bool help;
	int idx = 0, r;

	r = parse_global(argc, argv, &g, &idx);
	if (r == -EXIT_OK - 1)
		return EXIT_OK;
	if (r)
		return r;
	if (idx == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (cmd = xdpctl_commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[idx]))
			break;
	if (!cmd->name)
		return usage_error(NULL, "unknown command '%s'", argv[idx]);
	cfg = calloc(1, cmd->cfg_size ? cmd->cfg_size : 1);
	if (!cfg)
		return EXIT_SOFTWARE;
	if (cmd->init)
		cmd->init(cfg);
	r = xdpctl_parse(cmd, argc - idx - 1, argv + idx + 1, cfg, args, &n_args, &help);
	if (r != EXIT_OK)
		return r;
	if (help) {
		xdpctl_cmd_help(cmd);
		return EXIT_OK;
	}
	return cmd->run(&g, cfg, args, n_args);
}
