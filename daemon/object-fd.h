/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a caller's object fd must be before the daemon reads through it. */
#ifndef XD_OBJECT_FD_H
#define XD_OBJECT_FD_H

#include <stddef.h>

/*
 * 0 if fd may be read as an object: open for reading (not O_PATH, not
 * O_WRONLY), a regular file, not on FUSE (whoever serves the file could
 * hold our pread forever). Else -errno, with why saying which, in words
 * fit for the caller. Never waits on the file's filesystem: the type
 * comes from cached attributes, the filesystem from our mount table.
 * *mountinfo holds that table once a check has read it (NULL before):
 * the checks of one call share one read, and the caller frees it.
 */
int xd_object_fd_check(int fd, char **mountinfo, char *why, size_t len);

/*
 * The file a passed fd is open on, "/proc/self/fd/N" being its path: one
 * readlink, never a walk of the path it names (the fd is open on the real
 * file already). NULL with errno set.
 */
char *xd_fd_file_name(const char *fd_path);

/* The filesystem type of mount mnt_id in a mountinfo(5) text; NULL if absent. Pure. */
const char *xd_mountinfo_fstype(const char *mountinfo, unsigned long long mnt_id, char *buf,
				size_t len);

#endif
