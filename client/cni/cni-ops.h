/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xdplink CNI plugin's ADD, DEL and CHECK: calls to xdplinkd through libxdplink-client. */
#ifndef XDPLINK_CNI_OPS_H
#define XDPLINK_CNI_OPS_H

#include "cni-config.h"

/* Each returns 0, or a negative errno with err filled in for the runtime. */

/* One Change: the container's labelled programs on its interface become
 * the config's (attached, swapped, moved), pinned; nothing else is touched,
 * and a refusal changes nothing. */
int cni_add(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err);
/* One Change [detachLabel]: everything labelled for the container goes; a
 * namespace or interface that is gone already is success. */
int cni_del(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err);
/* One dryRun Change of the diff, which must come back unchanged: the
 * container's labelled attachments are the config's programs, in order. */
int cni_check(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err);

#endif
