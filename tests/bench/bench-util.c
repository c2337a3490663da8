/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench helpers: error reports, the clock, best and median, opening one test program. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* errno_name(), or libbpf's text for its own codes (4000 and up). */
const char *bench_errname(int err)
{
	static __thread char buf[64];

	if (abs(err) >= __LIBBPF_ERRNO__START && libbpf_strerror(err, buf, sizeof(buf)) == 0)
		return buf;
	return errno_name(err);
}

/* Report "xl-bench: WHAT: ENAME" and return err as a negative errno. */
int fail(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("xl-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", bench_errname(err));
	return err < 0 ? err : -EIO;
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Best and median of n samples (n <= MAX_SWAPS), v left in its order. */
void stats(const double *v, int n, double *best, double *median)
{
	double s[MAX_SWAPS];

	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	*best = s[0];
	*median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* "xl_pass_<i>"; the last four results stay valid. */
const char *pass_name(int i)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "xl_pass_%d", i);
	return b;
}

/* Open the test object with only program name to be loaded. */
int open_single(const struct bench *b, const char *name, struct bpf_object **ret_obj,
		struct bpf_program **ret_prog)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = b->pins);
	_cleanup_bpf_object_ struct bpf_object *obj = bpf_object__open_file(b->o.object, &oo);
	struct bpf_program *p, *found = NULL;
	long err = libbpf_get_error(obj);

	if (err) {
		obj = NULL;
		return fail((int)err, "opening %s", b->o.object);
	}
	bpf_object__for_each_program(p, obj) {
		bool me = !strcmp(bpf_program__name(p), name);

		bpf_program__set_autoload(p, me);
		if (me)
			found = p;
	}
	if (!found)
		return fail(-ENOENT, "%s has no program %s", b->o.object, name);
	*ret_obj = TAKE_PTR(obj);
	if (ret_prog)
		*ret_prog = found;
	return 0;
}
