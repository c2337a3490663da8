/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-zerogap: the swap driver of the zero-gap test. Through the real
 * xdplinkd (libxdplink-client, one connection, so that no process start
 * paces the swaps) it replaces an interface's whole set N times. Every set
 * holds the counting program of tests/bpf/xl_zerogap.bpf.c; its other
 * programs (xl_pass_N of xl_test_progs.bpf.o) change on every swap, and
 * the sets cycle through sizes with the counting program at different
 * places in the run order. After each swap it checks that one really
 * happened: the revision advanced by one, List shows the expected programs
 * in order, and the link runs a new entry program.
 *
 *   xl-zerogap --socket PATH --iface NAME --count-object OBJ --object OBJ
 *              --map PIN --swaps N [--gap-at I]
 *   xl-zerogap --map PIN --read
 *
 * --gap-at I leaves the counting program out of swap I's set (I must be
 * a swap with other programs: not 2, 9, 16...), so that the test can show
 * it notices packets nobody counted.
 *
 * Prints one JSON line: swaps, seconds, swaps per second, revisions, swap
 * latencies and the counting map's totals before and after. Exit 1 on the
 * first swap that fails or does not check out.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdplink/xdplink-client.h"
#include "xl-util.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define COUNT_PROG "xl_zg_count_flow"
#define COUNT_PRIORITY 500
#define N_PASS 60		/* xl_pass_0 .. xl_pass_59 */
#define MAX_OTHERS 9

/* Sizes of the other programs, cycled; neighbours differ, so every swap
 * changes the set. 0: the counting program alone. */
static const unsigned others_cycle[] = { 3, 0, 1, 6, 2, 9, 4 };

struct opts {
	const char *socket;
	const char *iface;
	const char *count_object;
	const char *object;
	const char *map;
	unsigned swaps;
	unsigned gap_at;	/* the swap whose set lacks the counting program; 0: none */
	bool read_only;
};

struct set {
	struct xl_client_program progs[MAX_OTHERS + 1];
	char names[MAX_OTHERS + 1][32];
	const char *order[MAX_OTHERS + 1];	/* names in run order */
	size_t n;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sum over CPUs of both rows of the pinned per-CPU counting map. */
static int read_counts(const char *pin, __u64 *ret_flow, __u64 *ret_other)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ __u64 *vals = NULL;
	__u64 sum[2] = { 0, 0 };
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0) {
		fprintf(stderr, "xl-zerogap: cannot count CPUs: %s\n", errno_name(ncpu));
		return ncpu ? ncpu : -EINVAL;
	}
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		fprintf(stderr, "xl-zerogap: %s: %s\n", pin, errno_name(errno));
		return -errno;
	}
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (__u32 key = 0; key < 2; key++) {
		if (bpf_map_lookup_elem(fd, &key, vals) < 0) {
			fprintf(stderr, "xl-zerogap: lookup %s[%u]: %s\n", pin, key, errno_name(errno));
			return -errno;
		}
		for (int c = 0; c < ncpu; c++)
			sum[key] += vals[c];
	}
	*ret_flow = sum[0];
	*ret_other = sum[1];
	return 0;
}

/* Set number i: the counting program at priority 500, and others_cycle[]
 * others, alternately before and after it, named from a window that moves
 * by 11 each swap. */
static void make_set(const struct opts *o, unsigned i, struct set *s)
{
	unsigned n_others = others_cycle[i % ARRAY_SIZE(others_cycle)];
	const char *before[MAX_OTHERS + 1], *after[MAX_OTHERS + 1];
	size_t nb = 0, na = 0, k = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->names[0], sizeof(s->names[0]), COUNT_PROG);
	s->progs[0] = (struct xl_client_program){
		.sz = sizeof(s->progs[0]), .object = o->count_object, .object_fd = -1,
		.prog_name = s->names[0], .priority = COUNT_PRIORITY,
	};
	for (unsigned j = 0; j < n_others; j++) {
		bool first = j % 2 == 0;

		snprintf(s->names[j + 1], sizeof(s->names[j + 1]), "xl_pass_%u",
			 (i * 11 + j) % N_PASS);
		s->progs[j + 1] = (struct xl_client_program){
			.sz = sizeof(s->progs[0]), .object = o->object, .object_fd = -1,
			.prog_name = s->names[j + 1],
			/* Distinct priorities: the run order is fully defined. */
			.priority = (int)(first ? 100 + j : 600 + j),
		};
		if (first)
			before[nb++] = s->names[j + 1];
		else
			after[na++] = s->names[j + 1];
	}
	s->n = n_others + 1;
	for (size_t j = 0; j < nb; j++)
		s->order[k++] = before[j];
	if (i != o->gap_at)
		s->order[k++] = s->names[0];
	for (size_t j = 0; j < na; j++)
		s->order[k++] = after[j];
	if (i == o->gap_at && n_others > 0) {
		/* The test of the test: a revision that does not count. */
		memmove(&s->progs[0], &s->progs[1], n_others * sizeof(s->progs[0]));
		s->n = n_others;
	}
}

/* The interface as List shows it: revision, entry program, and whether
 * its attachments are exactly s->order (s NULL: don't compare). */
static int list_iface(struct xl_client *c, const char *iface, const struct set *s,
		      __u64 *ret_rev, __u64 *ret_entry)
{
	json_t *ifaces = NULL, *ifc, *atts;
	int r;

	r = xl_client__list(c, iface, &ifaces);
	if (r < 0) {
		fprintf(stderr, "xl-zerogap: List %s: %s\n", iface, errno_name(r));
		return r;
	}
	ifc = json_array_get(ifaces, 0);
	*ret_rev = (__u64)json_integer_value(json_object_get(ifc, "revision"));
	*ret_entry = (__u64)json_integer_value(json_object_get(ifc, "entryProgramId"));
	atts = json_object_get(ifc, "attachments");
	if (s && json_array_size(atts) != s->n) {
		fprintf(stderr, "xl-zerogap: List shows %zu programs, expected %zu\n",
			json_array_size(atts), s->n);
		r = -EPROTO;
	}
	for (size_t j = 0; s && r == 0 && j < s->n; j++) {
		const char *name = json_string_value(
			json_object_get(json_array_get(atts, j), "name"));

		if (!name || strcmp(name, s->order[j]) != 0) {
			fprintf(stderr, "xl-zerogap: List shows %s at %zu, expected %s\n",
				name ? name : "(none)", j, s->order[j]);
			r = -EPROTO;
		}
	}
	json_decref(ifaces);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_swaps(const struct opts *o)
{
	_cleanup_free_ double *lat = calloc(o->swaps ? o->swaps : 1, sizeof(double));
	struct xl_client_opts copts = { .sz = sizeof(copts), .timeout_usec = 60 * 1000000ULL };
	struct xl_client_change_opts change = { .sz = sizeof(change) };
	struct xl_client *c = NULL;
	__u64 rev0, rev, entry, new_entry, flow0, other0, flow1, other1;
	double t0, secs;
	unsigned done = 0;
	int r;

	if (!lat)
		return -ENOMEM;
	r = xl_client__connect(o->socket, &copts, &c);
	if (r < 0) {
		fprintf(stderr, "xl-zerogap: connect %s: %s\n", o->socket, errno_name(r));
		return r;
	}
	r = list_iface(c, o->iface, NULL, &rev0, &entry);
	if (r == 0)
		r = read_counts(o->map, &flow0, &other0);
	rev = rev0;
	t0 = now();
	for (; r == 0 && done < o->swaps; done++) {
		struct xl_client_result res = { 0 };
		struct set s;
		__u64 listed;
		double ts = now();

		make_set(o, done + 1, &s);
		change.expected_revision = rev;
		r = xl_client__replace(c, o->iface, s.progs, s.n, &change, &res);
		lat[done] = now() - ts;
		if (r < 0) {
			const struct xl_client_error *e = xl_client__last_error(c);

			fprintf(stderr, "xl-zerogap: swap %u: Replace: %s%s%s\n", done + 1,
				errno_name(r), e ? ": " : "", e ? e->message : "");
			break;
		}
		if (res.revision != rev + 1) {
			fprintf(stderr, "xl-zerogap: swap %u: revision %llu after %llu\n", done + 1,
				(unsigned long long)res.revision, (unsigned long long)rev);
			r = -EPROTO;
			break;
		}
		r = list_iface(c, o->iface, &s, &listed, &new_entry);
		if (r == 0 && listed != res.revision) {
			fprintf(stderr, "xl-zerogap: swap %u: List says revision %llu, Replace %llu\n",
				done + 1, (unsigned long long)listed, (unsigned long long)res.revision);
			r = -EPROTO;
		}
		if (r == 0 && new_entry == entry) {
			fprintf(stderr, "xl-zerogap: swap %u: the link still runs program %llu\n",
				done + 1, (unsigned long long)entry);
			r = -EPROTO;
		}
		if (r < 0)
			break;
		rev = res.revision;
		entry = new_entry;
	}
	secs = now() - t0;
	xl_client__free(c);
	if (r == 0)
		r = read_counts(o->map, &flow1, &other1);
	if (r < 0)
		return r;
	qsort(lat, done, sizeof(*lat), cmp_double);
	printf("{\"swaps\": %u, \"seconds\": %.3f, \"swaps_per_second\": %.1f, "
	       "\"first_revision\": %llu, \"last_revision\": %llu, "
	       "\"swap_ms\": {\"min\": %.2f, \"median\": %.2f, \"max\": %.2f}, "
	       "\"counted_before\": %llu, \"counted_after\": %llu, "
	       "\"other_before\": %llu, \"other_after\": %llu}\n",
	       done, secs, secs > 0 ? done / secs : 0.0, (unsigned long long)rev0,
	       (unsigned long long)rev, done ? lat[0] * 1e3 : 0.0,
	       done ? lat[done / 2] * 1e3 : 0.0, done ? lat[done - 1] * 1e3 : 0.0,
	       (unsigned long long)flow0, (unsigned long long)flow1,
	       (unsigned long long)other0, (unsigned long long)other1);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xl-zerogap --socket PATH --iface NAME --count-object OBJ --object OBJ "
		   "--map PIN --swaps N [--gap-at I]\n"
		   "       xl-zerogap --map PIN --read\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "iface", required_argument, NULL, 'i' },
		{ "count-object", required_argument, NULL, 'c' },
		{ "object", required_argument, NULL, 'o' },
		{ "map", required_argument, NULL, 'm' },
		{ "swaps", required_argument, NULL, 'n' },
		{ "gap-at", required_argument, NULL, 'g' },
		{ "read", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct opts){ .swaps = 100 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'i': o->iface = optarg; break;
		case 'c': o->count_object = optarg; break;
		case 'o': o->object = optarg; break;
		case 'm': o->map = optarg; break;
		case 'n': o->swaps = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'g': o->gap_at = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': o->read_only = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind != argc || !o->map ||
	    (!o->read_only && (!o->socket || !o->iface || !o->count_object || !o->object))) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	__u64 flow, other;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (o.read_only) {
		if (read_counts(o.map, &flow, &other) < 0)
			return 1;
		printf("{\"counted\": %llu, \"other\": %llu}\n", (unsigned long long)flow,
		       (unsigned long long)other);
		return 0;
	}
	return run_swaps(&o) < 0 ? 1 : 0;
}
