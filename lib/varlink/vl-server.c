/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink server: the server object, listening, accepting, limits and event attach. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vl-idl.h"
#include "vl-server-internal.h"
#include "xl-util.h"

#define ACCEPT_BURST 16
/* Out of fds: how long the listeners rest before accepting again. */
#define ACCEPT_RETRY_USEC (1000ULL * 1000ULL)

const struct vl_iface *vl_server_find_iface(const struct vl_server *s, const char *name,
					    size_t len)
{
	for (size_t i = 0; i < s->n_ifaces; i++)
		if (strlen(s->ifaces[i].name) == len && strncmp(s->ifaces[i].name, name, len) == 0)
			return &s->ifaces[i];
	return NULL;
}

static void server_vlog(struct vl_server *s, int level, const char *prefix, const char *fmt,
			va_list ap)
{
	_cleanup_free_ char *msg = NULL, *line = NULL;

	if (!s->opts.log || vasprintf(&msg, fmt, ap) < 0)
		return;
	if (asprintf(&line, "%s%s", prefix, msg) < 0)
		return;
	s->opts.log(level, line, s->opts.log_userdata);
}

void vl_server_log(struct vl_server *s, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	server_vlog(s, level, "varlink: ", fmt, ap);
	va_end(ap);
}

void vl_link_log(struct vl_link *l, int level, const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	if (!l->server)
		return;
	snprintf(prefix, sizeof(prefix), "varlink peer pid %d uid %u: ", (int)l->peer.pid,
		 (unsigned)l->peer.uid);
	va_start(ap, fmt);
	server_vlog(l->server, level, prefix, fmt, ap);
	va_end(ap);
}

static unsigned server_count_uid(const struct vl_server *s, uid_t uid)
{
	unsigned n = 0;

	for (const struct vl_link *l = s->links; l; l = l->next)
		n += l->peer.uid == uid;
	return n;
}

/* Takes the fd. Over a limit the connection is accepted and closed at once. */
static int server_add_link(struct vl_server *s, int fd_)
{
	_cleanup_close_ int fd = fd_;
	struct ucred peer = {};
	socklen_t sl = sizeof(peer);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &sl) < 0)
		return -errno;
	if (s->n_links >= s->opts.max_connections ||
	    server_count_uid(s, peer.uid) >= s->opts.max_connections_per_uid) {
		vl_server_log(s, LOG_DEBUG, "refusing pid %d uid %u: %u connections, at the limit",
			      (int)peer.pid, (unsigned)peer.uid, s->n_links);
		return -EUSERS;
	}

	return vl_link_new(s, TAKE_FD(fd), &peer);
}

#define IN_SET_ACCEPT_EXHAUSTED(e) \
	((e) == EMFILE || (e) == ENFILE || (e) == ENOBUFS || (e) == ENOMEM)

static void server_listeners_enable(struct vl_server *s, int how)
{
	for (size_t i = 0; i < s->n_listeners; i++)
		if (s->listeners[i].src)
			(void)sd_event_source_set_enabled(s->listeners[i].src, how);
}

static int on_accept_retry(sd_event_source *src _unused_, uint64_t usec _unused_, void *userdata)
{
	server_listeners_enable(userdata, SD_EVENT_ON);
	return 0;
}

/*
 * Out of fds or memory, the pending connection stays queued and the
 * listener stays readable: rest instead of spinning on it.
 */
static void server_accept_pause(struct vl_server *s)
{
	int r;

	r = sd_event_source_set_time_relative(s->accept_retry, ACCEPT_RETRY_USEC);
	if (r >= 0)
		r = sd_event_source_set_enabled(s->accept_retry, SD_EVENT_ONESHOT);
	if (r >= 0)
		server_listeners_enable(s, SD_EVENT_OFF);
}

static int on_listener_io(sd_event_source *src _unused_, int fd, uint32_t revents _unused_,
			  void *userdata)
{
	struct vl_server *s = userdata;

	for (int i = 0; i < ACCEPT_BURST; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (IN_SET_ACCEPT_EXHAUSTED(errno))
				server_accept_pause(s);
			break;   /* EAGAIN, or a connection that died while queued */
		}
		(void)server_add_link(s, cfd);
	}
	return 0;
}

static int server_add_iface(struct vl_server *s, const char *name, const char *description,
			    const struct vl_method *table, void *userdata)
{
	size_t nlen;
	struct vl_iface *p;

	if (!vl_interface_name_is_valid(name))
		return -EINVAL;
	/* A description strict peers cannot parse is a bug: refuse it here. */
	if (description) {
		char declared[256];

		if (vl_idl_validate(description, declared, sizeof(declared), NULL, NULL) < 0 ||
		    strcmp(declared, name) != 0)
			return -EINVAL;
	}
	nlen = strlen(name);
	for (const struct vl_method *m = table; m->method; m++)
		if (!vl_qualified_name_is_valid(m->method) || strncmp(m->method, name, nlen) != 0 ||
		    m->method[nlen] != '.' || strchr(m->method + nlen + 1, '.'))
			return -EINVAL;
	if (vl_server_find_iface(s, name, nlen))
		return -EEXIST;

	p = reallocarray(s->ifaces, s->n_ifaces + 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->ifaces = p;
	s->ifaces[s->n_ifaces++] = (struct vl_iface){
		.name = name,
		.description = description,
		.methods = table,
		.userdata = userdata,
	};
	return 0;
}

int vl_server_new(struct vl_server **ret, const struct vl_server_opts *opts)
{
	_cleanup_vl_server_ struct vl_server *s = NULL;
	int r;

	assert(ret);
	if (opts && opts->sz < sizeof(size_t))
		return -EINVAL;
	/* A newer caller's fields we do not know must be zero: no silent ignoring. */
	if (opts && opts->sz > sizeof(*opts))
		for (size_t i = sizeof(*opts); i < opts->sz; i++)
			if (((const char *)opts)[i])
				return -E2BIG;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (opts)
		memcpy(&s->opts, opts, opts->sz < sizeof(*opts) ? opts->sz : sizeof(*opts));
	s->opts.sz = sizeof(s->opts);
	if (!s->opts.max_connections)
		s->opts.max_connections = VL_CONNECTIONS_MAX;
	if (!s->opts.max_connections_per_uid)
		s->opts.max_connections_per_uid = VL_CONNECTIONS_PER_UID_MAX;
	if (!s->opts.idle_timeout_usec)
		s->opts.idle_timeout_usec = VL_IDLE_TIMEOUT_USEC;
	if (!s->opts.message_max)
		s->opts.message_max = VL_MESSAGE_MAX;
	if (!s->opts.write_queue_max)
		s->opts.write_queue_max = VL_WRITE_QUEUE_MAX;

	r = server_add_iface(s, SERVICE_INTERFACE, vl_service_description, vl_service_methods, s);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	return 0;
}

struct vl_server *vl_server_free(struct vl_server *s)
{
	if (!s)
		return NULL;
	while (s->links)
		vl_link_close(s->links);
	for (size_t i = 0; i < s->n_listeners; i++) {
		sd_event_source_disable_unref(s->listeners[i].src);
		safe_close(s->listeners[i].fd);
	}
	free(s->listeners);
	sd_event_source_disable_unref(s->accept_retry);
	free(s->ifaces);
	sd_event_unref(s->event);
	free(s);
	return NULL;
}

void vl_server_freep(struct vl_server **s)
{
	vl_server_free(*s);
}

unsigned vl_server_connections(const struct vl_server *s)
{
	assert(s);
	return s->n_links;
}

int vl_server_add_methods(struct vl_server *s, const char *interface, const char *description,
			  const struct vl_method *table, void *userdata)
{
	assert(s);
	assert(interface);
	assert(table);
	if (strcmp(interface, SERVICE_INTERFACE) == 0)
		return -EEXIST;
	return server_add_iface(s, interface, description, table, userdata);
}

static int listener_start(struct vl_server *s, struct vl_listener *ln)
{
	int r;

	r = sd_event_add_io(s->event, &ln->src, ln->fd, EPOLLIN, on_listener_io, s);
	if (r < 0)
		return r;
	return sd_event_source_set_priority(ln->src, s->priority);
}

int vl_server_listen_fd(struct vl_server *s, int fd_)
{
	_cleanup_close_ int fd = fd_;
	struct vl_listener *p;
	int flags, r, listening = 0;
	socklen_t sl = sizeof(listening);

	assert(s);
	if (fd < 0)
		return -EBADF;
	/* A connected socket here would be a unit file mistake (Accept=yes). */
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &sl) < 0)
		return -errno;
	if (!listening)
		return -EINVAL;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;

	p = reallocarray(s->listeners, s->n_listeners + 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->listeners = p;
	p[s->n_listeners] = (struct vl_listener){ .fd = fd, .src = NULL };
	if (s->event) {
		r = listener_start(s, &p[s->n_listeners]);
		if (r < 0) {
			p[s->n_listeners].src = sd_event_source_disable_unref(p[s->n_listeners].src);
			return r;
		}
	}
	s->n_listeners++;
	TAKE_FD(fd);
	return 0;
}

int vl_server_listen_address(struct vl_server *s, const char *path, mode_t mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -EBADF;
	struct stat st;

	assert(s);
	assert(path);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	/* Nobody can connect before listen(), so the mode is set in time. */
	if (chmod(path, mode) < 0 || listen(fd, SOMAXCONN) < 0) {
		int r = -errno;

		unlink(path);
		return r;
	}
	return vl_server_listen_fd(s, TAKE_FD(fd));
}

int vl_server_attach_event(struct vl_server *s, sd_event *e, int64_t priority)
{
	int r;

	assert(s);
	if (s->event)
		return -EBUSY;
	if (e)
		s->event = sd_event_ref(e);
	else {
		r = sd_event_default(&s->event);
		if (r < 0)
			return r;
	}
	s->priority = priority;
	/* Made now: when it is needed there may be no fd left for a timerfd. */
	r = sd_event_add_time_relative(s->event, &s->accept_retry, CLOCK_MONOTONIC,
				       ACCEPT_RETRY_USEC, 0, on_accept_retry, s);
	if (r >= 0)
		r = sd_event_source_set_enabled(s->accept_retry, SD_EVENT_OFF);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_listeners; i++) {
		r = listener_start(s, &s->listeners[i]);
		if (r < 0)
			return r;
	}
	return 0;
}
