/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink client: a blocking connection that sends calls (with fds) and reads replies. */
#include <assert.h>
#include <errno.h>
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

struct vl_client {
	int fd;
	uint64_t timeout_usec;
	struct vl_reader reader;
	char *error;		/* of the last reply read */
};

int vl_client_new_fd(struct vl_client **ret, int fd, uint64_t timeout_usec)
{
	struct vl_client *c = calloc(1, sizeof(*c));

	assert(ret);
	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->timeout_usec = timeout_usec;
	vl_reader_init(&c->reader, VL_MESSAGE_MAX);
	*ret = c;
	return 0;
}

int vl_client_connect(struct vl_client **ret, const char *path, uint64_t timeout_usec)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -EBADF;
	int r;

	assert(path);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	r = vl_client_new_fd(ret, fd, timeout_usec);
	if (r == 0)
		fd = -EBADF;
	return r;
}

struct vl_client *vl_client_free(struct vl_client *c)
{
	if (!c)
		return NULL;
	safe_close(c->fd);
	vl_reader_done(&c->reader);
	free(c->error);
	free(c);
	return NULL;
}

void vl_client_freep(struct vl_client **c)
{
	*c = vl_client_free(*c);
}

int vl_client_fd(const struct vl_client *c)
{
	return c->fd;
}

/* The first chunk carries the fds, so that they arrive with the call's first byte. */
static int send_all(int fd, const char *buf, size_t len, const int *fds, size_t n_fds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * VL_FDS_MAX)];
	} control;
	size_t off = 0;

	if (n_fds > VL_FDS_MAX)
		return -E2BIG;
	while (off < len) {
		struct iovec iov = { .iov_base = (char *)buf + off, .iov_len = len - off };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (off == 0 && n_fds) {
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
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
		off += (size_t)n;
	}
	return 0;
}

int vl_client_send(struct vl_client *c, const char *method, json_t *parameters,
		   unsigned flags, const int *fds, size_t n_fds)
{
	_cleanup_json_ json_t *params = parameters ? parameters : json_object();
	_cleanup_json_ json_t *call = NULL;
	_cleanup_free_ char *text = NULL;

	assert(c);
	assert(method);
	if (!params)
		return -ENOMEM;
	if (!json_is_object(params) || !vl_qualified_name_is_valid(method) ||
	    (flags & VL_CALL_ONEWAY && flags & VL_CALL_MORE))
		return -EINVAL;
	call = json_pack("{s:s,s:O}", "method", method, "parameters", params);
	if (!call)
		return -ENOMEM;
	if ((flags & VL_CALL_ONEWAY && json_object_set_new(call, "oneway", json_true()) < 0) ||
	    (flags & VL_CALL_MORE && json_object_set_new(call, "more", json_true()) < 0))
		return -ENOMEM;
	text = json_dumps(call, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	if (strlen(text) > VL_MESSAGE_MAX)
		return -EMSGSIZE;
	/* The NUL ends the message. */
	return send_all(c->fd, text, strlen(text) + 1, fds, n_fds);
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

/* Wait for input until deadline (0: forever). */
static int wait_readable(int fd, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

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
		if (r == 0)
			return -ETIMEDOUT;
		/* A signal ends the wait: the caller decides whether to go on. */
		return -errno;
	}
}

static int fill(struct vl_client *c, uint64_t deadline)
{
	char buf[65536];
	ssize_t n;
	int r;

	r = wait_readable(c->fd, deadline);
	if (r < 0)
		return r;
	n = recv(c->fd, buf, sizeof(buf), MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	return vl_reader_feed(&c->reader, buf, (size_t)n);
}

/* A reply has parameters (an object), continues (bool) and error (a name); nothing else. */
static int check_reply(json_t *reply, json_t **ret_params, const char **ret_error,
		       bool *ret_continues)
{
	json_t *params, *cont, *err;
	const char *key;
	json_t *v;

	if (!json_is_object(reply))
		return -EBADMSG;
	json_object_foreach(reply, key, v)
		if (strcmp(key, "parameters") && strcmp(key, "continues") && strcmp(key, "error"))
			return -EBADMSG;
	params = json_object_get(reply, "parameters");
	cont = json_object_get(reply, "continues");
	err = json_object_get(reply, "error");
	if ((params && !json_is_object(params)) || (cont && !json_is_boolean(cont)) ||
	    (err && (!json_is_string(err) || !vl_qualified_name_is_valid(json_string_value(err)))))
		return -EBADMSG;
	*ret_params = params ? json_incref(params) : json_object();
	*ret_error = err ? json_string_value(err) : NULL;
	*ret_continues = cont && json_is_true(cont);
	return *ret_params ? 0 : -ENOMEM;
}

int vl_client_read(struct vl_client *c, json_t **ret_parameters, const char **ret_error,
		   bool *ret_continues)
{
	uint64_t deadline = c->timeout_usec ? now_usec() + c->timeout_usec : 0;
	_cleanup_json_ json_t *reply = NULL;
	const char *msg, *err;
	json_t *params;
	bool cont;
	size_t len;
	int r;

	assert(c);
	for (;;) {
		r = vl_reader_next(&c->reader, &msg, &len);
		if (r < 0)
			return r;
		if (r > 0)
			break;
		r = fill(c, deadline);
		if (r < 0)
			return r;
	}
	reply = json_loadb(msg, len, JSON_REJECT_DUPLICATES, NULL);
	if (!reply)
		return -EBADMSG;
	r = check_reply(reply, &params, &err, &cont);
	if (r < 0)
		return r;
	free(c->error);
	c->error = err ? strdup(err) : NULL;
	if (err && !c->error) {
		json_decref(params);
		return -ENOMEM;
	}
	*ret_parameters = params;
	*ret_error = c->error;
	if (ret_continues)
		*ret_continues = cont;
	return 0;
}

int vl_client_call(struct vl_client *c, const char *method, json_t *parameters,
		   const int *fds, size_t n_fds, json_t **ret_parameters, const char **ret_error)
{
	bool cont;
	int r;

	r = vl_client_send(c, method, parameters, 0, fds, n_fds);
	if (r < 0)
		return r;
	r = vl_client_read(c, ret_parameters, ret_error, &cont);
	if (r == 0 && cont) {
		/* A plain call must get exactly one reply. */
		json_decref(*ret_parameters);
		return -EBADMSG;
	}
	return r;
}
