/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xdplink CNI plugin: its environment and network configuration, parsed strictly. */
#ifndef XDPLINK_CNI_CONFIG_H
#define XDPLINK_CNI_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "xdplink/xdplink-client.h"

#define CNI_SPEC_VERSION "1.0.0"
/* The versions whose configuration and results we understand (VERSION). */
#define CNI_SUPPORTED_VERSIONS "0.3.0", "0.3.1", "0.4.0", "1.0.0"

/* The error codes of the CNI specification, and ours beyond 99. */
enum cni_code {
	CNI_OK = 0,
	CNI_ERR_VERSION = 1,		/* incompatible CNI version */
	CNI_ERR_UNKNOWN_CONTAINER = 3,	/* the container (its namespace) does not exist */
	CNI_ERR_ENV = 4,		/* invalid or missing environment variables */
	CNI_ERR_IO = 5,			/* I/O failure, e.g. reading stdin or an object */
	CNI_ERR_DECODE = 6,		/* the configuration is not JSON */
	CNI_ERR_CONFIG = 7,		/* invalid network configuration */
	CNI_ERR_TRY_AGAIN = 11,		/* transient: the daemon is not reachable */
	CNI_ERR_XDPLINK = 999,		/* xdplinkd refused or failed the request */
};

struct cni_error {
	int code;		/* enum cni_code; CNI_OK while nothing failed */
	char msg[PATH_MAX + 1024];	/* one line; room for an object's path and the daemon's line */
	char details[8192];	/* "" when there is nothing more to say */
};

/* Record the first failure (it is the one to fix) and return -EINVAL, so
 * that a failure path reads: return cni_fail(err, CNI_ERR_CONFIG, "...").
 * details may be NULL. */
__attribute__((format(printf, 4, 5)))
int cni_fail(struct cni_error *err, int code, const char *details, const char *fmt, ...);

enum cni_command {
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_VERSION,
};

/* The CNI_* variables; the strings belong to the environment. */
struct cni_env {
	enum cni_command command;
	const char *container_id;
	const char *netns;	/* "" or NULL: none (DEL only) */
	const char *ifname;
	char label[260];	/* "cni:<container_id>": what marks this container's attachments */
};

/* getenv() is a parameter so that the unit tests need no environment. */
typedef const char *(*cni_getenv_fn)(const char *name);

/* CNI_COMMAND alone: VERSION needs nothing else. */
int cni_env_command(struct cni_env *env, cni_getenv_fn get, struct cni_error *err);
/* The variables ADD, DEL and CHECK need, checked as the spec and the daemon want them. */
int cni_env_parse(struct cni_env *env, cni_getenv_fn get, struct cni_error *err);

/* One entry of "programs". */
struct cni_program {
	const char *object;	/* absolute */
	const char *name;	/* the function name in the object */
	int priority;		/* XL_PRIORITY_FROM_OBJECT unless the config says */
	__u32 actions;		/* XL_ACTION() mask, XL_ACTIONS_NONE for []; 0 unless the config says */
};

struct cni_config {
	json_t *root;		/* the whole configuration; every string below points into it */
	const char *cni_version;
	const char *name;
	const char *socket;	/* NULL: the client library's default */
	enum xl_mode mode;	/* XL_MODE_UNSPEC unless the config says */
	json_t *prev_result;	/* borrowed from root; NULL without one */
	struct cni_program progs[XL_MAX_PROGS];
	size_t n_progs;
};

/* Parse and check text. On failure cfg holds nothing and err says why
 * (code 6 for text that is not a JSON object, 1 for a cniVersion we do not
 * speak, 7 for everything else). */
int cni_config_parse(struct cni_config *cfg, const char *text, size_t len,
		     struct cni_error *err);
void cni_config_done(struct cni_config *cfg);

/* Whether we speak version v of the spec; and whether it has CHECK (0.4.0 on). */
bool cni_version_supported(const char *v);
bool cni_version_has_check(const char *v);

#endif
