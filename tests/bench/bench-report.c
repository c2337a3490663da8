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
	double per_load[MAX_LOADS];	/* the ratio of the two bests of each load */
	int loads;
	double lo, hi;		/* their range */
};

/* a/b load by load: the ratio within one time window, over one placement of each. */
static void per_load(struct target *t, const struct meas *a, const struct meas *b)
{
	t->loads = a->loads < b->loads ? a->loads : b->loads;
	for (int i = 0; i < t->loads; i++) {
		double v = a->load[i].best / b->load[i].best;

		t->per_load[i] = v;
		t->lo = i == 0 || v < t->lo ? v : t->lo;
		t->hi = i == 0 || v > t->hi ? v : t->hi;
	}
}

/* Append target "name": a/b (medians over loads) against limit; returns the next free index. */
static int add_target(struct target *t, int n, const char *name, const struct meas *a,
		      const struct meas *b, double limit, bool strict)
{
	snprintf(t[n].name, sizeof(t[n].name), "%s", name);
	t[n].value = a->ns / b->ns;
	t[n].limit = limit;
	t[n].strict = strict;
	t[n].pass = strict ? t[n].value < limit : t[n].value <= limit;
	per_load(&t[n], a, b);
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

/* The figure, and its spread: (max - min) / median of the loads' bests. */
static void print_cell(const struct meas *m)
{
	if (!m)
		printf(" %9s %6s", "-", "-");
	else if (m->loads < 2)
		printf(" %9.1f %6s", m->ns, "-");
	else
		printf(" %9.1f %5.1f%%", m->ns, (m->hi - m->lo) / m->ns * 100);
}

static double ns_of(const struct bench *b, const char *kind, int n)
{
	return find_meas(b, kind, n)->ns;
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
			printf(" %7.3f %5.3f..%5.3f  %s\n", t[j].value, t[j].lo, t[j].hi,
			       verdict(&t[j]));
			j++;
		} else {
			printf(" %7s %12s  (libxdp stops at %d programs)\n", "-", "", LIBXDP_MAX);
		}
	}
}

/* Sets measured in fewer loads than asked (n=63), said under the table. */
static void print_fewer_loads(const struct bench *b)
{
	for (int i = 0; i < b->n_meas; i++)
		if (b->m[i].loads < b->o.loads)
			printf("%s n=%d: %d load%s of %d only (no target, and the longest runs)\n",
			       b->m[i].kind, b->m[i].n, b->m[i].loads,
			       b->m[i].loads == 1 ? "" : "s", b->o.loads);
}

static void print_target(const struct target *t)
{
	printf("%-32s %8.3f  %s (%s %.2f; per load %.3f..%.3f)\n", t->name, t->value,
	       verdict(t), t->strict ? "<" : "<=", t->limit, t->lo, t->hi);
}

static void print_table(const struct bench *b, const struct target *t)
{
	printf("\nper-packet cost, ns: median over %d loads of each load's best of %d rounds"
	       " x %u runs (64-byte UDP);\nspread: (max - min) / median of the loads' bests;"
	       " per load: the ratio's range over the loads\n",
	       b->o.loads, b->o.rounds, b->o.repeat);
	printf("%4s %9s %6s %9s %6s %9s %6s %7s %12s  %s\n", "n", "direct", "spread",
	       "xdplinkd", "spread", "libxdp", "spread", "xdpl/lx", "per load",
	       "target xdplinkd <= libxdp");
	print_rows(b, t);
	print_fewer_loads(b);
	for (size_t i = ELEMENTSOF(libxdp_n); i < ELEMENTSOF(libxdp_n) + 2; i++)
		print_target(&t[i]);
	printf("%-32s %8.1f ns xdplinkd, %.1f ns libxdp\n", "per extra program, n=1 to 10",
	       (ns_of(b, "xdplinkd", 10) - ns_of(b, "xdplinkd", 1)) / 9,
	       (ns_of(b, "libxdp", 10) - ns_of(b, "libxdp", 1)) / 9);
	printf("%-32s %8.1f ns (counters off %.1f)\n", "xdplinkd n=10 counters on",
	       ns_of(b, "xdplinkd+counters", COUNTERS_N), ns_of(b, "xdplinkd", COUNTERS_N));
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

static json_t *json_load(const struct load *l, int rounds)
{
	char jit[32];

	snprintf(jit, sizeof(jit), "0x%llx", (unsigned long long)l->jit);
	return json_pack("{s:f, s:s, s:f, s:f, s:o}", "setup_ms", l->setup_ms, "entry_jit", jit,
			 "best_ns", l->best, "median_ns", l->median,
			 "rounds_ns", json_doubles(l->ns, rounds));
}

static json_t *json_meas(const struct meas *m, int rounds)
{
	json_t *loads = json_array();

	for (int i = 0; i < m->loads; i++)
		json_array_append_new(loads, json_load(&m->load[i], rounds));
	return json_pack("{s:s, s:i, s:s, s:f, s:[f, f], s:o}", "kind", m->kind, "n", m->n,
			 "runs", m->runs, "ns", m->ns, "spread_ns", m->lo, m->hi,
			 "loads", loads);
}

static json_t *json_samples(const struct samples *s)
{
	return json_pack("{s:f, s:f, s:o}", "median_ms", s->median, "best_ms", s->best,
			 "samples_ms", json_doubles(s->ms, s->n));
}

static json_t *json_target(const struct target *t)
{
	return json_pack("{s:s, s:f, s:s, s:f, s:b, s:o}", "name", t->name, "value", t->value,
			 "op", t->strict ? "<" : "<=", "limit", t->limit, "pass", t->pass,
			 "per_load", json_doubles(t->per_load, t->loads));
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
	return json_pack("{s:s, s:b, s:i, s:i, s:i, s:i, s:o, s:{s:i, s:o, s:o, s:o, s:f}, s:o}",
			 "kernel", u.release, "in_vm", getenv("XL_IN_VM") != NULL,
			 "packet_bytes", PKT_LEN, "repeat", (int)b->o.repeat, "rounds", b->o.rounds,
			 "loads", b->o.loads,
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
