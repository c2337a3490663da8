/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io.xdplink.Manager's parameters: one struct and one table per method,
 * with the parsers that check each field. Pure: nothing here touches the
 * kernel or a connection, so the fuzzer (tests/fuzz) drives the very
 * tables the daemon dispatches with.
 */
#ifndef XD_PARAMS_H
#define XD_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "vl-dispatch.h"
#include "xdplink/xdplink.h"

/* Which network namespace a call means: at most one of these. */
struct netns_params {
	int fd_index;		/* passed with SCM_RIGHTS: the normal way */
	const char *path;	/* root only */
	uint32_t pid;		/* root only */
};

#define NETNS_INIT { .fd_index = -EBADF }

struct program_params {
	const char *object;
	int object_fd;
	const char *program;
	int priority;
	__u32 actions;
	const char *label;
};

#define PROGRAM_INIT { .object_fd = -EBADF, .priority = XL_PRIORITY_FROM_OBJECT }

struct attach_params {
	const char *interface;
	struct netns_params ns;
	struct program_params prog;
	uint32_t program_id;
	enum xl_mode mode;
	int counters;
	bool connection;
	uint64_t expected_revision;
};

struct detach_params {
	const char *interface;
	struct netns_params ns;
	uint32_t id;
	bool all;
	uint64_t expected_revision;
};

struct adopt_params {
	const char *interface;
	struct netns_params ns;
	bool detach;
};

struct program_entry {
	struct program_params prog;
};

struct replace_params {
	const char *interface;
	struct netns_params ns;
	json_t *programs;
	enum xl_mode mode;
	int counters;
	bool connection;
	uint64_t expected_revision;
};

struct list_params {
	const char *interface;
	struct netns_params ns;
};

extern const struct vl_field xd_attach_fields[];
extern const struct vl_field xd_detach_fields[];
extern const struct vl_field xd_adopt_fields[];
/* One entry of Replace's "programs". */
extern const struct vl_field xd_program_fields[];
extern const struct vl_field xd_replace_fields[];
extern const struct vl_field xd_list_fields[];
extern const struct vl_field xd_monitor_fields[];
/* Methods without parameters. */
extern const struct vl_field xd_no_fields[];

/* Every table with the size of its struct, ended by { NULL }: for tests. */
struct xd_method_fields {
	const char *method;
	const struct vl_field *fields;
	size_t size;
};
extern const struct xd_method_fields xd_manager_fields[];

/* An Action array into an XL_ACTION() mask ([] is XL_ACTIONS_NONE). */
int xd_parse_actions(json_t *v, __u32 *ret);

#endif
