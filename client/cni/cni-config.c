/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xdplink CNI plugin: its environment and network configuration, parsed strictly. No I/O. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cni-config.h"
#include "xl-util.h"

#define PROGRAM_KEYS "object, program, priority, actions"
#define ACTION_NAMES "aborted, drop, pass, tx, redirect"
#define LABEL_PREFIX "cni:"

static const char *const supported_versions[] = { CNI_SUPPORTED_VERSIONS };

int cni_fail(struct cni_error *err, int code, const char *details, const char *fmt, ...)
{
	va_list ap;

	if (err->code != CNI_OK)
		return -EINVAL;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	snprintf(err->details, sizeof(err->details), "%s", details ? details : "");
	return -EINVAL;
}

bool cni_version_supported(const char *v)
{
	for (size_t i = 0; v && i < ELEMENTSOF(supported_versions); i++)
		if (strcmp(v, supported_versions[i]) == 0)
			return true;
	return false;
}

bool cni_version_has_check(const char *v)
{
	return streq_ptr(v, "0.4.0") || streq_ptr(v, "1.0.0");
}

/* ---- environment ---- */

int cni_env_command(struct cni_env *env, cni_getenv_fn get, struct cni_error *err)
{
	static const char *const names[] = {
		[CNI_CMD_ADD] = "ADD", [CNI_CMD_DEL] = "DEL",
		[CNI_CMD_CHECK] = "CHECK", [CNI_CMD_VERSION] = "VERSION",
	};
	const char *cmd = get("CNI_COMMAND");

	*env = (struct cni_env){};
	if (!cmd || !*cmd)
		return cni_fail(err, CNI_ERR_ENV, NULL, "required env variable CNI_COMMAND missing");
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strcmp(cmd, names[i]) == 0) {
			env->command = (enum cni_command)i;
			return 0;
		}
	return cni_fail(err, CNI_ERR_ENV, NULL,
			"unknown CNI_COMMAND '%s' (ADD, DEL, CHECK or VERSION)", cmd);
}

/* As libcni checks them: the id goes into our label, so it must be tame. */
static bool container_id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= 255 - strlen(LABEL_PREFIX) &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n &&
	       id[0] != '_' && id[0] != '.' && id[0] != '-';
}

/* The kernel's rules for device names (dev_valid_name()), as the daemon checks them. */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < IF_NAMESIZE && strcmp(s, ".") && strcmp(s, "..") &&
	       !strpbrk(s, "/: \t\n\r\v\f");
}

/* Every missing variable at once, named as the reference plugins name them. */
static int check_missing(const struct cni_env *env, cni_getenv_fn get, struct cni_error *err)
{
	const char *need[] = { "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH" };
	char list[128] = "";
	size_t off = 0;

	for (size_t i = 0; i < ELEMENTSOF(need); i++) {
		const char *v = get(need[i]);

		/* DEL must work once the namespace is gone, and then it may be empty. */
		if ((v && *v) || (!strcmp(need[i], "CNI_NETNS") && env->command == CNI_CMD_DEL))
			continue;
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? "," : "",
					need[i]);
	}
	if (off)
		return cni_fail(err, CNI_ERR_ENV, NULL, "required env variables [%s] missing", list);
	return 0;
}

int cni_env_parse(struct cni_env *env, cni_getenv_fn get, struct cni_error *err)
{
	int r;

	r = check_missing(env, get, err);
	if (r < 0)
		return r;
	env->container_id = get("CNI_CONTAINERID");
	env->netns = get("CNI_NETNS");
	env->ifname = get("CNI_IFNAME");
	if (!container_id_ok(env->container_id))
		return cni_fail(err, CNI_ERR_ENV, NULL, "invalid CNI_CONTAINERID '%s': letters, "
				"digits, '_', '.' and '-', not first, at most %zu characters",
				env->container_id, 255 - strlen(LABEL_PREFIX));
	if (!ifname_ok(env->ifname))
		return cni_fail(err, CNI_ERR_ENV, NULL, "invalid CNI_IFNAME '%s': not a device name",
				env->ifname);
	snprintf(env->label, sizeof(env->label), LABEL_PREFIX "%s", env->container_id);
	return 0;
}

/* ---- network configuration ---- */

static int prog_string(const char *key, json_t *v, size_t i, size_t max, const char **ret,
		       struct cni_error *err)
{
	const char *s = json_string_value(v);

	if (!s || !*s || strlen(s) > max)
		return cni_fail(err, CNI_ERR_CONFIG, NULL,
				"programs[%zu].%s: expected a non-empty string of at most %zu "
				"characters", i, key, max);
	*ret = s;
	return 0;
}

static int prog_priority(json_t *v, size_t i, struct cni_program *p, struct cni_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > XL_PRIORITY_MAX)
		return cni_fail(err, CNI_ERR_CONFIG, NULL,
				"programs[%zu].priority: expected an integer from 0 to %d", i,
				XL_PRIORITY_MAX);
	p->priority = (int)json_integer_value(v);
	return 0;
}

static int prog_actions(json_t *v, size_t i, struct cni_program *p, struct cni_error *err)
{
	size_t k;
	json_t *a;

	if (!json_is_array(v))
		return cni_fail(err, CNI_ERR_CONFIG, NULL,
				"programs[%zu].actions: expected an array of " ACTION_NAMES, i);
	p->actions = 0;
	json_array_foreach(v, k, a) {
		const char *s = json_string_value(a);
		__u32 one;

		/* One name per element: "none" and "pass,drop" are xdpctl's spellings. */
		if (!s || !strcmp(s, "none") || strchr(s, ',') || xl_actions_parse(s, &one) < 0)
			return cni_fail(err, CNI_ERR_CONFIG, NULL,
					"programs[%zu].actions[%zu]: unknown action%s%s%s "
					"(" ACTION_NAMES ")", i, k, s ? " '" : "", s ? s : "",
					s ? "'" : "");
		p->actions |= one;
	}
	/* [] is "chain on nothing", which 0 ("from the object") cannot say. */
	if (!p->actions)
		p->actions = XL_ACTIONS_NONE;
	return 0;
}

static int parse_program(json_t *o, size_t i, struct cni_program *p, struct cni_error *err)
{
	const char *key;
	json_t *v;
	int r = 0;

	if (!json_is_object(o))
		return cni_fail(err, CNI_ERR_CONFIG, NULL, "programs[%zu]: expected an object", i);
	*p = (struct cni_program){ .priority = XL_PRIORITY_FROM_OBJECT };
	json_object_foreach(o, key, v) {
		if (!strcmp(key, "object"))
			r = prog_string(key, v, i, PATH_MAX - 1, &p->object, err);
		else if (!strcmp(key, "program"))
			r = prog_string(key, v, i, 255, &p->name, err);
		else if (!strcmp(key, "priority"))
			r = prog_priority(v, i, p, err);
		else if (!strcmp(key, "actions"))
			r = prog_actions(v, i, p, err);
		else
			r = cni_fail(err, CNI_ERR_CONFIG, NULL,
				     "programs[%zu]: unknown key '%s' (" PROGRAM_KEYS ")", i, key);
		if (r < 0)
			return r;
	}
	if (!p->object || !p->name)
		return cni_fail(err, CNI_ERR_CONFIG, NULL, "programs[%zu]: no %s", i,
				p->object ? "program" : "object");
	/* The daemon's working directory is not the runtime's. */
	if (p->object[0] != '/')
		return cni_fail(err, CNI_ERR_CONFIG, NULL,
				"programs[%zu].object: '%s' is not an absolute path", i, p->object);
	return 0;
}

static int parse_programs(struct cni_config *cfg, json_t *list, struct cni_error *err)
{
	size_t i;
	json_t *o;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return cni_fail(err, CNI_ERR_CONFIG, NULL,
				"programs: expected an array of 1 to %d programs", XL_MAX_PROGS);
	if (json_array_size(list) > XL_MAX_PROGS)
		return cni_fail(err, CNI_ERR_CONFIG, NULL, "programs: more than %d programs",
				XL_MAX_PROGS);
	json_array_foreach(list, i, o) {
		int r = parse_program(o, i, &cfg->progs[i], err);

		if (r < 0)
			return r;
		cfg->n_progs++;
	}
	return 0;
}

/* A top-level string; NULL is fine when the key is absent and optional. */
static int top_string(json_t *root, const char *key, bool required, const char **ret,
		      struct cni_error *err)
{
	json_t *v = json_object_get(root, key);

	*ret = json_string_value(v);
	if ((v || required) && (!*ret || !**ret))
		return cni_fail(err, CNI_ERR_CONFIG, NULL, "%s: expected a non-empty string", key);
	return 0;
}

static int parse_mode(struct cni_config *cfg, struct cni_error *err)
{
	const char *s;
	int r = top_string(cfg->root, "mode", false, &s, err);

	if (r < 0 || !s)
		return r;
	if (!strcmp(s, "native"))
		cfg->mode = XL_MODE_NATIVE;
	else if (!strcmp(s, "skb"))
		cfg->mode = XL_MODE_SKB;
	else
		return cni_fail(err, CNI_ERR_CONFIG, NULL, "mode: '%s' is neither native nor skb", s);
	return 0;
}

/* Keys other than ours and the spec's are left alone: runtimes add their
 * own (runtimeConfig, args, capabilities). */
static int parse_root(struct cni_config *cfg, struct cni_error *err)
{
	const char *type;
	int r;

	r = top_string(cfg->root, "cniVersion", true, &cfg->cni_version, err);
	if (r == 0 && !cni_version_supported(cfg->cni_version))
		return cni_fail(err, CNI_ERR_VERSION, NULL,
				"unsupported cniVersion '%s' (0.3.0, 0.3.1, 0.4.0 or 1.0.0)",
				cfg->cni_version);
	if (r == 0)
		r = top_string(cfg->root, "name", true, &cfg->name, err);
	if (r == 0)
		r = top_string(cfg->root, "type", true, &type, err);
	if (r == 0)
		r = top_string(cfg->root, "socket", false, &cfg->socket, err);
	if (r == 0)
		r = parse_mode(cfg, err);
	cfg->prev_result = json_object_get(cfg->root, "prevResult");
	if (r == 0 && cfg->prev_result && !json_is_object(cfg->prev_result))
		return cni_fail(err, CNI_ERR_CONFIG, NULL, "prevResult: expected an object");
	if (r == 0)
		r = parse_programs(cfg, json_object_get(cfg->root, "programs"), err);
	return r;
}

int cni_config_parse(struct cni_config *cfg, const char *text, size_t len,
		     struct cni_error *err)
{
	json_error_t jerr;
	int r;

	*cfg = (struct cni_config){};
	cfg->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!cfg->root)
		return cni_fail(err, CNI_ERR_DECODE, NULL,
				"cannot decode the network configuration: %s (line %d, column %d)",
				jerr.text, jerr.line, jerr.column);
	if (!json_is_object(cfg->root))
		r = cni_fail(err, CNI_ERR_DECODE, NULL,
			     "the network configuration is not a JSON object");
	else
		r = parse_root(cfg, err);
	if (r < 0)
		cni_config_done(cfg);
	return r;
}

void cni_config_done(struct cni_config *cfg)
{
	json_decref(cfg->root);
	*cfg = (struct cni_config){};
}
