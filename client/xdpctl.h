/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl: exit codes, the option and command tables, and what the commands share. */
#ifndef XDPCTL_H
#define XDPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xdplink/xdplink-client.h"

/* Exit codes: sysexits(3) values where one fits; documented in xdpctl(8). */
enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,	/* the daemon refused or failed the request */
	EXIT_USAGE = 64,	/* EX_USAGE */
	EXIT_DATA = 65,		/* EX_DATAERR: a program set file is invalid */
	EXIT_NOINPUT = 66,	/* EX_NOINPUT: a file named on the command line cannot be read */
	EXIT_UNAVAILABLE = 69,	/* EX_UNAVAILABLE: the daemon cannot be reached or stopped answering */
	EXIT_SOFTWARE = 70,	/* EX_SOFTWARE: an answer that is not io.xdplink.Manager, or no memory */
	EXIT_TEMPFAIL = 75,	/* EX_TEMPFAIL: revision mismatch; read the state again and retry */
	EXIT_NOPERM = 77,	/* EX_NOPERM: the daemon or its socket refused us */
};

/* Options every command takes, before or after the command name. */
struct global {
	const char *socket;	/* NULL: xl_client__default_socket() */
	bool json;
	double timeout_sec;	/* 0: wait forever */
	const char *netns;	/* NAME (/run/netns), PATH or PID; NULL: the daemon's */
};

enum opt_type {
	OPT_FLAG,	/* bool = true */
	OPT_CONST,	/* int = opt.value: several options setting one field */
	OPT_STRING,	/* const char *, as given */
	OPT_ID,		/* __u32, 1..UINT32_MAX: an attachment id */
	OPT_REVISION,	/* __u64, 1..INT64_MAX */
	OPT_PRIORITY,	/* int, 0..XL_PRIORITY_MAX */
	OPT_ACTIONS,	/* __u32 XL_ACTION() mask, or XL_ACTIONS_NONE */
	OPT_MODE,	/* enum xl_mode */
	OPT_SECONDS,	/* double, 0..86400 */
	OPT_LIFETIME,	/* enum xl_client_lifetime: pinned | connection */
};

enum {
	OPT_POSITIONAL = 1U << 0,	/* an argument, not an --option; name is its metavar */
	OPT_REQUIRED = 1U << 1,
};

/* One entry both parses and documents an option or a positional argument. */
struct opt {
	const char *name;	/* "prog" for --prog; "IFACE" for a positional */
	enum opt_type type;
	size_t offset;		/* of the field in the command's config struct */
	unsigned flags;
	const char *metavar;	/* the value's name in --help */
	const char *help;
	int value;		/* OPT_CONST */
	char short_name;	/* 'v' for -v (flags only); 0: none */
};

struct cmd {
	const char *name;
	const char *summary;
	const struct opt *opts;	/* ended by { NULL } */
	size_t cfg_size;
	const void *defaults;	/* copied into the config before parsing; NULL: zeroes */
	int (*run)(const struct global *g, void *cfg);
};

extern const struct cmd xdpctl_commands[];
extern const struct opt xdpctl_global_opts[];

const struct cmd *xdpctl_find_command(const char *name);

/*
 * Parse argv (after the command name) into cfg by cmd's table, and global
 * options into g. EXIT_OK, or EXIT_USAGE after one line and a hint on err.
 * *ret_help is set when -h/--help was given (nothing else is checked then).
 */
int xdpctl_parse(const struct cmd *cmd, int argc, char **argv, void *cfg, struct global *g,
		 bool *ret_help, FILE *err);
/* The same for the options before the command; *ret_idx is the command's index. */
int xdpctl_parse_global(int argc, char **argv, struct global *g, int *ret_idx,
			bool *ret_help, bool *ret_version, FILE *err);
/* Help generated from the tables. */
void xdpctl_usage(FILE *f);
void xdpctl_cmd_help(const struct cmd *cmd, FILE *f);
/* "xdpctl[ CMD]: <message>" and "Try '...--help'."; returns EXIT_USAGE. */
int xdpctl_usage_error(FILE *err, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * "pass,drop" into an XL_ACTION() mask; "none" is XL_ACTIONS_NONE. On
 * -EINVAL, *ret_bad (if given) points into s at the first bad name and
 * *ret_bad_len is its length (0: an empty list or an empty name).
 */
int xdpctl_parse_actions(const char *s, __u32 *ret, const char **ret_bad, size_t *ret_bad_len);

/* report.c: talking to the daemon and saying how it went. */
int xdpctl_connect(const struct global *g, struct xl_client **ret);
/* Open --netns (-EBADF when not given: the daemon's own); EXIT_OK or EXIT_NOINPUT. */
int xdpctl_open_netns(const struct global *g, int *ret_fd);
/* Report a failed call (stderr, and stdout with --json); returns the exit code. */
int xdpctl_fail(const struct global *g, struct xl_client *c, const char *ifname, int r);
/* The exit code for a call's result (refusals by their name). */
int xdpctl_exit_code(int r, const struct xl_client_error *e);
/* The refusal's line without "xdpctl: ": "[IFACE: ]MESSAGE (Name)". */
void xdpctl_format_refusal(const struct xl_client_error *e, const char *ifname, char *buf,
			   size_t len);
/* With --json: one object on stdout, indented or one line. */
void xdpctl_print_json(json_t *o, bool one_line);

/* apply.c: xdpctl apply. */
struct apply_cfg {
	const char *file;
	bool dry_run;
};
extern const struct opt xdpctl_apply_opts[];
int xdpctl_run_apply(const struct global *g, void *cfg);
/* A Change's reply res (with "interface", and "before": the Interface as
 * listed before) as lines: "eth0: revision 3 -> 4", then one per
 * attachment removed (-), added (+) or reordered (~). */
void xdpctl_print_change(json_t *res, bool dry);
/* The sets of such results after the change (or as they would be), as status shows them. */
void xdpctl_print_change_table(json_t *results, bool dry);

/* change.c: xdpctl change. */
struct change_cfg {
	const char *ifname, *file;
	bool dry_run, pass_path;
	enum xl_mode mode;
	int counters;		/* enum xl_client_counters */
	__u64 expect;
	enum xl_client_lifetime lifetime;
};
extern const struct opt xdpctl_change_opts[];
int xdpctl_run_change(const struct global *g, void *cfg);

/* commands.c: keep the connection (lifetime connection) until SIGINT,
 * SIGTERM, SIGHUP or the daemon goes; 0 when interrupted. */
int xdpctl_hold(struct xl_client *c);

/* status.c: human output. The table fits 100 columns for a usual
 * interface; counters: counter columns; verbose: every column (link id,
 * tag, counters, object); maps: a second table, each program's maps. */
struct xdpctl_status_opts {
	bool counters, verbose, maps;
};
void xdpctl_print_status_opts(FILE *f, json_t *interfaces, const struct xdpctl_status_opts *o);
/* The same, by default. */
void xdpctl_print_status(FILE *f, json_t *interfaces);
void xdpctl_format_event(json_t *event, char *buf, size_t len);

#endif
