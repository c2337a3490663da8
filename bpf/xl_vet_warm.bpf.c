/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Loaded once, with the daemon's full rights, before the first vetting
 * (lib/xl-vet.c): libbpf probes, and caches for the whole process, whether
 * the kernel has bpf_probe_read_kernel when a program first calls it. A
 * probe made on the vetting thread, without CAP_PERFMON, would find it
 * missing and make libbpf rewrite every later call to bpf_probe_read.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int xl_vet_warm(struct xdp_md *ctx)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (void *)(long)ctx->data);
	return v ? XDP_PASS : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
