/*
 * walk.c: the path walk. Each function is one kind of hop; each cites the
 * MODEL.md rule it applies and writes one trace line that says why.
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
#include "sim/walkint.h"
#include "topology/names.h"
#include "topology/vec.h"

/* ---------------------------------------------------------------- */
/* trace helpers */

/* The walk's first internal failure is kept; the walk goes on writing
 * into scratch space and sim_run_flow returns the failure. */
static void
walk_fail(struct walk *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

static struct hop *
hop_new(struct walk *w, const char *node)
{
	struct flow_result *r = w->r;
	struct hop *h;

	if (w->quiet) {		/* sim_decide: no trace */
		w->scratch.quiet = true;
		return &w->scratch;
	}
	if (VEC_GROW(r->hops, r->nhops, r->chops) != 0) {
		walk_fail(w, -ENOMEM);
		h = &w->scratch;
	} else {
		h = &r->hops[r->nhops++];
	}
	memset(h, 0, sizeof(*h));
	h->reply = w->reply;
	snprintf(h->node, sizeof(h->node), "%s", node);
	walk_hop_pkt(w, h);
	return h;
}

struct hop *
walk_hop(struct walk *w, const char *node, const char *fmt, ...)
{
	struct hop *h = hop_new(w, node);
	va_list ap;

	if (h->quiet)
		return h;
	va_start(ap, fmt);
	vsnprintf(h->what, sizeof(h->what), fmt, ap);
	va_end(ap);
	return h;
}

void
hop_why(struct hop *h, const char *fmt, ...)
{
	va_list ap;

	if (h->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
}

/* strlcpy: a name into a result's field, cut at its size. */
static void
copy_name(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n > size - 1)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Refresh the packet fields of a hop after a rewrite. */
void
walk_hop_pkt(struct walk *w, struct hop *h)
{
	h->src = pkt_src(w->p);
	h->dst = pkt_dst(w->p);
	h->sport = pkt_sport(w->p);
	h->dport = pkt_dport(w->p);
}

void
walk_path(struct walk *w, const char *node)
{
	struct flow_result *r = w->r;
	char (**path)[SIM_NODE_LEN] = w->reply ? &r->rpath : &r->path;
	size_t *n = w->reply ? &r->nrpath : &r->npath;
	size_t *cap = w->reply ? &r->crpath : &r->cpath;

	size_t len = strlen(node);

	if (VEC_GROW(*path, *n, *cap) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	if (len > SIM_NODE_LEN - 1)
		len = SIM_NODE_LEN - 1;
	memcpy((*path)[*n], node, len);
	(*path)[(*n)++][len] = '\0';
}

struct hop *
walk_drop(struct walk *w, const char *node, const char *reason)
{
	struct hop *h = walk_hop(w, node, "dropped: %s", reason);

	if (w->reply) {
		w->r->reply_drop_reason = reason;
		w->r->reply_delivered = false;
	} else {
		w->r->drop_reason = reason;
		w->r->delivered = false;
	}
	w->done = true;
	return h;
}

void
flow_result_free(struct flow_result *r)
{
	free(r->hops);
	free(r->path);
	free(r->rpath);
	free(r->nat);
	free(r->xing);
	memset(r, 0, sizeof(*r));
}

/* Zero r for a new flow, keeping its arrays' memory. */
static void
flow_result_reset(struct flow_result *r)
{
	struct flow_result keep = *r;

	memset(r, 0, sizeof(*r));
	r->hops = keep.hops;
	r->chops = keep.chops;
	r->path = keep.path;
	r->cpath = keep.cpath;
	r->rpath = keep.rpath;
	r->crpath = keep.crpath;
	r->nat = keep.nat;
	r->cnat = keep.cnat;
	r->xing = keep.xing;
	r->cxing = keep.cxing;
}

/* ---------------------------------------------------------------- */
/* Capture points */

const char *
cap_kind_name(enum cap_kind k)
{
	static const char *const names[CAP_COUNT] = {
		[CAP_NIC] = "nic", [CAP_FABRIC] = "fabric",
		[CAP_AZURE_EDGE] = "azure-edge", [CAP_GATEWAY] = "gateway",
		[CAP_CIRCUIT_PRIVATE] = "circuit", [CAP_CIRCUIT_PUBLIC] = "circuit",
		[CAP_ONPREM_INSIDE] = "onprem", [CAP_ONPREM_OUTSIDE] = "onprem",
		[CAP_APPLIANCE] = "appliance", [CAP_DEST] = "dest",
		[CAP_HOST] = "host",
	};

	return (unsigned)k < CAP_COUNT ? names[k] : "?";
}

const char *
sim_point_name(const struct sim *s, size_t i)
{
	return i < s->npoints ? s->pname[i] : NULL;
}

size_t
sim_npoints(const struct sim *s)
{
	return s->npoints;
}

enum cap_kind
sim_point_kind(const struct sim *s, size_t i)
{
	return i < s->npoints ? (enum cap_kind)s->pkind[i] : CAP_COUNT;
}


/* The point's name: "KIND-INSTANCE[-SIDE]", with any byte that does not
 * belong in a file name replaced by '_'. */
static void
point_name(enum cap_kind k, const char *inst, char *buf, size_t len)
{
	static const char *const side[CAP_COUNT] = {
		[CAP_CIRCUIT_PRIVATE] = "-private",
		[CAP_CIRCUIT_PUBLIC] = "-public",
		[CAP_ONPREM_INSIDE] = "-inside",
		[CAP_ONPREM_OUTSIDE] = "-outside",
	};
	const char *parts[3] = { cap_kind_name(k), inst, side[k] };
	size_t o = 0, i, n;
	char *c;

	/* "KIND-INSTANCE[-SIDE]", cut at len (by hand: a decision meets a
	 * point at every hop). */
	for (i = 0; i < 3; i++) {
		if (parts[i] == NULL || (i > 0 && parts[i][0] == '\0'))
			continue;
		if (i == 2 && (inst == NULL || inst[0] == '\0'))
			continue;
		if (i == 1 && o + 1 < len)
			buf[o++] = '-';
		n = strlen(parts[i]);
		if (n > len - 1 - o)
			n = len - 1 - o;
		memcpy(buf + o, parts[i], n);
		o += n;
	}
	buf[o] = '\0';
	for (c = buf; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '-' && *c != '.' &&
		    *c != '_')
			*c = '_';
}

static uint32_t
point_hash(const char *name)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *name; name++) {
		h ^= (uint8_t)*name;
		h *= 16777619u;
	}
	return h;
}

/* Double the hash of point names (open addressing, linear probing, load
 * at most one half) and put every point back. -ENOMEM. */
static int
point_rehash(struct sim *s)
{
	size_t n = s->nphash ? 2 * s->nphash : 64, i, k;
	uint32_t *nh;

	if ((nh = calloc(n, sizeof(*nh))) == NULL)
		return -ENOMEM;
	for (i = 0; i < s->npoints; i++) {
		for (k = point_hash(s->pname[i]) & (n - 1); nh[k] != 0;
		     k = (k + 1) & (n - 1))
			;
		nh[k] = (uint32_t)i + 1;
	}
	free(s->phash);
	s->phash = nh;
	s->nphash = n;
	return 0;
}

/* The index of point name, added when new: one hash probe, whatever
 * the number of points (a what-if meets one per destination range).
 * -ENOMEM; -E2BIG past UINT32_MAX points. */
static int64_t
point_find(struct sim *s, enum cap_kind k, const char *name)
{
	size_t h;
	uint32_t e;
	int rc;

	if (2 * (s->npoints + 1) > s->nphash && (rc = point_rehash(s)) != 0)
		return rc;
	for (h = point_hash(name) & (s->nphash - 1); (e = s->phash[h]) != 0;
	     h = (h + 1) & (s->nphash - 1))
		if (strcmp(s->pname[e - 1], name) == 0)
			return e - 1;
	if (s->npoints >= UINT32_MAX - 1)
		return -E2BIG;
	if ((rc = VEC_GROW(s->pname, s->npoints, s->cpoints)) != 0)
		return rc;
	if ((rc = VEC_RESERVE(s->pkind, s->ckind, s->npoints + 1)) != 0)
		return rc;
	if ((s->pname[s->npoints] = strdup(name)) == NULL)
		return -ENOMEM;
	s->pkind[s->npoints] = (uint8_t)k;
	s->phash[h] = (uint32_t)s->npoints + 1;
	return (int64_t)s->npoints++;
}

void
walk_xing_at(struct walk *w, uint32_t point, enum link_kind link)
{
	struct flow_result *r = w->r;
	struct xing *x;

	if (link < LINK_COUNT)
		w->clock_us += w->t->timing.us[link];
	if (VEC_GROW(r->xing, r->nxing, r->cxing) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	x = &r->xing[r->nxing++];
	memset(x, 0, sizeof(*x));
	x->src = pkt_src(w->p);
	x->dst = pkt_dst(w->p);
	x->sport = pkt_sport(w->p);
	x->dport = pkt_dport(w->p);
	x->ttl = pkt_ttl(w->p);
	x->point = point;
	x->reply = w->reply;
	x->hop = (uint16_t)(r->nhops ? r->nhops - 1 : 0);
	x->at_us = w->clock_us;
}

void
walk_xing(struct walk *w, enum cap_kind kind, const char *inst,
	  enum link_kind link)
{
	char name[SIM_NODE_LEN + 32];
	int64_t pt;

	point_name(kind, inst, name, sizeof(name));
	if ((pt = point_find(w->s, kind, name)) < 0) {
		walk_fail(w, (int)pt);
		return;
	}
	walk_xing_at(w, (uint32_t)pt, link);
}

/* Remember a translation at the last capture point crossed, for the
 * reply (MODEL §7: NAT is stateful). */
void
walk_nat(struct walk *w, const char *who, uint32_t inside, uint16_t iport,
	 uint32_t outside, uint16_t oport)
{
	struct flow_result *r = w->r;
	struct natrec *n;

	if (r->nxing == 0)
		return;		/* only after a failure, which w->err holds */
	if (VEC_GROW(r->nat, r->nnat, r->cnat) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	n = &r->nat[r->nnat++];
	n->point = r->xing[r->nxing - 1].point;
	n->inside = inside;
	n->inside_port = iport;
	n->outside = outside;
	n->outside_port = oport;
	snprintf(n->who, sizeof(n->who), "%s", who);
}

/* A source NAT just made: the packet's source is the outside. */
static void
nat_record(struct walk *w, const char *who, uint32_t inside, uint16_t iport)
{
	walk_nat(w, who, inside, iport, pkt_src(w->p), pkt_sport(w->p));
}

static const char *
ipstr(uint32_t ip, char buf[IP_STRLEN])
{
	return ip_format(ip, buf);
}

/* ---------------------------------------------------------------- */
/* NSG hops */

static void
describe_verdict(const struct nsg_verdict *v, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	if (v->is_platform) {
		snprintf(buf, len, "hidden platform rule %s: platform traffic "
			 "is allowed before any user rule, never written to "
			 "flow logs, unknown to IP flow verify [nsg] [seed-002]",
			 v->rule);
		return;
	}
	if (v->nsteps == 0) {
		snprintf(buf, len, "no NSG on the NIC nor on the subnet: "
			 "allowed [nsg]");
		return;
	}
	for (i = 0; i < v->nsteps && o < len; i++) {
		const struct nsg_step *s = &v->steps[i];
		int k = snprintf(buf + o, len - o, "%sNSG %s: %s rule %s "
				 "(priority %d) %s", i ? "; " : "",
				 s->nsg->name, s->is_default ? "default" : "user",
				 s->name, s->priority,
				 s->access == ACCESS_ALLOW ? "allows" : "denies");
		if (k < 0)
			break;
		o += (size_t)k;
	}
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
	char why[400];
	struct hop *h;

	sim_nsg_eval(w->s, vm, &q, true, &real);
	sim_nsg_eval(w->s, vm, &q, false, &blind);
	if (w->quiet)		/* sim_decide: the verdict, no line */
		goto decided;
	describe_verdict(&real, why, sizeof(why));
	h = walk_hop(w, v->name, "NSG %s: %s%s%s%s",
		     dir == DIR_OUTBOUND ? "outbound" : "inbound",
		     real.access == ACCESS_ALLOW ? "allowed" : "denied",
		     real.rule ? " by " : " (no NSG)",
		     real.rule ? real.rule : "",
		     real.is_platform ? " (hidden platform rule)" : "");
	if (real.platform_off_rule || real.platform_off_by_route) {
		char extra[200];
		if (real.platform_off_rule)
			snprintf(extra, sizeof(extra), "; platform rule %s is "
				 "off: user deny rule %s targets its tag",
				 platform_tag(real.platform),
				 real.platform_off_rule->name);
		else
			snprintf(extra, sizeof(extra), "; platform rule %s is "
				 "off: the subnet is forced through a 0.0.0.0/0 "
				 "that is not Internet (switch "
				 "lkm_off_with_forced_default) [nsg]",
				 platform_tag(real.platform));
		strncat(why, extra, sizeof(why) - strlen(why) - 1);
	}
	hop_why(h, "%s", why);
decided:

	if (source_nic) {
		struct flow_result *r = w->r;
		r->nsg_rule[0] = '\0';
		if (real.rule)
			copy_name(r->nsg_rule, sizeof(r->nsg_rule), real.rule);
		r->nsg_rule_hidden = real.is_platform;
		/* MODEL §6: platform traffic never appears in flow logs; a
		 * flow is logged by the NSG whose rule decided it. */
		r->flow_logged = !real.is_platform && real.by != NULL;
		/* MODEL §6: IP flow verify is blind to the platform rules. */
		r->ip_flow_verify = blind.access;
		if (blind.rule)
			snprintf(r->ip_flow_verify_rule,
				 sizeof(r->ip_flow_verify_rule), "%s%s",
				 blind.is_default ? "defaultSecurityRules/"
						  : "securityRules/", blind.rule);
		else
			r->ip_flow_verify_rule[0] = '\0';
	}
	if (real.access == ACCESS_DENY) {
		walk_drop(w, v->name, "nsg-deny");
		return false;
	}
	return true;
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

static void
arrive(struct walk *w, const char *via_note, enum link_kind link,
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
		walk_path(w, ipstr(dst, a));
		h = walk_hop(w, a, "delivered to host %s, source seen %s (%s)",
			     a, ipstr(src, b), srcclass_name(r->source_class));
		hop_why(h, "%s", via_note ? via_note : "destination reached");
		arrive_xing(w, a, link);
		r->tcp_connect = w->proto == PROTO_TCP;
		r->replied = w->proto == PROTO_TCP;
		return;
	}
	walk_path(w, svc->node);
	h = walk_hop(w, svc->node, "delivered to %s at %s, source seen %s (%s)",
		     svc->what, ipstr(dst, a), ipstr(src, b),
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
	const struct vm *v = &t->vms[w->sender];
	uint32_t snat, dst = pkt_dst(w->p), before = pkt_src(w->p);
	const char *how;
	char a[IP_STRLEN], b[IP_STRLEN];
	struct hop *h;
	size_t ci;

	/* [udr]: an NVA that forwards to the Internet must SNAT to its own
	 * private IP first; Azure then SNATs that to a public IP. */
	if (before != v->ip) {
		h = walk_drop(w, v->name, "nva-no-snat");
		hop_why(h, "source %s is not %s's own address: an appliance "
			"forwarding to the Internet must SNAT to its own IP "
			"[udr]", ipstr(before, a), v->name);
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
	h = walk_hop(w, "azure-edge", "SNAT %s -> %s", ipstr(before, a),
		     ipstr(snat, b));
	hop_why(h, "next hop Internet: %s [nat]", how);
	walk_xing(w, CAP_AZURE_EDGE, NULL, LINK_VNET);
	nat_record(w, "Azure's SNAT", before, pkt_sport(w->p));

	/* MODEL §2 Internet: traffic to an Azure-owned public IP stays on
	 * Microsoft's backbone [udr]. */
	if (azure_public(t, dst)) {
		ci = topo_circuit_of_vnet(t, v->vnet);
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
		arrive(w, "destination is an Azure public IP: the packet "
		       "stays on Microsoft's backbone [udr]", LINK_BACKBONE,
		       ARR_AZURE);
		return;
	}
	walk_path(w, "internet");
	arrive(w, "carried over the Internet", LINK_INTERNET, ARR_INTERNET);
}

/* The on-premises side: customer edge, then on-premises hosts, public
 * peering back into Azure, or the on-premises Internet edge. */
static void
onprem_ce(struct walk *w, size_t ci, enum link_kind link)
{
	const struct topo *t = w->t;
	const struct onprem *op = &t->onprem;
	uint32_t dst = pkt_dst(w->p), src = pkt_src(w->p);
	char a[IP_STRLEN], b[IP_STRLEN], pf[PFX_STRLEN];
	struct hop *h;
	size_t i;

	if (!op->present) {
		h = walk_drop(w, "onprem", "onprem-no-route");
		hop_why(h, "the scenario describes no on-premises site behind "
			"the circuit");
		return;
	}
	walk_path(w, op->name);
	if (pkt_dec_ttl(w->p) == 0) {
		walk_drop(w, op->name, "ttl-exceeded");
		return;
	}
	walk_xing(w, CAP_ONPREM_INSIDE, op->name, link);
	/* MODEL §3: the customer edge delivers on-premises prefixes. */
	for (i = 0; i < op->nprefixes; i++) {
		if (!pfx_contains_ip(op->prefixes[i], dst))
			continue;
		h = walk_hop(w, op->name, "customer edge: %s is on-premises",
			     ipstr(dst, a));
		hop_why(h, "on-premises prefix %s",
			pfx_format(op->prefixes[i], pf));
		arrive(w, "on-premises host", LINK_ONPREM, ARR_ONPREM);
		return;
	}
	/* MODEL §3: with public peering the CE routes Azure public prefixes
	 * back over it, SNATed to the peering's NAT pool [er-nat]; with the
	 * packet arriving over private peering this is the customer-side
	 * hairpin. */
	if (ci != TOPO_NONE && t->circuits[ci].public_peering &&
	    azure_public(t, dst)) {
		const struct circuit *c = &t->circuits[ci];
		struct pfx pool = c->nat_pool[0];
		uint32_t nat = pool.len < 31 ? pool.addr + 1 : pool.addr;

		pkt_set_src(w->p, nat, pkt_sport(w->p));
		h = walk_hop(w, op->name, "customer edge: SNAT %s -> %s, send "
			     "over public peering", ipstr(src, a), ipstr(nat, b));
		hop_why(h, "%s is in an Azure public prefix Microsoft "
			"advertises over public peering; traffic into public "
			"peering is SNATed to the NAT pool %s [er-nat]",
			ipstr(dst, a), pfx_format(pool, pf));
		w->r->hairpin = HAIRPIN_CUSTOMER;
		walk_path(w, c->name);
		h = walk_hop(w, c->name, "public peering (customer edge -> "
			     "MSEE): second crossing of the circuit");
		hop_why(h, "customer-side hairpin: forced tunneling brought the "
			"packet on-premises, public peering returns it to Azure "
			"[seed-000]");
		walk_xing(w, CAP_CIRCUIT_PUBLIC, c->name, LINK_CIRCUIT);
		nat_record(w, "the customer edge's public peering NAT", src,
			   pkt_sport(w->p));
		arrive(w, "arrived over public peering", LINK_BACKBONE,
		       ARR_AZURE);
		return;
	}
	/* MODEL §3: otherwise the CE's default route leads to the
	 * on-premises Internet edge, which filters and SNATs. */
	for (i = 0; i < op->nblocks; i++) {
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
			h = walk_drop(w, op->name, "onprem-blocked");
			hop_why(h, "the on-premises Internet edge's egress "
				"filter (line %d) blocks %s port %u",
				bk->pos.line, proto_name(w->proto),
				pkt_dport(w->p));
			return;
		}
	}
	if (!op->has_edge_ip) {
		h = walk_drop(w, op->name, "onprem-no-route");
		hop_why(h, "%s has no internet_edge_ip: no way to the Internet",
			op->name);
		return;
	}
	pkt_set_src(w->p, op->internet_edge_ip, pkt_sport(w->p));
	h = walk_hop(w, op->name, "Internet edge: SNAT %s -> %s",
		     ipstr(src, a), ipstr(op->internet_edge_ip, b));
	hop_why(h, "the customer edge's default route leads to the "
		"on-premises Internet edge, which SNATs to its public IP "
		"[seed-000]");
	walk_xing(w, CAP_ONPREM_OUTSIDE, op->name, LINK_ONPREM);
	nat_record(w, "the on-premises edge NAT", src, pkt_sport(w->p));
	walk_path(w, "internet");
	arrive(w, "carried over the Internet from the on-premises edge",
	       LINK_INTERNET, azure_public(w->t, dst) ? ARR_AZURE
						       : ARR_INTERNET);
}

/* MODEL §2 VirtualNetworkGateway: a BGP route leads through the
 * ExpressRoute gateway and the circuit's private peering (MSEE) to the
 * customer edge. */
void
walk_circuit_hops(struct walk *w, size_t ci, const struct eroute *r,
		  uint32_t nh_ip)
{
	const struct circuit *c = &w->t->circuits[ci];
	char a[IP_STRLEN];
	struct hop *h;

	walk_path(w, c->gateway);
	h = walk_hop(w, c->gateway, "ExpressRoute gateway: to circuit %s",
		     c->name);
	hop_why(h, "BGP routes of private peering lead through the gateway "
		"to the circuit [udr]");
	walk_xing(w, CAP_GATEWAY, c->gateway, LINK_GATEWAY);
	walk_path(w, c->name);
	h = walk_hop(w, c->name, "private peering (MSEE -> customer edge)%s%s",
		     nh_ip ? ", BGP next hop " : "",
		     nh_ip ? ipstr(nh_ip, a) : "");
	if (r->nnh > 1)
		hop_why(h, "ECMP over %u next hops, chosen by the flow's hash",
			(unsigned)r->nnh);
	else
		hop_why(h, "the packet leaves Azure for on-premises [seed-000]");
	walk_xing(w, CAP_CIRCUIT_PRIVATE, c->name, LINK_CIRCUIT);
}

static void
to_circuit(struct walk *w, size_t ci, const struct eroute *r, uint32_t nh_ip)
{
	walk_circuit_hops(w, ci, r, nh_ip);
	onprem_ce(w, ci, LINK_ONPREM);
}

/* ---------------------------------------------------------------- */
/* Routing */

/* Same VNet or peered: reachable without a gateway. */
static bool
reachable(const struct topo *t, size_t a, size_t b)
{
	return a == b || topo_peered(t, a, b);
}

size_t
walk_vm_at(const struct walk *w, uint32_t ip, size_t vnet)
{
	const struct topo *t = w->t;
	size_t i;

	if (w->f->vm < t->nvms && t->vms[w->f->vm].ip == ip &&
	    (vnet == TOPO_NONE || reachable(t, t->vms[w->f->vm].vnet, vnet)))
		return w->f->vm;
	for (i = 0; i < t->nvms; i++)
		if (t->vms[i].ip == ip && (vnet == TOPO_NONE ||
		    reachable(t, t->vms[i].vnet, vnet)))
			return i;
	return TOPO_NONE;
}

/* MODEL §2 VnetLocal / VNetPeering: delivered to the NIC; its inbound
 * NSGs apply. */
static void
deliver_vnet(struct walk *w, const struct eroute *r)
{
	const struct topo *t = w->t;
	uint32_t dst = pkt_dst(w->p);
	size_t i, vm = TOPO_NONE;
	char a[IP_STRLEN];
	struct hop *h;

	for (i = 0; i < t->nvms; i++)
		if (t->vms[i].ip == dst && reachable(t, t->vms[i].vnet, w->vnet) &&
		    (r->vnet == TOPO_NONE || t->vms[i].vnet == r->vnet))
			vm = i;
	if (vm == TOPO_NONE) {
		h = walk_drop(w, t->vnets[w->vnet].subnets[w->subnet].name, "no-host");
		hop_why(h, "no NIC has address %s in VNet %s%s", ipstr(dst, a),
			t->vnets[r->vnet != TOPO_NONE ? r->vnet : w->vnet].name,
			r->vnet == TOPO_NONE ? " (user route to VnetLocal)" : "");
		return;
	}
	{
		const struct vm *v = &t->vms[vm];
		const char *sname = topo_vm_subnet(t, v)->name;

		if (v->vnet != w->vnet || v->subnet != w->subnet)
			walk_path(w, sname);
		if (!walk_nsg_hop(w, vm, DIR_INBOUND, false))
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
		h = walk_hop(w, v->name, "delivered to VM %s, source seen %s",
			     v->name, ipstr(pkt_src(w->p), a));
		hop_why(h, "%s", r->nh == NH_VNETPEERING
			? "over VNet peering [udr]" : "inside the VNet [udr]");
		walk_xing(w, CAP_NIC, v->name, LINK_VNET);
		if (w->err == 0)
			w->arr_point = w->r->xing[w->r->nxing - 1].point;
	}
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
	size_t i, vm = TOPO_NONE;
	char a[IP_STRLEN], b[IP_STRLEN], circle[sizeof(((struct hop *)0)->why)];
	struct hop *h;
	const struct vm *v;
	uint32_t before;

	/* The same address may exist in unpeered VNets: only a NIC in this
	 * VNet or a peered one can be the next hop [udr]. */
	for (i = 0; i < t->nvms && vm == TOPO_NONE; i++)
		if (t->vms[i].ip == nh_ip && reachable(t, t->vms[i].vnet, w->vnet))
			vm = i;
	if (vm == TOPO_NONE) {
		h = walk_drop(w, t->vnets[w->vnet].subnets[w->subnet].name,
			 "appliance-unreachable");
		hop_why(h, "no NIC with address %s in this VNet or a peered one "
			"[udr]", ipstr(nh_ip, a));
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
				 "appliance SNAT %s -> %s", ipstr(before, a),
				 ipstr(v->ip, b));
		hop_why(h, "IP forwarding on, snat: true (its own address)");
	}
	/* The appliance's NIC sees the packet again on its way out. */
	walk_xing(w, CAP_APPLIANCE, v->name, LINK_COUNT);
	if (v->snat)
		nat_record(w, v->name, before, pkt_sport(w->p));
	w->sender = vm;
	if (!walk_nsg_hop(w, vm, DIR_OUTBOUND, false))
		return false;
	w->vnet = v->vnet;
	w->subnet = v->subnet;
	return true;
}

/* What else an engineer checks about a route decision: the routes it
 * made Invalid for the same prefix, and BGP routes that are missing. */
void
walk_route_notes(const struct topo *t, const struct rtable *rt,
	    const struct eroute *win, char *buf, size_t len)
{
	size_t i, o = 0;
	int k;

	buf[0] = '\0';
	for (i = 0; i < rt->ninvalid && o < len; i++) {
		const struct eroute *e = &rt->r[rt->invalid[i]];

		if (e == win || e->state != RT_INVALID ||
		    !pfx_equal(e->pfx, win->pfx))
			continue;
		k = snprintf(buf + o, len - o, "; the %s route to %s for the "
			     "same prefix is Invalid",
			     e->source == RT_BGP ? "BGP" :
			     e->source == RT_USER ? "user" : "system",
			     nh_type_name(e->nh));
		if (k < 0)
			return;
		o += (size_t)k;
	}
	if (o < len && rt->bgp_disabled)
		o += (size_t)snprintf(buf + o, len - o, "; no BGP routes: route "
				      "table %s disables gateway route "
				      "propagation",
				      t->rtables[t->vnets[rt->vnet]
				      .subnets[rt->subnet].route_table].name);
	if (o < len && rt->bgp_dropped)
		snprintf(buf + o, len - o, "; no BGP routes: the circuit's "
			 "BGP session dropped over its prefix limit "
			 "[er-limits]");
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
			sname, ipstr(dst, a));
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
			     hit.nh_ip ? ipstr(hit.nh_ip, a) : "");
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
		arrive(w, "service endpoint: over the backbone with the "
		       "private source [udr]", LINK_BACKBONE, ARR_ENDPOINT);
		return false;
	case NH_INTERNET:
		internet_egress(w);
		return false;
	case NH_VIRTUAL_APPLIANCE:
		return appliance(w, hit.r->nh_ips[0], visits);
	case NH_VNET_GATEWAY:
		if (hit.r->source == RT_BGP) {
			to_circuit(w, hit.r->circuit, hit.r, hit.nh_ip);
			return false;
		}
		/* MODEL §1 User: a UDR cannot target an ExpressRoute
		 * gateway (VPN gateways only). */
		if (t->vnets[w->vnet].gateway == NULL) {
			h = walk_drop(w, sname, "udr-gateway-unusable");
			hop_why(h, "a user route with next hop "
				"VirtualNetworkGateway, but VNet %s has no "
				"gateway [udr]", t->vnets[w->vnet].name);
			return false;
		}
		if (topo_circuit_of_vnet(t, w->vnet) != TOPO_NONE) {
			h = walk_drop(w, sname, "udr-gateway-unusable");
			hop_why(h, "a user route with next hop "
				"VirtualNetworkGateway needs a VPN gateway; an "
				"ExpressRoute gateway cannot be a UDR target [udr]");
			return false;
		}
		walk_path(w, t->vnets[w->vnet].gateway);
		h = walk_hop(w, t->vnets[w->vnet].gateway,
			     "VPN gateway: to on-premises");
		hop_why(h, "user route to the VNet's VPN gateway [udr]");
		walk_xing(w, CAP_GATEWAY, t->vnets[w->vnet].gateway,
			  LINK_GATEWAY);
		onprem_ce(w, TOPO_NONE, LINK_INTERNET);
		return false;
	case NH_COUNT:
		break;
	}
	walk_drop(w, sname, "no-route");
	return false;
}

/* ---------------------------------------------------------------- */
/* The flow */

static uint32_t
flow_hash(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, unsigned pr)
{
	/* FNV-1a over the 5-tuple: deterministic ECMP choice. */
	uint32_t v[5] = { src, dst, sp, dp, pr }, h = 2166136261u;
	size_t i, k;

	for (i = 0; i < 5; i++)
		for (k = 0; k < 4; k++) {
			h ^= (v[i] >> (8 * k)) & 0xff;
			h *= 16777619u;
		}
	return h;
}

static int
build_request(struct walk *w, uint32_t src, uint16_t sport, uint32_t dst)
{
	const struct flow *f = w->f;
	const char *qname = f->to;
	uint32_t dummy;

	if (f->proto == PROTO_UDP && dst == AZURE_DNS_IP && f->port == 53) {
		/* MODEL §7: the DNS flow is a real query (for the name the
		 * flow targets, or the KMS name when it targets an IP). */
		if (ip_parse(qname, &dummy) == 0)
			qname = "kms.core.windows.net";
		return pkt_build_dns_query(w->s->pb, w->p, src, sport, dst,
					   (uint16_t)(sport ^ 0x5a5a), qname,
					   SIM_TTL);
	}
	if (f->proto == PROTO_UDP)
		return pkt_build_udp(w->s->pb, w->p, src, sport, dst, f->port,
				     SIM_TTL, NULL, 0);
	/* MODEL §7: a TCP flow starts with a SYN; the initial sequence
	 * number is derived from the ports (no randomness). */
	return pkt_build_tcp(w->s->pb, w->p, src, sport, dst, f->port,
			     (uint32_t)sport << 16 | f->port, 0, PKT_SYN,
			     SIM_TTL, NULL, 0);
}

uint16_t
sim_flow_sport(const struct topo *t, const struct flow *f)
{
	/* A scenario flow without source_port gets one of the dynamic
	 * range by its place in the file: stable run to run. */
	uintptr_t a = (uintptr_t)f, lo = (uintptr_t)t->flows;

	if (f->has_sport || a < lo || a >= lo + t->nflows * sizeof(*f))
		return f->sport;
	return (uint16_t)(49152 + (a - lo) / sizeof(*f) % 16384);
}

/* The walk of flow f; quiet: no trace lines (sim_decide). */
static int
run(struct sim *s, const struct flow *f, struct flow_result *r, bool quiet)
{
	const struct topo *t = s->t;
	struct walk w;
	const struct vm *v;
	uint32_t ips[4];
	const char *origin = "";
	char a[IP_STRLEN], b[IP_STRLEN];
	struct visits visits;
	size_t n, i;
	struct hop *h;
	int rc;

	flow_result_reset(r);
	r->flow = f;
	if (!f->external && f->vm >= t->nvms)
		return -EINVAL;
	v = f->external ? NULL : &t->vms[f->vm];
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.t = t;
	w.f = f;
	w.r = r;
	w.p = &r->request;
	w.sender = f->external ? TOPO_NONE : f->vm;
	w.vnet = v ? v->vnet : TOPO_NONE;
	w.subnet = v ? v->subnet : TOPO_NONE;
	w.proto = f->proto;
	w.quiet = quiet;

	/* MODEL §4: names resolve through the scenario's dns: first, then
	 * the cloud's built-in names. */
	if ((n = dns_resolve(t, f->to, ips, 4, &origin)) == 0)
		return -EINVAL;	/* the loader refuses unknown names */
	r->dst = ips[0];
	r->src = v ? v->ip : f->from_ip;
	r->sport = sim_flow_sport(t, f);
	w.hash = flow_hash(r->src, r->dst, r->sport, f->port, f->proto);
	if ((rc = build_request(&w, r->src, r->sport, r->dst)) != 0)
		return rc;
	if (v == NULL) {	/* f->external */
		/* MODEL §7: a connection from the Internet to an instance
		 * public IP; its answer decides whether it works. */
		inbound_walk(&w);
		if (r->replied && w.err == 0)
			inbound_reply(&w);
		goto out;
	}

	walk_path(&w, v->name);
	h = walk_hop(&w, v->name, "send %s",
		     pkt_dst(w.p) == AZURE_DNS_IP && f->proto == PROTO_UDP &&
		     f->port == 53 ? "DNS query (UDP)" :
		     f->proto == PROTO_TCP ? "TCP SYN" : "UDP datagram");
	if (strcmp(origin, "address") == 0)
		hop_why(h, "flow %s", f->name);
	else if (n > 1)
		hop_why(h, "flow %s: %s resolves (%s) to %zu addresses; the "
			"first, %s, is used", f->name, f->to, origin, n,
			ipstr(r->dst, b));
	else
		hop_why(h, "flow %s: %s resolves (%s) to %s", f->name, f->to,
			origin, ipstr(r->dst, b));
	walk_xing(&w, CAP_NIC, v->name, LINK_COUNT);

	/* MODEL §5: outbound rules see the private source, before any SNAT. */
	if (!walk_nsg_hop(&w, f->vm, DIR_OUTBOUND, true))
		goto out;
	/* MODEL §1: 168.63.129.16 and 169.254.169.254 are answered by the
	 * host and never follow user or BGP routes [168]. */
	if (r->dst == AZURE_DNS_IP || r->dst == AZURE_IMDS_IP) {
		h = walk_hop(&w, v->name, "host virtual IP: not routed");
		hop_why(h, "%s is answered by the host the VM runs on; routes, "
			"UDRs and forced tunneling do not apply [168]",
			ipstr(r->dst, a));
		arrive(&w, "answered by the host", LINK_HOST, ARR_HOSTVIP);
		goto out;
	}
	walk_path(&w, t->vnets[v->vnet].subnets[v->subnet].name);
	visits.n = 0;
	for (i = 0; i < SIM_MAX_STEPS && !w.done; i++) {
		if (!route_step(&w, &visits) || w.done)
			break;
		walk_path(&w, t->vnets[w.vnet].subnets[w.subnet].name);
	}
	if (!w.done) {
		h = walk_drop(&w, "engine", "path-too-long");
		hop_why(h, "%d routing decisions without reaching a "
			"destination: the walk's limit (docs/format.md, "
			"\"Limits\")", SIM_MAX_STEPS);
	}
out:
	if (!r->delivered) {
		r->tcp_connect = false;
		r->replied = false;
		r->activation = ACT_NONE;
	}
	/* MODEL §7: the answer goes home by the model's routes; a TCP
	 * connection needs it, and so does the service's verdict. */
	if (r->replied && w.err == 0 && !f->external)
		reply_walk(&w);
	if (r->replied && (!r->reply_delivered || r->asymmetric)) {
		r->tcp_connect = false;
		r->activation = ACT_NONE;
	}
	if (w.err != 0)
		return w.err;
	expect_check(r);
	return 0;
}

int
sim_run_flow(struct sim *s, const struct flow *f, struct flow_result *r)
{
	return run(s, f, r, false);
}

int
sim_decide(struct sim *s, const struct flow *f, struct flow_result *r)
{
	return run(s, f, r, true);
}
