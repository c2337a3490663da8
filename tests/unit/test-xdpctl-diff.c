/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl_client__diff(): the Change operations that make one label's programs
 * on an interface what is wanted (xdpctl apply, the CNI plugin). Each test
 * lists an interface, wants a set, and checks the operations exactly: that
 * nothing differs gives none, that other labels and owners are never
 * touched, and that the operations give the wanted run order under the
 * daemon's placement rules (else one replaceLabel).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "xdplink/xdplink-client.h"

#define PASS XL_ACTION(XDP_PASS)

/* An attachment as List shows it. */
static json_t *att(int id, const char *object, const char *name, int prio, const char *label,
		   const char *owner)
{
	return json_pack("{s:i,s:i,s:s,s:s,s:s,s:i,s:[s],s:s?,s:s?,s:s}", "id", id,
			 "programId", 100 + id, "name", name, "tag", "0011223344556677",
			 "object", object, "priority", prio, "actions", "pass", "label", label,
			 "owner", owner, "lifetime", "pinned");
}

/* An Interface of the attachments given, NULL-terminated, in run order. */
static json_t *iface(json_t *first, ...)
{
	json_t *atts = json_array(), *a = first;
	va_list ap;

	va_start(ap, first);
	for (; a; a = va_arg(ap, json_t *))
		json_array_append_new(atts, a);
	va_end(ap);
	return json_pack("{s:s,s:i,s:i,s:s,s:o}", "name", "eth0", "ifindex", 2, "revision", 3,
			 "mode", "native", "attachments", atts);
}

static struct xl_client_program prog(const char *object, const char *name, int prio)
{
	return (struct xl_client_program){ .sz = sizeof(struct xl_client_program),
					   .object = object, .object_fd = -EBADF,
					   .prog_name = name, .priority = prio };
}

/* The operations, compact, for one string comparison. */
static char *diff(const char *label, const char *owner, const struct xl_client_program *p,
		  size_t n, json_t *ifc)
{
	json_t *ops = NULL;
	char *s;

	assert_int_equal(xl_client__diff(label, owner, p, n, ifc, &ops), 0);
	s = json_dumps(ops, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(ops);
	json_decref(ifc);
	return s;
}

static void expect(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_empty_interface_attaches_all(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10), prog("/o/b.o", "b", 20) };

	(void)state;
	p[1].object_fd = 7;	/* passed as an fd; xl_client__change() renumbers it */
	p[1].actions = PASS;
	expect(diff("c1", NULL, p, 2, iface(NULL)),
	       "[{\"label\":\"c1\",\"object\":\"/o/a.o\",\"op\":\"attach\",\"priority\":10,"
	       "\"program\":\"a\"},{\"actions\":[\"pass\"],\"label\":\"c1\",\"objectFd\":7,"
	       "\"op\":\"attach\",\"priority\":20,\"program\":\"b\"}]");
}

static void test_equal_is_nothing(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10), prog("/o/b.o", NULL,
									XL_PRIORITY_FROM_OBJECT) };

	(void)state;
	p[0].actions = PASS;
	expect(diff("c1", NULL, p, 2,
		    iface(att(1, "/o/x.o", "x", 5, "other", NULL), att(4, "/o/a.o", "a", 10, "c1", NULL),
			  att(9, "/o/b.o", "b", 60, "c1", NULL), NULL)), "[]");
}

static void test_swap_one_keeps_the_rest_and_others(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10), prog("/o/c.o", "c", 30) };

	(void)state;
	expect(diff("c1", NULL, p, 2,
		    iface(att(1, "/o/x.o", "x", 5, "fw", NULL), att(4, "/o/a.o", "a", 10, "c1", NULL),
			  att(5, "/o/b.o", "b", 20, "c1", NULL), att(6, "/o/b.o", "b", 25, NULL, NULL),
			  NULL)),
	       "[{\"id\":5,\"op\":\"detach\"},{\"label\":\"c1\",\"object\":\"/o/c.o\",\"op\":"
	       "\"attach\",\"priority\":30,\"program\":\"c\"}]");
}

static void test_upgrade_to_other_programs(void **state)
{
	struct xl_client_program p[] = { prog("/o/d.o", "d", 40), prog("/o/e.o", "e", 41) };

	(void)state;
	expect(diff("c1", NULL, p, 2,
		    iface(att(1, "/o/a.o", "a", 10, "c1", NULL), att(2, "/o/x.o", "x", 30, "fw", NULL),
			  att(3, "/o/b.o", "b", 40, "c1", NULL), NULL)),
	       "[{\"id\":1,\"op\":\"detach\"},{\"id\":3,\"op\":\"detach\"},{\"label\":\"c1\","
	       "\"object\":\"/o/d.o\",\"op\":\"attach\",\"priority\":40,\"program\":\"d\"},"
	       "{\"label\":\"c1\",\"object\":\"/o/e.o\",\"op\":\"attach\",\"priority\":41,"
	       "\"program\":\"e\"}]");
}

static void test_priority_change_is_a_move(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10), prog("/o/b.o", "b", 70) };

	(void)state;
	expect(diff("c1", NULL, p, 2,
		    iface(att(4, "/o/a.o", "a", 10, "c1", NULL), att(5, "/o/b.o", "b", 20, "c1", NULL),
			  NULL)),
	       "[{\"id\":5,\"op\":\"move\",\"priority\":70}]");
}

static void test_other_actions_is_a_new_program(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10) };

	(void)state;
	p[0].actions = XL_ACTION(XDP_PASS) | XL_ACTION(XDP_DROP);
	expect(diff("c1", NULL, p, 1, iface(att(4, "/o/a.o", "a", 10, "c1", NULL), NULL)),
	       "[{\"id\":4,\"op\":\"detach\"},{\"actions\":[\"drop\",\"pass\"],\"label\":\"c1\","
	       "\"object\":\"/o/a.o\",\"op\":\"attach\",\"priority\":10,\"program\":\"a\"}]");
}

/* Priorities order the wanted set: the file's order does not matter then. */
static void test_wanted_sorted_by_priority(void **state)
{
	struct xl_client_program p[] = { prog("/o/b.o", "b", 20), prog("/o/a.o", "a", 10) };

	(void)state;
	expect(diff("c1", NULL, p, 2,
		    iface(att(4, "/o/a.o", "a", 10, "c1", NULL), att(5, "/o/b.o", "b", 20, "c1", NULL),
			  NULL)), "[]");
}

/* Two at one priority in the other order: an attach would land after the
 * kept one, so only a replaceLabel gives the order. */
static void test_reorder_at_one_priority_replaces_the_label(void **state)
{
	struct xl_client_program p[] = { prog("/o/b.o", "b", 20), prog("/o/a.o", "a", 20) };

	(void)state;
	expect(diff("c1", NULL, p, 2,
		    iface(att(4, "/o/a.o", "a", 20, "c1", NULL), att(5, "/o/b.o", "b", 20, "c1", NULL),
			  NULL)),
	       "[{\"label\":\"c1\",\"op\":\"replaceLabel\",\"programs\":[{\"label\":\"c1\","
	       "\"object\":\"/o/b.o\",\"priority\":20,\"program\":\"b\"},{\"label\":\"c1\","
	       "\"object\":\"/o/a.o\",\"priority\":20,\"program\":\"a\"}]}]");
}

/* An addition whose priority is up to its object cannot be placed ahead
 * of time: kept programs around it make it a replaceLabel. */
static void test_unknown_priority_next_to_kept(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10),
					 prog("/o/n.o", NULL, XL_PRIORITY_FROM_OBJECT) };
	char *s;

	(void)state;
	s = diff("c1", NULL, p, 2, iface(att(4, "/o/a.o", "a", 10, "c1", NULL), NULL));
	assert_non_null(strstr(s, "\"op\":\"replaceLabel\""));
	free(s);
}

static void test_nothing_wanted_detaches_the_label(void **state)
{
	(void)state;
	expect(diff("c1", NULL, NULL, 0,
		    iface(att(4, "/o/a.o", "a", 10, "c1", NULL), att(5, "/o/x.o", "x", 11, "fw", NULL),
			  att(6, "/o/b.o", "b", 20, "c1", NULL), NULL)),
	       "[{\"id\":4,\"op\":\"detach\"},{\"id\":6,\"op\":\"detach\"}]");
}

/* A caller other than root sees root's attachments with its label too,
 * but may not touch them: the owner scopes the label. */
static void test_owner_scopes_the_label(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10) };

	(void)state;
	expect(diff("web", "uid:1000", p, 1,
		    iface(att(4, "/o/a.o", "a", 10, "web", "uid:0"),
			  att(5, "/o/b.o", "b", 20, "web", "uid:1000"), NULL)),
	       "[{\"id\":5,\"op\":\"detach\"},{\"label\":\"web\",\"object\":\"/o/a.o\",\"op\":"
	       "\"attach\",\"priority\":10,\"program\":\"a\"}]");
}

/* The same program twice (two instances) is matched one to one. */
static void test_duplicates_match_one_to_one(void **state)
{
	struct xl_client_program p[] = { prog("/o/a.o", "a", 10), prog("/o/a.o", "a", 10) };

	(void)state;
	expect(diff("c1", NULL, p, 2, iface(att(4, "/o/a.o", "a", 10, "c1", NULL), NULL)),
	       "[{\"label\":\"c1\",\"object\":\"/o/a.o\",\"op\":\"attach\",\"priority\":10,"
	       "\"program\":\"a\"}]");
}

static void test_refusals(void **state)
{
	struct xl_client_program p[] = { prog(NULL, "a", 10) };
	json_t *ops = NULL, *bad = json_pack("{s:s}", "attachments", "no");
	json_t *ok = iface(NULL);

	(void)state;
	assert_int_equal(xl_client__diff("c1", NULL, p, 1, ok, &ops), -EINVAL);
	p[0] = prog("/o/a.o", "a", 1001);
	assert_int_equal(xl_client__diff("c1", NULL, p, 1, ok, &ops), -EINVAL);
	assert_int_equal(xl_client__diff(NULL, NULL, NULL, 0, ok, &ops), -EINVAL);
	assert_int_equal(xl_client__diff("c1", NULL, NULL, 0, bad, &ops), -EBADMSG);
	assert_int_equal(xl_client__diff("c1", NULL, NULL, 0, NULL, &ops), -EBADMSG);
	json_decref(bad);
	bad = iface(json_pack("{s:s}", "id", "1"), NULL);
	assert_int_equal(xl_client__diff("c1", NULL, NULL, 0, bad, &ops), -EBADMSG);
	assert_null(ops);
	json_decref(bad);
	json_decref(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_interface_attaches_all),
		cmocka_unit_test(test_equal_is_nothing),
		cmocka_unit_test(test_swap_one_keeps_the_rest_and_others),
		cmocka_unit_test(test_upgrade_to_other_programs),
		cmocka_unit_test(test_priority_change_is_a_move),
		cmocka_unit_test(test_other_actions_is_a_new_program),
		cmocka_unit_test(test_wanted_sorted_by_priority),
		cmocka_unit_test(test_reorder_at_one_priority_replaces_the_label),
		cmocka_unit_test(test_unknown_priority_next_to_kept),
		cmocka_unit_test(test_nothing_wanted_detaches_the_label),
		cmocka_unit_test(test_owner_scopes_the_label),
		cmocka_unit_test(test_duplicates_match_one_to_one),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
