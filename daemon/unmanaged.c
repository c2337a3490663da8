/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Other tools' XDP programs and every program's maps, as List shows them (unmanaged.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "unmanaged.h"
#include "xl-bpf.h"
#include "xl-holder.h"
#include "xl-util.h"

/* A dispatcher has at most this many slots (libxdp: 10; ours: 63). */
#define MAX_COMPONENTS 64

static int pin_add(struct xd_map_pins *p, const char *path)
{
	_cleanup_close_ int fd = bpf_obj_get(path);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct xd_map_pin *grown;

	/* Not a map (a program, a link) or not ours to open: no pin to name. */
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return 0;
	grown = reallocarray(p->pins, p->n + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->pins = grown;
	grown[p->n].id = info.id;
	grown[p->n].path = strdup(path);
	if (!grown[p->n].path)
		return -ENOMEM;
	p->n++;
	return 0;
}

/* Entries of dir (no dot files), depth levels down; maps at the bottom. */
static int walk(struct xd_map_pins *p, const char *dir, int depth)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	char path[PATH_MAX];
	struct dirent *de;
	int r = 0;

	while (r == 0 && d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		r = depth > 0 ? walk(p, path, depth - 1) : pin_add(p, path);
	}
	return r;
}

int xd_map_pins_load(struct xd_map_pins *p, const char *bpffs_root)
{
	char dir[PATH_MAX];

	*p = (struct xd_map_pins){};
	if (snprintf(dir, sizeof(dir), "%s/maps", bpffs_root) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	return walk(p, dir, 2);
}

void xd_map_pins_done(struct xd_map_pins *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->pins[i].path);
	free(p->pins);
	*p = (struct xd_map_pins){};
}

static const char *pin_of(const struct xd_map_pins *p, __u32 id)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (p->pins[i].id == id)
			return p->pins[i].path;
	return NULL;
}

static json_t *map_json(__u32 id, const struct xd_map_pins *pins)
{
	_cleanup_close_ int fd = bpf_map_get_fd_by_id(id);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	const char *type;

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return NULL;	/* gone meanwhile */
	type = libbpf_bpf_map_type_str(info.type);
	return json_pack("{s:I,s:s,s:s,s:s?}", "id", (json_int_t)id, "name", info.name,
			 "type", type ? type : "unknown", "pinPath", pin_of(pins, id));
}

json_t *xd_prog_maps_json(uint32_t prog_id, const struct xd_map_pins *pins)
{
	_cleanup_close_ int fd = bpf_prog_get_fd_by_id(prog_id);
	__u32 ids[64];
	struct bpf_prog_info info = { .nr_map_ids = ELEMENTSOF(ids), .map_ids = (__u64)(unsigned long)ids };
	__u32 len = sizeof(info);
	json_t *list = json_array();

	if (!list || fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return list;
	for (__u32 i = 0; i < info.nr_map_ids && i < ELEMENTSOF(ids); i++) {
		json_t *m = map_json(ids[i], pins);

		if (m && json_array_append_new(list, m) < 0)
			return json_decref(list), NULL;
	}
	return list;
}

static void tag_of(__u32 prog_id, char *buf, size_t len)
{
	_cleanup_close_ int fd = bpf_prog_get_fd_by_id(prog_id);
	struct bpf_prog_info info;

	buf[0] = '\0';
	if (fd >= 0 && xl_prog_info(fd, &info) == 0)
		for (size_t i = 0; i < sizeof(info.tag) && 2 * i + 2 < len; i++)
			snprintf(buf + 2 * i, 3, "%02x", info.tag[i]);
}

/* A ForeignProgram: one a libxdp dispatcher runs. */
static json_t *component_json(__u32 id, bool maps, const struct xd_map_pins *pins)
{
	char tag[17], name[BPF_OBJ_NAME_LEN];
	json_t *o;

	tag_of(id, tag, sizeof(tag));
	xl_prog_name_by_id(id, name, sizeof(name));
	o = json_pack("{s:I,s:s,s:s}", "programId", (json_int_t)id, "name", name, "tag", tag);
	if (o && maps)
		json_object_set_new(o, "maps", xd_prog_maps_json(id, pins));
	return o;
}

static json_t *components_json(__u32 dispatcher, bool maps, const struct xd_map_pins *pins)
{
	__u32 ids[MAX_COMPONENTS];
	json_t *list = json_array();
	size_t n = 0;

	(void)xl_holder_components(dispatcher, ids, ELEMENTSOF(ids), &n);
	for (size_t i = 0; list && i < n; i++)
		if (json_array_append_new(list, component_json(ids[i], maps, pins)) < 0)
			return json_decref(list), NULL;
	return list;
}

static const char *mode_name(int mode)
{
	return mode == XDP_ATTACHED_SKB ? "skb" : mode == XDP_ATTACHED_HW ? "hw" : "native";
}

static json_t *unmanaged_json(const struct xl_xdp_holder *h, bool maps,
			      const struct xd_map_pins *pins)
{
	char tag[17];
	json_t *o;

	tag_of(h->prog_id, tag, sizeof(tag));
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "programId", (json_int_t)h->prog_id,
		      "name", h->name, "tag", tag, "mode", mode_name(h->mode),
		      "holder", xl_holder_kind_name(h->kind), "linkId", (json_int_t)h->link_id);
	if (o && h->kind == XL_HOLDER_LIBXDP)
		json_object_set_new(o, "programs", components_json(h->prog_id, maps, pins));
	if (o && maps)
		json_object_set_new(o, "maps", xd_prog_maps_json(h->prog_id, pins));
	return o;
}

static bool skipped(__u32 id, const uint32_t *skip, size_t n_skip)
{
	for (size_t k = 0; k < n_skip; k++)
		if (skip[k] == id)
			return true;
	return false;
}

json_t *xd_unmanaged_json(const struct xl_xdp_iface *x, const uint32_t *skip, size_t n_skip,
			  bool maps, const struct xd_map_pins *pins)
{
	const struct xl_xdp_holder modes[] = {
		{ .prog_id = x->drv_prog_id, .mode = XDP_ATTACHED_DRV },
		{ .prog_id = x->skb_prog_id, .mode = XDP_ATTACHED_SKB },
		{ .prog_id = x->hw_prog_id, .mode = XDP_ATTACHED_HW },
	};
	json_t *list = NULL;

	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		struct xl_xdp_holder h = modes[i];

		/* The daemon's own are told apart before anything costly. */
		if (!h.prog_id || skipped(h.prog_id, skip, n_skip))
			continue;
		xl_holder_classify(x->ifindex, &h);
		if (!list)
			list = json_array();
		if (!list || json_array_append_new(list, unmanaged_json(&h, maps, pins)) < 0)
			return json_decref(list), NULL;
	}
	return list;
}
