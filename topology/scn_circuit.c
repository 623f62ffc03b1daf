/*
 * scn_circuit.c: the expressroute: section of a scenario: circuits, their
 * private peering (the prefixes on-premises advertises, listed or
 * generated, and the ECMP next hops), their public peering (its NAT
 * pool), and the one VNet whose gateway each connects to.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/yamlrd.h"

enum { GEN_START, GEN_COUNT, GEN_N };
static const struct yrd_key scn_gen_keys[GEN_N] = {
	[GEN_START] = { "start", true },
	[GEN_COUNT] = { "count", true },
};

/* advertised_generate: count consecutive prefixes of start's length,
 * appended to the advertised list. */
static void
scn_generate(struct yrd *y, yaml_node_t *n, struct circuit *c)
{
	struct yrd_map m;
	struct pfx start, *adv;
	unsigned long count, i;
	uint64_t step, last;

	if (yrd_map_read(y, n, "'advertised_generate'", "advertised_generate",
	    scn_gen_keys, GEN_N, &m) == -1)
		return;
	if (yrd_pfx(y, m.val[GEN_START], "start", &start) != 1 ||
	    yrd_uint(y, m.val[GEN_COUNT], "count", 1, SCN_MAXGEN,
	    &count) != 1)
		return;
	step = (uint64_t)1 << (32 - start.len);
	last = start.addr + step * (count - 1);
	if (last > UINT32_MAX) {
		yrd_err(y, m.val[GEN_COUNT], "advertised_generate runs past "
		    "255.255.255.255: "
		    "%lu prefixes of /%u from %s", count, start.len,
		    yrd_text(m.val[GEN_START]));
		return;
	}
	adv = reallocarray(c->advertised, c->nadvertised + count,
	    sizeof(*adv));
	if (adv == NULL) {
		(void)yrd_nomem(y);
		return;
	}
	c->advertised = adv;
	for (i = 0; i < count; i++)
		adv[c->nadvertised++] = pfx_make((uint32_t)(start.addr +
		    step * i), start.len);
}

enum { PP_ADV, PP_HOPS, PP_GEN, PP_N };
static const struct yrd_key scn_private_keys[PP_N] = {
	[PP_ADV] = { "advertised", false },
	[PP_HOPS] = { "next_hops", false },
	[PP_GEN] = { "advertised_generate", false },
};

static void
scn_private_peering(struct yrd *y, yaml_node_t *key, yaml_node_t *n,
    struct circuit *c)
{
	struct yrd_map m;

	c->advertised_pos = yrd_pos(y, key);
	if (yrd_map_read(y, n, "'private_peering'", "private_peering",
	    scn_private_keys, PP_N, &m) == -1)
		return;
	if (m.key[PP_ADV] != NULL)
		c->advertised_pos = yrd_pos(y, m.key[PP_ADV]);
	else if (m.key[PP_GEN] != NULL)
		c->advertised_pos = yrd_pos(y, m.key[PP_GEN]);
	(void)yrd_pfx_list(y, m.val[PP_ADV], "advertised", false,
	    &c->advertised, &c->nadvertised);
	if (yrd_ip_list(y, m.val[PP_HOPS], "next_hops", false,
	    &c->next_hops, &c->nnext_hops) == 1 &&
	    c->nnext_hops > TOPO_ECMP_MAX)
		yrd_err(y, m.val[PP_HOPS], "at most %d next_hops (ECMP "
		    "members), got %zu", TOPO_ECMP_MAX, c->nnext_hops);
	if (m.val[PP_GEN] != NULL)
		scn_generate(y, m.val[PP_GEN], c);
	(void)scn_limit(y, m.key[PP_GEN] != NULL ? m.key[PP_GEN] :
	    m.key[PP_ADV] != NULL ? m.key[PP_ADV] : key, SCN_LIM_ADVERTISED,
	    c->nadvertised, c->name);
}

enum { PUB_NAT, PUB_N };
static const struct yrd_key scn_public_keys[PUB_N] = {
	[PUB_NAT] = { "nat_pool", true },
};

/*
 * MODEL §8 [er-ms] (and §3 [er-nat]): a NAT pool is public address space
 * registered to the customer: none of it may overlap RFC 1918 or RFC
 * 6598 space.
 */
static void
scn_pool_public(struct yrd *y, yaml_node_t *list, const struct pfx *pool,
    size_t n)
{
	static const struct pfx private[] = {
		{ 0x0a000000u, 8 }, { 0xac100000u, 12 }, { 0xc0a80000u, 16 },
		{ 0x64400000u, 10 },
	};
	yaml_node_item_t one, *it;
	size_t i, k, count;
	char p[PFX_STRLEN], q[PFX_STRLEN];

	if (yrd_list(y, list, "nat_pool", &one, &it, &count) == -1)
		return;
	for (i = 0; i < n && i < count; i++)
		for (k = 0; k < sizeof(private) / sizeof(private[0]); k++)
			if (pfx_covers(private[k], pool[i]) ||
			    pfx_covers(pool[i], private[k])) {
				yrd_err(y, yrd_node(y, it[i]), "NAT pool "
				    "prefix %s overlaps private space %s: a "
				    "NAT pool holds public prefixes registered "
				    "to you [er-ms]", pfx_format(pool[i], p),
				    pfx_format(private[k], q));
				break;
			}
}

static void
scn_public_peering(struct yrd *y, yaml_node_t *key, yaml_node_t *n,
    struct circuit *c)
{
	struct yrd_map m;

	c->public_peering = true;
	c->public_peering_pos = yrd_pos(y, key);
	if (yrd_map_read(y, n, "'public_peering'", "public_peering",
	    scn_public_keys, PUB_N, &m) == -1)
		return;
	if (yrd_pfx_list(y, m.val[PUB_NAT], "nat_pool", true, &c->nat_pool,
	    &c->nnat_pool) == 1)
		scn_pool_public(y, m.val[PUB_NAT], c->nat_pool, c->nnat_pool);
}

enum { MS_NAT, MS_FILTER, MS_N };
static const struct yrd_key scn_ms_keys[MS_N] = {
	[MS_NAT] = { "nat_pool", true },
	[MS_FILTER] = { "route_filter", false },
};

/*
 * MODEL §8 [er-ms]: Microsoft peering, its NAT pool and its route
 * filter: each entry a regional AzureCloud tag of the scenario's service
 * tags (the built-in list holds them all for AzureCloud).
 */
static void
scn_microsoft_peering(struct scn *s, yaml_node_t *key, yaml_node_t *n,
    struct circuit *c)
{
	struct yrd *y = &s->y;
	struct yrd_map m;
	yaml_node_item_t *it;
	size_t i, count;

	c->microsoft_peering = true;
	c->microsoft_peering_pos = yrd_pos(y, key);
	if (yrd_map_read(y, n, "'microsoft_peering'", "microsoft_peering",
	    scn_ms_keys, MS_N, &m) == -1)
		return;
	if (yrd_pfx_list(y, m.val[MS_NAT], "nat_pool", true,
	    &c->ms_nat_pool, &c->nms_nat_pool) == 1)
		scn_pool_public(y, m.val[MS_NAT], c->ms_nat_pool,
		    c->nms_nat_pool);
	if (m.val[MS_FILTER] == NULL || yrd_str_list(y, m.val[MS_FILTER],
	    "route_filter", &c->route_filter, &c->nroute_filter) != 1 ||
	    yrd_list(y, m.val[MS_FILTER], "route_filter", NULL, &it,
	    &count) == -1)
		return;
	for (i = 0; i < count && i < c->nroute_filter; i++) {
		if (strncasecmp(c->route_filter[i], "AzureCloud.", 11) != 0)
			yrd_err(y, yrd_node(y, it[i]), "route filter entry "
			    "'%s' is not a regional AzureCloud tag "
			    "(AzureCloud.REGION, e.g. AzureCloud.westus)",
			    c->route_filter[i]);
		else if (tagset_find(s->t->tags, c->route_filter[i]) == NULL)
			yrd_err(y, yrd_node(y, it[i]), "route filter entry "
			    "'%s' is not in the service tags (%s)%s",
			    c->route_filter[i], s->t->tags != NULL ?
			    s->t->tags->origin : "none", s->t->cloud !=
			    CLOUD_PUBLIC && s->t->service_tags_file == NULL ?
			    ": the built-in list of this cloud has no regional "
			    "tags; load the cloud's Service Tags file with "
			    "service_tags:" : "");
	}
}

/* The one VNet whose gateway the circuit connects to (a gateway in two
 * VNets is scn_gateway_list's error). */
static void
scn_circuit_gateway(struct scn *s, yaml_node_t *n, struct circuit *c)
{
	struct yrd *y = &s->y;
	const struct vnet *vn;
	size_t i;

	c->vnet = TOPO_NONE;
	for (i = 0; i < s->t->nvnets && c->vnet == TOPO_NONE; i++) {
		vn = &s->t->vnets[i];
		if (vn->gateway != NULL && strcasecmp(vn->gateway,
		    c->gateway) == 0)
			c->vnet = i;
	}
	if (c->vnet == TOPO_NONE)
		yrd_err(y, n, "unknown gateway '%s': no vnet has gateway: %s",
		    c->gateway, c->gateway);
}

enum { ER_NAME, ER_SKU, ER_GATEWAY, ER_PRIVATE, ER_PUBLIC, ER_MS, ER_N };
static const struct yrd_key scn_circuit_keys[ER_N] = {
	[ER_MS] = { "microsoft_peering", false },
	[ER_NAME] = { "name", true },
	[ER_SKU] = { "sku", false },
	[ER_GATEWAY] = { "gateway", false },	/* a hub's: none */
	[ER_PRIVATE] = { "private_peering", false },
	[ER_PUBLIC] = { "public_peering", false },
};

static void
scn_circuit(struct scn *s, yaml_node_t *n, struct circuit *c)
{
	struct yrd *y = &s->y;
	struct yrd_map m;
	const char *v;

	c->vnet = TOPO_NONE;
	c->sku = SKU_STANDARD;
	if (yrd_map_read(y, n, "an item of 'expressroute'",
	    "expressroute circuit", scn_circuit_keys, ER_N, &m) == -1)
		return;
	c->pos = c->advertised_pos = m.pos;
	(void)yrd_name(y, m.val[ER_NAME], "name", &c->name);
	if (m.val[ER_SKU] != NULL &&
	    (v = yrd_scalar(y, m.val[ER_SKU], "sku", "a SKU")) != NULL &&
	    sku_parse(v, &c->sku) == -1)
		yrd_err(y, m.val[ER_SKU], "'sku' must be Standard, Premium or "
		    "Local, got '%s'", v);
	if (m.val[ER_PRIVATE] != NULL)
		scn_private_peering(y, m.key[ER_PRIVATE], m.val[ER_PRIVATE], c);
	if (m.val[ER_PUBLIC] != NULL)
		scn_public_peering(y, m.key[ER_PUBLIC], m.val[ER_PUBLIC], c);
	if (m.val[ER_MS] != NULL)
		scn_microsoft_peering(s, m.key[ER_MS], m.val[ER_MS], c);
	if (yrd_name(y, m.val[ER_GATEWAY], "gateway", &c->gateway) == 1 &&
	    !s->bad_vnets)
		scn_circuit_gateway(s, m.val[ER_GATEWAY], c);
}

void
scn_circuits(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count;

	if (n == NULL || yrd_list(y, n, "expressroute", NULL, &it,
	    &count) == -1 || scn_limit(y, n, SCN_LIM_CIRCUITS, count,
	    NULL) == -1)
		return;
	if ((t->circuits = yrd_calloc(y, count, sizeof(*t->circuits))) == NULL)
		return;
	t->ncircuits = count;
	for (i = 0; i < t->ncircuits; i++)
		t->circuits[i].vnet = TOPO_NONE;
	for (i = 0; i < t->ncircuits && !y->stop; i++) {
		scn_circuit(s, yrd_node(y, it[i]), &t->circuits[i]);
		if (t->circuits[i].name != NULL && yrd_ix_add(y, &ix, 0,
		    t->circuits[i].name, t->circuits[i].pos, i) == -1)
			break;
	}
	yrd_ix_dups(y, &ix, "expressroute circuit");
	free(ix.e);
}

