/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Adoption's working state, shared by xl-adopt.c (metadata, the new revision)
 * and xl-adopt-kernel.c (what the kernel runs). */
#ifndef XL_ADOPT_INTERNAL_H
#define XL_ADOPT_INTERNAL_H

#include <limits.h>
#include <bpf/bpf.h>

#include "../bpf/xl_dispatcher.h"
#include "xl-internal.h"
#include "xl-undo.h"

/* libxdp's dispatcher (xdp-loader, xdp-filter): another manager's. */
#define LIBXDP_DISPATCHER "xdp_dispatcher"
#define OUR_DISPATCHER "xl_dispatcher"

/* One program the kernel runs for the interface, in run order. */
struct kprog {
	__u32 prog_id;
	int prog_fd;		/* the program (EXT under a dispatcher) */
	int slot_link;		/* its freplace link, or -EBADF */
	int slot;		/* dispatcher slot, XL_SLOT_ENTRY for the entry */
	int twin_fd;		/* a lone program's plain-XDP twin that the link runs */
	__u32 pinned_id;	/* attachment id a prog-/direct- pin gives it, or 0 */
};

struct adopt {
	struct xl_engine *e;
	struct xl_err *err;
	int ifindex;
	__u64 cookie;
	char ifname[32];	/* a name, or "ifindex N" */
	char dir[PATH_MAX], sdir[PATH_MAX];
	int link_fd;
	__u32 link_id;
	enum xl_mode mode;
	int entry_fd;
	__u32 entry_id;
	bool dispatcher;
	bool direct;
	int counters_fd;
	struct xl_dispatcher_config cfg;
	size_t n;
	struct kprog progs[XL_MAX_PROGS];
	bool matched[XL_MAX_PROGS];
	bool from_state[XL_MAX_PROGS];	/* matched by a state file, not made up */
	__u64 max_rev;		/* highest revision seen in bpffs or the state dir */
	__u32 max_id;		/* highest attachment id seen */
	unsigned relinked;	/* slots whose lost freplace link was made again */
	struct xl_state st;	/* the revision being written */
	struct xl_undo undo;
};

/* The XDP program on a->ifindex (0: none) and its mode; -EBUSY when several
 * modes run programs at once. */
int xl_adopt_query_xdp(struct adopt *a, __u32 *ret_prog);
/* The bpf_link that runs prog there: the pinned one, else by enumeration. */
int xl_adopt_find_link(struct adopt *a, __u32 prog);
/* What prog runs: our dispatcher and its slots, or a lone program. */
int xl_adopt_read_kernel(struct adopt *a, __u32 prog);
int xl_adopt_map_info(int fd, struct bpf_map_info *ret);
/* The id of the program pinned at dir/name. */
int xl_adopt_pinned_id(const char *dir, const char *name, __u32 *ret);

#endif
