/*
 * test_scenario.c: the YAML scenario loader.
 *
 * A table of bad inputs, each with the start of the first message it must
 * give ("LINE:COL: error: WHAT"), and loads of valid scenarios whose
 * fields, defaults and spellings are checked one by one. Inputs are in
 * memory; the few files the tests need are written into a fresh mkdtemp
 * directory, so nothing depends on the current directory.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topology/scenario.h"
#include "topology/yamlout.h"


/* A small valid network that most bad inputs extend from line 10 on. */
#define HEAD "scenario: t\n"					/* 1 */
#define NET HEAD						\
	"vnets:\n"						/* 2 */	\
	"  - name: hub\n"					/* 3 */	\
	"    address_space: [10.0.0.0/16]\n"			/* 4 */	\
	"    gateway: er-gw\n"					/* 5 */	\
	"    subnets:\n"					/* 6 */	\
	"      - {name: s1, prefix: 10.0.1.0/24}\n"		/* 7 */	\
	"vms:\n"						/* 8 */	\
	"  - {name: vm1, vnet: hub, subnet: s1, ip: 10.0.1.4}\n"	/* 9 */

/* One NSG rule around a field under test, on line 4. */
#define RULE(f) HEAD						\
	"nsgs:\n"						\
	"  - name: g\n"						\
	"    rules: [{name: r, priority: 200, direction: Outbound, "	\
	"access: Deny, " f "}]\n"

/* One route on line 5. */
#define ROUTE(f) HEAD						\
	"route_tables:\n"					\
	"  - name: rt\n"					\
	"    routes:\n"						\
	"      - {name: r1, prefix: 0.0.0.0/0, " f "}\n"

/* A flow from vm1 on lines 10-11. */
#define FLOW(f) NET						\
	"flows:\n"						\
	"  - {from: vm1, " f "}\n"

/* A flow's expectation on line 11. */
#define EXPECT(f) FLOW("to: 1.2.3.4, port: 80, expect: {" f "}")

/* The UTF-8 byte-order mark PowerShell 5 writes. */
#define BOM "\xef\xbb\xbf"

struct bad {
	const char *yaml;
	size_t len;		/* 0: strlen(yaml) */
	const char *want;	/* the first message holds this */
};

static const struct bad bad[] = {
	/* YAML itself */
	{ HEAD "vnets: [a, b\n", 0,
	  "3:1: error: YAML: did not find expected ',' or ']' while parsing a "
	  "flow sequence (started at line 2)" },
	{ HEAD "vnets:\n\t- name: x\n", 0,
	  "3:1: error: YAML: found character that cannot start any token "
	  "(a tab: YAML indents with spaces)" },
	{ HEAD "description: a: b\n", 0,
	  "2:15: error: YAML: mapping values are not allowed" },
	{ "", 0, "t.yaml:1:1: error: empty scenario file" },
	{ "# only a comment\n", 0, "1:1: error: empty scenario file" },
	{ "scenario: t\nx\0y\n", 15, "2:2: error: NUL byte in scenario file" },
	{ "scenario: \xff\n", 0, "1:11: error: YAML: invalid leading UTF-8" },
	{ "\xff\xfes\0", 4, "1:1: error: scenario file is UTF-16" },
	{ HEAD "---\nscenario: u\n", 0,
	  "2:1: error: a scenario file holds one YAML document" },
	{ "- a\n- b\n", 0,
	  "1:1: error: expected a mapping at the top of the scenario file, "
	  "got a list" },
	{ "scenario: &a t\ndescription: *a\n", 0,
	  "2:14: error: YAML aliases are not allowed in scenario files" },
	{ HEAD "flows: [&f {from: vm1}, *f]\n", 0,
	  "2:25: error: YAML aliases are not allowed in scenario files" },
	/* After a UTF-8 byte-order mark, positions count from the first
	 * character after it, whoever finds the error. */
	{ BOM "scenario: \xff\n", 0, "1:11: error: YAML: invalid leading UTF-8" },
	{ BOM HEAD "vnets:\n\t- name: x\n", 0,
	  "3:1: error: YAML: found character that cannot start any token "
	  "(a tab: YAML indents with spaces)" },
	{ BOM "scenario: t\nx\0y\n", 18, "2:2: error: NUL byte in scenario "
	  "file" },
	{ BOM "scenario: [t\n", 0, "2:1: error: YAML: did not find expected" },
	{ BOM "scenario: t\nfrobnicate: 1\n", 0,
	  "2:1: error: unknown key 'frobnicate' in scenario\n" },
	{ BOM "cloud: AzureMoon\n", 0, "1:1: error: missing required key "
	  "'scenario'" },
	{ BOM, 0, "t.yaml:1:1: error: empty scenario file" },
	{ BOM BOM "scenario: t\nfrobnicate: 1\n", 0, "2:1: error: unknown key "
	  "'frobnicate'" },
	{ HEAD "x: " "[[[[[[[[[[" "[[[[[[[[[[" "[[[[[[[[[[" "[[[[[[[[[[" "[[[[[[[[[["
	  "[[[[[[[[[[" "[[[[[[[[[[" "1" "]]]]]]]]]]" "]]]]]]]]]]" "]]]]]]]]]]"
	  "]]]]]]]]]]" "]]]]]]]]]]" "]]]]]]]]]]" "]]]]]]]]]]\n", 0,
	  "2:67: error: YAML nesting deeper than 64 levels" },

	/* Keys */
	{ NET "route_tables: [{name: rt}]\n"
	  "vnets2: []\n", 0,
	  "11:1: error: unknown key 'vnets2' in scenario; did you mean "
	  "'vnets'?" },
	{ HEAD "frobnicate: 1\n", 0,
	  "2:1: error: unknown key 'frobnicate' in scenario\n" },
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets: [{name: s, prefix: 10.0.0.0/24, rout_table: x}]\n", 0,
	  "5:46: error: unknown key 'rout_table' in subnet; did you mean "
	  "'route_table'?" },
	{ EXPECT("delivred: true"), 0,
	  "11:49: error: unknown key 'delivred' in expect; did you mean "
	  "'delivered'?" },
	{ HEAD "scenario: u\n", 0,
	  "2:1: error: duplicate key 'scenario' in scenario (first at line 1)"
	},
	{ "description: d\n", 0,
	  "1:1: error: missing required key 'scenario' in scenario" },
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets:\n      - name: s\n", 0,
	  "6:9: error: missing required key 'prefix' in subnet" },
	{ NET "expressroute:\n  - {name: c, gateway: er-gw, public_peering: {}}\n",
	  0, "11:47: error: missing required key 'nat_pool' in public_peering" },

	/* Kinds and scalars */
	{ HEAD "vnets:\n  - name: v\n    address_space: {a: 1}\n", 0,
	  "4:20: error: expected a list for 'address_space', got a mapping" },
	{ HEAD "vnets: {name: v}\n", 0,
	  "2:8: error: expected a list for 'vnets', got a mapping" },
	{ HEAD "vnets: [v]\n", 0,
	  "2:9: error: expected a mapping for an item of 'vnets', got a "
	  "scalar" },
	{ HEAD "vnets:\n  - name: [v]\n    address_space: [10.0.0.0/16]\n", 0,
	  "3:11: error: expected a name for 'name', got a list" },
	{ NET "  - {name: vm2, vnet: hub, subnet: s1, ip: 10.0.1.5, "
	  "ip_forwarding: maybe}\n", 0,
	  "10:69: error: expected a boolean for 'ip_forwarding' (true or "
	  "false), got 'maybe'" },
	{ HEAD "model: {lkm_off_with_forced_default: 2}\n", 0,
	  "2:38: error: expected a boolean for 'lkm_off_with_forced_default'"
	},
	{ HEAD "cloud: AzureMoon\n", 0,
	  "2:8: error: unknown cloud 'AzureMoon' (AzureCloud, AzureChinaCloud, "
	  "AzureGermanCloud or AzureUSGovernment)" },
	{ HEAD "vnets:\n  - name: v\n    address_space: []\n", 0,
	  "4:20: error: 'address_space' must not be empty" },

	/* Addresses */
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/33]\n", 0,
	  "4:21: error: bad prefix '10.0.0.0/33' for 'address_space': prefix "
	  "length above 32" },
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets: [{name: s, prefix: 10.0.1.1/24}]\n", 0,
	  "5:33: error: bad prefix '10.0.1.1/24' for 'prefix': host bits set "
	  "beyond the prefix length; did you mean 10.0.1.0/24?" },
	{ NET "  - {name: vm2, vnet: hub, subnet: s1, ip: 10.0.1.300}\n", 0,
	  "10:44: error: bad IP address '10.0.1.300' for 'ip': octet above "
	  "255\n" },
	{ RULE("destination: [Internet, 10.1.1.1/24]"), 0,
	  "4:97: error: bad prefix '10.1.1.1/24' for 'destination': host "
	  "bits set beyond the prefix length; did you mean 10.1.1.0/24?" },
	{ RULE("source: 'not a tag'"), 0,
	  "4:81: error: 'not a tag' for 'source' is neither an address "
	  "prefix nor a service tag" },
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets: [{name: s, prefix: 10.1.0.0/24}]\n", 0,
	  "5:33: error: subnet prefix 10.1.0.0/24 is outside the address space "
	  "of vnet 'v'" },
	{ NET "  - {name: vm2, vnet: hub, subnet: s1, ip: 10.0.2.4}\n", 0,
	  "10:44: error: ip 10.0.2.4 is outside subnet 's1' (10.0.1.0/24)" },
	{ NET "  - {name: vm2, vnet: hub, subnet: s1, ip: 10.0.1.4}\n", 0,
	  "10:5: error: vm 'vm2' has the same ip 10.0.1.4 as vm 'vm1' "
	  "(line 9) in vnet 'hub'" },
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets:\n      - {name: a, prefix: 10.0.0.0/22}\n"
	  "      - {name: b, prefix: 10.0.2.0/24}\n", 0,
	  "7:9: error: subnet 'b' (10.0.2.0/24) overlaps subnet 'a' "
	  "(10.0.0.0/22, line 6) in vnet 'v'" },

	/* NSG rules */
	{ HEAD "nsgs:\n  - name: g\n"
	  "    rules: [{name: r, priority: 99, direction: Inbound, "
	  "access: Allow}]\n", 0,
	  "4:33: error: 'priority' must be between 100 and 4096, got 99" },
	{ HEAD "nsgs:\n  - name: g\n"
	  "    rules: [{name: r, priority: 4097, direction: Inbound, "
	  "access: Allow}]\n", 0,
	  "4:33: error: 'priority' must be between 100 and 4096, got 4097" },
	{ HEAD "nsgs:\n  - name: g\n"
	  "    rules: [{name: r, priority: 0x64, direction: Inbound, "
	  "access: Allow}]\n", 0,
	  "4:33: error: expected a decimal integer for 'priority', got "
	  "'0x64'" },
	{ HEAD "nsgs:\n  - name: g\n    rules:\n"
	  "      - {name: a, priority: 200, direction: Outbound, access: Deny}\n"
	  "      - {name: b, priority: 200, direction: Inbound, access: Deny}\n"
	  "      - {name: c, priority: 200, direction: outbound, access: Deny}\n",
	  0, "7:29: error: rule 'c' has priority 200 Outbound, already used by "
	  "rule 'a' (line 5)" },
	{ RULE("protocol: Tcpx"), 0,
	  "4:83: error: unknown protocol 'Tcpx' for 'protocol' (Tcp, Udp, "
	  "Icmp, Esp, Ah or *)" },
	{ RULE("destination_ports: [80, 65536]"), 0,
	  "4:97: error: bad port '65536' for 'destination_ports': above "
	  "65535\n" },
	{ RULE("source_ports: 2000-1000"), 0,
	  "4:87: error: bad port range '2000-1000' for 'source_ports': it starts "
	  "above where it ends (write it lo-hi)" },
	{ RULE("source_ports: 1000-70000"),
	  0,
	  "4:87: error: bad port range '1000-70000' for 'source_ports': a port "
	  "above 65535" },
	/* A misspelt required key: one message, at the misspelling. */
	{ ROUTE("nexthop_type: Internet"),
	  0,
	  "5:39: error: unknown key 'nexthop_type' in route; did you mean "
	  "'next_hop_type'?" },
	{ HEAD "nsgs:\n  - name: g\n"
	  "    rules: [{name: r, priority: 100, direction: Sideways, "
	  "access: Allow}]\n", 0,
	  "4:49: error: 'direction' must be Inbound or Outbound, got "
	  "'Sideways'" },

	/* Routes */
	{ ROUTE("next_hop_type: VirtualAppliance"), 0,
	  "5:9: error: next_hop_type VirtualAppliance needs next_hop_ip" },
	{ ROUTE("next_hop_type: VNetPeering"), 0,
	  "5:54: error: next_hop_type VNetPeering cannot be used in a "
	  "user-defined route" },
	{ ROUTE("next_hop_type: VirtualNetworkServiceEndpoint"), 0,
	  "5:54: error: next_hop_type VirtualNetworkServiceEndpoint cannot" },
	{ ROUTE("next_hop_type: Internet, next_hop_ip: 10.0.0.4"), 0,
	  "5:77: error: next_hop_ip is only allowed with next_hop_type "
	  "VirtualAppliance, not Internet" },
	{ ROUTE("next_hop_type: Teleport"), 0,
	  "5:54: error: unknown next_hop_type 'Teleport'" },
	{ HEAD "route_tables:\n  - name: rt\n    routes:\n"
	  "      - {name: a, prefix: 10.0.0.0/8, next_hop_type: None}\n"
	  "      - {name: b, prefix: 10.0.0.0/8, next_hop_type: Internet}\n", 0,
	  "6:9: error: route 'b' has the same prefix 10.0.0.0/8 as route 'a' "
	  "(line 5)" },

	/* Duplicate names, case-insensitive */
	{ NET "  - {name: VM1, vnet: hub, subnet: s1, ip: 10.0.1.5}\n", 0,
	  "10:5: error: duplicate vm name 'VM1' (first defined at line 9)" },
	{ HEAD "vnets:\n  - {name: v, address_space: [10.0.0.0/16]}\n"
	  "  - {name: V, address_space: [10.1.0.0/16]}\n", 0,
	  "4:5: error: duplicate vnet name 'V' (first defined at line 3)" },
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets:\n      - {name: s, prefix: 10.0.0.0/24}\n"
	  "      - {name: s, prefix: 10.0.1.0/24}\n", 0,
	  "7:9: error: duplicate subnet name 's' (first defined at line 6)" },
	{ HEAD "route_tables:\n  - {name: rt, id: ''}\n", 0,
	  "3:20: error: 'id' must not be empty" },
	{ HEAD "route_tables:\n  - {name: rt}\n  - {name: RT}\n", 0,
	  "4:5: error: duplicate route table name 'RT' (first defined at line "
	  "3)" },
	{ HEAD "route_tables:\n  - name: rt\n    routes:\n"
	  "      - {name: a, prefix: 10.0.0.0/8, next_hop_type: None}\n"
	  "      - {name: A, prefix: 10.1.0.0/16, next_hop_type: None}\n", 0,
	  "6:9: error: duplicate route name 'A' (first defined at line 5)" },
	{ HEAD "nsgs:\n  - {name: g}\n  - {name: g}\n", 0,
	  "4:5: error: duplicate nsg name 'g' (first defined at line 3)" },
	{ HEAD "nsgs:\n  - name: g\n    rules:\n"
	  "      - {name: a, priority: 200, direction: Outbound, access: Deny}\n"
	  "      - {name: a, priority: 300, direction: Outbound, access: Deny}\n",
	  0, "6:9: error: duplicate rule name 'a' (first defined at line 5)" },
	{ NET "expressroute:\n  - {name: c, gateway: er-gw}\n"
	  "  - {name: C, gateway: er-gw}\n", 0,
	  "12:5: error: duplicate expressroute circuit name 'C' (first defined "
	  "at line 11)" },
	{ NET "flows:\n  - {name: f, from: vm1, to: 1.2.3.4, port: 80}\n"
	  "  - {name: F, from: vm1, to: 1.2.3.4, port: 81}\n", 0,
	  "12:5: error: duplicate flow name 'F' (first defined at line 11)" },
	{ HEAD "dns:\n  a.example: 1.1.1.1\n  A.Example: 2.2.2.2\n", 0,
	  "4:3: error: duplicate dns name 'a.example' (first defined at line "
	  "3)" },

	/* Dangling references */
	{ HEAD "route_tables: [{name: KmsDirectRoute}]\n"
	  "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets: [{name: s, prefix: 10.0.0.0/24, "
	  "route_table: KmsDirectRout}]\n", 0,
	  "6:59: error: unknown route table 'KmsDirectRout'; did you mean "
	  "'KmsDirectRoute'?" },
	{ HEAD "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n"
	  "    subnets: [{name: s, prefix: 10.0.0.0/24, nsg: zzz}]\n", 0,
	  "5:51: error: unknown nsg 'zzz': the scenario defines no nsgs\n" },
	{ NET "  - {name: vm2, vnet: spoke, subnet: s1, ip: 10.0.1.5}\n", 0,
	  "10:23: error: unknown vnet 'spoke'; the only vnet is 'hub'\n" },
	{ NET "  - {name: vm2, vnet: hub, subnet: s2, ip: 10.0.1.5}\n", 0,
	  "10:36: error: unknown subnet 's2' in vnet 'hub'; did you mean "
	  "'s1'?" },
	{ NET "  - {name: vm2, vnet: hub, subnet: s1, ip: 10.0.1.5, nsg: x}\n",
	  0, "10:59: error: unknown nsg 'x': the scenario defines no nsgs\n" },
	/* No close name: the first three in name order, and how many more. */
	{ HEAD "vnets:\n"
	  "  - {name: echo, address_space: [10.5.0.0/16], peerings: [zulu]}\n"
	  "  - {name: delta, address_space: [10.4.0.0/16]}\n"
	  "  - {name: charlie, address_space: [10.3.0.0/16]}\n"
	  "  - {name: bravo, address_space: [10.2.0.0/16]}\n"
	  "  - {name: alpha, address_space: [10.1.0.0/16]}\n", 0,
	  "3:59: error: unknown vnet 'zulu'; the vnets are 'alpha', 'bravo', "
	  "'charlie' and 2 more\n" },
	{ HEAD "vnets:\n  - {name: hub, address_space: [10.0.0.0/16], "
	  "peerings: [spok]}\n  - {name: spoke, address_space: [10.1.0.0/16]}\n",
	  0, "3:58: error: unknown vnet 'spok'; did you mean 'spoke'?" },
	{ HEAD "vnets:\n  - {name: hub, address_space: [10.0.0.0/16], "
	  "peerings: [HUB]}\n", 0,
	  "3:58: error: vnet 'hub' cannot peer with itself" },
	{ NET "expressroute:\n  - {name: c, gateway: er-gw2}\n", 0,
	  "11:24: error: unknown gateway 'er-gw2': no vnet has gateway: "
	  "er-gw2" },
	{ NET "  - {name: vm2, vnet: hub, subnet: s1, ip: 10.0.1.5}\n"
	  "flows:\n  - {from: vm3, to: 1.2.3.4, port: 80}\n", 0,
	  "12:12: error: unknown vm 'vm3'; did you mean 'vm1'?" },

	/* ExpressRoute */
	{ NET "expressroute:\n  - name: c\n    gateway: er-gw\n"
	  "    private_peering:\n      advertised_generate: "
	  "{start: 255.255.255.0/24, count: 2}\n", 0,
	  "14:61: error: advertised_generate runs past 255.255.255.255: 2 "
	  "prefixes of /24 from 255.255.255.0/24" },
	{ NET "expressroute:\n  - name: c\n    gateway: er-gw\n"
	  "    private_peering:\n      advertised_generate: "
	  "{start: 10.0.0.0/24, count: 1000001}\n", 0,
	  "14:56: error: 'count' must be between 1 and 1000000, got 1000001" },
	{ NET "expressroute:\n  - {name: c, gateway: er-gw, sku: Gold}\n", 0,
	  "11:36: error: 'sku' must be Standard, Premium or Local, got 'Gold'"
	},

	/* Flows and expectations */
	{ FLOW("to: kms.example.org, port: 80"), 0,
	  "11:21: error: cannot resolve kms.example.org: not in dns: nor in "
	  "the built-in names of AzureCloud" },
	{ HEAD "cloud: AzureChinaCloud\n" "vnets: [{name: v, address_space: "
	  "[10.0.0.0/16], subnets: [{name: s, prefix: 10.0.0.0/24}]}]\n"
	  "vms: [{name: vm1, vnet: v, subnet: s, ip: 10.0.0.4}]\n"
	  "flows: [{from: vm1, to: kms.core.windows.net, port: 1688}]\n", 0,
	  "5:25: error: cannot resolve kms.core.windows.net: not in dns: nor "
	  "in the built-in names of AzureChinaCloud" },
	{ FLOW("to: 10.0.0.256, port: 80"), 0,
	  "11:21: error: bad IP address '10.0.0.256' for 'to': octet above "
	  "255" },
	{ FLOW("to: 1.2.3.4, port: 65536"), 0,
	  "11:36: error: 'port' must be between 1 and 65535, got 65536" },
	{ FLOW("to: 1.2.3.4, port: 80, source_port: 0"), 0,
	  "11:53: error: 'source_port' must be between 1 and 65535, got 0" },
	{ FLOW("to: 1.2.3.4, port: 010"), 0,
	  "11:36: error: expected a decimal integer for 'port', got '010'" },
	{ FLOW("to: 1.2.3.4, port: 80, protocol: Icmp"), 0,
	  "11:50: error: a flow's protocol must be Tcp or Udp, got 'Icmp'" },
	{ FLOW("to: 1.2.3.4"), 0,
	  "11:5: error: missing required key 'port' in flow" },
	{ EXPECT("activation: maybe"), 0,
	  "11:61: error: 'activation' must be accepted or refused, got "
	  "'maybe'" },
	{ EXPECT("source_seen: somewhere"), 0,
	  "11:62: error: 'source_seen' must be an IP address or azure, "
	  "onprem-edge, public-peering-nat, private or other, got "
	  "'somewhere'" },
	{ EXPECT("hairpin: both"), 0,
	  "11:58: error: 'hairpin' must be none, azure or customer, got "
	  "'both'" },
	{ EXPECT("ip_flow_verify: Permit"), 0,
	  "11:65: error: 'ip_flow_verify' must be Allow or Deny, got 'Permit'"
	},
	{ EXPECT("via: er-circuit"), 0,
	  "11:54: error: expected a list for 'via', got a scalar" },

	/* Other checks */
	{ NET "  - {name: vm2, vnet: hub, subnet: s1, ip: 10.0.1.5, "
	  "snat: true}\n", 0,
	  "10:60: error: snat needs ip_forwarding: true (only an appliance "
	  "forwards and SNATs)" },
	{ HEAD "dns:\n  a.example: []\n", 0,
	  "3:14: error: dns name 'a.example' needs at least one IP address" },
	{ HEAD "dns:\n  a.example: [1.2.3]\n", 0,
	  "3:15: error: bad IP address '1.2.3' for 'a.example'" },
	{ HEAD "vnets:\n  - {name: a, address_space: [10.0.0.0/16], "
	  "gateway: gw}\n  - {name: b, address_space: [10.1.0.0/16], "
	  "gateway: GW}\nexpressroute: [{name: c, gateway: gw}]\n", 0,
	  "4:54: error: gateway 'GW' is in two vnets, 'a' and 'b'" },
};

/* Parse text as "t.yaml"; the first message, formatted, into msg. */
static int
parse(const char *yaml, size_t len, struct topo *t, struct diag *d,
    char *msg, size_t size)
{
	FILE *f;
	int rc;

	rc = scenario_parse("t.yaml", yaml, len, t, d);
	msg[0] = '\0';
	if (d->n > 0) {
		ck_assert_ptr_nonnull(f = fmemopen(msg, size, "w"));
		diag_print_msg(f, &d->msgs[0]);
		fclose(f);
	}
	return rc;
}

START_TEST(test_bad)
{
	const struct bad *b = &bad[_i];
	struct topo t;
	struct diag d;
	char msg[1024];
	int rc;

	diag_init(&d);
	rc = parse(b->yaml, b->len ? b->len : strlen(b->yaml), &t, &d, msg,
	    sizeof(msg));
	ck_assert_msg(rc == -1, "case %d: accepted:\n%s", _i, b->yaml);
	ck_assert_msg(strstr(msg, b->want) != NULL,
	    "case %d:\n%s\nwant: %s\ngot:  %s", _i, b->yaml, b->want, msg);
	ck_assert_msg(strncmp(msg, "t.yaml:", 7) == 0, "case %d: %s", _i, msg);
	/* The topology is reset, not half-filled. */
	ck_assert_ptr_null(t.file);
	ck_assert_ptr_null(t.vnets);
	ck_assert_ptr_null(t.tags);
	ck_assert_uint_eq(t.nvms, 0);
	ck_assert_uint_eq(t.nflows, 0);
	diag_free(&d);
}
END_TEST

/* The example of FORMAT.md, made consistent (Hub and nic-nsg exist). */
static const char full[] =
"scenario: forced-tunnel-breaks-kms\n"
"description: ExpressRoute advertises 0.0.0.0/0.\n"
"cloud: AzureCloud\n"
"vnets:\n"
"  - name: ArmVNet-DM\n"
"    address_space: [10.1.0.0/16]\n"
"    peerings: [Hub]\n"
"    gateway: er-gw\n"
"    subnets:\n"
"      - name: Subnet-1\n"					/* 10 */
"        prefix: 10.1.1.0/24\n"
"        route_table: KmsDirectRoute\n"
"        nsg: deny-internet\n"
"        nat_gateway_ip: 20.7.7.7\n"
"        default_outbound_access: true\n"
"        service_endpoints: [Microsoft.Storage, Microsoft.Sql]\n"
"      - name: Subnet-2\n"
"        prefix: 10.1.2.0/24\n"
"        default_outbound_access: false\n"
"        default_outbound_ip: 20.8.8.8\n"			/* 20 */
"  - name: Hub\n"
"    address_space: [10.0.0.0/16, 10.2.0.0/16]\n"
"    peerings: [armvnet-dm]\n"
"    subnets:\n"
"      - {name: fw, prefix: 10.0.1.0/24}\n"
"vms:\n"
"  - name: vm1\n"
"    vnet: ArmVNet-DM\n"
"    subnet: Subnet-1\n"
"    ip: 10.1.1.4\n"					/* 30 */
"    public_ip: 52.160.10.1\n"
"    nsg: nic-nsg\n"
"    ip_forwarding: false\n"
"    snat: false\n"
"  - name: fw1\n"
"    vnet: hub\n"
"    subnet: FW\n"
"    ip: 10.0.1.4\n"
"    lb_outbound_ip: 20.9.9.9\n"
"    ip_forwarding: true\n"					/* 40 */
"    snat: true\n"
"route_tables:\n"
"  - name: KmsDirectRoute\n"
"    disable_bgp_route_propagation: false\n"
"    routes:\n"
"      - {name: DirectRouteToKMS, prefix: 23.102.135.246/32, "
"next_hop_type: Internet}\n"
"      - {name: ToFirewall, prefix: 0.0.0.0/0, next_hop_type: "
"VirtualAppliance, next_hop_ip: 10.0.1.4}\n"
"nsgs:\n"
"  - name: deny-internet\n"
"    rules:\n"							/* 50 */
"      - {name: DenyInternetOutbound, priority: 4000, direction: Outbound, "
"access: Deny,\n"
"         protocol: '*', source: '*', source_ports: '*', destination: "
"Internet, destination_ports: '*'}\n"
"      - {name: AllowKms, priority: 100, direction: Outbound, access: Allow,"
"\n"
"         protocol: Tcp, source: [10.1.1.0/24, VirtualNetwork], "
"destination: 23.102.135.246,\n"
"         destination_ports: [1688, '1000-2000']}\n"
"  - name: nic-nsg\n"
"    rules: []\n"
"expressroute:\n"
"  - name: er-circuit\n"
"    sku: Premium\n"						/* 60 */
"    gateway: er-gw\n"
"    private_peering:\n"
"      advertised: [0.0.0.0/0, 192.168.0.0/16]\n"
"      next_hops: [10.1.255.4, 10.1.255.5]\n"
"    public_peering:\n"
"      nat_pool: [203.0.113.0/29]\n"
"onprem:\n"
"  name: contoso\n"
"  prefixes: [192.168.0.0/16]\n"
"  internet_edge_ip: 198.51.100.10\n"			/* 70 */
"  block: [{protocol: Tcp, destination_ports: 1688}]\n"
"dns:\n"
"  KMS.Core.Windows.net: [23.102.135.246]\n"
"  single.example: 1.2.3.4\n"
"flows:\n"
"  - name: kms-activation\n"
"    from: vm1\n"
"    to: kms.core.windows.net\n"
"    protocol: Tcp\n"
"    port: 1688\n"						/* 80 */
"    expect:\n"
"      delivered: true\n"
"      tcp_connect: true\n"
"      activation: refused\n"
"      source_seen: onprem-edge\n"
"      hairpin: none\n"
"      via: [er-circuit, contoso]\n"
"      not_via: [azure-edge]\n"
"      nsg_rule: AzurePlatformLKM\n"
"      flow_logged: false\n"				/* 90 */
"      ip_flow_verify: Deny\n"
"      drop_reason: route-none\n"
"      asymmetric: true\n"
"  - from: VM1\n"
"    to: 8.8.8.8\n"
"    protocol: udp\n"
"    port: 53\n"
"    source_port: 5353\n"
"    expect: {source_seen: 198.51.100.10, drop_reason: none}\n"
"model:\n"
"  lkm_off_with_forced_default: off\n"
"  bgp_default_removes_none: Yes\n";			/* 101 */

START_TEST(test_full)
{
	const struct subnet *sn;
	const struct nsg_rule *r;
	const struct circuit *c;
	const struct flow *f;
	const struct vm *v;
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_msg(parse(full, strlen(full), &t, &d, msg, sizeof(msg)) == 0,
	    "%s", msg);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(t.file, "t.yaml");
	ck_assert_str_eq(t.dir, ".");
	ck_assert_str_eq(t.scenario, "forced-tunnel-breaks-kms");
	ck_assert_str_eq(t.description, "ExpressRoute advertises 0.0.0.0/0.");
	ck_assert_int_eq(t.cloud, CLOUD_PUBLIC);
	ck_assert_ptr_nonnull(t.tags);
	ck_assert_ptr_null(t.service_tags_file);

	/* VNets, subnets, peerings */
	ck_assert_uint_eq(t.nvnets, 2);
	ck_assert_str_eq(t.vnets[0].name, "ArmVNet-DM");
	ck_assert_str_eq(t.vnets[0].gateway, "er-gw");
	ck_assert_ptr_null(t.vnets[1].gateway);
	ck_assert_uint_eq(t.vnets[0].nspace, 1);
	ck_assert_uint_eq(t.vnets[0].space[0].addr, IP4(10, 1, 0, 0));
	ck_assert_uint_eq(t.vnets[0].space[0].len, 16);
	ck_assert_uint_eq(t.vnets[1].nspace, 2);
	ck_assert_uint_eq(t.vnets[0].npeers, 1);
	ck_assert_uint_eq(t.vnets[0].peers[0].vnet, 1);
	ck_assert_uint_eq(t.vnets[1].npeers, 1);
	ck_assert_uint_eq(t.vnets[1].peers[0].vnet, 0);
	ck_assert_int_eq(t.vnets[0].pos.line, 5);
	ck_assert_int_eq(t.vnets[0].pos.col, 5);
	ck_assert_ptr_eq(t.vnets[0].pos.file, t.file);
	ck_assert_uint_eq(t.vnets[0].nsubnets, 2);
	sn = &t.vnets[0].subnets[0];
	ck_assert_str_eq(sn->name, "Subnet-1");
	ck_assert_uint_eq(sn->vnet, 0);
	ck_assert_uint_eq(sn->pfx.addr, IP4(10, 1, 1, 0));
	ck_assert_uint_eq(sn->pfx.len, 24);
	ck_assert_uint_eq(sn->route_table, 0);
	ck_assert_uint_eq(sn->nsg, 0);
	ck_assert_int_eq(sn->route_table_pos.line, 12);
	ck_assert_int_eq(sn->route_table_pos.col, 22);
	ck_assert_int_eq(sn->nsg_pos.line, 13);
	ck_assert(sn->has_nat_gateway);
	ck_assert_uint_eq(sn->nat_gateway_ip, IP4(20, 7, 7, 7));
	ck_assert(sn->default_outbound_access);
	ck_assert(!sn->has_default_outbound_ip);
	ck_assert_uint_eq(sn->nservice_endpoints, 2);
	ck_assert_str_eq(sn->service_endpoints[0], "Microsoft.Storage");
	ck_assert_str_eq(sn->service_endpoints[1], "Microsoft.Sql");
	sn = &t.vnets[0].subnets[1];
	ck_assert_uint_eq(sn->route_table, TOPO_NONE);
	ck_assert_uint_eq(sn->nsg, TOPO_NONE);
	ck_assert(!sn->has_nat_gateway);
	ck_assert(!sn->default_outbound_access);
	ck_assert(sn->has_default_outbound_ip);
	ck_assert_uint_eq(sn->default_outbound_ip, IP4(20, 8, 8, 8));
	ck_assert_uint_eq(sn->nservice_endpoints, 0);

	/* VMs: names resolve case-insensitively */
	ck_assert_uint_eq(t.nvms, 2);
	v = &t.vms[0];
	ck_assert_str_eq(v->name, "vm1");
	ck_assert_uint_eq(v->vnet, 0);
	ck_assert_uint_eq(v->subnet, 0);
	ck_assert_uint_eq(v->ip, IP4(10, 1, 1, 4));
	ck_assert(v->has_public_ip);
	ck_assert_uint_eq(v->public_ip, IP4(52, 160, 10, 1));
	ck_assert(!v->has_lb_outbound_ip);
	ck_assert_uint_eq(v->nsg, 1);
	ck_assert(!v->ip_forwarding);
	ck_assert(!v->snat);
	ck_assert_ptr_eq(topo_vm_subnet(&t, v), &t.vnets[0].subnets[0]);
	v = &t.vms[1];
	ck_assert_uint_eq(v->vnet, 1);
	ck_assert_uint_eq(v->subnet, 0);
	ck_assert_uint_eq(v->nsg, TOPO_NONE);
	ck_assert(v->has_lb_outbound_ip);
	ck_assert_uint_eq(v->lb_outbound_ip, IP4(20, 9, 9, 9));
	ck_assert(v->ip_forwarding);
	ck_assert(v->snat);

	/* Route table */
	ck_assert_uint_eq(t.nrtables, 1);
	ck_assert(!t.rtables[0].disable_bgp_propagation);
	ck_assert_uint_eq(t.rtables[0].nroutes, 2);
	ck_assert_str_eq(t.rtables[0].routes[0].name, "DirectRouteToKMS");
	ck_assert_uint_eq(t.rtables[0].routes[0].pfx.addr,
	    IP4(23, 102, 135, 246));
	ck_assert_uint_eq(t.rtables[0].routes[0].pfx.len, 32);
	ck_assert_int_eq(t.rtables[0].routes[0].nh, NH_INTERNET);
	ck_assert(!t.rtables[0].routes[0].has_nh_ip);
	ck_assert_int_eq(t.rtables[0].routes[1].nh, NH_VIRTUAL_APPLIANCE);
	ck_assert(t.rtables[0].routes[1].has_nh_ip);
	ck_assert_uint_eq(t.rtables[0].routes[1].nh_ip, IP4(10, 0, 1, 4));
	ck_assert_uint_eq(t.rtables[0].routes[1].pfx.len, 0);

	/* NSGs */
	ck_assert_uint_eq(t.nnsgs, 2);
	ck_assert_uint_eq(t.nsgs[0].nrules, 2);
	r = &t.nsgs[0].rules[0];
	ck_assert_str_eq(r->name, "DenyInternetOutbound");
	ck_assert_int_eq(r->priority, 4000);
	ck_assert_int_eq(r->dir, DIR_OUTBOUND);
	ck_assert_int_eq(r->access, ACCESS_DENY);
	ck_assert_uint_eq(r->proto, PROTO_ANY);
	ck_assert(r->src.any);
	ck_assert(!r->dst.any);
	ck_assert_uint_eq(r->dst.n, 1);
	ck_assert(r->dst.items[0].is_tag);
	ck_assert_str_eq(r->dst.items[0].tag, "Internet");
	ck_assert_uint_eq(r->sports.n, 1);
	ck_assert_uint_eq(r->sports.r[0].lo, 0);
	ck_assert_uint_eq(r->sports.r[0].hi, 65535);
	ck_assert_int_eq(r->pos.line, 51);
	ck_assert_int_eq(r->pos.col, 9);
	r = &t.nsgs[0].rules[1];
	ck_assert_uint_eq(r->proto, PROTO_TCP);
	ck_assert_int_eq(r->access, ACCESS_ALLOW);
	ck_assert_uint_eq(r->src.n, 2);
	ck_assert(!r->src.items[0].is_tag);
	ck_assert_uint_eq(r->src.items[0].pfx.addr, IP4(10, 1, 1, 0));
	ck_assert_uint_eq(r->src.items[0].pfx.len, 24);
	ck_assert(r->src.items[1].is_tag);
	ck_assert_str_eq(r->src.items[1].tag, "VirtualNetwork");
	ck_assert_uint_eq(r->dst.n, 1);
	ck_assert_uint_eq(r->dst.items[0].pfx.len, 32);
	ck_assert_uint_eq(r->dports.n, 2);
	ck_assert_uint_eq(r->dports.r[0].lo, 1688);
	ck_assert_uint_eq(r->dports.r[0].hi, 1688);
	ck_assert_uint_eq(r->dports.r[1].lo, 1000);
	ck_assert_uint_eq(r->dports.r[1].hi, 2000);
	ck_assert_uint_eq(t.nsgs[1].nrules, 0);

	/* ExpressRoute */
	ck_assert_uint_eq(t.ncircuits, 1);
	c = &t.circuits[0];
	ck_assert_str_eq(c->name, "er-circuit");
	ck_assert_int_eq(c->sku, SKU_PREMIUM);
	ck_assert_str_eq(c->gateway, "er-gw");
	ck_assert_uint_eq(c->vnet, 0);
	ck_assert_uint_eq(c->nadvertised, 2);
	ck_assert_uint_eq(c->advertised[0].len, 0);
	ck_assert_uint_eq(c->advertised[1].addr, IP4(192, 168, 0, 0));
	ck_assert_uint_eq(c->nnext_hops, 2);
	ck_assert_uint_eq(c->next_hops[1], IP4(10, 1, 255, 5));
	ck_assert(c->public_peering);
	ck_assert_uint_eq(c->nnat_pool, 1);
	ck_assert_uint_eq(c->nat_pool[0].len, 29);
	ck_assert_int_eq(c->advertised_pos.line, 63);
	ck_assert_int_eq(c->advertised_pos.col, 7);
	ck_assert_int_eq(c->public_peering_pos.line, 65);
	ck_assert_int_eq(c->public_peering_pos.col, 5);

	/* On premises */
	ck_assert(t.onprem.present);
	ck_assert_str_eq(t.onprem.name, "contoso");
	ck_assert_uint_eq(t.onprem.nprefixes, 1);
	ck_assert(t.onprem.has_edge_ip);
	ck_assert_uint_eq(t.onprem.internet_edge_ip, IP4(198, 51, 100, 10));
	ck_assert_uint_eq(t.onprem.nblocks, 1);
	ck_assert_uint_eq(t.onprem.blocks[0].proto, PROTO_TCP);
	ck_assert_uint_eq(t.onprem.blocks[0].dports.n, 1);
	ck_assert_uint_eq(t.onprem.blocks[0].dports.r[0].lo, 1688);
	ck_assert(t.onprem.blocks[0].dst.any);

	/* DNS: names lower-case, one IP or a list */
	ck_assert_uint_eq(t.ndns, 2);
	ck_assert_str_eq(t.dns[0].name, "kms.core.windows.net");
	ck_assert_uint_eq(t.dns[0].nips, 1);
	ck_assert_str_eq(t.dns[1].name, "single.example");
	ck_assert_uint_eq(t.dns[1].ips[0], IP4(1, 2, 3, 4));

	/* Flows and expectations */
	ck_assert_uint_eq(t.nflows, 2);
	f = &t.flows[0];
	ck_assert_str_eq(f->name, "kms-activation");
	ck_assert_uint_eq(f->vm, 0);
	ck_assert_str_eq(f->to, "kms.core.windows.net");
	ck_assert_int_eq(f->to_pos.line, 78);
	ck_assert_int_eq(f->to_pos.col, 9);
	ck_assert_uint_eq(f->proto, PROTO_TCP);
	ck_assert_uint_eq(f->port, 1688);
	ck_assert(!f->has_sport);
	ck_assert_uint_eq(f->expect.have, (1u << EXP_COUNT) - 1);
	ck_assert(f->expect.delivered);
	ck_assert(f->expect.tcp_connect);
	ck_assert(!f->expect.flow_logged);
	ck_assert_int_eq(f->expect.activation, ACT_REFUSED);
	ck_assert(!f->expect.source_is_ip);
	ck_assert_int_eq(f->expect.source_class, SRC_ONPREM_EDGE);
	ck_assert_int_eq(f->expect.hairpin, HAIRPIN_NONE);
	ck_assert_uint_eq(f->expect.nvia, 2);
	ck_assert_str_eq(f->expect.via[1], "contoso");
	ck_assert_uint_eq(f->expect.nnot_via, 1);
	ck_assert_str_eq(f->expect.not_via[0], "azure-edge");
	ck_assert_str_eq(f->expect.nsg_rule, "AzurePlatformLKM");
	ck_assert_int_eq(f->expect.ip_flow_verify, ACCESS_DENY);
	ck_assert_str_eq(f->expect.drop_reason, "route-none");
	ck_assert(f->expect.asymmetric);
	ck_assert_int_eq(f->expect.pos[EXP_ACTIVATION].line, 84);
	ck_assert_int_eq(f->expect.pos[EXP_ACTIVATION].col, 7);
	f = &t.flows[1];
	ck_assert_str_eq(f->name, "flow-2");
	ck_assert_uint_eq(f->vm, 0);
	ck_assert_uint_eq(f->proto, PROTO_UDP);
	ck_assert(f->has_sport);
	ck_assert_uint_eq(f->sport, 5353);
	ck_assert_uint_eq(f->expect.have,
	    1u << EXP_SOURCE_SEEN | 1u << EXP_DROP_REASON);
	ck_assert(f->expect.source_is_ip);
	ck_assert_uint_eq(f->expect.source_ip, IP4(198, 51, 100, 10));
	ck_assert_ptr_null(f->expect.drop_reason);

	/* Model switches: two set, two defaults */
	ck_assert(t.model.bgp_default_removes_none);
	ck_assert(!t.model.lkm_off_with_forced_default);
	ck_assert(t.model.vnet_tag_includes_default_route);
	ck_assert(t.model.kms_accepts_public_peering_nat);

	topo_free(&t);
	diag_free(&d);
}
END_TEST

/* Every default of the smallest scenario. */
/* A byte-order mark before the text changes nothing: the same model,
 * written back the same, every element at the same line and column. */
START_TEST(test_bom)
{
	char msg[1024], *buf, *ya, *yb;
	size_t len = strlen(full), la, lb, i;
	struct topo a, b;
	struct diag d;

	diag_init(&d);
	ck_assert_ptr_nonnull(buf = malloc(len + 3));
	memcpy(buf, BOM, 3);
	memcpy(buf + 3, full, len);
	ck_assert_msg(parse(buf, len + 3, &b, &d, msg, sizeof(msg)) == 0, "%s",
	    msg);
	ck_assert_int_eq(parse(full, len, &a, &d, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(yamlout_topo(&a, NULL, 0, &ya, &la), 0);
	ck_assert_int_eq(yamlout_topo(&b, NULL, 0, &yb, &lb), 0);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(ya, yb, la), 0);
	ck_assert_uint_eq(a.nvms, b.nvms);
	for (i = 0; i < a.nvms; i++) {
		ck_assert_int_eq(a.vms[i].pos.line, b.vms[i].pos.line);
		ck_assert_int_eq(a.vms[i].pos.col, b.vms[i].pos.col);
	}
	ck_assert_uint_eq(a.nflows, b.nflows);
	for (i = 0; i < a.nflows; i++) {
		ck_assert_int_eq(a.flows[i].to_pos.line, b.flows[i].to_pos.line);
		ck_assert_int_eq(a.flows[i].to_pos.col, b.flows[i].to_pos.col);
	}
	ck_assert_int_eq(b.vnets[0].pos.line, 5);
	ck_assert_int_eq(b.vnets[0].pos.col, 5);
	free(ya);
	free(yb);
	free(buf);
	topo_free(&a);
	topo_free(&b);
	diag_free(&d);
}
END_TEST

START_TEST(test_defaults)
{
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_msg(parse("scenario: x\n", 12, &t, &d, msg,
	    sizeof(msg)) == 0, "%s", msg);
	ck_assert_int_eq(t.cloud, CLOUD_PUBLIC);
	ck_assert_ptr_nonnull(t.tags);
	ck_assert_ptr_nonnull(tagset_find(t.tags, "AzureCloud"));
	ck_assert_ptr_null(t.description);
	ck_assert(t.model.bgp_default_removes_none);
	ck_assert_int_eq(t.model.reserved_none_routes, RESERVED_OBSERVED);
	ck_assert(t.model.vnet_tag_includes_default_route);
	ck_assert(t.model.lkm_off_with_forced_default);
	ck_assert(t.model.kms_accepts_public_peering_nat);
	ck_assert(!t.onprem.present);
	ck_assert_uint_eq(t.nvnets + t.nvms + t.nflows + t.ndns, 0);
	topo_free(&t);
	diag_free(&d);
}
END_TEST

/* The defaults of each element. */
START_TEST(test_element_defaults)
{
	static const char yaml[] =
	    "scenario: d\n"
	    "vnets:\n"
	    "  - name: v\n"
	    "    address_space: [10.0.0.0/16]\n"
	    "    gateway: gw\n"
	    "    subnets: [{name: s, prefix: 10.0.0.0/24}]\n"
	    "vms: [{name: vm, vnet: v, subnet: s, ip: 10.0.0.4}]\n"
	    "nsgs:\n"
	    "  - name: g\n"
	    "    rules: [{name: r, priority: 100, direction: Inbound, "
	    "access: Allow}]\n"
	    "expressroute: [{name: c, gateway: GW}]\n"
	    "onprem: {}\n"
	    "route_tables: [{name: rt}, {name: rt2, id: /subscriptions/s/"
	    "resourceGroups/g/providers/Microsoft.Network/routeTables/rt2}]\n"
	    "flows: [{from: vm, to: 10.0.0.5, port: 22}]\n";
	const struct nsg_rule *r;
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_msg(parse(yaml, sizeof(yaml) - 1, &t, &d, msg,
	    sizeof(msg)) == 0, "%s", msg);
	ck_assert(t.vnets[0].subnets[0].default_outbound_access);
	ck_assert_uint_eq(t.vnets[0].subnets[0].route_table, TOPO_NONE);
	ck_assert_uint_eq(t.vnets[0].npeers, 0);
	ck_assert(!t.vms[0].ip_forwarding);
	ck_assert(!t.vms[0].snat);
	ck_assert(!t.vms[0].has_public_ip);
	ck_assert_uint_eq(t.vms[0].nsg, TOPO_NONE);
	r = &t.nsgs[0].rules[0];
	ck_assert_uint_eq(r->proto, PROTO_ANY);
	ck_assert(r->src.any);
	ck_assert(r->dst.any);
	ck_assert_uint_eq(r->sports.n, 1);
	ck_assert_uint_eq(r->sports.r[0].hi, 65535);
	ck_assert_uint_eq(r->dports.n, 1);
	ck_assert_uint_eq(r->dports.r[0].lo, 0);
	ck_assert_int_eq(t.circuits[0].sku, SKU_STANDARD);
	ck_assert_uint_eq(t.circuits[0].vnet, 0);
	ck_assert(!t.circuits[0].public_peering);
	ck_assert_uint_eq(t.circuits[0].nadvertised, 0);
	ck_assert(t.onprem.present);
	ck_assert_str_eq(t.onprem.name, "onprem");
	ck_assert(!t.onprem.has_edge_ip);
	ck_assert_ptr_null(t.rtables[0].id);
	ck_assert_str_eq(t.rtables[1].id, "/subscriptions/s/resourceGroups/g/"
	    "providers/Microsoft.Network/routeTables/rt2");
	ck_assert_str_eq(t.flows[0].name, "flow-1");
	ck_assert_uint_eq(t.flows[0].proto, PROTO_TCP);
	ck_assert_uint_eq(t.flows[0].expect.have, 0);
	topo_free(&t);
	diag_free(&d);
}
END_TEST

/* Azure's spellings, in any case, and the classic next-hop aliases. */
START_TEST(test_spellings)
{
	static const char yaml[] =
	    "scenario: s\n"
	    "cloud: azurechinacloud\n"
	    "route_tables:\n"
	    "  - name: rt\n"
	    "    disable_bgp_route_propagation: YES\n"
	    "    routes:\n"
	    "      - {name: a, prefix: 10.0.0.0/8, next_hop_type: VPNGateway}\n"
	    "      - {name: b, prefix: 10.1.0.0/16, next_hop_type: VNETLocal}\n"
	    "      - {name: c, prefix: 10.2.0.0/16, next_hop_type: Null}\n"
	    "      - {name: d, prefix: 10.3.0.0/16, next_hop_type: "
	    "virtualappliance, next_hop_ip: 10.9.9.9}\n"
	    "      - {name: e, prefix: 10.4.0.0/16, next_hop_type: INTERNET}\n"
	    "      - {name: f, prefix: 10.5.0.0/16, next_hop_type: "
	    "VirtualNetworkGateway}\n"
	    "      - {name: g, prefix: 10.6.0.0/16, next_hop_type: None}\n"
	    "nsgs:\n"
	    "  - name: g\n"
	    "    rules:\n"
	    "      - {name: r, priority: '200', direction: outbound, "
	    "access: DENY, protocol: TCP, destination_ports: '1688'}\n"
	    "      - {name: u, priority: 201, direction: INBOUND, "
	    "access: allow, protocol: udp, destination: "
	    "Storage.WestEurope}\n"
	    "expressroute: []\n"
	    "flows: []\n"
	    "model: {vnet_tag_includes_default_route: Off, "
	    "kms_accepts_public_peering_nat: FALSE}\n";
	const struct route *rt;
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_msg(parse(yaml, sizeof(yaml) - 1, &t, &d, msg,
	    sizeof(msg)) == 0, "%s", msg);
	ck_assert_int_eq(t.cloud, CLOUD_CHINA);
	ck_assert(t.rtables[0].disable_bgp_propagation);
	rt = t.rtables[0].routes;
	ck_assert_int_eq(rt[0].nh, NH_VNET_GATEWAY);
	ck_assert_int_eq(rt[1].nh, NH_VNETLOCAL);
	ck_assert_int_eq(rt[2].nh, NH_NONE);
	ck_assert_int_eq(rt[3].nh, NH_VIRTUAL_APPLIANCE);
	ck_assert_int_eq(rt[4].nh, NH_INTERNET);
	ck_assert_int_eq(rt[5].nh, NH_VNET_GATEWAY);
	ck_assert_int_eq(rt[6].nh, NH_NONE);
	ck_assert_int_eq(t.nsgs[0].rules[0].priority, 200);
	ck_assert_int_eq(t.nsgs[0].rules[0].dir, DIR_OUTBOUND);
	ck_assert_int_eq(t.nsgs[0].rules[0].access, ACCESS_DENY);
	ck_assert_uint_eq(t.nsgs[0].rules[0].proto, PROTO_TCP);
	ck_assert_uint_eq(t.nsgs[0].rules[0].dports.r[0].lo, 1688);
	ck_assert_int_eq(t.nsgs[0].rules[1].dir, DIR_INBOUND);
	ck_assert_int_eq(t.nsgs[0].rules[1].access, ACCESS_ALLOW);
	ck_assert_uint_eq(t.nsgs[0].rules[1].proto, PROTO_UDP);
	ck_assert_str_eq(t.nsgs[0].rules[1].dst.items[0].tag,
	    "Storage.WestEurope");
	ck_assert(!t.model.vnet_tag_includes_default_route);
	ck_assert(!t.model.kms_accepts_public_peering_nat);
	ck_assert_uint_eq(t.ncircuits, 0);
	topo_free(&t);
	diag_free(&d);
}
END_TEST

START_TEST(test_generate)
{
	static const char yaml[] =
	    "scenario: g\n"
	    "vnets: [{name: v, address_space: [10.0.0.0/16], gateway: gw}]\n"
	    "expressroute:\n"
	    "  - name: c\n"
	    "    gateway: gw\n"
	    "    private_peering:\n"
	    "      advertised: [0.0.0.0/0]\n"
	    "      advertised_generate: {start: 10.128.0.0/24, count: 3}\n"
	    "  - name: d\n"
	    "    gateway: gw\n"
	    "    private_peering:\n"
	    "      advertised_generate: {start: 255.255.255.0/24, count: 1}\n";
	const struct circuit *c;
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_msg(parse(yaml, sizeof(yaml) - 1, &t, &d, msg,
	    sizeof(msg)) == 0, "%s", msg);
	c = &t.circuits[0];
	ck_assert_uint_eq(c->nadvertised, 4);
	ck_assert_uint_eq(c->advertised[0].len, 0);
	ck_assert_uint_eq(c->advertised[1].addr, IP4(10, 128, 0, 0));
	ck_assert_uint_eq(c->advertised[2].addr, IP4(10, 128, 1, 0));
	ck_assert_uint_eq(c->advertised[3].addr, IP4(10, 128, 2, 0));
	ck_assert_uint_eq(c->advertised[3].len, 24);
	ck_assert_int_eq(c->advertised_pos.line, 7);
	c = &t.circuits[1];
	ck_assert_uint_eq(c->nadvertised, 1);
	ck_assert_uint_eq(c->advertised[0].addr, IP4(255, 255, 255, 0));
	ck_assert_int_eq(c->advertised_pos.line, 12);
	topo_free(&t);
	diag_free(&d);
}
END_TEST

/* The largest count: a million /32s from 0.0.0.0. */
START_TEST(test_generate_large)
{
	static const char yaml[] =
	    "scenario: g\n"
	    "vnets: [{name: v, address_space: [10.0.0.0/16], gateway: gw}]\n"
	    "expressroute:\n"
	    "  - name: c\n"
	    "    gateway: gw\n"
	    "    private_peering:\n"
	    "      advertised_generate: {start: 0.0.0.0/32, count: 1000000}\n";
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_msg(parse(yaml, sizeof(yaml) - 1, &t, &d, msg,
	    sizeof(msg)) == 0, "%s", msg);
	ck_assert_uint_eq(t.circuits[0].nadvertised, 1000000);
	ck_assert_uint_eq(t.circuits[0].advertised[999999].addr, 999999);
	topo_free(&t);
	diag_free(&d);
}
END_TEST

/* Several errors: all reported, in document order, with one load. */
START_TEST(test_several)
{
	static const char yaml[] =
	    "scenario: s\n"
	    "vnets:\n"
	    "  - name: v\n"
	    "    address_space: [10.0.0.0/16]\n"
	    "    subnets: [{name: s, prefix: 10.0.0.0/24, route_table: nort}]\n"
	    "vms: [{name: a, vnet: v, subnet: s, ip: 10.0.0.4, snat: maybe}]\n"
	    "route_tables: [{name: rt, routes: [{name: x, prefix: 1.0.0.0/33, "
	    "next_hop_type: None}]}]\n";
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_int_eq(parse(yaml, sizeof(yaml) - 1, &t, &d, msg,
	    sizeof(msg)), -1);
	/* The route table's own error hides the reference to it. */
	ck_assert_uint_eq(d.n, 2);
	ck_assert_int_eq(d.msgs[0].pos.line, 6);
	ck_assert_int_eq(d.msgs[1].pos.line, 7);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "boolean"));
	ck_assert_ptr_nonnull(strstr(d.msgs[1].text, "1.0.0.0/33"));
	ck_assert_str_eq(d.msgs[0].pos.file, "t.yaml");
	diag_free(&d);
}
END_TEST

/* More errors than the cap: the load stops and says so. */
START_TEST(test_cap)
{
	char yaml[8192], *p = yaml;
	struct topo t;
	struct diag d;
	char msg[1024];
	int i;

	p += sprintf(p, "scenario: c\nvms:\n");
	for (i = 0; i < 100; i++)
		p += sprintf(p, "  - {name: v%d, vnet: nowhere, subnet: s, "
		    "ip: 10.0.0.%d}\n", i, i);
	diag_init(&d);
	ck_assert_int_eq(parse(yaml, (size_t)(p - yaml), &t, &d, msg,
	    sizeof(msg)), -1);
	ck_assert_uint_eq(d.n, 50);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "unknown vnet"));
	ck_assert_str_eq(d.msgs[49].text, "too many errors; stopping here");
	diag_free(&d);
}
END_TEST

/*
 * Count limits: a list over Azure's limit loads with one warning naming
 * that limit; over ftsim's cap the scenario is refused. Each case is a
 * head, count items made from a format taking the item's index, and the
 * message of the first diagnostic.
 */
static const struct limit_case {
	const char *head;
	const char *item;		/* printf format of one item */
	size_t count;
	int rc;
	const char *want;
} limit_cases[] = {
	{ "scenario: l\nroute_tables:\n  - name: rt\n    routes:\n",
	  "      - {name: r%zu, prefix: 10.%zu.%zu.0/24, next_hop_type: None}\n",
	  401, 0, "5:7: warning: route table 'rt' has 401 routes; Azure allows "
	  "at most 400 per route table (simulated anyway)" },
	{ "scenario: l\nroute_tables:\n  - name: rt\n    routes:\n",
	  "      - {name: r%zu, prefix: 10.%zu.%zu.0/24, next_hop_type: None}\n",
	  10001, -1, "5:7: error: route table 'rt' has 10001 routes; ftsim "
	  "reads at most 10000 (Azure allows 400 per route table)" },
	{ "scenario: l\nnsgs:\n  - name: g\n    rules:\n",
	  "      - {name: r%zu, priority: %zu, direction: Inbound, "
	  "access: Deny}\n",
	  1001, 0, "5:7: warning: nsg 'g' has 1001 rules; Azure allows at most "
	  "1000 per NSG (simulated anyway)" },
	{ "scenario: l\nnsgs:\n  - name: g\n    rules:\n",
	  "      - {name: r%zu, priority: %zu, direction: Inbound, "
	  "access: Deny}\n",
	  10001, -1, "5:7: error: nsg 'g' has 10001 rules; ftsim reads at most "
	  "10000 (Azure allows 1000 per NSG)" },
	{ "scenario: l\nnsgs:\n  - name: g\n    rules:\n"
	  "      - name: r\n        priority: 100\n        direction: Inbound\n"
	  "        access: Deny\n        source:\n",
	  "          - 10.%zu.%zu.%zu\n",
	  4001, 0, "10:11: warning: the rule has 4001 addresses; Azure allows at "
	  "most 4000 in a rule's source or destination (simulated anyway)" },
	{ "scenario: l\nnsgs:\n  - name: g\n    rules:\n"
	  "      - name: r\n        priority: 100\n        direction: Inbound\n"
	  "        access: Deny\n        source:\n",
	  "          - 10.%zu.%zu.%zu\n",
	  40001, -1, "10:11: error: the rule has 40001 addresses; ftsim reads at "
	  "most 40000 (Azure allows 4000 in a rule's source or destination)" },
	{ "scenario: l\nvnets:\n  - name: v\n    address_space: [10.0.0.0/8]\n"
	  "    subnets:\n",
	  "      - {name: s%zu, prefix: 10.%zu.%zu.0/24}\n",
	  3001, 0, "6:7: warning: vnet 'v' has 3001 subnets; Azure allows at "
	  "most 3000 per virtual network (simulated anyway)" },
	{ "scenario: l\nflows:\n",
	  "  - {name: f%zu, from: vm%zu, to: 10.0.0.%zu, port: 1}\n",
	  1001, -1, "3:3: error: the scenario has 1001 flows; ftsim reads at "
	  "most 1000" },
};

/* The item format gets the index and then what makes each item differ:
 * its bytes for addresses and prefixes, 100 + i for a priority. */
START_TEST(test_limits)
{
	const struct limit_case *c = &limit_cases[_i];
	size_t i, len, cap = strlen(c->head) + c->count * 128;
	char *yaml, msg[1024];
	struct topo t;
	struct diag d;
	int rc;

	ck_assert_ptr_nonnull(yaml = malloc(cap));
	len = (size_t)sprintf(yaml, "%s", c->head);
	for (i = 0; i < c->count; i++) {
		if (strstr(c->item, "10.%zu.%zu.%zu") != NULL)
			len += (size_t)snprintf(yaml + len, cap - len, c->item,
			    i >> 16, (i >> 8) & 0xff, i & 0xff);
		else if (strstr(c->item, "priority") != NULL)
			len += (size_t)snprintf(yaml + len, cap - len, c->item,
			    i, 100 + i);
		else if (strstr(c->item, "from") != NULL)
			len += (size_t)snprintf(yaml + len, cap - len, c->item,
			    i, i, i % 250);
		else
			len += (size_t)snprintf(yaml + len, cap - len, c->item,
			    i, i >> 8, i & 0xff);
	}
	diag_init(&d);
	rc = parse(yaml, len, &t, &d, msg, sizeof(msg));
	ck_assert_msg(rc == c->rc, "case %d: rc %d: %s", _i, rc, msg);
	ck_assert_msg(strstr(msg, c->want) != NULL, "case %d:\nwant: %s\n"
	    "got:  %s", _i, c->want, msg);
	if (rc == 0) {
		ck_assert_uint_eq(d.warnings, 1);
		topo_free(&t);
	}
	diag_free(&d);
	free(yaml);
}
END_TEST

/* The billion laughs: refused at the first alias, without expanding. */
START_TEST(test_alias_bomb)
{
	static const char yaml[] =
	    "scenario: b\n"
	    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
	    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	struct topo t;
	struct diag d;
	char msg[1024];

	diag_init(&d);
	ck_assert_int_eq(parse(yaml, sizeof(yaml) - 1, &t, &d, msg,
	    sizeof(msg)), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(msg, "3:8: error: YAML aliases are not "
	    "allowed"));
	diag_free(&d);
}
END_TEST

/* A fresh directory for files; removed by rmtmp. */
static char tmpdir[1024];

static void
mktmp(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/ftsim-scn-XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
writefile(const char *name, const char *text, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void
rmtmp(const char *const *names)
{
	char path[PATH_MAX];

	for (; *names != NULL; names++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, *names);
		(void)unlink(path);
	}
	ck_assert_int_eq(rmdir(tmpdir), 0);
}

START_TEST(test_service_tags)
{
	static const char json[] =
	    "{\"changeNumber\": 7, \"cloud\": \"Public\", \"values\": [\n"
	    " {\"name\": \"AzureCloud\", \"id\": \"AzureCloud\",\n"
	    "  \"properties\": {\"addressPrefixes\": [\"20.0.0.0/8\", "
	    "\"2603:1000::/24\"]}}]}\n";
	static const char *const files[] = { "tags.json", "bad.json", NULL };
	char name[PATH_MAX], want[PATH_MAX + 64];
	const struct tag *tg;
	struct topo t;
	struct diag d;
	const char *yaml;

	mktmp();
	writefile("tags.json", json, sizeof(json) - 1);
	writefile("bad.json", "{\"values\": [}", 13);
	snprintf(name, sizeof(name), "%s/s.yaml", tmpdir);
	diag_init(&d);

	yaml = "scenario: st\nservice_tags: tags.json\n";
	ck_assert_msg(scenario_parse(name, yaml, strlen(yaml), &t, &d) == 0,
	    "%s", d.n > 0 ? d.msgs[0].text : "");
	ck_assert_str_eq(t.dir, tmpdir);
	snprintf(want, sizeof(want), "%s/tags.json", tmpdir);
	ck_assert_str_eq(t.service_tags_file, want);
	ck_assert_ptr_nonnull(tg = tagset_find(t.tags, "azurecloud"));
	ck_assert_uint_eq(tg->npfx, 1);
	ck_assert(tag_contains(tg, IP4(20, 1, 2, 3)));
	ck_assert(!tag_contains(tg, IP4(21, 1, 2, 3)));
	topo_free(&t);

	/* A missing file and a broken one: errors at the value. */
	yaml = "scenario: st\nservice_tags: none.json\n";
	ck_assert_int_eq(scenario_parse(name, yaml, strlen(yaml), &t, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.msgs[0].pos.file, name);
	ck_assert_int_eq(d.msgs[0].pos.line, 2);
	ck_assert_int_eq(d.msgs[0].pos.col, 15);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "cannot load service "
	    "tags: "));
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "none.json: cannot open "
	    "service tags file"));
	diag_free(&d);
	diag_init(&d);
	yaml = "scenario: st\nservice_tags: bad.json\n";
	ck_assert_int_eq(scenario_parse(name, yaml, strlen(yaml), &t, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	snprintf(want, sizeof(want), "cannot load service tags: %s/bad.json:1:",
	    tmpdir);
	ck_assert_msg(strstr(d.msgs[0].text, want) != NULL, "%s",
	    d.msgs[0].text);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "JSON: "));
	diag_free(&d);
	rmtmp(files);
}
END_TEST

START_TEST(test_load)
{
	static const char *const files[] = { "ok.yaml", "big.yaml", NULL };
	static const char ok[] = "scenario: from-a-file\n";
	char path[PATH_MAX], msg[1024];
	struct topo t;
	struct diag d;
	FILE *f;

	mktmp();
	writefile("ok.yaml", ok, sizeof(ok) - 1);
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/ok.yaml", tmpdir);
	ck_assert_int_eq(scenario_load(path, &t, &d), 0);
	ck_assert_str_eq(t.scenario, "from-a-file");
	ck_assert_str_eq(t.file, path);
	ck_assert_str_eq(t.dir, tmpdir);
	topo_free(&t);

	snprintf(path, sizeof(path), "%s/missing.yaml", tmpdir);
	ck_assert_int_eq(scenario_load(path, &t, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "cannot open"));
	ck_assert_ptr_null(t.file);

	/* One byte over the limit, as a sparse file. */
	snprintf(path, sizeof(path), "%s/big.yaml", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_int_eq(fseek(f, (long)SCENARIO_MAX_BYTES, SEEK_SET), 0);
	ck_assert_int_eq(fputc('\n', f), '\n');
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(scenario_load(path, &t, &d), -1);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_ptr_nonnull(f = fmemopen(msg, sizeof(msg), "w"));
	diag_print_msg(f, &d.msgs[1]);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(msg, "big.yaml:1:1: error: scenario file "
	    "is larger than 16 MiB"));
	diag_free(&d);
	rmtmp(files);
}
END_TEST

static Suite *
scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_bad, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_element_defaults);
	tcase_add_test(tc, test_spellings);
	tcase_add_test(tc, test_generate);
	tcase_add_test(tc, test_generate_large);
	tcase_add_test(tc, test_several);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_alias_bomb);
	tcase_add_loop_test(tc, test_limits, 0,
	    (int)(sizeof(limit_cases) / sizeof(limit_cases[0])));
	tcase_add_test(tc, test_service_tags);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scenario_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
