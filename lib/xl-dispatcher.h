/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading the embedded dispatcher with one revision's configuration. */
#ifndef XL_DISPATCHER_LOAD_H
#define XL_DISPATCHER_LOAD_H

#include <stdbool.h>
#include "../bpf/xl_dispatcher.h"
#include "xl-util.h"

struct xl_dispatcher;

/* counters_fd >= 0 reuses the interface's counters map. */
int xl_dispatcher_load(const struct xl_dispatcher_config *cfg, bool frags, int counters_fd,
		       struct xl_dispatcher **ret, struct xl_err *err);
struct xl_dispatcher *xl_dispatcher_free(struct xl_dispatcher *d);
/* How many slots the dispatcher loaded for n_slots programs has (the
 * smallest size that holds them), 0 beyond XL_MAX_SLOTS. */
unsigned xl_dispatcher_size(unsigned n_slots);
int xl_dispatcher_fd(const struct xl_dispatcher *d);
int xl_dispatcher_counters_fd(const struct xl_dispatcher *d);
/* Name and BTF id of the function a slot's program replaces;
 * slot XL_SLOT_ENTRY is the dispatcher's entry function itself. */
const char *xl_dispatcher_func(int slot, char *buf, size_t len);
int xl_dispatcher_func_btf_id(const struct xl_dispatcher *d, int slot, __u32 *ret);

#endif
