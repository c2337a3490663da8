/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: what a caller's object fd must be (daemon/object-fd.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "../../daemon/object-fd.c"

static const char mountinfo[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"35 22 0:31 / /sys/fs/bpf rw,nosuid shared:12 - bpf bpf rw,mode=700\n"
	"41 22 0:45 / /home/u/mnt rw,nosuid,nodev,relatime shared:20 master:3 - fuse.sshfs h:/ rw\n"
	"4 22 0:46 / /x rw - fuse /dev/fuse rw";

static void test_mountinfo_fstype(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(xd_mountinfo_fstype(mountinfo, 22, buf, sizeof(buf)), "ext4");
	assert_string_equal(xd_mountinfo_fstype(mountinfo, 35, buf, sizeof(buf)), "bpf");
	/* Optional fields (shared:, master:) before the separator. */
	assert_string_equal(xd_mountinfo_fstype(mountinfo, 41, buf, sizeof(buf)), "fuse.sshfs");
	/* The last line, without its newline; "4" is not the start of "41". */
	assert_string_equal(xd_mountinfo_fstype(mountinfo, 4, buf, sizeof(buf)), "fuse");
	assert_null(xd_mountinfo_fstype(mountinfo, 2, buf, sizeof(buf)));
	assert_null(xd_mountinfo_fstype("", 22, buf, sizeof(buf)));
	/* No separator on the line: nothing, not the next line's type. */
	assert_null(xd_mountinfo_fstype("7 1 0:1 / / rw\n8 1 0:2 / /y rw - ext4 x rw\n", 7, buf,
					sizeof(buf)));
	/* A type longer than the buffer: nothing rather than a cut one. */
	assert_null(xd_mountinfo_fstype(mountinfo, 41, buf, 5));
}

static void test_fd_kinds(void **state)
{
	char path[] = "/tmp/xl-object-fd-XXXXXX", why[160], *info = NULL;
	int fd, rd, wr, opath, p[2];

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	rd = open(path, O_RDONLY | O_CLOEXEC);
	wr = open(path, O_WRONLY | O_CLOEXEC);
	opath = open(path, O_PATH | O_CLOEXEC);
	assert_true(rd >= 0 && wr >= 0 && opath >= 0);
	assert_int_equal(pipe(p), 0);

	assert_int_equal(xd_object_fd_check(rd, &info, why, sizeof(why)), 0);
	assert_int_equal(xd_object_fd_check(fd, &info, why, sizeof(why)), 0);	/* O_RDWR */
	assert_int_equal(xd_object_fd_check(opath, &info, why, sizeof(why)), -EBADF);
	assert_non_null(strstr(why, "O_PATH"));
	assert_int_equal(xd_object_fd_check(wr, &info, why, sizeof(why)), -EBADF);
	assert_non_null(strstr(why, "not open for reading"));
	assert_int_equal(xd_object_fd_check(p[0], &info, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not a regular file"));

	/* The first check read the mount table; the others used that copy. */
	assert_non_null(info);
	free(info);
	unlink(path);
	close(fd);
	close(rd);
	close(wr);
	close(opath);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo_fstype),
		cmocka_unit_test(test_fd_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
