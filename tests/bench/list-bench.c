/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * list-bench: List requests per second against a running xdplinkd, one
 * connection, each call waiting for its reply (what a polling client does).
 *
 *   list-bench SOCKET SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "xdplink/xdplink-client.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct xl_client *c;
	double t0, secs, t;
	unsigned long n = 0;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: list-bench SOCKET SECONDS\n");
		return 2;
	}
	secs = atof(argv[2]);
	r = xl_client__connect(argv[1], NULL, &c);
	if (r < 0) {
		fprintf(stderr, "list-bench: connect: %d\n", r);
		return 1;
	}
	t0 = now();
	do {
		json_t *list = NULL;

		r = xl_client__list(c, NULL, &list);
		json_decref(list);
		n++;
		t = now() - t0;
	} while (r == 0 && t < secs);
	xl_client__free(c);
	if (r < 0) {
		fprintf(stderr, "list-bench: List failed: %d\n", r);
		return 1;
	}
	printf("{\"calls\": %lu, \"seconds\": %.3f, \"per_second\": %.0f}\n", n, t, (double)n / t);
	return 0;
}
