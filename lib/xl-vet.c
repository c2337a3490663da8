/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Vetting: a function run on a thread reduced to CAP_BPF and CAP_NET_ADMIN. */
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "xl-util.h"
#include "xl-vet.h"
#include "xl_vet_warm.skel.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct vet_call {
	int (*fn)(void *userdata);
	void *userdata;
	int result;
};

static void cap_add(struct __user_cap_data_struct data[2], int cap)
{
	data[cap / 32].effective |= 1U << (cap % 32);
	data[cap / 32].permitted |= 1U << (cap % 32);
}

/*
 * Raw capset on this thread only: glibc and libcap would be no better,
 * and the syscall is what is per thread. Permitted is reduced too, so
 * nothing run here can raise a dropped capability back.
 */
static int drop_to_loader_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = {}, got[2] = {};

	cap_add(data, CAP_BPF);
	cap_add(data, CAP_NET_ADMIN);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	/* Read back: a kernel that ignored part of the request must not vet. */
	if (syscall(SYS_capget, &hdr, got) < 0)
		return -errno;
	for (int i = 0; i < 2; i++)
		if (got[i].effective != data[i].effective || got[i].permitted != data[i].permitted)
			return -EPERM;
	return 0;
}

static void *vet_thread(void *arg)
{
	struct vet_call *c = arg;

	c->result = drop_to_loader_caps();
	if (c->result == 0)
		c->result = c->fn(c->userdata);
	return NULL;
}

/* Let libbpf make its capability-dependent probes here, with our rights
 * (see bpf/xl_vet_warm.bpf.c); whether the load itself works (lockdown
 * forbids that helper) does not matter, and the program is gone at once. */
static void warm_libbpf(void)
{
	struct xl_vet_warm_bpf *w = xl_vet_warm_bpf__open();
	libbpf_print_fn_t old = libbpf_set_print(NULL);

	if (w) {
		(void)xl_vet_warm_bpf__load(w);
		xl_vet_warm_bpf__destroy(w);
	}
	libbpf_set_print(old);
}

int xl_vet_run(int (*fn)(void *userdata), void *userdata)
{
	static pthread_once_t warm = PTHREAD_ONCE_INIT;
	struct vet_call c = { .fn = fn, .userdata = userdata, .result = -EINVAL };
	pthread_t t;
	int r;

	(void)pthread_once(&warm, warm_libbpf);
	r = pthread_create(&t, NULL, vet_thread, &c);
	if (r != 0)
		return -r;
	r = pthread_join(t, NULL);
	if (r != 0)
		return -r;
	return c.result;
}
