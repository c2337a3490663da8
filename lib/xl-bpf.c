/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bpf() calls the engine makes, each written once. */
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "xl-bpf.h"
#include "xl-util.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int xl_netns_cookie(__u64 *ret)
{
	_cleanup_close_ int fd = -EBADF;
	socklen_t len = sizeof(*ret);

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, ret, &len) < 0)
		return -errno;
	return 0;
}

int xl_prog_info(int fd, struct bpf_prog_info *ret)
{
	__u32 len = sizeof(*ret);

	memset(ret, 0, sizeof(*ret));
	return bpf_obj_get_info_by_fd(fd, ret, &len);
}

void xl_prog_name_by_id(__u32 id, char *buf, size_t len)
{
	_cleanup_close_ int fd = bpf_prog_get_fd_by_id(id);
	struct bpf_prog_info info;

	snprintf(buf, len, "?");
	if (fd >= 0 && xl_prog_info(fd, &info) == 0)
		snprintf(buf, len, "%s", info.name);
}

int xl_link_info(int fd, struct bpf_link_info *ret)
{
	__u32 len = sizeof(*ret);

	memset(ret, 0, sizeof(*ret));
	return bpf_obj_get_info_by_fd(fd, ret, &len);
}

int xl_prog_id(int fd, __u32 *ret)
{
	struct bpf_prog_info info;
	int r = xl_prog_info(fd, &info);

	if (r < 0)
		return r;
	*ret = info.id;
	return 0;
}

int xl_pin(int fd, const char *path)
{
	return bpf_obj_pin(fd, path);
}

int xl_pinned(const char *path)
{
	return bpf_obj_get(path);
}

int xl_unpin(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int xl_xdp_link_create(int prog_fd, int ifindex, enum xl_mode mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		    .flags = mode == XL_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

	return bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
}

int xl_xdp_link_update(int link_fd, int new_prog_fd, int old_prog_fd)
{
	LIBBPF_OPTS(bpf_link_update_opts, opts,
		    .flags = BPF_F_REPLACE, .old_prog_fd = (__u32)old_prog_fd);

	return bpf_link_update(link_fd, new_prog_fd, &opts);
}

int xl_link_detach(int link_fd)
{
	return bpf_link_detach(link_fd);
}

int xl_freplace_link_create(int prog_fd, int target_fd, __u32 btf_id)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .target_btf_id = btf_id);

	/* The kernel ignores the attach type for BPF_PROG_TYPE_EXT. */
	return bpf_link_create(prog_fd, target_fd, 0, &opts);
}
