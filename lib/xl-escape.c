/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Escaping untrusted text for terminals and logs (see xl-escape.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-escape.h"

/* The length of the valid UTF-8 sequence at s (1..4), or 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Characters a terminal acts on although they are valid UTF-8: the C1
 * controls (U+009B is CSI on many terminals) and the bidirectional
 * overrides and isolates, which reorder what follows on screen. */
static bool utf8_control(const unsigned char *s, size_t n)
{
	if (n == 2)
		return s[0] == 0xc2 && s[1] <= 0x9f;
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x80)
		return s[2] >= 0xaa && s[2] <= 0xae;	/* U+202A..U+202E */
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x81)
		return s[2] >= 0xa6 && s[2] <= 0xa9;	/* U+2066..U+2069 */
	return false;
}

/* How many bytes at s are one unit, and whether it must be escaped. */
static size_t unit(const unsigned char *s, bool *escape)
{
	size_t n;

	if (*s < 0x80) {
		*escape = *s < 0x20 || *s == 0x7f || *s == '\\';
		return 1;
	}
	n = utf8_len(s);
	if (n == 0) {
		*escape = true;
		return 1;
	}
	*escape = utf8_control(s, n);
	return n;
}

char *xl_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t off = 0;

	if (len == 0)
		return buf;
	while (*p) {
		bool esc;
		size_t n = unit(p, &esc), need = esc ? (*p == '\\' ? 2 : 4 * n) : n;

		if (off + need >= len)
			break;
		for (size_t i = 0; i < n; i++) {
			if (!esc)
				buf[off++] = (char)p[i];
			else if (p[i] == '\\')
				off += (size_t)snprintf(buf + off, len - off, "\\\\");
			else
				off += (size_t)snprintf(buf + off, len - off, "\\x%02x", p[i]);
		}
		p += n;
	}
	buf[off] = '\0';
	return buf;
}

bool xl_escape_needed(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		bool esc;

		p += unit(p, &esc);
		if (esc)
			return true;
	}
	return false;
}

char *xl_escape_dup(const char *s)
{
	size_t len = 4 * strlen(s ? s : "") + 1;
	char *buf = malloc(len);

	return buf ? xl_escape(s, buf, len) : NULL;
}
