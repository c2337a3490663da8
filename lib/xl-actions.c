/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Chain-call action names. On their own, without libbpf, so that the
 * client library and xdpctl can parse them without linking the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "xdplink/xdplink.h"

static const char *const action_names[] = {
	[XDP_ABORTED] = "aborted",
	[XDP_DROP] = "drop",
	[XDP_PASS] = "pass",
	[XDP_TX] = "tx",
	[XDP_REDIRECT] = "redirect",
};

int xl_actions_parse(const char *s, __u32 *ret)
{
	__u32 mask = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	if (strcmp(s, "none") == 0) {
		*ret = XL_ACTIONS_NONE;
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; i < (sizeof(action_names) / sizeof(action_names[0])); i++)
			if (strlen(action_names[i]) == n && strncmp(p, action_names[i], n) == 0)
				break;
		if (i == (sizeof(action_names) / sizeof(action_names[0])))
			return -EINVAL;
		mask |= XL_ACTION(i);
		p += n;
		if (*p == ',' && *++p == '\0')
			return -EINVAL;
	}
	*ret = mask;
	return 0;
}

int xl_actions_format(__u32 actions, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (size_t i = 0; i < (sizeof(action_names) / sizeof(action_names[0])); i++) {
		int n;

		if (!(actions & XL_ACTION(i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", action_names[i]);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	if (off == 0 && snprintf(buf, len, "none") >= (int)len)
		return -ENOSPC;
	return 0;
}
