/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bpffs root's identity: which bpffs instance (st_dev) and which path
 * the state directory's records belong to. A second bpffs mounted over
 * /sys/fs/bpf, or BpffsRoot changed in the config, shows the engine an
 * empty root while the state directory and the kernel still describe the
 * old one; writing then would create a second, conflicting truth, and
 * recovery would take the old pins for missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "xl-internal.h"

#define ROOTID_FILE "bpffs_root"

static int rootid_path(const struct xl_engine *e, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/" ROOTID_FILE, e->state_dir) >= (int)len ? -ENAMETOOLONG : 0;
}

static int current_dev(const struct xl_engine *e, dev_t *ret)
{
	struct stat st;

	if (stat(e->root, &st) < 0)
		return -errno;
	*ret = st.st_dev;
	return 0;
}

/* "dev MAJOR:MINOR\nroot PATH\n" */
static int read_rootid(const struct xl_engine *e, unsigned *maj, unsigned *min, char *root,
		       size_t len)
{
	_cleanup_fclose_ FILE *f = NULL;
	char path[PATH_MAX], line[PATH_MAX + 16];
	int r = rootid_path(e, path, sizeof(path));

	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "dev %u:%u", maj, min) != 2 ||
	    !fgets(line, sizeof(line), f) || strncmp(line, "root ", 5) != 0)
		return -EBADMSG;
	line[strcspn(line, "\n")] = '\0';
	return snprintf(root, len, "%s", line + 5) >= (int)len ? -EBADMSG : 0;
}

int xl_engine__record_root(struct xl_engine *e)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], text[PATH_MAX + 64];
	_cleanup_close_ int fd = -EBADF;
	dev_t dev = 0;
	int r, n;

	r = current_dev(e, &dev);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "reading %s: %s", e->root, errno_name(r));
	r = rootid_path(e, path, sizeof(path));
	if (r < 0 || snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return xl_err_set(xl_engine_err(e), -ENAMETOOLONG, "%s: path too long", e->state_dir);
	n = snprintf(text, sizeof(text), "dev %u:%u\nroot %s\n", major(dev), minor(dev), e->root);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, (size_t)n) != n || fsync(fd) < 0 || rename(tmp, path) < 0) {
		r = errno ? -errno : -EIO;
		(void)unlink(tmp);
		return xl_err_set(xl_engine_err(e), r, "writing %s: %s", path, errno_name(r));
	}
	__atomic_store_n(&e->root_dev, (__u64)dev, __ATOMIC_RELAXED);
	__atomic_store_n(&e->root_is_changed, false, __ATOMIC_RELEASE);
	return 0;
}

/* Whether the root is the instance and path the state directory was
 * recorded with; if not, why, and how to get out, in e->root_changed. */
int xl_engine_check_root(struct xl_engine *e)
{
	unsigned maj, min;
	char was[PATH_MAX];
	dev_t dev;
	int r, n = 0;

	r = current_dev(e, &dev);
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "reading %s: %s", e->root, errno_name(r));
	r = read_rootid(e, &maj, &min, was, sizeof(was));
	if (r == -ENOENT)
		return xl_engine__record_root(e);	/* a fresh state directory */
	if (r < 0)
		return xl_err_set(xl_engine_err(e), r, "reading %s/" ROOTID_FILE ": %s", e->state_dir,
				  errno_name(r));
	if (strcmp(was, e->root) != 0)
		n = snprintf(e->root_changed, sizeof(e->root_changed),
			 "the bpffs root changed from %s to %s, while the state directory %s "
			 "describes pins under %s; set BpffsRoot back to %s, or take the "
			 "interfaces over here with 'xdpctl adopt IFACE'",
			 was, e->root, e->state_dir, was, was);
	else if (major(dev) != maj || minor(dev) != min)
		n = snprintf(e->root_changed, sizeof(e->root_changed),
			 "%s is now on another bpffs instance (device %u:%u, was %u:%u): probably "
			 "a second bpffs was mounted over the first (mount -t bpf without "
			 "checking mountpoint -q), hiding every pin; 'umount' the top one "
			 "once to uncover the original, or take the interfaces over here with "
			 "'xdpctl adopt IFACE'", e->root, major(dev), minor(dev), maj, min);
	if (n == 0)
		e->root_changed[0] = '\0';
	else if (n >= (int)sizeof(e->root_changed))	/* cut short, still non-empty */
		e->root_changed[sizeof(e->root_changed) - 1] = '\0';
	e->root_dev = (__u64)dev;
	/* Set once, at start, before any thread reads it. */
	e->root_is_changed = e->root_changed[0] != '\0';
	return 0;
}

const char *xl_engine__root_changed(const struct xl_engine *e)
{
	return __atomic_load_n(&e->root_is_changed, __ATOMIC_ACQUIRE) ? e->root_changed : NULL;
}

/* Before a write: the root may have been covered since the engine started. */
int xl_engine_writable(struct xl_engine *e, struct xl_err *err)
{
	__u64 was = __atomic_load_n(&e->root_dev, __ATOMIC_RELAXED);
	const char *why = xl_engine__root_changed(e);
	dev_t dev;

	if (why)
		return xl_err_set(err, -EXDEV, "refusing to write: %s", why);
	if (current_dev(e, &dev) == 0 && (__u64)dev != was)
		return xl_err_set(err, -EXDEV, "refusing to write: %s is now on another bpffs "
				  "instance (device %u:%u, was %u:%u): probably a second bpffs was "
				  "mounted over the first, hiding every pin; 'umount' the top one "
				  "once to uncover the original, or restart xdplinkd and take the "
				  "interfaces over with 'xdpctl adopt IFACE'", e->root,
				  major(dev), minor(dev), major((dev_t)was), minor((dev_t)was));
	return 0;
}
