/*
 * azjson_fw.c: Azure Firewall and Microsoft peering in Azure exports
 * (MODEL.md §8 [fw-rules] [fw-ft] [er-ms], FORMAT.md "Estates").
 *
 * azureFirewalls give their VNet (the subnet of the first IP
 * configuration), private IP, public IP (a publicIPAddresses resource of
 * the files), forced tunnelling (a managementIpConfiguration) and their
 * classic rule collections; or they name a firewall policy, whose
 * ruleCollectionGroups (child resources, "POLICY/GROUP") hold the
 * collections. routeFilters give the BGP communities of a circuit's
 * Microsoft peering; the bgpServiceCommunities list (`az network
 * route-filter rule list-service-communities`) names the region of each
 * community. What the files do not hold (the addresses of a network
 * rule's FQDNs, the region of a community) is left out and noted.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/azjson_int.h"
#include "topology/firewall.h"

/* A string array of obj (obj[key] or obj.properties[key]). */
static json_t *
az_arr(json_t *o, const char *key)
{
	json_t *v = az_prop(o, key);

	return json_is_array(v) ? v : NULL;
}

/* An address list of a rule: '*' or prefixes, addresses and ranges;
 * with tags, service tags too. */
static void
fw_addrs(struct az *z, json_t *arr, bool tags, struct addr_spec *out,
    const char *where)
{
	/* No sources: any; no destinations: none (the rule names FQDNs or
	 * IP groups instead). */
	struct addr_item *it;
	struct pfx px[64];
	uint32_t lo, hi;
	char a[IP_STRLEN];
	const char *s, *dash;
	json_t *v;
	size_t i, k, np;

	if (arr == NULL || json_array_size(arr) == 0) {
		out->any = !tags;
		return;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			continue;
		s = json_string_value(v);
		if (strcmp(s, "*") == 0 || strcasecmp(s, "Any") == 0) {
			out->any = true;
			continue;
		}
		dash = strchr(s, '-');
		if (dash != NULL && isdigit((unsigned char)*s) &&
		    (size_t)(dash - s) < sizeof(a)) {
			memcpy(a, s, (size_t)(dash - s));
			a[dash - s] = '\0';
			if (ip_parse(a, &lo) != 0 || ip_parse(dash + 1, &hi) != 0
			    || lo > hi) {
				az_err(z, where, "bad address range '%s'", s);
				continue;
			}
			np = topo_range_cidrs(lo, hi, px);
			for (k = 0; k < np; k++)
				if ((it = PUSH(z, out->items, out->n)) != NULL)
					it->pfx = px[k];
			continue;
		}
		if (isdigit((unsigned char)*s)) {
			struct pfx p;

			if (az_pfx(z, where, s, &p) == 0 &&
			    (it = PUSH(z, out->items, out->n)) != NULL)
				it->pfx = p;
			continue;
		}
		if (tags && tag_name_ok(s)) {
			if ((it = PUSH(z, out->items, out->n)) != NULL) {
				it->is_tag = true;
				it->tag = az_strdup(z, s);
			}
			continue;
		}
		az_note(z, "%s: %s: '%s' is no address%s: left out", z->file,
		    where, s, tags ? " nor service tag" : "");
	}
	if (out->any) {
		for (i = 0; i < out->n; i++)
			free(out->items[i].tag);
		free(out->items);
		out->items = NULL;
		out->n = 0;
	}
}

/* Port strings: "*", "443", "443-444". */
static void
fw_ports(struct az *z, json_t *arr, struct port_spec *out, const char *where)
{
	struct portrange r, *slot;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) :
		    NULL;

		if (s == NULL || portrange_parse(s, &r) != 0) {
			az_err(z, where, "bad destination port %zu", i);
			continue;
		}
		if ((slot = PUSH(z, out->r, out->n)) != NULL)
			*slot = r;
	}
	if (out->n == 0 && (slot = PUSH(z, out->r, out->n)) != NULL) {
		slot->lo = 0;
		slot->hi = 65535;
	}
}

/* Network rule protocols (classic "protocols", policy "ipProtocols"). */
static unsigned
fw_protos(json_t *arr)
{
	unsigned p = 0, x;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";

		if (strcasecmp(s, "Any") == 0)
			p |= PROTO_TCP | PROTO_UDP | PROTO_ICMP;
		else if (proto_parse(s, &x) == 0)
			p |= x;
	}
	return p;
}

/* One rule of a collection of type type; false when left out. */
static bool
fw_rule(struct az *z, json_t *o, enum fw_ctype type, struct fw_rule *r,
    const char *coll, const char *where)
{
	json_t *v, *fq;
	size_t i;

	r->name = az_str(z, o, "name");
	if (r->name == NULL)
		r->name = az_strdup(z, "rule");
	fw_addrs(z, az_arr(o, "sourceAddresses"), false, &r->src, where);
	if (type == FWC_NETWORK) {
		json_t *pr = az_arr(o, "ipProtocols");

		r->proto = fw_protos(pr != NULL ? pr : az_arr(o, "protocols"));
		fw_addrs(z, az_arr(o, "destinationAddresses"), true, &r->dst,
		    where);
		fw_ports(z, az_arr(o, "destinationPorts"), &r->dports, where);
		fq = az_arr(o, "destinationFqdns");
		if (json_array_size(fq) > 0) {
			/* The addresses a network rule's FQDNs stand for
			 * are what the firewall's DNS answers, not in the
			 * files. */
			az_note(z, "%s: %s: network rule %s of %s names "
			    "FQDNs (destinationFqdns): their addresses are "
			    "not in the files; left out (add them with dns: "
			    "and destination)", z->file, where, r->name, coll);
			if (!r->dst.any && r->dst.n == 0)
				return false;
		}
		if (!r->dst.any && r->dst.n == 0) {
			az_note(z, "%s: %s: network rule %s of %s has no "
			    "destination address: left out", z->file, where,
			    r->name, coll);
			return false;
		}
		return r->proto != 0;
	}
	json_array_foreach(az_arr(o, "protocols"), i, v) {
		char *t = az_str(z, v, "protocolType");
		json_t *port = json_object_get(v, "port");
		struct fw_app_proto *ap;
		enum fw_aproto ty;

		if (t != NULL && fw_aproto_parse(t, &ty) == 0 &&
		    (ap = PUSH(z, r->aprotos, r->naprotos)) != NULL) {
			ap->type = ty;
			ap->port = json_is_integer(port) ?
			    (uint16_t)json_integer_value(port) :
			    ty == FWA_HTTP ? 80 : ty == FWA_HTTPS ? 443 : 1433;
		}
		free(t);
	}
	json_array_foreach(az_arr(o, "targetFqdns"), i, v) {
		char **slot;

		if (json_is_string(v) &&
		    (slot = PUSH(z, r->fqdns, r->nfqdns)) != NULL) {
			char *c;

			*slot = az_strdup(z, json_string_value(v));
			for (c = *slot; c != NULL && *c; c++)
				*c = (char)tolower((unsigned char)*c);
		}
	}
	if (r->naprotos == 0 || r->nfqdns == 0) {
		az_note(z, "%s: %s: application rule %s of %s has no "
		    "Http/Https/Mssql protocol or no targetFqdns (FQDN tags "
		    "and web categories are not modelled): left out", z->file,
		    where, r->name, coll);
		return false;
	}
	return true;
}

/* One collection: classic ({name, properties: {priority, action:
 * {type}, rules}}) or a policy's ({name, priority, action,
 * ruleCollectionType, rules with ruleType}). false when not a filter
 * collection (NAT rules: not modelled). */
static bool
fw_coll(struct az *z, json_t *o, int classic_type, struct fw_coll *c,
    const char *where)
{
	json_t *act = az_prop(o, "action"), *pr = az_prop(o, "priority"), *x;
	char *ct = az_str(z, o, "ruleCollectionType"), *at, *rt;
	char w[400];
	size_t i;

	c->name = az_str(z, o, "name");
	if (ct != NULL && strcasecmp(ct, "FirewallPolicyFilterRuleCollection")
	    != 0) {
		az_note(z, "%s: %s: rule collection %s of type %s: not "
		    "modelled", z->file, where, c->name ? c->name : "?", ct);
		free(ct);
		return false;
	}
	free(ct);
	c->priority = json_is_integer(pr) ? (int)json_integer_value(pr) : 0;
	at = az_str(z, act, "type");
	c->action = at != NULL && strcasecmp(at, "Deny") == 0 ? ACCESS_DENY :
	    ACCESS_ALLOW;
	free(at);
	c->type = classic_type >= 0 ? (enum fw_ctype)classic_type :
	    FWC_NETWORK;
	json_array_foreach(az_arr(o, "rules"), i, x) {
		struct fw_rule *r;

		rt = az_str(z, x, "ruleType");
		if (classic_type < 0 && i == 0 && rt != NULL &&
		    strcasecmp(rt, "ApplicationRule") == 0)
			c->type = FWC_APPLICATION;
		free(rt);
		snprintf(w, sizeof(w), "%.300s.rules[%zu]", where, i);
		if ((r = PUSH(z, c->rules, c->nrules)) == NULL)
			return false;
		if (!fw_rule(z, x, c->type, r, c->name ? c->name : "?", w)) {
			topo_fw_rule_free(r);
			c->nrules--;
		}
	}
	if (c->name == NULL || c->priority < 100 || c->nrules == 0) {
		az_note(z, "%s: %s: rule collection %s has no priority or no "
		    "rule ftsim models: left out", z->file, where,
		    c->name ? c->name : "?");
		return false;
	}
	return true;
}

/* Collections of arr appended to *colls. */
static void
fw_colls(struct az *z, json_t *arr, int type, const char *group, int gprio,
    struct fw_coll **colls, size_t *n, const char *where)
{
	struct fw_coll *c;
	json_t *x;
	char w[400];
	size_t i;

	json_array_foreach(arr, i, x) {
		snprintf(w, sizeof(w), "%.300s[%zu]", where, i);
		if ((c = PUSH(z, *colls, *n)) == NULL)
			return;
		if (!fw_coll(z, x, type, c, w)) {
			topo_fw_coll_free(c);
			(*n)--;
			continue;
		}
		c->group_priority = gprio;
		if (group != NULL)
			c->group = az_strdup(z, group);
	}
}

void
az_read_firewall(struct az *z, const char *name, json_t *o, const char *where)
{
	json_t *c0 = json_array_get(az_arr(o, "ipConfigurations"), 0);
	struct az_fw *f;
	char *ip, w[400];

	if ((f = PUSH(z, z->fw, z->nfw)) == NULL)
		return;
	f->name = az_strdup(z, name);
	f->vnet = az_ref_name(z, c0, "subnet", "virtualNetworks");
	f->pip = az_ref_name(z, c0, "publicIPAddress", "publicIPAddresses");
	if ((ip = az_str(z, c0, "privateIPAddress")) != NULL) {
		if (ip_parse(ip, &f->ip) != 0)
			az_err(z, where, "privateIPAddress '%s' is not an "
			    "address", ip);
		free(ip);
	}
	f->forced = json_is_object(az_prop(o, "managementIpConfiguration"));
	f->policy = az_ref_name(z, o, "firewallPolicy", "firewallPolicies");
	snprintf(w, sizeof(w), "%.300s.networkRuleCollections", where);
	fw_colls(z, az_arr(o, "networkRuleCollections"), FWC_NETWORK, NULL, 0,
	    &f->colls, &f->ncolls, w);
	snprintf(w, sizeof(w), "%.300s.applicationRuleCollections", where);
	fw_colls(z, az_arr(o, "applicationRuleCollections"), FWC_APPLICATION,
	    NULL, 0, &f->colls, &f->ncolls, w);
	if (json_array_size(az_arr(o, "natRuleCollections")) > 0)
		az_note(z, "%s: firewall %s has NAT (DNAT) rule collections: "
		    "not modelled", z->file, name);
	if (f->vnet == NULL)
		az_err(z, where, "firewall %s has no subnet in its first "
		    "ipConfiguration", name);
}

void
az_read_rcg(struct az *z, const char *name, json_t *o, const char *where)
{
	const char *slash = strchr(name, '/');
	json_t *pr = az_prop(o, "priority");
	struct az_rcg *g;
	char *id;

	if ((g = PUSH(z, z->rcg, z->nrcg)) == NULL)
		return;
	if (slash != NULL) {
		g->policy = az_strdup(z, name);
		if (g->policy != NULL)
			g->policy[slash - name] = '\0';
		g->name = az_strdup(z, slash + 1);
	} else {
		/* az CLI: the id names the policy. */
		id = json_is_string(json_object_get(o, "id")) ?
		    az_strdup(z, json_string_value(json_object_get(o, "id"))) :
		    NULL;
		g->policy = az_id_part(z, id, "firewallPolicies");
		g->name = az_strdup(z, name);
		free(id);
	}
	if (g->policy == NULL)
		az_err(z, where, "rule collection group %s: no policy in its "
		    "name or id", name);
	g->priority = json_is_integer(pr) ? (int)json_integer_value(pr) : 0;
	fw_colls(z, az_arr(o, "ruleCollections"), -1, g->name, g->priority,
	    &g->colls, &g->ncolls, where);
}

void
az_read_route_filter(struct az *z, const char *name, json_t *o)
{
	struct az_filter *f;
	json_t *r, *c;
	size_t i, k;

	if ((f = PUSH(z, z->filter, z->nfilter)) == NULL)
		return;
	f->name = az_strdup(z, name);
	json_array_foreach(az_arr(o, "rules"), i, r) {
		char *acc = az_str(z, r, "access");

		if (acc != NULL && strcasecmp(acc, "Allow") == 0) {
			json_array_foreach(az_arr(r, "communities"), k, c) {
				char **slot;

				if (json_is_string(c) && (slot = PUSH(z,
				    f->comm, f->ncomm)) != NULL)
					*slot = az_strdup(z,
					    json_string_value(c));
			}
		}
		free(acc);
	}
}

void
az_read_communities(struct az *z, json_t *o)
{
	json_t *c;
	size_t i;

	json_array_foreach(az_arr(o, "bgpCommunities"), i, c) {
		char *v = az_str(z, c, "communityValue");
		char *n = az_str(z, c, "communityName");

		az_read_pair(z, &z->comm, &z->ncomm, v, n);
	}
}

/* "Azure West US" -> "AzureCloud.westus", when the tag exists. */
static char *
community_region(struct az *z, const struct topo *t, const char *cname)
{
	char tag[128];
	size_t o = strlen("AzureCloud."), i;

	if (strncasecmp(cname, "Azure ", 6) != 0)
		return NULL;
	memcpy(tag, "AzureCloud.", o);
	for (i = 6; cname[i] != '\0' && o + 1 < sizeof(tag); i++)
		if (cname[i] != ' ')
			tag[o++] = (char)tolower((unsigned char)cname[i]);
	tag[o] = '\0';
	if (tagset_find(t->tags, tag) == NULL)
		return NULL;
	return az_strdup(z, tag);
}

/* MODEL §8 [er-ms]: a circuit's Microsoft peering, its NAT pool and the
 * regions its route filter's communities name. */
static int
build_ms_peering(struct az *z, struct topo *t, const struct az_circ *a)
{
	const struct az_filter *f = NULL;
	struct circuit *c;
	size_t ci, i;

	if ((ci = topo_circuit_find(t, a->name)) == TOPO_NONE) {
		az_note(z, "circuit %s has Microsoft peering, but no VNet of "
		    "the files learns its routes: not modelled", a->name);
		return 0;
	}
	c = &t->circuits[ci];
	c->microsoft_peering = true;
	if ((c->ms_nat_pool = calloc(a->nms_pool + 1,
	    sizeof(*c->ms_nat_pool))) == NULL)
		return -ENOMEM;
	memcpy(c->ms_nat_pool, a->ms_pool, a->nms_pool *
	    sizeof(*a->ms_pool));
	c->nms_nat_pool = a->nms_pool;
	for (i = 0; a->ms_filter != NULL && i < z->nfilter; i++)
		if (strcasecmp(z->filter[i].name, a->ms_filter) == 0)
			f = &z->filter[i];
	if (a->ms_filter != NULL && f == NULL)
		az_note(z, "circuit %s: route filter %s is not in the files: "
		    "no region advertised", a->name, a->ms_filter);
	for (i = 0; f != NULL && i < f->ncomm; i++) {
		const char *cn = az_pair_find(z->comm, z->ncomm, f->comm[i]);
		char *reg = cn != NULL ? community_region(z, t, cn) : NULL;
		char **nr;

		if (reg == NULL) {
			az_note(z, "route filter %s: community %s: %s", f->name,
			    f->comm[i], cn == NULL ? "its region is not in the "
			    "files (add `az network route-filter rule "
			    "list-service-communities`)" : "not a regional "
			    "Azure community of the service tags: left out");
			continue;
		}
		if ((nr = reallocarray(c->route_filter, c->nroute_filter + 1,
		    sizeof(*nr))) == NULL) {
			free(reg);
			return -ENOMEM;
		}
		c->route_filter = nr;
		c->route_filter[c->nroute_filter++] = reg;
	}
	return 0;
}

/* MODEL §8 [fw-rules]: one firewall into t. */
static int
build_fw(struct az *z, struct topo *t, const struct az_fw *a)
{
	struct firewall *fw, *nf;
	const char *pip;
	size_t i, k, v;

	if ((v = topo_vnet_find(t, a->vnet)) == TOPO_NONE) {
		az_note(z, "firewall %s: its VNet %s is not in the files: not "
		    "modelled", a->name, a->vnet);
		return 0;
	}
	if ((nf = reallocarray(t->firewalls, t->nfirewalls + 1,
	    sizeof(*nf))) == NULL)
		return -ENOMEM;
	t->firewalls = nf;
	fw = &nf[t->nfirewalls++];
	memset(fw, 0, sizeof(*fw));
	fw->pos.file = t->file;
	fw->vnet = v;
	fw->subnet = TOPO_NONE;
	fw->private_ip = a->ip;
	fw->forced_tunneling = a->forced;
	if ((fw->name = strdup(a->name)) == NULL ||
	    topo_fw_snat_default(fw) != 0 ||
	    (a->policy != NULL && (fw->policy = strdup(a->policy)) == NULL))
		return -ENOMEM;
	pip = a->pip != NULL ? az_pair_find(z->pip, z->npip, a->pip) : NULL;
	if (pip != NULL && ip_parse(pip, &fw->public_ip) == 0)
		fw->has_public_ip = true;
	else if (!a->forced)
		az_note(z, "firewall %s: its public IP %s is not in the files "
		    "(add public_ip)", a->name, a->pip ? a->pip : "");
	for (i = 0; i < a->ncolls; i++) {
		struct fw_coll *nc = reallocarray(fw->colls, fw->ncolls + 1,
		    sizeof(*nc));

		if (nc == NULL)
			return -ENOMEM;
		fw->colls = nc;
		if (topo_fw_coll_copy(&a->colls[i], &fw->colls[fw->ncolls]) !=
		    0)
			return -ENOMEM;
		fw->ncolls++;
	}
	for (i = 0; a->policy != NULL && i < z->nrcg; i++) {
		const struct az_rcg *g = &z->rcg[i];

		if (g->policy == NULL || strcasecmp(g->policy, a->policy) != 0)
			continue;
		for (k = 0; k < g->ncolls; k++) {
			struct fw_coll *nc = reallocarray(fw->colls,
			    fw->ncolls + 1, sizeof(*nc));

			if (nc == NULL)
				return -ENOMEM;
			fw->colls = nc;
			if (topo_fw_coll_copy(&g->colls[k],
			    &fw->colls[fw->ncolls]) != 0)
				return -ENOMEM;
			fw->ncolls++;
		}
	}
	if (a->policy != NULL && fw->ncolls == 0)
		az_note(z, "firewall %s: no rule collection group of policy "
		    "%s is in the files: every flow is denied", a->name,
		    a->policy);
	return 0;
}

int
az_build_fw(struct az *z, struct topo *t)
{
	size_t i;
	int rc;

	for (i = 0; i < z->nfw; i++)
		if (z->fw[i].vnet != NULL &&
		    (rc = build_fw(z, t, &z->fw[i])) != 0)
			return rc;
	for (i = 0; i < z->ncirc; i++)
		if (z->circ[i].ms && (rc = build_ms_peering(z, t,
		    &z->circ[i])) != 0)
			return rc;
	return 0;
}

void
az_fw_free(struct az *z)
{
	size_t i, k;

	for (i = 0; i < z->nfw; i++) {
		free(z->fw[i].name);
		free(z->fw[i].vnet);
		free(z->fw[i].pip);
		free(z->fw[i].policy);
		for (k = 0; k < z->fw[i].ncolls; k++)
			topo_fw_coll_free(&z->fw[i].colls[k]);
		free(z->fw[i].colls);
	}
	free(z->fw);
	for (i = 0; i < z->nrcg; i++) {
		free(z->rcg[i].name);
		free(z->rcg[i].policy);
		for (k = 0; k < z->rcg[i].ncolls; k++)
			topo_fw_coll_free(&z->rcg[i].colls[k]);
		free(z->rcg[i].colls);
	}
	free(z->rcg);
	for (i = 0; i < z->nfilter; i++) {
		free(z->filter[i].name);
		for (k = 0; k < z->filter[i].ncomm; k++)
			free(z->filter[i].comm[k]);
		free(z->filter[i].comm);
	}
	free(z->filter);
	for (i = 0; i < z->ncomm; i++) {
		free(z->comm[i].a);
		free(z->comm[i].b);
	}
	free(z->comm);
}
