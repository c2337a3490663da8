/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xdplink CNI plugin's ADD, DEL and CHECK: calls to xdplinkd through libxdplink-client. */
#ifndef XDPLINK_CNI_OPS_H
#define XDPLINK_CNI_OPS_H

#include "cni-config.h"

/* Each returns 0, or a negative errno with err filled in for the runtime. */

/* Attach the config's programs, one Attach each, pinned and labelled; on a
 * failure detach what this call attached. */
int cni_add(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err);
/* Detach everything labelled for the container; a namespace or interface
 * that is gone already is success. */
int cni_del(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err);
/* The container's labelled attachments are the config's programs, in its order. */
int cni_check(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err);

#endif
