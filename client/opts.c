/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl's option tables at work: one parser for every command, and the
 * --help text generated from the same tables, so the two cannot drift.
 * Values are checked and converted here, before anything is sent.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xdpctl.h"
#include "xl-util.h"

#define MAX_OPTS 32

int xdpctl_usage_error(FILE *err, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, "xdpctl%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fprintf(err, "\nTry 'xdpctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

int xdpctl_parse_actions(const char *s, __u32 *ret, const char **ret_bad, size_t *ret_bad_len)
{
	__u32 mask = 0;
	const char *p = s;

	if (strcmp(s, "none") == 0) {
		*ret = XL_ACTIONS_NONE;
		return 0;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		char name[16] = "";
		__u32 one = 0;

		/* One name at a time, so that the message can say which is wrong. */
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
		}
		if (!name[0] || xl_actions_parse(name, &one) < 0 || one == XL_ACTIONS_NONE) {
			if (ret_bad)
				*ret_bad = p;
			if (ret_bad_len)
				*ret_bad_len = n;
			return -EINVAL;
		}
		mask |= one;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*ret = mask;
	return 0;
}

/* A decimal number in [min, max], nothing else (no sign, no spaces, no hex). */
static int parse_uint(const char *v, uint64_t min, uint64_t max, uint64_t *ret)
{
	unsigned long long n;
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -ERANGE;
	*ret = n;
	return 0;
}

/* "--priority" or "ID": how messages name an entry. */
static const char *display(const struct opt *o, char *buf, size_t len)
{
	if (o->flags & OPT_POSITIONAL)
		return o->name;
	snprintf(buf, len, "--%s", o->name);
	return buf;
}

static int bad_value(FILE *err, const char *cmd, const struct opt *o, const char *v,
		     const char *what)
{
	char name[48];

	return xdpctl_usage_error(err, cmd, "%s must be %s, not '%s'", display(o, name, sizeof(name)),
				  what, v);
}

static int set_actions(FILE *err, const char *cmd, const struct opt *o, const char *v, void *dest)
{
	const char *bad = NULL;
	size_t len = 0;

	if (xdpctl_parse_actions(v, dest, &bad, &len) == 0)
		return EXIT_OK;
	if (len == 0)
		return xdpctl_usage_error(err, cmd, "--%s: empty verdict name in '%s'; use a comma-"
					  "separated list of aborted, drop, pass, tx, redirect, "
					  "or none", o->name, v);
	return xdpctl_usage_error(err, cmd, "--%s: unknown verdict '%.*s'; use a comma-separated "
				  "list of aborted, drop, pass, tx, redirect, or none", o->name,
				  (int)len, bad);
}

static int set_seconds(FILE *err, const char *cmd, const struct opt *o, const char *v, void *dest)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d < 0 || d > 86400 || v[0] == '-')
		return bad_value(err, cmd, o, v, "a number of seconds from 0 (forever) to 86400");
	*(double *)dest = d;
	return EXIT_OK;
}

/* Write one value into its field; v is NULL for flags. */
static int set_value(FILE *err, const char *cmd, const struct opt *o, const char *v, void *base)
{
	void *dest = (char *)base + o->offset;
	uint64_t n;

	switch (o->type) {
	case OPT_FLAG:
		*(bool *)dest = true;
		return EXIT_OK;
	case OPT_CONST:
		*(int *)dest = o->value;
		return EXIT_OK;
	case OPT_STRING:
		*(const char **)dest = v;
		return EXIT_OK;
	case OPT_ID:
		if (parse_uint(v, 1, UINT32_MAX, &n) < 0)
			return bad_value(err, cmd, o, v, "an attachment id (see xdpctl status)");
		*(__u32 *)dest = (__u32)n;
		return EXIT_OK;
	case OPT_REVISION:
		if (parse_uint(v, 1, INT64_MAX, &n) < 0)
			return bad_value(err, cmd, o, v, "a revision number, 1 or more");
		*(__u64 *)dest = n;
		return EXIT_OK;
	case OPT_PRIORITY:
		if (parse_uint(v, 0, XL_PRIORITY_MAX, &n) < 0)
			return bad_value(err, cmd, o, v, "a number from 0 to 1000");
		*(int *)dest = (int)n;
		return EXIT_OK;
	case OPT_ACTIONS:
		return set_actions(err, cmd, o, v, dest);
	case OPT_MODE:
		if (strcmp(v, "native") == 0)
			*(enum xl_mode *)dest = XL_MODE_NATIVE;
		else if (strcmp(v, "skb") == 0)
			*(enum xl_mode *)dest = XL_MODE_SKB;
		else
			return bad_value(err, cmd, o, v, "native or skb");
		return EXIT_OK;
	case OPT_SECONDS:
		return set_seconds(err, cmd, o, v, dest);
	case OPT_LIFETIME:
		if (strcmp(v, "pinned") == 0)
			*(enum xl_client_lifetime *)dest = XL_CLIENT_LIFETIME_PINNED;
		else if (strcmp(v, "connection") == 0)
			*(enum xl_client_lifetime *)dest = XL_CLIENT_LIFETIME_CONNECTION;
		else
			return bad_value(err, cmd, o, v, "pinned or connection");
		return EXIT_OK;
	}
	return EXIT_SOFTWARE;
}

static bool takes_value(const struct opt *o)
{
	return o->type != OPT_FLAG && o->type != OPT_CONST;
}

static const struct opt *find_option(const struct opt *table, const char *name, size_t len)
{
	for (const struct opt *o = table; o && o->name; o++)
		if (!(o->flags & OPT_POSITIONAL) && strlen(o->name) == len &&
		    strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* Where the parse is: the tables, the fields they fill, what was given. */
struct parse {
	const char *cmd;	/* NULL before the command */
	const struct opt *opts;
	void *cfg;
	struct global *g;
	bool given[MAX_OPTS];
	const struct opt *next_positional;
	FILE *err;
};

/* "--name", "--name=value" or "--name value"; *i moves past what it used. */
static int parse_long(struct parse *p, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *eq = strchr(a + 2, '=');
	size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	const struct opt *o = find_option(p->opts, a + 2, len);
	void *base = p->cfg;
	const char *v = NULL;

	if (!o) {
		o = find_option(xdpctl_global_opts, a + 2, len);
		base = p->g;
	}
	if (!o)
		return xdpctl_usage_error(p->err, p->cmd, "unknown option '%.*s'",
					  (int)(len + 2), a);
	if (!takes_value(o) && eq)
		return xdpctl_usage_error(p->err, p->cmd, "option '--%s' takes no value", o->name);
	if (takes_value(o)) {
		if (eq)
			v = eq + 1;
		else if (*i + 1 < argc)
			v = argv[++*i];
		else
			return xdpctl_usage_error(p->err, p->cmd, "option '--%s' needs a value (%s)",
						  o->name, o->metavar ? o->metavar : "VALUE");
	}
	if (base == p->cfg)
		p->given[o - p->opts] = true;
	return set_value(p->err, p->cmd, o, v, base);
}

/* "-v": a flag's one-letter name. */
static int parse_short(struct parse *p, const char *a)
{
	for (const struct opt *o = p->opts; a[2] == '\0' && o && o->name; o++)
		if (o->short_name == a[1] && !takes_value(o)) {
			p->given[o - p->opts] = true;
			return set_value(p->err, p->cmd, o, NULL, p->cfg);
		}
	return xdpctl_usage_error(p->err, p->cmd, "unknown option '%s'", a);
}

static int parse_positional(struct parse *p, const char *a)
{
	const struct opt *o = p->next_positional;

	while (o && o->name && !(o->flags & OPT_POSITIONAL))
		o++;
	if (!o || !o->name)
		return xdpctl_usage_error(p->err, p->cmd, "unexpected argument '%s'", a);
	p->given[o - p->opts] = true;
	p->next_positional = o + 1;
	return set_value(p->err, p->cmd, o, a, p->cfg);
}

/* An option, unless it is "-", or a negative number meant as a value. */
static bool is_option(const char *a)
{
	return a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9');
}

static int check_required(struct parse *p)
{
	for (const struct opt *o = p->opts; o && o->name; o++) {
		char name[48];

		if ((o->flags & OPT_REQUIRED) && !p->given[o - p->opts])
			return xdpctl_usage_error(p->err, p->cmd, "missing %s%s%s",
						  display(o, name, sizeof(name)),
						  o->flags & OPT_POSITIONAL ? "" : " ",
						  o->flags & OPT_POSITIONAL ? "" : o->metavar);
	}
	return EXIT_OK;
}

int xdpctl_parse(const struct cmd *cmd, int argc, char **argv, void *cfg, struct global *g,
		 bool *ret_help, FILE *err)
{
	struct parse p = { .cmd = cmd->name, .opts = cmd->opts, .cfg = cfg, .g = g,
			   .next_positional = cmd->opts, .err = err };
	bool only_args = false;

	*ret_help = false;
	for (const struct opt *o = cmd->opts; o->name; o++)
		assert(o - cmd->opts < MAX_OPTS);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (!only_args && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			*ret_help = true;
			return EXIT_OK;
		}
		if (only_args || !is_option(a))
			r = parse_positional(&p, a);
		else if (a[1] != '-')
			r = parse_short(&p, a);
		else
			r = parse_long(&p, argc, argv, &i);
		if (r != EXIT_OK)
			return r;
	}
	return check_required(&p);
}

int xdpctl_parse_global(int argc, char **argv, struct global *g, int *ret_idx,
			bool *ret_help, bool *ret_version, FILE *err)
{
	struct parse p = { .opts = xdpctl_global_opts, .cfg = g, .g = g, .err = err };
	int i;

	*ret_help = *ret_version = false;
	for (i = 1; i < argc && is_option(argv[i]); i++) {
		const char *a = argv[i];
		int r;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*ret_help = true;
			return EXIT_OK;
		}
		if (strcmp(a, "--version") == 0) {
			*ret_version = true;
			return EXIT_OK;
		}
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[1] != '-')
			return xdpctl_usage_error(err, NULL, "unknown option '%s'", a);
		r = parse_long(&p, argc, argv, &i);
		if (r != EXIT_OK)
			return r;
	}
	*ret_idx = i;
	return EXIT_OK;
}

/* ---- help ---- */

#define HELP_COL 28	/* where help text starts */
#define HELP_WIDTH 79

/* Help text from column HELP_COL, wrapped at word boundaries. */
static void help_text(FILE *f, const char *help)
{
	size_t col = HELP_COL;

	while (*help) {
		size_t n = strcspn(help, " ");

		if (col > HELP_COL && col + 1 + n > HELP_WIDTH) {
			fprintf(f, "\n%*s", HELP_COL, "");
			col = HELP_COL;
		} else if (col > HELP_COL) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, help);
		col += n;
		help += n;
		help += strspn(help, " ");
	}
	fputc('\n', f);
}

/* "  --prog NAME               help", the help on its own line when the left is long. */
static void help_line(FILE *f, const char *left, const char *help)
{
	if (strlen(left) + 4 <= HELP_COL)
		fprintf(f, "  %-*s", HELP_COL - 2, left);
	else
		fprintf(f, "  %s\n%*s", left, HELP_COL, "");
	help_text(f, help);
}

static void option_left(const struct opt *o, char *buf, size_t len)
{
	if (o->flags & OPT_POSITIONAL)
		snprintf(buf, len, "%s", o->name);
	else if (takes_value(o))
		snprintf(buf, len, "--%s %s", o->name, o->metavar ? o->metavar : "VALUE");
	else if (o->short_name)
		snprintf(buf, len, "-%c, --%s", o->short_name, o->name);
	else
		snprintf(buf, len, "--%s", o->name);
}

static void help_section(FILE *f, const char *title, const struct opt *opts, bool positional)
{
	bool first = true;

	for (const struct opt *o = opts; o->name; o++) {
		char left[64];

		if (!(o->flags & OPT_POSITIONAL) != !positional)
			continue;
		if (first)
			fprintf(f, "\n%s:\n", title);
		first = false;
		option_left(o, left, sizeof(left));
		help_line(f, left, o->help);
	}
}

static void usage_line(const struct cmd *cmd, FILE *f)
{
	bool has_options = false;

	fprintf(f, "Usage: xdpctl %s", cmd->name);
	for (const struct opt *o = cmd->opts; o->name; o++)
		has_options |= !(o->flags & (OPT_POSITIONAL | OPT_REQUIRED));
	if (has_options)
		fprintf(f, " [OPTION]...");
	for (const struct opt *o = cmd->opts; o->name; o++) {
		char left[64];

		if (o->flags & OPT_POSITIONAL)
			continue;
		option_left(o, left, sizeof(left));
		if (o->flags & OPT_REQUIRED)
			fprintf(f, " %s", left);
	}
	for (const struct opt *o = cmd->opts; o->name; o++)
		if (o->flags & OPT_POSITIONAL)
			fprintf(f, o->flags & OPT_REQUIRED ? " %s" : " [%s]", o->name);
	fprintf(f, "\n");
}

void xdpctl_cmd_help(const struct cmd *cmd, FILE *f)
{
	usage_line(cmd, f);
	fprintf(f, "\n%s\n", cmd->summary);
	help_section(f, "Arguments", cmd->opts, true);
	help_section(f, "Options", cmd->opts, false);
	help_section(f, "Global options", xdpctl_global_opts, false);
	help_line(f, "-h, --help", "show this help");
	fprintf(f, "\nSee xdpctl(8).\n");
}

void xdpctl_usage(FILE *f)
{
	fprintf(f, "Usage: xdpctl [OPTION]... COMMAND [ARG]...\n\n"
		"Attach, detach and swap XDP programs through xdplinkd.\n\nCommands:\n");
	for (const struct cmd *c = xdpctl_commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	help_section(f, "Options (before or after COMMAND)", xdpctl_global_opts, false);
	help_line(f, "-h, --help", "this help; COMMAND --help for a command's");
	help_line(f, "--version", "the client's version");
	fprintf(f, "\nSee xdpctl(8).\n");
}
