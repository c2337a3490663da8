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

/* ?bool: null is false. */
static int parse_opt_bool(const struct vl_field *f, json_t *v, void *dest)
{
	if (json_is_null(v)) {
		*(bool *)dest = false;
		return 0;
	}
	return vl_parse_bool(f, v, dest);
}

static int parse_anchor_label(const struct vl_field *f, json_t *v, void *dest)
{
	/* An empty label would name the unlabelled, which a label never does. */
	if (json_is_string(v) && !*json_string_value(v))
		return -EINVAL;
	return parse_label(f, v, dest);
}

static const struct vl_field anchor_fields[] = {
	{ "id", VL_INTEGER, parse_attach_id, offsetof(struct anchor_params, id), VL_NULLABLE },
	{ "label", VL_STRING, parse_anchor_label, offsetof(struct anchor_params, label), VL_NULLABLE },
	{}
};

/* An Anchor: exactly one of id and label; null is no anchor. */
static int parse_anchor(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	struct anchor_params a = {};
	struct vl_error err = {};
	int r;

	if (json_is_null(v)) {
		*(struct anchor_params *)dest = a;
		return 0;
	}
	r = vl_dispatch(v, anchor_fields, &a, &err);
	vl_error_done(&err);
	if (r < 0)
		return -EINVAL;
	if ((a.id != 0) == (a.label != NULL))
		return -EINVAL;
	*(struct anchor_params *)dest = a;
	return 0;
}

static int parse_op(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	static const char *const names[] = {
		[XD_OPN_ATTACH] = "attach", [XD_OPN_DETACH] = "detach",
		[XD_OPN_DETACH_LABEL] = "detachLabel", [XD_OPN_DETACH_OWNER] = "detachOwner",
		[XD_OPN_REPLACE_LABEL] = "replaceLabel", [XD_OPN_MOVE] = "move",
	};
	const char *s = json_string_value(v);

	for (size_t i = 0; s && i < ELEMENTSOF(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*(int *)dest = (int)i;
			return 0;
		}
	return -EINVAL;
}

/* An owner as the daemon records them: "uid:<n>" or a name; no control characters. */
static int parse_owner(const struct vl_field *f _unused_, json_t *v, void *dest)
{
	const char *s = json_string_value(v);

	if (!s || !*s || strlen(s) > 255)
		return -EINVAL;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -EINVAL;
	*(const char **)dest = s;
	return 0;
}

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
	{ "label", VL_STRING, parse_label, offsetof(T, prog.label), VL_NULLABLE },           \
	{ "before", VL_OBJECT, parse_anchor, offsetof(T, prog.before), VL_NULLABLE },        \
	{ "after", VL_OBJECT, parse_anchor, offsetof(T, prog.after), VL_NULLABLE }

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
	{ "programId", VL_INTEGER, parse_attach_id, offsetof(struct program_entry, program_id), VL_NULLABLE },
	{}
};

const struct vl_field xd_operation_fields[] = {
	{ "op", VL_STRING, parse_op, offsetof(struct operation_params, op), VL_MANDATORY },
	{ "id", VL_INTEGER, parse_attach_id, offsetof(struct operation_params, id), VL_NULLABLE },
	{ "owner", VL_STRING, parse_owner, offsetof(struct operation_params, owner), VL_NULLABLE },
	PROGRAM_FIELDS(struct operation_params),
	{ "programId", VL_INTEGER, parse_attach_id, offsetof(struct operation_params, program_id), VL_NULLABLE },
	{ "programs", VL_ARRAY, vl_parse_json, offsetof(struct operation_params, programs), VL_NULLABLE },
	{}
};

/* Which fields each op takes (besides "op"), and which of them it needs. */
static const struct {
	const char *allowed;	/* space-separated */
	const char *needed;	/* one field, or NULL */
} op_fields[] = {
	[XD_OPN_ATTACH] = { "object objectFd programId program priority actions label before after", NULL },
	[XD_OPN_DETACH] = { "id", "id" },
	[XD_OPN_DETACH_LABEL] = { "label", "label" },
	[XD_OPN_DETACH_OWNER] = { "owner", "owner" },
	[XD_OPN_REPLACE_LABEL] = { "label programs", "label" },
	[XD_OPN_MOVE] = { "id priority before after", "id" },
};

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = strstr(list, word); s; s = strstr(s + 1, word))
		if ((s == list || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
			return true;
	return false;
}

const char *xd_operation_check(json_t *obj, const struct operation_params *p)
{
	const char *key;
	json_t *v;

	if (p->op < 0 || (size_t)p->op >= ELEMENTSOF(op_fields))
		return "op";
	json_object_foreach(obj, key, v)
		if (strcmp(key, "op") != 0 && !json_is_null(v) &&
		    !word_in(op_fields[p->op].allowed, key))
			return key;
	v = op_fields[p->op].needed ? json_object_get(obj, op_fields[p->op].needed) : NULL;
	if (op_fields[p->op].needed && (!v || json_is_null(v)))
		return op_fields[p->op].needed;
	/* A move must say where to. */
	if (p->op == XD_OPN_MOVE && p->prog.priority == XL_PRIORITY_FROM_OBJECT &&
	    !p->prog.before.id && !p->prog.before.label && !p->prog.after.id && !p->prog.after.label)
		return "priority";
	if (p->op == XD_OPN_REPLACE_LABEL && !p->programs)
		return "programs";
	return NULL;
}

const struct vl_field xd_change_fields[] = {
	{ "interface", VL_STRING, parse_ifname, offsetof(struct change_params, interface), VL_MANDATORY },
	NETNS_FIELDS(struct change_params),
	{ "operations", VL_ARRAY, vl_parse_json, offsetof(struct change_params, operations), VL_MANDATORY },
	{ "mode", VL_STRING, parse_mode, offsetof(struct change_params, mode), VL_NULLABLE },
	{ "counters", VL_BOOLEAN, parse_tristate, offsetof(struct change_params, counters), VL_NULLABLE },
	{ "lifetime", VL_STRING, parse_lifetime, offsetof(struct change_params, connection), VL_NULLABLE },
	{ "expectedRevision", VL_INTEGER, parse_revision, offsetof(struct change_params, expected_revision), 0 },
	{ "dryRun", VL_BOOLEAN, parse_opt_bool, offsetof(struct change_params, dry_run), VL_NULLABLE },
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
	{ "all", VL_BOOLEAN, vl_parse_bool, offsetof(struct list_params, all), 0 },
	{ "maps", VL_BOOLEAN, vl_parse_bool, offsetof(struct list_params, maps), 0 },
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
	{ "Change", xd_change_fields, sizeof(struct change_params) },
	{ "Change.operations[]", xd_operation_fields, sizeof(struct operation_params) },
	{ "List", xd_list_fields, sizeof(struct list_params) },
	{ "Monitor", xd_monitor_fields, sizeof(struct list_params) },
	{ "Reload", xd_no_fields, 0 },
	{}
};
