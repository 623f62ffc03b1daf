/*
 * change.c: change files (change.h): the reader and change_apply.
 *
 * The file goes through the safety pass of every YAML input before
 * libyaml builds the tree (yrd_load, yaml_safe.c), and the elements an
 * operation adds (a route, a route table, an NSG rule, prefixes) are read
 * by the scenario format's own readers (scn_route, scn_rtable, scn_rule,
 * yrd_pfx_list of yamlrd.h), so that they take exactly the keys and
 * values of the scenario format. Errors while reading do not stop the
 * reading: one run shows every malformed operation.
 *
 * Applying stops at the first operation that cannot apply: later
 * operations usually depend on it, and their errors would only repeat it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/change.h"
#include "topology/suggest.h"
#include "topology/estate.h"
#include "topology/firewall.h"
#include "topology/vwan.h"
#include "topology/scenario.h"
#include "topology/yamlrd.h"

/* Keys of an operation mapping. */
enum {
	K_OP = 1 << 0,
	K_RT = 1 << 1,		/* route_table: a name (a mapping for add) */
	K_ROUTE = 1 << 2,
	K_NAME = 1 << 3,
	K_VNET = 1 << 4,
	K_SUBNET = 1 << 5,
	K_NSG = 1 << 6,
	K_RULE = 1 << 7,
	K_CIRCUIT = 1 << 8,
	K_FLAG = 1 << 9,	/* disable_bgp_route_propagation */
	K_NATPOOL = 1 << 10,
	K_ADVERTISED = 1 << 11,
	K_PREFIXES = 1 << 12,
	K_PEERING = 1 << 13,	/* a peering item, as in vnets[].peerings */
	K_SITE = 1 << 14,	/* vpn_site: a mapping (add, replace) or a name */
	K_GATEWAY = 1 << 15,
	K_RS = 1 << 16,
	K_FILTER = 1 << 17,	/* route_filter: regional AzureCloud tags */
	K_FIREWALL = 1 << 18,
	K_NETRULES = 1 << 19,	/* network_rules: one rule collection */
	K_APPRULES = 1 << 20,	/* application_rules: one rule collection */
	K_FT = 1 << 21,		/* forced_tunneling */
	K_HUB = 1 << 22,	/* Virtual WAN: a hub's name */
	K_PROP = 1 << 23,	/* propagate_default_route */
	K_INTENT = 1 << 24,	/* routing_intent: {internet, private} */
};

static const char *const key_names[] = {
	"op", "route_table", "route", "name", "vnet", "subnet", "nsg", "rule",
	"circuit", "disable_bgp_route_propagation", "nat_pool", "advertised",
	"prefixes", "peering", "vpn_site", "gateway", "route_server",
	"route_filter", "firewall", "network_rules", "application_rules",
	"forced_tunneling", "hub", "propagate_default_route",
	"routing_intent",
};
#define NKEYS (sizeof(key_names) / sizeof(key_names[0]))

/* Each operation's name and the keys it takes, all required. */
static const struct {
	const char *name;
	unsigned keys;
} kinds[CH_COUNT] = {
	[CH_ADD_ROUTE_TABLE] = { "add_route_table", K_RT },
	[CH_REMOVE_ROUTE_TABLE] = { "remove_route_table", K_RT },
	[CH_ADD_ROUTE] = { "add_route", K_RT | K_ROUTE },
	[CH_REMOVE_ROUTE] = { "remove_route", K_RT | K_NAME },
	[CH_REPLACE_ROUTE] = { "replace_route", K_RT | K_ROUTE },
	[CH_ASSOCIATE_ROUTE_TABLE] = { "associate_route_table",
	    K_VNET | K_SUBNET | K_RT },
	[CH_DISSOCIATE_ROUTE_TABLE] = { "dissociate_route_table",
	    K_VNET | K_SUBNET },
	[CH_SET_PROPAGATION] = { "set_route_propagation", K_RT | K_FLAG },
	[CH_ADD_NSG_RULE] = { "add_nsg_rule", K_NSG | K_RULE },
	[CH_REMOVE_NSG_RULE] = { "remove_nsg_rule", K_NSG | K_NAME },
	[CH_ENABLE_PUBLIC_PEERING] = { "enable_public_peering",
	    K_CIRCUIT | K_NATPOOL },
	[CH_DISABLE_PUBLIC_PEERING] = { "disable_public_peering",
	    K_CIRCUIT },
	[CH_SET_ADVERTISED] = { "set_advertised", K_CIRCUIT | K_ADVERTISED },
	[CH_ADVERTISE] = { "advertise", K_CIRCUIT | K_PREFIXES },
	[CH_WITHDRAW] = { "withdraw", K_CIRCUIT | K_PREFIXES },
	[CH_SET_PEERING] = { "set_peering", K_VNET | K_PEERING },
	[CH_ADD_VPN_SITE] = { "add_vpn_site", K_SITE },
	[CH_REMOVE_VPN_SITE] = { "remove_vpn_site", K_NAME },
	[CH_REPLACE_VPN_SITE] = { "replace_vpn_site", K_SITE },
	[CH_SET_PEER_ADVERTISED] = { "set_peer_advertised",
	    K_RS | K_NAME | K_ADVERTISED },
	[CH_SET_DEFAULT_SITE] = { "set_default_site", K_GATEWAY | K_SITE },
	[CH_CLEAR_DEFAULT_SITE] = { "clear_default_site", K_GATEWAY },
	[CH_SET_ROUTE_FILTER] = { "set_route_filter", K_CIRCUIT | K_FILTER },
	/* add and replace take network_rules or application_rules. */
	[CH_ADD_FIREWALL_RULE] = { "add_firewall_rule",
	    K_FIREWALL | K_NETRULES },
	[CH_REMOVE_FIREWALL_RULE] = { "remove_firewall_rule",
	    K_FIREWALL | K_NAME },
	[CH_REPLACE_FIREWALL_RULE] = { "replace_firewall_rule",
	    K_FIREWALL | K_NETRULES },
	[CH_SET_FORCED_TUNNELING] = { "set_forced_tunneling",
	    K_FIREWALL | K_FT },
	[CH_SET_DEFAULT_ROUTE_PROPAGATION] = {
	    "set_default_route_propagation", K_HUB | K_VNET | K_PROP },
	[CH_SET_ROUTING_INTENT] = { "set_routing_intent",
	    K_HUB | K_INTENT },
	[CH_CONNECT_VNET] = { "connect_vnet", K_HUB | K_VNET | K_PROP },
	[CH_DISCONNECT_VNET] = { "disconnect_vnet", K_HUB | K_VNET },
};

const char *
change_kind_name(enum change_kind k)
{
	return (unsigned)k < CH_COUNT ? kinds[k].name : "?";
}

/*
 * Reading.
 */

/*
 * The reading of one change file: the change being filled, where
 * messages go, the file's tree, and how many errors were found (the
 * messages of this file are not capped).
 */
struct chr {
	struct change *c;
	struct diag *d;
	yaml_document_t *doc;
	size_t nerr;
};

static struct srcpos
chr_pos(const struct chr *r, const yaml_node_t *n)
{
	struct srcpos p = { r->c->file, (int)n->start_mark.line + 1,
	    (int)n->start_mark.column + 1 };

	return p;
}

static void __attribute__((format(printf, 3, 4)))
chr_err(struct chr *r, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(r->d, DIAG_ERROR, chr_pos(r, n), fmt, ap);
	va_end(ap);
	r->nerr++;
}

static const char *
chr_kind(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a mapping" :
	    n->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
}

/* A non-empty string scalar into *out (a copy). 0 or -1 after an error. */
static int
chr_name(struct chr *r, yaml_node_t *n, const char *key, struct change_ref *out)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE) {
		chr_err(r, n, "'%s' must be a name, not %s", key, chr_kind(n));
		return -1;
	}
	v = (const char *)n->data.scalar.value;
	if (*v == '\0') {
		chr_err(r, n, "'%s' must not be empty", key);
		return -1;
	}
	if ((out->name = strdup(v)) == NULL) {
		diag_set_oom();
		chr_err(r, n, "out of memory");
		return -1;
	}
	out->pos = chr_pos(r, n);
	return 0;
}

static int
chr_bool(struct chr *r, yaml_node_t *n, const char *key, bool *out)
{
	const char *v = n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : "";

	if (strcasecmp(v, "true") == 0)
		*out = true;
	else if (strcasecmp(v, "false") == 0)
		*out = false;
	else {
		chr_err(r, n, "'%s' must be true or false", key);
		return -1;
	}
	return 0;
}

static size_t
key_index(const char *s)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(key_names[i], s) == 0)
			return i;
	return NKEYS;
}

static int
chr_kind_of(struct chr *r, yaml_node_t *n, enum change_kind *out)
{
	const char *v;
	size_t i;

	if (n->type != YAML_SCALAR_NODE) {
		chr_err(r, n, "'op' must be an operation name, not %s",
		    chr_kind(n));
		return -1;
	}
	v = (const char *)n->data.scalar.value;
	for (i = 0; i < CH_COUNT; i++)
		if (strcmp(kinds[i].name, v) == 0) {
			*out = (enum change_kind)i;
			return 0;
		}
	chr_err(r, n, "unknown operation '%s' (add_route, remove_route, "
	    "replace_route, add_route_table, remove_route_table, "
	    "associate_route_table, dissociate_route_table, "
	    "set_route_propagation, add_nsg_rule, remove_nsg_rule, "
	    "enable_public_peering, disable_public_peering, set_advertised, "
	    "advertise, withdraw, set_peering, add_vpn_site, remove_vpn_site, "
	    "replace_vpn_site, set_peer_advertised, set_default_site, "
	    "clear_default_site, set_route_filter, add_firewall_rule, "
	    "remove_firewall_rule, replace_firewall_rule, "
	    "set_forced_tunneling, set_default_route_propagation, "
	    "set_routing_intent, connect_vnet, disconnect_vnet)", v);
	return -1;
}

/*
 * A reader state for one element an operation adds, over this file's
 * tree, naming positions by the change's copy of the file name. Each
 * element has its own, so that its errors are counted (and capped) apart,
 * as a scenario's sections are; chr_read_done counts any of them once
 * for the change. What a failed element holds is freed with the change.
 */
static void
chr_reader(const struct chr *r, struct yrd *y)
{
	yrd_init(y, r->c->file, "change", r->d);
	y->doc = r->doc;
}

static int
chr_read_done(struct chr *r, const struct yrd *y)
{
	if (y->nerr == 0)
		return 0;
	r->nerr++;
	return -1;
}

static void
chr_op(struct chr *r, yaml_node_t *n, struct change_op *op)
{
	yaml_node_t *val[NKEYS] = { NULL }, *key[NKEYS] = { NULL };
	yaml_node_pair_t *p;
	enum change_kind kind;
	struct srcpos ppos;
	struct yrd y;
	unsigned have = 0, want;
	size_t i;

	op->pos = chr_pos(r, n);
	if (n->type != YAML_MAPPING_NODE) {
		chr_err(r, n, "an operation is a mapping with an 'op' key, "
		    "not %s", chr_kind(n));
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = yaml_document_get_node(r->doc, p->key);
		const char *ks = k->type == YAML_SCALAR_NODE ?
		    (const char *)k->data.scalar.value : "";

		if ((i = key_index(ks)) == NKEYS) {
			chr_err(r, k, "unknown key '%s' in an operation", ks);
			continue;
		}
		if (key[i] != NULL) {
			chr_err(r, k, "duplicate key '%s' (first at line %zu)",
			    ks, key[i]->start_mark.line + 1);
			continue;
		}
		key[i] = k;
		val[i] = yaml_document_get_node(r->doc, p->value);
		have |= 1u << i;
	}
	if (val[0] == NULL) {
		chr_err(r, n, "missing required key 'op' in an operation");
		return;
	}
	if (chr_kind_of(r, val[0], &kind) != 0)
		return;
	op->kind = kind;
	want = kinds[kind].keys | K_OP;
	/* A rule collection of either type. */
	if ((kind == CH_ADD_FIREWALL_RULE || kind == CH_REPLACE_FIREWALL_RULE)
	    && (have & K_APPRULES))
		want = (want & ~(unsigned)K_NETRULES) | K_APPRULES;
	for (i = 0; i < NKEYS; i++) {
		if ((have & 1u << i) && !(want & 1u << i))
			chr_err(r, key[i], "'%s' does not take key '%s'",
			    kinds[kind].name, key_names[i]);
		else if (!(have & 1u << i) && (want & 1u << i))
			chr_err(r, n, "'%s' needs key '%s'", kinds[kind].name,
			    key_names[i]);
	}
	if (val[1] != NULL) {
		if (kind == CH_ADD_ROUTE_TABLE) {
			chr_reader(r, &y);
			(void)scn_rtable(&y, val[1], &op->rtable);
			(void)chr_read_done(r, &y);
		} else
			(void)chr_name(r, val[1], "route_table",
			    &op->route_table);
	}
	if (val[2] != NULL) {
		chr_reader(r, &y);
		(void)scn_route(&y, val[2], &op->route);
		(void)chr_read_done(r, &y);
	}
	if (val[3] != NULL)
		(void)chr_name(r, val[3], "name", &op->name);
	if (val[4] != NULL)
		(void)chr_name(r, val[4], "vnet", &op->vnet);
	if (val[5] != NULL)
		(void)chr_name(r, val[5], "subnet", &op->subnet);
	if (val[6] != NULL)
		(void)chr_name(r, val[6], "nsg", &op->nsg);
	if (val[7] != NULL) {
		chr_reader(r, &y);
		(void)scn_rule(&y, val[7], &op->rule, &ppos);
		(void)chr_read_done(r, &y);
	}
	if (val[8] != NULL)
		(void)chr_name(r, val[8], "circuit", &op->circuit);
	if (val[9] != NULL)
		(void)chr_bool(r, val[9], "disable_bgp_route_propagation",
		    &op->flag);
	/* nat_pool, advertised and prefixes fill the same list: only the
	 * kind's own key is read (another one is an error above). */
	for (i = 10; i <= 12; i++) {
		if (val[i] == NULL || !(want & 1u << i))
			continue;
		chr_reader(r, &y);
		(void)yrd_pfx_list(&y, val[i], key_names[i], false,
		    &op->prefixes, &op->nprefixes);
		if (chr_read_done(r, &y) != 0)
			continue;
		if (op->nprefixes == 0 && kind != CH_SET_ADVERTISED &&
		    kind != CH_SET_PEER_ADVERTISED)
			chr_err(r, val[i], "'%s' must not be empty",
			    key_names[i]);
	}
	if (val[13] != NULL) {
		yaml_node_t *pv;

		chr_reader(r, &y);
		pv = scn_peering(&y, val[13], &op->peering);
		if (chr_read_done(r, &y) == 0 && pv != NULL)
			(void)chr_name(r, pv, "vnet", &op->peer_vnet);
	}
	if (val[14] != NULL) {
		if (kind == CH_SET_DEFAULT_SITE) {
			(void)chr_name(r, val[14], "vpn_site", &op->site_name);
		} else {
			yaml_node_t *gw;

			chr_reader(r, &y);
			scn_site(&y, val[14], &op->site, &gw);
			if (chr_read_done(r, &y) == 0 && gw != NULL)
				(void)chr_name(r, gw, "gateway",
				    &op->site_gateway);
		}
	}
	if (val[15] != NULL)
		(void)chr_name(r, val[15], "gateway", &op->gateway);
	if (val[16] != NULL)
		(void)chr_name(r, val[16], "route_server", &op->route_server);
	if (val[17] != NULL) {
		chr_reader(r, &y);
		(void)yrd_str_list(&y, val[17], "route_filter", &op->regions,
		    &op->nregions);
		(void)chr_read_done(r, &y);
	}
	if (val[18] != NULL)
		(void)chr_name(r, val[18], "firewall", &op->firewall);
	for (i = 19; i <= 20; i++) {
		if (val[i] == NULL || !(want & 1u << i))
			continue;
		chr_reader(r, &y);
		scn_fw_coll(&y, val[i], i == 19 ? FWC_NETWORK :
		    FWC_APPLICATION, &op->coll);
		(void)chr_read_done(r, &y);
	}
	if (val[21] != NULL)
		(void)chr_bool(r, val[21], "forced_tunneling", &op->forced);
	if (val[22] != NULL)
		(void)chr_name(r, val[22], "hub", &op->hub);
	if (val[23] != NULL)
		(void)chr_bool(r, val[23], "propagate_default_route",
		    &op->propagate);
	if (val[24] != NULL) {
		chr_reader(r, &y);
		scn_intent(&y, val[24], &op->intent_internet,
		    &op->intent_private);
		(void)chr_read_done(r, &y);
	}
}

static void
chr_root(struct chr *r, yaml_node_t *root)
{
	yaml_node_t *ops = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	size_t i, n;

	if (root->type != YAML_MAPPING_NODE) {
		chr_err(r, root, "expected a mapping at the top of the change "
		    "file, got %s", chr_kind(root));
		return;
	}
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(r->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(r->doc, p->value);
		const char *ks = k->type == YAML_SCALAR_NODE ?
		    (const char *)k->data.scalar.value : "";
		struct change_ref ref = { NULL, { NULL, 0, 0 } };

		if (strcmp(ks, "operations") == 0)
			ops = v;
		else if (strcmp(ks, "change") == 0 && r->c->name == NULL) {
			if (chr_name(r, v, "change", &ref) == 0)
				r->c->name = ref.name;
		} else if (strcmp(ks, "description") == 0 &&
		    r->c->description == NULL) {
			if (chr_name(r, v, "description", &ref) == 0)
				r->c->description = ref.name;
		} else
			chr_err(r, k, "unknown key '%s' in a change file "
			    "(change, description, operations)", ks);
	}
	if (ops == NULL) {
		chr_err(r, root, "missing required key 'operations'");
		return;
	}
	if (ops->type != YAML_SEQUENCE_NODE) {
		chr_err(r, ops, "'operations' must be a list, not %s",
		    chr_kind(ops));
		return;
	}
	it = ops->data.sequence.items.start;
	n = (size_t)(ops->data.sequence.items.top - it);
	if (n == 0) {
		chr_err(r, ops, "'operations' must not be empty");
		return;
	}
	if ((r->c->ops = calloc(n, sizeof(*r->c->ops))) == NULL) {
		diag_set_oom();
		chr_err(r, ops, "out of memory");
		return;
	}
	r->c->nops = n;
	for (i = 0; i < n; i++)
		chr_op(r, yaml_document_get_node(r->doc, it[i]),
		    &r->c->ops[i]);
}

static void
free_ref(struct change_ref *r)
{
	free(r->name);
	r->name = NULL;
}

void
change_free(struct change *c)
{
	size_t i;

	for (i = 0; i < c->nops; i++) {
		struct change_op *op = &c->ops[i];

		free_ref(&op->route_table);
		free_ref(&op->vnet);
		free_ref(&op->subnet);
		free_ref(&op->nsg);
		free_ref(&op->circuit);
		free_ref(&op->name);
		free_ref(&op->peer_vnet);
		free_ref(&op->site_gateway);
		free_ref(&op->site_name);
		free_ref(&op->gateway);
		free_ref(&op->hub);
		free_ref(&op->route_server);
		free(op->site.name);
		free(op->site.prefixes);
		free(op->site.advertised);
		for (size_t k = 0; k < op->nregions; k++)
			free(op->regions[k]);
		free(op->regions);
		free_ref(&op->firewall);
		topo_fw_coll_free(&op->coll);
		topo_route_free(&op->route);
		topo_rtable_free(&op->rtable);
		topo_rule_free(&op->rule);
		free(op->prefixes);
	}
	free(c->ops);
	free(c->name);
	free(c->description);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

int
change_parse(const char *name, const char *buf, size_t len,
    struct change *out, struct diag *d)
{
	struct srcpos unknown = { name, 0, 0 }, start = { name, 1, 1 };
	yaml_document_t doc;
	yaml_node_t *root;
	struct chr r;
	struct yrd y;
	size_t from;

	if (name == NULL || out == NULL || d == NULL ||
	    (buf == NULL && len > 0))
		return -1;
	memset(out, 0, sizeof(*out));
	if ((out->file = strdup(name)) == NULL) {
		diag_nomem(d, unknown);
		return -1;
	}
	if (len > CHANGE_MAX_BYTES) {
		diag_error(d, start, "change file is larger than %u MiB",
		    CHANGE_MAX_BYTES >> 20);
		change_free(out);
		return -1;
	}
	yrd_init(&y, name, "change", d);
	if (yrd_load(&y, buf, len, &doc) != 0) {
		change_free(out);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || yrd_isnull(root)) {
		diag_error(d, start, "empty file");
		yaml_document_delete(&doc);
		change_free(out);
		return -1;
	}
	from = d->n;
	memset(&r, 0, sizeof(r));
	r.c = out;
	r.d = d;
	r.doc = &doc;
	chr_root(&r, root);
	yaml_document_delete(&doc);
	if (r.nerr == 0)
		return 0;
	/* Messages in document order. */
	{
		struct diag_msg m;
		size_t i, j;

		for (i = from + 1; i < d->n; i++) {
			m = d->msgs[i];
			for (j = i; j > from && (d->msgs[j - 1].pos.line >
			    m.pos.line || (d->msgs[j - 1].pos.line ==
			    m.pos.line && d->msgs[j - 1].pos.col >
			    m.pos.col)); j--)
				d->msgs[j] = d->msgs[j - 1];
			d->msgs[j] = m;
		}
	}
	change_free(out);
	return -1;
}

int
change_load(const char *path, struct change *out, struct diag *d)
{
	char *buf;
	size_t len;
	int rc;

	if (path == NULL || out == NULL || d == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if (scenario_read_file(path, &buf, &len, d) != 0)
		return -1;
	rc = change_parse(path, buf, len, out, d);
	free(buf);
	return rc;
}

/*
 * Applying.
 */

struct cha {
	const struct change *c;
	struct topo *t;
	struct diag *d;
};

static int __attribute__((format(printf, 3, 4)))
cha_err(struct cha *a, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(a->d, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
	return -1;
}

static int
cha_nomem(struct cha *a, const struct change_op *op)
{
	diag_set_oom();
	return cha_err(a, op->pos, "out of memory");
}

/* "; did you mean 'X'?" when one of the n names (an array of structures,
 * suggest_in) is near enough to typed to be a typo, else "". */
#define NEAR(buf, typed, arr, n, type) \
	near_hint(buf, sizeof(buf), suggest_in(typed, arr, n, sizeof(type), \
	    offsetof(type, name)))

static const char *
near_hint(char *buf, size_t len, const char *near)
{
	if (near == NULL)
		return "";
	snprintf(buf, len, "; did you mean '%s'?", near);
	return buf;
}

/* Where an element comes from, for messages: a line of this change, of
 * a change applied before it (whatif's stacked change files), or of the
 * scenario. */
static void
origin(const struct cha *a, struct srcpos pos, char *buf, size_t len)
{
	if (pos.file == a->c->file)
		snprintf(buf, len, "added at line %d", pos.line);
	else if (pos.file != NULL && a->t->file != NULL &&
	    strcmp(pos.file, a->t->file) != 0)
		snprintf(buf, len, "added in %s, line %d", pos.file, pos.line);
	else
		snprintf(buf, len, "in %s, line %d", a->t->file, pos.line);
}

/* The route table op->route_table names, or an error listing the tables
 * there are (with where each comes from), so that a name that does not
 * match shows the one that was meant. */
static size_t
cha_rtable(struct cha *a, const struct change_ref *ref)
{
	char list[512], where[128], hint[SUGGEST_HINT];
	size_t i, k, len = 0;

	if ((i = topo_rtable_find(a->t, ref->name)) != TOPO_NONE)
		return i;
	list[0] = '\0';
	for (k = 0; k < a->t->nrtables && len < sizeof(list) - 1; k++) {
		origin(a, a->t->rtables[k].pos, where, sizeof(where));
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "%s'%s' (%s)", k ? ", " : "", a->t->rtables[k].name,
		    where);
		if (len >= sizeof(list))
			len = sizeof(list) - 1;
	}
	if (a->t->nrtables == 0)
		cha_err(a, ref->pos, "no route table '%s': the network has no "
		    "route tables", ref->name);
	else
		cha_err(a, ref->pos, "no route table '%s'; the route tables "
		    "are %s%s", ref->name, list, NEAR(hint, ref->name,
		    a->t->rtables, a->t->nrtables, struct route_table));
	return TOPO_NONE;
}

static size_t
cha_nsg(struct cha *a, const struct change_ref *ref)
{
	size_t i;

	char hint[SUGGEST_HINT];

	if ((i = topo_nsg_find(a->t, ref->name)) == TOPO_NONE)
		cha_err(a, ref->pos, "no NSG '%s'%s", ref->name, NEAR(hint,
		    ref->name, a->t->nsgs, a->t->nnsgs, struct nsg));
	return i;
}

static size_t
cha_circuit(struct cha *a, const struct change_ref *ref)
{
	size_t i;

	char hint[SUGGEST_HINT];

	if ((i = topo_circuit_find(a->t, ref->name)) == TOPO_NONE)
		cha_err(a, ref->pos, "no ExpressRoute circuit '%s'%s",
		    ref->name, NEAR(hint, ref->name, a->t->circuits,
		    a->t->ncircuits, struct circuit));
	return i;
}

static struct subnet *
cha_subnet(struct cha *a, const struct change_op *op)
{
	char hint[SUGGEST_HINT];
	struct vnet *v;
	size_t vi, i;

	if ((vi = topo_vnet_find(a->t, op->vnet.name)) == TOPO_NONE) {
		cha_err(a, op->vnet.pos, "no VNet '%s'%s", op->vnet.name,
		    NEAR(hint, op->vnet.name, a->t->vnets, a->t->nvnets,
		    struct vnet));
		return NULL;
	}
	v = &a->t->vnets[vi];
	for (i = 0; i < v->nsubnets; i++)
		if (strcasecmp(v->subnets[i].name, op->subnet.name) == 0)
			return &v->subnets[i];
	cha_err(a, op->subnet.pos, "no subnet '%s' in VNet %s%s",
	    op->subnet.name, v->name, NEAR(hint, op->subnet.name, v->subnets,
	    v->nsubnets, struct subnet));
	return NULL;
}

static size_t
route_by_name(const struct route_table *rt, const char *name)
{
	size_t i;

	for (i = 0; i < rt->nroutes; i++)
		if (strcasecmp(rt->routes[i].name, name) == 0)
			return i;
	return TOPO_NONE;
}

/* A route with the prefix of r in rt, other than skip (Azure refuses two
 * routes with one prefix in a table). */
static const struct route *
route_same_prefix(const struct route_table *rt, const struct route *r,
    size_t skip)
{
	size_t i;

	for (i = 0; i < rt->nroutes; i++)
		if (i != skip && pfx_equal(rt->routes[i].pfx, r->pfx))
			return &rt->routes[i];
	return NULL;
}

static int
grow(void **arr, size_t n, size_t sz)
{
	void *p = realloc(*arr, (n + 1) * sz);

	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	memset((char *)p + n * sz, 0, sz);
	return 0;
}

static int
op_add_route_table(struct cha *a, const struct change_op *op)
{
	struct topo *t = a->t;
	char where[128];
	size_t i;

	if ((i = topo_rtable_find(t, op->rtable.name)) != TOPO_NONE) {
		origin(a, t->rtables[i].pos, where, sizeof(where));
		return cha_err(a, op->rtable.pos, "route table '%s' already "
		    "exists (%s)", op->rtable.name, where);
	}
	if (grow((void **)&t->rtables, t->nrtables, sizeof(*t->rtables)) != 0 ||
	    topo_rtable_copy(&op->rtable, &t->rtables[t->nrtables]) != 0)
		return cha_nomem(a, op);
	t->nrtables++;
	return 0;
}

static int
op_remove_route_table(struct cha *a, const struct change_op *op)
{
	struct topo *t = a->t;
	size_t ri, v, s;

	if ((ri = cha_rtable(a, &op->route_table)) == TOPO_NONE)
		return -1;
	for (v = 0; v < t->nvnets; v++)
		for (s = 0; s < t->vnets[v].nsubnets; s++)
			if (t->vnets[v].subnets[s].route_table == ri)
				return cha_err(a, op->route_table.pos, "route "
				    "table '%s' is associated with subnet %s "
				    "of %s; dissociate it first",
				    t->rtables[ri].name,
				    t->vnets[v].subnets[s].name,
				    t->vnets[v].name);
	topo_rtable_free(&t->rtables[ri]);
	memmove(&t->rtables[ri], &t->rtables[ri + 1],
	    (t->nrtables - ri - 1) * sizeof(*t->rtables));
	t->nrtables--;
	for (v = 0; v < t->nvnets; v++)
		for (s = 0; s < t->vnets[v].nsubnets; s++) {
			struct subnet *sn = &t->vnets[v].subnets[s];

			if (sn->route_table != TOPO_NONE &&
			    sn->route_table > ri)
				sn->route_table--;
		}
	return 0;
}

static int
op_add_route(struct cha *a, const struct change_op *op)
{
	struct route_table *rt;
	const struct route *dup;
	char where[128];
	size_t ri;

	if ((ri = cha_rtable(a, &op->route_table)) == TOPO_NONE)
		return -1;
	rt = &a->t->rtables[ri];
	if (route_by_name(rt, op->route.name) != TOPO_NONE)
		return cha_err(a, op->route.pos, "route table '%s' already has "
		    "a route '%s' (replace_route changes it)", rt->name,
		    op->route.name);
	if ((dup = route_same_prefix(rt, &op->route, TOPO_NONE)) != NULL) {
		char buf[PFX_STRLEN];

		origin(a, dup->pos, where, sizeof(where));
		return cha_err(a, op->route.pos, "route '%s' has the same "
		    "prefix %s as route '%s' (%s) of table '%s'",
		    op->route.name, pfx_format(op->route.pfx, buf), dup->name,
		    where, rt->name);
	}
	if (grow((void **)&rt->routes, rt->nroutes, sizeof(*rt->routes)) != 0 ||
	    topo_route_copy(&op->route, &rt->routes[rt->nroutes]) != 0)
		return cha_nomem(a, op);
	rt->nroutes++;
	return 0;
}

static int
op_remove_route(struct cha *a, const struct change_op *op)
{
	struct route_table *rt;
	char hint[SUGGEST_HINT];
	size_t ri, i;

	if ((ri = cha_rtable(a, &op->route_table)) == TOPO_NONE)
		return -1;
	rt = &a->t->rtables[ri];
	if ((i = route_by_name(rt, op->name.name)) == TOPO_NONE)
		return cha_err(a, op->name.pos, "route table '%s' has no "
		    "route '%s'%s", rt->name, op->name.name, NEAR(hint,
		    op->name.name, rt->routes, rt->nroutes, struct route));
	topo_route_free(&rt->routes[i]);
	memmove(&rt->routes[i], &rt->routes[i + 1],
	    (rt->nroutes - i - 1) * sizeof(*rt->routes));
	rt->nroutes--;
	return 0;
}

static int
op_replace_route(struct cha *a, const struct change_op *op)
{
	struct route_table *rt;
	const struct route *dup;
	struct route nr;
	char where[128], hint[SUGGEST_HINT];
	size_t ri, i;

	if ((ri = cha_rtable(a, &op->route_table)) == TOPO_NONE)
		return -1;
	rt = &a->t->rtables[ri];
	if ((i = route_by_name(rt, op->route.name)) == TOPO_NONE)
		return cha_err(a, op->route.pos, "route table '%s' has no "
		    "route '%s' to replace%s (add_route adds one)", rt->name,
		    op->route.name, NEAR(hint, op->route.name, rt->routes,
		    rt->nroutes, struct route));
	if ((dup = route_same_prefix(rt, &op->route, i)) != NULL) {
		char buf[PFX_STRLEN];

		origin(a, dup->pos, where, sizeof(where));
		return cha_err(a, op->route.pos, "route '%s' would have the "
		    "same prefix %s as route '%s' (%s)", op->route.name,
		    pfx_format(op->route.pfx, buf), dup->name, where);
	}
	if (topo_route_copy(&op->route, &nr) != 0)
		return cha_nomem(a, op);
	topo_route_free(&rt->routes[i]);
	rt->routes[i] = nr;
	return 0;
}

static int
op_associate(struct cha *a, const struct change_op *op)
{
	struct subnet *sn;
	size_t ri;

	if ((sn = cha_subnet(a, op)) == NULL ||
	    (ri = cha_rtable(a, &op->route_table)) == TOPO_NONE)
		return -1;
	sn->route_table = ri;
	sn->route_table_pos = op->route_table.pos;
	return 0;
}

static int
op_dissociate(struct cha *a, const struct change_op *op)
{
	struct subnet *sn;

	if ((sn = cha_subnet(a, op)) == NULL)
		return -1;
	if (sn->route_table == TOPO_NONE)
		return cha_err(a, op->subnet.pos, "subnet %s has no route "
		    "table to dissociate", sn->name);
	sn->route_table = TOPO_NONE;
	return 0;
}

static int
op_set_propagation(struct cha *a, const struct change_op *op)
{
	size_t ri;

	if ((ri = cha_rtable(a, &op->route_table)) == TOPO_NONE)
		return -1;
	a->t->rtables[ri].disable_bgp_propagation = op->flag;
	return 0;
}

static int
op_add_rule(struct cha *a, const struct change_op *op)
{
	struct nsg *g;
	char where[128];
	size_t gi, i;

	if ((gi = cha_nsg(a, &op->nsg)) == TOPO_NONE)
		return -1;
	g = &a->t->nsgs[gi];
	for (i = 0; i < g->nrules; i++) {
		const struct nsg_rule *r = &g->rules[i];

		origin(a, r->pos, where, sizeof(where));
		if (strcasecmp(r->name, op->rule.name) == 0)
			return cha_err(a, op->rule.pos, "NSG '%s' already has "
			    "a rule '%s' (%s)", g->name, r->name, where);
		if (r->dir == op->rule.dir &&
		    r->priority == op->rule.priority)
			return cha_err(a, op->rule.pos, "rule '%s' has "
			    "priority %d %s, already used by rule '%s' (%s) "
			    "of NSG '%s'", op->rule.name, r->priority,
			    r->dir == DIR_INBOUND ? "Inbound" : "Outbound",
			    r->name, where, g->name);
	}
	if (grow((void **)&g->rules, g->nrules, sizeof(*g->rules)) != 0 ||
	    topo_rule_copy(&op->rule, &g->rules[g->nrules]) != 0)
		return cha_nomem(a, op);
	g->nrules++;
	return 0;
}

static int
op_remove_rule(struct cha *a, const struct change_op *op)
{
	char hint[SUGGEST_HINT];
	struct nsg *g;
	size_t gi, i;

	if ((gi = cha_nsg(a, &op->nsg)) == TOPO_NONE)
		return -1;
	g = &a->t->nsgs[gi];
	for (i = 0; i < g->nrules; i++)
		if (strcasecmp(g->rules[i].name, op->name.name) == 0)
			break;
	if (i == g->nrules)
		return cha_err(a, op->name.pos, "NSG '%s' has no rule '%s'%s",
		    g->name, op->name.name, NEAR(hint, op->name.name, g->rules,
		    g->nrules, struct nsg_rule));
	topo_rule_free(&g->rules[i]);
	memmove(&g->rules[i], &g->rules[i + 1],
	    (g->nrules - i - 1) * sizeof(*g->rules));
	g->nrules--;
	return 0;
}

static int
set_prefixes(struct pfx **dst, size_t *ndst, const struct pfx *src,
    size_t n)
{
	struct pfx *p = NULL;

	if (n > 0 && (p = malloc(n * sizeof(*p))) == NULL)
		return -ENOMEM;
	if (n > 0)
		memcpy(p, src, n * sizeof(*p));
	free(*dst);
	*dst = p;
	*ndst = n;
	return 0;
}

static int
op_public_peering(struct cha *a, const struct change_op *op, bool on)
{
	struct circuit *c;
	size_t ci;

	if ((ci = cha_circuit(a, &op->circuit)) == TOPO_NONE)
		return -1;
	c = &a->t->circuits[ci];
	if (!on) {
		if (!c->public_peering)
			return cha_err(a, op->circuit.pos, "circuit %s has no "
			    "public peering to disable", c->name);
		c->public_peering = false;
		return set_prefixes(&c->nat_pool, &c->nnat_pool, NULL, 0);
	}
	if (set_prefixes(&c->nat_pool, &c->nnat_pool, op->prefixes,
	    op->nprefixes) != 0)
		return cha_nomem(a, op);
	c->public_peering = true;
	c->public_peering_pos = op->pos;
	return 0;
}

static bool
has_prefix(const struct pfx *p, size_t n, struct pfx x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pfx_equal(p[i], x))
			return true;
	return false;
}

static int
op_advertised(struct cha *a, const struct change_op *op)
{
	struct circuit *c;
	struct pfx *np;
	char buf[PFX_STRLEN];
	size_t ci, i, n;

	if ((ci = cha_circuit(a, &op->circuit)) == TOPO_NONE)
		return -1;
	c = &a->t->circuits[ci];
	switch (op->kind) {
	case CH_SET_ADVERTISED:
		if (set_prefixes(&c->advertised, &c->nadvertised,
		    op->prefixes, op->nprefixes) != 0)
			return cha_nomem(a, op);
		break;
	case CH_ADVERTISE:
		np = realloc(c->advertised, (c->nadvertised + op->nprefixes) *
		    sizeof(*np));
		if (np == NULL)
			return cha_nomem(a, op);
		c->advertised = np;
		for (i = 0; i < op->nprefixes; i++)
			if (!has_prefix(c->advertised, c->nadvertised,
			    op->prefixes[i]))
				c->advertised[c->nadvertised++] =
				    op->prefixes[i];
		break;
	default:	/* CH_WITHDRAW */
		for (i = 0; i < op->nprefixes; i++)
			if (!has_prefix(c->advertised, c->nadvertised,
			    op->prefixes[i]))
				return cha_err(a, op->pos, "circuit %s does "
				    "not advertise %s", c->name,
				    pfx_format(op->prefixes[i], buf));
		for (i = n = 0; i < c->nadvertised; i++)
			if (!has_prefix(op->prefixes, op->nprefixes,
			    c->advertised[i]))
				c->advertised[n++] = c->advertised[i];
		c->nadvertised = n;
		break;
	}
	c->advertised_pos = op->pos;
	return 0;
}

/*
 * Estates (MODEL §8). After every operation has applied, change_apply
 * derives each VNet's hub again and checks the estate's rules
 * (topo_estate_check): a change that breaks transit is refused at the
 * peering it concerns.
 */

/* MODEL §8 [peer]: this side's settings of a peering, added when the
 * VNet does not list it yet. */
static int
op_set_peering(struct cha *a, const struct change_op *op)
{
	char hint[SUGGEST_HINT];
	struct vnet *v;
	size_t vi, ri, i;

	if ((vi = topo_vnet_find(a->t, op->vnet.name)) == TOPO_NONE)
		return cha_err(a, op->vnet.pos, "no VNet '%s'%s", op->vnet.name,
		    NEAR(hint, op->vnet.name, a->t->vnets, a->t->nvnets,
		    struct vnet));
	if ((ri = topo_vnet_find(a->t, op->peer_vnet.name)) == TOPO_NONE)
		return cha_err(a, op->peer_vnet.pos, "no VNet '%s'%s",
		    op->peer_vnet.name, NEAR(hint, op->peer_vnet.name,
		    a->t->vnets, a->t->nvnets, struct vnet));
	if (ri == vi)
		return cha_err(a, op->peer_vnet.pos, "VNet %s cannot peer "
		    "with itself", a->t->vnets[vi].name);
	v = &a->t->vnets[vi];
	for (i = 0; i < v->npeers && v->peers[i].vnet != ri; i++)
		;
	if (i == v->npeers) {
		if (grow((void **)&v->peers, v->npeers, sizeof(*v->peers)) != 0)
			return cha_nomem(a, op);
		v->npeers++;
	}
	v->peers[i] = op->peering;
	v->peers[i].vnet = ri;
	return 0;
}

static size_t
cha_site(struct cha *a, const char *name, struct srcpos pos)
{
	char hint[SUGGEST_HINT];
	size_t i;

	if ((i = topo_vpn_site_find(a->t, name)) == TOPO_NONE)
		cha_err(a, pos, "no VPN site '%s'%s", name, NEAR(hint, name,
		    a->t->vpn_sites, a->t->nvpn_sites, struct vpn_site));
	return i;
}

/* The site an operation brings, its gateway resolved, into *dst (whose
 * old contents are freed). */
static int
put_site(struct cha *a, const struct change_op *op, struct vpn_site *dst)
{
	struct vpn_site v = op->site;
	char hint[SUGGEST_HINT];
	size_t gi;

	if ((gi = topo_gateway_find(a->t, op->site_gateway.name)) ==
	    TOPO_NONE)
		return cha_err(a, op->site_gateway.pos, "no gateway '%s'%s",
		    op->site_gateway.name, NEAR(hint, op->site_gateway.name,
		    a->t->gateways, a->t->ngateways, struct gateway));
	v.gateway = gi;
	v.name = NULL;
	v.prefixes = v.advertised = NULL;
	if ((v.name = strdup(op->site.name)) == NULL ||
	    set_prefixes(&v.prefixes, &v.nprefixes, op->site.prefixes,
	    op->site.nprefixes) != 0 ||
	    set_prefixes(&v.advertised, &v.nadvertised, op->site.advertised,
	    op->site.nadvertised) != 0) {
		free(v.name);
		free(v.prefixes);
		free(v.advertised);
		return cha_nomem(a, op);
	}
	free(dst->name);
	free(dst->prefixes);
	free(dst->advertised);
	*dst = v;
	return 0;
}

static int
op_vpn_site(struct cha *a, const struct change_op *op)
{
	struct topo *t = a->t;
	size_t si, i;

	switch (op->kind) {
	case CH_ADD_VPN_SITE:
		if (topo_vpn_site_find(t, op->site.name) != TOPO_NONE)
			return cha_err(a, op->site.pos, "VPN site '%s' exists "
			    "already", op->site.name);
		if (grow((void **)&t->vpn_sites, t->nvpn_sites,
		    sizeof(*t->vpn_sites)) != 0)
			return cha_nomem(a, op);
		if (put_site(a, op, &t->vpn_sites[t->nvpn_sites]) != 0)
			return -1;
		t->nvpn_sites++;
		return 0;
	case CH_REPLACE_VPN_SITE:
		if ((si = cha_site(a, op->site.name, op->site.pos)) ==
		    TOPO_NONE)
			return -1;
		if (put_site(a, op, &t->vpn_sites[si]) != 0)
			return -1;
		/* A default site stays one only on its own gateway. */
		for (i = 0; i < t->ngateways; i++)
			if (t->gateways[i].default_site == si &&
			    t->vpn_sites[si].gateway != i)
				t->gateways[i].default_site = TOPO_NONE;
		return 0;
	default:	/* CH_REMOVE_VPN_SITE */
		if ((si = cha_site(a, op->name.name, op->name.pos)) ==
		    TOPO_NONE)
			return -1;
		for (i = 0; i < t->nflows; i++)
			if (t->flows[i].onprem && t->flows[i].from_site == si)
				return cha_err(a, op->name.pos, "flow %s starts "
				    "at VPN site %s", t->flows[i].name,
				    t->vpn_sites[si].name);
		free(t->vpn_sites[si].name);
		free(t->vpn_sites[si].prefixes);
		free(t->vpn_sites[si].advertised);
		memmove(&t->vpn_sites[si], &t->vpn_sites[si + 1],
		    (t->nvpn_sites - si - 1) * sizeof(*t->vpn_sites));
		t->nvpn_sites--;
		/* The indices of the sites after it move down one. */
		for (i = 0; i < t->ngateways; i++) {
			size_t *d = &t->gateways[i].default_site;

			if (*d == si)
				*d = TOPO_NONE;
			else if (*d != TOPO_NONE && *d > si)
				(*d)--;
		}
		for (i = 0; i < t->nflows; i++)
			if (t->flows[i].onprem &&
			    t->flows[i].from_site != TOPO_NONE &&
			    t->flows[i].from_site > si)
				t->flows[i].from_site--;
		return 0;
	}
}

/* MODEL §8 [rs]: what one Route Server peer advertises. */
static int
op_set_peer_advertised(struct cha *a, const struct change_op *op)
{
	struct route_server *rs = NULL;
	char hint[SUGGEST_HINT];
	size_t i;

	for (i = 0; i < a->t->nroute_servers; i++)
		if (strcasecmp(a->t->route_servers[i].name,
		    op->route_server.name) == 0)
			rs = &a->t->route_servers[i];
	if (rs == NULL)
		return cha_err(a, op->route_server.pos, "no Route Server "
		    "'%s'%s", op->route_server.name, NEAR(hint,
		    op->route_server.name, a->t->route_servers,
		    a->t->nroute_servers, struct route_server));
	for (i = 0; i < rs->npeers; i++)
		if (strcasecmp(rs->peers[i].name, op->name.name) == 0)
			break;
	if (i == rs->npeers)
		return cha_err(a, op->name.pos, "Route Server %s has no peer "
		    "'%s'%s", rs->name, op->name.name, NEAR(hint,
		    op->name.name, rs->peers, rs->npeers, struct rs_peer));
	if (set_prefixes(&rs->peers[i].advertised, &rs->peers[i].nadvertised,
	    op->prefixes, op->nprefixes) != 0)
		return cha_nomem(a, op);
	return 0;
}

/* MODEL §8 [vpn-ft]: a gateway's default site, one of its own sites. */
static int
op_default_site(struct cha *a, const struct change_op *op)
{
	char hint[SUGGEST_HINT];
	struct gateway *g;
	size_t gi, si;

	if ((gi = topo_gateway_find(a->t, op->gateway.name)) == TOPO_NONE)
		return cha_err(a, op->gateway.pos, "no gateway '%s'%s",
		    op->gateway.name, NEAR(hint, op->gateway.name,
		    a->t->gateways, a->t->ngateways, struct gateway));
	g = &a->t->gateways[gi];
	if (op->kind == CH_CLEAR_DEFAULT_SITE) {
		if (g->default_site == TOPO_NONE)
			return cha_err(a, op->gateway.pos, "gateway %s has no "
			    "default site to clear", g->name);
		g->default_site = TOPO_NONE;
		return 0;
	}
	if ((si = cha_site(a, op->site_name.name, op->site_name.pos)) ==
	    TOPO_NONE)
		return -1;
	if (a->t->vpn_sites[si].gateway != gi)
		return cha_err(a, op->site_name.pos, "VPN site %s connects to "
		    "gateway %s, not to %s", a->t->vpn_sites[si].name,
		    a->t->gateways[a->t->vpn_sites[si].gateway].name, g->name);
	g->default_site = si;
	g->default_site_pos = op->site_name.pos;
	return 0;
}

/* MODEL §8 [er-ms]: the regions a circuit's Microsoft peering route
 * filter names (regional AzureCloud tags of the scenario's service
 * tags). */
static int
op_route_filter(struct cha *a, const struct change_op *op)
{
	struct circuit *c;
	char **v = NULL;
	size_t ci, i;

	if ((ci = cha_circuit(a, &op->circuit)) == TOPO_NONE)
		return -1;
	c = &a->t->circuits[ci];
	if (!c->microsoft_peering)
		return cha_err(a, op->circuit.pos, "circuit %s has no "
		    "Microsoft peering", c->name);
	for (i = 0; i < op->nregions; i++)
		if (strncasecmp(op->regions[i], "AzureCloud.", 11) != 0 ||
		    tagset_find(a->t->tags, op->regions[i]) == NULL)
			return cha_err(a, op->pos, "route filter entry '%s' is "
			    "not a regional AzureCloud tag of the service "
			    "tags", op->regions[i]);
	if (op->nregions > 0 &&
	    (v = calloc(op->nregions, sizeof(*v))) == NULL)
		return cha_nomem(a, op);
	for (i = 0; i < op->nregions; i++)
		if ((v[i] = strdup(op->regions[i])) == NULL) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return cha_nomem(a, op);
		}
	for (i = 0; i < c->nroute_filter; i++)
		free(c->route_filter[i]);
	free(c->route_filter);
	c->route_filter = v;
	c->nroute_filter = op->nregions;
	return 0;
}

/* MODEL §8 [fw-rules] [fw-ft]: a firewall's rule collections and its
 * forced tunnelling mode. A collection is named within its type. */
static int
op_firewall(struct cha *a, const struct change_op *op)
{
	char hint[SUGGEST_HINT];
	struct firewall *fw;
	struct fw_coll *nc;
	size_t fi, i, at = TOPO_NONE;

	if ((fi = topo_firewall_find(a->t, op->firewall.name)) == TOPO_NONE)
		return cha_err(a, op->firewall.pos, "no firewall '%s'%s",
		    op->firewall.name, NEAR(hint, op->firewall.name,
		    a->t->firewalls, a->t->nfirewalls, struct firewall));
	fw = &a->t->firewalls[fi];
	if (op->kind == CH_SET_FORCED_TUNNELING) {
		fw->forced_tunneling = op->forced;
		return 0;
	}
	for (i = 0; i < fw->ncolls; i++)
		if (strcasecmp(fw->colls[i].name, op->kind ==
		    CH_REMOVE_FIREWALL_RULE ? op->name.name : op->coll.name) ==
		    0 && (op->kind == CH_REMOVE_FIREWALL_RULE ||
		    fw->colls[i].type == op->coll.type)) {
			if (at != TOPO_NONE)
				return cha_err(a, op->name.pos, "firewall %s "
				    "has a network and an application rule "
				    "collection named '%s': remove one by "
				    "replacing it", fw->name, op->name.name);
			at = i;
		}
	if (op->kind == CH_REMOVE_FIREWALL_RULE) {
		if (at == TOPO_NONE)
			return cha_err(a, op->name.pos, "firewall %s has no "
			    "rule collection '%s'%s", fw->name, op->name.name,
			    NEAR(hint, op->name.name, fw->colls, fw->ncolls,
			    struct fw_coll));
		topo_fw_coll_free(&fw->colls[at]);
		memmove(&fw->colls[at], &fw->colls[at + 1],
		    (fw->ncolls - at - 1) * sizeof(*fw->colls));
		fw->ncolls--;
		return 0;
	}
	if (op->kind == CH_ADD_FIREWALL_RULE && at != TOPO_NONE)
		return cha_err(a, op->pos, "firewall %s already has a %s rule "
		    "collection '%s': replace_firewall_rule changes it",
		    fw->name, fw_ctype_name(op->coll.type), op->coll.name);
	if (op->kind == CH_REPLACE_FIREWALL_RULE && at == TOPO_NONE)
		return cha_err(a, op->pos, "firewall %s has no %s rule "
		    "collection '%s' to replace%s", fw->name,
		    fw_ctype_name(op->coll.type), op->coll.name, NEAR(hint,
		    op->coll.name, fw->colls, fw->ncolls, struct fw_coll));
	if (at != TOPO_NONE) {
		topo_fw_coll_free(&fw->colls[at]);
		if (topo_fw_coll_copy(&op->coll, &fw->colls[at]) != 0) {
			/* Leave a valid, empty collection for topo_free. */
			memset(&fw->colls[at], 0, sizeof(fw->colls[at]));
			return cha_nomem(a, op);
		}
		return 0;
	}
	if ((nc = reallocarray(fw->colls, fw->ncolls + 1, sizeof(*nc))) ==
	    NULL)
		return cha_nomem(a, op);
	fw->colls = nc;
	if (topo_fw_coll_copy(&op->coll, &fw->colls[fw->ncolls]) != 0)
		return cha_nomem(a, op);
	fw->ncolls++;
	return 0;
}

/* MODEL §8 [vwan]: a hub's connections and routing intent. */
static int
op_vwan(struct cha *a, const struct change_op *op)
{
	struct topo *t = a->t;
	struct vhub *h;
	struct vhub_conn *c;
	size_t hi, v = TOPO_NONE, k;

	if ((hi = topo_vhub_find(t, op->hub.name)) == TOPO_NONE)
		return cha_err(a, op->hub.pos, "no virtual hub '%s'",
		    op->hub.name);
	h = &t->vhubs[hi];
	if (op->kind == CH_SET_ROUTING_INTENT) {
		h->intent_internet = op->intent_internet;
		h->intent_private = op->intent_private;
		h->intent_pos = op->pos;
		return 0;
	}
	if ((v = topo_vnet_find(t, op->vnet.name)) == TOPO_NONE ||
	    topo_vhub_of_vnet(t, v) != TOPO_NONE)
		return cha_err(a, op->vnet.pos, "no vnet '%s'", op->vnet.name);
	for (k = 0; k < h->nconns && h->conns[k].vnet != v; k++)
		;
	if (op->kind == CH_CONNECT_VNET) {
		if (k < h->nconns)
			return cha_err(a, op->vnet.pos, "vnet '%s' is "
			    "connected to hub '%s' already", op->vnet.name,
			    h->name);
		if ((c = reallocarray(h->conns, h->nconns + 1,
		    sizeof(*c))) == NULL)
			return cha_nomem(a, op);
		h->conns = c;
		c = &h->conns[h->nconns++];
		c->vnet = v;
		c->propagate_default = op->propagate;
		c->pos = op->pos;
		return 0;
	}
	if (k == h->nconns)
		return cha_err(a, op->vnet.pos, "vnet '%s' is not connected "
		    "to hub '%s'", op->vnet.name, h->name);
	if (op->kind == CH_SET_DEFAULT_ROUTE_PROPAGATION) {
		h->conns[k].propagate_default = op->propagate;
		return 0;
	}
	/* disconnect_vnet: the VNet learns from no hub again. */
	memmove(&h->conns[k], &h->conns[k + 1],
	    (h->nconns - k - 1) * sizeof(*h->conns));
	h->nconns--;
	t->vnets[v].hub = TOPO_NONE;
	return 0;
}

static int
apply_op(struct cha *a, const struct change_op *op)
{
	switch (op->kind) {
	case CH_ADD_ROUTE_TABLE:
		return op_add_route_table(a, op);
	case CH_REMOVE_ROUTE_TABLE:
		return op_remove_route_table(a, op);
	case CH_ADD_ROUTE:
		return op_add_route(a, op);
	case CH_REMOVE_ROUTE:
		return op_remove_route(a, op);
	case CH_REPLACE_ROUTE:
		return op_replace_route(a, op);
	case CH_ASSOCIATE_ROUTE_TABLE:
		return op_associate(a, op);
	case CH_DISSOCIATE_ROUTE_TABLE:
		return op_dissociate(a, op);
	case CH_SET_PROPAGATION:
		return op_set_propagation(a, op);
	case CH_ADD_NSG_RULE:
		return op_add_rule(a, op);
	case CH_REMOVE_NSG_RULE:
		return op_remove_rule(a, op);
	case CH_ENABLE_PUBLIC_PEERING:
		return op_public_peering(a, op, true);
	case CH_DISABLE_PUBLIC_PEERING:
		return op_public_peering(a, op, false);
	case CH_SET_ADVERTISED:
	case CH_ADVERTISE:
	case CH_WITHDRAW:
		return op_advertised(a, op);
	case CH_SET_PEERING:
		return op_set_peering(a, op);
	case CH_ADD_VPN_SITE:
	case CH_REMOVE_VPN_SITE:
	case CH_REPLACE_VPN_SITE:
		return op_vpn_site(a, op);
	case CH_SET_PEER_ADVERTISED:
		return op_set_peer_advertised(a, op);
	case CH_SET_DEFAULT_SITE:
	case CH_CLEAR_DEFAULT_SITE:
		return op_default_site(a, op);
	case CH_SET_ROUTE_FILTER:
		return op_route_filter(a, op);
	case CH_ADD_FIREWALL_RULE:
	case CH_REMOVE_FIREWALL_RULE:
	case CH_REPLACE_FIREWALL_RULE:
	case CH_SET_FORCED_TUNNELING:
		return op_firewall(a, op);
	case CH_SET_DEFAULT_ROUTE_PROPAGATION:
	case CH_SET_ROUTING_INTENT:
	case CH_CONNECT_VNET:
	case CH_DISCONNECT_VNET:
		return op_vwan(a, op);
	case CH_COUNT:
		break;
	}
	return cha_err(a, op->pos, "unknown operation");
}

/* The kinds of operation a broken rule of the firewalls (their own, or
 * the route tables of their subnets) or of the estate (peerings, sites,
 * gateways, Virtual WAN) comes from. */
static bool
fw_op(enum change_kind k)
{
	return k >= CH_ADD_FIREWALL_RULE && k <= CH_SET_FORCED_TUNNELING;
}

static bool
route_op(enum change_kind k)
{
	return k <= CH_SET_PROPAGATION;
}

static bool
estate_op(enum change_kind k)
{
	return (k >= CH_SET_PEERING && k <= CH_CLEAR_DEFAULT_SITE) ||
	    (k >= CH_SET_DEFAULT_ROUTE_PROPAGATION && k < CH_COUNT);
}

/* Where a rule broken after the change is blamed: the first operation
 * of kind first, else of kind then, else the first operation. */
static struct srcpos
blame(const struct change *c, bool (*first)(enum change_kind),
    bool (*then)(enum change_kind))
{
	size_t i;

	for (i = 0; i < c->nops; i++)
		if (first(c->ops[i].kind))
			return c->ops[i].pos;
	for (i = 0; then != NULL && i < c->nops; i++)
		if (then(c->ops[i].kind))
			return c->ops[i].pos;
	return c->ops[0].pos;
}

int
change_apply(const struct change *c, const struct topo *base,
    struct topo *out, struct diag *d)
{
	struct srcpos unknown = { c != NULL ? c->file : NULL, 0, 0 };
	struct cha a;
	size_t i;
	int rc;

	if (c == NULL || base == NULL || out == NULL || d == NULL)
		return -1;
	if (topo_copy(base, out) != 0) {
		diag_nomem(d, unknown);
		return -1;
	}
	a.c = c;
	a.t = out;
	a.d = d;
	for (i = 0; i < c->nops; i++)
		if (apply_op(&a, &c->ops[i]) != 0) {
			topo_free(out);
			return -1;
		}
	/* MODEL §8 [fw-rules] [fw-ft]: the firewalls' rules hold, their
	 * FQDNs resolve again. */
	if (out->nfirewalls > 0 && (rc = topo_firewalls_resolve(out, d)) != 0) {
		if (rc > 0)
			diag_error(d, blame(c, fw_op, route_op), "after this "
			    "change a firewall breaks the rule above (MODEL "
			    "§8): the change cannot apply");
		topo_free(out);
		return -1;
	}
	/* MODEL §8: hubs follow the peerings; the estate's rules hold. */
	topo_hubs(out);
	if (topo_estate_check(out, d) + topo_vwan_check(out, d) != 0) {
		diag_error(d, blame(c, estate_op, NULL), "after this change "
		    "the estate breaks the rule above (MODEL §8): the change "
		    "cannot apply");
		topo_free(out);
		return -1;
	}
	return 0;
}
