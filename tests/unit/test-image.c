/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: an object read once (lib/xl-image.c), and opened from those bytes as from its file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "xl-image.h"

/* xdp-tools' AF_XDP program: a .data section, so libbpf makes a global-data map. */
#define GLOBAL_DATA_OBJ "/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o"

static char tmpdir[] = "/tmp/xl-image-XXXXXX";

static int make_file(const char *name, const void *data, size_t n, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	return fd;
}

static void test_name_is_libbpf_s(void **state)
{
	struct xl_image img = {};
	struct xl_err err = {};
	char path[256];
	int fd;

	(void)state;
	fd = make_file("my_prog.bpf.o", "abc", 3, path, sizeof(path));
	assert_int_equal(xl_image_read(&img, -1, path, path, &err), 0);
	assert_string_equal(img.name, "my_prog");
	assert_int_equal(img.size, 3);
	assert_memory_equal(img.data, "abc", 3);
	xl_image_clear(&img);
	close(fd);
}

/* The bytes come through the descriptor: the path may be gone or changed. */
static void test_reads_through_fd(void **state)
{
	struct xl_image img = {};
	struct xl_err err = {};
	char path[256];
	int fd;

	(void)state;
	fd = make_file("passed.o", "first", 5, path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	close(make_file("passed.o", "other bytes", 11, path, sizeof(path)));
	assert_int_equal(xl_image_read(&img, fd, "/proc/self/fd/N", "/srv/passed.o", &err), 0);
	assert_int_equal(img.size, 5);
	assert_memory_equal(img.data, "first", 5);
	assert_string_equal(img.name, "passed");
	xl_image_clear(&img);
	close(fd);
}

static void test_refuses(void **state)
{
	struct xl_image img = {};
	struct xl_err err = {};
	char path[256];
	int fd;

	(void)state;
	/* A sparse giant is refused by its size, before a byte is read. */
	fd = make_file("huge.o", "x", 1, path, sizeof(path));
	assert_int_equal(ftruncate(fd, (off_t)XL_IMAGE_MAX + 1), 0);
	assert_int_equal(xl_image_read(&img, fd, path, path, &err), -EFBIG);
	assert_non_null(strstr(err.msg, "64 MiB"));
	assert_null(img.data);
	close(fd);
	assert_int_equal(xl_image_read(&img, -1, tmpdir, tmpdir, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a regular file"));
	snprintf(path, sizeof(path), "%s/missing.o", tmpdir);
	assert_int_equal(xl_image_read(&img, -1, path, path, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "ENOENT"));
	/* An O_PATH descriptor gives no right to read the file. */
	close(make_file("opath.o", "secret", 6, path, sizeof(path)));
	fd = open(path, O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(xl_image_read(&img, fd, "fd", "fd", &err), -EBADF);
	assert_null(img.data);
	close(fd);
}

/* Two opens of one image name every map as bpf_object__open_file() does. */
static void test_map_names_match_open_file(void **state)
{
	struct xl_image img = {};
	struct xl_err err = {};
	struct bpf_object *a, *b, *f;
	struct bpf_map *ma, *mb, *mf;
	int n = 0;

	(void)state;
	if (access(GLOBAL_DATA_OBJ, R_OK) < 0)
		skip();
	assert_int_equal(xl_image_read(&img, -1, GLOBAL_DATA_OBJ, GLOBAL_DATA_OBJ, &err), 0);
	a = xl_image_open(&img, NULL);
	b = xl_image_open(&img, NULL);
	f = bpf_object__open_file(GLOBAL_DATA_OBJ, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_false(libbpf_get_error(f));
	mb = bpf_object__next_map(b, NULL);
	mf = bpf_object__next_map(f, NULL);
	bpf_object__for_each_map(ma, a) {
		assert_non_null(mb);
		assert_non_null(mf);
		assert_string_equal(bpf_map__name(ma), bpf_map__name(mb));
		assert_string_equal(bpf_map__name(ma), bpf_map__name(mf));
		mb = bpf_object__next_map(b, mb);
		mf = bpf_object__next_map(f, mf);
		n++;
	}
	assert_null(mb);
	assert_true(n >= 2);	/* its xsks_map and its .data */
	bpf_object__close(a);
	bpf_object__close(b);
	bpf_object__close(f);
	xl_image_clear(&img);
}

static int setup(void **state)
{
	(void)state;
	libbpf_set_print(NULL);
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_is_libbpf_s),
		cmocka_unit_test(test_reads_through_fd),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_map_names_match_open_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
