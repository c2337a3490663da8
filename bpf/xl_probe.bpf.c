/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A minimal freplace program: whether it loads tells if the kernel allows EXT programs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/xl_slot0")
int xl_probe(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
