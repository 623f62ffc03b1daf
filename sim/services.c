/*
 * services.c: KMS, SUSE, DNS and IMDS, and the source-address classes.
 */
#include <string.h>
#include <strings.h>

#include "sim/services.h"
#include "topology/names.h"


static const struct service kms = {
	SVC_KMS, "kms", "Windows activation (KMS)", true };
static const struct service suse = {
	SVC_SUSE, "suse", "SUSE update server (SMT)", true };
static const struct service dns = {
	SVC_DNS, "azure-dns", "Azure DNS (host virtual IP)", false };
static const struct service imds = {
	SVC_IMDS, "imds", "Instance Metadata Service", false };

/* MODEL §4: the KMS names of each cloud [kms]. */
static const char *const kms_names[] = {
	"kms.core.windows.net", "azkms.core.windows.net",
	"kms.core.chinacloudapi.cn", "azkms.core.chinacloudapi.cn",
	"kms.core.cloudapi.de",
	"kms.core.usgovcloudapi.net", "azkms.core.usgovcloudapi.net",
};

/* MODEL §4: SUSE update servers of Central US [seed-000]. */
static const uint32_t suse_ips[] = {
	IP4(23, 101, 123, 131), IP4(23, 101, 127, 162),
};

static size_t
add_unique(uint32_t *out, size_t n, size_t max, const uint32_t *ips,
	   size_t nips)
{
	size_t i, k;

	for (i = 0; i < nips && n < max; i++) {
		for (k = 0; k < n && out[k] != ips[i]; k++)
			;
		if (k == n)
			out[n++] = ips[i];
	}
	return n;
}

/* MODEL §4: the KMS servers are the cloud's documented addresses, and
 * whatever the scenario's dns: makes a KMS name resolve to. An override
 * adds an address; it does not retire the documented ones (the old
 * 23.102.135.246 and the newer 20.118.99.224 both count). */
size_t
kms_addresses(const struct topo *t, uint32_t *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(kms_names) / sizeof(kms_names[0]); i++) {
		const struct dns_builtin *b = dns_builtin_find(t->cloud,
							       kms_names[i]);
		uint32_t ips[8];
		size_t got = dns_resolve(t, kms_names[i], ips, 8, NULL);

		if (b != NULL)
			n = add_unique(out, n, max, b->ips, b->nips);
		n = add_unique(out, n, max, ips, got);
	}
	return n;
}

const struct service *
service_at(const struct topo *t, uint32_t ip)
{
	uint32_t k[16];
	size_t n = kms_addresses(t, k, 16);

	return service_at_kms(k, n, ip);
}

const struct service *
service_at_kms(const uint32_t *k, size_t n, uint32_t ip)
{
	size_t i;

	if (ip == AZURE_DNS_IP)
		return &dns;
	if (ip == AZURE_IMDS_IP)
		return &imds;
	for (i = 0; i < n; i++)
		if (k[i] == ip)
			return &kms;
	for (i = 0; i < sizeof(suse_ips) / sizeof(suse_ips[0]); i++)
		if (suse_ips[i] == ip)
			return &suse;
	return NULL;
}

bool
service_listens(const struct service *s, unsigned proto, uint16_t port)
{
	switch (s->kind) {
	case SVC_KMS:
		return proto == PROTO_TCP && port == 1688;
	case SVC_SUSE:
		return proto == PROTO_TCP && (port == 443 || port == 80);
	case SVC_DNS:
		return port == 53 && (proto == PROTO_TCP || proto == PROTO_UDP);
	case SVC_IMDS:
		return proto == PROTO_TCP && port == 80;
	case SVC_NONE:
		break;
	}
	return true;
}

/* MODEL §4: "Azure public IP" means inside the cloud's AzureCloud tag. */
bool
azure_public(const struct topo *t, uint32_t ip)
{
	return tag_contains(tagset_find(t->tags, "AzureCloud"), ip);
}

bool
public_peering_nat(const struct topo *t, uint32_t ip)
{
	size_t i, j;

	for (i = 0; i < t->ncircuits; i++) {
		if (!t->circuits[i].public_peering)
			continue;
		for (j = 0; j < t->circuits[i].nnat_pool; j++)
			if (pfx_contains_ip(t->circuits[i].nat_pool[j], ip))
				return true;
	}
	return false;
}

/* MODEL §8 [er-ms]: an address of a Microsoft peering NAT pool. */
bool
ms_peering_nat(const struct topo *t, uint32_t ip)
{
	size_t i, j;

	for (i = 0; i < t->ncircuits; i++) {
		if (!t->circuits[i].microsoft_peering)
			continue;
		for (j = 0; j < t->circuits[i].nms_nat_pool; j++)
			if (pfx_contains_ip(t->circuits[i].ms_nat_pool[j], ip))
				return true;
	}
	return false;
}

const char *
ms_peering_region(const struct topo *t, const struct circuit *c,
		  uint32_t ip)
{
	size_t i;

	for (i = 0; c->microsoft_peering && i < c->nroute_filter; i++)
		if (tag_contains(tagset_find(t->tags, c->route_filter[i]), ip))
			return c->route_filter[i];
	return NULL;
}

bool
ip_private(uint32_t ip)
{
	return (ip >> 24) == 10 || (ip >> 20) == 0xac1 ||
	       (ip >> 16) == 0xc0a8 || (ip >> 22) == (IP4(100, 64, 0, 0) >> 22);
}

enum srcclass
source_classify(const struct topo *t, uint32_t ip)
{
	size_t i;

	if (public_peering_nat(t, ip))
		return SRC_PUBLIC_PEERING_NAT;
	if (ms_peering_nat(t, ip))
		return SRC_MS_PEERING_NAT;
	if (t->onprem.present && t->onprem.has_edge_ip &&
	    ip == t->onprem.internet_edge_ip)
		return SRC_ONPREM_EDGE;
	/* MODEL §8 [vpn-ft]: a VPN site's edge is an on-premises edge. */
	for (i = 0; i < t->nvpn_sites; i++)
		if (t->vpn_sites[i].has_edge_ip &&
		    ip == t->vpn_sites[i].internet_edge_ip)
			return SRC_ONPREM_EDGE;
	if (ip_private(ip))
		return SRC_PRIVATE;
	/* MODEL §8 [fw-snat]: an Azure Firewall's public IP. */
	for (i = 0; i < t->nfirewalls; i++)
		if (t->firewalls[i].has_public_ip &&
		    ip == t->firewalls[i].public_ip)
			return SRC_FIREWALL;
	if (azure_public(t, ip))
		return SRC_AZURE;
	return SRC_OTHER;
}

enum activation
service_decide(const struct topo *t, const struct service *s, uint32_t src,
	       const char **why)
{
	enum srcclass c;

	if (s == NULL || !s->checks_source) {
		*why = "no source check";
		return ACT_NONE;
	}
	c = source_classify(t, src);
	/* MODEL §4: only an Azure public IP of the cloud activates. */
	if (c == SRC_AZURE) {
		*why = "source is an Azure public IP (AzureCloud tag)";
		return ACT_ACCEPTED;
	}
	/* MODEL §8 [fw-snat]: an Azure Firewall's public IP is an Azure
	 * public IP, whether or not the Service Tags list its range. */
	if (c == SRC_FIREWALL) {
		*why = "source is an Azure Firewall's public IP, an Azure "
		       "public IP";
		return ACT_ACCEPTED;
	}
	/* MODEL §4 model assumption [seed-000]: public peering works. */
	if (c == SRC_PUBLIC_PEERING_NAT && t->model.kms_accepts_public_peering_nat) {
		*why = "source is a NAT pool address registered on public "
		       "peering (model assumption after [seed-000], switch "
		       "kms_accepts_public_peering_nat)";
		return ACT_ACCEPTED;
	}
	/* MODEL §8 [er-ms]: the same switch covers Microsoft peering's
	 * NAT pool. */
	if (c == SRC_MS_PEERING_NAT && t->model.kms_accepts_public_peering_nat) {
		*why = "source is a NAT pool address registered on Microsoft "
		       "peering (switch kms_accepts_public_peering_nat, MODEL "
		       "§8)";
		return ACT_ACCEPTED;
	}
	switch (c) {
	case SRC_MS_PEERING_NAT:
		*why = "source is a Microsoft peering NAT address and "
		       "kms_accepts_public_peering_nat is off";
		break;
	case SRC_ONPREM_EDGE:
		*why = "source is the on-premises edge, not an Azure public IP "
		       "(0xC004F074)";
		break;
	case SRC_PRIVATE:
		*why = "source is a private address, not an Azure public IP";
		break;
	case SRC_PUBLIC_PEERING_NAT:
		*why = "source is a public peering NAT address and "
		       "kms_accepts_public_peering_nat is off";
		break;
	default:
		*why = "source is not an Azure public IP of this cloud";
		break;
	}
	return ACT_REFUSED;
}

/*
 * [S32] default outbound access: an implicit, Microsoft-owned address.
 * ftsim uses one fixed address of the cloud's AzureCloud space (a
 * subnet's default_outbound_ip overrides it) so that runs are repeatable.
 */
uint32_t
default_outbound_ip(enum cloud c)
{
	switch (c) {
	case CLOUD_CHINA:	return IP4(42, 159, 160, 10);
	case CLOUD_GERMANY:	return IP4(51, 4, 160, 10);
	case CLOUD_USGOV:	return IP4(52, 126, 200, 10);
	default:		return IP4(20, 42, 0, 10);
	}
}

size_t
svc_probe_add(struct svc_probe *p, size_t n, size_t max,
	      const struct topo *t, uint32_t ip)
{
	const struct service *s = service_at(t, ip);
	size_t i;

	if (s == NULL || n >= max)
		return n;
	for (i = 0; i < n; i++)
		if (p[i].ip == ip)
			return n;
	switch (s->kind) {
	case SVC_KMS:
		p[n] = (struct svc_probe){ ip, PROTO_TCP, 1688, s->kind, "kms",
		    s->node };
		break;
	case SVC_SUSE:
		p[n] = (struct svc_probe){ ip, PROTO_TCP, 443, s->kind, "suse",
		    s->node };
		break;
	case SVC_DNS:
		p[n] = (struct svc_probe){ ip, PROTO_UDP, 53, s->kind, "dns",
		    s->node };
		break;
	default:
		p[n] = (struct svc_probe){ ip, PROTO_TCP, 80, s->kind, "imds",
		    s->node };
		break;
	}
	return n + 1;
}
