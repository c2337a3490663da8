/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What runs XDP on an interface and who holds it there (xl-holder.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-bpf.h"
#include "xl-holder.h"
#include "xl-util.h"

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
void xl_holder_classify(int ifindex, struct xl_xdp_holder *h)
{
	xl_prog_name_by_id(h->prog_id, h->name, sizeof(h->name));
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
		xl_holder_classify(ifindex, &ret[n++]);
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

/* IFLA_XDP's program ids: one attribute per mode that has a program. */
static void parse_xdp(struct rtattr *xdp, struct xl_xdp_iface *x)
{
	int len = (int)RTA_PAYLOAD(xdp);

	for (struct rtattr *a = RTA_DATA(xdp); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		__u32 id = RTA_PAYLOAD(a) >= sizeof(__u32) ? *(__u32 *)RTA_DATA(a) : 0;

		if (a->rta_type == IFLA_XDP_DRV_PROG_ID)
			x->drv_prog_id = id;
		else if (a->rta_type == IFLA_XDP_SKB_PROG_ID)
			x->skb_prog_id = id;
		else if (a->rta_type == IFLA_XDP_HW_PROG_ID)
			x->hw_prog_id = id;
	}
}

static struct xl_xdp_iface parse_link(struct nlmsghdr *nh)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct xl_xdp_iface x = { .ifindex = ifi->ifi_index };
	int len = (int)IFLA_PAYLOAD(nh);

	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME)
			snprintf(x.name, sizeof(x.name), "%.*s", (int)RTA_PAYLOAD(a),
				 (const char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_XDP)
			parse_xdp(a, &x);
	}
	return x;
}

/* One datagram of the dump into *v; 1 when the dump is done. */
static int dump_part(const char *buf, ssize_t n, struct xl_xdp_iface **v, size_t *n_v)
{
	for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		struct xl_xdp_iface *grown;

		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR)
			return ((struct nlmsgerr *)NLMSG_DATA(nh))->error ?: -EPROTO;
		if (nh->nlmsg_type != RTM_NEWLINK)
			continue;
		grown = reallocarray(*v, *n_v + 1, sizeof(**v));
		if (!grown)
			return -ENOMEM;
		*v = grown;
		grown[(*n_v)++] = parse_link(nh);
	}
	return 0;
}

int xl_xdp_dump(struct xl_xdp_iface **ret, size_t *ret_n)
{
	/* Without statistics: less for the kernel to gather per interface
	 * (kernels before 5.4 ignore the flag and send them anyway). */
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		struct rtattr mask_attr;
		__u32 mask;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC },
		.mask_attr = { .rta_len = RTA_LENGTH(sizeof(__u32)), .rta_type = IFLA_EXT_MASK },
		.mask = RTEXT_FILTER_SKIP_STATS,
	};
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	const size_t size = 64 * 1024;	/* more than a dump's datagram */
	_cleanup_free_ char *buf = malloc(size);
	struct xl_xdp_iface *v = NULL;
	size_t n_v = 0;
	int r = 0;

	if (fd < 0)
		return -errno;
	if (!buf)
		return -ENOMEM;
	if (send(fd, &req, sizeof(req), 0) < 0)
		return -errno;
	while (r == 0) {
		ssize_t n = recv(fd, buf, size, 0);

		if (n < 0 && errno == EINTR)
			continue;
		r = n < 0 ? -errno : dump_part(buf, n, &v, &n_v);
	}
	if (r < 0) {
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n_v;
	return 0;
}

int xl_xdp_query_one(int ifindex, struct xl_xdp_iface *ret)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[IF_NAMESIZE];
	int r;

	r = bpf_xdp_query(ifindex, 0, &q);
	if (r < 0)
		return r;
	if (!if_indextoname((unsigned)ifindex, name))
		return -errno;
	*ret = (struct xl_xdp_iface){ .ifindex = ifindex, .drv_prog_id = q.drv_prog_id,
				      .skb_prog_id = q.skb_prog_id, .hw_prog_id = q.hw_prog_id };
	snprintf(ret->name, sizeof(ret->name), "%s", name);
	return 0;
}
