/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by the whole tree: cleanup attributes, errno names, error text. */
#ifndef XL_UTIL_H
#define XL_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

#include <stddef.h>

#ifndef offsetofend
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#endif

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Hand ownership out of a cleanup-managed variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -EBADF; _fd; })

static inline int safe_close(int fd)
{
	if (fd >= 0)
		close(fd);
	return -EBADF;
}

/* "ENOENT", or the number when glibc has no name for it. */
static inline const char *errno_name(int err)
{
	static __thread char buf[24];
	const char *n;

	if (err < 0)
		err = -err;
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/*
 * An error as the library reports it: the negative errno that callers
 * branch on, and one line a person can act on. The verifier log, when a
 * program failed to load, is kept separately because it is long.
 */
#define XL_ERR_MAX 512

struct xl_err {
	int code;
	int kind;	/* enum xl_error_kind: which step failed */
	char msg[XL_ERR_MAX];
};

/* Record err (negative errno) with a message and return it, so that a
 * failure path reads: return xl_err_set(e, -EBUSY, "...", ...). */
_printf_(3, 4) static inline int xl_err_set(struct xl_err *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		e->code = err;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

static inline bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * An object file for reading, to pass to the daemon: a new fd on the same
 * open file when paths[k] (k < n) already named it. A set often names one
 * file for many programs, and each open() walks the path again, which
 * costs a millisecond per open over 9p under TCG. The daemon reads objects
 * with pread(), so the shared file offset never matters.
 */
static inline int xl_open_object(const char *path, const char *const *paths, const int *fds,
				 size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (fds[k] >= 0 && streq_ptr(paths[k], path))
			return fcntl(fds[k], F_DUPFD_CLOEXEC, 3);
	return open(path, O_RDONLY | O_CLOEXEC);
}

#endif
