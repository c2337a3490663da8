/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manager: the event loop, the engine, the varlink server and the interfaces it owns. */
#ifndef XD_MANAGER_H
#define XD_MANAGER_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "xdplink/xdplink.h"
#include "access.h"
#include "config.h"
#include "netconfig.h"

struct vl_server;
struct xd_iface;
struct xd_monitor;
struct xd_conn;
struct xd_netwatch;
struct xd_declared_ns;
struct xd_job;
struct xd_jobs;
struct xd_quota;

/* What the command line set; it wins over the config file, also on reload. */
struct xd_cli {
	const char *config_path;	/* NULL: XD_CONFIG_PATH, which may be missing */
	const char *socket_path;
	const char *bpffs_root;
	const char *state_dir;
	int log_level;			/* -1: from the config */
};

struct manager {
	sd_event *event;
	struct xd_cli cli;
	struct xd_config config;
	struct xd_access access;	/* from config's [Access] */
	struct xl_engine *engine;
	struct vl_server *server;
	struct xd_iface *ifaces;	/* every interface with programs, or with work queued */
	/* Each module's own state, opaque here: only its module looks inside. */
	struct xd_monitor *monitors;	/* monitor.c: Monitor subscribers */
	struct xd_conn *conns;		/* lifetime.c: connections holding attachments */
	struct xd_jobs *jobs;		/* job.c: the pipe and the running workers */
	struct xd_netwatch *netwatch;	/* netwatch.c: rtnetlink events, the gone poll */
	struct xd_quota *job_quota;	/* quota.c: jobs per user (MaxJobsPerUser) */
	bool exiting;
	bool maps_gc_due;		/* a job removed attachments: see maps.c */
	/* interfaces.d (declare.c) */
	struct xd_netconfig netconfig;
	struct xd_declared_ns *declared_ns;
	size_t n_declared_ns;
	unsigned declare_pass;
	/* Where every thread returns after working in a caller's namespace. */
	int self_netns_fd;
	uint64_t self_cookie;
};

int manager_new(struct manager **ret, const struct xd_cli *cli);
struct manager *manager_free(struct manager *m);
void manager_freep(struct manager **m);
/* Recover, listen, notify READY; then sd_event_loop(m->event). */
int manager_start(struct manager *m);
int manager_reload(struct manager *m, char *err, size_t errlen);
int manager_apply_access(struct manager *m, const struct xd_config *c, char *err, size_t errlen);
void manager_update_status(struct manager *m);
/* The completion of most jobs (job.h): reply or log, announce, and have
 * the map collection run once no job is left. userdata: the manager. */
void manager_job_done(struct xd_job *j, void *userdata);

/* varlink-manager.c */
int manager_varlink_setup(struct manager *m);

#endif
