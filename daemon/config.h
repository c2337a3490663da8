/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's configuration: built-in defaults, /etc/xdplinkd/xdplinkd.conf, strict parsing. */
#ifndef XD_CONFIG_H
#define XD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf-errors.h"
#include "xdplink/xdplink.h"

#define XD_CONFIG_PATH "/etc/xdplinkd/xdplinkd.conf"

struct xd_config {
	char *socket_path;                 /* [Socket] Path */
	mode_t socket_mode;                /* [Socket] Mode, octal */
	char *socket_group;                /* [Socket] Group; "": leave root's group */
	char *bpffs_root;                  /* [Engine] BpffsRoot */
	char *state_dir;                   /* [Engine] StateDir */
	char *interfaces_dir;              /* [Engine] InterfacesDir: declarative files */
	enum xl_mode default_mode;         /* [Engine] DefaultMode: native | skb */
	bool counters;                     /* [Engine] Counters */
	unsigned max_connections;          /* [Limits] MaxConnections */
	unsigned max_connections_per_user; /* [Limits] MaxConnectionsPerUser */
	uint64_t idle_timeout_usec;        /* [Limits] IdleTimeoutSec; 0 in the file: UINT64_MAX */
	size_t max_message_size;           /* [Limits] MaxMessageSize */
	unsigned reserved_connections;     /* [Limits] ReservedConnections: root's only */
	unsigned max_fds;                  /* [Limits] MaxFds: in flight, all users but root */
	unsigned max_fds_per_user;         /* [Limits] MaxFdsPerUser */
	size_t max_input_per_user;         /* [Limits] MaxInputPerUser: bytes buffered in */
	size_t max_output_per_user;        /* [Limits] MaxOutputPerUser: bytes queued out */
	size_t max_input;                  /* [Limits] MaxInput: all users but root */
	size_t max_output;                 /* [Limits] MaxOutput */
	unsigned max_jobs_per_user;        /* [Limits] MaxJobsPerUser: queued, oneway too (job.c) */
	int log_level;                     /* [Log] Level: LOG_* */
	char *allow_users;                 /* [Access] AllowUsers: names or uids, space-separated */
	char *allow_groups;                /* [Access] AllowGroups: names or gids */
	char *group_interfaces;            /* [Access] GroupInterfaces: GROUP:GLOB[,GLOB]... */
	char *privileged_load_users;       /* [Access] PrivilegedLoadUsers: programs loaded unvetted */
	char *privileged_load_groups;      /* [Access] PrivilegedLoadGroups (access-load.c) */
};

void xd_config_init(struct xd_config *c);
/*
 * Parse path over what c holds. A missing file is fine unless must_exist.
 * On failure c is unchanged and err says "FILE:LINE: what".
 */
int xd_config_load(struct xd_config *c, const char *path, bool must_exist, char *err,
		   size_t errlen);
/* The same, reading on past errors: each goes to errs (may be NULL), the
 * first also into err; with errs->keep_partial c takes the good keys even
 * so (the error is still returned). */
int xd_config_load_all(struct xd_config *c, const char *path, bool must_exist,
		       struct xd_conf_errors *errs, char *err, size_t errlen);
void xd_config_done(struct xd_config *c);
int xd_config_copy(struct xd_config *dst, const struct xd_config *src);

int xd_parse_log_level(const char *s, int *ret);
const char *xd_log_level_to_string(int level);

#endif
