/*
 * estate.c: what a topology's estate resources derive from each other
 * (MODEL.md §8): the gateway of every VNet that names one, and the hub
 * whose gateways and Route Server each VNet's subnets learn from.
 *
 * Both loaders (scenario files and Azure exports) call these once the
 * VNets, circuits, sites and Route Servers are read, then check what
 * they found; the engine only reads the result.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/estate.h"
#include "topology/vwan.h"

/* The type of a gateway no `gateways:` entry describes: ExpressRoute
 * when a circuit connects to it, else Vpn. */
static enum gw_type
gw_type_inferred(const struct topo *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncircuits; i++)
		if (t->circuits[i].gateway != NULL &&
		    strcasecmp(t->circuits[i].gateway, name) == 0)
			return GW_EXPRESSROUTE;
	return GW_VPN;
}

int
topo_gateways_from_vnets(struct topo *t)
{
	struct gateway *g;
	struct vnet *vn;
	size_t i, gi;

	for (i = 0; i < t->nvnets; i++) {
		vn = &t->vnets[i];
		vn->gw = TOPO_NONE;
		if (vn->gateway == NULL)
			continue;
		gi = topo_gateway_find(t, vn->gateway);
		if (gi == TOPO_NONE) {
			g = reallocarray(t->gateways, t->ngateways + 1,
			    sizeof(*g));
			if (g == NULL)
				return -ENOMEM;
			t->gateways = g;
			g = &t->gateways[t->ngateways];
			memset(g, 0, sizeof(*g));
			if ((g->name = strdup(vn->gateway)) == NULL)
				return -ENOMEM;
			g->vnet = i;
			g->type = gw_type_inferred(t, vn->gateway);
			g->default_site = TOPO_NONE;
			g->pos = vn->gateway_pos;
			gi = t->ngateways++;
		}
		/* A gateway in two VNets is the loader's error; the first
		 * VNet keeps it. */
		if (t->gateways[gi].vnet == i)
			vn->gw = gi;
	}
	return 0;
}

bool
topo_vnet_has_gateways(const struct topo *t, size_t v)
{
	return t->vnets[v].gw != TOPO_NONE ||
	       topo_route_server_of_vnet(t, v) != TOPO_NONE;
}

size_t
topo_transit_hub(const struct topo *t, size_t v, size_t *peering)
{
	const struct vnet *vn = &t->vnets[v];
	const struct peering *far;
	size_t i;

	for (i = 0; i < vn->npeers; i++) {
		if (!vn->peers[i].use_remote)
			continue;
		if (peering != NULL)
			*peering = i;
		far = topo_peering(t, vn->peers[i].vnet, v);
		if (far != NULL && far->allow_transit &&
		    topo_vnet_has_gateways(t, vn->peers[i].vnet))
			return vn->peers[i].vnet;
		return TOPO_NONE;
	}
	return TOPO_NONE;
}

void
topo_hubs(struct topo *t)
{
	size_t i;

	/* MODEL §8 [peer]: a VNet with its own gateway or Route Server
	 * learns from them; one that uses remote gateways, from the hub
	 * whose side allows gateway transit. */
	for (i = 0; i < t->nvnets; i++)
		t->vnets[i].hub = topo_vnet_has_gateways(t, i) ? i
				  : topo_transit_hub(t, i, NULL);
	topo_vwan_hubs(t);
}

/* One error of the checks, counted. */
static void __attribute__((format(printf, 4, 5)))
est_err(struct diag *d, size_t *n, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
	(*n)++;
}

/* A VPN site needs a VPN gateway (MODEL §8 [vpn-ft]). */
static size_t
site_checks(const struct topo *t, struct diag *d)
{
	const struct vpn_site *v;
	const struct gateway *g;
	size_t i, nerr = 0;

	for (i = 0; i < t->nvpn_sites; i++) {
		v = &t->vpn_sites[i];
		if (v->gateway == TOPO_NONE)
			continue;
		g = &t->gateways[v->gateway];
		if (g->type != GW_VPN)
			est_err(d, &nerr, v->pos, "vpn site '%s' connects to "
			    "gateway '%s', an ExpressRoute gateway: "
			    "site-to-site connections need a Vpn gateway "
			    "[vpn-ft]", v->name, g->name);
	}
	for (i = 0; i < t->ngateways; i++) {
		g = &t->gateways[i];
		if (g->default_site != TOPO_NONE && g->type != GW_VPN)
			est_err(d, &nerr, g->default_site_pos, "gateway '%s' is "
			    "an ExpressRoute gateway: only a Vpn gateway has "
			    "a default site [vpn-ft]", g->name);
	}
	return nerr;
}

/*
 * MODEL §8 [peer]: a VNet uses the remote gateways of one peer, whose
 * side allows gateway transit and which has a gateway or a Route Server;
 * a VNet with a gateway of its own cannot use remote ones.
 */
static size_t
transit_checks(const struct topo *t, struct diag *d)
{
	const struct peering *pe, *far;
	const struct vnet *vn, *hub;
	size_t v, i, used, nerr = 0;

	for (v = 0; v < t->nvnets; v++) {
		vn = &t->vnets[v];
		used = TOPO_NONE;
		for (i = 0; i < vn->npeers; i++) {
			pe = &vn->peers[i];
			if (!pe->use_remote)
				continue;
			hub = &t->vnets[pe->vnet];
			far = topo_peering(t, pe->vnet, v);
			if (topo_vnet_has_gateways(t, v))
				est_err(d, &nerr, pe->pos, "vnet '%s' has a "
				    "gateway or route server of its own and "
				    "cannot use the remote gateways of '%s' "
				    "[peer]", vn->name, hub->name);
			else if (used != TOPO_NONE)
				est_err(d, &nerr, pe->pos, "vnet '%s' already "
				    "uses the remote gateways of '%s': one "
				    "peering only [peer]", vn->name,
				    t->vnets[used].name);
			else if (!topo_vnet_has_gateways(t, pe->vnet))
				est_err(d, &nerr, pe->pos, "vnet '%s' uses "
				    "remote gateways, but '%s' has neither a "
				    "gateway nor a route server [peer]",
				    vn->name, hub->name);
			else if (far == NULL || !far->allow_transit)
				est_err(d, &nerr, pe->pos, "vnet '%s' uses "
				    "remote gateways, but the peering on "
				    "'%s''s side does not set "
				    "allow_gateway_transit [peer]", vn->name,
				    hub->name);
			used = pe->vnet;
		}
	}
	return nerr;
}

size_t
topo_estate_check(const struct topo *t, struct diag *d)
{
	return site_checks(t, d) + transit_checks(t, d);
}

int
topo_estate_resolve(struct topo *t)
{
	int rc;

	if ((rc = topo_vwan_resolve(t)) != 0 ||
	    (rc = topo_gateways_from_vnets(t)) != 0)
		return rc;
	topo_hubs(t);
	return 0;
}

const char *
topo_site_name(const struct topo *t, size_t site)
{
	return site == TOPO_NONE ? t->onprem.name : t->vpn_sites[site].name;
}

bool
topo_site_present(const struct topo *t, size_t site)
{
	return site != TOPO_NONE || t->onprem.present;
}

bool
topo_site_covers(const struct topo *t, size_t site, uint32_t ip,
		 struct pfx *which)
{
	const struct vpn_site *v;
	size_t i;

	if (site == TOPO_NONE) {
		for (i = 0; i < t->onprem.nprefixes; i++)
			if (pfx_contains_ip(t->onprem.prefixes[i], ip)) {
				*which = t->onprem.prefixes[i];
				return true;
			}
		return false;
	}
	v = &t->vpn_sites[site];
	for (i = 0; i < v->nprefixes; i++)
		if (pfx_contains_ip(v->prefixes[i], ip)) {
			*which = v->prefixes[i];
			return true;
		}
	if (v->bgp && ip == v->bgp_peer_ip) {
		*which = pfx_make(ip, 32);
		return true;
	}
	for (i = 0; v->bgp && i < v->nadvertised; i++)
		if (v->advertised[i].len > 0 &&
		    pfx_contains_ip(v->advertised[i], ip)) {
			*which = v->advertised[i];
			return true;
		}
	return false;
}

bool
topo_site_edge(const struct topo *t, size_t site, uint32_t *ip)
{
	if (site == TOPO_NONE) {
		*ip = t->onprem.internet_edge_ip;
		return t->onprem.present && t->onprem.has_edge_ip;
	}
	*ip = t->vpn_sites[site].internet_edge_ip;
	return t->vpn_sites[site].has_edge_ip;
}

size_t
topo_site_for(const struct topo *t, size_t gw, uint32_t ip, bool *any)
{
	struct pfx p, best = { 0, 0 };
	size_t i, site = TOPO_NONE;

	*any = false;
	for (i = 0; i < t->nvpn_sites; i++) {
		if (t->vpn_sites[i].gateway != gw)
			continue;
		*any = true;
		if (topo_site_covers(t, i, ip, &p) &&
		    (site == TOPO_NONE || p.len > best.len)) {
			site = i;
			best = p;
		}
	}
	if (site == TOPO_NONE && gw != TOPO_NONE)
		site = t->gateways[gw].default_site;
	return site;
}

size_t
topo_subnet_named(const struct topo *t, size_t v, const char *name)
{
	size_t i;

	for (i = 0; v != TOPO_NONE && i < t->vnets[v].nsubnets; i++)
		if (t->vnets[v].subnets[i].name != NULL &&
		    strcasecmp(t->vnets[v].subnets[i].name, name) == 0)
			return i;
	return TOPO_NONE;
}

size_t
topo_gateway_subnet(const struct topo *t, size_t v)
{
	return topo_subnet_named(t, v, "GatewaySubnet");
}

size_t
topo_vm_near(const struct topo *t, uint32_t ip, size_t v)
{
	size_t i;

	for (i = 0; i < t->nvms; i++)
		if (t->vms[i].ip == ip && (t->vms[i].vnet == v ||
		    topo_peered(t, t->vms[i].vnet, v)))
			return i;
	return TOPO_NONE;
}

size_t
topo_vnet_behind(const struct topo *t, size_t gi, uint32_t ip)
{
	size_t v, hub;

	for (v = 0; gi != TOPO_NONE && v < t->nvnets; v++)
		if ((hub = t->vnets[v].hub) != TOPO_NONE &&
		    t->gateways[gi].vnet == hub && topo_vnet_holds(t, v, ip))
			return v;
	return TOPO_NONE;
}
