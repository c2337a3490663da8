/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Turning io.xdplink.Manager and org.varlink.service errors into errnos and one readable line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xdplink/xdplink-client.h"
#include "xlc-internal.h"
#include "xl-util.h"

#define M XL_CLIENT_INTERFACE "."
#define S "org.varlink.service."

/*
 * One row per error the client knows: its errno and how to say it. fmt
 * takes up to three %s, filled from the parameters named in keys, in
 * order; integers are written in decimal, errnoName as its description.
 */
struct error_info {
	const char *name;
	int err;
	const char *fmt;
	const char *keys[3];
};

static const struct error_info errors[] = {
	{ M "InterfaceNotFound", -ENODEV, "%s: no such interface", { "interface" } },
	{ M "AttachmentNotFound", -ENOENT, "%s: no attachment with id %s", { "interface", "id" } },
	{ M "TooManyPrograms", -E2BIG, "%s: too many programs (the limit is %s)",
	  { "interface", "limit" } },
	{ M "RevisionMismatch", -ESTALE, "%s: expected revision %s, but it is at revision %s",
	  { "interface", "expected", "current" } },
	{ M "ObjectNotFound", -ENOENT, "cannot read %s: %s", { "object", "errnoName" } },
	/* The engine's message names the object and says what is wrong. */
	{ M "InvalidObject", -ENOEXEC, "%s", { "message" } },
	{ M "ProgramNotFound", -ESRCH, "%s", { "message" } },
	{ M "ProgramLoadFailed", -EINVAL, "%s", { "message" } },
	{ M "InterfaceBusy", -EBUSY, "%s is busy: XDP is held by %s", { "interface", "holder" } },
	{ M "ModeMismatch", -EINVAL,
	  "%s is attached in %s mode, not %s; detach everything to change the mode",
	  { "interface", "current", "requested" } },
	{ M "NotSupported", -EOPNOTSUPP, "not supported: %s", { "reason" } },
	{ M "ConfigInvalid", -EINVAL, "the configuration is invalid: %s", { "message" } },
	{ M "InterfaceRefused", -ENOLINK, "%s was left as it is by recovery: %s; take it over "
	  "with '%s'", { "interface", "reason", "hint" } },
	{ M "ReadOnly", -EROFS, "xdplinkd changes nothing: %s", { "reason" } },
	/* Change's anchors: the message names them. */
	{ M "AnchorNotFound", -ENOENT, "%s: %s", { "interface", "message" } },
	{ M "AnchorConflict", -EINVAL, "%s: %s", { "interface", "message" } },
	{ M "SystemError", -EIO, "%s", { "message" } },
	{ M "NamespaceNotFound", -ENOENT, "no network namespace %s: %s", { "netns", "errnoName" } },
	{ S "InvalidParameter", -EINVAL, "invalid parameter '%s'", { "parameter" } },
	{ S "PermissionDenied", -EPERM, "permission denied", {} },
	{ S "MethodNotFound", -EOPNOTSUPP, "the daemon does not know %s", { "method" } },
	{ S "MethodNotImplemented", -EOPNOTSUPP, "the daemon does not implement %s", { "method" } },
	{ S "InterfaceNotFound", -EOPNOTSUPP, "the daemon does not serve %s", { "interface" } },
	{ S "ExpectedMore", -EPROTO, "the method needs a call with 'more'", {} },
};

static const struct error_info *find(const char *name)
{
	for (size_t i = 0; name && i < ELEMENTSOF(errors); i++)
		if (strcmp(errors[i].name, name) == 0)
			return &errors[i];
	return NULL;
}

int xl_client__errno_for(const char *error_name)
{
	const struct error_info *e = find(error_name);

	return e ? e->err : -EPROTO;
}

int xlc_errno_from_name(const char *name)
{
	for (int i = 1; name && i < 4096; i++) {
		const char *n = strerrorname_np(i);

		if (n && strcmp(n, name) == 0)
			return -i;
	}
	return 0;
}

/* One parameter as text: "?" when the daemon left it out. */
static const char *param_text(json_t *params, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(params, key);
	int err;

	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (!json_is_string(v))
		return "?";
	if (strcmp(key, "errnoName") == 0 && (err = xlc_errno_from_name(json_string_value(v))))
		return strerror(-err);
	return json_string_value(v);
}

int xl_client__format_error(const char *error_name, json_t *parameters, char *buf, size_t len)
{
	const struct error_info *e = find(error_name);
	char num[3][24];
	const char *a[3];
	int k;

	if (!buf || len == 0)
		return -EINVAL;
	if (!e) {
		k = snprintf(buf, len, "the daemon refused: %s", error_name ? error_name : "?");
		return k < 0 ? -EINVAL : 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(a); i++)
		a[i] = e->keys[i] ? param_text(parameters, e->keys[i], num[i], sizeof(num[i])) : "";
	/* fmt is one of the literals above, each with at most three %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	k = snprintf(buf, len, e->fmt, a[0], a[1], a[2]);
#pragma GCC diagnostic pop
	return k < 0 ? -EINVAL : 0;
}
