/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An object file's bytes, read once, from which every instance of its programs is opened. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "xdplink/xdplink.h"
#include "xl-image.h"

void xl_image_clear(struct xl_image *img)
{
	free(img->data);
	free(img->name);
	*img = (struct xl_image){};
}

/* bpf_object__open_file() names an object after its file, up to the first
 * dot; libbpf derives the names of its .data/.bss/.rodata maps from that. */
static char *object_name(const char *label)
{
	const char *base = strrchr(label, '/');

	base = base ? base + 1 : label;
	return strndup(base, strcspn(base, "."));
}

static int read_all(int fd, struct xl_image *img, size_t size)
{
	size_t got = 0;

	img->data = malloc(size ? size : 1);
	if (!img->data)
		return -ENOMEM;
	while (got < size) {
		ssize_t n = pread(fd, (char *)img->data + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;	/* truncated under us: what is there is what we load */
		got += (size_t)n;
	}
	img->size = got;
	return 0;
}

int xl_image_read(struct xl_image *img, int fd, const char *path, const char *label,
		  struct xl_err *err)
{
	_cleanup_close_ int own = -EBADF;
	struct stat st;
	int r;

	if (fd <= 0) {
		/* O_NONBLOCK: if someone holds a lease on the file, the open
		 * fails at once instead of waiting (up to lease-break-time,
		 * 45 s) for the holder to give it up. pread ignores the flag
		 * on regular files. */
		own = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (own < 0 && errno == EWOULDBLOCK) {
			/* Readable, but not now: not a missing file. */
			err->kind = XL_ERROR_OBJECT;
			return xl_err_set(err, -EWOULDBLOCK, "cannot read %s: another process holds "
					  "a lease on it (EWOULDBLOCK); not waiting for it to be broken",
					  path);
		}
		if (own < 0)
			return xl_err_set(err, -errno, "cannot read %s: %s (%s)", path,
					  strerror(errno), errno_name(errno));
		fd = own;
	}
	if (fstat(fd, &st) < 0)
		return xl_err_set(err, -errno, "cannot stat %s: %s", label, errno_name(errno));
	if (!S_ISREG(st.st_mode))
		return xl_err_set(err, -EINVAL, "%s is not a regular file", label);
	if ((unsigned long long)st.st_size > XL_IMAGE_MAX)
		return xl_err_set(err, -EFBIG, "%s is %lld bytes; objects of up to %u MiB are read",
				  label, (long long)st.st_size, XL_IMAGE_MAX >> 20);
	r = read_all(fd, img, (size_t)st.st_size);
	if (r < 0) {
		xl_image_clear(img);
		return xl_err_set(err, r, "reading %s: %s", label, errno_name(r));
	}
	img->name = object_name(label);
	if (!img->name) {
		xl_image_clear(img);
		return -ENOMEM;
	}
	return 0;
}

struct bpf_object *xl_image_open(const struct xl_image *img, const char *pin_root)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = img->name,
		    .pin_root_path = pin_root);
	struct bpf_object *obj = bpf_object__open_mem(img->data, img->size, &oo);
	long r = libbpf_get_error(obj);

	if (r) {
		errno = (int)-r;
		return NULL;
	}
	return obj;
}
