/*
 * walkint.h: what the request's walk (walk.c) and the reply's (reply.c)
 * share inside the engine. Not for the rest of ftsim: the public API is
 * walk.h.
 */
#ifndef FTSIM_WALKINT_H
#define FTSIM_WALKINT_H

#include "sim/walk.h"

/*
 * One effective-route context: the effective routes and NSG context that
 * every subnet with the same VNet, route table (and so propagation) and
 * service endpoints shares. rt is built for the first such subnet; a
 * subnet differs from it only in its name, which no route holds.
 */
struct simctx {
	struct rtable rt;
	struct nsgctx ctx;
	size_t refs;		/* engines holding it (sim_new_derived
				 * shares the unchanged ones) */
};

/*
 * A compiled NSG: one per (NSG, context) pair, whatever the number of
 * VMs behind it (8,000 VMs behind one NSG compile it once).
 */
struct simcls {
	size_t nsg, cx;
	struct nsgcls *cls;
	size_t *refs;		/* engines holding cls */
};

/*
 * A capture point the topology holds, keyed when the engine is built
 * (points.c): its name, kind and instance, and its number once named.
 */
struct simkey {
	char *name;
	char *inst;		/* "" for none (azure-edge) */
	const char *tinst;	/* the topology's string it was keyed from
				 * (a walk passes the same pointer), or
				 * NULL */
	uint8_t kind;		/* enum cap_kind */
	uint32_t named;		/* its number + 1; 0 until named */
};

/*
 * The engine of one topology: per subnet slot (VNets' subnets numbered in
 * order, base[v] the first of VNet v) the index of its context, the
 * distinct contexts, the compiled NSGs and which VM uses which; the
 * packet builder; the capture points' keys, made with the engine and
 * read-only while walks run; and the points named so far
 * (sim_name_points), which grow only there (a point is never removed).
 * Memory grows with distinct contexts and NSGs, not with subnets or VMs.
 */
struct sim {
	const struct topo *t;
	size_t *base;		/* first subnet slot of each VNet */
	size_t nslots;
	size_t *slotcx;		/* per subnet slot: its context in cx */
	struct simctx **cx;	/* shared with the engines derived from
				 * this one, or with the one it derives
				 * from (reference counted) */
	size_t ncx, ccx;
	struct simcls *ncls;	/* compiled NSGs */
	size_t nncls, cncls;
	uint32_t *clshash;	/* (nsg, cx) -> index in ncls + 1; 0 empty */
	size_t nclshash;	/* a power of two */
	struct nsgcls **cls;	/* per VM: NIC and subnet NSG, borrowed
				 * from ncls (NULL: none) */
	struct nsgcls_own *own;	/* per VM, as cls: its address placed in
				 * them (nsgcls_own) */
	struct pktbuilder *pb;
	size_t **fworder;	/* per firewall: its rule collections in
				 * processing order (topo_fw_order) */
	size_t *gwsub;		/* per VNet: its GatewaySubnet, TOPO_NONE
				 * for none (topo_gateway_subnet, once) */
	uint32_t kms[16];	/* the cloud's KMS addresses, resolved once */
	size_t nkms;
	const struct tag *cloud;	/* the AzureCloud tag, found once */
	struct vmip *byip;	/* the VMs by address, then by place: a
				 * walk looks a destination up by bisection
				 * (sim_vms_at), not through every VM */
	struct simkey *keys;	/* capture points' keys */
	size_t nkeys, ckeys;
	uint32_t *kihash;	/* (kind, instance) -> key + 1, 0 empty */
	uint32_t *knhash;	/* name -> key + 1, 0 empty */
	uint32_t *kphash;	/* (kind, topology string) -> key + 1 */
	size_t nkhash;		/* both: a power of two, or 0 */
	char **pname;		/* named capture points: names */
	uint8_t *pkind;		/* and kinds */
	size_t npoints, cpoints, ckind;
	uint32_t *phash;	/* names' hash: point index + 1, 0 empty */
	size_t nphash;		/* a power of two, or 0 */
};

/* Where the request arrived: where the reply starts. */
enum arrival {
	ARR_NONE,
	ARR_HOSTVIP,		/* 168.63.129.16 / 169.254.169.254 */
	ARR_VM,			/* a VM's NIC: arr_vm */
	ARR_AZURE,		/* an Azure public address, on the backbone */
	ARR_INTERNET,		/* a host on the Internet */
	ARR_ONPREM,		/* an on-premises host */
	ARR_ENDPOINT,		/* a service endpoint's service */
};

/* The state of one walk: where the packet is and who sent it last. */
struct walk {
	struct sim *s;
	const struct topo *t;
	const struct flow *f;
	struct flow_result *r;
	struct pkt *p;
	size_t sender;		/* VM whose NIC sent the packet last */
	size_t vnet, subnet;	/* where it is routed now */
	uint32_t hash;		/* ECMP choice */
	unsigned proto;
	bool done;
	bool reply;		/* walking the reply */
	bool quiet;		/* sim_decide: decisions only, no trace */
	uint32_t clock_us;	/* since this direction's packet left */
	int err;		/* first internal failure (-ENOMEM) */
	enum arrival arr;
	size_t arr_vm;
	size_t site;		/* the on-premises site reached: TOPO_NONE
				 * for onprem:, else a VPN site */
	bool via_gateway;	/* entered the hub through its gateway and
				 * no appliance forwarded it since */
	int gw_inst;		/* the active-active gateway instance the
				 * flow crosses, -1 until chosen */
	size_t fw;		/* the Azure Firewall that forwarded the
				 * packet last, TOPO_NONE when a NIC did */
	uint32_t arr_point;
	struct hop scratch;	/* what walk_hop returns when it records
				 * no line (a decision-only walk, or the
				 * trace could not grow): never written */
};

/* trace.c: what a walk records. */
/* Keep the walk's first internal failure (-ENOMEM). */
void walk_fail(struct walk *w, int err);
/* Zero r for a new flow, keeping its arrays' memory. */
void flow_result_reset(struct flow_result *r);
/* The pool's offset of a copy of s (0 for NULL or ""). */
uint32_t walk_str(struct walk *w, const char *s);
/* The same for a then b, one string. */
uint32_t walk_str2(struct walk *w, const char *a, const char *b);

/* A trace line of kind kind at node: what happened. A decision-only
 * walk records none (a scratch hop the calls below ignore) and does not
 * even build the arguments. The macros read w and h twice: pass
 * names. */
struct hop *walk_hop_(struct walk *w, enum hop_kind kind, const char *node,
		      const char *tmpl, const struct targ *a);
#define walk_hop(w, kind, node, ...)					\
	((w)->quiet ? &(w)->scratch :					\
	 walk_hop_((w), (kind), (node), TARGS(__VA_ARGS__, ta_end())))
/* Why it happened; hop_why_more adds a segment to the why; hop_what
 * replaces what happened (the packet was rewritten since). */
void hop_why_(struct walk *w, struct hop *h, const char *tmpl,
	      const struct targ *a);
void hop_why_more_(struct walk *w, struct hop *h, const char *tmpl,
		   const struct targ *a);
void hop_what_(struct walk *w, struct hop *h, const char *tmpl,
	       const struct targ *a);
#define hop_why(w, h, ...)						\
	((h) == &(w)->scratch ? (void)0 :				\
	 hop_why_((w), (h), TARGS(__VA_ARGS__, ta_end())))
#define hop_why_more(w, h, ...)						\
	((h) == &(w)->scratch ? (void)0 :				\
	 hop_why_more_((w), (h), TARGS(__VA_ARGS__, ta_end())))
#define hop_what(w, h, ...)						\
	((h) == &(w)->scratch ? (void)0 :				\
	 hop_what_((w), (h), TARGS(__VA_ARGS__, ta_end())))
/* A sink whose segments go on hop h's why (hop_why_more): for what
 * describes itself (eroute_words). */
struct why_sink {
	struct tsink k;
	struct walk *w;
	struct hop *h;
};
struct tsink *why_sink(struct why_sink *s, struct walk *w, struct hop *h);
void walk_hop_pkt(struct walk *w, struct hop *h);
void walk_path(struct walk *w, const char *node);
struct hop *walk_drop(struct walk *w, const char *node, const char *reason);
/* Record that the packet, as it is now, crosses capture point kind/inst
 * after a link of kind link (LINK_COUNT: no delay, the same place). */
void walk_xing(struct walk *w, enum cap_kind kind, const char *inst,
	       enum link_kind link);
void walk_xing_at(struct walk *w, uint32_t point, enum link_kind link);
/* Record a translation (inside -> outside) made at the last capture
 * point crossed; the reply undoes it (MODEL §7: NAT is stateful). */
void walk_nat(struct walk *w, const char *who, uint32_t inside,
	      uint16_t iport, uint32_t outside, uint16_t oport);
/* hops.c: the answer to the request as delivered (r->request):
 * addresses swapped, a SYN-ACK or a datagram; only its addresses matter
 * to a walk (sim/xchg.c builds the real packets of the exchange). 0 or
 * -errno. */
int walk_answer_build(struct walk *w, struct pkt *p);

/* hops.c: the packet crosses gateway name (MODEL §8 [vpn-aa]): an
 * active-active gateway's capture point is the instance's,
 * "gateway-NAME-IP": the one whose address is nh_ip, else the one the
 * flow crossed already, else the flow's hash picks; both directions of a
 * flow cross the same instance. */
void walk_gateway_xing(struct walk *w, const char *name, uint32_t nh_ip,
		       enum link_kind link);

/* points.c: the capture points' keys for s->t (at sim_new): 0 or
 * -ENOMEM. */
int sim_points_build(struct sim *s);
void sim_points_free(struct sim *s);
/* points.c: the key of capture point kind/inst (inst NULL: none); a
 * point the engine holds no key for is added to the walk's result, never
 * to the engine. -ENOMEM, -E2BIG. */
int64_t walk_point(struct walk *w, enum cap_kind k, const char *inst);
/* points.c: the kind and name of the point of key key, in the walk's
 * result. */
enum cap_kind walk_point_kind(const struct walk *w, uint32_t key);
const char *walk_point_name(const struct walk *w, uint32_t key);

/* VNet v's GatewaySubnet (topo_gateway_subnet), TOPO_NONE for none or
 * no VNet. */
static inline size_t
walk_gateway_subnet(const struct walk *w, size_t v)
{
	return v < w->t->nvnets ? w->s->gwsub[v] : TOPO_NONE;
}

/* hops.c: what the walks share. */
/* Same VNet or peered: reachable without a gateway. */
bool walk_reachable(const struct topo *t, size_t a, size_t b);
/* The VM at the packet's destination if its VNet is behind gateway gi
 * (its own, or its hub's through transit: what the gateway advertises,
 * MODEL §8 [peer]); TOPO_NONE otherwise. */
size_t walk_vm_behind_gateway(const struct walk *w, size_t gi);
/* MODEL §8 [peer]: may the packet, routed in VNet from, enter VNet to?
 * from's side must allow access to the peer, and to's side forwarded
 * traffic when the source is outside from's address space (an
 * appliance forwarded it). Same VNet: yes. Otherwise a drop line at
 * node, and false. */
bool walk_peering_ok(struct walk *w, size_t from, size_t to,
		     const char *node);
/* The VM with address ip that a packet in VNet vnet can reach (the same
 * VNet or a peered one; any VNet when vnet is TOPO_NONE), preferring the
 * flow's own VM; TOPO_NONE if none. */
size_t walk_vm_at(const struct walk *w, uint32_t ip, size_t vnet);
/* A VM's address and its place in topo.vms. */
struct vmip {
	uint32_t ip;
	uint32_t vm;
};

/* The VMs with address ip, in the topology's order: *first is where
 * their run starts in s->byip; returns how many (0: none). */
size_t sim_vms_at(const struct sim *s, uint32_t ip, size_t *first);
/* The first VM with address ip (topo_vm_by_ip by the engine's index). */
size_t sim_vm_by_ip(const struct sim *s, uint32_t ip);
/* azure_public (services.h) by the engine's AzureCloud tag, found once
 * rather than by name at each packet. */
bool walk_azure_public(const struct walk *w, uint32_t ip);
/* Segments of a route line's why: notes on Invalid routes of the same
 * prefix and missing BGP routes. */
void walk_route_notes(struct walk *w, struct hop *h, const struct rtable *rt,
		      const struct eroute *win);
/* A route decision's line: route hit->r of subnet sn of VNet vn, to its
 * next hop (the route's context and index recorded). */
struct hop *walk_route_hop(struct walk *w, size_t vn, size_t sn,
			   const struct route_hit *hit);

/* The NSG verdict for the packet at VM vm's NIC in direction dir (MODEL
 * §5), as a trace line; source_nic: it decides the flow's nsg_rule, flow
 * log and IP flow verify fields. false when denied (the walk ends). */
bool walk_nsg_hop(struct walk *w, size_t vm, enum direction dir,
		  bool source_nic);

/* The hops of a BGP route r learned from circuit ci (MODEL §2
 * VirtualNetworkGateway): the ExpressRoute gateway, then the circuit's
 * private peering to the customer edge, nh_ip the ECMP member chosen.
 * Each lowers the TTL; false when it ran out there (the walk ends). */
bool walk_circuit_hops(struct walk *w, size_t ci, const struct eroute *r,
		       uint32_t nh_ip);
/* MODEL §3, §8: at on-premises site site (TOPO_NONE: onprem:), its
 * Internet edge SNATs the packet to edge, then the packet crosses the
 * edge's outside point after a link of kind link. */
void walk_edge_snat(struct walk *w, size_t site, uint32_t edge,
		    enum link_kind link);
/* Its first half, shared with the turn at the MSEE: the gateway, then
 * the circuit reached; false when the TTL ran out on the way. */
bool walk_gateway_to_circuit(struct walk *w, size_t ci);

/* walk.c: the request's walk from its VM, after the request is built
 * (n addresses resolved from the flow's name, by origin). */
void walk_request(struct walk *w, size_t n, const char *origin);
/* walk.c: the destination reached (MODEL §4 for the services that
 * check the source): the result's outcome, the destination's capture
 * point; via_note is the trace's why. */
void walk_arrive(struct walk *w, const char *via_note, enum link_kind link,
		 enum arrival arr);
/* walk.c: a source NAT just made: the packet's source is the outside. */
void walk_nat_record(struct walk *w, const char *who, uint32_t inside,
		     uint16_t iport);
/* beyond.c: a BGP route of circuit ci (nh_ip the ECMP member), a route
 * of VPN site si (why: the trace's reason), and a user route to
 * VirtualNetworkGateway from subnet sname: the walk past the gateway.
 * Each returns true when the packet turned around into the gateway's
 * VNet and goes on from its GatewaySubnet (w->vnet, subnet). */
bool walk_to_circuit(struct walk *w, size_t ci, const struct eroute *r,
		     uint32_t nh_ip);
bool walk_to_site(struct walk *w, size_t si, uint32_t nh_ip,
		  const char *why);
bool walk_user_to_gateway(struct walk *w, const char *sname);
/* walk.c: routing decisions from w->vnet/w->subnet on, until the packet
 * arrives, is dropped or SIM_MAX_STEPS runs out. */
void walk_route_loop(struct walk *w);
/* walk.c: at VM vm's NIC: its inbound NSGs (the flow's verdict when the
 * flow comes from outside Azure), then delivered, why the trace's
 * reason. */
void walk_reach_vm_(struct walk *w, size_t vm, const char *why,
		    const struct targ *a);
#define walk_reach_vm(w, vm, ...)					\
	walk_reach_vm_((w), (vm), TARGS(__VA_ARGS__, ta_end()))
/* beyond.c: from gateway gw into VM vm's VNet, to its NIC (inbound NSGs;
 * the flow's verdict when the flow comes from outside Azure). */
void walk_deliver_from_gateway(struct walk *w, const char *gw, size_t vm);

/* firewall.c: the Azure Firewall fi at a route's next hop (MODEL §8
 * [fw-rules] [fw-snat] [fw-ft]): its rules, its SNAT, then the walk goes
 * on from AzureFirewallSubnet (true), or the packet is dropped. */
bool walk_firewall(struct walk *w, size_t fi);
/* firewall.c: next hop Internet for a packet the firewall forwarded:
 * it leaves with the firewall's public IP. */
void walk_firewall_egress(struct walk *w);
/* firewall.c: the reply reaches firewall fi, routed to it (nat false)
 * or addressed to its SNAT (nat true, translation n); it must know the
 * connection. true: the reply goes on from AzureFirewallSubnet. */
bool reply_firewall(struct walk *w, size_t fi, const struct natrec *n,
		    enum link_kind link);

/* onprem.c: a connection opened by a host of an on-premises site to an
 * address in Azure (MODEL §8); its answer is reply_walk's. */
void onprem_walk(struct walk *w);

/* reply.c: walk the destination's answer home (MODEL §7). */
void reply_walk(struct walk *w);

/* inbound.c: a connection from a host on the Internet to an instance
 * public IP, and the VM's answer back to it (MODEL §7). */
void inbound_walk(struct walk *w);
void inbound_reply(struct walk *w);

#endif
