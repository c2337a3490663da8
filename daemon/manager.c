/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manager: configuration, engine, recovery, the varlink socket, signals and sd_notify. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <systemd/sd-daemon.h>

#include "access.h"
#include "declare.h"
#include "iface.h"
#include "job.h"
#include "lifetime.h"
#include "log.h"
#include "maps.h"
#include "manager.h"
#include "netns.h"
#include "netwatch.h"
#include "quota.h"
#include "stats.h"
#include "monitor.h"
#include "vl-server.h"

#ifndef XD_VERSION
#define XD_VERSION "0"
#endif

static int set_string(char **dst, const char *src)
{
	char *s;

	if (!src)
		return 0;
	s = strdup(src);
	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* Each error of a configuration that is refused, on its own line. */
static void log_conf_error(void *userdata _unused_, const char *msg)
{
	log_error("%s", msg);
}

/* Defaults, then the file, then the command line: the same on start and reload. */
static int config_read(const struct xd_cli *cli, struct xd_config *ret,
		       struct xd_conf_errors *errs, char *err, size_t errlen)
{
	struct xd_config c;
	int r;

	xd_config_init(&c);
	if (!c.socket_path || !c.socket_group || !c.bpffs_root || !c.state_dir) {
		xd_config_done(&c);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = xd_config_load_all(&c, cli->config_path ? cli->config_path : XD_CONFIG_PATH,
			       cli->config_path != NULL, errs, err, errlen);
	if (r == 0)
		r = set_string(&c.socket_path, cli->socket_path);
	if (r == 0)
		r = set_string(&c.bpffs_root, cli->bpffs_root);
	if (r == 0)
		r = set_string(&c.state_dir, cli->state_dir);
	if (r < 0) {
		if (r == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		xd_config_done(&c);
		return r;
	}
	if (cli->log_level >= 0)
		c.log_level = cli->log_level;
	*ret = c;
	return 0;
}

/*
 * Each managed interface keeps its link, its entry program, its counters map
 * and one fd per program open, each connection one more: the usual soft
 * limit of 1024 runs out near 150 interfaces. The hard limit is ours to take
 * (nothing we run uses select()).
 */
static void raise_nofile_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		log_warning_errno(-errno, "Cannot read RLIMIT_NOFILE: %m");
		return;
	}
	if (rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warning_errno(-errno, "Cannot raise the soft RLIMIT_NOFILE to %llu: %m",
				  (unsigned long long)rl.rlim_max);
	else
		log_debug("Soft RLIMIT_NOFILE raised to %llu", (unsigned long long)rl.rlim_max);
}

int manager_new(struct manager **ret, const struct xd_cli *cli)
{
	_cleanup_(manager_freep) struct manager *m = calloc(1, sizeof(*m));
	char err[1024];
	int r;

	if (!m)
		return log_error_errno(-ENOMEM, "Out of memory");
	xd_stats_start();
	m->cli = *cli;
	raise_nofile_limit();
	m->self_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (m->self_netns_fd < 0)
		return log_error_errno(-errno, "Cannot open /proc/self/ns/net: %m");
	r = xd_netns_cookie_here(&m->self_cookie);
	if (r < 0)
		return log_error_errno(r, "Cannot read the network namespace cookie (Linux >= 5.14 "
				       "needed): %m");
	r = config_read(cli, &m->config, &(struct xd_conf_errors){ .report = log_conf_error },
			err, sizeof(err));
	if (r < 0)
		return log_error_errno(r, "Refusing to start: the configuration has errors "
				       "(each logged above; xdplinkd --check-config lists them)");
	log_set_max_level(m->config.log_level);
	r = manager_apply_access(m, &m->config, err, sizeof(err));
	if (r < 0)
		return log_error_errno(r, "Refusing to start: %s", err);
	r = sd_event_default(&m->event);
	if (r < 0)
		return log_error_errno(r, "Failed to get the event loop: %m");
	*ret = TAKE_PTR(m);
	return 0;
}

struct manager *manager_free(struct manager *m)
{
	if (!m)
		return NULL;
	xd_monitor_free_all(m);
	xd_lifetime_free_all(m);
	xd_netwatch_free(m);
	xd_declare_free(m);
	m->server = vl_server_free(m->server);
	xd_iface_free_all(m);
	m->jobs = xd_jobs_free(m->jobs);
	m->job_quota = xd_quota_free(m->job_quota);
	safe_close(m->self_netns_fd);
	xl_engine__free(m->engine);
	xd_access_done(&m->access);
	sd_event_unref(m->event);
	xd_config_done(&m->config);
	free(m);
	return NULL;
}

void manager_freep(struct manager **m)
{
	*m = manager_free(*m);
}

void manager_update_status(struct manager *m)
{
	unsigned n_ifaces = 0, n_progs = 0;

	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next) {
		json_t *att = json_object_get(rec->snapshot, "attachments");

		n_ifaces++;
		n_progs += (unsigned)json_array_size(att);
	}
	sd_notifyf(false, "STATUS=Managing %u programs on %u interfaces%s", n_progs, n_ifaces,
		   xl_engine__has_freplace(m->engine) ? "" : " (degraded: no freplace)");
}

static int build_access(const struct xd_config *c, struct xd_access *ret, char *err,
			size_t errlen)
{
	char warn[512];
	int r;

	r = xd_access_build(ret, c->allow_users, c->allow_groups, c->group_interfaces,
			    xd_access_resolve_system, warn, sizeof(warn), err, errlen);
	if (r == 0 && warn[0])
		log_warning("[Access]: %s; left out until a reload finds them", warn);
	return r;
}

/* The caller of a refused Reload gets the first error, and word of the others. */
static int refuse_reload(int r, const struct xd_conf_errors *errs, char *err, size_t errlen,
			 const char *kept)
{
	size_t n = strlen(err);

	if (errs->n > 1 && n < errlen)
		snprintf(err + n, errlen - n, " (and %u more errors, each in the log; "
			 "xdplinkd --check-config lists them)", errs->n - 1);
	return log_error_errno(r, "Reload refused, keeping %s: %u errors (each logged above)",
			       kept, errs->n);
}

/*
 * All or nothing: everything that can fail (the file, [Access], the
 * interface files) is read and checked first, and only then does any of
 * it come into force.
 */
int manager_reload(struct manager *m, char *err, size_t errlen)
{
	_cleanup_(xd_config_done) struct xd_config c = {};
	struct xd_conf_errors errs = { .report = log_conf_error };
	struct xd_netconfig nc;
	struct xd_access a;
	int r;

	r = config_read(&m->cli, &c, &errs, err, errlen);
	if (r < 0)
		return refuse_reload(r, &errs, err, errlen, "the running configuration");
	r = build_access(&c, &a, err, errlen);
	if (r < 0)
		return log_error_errno(r, "Reload refused, keeping the running configuration: %s", err);
	r = xd_netconfig_load_dir_all(c.interfaces_dir, &nc, &errs, err, errlen);
	if (r < 0) {
		xd_access_done(&a);
		return refuse_reload(r, &errs, err, errlen, "the running configuration and the "
				     "interface files in force");
	}
	if (strcmp(c.socket_path, m->config.socket_path) != 0 ||
	    strcmp(c.bpffs_root, m->config.bpffs_root) != 0 ||
	    strcmp(c.state_dir, m->config.state_dir) != 0 ||
	    c.max_connections != m->config.max_connections ||
	    c.max_connections_per_user != m->config.max_connections_per_user ||
	    c.idle_timeout_usec != m->config.idle_timeout_usec ||
	    c.max_message_size != m->config.max_message_size)
		log_notice("Socket, paths and limits change only on restart; "
			   "the new default mode, counters and log level apply now");
	/* Nothing fails from here on. */
	xd_access_done(&m->access);
	m->access = a;
	free(m->config.interfaces_dir);
	m->config.interfaces_dir = TAKE_PTR(c.interfaces_dir);
	xd_declare_set(m, &nc);
	m->config.default_mode = c.default_mode;
	m->config.counters = c.counters;
	m->config.log_level = c.log_level;
	log_set_max_level(c.log_level);
	xd_declare_apply_all(m);
	log_info("Configuration reloaded");
	return 0;
}

/* [Access] of c becomes the policy in force; on error nothing changes. */
int manager_apply_access(struct manager *m, const struct xd_config *c, char *err, size_t errlen)
{
	struct xd_access a;
	int r;

	r = build_access(c, &a, err, errlen);
	if (r < 0)
		return r;
	xd_access_done(&m->access);
	m->access = a;
	return 0;
}

static int on_terminate(sd_event_source *s _unused_, const struct signalfd_siginfo *si,
			void *userdata)
{
	struct manager *m = userdata;

	if (m->exiting)
		return 0;
	m->exiting = true;
	log_info("Received SIG%s; exiting, every attached program stays running",
		 sigabbrev_np((int)si->ssi_signo));
	sd_notify(false, "STOPPING=1\nSTATUS=Stopping; attached programs stay running");
	/* No new calls; running jobs finish first, so no swap is cut short. */
	xd_monitor_free_all(m);
	xd_lifetime_free_all(m);
	xd_netwatch_free(m);
	xd_declare_free(m);
	m->server = vl_server_free(m->server);
	xd_jobs_stop(m->jobs);
	if (xd_jobs_running(m->jobs) == 0)
		sd_event_exit(m->event, 0);
	return 0;
}

static int on_reload(sd_event_source *s _unused_, const struct signalfd_siginfo *si,
		     void *userdata)
{
	struct manager *m = userdata;
	char err[1024];

	/* Who asked, for the audit trail; the unit cannot be told any more. */
	log_info("Received SIGHUP from uid=%u pid=%d; reloading", (unsigned)si->ssi_uid,
		 (int)si->ssi_pid);
	sd_notify(false, "RELOADING=1");
	(void)manager_reload(m, err, sizeof(err));
	sd_notify(false, "READY=1");
	return 0;
}

static int setup_signals(struct manager *m)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* Before any worker thread exists, so that they all inherit the mask. */
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return log_error_errno(-errno, "Failed to block signals: %m");
	r = sd_event_add_signal(m->event, NULL, SIGTERM, on_terminate, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGINT, on_terminate, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGHUP, on_reload, m);
	if (r < 0)
		return log_error_errno(r, "Failed to watch signals: %m");
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void manager_job_done(struct xd_job *j, void *userdata)
{
	struct manager *m = userdata;

	xd_job_reply(j);
	/* Only removals can leave an owner without attachments. */
	if (j->r == 0 && j->n_removed)
		m->maps_gc_due = true;
}

static void on_job_settled(struct xd_iface *rec, bool idle, void *userdata)
{
	struct manager *m = userdata;

	manager_update_status(m);
	if (idle)
		xd_iface_gc(m, rec);
	if (xd_jobs_running(m->jobs) > 0)
		return;
	if (m->exiting) {
		sd_event_exit(m->event, 0);
		return;
	}
	if (m->maps_gc_due) {
		m->maps_gc_due = false;
		xd_maps_gc(m);
	}
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

static int setup_engine(struct manager *m)
{
	struct xl_engine_opts opts = { .sz = sizeof(opts), .bpffs_root = m->config.bpffs_root,
				       .state_dir = m->config.state_dir };
	struct xl_recover_stats st = {};
	char err[512] = "";
	uint64_t start;
	__u64 updates;
	int r, adopted;

	opts.err_buf = err;
	opts.err_buf_sz = sizeof(err);
	r = xl_engine__new(&opts, &m->engine);
	if (r < 0)
		return log_error_errno(r, "Cannot start the engine: %s", err);
	if (snprintf(err, sizeof(err), "%s/maps", m->config.bpffs_root) < (int)sizeof(err) &&
	    mkdir(err, 0700) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "Failed to create %s: %m", err);
	if (!xl_engine__has_freplace(m->engine))
		log_warning("Degraded mode, one program per interface: %s",
			    xl_engine__degraded_reason(m->engine));
	/* Before anyone is answered: clients must see the recovered state. */
	updates = xl_engine__link_updates(m->engine);
	start = now_usec();
	r = xl_engine__recover(m->engine, &st);
	if (r < 0)
		log_error_errno(r, "Recovery was incomplete: %s", xl_engine__last_error(m->engine));
	r = xd_netwatch_setup(m);
	if (r < 0)
		return r;
	adopted = xd_iface_adopt_all(m);
	if (adopted < 0)
		return adopted;
	xd_stats_recovery(now_usec() - start, xl_engine__link_updates(m->engine) - updates,
			  (unsigned)adopted, st.refused);
	/* Counted by the engine, not assumed: recovery must leave the data plane alone
	 * (connection-scoped programs of the last run are the one exception, logged). */
	log_info("Recovered %d interfaces (%u orphan revisions, %u orphan programs, %u gone "
		 "interfaces cleaned) with %llu link updates", adopted, st.orphan_revisions,
		 st.orphan_programs, st.defunct,
		 (unsigned long long)(xl_engine__link_updates(m->engine) - updates));
	/* A crash between loading an object and its commit leaves its maps
	 * pinned, with no attachment to account for them. */
	if (xd_jobs_running(m->jobs) == 0)
		xd_maps_gc(m);
	else
		m->maps_gc_due = true;
	return 0;
}

/* interfaces.d, once jobs can run: a bad file stops the start like a bad config. */
static int setup_declared(struct manager *m)
{
	char err[1024];
	int r;

	r = xd_declare_load(m, err, sizeof(err));
	if (r < 0)
		return log_error_errno(r, "Refusing to start: the interface files have errors "
				       "(each logged above; xdplinkd --check-config lists them)");
	xd_declare_apply_all(m);
	return 0;
}

static int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int listen_path(struct manager *m)
{
	const char *path = m->config.socket_path, *group = m->config.socket_group;
	struct group *g;
	int r;

	r = mkdir_parents(path);
	if (r < 0)
		return log_error_errno(r, "Failed to create the directory of %s: %m", path);
	r = vl_server_listen_address(m->server, path, m->config.socket_mode);
	if (r < 0)
		return log_error_errno(r, "Failed to listen on %s: %m", path);
	if (!group || !*group)
		return 0;
	errno = 0;
	g = getgrnam(group);
	if (!g) {
		/* Fail closed: the socket stays root's. */
		log_warning("Group '%s' does not exist; %s stays root-only (create it, e.g. with "
			    "systemd-sysusers)", group, path);
		return 0;
	}
	if (chown(path, 0, g->gr_gid) < 0)
		return log_error_errno(-errno, "Failed to give %s to group %s: %m", path, group);
	return 0;
}

/* Every error reply, counted by name for Statistics. */
static void count_error(const char *error, void *userdata _unused_)
{
	xd_stats_error(error);
}

/* The varlink module's word on a refused call or a dropped peer (debug level). */
static void log_varlink(int level, const char *message, void *userdata _unused_)
{
	log_internal(level, 0, NULL, 0, "%s", message);
}

static int setup_server(struct manager *m)
{
	struct vl_server_opts opts = {
		.sz = sizeof(opts), .vendor = "xdplinkd", .product = "xdplinkd",
		.version = XD_VERSION, .url = "https://github.com/xdplinkd/xdplinkd",
		.max_connections = m->config.max_connections,
		.max_connections_per_uid = m->config.max_connections_per_user,
		.idle_timeout_usec = m->config.idle_timeout_usec,
		.message_max = m->config.max_message_size,
		.allow_fd_passing = true,
		.log = log_varlink,
		/* Issue 12's limits: refused callers dropped at connect, caps per uid. */
		.reserved_connections = m->config.reserved_connections,
		.max_fds = m->config.max_fds,
		.max_fds_per_uid = m->config.max_fds_per_user,
		.max_input_per_uid = m->config.max_input_per_user,
		.max_output_per_uid = m->config.max_output_per_user,
		.max_input = m->config.max_input,
		.max_output = m->config.max_output,
		.files_only = true,	/* objectFd, netnsFd: files and nsfs; no sockets */
		.check_peer = xd_access_check_peer,
		.check_peer_userdata = &m->access,
		.on_error = count_error,
	};
	int n, r;

	r = vl_server_new(&m->server, &opts);
	if (r < 0)
		return log_error_errno(r, "Failed to create the varlink server: %m");
	r = manager_varlink_setup(m);
	if (r < 0)
		return r;
	n = sd_listen_fds(true);
	if (n < 0)
		return log_error_errno(n, "Failed to read passed sockets: %m");
	for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
		if (sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0)
			return log_error_errno(-EINVAL, "Passed fd %d is not a listening "
					       "AF_UNIX stream socket", fd);
		r = vl_server_listen_fd(m->server, fd);
		if (r < 0)
			return log_error_errno(r, "Failed to serve passed fd %d: %m", fd);
	}
	if (n == 0) {
		r = listen_path(m);
		if (r < 0)
			return r;
	}
	r = vl_server_attach_event(m->server, m->event, 0);
	if (r < 0)
		return log_error_errno(r, "Failed to attach the varlink server: %m");
	log_info("Listening on %s", n ? "the socket passed by systemd" : m->config.socket_path);
	return 0;
}

int manager_start(struct manager *m)
{
	int r;

	r = setup_signals(m);
	if (r < 0)
		return r;
	r = sd_event_set_watchdog(m->event, true);
	if (r < 0)
		return log_error_errno(r, "Failed to set up the watchdog: %m");
	r = setup_engine(m);
	if (r < 0)
		return r;
	r = xd_jobs_new(m->event, m->engine, m->self_netns_fd,
			&(struct xd_jobs_ops){ .settled = on_job_settled, .userdata = m }, &m->jobs);
	if (r == 0)
		r = setup_declared(m);
	if (r < 0)
		return r;
	r = setup_server(m);
	if (r < 0)
		return r;
	sd_notify(false, "READY=1");
	manager_update_status(m);
	return 0;
}
