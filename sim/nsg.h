/*
 * nsg.h: network security groups (MODEL.md §5).
 *
 * An nsgctx holds what a NIC's rules need to know about their place in
 * the network: the computed tags VirtualNetwork and Internet (which
 * depend on the VNet, its peerings and the subnet's routes), and the
 * addresses of the platform services. nsg_eval evaluates one packet the
 * way Azure does: the hidden platform rules first (unless the caller asks
 * for Network Watcher's blind view), then NIC and subnet NSGs in the
 * direction's order, first match by priority in each, default rules last.
 */
#ifndef FTSIM_NSG_H
#define FTSIM_NSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/route.h"
#include "topology/tags.h"
#include "topology/topo.h"

/* The hidden platform services and their tags [nsg] [seed-002]. */
enum platform {
	PLAT_NONE,
	PLAT_DNS,	/* 168.63.129.16:53, tag AzurePlatformDNS */
	PLAT_IMDS,	/* 169.254.169.254:80, tag AzurePlatformIMDS */
	PLAT_LKM,	/* KMS TCP 1688, tag AzurePlatformLKM */
};

struct nsgctx {
	const struct topo *topo;
	struct ipinterval *vnet_tag;	/* VirtualNetwork */
	size_t nvnet_tag;
	struct pfx *vnet_pfx;		/* the same, prefix by prefix as */
	size_t nvnet_pfx;		/* added, duplicates dropped */
	struct ipinterval *inet_tag;	/* Internet */
	size_t ninet_tag;
	uint32_t kms[16];		/* the cloud's KMS addresses */
	size_t nkms;
	bool forced_default;		/* subnet forced through 0/0 */
};

/* Build the context of a NIC in the subnet whose effective routes are
 * rt. 0 or -ENOMEM. */
int nsgctx_build(struct nsgctx *c, const struct topo *t,
		 const struct rtable *rt);
void nsgctx_free(struct nsgctx *c);

struct nsg_query {
	enum direction dir;
	unsigned proto;			/* one PROTO_ bit */
	uint32_t src, dst;
	uint16_t sport, dport;
};

/* One NSG's answer. rule is NULL for a default rule (name says which). */
struct nsg_step {
	const struct nsg *nsg;
	const struct nsg_rule *rule;
	const char *name;		/* "DenyInternetOutbound", "AllowVnetOutBound" */
	int priority;
	enum access access;
	bool is_default;
};

struct nsg_verdict {
	enum access access;
	/* The deciding rule: the denying one, or the last allowing one. */
	const char *rule;		/* NULL when no NSG applies */
	const struct nsg *by;		/* its NSG, NULL for platform/none */
	bool is_default, is_platform;
	enum platform platform;		/* the platform service matched */
	/* Why a matching platform rule did not apply: the user deny rule
	 * on the platform tag, or the forced 0.0.0.0/0 route. */
	const struct nsg_rule *platform_off_rule;
	bool platform_off_by_route;
	struct nsg_step steps[2];	/* in evaluation order */
	size_t nsteps;
};

/* Evaluate q against the NIC's and the subnet's NSG (either may be
 * NULL). with_platform false gives IP flow verify's answer. */
void nsg_eval(const struct nsgctx *c, const struct nsg *nic,
	      const struct nsg *subnet, const struct nsg_query *q,
	      bool with_platform, struct nsg_verdict *v);

/* The addresses an NSG address (prefixes and tags, '*' for all) covers
 * in context c, as the sorted, merged intervals the rules match; a tag
 * ftsim does not know is empty. *out is allocated (NULL when empty).
 * 0 or -ENOMEM. nsg_tag_intervals does the same for one tag name (NULL:
 * every address), as the default rules use them. */
int nsg_addr_intervals(const struct nsgctx *c, const struct addr_spec *a,
		       struct ipinterval **out, size_t *n);
int nsg_tag_intervals(const struct nsgctx *c, const char *tag,
		      struct ipinterval **out, size_t *n);

/* The platform service a query is addressed to, PLAT_NONE if none. */
enum platform nsg_platform_of(const struct nsgctx *c,
			      const struct nsg_query *q);
const char *platform_tag(enum platform p);

/* Check that every service tag named in NSG rules is known (computed or
 * in the scenario's tag set); errors at the rule's position. 0 or -1. */
int nsg_check_tags(const struct topo *t, struct diag *d);

/* The prefixes a tag stands for in this NIC's context, as Azure's
 * effective security rules expand it: VirtualNetwork and Internet as
 * computed here, AzureLoadBalancer and the AzurePlatform tags as their
 * host addresses, a published tag as its list. *out is allocated (free
 * it); 0, -ENOENT for an unknown tag, -ENOMEM. */
int nsg_tag_prefixes(const struct nsgctx *c, const char *tag,
		     struct pfx **out, size_t *n);

/* Whether one hidden platform rule applies to a NIC, and why not. */
enum plat_state {
	PLAT_ACTIVE,		/* allows its traffic before any user rule */
	PLAT_NO_NSG,		/* no NSG on NIC nor subnet: nothing to pass */
	PLAT_OFF_BY_RULE,	/* a user deny rule on its tag covers it */
	PLAT_PARTLY_OFF,	/* such a rule covers part of its traffic */
	PLAT_OFF_BY_ROUTE,	/* KMS under a forced non-Internet 0/0 */
};

struct nsg_platform_info {
	enum platform p;
	const char *tag;		/* "AzurePlatformDNS", ... */
	unsigned proto;			/* PROTO_ bits it allows */
	uint16_t port;			/* destination port */
	const uint32_t *dst;		/* destination addresses */
	size_t ndst;
	enum plat_state state;
	/* The first deny rule (by priority) naming the tag, NIC NSG first;
	 * set whatever the state. */
	const struct nsg *deny_nsg;
	const struct nsg_rule *deny_rule;
};

/* The hidden platform rule p (not PLAT_NONE) as it stands for a NIC
 * with these NSGs (either may be NULL) in context c (MODEL.md §5). */
void nsg_platform_info(const struct nsgctx *c, const struct nsg *nic,
		       const struct nsg *subnet, enum platform p,
		       struct nsg_platform_info *out);

/* The default rules of a direction, in priority order [nsg]. */
struct nsg_default {
	const char *name;
	int priority;
	enum access access;
	const char *src_tag;		/* NULL: any */
	const char *dst_tag;		/* NULL: any */
};
const struct nsg_default *nsg_defaults(enum direction dir, size_t *n);

#endif
