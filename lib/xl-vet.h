/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a function on a short-lived thread that holds only CAP_BPF and CAP_NET_ADMIN. */
#ifndef XL_VET_H
#define XL_VET_H

/*
 * Capabilities are per thread: a new thread drops every capability but
 * CAP_BPF and CAP_NET_ADMIN from its effective and permitted sets (so it
 * cannot take them back), runs fn(userdata) and exits. A BPF program
 * loaded there is verified as an unprivileged loader's would be: no
 * CAP_PERFMON-only helpers (bpf_get_current_task, bpf_probe_read_kernel),
 * no pointer leaks, Spectre hardening on. Returns fn's result, or -errno
 * if the thread could not be started or could not drop its capabilities
 * (fn does not run then).
 */
int xl_vet_run(int (*fn)(void *userdata), void *userdata);

#endif
