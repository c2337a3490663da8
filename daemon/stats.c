/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's statistics about itself (stats.h), and the Statistics reply. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "iface.h"
#include "job.h"
#include "manager.h"
#include "stats.h"
#include "vl-server.h"

struct error_count {
	char name[128];
	uint64_t count;
};

/* Written by whichever thread replies or commits, read by the main thread:
 * one lock keeps ThreadSanitizer and the numbers honest. */
static struct {
	pthread_mutex_t lock;
	uint64_t start_usec;
	uint64_t revisions;
	uint64_t refused;
	struct error_count errors[XD_STATS_ERROR_NAMES];
	size_t n_errors;
	uint64_t errors_other;
	uint64_t recovery_usec, recovery_link_updates;
	unsigned recovery_interfaces, recovery_refused;
} stats = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t realtime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

void xd_stats_start(void)
{
	uint64_t now = realtime_usec();

	pthread_mutex_lock(&stats.lock);
	stats.start_usec = now;
	pthread_mutex_unlock(&stats.lock);
}

/* Error names are the server's own (constants of the IDL and of
 * org.varlink.service), so the table stays small; the cap is a guard. */
void xd_stats_error(const char *name)
{
	size_t i;

	if (!name)
		return;
	pthread_mutex_lock(&stats.lock);
	for (i = 0; i < stats.n_errors; i++)
		if (strcmp(stats.errors[i].name, name) == 0)
			break;
	if (i == stats.n_errors && i < XD_STATS_ERROR_NAMES &&
	    strlen(name) < sizeof(stats.errors[i].name)) {
		snprintf(stats.errors[i].name, sizeof(stats.errors[i].name), "%s", name);
		stats.n_errors++;
	}
	if (i < stats.n_errors)
		stats.errors[i].count++;
	else
		stats.errors_other++;
	pthread_mutex_unlock(&stats.lock);
}

void xd_stats_revision(void)
{
	pthread_mutex_lock(&stats.lock);
	stats.revisions++;
	pthread_mutex_unlock(&stats.lock);
}

void xd_stats_change_refused(void)
{
	pthread_mutex_lock(&stats.lock);
	stats.refused++;
	pthread_mutex_unlock(&stats.lock);
}

void xd_stats_recovery(uint64_t usec, uint64_t link_updates, unsigned interfaces,
		       unsigned refused)
{
	pthread_mutex_lock(&stats.lock);
	stats.recovery_usec = usec;
	stats.recovery_link_updates = link_updates;
	stats.recovery_interfaces = interfaces;
	stats.recovery_refused = refused;
	pthread_mutex_unlock(&stats.lock);
}

/* Jobs waiting behind the running one of their interface, and the interfaces known. */
static void count_jobs(struct manager *m, uint64_t *queued, uint64_t *ifaces)
{
	*queued = *ifaces = 0;
	for (struct xd_iface *rec = m->ifaces; rec; rec = rec->next) {
		(*ifaces)++;
		for (struct xd_job *j = rec->queue; j; j = j->next)
			(*queued)++;
	}
}

static json_t *errors_to_json(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < stats.n_errors; i++)
		json_array_append_new(a, json_pack("{s:s,s:I}", "error", stats.errors[i].name,
						   "count", (json_int_t)stats.errors[i].count));
	if (a && stats.errors_other)
		json_array_append_new(a, json_pack("{s:s,s:I}", "error", "other",
						   "count", (json_int_t)stats.errors_other));
	return a;
}

json_t *xd_stats_to_json(struct manager *m)
{
	uint64_t queued, ifaces;
	json_t *reply;

	count_jobs(m, &queued, &ifaces);
	pthread_mutex_lock(&stats.lock);
	reply = json_pack("{s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:i,s:i,s:i,s:I,s:I,s:i,s:I}",
			  "startTimeUsec", (json_int_t)stats.start_usec,
			  "revisions", (json_int_t)stats.revisions,
			  "linkUpdates", (json_int_t)(m->engine ? xl_engine__link_updates(m->engine) : 0),
			  "changesRefused", (json_int_t)stats.refused,
			  "errors", errors_to_json(),
			  "recoveryUsec", (json_int_t)stats.recovery_usec,
			  "recoveryLinkUpdates", (json_int_t)stats.recovery_link_updates,
			  "recoveredInterfaces", (int)stats.recovery_interfaces,
			  "recoveryRefused", (int)stats.recovery_refused,
			  "connections", (int)(m->server ? vl_server_connections(m->server) : 0),
			  "connectionsAccepted",
			  (json_int_t)(m->server ? vl_server_connections_accepted(m->server) : 0),
			  "jobsQueued", (json_int_t)queued,
			  "jobsRunning", (int)xd_jobs_running(m->jobs),
			  "interfaces", (json_int_t)ifaces);
	pthread_mutex_unlock(&stats.lock);
	return reply;
}
