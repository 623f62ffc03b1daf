/*
 * inbound.c: a connection opened by a host on the Internet to an
 * instance-level public IP, and the VM's answer (MODEL §2, §5, §7).
 *
 * The request crosses the Internet to Azure's edge, which translates the
 * public IP to the NIC's private address (an instance public IP is a
 * 1:1 NAT with state), enters the VNet's fabric, meets the inbound NSGs
 * (subnet, then NIC) and reaches the VM. The answer leaves the VM by its
 * subnet's effective routes like any packet. Over next hop Internet the
 * edge's state translates it back and the host sees the address it
 * called. Over a forced tunnel (0.0.0.0/0 to the gateway) it reaches
 * on-premises and leaves through the customer's Internet edge with that
 * edge's address, which the host never called: an asymmetric route, and
 * the handshake fails. An appliance that never saw the request drops the
 * answer.
 */
#include <stdio.h>
#include <string.h>

#include "sim/services.h"
#include "sim/walkint.h"
#include "topology/estate.h"

/* The host's own capture point and the end of both walks. */
static void
host_xing(struct walk *w, const char *host, enum link_kind link)
{
	walk_xing(w, CAP_HOST, host, link);
}

void
inbound_walk(struct walk *w)
{
	const struct topo *t = w->t;
	struct flow_result *r = w->r;
	uint32_t pip = pkt_dst(w->p), host = pkt_src(w->p);
	size_t vm = topo_vm_by_public_ip(t, pip);
	char a[IP_STRLEN], b[IP_STRLEN];
	const struct vm *v;
	const struct subnet *sn;
	struct hop *h;

	ip_format(host, a);
	ip_format(pip, b);
	walk_path(w, a);
	h = walk_hop(w, HOP_SEND, a, "send %s",
	    ta_lit(w->proto == PROTO_TCP ? "TCP SYN" : "UDP datagram"));
	hop_why(w, h, "flow %s: a host on the Internet opens a connection to "
	    "%s (%s)", ta_s(w->f->name), ta_s(w->f->to), ta_ip(pip));
	host_xing(w, a, LINK_COUNT);
	walk_path(w, "internet");
	if (vm == TOPO_NONE) {
		if (walk_azure_public(w, pip)) {
			h = walk_drop(w, "azure-edge", "no-public-ip");
			hop_why(w, h,
			    "no NIC of the scenario has public IP %s: "
			    "Azure's edge has nowhere to deliver it",
			    ta_ip(pip));
		} else {
			h = walk_drop(w, "internet", "not-azure");
			hop_why(w, h, "%s is not an Azure public address: the "
			    "packet never reaches Azure", ta_ip(pip));
		}
		return;
	}
	v = &t->vms[vm];
	sn = topo_vm_subnet(t, v);
	w->vnet = v->vnet;
	w->subnet = v->subnet;

	/* MODEL §2: an instance public IP is Azure's 1:1 NAT of the NIC's
	 * private address, kept as state for the answer (§7). */
	walk_path(w, "azure-edge");
	pkt_set_dst(w->p, v->ip, pkt_dport(w->p));
	h = walk_hop(w, HOP_NAT, "azure-edge", "DNAT %s -> %s", ta_ip(pip),
	    ta_ip(v->ip));
	hop_why(w, h, "%s is the instance-level public IP of %s's NIC: Azure's "
	    "edge translates it to the private address and keeps the "
	    "connection's state [nat]", ta_ip(pip), ta_s(v->name));
	walk_xing(w, CAP_AZURE_EDGE, NULL, LINK_INTERNET);
	walk_nat(w, "Azure's instance public IP", v->ip, pkt_dport(w->p), pip,
		 pkt_dport(w->p));
	walk_path(w, sn->name);
	h = walk_hop(w, HOP_EDGE, sn->name, "into VNet %s, subnet %s",
	    ta_s(t->vnets[v->vnet].name), ta_s(sn->name));
	hop_why(w, h,
	    "the edge delivers into the VNet's fabric, to the NIC that "
	    "owns the address");
	walk_xing(w, CAP_FABRIC, t->vnets[v->vnet].name, LINK_BACKBONE);

	/* MODEL §5: inbound, the subnet's NSG then the NIC's. */
	if (!walk_nsg_hop(w, vm, DIR_INBOUND, true))
		return;
	walk_path(w, v->name);
	r->delivered = true;
	r->has_source_seen = true;
	r->source_seen = host;
	r->source_class = source_classify(t, host);
	h = walk_hop(w, HOP_DELIVER, v->name,
	    "delivered to %s at %s:%u, source seen %s (%s)", ta_s(v->name),
	    ta_ip(v->ip), ta_u(pkt_dport(w->p)), ta_ip(host),
	    ta_lit(srcclass_name(r->source_class)));
	hop_why(w, h,
	    "the host's own address: an instance public IP translates "
	    "the destination only [nat]");
	walk_xing(w, CAP_NIC, v->name, LINK_VNET);
	w->done = true;
	w->arr = ARR_VM;
	w->arr_vm = vm;
	w->arr_point = r->xing[r->nxing - 1].point;
	/* A TCP handshake needs the answer; a datagram gets none. */
	r->tcp_connect = w->proto == PROTO_TCP;
	r->replied = w->proto == PROTO_TCP;
}

/* The answer reached the host: from the address it called, or not. */
static void
answer_at_host(struct walk *w, uint32_t called, const char *how)
{
	char a[IP_STRLEN];
	uint32_t src = pkt_src(w->p);
	struct hop *h;

	ip_format(pkt_dst(w->p), a);
	walk_path(w, a);
	host_xing(w, a, LINK_INTERNET);
	if (src == called) {
		h = walk_hop(w, HOP_ANSWER, a,
		    "answer from %s:%u: the connection's", ta_ip(src),
		    ta_u(pkt_sport(w->p)));
		hop_why(w, h, "the host called %s; %s", ta_ip(src), ta_s(how));
		w->r->reply_delivered = true;
		w->done = true;
		return;
	}
	h = walk_drop(w, a, "reply-mismatch");
	hop_why(w, h, "the host called %s but the answer comes from %s: no "
	    "connection of the host matches it, so it is reset; %s: an "
	    "asymmetric route [nat]", ta_ip(called), ta_ip(src), ta_s(how));
	w->r->asymmetric = true;
}

/* The answer over a forced tunnel (a BGP route learned from a circuit or
 * a VPN site): the gateway, the circuit or tunnel, the site's Internet
 * edge and its SNAT (MODEL §3, §8). */
static void
answer_onprem(struct walk *w, const struct route_hit *hit, uint32_t called)
{
	const struct topo *t = w->t;
	uint32_t edge = 0;
	size_t site = hit->r->site;
	const char *name;
	struct hop *h;

	if (hit->r->source != RT_BGP ||
	    (hit->r->circuit == TOPO_NONE && site == TOPO_NONE) ||
	    !topo_site_edge(t, site, &edge) || edge == 0) {
		h = walk_drop(w, t->vnets[w->vnet].name, "reply-no-route");
		hop_why(w, h, "the route leads to a gateway, but no circuit, "
		    "on-premises site or on-premises Internet edge carries "
		    "it to the Internet");
		return;
	}
	name = topo_site_name(t, site);
	if (site == TOPO_NONE) {
		if (!walk_circuit_hops(w, hit->r->circuit, hit->r, hit->nh_ip))
			return;
	} else {
		const char *gw = t->gateways[t->vpn_sites[site].gateway].name;

		walk_path(w, gw);
		h = walk_hop(w, HOP_GATEWAY, gw,
		    "VPN gateway: tunnel to site %s", ta_s(name));
		hop_why(w, h, "route of VPN site %s [vpn-ft]", ta_s(name));
		walk_gateway_xing(w, gw, 0, LINK_GATEWAY);
	}
	walk_path(w, name);
	walk_xing(w, CAP_ONPREM_INSIDE, name, site == TOPO_NONE ? LINK_ONPREM
								  : LINK_INTERNET);
	walk_edge_snat(w, site, edge, LINK_COUNT);
	walk_path(w, "internet");
	answer_at_host(w, called, "the answer followed the forced tunnel "
		       "and left through the on-premises edge, not through "
		       "Azure's edge that translated the request");
}

void
inbound_reply(struct walk *w)
{
	const struct topo *t = w->t;
	struct flow_result *r = w->r;
	const struct vm *v = &t->vms[w->arr_vm];
	const struct rtable *rt = sim_rtable(w->s, v->vnet, v->subnet);
	const char *sname = topo_vm_subnet(t, v)->name;
	const struct natrec *n = r->nnat > 0 ? &r->nat[0] : NULL;
	uint32_t called = n != NULL ? n->outside : 0;
	struct route_hit hit;
	char b[IP_STRLEN];
	struct pkt p;
	struct hop *h;
	size_t ap;
	int rc;

	if ((rc = walk_answer_build(w, &p)) != 0) {
		w->err = rc;
		return;
	}
	/* cppcheck-suppress autoVariables ; the walk ends here, and
	 * sim_run_flow reads nothing of w->p after it. */
	w->p = &p;
	w->reply = true;
	w->done = false;
	w->clock_us = 0;
	walk_path(w, v->name);
	h = walk_hop(w, HOP_ANSWER, v->name, "answer to %s:%u",
	    ta_ip(pkt_dst(&p)), ta_u(pkt_dport(&p)));
	hop_why(w, h, "the NSGs let the answer of an allowed connection out "
	    "(stateful) [nsg]; it leaves by the subnet's effective routes "
	    "[udr]");
	walk_xing_at(w, w->arr_point, LINK_ANSWER);

	walk_path(w, sname);
	if (rtable_lookup(rt, pkt_dst(&p), w->hash, &hit) != 0) {
		h = walk_drop(w, sname, "reply-no-route");
		hop_why(w, h, "no Active route of subnet %s covers %s [udr]",
		    ta_s(sname), ta_ip(pkt_dst(&p)));
		return;
	}
	h = walk_route_hop(w, v->vnet, v->subnet, &hit);
	hop_why(w, h,
	    "longest match for %s among the Active effective routes of "
	    "%s: source %s", ta_ip(pkt_dst(&p)), ta_s(sname),
	    ta_lit(rt_source_name(hit.r->source)));
	walk_route_notes(w, h, rt, hit.r);
	walk_xing(w, CAP_FABRIC, t->vnets[v->vnet].name, LINK_VNET);

	switch (hit.r->nh) {
	case NH_INTERNET:
		/* MODEL §7: the edge's state undoes the translation. */
		walk_path(w, "azure-edge");
		pkt_set_src(w->p, called, pkt_sport(w->p));
		h = walk_hop(w, HOP_NAT, "azure-edge", "un-NAT %s -> %s",
		    ta_ip(v->ip), ta_ip(called));
		hop_why(w, h,
		    "%s made the request's translation; its state maps "
		    "the answer back to the public IP [nat]",
		    n != NULL ? ta_pool(n->who) : ta_lit("the edge"));
		walk_xing(w, CAP_AZURE_EDGE, NULL, LINK_VNET);
		walk_path(w, "internet");
		answer_at_host(w, called, "the answer left through the edge "
			       "that translated the request");
		return;
	case NH_VNET_GATEWAY:
		answer_onprem(w, &hit, called);
		return;
	case NH_VIRTUAL_APPLIANCE:
		/* MODEL §7: a stateful appliance that sees one direction
		 * only drops the connection. */
		ap = walk_vm_at(w, hit.nh_ip, v->vnet);
		ip_format(hit.nh_ip, b);
		if (ap != TOPO_NONE) {
			walk_path(w, t->vms[ap].name);
			walk_xing(w, CAP_APPLIANCE, t->vms[ap].name, LINK_VNET);
		}
		h = walk_drop(w, ap != TOPO_NONE ? t->vms[ap].name : b,
			      "asymmetric-appliance");
		hop_why(w, h,
		    "the appliance at %s never saw the request, which came "
		    "through Azure's edge straight to the NIC: a stateful "
		    "appliance drops an answer to a connection it does not "
		    "know [udr]", ta_ip(hit.nh_ip));
		r->asymmetric = true;
		return;
	case NH_NONE:
		h = walk_drop(w, sname, "route-none");
		hop_why(w, h, "next hop None drops the answer [udr]");
		return;
	default:
		h = walk_drop(w, sname, "reply-no-route");
		hop_why(w, h, "next hop %s does not lead to the Internet",
		    ta_lit(nh_type_name(hit.r->nh)));
		return;
	}
}
