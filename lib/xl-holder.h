/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What runs XDP on an interface and who holds it there: for an EBUSY
 * message, and for List's view of programs xdplinkd does not own.
 * Everything is read in the calling thread's network namespace.
 */
#ifndef XL_HOLDER_H
#define XL_HOLDER_H

#include <stddef.h>
#include <linux/bpf.h>

enum xl_holder_kind {
	XL_HOLDER_NETLINK,		/* attached over netlink (ip link, libbpf) */
	XL_HOLDER_LIBXDP,		/* a libxdp dispatcher (xdp-loader, libxdp) */
	XL_HOLDER_BPF_LINK,		/* some tool's XDP bpf_link */
};

/* libxdp's dispatcher function, hence its program name (xdp-tools
 * lib/libxdp/xdp-dispatcher.c.in); under BPF_OBJ_NAME_LEN, never cut. */
#define XL_LIBXDP_DISPATCHER "xdp_dispatcher"

/* One XDP program the kernel runs on an interface, in one mode. */
struct xl_xdp_holder {
	__u32 prog_id;
	__u32 link_id;			/* the bpf_link running it; 0: netlink */
	int mode;			/* XDP_ATTACHED_DRV, _SKB or _HW */
	enum xl_holder_kind kind;
	char name[BPF_OBJ_NAME_LEN];	/* "?" when it could not be read */
};

/* The programs on ifindex, one per mode that has one (at most 3), into
 * ret; *ret_n is how many. -errno when the query fails. */
int xl_holder_query(int ifindex, struct xl_xdp_holder *ret, size_t max, size_t *ret_n);
/* Fill in h's name, link and kind from its prog_id (and ifindex). Walks
 * every bpf_link: only for programs that are not the daemon's own. */
void xl_holder_classify(int ifindex, struct xl_xdp_holder *h);

/* One interface of a namespace and the XDP program of each mode (0: none). */
struct xl_xdp_iface {
	int ifindex;
	char name[16];			/* IF_NAMESIZE */
	__u32 drv_prog_id, skb_prog_id, hw_prog_id;
};

/* Every interface of the calling thread's namespace, from one RTM_GETLINK
 * dump (one pass of the RTNL lock, not one per interface); *ret is
 * malloc'd, the caller frees it. */
int xl_xdp_dump(struct xl_xdp_iface **ret, size_t *ret_n);
/* The same for one interface: one query, not a dump. */
int xl_xdp_query_one(int ifindex, struct xl_xdp_iface *ret);
/* The programs a dispatcher (prog_id) runs: those of the freplace links
 * whose target it is, in link id order (libxdp attaches slots in order). */
int xl_holder_components(__u32 prog_id, __u32 *ret_ids, size_t max, size_t *ret_n);
/* "libxdp", "netlink", "bpfLink": the Unmanaged holder names of the IDL */
const char *xl_holder_kind_name(enum xl_holder_kind kind);
/* Describe what holds XDP on ifindex, for an EBUSY message. */
void xl_holder_describe(int ifindex, char *buf, size_t len);

#endif
