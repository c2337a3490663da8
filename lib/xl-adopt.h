/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pure part of adoption (xl-adopt.c), for unit tests. */
#ifndef XL_ADOPT_H
#define XL_ADOPT_H

#include <stddef.h>

#include "xdplink/xdplink.h"

/*
 * att[0..n) is the kernel's run order, with ids and priorities from state
 * files or made up. Planning keeps the live order and needs it in
 * non-decreasing priority (docs/ordering.md); ids may run in any order
 * (anchors place newer ones before older ones). When the priorities are
 * not in the kernel's order, spread them out in it, so that the next
 * revision runs the set as it runs now.
 */
void xl_adopt_keep_order(struct xl_attachment *att, size_t n);

#endif
