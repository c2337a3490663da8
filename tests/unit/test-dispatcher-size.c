/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the dispatcher size a revision gets (lib/xl-dispatcher.c) and which
 * loaded instructions a twin may reuse as they are (lib/xl-prog.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "xl-dispatcher.h"
#include "xl-prog.h"

static void test_smallest_size_that_holds(void **state)
{
	(void)state;
	assert_int_equal(xl_dispatcher_size(1), 4);
	assert_int_equal(xl_dispatcher_size(4), 4);
	assert_int_equal(xl_dispatcher_size(5), 10);
	assert_int_equal(xl_dispatcher_size(10), 10);
	assert_int_equal(xl_dispatcher_size(11), 16);
	assert_int_equal(xl_dispatcher_size(16), 16);
	assert_int_equal(xl_dispatcher_size(17), 32);
	assert_int_equal(xl_dispatcher_size(32), 32);
	assert_int_equal(xl_dispatcher_size(33), XL_MAX_SLOTS);
	assert_int_equal(xl_dispatcher_size(XL_MAX_SLOTS), XL_MAX_SLOTS);
	assert_int_equal(xl_dispatcher_size(XL_MAX_SLOTS + 1), 0);
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV0 INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static void test_helper_calls_are_standalone(void **state)
{
	struct bpf_insn p[] = { INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns), MOV0, EXIT };
	/* A map reference is an fd the twin shares: fine as it is. */
	struct bpf_insn m[] = { INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 5),
				INSN(0, 0, 0, 0, 0), MOV0, EXIT };

	(void)state;
	assert_true(xl_prog_insns_standalone(p, 3));
	assert_true(xl_prog_insns_standalone(m, 4));
}

static void test_calls_set_up_per_load_are_not(void **state)
{
	struct bpf_insn sub[] = { INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1), EXIT, MOV0, EXIT };
	struct bpf_insn kf[] = { INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 1234), MOV0, EXIT };
	struct bpf_insn cb[] = { INSN(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 3),
				 INSN(0, 0, 0, 0, 0), MOV0, EXIT, MOV0, EXIT };

	(void)state;
	assert_false(xl_prog_insns_standalone(sub, 4));
	assert_false(xl_prog_insns_standalone(kf, 3));
	assert_false(xl_prog_insns_standalone(cb, 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smallest_size_that_holds),
		cmocka_unit_test(test_helper_calls_are_standalone),
		cmocka_unit_test(test_calls_set_up_per_load_are_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
