/*
 * test_nsg.c: network security groups (MODEL.md §5).
 *
 * Each test loads a small scenario from a string, takes a subnet's NSG
 * context from the engine (its computed tags depend on the subnet's
 * routes) and evaluates queries with nsg_eval against NSGs of the
 * scenario, by name: default rules, priorities, ports, protocols, tags,
 * the NIC/subnet order, and the hidden platform rules.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/nsg.h"
#include "sim/walk.h"
#include "topology/scenario.h"
#include "tests/unit/fixture.h"


static uint32_t
A(const char *s)
{
	uint32_t ip;

	ck_assert_msg(ip_parse(s, &ip) == 0, "bad address %s", s);
	return ip;
}

/* The NSG context of a subnet, by names. */
static const struct nsgctx *
ctx(const char *vnet, const char *subnet)
{
	size_t v = topo_vnet_find(&topo, vnet), s;

	ck_assert_msg(v != TOPO_NONE, "no VNet %s", vnet);
	for (s = 0; s < topo.vnets[v].nsubnets; s++)
		if (strcmp(topo.vnets[v].subnets[s].name, subnet) == 0)
			return sim_nsgctx(sim, v, s);
	ck_abort_msg("no subnet %s in %s", subnet, vnet);
	return NULL;
}

/* An NSG of the scenario by name; NULL stands for "no NSG". */
static const struct nsg *
G(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	i = topo_nsg_find(&topo, name);
	ck_assert_msg(i != TOPO_NONE, "no NSG %s", name);
	return &topo.nsgs[i];
}

/* A query: "Tcp"/"Udp", addresses as text. */
struct q {
	enum direction dir;
	unsigned proto;
	const char *src;
	unsigned sport;
	const char *dst;
	unsigned dport;
};

#define OUT_TCP(dst, port) { DIR_OUTBOUND, PROTO_TCP, "10.1.1.4", 50000, dst, port }
#define OUT_UDP(dst, port) { DIR_OUTBOUND, PROTO_UDP, "10.1.1.4", 50000, dst, port }
#define IN_TCP(src, port) { DIR_INBOUND, PROTO_TCP, src, 50000, "10.1.1.4", port }

static struct nsg_verdict
ev(const struct nsgctx *c, const char *nic, const char *subnet, struct q x,
   bool with_platform)
{
	struct nsg_query q;
	struct nsg_verdict v;

	q.dir = x.dir;
	q.proto = x.proto;
	q.src = A(x.src);
	q.dst = A(x.dst);
	q.sport = (uint16_t)x.sport;
	q.dport = (uint16_t)x.dport;
	nsg_eval(c, G(nic), G(subnet), &q, with_platform, &v);
	return v;
}

/* The verdict's rule name, "(none)" when NULL. */
static const char *
rn(const struct nsg_verdict *v)
{
	return v->rule ? v->rule : "(none)";
}

#define assert_verdict(v, acc, name) do {					\
	ck_assert_msg((v).access == (acc) && (v).rule != NULL &&		\
		      strcmp((v).rule, (name)) == 0,				\
		      "got %s %s, want %s %s",					\
		      (v).access == ACCESS_ALLOW ? "Allow" : "Deny", rn(&(v)),	\
		      (acc) == ACCESS_ALLOW ? "Allow" : "Deny", (name));	\
} while (0)

/* One VNet, one subnet, no routes beyond the system ones; NSGs follow. */
#define NET								\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - name: v\n"							\
	"    address_space: [10.1.0.0/16]\n"				\
	"    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n"

/* NSG "denyall": a deny-everything rule at the best priority, then
 * deny rules that name every platform address, but not by its tag. */
#define DENYALL								\
	"  - name: denyall\n"						\
	"    rules:\n"							\
	"      - {name: DenyAll, priority: 100, direction: Outbound, "	\
	"access: Deny, protocol: '*', destination: '*'}\n"		\
	"      - {name: DenyHosts, priority: 110, direction: Outbound, "	\
	"access: Deny, destination: [168.63.129.16, 169.254.169.254/32, " \
	"Internet, AzureCloud]}\n"

/* ---------------------------------------------------------------- */

/* MODEL §5 default rules: names, priorities and access, in order. */
START_TEST(default_rules_in_order)
{
	static const struct nsg_default in[] = {
		{ "AllowVNetInBound", 65000, ACCESS_ALLOW, NULL, NULL },
		{ "AllowAzureLoadBalancerInBound", 65001, ACCESS_ALLOW, NULL, NULL },
		{ "DenyAllInBound", 65500, ACCESS_DENY, NULL, NULL },
	}, out[] = {
		{ "AllowVnetOutBound", 65000, ACCESS_ALLOW, NULL, NULL },
		{ "AllowInternetOutBound", 65001, ACCESS_ALLOW, NULL, NULL },
		{ "DenyAllOutBound", 65500, ACCESS_DENY, NULL, NULL },
	};
	const struct nsg_default *d;
	size_t n, i;

	d = nsg_defaults(DIR_INBOUND, &n);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(d[i].name, in[i].name);
		ck_assert_int_eq(d[i].priority, in[i].priority);
		ck_assert_int_eq(d[i].access, in[i].access);
	}
	d = nsg_defaults(DIR_OUTBOUND, &n);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(d[i].name, out[i].name);
		ck_assert_int_eq(d[i].priority, out[i].priority);
		ck_assert_int_eq(d[i].access, out[i].access);
	}
}
END_TEST

/* MODEL §5 default rules: the one that decides per kind of address. */
START_TEST(default_rule_by_address)
{
	static const struct {
		struct q q;
		enum access acc;
		const char *rule;
	} want[] = {
		{ OUT_TCP("10.1.2.5", 443), ACCESS_ALLOW, "AllowVnetOutBound" },
		{ OUT_TCP("93.184.216.34", 443), ACCESS_ALLOW, "AllowInternetOutBound" },
		{ OUT_TCP("23.102.135.246", 443), ACCESS_ALLOW, "AllowInternetOutBound" },
		{ OUT_TCP("10.9.0.1", 443), ACCESS_DENY, "DenyAllOutBound" },
		{ OUT_TCP("172.30.0.1", 443), ACCESS_DENY, "DenyAllOutBound" },
		{ OUT_TCP("192.168.1.1", 443), ACCESS_DENY, "DenyAllOutBound" },
		{ IN_TCP("10.1.2.5", 22), ACCESS_ALLOW, "AllowVNetInBound" },
		{ IN_TCP("93.184.216.34", 22), ACCESS_DENY, "DenyAllInBound" },
		{ IN_TCP("172.30.0.1", 22), ACCESS_DENY, "DenyAllInBound" },
		/* 168.63.129.16 is in VirtualNetwork too; the load balancer
		 * rule decides only for a destination outside it. */
		{ IN_TCP("168.63.129.16", 80), ACCESS_ALLOW, "AllowVNetInBound" },
		{ { DIR_INBOUND, PROTO_TCP, "168.63.129.16", 50000, "52.1.1.1", 80 },
		  ACCESS_ALLOW, "AllowAzureLoadBalancerInBound" },
		{ { DIR_INBOUND, PROTO_TCP, "93.184.216.34", 50000, "52.1.1.1", 80 },
		  ACCESS_DENY, "DenyAllInBound" },
	};
	const struct nsgctx *c;
	size_t i;

	load(NET "nsgs:\n  - name: empty\n");
	c = ctx("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct nsg_verdict v = ev(c, NULL, "empty", want[i].q, true);

		ck_assert_msg(v.access == want[i].acc &&
			      strcmp(rn(&v), want[i].rule) == 0,
			      "case %zu (%s): got %s, want %s", i, want[i].q.dst,
			      rn(&v), want[i].rule);
		ck_assert(v.is_default);
		ck_assert_ptr_eq(v.by, G("empty"));
		ck_assert_uint_eq(v.nsteps, 1);
		ck_assert_ptr_null(v.steps[0].rule);
	}
}
END_TEST

/* MODEL §5: lower priority first, first match ends, not file order. */
START_TEST(user_rules_by_priority_not_file_order)
{
	static const struct {
		struct q q;
		enum access acc;
		const char *rule;
		int prio;
	} want[] = {
		{ OUT_TCP("93.184.216.34", 80), ACCESS_ALLOW, "AllowWebHost", 100 },
		{ OUT_TCP("93.184.216.34", 443), ACCESS_DENY, "DenyWebNet", 200 },
		{ OUT_TCP("8.8.8.8", 443), ACCESS_ALLOW, "AllowHttps", 300 },
		{ OUT_TCP("8.8.8.8", 22), ACCESS_ALLOW, "AllowInternetOutBound", 65001 },
	};
	const struct nsgctx *c;
	size_t i;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: AllowHttps, priority: 300, direction: Outbound, "
	     "access: Allow, destination_ports: 443}\n"
	     "      - {name: DenyWebNet, priority: 200, direction: Outbound, "
	     "access: Deny, destination: 93.184.216.0/24}\n"
	     "      - {name: AllowWebHost, priority: 100, direction: Outbound, "
	     "access: Allow, destination: 93.184.216.34, destination_ports: 80}\n");
	c = ctx("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct nsg_verdict v = ev(c, "g", NULL, want[i].q, true);

		assert_verdict(v, want[i].acc, want[i].rule);
		ck_assert_int_eq(v.steps[0].priority, want[i].prio);
	}
}
END_TEST

/* MODEL §5: destination port ranges and lists, at their edges. */
START_TEST(destination_port_ranges_and_lists)
{
	static const struct {
		unsigned port;
		bool denied;
	} want[] = {
		{ 999, false }, { 1000, true }, { 1500, true }, { 2000, true },
		{ 2001, false }, { 3388, false }, { 3389, true }, { 3390, false },
		{ 0, false }, { 65535, false },
	};
	const struct nsgctx *c;
	size_t i;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: DenyPorts, priority: 100, direction: Outbound, "
	     "access: Deny, destination_ports: ['1000-2000', 3389]}\n");
	c = ctx("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct q q = OUT_TCP("93.184.216.34", want[i].port);
		struct nsg_verdict v = ev(c, "g", NULL, q, true);

		ck_assert_msg((v.access == ACCESS_DENY) == want[i].denied,
			      "port %u: got %s", want[i].port, rn(&v));
		if (want[i].denied)
			ck_assert_str_eq(v.rule, "DenyPorts");
	}
}
END_TEST

/* MODEL §5: source port ranges. */
START_TEST(source_port_ranges)
{
	static const struct {
		unsigned sport;
		bool denied;
	} want[] = {
		{ 49999, false }, { 50000, true }, { 50010, true }, { 50011, false },
		{ 1024, false },
	};
	const struct nsgctx *c;
	size_t i;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: DenySport, priority: 100, direction: Outbound, "
	     "access: Deny, source_ports: '50000-50010', destination_ports: 443}\n");
	c = ctx("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct q q = OUT_TCP("93.184.216.34", 443);
		struct nsg_verdict v;

		q.sport = want[i].sport;
		v = ev(c, "g", NULL, q, true);
		ck_assert_msg((v.access == ACCESS_DENY) == want[i].denied,
			      "source port %u: got %s", want[i].sport, rn(&v));
	}
}
END_TEST

/* MODEL §5: protocol Tcp, Udp or '*'. */
START_TEST(protocol_tcp_udp_any)
{
	static const struct {
		struct q q;
		const char *rule;
	} want[] = {
		{ OUT_TCP("93.184.216.34", 53), "DenyTcp53" },
		{ OUT_UDP("93.184.216.34", 53), "AllowInternetOutBound" },
		{ OUT_UDP("93.184.216.34", 123), "DenyUdp123" },
		{ OUT_TCP("93.184.216.34", 123), "AllowInternetOutBound" },
		{ OUT_TCP("93.184.216.34", 500), "DenyAny500" },
		{ OUT_UDP("93.184.216.34", 500), "DenyAny500" },
	};
	const struct nsgctx *c;
	size_t i;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: DenyTcp53, priority: 100, direction: Outbound, "
	     "access: Deny, protocol: Tcp, destination_ports: 53}\n"
	     "      - {name: DenyUdp123, priority: 110, direction: Outbound, "
	     "access: Deny, protocol: UDP, destination_ports: 123}\n"
	     "      - {name: DenyAny500, priority: 120, direction: Outbound, "
	     "access: Deny, protocol: '*', destination_ports: 500}\n");
	c = ctx("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct nsg_verdict v = ev(c, "g", NULL, want[i].q, true);

		ck_assert_msg(strcmp(rn(&v), want[i].rule) == 0,
			      "case %zu: got %s, want %s", i, rn(&v),
			      want[i].rule);
	}
}
END_TEST

/* MODEL §5: sources and destinations as CIDR lists. */
START_TEST(cidr_lists)
{
	static const struct {
		struct q q;
		bool denied;
	} want[] = {
		{ OUT_TCP("93.184.216.34", 443), true },
		{ OUT_TCP("93.184.216.255", 443), true },
		{ OUT_TCP("93.184.217.0", 443), false },
		{ OUT_TCP("8.8.8.8", 443), true },
		{ OUT_TCP("8.8.8.9", 443), false },
		{ { DIR_OUTBOUND, PROTO_TCP, "10.1.2.4", 50000, "8.8.8.8", 443 }, false },
		{ { DIR_OUTBOUND, PROTO_TCP, "10.1.3.9", 50000, "8.8.8.8", 443 }, true },
	};
	const struct nsgctx *c;
	size_t i;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: DenyList, priority: 100, direction: Outbound, "
	     "access: Deny, source: [10.1.1.0/24, 10.1.3.9/32], "
	     "destination: [93.184.216.0/24, 8.8.8.8]}\n");
	c = ctx("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct nsg_verdict v = ev(c, "g", NULL, want[i].q, true);

		ck_assert_msg((v.access == ACCESS_DENY) == want[i].denied,
			      "case %zu (%s -> %s): got %s", i, want[i].q.src,
			      want[i].q.dst, rn(&v));
	}
}
END_TEST

/* Whether ip is in the tag that rule Tag of NSG g names: its
 * destination outbound, its source inbound. */
static bool
in_tag(const struct nsgctx *c, const char *ip, enum direction dir)
{
	struct q q = OUT_TCP(ip, 443);
	struct nsg_verdict v;

	if (dir == DIR_INBOUND) {
		q.dir = DIR_INBOUND;
		q.src = ip;
		q.dst = "10.1.1.4";
	}
	v = ev(c, "g", NULL, q, false);
	return v.rule != NULL && strcmp(v.rule, "Tag") == 0;
}

/* MODEL §5 tags: Internet is public space outside the VNet and its peers. */
START_TEST(internet_tag)
{
	static const struct {
		const char *ip;
		bool in;
	} want[] = {
		{ "23.102.135.246", true },
		{ "93.184.216.34", true },
		{ "8.8.8.8", true },
		{ "1.0.0.1", true },
		{ "10.1.1.9", false },
		{ "10.200.0.1", false },
		{ "172.16.0.1", false },
		{ "192.168.1.1", false },
		{ "100.64.0.1", false },
		{ "127.0.0.1", false },
		{ "169.254.169.254", false },
		{ "52.10.1.1", false },		/* public VNet space */
		{ "52.11.1.1", true },
		{ "20.60.1.1", false },		/* peered public space */
	};
	const struct nsgctx *c;
	size_t i;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16, 52.10.0.0/16]\n"
	     "    peerings: [p]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n"
	     "  - name: p\n"
	     "    address_space: [20.60.0.0/16]\n"
	     "    subnets: [{name: p1, prefix: 20.60.1.0/24}]\n"
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: Tag, priority: 100, direction: Outbound, "
	     "access: Deny, destination: Internet}\n");
	c = ctx("v", "s1");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(in_tag(c, want[i].ip, DIR_OUTBOUND) == want[i].in,
			      "%s in Internet should be %d", want[i].ip,
			      want[i].in);
}
END_TEST

/* The network of the VirtualNetwork tag tests: a peered VNet, BGP
 * prefixes, and per subnet a UDR, a UDR 0/0, or BGP with 0/0. */
#define VNET_TAG_NET(model)						\
	"scenario: t\n"							\
	model								\
	"vnets:\n"							\
	"  - name: v\n"							\
	"    address_space: [10.1.0.0/16]\n"				\
	"    gateway: er-gw\n"						\
	"    peerings: [p]\n"						\
	"    subnets:\n"						\
	"      - {name: plain, prefix: 10.1.1.0/24, route_table: nobgp}\n" \
	"      - {name: udr, prefix: 10.1.2.0/24, route_table: udr}\n"	\
	"      - {name: udr0, prefix: 10.1.3.0/24, route_table: udr0}\n"	\
	"      - {name: bgp, prefix: 10.1.4.0/24}\n"			\
	"  - name: p\n"							\
	"    address_space: [10.2.0.0/16]\n"				\
	"    subnets: [{name: p1, prefix: 10.2.1.0/24}]\n"		\
	"route_tables:\n"						\
	"  - {name: nobgp, disable_bgp_route_propagation: true, routes: []}\n" \
	"  - name: udr\n"						\
	"    disable_bgp_route_propagation: true\n"			\
	"    routes: [{name: Pub, prefix: 52.1.0.0/16, next_hop_type: Internet}]\n" \
	"  - name: udr0\n"						\
	"    disable_bgp_route_propagation: true\n"			\
	"    routes: [{name: Fw, prefix: 0.0.0.0/0, "			\
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.4}]\n"	\
	"expressroute:\n"						\
	"  - name: er-circuit\n"					\
	"    sku: Premium\n"						\
	"    gateway: er-gw\n"						\
	"    private_peering: {advertised: [0.0.0.0/0, 192.168.0.0/16]}\n" \
	"nsgs:\n"							\
	"  - name: g\n"							\
	"    rules:\n"							\
	"      - {name: Tag, priority: 100, direction: Outbound, "	\
	"access: Deny, destination: VirtualNetwork}\n"

/* MODEL §5 tags: VirtualNetwork = VNet, peers, BGP, UDRs, 168.63.129.16. */
START_TEST(virtualnetwork_tag_members)
{
	const struct nsgctx *plain, *udr, *bgp;

	load(VNET_TAG_NET(""));
	plain = ctx("v", "plain");
	udr = ctx("v", "udr");
	bgp = ctx("v", "bgp");

	ck_assert(in_tag(plain, "10.1.200.1", DIR_OUTBOUND));
	ck_assert(in_tag(plain, "10.2.1.4", DIR_OUTBOUND));
	ck_assert(in_tag(plain, "168.63.129.16", DIR_OUTBOUND));
	ck_assert(!in_tag(plain, "10.3.0.1", DIR_OUTBOUND));
	ck_assert(!in_tag(plain, "192.168.1.1", DIR_OUTBOUND));
	ck_assert(!in_tag(plain, "52.1.1.1", DIR_OUTBOUND));
	ck_assert(!in_tag(plain, "93.184.216.34", DIR_OUTBOUND));

	/* UDR prefixes join the tag. */
	ck_assert(in_tag(udr, "52.1.1.1", DIR_OUTBOUND));
	ck_assert(!in_tag(udr, "52.2.1.1", DIR_OUTBOUND));

	/* Prefixes learned by the gateway join it (source side too). */
	ck_assert(in_tag(bgp, "192.168.1.1", DIR_OUTBOUND));
}
END_TEST

/* MODEL §5 tags: a learned or user 0/0 widens VirtualNetwork to all. */
START_TEST(virtualnetwork_tag_widened_by_default_route)
{
	load(VNET_TAG_NET(""));
	ck_assert(topo.model.vnet_tag_includes_default_route);
	ck_assert(in_tag(ctx("v", "bgp"), "93.184.216.34", DIR_OUTBOUND));
	ck_assert(in_tag(ctx("v", "bgp"), "23.102.135.246", DIR_OUTBOUND));
	ck_assert(in_tag(ctx("v", "udr0"), "93.184.216.34", DIR_OUTBOUND));
	ck_assert(!in_tag(ctx("v", "plain"), "93.184.216.34", DIR_OUTBOUND));
	ck_assert(!in_tag(ctx("v", "udr"), "93.184.216.34", DIR_OUTBOUND));
}
END_TEST

/* MODEL §5 switch vnet_tag_includes_default_route: off, 0/0 left out. */
START_TEST(virtualnetwork_tag_switch_off)
{
	load(VNET_TAG_NET("model: {vnet_tag_includes_default_route: false}\n"));
	ck_assert(!in_tag(ctx("v", "bgp"), "93.184.216.34", DIR_OUTBOUND));
	ck_assert(!in_tag(ctx("v", "udr0"), "93.184.216.34", DIR_OUTBOUND));
	ck_assert(in_tag(ctx("v", "bgp"), "192.168.1.1", DIR_OUTBOUND));
	ck_assert(in_tag(ctx("v", "bgp"), "10.2.1.4", DIR_OUTBOUND));
}
END_TEST

/* MODEL §4/§5 tags: AzureCloud comes from the built-in list. */
START_TEST(azurecloud_tag_from_builtin_list)
{
	const struct nsgctx *c;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: Tag, priority: 100, direction: Outbound, "
	     "access: Deny, destination: AzureCloud}\n");
	c = ctx("v", "s1");
	ck_assert(in_tag(c, "23.102.135.246", DIR_OUTBOUND));
	ck_assert(in_tag(c, "20.118.99.224", DIR_OUTBOUND));
	ck_assert(!in_tag(c, "93.184.216.34", DIR_OUTBOUND));
	ck_assert(!in_tag(c, "10.1.1.9", DIR_OUTBOUND));
}
END_TEST

/* MODEL §5 tags: AzureLoadBalancer is the host's 168.63.129.16. */
START_TEST(azureloadbalancer_tag)
{
	const struct nsgctx *c;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: Tag, priority: 100, direction: Inbound, "
	     "access: Deny, source: AzureLoadBalancer}\n");
	c = ctx("v", "s1");
	ck_assert(in_tag(c, "168.63.129.16", DIR_INBOUND));
	ck_assert(!in_tag(c, "10.1.2.2", DIR_INBOUND));
	ck_assert(!in_tag(c, "93.184.216.34", DIR_INBOUND));
}
END_TEST

#define TWO_NSGS(dir)							\
	"nsgs:\n"							\
	"  - name: nic-allow\n"						\
	"    rules: [{name: NicAllow, priority: 100, direction: " dir ", " \
	"access: Allow}]\n"						\
	"  - name: nic-deny\n"						\
	"    rules: [{name: NicDeny, priority: 100, direction: " dir ", "	\
	"access: Deny}]\n"						\
	"  - name: sub-allow\n"						\
	"    rules: [{name: SubnetAllow, priority: 100, direction: " dir ", " \
	"access: Allow}]\n"						\
	"  - name: sub-deny\n"						\
	"    rules: [{name: SubnetDeny, priority: 100, direction: " dir ", " \
	"access: Deny}]\n"

/* MODEL §5: outbound NIC then subnet; a deny in either denies. */
START_TEST(outbound_nic_then_subnet)
{
	const struct nsgctx *c;
	struct q q = OUT_TCP("93.184.216.34", 443);
	struct nsg_verdict v;

	load(NET TWO_NSGS("Outbound"));
	c = ctx("v", "s1");

	v = ev(c, "nic-allow", "sub-deny", q, true);
	assert_verdict(v, ACCESS_DENY, "SubnetDeny");
	ck_assert_ptr_eq(v.by, G("sub-deny"));
	ck_assert_uint_eq(v.nsteps, 2);
	ck_assert_ptr_eq(v.steps[0].nsg, G("nic-allow"));
	ck_assert_ptr_eq(v.steps[1].nsg, G("sub-deny"));

	v = ev(c, "nic-deny", "sub-allow", q, true);
	assert_verdict(v, ACCESS_DENY, "NicDeny");
	ck_assert_ptr_eq(v.by, G("nic-deny"));
	ck_assert_uint_eq(v.nsteps, 1);

	v = ev(c, "nic-allow", "sub-allow", q, true);
	assert_verdict(v, ACCESS_ALLOW, "SubnetAllow");
	ck_assert_ptr_eq(v.by, G("sub-allow"));
	ck_assert_uint_eq(v.nsteps, 2);

	v = ev(c, "nic-deny", NULL, q, true);
	assert_verdict(v, ACCESS_DENY, "NicDeny");
	v = ev(c, NULL, "sub-deny", q, true);
	assert_verdict(v, ACCESS_DENY, "SubnetDeny");
}
END_TEST

/* MODEL §5: inbound subnet then NIC; a deny in either denies. */
START_TEST(inbound_subnet_then_nic)
{
	const struct nsgctx *c;
	struct q q = IN_TCP("10.1.2.5", 22);
	struct nsg_verdict v;

	load(NET TWO_NSGS("Inbound"));
	c = ctx("v", "s1");

	v = ev(c, "nic-deny", "sub-allow", q, true);
	assert_verdict(v, ACCESS_DENY, "NicDeny");
	ck_assert_ptr_eq(v.by, G("nic-deny"));
	ck_assert_uint_eq(v.nsteps, 2);
	ck_assert_ptr_eq(v.steps[0].nsg, G("sub-allow"));
	ck_assert_ptr_eq(v.steps[1].nsg, G("nic-deny"));

	v = ev(c, "nic-allow", "sub-deny", q, true);
	assert_verdict(v, ACCESS_DENY, "SubnetDeny");
	ck_assert_ptr_eq(v.by, G("sub-deny"));
	ck_assert_uint_eq(v.nsteps, 1);

	v = ev(c, "nic-allow", "sub-allow", q, true);
	assert_verdict(v, ACCESS_ALLOW, "NicAllow");
	ck_assert_ptr_eq(v.by, G("nic-allow"));
}
END_TEST

/* MODEL §5: no NSG means allow, with no rule named. */
START_TEST(no_nsg_allows)
{
	const struct nsgctx *c;
	struct nsg_verdict v;

	load(NET);
	c = ctx("v", "s1");
	v = ev(c, NULL, NULL, (struct q)OUT_TCP("93.184.216.34", 443), true);
	ck_assert_int_eq(v.access, ACCESS_ALLOW);
	ck_assert_ptr_null(v.rule);
	ck_assert_ptr_null(v.by);
	ck_assert_uint_eq(v.nsteps, 0);
	ck_assert(!v.is_platform && !v.is_default);
	v = ev(c, NULL, NULL, (struct q)IN_TCP("93.184.216.34", 3389), true);
	ck_assert_int_eq(v.access, ACCESS_ALLOW);
	ck_assert_ptr_null(v.rule);
	/* Without any NSG the platform rules decide nothing either. */
	v = ev(c, NULL, NULL, (struct q)OUT_TCP("23.102.135.246", 1688), true);
	ck_assert_int_eq(v.access, ACCESS_ALLOW);
	ck_assert_ptr_null(v.rule);
	ck_assert(!v.is_platform);
	ck_assert_int_eq(v.platform, PLAT_LKM);
}
END_TEST

/* MODEL §5 hidden platform rules: DNS (UDP and TCP 53), IMDS (TCP 80)
 * and KMS (TCP 1688 to each KMS address) pass a deny-all rule at
 * priority 100; other ports and protocols do not. Deny rules that name
 * the addresses without the platform tags do not turn them off. */
static const struct {
	struct q q;
	enum platform plat;	/* PLAT_NONE: denied by DenyAll */
} platform_cases[] = {
	{ OUT_UDP("168.63.129.16", 53), PLAT_DNS },
	{ OUT_TCP("168.63.129.16", 53), PLAT_DNS },
	{ OUT_TCP("169.254.169.254", 80), PLAT_IMDS },
	{ OUT_TCP("23.102.135.246", 1688), PLAT_LKM },
	{ OUT_TCP("20.118.99.224", 1688), PLAT_LKM },
	{ OUT_TCP("40.83.235.53", 1688), PLAT_LKM },
	{ OUT_TCP("23.102.135.246", 1687), PLAT_NONE },
	{ OUT_TCP("23.102.135.246", 1689), PLAT_NONE },
	{ OUT_UDP("23.102.135.246", 1688), PLAT_NONE },
	{ OUT_TCP("23.102.135.247", 1688), PLAT_NONE },
	{ OUT_UDP("168.63.129.16", 54), PLAT_NONE },
	{ OUT_TCP("169.254.169.254", 443), PLAT_NONE },
	{ OUT_UDP("169.254.169.254", 80), PLAT_NONE },
};

/* MODEL §5 hidden platform rules: DNS, IMDS, KMS pass a deny-all. */
START_TEST(platform_rules_pass_deny_all)
{
	const struct nsgctx *c;
	struct nsg_verdict v;

	load(NET "nsgs:\n" DENYALL);
	c = ctx("v", "s1");
	v = ev(c, NULL, "denyall", platform_cases[_i].q, true);
	if (platform_cases[_i].plat == PLAT_NONE) {
		assert_verdict(v, ACCESS_DENY, "DenyAll");
		ck_assert(!v.is_platform);
	} else {
		assert_verdict(v, ACCESS_ALLOW,
			       platform_tag(platform_cases[_i].plat));
		ck_assert(v.is_platform);
		ck_assert_int_eq(v.platform, platform_cases[_i].plat);
		ck_assert_ptr_null(v.by);
		ck_assert_uint_eq(v.nsteps, 0);
		ck_assert_ptr_null(v.platform_off_rule);
	}
}
END_TEST

/* MODEL §5/§6: IP flow verify is blind to the platform rules. */
START_TEST(ip_flow_verify_blind_to_platform)
{
	const struct nsgctx *c;
	struct nsg_verdict v;

	load(NET "nsgs:\n" DENYALL);
	c = ctx("v", "s1");
	v = ev(c, NULL, "denyall", platform_cases[_i].q, false);
	assert_verdict(v, ACCESS_DENY, "DenyAll");
	ck_assert(!v.is_platform);
	ck_assert_int_eq(v.platform, platform_cases[_i].plat);
}
END_TEST

/* MODEL §5: a deny rule on AzurePlatformDNS/IMDS/LKM turns off only its
 * own platform rule; the other two still pass, even when the same rule
 * names their addresses. */
static const struct {
	const char *nsg;
	enum platform off;
} tag_denies[] = {
	{ "no-dns", PLAT_DNS },
	{ "no-imds", PLAT_IMDS },
	{ "no-lkm", PLAT_LKM },
};

/* MODEL §5: a deny on a platform tag turns off only its own rule. */
START_TEST(platform_tag_deny_disables_only_its_own)
{
	static const struct q q[] = {
		[PLAT_DNS] = OUT_UDP("168.63.129.16", 53),
		[PLAT_IMDS] = OUT_TCP("169.254.169.254", 80),
		[PLAT_LKM] = OUT_TCP("23.102.135.246", 1688),
	};
	const struct nsgctx *c;
	enum platform p;

	load(NET
	     "nsgs:\n"
	     "  - name: no-dns\n"
	     "    rules:\n"
	     "      - {name: DenyTag, priority: 200, direction: Outbound, "
	     "access: Deny, destination: [AzurePlatformDNS, 169.254.169.254, 23.102.135.246]}\n"
	     "      - {name: DenyAll, priority: 4000, direction: Outbound, "
	     "access: Deny}\n"
	     "  - name: no-imds\n"
	     "    rules:\n"
	     "      - {name: DenyTag, priority: 200, direction: Outbound, "
	     "access: Deny, destination: [AzurePlatformIMDS, 168.63.129.16, 23.102.135.246]}\n"
	     "      - {name: DenyAll, priority: 4000, direction: Outbound, "
	     "access: Deny}\n"
	     "  - name: no-lkm\n"
	     "    rules:\n"
	     "      - {name: DenyTag, priority: 200, direction: Outbound, "
	     "access: Deny, destination: [AzurePlatformLKM, 168.63.129.16, 169.254.169.254]}\n"
	     "      - {name: DenyAll, priority: 4000, direction: Outbound, "
	     "access: Deny}\n");
	c = ctx("v", "s1");
	for (p = PLAT_DNS; p <= PLAT_LKM; p++) {
		/* The tag's rule in the subnet NSG, then in the NIC NSG. */
		struct nsg_verdict vs = ev(c, NULL, tag_denies[_i].nsg, q[p], true);
		struct nsg_verdict vn = ev(c, tag_denies[_i].nsg, NULL, q[p], true);

		if (p == tag_denies[_i].off) {
			assert_verdict(vs, ACCESS_DENY, "DenyTag");
			assert_verdict(vn, ACCESS_DENY, "DenyTag");
			ck_assert(!vs.is_platform);
			ck_assert_ptr_nonnull(vs.platform_off_rule);
			ck_assert_str_eq(vs.platform_off_rule->name, "DenyTag");
			ck_assert(!vs.platform_off_by_route);
		} else {
			assert_verdict(vs, ACCESS_ALLOW, platform_tag(p));
			assert_verdict(vn, ACCESS_ALLOW, platform_tag(p));
			ck_assert(vs.is_platform);
			ck_assert_ptr_null(vs.platform_off_rule);
		}
	}
}
END_TEST

/* MODEL §5: an allow rule on a platform tag turns nothing off. */
START_TEST(platform_tag_allow_disables_nothing)
{
	const struct nsgctx *c;
	struct nsg_verdict v;

	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: AllowLkm, priority: 100, direction: Outbound, "
	     "access: Allow, destination: AzurePlatformLKM}\n"
	     "      - {name: AllowDns, priority: 110, direction: Outbound, "
	     "access: Allow, destination: AzurePlatformDNS}\n"
	     "      - {name: DenyAll, priority: 200, direction: Outbound, "
	     "access: Deny}\n");
	c = ctx("v", "s1");
	v = ev(c, NULL, "g", (struct q)OUT_TCP("23.102.135.246", 1688), true);
	assert_verdict(v, ACCESS_ALLOW, "AzurePlatformLKM");
	ck_assert(v.is_platform);
	ck_assert_ptr_null(v.platform_off_rule);
	v = ev(c, NULL, "g", (struct q)OUT_UDP("168.63.129.16", 53), true);
	assert_verdict(v, ACCESS_ALLOW, "AzurePlatformDNS");
	ck_assert(v.is_platform);
	/* IP flow verify sees the user allow rule. */
	v = ev(c, NULL, "g", (struct q)OUT_TCP("23.102.135.246", 1688), false);
	assert_verdict(v, ACCESS_ALLOW, "AllowLkm");
}
END_TEST

/* The network of the forced-default tests: one subnet per kind of
 * 0.0.0.0/0, the deny-all NSG. */
#define FORCED_NET(model)						\
	"scenario: t\n"							\
	model								\
	"vnets:\n"							\
	"  - name: v\n"							\
	"    address_space: [10.1.0.0/16]\n"				\
	"    gateway: er-gw\n"						\
	"    subnets:\n"						\
	"      - {name: bgp, prefix: 10.1.1.0/24}\n"			\
	"      - {name: udr-nva, prefix: 10.1.2.0/24, route_table: nva}\n" \
	"      - {name: udr-inet, prefix: 10.1.3.0/24, route_table: inet}\n" \
	"      - {name: nobgp, prefix: 10.1.4.0/24, route_table: nobgp}\n" \
	"route_tables:\n"						\
	"  - name: nva\n"						\
	"    disable_bgp_route_propagation: true\n"			\
	"    routes: [{name: ToFw, prefix: 0.0.0.0/0, "			\
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.4}]\n"	\
	"  - name: inet\n"						\
	"    routes: [{name: Out, prefix: 0.0.0.0/0, next_hop_type: Internet}]\n" \
	"  - {name: nobgp, disable_bgp_route_propagation: true, routes: []}\n" \
	"expressroute:\n"						\
	"  - name: er-circuit\n"					\
	"    sku: Premium\n"						\
	"    gateway: er-gw\n"						\
	"    private_peering: {advertised: [0.0.0.0/0]}\n"		\
	"nsgs:\n" DENYALL

/* MODEL §5: the KMS platform rule is off under a forced 0/0. */
START_TEST(lkm_off_with_forced_default)
{
	static const struct {
		const char *subnet;
		bool lkm_off;
	} want[] = {
		{ "bgp", true },
		{ "udr-nva", true },
		{ "udr-inet", false },
		{ "nobgp", false },
	};
	struct q lkm = OUT_TCP("23.102.135.246", 1688);
	struct q dns = OUT_UDP("168.63.129.16", 53);
	struct q imds = OUT_TCP("169.254.169.254", 80);
	size_t i;

	load(FORCED_NET(""));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct nsgctx *c = ctx("v", want[i].subnet);
		struct nsg_verdict v = ev(c, NULL, "denyall", lkm, true);

		ck_assert_msg(c->forced_default == want[i].lkm_off,
			      "%s: forced_default", want[i].subnet);
		if (want[i].lkm_off) {
			assert_verdict(v, ACCESS_DENY, "DenyAll");
			ck_assert(v.platform_off_by_route);
			ck_assert_int_eq(v.platform, PLAT_LKM);
		} else {
			assert_verdict(v, ACCESS_ALLOW, "AzurePlatformLKM");
		}
		v = ev(c, NULL, "denyall", dns, true);
		assert_verdict(v, ACCESS_ALLOW, "AzurePlatformDNS");
		v = ev(c, NULL, "denyall", imds, true);
		assert_verdict(v, ACCESS_ALLOW, "AzurePlatformIMDS");
	}
}
END_TEST

/* MODEL §5 switch lkm_off_with_forced_default: off, KMS rule stays on. */
START_TEST(lkm_switch_off_keeps_lkm)
{
	static const char *const subnets[] = { "bgp", "udr-nva", "udr-inet" };
	struct q lkm = OUT_TCP("23.102.135.246", 1688);
	size_t i;

	load(FORCED_NET("model: {lkm_off_with_forced_default: false}\n"));
	ck_assert(!topo.model.lkm_off_with_forced_default);
	for (i = 0; i < sizeof(subnets) / sizeof(subnets[0]); i++) {
		struct nsg_verdict v = ev(ctx("v", subnets[i]), NULL,
					  "denyall", lkm, true);

		assert_verdict(v, ACCESS_ALLOW, "AzurePlatformLKM");
		ck_assert(!v.platform_off_by_route);
	}
}
END_TEST

/* MODEL §5 tags: an unknown tag is an error at the rule's line. */
START_TEST(check_tags_rejects_unknown_tag)
{
	size_t i, found = 0;

	load(NET
	     "nsgs:\n"						/* 6 */
	     "  - name: g\n"					/* 7 */
	     "    rules:\n"					/* 8 */
	     "      - {name: Known, priority: 100, direction: Outbound, " /* 9 */
	     "access: Deny, source: VirtualNetwork, destination: "
	     "[Internet, AzureCloud, Storage, AzurePlatformLKM, "
	     "AzurePlatformDNS, AzurePlatformIMDS]}\n"
	     "      - {name: Lb, priority: 110, direction: Inbound, " /* 10 */
	     "access: Allow, source: azureloadbalancer}\n"
	     "      - {name: Typo, priority: 120, direction: Outbound, " /* 11 */
	     "access: Deny, destination: AzureClod}\n");
	ck_assert_uint_eq(diag.errors, 0);
	ck_assert_int_eq(nsg_check_tags(&topo, &diag), -1);
	ck_assert_uint_eq(diag.errors, 1);
	for (i = 0; i < diag.n; i++) {
		if (diag.msgs[i].level != DIAG_ERROR)
			continue;
		found++;
		ck_assert_int_eq(diag.msgs[i].pos.line, 11);
		ck_assert_ptr_nonnull(strstr(diag.msgs[i].text, "AzureClod"));
		ck_assert_ptr_nonnull(strstr(diag.msgs[i].text, "Typo"));
	}
	ck_assert_uint_eq(found, 1);
}
END_TEST

/* MODEL §5 tags: computed and listed tags are known. */
START_TEST(check_tags_accepts_known_tags)
{
	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: Known, priority: 100, direction: Outbound, "
	     "access: Deny, source: VirtualNetwork, destination: "
	     "[Internet, AzureCloud, Storage, AzurePlatformLKM, "
	     "AzurePlatformDNS, AzurePlatformIMDS]}\n"
	     "      - {name: Lb, priority: 110, direction: Inbound, "
	     "access: Allow, source: azureloadbalancer}\n");
	ck_assert_int_eq(nsg_check_tags(&topo, &diag), 0);
	ck_assert_uint_eq(diag.errors, 0);
}
END_TEST


/* Interval to prefixes: the fewest CIDR blocks, in address order. */
START_TEST(intervals_to_prefixes)
{
	struct ipinterval all = { 0, UINT32_MAX };
	struct ipinterval odd = { IP4(10, 0, 0, 1), IP4(10, 0, 0, 6) };
	struct ipinterval pub = { IP4(1, 0, 0, 0), IP4(9, 255, 255, 255) };
	struct pfx out[8];
	char buf[PFX_STRLEN];

	ck_assert_uint_eq(iv_prefixes(&all, 1, out, 8), 1);
	ck_assert_str_eq(pfx_format(out[0], buf), "0.0.0.0/0");
	ck_assert_uint_eq(iv_prefixes(&odd, 1, out, 8), 4);
	ck_assert_str_eq(pfx_format(out[0], buf), "10.0.0.1/32");
	ck_assert_str_eq(pfx_format(out[1], buf), "10.0.0.2/31");
	ck_assert_str_eq(pfx_format(out[2], buf), "10.0.0.4/31");
	ck_assert_str_eq(pfx_format(out[3], buf), "10.0.0.6/32");
	/* The start of Azure's Internet expansion [S24]. */
	ck_assert_uint_eq(iv_prefixes(&pub, 1, out, 8), 4);
	ck_assert_str_eq(pfx_format(out[0], buf), "1.0.0.0/8");
	ck_assert_str_eq(pfx_format(out[1], buf), "2.0.0.0/7");
	ck_assert_str_eq(pfx_format(out[2], buf), "4.0.0.0/6");
	ck_assert_str_eq(pfx_format(out[3], buf), "8.0.0.0/7");
	/* Counting only. */
	ck_assert_uint_eq(iv_prefixes(&odd, 1, NULL, 0), 4);
}
END_TEST

/* Joined prefixes: "a b c". */
static const char *
joined(const struct pfx *p, size_t n)
{
	static char buf[1024];
	char one[PFX_STRLEN];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, pfx_format(p[i], one));
	}
	return buf;
}

/* MODEL §5 tags as the effective rules expand them. */
START_TEST(tag_prefixes_expand)
{
	const struct nsgctx *c;
	struct pfx *p;
	size_t n, i;
	bool covered;

	load(NET
	     "  - name: w\n"
	     "    address_space: [10.2.0.0/16]\n"
	     "    peerings: [v]\n"
	     "    subnets: [{name: s2, prefix: 10.2.1.0/24}]\n");
	c = ctx("v", "s1");
	/* VirtualNetwork: unmerged, the VNet first [S24]. */
	ck_assert_int_eq(nsg_tag_prefixes(c, "virtualnetwork", &p, &n), 0);
	ck_assert_str_eq(joined(p, n), "10.1.0.0/16 10.2.0.0/16 168.63.129.16/32");
	free(p);
	/* Internet: public space minus the VNets, from 1.0.0.0/8. */
	ck_assert_int_eq(nsg_tag_prefixes(c, "Internet", &p, &n), 0);
	ck_assert_uint_gt(n, 4);
	ck_assert_str_eq(joined(p, 2), "1.0.0.0/8 2.0.0.0/7");
	for (i = 0, covered = false; i < n; i++)
		covered |= pfx_contains_ip(p[i], A("10.1.1.4")) ||
			   pfx_contains_ip(p[i], A("192.168.1.1"));
	ck_assert(!covered);
	free(p);
	ck_assert_int_eq(nsg_tag_prefixes(c, "AzureLoadBalancer", &p, &n), 0);
	ck_assert_str_eq(joined(p, n), "168.63.129.16/32");
	free(p);
	ck_assert_int_eq(nsg_tag_prefixes(c, "AzurePlatformIMDS", &p, &n), 0);
	ck_assert_str_eq(joined(p, n), "169.254.169.254/32");
	free(p);
	ck_assert_int_eq(nsg_tag_prefixes(c, "AzurePlatformLKM", &p, &n), 0);
	ck_assert_str_eq(joined(p, n),
			 "20.118.99.224/32 23.102.135.246/32 40.83.235.53/32");
	free(p);
	/* A published tag: its list as written. */
	ck_assert_int_eq(nsg_tag_prefixes(c, "AzureCloud", &p, &n), 0);
	ck_assert_uint_eq(n, tagset_find(topo.tags, "AzureCloud")->npfx);
	free(p);
	ck_assert_int_eq(nsg_tag_prefixes(c, "AzureClod", &p, &n), -ENOENT);
	ck_assert_ptr_null(p);
}
END_TEST

/* MODEL §5 tags: VirtualNetwork lists each prefix once, where it first
 * appears, when user routes repeat the VNet's, its peer's and the DNS
 * host's prefixes. */
START_TEST(tag_prefixes_repeats)
{
	const struct nsgctx *c;
	struct pfx *p;
	size_t n;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    peerings: [w]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	     "  - name: w\n"
	     "    address_space: [10.2.0.0/16]\n"
	     "route_tables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: a, prefix: 10.2.0.0/16, next_hop_type: None}\n"
	     "      - {name: b, prefix: 192.168.5.0/24, next_hop_type: None}\n"
	     "      - {name: c, prefix: 168.63.129.16/32, next_hop_type: None}\n"
	     "      - {name: d, prefix: 10.1.0.0/16, next_hop_type: None}\n");
	c = ctx("v", "s1");
	ck_assert_int_eq(nsg_tag_prefixes(c, "VirtualNetwork", &p, &n), 0);
	ck_assert_str_eq(joined(p, n), "10.1.0.0/16 10.2.0.0/16 "
			 "168.63.129.16/32 192.168.5.0/24");
	free(p);
}
END_TEST

/* MODEL §5: the state of each hidden rule as `ftsim rules` lists it. */
START_TEST(platform_info_states)
{
	struct nsg_platform_info pi;

	load(FORCED_NET(""));
	nsg_platform_info(ctx("v", "bgp"), NULL, G("denyall"), PLAT_LKM, &pi);
	ck_assert_int_eq(pi.state, PLAT_OFF_BY_ROUTE);
	ck_assert_uint_eq(pi.ndst, 3);
	ck_assert_uint_eq(pi.port, 1688);
	nsg_platform_info(ctx("v", "udr-inet"), NULL, G("denyall"), PLAT_LKM,
			  &pi);
	ck_assert_int_eq(pi.state, PLAT_ACTIVE);
	ck_assert_ptr_null(pi.deny_rule);
	nsg_platform_info(ctx("v", "bgp"), NULL, G("denyall"), PLAT_DNS, &pi);
	ck_assert_int_eq(pi.state, PLAT_ACTIVE);
	ck_assert_uint_eq(pi.proto, PROTO_TCP | PROTO_UDP);
	nsg_platform_info(ctx("v", "bgp"), NULL, NULL, PLAT_IMDS, &pi);
	ck_assert_int_eq(pi.state, PLAT_NO_NSG);

	teardown();
	setup();
	load(NET
	     "nsgs:\n"
	     "  - name: g\n"
	     "    rules:\n"
	     "      - {name: NoDnsUdp, priority: 300, direction: Outbound, "
	     "access: Deny, protocol: Udp, destination: AzurePlatformDNS}\n"
	     "      - {name: NoDnsAll, priority: 400, direction: Outbound, "
	     "access: Deny, destination: AzurePlatformDNS}\n"
	     "      - {name: NoImds443, priority: 500, direction: Outbound, "
	     "access: Deny, destination: AzurePlatformIMDS, "
	     "destination_ports: 443}\n"
	     "      - {name: NoLkm, priority: 600, direction: Outbound, "
	     "access: Deny, destination: AzurePlatformLKM}\n");
	/* The first deny rule by priority decides: UDP only is partial. */
	nsg_platform_info(ctx("v", "s1"), G("g"), NULL, PLAT_DNS, &pi);
	ck_assert_int_eq(pi.state, PLAT_PARTLY_OFF);
	ck_assert_str_eq(pi.deny_rule->name, "NoDnsUdp");
	ck_assert_ptr_eq(pi.deny_nsg, G("g"));
	/* A deny on another port leaves the rule on. */
	nsg_platform_info(ctx("v", "s1"), NULL, G("g"), PLAT_IMDS, &pi);
	ck_assert_int_eq(pi.state, PLAT_ACTIVE);
	ck_assert_str_eq(pi.deny_rule->name, "NoImds443");
	nsg_platform_info(ctx("v", "s1"), NULL, G("g"), PLAT_LKM, &pi);
	ck_assert_int_eq(pi.state, PLAT_OFF_BY_RULE);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("nsg");
	TCase *rules = tcase_create("rules");
	TCase *tags = tcase_create("tags");
	TCase *order = tcase_create("order");
	TCase *plat = tcase_create("platform");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(rules, setup, teardown);
	tcase_add_test(rules, default_rules_in_order);
	tcase_add_test(rules, default_rule_by_address);
	tcase_add_test(rules, user_rules_by_priority_not_file_order);
	tcase_add_test(rules, destination_port_ranges_and_lists);
	tcase_add_test(rules, source_port_ranges);
	tcase_add_test(rules, protocol_tcp_udp_any);
	tcase_add_test(rules, cidr_lists);
	suite_add_tcase(s, rules);

	tcase_add_checked_fixture(tags, setup, teardown);
	tcase_add_test(tags, internet_tag);
	tcase_add_test(tags, virtualnetwork_tag_members);
	tcase_add_test(tags, virtualnetwork_tag_widened_by_default_route);
	tcase_add_test(tags, virtualnetwork_tag_switch_off);
	tcase_add_test(tags, azurecloud_tag_from_builtin_list);
	tcase_add_test(tags, azureloadbalancer_tag);
	tcase_add_test(tags, check_tags_rejects_unknown_tag);
	tcase_add_test(tags, check_tags_accepts_known_tags);
	tcase_add_test(tags, intervals_to_prefixes);
	tcase_add_test(tags, tag_prefixes_expand);
	tcase_add_test(tags, tag_prefixes_repeats);
	suite_add_tcase(s, tags);

	tcase_add_checked_fixture(order, setup, teardown);
	tcase_add_test(order, outbound_nic_then_subnet);
	tcase_add_test(order, inbound_subnet_then_nic);
	tcase_add_test(order, no_nsg_allows);
	suite_add_tcase(s, order);

	tcase_add_checked_fixture(plat, setup, teardown);
	tcase_add_loop_test(plat, platform_rules_pass_deny_all, 0,
			    sizeof(platform_cases) / sizeof(platform_cases[0]));
	tcase_add_loop_test(plat, ip_flow_verify_blind_to_platform, 0,
			    sizeof(platform_cases) / sizeof(platform_cases[0]));
	tcase_add_loop_test(plat, platform_tag_deny_disables_only_its_own, 0,
			    sizeof(tag_denies) / sizeof(tag_denies[0]));
	tcase_add_test(plat, platform_tag_allow_disables_nothing);
	tcase_add_test(plat, lkm_off_with_forced_default);
	tcase_add_test(plat, lkm_switch_off_keeps_lkm);
	tcase_add_test(plat, platform_info_states);
	suite_add_tcase(s, plat);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
