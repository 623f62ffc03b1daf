/*
 * peer.h: DPDK as the benchmark's side-by-side peer (rte_lpm for
 * longest-prefix match, rte_acl for 5-tuple classification), on the same
 * prefixes, rules and queries as ftsim's structures.
 *
 * Built only when pkg-config finds libdpdk (peer_dpdk.c); otherwise
 * peer_none.c answers that the peer is absent. The EAL runs without
 * hugepages, PCI or shared config, in 1 GiB of ordinary memory.
 */
#ifndef FTSIM_BENCH_PEER_H
#define FTSIM_BENCH_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology/prefix.h"

/* Start the EAL once. 0, or -1 with why in msg (no DPDK in this build,
 * or the EAL refused to start). */
int peer_init(char *msg, size_t len);
void peer_fini(void);
const char *peer_version(void);		/* NULL without DPDK */

struct peer_lpm;
/* rte_lpm with prefixes p[i] -> value i. NULL with why in msg (a table
 * too large for rte_lpm's limits is reported, not hidden). *mem: bytes
 * the DPDK heap grew by. */
struct peer_lpm *peer_lpm_new(const struct pfx *p, size_t n, size_t *mem,
			      char *msg, size_t len);
void peer_lpm_free(struct peer_lpm *l);
/* Look every ips[i] up; out[i] = value + 1 or 0 (no route) when out is
 * not NULL. Returns a checksum of the answers. */
uint64_t peer_lpm_run(const struct peer_lpm *l, const uint32_t *ips,
		      size_t n, uint32_t *out);

/* One rte_acl rule: the 5-tuple as rte_acl's field types hold it. */
struct peer_acl_rule {
	uint8_t proto;			/* IP protocol number */
	struct pfx src, dst;
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;
	uint32_t priority;		/* higher wins */
	uint32_t userdata;		/* > 0 */
};

/* A packet's key, in the byte order rte_acl reads (network order). */
struct peer_acl_key {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src, dst;
	uint16_t sport, dport;
};
_Static_assert(sizeof(struct peer_acl_key) == 16, "rte_acl key layout");

void peer_acl_key(struct peer_acl_key *k, uint8_t proto, uint32_t src,
		  uint32_t dst, uint16_t sport, uint16_t dport);

struct peer_acl;
struct peer_acl *peer_acl_new(const struct peer_acl_rule *r, size_t n,
			      size_t *mem, char *msg, size_t len);
void peer_acl_free(struct peer_acl *a);
/* Classify keys[0..n) in bursts of `burst` (1 = one call per packet);
 * out[i] = userdata of the winner, 0 for none. Returns a checksum. */
uint64_t peer_acl_run(const struct peer_acl *a,
		      const struct peer_acl_key *keys, size_t n,
		      unsigned burst, uint32_t *out);

#endif
