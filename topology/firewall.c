/*
 * firewall.c: an Azure Firewall tied to its network (MODEL.md §8
 * [fw-rules] [fw-snat] [fw-ft]); see firewall.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/estate.h"
#include "topology/firewall.h"
#include "topology/names.h"

size_t
topo_range_cidrs(uint32_t lo, uint32_t hi, struct pfx out[64])
{
	size_t n = 0;
	uint64_t end;
	uint8_t len;

	for (;;) {
		/* The largest aligned block from lo that stays in range. */
		for (len = 0; len < 32; len++) {
			uint32_t m = pfx_mask(len);

			if ((lo & ~m) == 0 && (lo | ~m) <= hi)
				break;
		}
		out[n++] = pfx_make(lo, len);
		end = (uint64_t)(lo | ~pfx_mask(len));
		if (end >= hi)
			return n;
		lo = (uint32_t)(end + 1);
	}
}

int
topo_fw_snat_default(struct firewall *fw)
{
	/* [fw-snat]: IANA RFC 1918 and RFC 6598 (shared address space). */
	static const struct pfx dflt[] = {
		{ 0x0a000000u, 8 }, { 0xac100000u, 12 }, { 0xc0a80000u, 16 },
		{ 0x64400000u, 10 },
	};

	free(fw->snat_private);
	fw->nsnat_private = 0;
	if ((fw->snat_private = malloc(sizeof(dflt))) == NULL)
		return -ENOMEM;
	memcpy(fw->snat_private, dflt, sizeof(dflt));
	fw->nsnat_private = sizeof(dflt) / sizeof(dflt[0]);
	return 0;
}

static int
fw_coll_cmp(const struct fw_coll *a, const struct fw_coll *b)
{
	if (a->type != b->type)
		return a->type == FWC_NETWORK ? -1 : 1;
	if (a->group_priority != b->group_priority)
		return a->group_priority < b->group_priority ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return 0;
}

void
topo_fw_order(const struct firewall *fw, size_t *order)
{
	size_t i, j, k;

	/* Insertion sort: stable, and a firewall holds few collections. */
	for (i = 0; i < fw->ncolls; i++) {
		k = i;
		for (j = i; j > 0 && fw_coll_cmp(&fw->colls[order[j - 1]],
		    &fw->colls[k]) > 0; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
}

/* [fw-ft]: where the firewall sits. */
static size_t
fw_check_place(struct topo *t, struct firewall *fw, struct diag *d)
{
	const struct vnet *vn = &t->vnets[fw->vnet];
	const struct subnet *sn;
	char a[IP_STRLEN], p[PFX_STRLEN];
	size_t nerr = 0;

	fw->subnet = topo_subnet_named(t, fw->vnet, "AzureFirewallSubnet");
	if (fw->subnet == TOPO_NONE) {
		diag_error(d, fw->pos, "firewall '%s' needs a subnet named "
		    "AzureFirewallSubnet in vnet '%s': Azure Firewall lives "
		    "there [fw-ft]", fw->name, vn->name);
		return 1;
	}
	sn = &vn->subnets[fw->subnet];
	if (fw->private_ip == 0)
		fw->private_ip = sn->pfx.addr + 4;
	else if (!pfx_contains_ip(sn->pfx, fw->private_ip)) {
		diag_error(d, fw->pos, "firewall '%s': private_ip %s is "
		    "outside AzureFirewallSubnet (%s) of vnet '%s': Azure "
		    "Firewall lives in AzureFirewallSubnet [fw-ft]", fw->name,
		    ip_format(fw->private_ip, a), pfx_format(sn->pfx, p),
		    vn->name);
		nerr++;
	}
	if (!fw->forced_tunneling && !fw->has_public_ip) {
		diag_error(d, fw->pos, "firewall '%s' needs public_ip: "
		    "without forced_tunneling it sends Internet traffic from "
		    "its public IP [fw-ft]", fw->name);
		nerr++;
	}
	return nerr;
}

/* [fw-ft]: forced tunnelling mode and its management subnet. */
static size_t
fw_check_management(const struct topo *t, const struct firewall *fw,
    struct diag *d)
{
	const struct vnet *vn = &t->vnets[fw->vnet];
	const struct route_table *rt;
	const struct subnet *sn;
	size_t ms, k, nerr = 0;

	if (!fw->forced_tunneling)
		return 0;
	ms = topo_subnet_named(t, fw->vnet, "AzureFirewallManagementSubnet");
	if (ms == TOPO_NONE) {
		diag_error(d, fw->pos, "firewall '%s' in forced tunnelling "
		    "mode needs a subnet named AzureFirewallManagementSubnet "
		    "in vnet '%s' for its management traffic [fw-ft]",
		    fw->name, vn->name);
		return 1;
	}
	sn = &vn->subnets[ms];
	if (sn->route_table == TOPO_NONE)
		return 0;
	rt = &t->rtables[sn->route_table];
	for (k = 0; k < rt->nroutes; k++)
		if (rt->routes[k].pfx.len != 0 ||
		    rt->routes[k].nh != NH_INTERNET) {
			diag_error(d, rt->routes[k].pos, "route '%s' of route "
			    "table '%s' on AzureFirewallManagementSubnet: "
			    "the only route allowed there is 0.0.0.0/0 -> "
			    "Internet [fw-ft]", rt->routes[k].name, rt->name);
			nerr++;
		}
	if (!rt->disable_bgp_propagation) {
		diag_error(d, sn->route_table_pos, "route table '%s' on "
		    "AzureFirewallManagementSubnet must disable gateway "
		    "route propagation (disable_bgp_route_propagation: true) "
		    "[fw-ft]", rt->name);
		nerr++;
	}
	return nerr;
}

/* [fw-rules]: collection priorities and names do not repeat. */
static size_t
fw_check_colls(const struct firewall *fw, struct diag *d)
{
	const struct fw_coll *a, *b;
	size_t i, j, nerr = 0;
	bool same_group;

	for (i = 0; i < fw->ncolls; i++) {
		b = &fw->colls[i];
		for (j = 0; j < i; j++) {
			a = &fw->colls[j];
			same_group = (a->group == NULL && b->group == NULL) ||
			    (a->group != NULL && b->group != NULL &&
			    strcasecmp(a->group, b->group) == 0);
			if (!same_group || a->name == NULL || b->name == NULL)
				continue;
			if (a->priority == b->priority &&
			    (a->group != NULL || a->type == b->type)) {
				diag_error(d, b->priority_pos, "rule "
				    "collection '%s' of firewall '%s' has "
				    "priority %d, as '%s' has: priorities do "
				    "not repeat within %s [fw-rules]", b->name,
				    fw->name, b->priority, a->name,
				    b->group ? "a rule collection group" :
				    b->type == FWC_NETWORK ?
				    "network rule collections" :
				    "application rule collections");
				nerr++;
				break;
			}
			if (a->type == b->type &&
			    strcasecmp(a->name, b->name) == 0) {
				diag_error(d, b->pos, "rule collection '%s' "
				    "of firewall '%s' is defined twice",
				    b->name, fw->name);
				nerr++;
				break;
			}
		}
	}
	return nerr;
}

/* A network rule's FQDNs resolved into r->fqdn_ips, its tags checked. */
static int
fw_resolve_rule(const struct topo *t, const struct firewall *fw,
    struct fw_rule *r, struct diag *d)
{
	uint32_t ips[16], *nip;
	const char *origin;
	size_t i, k, n;
	int nerr = 0;

	free(r->fqdn_ips);
	r->fqdn_ips = NULL;
	r->nfqdn_ips = 0;
	for (i = 0; i < r->dst.n + r->ndst_fqdns; i++) {
		/* A word that is no service tag of the loaded list is an
		 * FQDN (Storage.WestEurope and www.contoso.com look alike). */
		const char *name = i < r->dst.n ? r->dst.items[i].tag :
		    r->dst_fqdns[i - r->dst.n];

		if (name == NULL || (i < r->dst.n &&
		    tagset_find(t->tags, name) != NULL))
			continue;
		n = dns_resolve(t, name, ips, 16, &origin);
		if (n == 0) {
			diag_error(d, r->pos, "destination '%s' of network "
			    "rule '%s' (firewall '%s') is no service tag of "
			    "the list (%s), and as an FQDN it does not "
			    "resolve: a network rule matches an FQDN by the "
			    "addresses DNS gives the firewall; list them under "
			    "dns: [fw-rules]", name, r->name, fw->name,
			    t->tags ? t->tags->origin : "none");
			nerr++;
			continue;
		}
		if ((nip = reallocarray(r->fqdn_ips, r->nfqdn_ips + n,
		    sizeof(*nip))) == NULL) {
			diag_nomem(d, r->pos);
			return -1;
		}
		r->fqdn_ips = nip;
		for (k = 0; k < n; k++)
			r->fqdn_ips[r->nfqdn_ips++] = ips[k];
	}
	return nerr;
}

int
topo_firewalls_resolve(struct topo *t, struct diag *d)
{
	struct firewall *fw;
	size_t i, c, k;
	int nerr = 0, rc;

	for (i = 0; i < t->nfirewalls; i++) {
		fw = &t->firewalls[i];
		if (fw->vnet == TOPO_NONE || fw->name == NULL)
			continue;
		nerr += (int)fw_check_place(t, fw, d);
		nerr += (int)fw_check_management(t, fw, d);
		nerr += (int)fw_check_colls(fw, d);
		for (c = 0; c < fw->ncolls; c++)
			for (k = 0; k < fw->colls[c].nrules; k++) {
				if (fw->colls[c].type != FWC_NETWORK ||
				    fw->colls[c].rules[k].name == NULL)
					continue;
				if ((rc = fw_resolve_rule(t, fw,
				    &fw->colls[c].rules[k], d)) < 0)
					return -1;
				nerr += rc;
			}
	}
	for (i = 0; i < t->nfirewalls; i++)
		for (k = 0; k < i; k++)
			if (t->firewalls[i].private_ip != 0 &&
			    t->firewalls[i].private_ip ==
			    t->firewalls[k].private_ip &&
			    t->firewalls[i].vnet == t->firewalls[k].vnet) {
				diag_error(d, t->firewalls[i].pos, "firewalls "
				    "'%s' and '%s' have the same private IP",
				    t->firewalls[k].name, t->firewalls[i].name);
				nerr++;
			}
	return nerr;
}
