/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Turning io.xdplink.Manager and org.varlink.service errors into errnos and one readable line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xdplink/xdplink-client.h"
#include "xl-util.h"

struct error_info {
	const char *name;	/* without the interface prefix */
	int err;
};

static const struct error_info errors[] = {
	{ "InterfaceNotFound", -ENODEV },
	{ "AttachmentNotFound", -ENOENT },
	{ "TooManyPrograms", -E2BIG },
	{ "RevisionMismatch", -ESTALE },
	{ "ObjectNotFound", -ENOENT },
	{ "InvalidObject", -ENOEXEC },
	{ "ProgramNotFound", -ESRCH },
	{ "ProgramLoadFailed", -EINVAL },
	{ "InterfaceBusy", -EBUSY },
	{ "ModeMismatch", -EINVAL },
	{ "NotSupported", -EOPNOTSUPP },
	{ "ConfigInvalid", -EINVAL },
	{ "SystemError", -EIO },
	{ "MethodNotFound", -EOPNOTSUPP },
	{ "MethodNotImplemented", -EOPNOTSUPP },
	{ "InvalidParameter", -EINVAL },
	{ "PermissionDenied", -EPERM },
	{ "ExpectedMore", -EINVAL },
};

static const char *short_name(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	return dot ? dot + 1 : name ? name : "";
}

int xl_client__errno_for(const char *error_name)
{
	const char *n = short_name(error_name);

	for (size_t i = 0; i < ELEMENTSOF(errors); i++)
		if (strcmp(errors[i].name, n) == 0)
			return errors[i].err;
	return -EPROTO;
}

static const char *str(json_t *params, const char *key)
{
	const char *s = json_string_value(json_object_get(params, key));

	return s ? s : "?";
}

static long long num(json_t *params, const char *key)
{
	return (long long)json_integer_value(json_object_get(params, key));
}

int xl_client__format_error(const char *error_name, json_t *p, char *buf, size_t len)
{
	const char *n = short_name(error_name);
	int k;

	if (!strcmp(n, "InterfaceNotFound"))
		k = snprintf(buf, len, "%s: no such interface", str(p, "interface"));
	else if (!strcmp(n, "AttachmentNotFound"))
		k = snprintf(buf, len, "%s: no attachment with id %lld", str(p, "interface"),
			     num(p, "id"));
	else if (!strcmp(n, "TooManyPrograms"))
		k = snprintf(buf, len, "%s: too many programs (the limit is %lld)",
			     json_object_get(p, "interface") ? str(p, "interface") : "set",
			     num(p, "limit"));
	else if (!strcmp(n, "RevisionMismatch"))
		k = snprintf(buf, len, "%s: expected revision %lld, but it is at revision %lld",
			     str(p, "interface"), num(p, "expected"), num(p, "current"));
	else if (!strcmp(n, "ObjectNotFound"))
		k = snprintf(buf, len, "%s: cannot read it (%s)", str(p, "object"),
			     str(p, "errnoName"));
	else if (!strcmp(n, "InvalidObject") || !strcmp(n, "ProgramNotFound") ||
		 !strcmp(n, "ProgramLoadFailed"))
		k = snprintf(buf, len, "%s", str(p, "message"));
	else if (!strcmp(n, "InterfaceBusy"))
		k = snprintf(buf, len, "%s is busy: XDP is held by %s", str(p, "interface"),
			     str(p, "holder"));
	else if (!strcmp(n, "ModeMismatch"))
		k = snprintf(buf, len, "%s is attached in %s mode, not %s; detach everything "
			     "to change the mode", str(p, "interface"), str(p, "current"),
			     str(p, "requested"));
	else if (!strcmp(n, "NotSupported"))
		k = snprintf(buf, len, "not supported: %s", str(p, "reason"));
	else if (!strcmp(n, "ConfigInvalid") || !strcmp(n, "SystemError"))
		k = snprintf(buf, len, "%s", str(p, "message"));
	else if (!strcmp(n, "InvalidParameter"))
		k = snprintf(buf, len, "invalid parameter '%s'", str(p, "parameter"));
	else if (!strcmp(n, "PermissionDenied"))
		k = snprintf(buf, len, "permission denied");
	else if (!strcmp(n, "MethodNotFound") || !strcmp(n, "MethodNotImplemented"))
		k = snprintf(buf, len, "the daemon does not know %s", str(p, "method"));
	else
		k = snprintf(buf, len, "the daemon refused: %s", error_name ? error_name : "?");
	return k < 0 ? -EINVAL : 0;
}
