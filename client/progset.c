/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Program set files for `xdpctl replace`: JSON or INI, parsed strictly. */
#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "progset.h"
#include "xl-util.h"

struct ctx {
	struct progset *s;
	const char *name;	/* the file, for messages */
	const char *dir;	/* relative objects are relative to it */
	char *err;
	size_t errlen;
	int error;
};

_printf_(3, 4) static int fail(struct ctx *c, int r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->error)
		return c->error;
	c->error = r;
	n = snprintf(c->err, c->errlen, "%s: ", c->name);
	if (n < 0 || (size_t)n >= c->errlen)
		return r;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return r;
}

static const char *keep(struct ctx *c, const char *s)
{
	char *copy;

	if (c->s->n_strings == ELEMENTSOF(c->s->strings) || !(copy = strdup(s)))
		return NULL;
	c->s->strings[c->s->n_strings++] = copy;
	return copy;
}

static const char *keep_object(struct ctx *c, const char *path)
{
	char buf[PATH_MAX];

	if (path[0] == '/')
		return keep(c, path);
	if (snprintf(buf, sizeof(buf), "%s/%s", c->dir, path) >= (int)sizeof(buf))
		return NULL;
	return keep(c, buf);
}

static struct xl_client_program *new_program(struct ctx *c)
{
	struct xl_client_program *p;

	if (c->s->n == ELEMENTSOF(c->s->progs))
		return NULL;
	p = &c->s->progs[c->s->n++];
	*p = (struct xl_client_program){ .sz = sizeof(*p), .object_fd = -1,
					 .priority = XL_PRIORITY_FROM_OBJECT };
	return p;
}

static int parse_priority(const char *v, int *ret)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > XL_PRIORITY_MAX)
		return -EINVAL;
	*ret = (int)n;
	return 0;
}

static int parse_mode(const char *v, enum xl_mode *ret)
{
	if (!strcmp(v, "native"))
		*ret = XL_MODE_NATIVE;
	else if (!strcmp(v, "skb"))
		*ret = XL_MODE_SKB;
	else
		return -EINVAL;
	return 0;
}

static int parse_bool(const char *v, int *ret)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*ret = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
		*ret = 0;
	else
		return -EINVAL;
	return 0;
}

/* "pass,drop" or "none"; empty means none too. */
static int parse_actions(const char *v, __u32 *ret)
{
	if (!*v) {
		*ret = XL_ACTIONS_NONE;
		return 0;
	}
	return xl_actions_parse(v, ret);
}

/* ---- JSON ---- */

static int json_program(struct ctx *c, json_t *o, size_t i)
{
	struct xl_client_program *p = new_program(c);
	const char *key;
	json_t *v;

	if (!p)
		return fail(c, -E2BIG, "more than %d programs", XL_MAX_PROGS);
	if (!json_is_object(o))
		return fail(c, -EINVAL, "programs[%zu]: expected an object", i);
	json_object_foreach(o, key, v) {
		const char *s = json_string_value(v);

		if (!strcmp(key, "object") && s && *s) {
			if (!(p->object = keep_object(c, s)))
				return fail(c, -ENOMEM, "out of memory");
		} else if (!strcmp(key, "program") && s && *s) {
			if (!(p->prog_name = keep(c, s)))
				return fail(c, -ENOMEM, "out of memory");
		} else if (!strcmp(key, "label") && s) {
			if (!(p->label = keep(c, s)))
				return fail(c, -ENOMEM, "out of memory");
		} else if (!strcmp(key, "priority") && json_is_integer(v) &&
			   json_integer_value(v) >= 0 && json_integer_value(v) <= XL_PRIORITY_MAX) {
			p->priority = (int)json_integer_value(v);
		} else if (!strcmp(key, "actions") && json_is_array(v)) {
			size_t k;
			json_t *a;
			__u32 one;

			p->actions = 0;
			json_array_foreach(v, k, a)
				if (!json_string_value(a) || xl_actions_parse(json_string_value(a), &one) < 0)
					return fail(c, -EINVAL, "programs[%zu].actions[%zu]: expected one of "
						    "aborted, drop, pass, tx, redirect", i, k);
				else
					p->actions |= one;
			if (!p->actions)
				p->actions = XL_ACTIONS_NONE;
		} else if (!strcmp(key, "object") || !strcmp(key, "program") ||
			   !strcmp(key, "label") || !strcmp(key, "priority") || !strcmp(key, "actions")) {
			return fail(c, -EINVAL, "programs[%zu].%s: invalid value", i, key);
		} else {
			return fail(c, -EINVAL, "programs[%zu]: unknown key '%s' (object, program, "
				    "priority, actions, label)", i, key);
		}
	}
	if (!p->object)
		return fail(c, -EINVAL, "programs[%zu]: no object", i);
	return 0;
}

static int json_set(struct ctx *c, json_t *root)
{
	json_t *programs = root, *v;
	const char *key;
	size_t i;
	int r;

	if (json_is_object(root)) {
		programs = json_object_get(root, "programs");
		json_object_foreach(root, key, v) {
			const char *s = json_string_value(v);

			if (!strcmp(key, "programs"))
				continue;
			if (!strcmp(key, "mode")) {
				if (!s || parse_mode(s, &c->s->mode) < 0)
					return fail(c, -EINVAL, "mode: expected native or skb");
			} else if (!strcmp(key, "counters")) {
				if (!json_is_boolean(v))
					return fail(c, -EINVAL, "counters: expected true or false");
				c->s->counters = json_is_true(v);
			} else {
				return fail(c, -EINVAL, "unknown key '%s' (programs, mode, counters)", key);
			}
		}
	}
	if (!json_is_array(programs))
		return fail(c, -EINVAL, "expected a list of programs, or an object with \"programs\"");
	json_array_foreach(programs, i, v) {
		r = json_program(c, v, i);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_json(struct ctx *c, const char *text)
{
	_cleanup_(json_decrefp) json_t *root = NULL;
	json_error_t e;

	root = json_loads(text, JSON_REJECT_DUPLICATES, &e);
	if (!root)
		return fail(c, -EINVAL, "%d: %s", e.line, e.text);
	return json_set(c, root);
}

/* ---- INI ---- */

struct ini_ctx {
	struct ctx *c;
	const char *text;	/* what is left to read */
	int line;
	bool new_section;	/* a [section] line since the last key */
	struct xl_client_program *cur;
};

/* inih tells handlers neither the line nor where a repeated [Program] starts. */
static char *ini_read(char *buf, int size, void *user)
{
	struct ini_ctx *ic = user;
	const char *nl, *p = ic->text;
	size_t n;

	if (!*p)
		return NULL;
	nl = strchr(p, '\n');
	n = nl ? (size_t)(nl - p) + 1 : strlen(p);
	if (n >= (size_t)size) {
		fail(ic->c, -EINVAL, "%d: line too long", ic->line + 1);
		n = (size_t)size - 1;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	ic->text += nl ? (size_t)(nl - p) + 1 : strlen(p);
	ic->line++;
	p = buf + strspn(buf, " \t");
	if (*p == '[')
		ic->new_section = true;
	return buf;
}

static int ini_program_key(struct ini_ctx *ic, const char *name, const char *value)
{
	struct ctx *c = ic->c;
	struct xl_client_program *p;

	if (ic->new_section || !ic->cur) {
		ic->cur = new_program(c);
		if (!ic->cur)
			return fail(c, -E2BIG, "%d: more than %d programs", ic->line, XL_MAX_PROGS);
	}
	p = ic->cur;
	if (!strcmp(name, "Object")) {
		if (!*value || !(p->object = keep_object(c, value)))
			return fail(c, -EINVAL, "%d: bad Object", ic->line);
	} else if (!strcmp(name, "Program")) {
		if (!*value || !(p->prog_name = keep(c, value)))
			return fail(c, -EINVAL, "%d: bad Program", ic->line);
	} else if (!strcmp(name, "Label")) {
		if (!(p->label = keep(c, value)))
			return fail(c, -ENOMEM, "out of memory");
	} else if (!strcmp(name, "Priority")) {
		if (parse_priority(value, &p->priority) < 0)
			return fail(c, -EINVAL, "%d: Priority must be 0..%d", ic->line, XL_PRIORITY_MAX);
	} else if (!strcmp(name, "Actions")) {
		if (parse_actions(value, &p->actions) < 0)
			return fail(c, -EINVAL, "%d: Actions must list aborted, drop, pass, tx, "
				    "redirect (comma-separated) or none", ic->line);
	} else {
		return fail(c, -EINVAL, "%d: unknown key '%s' in [Program] (Object, Program, "
			    "Priority, Actions, Label)", ic->line, name);
	}
	return 0;
}

static int ini_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *ic = user;
	struct ctx *c = ic->c;
	int r = 0;

	if (!strcmp(section, "Program")) {
		r = ini_program_key(ic, name, value);
	} else if (!strcmp(section, "Set")) {
		ic->cur = NULL;
		if (!strcmp(name, "Mode")) {
			if (parse_mode(value, &c->s->mode) < 0)
				r = fail(c, -EINVAL, "%d: Mode must be native or skb", ic->line);
		} else if (!strcmp(name, "Counters")) {
			if (parse_bool(value, &c->s->counters) < 0)
				r = fail(c, -EINVAL, "%d: Counters must be yes or no", ic->line);
		} else {
			r = fail(c, -EINVAL, "%d: unknown key '%s' in [Set] (Mode, Counters)",
				 ic->line, name);
		}
	} else {
		r = fail(c, -EINVAL, "%d: unknown section [%s] ([Program], [Set])", ic->line, section);
	}
	ic->new_section = false;
	return r == 0;
}

static int parse_ini(struct ctx *c, const char *text)
{
	struct ini_ctx ic = { .c = c, .text = text };
	int r;

	r = ini_parse_stream(ini_read, &ic, ini_key, &ic);
	if (r > 0 && !c->error)
		return fail(c, -EINVAL, "%d: syntax error: expected [Section] or Key = value", r);
	if (c->error)
		return c->error;
	for (size_t i = 0; i < c->s->n; i++)
		if (!c->s->progs[i].object)
			return fail(c, -EINVAL, "program %zu has no Object", i + 1);
	return r < 0 ? fail(c, -ENOMEM, "cannot parse") : 0;
}

/* ---- entry points ---- */

int progset_parse(struct progset *s, const char *text, bool ini, const char *name,
		  const char *dir, char *err, size_t errlen)
{
	struct ctx c = { .s = s, .name = name, .dir = dir, .err = err, .errlen = errlen };
	int r;

	*s = (struct progset){ .mode = XL_MODE_UNSPEC, .counters = -1 };
	r = ini ? parse_ini(&c, text) : parse_json(&c, text);
	if (r == 0 && s->n == 0 && ini)
		r = fail(&c, -EINVAL, "no [Program] section");
	if (r < 0)
		progset_done(s);
	return r;
}

/* By extension; else "[Program]" is INI while "[ {" and "{" are JSON. */
static bool looks_ini(const char *path, const char *text)
{
	const char *ext = strrchr(path, '.');

	if (ext && !strcmp(ext, ".json"))
		return false;
	if (ext && (!strcmp(ext, ".ini") || !strcmp(ext, ".conf")))
		return true;
	text += strspn(text, " \t\r\n");
	if (*text != '[')
		return *text != '{';
	text++;
	text += strspn(text, " \t\r\n");
	return *text != '{' && *text != ']';
}

int progset_load(struct progset *s, const char *path, char *err, size_t errlen)
{
	_cleanup_free_ char *text = NULL, *abs = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	size_t len = 0;
	char *dir;

	f = fopen(path, "re");
	abs = realpath(path, NULL);
	if (!f || !abs) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (getdelim(&text, &len, '\0', f) < 0 && !feof(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!text && !(text = strdup("")))
		return -ENOMEM;
	dir = dirname(abs);
	return progset_parse(s, text, looks_ini(path, text), path, dir, err, errlen);
}

void progset_done(struct progset *s)
{
	for (size_t i = 0; i < s->n_strings; i++)
		free(s->strings[i]);
	s->n_strings = 0;
	s->n = 0;
}
