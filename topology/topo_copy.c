/*
 * topo_copy.c: deep copies of a topology and of its elements, so that a
 * change can be applied to a copy while the base stays as it was loaded.
 *
 * Every copier fills its destination completely or leaves it empty: on
 * -ENOMEM what was copied so far is released.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topology/topo.h"
#include "topology/vwan.h"

/* A copy of n elements of size sz (NULL for n == 0). */
static int
dup_array(const void *src, size_t n, size_t sz, void **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	if ((*out = malloc(n * sz)) == NULL)
		return -ENOMEM;
	memcpy(*out, src, n * sz);
	return 0;
}

static int
dup_str(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	return (*out = strdup(s)) == NULL ? -ENOMEM : 0;
}

static int
dup_strv(char *const *v, size_t n, char ***out)
{
	size_t i;

	*out = NULL;
	if (n == 0)
		return 0;
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (dup_str(v[i], &(*out)[i]) != 0) {
			while (i-- > 0)
				free((*out)[i]);
			free(*out);
			*out = NULL;
			return -ENOMEM;
		}
	return 0;
}

static void
free_addr(struct addr_spec *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->items[i].tag);
	free(a->items);
	memset(a, 0, sizeof(*a));
}

static int
dup_addr(const struct addr_spec *src, struct addr_spec *dst)
{
	size_t i;

	*dst = *src;
	dst->items = NULL;
	if (src->n == 0)
		return 0;
	if ((dst->items = calloc(src->n, sizeof(*dst->items))) == NULL) {
		dst->n = 0;
		return -ENOMEM;
	}
	for (i = 0; i < src->n; i++) {
		dst->items[i] = src->items[i];
		dst->items[i].tag = NULL;
		if (dup_str(src->items[i].tag, &dst->items[i].tag) != 0) {
			free_addr(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

static int
dup_ports(const struct port_spec *src, struct port_spec *dst)
{
	dst->n = src->n;
	return dup_array(src->r, src->n, sizeof(*src->r), (void **)&dst->r);
}

int
topo_route_copy(const struct route *src, struct route *dst)
{
	*dst = *src;
	return dup_str(src->name, &dst->name);
}

int
topo_rtable_copy(const struct route_table *src, struct route_table *dst)
{
	size_t i;

	*dst = *src;
	dst->name = NULL;
	dst->id = NULL;
	dst->routes = NULL;
	dst->nroutes = 0;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_str(src->id, &dst->id) != 0)
		goto fail;
	if (src->nroutes > 0 && (dst->routes = calloc(src->nroutes,
	    sizeof(*dst->routes))) == NULL)
		goto fail;
	for (i = 0; i < src->nroutes; i++, dst->nroutes++)
		if (topo_route_copy(&src->routes[i], &dst->routes[i]) != 0)
			goto fail;
	return 0;
fail:
	topo_rtable_free(dst);
	return -ENOMEM;
}

int
topo_rule_copy(const struct nsg_rule *src, struct nsg_rule *dst)
{
	memset(dst, 0, sizeof(*dst));
	dst->priority = src->priority;
	dst->dir = src->dir;
	dst->access = src->access;
	dst->proto = src->proto;
	dst->pos = src->pos;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_addr(&src->src, &dst->src) != 0 ||
	    dup_addr(&src->dst, &dst->dst) != 0 ||
	    dup_ports(&src->sports, &dst->sports) != 0 ||
	    dup_ports(&src->dports, &dst->dports) != 0) {
		topo_rule_free(dst);
		return -ENOMEM;
	}
	return 0;
}

static int
copy_nsg(const struct nsg *src, struct nsg *dst)
{
	size_t i;

	*dst = *src;
	dst->rules = NULL;
	dst->nrules = 0;
	dst->name = NULL;
	if (dup_str(src->name, &dst->name) != 0)
		return -ENOMEM;
	if (src->nrules > 0 && (dst->rules = calloc(src->nrules,
	    sizeof(*dst->rules))) == NULL)
		return -ENOMEM;
	for (i = 0; i < src->nrules; i++, dst->nrules++)
		if (topo_rule_copy(&src->rules[i], &dst->rules[i]) != 0)
			return -ENOMEM;
	return 0;
}

static int
copy_vnet(const struct vnet *src, struct vnet *dst)
{
	size_t i;

	*dst = *src;
	dst->name = dst->gateway = NULL;
	dst->space = NULL;
	dst->peers = NULL;
	dst->subnets = NULL;
	dst->nsubnets = 0;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_str(src->gateway, &dst->gateway) != 0 ||
	    dup_array(src->space, src->nspace, sizeof(*src->space),
	    (void **)&dst->space) != 0 ||
	    dup_array(src->peers, src->npeers, sizeof(*src->peers),
	    (void **)&dst->peers) != 0)
		return -ENOMEM;
	if (src->nsubnets > 0 && (dst->subnets = calloc(src->nsubnets,
	    sizeof(*dst->subnets))) == NULL)
		return -ENOMEM;
	for (i = 0; i < src->nsubnets; i++) {
		struct subnet *d = &dst->subnets[i];

		dst->nsubnets++;
		*d = src->subnets[i];
		d->name = NULL;
		d->service_endpoints = NULL;
		d->nservice_endpoints = 0;
		if (dup_str(src->subnets[i].name, &d->name) != 0 ||
		    dup_strv(src->subnets[i].service_endpoints,
		    src->subnets[i].nservice_endpoints,
		    &d->service_endpoints) != 0)
			return -ENOMEM;
		d->nservice_endpoints = src->subnets[i].nservice_endpoints;
	}
	return 0;
}

static int
copy_circuit(const struct circuit *src, struct circuit *dst)
{
	*dst = *src;
	dst->name = dst->gateway = NULL;
	dst->advertised = dst->nat_pool = dst->ms_nat_pool = NULL;
	dst->next_hops = NULL;
	dst->route_filter = NULL;
	dst->nroute_filter = 0;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_array(src->ms_nat_pool, src->nms_nat_pool,
	    sizeof(*src->ms_nat_pool), (void **)&dst->ms_nat_pool) != 0 ||
	    dup_str(src->gateway, &dst->gateway) != 0 ||
	    dup_array(src->advertised, src->nadvertised,
	    sizeof(*src->advertised), (void **)&dst->advertised) != 0 ||
	    dup_array(src->next_hops, src->nnext_hops,
	    sizeof(*src->next_hops), (void **)&dst->next_hops) != 0 ||
	    dup_array(src->nat_pool, src->nnat_pool, sizeof(*src->nat_pool),
	    (void **)&dst->nat_pool) != 0 ||
	    dup_strv(src->route_filter, src->nroute_filter,
	    &dst->route_filter) != 0)
		return -ENOMEM;
	dst->nroute_filter = src->nroute_filter;
	return 0;
}

static int
copy_onprem(const struct onprem *src, struct onprem *dst)
{
	size_t i;

	*dst = *src;
	dst->name = NULL;
	dst->prefixes = NULL;
	dst->blocks = NULL;
	dst->nblocks = 0;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_array(src->prefixes, src->nprefixes, sizeof(*src->prefixes),
	    (void **)&dst->prefixes) != 0)
		return -ENOMEM;
	if (src->nblocks > 0 && (dst->blocks = calloc(src->nblocks,
	    sizeof(*dst->blocks))) == NULL)
		return -ENOMEM;
	for (i = 0; i < src->nblocks; i++) {
		struct onprem_block *d = &dst->blocks[i];

		dst->nblocks++;
		*d = src->blocks[i];
		d->dports.r = NULL;
		d->dst.items = NULL;
		d->dst.n = 0;
		if (dup_ports(&src->blocks[i].dports, &d->dports) != 0 ||
		    dup_addr(&src->blocks[i].dst, &d->dst) != 0)
			return -ENOMEM;
	}
	return 0;
}

static int
copy_flow(const struct flow *src, struct flow *dst)
{
	struct expect *e = &dst->expect;

	*dst = *src;
	dst->name = dst->to = NULL;
	e->via = e->not_via = NULL;
	e->nvia = e->nnot_via = 0;
	e->nsg_rule = e->drop_reason = NULL;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_str(src->to, &dst->to) != 0 ||
	    dup_strv(src->expect.via, src->expect.nvia, &e->via) != 0)
		return -ENOMEM;
	e->nvia = src->expect.nvia;
	if (dup_strv(src->expect.not_via, src->expect.nnot_via,
	    &e->not_via) != 0)
		return -ENOMEM;
	e->nnot_via = src->expect.nnot_via;
	if (dup_str(src->expect.nsg_rule, &e->nsg_rule) != 0 ||
	    dup_str(src->expect.drop_reason, &e->drop_reason) != 0)
		return -ENOMEM;
	return 0;
}

static int
copy_tags(const struct tagset *src, struct tagset **out)
{
	struct tagset *ts;
	size_t i;

	*out = NULL;
	if (src == NULL)
		return 0;
	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		return -ENOMEM;
	ts->change_number = src->change_number;
	if (dup_str(src->origin, &ts->origin) != 0 ||
	    dup_str(src->cloud, &ts->cloud) != 0 ||
	    (src->ntags > 0 && (ts->tags = calloc(src->ntags,
	    sizeof(*ts->tags))) == NULL))
		goto fail;
	for (i = 0; i < src->ntags; i++, ts->ntags++) {
		const struct tag *s = &src->tags[i];
		struct tag *d = &ts->tags[i];

		d->npfx = s->npfx;
		d->niv = s->niv;
		if (dup_str(s->name, &d->name) != 0 ||
		    dup_array(s->pfx, s->npfx, sizeof(*s->pfx),
		    (void **)&d->pfx) != 0 ||
		    dup_array(s->iv, s->niv, sizeof(*s->iv),
		    (void **)&d->iv) != 0)
			goto fail;
	}
	*out = ts;
	return 0;
fail:
	tagset_free(ts);
	return -ENOMEM;
}

/* Each array is allocated whole and its count raised per element, so
 * that topo_free releases exactly what was copied when a step fails. */
#define COPY_ARRAY(field, nfield, fn) do {				\
	size_t i_;							\
	if (src->nfield > 0 && (dst->field = calloc(src->nfield,	\
	    sizeof(*dst->field))) == NULL)				\
		goto fail;						\
	for (i_ = 0; i_ < src->nfield; i_++) {				\
		dst->nfield++;						\
		if (fn(&src->field[i_], &dst->field[i_]) != 0)		\
			goto fail;					\
	}								\
} while (0)

static int
copy_vm(const struct vm *src, struct vm *dst)
{
	*dst = *src;
	return dup_str(src->name, &dst->name);
}

static int
copy_dns(const struct dns_entry *src, struct dns_entry *dst)
{
	*dst = *src;
	dst->name = NULL;
	dst->ips = NULL;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_array(src->ips, src->nips, sizeof(*src->ips),
	    (void **)&dst->ips) != 0)
		return -ENOMEM;
	return 0;
}

static int
copy_gateway(const struct gateway *src, struct gateway *dst)
{
	*dst = *src;
	return dup_str(src->name, &dst->name);
}

static int
copy_vpn_site(const struct vpn_site *src, struct vpn_site *dst)
{
	*dst = *src;
	dst->name = NULL;
	dst->prefixes = dst->advertised = NULL;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_array(src->prefixes, src->nprefixes, sizeof(*src->prefixes),
	    (void **)&dst->prefixes) != 0 ||
	    dup_array(src->advertised, src->nadvertised,
	    sizeof(*src->advertised), (void **)&dst->advertised) != 0)
		return -ENOMEM;
	return 0;
}

static int
copy_rs_peer(const struct rs_peer *src, struct rs_peer *dst)
{
	*dst = *src;
	dst->name = NULL;
	dst->advertised = NULL;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_array(src->advertised, src->nadvertised,
	    sizeof(*src->advertised), (void **)&dst->advertised) != 0)
		return -ENOMEM;
	return 0;
}

static int
copy_route_server(const struct route_server *src, struct route_server *dst)
{
	size_t i;

	*dst = *src;
	dst->name = NULL;
	dst->peers = NULL;
	dst->npeers = 0;
	if (dup_str(src->name, &dst->name) != 0)
		return -ENOMEM;
	if (src->npeers > 0 && (dst->peers = calloc(src->npeers,
	    sizeof(*dst->peers))) == NULL)
		return -ENOMEM;
	for (i = 0; i < src->npeers; i++) {
		dst->npeers++;
		if (copy_rs_peer(&src->peers[i], &dst->peers[i]) != 0)
			return -ENOMEM;
	}
	return 0;
}

static int
copy_fw_rule(const struct fw_rule *src, struct fw_rule *dst)
{
	memset(dst, 0, sizeof(*dst));
	dst->proto = src->proto;
	dst->pos = src->pos;
	/* Each count is set once its array is whole, so that
	 * topo_fw_rule_free releases exactly what was copied. */
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_addr(&src->src, &dst->src) != 0 ||
	    dup_addr(&src->dst, &dst->dst) != 0 ||
	    dup_strv(src->dst_fqdns, src->ndst_fqdns, &dst->dst_fqdns) != 0)
		goto fail;
	dst->ndst_fqdns = src->ndst_fqdns;
	if (dup_array(src->fqdn_ips, src->nfqdn_ips, sizeof(*src->fqdn_ips),
	    (void **)&dst->fqdn_ips) != 0)
		goto fail;
	dst->nfqdn_ips = src->nfqdn_ips;
	if (dup_ports(&src->dports, &dst->dports) != 0 ||
	    dup_array(src->aprotos, src->naprotos, sizeof(*src->aprotos),
	    (void **)&dst->aprotos) != 0)
		goto fail;
	dst->naprotos = src->naprotos;
	if (dup_strv(src->fqdns, src->nfqdns, &dst->fqdns) != 0)
		goto fail;
	dst->nfqdns = src->nfqdns;
	return 0;
fail:
	topo_fw_rule_free(dst);
	return -ENOMEM;
}

int
topo_fw_coll_copy(const struct fw_coll *src, struct fw_coll *dst)
{
	size_t i;

	*dst = *src;
	dst->name = NULL;
	dst->group = NULL;
	dst->rules = NULL;
	dst->nrules = 0;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_str(src->group, &dst->group) != 0 ||
	    (src->nrules > 0 && (dst->rules = calloc(src->nrules,
	    sizeof(*dst->rules))) == NULL))
		goto fail;
	for (i = 0; i < src->nrules; i++, dst->nrules++)
		if (copy_fw_rule(&src->rules[i], &dst->rules[i]) != 0)
			goto fail;
	return 0;
fail:
	topo_fw_coll_free(dst);
	return -ENOMEM;
}

int
topo_firewall_copy(const struct firewall *src, struct firewall *dst)
{
	size_t i;

	*dst = *src;
	dst->name = NULL;
	dst->policy = NULL;
	dst->snat_private = NULL;
	dst->colls = NULL;
	dst->ncolls = 0;
	if (dup_str(src->name, &dst->name) != 0 ||
	    dup_str(src->policy, &dst->policy) != 0 ||
	    dup_array(src->snat_private, src->nsnat_private,
	    sizeof(*src->snat_private), (void **)&dst->snat_private) != 0 ||
	    (src->ncolls > 0 && (dst->colls = calloc(src->ncolls,
	    sizeof(*dst->colls))) == NULL))
		goto fail;
	for (i = 0; i < src->ncolls; i++, dst->ncolls++)
		if (topo_fw_coll_copy(&src->colls[i], &dst->colls[i]) != 0)
			goto fail;
	return 0;
fail:
	topo_firewall_free(dst);
	return -ENOMEM;
}

int
topo_copy(const struct topo *src, struct topo *dst)
{
	topo_init(dst);
	dst->cloud = src->cloud;
	dst->model = src->model;
	dst->timing = src->timing;
	if (dup_str(src->file, &dst->file) != 0 ||
	    dup_str(src->dir, &dst->dir) != 0 ||
	    dup_str(src->scenario, &dst->scenario) != 0 ||
	    dup_str(src->description, &dst->description) != 0 ||
	    dup_str(src->service_tags_file, &dst->service_tags_file) != 0 ||
	    copy_tags(src->tags, &dst->tags) != 0 ||
	    dup_array(src->reserved_routes, src->nreserved_routes,
	    sizeof(*src->reserved_routes),
	    (void **)&dst->reserved_routes) != 0)
		goto fail;
	dst->nreserved_routes = src->nreserved_routes;
	COPY_ARRAY(vnets, nvnets, copy_vnet);
	COPY_ARRAY(vms, nvms, copy_vm);
	COPY_ARRAY(rtables, nrtables, topo_rtable_copy);
	COPY_ARRAY(nsgs, nnsgs, copy_nsg);
	COPY_ARRAY(circuits, ncircuits, copy_circuit);
	COPY_ARRAY(gateways, ngateways, copy_gateway);
	COPY_ARRAY(vpn_sites, nvpn_sites, copy_vpn_site);
	COPY_ARRAY(route_servers, nroute_servers, copy_route_server);
	COPY_ARRAY(firewalls, nfirewalls, topo_firewall_copy);
	COPY_ARRAY(vhubs, nvhubs, topo_vhub_copy);
	COPY_ARRAY(dns, ndns, copy_dns);
	COPY_ARRAY(flows, nflows, copy_flow);
	if (copy_onprem(&src->onprem, &dst->onprem) != 0)
		goto fail;
	return 0;
fail:
	topo_free(dst);
	return -ENOMEM;
}
