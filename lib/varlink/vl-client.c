/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink client: a blocking connection that sends calls (with fds) and reads replies. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vl-client.h"
#include "vl-dispatch.h"
#include "vl-frame.h"
#include "xl-util.h"

#define READ_CHUNK (64U * 1024U)

struct vl_client {
	int fd;
	uint64_t timeout_usec;
	struct vl_reader reader;
	char *error;            /* of the last reply read */
	/* Calls sent that await their final reply, oldest first: whether each is "more". */
	bool *pending;
	size_t n_pending, pending_alloc;
	/* Set once the stream is out of step; every later operation returns it. */
	int broken;
};

int vl_client_new_fd(struct vl_client **ret, int fd, uint64_t timeout_usec)
{
	_cleanup_free_ struct vl_client *c = NULL;
	int flags;

	assert(ret);
	if (fd < 0)
		return -EBADF;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	/* Non-blocking, so that the timeout bounds writes to a peer that stopped reading. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	c->fd = fd;
	c->timeout_usec = timeout_usec;
	vl_reader_init(&c->reader, VL_MESSAGE_MAX);
	*ret = TAKE_PTR(c);
	return 0;
}

int vl_client_connect(struct vl_client **ret, const char *path, uint64_t timeout_usec)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -EBADF;
	int r;

	assert(ret);
	assert(path);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Blocking connect: an AF_UNIX connect only waits while the backlog is full. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	r = vl_client_new_fd(ret, fd, timeout_usec);
	if (r == 0)
		TAKE_FD(fd);
	return r;
}

struct vl_client *vl_client_free(struct vl_client *c)
{
	if (!c)
		return NULL;
	safe_close(c->fd);
	vl_reader_done(&c->reader);
	free(c->error);
	free(c->pending);
	free(c);
	return NULL;
}

void vl_client_freep(struct vl_client **c)
{
	*c = vl_client_free(*c);
}

int vl_client_fd(const struct vl_client *c)
{
	assert(c);
	return c->fd;
}

size_t vl_client_pending(const struct vl_client *c)
{
	assert(c);
	return c->n_pending;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

static uint64_t deadline_of(const struct vl_client *c)
{
	return c->timeout_usec ? now_usec() + c->timeout_usec : 0;
}

/* Wait for events until deadline (0: forever); signals do not end the wait. */
static int wait_for(int fd, short events, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int timeout = -1, r;

		if (deadline) {
			uint64_t now = now_usec();

			if (now >= deadline)
				return -ETIMEDOUT;
			timeout = (int)((deadline - now + 999) / 1000);
		}
		r = poll(&p, 1, timeout);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* One sendmsg; the fds ride along when given. Returns bytes sent or -errno. */
static ssize_t send_chunk(int fd, const char *buf, size_t len, const int *fds, size_t n_fds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * VL_FDS_MAX)];
	} control;
	struct iovec iov = { .iov_base = (char *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (n_fds > 0) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		mh.msg_control = &control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n_fds);
	}
	n = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return errno == EPIPE ? -ECONNRESET : -errno;
	return n;
}

/*
 * Write everything, in as many pieces as the socket takes. The fds go
 * with the first piece, so that they arrive with the call's first byte.
 * A failure after the first byte leaves half a call on the wire.
 */
static int send_all(struct vl_client *c, const char *buf, size_t len, const int *fds,
		    size_t n_fds)
{
	uint64_t deadline = deadline_of(c);
	size_t off = 0;

	while (off < len) {
		ssize_t n = send_chunk(c->fd, buf + off, len - off, off == 0 ? fds : NULL,
				       off == 0 ? n_fds : 0);
		int r;

		if (n >= 0) {
			off += (size_t)n;
			continue;
		}
		r = (int)n;
		if (r == -EAGAIN)
			r = wait_for(c->fd, POLLOUT, deadline);
		else if (r == -EINTR)
			r = 0;
		if (r == -ECONNRESET || (r < 0 && off > 0))
			c->broken = r;
		if (r < 0)
			return r;
	}
	return 0;
}

static int pending_push(struct vl_client *c, bool more)
{
	if (c->n_pending == c->pending_alloc) {
		size_t n = c->pending_alloc ? c->pending_alloc * 2 : 8;
		bool *p = reallocarray(c->pending, n, sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->pending = p;
		c->pending_alloc = n;
	}
	c->pending[c->n_pending++] = more;
	return 0;
}

static void pending_pop(struct vl_client *c)
{
	assert(c->n_pending > 0);
	memmove(c->pending, c->pending + 1, (c->n_pending - 1) * sizeof(*c->pending));
	c->n_pending--;
}

static char *format_call(const char *method, json_t *params, unsigned flags)
{
	_cleanup_json_ json_t *call = json_pack("{s:s,s:O}", "method", method,
						"parameters", params);

	if (!call)
		return NULL;
	if ((flags & VL_CALL_ONEWAY && json_object_set_new(call, "oneway", json_true()) < 0) ||
	    (flags & VL_CALL_MORE && json_object_set_new(call, "more", json_true()) < 0))
		return NULL;
	return json_dumps(call, JSON_COMPACT);
}

int vl_client_send(struct vl_client *c, const char *method, json_t *parameters,
		   unsigned flags, const int *fds, size_t n_fds)
{
	_cleanup_json_ json_t *params = parameters ? parameters : json_object();
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	assert(c);
	assert(method);
	assert(fds || n_fds == 0);
	if (c->broken)
		return c->broken;
	if (!params)
		return -ENOMEM;
	if (!json_is_object(params) || !vl_qualified_name_is_valid(method) ||
	    (flags & ~(unsigned)(VL_CALL_ONEWAY | VL_CALL_MORE)) ||
	    (flags & VL_CALL_ONEWAY && flags & VL_CALL_MORE))
		return -EINVAL;
	if (n_fds > VL_FDS_MAX)
		return -E2BIG;
	text = format_call(method, params, flags);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	if (len > VL_MESSAGE_MAX)
		return -EMSGSIZE;
	/* Booked before the write: a reply may be read only after it anyway. */
	if (!(flags & VL_CALL_ONEWAY)) {
		r = pending_push(c, flags & VL_CALL_MORE);
		if (r < 0)
			return r;
	}
	/* The NUL ends the message. */
	r = send_all(c, text, len + 1, fds, n_fds);
	if (r < 0 && !(flags & VL_CALL_ONEWAY))
		c->n_pending--;   /* never made, or the stream is out of step anyway */
	return r;
}

/* More bytes into the reader. */
static int fill(struct vl_client *c, uint64_t deadline)
{
	char buf[READ_CHUNK];
	ssize_t n;
	int r;

	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		r = wait_for(c->fd, POLLIN, deadline);
		if (r < 0)
			return r;
		return 0;
	}
	if (n < 0)
		return errno == ECONNRESET || errno == EPIPE ? (c->broken = -ECONNRESET) : -errno;
	if (n == 0)
		return c->broken = -ECONNRESET;
	r = vl_reader_feed(&c->reader, buf, (size_t)n);
	if (r == -EMSGSIZE)
		c->broken = r;
	return r;
}

/*
 * A reply has parameters (an object; null reads as {}, as systemd allows),
 * continues (bool) and error (a name); nothing else. It must answer the oldest call awaiting one: only a
 * "more" call may get continues, and an error is always final.
 */
static int check_reply(const struct vl_client *c, json_t *reply, json_t **ret_params,
		       const char **ret_error, bool *ret_continues)
{
	json_t *params, *cont, *err;
	const char *key;
	json_t *v;

	if (!json_is_object(reply) || c->n_pending == 0)
		return -EBADMSG;
	json_object_foreach(reply, key, v)
		if (strcmp(key, "parameters") && strcmp(key, "continues") && strcmp(key, "error"))
			return -EBADMSG;
	params = json_object_get(reply, "parameters");
	if (json_is_null(params))
		params = NULL;
	cont = json_object_get(reply, "continues");
	err = json_object_get(reply, "error");
	if ((params && !json_is_object(params)) || (cont && !json_is_boolean(cont)) ||
	    (err && (!json_is_string(err) || !vl_qualified_name_is_valid(json_string_value(err)))))
		return -EBADMSG;
	if (json_is_true(cont) && (err || !c->pending[0]))
		return -EBADMSG;
	*ret_params = params ? json_incref(params) : json_object();
	*ret_error = err ? json_string_value(err) : NULL;
	*ret_continues = json_is_true(cont);
	return *ret_params ? 0 : -ENOMEM;
}

/* The next whole message, waiting for it until deadline. */
static int next_message(struct vl_client *c, uint64_t deadline, const char **ret, size_t *ret_len)
{
	for (;;) {
		int r = vl_reader_next(&c->reader, ret, ret_len);

		if (r != 0)
			return r < 0 ? (c->broken = r) : 0;
		r = fill(c, deadline);
		if (r < 0)
			return r;
	}
}

int vl_client_read(struct vl_client *c, json_t **ret_parameters, const char **ret_error,
		   bool *ret_continues)
{
	_cleanup_json_ json_t *reply = NULL;
	const char *msg, *err;
	json_t *params;
	bool cont;
	size_t len;
	int r;

	assert(c);
	assert(ret_parameters);
	assert(ret_error);
	if (c->broken)
		return c->broken;
	if (c->n_pending == 0)
		return -ENOMSG;
	r = next_message(c, deadline_of(c), &msg, &len);
	if (r < 0)
		return r;
	reply = json_loadb(msg, len, JSON_REJECT_DUPLICATES, NULL);
	if (!reply)
		return c->broken = -EBADMSG;
	r = check_reply(c, reply, &params, &err, &cont);
	if (r < 0)
		return r == -EBADMSG ? (c->broken = r) : r;
	free(c->error);
	c->error = err ? strdup(err) : NULL;
	if (err && !c->error) {
		json_decref(params);
		return -ENOMEM;
	}
	if (!cont)
		pending_pop(c);
	*ret_parameters = params;
	*ret_error = c->error;
	if (ret_continues)
		*ret_continues = cont;
	return 0;
}

int vl_client_call(struct vl_client *c, const char *method, json_t *parameters,
		   const int *fds, size_t n_fds, json_t **ret_parameters, const char **ret_error)
{
	int r;

	assert(c);
	/* Replies come in call order: with calls still open, the next one is not ours. */
	if (c->n_pending > 0) {
		json_decref(parameters);
		return -EBUSY;
	}
	r = vl_client_send(c, method, parameters, 0, fds, n_fds);
	if (r < 0)
		return r;
	return vl_client_read(c, ret_parameters, ret_error, NULL);
}
