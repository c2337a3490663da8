/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit trail in the log: who asked for a change (uid, pid, systemd
 * unit) and which programs it added and removed, each untrusted string
 * escaped and quoted so that no name, label or unit can forge a line or a
 * field of one. Pure but for xd_audit_caller() (it reads /proc).
 */
#ifndef XD_AUDIT_H
#define XD_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

/* Room for "uid=N pid=N unit=\"...\"" with an escaped unit name. */
#define XD_AUDIT_CALLER_MAX 600

/*
 * s escaped (xl_escape(), and '"' as \x22) between double quotes, into buf
 * (always NUL-terminated, cut short at an escape's boundary). Returns buf.
 */
char *xd_audit_quote(const char *s, char *buf, size_t len);

/*
 * The systemd unit of a /proc/PID/cgroup text: the first component of the
 * unified ("0::") path, else of the name=systemd one, that is not a slice.
 * -ENODATA when there is none (the root, only slices, no such line).
 */
int xd_audit_unit_from_cgroup(const char *text, char *buf, size_t len);

/* "uid=U pid=P unit=\"U\"" (the unit only when known); pid 0: not told. */
void xd_audit_format_caller(uid_t uid, pid_t pid, const char *unit, char *buf, size_t len);
/* The same for a live peer, its unit read from /proc/PID/cgroup: one small
 * read, no NSS lookup, nothing that can block. */
void xd_audit_caller(uid_t uid, pid_t pid, char *buf, size_t len);

/*
 * "; added ...; removed ..." for the attachment ids given: each as
 * #ID "name" (program P, object "O", label "L", owner "W"), looked up in
 * attachments (the set after, for additions; before, for removals),
 * escaped and quoted. Appended to buf (NUL-terminated, of len bytes);
 * when it runs out of room it ends with "and N more".
 */
void xd_audit_programs(char *buf, size_t len, const char *what, const uint32_t *ids, size_t n,
		       json_t *attachments);

#endif
