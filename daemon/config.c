/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file: one table of keys, each with its parser. Any
 * unknown section or key, repeated key or bad value is an error naming
 * file and line; the daemon refuses to start rather than guess. Every
 * error is found, not only the first (xdplinkd --check-config names all).
 */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "config.h"
#include "xl-util.h"

#define MSG_MAX 256

typedef int (*key_parser)(const char *value, void *dest, char *why, size_t whylen);

struct key {
	const char *section;
	const char *name;
	key_parser parse;
	size_t offset;
};

/* The string fields all own their value. */
static int set_string(const char *v, void *dest)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*(char **)dest);
	*(char **)dest = s;
	return 0;
}

static int parse_path(const char *v, void *dest, char *why, size_t whylen)
{
	if (v[0] != '/' || strlen(v) >= PATH_MAX) {
		snprintf(why, whylen, "must be an absolute path");
		return -EINVAL;
	}
	return set_string(v, dest);
}

static int parse_group(const char *v, void *dest, char *why, size_t whylen)
{
	if (strlen(v) > 32 || strpbrk(v, " :/\t")) {
		snprintf(why, whylen, "must be a group name (or empty for root's group)");
		return -EINVAL;
	}
	return set_string(v, dest);
}

static int parse_mode(const char *v, void *dest, char *why, size_t whylen)
{
	char *end;
	unsigned long m;

	errno = 0;
	m = strtoul(v, &end, 8);
	if (errno || end == v || *end || m > 0777) {
		snprintf(why, whylen, "must be an octal file mode such as 0660");
		return -EINVAL;
	}
	*(mode_t *)dest = (mode_t)m;
	return 0;
}

static int parse_attach_mode(const char *v, void *dest, char *why, size_t whylen)
{
	if (strcmp(v, "native") == 0)
		*(enum xl_mode *)dest = XL_MODE_NATIVE;
	else if (strcmp(v, "skb") == 0)
		*(enum xl_mode *)dest = XL_MODE_SKB;
	else {
		snprintf(why, whylen, "must be native or skb");
		return -EINVAL;
	}
	return 0;
}

static int parse_boolean(const char *v, void *dest, char *why, size_t whylen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*(bool *)dest = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*(bool *)dest = false;
			return 0;
		}
	}
	snprintf(why, whylen, "must be yes or no");
	return -EINVAL;
}

static int parse_number(const char *v, unsigned long long lo, unsigned long long hi,
			unsigned long long *ret, char *why, size_t whylen)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < lo || n > hi) {
		snprintf(why, whylen, "must be a number from %llu to %llu", lo, hi);
		return -EINVAL;
	}
	*ret = n;
	return 0;
}

static int parse_connections(const char *v, void *dest, char *why, size_t whylen)
{
	unsigned long long n;
	int r = parse_number(v, 1, 65536, &n, why, whylen);

	if (r == 0)
		*(unsigned *)dest = (unsigned)n;
	return r;
}

static int parse_idle(const char *v, void *dest, char *why, size_t whylen)
{
	unsigned long long n;
	int r = parse_number(v, 0, 86400, &n, why, whylen);

	if (r == 0)
		*(uint64_t *)dest = n ? n * 1000000ULL : UINT64_MAX;
	return r;
}

static int parse_size(const char *v, void *dest, char *why, size_t whylen)
{
	unsigned long long n, mult = 1;
	char buf[32];
	size_t len = strlen(v);

	if (len && len < sizeof(buf) && (v[len - 1] == 'K' || v[len - 1] == 'M')) {
		mult = v[len - 1] == 'K' ? 1024 : 1024 * 1024;
		snprintf(buf, sizeof(buf), "%.*s", (int)(len - 1), v);
		v = buf;
	}
	if (parse_number(v, 1, 16ULL * 1024 * 1024, &n, why, whylen) < 0 ||
	    n * mult < 64 * 1024 || n * mult > 16 * 1024 * 1024) {
		snprintf(why, whylen, "must be a size from 64K to 16M");
		return -EINVAL;
	}
	*(size_t *)dest = (size_t)(n * mult);
	return 0;
}

/* Buffered bytes: 64K to 1G, with K, M or G. */
static int parse_buffer_size(const char *v, void *dest, char *why, size_t whylen)
{
	unsigned long long n, mult = 1;
	char buf[32];
	size_t len = strlen(v);

	if (len && len < sizeof(buf) && strchr("KMG", v[len - 1])) {
		mult = 1ULL << (v[len - 1] == 'K' ? 10 : v[len - 1] == 'M' ? 20 : 30);
		snprintf(buf, sizeof(buf), "%.*s", (int)(len - 1), v);
		v = buf;
	}
	if (parse_number(v, 1, 1ULL << 30, &n, why, whylen) < 0 ||
	    n * mult < 64 * 1024 || n * mult > (1ULL << 30)) {
		snprintf(why, whylen, "must be a size from 64K to 1G");
		return -EINVAL;
	}
	*(size_t *)dest = (size_t)(n * mult);
	return 0;
}

static int parse_fds(const char *v, void *dest, char *why, size_t whylen)
{
	unsigned long long n;
	int r = parse_number(v, 1, 1048576, &n, why, whylen);

	if (r == 0)
		*(unsigned *)dest = (unsigned)n;
	return r;
}

/* A space-separated list, checked word by word by access.c when applied;
 * here only its characters. */
static int parse_words(const char *v, void *dest, char *why, size_t whylen)
{
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			snprintf(why, whylen, "must be a space-separated list");
			return -EINVAL;
		}
	if (strlen(v) >= 4096) {
		snprintf(why, whylen, "is longer than 4095 characters");
		return -EINVAL;
	}
	return set_string(v, dest);
}

static int parse_level(const char *v, void *dest, char *why, size_t whylen)
{
	if (xd_parse_log_level(v, dest) < 0) {
		snprintf(why, whylen, "must be err, warning, notice, info or debug");
		return -EINVAL;
	}
	return 0;
}

#define KEY(sec, name, fn, field) { sec, name, fn, offsetof(struct xd_config, field) }
static const struct key keys[] = {
	KEY("Socket", "Path", parse_path, socket_path),
	KEY("Socket", "Mode", parse_mode, socket_mode),
	KEY("Socket", "Group", parse_group, socket_group),
	KEY("Engine", "BpffsRoot", parse_path, bpffs_root),
	KEY("Engine", "StateDir", parse_path, state_dir),
	KEY("Engine", "InterfacesDir", parse_path, interfaces_dir),
	KEY("Engine", "DefaultMode", parse_attach_mode, default_mode),
	KEY("Engine", "Counters", parse_boolean, counters),
	KEY("Limits", "MaxConnections", parse_connections, max_connections),
	KEY("Limits", "MaxConnectionsPerUser", parse_connections, max_connections_per_user),
	KEY("Limits", "IdleTimeoutSec", parse_idle, idle_timeout_usec),
	KEY("Limits", "MaxMessageSize", parse_size, max_message_size),
	KEY("Limits", "ReservedConnections", parse_connections, reserved_connections),
	KEY("Limits", "MaxFds", parse_fds, max_fds),
	KEY("Limits", "MaxFdsPerUser", parse_fds, max_fds_per_user),
	KEY("Limits", "MaxInputPerUser", parse_buffer_size, max_input_per_user),
	KEY("Limits", "MaxOutputPerUser", parse_buffer_size, max_output_per_user),
	KEY("Limits", "MaxInput", parse_buffer_size, max_input),
	KEY("Limits", "MaxOutput", parse_buffer_size, max_output),
	KEY("Limits", "MaxJobsPerUser", parse_connections, max_jobs_per_user),
	KEY("Log", "Level", parse_level, log_level),
	KEY("Access", "AllowUsers", parse_words, allow_users),
	KEY("Access", "AllowGroups", parse_words, allow_groups),
	KEY("Access", "GroupInterfaces", parse_words, group_interfaces),
	KEY("Access", "PrivilegedLoadUsers", parse_words, privileged_load_users),
	KEY("Access", "PrivilegedLoadGroups", parse_words, privileged_load_groups),
};

struct parse_state {
	struct xd_config *c;
	const char *path;
	FILE *f;
	int line;			/* 0: the message is about the whole file */
	bool seen[ELEMENTSOF(keys)];
	int error;			/* first error, negative errno */
	int error_line;			/* its line */
	char msg[MSG_MAX];		/* and its message */
	struct xd_conf_errors *errs;	/* every error; may be NULL */
	char bad_section[64];		/* reported already: its other keys are not */
};

/* Every failure is reported; the first is kept for err. */
_printf_(3, 4) static int fail(struct parse_state *ps, int r, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	xd_conf_vformat(msg, sizeof(msg), ps->path, ps->line, fmt, ap);
	va_end(ap);
	xd_conf_error(ps->errs, msg);
	if (!ps->error) {
		ps->error = r;
		ps->error_line = ps->line;
		snprintf(ps->msg, sizeof(ps->msg), "%s", msg);
	}
	return 0;	/* inih: this line failed */
}

/*
 * What inih would refuse as a syntax error (a line that is no comment, no
 * [Section] and no Key = value), found here so that each is reported and
 * parsing goes on: inih itself names only the first.
 */
static bool syntax_error(const char *line)
{
	const char *p = line + strspn(line, " \t\r\n");

	if (!*p || *p == ';' || *p == '#')
		return false;
	if (*p == '[')
		return !strchr(p, ']');
	/* inih ends a line at a ';' after a blank (an inline comment). */
	for (const char *c = p; *c && *c != '\n'; c++) {
		if (*c == '=' || *c == ':')
			return false;
		if (*c == ';' && (c[-1] == ' ' || c[-1] == '\t'))
			break;
	}
	return true;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (strcmp(keys[i].section, section) == 0)
			return true;
	return false;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	char why[128];
	int r;

	if (!section_known(section)) {
		if (strcmp(ps->bad_section, section) == 0)
			return 0;
		snprintf(ps->bad_section, sizeof(ps->bad_section), "%s", section);
		return fail(ps, -EINVAL, "unknown section [%s]", section);
	}
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		const struct key *k = &keys[i];

		if (strcmp(k->section, section) != 0 || strcmp(k->name, name) != 0)
			continue;
		if (ps->seen[i])
			return fail(ps, -EINVAL, "%s is set twice in [%s]", name, section);
		ps->seen[i] = true;
		r = k->parse(value, (char *)ps->c + k->offset, why, sizeof(why));
		if (r == -ENOMEM)
			return fail(ps, r, "out of memory");
		if (r < 0)
			return fail(ps, r, "bad value '%s' for %s: %s", value, name, why);
		return 1;
	}
	return fail(ps, -EINVAL, "unknown key '%s' in section [%s]", name, section);
}

/* inih hands no line numbers to handlers; counting the lines it reads does. */
static char *read_line(char *buf, int size, void *user)
{
	struct parse_state *ps = user;
	size_t n;

	if (!fgets(buf, size, ps->f))
		return NULL;
	n = strlen(buf);
	ps->line++;
	if (n == (size_t)size - 1 && buf[n - 1] != '\n' && !feof(ps->f)) {
		int ch;

		fail(ps, -EINVAL, "line too long (at most %d characters)", size - 2);
		while ((ch = fgetc(ps->f)) != EOF && ch != '\n')
			;
		snprintf(buf, (size_t)size, "\n");	/* reported: inih gets a blank */
	} else if (syntax_error(buf)) {
		fail(ps, -EINVAL, "syntax error: expected [Section] or Key = value");
		snprintf(buf, (size_t)size, "\n");
	}
	return buf;
}

/* Limits that only make sense together: each broken pair is an error of the file. */
static void check_limits(struct parse_state *ps, const struct xd_config *c)
{
	ps->line = 0;
	if (c->max_connections_per_user > c->max_connections)
		fail(ps, -EINVAL, "MaxConnectionsPerUser exceeds MaxConnections");
	if (c->reserved_connections > c->max_connections / 2)
		fail(ps, -EINVAL, "ReservedConnections exceeds half of MaxConnections");
	if (c->max_input_per_user > c->max_input || c->max_output_per_user > c->max_output)
		fail(ps, -EINVAL, "MaxInputPerUser or MaxOutputPerUser exceeds MaxInput or MaxOutput");
	if (c->max_fds_per_user > c->max_fds)
		fail(ps, -EINVAL, "MaxFdsPerUser exceeds MaxFds");
}

int xd_config_load_all(struct xd_config *c, const char *path, bool must_exist,
		       struct xd_conf_errors *errs, char *err, size_t errlen)
{
	struct parse_state ps = { .path = path, .errs = errs };
	struct xd_config tmp;
	int r;

	ps.f = fopen(path, "re");
	if (!ps.f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		xd_conf_error(errs, err);
		return r;
	}
	r = xd_config_copy(&tmp, c);
	if (r < 0) {
		fclose(ps.f);
		snprintf(err, errlen, "out of memory");
		xd_conf_error(errs, err);
		return r;
	}
	ps.c = &tmp;
	r = ini_parse_stream(read_line, &ps, on_key, &ps);
	fclose(ps.f);
	/* inih returns the first line it refused: one before every line we
	 * refused is one syntax_error() let through, and the first error. */
	if (r > 0 && (!ps.error || r < ps.error_line)) {
		ps.error = 0;
		ps.line = r;
		fail(&ps, -EINVAL, "syntax error: expected [Section] or Key = value");
	} else if (r < 0 && !ps.error) {
		fail(&ps, -ENOMEM, "cannot parse");
	}
	check_limits(&ps, &tmp);
	if (ps.error && !(errs && errs->keep_partial)) {
		xd_config_done(&tmp);
		snprintf(err, errlen, "%s", ps.msg);
		return ps.error;
	}
	xd_config_done(c);
	*c = tmp;
	if (ps.error)
		snprintf(err, errlen, "%s", ps.msg);
	return ps.error;
}

int xd_config_load(struct xd_config *c, const char *path, bool must_exist, char *err,
		   size_t errlen)
{
	return xd_config_load_all(c, path, must_exist, NULL, err, errlen);
}

void xd_config_init(struct xd_config *c)
{
	*c = (struct xd_config){
		.socket_mode = 0660,
		.default_mode = XL_MODE_NATIVE,
		.max_connections = 4096,
		.max_connections_per_user = 1024,
		.idle_timeout_usec = 60ULL * 1000000ULL,
		.max_message_size = 16U * 1024U * 1024U,
		.reserved_connections = 64,
		.max_fds = 4096,
		.max_fds_per_user = 256,
		.max_input_per_user = 32U * 1024U * 1024U,
		.max_output_per_user = 16U * 1024U * 1024U,
		.max_input = 48U * 1024U * 1024U,
		.max_output = 32U * 1024U * 1024U,
		.max_jobs_per_user = 64,
		.log_level = LOG_INFO,
	};
	/* Static strings would make ownership conditional; allocation failure
	 * here leaves NULL, which the daemon reports as a bad config. */
	c->socket_path = strdup("/run/xdplinkd/io.xdplink.Manager");
	c->socket_group = strdup("xdplinkd");
	c->bpffs_root = strdup(XL_DEFAULT_BPFFS_ROOT);
	c->state_dir = strdup(XL_DEFAULT_STATE_DIR);
	c->interfaces_dir = strdup("/etc/xdplinkd/interfaces.d");
	c->allow_users = strdup("");
	c->allow_groups = strdup("xdplinkd");
	c->group_interfaces = strdup("");
	c->privileged_load_users = strdup("");
	c->privileged_load_groups = strdup("");
}

void xd_config_done(struct xd_config *c)
{
	free(c->socket_path);
	free(c->socket_group);
	free(c->bpffs_root);
	free(c->state_dir);
	free(c->interfaces_dir);
	free(c->allow_users);
	free(c->allow_groups);
	free(c->group_interfaces);
	free(c->privileged_load_users);
	free(c->privileged_load_groups);
	c->privileged_load_users = c->privileged_load_groups = NULL;
	c->socket_path = c->socket_group = c->bpffs_root = c->state_dir = NULL;
	c->allow_users = c->allow_groups = c->group_interfaces = c->interfaces_dir = NULL;
}

static int dup_or_null(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return src && !*dst ? -ENOMEM : 0;
}

int xd_config_copy(struct xd_config *dst, const struct xd_config *src)
{
	struct xd_config c = *src;

	c.socket_path = c.socket_group = c.bpffs_root = c.state_dir = NULL;
	c.allow_users = c.allow_groups = c.group_interfaces = c.interfaces_dir = NULL;
	c.privileged_load_users = c.privileged_load_groups = NULL;
	if (dup_or_null(&c.socket_path, src->socket_path) < 0 ||
	    dup_or_null(&c.socket_group, src->socket_group) < 0 ||
	    dup_or_null(&c.bpffs_root, src->bpffs_root) < 0 ||
	    dup_or_null(&c.state_dir, src->state_dir) < 0 ||
	    dup_or_null(&c.interfaces_dir, src->interfaces_dir) < 0 ||
	    dup_or_null(&c.allow_users, src->allow_users) < 0 ||
	    dup_or_null(&c.allow_groups, src->allow_groups) < 0 ||
	    dup_or_null(&c.group_interfaces, src->group_interfaces) < 0 ||
	    dup_or_null(&c.privileged_load_users, src->privileged_load_users) < 0 ||
	    dup_or_null(&c.privileged_load_groups, src->privileged_load_groups) < 0) {
		xd_config_done(&c);
		return -ENOMEM;
	}
	*dst = c;
	return 0;
}

static const char *const level_names[] = {
	[LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

int xd_parse_log_level(const char *s, int *ret)
{
	for (int i = 0; i < (int)ELEMENTSOF(level_names); i++)
		if (level_names[i] && strcmp(s, level_names[i]) == 0) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

const char *xd_log_level_to_string(int level)
{
	if (level < 0 || level >= (int)ELEMENTSOF(level_names))
		return NULL;
	return level_names[level];
}
