/*
 * scn_vnet.c: the vnets: section of a scenario: VNets, their subnets and
 * their peerings.
 *
 * Subnets name route tables and NSGs, read before them; a subnet's
 * prefix must be inside its VNet's address space and overlap no other
 * subnet of the VNet. Peerings name other VNets, so they are resolved
 * once every VNet is known.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "topology/yamlrd.h"

enum {
	SN_NAME, SN_PREFIX, SN_RTABLE, SN_NSG, SN_NATGW, SN_DOA, SN_DOIP,
	SN_SEP, SN_N
};
static const struct yrd_key scn_subnet_keys[SN_N] = {
	[SN_NAME] = { "name", true },
	[SN_PREFIX] = { "prefix", true },
	[SN_RTABLE] = { "route_table", false },
	[SN_NSG] = { "nsg", false },
	[SN_NATGW] = { "nat_gateway_ip", false },
	[SN_DOA] = { "default_outbound_access", false },
	[SN_DOIP] = { "default_outbound_ip", false },
	[SN_SEP] = { "service_endpoints", false },
};

/* A reference to a route table or an NSG, by name; where the value is,
 * into pos. */
static void
scn_subnet_ref(struct scn *s, yaml_node_t *n, const char *key,
    const struct yrd_index *ix, bool bad, const char *what, size_t *out,
    struct srcpos *pos)
{
	struct yrd *y = &s->y;
	if (n == NULL || yrd_scalar(y, n, key, "a name") == NULL)
		return;
	*pos = yrd_pos(y, n);
	if (!bad)
		*out = yrd_ref(y, n, ix, 0, what, NULL);
}

static bool
scn_subnet(struct scn *s, yaml_node_t *n, struct vnet *vn, size_t vi,
    struct subnet *sn)
{
	struct yrd *y = &s->y;
	struct yrd_map m;
	size_t i;

	sn->vnet = vi;
	sn->route_table = TOPO_NONE;
	sn->nsg = TOPO_NONE;
	sn->default_outbound_access = true;
	if (yrd_map_read(y, n, "an item of 'subnets'", "subnet",
	    scn_subnet_keys, SN_N, &m) == -1)
		return false;
	sn->pos = m.pos;
	(void)yrd_name(y, m.val[SN_NAME], "name", &sn->name);
	scn_subnet_ref(s, m.val[SN_RTABLE], "route_table", &s->irtable,
	    s->bad_rtables, "route table", &sn->route_table,
	    &sn->route_table_pos);
	scn_subnet_ref(s, m.val[SN_NSG], "nsg", &s->insg, s->bad_nsgs, "nsg",
	    &sn->nsg, &sn->nsg_pos);
	sn->has_nat_gateway = yrd_ip(y, m.val[SN_NATGW], "nat_gateway_ip",
	    &sn->nat_gateway_ip) == 1;
	(void)yrd_bool(y, m.val[SN_DOA], "default_outbound_access",
	    &sn->default_outbound_access);
	sn->has_default_outbound_ip = yrd_ip(y, m.val[SN_DOIP],
	    "default_outbound_ip", &sn->default_outbound_ip) == 1;
	(void)yrd_str_list(y, m.val[SN_SEP], "service_endpoints",
	    &sn->service_endpoints, &sn->nservice_endpoints);
	if (yrd_pfx(y, m.val[SN_PREFIX], "prefix", &sn->pfx) != 1)
		return false;
	for (i = 0; i < vn->nspace; i++)
		if (pfx_covers(vn->space[i], sn->pfx))
			break;
	if (i == vn->nspace && vn->nspace > 0)
		yrd_err(y, m.val[SN_PREFIX], "subnet prefix %s is outside the "
		    "address space of vnet '%s'", yrd_text(m.val[SN_PREFIX]),
		    vn->name != NULL ? vn->name : "");
	return sn->name != NULL && vn->name != NULL;
}

enum { VN_NAME, VN_SPACE, VN_PEERINGS, VN_GATEWAY, VN_SUBNETS, VN_N };
static const struct yrd_key scn_vnet_keys[VN_N] = {
	[VN_NAME] = { "name", true },
	[VN_SPACE] = { "address_space", true },
	[VN_PEERINGS] = { "peerings", false },
	[VN_GATEWAY] = { "gateway", false },
	[VN_SUBNETS] = { "subnets", false },
};

static int
scn_vnet(struct scn *s, yaml_node_t *n, struct vnet *vn, size_t vi)
{
	struct yrd *y = &s->y;
	yaml_node_item_t *it;
	struct subnet *sn;
	struct yrd_map m;
	size_t i, count;

	if (yrd_map_read(y, n, "an item of 'vnets'", "vnet", scn_vnet_keys,
	    VN_N, &m) == -1)
		return 0;
	vn->pos = m.pos;
	s->peerings[vi] = m.val[VN_PEERINGS];
	(void)yrd_name(y, m.val[VN_NAME], "name", &vn->name);
	if (yrd_pfx_list(y, m.val[VN_SPACE], "address_space", true,
	    &vn->space, &vn->nspace) == -1)
		vn->nspace = 0;		/* subnets: no space check */
	vn->gw = vn->hub = TOPO_NONE;
	if (yrd_name(y, m.val[VN_GATEWAY], "gateway", &vn->gateway) == 1)
		vn->gateway_pos = yrd_pos(y, m.val[VN_GATEWAY]);
	if (m.val[VN_SUBNETS] == NULL ||
	    yrd_list(y, m.val[VN_SUBNETS], "subnets", NULL, &it, &count) == -1 ||
	    scn_limit(y, m.val[VN_SUBNETS], SCN_LIM_SUBNETS, count,
	    vn->name) == -1)
		return 0;
	if ((vn->subnets = yrd_calloc(y, count, sizeof(*vn->subnets))) == NULL)
		return -1;
	vn->nsubnets = count;
	for (i = 0; i < count && !y->stop; i++) {
		sn = &vn->subnets[i];
		if (scn_subnet(s, yrd_node(y, it[i]), vn, vi, sn) &&
		    yrd_ix_add(y, &s->ispace, (uint64_t)vi << 40 |
		    (uint64_t)sn->pfx.addr << 8 | sn->pfx.len, NULL, sn->pos,
		    i) == -1)
			return -1;
		if (sn->name != NULL && yrd_ix_add(y, &s->isubnet, vi,
		    sn->name, sn->pos, i) == -1)
			return -1;
	}
	return 0;
}

/*
 * Subnets of one VNet whose prefixes overlap, among those s->ispace holds
 * (name and prefix known). Sorted by address, a prefix overlaps an
 * earlier one only if the earlier one covers it.
 */
static void
scn_subnet_overlaps(struct scn *s)
{
	struct yrd *y = &s->y;
	struct yrd_index *ix = &s->ispace;
	const struct subnet *a, *b, *later, *other;
	char pa[PFX_STRLEN], pb[PFX_STRLEN];
	const struct vnet *vn;
	size_t vi, i, best = 0;

	yrd_ix_sort(ix);
	for (i = 1; i < ix->n && !y->stop; i++) {
		vi = (size_t)(ix->e[i].key >> 40);
		if (vi != (size_t)(ix->e[best].key >> 40)) {
			best = i;
			continue;
		}
		vn = &s->t->vnets[vi];
		a = &vn->subnets[ix->e[best].idx];
		b = &vn->subnets[ix->e[i].idx];
		if (!pfx_covers(a->pfx, b->pfx)) {
			best = i;
			continue;
		}
		later = a->pos.line > b->pos.line ? a : b;
		other = later == a ? b : a;
		yrd_errp(y, later->pos, "subnet '%s' (%s) overlaps subnet '%s' "
		    "(%s, line %d) in vnet '%s'", later->name,
		    pfx_format(later->pfx, pa), other->name,
		    pfx_format(other->pfx, pb), other->pos.line, vn->name);
	}
}

enum { PE_VNET, PE_ACCESS, PE_FWD, PE_TRANSIT, PE_REMOTE, PE_N };
static const struct yrd_key scn_peering_keys[PE_N] = {
	[PE_VNET] = { "vnet", true },
	[PE_ACCESS] = { "allow_virtual_network_access", false },
	[PE_FWD] = { "allow_forwarded_traffic", false },
	[PE_TRANSIT] = { "allow_gateway_transit", false },
	[PE_REMOTE] = { "use_remote_gateways", false },
};

/*
 * One item of a VNet's peerings: a VNet name (the plain settings), or
 * this side's settings, with Azure's defaults (MODEL §8 [peer]): access
 * allowed, forwarded traffic, gateway transit and remote gateways not.
 * Returns the node naming the VNet, NULL after an error.
 */
yaml_node_t *
scn_peering(struct yrd *y, yaml_node_t *p, struct peering *pe)
{
	struct yrd_map m;

	if (p == NULL)
		return NULL;
	pe->pos = yrd_pos(y, p);
	pe->allow_access = true;
	if (p != NULL && p->type == YAML_SCALAR_NODE) {
		pe->plain = true;
		pe->allow_forwarded = true;
		return yrd_scalar(y, p, "peerings", "a vnet name") != NULL ?
		    p : NULL;
	}
	if (yrd_map_read(y, p, "an item of 'peerings'", "peering",
	    scn_peering_keys, PE_N, &m) == -1)
		return NULL;
	(void)yrd_bool(y, m.val[PE_ACCESS], "allow_virtual_network_access",
	    &pe->allow_access);
	(void)yrd_bool(y, m.val[PE_FWD], "allow_forwarded_traffic",
	    &pe->allow_forwarded);
	(void)yrd_bool(y, m.val[PE_TRANSIT], "allow_gateway_transit",
	    &pe->allow_transit);
	(void)yrd_bool(y, m.val[PE_REMOTE], "use_remote_gateways",
	    &pe->use_remote);
	if (pe->allow_transit && pe->use_remote)
		yrd_err(y, m.val[PE_REMOTE], "a peering cannot both allow "
		    "gateway transit and use remote gateways [peer]");
	return yrd_scalar(y, m.val[PE_VNET], "vnet", "a vnet name") != NULL ?
	    m.val[PE_VNET] : NULL;
}

/* Peerings name other VNets; resolved once every VNet is known. */
static int
scn_peerings(struct scn *s)
{
	struct yrd *y = &s->y;
	struct vnet *vn;
	struct peering *pe;
	yaml_node_item_t *it;
	yaml_node_t *p;
	size_t vi, i, j, count, peer;

	for (vi = 0; vi < s->t->nvnets && !y->stop; vi++) {
		vn = &s->t->vnets[vi];
		if (s->peerings[vi] == NULL || yrd_list(y, s->peerings[vi],
		    "peerings", NULL, &it, &count) == -1 ||
		    scn_limit(y, s->peerings[vi], SCN_LIM_PEERINGS, count,
		    vn->name) == -1)
			continue;
		if ((vn->peers = yrd_calloc(y, count,
		    sizeof(*vn->peers))) == NULL)
			return -1;
		for (i = 0; i < count && !y->stop; i++) {
			pe = &vn->peers[vn->npeers];
			memset(pe, 0, sizeof(*pe));
			p = scn_peering(y, yrd_node(y, it[i]), pe);
			if (p == NULL || s->bad_vnets)
				continue;
			peer = yrd_ref(y, p, &s->ivnet, 0, "vnet", NULL);
			for (j = 0; peer != TOPO_NONE && j < vn->npeers; j++)
				if (vn->peers[j].vnet == peer) {
					yrd_err(y, p, "vnet '%s' lists its "
					    "peering with '%s' twice",
					    vn->name, s->t->vnets[peer].name);
					peer = TOPO_NONE;
				}
			if (peer == vi)
				yrd_err(y, p, "vnet '%s' cannot peer with "
				    "itself", vn->name);
			else if (peer != TOPO_NONE) {
				pe->vnet = peer;
				vn->npeers++;
			}
		}
	}
	return 0;
}

void
scn_vnets(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count, e0 = y->nerr;

	if (n != NULL && yrd_list(y, n, "vnets", NULL, &it, &count) == 0 &&
	    scn_limit(y, n, SCN_LIM_VNETS, count, NULL) == 0) {
		if ((t->vnets = yrd_calloc(y, count, sizeof(*t->vnets))) ==
		    NULL || (s->peerings = yrd_calloc(y, count,
		    sizeof(*s->peerings))) == NULL)
			return;
		t->nvnets = count;
		for (i = 0; i < t->nvnets && !y->stop; i++) {
			if (scn_vnet(s, yrd_node(y, it[i]), &t->vnets[i],
			    i) == -1)
				return;
			if (t->vnets[i].name != NULL && yrd_ix_add(y,
			    &s->ivnet, 0, t->vnets[i].name, t->vnets[i].pos,
			    i) == -1)
				return;
		}
	}
	yrd_ix_dups(y, &s->ivnet, "vnet");
	yrd_ix_dups(y, &s->isubnet, "subnet");
	s->bad_vnets = y->nerr > e0;
	scn_subnet_overlaps(s);
	if (scn_peerings(s) == -1)
		return;
	s->bad_vnets = y->nerr > e0;
}

