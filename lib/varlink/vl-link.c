/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink connections: lifecycle, reading, writing, back-pressure and the idle timer. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "vl-closer.h"
#include "vl-server-internal.h"
#include "xl-util.h"

#define READ_CHUNK (64U * 1024U)

static void link_disconnect(struct vl_link *l);
static void close_fds(struct vl_link *l, int *fds, unsigned n);

struct vl_link *vl_link_ref(struct vl_link *l)
{
	if (l)
		l->n_ref++;
	return l;
}

struct vl_link *vl_link_unref(struct vl_link *l)
{
	if (!l)
		return NULL;
	assert(l->n_ref > 0);
	if (--l->n_ref > 0)
		return NULL;
	link_disconnect(l);
	vl_reader_done(&l->reader);
	vl_writer_done(&l->writer);
	free(l);
	return NULL;
}

void vl_link_unrefp(struct vl_link **l)
{
	vl_link_unref(*l);
}

bool vl_link_is_connected(const struct vl_link *l)
{
	return l && l->server;
}

int vl_link_get_peer_groups(struct vl_link *l, gid_t *ret, size_t max, size_t *ret_n)
{
	socklen_t len = (socklen_t)(max * sizeof(*ret));

	if (!l->server || l->fd < 0)
		return -ENOTCONN;
	if (getsockopt(l->fd, SOL_SOCKET, SO_PEERGROUPS, ret, &len) < 0)
		return -errno;	/* ERANGE: more than max */
	*ret_n = len / sizeof(*ret);
	return 0;
}

int vl_link_get_peer(struct vl_link *l, struct ucred *ret)
{
	assert(l);
	assert(ret);
	*ret = l->peer;
	return 0;
}

int vl_link_add_disconnect_callback(struct vl_link *l, vl_link_disconnect_fn fn, void *userdata)
{
	assert(l && fn);
	if (!l->server)
		return -ENOTCONN;
	for (size_t i = 0; i < ELEMENTSOF(l->on_disconnect); i++)
		if (!l->on_disconnect[i].fn) {
			l->on_disconnect[i].fn = fn;
			l->on_disconnect[i].userdata = userdata;
			return 0;
		}
	return -ENOSPC;
}

void vl_link_remove_disconnect_callback(struct vl_link *l, vl_link_disconnect_fn fn,
					void *userdata)
{
	size_t n = ELEMENTSOF(l->on_disconnect);

	for (size_t i = 0; i < n; i++)
		if (l->on_disconnect[i].fn == fn && l->on_disconnect[i].userdata == userdata) {
			/* Keep the order of the rest. */
			memmove(&l->on_disconnect[i], &l->on_disconnect[i + 1],
				(n - i - 1) * sizeof(l->on_disconnect[0]));
			l->on_disconnect[n - 1].fn = NULL;
			l->on_disconnect[n - 1].userdata = NULL;
			return;
		}
}

/* Drop the socket and everything watching it; the memory lives on while referenced. */
static void link_disconnect(struct vl_link *l)
{
	struct vl_server *s = l->server;
	__typeof__(l->on_disconnect) cbs;

	if (!s)
		return;
	memcpy(cbs, l->on_disconnect, sizeof(cbs));
	memset(l->on_disconnect, 0, sizeof(l->on_disconnect));
	l->io = sd_event_source_disable_unref(l->io);
	l->idle = sd_event_source_disable_unref(l->idle);
	l->defer = sd_event_source_disable_unref(l->defer);
	l->resume = sd_event_source_disable_unref(l->resume);
	/* Its unread messages may carry fds: shut now, released off the loop. */
	if (l->fd >= 0)
		(void)shutdown(l->fd, SHUT_RDWR);
	vl_close_untrusted(l->fd);
	l->fd = -EBADF;
	if (l->prev)
		l->prev->next = l->next;
	else
		s->links = l->next;
	if (l->next)
		l->next->prev = l->prev;
	l->prev = l->next = NULL;
	s->n_links--;
	/* Before the server is forgotten: the fds count against it. */
	vl_link_end_call_fds(l);
	close_fds(l, l->in_fds, l->n_in_fds);
	l->in_fds = mfree(l->in_fds);
	l->n_in_fds = 0;
	/* Nothing is read or written any more: the buffers go now, not with the last reference. */
	vl_reader_done(&l->reader);
	vl_writer_done(&l->writer);
	vl_link_account(l);
	vl_server_uid_stats_put(s, l->stats);
	l->stats = NULL;
	l->server = NULL;
	l->in_call = false;
	l->method = mfree(l->method);
	/* Each may drop a reference; the caller of link_disconnect holds one. */
	for (size_t i = 0; i < ELEMENTSOF(cbs) && cbs[i].fn; i++)
		cbs[i].fn(l, cbs[i].userdata);
}

void vl_link_close(struct vl_link *l)
{
	if (!l->server)
		return;
	link_disconnect(l);
	vl_link_unref(l);
}

void vl_link_account(struct vl_link *l)
{
	size_t in = l->reader.len, out = l->writer.len;

	if (!l->stats || !l->server)
		return;
	l->stats->in = l->stats->in - l->acct_in + in;
	l->stats->out = l->stats->out - l->acct_out + out;
	if (l->peer.uid != 0) {
		l->server->in = l->server->in - l->acct_in + in;
		l->server->out = l->server->out - l->acct_out + out;
	}
	l->acct_in = in;
	l->acct_out = out;
}

/* Which input limit the link's uid, or all users but root, went over; NULL if none. */
const char *vl_link_over_input(struct vl_link *l)
{
	struct vl_server *s = l->server;

	vl_link_account(l);
	if (!s || !l->stats || l->peer.uid == 0)
		return NULL;
	if (l->stats->in > s->opts.max_input_per_uid)
		return "the per-user input limit";
	if (s->in > s->opts.max_input)
		return "the input limit of all users but root";
	return NULL;
}

int vl_link_check_output(struct vl_link *l)
{
	struct vl_server *s = l->server;
	const char *over = NULL;

	vl_link_account(l);
	if (!s || !l->stats || l->peer.uid == 0)
		return 0;
	if (l->stats->out > s->opts.max_output_per_uid)
		over = "the per-user output limit";
	else if (s->out > s->opts.max_output)
		over = "the output limit of all users but root";
	if (!over)
		return 0;
	vl_link_log_limit(l, "%zu bytes unread over %u connections, over %s: closing the "
			  "connection", l->stats->out, l->stats->links, over);
	return -ENOBUFS;
}

int vl_link_flush(struct vl_link *l)
{
	while (vl_writer_pending(&l->writer) > 0) {
		ssize_t n = send(l->fd, vl_writer_data(&l->writer), vl_writer_pending(&l->writer),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		vl_writer_consume(&l->writer, (size_t)n);
	}
	/* All out: an idle connection keeps no buffer. */
	vl_writer_trim(&l->writer);
	vl_link_account(l);
	return 0;
}

void vl_link_update_events(struct vl_link *l)
{
	uint32_t events = 0;

	if (!l->server)
		return;
	if (!l->in_call && !l->eof && vl_writer_pending(&l->writer) < VL_WRITE_PAUSE)
		events |= EPOLLIN;
	if (vl_writer_pending(&l->writer) > 0)
		events |= EPOLLOUT;
	(void)sd_event_source_set_io_events(l->io, events);
}

void vl_link_schedule(struct vl_link *l)
{
	if (l->server)
		(void)sd_event_source_set_enabled(l->defer, SD_EVENT_ONESHOT);
}

/*
 * Not the defer source (which every reply arms, vl_link_schedule()): while
 * a connection keeps it armed, sd-event dispatches it again and again and
 * the sockets that are ready wait (test_pipeline_takes_turns saw it). A
 * timer due at once becomes pending in the same poll as those sockets, so
 * they get their turns first.
 */
void vl_link_yield(struct vl_link *l)
{
	if (!l->server)
		return;
	/* Each call's reply scheduled the defer source; this takes its place. */
	if (sd_event_source_set_time_relative(l->resume, 0) >= 0 &&
	    sd_event_source_set_enabled(l->resume, SD_EVENT_ONESHOT) >= 0)
		(void)sd_event_source_set_enabled(l->defer, SD_EVENT_OFF);
	else
		vl_link_schedule(l);
}

void vl_link_arm_idle(struct vl_link *l, bool on)
{
	uint64_t t = l->server->opts.idle_timeout_usec;

	if (t == UINT64_MAX)
		return;
	if (on && sd_event_source_set_time_relative(l->idle, t) >= 0)
		(void)sd_event_source_set_enabled(l->idle, SD_EVENT_ONESHOT);
	else
		(void)sd_event_source_set_enabled(l->idle, SD_EVENT_OFF);
}

static int on_link_defer(sd_event_source *src _unused_, void *userdata)
{
	vl_link_process(userdata);
	return 0;
}

static int on_link_resume(sd_event_source *src _unused_, uint64_t usec _unused_, void *userdata)
{
	vl_link_process(userdata);
	return 0;
}

static int on_link_idle(sd_event_source *src _unused_, uint64_t usec _unused_, void *userdata)
{
	struct vl_link *l = userdata;

	/* A stream in progress is not idle, however quiet. */
	if (!l->in_call) {
		vl_link_log(l, LOG_DEBUG, "idle, closing the connection");
		vl_link_close(l);
	}
	return 0;
}

/* Fds that leave the link's count: taken by a handler, or closed. */
static void link_fds_release(struct vl_link *l, unsigned n)
{
	if (n > l->fds_held)
		n = l->fds_held;
	l->fds_held -= n;
	if (!l->stats)
		return;
	l->stats->fds -= n;
	if (l->peer.uid != 0 && l->server)
		l->server->fds -= n;
}

static void link_fds_hold(struct vl_link *l, unsigned n)
{
	l->fds_held += n;
	if (!l->stats)
		return;
	l->stats->fds += n;
	if (l->peer.uid != 0)
		l->server->fds += n;
}

/* A peer's fds are never closed here: a close can block (vl-closer.c). */
static void close_fds(struct vl_link *l, int *fds, unsigned n)
{
	unsigned open = 0;

	for (unsigned i = 0; i < n; i++)
		open += fds[i] >= 0;
	vl_close_untrusted_many(fds, n);
	link_fds_release(l, open);
}

/* Every fd a received message carried, e.g. when refusing them. */
static void cmsg_close_all(struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				vl_close_untrusted(fd);
			}
		}
}

/*
 * Whether the uid and the peers together may hold n more fds: uid 0 only
 * against what the process can hold at all, the others under max_fds_per_uid
 * and max_fds, the closer's backlog included. NULL, or which limit.
 */
static const char *link_fds_over_limit(struct vl_link *l, size_t n)
{
	struct vl_server *s = l->server;

	if (l->peer.uid == 0)
		return NULL;
	if (l->stats && l->stats->fds + n > s->opts.max_fds_per_uid)
		return "MaxFdsPerUser";
	if (s->fds + vl_closer_pending() + n > s->opts.max_fds)
		return "MaxFds";
	return NULL;
}

/* -EBADF when one of the fds is not a file or directory and the server takes only those. */
/* On the event loop: the type from the inode's cached attributes
 * (AT_STATX_DONT_SYNC), since fstat() of a file on FUSE may wait for
 * whoever serves it, and that may be the caller. */
static int fds_check_types(struct vl_link *l, const int *fds, size_t n)
{
	struct statx sx;

	if (!l->server->opts.files_only)
		return 0;
	for (size_t i = 0; i < n; i++) {
		sx.stx_mode = 0;
		if (statx(fds[i], "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE, &sx) < 0 ||
		    !(S_ISREG(sx.stx_mode) || S_ISDIR(sx.stx_mode))) {
			vl_link_log_limit(l, "fd %zu of %zu is not a file (type 0%o): "
					  "refusing the call", i, n, (unsigned)sx.stx_mode & S_IFMT);
			return -EBADF;
		}
	}
	return 0;
}

static struct cmsghdr *cmsg_find_rights(struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			return cm;
	return NULL;
}

/*
 * Keep the fds a read brought for the message it starts. As systemd does,
 * fds are accepted only with a message's first byte; fds we cannot take
 * whole (MSG_CTRUNC: out of fds), fds with any later byte, and fds for a
 * server that takes none all drop the link, closed.
 */
static int link_accept_fds(struct vl_link *l, struct msghdr *mh)
{
	struct cmsghdr *cm = cmsg_find_rights(mh);
	const char *over;
	size_t n;

	if (mh->msg_flags & MSG_CTRUNC) {
		vl_link_log(l, LOG_DEBUG, "file descriptors cut short (out of fds?)");
		cmsg_close_all(mh);
		return -ENOBUFS;
	}
	if (!cm)
		return 0;
	if (!l->server->opts.allow_fd_passing || vl_reader_pending(&l->reader) > 0 ||
	    l->n_in_fds > 0) {
		vl_link_log(l, LOG_DEBUG, "file descriptors %s",
			    !l->server->opts.allow_fd_passing ? "sent to a server that takes none" :
			    "sent with other than a message's first byte");
		cmsg_close_all(mh);
		return -EPROTO;
	}
	n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (n == 0)
		return 0;
	l->in_fds = malloc(n * sizeof(int));
	if (!l->in_fds) {
		cmsg_close_all(mh);
		return -ENOMEM;
	}
	memcpy(l->in_fds, CMSG_DATA(cm), n * sizeof(int));
	l->n_in_fds = (unsigned)n;
	link_fds_hold(l, (unsigned)n);
	/* Over a limit or of the wrong kind: the call is answered with the error, fd-less. */
	over = link_fds_over_limit(l, 0);
	if (over) {
		vl_link_log_limit(l, "%zu fds over %s (%u held by the uid): closing them, "
				  "refusing the call", n, over, l->stats ? l->stats->fds : 0);
		l->in_fds_error = -EMFILE;
	} else
		l->in_fds_error = fds_check_types(l, l->in_fds, n);
	if (l->in_fds_error < 0) {
		close_fds(l, l->in_fds, l->n_in_fds);
		l->in_fds = mfree(l->in_fds);
		l->n_in_fds = 0;
	}
	return 0;
}

/*
 * With fd passing, read no further than the next message's end: the
 * kernel glues a call sent without fds to a following one that carries
 * some, and only a read that spans one message says whose they are.
 * Returns the length to read, 0 at end of input, -errno.
 */
static ssize_t link_peek_len(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size, MSG_DONTWAIT | MSG_PEEK);
	const char *nul;

	if (n < 0)
		return -errno;
	nul = memchr(buf, 0, (size_t)n);
	return nul ? nul - buf + 1 : n;
}

/* 1: bytes taken; 0: end of input; -EAGAIN: nothing now; other < 0: the link must go. */
static int link_read(struct vl_link *l)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * VL_FDS_MAX)];
	} control;
	char buf[READ_CHUNK];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = &control, .msg_controllen = sizeof(control) };
	const char *over;
	ssize_t n;
	int r;

	/* A waiting message must become a call first, or its fds would mix. */
	if (vl_reader_has_message(&l->reader))
		return -EAGAIN;
	if (l->server->opts.allow_fd_passing) {
		n = link_peek_len(l->fd, buf, sizeof(buf));
		if (n < 0)
			return n == -EINTR ? -EAGAIN : (int)n;
		iov.iov_len = (size_t)n;
	}
	if (iov.iov_len == 0) {
		/* The peek saw the end: no recvmsg, so no control data to look at. */
		l->eof = true;
		return 0;
	}
	n = recvmsg(l->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	r = link_accept_fds(l, &mh);
	if (r < 0)
		return r;
	if (n == 0) {
		l->eof = true;
		return 0;
	}
	/* Oversize (the reader stays failed), or out of memory. */
	r = vl_reader_feed(&l->reader, buf, (size_t)n);
	if (r < 0) {
		vl_link_log(l, LOG_DEBUG, "%s", r == -EMSGSIZE ? "message over the size limit" :
			    errno_name(r));
		return -EBADMSG;
	}
	over = vl_link_over_input(l);
	if (over) {
		vl_link_log_limit(l, "%zu bytes buffered over %u connections, over %s",
				  l->stats->in, l->stats->links, over);
		return -ENOBUFS;
	}
	return 1;
}

/*
 * The peer is gone for good, but calls it sent before may be oneway: run
 * them, one read at a time, until one stays open or the input ends.
 * Nothing can be answered any more, and the socket will only report HUP.
 */
static void link_on_hangup(struct vl_link *l)
{
	vl_link_ref(l);
	(void)sd_event_source_set_enabled(l->io, SD_EVENT_OFF);
	vl_link_process_all(l);
	while (l->server && !l->in_call && link_read(l) > 0)
		vl_link_process_all(l);
	vl_link_close(l);
	vl_link_unref(l);
}

static int on_link_io(sd_event_source *src _unused_, int fd _unused_, uint32_t revents,
		      void *userdata)
{
	struct vl_link *l = userdata;
	int r;

	if (revents & EPOLLERR) {
		vl_link_log(l, LOG_DEBUG, "socket error, closing the connection");
		vl_link_close(l);
		return 0;
	}
	if (revents & EPOLLHUP) {
		link_on_hangup(l);
		return 0;
	}
	if ((revents & EPOLLOUT) && (r = vl_link_flush(l)) < 0) {
		vl_link_log(l, LOG_DEBUG, "write failed: %s; closing the connection", errno_name(r));
		vl_link_close(l);
		return 0;
	}
	if ((revents & EPOLLIN) && !l->in_call && !l->eof) {
		r = link_read(l);
		if (r < 0 && r != -EAGAIN) {
			vl_link_log(l, LOG_DEBUG, "read refused: %s; closing the connection",
				    errno_name(r));
			vl_link_close(l);
			return 0;
		}
	}
	vl_link_process(l);
	return 0;
}

void vl_link_begin_call_fds(struct vl_link *l)
{
	vl_link_end_call_fds(l);
	l->call_fds = TAKE_PTR(l->in_fds);
	l->n_call_fds = l->n_in_fds;
	l->n_in_fds = 0;
	l->call_fds_error = l->in_fds_error;
	l->in_fds_error = 0;
}

void vl_link_end_call_fds(struct vl_link *l)
{
	l->call_fds_error = 0;
	close_fds(l, l->call_fds, l->n_call_fds);
	l->call_fds = mfree(l->call_fds);
	l->n_call_fds = 0;
}

int vl_link_peek_fd(struct vl_link *l, unsigned index)
{
	assert(l);
	if (index >= l->n_call_fds)
		return -ENXIO;
	return l->call_fds[index] >= 0 ? l->call_fds[index] : -EBADF;
}

int vl_link_take_fd(struct vl_link *l, unsigned index)
{
	int fd = vl_link_peek_fd(l, index);

	if (fd >= 0) {
		l->call_fds[index] = -EBADF;
		link_fds_release(l, 1);
	}
	return fd;
}

unsigned vl_link_n_fds(const struct vl_link *l)
{
	assert(l);
	return l->n_call_fds;
}

/* Takes the fd. */
int vl_link_new(struct vl_server *s, int fd_, const struct ucred *peer)
{
	/* Root's calls go first when others keep the loop busy (issue 12). */
	int64_t prio = peer->uid == 0 ? s->priority - 1 : s->priority;
	_cleanup_close_ int fd = fd_;
	struct vl_link *l;
	int r;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->n_ref = 1;
	l->fd = -EBADF;
	l->peer = *peer;
	l->stats = vl_server_uid_stats(s, peer->uid);
	if (!l->stats) {
		free(l);
		return -ENOMEM;
	}
	l->stats->links++;
	vl_reader_init(&l->reader, s->opts.message_max);
	vl_writer_init(&l->writer, s->opts.message_max);

	/* Linked first, so that vl_link_close() can undo a partial setup. */
	l->server = s;
	l->next = s->links;
	if (s->links)
		s->links->prev = l;
	s->links = l;
	s->n_links++;
	l->fd = TAKE_FD(fd);

	r = sd_event_add_io(s->event, &l->io, l->fd, EPOLLIN, on_link_io, l);
	if (r >= 0)
		r = sd_event_add_defer(s->event, &l->defer, on_link_defer, l);
	if (r >= 0)
		r = sd_event_source_set_enabled(l->defer, SD_EVENT_OFF);
	/* Accuracy 1 µs: the default (250 ms) would let a yielded pipeline wait that long. */
	if (r >= 0)
		r = sd_event_add_time(s->event, &l->resume, CLOCK_MONOTONIC, 0, 1, on_link_resume, l);
	if (r >= 0)
		r = sd_event_source_set_enabled(l->resume, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_source_set_priority(l->resume, prio);
	if (r >= 0 && s->opts.idle_timeout_usec != UINT64_MAX)
		r = sd_event_add_time_relative(s->event, &l->idle, CLOCK_MONOTONIC,
					       s->opts.idle_timeout_usec, 0, on_link_idle, l);
	if (r >= 0)
		r = sd_event_source_set_priority(l->io, prio);
	if (r >= 0)
		r = sd_event_source_set_priority(l->defer, prio);
	if (r < 0) {
		vl_link_close(l);
		return r;
	}
	return 0;
}
