/*
 * beyond.c: the request's walk past a VNet's gateways (MODEL.md §2, §3,
 * §8): through an ExpressRoute gateway and circuit, or a VPN gateway and
 * tunnel, to the on-premises side (the scenario's onprem: or a VPN site):
 * its hosts, public peering back into Azure, its Internet edge; and what
 * turns around before on-premises (the Microsoft edge, a VPN gateway
 * serving the destination's VNet). walk.c's route decisions lead here;
 * each function cites the rule it applies and writes the lines that say
 * why.
 */
#include <stdio.h>
#include <string.h>

#include "sim/services.h"
#include "sim/walkint.h"
#include "topology/estate.h"

/* From gateway gw into VM vm's VNet, to its NIC (inbound NSGs apply). */
void
walk_deliver_from_gateway(struct walk *w, const char *gw, size_t vm)
{
	const struct topo *t = w->t;
	const struct vm *v = &t->vms[vm];

	w->vnet = v->vnet;
	w->subnet = v->subnet;
	walk_xing(w, CAP_FABRIC, t->vnets[v->vnet].name, LINK_GATEWAY);
	walk_path(w, topo_vm_subnet(t, v)->name);
	walk_reach_vm(w, vm, "from gateway %s into VNet %s (the scenario "
	    "gives the gateway's VNet no GatewaySubnet whose routes would "
	    "steer it)", ta_s(gw), ta_s(t->vnets[v->vnet].name));
}

/* A peering that brings a packet back into Azure: its word in the
 * trace, its capture point, the source it cites, and the names of its
 * NAT and of the arrival. */
struct backpeer {
	const char *word, *cite, *who, *how;
	enum cap_kind kind;
};

static const struct backpeer back_public = {
	"public", "[seed-000]", "the customer edge's public peering NAT",
	"arrived over public peering", CAP_CIRCUIT_PUBLIC
};
static const struct backpeer back_microsoft = {
	"Microsoft", "[er-ms]", "the customer edge's Microsoft peering NAT",
	"arrived over Microsoft peering", CAP_CIRCUIT_MICROSOFT
};

/*
 * The customer-side hairpin (MODEL §3, §8): the customer edge SNATs the
 * packet to the first host of a peering's NAT pool and sends it back to
 * Azure over peering bp. The SNAT line's why (why, its arguments a)
 * says why the edge routes it there.
 */
static void
hairpin_back(struct walk *w, const struct circuit *c, struct pfx pool,
	     const struct backpeer *bp, const char *name, const char *why,
	     const struct targ *a)
{
	uint32_t src = pkt_src(w->p);
	uint32_t nat = pool.len < 31 ? pool.addr + 1 : pool.addr;
	struct hop *h;

	pkt_set_src(w->p, nat, pkt_sport(w->p));
	h = walk_hop(w, HOP_NAT, name, "customer edge: SNAT %s -> %s, send "
	    "over %s peering", ta_ip(src), ta_ip(nat), ta_lit(bp->word));
	hop_why_(w, h, why, a);
	w->r->hairpin = HAIRPIN_CUSTOMER;
	walk_path(w, c->name);
	h = walk_hop(w, HOP_CIRCUIT, c->name, "%s peering (customer edge -> "
	    "MSEE): second crossing of the circuit", ta_lit(bp->word));
	hop_why(w, h, "customer-side hairpin: forced tunneling brought the "
	    "packet on-premises, %s peering returns it to Azure %s",
	    ta_lit(bp->word), ta_lit(bp->cite));
	walk_xing(w, bp->kind, c->name, LINK_CIRCUIT);
	walk_nat_record(w, bp->who, src, pkt_sport(w->p));
	walk_arrive(w, bp->how, LINK_BACKBONE, ARR_AZURE);
}

/* Over circuit ci's Microsoft peering, when its route filter brings
 * the destination's region: true when the walk went that way. */
static bool
ms_peering(struct walk *w, size_t ci, const char *name)
{
	const struct circuit *c = &w->t->circuits[ci];
	uint32_t dst = pkt_dst(w->p);
	const char *region;

	if (!c->microsoft_peering || c->nms_nat_pool == 0 ||
	    (region = ms_peering_region(w->t, c, dst)) == NULL)
		return false;
	hairpin_back(w, c, c->ms_nat_pool[0], &back_microsoft, name,
	    TARGS("%s is in %s, a region the route filter names: Microsoft "
	    "advertises its prefixes over Microsoft peering, and traffic into "
	    "it is SNATed to the NAT pool %s [er-ms]", ta_ip(dst),
	    ta_s(region), ta_pfx(c->ms_nat_pool[0]), ta_end()));
	return true;
}

/* The on-premises side: the scenario's onprem: behind a circuit
 * (site TOPO_NONE) or a VPN site (MODEL §8 [vpn-ft]: on-premises for the
 * walk): its edge, then its hosts, public peering back into Azure (a
 * circuit's), or its Internet edge. */
static void
onprem_ce(struct walk *w, size_t ci, size_t site, enum link_kind link)
{
	const struct topo *t = w->t;
	const struct onprem *op = &t->onprem;
	const char *name = topo_site_name(t, site);
	uint32_t dst = pkt_dst(w->p), src = pkt_src(w->p), edge;
	struct pfx which;
	struct hop *h;
	size_t i;

	w->site = site;
	if (!topo_site_present(t, site)) {
		h = walk_drop(w, "onprem", "onprem-no-route");
		hop_why(w, h,
		    "the scenario describes no on-premises site behind "
		    "the circuit");
		return;
	}
	walk_path(w, name);
	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, name, "ttl-exceeded");
		return;
	}
	walk_xing(w, CAP_ONPREM_INSIDE, name, link);
	/* MODEL §3: the customer edge delivers on-premises prefixes; MODEL
	 * §8: a VPN site, its own. */
	if (topo_site_covers(t, site, dst, &which)) {
		if (site == TOPO_NONE) {
			h = walk_hop(w, HOP_ONPREM, name,
			    "customer edge: %s is on-premises", ta_ip(dst));
			hop_why(w, h, "on-premises prefix %s", ta_pfx(which));
		} else {
			h = walk_hop(w, HOP_ONPREM, name,
			    "site %s: %s is at the site", ta_s(name),
			    ta_ip(dst));
			hop_why(w, h, "prefix %s of VPN site %s [vpn-ft]",
			    ta_pfx(which), ta_s(name));
		}
		walk_arrive(w, "on-premises host", LINK_ONPREM, ARR_ONPREM);
		return;
	}
	/* A private address the site does not hold: the gateways on the
	 * way turned back what Azure advertises (to_circuit, to_site). */
	if (ip_private(dst)) {
		h = walk_drop(w, name, "onprem-no-route");
		hop_why(w, h, "%s is a private address that is neither "
		    "on-premises nor in a VNet the gateway advertises: "
		    "the edge has no route for it", ta_ip(dst));
		return;
	}
	/* MODEL §8 [er-ms]: Microsoft peering brings back the prefixes of
	 * the regions its route filter names, and only those; traffic into
	 * it is SNATed to the customer's registered NAT pool. */
	if (ci != TOPO_NONE && ms_peering(w, ci, name))
		return;
	/* MODEL §3: with public peering the CE routes Azure public prefixes
	 * back over it, SNATed to the peering's NAT pool [er-nat]; with the
	 * packet arriving over private peering this is the customer-side
	 * hairpin. */
	if (ci != TOPO_NONE && t->circuits[ci].public_peering &&
	    walk_azure_public(w, dst)) {
		hairpin_back(w, &t->circuits[ci], t->circuits[ci].nat_pool[0],
		    &back_public, name, TARGS("%s is in an Azure public prefix "
		    "Microsoft advertises over public peering; traffic into "
		    "public peering is SNATed to the NAT pool %s [er-nat]",
		    ta_ip(dst), ta_pfx(t->circuits[ci].nat_pool[0]), ta_end()));
		return;
	}
	/* MODEL §3: otherwise the CE's default route leads to the
	 * on-premises Internet edge, which filters and SNATs. */
	for (i = 0; site == TOPO_NONE && i < op->nblocks; i++) {
		const struct onprem_block *bk = &op->blocks[i];
		bool pmatch = false, amatch = bk->dst.any;
		size_t k;

		for (k = 0; k < bk->dports.n; k++)
			pmatch |= pkt_dport(w->p) >= bk->dports.r[k].lo &&
				  pkt_dport(w->p) <= bk->dports.r[k].hi;
		for (k = 0; k < bk->dst.n; k++)
			amatch |= !bk->dst.items[k].is_tag &&
				  pfx_contains_ip(bk->dst.items[k].pfx, dst);
		if ((bk->proto & w->proto) && pmatch && amatch) {
			h = walk_drop(w, name, "onprem-blocked");
			hop_why(w, h, "the on-premises Internet edge's egress "
			    "filter (line %d) blocks %s port %u",
			    ta_d(bk->pos.line), ta_lit(proto_name(w->proto)),
			    ta_u(pkt_dport(w->p)));
			return;
		}
	}
	if (!topo_site_edge(t, site, &edge)) {
		h = walk_drop(w, name, "onprem-no-route");
		hop_why(w, h,
		    "%s has no internet_edge_ip: no way to the Internet",
		    ta_s(name));
		return;
	}
	walk_edge_snat(w, site, edge, LINK_ONPREM);
	walk_nat_record(w, "the on-premises edge NAT", src, pkt_sport(w->p));
	walk_path(w, "internet");
	walk_arrive(w, "carried over the Internet from the on-premises edge",
	       LINK_INTERNET, walk_azure_public(w, dst) ? ARR_AZURE
						       : ARR_INTERNET);
}

/*
 * What arrives from gateway gi follows the routes of its VNet's
 * GatewaySubnet [udr]: true, with the walk placed there, when the
 * scenario has one; false when the gateway delivers straight into the
 * fabric.
 */
static bool
into_gateway_subnet(struct walk *w, size_t gi)
{
	const struct topo *t = w->t;
	size_t gv = t->gateways[gi].vnet, gs = walk_gateway_subnet(w, gv);
	struct hop *h;

	if (gs == TOPO_NONE)
		return false;
	h = walk_hop(w, HOP_GATEWAY, t->gateways[gi].name,
	    "gateway: into VNet %s, routed by GatewaySubnet",
	    ta_s(t->vnets[gv].name));
	hop_why(w, h, "traffic from the gateway follows the GatewaySubnet's "
	    "effective routes, its route table included [udr]");
	w->via_gateway = true;
	w->vnet = gv;
	w->subnet = gs;
	w->sender = TOPO_NONE;
	walk_xing(w, CAP_FABRIC, t->vnets[gv].name, LINK_GATEWAY);
	return true;
}

/*
 * MODEL §2 VirtualNetworkGateway: to the circuit and on-premises. A
 * destination in a VNet the gateway advertises (a spoke, through
 * transit) turns around at the Microsoft edge, which learned that VNet
 * from the same gateway: the spoke-to-spoke hairpin of a learned default
 * (docs/model.md §8).
 */
bool
walk_to_circuit(struct walk *w, size_t ci, const struct eroute *r,
		uint32_t nh_ip)
{
	const struct topo *t = w->t;
	const struct circuit *c = &t->circuits[ci];
	size_t vm = walk_vm_behind_gateway(w, t->vnets[c->vnet].gw);
	struct hop *h;

	if (vm == TOPO_NONE) {
		if (walk_circuit_hops(w, ci, r, nh_ip))
			onprem_ce(w, ci, TOPO_NONE, LINK_ONPREM);
		return false;
	}
	if (!walk_gateway_to_circuit(w, ci))
		return false;
	w->r->hairpin = HAIRPIN_AZURE;
	h = walk_hop(w, HOP_CIRCUIT, c->name,
	    "MSEE: %s is in VNet %s, back to gateway %s", ta_ip(pkt_dst(w->p)),
	    ta_s(t->vnets[t->vms[vm].vnet].name), ta_s(c->gateway));
	hop_why(w, h, "the Microsoft edge learned VNet %s's space from gateway "
	    "%s%s, a longer match than the default: the packet turns "
	    "around at the MSEE and never reaches on-premises [peer]",
	    ta_s(t->vnets[t->vms[vm].vnet].name), ta_s(c->gateway),
	    ta_lit(c->vnet != t->vms[vm].vnet ? " (gateway transit)" : ""));
	walk_xing(w, CAP_CIRCUIT_PRIVATE, c->name, LINK_CIRCUIT);
	walk_path(w, c->gateway);
	walk_gateway_xing(w, c->gateway, 0, LINK_CIRCUIT);
	if (into_gateway_subnet(w, t->vnets[c->vnet].gw))
		return true;
	walk_deliver_from_gateway(w, c->gateway, vm);
	return false;
}

/* MODEL §8 [vpn-ft] [vpn-aa]: through the VPN gateway (the instance
 * nh_ip when active-active) over the site-to-site tunnel to the site. */
bool
walk_to_site(struct walk *w, size_t si, uint32_t nh_ip, const char *why)
{
	const struct topo *t = w->t;
	const struct vpn_site *v = &t->vpn_sites[si];
	const struct gateway *g = &t->gateways[v->gateway];
	struct hop *h;
	size_t vm;

	walk_path(w, g->name);
	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, g->name, "ttl-exceeded");
		return false;
	}
	if (g->active_active && nh_ip)
		h = walk_hop(w, HOP_GATEWAY, g->name, "VPN gateway, instance "
		    "%s: tunnel to site %s", ta_ip(nh_ip), ta_s(v->name));
	else
		h = walk_hop(w, HOP_GATEWAY, g->name,
		    "VPN gateway: tunnel to site %s", ta_s(v->name));
	hop_why(w, h, "%s", ta_s(why));
	walk_gateway_xing(w, g->name, nh_ip, LINK_GATEWAY);
	/* A VPN gateway routes between the VNets it serves itself: a
	 * spoke's packet for another spoke never enters the tunnel. */
	if ((vm = walk_vm_behind_gateway(w, v->gateway)) != TOPO_NONE) {
		h = walk_hop(w, HOP_GATEWAY, g->name,
		    "VPN gateway: %s is in VNet %s", ta_ip(pkt_dst(w->p)),
		    ta_s(t->vnets[t->vms[vm].vnet].name));
		hop_why(w, h, "the gateway routes to the VNets it serves "
		    "(gateway transit) before its tunnels [peer]");
		if (into_gateway_subnet(w, v->gateway))
			return true;
		walk_deliver_from_gateway(w, g->name, vm);
		return false;
	}
	onprem_ce(w, TOPO_NONE, si, LINK_INTERNET);
	return false;
}

/*
 * MODEL §1 User and §8 [vpn-ft]: a user route to VirtualNetworkGateway
 * uses the VNet's VPN gateway (its hub's, through gateway transit): the
 * site whose prefixes hold the destination, else the gateway's default
 * site; without one, the route cannot be used. A VPN gateway without
 * sites leads to the scenario's onprem:. An ExpressRoute gateway cannot
 * be a UDR target.
 */
bool
walk_user_to_gateway(struct walk *w, const char *sname)
{
	const struct topo *t = w->t;
	size_t hub = t->vnets[w->vnet].hub, gi, site;
	const struct gateway *g;
	struct hop *h;
	bool any;

	gi = hub != TOPO_NONE ? t->vnets[hub].gw : TOPO_NONE;
	if (gi == TOPO_NONE) {
		h = walk_drop(w, sname, "udr-gateway-unusable");
		hop_why(w, h,
		    "a user route with next hop VirtualNetworkGateway, "
		    "but VNet %s has no gateway%s [udr]",
		    ta_s(t->vnets[w->vnet].name),
		    ta_lit(hub != TOPO_NONE && hub != w->vnet ?
		    " and its hub none either" : ""));
		return false;
	}
	g = &t->gateways[gi];
	if (g->type == GW_EXPRESSROUTE) {
		h = walk_drop(w, sname, "udr-gateway-unusable");
		hop_why(w, h,
		    "a user route with next hop VirtualNetworkGateway "
		    "needs a VPN gateway; an ExpressRoute gateway cannot be "
		    "a UDR target [udr]");
		return false;
	}
	site = topo_site_for(t, gi, pkt_dst(w->p), &any);
	if (!any) {
		walk_path(w, g->name);
		h = walk_hop(w, HOP_GATEWAY, g->name,
		    "VPN gateway: to on-premises");
		hop_why(w, h, "user route to the VNet's VPN gateway [udr]");
		walk_gateway_xing(w, g->name, 0, LINK_GATEWAY);
		onprem_ce(w, TOPO_NONE, TOPO_NONE, LINK_INTERNET);
		return false;
	}
	if (site == TOPO_NONE) {
		h = walk_drop(w, sname, "udr-gateway-unusable");
		hop_why(w, h,
		    "a user route to VPN gateway %s, but no site of it "
		    "holds %s and it has no default site "
		    "(GatewayDefaultSite): the route cannot be used "
		    "[vpn-ft]", ta_s(g->name), ta_ip(pkt_dst(w->p)));
		return false;
	}
	return walk_to_site(w, site, 0, g->default_site == site &&
		!topo_site_covers(t, site, pkt_dst(w->p), &(struct pfx){ 0, 0 })
		? "user route to the VPN gateway, which sends what no site "
		  "holds to its default site (GatewayDefaultSite) [vpn-ft]"
		: "user route to the VPN gateway; the site's prefixes hold "
		  "the destination [vpn-ft]");
}
