/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink framing: an incremental NUL-delimited message reader and an output queue. */
#ifndef VL_FRAME_H
#define VL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* systemd's limit; a peer that needs more is broken or hostile. */
#define VL_MESSAGE_MAX (16U * 1024U * 1024U)

/*
 * Bytes go in with vl_reader_feed() in whatever chunks the socket hands
 * out; whole messages come out of vl_reader_next(). Once the framing is
 * lost (-EMSGSIZE) the reader stays failed: the stream cannot be resynced
 * and the connection must be dropped.
 */
struct vl_reader {
	char *buf;
	size_t len;        /* bytes held */
	size_t alloc;
	size_t consumed;   /* bytes already handed out by vl_reader_next() */
	size_t scanned;    /* bytes after consumed known to hold no NUL */
	size_t tail;       /* start of the trailing message with no NUL yet */
	size_t max;        /* largest message, NUL excluded */
	int error;
};

void vl_reader_init(struct vl_reader *r, size_t max);
void vl_reader_done(struct vl_reader *r);
int vl_reader_feed(struct vl_reader *r, const void *data, size_t n);
int vl_reader_next(struct vl_reader *r, const char **ret_msg, size_t *ret_len);
size_t vl_reader_pending(const struct vl_reader *r);
bool vl_reader_has_message(struct vl_reader *r);
/* Free the buffer when nothing is held in it, so that idle peers cost nothing. */
void vl_reader_trim(struct vl_reader *r);

/*
 * Replies queued in order, written out as the socket accepts them; the
 * queue keeps the unwritten rest after a short write.
 */
struct vl_writer {
	char *buf;
	size_t start;      /* first unwritten byte */
	size_t len;        /* end of queued bytes */
	size_t alloc;
	size_t max;
};

void vl_writer_init(struct vl_writer *w, size_t max);
void vl_writer_done(struct vl_writer *w);
int vl_writer_append_json(struct vl_writer *w, const json_t *msg);
size_t vl_writer_pending(const struct vl_writer *w);
const void *vl_writer_data(const struct vl_writer *w);
void vl_writer_consume(struct vl_writer *w, size_t n);
void vl_writer_trim(struct vl_writer *w);

#endif
