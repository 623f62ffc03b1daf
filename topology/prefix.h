/*
 * prefix.h: IPv4 addresses, prefixes and port ranges, the vocabulary every
 * other subsystem speaks. Addresses are host-order uint32_t everywhere in
 * ftsim; only capture/ converts to network order when it writes bytes.
 */
#ifndef FTSIM_PREFIX_H
#define FTSIM_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 prefix. addr has no bits set beyond len (pfx_parse rejects
 * host bits, pfx_make clears them). */
struct pfx {
	uint32_t addr;
	uint8_t  len;		/* 0..32 */
};

/* Inclusive port range; the whole space is {0, 65535}. */
struct portrange {
	uint16_t lo;
	uint16_t hi;
};

#define PFX_STRLEN 24		/* "255.255.255.255/32" + NUL, rounded up */
#define IP_STRLEN  16		/* "255.255.255.255" + NUL */

/* A host-order address from its four octets, for tables of constants. */
#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Netmask of a prefix length, 0 for /0. */
static inline uint32_t
pfx_mask(uint8_t len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

static inline struct pfx
pfx_make(uint32_t addr, uint8_t len)
{
	struct pfx p = { addr & pfx_mask(len), len };
	return p;
}

static inline bool
pfx_contains_ip(struct pfx p, uint32_t ip)
{
	return (ip & pfx_mask(p.len)) == p.addr;
}

/* True when outer covers inner (equal prefixes included). */
static inline bool
pfx_covers(struct pfx outer, struct pfx inner)
{
	return outer.len <= inner.len && pfx_contains_ip(outer, inner.addr);
}

static inline bool
pfx_equal(struct pfx a, struct pfx b)
{
	return a.addr == b.addr && a.len == b.len;
}

/* Error codes of the parsers: 0 on success, one of these (negative) else. */
enum pfx_err {
	PFX_OK        = 0,
	PFX_ESYNTAX   = -1,	/* not an address at all */
	PFX_ERANGE    = -2,	/* an octet > 255 */
	PFX_EHOSTBITS = -3,	/* bits set beyond the prefix length */
	PFX_EPORT     = -4,	/* a port > 65535 or lo > hi */
	PFX_ELEN      = -5,	/* a prefix length > 32 */
};

/* Dotted quad, exactly four decimal octets, no leading '+' or spaces. */
int ip_parse(const char *s, uint32_t *out);
/* "a.b.c.d/len" or a bare address (read as /32). Host bits are refused. */
int pfx_parse(const char *s, struct pfx *out);
/* "1688", "1000-2000" or "*". */
int portrange_parse(const char *s, struct portrange *out);
/* A short English text for an error code, for messages. */
const char *pfx_strerror(int err);

/* Formatting into caller buffers of IP_STRLEN / PFX_STRLEN bytes. */
char *ip_format(uint32_t ip, char buf[IP_STRLEN]);
char *pfx_format(struct pfx p, char buf[PFX_STRLEN]);

/* Order by address, then by length: the order of `az` route listings. */
int pfx_cmp(const struct pfx *a, const struct pfx *b);

#endif
