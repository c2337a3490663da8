/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench: options and main; per-packet cost and swap latency of xdplinkd vs its peers. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "bench.h"

static const char usage_text[] =
	"Usage: xl-bench [--object FILE] [--root DIR] [--state DIR] [--json FILE]\n"
	"                [--repeat N] [--rounds N] [--loads N] [--swaps N]\n"
	"Needs a kernel that allows freplace; tests/bench/run finds one (a VM).\n"
	"  --object  test programs (default build/bpf/xl_test_progs.bpf.o)\n"
	"  --root    bpffs directory to create and remove (default /sys/fs/bpf/xl-bench-XXXXXX)\n"
	"  --state   engine state directory to create and remove (default in $TMPDIR)\n"
	"  --json    results file (default $XL_VM_OUT/bench.json when XL_VM_OUT is set)\n"
	"  --repeat  BPF_PROG_TEST_RUN repetitions per round (default 1000000)\n"
	"  --rounds  rounds per load, its best kept (default 5)\n"
	"  --loads   loads of every configuration, each attached afresh; the median of\n"
	"            the loads' bests is reported (default 3; n=63, no target: %d at most)\n"
	"  --swaps   timed swaps (default 20)\n"
	"  --replace-floor N  only time N raw-syscall replaces of a whole set, and exit\n";

static void print_usage(FILE *f)
{
	fprintf(f, usage_text, BIG_SET_LOADS);
}

static int parse_num(const char *s, long min, long max, long *ret)
{
	char *end;

	errno = 0;
	*ret = strtol(s, &end, 10);
	return errno || *end || end == s || *ret < min || *ret > max ? -EINVAL : 0;
}

/* 0: run; 1: --help printed; -EINVAL: usage printed to stderr. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "object", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'R' },
		{ "state", required_argument, NULL, 'S' },
		{ "json", required_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "loads", required_argument, NULL, 'l' },
		{ "swaps", required_argument, NULL, 's' },
		{ "replace-floor", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	long v = 0;
	int c, r = 0;

	*o = (struct opts){ .object = "build/bpf/xl_test_progs.bpf.o", .repeat = 1000000,
			    .rounds = 5, .loads = 3, .swaps = 20 };
	while (r == 0 && (c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->object = optarg; break;
		case 'R': o->root = optarg; break;
		case 'S': o->state = optarg; break;
		case 'j': o->json = optarg; break;
		case 'n': r = parse_num(optarg, 1, 1L << 30, &v); o->repeat = (unsigned)v; break;
		case 'r': r = parse_num(optarg, 1, MAX_ROUNDS, &v); o->rounds = (int)v; break;
		case 'l': r = parse_num(optarg, 1, MAX_LOADS, &v); o->loads = (int)v; break;
		case 's': r = parse_num(optarg, 1, MAX_SWAPS - 1, &v); o->swaps = (int)v; break;
		case 'F': r = parse_num(optarg, 1, MAX_SWAPS - 1, &v); o->replace_floor = (int)v; break;
		case 'h': print_usage(stdout); return 1;
		default: r = -EINVAL;
		}
	}
	if (r == 0 && optind < argc)
		r = -EINVAL;
	if (r < 0)
		print_usage(stderr);
	return r;
}

/* libbpf and libxdp: warnings only. */
static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int quiet_libxdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return level == LIBXDP_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int run(struct bench *b)
{
	int r = setup(b);

	if (r == 0 && b->o.replace_floor) {
		r = measure_replace_floor(b, b->o.replace_floor);
		teardown(b);
		return r;
	}
	if (r == 0)
		r = measure_packets(b);
	if (r == 0)
		r = measure_swaps(b);
	if (r == 0)
		r = report(b);
	teardown(b);
	return r;
}

int main(int argc, char **argv)
{
	static struct bench b = { .direct_link = -1 };
	struct utsname u;
	int r = parse_args(argc, argv, &b.o);

	if (r)
		return r > 0 ? 0 : 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(quiet_libbpf);
	libxdp_set_print(quiet_libxdp);
	build_packet();
	uname(&u);
	printf("xl-bench on %s %s%s: timings under emulation only mean something as ratios\n",
	       u.sysname, u.release, getenv("XL_IN_VM") ? " (VM)" : "");
	return run(&b) < 0 ? 1 : 0;
}
