/*
 * nsg.c: NSG evaluation with computed tags and hidden platform rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/nsg.h"
#include "sim/services.h"
#include "topology/vec.h"


/* MODEL §5 default rules [nsg], per direction in priority order. */
static const struct nsg_default in_defaults[] = {
	{ "AllowVNetInBound", 65000, ACCESS_ALLOW, "VirtualNetwork",
	  "VirtualNetwork" },
	{ "AllowAzureLoadBalancerInBound", 65001, ACCESS_ALLOW,
	  "AzureLoadBalancer", NULL },
	{ "DenyAllInBound", 65500, ACCESS_DENY, NULL, NULL },
};
static const struct nsg_default out_defaults[] = {
	{ "AllowVnetOutBound", 65000, ACCESS_ALLOW, "VirtualNetwork",
	  "VirtualNetwork" },
	{ "AllowInternetOutBound", 65001, ACCESS_ALLOW, NULL, "Internet" },
	{ "DenyAllOutBound", 65500, ACCESS_DENY, NULL, NULL },
};

const struct nsg_default *
nsg_defaults(enum direction dir, size_t *n)
{
	*n = 3;
	return dir == DIR_INBOUND ? in_defaults : out_defaults;
}

/* Space that is not public: [tags] the Internet tag is public space
 * outside the VNet; expanded effective rules start 1.0.0.0/8, 2.0.0.0/7,
 * ..., 11.0.0.0/8 [S24]. */
static const struct pfx non_public[] = {
	{ IP4(0, 0, 0, 0), 8 },
	{ IP4(10, 0, 0, 0), 8 },
	{ IP4(100, 64, 0, 0), 10 },
	{ IP4(127, 0, 0, 0), 8 },
	{ IP4(169, 254, 0, 0), 16 },
	{ IP4(172, 16, 0, 0), 12 },
	{ IP4(192, 168, 0, 0), 16 },
	{ IP4(224, 0, 0, 0), 3 },
};

/* A growable interval list. */
struct ivlist {
	struct ipinterval *iv;
	size_t n, cap;
};

static int
iv_push(struct ivlist *l, struct pfx p)
{
	if (VEC_GROW(l->iv, l->n, l->cap) != 0)
		return -ENOMEM;
	l->iv[l->n].lo = p.addr;
	l->iv[l->n].hi = p.addr | ~pfx_mask(p.len);
	l->n++;
	return 0;
}

static int
push_vnet_spaces(struct ivlist *l, const struct topo *t, size_t vnet)
{
	size_t i, k;
	const struct vnet *v = &t->vnets[vnet];

	for (i = 0; i < v->nspace; i++)
		if (iv_push(l, v->space[i]) != 0)
			return -ENOMEM;
	/* MODEL §8 [peer]: a side that does not allow virtual network
	 * access leaves the peer's space out of its VirtualNetwork tag. */
	for (i = 0; i < t->nvnets; i++) {
		if (!topo_peered(t, vnet, i) || !topo_peer_access(t, vnet, i))
			continue;
		for (k = 0; k < t->vnets[i].nspace; k++)
			if (iv_push(l, t->vnets[i].space[k]) != 0)
				return -ENOMEM;
	}
	return 0;
}

/* A prefix and where it was in its list. */
struct pfx_at {
	struct pfx p;
	size_t at;
};

static int
pfx_at_cmp(const void *a, const void *b)
{
	const struct pfx_at *x = a, *y = b;
	int c = pfx_cmp(&x->p, &y->p);

	if (c != 0)
		return c;
	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Drop repeated prefixes from p[0..n), keeping the first of each, in
 * order; returns the new count, or (size_t)-1 when out of memory. By
 * sorting: a subnet may hold a million BGP routes, and comparing each
 * with every other would take hours.
 */
static size_t
pfx_dedup(struct pfx *p, size_t n)
{
	struct pfx_at *s;
	bool *dup;
	size_t i, out = 0;

	if (n == 0)
		return 0;
	s = calloc(n, sizeof(*s));
	dup = calloc(n, sizeof(*dup));
	if (s == NULL || dup == NULL) {
		free(s);
		free(dup);
		return (size_t)-1;
	}
	for (i = 0; i < n; i++) {
		s[i].p = p[i];
		s[i].at = i;
	}
	qsort(s, n, sizeof(*s), pfx_at_cmp);
	for (i = 1; i < n; i++)
		if (pfx_equal(s[i].p, s[i - 1].p))
			dup[s[i].at] = true;
	for (i = 0; i < n; i++)
		if (!dup[i])
			p[out++] = p[i];
	free(s);
	free(dup);
	return out;
}

/* MODEL §5 tags: VirtualNetwork = VNet space + peered + on-premises
 * prefixes learned by the gateway + UDR prefixes (+ the host's
 * 168.63.129.16 [S24]); a default route among them widens it to
 * everything unless vnet_tag_includes_default_route is off. */
static int
build_vnet_tag(struct nsgctx *c, const struct topo *t, const struct rtable *rt)
{
	struct ivlist l = { 0 };
	bool with_default = t->model.vnet_tag_includes_default_route;
	size_t i;

	if (push_vnet_spaces(&l, t, rt->vnet) != 0 ||
	    iv_push(&l, pfx_make(AZURE_DNS_IP, 32)) != 0)
		goto oom;
	for (i = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];
		if (e->source == RT_DEFAULT)
			continue;
		if (e->pfx.len == 0 && !with_default)
			continue;
		if (iv_push(&l, e->pfx) != 0)
			goto oom;
	}
	/* The prefixes in the order they were added, for the listing of
	 * effective rules; then the merged intervals for lookups. */
	if ((c->vnet_pfx = calloc(l.n + 1, sizeof(*c->vnet_pfx))) == NULL)
		goto oom;
	for (i = 0; i < l.n; i++) {
		struct pfx p = pfx_make(l.iv[i].lo, 32);

		/* iv_push stored hi = addr | ~mask: recover the length. */
		while (p.len > 0 && (l.iv[i].hi - l.iv[i].lo) >>
		       (32 - p.len) != 0)
			p = pfx_make(l.iv[i].lo, p.len - 1);
		c->vnet_pfx[i] = p;
	}
	if ((c->nvnet_pfx = pfx_dedup(c->vnet_pfx, l.n)) == (size_t)-1)
		goto oom;
	c->nvnet_tag = iv_normalize(l.iv, l.n);
	c->vnet_tag = l.iv;
	return 0;
oom:
	free(l.iv);
	return -ENOMEM;
}

/* MODEL §5 tags: Internet = public space outside the VNet (and its
 * peers), Azure public space included: the complement of non_public
 * and the VNet spaces. */
static int
build_inet_tag(struct nsgctx *c, const struct topo *t, size_t vnet)
{
	struct ivlist ex = { 0 };
	struct ipinterval *out;
	size_t i, n = 0;
	uint64_t next = 0;

	for (i = 0; i < sizeof(non_public) / sizeof(non_public[0]); i++)
		if (iv_push(&ex, non_public[i]) != 0)
			goto oom;
	if (push_vnet_spaces(&ex, t, vnet) != 0)
		goto oom;
	ex.n = iv_normalize(ex.iv, ex.n);
	if ((out = calloc(ex.n + 1, sizeof(*out))) == NULL)
		goto oom;
	for (i = 0; i < ex.n; i++) {
		if (ex.iv[i].lo > next) {
			out[n].lo = (uint32_t)next;
			out[n].hi = ex.iv[i].lo - 1;
			n++;
		}
		next = (uint64_t)ex.iv[i].hi + 1;
	}
	if (next <= UINT32_MAX) {
		out[n].lo = (uint32_t)next;
		out[n].hi = UINT32_MAX;
		n++;
	}
	free(ex.iv);
	c->inet_tag = out;
	c->ninet_tag = n;
	return 0;
oom:
	free(ex.iv);
	return -ENOMEM;
}

int
nsgctx_build(struct nsgctx *c, const struct topo *t, const struct rtable *rt)
{
	memset(c, 0, sizeof(*c));
	c->topo = t;
	c->nkms = kms_addresses(t, c->kms, sizeof(c->kms) / sizeof(c->kms[0]));
	c->forced_default = rtable_forced_default(rt);
	if (build_vnet_tag(c, t, rt) != 0 ||
	    build_inet_tag(c, t, rt->vnet) != 0) {
		nsgctx_free(c);
		return -ENOMEM;
	}
	return 0;
}

void
nsgctx_free(struct nsgctx *c)
{
	free(c->vnet_tag);
	free(c->vnet_pfx);
	free(c->inet_tag);
	memset(c, 0, sizeof(*c));
}

const char *
platform_tag(enum platform p)
{
	switch (p) {
	case PLAT_DNS:	return "AzurePlatformDNS";
	case PLAT_IMDS:	return "AzurePlatformIMDS";
	case PLAT_LKM:	return "AzurePlatformLKM";
	case PLAT_NONE:	break;
	}
	return NULL;
}

static bool
is_kms(const struct nsgctx *c, uint32_t ip)
{
	size_t i;

	for (i = 0; i < c->nkms; i++)
		if (c->kms[i] == ip)
			return true;
	return false;
}

/* Whether ip belongs to a tag, computed or published. */
static bool
tag_has(const struct nsgctx *c, const char *tag, uint32_t ip)
{
	if (strcasecmp(tag, "VirtualNetwork") == 0)
		return iv_contains(c->vnet_tag, c->nvnet_tag, ip);
	if (strcasecmp(tag, "Internet") == 0)
		return iv_contains(c->inet_tag, c->ninet_tag, ip);
	/* [tags] AzureLoadBalancer is the host's 168.63.129.16. */
	if (strcasecmp(tag, "AzureLoadBalancer") == 0 ||
	    strcasecmp(tag, "AzurePlatformDNS") == 0)
		return ip == AZURE_DNS_IP;
	if (strcasecmp(tag, "AzurePlatformIMDS") == 0)
		return ip == AZURE_IMDS_IP;
	if (strcasecmp(tag, "AzurePlatformLKM") == 0)
		return is_kms(c, ip);
	return tag_contains(tagset_find(c->topo->tags, tag), ip);
}

/* Append the intervals of a tag to l: the same sets tag_has tests. */
static int
tag_push(struct ivlist *l, const struct nsgctx *c, const char *tag)
{
	const struct ipinterval *src = NULL;
	const struct tag *tg;
	size_t i, n = 0;

	if (strcasecmp(tag, "VirtualNetwork") == 0) {
		src = c->vnet_tag;
		n = c->nvnet_tag;
	} else if (strcasecmp(tag, "Internet") == 0) {
		src = c->inet_tag;
		n = c->ninet_tag;
	} else if (strcasecmp(tag, "AzureLoadBalancer") == 0 ||
		   strcasecmp(tag, "AzurePlatformDNS") == 0) {
		return iv_push(l, pfx_make(AZURE_DNS_IP, 32));
	} else if (strcasecmp(tag, "AzurePlatformIMDS") == 0) {
		return iv_push(l, pfx_make(AZURE_IMDS_IP, 32));
	} else if (strcasecmp(tag, "AzurePlatformLKM") == 0) {
		for (i = 0; i < c->nkms; i++)
			if (iv_push(l, pfx_make(c->kms[i], 32)) != 0)
				return -ENOMEM;
		return 0;
	} else if ((tg = tagset_find(c->topo->tags, tag)) != NULL) {
		src = tg->iv;
		n = tg->niv;
	}
	for (i = 0; i < n; i++) {
		if (VEC_GROW(l->iv, l->n, l->cap) != 0)
			return -ENOMEM;
		l->iv[l->n++] = src[i];
	}
	return 0;
}

int
nsg_tag_intervals(const struct nsgctx *c, const char *tag,
		  struct ipinterval **out, size_t *n)
{
	struct ivlist l = { 0 };

	*out = NULL;
	*n = 0;
	if (tag == NULL ? iv_push(&l, pfx_make(0, 0)) != 0
			: tag_push(&l, c, tag) != 0) {
		free(l.iv);
		return -ENOMEM;
	}
	*n = iv_normalize(l.iv, l.n);
	*out = l.iv;
	return 0;
}

int
nsg_addr_intervals(const struct nsgctx *c, const struct addr_spec *a,
		   struct ipinterval **out, size_t *n)
{
	struct ivlist l = { 0 };
	size_t i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (a->any)
		rc = iv_push(&l, pfx_make(0, 0));
	for (i = 0; i < a->n && !a->any && rc == 0; i++)
		rc = a->items[i].is_tag ? tag_push(&l, c, a->items[i].tag)
					: iv_push(&l, a->items[i].pfx);
	if (rc != 0) {
		free(l.iv);
		return -ENOMEM;
	}
	*n = iv_normalize(l.iv, l.n);
	*out = l.iv;
	return 0;
}

static bool
addr_match(const struct nsgctx *c, const struct addr_spec *a, uint32_t ip)
{
	size_t i;

	if (a->any)
		return true;
	for (i = 0; i < a->n; i++) {
		const struct addr_item *it = &a->items[i];
		if (it->is_tag ? tag_has(c, it->tag, ip)
			       : pfx_contains_ip(it->pfx, ip))
			return true;
	}
	return false;
}

static bool
rule_match(const struct nsgctx *c, const struct nsg_rule *r,
	   const struct nsg_query *q)
{
	return r->dir == q->dir && (r->proto & q->proto) != 0 &&
	       port_spec_has(&r->dports, q->dport) &&
	       port_spec_has(&r->sports, q->sport) &&
	       addr_match(c, &r->src, q->src) &&
	       addr_match(c, &r->dst, q->dst);
}

static bool
default_match(const struct nsgctx *c, const struct nsg_default *d,
	      const struct nsg_query *q)
{
	return (d->src_tag == NULL || tag_has(c, d->src_tag, q->src)) &&
	       (d->dst_tag == NULL || tag_has(c, d->dst_tag, q->dst));
}

/* MODEL §5: within one NSG, rules by priority, lower first, first match
 * ends; default rules after every user rule. */
static void
eval_one(const struct nsgctx *c, const struct nsg *g, const struct nsg_query *q,
	 struct nsg_step *s)
{
	const struct nsg_rule *best = NULL;
	const struct nsg_default *defs;
	size_t i, n;

	memset(s, 0, sizeof(*s));
	s->nsg = g;
	for (i = 0; i < g->nrules; i++) {
		const struct nsg_rule *r = &g->rules[i];
		if ((best == NULL || r->priority < best->priority) &&
		    rule_match(c, r, q))
			best = r;
	}
	if (best != NULL) {
		s->rule = best;
		s->name = best->name;
		s->priority = best->priority;
		s->access = best->access;
		return;
	}
	defs = nsg_defaults(q->dir, &n);
	for (i = 0; i < n; i++) {
		if (default_match(c, &defs[i], q)) {
			s->name = defs[i].name;
			s->priority = defs[i].priority;
			s->access = defs[i].access;
			s->is_default = true;
			return;
		}
	}
}

enum platform
nsg_platform_of(const struct nsgctx *c, const struct nsg_query *q)
{
	if (q->dir != DIR_OUTBOUND)
		return PLAT_NONE;
	if (q->dst == AZURE_DNS_IP && q->dport == 53 &&
	    (q->proto == PROTO_UDP || q->proto == PROTO_TCP))
		return PLAT_DNS;
	if (q->dst == AZURE_IMDS_IP && q->dport == 80 && q->proto == PROTO_TCP)
		return PLAT_IMDS;
	if (is_kms(c, q->dst) && q->dport == 1688 && q->proto == PROTO_TCP)
		return PLAT_LKM;
	return PLAT_NONE;
}

/* Whether a user deny rule names platform tag `tag` in its destination
 * [nsg] [seed-002]. */
static bool
rule_denies_tag(const struct nsg_rule *r, const char *tag)
{
	size_t j;

	if (r->access != ACCESS_DENY || r->dst.any)
		return false;
	for (j = 0; j < r->dst.n; j++)
		if (r->dst.items[j].is_tag &&
		    strcasecmp(r->dst.items[j].tag, tag) == 0)
			return true;
	return false;
}

/* A user deny rule on the platform tag that matches q turns that
 * platform rule off [nsg] [seed-002]: each tag only its own. */
static const struct nsg_rule *
platform_denied(const struct nsgctx *c, const struct nsg *g, enum platform p,
		const struct nsg_query *q)
{
	const char *tag = platform_tag(p);
	size_t i;

	if (g == NULL)
		return NULL;
	for (i = 0; i < g->nrules; i++) {
		const struct nsg_rule *r = &g->rules[i];

		if (rule_denies_tag(r, tag) && rule_match(c, r, q))
			return r;
	}
	return NULL;
}

void
nsg_eval(const struct nsgctx *c, const struct nsg *nic,
	 const struct nsg *subnet, const struct nsg_query *q,
	 bool with_platform, struct nsg_verdict *v)
{
	const struct nsg *order[2];
	size_t i;

	memset(v, 0, sizeof(*v));
	v->access = ACCESS_ALLOW;
	v->platform = nsg_platform_of(c, q);
	/* MODEL §5: no NSG means allow; no rule, hidden or not, decides. */
	if (nic == NULL && subnet == NULL)
		return;

	/* MODEL §5 hidden platform rules: DNS, IMDS and KMS are allowed
	 * before any user rule unless a deny rule on their tag matches;
	 * the KMS one is off when the subnet is forced through a
	 * 0.0.0.0/0 that is not Internet (switch, default on). */
	if (v->platform != PLAT_NONE) {
		v->platform_off_rule = platform_denied(c, nic, v->platform, q);
		if (v->platform_off_rule == NULL)
			v->platform_off_rule = platform_denied(c, subnet,
							       v->platform, q);
		v->platform_off_by_route = v->platform == PLAT_LKM &&
		    c->forced_default &&
		    c->topo->model.lkm_off_with_forced_default;
		if (with_platform && v->platform_off_rule == NULL &&
		    !v->platform_off_by_route) {
			v->rule = platform_tag(v->platform);
			v->is_platform = true;
			return;
		}
	}

	/* MODEL §5 order: outbound NIC then subnet, inbound subnet then
	 * NIC; both must allow; no NSG allows. */
	order[0] = q->dir == DIR_OUTBOUND ? nic : subnet;
	order[1] = q->dir == DIR_OUTBOUND ? subnet : nic;
	for (i = 0; i < 2; i++) {
		struct nsg_step *s;

		if (order[i] == NULL)
			continue;
		s = &v->steps[v->nsteps++];
		eval_one(c, order[i], q, s);
		v->rule = s->name;
		v->by = s->nsg;
		v->is_default = s->is_default;
		v->access = s->access;
		if (s->access == ACCESS_DENY)
			return;
	}
}

static const uint32_t dns_ip = AZURE_DNS_IP, imds_ip = AZURE_IMDS_IP;

int
nsg_tag_prefixes(const struct nsgctx *c, const char *tag, struct pfx **out,
		 size_t *n)
{
	const struct ipinterval *iv = NULL;
	struct ipinterval one[16];
	size_t niv = 0, i;
	const struct tag *tg;

	*out = NULL;
	*n = 0;
	if (strcasecmp(tag, "VirtualNetwork") == 0) {
		/* Azure lists what makes the tag up, unmerged [S24]. */
		if (c->nvnet_pfx == 0)
			return 0;
		if ((*out = malloc(c->nvnet_pfx * sizeof(**out))) == NULL)
			return -ENOMEM;
		memcpy(*out, c->vnet_pfx, c->nvnet_pfx * sizeof(**out));
		*n = c->nvnet_pfx;
		return 0;
	} else if (strcasecmp(tag, "Internet") == 0) {
		iv = c->inet_tag;
		niv = c->ninet_tag;
	} else if (strcasecmp(tag, "AzureLoadBalancer") == 0 ||
		   strcasecmp(tag, "AzurePlatformDNS") == 0) {
		one[0].lo = one[0].hi = dns_ip;
		iv = one;
		niv = 1;
	} else if (strcasecmp(tag, "AzurePlatformIMDS") == 0) {
		one[0].lo = one[0].hi = imds_ip;
		iv = one;
		niv = 1;
	} else if (strcasecmp(tag, "AzurePlatformLKM") == 0) {
		for (i = 0; i < c->nkms && i < 16; i++)
			one[i].lo = one[i].hi = c->kms[i];
		niv = iv_normalize(one, i);
		iv = one;
	} else if ((tg = tagset_find(c->topo->tags, tag)) != NULL) {
		/* A published tag: its prefixes as the file lists them. */
		if (tg->npfx == 0)
			return 0;
		if ((*out = malloc(tg->npfx * sizeof(**out))) == NULL)
			return -ENOMEM;
		memcpy(*out, tg->pfx, tg->npfx * sizeof(**out));
		*n = tg->npfx;
		return 0;
	} else {
		return -ENOENT;
	}
	*n = iv_prefixes(iv, niv, NULL, 0);
	if (*n == 0)
		return 0;
	if ((*out = malloc(*n * sizeof(**out))) == NULL) {
		*n = 0;
		return -ENOMEM;
	}
	(void)iv_prefixes(iv, niv, *out, *n);
	return 0;
}

/* The first deny rule of g, by priority, that names tag. */
static const struct nsg_rule *
first_tag_deny(const struct nsg *g, const char *tag)
{
	const struct nsg_rule *best = NULL;
	size_t i;

	for (i = 0; g != NULL && i < g->nrules; i++) {
		const struct nsg_rule *r = &g->rules[i];
		if (r->dir == DIR_OUTBOUND && rule_denies_tag(r, tag) &&
		    (best == NULL || r->priority < best->priority))
			best = r;
	}
	return best;
}

/* Whether deny rule r matches every packet platform rule i allows from
 * any source port of the NIC: all its protocols, its port, any source. */
static bool
deny_covers(const struct nsg_rule *r, const struct nsg_platform_info *i)
{
	return (r->proto & i->proto) == i->proto && r->src.any &&
	       port_spec_has(&r->dports, i->port) && r->sports.n == 1 &&
	       r->sports.r[0].lo == 0 && r->sports.r[0].hi == 65535;
}

void
nsg_platform_info(const struct nsgctx *c, const struct nsg *nic,
		  const struct nsg *subnet, enum platform p,
		  struct nsg_platform_info *out)
{
	memset(out, 0, sizeof(*out));
	out->p = p;
	if ((out->tag = platform_tag(p)) == NULL)
		return;		/* PLAT_NONE: no platform rule */
	/* What each platform rule lets through: nsg_platform_of. */
	switch (p) {
	case PLAT_DNS:
		out->proto = PROTO_TCP | PROTO_UDP;
		out->port = 53;
		out->dst = &dns_ip;
		out->ndst = 1;
		break;
	case PLAT_IMDS:
		out->proto = PROTO_TCP;
		out->port = 80;
		out->dst = &imds_ip;
		out->ndst = 1;
		break;
	case PLAT_LKM:
		out->proto = PROTO_TCP;
		out->port = 1688;
		out->dst = c->kms;
		out->ndst = c->nkms;
		break;
	case PLAT_NONE:
		return;
	}
	out->deny_nsg = nic;
	if ((out->deny_rule = first_tag_deny(nic, out->tag)) == NULL) {
		out->deny_nsg = subnet;
		out->deny_rule = first_tag_deny(subnet, out->tag);
	}
	if (out->deny_rule == NULL)
		out->deny_nsg = NULL;
	/* MODEL §5: no NSG, nothing to pass; the KMS rule is off under a
	 * forced non-Internet 0.0.0.0/0 (switch); a deny rule on the tag
	 * turns off what it matches. */
	if (nic == NULL && subnet == NULL)
		out->state = PLAT_NO_NSG;
	else if (p == PLAT_LKM && c->forced_default &&
		 c->topo->model.lkm_off_with_forced_default)
		out->state = PLAT_OFF_BY_ROUTE;
	else if (out->deny_rule != NULL && deny_covers(out->deny_rule, out))
		out->state = PLAT_OFF_BY_RULE;
	else if (out->deny_rule != NULL &&
		 (out->deny_rule->proto & out->proto) != 0 &&
		 port_spec_has(&out->deny_rule->dports, out->port))
		out->state = PLAT_PARTLY_OFF;
	else
		out->state = PLAT_ACTIVE;
}

static bool
tag_known(const struct topo *t, const char *tag)
{
	static const char *const computed[] = {
		"VirtualNetwork", "Internet", "AzureLoadBalancer",
		"AzurePlatformDNS", "AzurePlatformIMDS", "AzurePlatformLKM",
	};
	size_t i;

	for (i = 0; i < sizeof(computed) / sizeof(computed[0]); i++)
		if (strcasecmp(computed[i], tag) == 0)
			return true;
	return tagset_find(t->tags, tag) != NULL;
}

static int
check_spec(const struct topo *t, const struct nsg *g, const struct nsg_rule *r,
	   const struct addr_spec *a, struct diag *d)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < a->n; i++) {
		if (!a->items[i].is_tag || tag_known(t, a->items[i].tag))
			continue;
		diag_error(d, r->pos, "NSG %s rule %s: unknown service tag '%s' "
			   "(not computed by ftsim and not in %s)", g->name,
			   r->name, a->items[i].tag,
			   t->tags ? t->tags->origin : "the tag list");
		rc = -1;
	}
	return rc;
}

int
nsg_check_tags(const struct topo *t, struct diag *d)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < t->nnsgs; i++)
		for (j = 0; j < t->nsgs[i].nrules; j++) {
			const struct nsg_rule *r = &t->nsgs[i].rules[j];
			if (check_spec(t, &t->nsgs[i], r, &r->src, d) != 0 ||
			    check_spec(t, &t->nsgs[i], r, &r->dst, d) != 0)
				rc = -1;
		}
	return rc;
}
