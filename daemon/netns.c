/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entering, identifying and finding network namespaces (see netns.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "netns.h"
#include "xl-util.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int xd_netns_cookie_here(uint64_t *ret)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof(*ret);

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, ret, &len) < 0)
		return -errno;
	return 0;
}

int xd_netns_check_fd(int fd)
{
	int type = ioctl(fd, NS_GET_NSTYPE);

	if (type < 0)
		return errno == ENOTTY ? -EINVAL : -errno;
	return type == CLONE_NEWNET ? 0 : -EINVAL;
}

static int open_checked(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = xd_netns_check_fd(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int xd_netns_open_path(const char *path)
{
	char buf[PATH_MAX];

	if (!path || !*path)
		return -EINVAL;
	if (path[0] == '/')
		return open_checked(path);
	if (strchr(path, '/') || strcmp(path, ".") == 0 || strcmp(path, "..") == 0)
		return -EINVAL;
	if (snprintf(buf, sizeof(buf), "/run/netns/%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	return open_checked(buf);
}

int xd_netns_open_pid(int pid)
{
	char buf[64];

	if (pid <= 0)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "/proc/%d/ns/net", pid);
	return open_checked(buf);
}

int xd_netns_enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET) < 0 ? -errno : 0;
}

void xd_netns_leave(int self_fd)
{
	if (setns(self_fd, CLONE_NEWNET) < 0) {
		log_error_errno(-errno, "Cannot return to the daemon's network namespace: %m");
		abort();
	}
}

int xd_netns_resolve(int nsfd, int self_fd, const char *ifname, uint64_t *ret_cookie,
		     int *ret_ifindex)
{
	unsigned idx = 0;
	int r;

	r = xd_netns_enter(nsfd);
	if (r < 0)
		return r;
	r = xd_netns_cookie_here(ret_cookie);
	if (r == 0 && ifname) {
		idx = if_nametoindex(ifname);
		r = idx ? 0 : -ENODEV;
	}
	xd_netns_leave(self_fd);
	if (r == 0 && ret_ifindex)
		*ret_ifindex = (int)idx;
	return r;
}

int xd_netns_ifname(int nsfd, int self_fd, int ifindex, char *buf)
{
	int r = xd_netns_enter(nsfd);

	if (r < 0)
		return r;
	r = if_indextoname((unsigned)ifindex, buf) ? 0 : -ENODEV;
	xd_netns_leave(self_fd);
	return r;
}

/* Whether path is the namespace with cookie; *seen skips inodes tried already. */
static int try_candidate(const char *path, uint64_t cookie, int self_fd, ino_t *seen,
			 size_t *n_seen, size_t max_seen)
{
	struct stat st;
	uint64_t c;
	int fd;

	if (stat(path, &st) < 0)
		return -ENOENT;
	for (size_t i = 0; i < *n_seen; i++)
		if (seen[i] == st.st_ino)
			return -ENOENT;
	if (*n_seen < max_seen)
		seen[(*n_seen)++] = st.st_ino;
	fd = open_checked(path);
	if (fd < 0)
		return fd;
	if (xd_netns_resolve(fd, self_fd, NULL, &c, NULL) == 0 && c == cookie)
		return fd;
	close(fd);
	return -ENOENT;
}

static int scan_dir(const char *dir, const char *suffix, bool pids, uint64_t cookie,
		    int self_fd, ino_t *seen, size_t *n_seen, size_t max_seen)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX];

	while (d && (de = readdir(d))) {
		int fd;

		if (de->d_name[0] == '.' ||
		    (pids && strspn(de->d_name, "0123456789") != strlen(de->d_name)))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix) >= (int)sizeof(path))
			continue;
		fd = try_candidate(path, cookie, self_fd, seen, n_seen, max_seen);
		if (fd >= 0)
			return fd;
	}
	return -ENOENT;
}

int xd_netns_find(uint64_t cookie, int self_fd)
{
	_cleanup_free_ ino_t *seen = calloc(4096, sizeof(*seen));
	size_t n_seen = 0;
	int fd;

	if (!seen)
		return -ENOMEM;
	fd = scan_dir("/run/netns", "", false, cookie, self_fd, seen, &n_seen, 4096);
	if (fd < 0)
		fd = scan_dir("/proc", "/ns/net", true, cookie, self_fd, seen, &n_seen, 4096);
	return fd;
}
