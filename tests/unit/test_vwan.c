/*
 * test_vwan.c: Virtual WAN hubs (MODEL.md §8 [vwan]): what a hub gives
 * the VNets connected to it, the packet's way through the hub, and the
 * loader's errors. Each test cites the rule it checks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/route.h"
#include "sim/vwan.h"
#include "sim/walk.h"
#include "topology/scenario.h"
#include "topology/vwan.h"
#include "tests/unit/fixture.h"

static const struct rtable *
table(const char *vnet)
{
	size_t v = topo_vnet_find(&topo, vnet);

	ck_assert_msg(v != TOPO_NONE, "no VNet %s", vnet);
	return sim_rtable(sim, v, 0);
}

/* Two spokes on hub weu-hub (10.100.0.0/23) with a circuit that brings
 * 0.0.0.0/0 and 192.168.0.0/16; HUBEXTRA goes into the hub's mapping,
 * PROP1 / PROP2 are the connections' propagate_default_route. */
#define VWAN(hubextra, prop1, prop2)					\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - {name: Spoke1, address_space: [10.21.0.0/16],"		\
	" subnets: [{name: App, prefix: 10.21.1.0/24}]}\n"		\
	"  - {name: Spoke2, address_space: [10.22.0.0/16],"		\
	" subnets: [{name: App, prefix: 10.22.1.0/24}]}\n"		\
	"vms:\n"							\
	"  - {name: vm1, vnet: Spoke1, subnet: App, ip: 10.21.1.4}\n"	\
	"  - {name: vm2, vnet: Spoke2, subnet: App, ip: 10.22.1.4}\n"	\
	"expressroute:\n"						\
	"  - name: er\n"						\
	"    private_peering: {advertised: [0.0.0.0/0, 192.168.0.0/16],"	\
	" next_hops: [192.168.255.1]}\n"				\
	"onprem: {prefixes: [192.168.0.0/16], internet_edge_ip: 198.51.100.10}\n" \
	"virtual_wan:\n"						\
	"  hubs:\n"							\
	"    - name: weu-hub\n"						\
	"      address_prefix: 10.100.0.0/23\n"				\
	"      expressroute: [er]\n"					\
	hubextra							\
	"      connections:\n"						\
	"        - {vnet: Spoke1, propagate_default_route: " prop1 "}\n"	\
	"        - {vnet: Spoke2, propagate_default_route: " prop2 "}\n"	\
	"flows:\n"							\
	"  - {name: kms1, from: vm1, to: kms.core.windows.net, port: 1688}\n" \
	"  - {name: kms2, from: vm2, to: kms.core.windows.net, port: 1688}\n" \
	"  - {name: s1s2, from: vm1, to: 10.22.1.4, port: 443}\n"	\
	"  - {name: onprem2, from: vm2, to: 192.168.10.5, port: 445}\n"

#define FIREWALL(ft)							\
	"      firewall: {name: hub-fw, public_ip: 20.30.30.30,"		\
	" forced_tunneling: " ft ", network_rules: [{name: all,"	\
	" priority: 100, action: Allow, protocols: [Tcp],"		\
	" source: [10.0.0.0/8], destination: ['*'],"			\
	" destination_ports: '*'}]}\n"

/* [vwan]: a hub is a VNet of the model, peered with what it connects;
 * its router's addresses are .68 and .69 of the prefix, its VPN
 * gateway's .12 and .13, a secured hub's firewall .132. */
START_TEST(hub_vnet_and_addresses)
{
	const struct vhub *h;
	size_t v;

	load(VWAN(FIREWALL("false") "      routing_intent: {internet: "
		  "firewall}\n", "true", "false"));
	ck_assert_uint_eq(topo.nvhubs, 1);
	h = &topo.vhubs[0];
	v = topo_vnet_find(&topo, "weu-hub");
	ck_assert_uint_eq(h->vnet, v);
	ck_assert_uint_eq(topo_vhub_of_vnet(&topo, v), 0);
	ck_assert(topo_peered(&topo, v, topo_vnet_find(&topo, "Spoke1")));
	ck_assert(!topo_peered(&topo, topo_vnet_find(&topo, "Spoke1"),
			       topo_vnet_find(&topo, "Spoke2")));
	ck_assert_uint_eq(h->nrouter_ips, 2);
	ck_assert_uint_eq(h->router_ips[0], fixture_ip("10.100.0.68"));
	ck_assert_uint_eq(h->router_ips[1], fixture_ip("10.100.0.69"));
	ck_assert_uint_eq(h->vpn_ips[0], fixture_ip("10.100.0.12"));
	ck_assert_uint_eq(topo.firewalls[h->firewall].private_ip,
			  fixture_ip("10.100.0.132"));
	ck_assert_uint_eq(topo.firewalls[h->firewall].vnet, v);
	ck_assert_str_eq(topo.circuits[0].gateway, "weu-hub-er");
	ck_assert_uint_eq(topo.vnets[topo_vnet_find(&topo, "Spoke1")].hub, v);
}
END_TEST

/* [vwan]: a learned default reaches a VNet only through a connection
 * that propagates it; the other prefixes reach both. */
START_TEST(default_only_where_propagated)
{
	const struct eroute *e;

	load(VWAN("", "true", "false"));
	e = fixture_gw_row(table("Spoke1"), "0.0.0.0/0");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->circuit, 0);
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("192.168.255.1"));
	ck_assert(rtable_forced_default(table("Spoke1")));
	ck_assert_ptr_null(fixture_gw_row(table("Spoke2"), "0.0.0.0/0"));
	ck_assert(!rtable_forced_default(table("Spoke2")));
	ck_assert_ptr_nonnull(fixture_gw_row(table("Spoke2"), "192.168.0.0/16"));
	/* The trace says why the neighbour has no default: the why of
	 * its route line, which names the route it took. */
	{
		struct flow_result r = { 0 };
		const char *why;
		size_t k, f, nroute;

		for (f = 0; f < 2; f++) {
			ck_assert_int_eq(sim_run_flow(sim, &topo.flows[f], &r), 0);
			for (k = 0, nroute = 0; k < r.nhops; k++) {
				if (r.hops[k].kind != HOP_ROUTE ||
				    r.hops[k].reply)
					continue;
				nroute++;
				ck_assert_uint_ne(r.hops[k].route, HOP_NONE);
				why = fx_why(&r, &r.hops[k]);
				if (f == 1)
					ck_assert_msg(strstr(why, "from circuit "
					    "er") != NULL && strstr(why,
					    "does not propagate") != NULL,
					    "%s", why);
				else
					ck_assert_ptr_null(strstr(why,
					    "does not propagate"));
			}
			ck_assert_uint_ge(nroute, 1);
		}
		flow_result_free(&r);
	}
}
END_TEST

/* [vwan]: the other connections' address space, next hop the hub's
 * router (both addresses: one row each); not the VNet's own. */
START_TEST(router_rows)
{
	const struct eroute *e;
	struct tline why = { 0 };

	load(VWAN("", "true", "true"));
	e = fixture_gw_row(table("Spoke1"), "10.22.0.0/16");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->vhub, 0);
	ck_assert_uint_eq(e->nnh, 2);
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("10.100.0.68"));
	ck_assert(!vwan_fw_row(&topo, e));
	ck_assert_ptr_null(fixture_gw_row(table("Spoke1"), "10.21.0.0/16"));
	ck_assert_int_eq(eroute_text(&topo, e, &why), 0);
	ck_assert_msg(strstr(why.s, "Virtual WAN hub weu-hub") != NULL, "%s",
		      why.s);
	tline_free(&why);
}
END_TEST

/* [vwan]: routing intent. Internet: the firewall's 0.0.0.0/0 replaces
 * the learned one, only where the connection propagates it. Private:
 * the three RFC 1918 aggregates to the firewall replace the routes
 * inside them (the other spoke's, the circuit's 192.168.0.0/16). */
START_TEST(routing_intent_rows)
{
	const struct rtable *rt;
	const struct eroute *e;

	load(VWAN(FIREWALL("false") "      routing_intent: {internet: "
		  "firewall, private: firewall}\n", "true", "false"));
	rt = table("Spoke1");
	e = fixture_gw_row(rt, "0.0.0.0/0");
	ck_assert_ptr_nonnull(e);
	ck_assert(vwan_fw_row(&topo, e));
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("10.100.0.132"));
	ck_assert_uint_eq(e->circuit, TOPO_NONE);
	ck_assert_ptr_nonnull(e = fixture_gw_row(rt, "10.0.0.0/8"));
	ck_assert(vwan_fw_row(&topo, e));
	ck_assert_ptr_nonnull(fixture_gw_row(rt, "172.16.0.0/12"));
	e = fixture_gw_row(rt, "192.168.0.0/16");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->circuit, TOPO_NONE);	/* the aggregate */
	ck_assert_ptr_null(fixture_gw_row(rt, "10.22.0.0/16"));
	/* Not propagated: no 0.0.0.0/0 of any kind, private intent still. */
	rt = table("Spoke2");
	ck_assert_ptr_null(fixture_gw_row(rt, "0.0.0.0/0"));
	ck_assert_ptr_nonnull(fixture_gw_row(rt, "10.0.0.0/8"));
}
END_TEST

/* [vwan]: the hub's firewall uses a learned default only in forced
 * tunnelling mode; otherwise AzureFirewallSubnet keeps Internet. */
START_TEST(hub_firewall_default)
{
	size_t v;

	load(VWAN(FIREWALL("false"), "true", "true"));
	v = topo_vnet_find(&topo, "weu-hub");
	ck_assert(!rtable_forced_default(sim_rtable(sim, v, 0)));
	teardown();
	setup();
	load(VWAN(FIREWALL("true"), "true", "true"));
	v = topo_vnet_find(&topo, "weu-hub");
	ck_assert(rtable_forced_default(sim_rtable(sim, v, 0)));
}
END_TEST

/* [vwan]: the walk. Propagated default: KMS through the hub's
 * ExpressRoute gateway, refused; not propagated: direct, accepted; a
 * spoke reaches the other through the hub's router and on-premises
 * through the hub's gateway, replies included. */
START_TEST(walk_through_hub)
{
	const struct flow_result *r;

	load(VWAN("", "true", "false"));
	r = fixture_run("kms1");
	ck_assert_int_eq(r->activation, ACT_REFUSED);
	ck_assert_int_eq(r->source_class, SRC_ONPREM_EDGE);
	ck_assert(fixture_crossed(r, "weu-hub-er"));
	r = fixture_run("kms2");
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	ck_assert(!fixture_crossed(r, "weu-hub-er"));
	r = fixture_run("s1s2");
	ck_assert(r->delivered);
	ck_assert(r->tcp_connect);
	ck_assert(fixture_crossed(r, "weu-hub"));
	ck_assert(fixture_crossed(r, "vm2"));
	r = fixture_run("onprem2");
	ck_assert(r->delivered);
	ck_assert(fixture_crossed(r, "weu-hub-er"));
}
END_TEST

/* [vwan]: routing intent through the secured hub's firewall, direct
 * (its public IP: accepted) and forced (on-premises edge: refused). */
START_TEST(walk_routing_intent)
{
	const struct flow_result *r;

	load(VWAN(FIREWALL("false") "      routing_intent: {internet: "
		  "firewall, private: firewall}\n", "true", "true"));
	r = fixture_run("kms1");
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	ck_assert_uint_eq(r->source_seen, fixture_ip("20.30.30.30"));
	ck_assert(fixture_crossed(r, "hub-fw"));
	r = fixture_run("s1s2");
	ck_assert(r->delivered);
	ck_assert(fixture_crossed(r, "hub-fw"));
	/* The answer from on-premises crosses the firewall too: the hub's
	 * GatewaySubnet sends connected VNets' space to it. */
	r = fixture_run("onprem2");
	ck_assert(r->delivered);
	ck_assert(r->tcp_connect);
	ck_assert(!r->asymmetric);
	ck_assert(fixture_crossed(r, "hub-fw"));
	fixture_teardown();
	setup();
	load(VWAN(FIREWALL("true") "      routing_intent: {internet: "
		  "firewall}\n", "true", "true"));
	r = fixture_run("kms1");
	ck_assert_int_eq(r->activation, ACT_REFUSED);
	ck_assert(fixture_crossed(r, "hub-fw"));
	ck_assert(fixture_crossed(r, "weu-hub-er"));
}
END_TEST

/* [vwan]: a hub with both gateways: a spoke reaches a VPN site through
 * the hub's VPN gateway (its instances the next hops) and the site's
 * hosts reach the spoke back, the answer over the same gateway. */
START_TEST(walk_vpn_site_through_hub)
{
	const char *y =
	    "scenario: t\n"
	    "vnets:\n"
	    "  - {name: Spoke1, address_space: [10.21.0.0/16], "
	    "subnets: [{name: App, prefix: 10.21.1.0/24}]}\n"
	    "vms: [{name: vm1, vnet: Spoke1, subnet: App, ip: 10.21.1.4}]\n"
	    "expressroute:\n"
	    "  - {name: er, private_peering: {advertised: [192.168.0.0/16]}}\n"
	    "onprem: {prefixes: [192.168.0.0/16]}\n"
	    "vpn_sites: [{name: branch, address_prefixes: [172.30.0.0/16]}]\n"
	    "virtual_wan: {hubs: [{name: h, address_prefix: 10.100.0.0/24, "
	    "expressroute: [er], vpn_sites: [branch], "
	    "connections: [{vnet: Spoke1}]}]}\n"
	    "flows:\n"
	    "  - {name: out, from: vm1, to: 172.30.1.5, port: 22}\n"
	    "  - {name: in, from: 172.30.1.5, to: 10.21.1.4, port: 22}\n";
	const struct eroute *e;
	const struct flow_result *r;

	load(y);
	e = fixture_gw_row(table("Spoke1"), "172.30.0.0/16");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->nnh, 2);
	ck_assert_uint_eq(e->nh_ips[0], fixture_ip("10.100.0.12"));
	r = fixture_run("out");
	ck_assert(r->delivered);
	ck_assert(r->tcp_connect);
	ck_assert(fixture_crossed(r, "h-vpn"));
	r = fixture_run("in");
	ck_assert(r->delivered);
	ck_assert(r->tcp_connect);
	ck_assert(fixture_crossed(r, "h-vpn"));
}
END_TEST

/* [vwan]: a VNet peered with a connected VNet learns nothing from the
 * hub. */
START_TEST(peered_no_transit)
{
	const char *y =
	    "scenario: t\n"
	    "vnets:\n"
	    "  - {name: Spoke1, address_space: [10.21.0.0/16], peerings: "
	    "[Partner], subnets: [{name: App, prefix: 10.21.1.0/24}]}\n"
	    "  - {name: Partner, address_space: [10.30.0.0/16], "
	    "subnets: [{name: App, prefix: 10.30.1.0/24}]}\n"
	    "expressroute:\n"
	    "  - {name: er, private_peering: {advertised: [0.0.0.0/0]}}\n"
	    "virtual_wan: {hubs: [{name: h, address_prefix: 10.100.0.0/24, "
	    "expressroute: [er], connections: [{vnet: Spoke1, "
	    "propagate_default_route: true}]}]}\n";

	load(y);
	ck_assert_ptr_nonnull(fixture_gw_row(table("Spoke1"), "0.0.0.0/0"));
	ck_assert_ptr_null(fixture_gw_row(table("Partner"), "0.0.0.0/0"));
	ck_assert_uint_eq(topo.vnets[topo_vnet_find(&topo, "Partner")].hub,
			  TOPO_NONE);
}
END_TEST

/* A copy of a topology keeps its hubs (what-if works on copies). */
START_TEST(copy_keeps_hubs)
{
	struct topo c;

	load(VWAN(FIREWALL("false"), "true", "false"));
	ck_assert_int_eq(topo_copy(&topo, &c), 0);
	ck_assert_uint_eq(c.nvhubs, 1);
	ck_assert_str_eq(c.vhubs[0].name, "weu-hub");
	ck_assert_uint_eq(c.vhubs[0].nconns, 2);
	ck_assert(c.vhubs[0].conns[0].propagate_default);
	ck_assert_uint_eq(c.vhubs[0].vnet, topo.vhubs[0].vnet);
	topo_free(&c);
}
END_TEST

/* [vwan]: the loader's errors, at the element's line and column. */
static const struct {
	const char *yaml;
	const char *want;
} bad[] = {
	{ "scenario: t\n"
	  "vnets:\n"
	  "  - {name: S, address_space: [10.1.0.0/16], gateway: gw, "
	  "subnets: [{name: GatewaySubnet, prefix: 10.1.0.0/27}]}\n"
	  "virtual_wan: {hubs: [{name: h, address_prefix: 10.100.0.0/24, "
	  "connections: [{vnet: S}]}]}\n",
	  "4:77: error: virtual hub 'h': vnet 'S' has a gateway or route "
	  "server of its own and cannot be connected to a hub [vwan]" },
	{ "scenario: t\n"
	  "virtual_wan: {hubs: [{name: h, address_prefix: 10.100.0.0/25}]}\n",
	  "2:48: error: virtual hub 'h': address_prefix /25 is smaller than "
	  "/24, the least Azure accepts for a hub [vwan]" },
	{ "scenario: t\n"
	  "virtual_wan: {hubs: [{name: h, address_prefix: 10.100.0.0/24, "
	  "routing_intent: {private: firewall}}]}\n",
	  "2:79: error: virtual hub 'h': routing_intent names the firewall, "
	  "but the hub has none (a secured hub needs firewall:) [vwan]" },
	{ "scenario: t\n"
	  "vnets:\n"
	  "  - {name: S, address_space: [10.1.0.0/16], "
	  "subnets: [{name: A, prefix: 10.1.0.0/24}]}\n"
	  "virtual_wan: {hubs: [\n"
	  "  {name: h1, address_prefix: 10.100.0.0/24, connections: [{vnet: S}]},\n"
	  "  {name: h2, address_prefix: 10.101.0.0/24, connections: [{vnet: S}]}]}\n",
	  "6:59: error: vnet 'S' is connected to virtual hub 'h1' already "
	  "(line 5): a vnet connects to one hub [vwan]" },
	{ "scenario: t\n"
	  "vnets:\n"
	  "  - {name: S, address_space: [10.100.0.0/16], "
	  "subnets: [{name: A, prefix: 10.100.9.0/24}]}\n"
	  "virtual_wan: {hubs: [{name: h, address_prefix: 10.100.0.0/24, "
	  "connections: [{vnet: S}]}]}\n",
	  "4:77: error: virtual hub 'h': vnet 'S' overlaps the hub's prefix "
	  "10.100.0.0/24 [vwan]" },
	{ "scenario: t\n"
	  "expressroute:\n"
	  "  - {name: er, private_peering: {advertised: [0.0.0.0/0]}}\n",
	  "3:5: error: circuit 'er' has no gateway: name the vnet gateway it "
	  "connects to, or list it under a virtual hub's expressroute:" },
	{ "scenario: t\n"
	  "virtual_wan: {hubs: [{name: h, address_prefix: 10.100.0.0/24, "
	  "firewall: {name: f, vnet: X, public_ip: 20.1.1.1}}]}\n",
	  "2:83: error: the firewall of a virtual hub sits in the hub: no "
	  "'vnet' [vwan]" },
};

START_TEST(vwan_errors)
{
	fixture_first_error(bad[_i].yaml, bad[_i].want, _i);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vwan");
	TCase *tc = tcase_create("vwan");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, fixture_teardown);
	tcase_add_test(tc, hub_vnet_and_addresses);
	tcase_add_test(tc, default_only_where_propagated);
	tcase_add_test(tc, router_rows);
	tcase_add_test(tc, routing_intent_rows);
	tcase_add_test(tc, hub_firewall_default);
	tcase_add_test(tc, walk_through_hub);
	tcase_add_test(tc, walk_routing_intent);
	tcase_add_test(tc, walk_vpn_site_through_hub);
	tcase_add_test(tc, peered_no_transit);
	tcase_add_test(tc, copy_keeps_hubs);
	tcase_add_loop_test(tc, vwan_errors, 0, sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
