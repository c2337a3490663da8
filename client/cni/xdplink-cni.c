/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdplink: a chained CNI plugin (spec 1.0.0) that attaches XDP programs to
 * a container's interface through xdplinkd. The runtime gives the command
 * and the container in CNI_* variables and the network configuration on
 * stdin; the result, or an error object, goes to stdout. See xdplink(8).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni-config.h"
#include "cni-ops.h"
#include "xl-util.h"

/* More than any network configuration with its prevResult needs. */
#define CONFIG_MAX (4 << 20)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: CNI_COMMAND=ADD|DEL|CHECK|VERSION CNI_CONTAINERID=ID CNI_NETNS=PATH \\\n"
		"         CNI_IFNAME=NAME CNI_PATH=DIRS xdplink < NETWORK-CONFIG\n"
		"A chained CNI plugin: attaches the XDP programs of its configuration to the\n"
		"container's interface through xdplinkd, and passes prevResult on.\n"
		"Run by container runtimes; see xdplink(8).\n");
}

static const char *get_env(const char *name)
{
	return getenv(name);
}

/* One JSON object on stdout; a write that fails is an error too. */
static int print_json(json_t *o)
{
	int r = o ? json_dumpf(o, stdout, JSON_INDENT(4)) : -1;

	json_decref(o);
	if (r == 0)
		fputc('\n', stdout);
	return r == 0 && fflush(stdout) == 0 && !ferror(stdout) ? 0 : -EIO;
}

static int print_version(void)
{
	static const char *const versions[] = { CNI_SUPPORTED_VERSIONS };
	json_t *list = json_array();

	for (size_t i = 0; list && i < ELEMENTSOF(versions); i++)
		json_array_append_new(list, json_string(versions[i]));
	return print_json(json_pack("{s:s,s:o}", "cniVersion", CNI_SPEC_VERSION,
				    "supportedVersions", list));
}

/* The error object of the spec, in the configuration's version when we know it. */
static int print_error(const char *version, const struct cni_error *err)
{
	json_t *o = json_pack("{s:s,s:i,s:s}", "cniVersion", version ?: CNI_SPEC_VERSION,
			      "code", err->code, "msg", err->msg);

	if (o && err->details[0])
		json_object_set_new(o, "details", json_string(err->details));
	print_json(o);
	return EXIT_FAILURE;
}

static int read_stdin(char **ret, size_t *ret_len, struct cni_error *err)
{
	_cleanup_free_ char *buf = malloc(CONFIG_MAX);
	size_t n = 0, got;

	if (!buf)
		return cni_fail(err, CNI_ERR_IO, NULL, "out of memory");
	while ((got = fread(buf + n, 1, CONFIG_MAX - n, stdin)) > 0)
		n += got;
	if (ferror(stdin))
		return cni_fail(err, CNI_ERR_IO, NULL, "cannot read the network configuration "
				"from stdin: %s", strerror(errno));
	if (n == CONFIG_MAX)
		return cni_fail(err, CNI_ERR_IO, NULL, "the network configuration on stdin is "
				"larger than %d bytes", CONFIG_MAX);
	*ret = TAKE_PTR(buf);
	*ret_len = n;
	return 0;
}

static int read_config(struct cni_config *cfg, struct cni_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = read_stdin(&text, &len, err);
	if (r == 0)
		r = cni_config_parse(cfg, text, len, err);
	return r;
}

/* A chained plugin's result is the previous one, as it came; the first
 * plugin of a list has none, and an empty result says so. */
static int print_add_result(const struct cni_config *cfg)
{
	if (cfg->prev_result)
		return print_json(json_incref(cfg->prev_result));
	return print_json(json_pack("{s:s}", "cniVersion", cfg->cni_version));
}

static int run(const struct cni_config *cfg, const struct cni_env *env, struct cni_error *err)
{
	int r;

	switch (env->command) {
	case CNI_CMD_ADD:
		r = cni_add(cfg, env, err);
		return r < 0 ? r : print_add_result(cfg);
	case CNI_CMD_DEL:
		return cni_del(cfg, env, err);
	case CNI_CMD_CHECK:
		if (!cni_version_has_check(cfg->cni_version))
			return cni_fail(err, CNI_ERR_VERSION, NULL,
					"cniVersion %s has no CHECK (0.4.0 and later have)",
					cfg->cni_version);
		return cni_check(cfg, env, err);
	default:
		return cni_fail(err, CNI_ERR_ENV, NULL, "unexpected CNI_COMMAND");
	}
}

int main(int argc, char **argv)
{
	_cleanup_(cni_config_done) struct cni_config cfg = {};
	struct cni_error err = {};
	struct cni_env env;
	int r;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		usage(help ? stdout : stderr);
		return help ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	r = cni_env_command(&env, get_env, &err);
	if (r == 0 && env.command == CNI_CMD_VERSION)
		return print_version() == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (r == 0)
		r = read_config(&cfg, &err);
	if (r == 0)
		r = cni_env_parse(&env, get_env, &err);
	if (r == 0)
		r = run(&cfg, &env, &err);
	if (r < 0 && err.code == CNI_OK)
		return EXIT_FAILURE;	/* stdout itself failed: nothing more to say */
	if (r < 0)
		return print_error(cfg.cni_version, &err);
	return EXIT_SUCCESS;
}
