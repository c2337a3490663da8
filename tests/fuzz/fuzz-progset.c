/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The program-set file of "xdpctl replace --from": JSON or INI, from a memfd. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "progset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct progset set = {};
	char path[64], err[512];
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	(void)progset_load(&set, path, err, sizeof(err));
	progset_done(&set);
	close(fd);
	return 0;
}
