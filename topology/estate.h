/*
 * estate.h: what the estate resources of a topology derive from each
 * other (MODEL.md §8): gateways from the VNets that name them, and each
 * VNet's hub (whose gateways and Route Server its subnets learn from).
 */
#ifndef FTSIM_ESTATE_H
#define FTSIM_ESTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology/topo.h"

/* Add a gateway for every VNet gateway name topo.gateways lacks (type
 * inferred, not described) and set every vnet.gw. 0 or -ENOMEM. */
int topo_gateways_from_vnets(struct topo *t);
/* VNet v has a gateway or a Route Server of its own. */
bool topo_vnet_has_gateways(const struct topo *t, size_t v);
/* The hub VNet v uses remote gateways of: its first peering with
 * use_remote_gateways (index into *peering when not NULL), if the far
 * side allows gateway transit and has gateways; else TOPO_NONE. */
size_t topo_transit_hub(const struct topo *t, size_t v, size_t *peering);
/* Set every vnet.hub (MODEL §8 [peer]); needs vnet.gw. */
void topo_hubs(struct topo *t);
/* The rules that tie gateways, sites and peerings together (MODEL §8):
 * a VPN site or a default site on a Vpn gateway only; a VNet uses the
 * remote gateways of one peer, which allows transit and has gateways,
 * and has none of its own. Each error to d at the element's position;
 * returns their number. */
size_t topo_estate_check(const struct topo *t, struct diag *d);
/* Both, in order: 0 or -ENOMEM. */
int topo_estate_resolve(struct topo *t);

/*
 * On-premises sites, as the walk sees them: TOPO_NONE is the scenario's
 * `onprem:` (behind circuits, and behind a VPN gateway without sites),
 * any other index a VPN site (MODEL §8 [vpn-ft]: a VPN site is on-premises
 * for the walk).
 */
const char *topo_site_name(const struct topo *t, size_t site);
bool topo_site_present(const struct topo *t, size_t site);
/* ip is a host of the site: inside its prefixes (a VPN site's static
 * ones, its BGP peer, what it advertises but a default); *which: the
 * prefix. */
bool topo_site_covers(const struct topo *t, size_t site, uint32_t ip,
		      struct pfx *which);
/* The site's Internet edge NAT address, false when it has none. */
bool topo_site_edge(const struct topo *t, size_t site, uint32_t *ip);
/* The site of gateway gw a packet to ip goes to (MODEL §8 [vpn-ft]): the
 * longest prefix of its sites covering ip, else its default site, else
 * TOPO_NONE; *any: the gateway has sites at all. */
size_t topo_site_for(const struct topo *t, size_t gw, uint32_t ip,
		     bool *any);

/* The subnet of VNet v named name (case-insensitive), TOPO_NONE if
 * none. */
size_t topo_subnet_named(const struct topo *t, size_t v, const char *name);
/* The subnet named GatewaySubnet of VNet v, TOPO_NONE if none: its
 * routes steer what arrives from the VNet's gateway [udr]. */
size_t topo_gateway_subnet(const struct topo *t, size_t v);
/* The VM at ip in VNet v or a VNet peered with it, TOPO_NONE if none:
 * what a Route Server in v can peer with (MODEL §8 [rs]). */
size_t topo_vm_near(const struct topo *t, uint32_t ip, size_t v);
/* The VNet holding ip among those gateway gi serves (its own VNet, and
 * through transit its spokes, or a Virtual WAN hub's connections: what
 * it advertises, MODEL §8 [peer] [vwan]);
 * TOPO_NONE if none. */
size_t topo_vnet_behind(const struct topo *t, size_t gi, uint32_t ip);

#endif
