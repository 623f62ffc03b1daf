/*
 * onprem.c: a connection opened by a host of an on-premises site to an
 * address in Azure (MODEL.md §8).
 *
 * The host sits at its site (the scenario's onprem: behind circuits, or
 * a VPN site). The site reaches a VNet only through a gateway that
 * advertises it: a circuit's ExpressRoute gateway for onprem:, the VPN
 * gateway of the site's connection, and through gateway transit the hub's
 * gateway for its spokes. The packet crosses the circuit or the tunnel
 * and the gateway, and is then routed by the GatewaySubnet's effective
 * routes when the hub has that subnet [udr]: a user route there can send
 * it through an appliance (on-premises to a spoke through a hub
 * firewall). Without a GatewaySubnet in the scenario the gateway delivers
 * into the VNet's fabric. The destination's inbound NSGs decide the flow.
 * The answer is reply_walk's: it leaves the VM by its subnet's routes and
 * must come back to the host through the same site; a stateful appliance
 * the request crossed and the answer bypasses drops it.
 */
#include <stdio.h>
#include <string.h>

#include "sim/services.h"
#include "sim/walkint.h"
#include "topology/estate.h"

/*
 * MODEL §8 [rs]: with branch-to-branch on, the Route Server of gateway
 * gi's VNet exchanges routes with the gateway, so the site learns what
 * its peers advertise (a default aside): the peer whose prefix holds ip,
 * longest first; TOPO_NONE if none.
 */
static const struct rs_peer *
branch_peer(const struct topo *t, size_t gi, uint32_t ip)
{
	const struct route_server *rs;
	const struct rs_peer *best = NULL;
	size_t ri, i, k;
	int len = -1;

	if (gi == TOPO_NONE ||
	    (ri = topo_route_server_of_vnet(t, t->gateways[gi].vnet)) ==
	    TOPO_NONE || !(rs = &t->route_servers[ri])->branch_to_branch)
		return NULL;
	for (i = 0; i < rs->npeers; i++)
		for (k = 0; k < rs->peers[i].nadvertised; k++) {
			struct pfx p = rs->peers[i].advertised[k];

			if (p.len > 0 && (int)p.len > len &&
			    pfx_contains_ip(p, ip)) {
				best = &rs->peers[i];
				len = p.len;
			}
		}
	return best;
}

/* The gateway the site reaches ip through (*ci: the circuit for
 * onprem:), TOPO_NONE if no gateway connected to the site advertises
 * it: a VNet behind the gateway (*vn), or, with branch-to-branch, a
 * prefix a Route Server peer advertises (*vn the gateway's VNet). */
static size_t
site_gateway(const struct topo *t, size_t site, uint32_t ip, size_t *ci,
	     size_t *vn)
{
	size_t i, gi;

	*ci = TOPO_NONE;
	if (site != TOPO_NONE) {
		gi = t->vpn_sites[site].gateway;
		*vn = topo_vnet_behind(t, gi, ip);
		if (*vn == TOPO_NONE && branch_peer(t, gi, ip) != NULL)
			*vn = t->gateways[gi].vnet;
		return *vn != TOPO_NONE ? gi : TOPO_NONE;
	}
	for (i = 0; i < t->ncircuits; i++) {
		if (t->circuits[i].vnet == TOPO_NONE)
			continue;
		gi = t->vnets[t->circuits[i].vnet].gw;
		if ((*vn = topo_vnet_behind(t, gi, ip)) != TOPO_NONE ||
		    (branch_peer(t, gi, ip) != NULL &&
		     (*vn = t->gateways[gi].vnet) != TOPO_NONE)) {
			*ci = i;
			return gi;
		}
	}
	/* A VPN gateway without sites serves onprem: (the old meaning). */
	for (gi = 0; gi < t->ngateways; gi++) {
		bool any;

		if (t->gateways[gi].type != GW_VPN)
			continue;
		(void)topo_site_for(t, gi, ip, &any);
		if (!any && (*vn = topo_vnet_behind(t, gi, ip)) != TOPO_NONE)
			return gi;
	}
	return TOPO_NONE;
}

void
onprem_walk(struct walk *w)
{
	const struct topo *t = w->t;
	const struct flow *f = w->f;
	uint32_t dst = pkt_dst(w->p), host = pkt_src(w->p);
	size_t site = f->from_site, ci, gi, vn, gs, vm;
	const char *sname = topo_site_name(t, site), *gw;
	const struct rs_peer *peer;
	char a[IP_STRLEN], b[IP_STRLEN];
	struct hop *h;

	ip_format(host, a);
	ip_format(dst, b);
	walk_path(w, a);
	h = walk_hop(w, HOP_SEND, a, "send %s",
	    ta_lit(w->proto == PROTO_TCP ? "TCP SYN" : "UDP datagram"));
	hop_why(w, h, "flow %s: a host of on-premises site %s opens a "
	    "connection to %s (%s)", ta_s(f->name), ta_s(sname), ta_s(f->to),
	    ta_ip(dst));
	walk_xing(w, CAP_HOST, a, LINK_COUNT);
	w->site = site;
	walk_path(w, sname);
	walk_xing(w, CAP_ONPREM_INSIDE, sname, LINK_ONPREM);
	gi = site_gateway(t, site, dst, &ci, &vn);
	if (gi == TOPO_NONE) {
		h = walk_drop(w, sname, "onprem-no-route");
		hop_why(w, h, "no gateway connected to %s advertises %s: the "
		    "site has no route into Azure for it", ta_s(sname),
		    ta_ip(dst));
		return;
	}
	gw = t->gateways[gi].name;
	peer = topo_vnet_holds(t, vn, dst) ? NULL : branch_peer(t, gi, dst);
	if (peer != NULL) {
		h = walk_hop(w, HOP_ONPREM, sname, "%s: %s, over %s",
		    ta_lit(site == TOPO_NONE ? "customer edge" : "site"),
		    ta_ip(dst),
		    ta_lit(ci != TOPO_NONE ? "private peering" : "the VPN"));
		hop_why(w, h,
		    "Route Server peer %s advertises it and branch-to-"
		    "branch is on: gateway %s advertises it on-premises "
		    "[rs]", ta_s(peer->name), ta_s(gw));
	} else {
		h = walk_hop(w, HOP_ONPREM, sname,
		    "%s: %s is in VNet %s, over %s",
		    ta_lit(site == TOPO_NONE ? "customer edge" : "site"),
		    ta_ip(dst), ta_s(t->vnets[vn].name),
		    ta_lit(ci != TOPO_NONE ? "private peering" : "the VPN"));
		hop_why(w, h, "gateway %s advertises VNet %s's address space%s "
		    "[%s]", ta_s(gw), ta_s(t->vnets[vn].name),
		    ta_lit(t->vnets[vn].hub != vn ?
		    " (gateway transit) [peer]" : ""),
		    ta_lit(ci != TOPO_NONE ? "udr" : "vpn-ft"));
	}
	if (ci != TOPO_NONE) {
		walk_path(w, t->circuits[ci].name);
		if (pkt_dec_ttl(w->p) == 0) {
			walk_drop(w, t->circuits[ci].name, "ttl-exceeded");
			return;
		}
		walk_xing(w, CAP_CIRCUIT_PRIVATE, t->circuits[ci].name,
			  LINK_ONPREM);
	}
	walk_path(w, gw);
	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, gw, "ttl-exceeded");
		return;
	}
	walk_gateway_xing(w, gw, 0, ci != TOPO_NONE ? LINK_CIRCUIT
						    : LINK_INTERNET);
	w->via_gateway = true;
	w->vnet = t->gateways[gi].vnet;
	gs = walk_gateway_subnet(w, w->vnet);
	if (gs == TOPO_NONE && peer != NULL) {
		h = walk_drop(w, gw, "no-route");
		hop_why(w, h, "the packet is for a Route Server peer's prefix: "
		    "the gateway routes it by its GatewaySubnet's "
		    "effective routes, and the scenario gives VNet %s no "
		    "GatewaySubnet", ta_s(t->vnets[w->vnet].name));
		return;
	}
	if (gs == TOPO_NONE) {
		vm = sim_vm_by_ip(w->s, dst);
		if (vm == TOPO_NONE || t->vms[vm].vnet != vn) {
			h = walk_drop(w, gw, "no-host");
			hop_why(w, h, "no NIC has address %s in VNet %s",
			    ta_ip(dst), ta_s(t->vnets[vn].name));
			return;
		}
		h = walk_hop(w, HOP_GATEWAY, gw, "gateway: into VNet %s",
		    ta_s(t->vnets[vn].name));
		hop_why(w, h,
		    "the scenario gives VNet %s no GatewaySubnet: the "
		    "gateway delivers into the fabric",
		    ta_s(t->vnets[w->vnet].name));
		walk_deliver_from_gateway(w, gw, vm);
		return;
	}
	/* [udr]: routes on the GatewaySubnet apply to what arrives from the
	 * gateway. */
	w->subnet = gs;
	h = walk_hop(w, HOP_GATEWAY, gw,
	    "gateway: into VNet %s, routed by GatewaySubnet",
	    ta_s(t->vnets[w->vnet].name));
	hop_why(w, h, "traffic from the gateway follows the GatewaySubnet's "
	    "effective routes, its route table included [udr]");
	walk_path(w, t->vnets[w->vnet].subnets[gs].name);
	walk_route_loop(w);
}
