/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxdplink: make a desired XDP program set real on one interface, atomically. */
#ifndef XDPLINK_H
#define XDPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* All functions return 0 or a negative errno; on failure the object's
 * last_error() text says what went wrong in one line. */

#define XL_MAX_PROGS 63
#define XL_DEFAULT_BPFFS_ROOT "/sys/fs/bpf/xdplinkd"
#define XL_DEFAULT_STATE_DIR "/run/xdplinkd/state"

/* Priority of a program whose object carries no XDP_RUN_CONFIG (as libxdp). */
#define XL_DEFAULT_PRIORITY 50
/* In xl_prog_spec.priority: take the object's XDP_RUN_CONFIG value. */
#define XL_PRIORITY_FROM_OBJECT (-1)
#define XL_PRIORITY_MAX 1000

/* Chain-call actions are a bitmask of (1 << XDP_*): a verdict whose bit is
 * set runs the next program. 0 in a spec means "from the object". */
#define XL_ACTION(v) (1U << (v))
/* An explicit "chain on nothing" (0 already means "from the object"). */
#define XL_ACTIONS_NONE (1U << 31)

enum xl_mode {
	XL_MODE_UNSPEC = 0,	/* native for a new link, whatever the link has otherwise */
	XL_MODE_NATIVE = 1,	/* driver mode */
	XL_MODE_SKB = 2,	/* generic mode, works on any device */
};

struct xl_engine;
struct xl_iface;
struct xl_batch;

struct xl_engine_opts {
	size_t sz;
	const char *bpffs_root;	/* default XL_DEFAULT_BPFFS_ROOT */
	const char *state_dir;	/* default XL_DEFAULT_STATE_DIR */
	char *err_buf;		/* if set, why xl_engine__new failed */
	size_t err_buf_sz;
	size_t :0;
};
#define xl_engine_opts__last_field err_buf_sz

int xl_engine__new(const struct xl_engine_opts *opts, struct xl_engine **ret);
struct xl_engine *xl_engine__free(struct xl_engine *e);
const char *xl_engine__last_error(const struct xl_engine *e);
/* False where the kernel refuses freplace programs (e.g. lockdown); the
 * engine then runs one program directly on the link ("degraded mode"). */
bool xl_engine__has_freplace(const struct xl_engine *e);
/* Why freplace is unavailable, or NULL. */
const char *xl_engine__degraded_reason(const struct xl_engine *e);

/*
 * The engine records which bpffs instance (device) and path hold its root
 * in the state directory. When either changed (a second bpffs mounted
 * over /sys/fs/bpf, BpffsRoot changed), this says what happened and how
 * to get out, and every write (xl_iface__apply) fails with -EXDEV; else
 * NULL. Recovery then removes nothing.
 */
const char *xl_engine__root_changed(const struct xl_engine *e);
/* Take the current root as the state directory's own (after adopting its
 * interfaces there). */
int xl_engine__record_root(struct xl_engine *e);

struct xl_recover_stats {
	unsigned interfaces;	/* live revisions adopted */
	unsigned orphan_revisions; /* uncommitted or stale revision dirs removed */
	unsigned orphan_programs; /* program pins no live revision uses */
	unsigned defunct;	/* interfaces whose device is gone, cleaned */
	unsigned link_updates;	/* data-plane changes it made (xl_engine__link_updates()); 0 */
	unsigned refused;	/* interfaces left as they are: not understood (see open) */
};

/* Recover every interface of the calling thread's netns found under the
 * bpffs root, and clean defunct ones in any netns. */
int xl_engine__recover(struct xl_engine *e, struct xl_recover_stats *ret_stats);

/* Interfaces of the calling thread's netns that have pinned state: up to
 * max ifindexes into ret, their count in *ret_n (which may exceed max). */
int xl_engine__interfaces(struct xl_engine *e, int *ret, size_t max, size_t *ret_n);

/* Every interface with pinned state, in any netns. */
struct xl_iface_id {
	__u64 netns_cookie;
	int ifindex;
};
int xl_engine__all_interfaces(struct xl_engine *e, struct xl_iface_id *ret, size_t max,
			      size_t *ret_n);

/* Remove the pins and state of an interface of any netns if its link is
 * defunct or missing (the device is gone); a live one is left alone
 * (-EEXIST). Needs no entry into that netns. */
int xl_engine__forget(struct xl_engine *e, __u64 netns_cookie, int ifindex);

struct xl_adopt_opts {
	size_t sz;
	/* Instead of adopting: detach XDP from the interface (release its
	 * link) and remove the engine's pins and state of it. */
	bool detach;
	/* Recorded for programs no surviving state file describes;
	 * default: no owner, label "adopted". */
	const char *owner;
	const char *label;
	size_t :0;
};
#define xl_adopt_opts__last_field label

/*
 * Take an interface of the calling thread's netns back under the engine
 * when its pinned state is damaged (state files, revision directories or
 * the link pin lost, or the bpffs root changed), by rebuilding a revision
 * from what the kernel runs: the XDP bpf_link on ifindex, its dispatcher
 * and the freplace links into it, or the lone program it runs directly.
 * Metadata comes from any surviving state file whose program ids match;
 * otherwise it is made up (label "adopted", priorities in the kernel's
 * order, fresh attachment ids). The data plane is not touched: no link
 * update, no detach; only a dispatcher slot whose freplace link was lost
 * with its pin (a deleted rev-N) gets the program a state file and its
 * pin name attached again (counted in relinked). An interface with no
 * XDP program is left empty and its leftovers removed. -EBUSY when XDP
 * is held over netlink or by another tool's link (libxdp): that is not
 * the engine's to adopt.
 * xl_iface__open() then opens the interface normally.
 */
struct xl_adopt_info {
	unsigned programs;	/* attachments of the adopted revision; 0: nothing runs */
	unsigned synthesized;	/* of them, described by no surviving state file */
	unsigned relinked;	/* dispatcher slots whose lost freplace link was made again */
	__u64 revision;		/* the revision written; 0 with detach or nothing running */
	__u32 link_id;		/* the XDP link adopted (unchanged) */
};
int xl_engine__adopt(struct xl_engine *e, int ifindex, const struct xl_adopt_opts *opts,
		     struct xl_adopt_info *ret_info);

/* Kernel calls that change the data plane, since the engine was created. */
__u64 xl_engine__link_updates(const struct xl_engine *e);

/* The pinned plain-XDP twin of attachment attach_id of an interface, for
 * xl_prog_spec.twin_fd when that attachment's program is shared: a new fd,
 * or -ENOENT if it has none (attached in degraded mode). */
int xl_engine__twin_fd(struct xl_engine *e, __u64 netns_cookie, int ifindex, __u32 attach_id);

/* Open (and recover, if pinned state exists) an interface of the calling
 * thread's netns. Opening does not attach anything. */
int xl_iface__open(struct xl_engine *e, int ifindex, struct xl_iface **ret);
struct xl_iface *xl_iface__free(struct xl_iface *iface);
const char *xl_iface__last_error(const struct xl_iface *iface);
/* Verifier log of the last program that failed to load, or NULL. */
const char *xl_iface__verifier_log(const struct xl_iface *iface);

/* Pin the interface's link again if its pin was removed while this object
 * holds the link (xl_iface__apply and xl_iface__free do it too): 1 if it
 * was re-pinned, 0 if nothing was to do. */
int xl_iface__repin_link(struct xl_iface *iface);

/* Which step of the last xl_iface__apply failed, so that a caller can
 * tell "your object is bad" from "the kernel said no" without parsing
 * the message; the errno refines it. */
enum xl_error_kind {
	XL_ERROR_NONE = 0,
	XL_ERROR_REQUEST,	/* invalid for this interface: ESTALE, E2BIG, ENOENT (id), ERANGE,
				 * EINVAL (mode), EOPNOTSUPP (needs freplace) */
	XL_ERROR_OBJECT_READ,	/* the object file cannot be read */
	XL_ERROR_OBJECT,	/* not a usable BPF object; ENOENT: no such XDP program in it */
	XL_ERROR_LOAD,		/* the kernel refused a program (see xl_iface__verifier_log) */
	XL_ERROR_BUSY,		/* something else holds XDP on the interface */
	XL_ERROR_KERNEL,	/* any other kernel or bpffs failure */
	XL_ERROR_ORDER,		/* an anchor names nothing in the new set (ENOENT) or cannot be
				 * met, with the other anchor or the priority (EINVAL);
				 * docs/ordering.md */
};
enum xl_error_kind xl_iface__error_kind(const struct xl_iface *iface);

struct xl_attachment {
	__u32 id;		/* unique on this interface, never reused while live */
	__u32 prog_id;		/* kernel program id */
	int priority;
	__u32 chain_actions;
	bool frags;
	const char *name;	/* program name in its object */
	const char *object;	/* object file it came from */
	const char *label;	/* caller's free text, may be NULL */
	const char *owner;	/* caller's free text, may be NULL */
	__u32 counter_row;	/* row of the interface's counters map */
	bool connection;	/* the caller's: lives only as long as its client's connection */
};

__u64 xl_iface__revision(const struct xl_iface *iface);	/* 0: nothing attached */
int xl_iface__ifindex(const struct xl_iface *iface);
__u64 xl_iface__netns_cookie(const struct xl_iface *iface);
enum xl_mode xl_iface__mode(const struct xl_iface *iface);
bool xl_iface__counters_enabled(const struct xl_iface *iface);
__u32 xl_iface__link_id(const struct xl_iface *iface);	/* 0 when not attached */
/* The ifindex the interface's link reports now: 0 once the device is gone
 * (the link is defunct); -ENOLINK without a link. */
int xl_iface__link_ifindex(const struct xl_iface *iface);
__u32 xl_iface__entry_prog_id(const struct xl_iface *iface); /* what the link runs */
/* Attachments in run order. */
const struct xl_attachment *xl_iface__attachments(const struct xl_iface *iface, size_t *ret_n);
/* Verdict counts (indexed by XDP_* and 5 = other), summed over CPUs. */
int xl_iface__counters(const struct xl_iface *iface, __u32 attach_id, __u64 ret_counts[6]);

/*
 * Where a program runs relative to others, like bpf_mprog's BPF_F_BEFORE
 * and BPF_F_AFTER: an attachment id of the new set, or every attachment of
 * the new set carrying label. All zero: no anchor. Rules: docs/ordering.md.
 */
struct xl_anchor {
	__u32 id;
	const char *label;	/* at most one of id and label */
};

struct xl_prog_spec {
	size_t sz;
	const char *object;	/* ELF path */
	const char *prog_name;	/* program in the object; NULL: the first XDP one */
	int priority;		/* XL_PRIORITY_FROM_OBJECT or 0..XL_PRIORITY_MAX */
	__u32 chain_actions;	/* 0: from the object */
	const char *label;
	const char *owner;
	const char *pin_root_path; /* for LIBBPF_PIN_BY_NAME maps; NULL: libbpf default */
	bool connection;	/* recorded as xl_attachment.connection; the engine ignores it */
	/* > 0: attach this already loaded program (of this engine: EXT where
	 * it has freplace, else XDP) instead of loading object, which is then
	 * only recorded, with prog_name. The program, and so its maps, is
	 * shared; the kernel frees it with its last pin or link. priority
	 * (or 50) and chain_actions (or pass) are not read from the object. */
	int prog_fd;
	bool frags;		/* with prog_fd: whether the program is frags-capable */
	/* > 0: read the object through this descriptor (a regular file),
	 * never reopened; object is then only its name for messages, and the
	 * file the descriptor refers to is what the state file records. */
	int object_fd;
	/* With prog_fd, > 0: that program's plain-XDP twin
	 * (xl_engine__twin_fd), which runs when it is alone on this interface.
	 * Without it, a lone shared program replaces the dispatcher's entry. */
	int twin_fd;
	/* Vet the program as a loader without CAP_PERFMON and CAP_SYS_ADMIN
	 * would be vetted (for callers the daemon does not trust): it is
	 * loaded first as plain XDP on a thread holding only CAP_BPF and
	 * CAP_NET_ADMIN, so the verifier refuses perfmon-only helpers and
	 * pointer leaks; that instance is its plain-XDP twin, and the EXT
	 * instance is loaded from the same bytes, sharing its maps. Ignored
	 * with prog_fd (a program loaded, and vetted if so, before). */
	bool vet;
	/* Where it runs relative to others, like bpf_mprog's BPF_F_BEFORE and
	 * BPF_F_AFTER (docs/ordering.md); zero: by priority only. */
	struct xl_anchor before, after;
	/* priority was given by the caller, not defaulted: an anchored program
	 * takes its anchor's priority, and one given that differs is refused. */
	bool priority_set;
	size_t :0;
};
#define xl_prog_spec__last_field pin_root_path

/* A set of changes that becomes exactly one revision and one commit. */
struct xl_batch *xl_batch__new(void);
struct xl_batch *xl_batch__free(struct xl_batch *b);
/* Returns the index of the addition (for xl_batch__attach_id) or -errno. */
int xl_batch__add(struct xl_batch *b, const struct xl_prog_spec *spec);
int xl_batch__remove(struct xl_batch *b, __u32 attach_id);
int xl_batch__remove_all(struct xl_batch *b);
/* After a successful apply: the attachment id given to addition idx
 * (after a dry run: its provisional id; 0 for a dropped addition). */
__u32 xl_batch__attach_id(const struct xl_batch *b, int idx);

/* In xl_move_opts.priority: the attachment keeps its priority. */
#define XL_PRIORITY_KEEP (-2)

struct xl_move_opts {
	size_t sz;
	int priority;		/* 0..XL_PRIORITY_MAX or XL_PRIORITY_KEEP */
	/* The priority was given by the caller: anchors check it (as in
	 * xl_prog_spec); otherwise an anchor's priority replaces it. */
	bool priority_set;
	struct xl_anchor before, after;
	size_t :0;
};
#define xl_move_opts__last_field after

/*
 * Place a kept attachment again, with a new priority and/or anchors: it is
 * taken out of the set and inserted by the rules of docs/ordering.md, after
 * the batch's additions, in batch order. The same program runs, nothing is
 * loaded again. opts NULL: keep the priority, no anchors.
 */
int xl_batch__move(struct xl_batch *b, __u32 attach_id, const struct xl_move_opts *opts);
/* Take addition idx back (it turned out to be unneeded): it is neither
 * opened nor loaded nor attached, and its attach_id stays 0. */
int xl_batch__drop(struct xl_batch *b, int idx);

struct xl_apply_opts {
	size_t sz;
	__u64 expected_revision;	/* 0: don't check */
	enum xl_mode mode;		/* must match an existing link's mode */
	bool counters;			/* per-program verdict counters */
	/* Leave the old revision's pins for xl_iface__cleanup(), so that the
	 * caller can answer as soon as the new revision is live. */
	bool defer_cleanup;
	/* Load and plan, then release what was loaded and commit nothing: the
	 * revision stays; xl_iface__planned() shows what would run. */
	bool dry_run;
	size_t :0;
};
#define xl_apply_opts__last_field counters

/*
 * Build the revision the batch describes, commit it with one
 * BPF_LINK_UPDATE (or create the link, or detach it when the set becomes
 * empty) and drop the old revision. On failure the live revision is
 * untouched and everything the attempt created is released. A cleanup
 * left pending by defer_cleanup runs first.
 */
int xl_iface__apply(struct xl_iface *iface, struct xl_batch *b,
		    const struct xl_apply_opts *opts);

/*
 * The set the last apply (dry or real) planned, in run order: after a
 * dry run what would run, with the additions' provisional ids and
 * prog_id 0; otherwise the live set (as xl_iface__attachments). Valid
 * until the next apply or free.
 */
const struct xl_attachment *xl_iface__planned(const struct xl_iface *iface, size_t *ret_n);

/* Whether an apply with defer_cleanup left the old revision behind. */
bool xl_iface__cleanup_pending(const struct xl_iface *iface);
/* Remove what the last commit replaced: the old revision's directory and
 * state file, and the pins of the programs it removed. Recovery removes
 * the same leftovers if this never runs. */
int xl_iface__cleanup(struct xl_iface *iface);

/* Names of chain-call actions: "aborted,drop,pass,tx,redirect". */
int xl_actions_parse(const char *s, __u32 *ret);
int xl_actions_format(__u32 actions, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
