/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The program-set file of "xdpctl replace --from": JSON or INI, from a memfd. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz-file.h"
#include "progset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct progset set = {};
	char path[64], err[512];
	int fd = fuzz_file(data, size, path);

	if (fd < 0)
		return 0;
	(void)progset_load(&set, path, err, sizeof(err));
	progset_done(&set);
	close(fd);
	return 0;
}
