/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The audit trail's words: callers and programs, escaped (see audit.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "xl-escape.h"

char *xd_audit_quote(const char *s, char *buf, size_t len)
{
	char esc[4 * 1024 + 1];
	size_t off = 0;

	if (len < 3) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	xl_escape(s ? s : "", esc, sizeof(esc));
	buf[off++] = '"';
	for (const char *p = esc; *p;) {
		/* Whole units only: a character (UTF-8 is valid after xl_escape()),
		 * or an escape (\\ or \xNN). */
		size_t unit = *p != '\\' ? 1 : p[1] == '\\' ? 2 : 4;
		size_t need;

		while (*p != '\\' && ((unsigned char)p[unit] & 0xc0) == 0x80)
			unit++;
		need = *p == '"' ? 4 : unit;

		if (off + need + 2 > len)
			break;
		if (*p == '"')
			memcpy(buf + off, "\\x22", 4);
		else
			memcpy(buf + off, p, unit);
		off += need;
		p += unit;
	}
	buf[off++] = '"';
	buf[off] = '\0';
	return buf;
}

/* The first non-slice component of path, if it looks like a unit. */
static int unit_of_path(const char *path, size_t n, char *buf, size_t len)
{
	const char *p = path, *end = path + n;

	while (p < end) {
		const char *c;
		size_t k;

		p += *p == '/';
		c = memchr(p, '/', (size_t)(end - p));
		k = c ? (size_t)(c - p) : (size_t)(end - p);
		if (k == 0)
			break;
		if (!(k > 6 && memcmp(p + k - 6, ".slice", 6) == 0)) {
			/* A unit name has a type suffix; anything else is no unit. */
			if (!memchr(p, '.', k) || k >= len || k > 255)
				return -ENODATA;
			memcpy(buf, p, k);
			buf[k] = '\0';
			return 0;
		}
		p += k;
	}
	return -ENODATA;
}

/* The path of the line whose controller field is want ("" or "name=systemd"). */
static int cgroup_line(const char *text, const char *want, const char **ret, size_t *ret_n)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *c1 = strchr(l, ':'), *c2, *nl;

		nl = strchr(l, '\n');
		if (!c1 || (nl && c1 > nl))
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2 || (nl && c2 > nl))
			continue;
		if ((size_t)(c2 - c1 - 1) != strlen(want) || strncmp(c1 + 1, want, strlen(want)))
			continue;
		*ret = c2 + 1;
		*ret_n = nl ? (size_t)(nl - c2 - 1) : strlen(c2 + 1);
		return 0;
	}
	return -ENODATA;
}

int xd_audit_unit_from_cgroup(const char *text, char *buf, size_t len)
{
	const char *path;
	size_t n;

	if (cgroup_line(text, "", &path, &n) == 0 && unit_of_path(path, n, buf, len) == 0)
		return 0;
	if (cgroup_line(text, "name=systemd", &path, &n) == 0 &&
	    unit_of_path(path, n, buf, len) == 0)
		return 0;
	return -ENODATA;
}

void xd_audit_format_caller(uid_t uid, pid_t pid, const char *unit, char *buf, size_t len)
{
	char q[300];

	if (uid == (uid_t)-1)
		snprintf(buf, len, "an unknown peer");
	else if (unit)
		snprintf(buf, len, "uid=%u pid=%d unit=%s", (unsigned)uid, (int)pid,
			 xd_audit_quote(unit, q, sizeof(q)));
	else
		snprintf(buf, len, "uid=%u pid=%d", (unsigned)uid, (int)pid);
}

void xd_audit_caller(uid_t uid, pid_t pid, char *buf, size_t len)
{
	char path[64], text[4096], unit[256];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	fd = pid > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	text[n > 0 ? n : 0] = '\0';
	xd_audit_format_caller(uid, pid,
			       n > 0 && xd_audit_unit_from_cgroup(text, unit, sizeof(unit)) == 0 ?
			       unit : NULL, buf, len);
}

static json_t *find_attachment(json_t *attachments, uint32_t id)
{
	json_t *a;
	size_t i;

	json_array_foreach(attachments, i, a)
		if (json_integer_value(json_object_get(a, "id")) == (json_int_t)id)
			return a;
	return NULL;
}

/* One attachment: #ID "name" (program P, object "O"[, label "L"], owner "W"). */
static int describe(json_t *a, uint32_t id, char *buf, size_t len)
{
	char name[300], object[1100], label[300], owner[300];
	const char *l;

	if (!a)
		return snprintf(buf, len, "#%" PRIu32, id);
	l = json_string_value(json_object_get(a, "label"));
	return snprintf(buf, len, "#%" PRIu32 " %s (program %" JSON_INTEGER_FORMAT
			", object %s%s%s, owner %s)", id,
			xd_audit_quote(json_string_value(json_object_get(a, "name")), name,
				       sizeof(name)),
			json_integer_value(json_object_get(a, "programId")),
			xd_audit_quote(json_string_value(json_object_get(a, "object")), object,
				       sizeof(object)),
			l ? ", label " : "", l ? xd_audit_quote(l, label, sizeof(label)) : "",
			xd_audit_quote(json_string_value(json_object_get(a, "owner")), owner,
				       sizeof(owner)));
}

void xd_audit_programs(char *buf, size_t len, const char *what, const uint32_t *ids, size_t n,
		       json_t *attachments)
{
	size_t off = strnlen(buf, len);
	char one[2100];

	if (n == 0 || off + 1 >= len)
		return;
	for (size_t i = 0; i < n; i++) {
		int k = describe(find_attachment(attachments, ids[i]), ids[i], one, sizeof(one));
		/* Room for this one and, should another not fit, "and N more". */
		size_t need = strlen(what) + (size_t)k + 4 + (i + 1 < n ? 32 : 0);

		if (k < 0 || off + need >= len) {
			snprintf(buf + off, len - off, "%s and %zu more", i ? "," : "", n - i);
			return;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s", i ? "," : "; ",
					i ? "" : what, one);
	}
}
