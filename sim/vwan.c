/*
 * vwan.c: what a Virtual WAN hub's router programs in the subnets of the
 * VNets connected to it (MODEL.md §8 [vwan]).
 *
 * A connected VNet learns, as VirtualNetworkGateway routes: the prefixes
 * of the hub's circuits (next hop the circuit's BGP next hops, the
 * MSEE) and sites (next hops the hub VPN gateway's two instances), the
 * address space of the other VNets connected to the hub (next hop the
 * hub's router), and under routing intent the firewall's routes. A
 * default route, learned from a circuit or a site or originated by the
 * secured hub's firewall (Internet routing intent), reaches the VNet only
 * when its connection propagates the default route
 * (enableInternetSecurity). Private routing intent replaces the routes
 * into RFC 1918 space by the three aggregates to the firewall. The hub's
 * own firewall uses a learned default only in forced tunnelling mode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/vwan.h"
#include "sim/walkint.h"
#include "topology/vec.h"

static const struct pfx rfc1918[] = {
	{ IP4(10, 0, 0, 0), 8 },
	{ IP4(172, 16, 0, 0), 12 },
	{ IP4(192, 168, 0, 0), 16 },
};
#define NRFC1918 (sizeof(rfc1918) / sizeof(rfc1918[0]))

static bool
in_rfc1918(struct pfx p)
{
	size_t i;

	for (i = 0; i < NRFC1918; i++)
		if (pfx_covers(rfc1918[i], p))
			return true;
	return false;
}

/* Drop the gateway routes keep() refuses (compacting the table). */
static void
filter(struct rtable *rt, bool drop_default, bool drop_private)
{
	size_t i, o = 0;

	for (i = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];
		bool gw = e->source == RT_BGP && e->vhub == TOPO_NONE;

		if (gw && ((drop_default && e->pfx.len == 0) ||
		    (drop_private && e->pfx.len > 0 && in_rfc1918(e->pfx))))
			continue;
		rt->r[o++] = *e;
	}
	rt->n = o;
}

static struct eroute *
hub_route(struct rtable *rt, size_t h, struct pfx p)
{
	struct eroute *e = rtable_add(rt, p, RT_BGP, NH_VNET_GATEWAY);

	if (e != NULL) {
		e->vhub = h;
		e->transit = true;
	}
	return e;
}

/* [vwan]: private routing intent also holds for what the hub's
 * gateways receive for a connected VNet: the firewall first (as user
 * routes of the hub's GatewaySubnet, which win over its VNet rows). */
static int
intent_from_gateways(const struct topo *t, struct rtable *rt, size_t h,
		     const struct firewall *fw)
{
	const struct vhub *vh = &t->vhubs[h];
	struct eroute *e;
	size_t k, j;

	for (k = 0; k < vh->nconns; k++) {
		const struct vnet *o;

		if (vh->conns[k].vnet == TOPO_NONE)
			continue;
		o = &t->vnets[vh->conns[k].vnet];
		for (j = 0; j < o->nspace; j++) {
			if (!in_rfc1918(o->space[j]))
				continue;
			if ((e = hub_route(rt, h, o->space[j])) == NULL)
				return -ENOMEM;
			e->source = RT_USER;
			e->nh = NH_VIRTUAL_APPLIANCE;
			e->transit = false;
			e->name = "routing-intent-private";
			e->table = vh->name;
			e->nh_ips[e->nnh++] = fw->private_ip;
		}
	}
	return 0;
}

int
vwan_routes(const struct topo *t, struct rtable *rt, size_t hub)
{
	size_t h = topo_vhub_of_vnet(t, hub), k, j;
	const struct vhub *vh;
	const struct vhub_conn *conn = NULL;
	const struct firewall *fw;
	struct eroute *e;

	if (h == TOPO_NONE)
		return 0;
	vh = &t->vhubs[h];
	fw = vh->firewall != TOPO_NONE ? &t->firewalls[vh->firewall] : NULL;
	/* [vwan]: the hub's own subnets (its firewall's): a learned default
	 * only for a firewall in forced tunnelling mode. */
	if (rt->vnet == hub) {
		filter(rt, fw == NULL || !fw->forced_tunneling, false);
		if (fw != NULL && vh->intent_private &&
		    strcmp(t->vnets[hub].subnets[rt->subnet].name,
		    "GatewaySubnet") == 0)
			return intent_from_gateways(t, rt, h, fw);
		return 0;
	}
	if (topo_vhub_connected(t, rt->vnet, &conn) != h)
		return 0;
	/* [vwan]: a default reaches the VNet only through a connection that
	 * propagates it; Internet routing intent replaces a learned one by
	 * the firewall's; private routing intent, RFC 1918 routes by the
	 * aggregates. */
	filter(rt, !conn->propagate_default || (vh->intent_internet && fw),
	       vh->intent_private && fw);
	for (k = 0; k < vh->nconns; k++) {
		const struct vnet *o;

		if (vh->conns[k].vnet == TOPO_NONE ||
		    vh->conns[k].vnet == rt->vnet)
			continue;
		o = &t->vnets[vh->conns[k].vnet];
		for (j = 0; j < o->nspace; j++) {
			if (vh->intent_private && fw && in_rfc1918(o->space[j]))
				continue;
			if ((e = hub_route(rt, h, o->space[j])) == NULL)
				return -ENOMEM;
			e->nnh = (uint8_t)vh->nrouter_ips;
			memcpy(e->nh_ips, vh->router_ips,
			       vh->nrouter_ips * sizeof(uint32_t));
		}
	}
	if (fw != NULL && vh->intent_private)
		for (k = 0; k < NRFC1918; k++) {
			if ((e = hub_route(rt, h, rfc1918[k])) == NULL)
				return -ENOMEM;
			e->nh_ips[e->nnh++] = fw->private_ip;
		}
	if (fw != NULL && vh->intent_internet && conn->propagate_default) {
		if ((e = hub_route(rt, h, pfx_make(0, 0))) == NULL)
			return -ENOMEM;
		e->nh_ips[e->nnh++] = fw->private_ip;
	}
	return 0;
}

void
vwan_words(const struct topo *t, const struct eroute *r, struct tsink *k)
{
	const struct vhub *vh = &t->vhubs[r->vhub];
	const struct firewall *fw = vh->firewall != TOPO_NONE
				    ? &t->firewalls[vh->firewall] : NULL;

	if (r->source == RT_USER)
		TSINK(k, "programmed by Virtual WAN hub %s: private routing "
		      "intent sends what its gateways receive for a connected "
		      "VNet to its firewall %s [vwan]", ta_s(vh->name),
		      ta_s(fw != NULL ? fw->name : "?"));
	else if (fw != NULL && r->nnh == 1 && r->nh_ips[0] == fw->private_ip)
		TSINK(k, "BGP, programmed by Virtual WAN hub %s: routing intent "
		      "(%s) to its firewall %s [vwan]", ta_s(vh->name),
		      ta_lit(r->pfx.len == 0 ? "Internet" : "private"),
		      ta_s(fw->name));
	else
		TSINK(k, "BGP, programmed by Virtual WAN hub %s: a VNet "
		      "connected to the hub, through its router [vwan]",
		      ta_s(vh->name));
}

bool
vwan_fw_row(const struct topo *t, const struct eroute *r)
{
	const struct vhub *vh;

	if (r->vhub == TOPO_NONE)
		return false;
	vh = &t->vhubs[r->vhub];
	return vh->firewall != TOPO_NONE && r->nnh == 1 &&
	       r->nh_ips[0] == t->firewalls[vh->firewall].private_ip;
}

size_t
walk_vhub(struct walk *w, const struct eroute *r, uint32_t nh_ip)
{
	const struct topo *t = w->t;
	const struct vhub *vh = &t->vhubs[r->vhub];
	uint32_t dst = pkt_dst(w->p);
	struct hop *h;
	size_t i, vm = TOPO_NONE;

	walk_path(w, vh->name);
	if (vwan_fw_row(t, r)) {
		h = walk_hop(w, HOP_VHUB, vh->name,
		    "virtual hub: routing intent to firewall %s",
		    ta_s(t->firewalls[vh->firewall].name));
		hop_why(w, h, "the hub's routing intent (%s) sends %s to its "
		    "firewall %s [vwan]",
		    ta_lit(r->pfx.len == 0 ? "Internet" : "private"),
		    ta_ip(dst), ta_ip(nh_ip));
		walk_xing(w, CAP_GATEWAY, vh->name, LINK_GATEWAY);
		return TOPO_NONE;
	}
	for (i = 0; i < t->nvms && vm == TOPO_NONE; i++)
		if (t->vms[i].ip == dst &&
		    topo_vhub_connected(t, t->vms[i].vnet, NULL) == r->vhub)
			vm = i;
	if (vm == TOPO_NONE) {
		h = walk_drop(w, vh->name, "no-host");
		hop_why(w, h, "no NIC has address %s in a VNet connected to "
		    "virtual hub %s [vwan]", ta_ip(dst), ta_s(vh->name));
		return TOPO_NONE;
	}
	h = walk_hop(w, HOP_VHUB, vh->name,
	    "virtual hub router %s: %s is in VNet %s", ta_ip(nh_ip), ta_ip(dst),
	    ta_s(t->vnets[t->vms[vm].vnet].name));
	hop_why(w, h, "the hub's router learned VNet %s's space from its "
	    "connection and routes between the VNets connected to the "
	    "hub [vwan]", ta_s(t->vnets[t->vms[vm].vnet].name));
	walk_xing(w, CAP_GATEWAY, vh->name, LINK_GATEWAY);
	w->vnet = t->vms[vm].vnet;
	w->subnet = t->vms[vm].subnet;
	walk_xing(w, CAP_FABRIC, t->vnets[w->vnet].name, LINK_GATEWAY);
	return vm;
}

/* The template and name that say where hub vh's default route comes
 * from, or NULL when it has none. */
static const char *
hub_default(const struct topo *t, const struct vhub *vh, const char **name)
{
	size_t k, j;

	if (vh->firewall != TOPO_NONE && vh->intent_internet) {
		*name = t->firewalls[vh->firewall].name;
		return "routing intent to firewall %s";
	}
	for (k = 0; k < vh->ncircuits; k++) {
		const struct circuit *c = &t->circuits[vh->circuits[k]];

		for (j = 0; j < c->nadvertised; j++)
			if (c->advertised[j].len == 0) {
				*name = c->name;
				return "from circuit %s";
			}
	}
	for (k = 0; k < vh->nsites; k++) {
		const struct vpn_site *s = &t->vpn_sites[vh->sites[k]];

		for (j = 0; j < s->nadvertised; j++)
			if (s->bgp && s->advertised[j].len == 0) {
				*name = s->name;
				return "from VPN site %s";
			}
	}
	return NULL;
}

void
walk_vhub_default_note(struct walk *w, struct hop *h, const struct rtable *rt)
{
	const struct topo *t = w->t;
	const struct vhub_conn *conn = NULL;
	size_t hub = topo_vhub_connected(t, rt->vnet, &conn);
	const char *from, *name = NULL;

	if (hub == TOPO_NONE || conn->propagate_default || rt->bgp_disabled ||
	    (from = hub_default(t, &t->vhubs[hub], &name)) == NULL)
		return;
	hop_why_more(w, h, "; virtual hub %s has a default route (",
	    ta_s(t->vhubs[hub].name));
	hop_why_more(w, h, from, ta_s(name));
	hop_why_more(w, h, ") that the connection of VNet %s does not "
	    "propagate (propagate_default_route: false) [vwan]",
	    ta_s(t->vnets[rt->vnet].name));
}
