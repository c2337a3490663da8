/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's configuration file and the interface files, from the
 * same bytes: both parsers read a path, so the input goes into a memfd
 * and they read /proc/self/fd/N.
 */
#include <stdint.h>
#include <unistd.h>

#include "config.h"
#include "fuzz-file.h"
#include "netconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* As --check-config reads: past every error, keeping what was good. */
	struct xd_conf_errors errs = { .keep_partial = true };
	struct xd_netconfig_file f = {};
	struct xd_config c;
	char path[64], err[1024];
	int fd = fuzz_file(data, size, path);

	if (fd < 0)
		return 0;
	xd_config_init(&c);
	(void)xd_config_load_all(&c, path, true, &errs, err, sizeof(err));
	xd_config_done(&c);
	if (xd_netconfig_parse_file_all(path, &f, &errs, err, sizeof(err)) == 0)
		xd_netconfig_file_done(&f);
	close(fd);
	return 0;
}
