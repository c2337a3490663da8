/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench report: the per-packet table, the targets, the swap timings and the JSON results. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "bench.h"

struct target {
	char name[64];
	double value, limit;
	bool strict;		/* value < limit rather than <= */
	bool pass;
};

/* Append target "name": a/b against limit; returns the next free index. */
static int add_target(struct target *t, int n, const char *name, const struct meas *a,
		      const struct meas *b, double limit, bool strict)
{
	snprintf(t[n].name, sizeof(t[n].name), "%s", name);
	t[n].value = a->best / b->best;
	t[n].limit = limit;
	t[n].strict = strict;
	t[n].pass = strict ? t[n].value < limit : t[n].value <= limit;
	return n + 1;
}

/* One per libxdp size (in libxdp_n's order), then n=1 vs direct, then counters. */
static int collect_targets(const struct bench *b, struct target *t)
{
	char name[64];
	int n = 0;

	for (size_t i = 0; i < ELEMENTSOF(libxdp_n); i++) {
		snprintf(name, sizeof(name), "xdplinkd/libxdp at n=%d", libxdp_n[i]);
		n = add_target(t, n, name, find_meas(b, "xdplinkd", libxdp_n[i]),
			       find_meas(b, "libxdp", libxdp_n[i]), 1.0, false);
	}
	n = add_target(t, n, "xdplinkd n=1 / direct", find_meas(b, "xdplinkd", 1),
		       find_meas(b, "direct", 1), 1.05, false);
	snprintf(name, sizeof(name), "counters on/off at n=%d", COUNTERS_N);
	return add_target(t, n, name, find_meas(b, "xdplinkd+counters", COUNTERS_N),
			  find_meas(b, "xdplinkd", COUNTERS_N), 1.05, true);
}

static const char *verdict(const struct target *t)
{
	return t->pass ? "PASS" : "MISS";
}

static void print_cell(const struct meas *m)
{
	if (m)
		printf(" %12.1f", m->best);
	else
		printf(" %12s", "-");
}

static double best_of(const struct bench *b, const char *kind, int n)
{
	return find_meas(b, kind, n)->best;
}

/* One row a set size; t holds the xdplinkd/libxdp targets in the same order. */
static void print_rows(const struct bench *b, const struct target *t)
{
	for (size_t i = 0, j = 0; i < ELEMENTSOF(ours_n); i++) {
		int n = ours_n[i];
		const struct meas *l = find_meas(b, "libxdp", n);

		printf("%4d", n);
		print_cell(find_meas(b, "direct", n));
		print_cell(find_meas(b, "xdplinkd", n));
		print_cell(l);
		if (l) {
			printf(" %12.3f  %s\n", t[j].value, verdict(&t[j]));
			j++;
		} else {
			printf(" %12s  (libxdp stops at %d programs)\n", "-", LIBXDP_MAX);
		}
	}
}

static void print_table(const struct bench *b, const struct target *t)
{
	printf("\nper-packet cost, ns (best of %d rounds x %u runs, 64-byte UDP)\n",
	       b->o.rounds, b->o.repeat);
	printf("%4s %12s %12s %12s %12s  %s\n", "n", "direct", "xdplinkd", "libxdp",
	       "xdpl/libxdp", "target xdplinkd <= libxdp");
	print_rows(b, t);
	for (size_t i = ELEMENTSOF(libxdp_n); i < ELEMENTSOF(libxdp_n) + 2; i++)
		printf("%-32s %8.3f  %s (%s %.2f)\n", t[i].name, t[i].value, verdict(&t[i]),
		       t[i].strict ? "<" : "<=", t[i].limit);
	printf("%-32s %8.1f ns xdplinkd, %.1f ns libxdp\n", "per extra program, n=1 to 10",
	       (best_of(b, "xdplinkd", 10) - best_of(b, "xdplinkd", 1)) / 9,
	       (best_of(b, "libxdp", 10) - best_of(b, "libxdp", 1)) / 9);
	printf("%-32s %8.1f ns (counters off %.1f)\n", "xdplinkd n=10 counters on",
	       best_of(b, "xdplinkd+counters", COUNTERS_N), best_of(b, "xdplinkd", COUNTERS_N));
}

static double swap_ratio(const struct bench *b)
{
	return b->sw_engine.median / b->sw_floor.median;
}

static void print_swaps(const struct bench *b)
{
	printf("\nswap of one program in a %d-program set, ms (median of %d; best)\n", SWAP_SET,
	       b->sw_engine.n);
	printf("  xdplinkd xl_iface__apply      %9.2f  %9.2f\n", b->sw_engine.median,
	       b->sw_engine.best);
	printf("  raw syscalls (floor)          %9.2f  %9.2f\n", b->sw_floor.median,
	       b->sw_floor.best);
	printf("  (ELF open, not in the floor)  %9.2f  %9.2f\n", b->sw_open.median,
	       b->sw_open.best);
	printf("  ratio xdplinkd/floor          %9.2f\n", swap_ratio(b));
}

static void print_summary(const struct bench *b, const struct target *t, int nt)
{
	int pass = 0;

	for (int i = 0; i < nt; i++)
		pass += t[i].pass;
	printf("\nsummary: targets %d/%d PASS;", pass, nt);
	for (int i = 0; i < nt; i++)
		printf(" %s %.3f%s;", t[i].name, t[i].value, t[i].pass ? "" : " (MISS)");
	printf(" swap %.2f ms vs floor %.2f ms (x%.2f)\n", b->sw_engine.median, b->sw_floor.median,
	       swap_ratio(b));
}

/* ---- JSON ---------------------------------------------------------------- */

static json_t *json_doubles(const double *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

static json_t *json_meas(const struct meas *m, int rounds)
{
	return json_pack("{s:s, s:i, s:s, s:f, s:f, s:f, s:o}", "kind", m->kind, "n", m->n,
			 "runs", m->runs, "setup_ms", m->setup_ms, "best_ns", m->best,
			 "median_ns", m->median, "rounds_ns", json_doubles(m->ns, rounds));
}

static json_t *json_samples(const struct samples *s)
{
	return json_pack("{s:f, s:f, s:o}", "median_ms", s->median, "best_ms", s->best,
			 "samples_ms", json_doubles(s->ms, s->n));
}

static json_t *json_target(const struct target *t)
{
	return json_pack("{s:s, s:f, s:s, s:f, s:b}", "name", t->name, "value", t->value,
			 "op", t->strict ? "<" : "<=", "limit", t->limit, "pass", t->pass);
}

static json_t *json_results(const struct bench *b, const struct target *t, int nt)
{
	json_t *meas = json_array(), *tg = json_array();
	struct utsname u;

	uname(&u);
	for (int i = 0; i < b->n_meas; i++)
		json_array_append_new(meas, json_meas(&b->m[i], b->o.rounds));
	for (int i = 0; i < nt; i++)
		json_array_append_new(tg, json_target(&t[i]));
	return json_pack("{s:s, s:b, s:i, s:i, s:i, s:o, s:{s:i, s:o, s:o, s:o, s:f}, s:o}",
			 "kernel", u.release, "in_vm", getenv("XL_IN_VM") != NULL,
			 "packet_bytes", PKT_LEN, "repeat", (int)b->o.repeat, "rounds", b->o.rounds,
			 "per_packet", meas,
			 "swap", "set_size", SWAP_SET, "xdplinkd", json_samples(&b->sw_engine),
			 "floor", json_samples(&b->sw_floor), "elf_open", json_samples(&b->sw_open),
			 "ratio", swap_ratio(b),
			 "targets", tg);
}

/* To --json, else $XL_VM_OUT/bench.json, else nowhere. */
static int write_json(const struct bench *b, const struct target *t, int nt)
{
	char path[PATH_MAX];
	const char *out = getenv("XL_VM_OUT");
	json_auto_t *j = NULL;

	if (!b->o.json && !out)
		return 0;
	if (!b->o.json && path_join(path, out, "bench.json") < 0)
		return -ENAMETOOLONG;
	if (b->o.json)
		snprintf(path, sizeof(path), "%s", b->o.json);
	j = json_results(b, t, nt);
	if (!j)
		return fail(-ENOMEM, "building the JSON results");
	if (json_dump_file(j, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
		return fail(-EIO, "writing %s", path);
	printf("results: %s\n", path);
	return 0;
}

int report(const struct bench *b)
{
	struct target t[8];
	int nt = collect_targets(b, t);

	print_table(b, t);
	print_swaps(b);
	print_summary(b, t, nt);
	return write_json(b, t, nt);
}
