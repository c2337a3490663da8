/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dispatcher comes from a skeleton compiled into the library: no .o to find at run time. */
#include <errno.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xl-dispatcher.h"
#include "xl-path.h"
#include "xl_dispatcher.skel.h"

struct xl_dispatcher {
	struct xl_dispatcher_bpf *skel;
};

struct xl_dispatcher *xl_dispatcher_free(struct xl_dispatcher *d)
{
	if (!d)
		return NULL;
	xl_dispatcher_bpf__destroy(d->skel);
	free(d);
	return NULL;
}

int xl_dispatcher_load(const struct xl_dispatcher_config *cfg, bool frags, int counters_fd,
		       struct xl_dispatcher **ret, struct xl_err *err)
{
	struct xl_dispatcher *d;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->skel = xl_dispatcher_bpf__open();
	if (!d->skel) {
		r = -errno;
		free(d);
		return xl_err_set(err, r, "opening the embedded dispatcher: %s", errno_name(r));
	}
	/* The skeleton's rodata is a copy of the config struct; freezing at load
	 * is what lets the verifier prune unused slots. */
	memcpy((void *)&d->skel->rodata->xl_cfg, cfg, sizeof(*cfg));
	if (frags)
		bpf_program__set_flags(d->skel->progs.xl_dispatcher, BPF_F_XDP_HAS_FRAGS);
	r = 0;
	if (counters_fd >= 0)
		r = bpf_map__reuse_fd(d->skel->maps.xl_counters, counters_fd);
	if (r == 0)
		r = xl_dispatcher_bpf__load(d->skel);
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
	return bpf_program__fd(d->skel->progs.xl_dispatcher);
}

int xl_dispatcher_counters_fd(const struct xl_dispatcher *d)
{
	return bpf_map__fd(d->skel->maps.xl_counters);
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
	const struct btf *btf = bpf_object__btf(d->skel->obj);
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
