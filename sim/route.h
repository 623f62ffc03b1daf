/*
 * route.h: the effective routes of a subnet (MODEL.md §1).
 *
 * An rtable is what `az network nic show-effective-route-table` shows for
 * a NIC of the subnet: system routes (source Default), the routes its
 * VNet's gateways give, its own or its hub's through gateway transit
 * (source VirtualNetworkGateway: BGP from an ExpressRoute circuit's
 * private peering or a VPN site, a VPN site's static prefixes, Route
 * Server peers' routes) and the routes of the subnet's route table
 * (source User), each Active or Invalid. Two tries index the Active
 * routes: every one of them, and the system VNet-class routes (VNet,
 * peering, service endpoint) that win over BGP whatever the length.
 *
 * Entries borrow their names from the topology, which must outlive the
 * table.
 */
#ifndef FTSIM_ROUTE_H
#define FTSIM_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/lpm.h"
#include "sim/poptrie.h"
#include "sim/targ.h"
#include "topology/topo.h"

#define RT_ECMP_MAX TOPO_ECMP_MAX

enum rt_source { RT_DEFAULT, RT_BGP, RT_USER };
enum rt_state { RT_ACTIVE, RT_INVALID };

struct eroute {
	struct pfx pfx;
	enum rt_source source;
	enum rt_state state;
	enum nh_type nh;
	uint32_t nh_ips[RT_ECMP_MAX];
	uint8_t nnh;
	bool vnet_class;	/* system VNet / peering / service endpoint */
	bool site_static;	/* a VPN site's static prefix */
	bool transit;		/* learned through gateway transit */
	uint8_t nh_peer[RT_ECMP_MAX];	/* Route Server: the peer of each
					 * next hop */
	const char *name;	/* UDR name, NULL for system and BGP */
	const char *table;	/* route table of a UDR */
	size_t circuit;		/* BGP: circuit index */
	size_t site;		/* BGP: VPN site index (static or BGP) */
	size_t rs;		/* BGP: Route Server index */
	size_t vnet;		/* VnetLocal / VNetPeering: the VNet reached */
	size_t vhub;		/* BGP: given by this Virtual WAN hub's
				 * router (MODEL §8 [vwan]), TOPO_NONE */
	const char *invalid_by;	/* why Invalid: "User route X", ... */
};

/* Laid out without holes: 10,000 BGP routes per context add up. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct eroute) == 128,
	       "struct eroute is 128 bytes on LP64");

/* The answer of rtable_lookup for every address whose longest Active
 * prefix is one given route: the route that forwards and, under the VNet
 * exception, the BGP route it beat (UINT32_MAX when none). */
struct rt_answer {
	uint32_t r;
	uint32_t lpm_winner;
};

struct rtable {
	const struct topo *topo;
	size_t vnet, subnet;
	struct eroute *r;
	size_t n, cap;
	/* The oracle's three binary tries (NULL once dropped): */
	struct lpm *active;	/* every Active route */
	struct lpm *vnetcls;	/* Active system VNet-class routes */
	struct lpm *nonbgp;	/* Active routes that are not BGP */
	/* The forwarding index: one poptrie over the Active prefixes whose
	 * values point into ans[], each answer computed once from the three
	 * tries above (which stay the oracle), and the tries' generations
	 * it was computed from. */
	struct poptrie *fib;
	struct rt_answer *ans;
	uint32_t gen[3];
	/* BGP state, for the trace and the warnings. */
	size_t bgp_circuit;	/* first circuit feeding it, TOPO_NONE if none */
	bool bgp_disabled;	/* disableBgpRoutePropagation */
	bool bgp_dropped;	/* a circuit exceeded its prefix limit */
	/* The Active route for exactly 0.0.0.0/0, NULL if none. */
	const struct eroute *dflt;
	/* The Invalid routes (indices into r), for the trace's notes on
	 * what a winner overrode: a few, where a table has 10,000. */
	size_t *invalid;
	size_t ninvalid;
};

/* Build the effective routes of subnet `subnet` of VNet `vnet`. Warnings
 * (a BGP session dropped, an unknown service endpoint) go to d, unless d
 * is NULL (the engine builds one table for many subnets and calls
 * rtable_warn for each). Returns 0, or -ENOMEM with the table left
 * empty. */
int rtable_build(const struct topo *t, size_t vnet, size_t subnet,
		 struct rtable *out, struct diag *d);
/* The warnings rtable_build gives for that subnet. */
void rtable_warn(const struct topo *t, size_t vnet, size_t subnet,
		 struct diag *d);
void rtable_free(struct rtable *rt);

/* The result of a lookup. exception: a BGP route won the longest match
 * but a system VNet-class route covers the destination, so BGP loses
 * [udr]: the longest non-BGP route wins (the VNet route, or a longer
 * user route inside it); lpm_winner is the BGP route it beat. */
struct route_hit {
	const struct eroute *r;
	uint32_t nh_ip;		/* the ECMP member chosen, 0 if none */
	bool exception;
	const struct eroute *lpm_winner;
};

/* A new Active route of prefix p appended to rt (no circuit, site, Route
 * Server, VNet or hub); NULL out of memory, rt as it was. */
struct eroute *rtable_add(struct rtable *rt, struct pfx p,
			  enum rt_source src, enum nh_type nh);

/* Route dst; flowhash picks among ECMP next hops. 0, or -ENOENT (no
 * route at all: the packet is dropped). Answers from the forwarding
 * index, or from the tries if one of them changed since the build. */
int rtable_lookup(const struct rtable *rt, uint32_t dst, uint32_t flowhash,
		  struct route_hit *hit);
/* The same answer computed from the three binary tries: the oracle the
 * forwarding index is tested against. -ENOTSUP once they are dropped. */
int rtable_lookup_oracle(const struct rtable *rt, uint32_t dst,
			 uint32_t flowhash, struct route_hit *hit);
/* Free the three binary tries once the forwarding index is built: the
 * engine keeps them only for --check and the tests (sim_opts). */
void rtable_drop_oracle(struct rtable *rt);

/* True when traffic is forced through a 0.0.0.0/0 that is not Internet
 * (a UDR or a BGP default), the condition of MODEL.md §5's KMS switch. */
bool rtable_forced_default(const struct rtable *rt);

const char *rt_source_name(enum rt_source s);	/* as `az` prints it */
const char *rt_state_name(enum rt_state s);
/* Why a route exists, e.g. "BGP, learned from er-circuit private
 * peering" or "User route DirectRouteToKMS in route table
 * KmsDirectRoute", as segments into k (a trace's line, or text). */
void eroute_words(const struct topo *t, const struct eroute *r,
		  struct tsink *k);
/* The same as text in b (emptied first): 0 or -ENOMEM. */
int eroute_text(const struct topo *t, const struct eroute *r,
		struct tline *b);

#endif
