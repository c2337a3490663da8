/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpctl's human output: the status table and monitor lines. */
#include <stdio.h>
#include <string.h>

#include "xdpctl.h"

static const char *str(json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : def;
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void join_strings(json_t *a, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				 json_string_value(v) ? json_string_value(v) : "?");
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static void print_interface(json_t *itf)
{
	bool counters = json_is_true(json_object_get(itf, "counters"));
	json_t *att = json_object_get(itf, "attachments"), *a;
	size_t i;

	printf("%-16s revision %lld, %s mode, link %lld, entry program %lld%s\n",
	       str(itf, "name", "?"), num(itf, "revision"), str(itf, "mode", "?"),
	       num(itf, "linkId"), num(itf, "entryProgramId"),
	       counters ? ", counters on" : "");
	if (json_array_size(att) == 0) {
		printf("  (no programs)\n");
		return;
	}
	printf("  %4s %5s  %-18s %8s  %-16s  %-14s %-10s %-12s", "ID", "PRIO", "PROGRAM",
	       "PROG ID", "TAG", "CHAIN ACTIONS", "OWNER", "LABEL");
	if (counters)
		printf(" %10s %10s %8s %8s %8s %8s", "PASS", "DROP", "ABORTED", "TX", "REDIRECT",
		       "OTHER");
	printf("\n");
	json_array_foreach(att, i, a) {
		json_t *c = json_object_get(a, "counters");
		char actions[64];

		join_strings(json_object_get(a, "actions"), actions, sizeof(actions));
		printf("  %4lld %5lld  %-18s %8lld  %-16s  %-14s %-10s %-12s", num(a, "id"),
		       num(a, "priority"), str(a, "name", "?"), num(a, "programId"),
		       str(a, "tag", "-"), actions, str(a, "owner", "-"), str(a, "label", "-"));
		if (counters && json_is_object(c))
			printf(" %10lld %10lld %8lld %8lld %8lld %8lld", num(c, "pass"), num(c, "drop"),
			       num(c, "aborted"), num(c, "tx"), num(c, "redirect"), num(c, "other"));
		printf("\n");
	}
}

void xdpctl_print_status(json_t *interfaces)
{
	size_t i;
	json_t *itf;

	if (json_array_size(interfaces) == 0) {
		printf("No interface has programs attached by xdplinkd.\n");
		return;
	}
	json_array_foreach(interfaces, i, itf) {
		if (i)
			printf("\n");
		print_interface(itf);
	}
}

static void join_ids(json_t *a, char sign, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v) {
		int n = snprintf(buf + off, len - off, "%s%c%lld", i ? "," : " ", sign,
				 (long long)json_integer_value(v));
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

void xdpctl_print_event(json_t *ev)
{
	char added[256], removed[256];

	join_ids(json_object_get(ev, "added"), '+', added, sizeof(added));
	join_ids(json_object_get(ev, "removed"), '-', removed, sizeof(removed));
	printf("%s: %s, revision %lld -> %lld%s%s\n", str(ev, "interface", "?"),
	       str(ev, "type", "?"), num(ev, "previousRevision"), num(ev, "revision"), added,
	       removed);
	fflush(stdout);
}
