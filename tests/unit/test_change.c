/*
 * test_change.c: change files read (good and bad) and applied: every
 * operation, the errors that name their line, and a base that stays
 * untouched when an operation cannot apply.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/fixture.h"
#include "topology/change.h"
#include "topology/scenario.h"
#include "topology/yamlout.h"

static const char base_yaml[] =
    "scenario: base\n"
    "vnets:\n"
    "  - name: ArmVNet-DM\n"
    "    address_space: [10.1.0.0/16]\n"
    "    gateway: er-gw\n"
    "    subnets:\n"
    "      - {name: Subnet-1, prefix: 10.1.1.0/24, nsg: subnet-nsg, route_table: rt}\n"
    "vms:\n"
    "  - {name: vm1, vnet: ArmVNet-DM, subnet: Subnet-1, ip: 10.1.1.4}\n"
    "route_tables:\n"
    "  - name: rt\n"
    "    routes:\n"
    "      - {name: a, prefix: 1.2.3.0/24, next_hop_type: None}\n"
    "nsgs:\n"
    "  - name: subnet-nsg\n"
    "    rules:\n"
    "      - {name: r1, priority: 1000, direction: Outbound, access: Deny, destination: Internet}\n"
    "expressroute:\n"
    "  - name: er-circuit\n"
    "    gateway: er-gw\n"
    "    private_peering: {advertised: [0.0.0.0/0, 192.168.0.0/16]}\n";

/* The UTF-8 byte-order mark PowerShell 5 writes. */
#define BOM "\xef\xbb\xbf"

static struct change ch;
static struct topo after;

static void
ch_setup(void)
{
	setup();
	memset(&ch, 0, sizeof(ch));
	topo_init(&after);
	load(base_yaml);
}

static void
ch_teardown(void)
{
	topo_free(&after);
	change_free(&ch);
	teardown();
}

static int
parse(const char *y)
{
	return change_parse("change.yaml", y, strlen(y), &ch, &diag);
}

/* Apply y to the base; the first message, or "" when it applied. */
static const char *
apply(const char *y)
{
	static char msg[1024];

	msg[0] = '\0';
	if (parse(y) != 0 || change_apply(&ch, &topo, &after, &diag) != 0) {
		ck_assert_uint_ge(diag.n, 1);
		snprintf(msg, sizeof(msg), "%d:%d: %s", diag.msgs[0].pos.line,
		    diag.msgs[0].pos.col, diag.msgs[0].text);
	}
	return msg;
}

START_TEST(arm_fix_applies)
{
	const struct subnet *sn;
	size_t rt;

	ck_assert_str_eq(apply(
	    "change: arm\n"
	    "operations:\n"
	    "  - op: add_route_table\n"
	    "    route_table: {name: ArmVNet-DM-KmsDirectRoute}\n"
	    "  - op: add_route\n"
	    "    route_table: ArmVNet-DM-KmsDirectRoute\n"
	    "    route: {name: DirectRouteToKMS, prefix: 23.102.135.246/32, next_hop_type: Internet}\n"
	    "  - op: associate_route_table\n"
	    "    vnet: ArmVNet-DM\n"
	    "    subnet: Subnet-1\n"
	    "    route_table: ArmVNet-DM-KmsDirectRoute\n"), "");
	ck_assert_str_eq(ch.name, "arm");
	ck_assert_uint_eq(ch.nops, 3);
	rt = topo_rtable_find(&after, "ArmVNet-DM-KmsDirectRoute");
	ck_assert_uint_ne(rt, TOPO_NONE);
	ck_assert_uint_eq(after.rtables[rt].nroutes, 1);
	ck_assert_int_eq(after.rtables[rt].routes[0].nh, NH_INTERNET);
	ck_assert_uint_eq(after.rtables[rt].routes[0].pfx.addr,
	    IP4(23, 102, 135, 246));
	ck_assert_int_eq(after.rtables[rt].routes[0].pos.line, 7);
	sn = &after.vnets[0].subnets[0];
	ck_assert_uint_eq(sn->route_table, rt);
	/* The base is as it was loaded. */
	ck_assert_uint_eq(topo.nrtables, 1);
	ck_assert_uint_eq(topo.vnets[0].subnets[0].route_table, 0);
}
END_TEST

START_TEST(every_operation)
{
	const struct circuit *c;
	const struct nsg *g;

	ck_assert_str_eq(apply(
	    "operations:\n"
	    "  - {op: replace_route, route_table: rt, route: {name: a, prefix: 1.2.4.0/24, next_hop_type: VirtualAppliance, next_hop_ip: 10.1.1.9}}\n"
	    "  - {op: add_route, route_table: rt, route: {name: b, prefix: 1.2.3.0/24, next_hop_type: None}}\n"
	    "  - {op: remove_route, route_table: rt, name: b}\n"
	    "  - {op: set_route_propagation, route_table: rt, disable_bgp_route_propagation: true}\n"
	    "  - {op: add_nsg_rule, nsg: subnet-nsg, rule: {name: kms, priority: 900, direction: Outbound, access: Allow, protocol: Tcp, destination: 23.102.135.246, destination_ports: 1688}}\n"
	    "  - {op: remove_nsg_rule, nsg: subnet-nsg, name: r1}\n"
	    "  - {op: enable_public_peering, circuit: er-circuit, nat_pool: [203.0.113.0/29]}\n"
	    "  - {op: withdraw, circuit: er-circuit, prefixes: [0.0.0.0/0]}\n"
	    "  - {op: advertise, circuit: er-circuit, prefixes: [172.16.0.0/12, 192.168.0.0/16]}\n"
	    "  - {op: dissociate_route_table, vnet: ArmVNet-DM, subnet: Subnet-1}\n"
	    "  - {op: remove_route_table, route_table: rt}\n"), "");
	ck_assert_uint_eq(ch.nops, 11);
	ck_assert_uint_eq(after.nrtables, 0);
	ck_assert_uint_eq(after.vnets[0].subnets[0].route_table, TOPO_NONE);
	g = &after.nsgs[0];
	ck_assert_uint_eq(g->nrules, 1);
	ck_assert_str_eq(g->rules[0].name, "kms");
	c = &after.circuits[0];
	ck_assert(c->public_peering);
	ck_assert_uint_eq(c->nnat_pool, 1);
	ck_assert_uint_eq(c->nadvertised, 2);
	ck_assert_uint_eq(c->advertised[0].addr, IP4(192, 168, 0, 0));
	ck_assert_uint_eq(c->advertised[1].addr, IP4(172, 16, 0, 0));
	/* Base untouched. */
	ck_assert_uint_eq(topo.nsgs[0].nrules, 1);
	ck_assert(!topo.circuits[0].public_peering);
	ck_assert_uint_eq(topo.circuits[0].nadvertised, 2);
}
END_TEST

START_TEST(propagation_and_replace_values)
{
	ck_assert_str_eq(apply(
	    "operations:\n"
	    "  - {op: set_route_propagation, route_table: rt, disable_bgp_route_propagation: true}\n"
	    "  - {op: replace_route, route_table: rt, route: {name: a, prefix: 1.2.4.0/24, next_hop_type: VirtualAppliance, next_hop_ip: 10.1.1.9}}\n"),
	    "");
	ck_assert(after.rtables[0].disable_bgp_propagation);
	ck_assert_int_eq(after.rtables[0].routes[0].nh, NH_VIRTUAL_APPLIANCE);
	ck_assert_uint_eq(after.rtables[0].routes[0].nh_ip, IP4(10, 1, 1, 9));
	ck_assert(!topo.rtables[0].disable_bgp_propagation);
	ck_assert_int_eq(topo.rtables[0].routes[0].nh, NH_NONE);
}
END_TEST

/* The seed's Classic example: a table made under one name, used under
 * another. Both names are in the message, at the line that uses it. */
START_TEST(classic_mismatch)
{
	const char *m = apply(
	    "operations:\n"
	    "  - op: add_route_table\n"
	    "    route_table: {name: VNet-DM-KmsRouteGroup}\n"
	    "  - op: add_route\n"
	    "    route_table: VNet-DM-KmsRouteTable\n"
	    "    route: {name: AzureKMS, prefix: 23.102.135.246/32, next_hop_type: Internet}\n");

	ck_assert_ptr_nonnull(strstr(m, "5:18: no route table "
	    "'VNet-DM-KmsRouteTable'"));
	ck_assert_ptr_nonnull(strstr(m, "'VNet-DM-KmsRouteGroup' (added at "
	    "line 3)"));
	ck_assert_uint_eq(after.nrtables, 0);
	ck_assert_uint_eq(topo.nrtables, 1);
}
END_TEST

static const struct {
	const char *yaml;
	const char *want;	/* start of "LINE:COL: message" */
} bad[] = {
	{ "operations:\n  - {op: add_route, route_table: rt, route: {name: c, prefix: 1.2.3.0/24, next_hop_type: None}}\n",
	  "2:45: route 'c' has the same prefix 1.2.3.0/24 as route 'a'" },
	{ "operations:\n  - {op: add_route, route_table: rt, route: {name: a, prefix: 9.9.9.0/24, next_hop_type: None}}\n",
	  "2:45: route table 'rt' already has a route 'a'" },
	{ "operations:\n  - {op: add_nsg_rule, nsg: subnet-nsg, rule: {name: x, priority: 1000, direction: Outbound, access: Allow}}\n",
	  "2:47: rule 'x' has priority 1000 Outbound, already used by rule 'r1'" },
	{ "operations:\n  - {op: remove_route, route_table: rt, name: zz}\n",
	  "2:47: route table 'rt' has no route 'zz'" },
	{ "operations:\n  - {op: associate_route_table, vnet: ArmVNet-DM, subnet: Subnet-9, route_table: rt}\n",
	  "2:59: no subnet 'Subnet-9' in VNet ArmVNet-DM" },
	{ "operations:\n  - {op: remove_route_table, route_table: rt}\n",
	  "2:43: route table 'rt' is associated with subnet Subnet-1" },
	{ "operations:\n  - {op: withdraw, circuit: er-circuit, prefixes: [10.0.0.0/8]}\n",
	  "2:5: circuit er-circuit does not advertise 10.0.0.0/8" },
	{ "operations:\n  - {op: disable_public_peering, circuit: er-circuit}\n",
	  "2:43: circuit er-circuit has no public peering to disable" },
	{ "operations:\n  - {op: add_nsg_rule, nsg: nope, rule: {name: x, priority: 100, direction: Outbound, access: Allow}}\n",
	  "2:29: no NSG 'nope'" },
	/* Reading errors. */
	{ "operations:\n  - {op: add_rout, route_table: rt}\n",
	  "2:10: unknown operation 'add_rout'" },
	{ "operations:\n  - {op: add_route, route_table: rt}\n",
	  "2:5: 'add_route' needs key 'route'" },
	{ "operations:\n  - {op: remove_route, route_table: rt, name: a, nsg: x}\n",
	  "2:50: 'remove_route' does not take key 'nsg'" },
	{ "operations:\n  - {op: add_route, route_table: rt, route: {name: c, prefix: 1.2.3.4/24, next_hop_type: None}}\n",
	  "2:63: bad prefix '1.2.3.4/24' for 'prefix': host bits set" },
	{ "operations:\n  - {op: add_route, route_table: rt, route: {name: c, prefix: 1.2.3.0/24, next_hop_type: VirtualAppliance}}\n",
	  "2:45: next_hop_type VirtualAppliance needs next_hop_ip" },
	{ "operations: []\n", "1:13: 'operations' must not be empty" },
	{ "change: x\n", "1:1: missing required key 'operations'" },
	{ "operations:\n  - &a {op: remove_route_table, route_table: rt}\n  - *a\n",
	  "3:5: YAML aliases are not allowed in change files" },
	{ "operations: [\n", "2:1: YAML:" },
	/* After a byte-order mark, columns count from the character after
	 * it. */
	{ BOM "operations: []\n", "1:13: 'operations' must not be empty" },
	{ BOM "change: \xff\n", "1:9: YAML: invalid leading UTF-8" },
	{ BOM "change: [x]\noperations: []\n", "1:9: 'change' must be a name" },
};

START_TEST(bad_changes)
{
	const char *m = apply(bad[_i].yaml);

	if (strncmp(m, bad[_i].want, strlen(bad[_i].want)) != 0)
		ck_abort_msg("case %d: got \"%s\", want \"%s...\"", _i, m,
		    bad[_i].want);
	ck_assert_uint_eq(after.nrtables, 0);
	ck_assert_uint_eq(after.nvnets, 0);
}
END_TEST

/* A change file that starts with a byte-order mark reads as without
 * it, its positions included. */
START_TEST(bom_applies)
{
	ck_assert_str_eq(apply(BOM "operations:\n"
	    "  - {op: remove_route, route_table: rt, name: a}\n"), "");
	ck_assert_uint_eq(after.rtables[0].nroutes, 0);
	ck_assert_int_eq(ch.ops[0].pos.line, 2);
	ck_assert_int_eq(ch.ops[0].pos.col, 5);
	ck_assert_int_eq(ch.ops[0].name.pos.col, 47);
}
END_TEST

/* What a change produced writes out and reads back the same. */
START_TEST(applied_round_trip)
{
	char *y1, *y2;
	size_t l1, l2;
	struct topo back;

	ck_assert_str_eq(apply(
	    "operations:\n"
	    "  - {op: add_route, route_table: rt, route: {name: k, prefix: 23.102.135.246/32, next_hop_type: Internet}}\n"),
	    "");
	ck_assert_int_eq(yamlout_topo(&after, NULL, 0, &y1, &l1), 0);
	ck_assert_int_eq(scenario_parse("out.yaml", y1, l1, &back, &diag), 0);
	ck_assert_int_eq(yamlout_topo(&back, NULL, 0, &y2, &l2), 0);
	ck_assert_str_eq(y1, y2);
	ck_assert_uint_eq(back.rtables[0].nroutes, 2);
	free(y1);
	free(y2);
	topo_free(&back);
}
END_TEST

/* MODEL §8: the estate operations on scenario 28 (two VPN gateways, three
 * sites): removing a site moves the later ones' indices and clears a
 * default site it was; adding and making a site the default; a default
 * site of another gateway and clearing a default that is not there are
 * refused. */
START_TEST(estate_operations)
{
	size_t gi;

	teardown();
	setup();
	load_file("28-vpn-default-site.yaml");
	ck_assert_str_eq(apply(
	    "operations:\n"
	    "  - {op: remove_vpn_site, name: branch2}\n"
	    "  - {op: add_vpn_site, vpn_site: {name: dr, gateway: lab-vpn-gw,"
	    " address_prefixes: [172.31.0.0/16]}}\n"
	    "  - {op: set_default_site, gateway: lab-vpn-gw, vpn_site: dr}\n"
	    "  - {op: remove_vpn_site, name: head-office}\n"), "");
	ck_assert_uint_eq(after.nvpn_sites, 2);
	ck_assert_str_eq(after.vpn_sites[0].name, "lab-site");
	ck_assert_str_eq(after.vpn_sites[1].name, "dr");
	gi = topo_gateway_find(&after, "prod-vpn-gw");
	ck_assert_uint_eq(after.gateways[gi].default_site, TOPO_NONE);
	gi = topo_gateway_find(&after, "lab-vpn-gw");
	ck_assert_uint_eq(after.gateways[gi].default_site, 1);
	ck_assert_uint_eq(after.vpn_sites[1].gateway, gi);
	ck_assert_uint_eq(topo.nvpn_sites, 3);	/* the base is untouched */
	topo_free(&after);
	change_free(&ch);
	ck_assert_str_eq(apply(
	    "operations:\n"
	    "  - {op: set_default_site, gateway: lab-vpn-gw, vpn_site: "
	    "head-office}\n"),
	    "2:59: VPN site head-office connects to gateway prod-vpn-gw, "
	    "not to lab-vpn-gw");
	topo_free(&after);
	change_free(&ch);
	diag_free(&diag);
	diag_init(&diag);
	ck_assert_str_eq(apply(
	    "operations:\n"
	    "  - {op: clear_default_site, gateway: lab-vpn-gw}\n"),
	    "2:39: gateway lab-vpn-gw has no default site to clear");
}
END_TEST

/* MODEL §8: a peering side's settings (the spoke stops using the hub's
 * gateways) and what a Route Server peer advertises. */
START_TEST(estate_peering_and_route_server)
{
	teardown();
	setup();
	load_file("29-route-server-default.yaml");
	ck_assert_uint_eq(topo.vnets[1].hub, 0);
	ck_assert_str_eq(apply(
	    "operations:\n"
	    "  - {op: set_peering, vnet: Spoke, peering: {vnet: Hub}}\n"
	    "  - {op: set_peer_advertised, route_server: hub-rs, name: sdwan2,"
	    " advertised: []}\n"), "");
	ck_assert_uint_eq(after.vnets[1].hub, TOPO_NONE);
	ck_assert(!after.vnets[1].peers[0].use_remote);
	ck_assert(!after.vnets[1].peers[0].allow_forwarded);
	ck_assert_uint_eq(after.route_servers[0].peers[1].nadvertised, 0);
	ck_assert_uint_eq(topo.route_servers[0].peers[1].nadvertised, 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("change");
	TCase *tc = tcase_create("change");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, ch_setup, ch_teardown);
	tcase_add_test(tc, arm_fix_applies);
	tcase_add_test(tc, every_operation);
	tcase_add_test(tc, propagation_and_replace_values);
	tcase_add_test(tc, classic_mismatch);
	tcase_add_loop_test(tc, bad_changes, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, applied_round_trip);
	tcase_add_test(tc, bom_applies);
	tcase_add_test(tc, estate_operations);
	tcase_add_test(tc, estate_peering_and_route_server);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
