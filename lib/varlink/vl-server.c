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
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vl-closer.h"
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

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

/* The kind's limit: by format, so that a flood of one kind hides no other. */
static struct vl_ratelimit *ratelimit_of(struct vl_server *s, const char *key)
{
	struct vl_ratelimit *rl = s->limit_log;

	for (size_t i = 0; i < ELEMENTSOF(s->limit_log); i++) {
		if (s->limit_log[i].key == key || !s->limit_log[i].key) {
			s->limit_log[i].key = key;
			return &s->limit_log[i];
		}
		if (s->limit_log[i].start < rl->start)
			rl = &s->limit_log[i];
	}
	/* More kinds than slots: the stalest slot changes hands. */
	*rl = (struct vl_ratelimit){ .key = key };
	return rl;
}

/* Whether one more line may go out now; a new window first says how many did not. */
static bool ratelimit_pass(struct vl_server *s, struct vl_ratelimit *rl)
{
	uint64_t t = now_usec();

	if (t - rl->start >= VL_RATELIMIT_USEC) {
		if (rl->suppressed)
			vl_server_log(s, LOG_WARNING, "%lu more lines about limits suppressed",
				      rl->suppressed);
		rl->start = t;
		rl->n = 0;
		rl->suppressed = 0;
	}
	if (rl->n >= VL_RATELIMIT_BURST) {
		rl->suppressed++;
		return false;
	}
	rl->n++;
	return true;
}

void vl_link_log_limit(struct vl_link *l, const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	if (!l->server || !l->server->opts.log ||
	    !ratelimit_pass(l->server, ratelimit_of(l->server, fmt)))
		return;
	snprintf(prefix, sizeof(prefix), "varlink peer pid %d uid %u: ", (int)l->peer.pid,
		 (unsigned)l->peer.uid);
	va_start(ap, fmt);
	server_vlog(l->server, LOG_WARNING, prefix, fmt, ap);
	va_end(ap);
}

struct vl_uid_stats *vl_server_uid_stats(struct vl_server *s, uid_t uid)
{
	struct vl_uid_stats *st;

	for (st = s->uids; st; st = st->next)
		if (st->uid == uid)
			return st;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->uid = uid;
	st->next = s->uids;
	s->uids = st;
	return st;
}

void vl_server_uid_stats_put(struct vl_server *s, struct vl_uid_stats *st)
{
	if (!st || --st->links > 0)
		return;
	for (struct vl_uid_stats **p = &s->uids; *p; p = &(*p)->next)
		if (*p == st) {
			*p = st->next;
			free(st);
			return;
		}
}

static unsigned server_count_uid(const struct vl_server *s, uid_t uid)
{
	for (const struct vl_uid_stats *st = s->uids; st; st = st->next)
		if (st->uid == uid)
			return st->links;
	return 0;
}

/*
 * Root may use every connection; the others leave the reserve free and
 * keep to their per-uid share. Returns why not, or NULL.
 */
static const char *server_over_limit(const struct vl_server *s, uid_t uid)
{
	if (s->n_links >= s->opts.max_connections)
		return "MaxConnections";
	if (uid == 0)
		return NULL;
	if (s->n_links >= s->opts.max_connections - s->opts.reserved_connections)
		return "MaxConnections less the reserve for root";
	if (server_count_uid(s, uid) >= s->opts.max_connections_per_uid)
		return "MaxConnectionsPerUser";
	return NULL;
}

/* Log why, rate-limited, with the peer as vl_link_log() names it. */
static void server_log_peer_limit(struct vl_server *s, const struct ucred *peer, int level,
				  const char *fmt, const char *what)
{
	struct vl_link tmp = { .server = s, .peer = *peer };

	if (level == LOG_WARNING) {
		vl_link_log_limit(&tmp, fmt, what);
		return;
	}
	vl_link_log(&tmp, level, fmt, what);
}

/*
 * A refused peer's answer, sent straight to the socket: no link, no
 * buffer, no read. It answers the first call whenever that comes; the
 * peer reads it before it sees the end. The reaper closes the socket once
 * the peer hangs up: a refusal costs the event loop a few syscalls.
 */
static void server_refuse_peer(int fd)
{
	static const char msg[] = "{\"error\":\"" VL_ERROR_PERMISSION_DENIED "\",\"parameters\":{}}";

	(void)send(fd, msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)shutdown(fd, SHUT_WR);
	vl_close_after_hangup(fd, VL_REFUSED_LINGER_USEC);
}

/* Takes the fd. Over a limit the connection is accepted and closed at once. */
static int server_add_link(struct vl_server *s, int fd_)
{
	_cleanup_close_ int fd = fd_;
	struct ucred peer = {};
	socklen_t sl = sizeof(peer);
	const char *over;
	char why[256] = "";
	int r;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &sl) < 0)
		return -errno;
	over = server_over_limit(s, peer.uid);
	if (over) {
		server_log_peer_limit(s, &peer, LOG_WARNING, "refusing the connection: %s reached",
				      over);
		/* Its queue may hold fds it sent: released off the event loop. */
		vl_close_untrusted(TAKE_FD(fd));
		return -EUSERS;
	}
	if (s->opts.check_peer && peer.uid != 0 &&
	    s->opts.check_peer(fd, &peer, why, sizeof(why), s->opts.check_peer_userdata) < 0) {
		server_log_peer_limit(s, &peer, LOG_WARNING, "permission denied: %s", why);
		if (s->opts.on_error)
			s->opts.on_error(VL_ERROR_PERMISSION_DENIED, s->opts.on_error_userdata);
		server_refuse_peer(TAKE_FD(fd));
		return -EPERM;
	}
	r = vl_link_new(s, TAKE_FD(fd), &peer);
	if (r >= 0)
		s->n_accepted++;
	return r;
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
	if (!s->opts.reserved_connections)
		s->opts.reserved_connections = VL_CONNECTIONS_RESERVED;
	if (s->opts.reserved_connections > s->opts.max_connections / 2)
		s->opts.reserved_connections = s->opts.max_connections / 2;
	if (!s->opts.max_fds)
		s->opts.max_fds = VL_FDS_MAX_TOTAL;
	if (!s->opts.max_fds_per_uid)
		s->opts.max_fds_per_uid = VL_FDS_PER_UID_MAX;
	if (!s->opts.max_input_per_uid)
		s->opts.max_input_per_uid = VL_INPUT_PER_UID_MAX;
	if (!s->opts.max_output_per_uid)
		s->opts.max_output_per_uid = VL_OUTPUT_PER_UID_MAX;
	if (!s->opts.max_input)
		s->opts.max_input = VL_INPUT_MAX;
	if (!s->opts.max_output)
		s->opts.max_output = VL_OUTPUT_MAX;

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

unsigned long long vl_server_connections_accepted(const struct vl_server *s)
{
	assert(s);
	return s->n_accepted;
}

unsigned long vl_server_fds_in_flight(const struct vl_server *s)
{
	unsigned long n = vl_closer_pending();

	assert(s);
	for (const struct vl_uid_stats *st = s->uids; st; st = st->next)
		n += st->fds;
	return n;
}

/*
 * Connections and fds in flight must fit under RLIMIT_NOFILE with room
 * to spare for the engine (maps, programs, links, namespaces): a quarter
 * of the limit, at least 256. What does not fit is cut, connections
 * first kept at half, and said once.
 */
static void server_fit_nofile(struct vl_server *s)
{
	struct rlimit rl;
	unsigned long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	room = rl.rlim_cur > 1024 ? (unsigned long)rl.rlim_cur - rl.rlim_cur / 4 :
		(rl.rlim_cur > 512 ? (unsigned long)rl.rlim_cur - 256 : rl.rlim_cur / 2);
	if ((unsigned long)s->opts.max_connections + s->opts.max_fds <= room)
		return;
	if (s->opts.max_connections > room / 2)
		s->opts.max_connections = (unsigned)(room / 2) ?: 1;
	if (s->opts.max_fds > room - s->opts.max_connections)
		s->opts.max_fds = (unsigned)(room - s->opts.max_connections) ?: 1;
	if (s->opts.max_connections_per_uid > s->opts.max_connections)
		s->opts.max_connections_per_uid = s->opts.max_connections;
	if (s->opts.reserved_connections > s->opts.max_connections / 2)
		s->opts.reserved_connections = s->opts.max_connections / 2;
	vl_server_log(s, LOG_WARNING, "RLIMIT_NOFILE %llu: at most %u connections and %u fds "
		      "in flight", (unsigned long long)rl.rlim_cur, s->opts.max_connections,
		      s->opts.max_fds);
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
	server_fit_nofile(s);
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
