/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The io.xdplink.Manager Interface object of a managed interface, as List and replies show it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "iface.h"
#include "log.h"

static const char *mode_name(enum xl_mode mode)
{
	return mode == XL_MODE_SKB ? "skb" : "native";
}

static json_t *actions_to_json(__u32 mask)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	json_t *a = json_array();

	for (unsigned i = 0; a && i < ELEMENTSOF(names); i++)
		if (mask & XL_ACTION(i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

static void tag_of(__u32 prog_id, char *buf, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 sz = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id);

	snprintf(buf, len, "%s", "");
	if (fd < 0)
		return;
	if (bpf_obj_get_info_by_fd(fd, &info, &sz) == 0)
		for (size_t i = 0; i < sizeof(info.tag) && 2 * i + 2 < len; i++)
			snprintf(buf + 2 * i, 3, "%02x", info.tag[i]);
	close(fd);
}

static json_t *counters_to_json(struct xl_iface *xi, __u32 id)
{
	__u64 c[6];

	if (xl_iface__counters(xi, id, c) < 0)
		return json_null();
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "aborted", (json_int_t)c[0],
			 "drop", (json_int_t)c[1], "pass", (json_int_t)c[2], "tx", (json_int_t)c[3],
			 "redirect", (json_int_t)c[4], "other", (json_int_t)c[5]);
}

/*
 * Three syscalls per program the first time, none after: a List of 1,000
 * interfaces with 3 programs each made 9,000 of them. The cache holds
 * what the record ran recently; it starts over once it has twice as many
 * entries as the record has programs.
 */
static const char *tag_cached(struct xd_iface *rec, uint32_t prog_id, size_t n_progs)
{
	struct xd_tag *grown;

	for (size_t i = 0; i < rec->n_tags; i++)
		if (rec->tags[i].prog_id == prog_id)
			return rec->tags[i].tag;
	if (rec->n_tags >= 2 * n_progs)
		rec->n_tags = 0;
	grown = reallocarray(rec->tags, rec->n_tags + 1, sizeof(*grown));
	if (!grown)
		return "";
	rec->tags = grown;
	grown[rec->n_tags].prog_id = prog_id;
	tag_of(prog_id, grown[rec->n_tags].tag, sizeof(grown[rec->n_tags].tag));
	if (!grown[rec->n_tags].tag[0])
		return "";	/* not cached: gone, or not ours to see */
	return grown[rec->n_tags++].tag;
}

static json_t *attachment_to_json(struct xl_iface *xi, const struct xl_attachment *a,
				  const char *tag, bool live)
{
	bool counters = live;

	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:i,s:o,s:b,s:s?,s:s?,s:s,s:o}",
			 "id", (json_int_t)a->id, "programId", (json_int_t)a->prog_id,
			 "name", a->name ? a->name : "", "tag", tag,
			 "object", a->object ? a->object : "", "priority", a->priority,
			 "actions", actions_to_json(a->chain_actions), "frags", a->frags,
			 "owner", a->owner, "label", a->label,
			 "lifetime", a->connection ? "connection" : "pinned",
			 "counters", counters && xl_iface__counters_enabled(xi) ?
				counters_to_json(xi, a->id) : json_null());
}

json_t *xd_attachments_to_json(struct xl_iface *xi, const struct xl_attachment *att, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < n; i++)
		if (json_array_append_new(list, attachment_to_json(xi, &att[i], "", false)) < 0)
			return json_decref(list), NULL;
	return list;
}

static json_t *iface_to_json(struct xd_iface *rec, const char *name, bool live)
{
	struct xl_iface *xi = rec->xi;
	const struct xl_attachment *att;
	json_t *list = json_array();
	size_t n;

	att = xl_iface__attachments(xi, &n);
	for (size_t i = 0; list && i < n; i++) {
		/* Not on the path of a swap's reply, and not off the main thread. */
		const char *tag = live ? tag_cached(rec, att[i].prog_id, n) : "";

		if (json_array_append_new(list, attachment_to_json(xi, &att[i], tag, live)) < 0)
			return json_decref(list), NULL;
	}
	return json_pack("{s:s,s:i,s:I,s:I,s:s,s:I,s:I,s:b,s:o}", "name", name,
			 "ifindex", xl_iface__ifindex(xi),
			 "netnsCookie", (json_int_t)rec->netns_cookie,
			 "revision", (json_int_t)xl_iface__revision(xi),
			 "mode", mode_name(xl_iface__mode(xi)),
			 "linkId", (json_int_t)xl_iface__link_id(xi),
			 "entryProgramId", (json_int_t)xl_iface__entry_prog_id(xi),
			 "counters", xl_iface__counters_enabled(xi), "attachments", list);
}

json_t *xd_iface_to_json(struct xd_iface *rec, bool live)
{
	return iface_to_json(rec, rec->name, live);
}

json_t *xd_iface_snapshot(struct xd_iface *rec)
{
	return iface_to_json(rec, "", false);
}

json_t *xd_iface_list_entry(struct xd_iface *rec)
{
	char name[IF_NAMESIZE];

	/* Renames are the kernel's business; show today's name (of another
	 * namespace: the name it had when last asked for). */
	if (!rec->foreign && if_indextoname((unsigned)rec->ifindex, name))
		snprintf(rec->name, sizeof(rec->name), "%s", name);
	if (rec->refused && !rec->xi)
		return xd_iface_refused_json(rec);
	if (!rec->busy && rec->xi)
		return xd_iface_to_json(rec, true);
	if (rec->snapshot) {
		json_t *copy = json_deep_copy(rec->snapshot), *a;
		size_t i;

		if (!copy)
			return NULL;
		json_object_set_new(copy, "name", json_string(rec->name));
		json_t *att = json_object_get(copy, "attachments");

		json_array_foreach(att, i, a) {
			__u32 id = (__u32)json_integer_value(json_object_get(a, "programId"));

			json_object_set_new(a, "tag", json_string(tag_cached(rec, id,
									     json_array_size(att))));
		}
		return copy;
	}
	return NULL;
}
