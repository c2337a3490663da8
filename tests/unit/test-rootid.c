/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests: the bpffs root's identity record (lib/xl-rootid.c). A fresh
 * state directory records the root; the same root is accepted; another
 * path or another device makes the engine read-only (-EXDEV on write) with
 * a message that says what happened and how to fix it; recording again
 * lifts it. Plain directories under a temporary directory stand in for
 * bpffs: only st_dev and the path matter here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "xl-internal.h"

struct fixture {
	char tmp[64];
	char root[128], other[128], state[128], record[160];
	struct xl_engine e;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->tmp, sizeof(f->tmp), "/tmp/xl-rootid-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->root, sizeof(f->root), "%s/root", f->tmp);
	snprintf(f->other, sizeof(f->other), "%s/other", f->tmp);
	snprintf(f->state, sizeof(f->state), "%s/state", f->tmp);
	snprintf(f->record, sizeof(f->record), "%s/bpffs_root", f->state);
	assert_int_equal(mkdir(f->root, 0700), 0);
	assert_int_equal(mkdir(f->other, 0700), 0);
	assert_int_equal(mkdir(f->state, 0700), 0);
	f->e.root = f->root;
	f->e.state_dir = f->state;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void test_fresh_then_same(void **state)
{
	struct fixture *f = *state;
	struct xl_err err = {};
	struct stat st;
	char text[256] = "", want[256];
	FILE *in;

	assert_int_equal(xl_engine_check_root(&f->e), 0);
	assert_null(xl_engine__root_changed(&f->e));
	in = fopen(f->record, "re");
	assert_non_null(in);
	assert_int_equal(fread(text, 1, sizeof(text) - 1, in) > 0, 1);
	fclose(in);
	assert_int_equal(stat(f->root, &st), 0);
	snprintf(want, sizeof(want), "dev %u:%u\nroot %s\n", major(st.st_dev), minor(st.st_dev),
		 f->root);
	assert_string_equal(text, want);
	/* The next start, same root: writable. */
	assert_int_equal(xl_engine_check_root(&f->e), 0);
	assert_null(xl_engine__root_changed(&f->e));
	assert_int_equal(xl_engine_writable(&f->e, &err), 0);
}

static void test_other_path(void **state)
{
	struct fixture *f = *state;
	struct xl_err err = {};

	assert_int_equal(xl_engine_check_root(&f->e), 0);
	f->e.root = f->other;	/* BpffsRoot changed */
	assert_int_equal(xl_engine_check_root(&f->e), 0);
	assert_non_null(xl_engine__root_changed(&f->e));
	assert_non_null(strstr(xl_engine__root_changed(&f->e), "the bpffs root changed from"));
	assert_non_null(strstr(xl_engine__root_changed(&f->e), "set BpffsRoot back"));
	assert_int_equal(xl_engine_writable(&f->e, &err), -EXDEV);
	assert_non_null(strstr(err.msg, "refusing to write"));
	/* Adopting there makes it ours. */
	assert_int_equal(xl_engine__record_root(&f->e), 0);
	assert_null(xl_engine__root_changed(&f->e));
	assert_int_equal(xl_engine_writable(&f->e, &err), 0);
}

static void test_other_device(void **state)
{
	struct fixture *f = *state;
	struct xl_err err = {};
	FILE *out = fopen(f->record, "we");

	/* What a bpffs mounted over the first looks like: same path, another device. */
	assert_non_null(out);
	fprintf(out, "dev 4095:1048575\nroot %s\n", f->root);
	fclose(out);
	assert_int_equal(xl_engine_check_root(&f->e), 0);
	assert_non_null(xl_engine__root_changed(&f->e));
	assert_non_null(strstr(xl_engine__root_changed(&f->e), "another bpffs instance"));
	assert_non_null(strstr(xl_engine__root_changed(&f->e), "was 4095:1048575"));
	assert_non_null(strstr(xl_engine__root_changed(&f->e), "umount"));
	assert_int_equal(xl_engine_writable(&f->e, &err), -EXDEV);
}

static void test_garbled_record(void **state)
{
	struct fixture *f = *state;
	FILE *out = fopen(f->record, "we");

	assert_non_null(out);
	fputs("nonsense\n", out);
	fclose(out);
	assert_int_equal(xl_engine_check_root(&f->e), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_then_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbled_record, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
