/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-bench swap latency: one xl_iface__apply() swap vs the same kernel work in raw libbpf calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bench.h"
#include "xl_dispatcher.h"
#include "xl_dispatcher10.skel.h"

/* ---- the engine ------------------------------------------------------------ */

/* Replace attachment *id (the one swapped program) by xl_pass_<add>. */
static int engine_swap(const struct bench *b, struct xl_iface *iface, __u32 *id, int add,
		       double *ms)
{
	struct xl_apply_opts ao = { .sz = sizeof(ao), .mode = XL_MODE_SKB };
	struct xl_prog_spec s = { .sz = sizeof(s), .object = b->o.object,
				  .prog_name = pass_name(add), .priority = XL_PRIORITY_FROM_OBJECT,
				  .pin_root_path = b->pins };
	_cleanup_batch_ struct xl_batch *batch = xl_batch__new();
	double t0;
	int r, idx;

	if (!batch)
		return fail(-ENOMEM, "xl_batch__new");
	r = xl_batch__remove(batch, *id);
	idx = r < 0 ? r : xl_batch__add(batch, &s);
	if (idx < 0)
		return fail(idx, "building the swap batch");
	t0 = now_ms();
	r = xl_iface__apply(iface, batch, &ao);
	*ms = now_ms() - t0;
	if (r < 0)
		return iface_fail(iface, r, "swap apply");
	*id = xl_batch__attach_id(batch, idx);
	return 0;
}

/* The id of the attachment running xl_pass_<i>. */
static int find_attachment(struct xl_iface *iface, int i, __u32 *ret)
{
	size_t n;
	const struct xl_attachment *att = xl_iface__attachments(iface, &n);

	for (size_t k = 0; k < n; k++)
		if (!strcmp(att[k].name, pass_name(i))) {
			*ret = att[k].id;
			return 0;
		}
	return fail(-ENOENT, "no attachment runs %s", pass_name(i));
}

/* Swaps alternate xl_pass_10 and xl_pass_11 in the last of SWAP_SET slots;
 * the first swap warms up and is not counted. */
static int measure_engine_swaps(struct bench *b)
{
	struct xl_iface *iface;
	__u32 id = 0;
	double ms = 0;
	int r;

	r = open_iface(b, &iface);
	if (r == 0)
		r = apply_set(iface, b, 0, SWAP_SET, false);
	if (r == 0)
		r = find_attachment(iface, SWAP_SET - 1, &id);
	for (int i = 0; r == 0 && i <= b->o.swaps; i++) {
		r = engine_swap(b, iface, &id, SWAP_SET + i % 2, &ms);
		if (r == 0 && i > 0)
			b->sw_engine.ms[b->sw_engine.n++] = ms;
	}
	return r;
}

/* ---- the raw-syscall floor ------------------------------------------------ */

/* One revision of a SWAP_SET-program dispatcher, in the size the engine
 * picks for SWAP_SET programs (lib/xl-dispatcher.c). */
_Static_assert(SWAP_SET > 4 && SWAP_SET <= 10, "the floor's dispatcher is the engine's 10-slot one");
struct floor_rev {
	struct xl_dispatcher10_bpf *skel;
	struct bpf_object *obj;		/* the program this revision added */
	struct bpf_object *set[SWAP_SET];	/* or, for a replace, all of them */
	int links[SWAP_SET];
};

struct floor {
	struct bpf_object *keep[SWAP_SET - 1];
	int counters_fd;
	int link_fd;			/* the XDP link */
	struct xl_dispatcher_config cfg;
	struct floor_rev rev;
};

static void dispatcher_destroyp(struct xl_dispatcher10_bpf **skel)
{
	xl_dispatcher10_bpf__destroy(*skel);
}

static int floor_dispatcher(const struct floor *f, struct xl_dispatcher10_bpf **ret)
{
	_cleanup_(dispatcher_destroyp) struct xl_dispatcher10_bpf *skel = xl_dispatcher10_bpf__open();
	int r;

	if (!skel)
		return fail(-errno, "opening the dispatcher skeleton");
	memcpy((void *)&skel->rodata->xl_cfg, &f->cfg, sizeof(f->cfg));
	r = f->counters_fd >= 0 ? bpf_map__reuse_fd(skel->maps.xl_counters, f->counters_fd) : 0;
	if (r < 0)
		return fail(r, "reusing the counters map");
	r = xl_dispatcher10_bpf__load(skel);
	if (r < 0)
		return fail(r, "loading the dispatcher");
	*ret = TAKE_PTR(skel);
	return 0;
}

static int dispatcher_fd(const struct floor_rev *rev)
{
	return bpf_program__fd(rev->skel->progs.xl_dispatcher);
}

static struct bpf_program *only_prog(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		if (bpf_program__autoload(p))
			return p;
	return NULL;
}

/* Load obj's program as an extension of slot of the dispatcher disp_fd. */
static int floor_load_ext(struct bpf_object *obj, int disp_fd, int slot)
{
	struct bpf_program *p = only_prog(obj);
	char fn[32];
	int r;

	snprintf(fn, sizeof(fn), "xl_slot%d", slot);
	bpf_program__set_type(p, BPF_PROG_TYPE_EXT);
	bpf_program__set_expected_attach_type(p, 0);
	r = bpf_program__set_attach_target(p, disp_fd, fn);
	if (r < 0)
		return fail(r, "targeting %s", fn);
	r = bpf_object__load(obj);
	return r < 0 ? fail(r, "loading %s as EXT", bpf_program__name(p)) : 0;
}

static int floor_link(struct floor_rev *rev, int slot, int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	char fn[32];
	int id;

	snprintf(fn, sizeof(fn), "xl_slot%d", slot);
	id = btf__find_by_name_kind(bpf_object__btf(rev->skel->obj), fn, BTF_KIND_FUNC);
	if (id < 0)
		return fail(id, "BTF id of %s", fn);
	lo.target_btf_id = (__u32)id;
	rev->links[slot] = bpf_link_create(prog_fd, dispatcher_fd(rev), 0, &lo);
	return rev->links[slot] < 0 ? fail(-errno, "freplace link to %s", fn) : 0;
}

/* A new revision: dispatcher, the one new program, SWAP_SET freplace links. */
static int floor_build(const struct floor *f, struct bpf_object *obj, struct floor_rev *rev)
{
	int r;

	*rev = (struct floor_rev){ .obj = obj };
	for (int i = 0; i < SWAP_SET; i++)
		rev->links[i] = -1;
	r = floor_dispatcher(f, &rev->skel);
	if (r == 0)
		r = floor_load_ext(obj, dispatcher_fd(rev), SWAP_SET - 1);
	for (int i = 0; r == 0 && i < SWAP_SET; i++) {
		struct bpf_object *o = i < SWAP_SET - 1 ? f->keep[i] : obj;

		r = floor_link(rev, i, bpf_program__fd(only_prog(o)));
	}
	return r;
}

static void floor_rev_free(struct floor_rev *rev)
{
	for (int i = 0; i < SWAP_SET; i++)
		safe_close(rev->links[i]);
	xl_dispatcher10_bpf__destroy(rev->skel);
	bpf_object__close(rev->obj);
	for (int i = 0; i < SWAP_SET; i++)
		bpf_object__close(rev->set[i]);
	*rev = (struct floor_rev){};
	for (int i = 0; i < SWAP_SET; i++)
		rev->links[i] = -1;
}

static void floor_free(struct floor *f)
{
	floor_rev_free(&f->rev);
	for (int i = 0; i < SWAP_SET - 1; i++)
		bpf_object__close(f->keep[i]);
	safe_close(f->link_fd);
	safe_close(f->counters_fd);
}

/* The configuration the engine gives SWAP_SET programs that chain on XDP_PASS. */
static void floor_config(struct floor *f)
{
	f->cfg = (struct xl_dispatcher_config){ .n_slots = SWAP_SET };
	for (int i = 0; i < SWAP_SET; i++) {
		f->cfg.chain_actions[i] = (1U << XDP_PASS) | (1U << XL_SENTINEL);
		f->cfg.counter_row[i] = (__u8)i;
	}
}

/* The SWAP_SET - 1 programs every revision keeps, loaded against a first dispatcher. */
static int floor_load_keep(const struct bench *b, struct floor *f)
{
	int disp, r = floor_dispatcher(f, &f->rev.skel);

	if (r < 0)
		return r;
	disp = dispatcher_fd(&f->rev);
	f->counters_fd = fcntl(bpf_map__fd(f->rev.skel->maps.xl_counters), F_DUPFD_CLOEXEC, 3);
	if (f->counters_fd < 0)
		return fail(-errno, "dup of the counters map fd");
	for (int i = 0; r == 0 && i < SWAP_SET - 1; i++) {
		r = open_single(b, pass_name(i), &f->keep[i], NULL);
		if (r == 0)
			r = floor_load_ext(f->keep[i], disp, i);
	}
	xl_dispatcher10_bpf__destroy(f->rev.skel);
	f->rev.skel = NULL;
	return r;
}

/* Revision 0, untimed: kept programs loaded, XDP link created. */
static int floor_init(struct bench *b, struct floor *f)
{
	LIBBPF_OPTS(bpf_link_create_opts, xo, .flags = XDP_FLAGS_SKB_MODE);
	struct bpf_object *obj = NULL;
	int ifindex = add_dev(b), r;

	if (ifindex < 0)
		return ifindex;
	floor_config(f);
	r = floor_load_keep(b, f);
	if (r == 0)
		r = open_single(b, pass_name(SWAP_SET - 1), &obj, NULL);
	if (r == 0)
		r = floor_build(f, obj, &f->rev);
	if (r < 0)
		return r;
	f->link_fd = bpf_link_create(dispatcher_fd(&f->rev), ifindex, BPF_XDP, &xo);
	return f->link_fd < 0 ? fail(-errno, "creating the XDP link") : 0;
}

/* The timed part: build the next revision, switch the link, drop the old one. */
static int floor_swap(struct floor *f, struct bpf_object *obj)
{
	LIBBPF_OPTS(bpf_link_update_opts, uo, .flags = BPF_F_REPLACE);
	struct floor_rev next;
	int r = floor_build(f, obj, &next);

	if (r < 0) {
		floor_rev_free(&next);
		return r;
	}
	uo.old_prog_fd = (__u32)dispatcher_fd(&f->rev);
	r = bpf_link_update(f->link_fd, dispatcher_fd(&next), &uo);
	if (r < 0) {
		floor_rev_free(&next);
		return fail(-errno, "BPF_LINK_UPDATE of the XDP link");
	}
	floor_rev_free(&f->rev);
	f->rev = next;
	return 0;
}

/* Same alternation as the engine's; ELF open timed apart from the floor. */
static int measure_floor_swaps(struct bench *b)
{
	_cleanup_(floor_free) struct floor f = { .counters_fd = -1, .link_fd = -1 };
	int r;

	for (int i = 0; i < SWAP_SET; i++)
		f.rev.links[i] = -1;
	r = floor_init(b, &f);
	for (int i = 0; r == 0 && i <= b->o.swaps; i++) {
		struct bpf_object *obj;
		double t0 = now_ms(), t1;

		r = open_single(b, pass_name(SWAP_SET + i % 2), &obj, NULL);
		if (r < 0)
			break;
		t1 = now_ms();
		r = floor_swap(&f, obj);
		if (r == 0 && i > 0) {
			b->sw_open.ms[b->sw_open.n++] = t1 - t0;
			b->sw_floor.ms[b->sw_floor.n++] = now_ms() - t1;
		}
	}
	return r;
}

/*
 * The floor of replacing a whole SWAP_SET-program set by SWAP_SET new
 * programs, as `xdpctl replace` does: open each object, a new dispatcher,
 * each program loaded as its extension and linked, one link update, the
 * old revision released. Everything timed, opening included.
 */
static int floor_replace(struct bench *b, struct floor *f, int first, double *ms)
{
	LIBBPF_OPTS(bpf_link_update_opts, uo, .flags = BPF_F_REPLACE);
	struct floor_rev next = {};
	double t0 = now_ms();
	int r;

	for (int i = 0; i < SWAP_SET; i++)
		next.links[i] = -1;
	r = floor_dispatcher(f, &next.skel);
	for (int i = 0; r == 0 && i < SWAP_SET; i++) {
		r = open_single(b, pass_name(first + i), &next.set[i], NULL);
		if (r == 0)
			r = floor_load_ext(next.set[i], dispatcher_fd(&next), i);
		if (r == 0)
			r = floor_link(&next, i, bpf_program__fd(only_prog(next.set[i])));
	}
	if (r == 0) {
		uo.old_prog_fd = (__u32)dispatcher_fd(&f->rev);
		r = bpf_link_update(f->link_fd, dispatcher_fd(&next), &uo);
		if (r < 0)
			r = fail(-errno, "BPF_LINK_UPDATE of the XDP link");
	}
	if (r < 0) {
		floor_rev_free(&next);
		return r;
	}
	floor_rev_free(&f->rev);
	f->rev = next;
	*ms = now_ms() - t0;
	return 0;
}

int measure_replace_floor(struct bench *b, int n)
{
	_cleanup_(floor_free) struct floor f = { .counters_fd = -1, .link_fd = -1 };
	double ms[MAX_SWAPS], best, median;
	int r;

	for (int i = 0; i < SWAP_SET; i++)
		f.rev.links[i] = -1;
	r = floor_init(b, &f);
	/* Sets of xl_pass_20.. and xl_pass_30.., alternately; the first is untimed. */
	for (int i = 0; r == 0 && i <= n; i++)
		r = floor_replace(b, &f, i % 2 ? 30 : 20, &ms[i ? i - 1 : 0]);
	if (r < 0)
		return r;
	stats(ms, n, &best, &median);
	printf("replace floor (%d new programs, raw libbpf): median %.2f ms, best %.2f ms over %d\n",
	       SWAP_SET, median, best, n);
	printf("{\"replace_floor_ms\": %.3f, \"best_ms\": %.3f, \"n\": %d}\n", median, best, n);
	return 0;
}

int measure_swaps(struct bench *b)
{
	int r = measure_engine_swaps(b);

	if (r == 0)
		r = measure_floor_swaps(b);
	if (r < 0)
		return r;
	stats(b->sw_engine.ms, b->sw_engine.n, &b->sw_engine.best, &b->sw_engine.median);
	stats(b->sw_floor.ms, b->sw_floor.n, &b->sw_floor.best, &b->sw_floor.median);
	stats(b->sw_open.ms, b->sw_open.n, &b->sw_open.best, &b->sw_open.median);
	return 0;
}
