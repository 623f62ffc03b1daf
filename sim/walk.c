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
	char a[IP_STRLEN], b[IP_STRLEN];
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
		h = walk_hop(w, a, "delivered to host %s, source seen %s (%s)",
			     a, trace_ip(w, src, b),
			     srcclass_name(r->source_class));
		hop_why(h, "%s", via_note ? via_note : "destination reached");
		arrive_xing(w, a, link);
		r->tcp_connect = w->proto == PROTO_TCP;
		r->replied = w->proto == PROTO_TCP;
		return;
	}
	walk_path(w, svc->node);
	h = walk_hop(w, svc->node, "delivered to %s at %s, source seen %s (%s)",
		     svc->what, trace_ip(w, dst, a), trace_ip(w, src, b),
		     srcclass_name(r->source_class));
	arrive_xing(w, svc->node, link);
	if (!service_listens(svc, w->proto, pkt_dport(w->p))) {
		hop_why(h, "%s; nothing listens on %s port %u: %s",
			via_note ? via_note : "destination reached",
			proto_name(w->proto), pkt_dport(w->p),
			w->proto == PROTO_TCP ? "answered with RST" : "no answer");
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
		hop_why(h, "%s; the service answers",
			via_note ? via_note : "destination reached");
	else
		hop_why(h, "%s; activation %s: %s [kms]",
			via_note ? via_note : "destination reached",
			activation_name(r->activation), why);
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
	char a[IP_STRLEN], b[IP_STRLEN];
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
		hop_why(h, "source %s is on-premises: next hop Internet from "
			"the gateway's subnet has no NIC whose outbound "
			"address Azure's edge could use [nat]",
			ip_format(before, a));
		return;
	}
	v = &t->vms[w->sender];
	/* [udr]: an NVA that forwards to the Internet must SNAT to its own
	 * private IP first; Azure then SNATs that to a public IP. */
	if (before != v->ip) {
		h = walk_drop(w, v->name, "nva-no-snat");
		hop_why(h, "source %s is not %s's own address: an appliance "
			"forwarding to the Internet must SNAT to its own IP "
			"[udr]", ip_format(before, a), v->name);
		return;
	}
	if (!snat_choice(t, v, &snat, &how)) {
		h = walk_drop(w, "azure-edge", "no-outbound");
		hop_why(h, "no NAT gateway, no public IP, no load balancer "
			"outbound rule and default outbound access is off on "
			"subnet %s: no outbound connectivity [nat]",
			topo_vm_subnet(t, v)->name);
		return;
	}
	walk_path(w, "azure-edge");
	pkt_set_src(w->p, snat, pkt_sport(w->p));
	h = walk_hop(w, "azure-edge", "SNAT %s -> %s", trace_ip(w, before, a),
		     trace_ip(w, snat, b));
	hop_why(h, "next hop Internet: %s [nat]", how);
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
			h = walk_hop(w, t->circuits[ci].name,
				     "hairpin at the Azure side (MSEE)");
			hop_why(h, "public peering carries traffic to Azure "
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
	char a[IP_STRLEN];
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
		hop_why(h, "no NIC has address %s in VNet %s%s", ip_format(dst, a),
			t->vnets[r->vnet != TOPO_NONE ? r->vnet : w->vnet].name,
			r->vnet == TOPO_NONE ? " (user route to VnetLocal)" : "");
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
walk_reach_vm(struct walk *w, size_t vm, const char *why)
{
	const struct topo *t = w->t;
	const struct vm *v = &t->vms[vm];
	char a[IP_STRLEN];
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
	h = walk_hop(w, v->name, "delivered to VM %s, source seen %s", v->name,
		     trace_ip(w, pkt_src(w->p), a));
	hop_why(h, "%s", why);
	walk_xing(w, CAP_NIC, v->name, LINK_VNET);
	if (w->err == 0)
		w->arr_point = w->r->xing[w->r->nxing - 1].point;
}

/* The nodes of a loop that closes at appliance name: the path from the
 * appliance's first visit on, and the appliance again. */
static const char *
loop_hops(const struct flow_result *r, const char *name, char *buf,
	  size_t size)
{
	size_t i, first = 0, len;

	for (i = 0; i < r->npath; i++)
		if (strcmp(r->path[i], name) == 0) {
			first = i;
			break;
		}
	buf[0] = '\0';
	for (i = first; i < r->npath; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s > ", r->path[i]);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "%s", name);
	return buf;
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
	char a[IP_STRLEN], b[IP_STRLEN], circle[sizeof(((struct hop *)0)->why)];
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
			hop_why(h, "the packet comes back to firewall %s: the "
				"route tables send it in a circle: %s",
				t->firewalls[fi].name, loop_hops(w->r,
				t->firewalls[fi].name, circle, sizeof(circle)));
			return false;
		}
		visits->vm[visits->n++] = t->nvms + fi;
		return walk_firewall(w, fi);
	}
	if (vm == TOPO_NONE) {
		h = walk_drop(w, t->vnets[w->vnet].subnets[w->subnet].name,
			 "appliance-unreachable");
		hop_why(h, "no NIC with address %s in this VNet or a peered one "
			"[udr]", ip_format(nh_ip, a));
		return false;
	}
	v = &t->vms[vm];
	for (i = 0; i < visits->n && visits->vm[i] != vm; i++)
		;
	if (i < visits->n) {
		h = walk_drop(w, v->name, "routing-loop");
		hop_why(h, "the packet comes back to appliance %s: the route "
			"tables send it in a circle: %s", v->name,
			loop_hops(w->r, v->name, circle, sizeof(circle)));
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
		hop_why(h, "IP forwarding is off on %s's NIC: Azure drops "
			"packets not addressed to it [udr]", v->name);
		return false;
	}
	h = walk_hop(w, v->name, "network virtual appliance forwards");
	hop_why(h, "IP forwarding is on");
	walk_xing(w, CAP_APPLIANCE, v->name, LINK_VNET);
	before = pkt_src(w->p);
	if (v->snat) {
		pkt_set_src(w->p, v->ip, pkt_sport(w->p));
		walk_hop_pkt(w, h);
		if (!h->quiet)
			snprintf(h->what, sizeof(h->what),
				 "appliance SNAT %s -> %s", ip_format(before, a),
				 ip_format(v->ip, b));
		hop_why(h, "IP forwarding on, snat: true (its own address)");
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
	char a[IP_STRLEN], pf[PFX_STRLEN], src[160], lost[200] = "";
	char notes[240];
	struct hop *h;

	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, sname, "ttl-exceeded");
		return false;
	}
	if (rtable_lookup(rt, dst, w->hash, &hit) != 0) {
		h = walk_drop(w, sname, "no-route");
		hop_why(h, "no Active route of subnet %s covers %s [udr]",
			sname, ip_format(dst, a));
		return false;
	}
	if (!w->quiet) {	/* the trace line: not for sim_decide */
		eroute_describe(t, hit.r, src, sizeof(src));
		if (hit.exception) {
			char pf2[PFX_STRLEN];
			snprintf(lost, sizeof(lost), "; it beats the longer BGP "
				 "route %s: system VNet routes win over BGP "
				 "[udr]", pfx_format(hit.lpm_winner->pfx, pf2));
		}
		h = walk_hop(w, sname, "route %s -> %s%s%s",
			     pfx_format(hit.r->pfx, pf), nh_type_name(hit.r->nh),
			     hit.nh_ip ? " " : "",
			     hit.nh_ip ? ip_format(hit.nh_ip, a) : "");
		walk_route_notes(t, rt, hit.r, notes, sizeof(notes));
		hop_why(h, "longest match for %s among the Active effective "
			"routes of %s: source %s, %s%s%s", ip_format(dst, a),
			sname, rt_source_name(hit.r->source), src, lost, notes);
	}
	walk_xing(w, CAP_FABRIC, t->vnets[w->vnet].name, LINK_VNET);

	switch (hit.r->nh) {
	case NH_NONE:
		/* MODEL §2 None: dropped. */
		h = walk_drop(w, sname, "route-none");
		hop_why(h, "next hop type None drops the packet [udr]");
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
	char a[IP_STRLEN], b[IP_STRLEN];
	struct hop *h;

	walk_path(w, v->name);
	h = walk_hop(w, v->name, "send %s",
		     pkt_dst(w->p) == AZURE_DNS_IP && f->proto == PROTO_UDP &&
		     f->port == 53 ? "DNS query (UDP)" :
		     f->proto == PROTO_TCP ? "TCP SYN" : "UDP datagram");
	if (strcmp(origin, "address") == 0)
		hop_why(h, "flow %s", f->name);
	else if (n > 1)
		hop_why(h, "flow %s: %s resolves (%s) to %zu addresses; the "
			"first, %s, is used", f->name, f->to, origin, n,
			ip_format(r->dst, b));
	else
		hop_why(h, "flow %s: %s resolves (%s) to %s", f->name, f->to,
			origin, ip_format(r->dst, b));
	walk_xing(w, CAP_NIC, v->name, LINK_COUNT);

	/* MODEL §5: outbound rules see the private source, before any SNAT. */
	if (!walk_nsg_hop(w, f->vm, DIR_OUTBOUND, true))
		return;
	/* MODEL §1: 168.63.129.16 and 169.254.169.254 are answered by the
	 * host and never follow user or BGP routes [168]. */
	if (r->dst == AZURE_DNS_IP || r->dst == AZURE_IMDS_IP) {
		h = walk_hop(w, v->name, "host virtual IP: not routed");
		hop_why(h, "%s is answered by the host the VM runs on; routes, "
			"UDRs and forced tunneling do not apply [168]",
			ip_format(r->dst, a));
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
		hop_why(h, "%d routing decisions without reaching a "
			"destination: the walk's limit (docs/format.md, "
			"\"Limits\")", SIM_MAX_STEPS);
	}
}
