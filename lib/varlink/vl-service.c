/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink org.varlink.service: GetInfo, GetInterfaceDescription and its IDL text. */
#include <errno.h>
#include <string.h>

#include "vl-server-internal.h"
#include "xl-util.h"

const char vl_service_description[] =
	"# The Varlink Service Interface is provided by every varlink service. It\n"
	"# describes the service and the interfaces it implements.\n"
	"interface org.varlink.service\n"
	"\n"
	"# Get a list of all the interfaces a service provides and information\n"
	"# about the implementation.\n"
	"method GetInfo() -> (\n"
	"  vendor: string,\n"
	"  product: string,\n"
	"  version: string,\n"
	"  url: string,\n"
	"  interfaces: []string\n"
	")\n"
	"\n"
	"# Get the description of an interface that is implemented by this service.\n"
	"method GetInterfaceDescription(interface: string) -> (description: string)\n"
	"\n"
	"# The requested interface was not found.\n"
	"error InterfaceNotFound (interface: string)\n"
	"\n"
	"# The requested method was not found\n"
	"error MethodNotFound (method: string)\n"
	"\n"
	"# The interface defines the requested method, but the service does not\n"
	"# implement it.\n"
	"error MethodNotImplemented (method: string)\n"
	"\n"
	"# One of the passed parameters is invalid.\n"
	"error InvalidParameter (parameter: string)\n"
	"\n"
	"# Client is denied access\n"
	"error PermissionDenied ()\n"
	"\n"
	"# Method is expected to be called with 'more' set to true, but wasn't\n"
	"error ExpectedMore ()\n";

static int service_get_info(struct vl_link *l, json_t *params, unsigned flags _unused_,
			    void *userdata)
{
	struct vl_server *s = userdata;
	_cleanup_json_ json_t *ifaces = json_array();
	int r;

	r = vl_link_dispatch(l, params, (const struct vl_field[]){ {} }, s);
	if (r != 0)
		return r;
	if (!ifaces)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_ifaces; i++)
		if (json_array_append_new(ifaces, json_string(s->ifaces[i].name)) < 0)
			return -ENOMEM;
	return vl_link_reply(l, json_pack("{s:s,s:s,s:s,s:s,s:O}",
					  "vendor", s->opts.vendor ?: "",
					  "product", s->opts.product ?: "",
					  "version", s->opts.version ?: "",
					  "url", s->opts.url ?: "",
					  "interfaces", ifaces));
}

static int service_get_description(struct vl_link *l, json_t *params, unsigned flags _unused_,
				   void *userdata)
{
	static const struct vl_field table[] = {
		{ "interface", VL_STRING, vl_parse_string, 0, VL_MANDATORY },
		{}
	};
	struct vl_server *s = userdata;
	const struct vl_iface *iface;
	const char *name = NULL;
	int r;

	r = vl_link_dispatch(l, params, table, &name);
	if (r != 0)
		return r;
	iface = vl_server_find_iface(s, name, strlen(name));
	if (!iface)
		return vl_link_error(l, VL_ERROR_INTERFACE_NOT_FOUND,
				     json_pack("{s:s}", "interface", name));
	return vl_link_reply(l, json_pack("{s:s}", "description", iface->description ?: ""));
}

const struct vl_method vl_service_methods[] = {
	{ SERVICE_INTERFACE ".GetInfo", service_get_info, 0 },
	{ SERVICE_INTERFACE ".GetInterfaceDescription", service_get_description, 0 },
	{}
};
