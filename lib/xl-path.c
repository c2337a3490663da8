/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building and parsing bpffs and state paths. Pure string work, no I/O. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-path.h"

__attribute__((format(printf, 3, 4)))
static int fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int xl_path_iface(char *buf, size_t len, const char *root, __u64 cookie, int ifindex)
{
	if (ifindex <= 0)
		return -EINVAL;
	return fmt(buf, len, "%s/%" PRIu64 "-%d", root, (uint64_t)cookie, ifindex);
}

int xl_path_link(char *buf, size_t len, const char *iface_dir)
{
	return fmt(buf, len, "%s/link", iface_dir);
}

int xl_path_counters(char *buf, size_t len, const char *iface_dir)
{
	return fmt(buf, len, "%s/counters", iface_dir);
}

int xl_path_prog(char *buf, size_t len, const char *iface_dir, __u32 id)
{
	return fmt(buf, len, "%s/prog-%u", iface_dir, id);
}

int xl_path_direct(char *buf, size_t len, const char *iface_dir, __u32 id)
{
	return fmt(buf, len, "%s/direct-%u", iface_dir, id);
}

int xl_path_rev(char *buf, size_t len, const char *iface_dir, __u64 rev)
{
	return fmt(buf, len, "%s/rev-%" PRIu64, iface_dir, (uint64_t)rev);
}

int xl_path_rev_entry(char *buf, size_t len, const char *iface_dir, __u64 rev)
{
	return fmt(buf, len, "%s/rev-%" PRIu64 "/entry", iface_dir, (uint64_t)rev);
}

int xl_path_rev_slot(char *buf, size_t len, const char *iface_dir, __u64 rev, int slot)
{
	if (slot == XL_SLOT_ENTRY)
		return fmt(buf, len, "%s/rev-%" PRIu64 "/link-entry", iface_dir, (uint64_t)rev);
	if (slot < 0)
		return -EINVAL;
	return fmt(buf, len, "%s/rev-%" PRIu64 "/link-%d", iface_dir, (uint64_t)rev, slot);
}

int xl_path_state(char *buf, size_t len, const char *state_iface_dir, __u64 rev)
{
	return fmt(buf, len, "%s/rev-%" PRIu64 ".json", state_iface_dir, (uint64_t)rev);
}

/* Strict decimal: digits only, no sign, no leading zeros, fits in max. */
static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

/* PREFIX<n>SUFFIX with 0 < n <= max. */
static int parse_prefixed(const char *name, const char *prefix, const char *suffix,
			  uint64_t max, uint64_t *ret)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), n = strlen(name);
	int r;

	if (n < pl + sl || strncmp(name, prefix, pl) || strcmp(name + n - sl, suffix))
		return -EINVAL;
	r = parse_dec(name + pl, n - pl - sl, max, ret);
	return r < 0 || *ret == 0 ? -EINVAL : 0;
}

int xl_parse_iface_name(const char *name, __u64 *ret_cookie, int *ret_ifindex)
{
	const char *dash = strchr(name, '-');
	uint64_t cookie, ifindex;
	int r;

	if (!dash)
		return -EINVAL;
	r = parse_dec(name, (size_t)(dash - name), UINT64_MAX, &cookie);
	if (r < 0)
		return r;
	r = parse_dec(dash + 1, strlen(dash + 1), INT32_MAX, &ifindex);
	if (r < 0 || ifindex == 0)
		return -EINVAL;
	*ret_cookie = cookie;
	*ret_ifindex = (int)ifindex;
	return 0;
}

int xl_parse_rev_name(const char *name, __u64 *ret)
{
	uint64_t v;
	int r = parse_prefixed(name, "rev-", "", UINT64_MAX, &v);

	if (r == 0)
		*ret = v;
	return r;
}

int xl_parse_state_name(const char *name, __u64 *ret)
{
	uint64_t v;
	int r = parse_prefixed(name, "rev-", ".json", UINT64_MAX, &v);

	if (r == 0)
		*ret = v;
	return r;
}

static int parse_id(const char *name, const char *prefix, __u32 *ret)
{
	uint64_t v;
	int r = parse_prefixed(name, prefix, "", UINT32_MAX, &v);

	if (r == 0)
		*ret = (__u32)v;
	return r;
}

int xl_parse_prog_name(const char *name, __u32 *ret)
{
	return parse_id(name, "prog-", ret);
}

int xl_parse_direct_name(const char *name, __u32 *ret)
{
	return parse_id(name, "direct-", ret);
}
