/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink client: a blocking connection that sends calls (with fds) and reads replies. */
#ifndef VL_CLIENT_H
#define VL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "vl-message.h"

struct vl_client;

/*
 * Connect to an AF_UNIX socket path. timeout_usec bounds every later
 * send and read, each on its own (0: none).
 */
int vl_client_connect(struct vl_client **ret, const char *path, uint64_t timeout_usec);
/*
 * Adopt a connected socket (e.g. one end of a socketpair); on success the
 * client owns it and makes it non-blocking, on failure it stays the caller's.
 */
int vl_client_new_fd(struct vl_client **ret, int fd, uint64_t timeout_usec);
struct vl_client *vl_client_free(struct vl_client *c);
void vl_client_freep(struct vl_client **c);
#define _cleanup_vl_client_ __attribute__((cleanup(vl_client_freep)))
int vl_client_fd(const struct vl_client *c);

/*
 * Send one call. flags are VL_CALL_ONEWAY/VL_CALL_MORE; parameters is
 * taken over (NULL: {}). fds (may be NULL; at most VL_FDS_MAX, else
 * -E2BIG) travel with SCM_RIGHTS on the call's first byte, to be
 * referenced by index in the parameters; they stay the caller's. Calls
 * may be pipelined: send several, then read their replies in order.
 * Messages over VL_MESSAGE_MAX are -EMSGSIZE. A call only partly written
 * (timeout, hangup) leaves the stream out of step: from then on every
 * send and read fails with that error.
 */
int vl_client_send(struct vl_client *c, const char *method, json_t *parameters,
		   unsigned flags, const int *fds, size_t n_fds);

/*
 * Read the next reply, to the oldest call that awaits one. On success
 * *ret_parameters is a new reference (an object, {} when the peer sent
 * none), *ret_error is NULL or the error name (valid until the next read),
 * *ret_continues (may be NULL) tells whether more replies to the same
 * call follow. A reply with an error is success for this function: it
 * returns 0 and sets *ret_error. -ETIMEDOUT after the timeout (the reply
 * may still come: read again), -ENOMSG when no call awaits a reply,
 * -ECONNRESET when the peer hung up, -EBADMSG for a reply that is not
 * varlink (a key other than parameters/continues/error, continues on a
 * call without "more", an error that continues, bad JSON), -EMSGSIZE for
 * one over VL_MESSAGE_MAX. The last three, like a hangup, are final.
 */
int vl_client_read(struct vl_client *c, json_t **ret_parameters, const char **ret_error,
		   bool *ret_continues);

/*
 * send + read for a plain call (neither oneway nor more). -EBUSY while
 * earlier calls still await replies: the next reply would be theirs.
 */
int vl_client_call(struct vl_client *c, const char *method, json_t *parameters,
		   const int *fds, size_t n_fds, json_t **ret_parameters, const char **ret_error);

/* Calls sent that have not had their final reply yet (oneway ones never count). */
size_t vl_client_pending(const struct vl_client *c);

#endif
