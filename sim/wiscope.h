/*
 * wiscope.h: what a change can touch, for the exhaustive what-if.
 *
 * The exhaustive diff compares, for every VM, one representative of every
 * elementary destination range on both sides. Most changes can alter the
 * outcome of a few ranges only; wi_scope_build finds a set of destination
 * intervals that holds every range whose outcome can differ, so that the
 * others need not be walked (their outcome is the same on both sides by
 * construction, not by sampling):
 *
 * - Route changes (routes, route tables, associations, propagation, the
 *   prefixes on-premises advertises): a route lookup depends only on the
 *   routes covering the address, so two tables answer alike outside the
 *   prefixes of the routes one of them has and the other lacks. Every
 *   request lookup is keyed by the destination; every answer's by an
 *   address a flow can leave from (a VM's, its public or NAT address, an
 *   edge's); when a differing prefix covers one of those, every range can
 *   change and the scope is everything.
 * - The computed tags VirtualNetwork and Internet follow the routes: the
 *   intervals where a subnet's tag differs join the scope (everything if
 *   they cover a source); a change of the forced default (the KMS switch,
 *   MODEL §5) adds the KMS addresses.
 * - NSG rules added or removed: a rule decides only packets inside its
 *   source and destination spaces, and the range's address is one or the
 *   other; both join the scope (a computed or unknown tag, or '*': all).
 * - Anything else (public peering, NAT pools, a change the scope cannot
 *   read): everything.
 *
 * A property test (tests/unit/test_wiscope.c) compares the diff over the
 * scope with the diff over every range on random networks and changes.
 */
#ifndef FTSIM_WISCOPE_H
#define FTSIM_WISCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/walk.h"
#include "topology/change.h"

/* An interval of addresses, inclusive (64 bits, as eqclass). */
struct wi_iv {
	uint64_t lo, hi;
};

/* A subnet's effective-route context before and after the change. */
struct wi_cxpair {
	size_t b, a;
};

/*
 * What a change can touch: after wi_scope_build, sets of sorted,
 * disjoint, non-adjacent intervals; or all of it. iv holds what can
 * change for any VM (the spaces of NSG rules added or removed). riv
 * holds what a changed context can change: the prefixes of the routes
 * that differ, where its computed tags differ, the KMS addresses when its
 * forced default flips. A request decides routes, tags and the hidden
 * rule in its VM's own context first, and later only at appliances (the
 * answers' lookups are keyed by sources, outside riv; a destination VM's
 * address in riv would be a source), so riv can change the outcome only
 * for a VM whose context pair is in `changed`, or for every VM when a
 * changed context holds an appliance.
 */
struct wi_scope {
	bool all;
	struct wi_iv *iv;
	size_t n, cap;
	struct wi_iv *riv;
	size_t rn, rcap;
	struct wi_cxpair *changed;	/* sorted */
	size_t nchanged, cchanged;
	bool routes_every_vm;
	const char *why_all;		/* static: why everything, or NULL */
};

/* The scope of change c, applied to tb (engine sb) to give ta (engine
 * sa). c NULL: everything. 0 or -ENOMEM. */
int wi_scope_build(const struct change *c, const struct topo *tb,
		   const struct sim *sb, const struct topo *ta,
		   const struct sim *sa, struct wi_scope *out);
void wi_scope_free(struct wi_scope *s);

/* True when [lo, hi] meets the scope for some VM. */
bool wi_scope_meets(const struct wi_scope *s, uint64_t lo, uint64_t hi);
/* True when [lo, hi] meets the scope for a VM whose subnet uses
 * context cb before and ca after (sim_context_of). */
bool wi_scope_meets_vm(const struct wi_scope *s, size_t cb, size_t ca,
		       uint64_t lo, uint64_t hi);

#endif
