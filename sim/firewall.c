/*
 * firewall.c: an Azure Firewall on the packet's way (MODEL §8 [fw-rules]
 * [fw-snat] [fw-ft]).
 *
 * A route whose next hop is the firewall's private IP hands it the
 * packet. Network rule collections are processed first, then application
 * rule collections, each type by rule collection group priority and then
 * collection priority; the first rule that matches decides, and no match
 * denies. An application rule matches HTTP, HTTPS or MSSQL by the name
 * the client asks for (the TLS SNI or HTTP Host: the flow's destination
 * name), so it never matches a protocol that carries no such name: KMS
 * speaks its own RPC over TCP 1688, which only a network rule passes.
 *
 * What the firewall allows it SNATs: an application rule always; a
 * network rule unless the destination is in its private ranges
 * (snat_private_ranges, RFC 1918 and RFC 6598 by default). A public
 * destination gets the firewall's public IP, or, in forced tunnelling
 * mode, its private IP; then AzureFirewallSubnet's routes carry it on. A
 * firewall without forced tunnelling needs a direct way to the Internet:
 * when that subnet's route for a public destination is anything but
 * Internet (a BGP 0.0.0.0/0 from on-premises), the packet is dropped.
 *
 * The firewall is stateful: the reply must cross it, and it undoes its
 * SNAT.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/services.h"
#include "sim/walkint.h"
#include "topology/vec.h"

#define FW_NOMATCH UINT32_MAX

/* What decided, and why (the trace's words). */
struct fw_verdict {
	uint32_t coll, rule;	/* FW_NOMATCH: the default deny */
	bool allow;
	bool app;		/* an application rule decided, or would log */
	/* The application rule that matched all but the protocol the flow
	 * speaks (KMS over Https:1688): the trace says why it did not. */
	uint32_t near_coll, near_rule;
};

static bool
fw_addr_match(const struct topo *t, const struct addr_spec *a, uint32_t ip)
{
	const struct tag *tg;
	size_t i;

	if (a->any)
		return true;
	for (i = 0; i < a->n; i++) {
		if (!a->items[i].is_tag) {
			if (pfx_contains_ip(a->items[i].pfx, ip))
				return true;
			continue;
		}
		tg = tagset_find(t->tags, a->items[i].tag);
		if (tg != NULL && tag_contains(tg, ip))
			return true;
	}
	return false;
}

static bool
fw_net_match(const struct topo *t, const struct fw_rule *r, unsigned proto,
	     uint32_t src, uint32_t dst, uint16_t dport)
{
	size_t i;
	bool hit;

	if ((r->proto & proto) == 0 || !fw_addr_match(t, &r->src, src))
		return false;
	if (proto != PROTO_ICMP && !port_spec_has(&r->dports, dport))
		return false;
	hit = (r->dst.any || r->dst.n > 0) && fw_addr_match(t, &r->dst, dst);
	for (i = 0; !hit && i < r->nfqdn_ips; i++)
		hit = r->fqdn_ips[i] == dst;
	return hit;
}

/* A target FQDN pattern against the name asked for: equal, '*' (any),
 * or '*.example.com' (any name under example.com). */
static bool
fw_fqdn_match(const char *pat, const char *name)
{
	size_t lp, ln;

	if (strcmp(pat, "*") == 0)
		return true;
	if (strncmp(pat, "*.", 2) == 0) {
		lp = strlen(pat + 1);
		ln = strlen(name);
		return ln > lp && strcasecmp(name + ln - lp, pat + 1) == 0;
	}
	return strcasecmp(pat, name) == 0;
}

/* The name the client asks for (SNI, Host): the flow's destination when
 * written as a name. */
static const char *
fw_target(const struct walk *w)
{
	uint32_t ip;

	if (w->f->to == NULL || ip_parse(w->f->to, &ip) == 0)
		return NULL;
	return w->f->to;
}

/*
 * Does an application rule match? *near: it would, but for the protocol
 * the flow speaks (a service that speaks none of Http, Https, Mssql).
 */
static bool
fw_app_match(const struct walk *w, const struct fw_rule *r, uint32_t src,
	     uint16_t dport, const char *target, bool speaks, bool *near)
{
	size_t i;
	bool port = false, name = false;

	*near = false;
	if (w->proto != PROTO_TCP || target == NULL ||
	    !fw_addr_match(w->t, &r->src, src))
		return false;
	for (i = 0; i < r->naprotos && !port; i++)
		port = r->aprotos[i].port == dport;
	for (i = 0; i < r->nfqdns && !name; i++)
		name = fw_fqdn_match(r->fqdns[i], target);
	if (!port || !name)
		return false;
	if (!speaks) {
		*near = true;
		return false;
	}
	return true;
}

/* MODEL §8 [fw-rules]: the firewall's decision on the packet as it is. */
static void
fw_decide(const struct walk *w, size_t fi, struct fw_verdict *v)
{
	const struct topo *t = w->t;
	const struct firewall *fw = &t->firewalls[fi];
	const size_t *order = w->s->fworder[fi];
	const struct service *svc = service_at_kms(w->s->kms, w->s->nkms,
						   pkt_dst(w->p));
	const char *target = fw_target(w);
	uint32_t src = pkt_src(w->p), dst = pkt_dst(w->p);
	uint16_t dport = pkt_dport(w->p);
	/* KMS speaks MS-RPC, DNS its own protocol: neither carries the
	 * name an application rule matches. */
	bool speaks = svc == NULL || (svc->kind != SVC_KMS &&
				      svc->kind != SVC_DNS);
	bool near = false;
	size_t i, k;

	v->coll = v->rule = v->near_coll = v->near_rule = FW_NOMATCH;
	v->allow = false;
	v->app = false;
	for (i = 0; i < fw->ncolls; i++) {
		const struct fw_coll *c = &fw->colls[order[i]];

		for (k = 0; k < c->nrules; k++) {
			const struct fw_rule *r = &c->rules[k];
			bool hit;

			if (c->type == FWC_NETWORK)
				hit = fw_net_match(t, r, w->proto, src, dst,
						   dport);
			else
				hit = fw_app_match(w, r, src, dport, target,
						   speaks, &near);
			if (c->type == FWC_APPLICATION && !hit && near &&
			    v->near_coll == FW_NOMATCH) {
				v->near_coll = (uint32_t)order[i];
				v->near_rule = (uint32_t)k;
			}
			if (!hit)
				continue;
			v->coll = (uint32_t)order[i];
			v->rule = (uint32_t)k;
			v->allow = c->action == ACCESS_ALLOW;
			v->app = c->type == FWC_APPLICATION;
			return;
		}
	}
	/* No rule: the default deny, in the application log when the flow
	 * speaks HTTP, HTTPS or MSSQL to a name, else in the network log
	 * (KMS, whatever an application rule names). */
	v->app = w->proto == PROTO_TCP && target != NULL && speaks &&
		 (dport == 80 || dport == 443 || dport == 1433);
}

/* Keep the decision for the firewall's logs. */
static void
fw_record(struct walk *w, size_t fi, const struct fw_verdict *v)
{
	struct flow_result *r = w->r;
	struct fwrec *x;

	if (VEC_GROW(r->fw, r->nfw, r->cfw) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	x = &r->fw[r->nfw++];
	memset(x, 0, sizeof(*x));
	x->fw = (uint32_t)fi;
	x->coll = v->coll;
	x->rule = v->rule;
	x->app = v->app;
	x->allow = v->allow;
	x->proto = (uint8_t)w->proto;
	x->src = pkt_src(w->p);
	x->dst = pkt_dst(w->p);
	x->sport = pkt_sport(w->p);
	x->dport = pkt_dport(w->p);
	x->at_us = w->clock_us;
}

static bool
fw_private(const struct firewall *fw, uint32_t ip)
{
	size_t i;

	for (i = 0; i < fw->nsnat_private; i++)
		if (pfx_contains_ip(fw->snat_private[i], ip))
			return true;
	return false;
}

/* The rule's words, segments of hop h's why: "network rule collection
 * C, rule R (Allow, priority P)". */
static void
fw_rule_words(struct walk *w, struct hop *h, const struct firewall *fw,
	      uint32_t coll, uint32_t rule)
{
	const struct fw_coll *c = &fw->colls[coll];

	if (c->group != NULL)
		hop_why_more(w, h, "%s rule collection %s (group %s, priority "
		    "%d/%d, %s), rule %s", ta_lit(fw_ctype_name(c->type)),
		    ta_s(c->name), ta_s(c->group), ta_d(c->group_priority),
		    ta_d(c->priority),
		    ta_lit(c->action == ACCESS_ALLOW ? "Allow" : "Deny"),
		    ta_s(c->rules[rule].name));
	else
		hop_why_more(w, h, "%s rule collection %s (priority %d, %s), "
		    "rule %s", ta_lit(fw_ctype_name(c->type)), ta_s(c->name),
		    ta_d(c->priority),
		    ta_lit(c->action == ACCESS_ALLOW ? "Allow" : "Deny"),
		    ta_s(c->rules[rule].name));
}

/* The firewall's place in the fabric: the packet goes on from its
 * AzureFirewallSubnet, routed by that subnet's routes. */
static void
fw_leave(struct walk *w, size_t fi)
{
	const struct firewall *fw = &w->t->firewalls[fi];

	w->fw = fi;
	w->sender = TOPO_NONE;
	w->via_gateway = false;	/* what it forwards is forwarded traffic */
	w->vnet = fw->vnet;
	w->subnet = fw->subnet;
}

bool
walk_firewall(struct walk *w, size_t fi)
{
	const struct topo *t = w->t;
	const struct firewall *fw = &t->firewalls[fi];
	const char *sname = t->vnets[w->vnet].subnets[w->subnet].name;
	uint32_t before = pkt_src(w->p), dst = pkt_dst(w->p), snat;
	struct fw_verdict v;
	struct route_hit hit;
	struct hop *h;
	const char *how;
	bool internet;

	if (!walk_peering_ok(w, w->vnet, fw->vnet, sname))
		return false;
	walk_path(w, fw->name);
	walk_xing(w, CAP_FIREWALL_INSIDE, fw->name, LINK_VNET);
	fw_decide(w, fi, &v);
	fw_record(w, fi, &v);
	if (!v.allow) {
		h = walk_drop(w, fw->name, "firewall-deny");
		if (v.coll != FW_NOMATCH) {
			hop_why(w, h, "Azure Firewall %s: ", ta_s(fw->name));
			fw_rule_words(w, h, fw, v.coll, v.rule);
			hop_why_more(w, h, " denies it [fw-rules]");
			return false;
		}
		hop_why(w, h,
		    "Azure Firewall %s: no network or application rule "
		    "matches %s %s:%u: denied by default (ActionReason "
		    "Default Action)", ta_s(fw->name),
		    ta_lit(proto_name(w->proto)), ta_ip(dst),
		    ta_u(pkt_dport(w->p)));
		if (v.near_coll != FW_NOMATCH) {
			hop_why_more(w, h, "; ");
			fw_rule_words(w, h, fw, v.near_coll, v.near_rule);
			hop_why_more(w, h, " names this FQDN and port, but KMS "
			    "speaks its own RPC, not HTTP or TLS: no Host or "
			    "SNI for an application rule to match; KMS needs a "
			    "network rule");
		}
		hop_why_more(w, h, " [fw-rules]");
		return false;
	}
	h = walk_hop(w, HOP_FIREWALL, fw->name, "Azure Firewall allows");
	fw_rule_words(w, h, fw, v.coll, v.rule);
	hop_why_more(w, h, ", the first rule that matches %s %s:%u [fw-rules]",
	    ta_lit(proto_name(w->proto)), ta_ip(dst), ta_u(pkt_dport(w->p)));

	/* MODEL §8 [fw-snat] [fw-ft]: its SNAT, to the public IP for what
	 * AzureFirewallSubnet sends to the Internet, else to the private
	 * IP; a network rule keeps the source of its private ranges. */
	if (rtable_lookup(sim_rtable(w->s, fw->vnet, fw->subnet), dst, 0,
			  &hit) != 0)
		hit.r = NULL;
	internet = hit.r != NULL && hit.r->nh == NH_INTERNET;
	if (!v.app && fw_private(fw, dst)) {
		how = NULL;
	} else if (internet && !fw->forced_tunneling && fw->has_public_ip) {
		snat = fw->public_ip;
		how = "a public destination leaves with the firewall's public "
		      "IP [fw-snat]";
	} else {
		snat = fw->private_ip;
		how = fw->forced_tunneling && !ip_private(dst)
		      ? "forced tunnelling: SNAT to the firewall's private "
			"IP, then AzureFirewallSubnet's routes [fw-ft]"
		      : v.app ? "an application rule always SNATs: the "
			"firewall's private IP [fw-snat]"
		      : "the destination is outside the firewall's private "
			"ranges (snat_private_ranges) and not on the "
			"Internet: SNAT to its private IP [fw-snat]";
	}
	if (how != NULL) {
		pkt_set_src(w->p, snat, pkt_sport(w->p));
		h = walk_hop(w, HOP_NAT, fw->name, "SNAT %s -> %s",
		    ta_ip(before), ta_ip(snat));
		hop_why(w, h, "%s", ta_s(how));
	} else if (!w->quiet) {
		h = walk_hop(w, HOP_FIREWALL, fw->name, "no SNAT");
		hop_why(w, h, "%s is in the firewall's private ranges "
		    "(snat_private_ranges): a network rule keeps the "
		    "source [fw-snat]", ta_ip(dst));
	}
	walk_xing(w, CAP_FIREWALL_OUTSIDE, fw->name, LINK_COUNT);
	if (how != NULL)
		walk_nat_record(w, fw->name, before, pkt_sport(w->p));

	/* [fw-ft]: without forced tunnelling the firewall needs the
	 * Internet directly: its subnet's default route must be Internet
	 * (a BGP 0.0.0.0/0 from on-premises there breaks it). */
	if (!fw->forced_tunneling && !internet && hit.r != NULL &&
	    hit.r->pfx.len == 0) {

		h = walk_drop(w, fw->name, "firewall-no-internet");
		hop_why(w, h,
		    "AzureFirewallSubnet routes %s by %s -> %s (source "
		    "%s), not to the Internet: a firewall without forced "
		    "tunnelling needs direct Internet connectivity; "
		    "override with 0.0.0.0/0 -> Internet or use forced "
		    "tunnelling [fw-ft]", ta_ip(dst), ta_pfx(hit.r->pfx),
		    ta_lit(nh_type_name(hit.r->nh)),
		    ta_lit(rt_source_name(hit.r->source)));
		return false;
	}
	fw_leave(w, fi);
	return true;
}

void
walk_firewall_egress(struct walk *w)
{
	const struct topo *t = w->t;
	const struct firewall *fw = &t->firewalls[w->fw];
	uint32_t src = pkt_src(w->p), dst = pkt_dst(w->p);
	struct hop *h;

	if (src != fw->public_ip || !fw->has_public_ip) {
		if (!fw->has_public_ip) {
			h = walk_drop(w, fw->name, "no-outbound");
			hop_why(w, h,
			    "next hop Internet from AzureFirewallSubnet, "
			    "but firewall %s has no public IP (forced "
			    "tunnelling without a data-path address) "
			    "[fw-ft]", ta_s(fw->name));
			return;
		}
		/* Forced tunnelling, yet the subnet's route says Internet:
		 * the firewall's public IP carries it. */
		pkt_set_src(w->p, fw->public_ip, pkt_sport(w->p));
		h = walk_hop(w, HOP_NAT, fw->name, "SNAT %s -> %s", ta_ip(src),
		    ta_ip(fw->public_ip));
		hop_why(w, h, "AzureFirewallSubnet's route is Internet: the "
		    "firewall's public IP [fw-snat]");
		walk_xing(w, CAP_FIREWALL_OUTSIDE, fw->name, LINK_COUNT);
		walk_nat_record(w, fw->name, src, pkt_sport(w->p));
	}
	if (walk_azure_public(w, dst)) {
		walk_path(w, "azure-backbone");
		walk_arrive(w, "from the firewall's public IP, an Azure public "
			    "IP: the packet stays on Microsoft's backbone "
			    "[udr]", LINK_BACKBONE, ARR_AZURE);
		return;
	}
	walk_path(w, "internet");
	walk_arrive(w, "carried over the Internet from the firewall's public "
		    "IP", LINK_INTERNET, ARR_INTERNET);
}

bool
reply_firewall(struct walk *w, size_t fi, const struct natrec *n,
	       enum link_kind link)
{
	const struct topo *t = w->t;
	const struct firewall *fw = &t->firewalls[fi];
	int64_t in;
	size_t i;
	bool seen = false;
	struct hop *h;

	walk_path(w, fw->name);
	if ((in = walk_point(w, CAP_FIREWALL_INSIDE, fw->name)) < 0) {
		walk_fail(w, (int)in);
		return false;
	}
	for (i = 0; i < w->r->nxing; i++)
		seen |= !w->r->xing[i].reply &&
			w->r->xing[i].point == (uint32_t)in;
	walk_xing(w, CAP_FIREWALL_OUTSIDE, fw->name, link);
	if (!seen) {
		h = walk_hop(w, HOP_FIREWALL, fw->name,
		    "firewall %s has no state for this connection",
		    ta_s(fw->name));
		hop_why(w, h, "the reply is routed through the firewall, which "
		    "the request never crossed: Azure Firewall is "
		    "stateful and drops an answer to a connection it did "
		    "not see open (asymmetric routing) [fw-rules]");
		w->r->asymmetric = true;
		(void)walk_drop(w, fw->name, "asymmetric-appliance");
		return false;
	}
	if (n != NULL) {
		pkt_set_dst(w->p, n->inside, n->inside_port);
		h = walk_hop(w, HOP_NAT, fw->name, "un-NAT %s -> %s",
		    ta_ip(n->outside), ta_ip(n->inside));
		hop_why(w, h, "the firewall SNATed the request; its state maps "
		    "%s:%u back [fw-snat]", ta_ip(n->outside),
		    ta_u(n->outside_port));
	} else {
		h = walk_hop(w, HOP_FIREWALL, fw->name,
		    "Azure Firewall forwards the reply");
		hop_why(w, h, "it saw the request: the connection is known");
	}
	walk_xing(w, CAP_FIREWALL_INSIDE, fw->name, LINK_COUNT);
	fw_leave(w, fi);
	return true;
}
