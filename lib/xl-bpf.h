/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Thin wrappers over the bpf() calls the engine makes; each returns 0/fd or -errno. */
#ifndef XL_BPF_H
#define XL_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>

#include "xdplink/xdplink.h"

int xl_netns_cookie(__u64 *ret);

int xl_prog_info(int prog_fd, struct bpf_prog_info *ret);
/* The name of program id into buf, "?" when it cannot be read. */
void xl_prog_name_by_id(__u32 id, char *buf, size_t len);
int xl_link_info(int link_fd, struct bpf_link_info *ret);
int xl_prog_id(int prog_fd, __u32 *ret);

int xl_pin(int fd, const char *path);
int xl_pinned(const char *path);		/* fd of a pinned object */
int xl_unpin(const char *path);		/* 0 also when already gone */

int xl_xdp_link_create(int prog_fd, int ifindex, enum xl_mode mode);
/* Swap the program a link runs, only if it still runs old_prog_fd. */
int xl_xdp_link_update(int link_fd, int new_prog_fd, int old_prog_fd);
int xl_link_detach(int link_fd);
int xl_freplace_link_create(int prog_fd, int target_fd, __u32 target_btf_id);

#endif
