/*
 * hops.c: the hops the request's walk and the answers' share: an NSG
 * verdict at a NIC, the ExpressRoute gateway and circuit, the VM at an
 * address, and what a route decision's trace line notes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/nsgcls.h"
#include "sim/services.h"
#include "sim/vwan.h"
#include "sim/walkint.h"
#include "topology/estate.h"
#include "topology/names.h"

/* The NSG line's why: the rules that decided, in evaluation order. */
static void
describe_verdict(struct walk *w, struct hop *h, const struct nsg_verdict *v)
{
	size_t i;

	if (v->is_platform) {
		hop_why(w, h, "hidden platform rule %s: platform traffic is "
		    "allowed before any user rule, never written to flow "
		    "logs, unknown to IP flow verify [nsg] [seed-002]",
		    ta_s(v->rule));
		return;
	}
	if (v->nsteps == 0) {
		hop_why(w, h, "no NSG on the NIC nor on the subnet: allowed "
		    "[nsg]");
		return;
	}
	for (i = 0; i < v->nsteps; i++) {
		const struct nsg_step *s = &v->steps[i];

		hop_why_more(w, h, "%sNSG %s: %s rule %s (priority %d) %s",
		    ta_lit(i ? "; " : ""), ta_s(s->nsg->name),
		    ta_lit(s->is_default ? "default" : "user"), ta_s(s->name),
		    ta_d(s->priority),
		    ta_lit(s->access == ACCESS_ALLOW ? "allows" : "denies"));
	}
}

/* The index of the user rule that decided v in its NSG, HOP_NONE for a
 * default or platform rule, or none. */
static uint32_t
verdict_rule(const struct nsg_verdict *v)
{
	const struct nsg_step *s;

	if (v->nsteps == 0 || v->is_platform)
		return HOP_NONE;
	s = &v->steps[v->nsteps - 1];
	if (s->is_default || s->rule == NULL || s->nsg == NULL ||
	    s->rule < s->nsg->rules ||
	    s->rule >= s->nsg->rules + s->nsg->nrules)
		return HOP_NONE;
	return (uint32_t)(s->rule - s->nsg->rules);
}

/* Evaluate the NSGs of VM vm for the packet as it is now; returns true
 * when allowed. source_nic: the verdict that decides the flow (its own
 * VM outbound, or an inbound flow's VM) becomes the flow's nsg_rule /
 * flow_logged / ip_flow_verify. */
bool
walk_nsg_hop(struct walk *w, size_t vm, enum direction dir, bool source_nic)
{
	const struct topo *t = w->t;
	const struct vm *v = &t->vms[vm];
	struct nsg_query q = { dir, w->proto, pkt_src(w->p), pkt_dst(w->p),
			       pkt_sport(w->p), pkt_dport(w->p) };
	struct nsg_verdict real, blind;
	struct hop *h;

	sim_nsg_eval(w->s, vm, &q, true, &real);
	/* IP flow verify's view differs only when a hidden platform rule
	 * decided (nsgcls_eval: the rest is the same evaluation). */
	if (source_nic && real.is_platform)
		sim_nsg_eval(w->s, vm, &q, false, &blind);
	else
		blind = real;
	if (w->quiet)		/* sim_decide: the verdict, no line */
		goto decided;
	h = walk_hop(w, HOP_NSG, v->name, "NSG %s: %s%s%s%s",
	    ta_lit(dir == DIR_OUTBOUND ? "outbound" : "inbound"),
	    ta_lit(real.access == ACCESS_ALLOW ? "allowed" : "denied"),
	    ta_lit(real.rule ? " by " : " (no NSG)"),
	    ta_s(real.rule ? real.rule : ""),
	    ta_lit(real.is_platform ? " (hidden platform rule)" : ""));
	if (h != &w->scratch)
		h->rule = verdict_rule(&real);
	describe_verdict(w, h, &real);
	if (real.platform_off_rule)
		hop_why_more(w, h, "; platform rule %s is off: user deny rule "
		    "%s targets its tag", ta_lit(platform_tag(real.platform)),
		    ta_s(real.platform_off_rule->name));
	else if (real.platform_off_by_route)
		hop_why_more(w, h, "; platform rule %s is off: the subnet is "
		    "forced through a 0.0.0.0/0 that is not Internet (switch "
		    "lkm_off_with_forced_default) [nsg]",
		    ta_lit(platform_tag(real.platform)));
decided:

	if (source_nic) {
		struct flow_result *r = w->r;

		r->nsg_rule = walk_str(w, real.rule);
		r->nsg_rule_hidden = real.is_platform;
		/* MODEL §6: platform traffic never appears in flow logs; a
		 * flow is logged by the NSG whose rule decided it. */
		r->flow_logged = !real.is_platform && real.by != NULL;
		/* MODEL §6: IP flow verify is blind to the platform rules. */
		r->ip_flow_verify = blind.access;
		/* "KIND/RULE" */
		r->ip_flow_verify_rule = blind.rule == NULL ? 0 :
		    walk_str2(w, blind.is_default ? "defaultSecurityRules/" :
		    "securityRules/", blind.rule);
	}
	if (real.access == ACCESS_DENY) {
		walk_drop(w, v->name, "nsg-deny");
		return false;
	}
	return true;
}

void
walk_edge_snat(struct walk *w, size_t site, uint32_t edge,
	       enum link_kind link)
{
	const char *name = topo_site_name(w->t, site);
	uint32_t before = pkt_src(w->p);
	struct hop *h;

	pkt_set_src(w->p, edge, pkt_sport(w->p));
	h = walk_hop(w, HOP_NAT, name, "Internet edge: SNAT %s -> %s",
	    ta_ip(before), ta_ip(edge));
	if (site == TOPO_NONE)
		hop_why(w, h, "the customer edge's default route leads to the "
		    "on-premises Internet edge, which SNATs to its public "
		    "IP [seed-000]");
	else
		hop_why(w, h, "the site's default route leads to its Internet "
		    "edge, which SNATs to its public IP [vpn-ft]");
	walk_xing(w, CAP_ONPREM_OUTSIDE, name, link);
}

bool
walk_gateway_to_circuit(struct walk *w, size_t ci)
{
	const struct circuit *c = &w->t->circuits[ci];
	struct hop *h;

	walk_path(w, c->gateway);
	/* The gateway and the MSEE are routing hops: each lowers the TTL
	 * (docs/model.md §7 "Packets"; MODEL.md is silent on TTL). */
	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, c->gateway, "ttl-exceeded");
		return false;
	}
	h = walk_hop(w, HOP_GATEWAY, c->gateway,
	    "ExpressRoute gateway: to circuit %s", ta_s(c->name));
	hop_why(w, h, "BGP routes of private peering lead through the gateway "
	    "to the circuit [udr]");
	walk_gateway_xing(w, c->gateway, 0, LINK_GATEWAY);
	walk_path(w, c->name);
	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, c->name, "ttl-exceeded");
		return false;
	}
	return true;
}

/* MODEL §2 VirtualNetworkGateway: a BGP route leads through the
 * ExpressRoute gateway and the circuit's private peering (MSEE) to the
 * customer edge. */
bool
walk_circuit_hops(struct walk *w, size_t ci, const struct eroute *r,
		  uint32_t nh_ip)
{
	const struct circuit *c = &w->t->circuits[ci];
	struct hop *h;

	if (!walk_gateway_to_circuit(w, ci))
		return false;
	if (nh_ip)
		h = walk_hop(w, HOP_CIRCUIT, c->name, "private peering (MSEE "
		    "-> customer edge), BGP next hop %s", ta_ip(nh_ip));
	else
		h = walk_hop(w, HOP_CIRCUIT, c->name,
		    "private peering (MSEE -> customer edge)");
	if (r->nnh > 1)
		hop_why(w, h,
		    "ECMP over %u next hops, chosen by the flow's hash",
		    ta_u((unsigned)r->nnh));
	else
		hop_why(w, h,
		    "the packet leaves Azure for on-premises [seed-000]");
	walk_xing(w, CAP_CIRCUIT_PRIVATE, c->name, LINK_CIRCUIT);
	return true;
}

/* The VM at the packet's destination if its VNet is behind gateway gi
 * (its own gateway, or its hub's through transit: what the gateway
 * advertises, MODEL §8 [peer]); TOPO_NONE otherwise. */
size_t
walk_vm_behind_gateway(const struct walk *w, size_t gi)
{
	const struct topo *t = w->t;
	uint32_t dst = pkt_dst(w->p);
	size_t vn = topo_vnet_behind(t, gi, dst), k, n;

	/* The VNets first: most destinations past a gateway are in none. */
	if (vn == TOPO_NONE)
		return TOPO_NONE;
	for (n = sim_vms_at(w->s, dst, &k); n > 0; n--, k++)
		if (t->vms[w->s->byip[k].vm].vnet == vn)
			return w->s->byip[k].vm;
	return TOPO_NONE;
}

void
walk_gateway_xing(struct walk *w, const char *name, uint32_t nh_ip,
		  enum link_kind link)
{
	const struct topo *t = w->t;
	size_t gi = topo_gateway_find(t, name), k;
	const struct gateway *g;
	char inst[SIM_NODE_LEN + IP_STRLEN + 1], ip[IP_STRLEN];

	if (gi == TOPO_NONE || !(g = &t->gateways[gi])->active_active ||
	    g->ninstance_ips < 2) {
		walk_xing(w, CAP_GATEWAY, name, link);
		return;
	}
	for (k = 0; nh_ip != 0 && k < g->ninstance_ips; k++)
		if (g->instance_ips[k] == nh_ip)
			w->gw_inst = (int)k;
	if (w->gw_inst < 0 || (size_t)w->gw_inst >= g->ninstance_ips)
		w->gw_inst = (int)(w->hash % g->ninstance_ips);
	snprintf(inst, sizeof(inst), "%s-%s", g->name,
		 ip_format(g->instance_ips[w->gw_inst], ip));
	walk_xing(w, CAP_GATEWAY, inst, link);
}

/* Same VNet or peered: reachable without a gateway. */
bool
walk_reachable(const struct topo *t, size_t a, size_t b)
{
	return a == b || topo_peered(t, a, b);
}

bool
walk_peering_ok(struct walk *w, size_t from, size_t to, const char *node)
{
	const struct topo *t = w->t;
	struct hop *h;

	if (from == to || from == TOPO_NONE || to == TOPO_NONE)
		return true;
	if (!topo_peer_access(t, from, to)) {
		h = walk_drop(w, node, "peering-access-denied");
		hop_why(w, h, "the peering of VNet %s with %s does not allow "
		    "virtual network access (allowVirtualNetworkAccess "
		    "off on %s's side) [peer]", ta_s(t->vnets[from].name),
		    ta_s(t->vnets[to].name), ta_s(t->vnets[from].name));
		return false;
	}
	/* Through the hub's gateway into one of its spokes: gateway
	 * transit, not forwarded traffic. */
	if (w->via_gateway && t->vnets[to].hub == from)
		return true;
	if (!topo_vnet_holds(t, from, pkt_src(w->p)) &&
	    !topo_peer_forwarded(t, to, from)) {
		h = walk_drop(w, node, "forwarded-traffic-denied");
		hop_why(w, h, "source %s is outside VNet %s: the packet was "
		    "forwarded, and %s's side of the peering does not "
		    "allow forwarded traffic (allowForwardedTraffic) [peer]",
		    ta_ip(pkt_src(w->p)), ta_s(t->vnets[from].name),
		    ta_s(t->vnets[to].name));
		return false;
	}
	return true;
}

bool
walk_azure_public(const struct walk *w, uint32_t ip)
{
	return tag_contains(w->s->cloud, ip);
}

size_t
walk_vm_at(const struct walk *w, uint32_t ip, size_t vnet)
{
	const struct topo *t = w->t;
	size_t i, k, n;

	if (w->f->vm < t->nvms && t->vms[w->f->vm].ip == ip &&
	    (vnet == TOPO_NONE || walk_reachable(t, t->vms[w->f->vm].vnet, vnet)))
		return w->f->vm;
	for (n = sim_vms_at(w->s, ip, &k); n > 0; n--, k++) {
		i = w->s->byip[k].vm;
		if (vnet == TOPO_NONE || walk_reachable(t, t->vms[i].vnet, vnet))
			return i;
	}
	return TOPO_NONE;
}

/* What else an engineer checks about a route decision: the routes it
 * made Invalid for the same prefix, and BGP routes that are missing. */
void
walk_route_notes(struct walk *w, struct hop *h, const struct rtable *rt,
		 const struct eroute *win)
{
	const struct topo *t = w->t;
	size_t i;

	for (i = 0; i < rt->ninvalid; i++) {
		const struct eroute *e = &rt->r[rt->invalid[i]];

		if (e == win || e->state != RT_INVALID ||
		    !pfx_equal(e->pfx, win->pfx))
			continue;
		hop_why_more(w, h, "; the %s route to %s for the same prefix "
		    "is Invalid", ta_lit(e->source == RT_BGP ? "BGP" :
		    e->source == RT_USER ? "user" : "system"),
		    ta_lit(nh_type_name(e->nh)));
	}
	if (rt->bgp_disabled)
		hop_why_more(w, h, "; no BGP routes: route table %s disables "
		    "gateway route propagation", ta_s(t->rtables[t->vnets[
		    rt->vnet].subnets[rt->subnet].route_table].name));
	if (rt->bgp_dropped)
		hop_why_more(w, h, "; no BGP routes: the circuit's BGP session "
		    "dropped over its prefix limit [er-limits]");
	/* MODEL §8 [vwan]: a default the hub has and does not give. */
	if (win->pfx.len == 0 && win->source == RT_DEFAULT)
		walk_vhub_default_note(w, h, rt);
}

/* A route decision's line: route hit->r of the effective routes of
 * subnet sn of VNet vn, to its next hop. */
struct hop *
walk_route_hop(struct walk *w, size_t vn, size_t sn,
	       const struct route_hit *hit)
{
	const char *sname = w->t->vnets[vn].subnets[sn].name;
	struct hop *h;

	if (hit->nh_ip)
		h = walk_hop(w, HOP_ROUTE, sname, "route %s -> %s %s",
		    ta_pfx(hit->r->pfx), ta_lit(nh_type_name(hit->r->nh)),
		    ta_ip(hit->nh_ip));
	else
		h = walk_hop(w, HOP_ROUTE, sname, "route %s -> %s",
		    ta_pfx(hit->r->pfx), ta_lit(nh_type_name(hit->r->nh)));
	if (h != &w->scratch) {
		const struct rtable *rt = sim_rtable(w->s, vn, sn);

		h->ctx = (uint32_t)sim_context_of(w->s, vn, sn);
		h->route = (uint32_t)(hit->r - rt->r);
	}
	return h;
}

int
walk_answer_build(struct walk *w, struct pkt *p)
{
	const struct pkt *q = &w->r->request;

	if (w->proto == PROTO_TCP)
		return pkt_build_tcp(w->s->pb, p, pkt_dst(q), pkt_dport(q),
				     pkt_src(q), pkt_sport(q), 0, 0,
				     PKT_SYN | PKT_ACK, SIM_TTL, NULL, 0);
	return pkt_build_udp(w->s->pb, p, pkt_dst(q), pkt_dport(q),
			     pkt_src(q), pkt_sport(q), SIM_TTL, NULL, 0);
}
