/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sizes and offsets of an ELF object's sections, checked with no trust in any of them. */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xl-elf-check.h"

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define HOST_DATA ELFDATA2LSB
#else
#define HOST_DATA ELFDATA2MSB
#endif

__attribute__((format(printf, 4, 5)))
static int bad(char *msg, size_t len, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return r;
}

/* Whether [off, off + n) lies inside size bytes, with no overflow. */
static int inside(uint64_t off, uint64_t n, size_t size)
{
	return off <= size && n <= size - off;
}

static int check_header(const Elf64_Ehdr *eh, size_t size, char *msg, size_t len)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return bad(msg, len, -EINVAL, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return bad(msg, len, -EINVAL, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != HOST_DATA)
		return bad(msg, len, -EINVAL, "ELF byte order is not this host's");
	if (eh->e_shoff == 0)
		return bad(msg, len, -EINVAL, "ELF file without section headers");
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return bad(msg, len, -EINVAL, "ELF section header size %u (expected %zu)",
			   eh->e_shentsize, sizeof(Elf64_Shdr));
	if (!inside(eh->e_shoff, sizeof(Elf64_Shdr), size))
		return bad(msg, len, -EINVAL, "ELF section headers at offset %llu: outside the "
			   "file (%zu bytes)", (unsigned long long)eh->e_shoff, size);
	return 0;
}

/* The section name at off in the string table, or NULL if it runs out of it. */
static const char *section_name(const char *data, const Elf64_Shdr *strtab, uint32_t off)
{
	const char *s = data + strtab->sh_offset;

	if (off >= strtab->sh_size || !memchr(s + off, '\0', strtab->sh_size - off))
		return NULL;
	return s + off;
}

static int check_section(const char *data, size_t size, const Elf64_Shdr *sh,
			 const Elf64_Shdr *strtab, size_t i, char *msg, size_t len)
{
	const char *name = strtab ? section_name(data, strtab, sh->sh_name) : NULL;

	if (sh->sh_type != SHT_NOBITS && sh->sh_type != SHT_NULL &&
	    !inside(sh->sh_offset, sh->sh_size, size))
		return bad(msg, len, -EINVAL, "ELF section %zu (%s): %llu bytes at offset %llu, "
			   "outside the file (%zu bytes)", i, name ? name : "?",
			   (unsigned long long)sh->sh_size, (unsigned long long)sh->sh_offset, size);
	if (name && (strcmp(name, ".BTF") == 0 || strcmp(name, ".BTF.ext") == 0) &&
	    sh->sh_size > XL_ELF_MAX_BTF)
		return bad(msg, len, -EFBIG, "ELF section %s is %llu bytes; at most %u MiB are "
			   "accepted", name, (unsigned long long)sh->sh_size, XL_ELF_MAX_BTF >> 20);
	return 0;
}

int xl_elf_check(const void *data, size_t size, char *msg, size_t len)
{
	const Elf64_Ehdr *eh = data;
	const Elf64_Shdr *sh, *strtab = NULL;
	uint64_t n, strndx;
	int r;

	r = check_header(eh, size, msg, len);
	if (r < 0)
		return r;
	sh = (const Elf64_Shdr *)((const char *)data + eh->e_shoff);
	if ((uintptr_t)sh % _Alignof(Elf64_Shdr))
		return bad(msg, len, -EINVAL, "ELF section headers at a misaligned offset %llu",
			   (unsigned long long)eh->e_shoff);
	/* Extended numbering: the real counts are in section 0. */
	n = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
	strndx = eh->e_shstrndx == SHN_XINDEX ? sh[0].sh_link : eh->e_shstrndx;
	if (n > XL_ELF_MAX_SECTIONS)
		return bad(msg, len, -EFBIG, "ELF file has %llu sections; at most %u are accepted",
			   (unsigned long long)n, XL_ELF_MAX_SECTIONS);
	if (!inside(eh->e_shoff, n * sizeof(Elf64_Shdr), size))
		return bad(msg, len, -EINVAL, "ELF section headers (%llu) run past the end of the "
			   "file (%zu bytes)", (unsigned long long)n, size);
	if (strndx != SHN_UNDEF) {
		if (strndx >= n)
			return bad(msg, len, -EINVAL, "ELF section name table %llu: no such section",
				   (unsigned long long)strndx);
		strtab = &sh[strndx];
		/* Whatever its type says: its bytes are read for every name. */
		if (strtab->sh_type == SHT_NOBITS || !inside(strtab->sh_offset, strtab->sh_size, size))
			return bad(msg, len, -EINVAL, "ELF section name table (section %llu) is not "
				   "inside the file", (unsigned long long)strndx);
	}
	for (size_t i = 0; i < n; i++) {
		r = check_section(data, size, &sh[i], strtab, i, msg, len);
		if (r < 0)
			return r;
	}
	return 0;
}
