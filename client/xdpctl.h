/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl: shared types of the command table, the option parser and the commands. */
#ifndef XDPCTL_H
#define XDPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdplink/xdplink-client.h"

/* Exit codes (sysexits.h values where one fits); see xdpctl(8). */
enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,	/* the daemon refused the request */
	EXIT_USAGE = 64,
	EXIT_DATA = 65,		/* a program set file is invalid */
	EXIT_NOINPUT = 66,	/* a file cannot be read */
	EXIT_UNAVAILABLE = 69,	/* the daemon cannot be reached */
	EXIT_SOFTWARE = 70,	/* the daemon answered something that is not io.xdplink.Manager */
	EXIT_TEMPFAIL = 75,	/* revision mismatch: re-read and retry */
};

struct global {
	const char *socket;
	bool json;
	uint64_t timeout_usec;
};

enum opt_type {
	OPT_FLAG,	/* bool */
	OPT_STRING,	/* const char * */
	OPT_U32,	/* uint32_t, > 0 */
	OPT_U64,	/* uint64_t, > 0 */
	OPT_PRIORITY,	/* int, 0..XL_PRIORITY_MAX */
	OPT_ACTIONS,	/* __u32 mask */
	OPT_MODE,	/* enum xl_mode */
};

struct opt {
	const char *name;
	enum opt_type type;
	size_t offset;
	const char *metavar;
	const char *help;
};

struct cmd {
	const char *name;
	const char *args;	/* positional arguments, for usage */
	unsigned min_args, max_args;
	const struct opt *opts;	/* ended by { NULL } */
	size_t cfg_size;
	void (*init)(void *cfg);
	int (*run)(const struct global *g, void *cfg, char **args, unsigned n_args);
	const char *summary;
};

extern const struct cmd xdpctl_commands[];

/* Parse argv into cfg by cmd's table; EXIT_OK or EXIT_USAGE (message printed). */
int xdpctl_parse(const struct cmd *cmd, int argc, char **argv, void *cfg, char **args,
		 unsigned *n_args, bool *ret_help);
void xdpctl_cmd_help(const struct cmd *cmd);

/* Connect or report why not (EXIT_UNAVAILABLE). */
int xdpctl_connect(const struct global *g, struct xl_client **ret);
/* Report a failed call on stderr (or as JSON) and pick the exit code. */
int xdpctl_fail(const struct global *g, struct xl_client *c, const char *ifname, int r);

/* status.c */
void xdpctl_print_status(json_t *interfaces);
void xdpctl_print_event(json_t *event);

#endif
