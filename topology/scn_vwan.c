/*
 * scn_vwan.c: the virtual_wan: section of a scenario (FORMAT.md
 * "Estates", MODEL.md §8 [vwan]): its hubs, each with an address
 * prefix, the circuits and VPN sites on its gateways, its VNet
 * connections, an optional Azure Firewall (a secured hub) and routing
 * intent. Read after the VNets, circuits and vpn_sites it names and
 * before firewalls:, whose reader resolves the hubs' firewalls with the
 * others.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/estate.h"
#include "topology/vwan.h"
#include "topology/yamlrd.h"

enum { RI_INTERNET, RI_PRIVATE, RI_N };
static const struct yrd_key scn_intent_keys[RI_N] = {
	[RI_INTERNET] = { "internet", false },
	[RI_PRIVATE] = { "private", false },
};

enum { VC_VNET, VC_PROP, VC_N };
static const struct yrd_key scn_conn_keys[VC_N] = {
	[VC_VNET] = { "vnet", true },
	[VC_PROP] = { "propagate_default_route", false },
};

enum { VH_NAME, VH_PREFIX, VH_FW, VH_INTENT, VH_ER, VH_SITES, VH_CONNS,
       VH_ROUTER, VH_VPNIPS, VH_N };
static const struct yrd_key scn_hub_keys[VH_N] = {
	[VH_NAME] = { "name", true },
	[VH_PREFIX] = { "address_prefix", true },
	[VH_FW] = { "firewall", false },
	[VH_INTENT] = { "routing_intent", false },
	[VH_ER] = { "expressroute", false },
	[VH_SITES] = { "vpn_sites", false },
	[VH_CONNS] = { "connections", false },
	[VH_ROUTER] = { "router_ips", false },
	[VH_VPNIPS] = { "vpn_gateway_ips", false },
};

enum { VW_HUBS, VW_N };
static const struct yrd_key scn_vwan_keys[VW_N] = {
	[VW_HUBS] = { "hubs", true },
};

/* routing_intent: {internet: firewall, private: firewall}. */
void
scn_intent(struct yrd *y, yaml_node_t *n, bool *internet, bool *private)
{
	static const char *const words[] = { "firewall", "none" };
	struct yrd_map m;
	int w;

	if (yrd_map_read(y, n, "'routing_intent'", "routing intent",
	    scn_intent_keys, RI_N, &m) == -1)
		return;
	if (yrd_word(y, m.val[RI_INTERNET], "internet", words, 2,
	    "firewall or none", &w) == 1)
		*internet = w == 0;
	if (yrd_word(y, m.val[RI_PRIVATE], "private", words, 2,
	    "firewall or none", &w) == 1)
		*private = w == 0;
}

/* A list of names resolved by find into *out. */
static void
scn_names(struct scn *s, yaml_node_t *n, const char *key, const char *what,
    size_t (*find)(const struct topo *, const char *), size_t **out,
    size_t *nout)
{
	struct yrd *y = &s->y;
	yaml_node_item_t *it;
	const char *v;
	size_t i, count, idx;

	if (n == NULL || yrd_list(y, n, key, NULL, &it, &count) == -1 ||
	    count == 0)
		return;
	if ((*out = yrd_calloc(y, count, sizeof(**out))) == NULL)
		return;
	for (i = 0; i < count; i++) {
		yaml_node_t *e = yrd_node(y, it[i]);

		if ((v = yrd_scalar(y, e, key, what)) == NULL)
			continue;
		if ((idx = find(s->t, v)) == TOPO_NONE) {
			yrd_err(y, e, "unknown %s '%s'", what, v);
			continue;
		}
		(*out)[(*nout)++] = idx;
	}
}

/* At most two addresses (router_ips, vpn_gateway_ips). */
static void
scn_two_ips(struct yrd *y, yaml_node_t *n, const char *key, uint32_t *ips,
    size_t *nips)
{
	uint32_t *l = NULL;
	size_t k, nl = 0;

	if (n != NULL && yrd_ip_list(y, n, key, false, &l, &nl) == 1) {
		if (nl > 2)
			yrd_err(y, n, "'%s': at most two addresses, got %zu",
			    key, nl);
		for (k = 0; k < nl && k < 2; k++)
			ips[(*nips)++] = l[k];
	}
	free(l);
}

static void
scn_conns(struct scn *s, yaml_node_t *n, struct vhub *h)
{
	struct yrd *y = &s->y;
	yaml_node_item_t *it;
	struct yrd_map m;
	size_t i, count;

	if (n == NULL || yrd_list(y, n, "connections", NULL, &it,
	    &count) == -1 || count == 0)
		return;
	if ((h->conns = yrd_calloc(y, count, sizeof(*h->conns))) == NULL)
		return;
	for (i = 0; i < count; i++) {
		struct vhub_conn *c = &h->conns[h->nconns];

		c->vnet = TOPO_NONE;
		if (yrd_map_read(y, yrd_node(y, it[i]), "an item of "
		    "'connections'", "connection", scn_conn_keys, VC_N,
		    &m) == -1)
			continue;
		c->pos = m.pos;
		/* Missing (said by yrd_map_read) or not a name: no VNet. */
		if (yrd_scalar(y, m.val[VC_VNET], "vnet", "a vnet name") !=
		    NULL && !s->bad_vnets)
			c->vnet = yrd_ref(y, m.val[VC_VNET], &s->ivnet, 0,
			    "vnet", NULL);
		(void)yrd_bool(y, m.val[VC_PROP], "propagate_default_route",
		    &c->propagate_default);
		h->nconns++;
	}
}

/* The secured hub's firewall: one of topo.firewalls, in the hub's VNet. */
static void
scn_hub_firewall(struct scn *s, yaml_node_t *n, struct vhub *h)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	struct firewall *fw;

	fw = reallocarray(t->firewalls, t->nfirewalls + 1, sizeof(*fw));
	if (fw == NULL) {
		(void)yrd_nomem(y);
		return;
	}
	t->firewalls = fw;
	fw = &t->firewalls[t->nfirewalls];
	memset(fw, 0, sizeof(*fw));
	h->firewall = t->nfirewalls++;
	scn_firewall(s, n, fw, true);
}

static void
scn_hub(struct scn *s, yaml_node_t *n, struct vhub *h)
{
	struct yrd *y = &s->y;
	struct yrd_map m;

	h->firewall = TOPO_NONE;
	h->vnet = h->er_gw = h->vpn_gw = TOPO_NONE;
	if (yrd_map_read(y, n, "an item of 'hubs'", "virtual hub",
	    scn_hub_keys, VH_N, &m) == -1)
		return;
	h->pos = h->intent_pos = m.pos;
	(void)yrd_name(y, m.val[VH_NAME], "name", &h->name);
	if (m.val[VH_PREFIX] != NULL)
		h->prefix_pos = yrd_pos(y, m.val[VH_PREFIX]);
	(void)yrd_pfx(y, m.val[VH_PREFIX], "address_prefix", &h->prefix);
	scn_two_ips(y, m.val[VH_ROUTER], "router_ips", h->router_ips,
	    &h->nrouter_ips);
	scn_two_ips(y, m.val[VH_VPNIPS], "vpn_gateway_ips", h->vpn_ips,
	    &h->nvpn_ips);
	if (m.val[VH_INTENT] != NULL) {
		h->intent_pos = yrd_pos(y, m.val[VH_INTENT]);
		scn_intent(y, m.val[VH_INTENT], &h->intent_internet,
		    &h->intent_private);
	}
	scn_names(s, m.val[VH_ER], "expressroute", "circuit",
	    topo_circuit_find, &h->circuits, &h->ncircuits);
	scn_names(s, m.val[VH_SITES], "vpn_sites", "vpn site",
	    topo_vpn_site_find, &h->sites, &h->nsites);
	scn_conns(s, m.val[VH_CONNS], h);
	if (m.val[VH_FW] != NULL)
		scn_hub_firewall(s, m.val[VH_FW], h);
}

/* A circuit or VPN site on no gateway must be a hub's. */
static size_t
scn_vwan_orphans(struct scn *s)
{
	const struct topo *t = s->t;
	size_t i, n = 0;

	for (i = 0; i < t->ncircuits; i++)
		if (t->circuits[i].gateway == NULL && t->circuits[i].name) {
			diag_error(s->y.d, t->circuits[i].pos, "circuit '%s' "
			    "has no gateway: name the vnet gateway it "
			    "connects to, or list it under a virtual hub's "
			    "expressroute:", t->circuits[i].name);
			n++;
		}
	for (i = 0; i < t->nvpn_sites; i++)
		if (t->vpn_sites[i].gateway == TOPO_NONE &&
		    t->vpn_sites[i].name != NULL) {
			diag_error(s->y.d, t->vpn_sites[i].pos, "vpn site "
			    "'%s' has no gateway: name the vnet gateway it "
			    "connects to, or list it under a virtual hub's "
			    "vpn_sites:", t->vpn_sites[i].name);
			n++;
		}
	return n;
}

void
scn_vwan(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	struct yrd_map m;
	size_t i, count;

	if (n != NULL && yrd_map_read(y, n, "'virtual_wan'", "virtual wan",
	    scn_vwan_keys, VW_N, &m) == 0 && yrd_list(y, m.val[VW_HUBS],
	    "hubs", NULL, &it, &count) == 0 && count > 0 &&
	    (t->vhubs = yrd_calloc(y, count, sizeof(*t->vhubs))) != NULL) {
		for (i = 0; i < count && !y->stop; i++) {
			t->nvhubs++;
			scn_hub(s, yrd_node(y, it[i]), &t->vhubs[i]);
			if (t->vhubs[i].name != NULL && yrd_ix_add(y, &ix, 0,
			    t->vhubs[i].name, t->vhubs[i].pos, i) == -1)
				break;
		}
		yrd_ix_dups(y, &ix, "virtual hub");
		free(ix.e);
	}
	if (y->nerr > 0 || s->bad_vnets || y->stop)
		return;
	if (topo_vwan_resolve(t) != 0 || topo_gateways_from_vnets(t) != 0) {
		(void)yrd_nomem(y);
		return;
	}
	topo_hubs(t);
	y->nerr += scn_vwan_orphans(s) + topo_vwan_check(t, y->d);
}
