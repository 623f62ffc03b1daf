/*
 * engine.c: the engine's lifecycle. sim_new builds, for a topology, one
 * effective-route context per distinct (VNet, route table, service
 * endpoints) and one compiled NSG per distinct (NSG, context), and
 * points every subnet and VM at theirs; sim_free releases it all. A
 * failure at any step frees what was built (rtable_build's pipeline).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/nsgcls.h"
#include "sim/services.h"
#include "sim/walkint.h"
#include "topology/change.h"
#include "topology/estate.h"
#include "topology/firewall.h"
#include "topology/vec.h"

static size_t
slot(const struct sim *s, size_t vnet, size_t subnet)
{
	return s->base[vnet] + subnet;
}

const struct rtable *
sim_rtable(const struct sim *s, size_t vnet, size_t subnet)
{
	return &s->cx[s->slotcx[slot(s, vnet, subnet)]]->rt;
}

const struct nsgctx *
sim_nsgctx(const struct sim *s, size_t vnet, size_t subnet)
{
	return &s->cx[s->slotcx[slot(s, vnet, subnet)]]->ctx;
}

size_t
sim_ncontexts(const struct sim *s)
{
	return s->ncx;
}

size_t
sim_context_of(const struct sim *s, size_t vnet, size_t subnet)
{
	return s->slotcx[slot(s, vnet, subnet)];
}

const struct rtable *
sim_context_rtable(const struct sim *s, size_t i)
{
	return &s->cx[i]->rt;
}

const struct nsgctx *
sim_context_nsgctx(const struct sim *s, size_t i)
{
	return &s->cx[i]->ctx;
}

size_t
sim_ncompiled_nsgs(const struct sim *s)
{
	return s->nncls;
}

const struct topo *
sim_topo(const struct sim *s)
{
	return s->t;
}

void
sim_free(struct sim *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncx; i++)
		if (s->cx[i] != NULL && --s->cx[i]->refs == 0) {
			rtable_free(&s->cx[i]->rt);
			nsgctx_free(&s->cx[i]->ctx);
			free(s->cx[i]);
		}
	free(s->cx);
	for (i = 0; s->fworder != NULL && i < s->t->nfirewalls; i++)
		free(s->fworder[i]);
	free(s->fworder);
	for (i = 0; i < s->nncls; i++)
		if (s->ncls[i].refs != NULL && --*s->ncls[i].refs == 0) {
			nsgcls_free(s->ncls[i].cls);
			free(s->ncls[i].refs);
		}
	free(s->ncls);
	free(s->clshash);
	free(s->cls);
	free(s->own);
	free(s->slotcx);
	free(s->base);
	free(s->gwsub);
	free(s->byip);
	sim_points_free(s);
	pktbuilder_free(s->pb);
	free(s);
}

/* ---------------------------------------------------------------- */
/* Effective-route contexts */

/* Subnets a and b (of VNet v) have the same effective routes and NSG
 * context: MODEL §1 builds them from the VNet (its space, peerings and
 * gateway's circuits), the route table (its routes and propagation) and
 * the service endpoints, in this order; and, in a Virtual WAN hub, whether
 * it is the GatewaySubnet. */
static bool
same_subnet_key(const struct subnet *x, const struct subnet *y)
{
	size_t i;

	if (x->route_table != y->route_table ||
	    x->nservice_endpoints != y->nservice_endpoints)
		return false;
	/* MODEL §8 [vwan]: a Virtual WAN hub's GatewaySubnet holds its
	 * private routing intent's routes: a context of its own. */
	if ((x->name != NULL && strcasecmp(x->name, "GatewaySubnet") == 0) !=
	    (y->name != NULL && strcasecmp(y->name, "GatewaySubnet") == 0))
		return false;
	for (i = 0; i < x->nservice_endpoints; i++)
		if (strcasecmp(x->service_endpoints[i],
			       y->service_endpoints[i]) != 0)
			return false;
	return true;
}

static bool
same_context(const struct vnet *v, size_t a, size_t b)
{
	return same_subnet_key(&v->subnets[a], &v->subnets[b]);
}

/*
 * sim_new_derived: what the after side may take from the before engine.
 * ok: the change touches nothing a context reads but route tables and
 * their associations (every operation is of such a kind, and the VNets
 * and subnets are the same in number); rtok[i]: route table i is the
 * same on both sides; nsgok[i]: NSG i is (no operation names it);
 * cxfrom[k]: the before context that after context k shares, TOPO_NONE
 * when built.
 */
struct derive {
	const struct sim *b;
	bool *rtok, *nsgok;
	size_t *cxfrom;
};

/* The before context that subnet i of VNet v may share: built for the
 * same subnet with the same key and an unchanged route table; TOPO_NONE
 * for none. */
static size_t
derive_context(const struct derive *dv, const struct topo *t, size_t v,
	       size_t i)
{
	const struct sim *b = dv->b;
	const struct subnet *x, *y = &t->vnets[v].subnets[i];
	size_t k;

	x = &b->t->vnets[v].subnets[i];
	k = b->slotcx[slot(b, v, i)];
	if (b->cx[k]->rt.subnet != i || !same_subnet_key(x, y) ||
	    (y->route_table != TOPO_NONE && !dv->rtok[y->route_table]))
		return TOPO_NONE;
	return k;
}

/* The contexts of VNet v's subnets: an existing one of the VNet when the
 * key matches, else a new one built for this subnet. A VNet's contexts
 * are contiguous from first. */
static int
vnet_contexts(struct sim *s, size_t v, size_t *routes, bool oracles,
	      const struct derive *dv, struct diag *d)
{
	const struct topo *t = s->t;
	const struct vnet *vn = &t->vnets[v];
	size_t first = s->ncx, i, k;
	int rc;

	for (i = 0; i < vn->nsubnets; i++) {
		/* The subnet's own warnings, as its table would give them. */
		rtable_warn(t, v, i, d);
		size_t from;

		for (k = first; k < s->ncx; k++)
			if (same_context(vn, s->cx[k]->rt.subnet, i))
				break;
		s->slotcx[slot(s, v, i)] = k;
		if (k < s->ncx)
			continue;
		if ((rc = VEC_GROW(s->cx, s->ncx, s->ccx)) != 0)
			return rc;
		from = TOPO_NONE;
		if (dv != NULL)
			dv->cxfrom[k] = from = derive_context(dv, t, v, i);
		if (dv != NULL && from != TOPO_NONE) {
			/* Shared: the same inputs give the same routes. */
			s->cx[k] = dv->b->cx[from];
			s->cx[k]->refs++;
			s->ncx++;
		} else {
			if ((s->cx[k] = calloc(1, sizeof(*s->cx[k]))) == NULL)
				return -ENOMEM;
			s->cx[k]->refs = 1;
			s->ncx++;
			if ((rc = rtable_build(t, v, i, &s->cx[k]->rt,
			    NULL)) != 0)
				return rc;
		}
		if ((*routes += s->cx[k]->rt.n) > SIM_MAX_ROUTES) {
			diag_error(d, vn->subnets[i].pos,
			    "with subnet '%s' the effective route tables "
			    "hold %zu routes, more than the %d ftsim builds "
			    "(each distinct route table of a VNet holds every "
			    "BGP route its gateway learns)",
			    vn->subnets[i].name, *routes, SIM_MAX_ROUTES);
			return -E2BIG;
		}
		if (from != TOPO_NONE)
			continue;
		if ((rc = nsgctx_build(&s->cx[k]->ctx, t, &s->cx[k]->rt)) != 0)
			return rc;
		if (!oracles)
			rtable_drop_oracle(&s->cx[k]->rt);
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Compiled NSGs */

static size_t
cls_hash(size_t nsg, size_t cx)
{
	uint64_t h = (uint64_t)nsg * 0x9e3779b97f4a7c15ull ^
		     ((uint64_t)cx + 0x632be59bd9b4e019ull) * 0xff51afd7ed558ccdull;

	return (size_t)(h ^ (h >> 29));
}

static int
cls_rehash(struct sim *s)
{
	size_t n = s->nclshash ? 2 * s->nclshash : 64, i, k;
	uint32_t *nh;

	if ((nh = calloc(n, sizeof(*nh))) == NULL)
		return -ENOMEM;
	for (i = 0; i < s->nncls; i++) {
		for (k = cls_hash(s->ncls[i].nsg, s->ncls[i].cx) & (n - 1);
		     nh[k] != 0; k = (k + 1) & (n - 1))
			;
		nh[k] = (uint32_t)i + 1;
	}
	free(s->clshash);
	s->clshash = nh;
	s->nclshash = n;
	return 0;
}

/* The index in s->ncls of NSG nsg compiled in context cx, TOPO_NONE
 * when not compiled. */
static size_t
cls_find(const struct sim *s, size_t nsg, size_t cx)
{
	size_t h;
	uint32_t i;

	if (s->nclshash == 0)
		return TOPO_NONE;
	for (h = cls_hash(nsg, cx) & (s->nclshash - 1);
	     (i = s->clshash[h]) != 0; h = (h + 1) & (s->nclshash - 1))
		if (s->ncls[i - 1].nsg == nsg && s->ncls[i - 1].cx == cx)
			return i - 1;
	return TOPO_NONE;
}

/* NSG nsg compiled in context cx: found, shared with the engine derived
 * from (dv: the same NSG in the same context), or compiled and kept. */
static int
cls_get(struct sim *s, size_t nsg, size_t cx, const struct derive *dv,
	struct nsgcls **out)
{
	size_t bi;
	struct simcls *e;
	size_t h;
	uint32_t i;
	int rc;

	if (2 * (s->nncls + 1) > s->nclshash && (rc = cls_rehash(s)) != 0)
		return rc;
	for (h = cls_hash(nsg, cx) & (s->nclshash - 1);
	     (i = s->clshash[h]) != 0; h = (h + 1) & (s->nclshash - 1))
		if (s->ncls[i - 1].nsg == nsg && s->ncls[i - 1].cx == cx) {
			*out = s->ncls[i - 1].cls;
			return 0;
		}
	if (s->nncls >= UINT32_MAX - 1)
		return -E2BIG;
	if ((rc = VEC_GROW(s->ncls, s->nncls, s->cncls)) != 0)
		return rc;
	e = &s->ncls[s->nncls];
	e->nsg = nsg;
	e->cx = cx;
	e->cls = NULL;
	e->refs = NULL;
	if (dv != NULL && dv->nsgok[nsg] && dv->cxfrom[cx] != TOPO_NONE &&
	    (bi = cls_find(dv->b, nsg, dv->cxfrom[cx])) != TOPO_NONE) {
		e->cls = dv->b->ncls[bi].cls;
		e->refs = dv->b->ncls[bi].refs;
		++*e->refs;
	} else {
		if ((e->refs = calloc(1, sizeof(*e->refs))) == NULL)
			return -ENOMEM;
		*e->refs = 1;
		if ((rc = nsgcls_new(&s->cx[cx]->ctx, &s->t->nsgs[nsg],
		    &e->cls)) != 0) {
			free(e->refs);
			return rc;
		}
	}
	s->clshash[h] = (uint32_t)++s->nncls;
	*out = e->cls;
	return 0;
}

/* Every VM's NIC and subnet NSG, compiled in its subnet's context (once
 * per NSG and context). */
static int
compile_nsgs(struct sim *s, const struct derive *dv)
{
	const struct topo *t = s->t;
	size_t i, k, cx, sub;
	int rc;

	if ((s->cls = calloc(2 * t->nvms + 1, sizeof(*s->cls))) == NULL ||
	    (s->own = calloc(2 * t->nvms + 1, sizeof(*s->own))) == NULL)
		return -ENOMEM;
	for (i = 0; i < t->nvms; i++) {
		const struct vm *m = &t->vms[i];

		cx = s->slotcx[slot(s, m->vnet, m->subnet)];
		sub = topo_vm_subnet(t, m)->nsg;
		if ((m->nsg != TOPO_NONE &&
		     (rc = cls_get(s, m->nsg, cx, dv, &s->cls[2 * i])) != 0) ||
		    (sub != TOPO_NONE &&
		     (rc = cls_get(s, sub, cx, dv, &s->cls[2 * i + 1])) != 0))
			return rc;
		for (k = 0; k < 2; k++)
			if (s->cls[2 * i + k] != NULL)
				nsgcls_own(s->cls[2 * i + k], m->ip,
					   &s->own[2 * i + k]);
	}
	return 0;
}

void
sim_nsg_eval(const struct sim *s, size_t vm, const struct nsg_query *q,
	     bool with_platform, struct nsg_verdict *v)
{
	const struct vm *m = &s->t->vms[vm];

	/* The compiled NSGs give nsg_eval's verdict (nsgcls.h). */
	nsgcls_eval_own(sim_nsgctx(s, m->vnet, m->subnet), s->cls[2 * vm],
			s->cls[2 * vm + 1], &s->own[2 * vm], &s->own[2 * vm + 1],
			q, with_platform, v);
}

/* ---------------------------------------------------------------- */
/* The engine */

int
sim_new(const struct topo *t, struct diag *d, struct sim **out)
{
	static const struct sim_opts none = { false };

	return sim_new_opts(t, &none, d, out);
}

/* ---------------------------------------------------------------- */
/* VMs by address */

static int
byip_cmp(const void *a, const void *b)
{
	const struct vmip *x = a, *y = b;

	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return x->vm < y->vm ? -1 : x->vm > y->vm;
}

static int
byip_build(struct sim *s)
{
	const struct topo *t = s->t;
	size_t i;

	if ((s->byip = calloc(t->nvms + 1, sizeof(*s->byip))) == NULL)
		return -ENOMEM;
	for (i = 0; i < t->nvms; i++) {
		s->byip[i].ip = t->vms[i].ip;
		s->byip[i].vm = (uint32_t)i;
	}
	qsort(s->byip, t->nvms, sizeof(*s->byip), byip_cmp);
	return 0;
}

size_t
sim_vms_at(const struct sim *s, uint32_t ip, size_t *first)
{
	size_t n = s->t->nvms, lo = 0, hi = n, mid, end;

	while (lo < hi) {	/* the first not below ip */
		mid = lo + (hi - lo) / 2;
		if (s->byip[mid].ip < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && s->byip[end].ip == ip; end++)
		;
	*first = lo;
	return end - lo;
}

size_t
sim_vm_by_ip(const struct sim *s, uint32_t ip)
{
	size_t first;

	return sim_vms_at(s, ip, &first) ? s->byip[first].vm : TOPO_NONE;
}

static int
build(const struct topo *t, const struct sim_opts *o,
      const struct derive *dv, struct diag *d, struct sim **out)
{
	struct sim *s;
	size_t v, i, n = 0, routes = 0;
	char err[256];
	int rc = -ENOMEM;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->t = t;
	if ((s->base = calloc(t->nvnets + 1, sizeof(*s->base))) == NULL ||
	    (s->gwsub = calloc(t->nvnets + 1, sizeof(*s->gwsub))) == NULL)
		goto fail;
	for (v = 0; v < t->nvnets; v++) {
		s->base[v] = n;
		n += t->vnets[v].nsubnets;
		s->gwsub[v] = topo_gateway_subnet(t, v);
	}
	s->nslots = n;
	s->nkms = kms_addresses(t, s->kms, sizeof(s->kms) / sizeof(s->kms[0]));
	s->cloud = tagset_find(t->tags, "AzureCloud");
	if ((s->slotcx = calloc(n + 1, sizeof(*s->slotcx))) == NULL ||
	    byip_build(s) != 0)
		goto fail;
	for (v = 0; v < t->nvnets; v++)
		if ((rc = vnet_contexts(s, v, &routes, o->oracles, dv,
		    d)) != 0)
			goto fail;
	if ((rc = compile_nsgs(s, dv)) != 0)
		goto fail;
	rc = -ENOMEM;
	if (t->nfirewalls > 0 && (s->fworder = calloc(t->nfirewalls,
	    sizeof(*s->fworder))) == NULL)
		goto fail;
	for (i = 0; i < t->nfirewalls; i++) {
		if ((s->fworder[i] = calloc(t->firewalls[i].ncolls + 1,
		    sizeof(**s->fworder))) == NULL)
			goto fail;
		topo_fw_order(&t->firewalls[i], s->fworder[i]);
	}
	if ((rc = sim_points_build(s)) != 0)
		goto fail;
	rc = -ENOMEM;
	/* MODEL §3: public peering is retired for new circuits; still
	 * simulated, with a warning. */
	for (i = 0; i < t->ncircuits; i++)
		if (t->circuits[i].public_peering)
			diag_warn(d, t->circuits[i].public_peering_pos,
			    "circuit %s: Azure public peering is retired for new "
			    "circuits (Microsoft peering replaces it); simulated "
			    "as [seed-000] describes it", t->circuits[i].name);
	if ((s->pb = pktbuilder_new(err, sizeof(err))) == NULL) {
		diag_error(d, (struct srcpos){ t->file, 0, 0 },
			   "cannot start libnet: %s", err);
		rc = -EIO;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	sim_free(s);
	return rc;
}

int
sim_new_opts(const struct topo *t, const struct sim_opts *o, struct diag *d,
	     struct sim **out)
{
	return build(t, o, NULL, d, out);
}

/* The operations that change nothing a context reads but route tables
 * and which subnet uses which (and NSGs, firewall rules): the others
 * (peerings, circuits, sites, gateways, Virtual WAN) rebuild it all. */
static bool
derive_op(enum change_kind k)
{
	switch (k) {
	case CH_ADD_ROUTE_TABLE:
	case CH_REMOVE_ROUTE_TABLE:
	case CH_ADD_ROUTE:
	case CH_REMOVE_ROUTE:
	case CH_REPLACE_ROUTE:
	case CH_ASSOCIATE_ROUTE_TABLE:
	case CH_DISSOCIATE_ROUTE_TABLE:
	case CH_SET_PROPAGATION:
	case CH_ADD_NSG_RULE:
	case CH_REMOVE_NSG_RULE:
	case CH_ADD_FIREWALL_RULE:
	case CH_REMOVE_FIREWALL_RULE:
	case CH_REPLACE_FIREWALL_RULE:
		return true;
	default:
		return false;
	}
}

static bool
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Route tables a and b hold what rtable_build reads alike. */
static bool
same_rtable(const struct route_table *a, const struct route_table *b)
{
	size_t i;

	if (!same_str(a->name, b->name) || a->nroutes != b->nroutes ||
	    a->disable_bgp_propagation != b->disable_bgp_propagation)
		return false;
	for (i = 0; i < a->nroutes; i++) {
		const struct route *x = &a->routes[i], *y = &b->routes[i];

		if (!same_str(x->name, y->name) || x->pfx.addr != y->pfx.addr ||
		    x->pfx.len != y->pfx.len || x->nh != y->nh ||
		    x->has_nh_ip != y->has_nh_ip ||
		    (x->has_nh_ip && x->nh_ip != y->nh_ip))
			return false;
	}
	return true;
}

/* Whether the after side may share contexts with the before side at
 * all (derive's ok), and which route tables and NSGs are unchanged. */
static bool
derive_plan(const struct topo *b, const struct topo *a,
	    const struct change *ch, struct derive *dv)
{
	size_t i, k;

	if (ch == NULL || a->nvnets != b->nvnets ||
	    a->nfirewalls != b->nfirewalls)
		return false;
	for (i = 0; i < ch->nops; i++)
		if (!derive_op(ch->ops[i].kind))
			return false;
	for (i = 0; i < a->nvnets; i++)
		if (a->vnets[i].nsubnets != b->vnets[i].nsubnets)
			return false;
	/* MODEL §8 [vwan]: a hub's routes name its firewall. */
	for (i = 0; i < a->nfirewalls; i++)
		if (!same_str(a->firewalls[i].name, b->firewalls[i].name) ||
		    a->firewalls[i].private_ip != b->firewalls[i].private_ip)
			return false;
	for (i = 0; i < a->nrtables; i++)
		dv->rtok[i] = i < b->nrtables &&
			      same_rtable(&a->rtables[i], &b->rtables[i]);
	for (i = 0; i < a->nnsgs; i++) {
		dv->nsgok[i] = a->nnsgs == b->nnsgs &&
			       same_str(a->nsgs[i].name, b->nsgs[i].name);
		for (k = 0; dv->nsgok[i] && k < ch->nops; k++)
			if ((ch->ops[k].kind == CH_ADD_NSG_RULE ||
			     ch->ops[k].kind == CH_REMOVE_NSG_RULE) &&
			    (ch->ops[k].nsg.name == NULL ||
			     strcasecmp(ch->ops[k].nsg.name,
					a->nsgs[i].name) == 0))
				dv->nsgok[i] = false;
	}
	return true;
}

int
sim_new_derived(const struct sim *before, const struct topo *after,
		const struct change *ch, struct diag *d, struct sim **out)
{
	static const struct sim_opts none = { false };
	struct derive dv;
	size_t nslots = 0, v;
	int rc;

	memset(&dv, 0, sizeof(dv));
	dv.b = before;
	for (v = 0; v < after->nvnets; v++)
		nslots += after->vnets[v].nsubnets;	/* >= contexts */
	if ((dv.rtok = calloc(after->nrtables + 1, sizeof(*dv.rtok))) == NULL ||
	    (dv.nsgok = calloc(after->nnsgs + 1, sizeof(*dv.nsgok))) == NULL ||
	    (dv.cxfrom = calloc(nslots + 1, sizeof(*dv.cxfrom))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	rc = build(after, &none, derive_plan(before->t, after, ch, &dv) ?
		   &dv : NULL, d, out);
out:
	free(dv.rtok);
	free(dv.nsgok);
	free(dv.cxfrom);
	return rc;
}
