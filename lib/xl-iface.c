/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An interface under the engine: opening (with recovery), accessors and counters. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/xl_dispatcher.h"
#include "xl-bpf.h"
#include "xl-internal.h"
#include "xl-path.h"

void xl_iface_close_fds(struct xl_iface *iface)
{
	iface->link_fd = safe_close(iface->link_fd);
	iface->link_id = 0;
	iface->entry_fd = safe_close(iface->entry_fd);
	iface->counters_fd = safe_close(iface->counters_fd);
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		iface->prog_fds[i] = safe_close(iface->prog_fds[i]);
}

/*
 * The link's pin is what lets the next run find the link: if someone
 * removed it while we hold the link, pin it again from our fd, or the
 * link dies with our process (and XDP with it) and recovery can tell
 * nothing. Not while the root is not ours (xl-rootid.c).
 */
int xl_iface__repin_link(struct xl_iface *iface)
{
	struct xl_err scratch = {};
	char path[PATH_MAX];
	int r;

	if (iface->link_fd < 0 || xl_engine_writable(iface->e, &scratch) < 0)
		return 0;
	r = xl_path_link(path, sizeof(path), iface->dir);
	if (r < 0 || access(path, F_OK) == 0)
		return r;
	if (mkdir(iface->dir, 0700) < 0 && errno != EEXIST)
		return xl_err_set(&iface->err, -errno, "creating %s: %s", iface->dir, errno_name(errno));
	r = xl_pin(iface->link_fd, path);
	if (r < 0)
		return xl_err_set(&iface->err, r, "pinning the link again at %s: %s", path,
				  errno_name(r));
	return 1;
}

struct xl_iface *xl_iface__free(struct xl_iface *iface)
{
	if (!iface)
		return NULL;
	(void)xl_iface__repin_link(iface);
	(void)xl_iface__cleanup(iface);	/* if it fails, recovery sweeps the rest */
	xl_twins_drop_pending(iface);
	xl_iface_close_fds(iface);
	xl_state_clear(&iface->st);
	xl_iface_drop_dry(iface);
	free(iface->verifier_log);
	free(iface->dir);
	free(iface->state_dir);
	free(iface);
	return NULL;
}

static void xl_iface_freep(struct xl_iface **i)
{
	xl_iface__free(*i);
}

/* netns_cookie: the calling thread's netns, which the caller has read already. */
int xl_iface_open(struct xl_engine *e, __u64 netns_cookie, int ifindex,
		  struct xl_recover_stats *stats, struct xl_iface **ret)
{
	_cleanup_(xl_iface_freep) struct xl_iface *iface = NULL;
	char dir[PATH_MAX], state_dir[PATH_MAX];
	int r;

	if (ifindex <= 0)
		return xl_err_set(xl_engine_err(e), -EINVAL, "invalid ifindex %d", ifindex);
	iface = calloc(1, sizeof(*iface));
	if (!iface)
		return -ENOMEM;
	iface->e = e;
	iface->ifindex = ifindex;
	iface->link_fd = iface->entry_fd = iface->counters_fd = -EBADF;
	for (size_t i = 0; i < XL_MAX_PROGS; i++)
		iface->prog_fds[i] = -EBADF;
	iface->netns_cookie = netns_cookie;
	r = xl_path_iface(dir, sizeof(dir), e->root, iface->netns_cookie, ifindex);
	if (r == 0)
		r = xl_path_iface(state_dir, sizeof(state_dir), e->state_dir, iface->netns_cookie,
				  ifindex);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "path for ifindex %d too long", ifindex);
	iface->dir = strdup(dir);
	iface->state_dir = strdup(state_dir);
	if (!iface->dir || !iface->state_dir)
		return -ENOMEM;
	r = xl_iface_recover(iface, stats);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "%s", iface->err.msg);
	*ret = TAKE_PTR(iface);
	return 0;
}

int xl_iface__open(struct xl_engine *e, int ifindex, struct xl_iface **ret)
{
	_cleanup_(xl_engine_unlock) int lock = -EBADF;
	struct xl_recover_stats stats = {};
	__u64 cookie;
	int r;

	/* Recovery must not mistake another process's revision under
	 * construction for a crash's orphan. */
	r = xl_netns_cookie(&cookie);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "reading the netns cookie: %s", errno_name(r));
	lock = xl_engine_lock_iface(e, cookie, ifindex);
	if (lock < 0)
		return xl_err_set(xl_engine_err(e), lock, "locking %s: %s", e->state_dir, errno_name(lock));
	return xl_iface_open(e, cookie, ifindex, &stats, ret);
}

const char *xl_iface__last_error(const struct xl_iface *iface) { return iface->err.msg; }
__u64 xl_iface__revision(const struct xl_iface *iface) { return iface->st.revision; }
int xl_iface__ifindex(const struct xl_iface *iface) { return iface->ifindex; }
__u64 xl_iface__netns_cookie(const struct xl_iface *iface) { return iface->netns_cookie; }
enum xl_mode xl_iface__mode(const struct xl_iface *iface) { return iface->st.mode; }
bool xl_iface__counters_enabled(const struct xl_iface *iface) { return iface->st.counters; }

const char *xl_iface__verifier_log(const struct xl_iface *iface)
{
	return iface->verifier_log;
}

static __u32 fd_to_id(int fd, bool link)
{
	struct bpf_link_info li;
	struct bpf_prog_info pi;

	if (fd < 0)
		return 0;
	if (link)
		return xl_link_info(fd, &li) == 0 ? li.id : 0;
	return xl_prog_info(fd, &pi) == 0 ? pi.id : 0;
}

void xl_iface_set_link(struct xl_iface *iface, int fd)
{
	safe_close(iface->link_fd);
	iface->link_fd = fd;
	iface->link_id = fd_to_id(fd, true);
}

__u32 xl_iface__link_id(const struct xl_iface *iface) { return iface->link_id; }
int xl_iface__link_ifindex(const struct xl_iface *iface)
{
	struct bpf_link_info li;
	int r;

	if (iface->link_fd < 0)
		return -ENOLINK;
	r = xl_link_info(iface->link_fd, &li);
	return r < 0 ? r : (int)li.xdp.ifindex;
}

__u32 xl_iface__entry_prog_id(const struct xl_iface *iface) { return fd_to_id(iface->entry_fd, false); }

const struct xl_attachment *xl_iface__attachments(const struct xl_iface *iface, size_t *ret_n)
{
	*ret_n = iface->st.n;
	return iface->st.att;
}

int xl_iface__counters(const struct xl_iface *iface, __u32 attach_id, __u64 ret[XL_N_VERDICTS])
{
	int ncpu = libbpf_num_possible_cpus();
	const struct xl_attachment *a = NULL;
	struct xl_verdict_counts *per_cpu;
	int r;

	for (size_t i = 0; i < iface->st.n && !a; i++)
		if (iface->st.att[i].id == attach_id)
			a = &iface->st.att[i];
	if (!a)
		return -ENOENT;
	if (iface->counters_fd < 0 || ncpu <= 0)
		return -ENODATA;
	per_cpu = calloc((size_t)ncpu, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	r = bpf_map_lookup_elem(iface->counters_fd, &a->counter_row, per_cpu);
	if (r == 0) {
		memset(ret, 0, sizeof(__u64) * XL_N_VERDICTS);
		for (int c = 0; c < ncpu; c++)
			for (int v = 0; v < XL_N_VERDICTS; v++)
				ret[v] += per_cpu[c].n[v];
	}
	free(per_cpu);
	return r;
}

enum xl_error_kind xl_iface__error_kind(const struct xl_iface *iface)
{
	return iface->err.code ? (enum xl_error_kind)iface->err.kind : XL_ERROR_NONE;
}
