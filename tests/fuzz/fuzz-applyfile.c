/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file of "xdpctl apply": JSON, from a memfd. */
#include <stdint.h>
#include <unistd.h>

#include "applyfile.h"
#include "fuzz-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct applyfile a = {};
	char path[64], err[1024];
	int fd = fuzz_file(data, size, path);

	if (fd < 0)
		return 0;
	if (applyfile_load(&a, path, err, sizeof(err)) == 0)
		applyfile_done(&a);
	close(fd);
	return 0;
}
