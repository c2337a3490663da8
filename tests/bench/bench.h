/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench's shared state, limits and the entry points each of its files offers the others. */
#ifndef XL_BENCH_H
#define XL_BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "xdplink/xdplink.h"
#include "xl-util.h"

#define PKT_LEN 64
#define MAX_ROUNDS 64
#define MAX_LOADS 16
#define MAX_MEAS 16
#define MAX_SWAPS 1000
#define MAX_DEVS 16
#define SWAP_SET 10		/* programs live during the swap benchmark */
#define LIBXDP_MAX 10		/* libxdp's dispatcher has 10 slots */
#define WARMUP_REPEAT 10000
#define COUNTERS_N 10
#define BIG_SET_LOADS 1		/* loads of sets above LIBXDP_MAX: no target, the slowest runs */

/* Set sizes measured for xdplinkd and for libxdp (same order, libxdp's a prefix). */
static const int ours_n[] = { 1, 2, 5, 10, 63 };
static const int libxdp_n[] = { 1, 2, 5, 10 };

struct opts {
	const char *object;	/* xl_test_progs.bpf.o */
	const char *root;	/* bpffs directory to create (and remove at the end) */
	const char *state;	/* engine state directory to create (and remove) */
	const char *json;	/* results file; NULL: $XL_VM_OUT/bench.json if set */
	unsigned repeat;
	int rounds;
	int loads;
	int swaps;
	int replace_floor;	/* only the replace floor, this many times */
};

/* One libxdp multiprog: its objects, programs and the dispatcher they run under. */
struct libxdp_set {
	struct bpf_object *objs[LIBXDP_MAX];
	struct xdp_program *progs[LIBXDP_MAX];
	int n;
	struct xdp_multiprog *mp;
};

/* One load of a configuration: its set attached afresh, then measured for o.rounds rounds. */
struct load {
	double setup_ms;	/* time it took to attach the set */
	__u64 jit;		/* address of the entry program's JIT image; 0 if hidden */
	double ns[MAX_ROUNDS];
	double best, median;
};

/* One configuration whose entry program BPF_PROG_TEST_RUN measures. */
struct meas {
	const char *kind;	/* direct, xdplinkd, xdplinkd+counters, libxdp */
	int n;			/* programs in the set */
	bool counters;		/* xdplinkd: with its counters on */
	int ifindex;		/* its device, kept across loads */
	struct xl_iface *iface;	/* xdplinkd: the engine's interface on it */
	struct libxdp_set *lx;	/* libxdp: its set */
	int fd;			/* program the test runs execute; -1 between loads */
	char runs[128];		/* what the kernel actually runs for it */
	int loads;		/* loads it is measured in */
	struct load load[MAX_LOADS];
	double ns, lo, hi;	/* median, min and max of the loads' bests */
};

struct samples {
	double ms[MAX_SWAPS];
	int n;
	double median, best;
};

struct bench {
	struct opts o;
	char root[PATH_MAX], state[PATH_MAX], pins[PATH_MAX];
	char engine_root[PATH_MAX], libxdp_root[PATH_MAX];
	bool root_made, state_made;
	int n_devs;
	struct xl_engine *e;
	struct xl_iface *ifaces[MAX_DEVS];
	int n_ifaces;
	struct libxdp_set lx[ELEMENTSOF(libxdp_n)];
	int n_lx;
	struct bpf_object *direct;
	int direct_link;
	struct meas m[MAX_MEAS];
	int n_meas;
	struct samples sw_engine, sw_floor, sw_open;
};

static inline void xl_batch_freep(struct xl_batch **b)
{
	xl_batch__free(*b);
}
#define _cleanup_batch_ _cleanup_(xl_batch_freep)

static inline void bpf_object_closep(struct bpf_object **obj)
{
	bpf_object__close(*obj);
}
#define _cleanup_bpf_object_ _cleanup_(bpf_object_closep)

/* bench-util.c: errors, clock, statistics, opening test programs. */
_printf_(2, 3) int fail(int err, const char *fmt, ...);
const char *bench_errname(int err);
double now_ms(void);
void stats(const double *v, int n, double *best, double *median);
const char *pass_name(int i);
int open_single(const struct bench *b, const char *name, struct bpf_object **ret_obj,
		struct bpf_program **ret_prog);

/* bench-setup.c: netns, bpffs and state directories, devices, engine interfaces. */
int setup(struct bench *b);
void teardown(struct bench *b);
int add_dev(struct bench *b);
int path_join(char *dst, const char *root, const char *name);
int open_iface(struct bench *b, struct xl_iface **ret);
int apply_set(struct xl_iface *iface, const struct bench *b, int first, int n, bool counters);
int detach_set(struct xl_iface *iface);
int iface_fail(struct xl_iface *iface, int r, const char *what);

/* bench-sets.c: the configurations, each attached afresh for every load. */
int sets_add(struct bench *b);
int set_load(struct bench *b, struct meas *m, int load);
void set_unload(struct bench *b, struct meas *m);
void sets_free(struct bench *b);
const struct meas *find_meas(const struct bench *b, const char *kind, int n);

/* bench-packets.c: per-packet cost with BPF_PROG_TEST_RUN. */
void build_packet(void);
int measure_packets(struct bench *b);

/* bench-swap.c: swap latency of the engine and of the raw-syscall floor. */
/* Only the raw floor of a whole-set replace, n timed runs (tests/bench/e2e). */
int measure_replace_floor(struct bench *b, int n);
int measure_swaps(struct bench *b);

/* bench-report.c: the table, the targets, the JSON file. */
int report(const struct bench *b);

#endif
