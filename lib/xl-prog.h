/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Opening a program from an ELF object and loading it, as EXT or as plain XDP. */
#ifndef XL_PROG_H
#define XL_PROG_H

#include "xdplink/xdplink.h"
#include "xl-util.h"

struct xl_prog;

/* Reads the object (through spec->object_fd if set), opens it and resolves priority, chain actions and frags support
 * from the spec, falling back to the object's XDP_RUN_CONFIG. No kernel
 * object is created yet. */
int xl_prog_open(const struct xl_prog_spec *spec, struct xl_prog **ret, struct xl_err *err);
struct xl_prog *xl_prog_free(struct xl_prog *p);

int xl_prog_priority(const struct xl_prog *p);
__u32 xl_prog_chain_actions(const struct xl_prog *p);
bool xl_prog_frags(const struct xl_prog *p);
const char *xl_prog_name(const struct xl_prog *p);
/* Opened from xl_prog_spec.prog_fd: loaded already, no object open. */
bool xl_prog_shared(const struct xl_prog *p);
const char *xl_prog_object(const struct xl_prog *p);
/* Verifier log of a failed load, or NULL. */
const char *xl_prog_log(const struct xl_prog *p);

/* Load as BPF_PROG_TYPE_EXT against target_func of target_fd, or as plain
 * XDP when target_fd < 0. Returns a program fd the caller owns. */
int xl_prog_load(struct xl_prog *p, int target_fd, const char *target_func, struct xl_err *err);

/* After xl_prog_load: load the same program again, from the same bytes,
 * as plain XDP, sharing every map with the first instance, so that it can
 * run directly on the link when it is alone. For a shared program, its
 * twin from xl_prog_spec.twin_fd, or -ENOENT (err untouched) without one.
 * Returns a program fd the caller owns. */
int xl_prog_load_twin(struct xl_prog *p, struct xl_err *err);

struct bpf_insn;
/* Whether relocated instructions can be loaded again as they are, by one
 * bpf_prog_load(): no call that libbpf sets up per load (a subprogram, a
 * kfunc, a callback's address), only helper calls. */
bool xl_prog_insns_standalone(const struct bpf_insn *insns, size_t n);

#endif
