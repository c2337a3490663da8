/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine: configuration, one-time capability probe, and recovery of everything pinned. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-bpf.h"
#include "xl-dispatcher.h"
#include "xl-internal.h"
#include "xl-path.h"
#include "xl-prog.h"
#include "xl_probe.skel.h"

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void read_lockdown(char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/sys/kernel/security/lockdown", "re");
	char line[128], *open_br, *close_br;

	snprintf(buf, len, "unknown (mount securityfs to read it)");
	if (!f || !fgets(line, sizeof(line), f))
		return;
	open_br = strchr(line, '[');
	close_br = open_br ? strchr(open_br, ']') : NULL;
	if (open_br && close_br) {
		*close_br = '\0';
		snprintf(buf, len, "%s", open_br + 1);
	}
}

/* Load a dispatcher and try to extend it, once: the answer decides between
 * the dispatcher and degraded (direct) mode for the engine's lifetime. */
static int probe_freplace(struct xl_engine *e)
{
	struct xl_dispatcher_config cfg = { .n_slots = 1 };
	struct xl_dispatcher *d = NULL;
	struct xl_probe_bpf *probe;
	char lockdown[64];
	int r, link;

	r = xl_dispatcher_load(&cfg, false, -EBADF, &d, xl_engine_err(e));
	if (r < 0)
		return r;
	probe = xl_probe_bpf__open();
	if (!probe) {
		xl_dispatcher_free(d);
		return -errno;
	}
	r = bpf_program__set_attach_target(probe->progs.xl_probe, xl_dispatcher_fd(d), "xl_slot0");
	if (r == 0)
		r = xl_probe_bpf__load(probe);
	e->has_freplace = r == 0;
	if (r == 0) {
		__u32 btf_id;

		r = xl_dispatcher_func_btf_id(d, XL_SLOT_ENTRY, &btf_id);
		link = r < 0 ? r : xl_freplace_link_create(bpf_program__fd(probe->progs.xl_probe),
							    xl_dispatcher_fd(d), btf_id);
		e->entry_replace = link >= 0;
		safe_close(link);
	} else {
		read_lockdown(lockdown, sizeof(lockdown));
		snprintf(e->degraded_reason, sizeof(e->degraded_reason),
			 "the kernel refuses freplace (BPF_PROG_TYPE_EXT) programs: %s (%s), "
			 "kernel lockdown is '%s'; boot with lockdown=none (or Secure Boot off) "
			 "to run more than one program per interface",
			 strerror(-r), errno_name(r), lockdown);
	}
	xl_probe_bpf__destroy(probe);
	xl_dispatcher_free(d);
	return 0;
}

struct xl_engine *xl_engine__free(struct xl_engine *e)
{
	if (!e)
		return NULL;
	free(e->root);
	free(e->state_dir);
	free(e);
	return NULL;
}

static void xl_engine_freep(struct xl_engine **e)
{
	xl_engine__free(*e);
}

/* Pins outside bpffs fail later with confusing errors; say so up front. */
static int check_bpffs(struct xl_engine *e)
{
	_cleanup_free_ char *parent = strdup(e->root);
	struct statfs fs;
	char *slash;

	if (!parent)
		return -ENOMEM;
	while (statfs(parent, &fs) < 0) {
		if (errno != ENOENT || !(slash = strrchr(parent, '/')) || slash == parent)
			return xl_err_set(xl_engine_err(e), -errno, "%s: %s", parent, errno_name(errno));
		*slash = '\0';
	}
	if (fs.f_type != BPF_FS_MAGIC)
		return xl_err_set(xl_engine_err(e), -ENOTSUP, "%s is not on a bpf filesystem; "
				  "mount one where none is: mountpoint -q /sys/fs/bpf || "
				  "mount -t bpf bpf /sys/fs/bpf", e->root);
	return 0;
}

static int engine_setup(struct xl_engine *e)
{
	int r = check_bpffs(e);

	if (r < 0)
		return r;
	r = mkdir_p(e->root, 0700);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "creating %s: %s", e->root, errno_name(r));
	r = mkdir_p(e->state_dir, 0700);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "creating %s: %s", e->state_dir, errno_name(r));
	r = xl_engine_check_root(e);
	if (r < 0)
		return r;
	return probe_freplace(e);
}

int xl_engine__new(const struct xl_engine_opts *opts, struct xl_engine **ret)
{
	_cleanup_(xl_engine_freep) struct xl_engine *e = NULL;
	const char *root = XL_DEFAULT_BPFFS_ROOT, *state = XL_DEFAULT_STATE_DIR;
	int r;

	if (opts && opts->sz < offsetofend(struct xl_engine_opts, xl_engine_opts__last_field))
		return -EINVAL;
	if (opts && opts->bpffs_root)
		root = opts->bpffs_root;
	if (opts && opts->state_dir)
		state = opts->state_dir;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->root = strdup(root)) || !(e->state_dir = strdup(state)))
		return -ENOMEM;
	r = engine_setup(e);
	if (r < 0) {
		if (opts && opts->err_buf && opts->err_buf_sz)
			snprintf(opts->err_buf, opts->err_buf_sz, "%s", xl_engine_err(e)->msg);
		return r;
	}
	*ret = TAKE_PTR(e);
	return 0;
}

const char *xl_engine__last_error(const struct xl_engine *e) { return xl_engine_err(e)->msg; }
bool xl_engine__has_freplace(const struct xl_engine *e) { return e->has_freplace; }
__u64 xl_engine__link_updates(const struct xl_engine *e)
{
	return __atomic_load_n(&e->link_updates, __ATOMIC_RELAXED);
}

int xl_engine__twin_fd(struct xl_engine *e, __u64 netns_cookie, int ifindex, __u32 attach_id)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r;

	r = xl_path_iface(dir, sizeof(dir), e->root, netns_cookie, ifindex);
	if (r == 0)
		r = xl_path_direct(path, sizeof(path), dir, attach_id);
	return r < 0 ? r : xl_pinned(path);
}

const char *xl_engine__degraded_reason(const struct xl_engine *e)
{
	return e->has_freplace ? NULL : e->degraded_reason;
}

struct xl_err *xl_engine_err(const struct xl_engine *e)
{
	static __thread struct xl_err err;

	(void)e;
	return &err;
}

static int lock_range(int fd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	while (fcntl(fd, F_OFD_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int open_lock(struct xl_engine *e)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/lock", e->state_dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

int xl_engine_lock(struct xl_engine *e)
{
	_cleanup_close_ int fd = open_lock(e);
	int r;

	if (fd < 0)
		return fd;
	r = lock_range(fd, F_WRLCK, 0, 0);	/* 0: to the end of every file */
	return r < 0 ? r : TAKE_FD(fd);
}

/* Byte 0 stands for the whole directory; each interface hashes to one
 * byte after it. A collision only serialises two interfaces. */
int xl_engine_lock_iface(struct xl_engine *e, __u64 netns_cookie, int ifindex)
{
	_cleanup_close_ int fd = open_lock(e);
	__u64 h = (netns_cookie * 0x9e3779b97f4a7c15ULL) ^ (__u64)(unsigned)ifindex;
	int r;

	if (fd < 0)
		return fd;
	r = lock_range(fd, F_RDLCK, 0, 1);
	if (r == 0)
		r = lock_range(fd, F_WRLCK, 1 + (off_t)(h % 65521), 1);
	return r < 0 ? r : TAKE_FD(fd);
}

void xl_engine_unlock(int *lock_fd)
{
	*lock_fd = safe_close(*lock_fd);
}

/* A directory of another netns is left alone unless its link is defunct. */
static int recover_foreign(struct xl_engine *e, const char *dir, const char *sdir,
			   struct xl_recover_stats *st)
{
	_cleanup_close_ int link = -EBADF;
	struct bpf_link_info info;
	char path[PATH_MAX];
	int r;

	/* What the root shows is not what the state describes: touch nothing. */
	if (xl_engine__root_changed(e))
		return 0;
	r = xl_path_link(path, sizeof(path), dir);
	if (r < 0)
		return r;
	link = xl_pinned(path);
	if (link >= 0 && xl_link_info(link, &info) == 0 && info.xdp.ifindex != 0)
		return 0;
	st->defunct++;
	return xl_iface_purge(e, dir, sdir);
}

int xl_engine__forget(struct xl_engine *e, __u64 netns_cookie, int ifindex)
{
	_cleanup_(xl_engine_unlock) int lock = -EBADF;
	struct xl_recover_stats st = {};
	char dir[PATH_MAX], sdir[PATH_MAX];
	int r;

	r = xl_path_iface(dir, sizeof(dir), e->root, netns_cookie, ifindex);
	if (r == 0)
		r = xl_path_iface(sdir, sizeof(sdir), e->state_dir, netns_cookie, ifindex);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "path for ifindex %d too long", ifindex);
	lock = xl_engine_lock_iface(e, netns_cookie, ifindex);
	if (lock < 0)
		return xl_err_set(xl_engine_err(e), lock, "locking %s: %s", e->state_dir, errno_name(lock));
	r = recover_foreign(e, dir, sdir, &st);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "%s", xl_engine_err(e)->msg);
	return st.defunct ? 0 : -EEXIST;
}

/*
 * Every interface directory name: those of the bpffs root, then those
 * only the state directory has (their pins hidden or removed), so that
 * recovery sees them and refuses them rather than never noticing.
 */
typedef int (*iface_fn)(struct xl_engine *e, const char *name, __u64 cookie, int ifindex,
			void *userdata);

static int for_each_iface(struct xl_engine *e, iface_fn fn, void *userdata)
{
	const char *dirs[2] = { e->root, e->state_dir };
	int r, first_err = 0;

	for (size_t k = 0; k < 2; k++) {
		_cleanup_(closedirp) DIR *d = opendir(dirs[k]);
		struct dirent *de;

		if (!d)
			return xl_err_set(xl_engine_err(e), -errno, "opening %s: %s", dirs[k],
					  errno_name(errno));
		while ((de = readdir(d))) {
			char path[PATH_MAX];
			__u64 cookie;
			int ifindex;

			if (xl_parse_iface_name(de->d_name, &cookie, &ifindex) < 0)
				continue;
			/* Seen in the root already. */
			if (k == 1 && (snprintf(path, sizeof(path), "%s/%s", e->root, de->d_name) >=
				       (int)sizeof(path) || access(path, F_OK) == 0))
				continue;
			r = fn(e, de->d_name, cookie, ifindex, userdata);
			if (r < 0 && !first_err)
				first_err = r;
		}
	}
	return first_err;
}

struct recover_ctx {
	__u64 self;
	struct xl_recover_stats st;
};

static int recover_one(struct xl_engine *e, const char *name, __u64 cookie, int ifindex,
		       void *userdata)
{
	struct recover_ctx *c = userdata;
	char dir[PATH_MAX], sdir[PATH_MAX];
	struct xl_iface *iface = NULL;
	int r;

	if (snprintf(dir, sizeof(dir), "%s/%s", e->root, name) >= (int)sizeof(dir) ||
	    snprintf(sdir, sizeof(sdir), "%s/%s", e->state_dir, name) >= (int)sizeof(sdir))
		return 0;
	if (cookie != c->self)
		return recover_foreign(e, dir, sdir, &c->st);
	r = xl_iface_open(e, c->self, ifindex, &c->st, &iface);
	xl_iface__free(iface);
	return r;
}

int xl_engine__recover(struct xl_engine *e, struct xl_recover_stats *ret_stats)
{
	_cleanup_(xl_engine_unlock) int lock = -EBADF;
	struct recover_ctx c = {};
	__u64 updates = xl_engine__link_updates(e);
	int r, first_err;

	r = xl_netns_cookie(&c.self);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "reading the netns cookie: %s", errno_name(r));
	lock = xl_engine_lock(e);
	if (lock < 0)
		return xl_err_set(xl_engine_err(e), lock, "locking %s: %s", e->state_dir, errno_name(lock));
	first_err = for_each_iface(e, recover_one, &c);
	/* Counted, not assumed: a recovery that touched the data plane is a bug to see. */
	c.st.link_updates = (unsigned)(xl_engine__link_updates(e) - updates);
	if (ret_stats)
		*ret_stats = c.st;
	return first_err;
}

struct list_ctx {
	bool any_netns;
	__u64 self;
	struct xl_iface_id *ids;	/* or NULL */
	int *ifindexes;			/* or NULL */
	size_t max, n;
};

static int list_one(struct xl_engine *e _unused_, const char *name _unused_, __u64 cookie,
		    int ifindex, void *userdata)
{
	struct list_ctx *c = userdata;

	if (!c->any_netns && cookie != c->self)
		return 0;
	if (c->n < c->max && c->ids)
		c->ids[c->n] = (struct xl_iface_id){ .netns_cookie = cookie, .ifindex = ifindex };
	if (c->n < c->max && c->ifindexes)
		c->ifindexes[c->n] = ifindex;
	c->n++;
	return 0;
}

int xl_engine__interfaces(struct xl_engine *e, int *ret, size_t max, size_t *ret_n)
{
	struct list_ctx c = { .ifindexes = ret, .max = max };
	int r;

	r = xl_netns_cookie(&c.self);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "reading the netns cookie: %s", errno_name(r));
	r = for_each_iface(e, list_one, &c);
	if (r < 0)
		return r;
	*ret_n = c.n;
	return 0;
}

int xl_engine__all_interfaces(struct xl_engine *e, struct xl_iface_id *ret, size_t max,
			      size_t *ret_n)
{
	struct list_ctx c = { .any_netns = true, .ids = ret, .max = max };
	int r = for_each_iface(e, list_one, &c);

	if (r < 0)
		return r;
	*ret_n = c.n;
	return 0;
}
