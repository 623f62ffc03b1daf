/*
 * vwan.c: Virtual WAN hubs (MODEL.md §8 [vwan]).
 *
 * A virtual hub is a VNet Microsoft runs: its address prefix holds the
 * hub's router, its gateways and, in a secured hub, its Azure Firewall.
 * A VNet connected to the hub is peered with it (its effective routes
 * list the hub prefix as VNetPeering) and learns what the hub's router
 * gives it. ftsim gives each hub a VNet of its own, so that the firewall
 * and the gateways sit where the rest of the engine expects them; the
 * hub's own rules (which routes reach which connection) are sim/vwan.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/estate.h"
#include "topology/vwan.h"

void
topo_vhub_free(struct vhub *h)
{
	free(h->name);
	free(h->circuits);
	free(h->sites);
	free(h->conns);
	memset(h, 0, sizeof(*h));
}

static int
dup_mem(const void *src, size_t n, size_t size, void **dst)
{
	*dst = NULL;
	if (n == 0)
		return 0;
	if ((*dst = calloc(n, size)) == NULL)
		return -ENOMEM;
	memcpy(*dst, src, n * size);
	return 0;
}

int
topo_vhub_copy(const struct vhub *src, struct vhub *dst)
{
	*dst = *src;
	dst->name = NULL;
	dst->circuits = NULL;
	dst->sites = NULL;
	dst->conns = NULL;
	if ((src->name != NULL && (dst->name = strdup(src->name)) == NULL) ||
	    dup_mem(src->circuits, src->ncircuits, sizeof(*src->circuits),
	    (void **)&dst->circuits) != 0 ||
	    dup_mem(src->sites, src->nsites, sizeof(*src->sites),
	    (void **)&dst->sites) != 0 ||
	    dup_mem(src->conns, src->nconns, sizeof(*src->conns),
	    (void **)&dst->conns) != 0) {
		topo_vhub_free(dst);
		return -ENOMEM;
	}
	return 0;
}

size_t
topo_vhub_find(const struct topo *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nvhubs; i++)
		if (t->vhubs[i].name != NULL &&
		    strcasecmp(t->vhubs[i].name, name) == 0)
			return i;
	return TOPO_NONE;
}

size_t
topo_vhub_of_vnet(const struct topo *t, size_t v)
{
	size_t i;

	for (i = 0; v != TOPO_NONE && i < t->nvhubs; i++)
		if (t->vhubs[i].vnet == v)
			return i;
	return TOPO_NONE;
}

size_t
topo_vhub_connected(const struct topo *t, size_t v,
		    const struct vhub_conn **conn)
{
	size_t i, k;

	for (i = 0; v != TOPO_NONE && i < t->nvhubs; i++)
		for (k = 0; k < t->vhubs[i].nconns; k++)
			if (t->vhubs[i].conns[k].vnet == v) {
				if (conn != NULL)
					*conn = &t->vhubs[i].conns[k];
				return i;
			}
	return TOPO_NONE;
}

bool
topo_vwan_linked(const struct topo *t, size_t a, size_t b)
{
	size_t h;

	if (t->nvhubs == 0)
		return false;
	if ((h = topo_vhub_connected(t, a, NULL)) != TOPO_NONE &&
	    t->vhubs[h].vnet == b)
		return true;
	return (h = topo_vhub_connected(t, b, NULL)) != TOPO_NONE &&
	       t->vhubs[h].vnet == a;
}

/* A subnet of the hub's VNet. */
static int
hub_subnet(struct vnet *vn, size_t v, const char *name, struct pfx p,
	   struct srcpos pos)
{
	struct subnet *sn;

	sn = reallocarray(vn->subnets, vn->nsubnets + 1, sizeof(*sn));
	if (sn == NULL)
		return -ENOMEM;
	vn->subnets = sn;
	sn = &vn->subnets[vn->nsubnets];
	memset(sn, 0, sizeof(*sn));
	if ((sn->name = strdup(name)) == NULL)
		return -ENOMEM;
	vn->nsubnets++;
	sn->pfx = p;
	sn->vnet = v;
	sn->route_table = TOPO_NONE;
	sn->nsg = TOPO_NONE;
	sn->default_outbound_access = true;
	sn->pos = pos;
	sn->route_table_pos = pos;
	sn->nsg_pos = pos;
	return 0;
}

/* A gateway of the hub: NAME-er or NAME-vpn, in the hub's VNet. */
static int
hub_gateway(struct topo *t, const struct vhub *h, const char *suffix,
	    enum gw_type type, size_t *out)
{
	struct gateway *g;
	char name[300];

	snprintf(name, sizeof(name), "%s-%s", h->name, suffix);
	if ((*out = topo_gateway_find(t, name)) != TOPO_NONE)
		return 0;
	g = reallocarray(t->gateways, t->ngateways + 1, sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	t->gateways = g;
	g = &t->gateways[t->ngateways];
	memset(g, 0, sizeof(*g));
	if ((g->name = strdup(name)) == NULL)
		return -ENOMEM;
	g->vnet = h->vnet;
	g->type = type;
	g->default_site = TOPO_NONE;
	g->pos = h->pos;
	g->default_site_pos = h->pos;
	if (type == GW_VPN) {
		/* MODEL §8 [vwan]: a hub's VPN gateway is active-active; its
		 * routes name both instances' private IPs. */
		g->active_active = true;
		g->ninstance_ips = h->nvpn_ips;
		memcpy(g->instance_ips, h->vpn_ips, sizeof(g->instance_ips));
	}
	*out = t->ngateways++;
	return 0;
}

/* The hub's VNet, appended to topo.vnets. */
static int
hub_vnet(struct topo *t, struct vhub *h)
{
	struct vnet *vn;
	size_t v;
	int rc;

	vn = reallocarray(t->vnets, t->nvnets + 1, sizeof(*vn));
	if (vn == NULL)
		return -ENOMEM;
	t->vnets = vn;
	v = t->nvnets;
	vn = &t->vnets[v];
	memset(vn, 0, sizeof(*vn));
	if ((vn->name = strdup(h->name)) == NULL ||
	    (vn->space = calloc(1, sizeof(*vn->space))) == NULL) {
		free(vn->name);
		return -ENOMEM;
	}
	t->nvnets++;
	vn->space[0] = h->prefix;
	vn->nspace = 1;
	vn->gw = TOPO_NONE;
	vn->hub = TOPO_NONE;
	vn->pos = h->pos;
	vn->gateway_pos = h->pos;
	h->vnet = v;
	if (h->firewall != TOPO_NONE) {
		const struct firewall *fw = &t->firewalls[h->firewall];

		if ((rc = hub_subnet(vn, v, "AzureFirewallSubnet",
		    pfx_make(h->prefix.addr + VHUB_FW_OFF, 26), h->pos)) != 0)
			return rc;
		if (fw->forced_tunneling && (rc = hub_subnet(vn, v,
		    "AzureFirewallManagementSubnet", pfx_make(h->prefix.addr +
		    VHUB_FW_OFF + 64, 26), h->pos)) != 0)
			return rc;
	}
	/* What arrives from the hub's gateways follows the routes of
	 * GatewaySubnet (its VPN gateway's instances are .12 and .13). */
	if (h->ncircuits + h->nsites > 0 &&
	    (rc = hub_subnet(vn, v, "GatewaySubnet", pfx_make(h->prefix.addr,
	    27), h->pos)) != 0)
		return rc;
	return 0;
}

int
topo_vwan_resolve(struct topo *t)
{
	struct vhub *h;
	size_t i, k;
	int rc;

	for (i = 0; i < t->nvhubs; i++) {
		h = &t->vhubs[i];
		if (h->name == NULL)
			continue;
		if (h->nrouter_ips == 0) {
			h->router_ips[0] = h->prefix.addr + VHUB_ROUTER_OFF;
			h->router_ips[1] = h->prefix.addr + VHUB_ROUTER_OFF + 1;
			h->nrouter_ips = 2;
		}
		if (h->nvpn_ips == 0) {
			h->vpn_ips[0] = h->prefix.addr + VHUB_VPN_OFF;
			h->vpn_ips[1] = h->prefix.addr + VHUB_VPN_OFF + 1;
			h->nvpn_ips = 2;
		}
		if (h->vnet == TOPO_NONE && (rc = hub_vnet(t, h)) != 0)
			return rc;
		if (h->firewall != TOPO_NONE) {
			t->firewalls[h->firewall].vnet = h->vnet;
			t->firewalls[h->firewall].subnet = topo_subnet_named(t,
			    h->vnet, "AzureFirewallSubnet");
		}
		h->er_gw = h->vpn_gw = TOPO_NONE;
		if (h->ncircuits > 0 &&
		    (rc = hub_gateway(t, h, "er", GW_EXPRESSROUTE,
		    &h->er_gw)) != 0)
			return rc;
		if (h->nsites > 0 &&
		    (rc = hub_gateway(t, h, "vpn", GW_VPN, &h->vpn_gw)) != 0)
			return rc;
		/* The VNet names one gateway: the ExpressRoute one when the
		 * hub has circuits (what on-premises replies come over). */
		if (t->vnets[h->vnet].gateway == NULL &&
		    (h->er_gw != TOPO_NONE || h->vpn_gw != TOPO_NONE) &&
		    (t->vnets[h->vnet].gateway = strdup(t->gateways[
		    h->er_gw != TOPO_NONE ? h->er_gw : h->vpn_gw].name)) ==
		    NULL)
			return -ENOMEM;
		for (k = 0; k < h->ncircuits; k++) {
			struct circuit *c = &t->circuits[h->circuits[k]];

			if (c->gateway != NULL)
				continue;	/* topo_vwan_check's error */
			if ((c->gateway = strdup(t->gateways[h->er_gw].name)) ==
			    NULL)
				return -ENOMEM;
			c->vnet = h->vnet;
		}
		for (k = 0; k < h->nsites; k++)
			if (t->vpn_sites[h->sites[k]].gateway == TOPO_NONE)
				t->vpn_sites[h->sites[k]].gateway = h->vpn_gw;
	}
	return 0;
}

void
topo_vwan_hubs(struct topo *t)
{
	size_t i, k;

	/* MODEL §8 [vwan]: a connected VNet learns from its hub's router
	 * what the hub's gateways and firewall give. */
	for (i = 0; i < t->nvhubs; i++) {
		if (t->vhubs[i].vnet == TOPO_NONE)
			continue;
		t->vnets[t->vhubs[i].vnet].hub = t->vhubs[i].vnet;
		for (k = 0; k < t->vhubs[i].nconns; k++)
			if (t->vhubs[i].conns[k].vnet != TOPO_NONE &&
			    !topo_vnet_has_gateways(t,
			    t->vhubs[i].conns[k].vnet))
				t->vnets[t->vhubs[i].conns[k].vnet].hub =
				    t->vhubs[i].vnet;
	}
}

static void __attribute__((format(printf, 4, 5)))
vw_err(struct diag *d, size_t *n, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
	(*n)++;
}

/* A connected VNet's address space may not overlap the hub's prefix. */
static bool
space_overlaps(const struct vnet *vn, struct pfx p)
{
	size_t i;

	for (i = 0; i < vn->nspace; i++)
		if (pfx_covers(vn->space[i], p) || pfx_covers(p, vn->space[i]))
			return true;
	return false;
}

size_t
topo_vwan_check(const struct topo *t, struct diag *d)
{
	const struct vhub *h, *o;
	const struct vhub_conn *c;
	char pf[PFX_STRLEN];
	size_t i, j, k, m, nerr = 0;

	for (i = 0; i < t->nvhubs; i++) {
		h = &t->vhubs[i];
		if (h->name == NULL)
			continue;
		/* [vwan]: a hub's address prefix is a /24 or larger. */
		if (h->prefix.len > 24)
			vw_err(d, &nerr, h->prefix_pos, "virtual hub '%s': "
			    "address_prefix /%u is smaller than /24, the "
			    "least Azure accepts for a hub [vwan]", h->name,
			    (unsigned)h->prefix.len);
		/* [vwan]: routing intent sends traffic to the hub's
		 * firewall, which a secured hub has. */
		if ((h->intent_internet || h->intent_private) &&
		    h->firewall == TOPO_NONE)
			vw_err(d, &nerr, h->intent_pos, "virtual hub '%s': "
			    "routing_intent names the firewall, but the hub "
			    "has none (a secured hub needs firewall:) [vwan]",
			    h->name);
		if (topo_vnet_find(t, h->name) != h->vnet &&
		    topo_vnet_find(t, h->name) != TOPO_NONE)
			vw_err(d, &nerr, h->pos, "virtual hub '%s' has the "
			    "name of a vnet", h->name);
		for (k = 0; k < h->ncircuits; k++) {
			const struct circuit *ci = &t->circuits[h->circuits[k]];

			if (ci->vnet != h->vnet)
				vw_err(d, &nerr, h->pos, "virtual hub '%s': "
				    "circuit '%s' connects to gateway '%s' of "
				    "vnet '%s'; a circuit of a hub has no vnet "
				    "gateway [vwan]", h->name, ci->name,
				    ci->gateway, ci->vnet != TOPO_NONE ?
				    t->vnets[ci->vnet].name : "?");
		}
		for (k = 0; k < h->nsites; k++) {
			const struct vpn_site *vs = &t->vpn_sites[h->sites[k]];

			if (vs->gateway != h->vpn_gw)
				vw_err(d, &nerr, vs->pos, "vpn site '%s' is "
				    "listed by virtual hub '%s' and connects "
				    "to gateway '%s' too: one gateway [vwan]",
				    vs->name, h->name, vs->gateway !=
				    TOPO_NONE ? t->gateways[vs->gateway].name
				    : "?");
		}
		for (k = 0; k < h->nconns; k++) {
			c = &h->conns[k];
			if (c->vnet == TOPO_NONE)
				continue;
			/* [vwan]: a VNet with its own gateway (or Route
			 * Server) cannot connect to a hub. */
			if (topo_vnet_has_gateways(t, c->vnet))
				vw_err(d, &nerr, c->pos, "virtual hub '%s': "
				    "vnet '%s' has a gateway or route server of "
				    "its own and cannot be connected to a hub "
				    "[vwan]", h->name, t->vnets[c->vnet].name);
			else if (space_overlaps(&t->vnets[c->vnet], h->prefix))
				vw_err(d, &nerr, c->pos, "virtual hub '%s': "
				    "vnet '%s' overlaps the hub's prefix %s "
				    "[vwan]", h->name, t->vnets[c->vnet].name,
				    pfx_format(h->prefix, pf));
			else if (topo_transit_hub(t, c->vnet, NULL) !=
				 TOPO_NONE)
				vw_err(d, &nerr, c->pos, "virtual hub '%s': "
				    "vnet '%s' uses the remote gateways of a "
				    "peer and cannot be connected to a hub too "
				    "[vwan]", h->name, t->vnets[c->vnet].name);
			/* [vwan]: one hub per VNet. */
			for (j = 0; j <= i; j++) {
				o = &t->vhubs[j];
				for (m = 0; m < (j == i ? k : o->nconns); m++)
					if (o->conns[m].vnet == c->vnet)
						break;
				if (m < (j == i ? k : o->nconns)) {
					vw_err(d, &nerr, c->pos, "vnet '%s' is "
					    "connected to virtual hub '%s' "
					    "already (line %d): a vnet connects "
					    "to one hub [vwan]",
					    t->vnets[c->vnet].name, o->name,
					    o->conns[m].pos.line);
					break;
				}
			}
		}
	}
	return nerr;
}
