/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file of `xdpctl apply`: one label's programs on one or more interfaces (JSON). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applyfile.h"
#include "xl-util.h"

#define KEYS "label, interfaces, programs, mode, counters"

_printf_(5, 6) static int fail(char *err, size_t errlen, const char *name, int r,
			       const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s: ", name);
	if (n < 0 || (size_t)n >= errlen)
		return r;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return r;
}

/* As the kernel's dev_valid_name(): what ip link would take. */
static bool valid_ifname(const char *s)
{
	if (!*s || strlen(s) >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int parse_interfaces(struct applyfile *a, json_t *v, const char *name, char *err,
			    size_t errlen)
{
	size_t i, k;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail(err, errlen, name, -EINVAL,
			    "interfaces: expected a non-empty list of interface names");
	if (json_array_size(v) > APPLY_MAX_IFACES)
		return fail(err, errlen, name, -E2BIG, "interfaces: more than %d",
			    APPLY_MAX_IFACES);
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(e);

		if (!s || !valid_ifname(s))
			return fail(err, errlen, name, -EINVAL, "interfaces[%zu]: expected an "
				    "interface name (1 to %d characters, no '/', ':' or blanks)", i,
				    IF_NAMESIZE - 1);
		for (k = 0; k < a->n_ifaces; k++)
			if (!strcmp(a->ifnames[k], s))
				return fail(err, errlen, name, -EINVAL,
					    "interfaces[%zu]: %s is listed twice", i, s);
		strcpy(a->ifnames[a->n_ifaces++], s);
	}
	return 0;
}

static int parse_label(struct applyfile *a, json_t *v, const char *name, char *err,
		       size_t errlen)
{
	const char *s = json_string_value(v);

	if (!s || !*s || strlen(s) > APPLY_MAX_LABEL)
		return fail(err, errlen, name, -EINVAL,
			    "label: expected a non-empty string of at most %d bytes", APPLY_MAX_LABEL);
	strcpy(a->label, s);
	return 0;
}

static int parse_options(struct applyfile *a, json_t *root, const char *name, char *err,
			 size_t errlen)
{
	json_t *mode = json_object_get(root, "mode"), *counters = json_object_get(root, "counters");
	const char *m = json_string_value(mode);

	if (mode && (!m || (strcmp(m, "native") && strcmp(m, "skb"))))
		return fail(err, errlen, name, -EINVAL, "mode: expected native or skb");
	if (m)
		a->set.mode = strcmp(m, "skb") ? XL_MODE_NATIVE : XL_MODE_SKB;
	if (counters && !json_is_boolean(counters))
		return fail(err, errlen, name, -EINVAL, "counters: expected true or false");
	if (counters)
		a->set.counters = json_is_true(counters);
	return 0;
}

/* The programs are the label's: one of their own would contradict it. */
static int check_programs(struct applyfile *a, const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < a->set.n; i++)
		if (a->set.progs[i].label)
			return fail(err, errlen, name, -EINVAL, "programs[%zu].label: not allowed: "
				    "every program gets the file's label", i);
	return 0;
}

static int from_json(struct applyfile *a, json_t *root, const char *name, const char *dir,
		     char *err, size_t errlen)
{
	static const char *const required[] = { "label", "interfaces", "programs" };
	const char *key;
	json_t *v;
	int r;

	if (!json_is_object(root))
		return fail(err, errlen, name, -EINVAL, "expected an object with " KEYS);
	json_object_foreach(root, key, v)
		if (strcmp(key, "label") && strcmp(key, "interfaces") && strcmp(key, "programs") &&
		    strcmp(key, "mode") && strcmp(key, "counters"))
			return fail(err, errlen, name, -EINVAL, "unknown key '%s' (" KEYS ")", key);
	for (size_t i = 0; i < ELEMENTSOF(required); i++)
		if (!json_object_get(root, required[i]))
			return fail(err, errlen, name, -EINVAL, "%s: missing", required[i]);
	r = parse_label(a, json_object_get(root, "label"), name, err, errlen);
	if (r == 0)
		r = parse_interfaces(a, json_object_get(root, "interfaces"), name, err, errlen);
	if (r == 0)
		r = progset_parse_programs(&a->set, json_object_get(root, "programs"), name, dir,
					   err, errlen);
	if (r == 0)
		r = check_programs(a, name, err, errlen);
	if (r == 0)
		r = parse_options(a, root, name, err, errlen);
	return r;
}

int applyfile_parse(struct applyfile *a, const char *text, const char *name, const char *dir,
		    char *err, size_t errlen)
{
	_cleanup_(json_decrefp) json_t *root = NULL;
	json_error_t e;
	int r;

	*a = (struct applyfile){ .set = { .mode = XL_MODE_UNSPEC, .counters = -1 } };
	root = json_loads(text, JSON_REJECT_DUPLICATES, &e);
	if (!root)
		return fail(err, errlen, name, -EINVAL, "%d: %s", e.line, e.text);
	r = from_json(a, root, name, dir, err, errlen);
	if (r < 0)
		applyfile_done(a);
	return r;
}

int applyfile_load(struct applyfile *a, const char *path, char *err, size_t errlen)
{
	_cleanup_free_ char *text = NULL, *dir = NULL;
	int r;

	*a = (struct applyfile){ .set = { .mode = XL_MODE_UNSPEC, .counters = -1 } };
	r = progset_read_file(path, &text, &dir, err, errlen);
	if (r < 0)
		return r;
	return applyfile_parse(a, text, strcmp(path, "-") ? path : "<stdin>", dir, err, errlen);
}

void applyfile_done(struct applyfile *a)
{
	progset_done(&a->set);
	a->n_ifaces = 0;
}
