/*
 * scn_firewall.c: the `firewalls:` section of a scenario (FORMAT.md
 * "Estates", MODEL.md §8 [fw-rules] [fw-snat] [fw-ft]): each Azure
 * Firewall, its rule collections and their rules.
 *
 * A collection is written either with a `rules:` list or, for a
 * collection of one rule, with that rule's keys beside its own (the rule
 * then has the collection's name). Sources are prefixes, addresses or
 * ranges `a-b`; network rule destinations also service tags and FQDNs,
 * which firewall.c resolves once dns: is read.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/firewall.h"
#include "topology/vec.h"
#include "topology/yamlrd.h"

/*
 * A word that names a host: letters, digits, '-', '.', a dot and a
 * letter somewhere (an address is not a name).
 */
static bool
fw_is_fqdn(const char *v)
{
	bool dot = false, alpha = false;
	const char *c;

	for (c = v; *c; c++) {
		if (*c == '.')
			dot = true;
		else if (isalpha((unsigned char)*c))
			alpha = true;
		else if (!isdigit((unsigned char)*c) && *c != '-' &&
		    !(*c == '*' && c == v))
			return false;
	}
	return dot && alpha;
}

/*
 * An address list of a rule: '*' (any), or prefixes, addresses and
 * ranges; with tags (network rule destinations) also service tags and
 * FQDNs, the FQDNs into *fqdns. 1 stored, 0 absent, -1 error.
 */
static int
fw_addrs(struct yrd *y, yaml_node_t *n, const char *key, bool tags,
    struct addr_spec *out, char ***fqdns, size_t *nfqdns)
{
	yaml_node_item_t one, *it;
	yaml_node_t *item;
	struct addr_item *items = NULL;
	size_t cap = 0;
	uint32_t lo, hi;
	const char *v, *dash;
	char a[IP_STRLEN];
	size_t i, count, k = 0, nf = 0;
	int rc = 1;

	if (n == NULL || yrd_isnull(n))
		return 0;
	if (yrd_list(y, n, key, &one, &it, &count) == -1 ||
	    scn_limit(y, n, SCN_LIM_RULE_ADDRS, count, NULL) == -1)
		return -1;
	if (count == 0) {
		yrd_err(y, n, "'%s' must not be empty", key);
		return -1;
	}
	if (tags && (*fqdns = yrd_calloc(y, count, sizeof(**fqdns))) == NULL)
		return -1;
	for (i = 0; i < count && !y->stop; i++) {
		item = yrd_node(y, it[i]);
		if ((v = yrd_scalar(y, item, key, "an address")) == NULL) {
			rc = -1;
			continue;
		}
		if (strcmp(v, "*") == 0 || strcasecmp(v, "Any") == 0) {
			out->any = true;
			continue;
		}
		if ((dash = strchr(v, '-')) != NULL && isdigit((unsigned char)*v)
		    && (size_t)(dash - v) < sizeof(a)) {
			memcpy(a, v, (size_t)(dash - v));
			a[dash - v] = '\0';
			if (ip_parse(a, &lo) != 0 || ip_parse(dash + 1, &hi) != 0
			    || lo > hi) {
				yrd_err(y, item, "bad address range '%s' for "
				    "'%s': write it FIRST-LAST, FIRST not "
				    "above LAST", v, key);
				rc = -1;
				continue;
			}
			{
				struct pfx px[64];
				size_t np = topo_range_cidrs(lo, hi, px), q;

				if (VEC_RESERVE(items, cap, k + np) != 0) {
					rc = yrd_nomem(y);
					break;
				}
				memset(&items[k], 0, np * sizeof(*items));
				for (q = 0; q < np; q++)
					items[k++].pfx = px[q];
			}
			continue;
		}
		if (VEC_GROW(items, k, cap) != 0) {
			rc = yrd_nomem(y);
			break;
		}
		memset(&items[k], 0, sizeof(*items));
		if (isdigit((unsigned char)*v)) {
			if (yrd_pfx(y, item, key, &items[k].pfx) == 1)
				k++;
			else
				rc = -1;
			continue;
		}
		if (tags && fw_is_fqdn(v) && strchr(v, '*') == NULL &&
		    !tag_name_ok(v)) {
			if (yrd_strdup(y, v, &(*fqdns)[nf]) == -1) {
				rc = -1;
				break;
			}
			for (char *c = (*fqdns)[nf]; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			nf++;
			continue;
		}
		if (tags && tag_name_ok(v)) {
			items[k].is_tag = true;
			if (yrd_strdup(y, v, &items[k].tag) == -1) {
				rc = -1;
				break;
			}
			k++;
			continue;
		}
		yrd_err(y, item, "'%s' for '%s' is not %s", v, key, tags ?
		    "an address, a range FIRST-LAST, a service tag or an FQDN" :
		    "an address or a range FIRST-LAST");
		rc = -1;
	}
	if (tags)
		*nfqdns = nf;
	if (out->any || k == 0) {
		for (i = 0; i < k; i++)
			free(items[i].tag);
		free(items);
		if (!out->any && nf == 0 && rc == 1)
			rc = -1;
		return rc;
	}
	out->items = items;
	out->n = k;
	return rc;
}

/* Network rule protocols: Tcp, Udp, Icmp, Any, as a list. */
static int
fw_protos(struct yrd *y, yaml_node_t *n, unsigned *out)
{
	yaml_node_item_t one, *it;
	yaml_node_t *item;
	const char *v;
	unsigned p;
	size_t i, count;
	int rc = 1;

	*out = 0;
	if (yrd_list(y, n, "protocols", &one, &it, &count) == -1)
		return -1;
	for (i = 0; i < count; i++) {
		item = yrd_node(y, it[i]);
		if ((v = yrd_scalar(y, item, "protocols", "a protocol")) ==
		    NULL) {
			rc = -1;
			continue;
		}
		if (strcasecmp(v, "Any") == 0)
			p = PROTO_TCP | PROTO_UDP | PROTO_ICMP;
		else if (proto_parse(v, &p) != 0 || (p != PROTO_TCP &&
		    p != PROTO_UDP && p != PROTO_ICMP)) {
			yrd_err(y, item, "unknown network rule protocol '%s' "
			    "(Tcp, Udp, Icmp or Any) [fw-rules]", v);
			rc = -1;
			continue;
		}
		*out |= p;
	}
	return rc;
}

/* Application rule protocols: Http, Https, Mssql, each with an optional
 * port ("Https:8443"). */
static int
fw_aprotos(struct yrd *y, yaml_node_t *n, struct fw_rule *r)
{
	static const uint16_t dflt[] = { [FWA_HTTP] = 80, [FWA_HTTPS] = 443,
	    [FWA_MSSQL] = 1433 };
	yaml_node_item_t one, *it;
	yaml_node_t *item;
	const char *v, *colon;
	char word[16];
	unsigned long port;
	char *end;
	size_t i, count, len;
	int rc = 1;

	if (yrd_list(y, n, "protocols", &one, &it, &count) == -1)
		return -1;
	if ((r->aprotos = yrd_calloc(y, count, sizeof(*r->aprotos))) == NULL)
		return -1;
	for (i = 0; i < count; i++) {
		struct fw_app_proto *ap = &r->aprotos[r->naprotos];

		item = yrd_node(y, it[i]);
		if ((v = yrd_scalar(y, item, "protocols", "a protocol")) ==
		    NULL) {
			rc = -1;
			continue;
		}
		colon = strchr(v, ':');
		len = colon != NULL ? (size_t)(colon - v) : strlen(v);
		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, v, len);
		word[len] = '\0';
		if (fw_aproto_parse(word, &ap->type) != 0) {
			yrd_err(y, item, "application rule protocol '%s' is not "
			    "Http, Https or Mssql (with an optional :PORT): "
			    "other traffic needs a network rule [fw-rules]",
			    v);
			rc = -1;
			continue;
		}
		ap->port = dflt[ap->type];
		if (colon != NULL) {
			port = strtoul(colon + 1, &end, 10);
			if (colon[1] == '\0' || *end != '\0' || port < 1 ||
			    port > 64000) {
				yrd_err(y, item, "bad port in '%s': an "
				    "application rule port is 1-64000", v);
				rc = -1;
				continue;
			}
			ap->port = (uint16_t)port;
		}
		r->naprotos++;
	}
	return rc;
}

/* The rule keys first: a collection of one rule is read with them, and
 * an item of its rules with them alone. */
enum {
	FC_NAME, FC_PROTOS, FC_SRC, FC_DST, FC_DPORTS, FC_FQDNS, FC_RULE_N,
	FC_PRIO = FC_RULE_N, FC_ACTION, FC_GROUP, FC_GPRIO, FC_RULES, FC_N
};
static const struct yrd_key scn_fwc_keys[FC_N] = {
	[FC_NAME] = { "name", true },
	[FC_PROTOS] = { "protocols", false },
	[FC_SRC] = { "source", false },
	[FC_DST] = { "destination", false },
	[FC_DPORTS] = { "destination_ports", false },
	[FC_FQDNS] = { "fqdns", false },
	[FC_PRIO] = { "priority", true },
	[FC_ACTION] = { "action", true },
	[FC_GROUP] = { "group", false },
	[FC_GPRIO] = { "group_priority", false },
	[FC_RULES] = { "rules", false },
};

static const char *const scn_fw_actions[] = { "Allow", "Deny" };

/* One rule from the rule keys of m (name: the rule's). */
static void
fw_rule_read(struct yrd *y, const struct yrd_map *m, enum fw_ctype type,
    struct fw_rule *r)
{
	const char *key;

	r->pos = m->pos;
	(void)yrd_name(y, m->val[FC_NAME], "name", &r->name);
	if (m->val[FC_PROTOS] == NULL)
		yrd_errp(y, m->pos, "%s rule '%s' needs 'protocols'",
		    fw_ctype_name(type), r->name ? r->name : "?");
	if (fw_addrs(y, m->val[FC_SRC], "source", false, &r->src, NULL,
	    NULL) == 0)
		r->src.any = true;
	if (type == FWC_NETWORK) {
		if (m->val[FC_PROTOS] != NULL)
			(void)fw_protos(y, m->val[FC_PROTOS], &r->proto);
		if ((key = m->val[FC_FQDNS] != NULL ? "fqdns" : NULL) != NULL)
			yrd_err(y, m->key[FC_FQDNS], "'fqdns' belongs to "
			    "application rules; a network rule names FQDNs "
			    "in 'destination' [fw-rules]");
		if (m->val[FC_DST] == NULL)
			yrd_errp(y, m->pos, "network rule '%s' needs "
			    "'destination'", r->name ? r->name : "?");
		else
			(void)fw_addrs(y, m->val[FC_DST], "destination", true,
			    &r->dst, &r->dst_fqdns, &r->ndst_fqdns);
		if (yrd_ports(y, m->val[FC_DPORTS], "destination_ports",
		    &r->dports) == 0)
			(void)yrd_ports_any(y, &r->dports);
		return;
	}
	if (m->val[FC_PROTOS] != NULL)
		(void)fw_aprotos(y, m->val[FC_PROTOS], r);
	if (m->val[FC_DST] != NULL || m->val[FC_DPORTS] != NULL)
		yrd_err(y, m->key[m->val[FC_DST] != NULL ? FC_DST : FC_DPORTS],
		    "an application rule matches 'fqdns' and the ports of "
		    "its 'protocols' [fw-rules]");
	if (m->val[FC_FQDNS] == NULL)
		yrd_errp(y, m->pos, "application rule '%s' needs 'fqdns'",
		    r->name ? r->name : "?");
	else if (yrd_str_list(y, m->val[FC_FQDNS], "fqdns", &r->fqdns,
	    &r->nfqdns) == 1)
		for (size_t i = 0; i < r->nfqdns; i++)
			for (char *c = r->fqdns[i]; *c; c++)
				*c = (char)tolower((unsigned char)*c);
}

void
scn_fw_coll(struct yrd *y, yaml_node_t *n, enum fw_ctype type,
    struct fw_coll *c)
{
	yaml_node_item_t one, *it;
	struct yrd_map m, rm;
	unsigned long v;
	int action;
	size_t i, count;

	c->type = type;
	if (yrd_map_read(y, n, type == FWC_NETWORK ? "an item of "
	    "'network_rules'" : "an item of 'application_rules'",
	    "rule collection", scn_fwc_keys, FC_N, &m) == -1)
		return;
	c->pos = m.pos;
	(void)yrd_name(y, m.val[FC_NAME], "name", &c->name);
	c->priority_pos = m.val[FC_PRIO] ? yrd_pos(y, m.val[FC_PRIO]) : m.pos;
	if (yrd_uint(y, m.val[FC_PRIO], "priority", 100, 65000, &v) == 1)
		c->priority = (int)v;
	if (yrd_word(y, m.val[FC_ACTION], "action", scn_fw_actions, 2,
	    "Allow or Deny", &action) == 1)
		c->action = action == 0 ? ACCESS_ALLOW : ACCESS_DENY;
	(void)yrd_name(y, m.val[FC_GROUP], "group", &c->group);
	if (yrd_uint(y, m.val[FC_GPRIO], "group_priority", 100, 65000, &v) ==
	    1)
		c->group_priority = (int)v;
	if (m.val[FC_RULES] == NULL) {
		/* A collection of one rule, written with its keys. */
		if ((c->rules = yrd_calloc(y, 1, sizeof(*c->rules))) == NULL)
			return;
		c->nrules = 1;
		fw_rule_read(y, &m, type, &c->rules[0]);
		return;
	}
	for (i = FC_PROTOS; i < FC_RULE_N; i++)
		if (m.val[i] != NULL)
			yrd_err(y, m.key[i], "'%s' belongs to a rule: with "
			    "'rules', write it in each rule", scn_fwc_keys[i].name);
	if (yrd_list(y, m.val[FC_RULES], "rules", &one, &it, &count) == -1 ||
	    scn_limit(y, m.val[FC_RULES], SCN_LIM_RULES, count, c->name) == -1)
		return;
	if (count == 0) {
		yrd_err(y, m.val[FC_RULES], "'rules' must not be empty");
		return;
	}
	if ((c->rules = yrd_calloc(y, count, sizeof(*c->rules))) == NULL)
		return;
	for (i = 0; i < count && !y->stop; i++) {
		c->nrules++;
		if (yrd_map_read(y, yrd_node(y, it[i]), "an item of 'rules'",
		    "rule", scn_fwc_keys, FC_RULE_N, &rm) == -1)
			continue;
		fw_rule_read(y, &rm, type, &c->rules[i]);
	}
}

enum {
	FW_NAME, FW_VNET, FW_PRIV, FW_PUB, FW_FT, FW_SNAT, FW_POLICY, FW_NET,
	FW_APP, FW_N
};
static const struct yrd_key scn_fw_keys[FW_N] = {
	[FW_NAME] = { "name", true },
	[FW_VNET] = { "vnet", false }	/* required but in a hub */,
	[FW_PRIV] = { "private_ip", false },
	[FW_PUB] = { "public_ip", false },
	[FW_FT] = { "forced_tunneling", false },
	[FW_SNAT] = { "snat_private_ranges", false },
	[FW_POLICY] = { "policy", false },
	[FW_NET] = { "network_rules", false },
	[FW_APP] = { "application_rules", false },
};

/* Collections of one type appended to fw->colls. */
static void
fw_colls(struct scn *s, yaml_node_t *n, const char *key, enum fw_ctype type,
    struct firewall *fw)
{
	struct yrd *y = &s->y;
	yaml_node_item_t *it;
	struct fw_coll *nc;
	size_t i, count;

	if (n == NULL || yrd_list(y, n, key, NULL, &it, &count) == -1 ||
	    scn_limit(y, n, SCN_LIM_RULES, count, fw->name) == -1 || count == 0)
		return;
	if ((nc = reallocarray(fw->colls, fw->ncolls + count,
	    sizeof(*nc))) == NULL) {
		(void)yrd_nomem(y);
		return;
	}
	fw->colls = nc;
	memset(&nc[fw->ncolls], 0, count * sizeof(*nc));
	for (i = 0; i < count && !y->stop; i++)
		scn_fw_coll(y, yrd_node(y, it[i]), type, &fw->colls[fw->ncolls++]);
}

void
scn_firewall(struct scn *s, yaml_node_t *n, struct firewall *fw, bool hub)
{
	struct yrd *y = &s->y;
	struct yrd_map m;

	fw->vnet = TOPO_NONE;
	fw->subnet = TOPO_NONE;
	if (yrd_map_read(y, n, "an item of 'firewalls'", "firewall",
	    scn_fw_keys, FW_N, &m) == -1)
		return;
	fw->pos = m.pos;
	(void)yrd_name(y, m.val[FW_NAME], "name", &fw->name);
	/* MODEL §8 [vwan]: a secured hub's firewall sits in the hub. */
	if (!hub && m.val[FW_VNET] == NULL)
		yrd_errp(y, m.pos, "missing required key 'vnet' in firewall");
	else if (hub && m.val[FW_VNET] != NULL)
		yrd_err(y, m.key[FW_VNET], "the firewall of a virtual hub "
		    "sits in the hub: no 'vnet' [vwan]");
	else if (m.val[FW_VNET] != NULL &&
	    yrd_scalar(y, m.val[FW_VNET], "vnet", "a vnet name") != NULL &&
	    !s->bad_vnets)
		fw->vnet = yrd_ref(y, m.val[FW_VNET], &s->ivnet, 0, "vnet",
		    NULL);
	fw->private_ip = 0;
	(void)yrd_ip(y, m.val[FW_PRIV], "private_ip", &fw->private_ip);
	fw->has_public_ip = yrd_ip(y, m.val[FW_PUB], "public_ip",
	    &fw->public_ip) == 1;
	(void)yrd_bool(y, m.val[FW_FT], "forced_tunneling",
	    &fw->forced_tunneling);
	if (m.val[FW_SNAT] != NULL)
		(void)yrd_pfx_list(y, m.val[FW_SNAT], "snat_private_ranges",
		    false, &fw->snat_private, &fw->nsnat_private);
	else if (topo_fw_snat_default(fw) != 0)
		(void)yrd_nomem(y);
	(void)yrd_name(y, m.val[FW_POLICY], "policy", &fw->policy);
	fw_colls(s, m.val[FW_NET], "network_rules", FWC_NETWORK, fw);
	fw_colls(s, m.val[FW_APP], "application_rules", FWC_APPLICATION, fw);
}

void
scn_firewalls(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	struct firewall *fw;
	size_t i, count = 0, base = t->nfirewalls;

	/* The virtual hubs' firewalls (scn_vwan.c) are already there: the
	 * section's come after them, and names are unique over both. */
	if (n != NULL && (yrd_list(y, n, "firewalls", NULL, &it, &count) == -1 ||
	    scn_limit(y, n, SCN_LIM_VNETS, count, NULL) == -1))
		return;
	if (count > 0) {
		fw = reallocarray(t->firewalls, base + count, sizeof(*fw));
		if (fw == NULL) {
			(void)yrd_nomem(y);
			return;
		}
		t->firewalls = fw;
		memset(&fw[base], 0, count * sizeof(*fw));
	}
	for (i = 0; i < count && !y->stop; i++) {
		t->nfirewalls++;
		scn_firewall(s, yrd_node(y, it[i]), &t->firewalls[base + i],
		    false);
	}
	for (i = 0; i < t->nfirewalls; i++)
		if (t->firewalls[i].name != NULL && yrd_ix_add(y, &ix, 0,
		    t->firewalls[i].name, t->firewalls[i].pos, i) == -1)
			break;
	yrd_ix_dups(y, &ix, "firewall");
	free(ix.e);
	if (t->nfirewalls > 0 && y->nerr == 0 && !s->bad_vnets &&
	    !s->bad_rtables) {
		int rc = topo_firewalls_resolve(t, y->d);

		if (rc < 0)
			(void)yrd_nomem(y);
		else
			y->nerr += (size_t)rc;
	}
}
