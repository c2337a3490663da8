/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-peek: what tests/integration/corpus.bats reads from the kernel, in one
 * process per reading (bpftool takes seconds to start under qemu TCG).
 *
 *   xl-peek prog ID
 *       "name NAME", "maps ID,ID,..." (sorted), "insns N" (translated).
 *   xl-peek maps PROG_ID [NETNS_PATH [DEV]]
 *       for each map of the program: "map ID TYPE NAME frozen F"; for array
 *       maps "value NAME ROW N" (rows 0-3: the first 8 bytes, summed over
 *       CPUs for per-CPU arrays); for ring buffers "ringbuf NAME N" (the
 *       records drained now). With NETNS_PATH, entered after the maps are
 *       read: "noports N" (UDP datagrams to no socket), and with DEV
 *       "rx DEV N" (its received packets).
 *   xl-peek pin PATH [ROW]
 *       "map ID" of a pinned map; with ROW, "value ROW N" as above.
 *   xl-peek alive ID...
 *       the ids of the maps that still exist.
 *   xl-peek struct-size NAME
 *       the size of struct NAME in the kernel's BTF.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define MAX_MAPS 64
#define ROWS 4

static int fail(const char *what, int err)
{
	fprintf(stderr, "xl-peek: %s: %s\n", what, strerror(err));
	return 1;
}

/* A decimal u32 of at least MIN. */
static int parse_u32(const char *s, __u32 min, __u32 *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v < min || v > UINT32_MAX)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_id(const char *s, __u32 *ret)
{
	return parse_u32(s, 1, ret);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* The program's info and its map ids, sorted. */
static int prog_info(__u32 id, struct bpf_prog_info *info, __u32 *maps, __u32 *n_maps)
{
	__u32 len = sizeof(*info);
	int fd, r = 0;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	info->nr_map_ids = MAX_MAPS;
	info->map_ids = (__u64)(unsigned long)maps;
	if (bpf_obj_get_info_by_fd(fd, info, &len) < 0)
		r = -errno;
	close(fd);
	if (r == 0 && info->nr_map_ids > MAX_MAPS)
		r = -E2BIG;
	if (r == 0) {
		*n_maps = info->nr_map_ids;
		qsort(maps, *n_maps, sizeof(*maps), cmp_u32);
	}
	return r;
}

static int cmd_prog(const char *arg)
{
	__u32 id, maps[MAX_MAPS], n, i;
	struct bpf_prog_info info;
	int r;

	if (parse_id(arg, &id) < 0)
		return fail(arg, EINVAL);
	r = prog_info(id, &info, maps, &n);
	if (r < 0)
		return fail("program info", -r);
	printf("name %s\nmaps ", info.name);
	for (i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", maps[i]);
	printf("\ninsns %u\n", info.xlated_prog_len / 8);
	return 0;
}

/* Whether the map is frozen, which only fdinfo says. */
static int frozen(int fd)
{
	char path[64], line[128];
	int f = 0;
	FILE *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	p = fopen(path, "re");
	while (p && fgets(line, sizeof(line), p))
		if (sscanf(line, "frozen: %d", &f) == 1)
			break;
	if (p)
		fclose(p);
	return f;
}

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	++*(unsigned long *)ctx;
	return 0;
}

static int print_ringbuf(int fd, const char *name)
{
	unsigned long records = 0;
	struct ring_buffer *rb;
	int r;

	rb = ring_buffer__new(fd, count_record, &records, NULL);
	if (!rb)
		return fail("ring buffer", errno);
	r = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	if (r < 0)
		return fail("ring buffer consume", -r);
	printf("ringbuf %s %lu\n", name, records);
	return 0;
}

/* Rows 0-3 of an array: the first 8 bytes, summed over CPUs if per-CPU. */
static int print_rows(int fd, const struct bpf_map_info *m)
{
	int cpus = m->type == BPF_MAP_TYPE_PERCPU_ARRAY ? libbpf_num_possible_cpus() : 1;
	size_t stride = m->type == BPF_MAP_TYPE_PERCPU_ARRAY ? (m->value_size + 7) / 8 * 8 : m->value_size;
	unsigned char *buf;
	__u32 row;

	if (cpus < 1)
		return fail("possible CPUs", -cpus);
	buf = calloc(cpus, stride);
	if (!buf)
		return fail("value buffer", ENOMEM);
	for (row = 0; row < ROWS && row < m->max_entries; row++) {
		unsigned long long sum = 0;
		int c;

		if (bpf_map_lookup_elem(fd, &row, buf) < 0) {
			free(buf);
			return fail(m->name, errno);
		}
		for (c = 0; c < cpus; c++) {
			unsigned long long v = 0;

			memcpy(&v, buf + c * stride, m->value_size < 8 ? m->value_size : 8);
			sum += v;
		}
		printf("value %s %u %llu\n", m->name, row, sum);
	}
	free(buf);
	return 0;
}

static int print_map(__u32 id)
{
	struct bpf_map_info m = {};
	__u32 len = sizeof(m);
	int fd, r = 0;

	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &m, &len) < 0) {
		r = fail("map info", errno);
		goto out;
	}
	printf("map %u %u %s frozen %d\n", id, m.type, m.name, frozen(fd));
	if (m.type == BPF_MAP_TYPE_RINGBUF)
		r = print_ringbuf(fd, m.name);
	else if ((m.type == BPF_MAP_TYPE_ARRAY || m.type == BPF_MAP_TYPE_PERCPU_ARRAY) &&
		 m.key_size == 4)
		r = print_rows(fd, &m);
out:
	if (fd >= 0)
		close(fd);
	return r;
}

/* Column NAME of the second "Udp:" line of /proc/net/snmp. */
static int print_noports(void)
{
	char head[512], vals[512], *h, *v, *hs, *vs;
	int found = 0;
	FILE *p;

	p = fopen("/proc/self/net/snmp", "re");
	if (!p)
		return fail("/proc/self/net/snmp", errno);
	while (fgets(head, sizeof(head), p))
		if (strncmp(head, "Udp:", 4) == 0 && fgets(vals, sizeof(vals), p)) {
			found = 1;
			break;
		}
	fclose(p);
	if (!found)
		return fail("no Udp: lines in /proc/net/snmp", ENOENT);
	for (h = strtok_r(head, " \n", &hs), v = strtok_r(vals, " \n", &vs); h && v;
	     h = strtok_r(NULL, " \n", &hs), v = strtok_r(NULL, " \n", &vs))
		if (strcmp(h, "NoPorts") == 0) {
			printf("noports %s\n", v);
			return 0;
		}
	return fail("no NoPorts in /proc/net/snmp", ENOENT);
}

/* Received packets of DEV from /proc/net/dev (per namespace, unlike /sys). */
static int print_rx(const char *dev)
{
	char line[512], name[64];
	unsigned long long bytes, packets;
	FILE *p;

	p = fopen("/proc/self/net/dev", "re");
	if (!p)
		return fail("/proc/self/net/dev", errno);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, " %63[^:]: %llu %llu", name, &bytes, &packets) == 3 &&
		    strcmp(name, dev) == 0) {
			fclose(p);
			printf("rx %s %llu\n", dev, packets);
			return 0;
		}
	fclose(p);
	return fail(dev, ENODEV);
}

static int cmd_maps(int argc, char **argv)
{
	__u32 id, maps[MAX_MAPS], n, i;
	struct bpf_prog_info info;
	int r, ns;

	if (argc < 1 || parse_id(argv[0], &id) < 0)
		return fail("maps: a program id", EINVAL);
	r = prog_info(id, &info, maps, &n);
	if (r < 0)
		return fail("program info", -r);
	for (i = 0; i < n; i++)
		if (print_map(maps[i]))
			return 1;
	if (argc < 2)
		return 0;
	ns = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
		return fail(argv[1], errno);
	close(ns);
	if (print_noports())
		return 1;
	return argc > 2 ? print_rx(argv[2]) : 0;
}

static int cmd_pin(const char *path, const char *row_arg)
{
	struct bpf_map_info m = {};
	__u32 len = sizeof(m), row;
	unsigned char *buf = NULL;
	unsigned long long v = 0;
	int fd, cpus, c, r = 0;
	size_t stride;

	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &m, &len) < 0) {
		r = fail(path, errno);
		goto out;
	}
	printf("map %u\n", m.id);
	if (!row_arg)
		goto out;
	if (parse_u32(row_arg, 0, &row) < 0) {
		r = fail(row_arg, EINVAL);
		goto out;
	}
	cpus = m.type == BPF_MAP_TYPE_PERCPU_ARRAY ? libbpf_num_possible_cpus() : 1;
	stride = m.type == BPF_MAP_TYPE_PERCPU_ARRAY ? (m.value_size + 7) / 8 * 8 : m.value_size;
	buf = cpus > 0 ? calloc(cpus, stride) : NULL;
	if (!buf || bpf_map_lookup_elem(fd, &row, buf) < 0) {
		r = fail(path, buf ? errno : ENOMEM);
		goto out;
	}
	for (c = 0; c < cpus; c++) {
		unsigned long long x = 0;

		memcpy(&x, buf + c * stride, m.value_size < 8 ? m.value_size : 8);
		v += x;
	}
	printf("value %u %llu\n", row, v);
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return r;
}

static int cmd_alive(int argc, char **argv)
{
	__u32 id;
	int i, fd;

	for (i = 0; i < argc; i++) {
		if (parse_id(argv[i], &id) < 0)
			return fail(argv[i], EINVAL);
		fd = bpf_map_get_fd_by_id(id);
		if (fd >= 0) {
			printf("%u\n", id);
			close(fd);
		} else if (errno != ENOENT) {
			return fail(argv[i], errno);
		}
	}
	return 0;
}

static int cmd_struct_size(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	int id;

	if (!btf)
		return fail("kernel BTF", errno);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	if (id < 0) {
		btf__free(btf);
		return fail(name, -id);
	}
	t = btf__type_by_id(btf, id);
	printf("%u\n", t->size);
	btf__free(btf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "prog") == 0)
		return cmd_prog(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "maps") == 0)
		return cmd_maps(argc - 2, argv + 2);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "pin") == 0)
		return cmd_pin(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc >= 2 && strcmp(argv[1], "alive") == 0)
		return cmd_alive(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "struct-size") == 0)
		return cmd_struct_size(argv[2]);
	fprintf(stderr, "usage: xl-peek prog ID | maps PROG_ID [NETNS [DEV]] | pin PATH [ROW] | "
			"alive ID... | struct-size NAME\n");
	return 2;
}
