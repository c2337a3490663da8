/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whose network namespace a call names (see access-netns.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access-netns.h"
#include "xl-util.h"

/* Deeper nesting than the kernel allows (32) means something is wrong. */
#define USERNS_DEPTH_MAX 33

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The caller's process is in nsfd, and is still the caller's (its pid
 * could have been reused: /proc/PID belongs to the process's uid). */
static bool callers_own(const struct stat *ns, uid_t uid, pid_t pid)
{
	char path[64];
	struct stat st;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) < 0 || st.st_uid != uid)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat(path, &st) == 0 && same_file(&st, ns);
}

int xd_netns_caller_may_enter(int nsfd, uid_t uid, pid_t pid)
{
	_cleanup_close_ int userns = -EBADF;
	struct stat ns;

	if (fstat(nsfd, &ns) < 0)
		return -errno;
	if (callers_own(&ns, uid, pid))
		return 1;
	userns = ioctl(nsfd, NS_GET_USERNS);
	if (userns < 0)
		return -errno;
	for (int depth = 0; depth < USERNS_DEPTH_MAX; depth++) {
		int parent = ioctl(userns, NS_GET_PARENT);
		uid_t owner;

		/* EPERM: userns is our own, or outside it. Neither counts. */
		if (parent < 0)
			return errno == EPERM ? 0 : -errno;
		if (ioctl(userns, NS_GET_OWNER_UID, &owner) < 0) {
			int r = -errno;

			close(parent);
			return r;
		}
		close(userns);
		userns = parent;
		if (owner == uid)
			return 1;
	}
	return -ELOOP;
}

bool xd_netns_is_named(int nsfd, const char *name)
{
	char path[PATH_MAX];
	struct stat named, ns;
	int r;

	if (snprintf(path, sizeof(path), "/run/netns/%s", name) >= (int)sizeof(path))
		return false;
	r = nsfd >= 0 ? fstat(nsfd, &ns) : stat("/proc/thread-self/ns/net", &ns);
	return r == 0 && stat(path, &named) == 0 && same_file(&named, &ns);
}

static int trusted(void *userdata)
{
	struct xd_netns_caller *c = userdata;

	return c->nsfd < 0 ? 1 : xd_netns_caller_may_enter(c->nsfd, c->uid, c->pid);
}

static bool named(const char *name, void *userdata)
{
	struct xd_netns_caller *c = userdata;

	return xd_netns_is_named(c->nsfd, name);
}

struct xd_access_ns xd_netns_access_ns(struct xd_netns_caller *c)
{
	return (struct xd_access_ns){ .trusted = trusted, .named = named, .userdata = c };
}
