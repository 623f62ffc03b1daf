/*
 * vwan.h: Virtual WAN hubs (MODEL.md §8 [vwan]): what a topology's hubs
 * derive once the VNets, circuits, sites and firewalls are known, the
 * checks that tie them together, and the lookups the engine uses.
 */
#ifndef FTSIM_VWAN_H
#define FTSIM_VWAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology/topo.h"

/* Release one hub's contents; copy one (0 or -ENOMEM, dst empty then). */
void topo_vhub_free(struct vhub *h);
int topo_vhub_copy(const struct vhub *src, struct vhub *dst);

/* Hub prefix offsets (MODEL §8 [vwan]): the virtual router at .68 and
 * .69 and the VPN gateway instances at .12 and .13 (as published
 * outputs show them); the secured hub's AzureFirewallSubnet at .128/26,
 * the firewall at .132 (ftsim's choice: Azure assigns that address). */
#define VHUB_ROUTER_OFF 68u
#define VHUB_VPN_OFF 12u
#define VHUB_FW_OFF 128u

/*
 * Each hub's VNet (the hub prefix; AzureFirewallSubnet and, in forced
 * tunnelling mode, AzureFirewallManagementSubnet when secured) and its
 * gateways (NAME-er for its circuits, NAME-vpn for its sites), the
 * circuits' gateway and VNet, the sites' gateway, the default router and
 * VPN instance addresses. Idempotent: a hub resolved before keeps its
 * VNet and gateways. Call before topo_gateways_from_vnets. 0 or -ENOMEM.
 */
int topo_vwan_resolve(struct topo *t);
/* After topo_hubs: every connected VNet learns from its hub. */
void topo_vwan_hubs(struct topo *t);
/* MODEL §8 [vwan]: the loader's checks, each error to d at the element;
 * returns their number. */
size_t topo_vwan_check(const struct topo *t, struct diag *d);

/* The hub whose VNet is v, TOPO_NONE if v is an ordinary VNet. */
size_t topo_vhub_of_vnet(const struct topo *t, size_t v);
/* The hub VNet v is connected to (and its connection), TOPO_NONE. */
size_t topo_vhub_connected(const struct topo *t, size_t v,
			   const struct vhub_conn **conn);
/* a and b are a hub's VNet and a VNet connected to it (either order). */
bool topo_vwan_linked(const struct topo *t, size_t a, size_t b);
size_t topo_vhub_find(const struct topo *t, const char *name);

#endif
