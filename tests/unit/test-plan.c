/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: ordering, tie-break, anchors and moves, batch planning and chain-action encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "xl-internal.h"
#include "xl-plan.h"

#define PASS XL_ACTION(XDP_PASS)
#define DROP XL_ACTION(XDP_DROP)

static struct xl_plan_item item(__u32 id, int prio)
{
	return (struct xl_plan_item){ .id = id, .priority = prio, .chain_actions = PASS,
				      .add_idx = -1 };
}

static struct xl_plan plan;

static struct xl_plan_item labelled(__u32 id, int prio, const char *label)
{
	struct xl_plan_item it = item(id, prio);

	it.label = label;
	return it;
}

static struct xl_anchor by_id(__u32 id)
{
	return (struct xl_anchor){ .id = id };
}

static struct xl_anchor by_label(const char *label)
{
	return (struct xl_anchor){ .label = label };
}

static struct xl_plan_item add_before(int prio, struct xl_anchor a)
{
	struct xl_plan_item it = item(0, prio);

	it.before = a;
	return it;
}

static struct xl_plan_item add_after(int prio, struct xl_anchor a)
{
	struct xl_plan_item it = item(0, prio);

	it.after = a;
	return it;
}

static struct xl_plan_move move(__u32 id, int prio)
{
	return (struct xl_plan_move){ .id = id, .priority = prio };
}

/* The plan's ids in run order, as "1,4,2". */
static const char *order(const struct xl_plan *p)
{
	static char buf[XL_MAX_PROGS * 11];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%u", i ? "," : "",
					p->items[i].id);
	return buf;
}

static void assert_why(int r, int err, const char *why)
{
	assert_int_equal(r, err);
	assert_string_equal(plan.why, why);
}

static void test_order_by_priority_then_id(void **state)
{
	struct xl_plan_item adds[] = { item(0, 30), item(0, 10), item(0, 30), item(0, 20) };
	struct xl_plan_input in = { .next_id = 1, .adds = adds, .n_adds = 4 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.n, 4);
	/* ids follow batch order; equal priorities keep that order */
	assert_int_equal(plan.items[0].id, 2);
	assert_int_equal(plan.items[1].id, 4);
	assert_int_equal(plan.items[2].id, 1);
	assert_int_equal(plan.items[3].id, 3);
	assert_int_equal(plan.revision, 1);
	assert_int_equal(plan.next_id, 5);
}

static void test_tie_break_is_stable_across_revisions(void **state)
{
	/* A newcomer with the same priority runs after the older attachment,
	 * even though its id would sort first by name or by slot. */
	struct xl_plan_item live[] = { item(7, 50) };
	struct xl_plan_item adds[] = { item(0, 50) };
	struct xl_plan_input in = { .revision = 3, .next_id = 8, .live = live, .n_live = 1,
				    .adds = adds, .n_adds = 1 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.items[0].id, 7);
	assert_int_equal(plan.items[1].id, 8);
	assert_int_equal(plan.items[1].add_idx, 0);
	assert_int_equal(plan.revision, 4);
}

static void test_batch_is_one_revision(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20), item(3, 30) };
	struct xl_plan_item adds[] = { item(0, 25), item(0, 5) };
	__u32 removes[] = { 1, 3 };
	struct xl_plan_input in = { .revision = 9, .next_id = 4, .live = live, .n_live = 3,
				    .adds = adds, .n_adds = 2, .removes = removes, .n_removes = 2 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.revision, 10);
	assert_int_equal(plan.n, 3);
	assert_int_equal(plan.items[0].id, 5);	/* prio 5 */
	assert_int_equal(plan.items[1].id, 2);	/* prio 20 */
	assert_int_equal(plan.items[2].id, 4);	/* prio 25 */
	assert_int_equal(plan.n_removed, 2);
	assert_int_equal(plan.removed[0], 1);
	assert_int_equal(plan.removed[1], 3);
}

static void test_remove_all(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20) };
	struct xl_plan_input in = { .revision = 2, .next_id = 3, .live = live, .n_live = 2,
				    .remove_all = true };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.n, 0);
	assert_int_equal(plan.n_removed, 2);
}

static void test_expected_revision(void **state)
{
	struct xl_plan_item adds[] = { item(0, 1) };
	struct xl_plan_input in = { .revision = 4, .expected_revision = 3, .next_id = 1,
				    .adds = adds, .n_adds = 1 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), -ESTALE);
	in.expected_revision = 4;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	in.expected_revision = 0;	/* no check */
	assert_int_equal(xl_plan_build(&in, &plan), 0);
}

static void test_limits(void **state)
{
	struct xl_plan_item adds[XL_MAX_PROGS + 1];
	struct xl_plan_input in = { .next_id = 1, .adds = adds, .n_adds = XL_MAX_PROGS };

	(void)state;
	for (int i = 0; i <= XL_MAX_PROGS; i++)
		adds[i] = item(0, i);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.n, XL_MAX_PROGS);
	assert_int_equal(plan.cfg.n_slots, XL_MAX_PROGS);
	in.n_adds = XL_MAX_PROGS + 1;
	assert_int_equal(xl_plan_build(&in, &plan), -E2BIG);
}

static void test_bad_removals_and_priorities(void **state)
{
	struct xl_plan_item live[] = { item(1, 10) };
	struct xl_plan_item adds[] = { item(0, XL_PRIORITY_MAX + 1) };
	__u32 unknown[] = { 2 }, twice[] = { 1, 1 };
	struct xl_plan_input in = { .revision = 1, .next_id = 2, .live = live, .n_live = 1 };

	(void)state;
	in.removes = unknown;
	in.n_removes = 1;
	assert_int_equal(xl_plan_build(&in, &plan), -ENOENT);
	in.removes = twice;
	in.n_removes = 2;
	assert_int_equal(xl_plan_build(&in, &plan), -EINVAL);
	in.n_removes = 0;
	in.adds = adds;
	in.n_adds = 1;
	assert_int_equal(xl_plan_build(&in, &plan), -ERANGE);
	adds[0].priority = -5;
	assert_int_equal(xl_plan_build(&in, &plan), -ERANGE);
}

static void test_counter_rows_survive_and_stay_apart(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20), item(3, 30) };
	struct xl_plan_item adds[] = { item(0, 15) };
	__u32 removes[] = { 2 };
	struct xl_plan_input in = { .revision = 1, .next_id = 4, .counters = true,
				    .live = live, .n_live = 3, .adds = adds, .n_adds = 1,
				    .removes = removes, .n_removes = 1 };

	(void)state;
	live[0].counter_row = 0;
	live[1].counter_row = 1;
	live[2].counter_row = 2;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.items[0].counter_row, 0);	/* id 1 keeps its row */
	assert_int_equal(plan.items[1].id, 4);
	/* Not row 1: id 2 still decides packets there until the commit. */
	assert_int_equal(plan.items[1].counter_row, 3);
	assert_int_equal(plan.items[2].counter_row, 2);
	assert_int_equal(plan.n_fresh_rows, 1);
	assert_int_equal(plan.fresh_rows[0], 3);
	assert_int_equal(plan.cfg.counter_row[1], 3);
	assert_true(plan.cfg.counters);
}

static void test_counter_rows_reused_when_full(void **state)
{
	struct xl_plan_item live[XL_MAX_PROGS], adds[] = { item(0, 1) };
	__u32 removes[] = { 5 };
	struct xl_plan_input in = { .revision = 1, .next_id = 100, .live = live,
				    .n_live = XL_MAX_PROGS, .adds = adds, .n_adds = 1,
				    .removes = removes, .n_removes = 1 };

	(void)state;
	for (int i = 0; i < XL_MAX_PROGS; i++) {
		live[i] = item((__u32)i + 1, 10);
		live[i].counter_row = (__u32)i;
	}
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.n, XL_MAX_PROGS);
	assert_int_equal(plan.fresh_rows[0], 4);	/* id 5's row, the only one left */
}

static void test_dispatcher_config(void **state)
{
	struct xl_plan_item adds[] = { item(0, 1), item(0, 2) };
	struct xl_plan_input in = { .next_id = 1, .adds = adds, .n_adds = 2 };

	(void)state;
	adds[0].chain_actions = PASS | DROP;
	adds[0].frags = true;
	adds[1].chain_actions = XL_ACTIONS_NONE;
	adds[1].frags = false;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.cfg.n_slots, 2);
	assert_int_equal(plan.cfg.chain_actions[0], PASS | DROP | XL_ACTION(XL_SENTINEL));
	assert_int_equal(plan.cfg.chain_actions[1], XL_ACTION(XL_SENTINEL));
	assert_false(plan.frags);	/* one program is not frags-capable */
	assert_false(plan.entry_mode);
	assert_false(plan.cfg.counters);
}

static void test_entry_mode_only_when_equivalent(void **state)
{
	struct xl_plan_item adds[] = { item(0, 1) };
	struct xl_plan_input in = { .next_id = 1, .adds = adds, .n_adds = 1 };

	(void)state;
	adds[0].frags = true;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_true(plan.entry_mode);
	assert_true(plan.frags);
	/* Chaining on DROP would turn DROP into PASS in the dispatcher. */
	adds[0].chain_actions = DROP | PASS;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_false(plan.entry_mode);
	adds[0].chain_actions = PASS;
	in.counters = true;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_false(plan.entry_mode);
}

/* Issue 12, S6: the same set is no new revision; any real change is. */
static void test_unchanged_set_commits_nothing(void **state)
{
	struct xl_plan_item live[] = { item(4, 10), item(6, 20) };
	struct xl_plan_item adds[] = { item(0, 30) };
	__u32 rm[] = { 6 };
	struct xl_plan_input in = { .revision = 9, .next_id = 7, .live = live, .n_live = 2 };

	(void)state;
	/* An empty batch (a user's empty Replace of what it does not own). */
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_true(plan.unchanged);
	assert_int_equal(plan.revision, 9);
	assert_int_equal(plan.n, 2);
	/* A stale expectation is still refused. */
	in.expected_revision = 8;
	assert_int_equal(xl_plan_build(&in, &plan), -ESTALE);
	in.expected_revision = 9;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_true(plan.unchanged);
	/* Counters switched on or off change the revision. */
	in.counters = true;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_false(plan.unchanged);
	assert_int_equal(plan.revision, 10);
	in.live_counters = true;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_true(plan.unchanged);
	/* An addition or a removal does. */
	in.adds = adds;
	in.n_adds = 1;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_false(plan.unchanged);
	in.n_adds = 0;
	in.removes = rm;
	in.n_removes = 1;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_false(plan.unchanged);
	in.n_removes = 0;
	in.remove_all = true;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_false(plan.unchanged);
	/* Nothing live and nothing added is no revision to keep either. */
	in = (struct xl_plan_input){ .next_id = 1 };
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_false(plan.unchanged);
	assert_int_equal(plan.n, 0);
}

/* The old rule, (priority, id), is what unanchored additions still give,
 * whatever the live set and the batch: a few thousand random cases. */
static int cmp_prio_id(const void *a, const void *b)
{
	const struct xl_plan_item *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void test_unanchored_is_the_old_sort(void **state)
{
	struct xl_plan_item live[XL_MAX_PROGS], adds[XL_MAX_PROGS], all[XL_MAX_PROGS];
	unsigned seed = 13;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t n_live = (size_t)rand_r(&seed) % 20, n_adds = (size_t)rand_r(&seed) % 20, n = 0;
		struct xl_plan_input in = { .revision = 1, .next_id = 300, .live = live,
					    .n_live = n_live, .adds = adds, .n_adds = n_adds };

		for (size_t i = 0; i < n_live; i++)
			live[i] = item((__u32)(rand_r(&seed) % 99) + 1, rand_r(&seed) % 5 * 10);
		for (size_t i = 0; i < n_live; i++)	/* distinct ids */
			for (size_t j = 0; j < i; j++)
				if (live[j].id == live[i].id)
					live[i].id = 200 + (__u32)i, j = i;
		qsort(live, n_live, sizeof(live[0]), cmp_prio_id);
		for (size_t i = 0; i < n_adds; i++)
			adds[i] = item(0, rand_r(&seed) % 5 * 10);
		assert_int_equal(xl_plan_build(&in, &plan), 0);
		memcpy(all, plan.items, plan.n * sizeof(all[0]));
		n = plan.n;
		qsort(all, n, sizeof(all[0]), cmp_prio_id);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(plan.items[i].id, all[i].id);
	}
}

/* Kept attachments keep their live order even where ids would sort them
 * otherwise (an anchored newcomer before an older one). */
static void test_live_order_is_kept(void **state)
{
	struct xl_plan_item live[] = { item(9, 50), item(3, 50), item(5, 60) };
	struct xl_plan_item adds[] = { item(0, 50) };
	struct xl_plan_input in = { .revision = 1, .next_id = 10, .live = live, .n_live = 3,
				    .adds = adds, .n_adds = 1 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "9,3,10,5");
}

static void test_before_and_after_id(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20), item(3, 30) };
	struct xl_plan_item adds[] = { add_before(50, by_id(2)) };
	struct xl_plan_input in = { .revision = 1, .next_id = 4, .live = live, .n_live = 3,
				    .adds = adds, .n_adds = 1 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,4,2,3");
	assert_int_equal(plan.items[1].priority, 20);	/* the anchor's */
	assert_int_equal(plan.items[1].add_idx, 0);
	adds[0] = add_after(50, by_id(2));
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,2,4,3");
	assert_int_equal(plan.items[2].priority, 20);
	/* Before the first: at its priority, even 0. */
	live[0].priority = 0;
	adds[0] = add_before(50, by_id(1));
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "4,1,2,3");
	assert_int_equal(plan.items[0].priority, 0);
	adds[0] = add_after(5, by_id(3));
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,2,3,4");
	assert_int_equal(plan.items[3].priority, 30);
}

/* A label names every attachment carrying it: before the first, after the last. */
static void test_before_and_after_label(void **state)
{
	struct xl_plan_item live[] = { labelled(1, 10, "a"), labelled(2, 20, "fw"),
				       labelled(3, 20, "x"), labelled(4, 25, "fw"),
				       labelled(5, 30, NULL) };
	struct xl_plan_item adds[] = { add_before(50, by_label("fw")) };
	struct xl_plan_input in = { .revision = 1, .next_id = 6, .live = live, .n_live = 5,
				    .adds = adds, .n_adds = 1 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,6,2,3,4,5");
	assert_int_equal(plan.items[1].priority, 20);
	adds[0] = add_after(50, by_label("fw"));
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,2,3,4,6,5");
	assert_int_equal(plan.items[4].priority, 25);
	/* Labels compare whole and exactly. */
	adds[0] = add_after(50, by_label("f"));
	assert_int_equal(xl_plan_build(&in, &plan), -ENOENT);
	adds[0] = add_after(50, by_label("FW"));
	assert_int_equal(xl_plan_build(&in, &plan), -ENOENT);
}

/* Several programs before one anchor run in batch order; several after
 * it, each immediately after it, in reverse (as bpf_mprog's BPF_F_AFTER). */
static void test_same_anchor_in_batch_order(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20) };
	struct xl_plan_item adds[] = { add_before(0, by_id(2)), add_before(0, by_id(2)),
				       add_after(0, by_id(1)), add_after(0, by_id(1)) };
	struct xl_plan_input in = { .revision = 1, .next_id = 3, .live = live, .n_live = 2,
				    .adds = adds, .n_adds = 4 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,6,5,3,4,2");
	/* A chain: each after the one before it, by label. */
	adds[0] = labelled(0, 99, "c1");
	adds[0].after = by_id(1);
	adds[1] = labelled(0, 99, "c2");
	adds[1].after = by_label("c1");
	adds[2] = labelled(0, 99, "c3");
	adds[2].after = by_label("c2");
	in.n_adds = 3;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,3,4,5,2");
	assert_int_equal(plan.items[3].priority, 10);
}

/* Unanchored additions are placed first, so an anchor may name a label
 * that only an addition later in the batch carries. */
static void test_unanchored_first(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 90) };
	struct xl_plan_item adds[] = { add_before(0, by_label("lb")), labelled(0, 50, "lb") };
	struct xl_plan_input in = { .revision = 1, .next_id = 3, .live = live, .n_live = 2,
				    .adds = adds, .n_adds = 2 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	/* ids follow batch order, places follow the rules */
	assert_string_equal(order(&plan), "1,3,4,2");
	assert_int_equal(plan.items[1].priority, 50);
	assert_int_equal(plan.items[1].add_idx, 0);
	assert_int_equal(plan.items[2].add_idx, 1);
}

static void test_both_anchors(void **state)
{
	struct xl_plan_item live[] = { labelled(1, 10, "a"), labelled(2, 20, "b"),
				       labelled(3, 30, "c") };
	struct xl_plan_item adds[] = { add_after(0, by_id(1)) };
	struct xl_plan_input in = { .revision = 1, .next_id = 4, .live = live, .n_live = 3,
				    .adds = adds, .n_adds = 1 };
	int r;

	(void)state;
	adds[0].before = by_id(2);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,4,2,3");
	assert_int_equal(plan.items[1].priority, 10);	/* the after-target's */
	adds[0].before = by_label("b");
	adds[0].after = by_label("a");
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,4,2,3");
	/* Not neighbours, or the wrong way round: refused, naming both. */
	adds[0].after = by_id(1);
	adds[0].before = by_id(3);
	r = xl_plan_build(&in, &plan);
	assert_why(r, -EINVAL, "after id 1 and before id 3: attachment 1 is not immediately before 3");
	assert_int_equal(plan.kind, XL_ERROR_ORDER);
	adds[0].after = by_id(2);
	adds[0].before = by_id(1);
	assert_int_equal(xl_plan_build(&in, &plan), -EINVAL);
	adds[0].after = by_id(2);
	adds[0].before = by_id(2);
	assert_int_equal(xl_plan_build(&in, &plan), -EINVAL);
	adds[0].after = by_label("a");
	adds[0].before = by_label("c");
	r = xl_plan_build(&in, &plan);
	assert_why(r, -EINVAL, "after label \"a\" and before label \"c\": attachment 1 (the last "
		   "of that label) is not immediately before attachment 3 (the first of that label)");
}

static void test_anchor_names_nothing(void **state)
{
	struct xl_plan_item live[] = { labelled(1, 10, "a"), labelled(2, 20, NULL) };
	struct xl_plan_item adds[] = { add_before(0, by_id(2)) };
	__u32 rm[] = { 2 };
	struct xl_plan_input in = { .revision = 1, .next_id = 3, .live = live, .n_live = 2,
				    .adds = adds, .n_adds = 1, .removes = rm, .n_removes = 1 };
	int r;

	(void)state;
	r = xl_plan_build(&in, &plan);
	assert_why(r, -ENOENT, "before id 2: attachment 2 is removed by this change");
	assert_int_equal(plan.kind, XL_ERROR_ORDER);
	in.n_removes = 0;
	in.remove_all = true;
	assert_int_equal(xl_plan_build(&in, &plan), -ENOENT);
	in.remove_all = false;
	adds[0] = add_after(0, by_id(77));
	r = xl_plan_build(&in, &plan);
	assert_why(r, -ENOENT, "after id 77: no attachment 77 in the new set");
	/* The id the addition itself will get names nothing either. */
	adds[0] = add_after(0, by_id(3));
	assert_int_equal(xl_plan_build(&in, &plan), -ENOENT);
	/* A label only the program itself carries. */
	adds[0] = labelled(0, 0, "me");
	adds[0].before = by_label("me");
	r = xl_plan_build(&in, &plan);
	assert_why(r, -ENOENT, "before label \"me\": no other attachment in the new set carries "
		   "that label");
	/* A label whose only carrier is removed. */
	adds[0] = add_after(0, by_label("a"));
	rm[0] = 1;
	in.n_removes = 1;
	assert_int_equal(xl_plan_build(&in, &plan), -ENOENT);
	/* An anchor naming both an id and a label, or an empty label. */
	in.n_removes = 0;
	adds[0] = add_after(0, (struct xl_anchor){ .id = 1, .label = "a" });
	assert_int_equal(xl_plan_build(&in, &plan), -EINVAL);
	adds[0] = add_after(0, by_label(""));
	assert_int_equal(xl_plan_build(&in, &plan), -EINVAL);
}

static void test_explicit_priority_must_match(void **state)
{
	struct xl_plan_item live[] = { item(4, 50), item(5, 60) };
	struct xl_plan_item adds[] = { add_before(10, by_id(4)) };
	struct xl_plan_input in = { .revision = 1, .next_id = 6, .live = live, .n_live = 2,
				    .adds = adds, .n_adds = 1 };
	int r;

	(void)state;
	/* Defaulted (the object's or 50): the anchor's priority wins. */
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.items[0].priority, 50);
	adds[0].priority_set = true;
	r = xl_plan_build(&in, &plan);
	assert_why(r, -EINVAL, "priority 10 conflicts with before id 4, which runs at priority 50");
	assert_int_equal(plan.kind, XL_ERROR_ORDER);
	adds[0].priority = 50;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "6,4,5");
	/* With both anchors, the after-target's priority counts. */
	adds[0].after = by_id(4);
	adds[0].before = by_id(5);
	adds[0].priority = 60;
	r = xl_plan_build(&in, &plan);
	assert_why(r, -EINVAL, "priority 60 conflicts with after id 4, which runs at priority 50");
	adds[0].priority = 50;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "4,6,5");
	/* Out of range is refused before anything else. */
	adds[0].priority = XL_PRIORITY_MAX + 1;
	assert_int_equal(xl_plan_build(&in, &plan), -ERANGE);
}

static void test_move_reorders(void **state)
{
	struct xl_plan_item live[] = { labelled(1, 50, "a"), labelled(2, 50, "b"),
				       labelled(3, 50, "c") };
	struct xl_plan_move moves[] = { move(3, XL_PRIORITY_KEEP) };
	struct xl_plan_input in = { .revision = 4, .next_id = 4, .live = live, .n_live = 3,
				    .moves = moves, .n_moves = 1 };

	(void)state;
	for (__u32 i = 0; i < 3; i++)
		live[i].counter_row = 7 + i;
	moves[0].before = by_id(1);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "3,1,2");
	assert_false(plan.unchanged);
	assert_int_equal(plan.revision, 5);
	assert_int_equal(plan.n_removed, 0);
	assert_int_equal(plan.n_fresh_rows, 0);	/* same programs, same rows */
	assert_int_equal(plan.items[0].counter_row, 9);
	assert_int_equal(plan.items[0].add_idx, -1);
	assert_int_equal(plan.next_id, 4);		/* no new id */
	/* After a label; then between two. */
	moves[0] = move(1, XL_PRIORITY_KEEP);
	moves[0].after = by_label("c");
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "2,3,1");
	moves[0].after = by_id(2);
	moves[0].before = by_id(3);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "2,1,3");
	/* Two moves, in batch order: the second may name the first. */
	struct xl_plan_move two[] = { move(1, XL_PRIORITY_KEEP), move(2, XL_PRIORITY_KEEP) };

	two[0].after = by_id(3);
	two[1].after = by_id(1);
	in.moves = two;
	in.n_moves = 2;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "3,1,2");
}

static void test_move_changes_priority(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20), item(3, 30) };
	struct xl_plan_move moves[] = { move(1, 25) };
	struct xl_plan_input in = { .revision = 4, .next_id = 4, .live = live, .n_live = 3,
				    .moves = moves, .n_moves = 1 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "2,1,3");
	assert_int_equal(plan.items[1].priority, 25);
	assert_false(plan.unchanged);
	/* A new priority that keeps the place still changes the revision:
	 * the state records it. */
	moves[0] = move(1, 15);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,2,3");
	assert_int_equal(plan.items[0].priority, 15);
	assert_false(plan.unchanged);
	/* Equal priority: after those already there. */
	moves[0] = move(1, 20);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "2,1,3");
	/* A given priority with an anchor must match it; one not given yields. */
	moves[0] = move(3, 5);
	moves[0].before = by_id(2);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "1,3,2");
	assert_int_equal(plan.items[1].priority, 20);
	moves[0].priority_set = true;
	assert_why(xl_plan_build(&in, &plan), -EINVAL,
		   "priority 5 conflicts with before id 2, which runs at priority 20");
	moves[0].priority = 20;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
}

/* A move to where it already is, at the priority it has, is no change. */
static void test_move_in_place_is_unchanged(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20), item(3, 20) };
	struct xl_plan_move moves[] = { move(1, XL_PRIORITY_KEEP) };
	struct xl_plan_input in = { .revision = 4, .next_id = 4, .live = live, .n_live = 3,
				    .moves = moves, .n_moves = 1 };

	(void)state;
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_true(plan.unchanged);
	assert_int_equal(plan.revision, 4);
	moves[0] = move(2, 20);
	moves[0].before = by_id(3);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_true(plan.unchanged);
	moves[0].before = (struct xl_anchor){};
	assert_int_equal(xl_plan_build(&in, &plan), 0);	/* re-placed after its equal */
	assert_string_equal(order(&plan), "1,3,2");
	assert_false(plan.unchanged);
}

static void test_move_errors(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20), item(3, 30) };
	struct xl_plan_move moves[2] = { move(9, XL_PRIORITY_KEEP) };
	__u32 rm[] = { 2 };
	struct xl_plan_input in = { .revision = 4, .next_id = 4, .live = live, .n_live = 3,
				    .moves = moves, .n_moves = 1 };

	(void)state;
	assert_why(xl_plan_build(&in, &plan), -ENOENT, "no attachment 9 to move");
	assert_int_equal(plan.kind, XL_ERROR_REQUEST);
	moves[0] = moves[1] = move(1, 15);
	in.n_moves = 2;
	assert_why(xl_plan_build(&in, &plan), -EINVAL, "attachment 1 is moved twice");
	in.n_moves = 1;
	moves[0] = move(2, 15);
	in.removes = rm;
	in.n_removes = 1;
	assert_why(xl_plan_build(&in, &plan), -EINVAL, "attachment 2 is both removed and moved");
	in.n_removes = 0;
	moves[0] = move(2, XL_PRIORITY_MAX + 1);
	assert_int_equal(xl_plan_build(&in, &plan), -ERANGE);
	moves[0] = move(2, -7);
	assert_int_equal(xl_plan_build(&in, &plan), -ERANGE);
	/* Relative to itself, or to one moved after it. */
	moves[0] = move(2, XL_PRIORITY_KEEP);
	moves[0].before = by_id(2);
	assert_why(xl_plan_build(&in, &plan), -EINVAL,
		   "before id 2: an attachment cannot be placed relative to itself");
	moves[0].before = by_id(3);
	moves[1] = move(3, 5);
	in.n_moves = 2;
	assert_why(xl_plan_build(&in, &plan), -EINVAL,
		   "before id 3: attachment 3 is moved later in this change; move it first");
	/* Nothing changed in a refused plan: it is all or nothing. */
	assert_int_equal(plan.kind, XL_ERROR_ORDER);
}

/* Moves are placed after additions: a move may name an addition's label. */
static void test_move_next_to_addition(void **state)
{
	struct xl_plan_item live[] = { item(1, 10), item(2, 20) };
	struct xl_plan_item adds[] = { labelled(0, 30, "new") };
	struct xl_plan_move moves[] = { move(1, XL_PRIORITY_KEEP) };
	struct xl_plan_input in = { .revision = 4, .next_id = 3, .live = live, .n_live = 2,
				    .adds = adds, .n_adds = 1, .moves = moves, .n_moves = 1 };

	(void)state;
	moves[0].after = by_label("new");
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_string_equal(order(&plan), "2,3,1");
	assert_int_equal(plan.items[2].priority, 30);
	/* Moves count as kept: 61 live, 2 moved, 2 added is too many. */
	struct xl_plan_item many[XL_MAX_PROGS];
	struct xl_plan_item two[] = { item(0, 1), item(0, 1) };

	for (int i = 0; i < XL_MAX_PROGS - 1; i++)
		many[i] = item((__u32)i + 1, 10);
	in = (struct xl_plan_input){ .revision = 1, .next_id = 100, .live = many,
				     .n_live = XL_MAX_PROGS - 1, .adds = two, .n_adds = 1,
				     .moves = moves, .n_moves = 1 };
	moves[0] = move(5, 20);
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.n, XL_MAX_PROGS);
	in.n_adds = 2;
	assert_why(xl_plan_build(&in, &plan), -E2BIG,
		   "too many programs: 64 would be attached, the limit is 63");
}

/* Whatever the batch, an accepted plan runs in non-decreasing priority,
 * keeps every kept attachment and honours every anchor it was given. */
static void test_accepted_plans_keep_priority_order(void **state)
{
	static const char *labels[] = { NULL, "a", "b", "c" };
	struct xl_plan_item live[12], adds[6];
	struct xl_plan_move moves[3];
	unsigned seed = 7, accepted = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n_live = (size_t)rand_r(&seed) % 12;
		struct xl_plan_input in = { .revision = 1, .next_id = 20, .live = live,
					    .n_live = n_live, .adds = adds,
					    .n_adds = (size_t)rand_r(&seed) % 6, .moves = moves };
		int r;

		for (size_t i = 0; i < n_live; i++)
			live[i] = labelled((__u32)i + 1, (int)(i / 3) * 10,
					   labels[rand_r(&seed) % 4]);
		for (size_t i = 0; i < in.n_adds; i++) {
			adds[i] = labelled(0, rand_r(&seed) % 4 * 10, labels[rand_r(&seed) % 4]);
			adds[i].priority_set = rand_r(&seed) % 4 == 0;
			if (rand_r(&seed) % 2)
				adds[i].before = rand_r(&seed) % 2 ? by_id((__u32)rand_r(&seed) % 14 + 1) :
					by_label(labels[rand_r(&seed) % 3 + 1]);
			if (rand_r(&seed) % 2)
				adds[i].after = rand_r(&seed) % 2 ? by_id((__u32)rand_r(&seed) % 14 + 1) :
					by_label(labels[rand_r(&seed) % 3 + 1]);
		}
		in.n_moves = n_live ? (size_t)rand_r(&seed) % 3 : 0;
		for (size_t i = 0; i < in.n_moves; i++) {
			moves[i] = move((__u32)rand_r(&seed) % n_live + 1,
					rand_r(&seed) % 2 ? XL_PRIORITY_KEEP : rand_r(&seed) % 4 * 10);
			if (rand_r(&seed) % 2)
				moves[i].after = by_id((__u32)rand_r(&seed) % 14 + 1);
		}
		r = xl_plan_build(&in, &plan);
		if (r < 0) {
			assert_true(r == -ENOENT || r == -EINVAL);
			assert_true(plan.why[0]);
			continue;
		}
		accepted++;
		assert_int_equal(plan.n, n_live + in.n_adds);
		for (size_t i = 1; i < plan.n; i++)
			assert_true(plan.items[i - 1].priority <= plan.items[i].priority);
		/* An addition runs before (after) the attachment its id anchor
		 * names, unless a move placed that one again later. */
		for (size_t i = 0; i < plan.n; i++) {
			const struct xl_plan_item *it = &plan.items[i];

			if (it->add_idx < 0)
				continue;
			for (size_t j = 0; j < plan.n; j++) {
				bool moved = false;

				for (size_t k = 0; k < in.n_moves; k++)
					moved = moved || moves[k].id == plan.items[j].id;
				if (moved)
					continue;
				if (it->before.id == plan.items[j].id)
					assert_true(i < j);
				if (it->after.id == plan.items[j].id)
					assert_true(i > j);
			}
		}
	}
	assert_true(accepted > 1000);
}

/* The batch copies anchors (labels too) and checks them where it can. */
static void test_batch_anchors_moves_drops(void **state)
{
	struct xl_batch *b = xl_batch__new();
	char label[] = "fw";
	struct xl_prog_spec spec = { .sz = sizeof(spec), .object = "x.o",
				     .before = { .label = label }, .priority_set = true };
	struct xl_move_opts mo = { .sz = sizeof(mo), .priority = XL_PRIORITY_KEEP,
				   .priority_set = true, .after = { .label = label } };

	(void)state;
	assert_non_null(b);
	assert_int_equal(xl_batch__add(b, &spec), 0);
	assert_int_equal(xl_batch__move(b, 4, &mo), 0);
	label[0] = 'x';
	assert_string_equal(b->adds[0].spec.before.label, "fw");
	assert_true(b->adds[0].spec.priority_set);
	assert_string_equal(b->moves[0].after.label, "fw");
	assert_int_equal(b->moves[0].priority, XL_PRIORITY_KEEP);
	assert_false(b->moves[0].priority_set);	/* nothing given to check */
	/* An older caller's spec ends before the anchors: none. */
	spec.sz = offsetofend(struct xl_prog_spec, pin_root_path);
	assert_int_equal(xl_batch__add(b, &spec), 1);
	assert_null(b->adds[1].spec.before.label);
	assert_false(b->adds[1].spec.priority_set);
	spec.sz = sizeof(spec);
	/* One anchor names an id or a label, not both, and no empty label. */
	spec.after = (struct xl_anchor){ .id = 3, .label = "a" };
	assert_int_equal(xl_batch__add(b, &spec), -EINVAL);
	spec.after = (struct xl_anchor){ .label = "" };
	assert_int_equal(xl_batch__add(b, &spec), -EINVAL);
	assert_int_equal(b->n_adds, 2);
	/* Moves: NULL keeps everything; bad ids, priorities and sizes refused. */
	assert_int_equal(xl_batch__move(b, 5, NULL), 0);
	assert_int_equal(b->moves[1].priority, XL_PRIORITY_KEEP);
	assert_int_equal(xl_batch__move(b, 0, NULL), -EINVAL);
	mo = (struct xl_move_opts){ .sz = sizeof(mo), .priority = XL_PRIORITY_MAX + 1 };
	assert_int_equal(xl_batch__move(b, 6, &mo), -ERANGE);
	mo.priority = 7;
	mo.priority_set = true;
	mo.sz = sizeof(size_t);
	assert_int_equal(xl_batch__move(b, 6, &mo), -EINVAL);
	mo.sz = sizeof(mo);
	assert_int_equal(xl_batch__move(b, 6, &mo), 0);
	assert_int_equal(b->moves[2].priority, 7);
	assert_true(b->moves[2].priority_set);
	assert_int_equal(b->n_moves, 3);
	/* Drop */
	assert_int_equal(xl_batch__drop(b, 2), -EINVAL);
	assert_int_equal(xl_batch__drop(b, -1), -EINVAL);
	assert_int_equal(xl_batch__drop(b, 1), 0);
	assert_true(b->adds[1].dropped);
	assert_int_equal(xl_batch__attach_id(b, 1), 0);
	xl_batch__free(b);
}

static void test_actions_parse_format(void **state)
{
	char buf[64];
	__u32 m;

	(void)state;
	assert_int_equal(xl_actions_parse("pass,drop", &m), 0);
	assert_int_equal(m, PASS | DROP);
	assert_int_equal(xl_actions_parse("aborted,drop,pass,tx,redirect", &m), 0);
	assert_int_equal(m, 0x1f);
	assert_int_equal(xl_actions_parse("none", &m), 0);
	assert_int_equal(m, XL_ACTIONS_NONE);
	assert_int_equal(xl_actions_parse("pass,", &m), -EINVAL);
	assert_int_equal(xl_actions_parse("", &m), -EINVAL);
	assert_int_equal(xl_actions_parse("pas", &m), -EINVAL);
	assert_int_equal(xl_actions_parse("pass,bogus", &m), -EINVAL);
	assert_int_equal(xl_actions_format(PASS | DROP, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "drop,pass");
	assert_int_equal(xl_actions_format(XL_ACTIONS_NONE, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "none");
	assert_int_equal(xl_actions_format(0x1f, buf, 8), -ENOSPC);
	assert_int_equal(xl_actions_effective(XL_ACTIONS_NONE), XL_ACTION(XL_SENTINEL));
	assert_int_equal(xl_actions_effective(0xffffffff), 0x1f | XL_ACTION(XL_SENTINEL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_by_priority_then_id),
		cmocka_unit_test(test_tie_break_is_stable_across_revisions),
		cmocka_unit_test(test_batch_is_one_revision),
		cmocka_unit_test(test_remove_all),
		cmocka_unit_test(test_expected_revision),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_removals_and_priorities),
		cmocka_unit_test(test_counter_rows_survive_and_stay_apart),
		cmocka_unit_test(test_counter_rows_reused_when_full),
		cmocka_unit_test(test_dispatcher_config),
		cmocka_unit_test(test_entry_mode_only_when_equivalent),
		cmocka_unit_test(test_unchanged_set_commits_nothing),
		cmocka_unit_test(test_unanchored_is_the_old_sort),
		cmocka_unit_test(test_live_order_is_kept),
		cmocka_unit_test(test_before_and_after_id),
		cmocka_unit_test(test_before_and_after_label),
		cmocka_unit_test(test_same_anchor_in_batch_order),
		cmocka_unit_test(test_unanchored_first),
		cmocka_unit_test(test_both_anchors),
		cmocka_unit_test(test_anchor_names_nothing),
		cmocka_unit_test(test_explicit_priority_must_match),
		cmocka_unit_test(test_move_reorders),
		cmocka_unit_test(test_move_changes_priority),
		cmocka_unit_test(test_move_in_place_is_unchanged),
		cmocka_unit_test(test_move_errors),
		cmocka_unit_test(test_move_next_to_addition),
		cmocka_unit_test(test_accepted_plans_keep_priority_order),
		cmocka_unit_test(test_batch_anchors_moves_drops),
		cmocka_unit_test(test_actions_parse_format),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
