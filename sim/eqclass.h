/*
 * eqclass.h: equivalence classes of addresses and ports, and the fewest
 * CIDRs that cover a range.
 *
 * A cutset collects boundaries: every prefix, range or port range that
 * can change a decision adds the first value it holds and the one after
 * its last. Sorted and deduplicated, consecutive boundaries delimit the
 * elementary ranges: inside one, every prefix and range added either
 * holds all values or none, so that one representative decides for the
 * whole range. Values are kept in 64 bits so that the end of the space
 * (2^32 for addresses, 2^16 for ports) is a boundary like any other.
 */
#ifndef FTSIM_EQCLASS_H
#define FTSIM_EQCLASS_H

#include <stddef.h>
#include <stdint.h>

#include "topology/prefix.h"

struct cutset {
	uint64_t *b;		/* boundaries; after eq_finish sorted, unique */
	size_t n, cap;
	uint64_t end;		/* one past the last value: 2^32 or 2^16 */
	int err;		/* sticky -ENOMEM */
};

/* An empty cut of [0, end); 0 is always a boundary. */
void eq_init(struct cutset *c, uint64_t end);
void eq_free(struct cutset *c);

/* Add the range [lo, hi] (inclusive); a prefix; a single value. Errors
 * are sticky and reported by eq_finish. */
void eq_add_range(struct cutset *c, uint64_t lo, uint64_t hi);
void eq_add_pfx(struct cutset *c, struct pfx p);

/* Sort and deduplicate. 0, or -ENOMEM if an add failed. After it,
 * elementary range i is [b[i], b[i+1] - 1] and the last one ends at
 * end - 1: eq_count ranges in all. */
int eq_finish(struct cutset *c);
size_t eq_count(const struct cutset *c);
void eq_range(const struct cutset *c, size_t i, uint64_t *lo, uint64_t *hi);

/* The fewest CIDR prefixes whose union is exactly [lo, hi], in address
 * order, into out (at most 62 for any IPv4 range; max is out's size).
 * Returns how many were needed (more than max: out holds the first
 * max). */
size_t eq_cidrs(uint32_t lo, uint32_t hi, struct pfx *out, size_t max);

#endif
