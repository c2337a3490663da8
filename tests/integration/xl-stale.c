/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xl-stale ROOT STATE IFACE SPEC CMD...: open IFACE, let CMD change it from
 * another process, then check that applying SPEC through the stale object
 * is refused with ESTALE. Exit 0 when refused as it should be. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xdplink/xdplink.h"

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv)
{
	struct xl_engine_opts eo = { .sz = sizeof(eo) };
	struct xl_prog_spec spec = { .sz = sizeof(spec), .priority = XL_PRIORITY_FROM_OBJECT };
	struct xl_engine *e = NULL;
	struct xl_iface *iface = NULL;
	struct xl_batch *b = xl_batch__new();
	int r;

	if (argc < 6 || !b) {
		fprintf(stderr, "usage: xl-stale ROOT STATE IFACE OBJECT CMD...\n");
		return 2;
	}
	eo.bpffs_root = argv[1];
	eo.state_dir = argv[2];
	spec.object = argv[4];
	spec.prog_name = "xl_pass_2";
	if (xl_engine__new(&eo, &e) < 0 ||
	    xl_iface__open(e, (int)if_nametoindex(argv[3]), &iface) < 0) {
		fprintf(stderr, "xl-stale: cannot open %s\n", argv[3]);
		return 2;
	}
	if (run(argv + 5) != 0) {
		fprintf(stderr, "xl-stale: the other process failed\n");
		return 2;
	}
	xl_batch__remove_all(b);
	xl_batch__add(b, &spec);
	r = xl_iface__apply(iface, b, NULL);
	printf("%s\n", r < 0 ? xl_iface__last_error(iface) : "applied");
	xl_batch__free(b);
	xl_iface__free(iface);
	xl_engine__free(e);
	return r == -ESTALE ? 0 : 1;
}
