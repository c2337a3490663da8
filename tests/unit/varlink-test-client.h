/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the varlink server unit tests: a served test interface, a
 * server on a real AF_UNIX socket whose sd-event loop runs in the test's
 * thread and is stepped while a client waits, and a blocking client.
 */
#ifndef VARLINK_TEST_CLIENT_H
#define VARLINK_TEST_CLIENT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vl-server.h"
#include "xl-util.h"

#define IFACE "org.example.test"
#define STEP_USEC 20000ULL
#define WAIT_MS 5000

static const char test_description[] =
	"interface org.example.test\n"
	"method Echo(id: int) -> (id: int)\n"
	"method Count(n: int) -> (i: int)\n"
	"method Fail(errno: int) -> ()\n"
	"method WhoAmI() -> (uid: int, pid: int)\n"
	"method Hold() -> (i: int)\n"
	"method Flood(n: int, size: int) -> (blob: string)\n"
	"method Fds() -> (n: int, cloexec: bool, text: ?string)\n";

struct env {
	char dir[64];
	char path[128];
	sd_event *event;
	struct vl_server *server;
	unsigned oneway_seen;
	struct vl_link *held;    /* Hold: a stream answered from outside its handler */
	int flood_result;
	unsigned fds_seen;       /* Fds: fds handed to calls, all told */
};

struct client {
	int fd;
	char buf[1 << 16];
	size_t len;
};

/* ---- the served interface ---- */

struct n_params {
	int64_t n;
	int64_t size;
};

static const struct vl_field n_table[] = {
	{ "n", VL_INTEGER, vl_parse_int64, offsetof(struct n_params, n), VL_MANDATORY },
	{ "size", VL_INTEGER, vl_parse_int64, offsetof(struct n_params, size), 0 },
	{}
};

static inline int m_echo(struct vl_link *l, json_t *params, unsigned flags, void *userdata)
{
	struct env *env = userdata;

	if (flags & VL_CALL_ONEWAY)
		env->oneway_seen++;
	return vl_link_reply(l, json_pack("{s:O}", "id", json_object_get(params, "id") ?: json_null()));
}

static inline int m_count(struct vl_link *l, json_t *params,
			  unsigned flags _unused_, void *userdata _unused_)
{
	struct n_params p = {};
	int r;

	r = vl_link_dispatch(l, params, n_table, &p);
	if (r != 0)
		return r;
	for (int64_t i = 0; i < p.n - 1; i++) {
		r = vl_link_reply_more(l, json_pack("{s:I}", "i", (json_int_t)i));
		if (r < 0)
			return r;
	}
	return vl_link_reply(l, json_pack("{s:I}", "i", (json_int_t)(p.n - 1)));
}

static inline int m_fail(struct vl_link *l _unused_, json_t *params, unsigned flags _unused_,
			 void *userdata _unused_)
{
	return -(int)json_integer_value(json_object_get(params, "errno"));
}

static inline int m_whoami(struct vl_link *l, json_t *params _unused_, unsigned flags _unused_,
			   void *userdata _unused_)
{
	struct ucred uc;

	assert_int_equal(vl_link_get_peer(l, &uc), 0);
	return vl_link_reply(l, json_pack("{s:i,s:i}", "uid", (int)uc.uid, "pid", (int)uc.pid));
}

static inline int m_hold(struct vl_link *l, json_t *params _unused_,
			 unsigned flags _unused_, void *userdata)
{
	struct env *env = userdata;

	env->held = vl_link_ref(l);
	return vl_link_reply_more(l, json_pack("{s:i}", "i", 0));
}

static inline int m_flood(struct vl_link *l, json_t *params,
			  unsigned flags _unused_, void *userdata)
{
	struct env *env = userdata;
	struct n_params p = { .size = 1 };
	char *blob;
	int r = 0;

	r = vl_link_dispatch(l, params, n_table, &p);
	if (r != 0)
		return r;
	blob = malloc((size_t)p.size + 1);
	assert_non_null(blob);
	memset(blob, 'x', (size_t)p.size);
	blob[p.size] = '\0';
	for (int64_t i = 0; i < p.n && r >= 0; i++)
		r = vl_link_reply_more(l, json_pack("{s:s}", "blob", blob));
	if (r >= 0)
		r = vl_link_reply(l, NULL);
	free(blob);
	env->flood_result = r;
	return r;
}

/*
 * Fds: how many fds came with the call, whether all are close-on-exec,
 * and what can be read from the first one now (null if nothing).
 */
static inline int m_fds(struct vl_link *l, json_t *params _unused_, unsigned flags _unused_,
			void *userdata)
{
	struct env *env = userdata;
	unsigned n = vl_link_n_fds(l);
	bool cloexec = true;
	char text[64] = "";
	ssize_t k = -1;

	env->fds_seen += n;
	for (unsigned i = 0; i < n; i++) {
		int fd = vl_link_peek_fd(l, i);

		cloexec = cloexec && fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC);
	}
	if (n > 0) {
		struct pollfd p = { .fd = vl_link_peek_fd(l, 0), .events = POLLIN };

		if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
			k = read(p.fd, text, sizeof(text) - 1);
	}
	if (k >= 0)
		text[k] = '\0';
	return vl_link_reply(l, json_pack("{s:i,s:b,s:s?}", "n", (int)n, "cloexec", cloexec,
					  "text", k >= 0 ? text : NULL));
}

static const struct vl_method test_methods[] = {
	{ IFACE ".Echo", m_echo, 0 },
	{ IFACE ".Count", m_count, VL_METHOD_REQUIRES_MORE },
	{ IFACE ".Fail", m_fail, 0 },
	{ IFACE ".WhoAmI", m_whoami, 0 },
	{ IFACE ".Hold", m_hold, VL_METHOD_REQUIRES_MORE },
	{ IFACE ".Flood", m_flood, VL_METHOD_REQUIRES_MORE },
	{ IFACE ".Fds", m_fds, 0 },
	{ IFACE ".Declared", NULL, 0 },
	{}
};

/* ---- harness ---- */

static inline void env_start(struct env *env, const struct vl_server_opts *opts)
{
	struct stat st;

	*env = (struct env){ .flood_result = 1 };
	snprintf(env->dir, sizeof(env->dir), "/tmp/test-vl-server.XXXXXX");
	assert_non_null(mkdtemp(env->dir));
	snprintf(env->path, sizeof(env->path), "%s/io.test", env->dir);

	assert_int_equal(sd_event_new(&env->event), 0);
	assert_int_equal(vl_server_new(&env->server, opts), 0);
	assert_int_equal(vl_server_add_methods(env->server, IFACE, test_description,
					       test_methods, env), 0);
	assert_int_equal(vl_server_listen_address(env->server, env->path, 0660), 0);
	assert_int_equal(vl_server_attach_event(env->server, env->event, 0), 0);
	assert_int_equal(stat(env->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
}

static inline void env_stop(struct env *env)
{
	env->held = vl_link_unref(env->held);
	env->server = vl_server_free(env->server);
	env->event = sd_event_unref(env->event);
	unlink(env->path);
	rmdir(env->dir);
}

static inline void pump(struct env *env)
{
	assert_true(sd_event_run(env->event, STEP_USEC) >= 0);
}

static inline void pump_for(struct env *env, unsigned ms)
{
	for (unsigned i = 0; i < ms * 1000 / STEP_USEC; i++)
		pump(env);
}

static inline struct client *client_new(struct env *env)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct client *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	strcpy(sa.sun_path, env->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump(env);   /* accept */
	return c;
}

static inline void client_free(struct client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

/* Write everything, stepping the server whenever the socket is full. */
static inline void client_send_raw(struct env *env, struct client *c, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);

		if (k < 0) {
			assert_int_equal(errno, EAGAIN);
			pump(env);
			continue;
		}
		p += k;
		n -= (size_t)k;
	}
}

/* A message with its NUL. */
static inline void client_send(struct env *env, struct client *c, const char *msg)
{
	client_send_raw(env, c, msg, strlen(msg) + 1);
}

/* One sendmsg of data with fds (may be none) on its first byte; what sendmsg returns. */
static inline ssize_t send_with_fds(int sock, const void *data, size_t len, const int *fds,
				    size_t n_fds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 256)];
	} control = {};
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	assert_true(n_fds <= 256);
	if (n_fds > 0) {
		struct cmsghdr *cm;

		mh.msg_control = &control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n_fds);
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL);
}

/* A (small) message with its NUL, the fds riding on its first byte. */
static inline void client_send_fds(struct client *c, const char *msg, const int *fds, size_t n)
{
	assert_int_equal(send_with_fds(c->fd, msg, strlen(msg) + 1, fds, n),
			 (ssize_t)strlen(msg) + 1);
}

/*
 * Next message from the server, stepping it until one arrives. NULL at
 * EOF (or a reset), and fail the test after WAIT_MS.
 */
static inline json_t *client_recv(struct env *env, struct client *c)
{
	for (unsigned i = 0; i < WAIT_MS * 1000 / STEP_USEC; i++) {
		char *nul = memchr(c->buf, 0, c->len);
		ssize_t k;

		if (nul) {
			size_t n = (size_t)(nul - c->buf);
			json_t *j = json_loadb(c->buf, n, 0, NULL);

			assert_non_null(j);
			memmove(c->buf, nul + 1, c->len - n - 1);
			c->len -= n + 1;
			return j;
		}
		assert_true(c->len < sizeof(c->buf));
		k = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
		if (k == 0 || (k < 0 && errno == ECONNRESET))
			return NULL;
		if (k > 0) {
			c->len += (size_t)k;
			continue;
		}
		assert_int_equal(errno, EAGAIN);
		pump(env);
	}
	fail_msg("no reply from the server");
	return NULL;
}

/* The server hung up on us, with no reply first. */
static inline void assert_closed(struct env *env, struct client *c)
{
	json_t *j = client_recv(env, c);

	if (j) {
		char *s = json_dumps(j, 0);

		fail_msg("expected the connection closed, got %s", s);
	}
}

static inline json_t *call(struct env *env, struct client *c, const char *msg)
{
	client_send(env, c, msg);
	return client_recv(env, c);
}

static inline void assert_error(json_t *reply, const char *name)
{
	assert_non_null(reply);
	assert_string_equal(json_string_value(json_object_get(reply, "error")), name);
}

static inline int64_t int_param(json_t *reply, const char *key)
{
	json_t *p = json_object_get(reply, "parameters");

	assert_non_null(reply);
	assert_null(json_object_get(reply, "error"));
	assert_true(json_is_integer(json_object_get(p, key)));
	return json_integer_value(json_object_get(p, key));
}

static const char get_info[] = "{\"method\":\"org.varlink.service.GetInfo\"}";

/* Client c gets GetInfo answered without an error. */
static inline void assert_get_info_ok(struct env *env, struct client *c)
{
	json_t *r = call(env, c, get_info);

	assert_non_null(r);
	assert_null(json_object_get(r, "error"));
	json_decref(r);
}

/* A fresh client gets GetInfo answered: the server still serves. */
static inline void assert_serving(struct env *env)
{
	struct client *c = client_new(env);

	assert_get_info_ok(env, c);
	client_free(c);
}

/*
 * A client connected with another effective uid (SO_PEERCRED reports the
 * euid at connect time): uid 0 is exempt from the per-uid limits.
 */
static inline struct client *client_new_as(struct env *env, uid_t uid)
{
	struct client *c;

	assert_int_equal(chmod(env->dir, 0755), 0);
	assert_int_equal(chmod(env->path, 0666), 0);
	assert_int_equal(seteuid(uid), 0);
	c = client_new(env);
	assert_int_equal(seteuid(0), 0);
	return c;
}

static const struct vl_server_opts default_opts = {
	.sz = sizeof(default_opts),
	.vendor = "xdplink",
	.product = "test-varlink-server",
	.version = "1",
	.url = "https://example.org/xdplink",
};

#endif
