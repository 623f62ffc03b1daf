/*
 * reply.c: the destination's answer, walked home (MODEL §7).
 *
 * The reply is not the request's path read backwards: it starts where the
 * request arrived, addressed to the source the destination saw, and each
 * place on its way routes it by what the model knows there. Public
 * addresses go to whoever owns them (a NAT that translated the request, or
 * nobody); on-premises sends Azure's private addresses over the circuit
 * whose gateway advertises them; inside Azure the subnet's effective routes
 * decide, appliances included. Every NAT on the way must hold the
 * translation it made for the request (NAT is stateful) and undoes it.
 * At home the VM accepts the answer only if it comes from the address and
 * port it sent to; a stateful appliance that sees one direction only
 * drops the connection. Either case is an asymmetric route: the flow fails
 * as it would in Azure.
 */
#include <stdio.h>
#include <string.h>

#include "sim/services.h"
#include "sim/vwan.h"
#include "sim/walkint.h"
#include "topology/estate.h"

/* Where the reply is. */
enum rloc {
	RL_PUBLIC,		/* a public address, on the Internet or backbone */
	RL_ONPREM,		/* at the customer edge, private destination */
	RL_FABRIC,		/* in a VNet's fabric: deliver to the NIC */
	RL_SUBNET,		/* leaving a NIC: route by its subnet */
};

/* The translation whose outside is the reply's destination. */
static const struct natrec *
nat_find(const struct flow_result *r, uint32_t ip, uint16_t port)
{
	size_t i;

	for (i = r->nnat; i-- > 0;)
		if (r->nat[i].outside == ip && r->nat[i].outside_port == port)
			return &r->nat[i];
	return NULL;
}

/* Undo translation n on the reply (destination back to the inside). */
static void
nat_undo(struct walk *w, const struct natrec *n, const char *node)
{
	struct hop *h;

	pkt_set_dst(w->p, n->inside, n->inside_port);
	h = walk_hop(w, HOP_NAT, node, "un-NAT %s -> %s", ta_ip(n->outside),
	    ta_ip(n->inside));
	hop_why(w, h, "%s translated the request; its state maps %s:%u back "
	    "[nat]", ta_pool(n->who), ta_ip(n->outside),
	    ta_u(n->outside_port));
}

/* Did the request cross point? */
static bool
request_crossed(const struct walk *w, uint32_t point)
{
	const struct flow_result *r = w->r;
	size_t i;

	for (i = 0; i < r->nxing; i++)
		if (!r->xing[i].reply && r->xing[i].point == point)
			return true;
	return false;
}

/* The appliance or firewall the request crossed that the reply did not:
 * its name into buf, or NULL. */
static const char *
appliance_missed(const struct walk *w, char *buf, size_t len)
{
	const struct flow_result *r = w->r;
	const char *name;
	enum cap_kind kind;
	size_t i, k, n;

	for (i = 0; i < r->nxing; i++) {
		const struct xing *x = &r->xing[i];
		bool seen = false;

		if (x->reply)
			continue;
		kind = walk_point_kind(w, x->point);
		if (kind != CAP_APPLIANCE && kind != CAP_FIREWALL_INSIDE)
			continue;
		for (k = 0; k < r->nxing; k++)
			seen |= r->xing[k].reply &&
				r->xing[k].point == x->point;
		if (seen)
			continue;
		/* "appliance-NAME", "firewall-NAME-inside": the NAME. */
		name = walk_point_name(w, x->point);
		name += strlen(cap_kind_name(kind)) + 1;
		n = strlen(name);
		if (kind == CAP_FIREWALL_INSIDE && n >= strlen("-inside"))
			n -= strlen("-inside");
		snprintf(buf, len, "%.*s", (int)n, name);
		return buf;
	}
	return NULL;
}

static void
asymmetric(struct walk *w, const char *node, const char *reason)
{
	w->r->asymmetric = true;
	(void)walk_drop(w, node, reason);
}

/* The reply at the flow's own NIC. */
static void
home(struct walk *w, enum link_kind link)
{
	const struct topo *t = w->t;
	const struct flow_result *r = w->r;
	const struct vm *v = &t->vms[w->f->vm];
	char mbuf[SIM_NODE_LEN];
	const char *missed;
	struct hop *h;

	walk_path(w, v->name);
	walk_xing(w, CAP_NIC, v->name, link);
	/* The VM's TCP/IP stack matches the answer to what it sent. */
	if (pkt_src(w->p) != r->dst || pkt_sport(w->p) != w->f->port ||
	    pkt_dport(w->p) != r->sport) {
		h = walk_hop(w, HOP_ANSWER, v->name,
		    "reply from %s:%u, but %s sent to %s:%u",
		    ta_ip(pkt_src(w->p)), ta_u(pkt_sport(w->p)), ta_s(v->name),
		    ta_ip(r->dst), ta_u(w->f->port));
		hop_why(w, h,
		    "the answer came back another way than the request "
		    "went and carries another source: the VM's stack "
		    "drops it (asymmetric routing)");
		asymmetric(w, v->name, "reply-mismatch");
		return;
	}
	/* A stateful appliance that saw the request but not the reply
	 * never completes the connection. */
	if ((missed = appliance_missed(w, mbuf, sizeof(mbuf))) != NULL) {
		h = walk_hop(w, HOP_ANSWER, v->name,
		    "reply bypassed appliance %s", ta_s(missed));
		hop_why(w, h, "the request crossed appliance %s, the reply did "
		    "not: a stateful appliance sees half the connection "
		    "and drops what follows (asymmetric routing) [udr]",
		    ta_s(missed));
		asymmetric(w, v->name, "asymmetric-appliance");
		return;
	}
	w->r->reply_delivered = true;
	w->done = true;
	h = walk_hop(w, HOP_DELIVER, v->name,
	    "reply delivered to %s from %s:%u", ta_s(v->name),
	    ta_ip(pkt_src(w->p)), ta_u(pkt_sport(w->p)));
	hop_why(w, h,
	    "return traffic of a connection the NSGs allowed: NSGs are "
	    "stateful [nsg]");
}

/* Did the reply cross point before crossing number end? (a loop among
 * appliances) */
static bool
reply_crossed_before(const struct walk *w, uint32_t point, int end)
{
	const struct flow_result *r = w->r;
	int i;

	for (i = 0; i < end; i++)
		if (r->xing[i].reply && r->xing[i].point == point)
			return true;
	return false;
}

/* In a VNet's fabric: hand the reply to the NIC that owns its
 * destination. Returns the next place (*vm: the appliance that forwards
 * it), or -1 when the walk ends. */
static int
fabric(struct walk *w, size_t *vm)
{
	const struct topo *t = w->t;
	uint32_t dst = pkt_dst(w->p);
	size_t o = walk_vm_at(w, dst, w->vnet), fi;
	const struct natrec *n;
	const struct vm *v;
	struct hop *h;

	if (o != TOPO_NONE &&
	    !walk_peering_ok(w, w->vnet, t->vms[o].vnet,
			     t->vnets[w->vnet].name))
		return -1;
	if (o == w->f->vm) {
		home(w, LINK_VNET);
		return -1;
	}
	/* MODEL §8 [fw-snat]: addressed to the SNAT of an Azure Firewall. */
	if (o == TOPO_NONE &&
	    (fi = topo_firewall_at(t, dst, w->vnet)) != TOPO_NONE &&
	    (n = nat_find(w->r, dst, pkt_dport(w->p))) != NULL) {
		if (!reply_firewall(w, fi, n, LINK_VNET))
			return -1;
		*vm = TOPO_NONE;
		return RL_SUBNET;
	}
	if (o == TOPO_NONE) {
		h = walk_drop(w, t->vnets[w->vnet].name, "no-host");
		hop_why(w, h,
		    "no NIC in VNet %s or a peered one has address %s [udr]",
		    ta_s(t->vnets[w->vnet].name), ta_ip(dst));
		return -1;
	}
	v = &t->vms[o];
	/* Only an appliance that SNATed the request owns its answer. */
	walk_path(w, v->name);
	walk_xing(w, v->ip_forwarding ? CAP_APPLIANCE : CAP_NIC, v->name,
		  LINK_VNET);
	if ((n = nat_find(w->r, dst, pkt_dport(w->p))) == NULL) {
		h = walk_drop(w, v->name, "no-nat-state");
		hop_why(w, h, "%s holds no translation for %s:%u: it did not "
		    "send the request", ta_s(v->name), ta_ip(dst),
		    ta_u(pkt_dport(w->p)));
		return -1;
	}
	nat_undo(w, n, v->name);
	walk_xing(w, CAP_APPLIANCE, v->name, LINK_COUNT);
	*vm = o;
	return RL_SUBNET;
}

/*
 * From gateway gi into the VNets it serves [udr]: by the routes of its
 * VNet's GatewaySubnet when the scenario has one (the walk goes on from
 * there, RL_SUBNET with no VM), else straight into VNet vnet's fabric.
 */
static int
from_gateway(struct walk *w, size_t gi, size_t vnet, size_t *vmp)
{
	const struct topo *t = w->t;
	size_t gv = gi != TOPO_NONE ? t->gateways[gi].vnet : TOPO_NONE;
	size_t gs = walk_gateway_subnet(w, gv);
	struct hop *h;

	w->via_gateway = true;
	if (gs != TOPO_NONE) {
		h = walk_hop(w, HOP_GATEWAY, t->gateways[gi].name,
		    "gateway: into VNet %s, routed by GatewaySubnet",
		    ta_s(t->vnets[gv].name));
		hop_why(w, h, "traffic from the gateway follows the "
		    "GatewaySubnet's effective routes [udr]");
		w->vnet = gv;
		w->subnet = gs;
		*vmp = TOPO_NONE;
		walk_xing(w, CAP_FABRIC, t->vnets[gv].name, LINK_GATEWAY);
		return RL_SUBNET;
	}
	h = walk_hop(w, HOP_GATEWAY,
	    gi != TOPO_NONE ? t->gateways[gi].name : "gateway",
	    "gateway: into VNet %s", ta_s(t->vnets[vnet].name));
	hop_why(w, h, "the gateway delivers into the VNet's fabric (the "
	    "scenario gives the gateway's VNet no GatewaySubnet)");
	w->vnet = vnet;
	walk_xing(w, CAP_FABRIC, t->vnets[vnet].name, LINK_GATEWAY);
	return RL_FABRIC;
}

/* The reply forwarded to the appliance at nh_ip (a user route, or a
 * Route Server route: MODEL §8 [rs]), which must know the connection. */
static int
reply_appliance(struct walk *w, size_t vnet, const char *sname,
		uint32_t nh_ip, size_t *vmp)
{
	const struct topo *t = w->t;
	struct hop *h;
	size_t nva, fi;
	int before;

	nva = walk_vm_at(w, nh_ip, vnet);
	/* MODEL §8 [fw-rules]: routed to an Azure Firewall. */
	if (nva == TOPO_NONE &&
	    (fi = topo_firewall_at(t, nh_ip, vnet)) != TOPO_NONE) {
		if (!reply_firewall(w, fi, NULL, LINK_VNET))
			return -1;
		*vmp = TOPO_NONE;
		return RL_SUBNET;
	}
	if (nva == TOPO_NONE || !t->vms[nva].ip_forwarding) {
		h = walk_drop(w, sname, "appliance-unreachable");
		hop_why(w, h, "no NIC forwards for %s [udr]", ta_ip(nh_ip));
		return -1;
	}
	walk_path(w, t->vms[nva].name);
	before = (int)w->r->nxing;
	walk_xing(w, CAP_APPLIANCE, t->vms[nva].name, LINK_VNET);
	if (w->err != 0 || (int)w->r->nxing == before)
		return -1;
	if (reply_crossed_before(w, w->r->xing[before].point, before)) {
		h = walk_drop(w, t->vms[nva].name, "routing-loop");
		hop_why(w, h, "the reply comes back to appliance %s: the "
		    "route tables send it in a circle", ta_s(t->vms[nva].name));
		return -1;
	}
	if (!request_crossed(w, w->r->xing[before].point)) {
		h = walk_hop(w, HOP_APPLIANCE, t->vms[nva].name,
		    "appliance %s has no state for this connection",
		    ta_s(t->vms[nva].name));
		hop_why(w, h, "the reply is routed through %s, which the "
		    "request never crossed: a stateful appliance "
		    "drops an answer to a connection it did not "
		    "see open (asymmetric routing) [udr]",
		    ta_s(t->vms[nva].name));
		asymmetric(w, t->vms[nva].name, "asymmetric-appliance");
		return -1;
	}
	h = walk_hop(w, HOP_APPLIANCE, t->vms[nva].name,
	    "network virtual appliance forwards the reply");
	hop_why(w, h, "it saw the request: the connection is known");
	walk_xing(w, CAP_APPLIANCE, t->vms[nva].name, LINK_COUNT);
	*vmp = nva;
	return RL_SUBNET;
}

/* Leaving VM vm's NIC (the destination, or an appliance forwarding):
 * route by its subnet's effective routes. */
static int
subnet_route(struct walk *w, size_t *vmp)
{
	const struct topo *t = w->t;
	/* Leaving a NIC, its subnet; arriving from a gateway (*vmp
	 * TOPO_NONE), the GatewaySubnet the walk is in. */
	size_t vn = *vmp != TOPO_NONE ? t->vms[*vmp].vnet : w->vnet;
	size_t sn = *vmp != TOPO_NONE ? t->vms[*vmp].subnet : w->subnet;
	const struct rtable *rt = sim_rtable(w->s, vn, sn);
	const char *sname = t->vnets[vn].subnets[sn].name;
	uint32_t dst = pkt_dst(w->p);
	struct route_hit hit;
	struct hop *h;

	w->vnet = vn;
	w->subnet = sn;
	walk_path(w, sname);
	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, sname, "ttl-exceeded");
		return -1;
	}
	if (rtable_lookup(rt, dst, 0, &hit) != 0) {
		h = walk_drop(w, sname, "no-route");
		hop_why(w, h, "no Active route of subnet %s covers %s [udr]",
		    ta_s(sname), ta_ip(dst));
		return -1;
	}
	if (!w->quiet) {	/* the trace line: not for sim_decide */
		struct why_sink ws;

		h = walk_route_hop(w, vn, sn, &hit);
		hop_why(w, h, "the reply to %s follows %s's routes: source %s, ",
		    ta_ip(dst), ta_s(sname),
		    ta_lit(rt_source_name(hit.r->source)));
		eroute_words(t, hit.r, why_sink(&ws, w, h));
		walk_route_notes(w, h, rt, hit.r);
	}
	walk_xing(w, CAP_FABRIC, t->vnets[vn].name, LINK_VNET);

	switch (hit.r->nh) {
	case NH_VNETLOCAL:
	case NH_VNETPEERING:
		return RL_FABRIC;
	case NH_VIRTUAL_APPLIANCE:
		return reply_appliance(w, vn, sname, hit.r->nh_ips[0], vmp);
	case NH_INTERNET:
	case NH_SERVICE_ENDPOINT:
		if (ip_private(dst)) {
			h = walk_drop(w, sname, "reply-no-route");
			hop_why(w, h,
			    "%s is a private address: the Internet does "
			    "not carry it back [udr]", ta_ip(dst));
			return -1;
		}
		return RL_PUBLIC;
	case NH_VNET_GATEWAY:
		if (hit.r->source == RT_BGP && hit.r->circuit != TOPO_NONE) {
			const struct circuit *c = &t->circuits[hit.r->circuit];
			size_t to = walk_vm_behind_gateway(w,
					t->vnets[c->vnet].gw);

			walk_path(w, c->gateway);
			walk_gateway_xing(w, c->gateway, 0, LINK_GATEWAY);
			walk_path(w, c->name);
			if (to != TOPO_NONE) {
				/* As the request (walk.c to_circuit): the
				 * MSEE turns it around. */
				h = walk_hop(w, HOP_CIRCUIT, c->name,
				    "MSEE: %s is in VNet "
				    "%s, back to gateway %s", ta_ip(dst),
				    ta_s(t->vnets[t->vms[to].vnet].name),
				    ta_s(c->gateway));
				hop_why(w, h, "the Microsoft edge learned the "
				    "VNet's space from the gateway [peer]");
				walk_xing(w, CAP_CIRCUIT_PRIVATE, c->name,
					  LINK_CIRCUIT);
				walk_path(w, c->gateway);
				walk_gateway_xing(w, c->gateway, 0,
					  LINK_CIRCUIT);
				return from_gateway(w, t->vnets[c->vnet].gw,
						    t->vms[to].vnet, vmp);
			}
			h = walk_hop(w, HOP_CIRCUIT, c->name,
			    "private peering (MSEE -> customer edge)");
			hop_why(w, h, "BGP route of private peering [udr]");
			walk_xing(w, CAP_CIRCUIT_PRIVATE, c->name, LINK_CIRCUIT);
			w->site = TOPO_NONE;
			return RL_ONPREM;
		}
		if (hit.r->source == RT_BGP && hit.r->site != TOPO_NONE) {
			const struct vpn_site *vs = &t->vpn_sites[hit.r->site];
			const char *gw = t->gateways[vs->gateway].name;
			size_t to = walk_vm_behind_gateway(w, vs->gateway);

			walk_path(w, gw);
			if (to != TOPO_NONE) {
				/* As the request (walk.c to_site). */
				walk_gateway_xing(w, gw, 0, LINK_GATEWAY);
				h = walk_hop(w, HOP_GATEWAY, gw,
				    "VPN gateway: %s is in VNet %s",
				    ta_ip(dst),
				    ta_s(t->vnets[t->vms[to].vnet].name));
				hop_why(w, h,
				    "the gateway routes to the VNets it "
				    "serves before its tunnels [peer]");
				return from_gateway(w, vs->gateway,
						    t->vms[to].vnet, vmp);
			}
			h = walk_hop(w, HOP_GATEWAY, gw,
			    "VPN gateway: tunnel to site %s", ta_s(vs->name));
			hop_why(w, h, "route of VPN site %s [vpn-ft]",
			    ta_s(vs->name));
			walk_gateway_xing(w, gw, 0, LINK_GATEWAY);
			walk_path(w, vs->name);
			walk_xing(w, CAP_ONPREM_INSIDE, vs->name, LINK_INTERNET);
			w->site = hit.r->site;
			return RL_ONPREM;
		}
		/* MODEL §8 [vwan]: a Virtual WAN hub's router. */
		if (hit.r->vhub != TOPO_NONE && !vwan_fw_row(t, hit.r))
			return walk_vhub(w, hit.r, hit.nh_ip) != TOPO_NONE ?
			       RL_FABRIC : -1;
		if (hit.r->vhub != TOPO_NONE)	/* routing intent */
			(void)walk_vhub(w, hit.r, hit.nh_ip);
		if (hit.r->source == RT_BGP)	/* a Route Server's */
			return reply_appliance(w, vn, sname, hit.nh_ip, vmp);
		h = walk_drop(w, sname, "reply-no-route");
		hop_why(w, h,
		    "a user route to a gateway does not carry the reply "
		    "[udr]");
		return -1;
	case NH_NONE:
		h = walk_drop(w, sname, "route-none");
		hop_why(w, h, "next hop type None drops the reply [udr]");
		return -1;
	case NH_COUNT:
		break;
	}
	walk_drop(w, sname, "no-route");
	return -1;
}

/* The circuit whose public peering NAT pool holds ip. */
static size_t
pool_circuit(const struct topo *t, uint32_t ip)
{
	size_t i, k;

	for (i = 0; i < t->ncircuits; i++)
		for (k = 0; t->circuits[i].public_peering &&
		     k < t->circuits[i].nnat_pool; k++)
			if (pfx_contains_ip(t->circuits[i].nat_pool[k], ip))
				return i;
	return TOPO_NONE;
}

/* The circuit whose Microsoft peering NAT pool holds ip. */
static size_t
ms_pool_circuit(const struct topo *t, uint32_t ip)
{
	size_t i, k;

	for (i = 0; i < t->ncircuits; i++)
		for (k = 0; t->circuits[i].microsoft_peering &&
		     k < t->circuits[i].nms_nat_pool; k++)
			if (pfx_contains_ip(t->circuits[i].ms_nat_pool[k], ip))
				return i;
	return TOPO_NONE;
}

/* On the Internet or the backbone, addressed to a public IP: it goes to
 * the NAT that owns it, or nowhere. */
static int
public_hop(struct walk *w, size_t *vmp)
{
	const struct topo *t = w->t;
	uint32_t dst = pkt_dst(w->p);
	const struct natrec *n = nat_find(w->r, dst, pkt_dport(w->p));
	enum cap_kind k;
	size_t ci, vm;
	struct hop *h;
	enum link_kind medium = w->arr == ARR_AZURE ? LINK_BACKBONE
						    : LINK_INTERNET;

	if (n == NULL) {
		h = walk_drop(w, "internet", "reply-no-route");
		hop_why(w, h,
		    "nothing on the way holds %s:%u: no NAT translated "
		    "the request to it", ta_ip(dst), ta_u(pkt_dport(w->p)));
		return -1;
	}
	k = walk_point_kind(w, n->point);
	switch (k) {
	case CAP_AZURE_EDGE:
		vm = w->f->vm < t->nvms ?
		     t->vnets[t->vms[w->f->vm].vnet].hub : TOPO_NONE;
		ci = vm != TOPO_NONE ? topo_circuit_of_vnet(t, vm) : TOPO_NONE;
		if (w->r->hairpin == HAIRPIN_AZURE && ci != TOPO_NONE) {
			/* MODEL §3: back over the same turn at the MSEE. */
			walk_path(w, t->circuits[ci].name);
			h = walk_hop(w, HOP_CIRCUIT, t->circuits[ci].name,
			    "reply turns around at the MSEE");
			hop_why(w, h,
			    "public peering, as the request [seed-000]");
			walk_xing(w, CAP_CIRCUIT_PUBLIC, t->circuits[ci].name,
				  LINK_BACKBONE);
			medium = LINK_BACKBONE;
		}
		walk_path(w, "azure-edge");
		walk_xing(w, CAP_AZURE_EDGE, NULL, medium);
		nat_undo(w, n, "azure-edge");
		/* Azure's SNAT belongs to the NIC that sent the request. */
		vm = walk_vm_at(w, pkt_dst(w->p), TOPO_NONE);
		if (vm == TOPO_NONE)
			vm = w->f->vm;
		w->vnet = t->vms[vm].vnet;
		walk_xing(w, CAP_FABRIC, t->vnets[w->vnet].name, LINK_VNET);
		return RL_FABRIC;
	case CAP_ONPREM_OUTSIDE: {
		/* The site whose edge translated the request (w->site, as
		 * the request left it). */
		const char *site = topo_site_name(t, w->site);

		walk_path(w, site);
		walk_xing(w, CAP_ONPREM_OUTSIDE, site, LINK_INTERNET);
		nat_undo(w, n, site);
		walk_xing(w, CAP_ONPREM_INSIDE, site, LINK_ONPREM);
		return RL_ONPREM;
	}
	case CAP_CIRCUIT_PUBLIC:
		/* MODEL §3: the NAT pool is advertised over public peering:
		 * Azure sends the answer back over it [er-nat]. */
		if ((ci = pool_circuit(t, dst)) == TOPO_NONE)
			break;
		walk_path(w, t->circuits[ci].name);
		walk_xing_at(w, n->point, LINK_BACKBONE);
		h = walk_hop(w, HOP_CIRCUIT, t->circuits[ci].name,
		    "public peering (MSEE -> customer edge)");
		hop_why(w, h,
		    "%s is in the NAT pool the customer advertises over "
		    "public peering [er-nat]", ta_ip(dst));
		w->site = TOPO_NONE;
		walk_path(w, t->onprem.name);
		walk_xing(w, CAP_ONPREM_INSIDE, t->onprem.name, LINK_CIRCUIT);
		nat_undo(w, n, t->onprem.name);
		return RL_ONPREM;
	case CAP_FIREWALL_OUTSIDE:
		/* MODEL §8 [fw-snat]: the firewall's public IP. */
		ci = topo_firewall_find(t, fr_str(w->r, n->who));
		if (ci == TOPO_NONE)
			break;
		if (!reply_firewall(w, ci, n, medium))
			return -1;
		*vmp = TOPO_NONE;
		return RL_SUBNET;
	case CAP_CIRCUIT_MICROSOFT:
		/* MODEL §8 [er-ms]: the NAT pool is registered on Microsoft
		 * peering: the answer comes back over it. */
		if ((ci = ms_pool_circuit(t, dst)) == TOPO_NONE)
			break;
		walk_path(w, t->circuits[ci].name);
		walk_xing_at(w, n->point, LINK_BACKBONE);
		h = walk_hop(w, HOP_CIRCUIT, t->circuits[ci].name,
		    "Microsoft peering (MSEE -> customer edge)");
		hop_why(w, h, "%s is in the NAT pool registered on Microsoft "
		    "peering [er-ms]", ta_ip(dst));
		w->site = TOPO_NONE;
		walk_path(w, t->onprem.name);
		walk_xing(w, CAP_ONPREM_INSIDE, t->onprem.name, LINK_CIRCUIT);
		nat_undo(w, n, t->onprem.name);
		return RL_ONPREM;
	default:
		break;
	}
	h = walk_drop(w, "internet", "reply-no-route");
	hop_why(w, h, "%s's translation cannot be reached from the Internet",
	    ta_pool(n->who));
	return -1;
}

/* The answer to a flow from on-premises, at a site: its host, if the site
 * is the host's and the answer is the one it waits for. */
static void
host_home(struct walk *w)
{
	const struct topo *t = w->t;
	const struct flow_result *r = w->r;
	const char *site = topo_site_name(t, w->site), *missed;
	char a[IP_STRLEN], mbuf[SIM_NODE_LEN];
	struct hop *h;

	ip_format(pkt_dst(w->p), a);
	if (w->site != w->f->from_site) {
		h = walk_drop(w, site, "reply-no-route");
		hop_why(w, h,
		    "the answer reached site %s, but host %s is at site %s",
		    ta_s(site), ta_ip(pkt_dst(w->p)),
		    ta_s(topo_site_name(t, w->f->from_site)));
		return;
	}
	walk_path(w, site);
	walk_path(w, a);
	walk_xing(w, CAP_HOST, a, LINK_ONPREM);
	if (pkt_src(w->p) != r->dst || pkt_sport(w->p) != w->f->port ||
	    pkt_dport(w->p) != r->sport) {
		h = walk_hop(w, HOP_ANSWER, a,
		    "answer from %s:%u, but the host called %s:%u",
		    ta_ip(pkt_src(w->p)), ta_u(pkt_sport(w->p)), ta_ip(r->dst),
		    ta_u(w->f->port));
		hop_why(w, h, "the answer carries another source than the "
		    "request's destination: the host resets it "
		    "(asymmetric routing)");
		asymmetric(w, a, "reply-mismatch");
		return;
	}
	if ((missed = appliance_missed(w, mbuf, sizeof(mbuf))) != NULL) {
		h = walk_hop(w, HOP_ANSWER, a, "reply bypassed appliance %s",
		    ta_s(missed));
		hop_why(w, h, "the request crossed appliance %s, the reply did "
		    "not: a stateful appliance sees half the connection "
		    "and drops what follows (asymmetric routing) [udr]",
		    ta_s(missed));
		asymmetric(w, a, "asymmetric-appliance");
		return;
	}
	w->r->reply_delivered = true;
	w->done = true;
	h = walk_hop(w, HOP_DELIVER, a, "answer delivered to %s from %s:%u",
	    ta_ip(pkt_dst(w->p)), ta_ip(pkt_src(w->p)), ta_u(pkt_sport(w->p)));
	hop_why(w, h, "the host at site %s called %s: the connection's answer",
	    ta_s(site), ta_ip(pkt_src(w->p)));
}

/*
 * On-premises with a private destination: Azure's gateways advertise
 * their VNets' prefixes, and through gateway transit their spokes'
 * (MODEL §8 [peer]), over private peering or the VPN. w->site: the site
 * the reply is at (TOPO_NONE: onprem:, behind circuits).
 */
static int
onprem_hop(struct walk *w, size_t *vmp)
{
	const struct topo *t = w->t;
	const char *site = topo_site_name(t, w->site);
	uint32_t dst = pkt_dst(w->p);
	size_t vm = sim_vm_by_ip(w->s, dst), ci = TOPO_NONE, vn, hub, gi;
	const char *gw, *via = "";	/* a segment: hub's name, if any */
	struct hop *h;

	/* MODEL §8: the answer to a host of an on-premises site. */
	if (w->f->onprem && dst == w->f->from_ip) {
		host_home(w);
		return -1;
	}
	/* The VNet of the VM, or of the Azure Firewall that SNATed the
	 * request to its private IP (MODEL §8 [fw-ft]). */
	vn = vm != TOPO_NONE ? t->vms[vm].vnet : TOPO_NONE;
	if (vm == TOPO_NONE &&
	    (gi = topo_firewall_at(t, dst, TOPO_NONE)) != TOPO_NONE)
		vn = t->firewalls[gi].vnet;
	if (vn == TOPO_NONE) {
		h = walk_drop(w, site, "reply-no-route");
		hop_why(w, h, "%s is in no VNet on-premises can reach",
		    ta_ip(dst));
		return -1;
	}
	hub = t->vnets[vn].hub;
	gi = hub != TOPO_NONE ? t->vnets[hub].gw : TOPO_NONE;
	if (hub != TOPO_NONE && hub != vn &&
	    topo_vhub_of_vnet(t, hub) != TOPO_NONE)
		via = " (VNet connected to Virtual WAN hub %s [vwan])";
	else if (hub != TOPO_NONE && hub != vn)
		via = " (through gateway transit from VNet %s [peer])";
	if (w->site == TOPO_NONE && hub != TOPO_NONE)
		ci = topo_circuit_of_vnet(t, hub);
	if (w->site != TOPO_NONE) {
		/* A gateway of the hub (a Virtual WAN hub has two, MODEL
		 * §8 [vwan]) advertises the VNet. */
		if (hub != TOPO_NONE && t->vpn_sites[w->site].gateway !=
		    TOPO_NONE && t->gateways[t->vpn_sites[w->site].gateway]
		    .vnet == hub)
			gi = t->vpn_sites[w->site].gateway;
		if (gi != t->vpn_sites[w->site].gateway) {
			h = walk_drop(w, site, "reply-no-route");
			hop_why(w, h,
			    "VPN site %s connects to gateway %s, which "
			    "does not advertise VNet %s: no route to %s",
			    ta_s(site),
			    ta_s(t->gateways[t->vpn_sites[w->site].gateway]
			    .name),
			    ta_s(t->vnets[vn].name), ta_ip(dst));
			return -1;
		}
		gw = t->gateways[gi].name;
		h = walk_hop(w, HOP_ONPREM, site,
		    "site %s: %s is in VNet %s, over the VPN", ta_s(site),
		    ta_ip(dst), ta_s(t->vnets[vn].name));
		hop_why(w, h, "VPN gateway %s advertises the VNet's address "
		    "space", ta_s(gw));
		if (via[0])
			hop_why_more(w, h, via, ta_s(t->vnets[hub].name));
		hop_why_more(w, h, " [vpn-ft]");
		walk_path(w, gw);
		walk_gateway_xing(w, gw, 0, LINK_INTERNET);
	} else if (ci != TOPO_NONE) {
		const struct circuit *c = &t->circuits[ci];
		gw = c->gateway;
		h = walk_hop(w, HOP_ONPREM, site,
		    "customer edge: %s is in VNet %s, over private peering",
		    ta_ip(dst), ta_s(t->vnets[vn].name));
		hop_why(w, h,
		    "gateway %s advertises the VNet's address space to "
		    "on-premises over BGP", ta_s(gw));
		if (via[0])
			hop_why_more(w, h, via, ta_s(t->vnets[hub].name));
		hop_why_more(w, h, " [udr]");
		walk_path(w, c->name);
		walk_xing(w, CAP_CIRCUIT_PRIVATE, c->name, LINK_ONPREM);
		walk_path(w, gw);
		walk_gateway_xing(w, gw, 0, LINK_CIRCUIT);
	} else if (gi != TOPO_NONE) {
		gw = t->gateways[gi].name;
		h = walk_hop(w, HOP_ONPREM, site, "on-premises: %s is in VNet "
		    "%s, over the VPN", ta_ip(dst), ta_s(t->vnets[vn].name));
		hop_why(w, h, "VPN gateway %s", ta_s(gw));
		if (via[0])
			hop_why_more(w, h, via, ta_s(t->vnets[hub].name));
		hop_why_more(w, h, " [udr]");
		walk_path(w, gw);
		walk_gateway_xing(w, gw, 0, LINK_INTERNET);
	} else {
		h = walk_drop(w, site, "reply-no-route");
		hop_why(w, h,
		    "VNet %s has no gateway: on-premises has no route to %s",
		    ta_s(t->vnets[vn].name), ta_ip(dst));
		return -1;
	}
	return from_gateway(w, gi != TOPO_NONE ? gi : topo_gateway_find(t, gw),
			    vn, vmp);
}

void
reply_walk(struct walk *w)
{
	const struct topo *t = w->t;
	const char *node;
	char dest[SIM_POINT_LEN];	/* NAME of "dest-NAME": 255 at most */
	struct pkt p;
	int loc = -1;
	size_t vm = 0, step;
	struct hop *h;
	int rc;

	if ((rc = walk_answer_build(w, &p)) != 0) {
		w->err = rc;
		return;
	}
	/* cppcheck-suppress autoVariables ; the reply walk ends here, and
	 * sim_run_flow reads nothing of w->p after it. */
	w->p = &p;
	w->reply = true;
	w->done = false;
	w->clock_us = 0;
	w->via_gateway = false;
	w->fw = TOPO_NONE;

	/* The answer leaves where the request arrived: the same capture
	 * point, after the destination's time to answer. */
	if (w->arr == ARR_VM) {
		node = t->vms[w->arr_vm].name;
	} else {
		/* A point of the result: its name lives in the pool, which
		 * the lines below grow. */
		node = walk_point_name(w, w->arr_point);
		snprintf(dest, sizeof(dest), "%s", node != NULL ?
			 node + strlen("dest-") : "");
		node = dest;
	}
	walk_path(w, node);
	h = walk_hop(w, HOP_ANSWER, node, "answer to %s:%u", ta_ip(pkt_dst(&p)),
	    ta_u(pkt_dport(&p)));
	hop_why(w, h, "addressed to the source the destination saw; each place "
	    "on the way routes it by what the model knows there [nat]");
	walk_xing_at(w, w->arr_point, LINK_ANSWER);

	switch (w->arr) {
	case ARR_HOSTVIP:
		home(w, LINK_HOST);
		return;
	case ARR_VM:
		vm = w->arr_vm;
		loc = RL_SUBNET;
		break;
	case ARR_AZURE:
	case ARR_INTERNET:
		loc = RL_PUBLIC;
		break;
	case ARR_ONPREM:
		walk_path(w, topo_site_name(t, w->site));
		walk_xing(w, CAP_ONPREM_INSIDE, topo_site_name(t, w->site),
			  LINK_ONPREM);
		loc = RL_ONPREM;
		break;
	case ARR_ENDPOINT:
		/* The service answers over the backbone to the private
		 * address, as the request came [udr]. */
		w->vnet = t->vms[w->f->vm].vnet;
		walk_xing(w, CAP_FABRIC, t->vnets[w->vnet].name, LINK_BACKBONE);
		loc = RL_FABRIC;
		break;
	case ARR_NONE:
		w->done = true;
		return;
	}
	for (step = 0; step < SIM_MAX_STEPS && !w->done && loc >= 0; step++) {
		switch (loc) {
		case RL_PUBLIC:
			loc = public_hop(w, &vm);
			break;
		case RL_ONPREM:
			loc = onprem_hop(w, &vm);
			break;
		case RL_FABRIC:
			loc = fabric(w, &vm);
			break;
		case RL_SUBNET:
			loc = subnet_route(w, &vm);
			break;
		default:
			loc = -1;
		}
	}
	if (!w->done) {
		h = walk_drop(w, "engine", "reply-path-too-long");
		hop_why(w, h,
		    "%d routing decisions without reaching the sender: "
		    "the walk's limit (docs/format.md, \"Limits\")",
		    ta_d(SIM_MAX_STEPS));
	}
}
