/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink framing: an incremental NUL-delimited message reader and an output queue. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vl-frame.h"

/*
 * Buffers past this size are mappings of their own: freed, they go back
 * to the system at once. From the heap, a peer's 16 MiB message left its
 * pages behind (glibc raises its mmap threshold after such a free) and
 * many peers' growing buffers fragmented it: the daemon's RSS kept what
 * the limits had already taken away (issue 12, S4).
 */
#define BUF_MAP_MIN (128U * 1024U)

static void buf_free(char *buf, size_t alloc)
{
	if (alloc > BUF_MAP_MIN)
		(void)munmap(buf, alloc);
	else
		free(buf);
}

static char *buf_resize(char *buf, size_t alloc, size_t n)
{
	char *p;

	if (n <= BUF_MAP_MIN)
		return realloc(buf, n);
	if (alloc > BUF_MAP_MIN) {
		p = mremap(buf, alloc, n, MREMAP_MAYMOVE);
		return p == MAP_FAILED ? NULL : p;
	}
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (buf)
		memcpy(p, buf, alloc);
	free(buf);
	return p;
}

/* Grow by doubling so that byte-at-a-time feeding stays linear. */
static int buf_reserve(char **buf, size_t *alloc, size_t need)
{
	size_t n;
	char *p;

	if (need <= *alloc)
		return 0;
	n = *alloc ? *alloc : 4096;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -ENOMEM;
		n *= 2;
	}
	p = buf_resize(*buf, *alloc, n);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*alloc = n;
	return 0;
}

void vl_reader_init(struct vl_reader *r, size_t max)
{
	assert(r);
	*r = (struct vl_reader){ .max = max ? max : VL_MESSAGE_MAX };
}

void vl_reader_done(struct vl_reader *r)
{
	if (!r)
		return;
	buf_free(r->buf, r->alloc);
	vl_reader_init(r, r->max);
}

/* Drop what was handed out; callers' pointers from vl_reader_next() die here. */
static void reader_compact(struct vl_reader *r)
{
	if (r->consumed == 0)
		return;
	memmove(r->buf, r->buf + r->consumed, r->len - r->consumed);
	r->len -= r->consumed;
	r->tail -= r->consumed;
	r->consumed = 0;
}

int vl_reader_feed(struct vl_reader *r, const void *data, size_t n)
{
	const char *nul;
	int err;

	assert(r);
	assert(data || n == 0);
	if (r->error)
		return r->error;
	reader_compact(r);

	/* Refuse before buffering: a NUL-less stream must not grow us without bound. */
	nul = memrchr(data, 0, n);
	if (!nul && r->len - r->tail + n > r->max)
		return r->error = -EMSGSIZE;

	err = buf_reserve(&r->buf, &r->alloc, r->len + n);
	if (err < 0)
		return err;
	memcpy(r->buf + r->len, data, n);
	if (nul)
		r->tail = r->len + (size_t)(nul - (const char *)data) + 1;
	r->len += n;
	if (r->len - r->tail > r->max)
		return r->error = -EMSGSIZE;
	return 0;
}

/*
 * Returns 1 and a NUL-terminated message (the frame's own NUL) valid until
 * the next feed, 0 when no complete message is buffered, or -EMSGSIZE.
 */
int vl_reader_next(struct vl_reader *r, const char **ret_msg, size_t *ret_len)
{
	const char *start, *nul;
	size_t avail, len;

	assert(r);
	assert(ret_msg);
	assert(ret_len);
	if (r->error)
		return r->error;

	avail = r->len - r->consumed;
	if (avail <= r->scanned)
		return 0;
	start = r->buf + r->consumed;
	nul = memchr(start + r->scanned, 0, avail - r->scanned);
	if (!nul) {
		r->scanned = avail;
		return 0;
	}
	len = (size_t)(nul - start);
	if (len > r->max)
		return r->error = -EMSGSIZE;

	r->consumed += len + 1;
	r->scanned = 0;
	*ret_msg = start;
	*ret_len = len;
	return 1;
}

/* Bytes buffered that vl_reader_next() has not handed out. */
size_t vl_reader_pending(const struct vl_reader *r)
{
	assert(r);
	return r->len - r->consumed;
}

/*
 * Whether vl_reader_next() would hand out a message now. Reading more
 * while one waits would tie fds that arrive to the wrong call.
 */
bool vl_reader_has_message(struct vl_reader *r)
{
	size_t avail;

	assert(r);
	if (r->error)
		return false;
	avail = r->len - r->consumed;
	if (avail <= r->scanned)
		return false;
	if (memchr(r->buf + r->consumed + r->scanned, 0, avail - r->scanned))
		return true;
	r->scanned = avail;
	return false;
}

/* Small buffers stay: freeing them would cost a malloc per call. */
#define TRIM_KEEP (64U * 1024U)

void vl_reader_trim(struct vl_reader *r)
{
	assert(r);
	if (r->error || r->len != r->consumed || r->alloc <= TRIM_KEEP)
		return;
	buf_free(r->buf, r->alloc);
	*r = (struct vl_reader){ .max = r->max };
}

void vl_writer_init(struct vl_writer *w, size_t max)
{
	assert(w);
	*w = (struct vl_writer){ .max = max ? max : VL_MESSAGE_MAX };
}

void vl_writer_done(struct vl_writer *w)
{
	if (!w)
		return;
	buf_free(w->buf, w->alloc);
	vl_writer_init(w, w->max);
}

/*
 * Serialise compactly and queue with the terminating NUL. jansson escapes
 * U+0000 inside strings, so the output can never contain a stray frame end.
 * A message larger than the peer would accept is refused with -EMSGSIZE.
 */
int vl_writer_append_json(struct vl_writer *w, const json_t *msg)
{
	const size_t flags = JSON_COMPACT;
	size_t n;
	int err;

	assert(w);
	assert(msg);
	if (!json_is_object(msg))
		return -EINVAL;

	n = json_dumpb(msg, NULL, 0, flags);
	if (n == 0)
		return -ENOMEM;
	if (n > w->max)
		return -EMSGSIZE;

	/* Reclaim the written prefix rather than growing forever under a slow peer. */
	if (w->start > 0) {
		memmove(w->buf, w->buf + w->start, w->len - w->start);
		w->len -= w->start;
		w->start = 0;
	}
	err = buf_reserve(&w->buf, &w->alloc, w->len + n + 1);
	if (err < 0)
		return err;
	if (json_dumpb(msg, w->buf + w->len, n, flags) != n)
		return -ENOMEM;
	w->buf[w->len + n] = '\0';
	w->len += n + 1;
	return 0;
}

size_t vl_writer_pending(const struct vl_writer *w)
{
	assert(w);
	return w->len - w->start;
}

const void *vl_writer_data(const struct vl_writer *w)
{
	assert(w);
	return w->buf + w->start;
}

/* After write() accepted n bytes. */
void vl_writer_consume(struct vl_writer *w, size_t n)
{
	assert(w);
	assert(n <= vl_writer_pending(w));
	w->start += n;
	if (w->start == w->len)
		w->start = w->len = 0;
}

void vl_writer_trim(struct vl_writer *w)
{
	assert(w);
	if (w->len != w->start || w->alloc <= TRIM_KEEP)
		return;
	buf_free(w->buf, w->alloc);
	*w = (struct vl_writer){ .max = w->max };
}
