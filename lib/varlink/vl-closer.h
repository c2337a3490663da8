/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Closing fds that peers chose, on threads of their own: never on the event loop. */
#ifndef VL_CLOSER_H
#define VL_CLOSER_H

#include <stdbool.h>
#include <stdint.h>

/* Clear a socket's SO_LINGER, so that its last close does not wait. */
void vl_fd_disarm(int fd);
/*
 * Disarm fd and close it on a closer thread (up to 8 of them, made when
 * needed, detached). Returns at once; the fd number may be reused as soon
 * as the thread closes it, so the caller forgets it now.
 */
void vl_close_untrusted(int fd);
/* Each fd >= 0 in fds, which are set to -EBADF. */
void vl_close_untrusted_many(int *fds, unsigned n);
/*
 * Close fd, a connection, once its peer hangs up (POLLRDHUP) or after
 * timeout_usec, whichever is first; up to 1024 at a time (and 8192 in a
 * timeout), beyond that at once. Returns at once.
 */
void vl_close_after_hangup(int fd, uint64_t timeout_usec);
/* Fds handed over and not closed yet: they still count against the fd limit. */
unsigned long vl_closer_pending(void);
/* Closes that took a second or more, since the start. */
unsigned long vl_closer_slow(void);

#endif
