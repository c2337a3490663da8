/* SPDX-License-Identifier: GPL-2.0-or-later */
/* io.xdplink.Manager's parameter parsers and tables (see params.h). */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "xl-util.h"

static int parse_ifname(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;

	/* The kernel's own rules for device names (dev_valid_name()). */
	if (n == 0 || n >= IF_NAMESIZE || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strpbrk(s, "/: \t\n\r\v\f"))
		return -EINVAL;
	*(const char **)dest = s;
	return 0;
}

static int parse_object(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);

	if (json_is_null(v)) {
		*(const char **)dest = NULL;
		return 0;
	}
	/* Our cwd is not the caller's: only absolute paths mean the same to both. */
	if (!s || s[0] != '/' || strlen(s) >= 4096)
		return -EINVAL;
	*(const char **)dest = s;
	return 0;
}

static int parse_prog_name(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);

	if (json_is_null(v)) {
		*(const char **)dest = NULL;
		return 0;
	}
	if (!s || !*s || strlen(s) > 255)
		return -EINVAL;
	*(const char **)dest = s;
	return 0;
}

static int parse_label(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);

	if (json_is_null(v)) {
		*(const char **)dest = NULL;
		return 0;
	}
	if (!s || strlen(s) > 255)
		return -EINVAL;
	*(const char **)dest = s;
	return 0;
}

static int parse_priority(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	json_int_t i = json_integer_value(v);

	if (json_is_null(v)) {
		*(int *)dest = XL_PRIORITY_FROM_OBJECT;
		return 0;
	}
	if (!json_is_integer(v) || i < 0 || i > XL_PRIORITY_MAX)
		return -EINVAL;
	*(int *)dest = (int)i;
	return 0;
}

static int parse_actions(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	__u32 mask = 0, one;
	size_t i;
	json_t *e;

	if (json_is_null(v)) {
		*(__u32 *)dest = 0;
		return 0;
	}
	if (json_array_size(v) > 5)
		return -EINVAL;
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(e);

		if (!s || strcmp(s, "none") == 0 || strchr(s, ',') || xl_actions_parse(s, &one) < 0)
			return -EINVAL;
		mask |= one;
	}
	*(__u32 *)dest = mask ? mask : XL_ACTIONS_NONE;
	return 0;
}

static int parse_mode(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);

	if (json_is_null(v))
		*(enum xl_mode *)dest = XL_MODE_UNSPEC;
	else if (s && strcmp(s, "native") == 0)
		*(enum xl_mode *)dest = XL_MODE_NATIVE;
	else if (s && strcmp(s, "skb") == 0)
		*(enum xl_mode *)dest = XL_MODE_SKB;
	else
		return -EINVAL;
	return 0;
}

static int parse_lifetime(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);

	if (json_is_null(v) || (s && strcmp(s, "pinned") == 0))
		*(bool *)dest = false;
	else if (s && strcmp(s, "connection") == 0)
		*(bool *)dest = true;
	else
		return -EINVAL;
	return 0;
}

static int parse_tristate(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	if (json_is_null(v))
		*(int *)dest = -1;
	else if (json_is_boolean(v))
		*(int *)dest = json_is_true(v);
	else
		return -EINVAL;
	return 0;
}

static int parse_netns_path(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);

	if (json_is_null(v)) {
		*(const char **)dest = NULL;
		return 0;
	}
	/* An absolute path, or a name under /run/netns as "ip netns" makes them. */
	if (!s || !*s || strlen(s) >= PATH_MAX || (s[0] != '/' && strchr(s, '/')) ||
	    strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return -EINVAL;
	*(const char **)dest = s;
	return 0;
}

VL_DEFINE_UINT64_PARSER(parse_revision, 1, INT64_MAX)
VL_DEFINE_UINT32_PARSER(parse_pid, 1, INT32_MAX)
VL_DEFINE_UINT32_PARSER(parse_attach_id, 1, UINT32_MAX)

int xd_parse_actions(json_t *v, __u32 *ret)
{
	return parse_actions(NULL, v, ret);
}

#define NETNS_FIELDS(T)                                                                 \
	{ "netnsFd", VL_INTEGER, vl_parse_fd_index, offsetof(T, ns.fd_index), VL_NULLABLE }, \
	{ "netns", VL_STRING, parse_netns_path, offsetof(T, ns.path), VL_NULLABLE },         \
	{ "netnsPid", VL_INTEGER, parse_pid, offsetof(T, ns.pid), VL_NULLABLE }

#define PROGRAM_FIELDS(T)                                                                \
	{ "object", VL_STRING, parse_object, offsetof(T, prog.object), VL_NULLABLE },        \
	{ "objectFd", VL_INTEGER, vl_parse_fd_index, offsetof(T, prog.object_fd), VL_NULLABLE }, \
	{ "program", VL_STRING, parse_prog_name, offsetof(T, prog.program), VL_NULLABLE },   \
	{ "priority", VL_INTEGER, parse_priority, offsetof(T, prog.priority), VL_NULLABLE }, \
	{ "actions", VL_ARRAY, parse_actions, offsetof(T, prog.actions), VL_NULLABLE },      \
	{ "label", VL_STRING, parse_label, offsetof(T, prog.label), VL_NULLABLE }

const struct vl_field xd_attach_fields[] = {
	{ "interface", VL_STRING, parse_ifname, offsetof(struct attach_params, interface), VL_MANDATORY },
	NETNS_FIELDS(struct attach_params),
	PROGRAM_FIELDS(struct attach_params),
	{ "programId", VL_INTEGER, parse_attach_id, offsetof(struct attach_params, program_id), 0 },
	{ "mode", VL_STRING, parse_mode, offsetof(struct attach_params, mode), VL_NULLABLE },
	{ "counters", VL_BOOLEAN, parse_tristate, offsetof(struct attach_params, counters), VL_NULLABLE },
	{ "lifetime", VL_STRING, parse_lifetime, offsetof(struct attach_params, connection), VL_NULLABLE },
	{ "expectedRevision", VL_INTEGER, parse_revision, offsetof(struct attach_params, expected_revision), 0 },
	{}
};

const struct vl_field xd_detach_fields[] = {
	{ "interface", VL_STRING, parse_ifname, offsetof(struct detach_params, interface), VL_MANDATORY },
	NETNS_FIELDS(struct detach_params),
	{ "id", VL_INTEGER, parse_attach_id, offsetof(struct detach_params, id), 0 },
	{ "all", VL_BOOLEAN, vl_parse_bool, offsetof(struct detach_params, all), 0 },
	{ "expectedRevision", VL_INTEGER, parse_revision, offsetof(struct detach_params, expected_revision), 0 },
	{}
};

const struct vl_field xd_adopt_fields[] = {
	{ "interface", VL_STRING, parse_ifname, offsetof(struct adopt_params, interface), VL_MANDATORY },
	NETNS_FIELDS(struct adopt_params),
	{ "detach", VL_BOOLEAN, vl_parse_bool, offsetof(struct adopt_params, detach), 0 },
	{}
};

const struct vl_field xd_program_fields[] = {
	PROGRAM_FIELDS(struct program_entry),
	{}
};

const struct vl_field xd_replace_fields[] = {
	{ "interface", VL_STRING, parse_ifname, offsetof(struct replace_params, interface), VL_MANDATORY },
	NETNS_FIELDS(struct replace_params),
	{ "programs", VL_ARRAY, vl_parse_json, offsetof(struct replace_params, programs), VL_MANDATORY },
	{ "mode", VL_STRING, parse_mode, offsetof(struct replace_params, mode), VL_NULLABLE },
	{ "counters", VL_BOOLEAN, parse_tristate, offsetof(struct replace_params, counters), VL_NULLABLE },
	{ "lifetime", VL_STRING, parse_lifetime, offsetof(struct replace_params, connection), VL_NULLABLE },
	{ "expectedRevision", VL_INTEGER, parse_revision, offsetof(struct replace_params, expected_revision), 0 },
	{}
};

const struct vl_field xd_list_fields[] = {
	{ "interface", VL_STRING, parse_ifname, offsetof(struct list_params, interface), VL_NULLABLE },
	NETNS_FIELDS(struct list_params),
	{}
};

const struct vl_field xd_monitor_fields[] = {
	{ "interface", VL_STRING, parse_ifname, offsetof(struct list_params, interface), VL_NULLABLE },
	{}
};

const struct vl_field xd_no_fields[] = { {} };

const struct xd_method_fields xd_manager_fields[] = {
	{ "Attach", xd_attach_fields, sizeof(struct attach_params) },
	{ "Detach", xd_detach_fields, sizeof(struct detach_params) },
	{ "Adopt", xd_adopt_fields, sizeof(struct adopt_params) },
	{ "Replace", xd_replace_fields, sizeof(struct replace_params) },
	{ "Replace.programs[]", xd_program_fields, sizeof(struct program_entry) },
	{ "List", xd_list_fields, sizeof(struct list_params) },
	{ "Monitor", xd_monitor_fields, sizeof(struct list_params) },
	{ "Reload", xd_no_fields, 0 },
	{}
};
