/*
 * test_route.c: the effective routes of a subnet (MODEL.md §1).
 *
 * Every test loads a small scenario from a string, builds the engine and
 * reads one subnet's table with sim_rtable: which rows exist, with which
 * source, state and next hop, and what rtable_lookup picks for a
 * destination.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/route.h"
#include "sim/walk.h"
#include "topology/scenario.h"
#include "tests/unit/fixture.h"



/* The table of subnet `subnet` (by name) of VNet `vnet`. */
static const struct rtable *
table(const char *vnet, const char *subnet)
{
	size_t v = topo_vnet_find(&topo, vnet), s;

	ck_assert_msg(v != TOPO_NONE, "no VNet %s", vnet);
	for (s = 0; s < topo.vnets[v].nsubnets; s++)
		if (strcmp(topo.vnets[v].subnets[s].name, subnet) == 0)
			return sim_rtable(sim, v, s);
	ck_abort_msg("no subnet %s in %s", subnet, vnet);
	return NULL;
}

static struct pfx
P(const char *s)
{
	struct pfx p;

	ck_assert_msg(pfx_parse(s, &p) == 0, "bad prefix %s", s);
	return p;
}

static uint32_t
A(const char *s)
{
	uint32_t ip;

	ck_assert_msg(ip_parse(s, &ip) == 0, "bad address %s", s);
	return ip;
}

/* The row for prefix p from source src, NULL if absent. */
static const struct eroute *
row(const struct rtable *rt, const char *p, enum rt_source src)
{
	struct pfx x = P(p);
	size_t i;

	for (i = 0; i < rt->n; i++)
		if (rt->r[i].source == src && pfx_equal(rt->r[i].pfx, x))
			return &rt->r[i];
	return NULL;
}

/* How many rows, of any source, have prefix p. */
static size_t
rows_for(const struct rtable *rt, const char *p)
{
	struct pfx x = P(p);
	size_t i, n = 0;

	for (i = 0; i < rt->n; i++)
		n += pfx_equal(rt->r[i].pfx, x);
	return n;
}

static size_t
rows_of(const struct rtable *rt, enum rt_source src)
{
	size_t i, n = 0;

	for (i = 0; i < rt->n; i++)
		n += rt->r[i].source == src;
	return n;
}

static size_t
rows_nh(const struct rtable *rt, enum nh_type nh)
{
	size_t i, n = 0;

	for (i = 0; i < rt->n; i++)
		n += rt->r[i].nh == nh;
	return n;
}

/* Look dst up (it must match) and return the hit. */
static struct route_hit
look(const struct rtable *rt, const char *dst, uint32_t hash)
{
	struct route_hit h;

	ck_assert_msg(rtable_lookup(rt, A(dst), hash, &h) == 0,
		      "no route for %s", dst);
	ck_assert_ptr_nonnull(h.r);
	return h;
}

static void
assert_row(const struct eroute *e, const char *what, enum rt_state st,
	   enum nh_type nh)
{
	ck_assert_msg(e != NULL, "missing row %s", what);
	ck_assert_msg(e->state == st, "%s: state %s, want %s", what,
		      rt_state_name(e->state), rt_state_name(st));
	ck_assert_msg(e->nh == nh, "%s: next hop %s, want %s", what,
		      nh_type_name(e->nh), nh_type_name(nh));
}

/* A VNet with a gateway and a circuit advertising ADV (a flow list). */
#define BGP_NET(space, adv, extra_circuit)				\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - name: v\n"							\
	"    address_space: [" space "]\n"				\
	"    gateway: er-gw\n"						\
	"    subnets:\n"						\
	"      - {name: s1, prefix: 10.1.1.0/24}\n"			\
	"expressroute:\n"						\
	"  - name: er-circuit\n"					\
	"    sku: Premium\n"						\
	"    gateway: er-gw\n"						\
	"    private_peering:\n"					\
	"      advertised: [" adv "]\n"					\
	extra_circuit

/* ---------------------------------------------------------------- */

/* MODEL §1 System and §8 documented set: VnetLocal, 0/0 Internet, four
 * None, as Azure's REST example (reserved_none_routes: documented). */
START_TEST(system_routes_match_azure_example)
{
	/* The rows of NetworkInterfaceEffectiveRouteTableList.json (Azure
	 * REST example, VNet 172.20.2.0/24), all Default and Active. */
	static const struct {
		const char *pfx;
		enum nh_type nh;
	} want[] = {
		{ "172.20.2.0/24", NH_VNETLOCAL },
		{ "0.0.0.0/0", NH_INTERNET },
		{ "10.0.0.0/8", NH_NONE },
		{ "100.64.0.0/10", NH_NONE },
		{ "172.16.0.0/12", NH_NONE },
		{ "192.168.0.0/16", NH_NONE },
	};
	const struct rtable *rt;
	size_t i;

	load("scenario: t\n"
	     "model: {reserved_none_routes: documented}\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [172.20.2.0/24]\n"
	     "    subnets: [{name: s1, prefix: 172.20.2.0/24}]\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rt->n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < rt->n; i++) {
		char buf[PFX_STRLEN];

		pfx_format(rt->r[i].pfx, buf);
		ck_assert_msg(pfx_equal(rt->r[i].pfx, P(want[i].pfx)),
			      "row %zu is %s, want %s", i, buf, want[i].pfx);
		ck_assert_str_eq(rt_source_name(rt->r[i].source), "Default");
		ck_assert_str_eq(rt_state_name(rt->r[i].state), "Active");
		ck_assert_str_eq(nh_type_name(rt->r[i].nh),
				 nh_type_name(want[i].nh));
		ck_assert_uint_eq(rt->r[i].nnh, 0);
	}
	ck_assert_uint_eq(rt->bgp_circuit, TOPO_NONE);
	ck_assert_ptr_eq(rt->dflt, row(rt, "0.0.0.0/0", RT_DEFAULT));
}
END_TEST

/* MODEL §1 System: one VnetLocal route per address-space prefix. */
START_TEST(vnetlocal_per_address_space)
{
	const struct rtable *rt;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16, 10.7.0.0/16, 52.10.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_nh(rt, NH_VNETLOCAL), 3);
	assert_row(row(rt, "10.1.0.0/16", RT_DEFAULT), "10.1/16",
		   RT_ACTIVE, NH_VNETLOCAL);
	assert_row(row(rt, "10.7.0.0/16", RT_DEFAULT), "10.7/16",
		   RT_ACTIVE, NH_VNETLOCAL);
	assert_row(row(rt, "52.10.0.0/16", RT_DEFAULT), "52.10/16",
		   RT_ACTIVE, NH_VNETLOCAL);
	ck_assert_uint_eq(look(rt, "10.7.200.1", 0).r->nh, NH_VNETLOCAL);
	ck_assert_uint_eq(look(rt, "52.10.0.1", 0).r->nh, NH_VNETLOCAL);
	ck_assert_uint_eq(look(rt, "10.8.0.1", 0).r->nh, NH_NONE);
	ck_assert_uint_eq(look(rt, "52.11.0.1", 0).r->nh, NH_INTERNET);
}
END_TEST

/* MODEL §1 System: a reserved prefix equal to a VNet prefix is VnetLocal. */
START_TEST(reserved_prefix_equal_to_space_is_vnetlocal)
{
	const struct rtable *rt;

	load("scenario: t\n"
	     "model: {reserved_none_routes: documented}\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.0.0.0/8, 192.168.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_for(rt, "10.0.0.0/8"), 1);
	ck_assert_uint_eq(rows_for(rt, "192.168.0.0/16"), 1);
	assert_row(row(rt, "10.0.0.0/8", RT_DEFAULT), "10/8", RT_ACTIVE,
		   NH_VNETLOCAL);
	assert_row(row(rt, "192.168.0.0/16", RT_DEFAULT), "192.168/16",
		   RT_ACTIVE, NH_VNETLOCAL);
	/* The other two reserved ranges stay None. */
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 2);
	assert_row(row(rt, "100.64.0.0/10", RT_DEFAULT), "100.64/10",
		   RT_ACTIVE, NH_NONE);
	assert_row(row(rt, "172.16.0.0/12", RT_DEFAULT), "172.16/12",
		   RT_ACTIVE, NH_NONE);
	ck_assert_uint_eq(look(rt, "10.200.0.1", 0).r->nh, NH_VNETLOCAL);
}
END_TEST

/* MODEL §1 System: a VNet prefix containing a reserved prefix removes it. */
START_TEST(space_containing_reserved_prefix_removes_it)
{
	const struct rtable *rt;

	load("scenario: t\n"
	     "model: {reserved_none_routes: documented}\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.0.0.0/7, 172.0.0.0/11]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_for(rt, "10.0.0.0/8"), 0);
	ck_assert_uint_eq(rows_for(rt, "172.16.0.0/12"), 0);
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 2);
	assert_row(row(rt, "100.64.0.0/10", RT_DEFAULT), "100.64/10",
		   RT_ACTIVE, NH_NONE);
	assert_row(row(rt, "192.168.0.0/16", RT_DEFAULT), "192.168/16",
		   RT_ACTIVE, NH_NONE);
	ck_assert_uint_eq(look(rt, "10.200.0.1", 0).r->nh, NH_VNETLOCAL);
	ck_assert_uint_eq(look(rt, "172.20.0.1", 0).r->nh, NH_VNETLOCAL);
}
END_TEST

/* MODEL §1 System: a VNet prefix inside a reserved range keeps its None. */
START_TEST(space_inside_reserved_prefix_keeps_it)
{
	const struct rtable *rt;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n");
	rt = table("v", "s1");
	assert_row(row(rt, "10.0.0.0/8", RT_DEFAULT), "10/8", RT_ACTIVE,
		   NH_NONE);
	ck_assert_uint_eq(look(rt, "10.1.9.9", 0).r->nh, NH_VNETLOCAL);
	ck_assert_uint_eq(look(rt, "10.2.0.1", 0).r->nh, NH_NONE);
}
END_TEST

/* MODEL §1 System: peered prefixes are VNetPeering, on both sides. */
START_TEST(peering_adds_vnetpeering_both_directions)
{
	const struct rtable *hub, *spoke, *other;
	const struct eroute *e;
	size_t ih, is;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: hub\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    peerings: [spoke]\n"
	     "    subnets: [{name: h1, prefix: 10.1.1.0/24}]\n"
	     "  - name: spoke\n"
	     "    address_space: [10.2.0.0/16, 10.3.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.2.1.0/24}]\n"
	     "  - name: other\n"
	     "    address_space: [10.9.0.0/16]\n"
	     "    subnets: [{name: o1, prefix: 10.9.1.0/24}]\n");
	ih = topo_vnet_find(&topo, "hub");
	is = topo_vnet_find(&topo, "spoke");
	hub = table("hub", "h1");
	spoke = table("spoke", "s1");
	other = table("other", "o1");

	ck_assert_uint_eq(rows_nh(hub, NH_VNETPEERING), 2);
	e = row(hub, "10.2.0.0/16", RT_DEFAULT);
	assert_row(e, "hub->10.2/16", RT_ACTIVE, NH_VNETPEERING);
	ck_assert_uint_eq(e->vnet, is);
	assert_row(row(hub, "10.3.0.0/16", RT_DEFAULT), "hub->10.3/16",
		   RT_ACTIVE, NH_VNETPEERING);

	ck_assert_uint_eq(rows_nh(spoke, NH_VNETPEERING), 1);
	e = row(spoke, "10.1.0.0/16", RT_DEFAULT);
	assert_row(e, "spoke->10.1/16", RT_ACTIVE, NH_VNETPEERING);
	ck_assert_uint_eq(e->vnet, ih);
	ck_assert_uint_eq(look(spoke, "10.1.1.4", 0).r->nh, NH_VNETPEERING);

	ck_assert_uint_eq(rows_nh(other, NH_VNETPEERING), 0);
	ck_assert_uint_eq(look(other, "10.1.1.4", 0).r->nh, NH_NONE);
}
END_TEST

/* MODEL §1 BGP: advertised prefixes via VirtualNetworkGateway, ECMP hops. */
START_TEST(bgp_routes_from_circuit_with_ecmp)
{
	const struct rtable *rt;
	const struct eroute *e;

	load(BGP_NET("10.1.0.0/16", "192.168.0.0/16, 172.20.0.0/14",
		     "      next_hops: [192.168.255.1, 192.168.255.2]\n"));
	rt = table("v", "s1");
	ck_assert_uint_eq(rt->bgp_circuit, 0);
	ck_assert(!rt->bgp_disabled && !rt->bgp_dropped);
	ck_assert_uint_eq(rows_of(rt, RT_BGP), 2);
	e = row(rt, "172.20.0.0/14", RT_BGP);
	assert_row(e, "BGP 172.20/14", RT_ACTIVE, NH_VNET_GATEWAY);
	ck_assert_str_eq(rt_source_name(e->source), "VirtualNetworkGateway");
	ck_assert_uint_eq(e->circuit, 0);
	ck_assert_uint_eq(e->nnh, 2);
	ck_assert_uint_eq(e->nh_ips[0], IP4(192, 168, 255, 1));
	ck_assert_uint_eq(e->nh_ips[1], IP4(192, 168, 255, 2));
}
END_TEST

/* MODEL §1 BGP: the ECMP member is chosen by the flow hash. */
START_TEST(bgp_ecmp_lookup_picks_by_hash)
{
	const struct rtable *rt;
	bool seen[2] = { false, false };
	uint32_t h;

	load(BGP_NET("10.1.0.0/16", "192.168.0.0/16",
		     "      next_hops: [192.168.255.1, 192.168.255.2]\n"));
	rt = table("v", "s1");
	for (h = 0; h < 64; h++) {
		struct route_hit a = look(rt, "192.168.7.7", h);
		struct route_hit b = look(rt, "192.168.7.7", h);

		ck_assert_uint_eq(a.r->source, RT_BGP);
		ck_assert_uint_eq(a.nh_ip, b.nh_ip);
		ck_assert_uint_eq(a.nh_ip, a.r->nh_ips[h % a.r->nnh]);
		ck_assert(a.nh_ip == IP4(192, 168, 255, 1) ||
			  a.nh_ip == IP4(192, 168, 255, 2));
		seen[a.nh_ip == IP4(192, 168, 255, 2)] = true;
	}
	ck_assert(seen[0] && seen[1]);
	ck_assert_uint_ne(look(rt, "192.168.7.7", 0).nh_ip,
			  look(rt, "192.168.7.7", 1).nh_ip);
}
END_TEST

/* MODEL §1 BGP: disableBgpRoutePropagation keeps BGP routes out. */
START_TEST(disable_bgp_propagation_removes_bgp)
{
	const struct rtable *on, *off;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets:\n"
	     "      - {name: on, prefix: 10.1.1.0/24, route_table: keep}\n"
	     "      - {name: off, prefix: 10.1.2.0/24, route_table: nobgp}\n"
	     "route_tables:\n"
	     "  - {name: keep, disable_bgp_route_propagation: false, routes: []}\n"
	     "  - {name: nobgp, disable_bgp_route_propagation: true, routes: []}\n"
	     "expressroute:\n"
	     "  - name: er-circuit\n"
	     "    sku: Standard\n"
	     "    gateway: er-gw\n"
	     "    private_peering: {advertised: [0.0.0.0/0, 192.168.0.0/16]}\n");
	on = table("v", "on");
	off = table("v", "off");
	ck_assert_uint_eq(rows_of(on, RT_BGP), 2);
	ck_assert(!on->bgp_disabled);
	ck_assert_uint_eq(rows_of(off, RT_BGP), 0);
	ck_assert(off->bgp_disabled);
	ck_assert_uint_eq(look(on, "192.168.1.1", 0).r->source, RT_BGP);
	ck_assert_uint_eq(look(off, "192.168.1.1", 0).r->nh, NH_NONE);
	ck_assert_uint_eq(look(off, "8.8.8.8", 0).r->nh, NH_INTERNET);
	assert_row(row(off, "0.0.0.0/0", RT_DEFAULT), "system 0/0",
		   RT_ACTIVE, NH_INTERNET);
}
END_TEST

/* MODEL §1 BGP limits [er-limits]: 4,000 (Standard) / 10,000 (Premium)
 * prefixes; one more drops the session and every BGP route. */
static const struct {
	const char *sku;
	unsigned count;		/* generated prefixes, besides 0.0.0.0/0 */
	bool dropped;
} limits[] = {
	{ "Standard", 3999, false },	/* 4,000 with the default */
	{ "Standard", 4000, true },	/* 4,001 */
	{ "Premium", 9999, false },	/* 10,000 */
	{ "Premium", 10000, true },	/* 10,001 */
};

/* MODEL §1 BGP limits: above 4,000 / 10,000 prefixes the session drops. */
START_TEST(bgp_prefix_limit_per_sku)
{
	char yaml[1024];
	const struct rtable *rt;
	size_t i, warned = 0, total = limits[_i].count + 1;
	char needle[32];

	snprintf(yaml, sizeof(yaml),
		 "scenario: t\n"
		 "vnets:\n"
		 "  - name: v\n"
		 "    address_space: [10.1.0.0/16]\n"
		 "    gateway: er-gw\n"
		 "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n"
		 "expressroute:\n"
		 "  - name: er-circuit\n"
		 "    sku: %s\n"
		 "    gateway: er-gw\n"
		 "    private_peering:\n"
		 "      advertised: [0.0.0.0/0]\n"
		 "      advertised_generate: {start: 10.20.0.0/24, count: %u}\n",
		 limits[_i].sku, limits[_i].count);
	load(yaml);
	rt = table("v", "s1");
	ck_assert_uint_eq(topo.circuits[0].nadvertised, total);
	snprintf(needle, sizeof(needle), "%zu", total);
	for (i = 0; i < diag.n; i++)
		if (diag.msgs[i].level == DIAG_WARNING &&
		    strstr(diag.msgs[i].text, "er-circuit") != NULL &&
		    strstr(diag.msgs[i].text, needle) != NULL)
			warned++;
	if (limits[_i].dropped) {
		ck_assert(rt->bgp_dropped);
		ck_assert_uint_eq(rows_of(rt, RT_BGP), 0);
		ck_assert_uint_ge(warned, 1);
		/* Traffic falls back to the system routes. */
		ck_assert_uint_eq(look(rt, "8.8.8.8", 0).r->source, RT_DEFAULT);
		ck_assert_uint_eq(look(rt, "10.20.5.1", 0).r->nh, NH_NONE);
	} else {
		ck_assert(!rt->bgp_dropped);
		ck_assert_uint_eq(rows_of(rt, RT_BGP), total);
		ck_assert_uint_eq(warned, 0);
		ck_assert_uint_eq(look(rt, "10.20.5.1", 0).r->source, RT_BGP);
	}
}
END_TEST

/* MODEL §1 Selection: same prefix, User > BGP (UDR 0/0 vs BGP 0/0). */
START_TEST(udr_beats_bgp_same_prefix)
{
	const struct rtable *rt;
	const struct eroute *u, *b;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: ToFw, prefix: 0.0.0.0/0, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.1.3.4}\n"
	     "expressroute:\n"
	     "  - name: er-circuit\n"
	     "    sku: Premium\n"
	     "    gateway: er-gw\n"
	     "    private_peering: {advertised: [0.0.0.0/0]}\n");
	rt = table("v", "s1");
	u = row(rt, "0.0.0.0/0", RT_USER);
	b = row(rt, "0.0.0.0/0", RT_BGP);
	assert_row(u, "UDR 0/0", RT_ACTIVE, NH_VIRTUAL_APPLIANCE);
	assert_row(b, "BGP 0/0", RT_INVALID, NH_VNET_GATEWAY);
	ck_assert_ptr_nonnull(b->invalid_by);
	ck_assert_ptr_eq(rt->dflt, u);
	ck_assert_str_eq(look(rt, "8.8.8.8", 0).r->name, "ToFw");
}
END_TEST

/* MODEL §1 Selection: same prefix, BGP > System (BGP vs None 192.168/16). */
START_TEST(bgp_beats_system_same_prefix)
{
	const struct rtable *rt;
	const struct eroute *n, *b;

	load(BGP_NET("10.1.0.0/16", "192.168.0.0/16", ""));
	rt = table("v", "s1");
	n = row(rt, "192.168.0.0/16", RT_DEFAULT);
	b = row(rt, "192.168.0.0/16", RT_BGP);
	assert_row(n, "None 192.168/16", RT_INVALID, NH_NONE);
	ck_assert_ptr_nonnull(n->invalid_by);
	assert_row(b, "BGP 192.168/16", RT_ACTIVE, NH_VNET_GATEWAY);
	ck_assert_ptr_eq(look(rt, "192.168.1.1", 0).r, b);
	/* The other reserved ranges are untouched. */
	assert_row(row(rt, "10.0.0.0/8", RT_DEFAULT), "None 10/8", RT_ACTIVE,
		   NH_NONE);
}
END_TEST

/* MODEL §1 Selection: same prefix, User > BGP > System, losers Invalid. */
START_TEST(user_beats_bgp_beats_system_same_prefix)
{
	const struct rtable *rt;
	const struct eroute *u;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: Lab, prefix: 192.168.0.0/16, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.1.3.4}\n"
	     "expressroute:\n"
	     "  - name: er-circuit\n"
	     "    sku: Premium\n"
	     "    gateway: er-gw\n"
	     "    private_peering: {advertised: [192.168.0.0/16]}\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_for(rt, "192.168.0.0/16"), 3);
	u = row(rt, "192.168.0.0/16", RT_USER);
	assert_row(u, "UDR", RT_ACTIVE, NH_VIRTUAL_APPLIANCE);
	assert_row(row(rt, "192.168.0.0/16", RT_BGP), "BGP", RT_INVALID,
		   NH_VNET_GATEWAY);
	assert_row(row(rt, "192.168.0.0/16", RT_DEFAULT), "None", RT_INVALID,
		   NH_NONE);
	ck_assert_ptr_eq(look(rt, "192.168.1.1", 0).r, u);
}
END_TEST

/* MODEL §1 Selection: same prefix, User > System. */
START_TEST(udr_beats_system_same_prefix)
{
	const struct rtable *rt;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: Shared, prefix: 100.64.0.0/10, "
	     "next_hop_type: Internet}\n");
	rt = table("v", "s1");
	assert_row(row(rt, "100.64.0.0/10", RT_USER), "UDR", RT_ACTIVE,
		   NH_INTERNET);
	assert_row(row(rt, "100.64.0.0/10", RT_DEFAULT), "None", RT_INVALID,
		   NH_NONE);
	ck_assert_str_eq(look(rt, "100.64.1.1", 0).r->name, "Shared");
	/* Not a 0.0.0.0/0: the other None routes stay (the observed set:
	 * five rows, 100.64.0.0/10 among them, now Invalid). */
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 5);
}
END_TEST

/* MODEL §1: a UDR 0/0 removes the None routes; system 0/0 stays Invalid. */
START_TEST(udr_default_removes_none_keeps_system_default_invalid)
{
	const struct rtable *rt;
	const struct eroute *sys;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: ToFw, prefix: 0.0.0.0/0, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.1.3.4}\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 0);
	sys = row(rt, "0.0.0.0/0", RT_DEFAULT);
	assert_row(sys, "system 0/0", RT_INVALID, NH_INTERNET);
	ck_assert_ptr_nonnull(sys->invalid_by);
	ck_assert_str_eq(look(rt, "8.8.8.8", 0).r->name, "ToFw");
	ck_assert_str_eq(look(rt, "10.200.0.1", 0).r->name, "ToFw");
	ck_assert_str_eq(look(rt, "192.168.1.1", 0).r->name, "ToFw");
}
END_TEST

/* MODEL §1 and §8: a BGP 0/0 removes the system 0/0 row and, by default
 * (bgp_default_removes_none), the reserved None rows [rs-lab]. */
START_TEST(bgp_default_replaces_system_default_and_none)
{
	const struct rtable *rt;
	const struct eroute *b;

	load(BGP_NET("10.1.0.0/16", "0.0.0.0/0", ""));
	rt = table("v", "s1");
	ck_assert(topo.model.bgp_default_removes_none);
	ck_assert_ptr_null(row(rt, "0.0.0.0/0", RT_DEFAULT));
	ck_assert_uint_eq(rows_for(rt, "0.0.0.0/0"), 1);
	b = row(rt, "0.0.0.0/0", RT_BGP);
	assert_row(b, "BGP 0/0", RT_ACTIVE, NH_VNET_GATEWAY);
	ck_assert_ptr_eq(rt->dflt, b);
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 0);
	ck_assert_ptr_eq(look(rt, "8.8.8.8", 0).r, b);
	ck_assert_uint_eq(look(rt, "10.200.0.1", 0).r->source, RT_BGP);
}
END_TEST

/* MODEL §1 switch bgp_default_removes_none: off, the None rows stay. */
START_TEST(bgp_default_removes_none_switch)
{
	const struct rtable *rt;

	load(BGP_NET("10.1.0.0/16", "0.0.0.0/0", "")
	     "model: {bgp_default_removes_none: false}\n");
	rt = table("v", "s1");
	ck_assert(!topo.model.bgp_default_removes_none);
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 5);
	ck_assert_ptr_null(row(rt, "0.0.0.0/0", RT_DEFAULT));
	ck_assert_uint_eq(look(rt, "10.200.0.1", 0).r->nh, NH_NONE);
	ck_assert_uint_eq(look(rt, "192.168.0.1", 0).r->nh, NH_NONE);
}
END_TEST

/* MODEL §8 reserved_none_routes: the observed set (five rows, no
 * 172.16.0.0/12) by default, in the order real tables list them after
 * the system default [wth036]; the documented set; the scenario's own
 * list [rs-lab]. */
START_TEST(reserved_sets)
{
	static const char *const observed[] = {
		"10.0.0.0/8", "100.64.0.0/10", "192.168.0.0/16",
		"25.33.80.0/20", "25.41.3.0/25" };
	static const char *const listed[] = { "25.48.0.0/12", "25.4.0.0/14" };
	const struct rtable *rt;
	size_t i, k = 0;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 5);
	for (i = 0; i < rt->n; i++)
		if (rt->r[i].nh == NH_NONE) {
			ck_assert(pfx_equal(rt->r[i].pfx, P(observed[k])));
			ck_assert_uint_eq(rt->r[i - k - 1].nh, NH_INTERNET);
			k++;
		}
	ck_assert_uint_eq(look(rt, "172.16.0.1", 0).r->nh, NH_INTERNET);
	ck_assert_uint_eq(look(rt, "25.41.3.127", 0).r->nh, NH_NONE);
	ck_assert_uint_eq(look(rt, "25.41.3.128", 0).r->nh, NH_INTERNET);

	teardown();
	load("scenario: t\n"
	     "model: {reserved_none_routes: documented}\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 4);
	ck_assert_uint_eq(look(rt, "172.16.0.1", 0).r->nh, NH_NONE);
	ck_assert_uint_eq(look(rt, "25.33.80.1", 0).r->nh, NH_INTERNET);

	teardown();
	load("scenario: t\n"
	     "model: {reserved_none_routes: [25.48.0.0/12, 25.4.0.0/14]}\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n");
	rt = table("v", "s1");
	ck_assert_uint_eq(rows_nh(rt, NH_NONE), 2);
	for (i = 0, k = 0; i < rt->n; i++)
		if (rt->r[i].nh == NH_NONE)
			ck_assert(pfx_equal(rt->r[i].pfx, P(listed[k++])));
	ck_assert_uint_eq(look(rt, "10.200.0.1", 0).r->nh, NH_INTERNET);
}
END_TEST

/* MODEL §1 exception: the VNet route beats a more specific BGP route. */
START_TEST(vnet_route_beats_longer_bgp)
{
	const struct rtable *rt;
	struct route_hit h;

	load(BGP_NET("10.1.0.0/16", "10.1.1.0/24, 10.5.0.0/16, 10.0.0.0/8", ""));
	rt = table("v", "s1");

	h = look(rt, "10.1.1.7", 0);
	ck_assert_uint_eq(h.r->source, RT_DEFAULT);
	ck_assert_uint_eq(h.r->nh, NH_VNETLOCAL);
	ck_assert(h.exception);
	ck_assert_ptr_nonnull(h.lpm_winner);
	ck_assert_uint_eq(h.lpm_winner->source, RT_BGP);
	ck_assert(pfx_equal(h.lpm_winner->pfx, P("10.1.1.0/24")));
	/* Both stay Active: the exception is decided at lookup. */
	assert_row(row(rt, "10.1.1.0/24", RT_BGP), "BGP 10.1.1/24",
		   RT_ACTIVE, NH_VNET_GATEWAY);

	/* Not covered by the VNet: plain longest match, BGP wins. */
	h = look(rt, "10.5.3.3", 0);
	ck_assert_uint_eq(h.r->source, RT_BGP);
	ck_assert(pfx_equal(h.r->pfx, P("10.5.0.0/16")));
	ck_assert(!h.exception);
	ck_assert_ptr_null(h.lpm_winner);

	/* A shorter BGP route loses to the VNet by plain longest match. */
	h = look(rt, "10.1.200.1", 0);
	ck_assert_uint_eq(h.r->nh, NH_VNETLOCAL);
	ck_assert(!h.exception);
}
END_TEST

/* MODEL §1 exception: only BGP gives way; a UDR in the VNet wins by LPM. */
START_TEST(vnet_exception_only_for_bgp)
{
	const struct rtable *rt;
	struct route_hit h;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: ToInspect, prefix: 10.1.2.0/24, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.4}\n");
	rt = table("v", "s1");
	h = look(rt, "10.1.2.5", 0);
	ck_assert_uint_eq(h.r->source, RT_USER);
	ck_assert_str_eq(h.r->name, "ToInspect");
	ck_assert_uint_eq(h.nh_ip, IP4(10, 1, 9, 4));
	ck_assert(!h.exception);
	ck_assert_ptr_null(h.lpm_winner);
	ck_assert_uint_eq(look(rt, "10.1.3.5", 0).r->nh, NH_VNETLOCAL);
}
END_TEST

/* MODEL §1 exception: BGP loses to the VNet route, but a user route
 * longer than the VNet route still wins by longest match. */
START_TEST(vnet_exception_keeps_longer_user_route)
{
	const struct rtable *rt;
	struct route_hit h;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: ToNva, prefix: 10.1.2.0/24, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.4}\n"
	     "expressroute:\n"
	     "  - {name: er, gateway: er-gw, "
	     "private_peering: {advertised: [10.1.2.128/25]}}\n");
	rt = table("v", "s1");
	h = look(rt, "10.1.2.200", 0);
	ck_assert(h.exception);
	ck_assert_uint_eq(h.lpm_winner->source, RT_BGP);
	ck_assert_uint_eq(h.r->source, RT_USER);
	ck_assert_str_eq(h.r->name, "ToNva");
	/* Outside the user route the VNet route takes BGP's place. */
	h = look(rt, "10.1.3.200", 0);
	ck_assert_uint_eq(h.r->nh, NH_VNETLOCAL);
}
END_TEST

/* MODEL §1 BGP: every circuit on the VNet's gateway contributes its
 * prefixes; a prefix both advertise stays with the first circuit. */
START_TEST(two_circuits_one_gateway)
{
	const struct rtable *rt;
	struct route_hit h;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n"
	     "expressroute:\n"
	     "  - {name: er1, gateway: er-gw, private_peering: "
	     "{advertised: [192.168.0.0/16, 172.30.0.0/16]}}\n"
	     "  - {name: er2, gateway: er-gw, private_peering: "
	     "{advertised: [172.20.0.0/16, 172.30.0.0/16]}}\n");
	rt = table("v", "s1");
	h = look(rt, "172.20.1.1", 0);
	ck_assert_uint_eq(h.r->source, RT_BGP);
	ck_assert_uint_eq(h.r->circuit, 1);
	h = look(rt, "192.168.1.1", 0);
	ck_assert_uint_eq(h.r->circuit, 0);
	h = look(rt, "172.30.1.1", 0);
	ck_assert_uint_eq(h.r->circuit, 0);
}
END_TEST

/* MODEL §1 exception: a peering route beats a more specific BGP route. */
START_TEST(peering_route_beats_longer_bgp)
{
	const struct rtable *rt;
	struct route_hit h;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    peerings: [spoke]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n"
	     "  - name: spoke\n"
	     "    address_space: [10.2.0.0/16]\n"
	     "    subnets: [{name: p1, prefix: 10.2.1.0/24}]\n"
	     "expressroute:\n"
	     "  - name: er-circuit\n"
	     "    sku: Premium\n"
	     "    gateway: er-gw\n"
	     "    private_peering: {advertised: [10.2.7.0/24]}\n");
	rt = table("v", "s1");
	h = look(rt, "10.2.7.1", 0);
	ck_assert_uint_eq(h.r->nh, NH_VNETPEERING);
	ck_assert(h.exception);
	ck_assert_ptr_nonnull(h.lpm_winner);
	ck_assert_uint_eq(h.lpm_winner->source, RT_BGP);
}
END_TEST

/* MODEL §1 Selection: longest prefix across sources (BGP /16 > UDR /13). */
START_TEST(bgp_longer_beats_udr_shorter)
{
	const struct rtable *rt;
	struct route_hit h;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: Wide, prefix: 10.48.0.0/13, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.1.3.4}\n"
	     "expressroute:\n"
	     "  - name: er-circuit\n"
	     "    sku: Premium\n"
	     "    gateway: er-gw\n"
	     "    private_peering: {advertised: [10.50.0.0/16]}\n");
	rt = table("v", "s1");
	h = look(rt, "10.50.1.1", 0);
	ck_assert_uint_eq(h.r->source, RT_BGP);
	ck_assert_uint_eq(h.r->pfx.len, 16);
	h = look(rt, "10.49.1.1", 0);
	ck_assert_uint_eq(h.r->source, RT_USER);
	ck_assert_str_eq(h.r->name, "Wide");
	h = look(rt, "10.56.0.1", 0);
	ck_assert_uint_eq(h.r->nh, NH_NONE);
}
END_TEST

/* MODEL §1 Selection: a None route is returned; no match is -ENOENT. */
START_TEST(none_route_hit_and_no_match)
{
	const struct rtable *rt;
	struct rtable own;
	struct route_hit h;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: BlackHole, prefix: 52.0.0.0/8, next_hop_type: None}\n");
	rt = table("v", "s1");
	h = look(rt, "52.1.2.3", 0);
	ck_assert_uint_eq(h.r->nh, NH_NONE);
	ck_assert_str_eq(h.r->name, "BlackHole");
	ck_assert_uint_eq(h.nh_ip, 0);
	h = look(rt, "10.9.9.9", 0);
	ck_assert_uint_eq(h.r->nh, NH_NONE);
	ck_assert_uint_eq(h.r->source, RT_DEFAULT);

	/* Without its 0.0.0.0/0 the table has no match for a public
	 * address. */
	ck_assert_int_eq(rtable_build(&topo, 0, 0, &own, &diag), 0);
	ck_assert_int_eq(lpm_del(own.active, pfx_make(0, 0)), 0);
	ck_assert_int_eq(rtable_lookup(&own, A("8.8.8.8"), 0, &h), -ENOENT);
	ck_assert_ptr_null(h.r);
	ck_assert_int_eq(rtable_lookup(&own, A("10.1.1.1"), 0, &h), 0);
	rtable_free(&own);
}
END_TEST

/* The forwarding index (poptrie and precomputed answers) gives what the
 * three binary tries give, for every subnet of a network with the VNet
 * exception, peering, service endpoints, ECMP and UDRs inside BGP
 * prefixes: at every route's edges and at random addresses. */
static void
same_hit(const struct rtable *rt, uint32_t ip, uint32_t hash)
{
	struct route_hit a, b;
	int ra = rtable_lookup(rt, ip, hash, &a);
	int rb = rtable_lookup_oracle(rt, ip, hash, &b);

	ck_assert_msg(ra == rb, "%08x: index %d oracle %d", ip, ra, rb);
	ck_assert_msg(a.r == b.r && a.nh_ip == b.nh_ip &&
		      a.exception == b.exception &&
		      a.lpm_winner == b.lpm_winner,
		      "%08x: index and oracle pick different routes", ip);
}

START_TEST(fib_agrees_with_oracle)
{
	uint64_t x = 88172645463325252ull;
	size_t v, sn, i, q;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: hub\n"
	     "    address_space: [10.10.0.0/16, 172.16.4.0/22]\n"
	     "    gateway: er-gw\n"
	     "    peerings: [spoke]\n"
	     "    subnets:\n"
	     "      - {name: a, prefix: 10.10.1.0/24, route_table: rt}\n"
	     "      - {name: b, prefix: 10.10.2.0/24, "
	     "service_endpoints: [Microsoft.Storage]}\n"
	     "      - {name: c, prefix: 10.10.3.0/24, route_table: off}\n"
	     "  - name: spoke\n"
	     "    address_space: [10.20.0.0/16]\n"
	     "    subnets: [{name: w, prefix: 10.20.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: Nva, prefix: 10.10.5.0/25, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.10.9.4}\n"
	     "      - {name: Kms, prefix: 23.102.135.246/32, next_hop_type: Internet}\n"
	     "      - {name: Hole, prefix: 192.168.7.0/24, next_hop_type: None}\n"
	     "      - {name: Same, prefix: 192.168.0.0/16, next_hop_type: Internet}\n"
	     "      - {name: Zero, prefix: 0.0.0.0/1, "
	     "next_hop_type: VirtualNetworkGateway}\n"
	     "  - {name: off, disable_bgp_route_propagation: true, routes: []}\n"
	     "expressroute:\n"
	     "  - name: er\n"
	     "    sku: Premium\n"
	     "    gateway: er-gw\n"
	     "    private_peering:\n"
	     "      advertised: [0.0.0.0/0, 192.168.0.0/16, 10.10.5.0/24, "
	     "10.10.5.128/26, 10.20.7.0/24, 10.0.0.0/8, 172.16.4.0/23, "
	     "172.16.0.0/12, 52.0.0.0/8, 10.10.0.0/16]\n"
	     "      next_hops: [192.168.255.1, 192.168.255.2, 192.168.255.3]\n");
	for (v = 0; v < topo.nvnets; v++)
		for (sn = 0; sn < topo.vnets[v].nsubnets; sn++) {
			const struct rtable *rt = sim_rtable(sim, v, sn);

			for (i = 0; i < rt->n; i++) {
				struct pfx p = rt->r[i].pfx;
				uint32_t last = p.addr | ~pfx_mask(p.len);

				same_hit(rt, p.addr, (uint32_t)i);
				same_hit(rt, last, (uint32_t)i);
				same_hit(rt, p.addr - 1, (uint32_t)i);
				same_hit(rt, last + 1, (uint32_t)i);
			}
			for (q = 0; q < 20000; q++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				same_hit(rt, (uint32_t)x, (uint32_t)(x >> 32));
			}
		}
}
END_TEST

/* MODEL §5: forced default = a 0/0 (UDR or BGP) that is not Internet. */
START_TEST(forced_default_by_route_kind)
{
	static const struct {
		const char *subnet;
		bool forced;
	} want[] = {
		{ "udr-nva", true },		/* UDR 0/0 VirtualAppliance */
		{ "bgp", true },		/* BGP 0/0 */
		{ "udr-inet", false },		/* UDR 0/0 Internet over BGP */
		{ "nobgp", false },		/* system 0/0 only */
	};
	size_t i;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets:\n"
	     "      - {name: udr-nva, prefix: 10.1.1.0/24, route_table: nva}\n"
	     "      - {name: bgp, prefix: 10.1.2.0/24}\n"
	     "      - {name: udr-inet, prefix: 10.1.3.0/24, route_table: inet}\n"
	     "      - {name: nobgp, prefix: 10.1.4.0/24, route_table: nobgp}\n"
	     "route_tables:\n"
	     "  - name: nva\n"
	     "    routes: [{name: ToFw, prefix: 0.0.0.0/0, "
	     "next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.4}]\n"
	     "  - name: inet\n"
	     "    routes: [{name: Out, prefix: 0.0.0.0/0, next_hop_type: Internet}]\n"
	     "  - {name: nobgp, disable_bgp_route_propagation: true, routes: []}\n"
	     "expressroute:\n"
	     "  - name: er-circuit\n"
	     "    sku: Premium\n"
	     "    gateway: er-gw\n"
	     "    private_peering: {advertised: [0.0.0.0/0]}\n");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(rtable_forced_default(table("v", want[i].subnet))
			      == want[i].forced, "subnet %s: forced should be %d",
			      want[i].subnet, want[i].forced);
}
END_TEST

/* MODEL §1 Selection: LPM over UDRs at /0 /1 /24 /25 /31 /32. */
START_TEST(udr_prefix_length_boundaries)
{
	static const struct {
		const char *dst;
		const char *route;
	} want[] = {
		{ "0.0.0.0", "r0" },
		{ "1.1.1.1", "r0" },
		{ "127.255.255.255", "r0" },
		{ "128.0.0.0", "r1" },
		{ "200.1.0.255", "r1" },
		{ "200.1.1.0", "r24" },
		{ "200.1.1.127", "r24" },
		{ "200.1.1.128", "r25" },
		{ "200.1.1.253", "r25" },
		{ "200.1.1.254", "r31" },
		{ "200.1.1.255", "r32" },
		{ "200.1.2.0", "r1" },
		{ "255.255.255.255", "r1" },
	};
	const struct rtable *rt;
	size_t i;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: r32, prefix: 200.1.1.255/32, next_hop_type: Internet}\n"
	     "      - {name: r0, prefix: 0.0.0.0/0, next_hop_type: Internet}\n"
	     "      - {name: r25, prefix: 200.1.1.128/25, next_hop_type: None}\n"
	     "      - {name: r1, prefix: 128.0.0.0/1, next_hop_type: Internet}\n"
	     "      - {name: r31, prefix: 200.1.1.254/31, next_hop_type: None}\n"
	     "      - {name: r24, prefix: 200.1.1.0/24, next_hop_type: Internet}\n");
	rt = table("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct route_hit h = look(rt, want[i].dst, 0);

		ck_assert_msg(h.r->name != NULL &&
			      strcmp(h.r->name, want[i].route) == 0,
			      "%s: got %s, want %s", want[i].dst,
			      h.r->name ? h.r->name : "(system)", want[i].route);
	}
	/* The VNet itself still wins inside its space. */
	ck_assert_uint_eq(look(rt, "10.1.1.1", 0).r->nh, NH_VNETLOCAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("route");
	TCase *sys = tcase_create("system");
	TCase *bgp = tcase_create("bgp");
	TCase *sel = tcase_create("selection");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(sys, setup, teardown);
	tcase_add_test(sys, system_routes_match_azure_example);
	tcase_add_test(sys, vnetlocal_per_address_space);
	tcase_add_test(sys, reserved_prefix_equal_to_space_is_vnetlocal);
	tcase_add_test(sys, space_containing_reserved_prefix_removes_it);
	tcase_add_test(sys, space_inside_reserved_prefix_keeps_it);
	tcase_add_test(sys, peering_adds_vnetpeering_both_directions);
	suite_add_tcase(s, sys);

	tcase_add_checked_fixture(bgp, setup, teardown);
	tcase_set_timeout(bgp, 60);
	tcase_add_test(bgp, bgp_routes_from_circuit_with_ecmp);
	tcase_add_test(bgp, bgp_ecmp_lookup_picks_by_hash);
	tcase_add_test(bgp, disable_bgp_propagation_removes_bgp);
	tcase_add_loop_test(bgp, bgp_prefix_limit_per_sku, 0,
			    sizeof(limits) / sizeof(limits[0]));
	suite_add_tcase(s, bgp);

	tcase_add_checked_fixture(sel, setup, teardown);
	tcase_add_test(sel, udr_beats_bgp_same_prefix);
	tcase_add_test(sel, bgp_beats_system_same_prefix);
	tcase_add_test(sel, user_beats_bgp_beats_system_same_prefix);
	tcase_add_test(sel, udr_beats_system_same_prefix);
	tcase_add_test(sel, udr_default_removes_none_keeps_system_default_invalid);
	tcase_add_test(sel, bgp_default_replaces_system_default_and_none);
	tcase_add_test(sel, reserved_sets);
	tcase_add_test(sel, bgp_default_removes_none_switch);
	tcase_add_test(sel, vnet_route_beats_longer_bgp);
	tcase_add_test(sel, vnet_exception_only_for_bgp);
	tcase_add_test(sel, peering_route_beats_longer_bgp);
	tcase_add_test(sel, bgp_longer_beats_udr_shorter);
	tcase_add_test(sel, none_route_hit_and_no_match);
	tcase_add_test(sel, vnet_exception_keeps_longer_user_route);
	tcase_add_test(sel, two_circuits_one_gateway);
	tcase_add_test(sel, forced_default_by_route_kind);
	tcase_add_test(sel, udr_prefix_length_boundaries);
	tcase_add_test(sel, fib_agrees_with_oracle);
	suite_add_tcase(s, sel);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
