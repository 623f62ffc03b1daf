/*
 * poptrie.h: a compressed multibit trie for longest-prefix match
 * (Poptrie, Asai and Ohara, SIGCOMM 2015), built once from a route set.
 *
 * The top POPTRIE_DIRECT_BITS bits of an address index a direct table;
 * an entry is either a leaf (its top bit set) or the index of a node.
 * Below it, every node covers 6 more bits with two 64-bit maps: bit v of
 * `vector` says that slot v has a child node, bit v of `leafvec` that a
 * new run of equal leaves starts at slot v. A node's children are stored
 * contiguously from `base1`, its distinct leaves from `base0`, so the
 * child or leaf of slot v is found by counting the bits set up to v
 * (popcount). A lookup is one direct read and at most three node steps.
 *
 * A leaf is 0 for "no route", else the route's value plus one. The trie
 * is immutable: a changed route set is a new trie. The structure is in
 * the header only so that the lookup can be inlined in hot loops; its
 * fields belong to poptrie.c.
 */
#ifndef FTSIM_POPTRIE_H
#define FTSIM_POPTRIE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "topology/prefix.h"

#define POPTRIE_DIRECT_BITS 16
#define POPTRIE_STRIDE 6
#define POPTRIE_LEAF 0x80000000u	/* direct entry is a leaf */
#define POPTRIE_VALUE_MAX 0x7ffffffdu	/* largest value a route may carry */

/* One internal node: 24 bytes, so that 2.6 nodes share a cache line. */
struct poptrie_node {
	uint64_t vector;	/* slots with a child node */
	uint64_t leafvec;	/* slots where a run of equal leaves starts */
	uint32_t base0;		/* first leaf in leaves[] */
	uint32_t base1;		/* first child in nodes[] */
};
_Static_assert(sizeof(struct poptrie_node) == 24,
	       "poptrie_node must stay 24 bytes");

struct poptrie {
	uint32_t *direct;		/* 1 << POPTRIE_DIRECT_BITS entries */
	struct poptrie_node *nodes;
	uint32_t *leaves;		/* 0: no route, else value + 1 */
	uint32_t nnodes, nleaves;
	uint32_t capnodes, capleaves;
	size_t nroutes;			/* distinct prefixes */
};

/* One route of the input set. */
struct poptrie_route {
	struct pfx pfx;
	uint32_t value;			/* 0..POPTRIE_VALUE_MAX */
};

/* Build the trie of routes[0..n). Host bits of a prefix are ignored; for
 * a prefix given twice the later value wins. 0, -EINVAL (a length above
 * 32 or a value above POPTRIE_VALUE_MAX; nothing is built) or -ENOMEM. */
int poptrie_build(const struct poptrie_route *routes, size_t n,
		  struct poptrie **out);
void poptrie_free(struct poptrie *t);

size_t poptrie_memory(const struct poptrie *t);	/* bytes allocated */
size_t poptrie_count(const struct poptrie *t);	/* distinct prefixes */

/* The leaf of ip: 0 when no route matches, else the value plus one. */
static inline uint32_t
poptrie_leaf(const struct poptrie *t, uint32_t ip)
{
	const struct poptrie_node *n;
	uint64_t key = (uint64_t)ip << 32, bit, upto;
	unsigned off = POPTRIE_DIRECT_BITS;
	uint32_t d = t->direct[ip >> (32 - POPTRIE_DIRECT_BITS)];

	if (d & POPTRIE_LEAF)
		return d & ~POPTRIE_LEAF;
	n = &t->nodes[d];
	for (;;) {
		bit = 1ull << ((key >> (64 - POPTRIE_STRIDE - off)) & 63);
		upto = bit | (bit - 1);
		if (!(n->vector & bit))
			break;
		n = &t->nodes[n->base1 +
			      (uint32_t)__builtin_popcountll(n->vector & upto) - 1];
		off += POPTRIE_STRIDE;
	}
	return t->leaves[n->base0 +
			 (uint32_t)__builtin_popcountll(n->leafvec & upto) - 1];
}

/* Longest match for ip: 0 and *value set, or -ENOENT. */
static inline int
poptrie_lookup(const struct poptrie *t, uint32_t ip, uint32_t *value)
{
	uint32_t l = poptrie_leaf(t, ip);

	if (l == 0)
		return -ENOENT;
	*value = l - 1;
	return 0;
}

#endif
