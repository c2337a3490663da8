/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dispatcher comes from skeletons compiled into the library, one per size: no .o to find at run time. */
#include <errno.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xl-dispatcher.h"
#include "xl-path.h"
#include "xl_dispatcher4.skel.h"
#include "xl_dispatcher10.skel.h"
#include "xl_dispatcher16.skel.h"
#include "xl_dispatcher32.skel.h"
#include "xl_dispatcher.skel.h"

/* One skeleton of whichever size; the kernel sees the same program, with
 * fewer slot functions (bpf/xl_dispatcher.bpf.c says why that is faster). */
struct xl_dispatcher {
	void *skel;
	void (*destroy)(void *skel);
	int (*load)(void *skel);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *counters;
};

/* open_<name>(): the skeleton of that size, opened, with cfg in its rodata. */
#define XL_DISPATCHER_SIZE(name)                                               \
	static void destroy_##name(void *s) { name##_bpf__destroy(s); }         \
	static int load_##name(void *s) { return name##_bpf__load(s); }         \
	static int open_##name(struct xl_dispatcher *d,                         \
			       const struct xl_dispatcher_config *cfg)          \
	{                                                                       \
		struct name##_bpf *s = name##_bpf__open();                      \
									        \
		if (!s)                                                         \
			return -errno;                                          \
		memcpy((void *)&s->rodata->xl_cfg, cfg, sizeof(*cfg));          \
		*d = (struct xl_dispatcher){ .skel = s, .destroy = destroy_##name, \
			.load = load_##name, .obj = s->obj,                     \
			.prog = s->progs.xl_dispatcher,                         \
			.counters = s->maps.xl_counters };                      \
		return 0;                                                       \
	}
XL_DISPATCHER_SIZE(xl_dispatcher4)
XL_DISPATCHER_SIZE(xl_dispatcher10)
XL_DISPATCHER_SIZE(xl_dispatcher16)
XL_DISPATCHER_SIZE(xl_dispatcher32)
XL_DISPATCHER_SIZE(xl_dispatcher)

static const struct {
	unsigned slots;
	int (*open)(struct xl_dispatcher *d, const struct xl_dispatcher_config *cfg);
} sizes[] = {
	{ 4, open_xl_dispatcher4 }, { 10, open_xl_dispatcher10 }, { 16, open_xl_dispatcher16 },
	{ 32, open_xl_dispatcher32 }, { XL_MAX_SLOTS, open_xl_dispatcher },
};

struct xl_dispatcher *xl_dispatcher_free(struct xl_dispatcher *d)
{
	if (!d)
		return NULL;
	if (d->skel)
		d->destroy(d->skel);
	free(d);
	return NULL;
}

unsigned xl_dispatcher_size(unsigned n_slots)
{
	for (size_t i = 0; i < ELEMENTSOF(sizes); i++)
		if (n_slots <= sizes[i].slots)
			return sizes[i].slots;
	return 0;
}

int xl_dispatcher_load(const struct xl_dispatcher_config *cfg, bool frags, int counters_fd,
		       struct xl_dispatcher **ret, struct xl_err *err)
{
	struct xl_dispatcher *d;
	size_t i = 0;
	int r;

	while (i < ELEMENTSOF(sizes) && cfg->n_slots > sizes[i].slots)
		i++;
	if (i == ELEMENTSOF(sizes))
		return xl_err_set(err, -E2BIG, "a dispatcher has at most %d slots, not %u",
				  XL_MAX_SLOTS, cfg->n_slots);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	/* The skeleton's rodata is a copy of the config struct; freezing at load
	 * is what lets the verifier prune unused slots. */
	r = sizes[i].open(d, cfg);
	if (r < 0) {
		free(d);
		return xl_err_set(err, r, "opening the embedded dispatcher: %s", errno_name(r));
	}
	if (frags)
		bpf_program__set_flags(d->prog, BPF_F_XDP_HAS_FRAGS);
	r = 0;
	if (counters_fd >= 0)
		r = bpf_map__reuse_fd(d->counters, counters_fd);
	if (r == 0)
		r = d->load(d->skel);
	if (r < 0) {
		xl_dispatcher_free(d);
		return xl_err_set(err, r, "loading the dispatcher (%u slots) failed: %s",
				  cfg->n_slots, errno_name(r));
	}
	*ret = d;
	return 0;
}

int xl_dispatcher_fd(const struct xl_dispatcher *d)
{
	return bpf_program__fd(d->prog);
}

int xl_dispatcher_counters_fd(const struct xl_dispatcher *d)
{
	return bpf_map__fd(d->counters);
}

const char *xl_dispatcher_func(int slot, char *buf, size_t len)
{
	if (slot == XL_SLOT_ENTRY)
		snprintf(buf, len, "xl_dispatcher");
	else
		snprintf(buf, len, "xl_slot%d", slot);
	return buf;
}

int xl_dispatcher_func_btf_id(const struct xl_dispatcher *d, int slot, __u32 *ret)
{
	const struct btf *btf = bpf_object__btf(d->obj);
	char name[32];
	int id;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, xl_dispatcher_func(slot, name, sizeof(name)), BTF_KIND_FUNC);
	if (id < 0)
		return id;
	*ret = (__u32)id;
	return 0;
}
