/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: state file round trip, atomic write, and rejection of corrupt files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl-state.h"
#include "xl-util.h"

static void sample(struct xl_state *st)
{
	memset(st, 0, sizeof(*st));
	st->revision = 42;
	st->netns_cookie = 4096;
	st->ifindex = 7;
	st->mode = XL_MODE_SKB;
	st->counters = true;
	st->next_id = 9;
	st->n = 2;
	st->att[0] = (struct xl_attachment){ .id = 3, .prog_id = 100, .priority = 10,
		.chain_actions = 6, .frags = true, .name = strdup("fw"),
		.object = strdup("/usr/lib/fw.o"), .label = strdup("firewall \"v2\""),
		.owner = strdup("uid=0"), .counter_row = 1, .connection = true };
	st->att[1] = (struct xl_attachment){ .id = 8, .prog_id = 101, .priority = 50,
		.chain_actions = XL_ACTIONS_NONE, .name = strdup("lb"),
		.object = strdup("/usr/lib/lb.o") };
}

static void assert_same(const struct xl_state *a, const struct xl_state *b)
{
	assert_int_equal(a->revision, b->revision);
	assert_int_equal(a->netns_cookie, b->netns_cookie);
	assert_int_equal(a->ifindex, b->ifindex);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->counters, b->counters);
	assert_int_equal(a->direct, b->direct);
	assert_int_equal(a->next_id, b->next_id);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->att[i].id, b->att[i].id);
		assert_int_equal(a->att[i].prog_id, b->att[i].prog_id);
		assert_int_equal(a->att[i].priority, b->att[i].priority);
		assert_int_equal(a->att[i].chain_actions, b->att[i].chain_actions);
		assert_int_equal(a->att[i].frags, b->att[i].frags);
		assert_int_equal(a->att[i].counter_row, b->att[i].counter_row);
		assert_int_equal(a->att[i].connection, b->att[i].connection);
		assert_string_equal(a->att[i].name, b->att[i].name);
		assert_string_equal(a->att[i].object, b->att[i].object);
		assert_true((!a->att[i].label && !b->att[i].label) ||
			    !strcmp(a->att[i].label, b->att[i].label));
		assert_true((!a->att[i].owner && !b->att[i].owner) ||
			    !strcmp(a->att[i].owner, b->att[i].owner));
	}
}

static void test_round_trip_text(void **state)
{
	struct xl_state a, b = {};
	char *text;

	(void)state;
	sample(&a);
	assert_int_equal(xl_state_format(&a, &text), 0);
	assert_int_equal(xl_state_parse(text, &b), 0);
	assert_same(&a, &b);
	free(text);
	xl_state_clear(&a);
	xl_state_clear(&b);
}

static void test_round_trip_file(void **state)
{
	char dir[] = "/tmp/xl-state-XXXXXX", path[64], tmp[80];
	struct xl_state a, b = {};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rev-42.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	sample(&a);
	assert_int_equal(xl_state_write(path, &a), 0);
	assert_int_equal(access(tmp, F_OK), -1);	/* no temporary left behind */
	assert_int_equal(xl_state_read(path, &b), 0);
	assert_same(&a, &b);
	/* Overwrite is all-or-nothing: the new content replaces the old. */
	a.revision = 43;
	assert_int_equal(xl_state_write(path, &a), 0);
	xl_state_clear(&b);
	assert_int_equal(xl_state_read(path, &b), 0);
	assert_int_equal(b.revision, 43);
	unlink(path);
	rmdir(dir);
	xl_state_clear(&a);
	xl_state_clear(&b);
}

/* Issue 13: run order is the file's, not (priority, id), and a moved
 * attachment's new priority is what the file says: a restart reads both. */
static void test_order_and_moved_priority_survive(void **state)
{
	struct xl_state st = { .revision = 5, .netns_cookie = 1, .ifindex = 2,
			       .mode = XL_MODE_NATIVE, .next_id = 20, .n = 3 }, back;
	static const __u32 ids[] = { 12, 3, 7 };
	static const int prios[] = { 20, 20, 35 };	/* 7 was moved from 10 to 35 */
	_cleanup_free_ char *text = NULL;

	(void)state;
	for (size_t i = 0; i < 3; i++)
		st.att[i] = (struct xl_attachment){ .id = ids[i], .priority = prios[i],
			.name = strdup("p"), .object = strdup("o.o"), .counter_row = (__u32)i };
	assert_int_equal(xl_state_format(&st, &text), 0);
	assert_int_equal(xl_state_parse(text, &back), 0);
	assert_int_equal(back.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(back.att[i].id, ids[i]);
		assert_int_equal(back.att[i].priority, prios[i]);
	}
	xl_state_clear(&back);
	xl_state_clear(&st);
}

static void test_copy(void **state)
{
	struct xl_state a, b;

	(void)state;
	sample(&a);
	assert_int_equal(xl_state_copy(&b, &a), 0);
	assert_ptr_not_equal(a.att[0].name, b.att[0].name);
	assert_same(&a, &b);
	xl_state_clear(&a);
	xl_state_clear(&b);
}

static void expect_bad(const char *text)
{
	struct xl_state st = {};

	assert_int_equal(xl_state_parse(text, &st), -EBADMSG);
	assert_int_equal(st.n, 0);
}

#define HDR "\"version\":1,\"revision\":2,\"netns_cookie\":1,\"ifindex\":3,\"mode\":\"native\"," \
	    "\"counters\":false,\"direct\":false,\"next_id\":5,"
#define ATT "{\"id\":1,\"prog_id\":9,\"priority\":50,\"chain_actions\":4,\"frags\":false," \
	    "\"name\":\"a\",\"counter_row\":0"

static void test_corrupt(void **state)
{
	struct xl_state st = {};

	(void)state;
	/* The well-formed base case parses, so each failure below is the edit. */
	assert_int_equal(xl_state_parse("{" HDR "\"attachments\":[" ATT "}]}", &st), 0);
	xl_state_clear(&st);
	expect_bad("");
	expect_bad("{");
	expect_bad("[]");
	expect_bad("{" HDR "\"attachments\":[" ATT "}]");			/* truncated */
	expect_bad("{" HDR "\"attachments\":{}}");				/* not an array */
	expect_bad("{" HDR "\"attachments\":[" ATT ",\"x\":1}]}");		/* unknown key */
	expect_bad("{" HDR "\"attachments\":[" ATT "}],\"x\":1}");		/* unknown key */
	expect_bad("{" HDR "\"attachments\":[{\"id\":1}]}");			/* missing keys */
	expect_bad("{" HDR "\"attachments\":[" ATT "},"  ATT "}],\"mode\":\"skb\"}"); /* duplicate key */
	expect_bad("{\"version\":2," HDR "\"attachments\":[]}");		/* duplicate version */
	expect_bad("{\"version\":9,\"revision\":2,\"netns_cookie\":1,\"ifindex\":3,\"mode\":\"native\","
		   "\"counters\":false,\"direct\":false,\"next_id\":5,\"attachments\":[]}");
	expect_bad("{\"version\":1,\"revision\":2,\"netns_cookie\":1,\"ifindex\":3,\"mode\":\"fast\","
		   "\"counters\":false,\"direct\":false,\"next_id\":5,\"attachments\":[]}");
	expect_bad("{\"version\":1,\"revision\":0,\"netns_cookie\":1,\"ifindex\":3,\"mode\":\"native\","
		   "\"counters\":false,\"direct\":false,\"next_id\":5,\"attachments\":[]}");
	/* an id at or past next_id would be handed out twice */
	expect_bad("{\"version\":1,\"revision\":2,\"netns_cookie\":1,\"ifindex\":3,\"mode\":\"native\","
		   "\"counters\":false,\"direct\":false,\"next_id\":1,\"attachments\":[" ATT "}]}");
	expect_bad("{" HDR "\"attachments\":[{\"id\":1,\"prog_id\":9,\"priority\":5000,"
		   "\"chain_actions\":4,\"frags\":false,\"name\":\"a\",\"counter_row\":0}]}");
	expect_bad("{" HDR "\"attachments\":[{\"id\":1,\"prog_id\":9,\"priority\":5,"
		   "\"chain_actions\":4,\"frags\":false,\"name\":\"a\",\"counter_row\":63}]}");
	expect_bad("{" HDR "\"attachments\":[{\"id\":1,\"prog_id\":9,\"priority\":5,"
		   "\"chain_actions\":4,\"frags\":\"no\",\"name\":\"a\",\"counter_row\":0}]}");
	expect_bad("{" HDR "\"attachments\":[" ATT ",\"connection\":1}]}");	/* not a bool */
	/* States written before lifetimes existed have no "connection": pinned. */
	assert_int_equal(xl_state_parse("{" HDR "\"attachments\":[" ATT "}]}", &st), 0);
	assert_false(st.att[0].connection);
	xl_state_clear(&st);
	assert_int_equal(xl_state_parse("{" HDR "\"attachments\":[" ATT ",\"connection\":true}]}",
					&st), 0);
	assert_true(st.att[0].connection);
	xl_state_clear(&st);
}

static void test_missing_and_garbage_files(void **state)
{
	char dir[] = "/tmp/xl-state-XXXXXX", path[64];
	struct xl_state st = {};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rev-1.json", dir);
	assert_int_equal(xl_state_read(path, &st), -ENOENT);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("\x7f" "ELF binary garbage \xff\xfe", f);
	fclose(f);
	assert_int_equal(xl_state_read(path, &st), -EBADMSG);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_text),
		cmocka_unit_test(test_round_trip_file),
		cmocka_unit_test(test_order_and_moved_priority_survive),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_missing_and_garbage_files),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
