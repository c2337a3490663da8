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
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iface.h"
#include "job.h"
#include "log.h"
#include "manager.h"
#include "maps.h"
#include "object-fd.h"
#include "xl-elf-check.h"
#include "xl-image.h"

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

/* The real file an object names. A passed fd's is one readlink away;
 * realpath() would then walk that path again, component by component. */
static char *real_file(const char *object)
{
	if (!object)
		return NULL;
	if (strncmp(object, "/proc/self/fd/", strlen("/proc/self/fd/")) == 0)
		return xd_fd_file_name(object);
	return realpath(object, NULL);
}

/* maps/<owner>/<object> into buf; ret_owner_len: where the owner's part ends. */
static int dir_path(struct manager *m, const char *owner, const char *object, char *buf,
		    size_t len, size_t *ret_owner_len)
{
	_cleanup_free_ char *real = real_file(object);
	const char *base = real ? real : object ? object : "";
	char who[256], what[256];
	int n;

	/* An fd's path names the file it is open on. */
	base = strrchr(base, '/') ? strrchr(base, '/') + 1 : base;
	dir_name(owner ? owner : "", who, sizeof(who));
	dir_name(base, what, sizeof(what));
	n = snprintf(buf, len, "%s/maps/%s/%s", m->config.bpffs_root, who, what);
	if (n < 0 || n >= (int)len)
		return -ENAMETOOLONG;
	*ret_owner_len = (size_t)n - strlen(what) - 1;
	return 0;
}

int xd_maps_dir(struct manager *m, const char *owner, const char *object, char *buf,
		size_t len)
{
	size_t owner_len;
	int r;

	r = dir_path(m, owner, object, buf, len, &owner_len);
	if (r < 0)
		return r;
	buf[owner_len] = '\0';
	r = make_dir(buf);
	buf[owner_len] = '/';
	return r < 0 ? r : make_dir(buf);
}

void xd_maps_drop_if_empty(struct manager *m, const char *owner, const char *object)
{
	char path[PATH_MAX];
	size_t owner_len;

	if (dir_path(m, owner, object, path, sizeof(path), &owner_len) == 0)
		xd_maps_dir_drop_if_empty(path);
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

/* The ids of every map some loaded program uses, sorted. */
struct id_set {
	__u32 *ids;
	size_t n, cap;
};

static int id_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int id_set_add(struct id_set *s, __u32 id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		__u32 *ids = reallocarray(s->ids, cap, sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		s->ids = ids;
		s->cap = cap;
	}
	s->ids[s->n++] = id;
	return 0;
}

/* The ids of the maps prog_id uses, up to max (the kernel says how many
 * there are in *ret_n, which may be more). */
static int prog_map_ids(uint32_t prog_id, __u32 *ids, __u32 max, __u32 *ret_n)
{
	struct bpf_prog_info info;
	_cleanup_close_ int fd = bpf_prog_get_fd_by_id(prog_id);
	__u32 len = sizeof(info);

	if (fd < 0)
		return -errno;
	memset(ids, 0, max * sizeof(*ids));	/* valgrind cannot see the kernel fill it */
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = max;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return -errno;
	*ret_n = info.nr_map_ids < max ? info.nr_map_ids : max;
	return 0;
}

static int maps_in_use(struct id_set *s)
{
	__u32 id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		__u32 map_ids[64], n;
		int r = prog_map_ids(id, map_ids, ELEMENTSOF(map_ids), &n);

		if (r == -ENOENT)
			continue;	/* gone since */
		if (r < 0)
			return r;
		for (__u32 i = 0; i < n; i++)
			if (id_set_add(s, map_ids[i]) < 0)
				return -ENOMEM;
	}
	if (errno != ENOENT)
		return -errno;
	if (s->n)	/* qsort(NULL, 0) is undefined */
		qsort(s->ids, s->n, sizeof(*s->ids), id_cmp);
	return 0;
}

/* Whether a running program uses a map pinned under path (two levels);
 * true also when that cannot be told. */
static bool dir_in_use(const struct id_set *s, const char *path, int depth)
{
	_cleanup_(closedirp) DIR *d = opendir(path);
	struct dirent *de;
	char p[PATH_MAX];

	if (!d)
		return errno != ENOENT;
	while ((de = readdir(d))) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		_cleanup_close_ int fd = -EBADF;

		if (de->d_name[0] == '.' ||
		    snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >= (int)sizeof(p))
			continue;
		if (de->d_type == DT_DIR) {
			if (depth > 0 && dir_in_use(s, p, depth - 1))
				return true;
			continue;
		}
		fd = bpf_obj_get(p);
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
			return true;
		if (s->n && bsearch(&info.id, s->ids, s->n, sizeof(*s->ids), id_cmp))
			return true;
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

/* An owner that lives keeps its maps; its empty object directories
 * (failed attaches) go, and the owner's too if nothing is left. */
static void remove_empty(const char *owner_dir)
{
	_cleanup_(closedirp) DIR *d = opendir(owner_dir);
	struct dirent *de;
	char p[PATH_MAX];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && de->d_type == DT_DIR &&
		    snprintf(p, sizeof(p), "%s/%s", owner_dir, de->d_name) < (int)sizeof(p))
			(void)rmdir(p);		/* ENOTEMPTY: it holds maps */
	(void)rmdir(owner_dir);
}

void xd_maps_dir_drop_if_empty(const char *dir)
{
	_cleanup_free_ char *owner = strdup(dir);
	char *slash;

	if (rmdir(dir) < 0 || !owner || !(slash = strrchr(owner, '/')))
		return;
	*slash = '\0';
	(void)rmdir(owner);
}

/* Whether the collection must wait: an interface we could not take over
 * may hold any owner's maps, and a foreign root is not ours to clean. */
static bool gc_blocked(struct manager *m)
{
	if (xl_engine__root_changed(m->engine))
		return true;
	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next)
		if (rec->refused)
			return true;
	return false;
}

/*
 * The kernel frees a detached program (and so lets go of its maps) a
 * little after the last link and pin go: an owner whose last attachment
 * was just removed still looks in use. Look again, backing off from
 * 100 ms to 1 s, for about 17 s from the last removal (a loaded machine
 * frees late; a program of another loader may really share them). One
 * timer at a time: every removal restarts the budget, not a new chain.
 */
#define GC_RETRY_USEC (100 * 1000)
#define GC_RETRY_MAX_USEC (1000 * 1000)
#define GC_RETRIES 20
static unsigned gc_retries;
static bool gc_armed;

static void maps_gc_run(struct manager *m);

static int on_gc_retry(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata)
{
	struct manager *m = userdata;

	gc_armed = false;
	if (xd_jobs_running(m->jobs) > 0)
		m->maps_gc_due = true;	/* the manager runs it once they settle */
	else
		maps_gc_run(m);
	return 0;
}

static void gc_retry_later(struct manager *m)
{
	uint64_t now, delay;

	if (gc_armed || gc_retries >= GC_RETRIES || m->exiting ||
	    sd_event_now(m->event, CLOCK_MONOTONIC, &now) < 0)
		return;
	delay = gc_retries < 4 ? GC_RETRY_USEC << gc_retries : GC_RETRY_MAX_USEC;
	gc_retries++;
	/* Floating: the loop owns it and frees it with itself. */
	if (sd_event_add_time(m->event, NULL, CLOCK_MONOTONIC, now + delay, 0,
			      on_gc_retry, m) < 0)
		gc_retries = GC_RETRIES;
	else
		gc_armed = true;
}

void xd_maps_gc(struct manager *m)
{
	gc_retries = 0;
	maps_gc_run(m);
}

static void maps_gc_run(struct manager *m)
{
	char root[PATH_MAX], path[PATH_MAX];
	_cleanup_(closedirp) DIR *d = NULL;
	struct id_set used = {};
	struct dirent *de;
	bool pending = false;
	int r;

	if (gc_blocked(m)) {
		log_info("Keeping every pinned map: an interface was refused at start, or the "
			 "bpffs root is not the one the state directory describes");
		return;
	}
	if (snprintf(root, sizeof(root), "%s/maps", m->config.bpffs_root) >= (int)sizeof(root))
		return;
	r = maps_in_use(&used);
	if (r < 0) {
		log_warning_errno(r, "Keeping every pinned map: cannot list the maps programs use: %m");
		free(used.ids);
		return;
	}
	d = opendir(root);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR ||
		    snprintf(path, sizeof(path), "%s/%s", root, de->d_name) >= (int)sizeof(path))
			continue;
		if (owner_lives(m, de->d_name)) {
			remove_empty(path);
		} else if (dir_in_use(&used, path, 1)) {
			remove_empty(path);
			pending = true;
		} else {
			remove_dir(path, 1);
		}
	}
	free(used.ids);
	if (pending)
		gc_retry_later(m);
	else
		gc_retries = 0;
}

/* The map among prog_id's whose kernel name is name (cut to 15 characters). */
static int prog_map_by_name(uint32_t prog_id, const char *name)
{
	__u32 map_ids[64], n;
	int r = prog_map_ids(prog_id, map_ids, ELEMENTSOF(map_ids), &n);

	if (r < 0)
		return r;
	for (__u32 i = 0; i < n; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		if (mfd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(mfd, &mi, &mlen) == 0 &&
		    strncmp(mi.name, name, sizeof(mi.name) - 1) == 0)
			return mfd;
		close(mfd);
	}
	return -ENOENT;
}

/*
 * Pin again the by-name maps of one attachment whose pins are gone. The
 * object is read again by its recorded path, only for its maps' names:
 * as a caller's objects are (xl_image_read: never waiting on a lease, size
 * capped; section headers checked), since the file may be a caller's.
 */
static unsigned repin_one(struct manager *m, const struct xl_attachment *a)
{
	_cleanup_(xl_image_clear) struct xl_image img = {};
	struct xl_err err = {};
	char dir[PATH_MAX], msg[160];
	struct bpf_object *obj;
	struct bpf_map *map;
	unsigned n = 0;

	if (!a->object || !a->object[0] || access(a->object, R_OK) < 0 ||
	    xd_maps_dir(m, a->owner, a->object, dir, sizeof(dir)) < 0 ||
	    xl_image_read(&img, -EBADF, a->object, a->object, &err) < 0 ||
	    xl_elf_check(img.data, img.size, msg, sizeof(msg)) < 0)
		return 0;
	obj = xl_image_open(&img, dir);
	if (!obj)
		return 0;
	bpf_object__for_each_map(map, obj) {
		const char *path = bpf_map__pin_path(map);
		_cleanup_close_ int fd = -EBADF;

		if (!path || access(path, F_OK) == 0 || errno != ENOENT)
			continue;
		fd = prog_map_by_name(a->prog_id, bpf_map__name(map));
		if (fd >= 0 && bpf_obj_pin(fd, path) == 0)
			n++;
	}
	bpf_object__close(obj);
	return n;
}

void xd_maps_repin(struct manager *m, struct xd_iface *rec)
{
	const struct xl_attachment *att;
	unsigned n = 0;
	size_t k;

	if (!rec->xi || xl_engine__root_changed(m->engine))
		return;
	att = xl_iface__attachments(rec->xi, &k);
	for (size_t i = 0; i < k; i++)
		n += repin_one(m, &att[i]);
	if (n > 0)
		log_notice("%s: pinned %u maps again that the running programs use and whose "
			   "pins had been removed", rec->name, n);
}
