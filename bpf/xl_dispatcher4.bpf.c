/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The dispatcher with 4 slots (see xl_dispatcher.bpf.c). */
#define XL_DISPATCHER_SLOTS 4
#include "xl_dispatcher.bpf.c"
