/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An object file's bytes, read once, from which every instance of its programs is opened. */
#ifndef XL_IMAGE_H
#define XL_IMAGE_H

#include <stddef.h>

#include "xl-util.h"

struct bpf_object;

/* Larger objects are refused: the biggest real XDP objects are a few MiB,
 * and the whole file is held in memory while it is loaded. */
#define XL_IMAGE_MAX (64U << 20)

struct xl_image {
	void *data;
	size_t size;
	char *name;	/* libbpf's object name for the file: the same map names every time */
};

/*
 * Read the object: from fd if fd > 0 (read through that descriptor, never
 * reopened), else from path. label is the file's name, used to name the
 * object the way bpf_object__open_file() would. Only a regular file of at
 * most XL_IMAGE_MAX bytes is read.
 */
int xl_image_read(struct xl_image *img, int fd, const char *path, const char *label,
		  struct xl_err *err);
void xl_image_clear(struct xl_image *img);

/* A new, unloaded bpf_object of the image; NULL with errno set on failure. */
struct bpf_object *xl_image_open(const struct xl_image *img, const char *pin_root);

#endif
