/*
 * nsgcls.h: an NSG compiled for fast classification (MODEL.md §5).
 *
 * nsg_eval (nsg.c) scans every rule and resolves tags by name for each
 * packet; it stays the oracle. An nsgcls is one NSG compiled once in one
 * NIC's context (its computed tags): per direction, the rules sorted by
 * priority with the three default rules after them, and for each of the
 * five fields (protocol, source and destination address, source and
 * destination port) the field's space cut into elementary intervals,
 * each holding a bit vector of the rules that match there (Lakshman and
 * Stiliadis' bit-vector scheme). A packet finds its interval in each
 * field by bisection, ANDs the five vectors word by word and takes the
 * first bit set: the rule with the lowest priority that matches, or the
 * default rule. The deny rules on each platform tag are listed so that
 * the hidden platform rules are decided from the same vectors.
 *
 * An nsgcls borrows the NSG and the context it was compiled in; both
 * must outlive it. It is immutable after nsgcls_new.
 */
#ifndef FTSIM_NSGCLS_H
#define FTSIM_NSGCLS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/nsg.h"

struct nsgcls;

/* Compile g in context c. 0, -EINVAL (NULL arguments) or -ENOMEM. */
int nsgcls_new(const struct nsgctx *c, const struct nsg *g,
	       struct nsgcls **out);
void nsgcls_free(struct nsgcls *k);

/* The NSG it was compiled from. */
const struct nsg *nsgcls_nsg(const struct nsgcls *k);
/* Bytes allocated. */
size_t nsgcls_memory(const struct nsgcls *k);

/* nsg_eval's verdict, field for field, from the compiled NIC and subnet
 * NSGs (either may be NULL), both compiled in context c. */
void nsgcls_eval(const struct nsgctx *c, const struct nsgcls *nic,
		 const struct nsgcls *subnet, const struct nsg_query *q,
		 bool with_platform, struct nsg_verdict *v);

/* A VM's own address placed once in a compiled NSG's address fields:
 * its outbound queries name it as their source, its inbound ones as
 * their destination, so that their classification skips that field's
 * bisection. iv[DIR_OUTBOUND] is the source field's interval,
 * iv[DIR_INBOUND] the destination field's. */
struct nsgcls_own {
	uint32_t ip;
	uint32_t iv[2];
};

void nsgcls_own(const struct nsgcls *k, uint32_t ip, struct nsgcls_own *o);
/* nsgcls_eval with the VM's own address placed (nic_own and subnet_own
 * for nic and subnet; either may be NULL): the same verdict. */
void nsgcls_eval_own(const struct nsgctx *c, const struct nsgcls *nic,
		     const struct nsgcls *subnet,
		     const struct nsgcls_own *nic_own,
		     const struct nsgcls_own *subnet_own,
		     const struct nsg_query *q, bool with_platform,
		     struct nsg_verdict *v);

#endif
