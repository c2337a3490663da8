/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl's human output: the status table (after xdp-loader status) and monitor lines. */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "table.h"
#include "xdpctl.h"
#include "xl-escape.h"
#include "xl-util.h"

static const char *str(json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : def;
}

/* str() escaped for the terminal, into buf (the table escapes its own cells). */
static const char *safe(json_t *o, const char *key, const char *def, char *buf, size_t len)
{
	return xl_escape(str(o, key, def), buf, len);
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* "a,b,c" from an array of strings or of numbers; def when it is empty. */
static void join(json_t *a, const char *def, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v) {
		int n = json_is_integer(v) ?
			snprintf(buf + off, len - off, "%s%lld", i ? "," : "",
				 (long long)json_integer_value(v)) :
			snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				 json_string_value(v) ? json_string_value(v) : "?");

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, len, "%s", def);
}

/* Counter columns, in XDP verdict order, then what no verdict names. */
static const char *const counter_keys[] = { "aborted", "drop", "pass", "tx", "redirect", "other" };
static const char *const counter_headers[] = { "Aborted", "Drop", "Pass", "Tx", "Redirect", "Other" };

/* Every column; which are shown depends on the options (see columns()). */
enum {
	C_NETNS, C_IFACE, C_REV, C_MODE, C_LINK, C_ID, C_PRIO, C_NAME, C_PROG, C_TAG, C_ACTIONS,
	C_COUNTERS, C_OWNER = C_COUNTERS + 6, C_LABEL, C_OBJECT, C_ALL,
};

static const char *const headers[C_ALL] = {
	[C_NETNS] = "Netns", [C_IFACE] = "Interface", [C_REV] = "Rev", [C_MODE] = "Mode",
	[C_LINK] = "Link", [C_ID] = "ID", [C_PRIO] = "Prio", [C_NAME] = "Program name",
	[C_PROG] = "Prog ID", [C_TAG] = "Tag", [C_ACTIONS] = "Actions", [C_OWNER] = "Owner",
	[C_LABEL] = "Label", [C_OBJECT] = "Object",
};

/* One row's cells by column (NULL: empty), with room for their text. */
struct row {
	const char *cell[C_ALL];
	char buf[C_ALL][32];
};

/* The table and which columns it shows: by default those that fit 100
 * columns (no link, tag, counters or object; issue 14). */
struct view {
	struct table t;
	bool shown[C_ALL];
};

static bool shown_by_default(size_t c, const struct xdpctl_status_opts *o)
{
	if (o->verbose)
		return true;
	if (c >= C_COUNTERS && c < C_OWNER)
		return o->counters;
	return c != C_LINK && c != C_TAG && c != C_OBJECT;
}

static void columns(struct view *v, const struct xdpctl_status_opts *o)
{
	for (size_t c = 0; c < C_ALL; c++) {
		bool right = c == C_REV || c == C_LINK || c == C_ID || c == C_PRIO || c == C_PROG ||
			     (c >= C_COUNTERS && c < C_OWNER);

		v->shown[c] = shown_by_default(c, o);
		if (v->shown[c])
			table_column(&v->t, c >= C_COUNTERS && c < C_OWNER ?
				     counter_headers[c - C_COUNTERS] : headers[c], right);
	}
}

static void add_row(struct view *v, const struct row *r)
{
	const char *cells[TABLE_MAX_COLS] = {};
	size_t k = 0;

	for (size_t c = 0; c < C_ALL; c++)
		if (v->shown[c])
			cells[k++] = r->cell[c];
	table_row(&v->t, cells);
}

static const char *fmt_num(struct row *r, size_t c, long long n)
{
	snprintf(r->buf[c], sizeof(r->buf[c]), "%lld", n);
	return r->cell[c] = r->buf[c];
}

/* Its /run/netns name, else its cookie: host eth0 and a container's eth0 differ. */
static void netns_cell(json_t *itf, struct row *r)
{
	const char *name = str(itf, "netns", NULL);

	if (name)
		r->cell[C_NETNS] = name;
	else {
		snprintf(r->buf[C_NETNS], sizeof(r->buf[C_NETNS]), "cookie:%lld",
			 num(itf, "netnsCookie"));
		r->cell[C_NETNS] = r->buf[C_NETNS];
	}
}

/* The interface's own cells appear on its first row only, like xdp-loader. */
static void clear_iface_cells(struct row *r)
{
	r->cell[C_NETNS] = r->cell[C_IFACE] = r->cell[C_REV] = r->cell[C_MODE] = NULL;
	r->cell[C_LINK] = NULL;
}

static void attachment_row(struct view *v, struct row *r, json_t *a, bool iface_counts)
{
	json_t *c = json_object_get(a, "counters");

	fmt_num(r, C_ID, num(a, "id"));
	fmt_num(r, C_PRIO, num(a, "priority"));
	fmt_num(r, C_PROG, num(a, "programId"));
	join(json_object_get(a, "actions"), "none", r->buf[C_ACTIONS], sizeof(r->buf[C_ACTIONS]));
	r->cell[C_ACTIONS] = r->buf[C_ACTIONS];
	r->cell[C_NAME] = str(a, "name", "?");
	r->cell[C_TAG] = str(a, "tag", "-");
	for (size_t i = 0; i < ELEMENTSOF(counter_keys); i++) {
		if (iface_counts && json_is_object(c))
			fmt_num(r, C_COUNTERS + i, num(c, counter_keys[i]));
		else
			r->cell[C_COUNTERS + i] = "-";
	}
	r->cell[C_OWNER] = str(a, "owner", "-");
	r->cell[C_LABEL] = str(a, "label", "");
	r->cell[C_OBJECT] = str(a, "object", "");
	add_row(v, r);
}

/* A program xdplinkd does not own: its holder as owner, marked unmanaged. */
static void unmanaged_row(struct view *v, struct row *r, json_t *u, const char *holder,
			  const char *mode)
{
	r->cell[C_MODE] = mode;
	r->cell[C_ID] = r->cell[C_PRIO] = r->cell[C_ACTIONS] = "-";
	r->cell[C_NAME] = str(u, "name", "?");
	fmt_num(r, C_PROG, num(u, "programId"));
	r->cell[C_TAG] = str(u, "tag", "-");
	for (size_t i = 0; i < ELEMENTSOF(counter_keys); i++)
		r->cell[C_COUNTERS + i] = "-";
	r->cell[C_OWNER] = holder;
	r->cell[C_LABEL] = "unmanaged";
	r->cell[C_OBJECT] = "";
	add_row(v, r);
}

static void unmanaged_rows(struct view *v, struct row *r, json_t *itf)
{
	json_t *u, *p;
	size_t i, k;

	json_array_foreach(json_object_get(itf, "unmanaged"), i, u) {
		const char *holder = str(u, "holder", "?");

		if (num(u, "linkId")) {
			fmt_num(r, C_LINK, num(u, "linkId"));
			if (strcmp(holder, "bpfLink") == 0) {
				snprintf(r->buf[C_OWNER], sizeof(r->buf[C_OWNER]), "link:%lld",
					 num(u, "linkId"));
				holder = r->buf[C_OWNER];
			}
		}
		unmanaged_row(v, r, u, holder, str(u, "mode", "?"));
		clear_iface_cells(r);
		/* What the dispatcher runs, in its slots. */
		json_array_foreach(json_object_get(u, "programs"), k, p)
			unmanaged_row(v, r, p, holder, NULL);
	}
}

static void interface_rows(struct view *v, json_t *itf)
{
	json_t *atts = json_object_get(itf, "attachments"), *a;
	bool iface_counts = json_is_true(json_object_get(itf, "counters"));
	bool none = json_array_size(atts) == 0;
	struct row r = {};
	size_t i;

	netns_cell(itf, &r);
	r.cell[C_IFACE] = str(itf, "name", "?");
	if (none && num(itf, "revision") == 0)
		r.cell[C_REV] = "-";
	else
		fmt_num(&r, C_REV, num(itf, "revision"));
	if (num(itf, "linkId"))
		fmt_num(&r, C_LINK, num(itf, "linkId"));
	if (json_is_object(json_object_get(itf, "refused"))) {
		/* Left as it is by recovery: what the kernel runs, why below. */
		json_t *f = json_object_get(itf, "refused");

		fmt_num(&r, C_PROG, num(f, "programId"));
		r.cell[C_MODE] = "refused";
		r.cell[C_NAME] = str(f, "programName", "?");
		add_row(v, &r);
		return;
	}
	if (none && json_array_size(json_object_get(itf, "unmanaged")) == 0) {
		r.cell[C_MODE] = "-";
		r.cell[C_NAME] = "<no programs>";
		add_row(v, &r);
		return;
	}
	r.cell[C_MODE] = str(itf, "mode", "?");
	json_array_foreach(atts, i, a) {
		attachment_row(v, &r, a, iface_counts);
		clear_iface_cells(&r);
	}
	unmanaged_rows(v, &r, itf);
}

/* --maps: one row per map of each program, managed or not. */
static void map_rows(struct table *t, json_t *itf, json_t *prog)
{
	char prog_id[32], map_id[32];
	json_t *m;
	size_t i;

	snprintf(prog_id, sizeof(prog_id), "%lld", num(prog, "programId"));
	json_array_foreach(json_object_get(prog, "maps"), i, m) {
		const char *cells[6] = { str(itf, "name", "?"), prog_id, map_id, str(m, "name", "?"),
					 str(m, "type", "?"), str(m, "pinPath", "-") };

		snprintf(map_id, sizeof(map_id), "%lld", num(m, "id"));
		table_row(t, cells);
	}
}

static void print_maps(FILE *f, json_t *interfaces)
{
	struct table t = {};
	json_t *itf, *a, *u, *p;
	size_t i, k, n;

	table_column(&t, "Interface", false);
	table_column(&t, "Prog ID", true);
	table_column(&t, "Map ID", true);
	table_column(&t, "Map name", false);
	table_column(&t, "Type", false);
	table_column(&t, "Pin path", false);
	json_array_foreach(interfaces, i, itf) {
		json_array_foreach(json_object_get(itf, "attachments"), k, a)
			map_rows(&t, itf, a);
		json_array_foreach(json_object_get(itf, "unmanaged"), k, u) {
			map_rows(&t, itf, u);
			json_array_foreach(json_object_get(u, "programs"), n, p)
				map_rows(&t, itf, p);
		}
	}
	fputc('\n', f);
	if (t.n_rows)
		table_print(&t, f);
	else
		fprintf(f, "No program uses a map.\n");
	table_done(&t);
}

void xdpctl_print_status_opts(FILE *f, json_t *interfaces, const struct xdpctl_status_opts *o)
{
	struct view v = {};
	json_t *itf;
	size_t i;

	if (json_array_size(interfaces) == 0) {
		fprintf(f, "No interface has XDP programs.\n");
		return;
	}
	columns(&v, o);
	json_array_foreach(interfaces, i, itf)
		interface_rows(&v, itf);
	table_print(&v.t, f);
	table_done(&v.t);
	json_array_foreach(interfaces, i, itf) {
		json_t *r = json_object_get(itf, "refused");
		char name[4 * IF_NAMESIZE + 1], reason[1024];

		if (json_is_object(r))
			fprintf(f, "%s: refused at start, left as it is: %s\n  take it over with "
				"'xdpctl adopt %s'\n", safe(itf, "name", "?", name, sizeof(name)),
				safe(r, "reason", "?", reason, sizeof(reason)), name);
	}
	if (o->maps)
		print_maps(f, interfaces);
}

void xdpctl_print_status(FILE *f, json_t *interfaces)
{
	const struct xdpctl_status_opts o = {};

	xdpctl_print_status_opts(f, interfaces, &o);
}

void xdpctl_format_event(json_t *ev, char *buf, size_t len)
{
	char added[256], removed[256], moved[256], name[4 * IF_NAMESIZE + 1];
	char type[128], old[4 * IF_NAMESIZE + 1];
	json_t *a = json_object_get(ev, "added"), *r = json_object_get(ev, "removed");
	json_t *m = json_object_get(ev, "reordered");

	safe(ev, "interface", "?", name, sizeof(name));
	if (strcmp(str(ev, "type", ""), "interfaceRenamed") == 0) {
		snprintf(buf, len, "%s: renamed from %s, revision %lld", name,
			 safe(ev, "previousName", "?", old, sizeof(old)), num(ev, "revision"));
		return;
	}
	join(a, "", added, sizeof(added));
	join(r, "", removed, sizeof(removed));
	join(m, "", moved, sizeof(moved));
	snprintf(buf, len, "%s: %s, revision %lld -> %lld%s%s%s%s%s%s", name,
		 safe(ev, "type", "?", type, sizeof(type)), num(ev, "previousRevision"),
		 num(ev, "revision"),
		 added[0] ? ", added " : "", added, removed[0] ? ", removed " : "", removed,
		 moved[0] ? ", reordered " : "", moved);
}
