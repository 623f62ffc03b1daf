/*
 * topo.c: the topology's life cycle, name lookups and Azure's spellings.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/topo.h"
#include "topology/vwan.h"

void
topo_init(struct topo *t)
{
	memset(t, 0, sizeof(*t));
	t->cloud = CLOUD_PUBLIC;
	/* MODEL §1 and §8: published tables with a BGP default list no
	 * reserved None rows; the observed reserved rows. */
	t->model.bgp_default_removes_none = true;
	t->model.reserved_none_routes = RESERVED_OBSERVED;
	t->model.vnet_tag_includes_default_route = true;
	t->model.lkm_off_with_forced_default = true;
	t->model.kms_accepts_public_peering_nat = true;
	/* MODEL §7: default one-way delays, documented in docs/format.md. */
	t->timing.us[LINK_VNET] = 30;
	t->timing.us[LINK_GATEWAY] = 250;
	t->timing.us[LINK_CIRCUIT] = 1000;
	t->timing.us[LINK_ONPREM] = 200;
	t->timing.us[LINK_INTERNET] = 12000;
	t->timing.us[LINK_BACKBONE] = 2000;
	t->timing.us[LINK_HOST] = 20;
	t->timing.us[LINK_ANSWER] = 100;
}

const char *
link_kind_name(enum link_kind k)
{
	static const char *const names[LINK_COUNT] = {
		[LINK_VNET] = "vnet", [LINK_GATEWAY] = "gateway",
		[LINK_CIRCUIT] = "circuit", [LINK_ONPREM] = "onprem",
		[LINK_INTERNET] = "internet", [LINK_BACKBONE] = "backbone",
		[LINK_HOST] = "host", [LINK_ANSWER] = "answer",
	};

	return (unsigned)k < LINK_COUNT ? names[k] : "?";
}

static void
free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_addr(struct addr_spec *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->items[i].tag);
	free(a->items);
}

void
topo_rule_free(struct nsg_rule *r)
{
	free(r->name);
	free_addr(&r->src);
	free_addr(&r->dst);
	free(r->sports.r);
	free(r->dports.r);
	memset(r, 0, sizeof(*r));
}

void
topo_route_free(struct route *r)
{
	free(r->name);
	memset(r, 0, sizeof(*r));
}

void
topo_rtable_free(struct route_table *rt)
{
	size_t j;

	for (j = 0; j < rt->nroutes; j++)
		free(rt->routes[j].name);
	free(rt->routes);
	free(rt->name);
	free(rt->id);
	memset(rt, 0, sizeof(*rt));
}

static void
free_nsg(struct nsg *g)
{
	size_t i;

	for (i = 0; i < g->nrules; i++)
		topo_rule_free(&g->rules[i]);
	free(g->rules);
	free(g->name);
}

static void
free_vnet(struct vnet *v)
{
	size_t i;

	for (i = 0; i < v->nsubnets; i++) {
		free(v->subnets[i].name);
		free_strv(v->subnets[i].service_endpoints,
			  v->subnets[i].nservice_endpoints);
	}
	free(v->subnets);
	free(v->name);
	free(v->space);
	free(v->peers);
	free(v->gateway);
}

void
topo_free(struct topo *t)
{
	size_t i;

	for (i = 0; i < t->nvnets; i++)
		free_vnet(&t->vnets[i]);
	free(t->vnets);
	for (i = 0; i < t->nvms; i++)
		free(t->vms[i].name);
	free(t->vms);
	for (i = 0; i < t->nrtables; i++)
		topo_rtable_free(&t->rtables[i]);
	free(t->rtables);
	for (i = 0; i < t->nnsgs; i++)
		free_nsg(&t->nsgs[i]);
	free(t->nsgs);
	for (i = 0; i < t->ncircuits; i++) {
		struct circuit *c = &t->circuits[i];
		free(c->name);
		free(c->gateway);
		free(c->advertised);
		free(c->next_hops);
		free(c->nat_pool);
		free(c->ms_nat_pool);
		free_strv(c->route_filter, c->nroute_filter);
	}
	free(t->circuits);
	for (i = 0; i < t->ngateways; i++)
		free(t->gateways[i].name);
	free(t->gateways);
	for (i = 0; i < t->nvpn_sites; i++) {
		free(t->vpn_sites[i].name);
		free(t->vpn_sites[i].prefixes);
		free(t->vpn_sites[i].advertised);
	}
	free(t->vpn_sites);
	for (i = 0; i < t->nroute_servers; i++) {
		struct route_server *rs = &t->route_servers[i];
		size_t k;

		for (k = 0; k < rs->npeers; k++) {
			free(rs->peers[k].name);
			free(rs->peers[k].advertised);
		}
		free(rs->peers);
		free(rs->name);
	}
	free(t->route_servers);
	for (i = 0; i < t->nfirewalls; i++)
		topo_firewall_free(&t->firewalls[i]);
	free(t->firewalls);
	for (i = 0; i < t->nvhubs; i++)
		topo_vhub_free(&t->vhubs[i]);
	free(t->vhubs);
	free(t->reserved_routes);
	free(t->onprem.name);
	free(t->onprem.prefixes);
	for (i = 0; i < t->onprem.nblocks; i++) {
		free(t->onprem.blocks[i].dports.r);
		free_addr(&t->onprem.blocks[i].dst);
	}
	free(t->onprem.blocks);
	for (i = 0; i < t->ndns; i++) {
		free(t->dns[i].name);
		free(t->dns[i].ips);
	}
	free(t->dns);
	for (i = 0; i < t->nflows; i++) {
		struct flow *f = &t->flows[i];
		free(f->name);
		free(f->to);
		free_strv(f->expect.via, f->expect.nvia);
		free_strv(f->expect.not_via, f->expect.nnot_via);
		free(f->expect.nsg_rule);
		free(f->expect.drop_reason);
	}
	free(t->flows);
	tagset_free(t->tags);
	free(t->service_tags_file);
	free(t->scenario);
	free(t->description);
	free(t->dir);
	free(t->file);
	topo_init(t);
}

/* An element read with an error may have no name yet (the loader goes on
 * reading to report more): it matches nothing. */
#define FIND_BY_NAME(arr, n, name) do {				\
	size_t i_;						\
	if ((name) == NULL)					\
		return TOPO_NONE;				\
	for (i_ = 0; i_ < (n); i_++)				\
		if ((arr)[i_].name != NULL &&			\
		    strcasecmp((arr)[i_].name, (name)) == 0)	\
			return i_;				\
	return TOPO_NONE;					\
} while (0)

size_t
topo_vnet_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->vnets, t->nvnets, name);
}

size_t
topo_vm_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->vms, t->nvms, name);
}

size_t
topo_rtable_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->rtables, t->nrtables, name);
}

size_t
topo_nsg_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->nsgs, t->nnsgs, name);
}

size_t
topo_circuit_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->circuits, t->ncircuits, name);
}

size_t
topo_gateway_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->gateways, t->ngateways, name);
}

size_t
topo_vpn_site_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->vpn_sites, t->nvpn_sites, name);
}

size_t
topo_route_server_of_vnet(const struct topo *t, size_t v)
{
	size_t i;

	for (i = 0; i < t->nroute_servers; i++)
		if (t->route_servers[i].vnet == v)
			return i;
	return TOPO_NONE;
}

size_t
topo_firewall_find(const struct topo *t, const char *name)
{
	FIND_BY_NAME(t->firewalls, t->nfirewalls, name);
}

size_t
topo_firewall_at(const struct topo *t, uint32_t ip, size_t vnet)
{
	size_t i;

	for (i = 0; i < t->nfirewalls; i++)
		if (t->firewalls[i].private_ip == ip &&
		    (vnet == TOPO_NONE || t->firewalls[i].vnet == vnet ||
		    topo_peered(t, t->firewalls[i].vnet, vnet)))
			return i;
	return TOPO_NONE;
}

void
topo_fw_rule_free(struct fw_rule *r)
{
	free(r->name);
	free_addr(&r->src);
	free_addr(&r->dst);
	free_strv(r->dst_fqdns, r->ndst_fqdns);
	free(r->fqdn_ips);
	free(r->dports.r);
	free(r->aprotos);
	free_strv(r->fqdns, r->nfqdns);
	memset(r, 0, sizeof(*r));
}

void
topo_fw_coll_free(struct fw_coll *c)
{
	size_t i;

	for (i = 0; i < c->nrules; i++)
		topo_fw_rule_free(&c->rules[i]);
	free(c->rules);
	free(c->name);
	free(c->group);
	memset(c, 0, sizeof(*c));
}

void
topo_firewall_free(struct firewall *fw)
{
	size_t i;

	for (i = 0; i < fw->ncolls; i++)
		topo_fw_coll_free(&fw->colls[i]);
	free(fw->colls);
	free(fw->name);
	free(fw->policy);
	free(fw->snat_private);
	memset(fw, 0, sizeof(*fw));
}

const struct peering *
topo_peering(const struct topo *t, size_t a, size_t b)
{
	size_t i;

	if (a == b || a >= t->nvnets || b >= t->nvnets)
		return NULL;
	for (i = 0; i < t->vnets[a].npeers; i++)
		if (t->vnets[a].peers[i].vnet == b)
			return &t->vnets[a].peers[i];
	return NULL;
}

bool
topo_peered(const struct topo *t, size_t a, size_t b)
{
	/* MODEL §8 [vwan]: a hub and the VNets connected to it are peered. */
	return topo_peering(t, a, b) != NULL || topo_peering(t, b, a) != NULL ||
	       topo_vwan_linked(t, a, b);
}

/* MODEL §8 [peer]: a side that does not list the peering, or lists it by
 * name, has the plain settings (access and forwarded traffic allowed). */
bool
topo_peer_access(const struct topo *t, size_t a, size_t b)
{
	const struct peering *p = topo_peering(t, a, b);

	return p == NULL || p->allow_access;
}

bool
topo_peer_forwarded(const struct topo *t, size_t a, size_t b)
{
	const struct peering *p = topo_peering(t, a, b);

	return p == NULL || p->allow_forwarded;
}

bool
topo_vnet_holds(const struct topo *t, size_t v, uint32_t ip)
{
	size_t i;

	for (i = 0; i < t->vnets[v].nspace; i++)
		if (pfx_contains_ip(t->vnets[v].space[i], ip))
			return true;
	return false;
}

size_t
topo_circuit_of_vnet(const struct topo *t, size_t v)
{
	size_t i;

	for (i = 0; i < t->ncircuits; i++)
		if (t->circuits[i].vnet == v)
			return i;
	return TOPO_NONE;
}

size_t
topo_vm_by_ip(const struct topo *t, uint32_t ip)
{
	size_t i;

	for (i = 0; i < t->nvms; i++)
		if (t->vms[i].ip == ip)
			return i;
	return TOPO_NONE;
}

size_t
topo_vm_by_public_ip(const struct topo *t, uint32_t ip)
{
	size_t i;

	for (i = 0; i < t->nvms; i++)
		if (t->vms[i].has_public_ip && t->vms[i].public_ip == ip)
			return i;
	return TOPO_NONE;
}

const char *
topo_flow_from(const struct topo *t, const struct flow *f,
	       char buf[IP_STRLEN])
{
	if (f->external || f->vm >= t->nvms)
		return ip_format(f->from_ip, buf);
	return t->vms[f->vm].name;
}

/*
 * Spellings. Each table lists Azure's name first; the parsers also take
 * the aliases after it (classic names, the spellings of other tools).
 */
struct spelling {
	int value;
	const char *name;
};

static int
spell_parse(const struct spelling *tab, size_t n, const char *s, int *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcasecmp(tab[i].name, s) == 0) {
			*out = tab[i].value;
			return 0;
		}
	return -1;
}

static const char *
spell_name(const struct spelling *tab, size_t n, int v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].value == v)
			return tab[i].name;
	return "?";
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct spelling clouds[] = {
	{ CLOUD_PUBLIC, "AzureCloud" },
	{ CLOUD_CHINA, "AzureChinaCloud" },
	{ CLOUD_GERMANY, "AzureGermanCloud" },
	{ CLOUD_USGOV, "AzureUSGovernment" },
};

/* MODEL §1 User [udr]: ARM names first, then the classic aliases
 * VPNGateway, VNETLocal and Null, then the effective-route spellings. */
static const struct spelling nhtypes[] = {
	{ NH_VNETLOCAL, "VnetLocal" },
	{ NH_VNETPEERING, "VNetPeering" },
	{ NH_SERVICE_ENDPOINT, "VirtualNetworkServiceEndpoint" },
	{ NH_INTERNET, "Internet" },
	{ NH_VIRTUAL_APPLIANCE, "VirtualAppliance" },
	{ NH_VNET_GATEWAY, "VirtualNetworkGateway" },
	{ NH_NONE, "None" },
	{ NH_VNET_GATEWAY, "VPNGateway" },
	{ NH_VNETLOCAL, "VNETLocal" },
	{ NH_NONE, "Null" },
	{ NH_VNETLOCAL, "VirtualNetwork" },
};

static const struct spelling protos[] = {
	{ PROTO_TCP, "Tcp" },
	{ PROTO_UDP, "Udp" },
	{ PROTO_ICMP, "Icmp" },
	{ PROTO_ESP, "Esp" },
	{ PROTO_AH, "Ah" },
	{ PROTO_ANY, "*" },
	{ PROTO_ANY, "Any" },
	{ PROTO_ANY, "All" },
};

static const struct spelling srcclasses[] = {
	{ SRC_NONE, "none" },
	{ SRC_AZURE, "azure" },
	{ SRC_ONPREM_EDGE, "onprem-edge" },
	{ SRC_PUBLIC_PEERING_NAT, "public-peering-nat" },
	{ SRC_MS_PEERING_NAT, "microsoft-peering-nat" },
	{ SRC_FIREWALL, "firewall" },
	{ SRC_PRIVATE, "private" },
	{ SRC_OTHER, "other" },
};

static const struct spelling hairpins[] = {
	{ HAIRPIN_NONE, "none" },
	{ HAIRPIN_AZURE, "azure" },
	{ HAIRPIN_CUSTOMER, "customer" },
};

static const struct spelling skus[] = {
	{ SKU_STANDARD, "Standard" },
	{ SKU_PREMIUM, "Premium" },
	{ SKU_LOCAL, "Local" },
};

/* MODEL §8: gatewayType of a virtual network gateway. */
static const struct spelling gwtypes[] = {
	{ GW_EXPRESSROUTE, "ExpressRoute" },
	{ GW_VPN, "Vpn" },
};

/* MODEL §8 [rs]: hubRoutingPreference. */
static const struct spelling rsprefs[] = {
	{ RSP_EXPRESSROUTE, "ExpressRoute" },
	{ RSP_VPN, "VpnGateway" },
	{ RSP_ASPATH, "ASPath" },
	{ RSP_VPN, "Vpn" },
};

/* MODEL §8 [fw-rules]: application rule protocols. */
static const struct spelling fwaprotos[] = {
	{ FWA_HTTP, "Http" },
	{ FWA_HTTPS, "Https" },
	{ FWA_MSSQL, "Mssql" },
};

static const struct spelling activations[] = {
	{ ACT_NONE, "none" },
	{ ACT_ACCEPTED, "accepted" },
	{ ACT_REFUSED, "refused" },
};

static const char *const exp_keys[EXP_COUNT] = {
	[EXP_DELIVERED] = "delivered",
	[EXP_TCP_CONNECT] = "tcp_connect",
	[EXP_ACTIVATION] = "activation",
	[EXP_SOURCE_SEEN] = "source_seen",
	[EXP_HAIRPIN] = "hairpin",
	[EXP_VIA] = "via",
	[EXP_NOT_VIA] = "not_via",
	[EXP_NSG_RULE] = "nsg_rule",
	[EXP_FLOW_LOGGED] = "flow_logged",
	[EXP_IP_FLOW_VERIFY] = "ip_flow_verify",
	[EXP_DROP_REASON] = "drop_reason",
	[EXP_ASYMMETRIC] = "asymmetric",
};

#define PARSER(fn, type, tab)						\
int									\
fn(const char *s, type *out)						\
{									\
	int v;								\
	if (spell_parse(tab, NELEM(tab), s, &v) != 0)			\
		return -1;						\
	*out = (type)v;							\
	return 0;							\
}

PARSER(cloud_parse, enum cloud, clouds)
PARSER(nh_type_parse, enum nh_type, nhtypes)
PARSER(proto_parse, unsigned, protos)
PARSER(srcclass_parse, enum srcclass, srcclasses)
PARSER(hairpin_parse, enum hairpin, hairpins)
PARSER(sku_parse, enum sku, skus)
PARSER(gw_type_parse, enum gw_type, gwtypes)
PARSER(rs_pref_parse, enum rs_pref, rsprefs)
PARSER(fw_aproto_parse, enum fw_aproto, fwaprotos)

const char *
fw_aproto_name(enum fw_aproto p)
{
	return spell_name(fwaprotos, NELEM(fwaprotos), (int)p);
}

const char *
fw_ctype_name(enum fw_ctype c)
{
	return c == FWC_NETWORK ? "network" : "application";
}

const char *
gw_type_name(enum gw_type g)
{
	return spell_name(gwtypes, NELEM(gwtypes), (int)g);
}

const char *
rs_pref_name(enum rs_pref p)
{
	return spell_name(rsprefs, NELEM(rsprefs), (int)p);
}

const char *
cloud_name(enum cloud c)
{
	return spell_name(clouds, NELEM(clouds), (int)c);
}

const char *
nh_type_name(enum nh_type nh)
{
	return spell_name(nhtypes, NELEM(nhtypes), (int)nh);
}

const char *
proto_name(unsigned proto)
{
	return spell_name(protos, NELEM(protos), (int)proto);
}

const char *
srcclass_name(enum srcclass c)
{
	return spell_name(srcclasses, NELEM(srcclasses), (int)c);
}

const char *
hairpin_name(enum hairpin h)
{
	return spell_name(hairpins, NELEM(hairpins), (int)h);
}

const char *
activation_name(enum activation a)
{
	return spell_name(activations, NELEM(activations), (int)a);
}

const char *
sku_name(enum sku s)
{
	return spell_name(skus, NELEM(skus), (int)s);
}

const char *
exp_key_name(enum exp_key k)
{
	return (unsigned)k < EXP_COUNT ? exp_keys[k] : "?";
}

/* MODEL §1 BGP limits [er-limits]: IPv4 prefixes on private peering:
 * 4,000 for Local and Standard circuits, 10,000 with Premium. */
size_t
sku_bgp_limit(enum sku s)
{
	return s == SKU_PREMIUM ? 10000 : 4000;
}
