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

/* An Anchor: at most one of id and label (params.c refuses both). */
struct anchor_params {
	uint32_t id;
	const char *label;
};

struct program_params {
	const char *object;
	int object_fd;
	const char *program;
	int priority;		/* XL_PRIORITY_FROM_OBJECT: not given */
	__u32 actions;
	const char *label;
	struct anchor_params before, after;
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
	uint32_t program_id;
};

/* Operation.op; -1: not given. */
enum xd_op_name {
	XD_OPN_ATTACH,
	XD_OPN_DETACH,
	XD_OPN_DETACH_LABEL,
	XD_OPN_DETACH_OWNER,
	XD_OPN_REPLACE_LABEL,
	XD_OPN_MOVE,
};

/* One of Change's operations; prog holds attach's fields (label, priority,
 * before and after for the others too). */
struct operation_params {
	int op;
	uint32_t id;
	const char *owner;
	struct program_params prog;
	uint32_t program_id;
	json_t *programs;
};

#define OPERATION_INIT { .op = -1, .prog = PROGRAM_INIT }

struct change_params {
	const char *interface;
	struct netns_params ns;
	json_t *operations;
	enum xl_mode mode;
	int counters;
	bool connection;
	uint64_t expected_revision;
	bool dry_run;
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
	bool all;		/* List: interfaces with nothing attached too */
	bool maps;		/* List: each program's maps */
};

extern const struct vl_field xd_attach_fields[];
extern const struct vl_field xd_detach_fields[];
extern const struct vl_field xd_adopt_fields[];
/* One entry of Replace's "programs". */
extern const struct vl_field xd_program_fields[];
extern const struct vl_field xd_replace_fields[];
/* One entry of Change's "operations", and Change itself. */
extern const struct vl_field xd_operation_fields[];
extern const struct vl_field xd_change_fields[];
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

/*
 * After dispatching an operation (obj) with xd_operation_fields: the field
 * it must not have or lacks for its op ("op" when there is none), or NULL
 * when it is well formed. Values were checked by the table already.
 */
const char *xd_operation_check(json_t *obj, const struct operation_params *p);

/* An Action array into an XL_ACTION() mask ([] is XL_ACTIONS_NONE). */
int xd_parse_actions(json_t *v, __u32 *ret);

#endif
