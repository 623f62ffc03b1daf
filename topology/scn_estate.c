/*
 * scn_estate.c: the estate sections of a scenario (FORMAT.md "Estates",
 * MODEL.md §8): the gateways VNets name and what `gateways:` says of
 * them, the VPN sites behind them, the Route Servers and their BGP peers,
 * and the checks that tie them to the peerings (gateway transit).
 *
 * Read after the VNets, VMs and circuits they name. Every gateway exists
 * because a VNet names it; `gateways:` only describes it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/estate.h"
#include "topology/yamlrd.h"

/* A gateway name in two VNets: Azure's gateway is one resource in one
 * VNet. */
static void
scn_gateway_dups(struct scn *s)
{
	struct yrd *y = &s->y;
	const struct vnet *a, *b;
	size_t i, j;

	for (i = 0; i < s->t->nvnets; i++) {
		b = &s->t->vnets[i];
		if (b->gateway == NULL)
			continue;
		for (j = 0; j < i; j++) {
			a = &s->t->vnets[j];
			if (a->gateway != NULL &&
			    strcasecmp(a->gateway, b->gateway) == 0) {
				yrd_errp(y, b->gateway_pos, "gateway '%s' is "
				    "in two vnets, '%s' and '%s'", b->gateway,
				    a->name, b->name);
				break;
			}
		}
	}
}

/* A name of a gateway some VNet holds. */
static size_t
scn_gateway_ref(struct scn *s, yaml_node_t *n, const char *key)
{
	struct yrd *y = &s->y;
	const char *v;
	size_t gi;

	if ((v = yrd_scalar(y, n, key, "a gateway name")) == NULL)
		return TOPO_NONE;
	if ((gi = topo_gateway_find(s->t, v)) == TOPO_NONE)
		yrd_err(y, n, "unknown gateway '%s': no vnet has gateway: %s",
		    v, v);
	return gi;
}

enum { BGP_PEER, BGP_ADV, BGP_N };
static const struct yrd_key scn_site_bgp_keys[BGP_N] = {
	[BGP_PEER] = { "peer_ip", true },
	[BGP_ADV] = { "advertised", false },
};

enum { VS_NAME, VS_GATEWAY, VS_PREFIXES, VS_BGP, VS_EDGE, VS_N };
static const struct yrd_key scn_site_keys[VS_N] = {
	[VS_NAME] = { "name", true },
	[VS_GATEWAY] = { "gateway", false },	/* a hub's: none */
	[VS_PREFIXES] = { "address_prefixes", false },
	[VS_BGP] = { "bgp", false },
	[VS_EDGE] = { "internet_edge_ip", false },
};

void
scn_site(struct yrd *y, yaml_node_t *n, struct vpn_site *v,
    yaml_node_t **gwnode)
{
	struct yrd_map m, b;

	v->gateway = TOPO_NONE;
	*gwnode = NULL;
	if (yrd_map_read(y, n, "an item of 'vpn_sites'", "vpn site",
	    scn_site_keys, VS_N, &m) == -1)
		return;
	v->pos = m.pos;
	(void)yrd_name(y, m.val[VS_NAME], "name", &v->name);
	if (yrd_scalar(y, m.val[VS_GATEWAY], "gateway", "a gateway name") !=
	    NULL)
		*gwnode = m.val[VS_GATEWAY];
	if (yrd_pfx_list(y, m.val[VS_PREFIXES], "address_prefixes", false,
	    &v->prefixes, &v->nprefixes) == 1)
		(void)scn_limit(y, m.key[VS_PREFIXES], SCN_LIM_SITE_PREFIXES,
		    v->nprefixes, v->name);
	v->has_edge_ip = yrd_ip(y, m.val[VS_EDGE], "internet_edge_ip",
	    &v->internet_edge_ip) == 1;
	if (m.val[VS_BGP] == NULL || yrd_map_read(y, m.val[VS_BGP], "'bgp'",
	    "bgp", scn_site_bgp_keys, BGP_N, &b) == -1)
		return;
	v->bgp = true;
	(void)yrd_ip(y, b.val[BGP_PEER], "peer_ip", &v->bgp_peer_ip);
	if (yrd_pfx_list(y, b.val[BGP_ADV], "advertised", false,
	    &v->advertised, &v->nadvertised) == 1)
		(void)scn_limit(y, b.key[BGP_ADV], SCN_LIM_SITE_PREFIXES,
		    v->nadvertised, v->name);
}

static void
scn_vpn_sites(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	yaml_node_t *gw;
	size_t i, count;

	if (n == NULL || yrd_list(y, n, "vpn_sites", NULL, &it,
	    &count) == -1 || scn_limit(y, n, SCN_LIM_VPN_SITES, count,
	    NULL) == -1)
		return;
	if ((t->vpn_sites = yrd_calloc(y, count, sizeof(*t->vpn_sites))) ==
	    NULL)
		return;
	t->nvpn_sites = count;
	for (i = 0; i < count; i++)
		t->vpn_sites[i].gateway = TOPO_NONE;
	for (i = 0; i < count && !y->stop; i++) {
		scn_site(y, yrd_node(y, it[i]), &t->vpn_sites[i], &gw);
		if (gw != NULL && !s->bad_vnets)
			t->vpn_sites[i].gateway = scn_gateway_ref(s, gw,
			    "gateway");
		if (t->vpn_sites[i].name != NULL && yrd_ix_add(y, &ix, 0,
		    t->vpn_sites[i].name, t->vpn_sites[i].pos, i) == -1)
			break;
	}
	yrd_ix_dups(y, &ix, "vpn site");
	free(ix.e);
}

static const char *const scn_gw_types[] = { "ExpressRoute", "Vpn" };

enum { GW_NAME, GW_TYPE, GW_AA, GW_INST, GW_PIP, GW_SITE, GW_N };
static const struct yrd_key scn_gateway_keys[GW_N] = {
	[GW_NAME] = { "name", true },
	[GW_TYPE] = { "type", false },
	[GW_AA] = { "active_active", false },
	[GW_INST] = { "instance_ips", false },
	[GW_PIP] = { "public_ip", false },
	[GW_SITE] = { "default_site", false },
};

/* One item of `gateways:`, describing the gateway a VNet names. */
static void
scn_gateway(struct scn *s, yaml_node_t *n, bool *seen)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	struct gateway *g;
	uint32_t *ips = NULL;
	struct yrd_map m;
	const char *v;
	size_t gi, nips = 0;
	int type;

	if (yrd_map_read(y, n, "an item of 'gateways'", "gateway",
	    scn_gateway_keys, GW_N, &m) == -1 ||
	    (gi = scn_gateway_ref(s, m.val[GW_NAME], "name")) == TOPO_NONE)
		return;
	if (seen[gi]) {
		yrd_err(y, m.val[GW_NAME], "gateway '%s' is described twice",
		    t->gateways[gi].name);
		return;
	}
	seen[gi] = true;
	g = &t->gateways[gi];
	g->described = true;
	g->pos = m.pos;
	if (yrd_word(y, m.val[GW_TYPE], "type", scn_gw_types, 2,
	    "ExpressRoute or Vpn", &type) == 1) {
		g->type = (enum gw_type)type;
		/* MODEL §8: a circuit connects to an ExpressRoute gateway. */
		if (g->type == GW_VPN && topo_circuit_of_vnet(t, g->vnet) !=
		    TOPO_NONE)
			yrd_err(y, m.val[GW_TYPE], "gateway '%s' is of type "
			    "Vpn but expressroute circuit '%s' connects to it",
			    g->name, t->circuits[topo_circuit_of_vnet(t,
			    g->vnet)].name);
	}
	(void)yrd_bool(y, m.val[GW_AA], "active_active", &g->active_active);
	if (yrd_ip_list(y, m.val[GW_INST], "instance_ips", false, &ips,
	    &nips) == 1) {
		if (nips > 2)
			yrd_err(y, m.val[GW_INST], "a gateway has at most two "
			    "instances, got %zu instance_ips", nips);
		g->ninstance_ips = nips > 2 ? 2 : nips;
		memcpy(g->instance_ips, ips, g->ninstance_ips * sizeof(*ips));
	}
	free(ips);
	/* MODEL §8 [vpn-aa]: active-active means two instances, each with
	 * its own address. */
	if (g->active_active && nips != 2)
		yrd_err(y, m.key[GW_AA], "active-active gateway '%s' needs "
		    "two instance_ips (one per instance), got %zu", g->name,
		    nips);
	g->has_public_ip = yrd_ip(y, m.val[GW_PIP], "public_ip",
	    &g->public_ip) == 1;
	if (m.val[GW_SITE] == NULL ||
	    (v = yrd_scalar(y, m.val[GW_SITE], "default_site",
	    "a vpn site name")) == NULL)
		return;
	g->default_site_pos = yrd_pos(y, m.val[GW_SITE]);
	g->default_site = topo_vpn_site_find(t, v);
	if (g->default_site == TOPO_NONE) {
		yrd_err(y, m.val[GW_SITE], "unknown vpn site '%s'", v);
		return;
	}
	/* MODEL §8 [vpn-ft]: the default site is one of the gateway's own
	 * site-to-site connections. */
	if (t->vpn_sites[g->default_site].gateway != gi &&
	    t->vpn_sites[g->default_site].gateway != TOPO_NONE) {
		yrd_err(y, m.val[GW_SITE], "default site '%s' connects to "
		    "gateway '%s', not to '%s'", v,
		    t->gateways[t->vpn_sites[g->default_site].gateway].name,
		    g->name);
		g->default_site = TOPO_NONE;
	}
}

static void
scn_gateways(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	yaml_node_item_t *it;
	size_t i, count;
	bool *seen;

	if (n == NULL || yrd_list(y, n, "gateways", NULL, &it,
	    &count) == -1)
		return;
	if ((seen = yrd_calloc(y, s->t->ngateways + 1, sizeof(*seen))) ==
	    NULL)
		return;
	for (i = 0; i < count && !y->stop; i++)
		scn_gateway(s, yrd_node(y, it[i]), seen);
	free(seen);
}

enum { RP_NAME, RP_IP, RP_ADV, RP_NH, RP_N };
static const struct yrd_key scn_rs_peer_keys[RP_N] = {
	[RP_NAME] = { "name", true },
	[RP_IP] = { "ip", true },
	[RP_ADV] = { "advertised", false },
	[RP_NH] = { "next_hop", false },
};

/* One BGP peer of Route Server rs: a VM (MODEL §8 [rs]); a next hop it
 * announces other than itself must be a VM that forwards. */
static void
scn_rs_peer(struct scn *s, yaml_node_t *n, const struct route_server *rs,
    struct rs_peer *p)
{
	struct yrd *y = &s->y;
	const struct topo *t = s->t;
	struct yrd_map m;
	size_t vm;

	p->vm = TOPO_NONE;
	if (yrd_map_read(y, n, "an item of 'peers'", "route server peer",
	    scn_rs_peer_keys, RP_N, &m) == -1)
		return;
	p->pos = m.pos;
	(void)yrd_name(y, m.val[RP_NAME], "name", &p->name);
	if (yrd_pfx_list(y, m.val[RP_ADV], "advertised", false,
	    &p->advertised, &p->nadvertised) == 1)
		(void)scn_limit(y, m.key[RP_ADV], SCN_LIM_RS_ROUTES,
		    p->nadvertised, p->name);
	if (yrd_ip(y, m.val[RP_IP], "ip", &p->ip) == 1 && !s->bad_vms &&
	    rs->vnet != TOPO_NONE) {
		p->vm = topo_vm_near(t, p->ip, rs->vnet);
		if (p->vm == TOPO_NONE)
			yrd_err(y, m.val[RP_IP], "route server peer '%s': no "
			    "VM has address %s in vnet '%s' or a peered vnet "
			    "[rs]", p->name != NULL ? p->name : "",
			    yrd_text(m.val[RP_IP]), t->vnets[rs->vnet].name);
	}
	if (yrd_ip(y, m.val[RP_NH], "next_hop", &p->next_hop) != 1)
		return;
	p->has_next_hop = true;
	p->next_hop_pos = yrd_pos(y, m.val[RP_NH]);
	if (s->bad_vms || rs->vnet == TOPO_NONE)
		return;
	vm = topo_vm_near(t, p->next_hop, rs->vnet);
	if (vm == TOPO_NONE || !t->vms[vm].ip_forwarding)
		yrd_err(y, m.val[RP_NH], "route server peer '%s' announces "
		    "next hop %s, which is %s [rs]", p->name != NULL ?
		    p->name : "", yrd_text(m.val[RP_NH]), vm == TOPO_NONE ?
		    "no VM in the route server's vnet or a peered one" :
		    "a VM without ip_forwarding");
}

static const char *const scn_rs_prefs[] = {
	"ExpressRoute", "VpnGateway", "ASPath"
};

enum { RS_NAME, RS_VNET, RS_B2B, RS_PREF, RS_PEERS, RS_N };
static const struct yrd_key scn_rs_keys[RS_N] = {
	[RS_NAME] = { "name", true },
	[RS_VNET] = { "vnet", true },
	[RS_B2B] = { "branch_to_branch", false },
	[RS_PREF] = { "routing_preference", false },
	[RS_PEERS] = { "peers", false },
};

static void
scn_route_server(struct scn *s, yaml_node_t *n, struct route_server *rs)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	yaml_node_item_t *it;
	struct yrd_map m;
	size_t i, count;
	int pref;

	rs->vnet = TOPO_NONE;
	if (yrd_map_read(y, n, "an item of 'route_servers'", "route server",
	    scn_rs_keys, RS_N, &m) == -1)
		return;
	rs->pos = m.pos;
	(void)yrd_name(y, m.val[RS_NAME], "name", &rs->name);
	if (yrd_scalar(y, m.val[RS_VNET], "vnet", "a vnet name") != NULL &&
	    !s->bad_vnets)
		rs->vnet = yrd_ref(y, m.val[RS_VNET], &s->ivnet, 0, "vnet",
		    NULL);
	if (rs->vnet != TOPO_NONE) {
		if (topo_subnet_named(t, rs->vnet, "RouteServerSubnet") ==
		    TOPO_NONE)
			yrd_err(y, m.val[RS_VNET], "route server '%s' needs a "
			    "subnet named RouteServerSubnet in vnet '%s' [rs]",
			    rs->name != NULL ? rs->name : "",
			    t->vnets[rs->vnet].name);
		for (i = 0; i < t->nroute_servers; i++)
			if (&t->route_servers[i] != rs &&
			    t->route_servers[i].vnet == rs->vnet) {
				yrd_err(y, m.val[RS_VNET], "vnet '%s' already "
				    "has route server '%s'",
				    t->vnets[rs->vnet].name,
				    t->route_servers[i].name);
				break;
			}
	}
	(void)yrd_bool(y, m.val[RS_B2B], "branch_to_branch",
	    &rs->branch_to_branch);
	if (yrd_word(y, m.val[RS_PREF], "routing_preference", scn_rs_prefs,
	    3, "ExpressRoute, VpnGateway or ASPath", &pref) == 1)
		rs->preference = (enum rs_pref)pref;
	if (m.val[RS_PEERS] == NULL || yrd_list(y, m.val[RS_PEERS], "peers",
	    NULL, &it, &count) == -1 || scn_limit(y, m.val[RS_PEERS],
	    SCN_LIM_RS_PEERS, count, rs->name) == -1)
		return;
	if ((rs->peers = yrd_calloc(y, count, sizeof(*rs->peers))) == NULL)
		return;
	rs->npeers = count;
	for (i = 0; i < count && !y->stop; i++)
		scn_rs_peer(s, yrd_node(y, it[i]), rs, &rs->peers[i]);
}

static void
scn_route_servers(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count;

	if (n == NULL || yrd_list(y, n, "route_servers", NULL, &it,
	    &count) == -1)
		return;
	if ((t->route_servers = yrd_calloc(y, count,
	    sizeof(*t->route_servers))) == NULL)
		return;
	for (i = 0; i < count; i++)
		t->route_servers[i].vnet = TOPO_NONE;
	t->nroute_servers = count;
	for (i = 0; i < count && !y->stop; i++) {
		scn_route_server(s, yrd_node(y, it[i]), &t->route_servers[i]);
		if (t->route_servers[i].name != NULL && yrd_ix_add(y, &ix, 0,
		    t->route_servers[i].name, t->route_servers[i].pos,
		    i) == -1)
			break;
	}
	yrd_ix_dups(y, &ix, "route server");
	free(ix.e);
}

/*
 * MODEL §8 [udr]: a route table on the GatewaySubnet steers what arrives
 * from the gateway; a 0.0.0.0/0 route there, or disabling gateway route
 * propagation there, is unsupported: warned, and simulated as written.
 */
static void
scn_gateway_subnet_warnings(struct scn *s)
{
	const struct topo *t = s->t;
	const struct route_table *rt;
	const struct subnet *sn;
	size_t v, i, k;

	for (v = 0; v < t->nvnets; v++)
		for (i = 0; i < t->vnets[v].nsubnets; i++) {
			sn = &t->vnets[v].subnets[i];
			if (sn->name == NULL || sn->route_table == TOPO_NONE ||
			    strcasecmp(sn->name, "GatewaySubnet") != 0)
				continue;
			rt = &t->rtables[sn->route_table];
			if (rt->disable_bgp_propagation)
				diag_warn(s->y.d, sn->route_table_pos, "route "
				    "table '%s' on the GatewaySubnet of vnet "
				    "'%s' disables gateway route propagation: "
				    "unsupported by Azure [udr]", rt->name,
				    t->vnets[v].name);
			for (k = 0; k < rt->nroutes; k++)
				if (rt->routes[k].pfx.len == 0)
					diag_warn(s->y.d, rt->routes[k].pos,
					    "route '%s' sends 0.0.0.0/0 from "
					    "the GatewaySubnet of vnet '%s': "
					    "unsupported by Azure [udr]",
					    rt->routes[k].name,
					    t->vnets[v].name);
		}
}

void
scn_estate(struct scn *s, yaml_node_t *gateways, yaml_node_t *sites,
    yaml_node_t *servers)
{
	struct yrd *y = &s->y;

	if (s->bad_vnets) {
		/* References into the VNets cannot be checked; the sections
		 * are still read for their own errors. */
		scn_vpn_sites(s, sites);
		scn_route_servers(s, servers);
		return;
	}
	scn_gateway_dups(s);
	if (topo_gateways_from_vnets(s->t) != 0) {
		(void)yrd_nomem(y);
		return;
	}
	scn_vpn_sites(s, sites);
	scn_gateways(s, gateways);
	scn_route_servers(s, servers);
	if (y->stop)
		return;
	y->nerr += topo_estate_check(s->t, y->d);
	if (!s->bad_rtables)
		scn_gateway_subnet_warnings(s);
	topo_hubs(s->t);
}
