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
/* Why a route the hub's router gives exists, as segments into k. */
void vwan_words(const struct topo *t, const struct eroute *r,
		struct tsink *k);

struct walk;
struct hop;
/* MODEL §8 [vwan]: "; virtual hub H has a default route ... that this
 * VNet's connection does not propagate", segments of h's why, when rt's
 * VNet is connected to a hub with a default it does not propagate. */
void walk_vhub_default_note(struct walk *w, struct hop *h,
			    const struct rtable *rt);
/* A route the hub's firewall is the next hop of (routing intent). */
bool vwan_fw_row(const struct topo *t, const struct eroute *r);
/* walk.c, reply.c (MODEL §8 [vwan]): the packet enters hub r->vhub (its
 * trace line and capture point, "gateway-HUB"). For a firewall row the
 * caller hands it to the firewall at nh_ip next; for a router row the
 * result is the VM at the destination in a VNet connected to the hub
 * (w->vnet set to it), or TOPO_NONE after a drop line. */
size_t walk_vhub(struct walk *w, const struct eroute *r, uint32_t nh_ip);
#endif
