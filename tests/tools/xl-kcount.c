/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-kcount: the kernel's BPF programs and links, walked by id, for tests
 * that must leave the kernel as they found it.
 *
 *   xl-kcount now
 *       the boot-time clock in ns: the clock of a program's load_time.
 *   xl-kcount [SINCE]
 *       "progs N links M"; with SINCE (from "now"), only the programs
 *       loaded at or after it, and the links that run one of them.
 *
 * A test is judged on what it made: a program that an earlier test left
 * to deferred cleanup (a deleted namespace lets go of its veth's program
 * only once the namespace's cleanup work has run) may vanish meanwhile,
 * and must not read as a change.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

/* The info of the program or link ID, opened with FD_BY_ID: 1 if read, 0
 * if it is gone by now (ENOENT), -1 if it cannot be read, which the
 * callers count as made, so that it cannot pass for nothing. */
static int read_info(const char *what, int (*fd_by_id)(__u32), __u32 id, void *info, __u32 len)
{
	int fd, r;

	fd = fd_by_id(id);
	if (fd < 0) {
		r = -errno;
	} else {
		r = bpf_obj_get_info_by_fd(fd, info, &len) < 0 ? -errno : 0;
		close(fd);
	}
	if (r == 0)
		return 1;
	if (r == -ENOENT)
		return 0;
	fprintf(stderr, "xl-kcount: %s %u: %s\n", what, id, strerror(-r));
	return -1;
}

/* Whether program ID was loaded at or after SINCE. */
static bool prog_born_since(__u32 id, __u64 since)
{
	struct bpf_prog_info info = {};
	int r;

	if (since == 0)
		return true;
	r = read_info("program", bpf_prog_get_fd_by_id, id, &info, sizeof(info));
	return r < 0 || (r > 0 && info.load_time >= since);
}

/* Whether link ID runs a program loaded at or after SINCE. */
static bool link_born_since(__u32 id, __u64 since)
{
	struct bpf_link_info info = {};
	int r;

	if (since == 0)
		return true;
	r = read_info("link", bpf_link_get_fd_by_id, id, &info, sizeof(info));
	return r < 0 || (r > 0 && prog_born_since(info.prog_id, since));
}

static int count(__u64 since)
{
	unsigned progs = 0, links = 0;
	__u32 id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0)
		progs += prog_born_since(id, since);
	if (errno != ENOENT)
		return fprintf(stderr, "xl-kcount: walking programs: %s\n", strerror(errno)), 2;
	id = 0;
	while (bpf_link_get_next_id(id, &id) == 0)
		links += link_born_since(id, since);
	if (errno != ENOENT)
		return fprintf(stderr, "xl-kcount: walking links: %s\n", strerror(errno)), 2;
	printf("progs %u links %u\n", progs, links);
	return 0;
}

static int now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0) {
		fprintf(stderr, "xl-kcount: CLOCK_BOOTTIME: %s\n", strerror(errno));
		return 2;
	}
	printf("%llu\n", (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: xl-kcount [SINCE] | now\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long since;
	char *end = NULL;

	if (argc == 1)
		return count(0);
	if (argc != 2)
		return usage();
	if (strcmp(argv[1], "now") == 0)
		return now();
	errno = 0;
	since = strtoull(argv[1], &end, 10);
	if (errno || end == argv[1] || *end) {
		fprintf(stderr, "xl-kcount: bad SINCE '%s'\n", argv[1]);
		return usage();
	}
	return count(since);
}
