/*
 * yaml_scalar.c: the typed readers of yamlrd.h. Each takes the value node
 * (NULL: key absent) and the key it belongs to, and returns 1 when it
 * stored a value, 0 when the key is absent, -1 after reporting an error
 * at the value, with what was expected and, where a typo is likely, what
 * was probably meant.
 */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/yamlrd.h"

int
yrd_str(struct yrd *y, yaml_node_t *n, const char *key, char **out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "a string")) == NULL)
		return -1;
	if (yrd_strdup(y, v, out) == -1)
		return -1;
	return 1;
}

/* A name: a non-empty string. */
int
yrd_name(struct yrd *y, yaml_node_t *n, const char *key, char **out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "a name")) == NULL)
		return -1;
	if (*v == '\0') {
		yrd_err(y, n, "'%s' must not be empty", key);
		return -1;
	}
	if (strlen(v) > YRD_MAXNAME) {
		yrd_err(y, n, "'%s' is %zu characters long; ftsim reads names "
		    "of at most %d (Azure's are at most 80)", key, strlen(v),
		    YRD_MAXNAME);
		return -1;
	}
	if (yrd_strdup(y, v, out) == -1)
		return -1;
	return 1;
}

int
yrd_bool(struct yrd *y, yaml_node_t *n, const char *key, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	const char *v;
	size_t i;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "a boolean")) == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 1;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 1;
		}
	}
	yrd_err(y, n, "expected a boolean for '%s' (true or false), got '%s'",
	    key, v);
	return -1;
}

/* A plain decimal integer in [lo, hi]: digits only, no sign, no leading
 * zero (YAML 1.1 would read 010 as octal). */
int
yrd_uint(struct yrd *y, yaml_node_t *n, const char *key, unsigned long lo,
    unsigned long hi, unsigned long *out)
{
	const char *v, *c;
	unsigned long x = 0;
	bool big = false;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "an integer")) == NULL)
		return -1;
	for (c = v; isdigit((unsigned char)*c); c++) {
		if (x > (ULONG_MAX - 9) / 10)
			big = true;
		else
			x = x * 10 + (unsigned long)(*c - '0');
	}
	if (*v == '\0' || *c != '\0' || (v[0] == '0' && v[1] != '\0')) {
		yrd_err(y, n, "expected a decimal integer for '%s', got '%s'",
		    key, v);
		return -1;
	}
	if (big || x < lo || x > hi) {
		yrd_err(y, n, "'%s' must be between %lu and %lu, got %s", key,
		    lo, hi, v);
		return -1;
	}
	*out = x;
	return 1;
}

int
yrd_ip_text(struct yrd *y, yaml_node_t *n, const char *key, const char *v,
    uint32_t *out)
{
	int err;

	if ((err = ip_parse(v, out)) == 0)
		return 1;
	if (err == PFX_ERANGE)
		yrd_err(y, n, "bad IP address '%s' for '%s': octet above 255",
		    v, key);
	else
		yrd_err(y, n, "bad IP address '%s' for '%s': expected four "
		    "decimal octets a.b.c.d", v, key);
	return -1;
}

int
yrd_ip(struct yrd *y, yaml_node_t *n, const char *key, uint32_t *out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "an IP address")) == NULL)
		return -1;
	return yrd_ip_text(y, n, key, v, out);
}

/* The prefix a user with host bits set most likely meant, into hint. */
static int
yrd_pfx_hint(const char *v, char hint[PFX_STRLEN])
{
	char buf[PFX_STRLEN], *slash, *end;
	size_t n = strlen(v);
	unsigned long len;
	uint32_t ip;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n + 1);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash++ = '\0';
	if (ip_parse(buf, &ip) != 0 || !isdigit((unsigned char)*slash))
		return -1;
	len = strtoul(slash, &end, 10);
	if (*end != '\0' || len > 32)
		return -1;
	pfx_format(pfx_make(ip, (uint8_t)len), hint);
	return 0;
}

static int
yrd_pfx_text(struct yrd *y, yaml_node_t *n, const char *key, const char *v,
    struct pfx *out)
{
	char hint[PFX_STRLEN];
	int err;

	if ((err = pfx_parse(v, out)) == 0)
		return 1;
	if (err == PFX_EHOSTBITS && yrd_pfx_hint(v, hint) == 0)
		yrd_err(y, n, "bad prefix '%s' for '%s': %s; did you mean %s?",
		    v, key, pfx_strerror(err), hint);
	else
		yrd_err(y, n, "bad prefix '%s' for '%s': %s", v, key,
		    pfx_strerror(err));
	return -1;
}

int
yrd_pfx(struct yrd *y, yaml_node_t *n, const char *key, struct pfx *out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "a prefix")) == NULL)
		return -1;
	return yrd_pfx_text(y, n, key, v, out);
}

/* A list of prefixes; an empty list is an error when required. */
int
yrd_pfx_list(struct yrd *y, yaml_node_t *n, const char *key, bool required,
    struct pfx **out, size_t *nout)
{
	yaml_node_item_t *it;
	size_t i, count;
	int rc = 1;

	if (n == NULL)
		return 0;
	if (yrd_list(y, n, key, NULL, &it, &count) == -1)
		return -1;
	if (count == 0 && required) {
		yrd_err(y, n, "'%s' must not be empty", key);
		return -1;
	}
	if ((*out = yrd_calloc(y, count, sizeof(**out))) == NULL)
		return -1;
	*nout = count;
	for (i = 0; i < count && !y->stop; i++)
		if (yrd_pfx(y, yrd_node(y, it[i]), key, &(*out)[i]) == -1)
			rc = -1;
	return rc;
}

/* An IP address or a list of them (ECMP next hops, DNS answers). */
int
yrd_ip_list(struct yrd *y, yaml_node_t *n, const char *key, bool scalar_ok,
    uint32_t **out, size_t *nout)
{
	yaml_node_item_t one, *it;
	size_t i, count;
	int rc = 1;

	if (n == NULL)
		return 0;
	if (yrd_list(y, n, key, scalar_ok ? &one : NULL, &it, &count) == -1)
		return -1;
	if ((*out = yrd_calloc(y, count, sizeof(**out))) == NULL)
		return -1;
	*nout = count;
	for (i = 0; i < count && !y->stop; i++)
		if (yrd_ip(y, yrd_node(y, it[i]), key, &(*out)[i]) == -1)
			rc = -1;
	return rc;
}

int
yrd_str_list(struct yrd *y, yaml_node_t *n, const char *key, char ***out,
    size_t *nout)
{
	yaml_node_item_t *it;
	size_t i, count;
	int rc = 1;

	if (n == NULL)
		return 0;
	if (yrd_list(y, n, key, NULL, &it, &count) == -1)
		return -1;
	if ((*out = yrd_calloc(y, count, sizeof(**out))) == NULL)
		return -1;
	*nout = count;
	for (i = 0; i < count && !y->stop; i++)
		if (yrd_name(y, yrd_node(y, it[i]), key, &(*out)[i]) == -1)
			rc = -1;
	return rc;
}

/* Whether a port range that portrange_parse refused has two valid ports
 * in the wrong order, rather than a port out of range. */
static bool
yrd_upside_down(const char *v)
{
	struct portrange lo, hi;
	char buf[16];
	const char *dash = strchr(v, '-');

	if (dash == NULL || (size_t)(dash - v) >= sizeof(buf))
		return false;
	memcpy(buf, v, (size_t)(dash - v));
	buf[dash - v] = '\0';
	return portrange_parse(buf, &lo) == 0 &&
	    portrange_parse(dash + 1, &hi) == 0 && lo.lo > hi.lo;
}

/* '*', a port, 'lo-hi', or a list of them. */
int
yrd_ports(struct yrd *y, yaml_node_t *n, const char *key,
    struct port_spec *out)
{
	yaml_node_item_t one, *it;
	yaml_node_t *item;
	const char *v;
	size_t i, count;
	int err, rc = 1;

	if (n == NULL || yrd_isnull(n))
		return 0;
	if (yrd_list(y, n, key, &one, &it, &count) == -1)
		return -1;
	if (count == 0) {
		yrd_err(y, n, "'%s' must not be empty", key);
		return -1;
	}
	if ((out->r = yrd_calloc(y, count, sizeof(*out->r))) == NULL)
		return -1;
	out->n = count;
	for (i = 0; i < count && !y->stop; i++) {
		item = yrd_node(y, it[i]);
		if ((v = yrd_scalar(y, item, key, "a port")) == NULL) {
			rc = -1;
			continue;
		}
		if ((err = portrange_parse(v, &out->r[i])) == 0)
			continue;
		if (err == PFX_EPORT && strchr(v, '-') == NULL)
			yrd_err(y, item, "bad port '%s' for '%s': above 65535",
			    v, key);
		else if (err == PFX_EPORT && yrd_upside_down(v))
			yrd_err(y, item, "bad port range '%s' for '%s': it "
			    "starts above where it ends (write it lo-hi)", v,
			    key);
		else if (err == PFX_EPORT)
			yrd_err(y, item, "bad port range '%s' for '%s': a port "
			    "above 65535", v, key);
		else
			yrd_err(y, item, "bad port '%s' for '%s': expected "
			    "'*', a port 0-65535 or a range lo-hi", v, key);
		rc = -1;
	}
	return rc;
}

/* The whole port space, for a port list left out. */
int
yrd_ports_any(struct yrd *y, struct port_spec *out)
{
	if (out->n > 0)
		return 0;
	if ((out->r = yrd_calloc(y, 1, sizeof(*out->r))) == NULL)
		return -1;
	out->r[0].lo = 0;
	out->r[0].hi = 65535;
	out->n = 1;
	return 0;
}

static int
yrd_addr_item(struct yrd *y, yaml_node_t *n, const char *key,
    struct addr_item *it)
{
	const char *v;

	if ((v = yrd_scalar(y, n, key, "an address or a service tag")) == NULL)
		return -1;
	if (isdigit((unsigned char)*v))
		return yrd_pfx_text(y, n, key, v, &it->pfx);
	if (!tag_name_ok(v)) {
		yrd_err(y, n, "'%s' for '%s' is neither an address prefix nor "
		    "a service tag", v, key);
		return -1;
	}
	it->is_tag = true;
	if (yrd_strdup(y, v, &it->tag) == -1)
		return -1;
	return 1;
}

/* An NSG source or destination: '*', a prefix, a tag, or a list. A '*'
 * (or Any, as the portal shows it) in a list makes the whole address
 * any. */
int
yrd_addrs(struct yrd *y, yaml_node_t *n, const char *key,
    struct addr_spec *out)
{
	yaml_node_item_t one, *it;
	yaml_node_t *item;
	size_t i, count;
	int rc = 1;

	if (n == NULL || yrd_isnull(n)) {
		out->any = true;
		return 0;
	}
	if (yrd_list(y, n, key, &one, &it, &count) == -1 ||
	    scn_limit(y, n, SCN_LIM_RULE_ADDRS, count, NULL) == -1)
		return -1;
	if (count == 0) {
		yrd_err(y, n, "'%s' must not be empty", key);
		return -1;
	}
	for (i = 0; i < count; i++) {
		item = yrd_node(y, it[i]);
		if (item->type == YAML_SCALAR_NODE &&
		    (strcmp(yrd_text(item), "*") == 0 ||
		    strcasecmp(yrd_text(item), "Any") == 0))
			out->any = true;
	}
	if (out->any)
		return 1;
	if ((out->items = yrd_calloc(y, count, sizeof(*out->items))) == NULL)
		return -1;
	out->n = count;
	for (i = 0; i < count && !y->stop; i++)
		if (yrd_addr_item(y, yrd_node(y, it[i]), key,
		    &out->items[i]) == -1)
			rc = -1;
	return rc;
}

int
yrd_proto(struct yrd *y, yaml_node_t *n, const char *key, unsigned *out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "a protocol")) == NULL)
		return -1;
	if (proto_parse(v, out) == -1) {
		yrd_err(y, n, "unknown protocol '%s' for '%s' (Tcp, Udp, Icmp, "
		    "Esp, Ah or *)", v, key);
		return -1;
	}
	return 1;
}

/* One of a few words, case-insensitive; its index into *out. */
int
yrd_word(struct yrd *y, yaml_node_t *n, const char *key,
    const char *const *words, size_t nwords, const char *list, int *out)
{
	const char *v;
	size_t i;

	if (n == NULL)
		return 0;
	if ((v = yrd_scalar(y, n, key, "a value")) == NULL)
		return -1;
	for (i = 0; i < nwords; i++) {
		if (strcasecmp(v, words[i]) == 0) {
			*out = (int)i;
			return 1;
		}
	}
	yrd_err(y, n, "'%s' must be %s, got '%s'", key, list, v);
	return -1;
}

