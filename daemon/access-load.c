/* SPDX-License-Identifier: GPL-2.0-or-later */
/* [Access] PrivilegedLoadUsers= and PrivilegedLoadGroups=: who is not vetted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "access-load.h"

/* Whether one word of the list names id: a number, or a name resolve knows. */
static bool word_is(const char *w, size_t n, bool group, uint32_t id, xd_access_resolver resolve)
{
	char buf[256], *end;
	unsigned long v;
	uint32_t got;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, w, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (buf[0] >= '0' && buf[0] <= '9')
		return !*end && errno == 0 && v == id;
	return resolve(buf, group, &got) == 0 && got == id;
}

static bool list_has(const char *list, bool group, uint32_t id, xd_access_resolver resolve)
{
	for (const char *w = list; w && *w;) {
		size_t n;

		w += strspn(w, " \t");
		n = strcspn(w, " \t");
		if (n && word_is(w, n, group, id, resolve))
			return true;
		w += n;
	}
	return false;
}

bool xd_access_load_privileged(const char *users, const char *groups, uid_t uid, gid_t gid,
			       const gid_t *sup, size_t n_sup, xd_access_resolver resolve)
{
	if (uid == 0)
		return true;
	if (uid == (uid_t)-1)
		return false;	/* credentials unknown: nobody */
	if (list_has(users, false, uid, resolve))
		return true;
	if (gid != (gid_t)-1 && list_has(groups, true, gid, resolve))
		return true;
	for (size_t i = 0; i < n_sup; i++)
		if (list_has(groups, true, sup[i], resolve))
			return true;
	return false;
}
