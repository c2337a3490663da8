/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: adoption keeps the kernel's run order through the next plan. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "xl-adopt.h"
#include "xl-plan.h"

static struct xl_attachment att(__u32 id, int prio)
{
	return (struct xl_attachment){ .id = id, .priority = prio,
				       .chain_actions = XL_ACTION(XDP_PASS) };
}

/* The order the next revision would run att in: a plan that keeps them all. */
static void assert_plan_keeps(const struct xl_attachment *a, size_t n)
{
	struct xl_plan_item live[XL_MAX_PROGS];
	struct xl_plan_input in = { .revision = 1, .next_id = 100, .live = live, .n_live = n };
	static struct xl_plan plan;

	for (size_t i = 0; i < n; i++)
		live[i] = (struct xl_plan_item){ .id = a[i].id, .priority = a[i].priority,
						 .chain_actions = a[i].chain_actions,
						 .counter_row = (__u32)i, .add_idx = -1 };
	assert_int_equal(xl_plan_build(&in, &plan), 0);
	assert_int_equal(plan.n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(plan.items[i].id, a[i].id);
}

/* All made up: priority 50 each, fresh ids in kernel order; nothing to change. */
static void test_made_up_in_order(void **state)
{
	struct xl_attachment a[] = { att(4, 50), att(5, 50), att(6, 50) };

	(void)state;
	xl_adopt_keep_order(a, 3);
	assert_int_equal(a[0].priority, 50);
	assert_int_equal(a[2].priority, 50);
	assert_plan_keeps(a, 3);
}

/* State files' priorities that already give the kernel's order stay. */
static void test_kept_priorities_stay(void **state)
{
	struct xl_attachment a[] = { att(3, 10), att(1, 20), att(2, 30) };

	(void)state;
	xl_adopt_keep_order(a, 3);
	assert_int_equal(a[0].priority, 10);
	assert_int_equal(a[1].priority, 20);
	assert_int_equal(a[2].priority, 30);
	assert_plan_keeps(a, 3);
}

/* A made-up one (fresh id 9, priority 50) between kept ones of 20 and 30
 * would move to the end: the priorities are spread in kernel order. */
static void test_mixed_reordering_is_spread(void **state)
{
	struct xl_attachment a[] = { att(1, 20), att(9, 50), att(2, 30) };

	(void)state;
	xl_adopt_keep_order(a, 3);
	assert_true(a[0].priority < a[1].priority && a[1].priority < a[2].priority);
	assert_plan_keeps(a, 3);
}

/* Equal priorities with ids against the kernel's order (ids from two
 * state files, or a newer program anchored before an older one): the
 * plan keeps the live order, so the priorities a caller gave stay. */
static void test_id_tie_against_order_stays(void **state)
{
	struct xl_attachment a[XL_MAX_PROGS];

	(void)state;
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		a[i] = att((__u32)(XL_MAX_PROGS - i), 50);
	xl_adopt_keep_order(a, XL_MAX_PROGS);
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		assert_int_equal(a[i].priority, 50);
	assert_plan_keeps(a, XL_MAX_PROGS);
}

/* Priorities against the kernel's order over the whole range: the spread
 * of 63 fits 0..1000. */
static void test_full_spread_fits(void **state)
{
	struct xl_attachment a[XL_MAX_PROGS];

	(void)state;
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		a[i] = att((__u32)i + 1, (int)(XL_MAX_PROGS - i));
	xl_adopt_keep_order(a, XL_MAX_PROGS);
	for (size_t i = 1; i < XL_MAX_PROGS; i++)
		assert_true(a[i - 1].priority < a[i].priority);
	assert_true(a[XL_MAX_PROGS - 1].priority <= XL_PRIORITY_MAX);
	assert_plan_keeps(a, XL_MAX_PROGS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made_up_in_order),
		cmocka_unit_test(test_kept_priorities_stay),
		cmocka_unit_test(test_mixed_reordering_is_spread),
		cmocka_unit_test(test_id_tie_against_order_stays),
		cmocka_unit_test(test_full_spread_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
