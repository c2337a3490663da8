/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Naming whoever already holds XDP on an interface, so EBUSY can say who. */
#include <errno.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-bpf.h"
#include "xl-internal.h"

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

void xl_holder_describe(int ifindex, char *buf, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 prog, link;
	char name[BPF_OBJ_NAME_LEN];

	if (bpf_xdp_query(ifindex, 0, &q) < 0 || q.attach_mode == XDP_ATTACHED_NONE) {
		snprintf(buf, len, "another XDP program (none visible now)");
		return;
	}
	prog = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	prog_name_of(prog, name, sizeof(name));
	link = xdp_link_on(ifindex, prog);
	if (link)
		snprintf(buf, len, "bpf_link %u running program %s (id %u)", link, name, prog);
	else if (strcmp(name, "xdp_dispatcher") == 0)
		snprintf(buf, len, "a libxdp dispatcher (program id %u, attached over netlink; "
			 "see xdp-loader status)", prog);
	else
		snprintf(buf, len, "program %s (id %u) attached over netlink", name, prog);
}
