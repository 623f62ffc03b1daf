/*
 * test_walk.c: the path walk (MODEL.md §2-§4, §7) and the expectation
 * checks.
 *
 * Each test loads a small scenario from a string, replays some of its
 * flows with sim_run_flow and checks the flow_result: delivery, the
 * source the destination saw, the path, the drop reason, the NSG
 * verdict, and the request's bytes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pkt.h"
#include "sim/walk.h"
#include "sim/walkint.h"
#include "topology/scenario.h"
#include "tests/unit/fixture.h"


/* Results are large (the trace is fixed-size): kept out of the stack. */
static struct flow_result res, res2;

/* The fixture's teardown, and the results' arrays. */
static void
teardown_res(void)
{
	flow_result_free(&res);
	flow_result_free(&res2);
	teardown();
}

static const struct flow *
flow(const char *name)
{
	size_t i;

	for (i = 0; i < topo.nflows; i++)
		if (topo.flows[i].name && strcmp(topo.flows[i].name, name) == 0)
			return &topo.flows[i];
	ck_abort_msg("no flow %s", name);
	return NULL;
}

/* Replay flow `name` into *r. */
static const struct flow_result *
run_into(const char *name, struct flow_result *r)
{
	ck_assert_int_eq(sim_run_flow(sim, flow(name), r), 0);
	return r;
}

static const struct flow_result *
run(const char *name)
{
	return run_into(name, &res);
}

static uint32_t
A(const char *s)
{
	uint32_t ip;

	ck_assert_msg(ip_parse(s, &ip) == 0, "bad address %s", s);
	return ip;
}

static void
path_text(const struct flow_result *r, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < r->npath && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
				      fr_str(r, r->path[i]));
}

/* The path is exactly the NULL-terminated list of nodes. */
static void
assert_path(const struct flow_result *r, const char *const *want)
{
	char got[1024];
	size_t n = 0, i;
	bool ok = true;

	while (want[n] != NULL)
		n++;
	path_text(r, got, sizeof(got));
	ok = r->npath == n;
	for (i = 0; ok && i < n; i++)
		ok = strcmp(fr_str(r, r->path[i]), want[i]) == 0;
	ck_assert_msg(ok, "path of %s is [%s]", r->flow->name, got);
}

#define PATH(r, ...) assert_path((r), (const char *const[]){ __VA_ARGS__, NULL })

static size_t
path_count(const struct flow_result *r, const char *node)
{
	size_t i, n = 0;

	for (i = 0; i < r->npath; i++)
		n += strcmp(fr_str(r, r->path[i]), node) == 0;
	return n;
}

static void
assert_delivered_from(const struct flow_result *r, const char *src,
		      enum srcclass cls)
{
	char got[IP_STRLEN];

	ck_assert_msg(r->delivered, "%s not delivered: %s", r->flow->name,
		      r->drop_reason ? r->drop_reason : "?");
	ck_assert_ptr_null(r->drop_reason);
	ck_assert(r->has_source_seen);
	ip_format(r->source_seen, got);
	ck_assert_msg(r->source_seen == A(src), "%s: source seen %s, want %s",
		      r->flow->name, got, src);
	ck_assert_msg(r->source_class == cls, "%s: source class %s, want %s",
		      r->flow->name, srcclass_name(r->source_class),
		      srcclass_name(cls));
}

static void
assert_dropped(const struct flow_result *r, const char *reason)
{
	ck_assert_msg(!r->delivered, "%s delivered, want drop %s",
		      r->flow->name, reason);
	ck_assert_ptr_nonnull(r->drop_reason);
	ck_assert_str_eq(r->drop_reason, reason);
	ck_assert(!r->tcp_connect);
	ck_assert_int_eq(r->activation, ACT_NONE);
	ck_assert(!r->has_source_seen);
	ck_assert_int_eq(r->source_class, SRC_NONE);
}

/* ---------------------------------------------------------------- */
/* Scenarios shared by several tests */

/* A VNet whose circuit advertises ADV; the on-premises site contoso. */
#define CIRCUIT_NET(adv, public_peering, onprem_extra, flows)		\
	"scenario: t\n"							\
	"vnets:\n"							\
	"  - name: ArmVNet-DM\n"					\
	"    address_space: [10.1.0.0/16]\n"				\
	"    gateway: er-gw\n"						\
	"    subnets: [{name: Subnet-1, prefix: 10.1.1.0/24}]\n"	\
	"vms:\n"							\
	"  - {name: vm1, vnet: ArmVNet-DM, subnet: Subnet-1, ip: 10.1.1.4}\n" \
	"expressroute:\n"						\
	"  - name: er-circuit\n"					\
	"    sku: Premium\n"						\
	"    gateway: er-gw\n"						\
	"    private_peering:\n"					\
	"      advertised: [" adv "]\n"					\
	"      next_hops: [192.168.255.1]\n"				\
	public_peering							\
	"onprem:\n"							\
	"  name: contoso\n"						\
	"  prefixes: [192.168.0.0/16]\n"				\
	"  internet_edge_ip: 198.51.100.10\n"				\
	onprem_extra							\
	"flows:\n"							\
	"  - {name: kms, from: vm1, to: kms.core.windows.net, port: 1688}\n" \
	"  - {name: web, from: vm1, to: 93.184.216.34, port: 443}\n"	\
	"  - {name: onprem, from: vm1, to: 192.168.10.5, port: 445}\n"	\
	flows

#define PUBLIC_PEERING							\
	"    public_peering: {nat_pool: [203.0.113.8/29]}\n"

static const char forced_tunnel[] =
	CIRCUIT_NET("0.0.0.0/0, 192.168.0.0/16", "", "", "");
static const char customer_hairpin[] =
	CIRCUIT_NET("0.0.0.0/0, 192.168.0.0/16", PUBLIC_PEERING, "", "");
static const char azure_hairpin[] =
	CIRCUIT_NET("192.168.0.0/16", PUBLIC_PEERING, "", "");

/* Outbound SNAT choices, one VM per case. */
static const char snat_net[] =
	"scenario: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    address_space: [10.1.0.0/16]\n"
	"    subnets:\n"
	"      - {name: natgw, prefix: 10.1.1.0/24, nat_gateway_ip: 20.7.7.7}\n"
	"      - {name: plain, prefix: 10.1.2.0/24}\n"
	"      - {name: closed, prefix: 10.1.3.0/24, default_outbound_access: false}\n"
	"vms:\n"
	"  - {name: all, vnet: v, subnet: natgw, ip: 10.1.1.4, "
	"public_ip: 52.160.10.1, lb_outbound_ip: 52.160.20.2}\n"
	"  - {name: pip, vnet: v, subnet: plain, ip: 10.1.2.4, "
	"public_ip: 52.160.10.1, lb_outbound_ip: 52.160.20.2}\n"
	"  - {name: lb, vnet: v, subnet: plain, ip: 10.1.2.5, "
	"lb_outbound_ip: 52.160.20.2}\n"
	"  - {name: bare, vnet: v, subnet: plain, ip: 10.1.2.6}\n"
	"  - {name: closed-lb, vnet: v, subnet: closed, ip: 10.1.3.5, "
	"lb_outbound_ip: 52.160.20.2}\n"
	"  - {name: closed-bare, vnet: v, subnet: closed, ip: 10.1.3.4}\n"
	"flows:\n"
	"  - {name: all, from: all, to: 93.184.216.34, port: 443}\n"
	"  - {name: pip, from: pip, to: 93.184.216.34, port: 443}\n"
	"  - {name: lb, from: lb, to: 93.184.216.34, port: 443}\n"
	"  - {name: bare, from: bare, to: 93.184.216.34, port: 443}\n"
	"  - {name: closed-lb, from: closed-lb, to: 93.184.216.34, port: 443}\n"
	"  - {name: closed-bare, from: closed-bare, to: 93.184.216.34, port: 443}\n"
	"  - {name: bare-kms, from: bare, to: kms.core.windows.net, port: 1688}\n"
	"  - {name: bare-kms-1689, from: bare, to: 23.102.135.246, port: 1689}\n"
	"  - {name: bare-azure-web, from: bare, to: 23.102.135.246, port: 443}\n";

/* Appliances: one client subnet per case, the appliances in `appl`. */
static const char nva_net[] =
	"scenario: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    address_space: [10.1.0.0/16]\n"
	"    subnets:\n"
	"      - {name: to-nofwd, prefix: 10.1.1.0/24, route_table: to-nofwd}\n"
	"      - {name: to-nosnat, prefix: 10.1.2.0/24, route_table: to-nosnat}\n"
	"      - {name: to-missing, prefix: 10.1.3.0/24, route_table: to-missing}\n"
	"      - {name: loop-a, prefix: 10.1.4.0/24, route_table: to-b}\n"
	"      - {name: loop-b, prefix: 10.1.5.0/24, route_table: to-a}\n"
	"      - {name: to-good, prefix: 10.1.6.0/24, route_table: to-good}\n"
	"      - {name: appl, prefix: 10.1.9.0/24}\n"
	"vms:\n"
	"  - {name: c1, vnet: v, subnet: to-nofwd, ip: 10.1.1.4}\n"
	"  - {name: c2, vnet: v, subnet: to-nosnat, ip: 10.1.2.4}\n"
	"  - {name: c3, vnet: v, subnet: to-missing, ip: 10.1.3.4}\n"
	"  - {name: c5, vnet: v, subnet: loop-a, ip: 10.1.4.10}\n"
	"  - {name: c6, vnet: v, subnet: to-good, ip: 10.1.6.4}\n"
	"  - {name: nofwd, vnet: v, subnet: appl, ip: 10.1.9.4, ip_forwarding: false}\n"
	"  - {name: nosnat, vnet: v, subnet: appl, ip: 10.1.9.5, "
	"ip_forwarding: true, snat: false}\n"
	"  - {name: good, vnet: v, subnet: appl, ip: 10.1.9.6, "
	"public_ip: 52.160.10.1, ip_forwarding: true, snat: true}\n"
	"  - {name: fwa, vnet: v, subnet: loop-a, ip: 10.1.4.4, ip_forwarding: true}\n"
	"  - {name: fwb, vnet: v, subnet: loop-b, ip: 10.1.5.4, ip_forwarding: true}\n"
	"route_tables:\n"
	"  - {name: to-nofwd, routes: [{name: d, prefix: 0.0.0.0/0, "
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.4}]}\n"
	"  - {name: to-nosnat, routes: [{name: d, prefix: 0.0.0.0/0, "
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.5}]}\n"
	"  - {name: to-missing, routes: [{name: d, prefix: 0.0.0.0/0, "
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.99}]}\n"
	"  - {name: to-a, routes: [{name: d, prefix: 0.0.0.0/0, "
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.4.4}]}\n"
	"  - {name: to-b, routes: [{name: d, prefix: 0.0.0.0/0, "
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.5.4}]}\n"
	"  - {name: to-good, routes: [{name: d, prefix: 0.0.0.0/0, "
	"next_hop_type: VirtualAppliance, next_hop_ip: 10.1.9.6}]}\n"
	"flows:\n"
	"  - {name: nofwd, from: c1, to: 93.184.216.34, port: 443}\n"
	"  - {name: nosnat, from: c2, to: 93.184.216.34, port: 443}\n"
	"  - {name: missing, from: c3, to: 93.184.216.34, port: 443}\n"
	"  - {name: loop, from: c5, to: 93.184.216.34, port: 443}\n"
	"  - {name: good, from: c6, to: 93.184.216.34, port: 443}\n"
	"  - {name: good-kms, from: c6, to: kms.core.windows.net, port: 1688}\n";

/* Two subnets and a peered VNet; the database NIC denies 1433 from s1. */
static const char vnet_net[] =
	"scenario: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    address_space: [10.1.0.0/16]\n"
	"    peerings: [spoke]\n"
	"    subnets:\n"
	"      - {name: s1, prefix: 10.1.1.0/24, route_table: rt}\n"
	"      - {name: s2, prefix: 10.1.2.0/24}\n"
	"  - name: spoke\n"
	"    address_space: [10.2.0.0/16]\n"
	"    subnets: [{name: p1, prefix: 10.2.1.0/24}]\n"
	"vms:\n"
	"  - {name: vm1, vnet: v, subnet: s1, ip: 10.1.1.4}\n"
	"  - {name: db, vnet: v, subnet: s2, ip: 10.1.2.5, nsg: db-nsg}\n"
	"  - {name: far, vnet: spoke, subnet: p1, ip: 10.2.1.7}\n"
	"route_tables:\n"
	"  - name: rt\n"
	"    routes: [{name: Sink, prefix: 93.184.216.0/24, next_hop_type: None}]\n"
	"nsgs:\n"
	"  - name: db-nsg\n"
	"    rules:\n"
	"      - {name: DenySqlFromS1, priority: 100, direction: Inbound, "
	"access: Deny, protocol: Tcp, source: 10.1.1.0/24, "
	"destination_ports: 1433}\n"
	"flows:\n"
	"  - {name: ssh, from: vm1, to: 10.1.2.5, port: 22}\n"
	"  - {name: sql, from: vm1, to: 10.1.2.5, port: 1433}\n"
	"  - {name: empty, from: vm1, to: 10.1.2.99, port: 22}\n"
	"  - {name: peer, from: vm1, to: 10.2.1.7, port: 22}\n"
	"  - {name: sink, from: vm1, to: 93.184.216.34, port: 443}\n";

/* A subnet whose table sends everything to None. */
static const char none_net[] =
	"scenario: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    address_space: [10.1.0.0/16]\n"
	"    subnets: [{name: s1, prefix: 10.1.1.0/24, route_table: rt}]\n"
	"vms:\n"
	"  - {name: vm1, vnet: v, subnet: s1, ip: 10.1.1.4}\n"
	"route_tables:\n"
	"  - name: rt\n"
	"    routes: [{name: Nothing, prefix: 0.0.0.0/0, next_hop_type: None}]\n"
	"flows:\n"
	"  - {name: dns, from: vm1, to: 168.63.129.16, protocol: Udp, port: 53}\n"
	"  - {name: dns-tcp, from: vm1, to: 168.63.129.16, protocol: Tcp, port: 53}\n"
	"  - {name: imds, from: vm1, to: 169.254.169.254, port: 80}\n"
	"  - {name: web, from: vm1, to: 8.8.8.8, port: 443}\n";

/* ---------------------------------------------------------------- */
/* §2 Internet */

/* MODEL §2 Internet: SNAT order NAT gateway > public IP > LB > default. */
START_TEST(snat_order_at_internet)
{
	static const struct {
		const char *flow;
		const char *src;
	} want[] = {
		{ "all", "20.7.7.7" },
		{ "pip", "52.160.10.1" },
		{ "lb", "52.160.20.2" },
		{ "bare", "20.42.0.10" },
		{ "closed-lb", "52.160.20.2" },
	};
	size_t i;

	load(snat_net);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct flow_result *r = run(want[i].flow);

		ck_assert_msg(r->delivered, "%s", want[i].flow);
		ck_assert_msg(r->source_seen == A(want[i].src),
			      "%s: wrong SNAT address", want[i].flow);
		ck_assert(r->tcp_connect);
		ck_assert_int_eq(r->hairpin, HAIRPIN_NONE);
	}
	/* The default outbound address is an Azure public IP. */
	ck_assert_int_eq(run("bare")->source_class, SRC_AZURE);
}
END_TEST

/* MODEL §2 Internet: no SNAT source and no default access: dropped. */
START_TEST(no_outbound_without_default_access)
{
	const struct flow_result *r;

	load(snat_net);
	r = run("closed-bare");
	assert_dropped(r, "no-outbound");
	ck_assert_uint_eq(path_count(r, "internet"), 0);
}
END_TEST

/* MODEL §2 Internet: Azure-owned destinations stay on the backbone. */
START_TEST(azure_destination_stays_on_backbone)
{
	const struct flow_result *r;

	load(snat_net);
	r = run("bare-kms");
	PATH(r, "bare", "plain", "azure-edge", "kms");
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	r = run("bare-azure-web");
	ck_assert(r->delivered);
	ck_assert_uint_eq(path_count(r, "internet"), 0);
	ck_assert_uint_eq(path_count(r, "azure-edge"), 1);
	r = run("bare");
	PATH(r, "bare", "plain", "azure-edge", "internet", "93.184.216.34");
}
END_TEST

/* ---------------------------------------------------------------- */
/* §3 circuit and on-premises */

/* MODEL §3: forced tunnel, KMS sees the on-premises edge and refuses. */
START_TEST(forced_tunnel_source_is_onprem_edge)
{
	const struct flow_result *r;

	load(forced_tunnel);
	r = run("kms");
	PATH(r, "vm1", "Subnet-1", "er-gw", "er-circuit", "contoso",
	     "internet", "kms");
	assert_delivered_from(r, "198.51.100.10", SRC_ONPREM_EDGE);
	ck_assert(r->tcp_connect);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
	ck_assert_int_eq(r->hairpin, HAIRPIN_NONE);
	/* No NSG, and the KMS platform rule is off under the BGP default
	 * (MODEL §5): nothing decided. */
	ck_assert_str_eq(fr_str(r, r->nsg_rule), "");
	ck_assert(!r->nsg_rule_hidden);
	ck_assert(!r->flow_logged);
}
END_TEST

/* MODEL §3: on-premises destinations see the private source. */
START_TEST(onprem_destination_private_source)
{
	const struct flow_result *r;

	load(forced_tunnel);
	r = run("onprem");
	PATH(r, "vm1", "Subnet-1", "er-gw", "er-circuit", "contoso",
	     "192.168.10.5");
	assert_delivered_from(r, "10.1.1.4", SRC_PRIVATE);
	ck_assert(r->tcp_connect);
	ck_assert_int_eq(r->hairpin, HAIRPIN_NONE);
}
END_TEST

/* MODEL §3: the on-premises edge's egress filter drops. */
START_TEST(onprem_edge_block_drops)
{
	const struct flow_result *r;

	load(CIRCUIT_NET("0.0.0.0/0, 192.168.0.0/16", "",
			 "  block: [{protocol: Tcp, destination_ports: 1688}]\n",
			 ""));
	r = run("kms");
	assert_dropped(r, "onprem-blocked");
	ck_assert_uint_eq(path_count(r, "contoso"), 1);
	ck_assert_uint_eq(path_count(r, "internet"), 0);
	ck_assert_uint_eq(path_count(r, "kms"), 0);
	/* Only what the filter names is blocked. */
	r = run("web");
	assert_delivered_from(r, "198.51.100.10", SRC_ONPREM_EDGE);
}
END_TEST

/* MODEL §3 hairpin customer: CE SNATs to the pool, circuit crossed twice. */
START_TEST(customer_hairpin_crosses_circuit_twice)
{
	const struct flow_result *r;

	load(customer_hairpin);
	r = run("kms");
	PATH(r, "vm1", "Subnet-1", "er-gw", "er-circuit", "contoso",
	     "er-circuit", "kms");
	ck_assert_uint_eq(path_count(r, "er-circuit"), 2);
	ck_assert_int_eq(r->hairpin, HAIRPIN_CUSTOMER);
	assert_delivered_from(r, "203.0.113.9", SRC_PUBLIC_PEERING_NAT);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	/* A destination outside Azure still leaves by the edge. */
	r = run("web");
	ck_assert_int_eq(r->hairpin, HAIRPIN_NONE);
	assert_delivered_from(r, "198.51.100.10", SRC_ONPREM_EDGE);
}
END_TEST

/* MODEL §3 hairpin azure: turns around at the MSEE, never on-premises. */
START_TEST(azure_hairpin_never_reaches_onprem)
{
	const struct flow_result *r;

	load(azure_hairpin);
	r = run("kms");
	ck_assert_int_eq(r->hairpin, HAIRPIN_AZURE);
	ck_assert_uint_eq(path_count(r, "contoso"), 0);
	ck_assert_uint_eq(path_count(r, "er-circuit"), 1);
	ck_assert_uint_eq(path_count(r, "internet"), 0);
	ck_assert(r->delivered);
	ck_assert_int_eq(r->source_class, SRC_AZURE);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	/* Not an Azure destination: no hairpin, over the Internet. */
	r = run("web");
	ck_assert_int_eq(r->hairpin, HAIRPIN_NONE);
	ck_assert_uint_eq(path_count(r, "er-circuit"), 0);
	ck_assert_uint_eq(path_count(r, "internet"), 1);
	/* On-premises is still reached over private peering. */
	r = run("onprem");
	ck_assert_uint_eq(path_count(r, "contoso"), 1);
	ck_assert_int_eq(r->hairpin, HAIRPIN_NONE);
}
END_TEST

/* MODEL §4 switch kms_accepts_public_peering_nat: off, refused. */
START_TEST(kms_refuses_public_peering_nat_when_switched_off)
{
	const struct flow_result *r;

	load(CIRCUIT_NET("0.0.0.0/0, 192.168.0.0/16", PUBLIC_PEERING, "", "")
	     "model: {kms_accepts_public_peering_nat: false}\n");
	r = run("kms");
	ck_assert_int_eq(r->hairpin, HAIRPIN_CUSTOMER);
	assert_delivered_from(r, "203.0.113.9", SRC_PUBLIC_PEERING_NAT);
	ck_assert(r->tcp_connect);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
}
END_TEST

/* ---------------------------------------------------------------- */
/* §2 VirtualAppliance */

/* MODEL §2 VirtualAppliance: an appliance needs IP forwarding. */
START_TEST(appliance_without_forwarding_drops)
{
	const struct flow_result *r;

	load(nva_net);
	r = run("nofwd");
	assert_dropped(r, "appliance-no-forwarding");
	ck_assert_uint_eq(path_count(r, "nofwd"), 1);
}
END_TEST

/* MODEL §2 VirtualAppliance: to the Internet it must SNAT first. */
START_TEST(appliance_without_snat_to_internet_drops)
{
	const struct flow_result *r;

	load(nva_net);
	r = run("nosnat");
	assert_dropped(r, "nva-no-snat");
	ck_assert_uint_eq(path_count(r, "nosnat"), 1);
}
END_TEST

/* MODEL §2 VirtualAppliance: the next-hop IP must be a NIC. */
START_TEST(appliance_missing_drops)
{
	load(nva_net);
	assert_dropped(run("missing"), "appliance-unreachable");
}
END_TEST

/* MODEL §2 VirtualAppliance: appliances routing to each other loop. */
START_TEST(appliances_routing_to_each_other_loop)
{
	const struct flow_result *r;

	load(nva_net);
	r = run("loop");
	assert_dropped(r, "routing-loop");
	ck_assert_uint_ge(path_count(r, "fwb"), 1);
	ck_assert_uint_ge(path_count(r, "fwa"), 1);
}
END_TEST

/* MODEL §2 VirtualAppliance: SNAT to itself, then its own subnet's routes. */
START_TEST(appliance_snat_then_own_routes)
{
	const struct flow_result *r;

	load(nva_net);
	r = run("good");
	PATH(r, "c6", "to-good", "good", "appl", "azure-edge", "internet",
	     "93.184.216.34");
	assert_delivered_from(r, "52.160.10.1", SRC_AZURE);
	r = run("good-kms");
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
}
END_TEST

/* ---------------------------------------------------------------- */
/* §2 VnetLocal, VNetPeering, None */

/* MODEL §2 None: dropped. */
START_TEST(udr_none_drops)
{
	const struct flow_result *r;

	load(vnet_net);
	r = run("sink");
	assert_dropped(r, "route-none");
	ck_assert_uint_eq(path_count(r, "azure-edge"), 0);
}
END_TEST

/* MODEL §2 VnetLocal: delivered to the NIC, its inbound NSGs applied. */
START_TEST(vnetlocal_delivered_with_inbound_nsg)
{
	const struct flow_result *r;

	load(vnet_net);
	r = run("ssh");
	PATH(r, "vm1", "s1", "s2", "db");
	assert_delivered_from(r, "10.1.1.4", SRC_PRIVATE);
	ck_assert(r->tcp_connect);

	r = run("sql");
	assert_dropped(r, "nsg-deny");
	ck_assert_uint_eq(path_count(r, "db"), 0);
	/* The flow's own NSG verdict is the source NIC's (none here). */
	ck_assert_str_eq(fr_str(r, r->nsg_rule), "");
	ck_assert(!r->flow_logged);
}
END_TEST

/* MODEL §2 VnetLocal: no NIC at the address: dropped. */
START_TEST(vnetlocal_empty_address_no_host)
{
	load(vnet_net);
	assert_dropped(run("empty"), "no-host");
}
END_TEST

/* MODEL §2 VNetPeering: delivered to the NIC in the peered VNet. */
START_TEST(vnetpeering_delivered)
{
	const struct flow_result *r;

	load(vnet_net);
	r = run("peer");
	PATH(r, "vm1", "s1", "p1", "far");
	assert_delivered_from(r, "10.1.1.4", SRC_PRIVATE);
}
END_TEST

/* MODEL §1 [168]: 168.63.129.16 and 169.254.169.254 are not routed. */
START_TEST(host_addresses_not_routed)
{
	const struct flow_result *r;

	load(none_net);
	r = run("dns");
	PATH(r, "vm1", "azure-dns");
	assert_delivered_from(r, "10.1.1.4", SRC_PRIVATE);
	r = run("dns-tcp");
	PATH(r, "vm1", "azure-dns");
	ck_assert(r->tcp_connect);
	r = run("imds");
	PATH(r, "vm1", "imds");
	ck_assert(r->delivered);
	ck_assert(r->tcp_connect);
	/* Everything else follows the None route. */
	assert_dropped(run("web"), "route-none");
}
END_TEST

/* ---------------------------------------------------------------- */
/* §4 services */

/* MODEL §4 KMS: another port reaches the host, the handshake fails. */
START_TEST(kms_wrong_port_no_connect)
{
	const struct flow_result *r;

	load(snat_net);
	r = run("bare-kms-1689");
	ck_assert(r->delivered);
	ck_assert(!r->tcp_connect);
	ck_assert_int_eq(r->activation, ACT_NONE);
	ck_assert_ptr_null(r->drop_reason);
	r = run("bare-kms");
	ck_assert(r->tcp_connect);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
}
END_TEST

/* MODEL §4 SUSE update servers: the same source rule as KMS. */
START_TEST(suse_checks_source)
{
	const struct flow_result *r;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    gateway: er-gw\n"
	     "    subnets:\n"
	     "      - {name: forced, prefix: 10.1.1.0/24}\n"
	     "      - {name: direct, prefix: 10.1.2.0/24, route_table: nobgp}\n"
	     "vms:\n"
	     "  - {name: sles1, vnet: v, subnet: forced, ip: 10.1.1.4}\n"
	     "  - {name: sles2, vnet: v, subnet: direct, ip: 10.1.2.4}\n"
	     "route_tables:\n"
	     "  - {name: nobgp, disable_bgp_route_propagation: true, routes: []}\n"
	     "expressroute:\n"
	     "  - name: er-circuit\n"
	     "    sku: Premium\n"
	     "    gateway: er-gw\n"
	     "    private_peering: {advertised: [0.0.0.0/0]}\n"
	     "onprem: {name: contoso, prefixes: [192.168.0.0/16], "
	     "internet_edge_ip: 198.51.100.10}\n"
	     "flows:\n"
	     "  - {name: forced, from: sles1, to: smt-azure.susecloud.net, port: 443}\n"
	     "  - {name: direct, from: sles2, to: smt-azure.susecloud.net, port: 443}\n"
	     "  - {name: direct-2, from: sles2, to: 23.101.127.162, port: 443}\n");
	r = run("forced");
	ck_assert_uint_eq(path_count(r, "suse"), 1);
	assert_delivered_from(r, "198.51.100.10", SRC_ONPREM_EDGE);
	ck_assert(r->tcp_connect);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
	r = run("direct");
	PATH(r, "sles2", "direct", "azure-edge", "suse");
	ck_assert_int_eq(r->source_class, SRC_AZURE);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	ck_assert_int_eq(run("direct-2")->activation, ACT_ACCEPTED);
}
END_TEST

/* MODEL §4 national clouds: China's KMS wants a China Azure address. */
/* MODEL §4: a dns: override of a KMS name adds a KMS server; the
 * documented addresses keep serving (and keep their platform rule). */
START_TEST(kms_dns_override_adds)
{
	const struct flow_result *r;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24, nsg: n}]\n"
	     "vms:\n"
	     "  - {name: vm, vnet: v, subnet: s1, ip: 10.1.1.4}\n"
	     "nsgs:\n"
	     "  - name: n\n"
	     "    rules: [{name: DenyAll, priority: 100, direction: Outbound, "
	     "access: Deny}]\n"
	     "dns:\n"
	     "  kms.core.windows.net: 20.118.99.224\n"
	     "flows:\n"
	     "  - {name: new, from: vm, to: kms.core.windows.net, port: 1688}\n"
	     "  - {name: old, from: vm, to: 23.102.135.246, port: 1688}\n");
	r = run("new");
	ck_assert_uint_eq(r->dst, IP4(20, 118, 99, 224));
	ck_assert_str_eq(fr_str(r, r->nsg_rule), "AzurePlatformLKM");
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	r = run("old");
	ck_assert_str_eq(fr_str(r, r->nsg_rule), "AzurePlatformLKM");
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	ck_assert_str_eq(fr_str(r, r->path[r->npath - 1]), "kms");
}
END_TEST

START_TEST(china_cloud_kms)
{
	const struct flow_result *r;

	load("scenario: t\n"
	     "cloud: AzureChinaCloud\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.1.0.0/16]\n"
	     "    subnets: [{name: s1, prefix: 10.1.1.0/24}]\n"
	     "vms:\n"
	     "  - {name: cn, vnet: v, subnet: s1, ip: 10.1.1.4}\n"
	     "  - {name: global, vnet: v, subnet: s1, ip: 10.1.1.5, "
	     "public_ip: 52.160.10.1}\n"
	     "flows:\n"
	     "  - {name: cn, from: cn, to: kms.core.chinacloudapi.cn, port: 1688}\n"
	     "  - {name: cn-az, from: cn, to: azkms.core.chinacloudapi.cn, port: 1688}\n"
	     "  - {name: global, from: global, to: kms.core.chinacloudapi.cn, "
	     "port: 1688}\n");
	r = run("cn");
	ck_assert_uint_eq(r->dst, IP4(42, 159, 7, 249));
	PATH(r, "cn", "s1", "azure-edge", "kms");
	ck_assert_int_eq(r->source_class, SRC_AZURE);
	ck_assert_uint_eq(r->source_seen >> 16, IP4(42, 159, 0, 0) >> 16);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	r = run("cn-az");
	ck_assert_uint_eq(r->dst, IP4(159, 27, 28, 100));
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	r = run("global");
	assert_delivered_from(r, "52.160.10.1", SRC_OTHER);
	ck_assert(r->tcp_connect);
	ck_assert_int_eq(r->activation, ACT_REFUSED);
}
END_TEST

/* ---------------------------------------------------------------- */
/* §5 through the walk */

/* MODEL §5/§6: KMS 1688 passes unlogged, 1687 is denied and logged. */
START_TEST(hidden_platform_rule_in_flow)
{
	const struct flow_result *r;

	load("scenario: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    address_space: [10.2.0.0/16]\n"
	     "    subnets: [{name: w, prefix: 10.2.1.0/24, nsg: deny-internet}]\n"
	     "vms:\n"
	     "  - {name: winvm, vnet: v, subnet: w, ip: 10.2.1.4}\n"
	     "nsgs:\n"
	     "  - name: deny-internet\n"
	     "    rules:\n"
	     "      - {name: DenyInternetOutbound, priority: 4000, "
	     "direction: Outbound, access: Deny, destination: Internet}\n"
	     "flows:\n"
	     "  - {name: kms, from: winvm, to: kms.core.windows.net, port: 1688}\n"
	     "  - {name: kms-1687, from: winvm, to: kms.core.windows.net, port: 1687}\n");
	r = run("kms");
	ck_assert(r->delivered);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	ck_assert_str_eq(fr_str(r, r->nsg_rule), "AzurePlatformLKM");
	ck_assert(r->nsg_rule_hidden);
	ck_assert(!r->flow_logged);
	ck_assert_int_eq(r->ip_flow_verify, ACCESS_DENY);
	ck_assert_str_eq(fr_str(r, r->ip_flow_verify_rule),
			 "securityRules/DenyInternetOutbound");
	r = run("kms-1687");
	assert_dropped(r, "nsg-deny");
	ck_assert_str_eq(fr_str(r, r->nsg_rule), "DenyInternetOutbound");
	ck_assert(!r->nsg_rule_hidden);
	ck_assert(r->flow_logged);
	ck_assert_int_eq(r->ip_flow_verify, ACCESS_DENY);
	ck_assert_uint_eq(r->npath, 1);
}
END_TEST

/* ---------------------------------------------------------------- */
/* §7 packets */

static const struct {
	const char *yaml;
	const char *flow;
} packet_cases[] = {
	{ forced_tunnel, "kms" },		/* edge SNAT */
	{ customer_hairpin, "kms" },		/* CE SNAT to the pool */
	{ azure_hairpin, "kms" },		/* Azure SNAT */
	{ nva_net, "good" },			/* appliance, then Azure SNAT */
	{ none_net, "dns" },			/* a DNS query, no rewrite */
	{ vnet_net, "ssh" },			/* private, no rewrite */
};

/* MODEL §7: valid checksums after every rewrite, source as seen. */
START_TEST(request_checksums_and_source)
{
	const struct flow_result *r;

	load(packet_cases[_i].yaml);
	r = run(packet_cases[_i].flow);
	ck_assert(r->delivered);
	ck_assert_uint_gt(r->request.len, 20);
	ck_assert_msg(pkt_checksums_ok(&r->request), "bad checksum after %s",
		      packet_cases[_i].flow);
	ck_assert_uint_eq(pkt_src(&r->request), r->source_seen);
	ck_assert_uint_eq(pkt_dst(&r->request), r->dst);
	ck_assert_uint_eq(pkt_dport(&r->request), r->flow->port);
	ck_assert_uint_eq(pkt_sport(&r->request), r->sport);
}
END_TEST

/* MODEL §7: the same flow twice gives the same bytes and trace. */
START_TEST(runs_are_repeatable)
{
	const char *yaml = packet_cases[_i].yaml, *name = packet_cases[_i].flow;

	load(yaml);
	run_into(name, &res);
	run_into(name, &res2);
	ck_assert_uint_eq(res.request.len, res2.request.len);
	ck_assert_mem_eq(res.request.buf, res2.request.buf, res.request.len);
	ck_assert_uint_eq(res.nhops, res2.nhops);
	ck_assert_uint_gt(res.nhops, 1);
	ck_assert(memcmp(res.hops, res2.hops,
			 res.nhops * sizeof(res.hops[0])) == 0);

	/* A new topology and engine from the same text. */
	teardown();
	setup();
	load(yaml);
	run_into(name, &res2);
	ck_assert_uint_eq(res.request.len, res2.request.len);
	ck_assert_mem_eq(res.request.buf, res2.request.buf, res.request.len);
	ck_assert_uint_eq(res.nhops, res2.nhops);
	ck_assert(memcmp(res.hops, res2.hops,
			 res.nhops * sizeof(res.hops[0])) == 0);
	ck_assert_uint_eq(res.npath, res2.npath);
	for (size_t i = 0; i < res.npath; i++)
		ck_assert_str_eq(fr_str(&res, res.path[i]), fr_str(&res2, res2.path[i]));
}
END_TEST

/* ---------------------------------------------------------------- */
/* Long paths: no verdict depends on an array's size */

/* A chain of n appliances (fw1 .. fwN, each in its own subnet whose
 * route table sends 10.6.200.0/24 to the next) between web and db; db
 * answers straight back by its VnetLocal route, so the chain sees one
 * direction only (scenario 23's verdict, asymmetric). */
static char *
chain_yaml(unsigned n)
{
	size_t cap = 4096 + (size_t)n * 512, o = 0;
	char *y = malloc(cap);
	unsigned k;

	ck_assert_ptr_nonnull(y);
#define PUT(...) (o += (size_t)snprintf(y + o, cap - o, __VA_ARGS__))
	PUT("scenario: chain\nvnets:\n  - name: V\n"
	    "    address_space: [10.6.0.0/16]\n    subnets:\n"
	    "      - {name: S0, prefix: 10.6.0.0/24, route_table: T0}\n"
	    "      - {name: D, prefix: 10.6.200.0/24}\n");
	for (k = 1; k < n; k++)
		PUT("      - {name: F%u, prefix: 10.6.%u.0/24, route_table: "
		    "T%u}\n", k, k, k);
	PUT("      - {name: F%u, prefix: 10.6.%u.0/24}\n", n, n);
	PUT("vms:\n  - {name: web, vnet: V, subnet: S0, ip: 10.6.0.4}\n"
	    "  - {name: db, vnet: V, subnet: D, ip: 10.6.200.4}\n");
	for (k = 1; k <= n; k++)
		PUT("  - {name: fw%u, vnet: V, subnet: F%u, ip: 10.6.%u.4, "
		    "ip_forwarding: true}\n", k, k, k);
	PUT("route_tables:\n");
	for (k = 0; k < n; k++)
		PUT("  - name: T%u\n    routes:\n      - {name: next, prefix: "
		    "10.6.200.0/24, next_hop_type: VirtualAppliance, "
		    "next_hop_ip: 10.6.%u.4}\n", k, k + 1);
	PUT("flows:\n  - {name: sql, from: web, to: 10.6.200.4, port: 1433}\n");
#undef PUT
	ck_assert_uint_lt(o, cap);
	return y;
}

static const unsigned chain_lengths[] = { 10, 15, 20, 25, 40, 62 };

/* 10 to 62 appliances: the same verdict, every appliance on the path in
 * order, the trace and the crossings whole (the engine once kept 64
 * trace lines and 32 path nodes, and a 25-appliance chain flipped to
 * reply-no-route). */
START_TEST(appliance_chain_same_verdict)
{
	unsigned n = chain_lengths[_i], k;
	char *y = chain_yaml(n), name[16];
	const struct flow_result *r;
	size_t at = 0, nfw = 0, i;

	load(y);
	free(y);
	r = run("sql");
	ck_assert(r->delivered);
	ck_assert_ptr_null(r->drop_reason);
	ck_assert(r->replied);
	ck_assert(r->asymmetric);
	ck_assert(!r->tcp_connect);
	ck_assert_str_eq(fr_str(r, r->path[r->npath - 1]), "db");
	for (k = 1; k <= n; k++) {
		snprintf(name, sizeof(name), "fw%u", k);
		while (at < r->npath && strcmp(fr_str(r, r->path[at]), name) != 0)
			at++;
		ck_assert_msg(at < r->npath, "%s missing from the path", name);
	}
	for (i = 0; i < r->nhops; i++)
		nfw += strcmp(fx_what(r, &r->hops[i]),
			      "network virtual appliance forwards") == 0;
	ck_assert_uint_eq(nfw, n);
	/* Each appliance's NIC seen twice (in and out), and the reply's
	 * start at db's NIC, not at a crossing cut short. */
	ck_assert_uint_gt(r->nxing, 2 * (size_t)n);
	ck_assert_str_eq(trace_node(r, &r->hops[r->nhops - 1]), "web");
}
END_TEST

/* Past SIM_MAX_STEPS routing decisions the walk says so by name. */
START_TEST(appliance_chain_past_limit_says_path_too_long)
{
	char *y = chain_yaml(SIM_MAX_STEPS);
	const struct flow_result *r;

	load(y);
	free(y);
	r = run("sql");
	ck_assert(!r->delivered);
	ck_assert_str_eq(r->drop_reason, "path-too-long");
	ck_assert_ptr_nonnull(strstr(fx_why(r, &r->hops[r->nhops - 1]), "limit"));
}
END_TEST

/* ---------------------------------------------------------------- */
/* Expectations (FORMAT.md expect) */

static const struct exp_result *
exp_of(const struct flow_result *r, enum exp_key k)
{
	size_t i;

	for (i = 0; i < r->nexp; i++)
		if (r->exp[i].key == k)
			return &r->exp[i];
	ck_abort_msg("%s: no %s check", r->flow->name, exp_key_name(k));
	return NULL;
}

/* FORMAT.md expect: a wrong key fails with want and got. */
START_TEST(wrong_expectation_fails_with_want_and_got)
{
	const struct flow_result *r;
	const struct exp_result *e;

	load(CIRCUIT_NET("0.0.0.0/0, 192.168.0.0/16", "", "",
	     "  - {name: right, from: vm1, to: kms.core.windows.net, port: 1688,\n"
	     "     expect: {delivered: true, tcp_connect: true, activation: refused,\n"
	     "              source_seen: onprem-edge, hairpin: none,\n"
	     "              via: [vm1, Subnet-1, er-gw, er-circuit, contoso, internet, kms],\n"
	     "              flow_logged: false, drop_reason: none}}\n"
	     "  - {name: wrong, from: vm1, to: kms.core.windows.net, port: 1688,\n"
	     "     expect: {delivered: true, activation: accepted, source_seen: azure}}\n"));
	r = run("right");
	ck_assert_uint_eq(r->nexp, 8);
	ck_assert(r->all_ok);

	r = run("wrong");
	ck_assert(!r->all_ok);
	ck_assert_uint_eq(r->nexp, 3);
	e = exp_of(r, EXP_DELIVERED);
	ck_assert(e->ok);
	e = exp_of(r, EXP_ACTIVATION);
	ck_assert(!e->ok);
	ck_assert_str_eq(fr_str(r, e->want), "accepted");
	ck_assert_str_eq(fr_str(r, e->got), "refused");
	e = exp_of(r, EXP_SOURCE_SEEN);
	ck_assert(!e->ok);
	ck_assert_str_eq(fr_str(r, e->want), "azure");
	ck_assert_ptr_nonnull(strstr(fr_str(r, e->got), "onprem-edge"));
	ck_assert_ptr_nonnull(strstr(fr_str(r, e->got), "198.51.100.10"));
}
END_TEST

/* FORMAT.md via: in order, gaps allowed; out of order fails. */
/* snprintf through a pointer: the compiler does not warn of the
 * truncations the test means. */
static int (*volatile libc_snprintf)(char *, size_t, const char *, ...) =
	snprintf;

/* tline_seg, the renderer of the trace's typed arguments, writes what
 * snprintf writes for the same values, and cuts nothing. */
static void
same_seg(struct tline *b, const char *tmpl, const struct targ *a,
	 const char *want)
{
	size_t used = 99;

	tline_reset(b);
	ck_assert_int_eq(tline_seg(b, tmpl, a, NULL, 0, &used), 0);
	ck_assert_str_eq(b->s, want);
	ck_assert_uint_eq(b->len, strlen(want));
	ck_assert_msg(a[used].type == TARG_END, "%s: argument %zu left",
		      tmpl, used);	/* every argument taken */
}

START_TEST(trace_render_is_snprintf)
{
	struct tline b = { 0 };
	char want[1100], big[1000];
	struct pfx p;

	libc_snprintf(want, sizeof(want), "route %s -> %s %s", "10.0.0.0/8",
		      "VirtualAppliance", "10.1.2.3");
	p = pfx_make(IP4(10, 0, 0, 0), 8);
	same_seg(&b, TARGS("route %s -> %s %s", ta_pfx(p),
	    ta_lit("VirtualAppliance"), ta_ip(IP4(10, 1, 2, 3)), ta_end()), want);
	libc_snprintf(want, sizeof(want), "%u%% of %zu, %d and %d",
		      4294967295u, (size_t)18446744073709551615ull,
		      -2147483647 - 1, 0);
	same_seg(&b, TARGS("%u%% of %zu, %d and %d", ta_u(4294967295u),
	    ta_u(18446744073709551615ull), ta_d(-2147483647 - 1), ta_d(0),
	    ta_end()), want);
	libc_snprintf(want, sizeof(want), "%c%s%c", 0x1e, "", 'z');
	same_seg(&b, TARGS("%c%s%c", ta_c(0x1e), ta_s(""), ta_c('z'),
	    ta_end()), want);
	same_seg(&b, TARGS("prio %d: %s", ta_d(65000),
	    ta_lit("AllowVnetOutBound"), ta_end()), "prio 65000: AllowVnetOutBound");
	same_seg(&b, TARGS("no conversion at all", ta_end()),
	    "no conversion at all");
	same_seg(&b, TARGS("%s -> %s", ta_pfx(pfx_make(0, 0)),
	    ta_ip(0xffffffffu), ta_end()), "0.0.0.0/0 -> 255.255.255.255");
	same_seg(&b, TARGS("%s", ta_pfx(pfx_make(IP4(10, 1, 2, 3), 32)),
	    ta_end()), "10.1.2.3/32");
	/* A name longer than any line the trace had: whole. */
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	libc_snprintf(want, sizeof(want), "appliance %s forwards", big);
	same_seg(&b, TARGS("appliance %s forwards", ta_s(big), ta_end()), want);
	tline_free(&b);
}
END_TEST

START_TEST(via_order_and_gaps)
{
	const struct flow_result *r;
	const struct exp_result *e;

	load(CIRCUIT_NET("0.0.0.0/0, 192.168.0.0/16", "", "",
	     "  - {name: gaps, from: vm1, to: kms.core.windows.net, port: 1688,\n"
	     "     expect: {via: [vm1, contoso, kms]}}\n"
	     "  - {name: order, from: vm1, to: kms.core.windows.net, port: 1688,\n"
	     "     expect: {via: [contoso, er-circuit, kms]}}\n"
	     "  - {name: absent, from: vm1, to: kms.core.windows.net, port: 1688,\n"
	     "     expect: {via: [vm1, azure-edge, kms]}}\n"));
	r = run("gaps");
	ck_assert(r->all_ok);
	ck_assert(exp_of(r, EXP_VIA)->ok);

	r = run("order");
	ck_assert(!r->all_ok);
	e = exp_of(r, EXP_VIA);
	ck_assert(!e->ok);
	ck_assert_str_eq(fr_str(r, e->want), "contoso, er-circuit, kms");
	ck_assert_str_eq(fr_str(r, e->got), "vm1, Subnet-1, er-gw, er-circuit, contoso, "
			 "internet, kms");

	r = run("absent");
	ck_assert(!r->all_ok);
	ck_assert(!exp_of(r, EXP_VIA)->ok);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("walk");
	TCase *inet = tcase_create("internet");
	TCase *circ = tcase_create("circuit");
	TCase *nva = tcase_create("appliance");
	TCase *vnet = tcase_create("vnet");
	TCase *svc = tcase_create("services");
	TCase *pkt = tcase_create("packets");
	TCase *exp = tcase_create("expect");
	size_t npc = sizeof(packet_cases) / sizeof(packet_cases[0]);
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(inet, setup, teardown_res);
	tcase_add_test(inet, snat_order_at_internet);
	tcase_add_test(inet, no_outbound_without_default_access);
	tcase_add_test(inet, azure_destination_stays_on_backbone);
	suite_add_tcase(s, inet);

	tcase_add_checked_fixture(circ, setup, teardown_res);
	tcase_add_test(circ, forced_tunnel_source_is_onprem_edge);
	tcase_add_test(circ, onprem_destination_private_source);
	tcase_add_test(circ, onprem_edge_block_drops);
	tcase_add_test(circ, customer_hairpin_crosses_circuit_twice);
	tcase_add_test(circ, azure_hairpin_never_reaches_onprem);
	tcase_add_test(circ, kms_refuses_public_peering_nat_when_switched_off);
	suite_add_tcase(s, circ);

	tcase_add_checked_fixture(nva, setup, teardown_res);
	tcase_add_test(nva, appliance_without_forwarding_drops);
	tcase_add_test(nva, appliance_without_snat_to_internet_drops);
	tcase_add_test(nva, appliance_missing_drops);
	tcase_add_test(nva, appliances_routing_to_each_other_loop);
	tcase_add_test(nva, appliance_snat_then_own_routes);
	tcase_add_loop_test(nva, appliance_chain_same_verdict, 0,
			    sizeof(chain_lengths) / sizeof(chain_lengths[0]));
	tcase_add_test(nva, appliance_chain_past_limit_says_path_too_long);
	suite_add_tcase(s, nva);

	tcase_add_checked_fixture(vnet, setup, teardown_res);
	tcase_add_test(vnet, udr_none_drops);
	tcase_add_test(vnet, vnetlocal_delivered_with_inbound_nsg);
	tcase_add_test(vnet, vnetlocal_empty_address_no_host);
	tcase_add_test(vnet, vnetpeering_delivered);
	tcase_add_test(vnet, host_addresses_not_routed);
	suite_add_tcase(s, vnet);

	tcase_add_checked_fixture(svc, setup, teardown_res);
	tcase_add_test(svc, kms_wrong_port_no_connect);
	tcase_add_test(svc, suse_checks_source);
	tcase_add_test(svc, china_cloud_kms);
	tcase_add_test(svc, kms_dns_override_adds);
	tcase_add_test(svc, hidden_platform_rule_in_flow);
	suite_add_tcase(s, svc);

	tcase_add_checked_fixture(pkt, setup, teardown_res);
	tcase_add_loop_test(pkt, request_checksums_and_source, 0, npc);
	tcase_add_loop_test(pkt, runs_are_repeatable, 0, npc);
	suite_add_tcase(s, pkt);

	tcase_add_test(exp, trace_render_is_snprintf);
	tcase_add_checked_fixture(exp, setup, teardown_res);
	tcase_add_test(exp, wrong_expectation_fails_with_want_and_got);
	tcase_add_test(exp, via_order_and_gaps);
	suite_add_tcase(s, exp);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
