/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interfaces recovery refused: kept as they are, shown in List with the
 * reason and what the kernel runs, and closed to changes until adopted.
 * Also the read-only state of the whole daemon while the bpffs root is not
 * the one its state directory belongs to.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iface.h"
#include "log.h"
#include "manager.h"
#include "vl-server.h"

/* The XDP link that runs prog_id on ifindex, if one does (a netlink
 * attachment has none). */
static uint32_t find_xdp_link(int ifindex, uint32_t prog_id)
{
	__u32 id = 0;

	while (bpf_link_get_next_id(id, &id) == 0) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == BPF_LINK_TYPE_XDP &&
		    (int)info.xdp.ifindex == ifindex && info.prog_id == prog_id) {
			close(fd);
			return id;
		}
		close(fd);
	}
	return 0;
}

static void read_kernel_view(struct xd_refusal *f, int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	if (bpf_xdp_query(ifindex, 0, &q) < 0)
		return;
	f->prog_id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	if (!f->prog_id)
		return;
	fd = bpf_prog_get_fd_by_id(f->prog_id);
	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
		snprintf(f->prog_name, sizeof(f->prog_name), "%s", info.name);
	safe_close(fd);
	f->link_id = find_xdp_link(ifindex, f->prog_id);
}

int xd_iface_refuse(struct xd_iface *rec, int err, const char *reason)
{
	struct xd_refusal *f = calloc(1, sizeof(*f));

	if (!f || !(f->reason = strdup(reason ? reason : ""))) {
		free(f);
		return -ENOMEM;
	}
	f->err = err;
	read_kernel_view(f, rec->ifindex);
	xd_iface_clear_refused(rec);
	rec->refused = f;
	return 0;
}

void xd_iface_clear_refused(struct xd_iface *rec)
{
	if (!rec->refused)
		return;
	free(rec->refused->reason);
	free(rec->refused);
	rec->refused = NULL;
}

json_t *xd_iface_refused_json(struct xd_iface *rec)
{
	const struct xd_refusal *f = rec->refused;

	if (!f)
		return NULL;
	return json_pack("{s:s,s:i,s:I,s:i,s:s,s:I,s:I,s:b,s:[],s:{s:s,s:s,s:I,s:s,s:I}}",
			 "name", rec->name, "ifindex", rec->ifindex,
			 "netnsCookie", (json_int_t)rec->netns_cookie, "revision", 0,
			 "mode", "native", "linkId", (json_int_t)f->link_id,
			 "entryProgramId", (json_int_t)f->prog_id, "counters", false,
			 "attachments", "refused", "reason", f->reason,
			 "errnoName", errno_name(f->err), "programId", (json_int_t)f->prog_id,
			 "programName", f->prog_name, "linkId", (json_int_t)f->link_id);
}

int xd_iface_check_writable(struct manager *m, struct xd_iface *rec, struct vl_link *l)
{
	const char *root = xl_engine__root_changed(m->engine);
	int r;

	if (rec->refused) {
		char hint[64];

		snprintf(hint, sizeof(hint), "xdpctl adopt %s", rec->name);
		r = l ? vl_link_error(l, XD_ERROR_INTERFACE_REFUSED,
				      json_pack("{s:s,s:s,s:s}", "interface", rec->name,
						"reason", rec->refused->reason, "hint", hint)) : 0;
		return r < 0 ? r : 1;
	}
	if (root) {
		r = l ? vl_link_error(l, XD_ERROR_READ_ONLY, json_pack("{s:s}", "reason", root)) : 0;
		return r < 0 ? r : 1;
	}
	return 0;
}
