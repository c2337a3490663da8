/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * torture-check: what the kernel, bpffs and the state directory say about
 * interfaces, and whether they agree. Run in the daemon's namespace:
 *
 *   torture-check sets ROOT STATE IFNAME...
 *       one line per interface, "IFNAME SET" where SET is the names of the
 *       programs the kernel runs there, sorted and comma-separated, or "-"
 *       for nothing; exit 1, with the reason on stderr, on any disagreement:
 *       - the device's XDP program is not the pinned link's, or not the
 *         entry of the one revision directory there is;
 *       - more than one revision directory or state file;
 *       - the state file's programs differ from what the kernel runs;
 *       - a program pin that no attachment of the state owns.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl-bpf.h"
#include "xl-path.h"
#include "xl-state.h"

#define MAX_NAMES 64

struct names {
	size_t n;
	char v[MAX_NAMES][BPF_OBJ_NAME_LEN];
};

static int fail(const char *ifname, const char *fmt, const char *detail)
{
	fprintf(stderr, "torture-check: %s: ", ifname);
	fprintf(stderr, fmt, detail);
	fputc('\n', stderr);
	return -1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void names_join(struct names *ns, char *buf, size_t len)
{
	size_t off = 0;

	qsort(ns->v, ns->n, sizeof(ns->v[0]), cmp_name);
	buf[0] = '\0';
	for (size_t i = 0; i < ns->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", ns->v[i]);
	if (ns->n == 0)
		snprintf(buf, len, "-");
}

static int prog_name(__u32 id, char *buf)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id), r;

	if (fd < 0)
		return -errno;
	r = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (r < 0)
		return -errno;
	memcpy(buf, info.name, BPF_OBJ_NAME_LEN);
	return 0;
}

/* The programs the kernel runs for entry program @prog: itself, or the EXT
 * programs attached to it when it is a dispatcher. */
static int kernel_names(__u32 prog, struct names *ns)
{
	char name[BPF_OBJ_NAME_LEN];
	__u32 id = 0;

	if (prog_name(prog, name) < 0)
		return -errno;
	ns->n = 0;
	if (strcmp(name, "xl_dispatcher") != 0) {
		memcpy(ns->v[ns->n++], name, sizeof(name));
		return 0;
	}
	while (bpf_link_get_next_id(id, &id) == 0) {
		struct bpf_link_info li;
		int fd = bpf_link_get_fd_by_id(id), r;

		if (fd < 0)
			continue;	/* gone meanwhile */
		r = xl_link_info(fd, &li);
		close(fd);
		if (r < 0 || li.type != BPF_LINK_TYPE_TRACING || li.tracing.target_obj_id != prog)
			continue;
		if (ns->n == MAX_NAMES || prog_name(li.prog_id, ns->v[ns->n]) < 0)
			return -E2BIG;
		ns->n++;
	}
	return 0;
}

/* How many entries of @dir parse with @parse; the last one's number in @ret. */
static int count_entries(const char *dir, int (*parse)(const char *, __u64 *), __u64 *ret)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (parse(de->d_name, ret) == 0)
			n++;
	closedir(d);
	return n;
}

/* Every prog-<id> and direct-<id> pin belongs to an attachment of @st. */
static int check_pins(const char *ifname, const char *dir, const struct xl_state *st)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return fail(ifname, "cannot open %s", dir);
	while ((de = readdir(d))) {
		bool owned = false;
		__u32 id;

		if (xl_parse_prog_name(de->d_name, &id) < 0 && xl_parse_direct_name(de->d_name, &id) < 0)
			continue;
		for (size_t i = 0; i < st->n; i++)
			owned = owned || st->att[i].id == id;
		if (!owned)
			r = fail(ifname, "orphan pin %s", de->d_name);
	}
	closedir(d);
	return r;
}

static int check_live(const char *ifname, const char *dir, const char *sdir, __u32 prog,
		      struct names *ns)
{
	char path[PATH_MAX], a[1024], b[1024];
	struct xl_state st = {};
	struct bpf_link_info li;
	struct names sn = {};
	__u64 rev = 0, srev = 0;
	__u32 entry;
	int fd, r;

	if (xl_path_link(path, sizeof(path), dir) < 0 || (fd = xl_pinned(path)) < 0)
		return fail(ifname, "XDP program runs but no link is pinned at %s", path);
	r = xl_link_info(fd, &li);
	close(fd);
	if (r < 0 || li.prog_id != prog)
		return fail(ifname, "the pinned link %s does not run the device's program", path);
	if (count_entries(dir, xl_parse_rev_name, &rev) != 1)
		return fail(ifname, "not exactly one revision directory in %s", dir);
	if (count_entries(sdir, xl_parse_state_name, &srev) != 1 || srev != rev)
		return fail(ifname, "not exactly the live revision's state file in %s", sdir);
	if (xl_path_rev_entry(path, sizeof(path), dir, rev) < 0 || (fd = xl_pinned(path)) < 0)
		return fail(ifname, "no entry pin %s", path);
	r = xl_prog_id(fd, &entry);
	close(fd);
	if (r < 0 || entry != prog)
		return fail(ifname, "the link does not run the entry of %s", path);
	if (xl_path_state(path, sizeof(path), sdir, rev) < 0 || xl_state_read(path, &st) < 0)
		return fail(ifname, "unreadable state %s", path);
	for (size_t i = 0; i < st.n && i < MAX_NAMES; i++)
		snprintf(sn.v[sn.n++], BPF_OBJ_NAME_LEN, "%s", st.att[i].name);
	r = kernel_names(prog, ns);
	if (r == 0)
		r = check_pins(ifname, dir, &st);
	xl_state_clear(&st);
	if (r < 0)
		return r;
	names_join(&sn, a, sizeof(a));
	names_join(ns, b, sizeof(b));
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "torture-check: %s: state says %s, kernel runs %s\n", ifname, a, b);
		return -1;
	}
	return 0;
}

static int netns_cookie(__u64 *ret)
{
	socklen_t len = sizeof(*ret);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -errno;
	r = getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, ret, &len);
	close(s);
	return r < 0 ? -errno : 0;
}

static int check_iface(const char *root, const char *state, const char *ifname, __u64 cookie)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char dir[PATH_MAX], sdir[PATH_MAX], set[1024];
	struct names ns = { .n = 0 };
	int ifindex = (int)if_nametoindex(ifname);
	__u64 rev;

	if (!ifindex)
		return fail(ifname, "%s", "no such interface");
	if (bpf_xdp_query(ifindex, 0, &q) < 0)
		return fail(ifname, "XDP query failed: %s", strerror(errno));
	if (xl_path_iface(dir, sizeof(dir), root, cookie, ifindex) < 0 ||
	    xl_path_iface(sdir, sizeof(sdir), state, cookie, ifindex) < 0)
		return fail(ifname, "%s", "path too long");
	if (q.prog_id == 0) {
		/* Nothing runs: nothing committed may be left either. */
		if (count_entries(dir, xl_parse_rev_name, &rev) || count_entries(sdir, xl_parse_state_name, &rev))
			return fail(ifname, "nothing attached, but revisions are left in %s", dir);
	} else if (check_live(ifname, dir, sdir, q.prog_id, &ns) < 0) {
		return -1;
	}
	names_join(&ns, set, sizeof(set));
	printf("%s %s\n", ifname, set);
	return 0;
}

int main(int argc, char **argv)
{
	__u64 cookie;
	int bad = 0;

	if (argc < 5 || strcmp(argv[1], "sets") != 0) {
		fprintf(stderr, "usage: torture-check sets ROOT STATE IFNAME...\n");
		return 2;
	}
	if (netns_cookie(&cookie) < 0) {
		fprintf(stderr, "torture-check: SO_NETNS_COOKIE: %s\n", strerror(errno));
		return 2;
	}
	for (int i = 4; i < argc; i++)
		bad |= check_iface(argv[2], argv[3], argv[i], cookie) < 0;
	return bad;
}
