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

enum { C_IFACE, C_REV, C_MODE, C_ID, C_PRIO, C_NAME, C_PROG, C_TAG, C_ACTIONS, C_FIXED };

static void columns(struct table *t, bool counters)
{
	static const char *const headers[C_FIXED] = {
		"Interface", "Rev", "Mode", "ID", "Prio", "Program name", "Prog ID", "Tag",
		"Chain actions",
	};
	static const bool right[C_FIXED] = { [C_REV] = true, [C_ID] = true, [C_PRIO] = true,
					     [C_PROG] = true };

	for (size_t i = 0; i < C_FIXED; i++)
		table_column(t, headers[i], right[i]);
	for (size_t i = 0; counters && i < ELEMENTSOF(counter_keys); i++)
		table_column(t, counter_headers[i], true);
	table_column(t, "Owner", false);
	table_column(t, "Label", false);
}

/* The cells of one attachment; text lives in buf, 32 bytes per cell. */
static void attachment_cells(json_t *a, bool counters, bool iface_counts, const char **cells,
			     char (*buf)[32])
{
	json_t *c = json_object_get(a, "counters");
	size_t k = C_FIXED;

	snprintf(buf[C_ID], 32, "%lld", num(a, "id"));
	snprintf(buf[C_PRIO], 32, "%lld", num(a, "priority"));
	snprintf(buf[C_PROG], 32, "%lld", num(a, "programId"));
	join(json_object_get(a, "actions"), "none", buf[C_ACTIONS], 32);
	cells[C_ID] = buf[C_ID];
	cells[C_PRIO] = buf[C_PRIO];
	cells[C_NAME] = str(a, "name", "?");
	cells[C_PROG] = buf[C_PROG];
	cells[C_TAG] = str(a, "tag", "-");
	cells[C_ACTIONS] = buf[C_ACTIONS];
	for (size_t i = 0; counters && i < ELEMENTSOF(counter_keys); i++, k++) {
		if (iface_counts && json_is_object(c))
			snprintf(buf[k], 32, "%lld", num(c, counter_keys[i]));
		else
			snprintf(buf[k], 32, "-");
		cells[k] = buf[k];
	}
	cells[k] = str(a, "owner", "-");
	cells[k + 1] = str(a, "label", "");
}

static void interface_rows(struct table *t, json_t *itf, bool counters)
{
	json_t *atts = json_object_get(itf, "attachments"), *a;
	bool iface_counts = json_is_true(json_object_get(itf, "counters"));
	const char *cells[TABLE_MAX_COLS] = {};
	char buf[TABLE_MAX_COLS][32], rev[32];
	size_t i;

	snprintf(rev, sizeof(rev), "%lld", num(itf, "revision"));
	cells[C_IFACE] = str(itf, "name", "?");
	cells[C_REV] = rev;
	if (json_is_object(json_object_get(itf, "refused"))) {
		/* Left as it is by recovery: what the kernel runs, why below. */
		json_t *f = json_object_get(itf, "refused");

		snprintf(buf[C_PROG], sizeof(buf[C_PROG]), "%lld", num(f, "programId"));
		cells[C_MODE] = "refused";
		cells[C_NAME] = str(f, "programName", "?");
		cells[C_PROG] = buf[C_PROG];
		table_row(t, cells);
		return;
	}
	if (json_array_size(atts) == 0) {
		cells[C_MODE] = "-";
		cells[C_NAME] = "<no programs>";
		table_row(t, cells);
		return;
	}
	cells[C_MODE] = str(itf, "mode", "?");
	json_array_foreach(atts, i, a) {
		attachment_cells(a, counters, iface_counts, cells, buf);
		table_row(t, cells);
		/* Like xdp-loader: the interface's own columns only on its first row. */
		cells[C_IFACE] = cells[C_REV] = cells[C_MODE] = "";
	}
}

void xdpctl_print_status(FILE *f, json_t *interfaces)
{
	struct table t = {};
	bool counters = false;
	json_t *itf;
	size_t i;

	if (json_array_size(interfaces) == 0) {
		fprintf(f, "No interface has programs attached by xdplinkd.\n");
		return;
	}
	json_array_foreach(interfaces, i, itf)
		counters |= json_is_true(json_object_get(itf, "counters"));
	columns(&t, counters);
	json_array_foreach(interfaces, i, itf)
		interface_rows(&t, itf, counters);
	table_print(&t, f);
	table_done(&t);
	json_array_foreach(interfaces, i, itf) {
		json_t *r = json_object_get(itf, "refused");
		char name[4 * IF_NAMESIZE + 1], reason[1024];

		if (json_is_object(r))
			fprintf(f, "%s: refused at start, left as it is: %s\n  take it over with "
				"'xdpctl adopt %s'\n", safe(itf, "name", "?", name, sizeof(name)),
				safe(r, "reason", "?", reason, sizeof(reason)), name);
	}
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
