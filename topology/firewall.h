/*
 * firewall.h: what an Azure Firewall of a topology derives once its VNet,
 * route tables and DNS names are known (MODEL.md §8 [fw-rules] [fw-snat]
 * [fw-ft]), and the order its rule collections are processed in.
 */
#ifndef FTSIM_FIREWALL_H
#define FTSIM_FIREWALL_H

#include <stddef.h>

#include "topology/diag.h"
#include "topology/topo.h"

/* The fewest prefixes that cover [lo, hi] (lo <= hi) exactly, in
 * order, into out: at most 62 for an IPv4 range (the
 * ranges "a-b" of firewall rules). Returns how many. */
size_t topo_range_cidrs(uint32_t lo, uint32_t hi, struct pfx out[64]);

/* fw->snat_private set to the default ranges a network rule never SNATs:
 * RFC 1918 and RFC 6598 [fw-snat]. 0 or -ENOMEM. */
int topo_fw_snat_default(struct firewall *fw);

/*
 * The rules that tie each firewall to its network (MODEL §8): it sits in
 * its VNet's AzureFirewallSubnet (private_ip defaults to that subnet's
 * first usable address, .4); it has a public IP unless in forced
 * tunnelling mode; forced tunnelling needs AzureFirewallManagementSubnet,
 * whose route table may hold only 0.0.0.0/0 -> Internet with propagation
 * off; rule collection priorities do not repeat within a type (classic)
 * or a group (policy); service tags exist; every FQDN of a network rule
 * resolves (dns: or the built-in names) and its addresses are stored.
 * Each error to d at the element's position; returns their number
 * (-1 out of memory, reported).
 */
int topo_firewalls_resolve(struct topo *t, struct diag *d);

/* The indexes of fw's collections in processing order: network before
 * application, then by group priority and priority (stable). order has
 * room for fw->ncolls. */
void topo_fw_order(const struct firewall *fw, size_t *order);

#endif
