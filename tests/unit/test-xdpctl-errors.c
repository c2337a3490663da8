/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxdplink-client and xdpctl on varlink error replies: the errno and the
 * one-line message for every error of io.xdplink.Manager.varlink, what
 * xl_client__last_error() keeps, the line and exit code xdpctl makes of
 * it, and the calls the library writes. The peer is the other end of a
 * socketpair holding canned replies, written before each call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xdpctl.h"

#define M "io.xdplink.Manager."

struct rendering {
	const char *name;
	const char *params;	/* JSON */
	int err;
	const char *message;
};

/* Every error the interface declares, and the varlink service's. */
static const struct rendering renderings[] = {
	{ M "InterfaceNotFound", "{\"interface\": \"eth9\"}", -ENODEV, "eth9: no such interface" },
	{ M "AttachmentNotFound", "{\"interface\": \"vb\", \"id\": 7}", -ENOENT,
	  "vb: no attachment with id 7" },
	{ M "TooManyPrograms", "{\"interface\": \"vb\", \"limit\": 63}", -E2BIG,
	  "vb: too many programs (the limit is 63)" },
	{ M "RevisionMismatch", "{\"interface\": \"eth0\", \"expected\": 3, \"current\": 4}",
	  -ESTALE, "eth0: expected revision 3, but it is at revision 4" },
	{ M "ObjectNotFound", "{\"object\": \"/x.o\", \"errnoName\": \"ENOENT\"}", -ENOENT,
	  "cannot read /x.o: No such file or directory" },
	{ M "ObjectNotFound", "{\"object\": \"/x.o\", \"errnoName\": \"EWHATEVER\"}", -ENOENT,
	  "cannot read /x.o: EWHATEVER" },
	{ M "InvalidObject", "{\"object\": \"/etc/passwd\", \"message\": \"/etc/passwd is not a "
	  "usable BPF object\"}", -ENOEXEC, "/etc/passwd is not a usable BPF object" },
	{ M "ProgramNotFound", "{\"object\": \"/a.o\", \"program\": \"p\", \"message\": "
	  "\"/a.o: no p program\"}", -ESRCH, "/a.o: no p program" },
	{ M "ProgramLoadFailed", "{\"object\": \"/a.o\", \"program\": \"p\", \"errnoName\": "
	  "\"EACCES\", \"message\": \"loading p failed\", \"verifierLog\": \"0: r0 = 1\\n\"}",
	  -EINVAL, "loading p failed" },
	{ M "InterfaceBusy", "{\"interface\": \"vb\", \"holder\": \"bpf_link 9\"}", -EBUSY,
	  "vb is busy: XDP is held by bpf_link 9" },
	{ M "ModeMismatch", "{\"interface\": \"vb\", \"current\": \"skb\", \"requested\": "
	  "\"native\"}", -EINVAL,
	  "vb is attached in skb mode, not native; detach everything to change the mode" },
	{ M "NotSupported", "{\"reason\": \"freplace is refused\"}", -EOPNOTSUPP,
	  "not supported: freplace is refused" },
	{ M "ConfigInvalid", "{\"message\": \"x.conf:2: unknown key\"}", -EINVAL,
	  "the configuration is invalid: x.conf:2: unknown key" },
	{ M "SystemError", "{\"errnoName\": \"ENOSPC\", \"message\": \"bpffs is full\"}", -EIO,
	  "bpffs is full" },
	{ M "AnchorNotFound", "{\"interface\": \"vb\", \"anchor\": \"before label fw\", "
	  "\"message\": \"before label \\\"fw\\\": no attachment in the new set carries that "
	  "label\"}", -ENOENT,
	  "vb: before label \"fw\": no attachment in the new set carries that label" },
	{ M "AnchorConflict", "{\"interface\": \"vb\", \"message\": \"after id 7 and before "
	  "id 9: attachment 7 is not immediately before 9\"}", -EINVAL,
	  "vb: after id 7 and before id 9: attachment 7 is not immediately before 9" },
	{ "org.varlink.service.InvalidParameter", "{\"parameter\": \"priority\"}", -EINVAL,
	  "invalid parameter 'priority'" },
	{ "org.varlink.service.PermissionDenied", "{}", -EPERM, "permission denied" },
	{ "org.varlink.service.MethodNotFound", "{\"method\": \"io.xdplink.Manager.Foo\"}",
	  -EOPNOTSUPP, "the daemon does not know io.xdplink.Manager.Foo" },
	{ "org.varlink.service.MethodNotImplemented", "{\"method\": \"x.Y\"}", -EOPNOTSUPP,
	  "the daemon does not implement x.Y" },
	{ "org.varlink.service.InterfaceNotFound", "{\"interface\": \"io.xdplink.Manager\"}",
	  -EOPNOTSUPP, "the daemon does not serve io.xdplink.Manager" },
	{ "org.varlink.service.ExpectedMore", "{}", -EPROTO, "the method needs a call with 'more'" },
	/* Missing parameters do not crash the line; unknown errors still say something. */
	{ M "RevisionMismatch", "{}", -ESTALE, "?: expected revision ?, but it is at revision ?" },
	{ "org.example.Other", "{}", -EPROTO, "the daemon refused: org.example.Other" },
};

static void test_every_error_renders(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(renderings) / sizeof(renderings[0]); i++) {
		const struct rendering *t = &renderings[i];
		json_t *p = json_loads(t->params, 0, NULL);
		char buf[256];

		assert_non_null(p);
		assert_int_equal(xl_client__format_error(t->name, p, buf, sizeof(buf)), 0);
		if (strcmp(buf, t->message) || xl_client__errno_for(t->name) != t->err)
			fail_msg("%s: \"%s\", %d", t->name, buf, xl_client__errno_for(t->name));
		json_decref(p);
	}
}

/* ---- through a connection ---- */

struct peer {
	struct xl_client *c;
	int fd;		/* our end */
	char buf[65536];	/* what came and was not taken yet */
	size_t len;
};

static int setup(void **state)
{
	struct peer *p = calloc(1, sizeof(*p));
	struct xl_client_opts opts = { .sz = sizeof(opts), .timeout_usec = 5000000 };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(xl_client__new_fd(sv[0], &opts, &p->c), 0);
	p->fd = sv[1];
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct peer *p = *state;

	xl_client__free(p->c);
	close(p->fd);
	free(p);
	return 0;
}

/* Queue one reply message (NUL-terminated on the wire). */
static void reply(struct peer *p, const char *json)
{
	assert_int_equal(write(p->fd, json, strlen(json) + 1), (ssize_t)strlen(json) + 1);
}

/* The next call the client wrote, and an fd that came with it (or -1). */
static json_t *next_call(struct peer *p, int *ret_fd)
{
	char control[CMSG_SPACE(sizeof(int))], *end;
	json_t *call;

	if (ret_fd)
		*ret_fd = -1;
	while (!(end = memchr(p->buf, '\0', p->len))) {
		struct iovec iov = { .iov_base = p->buf + p->len,
				     .iov_len = sizeof(p->buf) - p->len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				     .msg_controllen = sizeof(control) };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(p->fd, &mh, MSG_CMSG_CLOEXEC);

		assert_true(n > 0);
		p->len += (size_t)n;
		cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_type == SCM_RIGHTS && ret_fd)
			memcpy(ret_fd, CMSG_DATA(cm), sizeof(int));
	}
	call = json_loads(p->buf, 0, NULL);
	assert_non_null(call);
	p->len -= (size_t)(end + 1 - p->buf);
	memmove(p->buf, end + 1, p->len);
	return call;
}

static void assert_json(json_t *o, const char *expect)
{
	json_t *e = json_loads(expect, 0, NULL);

	assert_non_null(e);
	if (!json_equal(o, e)) {
		char *got = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

		fail_msg("got %s, expected %s", got, expect);
	}
	json_decref(e);
}

static void test_attach_call_and_result(void **state)
{
	struct peer *p = *state;
	struct xl_client_program prog = { .sz = sizeof(prog), .object = "/o.o", .prog_name = "x",
					  .priority = 10, .label = "l",
					  .actions = XL_ACTION(1) | XL_ACTION(2) };
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .mode = XL_MODE_SKB,
					      .counters = XL_CLIENT_COUNTERS_OFF,
					      .expected_revision = 4 };
	struct xl_client_result res;
	json_t *call;

	reply(p, "{\"parameters\": {\"id\": 3, \"revision\": 5, \"programId\": 1234}}");
	assert_int_equal(xl_client__attach(p->c, "veth0", &prog, &opts, &res), 0);
	assert_int_equal(res.id, 3);
	assert_int_equal(res.revision, 5);
	assert_int_equal(res.prog_id, 1234);
	assert_null(xl_client__last_error(p->c));
	call = next_call(p, NULL);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.Attach\", \"parameters\": "
		    "{\"interface\": \"veth0\", \"object\": \"/o.o\", \"program\": \"x\", "
		    "\"priority\": 10, \"actions\": [\"drop\", \"pass\"], \"label\": \"l\", "
		    "\"mode\": \"skb\", \"counters\": false, \"expectedRevision\": 4}}");
	json_decref(call);
}

static void test_defaults_send_nothing(void **state)
{
	struct peer *p = *state;
	struct xl_client_program prog = { .sz = sizeof(prog), .object = "/o.o",
					  .priority = XL_PRIORITY_FROM_OBJECT };
	json_t *call;

	reply(p, "{\"parameters\": {\"id\": 1, \"revision\": 1, \"programId\": 9}}");
	assert_int_equal(xl_client__attach(p->c, "e", &prog, NULL, NULL), 0);
	call = next_call(p, NULL);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.Attach\", \"parameters\": "
		    "{\"interface\": \"e\", \"object\": \"/o.o\"}}");
	json_decref(call);
	/* Out-of-range values are refused before anything is sent. */
	prog.priority = 1001;
	assert_int_equal(xl_client__attach(p->c, "e", &prog, NULL, NULL), -ERANGE);
	prog.priority = 0;
	prog.actions = 1U << 7;
	assert_int_equal(xl_client__attach(p->c, "e", &prog, NULL, NULL), -EINVAL);
	prog.sz = 8;
	assert_int_equal(xl_client__attach(p->c, "e", &prog, NULL, NULL), -EINVAL);
}

static void test_object_by_fd(void **state)
{
	struct peer *p = *state;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got = -1;
	struct xl_client_program progs[2] = {
		{ .sz = sizeof(progs[0]), .object_fd = fd, .priority = XL_PRIORITY_FROM_OBJECT,
		  .actions = XL_ACTIONS_NONE },
		{ .sz = sizeof(progs[0]), .object = "/b.o", .priority = 5 },
	};
	struct xl_client_result res;
	json_t *call;

	reply(p, "{\"parameters\": {\"revision\": 8, \"ids\": [4, 5]}}");
	assert_int_equal(xl_client__replace(p->c, "vb", progs, 2, NULL, &res), 0);
	assert_int_equal(res.revision, 8);
	assert_int_equal(res.n_ids, 2);
	assert_int_equal(res.ids[1], 5);
	call = next_call(p, &got);
	assert_true(got >= 0);	/* the fd travelled with the call */
	close(got);
	close(fd);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.Replace\", \"parameters\": "
		    "{\"interface\": \"vb\", \"programs\": [{\"objectFd\": 0, \"actions\": []}, "
		    "{\"object\": \"/b.o\", \"priority\": 5}]}}");
	json_decref(call);
}

/* Change: the caller's fds in the operations become the call's indexes,
 * in order, the namespace's last; the operations stay the caller's. */
static void test_change_call(void **state)
{
	struct peer *p = *state;
	int a = open("/dev/null", O_RDONLY | O_CLOEXEC), b = dup(a), ns = dup(a), got = -1;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .expected_revision = 6,
					      .netns_fd = ns };
	json_t *ops = json_pack("[{s:s,s:i},{s:s,s:i,s:s},{s:s,s:s,s:[{s:i}]}]",
				"op", "detach", "id", 3, "op", "attach", "objectFd", a,
				"label", "c", "op", "replaceLabel", "label", "d", "programs",
				"objectFd", b);
	char *before = json_dumps(ops, JSON_COMPACT), *after;
	json_t *call, *res = NULL;

	reply(p, "{\"parameters\": {\"revision\": 6, \"previousRevision\": 6, \"added\": [7], "
	      "\"removed\": [3], \"reordered\": [], \"unchanged\": false, \"attachments\": []}}");
	assert_int_equal(xl_client__change(p->c, "vb", ops, &opts, true, &res), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "revision")), 6);
	call = next_call(p, &got);
	assert_true(got >= 0);
	close(got);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.Change\", \"parameters\": "
		    "{\"interface\": \"vb\", \"operations\": [{\"op\": \"detach\", \"id\": 3}, "
		    "{\"op\": \"attach\", \"objectFd\": 0, \"label\": \"c\"}, {\"op\": "
		    "\"replaceLabel\", \"label\": \"d\", \"programs\": [{\"objectFd\": 1}]}], "
		    "\"expectedRevision\": 6, \"netnsFd\": 2, \"dryRun\": true}}");
	after = json_dumps(ops, JSON_COMPACT);
	assert_string_equal(before, after);
	json_decref(call);
	json_decref(res);
	/* A reply without what Change promises is not io.xdplink.Manager. */
	reply(p, "{\"parameters\": {\"revision\": 6}}");
	assert_int_equal(xl_client__change(p->c, "vb", ops, NULL, false, NULL), -EBADMSG);
	json_decref(next_call(p, &got));
	if (got >= 0)
		close(got);
	/* Refused before anything is sent: no array, a bad fd. */
	assert_int_equal(xl_client__change(p->c, "vb", NULL, NULL, false, NULL), -EINVAL);
	json_decref(ops);
	ops = json_pack("[{s:s,s:i}]", "op", "attach", "objectFd", -1);
	assert_int_equal(xl_client__change(p->c, "vb", ops, NULL, false, NULL), -EINVAL);
	json_decref(ops);
	free(before);
	free(after);
	close(a);
	close(b);
	close(ns);
}

static void test_detach_calls(void **state)
{
	struct peer *p = *state;
	struct xl_client_change_opts opts = { .sz = sizeof(opts), .mode = XL_MODE_SKB,
					      .counters = XL_CLIENT_COUNTERS_ON,
					      .expected_revision = 2 };
	struct xl_client_result res;
	json_t *call;

	reply(p, "{\"parameters\": {\"revision\": 3}}");
	reply(p, "{\"parameters\": {\"revision\": 0}}");
	assert_int_equal(xl_client__detach(p->c, "vb", 7, &opts, &res), 0);
	assert_int_equal(res.revision, 3);
	assert_int_equal(xl_client__detach(p->c, "vb", 0, NULL, &res), 0);
	assert_int_equal(res.revision, 0);
	/* Detach has no mode or counters: they are not sent. */
	call = next_call(p, NULL);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.Detach\", \"parameters\": "
		    "{\"interface\": \"vb\", \"id\": 7, \"expectedRevision\": 2}}");
	json_decref(call);
	call = next_call(p, NULL);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.Detach\", \"parameters\": "
		    "{\"interface\": \"vb\", \"all\": true}}");
	json_decref(call);
}

static void test_refusal_is_kept(void **state)
{
	struct peer *p = *state;
	const struct xl_client_error *e;
	struct xl_client_program prog = { .sz = sizeof(prog), .object = "/o.o",
					  .priority = XL_PRIORITY_FROM_OBJECT };
	char line[512];

	reply(p, "{\"error\": \"io.xdplink.Manager.ProgramLoadFailed\", \"parameters\": "
		 "{\"object\": \"/o.o\", \"program\": \"p\", \"errnoName\": \"EACCES\", "
		 "\"message\": \"loading p from /o.o failed\", \"verifierLog\": \"R1 invalid\\n\"}}");
	assert_int_equal(xl_client__attach(p->c, "vb", &prog, NULL, NULL), -EINVAL);
	e = xl_client__last_error(p->c);
	assert_non_null(e);
	assert_string_equal(e->name, M "ProgramLoadFailed");
	assert_string_equal(e->message, "loading p from /o.o failed");
	assert_string_equal(e->verifier_log, "R1 invalid\n");
	assert_string_equal(json_string_value(json_object_get(e->parameters, "program")), "p");
	/* xdpctl: the interface first when the error does not name one; exit 1. */
	xdpctl_format_refusal(e, "vb", line, sizeof(line));
	assert_string_equal(line, "vb: loading p from /o.o failed (ProgramLoadFailed)");
	assert_int_equal(xdpctl_exit_code(-EINVAL, e), EXIT_REFUSED);
	json_decref(next_call(p, NULL));

	/* A successful call clears it. */
	reply(p, "{\"parameters\": {}}");
	assert_int_equal(xl_client__reload(p->c), 0);
	assert_null(xl_client__last_error(p->c));
	json_decref(next_call(p, NULL));
}

static void test_refusal_lines_and_exit_codes(void **state)
{
	struct peer *p = *state;
	const struct xl_client_error *e;
	char line[512];

	reply(p, "{\"error\": \"io.xdplink.Manager.RevisionMismatch\", \"parameters\": "
		 "{\"interface\": \"eth0\", \"expected\": 3, \"current\": 4}}");
	assert_int_equal(xl_client__reload(p->c), -ESTALE);
	e = xl_client__last_error(p->c);
	xdpctl_format_refusal(e, "eth0", line, sizeof(line));
	assert_string_equal(line, "eth0: expected revision 3, but it is at revision 4 "
			    "(RevisionMismatch)");
	assert_int_equal(xdpctl_exit_code(-ESTALE, e), EXIT_TEMPFAIL);

	reply(p, "{\"error\": \"org.varlink.service.PermissionDenied\"}");
	assert_int_equal(xl_client__reload(p->c), -EPERM);
	e = xl_client__last_error(p->c);
	xdpctl_format_refusal(e, NULL, line, sizeof(line));
	assert_string_equal(line, "permission denied (org.varlink.service.PermissionDenied)");
	assert_int_equal(xdpctl_exit_code(-EPERM, e), EXIT_NOPERM);

	/* SystemError's errno is the one it names. */
	reply(p, "{\"error\": \"io.xdplink.Manager.SystemError\", \"parameters\": "
		 "{\"errnoName\": \"ENOSPC\", \"message\": \"bpffs is full\"}}");
	assert_int_equal(xl_client__reload(p->c), -ENOSPC);

	/* Not refusals: the connection's own failures. */
	assert_int_equal(xdpctl_exit_code(-ETIMEDOUT, NULL), EXIT_UNAVAILABLE);
	assert_int_equal(xdpctl_exit_code(-ECONNRESET, NULL), EXIT_UNAVAILABLE);
	assert_int_equal(xdpctl_exit_code(-EBADMSG, NULL), EXIT_SOFTWARE);
}

static void test_bad_replies(void **state)
{
	struct peer *p = *state;
	struct xl_client_program prog = { .sz = sizeof(prog), .object = "/o.o",
					  .priority = XL_PRIORITY_FROM_OBJECT };
	json_t *list = NULL;

	/* A reply that lacks what the interface promises is not ours. */
	reply(p, "{\"parameters\": {\"id\": 3, \"revision\": 5}}");
	assert_int_equal(xl_client__attach(p->c, "vb", &prog, NULL, NULL), -EBADMSG);
	reply(p, "{\"parameters\": {\"interfaces\": {}}}");
	assert_int_equal(xl_client__list(p->c, NULL, &list), -EBADMSG);
	assert_null(list);
	/* The peer hangs up. */
	shutdown(p->fd, SHUT_WR);
	assert_int_equal(xl_client__reload(p->c), -ECONNRESET);
}

static void test_list_and_describe(void **state)
{
	struct peer *p = *state;
	json_t *list = NULL, *d = NULL, *call;

	reply(p, "{\"parameters\": {\"interfaces\": [{\"name\": \"vb\"}]}}");
	assert_int_equal(xl_client__list(p->c, "vb", &list), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")),
			    "vb");
	json_decref(list);
	call = next_call(p, NULL);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.List\", \"parameters\": "
		    "{\"interface\": \"vb\"}}");
	json_decref(call);
	reply(p, "{\"parameters\": {\"version\": \"9\"}}");
	assert_int_equal(xl_client__describe(p->c, &d), 0);
	assert_string_equal(json_string_value(json_object_get(d, "version")), "9");
	json_decref(d);
	json_decref(next_call(p, NULL));
}

static void test_monitor_stream(void **state)
{
	struct peer *p = *state;
	json_t *ev = NULL, *call;

	/* Confirmation, an event, a reply without one (skipped), the end of the stream. */
	reply(p, "{\"parameters\": {}, \"continues\": true}");
	reply(p, "{\"parameters\": {\"event\": {\"type\": \"attach\", \"revision\": 2}}, "
		 "\"continues\": true}");
	reply(p, "{\"parameters\": {}, \"continues\": true}");
	reply(p, "{\"parameters\": {\"event\": {\"type\": \"detach\"}}, \"continues\": true}");
	reply(p, "{\"parameters\": {}}");
	assert_int_equal(xl_client__monitor(p->c, NULL), 0);
	call = next_call(p, NULL);
	assert_json(call, "{\"method\": \"io.xdplink.Manager.Monitor\", \"parameters\": {}, "
		    "\"more\": true}");
	json_decref(call);
	assert_int_equal(xl_client__next_event(p->c, &ev), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "type")), "attach");
	json_decref(ev);
	assert_int_equal(xl_client__next_event(p->c, &ev), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "type")), "detach");
	json_decref(ev);
	assert_int_equal(xl_client__next_event(p->c, &ev), -ECONNRESET);
}

static void test_monitor_interrupted(void **state)
{
	struct peer *p = *state;
	json_t *ev = NULL;

	reply(p, "{\"parameters\": {}, \"continues\": true}");
	assert_int_equal(xl_client__monitor(p->c, "vb"), 0);
	/* What a SIGINT handler does; the blocked read then ends at once. */
	xl_client__interrupt(p->c);
	assert_int_equal(xl_client__next_event(p->c, &ev), -ECANCELED);
	assert_int_equal(xl_client__reload(p->c), -ECANCELED);
}

static void test_monitor_refused(void **state)
{
	struct peer *p = *state;

	reply(p, "{\"error\": \"io.xdplink.Manager.InterfaceNotFound\", \"parameters\": "
		 "{\"interface\": \"nope\"}}");
	assert_int_equal(xl_client__monitor(p->c, "nope"), -ENODEV);
	assert_string_equal(xl_client__last_error(p->c)->message, "nope: no such interface");
}

#define WITH_PEER(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_error_renders),
		WITH_PEER(test_attach_call_and_result),
		WITH_PEER(test_defaults_send_nothing),
		WITH_PEER(test_object_by_fd),
		WITH_PEER(test_change_call),
		WITH_PEER(test_detach_calls),
		WITH_PEER(test_refusal_is_kept),
		WITH_PEER(test_refusal_lines_and_exit_codes),
		WITH_PEER(test_bad_replies),
		WITH_PEER(test_list_and_describe),
		WITH_PEER(test_monitor_stream),
		WITH_PEER(test_monitor_interrupted),
		WITH_PEER(test_monitor_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
