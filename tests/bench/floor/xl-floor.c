/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-floor: the raw-syscall floor of replacing a whole set, as a process of
 * its own, for tests/bench/e2e. One run makes one revision and exits:
 *
 *   xl-floor DIR IFNAME OBJECT FIRST N
 *
 * loads a new dispatcher (the engine's skeleton in the size the engine
 * would pick, N slots chaining on XDP_PASS), loads xl_pass_FIRST .. xl_pass_FIRST+N-1 from OBJECT, each as
 * the extension of its slot, creates the N freplace links and pins them
 * (without a pin a link dies with this process), then makes one
 * BPF_LINK_UPDATE of the XDP link pinned at DIR/link and unpins the previous
 * revision's links. The first run creates that link (skb mode) instead.
 * Nothing else: no state file, no fsync, no protocol, no twin. Statically
 * linked where the archives exist, so that its process start is the least
 * any tool pays (tests/bench/floor.mk).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xl_dispatcher.h"
#include "xl_dispatcher4.skel.h"
#include "xl_dispatcher10.skel.h"
#include "xl_dispatcher16.skel.h"
#include "xl_dispatcher32.skel.h"
#include "xl_dispatcher.skel.h"

static int fail(int r, const char *what)
{
	fprintf(stderr, "xl-floor: %s: %s\n", what, strerror(r < 0 ? -r : r));
	return r < 0 ? r : -r;
}

/* The engine's dispatcher in the smallest size that holds n programs
 * (lib/xl-dispatcher.c), as an object, a program and the counters map. */
struct disp {
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *counters;
};

#define OPEN_SIZE(name)                                                        \
	static int open_##name(const struct xl_dispatcher_config *cfg, struct disp *d) \
	{                                                                       \
		struct name##_bpf *s = name##_bpf__open();                      \
									        \
		if (!s)                                                         \
			return -errno;                                          \
		memcpy((void *)&s->rodata->xl_cfg, cfg, sizeof(*cfg));          \
		*d = (struct disp){ s->obj, s->progs.xl_dispatcher, s->maps.xl_counters }; \
		return 0;                                                       \
	}
OPEN_SIZE(xl_dispatcher4)
OPEN_SIZE(xl_dispatcher10)
OPEN_SIZE(xl_dispatcher16)
OPEN_SIZE(xl_dispatcher32)
OPEN_SIZE(xl_dispatcher)

static int load_dispatcher(int n, int counters_fd, struct disp *d)
{
	struct xl_dispatcher_config cfg = { .n_slots = (__u8)n };
	int r;

	for (int i = 0; i < n; i++) {
		cfg.chain_actions[i] = (1U << XDP_PASS) | (1U << XL_SENTINEL);
		cfg.counter_row[i] = (__u8)i;
	}
	r = n <= 4 ? open_xl_dispatcher4(&cfg, d) : n <= 10 ? open_xl_dispatcher10(&cfg, d) :
	    n <= 16 ? open_xl_dispatcher16(&cfg, d) : n <= 32 ? open_xl_dispatcher32(&cfg, d) :
	    open_xl_dispatcher(&cfg, d);
	if (r < 0)
		return fail(r, "opening the dispatcher skeleton");
	/* The skeleton's mmap of rodata is not needed: a plain object load. */
	r = counters_fd >= 0 ? bpf_map__reuse_fd(d->counters, counters_fd) : 0;
	if (r == 0)
		r = bpf_object__load(d->obj);
	return r < 0 ? fail(r, "loading the dispatcher") : 0;
}

/* xl_pass_<prog> of the object, loaded as the extension of slot <slot>; its fd. */
static int load_ext(const char *object, const char *pins, int prog, int disp_fd, int slot,
		    struct bpf_object **ret)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pins);
	struct bpf_object *obj = bpf_object__open_file(object, &oo);
	struct bpf_program *p, *found = NULL;
	char name[32], fn[32];
	int r;

	if (!obj)
		return fail(-errno, object);
	*ret = obj;
	snprintf(name, sizeof(name), "xl_pass_%d", prog);
	snprintf(fn, sizeof(fn), "xl_slot%d", slot);
	bpf_object__for_each_program(p, obj) {
		bool me = !strcmp(bpf_program__name(p), name);

		bpf_program__set_autoload(p, me);
		if (me)
			found = p;
	}
	if (!found)
		return fail(-ENOENT, name);
	bpf_program__set_type(found, BPF_PROG_TYPE_EXT);
	bpf_program__set_expected_attach_type(found, 0);
	r = bpf_program__set_attach_target(found, disp_fd, fn);
	if (r == 0)
		r = bpf_object__load(obj);
	return r < 0 ? fail(r, name) : bpf_program__fd(found);
}

static int link_slot(const struct disp *d, int prog_fd, int slot, const char *path)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	char fn[32];
	int id, fd;

	snprintf(fn, sizeof(fn), "xl_slot%d", slot);
	id = btf__find_by_name_kind(bpf_object__btf(d->obj), fn, BTF_KIND_FUNC);
	if (id < 0)
		return fail(id, fn);
	lo.target_btf_id = (__u32)id;
	fd = bpf_link_create(prog_fd, bpf_program__fd(d->prog), 0, &lo);
	if (fd < 0)
		return fail(-errno, "freplace link");
	if (bpf_obj_pin(fd, path) < 0)
		return fail(-errno, path);
	return 0;
}

/* Unpin one revision directory's links and remove it. */
static void drop_rev(const char *dir, const char *name)
{
	char path[PATH_MAX], file[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	d = opendir(path);
	if (!d) {
		fail(-errno, path);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (unlink(file) < 0)
			fail(-errno, file);
	}
	closedir(d);
	if (rmdir(path) < 0)
		fail(-errno, path);
}

/* Every revision directory but keep. */
static int drop_old(const char *dir, const char *keep)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return fail(-errno, dir);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "rev-", 4) && strcmp(de->d_name, keep))
			drop_rev(dir, de->d_name);
	closedir(d);
	return 0;
}

/* The counters map every revision shares, pinned by the first run. */
static int counters(const char *dir, const struct disp *d, int *fd, bool pin)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/counters", dir);
	if (pin)
		return bpf_obj_pin(bpf_map__fd(d->counters), path) < 0 ?
			fail(-errno, path) : 0;
	*fd = bpf_obj_get(path);
	return *fd < 0 && errno != ENOENT ? fail(-errno, path) : 0;
}

static int commit(const char *dir, const char *ifname, int disp_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, xo, .flags = XDP_FLAGS_SKB_MODE);
	LIBBPF_OPTS(bpf_link_update_opts, uo, .flags = BPF_F_REPLACE);
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int link, old;

	snprintf(path, sizeof(path), "%s/link", dir);
	link = bpf_obj_get(path);
	if (link < 0 && errno == ENOENT) {
		link = bpf_link_create(disp_fd, (int)if_nametoindex(ifname), BPF_XDP, &xo);
		if (link < 0)
			return fail(-errno, "creating the XDP link");
		return bpf_obj_pin(link, path) < 0 ? fail(-errno, path) : 0;
	}
	if (link < 0)
		return fail(-errno, path);
	if (bpf_obj_get_info_by_fd(link, &info, &len) < 0)
		return fail(-errno, "link info");
	old = bpf_prog_get_fd_by_id(info.prog_id);
	if (old < 0)
		return fail(-errno, "the running dispatcher");
	uo.old_prog_fd = (__u32)old;
	return bpf_link_update(link, disp_fd, &uo) < 0 ? fail(-errno, "BPF_LINK_UPDATE") : 0;
}

int main(int argc, char **argv)
{
	struct disp d = {};
	char rev[32], rdir[PATH_MAX], path[PATH_MAX + 40], pins[PATH_MAX];
	int first, n, counters_fd = -1, r;

	if (argc != 6 || (first = atoi(argv[4])) < 0 || (n = atoi(argv[5])) < 1 ||
	    n > XL_MAX_SLOTS) {
		fprintf(stderr, "usage: xl-floor DIR IFNAME OBJECT FIRST N\n");
		return 2;
	}
	snprintf(pins, sizeof(pins), "%s/maps", argv[1]);
	if ((mkdir(argv[1], 0700) < 0 && errno != EEXIST) || (mkdir(pins, 0700) < 0 && errno != EEXIST))
		return -fail(-errno, argv[1]);
	r = counters(argv[1], NULL, &counters_fd, false);
	if (r == 0)
		r = load_dispatcher(n, counters_fd, &d);
	if (r == 0 && counters_fd < 0)
		r = counters(argv[1], &d, NULL, true);
	snprintf(rev, sizeof(rev), "rev-%d", (int)getpid());
	snprintf(rdir, sizeof(rdir), "%s/%s", argv[1], rev);
	if (r == 0 && mkdir(rdir, 0700) < 0)
		r = fail(-errno, rdir);
	for (int i = 0; r == 0 && i < n; i++) {
		struct bpf_object *obj = NULL;
		int fd = load_ext(argv[3], pins, first + i, bpf_program__fd(d.prog),
				  i, &obj);

		snprintf(path, sizeof(path), "%s/slot-%d", rdir, i);
		r = fd < 0 ? fd : link_slot(&d, fd, i, path);
	}
	if (r == 0)
		r = commit(argv[1], argv[2], bpf_program__fd(d.prog));
	/* On failure the new revision's pins go too; the old one stays live. */
	if (r == 0)
		r = drop_old(argv[1], rev);
	else if (access(rdir, F_OK) == 0)
		drop_rev(argv[1], rev);
	return r < 0 ? 1 : 0;
}
