/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging: the journal with structured fields under systemd, stderr otherwise. */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-journal.h>
#include <xdp/libxdp.h>

#include "log.h"
#include "xl-escape.h"

static int max_level = LOG_INFO;
static bool to_journal;
static bool level_prefix;

/* systemd sets JOURNAL_STREAM to stderr's device:inode when stderr is
 * connected to the journal; then structured records are worth sending.
 * Otherwise stderr lines start with sd-daemon(3)'s "<N>" when stderr is no
 * terminal: a supervisor that reads them (journald, through a pipe or a
 * socket it did not announce) files each at its own level, not all at one. */
void log_setup(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	level_prefix = !isatty(STDERR_FILENO);
	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return;
	to_journal = st.st_dev == dev && st.st_ino == ino;
}

/* Workers log (libbpf's messages) while a Reload may change the level. */
void log_set_max_level(int level) { __atomic_store_n(&max_level, level, __ATOMIC_RELAXED); }
int log_get_max_level(void) { return __atomic_load_n(&max_level, __ATOMIC_RELAXED); }

static void log_journal(int level, int error, const char *ifname, uint64_t revision,
			const char *msg)
{
	char prio[16], err[32], rev[40], iface[96], m[4200];
	struct iovec iov[6];
	int n = 0;

#define ADD(buf, ...) do { \
		snprintf(buf, sizeof(buf), __VA_ARGS__); \
		iov[n++] = (struct iovec){ .iov_base = buf, .iov_len = strlen(buf) }; \
	} while (0)
	ADD(m, "MESSAGE=%s", msg);
	ADD(prio, "PRIORITY=%d", level);
	iov[n++] = (struct iovec){ .iov_base = (char *)"SYSLOG_IDENTIFIER=xdplinkd",
				   .iov_len = strlen("SYSLOG_IDENTIFIER=xdplinkd") };
	if (error)
		ADD(err, "ERRNO=%d", error < 0 ? -error : error);
	if (ifname)
		ADD(iface, "INTERFACE=%s", ifname);
	if (revision)
		ADD(rev, "REVISION=%" PRIu64, revision);
#undef ADD
	sd_journal_sendv(iov, n);
}

/* msg and ifname are escaped already. */
static void log_emit(int level, int error, const char *ifname, uint64_t revision,
		     const char *msg)
{
	if (to_journal)
		log_journal(level, error, ifname, revision, msg);
	else if (level_prefix)
		fprintf(stderr, "<%d>xdplinkd: %s\n", LOG_PRI(level), msg);
	else
		fprintf(stderr, "xdplinkd: %s\n", msg);
}

int log_internal(int level, int error, const char *ifname, uint64_t revision,
		 const char *fmt, ...)
{
	int saved = errno;
	char raw[2048], msg[4096], name[4 * IF_NAMESIZE + 1];
	va_list ap;

	if (level > log_get_max_level())
		return error < 0 ? error : -abs(error);
	errno = error < 0 ? -error : error;	/* for %m */
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* Messages carry what callers chose (labels, names, paths): escaped,
	 * so that none can forge a line or drive the terminal of whoever
	 * reads the log (issue 12). */
	xl_escape(raw, msg, sizeof(msg));
	if (ifname)
		ifname = xl_escape(ifname, name, sizeof(name));
	log_emit(level, error, ifname, revision, msg);
	errno = saved;
	return error < 0 ? error : -abs(error);
}

int log_escaped(int level, int error, const char *ifname, uint64_t revision, const char *msg)
{
	char name[4 * IF_NAMESIZE + 1];

	if (level <= log_get_max_level()) {
		if (ifname)
			ifname = xl_escape(ifname, name, sizeof(name));
		log_emit(level, error, ifname, revision, msg);
	}
	return error < 0 ? error : -abs(error);
}

/* libbpf and libxdp talk a lot, and expectedly fail during feature
 * probes; what matters reaches clients through the engine's errors. */
static int library_print(const char *fmt, va_list ap)
{
	char msg[1024];
	size_t n;

	if (log_get_max_level() < LOG_DEBUG)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_debug("%s", msg);
	return 0;
}

static int libbpf_print(enum libbpf_print_level level _unused_, const char *fmt, va_list ap)
{
	return library_print(fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level _unused_, const char *fmt, va_list ap)
{
	return library_print(fmt, ap);
}

void log_setup_libraries(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
