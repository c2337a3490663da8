/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl: connecting to the daemon, and saying how a call went: one line and an exit code. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "xdpctl.h"
#include "xl-escape.h"
#include "xl-util.h"

#define PREFIX XL_CLIENT_INTERFACE "."

static const char *socket_of(const struct global *g)
{
	return g->socket ? g->socket : xl_client__default_socket();
}

int xdpctl_connect(const struct global *g, struct xl_client **ret)
{
	struct xl_client_opts opts = {
		.sz = sizeof(opts), .timeout_usec = (__u64)(g->timeout_sec * 1e6),
	};
	const char *path = socket_of(g);
	int r;

	/* A timeout too small to count is the smallest one, not "forever". */
	if (g->timeout_sec > 0 && opts.timeout_usec == 0)
		opts.timeout_usec = 1;

	r = xl_client__connect(path, &opts, ret);
	if (r == 0)
		return EXIT_OK;
	fprintf(stderr, "xdpctl: cannot connect to xdplinkd at %s: %s%s\n", path, strerror(-r),
		r == -ENOENT || r == -ECONNREFUSED ? " (is xdplinkd running?)" :
		r == -EACCES ? " (only root or the socket's group may use it)" : "");
	return r == -EACCES || r == -EPERM ? EXIT_NOPERM : EXIT_UNAVAILABLE;
}

/* NAME as "ip netns" makes them, a PID, or a path. We open it ourselves
 * and pass the fd: the daemon then never opens a path on our behalf.
 * Without --netns, *ret_fd is -EBADF, never 0: the caller's cleanup
 * would close our stdin. */
int xdpctl_open_netns(const struct global *g, int *ret_fd)
{
	const char *ns = g->netns;
	char path[PATH_MAX];
	int fd;

	*ret_fd = -EBADF;
	if (!ns)
		return EXIT_OK;
	if (ns[0] != '\0' && strspn(ns, "0123456789") == strlen(ns))
		snprintf(path, sizeof(path), "/proc/%s/ns/net", ns);
	else if (strchr(ns, '/'))
		snprintf(path, sizeof(path), "%s", ns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "xdpctl: cannot open the network namespace %s (%s): %s\n", ns, path,
			strerror(errno));
		return errno == EACCES || errno == EPERM ? EXIT_NOPERM : EXIT_NOINPUT;
	}
	/* Never fd 0: to the client library, 0 means "the daemon's own". */
	if (fd == 0) {
		*ret_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		close(fd);
		if (*ret_fd < 0)
			return EXIT_SOFTWARE;
		return EXIT_OK;
	}
	*ret_fd = fd;
	return EXIT_OK;
}

int xdpctl_exit_code(int r, const struct xl_client_error *e)
{
	if (e && strcmp(e->name, PREFIX "RevisionMismatch") == 0)
		return EXIT_TEMPFAIL;
	if (e && strcmp(e->name, "org.varlink.service.PermissionDenied") == 0)
		return EXIT_NOPERM;
	if (e)
		return EXIT_REFUSED;
	switch (r) {
	case -ETIMEDOUT:
	case -ECONNRESET:
	case -EPIPE:
	case -ECANCELED:
		return EXIT_UNAVAILABLE;
	default:
		return EXIT_SOFTWARE;
	}
}

void xdpctl_format_refusal(const struct xl_client_error *e, const char *ifname, char *buf,
			   size_t len)
{
	const char *name = e->name;
	/* Errors about an interface name it first; the others get ours. */
	bool prefix = ifname && !json_object_get(e->parameters, "interface");

	if (strncmp(name, PREFIX, strlen(PREFIX)) == 0)
		name += strlen(PREFIX);
	snprintf(buf, len, "%s%s%s (%s)", prefix ? ifname : "", prefix ? ": " : "", e->message,
		 name);
}

void xdpctl_print_json(json_t *o, bool one_line)
{
	json_dumpf(o, stdout, one_line ? JSON_COMPACT : JSON_INDENT(2));
	fputc('\n', stdout);
	fflush(stdout);
}

/* A failure of the connection, not a refusal. */
static void connection_failure(const struct global *g, const char *ifname, int r)
{
	const char *where = ifname ? ifname : "", *sep = ifname ? ": " : "";

	switch (r) {
	case -ETIMEDOUT:
		fprintf(stderr, "xdpctl: %s%sno answer from xdplinkd within %g s; a change may still "
			"take effect (see xdpctl status)\n", where, sep, g->timeout_sec);
		break;
	case -ECONNRESET:
	case -EPIPE:
		fprintf(stderr, "xdpctl: %s%sxdplinkd closed the connection\n", where, sep);
		break;
	case -EBADMSG:
	case -EPROTO:
		fprintf(stderr, "xdpctl: %s%sthe answer from %s is not io.xdplink.Manager\n", where,
			sep, socket_of(g));
		break;
	default:
		fprintf(stderr, "xdpctl: %s%s%s\n", where, sep, strerror(-r));
	}
}

/*
 * The verifier log quotes the object's own source lines (its BTF line
 * info), which whoever built the object chose: each line escaped like any
 * other name, the line breaks kept.
 */
static void print_verifier_log(const char *log)
{
	fputs("verifier log:\n", stderr);
	while (*log) {
		size_t n = strcspn(log, "\n");
		_cleanup_free_ char *line = strndup(log, n);
		_cleanup_free_ char *esc = line ? xl_escape_dup(line) : NULL;

		fprintf(stderr, "%s\n", esc ? esc : "(out of memory)");
		log += n;
		if (*log == '\n')
			log++;
	}
}

int xdpctl_fail(const struct global *g, struct xl_client *c, const char *ifname, int r)
{
	const struct xl_client_error *e = xl_client__last_error(c);
	char line[1200], esc[4 * sizeof(line)];

	if (!e) {
		connection_failure(g, ifname, r);
		return xdpctl_exit_code(r, NULL);
	}
	if (g->json) {
		json_t *o = json_pack("{s:{s:s,s:s,s:O}}", "error", "name", e->name,
				      "message", e->message, "parameters", e->parameters);

		if (o)
			xdpctl_print_json(o, false);
		json_decref(o);
	}
	xdpctl_format_refusal(e, ifname, line, sizeof(line));
	/* The message may quote names others chose: one line, escaped. */
	fprintf(stderr, "xdpctl: %s\n", xl_escape(line, esc, sizeof(esc)));
	/* Long, so not on the error line; with --json it is in the parameters. */
	if (e->verifier_log && !g->json)
		print_verifier_log(e->verifier_log);
	return xdpctl_exit_code(r, e);
}
