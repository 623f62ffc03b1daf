/*
 * gen.h: the benchmark's workloads, generated from a fixed seed.
 *
 * Everything here is deterministic: the same seed gives the same prefix
 * sets, the same NSG rules and the same network. Networks and NSGs are
 * produced as scenario text and loaded with the ordinary loader
 * (topology/scenario.h), so the engine sees exactly what a user's file
 * would give it. Only names made of [a-z0-9-], prefixes, numbers and
 * tag names are written, none of which YAML needs to quote.
 *
 * The unit test of the compiled NSG classifier uses the same rule
 * generator on smaller sizes.
 */
#ifndef FTSIM_BENCH_GEN_H
#define FTSIM_BENCH_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/nsg.h"
#include "topology/prefix.h"

/* xorshift64*: small, fast, and the same on every machine. */
struct gen_rng {
	uint64_t s;
};

void gen_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_next(struct gen_rng *r);
uint32_t gen_below(struct gen_rng *r, uint32_t n);	/* 0..n-1, n > 0 */

/* A growable text buffer. On allocation failure it keeps what it had
 * and sets failed; the caller checks once at the end. */
struct gen_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

void gen_printf(struct gen_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gen_buf_free(struct gen_buf *b);

/* n distinct prefixes with lengths distributed like a table of that
 * size: a route table's UDRs (/8../32), a BGP table (mostly /24, /16 to
 * /24, a few longer). Returns how many were made (n unless out of
 * memory: then 0). */
size_t gen_prefixes(struct gen_rng *r, size_t n, struct pfx *out);

/* Rule sets. GEN_RULES_RANDOM: anything the format allows (overlaps,
 * every protocol, port lists, service and platform tags, both
 * directions), for the equivalence tests. GEN_RULES_REALISTIC: what
 * NSGs hold in practice: allow rules for service ports from prefixes
 * and tags, some denies. GEN_RULES_WORST: rules no benchmark packet
 * matches, so that every packet reaches the default rules. */
enum gen_rules { GEN_RULES_RANDOM, GEN_RULES_REALISTIC, GEN_RULES_WORST };

/* Append an NSG named name with nrules rules (priorities unique per
 * direction, 100..4096 as Azure allows: at most 3997 per direction). */
void gen_nsg_yaml(struct gen_buf *b, struct gen_rng *r, const char *name,
		  size_t nrules, enum gen_rules kind);

/* A packet for an NSG of that kind: for GEN_RULES_REALISTIC half of
 * them are aimed at the rules; GEN_RULES_WORST ones match no user
 * rule. dir is the direction of q. */
void gen_query(struct gen_rng *r, enum gen_rules kind, enum direction dir,
	       struct nsg_query *q);

/* The network at Azure's limits (see bench/README or the README's
 * Performance section): one VNet with nsubnets subnets, one VM each,
 * each subnet with its own route table of nudr routes and the subnet
 * NSG of nrules realistic rules; an ExpressRoute Premium circuit
 * advertising nbgp prefixes; on-premises; nflows flows between VMs, to
 * on-premises, to the Internet and to KMS. */
struct gen_net {
	size_t nsubnets, nudr, nbgp, nrules, nflows;
};
void gen_network_yaml(struct gen_buf *b, struct gen_rng *r,
		      const struct gen_net *p);

#endif
