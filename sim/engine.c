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
	return &s->cx[s->slotcx[slot(s, vnet, subnet)]].rt;
}

const struct nsgctx *
sim_nsgctx(const struct sim *s, size_t vnet, size_t subnet)
{
	return &s->cx[s->slotcx[slot(s, vnet, subnet)]].ctx;
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
	return &s->cx[i].rt;
}

const struct nsgctx *
sim_context_nsgctx(const struct sim *s, size_t i)
{
	return &s->cx[i].ctx;
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
	for (i = 0; i < s->ncx; i++) {
		rtable_free(&s->cx[i].rt);
		nsgctx_free(&s->cx[i].ctx);
	}
	free(s->cx);
	for (i = 0; s->fworder != NULL && i < s->t->nfirewalls; i++)
		free(s->fworder[i]);
	free(s->fworder);
	for (i = 0; i < s->nncls; i++)
		nsgcls_free(s->ncls[i].cls);
	free(s->ncls);
	free(s->clshash);
	free(s->cls);
	free(s->slotcx);
	free(s->base);
	free(s->gwsub);
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
same_context(const struct vnet *v, size_t a, size_t b)
{
	const struct subnet *x = &v->subnets[a], *y = &v->subnets[b];
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

/* The contexts of VNet v's subnets: an existing one of the VNet when the
 * key matches, else a new one built for this subnet. A VNet's contexts
 * are contiguous from first. */
static int
vnet_contexts(struct sim *s, size_t v, size_t *routes, bool oracles,
	      struct diag *d)
{
	const struct topo *t = s->t;
	const struct vnet *vn = &t->vnets[v];
	size_t first = s->ncx, i, k;
	int rc;

	for (i = 0; i < vn->nsubnets; i++) {
		/* The subnet's own warnings, as its table would give them. */
		rtable_warn(t, v, i, d);
		for (k = first; k < s->ncx; k++)
			if (same_context(vn, s->cx[k].rt.subnet, i))
				break;
		s->slotcx[slot(s, v, i)] = k;
		if (k < s->ncx)
			continue;
		if ((rc = VEC_GROW(s->cx, s->ncx, s->ccx)) != 0)
			return rc;
		memset(&s->cx[k], 0, sizeof(s->cx[k]));
		if ((rc = rtable_build(t, v, i, &s->cx[k].rt, NULL)) != 0)
			return rc;
		s->ncx++;
		if ((*routes += s->cx[k].rt.n) > SIM_MAX_ROUTES) {
			diag_error(d, vn->subnets[i].pos,
			    "with subnet '%s' the effective route tables "
			    "hold %zu routes, more than the %d ftsim builds "
			    "(each distinct route table of a VNet holds every "
			    "BGP route its gateway learns)",
			    vn->subnets[i].name, *routes, SIM_MAX_ROUTES);
			return -E2BIG;
		}
		if ((rc = nsgctx_build(&s->cx[k].ctx, t, &s->cx[k].rt)) != 0)
			return rc;
		if (!oracles)
			rtable_drop_oracle(&s->cx[k].rt);
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

/* NSG nsg compiled in context cx: found, or compiled and kept. */
static int
cls_get(struct sim *s, size_t nsg, size_t cx, struct nsgcls **out)
{
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
	if ((rc = nsgcls_new(&s->cx[cx].ctx, &s->t->nsgs[nsg], &e->cls)) != 0)
		return rc;
	s->clshash[h] = (uint32_t)++s->nncls;
	*out = e->cls;
	return 0;
}

/* Every VM's NIC and subnet NSG, compiled in its subnet's context (once
 * per NSG and context). */
static int
compile_nsgs(struct sim *s)
{
	const struct topo *t = s->t;
	size_t i, cx, sub;
	int rc;

	if ((s->cls = calloc(2 * t->nvms + 1, sizeof(*s->cls))) == NULL)
		return -ENOMEM;
	for (i = 0; i < t->nvms; i++) {
		const struct vm *m = &t->vms[i];

		cx = s->slotcx[slot(s, m->vnet, m->subnet)];
		sub = topo_vm_subnet(t, m)->nsg;
		if ((m->nsg != TOPO_NONE &&
		     (rc = cls_get(s, m->nsg, cx, &s->cls[2 * i])) != 0) ||
		    (sub != TOPO_NONE &&
		     (rc = cls_get(s, sub, cx, &s->cls[2 * i + 1])) != 0))
			return rc;
	}
	return 0;
}

void
sim_nsg_eval(const struct sim *s, size_t vm, const struct nsg_query *q,
	     bool with_platform, struct nsg_verdict *v)
{
	const struct vm *m = &s->t->vms[vm];

	/* The compiled NSGs give nsg_eval's verdict (nsgcls.h). */
	nsgcls_eval(sim_nsgctx(s, m->vnet, m->subnet), s->cls[2 * vm],
		    s->cls[2 * vm + 1], q, with_platform, v);
}

/* ---------------------------------------------------------------- */
/* The engine */

int
sim_new(const struct topo *t, struct diag *d, struct sim **out)
{
	static const struct sim_opts none = { false };

	return sim_new_opts(t, &none, d, out);
}

int
sim_new_opts(const struct topo *t, const struct sim_opts *o, struct diag *d,
	     struct sim **out)
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
	if ((s->slotcx = calloc(n + 1, sizeof(*s->slotcx))) == NULL)
		goto fail;
	for (v = 0; v < t->nvnets; v++)
		if ((rc = vnet_contexts(s, v, &routes, o->oracles, d)) != 0)
			goto fail;
	if ((rc = compile_nsgs(s)) != 0)
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
