/*
 * walk.h: the engine. A sim holds, for one topology, the effective routes
 * and NSG context of every subnet and a packet builder. sim_run_flow
 * replays one flow: it builds the request's bytes, walks them hop by hop
 * through NSGs, route tables, gateways, the circuit, on-premises and the
 * NATs on the way, rewriting the bytes at every NAT, and records each
 * step with its reason in a flow_result.
 *
 * A flow_result's trace, paths, translations and crossings are growable
 * arrays: no verdict depends on their size. sim_run_flow reuses what a
 * result already holds; flow_result_free releases it. Names in it are
 * copied, so it outlives nothing but the topology's flows.
 */
#ifndef FTSIM_WALK_H
#define FTSIM_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/pkt.h"
#include "sim/nsg.h"
#include "sim/route.h"
#include "sim/targ.h"
#include "topology/topo.h"

/* Routing decisions per direction: past it the walk ends with
 * path-too-long (docs/format.md, "Limits"); far above any real path
 * (a chain of 25 appliances takes 26). */
#define SIM_MAX_STEPS 64
#define SIM_NODE_LEN 256	/* above Azure's 80-character names and
				 * DNS's 253: names are never cut */
#define SIM_TTL 128		/* initial TTL (Windows' default) */
/* Effective routes over all subnets' tables: about 300 MB. Above it
 * sim_new refuses the scenario (docs/format.md, "Limits"). */
#define SIM_MAX_ROUTES 2000000

/*
 * Capture points (MODEL §7): the places where a packet can be seen, each a
 * kind and an instance ("nic-vm1", "circuit-er1-private"). A walk records
 * each crossing by the point's key and changes nothing in the engine: the
 * points the topology holds (NICs, fabrics, gateways and their instances,
 * circuits' peerings, on-premises sites, appliances, firewalls) are keyed
 * when the engine is built, and a point it cannot know in advance (a
 * destination, a host on the Internet) is kept in the result itself
 * (flow_result.lpt). sim_name_points numbers the points a set of results
 * crossed, in the order they crossed them, when names are needed
 * (captures, ladders, diagrams, reports); sim_point_name then gives a
 * point's name, which is also the capture file's name without ".pcap".
 */
#define SIM_POINT_LEN (SIM_NODE_LEN + 32)	/* "KIND-INSTANCE-SIDE" */
#define SIM_POINT_LOCAL 0x80000000u	/* a key into flow_result.lpt */

enum cap_kind {
	CAP_NIC,		/* a VM's NIC (the sender, or a VM destination) */
	CAP_FABRIC,		/* a VNet's fabric, after the route decision */
	CAP_AZURE_EDGE,		/* Azure's Internet edge, after its SNAT */
	CAP_GATEWAY,		/* an ExpressRoute or VPN gateway */
	CAP_CIRCUIT_PRIVATE,	/* a circuit's private peering */
	CAP_CIRCUIT_PUBLIC,	/* a circuit's public peering */
	CAP_CIRCUIT_MICROSOFT,	/* a circuit's Microsoft peering */
	CAP_ONPREM_INSIDE,	/* on-premises, inside the edge NAT */
	CAP_ONPREM_OUTSIDE,	/* on-premises, outside the edge NAT */
	CAP_APPLIANCE,		/* a network virtual appliance's NIC */
	CAP_FIREWALL_INSIDE,	/* an Azure Firewall, before its SNAT */
	CAP_FIREWALL_OUTSIDE,	/* an Azure Firewall, after its SNAT */
	CAP_DEST,		/* a destination service or host */
	CAP_HOST,		/* a host on the Internet that opens a
				 * connection (an inbound flow's source) */
	CAP_COUNT
};

const char *cap_kind_name(enum cap_kind k);

/*
 * One crossing of a capture point by the packet of one direction, with
 * the packet's addresses there: the exchange (capture/xchg.h) rebuilds
 * every packet of the flow at every crossing from these. at_us counts
 * from the moment the direction's first packet left its origin.
 */
struct xing {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t point;		/* the point's key; after sim_name_points
				 * its number: sim_point_name(s, point) */
	uint8_t ttl;
	uint8_t reply;		/* 0: request direction, 1: reply */
	uint16_t hop;		/* the trace line it belongs to: a walk
				 * takes at most SIM_MAX_STEPS routing
				 * decisions each way, a few lines each */
	uint32_t at_us;
	uint32_t pktno;		/* first packet's number in its capture file,
				 * 0 until captures are written */
};

_Static_assert(sizeof(struct xing) == 28, "struct xing is 28 bytes");

/* A translation a NAT made on the request's way: undone on the reply's
 * (MODEL §7: NAT is stateful). */
struct natrec {
	uint32_t point;		/* where it happened (as xing.point) */
	uint16_t inside_port, outside_port;
	uint32_t inside, outside;
	uint32_t who;		/* who translated: offset in
				 * flow_result.pool */
};

/*
 * An Azure Firewall's decision on a request (MODEL §8 [fw-rules]): what
 * its structured logs record, one AZFWNetworkRule or AZFWApplicationRule
 * record each. coll and rule index the firewall's collections and that
 * collection's rules; UINT32_MAX when no rule matched (the default deny).
 */
struct fwrec {
	uint32_t fw;		/* index in topo.firewalls */
	uint32_t coll, rule;
	uint8_t app;		/* logged as an application rule */
	uint8_t allow;
	uint8_t proto;		/* enum proto bit */
	uint32_t src, dst;	/* as the firewall received it */
	uint16_t sport, dport;
	uint32_t at_us;		/* when the firewall saw it */
};

/*
 * The kind of a trace line: what the hop is, for outputs that pick lines
 * (a report's route lines, a diagram's NSG notes) without reading text.
 */
enum hop_kind {
	HOP_SEND,		/* the flow's first packet leaves its origin */
	HOP_NSG,		/* an NSG verdict at a NIC (MODEL §5) */
	HOP_ROUTE,		/* a routing decision (MODEL §2) */
	HOP_NAT,		/* a translation: SNAT, DNAT, un-NAT */
	HOP_HOSTVIP,		/* answered by the host (MODEL §1) */
	HOP_EDGE,		/* Azure's Internet edge into a VNet */
	HOP_GATEWAY,		/* an ExpressRoute or VPN gateway */
	HOP_CIRCUIT,		/* a circuit's peering, its MSEE */
	HOP_ONPREM,		/* a customer edge, an on-premises site */
	HOP_APPLIANCE,		/* a network virtual appliance */
	HOP_FIREWALL,		/* an Azure Firewall */
	HOP_VHUB,		/* a Virtual WAN hub */
	HOP_DELIVER,		/* arrived: the destination, the answer */
	HOP_ANSWER,		/* the destination answers */
	HOP_DROP,		/* dropped: the reason */
	HOP_KIND_COUNT
};

const char *hop_kind_name(enum hop_kind k);

#define HOP_NONE UINT32_MAX	/* an index a hop does not have */

/*
 * A trace line as an event: its kind, where it happened (node: an offset
 * in the result's string pool), what happened and why as lines of the
 * result's log (flow_result.targ; why HOP_NONE: none), the indices of
 * what decided (the effective route in its context, the NSG rule, the
 * translation in flow_result.nat, the first capture-point crossing in
 * flow_result.xing; HOP_NONE for none) and the packet's addresses after
 * it. The walk formats no text: outputs render a line (sim/trace.h).
 */
struct hop {
	uint32_t what, why;	/* first entry of each line in r->targ */
	uint32_t node;		/* offset in flow_result.pool */
	uint32_t ctx, route;	/* HOP_ROUTE: sim_context_rtable(ctx)->r[route] */
	uint32_t rule;		/* HOP_NSG: the deciding rule's index in its
				 * NSG's rules; HOP_NONE for a default or a
				 * platform rule, or none */
	uint32_t nat;		/* a translation it made: flow_result.nat */
	uint32_t xing;		/* its first crossing: flow_result.xing */
	uint32_t src, dst;	/* the packet's addresses after this step */
	uint16_t sport, dport;
	uint8_t kind;		/* enum hop_kind */
	uint8_t reply;		/* a step of the reply's way back */
	uint8_t pad[2];
};

_Static_assert(sizeof(struct hop) == 48, "struct hop is 48 bytes");

/* A capture point the engine does not key (a destination, a host on the
 * Internet), as a walk met it: key SIM_POINT_LOCAL + its index. */
struct lpoint {
	enum cap_kind kind;
	uint32_t named;		/* its number once named, + 1 */
	uint32_t name;		/* offset in flow_result.pool */
};

/* One expectation checked: what was wanted and what came out, as
 * offsets in flow_result.pool. */
struct exp_result {
	enum exp_key key;
	uint32_t want, got;
	bool ok;
};

struct flow_result {
	const struct flow *flow;
	uint32_t dst;			/* resolved destination */
	uint32_t src;			/* the VM's address */
	uint16_t sport;
	bool delivered;
	bool tcp_connect;
	enum activation activation;
	bool has_source_seen;
	uint32_t source_seen;
	enum srcclass source_class;
	enum hairpin hairpin;
	uint32_t *path;			/* the request's nodes (pool) */
	size_t npath, cpath;
	uint32_t nsg_rule;		/* pool; "": no NSG applied */
	bool nsg_rule_hidden;
	bool flow_logged;
	enum access ip_flow_verify;
	uint32_t ip_flow_verify_rule;	/* pool */
	const char *drop_reason;	/* static string, NULL if none */
	struct hop *hops;		/* the trace, request then reply */
	size_t nhops, chops;
	struct targ *targ;		/* the trace lines' arguments */
	size_t ntarg, ctarg;
	char *pool;			/* names and texts the result holds,
					 * each ending in NUL; offset 0 is "" */
	size_t npool, cpool;
	size_t nexp;			/* in exp, below */
	bool all_ok;

	/* MODEL §7: the reply, routed by the model from the destination. */
	bool replied;			/* the destination answers */
	bool reply_delivered;		/* the answer reached the VM as the
					 * answer to what it sent */
	bool asymmetric;		/* it came back another way */
	const char *reply_drop_reason;	/* static string, NULL if none */
	uint32_t *rpath;		/* the reply's nodes (pool) */
	size_t nrpath, crpath;
	struct natrec *nat;
	size_t nnat, cnat;
	struct xing *xing;
	size_t nxing, cxing;
	struct fwrec *fw;		/* Azure Firewall decisions */
	size_t nfw, cfw;
	struct lpoint *lpt;		/* points keyed in the result */
	size_t nlpt, clpt;
	bool points_named;		/* xing and nat hold point numbers
					 * (sim_name_points) */

	struct exp_result exp[EXP_COUNT];

	/* Last, not zeroed for each flow (sim_run_flow writes it whole):
	 * the request's bytes, most of the result's size. */
	struct pkt request;		/* the request as delivered/dropped */
};

/* The string at offset off of r's pool: a node, a path's node, a
 * name; "" for 0 (nothing) and past the pool. */
static inline const char *
fr_str(const struct flow_result *r, uint32_t off)
{
	return off < r->npool ? r->pool + off : "";
}

/* A copy of a[0..na) then b[0..nb), one string, into r's pool: its
 * offset in *out (0 for ""). 0, -ENOMEM or -E2BIG (past 4 GiB), with
 * the pool as it was and *out 0. */
int fr_put(struct flow_result *r, const char *a, size_t na, const char *b,
	   size_t nb, uint32_t *out);

struct sim;

/* Build the engine for t (t must outlive it). Warnings (BGP session
 * dropped, retired public peering) are added to d. 0, or -ENOMEM, -E2BIG
 * (over SIM_MAX_ROUTES, with an error in d) or -EIO (libnet could not
 * start). */
int sim_new(const struct topo *t, struct diag *d, struct sim **out);
/* What an engine keeps beyond what flows need. */
struct sim_opts {
	bool oracles;		/* the binary tries behind each forwarding
				 * index (rtable_lookup_oracle): --check
				 * and the tests */
};
/* sim_new with options (sim_new: none of them). */
int sim_new_opts(const struct topo *t, const struct sim_opts *o,
		 struct diag *d, struct sim **out);
void sim_free(struct sim *s);
/*
 * The engine of after, a topology that change ch made from before's
 * (change_apply): what sim_new(after) builds, the same in every route,
 * verdict and diagnostic, sharing with before every effective-route
 * context whose inputs the change left alone (same VNet, subnet key and
 * route table contents; any operation beyond route tables, NSG and
 * firewall rules rebuilds them all) and every NSG compiled in such a
 * context that no operation names. Shared parts are reference counted:
 * either engine may be freed first. The derived engine reads names from
 * before's topology, which must outlive it. ch NULL: sim_new. 0 or
 * sim_new's errors.
 */
struct change;
int sim_new_derived(const struct sim *before, const struct topo *after,
		    const struct change *ch, struct diag *d,
		    struct sim **out);

/* Replay flow f; fills r completely (r zeroed before its first use; its
 * arrays are reused). 0, or a negative errno for an internal failure
 * (-ENOMEM; never for a packet that is dropped). */
int sim_run_flow(struct sim *s, const struct flow *f, struct flow_result *r);
/* The same walk deciding only (MODEL's every rule, the same verdict,
 * path, rules, NAT and answer): no trace lines (r->nhops is 0). What
 * what-if and the scenario checks use when nobody reads the trace. */
int sim_decide(struct sim *s, const struct flow *f, struct flow_result *r);
/* Release what r's arrays hold and zero it. */
void flow_result_free(struct flow_result *r);

/* The source port flow f's request leaves with. */
uint16_t sim_flow_sport(const struct topo *t, const struct flow *f);

/* The effective routes and NSG context of a subnet. */
const struct rtable *sim_rtable(const struct sim *s, size_t vnet,
				size_t subnet);
const struct nsgctx *sim_nsgctx(const struct sim *s, size_t vnet,
				size_t subnet);

/* Evaluate q against VM vm's NIC and subnet NSGs in its subnet's
 * context (MODEL.md §5); with_platform false is IP flow verify's view. */
void sim_nsg_eval(const struct sim *s, size_t vm, const struct nsg_query *q,
		  bool with_platform, struct nsg_verdict *v);

/* Number the capture points results res[0..n-1] crossed (their xing
 * and nat then hold numbers, not keys), in the order they crossed them
 * after the points named before; a result named already is left as it
 * is. Not while walks run on s. 0 or -ENOMEM (-E2BIG past UINT32_MAX
 * points); each result is named whole or not at all. */
int sim_name_points(struct sim *s, struct flow_result *res, size_t n);
/* The name of capture point i ("nic-vm1"), or NULL past the last one;
 * sim_npoints counts the points named so far. */
const char *sim_point_name(const struct sim *s, size_t i);
size_t sim_npoints(const struct sim *s);
enum cap_kind sim_point_kind(const struct sim *s, size_t i);

/* The distinct effective-route contexts and compiled NSGs the engine
 * holds (what its memory grows with). */
size_t sim_ncontexts(const struct sim *s);
size_t sim_ncompiled_nsgs(const struct sim *s);
/* The context a subnet uses, and context i's routes and NSG context
 * (every subnet of a context has the same). */
size_t sim_context_of(const struct sim *s, size_t vnet, size_t subnet);
const struct rtable *sim_context_rtable(const struct sim *s, size_t i);
const struct nsgctx *sim_context_nsgctx(const struct sim *s, size_t i);

/* The topology a sim was built for. */
const struct topo *sim_topo(const struct sim *s);

/* Compare r with its flow's expectations (expect.c). Fills r->exp,
 * r->nexp and r->all_ok. 0 or -ENOMEM (the texts' room). */
int expect_check(struct flow_result *r);

#endif
