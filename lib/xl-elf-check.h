/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An object's ELF header and section headers, checked before libbpf parses them. */
#ifndef XL_ELF_CHECK_H
#define XL_ELF_CHECK_H

#include <stddef.h>

/* More sections than any BPF object has (one per function and map
 * section, with their relocations, is a few hundred). */
#define XL_ELF_MAX_SECTIONS 4096U
/* BTF and BTF.ext each: the kernel's own vmlinux BTF is about 6 MiB. */
#define XL_ELF_MAX_BTF (16U << 20)

/*
 * 0 if data (size bytes) is a 64-bit ELF file of this host's byte order
 * whose section headers, and every section but SHT_NOBITS ones, lie inside
 * the file, with at most XL_ELF_MAX_SECTIONS sections and .BTF and
 * .BTF.ext sections of at most XL_ELF_MAX_BTF bytes. Else -EINVAL (-EFBIG
 * for the caps) and msg says what is wrong. Pure: reads only data.
 */
int xl_elf_check(const void *data, size_t size, char *msg, size_t len);

#endif
