/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: untrusted text escaped for terminals and logs (issue 12). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "xl-escape.h"

static const char *esc(const char *s)
{
	static char buf[256];

	return xl_escape(s, buf, sizeof(buf));
}

static void test_plain_text_is_kept(void **state)
{
	(void)state;
	assert_string_equal(esc("veth0"), "veth0");
	assert_string_equal(esc("my label: ok!"), "my label: ok!");
	assert_string_equal(esc(""), "");
	assert_string_equal(esc(NULL), "");
	/* UTF-8 text is a label's right: é, €, 😀 */
	assert_string_equal(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
			    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_false(xl_escape_needed("caf\xc3\xa9 eth0"));
}

static void test_controls_are_escaped(void **state)
{
	(void)state;
	/* ESC [2K, carriage return: what would erase a row and draw another. */
	assert_string_equal(esc("a\x1b[2K\rb"), "a\\x1b[2K\\x0db");
	assert_string_equal(esc("x\ny\tz\x7f"), "x\\x0ay\\x09z\\x7f");
	assert_string_equal(esc("back\\slash"), "back\\\\slash");
	/* C1 CSI (U+009B) and the right-to-left override (U+202E). */
	assert_string_equal(esc("\xc2\x9b" "2J"), "\\xc2\\x9b2J");
	assert_string_equal(esc("a\xe2\x80\xae" "b"), "a\\xe2\\x80\\xaeb");
	assert_string_equal(esc("\xe2\x81\xa6"), "\\xe2\\x81\\xa6");
	assert_true(xl_escape_needed("\x1b"));
	assert_true(xl_escape_needed("\\"));
	assert_true(xl_escape_needed("\xc2\x85"));
}

static void test_invalid_utf8_is_escaped(void **state)
{
	(void)state;
	assert_string_equal(esc("\x9b"), "\\x9b");		/* a lone 8-bit CSI */
	assert_string_equal(esc("\xc3"), "\\xc3");		/* cut short */
	assert_string_equal(esc("\xc0\xaf"), "\\xc0\\xaf");	/* overlong '/' */
	assert_string_equal(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");	/* a surrogate */
	assert_string_equal(esc("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	assert_string_equal(esc("\xe2\x82" "x"), "\\xe2\\x82x");
}

static void test_truncation_keeps_units_whole(void **state)
{
	char buf[8], *dup;

	(void)state;
	/* "ab" fits, the escape of ESC (4 bytes) does not: no half escape. */
	assert_string_equal(xl_escape("ab\x1b" "cd", buf, 6), "ab");
	assert_string_equal(xl_escape("abcdefghij", buf, sizeof(buf)), "abcdefg");
	assert_string_equal(xl_escape("a\xc3\xa9\xc3\xa9", buf, 5), "a\xc3\xa9");
	assert_string_equal(xl_escape("x", buf, 1), "");
	dup = xl_escape_dup("\x1b\x1b\x1b");
	assert_non_null(dup);
	assert_string_equal(dup, "\\x1b\\x1b\\x1b");
	free(dup);
	/* The worst case fits in 4 * strlen + 1. */
	dup = xl_escape_dup("\xc2\x9b\xc2\x9b");
	assert_string_equal(dup, "\\xc2\\x9b\\xc2\\x9b");
	free(dup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_is_kept),
		cmocka_unit_test(test_controls_are_escaped),
		cmocka_unit_test(test_invalid_utf8_is_escaped),
		cmocka_unit_test(test_truncation_keeps_units_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
