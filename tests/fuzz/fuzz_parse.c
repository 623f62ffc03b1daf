/*
 * fuzz_parse.c: libFuzzer harness for the address parsers of prefix.h.
 *
 * The first byte chooses the parser (its value modulo 3: 0 ip_parse,
 * 1 pfx_parse, 2 portrange_parse; seeds use the digits '0', '1', '2'),
 * the rest is the text, NUL-terminated here as the loaders pass it.
 * Besides not crashing, each parser must keep its promises: what it
 * accepts formats back to text that parses to the same value, a prefix
 * has no host bits, a range is not upside down, and every refusal is
 * one of the documented codes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topology/prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(int rc)
{
	if (rc != PFX_OK && rc != PFX_ESYNTAX && rc != PFX_ERANGE &&
	    rc != PFX_EHOSTBITS && rc != PFX_EPORT && rc != PFX_ELEN)
		abort();
	if (pfx_strerror(rc) == NULL)
		abort();
}

static void
fuzz_ip(const char *s)
{
	char buf[IP_STRLEN];
	uint32_t ip, again;
	int rc;

	rc = ip_parse(s, &ip);
	check_err(rc);
	if (rc != PFX_OK)
		return;
	if (ip_parse(ip_format(ip, buf), &again) != PFX_OK || again != ip)
		abort();
}

static void
fuzz_pfx(const char *s)
{
	char buf[PFX_STRLEN];
	struct pfx p, again;
	int rc;

	rc = pfx_parse(s, &p);
	check_err(rc);
	if (rc != PFX_OK)
		return;
	if (p.len > 32 || (p.addr & ~pfx_mask(p.len)) != 0)
		abort();
	if (pfx_parse(pfx_format(p, buf), &again) != PFX_OK ||
	    !pfx_equal(p, again) || pfx_cmp(&p, &again) != 0)
		abort();
}

static void
fuzz_ports(const char *s)
{
	struct portrange r;
	int rc;

	rc = portrange_parse(s, &r);
	check_err(rc);
	if (rc == PFX_OK && r.lo > r.hi)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		fuzz_ip(s);
		break;
	case 1:
		fuzz_pfx(s);
		break;
	default:
		fuzz_ports(s);
		break;
	}
	free(s);
	return 0;
}
