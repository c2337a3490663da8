/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging: the journal with structured fields under systemd, stderr otherwise. */
#ifndef XD_LOG_H
#define XD_LOG_H

#include <stdint.h>
#include <syslog.h>

#include "xl-util.h"

void log_setup(void);
/* Route libbpf and libxdp messages to debug logging. */
void log_setup_libraries(void);
void log_set_max_level(int level);
int log_get_max_level(void);

/*
 * Log once, at the boundary, and hand the error back:
 *   return log_error_errno(r, "Failed to bind %s: %m", path);
 * %m is the error given (r < 0); the journal also gets ERRNO=. ifname and
 * revision, when set, become INTERFACE= and REVISION= fields.
 */
_printf_(5, 6) int log_internal(int level, int error, const char *ifname, uint64_t revision,
				const char *fmt, ...);

/*
 * A message whose every untrusted part was escaped by its writer already
 * (audit.h quotes names, so that a quote in one cannot end it): logged as
 * it is. ifname is escaped here, as log_internal() does.
 */
int log_escaped(int level, int error, const char *ifname, uint64_t revision, const char *msg);

#define log_full_errno(level, error, ...) log_internal(level, error, NULL, 0, __VA_ARGS__)
#define log_debug(...) log_internal(LOG_DEBUG, 0, NULL, 0, __VA_ARGS__)
#define log_info(...) log_internal(LOG_INFO, 0, NULL, 0, __VA_ARGS__)
#define log_notice(...) log_internal(LOG_NOTICE, 0, NULL, 0, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, 0, NULL, 0, __VA_ARGS__)
#define log_error(...) log_internal(LOG_ERR, 0, NULL, 0, __VA_ARGS__)
#define log_warning_errno(error, ...) log_internal(LOG_WARNING, error, NULL, 0, __VA_ARGS__)
#define log_error_errno(error, ...) log_internal(LOG_ERR, error, NULL, 0, __VA_ARGS__)
#define log_oom() log_error_errno(-ENOMEM, "Out of memory")
/* An event on one interface. */
#define log_iface(level, ifname, revision, ...) \
	log_internal(level, 0, ifname, revision, __VA_ARGS__)
#define log_iface_errno(level, error, ifname, ...) \
	log_internal(level, error, ifname, 0, __VA_ARGS__)

#endif
