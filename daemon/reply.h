/* SPDX-License-Identifier: GPL-2.0-or-later */
/* io.xdplink.Manager error names and the replies shared by handlers and jobs. */
#ifndef XD_REPLY_H
#define XD_REPLY_H

#include "vl-server.h"

#define XD_INTERFACE "io.xdplink.Manager"
#define XD_ERROR_INTERFACE_NOT_FOUND XD_INTERFACE ".InterfaceNotFound"
#define XD_ERROR_ATTACHMENT_NOT_FOUND XD_INTERFACE ".AttachmentNotFound"
#define XD_ERROR_TOO_MANY_PROGRAMS XD_INTERFACE ".TooManyPrograms"
#define XD_ERROR_REVISION_MISMATCH XD_INTERFACE ".RevisionMismatch"
#define XD_ERROR_OBJECT_NOT_FOUND XD_INTERFACE ".ObjectNotFound"
#define XD_ERROR_INVALID_OBJECT XD_INTERFACE ".InvalidObject"
#define XD_ERROR_PROGRAM_NOT_FOUND XD_INTERFACE ".ProgramNotFound"
#define XD_ERROR_PROGRAM_LOAD_FAILED XD_INTERFACE ".ProgramLoadFailed"
#define XD_ERROR_INTERFACE_BUSY XD_INTERFACE ".InterfaceBusy"
#define XD_ERROR_MODE_MISMATCH XD_INTERFACE ".ModeMismatch"
#define XD_ERROR_NOT_SUPPORTED XD_INTERFACE ".NotSupported"
#define XD_ERROR_CONFIG_INVALID XD_INTERFACE ".ConfigInvalid"
#define XD_ERROR_SYSTEM_ERROR XD_INTERFACE ".SystemError"
#define XD_ERROR_NAMESPACE_NOT_FOUND XD_INTERFACE ".NamespaceNotFound"
#define XD_ERROR_ANCHOR_NOT_FOUND XD_INTERFACE ".AnchorNotFound"
#define XD_ERROR_ANCHOR_CONFLICT XD_INTERFACE ".AnchorConflict"

int xd_reply_interface_not_found(struct vl_link *l, const char *ifname);
int xd_reply_not_supported(struct vl_link *l, const char *reason);
int xd_reply_system_error(struct vl_link *l, int r, const char *message);

#endif
