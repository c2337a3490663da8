/* SPDX-License-Identifier: GPL-2.0-or-later */
/* [Access]: who may act, and on which interfaces (see access.h). */
#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "xl-util.h"

#define BLANKS " \t"

int xd_access_resolve_system(const char *name, bool group, uint32_t *ret)
{
	char buf[16384];
	int r;

	if (group) {
		struct group g, *res = NULL;

		r = getgrnam_r(name, &g, buf, sizeof(buf), &res);
		if (r == 0 && res)
			*ret = res->gr_gid;
	} else {
		struct passwd p, *res = NULL;

		r = getpwnam_r(name, &p, buf, sizeof(buf), &res);
		if (r == 0 && res)
			*ret = res->pw_uid;
	}
	return r ? -r : *ret == (uint32_t)-1 ? -ENOENT : 0;
}

/* A number, or a name through resolve. */
static int to_id(const char *word, bool group, xd_access_resolver resolve, uint32_t *ret)
{
	char *end;
	unsigned long n;

	if (strspn(word, "0123456789") == strlen(word)) {
		errno = 0;
		n = strtoul(word, &end, 10);
		if (errno || n >= UINT32_MAX)
			return -ERANGE;
		*ret = (uint32_t)n;
		return 0;
	}
	*ret = (uint32_t)-1;
	return resolve(word, group, ret);
}

static void note(char *buf, size_t len, const char *what, const char *word)
{
	size_t n = strlen(buf);

	if (n + 2 < len)
		snprintf(buf + n, len - n, "%sno %s '%s'", n ? ", " : "", what, word);
}

/* Each word of list, as an id, into *ids. */
static int ids_of(const char *list, bool group, xd_access_resolver resolve, uint32_t **ids,
		  size_t *n, char *warn, size_t warnlen)
{
	_cleanup_free_ char *copy = strdup(list ? list : "");
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, BLANKS, &save); w; w = strtok_r(NULL, BLANKS, &save)) {
		uint32_t id, *grown;

		if (to_id(w, group, resolve, &id) < 0) {
			note(warn, warnlen, group ? "group" : "user", w);
			continue;
		}
		grown = reallocarray(*ids, *n + 1, sizeof(**ids));
		if (!grown)
			return -ENOMEM;
		*ids = grown;
		(*ids)[(*n)++] = id;
	}
	return 0;
}

/* "GLOB" or "NETNS/GLOB" into g; -EINVAL when NETNS is no name. */
static int glob_of(const char *word, struct xd_access_glob *g)
{
	const char *slash = strchr(word, '/');

	*g = (struct xd_access_glob){};
	if (slash) {
		if (slash == word || !slash[1] || strchr(slash + 1, '/') ||
		    strncmp(word, ".", (size_t)(slash - word)) == 0 ||
		    strncmp(word, "..", (size_t)(slash - word)) == 0)
			return -EINVAL;
		g->netns = strndup(word, (size_t)(slash - word));
		if (!g->netns)
			return -ENOMEM;
		word = slash + 1;
	}
	g->glob = strdup(word);
	return g->glob ? 0 : -ENOMEM;
}

/* "GROUP:[NETNS/]GLOB[,[NETNS/]GLOB...]" */
static int limit_of(char *entry, xd_access_resolver resolve, struct xd_access_limit *ret,
		    char *warn, size_t warnlen, char *err, size_t errlen)
{
	char *colon = strchr(entry, ':'), *save = NULL;
	uint32_t gid;

	if (!colon || colon == entry || !colon[1]) {
		snprintf(err, errlen, "GroupInterfaces: '%s' is not GROUP:[NETNS/]GLOB[,...]",
			 entry);
		return -EINVAL;
	}
	*colon = '\0';
	if (to_id(entry, true, resolve, &gid) < 0) {
		note(warn, warnlen, "group", entry);
		return 0;
	}
	*ret = (struct xd_access_limit){ .gid = gid };
	for (char *g = strtok_r(colon + 1, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		struct xd_access_glob *grown = reallocarray(ret->globs, ret->n_globs + 1,
							    sizeof(*grown));
		int r;

		if (!grown)
			return -ENOMEM;
		ret->globs = grown;
		r = glob_of(g, &ret->globs[ret->n_globs]);
		ret->n_globs++;		/* also half-built, so that done() frees it */
		if (r == -EINVAL)
			snprintf(err, errlen, "GroupInterfaces: '%s' is not NETNS/GLOB with NETNS "
				 "a name under /run/netns", g);
		if (r < 0)
			return r;
	}
	return 1;
}

static int limits_of(struct xd_access *a, const char *list, xd_access_resolver resolve,
		     char *warn, size_t warnlen, char *err, size_t errlen)
{
	_cleanup_free_ char *copy = strdup(list ? list : "");
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, BLANKS, &save); w; w = strtok_r(NULL, BLANKS, &save)) {
		struct xd_access_limit *grown = reallocarray(a->limits, a->n_limits + 1,
							     sizeof(*grown));
		int r;

		if (!grown)
			return -ENOMEM;
		a->limits = grown;
		grown[a->n_limits] = (struct xd_access_limit){};
		r = limit_of(w, resolve, &grown[a->n_limits], warn, warnlen, err, errlen);
		if (r > 0 || grown[a->n_limits].globs)
			a->n_limits++;	/* kept, also half-built, so that done() frees it */
		if (r < 0)
			return r;
	}
	return 0;
}

int xd_access_build(struct xd_access *ret, const char *users, const char *groups,
		    const char *limits, xd_access_resolver resolve, char *warn, size_t warnlen,
		    char *err, size_t errlen)
{
	struct xd_access a = {};
	int r;

	if (warnlen)
		warn[0] = '\0';
	r = ids_of(users, false, resolve, &a.uids, &a.n_uids, warn, warnlen);
	if (r == 0)
		r = ids_of(groups, true, resolve, &a.gids, &a.n_gids, warn, warnlen);
	if (r == 0)
		r = limits_of(&a, limits, resolve, warn, warnlen, err, errlen);
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (r < 0) {
		xd_access_done(&a);
		return r;
	}
	*ret = a;
	return 0;
}

void xd_access_done(struct xd_access *a)
{
	for (size_t i = 0; i < a->n_limits; i++) {
		for (size_t k = 0; k < a->limits[i].n_globs; k++) {
			free(a->limits[i].globs[k].netns);
			free(a->limits[i].globs[k].glob);
		}
		free(a->limits[i].globs);
	}
	free(a->limits);
	free(a->uids);
	free(a->gids);
	*a = (struct xd_access){};
}

static bool has_id(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static const struct xd_access_limit *limit_for(const struct xd_access *a, gid_t gid)
{
	for (size_t i = 0; i < a->n_limits; i++)
		if (a->limits[i].gid == gid)
			return &a->limits[i];
	return NULL;
}

/* The trusted() answer, asked once per check. */
struct ns_state {
	const struct xd_access_ns *ns;
	int trusted;		/* -2: not asked yet */
};

/* Whether glob g covers the namespace (ns NULL: any namespace may do). */
static bool ns_matches(const struct xd_access_glob *g, struct ns_state *st)
{
	if (!st->ns)
		return true;
	if (g->netns)
		return st->ns->named && st->ns->named(g->netns, st->ns->userdata);
	if (st->trusted == -2)
		st->trusted = st->ns->trusted ? st->ns->trusted(st->ns->userdata) : 0;
	return st->trusted > 0;
}

/* One group of the caller's: -1 not allowed, 0 allowed here, 1 only on its globs. */
static int group_grant(const struct xd_access *a, gid_t gid, const char *ifname,
		       struct ns_state *st)
{
	const struct xd_access_limit *l;

	if (!has_id(a->gids, a->n_gids, gid))
		return -1;
	l = limit_for(a, gid);
	if (!l || !ifname)
		return 0;
	for (size_t i = 0; i < l->n_globs; i++)
		if (fnmatch(l->globs[i].glob, ifname, 0) == 0 && ns_matches(&l->globs[i], st))
			return 0;
	return 1;
}

int xd_access_check(const struct xd_access *a, const struct xd_caller *c, const char *ifname,
		    char *why, size_t whylen)
{
	return xd_access_check_ns(a, c, ifname, NULL, why, whylen);
}

int xd_access_check_ns(const struct xd_access *a, const struct xd_caller *c, const char *ifname,
		       const struct xd_access_ns *ns, char *why, size_t whylen)
{
	struct ns_state st = { .ns = ns, .trusted = -2 };
	bool member = false;
	int g;

	if (c->uid == 0 || has_id(a->uids, a->n_uids, c->uid))
		return 0;
	g = group_grant(a, c->gid, ifname, &st);
	if (g == 0)
		return 0;
	member = g > 0;
	for (size_t i = 0; i < c->n_groups; i++) {
		g = group_grant(a, c->groups[i], ifname, &st);
		if (g == 0)
			return 0;
		member = member || g > 0;
	}
	if (member)
		snprintf(why, whylen, "uid %u may not touch interface %s%s (GroupInterfaces)",
			 (unsigned)c->uid, ifname, ns ? " in that network namespace" : "");
	else
		snprintf(why, whylen, "uid %u is in neither AllowUsers nor AllowGroups",
			 (unsigned)c->uid);
	return -EPERM;
}
