/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxdplink-client: talk to xdplinkd (io.xdplink.Manager over varlink).
 * xdpctl is built on it; container runtimes and network managers can be.
 *
 * Every function returns 0 or a negative errno. When the daemon refused a
 * call the errno stands for its error (see xl_client__errno_for()) and
 * xl_client__error_*() describe it.
 */
#ifndef XDPLINK_CLIENT_H
#define XDPLINK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>

#include "xdplink.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XL_CLIENT_SOCKET "/run/xdplinkd/io.xdplink.Manager"

struct xl_client;

struct xl_client_opts {
	size_t sz;
	__u64 timeout_usec;	/* per reply; 0: wait forever */
	size_t :0;
};
#define xl_client_opts__last_field timeout_usec

/* path NULL: $XDPLINKD_SOCKET, else XL_CLIENT_SOCKET. */
int xl_client__connect(const char *path, const struct xl_client_opts *opts,
		       struct xl_client **ret);
struct xl_client *xl_client__free(struct xl_client *c);
const char *xl_client__default_socket(void);

/* One program, for attach and replace. */
struct xl_client_program {
	size_t sz;
	const char *object;	/* absolute path; or: */
	int object_fd;		/* >= 0: passed with the call (SCM_RIGHTS) */
	const char *prog_name;	/* NULL: the object's first XDP program */
	int priority;		/* XL_PRIORITY_FROM_OBJECT or 0..XL_PRIORITY_MAX */
	__u32 actions;		/* XL_ACTION() mask; 0: from the object; XL_ACTIONS_NONE */
	const char *label;
	size_t :0;
};
#define xl_client_program__last_field label

struct xl_client_change_opts {
	size_t sz;
	enum xl_mode mode;	/* XL_MODE_UNSPEC: the link's, or the daemon's default */
	int counters;		/* attach, replace: -1 unchanged/default, 0 off, 1 on */
	__u64 expected_revision;	/* 0: don't check */
	size_t :0;
};
#define xl_client_change_opts__last_field expected_revision

struct xl_client_result {
	__u64 revision;
	__u32 id;		/* attach: the new attachment */
	__u32 prog_id;		/* attach: its kernel program id */
	__u32 ids[XL_MAX_PROGS];	/* replace: the new set's ids, in request order */
	size_t n_ids;
};

int xl_client__attach(struct xl_client *c, const char *ifname,
		      const struct xl_client_program *prog,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret);
/* id 0: detach everything. */
int xl_client__detach(struct xl_client *c, const char *ifname, __u32 id,
		      const struct xl_client_change_opts *opts, struct xl_client_result *ret);
int xl_client__replace(struct xl_client *c, const char *ifname,
		       const struct xl_client_program *progs, size_t n,
		       const struct xl_client_change_opts *opts, struct xl_client_result *ret);
/* The List reply's "interfaces" array (new reference); ifname NULL: all. */
int xl_client__list(struct xl_client *c, const char *ifname, json_t **ret_interfaces);
/* The Describe reply (new reference). */
int xl_client__describe(struct xl_client *c, json_t **ret);
int xl_client__reload(struct xl_client *c);
/* Subscribe (ifname NULL: all); returns once the subscription is in place. */
int xl_client__monitor(struct xl_client *c, const char *ifname);
/* Block until the next event (an Event object, new reference). */
int xl_client__next_event(struct xl_client *c, json_t **ret_event);

/* Any method: the reply parameters (new reference). */
int xl_client__call(struct xl_client *c, const char *method, json_t *parameters,
		    const int *fds, size_t n_fds, json_t **ret);

/* About the last refusal: the varlink error name, one readable line, the
 * verifier log (ProgramLoadFailed), the raw parameters (borrowed). */
const char *xl_client__error_name(const struct xl_client *c);
const char *xl_client__error_message(const struct xl_client *c);
const char *xl_client__verifier_log(const struct xl_client *c);
json_t *xl_client__error_parameters(const struct xl_client *c);

/* The errno a varlink error stands for, e.g. RevisionMismatch: -ESTALE. */
int xl_client__errno_for(const char *error_name);
/* One line for an error reply, e.g. "vb: expected revision 3, but it is at 4". */
int xl_client__format_error(const char *error_name, json_t *parameters, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
