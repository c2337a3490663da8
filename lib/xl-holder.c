/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What runs XDP on an interface and who holds it there (xl-holder.h). */
#include <errno.h>
#include <string.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-bpf.h"
#include "xl-holder.h"
#include "xl-util.h"

static void prog_name_of(__u32 id, char *buf, size_t len)
{
	_cleanup_close_ int fd = bpf_prog_get_fd_by_id(id);
	struct bpf_prog_info info;

	snprintf(buf, len, "?");
	if (fd >= 0 && xl_prog_info(fd, &info) == 0)
		snprintf(buf, len, "%s", info.name);
}

/* Link info carries an ifindex but no netns: the program id tells this
 * device's link from another namespace's device with the same index. */
static __u32 xdp_link_on(int ifindex, __u32 prog)
{
	__u32 id = 0;

	while (bpf_link_get_next_id(id, &id) == 0) {
		_cleanup_close_ int fd = bpf_link_get_fd_by_id(id);
		struct bpf_link_info info;

		if (fd >= 0 && xl_link_info(fd, &info) == 0 && info.type == BPF_LINK_TYPE_XDP &&
		    (int)info.xdp.ifindex == ifindex && info.prog_id == prog)
			return id;
	}
	return 0;
}

/* libxdp's dispatcher is told by its program's name, which is its
 * function's name in BTF; whether a link or netlink holds it. */
static void classify(int ifindex, struct xl_xdp_holder *h)
{
	prog_name_of(h->prog_id, h->name, sizeof(h->name));
	h->link_id = xdp_link_on(ifindex, h->prog_id);
	if (strcmp(h->name, XL_LIBXDP_DISPATCHER) == 0)
		h->kind = XL_HOLDER_LIBXDP;
	else
		h->kind = h->link_id ? XL_HOLDER_BPF_LINK : XL_HOLDER_NETLINK;
}

int xl_holder_query(int ifindex, struct xl_xdp_holder *ret, size_t max, size_t *ret_n)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	const struct { __u32 *id; int mode; } modes[] = {
		{ &q.drv_prog_id, XDP_ATTACHED_DRV }, { &q.skb_prog_id, XDP_ATTACHED_SKB },
		{ &q.hw_prog_id, XDP_ATTACHED_HW },
	};
	size_t n = 0;
	int r;

	r = bpf_xdp_query(ifindex, 0, &q);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(modes) && n < max; i++) {
		if (!*modes[i].id)
			continue;
		ret[n] = (struct xl_xdp_holder){ .prog_id = *modes[i].id, .mode = modes[i].mode };
		classify(ifindex, &ret[n++]);
	}
	*ret_n = n;
	return 0;
}

int xl_holder_components(__u32 prog_id, __u32 *ret_ids, size_t max, size_t *ret_n)
{
	__u32 id = 0;
	size_t n = 0;

	while (n < max && bpf_link_get_next_id(id, &id) == 0) {
		_cleanup_close_ int fd = bpf_link_get_fd_by_id(id);
		struct bpf_link_info info;

		if (fd >= 0 && xl_link_info(fd, &info) == 0 &&
		    info.type == BPF_LINK_TYPE_TRACING && info.tracing.target_obj_id == prog_id)
			ret_ids[n++] = info.prog_id;
	}
	*ret_n = n;
	return 0;
}

const char *xl_holder_kind_name(enum xl_holder_kind kind)
{
	switch (kind) {
	case XL_HOLDER_LIBXDP:
		return "libxdp";
	case XL_HOLDER_BPF_LINK:
		return "bpfLink";
	default:
		return "netlink";
	}
}

void xl_holder_describe(int ifindex, char *buf, size_t len)
{
	struct xl_xdp_holder h[3];
	size_t n = 0;

	if (xl_holder_query(ifindex, h, ELEMENTSOF(h), &n) < 0 || n == 0) {
		snprintf(buf, len, "another XDP program (none visible now)");
		return;
	}
	switch (h[0].kind) {
	case XL_HOLDER_LIBXDP:
		snprintf(buf, len, "a libxdp dispatcher (program id %u, attached over %s; "
			 "see xdp-loader status)", h[0].prog_id, h[0].link_id ? "a bpf_link" : "netlink");
		break;
	case XL_HOLDER_BPF_LINK:
		snprintf(buf, len, "bpf_link %u running program %s (id %u)", h[0].link_id,
			 h[0].name, h[0].prog_id);
		break;
	default:
		snprintf(buf, len, "program %s (id %u) attached over netlink", h[0].name,
			 h[0].prog_id);
	}
}
