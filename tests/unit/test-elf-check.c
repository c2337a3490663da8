/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: an object's ELF header and section headers, checked before libbpf (lib/xl-elf-check.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-elf-check.h"

/* A real BPF object of the system's: xdp-tools' pass-everything program. */
#define REAL_OBJ "/usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o"

/*
 * A minimal object: header, a name table ("\0.shstrtab\0.BTF\0"), one
 * .BTF section of 8 bytes, and 3 section headers (null, .shstrtab, .BTF).
 */
struct tiny {
	Elf64_Ehdr eh;
	char names[24];
	char btf[8];
	Elf64_Shdr sh[3];
};

static void tiny_init(struct tiny *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->eh.e_ident, ELFMAG, SELFMAG);
	t->eh.e_ident[EI_CLASS] = ELFCLASS64;
	t->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	t->eh.e_shoff = offsetof(struct tiny, sh);
	t->eh.e_shentsize = sizeof(Elf64_Shdr);
	t->eh.e_shnum = 3;
	t->eh.e_shstrndx = 1;
	memcpy(t->names, "\0.shstrtab\0.BTF\0", 16);
	t->sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB,
				 .sh_offset = offsetof(struct tiny, names), .sh_size = 16 };
	t->sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS,
				 .sh_offset = offsetof(struct tiny, btf), .sh_size = 8 };
}

static int check(const struct tiny *t, char *msg, size_t len)
{
	return xl_elf_check(t, sizeof(*t), msg, len);
}

static void test_tiny_passes(void **state)
{
	struct tiny t;
	char msg[160] = "";

	(void)state;
	tiny_init(&t);
	assert_int_equal(check(&t, msg, sizeof(msg)), 0);
}

static void test_real_object_passes(void **state)
{
	FILE *f = fopen(REAL_OBJ, "rb");
	char msg[160] = "", *buf;
	long n;

	(void)state;
	if (!f)
		skip();
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(xl_elf_check(buf, (size_t)n, msg, sizeof(msg)), 0);
	/* Cut anywhere inside its sections or headers: refused, never read past. */
	assert_int_equal(xl_elf_check(buf, (size_t)n - 1, msg, sizeof(msg)), -EINVAL);
	free(buf);
}

static void test_not_elf(void **state)
{
	char msg[160] = "";
	struct tiny t;

	(void)state;
	assert_int_equal(xl_elf_check("abc", 3, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "not an ELF file");
	tiny_init(&t);
	t.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "not a 64-bit ELF file");
}

static void test_section_outside_the_file(void **state)
{
	char msg[160] = "";
	struct tiny t;

	(void)state;
	tiny_init(&t);
	t.sh[2].sh_size = 1ULL << 30;	/* a sparse file's claim */
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "ELF section 2 (.BTF): 1073741824 bytes"));
	assert_non_null(strstr(msg, "outside the file"));
	/* Offset + size wrapping around 2^64 is outside too. */
	tiny_init(&t);
	t.sh[2].sh_offset = UINT64_MAX - 3;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	/* SHT_NOBITS (.bss) takes no room in the file: any size. */
	tiny_init(&t);
	t.sh[2].sh_type = SHT_NOBITS;
	t.sh[2].sh_name = 0;	/* not .BTF, whose cap holds whatever its type */
	t.sh[2].sh_size = 1ULL << 40;
	assert_int_equal(check(&t, msg, sizeof(msg)), 0);
}

static void test_headers_outside_the_file(void **state)
{
	char msg[160] = "";
	struct tiny t;

	(void)state;
	tiny_init(&t);
	t.eh.e_shoff = sizeof(t);
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "section headers at offset"));
	tiny_init(&t);
	t.eh.e_shnum = 4;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "run past the end"));
	tiny_init(&t);
	t.eh.e_shentsize = 32;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	tiny_init(&t);
	t.eh.e_shstrndx = 7;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "no such section"));
}

static void test_btf_cap(void **state)
{
	size_t size = sizeof(struct tiny) + XL_ELF_MAX_BTF + 1;
	struct tiny *t = calloc(1, size);
	char msg[160] = "";

	(void)state;
	assert_non_null(t);
	tiny_init(t);
	/* A .BTF one byte over the cap, wholly inside the (large) file. */
	t->sh[2].sh_offset = sizeof(*t);
	t->sh[2].sh_size = XL_ELF_MAX_BTF + 1;
	assert_int_equal(xl_elf_check(t, size, msg, sizeof(msg)), -EFBIG);
	assert_non_null(strstr(msg, "ELF section .BTF is 16777217 bytes"));
	t->sh[2].sh_size = XL_ELF_MAX_BTF;
	assert_int_equal(xl_elf_check(t, size, msg, sizeof(msg)), 0);
	/* .BTF.ext too. */
	memcpy(t->names, "\0.shstrtab\0.BTF.ext\0", 20);
	t->sh[1].sh_size = 20;
	t->sh[2].sh_size = XL_ELF_MAX_BTF + 1;
	assert_int_equal(xl_elf_check(t, size, msg, sizeof(msg)), -EFBIG);
	assert_non_null(strstr(msg, ".BTF.ext"));
	free(t);
}

static void test_section_count_cap(void **state)
{
	size_t n = XL_ELF_MAX_SECTIONS + 1;
	size_t size = sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Shdr);
	Elf64_Ehdr *eh = calloc(1, size);
	Elf64_Shdr *sh = (Elf64_Shdr *)(eh + 1);
	char msg[160] = "";

	(void)state;
	assert_non_null(eh);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_shoff = sizeof(*eh);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	/* Extended numbering: e_shnum 0, the count in section 0. */
	sh[0].sh_size = n;
	assert_int_equal(xl_elf_check(eh, size, msg, sizeof(msg)), -EFBIG);
	assert_non_null(strstr(msg, "4097 sections"));
	sh[0].sh_size = n - 1;
	assert_int_equal(xl_elf_check(eh, size, msg, sizeof(msg)), 0);
	free(eh);
}

/* Found by fuzz-elf-check: a name table of type SHT_NULL, pointing anywhere. */
static void test_name_table_outside_the_file(void **state)
{
	char msg[160] = "";
	struct tiny t;

	(void)state;
	tiny_init(&t);
	t.sh[1].sh_type = SHT_NULL;
	t.sh[1].sh_offset = 1ULL << 40;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "name table (section 1) is not inside the file"));
	tiny_init(&t);
	t.sh[1].sh_type = SHT_NOBITS;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
}

static void test_unterminated_name(void **state)
{
	char msg[160] = "";
	struct tiny t;

	(void)state;
	tiny_init(&t);
	/* A name offset past the table: no name, and no read past it. */
	t.sh[2].sh_name = 200;
	t.sh[2].sh_size = 1ULL << 30;
	assert_int_equal(check(&t, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "(?)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_passes),
		cmocka_unit_test(test_real_object_passes),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_section_outside_the_file),
		cmocka_unit_test(test_headers_outside_the_file),
		cmocka_unit_test(test_btf_cap),
		cmocka_unit_test(test_section_count_cap),
		cmocka_unit_test(test_name_table_outside_the_file),
		cmocka_unit_test(test_unterminated_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
