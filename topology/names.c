/*
 * names.c: the built-in DNS (MODEL.md §4) and flow-destination lookup.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/names.h"


/*
 * [kms]: kms.core.windows.net is 23.102.135.246, the address of
 * [seed-000]; newer documents say the name moved to 20.118.99.224. ftsim
 * keeps the seed's answer by default (the scenario's dns: can override
 * it), so the seed's /32 fix is evaluated against the address it was
 * written for.
 */
static const struct dns_builtin builtin[] = {
	{ CLOUD_PUBLIC, "kms.core.windows.net",
	  { IP4(23, 102, 135, 246) }, 1, "[kms] [seed-000]" },
	{ CLOUD_PUBLIC, "azkms.core.windows.net",
	  { IP4(20, 118, 99, 224), IP4(40, 83, 235, 53) }, 2, "[kms]" },
	{ CLOUD_CHINA, "kms.core.chinacloudapi.cn",
	  { IP4(42, 159, 7, 249) }, 1, "[kms]" },
	{ CLOUD_CHINA, "azkms.core.chinacloudapi.cn",
	  { IP4(159, 27, 28, 100), IP4(163, 228, 64, 161) }, 2, "[kms]" },
	{ CLOUD_GERMANY, "kms.core.cloudapi.de",
	  { IP4(51, 4, 143, 248) }, 1, "[kms]" },
	{ CLOUD_USGOV, "kms.core.usgovcloudapi.net",
	  { IP4(23, 97, 0, 13) }, 1, "[kms]" },
	{ CLOUD_USGOV, "azkms.core.usgovcloudapi.net",
	  { IP4(52, 126, 105, 2) }, 1, "[kms]" },
	/* [seed-000]: SUSE update servers of Central US. */
	{ CLOUD_PUBLIC, "smt-azure.susecloud.net",
	  { IP4(23, 101, 123, 131), IP4(23, 101, 127, 162) }, 2,
	  "[seed-000]" },
	/* [168]: the host's virtual IPs answer in every cloud. */
	{ CLOUD_COUNT, "wireserver", { IP4(168, 63, 129, 16) }, 1, "[168]" },
	{ CLOUD_COUNT, "imds", { IP4(169, 254, 169, 254) }, 1, "[168]" },
};

const struct dns_builtin *
dns_builtin_find(enum cloud c, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if ((builtin[i].cloud == c || builtin[i].cloud == CLOUD_COUNT) &&
		    strcasecmp(builtin[i].name, name) == 0)
			return &builtin[i];
	return NULL;
}

size_t
dns_resolve(const struct topo *t, const char *name, uint32_t *ips, size_t max,
	    const char **origin)
{
	const struct dns_builtin *b;
	uint32_t ip;
	size_t i, n;

	if (name == NULL || max == 0)
		return 0;
	if (ip_parse(name, &ip) == 0) {
		ips[0] = ip;
		if (origin)
			*origin = "address";
		return 1;
	}
	for (i = 0; i < t->ndns; i++) {
		if (strcasecmp(t->dns[i].name, name) != 0)
			continue;
		n = t->dns[i].nips < max ? t->dns[i].nips : max;
		memcpy(ips, t->dns[i].ips, n * sizeof(*ips));
		if (origin)
			*origin = "scenario dns";
		return n;
	}
	if ((b = dns_builtin_find(t->cloud, name)) == NULL)
		return 0;
	n = b->nips < max ? b->nips : max;
	memcpy(ips, b->ips, n * sizeof(*ips));
	if (origin)
		*origin = "built-in";
	return n;
}
