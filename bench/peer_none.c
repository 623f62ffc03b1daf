/*
 * peer_none.c: peer.h when this build has no DPDK (pkg-config found no
 * libdpdk, or the sanitizer build, which DPDK's memory model defeats).
 */
#include <stdio.h>
#include <string.h>

#include "bench/peer.h"

int
peer_init(char *msg, size_t len)
{
	snprintf(msg, len, "built without DPDK (pkg-config found no libdpdk; "
		 "scripts/install-deps.sh installs libdpdk-dev)");
	return -1;
}

void
peer_fini(void)
{
}

const char *
peer_version(void)
{
	return NULL;
}

struct peer_lpm *
peer_lpm_new(const struct pfx *p, size_t n, size_t *mem, char *msg,
	     size_t len)
{
	(void)p;
	(void)n;
	*mem = 0;
	snprintf(msg, len, "no DPDK");
	return NULL;
}

void
peer_lpm_free(struct peer_lpm *l)
{
	(void)l;
}

uint64_t
peer_lpm_run(const struct peer_lpm *l, const uint32_t *ips, size_t n,
	     uint32_t *out)
{
	(void)l;
	(void)ips;
	if (out != NULL)
		memset(out, 0, n * sizeof(*out));
	return 0;
}

void
peer_acl_key(struct peer_acl_key *k, uint8_t proto, uint32_t src,
	     uint32_t dst, uint16_t sport, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->src = src;
	k->dst = dst;
	k->sport = sport;
	k->dport = dport;
}

struct peer_acl *
peer_acl_new(const struct peer_acl_rule *r, size_t n, size_t *mem, char *msg,
	     size_t len)
{
	(void)r;
	(void)n;
	*mem = 0;
	snprintf(msg, len, "no DPDK");
	return NULL;
}

void
peer_acl_free(struct peer_acl *a)
{
	(void)a;
}

uint64_t
peer_acl_run(const struct peer_acl *a, const struct peer_acl_key *keys,
	     size_t n, unsigned burst, uint32_t *out)
{
	(void)a;
	(void)keys;
	(void)burst;
	if (out != NULL)
		memset(out, 0, n * sizeof(*out));
	return 0;
}
