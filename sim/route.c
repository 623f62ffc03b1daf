/*
 * route.c: effective routes of a subnet and the forwarding lookup.
 * Each rule of MODEL.md §1 is named where it is applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/route.h"
#include "sim/vwan.h"
#include "topology/vec.h"


/* MODEL §1 "System" and §8 "Effective-route rows, as observed": the
 * reserved ranges routed to None, in the order Azure lists them. Real
 * tables [wth036] [rs-lab] list the observed set; the route overview and
 * the REST API's example, the documented one (reserved_none_routes). */
static const struct pfx reserved_observed[] = {
	{ IP4(10, 0, 0, 0), 8 },
	{ IP4(100, 64, 0, 0), 10 },
	{ IP4(192, 168, 0, 0), 16 },
	{ IP4(25, 33, 80, 0), 20 },
	{ IP4(25, 41, 3, 0), 25 },
};
static const struct pfx reserved_documented[] = {
	{ IP4(10, 0, 0, 0), 8 },
	{ IP4(100, 64, 0, 0), 10 },
	{ IP4(172, 16, 0, 0), 12 },
	{ IP4(192, 168, 0, 0), 16 },
};

/* Service endpoint names and the service tag holding their prefixes. */
static const struct {
	const char *service;
	const char *tag;
} endpoints[] = {
	{ "Microsoft.Storage", "Storage" },
	{ "Microsoft.Sql", "Sql" },
	{ "Microsoft.KeyVault", "AzureKeyVault" },
};

struct eroute *
rtable_add(struct rtable *rt, struct pfx p, enum rt_source src,
    enum nh_type nh)
{
	struct eroute *e;

	if (VEC_GROW(rt->r, rt->n, rt->cap) != 0)
		return NULL;
	e = &rt->r[rt->n++];
	memset(e, 0, sizeof(*e));
	e->pfx = p;
	e->source = src;
	e->nh = nh;
	e->state = RT_ACTIVE;
	e->circuit = TOPO_NONE;
	e->site = TOPO_NONE;
	e->rs = TOPO_NONE;
	e->vnet = TOPO_NONE;
	e->vhub = TOPO_NONE;
	return e;
}

static bool
covered_by_vnet(const struct vnet *v, struct pfx p, bool *exact)
{
	size_t i;

	*exact = false;
	for (i = 0; i < v->nspace; i++) {
		if (pfx_equal(v->space[i], p)) {
			*exact = true;
			return true;
		}
		if (pfx_covers(v->space[i], p))
			return true;
	}
	return false;
}

/* The service tag holding a service endpoint's prefixes, NULL if none
 * is known. */
static const struct tag *
endpoint_tag(const struct topo *t, const char *service)
{
	size_t j;

	for (j = 0; j < sizeof(endpoints) / sizeof(endpoints[0]); j++)
		if (strcasecmp(endpoints[j].service, service) == 0)
			return tagset_find(t->tags, endpoints[j].tag);
	return NULL;
}

/* MODEL §1 BGP limits [er-limits]: above the SKU's limit the BGP session
 * drops and every BGP route disappears. */
static bool
circuit_dropped(const struct circuit *c)
{
	return c->nadvertised > sku_bgp_limit(c->sku);
}

static bool
propagation_off(const struct topo *t, const struct subnet *sn)
{
	return sn->route_table != TOPO_NONE &&
	       t->rtables[sn->route_table].disable_bgp_propagation;
}

void
rtable_warn(const struct topo *t, size_t vnet, size_t subnet,
	    struct diag *d)
{
	const struct subnet *sn = &t->vnets[vnet].subnets[subnet];
	size_t i;

	for (i = 0; i < sn->nservice_endpoints; i++)
		if (endpoint_tag(t, sn->service_endpoints[i]) == NULL)
			diag_warn(d, sn->pos, "subnet %s: no prefixes known "
				  "for service endpoint %s; not routed",
				  sn->name, sn->service_endpoints[i]);
	for (i = 0; i < t->ncircuits; i++) {
		const struct circuit *c = &t->circuits[i];

		if (c->vnet == TOPO_NONE || c->vnet != t->vnets[vnet].hub ||
		    propagation_off(t, sn) ||
		    !circuit_dropped(c))
			continue;
		diag_warn(d, c->advertised_pos, "circuit %s: %zu prefixes "
			  "advertised over private peering exceed the %s "
			  "limit of %zu: BGP session dropped, no BGP routes "
			  "[er-limits]", c->name, c->nadvertised,
			  sku_name(c->sku), sku_bgp_limit(c->sku));
	}
}

static int
add_system(const struct topo *t, struct rtable *rt)
{
	const struct vnet *v = &t->vnets[rt->vnet];
	const struct subnet *sn = &v->subnets[rt->subnet];
	struct eroute *e;
	size_t i, j;

	/* MODEL §1 System: one VnetLocal route per address-space prefix. */
	for (i = 0; i < v->nspace; i++) {
		if ((e = rtable_add(rt, v->space[i], RT_DEFAULT, NH_VNETLOCAL)) == NULL)
			return -ENOMEM;
		e->vnet_class = true;
		e->vnet = rt->vnet;
	}
	/* MODEL §1 System: peered VNet prefixes appear as VNetPeering,
	 * right after VnetLocal (§8 [rs-lab]). */
	for (i = 0; i < t->nvnets; i++) {
		if (!topo_peered(t, rt->vnet, i))
			continue;
		for (j = 0; j < t->vnets[i].nspace; j++) {
			e = rtable_add(rt, t->vnets[i].space[j], RT_DEFAULT,
				NH_VNETPEERING);
			if (e == NULL)
				return -ENOMEM;
			e->vnet_class = true;
			e->vnet = i;
		}
	}
	/* MODEL §1 System: a service endpoint adds the service's prefixes
	 * (the service tag's) as VirtualNetworkServiceEndpoint. */
	for (i = 0; i < sn->nservice_endpoints; i++) {
		const struct tag *tg = endpoint_tag(t, sn->service_endpoints[i]);

		if (tg == NULL)
			continue;	/* rtable_warn says so */
		for (j = 0; j < tg->npfx; j++) {
			e = rtable_add(rt, tg->pfx[j], RT_DEFAULT, NH_SERVICE_ENDPOINT);
			if (e == NULL)
				return -ENOMEM;
			e->vnet_class = true;
		}
	}
	return 0;
}

/*
 * MODEL §1 System and §8 "Effective-route rows, as observed": after the
 * gateway routes, 0.0.0.0/0 -> Internet, then the reserved ranges -> None
 * (the observed set, the documented one, or the scenario's own list); a
 * reserved prefix equal to a VNet prefix is VnetLocal (already added),
 * one strictly inside a VNet prefix is removed.
 */
static int
add_system_tail(const struct topo *t, struct rtable *rt)
{
	const struct vnet *v = &t->vnets[rt->vnet];
	const struct pfx *reserved = reserved_observed;
	size_t i, nreserved = sizeof(reserved_observed) /
			      sizeof(reserved_observed[0]);

	if (t->model.reserved_none_routes == RESERVED_DOCUMENTED) {
		reserved = reserved_documented;
		nreserved = sizeof(reserved_documented) /
			    sizeof(reserved_documented[0]);
	} else if (t->model.reserved_none_routes == RESERVED_LIST) {
		reserved = t->reserved_routes;
		nreserved = t->nreserved_routes;
	}
	if (rtable_add(rt, pfx_make(0, 0), RT_DEFAULT, NH_INTERNET) == NULL)
		return -ENOMEM;
	for (i = 0; i < nreserved; i++) {
		bool exact;

		if (covered_by_vnet(v, reserved[i], &exact))
			continue;
		if (rtable_add(rt, reserved[i], RT_DEFAULT, NH_NONE) == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* MODEL §1 BGP: the prefixes one circuit on the hub's gateway learns. */
static int
add_circuit(const struct topo *t, struct rtable *rt, size_t ci, bool transit)
{
	const struct circuit *c = &t->circuits[ci];
	size_t i;

	if (rt->bgp_circuit == TOPO_NONE)
		rt->bgp_circuit = ci;
	/* MODEL §1 BGP limits [er-limits] (rtable_warn says so). */
	if (circuit_dropped(c)) {
		rt->bgp_dropped = true;
		return 0;
	}
	for (i = 0; i < c->nadvertised; i++) {
		struct eroute *e = rtable_add(rt, c->advertised[i], RT_BGP,
				       NH_VNET_GATEWAY);
		size_t k;

		if (e == NULL)
			return -ENOMEM;
		e->circuit = ci;
		e->transit = transit;
		/* MODEL §1 BGP: several next-hop IPs for one prefix are ECMP. */
		for (k = 0; k < c->nnext_hops && k < RT_ECMP_MAX; k++)
			e->nh_ips[e->nnh++] = c->next_hops[k];
	}
	return 0;
}

/* MODEL §8 [vpn-aa] [wth036]: the next hop IPs of a route through VPN
 * gateway g: both instances' private IPs when active-active, else the
 * gateway's public IP (none when the scenario does not give it). */
static void
vpn_next_hops(const struct gateway *g, struct eroute *e)
{
	size_t k;

	if (g->active_active) {
		for (k = 0; k < g->ninstance_ips; k++)
			e->nh_ips[e->nnh++] = g->instance_ips[k];
	} else if (g->has_public_ip) {
		e->nh_ips[e->nnh++] = g->public_ip;
	}
}

static struct eroute *
add_site_route(const struct topo *t, struct rtable *rt, size_t si,
	       struct pfx p, bool is_static, bool transit)
{
	struct eroute *e = rtable_add(rt, p, RT_BGP, NH_VNET_GATEWAY);

	if (e == NULL)
		return NULL;
	e->site = si;
	e->site_static = is_static;
	e->transit = transit;
	vpn_next_hops(&t->gateways[t->vpn_sites[si].gateway], e);
	return e;
}

/* MODEL §8 [vpn-ft]: a site-to-site connection brings its local network
 * gateway's static prefixes (bgp false) or, with BGP, the peer's own
 * address as a /32 unless a static prefix is already that /32 [rs-lab],
 * and what the site advertises. Real tables list every site's static
 * prefixes before the BGP-learned routes [wth036]. */
static int
add_site(const struct topo *t, struct rtable *rt, size_t si, bool transit,
	 bool bgp)
{
	const struct vpn_site *v = &t->vpn_sites[si];
	struct pfx peer;
	size_t i;

	if (!bgp) {
		for (i = 0; i < v->nprefixes; i++)
			if (add_site_route(t, rt, si, v->prefixes[i], true,
					   transit) == NULL)
				return -ENOMEM;
		return 0;
	}
	if (!v->bgp)
		return 0;
	peer = pfx_make(v->bgp_peer_ip, 32);
	for (i = 0; i < v->nprefixes && !pfx_equal(v->prefixes[i], peer); i++)
		;
	if (i == v->nprefixes &&
	    add_site_route(t, rt, si, peer, false, transit) == NULL)
		return -ENOMEM;
	for (i = 0; i < v->nadvertised; i++)
		if (add_site_route(t, rt, si, v->advertised[i], false,
				   transit) == NULL)
			return -ENOMEM;
	return 0;
}

/* One prefix a Route Server peer advertises, and where it was listed. */
struct rsadv {
	struct pfx p;
	uint32_t nh;
	uint8_t peer;
	size_t order;		/* first listing of the prefix */
};

static int
rsadv_by_pfx(const void *a, const void *b)
{
	const struct rsadv *x = a, *y = b;
	int c = pfx_cmp(&x->p, &y->p);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
rsadv_by_order(const void *a, const void *b)
{
	const struct rsadv *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * MODEL §8 [rs]: a Route Server programs what its peers advertise as
 * VirtualNetworkGateway routes whose next hop IP is the peer, or the
 * next hop it announces (route injection). Peers advertising one prefix
 * are ECMP: one route, one next hop each (distinct addresses).
 */
static int
add_route_server(const struct topo *t, struct rtable *rt, size_t ri,
		 bool transit)
{
	const struct route_server *rs = &t->route_servers[ri];
	struct rsadv *a;
	struct eroute *e = NULL;
	size_t n = 0, i, j, k, first;

	for (i = 0; i < rs->npeers; i++)
		n += rs->peers[i].nadvertised;
	if (n == 0)
		return 0;
	if ((a = calloc(n, sizeof(*a))) == NULL)
		return -ENOMEM;
	for (i = 0, n = 0; i < rs->npeers; i++) {
		const struct rs_peer *p = &rs->peers[i];

		for (j = 0; j < p->nadvertised; j++, n++) {
			a[n].p = p->advertised[j];
			a[n].nh = p->has_next_hop ? p->next_hop : p->ip;
			a[n].peer = (uint8_t)i;	/* at most TOPO_ECMP_MAX */
			a[n].order = n;
		}
	}
	/* Group each prefix's advertisements under its first listing, then
	 * list the routes in that order. */
	qsort(a, n, sizeof(*a), rsadv_by_pfx);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && pfx_equal(a[j].p, a[i].p); j++)
			a[j].order = a[i].order;
	}
	qsort(a, n, sizeof(*a), rsadv_by_order);
	for (i = 0; i < n; i = j) {
		first = i;
		for (j = i + 1; j < n && a[j].order == a[first].order; j++)
			;
		if ((e = rtable_add(rt, a[first].p, RT_BGP, NH_VNET_GATEWAY)) ==
		    NULL) {
			free(a);
			return -ENOMEM;
		}
		e->rs = ri;
		e->transit = transit;
		for (k = first; k < j; k++) {
			size_t m;

			for (m = 0; m < e->nnh && e->nh_ips[m] != a[k].nh; m++)
				;
			if (m < e->nnh || e->nnh == RT_ECMP_MAX)
				continue;
			e->nh_peer[e->nnh] = a[k].peer;
			e->nh_ips[e->nnh++] = a[k].nh;
		}
	}
	free(a);
	return 0;
}

static int
pfx_sorted_cmp(const void *a, const void *b)
{
	return pfx_cmp(a, b);
}

/*
 * MODEL §8 [rs] hub routing preference: one prefix learned from the
 * ExpressRoute circuits and from Route Server peers keeps the
 * ExpressRoute route (ExpressRoute, the default, and ASPath, whose AS
 * path lengths ftsim does not model) or the peers' (VpnGateway). The
 * other is not programmed.
 */
static int
rs_preference(const struct topo *t, struct rtable *rt, size_t ri)
{
	enum rs_pref pref = t->route_servers[ri].preference;
	struct pfx *keep;
	size_t i, o, n = 0;
	bool drop_rs = pref != RSP_VPN;

	for (i = 0; i < rt->n; i++)
		n += rt->r[i].source == RT_BGP &&
		     (drop_rs ? rt->r[i].circuit != TOPO_NONE
			      : rt->r[i].rs != TOPO_NONE);
	if (n == 0)
		return 0;
	if ((keep = calloc(n, sizeof(*keep))) == NULL)
		return -ENOMEM;
	for (i = 0, n = 0; i < rt->n; i++)
		if (rt->r[i].source == RT_BGP &&
		    (drop_rs ? rt->r[i].circuit != TOPO_NONE
			     : rt->r[i].rs != TOPO_NONE))
			keep[n++] = rt->r[i].pfx;
	qsort(keep, n, sizeof(*keep), pfx_sorted_cmp);
	for (i = 0, o = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];
		bool loser = e->source == RT_BGP &&
			     (drop_rs ? e->rs != TOPO_NONE
				      : e->circuit != TOPO_NONE) &&
			     bsearch(&e->pfx, keep, n, sizeof(*keep),
				     pfx_sorted_cmp) != NULL;

		if (!loser)
			rt->r[o++] = *e;
	}
	rt->n = o;
	free(keep);
	return 0;
}

/*
 * MODEL §1 BGP and §8: the routes the VNet's gateways give, its own or,
 * through gateway transit, its hub's: the circuits of an ExpressRoute
 * gateway (several circuits on one gateway each add their prefixes; for
 * a prefix two circuits advertise, the first stays Active: resolve's tie
 * break), the sites of a VPN gateway, the Route Server's peers. None
 * where the route table disables propagation ("propagate gateway routes:
 * no").
 */
static int
add_bgp(const struct topo *t, struct rtable *rt)
{
	const struct subnet *sn = &t->vnets[rt->vnet].subnets[rt->subnet];
	size_t hub = t->vnets[rt->vnet].hub, ci, si, ri;
	bool transit = hub != rt->vnet;
	int rc, pass;

	if (hub == TOPO_NONE)
		return 0;
	if (propagation_off(t, sn)) {
		for (ci = 0; ci < t->ncircuits; ci++)
			if (t->circuits[ci].vnet == hub &&
			    rt->bgp_circuit == TOPO_NONE)
				rt->bgp_circuit = ci;
		rt->bgp_disabled = true;
		return 0;
	}
	for (ci = 0; ci < t->ncircuits; ci++)
		if (t->circuits[ci].vnet == hub &&
		    (rc = add_circuit(t, rt, ci, transit)) != 0)
			return rc;
	for (pass = 0; pass < 2; pass++)
		for (si = 0; si < t->nvpn_sites; si++)
			if (t->vpn_sites[si].gateway != TOPO_NONE &&
			    t->gateways[t->vpn_sites[si].gateway].vnet == hub &&
			    (rc = add_site(t, rt, si, transit, pass == 1)) != 0)
				return rc;
	ri = topo_route_server_of_vnet(t, hub);
	if (ri != TOPO_NONE &&
	    ((rc = add_route_server(t, rt, ri, transit)) != 0 ||
	     (rc = rs_preference(t, rt, ri)) != 0))
		return rc;
	/* MODEL §8 [vwan]: a Virtual WAN hub's own rules. */
	return vwan_routes(t, rt, hub);
}

/* MODEL §1 User: the routes of the subnet's route table. */
static int
add_user(const struct topo *t, struct rtable *rt)
{
	const struct subnet *sn = &t->vnets[rt->vnet].subnets[rt->subnet];
	const struct route_table *tb;
	size_t i;

	if (sn->route_table == TOPO_NONE)
		return 0;
	tb = &t->rtables[sn->route_table];
	for (i = 0; i < tb->nroutes; i++) {
		const struct route *u = &tb->routes[i];
		struct eroute *e = rtable_add(rt, u->pfx, RT_USER, u->nh);

		if (e == NULL)
			return -ENOMEM;
		e->name = u->name;
		e->table = tb->name;
		if (u->has_nh_ip)
			e->nh_ips[e->nnh++] = u->nh_ip;
	}
	return 0;
}

/* Rank for identical prefixes, MODEL §1 "Selection": User > BGP > System,
 * except that system VNet, peering and service-endpoint routes win over
 * BGP. Higher wins. */
static int
rank(const struct eroute *e)
{
	if (e->source == RT_USER)
		return 3;
	if (e->vnet_class)
		return 2;
	if (e->source == RT_BGP)
		return 1;
	return 0;
}

static const char *
loser_reason(const struct eroute *w)
{
	if (w->source == RT_USER)
		return "a User route for the same prefix wins";
	if (w->vnet_class)
		return "the system VNet route for the same prefix wins";
	return "a BGP route for the same prefix wins";
}

/* Remove system routes matching pred (compacting the array). */
static void
remove_system(struct rtable *rt, bool (*pred)(const struct eroute *))
{
	size_t i, o = 0;

	for (i = 0; i < rt->n; i++)
		if (!(rt->r[i].source == RT_DEFAULT && pred(&rt->r[i])))
			rt->r[o++] = rt->r[i];
	rt->n = o;
}

static bool
is_reserved_none(const struct eroute *e)
{
	return e->nh == NH_NONE;
}

static bool
is_default_internet(const struct eroute *e)
{
	return e->nh == NH_INTERNET && e->pfx.len == 0;
}

static bool
has_route(const struct rtable *rt, enum rt_source src, struct pfx p)
{
	size_t i;

	for (i = 0; i < rt->n; i++)
		if (rt->r[i].source == src && pfx_equal(rt->r[i].pfx, p))
			return true;
	return false;
}

/* A route's prefix and its place in the table, to sort by prefix. */
struct rkey {
	struct pfx p;
	size_t i;
};

static int
key_cmp(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	int c = pfx_cmp(&x->p, &y->p);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
resolve(const struct topo *t, struct rtable *rt)
{
	struct pfx zero = pfx_make(0, 0);
	struct rkey *keys;
	size_t i, j, k;

	/* MODEL §1: with a UDR 0.0.0.0/0 the reserved None routes are
	 * removed [udr example]; the system default stays, Invalid. */
	if (has_route(rt, RT_USER, zero))
		remove_system(rt, is_reserved_none);
	/* MODEL §1: a BGP 0.0.0.0/0 replaces the system default outright;
	 * whether it also removes the None routes is a switch (default no). */
	if (has_route(rt, RT_BGP, zero)) {
		remove_system(rt, is_default_internet);
		if (t->model.bgp_default_removes_none)
			remove_system(rt, is_reserved_none);
	}
	/* MODEL §1 Selection: for identical prefixes the best rank stays
	 * Active (the first one listed on a tie) and the others are Invalid.
	 * The table keeps Azure's listing order; a sorted index groups the
	 * equal prefixes. */
	if ((keys = calloc(rt->n + 1, sizeof(*keys))) == NULL)
		return -ENOMEM;
	for (i = 0; i < rt->n; i++) {
		keys[i].p = rt->r[i].pfx;
		keys[i].i = i;
	}
	qsort(keys, rt->n, sizeof(*keys), key_cmp);
	for (i = 0; i < rt->n; i = j) {
		size_t best = keys[i].i;

		for (j = i + 1; j < rt->n && pfx_equal(keys[j].p, keys[i].p); j++)
			if (rank(&rt->r[keys[j].i]) > rank(&rt->r[best]))
				best = keys[j].i;
		for (k = i; k < j; k++) {
			if (keys[k].i == best)
				continue;
			rt->r[keys[k].i].state = RT_INVALID;
			rt->r[keys[k].i].invalid_by = loser_reason(&rt->r[best]);
		}
	}
	free(keys);
	return 0;
}

static int
index_routes(struct rtable *rt)
{
	size_t i;

	if ((rt->active = lpm_new()) == NULL ||
	    (rt->vnetcls = lpm_new()) == NULL ||
	    (rt->nonbgp = lpm_new()) == NULL)
		return -ENOMEM;
	for (i = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];

		if (e->state != RT_ACTIVE)
			continue;
		if (lpm_add(rt->active, e->pfx, (uint32_t)i) != 0)
			return -ENOMEM;
		if (e->vnet_class && e->source == RT_DEFAULT &&
		    lpm_add(rt->vnetcls, e->pfx, (uint32_t)i) != 0)
			return -ENOMEM;
		if (e->source != RT_BGP &&
		    lpm_add(rt->nonbgp, e->pfx, (uint32_t)i) != 0)
			return -ENOMEM;
		if (e->pfx.len == 0)
			rt->dflt = e;
	}
	return 0;
}

/* The rule of rtable_lookup_oracle applied to prefix p: every address
 * whose longest Active prefix is p sees in each trie the longest prefix
 * covering p, so the answer is the same for all of them. */
static int
answer_of(const struct rtable *rt, struct pfx p, struct rt_answer *a)
{
	uint32_t idx, vidx;

	a->lpm_winner = UINT32_MAX;
	if (lpm_match(rt->active, p, &idx) != 0)
		return -EINVAL;		/* p is Active: it matches itself */
	a->r = idx;
	if (rt->r[idx].source == RT_BGP &&
	    lpm_match(rt->vnetcls, p, &vidx) == 0 &&
	    lpm_match(rt->nonbgp, p, &vidx) == 0) {
		a->lpm_winner = idx;
		a->r = vidx;
	}
	return 0;
}

static int
index_fib(struct rtable *rt)
{
	struct poptrie_route *pr;
	size_t i, n = 0;
	int rc;

	if ((rt->ans = calloc(rt->n + 1, sizeof(*rt->ans))) == NULL ||
	    (pr = calloc(rt->n + 1, sizeof(*pr))) == NULL)
		return -ENOMEM;
	for (i = 0; i < rt->n; i++) {
		if (rt->r[i].state != RT_ACTIVE)
			continue;
		if ((rc = answer_of(rt, rt->r[i].pfx, &rt->ans[n])) != 0) {
			free(pr);
			return rc;
		}
		pr[n].pfx = rt->r[i].pfx;
		pr[n].value = (uint32_t)n;
		n++;
	}
	rc = poptrie_build(pr, n, &rt->fib);
	free(pr);
	rt->gen[0] = lpm_generation(rt->active);
	rt->gen[1] = lpm_generation(rt->vnetcls);
	rt->gen[2] = lpm_generation(rt->nonbgp);
	return rc;
}

static int
index_invalid(struct rtable *rt)
{
	size_t i, n = 0;

	for (i = 0; i < rt->n; i++)
		n += rt->r[i].state == RT_INVALID;
	if (n == 0)
		return 0;
	if ((rt->invalid = calloc(n, sizeof(*rt->invalid))) == NULL)
		return -ENOMEM;
	for (i = 0; i < rt->n; i++)
		if (rt->r[i].state == RT_INVALID)
			rt->invalid[rt->ninvalid++] = i;
	return 0;
}

int
rtable_build(const struct topo *t, size_t vnet, size_t subnet,
	     struct rtable *out, struct diag *d)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->topo = t;
	out->vnet = vnet;
	out->subnet = subnet;
	out->bgp_circuit = TOPO_NONE;
	if (vnet >= t->nvnets || subnet >= t->vnets[vnet].nsubnets)
		return -EINVAL;
	if (d != NULL)
		rtable_warn(t, vnet, subnet, d);
	if ((rc = add_system(t, out)) != 0 ||
	    (rc = add_bgp(t, out)) != 0 ||
	    (rc = add_system_tail(t, out)) != 0 ||
	    (rc = add_user(t, out)) != 0 ||
	    (rc = resolve(t, out)) != 0 ||
	    (rc = index_routes(out)) != 0 ||
	    (rc = index_fib(out)) != 0 ||
	    (rc = index_invalid(out)) != 0) {
		rtable_free(out);
		return rc;
	}
	return 0;
}

void
rtable_free(struct rtable *rt)
{
	lpm_free(rt->active);
	lpm_free(rt->vnetcls);
	lpm_free(rt->nonbgp);
	poptrie_free(rt->fib);
	free(rt->ans);
	free(rt->invalid);
	free(rt->r);
	memset(rt, 0, sizeof(*rt));
	rt->bgp_circuit = TOPO_NONE;
}

void
rtable_drop_oracle(struct rtable *rt)
{
	if (rt->fib == NULL)
		return;		/* the tries are all it has */
	lpm_free(rt->active);
	lpm_free(rt->vnetcls);
	lpm_free(rt->nonbgp);
	rt->active = rt->vnetcls = rt->nonbgp = NULL;
}

int
rtable_lookup(const struct rtable *rt, uint32_t dst, uint32_t flowhash,
	      struct route_hit *hit)
{
	const struct rt_answer *a;
	uint32_t leaf;

	/* MODEL §1 Selection and exception, as rtable_lookup_oracle
	 * applies them, precomputed per Active prefix by answer_of. */
	if (rt->active != NULL &&
	    (rt->fib == NULL || rt->gen[0] != lpm_generation(rt->active) ||
	     rt->gen[1] != lpm_generation(rt->vnetcls) ||
	     rt->gen[2] != lpm_generation(rt->nonbgp)))
		return rtable_lookup_oracle(rt, dst, flowhash, hit);
	memset(hit, 0, sizeof(*hit));
	if ((leaf = poptrie_leaf(rt->fib, dst)) == 0)
		return -ENOENT;
	a = &rt->ans[leaf - 1];
	hit->r = &rt->r[a->r];
	if (a->lpm_winner != UINT32_MAX) {
		hit->lpm_winner = &rt->r[a->lpm_winner];
		hit->exception = true;
	}
	if (hit->r->nnh > 0)
		hit->nh_ip = hit->r->nh_ips[flowhash % hit->r->nnh];
	return 0;
}

int
rtable_lookup_oracle(const struct rtable *rt, uint32_t dst, uint32_t flowhash,
		     struct route_hit *hit)
{
	uint32_t idx, vidx;

	memset(hit, 0, sizeof(*hit));
	if (rt->active == NULL)
		return -ENOTSUP;	/* dropped by rtable_drop_oracle */
	/* MODEL §1 Selection: longest prefix match over Active routes; no
	 * match drops the packet. */
	if (lpm_lookup(rt->active, dst, &idx, NULL) != 0)
		return -ENOENT;
	hit->r = &rt->r[idx];
	/* MODEL §1 exception: system VNet, peering and service-endpoint
	 * routes win over BGP even when the BGP route is more specific.
	 * BGP drops out; among the rest the longest match still wins, so a
	 * user route longer than the VNet route keeps its traffic. */
	if (hit->r->source == RT_BGP &&
	    lpm_lookup(rt->vnetcls, dst, &vidx, NULL) == 0 &&
	    lpm_lookup(rt->nonbgp, dst, &vidx, NULL) == 0) {
		hit->lpm_winner = hit->r;
		hit->r = &rt->r[vidx];
		hit->exception = true;
	}
	if (hit->r->nnh > 0)
		hit->nh_ip = hit->r->nh_ips[flowhash % hit->r->nnh];
	return 0;
}

bool
rtable_forced_default(const struct rtable *rt)
{
	return rt->dflt != NULL && rt->dflt->nh != NH_INTERNET;
}

const char *
rt_source_name(enum rt_source s)
{
	switch (s) {
	case RT_DEFAULT:	return "Default";
	case RT_BGP:		return "VirtualNetworkGateway";
	case RT_USER:		return "User";
	}
	return "Unknown";
}

const char *
rt_state_name(enum rt_state s)
{
	return s == RT_ACTIVE ? "Active" : "Invalid";
}

/* Where a gateway route comes from, and through which hub (MODEL §8). */
static void
bgp_words(const struct topo *t, const struct eroute *r, struct tsink *k)
{
	size_t hub = TOPO_NONE;

	if (r->circuit != TOPO_NONE)
		TSINK(k, "BGP, learned from %s private peering",
		      ta_s(t->circuits[r->circuit].name));
	else if (r->site != TOPO_NONE)
		TSINK(k, r->site_static ? "static prefix of VPN site %s on "
		      "gateway %s" : "BGP, learned from VPN site %s on gateway "
		      "%s", ta_s(t->vpn_sites[r->site].name),
		      ta_s(t->gateways[t->vpn_sites[r->site].gateway].name));
	else if (r->rs != TOPO_NONE)
		TSINK(k, "BGP, programmed by Route Server %s from peer %s%s",
		      ta_s(t->route_servers[r->rs].name),
		      ta_s(t->route_servers[r->rs].peers[r->nh_peer[0]].name),
		      ta_lit(r->nnh > 1 ? " and others (ECMP)" : ""));
	else if (r->vhub != TOPO_NONE) {
		vwan_words(t, r, k);
		return;
	} else
		TSINK(k, "BGP, learned from the gateway");

	if (r->circuit != TOPO_NONE)
		hub = t->circuits[r->circuit].vnet;
	else if (r->site != TOPO_NONE)
		hub = t->gateways[t->vpn_sites[r->site].gateway].vnet;
	else if (r->rs != TOPO_NONE)
		hub = t->route_servers[r->rs].vnet;
	if (r->transit && hub != TOPO_NONE &&
	    topo_vhub_of_vnet(t, hub) != TOPO_NONE)
		TSINK(k, ", through Virtual WAN hub %s%s [vwan]",
		      ta_s(t->vnets[hub].name), ta_lit(r->pfx.len == 0 ?
		      ", whose connection to this VNet propagates the default "
		      "route" : ""));
	else if (r->transit && hub != TOPO_NONE)
		TSINK(k, ", through gateway transit from VNet %s [peer]",
		      ta_s(t->vnets[hub].name));
}

void
eroute_words(const struct topo *t, const struct eroute *r, struct tsink *k)
{
	switch (r->source) {
	case RT_USER:
		if (r->vhub != TOPO_NONE)
			vwan_words(t, r, k);
		else
			TSINK(k, "User route %s in route table %s",
			      ta_s(r->name), ta_s(r->table));
		return;
	case RT_BGP:
		bgp_words(t, r, k);
		return;
	case RT_DEFAULT:
		break;
	}
	switch (r->nh) {
	case NH_VNETLOCAL:
		TSINK(k, "system route, address space of VNet %s",
		      ta_s(r->vnet != TOPO_NONE ? t->vnets[r->vnet].name : "?"));
		break;
	case NH_VNETPEERING:
		TSINK(k, "system route, peering with VNet %s",
		      ta_s(r->vnet != TOPO_NONE ? t->vnets[r->vnet].name : "?"));
		break;
	case NH_SERVICE_ENDPOINT:
		TSINK(k, "system route, service endpoint");
		break;
	case NH_INTERNET:
		TSINK(k, "system default route");
		break;
	case NH_NONE:
		TSINK(k, "system route, reserved range");
		break;
	default:
		TSINK(k, "system route");
		break;
	}
}

int
eroute_text(const struct topo *t, const struct eroute *r, struct tline *b)
{
	struct tsink_text k;

	tline_reset(b);
	tsink_text_init(&k, b);
	eroute_words(t, r, &k.k);
	if (k.err == 0 && b->s == NULL)
		k.err = tline_put(b, "", 0);
	return k.err;
}
