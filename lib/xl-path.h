/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where things live in bpffs and in the state directory (see docs/bpffs-layout.md). */
#ifndef XL_PATH_H
#define XL_PATH_H

#include <stddef.h>
#include <linux/types.h>

/* Slot number that stands for the dispatcher's entry function. */
#define XL_SLOT_ENTRY (-1)

/* All return 0, or -ENAMETOOLONG when buf is too small. */
int xl_path_iface(char *buf, size_t len, const char *root, __u64 netns_cookie, int ifindex);
int xl_path_link(char *buf, size_t len, const char *iface_dir);
int xl_path_counters(char *buf, size_t len, const char *iface_dir);
int xl_path_prog(char *buf, size_t len, const char *iface_dir, __u32 attach_id);
/* The plain-XDP twin of attachment attach_id, run directly when it is alone. */
int xl_path_direct(char *buf, size_t len, const char *iface_dir, __u32 attach_id);
int xl_path_rev(char *buf, size_t len, const char *iface_dir, __u64 revision);
int xl_path_rev_entry(char *buf, size_t len, const char *iface_dir, __u64 revision);
int xl_path_rev_slot(char *buf, size_t len, const char *iface_dir, __u64 revision, int slot);
int xl_path_state(char *buf, size_t len, const char *state_iface_dir, __u64 revision);

/* Parse the names above back; -EINVAL when name is not of that form. */
int xl_parse_iface_name(const char *name, __u64 *ret_cookie, int *ret_ifindex);
int xl_parse_rev_name(const char *name, __u64 *ret_revision);
int xl_parse_prog_name(const char *name, __u32 *ret_attach_id);
int xl_parse_direct_name(const char *name, __u32 *ret_attach_id);
int xl_parse_state_name(const char *name, __u64 *ret_revision);

#endif
