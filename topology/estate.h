/*
 * estate.h: what the estate resources of a topology derive from each
 * other (MODEL.md §8): gateways from the VNets that name them, and each
 * VNet's hub (whose gateways and Route Server its subnets learn from).
 */
#ifndef FTSIM_ESTATE_H
#define FTSIM_ESTATE_H

#include <stdbool.h>
#include <stddef.h>

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
/* Both, in order: 0 or -ENOMEM. */
int topo_estate_resolve(struct topo *t);

#endif
