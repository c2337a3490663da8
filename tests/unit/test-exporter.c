/* SPDX-License-Identifier: GPL-2.0-or-later */
/* client/exporter: HTTP request heads and the rendering of metrics (pure). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http.h"
#include "render.h"

static int parse(const char *head, struct xe_request *req)
{
	*req = (struct xe_request){ .route = 99 };
	return xe_http_parse(head, strlen(head), req);
}

static void test_head_end(void **state)
{
	(void)state;
	assert_int_equal(xe_http_head_end("GET / HTTP/1.1\r\nHost: x\r\n", 25), 0);
	assert_int_equal(xe_http_head_end("GET / HTTP/1.1\r\n\r\n", 18), 18);
	assert_int_equal(xe_http_head_end("GET / HTTP/1.0\n\nbody", 20), 16);
	assert_int_equal(xe_http_head_end("", 0), 0);
}

static void test_good_requests(void **state)
{
	struct xe_request req;

	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &req), 0);
	assert_int_equal(req.route, XE_ROUTE_METRICS);
	assert_false(req.head);
	assert_int_equal(req.format, XE_FORMAT_TEXT);
	assert_int_equal(parse("HEAD /metrics?x=1 HTTP/1.0\r\n\r\n", &req), 0);
	assert_true(req.head);
	assert_int_equal(parse("GET / HTTP/1.1\r\nhost:x\r\nAccept: application/openmetrics-text\r\n\r\n",
			       &req), 0);
	assert_int_equal(req.route, XE_ROUTE_INDEX);
	assert_int_equal(req.format, XE_FORMAT_OPENMETRICS);
}

static void test_refusals(void **state)
{
	static const char nul[] = "GET / HTTP/1.0\r\nX: \0\r\n\r\n";
	struct xe_request req;

	(void)state;
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &req), 405);
	assert_int_equal(parse("get /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &req), 405);
	assert_int_equal(parse("GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n", &req), 404);
	assert_int_equal(parse("GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n", &req), 505);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r\n", &req), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &req), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n", &req), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", &req), 400);
	assert_int_equal(parse("GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &req), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1 x\r\nHost: x\r\n\r\n", &req), 400);
	assert_int_equal(parse("GET * HTTP/1.1\r\nHost: x\r\n\r\n", &req), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.x\r\nHost: x\r\n\r\n", &req), 400);
	assert_int_equal(parse("\r\n\r\n", &req), 400);
	assert_int_equal(xe_http_parse(nul, sizeof(nul) - 1, &req), 400);
	/* Refused requests leave the output alone. */
	assert_int_equal(req.route, 99);
}

static void test_negotiate(void **state)
{
	(void)state;
	assert_int_equal(xe_http_negotiate(NULL), XE_FORMAT_TEXT);
	assert_int_equal(xe_http_negotiate("*/*"), XE_FORMAT_TEXT);
	assert_int_equal(xe_http_negotiate("text/plain, application/openmetrics-text;version=1.0.0"),
			 XE_FORMAT_OPENMETRICS);
	assert_int_equal(xe_http_negotiate("application/openmetrics-text;q=0"), XE_FORMAT_TEXT);
	assert_int_equal(xe_http_negotiate("application/openmetrics-text; q=0.5"),
			 XE_FORMAT_OPENMETRICS);
	assert_int_equal(xe_http_negotiate("application/openmetrics-textual"), XE_FORMAT_TEXT);
}

static char *render(const char *stats, const char *ifaces, enum xe_format fmt)
{
	json_t *s = stats ? json_loads(stats, 0, NULL) : NULL;
	json_t *i = ifaces ? json_loads(ifaces, 0, NULL) : NULL;
	struct xe_scrape sc = { .up = s != NULL, .stats = s, .interfaces = i, .duration = 0.25 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(xe_render(f, &sc, fmt), 0);
	fclose(f);
	json_decref(s);
	json_decref(i);
	return buf;
}

static const char stats[] =
	"{\"startTimeUsec\":1500000,\"revisions\":3,\"linkUpdates\":4,\"changesRefused\":1,"
	"\"errors\":[{\"error\":\"io.xdplink.Manager.InterfaceBusy\",\"count\":2}],"
	"\"recoveryUsec\":2500,\"recoveryLinkUpdates\":0,\"recoveredInterfaces\":1,"
	"\"recoveryRefused\":0,\"connections\":1,\"connectionsAccepted\":9,\"jobsQueued\":0,"
	"\"jobsRunning\":0,\"interfaces\":1}";
/* A hostile program name: quote, backslash, newline. */
static const char ifaces[] =
	"[{\"name\":\"eth0\",\"netnsCookie\":7,\"revision\":3,\"attachments\":[{\"id\":5,"
	"\"name\":\"a\\\"b\\\\c\\nd\",\"counters\":{\"aborted\":0,\"drop\":1,\"pass\":2,\"tx\":3,"
	"\"redirect\":4,\"other\":5}},{\"id\":6,\"name\":\"nocount\",\"counters\":null}]},"
	"{\"name\":\"vb\",\"netns\":\"blue\",\"netnsCookie\":8,\"revision\":0,\"attachments\":[],"
	"\"refused\":{\"reason\":\"x\"}}]";

static void test_render_text(void **state)
{
	char *out = render(stats, ifaces, XE_FORMAT_TEXT);

	(void)state;
	assert_non_null(strstr(out, "# TYPE xdplink_up gauge\nxdplink_up 1\n"));
	assert_non_null(strstr(out,
		"# TYPE xdplink_revisions_total counter\nxdplink_revisions_total 3\n"));
	assert_non_null(strstr(out, "xdplink_start_time_seconds 1.500000\n"));
	assert_non_null(strstr(out, "xdplink_recovery_duration_seconds 0.002500\n"));
	assert_non_null(strstr(out,
		"xdplink_errors_total{error=\"io.xdplink.Manager.InterfaceBusy\"} 2\n"));
	assert_non_null(strstr(out, "xdplink_program_packets_total{interface=\"eth0\","
				    "netns=\"cookie:7\",attachment=\"5\","
				    "program=\"a\\\"b\\\\c\\nd\",verdict=\"tx\"} 3\n"));
	assert_null(strstr(out, "nocount"));
	assert_non_null(strstr(out, "xdplink_interface_refused{interface=\"vb\",netns=\"blue\"} 1\n"));
	assert_non_null(strstr(out,
		"xdplink_interface_revision{interface=\"eth0\",netns=\"cookie:7\"} 3\n"));
	assert_null(strstr(out, "# UNIT"));
	assert_null(strstr(out, "# EOF"));
	free(out);
}

static void test_render_openmetrics(void **state)
{
	char *out = render(stats, ifaces, XE_FORMAT_OPENMETRICS);
	size_t len = strlen(out);

	(void)state;
	assert_non_null(strstr(out, "# TYPE xdplink_revisions counter\n"));
	assert_non_null(strstr(out, "xdplink_revisions_total 3\n"));
	assert_non_null(strstr(out, "# TYPE xdplink_recovery_duration_seconds gauge\n"
				    "# UNIT xdplink_recovery_duration_seconds seconds\n"));
	assert_true(len > 6 && strcmp(out + len - 6, "# EOF\n") == 0);
	free(out);
}

static void test_render_down(void **state)
{
	char *out = render(NULL, NULL, XE_FORMAT_TEXT);

	(void)state;
	assert_non_null(strstr(out, "xdplink_up 0\n"));
	assert_non_null(strstr(out, "xdplink_scrape_duration_seconds 0.250000\n"));
	assert_null(strstr(out, "xdplink_revisions"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_end),
		cmocka_unit_test(test_good_requests),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_render_text),
		cmocka_unit_test(test_render_openmetrics),
		cmocka_unit_test(test_render_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
