/*
 * test_firewall.c: Azure Firewall (MODEL.md §8 [fw-rules] [fw-snat]
 * [fw-ft]): the order rule collections are processed in, what each kind
 * of rule matches, the firewall's SNAT in both modes, its need of the
 * Internet without forced tunnelling, its state for replies, its logs'
 * records, and the scenario it writes back.
 *
 * Every test loads a hub with the firewall and a spoke whose route table
 * sends everything to it; the firewall's settings and rules vary.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/walk.h"
#include "topology/change.h"
#include "topology/firewall.h"
#include "topology/scenario.h"
#include "topology/yamlout.h"
#include "tests/unit/fixture.h"

/* The hub (firewall FW's keys, FWSUBNET the AzureFirewallSubnet's extra
 * keys, EXTRA more sections) and the spoke routed to 10.10.253.4. */
#define NET(fw, fwsubnet, extra)					\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - name: Hub\n"						\
	"    address_space: [10.10.0.0/16]\n"				\
	"    peerings: [Spoke]\n"					\
	"    subnets:\n"						\
	"      - {name: AzureFirewallSubnet, prefix: 10.10.253.0/26"	\
	fwsubnet "}\n"							\
	"      - {name: AzureFirewallManagementSubnet, "		\
	"prefix: 10.10.252.0/26}\n"					\
	"      - {name: Shared, prefix: 10.10.1.0/24, "		\
	"route_table: back}\n"						\
	"  - name: Spoke\n"						\
	"    address_space: [10.20.0.0/16]\n"				\
	"    peerings: [Hub]\n"						\
	"    subnets: [{name: App, prefix: 10.20.1.0/24, "		\
	"route_table: to-fw}]\n"					\
	"vms:\n"							\
	"  - {name: vm, vnet: Spoke, subnet: App, ip: 10.20.1.4}\n"	\
	"  - {name: hubvm, vnet: Hub, subnet: Shared, ip: 10.10.1.4}\n"	\
	"  - {name: nva, vnet: Hub, subnet: Shared, ip: 10.10.1.5, "	\
	"ip_forwarding: true, snat: true, public_ip: 52.160.10.1}\n"	\
	"route_tables:\n"						\
	"  - name: to-fw\n"						\
	"    routes: [{name: d, prefix: 0.0.0.0/0, next_hop_type: "	\
	"VirtualAppliance, next_hop_ip: 10.10.253.4}, {name: h, "	\
	"prefix: 10.10.1.0/24, next_hop_type: VirtualAppliance, "	\
	"next_hop_ip: 10.10.253.4}]\n"					\
	"  - name: back\n"						\
	"    routes: [{name: s, prefix: 10.20.0.0/16, next_hop_type: "	\
	"VirtualAppliance, next_hop_ip: 10.10.253.4}]\n"		\
	"  - name: fw-out\n"						\
	"    routes: [{name: d, prefix: 0.0.0.0/0, next_hop_type: "	\
	"VirtualAppliance, next_hop_ip: 10.10.1.5}]\n"			\
	"firewalls:\n"							\
	"  - name: fw\n"						\
	"    vnet: Hub\n"						\
	fw								\
	extra

#define FLOWS								\
	"dns: {www.contoso.com: 93.184.216.34, "			\
	"download.windowsupdate.com: 13.107.4.50}\n"			\
	"flows:\n"							\
	"  - {name: kms, from: vm, to: kms.core.windows.net, port: 1688}\n" \
	"  - {name: web, from: vm, to: www.contoso.com, port: 443}\n"	\
	"  - {name: wu, from: vm, to: download.windowsupdate.com, "	\
	"port: 443}\n"							\
	"  - {name: hub, from: vm, to: 10.10.1.4, port: 445}\n"		\
	"  - {name: dns, from: vm, to: 8.8.8.8, port: 53, protocol: Udp}\n"

/* A network rule that allows everything. */
#define ALLOW_ALL							\
	"    network_rules:\n"						\
	"      - {name: all, priority: 100, action: Allow, "		\
	"protocols: [Any], destination: ['*'], destination_ports: '*'}\n"

/* MODEL §8 [fw-rules]: network rule collections before application
 * rule collections whatever their priorities; within a type, group
 * priority then collection priority. */
START_TEST(fw_order)
{
	struct firewall fw;
	struct fw_coll c[5];
	size_t order[5];

	memset(&fw, 0, sizeof(fw));
	memset(c, 0, sizeof(c));
	c[0] = (struct fw_coll){ .type = FWC_APPLICATION, .priority = 100 };
	c[1] = (struct fw_coll){ .type = FWC_NETWORK, .priority = 300 };
	c[2] = (struct fw_coll){ .type = FWC_NETWORK, .priority = 200,
				 .group_priority = 500 };
	c[3] = (struct fw_coll){ .type = FWC_NETWORK, .priority = 65000 };
	c[4] = (struct fw_coll){ .type = FWC_NETWORK, .priority = 100,
				 .group_priority = 500 };
	fw.colls = c;
	fw.ncolls = 5;
	topo_fw_order(&fw, order);
	ck_assert_uint_eq(order[0], 1);
	ck_assert_uint_eq(order[1], 3);
	ck_assert_uint_eq(order[2], 4);
	ck_assert_uint_eq(order[3], 2);
	ck_assert_uint_eq(order[4], 0);
}
END_TEST

/* A Deny collection of higher priority wins; the first rule that
 * matches decides; an unmatched flow is denied by default; the
 * firewall's logs record which. */
START_TEST(fw_first_match)
{
	const struct flow_result *r;

	load(NET("    public_ip: 20.10.10.10\n"
		 "    network_rules:\n"
		 "      - {name: allow-all, priority: 300, action: Allow, "
		 "protocols: [Any], destination: ['*'], "
		 "destination_ports: '*'}\n"
		 "      - {name: no-smb, priority: 200, action: Deny, "
		 "protocols: [Tcp], source: [10.20.0.0-10.20.255.255], "
		 "destination: [10.10.0.0/16], destination_ports: 445}\n",
		 "", FLOWS));
	r = fixture_run("hub");
	ck_assert(!r->delivered);
	ck_assert_str_eq(r->drop_reason, "firewall-deny");
	ck_assert_uint_eq(r->nfw, 1);
	ck_assert_uint_eq(r->fw[0].coll, 1);
	ck_assert(!r->fw[0].allow);
	r = fixture_run("web");
	ck_assert(r->delivered);
	ck_assert_uint_eq(r->fw[0].coll, 0);
	ck_assert(r->fw[0].allow);
	fixture_teardown();
	setup();
	load(NET("    public_ip: 20.10.10.10\n", "", FLOWS));
	r = fixture_run("kms");
	ck_assert_str_eq(r->drop_reason, "firewall-deny");
	ck_assert_uint_eq(r->fw[0].coll, UINT32_MAX);
	ck_assert(!r->fw[0].app);
}
END_TEST

/* What a network rule matches: protocol, port, addresses, service tags
 * and the addresses its FQDNs resolve to. */
START_TEST(fw_network_match)
{
	const struct flow_result *r;

	load(NET("    public_ip: 20.10.10.10\n"
		 "    network_rules:\n"
		 "      - {name: tag, priority: 100, action: Allow, "
		 "protocols: [Tcp], destination: [AzureCloud.southcentralus], "
		 "destination_ports: 1688}\n"
		 "      - {name: fqdn, priority: 200, action: Allow, "
		 "protocols: [Tcp], destination: [www.contoso.com], "
		 "destination_ports: 400-500}\n"
		 "      - {name: udp, priority: 300, action: Allow, "
		 "protocols: [Udp], destination: [8.8.8.8/32], "
		 "destination_ports: 53}\n", "", FLOWS));
	r = fixture_run("kms");		/* 23.102.135.246: South Central US */
	ck_assert(r->delivered);
	ck_assert_uint_eq(r->fw[0].coll, 0);
	r = fixture_run("web");
	ck_assert(r->delivered);
	ck_assert_uint_eq(r->fw[0].coll, 1);
	r = fixture_run("dns");
	ck_assert(r->delivered);
	ck_assert_uint_eq(r->fw[0].coll, 2);
	r = fixture_run("wu");		/* Tcp 443 to an address no rule names */
	ck_assert_str_eq(r->drop_reason, "firewall-deny");
	ck_assert(r->fw[0].app);	/* HTTPS to a name: application log */
}
END_TEST

/* An application rule matches by the name asked for, with '*.' for the
 * names under a domain; it never matches KMS, which carries no name
 * (the trace says which rule named it). */
START_TEST(fw_application_match)
{
	const struct flow_result *r;

	load(NET("    public_ip: 20.10.10.10\n"
		 "    application_rules:\n"
		 "      - {name: a, priority: 100, action: Allow, "
		 "protocols: ['Https:1688', Https], "
		 "fqdns: ['*.windowsupdate.com', kms.core.windows.net]}\n",
		 "", FLOWS));
	r = fixture_run("wu");
	ck_assert(r->delivered);
	ck_assert(r->fw[0].app && r->fw[0].allow);
	ck_assert_uint_eq(r->source_seen, fixture_ip("20.10.10.10"));
	ck_assert_int_eq(r->source_class, SRC_FIREWALL);
	r = fixture_run("web");
	ck_assert_str_eq(r->drop_reason, "firewall-deny");
	r = fixture_run("kms");
	ck_assert_str_eq(r->drop_reason, "firewall-deny");
	ck_assert(!r->fw[0].app);
	ck_assert_ptr_nonnull(strstr(fx_why(r, &r->hops[r->nhops - 1]),
				     "KMS speaks its own RPC"));
}
END_TEST

/* MODEL §8 [fw-snat]: a network rule keeps the source for its private
 * ranges and SNATs public destinations to the public IP; a destination
 * outside the ranges a scenario sets is SNATed. */
START_TEST(fw_snat)
{
	const struct flow_result *r;

	load(NET("    public_ip: 20.10.10.10\n" ALLOW_ALL, "", FLOWS));
	r = fixture_run("hub");
	ck_assert(r->delivered && r->reply_delivered);
	ck_assert_uint_eq(r->source_seen, fixture_ip("10.20.1.4"));
	r = fixture_run("kms");
	ck_assert_uint_eq(r->source_seen, fixture_ip("20.10.10.10"));
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	ck_assert(r->reply_delivered);
	fixture_teardown();
	setup();
	/* 10.0.0.0/8 is no private range of this firewall: SNATed, to the
	 * private IP, since the destination is not on the Internet. */
	load(NET("    public_ip: 20.10.10.10\n"
		 "    snat_private_ranges: [192.168.0.0/16]\n" ALLOW_ALL, "",
		 FLOWS));
	r = fixture_run("hub");
	ck_assert(r->delivered && r->reply_delivered);
	ck_assert_uint_eq(r->source_seen, fixture_ip("10.10.253.4"));
}
END_TEST

/* MODEL §8 [fw-ft]: forced tunnelling SNATs to the private IP and
 * follows AzureFirewallSubnet's routes (a UDR to an appliance in the
 * hub); without forced tunnelling, a route there that is not Internet
 * drops what the firewall sends to a public address. */
START_TEST(fw_forced_tunnelling)
{
	const struct flow_result *r;

	load(NET("    forced_tunneling: true\n" ALLOW_ALL,
		 ", route_table: fw-out", FLOWS));
	r = fixture_run("kms");
	ck_assert(fixture_crossed(r, "fw") && fixture_crossed(r, "nva"));
	ck_assert_uint_ge(r->nnat, 2);
	ck_assert_str_eq(fr_str(r, r->nat[0].who), "fw");
	ck_assert_uint_eq(r->nat[0].outside, fixture_ip("10.10.253.4"));
	ck_assert_uint_eq(r->source_seen, fixture_ip("52.160.10.1"));
	ck_assert(r->reply_delivered);
	fixture_teardown();
	setup();
	load(NET("    public_ip: 20.10.10.10\n" ALLOW_ALL,
		 ", route_table: fw-out", FLOWS));
	r = fixture_run("kms");
	ck_assert(!r->delivered);
	ck_assert_str_eq(r->drop_reason, "firewall-no-internet");
	ck_assert(!fixture_crossed(r, "nva"));
	r = fixture_run("hub");		/* private: the subnet's routes are fine */
	ck_assert(r->delivered);
}
END_TEST

/* The spoke's subnet without a route to the firewall for the reply's
 * way: an asymmetric path through a stateful firewall. */
START_TEST(fw_stateful)
{
	const struct flow_result *r;
	static const char net[] =
		"scenario: t\n"
		"vnets:\n"
		"  - name: Hub\n"
		"    address_space: [10.10.0.0/16]\n"
		"    peerings: [Spoke]\n"
		"    subnets:\n"
		"      - {name: AzureFirewallSubnet, prefix: 10.10.253.0/26}\n"
		"      - {name: Shared, prefix: 10.10.1.0/24%s}\n"
		"  - name: Spoke\n"
		"    address_space: [10.20.0.0/16]\n"
		"    peerings: [Hub]\n"
		"    subnets: [{name: App, prefix: 10.20.1.0/24, "
		"route_table: to-fw}]\n"
		"vms:\n"
		"  - {name: vm, vnet: Spoke, subnet: App, ip: 10.20.1.4}\n"
		"  - {name: hubvm, vnet: Hub, subnet: Shared, ip: 10.10.1.4}\n"
		"route_tables:\n"
		"  - name: to-fw\n"
		"    routes: [{name: d, prefix: 10.10.1.0/24, next_hop_type: "
		"VirtualAppliance, next_hop_ip: 10.10.253.4}]\n"
		"  - name: back\n"
		"    routes: [{name: b, prefix: 10.20.0.0/16, next_hop_type: "
		"VirtualAppliance, next_hop_ip: 10.10.253.4}]\n"
		"firewalls:\n"
		"  - {name: fw, vnet: Hub, public_ip: 20.10.10.10, "
		"network_rules: [{name: all, priority: 100, action: Allow, "
		"protocols: [Any], destination: ['*'], "
		"destination_ports: '*'}]}\n"
		"flows: [{name: hub, from: vm, to: 10.10.1.4, port: 445}]\n";
	char buf[2048];

	snprintf(buf, sizeof(buf), net, "");
	load(buf);
	r = fixture_run("hub");
	ck_assert(r->delivered);
	ck_assert(!r->reply_delivered);
	ck_assert_str_eq(r->reply_drop_reason, "asymmetric-appliance");
	fixture_teardown();
	setup();
	snprintf(buf, sizeof(buf), net, ", route_table: back");
	load(buf);
	r = fixture_run("hub");
	ck_assert(r->delivered && r->reply_delivered);
	ck_assert(fixture_crossed(r, "fw"));
}
END_TEST

/* A scenario written back by yamlout loads into the same firewall and
 * writes the same text again. */
START_TEST(fw_yamlout)
{
	struct topo b;
	char *ya = NULL, *yb = NULL;
	size_t la, lb;

	load(NET("    public_ip: 20.10.10.10\n"
		 "    policy: hub-policy\n"
		 "    network_rules:\n"
		 "      - {name: kms, priority: 100, action: Allow, group: g, "
		 "group_priority: 200, protocols: [Tcp, Udp], "
		 "source: [10.20.0.0-10.20.2.255], "
		 "destination: [AzureCloud.westus, www.contoso.com, 1.2.3.4], "
		 "destination_ports: [1688, 5000-5010]}\n"
		 "    application_rules:\n"
		 "      - {name: wu, priority: 100, action: Deny, "
		 "rules: [{name: r1, protocols: ['Https:8443', Http], "
		 "fqdns: ['*.windowsupdate.com']}]}\n", "", FLOWS));
	ck_assert_int_eq(yamlout_topo(&topo, NULL, 0, &ya, &la), 0);
	ck_assert_int_eq(scenario_parse("again.yaml", ya, la, &b, &diag), 0);
	ck_assert_int_eq(yamlout_topo(&b, NULL, 0, &yb, &lb), 0);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(ya, yb, la), 0);
	ck_assert_uint_eq(b.nfirewalls, 1);
	ck_assert_uint_eq(b.firewalls[0].colls[0].rules[0].src.n, 2);
	ck_assert_uint_eq(b.firewalls[0].colls[0].rules[0].nfqdn_ips, 1);
	ck_assert_uint_eq(b.firewalls[0].private_ip, fixture_ip("10.10.253.4"));
	free(ya);
	free(yb);
	topo_free(&b);
}
END_TEST

/* Apply change text c to the loaded topology: 0 with *out filled, or
 * -1 (diag holds why). */
static int
apply(const char *c, struct topo *out)
{
	struct change ch;
	int rc;

	ck_assert_int_eq(change_parse("c.yaml", c, strlen(c), &ch, &diag), 0);
	rc = change_apply(&ch, &topo, out, &diag);
	change_free(&ch);
	return rc;
}

/* The change operations of a firewall: add, replace and remove a rule
 * collection, set forced tunnelling; the firewall's rules are checked
 * after them (a repeated priority, forced tunnelling off without a public
 * IP) and the base is never touched. */
START_TEST(fw_change_ops)
{
	struct topo t;

	load(NET("    public_ip: 20.10.10.10\n" ALLOW_ALL, "", FLOWS));
	ck_assert_int_eq(apply("operations:\n"
	    "  - {op: add_firewall_rule, firewall: fw, network_rules: "
	    "{name: kms, priority: 150, action: Deny, protocols: [Tcp], "
	    "destination: [AzureCloud], destination_ports: 1688}}\n"
	    "  - {op: add_firewall_rule, firewall: fw, application_rules: "
	    "{name: all, priority: 100, action: Allow, protocols: [Https], "
	    "fqdns: ['*']}}\n"
	    "  - {op: replace_firewall_rule, firewall: fw, network_rules: "
	    "{name: all, priority: 200, action: Allow, protocols: [Udp], "
	    "destination: ['*'], destination_ports: 53}}\n"
	    "  - {op: set_forced_tunneling, firewall: fw, "
	    "forced_tunneling: true}\n", &t), 0);
	ck_assert_uint_eq(t.firewalls[0].ncolls, 3);
	ck_assert_int_eq(t.firewalls[0].colls[0].priority, 200);
	ck_assert_int_eq(t.firewalls[0].colls[1].priority, 150);
	ck_assert_uint_eq(t.firewalls[0].colls[0].rules[0].proto, PROTO_UDP);
	ck_assert(t.firewalls[0].forced_tunneling);
	ck_assert_uint_eq(topo.firewalls[0].ncolls, 1);
	ck_assert(!topo.firewalls[0].forced_tunneling);
	topo_free(&t);
	ck_assert_int_eq(apply("operations:\n"
	    "  - {op: remove_firewall_rule, firewall: fw, name: all}\n",
	    &t), 0);
	ck_assert_uint_eq(t.firewalls[0].ncolls, 0);
	topo_free(&t);
	/* Refused: the same priority twice, a name that is not there. */
	ck_assert_int_eq(apply("operations:\n"
	    "  - {op: add_firewall_rule, firewall: fw, network_rules: "
	    "{name: two, priority: 100, action: Allow, protocols: [Tcp], "
	    "destination: ['*']}}\n", &t), -1);
	ck_assert_int_eq(apply("operations:\n"
	    "  - {op: remove_firewall_rule, firewall: fw, name: nope}\n",
	    &t), -1);
	ck_assert_int_eq(apply("operations:\n"
	    "  - {op: add_firewall_rule, firewall: fw, network_rules: "
	    "{name: all, priority: 300, action: Allow, protocols: [Tcp], "
	    "destination: ['*']}}\n", &t), -1);
	diag_free(&diag);
	diag_init(&diag);
}
END_TEST

/* A range written a-b covers exactly its addresses, however unaligned:
 * 0.0.0.1-255.255.255.254 is 62 prefixes. */
START_TEST(fw_ranges)
{
	struct pfx p[64];
	uint64_t sum = 0;
	size_t i, n;

	n = topo_range_cidrs(fixture_ip("0.0.0.1"), fixture_ip("255.255.255.254"), p);
	ck_assert_uint_eq(n, 62);
	for (i = 0; i < n; i++)
		sum += (uint64_t)1 << (32 - p[i].len);
	ck_assert_uint_eq(sum, 0xfffffffeull);
	ck_assert_uint_eq(p[0].addr, fixture_ip("0.0.0.1"));
	ck_assert_uint_eq(topo_range_cidrs(fixture_ip("10.0.0.0"), fixture_ip("10.0.255.255"),
	    p), 1);
	ck_assert_uint_eq(p[0].len, 16);
	ck_assert_uint_eq(topo_range_cidrs(fixture_ip("1.2.3.4"), fixture_ip("1.2.3.4"), p), 1);
	ck_assert_uint_eq(p[0].len, 32);
}
END_TEST

static Suite *
firewall_suite(void)
{
	Suite *s = suite_create("firewall");
	TCase *tc = tcase_create("firewall");

	tcase_add_checked_fixture(tc, setup, fixture_teardown);
	tcase_add_test(tc, fw_order);
	tcase_add_test(tc, fw_first_match);
	tcase_add_test(tc, fw_network_match);
	tcase_add_test(tc, fw_application_match);
	tcase_add_test(tc, fw_snat);
	tcase_add_test(tc, fw_forced_tunnelling);
	tcase_add_test(tc, fw_stateful);
	tcase_add_test(tc, fw_yamlout);
	tcase_add_test(tc, fw_change_ops);
	tcase_add_test(tc, fw_ranges);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(firewall_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
