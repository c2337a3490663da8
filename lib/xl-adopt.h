/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pure part of adoption (xl-adopt.c), for unit tests. */
#ifndef XL_ADOPT_H
#define XL_ADOPT_H

#include <stddef.h>

#include "xdplink/xdplink.h"

/*
 * att[0..n) is the kernel's run order, with ids and priorities from state
 * files or made up. Planning orders by priority, then id: when that order
 * is not the kernel's, spread the priorities out in the kernel's order, so
 * that the next revision runs the set as it runs now.
 */
void xl_adopt_keep_order(struct xl_attachment *att, size_t n);

#endif
