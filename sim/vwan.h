/*
 * vwan.h: Virtual WAN hubs in the engine (MODEL.md §8 [vwan]): what a
 * hub's router programs in the subnets of the VNets connected to it, and
 * the packet's way through the hub.
 */
#ifndef FTSIM_SIM_VWAN_H
#define FTSIM_SIM_VWAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/route.h"
#include "topology/topo.h"
#include "topology/vwan.h"

/* After the gateway routes of VNet hub (route.c add_bgp): when hub is a
 * Virtual WAN hub's VNet, its rules. 0 or -ENOMEM. */
int vwan_routes(const struct topo *t, struct rtable *rt, size_t hub);
/* The trace's words for a route the hub's router gives. */
void vwan_describe(const struct topo *t, const struct eroute *r, char *buf,
		   size_t len);

#endif
