/*
 * azjson.h: Azure's own exports read into a topology (jansson).
 *
 * What an engineer can export today, in any mix of files:
 *   az network vnet show / list           Microsoft.Network/virtualNetworks
 *   az network route-table show / list    Microsoft.Network/routeTables
 *   az network nsg show / list            Microsoft.Network/networkSecurityGroups
 *   az network nic show / list            Microsoft.Network/networkInterfaces (VMs)
 *   az network nic show-effective-route-table   the learned BGP routes
 *   az group export                       an ARM template of the same
 * The az CLI's flattened objects, the REST shape (fields under
 * "properties") and ARM template resources (names and ids as template
 * expressions: parameters(), variables(), concat(), resourceId()) are all
 * read. ARM templates also give virtualNetworkGateways, expressRouteCircuits,
 * connections, publicIPAddresses and virtualMachines, which name the
 * gateway, the circuit and the VMs.
 *
 * Estates (MODEL §8; azjson_estate.c): each side's peering settings
 * (also `az network vnet peering list`), virtualNetworkGateways (type,
 * active-active, instance addresses, public IP, default site),
 * localNetworkGateways with their IPsec connections (VPN sites), and
 * virtualHubs in a RouteServerSubnet with their bgpConnections (Route
 * Servers and their peers).
 *
 * BGP routes (source VirtualNetworkGateway in an effective route table)
 * belong to the VNet whose address space the same table lists as
 * VnetLocal, or to the hub whose gateways it uses: a route through a
 * Route Server peer is what the peer advertises, one through a Vpn
 * gateway what its BGP site advertises; the others become the advertised
 * prefixes of the circuit on that VNet's gateway; a missing gateway or
 * circuit is named after the VNet, and a note says so.
 *
 * Resources and fields ftsim does not model are not dropped silently:
 * each becomes a note ("FILE: TYPE 'NAME': not modelled"), which the
 * caller prints and `ftsim import` writes as comments.
 *
 * Errors: JSON syntax errors are FILE:LINE:COL (jansson's position);
 * jansson keeps no position for values, so other errors name the file
 * and the JSON path of the value ("FILE: error: resources[2].properties.
 * addressPrefix: ..."). What the files make must then pass the scenario
 * loader's checks (overlapping subnets, repeated names or priorities,
 * ...): it is written as the scenario `ftsim import` writes and read
 * back, and the loader's errors are reported against the first file as
 * "FILE: error: as a scenario: ...". A failed import leaves *out empty.
 */
#ifndef FTSIM_AZJSON_H
#define FTSIM_AZJSON_H

#include <stddef.h>

#include "topology/diag.h"
#include "topology/topo.h"

/* Notes about what was not modelled, one line each. */
struct azjson_notes {
	char **line;
	size_t n;
};

/* One input of azjson_parse: the name its messages and the topology
 * use, and its bytes (buf NULL: read the file name). */
struct azjson_src {
	const char *name;
	const char *buf;
	size_t len;
};

/* Read files[0..n-1] into one topology named after the first file.
 * notes may be NULL. 0, or -1 after reporting through d. */
int azjson_load(const char *const *files, size_t n, struct topo *out,
		struct azjson_notes *notes, struct diag *d);
/* The same from src[0..n-1]; the names must outlive *out. */
int azjson_parse(const struct azjson_src *src, size_t n, struct topo *out,
		 struct azjson_notes *notes, struct diag *d);
void azjson_notes_free(struct azjson_notes *notes);

/* True when path names a JSON file (ends in .json, any case). */
int azjson_is_json(const char *path);

#endif
