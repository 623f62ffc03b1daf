/*
 * services.h: the destinations that answer in the model (MODEL.md §4):
 * KMS and SUSE update servers, which check the source address, and the
 * host's DNS and IMDS, which are reached without routing [168].
 */
#ifndef FTSIM_SERVICES_H
#define FTSIM_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology/topo.h"

enum svc_kind { SVC_NONE, SVC_KMS, SVC_SUSE, SVC_DNS, SVC_IMDS };

#define AZURE_DNS_IP  0xa83f8110u	/* 168.63.129.16 */
#define AZURE_IMDS_IP 0xa9fea9feu	/* 169.254.169.254 */

struct service {
	enum svc_kind kind;
	const char *node;		/* node name in paths: "kms", ... */
	const char *what;		/* "Windows activation (KMS)" */
	bool checks_source;		/* KMS, SUSE */
};

/* The service at ip, or NULL for an ordinary host. */
const struct service *service_at(const struct topo *t, uint32_t ip);
/* The same with the KMS addresses already resolved (kms_addresses): the
 * engine resolves them once. */
const struct service *service_at_kms(const uint32_t *kms, size_t nkms,
				     uint32_t ip);
/*
 * A service to probe: its address, the protocol and port it answers on
 * (KMS Tcp/1688, SUSE Tcp/443, DNS Udp/53, IMDS Tcp/80), its kind,
 * short name ("kms", "suse", "dns", "imds") and path node (service.node).
 */
struct svc_probe {
	uint32_t ip;
	unsigned proto;
	uint16_t port;
	enum svc_kind kind;
	const char *name;
	const char *node;
};

/* Append ip's probe to p (n used, room for max) when ip is a service not
 * there yet; returns the new count. */
size_t svc_probe_add(struct svc_probe *p, size_t n, size_t max,
		     const struct topo *t, uint32_t ip);

/* Whether the service listens on proto/port. */
bool service_listens(const struct service *s, unsigned proto, uint16_t port);

/* The cloud's KMS addresses: built-in names plus the scenario's dns:
 * overrides of them. Returns the count (at most max). */
size_t kms_addresses(const struct topo *t, uint32_t *out, size_t max);

/* Is ip an Azure public IP of the scenario's cloud (its AzureCloud
 * tag)? */
bool azure_public(const struct topo *t, uint32_t ip);
/* Is ip in a NAT pool registered on a circuit's public peering? */
bool public_peering_nat(const struct topo *t, uint32_t ip);
/* Private (RFC 1918) or shared (RFC 6598) space. */
bool ip_private(uint32_t ip);
/* MODEL §8 [er-ms]: ip is in a Microsoft peering NAT pool. */
bool ms_peering_nat(const struct topo *t, uint32_t ip);
/* The route filter entry (an AzureCloud.REGION tag) of circuit c whose
 * prefixes hold ip: Microsoft advertises it over Microsoft peering;
 * NULL if none. */
const char *ms_peering_region(const struct topo *t, const struct circuit *c,
			      uint32_t ip);

/* Classify a source address as a destination sees it (MODEL.md §4). */
enum srcclass source_classify(const struct topo *t, uint32_t ip);

/* MODEL.md §4: a source-checking service accepts a request whose source
 * is an Azure public IP of the cloud, or (model assumption, switch
 * kms_accepts_public_peering_nat) a public peering NAT pool address. */
enum activation service_decide(const struct topo *t, const struct service *s,
			       uint32_t src, const char **why);

/* The implicit default outbound access address of a cloud [S32]. */
uint32_t default_outbound_ip(enum cloud c);

#endif
