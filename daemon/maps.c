/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-owner directories for maps pinned by name (see maps.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iface.h"
#include "log.h"
#include "manager.h"
#include "maps.h"

/* "uid:1000" -> "uid-1000", "config:10-x.conf" -> "config-10-x_conf": one
 * path component, and no dot, which bpffs refuses in names. */
static void dir_name(const char *owner, char *buf, size_t len)
{
	size_t i;

	for (i = 0; owner[i] && i + 1 < len; i++) {
		char c = owner[i];

		buf[i] = c == ':' ? '-' : (isalnum((unsigned char)c) || c == '-' || c == '_') ? c : '_';
	}
	buf[i] = '\0';
	if (!buf[0])
		snprintf(buf, len, "unknown");
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "Cannot create %s: %m", path);
	return 0;
}

int xd_maps_dir(struct manager *m, const char *owner, const char *object, char *buf,
		size_t len)
{
	_cleanup_free_ char *real = object ? realpath(object, NULL) : NULL;
	const char *base = real ? real : object ? object : "";
	char who[256], what[256];
	int r;

	/* An fd's path names the file it is open on. */
	base = strrchr(base, '/') ? strrchr(base, '/') + 1 : base;
	dir_name(owner ? owner : "", who, sizeof(who));
	dir_name(base, what, sizeof(what));
	if (snprintf(buf, len, "%s/maps/%s", m->config.bpffs_root, who) >= (int)len)
		return -ENAMETOOLONG;
	r = make_dir(buf);
	if (r < 0)
		return r;
	if (snprintf(buf, len, "%s/maps/%s/%s", m->config.bpffs_root, who, what) >= (int)len)
		return -ENAMETOOLONG;
	return make_dir(buf);
}

/* Whether any interface has an attachment whose owner maps to name. */
static bool owner_lives(struct manager *m, const char *name)
{
	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next) {
		json_t *a;
		size_t i;

		json_array_foreach(json_object_get(rec->snapshot, "attachments"), i, a) {
			const char *owner = json_string_value(json_object_get(a, "owner"));
			char d[256];

			dir_name(owner ? owner : "", d, sizeof(d));
			if (strcmp(d, name) == 0)
				return true;
		}
	}
	return false;
}

/* Pins, then the object directories, then the owner's. */
static void remove_dir(const char *path, int depth)
{
	_cleanup_(closedirp) DIR *d = opendir(path);
	struct dirent *de;
	char p[PATH_MAX];

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >= (int)sizeof(p))
			continue;
		if (de->d_type == DT_DIR && depth > 0)
			remove_dir(p, depth - 1);
		else
			(void)unlink(p);
	}
	if (rmdir(path) < 0 && errno != ENOENT)
		log_warning_errno(-errno, "Cannot remove %s: %m", path);
}

void xd_maps_gc(struct manager *m)
{
	char root[PATH_MAX], path[PATH_MAX];
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;

	if (snprintf(root, sizeof(root), "%s/maps", m->config.bpffs_root) >= (int)sizeof(root))
		return;
	d = opendir(root);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR || owner_lives(m, de->d_name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", root, de->d_name) < (int)sizeof(path))
			remove_dir(path, 1);
	}
}
