/*
 * test_estate.c: estates (MODEL.md §8): what gateway transit, VPN sites
 * and Route Servers put in a subnet's effective routes, and the errors of
 * the estate sections.
 *
 * Every test loads a hub-and-spoke network from a string; the hub's
 * gateway, sites and Route Server vary per test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/nsg.h"
#include "sim/route.h"
#include "sim/services.h"
#include "sim/walk.h"
#include "topology/scenario.h"
#include "tests/unit/fixture.h"

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

static size_t
gw_rows(const struct rtable *rt)
{
	size_t i, n = 0;

	for (i = 0; i < rt->n; i++)
		n += rt->r[i].source == RT_BGP;
	return n;
}

/* A hub with an ExpressRoute gateway and a spoke; HUBSIDE and SPOKESIDE
 * are each side's peering item, SPOKERT the spoke subnet's extra keys. */
#define HUB_SPOKE(hubside, spokeside, spokert, extra)			\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - name: Hub\n"						\
	"    address_space: [10.10.0.0/16]\n"				\
	"    gateway: er-gw\n"						\
	"    peerings: [" hubside "]\n"					\
	"    subnets: [{name: Shared, prefix: 10.10.1.0/24}]\n"		\
	"  - name: Spoke\n"						\
	"    address_space: [10.20.0.0/16]\n"				\
	"    peerings: [" spokeside "]\n"				\
	"    subnets: [{name: App, prefix: 10.20.1.0/24" spokert "}]\n"	\
	"expressroute:\n"						\
	"  - name: er\n"						\
	"    gateway: er-gw\n"						\
	"    private_peering: {advertised: [0.0.0.0/0, 192.168.0.0/16],"	\
	" next_hops: [192.168.255.1]}\n"				\
	extra

#define TRANSIT_HUB "{vnet: Spoke, allow_gateway_transit: true}"
#define TRANSIT_SPOKE "{vnet: Hub, use_remote_gateways: true}"

/* MODEL §8 [peer]: with transit allowed by the hub and used by the
 * spoke, the spoke's subnets get the hub gateway's routes, marked as
 * learned through transit; the hub's space is VNetPeering. */
START_TEST(transit_brings_hub_gateway_routes)
{
	const struct rtable *rt;
	const struct eroute *e;
	struct tline why = { 0 };

	load(HUB_SPOKE(TRANSIT_HUB, TRANSIT_SPOKE, "", ""));
	ck_assert_uint_eq(topo.vnets[1].hub, 0);
	rt = table("Spoke", "App");
	ck_assert_uint_eq(gw_rows(rt), 2);
	e = fixture_gw_row(rt, "0.0.0.0/0");
	ck_assert_ptr_nonnull(e);
	ck_assert(e->transit);
	ck_assert_uint_eq(e->circuit, 0);
	ck_assert_ptr_eq(rt->dflt, e);
	ck_assert(rtable_forced_default(rt));
	ck_assert_int_eq(eroute_text(&topo, e, &why), 0);
	ck_assert_msg(strstr(why.s, "gateway transit from VNet Hub") != NULL,
		      "%s", why.s);
	tline_free(&why);
	/* The hub's own table: the same routes, not through transit. */
	e = fixture_gw_row(table("Hub", "Shared"), "0.0.0.0/0");
	ck_assert_ptr_nonnull(e);
	ck_assert(!e->transit);
}
END_TEST

/* MODEL §8 [peer]: plain peerings (names) carry no transit: the spoke
 * learns nothing and keeps its system default (the old behaviour). */
START_TEST(plain_peering_no_transit)
{
	const struct rtable *rt;

	load(HUB_SPOKE("Spoke", "", "", ""));
	ck_assert_uint_eq(topo.vnets[1].hub, TOPO_NONE);
	rt = table("Spoke", "App");
	ck_assert_uint_eq(gw_rows(rt), 0);
	ck_assert(!rtable_forced_default(rt));
	ck_assert(topo_peer_forwarded(&topo, 1, 0));
	ck_assert(topo_peer_access(&topo, 0, 1));
}
END_TEST

/* MODEL §8 [peer]: a spoke subnet whose route table disables
 * propagation does not get the transit routes. */
START_TEST(transit_respects_propagation)
{
	const struct rtable *rt;

	load(HUB_SPOKE(TRANSIT_HUB, TRANSIT_SPOKE, ", route_table: nobgp",
		       "route_tables:\n"
		       "  - {name: nobgp, disable_bgp_route_propagation: true,"
		       " routes: []}\n"));
	rt = table("Spoke", "App");
	ck_assert_uint_eq(gw_rows(rt), 0);
	ck_assert(rt->bgp_disabled);
	ck_assert(!rtable_forced_default(rt));
}
END_TEST

/* A VNet with a VPN gateway and sites; GW is the gateway's description. */
#define VPN_NET(gw, sites)						\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - name: v\n"							\
	"    address_space: [10.1.0.0/16]\n"				\
	"    gateway: vpngw\n"						\
	"    subnets: [{name: GatewaySubnet, prefix: 10.1.255.0/27},"	\
	" {name: s1, prefix: 10.1.1.0/24}]\n"				\
	"gateways: [" gw "]\n"						\
	"vpn_sites:\n" sites

/* MODEL §8 [vpn-aa] [wth036]: an active-active gateway's routes carry
 * both instances' private IPs (two rows in `ftsim routes`); a gateway
 * that is not shows its public IP. */
START_TEST(vpn_next_hops)
{
	const struct eroute *e;

	load(VPN_NET("{name: vpngw, type: Vpn, active_active: true, "
		     "instance_ips: [10.1.255.4, 10.1.255.5]}",
		     "  - {name: b1, gateway: vpngw, "
		     "address_prefixes: [10.3.0.0/16]}\n"));
	e = fixture_gw_row(table("v", "s1"), "10.3.0.0/16");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->nnh, 2);
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("10.1.255.4"));
	ck_assert_uint_eq(e->nh_ips[1], fixture_ip("10.1.255.5"));
	ck_assert(e->site_static);
	teardown();
	load(VPN_NET("{name: vpngw, type: Vpn, public_ip: 20.1.2.3}",
		     "  - {name: b1, gateway: vpngw, "
		     "address_prefixes: [10.3.0.0/16]}\n"));
	e = fixture_gw_row(table("v", "s1"), "10.3.0.0/16");
	ck_assert_uint_eq(e->nnh, 1);
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("20.1.2.3"));
}
END_TEST

/* MODEL §8 [vpn-ft] [rs-lab]: a BGP site brings what it advertises and
 * its peer's /32, unless a static prefix is that /32 already; static
 * prefixes are listed before every BGP route. */
START_TEST(vpn_bgp_site_routes)
{
	const struct rtable *rt;
	size_t i, first_bgp = (size_t)-1, last_static = 0;

	load(VPN_NET("{name: vpngw, type: Vpn, public_ip: 20.1.2.3}",
		     "  - {name: b1, gateway: vpngw, bgp: {peer_ip: 10.3.0.10,"
		     " advertised: [0.0.0.0/0, 10.3.0.0/16]}}\n"
		     "  - {name: b2, gateway: vpngw, address_prefixes: "
		     "[10.4.0.10/32], bgp: {peer_ip: 10.4.0.10, "
		     "advertised: [10.4.0.0/16]}}\n"));
	rt = table("v", "s1");
	ck_assert_ptr_nonnull(fixture_gw_row(rt, "10.3.0.10/32"));
	ck_assert_ptr_nonnull(fixture_gw_row(rt, "0.0.0.0/0"));
	ck_assert_ptr_nonnull(fixture_gw_row(rt, "10.3.0.0/16"));
	ck_assert_ptr_nonnull(fixture_gw_row(rt, "10.4.0.0/16"));
	ck_assert(fixture_gw_row(rt, "10.4.0.10/32")->site_static);
	ck_assert_uint_eq(gw_rows(rt), 5);	/* no second 10.4.0.10/32 */
	for (i = 0; i < rt->n; i++) {
		if (rt->r[i].source != RT_BGP)
			continue;
		if (rt->r[i].site_static)
			last_static = i;
		else if (first_bgp == (size_t)-1)
			first_bgp = i;
	}
	ck_assert_uint_lt(last_static, first_bgp);
	/* The BGP default forces the VNet, and removes the None rows. */
	ck_assert(rtable_forced_default(rt));
	ck_assert_uint_eq(rt->dflt->site, 0);
}
END_TEST

/* A hub with a Route Server; PEERS its peers, HUBRT the hub subnet's
 * extra keys. */
#define RS_NET(peers, pref)						\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - name: Hub\n"						\
	"    address_space: [10.10.0.0/16]\n"				\
	"    peerings: [{vnet: Spoke, allow_gateway_transit: true}]\n"	\
	"    subnets: [{name: RouteServerSubnet, prefix: 10.10.0.0/27},"	\
	" {name: Nva, prefix: 10.10.1.0/24}]\n"			\
	"  - name: Spoke\n"						\
	"    address_space: [10.20.0.0/16]\n"				\
	"    peerings: [" TRANSIT_SPOKE "]\n"				\
	"    subnets: [{name: App, prefix: 10.20.1.0/24}]\n"		\
	"vms:\n"							\
	"  - {name: nva1, vnet: Hub, subnet: Nva, ip: 10.10.1.4, "	\
	"ip_forwarding: true}\n"					\
	"  - {name: nva2, vnet: Hub, subnet: Nva, ip: 10.10.1.5, "	\
	"ip_forwarding: true}\n"					\
	"  - {name: bgpd, vnet: Hub, subnet: Nva, ip: 10.10.1.9}\n"	\
	"route_servers:\n"						\
	"  - name: rs\n"						\
	"    vnet: Hub\n" pref						\
	"    peers:\n" peers

/* MODEL §8 [rs] [rs-lab]: a Route Server programs its peers' routes with
 * the peer as next hop IP, in the hub and in spokes using remote
 * gateways (the hub has no gateway); two peers advertising a prefix are
 * ECMP; a route injector's announced next hop is used. */
START_TEST(route_server_routes)
{
	const struct rtable *rt;
	const struct eroute *e;
	struct route_hit h0, h1;

	load(RS_NET("      - {name: p1, ip: 10.10.1.4, "
		    "advertised: [0.0.0.0/0, 10.50.0.0/16]}\n"
		    "      - {name: p2, ip: 10.10.1.5, advertised: [0.0.0.0/0]}\n"
		    "      - {name: inj, ip: 10.10.1.9, advertised: "
		    "[10.60.0.0/16], next_hop: 10.10.1.5}\n", ""));
	ck_assert_uint_eq(topo.vnets[1].hub, 0);
	rt = table("Spoke", "App");
	e = fixture_gw_row(rt, "0.0.0.0/0");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->nh, NH_VNET_GATEWAY);
	ck_assert_uint_eq(e->rs, 0);
	ck_assert(e->transit);
	ck_assert_uint_eq(e->nnh, 2);
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("10.10.1.4"));
	ck_assert_uint_eq(e->nh_ips[1], fixture_ip("10.10.1.5"));
	ck_assert_uint_eq(e->nh_peer[1], 1);
	ck_assert(rtable_lookup(rt, fixture_ip("8.8.8.8"), 0, &h0) == 0);
	ck_assert(rtable_lookup(rt, fixture_ip("8.8.8.8"), 1, &h1) == 0);
	ck_assert_uint_ne(h0.nh_ip, h1.nh_ip);
	e = fixture_gw_row(rt, "10.50.0.0/16");
	ck_assert_uint_eq(e->nnh, 1);
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("10.10.1.4"));
	e = fixture_gw_row(rt, "10.60.0.0/16");
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("10.10.1.5"));
	ck_assert_uint_eq(gw_rows(rt), 3);
	/* The hub's own subnets get them too, not through transit. */
	e = fixture_gw_row(table("Hub", "Nva"), "10.60.0.0/16");
	ck_assert_ptr_nonnull(e);
	ck_assert(!e->transit);
}
END_TEST

/* MODEL §8 [rs] routing preference: a prefix from the ExpressRoute
 * gateway and a Route Server peer keeps the ExpressRoute route by
 * default, the peer's with VpnGateway. */
START_TEST(route_server_preference)
{
	static const char *const prefs[2] = {
		"", "    routing_preference: VpnGateway\n" };
	static const char yaml[] =
		"scenario: t\n"
		"vnets:\n"
		"  - name: Hub\n"
		"    address_space: [10.10.0.0/16]\n"
		"    gateway: er-gw\n"
		"    subnets: [{name: RouteServerSubnet, prefix: "
		"10.10.0.0/27}, {name: Nva, prefix: 10.10.1.0/24}]\n"
		"vms:\n"
		"  - {name: nva1, vnet: Hub, subnet: Nva, ip: 10.10.1.4,"
		" ip_forwarding: true}\n"
		"expressroute:\n"
		"  - {name: er, gateway: er-gw, private_peering: "
		"{advertised: [10.50.0.0/16, 10.70.0.0/16]}}\n"
		"route_servers:\n"
		"  - name: rs\n"
		"    vnet: Hub\n"
		"%s"
		"    peers: [{name: p1, ip: 10.10.1.4, advertised: "
		"[10.50.0.0/16, 10.80.0.0/16]}]\n";
	char buf[1024];
	const struct rtable *rt;
	const struct eroute *e;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(buf, sizeof(buf), yaml, prefs[i]);
		if (i > 0)
			teardown();
		load(buf);
		rt = table("Hub", "Nva");
		e = fixture_gw_row(rt, "10.50.0.0/16");
		ck_assert_ptr_nonnull(e);
		if (i == 0) {
			ck_assert_uint_eq(e->circuit, 0);
			ck_assert_uint_eq(e->rs, TOPO_NONE);
		} else {
			ck_assert_uint_eq(e->rs, 0);
			ck_assert_uint_eq(e->circuit, TOPO_NONE);
		}
		ck_assert_uint_eq(gw_rows(rt), 3);
		ck_assert_ptr_nonnull(fixture_gw_row(rt, "10.70.0.0/16"));
		ck_assert_ptr_nonnull(fixture_gw_row(rt, "10.80.0.0/16"));
	}
}
END_TEST

/* ---------------------------------------------------------------- */
/* The walk (MODEL §8) */

/* MODEL §8 [peer]: a spoke VM's KMS request follows the hub's learned
 * default through the hub's gateway and circuit to the on-premises edge;
 * a spoke-to-spoke packet turns around at the MSEE (hairpin azure), both
 * ways; a private address nobody holds is lost at the edge. */
START_TEST(walk_transit)
{
	const struct flow_result *r;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - {name: Hub, address_space: [10.10.0.0/16], gateway: gw, "
	     "peerings: [{vnet: S1, allow_gateway_transit: true}, "
	     "{vnet: S2, allow_gateway_transit: true}]}\n"
	     "  - {name: S1, address_space: [10.20.0.0/16], peerings: "
	     "[{vnet: Hub, use_remote_gateways: true}], subnets: "
	     "[{name: a, prefix: 10.20.1.0/24}]}\n"
	     "  - {name: S2, address_space: [10.30.0.0/16], peerings: "
	     "[{vnet: Hub, use_remote_gateways: true}], subnets: "
	     "[{name: b, prefix: 10.30.1.0/24}]}\n"
	     "vms:\n"
	     "  - {name: v1, vnet: S1, subnet: a, ip: 10.20.1.4}\n"
	     "  - {name: v2, vnet: S2, subnet: b, ip: 10.30.1.4}\n"
	     "expressroute: [{name: er, gateway: gw, private_peering: "
	     "{advertised: [0.0.0.0/0]}}]\n"
	     "onprem: {name: dc, prefixes: [192.168.0.0/16], "
	     "internet_edge_ip: 198.51.100.10}\n"
	     "flows:\n"
	     "  - {name: kms, from: v1, to: kms.core.windows.net, port: 1688}\n"
	     "  - {name: s2s, from: v1, to: 10.30.1.4, port: 443}\n"
	     "  - {name: lost, from: v1, to: 10.99.0.1, port: 443}\n"
	     "  - {name: dc, from: v1, to: 192.168.1.1, port: 443}\n");
	r = fixture_run("kms");
	ck_assert(r->delivered);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
	ck_assert_int_eq(r->source_class, SRC_ONPREM_EDGE);
	ck_assert(fixture_crossed(r, "gw") && fixture_crossed(r, "er") && fixture_crossed(r, "dc"));
	ck_assert(r->reply_delivered);
	r = fixture_run("s2s");
	ck_assert(r->delivered);
	ck_assert(r->reply_delivered);
	ck_assert_int_eq(r->hairpin, HAIRPIN_AZURE);
	ck_assert_int_eq(r->source_class, SRC_PRIVATE);
	ck_assert(!fixture_crossed(r, "dc"));
	r = fixture_run("lost");
	fixture_dropped(r, "onprem-no-route");
	/* On-premises answers the spoke through the hub's gateway. */
	r = fixture_run("dc");
	ck_assert(r->delivered && r->reply_delivered);
}
END_TEST

/* A VNet with a VPN gateway (GW), sites, a VM in a subnet whose route
 * table sends 0.0.0.0/0 to the gateway, and two flows. */
#define VPN_FORCED(gw, sites)							"scenario: t\n"							"vnets:\n"								"  - name: v\n"							"    address_space: [10.1.0.0/16]\n"					"    gateway: vpngw\n"							"    subnets: [{name: GatewaySubnet, prefix: 10.1.255.0/27},"		" {name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"		"vms: [{name: vm, vnet: v, subnet: s1, ip: 10.1.1.4}]\n"		"route_tables: [{name: rt, routes: [{name: d, prefix: "			"0.0.0.0/0, next_hop_type: VirtualNetworkGateway}]}]\n"		"gateways: [" gw "]\n"							"vpn_sites:\n" sites							"flows:\n"								"  - {name: kms, from: vm, to: kms.core.windows.net, port: 1688}\n" \
	"  - {name: branch, from: vm, to: 10.3.7.7, port: 445}\n"

/* MODEL §8 [vpn-ft] [vpn-aa]: a VPN site is on-premises for the walk: its
 * prefixes, its own edge NAT (onprem-edge). A user route to the gateway
 * uses the site holding the destination, else the default site, and
 * cannot be used without one. */
START_TEST(walk_vpn_site)
{
	const struct flow_result *r;

	load(VPN_FORCED("{name: vpngw, type: Vpn, active_active: true, "
			"instance_ips: [10.1.255.4, 10.1.255.5], "
			"default_site: hq}",
			"  - {name: hq, gateway: vpngw, address_prefixes: "
			"[192.168.0.0/16], internet_edge_ip: 198.51.100.30}\n"
			"  - {name: br, gateway: vpngw, bgp: {peer_ip: "
			"10.3.0.10, advertised: [10.3.0.0/16]}}\n"));
	r = fixture_run("kms");
	ck_assert(r->delivered && r->reply_delivered);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
	ck_assert_uint_eq(r->source_seen, fixture_ip("198.51.100.30"));
	ck_assert_int_eq(r->source_class, SRC_ONPREM_EDGE);
	ck_assert(fixture_crossed(r, "vpngw") && fixture_crossed(r, "hq"));
	r = fixture_run("branch");
	ck_assert(r->delivered && r->reply_delivered);
	ck_assert(fixture_crossed(r, "br") && !fixture_crossed(r, "hq"));
	ck_assert_int_eq(r->source_class, SRC_PRIVATE);
	/* MODEL §8 [vpn-aa]: both directions cross one instance of the
	 * active-active gateway, whose capture point is the instance's. */
	{
		const char *req = NULL, *rep = NULL, *pt;
		size_t k;

		for (k = 0; k < r->nxing; k++) {
			pt = sim_point_name(sim, r->xing[k].point);
			if (strncmp(pt, "gateway-", 8) != 0)
				continue;
			if (r->xing[k].reply)
				rep = pt;
			else
				req = pt;
		}
		ck_assert_ptr_nonnull(req);
		ck_assert_ptr_nonnull(rep);
		ck_assert_str_eq(req, rep);
		ck_assert_msg(strcmp(req, "gateway-vpngw-10.1.255.4") == 0 ||
			      strcmp(req, "gateway-vpngw-10.1.255.5") == 0,
			      "%s", req);
	}
	fixture_teardown();
	setup();
	load(VPN_FORCED("{name: vpngw, type: Vpn}",
			"  - {name: br, gateway: vpngw, bgp: {peer_ip: "
			"10.3.0.10, advertised: [10.3.0.0/16]}}\n"));
	fixture_dropped(fixture_run("kms"), "udr-gateway-unusable");
	ck_assert(fixture_run("branch")->delivered);
}
END_TEST

/* MODEL §8 [rs]: a Route Server route goes straight to the appliance the
 * peer names (no gateway); MODEL §8 [peer]: forwarded traffic into a
 * peer whose side does not allow it is dropped, and a side that does not
 * allow access stops everything. */
START_TEST(walk_route_server_and_peering_settings)
{
	const struct flow_result *r;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - {name: Hub, address_space: [10.10.0.0/16], peerings: "
	     "[{vnet: S, allow_gateway_transit: true}, {vnet: Other}], "
	     "subnets: [{name: RouteServerSubnet, prefix: 10.10.0.0/27}, "
	     "{name: Nva, prefix: 10.10.1.0/24, route_table: nobgp}]}\n"
	     "  - {name: S, address_space: [10.20.0.0/16], peerings: "
	     "[{vnet: Hub, use_remote_gateways: true}], subnets: "
	     "[{name: a, prefix: 10.20.1.0/24}]}\n"
	     "  - {name: Other, address_space: [10.50.0.0/16], peerings: "
	     "[{vnet: Hub}], subnets: [{name: o, prefix: 10.50.1.0/24}]}\n"
	     "  - {name: Closed, address_space: [10.60.0.0/16], peerings: "
	     "[{vnet: Hub, allow_virtual_network_access: false}], "
	     "subnets: [{name: c, prefix: 10.60.1.0/24}]}\n"
	     "vms:\n"
	     "  - {name: nva, vnet: Hub, subnet: Nva, ip: 10.10.1.4, "
	     "ip_forwarding: true}\n"
	     "  - {name: vs, vnet: S, subnet: a, ip: 10.20.1.4}\n"
	     "  - {name: vo, vnet: Other, subnet: o, ip: 10.50.1.4}\n"
	     "  - {name: vc, vnet: Closed, subnet: c, ip: 10.60.1.4}\n"
	     "route_tables: [{name: nobgp, disable_bgp_route_propagation: "
	     "true, routes: []}]\n"
	     "route_servers: [{name: rs, vnet: Hub, peers: [{name: p1, ip: "
	     "10.10.1.4, advertised: [10.50.0.0/16]}]}]\n"
	     "flows:\n"
	     "  - {name: via-nva, from: vs, to: 10.50.1.4, port: 443}\n"
	     "  - {name: hub-direct, from: nva, to: 10.50.1.4, port: 443}\n"
	     "  - {name: closed, from: vc, to: 10.10.1.4, port: 443}\n");
	/* The Route Server route leads to the appliance, no gateway; the
	 * appliance forwards into Other, whose side (a mapping: Azure's
	 * default) does not allow forwarded traffic. */
	r = fixture_run("via-nva");
	ck_assert(fixture_crossed(r, "nva"));
	ck_assert(!fixture_crossed(r, "rs"));
	fixture_dropped(r, "forwarded-traffic-denied");
	/* The appliance's own traffic is not forwarded traffic. */
	r = fixture_run("hub-direct");
	ck_assert(r->delivered && r->reply_delivered);
	r = fixture_run("closed");
	fixture_dropped(r, "peering-access-denied");
}
END_TEST

/* MODEL §8 [udr]: a flow from a host on-premises enters through the
 * gateway and follows the GatewaySubnet's routes (a user route to a hub
 * appliance); an answer that bypasses the appliance fails; without a
 * GatewaySubnet the gateway delivers into the fabric. Warnings for a
 * default route and disabled propagation on the GatewaySubnet. */
START_TEST(walk_from_onprem)
{
	static const char net[] =
		"scenario: t\n"
		"vnets:\n"
		"  - {name: Hub, address_space: [10.10.0.0/16], gateway: gw, "
		"peerings: [{vnet: S, allow_gateway_transit: true}], subnets: "
		"[{name: GatewaySubnet, prefix: 10.10.255.0/27, route_table: "
		"gwrt}, {name: Fw, prefix: 10.10.3.0/24}]}\n"
		"  - {name: S, address_space: [10.20.0.0/16], peerings: "
		"[{vnet: Hub, use_remote_gateways: true, "
		"allow_forwarded_traffic: true}], subnets: [{name: a, prefix: "
		"10.20.1.0/24, route_table: back}, {name: b, prefix: "
		"10.20.2.0/24}]}\n"
		"vms:\n"
		"  - {name: fw, vnet: Hub, subnet: Fw, ip: 10.10.3.4, "
		"ip_forwarding: true}\n"
		"  - {name: va, vnet: S, subnet: a, ip: 10.20.1.4}\n"
		"  - {name: vb, vnet: S, subnet: b, ip: 10.20.2.4}\n"
		"route_tables:\n"
		"  - {name: gwrt, disable_bgp_route_propagation: true, routes: "
		"[{name: d, prefix: 0.0.0.0/0, next_hop_type: VirtualAppliance, "
		"next_hop_ip: 10.10.3.4}, {name: s, prefix: 10.20.0.0/16, "
		"next_hop_type: VirtualAppliance, next_hop_ip: 10.10.3.4}]}\n"
		"  - {name: back, routes: [{name: o, prefix: 192.168.0.0/16, "
		"next_hop_type: VirtualAppliance, next_hop_ip: 10.10.3.4}]}\n"
		"expressroute: [{name: er, gateway: gw, private_peering: "
		"{advertised: [192.168.0.0/16]}}]\n"
		"onprem: {name: dc, prefixes: [192.168.0.0/16]}\n"
		"flows:\n"
		"  - {name: to-a, from: 192.168.1.1, to: 10.20.1.4, port: 443}\n"
		"  - {name: to-b, from: 192.168.1.1, to: 10.20.2.4, port: 443}\n";
	const struct flow_result *r;
	size_t i, warned = 0;

	load(net);
	ck_assert(topo.flows[0].onprem);
	ck_assert_uint_eq(topo.flows[0].from_site, TOPO_NONE);
	for (i = 0; i < diag.n; i++)
		warned += diag.msgs[i].level == DIAG_WARNING &&
			  strstr(diag.msgs[i].text, "GatewaySubnet") != NULL;
	ck_assert_uint_eq(warned, 2);
	r = fixture_run("to-a");
	ck_assert(r->delivered && r->reply_delivered && r->tcp_connect);
	ck_assert(fixture_crossed(r, "GatewaySubnet") && fixture_crossed(r, "fw"));
	ck_assert_uint_eq(r->source_seen, fixture_ip("192.168.1.1"));
	r = fixture_run("to-b");
	ck_assert(r->delivered);
	ck_assert(!r->tcp_connect);
	ck_assert(r->asymmetric);
	ck_assert_str_eq(r->reply_drop_reason, "asymmetric-appliance");
}
END_TEST

/* MODEL §8 [rs]: with branch-to-branch on, on-premises learns what a
 * Route Server peer advertises and reaches it through the gateway and
 * the GatewaySubnet's routes (the appliance); with it off, on-premises
 * has no route. */
START_TEST(walk_branch_to_branch)
{
	static const char net[] =
		"scenario: t\n"
		"vnets: [{name: hub, address_space: [10.10.0.0/16], gateway: "
		"gw, subnets: [{name: GatewaySubnet, prefix: 10.10.255.0/27}, "
		"{name: RouteServerSubnet, prefix: 10.10.254.0/27}, {name: nva, "
		"prefix: 10.10.1.0/24, route_table: nobgp}]}]\n"
		"vms: [{name: sdwan, vnet: hub, subnet: nva, ip: 10.10.1.4, "
		"ip_forwarding: true}]\n"
		"route_tables: [{name: nobgp, disable_bgp_route_propagation: "
		"true, routes: []}]\n"
		"route_servers: [{name: rs, vnet: hub, branch_to_branch: %s, "
		"peers: [{name: sdwan, ip: 10.10.1.4, advertised: "
		"[10.50.0.0/16]}]}]\n"
		"expressroute: [{name: er, gateway: gw, private_peering: "
		"{advertised: [192.168.0.0/16]}}]\n"
		"onprem: {name: dc, prefixes: [192.168.0.0/16]}\n"
		"flows: [{name: branch, from: 192.168.1.1, to: 10.50.1.1, "
		"port: 443}]\n";
	char buf[2048];
	const struct flow_result *r;

	snprintf(buf, sizeof(buf), net, "true");
	load(buf);
	r = fixture_run("branch");
	ck_assert(fixture_crossed(r, "er") && fixture_crossed(r, "GatewaySubnet"));
	ck_assert(fixture_crossed(r, "sdwan"));
	fixture_teardown();
	setup();
	snprintf(buf, sizeof(buf), net, "false");
	load(buf);
	r = fixture_run("branch");
	fixture_dropped(r, "onprem-no-route");
	ck_assert(!fixture_crossed(r, "er"));
}
END_TEST

/* MODEL §8 [er-ms]: Microsoft peering brings back only the regions of
 * its route filter (from the built-in regional AzureCloud tags), SNATed
 * to its NAT pool, classified microsoft-peering-nat, accepted by KMS
 * under kms_accepts_public_peering_nat and refused with it off. */
START_TEST(walk_microsoft_peering)
{
	static const char net[] =
		"scenario: t\n"
		"%s"
		"vnets: [{name: v, address_space: [10.1.0.0/16], gateway: gw, "
		"subnets: [{name: s, prefix: 10.1.1.0/24}]}]\n"
		"vms: [{name: vm, vnet: v, subnet: s, ip: 10.1.1.4}]\n"
		"expressroute: [{name: er, gateway: gw, private_peering: "
		"{advertised: [0.0.0.0/0]}, microsoft_peering: {nat_pool: "
		"[203.0.113.32/29], route_filter: [AzureCloud.westus]}}]\n"
		"onprem: {name: dc, prefixes: [192.168.0.0/16], "
		"internet_edge_ip: 198.51.100.10}\n"
		"flows:\n"
		"  - {name: west, from: vm, to: 40.83.235.53, port: 1688}\n"
		"  - {name: south, from: vm, to: 23.102.135.246, port: 1688}\n";
	char buf[1024];
	const struct flow_result *r;

	snprintf(buf, sizeof(buf), net, "");
	load(buf);
	ck_assert_str_eq(ms_peering_region(&topo, &topo.circuits[0],
					   fixture_ip("40.83.235.53")),
			 "AzureCloud.westus");
	ck_assert_ptr_null(ms_peering_region(&topo, &topo.circuits[0],
					     fixture_ip("23.102.135.246")));
	r = fixture_run("west");
	ck_assert_int_eq(r->source_class, SRC_MS_PEERING_NAT);
	ck_assert_uint_eq(r->source_seen, fixture_ip("203.0.113.33"));
	ck_assert_int_eq(r->hairpin, HAIRPIN_CUSTOMER);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	ck_assert(r->reply_delivered);
	r = fixture_run("south");
	ck_assert_int_eq(r->source_class, SRC_ONPREM_EDGE);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
	fixture_teardown();
	setup();
	snprintf(buf, sizeof(buf), net,
		 "model: {kms_accepts_public_peering_nat: false}\n");
	load(buf);
	r = fixture_run("west");
	ck_assert_int_eq(r->source_class, SRC_MS_PEERING_NAT);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
}
END_TEST

/* The VirtualNetwork tag of a VNet's first subnet holds ip. */
static bool
vnet_tag_has(const char *vnet, uint32_t ip)
{
	size_t v = topo_vnet_find(&topo, vnet), i;
	const struct nsgctx *c =
		sim_context_nsgctx(sim, sim_context_of(sim, v, 0));

	for (i = 0; i < c->nvnet_tag; i++)
		if (ip >= c->vnet_tag[i].lo && ip <= c->vnet_tag[i].hi)
			return true;
	return false;
}

/* MODEL §5 and §8 [peer]: VirtualNetwork holds what gateway transit
 * brings (the hub's on-premises prefixes), and leaves out a peer whose
 * access this side does not allow. */
START_TEST(vnet_tag_in_estates)
{
	load(HUB_SPOKE(TRANSIT_HUB, TRANSIT_SPOKE, "",
		       "model: {vnet_tag_includes_default_route: false}\n"));
	ck_assert(vnet_tag_has("Spoke", fixture_ip("192.168.1.1")));
	ck_assert(vnet_tag_has("Spoke", fixture_ip("10.10.1.1")));
	ck_assert(!vnet_tag_has("Spoke", fixture_ip("8.8.8.8")));
	teardown();
	setup();
	load(HUB_SPOKE("{vnet: Spoke, allow_virtual_network_access: false}",
		       "", "", "model: {vnet_tag_includes_default_route: "
		       "false}\n"));
	ck_assert(!vnet_tag_has("Hub", fixture_ip("10.20.1.1")));
	ck_assert(vnet_tag_has("Spoke", fixture_ip("10.10.1.1")));
}
END_TEST

/* The estate sections' errors (FORMAT.md "Estates", issue's bad input):
 * each FILE:LINE:COL. */
static const struct {
	const char *yaml;
	const char *want;
} bad[] = {
	/* use_remote_gateways towards a VNet without gateways */
	{ "scenario: t\nvnets:\n"
	  "  - {name: h, address_space: [10.1.0.0/16], peerings: "
	  "[{vnet: s, allow_gateway_transit: true}]}\n"
	  "  - {name: s, address_space: [10.2.0.0/16], peerings: "
	  "[{vnet: h, use_remote_gateways: true}]}\n",
	  "4:56: error: vnet 's' uses remote gateways, but 'h' has neither "
	  "a gateway nor a route server [peer]" },
	/* the hub's side does not allow transit */
	{ "scenario: t\nvnets:\n"
	  "  - {name: h, address_space: [10.1.0.0/16], gateway: g, "
	  "peerings: [s]}\n"
	  "  - {name: s, address_space: [10.2.0.0/16], peerings: "
	  "[{vnet: h, use_remote_gateways: true}]}\n",
	  "4:56: error: vnet 's' uses remote gateways, but the peering on "
	  "'h''s side does not set allow_gateway_transit [peer]" },
	/* a VNet with its own gateway that uses remote gateways */
	{ "scenario: t\nvnets:\n"
	  "  - {name: h, address_space: [10.1.0.0/16], gateway: g, "
	  "peerings: [{vnet: s, allow_gateway_transit: true}]}\n"
	  "  - {name: s, address_space: [10.2.0.0/16], gateway: g2, "
	  "peerings: [{vnet: h, use_remote_gateways: true}]}\n",
	  "4:69: error: vnet 's' has a gateway or route server of its own "
	  "and cannot use the remote gateways of 'h' [peer]" },
	/* a default site of another gateway */
	{ "scenario: t\nvnets:\n"
	  "  - {name: a, address_space: [10.1.0.0/16], gateway: ga}\n"
	  "  - {name: b, address_space: [10.2.0.0/16], gateway: gb}\n"
	  "vpn_sites: [{name: s1, gateway: gb}]\n"
	  "gateways: [{name: ga, default_site: s1}]\n",
	  "6:37: error: default site 's1' connects to gateway 'gb', not to "
	  "'ga'" },
	/* an active-active gateway without two instance addresses */
	{ "scenario: t\nvnets:\n"
	  "  - {name: a, address_space: [10.1.0.0/16], gateway: ga}\n"
	  "gateways: [{name: ga, active_active: true, instance_ips: "
	  "[10.1.0.4]}]\n",
	  "4:23: error: active-active gateway 'ga' needs two instance_ips "
	  "(one per instance), got 1" },
	/* a Route Server peer address that is no VM */
	{ "scenario: t\nvnets:\n"
	  "  - {name: a, address_space: [10.1.0.0/16], subnets: "
	  "[{name: RouteServerSubnet, prefix: 10.1.0.0/27}]}\n"
	  "route_servers: [{name: rs, vnet: a, peers: [{name: p, "
	  "ip: 10.1.0.9}]}]\n",
	  "4:59: error: route server peer 'p': no VM has address 10.1.0.9 "
	  "in vnet 'a' or a peered vnet [rs]" },
	/* a next hop that is a VM without IP forwarding */
	{ "scenario: t\nvnets:\n"
	  "  - {name: a, address_space: [10.1.0.0/16], subnets: "
	  "[{name: RouteServerSubnet, prefix: 10.1.0.0/27}, "
	  "{name: n, prefix: 10.1.1.0/24}]}\n"
	  "vms: [{name: v, vnet: a, subnet: n, ip: 10.1.1.4}]\n"
	  "route_servers: [{name: rs, vnet: a, peers: [{name: p, "
	  "ip: 10.1.1.4, next_hop: 10.1.1.4}]}]\n",
	  "5:79: error: route server peer 'p' announces next hop 10.1.1.4, "
	  "which is a VM without ip_forwarding [rs]" },
	/* a Route Server outside a RouteServerSubnet */
	{ "scenario: t\nvnets:\n"
	  "  - {name: a, address_space: [10.1.0.0/16]}\n"
	  "route_servers: [{name: rs, vnet: a}]\n",
	  "4:34: error: route server 'rs' needs a subnet named "
	  "RouteServerSubnet in vnet 'a' [rs]" },
	/* a VPN site on an ExpressRoute gateway */
	{ "scenario: t\nvnets:\n"
	  "  - {name: a, address_space: [10.1.0.0/16], gateway: g}\n"
	  "expressroute: [{name: c, gateway: g}]\n"
	  "vpn_sites: [{name: s1, gateway: g}]\n",
	  "5:13: error: vpn site 's1' connects to gateway 'g', an "
	  "ExpressRoute gateway: site-to-site connections need a Vpn "
	  "gateway [vpn-ft]" },
};

START_TEST(estate_errors)
{
	fixture_first_error(bad[_i].yaml, bad[_i].want, _i);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("estate");
	TCase *tr = tcase_create("routes");
	TCase *tw = tcase_create("walk");
	TCase *er = tcase_create("errors");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, transit_brings_hub_gateway_routes);
	tcase_add_test(tr, plain_peering_no_transit);
	tcase_add_test(tr, transit_respects_propagation);
	tcase_add_test(tr, vpn_next_hops);
	tcase_add_test(tr, vpn_bgp_site_routes);
	tcase_add_test(tr, route_server_routes);
	tcase_add_test(tr, route_server_preference);
	tcase_add_test(tr, vnet_tag_in_estates);
	suite_add_tcase(s, tr);

	tcase_add_checked_fixture(tw, setup, fixture_teardown);
	tcase_add_test(tw, walk_transit);
	tcase_add_test(tw, walk_vpn_site);
	tcase_add_test(tw, walk_route_server_and_peering_settings);
	tcase_add_test(tw, walk_from_onprem);
	tcase_add_test(tw, walk_microsoft_peering);
	tcase_add_test(tw, walk_branch_to_branch);
	suite_add_tcase(s, tw);

	tcase_add_loop_test(er, estate_errors, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, er);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
