/*
 * prefix.c: IPv4 address, prefix and port-range parsing and formatting.
 * Strict on purpose: what Azure would refuse, ftsim refuses, and a prefix
 * with host bits is an error (the message suggests the normalised form).
 */
#include <stdio.h>
#include <string.h>

#include "topology/prefix.h"

/* Read a decimal number of at most maxdigits digits at *s, advance *s. */
static int
read_dec(const char **s, unsigned long max, int maxdigits, unsigned long *out)
{
	unsigned long v = 0;
	int n = 0;

	while (**s >= '0' && **s <= '9') {
		if (++n > maxdigits)
			return PFX_ERANGE;
		v = v * 10 + (unsigned long)(**s - '0');
		(*s)++;
	}
	if (n == 0)
		return PFX_ESYNTAX;
	if (v > max)
		return PFX_ERANGE;
	*out = v;
	return PFX_OK;
}

static int
ip_read(const char **s, uint32_t *out)
{
	uint32_t ip = 0;
	unsigned long oct;
	int i, rc;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			if (**s != '.')
				return PFX_ESYNTAX;
			(*s)++;
		}
		if ((rc = read_dec(s, 255, 3, &oct)) != PFX_OK)
			return rc;
		ip = ip << 8 | (uint32_t)oct;
	}
	*out = ip;
	return PFX_OK;
}

int
ip_parse(const char *s, uint32_t *out)
{
	uint32_t ip;
	int rc;

	if (s == NULL || out == NULL)
		return PFX_ESYNTAX;
	if ((rc = ip_read(&s, &ip)) != PFX_OK)
		return rc;
	if (*s != '\0')
		return PFX_ESYNTAX;
	*out = ip;
	return PFX_OK;
}

int
pfx_parse(const char *s, struct pfx *out)
{
	uint32_t ip;
	unsigned long len = 32;
	int rc;

	if (s == NULL || out == NULL)
		return PFX_ESYNTAX;
	if ((rc = ip_read(&s, &ip)) != PFX_OK)
		return rc;
	if (*s == '/') {
		s++;
		if ((rc = read_dec(&s, 32, 2, &len)) != PFX_OK)
			return rc == PFX_ERANGE ? PFX_ELEN : rc;
	}
	if (*s != '\0')
		return PFX_ESYNTAX;
	if ((ip & ~pfx_mask((uint8_t)len)) != 0)
		return PFX_EHOSTBITS;
	out->addr = ip;
	out->len = (uint8_t)len;
	return PFX_OK;
}

int
portrange_parse(const char *s, struct portrange *out)
{
	unsigned long lo, hi;
	int rc;

	if (s == NULL || out == NULL)
		return PFX_ESYNTAX;
	if (strcmp(s, "*") == 0) {
		out->lo = 0;
		out->hi = 65535;
		return PFX_OK;
	}
	if ((rc = read_dec(&s, 65535, 5, &lo)) != PFX_OK)
		return rc == PFX_ERANGE ? PFX_EPORT : rc;
	hi = lo;
	if (*s == '-') {
		s++;
		if ((rc = read_dec(&s, 65535, 5, &hi)) != PFX_OK)
			return rc == PFX_ERANGE ? PFX_EPORT : rc;
	}
	if (*s != '\0')
		return PFX_ESYNTAX;
	if (lo > hi)
		return PFX_EPORT;
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return PFX_OK;
}

const char *
pfx_strerror(int err)
{
	switch (err) {
	case PFX_OK:		return "no error";
	case PFX_ESYNTAX:	return "not an IPv4 address or prefix";
	case PFX_ERANGE:	return "octet above 255";
	case PFX_ELEN:		return "prefix length above 32";
	case PFX_EHOSTBITS:	return "host bits set beyond the prefix length";
	case PFX_EPORT:		return "port above 65535 or range upside down";
	}
	return "unknown error";
}

char *
ip_format(uint32_t ip, char buf[IP_STRLEN])
{
	/* "%u.%u.%u.%u" by hand: every trace line and capture point
	 * formats addresses, and snprintf was most of a decision's time. */
	char *o = buf;
	int k;

	for (k = 24; k >= 0; k -= 8) {
		unsigned b = (ip >> k) & 0xff;

		if (b >= 100)
			*o++ = (char)('0' + b / 100);
		if (b >= 10)
			*o++ = (char)('0' + b / 10 % 10);
		*o++ = (char)('0' + b % 10);
		*o++ = k ? '.' : '\0';
	}
	return buf;
}

char *
pfx_format(struct pfx p, char buf[PFX_STRLEN])
{
	char ip[IP_STRLEN];

	snprintf(buf, PFX_STRLEN, "%s/%u", ip_format(p.addr, ip), p.len);
	return buf;
}

int
pfx_cmp(const struct pfx *a, const struct pfx *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}
