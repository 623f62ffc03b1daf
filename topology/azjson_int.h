/*
 * azjson_int.h: what the Azure export reader's files share (azjson.c
 * reads the network, azjson_estate.c its estate resources: peerings'
 * settings, VNet and local network gateways, site-to-site connections,
 * Route Servers): the builder the files are read into, and its helpers.
 * Not an interface: azjson.h is.
 */
#ifndef FTSIM_AZJSON_INT_H
#define FTSIM_AZJSON_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "topology/azjson.h"

#define AZ_ECMP TOPO_ECMP_MAX

struct az_subnet {
	char *name;
	struct pfx pfx;
	char *rt, *nsg;
	char **se;
	size_t nse;
	bool no_default_outbound;
};

/* A peering: the remote VNet and its space as the peering gives it, and
 * this side's four settings when the export gives them (flags). */
struct az_peer {
	char *name;
	struct pfx *space;
	size_t nspace;
	bool flags;
	bool access, forwarded, transit, use_remote;
};

struct az_vnet {
	char *name;
	struct pfx *space;
	size_t nspace;
	struct az_subnet *sn;
	size_t nsn;
	struct az_peer *peer;
	size_t npeer;
};

struct az_nic {
	char *name, *vm, *vnet, *subnet, *nsg, *pip;
	uint32_t ip;
	bool fwd;
};

struct az_pair {
	char *a, *b;
};

struct az_bgp {
	struct pfx pfx;
	uint32_t nh[AZ_ECMP];
	size_t nnh;
};

/* One effective route table: its VnetLocal prefixes name the VNet. */
struct az_eff {
	const char *file;
	struct pfx *local;
	size_t nlocal;
	struct az_bgp *bgp;
	size_t nbgp;
};

struct az_circ {
	char *name;
	enum sku sku;
	bool ms;			/* Microsoft peering (MODEL §8) */
	struct pfx *ms_pool;		/* its advertisedPublicPrefixes */
	size_t nms_pool;
	char *ms_filter;		/* its route filter's name */
};

/* An Azure Firewall (azjson_fw.c): its VNet, addresses, forced
 * tunnelling, policy and classic rule collections. */
struct az_fw {
	char *name, *vnet, *pip, *policy;
	uint32_t ip;
	bool forced;
	struct fw_coll *colls;
	size_t ncolls;
};

/* A firewall policy's rule collection group. */
struct az_rcg {
	char *name, *policy;
	int priority;
	struct fw_coll *colls;
	size_t ncolls;
};

/* A route filter: the communities its Allow rules name. */
struct az_filter {
	char *name;
	char **comm;
	size_t ncomm;
};

/* A virtual network gateway: its VNet (from its GatewaySubnet
 * ipConfiguration), type (-1: not given), instance addresses, public IP
 * resource and default site (a local network gateway's name). */
struct az_gw {
	char *name, *vnet, *pip, *site;
	int type;
	bool active_active;
	uint32_t inst[2];
	size_t ninst;
};

/* A local network gateway: its static prefixes and BGP peer address. */
struct az_lng {
	char *name;
	struct pfx *pfx;
	size_t npfx;
	bool has_bgp;
	uint32_t bgp_ip;
};

/* A site-to-site (IPsec) connection of a VNet gateway to a local network
 * gateway. */
struct az_s2s {
	char *name, *gw, *lng;
	bool bgp;
};

/* A Route Server (a virtual hub in a RouteServerSubnet), its settings
 * (pref -1: not given) and its BGP connections. */
struct az_rsp {
	char *name;
	uint32_t ip;
};

/* A Virtual WAN hub as the export gives it (MODEL §8 [vwan]): its
 * prefix, router, connections, what its gateways connect, its firewall
 * and routing intent; and a Virtual WAN VPN site. */
struct az_vconn {
	char *vnet;
	bool propagate;
};

struct az_vhub {
	char *name, *fw;
	bool has_prefix;
	struct pfx prefix;
	uint32_t router[2], vpn[2], fw_priv, fw_pub;
	size_t nrouter, nvpn;
	bool has_fw_priv, has_fw_pub, intent_inet, intent_priv;
	struct az_vconn *conn;
	size_t nconn;
	char **circ, **site;
	size_t ncirc, nsite;
};

struct az_vsite {
	char *name;
	struct pfx *pfx;
	size_t npfx;
	bool bgp;
	uint32_t peer;
};

struct az_rs {
	char *name, *vnet;
	bool b2b, vwan;
	int pref;
	struct az_rsp *peer;
	size_t npeer;
};

struct az {
	struct diag *d;
	struct azjson_notes *notes;
	const char *file;		/* the file being read */
	json_t *params, *vars;		/* of the ARM template being read */
	int err;			/* -ENOMEM */
	size_t nerr;
	struct az_vnet *vn;
	size_t nvn;
	struct route_table *rt;
	size_t nrt;
	struct nsg *nsg;
	size_t nnsg;
	struct az_nic *nic;
	size_t nnic;
	struct az_pair *gw;		/* gateway name, VNet name */
	size_t ngw;
	struct az_circ *circ;
	size_t ncirc;
	struct az_pair *conn;		/* gateway, circuit */
	size_t nconn;
	struct az_pair *pip;		/* name, address */
	size_t npip;
	struct az_pair *vmnic;		/* NIC, VM */
	size_t nvmnic;
	struct az_eff *eff;
	size_t neff;
	struct az_gw *vgw;		/* estate: azjson_estate.c */
	size_t nvgw;
	struct az_lng *lng;
	size_t nlng;
	struct az_s2s *s2s;
	size_t ns2s;
	struct az_rs *rs;
	size_t nrs;
	struct az_fw *fw;		/* azjson_fw.c */
	size_t nfw;
	struct az_rcg *rcg;
	size_t nrcg;
	struct az_filter *filter;
	size_t nfilter;
	struct az_pair *comm;		/* community value, its name */
	size_t ncomm;
	struct az_vhub *vhub;		/* Virtual WAN: azjson_vwan.c */
	size_t nvhub;
	struct az_vsite *vsite;
	size_t nvsite;
};

/* Messages: an error at a JSON path of the file being read; a note. */
void az_err(struct az *z, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void az_note(struct az *z, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A new zeroed element at the end of *arr; NULL (and z->err) when out
 * of memory. */
void *az_push(struct az *z, void **arr, size_t *n, size_t sz);
#define PUSH(z, arr, n) az_push((z), (void **)&(arr), &(n), sizeof(*(arr)))
char *az_strdup(struct az *z, const char *s);

/* obj[key] or obj.properties[key]; a string of it, template expressions
 * evaluated; the name after /segment/ in an id; a reference's id and the
 * name in it. */
json_t *az_prop(json_t *obj, const char *key);
char *az_str(struct az *z, json_t *obj, const char *key);
char *az_id_part(struct az *z, const char *id, const char *segment);
char *az_ref_id(struct az *z, json_t *obj, const char *key);
char *az_ref_name(struct az *z, json_t *obj, const char *key,
		  const char *segment);
/* A prefix (IPv6: 1, skipped; error: -1) and a list of them. */
int az_pfx(struct az *z, const char *where, const char *s, struct pfx *out);
void az_pfx_list(struct az *z, const char *where, json_t *arr,
		 struct pfx **out, size_t *n);
struct az_vnet *az_vnet_get(struct az *z, const char *name);
const char *az_pair_find(const struct az_pair *p, size_t n, const char *a);
void az_read_pair(struct az *z, struct az_pair **arr, size_t *n, char *a,
		  char *b);

/*
 * azjson_estate.c. Readers by resource type (name as evaluated, o the
 * object, where its JSON path); az_read_peer reads one peering of VNet v
 * (inline in the VNet or a peering resource).
 */
void az_read_peer(struct az *z, struct az_vnet *v, json_t *x,
		  const char *where);
void az_read_peering(struct az *z, const char *name, json_t *o,
		     const char *where);
void az_read_vgw(struct az *z, const char *name, json_t *o,
		 const char *where);
void az_read_lng(struct az *z, const char *name, json_t *o,
		 const char *where);
/* A connection of type IPsec; 0 when it is of another type. */
int az_read_s2s(struct az *z, const char *name, json_t *o);
void az_read_hub(struct az *z, const char *name, json_t *o,
		 const char *where);
void az_read_hub_ipconfig(struct az *z, const char *name, json_t *o,
			  const char *where);
void az_read_hub_bgp(struct az *z, const char *name, json_t *o,
		     const char *where);
void az_estate_free(struct az *z);

/* azjson_vwan.c: Virtual WAN resources by type (1: read, 0: not one of
 * them), the hubs into t (after the VNets and circuits), their memory. */
int az_read_vwan(struct az *z, const char *type, const char *name,
		 json_t *o, const char *where);
int az_build_vwan(struct az *z, struct topo *t);
void az_vwan_free(struct az *z);

/* The described gateways, VPN sites and Route Servers into t (after its
 * VNets and VMs): 0 or -ENOMEM. */
int az_build_estate(struct az *z, struct topo *t);
/* The VNet whose gateways VNet v's learned routes come from: v when it
 * has a gateway or a Route Server, else the peer it uses remote gateways
 * of, else v. */
size_t az_learning_hub(const struct topo *t, size_t v);
/* One learned route of an effective table of a VNet whose hub is h,
 * given to a Route Server peer or a BGP VPN site when its next hop names
 * one: 1 when taken (or noted), 0 when it is the circuit's, -ENOMEM. */
int az_learned_route(struct az *z, struct topo *t, size_t h,
		     const struct az_bgp *b, const char *file);
/* Notes on what the learned routes left empty: a BGP site or a Route
 * Server peer that advertises nothing. */
void az_estate_notes(struct az *z, const struct topo *t);

/*
 * azjson_fw.c: azureFirewalls, firewallPolicies/ruleCollectionGroups,
 * routeFilters and bgpServiceCommunities; then the firewalls and the
 * circuits' Microsoft peering into t (after the circuits): 0 or -ENOMEM.
 */
void az_read_firewall(struct az *z, const char *name, json_t *o,
		      const char *where);
void az_read_rcg(struct az *z, const char *name, json_t *o,
		 const char *where);
void az_read_route_filter(struct az *z, const char *name, json_t *o);
void az_read_communities(struct az *z, json_t *o);
int az_build_fw(struct az *z, struct topo *t);
void az_fw_free(struct az *z);

#endif
