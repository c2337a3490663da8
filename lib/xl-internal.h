/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine's and the interface's private state, shared by the lib/ files that implement them. */
#ifndef XL_INTERNAL_H
#define XL_INTERNAL_H

#include <limits.h>

#include "xdplink/xdplink.h"
#include "xl-state.h"
#include "xl-util.h"

struct xl_engine {
	char *root;
	char *state_dir;
	bool has_freplace;
	bool entry_replace;	/* kernel lets an EXT program replace the entry */
	char degraded_reason[512];
	__u64 link_updates;	/* atomic: threads apply to different interfaces */
	/* xl-rootid.c: the bpffs instance the state directory belongs to. */
	__u64 root_dev;		/* atomic */
	bool root_is_changed;	/* atomic; root_changed is written before it is set */
	char root_changed[1024];
};

struct xl_prog;

struct xl_iface {
	struct xl_engine *e;
	int ifindex;
	__u64 netns_cookie;
	/* Allocated: two PATH_MAX arrays were 8 KB of every interface's ~20. */
	char *dir;			/* bpffs directory */
	char *state_dir;		/* state directory */
	struct xl_state st;		/* the live revision; st.revision 0: none */
	int link_fd;
	/* link_fd's id, read once: asking the kernel takes the RTNL lock, and
	 * List asks on the daemon's event loop, while attaches hold that lock. */
	__u32 link_id;
	int entry_fd;
	int counters_fd;
	int prog_fds[XL_MAX_PROGS];	/* parallel to st.att */
	struct xl_err err;
	char *verifier_log;
	/* What the last commit replaced, while its cleanup is deferred. */
	__u64 stale_revision;
	size_t n_stale_removed;
	__u32 stale_removed[XL_MAX_PROGS];
	/* New programs whose plain-XDP twins the deferred cleanup loads
	 * (xl-build.c): owned, by attachment id. */
	size_t n_pending_twins;
	struct xl_pending_twin {
		__u32 id;
		struct xl_prog *prog;
	} pending_twins[XL_MAX_PROGS];
	/* What the last dry run planned (xl_iface__planned), or NULL:
	 * allocated, as it is rarely used. */
	struct xl_state *dry;
};

/* Free the programs of twins never loaded (xl-build.c). */
void xl_twins_drop_pending(struct xl_iface *iface);

struct xl_batch_add {
	struct xl_prog_spec spec;	/* strings owned, anchor labels too */
	__u32 id;			/* assigned by apply */
	bool dropped;			/* xl_batch__drop: not opened, not planned */
};

struct xl_batch_move {
	__u32 id;
	int priority;			/* or XL_PRIORITY_KEEP */
	bool priority_set;
	struct xl_anchor before, after;	/* labels owned */
};

struct xl_batch {
	size_t n_adds;
	struct xl_batch_add adds[XL_MAX_PROGS + 1];
	size_t n_removes;
	__u32 removes[XL_MAX_PROGS];
	bool remove_all;
	size_t n_moves;
	struct xl_batch_move moves[XL_MAX_PROGS];
};

/*
 * The engine's last error is the calling thread's: a daemon applies to
 * different interfaces from different threads at once.
 */
struct xl_err *xl_engine_err(const struct xl_engine *e);

/*
 * Open file description locks on <state>/lock, so that they work between
 * threads as between processes: xl_engine_lock() owns the whole state
 * directory (recovery of everything); xl_engine_lock_iface() shares it
 * and owns one interface, so different interfaces proceed in parallel.
 */
int xl_engine_lock(struct xl_engine *e);
int xl_engine_lock_iface(struct xl_engine *e, __u64 netns_cookie, int ifindex);
void xl_engine_unlock(int *lock_fd);

/* xl-rootid.c: compare the root with the state directory's record (or
 * record it when there is none), at start; and refuse a write (-EXDEV,
 * the reason in err) while the root is not the recorded one. */
int xl_engine_check_root(struct xl_engine *e);
int xl_engine_writable(struct xl_engine *e, struct xl_err *err);

/* xl_iface__open, adding what recovery did to stats. */
int xl_iface_open(struct xl_engine *e, __u64 netns_cookie, int ifindex,
		  struct xl_recover_stats *stats, struct xl_iface **ret);
/* Adopt the live revision of iface->dir and clean the rest (xl-recover.c). */
int xl_iface_recover(struct xl_iface *iface, struct xl_recover_stats *stats);
/* Remove every pin and state file of an interface directory. */
int xl_iface_purge(struct xl_engine *e, const char *dir, const char *state_dir);
/* Unlink every pin under dir, then dir; counts rev-* subdirectories. */
int xl_rm_tree(const char *dir, unsigned *ret_revs);
/* Describe what holds XDP on ifindex, for an EBUSY message. */
void xl_holder_describe(int ifindex, char *buf, size_t len);

void xl_iface_close_fds(struct xl_iface *iface);
/* Forget what the last dry run planned (xl-apply.c). */
void xl_iface_drop_dry(struct xl_iface *iface);
/* Take fd as the interface's XDP link. */
void xl_iface_set_link(struct xl_iface *iface, int fd);

#endif
