/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-scale: the C side of tests/bench/scale. It drives a running xdplinkd
 * through libxdplink-client (one connection per worker thread, so that the
 * figures are the daemon's and not those of an xdpctl process per call),
 * starts the daemon and times it until it answers, and reads the kernel's
 * own view of programs and links.
 *
 * The interfaces are named by convention: in namespace PREFIX<i>
 * (/run/netns/PREFIX<i>, i < --netns), the managed ends m0 .. m<K-1>
 * (K = --ifaces-per-ns).
 *
 *   xl-scale attach  --socket S --object OBJ --prefix P --netns N --ifaces-per-ns K
 *                    --progs M [--jobs J] [--one-by-one]
 *   xl-scale verify  --socket S --prefix P --netns N --ifaces-per-ns K --progs M
 *   xl-scale list    --socket S --prefix P --netns N --ifaces-per-ns K --repeat R
 *   xl-scale detach  --socket S --prefix P --netns N --ifaces-per-ns K [--jobs J]
 *   xl-scale spawn   --socket S --log FILE -- XDPLINKD [ARG...]
 *   xl-scale links                 every XDP and freplace link: "type id prog_id target"
 *   xl-scale my-links --socket S   those of them the daemon's List names
 *   xl-scale count                 "progs N links M", all of the kernel's
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "xdplink/xdplink-client.h"
#include "xl-util.h"

#define MAX_NETNS 256

static void xl_client_freep_(struct xl_client **c)
{
	*c = xl_client__free(*c);
}

struct scale {
	const char *socket;
	const char *object;
	const char *prefix;
	const char *log;
	unsigned n_netns, per_ns, progs, jobs, repeat;
	bool one_by_one;
	int nsfds[MAX_NETNS];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int fail(int r, const char *what, const struct xl_client *c)
{
	const struct xl_client_error *e = c ? xl_client__last_error(c) : NULL;

	fprintf(stderr, "xl-scale: %s: %s%s%s\n", what, errno_name(r), e ? ": " : "",
		e ? e->message : "");
	return r;
}

static int open_namespaces(struct scale *s)
{
	char path[PATH_MAX];

	for (unsigned i = 0; i < s->n_netns; i++) {
		snprintf(path, sizeof(path), "/run/netns/%s%u", s->prefix, i);
		s->nsfds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (s->nsfds[i] < 0)
			return fprintf(stderr, "xl-scale: cannot open %s: %s\n", path,
				       errno_name(errno)), -errno;
	}
	return 0;
}

static int connect_to(const struct scale *s, struct xl_client **ret)
{
	struct xl_client_opts o = { .sz = sizeof(o), .timeout_usec = 600ULL * 1000000 };
	int r = xl_client__connect(s->socket, &o, ret);

	return r < 0 ? fail(r, s->socket, NULL) : 0;
}

/* Interface k (0 .. n_netns * per_ns): its namespace fd and its name. */
static int iface_of(const struct scale *s, unsigned k, char name[IF_NAMESIZE])
{
	snprintf(name, IF_NAMESIZE, "m%u", k % s->per_ns);
	return s->nsfds[k / s->per_ns];
}

struct worker {
	const struct scale *s;
	unsigned first, step;
	bool detach;
	int r;
};

static int attach_one(const struct scale *s, struct xl_client *c, unsigned k)
{
	struct xl_client_program progs[XL_MAX_PROGS];
	struct xl_client_change_opts o = { .sz = sizeof(o), .mode = XL_MODE_SKB };
	struct xl_client_result res;
	char name[IF_NAMESIZE], pn[XL_MAX_PROGS][32], what[64];
	int r;

	o.netns_fd = iface_of(s, k, name);
	for (unsigned i = 0; i < s->progs; i++) {
		snprintf(pn[i], sizeof(pn[i]), "xl_pass_%u", i);
		progs[i] = (struct xl_client_program){ .sz = sizeof(progs[i]), .object = s->object,
						       .object_fd = -1, .prog_name = pn[i],
						       .priority = (int)i };
	}
	snprintf(what, sizeof(what), "attach to %s%u/%s", s->prefix, k / s->per_ns, name);
	if (!s->one_by_one) {
		r = xl_client__replace(c, name, progs, s->progs, &o, &res);
		return r < 0 ? fail(r, what, c) : 0;
	}
	for (unsigned i = 0; i < s->progs; i++) {
		r = xl_client__attach(c, name, &progs[i], &o, &res);
		if (r < 0)
			return fail(r, what, c);
	}
	return 0;
}

static int detach_one(const struct scale *s, struct xl_client *c, unsigned k)
{
	struct xl_client_change_opts o = { .sz = sizeof(o) };
	struct xl_client_result res;
	char name[IF_NAMESIZE];
	int r;

	o.netns_fd = iface_of(s, k, name);
	r = xl_client__detach(c, name, 0, &o, &res);
	return r < 0 ? fail(r, "detach", c) : 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct scale *s = w->s;
	struct xl_client *c = NULL;
	unsigned n = s->n_netns * s->per_ns;

	w->r = connect_to(s, &c);
	for (unsigned k = w->first; w->r == 0 && k < n; k += w->step)
		w->r = w->detach ? detach_one(s, c, k) : attach_one(s, c, k);
	xl_client__free(c);
	return NULL;
}

static int run_workers(const struct scale *s, bool detach)
{
	struct worker w[16];
	pthread_t t[16];
	unsigned n = s->jobs;
	double t0, t1;
	int r = 0;

	if (n < 1 || n > ELEMENTSOF(w))
		return fprintf(stderr, "xl-scale: --jobs 1..%zu\n", ELEMENTSOF(w)), -EINVAL;
	t0 = now_ms();
	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct worker){ .s = s, .first = i, .step = n, .detach = detach };
		r = -pthread_create(&t[i], NULL, work, &w[i]);
		if (r < 0) {
			fprintf(stderr, "xl-scale: pthread_create: %s\n", errno_name(r));
			n = i;
			break;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		if (w[i].r < 0 && r == 0)
			r = w[i].r;
	}
	t1 = now_ms();
	if (r < 0)
		return r;
	printf("%s %u interfaces in %.0f ms (%.2f ms per interface, %u client threads)\n",
	       detach ? "detached" : "attached", s->n_netns * s->per_ns, t1 - t0,
	       (t1 - t0) / (s->n_netns * s->per_ns), s->jobs);
	printf("%s_ms %.1f\n", detach ? "detach" : "attach", t1 - t0);
	return 0;
}

/* The daemon's whole List, over a connection of its own. */
static int list_all(const struct scale *s, json_t **ret)
{
	_cleanup_(xl_client_freep_) struct xl_client *c = NULL;
	int r = connect_to(s, &c);

	if (r < 0)
		return r;
	r = xl_client__list(c, NULL, ret);
	return r < 0 ? fail(r, "List", c) : 0;
}

/* The whole List: every interface once, each with --progs programs. */
static int verify(const struct scale *s)
{
	json_t *list = NULL, *e;
	size_t i, bad = 0, n_progs = 0;
	int r;

	r = list_all(s, &list);
	if (r < 0)
		return r;
	json_array_foreach(list, i, e) {
		size_t n = json_array_size(json_object_get(e, "attachments"));

		n_progs += n;
		if (n != s->progs)
			bad++;
	}
	printf("list: %zu interfaces, %zu programs, %zu interfaces without exactly %u\n",
	       json_array_size(list), n_progs, bad, s->progs);
	r = json_array_size(list) == (size_t)s->n_netns * s->per_ns && bad == 0 ? 0 : -EUCLEAN;
	json_decref(list);
	if (r < 0)
		fprintf(stderr, "xl-scale: List does not show %u interfaces with %u programs each\n",
			s->n_netns * s->per_ns, s->progs);
	return r;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *ms, unsigned n)
{
	qsort(ms, n, sizeof(*ms), by_value);
	printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%u requests)\n", what,
	       ms[(n - 1) / 2], ms[(size_t)((n - 1) * 0.99)], ms[n - 1], n);
	printf("%s_p50_ms %.3f\n%s_p99_ms %.3f\n", what, ms[(n - 1) / 2], what,
	       ms[(size_t)((n - 1) * 0.99)]);
}

/* Whole List and List of one interface (a different one each time), --repeat times each. */
static int list_latency(const struct scale *s)
{
	_cleanup_(xl_client_freep_) struct xl_client *c = NULL;
	_cleanup_free_ double *ms = calloc(s->repeat, sizeof(*ms));
	unsigned n = s->n_netns * s->per_ns;
	int r;

	if (!ms || s->repeat == 0)
		return -ENOMEM;
	r = connect_to(s, &c);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < s->repeat; i++) {
		json_t *list = NULL;
		double t0 = now_ms();

		r = xl_client__list(c, NULL, &list);
		ms[i] = now_ms() - t0;
		if (r < 0)
			return fail(r, "List", c);
		json_decref(list);
	}
	report("list_all", ms, s->repeat);
	for (unsigned i = 0; i < s->repeat; i++) {
		unsigned k = (i * 7919u) % n;	/* a prime stride: spread over all of them */
		char name[IF_NAMESIZE];
		int fd = iface_of(s, k, name);
		json_t *list = NULL;
		double t0 = now_ms();

		r = xl_client__list_in(c, name, fd, &list);
		ms[i] = now_ms() - t0;
		if (r < 0)
			return fail(r, "List of one interface", c);
		if (json_array_size(list) != 1 ||
		    json_array_size(json_object_get(json_array_get(list, 0), "attachments")) != s->progs) {
			json_decref(list);
			return fprintf(stderr, "xl-scale: List of %s is not one interface with %u "
				       "programs\n", name, s->progs), -EUCLEAN;
		}
		json_decref(list);
	}
	report("list_one", ms, s->repeat);
	return 0;
}

/* Fork and exec the daemon, then call it until it answers; the time from
 * just before exec to the first reply is its start-up. */
static int spawn(const struct scale *s, char **argv)
{
	struct xl_client_opts o = { .sz = sizeof(o), .timeout_usec = 60ULL * 1000000 };
	double t0;
	pid_t pid;

	if (!argv[0])
		return fprintf(stderr, "xl-scale: spawn needs a command\n"), -EINVAL;
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		return fprintf(stderr, "xl-scale: fork: %s\n", errno_name(errno)), -errno;
	if (pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		setsid();	/* not in our process group: the caller kills it by pid */
		execv(argv[0], argv);
		_exit(127);
	}
	for (;;) {
		struct xl_client *c = NULL;
		json_t *info = NULL;
		int r;

		if (waitpid(pid, NULL, WNOHANG) == pid)
			return fprintf(stderr, "xl-scale: the daemon exited early (see %s)\n",
				       s->log), -ECHILD;
		if (xl_client__connect(s->socket, &o, &c) == 0) {
			r = xl_client__get_info(c, &info);
			xl_client__free(c);
			json_decref(info);
			if (r == 0)
				break;
		}
		if (now_ms() - t0 > 120000) {
			kill(pid, SIGKILL);
			return fprintf(stderr, "xl-scale: no answer within 120 s\n"), -ETIMEDOUT;
		}
		usleep(1000);
	}
	printf("pid %d\nready_ms %.1f\n", (int)pid, now_ms() - t0);
	return 0;
}

/* The link ids and entry program ids the daemon's List names. */
struct mine {
	__u32 *links, *entries;
	size_t n;
};

static int mine_load(const struct scale *s, struct mine *ret)
{
	json_t *list = NULL, *e;
	size_t i;
	int r;

	r = list_all(s, &list);
	if (r < 0)
		return r;
	ret->n = json_array_size(list);
	ret->links = calloc(ret->n + 1, sizeof(__u32));
	ret->entries = calloc(ret->n + 1, sizeof(__u32));
	if (!ret->links || !ret->entries) {
		json_decref(list);
		return -ENOMEM;
	}
	json_array_foreach(list, i, e) {
		ret->links[i] = (__u32)json_integer_value(json_object_get(e, "linkId"));
		ret->entries[i] = (__u32)json_integer_value(json_object_get(e, "entryProgramId"));
	}
	json_decref(list);
	return 0;
}

static bool in_set(const __u32 *set, size_t n, __u32 id)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == id)
			return true;
	return false;
}

/*
 * Links the daemon makes: XDP ones on devices, tracing (freplace) ones into
 * dispatchers. All of the kernel's, or with mine only those whose XDP link
 * or target program the daemon's List names (a host others share).
 */
static int links(const struct mine *mine)
{
	__u32 id = 0;
	int r;

	while ((r = bpf_link_get_next_id(id, &id)) == 0) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		_cleanup_close_ int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* gone meanwhile */
			return fprintf(stderr, "xl-scale: link %u: %s\n", id, errno_name(errno)), -errno;
		}
		if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
			return fprintf(stderr, "xl-scale: link %u info: %s\n", id, errno_name(errno)), -errno;
		if (info.type == BPF_LINK_TYPE_XDP &&
		    (!mine || in_set(mine->links, mine->n, info.id)))
			printf("xdp %u prog %u ifindex %u\n", info.id, info.prog_id, info.xdp.ifindex);
		else if (info.type == BPF_LINK_TYPE_TRACING &&
			 (!mine || in_set(mine->entries, mine->n, info.tracing.target_obj_id)))
			printf("ext %u prog %u target_prog %u\n", info.id, info.prog_id,
			       info.tracing.target_obj_id);
	}
	if (errno != ENOENT)
		return fprintf(stderr, "xl-scale: bpf_link_get_next_id: %s\n", errno_name(errno)), -errno;
	return 0;
}

static int count_ids(int (*next)(__u32, __u32 *), unsigned *ret)
{
	__u32 id = 0;
	unsigned n = 0;

	while (next(id, &id) == 0)
		n++;
	if (errno != ENOENT)
		return -errno;
	*ret = n;
	return 0;
}

static int count(void)
{
	unsigned progs, lnks;
	int r;

	r = count_ids(bpf_prog_get_next_id, &progs);
	if (r == 0)
		r = count_ids(bpf_link_get_next_id, &lnks);
	if (r < 0)
		return fprintf(stderr, "xl-scale: walking ids: %s\n", errno_name(r)), r;
	printf("progs %u links %u\n", progs, lnks);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: xl-scale attach|verify|list|detach|spawn|links|my-links|count [OPTION...] "
		"(see the top of tests/tools/xl-scale.c)\n");
}

static int parse(int argc, char **argv, struct scale *s)
{
	enum { O_SOCKET = 256, O_OBJECT, O_PREFIX, O_NETNS, O_PER_NS, O_PROGS, O_JOBS,
	       O_REPEAT, O_ONE, O_LOG };
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "object", required_argument, NULL, O_OBJECT },
		{ "prefix", required_argument, NULL, O_PREFIX },
		{ "netns", required_argument, NULL, O_NETNS },
		{ "ifaces-per-ns", required_argument, NULL, O_PER_NS },
		{ "progs", required_argument, NULL, O_PROGS },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "repeat", required_argument, NULL, O_REPEAT },
		{ "one-by-one", no_argument, NULL, O_ONE },
		{ "log", required_argument, NULL, O_LOG },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) >= 0) {
		switch (c) {
		case O_SOCKET: s->socket = optarg; break;
		case O_OBJECT: s->object = optarg; break;
		case O_PREFIX: s->prefix = optarg; break;
		case O_NETNS: s->n_netns = (unsigned)atoi(optarg); break;
		case O_PER_NS: s->per_ns = (unsigned)atoi(optarg); break;
		case O_PROGS: s->progs = (unsigned)atoi(optarg); break;
		case O_JOBS: s->jobs = (unsigned)atoi(optarg); break;
		case O_REPEAT: s->repeat = (unsigned)atoi(optarg); break;
		case O_ONE: s->one_by_one = true; break;
		case O_LOG: s->log = optarg; break;
		default: return -EINVAL;
		}
	}
	if (s->n_netns > MAX_NETNS || s->progs > XL_MAX_PROGS)
		return fprintf(stderr, "xl-scale: at most %d namespaces and %d programs\n",
			       MAX_NETNS, XL_MAX_PROGS), -EINVAL;
	return optind;
}

int main(int argc, char **argv)
{
	struct scale s = { .socket = XL_CLIENT_SOCKET, .prefix = "xls", .log = "/dev/null",
			   .n_netns = 1, .per_ns = 1, .progs = 3, .jobs = 1, .repeat = 100 };
	const char *cmd;
	int r, ind;

	if (argc < 2) {
		usage();
		return 2;
	}
	cmd = argv[1];
	ind = parse(argc - 1, argv + 1, &s);
	if (ind < 0) {
		usage();
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(cmd, "links") == 0)
		return links(NULL) < 0;
	if (strcmp(cmd, "my-links") == 0) {
		struct mine mine = {};

		r = mine_load(&s, &mine);
		if (r == 0)
			r = links(&mine);
		free(mine.links);
		free(mine.entries);
		return r < 0;
	}
	if (strcmp(cmd, "count") == 0)
		return count() < 0;
	if (strcmp(cmd, "spawn") == 0)
		return spawn(&s, argv + 1 + ind) < 0;
	r = open_namespaces(&s);
	if (r < 0)
		return 1;
	if (strcmp(cmd, "attach") == 0) {
		if (!s.object)
			return fprintf(stderr, "xl-scale: attach needs --object\n"), 2;
		r = run_workers(&s, false);
	} else if (strcmp(cmd, "detach") == 0) {
		r = run_workers(&s, true);
	} else if (strcmp(cmd, "verify") == 0) {
		r = verify(&s);
	} else if (strcmp(cmd, "list") == 0) {
		r = list_latency(&s);
	} else {
		usage();
		return 2;
	}
	return r < 0;
}
