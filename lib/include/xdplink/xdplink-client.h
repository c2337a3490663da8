/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxdplink-client: talk to xdplinkd (io.xdplink.Manager over varlink).
 * xdpctl is built on it; container runtimes and network managers can be.
 *
 * Every function returns 0 or a negative errno. When the daemon refused a
 * call, the errno stands for its error (table in xl_client__errno_for())
 * and xl_client__last_error() describes it. Other errnos come from the
 * connection: -ECONNREFUSED, -ENOENT, -EACCES (from connecting),
 * -ECONNRESET (the daemon hung up), -ETIMEDOUT (no reply in time; the call
 * may still take effect, and the client is only good for freeing),
 * -ECANCELED (xl_client__interrupt()), -EBADMSG (a reply that is not what
 * the interface promises).
 *
 * A client is one connection and is not thread-safe: use one per thread.
 */
#ifndef XDPLINK_CLIENT_H
#define XDPLINK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>

#include "xdplink.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XL_CLIENT_SOCKET "/run/xdplinkd/io.xdplink.Manager"
#define XL_CLIENT_INTERFACE "io.xdplink.Manager"

struct xl_client;

struct xl_client_opts {
	size_t sz;
	__u64 timeout_usec;	/* per reply; 0: wait forever */
	size_t :0;
};
#define xl_client_opts__last_field timeout_usec

/* The socket xl_client__connect(NULL, ...) uses: $XDPLINKD_SOCKET, else XL_CLIENT_SOCKET. */
const char *xl_client__default_socket(void);
int xl_client__connect(const char *path, const struct xl_client_opts *opts,
		       struct xl_client **ret);
/* Adopt a connected socket (e.g. one end of a socketpair): the client owns
 * fd on success; on failure it stays the caller's. */
int xl_client__new_fd(int fd, const struct xl_client_opts *opts, struct xl_client **ret);
/* Accepts NULL; returns NULL. */
struct xl_client *xl_client__free(struct xl_client *c);
/*
 * Async-signal-safe: shut the connection down, so that a call or
 * xl_client__next_event() blocked on it returns -ECANCELED at once. Only
 * xl_client__free() is of use afterwards. For "stop monitoring on SIGINT".
 */
void xl_client__interrupt(struct xl_client *c);

/* One program, for attach and replace. Fields left 0 take the defaults,
 * except priority: set it to XL_PRIORITY_FROM_OBJECT unless you mean one. */
struct xl_client_program {
	size_t sz;
	const char *object;	/* path as the daemon sees it (make it absolute); or NULL and: */
	int object_fd;		/* when object is NULL: an open object file, passed with SCM_RIGHTS */
	const char *prog_name;	/* NULL: the object's first XDP program */
	int priority;		/* XL_PRIORITY_FROM_OBJECT or 0..XL_PRIORITY_MAX */
	__u32 actions;		/* XL_ACTION() mask; 0: from the object; XL_ACTIONS_NONE */
	const char *label;	/* free text shown by List; NULL: none */
	/* attach only: > 0 and object NULL, object_fd < 0: attach the program
	 * the daemon already runs with this id (List's programId) on one more
	 * interface, sharing its maps. Only its owner (or root) may. */
	__u32 prog_id;
	size_t :0;
};
#define xl_client_program__last_field label

enum xl_client_counters {
	XL_CLIENT_COUNTERS_DEFAULT = 0,	/* unchanged; a first program: the daemon's config */
	XL_CLIENT_COUNTERS_ON,
	XL_CLIENT_COUNTERS_OFF,
};

enum xl_client_lifetime {
	XL_CLIENT_LIFETIME_PINNED = 0,	/* until detached */
	XL_CLIENT_LIFETIME_CONNECTION,	/* until this client's connection closes */
};

struct xl_client_change_opts {
	size_t sz;
	enum xl_mode mode;	/* XL_MODE_UNSPEC: the link's, or the daemon's default */
	enum xl_client_counters counters;	/* attach, replace */
	__u64 expected_revision;	/* refuse unless at this revision (RevisionMismatch); 0: don't check */
	/* The interface's network namespace, as an open fd of it (e.g. of
	 * /run/netns/NAME or /proc/PID/ns/net), passed with the call; 0: the
	 * daemon's own. The caller keeps the fd. */
	int netns_fd;
	enum xl_client_lifetime lifetime;	/* attach, replace */
	size_t :0;
};
#define xl_client_change_opts__last_field expected_revision

struct xl_client_result {
	__u64 revision;		/* the interface's revision now; 0: nothing attached */
	__u32 id;		/* attach: the new attachment */
	__u32 prog_id;		/* attach: its kernel program id */
	__u32 ids[XL_MAX_PROGS];	/* replace: the new set's ids, in request order */
	size_t n_ids;
};

/* Attach one program; the interface's other programs stay. */
int xl_client__attach(struct xl_client *c, const char *ifname,
		      const struct xl_client_program *prog,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret);
/* Detach attachment id; id 0: detach everything. opts->mode and counters are ignored. */
int xl_client__detach(struct xl_client *c, const char *ifname, __u32 id,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret);
/* Make progs[0..n) the whole set in one swap; n == 0 detaches everything. */
int xl_client__replace(struct xl_client *c, const char *ifname,
		       const struct xl_client_program *progs, size_t n,
		       const struct xl_client_change_opts *opts, struct xl_client_result *ret);
/*
 * Change (io.xdplink.Manager.Change): operations, an array of Operation
 * objects (borrowed, not modified), committed as one revision with one
 * link update, or refused as a whole. An "objectFd" in an operation (or in
 * a replaceLabel's programs) is a file descriptor of the caller's: it is
 * passed with the call (SCM_RIGHTS) and renumbered as the protocol wants;
 * the caller keeps it. opts as for replace (mode, counters, lifetime and
 * expected_revision apply to the whole change; netns_fd names the
 * interface's namespace). dry_run: the daemon loads and plans but commits
 * nothing. *ret_reply (new reference; may be NULL) is the reply: revision,
 * previousRevision, added, removed, reordered, unchanged, attachments.
 */
int xl_client__change(struct xl_client *c, const char *ifname, json_t *operations,
		      const struct xl_client_change_opts *opts, bool dry_run, json_t **ret_reply);
/*
 * The operations (new reference, an array; empty when nothing differs) of
 * a Change that makes the attachments labelled `label` on iface (an
 * Interface object as List returns it) be progs[0..n), in run order, and
 * touches nothing else. owner: only attachments of this owner (List's
 * "uid:N") are the label's; NULL: any owner's (root's view).
 *
 * A wanted program matches an attachment with the same object (progs[i].
 * object: its realpath, as List shows it), the same function (prog_name
 * NULL: any) and the same actions (0: any); priority XL_PRIORITY_FROM_OBJECT
 * matches any, a different explicit one is a move. progs are ordered by
 * priority first (stably) when each has one. Matched attachments stay
 * (same program, same maps); the rest are detached and attached; when
 * the daemon's ordering rules would not give progs' order that way, the
 * operations are one replaceLabel of them all. An attach sends objectFd
 * progs[i].object_fd when >= 0 (for xl_client__change), else the object's
 * path. progs[i].label and prog_id are not used. -EINVAL: a program
 * without object or label NULL; -EBADMSG: iface is not an Interface.
 */
int xl_client__diff(const char *label, const char *owner, const struct xl_client_program *progs,
		    size_t n, json_t *iface, json_t **ret_operations);
/*
 * The List reply's "interfaces" array (new reference), each element an
 * Interface object of io.xdplink.Manager.varlink. ifname NULL: every
 * interface with programs; a named one is listed even with none.
 */
int xl_client__list(struct xl_client *c, const char *ifname, json_t **ret_interfaces);
/* The same within one network namespace (netns_fd as in
 * xl_client_change_opts; 0: the daemon's own). */
int xl_client__list_in(struct xl_client *c, const char *ifname, int netns_fd,
		       json_t **ret_interfaces);
struct xl_client_list_opts {
	size_t sz;
	int netns_fd;		/* as in xl_client_change_opts; 0: the daemon's own */
	bool all;		/* interfaces with nothing attached too */
	bool maps;		/* each program's maps (Attachment.maps, Unmanaged.maps) */
	size_t :0;
};
#define xl_client_list_opts__last_field maps
/* List with options (NULL: as xl_client__list). Besides the daemon's
 * interfaces, List shows every other XDP program on the interfaces of the
 * namespaces asked for (Interface.unmanaged). */
int xl_client__list_opts(struct xl_client *c, const char *ifname,
			 const struct xl_client_list_opts *opts, json_t **ret_interfaces);
struct xl_client_adopt_opts {
	size_t sz;
	int netns_fd;		/* as in xl_client_change_opts; 0: the daemon's own */
	/* Instead of adopting: detach XDP from the interface and remove its
	 * pins and state ("I want it gone"). */
	bool detach;
	size_t :0;
};
#define xl_client_adopt_opts__last_field detach

/*
 * Adopt (root only): take an interface back under the daemon when its
 * pinned state is damaged or recovery refused it, rebuilding a revision
 * from what the kernel runs without touching the data plane; or detach
 * it. *ret_interface (new reference, may be NULL) is its Interface object.
 */
int xl_client__adopt(struct xl_client *c, const char *ifname,
		     const struct xl_client_adopt_opts *opts, json_t **ret_interface);
/* The Describe reply (new reference): version, freplace, maxPrograms, ... */
int xl_client__describe(struct xl_client *c, json_t **ret);
/*
 * The Statistics reply (new reference): what the daemon counts about
 * itself since it started (revisions, linkUpdates, changesRefused, errors
 * by name, recovery, connections, jobs); io.xdplink.Manager.varlink
 * documents each field. -EOPNOTSUPP from a daemon that predates it.
 */
int xl_client__statistics(struct xl_client *c, json_t **ret);
/* org.varlink.service.GetInfo (new reference): vendor, product, version, url, interfaces. */
int xl_client__get_info(struct xl_client *c, json_t **ret);
/* Make the daemon re-read its configuration. */
int xl_client__reload(struct xl_client *c);
/*
 * Subscribe to events of every interface (ifname NULL) or one; returns
 * once the subscription is in place, so that nothing done afterwards is
 * missed. The connection then carries only events.
 */
int xl_client__monitor(struct xl_client *c, const char *ifname);
/* Block until the next Event object (new reference). -ECONNRESET: the daemon hung up. */
int xl_client__next_event(struct xl_client *c, json_t **ret_event);
/* Keep the connection, and so its connection-scoped attachments, until the
 * daemon hangs up (-ECONNRESET) or xl_client__interrupt() (-ECANCELED). */
int xl_client__hold(struct xl_client *c);

/* Any method of any interface, e.g. for a method newer than this library.
 * parameters is taken over (NULL: none); ret may be NULL. */
int xl_client__call(struct xl_client *c, const char *method, json_t *parameters,
		    const int *fds, size_t n_fds, json_t **ret);

/* The daemon's last refusal on this client. */
struct xl_client_error {
	const char *name;		/* "io.xdplink.Manager.RevisionMismatch" */
	const char *message;		/* one line, e.g. "eth0: expected revision 3, but it is at revision 4" */
	const char *verifier_log;	/* ProgramLoadFailed with a log; else NULL */
	json_t *parameters;		/* the error's parameters (borrowed) */
};
/* NULL unless the last call was refused; valid until the next call. */
const struct xl_client_error *xl_client__last_error(const struct xl_client *c);

/*
 * The errno a varlink error stands for (-EPROTO for names it does not know):
 *   io.xdplink.Manager.  InterfaceNotFound -ENODEV, AttachmentNotFound -ENOENT,
 *     TooManyPrograms -E2BIG, RevisionMismatch -ESTALE, ObjectNotFound -ENOENT,
 *     InvalidObject -ENOEXEC, ProgramNotFound -ESRCH, ProgramLoadFailed -EINVAL,
 *     InterfaceBusy -EBUSY, ModeMismatch -EINVAL, NotSupported -EOPNOTSUPP,
 *     ConfigInvalid -EINVAL, SystemError -EIO, NamespaceNotFound -ENOENT,
 *     AnchorNotFound -ENOENT, AnchorConflict -EINVAL;
 *   org.varlink.service.  InvalidParameter -EINVAL, PermissionDenied -EPERM,
 *     InterfaceNotFound, MethodNotFound, MethodNotImplemented -EOPNOTSUPP,
 *     ExpectedMore -EPROTO.
 * A call refused with SystemError returns the errno its errnoName names.
 */
int xl_client__errno_for(const char *error_name);
/* One line for an error reply, as in xl_client_error.message. */
int xl_client__format_error(const char *error_name, json_t *parameters, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
