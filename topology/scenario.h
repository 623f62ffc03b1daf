/*
 * scenario.h: the YAML scenario loader (libyaml).
 *
 * Reads a scenario file (the keys of FORMAT.md and docs/format.md) into a
 * struct topo. Every problem is reported through the diag as
 * FILE:LINE:COL: error: WHAT, at the position of the offending key or
 * value. On any error the topology is freed and -1 returned: the caller
 * never sees a half-filled model.
 */
#ifndef FTSIM_SCENARIO_H
#define FTSIM_SCENARIO_H

#include <stddef.h>

#include <yaml.h>

#include "topology/diag.h"
#include "topology/topo.h"

/* Largest scenario file read, in bytes. libyaml's node tree takes about
 * 30 times the file's size; 16 MiB holds far more than Azure's limits. */
#define SCENARIO_MAX_BYTES (16u << 20)

/*
 * Count limits of a scenario (docs/format.md, "Limits"). Each list has
 * ftsim's cap: above it the scenario is refused (exit 2), so that no input
 * makes ftsim run away in memory or time. Where Azure has a limit of its
 * own (azure > 0, from "Networking limits - Azure Resource Manager"), the
 * cap is above it and a list between the two is read with a warning that
 * names Azure's limit: a scenario may model what Azure would refuse.
 */
enum scenario_lim {
	SCN_LIM_ROUTES,		/* routes per route table */
	SCN_LIM_RTABLES,	/* route tables */
	SCN_LIM_RULES,		/* rules per NSG */
	SCN_LIM_NSGS,		/* NSGs */
	SCN_LIM_RULE_ADDRS,	/* addresses in a rule's source or destination */
	SCN_LIM_VNETS,		/* VNets */
	SCN_LIM_SUBNETS,	/* subnets per VNet */
	SCN_LIM_PEERINGS,	/* peerings per VNet */
	SCN_LIM_VMS,		/* VMs (one NIC each) */
	SCN_LIM_CIRCUITS,	/* ExpressRoute circuits */
	SCN_LIM_ADVERTISED,	/* prefixes advertised on one private peering */
	SCN_LIM_BLOCKS,		/* on-premises block filters */
	SCN_LIM_DNS,		/* dns: names */
	SCN_LIM_FLOWS,		/* flows */
	SCN_LIM_VPN_SITES,	/* VPN sites */
	SCN_LIM_SITE_PREFIXES,	/* prefixes of one VPN site (static or BGP) */
	SCN_LIM_RS_PEERS,	/* BGP peers of one Route Server */
	SCN_LIM_RS_ROUTES,	/* prefixes one Route Server peer advertises */
	SCN_LIM_N
};

struct scenario_limit {
	const char *what;	/* the counted things, plural: "routes" */
	const char *owner;	/* what holds them: "route table", "scenario" */
	size_t azure;		/* Azure's own limit, 0 when none applies */
	const char *scope;	/* Azure's limit is per this */
	size_t cap;		/* ftsim refuses more than this */
};

extern const struct scenario_limit scenario_limits[SCN_LIM_N];

int scenario_load(const char *path, struct topo *out, struct diag *d);
/* From memory; name is the file name used in messages and the base of
 * relative paths (service_tags). */
int scenario_parse(const char *name, const char *buf, size_t len,
		   struct topo *out, struct diag *d);

/* Read a whole file of at most SCENARIO_MAX_BYTES; *buf is the caller's
 * to free. 0 or -1 after reporting. */
int scenario_read_file(const char *path, char **buf, size_t *len,
		       struct diag *d);

/*
 * For other YAML inputs: the same checks before the tree is built (size,
 * UTF-16, NUL bytes, aliases, nesting, one document), and the element
 * readers of the scenario format, with its keys and checks. file names
 * the input in messages and is borrowed by the positions of what is
 * read. Each returns 0, or -1 after reporting (nothing is left allocated
 * in *out then). scenario_yaml_load's document is the caller's to
 * yaml_document_delete. Change files use the readers of
 * topology/yamlrd.h directly; these stay for other callers.
 */
int scenario_yaml_load(const char *name, const char *buf, size_t len,
		       yaml_document_t *doc, struct diag *d);
int scenario_read_route(const char *file, yaml_document_t *doc,
			yaml_node_t *n, struct route *out, struct diag *d);
int scenario_read_rtable(const char *file, yaml_document_t *doc,
			 yaml_node_t *n, struct route_table *out,
			 struct diag *d);
int scenario_read_rule(const char *file, yaml_document_t *doc,
		       yaml_node_t *n, struct nsg_rule *out, struct diag *d);
int scenario_read_prefixes(const char *file, yaml_document_t *doc,
			   yaml_node_t *n, const char *key, struct pfx **out,
			   size_t *nout, struct diag *d);

#endif
