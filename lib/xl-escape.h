/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Text that others chose (labels, interface, program and object names,
 * owners) made safe for a terminal or a log line: whatever a terminal
 * would act on is written as \xNN, so that a label cannot move the
 * cursor, erase a row, or forge a log line. Pure; used by xdpctl's human
 * output and the daemon's log.
 */
#ifndef XL_ESCAPE_H
#define XL_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * s into buf (len > 0 bytes, always NUL-terminated) with C0 controls
 * (newline and tab included), DEL, C1 controls (U+0080..U+009F), the
 * bidirectional overrides and isolates, and every byte that is not part
 * of valid UTF-8 as \xNN, and a backslash as \\. Valid UTF-8 text is
 * kept. Cut short at an escape's or a character's boundary when buf is
 * too small (4 * strlen(s) + 1 always suffices). Returns buf.
 */
char *xl_escape(const char *s, char *buf, size_t len);

/* Whether xl_escape() would change s. */
bool xl_escape_needed(const char *s);

/* A malloc'd escaped copy of s, or NULL when out of memory. */
char *xl_escape_dup(const char *s);

#endif
