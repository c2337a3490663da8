/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: xl_elf_check (lib/xl-elf-check.c) on any bytes. It
 * must never read outside them, and what it accepts must hold what it
 * promises: every section that takes room in the file lies inside it.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xl-elf-check.h"

static void check_promise(const unsigned char *buf, size_t size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(buf + eh->e_shoff);
	uint64_t n = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;

	if (n > XL_ELF_MAX_SECTIONS || eh->e_shoff + n * sizeof(*sh) > size)
		abort();
	for (uint64_t i = 0; i < n; i++)
		if (sh[i].sh_type != SHT_NOBITS && sh[i].sh_type != SHT_NULL &&
		    (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, aligned as the engine's image is
	 * (malloc), so that ASan catches the first byte read past it. */
	unsigned char *buf = malloc(size ? size : 1);
	char msg[160];

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (xl_elf_check(buf, size, msg, sizeof(msg)) == 0)
		check_promise(buf, size);
	free(buf);
	return 0;
}
