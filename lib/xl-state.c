/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* State file: JSON encoding, strict decoding, atomic write. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl-state.h"
#include "xl-util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

void xl_state_clear(struct xl_state *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free((char *)st->att[i].name);
		free((char *)st->att[i].object);
		free((char *)st->att[i].label);
		free((char *)st->att[i].owner);
	}
	memset(st, 0, sizeof(*st));
}

static int dup_opt(const char **dst, const char *src)
{
	*dst = NULL;
	if (src && !(*dst = strdup(src)))
		return -ENOMEM;
	return 0;
}

int xl_state_copy(struct xl_state *dst, const struct xl_state *src)
{
	*dst = *src;
	dst->n = 0;
	for (size_t i = 0; i < src->n; i++) {
		struct xl_attachment *a = &dst->att[i];

		dst->n = i + 1;
		if (dup_opt(&a->name, src->att[i].name) || dup_opt(&a->object, src->att[i].object) ||
		    dup_opt(&a->label, src->att[i].label) || dup_opt(&a->owner, src->att[i].owner)) {
			xl_state_clear(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

static json_t *att_to_json(const struct xl_attachment *a)
{
	return json_pack("{s:I, s:I, s:i, s:I, s:b, s:s, s:s*, s:s*, s:s*, s:I, s:b}",
			 "id", (json_int_t)a->id, "prog_id", (json_int_t)a->prog_id,
			 "priority", a->priority, "chain_actions", (json_int_t)a->chain_actions,
			 "frags", a->frags, "name", a->name, "object", a->object,
			 "label", a->label, "owner", a->owner,
			 "counter_row", (json_int_t)a->counter_row, "connection", a->connection);
}

int xl_state_format(const struct xl_state *st, char **ret)
{
	_cleanup_json_ json_t *root = NULL;
	json_t *atts;
	char *text;

	atts = json_array();
	if (!atts)
		return -ENOMEM;
	for (size_t i = 0; i < st->n; i++)
		if (json_array_append_new(atts, att_to_json(&st->att[i])) < 0) {
			json_decref(atts);
			return -ENOMEM;
		}
	root = json_pack("{s:i, s:I, s:I, s:i, s:s, s:b, s:b, s:I, s:o}",
			 "version", XL_STATE_VERSION, "revision", (json_int_t)st->revision,
			 "netns_cookie", (json_int_t)st->netns_cookie, "ifindex", st->ifindex,
			 "mode", st->mode == XL_MODE_SKB ? "skb" : "native",
			 "counters", st->counters, "direct", st->direct,
			 "next_id", (json_int_t)st->next_id, "attachments", atts);
	if (!root)
		return -ENOMEM;
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		return -ENOMEM;
	*ret = text;
	return 0;
}

static bool in_range(json_int_t v, json_int_t lo, json_int_t hi)
{
	return v >= lo && v <= hi;
}

static int att_from_json(json_t *j, struct xl_attachment *a)
{
	const char *name = NULL, *object = NULL, *label = NULL, *owner = NULL;
	json_int_t id, prog_id, actions, row;
	int prio, frags, connection = 0;

	/* "connection" is optional: states written before it existed. */
	if (json_unpack(j, "{s:I, s:I, s:i, s:I, s:b, s:s, s?s, s?s, s?s, s:I, s?b !}",
			"id", &id, "prog_id", &prog_id, "priority", &prio,
			"chain_actions", &actions, "frags", &frags, "name", &name,
			"object", &object, "label", &label, "owner", &owner,
			"counter_row", &row, "connection", &connection) < 0)
		return -EBADMSG;
	if (!in_range(id, 1, UINT32_MAX) || !in_range(prog_id, 0, UINT32_MAX) ||
	    !in_range(prio, 0, XL_PRIORITY_MAX) || !in_range(actions, 0, UINT32_MAX) ||
	    !in_range(row, 0, XL_MAX_PROGS - 1))
		return -EBADMSG;
	a->id = (__u32)id;
	a->prog_id = (__u32)prog_id;
	a->priority = prio;
	a->chain_actions = (__u32)actions;
	a->frags = frags;
	a->counter_row = (__u32)row;
	a->connection = connection;
	if (dup_opt(&a->name, name) || dup_opt(&a->object, object) ||
	    dup_opt(&a->label, label) || dup_opt(&a->owner, owner))
		return -ENOMEM;
	return 0;
}

static int header_from_json(json_t *root, struct xl_state *st, json_t **ret_atts)
{
	json_int_t rev, cookie, next_id;
	const char *mode;
	int version, ifindex, counters, direct;

	if (json_unpack(root, "{s:i, s:I, s:I, s:i, s:s, s:b, s:b, s:I, s:o !}",
			"version", &version, "revision", &rev, "netns_cookie", &cookie,
			"ifindex", &ifindex, "mode", &mode, "counters", &counters,
			"direct", &direct, "next_id", &next_id, "attachments", ret_atts) < 0)
		return -EBADMSG;
	if (version != XL_STATE_VERSION || rev < 1 || ifindex < 1 ||
	    !in_range(next_id, 1, UINT32_MAX) || !json_is_array(*ret_atts) ||
	    json_array_size(*ret_atts) > XL_MAX_PROGS)
		return -EBADMSG;
	if (strcmp(mode, "native") == 0)
		st->mode = XL_MODE_NATIVE;
	else if (strcmp(mode, "skb") == 0)
		st->mode = XL_MODE_SKB;
	else
		return -EBADMSG;
	st->revision = (__u64)rev;
	st->netns_cookie = (__u64)cookie;
	st->ifindex = ifindex;
	st->counters = counters;
	st->direct = direct;
	st->next_id = (__u32)next_id;
	return 0;
}

int xl_state_parse(const char *text, struct xl_state *ret)
{
	_cleanup_json_ json_t *root = NULL;
	struct xl_state st = {};
	json_t *atts, *j;
	size_t i;
	int r;

	root = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return -EBADMSG;
	r = header_from_json(root, &st, &atts);
	if (r < 0)
		return r;
	json_array_foreach(atts, i, j) {
		st.n = i + 1;
		r = att_from_json(j, &st.att[i]);
		if (r < 0 || st.att[i].id >= st.next_id) {
			xl_state_clear(&st);
			return r < 0 ? r : -EBADMSG;
		}
	}
	*ret = st;
	return 0;
}

static int fsync_dir_of(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int fd = -EBADF;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int xl_state_write(const char *path, const struct xl_state *st)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -EBADF;
	char tmp[PATH_MAX];
	int r;

	r = xl_state_format(st, &text);
	if (r < 0)
		return r;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (r == 0)
		r = write_all(fd, "\n", 1);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return fsync_dir_of(path);
}

int xl_state_read(const char *path, struct xl_state *ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	long size;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0)
		return -errno;
	if (size > (1 << 20))
		return -EBADMSG;
	text = malloc((size_t)size + 1);
	if (!text)
		return -ENOMEM;
	len = fread(text, 1, (size_t)size, f);
	if (ferror(f))
		return -EIO;
	text[len] = '\0';
	return xl_state_parse(text, ret);
}
