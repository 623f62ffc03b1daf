/*
 * azjson_estate.c: the estate resources of Azure exports (MODEL.md §8,
 * FORMAT.md "Estates"): each side's peering settings, virtual network
 * gateways, local network gateways and their site-to-site (IPsec)
 * connections, and Route Servers (virtual hubs in a RouteServerSubnet)
 * with their BGP connections; and which of an effective route table's
 * learned routes a Route Server peer or a VPN site advertises.
 *
 * What Azure's data does not hold (a site's Internet edge NAT, what a
 * peer advertises when no effective route table tells) is left out and
 * noted, so that the user adds it by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/azjson_int.h"
#include "topology/estate.h"

/*
 * Peerings.
 */

/* A boolean property: a JSON boolean, or a template expression that
 * evaluates to true or false. 1 when given, 0 when absent or an
 * expression not understood (noted: Azure's default applies), -1 (said)
 * when it is neither a boolean nor a string. */
static int
az_bool(struct az *z, json_t *o, const char *key, const char *where,
    bool *out)
{
	json_t *v = az_prop(o, key);
	char *s;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 1;
	}
	if (!json_is_string(v)) {
		az_err(z, where, "%s is not true or false", key);
		return -1;
	}
	s = az_str(z, o, key);
	if (s != NULL && (strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "false") == 0)) {
		*out = strcasecmp(s, "true") == 0;
		free(s);
		return 1;
	}
	free(s);
	if (z->err == 0)
		az_note(z, "%s: %s: %s '%s' is not understood: Azure's "
		    "default assumed", z->file, where, key,
		    json_string_value(v));
	return 0;
}

void
az_read_peer(struct az *z, struct az_vnet *v, json_t *x, const char *where)
{
	static const char *const keys[4] = { "allowVirtualNetworkAccess",
	    "allowForwardedTraffic", "allowGatewayTransit",
	    "useRemoteGateways" };
	char *remote = az_ref_name(z, x, "remoteVirtualNetwork",
	    "virtualNetworks");
	struct az_peer *pe = NULL;
	bool val[4] = { true, false, false, false };
	bool any = false;
	size_t i;
	int rc;

	if (remote == NULL) {
		if (z->err == 0)
			az_err(z, where, "peering without "
			    "remoteVirtualNetwork");
		return;
	}
	for (i = 0; i < 4; i++) {
		if ((rc = az_bool(z, x, keys[i], where, &val[i])) < 0) {
			free(remote);
			return;
		}
		any = any || rc == 1;
	}
	/* The same peering inline in its VNet and as a resource is one. */
	for (i = 0; i < v->npeer; i++)
		if (strcasecmp(v->peer[i].name, remote) == 0)
			pe = &v->peer[i];
	if (pe != NULL)
		free(remote);
	else if ((pe = PUSH(z, v->peer, v->npeer)) == NULL) {
		free(remote);
		return;
	} else
		pe->name = remote;
	if (pe->nspace == 0)
		az_pfx_list(z, where, json_object_get(az_prop(x,
		    "remoteAddressSpace"), "addressPrefixes"), &pe->space,
		    &pe->nspace);
	if (!any)
		return;
	/* Absent settings take Azure's defaults (access allowed, the
	 * others not). */
	pe->flags = true;
	pe->access = val[0];
	pe->forwarded = val[1];
	pe->transit = val[2];
	pe->use_remote = val[3];
}

/* A peering resource: an ARM child "VNET/NAME", or an item of
 * `az network vnet peering list`, whose id names the VNet. */
void
az_read_peering(struct az *z, const char *name, json_t *o, const char *where)
{
	const char *slash = strchr(name, '/');
	char *id, *local;
	struct az_vnet *v;

	if (slash != NULL) {
		if ((local = strndup(name, (size_t)(slash - name))) == NULL)
			z->err = -ENOMEM;
	} else {
		id = az_str(z, o, "id");
		local = az_id_part(z, id, "virtualNetworks");
		free(id);
	}
	if (local == NULL) {
		if (z->err == 0)
			az_err(z, where, "peering %s: neither its name "
			    "(VNET/PEERING) nor its id names its VNet", name);
		return;
	}
	if ((v = az_vnet_get(z, local)) != NULL)
		az_read_peer(z, v, o, where);
	free(local);
}

/*
 * Gateways, sites and their connections.
 */

/* An address; false when s is none. */
static bool
az_ip(const char *s, uint32_t *ip)
{
	return s != NULL && ip_parse(s, ip) == 0;
}

static void
gw_add_inst(struct az_gw *g, uint32_t ip)
{
	size_t i;

	for (i = 0; i < g->ninst; i++)
		if (g->inst[i] == ip)
			return;
	if (g->ninst < 2)
		g->inst[g->ninst++] = ip;
}

/* The instances' private addresses: ipConfigurations[].privateIPAddress,
 * else bgpSettings.bgpPeeringAddresses[].defaultBgpIpAddresses, else
 * bgpSettings.bgpPeeringAddress (two, comma-separated, when
 * active-active). */
static void
gw_instances(struct az *z, struct az_gw *g, json_t *o, const char *where)
{
	json_t *bgp = az_prop(o, "bgpSettings"), *x, *y;
	char *s, *tok, *save = NULL;
	uint32_t ip;
	size_t i, j;

	json_array_foreach(az_prop(o, "ipConfigurations"), i, x) {
		if ((s = az_str(z, x, "privateIPAddress")) == NULL)
			continue;
		if (!az_ip(s, &ip))
			az_err(z, where, "gateway %s: ipConfigurations[%zu]: "
			    "bad privateIPAddress '%s'", g->name, i, s);
		else
			gw_add_inst(g, ip);
		free(s);
	}
	if (g->ninst > 0)
		return;
	json_array_foreach(json_object_get(bgp, "bgpPeeringAddresses"), i, x) {
		json_array_foreach(json_object_get(x, "defaultBgpIpAddresses"),
		    j, y) {
			if (az_ip(json_string_value(y), &ip))
				gw_add_inst(g, ip);
		}
	}
	if (g->ninst > 0 || !json_is_string(json_object_get(bgp,
	    "bgpPeeringAddress")))
		return;
	if ((s = az_strdup(z, json_string_value(json_object_get(bgp,
	    "bgpPeeringAddress")))) == NULL)
		return;
	for (tok = strtok_r(s, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save))
		if (az_ip(tok, &ip))
			gw_add_inst(g, ip);
	free(s);
}

void
az_read_vgw(struct az *z, const char *name, json_t *o, const char *where)
{
	json_t *c0 = json_array_get(az_prop(o, "ipConfigurations"), 0);
	char *type = az_str(z, o, "gatewayType");
	struct az_gw *g;
	bool aa = false;
	enum gw_type gt;

	if ((g = PUSH(z, z->vgw, z->nvgw)) == NULL) {
		free(type);
		return;
	}
	g->name = az_strdup(z, name);
	g->type = -1;
	if (type != NULL && gw_type_parse(type, &gt) == 0)
		g->type = (int)gt;
	else if (type != NULL)
		az_note(z, "%s: gateway %s is of type %s: not modelled (an "
		    "ExpressRoute or Vpn gateway is)", z->file, name, type);
	free(type);
	if (az_bool(z, o, "activeActive", where, &aa) == 1)
		g->active_active = aa;
	g->vnet = az_ref_name(z, c0, "subnet", "virtualNetworks");
	g->pip = az_ref_name(z, c0, "publicIPAddress", "publicIPAddresses");
	g->site = az_ref_name(z, o, "gatewayDefaultSite",
	    "localNetworkGateways");
	gw_instances(z, g, o, where);
}

void
az_read_lng(struct az *z, const char *name, json_t *o, const char *where)
{
	json_t *bgp = az_prop(o, "bgpSettings");
	const char *peer = json_string_value(json_object_get(bgp,
	    "bgpPeeringAddress"));
	struct az_lng *l;

	if ((l = PUSH(z, z->lng, z->nlng)) == NULL)
		return;
	l->name = az_strdup(z, name);
	az_pfx_list(z, where, json_object_get(az_prop(o,
	    "localNetworkAddressSpace"), "addressPrefixes"), &l->pfx,
	    &l->npfx);
	if (peer == NULL)
		return;
	if (!az_ip(peer, &l->bgp_ip))
		az_err(z, where, "local network gateway %s: bad "
		    "bgpSettings.bgpPeeringAddress '%s'", name, peer);
	else
		l->has_bgp = true;
}

int
az_read_s2s(struct az *z, const char *name, json_t *o)
{
	char *type = az_str(z, o, "connectionType");
	struct az_s2s *c;
	bool bgp = false;
	int ipsec = type != NULL && strcasecmp(type, "IPsec") == 0;

	if (type != NULL && !ipsec && strcasecmp(type, "ExpressRoute") != 0)
		az_note(z, "%s: connection %s of type %s: not modelled",
		    z->file, name, type);
	free(type);
	if (!ipsec)
		return 0;
	if ((c = PUSH(z, z->s2s, z->ns2s)) == NULL)
		return 1;
	c->name = az_strdup(z, name);
	c->gw = az_ref_name(z, o, "virtualNetworkGateway1",
	    "virtualNetworkGateways");
	c->lng = az_ref_name(z, o, "localNetworkGateway2",
	    "localNetworkGateways");
	if (az_bool(z, o, "enableBgp", name, &bgp) == 1)
		c->bgp = bgp;
	return 1;
}

/*
 * Route Servers.
 */

static struct az_rs *
rs_get(struct az *z, const char *name)
{
	struct az_rs *r;
	size_t i;

	for (i = 0; i < z->nrs; i++)
		if (strcasecmp(z->rs[i].name, name) == 0)
			return &z->rs[i];
	if ((r = PUSH(z, z->rs, z->nrs)) == NULL)
		return NULL;
	r->pref = -1;
	if ((r->name = az_strdup(z, name)) == NULL) {
		z->nrs--;
		return NULL;
	}
	return r;
}

/* The VNet of an ipConfiguration's subnet: a Route Server's when the
 * subnet is its RouteServerSubnet. */
static void
rs_ipconfig(struct az *z, struct az_rs *r, json_t *c)
{
	char *id = az_ref_id(z, c, "subnet");
	char *sn = az_id_part(z, id, "subnets");

	if (sn != NULL && strcasecmp(sn, "RouteServerSubnet") == 0 &&
	    r->vnet == NULL)
		r->vnet = az_id_part(z, id, "virtualNetworks");
	free(sn);
	free(id);
}

/* A BGP connection of a Route Server: its name and peerIp. */
static void
rs_bgp(struct az *z, struct az_rs *r, const char *name, json_t *c,
    const char *where)
{
	char *ip = az_str(z, c, "peerIp");
	struct az_rsp *p;
	size_t i;

	if (ip == NULL)
		return;		/* a reference only: read from its resource */
	for (i = 0; i < r->npeer; i++)
		if (strcasecmp(r->peer[i].name, name) == 0) {
			free(ip);
			return;
		}
	if ((p = PUSH(z, r->peer, r->npeer)) == NULL) {
		free(ip);
		return;
	}
	p->name = az_strdup(z, name);
	if (!az_ip(ip, &p->ip))
		az_err(z, where, "BGP connection %s of %s: bad peerIp '%s'",
		    name, r->name, ip);
	free(ip);
}

void
az_read_hub(struct az *z, const char *name, json_t *o, const char *where)
{
	struct az_rs *r = rs_get(z, name);
	char *pref, *cn;
	enum rs_pref p;
	json_t *x;
	char w[300];
	bool b2b = false;
	size_t i;

	if (r == NULL)
		return;
	if (json_is_object(az_prop(o, "virtualWan"))) {
		r->vwan = true;
		return;
	}
	if (az_bool(z, o, "allowBranchToBranchTraffic", where, &b2b) == 1)
		r->b2b = b2b;
	if ((pref = az_str(z, o, "hubRoutingPreference")) != NULL) {
		if (rs_pref_parse(pref, &p) == 0)
			r->pref = (int)p;
		else
			az_err(z, where, "hubRoutingPreference '%s': not "
			    "ExpressRoute, VpnGateway or ASPath", pref);
		free(pref);
	}
	json_array_foreach(az_prop(o, "ipConfigurations"), i, x) {
		rs_ipconfig(z, r, x);
	}
	json_array_foreach(az_prop(o, "bgpConnections"), i, x) {
		if ((cn = az_str(z, x, "name")) == NULL)
			continue;
		snprintf(w, sizeof(w), "%s.bgpConnections[%zu]", where, i);
		rs_bgp(z, r, cn, x, w);
		free(cn);
	}
}

/* A child of a virtual hub: "HUB/CHILD" in a template, else its id
 * names the hub. NULL when neither does (said). */
static struct az_rs *
hub_of_child(struct az *z, const char *name, json_t *o, const char *where,
    const char **child)
{
	const char *slash = strchr(name, '/');
	char *id, *hub;
	struct az_rs *r;

	*child = slash != NULL ? slash + 1 : name;
	if (slash != NULL) {
		if ((hub = strndup(name, (size_t)(slash - name))) == NULL)
			z->err = -ENOMEM;
	} else {
		id = az_str(z, o, "id");
		hub = az_id_part(z, id, "virtualHubs");
		free(id);
	}
	if (hub == NULL) {
		if (z->err == 0)
			az_err(z, where, "%s: neither its name (HUB/NAME) nor "
			    "its id names its virtual hub", name);
		return NULL;
	}
	r = rs_get(z, hub);
	free(hub);
	return r;
}

void
az_read_hub_ipconfig(struct az *z, const char *name, json_t *o,
    const char *where)
{
	const char *child;
	struct az_rs *r = hub_of_child(z, name, o, where, &child);

	if (r != NULL)
		rs_ipconfig(z, r, o);
}

void
az_read_hub_bgp(struct az *z, const char *name, json_t *o,
    const char *where)
{
	const char *child;
	struct az_rs *r = hub_of_child(z, name, o, where, &child);

	if (r == NULL)
		return;
	if (az_prop(o, "peerIp") == NULL) {
		az_err(z, where, "BGP connection %s: no peerIp", child);
		return;
	}
	rs_bgp(z, r, child, o, where);
}

void
az_estate_free(struct az *z)
{
	size_t i, j;

	for (i = 0; i < z->nvgw; i++) {
		free(z->vgw[i].name);
		free(z->vgw[i].vnet);
		free(z->vgw[i].pip);
		free(z->vgw[i].site);
	}
	free(z->vgw);
	for (i = 0; i < z->nlng; i++) {
		free(z->lng[i].name);
		free(z->lng[i].pfx);
	}
	free(z->lng);
	for (i = 0; i < z->ns2s; i++) {
		free(z->s2s[i].name);
		free(z->s2s[i].gw);
		free(z->s2s[i].lng);
	}
	free(z->s2s);
	for (i = 0; i < z->nrs; i++) {
		for (j = 0; j < z->rs[i].npeer; j++)
			free(z->rs[i].peer[j].name);
		free(z->rs[i].peer);
		free(z->rs[i].name);
		free(z->rs[i].vnet);
	}
	free(z->rs);
}

/*
 * Assembly.
 */

/* The described gateway each VNet names (MODEL §8 [vpn-aa]). */
static int
build_gw(struct az *z, struct topo *t, const struct az_gw *a)
{
	struct gateway *g;
	const char *pip;
	size_t v = a->vnet != NULL ? topo_vnet_find(t, a->vnet) : TOPO_NONE;

	if (v == TOPO_NONE || a->type < 0 || t->vnets[v].gateway == NULL ||
	    strcasecmp(t->vnets[v].gateway, a->name) != 0 ||
	    topo_gateway_find(t, a->name) != TOPO_NONE)
		return 0;
	if ((g = reallocarray(t->gateways, t->ngateways + 1,
	    sizeof(*g))) == NULL)
		return -ENOMEM;
	t->gateways = g;
	g = &g[t->ngateways++];
	memset(g, 0, sizeof(*g));
	if ((g->name = strdup(a->name)) == NULL)
		return -ENOMEM;
	g->pos = g->default_site_pos = t->vnets[v].pos;
	g->vnet = v;
	g->type = (enum gw_type)a->type;
	g->described = true;
	g->default_site = TOPO_NONE;
	g->ninstance_ips = a->ninst;
	memcpy(g->instance_ips, a->inst, sizeof(a->inst));
	g->active_active = a->active_active;
	if (g->active_active && a->ninst != 2) {
		g->active_active = false;
		az_note(z, "gateway %s is active-active but the files give %zu "
		    "instance addresses: modelled active-standby (add both "
		    "instance_ips by hand)", a->name, a->ninst);
	}
	/* Only a Vpn gateway's public IP shows in routes (MODEL §8). */
	if (a->pip == NULL || g->type != GW_VPN)
		return 0;
	pip = az_pair_find(z->pip, z->npip, a->pip);
	if (pip != NULL && ip_parse(pip, &g->public_ip) == 0)
		g->has_public_ip = true;
	else
		az_note(z, "gateway %s: the address of public IP %s is not in "
		    "the files: modelled without it", a->name, a->pip);
	return 0;
}

static const struct az_lng *
lng_find(const struct az *z, const char *name)
{
	size_t i;

	for (i = 0; i < z->nlng; i++)
		if (name != NULL && strcasecmp(z->lng[i].name, name) == 0)
			return &z->lng[i];
	return NULL;
}

/* One site-to-site connection: a VPN site named after its local network
 * gateway (MODEL §8 [vpn-ft]). */
static int
build_site(struct az *z, struct topo *t, const struct az_s2s *c)
{
	const struct az_lng *l = lng_find(z, c->lng);
	size_t gi = c->gw != NULL ? topo_gateway_find(t, c->gw) : TOPO_NONE;
	struct vpn_site *s;

	if (gi == TOPO_NONE || l == NULL) {
		az_note(z, "connection %s: %s %s is not in the files: not "
		    "modelled", c->name, gi == TOPO_NONE ? "VNet gateway" :
		    "local network gateway", gi == TOPO_NONE ?
		    (c->gw != NULL ? c->gw : "?") : (c->lng != NULL ? c->lng :
		    "?"));
		return 0;
	}
	if (topo_vpn_site_find(t, l->name) != TOPO_NONE) {
		az_note(z, "connection %s: local network gateway %s has a "
		    "connection already: only the first is modelled", c->name,
		    l->name);
		return 0;
	}
	if ((s = reallocarray(t->vpn_sites, t->nvpn_sites + 1,
	    sizeof(*s))) == NULL)
		return -ENOMEM;
	t->vpn_sites = s;
	s = &s[t->nvpn_sites++];
	memset(s, 0, sizeof(*s));
	if ((s->name = strdup(l->name)) == NULL)
		return -ENOMEM;
	s->pos = t->gateways[gi].pos;
	s->gateway = gi;
	if (l->npfx > 0) {
		if ((s->prefixes = malloc(l->npfx * sizeof(*l->pfx))) == NULL)
			return -ENOMEM;
		memcpy(s->prefixes, l->pfx, l->npfx * sizeof(*l->pfx));
		s->nprefixes = l->npfx;
	}
	if (c->bgp && !l->has_bgp)
		az_note(z, "connection %s enables BGP but local network "
		    "gateway %s has no BGP peering address: modelled without "
		    "BGP",
		    c->name, l->name);
	s->bgp = c->bgp && l->has_bgp;
	s->bgp_peer_ip = l->bgp_ip;
	az_note(z, "VPN site %s: its Internet edge is not in Azure's data: "
	    "add internet_edge_ip by hand", l->name);
	return 0;
}

/* A gateway's GatewayDefaultSite: one of its own sites. */
static void
build_default_site(struct az *z, struct topo *t, const struct az_gw *a)
{
	size_t gi = topo_gateway_find(t, a->name), si;

	if (a->site == NULL || gi == TOPO_NONE || !t->gateways[gi].described)
		return;
	si = topo_vpn_site_find(t, a->site);
	if (si == TOPO_NONE || t->vpn_sites[si].gateway != gi)
		az_note(z, "gateway %s: its default site %s has no "
		    "connection to it in the files: not modelled", a->name,
		    a->site);
	else
		t->gateways[gi].default_site = si;
}

/* The only VNet with a RouteServerSubnet, else TOPO_NONE. */
static size_t
rs_subnet_vnet(const struct topo *t)
{
	size_t v, found = TOPO_NONE;

	for (v = 0; v < t->nvnets; v++)
		if (topo_subnet_named(t, v, "RouteServerSubnet") != TOPO_NONE) {
			if (found != TOPO_NONE)
				return TOPO_NONE;
			found = v;
		}
	return found;
}

static int
build_rs(struct az *z, struct topo *t, const struct az_rs *a)
{
	struct route_server *r;
	size_t v, i, vm;
	char ip[IP_STRLEN];

	if (a->vwan)
		return 0;	/* azjson_vwan.c's */
	v = a->vnet != NULL ? topo_vnet_find(t, a->vnet) : rs_subnet_vnet(t);
	if (v != TOPO_NONE && a->vnet == NULL)
		az_note(z, "route server %s: its ipConfiguration is not in the "
		    "files: placed in VNet %s, the one with a "
		    "RouteServerSubnet", a->name, t->vnets[v].name);
	if (v == TOPO_NONE) {
		az_note(z, "route server %s: %s: not modelled", a->name,
		    a->vnet != NULL ? "its VNet is in none of the files" :
		    "no ipConfiguration in a RouteServerSubnet is in the "
		    "files (export its ipConfigurations)");
		return 0;
	}
	if ((r = reallocarray(t->route_servers, t->nroute_servers + 1,
	    sizeof(*r))) == NULL)
		return -ENOMEM;
	t->route_servers = r;
	r = &r[t->nroute_servers++];
	memset(r, 0, sizeof(*r));
	if ((r->name = strdup(a->name)) == NULL)
		return -ENOMEM;
	r->pos = t->vnets[v].pos;
	r->vnet = v;
	r->branch_to_branch = a->b2b;
	r->preference = a->pref >= 0 ? (enum rs_pref)a->pref :
	    RSP_EXPRESSROUTE;
	if (a->npeer > 0 && (r->peers = calloc(a->npeer,
	    sizeof(*r->peers))) == NULL)
		return -ENOMEM;
	for (i = 0; i < a->npeer; i++) {
		struct rs_peer *p = &r->peers[r->npeers];

		if ((vm = topo_vm_near(t, a->peer[i].ip, v)) == TOPO_NONE) {
			az_note(z, "route server %s: BGP connection %s: no VM "
			    "of the files has address %s in VNet %s or a "
			    "peered VNet: not modelled (export its network "
			    "interface)", a->name, a->peer[i].name,
			    ip_format(a->peer[i].ip, ip), t->vnets[v].name);
			continue;
		}
		if ((p->name = strdup(a->peer[i].name)) == NULL)
			return -ENOMEM;
		p->ip = a->peer[i].ip;
		p->vm = vm;
		p->pos = p->next_hop_pos = r->pos;
		r->npeers++;
	}
	return 0;
}

int
az_build_estate(struct az *z, struct topo *t)
{
	size_t i;
	int rc;

	for (i = 0; i < z->nvgw; i++)
		if ((rc = build_gw(z, t, &z->vgw[i])) != 0)
			return rc;
	for (i = 0; i < z->ns2s; i++)
		if ((rc = build_site(z, t, &z->s2s[i])) != 0)
			return rc;
	for (i = 0; i < z->nvgw; i++)
		build_default_site(z, t, &z->vgw[i]);
	for (i = 0; i < z->nrs; i++)
		if ((rc = build_rs(z, t, &z->rs[i])) != 0)
			return rc;
	return 0;
}

size_t
az_learning_hub(const struct topo *t, size_t v)
{
	const struct vnet *vn = &t->vnets[v];
	size_t i;

	if (vn->gateway != NULL || topo_route_server_of_vnet(t, v) !=
	    TOPO_NONE)
		return v;
	for (i = 0; i < vn->npeers; i++)
		if (vn->peers[i].use_remote)
			return vn->peers[i].vnet;
	return v;
}

/* Add p to a list of prefixes once. 0 or -ENOMEM. */
static int
pfx_add(struct pfx **list, size_t *n, struct pfx p)
{
	struct pfx *np;
	size_t i;

	for (i = 0; i < *n; i++)
		if (pfx_equal((*list)[i], p))
			return 0;
	if ((np = reallocarray(*list, *n + 1, sizeof(*np))) == NULL)
		return -ENOMEM;
	*list = np;
	np[(*n)++] = p;
	return 0;
}

/* MODEL §8 [rs]: a route whose next hops are Route Server peers of hub
 * h is what each of them advertises. 1 when taken. */
static int
learned_rs(struct topo *t, size_t h, const struct az_bgp *b)
{
	size_t ri = topo_route_server_of_vnet(t, h), i, k;
	struct route_server *r;
	bool taken = false;

	if (ri == TOPO_NONE)
		return 0;
	r = &t->route_servers[ri];
	for (k = 0; k < b->nnh; k++)
		for (i = 0; i < r->npeers; i++)
			if (r->peers[i].ip == b->nh[k]) {
				if (pfx_add(&r->peers[i].advertised,
				    &r->peers[i].nadvertised, b->pfx) != 0)
					return -ENOMEM;
				taken = true;
			}
	return taken ? 1 : 0;
}

/* The next hop names VPN gateway g: an instance or its public IP. */
static bool
vpn_hop(const struct gateway *g, uint32_t ip)
{
	size_t i;

	for (i = 0; i < g->ninstance_ips; i++)
		if (g->instance_ips[i] == ip)
			return true;
	return g->has_public_ip && g->public_ip == ip;
}

/* The site of a route through VPN gateway gi: the BGP site whose peer
 * is a next hop, else the gateway's only BGP site when a next hop is the
 * gateway; TOPO_NONE. *nbgp: its BGP sites. */
static size_t
vpn_site_of(const struct topo *t, size_t gi, const struct az_bgp *b,
    size_t *nbgp)
{
	size_t i, k, only = TOPO_NONE;
	bool via = b->nnh == 0;

	*nbgp = 0;
	for (i = 0; i < t->nvpn_sites; i++) {
		if (t->vpn_sites[i].gateway != gi || !t->vpn_sites[i].bgp)
			continue;
		for (k = 0; k < b->nnh; k++)
			if (b->nh[k] == t->vpn_sites[i].bgp_peer_ip)
				return i;
		only = i;
		(*nbgp)++;
	}
	for (k = 0; k < b->nnh; k++)
		via = via || vpn_hop(&t->gateways[gi], b->nh[k]);
	return via && *nbgp == 1 ? only : TOPO_NONE;
}

/* The sites' static prefixes and BGP peers' /32 of gateway gi, which
 * the engine rebuilds from the sites. */
static bool
vpn_rebuilt(const struct topo *t, size_t gi, struct pfx p)
{
	const struct vpn_site *s;
	size_t i, k;

	for (i = 0; i < t->nvpn_sites; i++) {
		s = &t->vpn_sites[i];
		if (s->gateway != gi)
			continue;
		for (k = 0; k < s->nprefixes; k++)
			if (pfx_equal(s->prefixes[k], p))
				return true;
		if (s->bgp && pfx_equal(pfx_make(s->bgp_peer_ip, 32), p))
			return true;
	}
	return false;
}

/* MODEL §8 [vpn-ft]: a route through the VPN gateway of hub h: through
 * a site's BGP peer, or through the gateway when one BGP site hangs off
 * it, it is what that site advertises. 1 when taken (or noted). */
static int
learned_vpn(struct az *z, struct topo *t, size_t h, const struct az_bgp *b,
    const char *file)
{
	size_t gi, site, nbgp;
	struct vpn_site *s;
	char buf[PFX_STRLEN];

	gi = t->vnets[h].gateway != NULL ? topo_gateway_find(t,
	    t->vnets[h].gateway) : TOPO_NONE;
	if (gi == TOPO_NONE || t->gateways[gi].type != GW_VPN)
		return 0;
	if (vpn_rebuilt(t, gi, b->pfx))
		return 1;
	if ((site = vpn_site_of(t, gi, b, &nbgp)) != TOPO_NONE) {
		s = &t->vpn_sites[site];
		return pfx_add(&s->advertised, &s->nadvertised, b->pfx) != 0 ?
		    -ENOMEM : 1;
	}
	az_note(z, "%s: learned route %s through VPN gateway %s: %s: not "
	    "modelled (add it to the advertised prefixes of its site by "
	    "hand)", file, pfx_format(b->pfx, buf), t->gateways[gi].name,
	    nbgp == 0 ? "no BGP site is connected to the gateway" :
	    nbgp > 1 ? "several BGP sites are connected to the gateway" :
	    "its next hop is neither the gateway nor the site");
	return 1;
}

int
az_learned_route(struct az *z, struct topo *t, size_t h,
    const struct az_bgp *b, const char *file)
{
	int rc;

	if ((rc = learned_rs(t, h, b)) != 0)
		return rc;
	return learned_vpn(z, t, h, b, file);
}

void
az_estate_notes(struct az *z, const struct topo *t)
{
	const struct route_server *r;
	size_t i, k;

	for (i = 0; i < t->nvpn_sites; i++)
		if (t->vpn_sites[i].bgp && t->vpn_sites[i].nadvertised == 0)
			az_note(z, "VPN site %s: no learned route of its BGP "
			    "session is in the files (export the effective "
			    "route table of a NIC): it advertises nothing",
			    t->vpn_sites[i].name);
	for (i = 0; i < t->nroute_servers; i++) {
		r = &t->route_servers[i];
		for (k = 0; k < r->npeers; k++)
			if (r->peers[k].nadvertised == 0)
				az_note(z, "route server %s: no learned route "
				    "through peer %s is in the files (export "
				    "the effective route table of a NIC): it "
				    "advertises nothing", r->name,
				    r->peers[k].name);
	}
}
