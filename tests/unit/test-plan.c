/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: ordering, tie-break, batch planning and chain-action encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/bpf.h>

#include "xl-plan.h"

#define PASS XL_ACTION(XDP_PASS)
#define DROP XL_ACTION(XDP_DROP)

static struct xl_plan_item item(__u32 id, int prio)
{
	return (struct xl_plan_item){ .id = id, .priority = prio, .chain_actions = PASS,
				      .add_idx = -1 };
}

static struct xl_plan plan;

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
		cmocka_unit_test(test_actions_parse_format),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
