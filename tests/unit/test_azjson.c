/*
 * test_azjson.c: Azure exports (az CLI JSON and an ARM template, written
 * from Azure's documented shapes, in tests/data/azure-export/) read into
 * the model; the written scenario loads back with the same routes; bad
 * JSON is named by line and column.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topology/azjson.h"
#include "topology/scenario.h"
#include "topology/yamlout.h"

static struct topo t;
static struct diag d;
static struct azjson_notes notes;
static char path[16][512];

static void
az_setup(void)
{
	topo_init(&t);
	diag_init(&d);
	memset(&notes, 0, sizeof(notes));
}

static void
az_teardown(void)
{
	topo_free(&t);
	diag_free(&d);
	azjson_notes_free(&notes);
}

/* Load the named files of tests/data/DIR. */
static int
load_from(const char *sub, const char *const *names, size_t n)
{
	const char *dir = getenv("FTSIM_TESTDATA");
	const char *files[16];
	size_t i;

	ck_assert_uint_le(n, 16);
	for (i = 0; i < n; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/data/%s/%s",
		    dir != NULL ? dir : "tests", sub, names[i]);
		files[i] = path[i];
	}
	if (azjson_load(files, n, &t, &notes, &d) != 0) {
		diag_print(stderr, &d);
		return -1;
	}
	return 0;
}

/* Load the named files of tests/data/azure-export. */
static int
load(const char *const *names, size_t n)
{
	return load_from("azure-export", names, n);
}

static bool
has_note(const char *needle)
{
	size_t i;

	for (i = 0; i < notes.n; i++)
		if (strstr(notes.line[i], needle) != NULL)
			return true;
	return false;
}

static void
check_network(void)
{
	const struct vnet *v;
	const struct subnet *sn;
	const struct nsg_rule *r;
	const struct circuit *c;

	ck_assert_uint_eq(t.nvnets, 1);
	v = &t.vnets[0];
	ck_assert_str_eq(v->name, "ArmVNet-DM");
	ck_assert_uint_eq(v->nspace, 1);
	ck_assert_uint_eq(v->space[0].addr, IP4(10, 1, 0, 0));
	ck_assert_uint_eq(v->nsubnets, 2);
	sn = &v->subnets[0];
	ck_assert_str_eq(sn->name, "Subnet-1");
	ck_assert_uint_ne(sn->route_table, TOPO_NONE);
	ck_assert_str_eq(t.rtables[sn->route_table].name,
	    "ArmVNet-DM-KmsDirectRoute");
	ck_assert_str_eq(t.rtables[sn->route_table].routes[0].name,
	    "DirectRouteToKMS");
	ck_assert_int_eq(t.rtables[sn->route_table].routes[0].nh, NH_INTERNET);
	ck_assert_str_eq(t.nsgs[sn->nsg].name, "subnet-nsg");
	r = &t.nsgs[sn->nsg].rules[0];
	ck_assert_str_eq(r->name, "AllowRdpFromOnprem");
	ck_assert_int_eq(r->priority, 1000);
	ck_assert_int_eq(r->dir, DIR_INBOUND);
	ck_assert_uint_eq(r->proto, PROTO_TCP);
	ck_assert_uint_eq(r->src.items[0].pfx.addr, IP4(192, 168, 0, 0));
	ck_assert(r->dst.any);
	ck_assert_uint_eq(r->dports.r[0].lo, 3389);
	ck_assert_uint_eq(t.nvms, 1);
	ck_assert_str_eq(t.vms[0].name, "vm1");
	ck_assert_uint_eq(t.vms[0].ip, IP4(10, 1, 1, 4));
	/* The learned routes of the effective route table. */
	ck_assert_uint_eq(t.ncircuits, 1);
	c = &t.circuits[0];
	ck_assert_uint_eq(c->vnet, 0);
	ck_assert_str_eq(c->gateway, v->gateway);
	ck_assert_uint_eq(c->nadvertised, 2);
	ck_assert_uint_eq(c->advertised[0].len, 0);
	ck_assert_uint_eq(c->advertised[1].addr, IP4(192, 168, 0, 0));
	ck_assert_uint_eq(c->nnext_hops, 1);
	ck_assert_uint_eq(c->next_hops[0], IP4(192, 168, 255, 1));
}

START_TEST(az_cli_files)
{
	static const char *const f[] = { "vnet-show.json",
	    "route-table-list.json", "nsg-show.json", "nic-show.json",
	    "effective-routes.json" };
	const struct nsg_rule *r;

	ck_assert_int_eq(load(f, 5), 0);
	check_network();
	ck_assert_uint_eq(t.rtables[0].nroutes, 2);
	r = &t.nsgs[0].rules[1];
	ck_assert_str_eq(r->name, "DenyWebToPartners");
	ck_assert_uint_eq(r->dst.n, 2);
	ck_assert_uint_eq(r->dports.n, 3);
	ck_assert_uint_eq(r->dports.r[2].lo, 8000);
	ck_assert_uint_eq(r->dports.r[2].hi, 8080);
	ck_assert(r->src.items[0].is_tag);
	/* Default rules are the engine's, not imported. */
	ck_assert_uint_eq(t.nsgs[0].nrules, 2);
	ck_assert(has_note("no gateway resource"));
}
END_TEST

START_TEST(arm_template)
{
	static const char *const f[] = { "arm-export.json",
	    "effective-routes.json" };

	ck_assert_int_eq(load(f, 2), 0);
	check_network();
	ck_assert_str_eq(t.vnets[0].gateway, "er-gw");
	ck_assert_str_eq(t.circuits[0].name, "er-circuit");
	/* The route given inline and as a child resource is one route. */
	ck_assert_uint_eq(t.rtables[0].nroutes, 1);
	ck_assert_uint_eq(t.nsgs[0].nrules, 1);
	ck_assert(has_note("Microsoft.Network/loadBalancers 'ilb': not "
	    "modelled"));
	ck_assert(has_note("public IP er-gw-pip"));
}
END_TEST

/* Import, write, load back: the same routes, rules and VMs. */
START_TEST(round_trip)
{
	static const char *const f[] = { "vnet-show.json",
	    "route-table-list.json", "nsg-show.json", "nic-show.json",
	    "effective-routes.json" };
	struct topo back;
	char *y, *y2;
	size_t len, len2, i;

	ck_assert_int_eq(load(f, 5), 0);
	ck_assert_int_eq(yamlout_topo(&t, NULL, 0, &y, &len), 0);
	if (scenario_parse("imported.yaml", y, len, &back, &d) != 0) {
		diag_print(stderr, &d);
		ck_abort_msg("the imported scenario does not load:\n%s", y);
	}
	ck_assert_uint_eq(back.nrtables, t.nrtables);
	for (i = 0; i < t.rtables[0].nroutes; i++) {
		ck_assert_str_eq(back.rtables[0].routes[i].name,
		    t.rtables[0].routes[i].name);
		ck_assert(pfx_equal(back.rtables[0].routes[i].pfx,
		    t.rtables[0].routes[i].pfx));
		ck_assert_int_eq(back.rtables[0].routes[i].nh,
		    t.rtables[0].routes[i].nh);
	}
	ck_assert_uint_eq(back.circuits[0].nadvertised,
	    t.circuits[0].nadvertised);
	ck_assert_uint_eq(back.nsgs[0].nrules, t.nsgs[0].nrules);
	ck_assert_uint_eq(back.nvms, 1);
	ck_assert_int_eq(yamlout_topo(&back, NULL, 0, &y2, &len2), 0);
	ck_assert_str_eq(y, y2);
	free(y);
	free(y2);
	topo_free(&back);
}
END_TEST

static int
load_text(const char *name, const char *json)
{
	FILE *f;
	const char *files[1];

	snprintf(path[0], sizeof(path[0]), "/tmp/ftsim-azjson-%ld-%s",
	    (long)getpid(), name);
	ck_assert_ptr_nonnull(f = fopen(path[0], "w"));
	fputs(json, f);
	fclose(f);
	files[0] = path[0];
	return azjson_load(files, 1, &t, &notes, &d);
}

START_TEST(bad_json_position)
{
	ck_assert_int_eq(load_text("bad.json", "{\n  \"name\": \"x\",\n  "
	    "\"type\": }\n"), -1);
	remove(path[0]);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.msgs[0].pos.line, 3);
	ck_assert_int_gt(d.msgs[0].pos.col, 0);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "JSON:"));
	ck_assert_uint_eq(t.nvnets, 0);
}
END_TEST

START_TEST(missing_route_table)
{
	ck_assert_int_eq(load_text("vnet.json", "{\"type\": "
	    "\"Microsoft.Network/virtualNetworks\", \"name\": \"v\", "
	    "\"addressSpace\": {\"addressPrefixes\": [\"10.0.0.0/16\"]}, "
	    "\"subnets\": [{\"name\": \"s\", \"addressPrefix\": "
	    "\"10.0.1.0/24\", \"routeTable\": {\"id\": \"/subscriptions/x/"
	    "resourceGroups/g/providers/Microsoft.Network/routeTables/rt\"}}]}"),
	    -1);
	remove(path[0]);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "uses route table rt, "
	    "which is in none of the files"));
	ck_assert_uint_eq(t.nvnets, 0);
}
END_TEST

START_TEST(bad_prefix_names_path)
{
	ck_assert_int_eq(load_text("rt.json", "{\"type\": "
	    "\"Microsoft.Network/routeTables\", \"name\": \"rt\", \"routes\": "
	    "[{\"name\": \"r\", \"addressPrefix\": \"10.0.0.1/8\", "
	    "\"nextHopType\": \"None\"}]}"), -1);
	remove(path[0]);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.msgs[0].pos.line, 0);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "the resource.routes[0] "
	    "(route r): bad prefix '10.0.0.1/8'"));
}
END_TEST

/* One resource from memory (azjson_parse), as the fuzz harness reads. */
static int
parse_text(const char *json)
{
	struct azjson_src src = { "mem.json", json, strlen(json) };

	return azjson_parse(&src, 1, &t, &notes, &d);
}

/* Found by fuzz_azjson: an NSG rule address neither a prefix nor a tag
 * was taken as a tag, and the imported scenario did not load back. */
START_TEST(rule_address_not_prefix_nor_tag)
{
	ck_assert_int_eq(parse_text("{\"type\": "
	    "\"Microsoft.Network/networkSecurityGroups\", \"name\": \"g\", "
	    "\"securityRules\": [{\"name\": \"r\", \"priority\": 100, "
	    "\"direction\": \"Outbound\", \"access\": \"Deny\", "
	    "\"protocol\": \"*\", \"sourceAddressPrefix\": \"*\", "
	    "\"destinationAddressPrefixes\": [\"203.0.113.0/24\", "
	    "\"198.51.100@64/26\"], \"destinationPortRange\": \"*\"}]}"),
	    -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.msgs[0].pos.file, "mem.json");
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "(rule r): bad address "
	    "'198.51.100@64/26'"));
	ck_assert_uint_eq(t.nnsgs, 0);
}
END_TEST

/* The same for what is not a tag name either. */
START_TEST(rule_address_not_a_tag)
{
	ck_assert_int_eq(parse_text("{\"type\": "
	    "\"Microsoft.Network/networkSecurityGroups\", \"name\": \"g\", "
	    "\"securityRules\": [{\"name\": \"r\", \"priority\": 100, "
	    "\"direction\": \"Inbound\", \"access\": \"Allow\", "
	    "\"protocol\": \"*\", \"sourceAddressPrefix\": \"Storage/x\", "
	    "\"destinationAddressPrefix\": \"*\", "
	    "\"destinationPortRange\": \"*\"}]}"), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "(rule r): 'Storage/x' "
	    "is neither an address prefix nor a service tag"));
}
END_TEST

/* Found by fuzz_azjson: resourceId() without a resource type (no
 * argument holds a '/') concatenates its arguments into a buffer sized
 * for none of them (a heap overflow under ASan). */
START_TEST(resource_id_without_type)
{
	ck_assert_int_eq(parse_text("{\"resources\": [{\"type\": "
	    "\"Microsoft.Network/virtualNetworks\", \"name\": \"v\", "
	    "\"properties\": {\"addressSpace\": {\"addressPrefixes\": "
	    "[\"10.0.0.0/16\"]}, \"subnets\": [{\"name\": \"s\", "
	    "\"properties\": {\"addressPrefix\": \"10.0.1.0/24\", "
	    "\"routeTable\": {\"id\": \"[resourceId('routeTablesXXXXXXXX"
	    "XXXXXXXXXXXXXXXX', 'rt-with-a-name-longer-than-thirty-two')]\"}}}]"
	    "}}]}"), 0);
	/* The id names no route table: the subnet has none. */
	ck_assert_uint_eq(t.nvnets, 1);
	ck_assert_uint_eq(t.vnets[0].nsubnets, 1);
	ck_assert_uint_eq(t.vnets[0].subnets[0].route_table, TOPO_NONE);
}
END_TEST

/* Found by fuzz_azjson: exports that make an invalid network (here two
 * subnets with one prefix) were imported, and the scenario written did
 * not load back. The loader's checks now apply to an import. */
START_TEST(invalid_network_refused)
{
	ck_assert_int_eq(parse_text("{\"type\": "
	    "\"Microsoft.Network/virtualNetworks\", \"name\": \"v\", "
	    "\"addressSpace\": {\"addressPrefixes\": [\"10.0.0.0/16\"]}, "
	    "\"subnets\": [{\"name\": \"a\", \"addressPrefix\": "
	    "\"10.0.1.0/24\"}, {\"name\": \"b\", \"addressPrefix\": "
	    "\"10.0.1.0/24\"}]}"), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.msgs[0].pos.file, "mem.json");
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "as a scenario: subnet "
	    "'b' (10.0.1.0/24) overlaps subnet 'a'"));
	ck_assert_uint_eq(t.nvnets, 0);
}
END_TEST

/* Found by fuzz_azjson: a note quoting a resource type with a control
 * character went raw into the scenario's comment block, which then did
 * not load back. */
START_TEST(note_with_control_character)
{
	struct topo back;
	char *yaml;
	size_t len;

	ck_assert_int_eq(parse_text("[{\"type\": \"Microsoft.Network/"
	    "x\\u0001y\u00e9\", \"name\": \"n\\u0085\"}]"), 0);
	ck_assert_uint_eq(notes.n, 1);
	ck_assert_int_eq(yamlout_topo(&t, (const char *const *)notes.line,
	    notes.n, &yaml, &len), 0);
	ck_assert_ptr_nonnull(strstr(yaml, "# mem.json: Microsoft.Network/"
	    "x?y\u00e9 'n?': not modelled\n"));
	ck_assert_int_eq(scenario_parse("back.yaml", yaml, len, &back, &d), 0);
	topo_free(&back);
	free(yaml);
}
END_TEST

/*
 * Estates (tests/data/azure-estate): a hub with an active-active VPN
 * gateway, a BGP site and a Route Server, a spoke using the hub's
 * gateways, as `az ... show/list` print them.
 */
static const char *const estate_cli[] = { "hub-vnet-show.json",
    "spoke1-vnet-show.json", "spoke1-peering-list.json", "vpngw-show.json",
    "public-ip-list.json", "local-gateway-list.json",
    "vpn-connection-show.json", "routeserver-show.json",
    "routeserver-peering-list.json", "nic-list.json",
    "effective-routes-spoke1.json" };
#define ESTATE_CLI (sizeof(estate_cli) / sizeof(estate_cli[0]))

static const struct peering *
peering_of(const char *a, const char *b)
{
	size_t va = topo_vnet_find(&t, a), vb = topo_vnet_find(&t, b);

	ck_assert_uint_ne(va, TOPO_NONE);
	ck_assert_uint_ne(vb, TOPO_NONE);
	return topo_peering(&t, va, vb);
}

/* Each side's settings: the hub's from its `vnet show`, the spoke's from
 * `vnet peering list`, whose ids name the VNet. */
START_TEST(estate_peering_settings)
{
	const struct peering *h, *s;

	ck_assert_int_eq(load_from("azure-estate", estate_cli, ESTATE_CLI),
	    0);
	ck_assert_ptr_nonnull(h = peering_of("Hub", "Spoke1"));
	ck_assert_ptr_nonnull(s = peering_of("Spoke1", "Hub"));
	ck_assert(!h->plain && !s->plain);
	ck_assert(h->allow_access && h->allow_forwarded && h->allow_transit);
	ck_assert(!h->use_remote);
	ck_assert(s->use_remote && !s->allow_transit);
	ck_assert_uint_eq(t.vnets[topo_vnet_find(&t, "Spoke1")].hub,
	    topo_vnet_find(&t, "Hub"));
}
END_TEST

/* The gateway: type, active-active with the instances of its
 * bgpPeeringAddresses, the public IP of its first ipConfiguration. */
START_TEST(estate_gateway)
{
	const struct gateway *g;
	size_t gi;

	ck_assert_int_eq(load_from("azure-estate", estate_cli, ESTATE_CLI),
	    0);
	ck_assert_uint_ne(gi = topo_gateway_find(&t, "hub-gw"), TOPO_NONE);
	g = &t.gateways[gi];
	ck_assert(g->described);
	ck_assert_int_eq(g->type, GW_VPN);
	ck_assert(g->active_active);
	ck_assert_uint_eq(g->ninstance_ips, 2);
	ck_assert_uint_eq(g->instance_ips[0], IP4(10, 10, 255, 4));
	ck_assert_uint_eq(g->instance_ips[1], IP4(10, 10, 255, 5));
	ck_assert(g->has_public_ip);
	ck_assert_uint_eq(g->public_ip, IP4(20, 16, 121, 157));
	ck_assert_uint_eq(g->default_site, TOPO_NONE);
}
END_TEST

/* The IPsec connection with BGP: a site named after its local network
 * gateway; the learned routes through the gateway's instances (several
 * next hops in one row, or one row per next hop) are what it advertises;
 * its peer's /32 and static prefixes are not (the engine rebuilds them).
 * Its Internet edge is not in Azure's data: noted. */
START_TEST(estate_vpn_site)
{
	const struct vpn_site *v;

	ck_assert_int_eq(load_from("azure-estate", estate_cli, ESTATE_CLI),
	    0);
	ck_assert_uint_eq(t.nvpn_sites, 1);
	v = &t.vpn_sites[0];
	ck_assert_str_eq(v->name, "branch1");
	ck_assert_uint_eq(v->gateway, topo_gateway_find(&t, "hub-gw"));
	ck_assert_uint_eq(v->nprefixes, 1);
	ck_assert_uint_eq(v->prefixes[0].addr, IP4(10, 3, 0, 10));
	ck_assert(v->bgp);
	ck_assert_uint_eq(v->bgp_peer_ip, IP4(10, 3, 0, 10));
	ck_assert_uint_eq(v->nadvertised, 2);
	ck_assert_uint_eq(v->advertised[0].addr, IP4(10, 3, 0, 0));
	ck_assert_uint_eq(v->advertised[1].addr, IP4(192, 168, 100, 0));
	ck_assert(!v->has_edge_ip);
	ck_assert(has_note("VPN site branch1: its Internet edge"));
	ck_assert_uint_eq(t.ncircuits, 0);
}
END_TEST

/* The Route Server: a virtual hub placed in the VNet with the
 * RouteServerSubnet (noted: `routeserver show` gives no subnet), its
 * BGP connection's peer the VM at peerIp, what it advertises from the
 * learned routes whose next hop it is. */
START_TEST(estate_route_server)
{
	const struct route_server *r;

	ck_assert_int_eq(load_from("azure-estate", estate_cli, ESTATE_CLI),
	    0);
	ck_assert_uint_eq(t.nroute_servers, 1);
	r = &t.route_servers[0];
	ck_assert_str_eq(r->name, "hub-rs");
	ck_assert_uint_eq(r->vnet, topo_vnet_find(&t, "Hub"));
	ck_assert(!r->branch_to_branch);
	ck_assert_int_eq(r->preference, RSP_EXPRESSROUTE);
	ck_assert_uint_eq(r->npeers, 1);
	ck_assert_str_eq(r->peers[0].name, "nva1");
	ck_assert_uint_eq(r->peers[0].vm, topo_vm_find(&t, "nva1"));
	ck_assert_uint_eq(r->peers[0].nadvertised, 2);
	ck_assert_uint_eq(r->peers[0].advertised[0].len, 0);
	ck_assert_uint_eq(r->peers[0].advertised[1].addr, IP4(10, 50, 0, 0));
	ck_assert(has_note("placed in VNet Hub"));
}
END_TEST

/* An ARM template: peerings inline and as child resources (names as
 * expressions), a gateway's default site, a Route Server's
 * ipConfiguration and BGP connection as nested children, its
 * branch-to-branch and routing preference. */
START_TEST(estate_arm_template)
{
	static const char *const f[] = { "arm-estate.json" };
	const struct peering *s;
	const struct gateway *g;
	const struct route_server *r;

	ck_assert_int_eq(load_from("azure-estate", f, 1), 0);
	ck_assert_ptr_nonnull(s = peering_of("Spoke2", "Hub"));
	ck_assert(!s->plain && s->use_remote && s->allow_access);
	ck_assert(!s->allow_forwarded);
	ck_assert(peering_of("Hub", "Spoke2")->allow_transit);
	g = &t.gateways[topo_gateway_find(&t, "hub-gw")];
	ck_assert(!g->active_active);
	ck_assert_uint_eq(g->ninstance_ips, 1);
	ck_assert_uint_eq(g->instance_ips[0], IP4(10, 10, 255, 30));
	ck_assert_uint_eq(g->public_ip, IP4(20, 16, 121, 160));
	ck_assert_uint_eq(g->default_site, topo_vpn_site_find(&t, "branch2"));
	ck_assert(!t.vpn_sites[g->default_site].bgp);
	ck_assert_uint_eq(t.nroute_servers, 1);
	r = &t.route_servers[0];
	ck_assert(r->branch_to_branch);
	ck_assert_int_eq(r->preference, RSP_VPN);
	ck_assert_uint_eq(r->peers[0].ip, IP4(10, 10, 1, 5));
	ck_assert(has_note("through peer nva2 is in the files"));
}
END_TEST

/* A BGP connection whose peer is no VM of the files is noted and left
 * out; so is a connection to a local network gateway not exported. */
START_TEST(estate_missing_pieces_noted)
{
	static const char *const f[] = { "hub-vnet-show.json",
	    "spoke1-vnet-show.json", "vpngw-show.json",
	    "vpn-connection-show.json", "routeserver-show.json",
	    "routeserver-peering-list.json" };

	ck_assert_int_eq(load_from("azure-estate", f, 6), 0);
	ck_assert_uint_eq(t.nroute_servers, 1);
	ck_assert_uint_eq(t.route_servers[0].npeers, 0);
	ck_assert(has_note("BGP connection nva1: no VM"));
	ck_assert_uint_eq(t.nvpn_sites, 0);
	ck_assert(has_note("connection hub-gw-to-branch1: local network "
	    "gateway branch1 is not in the files"));
	ck_assert(has_note("public IP hub-gw-pip1 is not in the files"));
}
END_TEST

/* A learned route through a VPN gateway with two BGP sites cannot be
 * given to one: noted, and neither site advertises it. */
START_TEST(estate_two_bgp_sites_noted)
{
	static const char net[] = "[{\"type\": \"Microsoft.Network/"
	    "virtualNetworks\", \"name\": \"v\", \"addressSpace\": "
	    "{\"addressPrefixes\": [\"10.0.0.0/16\"]}, \"subnets\": "
	    "[{\"name\": \"GatewaySubnet\", \"addressPrefix\": "
	    "\"10.0.255.0/27\"}]},"
	    "{\"type\": \"Microsoft.Network/virtualNetworkGateways\", "
	    "\"name\": \"gw\", \"gatewayType\": \"Vpn\", \"ipConfigurations\": "
	    "[{\"privateIPAddress\": \"10.0.255.4\", \"subnet\": {\"id\": "
	    "\"/s/x/providers/Microsoft.Network/virtualNetworks/v/subnets/"
	    "GatewaySubnet\"}}]},"
	    "{\"type\": \"Microsoft.Network/localNetworkGateways\", \"name\": "
	    "\"a\", \"bgpSettings\": {\"bgpPeeringAddress\": \"10.1.0.1\"}},"
	    "{\"type\": \"Microsoft.Network/localNetworkGateways\", \"name\": "
	    "\"b\", \"bgpSettings\": {\"bgpPeeringAddress\": \"10.2.0.1\"}},"
	    "{\"type\": \"Microsoft.Network/connections\", \"name\": \"ca\", "
	    "\"connectionType\": \"IPsec\", \"enableBgp\": true, "
	    "\"virtualNetworkGateway1\": {\"id\": \"/p/virtualNetworkGateways/"
	    "gw\"}, \"localNetworkGateway2\": {\"id\": \"/p/"
	    "localNetworkGateways/a\"}},"
	    "{\"type\": \"Microsoft.Network/connections\", \"name\": \"cb\", "
	    "\"connectionType\": \"IPsec\", \"enableBgp\": true, "
	    "\"virtualNetworkGateway1\": {\"id\": \"/p/virtualNetworkGateways/"
	    "gw\"}, \"localNetworkGateway2\": {\"id\": \"/p/"
	    "localNetworkGateways/b\"}}]";
	static const char eff[] = "{\"value\": [{\"source\": \"Default\", "
	    "\"nextHopType\": \"VnetLocal\", \"addressPrefix\": "
	    "[\"10.0.0.0/16\"], \"nextHopIpAddress\": []}, {\"source\": "
	    "\"VirtualNetworkGateway\", \"state\": \"Active\", \"nextHopType\": "
	    "\"VirtualNetworkGateway\", \"addressPrefix\": [\"0.0.0.0/0\"], "
	    "\"nextHopIpAddress\": [\"10.0.255.4\"]}, {\"source\": "
	    "\"VirtualNetworkGateway\", \"state\": \"Active\", \"nextHopType\": "
	    "\"VirtualNetworkGateway\", \"addressPrefix\": [\"10.9.0.0/16\"], "
	    "\"nextHopIpAddress\": [\"10.2.0.1\"]}]}";
	struct azjson_src src[2] = { { "net.json", net, sizeof(net) - 1 },
	    { "eff.json", eff, sizeof(eff) - 1 } };

	ck_assert_int_eq(azjson_parse(src, 2, &t, &notes, &d), 0);
	ck_assert_uint_eq(t.nvpn_sites, 2);
	ck_assert_uint_eq(t.gateways[0].ninstance_ips, 1);
	ck_assert(has_note("learned route 0.0.0.0/0 through VPN gateway gw: "
	    "several BGP sites"));
	/* Through a site's own BGP peer: that site's. */
	ck_assert_uint_eq(t.vpn_sites[0].nadvertised, 0);
	ck_assert_uint_eq(t.vpn_sites[1].nadvertised, 1);
	ck_assert_uint_eq(t.vpn_sites[1].advertised[0].addr, IP4(10, 9, 0, 0));
	ck_assert(has_note("VPN site a: no learned route"));
	ck_assert_uint_eq(t.ncircuits, 0);
}
END_TEST

/* A peering setting neither true nor false, a BGP connection's bad
 * peerIp: the file and JSON path, no topology. */
START_TEST(estate_bad_values)
{
	ck_assert_int_eq(parse_text("{\"type\": \"Microsoft.Network/"
	    "virtualNetworks/virtualNetworkPeerings\", \"name\": \"v/p\", "
	    "\"remoteVirtualNetwork\": {\"id\": \"/p/virtualNetworks/w\"}, "
	    "\"useRemoteGateways\": 1}"), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "the resource: "
	    "useRemoteGateways is not true or false"));
	ck_assert_str_eq(d.msgs[0].pos.file, "mem.json");
	ck_assert_uint_eq(t.nvnets, 0);
	diag_free(&d);
	diag_init(&d);
	ck_assert_int_eq(parse_text("{\"type\": \"Microsoft.Network/"
	    "virtualHubs/bgpConnections\", \"name\": \"rs/nva\", "
	    "\"properties\": {\"peerIp\": \"10.0.1.300\"}}"), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "BGP connection nva of "
	    "rs: bad peerIp '10.0.1.300'"));
	diag_free(&d);
	diag_init(&d);
	ck_assert_int_eq(parse_text("{\"type\": \"Microsoft.Network/"
	    "virtualNetworks/virtualNetworkPeerings\", \"name\": \"p\", "
	    "\"remoteVirtualNetwork\": {\"id\": \"/p/virtualNetworks/w\"}}"),
	    -1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "neither its name"));
}
END_TEST

/* A setting given by a template expression that is not understood:
 * Azure's default, noted. */
START_TEST(estate_setting_expression_noted)
{
	ck_assert_int_eq(parse_text("{\"parameters\": {\"transit\": "
	    "{\"type\": \"Bool\", \"defaultValue\": true}}, \"resources\": "
	    "[{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": "
	    "\"v\", \"properties\": {\"addressSpace\": {\"addressPrefixes\": "
	    "[\"10.0.0.0/16\"]}, \"virtualNetworkPeerings\": [{\"name\": "
	    "\"p\", \"properties\": {\"remoteVirtualNetwork\": {\"id\": "
	    "\"/p/virtualNetworks/w\"}, \"remoteAddressSpace\": "
	    "{\"addressPrefixes\": [\"10.1.0.0/16\"]}, "
	    "\"allowGatewayTransit\": \"[parameters('transit')]\", "
	    "\"allowForwardedTraffic\": false}}]}}]}"), 0);
	ck_assert(has_note("allowGatewayTransit '[parameters('transit')]' "
	    "is not understood"));
	ck_assert(!peering_of("v", "w")->allow_transit);
	ck_assert(!peering_of("v", "w")->plain);
	ck_assert_ptr_null(peering_of("w", "v"));
}
END_TEST

/* A spoke that uses remote gateways of a hub whose gateway is in none of
 * the files: the scenario loader's error, nothing kept. */
START_TEST(estate_transit_without_gateway_refused)
{
	static const char *const f[] = { "hub-vnet-show.json",
	    "spoke1-vnet-show.json", "spoke1-peering-list.json" };

	ck_assert_int_eq(load_from("azure-estate", f, 3), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "as a scenario: vnet "
	    "'Spoke1' uses remote gateways, but 'Hub' has neither a gateway "
	    "nor a route server"));
	ck_assert_uint_eq(t.nvnets, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("azjson");
	TCase *tc = tcase_create("azjson");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, az_setup, az_teardown);
	tcase_add_test(tc, az_cli_files);
	tcase_add_test(tc, arm_template);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, bad_json_position);
	tcase_add_test(tc, missing_route_table);
	tcase_add_test(tc, bad_prefix_names_path);
	tcase_add_test(tc, rule_address_not_prefix_nor_tag);
	tcase_add_test(tc, rule_address_not_a_tag);
	tcase_add_test(tc, resource_id_without_type);
	tcase_add_test(tc, invalid_network_refused);
	tcase_add_test(tc, note_with_control_character);
	tcase_add_test(tc, estate_peering_settings);
	tcase_add_test(tc, estate_gateway);
	tcase_add_test(tc, estate_vpn_site);
	tcase_add_test(tc, estate_route_server);
	tcase_add_test(tc, estate_arm_template);
	tcase_add_test(tc, estate_missing_pieces_noted);
	tcase_add_test(tc, estate_two_bgp_sites_noted);
	tcase_add_test(tc, estate_bad_values);
	tcase_add_test(tc, estate_setting_expression_noted);
	tcase_add_test(tc, estate_transit_without_gateway_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
