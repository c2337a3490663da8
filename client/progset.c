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
#include "xdpctl.h"
#include "xl-util.h"

/* One more than the daemon takes would only be refused there. */
#define MAX_SET XL_MAX_PROGS
#define ACTIONS_HINT "aborted, drop, pass, tx, redirect"

struct ctx {
	struct progset *s;
	const char *name;	/* the file, for messages */
	const char *dir;	/* relative objects are relative to it */
	char *err;
	size_t errlen;
	int error;
};

/* The first failure wins: it is the one to fix. */
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

	if (c->s->n == MAX_SET)
		return NULL;
	p = &c->s->progs[c->s->n++];
	*p = (struct xl_client_program){ .sz = sizeof(*p), .object_fd = -EBADF,
					 .priority = XL_PRIORITY_FROM_OBJECT };
	return p;
}

static int parse_priority(const char *v, int *ret)
{
	char *end;
	long n;

	if (v[0] < '0' || v[0] > '9')
		return -EINVAL;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n > XL_PRIORITY_MAX)
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

/* ---- JSON ---- */

static int json_actions(struct ctx *c, struct xl_client_program *p, json_t *v, size_t i)
{
	size_t k;
	json_t *a;

	if (!json_is_array(v))
		return fail(c, -EINVAL, "programs[%zu].actions: invalid value", i);
	p->actions = 0;
	json_array_foreach(v, k, a) {
		const char *s = json_string_value(a);
		__u32 one;

		if (!s || !strcmp(s, "none") || xdpctl_parse_actions(s, &one, NULL, NULL) < 0 ||
		    strchr(s, ','))
			return fail(c, -EINVAL, "programs[%zu].actions[%zu]: expected one of "
				    ACTIONS_HINT, i, k);
		p->actions |= one;
	}
	/* [] is "chain on nothing", which 0 cannot say. */
	if (!p->actions)
		p->actions = XL_ACTIONS_NONE;
	return 0;
}

static int json_string_key(struct ctx *c, const char *key, json_t *v, size_t i,
			   struct xl_client_program *p)
{
	const char *s = json_string_value(v);
	const char **dest;

	if (!s || (strcmp(key, "label") && !*s))
		return fail(c, -EINVAL, "programs[%zu].%s: invalid value", i, key);
	if (!strcmp(key, "object")) {
		p->object = keep_object(c, s);
		return p->object ? 0 : fail(c, -ENAMETOOLONG, "programs[%zu].object: path too long",
					    i);
	}
	dest = !strcmp(key, "program") ? &p->prog_name : &p->label;
	*dest = keep(c, s);
	return *dest ? 0 : fail(c, -ENOMEM, "out of memory");
}

static int json_priority(struct ctx *c, json_t *v, size_t i, struct xl_client_program *p)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > XL_PRIORITY_MAX)
		return fail(c, -EINVAL, "programs[%zu].priority: invalid value", i);
	p->priority = (int)json_integer_value(v);
	return 0;
}

static int json_program(struct ctx *c, json_t *o, size_t i)
{
	struct xl_client_program *p;
	const char *key;
	json_t *v;
	int r = 0;

	if (!json_is_object(o))
		return fail(c, -EINVAL, "programs[%zu]: expected an object", i);
	p = new_program(c);
	if (!p)
		return fail(c, -E2BIG, "more than %d programs", MAX_SET);
	json_object_foreach(o, key, v) {
		if (!strcmp(key, "object") || !strcmp(key, "program") || !strcmp(key, "label"))
			r = json_string_key(c, key, v, i, p);
		else if (!strcmp(key, "priority"))
			r = json_priority(c, v, i, p);
		else if (!strcmp(key, "actions"))
			r = json_actions(c, p, v, i);
		else
			r = fail(c, -EINVAL, "programs[%zu]: unknown key '%s' (object, program, "
				 "priority, actions, label)", i, key);
		if (r < 0)
			return r;
	}
	if (!p->object)
		return fail(c, -EINVAL, "programs[%zu]: no object", i);
	return 0;
}

static int json_set_key(struct ctx *c, const char *key, json_t *v)
{
	const char *s = json_string_value(v);

	if (!strcmp(key, "mode")) {
		if (!s || parse_mode(s, &c->s->mode) < 0)
			return fail(c, -EINVAL, "mode: expected native or skb");
	} else if (!strcmp(key, "counters")) {
		if (!json_is_boolean(v))
			return fail(c, -EINVAL, "counters: expected true or false");
		c->s->counters = json_is_true(v);
	} else if (strcmp(key, "programs")) {
		return fail(c, -EINVAL, "unknown key '%s' (programs, mode, counters)", key);
	}
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
			r = json_set_key(c, key, v);
			if (r < 0)
				return r;
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

int progset_parse_programs(struct progset *s, json_t *programs, const char *name,
			   const char *dir, char *err, size_t errlen)
{
	struct ctx c = { .s = s, .name = name, .dir = dir, .err = err, .errlen = errlen };
	size_t i;
	json_t *v;
	int r = 0;

	*s = (struct progset){ .mode = XL_MODE_UNSPEC, .counters = -1 };
	if (!json_is_array(programs))
		r = fail(&c, -EINVAL, "programs: expected a list of programs");
	json_array_foreach(programs, i, v)
		if (r == 0)
			r = json_program(&c, v, i);
	if (r < 0)
		progset_done(s);
	return r;
}

/* ---- INI ---- */

enum { KEY_OBJECT, KEY_PROGRAM, KEY_PRIORITY, KEY_ACTIONS, KEY_LABEL, KEY_MODE, KEY_COUNTERS };

struct ini_ctx {
	struct ctx *c;
	const char *text;	/* what is left to read */
	int line;
	int section_start;	/* line of the last [section] */
	int section_line;	/* the same, while it has no key yet */
	bool section_is_program;
	unsigned seen;		/* KEY_* bits given in the current section */
	int fail_line;		/* where a key was refused */
	struct xl_client_program *cur;
};

/* A [Program] with no keys would silently vanish: say so. */
static int check_empty_section(struct ini_ctx *ic)
{
	if (ic->section_line && ic->section_is_program)
		return fail(ic->c, -EINVAL, "%d: empty [Program] section", ic->section_line);
	return 0;
}

/*
 * inih tells handlers neither the line nor where a repeated [Program]
 * starts, so lines come through this reader. Leading blanks go: inih
 * would take an indented line for the continuation of the last value.
 */
static char *ini_read(char *buf, int size, void *user)
{
	struct ini_ctx *ic = user;
	const char *p = ic->text + strspn(ic->text, " \t");
	size_t n = strcspn(p, "\n");

	/* Stop at the first refusal: the message is about it. */
	if (!*ic->text || ic->c->error)
		return NULL;
	ic->line++;
	ic->text = p[n] ? p + n + 1 : p + n;
	if (n + 2 > (size_t)size) {
		fail(ic->c, -EINVAL, "%d: line too long (at most %d characters)", ic->line,
		     size - 3);
		n = (size_t)size - 2;
	}
	memcpy(buf, p, n);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	if (*p == '[') {
		check_empty_section(ic);
		ic->section_start = ic->section_line = ic->line;
		ic->section_is_program = !strncmp(p, "[Program]", 9);
		ic->seen = 0;
		ic->cur = NULL;
	}
	if (ic->c->error && !ic->fail_line)
		ic->fail_line = ic->line;
	return buf;
}

static int ini_once(struct ini_ctx *ic, unsigned key, const char *name)
{
	if (ic->seen & (1U << key))
		return fail(ic->c, -EINVAL, "%d: %s given twice in one section", ic->line, name);
	ic->seen |= 1U << key;
	return 0;
}

static int ini_actions(struct ini_ctx *ic, const char *value, __u32 *ret)
{
	const char *bad = NULL;
	size_t len = 0;

	/* Empty means "chain on nothing", like "none". */
	if (!*value) {
		*ret = XL_ACTIONS_NONE;
		return 0;
	}
	if (xdpctl_parse_actions(value, ret, &bad, &len) == 0)
		return 0;
	return fail(ic->c, -EINVAL, "%d: Actions: unknown verdict '%.*s'; list "
		    ACTIONS_HINT " (comma-separated) or none", ic->line, (int)len, bad);
}

static int ini_program_key(struct ini_ctx *ic, const char *name, const char *value)
{
	static const char *const keys[] = { "Object", "Program", "Priority", "Actions", "Label" };
	struct ctx *c = ic->c;
	struct xl_client_program *p;
	unsigned k;

	for (k = 0; k < ELEMENTSOF(keys) && strcmp(name, keys[k]); k++)
		;
	if (k == ELEMENTSOF(keys))
		return fail(c, -EINVAL, "%d: unknown key '%s' in [Program] (Object, Program, "
			    "Priority, Actions, Label)", ic->line, name);
	if (ini_once(ic, k, name) < 0)
		return c->error;
	if (!ic->cur && !(ic->cur = new_program(c)))
		return fail(c, -E2BIG, "%d: more than %d programs", ic->section_start, MAX_SET);
	p = ic->cur;
	switch (k) {
	case KEY_OBJECT:
		if (!*value || !(p->object = keep_object(c, value)))
			return fail(c, -EINVAL, "%d: bad Object", ic->line);
		return 0;
	case KEY_PROGRAM:
		if (!*value || !(p->prog_name = keep(c, value)))
			return fail(c, -EINVAL, "%d: bad Program", ic->line);
		return 0;
	case KEY_PRIORITY:
		if (parse_priority(value, &p->priority) < 0)
			return fail(c, -EINVAL, "%d: Priority must be 0..%d", ic->line,
				    XL_PRIORITY_MAX);
		return 0;
	case KEY_ACTIONS:
		return ini_actions(ic, value, &p->actions);
	default:
		return (p->label = keep(c, value)) ? 0 : fail(c, -ENOMEM, "out of memory");
	}
}

static int ini_set_key(struct ini_ctx *ic, const char *name, const char *value)
{
	struct ctx *c = ic->c;

	if (!strcmp(name, "Mode")) {
		if (ini_once(ic, KEY_MODE, name) < 0)
			return c->error;
		if (parse_mode(value, &c->s->mode) < 0)
			return fail(c, -EINVAL, "%d: Mode must be native or skb", ic->line);
	} else if (!strcmp(name, "Counters")) {
		if (ini_once(ic, KEY_COUNTERS, name) < 0)
			return c->error;
		if (parse_bool(value, &c->s->counters) < 0)
			return fail(c, -EINVAL, "%d: Counters must be yes or no", ic->line);
	} else {
		return fail(c, -EINVAL, "%d: unknown key '%s' in [Set] (Mode, Counters)",
			    ic->line, name);
	}
	return 0;
}

static int ini_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *ic = user;
	int r;

	ic->section_line = 0;
	if (!strcmp(section, "Program"))
		r = ini_program_key(ic, name, value);
	else if (!strcmp(section, "Set"))
		r = ini_set_key(ic, name, value);
	else if (!*section)
		r = fail(ic->c, -EINVAL, "%d: '%s' outside a section ([Program], [Set])", ic->line,
			 name);
	else
		r = fail(ic->c, -EINVAL, "%d: unknown section [%s] ([Program], [Set])", ic->line,
			 section);
	if (r && !ic->fail_line)
		ic->fail_line = ic->line;
	return r == 0;
}

static int parse_ini(struct ctx *c, const char *text)
{
	struct ini_ctx ic = { .c = c, .text = text };
	int r;

	r = ini_parse_stream(ini_read, &ic, ini_key, &ic);
	/* inih returns the first bad line; a syntax error before a refused key wins. */
	if (r > 0 && r != ic.fail_line) {
		c->error = 0;
		fail(c, -EINVAL, "%d: syntax error: expected [Section] or Key = value", r);
	}
	check_empty_section(&ic);
	if (c->error)
		return c->error;
	if (r < 0)
		return fail(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < c->s->n; i++)
		if (!c->s->progs[i].object)
			return fail(c, -EINVAL, "program %zu has no Object", i + 1);
	if (c->s->n == 0)
		return fail(c, -EINVAL, "no [Program] section");
	return 0;
}

/* ---- entry points ---- */

int progset_parse(struct progset *s, const char *text, bool ini, const char *name,
		  const char *dir, char *err, size_t errlen)
{
	struct ctx c = { .s = s, .name = name, .dir = dir, .err = err, .errlen = errlen };
	int r;

	*s = (struct progset){ .mode = XL_MODE_UNSPEC, .counters = -1 };
	r = ini ? parse_ini(&c, text) : parse_json(&c, text);
	if (r < 0)
		progset_done(s);
	return r;
}

bool progset_looks_ini(const char *path, const char *text)
{
	const char *ext = strrchr(path, '.');

	if (ext && !strcmp(ext, ".json"))
		return false;
	if (ext && (!strcmp(ext, ".ini") || !strcmp(ext, ".conf")))
		return true;
	/* "[Program]" is INI, while "[ {", "[]" and "{" are JSON. */
	text += strspn(text, " \t\r\n");
	if (*text != '[')
		return *text != '{';
	text++;
	text += strspn(text, " \t\r\n");
	return *text != '{' && *text != ']';
}

static int read_all(FILE *f, char **ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (getdelim(&text, &len, '\0', f) < 0 && !feof(f))
		return -errno;
	if (!feof(f) && fgetc(f) != EOF)
		return -EBADMSG;	/* a NUL byte: not text */
	if (!text && !(text = strdup("")))
		return -ENOMEM;
	*ret = TAKE_PTR(text);
	return 0;
}

int progset_read_file(const char *path, char **ret_text, char **ret_dir, char *err,
		      size_t errlen)
{
	_cleanup_free_ char *text = NULL, *dir = NULL, *abs = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	int r;

	if (!strcmp(path, "-")) {
		f = fdopen(dup(STDIN_FILENO), "r");
		dir = getcwd(NULL, 0);
	} else {
		f = fopen(path, "re");
		abs = realpath(path, NULL);
		dir = abs ? strdup(dirname(abs)) : NULL;
	}
	if (!f || !dir) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	r = read_all(f, &text);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path,
			 r == -EBADMSG ? "not a text file" : strerror(-r));
		return r == -EBADMSG ? -EINVAL : r;
	}
	*ret_text = TAKE_PTR(text);
	*ret_dir = TAKE_PTR(dir);
	return 0;
}

int progset_load(struct progset *s, const char *path, char *err, size_t errlen)
{
	_cleanup_free_ char *text = NULL, *dir = NULL;
	bool is_stdin = !strcmp(path, "-");
	int r;

	r = progset_read_file(path, &text, &dir, err, errlen);
	if (r < 0)
		return r;
	return progset_parse(s, text, progset_looks_ini(is_stdin ? "" : path, text),
			     is_stdin ? "<stdin>" : path, dir, err, errlen);
}

void progset_done(struct progset *s)
{
	for (size_t i = 0; i < s->n_strings; i++)
		free(s->strings[i]);
	s->n_strings = 0;
	s->n = 0;
}
