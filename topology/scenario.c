/*
 * scenario.c: the YAML scenario loader of scenario.h.
 *
 * The file is read whole. A pass over libyaml's events refuses aliases
 * (which also defuses alias bombs), nesting deeper than SCN_MAXDEPTH and
 * a second document before any tree is built. The document API then
 * builds the tree, every node with its line and column. A walk over the
 * bare tree checks that it is one (no node reached twice, no deep
 * nesting); the readers then take the sections in the order references
 * need them: route tables and NSGs before the subnets that name them,
 * VNets before VMs and circuits, dns: before flows. Names are checked for
 * duplicates and resolved through sorted indexes, so that large
 * scenarios load in n log n.
 *
 * Errors do not stop the walk: each one is recorded and reading goes on,
 * up to SCN_MAXERRORS messages, so that one run shows most of what is
 * wrong. The messages are then put in document order. Any error frees
 * the topology; the caller never sees a half-filled model.
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

#include "topology/names.h"
#include "topology/scenario.h"

#define SCN_MAXDEPTH	64		/* collections, the root is 1 */
#define SCN_MAXERRORS	50		/* messages one load records */
#define SCN_MAXKEYS	16		/* keys of the largest mapping */
#define SCN_MAXGEN	1000000		/* advertised_generate count */
#define SCN_MAXWORD	64		/* longest word suggestions see */
#define SCN_MAXNAME	255		/* a name fits a trace's node (walk.h) */

/*
 * An entry of a sorted index: a name or a number, in a scope, with the
 * element it stands for. Sorting brings duplicates next to each other,
 * the first definition first, and lets references be found by bisection.
 * key holds the scope (the VNet of a subnet) or the whole number (the
 * prefix of a route); name is NULL when only key matters.
 */
struct scn_ent {
	uint64_t key;
	const char *name;
	struct srcpos pos;
	size_t idx;
};

struct scn_index {
	struct scn_ent *e;
	size_t n, cap;
};

/*
 * The loader's state for one file. nerr counts every error found, also
 * those past the cap; stop ends the walk (cap reached or out of memory).
 * The bad_* flags tell that a section had errors: references into it are
 * then not checked, since a name may be missing only because its
 * definition was wrong.
 */
struct scn {
	struct topo *t;
	struct diag *d;
	const char *buf;		/* the text, for a second look */
	size_t len;
	yaml_document_t *doc;
	size_t nerr;
	bool stop;
	bool capped;
	struct srcpos cap_pos;
	unsigned char *seen;		/* first walk: node visited */
	bool bad_vnets, bad_vms, bad_rtables, bad_nsgs, bad_dns;
	struct scn_index ivnet, isubnet, ivm, irtable, insg;
	struct scn_index ispace;	/* subnet prefixes, by VNet */
	struct scn_index iaddr;		/* VM addresses, by VNet */
	yaml_node_t **peerings;		/* per VNet: its peerings */
};

/* One key a fixed-key mapping may hold. */
struct scn_key {
	const char *name;
	bool required;
};

/*
 * A mapping read against its table of keys: the key and value node of
 * each known key, NULL when absent. what names the mapping in messages
 * ("subnet"), pos is where it starts.
 */
struct scn_map {
	const struct scn_key *keys;
	size_t nkeys;
	const char *what;
	yaml_node_t *key[SCN_MAXKEYS];
	yaml_node_t *val[SCN_MAXKEYS];
	struct srcpos pos;
};

/*
 * The limits of scenario.h. Azure's figures are those of "Networking
 * limits - Azure Resource Manager" (azure-docs
 * includes/azure-virtual-network-limits.md) and, for circuits' prefixes,
 * the ExpressRoute limits [er-limits]: above 4,000 (10,000 on Premium)
 * the BGP session drops, which sim/route.c models, so no warning here.
 * The caps keep memory bounded: a flow's result takes close to 100 KB, and
 * every subnet's effective route table holds the BGP and user routes
 * (sim_new caps the total).
 */
const struct scenario_limit scenario_limits[SCN_LIM_N] = {
	[SCN_LIM_ROUTES] = { "routes", "route table", 400, "per route table",
	    10000 },
	[SCN_LIM_RTABLES] = { "route tables", "scenario", 200,
	    "per region and subscription", 10000 },
	[SCN_LIM_RULES] = { "rules", "nsg", 1000, "per NSG", 10000 },
	[SCN_LIM_NSGS] = { "nsgs", "scenario", 5000,
	    "per region and subscription", 10000 },
	[SCN_LIM_RULE_ADDRS] = { "addresses", "rule", 4000,
	    "in a rule's source or destination", 40000 },
	[SCN_LIM_VNETS] = { "vnets", "scenario", 1000,
	    "per region and subscription", 10000 },
	[SCN_LIM_SUBNETS] = { "subnets", "vnet", 3000, "per virtual network",
	    10000 },
	[SCN_LIM_PEERINGS] = { "peerings", "vnet", 500, "per virtual network",
	    10000 },
	[SCN_LIM_VMS] = { "vms", "scenario", 65536,
	    "network interfaces per region and subscription", 100000 },
	[SCN_LIM_CIRCUITS] = { "expressroute circuits", "scenario", 0, NULL,
	    1000 },
	[SCN_LIM_ADVERTISED] = { "advertised prefixes", "expressroute circuit",
	    0, NULL, SCN_MAXGEN },
	[SCN_LIM_BLOCKS] = { "block filters", "onprem", 0, NULL, 10000 },
	[SCN_LIM_DNS] = { "names", "dns", 0, NULL, 100000 },
	[SCN_LIM_FLOWS] = { "flows", "scenario", 0, NULL, 1000 },
};

/*
 * Messages.
 */

static struct srcpos
scn_mark(const struct scn *s, yaml_mark_t mk)
{
	struct srcpos p = { s->t->file, (int)mk.line + 1, (int)mk.column + 1 };

	return p;
}

static struct srcpos
scn_pos(const struct scn *s, const yaml_node_t *n)
{
	return scn_mark(s, n->start_mark);
}

/*
 * Record an error. Past the cap the walk stops; the last slot is kept for
 * a note saying so, added once the messages are sorted.
 */
static void
scn_verr(struct scn *s, struct srcpos pos, const char *fmt, va_list ap)
{
	s->nerr++;
	if (s->stop)
		return;
	if (s->nerr >= SCN_MAXERRORS) {
		s->stop = true;
		s->capped = true;
		s->cap_pos = pos;
		return;
	}
	diag_vadd(s->d, DIAG_ERROR, pos, fmt, ap);
}

static void __attribute__((format(printf, 3, 4)))
scn_errp(struct scn *s, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verr(s, pos, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 4)))
scn_err(struct scn *s, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verr(s, scn_pos(s, n), fmt, ap);
	va_end(ap);
}

/* A warning: the scenario still loads. */
static void __attribute__((format(printf, 3, 4)))
scn_warn(struct scn *s, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(s->d, DIAG_WARNING, scn_pos(s, n), fmt, ap);
	va_end(ap);
}

/* Out of memory ends the load; the message bypasses the cap. */
static int
scn_nomem(struct scn *s)
{
	struct srcpos pos = { s->t->file, 1, 1 };

	if (!s->stop)
		diag_error(s->d, pos, "out of memory");
	s->nerr++;
	s->stop = true;
	return -1;
}

static int
scn_strdup(struct scn *s, const char *v, char **out)
{
	if ((*out = strdup(v)) == NULL)
		return scn_nomem(s);
	return 0;
}

/* A zeroed array of n elements (one for n == 0, so that NULL only ever
 * means failure); NULL after reporting. */
static void *
scn_calloc(struct scn *s, size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n > 0 ? n : 1, size)) == NULL)
		(void)scn_nomem(s);
	return p;
}

/*
 * Suggestions: the Levenshtein distance, case-insensitive, of two short
 * words, and whether it is small enough to call one a typo of the other.
 */
static size_t
scn_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, diag, up, cost;
	size_t row[SCN_MAXWORD + 1];

	if (la > SCN_MAXWORD || lb > SCN_MAXWORD)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			row[j] = diag + cost;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

static bool
scn_close(const char *typed, const char *cand, size_t *best)
{
	size_t dist = scn_distance(typed, cand), limit = strlen(cand) / 3;

	if (limit < 2)
		limit = 2;
	if (dist > limit || dist >= strlen(typed) || dist >= *best)
		return false;
	*best = dist;
	return true;
}

/*
 * Nodes and their kinds.
 */

static yaml_node_t *
scn_node(const struct scn *s, int idx)
{
	return yaml_document_get_node(s->doc, idx);
}

static const char *
scn_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty, ~ or null scalar, or one tagged !!null. */
static bool
scn_isnull(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE)
		return false;
	if (n->tag != NULL && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
		return true;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = scn_text(n);
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static const char *
scn_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return scn_isnull(n) ? "an empty value" : "a scalar";
	}
}

/* The text of a scalar that must be there; NULL after an error. */
static const char *
scn_scalar(struct scn *s, yaml_node_t *n, const char *key, const char *want)
{
	if (n->type != YAML_SCALAR_NODE || scn_isnull(n)) {
		scn_err(s, n, "expected %s for '%s', got %s", want, key,
		    scn_kind(n));
		return NULL;
	}
	return scn_text(n);
}

/*
 * The items of a list; an empty value is an empty list. With one != NULL
 * a scalar is taken as a list of itself (addresses, ports).
 */
static int
scn_list(struct scn *s, yaml_node_t *n, const char *key,
    yaml_node_item_t *one, yaml_node_item_t **items, size_t *count)
{
	*items = NULL;
	*count = 0;
	if (scn_isnull(n))
		return 0;
	if (n->type == YAML_SEQUENCE_NODE) {
		*items = n->data.sequence.items.start;
		*count = (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
		return 0;
	}
	if (one != NULL && n->type == YAML_SCALAR_NODE) {
		*one = (yaml_node_item_t)(n - s->doc->nodes.start) + 1;
		*items = one;
		*count = 1;
		return 0;
	}
	scn_err(s, n, "expected a list for '%s', got %s", key, scn_kind(n));
	return -1;
}

/*
 * Check count items of list n against limit l of its owner (NULL: the
 * scenario, or a name): -1 after an error above ftsim's cap, 0 else, with
 * a warning above Azure's limit.
 */
static int
scn_limit(struct scn *s, const yaml_node_t *n, enum scenario_lim l,
    size_t count, const char *name)
{
	const struct scenario_limit *lim = &scenario_limits[l];
	char owner[128];

	if (count <= lim->cap && (lim->azure == 0 || count <= lim->azure))
		return 0;
	if (strcmp(lim->owner, "scenario") == 0 || name == NULL)
		(void)snprintf(owner, sizeof(owner), "the %s", lim->owner);
	else
		(void)snprintf(owner, sizeof(owner), "%s '%.64s'", lim->owner,
		    name);
	if (count > lim->cap && lim->azure > 0) {
		scn_err(s, n, "%s has %zu %s; ftsim reads at most %zu (Azure "
		    "allows %zu %s)", owner, count, lim->what, lim->cap,
		    lim->azure, lim->scope);
		return -1;
	}
	if (count > lim->cap) {
		scn_err(s, n, "%s has %zu %s; ftsim reads at most %zu", owner,
		    count, lim->what, lim->cap);
		return -1;
	}
	scn_warn(s, n, "%s has %zu %s; Azure allows at most %zu %s "
	    "(simulated anyway)", owner, count, lim->what, lim->azure,
	    lim->scope);
	return 0;
}

static size_t
scn_key_find(const struct scn_key *keys, size_t nkeys, const char *name)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].name, name) == 0)
			break;
	return i;
}

/* Report an unknown key with the closest known one; returns the index
 * of that key, or nkeys when none is close. */
static size_t
scn_unknown_key(struct scn *s, const yaml_node_t *k, const struct scn_map *m)
{
	const char *typed = scn_text(k);
	size_t i, best = SIZE_MAX, hint = m->nkeys;

	for (i = 0; i < m->nkeys; i++)
		if (scn_close(typed, m->keys[i].name, &best))
			hint = i;
	if (hint < m->nkeys)
		scn_err(s, k, "unknown key '%s' in %s; did you mean '%s'?",
		    typed, m->what, m->keys[hint].name);
	else
		scn_err(s, k, "unknown key '%s' in %s", typed, m->what);
	return hint;
}

/*
 * Read a mapping against its key table. Unknown, duplicate and missing
 * keys are reported and the rest is still filled in; -1 only when n is
 * not a mapping at all. An empty value is an empty mapping. A required
 * key that is missing because it was misspelt is reported once, at the
 * misspelling, with its suggestion.
 */
static int
scn_map_read(struct scn *s, yaml_node_t *n, const char *ctx, const char *what,
    const struct scn_key *keys, size_t nkeys, struct scn_map *m)
{
	bool hinted[SCN_MAXKEYS] = { false };
	yaml_node_pair_t *p;
	yaml_node_t *k;
	size_t i;

	if (nkeys > SCN_MAXKEYS)
		abort();		/* a key table outgrew scn_map */
	memset(m, 0, sizeof(*m));
	m->keys = keys;
	m->nkeys = nkeys;
	m->what = what;
	m->pos = scn_pos(s, n);
	if (n->type != YAML_MAPPING_NODE && !scn_isnull(n)) {
		scn_err(s, n, "expected a mapping for %s, got %s", ctx,
		    scn_kind(n));
		return -1;
	}
	if (n->type == YAML_MAPPING_NODE) {
		for (p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top && !s->stop; p++) {
			k = scn_node(s, p->key);
			if (k->type != YAML_SCALAR_NODE) {
				scn_err(s, k, "expected a scalar key in %s, "
				    "got %s", what, scn_kind(k));
				continue;
			}
			i = scn_key_find(keys, nkeys, scn_text(k));
			if (i == nkeys) {
				if ((i = scn_unknown_key(s, k, m)) < nkeys)
					hinted[i] = true;
			} else if (m->key[i] != NULL)
				scn_err(s, k, "duplicate key '%s' in %s "
				    "(first at line %zu)", keys[i].name, what,
				    m->key[i]->start_mark.line + 1);
			else {
				m->key[i] = k;
				m->val[i] = scn_node(s, p->value);
			}
		}
	}
	for (i = 0; i < nkeys; i++)
		if (keys[i].required && m->val[i] == NULL && !hinted[i])
			scn_errp(s, m->pos, "missing required key '%s' in %s",
			    keys[i].name, what);
	return 0;
}

/*
 * Scalar readers. Each takes the value node (NULL: key absent) and the
 * key it belongs to, and returns 1 when it stored a value, 0 when the key
 * is absent, -1 after reporting an error.
 */

static int
scn_str(struct scn *s, yaml_node_t *n, const char *key, char **out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "a string")) == NULL)
		return -1;
	if (scn_strdup(s, v, out) == -1)
		return -1;
	return 1;
}

/* A name: a non-empty string. */
static int
scn_name(struct scn *s, yaml_node_t *n, const char *key, char **out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "a name")) == NULL)
		return -1;
	if (*v == '\0') {
		scn_err(s, n, "'%s' must not be empty", key);
		return -1;
	}
	if (strlen(v) > SCN_MAXNAME) {
		scn_err(s, n, "'%s' is %zu characters long; ftsim reads names "
		    "of at most %d (Azure's are at most 80)", key, strlen(v),
		    SCN_MAXNAME);
		return -1;
	}
	if (scn_strdup(s, v, out) == -1)
		return -1;
	return 1;
}

static int
scn_bool(struct scn *s, yaml_node_t *n, const char *key, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	const char *v;
	size_t i;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "a boolean")) == NULL)
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
	scn_err(s, n, "expected a boolean for '%s' (true or false), got '%s'",
	    key, v);
	return -1;
}

/* A plain decimal integer in [lo, hi]: digits only, no sign, no leading
 * zero (YAML 1.1 would read 010 as octal). */
static int
scn_uint(struct scn *s, yaml_node_t *n, const char *key, unsigned long lo,
    unsigned long hi, unsigned long *out)
{
	const char *v, *c;
	unsigned long x = 0;
	bool big = false;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "an integer")) == NULL)
		return -1;
	for (c = v; isdigit((unsigned char)*c); c++) {
		if (x > (ULONG_MAX - 9) / 10)
			big = true;
		else
			x = x * 10 + (unsigned long)(*c - '0');
	}
	if (*v == '\0' || *c != '\0' || (v[0] == '0' && v[1] != '\0')) {
		scn_err(s, n, "expected a decimal integer for '%s', got '%s'",
		    key, v);
		return -1;
	}
	if (big || x < lo || x > hi) {
		scn_err(s, n, "'%s' must be between %lu and %lu, got %s", key,
		    lo, hi, v);
		return -1;
	}
	*out = x;
	return 1;
}

static int
scn_ip_text(struct scn *s, yaml_node_t *n, const char *key, const char *v,
    uint32_t *out)
{
	int err;

	if ((err = ip_parse(v, out)) == 0)
		return 1;
	if (err == PFX_ERANGE)
		scn_err(s, n, "bad IP address '%s' for '%s': octet above 255",
		    v, key);
	else
		scn_err(s, n, "bad IP address '%s' for '%s': expected four "
		    "decimal octets a.b.c.d", v, key);
	return -1;
}

static int
scn_ip(struct scn *s, yaml_node_t *n, const char *key, uint32_t *out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "an IP address")) == NULL)
		return -1;
	return scn_ip_text(s, n, key, v, out);
}

/* The prefix a user with host bits set most likely meant, into hint. */
static int
scn_pfx_hint(const char *v, char hint[PFX_STRLEN])
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
scn_pfx_text(struct scn *s, yaml_node_t *n, const char *key, const char *v,
    struct pfx *out)
{
	char hint[PFX_STRLEN];
	int err;

	if ((err = pfx_parse(v, out)) == 0)
		return 1;
	if (err == PFX_EHOSTBITS && scn_pfx_hint(v, hint) == 0)
		scn_err(s, n, "bad prefix '%s' for '%s': %s; did you mean %s?",
		    v, key, pfx_strerror(err), hint);
	else
		scn_err(s, n, "bad prefix '%s' for '%s': %s", v, key,
		    pfx_strerror(err));
	return -1;
}

static int
scn_pfx(struct scn *s, yaml_node_t *n, const char *key, struct pfx *out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "a prefix")) == NULL)
		return -1;
	return scn_pfx_text(s, n, key, v, out);
}

/* A list of prefixes; an empty list is an error when required. */
static int
scn_pfx_list(struct scn *s, yaml_node_t *n, const char *key, bool required,
    struct pfx **out, size_t *nout)
{
	yaml_node_item_t *it;
	size_t i, count;
	int rc = 1;

	if (n == NULL)
		return 0;
	if (scn_list(s, n, key, NULL, &it, &count) == -1)
		return -1;
	if (count == 0 && required) {
		scn_err(s, n, "'%s' must not be empty", key);
		return -1;
	}
	if ((*out = scn_calloc(s, count, sizeof(**out))) == NULL)
		return -1;
	*nout = count;
	for (i = 0; i < count && !s->stop; i++)
		if (scn_pfx(s, scn_node(s, it[i]), key, &(*out)[i]) == -1)
			rc = -1;
	return rc;
}

/* An IP address or a list of them (ECMP next hops, DNS answers). */
static int
scn_ip_list(struct scn *s, yaml_node_t *n, const char *key, bool scalar_ok,
    uint32_t **out, size_t *nout)
{
	yaml_node_item_t one, *it;
	size_t i, count;
	int rc = 1;

	if (n == NULL)
		return 0;
	if (scn_list(s, n, key, scalar_ok ? &one : NULL, &it, &count) == -1)
		return -1;
	if ((*out = scn_calloc(s, count, sizeof(**out))) == NULL)
		return -1;
	*nout = count;
	for (i = 0; i < count && !s->stop; i++)
		if (scn_ip(s, scn_node(s, it[i]), key, &(*out)[i]) == -1)
			rc = -1;
	return rc;
}

static int
scn_str_list(struct scn *s, yaml_node_t *n, const char *key, char ***out,
    size_t *nout)
{
	yaml_node_item_t *it;
	size_t i, count;
	int rc = 1;

	if (n == NULL)
		return 0;
	if (scn_list(s, n, key, NULL, &it, &count) == -1)
		return -1;
	if ((*out = scn_calloc(s, count, sizeof(**out))) == NULL)
		return -1;
	*nout = count;
	for (i = 0; i < count && !s->stop; i++)
		if (scn_name(s, scn_node(s, it[i]), key, &(*out)[i]) == -1)
			rc = -1;
	return rc;
}

/* Whether a port range that portrange_parse refused has two valid ports
 * in the wrong order, rather than a port out of range. */
static bool
scn_upside_down(const char *v)
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
static int
scn_ports(struct scn *s, yaml_node_t *n, const char *key,
    struct port_spec *out)
{
	yaml_node_item_t one, *it;
	yaml_node_t *item;
	const char *v;
	size_t i, count;
	int err, rc = 1;

	if (n == NULL || scn_isnull(n))
		return 0;
	if (scn_list(s, n, key, &one, &it, &count) == -1)
		return -1;
	if (count == 0) {
		scn_err(s, n, "'%s' must not be empty", key);
		return -1;
	}
	if ((out->r = scn_calloc(s, count, sizeof(*out->r))) == NULL)
		return -1;
	out->n = count;
	for (i = 0; i < count && !s->stop; i++) {
		item = scn_node(s, it[i]);
		if ((v = scn_scalar(s, item, key, "a port")) == NULL) {
			rc = -1;
			continue;
		}
		if ((err = portrange_parse(v, &out->r[i])) == 0)
			continue;
		if (err == PFX_EPORT && strchr(v, '-') == NULL)
			scn_err(s, item, "bad port '%s' for '%s': above 65535",
			    v, key);
		else if (err == PFX_EPORT && scn_upside_down(v))
			scn_err(s, item, "bad port range '%s' for '%s': it "
			    "starts above where it ends (write it lo-hi)", v,
			    key);
		else if (err == PFX_EPORT)
			scn_err(s, item, "bad port range '%s' for '%s': a port "
			    "above 65535", v, key);
		else
			scn_err(s, item, "bad port '%s' for '%s': expected "
			    "'*', a port 0-65535 or a range lo-hi", v, key);
		rc = -1;
	}
	return rc;
}

/* The whole port space, for a port list left out. */
static int
scn_ports_any(struct scn *s, struct port_spec *out)
{
	if (out->n > 0)
		return 0;
	if ((out->r = scn_calloc(s, 1, sizeof(*out->r))) == NULL)
		return -1;
	out->r[0].lo = 0;
	out->r[0].hi = 65535;
	out->n = 1;
	return 0;
}

static int
scn_addr_item(struct scn *s, yaml_node_t *n, const char *key,
    struct addr_item *it)
{
	const char *v;

	if ((v = scn_scalar(s, n, key, "an address or a service tag")) == NULL)
		return -1;
	if (isdigit((unsigned char)*v))
		return scn_pfx_text(s, n, key, v, &it->pfx);
	if (!tag_name_ok(v)) {
		scn_err(s, n, "'%s' for '%s' is neither an address prefix nor "
		    "a service tag", v, key);
		return -1;
	}
	it->is_tag = true;
	if (scn_strdup(s, v, &it->tag) == -1)
		return -1;
	return 1;
}

/* An NSG source or destination: '*', a prefix, a tag, or a list. A '*'
 * (or Any, as the portal shows it) in a list makes the whole address
 * any. */
static int
scn_addrs(struct scn *s, yaml_node_t *n, const char *key,
    struct addr_spec *out)
{
	yaml_node_item_t one, *it;
	yaml_node_t *item;
	size_t i, count;
	int rc = 1;

	if (n == NULL || scn_isnull(n)) {
		out->any = true;
		return 0;
	}
	if (scn_list(s, n, key, &one, &it, &count) == -1 ||
	    scn_limit(s, n, SCN_LIM_RULE_ADDRS, count, NULL) == -1)
		return -1;
	if (count == 0) {
		scn_err(s, n, "'%s' must not be empty", key);
		return -1;
	}
	for (i = 0; i < count; i++) {
		item = scn_node(s, it[i]);
		if (item->type == YAML_SCALAR_NODE &&
		    (strcmp(scn_text(item), "*") == 0 ||
		    strcasecmp(scn_text(item), "Any") == 0))
			out->any = true;
	}
	if (out->any)
		return 1;
	if ((out->items = scn_calloc(s, count, sizeof(*out->items))) == NULL)
		return -1;
	out->n = count;
	for (i = 0; i < count && !s->stop; i++)
		if (scn_addr_item(s, scn_node(s, it[i]), key,
		    &out->items[i]) == -1)
			rc = -1;
	return rc;
}

static int
scn_proto(struct scn *s, yaml_node_t *n, const char *key, unsigned *out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "a protocol")) == NULL)
		return -1;
	if (proto_parse(v, out) == -1) {
		scn_err(s, n, "unknown protocol '%s' for '%s' (Tcp, Udp, Icmp, "
		    "Esp, Ah or *)", v, key);
		return -1;
	}
	return 1;
}

/* One of a few words, case-insensitive; its index into *out. */
static int
scn_word(struct scn *s, yaml_node_t *n, const char *key,
    const char *const *words, size_t nwords, const char *list, int *out)
{
	const char *v;
	size_t i;

	if (n == NULL)
		return 0;
	if ((v = scn_scalar(s, n, key, "a value")) == NULL)
		return -1;
	for (i = 0; i < nwords; i++) {
		if (strcasecmp(v, words[i]) == 0) {
			*out = (int)i;
			return 1;
		}
	}
	scn_err(s, n, "'%s' must be %s, got '%s'", key, list, v);
	return -1;
}

/*
 * Sorted indexes.
 */

static int
scn_ix_add(struct scn *s, struct scn_index *ix, uint64_t key,
    const char *name, struct srcpos pos, size_t idx)
{
	struct scn_ent *e;
	size_t cap;

	if (ix->n == ix->cap) {
		cap = ix->cap == 0 ? 16 : ix->cap * 2;
		if ((e = reallocarray(ix->e, cap, sizeof(*e))) == NULL)
			return scn_nomem(s);
		ix->e = e;
		ix->cap = cap;
	}
	e = &ix->e[ix->n++];
	e->key = key;
	e->name = name;
	e->pos = pos;
	e->idx = idx;
	return 0;
}

static int
scn_ent_cmp(const void *a, const void *b)
{
	const struct scn_ent *x = a, *y = b;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->name != NULL && y->name != NULL &&
	    (c = strcasecmp(x->name, y->name)) != 0)
		return c;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return 0;
}

static bool
scn_ent_same(const struct scn_ent *x, const struct scn_ent *y)
{
	return x->key == y->key && (x->name == NULL || y->name == NULL ||
	    strcasecmp(x->name, y->name) == 0);
}

static void
scn_ix_sort(struct scn_index *ix)
{
	if (ix->n > 1)
		qsort(ix->e, ix->n, sizeof(*ix->e), scn_ent_cmp);
}

/* Sort, then report every repeated name at its place, naming the line of
 * its first definition. */
static void
scn_ix_dups(struct scn *s, struct scn_index *ix, const char *what)
{
	size_t i, first = 0;

	scn_ix_sort(ix);
	for (i = 1; i < ix->n && !s->stop; i++) {
		if (!scn_ent_same(&ix->e[first], &ix->e[i])) {
			first = i;
			continue;
		}
		scn_errp(s, ix->e[i].pos, "duplicate %s name '%s' (first "
		    "defined at line %d)", what, ix->e[i].name,
		    ix->e[first].pos.line);
	}
}

/* The element named name in scope key (its first definition), or
 * TOPO_NONE. */
static size_t
scn_ix_find(const struct scn_index *ix, uint64_t key, const char *name)
{
	struct scn_ent want = { key, name, { NULL, 0, 0 }, 0 };
	size_t lo = 0, hi = ix->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = scn_ent_cmp(&ix->e[mid], &want);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && scn_ent_same(&ix->e[lo], &want))
		return ix->e[lo].idx;
	return TOPO_NONE;
}

/* The name in scope key closest to a name that was not found. */
static const char *
scn_ix_suggest(const struct scn_index *ix, uint64_t key, const char *typed)
{
	const char *hint = NULL;
	size_t i, best = SIZE_MAX;

	for (i = 0; i < ix->n; i++)
		if (ix->e[i].key == key && scn_close(typed, ix->e[i].name,
		    &best))
			hint = ix->e[i].name;
	return hint;
}

/* The names in scope key of a sorted index, for a message: the first
 * three and how many more ("'a', 'b', 'c' and 4 more"). Returns how
 * many there are. */
static size_t
scn_ix_known(const struct scn_index *ix, uint64_t key, char *buf,
    size_t size)
{
	size_t i, n = 0, len;

	buf[0] = '\0';
	for (i = 0; i < ix->n; i++) {
		if (ix->e[i].key != key ||
		    (i > 0 && scn_ent_same(&ix->e[i - 1], &ix->e[i])))
			continue;
		if (++n <= 3) {
			len = strlen(buf);
			(void)snprintf(buf + len, size - len, "%s'%.40s'",
			    n > 1 ? ", " : "", ix->e[i].name);
		}
	}
	if (n > 3) {
		len = strlen(buf);
		(void)snprintf(buf + len, size - len, " and %zu more", n - 3);
	}
	return n;
}

/*
 * Resolve the reference in scalar n to an element of ix in scope key.
 * what names the kind of element ("route table"); vnet, when not NULL,
 * is the VNet the name was looked for in. Returns the index, or
 * TOPO_NONE after an error, which suggests a close name, or else lists
 * the names there are, or says there are none.
 */
static size_t
scn_ref(struct scn *s, yaml_node_t *n, const struct scn_index *ix,
    uint64_t key, const char *what, const char *vnet)
{
	const char *v = scn_text(n), *hint;
	char in[128] = "", known[192];
	size_t idx, count;

	if ((idx = scn_ix_find(ix, key, v)) != TOPO_NONE)
		return idx;
	if (vnet != NULL)
		(void)snprintf(in, sizeof(in), " in vnet '%s'", vnet);
	if ((hint = scn_ix_suggest(ix, key, v)) != NULL)
		scn_err(s, n, "unknown %s '%s'%s; did you mean '%s'?", what, v,
		    in, hint);
	else if ((count = scn_ix_known(ix, key, known, sizeof(known))) == 1)
		scn_err(s, n, "unknown %s '%s'%s; the only %s is %s", what, v,
		    in, what, known);
	else if (count > 1)
		scn_err(s, n, "unknown %s '%s'%s; the %ss are %s", what, v, in,
		    what, known);
	else if (vnet != NULL)
		scn_err(s, n, "unknown %s '%s'%s: it has no %ss", what, v, in,
		    what);
	else
		scn_err(s, n, "unknown %s '%s': the scenario defines no %ss",
		    what, v, what);
	return TOPO_NONE;
}

/*
 * The walk over the tree, every node once, in document order: it is what
 * makes the readers below safe to recurse. libyaml resolves an alias to
 * the node of its anchor, so a node reached twice is an alias; depth
 * counts the collections around n. scn_events has refused both already,
 * with better positions; this keeps the guarantee in one place.
 */
static int
scn_walk(struct scn *s, yaml_node_t *n, int depth)
{
	size_t i = (size_t)(n - s->doc->nodes.start);
	yaml_node_item_t *it;
	yaml_node_pair_t *p;

	if (s->seen[i]) {
		scn_err(s, n, "YAML aliases are not allowed in scenario files");
		return -1;
	}
	s->seen[i] = 1;
	if (n->type == YAML_SCALAR_NODE)
		return 0;
	if (++depth > SCN_MAXDEPTH) {
		scn_err(s, n, "YAML nesting deeper than %d levels",
		    SCN_MAXDEPTH);
		return -1;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			if (scn_walk(s, scn_node(s, *it), depth) == -1)
				return -1;
		return 0;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++)
		if (scn_walk(s, scn_node(s, p->key), depth) == -1 ||
		    scn_walk(s, scn_node(s, p->value), depth) == -1)
			return -1;
	return 0;
}

/*
 * Route tables.
 */

enum { RO_NAME, RO_PREFIX, RO_TYPE, RO_IP, RO_N };
static const struct scn_key scn_route_keys[RO_N] = {
	[RO_NAME] = { "name", true },
	[RO_PREFIX] = { "prefix", true },
	[RO_TYPE] = { "next_hop_type", true },
	[RO_IP] = { "next_hop_ip", false },
};

/*
 * A user-defined route. Only the next-hop types a UDR may use pass; a
 * VirtualAppliance needs its IP and nothing else takes one. Returns
 * whether its name and prefix are known, for the check of repeats.
 */
static bool
scn_route(struct scn *s, yaml_node_t *n, struct route *r)
{
	struct scn_map m;
	const char *v;
	bool known;
	int ip;

	if (scn_map_read(s, n, "an item of 'routes'", "route", scn_route_keys,
	    RO_N, &m) == -1)
		return false;
	r->pos = m.pos;
	known = scn_name(s, m.val[RO_NAME], "name", &r->name) == 1;
	if (scn_pfx(s, m.val[RO_PREFIX], "prefix", &r->pfx) != 1)
		known = false;
	ip = scn_ip(s, m.val[RO_IP], "next_hop_ip", &r->nh_ip);
	r->has_nh_ip = ip == 1;
	if (m.val[RO_TYPE] == NULL)
		return known;
	/* The classic name Null is a next-hop type before a YAML null. */
	if (m.val[RO_TYPE]->type == YAML_SCALAR_NODE &&
	    *scn_text(m.val[RO_TYPE]) != '\0')
		v = scn_text(m.val[RO_TYPE]);
	else if ((v = scn_scalar(s, m.val[RO_TYPE], "next_hop_type",
	    "a next-hop type")) == NULL)
		return known;
	if (nh_type_parse(v, &r->nh) == -1) {
		scn_err(s, m.val[RO_TYPE], "unknown next_hop_type '%s' "
		    "(VirtualNetworkGateway, VnetLocal, Internet, "
		    "VirtualAppliance or None)", v);
		return known;
	}
	if (r->nh == NH_VNETPEERING || r->nh == NH_SERVICE_ENDPOINT) {
		scn_err(s, m.val[RO_TYPE], "next_hop_type %s cannot be used "
		    "in a user-defined route", v);
		return known;
	}
	if (r->nh == NH_VIRTUAL_APPLIANCE && ip == 0)
		scn_errp(s, m.pos, "next_hop_type %s needs next_hop_ip", v);
	else if (r->nh != NH_VIRTUAL_APPLIANCE && ip == 1)
		scn_err(s, m.val[RO_IP], "next_hop_ip is only allowed with "
		    "next_hop_type VirtualAppliance, not %s", v);
	return known;
}

/* Two routes of one table with the same prefix; ix holds the routes
 * whose prefix is known, keyed by it. */
static void
scn_route_dups(struct scn *s, const struct route_table *rt,
    struct scn_index *ix)
{
	const struct route *a, *b;
	char buf[PFX_STRLEN];
	size_t i;

	scn_ix_sort(ix);
	for (i = 1; i < ix->n && !s->stop; i++) {
		if (ix->e[i].key != ix->e[i - 1].key)
			continue;
		a = &rt->routes[ix->e[i - 1].idx];
		b = &rt->routes[ix->e[i].idx];
		scn_errp(s, b->pos, "route '%s' has the same prefix %s as "
		    "route '%s' (line %d)", b->name, pfx_format(b->pfx, buf),
		    a->name, a->pos.line);
	}
}

enum { RT_NAME, RT_ID, RT_NOBGP, RT_ROUTES, RT_N };
static const struct scn_key scn_rtable_keys[RT_N] = {
	[RT_NAME] = { "name", true },
	[RT_ID] = { "id", false },
	[RT_NOBGP] = { "disable_bgp_route_propagation", false },
	[RT_ROUTES] = { "routes", false },
};

static int
scn_rtable(struct scn *s, yaml_node_t *n, struct route_table *rt)
{
	struct scn_index names = { NULL, 0, 0 }, pfxs = { NULL, 0, 0 };
	yaml_node_item_t *it;
	struct route *r;
	struct scn_map m;
	size_t i, count;
	int rc = 0;

	if (scn_map_read(s, n, "an item of 'route_tables'", "route table",
	    scn_rtable_keys, RT_N, &m) == -1)
		return 0;
	rt->pos = m.pos;
	(void)scn_name(s, m.val[RT_NAME], "name", &rt->name);
	(void)scn_name(s, m.val[RT_ID], "id", &rt->id);
	(void)scn_bool(s, m.val[RT_NOBGP], "disable_bgp_route_propagation",
	    &rt->disable_bgp_propagation);
	if (m.val[RT_ROUTES] == NULL ||
	    scn_list(s, m.val[RT_ROUTES], "routes", NULL, &it, &count) == -1 ||
	    scn_limit(s, m.val[RT_ROUTES], SCN_LIM_ROUTES, count,
	    rt->name) == -1)
		return 0;
	if ((rt->routes = scn_calloc(s, count, sizeof(*rt->routes))) == NULL)
		return -1;
	rt->nroutes = count;
	for (i = 0; i < count && !s->stop && rc == 0; i++) {
		r = &rt->routes[i];
		if (scn_route(s, scn_node(s, it[i]), r))
			rc = scn_ix_add(s, &pfxs, (uint64_t)r->pfx.addr << 8 |
			    r->pfx.len, NULL, r->pos, i);
		if (rc == 0 && r->name != NULL)
			rc = scn_ix_add(s, &names, 0, r->name, r->pos, i);
	}
	if (rc == 0) {
		scn_ix_dups(s, &names, "route");
		scn_route_dups(s, rt, &pfxs);
	}
	free(names.e);
	free(pfxs.e);
	return rc;
}

static void
scn_rtables(struct scn *s, yaml_node_t *n)
{
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count, e0 = s->nerr;

	if (n != NULL && scn_list(s, n, "route_tables", NULL, &it,
	    &count) == 0 && scn_limit(s, n, SCN_LIM_RTABLES, count,
	    NULL) == 0) {
		if ((t->rtables = scn_calloc(s, count,
		    sizeof(*t->rtables))) == NULL)
			return;
		t->nrtables = count;
		for (i = 0; i < t->nrtables && !s->stop; i++) {
			if (scn_rtable(s, scn_node(s, it[i]),
			    &t->rtables[i]) == -1)
				break;
			if (t->rtables[i].name != NULL && scn_ix_add(s,
			    &s->irtable, 0, t->rtables[i].name,
			    t->rtables[i].pos, i) == -1)
				break;
		}
	}
	scn_ix_dups(s, &s->irtable, "route table");
	s->bad_rtables = s->nerr > e0;
}

/*
 * Network security groups.
 */

enum {
	RU_NAME, RU_PRIORITY, RU_DIR, RU_ACCESS, RU_PROTO, RU_SRC, RU_SPORTS,
	RU_DST, RU_DPORTS, RU_N
};
static const struct scn_key scn_rule_keys[RU_N] = {
	[RU_NAME] = { "name", true },
	[RU_PRIORITY] = { "priority", true },
	[RU_DIR] = { "direction", true },
	[RU_ACCESS] = { "access", true },
	[RU_PROTO] = { "protocol", false },
	[RU_SRC] = { "source", false },
	[RU_SPORTS] = { "source_ports", false },
	[RU_DST] = { "destination", false },
	[RU_DPORTS] = { "destination_ports", false },
};

static const char *const scn_dirs[] = { "Inbound", "Outbound" };
static const char *const scn_access[] = { "Allow", "Deny" };

/* A rule; returns true when its priority and direction are known, for
 * the check of repeated priorities. */
static bool
scn_rule(struct scn *s, yaml_node_t *n, struct nsg_rule *r,
    struct srcpos *prio_pos)
{
	struct scn_map m;
	unsigned long prio;
	int dir = -1, acc, got;

	r->proto = PROTO_ANY;
	if (scn_map_read(s, n, "an item of 'rules'", "rule", scn_rule_keys,
	    RU_N, &m) == -1)
		return false;
	r->pos = m.pos;
	(void)scn_name(s, m.val[RU_NAME], "name", &r->name);
	got = scn_uint(s, m.val[RU_PRIORITY], "priority", 100, 4096, &prio);
	if (got == 1) {
		r->priority = (int)prio;
		*prio_pos = scn_pos(s, m.val[RU_PRIORITY]);
	}
	if (scn_word(s, m.val[RU_DIR], "direction", scn_dirs, 2,
	    "Inbound or Outbound", &dir) == 1)
		r->dir = (enum direction)dir;
	if (scn_word(s, m.val[RU_ACCESS], "access", scn_access, 2,
	    "Allow or Deny", &acc) == 1)
		r->access = (enum access)acc;
	(void)scn_proto(s, m.val[RU_PROTO], "protocol", &r->proto);
	(void)scn_addrs(s, m.val[RU_SRC], "source", &r->src);
	(void)scn_addrs(s, m.val[RU_DST], "destination", &r->dst);
	(void)scn_ports(s, m.val[RU_SPORTS], "source_ports", &r->sports);
	(void)scn_ports(s, m.val[RU_DPORTS], "destination_ports", &r->dports);
	if (scn_ports_any(s, &r->sports) == -1 ||
	    scn_ports_any(s, &r->dports) == -1)
		return false;
	return got == 1 && dir != -1 && r->name != NULL;
}

/* Two rules of one NSG with the same priority in the same direction. */
static void
scn_prio_dups(struct scn *s, struct nsg *g, struct scn_index *ix)
{
	struct nsg_rule *a, *b;
	size_t i;

	scn_ix_sort(ix);
	for (i = 1; i < ix->n && !s->stop; i++) {
		if (ix->e[i].key != ix->e[i - 1].key)
			continue;
		a = &g->rules[ix->e[i - 1].idx];
		b = &g->rules[ix->e[i].idx];
		scn_errp(s, ix->e[i].pos, "rule '%s' has priority %d %s, "
		    "already used by rule '%s' (line %d)", b->name,
		    b->priority, scn_dirs[b->dir], a->name, a->pos.line);
	}
}

enum { NS_NAME, NS_RULES, NS_N };
static const struct scn_key scn_nsg_keys[NS_N] = {
	[NS_NAME] = { "name", true },
	[NS_RULES] = { "rules", false },
};

static int
scn_nsg(struct scn *s, yaml_node_t *n, struct nsg *g)
{
	struct scn_index names = { NULL, 0, 0 }, prios = { NULL, 0, 0 };
	yaml_node_item_t *it;
	struct nsg_rule *r;
	struct srcpos ppos;
	struct scn_map m;
	size_t i, count;
	int rc = 0;

	if (scn_map_read(s, n, "an item of 'nsgs'", "nsg", scn_nsg_keys,
	    NS_N, &m) == -1)
		return 0;
	g->pos = m.pos;
	(void)scn_name(s, m.val[NS_NAME], "name", &g->name);
	if (m.val[NS_RULES] == NULL ||
	    scn_list(s, m.val[NS_RULES], "rules", NULL, &it, &count) == -1 ||
	    scn_limit(s, m.val[NS_RULES], SCN_LIM_RULES, count,
	    g->name) == -1)
		return 0;
	if ((g->rules = scn_calloc(s, count, sizeof(*g->rules))) == NULL)
		return -1;
	g->nrules = count;
	for (i = 0; i < count && !s->stop; i++) {
		r = &g->rules[i];
		if (scn_rule(s, scn_node(s, it[i]), r, &ppos) &&
		    (rc = scn_ix_add(s, &prios, (uint64_t)r->dir << 16 |
		    (uint64_t)r->priority, NULL, ppos, i)) == -1)
			break;
		if (r->name != NULL && (rc = scn_ix_add(s, &names, 0,
		    r->name, r->pos, i)) == -1)
			break;
	}
	if (rc == 0) {
		scn_ix_dups(s, &names, "rule");
		scn_prio_dups(s, g, &prios);
	}
	free(names.e);
	free(prios.e);
	return rc;
}

static void
scn_nsgs(struct scn *s, yaml_node_t *n)
{
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count, e0 = s->nerr;

	if (n != NULL && scn_list(s, n, "nsgs", NULL, &it, &count) == 0 &&
	    scn_limit(s, n, SCN_LIM_NSGS, count, NULL) == 0) {
		if ((t->nsgs = scn_calloc(s, count, sizeof(*t->nsgs))) == NULL)
			return;
		t->nnsgs = count;
		for (i = 0; i < t->nnsgs && !s->stop; i++) {
			if (scn_nsg(s, scn_node(s, it[i]), &t->nsgs[i]) == -1)
				break;
			if (t->nsgs[i].name != NULL && scn_ix_add(s,
			    &s->insg, 0, t->nsgs[i].name, t->nsgs[i].pos,
			    i) == -1)
				break;
		}
	}
	scn_ix_dups(s, &s->insg, "nsg");
	s->bad_nsgs = s->nerr > e0;
}

/*
 * VNets and subnets.
 */

enum {
	SN_NAME, SN_PREFIX, SN_RTABLE, SN_NSG, SN_NATGW, SN_DOA, SN_DOIP,
	SN_SEP, SN_N
};
static const struct scn_key scn_subnet_keys[SN_N] = {
	[SN_NAME] = { "name", true },
	[SN_PREFIX] = { "prefix", true },
	[SN_RTABLE] = { "route_table", false },
	[SN_NSG] = { "nsg", false },
	[SN_NATGW] = { "nat_gateway_ip", false },
	[SN_DOA] = { "default_outbound_access", false },
	[SN_DOIP] = { "default_outbound_ip", false },
	[SN_SEP] = { "service_endpoints", false },
};

/* A reference to a route table or an NSG, by name; where the value is,
 * into pos. */
static void
scn_subnet_ref(struct scn *s, yaml_node_t *n, const char *key,
    const struct scn_index *ix, bool bad, const char *what, size_t *out,
    struct srcpos *pos)
{
	if (n == NULL || scn_scalar(s, n, key, "a name") == NULL)
		return;
	*pos = scn_pos(s, n);
	if (!bad)
		*out = scn_ref(s, n, ix, 0, what, NULL);
}

static bool
scn_subnet(struct scn *s, yaml_node_t *n, struct vnet *vn, size_t vi,
    struct subnet *sn)
{
	struct scn_map m;
	size_t i;

	sn->vnet = vi;
	sn->route_table = TOPO_NONE;
	sn->nsg = TOPO_NONE;
	sn->default_outbound_access = true;
	if (scn_map_read(s, n, "an item of 'subnets'", "subnet",
	    scn_subnet_keys, SN_N, &m) == -1)
		return false;
	sn->pos = m.pos;
	(void)scn_name(s, m.val[SN_NAME], "name", &sn->name);
	scn_subnet_ref(s, m.val[SN_RTABLE], "route_table", &s->irtable,
	    s->bad_rtables, "route table", &sn->route_table,
	    &sn->route_table_pos);
	scn_subnet_ref(s, m.val[SN_NSG], "nsg", &s->insg, s->bad_nsgs, "nsg",
	    &sn->nsg, &sn->nsg_pos);
	sn->has_nat_gateway = scn_ip(s, m.val[SN_NATGW], "nat_gateway_ip",
	    &sn->nat_gateway_ip) == 1;
	(void)scn_bool(s, m.val[SN_DOA], "default_outbound_access",
	    &sn->default_outbound_access);
	sn->has_default_outbound_ip = scn_ip(s, m.val[SN_DOIP],
	    "default_outbound_ip", &sn->default_outbound_ip) == 1;
	(void)scn_str_list(s, m.val[SN_SEP], "service_endpoints",
	    &sn->service_endpoints, &sn->nservice_endpoints);
	if (scn_pfx(s, m.val[SN_PREFIX], "prefix", &sn->pfx) != 1)
		return false;
	for (i = 0; i < vn->nspace; i++)
		if (pfx_covers(vn->space[i], sn->pfx))
			break;
	if (i == vn->nspace && vn->nspace > 0)
		scn_err(s, m.val[SN_PREFIX], "subnet prefix %s is outside the "
		    "address space of vnet '%s'", scn_text(m.val[SN_PREFIX]),
		    vn->name != NULL ? vn->name : "");
	return sn->name != NULL && vn->name != NULL;
}

enum { VN_NAME, VN_SPACE, VN_PEERINGS, VN_GATEWAY, VN_SUBNETS, VN_N };
static const struct scn_key scn_vnet_keys[VN_N] = {
	[VN_NAME] = { "name", true },
	[VN_SPACE] = { "address_space", true },
	[VN_PEERINGS] = { "peerings", false },
	[VN_GATEWAY] = { "gateway", false },
	[VN_SUBNETS] = { "subnets", false },
};

static int
scn_vnet(struct scn *s, yaml_node_t *n, struct vnet *vn, size_t vi)
{
	yaml_node_item_t *it;
	struct subnet *sn;
	struct scn_map m;
	size_t i, count;

	if (scn_map_read(s, n, "an item of 'vnets'", "vnet", scn_vnet_keys,
	    VN_N, &m) == -1)
		return 0;
	vn->pos = m.pos;
	s->peerings[vi] = m.val[VN_PEERINGS];
	(void)scn_name(s, m.val[VN_NAME], "name", &vn->name);
	if (scn_pfx_list(s, m.val[VN_SPACE], "address_space", true,
	    &vn->space, &vn->nspace) == -1)
		vn->nspace = 0;		/* subnets: no space check */
	(void)scn_name(s, m.val[VN_GATEWAY], "gateway", &vn->gateway);
	if (m.val[VN_SUBNETS] == NULL ||
	    scn_list(s, m.val[VN_SUBNETS], "subnets", NULL, &it, &count) == -1 ||
	    scn_limit(s, m.val[VN_SUBNETS], SCN_LIM_SUBNETS, count,
	    vn->name) == -1)
		return 0;
	if ((vn->subnets = scn_calloc(s, count, sizeof(*vn->subnets))) == NULL)
		return -1;
	vn->nsubnets = count;
	for (i = 0; i < count && !s->stop; i++) {
		sn = &vn->subnets[i];
		if (scn_subnet(s, scn_node(s, it[i]), vn, vi, sn) &&
		    scn_ix_add(s, &s->ispace, (uint64_t)vi << 40 |
		    (uint64_t)sn->pfx.addr << 8 | sn->pfx.len, NULL, sn->pos,
		    i) == -1)
			return -1;
		if (sn->name != NULL && scn_ix_add(s, &s->isubnet, vi,
		    sn->name, sn->pos, i) == -1)
			return -1;
	}
	return 0;
}

/*
 * Subnets of one VNet whose prefixes overlap, among those s->ispace holds
 * (name and prefix known). Sorted by address, a prefix overlaps an
 * earlier one only if the earlier one covers it.
 */
static void
scn_subnet_overlaps(struct scn *s)
{
	struct scn_index *ix = &s->ispace;
	const struct subnet *a, *b, *later, *other;
	char pa[PFX_STRLEN], pb[PFX_STRLEN];
	const struct vnet *vn;
	size_t vi, i, best = 0;

	scn_ix_sort(ix);
	for (i = 1; i < ix->n && !s->stop; i++) {
		vi = (size_t)(ix->e[i].key >> 40);
		if (vi != (size_t)(ix->e[best].key >> 40)) {
			best = i;
			continue;
		}
		vn = &s->t->vnets[vi];
		a = &vn->subnets[ix->e[best].idx];
		b = &vn->subnets[ix->e[i].idx];
		if (!pfx_covers(a->pfx, b->pfx)) {
			best = i;
			continue;
		}
		later = a->pos.line > b->pos.line ? a : b;
		other = later == a ? b : a;
		scn_errp(s, later->pos, "subnet '%s' (%s) overlaps subnet '%s' "
		    "(%s, line %d) in vnet '%s'", later->name,
		    pfx_format(later->pfx, pa), other->name,
		    pfx_format(other->pfx, pb), other->pos.line, vn->name);
	}
}

/* Peerings name other VNets; resolved once every VNet is known. */
static int
scn_peerings(struct scn *s)
{
	struct vnet *vn;
	yaml_node_item_t *it;
	yaml_node_t *p;
	size_t vi, i, count, peer;

	for (vi = 0; vi < s->t->nvnets && !s->stop; vi++) {
		vn = &s->t->vnets[vi];
		if (s->peerings[vi] == NULL || scn_list(s, s->peerings[vi],
		    "peerings", NULL, &it, &count) == -1 ||
		    scn_limit(s, s->peerings[vi], SCN_LIM_PEERINGS, count,
		    vn->name) == -1)
			continue;
		if ((vn->peers = scn_calloc(s, count,
		    sizeof(*vn->peers))) == NULL)
			return -1;
		for (i = 0; i < count && !s->stop; i++) {
			p = scn_node(s, it[i]);
			if (scn_scalar(s, p, "peerings", "a vnet name") ==
			    NULL || s->bad_vnets)
				continue;
			peer = scn_ref(s, p, &s->ivnet, 0, "vnet", NULL);
			if (peer == vi)
				scn_err(s, p, "vnet '%s' cannot peer with "
				    "itself", vn->name);
			else if (peer != TOPO_NONE)
				vn->peers[vn->npeers++] = peer;
		}
	}
	return 0;
}

static void
scn_vnets(struct scn *s, yaml_node_t *n)
{
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count, e0 = s->nerr;

	if (n != NULL && scn_list(s, n, "vnets", NULL, &it, &count) == 0 &&
	    scn_limit(s, n, SCN_LIM_VNETS, count, NULL) == 0) {
		if ((t->vnets = scn_calloc(s, count, sizeof(*t->vnets))) ==
		    NULL || (s->peerings = scn_calloc(s, count,
		    sizeof(*s->peerings))) == NULL)
			return;
		t->nvnets = count;
		for (i = 0; i < t->nvnets && !s->stop; i++) {
			if (scn_vnet(s, scn_node(s, it[i]), &t->vnets[i],
			    i) == -1)
				return;
			if (t->vnets[i].name != NULL && scn_ix_add(s,
			    &s->ivnet, 0, t->vnets[i].name, t->vnets[i].pos,
			    i) == -1)
				return;
		}
	}
	scn_ix_dups(s, &s->ivnet, "vnet");
	scn_ix_dups(s, &s->isubnet, "subnet");
	s->bad_vnets = s->nerr > e0;
	scn_subnet_overlaps(s);
	if (scn_peerings(s) == -1)
		return;
	s->bad_vnets = s->nerr > e0;
}

/*
 * VMs.
 */

enum {
	VM_NAME, VM_VNET, VM_SUBNET, VM_IP, VM_PUBIP, VM_LBIP, VM_NSG, VM_FWD,
	VM_SNAT, VM_N
};
static const struct scn_key scn_vm_keys[VM_N] = {
	[VM_NAME] = { "name", true },
	[VM_VNET] = { "vnet", true },
	[VM_SUBNET] = { "subnet", true },
	[VM_IP] = { "ip", true },
	[VM_PUBIP] = { "public_ip", false },
	[VM_LBIP] = { "lb_outbound_ip", false },
	[VM_NSG] = { "nsg", false },
	[VM_FWD] = { "ip_forwarding", false },
	[VM_SNAT] = { "snat", false },
};

/* The VM's VNet, subnet, and its IP inside that subnet. */
static void
scn_vm_place(struct scn *s, const struct scn_map *m, struct vm *v, bool ip)
{
	const struct vnet *vn;
	const struct subnet *sn;
	char buf[PFX_STRLEN];

	if (s->bad_vnets || m->val[VM_VNET] == NULL ||
	    scn_scalar(s, m->val[VM_VNET], "vnet", "a vnet name") == NULL)
		return;
	if ((v->vnet = scn_ref(s, m->val[VM_VNET], &s->ivnet, 0, "vnet",
	    NULL)) == TOPO_NONE)
		return;
	vn = &s->t->vnets[v->vnet];
	if (m->val[VM_SUBNET] == NULL || scn_scalar(s, m->val[VM_SUBNET],
	    "subnet", "a subnet name") == NULL)
		return;
	if ((v->subnet = scn_ref(s, m->val[VM_SUBNET], &s->isubnet, v->vnet,
	    "subnet", vn->name)) == TOPO_NONE)
		return;
	sn = &vn->subnets[v->subnet];
	if (ip && !pfx_contains_ip(sn->pfx, v->ip))
		scn_err(s, m->val[VM_IP], "ip %s is outside subnet '%s' (%s)",
		    scn_text(m->val[VM_IP]), sn->name,
		    pfx_format(sn->pfx, buf));
}

/* A VM; returns whether its name, VNet and IP are known, for the check
 * of repeated addresses. */
static bool
scn_vm(struct scn *s, yaml_node_t *n, struct vm *v)
{
	struct scn_map m;
	bool ip;

	v->vnet = v->subnet = v->nsg = TOPO_NONE;
	if (scn_map_read(s, n, "an item of 'vms'", "vm", scn_vm_keys, VM_N,
	    &m) == -1)
		return false;
	v->pos = m.pos;
	(void)scn_name(s, m.val[VM_NAME], "name", &v->name);
	ip = scn_ip(s, m.val[VM_IP], "ip", &v->ip) == 1;
	v->has_public_ip = scn_ip(s, m.val[VM_PUBIP], "public_ip",
	    &v->public_ip) == 1;
	v->has_lb_outbound_ip = scn_ip(s, m.val[VM_LBIP], "lb_outbound_ip",
	    &v->lb_outbound_ip) == 1;
	(void)scn_bool(s, m.val[VM_FWD], "ip_forwarding", &v->ip_forwarding);
	if (scn_bool(s, m.val[VM_SNAT], "snat", &v->snat) == 1 && v->snat &&
	    !v->ip_forwarding)
		scn_err(s, m.val[VM_SNAT], "snat needs ip_forwarding: true "
		    "(only an appliance forwards and SNATs)");
	if (m.val[VM_NSG] != NULL &&
	    scn_scalar(s, m.val[VM_NSG], "nsg", "a name") != NULL &&
	    !s->bad_nsgs)
		v->nsg = scn_ref(s, m.val[VM_NSG], &s->insg, 0, "nsg", NULL);
	scn_vm_place(s, &m, v, ip);
	return ip && v->name != NULL && v->vnet != TOPO_NONE;
}

/* Two VMs with one IP in one VNet, among those s->iaddr holds. */
static void
scn_vm_ip_dups(struct scn *s)
{
	struct scn_index *ix = &s->iaddr;
	const struct vm *a, *b;
	char buf[IP_STRLEN];
	size_t i;

	scn_ix_sort(ix);
	for (i = 1; i < ix->n && !s->stop; i++) {
		if (ix->e[i].key != ix->e[i - 1].key)
			continue;
		a = &s->t->vms[ix->e[i - 1].idx];
		b = &s->t->vms[ix->e[i].idx];
		scn_errp(s, b->pos, "vm '%s' has the same ip %s as vm '%s' "
		    "(line %d) in vnet '%s'", b->name, ip_format(b->ip, buf),
		    a->name, a->pos.line, s->t->vnets[b->vnet].name);
	}
}

static void
scn_vms(struct scn *s, yaml_node_t *n)
{
	struct topo *t = s->t;
	yaml_node_item_t *it;
	struct vm *v;
	size_t i, count, e0 = s->nerr;

	if (n != NULL && scn_list(s, n, "vms", NULL, &it, &count) == 0 &&
	    scn_limit(s, n, SCN_LIM_VMS, count, NULL) == 0) {
		if ((t->vms = scn_calloc(s, count, sizeof(*t->vms))) == NULL)
			return;
		t->nvms = count;
		for (i = 0; i < t->nvms; i++)
			t->vms[i].vnet = t->vms[i].subnet = t->vms[i].nsg =
			    TOPO_NONE;
		for (i = 0; i < t->nvms && !s->stop; i++) {
			v = &t->vms[i];
			if (scn_vm(s, scn_node(s, it[i]), v) && scn_ix_add(s,
			    &s->iaddr, (uint64_t)v->vnet << 32 | v->ip, NULL,
			    v->pos, i) == -1)
				return;
			if (v->name != NULL && scn_ix_add(s, &s->ivm, 0,
			    v->name, v->pos, i) == -1)
				return;
		}
	}
	scn_ix_dups(s, &s->ivm, "vm");
	scn_vm_ip_dups(s);
	s->bad_vms = s->nerr > e0;
}

/*
 * ExpressRoute circuits.
 */

enum { GEN_START, GEN_COUNT, GEN_N };
static const struct scn_key scn_gen_keys[GEN_N] = {
	[GEN_START] = { "start", true },
	[GEN_COUNT] = { "count", true },
};

/* advertised_generate: count consecutive prefixes of start's length,
 * appended to the advertised list. */
static void
scn_generate(struct scn *s, yaml_node_t *n, struct circuit *c)
{
	struct scn_map m;
	struct pfx start, *adv;
	unsigned long count, i;
	uint64_t step, last;

	if (scn_map_read(s, n, "'advertised_generate'", "advertised_generate",
	    scn_gen_keys, GEN_N, &m) == -1)
		return;
	if (scn_pfx(s, m.val[GEN_START], "start", &start) != 1 ||
	    scn_uint(s, m.val[GEN_COUNT], "count", 1, SCN_MAXGEN,
	    &count) != 1)
		return;
	step = (uint64_t)1 << (32 - start.len);
	last = start.addr + step * (count - 1);
	if (last > UINT32_MAX) {
		scn_err(s, m.val[GEN_COUNT], "advertised_generate runs past "
		    "255.255.255.255: "
		    "%lu prefixes of /%u from %s", count, start.len,
		    scn_text(m.val[GEN_START]));
		return;
	}
	adv = reallocarray(c->advertised, c->nadvertised + count,
	    sizeof(*adv));
	if (adv == NULL) {
		(void)scn_nomem(s);
		return;
	}
	c->advertised = adv;
	for (i = 0; i < count; i++)
		adv[c->nadvertised++] = pfx_make((uint32_t)(start.addr +
		    step * i), start.len);
}

enum { PP_ADV, PP_HOPS, PP_GEN, PP_N };
static const struct scn_key scn_private_keys[PP_N] = {
	[PP_ADV] = { "advertised", false },
	[PP_HOPS] = { "next_hops", false },
	[PP_GEN] = { "advertised_generate", false },
};

static void
scn_private_peering(struct scn *s, yaml_node_t *key, yaml_node_t *n,
    struct circuit *c)
{
	struct scn_map m;

	c->advertised_pos = scn_pos(s, key);
	if (scn_map_read(s, n, "'private_peering'", "private_peering",
	    scn_private_keys, PP_N, &m) == -1)
		return;
	if (m.key[PP_ADV] != NULL)
		c->advertised_pos = scn_pos(s, m.key[PP_ADV]);
	else if (m.key[PP_GEN] != NULL)
		c->advertised_pos = scn_pos(s, m.key[PP_GEN]);
	(void)scn_pfx_list(s, m.val[PP_ADV], "advertised", false,
	    &c->advertised, &c->nadvertised);
	if (scn_ip_list(s, m.val[PP_HOPS], "next_hops", false,
	    &c->next_hops, &c->nnext_hops) == 1 &&
	    c->nnext_hops > TOPO_ECMP_MAX)
		scn_err(s, m.val[PP_HOPS], "at most %d next_hops (ECMP "
		    "members), got %zu", TOPO_ECMP_MAX, c->nnext_hops);
	if (m.val[PP_GEN] != NULL)
		scn_generate(s, m.val[PP_GEN], c);
	(void)scn_limit(s, m.key[PP_GEN] != NULL ? m.key[PP_GEN] :
	    m.key[PP_ADV] != NULL ? m.key[PP_ADV] : key, SCN_LIM_ADVERTISED,
	    c->nadvertised, c->name);
}

enum { PUB_NAT, PUB_N };
static const struct scn_key scn_public_keys[PUB_N] = {
	[PUB_NAT] = { "nat_pool", true },
};

static void
scn_public_peering(struct scn *s, yaml_node_t *key, yaml_node_t *n,
    struct circuit *c)
{
	struct scn_map m;

	c->public_peering = true;
	c->public_peering_pos = scn_pos(s, key);
	if (scn_map_read(s, n, "'public_peering'", "public_peering",
	    scn_public_keys, PUB_N, &m) == -1)
		return;
	(void)scn_pfx_list(s, m.val[PUB_NAT], "nat_pool", true, &c->nat_pool,
	    &c->nnat_pool);
}

/* The one VNet whose gateway the circuit connects to. */
static void
scn_circuit_gateway(struct scn *s, yaml_node_t *n, struct circuit *c)
{
	const struct vnet *vn;
	size_t i, other = TOPO_NONE;

	c->vnet = TOPO_NONE;
	for (i = 0; i < s->t->nvnets; i++) {
		vn = &s->t->vnets[i];
		if (vn->gateway == NULL || strcasecmp(vn->gateway,
		    c->gateway) != 0)
			continue;
		if (c->vnet == TOPO_NONE)
			c->vnet = i;
		else if (other == TOPO_NONE)
			other = i;
	}
	if (c->vnet == TOPO_NONE)
		scn_err(s, n, "unknown gateway '%s': no vnet has gateway: %s",
		    c->gateway, c->gateway);
	else if (other != TOPO_NONE)
		scn_err(s, n, "gateway '%s' is in two vnets, '%s' and '%s'",
		    c->gateway, s->t->vnets[c->vnet].name,
		    s->t->vnets[other].name);
}

enum { ER_NAME, ER_SKU, ER_GATEWAY, ER_PRIVATE, ER_PUBLIC, ER_N };
static const struct scn_key scn_circuit_keys[ER_N] = {
	[ER_NAME] = { "name", true },
	[ER_SKU] = { "sku", false },
	[ER_GATEWAY] = { "gateway", true },
	[ER_PRIVATE] = { "private_peering", false },
	[ER_PUBLIC] = { "public_peering", false },
};

static void
scn_circuit(struct scn *s, yaml_node_t *n, struct circuit *c)
{
	struct scn_map m;
	const char *v;

	c->vnet = TOPO_NONE;
	c->sku = SKU_STANDARD;
	if (scn_map_read(s, n, "an item of 'expressroute'",
	    "expressroute circuit", scn_circuit_keys, ER_N, &m) == -1)
		return;
	c->pos = c->advertised_pos = m.pos;
	(void)scn_name(s, m.val[ER_NAME], "name", &c->name);
	if (m.val[ER_SKU] != NULL &&
	    (v = scn_scalar(s, m.val[ER_SKU], "sku", "a SKU")) != NULL &&
	    sku_parse(v, &c->sku) == -1)
		scn_err(s, m.val[ER_SKU], "'sku' must be Standard, Premium or "
		    "Local, got '%s'", v);
	if (m.val[ER_PRIVATE] != NULL)
		scn_private_peering(s, m.key[ER_PRIVATE], m.val[ER_PRIVATE], c);
	if (m.val[ER_PUBLIC] != NULL)
		scn_public_peering(s, m.key[ER_PUBLIC], m.val[ER_PUBLIC], c);
	if (scn_name(s, m.val[ER_GATEWAY], "gateway", &c->gateway) == 1 &&
	    !s->bad_vnets)
		scn_circuit_gateway(s, m.val[ER_GATEWAY], c);
}

static void
scn_circuits(struct scn *s, yaml_node_t *n)
{
	struct scn_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count;

	if (n == NULL || scn_list(s, n, "expressroute", NULL, &it,
	    &count) == -1 || scn_limit(s, n, SCN_LIM_CIRCUITS, count,
	    NULL) == -1)
		return;
	if ((t->circuits = scn_calloc(s, count, sizeof(*t->circuits))) == NULL)
		return;
	t->ncircuits = count;
	for (i = 0; i < t->ncircuits; i++)
		t->circuits[i].vnet = TOPO_NONE;
	for (i = 0; i < t->ncircuits && !s->stop; i++) {
		scn_circuit(s, scn_node(s, it[i]), &t->circuits[i]);
		if (t->circuits[i].name != NULL && scn_ix_add(s, &ix, 0,
		    t->circuits[i].name, t->circuits[i].pos, i) == -1)
			break;
	}
	scn_ix_dups(s, &ix, "expressroute circuit");
	free(ix.e);
}

/*
 * The on-premises site.
 */

enum { BL_PROTO, BL_DPORTS, BL_DST, BL_N };
static const struct scn_key scn_block_keys[BL_N] = {
	[BL_PROTO] = { "protocol", false },
	[BL_DPORTS] = { "destination_ports", false },
	[BL_DST] = { "destination", false },
};

static void
scn_block(struct scn *s, yaml_node_t *n, struct onprem_block *b)
{
	struct scn_map m;

	b->proto = PROTO_ANY;
	b->dst.any = true;
	if (scn_map_read(s, n, "an item of 'block'", "block", scn_block_keys,
	    BL_N, &m) == -1)
		return;
	b->pos = m.pos;
	(void)scn_proto(s, m.val[BL_PROTO], "protocol", &b->proto);
	if (m.val[BL_DST] != NULL) {
		size_t i;

		b->dst.any = false;
		(void)scn_addrs(s, m.val[BL_DST], "destination", &b->dst);
		/* An on-premises firewall knows addresses, not Azure tags. */
		for (i = 0; i < b->dst.n; i++)
			if (b->dst.items[i].is_tag) {
				scn_err(s, m.val[BL_DST], "the on-premises edge "
				    "filters addresses, not service tags: '%s'",
				    b->dst.items[i].tag);
				break;
			}
	}
	(void)scn_ports(s, m.val[BL_DPORTS], "destination_ports", &b->dports);
	(void)scn_ports_any(s, &b->dports);
}

enum { OP_NAME, OP_PREFIXES, OP_EDGE, OP_BLOCK, OP_N };
static const struct scn_key scn_onprem_keys[OP_N] = {
	[OP_NAME] = { "name", false },
	[OP_PREFIXES] = { "prefixes", false },
	[OP_EDGE] = { "internet_edge_ip", false },
	[OP_BLOCK] = { "block", false },
};

static void
scn_onprem(struct scn *s, yaml_node_t *n)
{
	struct onprem *op = &s->t->onprem;
	yaml_node_item_t *it;
	struct scn_map m;
	size_t i, count;

	if (n == NULL)
		return;
	op->present = true;
	if (scn_map_read(s, n, "'onprem'", "onprem", scn_onprem_keys, OP_N,
	    &m) == -1)
		return;
	op->pos = m.pos;
	if (scn_name(s, m.val[OP_NAME], "name", &op->name) == 0 &&
	    scn_strdup(s, "onprem", &op->name) == -1)
		return;
	(void)scn_pfx_list(s, m.val[OP_PREFIXES], "prefixes", false,
	    &op->prefixes, &op->nprefixes);
	op->has_edge_ip = scn_ip(s, m.val[OP_EDGE], "internet_edge_ip",
	    &op->internet_edge_ip) == 1;
	if (m.val[OP_BLOCK] == NULL ||
	    scn_list(s, m.val[OP_BLOCK], "block", NULL, &it, &count) == -1 ||
	    scn_limit(s, m.val[OP_BLOCK], SCN_LIM_BLOCKS, count,
	    op->name) == -1)
		return;
	if ((op->blocks = scn_calloc(s, count, sizeof(*op->blocks))) == NULL)
		return;
	op->nblocks = count;
	for (i = 0; i < count && !s->stop; i++)
		scn_block(s, scn_node(s, it[i]), &op->blocks[i]);
}

/*
 * dns: a mapping of names to one IP or a list of them. The names are free
 * keys, so repeats are found by sorting, case-insensitively.
 */

static void
scn_dns_entry(struct scn *s, yaml_node_t *k, yaml_node_t *v,
    struct dns_entry *e)
{
	char *c;

	e->pos = scn_pos(s, k);
	if (scn_name(s, k, "dns", &e->name) != 1)
		return;
	for (c = e->name; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (scn_ip_list(s, v, e->name, true, &e->ips, &e->nips) == 1 &&
	    e->nips == 0)
		scn_err(s, v, "dns name '%s' needs at least one IP address",
		    e->name);
}

static void
scn_dns(struct scn *s, yaml_node_t *n)
{
	struct scn_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_pair_t *p;
	size_t i, e0 = s->nerr;

	if (n == NULL || scn_isnull(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		scn_err(s, n, "expected a mapping for 'dns', got %s",
		    scn_kind(n));
		s->bad_dns = true;
		return;
	}
	p = n->data.mapping.pairs.start;
	if (scn_limit(s, n, SCN_LIM_DNS, (size_t)(n->data.mapping.pairs.top - p),
	    NULL) == -1) {
		s->bad_dns = true;
		return;
	}
	if ((t->dns = scn_calloc(s, (size_t)(n->data.mapping.pairs.top - p),
	    sizeof(*t->dns))) == NULL)
		return;
	t->ndns = (size_t)(n->data.mapping.pairs.top - p);
	for (i = 0; i < t->ndns && !s->stop; i++) {
		scn_dns_entry(s, scn_node(s, p[i].key), scn_node(s, p[i].value),
		    &t->dns[i]);
		if (t->dns[i].name != NULL && scn_ix_add(s, &ix, 0,
		    t->dns[i].name, t->dns[i].pos, i) == -1)
			break;
	}
	scn_ix_dups(s, &ix, "dns");
	free(ix.e);
	s->bad_dns = s->nerr > e0;
}

/*
 * Flows and what they must show.
 */

/* Indexed by enum exp_key, so that key k sets bit k of have. */
static const struct scn_key scn_expect_keys[EXP_COUNT] = {
	[EXP_DELIVERED] = { "delivered", false },
	[EXP_TCP_CONNECT] = { "tcp_connect", false },
	[EXP_ACTIVATION] = { "activation", false },
	[EXP_SOURCE_SEEN] = { "source_seen", false },
	[EXP_HAIRPIN] = { "hairpin", false },
	[EXP_VIA] = { "via", false },
	[EXP_NOT_VIA] = { "not_via", false },
	[EXP_NSG_RULE] = { "nsg_rule", false },
	[EXP_FLOW_LOGGED] = { "flow_logged", false },
	[EXP_IP_FLOW_VERIFY] = { "ip_flow_verify", false },
	[EXP_DROP_REASON] = { "drop_reason", false },
	[EXP_ASYMMETRIC] = { "asymmetric", false },
};

static const char *const scn_activations[] = { "accepted", "refused" };

static int
scn_source_seen(struct scn *s, yaml_node_t *n, struct expect *x)
{
	const char *v;

	if ((v = scn_scalar(s, n, "source_seen", "an IP or a class")) == NULL)
		return -1;
	if (ip_parse(v, &x->source_ip) == 0) {
		x->source_is_ip = true;
		return 1;
	}
	if (isdigit((unsigned char)*v))
		return scn_ip_text(s, n, "source_seen", v, &x->source_ip);
	if (srcclass_parse(v, &x->source_class) == 0)
		return 1;
	scn_err(s, n, "'source_seen' must be an IP address or azure, "
	    "onprem-edge, public-peering-nat, private or other, got '%s'", v);
	return -1;
}

static int
scn_hairpin(struct scn *s, yaml_node_t *n, enum hairpin *out)
{
	const char *v;

	if ((v = scn_scalar(s, n, "hairpin", "a value")) == NULL)
		return -1;
	if (hairpin_parse(v, out) == 0)
		return 1;
	scn_err(s, n, "'hairpin' must be none, azure or customer, got '%s'",
	    v);
	return -1;
}

/* drop_reason: a reason, or none / an empty value for "no drop". */
static int
scn_drop_reason(struct scn *s, yaml_node_t *n, char **out)
{
	if (scn_isnull(n) || (n->type == YAML_SCALAR_NODE &&
	    strcasecmp(scn_text(n), "none") == 0))
		return 1;
	return scn_name(s, n, "drop_reason", out);
}

/* Read one expectation key k; 1 when its value is stored. */
static int
scn_expect_key(struct scn *s, yaml_node_t *n, enum exp_key k,
    struct expect *x)
{
	const char *key = scn_expect_keys[k].name;
	int w;

	switch (k) {
	case EXP_DELIVERED:
		return scn_bool(s, n, key, &x->delivered);
	case EXP_TCP_CONNECT:
		return scn_bool(s, n, key, &x->tcp_connect);
	case EXP_FLOW_LOGGED:
		return scn_bool(s, n, key, &x->flow_logged);
	case EXP_ASYMMETRIC:
		return scn_bool(s, n, key, &x->asymmetric);
	case EXP_ACTIVATION:
		if (scn_word(s, n, key, scn_activations, 2,
		    "accepted or refused", &w) != 1)
			return -1;
		x->activation = w == 0 ? ACT_ACCEPTED : ACT_REFUSED;
		return 1;
	case EXP_SOURCE_SEEN:
		return scn_source_seen(s, n, x);
	case EXP_HAIRPIN:
		return scn_hairpin(s, n, &x->hairpin);
	case EXP_VIA:
		return scn_str_list(s, n, key, &x->via, &x->nvia);
	case EXP_NOT_VIA:
		return scn_str_list(s, n, key, &x->not_via, &x->nnot_via);
	case EXP_NSG_RULE:
		return scn_name(s, n, key, &x->nsg_rule);
	case EXP_IP_FLOW_VERIFY:
		if (scn_word(s, n, key, scn_access, 2, "Allow or Deny",
		    &w) != 1)
			return -1;
		x->ip_flow_verify = (enum access)w;
		return 1;
	case EXP_DROP_REASON:
		return scn_drop_reason(s, n, &x->drop_reason);
	default:
		return -1;
	}
}

static void
scn_expect(struct scn *s, yaml_node_t *n, struct expect *x)
{
	struct scn_map m;
	enum exp_key k;

	if (scn_map_read(s, n, "'expect'", "expect", scn_expect_keys, EXP_COUNT,
	    &m) == -1)
		return;
	for (k = 0; k < EXP_COUNT && !s->stop; k++) {
		if (m.val[k] == NULL)
			continue;
		if (scn_expect_key(s, m.val[k], k, x) == 1) {
			x->have |= 1u << k;
			x->pos[k] = scn_pos(s, m.key[k]);
		}
	}
}

/* A flow destination: an address, or a name the scenario's dns: or the
 * cloud's built-in names know. */
static void
scn_flow_to(struct scn *s, yaml_node_t *n, struct flow *f)
{
	const char *origin, *v;
	uint32_t ip;

	if (scn_name(s, n, "to", &f->to) != 1)
		return;
	f->to_pos = scn_pos(s, n);
	v = f->to;
	if (strspn(v, "0123456789.") == strlen(v)) {
		(void)scn_ip_text(s, n, "to", v, &ip);
		return;
	}
	if (!s->bad_dns && dns_resolve(s->t, v, &ip, 1, &origin) == 0)
		scn_err(s, n, "cannot resolve %s: not in dns: nor in the "
		    "built-in names of %s", v, cloud_name(s->t->cloud));
}

enum {
	FL_NAME, FL_FROM, FL_TO, FL_PROTO, FL_PORT, FL_SPORT, FL_EXPECT, FL_N
};
static const struct scn_key scn_flow_keys[FL_N] = {
	[FL_NAME] = { "name", false },
	[FL_FROM] = { "from", true },
	[FL_TO] = { "to", true },
	[FL_PROTO] = { "protocol", false },
	[FL_PORT] = { "port", true },
	[FL_SPORT] = { "source_port", false },
	[FL_EXPECT] = { "expect", false },
};

/* Not a private, shared, loopback, link-local, multicast or reserved
 * address: one a host on the Internet can have. */
static bool
ip_internet(uint32_t ip)
{
	static const struct { uint32_t net, mask; } special[] = {
		{ 0x00000000u, 0xff000000u },	/* 0/8 */
		{ 0x0a000000u, 0xff000000u },	/* 10/8 */
		{ 0x64400000u, 0xffc00000u },	/* 100.64/10 */
		{ 0x7f000000u, 0xff000000u },	/* 127/8 */
		{ 0xa9fe0000u, 0xffff0000u },	/* 169.254/16 */
		{ 0xac100000u, 0xfff00000u },	/* 172.16/12 */
		{ 0xc0a80000u, 0xffff0000u },	/* 192.168/16 */
		{ 0xe0000000u, 0xe0000000u },	/* 224/3 */
	};
	size_t i;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if ((ip & special[i].mask) == special[i].net)
			return false;
	return true;
}

static void
scn_flow(struct scn *s, yaml_node_t *n, struct flow *f, size_t fi)
{
	struct scn_map m;
	unsigned long port;
	char buf[32];

	f->vm = TOPO_NONE;
	f->proto = PROTO_TCP;
	if (scn_map_read(s, n, "an item of 'flows'", "flow", scn_flow_keys,
	    FL_N, &m) == -1)
		return;
	f->pos = m.pos;
	if (scn_name(s, m.val[FL_NAME], "name", &f->name) == 0) {
		(void)snprintf(buf, sizeof(buf), "flow-%zu", fi + 1);
		if (scn_strdup(s, buf, &f->name) == -1)
			return;
	}
	if (m.val[FL_FROM] != NULL && scn_scalar(s, m.val[FL_FROM], "from",
	    "a vm name or an address") != NULL) {
		/* An address: a host on the Internet opening a connection
		 * to an Azure public IP (MODEL §7, inbound). */
		if (ip_parse(scn_text(m.val[FL_FROM]), &f->from_ip) == 0) {
			f->external = true;
			if (!ip_internet(f->from_ip))
				scn_err(s, m.val[FL_FROM], "from: %s is not an "
				    "Internet address: an external source must "
				    "be public (a VM is named by its name)",
				    scn_text(m.val[FL_FROM]));
		} else if (!s->bad_vms) {
			f->vm = scn_ref(s, m.val[FL_FROM], &s->ivm, 0, "vm",
			    NULL);
		}
	}
	if (m.val[FL_TO] != NULL)
		scn_flow_to(s, m.val[FL_TO], f);
	if (scn_proto(s, m.val[FL_PROTO], "protocol", &f->proto) == 1 &&
	    f->proto != PROTO_TCP && f->proto != PROTO_UDP)
		scn_err(s, m.val[FL_PROTO], "a flow's protocol must be Tcp or "
		    "Udp, got '%s'", scn_text(m.val[FL_PROTO]));
	if (scn_uint(s, m.val[FL_PORT], "port", 1, 65535, &port) == 1)
		f->port = (uint16_t)port;
	if (scn_uint(s, m.val[FL_SPORT], "source_port", 1, 65535,
	    &port) == 1) {
		f->has_sport = true;
		f->sport = (uint16_t)port;
	}
	if (m.val[FL_EXPECT] != NULL)
		scn_expect(s, m.val[FL_EXPECT], &f->expect);
}

static void
scn_flows(struct scn *s, yaml_node_t *n)
{
	struct scn_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count;

	if (n == NULL || scn_list(s, n, "flows", NULL, &it, &count) == -1 ||
	    scn_limit(s, n, SCN_LIM_FLOWS, count, NULL) == -1)
		return;
	if ((t->flows = scn_calloc(s, count, sizeof(*t->flows))) == NULL)
		return;
	t->nflows = count;
	for (i = 0; i < t->nflows; i++)
		t->flows[i].vm = TOPO_NONE;
	for (i = 0; i < t->nflows && !s->stop; i++) {
		scn_flow(s, scn_node(s, it[i]), &t->flows[i], i);
		if (t->flows[i].name != NULL && scn_ix_add(s, &ix, 0,
		    t->flows[i].name, t->flows[i].pos, i) == -1)
			break;
	}
	scn_ix_dups(s, &ix, "flow");
	free(ix.e);
}

/*
 * The top level: the scenario's own keys, the model switches and the
 * service tags.
 */

enum { MO_BGP, MO_VNETTAG, MO_LKM, MO_KMS, MO_N };
static const struct scn_key scn_model_keys[MO_N] = {
	[MO_BGP] = { "bgp_default_removes_none", false },
	[MO_VNETTAG] = { "vnet_tag_includes_default_route", false },
	[MO_LKM] = { "lkm_off_with_forced_default", false },
	[MO_KMS] = { "kms_accepts_public_peering_nat", false },
};

static void
scn_model(struct scn *s, yaml_node_t *n)
{
	struct model_opts *mo = &s->t->model;
	struct scn_map m;

	if (n == NULL || scn_map_read(s, n, "'model'", "model",
	    scn_model_keys, MO_N, &m) == -1)
		return;
	(void)scn_bool(s, m.val[MO_BGP], "bgp_default_removes_none",
	    &mo->bgp_default_removes_none);
	(void)scn_bool(s, m.val[MO_VNETTAG], "vnet_tag_includes_default_route",
	    &mo->vnet_tag_includes_default_route);
	(void)scn_bool(s, m.val[MO_LKM], "lkm_off_with_forced_default",
	    &mo->lkm_off_with_forced_default);
	(void)scn_bool(s, m.val[MO_KMS], "kms_accepts_public_peering_nat",
	    &mo->kms_accepts_public_peering_nat);
}

/* MODEL §7: `timing:` overrides the one-way delay of each kind of link,
 * in microseconds. */
static void
scn_timing(struct scn *s, yaml_node_t *n)
{
	struct scn_key keys[LINK_COUNT];
	struct scn_map m;
	unsigned long v;
	size_t k;

	for (k = 0; k < LINK_COUNT; k++)
		keys[k] = (struct scn_key){ link_kind_name((enum link_kind)k),
					    false };
	if (n == NULL || scn_map_read(s, n, "'timing'", "timing", keys,
	    LINK_COUNT, &m) == -1)
		return;
	for (k = 0; k < LINK_COUNT; k++)
		if (scn_uint(s, m.val[k], keys[k].name, 0, TIMING_MAX_US,
		    &v) == 1)
			s->t->timing.us[k] = (uint32_t)v;
}

static void
scn_cloud(struct scn *s, yaml_node_t *n)
{
	const char *v;

	if (n == NULL || (v = scn_scalar(s, n, "cloud", "a cloud")) == NULL)
		return;
	if (cloud_parse(v, &s->t->cloud) == -1)
		scn_err(s, n, "unknown cloud '%s' (AzureCloud, "
		    "AzureChinaCloud, AzureGermanCloud or AzureUSGovernment)",
		    v);
}

/*
 * Load the service tags file. Its errors name positions in that file
 * through a path the topology owns, and the topology is freed on error:
 * so they are collected apart and reported here, at the service_tags
 * value, with the JSON file's position in the text.
 */
static void
scn_tags_load(struct scn *s, yaml_node_t *n)
{
	struct diag tmp;
	const struct diag_msg *m;
	size_t i;

	diag_init(&tmp);
	if (tagset_load(s->t->service_tags_file, &s->t->tags, &tmp) == 0) {
		diag_free(&tmp);
		return;
	}
	for (i = 0; i < tmp.n; i++) {
		m = &tmp.msgs[i];
		if (m->pos.line > 0)
			scn_err(s, n, "cannot load service tags: %s:%d:%d: %s",
			    m->pos.file, m->pos.line, m->pos.col, m->text);
		else
			scn_err(s, n, "cannot load service tags: %s: %s",
			    m->pos.file, m->text);
	}
	if (tmp.n == 0)
		scn_err(s, n, "cannot load service tags from %s",
		    s->t->service_tags_file);
	diag_free(&tmp);
}

/* The service tags: a file relative to the scenario's directory, or the
 * built-in list of the cloud. */
static void
scn_tags(struct scn *s, yaml_node_t *n)
{
	struct topo *t = s->t;
	const char *v;
	size_t len;

	if (n == NULL) {
		if ((t->tags = tagset_builtin(t->cloud)) == NULL)
			(void)scn_nomem(s);
		return;
	}
	if ((v = scn_scalar(s, n, "service_tags", "a file name")) == NULL)
		return;
	if (*v == '/' || strcmp(t->dir, ".") == 0) {
		if (scn_strdup(s, v, &t->service_tags_file) == -1)
			return;
	} else {
		len = strlen(t->dir) + 1 + strlen(v) + 1;
		if ((t->service_tags_file = malloc(len)) == NULL) {
			(void)scn_nomem(s);
			return;
		}
		(void)snprintf(t->service_tags_file, len, "%s/%s", t->dir, v);
	}
	scn_tags_load(s, n);
}

enum {
	TOP_SCENARIO, TOP_DESCRIPTION, TOP_CLOUD, TOP_TAGS, TOP_VNETS,
	TOP_VMS, TOP_RTABLES, TOP_NSGS, TOP_ER, TOP_ONPREM, TOP_DNS,
	TOP_FLOWS, TOP_MODEL, TOP_TIMING, TOP_N
};
static const struct scn_key scn_top_keys[TOP_N] = {
	[TOP_SCENARIO] = { "scenario", true },
	[TOP_DESCRIPTION] = { "description", false },
	[TOP_CLOUD] = { "cloud", false },
	[TOP_TAGS] = { "service_tags", false },
	[TOP_VNETS] = { "vnets", false },
	[TOP_VMS] = { "vms", false },
	[TOP_RTABLES] = { "route_tables", false },
	[TOP_NSGS] = { "nsgs", false },
	[TOP_ER] = { "expressroute", false },
	[TOP_ONPREM] = { "onprem", false },
	[TOP_DNS] = { "dns", false },
	[TOP_FLOWS] = { "flows", false },
	[TOP_MODEL] = { "model", false },
	[TOP_TIMING] = { "timing", false },
};

static void
scn_root(struct scn *s, yaml_node_t *root)
{
	struct scn_map m;

	if (root->type != YAML_MAPPING_NODE) {
		scn_err(s, root, "expected a mapping at the top of the "
		    "scenario file, got %s", scn_kind(root));
		return;
	}
	if (scn_map_read(s, root, "the scenario", "scenario", scn_top_keys,
	    TOP_N, &m) == -1)
		return;
	(void)scn_name(s, m.val[TOP_SCENARIO], "scenario", &s->t->scenario);
	(void)scn_str(s, m.val[TOP_DESCRIPTION], "description",
	    &s->t->description);
	scn_cloud(s, m.val[TOP_CLOUD]);
	scn_model(s, m.val[TOP_MODEL]);
	scn_timing(s, m.val[TOP_TIMING]);
	scn_tags(s, m.val[TOP_TAGS]);
	scn_rtables(s, m.val[TOP_RTABLES]);
	scn_nsgs(s, m.val[TOP_NSGS]);
	scn_vnets(s, m.val[TOP_VNETS]);
	scn_vms(s, m.val[TOP_VMS]);
	scn_circuits(s, m.val[TOP_ER]);
	scn_onprem(s, m.val[TOP_ONPREM]);
	scn_dns(s, m.val[TOP_DNS]);
	scn_flows(s, m.val[TOP_FLOWS]);
}

/*
 * Input checks before libyaml sees the bytes.
 */

/* Line and column of byte off, counting UTF-8 characters. */
static struct srcpos
scn_offset_pos(const struct scn *s, const char *buf, size_t len, size_t off)
{
	struct srcpos p = { s->t->file, 1, 1 };
	size_t i;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n' ||
		    (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n'))) {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80 &&
		    buf[i] != '\r')
			p.col++;
	}
	return p;
}

static int
scn_check_bytes(struct scn *s, const char *buf, size_t len)
{
	struct srcpos start = { s->t->file, 1, 1 };
	const unsigned char *u = (const unsigned char *)buf;
	const char *nul;

	if (len > SCENARIO_MAX_BYTES) {
		scn_errp(s, start, "scenario file is larger than %u MiB",
		    SCENARIO_MAX_BYTES >> 20);
		return -1;
	}
	if (len == 0) {
		scn_errp(s, start, "empty scenario file");
		return -1;
	}
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) {
		scn_errp(s, start, "scenario file is UTF-16; save it as UTF-8");
		return -1;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		scn_errp(s, scn_offset_pos(s, buf, len, (size_t)(nul - buf)),
		    "NUL byte in scenario file");
		return -1;
	}
	return 0;
}

/* A libyaml error, at the place libyaml names; a reader error (bad
 * UTF-8) has a byte offset instead. */
static void
scn_yaml_error(struct scn *s, const yaml_parser_t *p)
{
	const char *problem = p->problem != NULL ? p->problem : "syntax error";
	struct srcpos pos;

	if (p->error == YAML_MEMORY_ERROR) {
		(void)scn_nomem(s);
		return;
	}
	if (p->error == YAML_READER_ERROR)
		pos = scn_offset_pos(s, s->buf, s->len, p->problem_offset);
	else
		pos = scn_mark(s, p->problem_mark);
	if (p->error == YAML_SCANNER_ERROR &&
	    p->problem_mark.index < s->len &&
	    s->buf[p->problem_mark.index] == '\t')
		scn_errp(s, pos, "YAML: %s (a tab: YAML indents with spaces)",
		    problem);
	else if (p->error == YAML_READER_ERROR && strstr(problem, "UTF-8"))
		scn_errp(s, pos, "YAML: %s (the file is not valid UTF-8: save "
		    "it as UTF-8)", problem);
	else if (p->error == YAML_PARSER_ERROR && p->context != NULL &&
	    strstr(p->context, "block") != NULL &&
	    p->context_mark.line != p->problem_mark.line)
		scn_errp(s, pos, "YAML: %s %s (started at line %zu): check "
		    "this line's indentation", problem, p->context,
		    p->context_mark.line + 1);
	else if (p->context != NULL && p->error != YAML_READER_ERROR &&
	    p->context_mark.line != p->problem_mark.line)
		scn_errp(s, pos, "YAML: %s %s (started at line %zu)", problem,
		    p->context, p->context_mark.line + 1);
	else if (p->context != NULL)
		scn_errp(s, pos, "YAML: %s %s", problem, p->context);
	else
		scn_errp(s, pos, "YAML: %s", problem);
}

/*
 * A first pass over libyaml's events, before any tree is built. It
 * refuses aliases, nesting deeper than SCN_MAXDEPTH and a second
 * document, each at its exact place. It has to come first: libyaml's
 * scanner costs the flow depth on every token, so a file of nothing but
 * brackets would keep yaml_parser_load busy for minutes; events come one
 * at a time, and this pass stops at the first level too deep.
 */
static int
scn_events(struct scn *s)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, docs = 0, rc = 0;
	bool end = false;

	if (!yaml_parser_initialize(&p))
		return scn_nomem(s);
	yaml_parser_set_input_string(&p, (const unsigned char *)s->buf,
	    s->len);
	while (!end && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			scn_yaml_error(s, &p);
			rc = -1;
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				scn_errp(s, scn_mark(s, ev.start_mark), "a "
				    "scenario file holds one YAML document; "
				    "this is a second one");
				rc = -1;
			}
			break;
		case YAML_ALIAS_EVENT:
			scn_errp(s, scn_mark(s, ev.start_mark), "YAML aliases "
			    "are not allowed in scenario files");
			rc = -1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > SCN_MAXDEPTH) {
				scn_errp(s, scn_mark(s, ev.start_mark), "YAML "
				    "nesting deeper than %d levels",
				    SCN_MAXDEPTH);
				rc = -1;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			end = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* Parse the one document of the file and walk it. */
static void
scn_document(struct scn *s)
{
	struct srcpos start = { s->t->file, 1, 1 };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	size_t nnodes;

	if (scn_events(s) == -1)
		return;
	if (!yaml_parser_initialize(&parser)) {
		(void)scn_nomem(s);
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)s->buf,
	    s->len);
	if (!yaml_parser_load(&parser, &doc)) {
		scn_yaml_error(s, &parser);
		yaml_parser_delete(&parser);
		return;
	}
	s->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || scn_isnull(root)) {
		scn_errp(s, start, "empty scenario file");
		goto out;
	}
	nnodes = (size_t)(doc.nodes.top - doc.nodes.start);
	if ((s->seen = calloc(nnodes, 1)) == NULL) {
		(void)scn_nomem(s);
		goto out;
	}
	if (scn_walk(s, root, 0) == 0)
		scn_root(s, root);
out:
	s->doc = NULL;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

/*
 * After a failed load: put its messages in document order (the sections
 * are read in dependency order), add the note of the cap, and make them
 * name the file by the caller's string, since the topology and its copy
 * of the name are about to be freed.
 */
static void
scn_finish_msgs(struct scn *s, size_t from, const char *name)
{
	struct diag *d = s->d;
	struct diag_msg m;
	size_t i, j;

	for (i = from + 1; i < d->n; i++) {
		m = d->msgs[i];
		for (j = i; j > from && (d->msgs[j - 1].pos.line > m.pos.line ||
		    (d->msgs[j - 1].pos.line == m.pos.line &&
		    d->msgs[j - 1].pos.col > m.pos.col)); j--)
			d->msgs[j] = d->msgs[j - 1];
		d->msgs[j] = m;
	}
	if (s->capped)
		diag_error(d, s->cap_pos, "too many errors; stopping here");
	for (i = from; i < d->n; i++)
		if (d->msgs[i].pos.file == s->t->file)
			d->msgs[i].pos.file = name;
}

static void
scn_free(struct scn *s)
{
	free(s->seen);
	free(s->peerings);
	free(s->ivnet.e);
	free(s->isubnet.e);
	free(s->ivm.e);
	free(s->irtable.e);
	free(s->insg.e);
	free(s->ispace.e);
	free(s->iaddr.e);
}

/* The directory of a path, for paths relative to the scenario. */
static char *
scn_dirname(const char *path)
{
	char *copy, *dir;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

/*
 * The defaults (cloud, model switches) are topo_init's; every element
 * sets its own as it is read.
 */
int
scenario_parse(const char *name, const char *buf, size_t len,
    struct topo *out, struct diag *d)
{
	struct srcpos unknown = { name, 0, 0 };
	struct scn s;
	size_t from;

	if (name == NULL || out == NULL || d == NULL ||
	    (buf == NULL && len > 0))
		return -1;
	topo_init(out);
	if ((out->file = strdup(name)) == NULL ||
	    (out->dir = scn_dirname(name)) == NULL) {
		topo_free(out);
		diag_error(d, unknown, "out of memory");
		return -1;
	}
	memset(&s, 0, sizeof(s));
	s.t = out;
	s.d = d;
	s.buf = buf;
	s.len = len;
	from = d->n;
	if (scn_check_bytes(&s, buf, len) == 0)
		scn_document(&s);
	scn_free(&s);
	if (s.nerr == 0)
		return 0;
	scn_finish_msgs(&s, from, name);
	topo_free(out);
	return -1;
}

/*
 * Read a whole input file of at most SCENARIO_MAX_BYTES into memory.
 */
int
scenario_read_file(const char *path, char **out, size_t *outlen,
    struct diag *d)
{
	struct srcpos unknown = { path, 0, 0 }, start = { path, 1, 1 };
	const size_t max = (size_t)SCENARIO_MAX_BYTES + 1;
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, got;
	struct stat st;
	FILE *f;

	if (path == NULL || out == NULL || outlen == NULL || d == NULL)
		return -1;
	if ((f = fopen(path, "rb")) == NULL) {
		diag_error(d, unknown, "cannot open: %s", strerror(errno));
		return -1;
	}
	/* A directory opens but does not read; a regular file says its size
	 * before a byte is read. Pipes and devices are read up to the cap. */
	if (fstat(fileno(f), &st) != 0) {
		diag_error(d, unknown, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_error(d, unknown, "is a directory, not a scenario file");
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > SCENARIO_MAX_BYTES) {
		diag_error(d, start, "scenario file is larger than %u MiB (%jd "
		    "bytes)", SCENARIO_MAX_BYTES >> 20, (intmax_t)st.st_size);
		goto fail;
	}
	do {
		if (len == cap) {
			if (cap == max) {
				diag_error(d, start, "scenario file is larger than "
				    "%u MiB", SCENARIO_MAX_BYTES >> 20);
				goto fail;
			}
			cap = cap == 0 ? 65536 : cap * 2 > max ? max : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				diag_error(d, unknown, "out of memory");
				goto fail;
			}
			buf = nbuf;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		diag_error(d, unknown, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	*out = buf;
	*outlen = len;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

int
scenario_load(const char *path, struct topo *out, struct diag *d)
{
	char *buf;
	size_t len;
	int rc;

	if (path == NULL || out == NULL || d == NULL)
		return -1;
	topo_init(out);
	if (scenario_read_file(path, &buf, &len, d) != 0)
		return -1;
	rc = scenario_parse(path, buf, len, out, d);
	free(buf);
	return rc;
}

/*
 * Other YAML inputs (change files) read with the same checks and the same
 * element readers. A reader runs a loader state over a stand-in topology
 * whose only field is the file name, so that positions name the caller's
 * file; what it reads is the caller's.
 */
static void
scn_frag_init(struct scn *s, struct topo *tmp, const char *file,
    yaml_document_t *doc, struct diag *d)
{
	topo_init(tmp);
	tmp->file = (char *)(uintptr_t)file;
	memset(s, 0, sizeof(*s));
	s->t = tmp;
	s->d = d;
	s->doc = doc;
}

int
scenario_yaml_load(const char *name, const char *buf, size_t len,
    yaml_document_t *doc, struct diag *d)
{
	struct srcpos start = { name, 1, 1 };
	yaml_parser_t parser;
	struct topo tmp;
	struct scn s;
	yaml_node_t *root;

	if (name == NULL || doc == NULL || d == NULL ||
	    (buf == NULL && len > 0))
		return -1;
	scn_frag_init(&s, &tmp, name, NULL, d);
	s.buf = buf;
	s.len = len;
	if (scn_check_bytes(&s, buf, len) != 0 || scn_events(&s) != 0)
		return -1;
	if (!yaml_parser_initialize(&parser)) {
		diag_error(d, start, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, doc)) {
		scn_yaml_error(&s, &parser);
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(doc);
	if (root == NULL || scn_isnull(root)) {
		diag_error(d, start, "empty file");
		yaml_document_delete(doc);
		return -1;
	}
	return 0;
}

int
scenario_read_route(const char *file, yaml_document_t *doc, yaml_node_t *n,
    struct route *out, struct diag *d)
{
	struct topo tmp;
	struct scn s;

	scn_frag_init(&s, &tmp, file, doc, d);
	memset(out, 0, sizeof(*out));
	(void)scn_route(&s, n, out);
	if (s.nerr == 0)
		return 0;
	topo_route_free(out);
	return -1;
}

int
scenario_read_rtable(const char *file, yaml_document_t *doc, yaml_node_t *n,
    struct route_table *out, struct diag *d)
{
	struct topo tmp;
	struct scn s;

	scn_frag_init(&s, &tmp, file, doc, d);
	memset(out, 0, sizeof(*out));
	(void)scn_rtable(&s, n, out);
	if (s.nerr == 0)
		return 0;
	topo_rtable_free(out);
	return -1;
}

int
scenario_read_rule(const char *file, yaml_document_t *doc, yaml_node_t *n,
    struct nsg_rule *out, struct diag *d)
{
	struct srcpos ppos;
	struct topo tmp;
	struct scn s;

	scn_frag_init(&s, &tmp, file, doc, d);
	memset(out, 0, sizeof(*out));
	(void)scn_rule(&s, n, out, &ppos);
	if (s.nerr == 0)
		return 0;
	topo_rule_free(out);
	return -1;
}

int
scenario_read_prefixes(const char *file, yaml_document_t *doc,
    yaml_node_t *n, const char *key, struct pfx **out, size_t *nout,
    struct diag *d)
{
	struct topo tmp;
	struct scn s;

	scn_frag_init(&s, &tmp, file, doc, d);
	*out = NULL;
	*nout = 0;
	(void)scn_pfx_list(&s, n, key, false, out, nout);
	if (s.nerr == 0)
		return 0;
	free(*out);
	*out = NULL;
	*nout = 0;
	return -1;
}
