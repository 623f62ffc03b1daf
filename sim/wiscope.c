/*
 * wiscope.c: the destinations a change can touch (wiscope.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/eqclass.h"
#include "sim/services.h"
#include "sim/wiscope.h"
#include "topology/tags.h"
#include "topology/vec.h"

static void
sc_all(struct wi_scope *s, const char *why)
{
	if (!s->all)
		s->why_all = why;
	s->all = true;
}

static int
iv_push(struct wi_iv **iv, size_t *n, size_t *cap, uint64_t lo, uint64_t hi)
{
	if (VEC_GROW(*iv, *n, *cap) != 0)
		return -ENOMEM;
	(*iv)[*n].lo = lo;
	(*iv)[(*n)++].hi = hi;
	return 0;
}

static int
sc_add(struct wi_scope *s, uint64_t lo, uint64_t hi)
{
	if (s->all)
		return 0;
	return iv_push(&s->iv, &s->n, &s->cap, lo, hi);
}

/* The first and last address of p. */
static struct wi_iv
pfx_iv(struct pfx p)
{
	struct wi_iv v;

	v.lo = p.addr;
	v.hi = v.lo + ((uint64_t)1 << (32 - p.len)) - 1;
	return v;
}

static int
sc_add_pfx(struct wi_scope *s, struct pfx p)
{
	struct wi_iv v = pfx_iv(p);

	return sc_add(s, v.lo, v.hi);
}

static int
iv_cmp(const void *a, const void *b)
{
	const struct wi_iv *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge overlapping or adjacent intervals. */
static void
iv_merge(struct wi_iv *iv, size_t *n)
{
	size_t i, o = 0;

	if (*n == 0)
		return;
	qsort(iv, *n, sizeof(*iv), iv_cmp);
	for (i = 0; i < *n; i++) {
		if (o > 0 && iv[i].lo <= iv[o - 1].hi + 1) {
			if (iv[i].hi > iv[o - 1].hi)
				iv[o - 1].hi = iv[i].hi;
			continue;
		}
		iv[o++] = iv[i];
	}
	*n = o;
}

static int
sc_finish(struct wi_scope *s)
{
	if (s->all)
		return 0;
	iv_merge(s->iv, &s->n);
	iv_merge(s->riv, &s->rn);
	return 0;
}

/* True when [lo, hi] meets the merged intervals iv. */
static bool
iv_meets(const struct wi_iv *iv, size_t n, uint64_t lo, uint64_t hi)
{
	size_t a = 0, b = n;

	/* The first interval ending at or after lo. */
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (iv[m].hi < lo)
			a = m + 1;
		else
			b = m;
	}
	return a < n && iv[a].lo <= hi;
}

static int
cxpair_cmp(const void *x, const void *y)
{
	const struct wi_cxpair *p = x, *q = y;

	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->a < q->a ? -1 : p->a > q->a;
}

bool
wi_scope_meets(const struct wi_scope *s, uint64_t lo, uint64_t hi)
{
	return s->all || iv_meets(s->iv, s->n, lo, hi) ||
	       iv_meets(s->riv, s->rn, lo, hi);
}

bool
wi_scope_meets_vm(const struct wi_scope *s, size_t cb, size_t ca,
		  uint64_t lo, uint64_t hi)
{
	struct wi_cxpair key = { cb, ca };

	if (s->all || iv_meets(s->iv, s->n, lo, hi))
		return true;
	if (!iv_meets(s->riv, s->rn, lo, hi))
		return false;
	return s->routes_every_vm ||
	       bsearch(&key, s->changed, s->nchanged, sizeof(key),
		       cxpair_cmp) != NULL;
}

void
wi_scope_free(struct wi_scope *s)
{
	free(s->iv);
	free(s->riv);
	free(s->changed);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- */
/* Sources: the addresses a flow's packets leave from, and so the keys of
 * every answer's route lookups. */

static int
add_sources(struct wi_scope *src, const struct topo *t)
{
	size_t v, i;
	int rc = 0;

	for (i = 0; i < t->nvms && rc == 0; i++) {
		const struct vm *m = &t->vms[i];

		rc = sc_add(src, m->ip, m->ip);
		if (rc == 0 && m->has_public_ip)
			rc = sc_add(src, m->public_ip, m->public_ip);
		if (rc == 0 && m->has_lb_outbound_ip)
			rc = sc_add(src, m->lb_outbound_ip, m->lb_outbound_ip);
	}
	for (v = 0; v < t->nvnets && rc == 0; v++)
		for (i = 0; i < t->vnets[v].nsubnets && rc == 0; i++) {
			const struct subnet *sn = &t->vnets[v].subnets[i];

			if (sn->has_nat_gateway)
				rc = sc_add(src, sn->nat_gateway_ip,
					    sn->nat_gateway_ip);
			if (rc == 0 && sn->has_default_outbound_ip)
				rc = sc_add(src, sn->default_outbound_ip,
					    sn->default_outbound_ip);
		}
	if (rc == 0)
		rc = sc_add(src, default_outbound_ip(t->cloud),
			    default_outbound_ip(t->cloud));
	for (i = 0; i < t->ncircuits && rc == 0; i++) {
		size_t k;

		for (k = 0; k < t->circuits[i].nnat_pool && rc == 0; k++)
			rc = sc_add_pfx(src, t->circuits[i].nat_pool[k]);
		for (k = 0; k < t->circuits[i].nms_nat_pool && rc == 0; k++)
			rc = sc_add_pfx(src, t->circuits[i].ms_nat_pool[k]);
	}
	if (rc == 0 && t->onprem.has_edge_ip)
		rc = sc_add(src, t->onprem.internet_edge_ip,
			    t->onprem.internet_edge_ip);
	/* MODEL §8: a VPN site's edge NAT is a source too. */
	for (i = 0; i < t->nvpn_sites && rc == 0; i++)
		if (t->vpn_sites[i].has_edge_ip)
			rc = sc_add(src, t->vpn_sites[i].internet_edge_ip,
				    t->vpn_sites[i].internet_edge_ip);
	return rc;
}

/* Add [lo, hi] to what a changed context can touch (s->riv, for the VMs
 * whose walks decide there); when it covers a source, everything. */
static int
touch(struct wi_scope *s, const struct wi_scope *src, uint64_t lo,
      uint64_t hi, bool *differ, const char *why)
{
	*differ = true;
	if (wi_scope_meets(src, lo, hi)) {
		sc_all(s, why);
		return 0;
	}
	if (s->all)
		return 0;
	return iv_push(&s->riv, &s->rn, &s->rcap, lo, hi);
}

/* ---------------------------------------------------------------- */
/* Routes */

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Every field of an effective route that a lookup's answer or an outcome
 * can show; names compared by text (the two sides are two topologies). */
static int
eroute_cmp(const void *pa, const void *pb)
{
	const struct eroute *a = *(const struct eroute *const *)pa;
	const struct eroute *b = *(const struct eroute *const *)pb;
	int c;
	size_t i;

	if ((c = pfx_cmp(&a->pfx, &b->pfx)) != 0)
		return c;
	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	if (a->nh != b->nh)
		return a->nh < b->nh ? -1 : 1;
	if (a->nnh != b->nnh)
		return a->nnh < b->nnh ? -1 : 1;
	for (i = 0; i < a->nnh; i++)
		if (a->nh_ips[i] != b->nh_ips[i])
			return a->nh_ips[i] < b->nh_ips[i] ? -1 : 1;
	if (a->vnet_class != b->vnet_class)
		return a->vnet_class ? 1 : -1;
	if (a->circuit != b->circuit)
		return a->circuit < b->circuit ? -1 : 1;
	if (a->site != b->site)
		return a->site < b->site ? -1 : 1;
	if (a->rs != b->rs)
		return a->rs < b->rs ? -1 : 1;
	if (a->site_static != b->site_static)
		return a->site_static ? 1 : -1;
	if (a->transit != b->transit)
		return a->transit ? 1 : -1;
	if (a->vnet != b->vnet)
		return a->vnet < b->vnet ? -1 : 1;
	if ((c = strcmp_null(a->name, b->name)) != 0)
		return c;
	return strcmp_null(a->table, b->table);
}

static const struct eroute **
sorted_routes(const struct rtable *rt)
{
	const struct eroute **v = calloc(rt->n + 1, sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < rt->n; i++)
		v[i] = &rt->r[i];
	qsort(v, rt->n, sizeof(*v), eroute_cmp);
	return v;
}

/* The prefixes of the routes one table has and the other lacks, into
 * s->riv; *differ when there is one. */
static int
route_diff(struct wi_scope *s, const struct wi_scope *src,
	   const struct rtable *a, const struct rtable *b, bool *differ)
{
	const struct eroute **x = sorted_routes(a), **y = sorted_routes(b);
	size_t i = 0, j = 0;
	int rc = 0, c;

	if (x == NULL || y == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	while ((i < a->n || j < b->n) && rc == 0 && !s->all) {
		const struct eroute *e;

		c = i == a->n ? 1 : j == b->n ? -1 :
		    eroute_cmp(&x[i], &y[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		e = c < 0 ? x[i++] : y[j++];
		rc = touch(s, src, pfx_iv(e->pfx).lo, pfx_iv(e->pfx).hi,
			   differ, "a route that changed covers an address "
			   "flows leave from");
	}
out:
	free(x);
	free(y);
	return rc;
}

/* The intervals where two tag lists differ. */
static int
tag_diff(struct wi_scope *s, const struct wi_scope *src,
	 const struct ipinterval *a, size_t na,
	 const struct ipinterval *b, size_t nb, bool *differ)
{
	struct cutset c;
	size_t i;
	uint64_t lo, hi;
	int rc;

	if (na == nb && memcmp(a, b, na * sizeof(*a)) == 0)
		return 0;
	eq_init(&c, (uint64_t)1 << 32);
	for (i = 0; i < na; i++)
		eq_add_range(&c, a[i].lo, a[i].hi);
	for (i = 0; i < nb; i++)
		eq_add_range(&c, b[i].lo, b[i].hi);
	if ((rc = eq_finish(&c)) != 0)
		goto out;
	for (i = 0; i < eq_count(&c) && rc == 0 && !s->all; i++) {
		eq_range(&c, i, &lo, &hi);
		if (iv_contains(a, na, (uint32_t)lo) !=
		    iv_contains(b, nb, (uint32_t)lo))
			rc = touch(s, src, lo, hi, differ, "a computed tag "
				   "that changed covers an address flows "
				   "leave from");
	}
out:
	eq_free(&c);
	return rc;
}

/* Context cx (of the before side, or the after side) is in a changed
 * pair. */
static bool
changed_ctx(const struct wi_scope *s, size_t cx, bool before)
{
	size_t i;

	for (i = 0; i < s->nchanged; i++)
		if ((before ? s->changed[i].b : s->changed[i].a) == cx)
			return true;
	return false;
}

/* Every subnet's routes and NSG context, before against after: once per
 * distinct pair of contexts (subnets share them). */
static int
contexts_diff(struct wi_scope *s, const struct wi_scope *src,
	      const struct topo *tb, const struct sim *sb,
	      const struct topo *ta, const struct sim *sa)
{
	struct wi_cxpair *pr = NULL;
	size_t v, i, k, n = 0, cap = 0;
	int rc = 0;

	if (tb->nvnets != ta->nvnets) {
		sc_all(s, "the VNets differ");
		return 0;
	}
	for (v = 0; v < tb->nvnets && rc == 0; v++) {
		if (tb->vnets[v].nsubnets != ta->vnets[v].nsubnets) {
			sc_all(s, "the subnets differ");
			goto out;
		}
		for (i = 0; i < tb->vnets[v].nsubnets && rc == 0; i++) {
			if ((rc = VEC_GROW(pr, n, cap)) != 0)
				goto out;
			pr[n].b = sim_context_of(sb, v, i);
			pr[n++].a = sim_context_of(sa, v, i);
		}
	}
	if (n > 0)
		qsort(pr, n, sizeof(*pr), cxpair_cmp);
	for (i = 0; i < n && rc == 0 && !s->all; i++) {
		if (i > 0 && cxpair_cmp(&pr[i - 1], &pr[i]) == 0)
			continue;
		{
			const struct rtable *rb = sim_context_rtable(sb, pr[i].b);
			const struct rtable *ra = sim_context_rtable(sa, pr[i].a);
			const struct nsgctx *xb = sim_context_nsgctx(sb, pr[i].b);
			const struct nsgctx *xa = sim_context_nsgctx(sa, pr[i].a);
			bool differ = false;

			if ((rc = route_diff(s, src, rb, ra, &differ)) != 0 ||
			    (rc = tag_diff(s, src, xb->vnet_tag, xb->nvnet_tag,
					   xa->vnet_tag, xa->nvnet_tag,
					   &differ)) != 0 ||
			    (rc = tag_diff(s, src, xb->inet_tag, xb->ninet_tag,
					   xa->inet_tag, xa->ninet_tag,
					   &differ)) != 0)
				break;
			/* MODEL §5: the forced default turns the hidden KMS
			 * rule off (a switch): the KMS addresses. */
			if (xb->forced_default != xa->forced_default)
				for (k = 0; k < xb->nkms && rc == 0; k++)
					rc = touch(s, src, xb->kms[k], xb->kms[k],
						   &differ, "a KMS address is a "
						   "source");
			if (rc == 0 && differ &&
			    (rc = VEC_GROW(s->changed, s->nchanged,
					   s->cchanged)) == 0)
				s->changed[s->nchanged++] = pr[i];
		}
	}
	/* The pairs come sorted from pr; an appliance in a changed context
	 * makes the routes matter to every VM. */
	for (i = 0; i < tb->nvms && rc == 0 && !s->routes_every_vm; i++)
		s->routes_every_vm = tb->vms[i].ip_forwarding &&
		    changed_ctx(s, sim_context_of(sb, tb->vms[i].vnet,
						  tb->vms[i].subnet), true);
	for (i = 0; i < ta->nvms && rc == 0 && !s->routes_every_vm; i++)
		s->routes_every_vm = ta->vms[i].ip_forwarding &&
		    changed_ctx(s, sim_context_of(sa, ta->vms[i].vnet,
						  ta->vms[i].subnet), false);
out:
	free(pr);
	return rc;
}

/* ---------------------------------------------------------------- */
/* NSG rules */

/* The addresses of a rule's source or destination, in both topologies'
 * tag sets; a computed tag (its value depends on the subnet) or an
 * unknown one: everything. A range's address is the destination of the
 * request's packets and the source of the answer's, whatever NAT does to
 * the other end: a rule can change its outcome only from inside one of
 * the two spaces. */
static int
rule_space(struct wi_scope *s, const struct topo *tb, const struct topo *ta,
	   const struct addr_spec *a)
{
	size_t i, k, side;
	int rc = 0;

	if (a->any) {
		sc_all(s, "an NSG rule that changed matches any address");
		return 0;
	}
	for (i = 0; i < a->n && rc == 0 && !s->all; i++) {
		const struct addr_item *it = &a->items[i];

		if (!it->is_tag) {
			rc = sc_add_pfx(s, it->pfx);
			continue;
		}
		for (side = 0; side < 2 && rc == 0 && !s->all; side++) {
			const struct topo *t = side ? ta : tb;
			const struct tag *tg = tagset_find(t->tags, it->tag);

			if (tg == NULL || strcasecmp(it->tag, "VirtualNetwork")
			    == 0 || strcasecmp(it->tag, "Internet") == 0) {
				sc_all(s, "an NSG rule that changed names a "
				       "computed or platform tag");
				break;
			}
			for (k = 0; k < tg->niv && rc == 0; k++)
				rc = sc_add(s, tg->iv[k].lo, tg->iv[k].hi);
		}
	}
	return rc;
}

static const struct nsg_rule *
find_rule(const struct topo *t, const char *nsg, const char *rule)
{
	size_t i, j;

	for (i = 0; i < t->nnsgs; i++) {
		if (strcasecmp(t->nsgs[i].name, nsg) != 0)
			continue;
		for (j = 0; j < t->nsgs[i].nrules; j++)
			if (strcasecmp(t->nsgs[i].rules[j].name, rule) == 0)
				return &t->nsgs[i].rules[j];
	}
	return NULL;
}

/* ---------------------------------------------------------------- */

int
wi_scope_build(const struct change *c, const struct topo *tb,
	       const struct sim *sb, const struct topo *ta,
	       const struct sim *sa, struct wi_scope *out)
{
	struct wi_scope src = { 0 };
	const struct nsg_rule *r;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (c == NULL) {
		sc_all(out, "no change file to read the scope from");
		return 0;
	}
	if ((rc = add_sources(&src, tb)) != 0 ||
	    (rc = add_sources(&src, ta)) != 0 || (rc = sc_finish(&src)) != 0)
		goto out;
	for (i = 0; i < c->nops && rc == 0 && !out->all; i++) {
		const struct change_op *op = &c->ops[i];

		switch (op->kind) {
		case CH_ADD_ROUTE_TABLE:
		case CH_REMOVE_ROUTE_TABLE:
		case CH_ADD_ROUTE:
		case CH_REMOVE_ROUTE:
		case CH_REPLACE_ROUTE:
		case CH_ASSOCIATE_ROUTE_TABLE:
		case CH_DISSOCIATE_ROUTE_TABLE:
		case CH_SET_PROPAGATION:
		case CH_ADVERTISE:
		case CH_WITHDRAW:
			/* The effective routes say what they changed. */
			break;
		case CH_ADD_NSG_RULE:
			if ((rc = rule_space(out, tb, ta, &op->rule.src)) == 0)
				rc = rule_space(out, tb, ta, &op->rule.dst);
			break;
		case CH_REMOVE_NSG_RULE:
			if (op->nsg.name == NULL || op->name.name == NULL ||
			    (r = find_rule(tb, op->nsg.name,
					   op->name.name)) == NULL) {
				sc_all(out, "a removed rule is not in the base");
				break;
			}
			if ((rc = rule_space(out, tb, ta, &r->src)) == 0)
				rc = rule_space(out, tb, ta, &r->dst);
			break;
		case CH_SET_PEERING:
		case CH_ADD_VPN_SITE:
		case CH_REMOVE_VPN_SITE:
		case CH_REPLACE_VPN_SITE:
		case CH_SET_PEER_ADVERTISED:
		case CH_SET_DEFAULT_SITE:
		case CH_CLEAR_DEFAULT_SITE:
			/* Peering settings and sites decide walks beyond the
			 * routes they change (forwarded traffic, a site's
			 * hosts and edge). */
			sc_all(out, "the change touches the estate: peerings, "
			       "VPN sites or a Route Server");
			break;
		case CH_ADD_FIREWALL_RULE:
		case CH_REMOVE_FIREWALL_RULE:
		case CH_REPLACE_FIREWALL_RULE:
		case CH_SET_FORCED_TUNNELING:
			/* A firewall's rules and mode decide every walk
			 * through it, whatever the routes. */
			sc_all(out, "the change touches an Azure Firewall");
			break;
		case CH_SET_DEFAULT_ROUTE_PROPAGATION:
		case CH_SET_ROUTING_INTENT:
		case CH_CONNECT_VNET:
		case CH_DISCONNECT_VNET:
			/* MODEL §8 [vwan]: a connection or routing intent
			 * decides walks through the hub's router and
			 * firewall beyond the routes it changes. */
			sc_all(out, "the change touches a Virtual WAN hub");
			break;
		case CH_SET_ROUTE_FILTER:
		case CH_SET_ADVERTISED:
		case CH_ENABLE_PUBLIC_PEERING:
		case CH_DISABLE_PUBLIC_PEERING:
		case CH_COUNT:
		default:
			sc_all(out, "the change touches public or Microsoft "
			       "peering or a NAT pool");
			break;
		}
	}
	if (rc == 0 && !out->all)
		rc = contexts_diff(out, &src, tb, sb, ta, sa);
	if (rc == 0)
		rc = sc_finish(out);
out:
	wi_scope_free(&src);
	if (rc != 0)
		wi_scope_free(out);
	return rc;
}
