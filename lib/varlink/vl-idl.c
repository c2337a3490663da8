/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink interface descriptions: a checker for the spec's grammar, names included. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vl-idl.h"
#include "vl-message.h"

/*
 * The grammar, as varlink.org gives it (comments run from '#' to the end
 * of the line and count as white space):
 *   interface  = "interface" name-rd member+
 *   member     = "type" Name (struct | enum)
 *              | "method" Name struct "->" struct
 *              | "error" Name struct
 *   struct     = "(" [field-name ":" type ("," field-name ":" type)*] ")"
 *   enum       = "(" field-name ("," field-name)* ")"
 *   type       = ["?"] ("bool" | "int" | "float" | "string" | "object" | Name
 *                      | "[]" type | "[string]" type | struct | enum)
 *   Name       = [A-Z][A-Za-z0-9]*
 *   field-name = [A-Za-z]([_]?[A-Za-z0-9])*
 * Field names and enum values share a grammar: no '-', no "__", no
 * leading or trailing '_'. A "?" type cannot be "?" again.
 */
struct idl {
	const char *text, *p;
	const char *why;        /* set on the first failure */
	const char *where;
};

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool fail(struct idl *x, const char *why)
{
	if (!x->why) {
		x->why = why;
		x->where = x->p;
	}
	return false;
}

static void skip_space(struct idl *x)
{
	for (;;) {
		if (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r')
			x->p++;
		else if (*x->p == '#')
			x->p += strcspn(x->p, "\n");
		else
			return;
	}
}

/* A token that is not the start of a longer word. */
static bool accept(struct idl *x, const char *tok)
{
	size_t n = strlen(tok);

	skip_space(x);
	if (strncmp(x->p, tok, n) != 0 || (is_alpha(tok[n - 1]) && is_alnum(x->p[n])))
		return false;
	x->p += n;
	return true;
}

static bool expect(struct idl *x, const char *tok, const char *why)
{
	return accept(x, tok) || fail(x, why);
}

/* The spec's field-name; the whole word must match, or "a-b" would pass as "a". */
static bool field_name(struct idl *x)
{
	const char *p;

	skip_space(x);
	p = x->p;
	if (!is_alpha(*p))
		return fail(x, "expected a field name or enum value");
	for (p++; is_alnum(*p) || *p == '_'; p++)
		if (*p == '_' && !is_alnum(p[1]))
			break;
	if (*p == '_' || *p == '-' || is_alnum(*p)) {
		x->p = p;
		return fail(x, "field names and enum values are [A-Za-z]([_]?[A-Za-z0-9])*");
	}
	x->p = p;
	return true;
}

static bool member_name(struct idl *x)
{
	const char *p;

	skip_space(x);
	p = x->p;
	if (!(*p >= 'A' && *p <= 'Z'))
		return fail(x, "type, method and error names are [A-Z][A-Za-z0-9]*");
	while (is_alnum(*p))
		p++;
	if (*p == '_' || *p == '-')
		return fail(x, "type, method and error names are [A-Z][A-Za-z0-9]*");
	x->p = p;
	return true;
}

static bool type(struct idl *x);

/* "(" already taken: fields with types (a struct), or bare names (an enum). */
static bool struct_or_enum(struct idl *x, bool enum_allowed)
{
	bool is_enum = false;

	if (accept(x, ")"))
		return true;
	for (unsigned i = 0;; i++) {
		if (!field_name(x))
			return false;
		if (i == 0)
			is_enum = !accept(x, ":");
		else if (!is_enum && !expect(x, ":", "expected ':' and a type"))
			return false;
		if (is_enum && !enum_allowed)
			return fail(x, "expected ':' and a type");
		if (!is_enum && !type(x))
			return false;
		if (accept(x, ")"))
			return true;
		if (!expect(x, ",", "expected ',' or ')'"))
			return false;
	}
}

static bool type(struct idl *x)
{
	static const char *const builtin[] = { "bool", "int", "float", "string", "object" };

	if (accept(x, "?")) {
		skip_space(x);
		if (*x->p == '?')
			return fail(x, "a '?' type cannot be '?' again");
	}
	if (accept(x, "[]") || accept(x, "[string]"))
		return type(x);
	if (accept(x, "("))
		return struct_or_enum(x, true);
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (accept(x, builtin[i]))
			return true;
	return member_name(x);
}

static bool member(struct idl *x)
{
	if (accept(x, "type"))
		return member_name(x) && expect(x, "(", "expected '(' after a type name") &&
		       struct_or_enum(x, true);
	if (accept(x, "method"))
		return member_name(x) && expect(x, "(", "expected '(' after a method name") &&
		       struct_or_enum(x, false) && expect(x, "->", "expected '->'") &&
		       expect(x, "(", "expected '(' after '->'") && struct_or_enum(x, false);
	if (accept(x, "error"))
		return member_name(x) && expect(x, "(", "expected '(' after an error name") &&
		       struct_or_enum(x, false);
	return fail(x, "expected type, method or error");
}

/* The reverse-domain name: up to the end of its line, checked as the server checks it. */
static bool interface_name(struct idl *x, char *buf, size_t size)
{
	size_t n;

	skip_space(x);
	n = strcspn(x->p, " \t\r\n#");
	if (n == 0 || n >= size)
		return fail(x, "expected an interface name");
	memcpy(buf, x->p, n);
	buf[n] = '\0';
	if (!vl_interface_name_is_valid(buf))
		return fail(x, "malformed interface name");
	x->p += n;
	return true;
}

int vl_idl_validate(const char *text, char *ret_name, size_t name_size, unsigned *ret_line,
		    const char **ret_why)
{
	struct idl x = { .text = text, .p = text };
	char name[256];
	unsigned n = 0, line = 1;
	bool ok;

	assert(text);
	ok = expect(&x, "interface", "expected 'interface'") &&
	     interface_name(&x, name, sizeof(name));
	while (ok) {
		skip_space(&x);
		if (*x.p == '\0')
			break;
		ok = member(&x);
		n++;
	}
	if (ok && n == 0)
		ok = fail(&x, "an interface declares at least one member");
	if (ok) {
		if (ret_name && snprintf(ret_name, name_size, "%s", name) >= (int)name_size)
			return -ENAMETOOLONG;
		return 0;
	}
	for (const char *p = text; p < x.where; p++)
		line += *p == '\n';
	if (ret_line)
		*ret_line = line;
	if (ret_why)
		*ret_why = x.why;
	return -EINVAL;
}
