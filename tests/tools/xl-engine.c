/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-engine: drive libxdplink directly, for tests, benchmarks and the demo (no daemon). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "xdplink/xdplink.h"

static const char *usage_text =
	"Usage: xl-engine [--root DIR] [--state DIR] [--verbose] COMMAND ...\n"
	"\n"
	"Commands:\n"
	"  apply IFACE [--add SPEC]... [--remove ID]... [--remove-all]\n"
	"              [--move ID[,prio=N][,before=A][,after=A]]... [--drop N]...\n"
	"              [--expect-revision N] [--mode native|skb] [--counters] [--dry-run]\n"
	"      Make all changes one revision and one commit. SPEC is\n"
	"      OBJECT[:PROG][,prio=N][,actions=pass+drop|none][,label=TEXT][,pin=DIR]\n"
	"            [,before=A][,after=A]\n"
	"      An anchor A is an attachment id or @LABEL (docs/ordering.md). --drop N\n"
	"      takes the Nth --add (from 0) back. --dry-run prints the planned set.\n"
	"  status IFACE [--json]   Revision, link and attachments in run order\n"
	"  counters IFACE ID       Verdict counts of one attachment\n"
	"  recover                 Recover every interface under the root\n"
	"  adopt IFACE [--detach]  Rebuild IFACE's revision from what the kernel runs\n"
	"                          (or detach it and remove its pins)\n"
	"  probe                   Whether this kernel allows freplace\n"
	"\n"
	"Exit status: 0 success, 1 failure (the reason on stderr), 2 usage.\n";

static struct xl_engine_opts eopts = { .sz = sizeof(eopts) };
static int verbose;

static int fail(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("xl-engine: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return r < 0 ? 1 : r;
}

/* libbpf's own messages only with --verbose: the engine's error text and
 * the verifier log already say what went wrong. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* "7": attachment 7; "@fw": label fw. */
static int parse_anchor(const char *arg, struct xl_anchor *ret)
{
	char *end;

	if (arg[0] == '@') {
		*ret = (struct xl_anchor){ .label = arg + 1 };
		return 0;
	}
	*ret = (struct xl_anchor){ .id = (__u32)strtoul(arg, &end, 10) };
	return *end || end == arg || !ret->id ? -EINVAL : 0;
}

/* The options a spec and a move share; -ENOENT: not one of them. */
static int parse_place(char *opt, int *prio, bool *prio_set, struct xl_anchor *before,
		       struct xl_anchor *after)
{
	char *end;

	if (!strncmp(opt, "prio=", 5)) {
		*prio = (int)strtol(opt + 5, &end, 10);
		*prio_set = true;
		return *end || end == opt + 5 ? -EINVAL : 0;
	}
	if (!strncmp(opt, "before=", 7))
		return parse_anchor(opt + 7, before);
	if (!strncmp(opt, "after=", 6))
		return parse_anchor(opt + 6, after);
	return -ENOENT;
}

/* ID[,prio=N][,before=A][,after=A] */
static int parse_move(char *arg, __u32 *ret_id, struct xl_move_opts *m)
{
	char *opt = strchr(arg, ','), *end;

	*m = (struct xl_move_opts){ .sz = sizeof(*m), .priority = XL_PRIORITY_KEEP };
	if (opt)
		*opt++ = '\0';
	*ret_id = (__u32)strtoul(arg, &end, 10);
	if (*end || end == arg)
		return -EINVAL;
	while (opt && *opt) {
		char *next = strchr(opt, ',');

		if (next)
			*next++ = '\0';
		if (parse_place(opt, &m->priority, &m->priority_set, &m->before, &m->after) < 0)
			return -EINVAL;
		opt = next;
	}
	return 0;
}

static int parse_spec(char *arg, struct xl_prog_spec *s)
{
	char *opt = strchr(arg, ','), *colon;

	*s = (struct xl_prog_spec){ .sz = sizeof(*s), .priority = XL_PRIORITY_FROM_OBJECT };
	if (opt)
		*opt++ = '\0';
	colon = strrchr(arg, ':');
	if (colon) {
		*colon = '\0';
		s->prog_name = colon + 1;
	}
	s->object = arg;
	while (opt && *opt) {
		char *next = strchr(opt, ',');
		int r;

		if (next)
			*next++ = '\0';
		r = parse_place(opt, &s->priority, &s->priority_set, &s->before, &s->after);
		if (r != -ENOENT) {
			if (r < 0)
				return r;
		} else if (!strncmp(opt, "actions=", 8)) {
			for (char *p = opt + 8; *p; p++)
				if (*p == '+')
					*p = ',';
			if (xl_actions_parse(opt + 8, &s->chain_actions) < 0)
				return -EINVAL;
		} else if (!strncmp(opt, "label=", 6)) {
			s->label = opt + 6;
		} else if (!strncmp(opt, "pin=", 4)) {
			s->pin_root_path = opt + 4;
		} else {
			return -EINVAL;
		}
		opt = next;
	}
	return 0;
}

static int iface_index(const char *name)
{
	int idx = (int)if_nametoindex(name);

	return idx ? idx : -ENODEV;
}

static int open_iface(struct xl_engine *e, const char *name, struct xl_iface **ret)
{
	int idx = iface_index(name), r;

	if (idx < 0)
		return fail(idx, "no interface %s", name);
	r = xl_iface__open(e, idx, ret);
	if (r < 0)
		return fail(r, "%s: %s", name, xl_engine__last_error(e));
	return 0;
}

/* "planned ID PRIORITY NAME" in run order: what a dry run would run. */
static void print_planned(const struct xl_iface *iface)
{
	size_t n;
	const struct xl_attachment *a = xl_iface__planned(iface, &n);

	for (size_t i = 0; i < n; i++)
		printf("planned %u %d %s\n", a[i].id, a[i].priority, a[i].name);
}

static int cmd_apply(struct xl_engine *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "add", required_argument, NULL, 'a' },
		{ "remove", required_argument, NULL, 'r' },
		{ "remove-all", no_argument, NULL, 'R' },
		{ "expect-revision", required_argument, NULL, 'e' },
		{ "mode", required_argument, NULL, 'm' },
		{ "counters", no_argument, NULL, 'c' },
		{ "move", required_argument, NULL, 'M' },
		{ "drop", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{},
	};
	struct xl_apply_opts ao = { .sz = sizeof(ao) };
	struct xl_batch *b = xl_batch__new();
	struct xl_iface *iface = NULL;
	struct xl_prog_spec spec;
	struct xl_move_opts mo;
	__u32 id;
	int c, r = 0, n_adds = 0;

	if (!b)
		return fail(-ENOMEM, "out of memory");
	optind = 0;
	while (r == 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			r = parse_spec(optarg, &spec);
			if (r < 0) {
				r = fail(2, "bad program spec '%s'", optarg);
				break;
			}
			r = xl_batch__add(b, &spec);
			r = r < 0 ? fail(r, "batch: %s", strerror(-r)) : (n_adds++, 0);
			break;
		case 'r':
			r = xl_batch__remove(b, (__u32)strtoul(optarg, NULL, 10));
			r = r < 0 ? fail(2, "bad attachment id '%s'", optarg) : 0;
			break;
		case 'R':
			xl_batch__remove_all(b);
			break;
		case 'e':
			ao.expected_revision = strtoull(optarg, NULL, 10);
			break;
		case 'm':
			if (!strcmp(optarg, "native"))
				ao.mode = XL_MODE_NATIVE;
			else if (!strcmp(optarg, "skb"))
				ao.mode = XL_MODE_SKB;
			else
				r = fail(2, "mode must be native or skb, not '%s'", optarg);
			break;
		case 'c':
			ao.counters = true;
			break;
		case 'M':
			if (parse_move(optarg, &id, &mo) < 0) {
				r = fail(2, "bad move '%s'", optarg);
				break;
			}
			r = xl_batch__move(b, id, &mo);
			r = r < 0 ? fail(r, "batch: %s", strerror(-r)) : 0;
			break;
		case 'd':
			r = xl_batch__drop(b, atoi(optarg));
			r = r < 0 ? fail(2, "no addition %s to drop", optarg) : 0;
			break;
		case 'n':
			ao.dry_run = true;
			break;
		default:
			r = 2;
		}
	}
	if (r == 0 && optind != argc - 1)
		r = fail(2, "apply needs exactly one interface");
	if (r == 0)
		r = open_iface(e, argv[optind], &iface);
	if (r == 0) {
		r = xl_iface__apply(iface, b, &ao);
		if (r < 0) {
			const char *log = xl_iface__verifier_log(iface);

			if (log)
				fprintf(stderr, "--- verifier log ---\n%s--- end of verifier log ---\n", log);
			r = fail(r, "%s", xl_iface__last_error(iface));
		} else {
			printf("revision %llu\n", (unsigned long long)xl_iface__revision(iface));
			for (int i = 0; i < n_adds; i++)
				printf("attached %u\n", xl_batch__attach_id(b, i));
			if (ao.dry_run)
				print_planned(iface);
		}
	}
	xl_iface__free(iface);
	xl_batch__free(b);
	return r;
}

static json_t *status_json(struct xl_iface *iface)
{
	size_t n;
	const struct xl_attachment *a = xl_iface__attachments(iface, &n);
	json_t *atts = json_array();
	char actions[64];

	for (size_t i = 0; i < n; i++) {
		xl_actions_format(a[i].chain_actions, actions, sizeof(actions));
		json_array_append_new(atts, json_pack("{s:I, s:I, s:s, s:i, s:s, s:b, s:s?, s:s}",
			"id", (json_int_t)a[i].id, "prog_id", (json_int_t)a[i].prog_id,
			"name", a[i].name, "priority", a[i].priority, "actions", actions,
			"frags", a[i].frags, "label", a[i].label, "object", a[i].object));
	}
	return json_pack("{s:I, s:I, s:I, s:s, s:b, s:o}",
			 "revision", (json_int_t)xl_iface__revision(iface),
			 "link_id", (json_int_t)xl_iface__link_id(iface),
			 "entry_prog_id", (json_int_t)xl_iface__entry_prog_id(iface),
			 "mode", xl_iface__mode(iface) == XL_MODE_SKB ? "skb" : "native",
			 "counters", xl_iface__counters_enabled(iface), "attachments", atts);
}

static int cmd_status(struct xl_engine *e, int argc, char **argv)
{
	struct xl_iface *iface = NULL;
	bool json = argc == 3 && !strcmp(argv[2], "--json");
	json_t *j;
	int r;

	if (argc < 2 || argc > 3 || (argc == 3 && !json))
		return fail(2, "usage: status IFACE [--json]");
	r = open_iface(e, argv[1], &iface);
	if (r)
		return r;
	j = status_json(iface);
	if (json) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		size_t i;
		json_t *a;

		printf("%s: revision %lld, link %lld, mode %s\n", argv[1],
		       json_integer_value(json_object_get(j, "revision")),
		       json_integer_value(json_object_get(j, "link_id")),
		       json_string_value(json_object_get(j, "mode")));
		printf("  %-4s %-8s %-20s %-5s %s\n", "ID", "PROG", "NAME", "PRIO", "ACTIONS");
		json_array_foreach(json_object_get(j, "attachments"), i, a)
			printf("  %-4lld %-8lld %-20s %-5lld %s\n",
			       json_integer_value(json_object_get(a, "id")),
			       json_integer_value(json_object_get(a, "prog_id")),
			       json_string_value(json_object_get(a, "name")),
			       json_integer_value(json_object_get(a, "priority")),
			       json_string_value(json_object_get(a, "actions")));
	}
	json_decref(j);
	xl_iface__free(iface);
	return 0;
}

static int cmd_counters(struct xl_engine *e, int argc, char **argv)
{
	static const char *names[] = { "aborted", "drop", "pass", "tx", "redirect", "other" };
	struct xl_iface *iface = NULL;
	__u64 c[6];
	int r;

	if (argc != 3)
		return fail(2, "usage: counters IFACE ID");
	r = open_iface(e, argv[1], &iface);
	if (r)
		return r;
	r = xl_iface__counters(iface, (__u32)strtoul(argv[2], NULL, 10), c);
	if (r < 0)
		r = fail(r, "counters of %s: %s", argv[2], strerror(-r));
	else
		for (int i = 0; i < 6; i++)
			printf("%s %llu\n", names[i], (unsigned long long)c[i]);
	xl_iface__free(iface);
	return r;
}

static int cmd_recover(struct xl_engine *e)
{
	struct xl_recover_stats st;
	int r = xl_engine__recover(e, &st);

	printf("interfaces %u\norphan_revisions %u\norphan_programs %u\ndefunct %u\nlink_updates %llu\n",
	       st.interfaces, st.orphan_revisions, st.orphan_programs, st.defunct,
	       (unsigned long long)xl_engine__link_updates(e));
	return r < 0 ? fail(r, "recover: %s", xl_engine__last_error(e)) : 0;
}

static int cmd_adopt(struct xl_engine *e, int argc, char **argv)
{
	struct xl_adopt_opts o = { .sz = sizeof(o) };
	struct xl_adopt_info info = {};
	unsigned ifindex;
	int r;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--detach")))
		return fail(2, "usage: adopt IFACE [--detach]");
	o.detach = argc == 3;
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex)
		return fail(1, "no interface %s", argv[1]);
	r = xl_engine__adopt(e, (int)ifindex, &o, &info);
	printf("programs %u\nsynthesized %u\nrelinked %u\nrevision %llu\nlink_updates %llu\n",
	       info.programs, info.synthesized, info.relinked, (unsigned long long)info.revision,
	       (unsigned long long)xl_engine__link_updates(e));
	return r < 0 ? fail(r, "adopt: %s", xl_engine__last_error(e)) : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct xl_engine *e = NULL;
	char err[512] = "";
	int c, r;

	while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r': eopts.bpffs_root = optarg; break;
		case 's': eopts.state_dir = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	libbpf_set_print(quiet_print);
	eopts.err_buf = err;
	eopts.err_buf_sz = sizeof(err);
	r = xl_engine__new(&eopts, &e);
	if (r < 0)
		return fail(r, "cannot start the engine: %s", err[0] ? err : strerror(-r));
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "apply"))
		r = cmd_apply(e, argc, argv);
	else if (!strcmp(argv[0], "status"))
		r = cmd_status(e, argc, argv);
	else if (!strcmp(argv[0], "counters"))
		r = cmd_counters(e, argc, argv);
	else if (!strcmp(argv[0], "recover"))
		r = cmd_recover(e);
	else if (!strcmp(argv[0], "adopt"))
		r = cmd_adopt(e, argc, argv);
	else if (!strcmp(argv[0], "probe")) {
		printf("freplace %s\n", xl_engine__has_freplace(e) ? "yes" : "no");
		if (!xl_engine__has_freplace(e))
			printf("reason %s\n", xl_engine__degraded_reason(e));
		r = 0;
	} else
		r = fail(2, "unknown command '%s' (see --help)", argv[0]);
	xl_engine__free(e);
	return r;
}
