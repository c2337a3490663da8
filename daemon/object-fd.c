/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on an object fd a caller passed: readable, a regular file, not on FUSE. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "object-fd.h"
#include "xl-util.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

const char *xd_mountinfo_fstype(const char *mountinfo, unsigned long long mnt_id, char *buf,
				size_t len)
{
	for (const char *line = mountinfo; line && *line;) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		char *after;
		unsigned long long id = strtoull(line, &after, 10);

		if (after != line && id == mnt_id && *after == ' ') {
			/* "ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS...] - FSTYPE SOURCE SUPER" */
			const char *sep = strstr(after, " - ");
			size_t n;

			if (!sep || sep >= end)
				return NULL;
			sep += 3;
			n = strcspn(sep, " \n");
			if (n == 0 || n >= len)
				return NULL;
			memcpy(buf, sep, n);
			buf[n] = '\0';
			return buf;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static char *read_mountinfo(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	char chunk[4096];
	size_t n;

	if (!f || !(out = open_memstream(&text, &size)))
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(out);
	return text;
}

/* Whether the file is on FUSE; from our mount table when its mount is
 * there (no call into the filesystem), else from fstatfs. */
static int on_fuse(int fd, const struct statx *sx, char **mountinfo)
{
	char type[64];
	struct statfs sf;

	if (sx->stx_mask & STATX_MNT_ID) {
		if (!*mountinfo)
			*mountinfo = read_mountinfo();
		if (*mountinfo && xd_mountinfo_fstype(*mountinfo, sx->stx_mnt_id, type, sizeof(type)))
			return strcmp(type, "fuse") == 0 || strncmp(type, "fuse.", 5) == 0 ||
			       strcmp(type, "fuseblk") == 0;
	}
	if (fstatfs(fd, &sf) < 0)
		return -errno;
	return sf.f_type == FUSE_SUPER_MAGIC;
}

char *xd_fd_file_name(const char *fd_path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(fd_path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

_printf_(4, 5) static int refuse(char *why, size_t len, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return r;
}

int xd_object_fd_check(int fd, char **mountinfo, char *why, size_t len)
{
	struct statx sx;
	int fl, r;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return refuse(why, len, -errno, "the passed file descriptor cannot be used: %s",
			      errno_name(errno));
	if (fl & O_PATH)
		return refuse(why, len, -EBADF, "the passed file descriptor is an O_PATH "
			      "descriptor; pass one open for reading");
	if ((fl & O_ACCMODE) == O_WRONLY)
		return refuse(why, len, -EBADF, "the passed file descriptor is not open for reading");
	/* Cached attributes only: FUSE would otherwise ask its server. */
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE | STATX_MNT_ID, &sx) < 0)
		return refuse(why, len, -errno, "the passed file descriptor cannot be examined: %s",
			      errno_name(errno));
	if (!S_ISREG(sx.stx_mode))
		return refuse(why, len, -EINVAL, "the passed file descriptor is not a regular file");
	r = on_fuse(fd, &sx, mountinfo);
	if (r < 0)
		return refuse(why, len, r, "the passed file's filesystem cannot be examined: %s",
			      errno_name(r));
	if (r > 0)
		return refuse(why, len, -EPERM, "the passed file is on FUSE; objects are read "
			      "from local filesystems only");
	return 0;
}
