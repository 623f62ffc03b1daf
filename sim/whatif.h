/*
 * whatif.h: what a change does to a network, before against after.
 *
 * Two comparisons, both through the engine's public entry points:
 *
 * - Flow diff: every flow of the scenario (matched by name; with
 *   services, also a synthetic flow from every VM to every KMS, SUSE,
 *   DNS and IMDS address) is replayed with sim_decide on both sides;
 *   a flow is reported when its delivery, activation, source seen,
 *   hairpin, path or deciding NSG rule changed.
 *
 * - Still failing: the flows of both sides (services included) that are
 *   broken before and after the change, each with why (wi_failing).
 *
 * - Exhaustive diff: for every VM (matched by name), the destination
 *   IPv4 space is cut into elementary ranges (eqclass.h) at every
 *   boundary that can change a decision on either side: the effective
 *   routes of every subnet, NSG rule prefixes and the prefixes of the
 *   tags they use (computed ones included), the AzureCloud tag (Internet
 *   egress stays on the backbone inside it), service addresses, VNet
 *   and subnet spaces, VM addresses, on-premises prefixes, edge filters,
 *   advertised prefixes and NAT pools. The destination ports are cut at
 *   the port ranges of NSG rules and on-premises filters; a service
 *   address also gets its own port. One representative per range (and
 *   per port class) is evaluated on each side: the next hop by
 *   rtable_lookup in the VM's subnet, the rest by sim_decide with a
 *   synthetic flow. Ranges with the same change are collected into one
 *   group, adjacent ones merged, and each group's space is written as
 *   the fewest CIDRs. VMs of one class (one subnet, NIC NSG and flags,
 *   addresses that every prefix a source is checked against holds
 *   alike, on both sides; no ECMP) walk alike but for their names and
 *   addresses: the class's first VM is walked on every range, the
 *   others only where its outcome changed and on the ranges of the two
 *   VMs' own addresses; each VM's changes are reported from its own
 *   walks, exactly as when every VM is walked on every range.
 *
 * Results own their strings; whatif_free releases them.
 */
#ifndef FTSIM_WHATIF_H
#define FTSIM_WHATIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/walk.h"
#include "topology/change.h"
#include "topology/topo.h"

/* One outcome field that differs. */
struct wi_field {
	const char *name;		/* static: "delivered", "path", ... */
	char *before, *after;
};

enum wi_presence { WI_BOTH, WI_ONLY_BEFORE, WI_ONLY_AFTER };

struct wi_flow {
	char *name;
	char *desc;			/* "vm1 -> kms.core.windows.net Tcp/1688" */
	bool service;			/* synthetic service flow */
	enum wi_presence presence;
	struct wi_field *fields;	/* changed fields only */
	size_t nfields;
};

/*
 * A flow broken on both sides (not delivered, activation refused, or its
 * answer lost), whatever its expectations say: the change did not fix
 * it. The reason is the after side's; reason_before is the before
 * side's when it differs (NULL when the same). drop_reason, at (the node
 * that dropped it), nsg_rule and route (the route the source VM's
 * subnet picks for the destination, as nexthop prints it) are NULL when
 * they do not apply.
 */
struct wi_failing {
	char *name;
	char *desc;
	bool service;
	char *vm;			/* the source VM; NULL when external */
	char *reason, *reason_before;
	char *drop_reason, *at, *nsg_rule, *route;
	char *route_before;		/* when it differs, else NULL */
	char *activation;		/* "refused", NULL when none */
	char *source_seen;		/* "198.51.100.10 (onprem-edge)" */
};

/* The ports on which a group's ranges change the same way, and how. */
struct wi_variant {
	char *ports;			/* "all", "Tcp/1688", "Tcp/0-52" */
	struct wi_field *fields;
	size_t nfields;
};

/* A set of addresses (the union of cidrs) whose change is the same. */
struct wi_group {
	struct pfx *cidrs;
	size_t ncidrs;
	uint32_t example;		/* the first address of the group */
	uint64_t addresses;
	struct wi_variant *var;
	size_t nvar;
};

struct wi_vm {
	char *vm;
	char *where;			/* "VNet/Subnet" (after) */
	size_t nranges, nprobes;	/* what was evaluated */
	struct wi_group *nexthop;	/* next-hop changes */
	size_t nnexthop;
	struct wi_group *fate;		/* per-port outcome changes */
	size_t nfate;
};

struct whatif_result {
	struct wi_flow *flows;		/* changed (or one-sided) flows */
	size_t nflows;
	size_t flows_compared;		/* one-sided flows included */
	struct wi_failing *failing;	/* broken before and after */
	size_t nfailing;
	struct wi_vm *vms;		/* VMs with a change */
	size_t nvms;
	size_t vms_compared;
	char **vm_notes;		/* VMs on one side only */
	size_t nvm_notes;
	bool exhaustive;
	bool changed;
	/* The exhaustive diff's work: VM x range pairs in all, and those
	 * walked (the others are outside what the change can touch,
	 * wiscope.h); why every range was walked, when it was. */
	uint64_t pairs, pairs_walked;
	const char *scope_all;
};

/* Called every few hundred ranges with what is done of total; a
 * non-zero return stops the comparison (whatif_run: -ECANCELED). */
typedef int (*whatif_progress_fn)(void *arg, uint64_t done, uint64_t total);

struct whatif_opts {
	bool services;			/* add the service flows */
	bool exhaustive;		/* the exhaustive diff as well */
	whatif_progress_fn progress;
	void *progress_arg;
	/* The change that made the after side, when there is one: the
	 * exhaustive diff walks only the ranges it can touch (wiscope.h).
	 * NULL (ftsim diff): every range. */
	const struct change *change;
	bool every_range;		/* walk every range for every VM
					 * all the same, no class shared
					 * (the property test's brute
					 * force) */
};

/* Compare. Both engines must be built on their topologies. 0, or a
 * negative errno (out of memory, an engine failure, -ECANCELED by the
 * progress function) with *out empty. */
int whatif_run(const struct topo *tb, struct sim *sb, const struct topo *ta,
	       struct sim *sa, const struct whatif_opts *opts,
	       struct whatif_result *out);
void whatif_free(struct whatif_result *r);

#endif
