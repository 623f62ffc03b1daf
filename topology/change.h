/*
 * change.h: a change to a network, as a file (YAML, libyaml), and its
 * application to a loaded topology.
 *
 * A change file lists operations in order: add, remove or replace a
 * route; add or remove a route table; associate or dissociate a route
 * table; turn BGP route propagation on or off; add or remove an NSG rule;
 * enable or disable public peering; change what on-premises advertises;
 * in estates, set a peering's settings, add, remove or replace a VPN site,
 * change what a Route Server peer advertises, set or clear a gateway's
 * default site, set a Microsoft peering's route filter (docs/format.md,
 * "Change files"). Each operation keeps the position of
 * its mapping and of every name it refers to, so that an operation that
 * cannot apply (a missing table, a duplicate priority) names its line.
 *
 * change_apply never touches the base: it copies it, applies every
 * operation in order to the copy, and hands the copy back only when all
 * of them applied; on the first one that cannot, the copy is freed and
 * the error is reported at that operation.
 */
#ifndef FTSIM_CHANGE_H
#define FTSIM_CHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "topology/diag.h"
#include "topology/topo.h"

enum change_kind {
	CH_ADD_ROUTE_TABLE,
	CH_REMOVE_ROUTE_TABLE,
	CH_ADD_ROUTE,
	CH_REMOVE_ROUTE,
	CH_REPLACE_ROUTE,
	CH_ASSOCIATE_ROUTE_TABLE,
	CH_DISSOCIATE_ROUTE_TABLE,
	CH_SET_PROPAGATION,
	CH_ADD_NSG_RULE,
	CH_REMOVE_NSG_RULE,
	CH_ENABLE_PUBLIC_PEERING,
	CH_DISABLE_PUBLIC_PEERING,
	CH_SET_ADVERTISED,
	CH_ADVERTISE,
	CH_WITHDRAW,
	CH_SET_PEERING,			/* estates (MODEL §8) */
	CH_ADD_VPN_SITE,
	CH_REMOVE_VPN_SITE,
	CH_REPLACE_VPN_SITE,
	CH_SET_PEER_ADVERTISED,
	CH_SET_DEFAULT_SITE,
	CH_CLEAR_DEFAULT_SITE,
	CH_SET_ROUTE_FILTER,		/* Microsoft peering (MODEL §8) */
	CH_ADD_FIREWALL_RULE,		/* Azure Firewall (MODEL §8) */
	CH_REMOVE_FIREWALL_RULE,
	CH_REPLACE_FIREWALL_RULE,
	CH_SET_FORCED_TUNNELING,
	CH_SET_DEFAULT_ROUTE_PROPAGATION,	/* Virtual WAN (MODEL §8) */
	CH_SET_ROUTING_INTENT,
	CH_CONNECT_VNET,
	CH_DISCONNECT_VNET,
	CH_COUNT
};

/* A name an operation refers to, with where it is written. */
struct change_ref {
	char *name;			/* NULL when the key is absent */
	struct srcpos pos;
};

/*
 * One operation. Only the fields of its kind are set: route_table, vnet,
 * subnet, nsg, circuit and name are references (name: the route or rule
 * to remove); route, rtable and rule are what is added; flag is
 * disable_bgp_route_propagation; prefixes is the NAT pool or the
 * advertised prefixes.
 */
struct change_op {
	enum change_kind kind;
	struct srcpos pos;
	struct change_ref route_table, vnet, subnet, nsg, circuit, name;
	struct route route;
	struct route_table rtable;
	struct nsg_rule rule;
	bool flag;
	struct pfx *prefixes;
	size_t nprefixes;
	/* Estates: a peering's settings and the remote VNet's name; a VPN
	 * site (add, replace) with its gateway's name, or a site's name
	 * (set_default_site); a gateway; a Route Server. */
	struct peering peering;
	struct change_ref peer_vnet;
	struct vpn_site site;
	struct change_ref site_gateway, site_name, gateway, route_server;
	char **regions;			/* set_route_filter */
	size_t nregions;
	/* Azure Firewall: the firewall, a rule collection (add, replace;
	 * name: the collection to remove) and forced tunnelling. */
	struct change_ref firewall;
	struct fw_coll coll;
	bool forced;
	/* Virtual WAN: the hub, a connection's propagate_default_route
	 * (the VNet is vnet), routing intent. */
	struct change_ref hub;
	bool propagate;
	bool intent_internet, intent_private;
};

/* A change file. The positions of its operations, and of everything
 * change_apply adds to a topology, point at file: the change must
 * outlive the topologies it produced. */
struct change {
	char *file;
	char *name;			/* `change:`, NULL if absent */
	char *description;
	struct change_op *ops;
	size_t nops;
};

/* Largest change file read, in bytes. */
#define CHANGE_MAX_BYTES (4u << 20)

/* Read a change file. 0, or -1 after reporting FILE:LINE:COL errors
 * through d (*out is then empty). */
int change_load(const char *path, struct change *out, struct diag *d);
int change_parse(const char *name, const char *buf, size_t len,
		 struct change *out, struct diag *d);
void change_free(struct change *c);

/* Apply c to a copy of base. 0 and *out filled, or -1 after reporting
 * (base untouched, *out empty). */
int change_apply(const struct change *c, const struct topo *base,
		 struct topo *out, struct diag *d);

const char *change_kind_name(enum change_kind k);

#endif
