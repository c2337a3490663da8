/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon/change.c: a change's operations resolved against the live set,
 * per caller; and daemon/params.c's checks of Change's operations as the
 * handler takes them (the field InvalidParameter names).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "change.h"
#include "params.h"

/* ids 1..5 in run order: two of uid:1000 labelled fw, one of uid:1001, one
 * config-owned, one root's with lifetime connection. */
static const struct xl_attachment live[] = {
	{ .id = 1, .priority = 10, .owner = "uid:1000", .label = "fw", .object = "/o/a.o", .name = "a" },
	{ .id = 2, .priority = 20, .owner = "uid:1001", .label = "fw", .object = "/o/b.o", .name = "b" },
	{ .id = 3, .priority = 30, .owner = "uid:1000", .label = "fw", .object = "/o/c.o", .name = "c" },
	{ .id = 4, .priority = 40, .owner = "config:vb.conf", .label = "lb", .object = "/o/d.o",
	  .name = "d", .chain_actions = XL_ACTION(2) },
	{ .id = 5, .priority = 50, .owner = "uid:0", .object = "/o/e.o", .name = "e", .connection = true },
};
#define N_LIVE (sizeof(live) / sizeof(live[0]))

static const struct xd_scope root = {};
static const struct xd_scope u1000 = { .owner = "uid:1000" };
static const struct xd_scope config = { .owner = "config:", .prefix = true };

static int resolve(const struct xd_op *ops, size_t n, const struct xd_scope *s,
		   struct xd_resolved *res, struct xd_resolve_error *err)
{
	memset(res, 0xff, sizeof(*res));	/* whatever a caller's stack held */
	return xd_change_resolve(ops, n, live, N_LIVE, s, NULL, res, err);
}

static void test_detach_label_scoped(void **state)
{
	struct xd_op op = { .kind = XD_OP_DETACH_LABEL, .label = "fw" };
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(&op, 1, &root, &res, &err), 0);
	assert_int_equal(res.n_remove, 3);
	/* uid:1000 loses its own fw programs, never uid:1001's. */
	assert_int_equal(resolve(&op, 1, &u1000, &res, &err), 0);
	assert_int_equal(res.n_remove, 2);
	assert_int_equal(res.remove[0], 1);
	assert_int_equal(res.remove[1], 3);
	/* A label nobody carries: nothing, and no error (DEL is idempotent). */
	op.label = "nobody";
	assert_int_equal(resolve(&op, 1, &root, &res, &err), 0);
	assert_int_equal(res.n_remove, 0);
	assert_false(res.unchanged);
}

static void test_detach_id(void **state)
{
	struct xd_op op = { .kind = XD_OP_DETACH, .index = 3, .id = 2 };
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(&op, 1, &root, &res, &err), 0);
	assert_int_equal(res.n_remove, 1);
	assert_int_equal(res.remove[0], 2);
	/* Someone else's id: refused, naming the operation. */
	assert_int_equal(resolve(&op, 1, &u1000, &res, &err), -EPERM);
	assert_string_equal(err.param, "operations[3].id");
	assert_non_null(strstr(err.message, "operations[3]"));
	/* An id that is not there: AttachmentNotFound with that id. */
	op.id = 99;
	assert_int_equal(resolve(&op, 1, &root, &res, &err), -ENOENT);
	assert_int_equal(err.id, 99);
}

static void test_detach_owner(void **state)
{
	struct xd_op op = { .kind = XD_OP_DETACH_OWNER, .index = 0, .owner = "uid:1001" };
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(&op, 1, &root, &res, &err), 0);
	assert_int_equal(res.n_remove, 1);
	assert_int_equal(res.remove[0], 2);
	assert_int_equal(resolve(&op, 1, &u1000, &res, &err), -EPERM);
	assert_string_equal(err.param, "operations[0].owner");
	op.owner = "uid:1000";
	assert_int_equal(resolve(&op, 1, &u1000, &res, &err), 0);
	assert_int_equal(res.n_remove, 2);
}

static void test_detach_all_scoped(void **state)
{
	struct xd_op op = { .kind = XD_OP_DETACH_ALL };
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(&op, 1, &root, &res, &err), 0);
	assert_int_equal(res.n_remove, N_LIVE);
	assert_int_equal(resolve(&op, 1, &u1000, &res, &err), 0);
	assert_int_equal(res.n_remove, 2);
	/* interfaces.d: every config-owned one, whichever file. */
	assert_int_equal(resolve(&op, 1, &config, &res, &err), 0);
	assert_int_equal(res.n_remove, 1);
	assert_int_equal(res.remove[0], 4);
}

static void test_overlapping_removes_once(void **state)
{
	struct xd_op ops[] = {
		{ .kind = XD_OP_DETACH, .id = 1 },
		{ .kind = XD_OP_DETACH_LABEL, .label = "fw" },
		{ .kind = XD_OP_DETACH_OWNER, .owner = "uid:1000" },
	};
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(ops, 3, &root, &res, &err), 0);
	assert_int_equal(res.n_remove, 3);	/* 1, 2, 3: each once */
}

static void test_release(void **state)
{
	struct xd_op ops[] = {
		{ .kind = XD_OP_RELEASE, .id = 5 },
		{ .kind = XD_OP_RELEASE, .id = 1 },	/* pinned: not a connection's */
		{ .kind = XD_OP_RELEASE, .id = 77 },	/* gone meanwhile: fine */
	};
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(ops, 3, &root, &res, &err), 0);
	assert_int_equal(res.n_remove, 1);
	assert_int_equal(res.remove[0], 5);
}

static void test_move(void **state)
{
	struct xd_op ops[] = {
		{ .kind = XD_OP_MOVE, .index = 0, .id = 3, .priority = XD_PRIORITY_KEEP,
		  .before = { .id = 1 } },
		{ .kind = XD_OP_MOVE, .index = 1, .id = 3, .priority = 5 },
	};
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(ops, 1, &u1000, &res, &err), 0);
	assert_int_equal(res.n_move, 1);
	assert_int_equal(res.move[0].id, 3);
	assert_int_equal(res.move[0].priority, XD_PRIORITY_KEEP);
	assert_int_equal(res.move[0].before->id, 1);
	assert_int_equal(res.n_remove, 0);
	/* Twice in one change: which one would win? Refused. */
	assert_int_equal(resolve(ops, 2, &root, &res, &err), -EINVAL);
	assert_string_equal(err.param, "operations[1].id");
	/* Another's id: refused; an unknown one: not found. */
	ops[0].id = 2;
	assert_int_equal(resolve(ops, 1, &u1000, &res, &err), -EPERM);
	ops[0].id = 42;
	assert_int_equal(resolve(ops, 1, &root, &res, &err), -ENOENT);
	assert_int_equal(err.id, 42);
}

static void test_move_of_removed(void **state)
{
	struct xd_op ops[] = {
		{ .kind = XD_OP_DETACH_LABEL, .index = 0, .label = "fw" },
		{ .kind = XD_OP_MOVE, .index = 1, .id = 1, .priority = 3 },
	};
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(resolve(ops, 2, &root, &res, &err), -EINVAL);
	assert_string_equal(err.param, "operations[1].id");
}

static void test_error_leaves_ret(void **state)
{
	struct xd_op ops[] = {
		{ .kind = XD_OP_DETACH, .id = 1 },
		{ .kind = XD_OP_DETACH, .index = 1, .id = 2 },
	};
	struct xd_resolved res = { .n_remove = 7 };
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(xd_change_resolve(ops, 2, live, N_LIVE, &u1000, NULL, &res, &err), -EPERM);
	assert_int_equal(res.n_remove, 7);
}

static void test_keep_declared(void **state)
{
	struct xd_want want[] = { { .object = "/o/d.o", .program = "d", .priority = 40,
				    .actions = XL_ACTION(2) } };
	struct xd_keep keep = { .owner = "config:vb.conf", .want = want, .n_want = 1 };
	struct xd_op ops[] = { { .kind = XD_OP_DETACH_ALL }, { .kind = XD_OP_ATTACH } };
	struct xd_resolved res;
	struct xd_resolve_error err;

	(void)state;
	assert_int_equal(xd_change_resolve(ops, 2, live, N_LIVE, &config, &keep, &res, &err), 0);
	assert_true(res.unchanged);
	assert_int_equal(res.n_remove, 0);
	/* "Any" matches whatever the object said. */
	want[0].priority = XL_PRIORITY_FROM_OBJECT;
	want[0].actions = 0;
	want[0].program = NULL;
	assert_int_equal(xd_change_resolve(ops, 2, live, N_LIVE, &config, &keep, &res, &err), 0);
	assert_true(res.unchanged);
	/* Another priority: the file's programs are swapped in. */
	want[0].priority = 41;
	assert_int_equal(xd_change_resolve(ops, 2, live, N_LIVE, &config, &keep, &res, &err), 0);
	assert_false(res.unchanged);
	assert_int_equal(res.n_remove, 1);
	/* Another file's name: not the same owner. */
	want[0].priority = 40;
	keep.owner = "config:other.conf";
	assert_int_equal(xd_change_resolve(ops, 2, live, N_LIVE, &config, &keep, &res, &err), 0);
	assert_false(res.unchanged);
	/* An object whose path cannot be resolved: never "already so". */
	keep.owner = "config:vb.conf";
	want[0].object = NULL;
	assert_int_equal(xd_change_resolve(ops, 2, live, N_LIVE, &config, &keep, &res, &err), 0);
	assert_false(res.unchanged);
	/* Two wanted, one there: swapped. */
	struct xd_want two[] = { want[0], want[0] };
	two[0].object = two[1].object = "/o/d.o";
	keep.want = two;
	keep.n_want = 2;
	assert_int_equal(xd_change_resolve(ops, 2, live, N_LIVE, &config, &keep, &res, &err), 0);
	assert_false(res.unchanged);
}

static void test_reordered(void **state)
{
	uint32_t old[] = { 1, 2, 3, 4 }, ret[8];
	uint32_t c_first[] = { 3, 1, 2, 4 }, moved_c[] = { 3 };
	uint32_t swap[] = { 2, 1, 3, 4 }, moved_2[] = { 2 };
	uint32_t with_new[] = { 9, 1, 2, 4 };
	size_t n;

	(void)state;
	/* 3 moved to the front: 3 is named, not 1 and 2 that it passed. */
	n = xd_change_reordered(old, 4, c_first, 4, moved_c, 1, ret);
	assert_int_equal(n, 1);
	assert_int_equal(ret[0], 3);
	n = xd_change_reordered(old, 4, swap, 4, moved_2, 1, ret);
	assert_int_equal(n, 1);
	assert_int_equal(ret[0], 2);
	/* Nothing moved, yet swapped: both are named. */
	n = xd_change_reordered(old, 4, swap, 4, NULL, 0, ret);
	assert_int_equal(n, 2);
	/* Additions and removals reorder nothing. */
	n = xd_change_reordered(old, 4, with_new, 4, NULL, 0, ret);
	assert_int_equal(n, 0);
	/* A move that kept its place (a new priority, same order). */
	n = xd_change_reordered(old, 4, old, 4, moved_c, 1, ret);
	assert_int_equal(n, 0);
}

/* The field an operation is refused for, or NULL; as varlink-change.c checks. */
static const char *op_fault(const char *json)
{
	static char key[64];
	json_t *op = json_loads(json, 0, NULL);
	struct operation_params p = OPERATION_INIT;
	struct vl_error err = {};
	const char *bad = NULL;

	assert_non_null(op);
	if (vl_dispatch(op, xd_operation_fields, &p, &err) < 0) {
		const char *k = json_string_value(json_object_get(err.parameters, "parameter"));

		snprintf(key, sizeof(key), "%s", k ? k : "?");
		bad = key;
	} else if ((bad = xd_operation_check(op, &p))) {
		snprintf(key, sizeof(key), "%s", bad);
		bad = key;
	}
	vl_error_done(&err);
	json_decref(op);
	return bad;
}

static void test_operation_fields(void **state)
{
	(void)state;
	assert_null(op_fault("{\"op\": \"detach\", \"id\": 3}"));
	assert_null(op_fault("{\"op\": \"attach\", \"object\": \"/a.o\", \"before\": {\"label\": \"fw\"}}"));
	assert_null(op_fault("{\"op\": \"move\", \"id\": 3, \"after\": {\"id\": 2}}"));
	assert_null(op_fault("{\"op\": \"replaceLabel\", \"label\": \"c\", \"programs\": []}"));
	/* null is as good as absent */
	assert_null(op_fault("{\"op\": \"detach\", \"id\": 3, \"label\": null}"));
	assert_string_equal(op_fault("{\"id\": 3}"), "op");
	assert_string_equal(op_fault("{\"op\": \"nuke\"}"), "op");
	assert_string_equal(op_fault("{\"op\": \"detach\"}"), "id");
	assert_string_equal(op_fault("{\"op\": \"detach\", \"id\": 0}"), "id");
	assert_string_equal(op_fault("{\"op\": \"detach\", \"id\": 3, \"owner\": \"x\"}"), "owner");
	assert_string_equal(op_fault("{\"op\": \"detachLabel\"}"), "label");
	assert_string_equal(op_fault("{\"op\": \"detachOwner\", \"owner\": \"\"}"), "owner");
	assert_string_equal(op_fault("{\"op\": \"replaceLabel\", \"label\": \"c\"}"), "programs");
	assert_string_equal(op_fault("{\"op\": \"move\", \"id\": 3}"), "priority");
	assert_string_equal(op_fault("{\"op\": \"move\", \"id\": 3, \"priority\": 3, \"object\": \"/a.o\"}"),
			    "object");
	/* An Anchor is exactly one of id and label, and no empty label. */
	assert_string_equal(op_fault("{\"op\": \"attach\", \"before\": {}}"), "before");
	assert_string_equal(op_fault("{\"op\": \"attach\", \"after\": {\"id\": 1, \"label\": \"x\"}}"),
			    "after");
	assert_string_equal(op_fault("{\"op\": \"attach\", \"after\": {\"label\": \"\"}}"), "after");
	assert_string_equal(op_fault("{\"op\": \"attach\", \"after\": {\"name\": \"x\"}}"), "after");
	assert_string_equal(op_fault("{\"op\": \"attach\", \"priority\": 1001}"), "priority");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detach_label_scoped),
		cmocka_unit_test(test_detach_id),
		cmocka_unit_test(test_detach_owner),
		cmocka_unit_test(test_detach_all_scoped),
		cmocka_unit_test(test_overlapping_removes_once),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_move_of_removed),
		cmocka_unit_test(test_error_leaves_ret),
		cmocka_unit_test(test_keep_declared),
		cmocka_unit_test(test_reordered),
		cmocka_unit_test(test_operation_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
