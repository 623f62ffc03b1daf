/*
 * walk.c: the request's walk. Each function is one kind of hop; each
 * cites the MODEL.md rule it applies and writes one trace line that says
 * why. What lies past a gateway is beyond.c's; the hops the answers
 * share are hops.c's; the trace, trace.c's; the flow (request, then
 * answer), flow.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <netinet/in.h>

#include "sim/nsgcls.h"
#include "sim/services.h"
#include "sim/vwan.h"
#include "sim/walkint.h"
#include "topology/names.h"
#include "topology/vec.h"

/* A source NAT just made: the packet's source is the outside. */
void
walk_nat_record(struct walk *w, const char *who, uint32_t inside,
		uint16_t iport)
{
	walk_nat(w, who, inside, iport, pkt_src(w->p), pkt_sport(w->p));
}

/* ---------------------------------------------------------------- */
/* Destinations */

/* The destination's capture point; the reply starts there. */
static void
arrive_xing(struct walk *w, const char *node, enum link_kind link)
{
	walk_xing(w, CAP_DEST, node, link);
	if (w->err == 0 && w->r->nxing > 0)
		w->arr_point = w->r->xing[w->r->nxing - 1].point;
}

void
walk_arrive(struct walk *w, const char *via_note, enum link_kind link,
	    enum arrival arr)
{
	const struct topo *t = w->t;
	struct flow_result *r = w->r;
	uint32_t dst = pkt_dst(w->p), src = pkt_src(w->p);
	const struct service *svc = service_at_kms(w->s->kms, w->s->nkms, dst);
	char a[IP_STRLEN];
	struct hop *h;
	const char *why;

	r->delivered = true;
	r->has_source_seen = true;
	r->source_seen = src;
	r->source_class = source_classify(t, src);
	w->done = true;
	w->arr = arr;

	if (svc == NULL) {
		walk_path(w, ip_format(dst, a));
		h = walk_hop(w, HOP_DELIVER, a,
		    "delivered to host %s, source seen %s (%s)", ta_ip(dst),
		    ta_ip(src), ta_lit(srcclass_name(r->source_class)));
		hop_why(w, h, "%s",
		    ta_s(via_note ? via_note : "destination reached"));
		arrive_xing(w, a, link);
		r->tcp_connect = w->proto == PROTO_TCP;
		r->replied = w->proto == PROTO_TCP;
		return;
	}
	walk_path(w, svc->node);
	h = walk_hop(w, HOP_DELIVER, svc->node,
	    "delivered to %s at %s, source seen %s (%s)", ta_s(svc->what),
	    ta_ip(dst), ta_ip(src), ta_lit(srcclass_name(r->source_class)));
	arrive_xing(w, svc->node, link);
	if (!service_listens(svc, w->proto, pkt_dport(w->p))) {
		hop_why(w, h, "%s; nothing listens on %s port %u: %s",
		    ta_s(via_note ? via_note : "destination reached"),
		    ta_lit(proto_name(w->proto)), ta_u(pkt_dport(w->p)),
		    ta_lit(w->proto == PROTO_TCP ? "answered with RST" : "no answer"));
		r->tcp_connect = false;
		r->replied = w->proto == PROTO_TCP;	/* the RST */
		return;
	}
	/* MODEL §4: TCP itself connects whatever the source; only the
	 * service's answer depends on it (Test-NetConnection succeeds while
	 * activation fails). */
	r->tcp_connect = w->proto == PROTO_TCP;
	r->replied = true;
	r->activation = service_decide(t, svc, src, &why);
	if (r->activation == ACT_NONE)
		hop_why(w, h, "%s; the service answers",
		    ta_s(via_note ? via_note : "destination reached"));
	else
		hop_why(w, h, "%s; activation %s: %s [kms]",
		    ta_s(via_note ? via_note : "destination reached"),
		    ta_lit(activation_name(r->activation)), ta_s(why));
}

/* ---------------------------------------------------------------- */
/* Egress to the Internet and the circuit */

/* MODEL §2 Internet: SNAT order NAT gateway > instance public IP > load
 * balancer outbound rule > default outbound access [nat]. */
static bool
snat_choice(const struct topo *t, const struct vm *v, uint32_t *ip,
	    const char **how)
{
	const struct subnet *sn = topo_vm_subnet(t, v);

	if (sn->has_nat_gateway) {
		*ip = sn->nat_gateway_ip;
		*how = "NAT gateway of the subnet (first in the SNAT order)";
	} else if (v->has_public_ip) {
		*ip = v->public_ip;
		*how = "instance-level public IP of the NIC";
	} else if (v->has_lb_outbound_ip) {
		*ip = v->lb_outbound_ip;
		*how = "load balancer outbound rule";
	} else if (sn->default_outbound_access) {
		*ip = sn->has_default_outbound_ip ? sn->default_outbound_ip
						  : default_outbound_ip(t->cloud);
		*how = "default outbound access (implicit Azure-owned IP)";
	} else {
		return false;
	}
	return true;
}

static void
internet_egress(struct walk *w)
{
	const struct topo *t = w->t;
	const struct vm *v;
	uint32_t snat, dst = pkt_dst(w->p), before = pkt_src(w->p);
	const char *how;
	struct hop *h;
	size_t ci;

	/* MODEL §8 [fw-snat]: what an Azure Firewall forwarded leaves with
	 * its public IP. */
	if (w->fw != TOPO_NONE) {
		walk_firewall_egress(w);
		return;
	}
	/* A flow from on-premises routed to the Internet by the
	 * GatewaySubnet's routes: no NIC of Azure's sent it, and Azure's
	 * edge translates only its NICs' addresses. */
	if (w->sender == TOPO_NONE) {
		h = walk_drop(w, "azure-edge", "no-outbound");
		hop_why(w, h,
		    "source %s is on-premises: next hop Internet from "
		    "the gateway's subnet has no NIC whose outbound "
		    "address Azure's edge could use [nat]", ta_ip(before));
		return;
	}
	v = &t->vms[w->sender];
	/* [udr]: an NVA that forwards to the Internet must SNAT to its own
	 * private IP first; Azure then SNATs that to a public IP. */
	if (before != v->ip) {
		h = walk_drop(w, v->name, "nva-no-snat");
		hop_why(w, h, "source %s is not %s's own address: an appliance "
		    "forwarding to the Internet must SNAT to its own IP "
		    "[udr]", ta_ip(before), ta_s(v->name));
		return;
	}
	if (!snat_choice(t, v, &snat, &how)) {
		h = walk_drop(w, "azure-edge", "no-outbound");
		hop_why(w, h, "no NAT gateway, no public IP, no load balancer "
		    "outbound rule and default outbound access is off on "
		    "subnet %s: no outbound connectivity [nat]",
		    ta_s(topo_vm_subnet(t, v)->name));
		return;
	}
	walk_path(w, "azure-edge");
	pkt_set_src(w->p, snat, pkt_sport(w->p));
	h = walk_hop(w, HOP_NAT, "azure-edge", "SNAT %s -> %s", ta_ip(before),
	    ta_ip(snat));
	hop_why(w, h, "next hop Internet: %s [nat]", ta_s(how));
	walk_xing(w, CAP_AZURE_EDGE, NULL, LINK_VNET);
	walk_nat_record(w, "Azure's SNAT", before, pkt_sport(w->p));

	/* MODEL §2 Internet: traffic to an Azure-owned public IP stays on
	 * Microsoft's backbone [udr]. */
	if (walk_azure_public(w, dst)) {
		ci = t->vnets[v->vnet].hub != TOPO_NONE ?
		     topo_circuit_of_vnet(t, t->vnets[v->vnet].hub) : TOPO_NONE;
		if (ci != TOPO_NONE && t->circuits[ci].public_peering) {
			/* MODEL §3: public peering on, no forced tunnel: the
			 * traffic to Azure public services turns around at
			 * the Azure side of the circuit. */
			w->r->hairpin = HAIRPIN_AZURE;
			walk_path(w, t->circuits[ci].name);
			h = walk_hop(w, HOP_CIRCUIT, t->circuits[ci].name,
			    "hairpin at the Azure side (MSEE)");
			hop_why(w, h, "public peering carries traffic to Azure "
			    "public services; without forced tunneling it "
			    "turns around at the MSEE and never reaches "
			    "on-premises [seed-000]");
			walk_xing(w, CAP_CIRCUIT_PUBLIC, t->circuits[ci].name,
				  LINK_BACKBONE);
		}
		walk_arrive(w, "destination is an Azure public IP: the packet "
		       "stays on Microsoft's backbone [udr]", LINK_BACKBONE,
		       ARR_AZURE);
		return;
	}
	walk_path(w, "internet");
	walk_arrive(w, "carried over the Internet", LINK_INTERNET, ARR_INTERNET);
}

/* ---------------------------------------------------------------- */
/* Routing */

/* MODEL §2 VnetLocal / VNetPeering: delivered to the NIC; its inbound
 * NSGs apply. */
static void
deliver_vnet(struct walk *w, const struct eroute *r)
{
	const struct topo *t = w->t;
	uint32_t dst = pkt_dst(w->p);
	size_t i, k, n, vm = TOPO_NONE;
	struct hop *h;

	/* The last VM at the address that the packet may reach. */
	for (n = sim_vms_at(w->s, dst, &k); n > 0; n--, k++) {
		i = w->s->byip[k].vm;
		if (walk_reachable(t, t->vms[i].vnet, w->vnet) &&
		    (r->vnet == TOPO_NONE || t->vms[i].vnet == r->vnet))
			vm = i;
	}
	if (vm == TOPO_NONE) {
		h = walk_drop(w, t->vnets[w->vnet].subnets[w->subnet].name, "no-host");
		hop_why(w, h, "no NIC has address %s in VNet %s%s", ta_ip(dst),
		    ta_s(t->vnets[r->vnet != TOPO_NONE ? r->vnet : w->vnet].name),
		    ta_lit(r->vnet == TOPO_NONE ? " (user route to VnetLocal)" : ""));
		return;
	}
	{
		const struct vm *v = &t->vms[vm];
		const char *sname = topo_vm_subnet(t, v)->name;

		if (!walk_peering_ok(w, w->vnet, v->vnet,
				     t->vnets[w->vnet].subnets[w->subnet].name))
			return;
		if (v->vnet != w->vnet || v->subnet != w->subnet)
			walk_path(w, sname);
		walk_reach_vm(w, vm, r->nh == NH_VNETPEERING
			      ? "over VNet peering [udr]"
			      : "inside the VNet [udr]");
	}
}

void
walk_reach_vm_(struct walk *w, size_t vm, const char *why,
	       const struct targ *a)
{
	const struct topo *t = w->t;
	const struct vm *v = &t->vms[vm];
	struct hop *h;

	/* A flow from outside Azure: the destination's inbound verdict is
	 * the flow's. */
	if (!walk_nsg_hop(w, vm, DIR_INBOUND, w->f->external))
		return;
	walk_path(w, v->name);
	w->done = true;
	w->r->delivered = true;
	w->r->has_source_seen = true;
	w->r->source_seen = pkt_src(w->p);
	w->r->source_class = source_classify(t, pkt_src(w->p));
	w->r->tcp_connect = w->proto == PROTO_TCP;
	w->r->replied = w->proto == PROTO_TCP;
	w->arr = ARR_VM;
	w->arr_vm = vm;
	h = walk_hop(w, HOP_DELIVER, v->name,
	    "delivered to VM %s, source seen %s", ta_s(v->name),
	    ta_ip(pkt_src(w->p)));
	hop_why_(w, h, why, a);
	walk_xing(w, CAP_NIC, v->name, LINK_VNET);
	if (w->err == 0)
		w->arr_point = w->r->xing[w->r->nxing - 1].point;
}

/* The why of a loop that closes at appliance name, a drop line: the
 * path from the appliance's first visit on, and the appliance again. */
static void
loop_hops(struct walk *w, struct hop *h, const char *name)
{
	const struct flow_result *r = w->r;
	size_t i, first = 0;

	for (i = 0; i < r->npath; i++)
		if (strcmp(fr_str(r, r->path[i]), name) == 0) {
			first = i;
			break;
		}
	for (i = first; i < r->npath; i++)
		hop_why_more(w, h, "%s > ", ta_pool(r->path[i]));
	hop_why_more(w, h, "%s", ta_s(name));
}

/* The appliances a request met, each once: a second visit is a loop.
 * A route step meets at most one, so SIM_MAX_STEPS bound them. */
struct visits {
	size_t vm[SIM_MAX_STEPS];
	size_t n;
};

/* MODEL §2 VirtualAppliance: forwarded to the appliance's NIC (IP
 * forwarding on), which may SNAT and then routes with its own subnet's
 * routes. Returns true when the walk continues from the appliance. */
static bool
appliance(struct walk *w, uint32_t nh_ip, struct visits *visits)
{
	const struct topo *t = w->t;
	size_t i, fi, vm = TOPO_NONE;

	struct hop *h;
	const struct vm *v;
	uint32_t before;

	/* The same address may exist in unpeered VNets: only a NIC in this
	 * VNet or a peered one can be the next hop [udr]. */
	for (i = 0; i < t->nvms && vm == TOPO_NONE; i++)
		if (t->vms[i].ip == nh_ip && walk_reachable(t, t->vms[i].vnet, w->vnet))
			vm = i;
	/* MODEL §8 [fw-rules]: the next hop is an Azure Firewall. */
	if (vm == TOPO_NONE &&
	    (fi = topo_firewall_at(t, nh_ip, w->vnet)) != TOPO_NONE) {
		for (i = 0; i < visits->n && visits->vm[i] != t->nvms + fi; i++)
			;
		if (i < visits->n) {
			h = walk_drop(w, t->firewalls[fi].name, "routing-loop");
			hop_why(w, h, "the packet comes back to firewall %s: the "
			    "route tables send it in a circle: ",
			    ta_s(t->firewalls[fi].name));
			loop_hops(w, h, t->firewalls[fi].name);
			return false;
		}
		visits->vm[visits->n++] = t->nvms + fi;
		return walk_firewall(w, fi);
	}
	if (vm == TOPO_NONE) {
		h = walk_drop(w, t->vnets[w->vnet].subnets[w->subnet].name,
			 "appliance-unreachable");
		hop_why(w, h,
		    "no NIC with address %s in this VNet or a peered one "
		    "[udr]", ta_ip(nh_ip));
		return false;
	}
	v = &t->vms[vm];
	for (i = 0; i < visits->n && visits->vm[i] != vm; i++)
		;
	if (i < visits->n) {
		h = walk_drop(w, v->name, "routing-loop");
		hop_why(w, h, "the packet comes back to appliance %s: the route "
		    "tables send it in a circle: ", ta_s(v->name));
		loop_hops(w, h, v->name);
		return false;
	}
	visits->vm[visits->n++] = vm;	/* one per step: bounded */
	w->via_gateway = false;	/* what it forwards is forwarded traffic */
	if (!walk_peering_ok(w, w->vnet, v->vnet,
			     t->vnets[w->vnet].subnets[w->subnet].name))
		return false;
	if (!walk_nsg_hop(w, vm, DIR_INBOUND, false))
		return false;
	walk_path(w, v->name);
	if (!v->ip_forwarding) {
		h = walk_drop(w, v->name, "appliance-no-forwarding");
		hop_why(w, h, "IP forwarding is off on %s's NIC: Azure drops "
		    "packets not addressed to it [udr]", ta_s(v->name));
		return false;
	}
	/* One line: a translation when it SNATs, the packet it sends. */
	before = pkt_src(w->p);
	if (v->snat) {
		h = walk_hop(w, HOP_NAT, v->name, "appliance SNAT %s -> %s",
		    ta_ip(before), ta_ip(v->ip));
		hop_why(w, h, "IP forwarding on, snat: true (its own address)");
	} else {
		h = walk_hop(w, HOP_APPLIANCE, v->name,
		    "network virtual appliance forwards");
		hop_why(w, h, "IP forwarding is on");
	}
	walk_xing(w, CAP_APPLIANCE, v->name, LINK_VNET);
	if (v->snat) {
		pkt_set_src(w->p, v->ip, pkt_sport(w->p));
		if (h != &w->scratch)
			walk_hop_pkt(w, h);
	}
	/* The appliance's NIC sees the packet again on its way out. */
	walk_xing(w, CAP_APPLIANCE, v->name, LINK_COUNT);
	if (v->snat)
		walk_nat_record(w, v->name, before, pkt_sport(w->p));
	w->sender = vm;
	w->fw = TOPO_NONE;
	if (!walk_nsg_hop(w, vm, DIR_OUTBOUND, false))
		return false;
	w->vnet = v->vnet;
	w->subnet = v->subnet;
	return true;
}

/* A gateway route (source VirtualNetworkGateway): to the circuit, to a
 * VPN site, or, programmed by a Route Server, straight to the appliance
 * its peer names (MODEL §8 [rs]: no gateway on the way). */
static bool
gateway_route(struct walk *w, const struct eroute *r, uint32_t nh_ip,
	      struct visits *visits)
{
	size_t vm;

	/* MODEL §8 [vwan]: through a Virtual WAN hub, to its firewall or
	 * by its router into a VNet connected to it. */
	if (r->vhub != TOPO_NONE) {
		if (vwan_fw_row(w->t, r)) {
			(void)walk_vhub(w, r, nh_ip);
			return appliance(w, nh_ip, visits);
		}
		if ((vm = walk_vhub(w, r, nh_ip)) != TOPO_NONE) {
			walk_path(w, topo_vm_subnet(w->t, &w->t->vms[vm])->name);
			walk_reach_vm(w, vm, "from the virtual hub's router "
				      "over the VNet's connection [vwan]");
		}
		return false;
	}
	if (r->circuit != TOPO_NONE)
		return walk_to_circuit(w, r->circuit, r, nh_ip);
	if (r->site != TOPO_NONE)
		return walk_to_site(w, r->site, nh_ip, r->site_static
			? "static prefix of the site's local network gateway "
			  "[vpn-ft]"
			: "route the site advertises over BGP [vpn-ft]");
	return appliance(w, nh_ip, visits);
}

/* One routing decision in the current subnet. Returns true when the
 * walk goes on from a new place (an appliance). */
static bool
route_step(struct walk *w, struct visits *visits)
{
	const struct topo *t = w->t;
	const struct rtable *rt = sim_rtable(w->s, w->vnet, w->subnet);
	const char *sname = t->vnets[w->vnet].subnets[w->subnet].name;
	uint32_t dst = pkt_dst(w->p);
	struct route_hit hit;
	struct hop *h;

	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, sname, "ttl-exceeded");
		return false;
	}
	if (rtable_lookup(rt, dst, w->hash, &hit) != 0) {
		h = walk_drop(w, sname, "no-route");
		hop_why(w, h, "no Active route of subnet %s covers %s [udr]",
		    ta_s(sname), ta_ip(dst));
		return false;
	}
	if (!w->quiet) {	/* the trace line: not for sim_decide */
		struct why_sink ws;

		h = walk_route_hop(w, w->vnet, w->subnet, &hit);
		hop_why(w, h, "longest match for %s among the Active effective "
		    "routes of %s: source %s, ", ta_ip(dst), ta_s(sname),
		    ta_lit(rt_source_name(hit.r->source)));
		eroute_words(t, hit.r, why_sink(&ws, w, h));
		if (hit.exception)
			hop_why_more(w, h, "; it beats the longer BGP route %s: "
			    "system VNet routes win over BGP [udr]",
			    ta_pfx(hit.lpm_winner->pfx));
		walk_route_notes(w, h, rt, hit.r);
	}
	walk_xing(w, CAP_FABRIC, t->vnets[w->vnet].name, LINK_VNET);

	switch (hit.r->nh) {
	case NH_NONE:
		/* MODEL §2 None: dropped. */
		h = walk_drop(w, sname, "route-none");
		hop_why(w, h, "next hop type None drops the packet [udr]");
		return false;
	case NH_VNETLOCAL:
	case NH_VNETPEERING:
		deliver_vnet(w, hit.r);
		return false;
	case NH_SERVICE_ENDPOINT:
		walk_path(w, "azure-backbone");
		walk_arrive(w, "service endpoint: over the backbone with the "
		       "private source [udr]", LINK_BACKBONE, ARR_ENDPOINT);
		return false;
	case NH_INTERNET:
		internet_egress(w);
		return false;
	case NH_VIRTUAL_APPLIANCE:
		return appliance(w, hit.r->nh_ips[0], visits);
	case NH_VNET_GATEWAY:
		if (hit.r->source == RT_BGP)
			return gateway_route(w, hit.r, hit.nh_ip, visits);
		return walk_user_to_gateway(w, sname);
	case NH_COUNT:
		break;
	}
	walk_drop(w, sname, "no-route");
	return false;
}

/* ---------------------------------------------------------------- */
/* The request */

/* The request's walk from its VM (MODEL §1 to §5): the send, the
 * outbound NSGs, the host's addresses, then one routing decision after
 * another until the packet arrives, is dropped, or SIM_MAX_STEPS runs
 * out. n addresses were resolved from f->to, by origin. */
void
walk_request(struct walk *w, size_t n, const char *origin)
{
	const struct topo *t = w->t;
	const struct flow *f = w->f;
	const struct vm *v = &t->vms[f->vm];
	struct flow_result *r = w->r;
	struct hop *h;

	walk_path(w, v->name);
	h = walk_hop(w, HOP_SEND, v->name, "send %s",
	    ta_s(pkt_dst(w->p) == AZURE_DNS_IP && f->proto == PROTO_UDP && f->port == 53 ? "DNS query (UDP)" : f->proto == PROTO_TCP ? "TCP SYN" : "UDP datagram"));
	if (strcmp(origin, "address") == 0)
		hop_why(w, h, "flow %s", ta_s(f->name));
	else if (n > 1)
		hop_why(w, h, "flow %s: %s resolves (%s) to %zu addresses; the "
		    "first, %s, is used", ta_s(f->name), ta_s(f->to),
		    ta_s(origin), ta_u(n), ta_ip(r->dst));
	else
		hop_why(w, h, "flow %s: %s resolves (%s) to %s", ta_s(f->name),
		    ta_s(f->to), ta_s(origin), ta_ip(r->dst));
	walk_xing(w, CAP_NIC, v->name, LINK_COUNT);

	/* MODEL §5: outbound rules see the private source, before any SNAT. */
	if (!walk_nsg_hop(w, f->vm, DIR_OUTBOUND, true))
		return;
	/* MODEL §1: 168.63.129.16 and 169.254.169.254 are answered by the
	 * host and never follow user or BGP routes [168]. */
	if (r->dst == AZURE_DNS_IP || r->dst == AZURE_IMDS_IP) {
		h = walk_hop(w, HOP_HOSTVIP, v->name,
		    "host virtual IP: not routed");
		hop_why(w, h,
		    "%s is answered by the host the VM runs on; routes, "
		    "UDRs and forced tunneling do not apply [168]",
		    ta_ip(r->dst));
		walk_arrive(w, "answered by the host", LINK_HOST, ARR_HOSTVIP);
		return;
	}
	walk_path(w, t->vnets[v->vnet].subnets[v->subnet].name);
	walk_route_loop(w);
}

void
walk_route_loop(struct walk *w)
{
	const struct topo *t = w->t;
	struct visits visits;
	struct hop *h;
	size_t i;

	visits.n = 0;
	for (i = 0; i < SIM_MAX_STEPS && !w->done; i++) {
		if (!route_step(w, &visits) || w->done)
			break;
		walk_path(w, t->vnets[w->vnet].subnets[w->subnet].name);
	}
	if (!w->done) {
		h = walk_drop(w, "engine", "path-too-long");
		hop_why(w, h, "%d routing decisions without reaching a "
		    "destination: the walk's limit (docs/format.md, "
		    "\"Limits\")", ta_d(SIM_MAX_STEPS));
	}
}
