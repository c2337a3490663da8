/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-load slow: do misbehaving clients slow the others down? A probe
 * client times List calls (a) alone, (b) while K clients pipeline List
 * calls and never read a reply, so that the daemon's output to them backs
 * up, and (c) while K clients trickle a request that never ends, one byte
 * a second. Then it waits for the daemon to deal with them and says how
 * (what vl-link.c is meant to do: stop reading a connection whose unsent
 * output passed VL_WRITE_PAUSE, and close any connection idle, with no call
 * in progress, for IdleTimeoutSec — which a request that never completes
 * does not interrupt).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "load.h"
#include "xdplink/xdplink-client.h"

#define LIST_CALL "{\"method\":\"io.xdplink.Manager.List\"}"
/* Never completes: whitespace inside an object is valid JSON, forever. */
#define TRICKLE_PREFIX "{\"method\":\"io.xdplink.Manager.List\",\"parameters\":{"
/* What a hog sends at most: far more calls than the daemon answers before it pauses. */
#define HOG_BYTES_MAX (2U * 1024U * 1024U)
#define FILL_STABLE_USEC (500.0 * 1000.0)
#define FILL_TIMEOUT_USEC (60.0 * 1e6)
/* Beyond the idle timeout, how long to wait for the daemon to drop a client. */
#define DROP_SLACK_USEC (10.0 * 1e6)

struct bad {
	int fd;
	size_t sent;			/* bytes of requests written */
	double t_start, t_closed;	/* t_closed 0: still open */
	long inq, outq;			/* at the end of the fill */
	unsigned trickled;
};

/* N List calls on a fresh connection; errors printed and counted. */
static unsigned long probe(const struct load_opts *o, unsigned n, struct samples *s)
{
	struct xl_client_opts copts = { .sz = sizeof(copts), .timeout_usec = 30ULL * 1000000ULL };
	struct xl_client *c = NULL;
	unsigned long errors = 0;
	int r;

	r = xl_client__connect(o->socket, &copts, &c);
	if (r < 0) {
		fprintf(stderr, "xl-load: probe: connect: %s\n", errno_name(r));
		return n;
	}
	for (unsigned i = 0; i < n; i++) {
		json_t *ifs = NULL;
		double t0 = now_us();

		r = xl_client__list(c, NULL, &ifs);
		json_decref(ifs);
		if (r < 0) {
			if (errors++ < 5)
				fprintf(stderr, "xl-load: probe: List %u: %s\n", i, errno_name(r));
			if (r == -ETIMEDOUT || r == -ECONNRESET)
				break;	/* the connection is good for nothing now */
			continue;
		}
		if (samples_add(s, now_us() - t0) < 0)
			exit(1);
	}
	xl_client__free(c);
	return errors;
}

/* Connect and write pipelined List calls until the socket takes no more. */
static int hog_start(const struct load_opts *o, struct bad *b)
{
	static const char call[] = LIST_CALL;	/* with its NUL */

	*b = (struct bad){ .fd = raw_connect(o->socket), .t_start = now_us() };
	if (b->fd < 0)
		return b->fd;
	while (b->sent < HOG_BYTES_MAX) {
		ssize_t n = send(b->fd, call, sizeof(call), MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		b->sent += (size_t)n;
		if ((size_t)n < sizeof(call)) {
			/* The rest must follow, or the daemon would wait on a half call. */
			const char *rest = call + n;
			size_t left = sizeof(call) - (size_t)n;

			while (left > 0) {
				ssize_t m = send(b->fd, rest, left, MSG_NOSIGNAL);

				if (m < 0 && errno != EAGAIN && errno != EINTR)
					return -errno;
				if (m > 0) {
					rest += m;
					left -= (size_t)m;
					b->sent += (size_t)m;
				} else
					sleep_us(1000);
			}
			break;
		}
	}
	return 0;
}

/* Pipelined calls go on being sent for as long as the socket takes them. */
static int hog_top_up(struct bad *b)
{
	static const char call[] = LIST_CALL;
	ssize_t n;

	while (b->sent < HOG_BYTES_MAX) {
		n = send(b->fd, call, sizeof(call), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < (ssize_t)sizeof(call))
			return n < 0 && errno != EAGAIN ? -errno : 0;
		b->sent += (size_t)n;
	}
	return 0;
}

/*
 * Filled: nothing more arrives for FILL_STABLE_USEC although requests are
 * still queued unread towards the daemon: it stopped reading us.
 */
static int wait_filled(struct bad *bs, unsigned k, double *ret_usec)
{
	double t0 = now_us(), stable_since = now_us(), started = bs[0].t_start;
	long last = -1;

	for (;;) {
		long total = 0;

		for (unsigned i = 0; i < k; i++) {
			int r = hog_top_up(&bs[i]);

			if (r < 0)
				return r;
			bs[i].inq = raw_inq(bs[i].fd);
			bs[i].outq = raw_outq(bs[i].fd);
			total += bs[i].inq;
		}
		if (total != last) {
			last = total;
			stable_since = now_us();
		} else if (now_us() - stable_since >= FILL_STABLE_USEC)
			break;
		if (now_us() - t0 > FILL_TIMEOUT_USEC)
			return -ETIMEDOUT;
		sleep_us(50 * 1000);
	}
	/* From the first hog's connect to the last growth of what they hold. */
	*ret_usec = stable_since - started;
	return 0;
}

static void mark_closed(struct bad *bs, unsigned k)
{
	for (unsigned i = 0; i < k; i++)
		if (!bs[i].t_closed && raw_is_closed(bs[i].fd) == 1)
			bs[i].t_closed = now_us();
}

static unsigned count_closed(const struct bad *bs, unsigned k)
{
	unsigned n = 0;

	for (unsigned i = 0; i < k; i++)
		n += bs[i].t_closed != 0;
	return n;
}

/* One byte to each trickler still open; a failed send means it was dropped. */
static void trickle_once(struct bad *bs, unsigned k)
{
	static const char prefix[] = TRICKLE_PREFIX;

	for (unsigned i = 0; i < k; i++) {
		struct bad *b = &bs[i];
		char c = b->trickled < sizeof(prefix) - 1 ? prefix[b->trickled] : ' ';

		if (b->t_closed)
			continue;
		if (send(b->fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
			b->trickled++;
		else if (errno != EAGAIN && errno != EINTR)
			b->t_closed = now_us();
	}
	mark_closed(bs, k);
}

struct trickler {
	struct bad *bs;
	unsigned k;
	volatile bool stop;
};

static void *trickle_thread(void *arg)
{
	struct trickler *t = arg;

	while (!t->stop && count_closed(t->bs, t->k) < t->k) {
		trickle_once(t->bs, t->k);
		for (int i = 0; i < 10 && !t->stop; i++)
			sleep_us(100 * 1000);
	}
	return NULL;
}

/* Wait until every bad client is closed, or the idle timeout plus slack has passed. */
static void wait_dropped(const struct load_opts *o, struct bad *bs, unsigned k, double since)
{
	while (count_closed(bs, k) < k && now_us() - since < o->idle_timeout * 1e6 + DROP_SLACK_USEC) {
		mark_closed(bs, k);
		sleep_us(100 * 1000);
	}
}

/* Seconds from t_start (or from ref, if later) to the drop: min, max over the closed ones. */
static void drop_times(const struct bad *bs, unsigned k, double ref, double *min, double *max)
{
	*min = *max = 0;
	for (unsigned i = 0, first = 1; i < k; i++) {
		double d;

		if (!bs[i].t_closed)
			continue;
		d = (bs[i].t_closed - (ref > bs[i].t_start ? ref : bs[i].t_start)) / 1e6;
		if (first || d < *min)
			*min = d;
		if (first || d > *max)
			*max = d;
		first = 0;
	}
}

static void close_all(struct bad *bs, unsigned k)
{
	for (unsigned i = 0; i < k; i++)
		bs[i].fd = safe_close(bs[i].fd);
}

struct phase {
	const char *name;
	struct samples s;
	unsigned long errors;
};

static void print_phase(struct phase *p, struct phase *alone)
{
	double p50 = samples_pct(&p->s, 0.5), p99 = samples_pct(&p->s, 0.99);

	printf("   %-28s %6zu %9.3f %9.3f %9.3f", p->name, p->s.n, p50 / 1e3, p99 / 1e3,
	       samples_max(&p->s) / 1e3);
	if (p != alone)
		printf("   x%-5.2f x%-5.2f", p50 / samples_pct(&alone->s, 0.5),
		       p99 / samples_pct(&alone->s, 0.99));
	printf("   %lu\n", p->errors);
}

static json_t *phase_json(struct phase *p, struct phase *alone)
{
	json_t *j = samples_json(&p->s);

	json_object_set_new(j, "errors", json_integer((json_int_t)p->errors));
	if (p != alone) {
		json_object_set_new(j, "ratio_p50",
				    json_real(samples_pct(&p->s, 0.5) / samples_pct(&alone->s, 0.5)));
		json_object_set_new(j, "ratio_p99",
				    json_real(samples_pct(&p->s, 0.99) / samples_pct(&alone->s, 0.99)));
	}
	return j;
}

int load_slow(const struct load_opts *o, json_t *out)
{
	unsigned k = o->bad;
	_cleanup_free_ struct bad *hogs = calloc(k, sizeof(*hogs));
	_cleanup_free_ struct bad *tr = calloc(k, sizeof(*tr));
	struct phase ph[4] = {
		{ .name = "(a) alone" },
		{ .name = "(b) never-reading, filling" },
		{ .name = "(b) never-reading, full" },
		{ .name = "(c) trickling" },
	};
	struct trickler t = { .bs = tr, .k = k };
	double fill_usec = 0, t_full, hog_min, hog_max, tr_min, tr_max;
	long rss0, rss_full, rss_dropped, inq = 0, outq = 0;
	unsigned hogs_closed, tr_closed;
	unsigned long after_errors = 0;
	struct samples after = {};
	pthread_t thread;
	bool fail = false;
	int r;

	if (!hogs || !tr)
		return 1;
	rss0 = proc_rss_kib(o->daemon_pid);
	ph[0].errors = probe(o, o->probes, &ph[0].s);

	for (unsigned i = 0; i < k; i++) {
		r = hog_start(o, &hogs[i]);
		if (r < 0) {
			fprintf(stderr, "xl-load: never-reading client %u: %s\n", i, errno_name(r));
			return 1;
		}
	}
	ph[1].errors = probe(o, o->probes, &ph[1].s);
	r = wait_filled(hogs, k, &fill_usec);
	if (r < 0) {
		fprintf(stderr, "xl-load: the never-reading clients did not fill: %s\n", errno_name(r));
		return 1;
	}
	t_full = now_us();
	rss_full = proc_rss_kib(o->daemon_pid);
	for (unsigned i = 0; i < k; i++) {
		inq += hogs[i].inq;
		outq += hogs[i].outq;
	}
	ph[2].errors = probe(o, o->probes, &ph[2].s);
	mark_closed(hogs, k);
	if (count_closed(hogs, k) > 0)
		printf("   note: %u never-reading clients were dropped before the probe ended\n",
		       count_closed(hogs, k));
	wait_dropped(o, hogs, k, t_full);
	hogs_closed = count_closed(hogs, k);
	sleep_us(200 * 1000);	/* the daemon frees their output after closing */
	rss_dropped = proc_rss_kib(o->daemon_pid);
	drop_times(hogs, k, t_full, &hog_min, &hog_max);
	close_all(hogs, k);

	for (unsigned i = 0; i < k; i++) {
		tr[i] = (struct bad){ .fd = raw_connect(o->socket), .t_start = now_us() };
		if (tr[i].fd < 0) {
			fprintf(stderr, "xl-load: trickling client %u: %s\n", i, errno_name(tr[i].fd));
			return 1;
		}
	}
	r = -pthread_create(&thread, NULL, trickle_thread, &t);
	if (r < 0) {
		fprintf(stderr, "xl-load: pthread_create: %s\n", errno_name(r));
		return 1;
	}
	sleep_us(1.5e6);	/* every trickler is mid-request */
	ph[3].errors = probe(o, o->probes, &ph[3].s);
	wait_dropped(o, tr, k, tr[0].t_start);
	t.stop = true;
	pthread_join(thread, NULL);
	tr_closed = count_closed(tr, k);
	drop_times(tr, k, 0, &tr_min, &tr_max);
	close_all(tr, k);

	after_errors = probe(o, 100, &after);

	printf("== 2. slow clients: probe List latency, %u calls per phase, %u bad clients\n",
	       o->probes, k);
	printf("   %-28s %6s %9s %9s %9s   %-6s %-6s   %s\n", "phase", "calls", "p50 ms", "p99 ms",
	       "max ms", "p50", "p99", "errors");
	for (int i = 0; i < 4; i++)
		print_phase(&ph[i], &ph[0]);
	printf("   never-reading: %u sent %zu bytes of List calls each; full after %.2f s:\n"
	       "     %ld bytes of replies queued to them unread, %ld bytes of their calls left\n"
	       "     unread by the daemon (it stopped reading them)\n"
	       "     daemon RSS %ld KiB before, %ld when full, %ld after the drops\n",
	       k, hogs[0].sent, fill_usec / 1e6, inq, outq, rss0, rss_full, rss_dropped);
	printf("     dropped by the daemon: %u of %u, %.1f to %.1f s after they were full"
	       " (idle timeout %.0f s)\n", hogs_closed, k, hog_min, hog_max, o->idle_timeout);
	printf("   trickling: %u clients, one byte a second of a call never finished;\n"
	       "     dropped by the daemon: %u of %u, %.1f to %.1f s after connecting\n",
	       k, tr_closed, k, tr_min, tr_max);
	printf("   afterwards: %zu of 100 List calls answered, p50 %.3f ms; daemon %s\n",
	       after.n, samples_pct(&after, 0.5) / 1e3,
	       proc_alive(o->daemon_pid) ? "alive" : "DEAD");

	json_object_set_new(out, "slow", json_pack(
		"{s:i,s:i,s:f,s:{s:o,s:o,s:o,s:o},"
		"s:{s:I,s:f,s:I,s:I,s:I,s:I,s:I,s:i,s:f,s:f},"
		"s:{s:i,s:f,s:f},s:{s:I,s:I}}",
		"bad_clients", k, "probe_calls", o->probes, "idle_timeout_s", o->idle_timeout,
		"probe", "alone", phase_json(&ph[0], &ph[0]),
		"never_reading_filling", phase_json(&ph[1], &ph[0]),
		"never_reading_full", phase_json(&ph[2], &ph[0]),
		"trickling", phase_json(&ph[3], &ph[0]),
		"never_reading", "sent_bytes_each", (json_int_t)hogs[0].sent,
		"fill_s", fill_usec / 1e6, "replies_unread_bytes", (json_int_t)inq,
		"calls_unread_by_daemon_bytes", (json_int_t)outq,
		"daemon_rss_kib_before", (json_int_t)rss0, "daemon_rss_kib_full", (json_int_t)rss_full,
		"daemon_rss_kib_dropped", (json_int_t)rss_dropped,
		"dropped", hogs_closed, "drop_after_full_s_min", hog_min, "drop_after_full_s_max", hog_max,
		"trickling", "dropped", tr_closed, "drop_after_connect_s_min", tr_min,
		"drop_after_connect_s_max", tr_max,
		"afterwards", "answered", (json_int_t)after.n, "errors", (json_int_t)after_errors));

	for (int i = 0; i < 4; i++) {
		fail |= ph[i].errors > 0;
		samples_done(&ph[i].s);
	}
	fail |= after_errors > 0 || after.n != 100 || !proc_alive(o->daemon_pid);
	/* Not dropping them is what the daemon is designed to do, unless it never times out. */
	if (o->idle_timeout > 0 && (hogs_closed < k || tr_closed < k)) {
		fprintf(stderr, "xl-load: the daemon did not drop every misbehaving client\n");
		fail = true;
	}
	samples_done(&after);
	return fail ? 1 : 0;
}

/* xl-load hog: one never-reading client, for the integration test. */
int load_hog(const struct load_opts *o)
{
	struct bad b;
	double fill;
	int r;

	r = hog_start(o, &b);
	if (r >= 0)
		r = wait_filled(&b, 1, &fill);
	if (r < 0) {
		fprintf(stderr, "xl-load hog: %s\n", errno_name(r));
		return 1;
	}
	printf("full: sent %zu, unread replies %ld, calls unread by the daemon %ld\n", b.sent,
	       b.inq, b.outq);
	fflush(stdout);
	double t_full = now_us();
	wait_dropped(o, &b, 1, t_full);
	if (!b.t_closed) {
		printf("still connected after %.1f s\n", (now_us() - t_full) / 1e6);
		return 3;
	}
	printf("dropped %.1f s after it was full\n", (b.t_closed - t_full) / 1e6);
	safe_close(b.fd);
	return 0;
}

/* xl-load trickle: one client trickling a call that never ends. */
int load_trickle(const struct load_opts *o)
{
	struct bad b = { .fd = raw_connect(o->socket), .t_start = now_us() };

	if (b.fd < 0) {
		fprintf(stderr, "xl-load trickle: connect: %s\n", errno_name(b.fd));
		return 1;
	}
	printf("connected\n");
	fflush(stdout);
	while (!b.t_closed && now_us() - b.t_start < o->idle_timeout * 1e6 + DROP_SLACK_USEC) {
		trickle_once(&b, 1);
		sleep_us(1e6);
	}
	if (!b.t_closed) {
		printf("still connected after %.1f s, %u bytes sent\n",
		       (now_us() - b.t_start) / 1e6, b.trickled);
		return 3;
	}
	printf("dropped %.1f s after connecting, %u bytes sent\n",
	       (b.t_closed - b.t_start) / 1e6, b.trickled);
	safe_close(b.fd);
	return 0;
}
