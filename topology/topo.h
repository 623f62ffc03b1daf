/*
 * topo.h: the network model a scenario file describes.
 *
 * A topology is plain data: VNets with their subnets, VMs (NICs), route
 * tables, NSGs, ExpressRoute circuits, the on-premises site, DNS names,
 * the flows to replay and what each flow must show. The loaders fill it
 * and resolve every name to an index; the engine (sim/) only reads it.
 * Every element keeps the srcpos of its definition so that an error found
 * later (a dangling reference, a duplicate priority) names the line.
 *
 * Ownership: a topology owns all its strings and arrays; topo_free()
 * releases everything. A topology handed to the engine is complete and
 * valid: loaders return an error instead of a half-filled model.
 */
#ifndef FTSIM_TOPO_H
#define FTSIM_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology/cloud.h"
#include "topology/diag.h"
#include "topology/prefix.h"
#include "topology/tags.h"

#define TOPO_NONE ((size_t)-1)	/* an unset index */
#define TOPO_ECMP_MAX 8		/* BGP next hops of one circuit */

/* Next-hop types of routes [udr]. NH_VNETPEERING and NH_SERVICE_ENDPOINT
 * come from system routes only; a UDR may not use them. */
enum nh_type {
	NH_VNETLOCAL,
	NH_VNETPEERING,
	NH_SERVICE_ENDPOINT,
	NH_INTERNET,
	NH_VIRTUAL_APPLIANCE,
	NH_VNET_GATEWAY,
	NH_NONE,
	NH_COUNT
};

enum proto {
	PROTO_TCP  = 1 << 0,
	PROTO_UDP  = 1 << 1,
	PROTO_ICMP = 1 << 2,
	PROTO_ESP  = 1 << 3,
	PROTO_AH   = 1 << 4,
	PROTO_ANY  = 0x1f,
};

enum direction { DIR_INBOUND, DIR_OUTBOUND };
enum access { ACCESS_ALLOW, ACCESS_DENY };

/* What a KMS or SUSE server answers. ACT_NONE: not a service that checks
 * the source, or the request never got there. */
enum activation { ACT_NONE, ACT_ACCEPTED, ACT_REFUSED };

/* Class of the source address a destination sees (FORMAT.md source_seen). */
enum srcclass {
	SRC_NONE,		/* nothing seen: not delivered */
	SRC_AZURE,		/* an Azure public IP of the scenario's cloud */
	SRC_ONPREM_EDGE,	/* the on-premises Internet edge's NAT address */
	SRC_PUBLIC_PEERING_NAT,	/* an address of a public peering NAT pool */
	SRC_MS_PEERING_NAT,	/* an address of a Microsoft peering NAT pool */
	SRC_FIREWALL,		/* an Azure Firewall's public IP */
	SRC_PRIVATE,		/* a private address (no SNAT on the way) */
	SRC_OTHER,		/* a public address that is none of the above */
};

enum hairpin { HAIRPIN_NONE, HAIRPIN_AZURE, HAIRPIN_CUSTOMER };

enum sku { SKU_STANDARD, SKU_PREMIUM, SKU_LOCAL };

/* One item of an NSG source or destination: a prefix or a service tag. */
struct addr_item {
	bool is_tag;
	struct pfx pfx;		/* when !is_tag */
	char *tag;		/* when is_tag, as written (case kept) */
};

/* An NSG address: '*' (any) or a list of items. */
struct addr_spec {
	bool any;
	struct addr_item *items;
	size_t n;
};

/* A port list: '*' is one range {0, 65535}. */
struct port_spec {
	struct portrange *r;
	size_t n;
};

/* port is in one of p's ranges. */
static inline bool
port_spec_has(const struct port_spec *p, uint16_t port)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (port >= p->r[i].lo && port <= p->r[i].hi)
			return true;
	return false;
}

struct nsg_rule {
	char *name;
	int priority;		/* 100..4096 for user rules */
	enum direction dir;
	enum access access;
	unsigned proto;		/* enum proto bits */
	struct addr_spec src, dst;
	struct port_spec sports, dports;
	struct srcpos pos;
};

struct nsg {
	char *name;
	struct nsg_rule *rules;
	size_t nrules;
	struct srcpos pos;
};

struct route {
	char *name;
	struct pfx pfx;
	enum nh_type nh;
	bool has_nh_ip;
	uint32_t nh_ip;
	struct srcpos pos;
};

struct route_table {
	char *name;
	char *id;			/* ARM resource id, NULL if not given */
	bool disable_bgp_propagation;
	struct route *routes;
	size_t nroutes;
	struct srcpos pos;
};

struct subnet {
	char *name;
	struct pfx pfx;
	size_t vnet;			/* owner */
	size_t route_table;		/* TOPO_NONE if none */
	size_t nsg;			/* TOPO_NONE if none */
	bool has_nat_gateway;
	uint32_t nat_gateway_ip;
	bool default_outbound_access;	/* default true [S32] */
	bool has_default_outbound_ip;	/* else the cloud's built-in one */
	uint32_t default_outbound_ip;
	char **service_endpoints;	/* e.g. "Microsoft.Storage" */
	size_t nservice_endpoints;
	struct srcpos pos;
	struct srcpos route_table_pos, nsg_pos;
};

/*
 * One side of a VNet peering, as the VNet lists it (MODEL §8 [peer]):
 * each side of an Azure peering has its own four settings. A peering
 * written as a plain VNet name keeps the meaning it had before settings
 * existed: access and forwarded traffic allowed, no gateway transit
 * (plain is then true). A peering listed by one side only counts for both;
 * the silent side has the plain settings (topo_peering returns NULL).
 */
struct peering {
	size_t vnet;			/* the remote VNet */
	bool plain;			/* written as a name */
	bool allow_access;		/* allowVirtualNetworkAccess */
	bool allow_forwarded;		/* allowForwardedTraffic */
	bool allow_transit;		/* allowGatewayTransit */
	bool use_remote;		/* useRemoteGateways */
	struct srcpos pos;
};

struct vnet {
	char *name;
	struct pfx *space;		/* address_space */
	size_t nspace;
	struct peering *peers;		/* this side's peerings */
	size_t npeers;
	char *gateway;			/* gateway name, NULL if none */
	size_t gw;			/* its index in topo.gateways */
	struct srcpos gateway_pos;
	/* The VNet whose gateways (and Route Server) this one's subnets
	 * learn from: itself when it has a gateway or a Route Server, the
	 * hub it uses remote gateways of, or TOPO_NONE (MODEL §8). */
	size_t hub;
	struct subnet *subnets;
	size_t nsubnets;
	struct srcpos pos;
};

/*
 * A virtual network gateway (MODEL §8 [vpn-ft] [vpn-aa]): every VNet's
 * `gateway:` name has one, whether or not `gateways:` describes it; an
 * undescribed one is ExpressRoute when a circuit names it, else Vpn, and
 * neither active-active nor with a default site.
 */
enum gw_type { GW_EXPRESSROUTE, GW_VPN };

struct gateway {
	char *name;
	size_t vnet;			/* the VNet holding it */
	enum gw_type type;
	bool described;			/* listed under gateways: */
	bool active_active;
	uint32_t instance_ips[2];	/* active-active: both instances */
	size_t ninstance_ips;
	bool has_public_ip;
	uint32_t public_ip;
	size_t default_site;		/* GatewayDefaultSite, TOPO_NONE */
	struct srcpos pos, default_site_pos;
};

/*
 * A local network gateway and its site-to-site connection (MODEL §8
 * [vpn-ft]): the site's static prefixes, what it advertises over BGP,
 * and its own Internet edge. For the walk a site is on-premises.
 */
struct vpn_site {
	char *name;
	size_t gateway;			/* index in topo.gateways */
	struct pfx *prefixes;		/* address_prefixes (static) */
	size_t nprefixes;
	bool bgp;
	uint32_t bgp_peer_ip;
	struct pfx *advertised;		/* over BGP */
	size_t nadvertised;
	bool has_edge_ip;
	uint32_t internet_edge_ip;
	struct srcpos pos;
};

/* A BGP peer of a Route Server (MODEL §8 [rs]): a VM, what it advertises
 * and the next hop it announces (itself unless next_hop is given). */
struct rs_peer {
	char *name;
	uint32_t ip;
	size_t vm;			/* the VM at ip */
	struct pfx *advertised;
	size_t nadvertised;
	bool has_next_hop;
	uint32_t next_hop;
	struct srcpos pos, next_hop_pos;
};

/* Hub routing preference [rs]: which source wins one prefix learned
 * both from the gateway and from a Route Server peer. */
enum rs_pref { RSP_EXPRESSROUTE, RSP_VPN, RSP_ASPATH };

struct route_server {
	char *name;
	size_t vnet;			/* in its RouteServerSubnet */
	bool branch_to_branch;
	enum rs_pref preference;
	struct rs_peer *peers;
	size_t npeers;
	struct srcpos pos;
};

/*
 * Azure Firewall (MODEL §8 [fw-rules] [fw-snat] [fw-ft]). Its rules live
 * in rule collections of one type each, network or application, with a
 * priority (100..65000) and an action. A firewall policy's collections
 * belong to rule collection groups with priorities of their own (classic
 * rules: no group, group_priority 0). Network rules are processed before
 * application rules, each type by (group priority, priority); the first
 * rule that matches decides; none denies.
 */
enum fw_ctype { FWC_NETWORK, FWC_APPLICATION };
enum fw_aproto { FWA_HTTP, FWA_HTTPS, FWA_MSSQL };

struct fw_app_proto {
	enum fw_aproto type;
	uint16_t port;			/* Http 80, Https 443, Mssql 1433 */
};

struct fw_rule {
	char *name;
	struct addr_spec src;		/* prefixes (ranges written a-b are
					 * stored as their prefixes) */
	/* Network rules. */
	unsigned proto;			/* enum proto bits */
	struct addr_spec dst;		/* prefixes and service tags */
	char **dst_fqdns;		/* FQDNs of destination, lower-case */
	size_t ndst_fqdns;
	uint32_t *fqdn_ips;		/* what they resolve to (dns:) */
	size_t nfqdn_ips;
	struct port_spec dports;
	/* Application rules. */
	struct fw_app_proto *aprotos;
	size_t naprotos;
	char **fqdns;			/* target FQDNs, '*.' wildcards */
	size_t nfqdns;
	struct srcpos pos;
};

struct fw_coll {
	char *name;
	enum fw_ctype type;
	int priority;
	enum access action;
	char *group;			/* NULL: classic rules */
	int group_priority;
	struct fw_rule *rules;
	size_t nrules;
	struct srcpos pos, priority_pos;
};

struct firewall {
	char *name;
	size_t vnet;
	size_t subnet;			/* its AzureFirewallSubnet */
	uint32_t private_ip;
	bool has_public_ip;
	uint32_t public_ip;
	bool forced_tunneling;
	struct pfx *snat_private;	/* never SNATed by network rules */
	size_t nsnat_private;
	char *policy;			/* firewall policy name, NULL: classic */
	struct fw_coll *colls;
	size_t ncolls;
	struct srcpos pos;
};

/*
 * Virtual WAN (MODEL §8 [vwan]): a Microsoft-managed hub with an address
 * prefix, the ExpressRoute circuits and VPN sites connected to its
 * gateways, the VNets connected to it, an optional Azure Firewall (a
 * secured hub; one of topo.firewalls) and routing intent. Each hub is
 * also a VNet of topo.vnets (vnet, appended when the estate is resolved:
 * the hub prefix, AzureFirewallSubnet when secured), peered with every
 * VNet it connects, with its gateways in topo.gateways; it appears in
 * no output as a VNet of its own.
 */
struct vhub_conn {
	size_t vnet;
	bool propagate_default;		/* enableInternetSecurity */
	struct srcpos pos;
};

struct vhub {
	char *name;
	struct pfx prefix;		/* at most /24 */
	uint32_t router_ips[2];		/* virtualRouterIps: .68, .69 */
	size_t nrouter_ips;
	uint32_t vpn_ips[2];		/* VPN gateway instances: .12, .13 */
	size_t nvpn_ips;
	size_t *circuits;		/* on its ExpressRoute gateway */
	size_t ncircuits;
	size_t *sites;			/* on its VPN gateway */
	size_t nsites;
	struct vhub_conn *conns;
	size_t nconns;
	size_t firewall;		/* index in topo.firewalls, TOPO_NONE */
	bool intent_internet, intent_private;	/* routing intent: firewall */
	size_t vnet;			/* its VNet, TOPO_NONE until resolved */
	size_t er_gw, vpn_gw;		/* its gateways, TOPO_NONE if none */
	struct srcpos pos, prefix_pos, intent_pos;
};

struct vm {
	char *name;
	size_t vnet, subnet;		/* subnet index inside its vnet */
	uint32_t ip;
	bool has_public_ip;
	uint32_t public_ip;
	bool has_lb_outbound_ip;	/* load-balancer outbound rule IP */
	uint32_t lb_outbound_ip;
	size_t nsg;			/* NIC NSG, TOPO_NONE if none */
	bool ip_forwarding;
	bool snat;			/* appliance: SNAT to own IP */
	struct srcpos pos;
};

struct circuit {
	char *name;
	enum sku sku;
	char *gateway;			/* name of the ER gateway */
	size_t vnet;			/* VNet holding that gateway */
	struct pfx *advertised;		/* private peering, from on-premises */
	size_t nadvertised;
	uint32_t *next_hops;		/* ECMP next hops of BGP routes */
	size_t nnext_hops;
	bool public_peering;
	struct pfx *nat_pool;
	size_t nnat_pool;
	/* MODEL §8 [er-ms]: Microsoft peering, the successor of public
	 * peering: its NAT pool (the customer's registered public prefixes)
	 * and its route filter, the regional AzureCloud tags whose prefixes
	 * Microsoft advertises over it. */
	bool microsoft_peering;
	struct pfx *ms_nat_pool;
	size_t nms_nat_pool;
	char **route_filter;
	size_t nroute_filter;
	struct srcpos pos, advertised_pos, public_peering_pos,
		      microsoft_peering_pos;
};

/* An egress filter rule of the on-premises Internet edge. */
struct onprem_block {
	unsigned proto;
	struct port_spec dports;
	struct addr_spec dst;		/* any when not given */
	struct srcpos pos;
};

struct onprem {
	bool present;
	char *name;
	struct pfx *prefixes;
	size_t nprefixes;
	bool has_edge_ip;
	uint32_t internet_edge_ip;
	struct onprem_block *blocks;
	size_t nblocks;
	struct srcpos pos;
};

struct dns_entry {
	char *name;			/* lower-case */
	uint32_t *ips;
	size_t nips;
	struct srcpos pos;
};

/* Expectation keys of FORMAT.md, in the order results list them. */
enum exp_key {
	EXP_DELIVERED,
	EXP_TCP_CONNECT,
	EXP_ACTIVATION,
	EXP_SOURCE_SEEN,
	EXP_HAIRPIN,
	EXP_VIA,
	EXP_NOT_VIA,		/* extension: nodes the request must not cross */
	EXP_NSG_RULE,
	EXP_FLOW_LOGGED,
	EXP_IP_FLOW_VERIFY,
	EXP_DROP_REASON,
	EXP_ASYMMETRIC,		/* extension: the reply came back another way */
	EXP_COUNT
};

struct expect {
	unsigned have;			/* bit (1u << enum exp_key) per key given */
	bool delivered, tcp_connect, flow_logged, asymmetric;
	enum activation activation;
	bool source_is_ip;
	uint32_t source_ip;
	enum srcclass source_class;
	enum hairpin hairpin;
	char **via;
	size_t nvia;
	char **not_via;
	size_t nnot_via;
	char *nsg_rule;
	enum access ip_flow_verify;
	char *drop_reason;		/* "none" is stored as NULL with the bit set */
	struct srcpos pos[EXP_COUNT];
};

struct flow {
	char *name;
	size_t vm;			/* source VM; TOPO_NONE when external */
	bool external;			/* from a host outside Azure */
	uint32_t from_ip;		/* its address (external only) */
	bool onprem;			/* external: a private address of an
					 * on-premises site (MODEL §8) */
	size_t from_site;		/* that site: TOPO_NONE for onprem:,
					 * else a VPN site */
	char *to;			/* as written: a DNS name or an IP */
	unsigned proto;			/* PROTO_TCP or PROTO_UDP */
	uint16_t port;
	bool has_sport;
	uint16_t sport;
	uint8_t ttl;			/* the request's first TTL; 0: the
					 * default (SIM_TTL) */
	struct expect expect;
	struct srcpos pos, to_pos;
};

/* The switches of MODEL.md where sources disagree or are silent. Each has
 * the default MODEL.md names; a scenario sets them under `model:`. */
/* MODEL §8: which reserved None rows subnets list: the observed set,
 * the documented one, or the scenario's own list (topo.reserved_routes:
 * the set differs by region and date in published tables). */
enum reserved_set { RESERVED_OBSERVED, RESERVED_DOCUMENTED, RESERVED_LIST };

struct model_opts {
	bool bgp_default_removes_none;		/* §1 §8, default true */
	enum reserved_set reserved_none_routes;	/* §8, default observed */
	bool vnet_tag_includes_default_route;	/* §5, default true */
	bool lkm_off_with_forced_default;	/* §5, default true */
	bool kms_accepts_public_peering_nat;	/* §4, default true */
};

/*
 * The simulated clock (MODEL §7): the one-way delay of each kind of link
 * a packet crosses, in microseconds, and the time a destination takes to
 * answer. Captures and flow logs take their timestamps from it, never
 * from the wall clock. A scenario overrides them under `timing:`.
 */
enum link_kind {
	LINK_VNET,		/* NIC <-> VNet fabric <-> NIC, appliance */
	LINK_GATEWAY,		/* fabric <-> ExpressRoute/VPN gateway */
	LINK_CIRCUIT,		/* gateway <-> MSEE <-> customer edge */
	LINK_ONPREM,		/* customer edge <-> edge NAT, on-premises LAN */
	LINK_INTERNET,		/* across the Internet */
	LINK_BACKBONE,		/* Azure edge <-> Azure public services */
	LINK_HOST,		/* NIC <-> the host's virtual IPs (DNS, IMDS) */
	LINK_ANSWER,		/* a destination's time to answer */
	LINK_COUNT
};

#define TIMING_MAX_US 10000000u	/* 10 s: a bound, not a model */

struct timing {
	uint32_t us[LINK_COUNT];
	bool set;		/* the scenario has a `timing:` section:
				 * the delays are its own, not defaults */
};

const char *link_kind_name(enum link_kind k);

struct topo {
	char *file;			/* path as given; srcpos.file points here */
	char *dir;			/* its directory, for relative paths */
	char *scenario;
	char *description;
	enum cloud cloud;
	struct model_opts model;
	struct pfx *reserved_routes;	/* RESERVED_LIST: in listing order */
	size_t nreserved_routes;
	struct timing timing;
	struct tagset *tags;		/* the cloud's tags: built-in or loaded */
	char *service_tags_file;	/* NULL: built-in list */

	struct vnet *vnets;		size_t nvnets;
	struct vm *vms;			size_t nvms;
	struct route_table *rtables;	size_t nrtables;
	struct nsg *nsgs;		size_t nnsgs;
	struct circuit *circuits;	size_t ncircuits;
	struct gateway *gateways;	size_t ngateways;
	struct vpn_site *vpn_sites;	size_t nvpn_sites;
	struct route_server *route_servers; size_t nroute_servers;
	struct firewall *firewalls;	size_t nfirewalls;
	struct vhub *vhubs;		size_t nvhubs;
	struct onprem onprem;
	struct dns_entry *dns;		size_t ndns;
	struct flow *flows;		size_t nflows;
};

void topo_init(struct topo *t);
void topo_free(struct topo *t);

/* Release one element's contents (the element itself is the caller's);
 * for elements read or built outside a topology. */
void topo_route_free(struct route *r);
void topo_rtable_free(struct route_table *rt);
void topo_rule_free(struct nsg_rule *r);

/*
 * Deep copies (topo_copy.c). The copy owns everything it holds except
 * the srcpos file pointers, which keep pointing at the names the source
 * borrowed: the file names must outlive the copy. topo_copy copies the
 * tag set too. 0, or -ENOMEM with *dst left empty.
 */
int topo_copy(const struct topo *src, struct topo *dst);
int topo_route_copy(const struct route *src, struct route *dst);
int topo_rtable_copy(const struct route_table *src, struct route_table *dst);
int topo_rule_copy(const struct nsg_rule *src, struct nsg_rule *dst);

/* Lookups by name (case-insensitive, as Azure resource names are);
 * TOPO_NONE when absent. */
size_t topo_vnet_find(const struct topo *t, const char *name);
size_t topo_vm_find(const struct topo *t, const char *name);
size_t topo_vm_by_ip(const struct topo *t, uint32_t ip);
/* The VM whose instance-level public IP is ip, or TOPO_NONE. */
size_t topo_vm_by_public_ip(const struct topo *t, uint32_t ip);
/* A flow's source as written: its VM's name, or its external address
 * (formatted into buf). */
const char *topo_flow_from(const struct topo *t, const struct flow *f,
			   char buf[IP_STRLEN]);
size_t topo_rtable_find(const struct topo *t, const char *name);
size_t topo_nsg_find(const struct topo *t, const char *name);
size_t topo_circuit_find(const struct topo *t, const char *name);

/* True when VNets a and b (distinct) are peered; a peering listed on
 * either side counts for both. */
bool topo_peered(const struct topo *t, size_t a, size_t b);
/* VNet a's side of its peering with b: NULL when a does not list it (the
 * plain settings apply) or they are not peered. */
const struct peering *topo_peering(const struct topo *t, size_t a, size_t b);
/* a's side allows access from b / forwarded traffic from b (MODEL §8). */
bool topo_peer_access(const struct topo *t, size_t a, size_t b);
bool topo_peer_forwarded(const struct topo *t, size_t a, size_t b);
size_t topo_gateway_find(const struct topo *t, const char *name);
size_t topo_vpn_site_find(const struct topo *t, const char *name);
/* The firewall named name / whose private IP is ip (in VNet vnet or a
 * VNet peered with it; any VNet when vnet is TOPO_NONE), TOPO_NONE if
 * none. */
size_t topo_firewall_find(const struct topo *t, const char *name);
size_t topo_firewall_at(const struct topo *t, uint32_t ip, size_t vnet);
/* Release one firewall's contents, one collection's, one rule's. */
void topo_firewall_free(struct firewall *fw);
void topo_fw_coll_free(struct fw_coll *c);
void topo_fw_rule_free(struct fw_rule *r);
int topo_firewall_copy(const struct firewall *src, struct firewall *dst);
int topo_fw_coll_copy(const struct fw_coll *src, struct fw_coll *dst);
const char *fw_aproto_name(enum fw_aproto p);
int fw_aproto_parse(const char *s, enum fw_aproto *out);
const char *fw_ctype_name(enum fw_ctype c);
/* The Route Server in VNet v, TOPO_NONE if none. */
size_t topo_route_server_of_vnet(const struct topo *t, size_t v);
const char *gw_type_name(enum gw_type g);
int gw_type_parse(const char *s, enum gw_type *out);
const char *rs_pref_name(enum rs_pref p);
int rs_pref_parse(const char *s, enum rs_pref *out);
/* ip is in VNet v's address space. */
bool topo_vnet_holds(const struct topo *t, size_t v, uint32_t ip);
/* The circuit whose gateway sits in VNet v, TOPO_NONE if none. */
size_t topo_circuit_of_vnet(const struct topo *t, size_t v);

static inline const struct subnet *
topo_vm_subnet(const struct topo *t, const struct vm *v)
{
	return &t->vnets[v->vnet].subnets[v->subnet];
}

/* Names as Azure spells them, and parsers for Azure's spellings (case-
 * insensitive, classic aliases accepted). Parsers return -1 if unknown. */
const char *cloud_name(enum cloud c);
int cloud_parse(const char *s, enum cloud *out);
const char *nh_type_name(enum nh_type nh);
int nh_type_parse(const char *s, enum nh_type *out);
const char *proto_name(unsigned proto);	/* "Tcp", "Udp", "*", ... */
int proto_parse(const char *s, unsigned *out);
const char *srcclass_name(enum srcclass c);
int srcclass_parse(const char *s, enum srcclass *out);
const char *hairpin_name(enum hairpin h);
int hairpin_parse(const char *s, enum hairpin *out);
const char *activation_name(enum activation a);
const char *exp_key_name(enum exp_key k);
const char *sku_name(enum sku s);
int sku_parse(const char *s, enum sku *out);

/* BGP prefix limit of private peering per SKU [er-limits]. */
size_t sku_bgp_limit(enum sku s);

#endif
