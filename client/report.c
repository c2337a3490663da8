/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl: connecting to the daemon, and saying how a call went: one line and an exit code. */
#include <errno.h>
#include <string.h>

#include "xdpctl.h"
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

int xdpctl_fail(const struct global *g, struct xl_client *c, const char *ifname, int r)
{
	const struct xl_client_error *e = xl_client__last_error(c);
	char line[1200];

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
	fprintf(stderr, "xdpctl: %s\n", line);
	/* Long, so not on the error line; with --json it is in the parameters. */
	if (e->verifier_log && !g->json)
		fprintf(stderr, "verifier log:\n%s%s", e->verifier_log,
			e->verifier_log[0] && e->verifier_log[strlen(e->verifier_log) - 1] == '\n' ?
			"" : "\n");
	return xdpctl_exit_code(r, e);
}
