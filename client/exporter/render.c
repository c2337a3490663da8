/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statistics and List as Prometheus text or OpenMetrics (render.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "render.h"

/* A metric family. Counters' samples end in _total; a unit, when there
 * is one, ends the name (OpenMetrics requires it). */
struct family {
	const char *name;
	const char *type;	/* "counter" or "gauge" */
	const char *unit;	/* NULL: none */
	const char *help;
};

/* A family with one sample, from a key of the Statistics reply. */
struct scalar {
	struct family fam;
	const char *key;
	double scale;		/* 0: the integer as it is */
};

static const struct family up_family = {
	"xdplink_up", "gauge", NULL,
	"Whether xdplinkd answered this scrape (1) or not (0)." };
static const struct family scrape_family = {
	"xdplink_scrape_duration_seconds", "gauge", "seconds",
	"How long xdplinkd took to answer Statistics and List for this scrape." };

static const struct scalar scalars[] = {
	{ { "xdplink_start_time_seconds", "gauge", "seconds",
	    "When xdplinkd started, in seconds since the Unix epoch." },
	  "startTimeUsec", 1e-6 },
	{ { "xdplink_revisions", "counter", NULL,
	    "New revisions that went live on any interface since xdplinkd started." },
	  "revisions", 0 },
	{ { "xdplink_link_updates", "counter", NULL,
	    "XDP link changes (creations, BPF_LINK_UPDATE swaps, detachments) since xdplinkd "
	    "started, recovery's included." },
	  "linkUpdates", 0 },
	{ { "xdplink_changes_refused", "counter", NULL,
	    "Changes refused after their parameters were accepted (kernel, engine, quota, "
	    "refused or read-only interface)." },
	  "changesRefused", 0 },
	{ { "xdplink_recovery_duration_seconds", "gauge", "seconds",
	    "How long recovery took when xdplinkd last started." },
	  "recoveryUsec", 1e-6 },
	{ { "xdplink_recovery_link_updates", "gauge", NULL,
	    "XDP link changes recovery made when xdplinkd last started (0: the data plane was "
	    "left alone)." },
	  "recoveryLinkUpdates", 0 },
	{ { "xdplink_recovery_interfaces", "gauge", NULL,
	    "Interfaces recovery took over when xdplinkd last started." },
	  "recoveredInterfaces", 0 },
	{ { "xdplink_recovery_refused_interfaces", "gauge", NULL,
	    "Interfaces recovery left alone when xdplinkd last started (see xdpctl adopt)." },
	  "recoveryRefused", 0 },
	{ { "xdplink_connections", "gauge", NULL,
	    "varlink connections open to xdplinkd (this scrape's included)." },
	  "connections", 0 },
	{ { "xdplink_connections_accepted", "counter", NULL,
	    "varlink connections xdplinkd accepted since it started." },
	  "connectionsAccepted", 0 },
	{ { "xdplink_jobs_queued", "gauge", NULL,
	    "Changes waiting behind the running one of their interface." },
	  "jobsQueued", 0 },
	{ { "xdplink_jobs_running", "gauge", NULL,
	    "Changes running now (at most one per interface)." },
	  "jobsRunning", 0 },
	{ { "xdplink_interfaces", "gauge", NULL,
	    "Interfaces xdplinkd holds a record of (programs attached, or work queued)." },
	  "interfaces", 0 },
};

static const struct family errors_family = {
	"xdplink_errors", "counter", NULL,
	"Error replies xdplinkd sent since it started, by varlink error name." };
static const struct family packets_family = {
	"xdplink_program_packets", "counter", NULL,
	"Packets whose verdict a program decided (it ended the chain), by verdict, summed over "
	"CPUs; interfaces with counters on." };
static const struct family revision_family = {
	"xdplink_interface_revision", "gauge", NULL,
	"The revision live on an interface (0: nothing attached)." };
static const struct family programs_family = {
	"xdplink_interface_programs", "gauge", NULL,
	"Programs attached to an interface by xdplinkd." };
static const struct family refused_family = {
	"xdplink_interface_refused", "gauge", NULL,
	"1 when recovery left the interface alone (xdpctl adopt takes it over)." };

static const char *const verdicts[] = { "aborted", "drop", "pass", "tx", "redirect", "other" };

const char *xe_content_type(enum xe_format fmt)
{
	return fmt == XE_FORMAT_OPENMETRICS ?
		"application/openmetrics-text; version=1.0.0; charset=utf-8" :
		"text/plain; version=0.0.4; charset=utf-8";
}

void xe_escape_label(FILE *f, const char *value)
{
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

/* The name samples carry: counters' end in _total. */
static void sample_name(FILE *f, const struct family *fam)
{
	fprintf(f, "%s%s", fam->name, strcmp(fam->type, "counter") == 0 ? "_total" : "");
}

/* Text 0.0.4 names a counter's family by its sample (_total) and has no
 * UNIT; OpenMetrics names the family without the suffix. */
static void header(FILE *f, enum xe_format fmt, const struct family *fam)
{
	const char *suffix = fmt == XE_FORMAT_TEXT && strcmp(fam->type, "counter") == 0 ?
			     "_total" : "";

	fprintf(f, "# HELP %s%s %s\n", fam->name, suffix, fam->help);
	fprintf(f, "# TYPE %s%s %s\n", fam->name, suffix, fam->type);
	if (fam->unit && fmt == XE_FORMAT_OPENMETRICS)
		fprintf(f, "# UNIT %s %s\n", fam->name, fam->unit);
}

static void scalar_sample(FILE *f, enum xe_format fmt, const struct scalar *s, json_t *stats)
{
	json_t *v = json_object_get(stats, s->key);

	if (!json_is_integer(v))
		return;		/* an older daemon: left out rather than made up */
	header(f, fmt, &s->fam);
	sample_name(f, &s->fam);
	if (s->scale)
		fprintf(f, " %.6f\n", (double)json_integer_value(v) * s->scale);
	else
		fprintf(f, " %" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
}

static void errors_samples(FILE *f, enum xe_format fmt, json_t *stats)
{
	json_t *errors = json_object_get(stats, "errors"), *e;
	size_t i;

	if (!json_is_array(errors))
		return;
	header(f, fmt, &errors_family);
	json_array_foreach(errors, i, e) {
		sample_name(f, &errors_family);
		fputs("{error=\"", f);
		xe_escape_label(f, json_string_value(json_object_get(e, "error")));
		fprintf(f, "\"} %" JSON_INTEGER_FORMAT "\n",
			json_integer_value(json_object_get(e, "count")));
	}
}

/* The interface's namespace as status shows it: its /run/netns name when
 * List gives one, else cookie:N. */
static void iface_labels(FILE *f, json_t *iface)
{
	const char *netns = json_string_value(json_object_get(iface, "netns"));

	fputs("interface=\"", f);
	xe_escape_label(f, json_string_value(json_object_get(iface, "name")));
	fputs("\",netns=\"", f);
	if (netns && *netns)
		xe_escape_label(f, netns);
	else
		fprintf(f, "cookie:%" JSON_INTEGER_FORMAT,
			json_integer_value(json_object_get(iface, "netnsCookie")));
	fputc('"', f);
}

static void iface_gauge(FILE *f, enum xe_format fmt, const struct family *fam, json_t *ifaces,
			json_int_t (*value)(json_t *iface))
{
	json_t *iface;
	size_t i;

	header(f, fmt, fam);
	json_array_foreach(ifaces, i, iface) {
		fprintf(f, "%s{", fam->name);
		iface_labels(f, iface);
		fprintf(f, "} %" JSON_INTEGER_FORMAT "\n", value(iface));
	}
}

static json_int_t iface_revision(json_t *iface)
{
	return json_integer_value(json_object_get(iface, "revision"));
}

static json_int_t iface_programs(json_t *iface)
{
	return (json_int_t)json_array_size(json_object_get(iface, "attachments"));
}

static json_int_t iface_refused(json_t *iface)
{
	json_t *r = json_object_get(iface, "refused");

	return r && !json_is_null(r);
}

static void packet_samples(FILE *f, json_t *iface, json_t *att)
{
	json_t *counters = json_object_get(att, "counters");

	for (size_t v = 0; v < sizeof(verdicts) / sizeof(verdicts[0]); v++) {
		sample_name(f, &packets_family);
		fputc('{', f);
		iface_labels(f, iface);
		fprintf(f, ",attachment=\"%" JSON_INTEGER_FORMAT "\",program=\"",
			json_integer_value(json_object_get(att, "id")));
		xe_escape_label(f, json_string_value(json_object_get(att, "name")));
		fprintf(f, "\",verdict=\"%s\"} %" JSON_INTEGER_FORMAT "\n", verdicts[v],
			json_integer_value(json_object_get(counters, verdicts[v])));
	}
}

/* Only attachments whose interface counts verdicts have counters. */
static void packets(FILE *f, enum xe_format fmt, json_t *ifaces)
{
	json_t *iface, *att;
	size_t i, k;

	header(f, fmt, &packets_family);
	json_array_foreach(ifaces, i, iface)
		json_array_foreach(json_object_get(iface, "attachments"), k, att)
			if (json_is_object(json_object_get(att, "counters")))
				packet_samples(f, iface, att);
}

int xe_render(FILE *f, const struct xe_scrape *s, enum xe_format fmt)
{
	header(f, fmt, &up_family);
	fprintf(f, "xdplink_up %d\n", s->up ? 1 : 0);
	header(f, fmt, &scrape_family);
	fprintf(f, "xdplink_scrape_duration_seconds %.6f\n", s->duration);
	if (s->up && json_is_object(s->stats)) {
		for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
			scalar_sample(f, fmt, &scalars[i], s->stats);
		errors_samples(f, fmt, s->stats);
	}
	if (s->up && json_is_array(s->interfaces)) {
		iface_gauge(f, fmt, &revision_family, s->interfaces, iface_revision);
		iface_gauge(f, fmt, &programs_family, s->interfaces, iface_programs);
		iface_gauge(f, fmt, &refused_family, s->interfaces, iface_refused);
		packets(f, fmt, s->interfaces);
	}
	if (fmt == XE_FORMAT_OPENMETRICS)
		fputs("# EOF\n", f);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}
