/* SPDX-License-Identifier: GPL-2.0-or-later */
/* [Access] policy: who may act, and where; names resolved by a fake database. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "access.h"

/* alice 1000, bob 1001; groups ops 2000, cni 2001. */
static int fake(const char *name, bool group, uint32_t *ret)
{
	static const struct { const char *name; bool group; uint32_t id; } db[] = {
		{ "alice", false, 1000 }, { "bob", false, 1001 },
		{ "ops", true, 2000 }, { "cni", true, 2001 },
	};

	for (size_t i = 0; i < sizeof(db) / sizeof(db[0]); i++)
		if (db[i].group == group && strcmp(db[i].name, name) == 0) {
			*ret = db[i].id;
			return 0;
		}
	return -ENOENT;
}

static struct xd_access build(const char *users, const char *groups, const char *limits)
{
	struct xd_access a;
	char warn[256], err[256];

	assert_int_equal(xd_access_build(&a, users, groups, limits, fake, warn, sizeof(warn),
					 err, sizeof(err)), 0);
	return a;
}

static int check(const struct xd_access *a, uid_t uid, gid_t gid, const gid_t *groups,
		 size_t n, const char *ifname)
{
	struct xd_caller c = { .uid = uid, .gid = gid, .groups = groups, .n_groups = n };
	char why[256];

	return xd_access_check(a, &c, ifname, why, sizeof(why));
}

static void test_root_always(void **state)
{
	struct xd_access a = build("", "", "");

	(void)state;
	assert_int_equal(check(&a, 0, 0, NULL, 0, "eth0"), 0);
	assert_int_equal(check(&a, 1000, 1000, NULL, 0, "eth0"), -EPERM);
	xd_access_done(&a);
}

static void test_users_by_name_and_number(void **state)
{
	struct xd_access a = build("alice 4242", "", "");

	(void)state;
	assert_int_equal(check(&a, 1000, 1000, NULL, 0, "eth0"), 0);
	assert_int_equal(check(&a, 4242, 4242, NULL, 0, NULL), 0);
	assert_int_equal(check(&a, 1001, 1001, NULL, 0, "eth0"), -EPERM);
	xd_access_done(&a);
}

static void test_groups_primary_and_supplementary(void **state)
{
	struct xd_access a = build("", "ops", "");
	gid_t sup[] = { 5, 2000 };

	(void)state;
	assert_int_equal(check(&a, 1001, 2000, NULL, 0, "eth0"), 0);
	assert_int_equal(check(&a, 1001, 1001, sup, 2, "eth0"), 0);
	assert_int_equal(check(&a, 1001, 1001, sup, 1, "eth0"), -EPERM);
	xd_access_done(&a);
}

static void test_group_limited_to_interfaces(void **state)
{
	struct xd_access a = build("alice", "ops cni", "cni:veth*,eth1");
	gid_t both[] = { 2000, 2001 };

	(void)state;
	assert_int_equal(check(&a, 1001, 2001, NULL, 0, "veth12"), 0);
	assert_int_equal(check(&a, 1001, 2001, NULL, 0, "eth1"), 0);
	assert_int_equal(check(&a, 1001, 2001, NULL, 0, "eth0"), -EPERM);
	/* Listing names no interface: allowed. */
	assert_int_equal(check(&a, 1001, 2001, NULL, 0, NULL), 0);
	/* Another group without limits grants everything. */
	assert_int_equal(check(&a, 1001, 1001, both, 2, "eth0"), 0);
	/* AllowUsers is not limited by a group's entry. */
	assert_int_equal(check(&a, 1000, 2001, NULL, 0, "eth0"), 0);
	xd_access_done(&a);
}

static void test_unknown_names_are_warned_and_left_out(void **state)
{
	struct xd_access a;
	char warn[256], err[256];

	(void)state;
	assert_int_equal(xd_access_build(&a, "alice nosuchuser", "nosuchgroup", "", fake, warn,
					 sizeof(warn), err, sizeof(err)), 0);
	assert_non_null(strstr(warn, "no user 'nosuchuser'"));
	assert_non_null(strstr(warn, "no group 'nosuchgroup'"));
	assert_int_equal(a.n_uids, 1);
	assert_int_equal(a.n_gids, 0);
	xd_access_done(&a);
}

/* A fake namespace: trusted or not, and the /run/netns name it has. */
struct fake_ns {
	int trusted;
	const char *name;
	int asked;
};

static int fake_trusted(void *userdata)
{
	struct fake_ns *f = userdata;

	f->asked++;
	return f->trusted;
}

static bool fake_named(const char *name, void *userdata)
{
	struct fake_ns *f = userdata;

	return f->name && strcmp(f->name, name) == 0;
}

static int check_in(const struct xd_access *a, uid_t uid, gid_t gid, const char *ifname,
		    struct fake_ns *f)
{
	struct xd_caller c = { .uid = uid, .gid = gid };
	struct xd_access_ns ns = { .trusted = fake_trusted, .named = fake_named, .userdata = f };
	char why[256];

	return xd_access_check_ns(a, &c, ifname, &ns, why, sizeof(why));
}

/* Issue 12, P4: a limited group's globs count in a namespace only when
 * the caller may enter it, or the configuration names it. */
static void test_group_limits_and_namespaces(void **state)
{
	struct xd_access a = build("alice", "ops cni", "cni:secC*,blue/veth*");
	struct fake_ns ours = { .trusted = 1 }, roots = { .trusted = 0, .name = "red" };
	struct fake_ns blue = { .trusted = 0, .name = "blue" }, broken = { .trusted = -EIO };

	(void)state;
	assert_int_equal(a.limits[0].n_globs, 2);
	assert_null(a.limits[0].globs[0].netns);
	assert_string_equal(a.limits[0].globs[1].netns, "blue");
	assert_string_equal(a.limits[0].globs[1].glob, "veth*");
	/* Before the namespace is known, a glob of any namespace lets it through. */
	assert_int_equal(check(&a, 1001, 2001, NULL, 0, "secC0"), 0);
	assert_int_equal(check(&a, 1001, 2001, NULL, 0, "veth3"), 0);
	assert_int_equal(check(&a, 1001, 2001, NULL, 0, "eth0"), -EPERM);
	/* Plain globs: ours, or the caller's own. */
	assert_int_equal(check_in(&a, 1001, 2001, "secC0", &ours), 0);
	assert_int_equal(check_in(&a, 1001, 2001, "secC0", &roots), -EPERM);
	assert_int_equal(check_in(&a, 1001, 2001, "secC0", &broken), -EPERM);
	assert_int_equal(check_in(&a, 1001, 2001, "veth3", &ours), -EPERM);
	/* NETNS/GLOB: that named namespace only, trusted or not. */
	assert_int_equal(check_in(&a, 1001, 2001, "veth3", &blue), 0);
	assert_int_equal(check_in(&a, 1001, 2001, "veth3", &roots), -EPERM);
	assert_int_equal(check_in(&a, 1001, 2001, "secC0", &blue), -EPERM);
	/* Unlimited callers and root are not asked about the namespace. */
	roots.asked = 0;
	assert_int_equal(check_in(&a, 1001, 2000, "secC0", &roots), 0);
	assert_int_equal(check_in(&a, 1000, 2001, "eth9", &roots), 0);
	assert_int_equal(check_in(&a, 0, 0, "eth9", &roots), 0);
	assert_int_equal(roots.asked, 0);
	/* Asked at most once per check. */
	assert_int_equal(check_in(&a, 1001, 2001, "secC0", &roots), -EPERM);
	assert_int_equal(roots.asked, 1);
	xd_access_done(&a);
}

static void test_malformed_limits(void **state)
{
	static const char *const bad[] = { "cni", "cni:", ":veth*", "cni:veth* ops",
					   "cni:/veth*", "cni:blue/", "cni:../veth*",
					   "cni:./veth*", "cni:a/b/c" };
	struct xd_access a;
	char warn[256], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(xd_access_build(&a, "", "cni", bad[i], fake, warn, sizeof(warn),
						 err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "GroupInterfaces"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_always),
		cmocka_unit_test(test_users_by_name_and_number),
		cmocka_unit_test(test_groups_primary_and_supplementary),
		cmocka_unit_test(test_group_limited_to_interfaces),
		cmocka_unit_test(test_unknown_names_are_warned_and_left_out),
		cmocka_unit_test(test_group_limits_and_namespaces),
		cmocka_unit_test(test_malformed_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
