/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface files: which programs go on which interfaces. As strict as
 * config.c: anything unknown, repeated or malformed is an error naming
 * file and line, and a bad file yields nothing rather than part of itself,
 * because a half-read file would put the wrong programs on an interface.
 * Parsing goes on past an error, so that every error of every file can be
 * named (xdplinkd --check-config), not just the first.
 */
#include <assert.h>
#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "netconfig.h"
#include "xl-util.h"

#define MSG_MAX 512
/* Program= and Label=: what the varlink API takes. */
#define TEXT_MAX 255
#define BLANKS " \t"

/* Hand a whole struct out of a cleanup-managed variable, leaving it empty. */
#define TAKE_STRUCT(s) ({ __typeof__(s) _s = (s); (s) = (__typeof__(s)){ 0 }; _s; })

struct parse_state {
	struct xd_netconfig_file f;	/* what is being built; freed unless taken */
	const char *path;
	FILE *in;
	char *buf;			/* getline()'s */
	size_t bufsize;
	int line;			/* 0: the message is about the whole file */
	unsigned seen;			/* 1 << K_*: keys given once per file or per program */
	int prog_line;			/* line of the latest Object= */
	int error;			/* first error, negative errno */
	int error_line;
	char msg[MSG_MAX];		/* and its message */
	struct xd_conf_errors *errs;	/* every error; may be NULL */
	bool any_object;		/* an Object= line, good or bad */
	bool stop;			/* unreadable: nothing after is worth reporting */
};

typedef int (*key_parser)(struct parse_state *ps, const char *v, char *why, size_t whylen);

struct key {
	const char *section;
	const char *name;
	key_parser parse;
};

static int strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	char **grown = reallocarray(*v, *n + 1, sizeof(**v));

	if (!grown)
		return -ENOMEM;
	*v = grown;
	grown[*n] = strndup(s, len);
	if (!grown[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int set_string(char **dest, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dest);
	*dest = s;
	return 0;
}

static struct xd_netconfig_program *current(struct parse_state *ps)
{
	return &ps->f.progs[ps->f.n_progs - 1];
}

static int parse_name(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	struct xd_netconfig_file *f = &ps->f;

	for (v += strspn(v, BLANKS); *v; v += strspn(v, BLANKS)) {
		size_t n = strcspn(v, BLANKS);

		/* Device names cannot hold '/': such a glob could never match. */
		if (memchr(v, '/', n)) {
			snprintf(why, whylen, "a glob cannot contain '/'");
			return -EINVAL;
		}
		if (strv_push(&f->globs, &f->n_globs, v, n) < 0)
			return -ENOMEM;
		v += n;
	}
	if (f->n_globs == 0) {
		snprintf(why, whylen, "must list one or more interface name globs");
		return -EINVAL;
	}
	return 0;
}

static int parse_netns(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	size_t n = strlen(v);

	if (v[0] == '/' && n < PATH_MAX)
		return set_string(&ps->f.netns, v);
	/* A bare name is ip-netns(8)'s; "." and ".." would leave /run/netns. */
	if (n == 0 || n > NAME_MAX || strchr(v, '/') || strcmp(v, ".") == 0 ||
	    strcmp(v, "..") == 0) {
		snprintf(why, whylen, "must be a name under /run/netns or an absolute path");
		return -EINVAL;
	}
	free(ps->f.netns);
	if (asprintf(&ps->f.netns, "/run/netns/%s", v) < 0) {
		ps->f.netns = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int parse_mode(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "native") == 0)
		ps->f.mode = XL_MODE_NATIVE;
	else if (strcmp(v, "skb") == 0)
		ps->f.mode = XL_MODE_SKB;
	else {
		snprintf(why, whylen, "must be native or skb");
		return -EINVAL;
	}
	return 0;
}

static int parse_counters(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	static const char *const yes[] = { "yes", "true", "1" };
	static const char *const no[] = { "no", "false", "0" };

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			ps->f.counters = strcasecmp(v, yes[i]) == 0;
			return 0;
		}
	}
	snprintf(why, whylen, "must be yes or no");
	return -EINVAL;
}

enum { K_NAME, K_NAMESPACE, K_MODE, K_COUNTERS, K_OBJECT, K_PROGRAM, K_PRIORITY, K_ACTIONS,
       K_LABEL };
/* The keys that describe one program: each may be given once per Object=. */
#define PROGRAM_KEYS ((1U << (K_LABEL + 1)) - (1U << K_OBJECT))

static int parse_object(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	struct xd_netconfig_file *f = &ps->f;
	struct xd_netconfig_program *progs;

	/* The daemon's working directory is not the writer's. */
	if (v[0] != '/' || strlen(v) >= PATH_MAX) {
		snprintf(why, whylen, "must be an absolute path");
		return -EINVAL;
	}
	if (f->n_progs == XL_MAX_PROGS)
		return -E2BIG;
	progs = reallocarray(f->progs, f->n_progs + 1, sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	f->progs = progs;
	progs[f->n_progs] = (struct xd_netconfig_program){ .priority = XL_PRIORITY_FROM_OBJECT };
	progs[f->n_progs].object = strdup(v);
	if (!progs[f->n_progs].object)
		return -ENOMEM;
	f->n_progs++;
	ps->seen &= ~PROGRAM_KEYS;
	ps->prog_line = ps->line;
	return 0;
}

/* Program= and Label= end up in the state file and in replies: no control characters. */
static int check_text(const char *v, char *why, size_t whylen)
{
	size_t n = strlen(v);

	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			n = 0;
	if (n == 0 || n > TEXT_MAX) {
		snprintf(why, whylen, "must be 1 to %d bytes, no control characters", TEXT_MAX);
		return -EINVAL;
	}
	return 0;
}

static int parse_program(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	int r = check_text(v, why, whylen);

	return r < 0 ? r : set_string(&current(ps)->program, v);
}

static int parse_label(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	int r = check_text(v, why, whylen);

	return r < 0 ? r : set_string(&current(ps)->label, v);
}

static int parse_priority(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	/* Digits only: strtol would also take blanks and a sign. */
	if (v[0] < '0' || v[0] > '9' || errno || *end || n > XL_PRIORITY_MAX) {
		snprintf(why, whylen, "must be a number from 0 to %d", XL_PRIORITY_MAX);
		return -EINVAL;
	}
	current(ps)->priority = (int)n;
	return 0;
}

static int parse_actions(struct parse_state *ps, const char *v, char *why, size_t whylen)
{
	if (xl_actions_parse(v, &current(ps)->actions) < 0) {
		snprintf(why, whylen, "must be a comma-separated list of aborted, drop, pass, tx, "
			 "redirect, or none");
		return -EINVAL;
	}
	return 0;
}

static const struct key keys[] = {
	[K_NAME] = { "Match", "Name", parse_name },
	[K_NAMESPACE] = { "Match", "Namespace", parse_netns },
	[K_MODE] = { "Interface", "Mode", parse_mode },
	[K_COUNTERS] = { "Interface", "Counters", parse_counters },
	[K_OBJECT] = { "Program", "Object", parse_object },
	[K_PROGRAM] = { "Program", "Program", parse_program },
	[K_PRIORITY] = { "Program", "Priority", parse_priority },
	[K_ACTIONS] = { "Program", "Actions", parse_actions },
	[K_LABEL] = { "Program", "Label", parse_label },
};

/* Every failure is reported; the first is kept for err, as the one to fix
 * first. Returns r. */
_printf_(3, 4) static int fail(struct parse_state *ps, int r, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	xd_conf_vformat(msg, sizeof(msg), ps->path, ps->line, fmt, ap);
	va_end(ap);
	xd_conf_error(ps->errs, msg);
	if (!ps->error) {
		ps->error = r;
		ps->error_line = ps->line;
		snprintf(ps->msg, sizeof(ps->msg), "%s", msg);
	}
	return r;
}

static bool section_known(const char *name, size_t len)
{
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (strlen(keys[i].section) == len && strncmp(keys[i].section, name, len) == 0)
			return true;
	return false;
}

/* A key may come only where it belongs, and only once. */
static int check_place(struct parse_state *ps, unsigned k, const char *section)
{
	const char *name = keys[k].name;

	if (k == K_OBJECT)
		return 0;
	if (k > K_OBJECT && ps->f.n_progs == 0)
		return fail(ps, -EINVAL, "%s before any Object= in [Program]", name);
	if (ps->seen & (1U << k)) {
		if (k > K_OBJECT)
			return fail(ps, -EINVAL, "%s is set twice for the Object= of line %d", name,
				    ps->prog_line);
		return fail(ps, -EINVAL, "%s is set twice in [%s]", name, section);
	}
	ps->seen |= 1U << k;
	return 0;
}

static int handle_key(struct parse_state *ps, const char *section, const char *name,
		      const char *value)
{
	char why[128];
	unsigned k;
	int r;

	if (!*section)
		return fail(ps, -EINVAL, "'%s' outside any section", name);
	for (k = 0; k < ELEMENTSOF(keys); k++)
		if (strcmp(keys[k].section, section) == 0 && strcmp(keys[k].name, name) == 0)
			break;
	if (k == ELEMENTSOF(keys))
		return fail(ps, -EINVAL, "unknown key '%s' in section [%s]", name, section);
	r = check_place(ps, k, section);
	if (r < 0)
		return r;
	r = keys[k].parse(ps, value, why, sizeof(why));
	if (k == K_OBJECT)
		ps->any_object = true;
	/* A refused Object= still opens a program: the keys after it are its,
	 * not errors of their own. */
	if (k == K_OBJECT && r == -EINVAL)
		(void)parse_object(ps, "/", why, sizeof(why));
	if (r == -ENOMEM)
		return fail(ps, r, "out of memory");
	if (r == -E2BIG)
		return fail(ps, r, "more than %d programs (Object=) in one file", XL_MAX_PROGS);
	if (r < 0)
		return fail(ps, r, "bad value '%s' for %s: %s", value, name, why);
	return 0;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;

	return handle_key(ps, section, name, value) == 0;	/* inih: 0 is "this line failed" */
}

/* A section without keys never reaches on_key; an unknown one must still be refused. */
static int check_header(struct parse_state *ps, const char *p)
{
	size_t n = strcspn(p + 1, "]");

	if (!p[1 + n])
		return fail(ps, -EINVAL, "syntax error: expected [Section] or Key=value");
	if (section_known(p + 1, n))
		return 0;
	return fail(ps, -EINVAL, "unknown section [%.*s]", (int)n, p + 1);
}

/* Whether a key line has its '=' (or ':') before any inline comment (a
 * ';' after a blank), as inih requires. */
static bool has_separator(const char *p)
{
	for (const char *c = p; *c; c++) {
		if (*c == '=' || *c == ':')
			return true;
		if (*c == ';' && c > p && (c[-1] == ' ' || c[-1] == '\t'))
			return false;
	}
	return false;
}

/*
 * inih tells handlers neither the line nor the sections, so lines come
 * through here. Leading blanks go: inih would take an indented line for
 * the continuation of the previous value, a surprise in a strict format.
 */
static char *read_line(char *buf, int size, void *user)
{
	struct parse_state *ps = user;
	ssize_t n;
	char *p;

	if (ps->stop)
		return NULL;
	n = getline(&ps->buf, &ps->bufsize, ps->in);
	if (n < 0) {
		int e = errno ?: EIO;

		if (ferror(ps->in)) {
			fail(ps, -e, "cannot read: %s", strerror(e));
			ps->stop = true;
		}
		return NULL;
	}
	ps->line++;
	if ((size_t)n != strlen(ps->buf)) {
		fail(ps, -EINVAL, "NUL byte in line: not a text file");
		ps->stop = true;
		return NULL;
	}
	p = ps->buf;
	if (n > 0 && p[n - 1] == '\n')
		p[--n] = '\0';
	if (n > 0 && p[n - 1] == '\r')
		p[--n] = '\0';
	/* A refused line reaches inih blank: reported once, by us. */
	if ((size_t)n > (size_t)size - 3) {
		fail(ps, -EINVAL, "line too long (at most %d characters)", size - 3);
		p = "";
	}
	p += strspn(p, BLANKS);
	if (*p == '[' && check_header(ps, p) < 0)
		p = "";
	else if (*p && *p != '[' && *p != ';' && *p != '#' && !has_separator(p)) {
		fail(ps, -EINVAL, "syntax error: expected [Section] or Key=value");
		p = "";
	}
	snprintf(buf, (size_t)size, "%s\n", p);
	return buf;
}

static int check_result(struct parse_state *ps, int r)
{
	/* inih returns the first bad line: one read_line() let through is a
	 * syntax error only when nothing was refused before it. */
	if (r > 0 && (!ps->error || r < ps->error_line)) {
		ps->error = 0;		/* the first, for err */
		ps->line = r;
		fail(ps, -EINVAL, "syntax error: expected [Section] or Key=value");
	} else if (r < 0) {
		fail(ps, -ENOMEM, "out of memory");
	}
	if (ps->stop)
		return ps->error;
	/* Missing, not merely refused (that was reported on its line). */
	ps->line = 0;
	if (!(ps->seen & (1U << K_NAME)))
		fail(ps, -EINVAL, "no Name= in [Match]: the file would match nothing");
	if (!ps->any_object)
		fail(ps, -EINVAL, "no program: [Program] needs an Object=");
	return ps->error;
}

static void parse_state_done(struct parse_state *ps)
{
	if (ps->in)
		fclose(ps->in);
	free(ps->buf);
	xd_netconfig_file_done(&ps->f);
}

int xd_netconfig_parse_file_all(const char *path, struct xd_netconfig_file *ret,
				struct xd_conf_errors *errs, char *err, size_t errlen)
{
	_cleanup_(parse_state_done) struct parse_state ps = {
		.f = { .mode = XL_MODE_UNSPEC, .counters = -1 },
		.path = path,
		.errs = errs,
	};
	const char *slash;
	int r;

	assert(path);
	assert(ret);
	ps.in = fopen(path, "re");
	if (!ps.in) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		xd_conf_error(errs, err);
		return r;
	}
	slash = strrchr(path, '/');
	if (set_string(&ps.f.path, path) < 0 || set_string(&ps.f.name, slash ? slash + 1 : path) < 0)
		fail(&ps, -ENOMEM, "out of memory");
	else
		check_result(&ps, ini_parse_stream(read_line, &ps, on_key, &ps));
	if (ps.error) {
		snprintf(err, errlen, "%s", ps.msg);
		return ps.error;
	}
	*ret = TAKE_STRUCT(ps.f);
	return 0;
}

int xd_netconfig_parse_file(const char *path, struct xd_netconfig_file *ret, char *err,
			    size_t errlen)
{
	return xd_netconfig_parse_file_all(path, ret, NULL, err, errlen);
}

struct names {
	char **v;
	size_t n;
};

static void names_done(struct names *names)
{
	strv_free(names->v, names->n);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1: a file to read, 0: a name to skip, or -errno. */
static int is_conf_file(DIR *d, const char *name)
{
	size_t n = strlen(name);
	struct stat st;

	if (name[0] == '.' || n <= 5 || strcmp(name + n - 5, ".conf") != 0)
		return 0;
	/* Followed, so that a symlink to /dev/null disables a file, as in systemd. */
	if (fstatat(dirfd(d), name, &st, 0) < 0)
		return errno == ENOENT ? 0 : -errno;
	return S_ISREG(st.st_mode);
}

static int list_dir(const char *dir, struct names *ret, char *err, size_t errlen)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	_cleanup_(names_done) struct names names = { 0 };
	struct dirent *de;
	int r;

	if (!d && errno == ENOENT)
		return 0;	/* nothing configured */
	if (!d) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-r));
		return r;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		r = is_conf_file(d, de->d_name);
		if (r > 0)
			r = strv_push(&names.v, &names.n, de->d_name, strlen(de->d_name));
		if (r < 0) {
			snprintf(err, errlen, "%s/%s: %s", dir, de->d_name, strerror(-r));
			return r;
		}
	}
	if (errno) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-r));
		return r;
	}
	/* An empty directory has no array at all, and qsort() wants one. */
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_names);
	*ret = TAKE_STRUCT(names);
	return 0;
}

int xd_netconfig_load_dir_all(const char *dir, struct xd_netconfig *ret,
			      struct xd_conf_errors *errs, char *err, size_t errlen)
{
	_cleanup_(names_done) struct names names = { 0 };
	_cleanup_(xd_netconfig_done) struct xd_netconfig c = { 0 };
	char first[MSG_MAX] = "";
	const char *sep;
	int r, bad = 0;

	assert(dir);
	assert(ret);
	r = list_dir(dir, &names, err, errlen);
	if (r < 0) {
		xd_conf_error(errs, err);
		return r;
	}
	sep = *dir && dir[strlen(dir) - 1] == '/' ? "" : "/";
	if (names.n && !(c.files = calloc(names.n, sizeof(*c.files)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *path = NULL;

		if (asprintf(&path, "%s%s%s", dir, sep, names.v[i]) < 0) {
			path = NULL;
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		r = xd_netconfig_parse_file_all(path, &c.files[c.n_files], errs, err, errlen);
		if (r < 0 && !errs)
			return r;
		if (r < 0 && !bad) {
			bad = r;
			snprintf(first, sizeof(first), "%s", err);
		}
		if (r == 0)
			c.n_files++;
	}
	if (bad) {
		snprintf(err, errlen, "%s", first);
		return bad;
	}
	*ret = TAKE_STRUCT(c);
	return 0;
}

int xd_netconfig_load_dir(const char *dir, struct xd_netconfig *ret, char *err, size_t errlen)
{
	return xd_netconfig_load_dir_all(dir, ret, NULL, err, errlen);
}

static bool globs_match(const struct xd_netconfig_file *f, const char *ifname)
{
	for (size_t i = 0; i < f->n_globs; i++)
		if (fnmatch(f->globs[i], ifname, 0) == 0)
			return true;
	return false;
}

const struct xd_netconfig_file *xd_netconfig_match(const struct xd_netconfig *c,
						   const char *ifname, const char *netns_path)
{
	assert(c);
	assert(ifname);
	for (size_t i = 0; i < c->n_files; i++)
		if (streq_ptr(c->files[i].netns, netns_path) && globs_match(&c->files[i], ifname))
			return &c->files[i];
	return NULL;
}

static bool program_equal(const struct xd_netconfig_program *a,
			  const struct xd_netconfig_program *b)
{
	return streq_ptr(a->object, b->object) && streq_ptr(a->program, b->program) &&
	       streq_ptr(a->label, b->label) && a->priority == b->priority &&
	       a->actions == b->actions;
}

bool xd_netconfig_equal_file(const struct xd_netconfig_file *a, const struct xd_netconfig_file *b)
{
	assert(a);
	assert(b);
	if (a->n_globs != b->n_globs || a->n_progs != b->n_progs || a->mode != b->mode ||
	    a->counters != b->counters || !streq_ptr(a->netns, b->netns))
		return false;
	/* In order: the globs' order is the file's, and programs of equal priority run in it. */
	for (size_t i = 0; i < a->n_globs; i++)
		if (strcmp(a->globs[i], b->globs[i]) != 0)
			return false;
	for (size_t i = 0; i < a->n_progs; i++)
		if (!program_equal(&a->progs[i], &b->progs[i]))
			return false;
	return true;
}

void xd_netconfig_file_done(struct xd_netconfig_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_progs; i++) {
		free(f->progs[i].object);
		free(f->progs[i].program);
		free(f->progs[i].label);
	}
	free(f->progs);
	strv_free(f->globs, f->n_globs);
	free(f->path);
	free(f->name);
	free(f->netns);
	*f = (struct xd_netconfig_file){ .mode = XL_MODE_UNSPEC, .counters = -1 };
}

void xd_netconfig_done(struct xd_netconfig *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_files; i++)
		xd_netconfig_file_done(&c->files[i]);
	free(c->files);
	*c = (struct xd_netconfig){ 0 };
}
