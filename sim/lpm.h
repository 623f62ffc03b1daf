/*
 * lpm.h: longest-prefix match from IPv4 prefixes to 32-bit values.
 *
 * A binary trie in one array of 12-byte nodes: each node is one bit of
 * the address; a node that ends a prefix holds that prefix's value. A
 * lookup walks at most 32 nodes and remembers the last value seen, which
 * is the longest matching prefix. The route engine stores route indices
 * as values; the trie never interprets them.
 */
#ifndef FTSIM_LPM_H
#define FTSIM_LPM_H

#include <stddef.h>
#include <stdint.h>

#include "topology/prefix.h"

struct lpm;

/* NULL when out of memory. */
struct lpm *lpm_new(void);
void lpm_free(struct lpm *t);

/* Add or replace the value of p. 0, or -ENOMEM. */
int lpm_add(struct lpm *t, struct pfx p, uint32_t value);
/* Remove p (its nodes stay allocated). 0, or -ENOENT. */
int lpm_del(struct lpm *t, struct pfx p);
/* Longest match for ip: 0 and *value set, or -ENOENT. If len is not
 * NULL it receives the matched prefix length. */
int lpm_lookup(const struct lpm *t, uint32_t ip, uint32_t *value,
	       uint8_t *len);
/* Exact-prefix lookup: 0 and *value set, or -ENOENT. */
int lpm_get(const struct lpm *t, struct pfx p, uint32_t *value);
/* The longest prefix of t that covers p (p itself included): 0 and
 * *value set, or -ENOENT. */
int lpm_match(const struct lpm *t, struct pfx p, uint32_t *value);

/* A counter that every lpm_add and lpm_del changes: an index derived
 * from the trie is current while the counter has not moved. */
uint32_t lpm_generation(const struct lpm *t);

size_t lpm_count(const struct lpm *t);	/* prefixes held */
size_t lpm_memory(const struct lpm *t);	/* bytes allocated */

#endif
