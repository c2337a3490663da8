/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink interface descriptions: a checker for the spec's grammar, names included. */
#ifndef VL_IDL_H
#define VL_IDL_H

#include <stddef.h>

/*
 * Check an interface description (what GetInterfaceDescription returns)
 * against the varlink grammar, every name included, so that strict peers
 * (varlink/go's idl package, python-varlink, systemd) can parse it.
 * 0, with the interface's name in ret_name (may be NULL); -EINVAL, with
 * the 1-based line of the first fault and why (a static string).
 */
int vl_idl_validate(const char *text, char *ret_name, size_t name_size, unsigned *ret_line,
		    const char **ret_why);

#endif
