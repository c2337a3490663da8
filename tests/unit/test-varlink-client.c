/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the blocking varlink client. Against our server, whose
 * sd-event loop runs in a second thread (the client blocks, so it cannot
 * step the loop itself), and against a scripted peer on a socketpair that
 * sends exactly the bytes a test needs, broken replies included.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "varlink-test-client.h"
#include "vl-client.h"

#define TIMEOUT_USEC (5ULL * 1000000ULL)

/* ---- our server in a thread of its own ---- */

struct served {
	struct env env;
	pthread_t thread;
	int stop_fd;
};

static int on_stop(sd_event_source *s, int fd _unused_, uint32_t revents _unused_,
		   void *userdata _unused_)
{
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static void *serve(void *p)
{
	struct served *sv = p;

	(void)sd_event_loop(sv->env.event);
	return NULL;
}

/* Everything is set up here; from then on only the server thread touches the loop. */
static void served_start(struct served *sv, const struct vl_server_opts *opts)
{
	env_start(&sv->env, opts);
	sv->stop_fd = eventfd(0, EFD_CLOEXEC);
	assert_true(sv->stop_fd >= 0);
	assert_true(sd_event_add_io(sv->env.event, NULL, sv->stop_fd, EPOLLIN, on_stop, NULL) >= 0);
	assert_int_equal(pthread_create(&sv->thread, NULL, serve, sv), 0);
}

static void served_stop(struct served *sv)
{
	assert_int_equal(eventfd_write(sv->stop_fd, 1), 0);
	assert_int_equal(pthread_join(sv->thread, NULL), 0);
	close(sv->stop_fd);
	env_stop(&sv->env);
}

static struct vl_client *connect_to(struct served *sv, uint64_t timeout_usec)
{
	struct vl_client *c = NULL;

	assert_int_equal(vl_client_connect(&c, sv->env.path, timeout_usec), 0);
	return c;
}

static const struct vl_server_opts fd_opts = {
	.sz = sizeof(fd_opts),
	.product = "test-varlink-client",
	.allow_fd_passing = true,
};

static json_t *echo_params(int id)
{
	return json_pack("{s:i}", "id", id);
}

/* Read one reply that must succeed; its parameters. */
static json_t *read_ok(struct vl_client *c, bool *ret_continues)
{
	const char *error = "unset";
	json_t *p = NULL;

	assert_int_equal(vl_client_read(c, &p, &error, ret_continues), 0);
	assert_null(error);
	assert_true(json_is_object(p));
	return p;
}

static int64_t int_of(json_t *p, const char *key)
{
	assert_true(json_is_integer(json_object_get(p, key)));
	return json_integer_value(json_object_get(p, key));
}

/* ---- against our server ---- */

/* Plain calls: answers, error replies with their parameters, errno mapping. */
static void test_call(void **state _unused_)
{
	struct served sv;
	struct vl_client *c;
	const char *error;
	json_t *p;

	served_start(&sv, &default_opts);
	c = connect_to(&sv, TIMEOUT_USEC);
	assert_int_equal(vl_client_call(c, "org.varlink.service.GetInfo", NULL, NULL, 0, &p,
					&error), 0);
	assert_null(error);
	assert_string_equal(json_string_value(json_object_get(p, "product")), "test-varlink-server");
	json_decref(p);

	assert_int_equal(vl_client_call(c, IFACE ".Nope", NULL, NULL, 0, &p, &error), 0);
	assert_string_equal(error, VL_ERROR_METHOD_NOT_FOUND);
	assert_string_equal(json_string_value(json_object_get(p, "method")), IFACE ".Nope");
	json_decref(p);

	assert_int_equal(vl_client_call(c, IFACE ".Fail", json_pack("{s:i}", "errno", EIO), NULL,
					0, &p, &error), 0);
	assert_string_equal(error, VL_ERROR_SYSTEM);
	assert_string_equal(json_string_value(json_object_get(p, "errnoName")), "EIO");
	json_decref(p);

	assert_int_equal(vl_client_call(c, IFACE ".Echo", echo_params(5), NULL, 0, &p, &error), 0);
	assert_int_equal(int_of(p, "id"), 5);
	json_decref(p);
	assert_int_equal(vl_client_pending(c), 0);
	vl_client_free(c);
	served_stop(&sv);
}

/* Pipelined calls of every kind: replies in call order, oneway ones get none. */
static void test_pipelined(void **state _unused_)
{
	const char *error;
	struct served sv;
	struct vl_client *c;
	bool cont;
	json_t *p;

	served_start(&sv, &default_opts);
	c = connect_to(&sv, TIMEOUT_USEC);
	assert_int_equal(vl_client_send(c, IFACE ".Echo", echo_params(1), 0, NULL, 0), 0);
	assert_int_equal(vl_client_send(c, IFACE ".Count", json_pack("{s:i}", "n", 3),
					VL_CALL_MORE, NULL, 0), 0);
	assert_int_equal(vl_client_send(c, IFACE ".Echo", echo_params(2), VL_CALL_ONEWAY, NULL,
					0), 0);
	assert_int_equal(vl_client_send(c, IFACE ".Echo", echo_params(3), 0, NULL, 0), 0);
	assert_int_equal(vl_client_pending(c), 3);
	/* A plain call now would read someone else's reply. */
	assert_int_equal(vl_client_call(c, IFACE ".Echo", echo_params(9), NULL, 0, &p, &error),
			 -EBUSY);

	p = read_ok(c, &cont);
	assert_int_equal(int_of(p, "id"), 1);
	assert_false(cont);
	json_decref(p);
	for (int i = 0; i < 3; i++) {
		p = read_ok(c, &cont);
		assert_int_equal(int_of(p, "i"), i);
		assert_int_equal(cont, i < 2);
		json_decref(p);
	}
	p = read_ok(c, &cont);
	assert_int_equal(int_of(p, "id"), 3);
	json_decref(p);
	assert_int_equal(vl_client_pending(c), 0);
	assert_int_equal(vl_client_read(c, &p, &error, &cont), -ENOMSG);
	vl_client_free(c);
	assert_int_equal(sv.env.oneway_seen, 1);
	served_stop(&sv);
}

/* A pipe read end holding text. */
static int pipe_with(const char *text)
{
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	return p[0];
}

/* Fds reach the server with the call they were sent with, pipelined or not. */
static void test_send_fds(void **state _unused_)
{
	const char *texts[] = { "first", "second", NULL };
	struct served sv;
	struct vl_client *c;
	int fds[3];
	json_t *p;

	served_start(&sv, &fd_opts);
	c = connect_to(&sv, TIMEOUT_USEC);
	fds[0] = pipe_with("first");
	fds[1] = pipe_with("second");
	fds[2] = pipe_with("third");
	assert_int_equal(vl_client_send(c, IFACE ".Fds", NULL, 0, fds, 1), 0);
	assert_int_equal(vl_client_send(c, IFACE ".Fds", NULL, 0, fds + 1, 2), 0);
	assert_int_equal(vl_client_send(c, IFACE ".Fds", NULL, 0, NULL, 0), 0);
	for (int i = 0; i < 3; i++) {
		p = read_ok(c, NULL);
		assert_int_equal(int_of(p, "n"), i == 2 ? 0 : i + 1);
		if (texts[i])
			assert_string_equal(json_string_value(json_object_get(p, "text")), texts[i]);
		else
			assert_true(json_is_null(json_object_get(p, "text")));
		json_decref(p);
	}
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	vl_client_free(c);
	served_stop(&sv);
}

/* No reply within the timeout: -ETIMEDOUT, not sooner, and the call stays pending. */
static void test_read_timeout(void **state _unused_)
{
	struct timespec t0, t1;
	const char *error;
	struct served sv;
	struct vl_client *c;
	json_t *p;
	long ms;

	served_start(&sv, &default_opts);
	c = connect_to(&sv, 200000);
	assert_int_equal(vl_client_send(c, IFACE ".Hold", NULL, VL_CALL_MORE, NULL, 0), 0);
	json_decref(read_ok(c, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(vl_client_read(c, &p, &error, NULL), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 195 && ms < 2000);
	assert_int_equal(vl_client_pending(c), 1);
	vl_client_free(c);
	served_stop(&sv);
}

/* Arguments refused before anything is sent. */
static void test_bad_arguments(void **state _unused_)
{
	int fds[VL_FDS_MAX + 1] = {};
	struct vl_client *c = NULL;
	char path[200];
	struct served sv;
	json_t *p;

	assert_int_equal(vl_client_connect(&c, "/nonexistent/sock", 0), -ENOENT);
	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(vl_client_connect(&c, path, 0), -ENAMETOOLONG);
	assert_int_equal(vl_client_new_fd(&c, -1, 0), -EBADF);
	assert_null(c);

	served_start(&sv, &default_opts);
	c = connect_to(&sv, TIMEOUT_USEC);
	assert_int_equal(vl_client_send(c, "Echo", NULL, 0, NULL, 0), -EINVAL);
	assert_int_equal(vl_client_send(c, IFACE ".echo", NULL, 0, NULL, 0), -EINVAL);
	assert_int_equal(vl_client_send(c, IFACE ".Echo", json_array(), 0, NULL, 0), -EINVAL);
	assert_int_equal(vl_client_send(c, IFACE ".Echo", NULL, VL_CALL_ONEWAY | VL_CALL_MORE,
					NULL, 0), -EINVAL);
	assert_int_equal(vl_client_send(c, IFACE ".Echo", NULL, VL_CALL_UPGRADE, NULL, 0), -EINVAL);
	assert_int_equal(vl_client_send(c, IFACE ".Echo", NULL, 0, fds, VL_FDS_MAX + 1), -E2BIG);
	assert_int_equal(vl_client_pending(c), 0);
	/* Still in step. */
	assert_int_equal(vl_client_send(c, IFACE ".Echo", echo_params(4), 0, NULL, 0), 0);
	p = read_ok(c, NULL);
	assert_int_equal(int_of(p, "id"), 4);
	json_decref(p);
	vl_client_free(c);
	served_stop(&sv);
}

/* ---- against a scripted peer ---- */

struct peer {
	struct vl_client *c;
	int fd;          /* the server's end */
};

static void peer_new(struct peer *p, uint64_t timeout_usec)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(vl_client_new_fd(&p->c, sv[0], timeout_usec), 0);
	p->fd = sv[1];
}

static void peer_free(struct peer *p)
{
	p->c = vl_client_free(p->c);
	p->fd = safe_close(p->fd);
}

static void peer_write(struct peer *p, const void *data, size_t n)
{
	assert_int_equal(write(p->fd, data, n), (ssize_t)n);
}

/* The reply text with its NUL. */
static void peer_reply(struct peer *p, const char *text)
{
	peer_write(p, text, strlen(text) + 1);
}

/* Drain what the client sent, so that the socket never fills. */
static void peer_drain(struct peer *p)
{
	char buf[4096];

	while (recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/*
 * Replies that are not varlink: -EBADMSG, and the connection is out of
 * step for good. Each is sent in answer to a plain call unless it starts
 * with "more:".
 */
static void test_strict_replies(void **state _unused_)
{
	static const char *const bad[] = {
		"{\"parameters\":{},\"extra\":1}",
		"{\"parameters\":{},\"method\":\"a.b.C\"}",
		"[]",
		"\"parameters\"",
		"{\"parameters\":[]}",
		"{\"continues\":\"yes\"}",
		"{\"error\":42}",
		"{\"error\":\"NotQualified\"}",
		"{\"parameters\":{},\"continues\":true}",
		"more:{\"error\":\"a.b.C\",\"continues\":true}",
		"{\"parameters\":{},\"parameters\":{}}",
		"{\"parameters\":{\"s\":\"\\u0000\"}}",
		"{\"parameters\":{\"s\":\"\xc3\x28\"}}",
		"{\"parameters\":{}} trailing",
		"{\"parameters\":",
		"",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		bool more = strncmp(bad[i], "more:", 5) == 0;
		const char *error;
		struct peer p;
		json_t *params;

		peer_new(&p, TIMEOUT_USEC);
		assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, more ? VL_CALL_MORE : 0,
						NULL, 0), 0);
		peer_reply(&p, bad[i] + (more ? 5 : 0));
		if (vl_client_read(p.c, &params, &error, NULL) != -EBADMSG)
			fail_msg("reply %zu (%s) was not refused", i, bad[i]);
		/* Out of step for good: no later reply can be trusted. */
		peer_reply(&p, "{\"parameters\":{}}");
		assert_int_equal(vl_client_read(p.c, &params, &error, NULL), -EBADMSG);
		assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), -EBADMSG);
		peer_free(&p);
	}
}

/* Replies the protocol allows, the sparse ones included. */
static void test_lenient_where_allowed(void **state _unused_)
{
	static const char three[] = "{\"continues\":true}\0"
				    "{\"continues\":false,\"parameters\":{\"a\":1}}\0"
				    "{\"parameters\":null}";
	const char *error;
	struct peer p;
	json_t *params;
	bool cont;

	peer_new(&p, TIMEOUT_USEC);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, VL_CALL_MORE, NULL, 0), 0);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), 0);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), 0);
	assert_int_equal(vl_client_pending(p.c), 3);
	/* Three replies in one write (two calls' worth); parameters absent or null read as {}. */
	peer_write(&p, three, sizeof(three));
	params = read_ok(p.c, &cont);
	assert_true(cont);
	assert_int_equal(json_object_size(params), 0);
	json_decref(params);
	assert_int_equal(vl_client_pending(p.c), 3);
	params = read_ok(p.c, &cont);
	assert_false(cont);
	assert_int_equal(int_of(params, "a"), 1);
	json_decref(params);
	params = read_ok(p.c, &cont);
	assert_int_equal(json_object_size(params), 0);
	json_decref(params);
	assert_int_equal(vl_client_pending(p.c), 1);

	/* An error, with parameters, for the third call. */
	peer_reply(&p, "{\"error\":\"a.b.Failed\",\"parameters\":{\"why\":\"x\"}}");
	assert_int_equal(vl_client_read(p.c, &params, &error, &cont), 0);
	assert_string_equal(error, "a.b.Failed");
	assert_string_equal(json_string_value(json_object_get(params, "why")), "x");
	assert_false(cont);
	json_decref(params);
	assert_int_equal(vl_client_pending(p.c), 0);
	peer_free(&p);
}

/* A reply in pieces: a read that times out midway keeps what came, the next completes it. */
static void test_partial_reply(void **state _unused_)
{
	static const char reply[] = "{\"parameters\":{\"id\":77}}";
	const char *error;
	struct peer p;
	json_t *params;

	peer_new(&p, 100000);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), 0);
	peer_write(&p, reply, 10);
	assert_int_equal(vl_client_read(p.c, &params, &error, NULL), -ETIMEDOUT);
	peer_write(&p, reply + 10, 5);
	assert_int_equal(vl_client_read(p.c, &params, &error, NULL), -ETIMEDOUT);
	peer_write(&p, reply + 15, sizeof(reply) - 15);
	params = read_ok(p.c, NULL);
	assert_int_equal(int_of(params, "id"), 77);
	json_decref(params);
	peer_free(&p);
}

/* The peer hangs up: reads and sends fail with -ECONNRESET from then on. */
static void test_hangup(void **state _unused_)
{
	const char *error;
	struct peer p;
	json_t *params;

	peer_new(&p, TIMEOUT_USEC);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), 0);
	peer_write(&p, "{\"param", 7);
	p.fd = safe_close(p.fd);
	assert_int_equal(vl_client_read(p.c, &params, &error, NULL), -ECONNRESET);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), -ECONNRESET);
	peer_free(&p);

	/* A send to a peer already gone. */
	peer_new(&p, TIMEOUT_USEC);
	p.fd = safe_close(p.fd);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), -ECONNRESET);
	assert_int_equal(vl_client_pending(p.c), 0);
	peer_free(&p);
}

/* Run fn(fd, arg) in a child on the peer's end; its exit status. */
static pid_t peer_fork(struct peer *p, int (*fn)(int fd, size_t arg), size_t arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		vl_client_free(p->c);   /* the child keeps the peer's end only */
		_exit(fn(p->fd, arg));
	}
	p->fd = safe_close(p->fd);
	return pid;
}

static int wait_child(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, buf, n, MSG_NOSIGNAL);

		if (k < 0)
			return -1;
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Peer: a reply whose message is exactly size bytes, then a NUL-less flood past the limit. */
static int send_big(int fd, size_t size)
{
	static const char head[] = "{\"parameters\":{\"s\":\"", tail[] = "\"}}";
	char *buf = malloc(size + 1);

	if (!buf)
		return 1;
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'x', size - (sizeof(head) - 1) - (sizeof(tail) - 1));
	memcpy(buf + size - (sizeof(tail) - 1), tail, sizeof(tail));
	if (write_all(fd, buf, size + 1) < 0)
		return 2;
	memset(buf, ' ', size + 1);
	(void)write_all(fd, buf, size + 1);   /* the client hangs up partway */
	free(buf);
	return 0;
}

/* The 16 MiB limit: a reply of exactly the limit is read, one byte past is -EMSGSIZE. */
static void test_size_limit(void **state _unused_)
{
	const char *error;
	struct peer p;
	json_t *params;
	pid_t pid;

	peer_new(&p, TIMEOUT_USEC);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), 0);
	pid = peer_fork(&p, send_big, VL_MESSAGE_MAX);
	params = read_ok(p.c, NULL);
	assert_int_equal(json_string_length(json_object_get(params, "s")), VL_MESSAGE_MAX - 23);
	json_decref(params);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), 0);
	assert_int_equal(vl_client_read(p.c, &params, &error, NULL), -EMSGSIZE);
	assert_int_equal(vl_client_read(p.c, &params, &error, NULL), -EMSGSIZE);
	peer_free(&p);
	assert_int_equal(wait_child(pid), 0);
}

/*
 * Peer: read a call slowly, in small pieces. The fd must come with the
 * very first piece and carry the text "fd"; the call must be size bytes
 * long and end at its NUL.
 */
static int read_slowly(int fd, size_t size)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} control;
	size_t total = 0;
	char buf[4096];
	int got = -1;

	for (bool first = true;; first = false) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = &control, .msg_controllen = sizeof(control) };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n <= 0)
			return 3;
		cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_type == SCM_RIGHTS) {
			if (!first)
				return 4;
			memcpy(&got, CMSG_DATA(cm), sizeof(int));
		}
		total += (size_t)n;
		if (buf[n - 1] == '\0')
			break;
		if (total % (256 * 1024) < sizeof(buf))
			usleep(1000);
	}
	if (got < 0 || read(got, buf, 2) != 2 || memcmp(buf, "fd", 2) != 0)
		return 5;
	return total == size ? 0 : 6;
}

/* A call far larger than the socket buffer goes out whole, its fd on the first byte. */
static void test_large_call_with_fd(void **state _unused_)
{
	static const char head[] = "{\"method\":\"a.b.C\",\"parameters\":{\"blob\":\"";
	static const char tail[] = "\"}}";   /* and its NUL ends the call */
	size_t n = 4U * 1024U * 1024U;
	char *blob = malloc(n + 1);
	struct peer p;
	pid_t pid;
	int fd;

	assert_non_null(blob);
	memset(blob, 'y', n);
	blob[n] = '\0';
	peer_new(&p, TIMEOUT_USEC);
	fd = pipe_with("fd");
	pid = peer_fork(&p, read_slowly, sizeof(head) - 1 + n + sizeof(tail));
	assert_int_equal(vl_client_send(p.c, "a.b.C", json_pack("{s:s}", "blob", blob), 0, &fd, 1),
			 0);
	close(fd);
	free(blob);
	assert_int_equal(wait_child(pid), 0);
	peer_free(&p);
}

/* A peer that never reads: a big send times out, and the stream is out of step. */
static void test_write_timeout(void **state _unused_)
{
	size_t n = 8U * 1024U * 1024U;
	char *blob = malloc(n + 1);
	struct peer p;

	assert_non_null(blob);
	memset(blob, 'z', n);
	blob[n] = '\0';
	peer_new(&p, 100000);
	assert_int_equal(vl_client_send(p.c, "a.b.C", json_pack("{s:s}", "blob", blob), 0, NULL, 0),
			 -ETIMEDOUT);
	peer_drain(&p);
	assert_int_equal(vl_client_send(p.c, "a.b.C", NULL, 0, NULL, 0), -ETIMEDOUT);
	free(blob);
	peer_free(&p);
}

/* Outgoing calls over the limit are refused whole, and nothing is sent. */
static void test_call_too_big(void **state _unused_)
{
	size_t n = VL_MESSAGE_MAX;
	char *blob = malloc(n + 1);
	struct peer p;
	char c;

	assert_non_null(blob);
	memset(blob, 'w', n);
	blob[n] = '\0';
	peer_new(&p, TIMEOUT_USEC);
	assert_int_equal(vl_client_send(p.c, "a.b.C", json_pack("{s:s}", "blob", blob), 0, NULL, 0),
			 -EMSGSIZE);
	assert_int_equal(recv(p.fd, &c, 1, MSG_DONTWAIT), -1);
	assert_int_equal(vl_client_pending(p.c), 0);
	free(blob);
	peer_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_send_fds),
		cmocka_unit_test(test_read_timeout),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_strict_replies),
		cmocka_unit_test(test_lenient_where_allowed),
		cmocka_unit_test(test_partial_reply),
		cmocka_unit_test(test_hangup),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_large_call_with_fd),
		cmocka_unit_test(test_write_timeout),
		cmocka_unit_test(test_call_too_big),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
