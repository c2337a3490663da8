/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink server: listening sockets, connections and call routing on sd-event. */
#ifndef VL_SERVER_H
#define VL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <jansson.h>
#include <systemd/sd-event.h>

#include "vl-dispatch.h"
#include "vl-frame.h"
#include "vl-message.h"

/*
 * A handler failed with an errno that has no varlink name. Parameters:
 * {"errno": 5, "errnoName": "EIO"}. Shaped like systemd's io.systemd.System.
 */
#define VL_ERROR_SYSTEM "io.xdplink.System"

#define VL_CONNECTIONS_MAX 4096U
#define VL_CONNECTIONS_PER_UID_MAX 1024U
/* Of VL_CONNECTIONS_MAX, kept for uid 0: others cannot lock root out. */
#define VL_CONNECTIONS_RESERVED 64U
/* Fds received and not yet taken by a handler, of all peers but uid 0, and per uid. */
#define VL_FDS_MAX_TOTAL 4096U
#define VL_FDS_PER_UID_MAX 256U
/* Bytes buffered for one uid's connections (uid 0: no limit), in and out. */
#define VL_INPUT_PER_UID_MAX (32U * 1024U * 1024U)
#define VL_OUTPUT_PER_UID_MAX (16U * 1024U * 1024U)
/* The same for all uids but 0 together: however many users attack, memory stays bounded. */
#define VL_INPUT_MAX (48U * 1024U * 1024U)
#define VL_OUTPUT_MAX (32U * 1024U * 1024U)
/* A refused peer gets its PermissionDenied and this long to read it. */
#define VL_REFUSED_LINGER_USEC (1000ULL * 1000ULL)
#define VL_IDLE_TIMEOUT_USEC (60ULL * 1000000ULL)
/* Unsent output beyond this and the peer is dropped: it is not reading. */
#define VL_WRITE_QUEUE_MAX (4U * VL_MESSAGE_MAX)
/* Unsent output beyond this and the connection's input is not read. */
#define VL_WRITE_PAUSE (1U * 1024U * 1024U)

/* One formatted line about a peer, e.g. "peer pid 12 uid 0: unknown key ..." */
typedef void (*vl_log_fn)(int level, const char *message, void *userdata);

/*
 * Whether a peer may talk to us at all, asked once when it connects (not
 * for uid 0): 0 yes, < 0 no, with why saying so for the log. fd is the
 * connection, e.g. for SO_PEERGROUPS. A refused peer is never read from:
 * it gets org.varlink.service.PermissionDenied as the answer to whatever
 * it sent, and is disconnected once it has read it, or after
 * VL_REFUSED_LINGER_USEC.
 */
typedef int (*vl_check_peer_fn)(int fd, const struct ucred *peer, char *why, size_t whylen,
				void *userdata);

/*
 * Zero means "the default" for every field, so that
 *   struct vl_server_opts o = { .sz = sizeof(o), .product = "xdplinkd" };
 * is a complete configuration. Fields past the caller's sz read as zero.
 */
struct vl_server_opts {
	size_t sz;
	unsigned max_connections;           /* VL_CONNECTIONS_MAX */
	unsigned max_connections_per_uid;   /* VL_CONNECTIONS_PER_UID_MAX */
	uint64_t idle_timeout_usec;         /* VL_IDLE_TIMEOUT_USEC; UINT64_MAX: never */
	size_t message_max;                 /* VL_MESSAGE_MAX */
	size_t write_queue_max;             /* VL_WRITE_QUEUE_MAX */
	const char *vendor;                 /* GetInfo fields; "" when NULL */
	const char *product;
	const char *version;
	const char *url;
	/*
	 * Accept fds sent with SCM_RIGHTS, handed to the call whose first
	 * byte they came with (vl_link_peek_fd()). When false a peer that
	 * sends any is dropped: it expects a service that does not exist.
	 */
	bool allow_fd_passing;
	/*
	 * Why a peer's call was refused or its connection dropped, at
	 * LOG_DEBUG (syslog levels): the library writes nothing itself.
	 * NULL: nobody is told.
	 */
	vl_log_fn log;
	void *log_userdata;
	/*
	 * Limits that keep peers from denying service to root. uid 0 is
	 * exempt from the per-uid ones. A peer over an input or output
	 * limit is disconnected (a stream it does not read is dropped that
	 * way); fds over a limit are closed and the call they came with is
	 * answered VL_ERROR_SYSTEM EMFILE. Each time a limit bites it is
	 * logged at LOG_WARNING, at most a few lines every 10 s.
	 */
	unsigned reserved_connections;      /* VL_CONNECTIONS_RESERVED, at most half */
	unsigned max_fds;                   /* VL_FDS_MAX_TOTAL */
	unsigned max_fds_per_uid;           /* VL_FDS_PER_UID_MAX */
	size_t max_input_per_uid;           /* VL_INPUT_PER_UID_MAX */
	size_t max_output_per_uid;          /* VL_OUTPUT_PER_UID_MAX */
	size_t max_input;                   /* VL_INPUT_MAX */
	size_t max_output;                  /* VL_OUTPUT_MAX */
	/*
	 * Refuse a call whose fds are not all regular files or directories
	 * (fstat), with VL_ERROR_SYSTEM EBADF: sockets, pipes and devices are
	 * what a peer would send to make a close or a read block. They are
	 * closed off the event loop (vl-closer.h), a socket's SO_LINGER
	 * cleared first.
	 */
	bool files_only;
	vl_check_peer_fn check_peer;        /* NULL: every peer may talk */
	void *check_peer_userdata;
	/*
	 * Told the name of every error reply as it is queued, whoever wrote
	 * it (a handler, a parameter check, the protocol layer): for
	 * statistics. NULL: nobody is told.
	 */
	void (*on_error)(const char *error, void *userdata);
	void *on_error_userdata;
};
#define vl_server_opts__last_field on_error_userdata

struct vl_server;
struct vl_link;

int vl_server_new(struct vl_server **ret, const struct vl_server_opts *opts);
struct vl_server *vl_server_free(struct vl_server *s);
void vl_server_freep(struct vl_server **s);
#define _cleanup_vl_server_ __attribute__((cleanup(vl_server_freep)))

/*
 * Serve one interface: its fully qualified name, its IDL text (what
 * GetInterfaceDescription returns) and a method table ended by
 * { NULL }, every entry named "<interface>.<Member>". The strings and the
 * table are borrowed and must outlive the server. -EEXIST for an
 * interface served already, -EINVAL for a malformed name or table, or a
 * description that breaks the varlink grammar (vl_idl_validate()) or
 * declares another interface.
 */
int vl_server_add_methods(struct vl_server *s, const char *interface,
			  const char *description, const struct vl_method *table,
			  void *userdata);

/*
 * Bind an AF_UNIX stream socket at path (a stale socket there is removed,
 * anything else is -EEXIST) and set its mode. The server owns the fd.
 */
int vl_server_listen_address(struct vl_server *s, const char *path, mode_t mode);
/* Serve a listening socket, e.g. from sd_listen_fds(); the server owns fd from now on. */
int vl_server_listen_fd(struct vl_server *s, int fd);
/* Start serving on e (NULL: the thread's default loop); once. */
int vl_server_attach_event(struct vl_server *s, sd_event *e, int64_t priority);

unsigned vl_server_connections(const struct vl_server *s);
/* Connections taken on since the server was made (not those refused at connect). */
unsigned long long vl_server_connections_accepted(const struct vl_server *s);
/* Fds received from peers and not taken yet, plus those still being closed. */
unsigned long vl_server_fds_in_flight(const struct vl_server *s);

/*
 * A connection, as handlers see it. A handler either answers before it
 * returns, or takes a reference and answers later; until the final reply
 * the connection reads no further calls, so replies stay in call order.
 * A handler that returns a negative errno without having answered gets
 * an error reply for it: -EINVAL InvalidParameter, -EPERM/-EACCES
 * PermissionDenied, -EOPNOTSUPP MethodNotImplemented, else VL_ERROR_SYSTEM.
 * Parameters are borrowed for the duration of the handler call only.
 */
struct vl_link *vl_link_ref(struct vl_link *l);
struct vl_link *vl_link_unref(struct vl_link *l);
void vl_link_unrefp(struct vl_link **l);
#define _cleanup_vl_link_ __attribute__((cleanup(vl_link_unrefp)))

/* Each takes over the parameters reference (NULL: {}). -ENOTCONN once the peer is gone. */
int vl_link_reply(struct vl_link *l, json_t *parameters);
int vl_link_reply_more(struct vl_link *l, json_t *parameters);   /* only for "more" calls */
int vl_link_error(struct vl_link *l, const char *error, json_t *parameters);
/* Map a negative errno as for a handler's return, reply, and return r. */
int vl_link_error_errno(struct vl_link *l, int r);

/*
 * vl_dispatch(), answering InvalidParameter itself on failure, so that a
 * handler reads: r = vl_link_dispatch(...); if (r != 0) return r;
 */
int vl_link_dispatch(struct vl_link *l, json_t *parameters, const struct vl_field *table,
		     void *userdata);

/*
 * The fds that came with the current call, addressed by the index a
 * parameter names (vl_parse_fd_index()). peek lends the fd for as long as
 * the call is open; take hands it over (O_CLOEXEC, the caller closes it).
 * Both: -ENXIO past the fds sent, -EBADF for one taken already. Fds not
 * taken are closed with the call's final reply, or when the link dies.
 */
int vl_link_peek_fd(struct vl_link *l, unsigned index);
int vl_link_take_fd(struct vl_link *l, unsigned index);
unsigned vl_link_n_fds(const struct vl_link *l);

/* Credentials of the peer at connect time (SO_PEERCRED). */
int vl_link_get_peer(struct vl_link *l, struct ucred *ret);
/* Its supplementary groups at connect time (SO_PEERGROUPS); -ERANGE past max. */
int vl_link_get_peer_groups(struct vl_link *l, gid_t *ret, size_t max, size_t *ret_n);
bool vl_link_is_connected(const struct vl_link *l);

/* Called once when the connection goes away, e.g. to drop a stream
 * subscriber or what the connection owned. Up to VL_LINK_DISCONNECT_MAX
 * callbacks, called in the order they were added. */
#define VL_LINK_DISCONNECT_MAX 4
typedef void (*vl_link_disconnect_fn)(struct vl_link *l, void *userdata);
/* -ENOSPC when full, -ENOTCONN when the link is gone already. */
int vl_link_add_disconnect_callback(struct vl_link *l, vl_link_disconnect_fn fn, void *userdata);
/* Remove the one added with the same fn and userdata; no-op if none. */
void vl_link_remove_disconnect_callback(struct vl_link *l, vl_link_disconnect_fn fn,
					void *userdata);

#endif
