/*
 * nsgcls.c: compiling an NSG into per-field bit vectors, and the
 * classification that reads them (nsgcls.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/nsgcls.h"

#define NPROTO 5		/* PROTO_TCP .. PROTO_AH */
#define NPLAT 3			/* PLAT_DNS .. PLAT_LKM */

enum { F_SRC, F_DST, F_SPORT, F_DPORT, NFIELD };

/* One field: the elementary intervals' first values (lo[0] is 0) and,
 * for interval k, the rules matching there at bits[k * words]. */
struct field {
	uint32_t *lo;
	uint32_t n;
	uint64_t *bits;
};

/* One direction: its rules in the order they are tried, the default
 * rules last (rule[i] NULL, def[i - nuser]). */
struct dircls {
	size_t nuser, nrules, words;
	const struct nsg_rule **rule;
	const struct nsg_default *def;
	uint64_t *proto;		/* NPROTO vectors */
	uint64_t *dflt;			/* the default rules' bits */
	struct field f[NFIELD];
	/* Positions of the deny rules whose destination names platform
	 * tag p + 1, in the order the NSG lists them. */
	uint32_t *plat[NPLAT];
	size_t nplat[NPLAT];
};

struct nsgcls {
	const struct nsg *g;
	struct dircls d[2];		/* by enum direction */
	size_t mem;
};

const struct nsg *
nsgcls_nsg(const struct nsgcls *k)
{
	return k ? k->g : NULL;
}

size_t
nsgcls_memory(const struct nsgcls *k)
{
	return k ? k->mem : 0;
}

static void
dir_free(struct dircls *d)
{
	size_t i;

	free(d->rule);
	free(d->proto);
	free(d->dflt);
	for (i = 0; i < NFIELD; i++) {
		free(d->f[i].lo);
		free(d->f[i].bits);
	}
	for (i = 0; i < NPLAT; i++)
		free(d->plat[i]);
}

void
nsgcls_free(struct nsgcls *k)
{
	if (k == NULL)
		return;
	dir_free(&k->d[0]);
	dir_free(&k->d[1]);
	free(k);
}

/* The matching interval's index: the last k with lo[k] <= x. */
static inline uint32_t
field_find(const struct field *f, uint32_t x)
{
	const uint32_t *base = f->lo;
	uint32_t len = f->n;

	while (len > 1) {
		uint32_t half = len / 2;

		base = base[half] <= x ? base + half : base;
		len -= half;
	}
	return (uint32_t)(base - f->lo);
}

static inline void
setbit(uint64_t *v, size_t i)
{
	v[i / 64] |= 1ull << (i % 64);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The ports of a default rule: all of them. */
static struct portrange all_ports_range[] = { { 0, 65535 } };
static const struct port_spec all_ports = { all_ports_range, 1 };

/* Each rule's intervals of one field, in try order. */
struct ruleiv {
	struct ipinterval *iv;
	size_t n;
};

/* Cut the field at every interval's ends and set each rule's bit in the
 * elementary intervals it covers. */
static int
field_build(struct field *f, const struct ruleiv *r, size_t nrules,
	    size_t words, size_t *mem)
{
	size_t i, j, k, nb = 1, u;
	uint32_t *b;

	for (i = 0; i < nrules; i++)
		nb += 2 * r[i].n;
	if ((b = calloc(nb, sizeof(*b))) == NULL)
		return -ENOMEM;
	nb = 1;			/* b[0] = 0 */
	for (i = 0; i < nrules; i++)
		for (j = 0; j < r[i].n; j++) {
			b[nb++] = r[i].iv[j].lo;
			if (r[i].iv[j].hi != UINT32_MAX)
				b[nb++] = r[i].iv[j].hi + 1;
		}
	qsort(b, nb, sizeof(*b), u32_cmp);
	for (i = 1, u = 1; i < nb; i++)
		if (b[i] != b[u - 1])
			b[u++] = b[i];
	f->lo = b;
	f->n = (uint32_t)u;
	if ((f->bits = calloc(u * words, sizeof(*f->bits))) == NULL)
		return -ENOMEM;
	*mem += u * sizeof(*b) + u * words * sizeof(*f->bits);
	for (i = 0; i < nrules; i++)
		for (j = 0; j < r[i].n; j++) {
			uint32_t k0 = field_find(f, r[i].iv[j].lo);
			uint32_t k1 = field_find(f, r[i].iv[j].hi);

			for (k = k0; k <= k1; k++)
				setbit(&f->bits[k * words], i);
		}
	return 0;
}

static int
ports_iv(const struct port_spec *p, struct ruleiv *out)
{
	size_t i;

	out->n = 0;
	if (p->n == 0)
		return 0;
	if ((out->iv = calloc(p->n, sizeof(*out->iv))) == NULL)
		return -ENOMEM;
	for (i = 0; i < p->n; i++) {
		out->iv[i].lo = p->r[i].lo;
		out->iv[i].hi = p->r[i].hi;
	}
	out->n = iv_normalize(out->iv, p->n);
	return 0;
}

/* Try order: priority, then the order the NSG lists them (nsg.c's
 * eval_one keeps the first of equal priorities). */
static int
rule_cmp(const void *a, const void *b)
{
	const struct nsg_rule *x = *(const struct nsg_rule *const *)a;
	const struct nsg_rule *y = *(const struct nsg_rule *const *)b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x < y ? -1 : x > y;
}

static enum platform
plat_of_tag(const char *tag)
{
	enum platform p;

	for (p = PLAT_DNS; p <= PLAT_LKM; p++)
		if (strcasecmp(tag, platform_tag(p)) == 0)
			return p;
	return PLAT_NONE;
}

/* The deny rules naming each platform tag in their destination, in
 * listing order, as positions in the try order. */
static int
plat_build(struct dircls *d, const struct nsg *g, enum direction dir,
	   size_t *mem)
{
	size_t i, j, pos;
	int p;

	for (p = 0; p < NPLAT; p++)
		if ((d->plat[p] = calloc(g->nrules + 1,
					 sizeof(*d->plat[p]))) == NULL)
			return -ENOMEM;
	*mem += NPLAT * (g->nrules + 1) * sizeof(uint32_t);
	for (i = 0; i < g->nrules; i++) {
		const struct nsg_rule *r = &g->rules[i];
		bool on[NPLAT] = { false };

		if (r->dir != dir || r->access != ACCESS_DENY || r->dst.any)
			continue;
		for (j = 0; j < r->dst.n; j++) {
			enum platform pl;

			if (r->dst.items[j].is_tag &&
			    (pl = plat_of_tag(r->dst.items[j].tag)) != PLAT_NONE)
				on[pl - PLAT_DNS] = true;
		}
		for (pos = 0; pos < d->nuser && d->rule[pos] != r; pos++)
			;
		for (p = 0; p < NPLAT; p++)
			if (on[p])
				d->plat[p][d->nplat[p]++] = (uint32_t)pos;
	}
	return 0;
}

static int
dir_build(struct dircls *d, const struct nsgctx *c, const struct nsg *g,
	  enum direction dir, size_t *mem)
{
	struct ruleiv *iv[NFIELD] = { NULL };
	size_t i, ndef, f;
	int rc = -ENOMEM;

	d->def = nsg_defaults(dir, &ndef);
	for (i = 0; i < g->nrules; i++)
		d->nuser += g->rules[i].dir == dir;
	d->nrules = d->nuser + ndef;
	d->words = (d->nrules + 63) / 64;
	if ((d->rule = calloc(d->nrules, sizeof(*d->rule))) == NULL ||
	    (d->proto = calloc(NPROTO * d->words, sizeof(*d->proto))) == NULL ||
	    (d->dflt = calloc(d->words, sizeof(*d->dflt))) == NULL)
		return -ENOMEM;
	*mem += d->nrules * sizeof(*d->rule) +
		(NPROTO + 1) * d->words * sizeof(uint64_t);
	for (i = 0, f = 0; i < g->nrules; i++)
		if (g->rules[i].dir == dir)
			d->rule[f++] = &g->rules[i];
	qsort(d->rule, d->nuser, sizeof(*d->rule), rule_cmp);

	for (f = 0; f < NFIELD; f++)
		if ((iv[f] = calloc(d->nrules, sizeof(*iv[f]))) == NULL)
			goto out;
	for (i = 0; i < d->nrules; i++) {
		const struct nsg_rule *r = d->rule[i];
		int b;

		if (r == NULL) {
			/* A default rule: any protocol and port; its tags
			 * (MODEL §5 default rules). */
			const struct nsg_default *df = &d->def[i - d->nuser];

			setbit(d->dflt, i);
			for (b = 0; b < NPROTO; b++)
				setbit(&d->proto[b * d->words], i);
			if (nsg_tag_intervals(c, df->src_tag, &iv[F_SRC][i].iv,
					      &iv[F_SRC][i].n) != 0 ||
			    nsg_tag_intervals(c, df->dst_tag, &iv[F_DST][i].iv,
					      &iv[F_DST][i].n) != 0 ||
			    ports_iv(&all_ports, &iv[F_SPORT][i]) != 0 ||
			    ports_iv(&all_ports, &iv[F_DPORT][i]) != 0)
				goto out;
			continue;
		}
		for (b = 0; b < NPROTO; b++)
			if (r->proto & (1u << b))
				setbit(&d->proto[b * d->words], i);
		if (nsg_addr_intervals(c, &r->src, &iv[F_SRC][i].iv,
				       &iv[F_SRC][i].n) != 0 ||
		    nsg_addr_intervals(c, &r->dst, &iv[F_DST][i].iv,
				       &iv[F_DST][i].n) != 0 ||
		    ports_iv(&r->sports, &iv[F_SPORT][i]) != 0 ||
		    ports_iv(&r->dports, &iv[F_DPORT][i]) != 0)
			goto out;
	}
	for (f = 0; f < NFIELD; f++)
		if ((rc = field_build(&d->f[f], iv[f], d->nrules, d->words,
				      mem)) != 0)
			goto out;
	rc = plat_build(d, g, dir, mem);
out:
	for (f = 0; f < NFIELD; f++) {
		for (i = 0; iv[f] != NULL && i < d->nrules; i++)
			free(iv[f][i].iv);
		free(iv[f]);
	}
	return rc;
}

int
nsgcls_new(const struct nsgctx *c, const struct nsg *g, struct nsgcls **out)
{
	struct nsgcls *k;
	int rc;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	if (c == NULL || g == NULL)
		return -EINVAL;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -ENOMEM;
	k->g = g;
	k->mem = sizeof(*k);
	if ((rc = dir_build(&k->d[DIR_INBOUND], c, g, DIR_INBOUND,
			    &k->mem)) != 0 ||
	    (rc = dir_build(&k->d[DIR_OUTBOUND], c, g, DIR_OUTBOUND,
			    &k->mem)) != 0) {
		nsgcls_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

/* Where the query falls in each field. */
struct where {
	const uint64_t *v[NFIELD];
	const uint64_t *proto;		/* NULL: several protocol bits */
	unsigned pbits;
};

void
nsgcls_own(const struct nsgcls *k, uint32_t ip, struct nsgcls_own *o)
{
	o->ip = ip;
	o->iv[DIR_OUTBOUND] = field_find(&k->d[DIR_OUTBOUND].f[F_SRC], ip);
	o->iv[DIR_INBOUND] = field_find(&k->d[DIR_INBOUND].f[F_DST], ip);
}

/* own: the VM's address placed (nsgcls_own), or NULL. */
static void
where_of(const struct dircls *d, const struct nsg_query *q,
	 const struct nsgcls_own *own, struct where *w)
{
	uint32_t src, dst;

	src = own != NULL && q->dir == DIR_OUTBOUND && q->src == own->ip
	    ? own->iv[DIR_OUTBOUND] : field_find(&d->f[F_SRC], q->src);
	dst = own != NULL && q->dir == DIR_INBOUND && q->dst == own->ip
	    ? own->iv[DIR_INBOUND] : field_find(&d->f[F_DST], q->dst);
	w->v[F_SRC] = &d->f[F_SRC].bits[src * d->words];
	w->v[F_DST] = &d->f[F_DST].bits[dst * d->words];
	w->v[F_SPORT] = &d->f[F_SPORT].bits[field_find(&d->f[F_SPORT],
						       q->sport) * d->words];
	w->v[F_DPORT] = &d->f[F_DPORT].bits[field_find(&d->f[F_DPORT],
						       q->dport) * d->words];
	w->pbits = q->proto & PROTO_ANY;
	w->proto = NULL;
	if (w->pbits != 0 && (w->pbits & (w->pbits - 1)) == 0)
		w->proto = &d->proto[(size_t)__builtin_ctz(w->pbits) * d->words];
}

static inline uint64_t
proto_word(const struct dircls *d, const struct where *w, size_t i)
{
	uint64_t x;
	unsigned b;

	if (w->proto != NULL)
		return w->proto[i];
	/* No protocol bit, or several: the defaults (which ignore the
	 * protocol) and every rule sharing a bit with the query. */
	x = d->dflt[i];
	for (b = 0; b < NPROTO; b++)
		if (w->pbits & (1u << b))
			x |= d->proto[b * d->words + i];
	return x;
}

static bool
matches(const struct dircls *d, const struct where *w, size_t pos)
{
	size_t i = pos / 64;
	uint64_t bit = 1ull << (pos % 64);

	return (proto_word(d, w, i) & w->v[F_SRC][i] & w->v[F_DST][i] &
		w->v[F_SPORT][i] & w->v[F_DPORT][i] & bit) != 0;
}

/* MODEL §5: within one NSG the lowest priority that matches decides,
 * the default rules after every user rule (nsg.c eval_one). */
static void
eval_one(const struct nsgcls *k, const struct dircls *d,
	 const struct where *w, struct nsg_step *s)
{
	size_t i, pos = d->nrules;

	memset(s, 0, sizeof(*s));
	s->nsg = k->g;
	for (i = 0; i < d->words; i++) {
		uint64_t x = proto_word(d, w, i) & w->v[F_SRC][i] &
			     w->v[F_DST][i] & w->v[F_SPORT][i] &
			     w->v[F_DPORT][i];

		if (x != 0) {
			pos = i * 64 + (size_t)__builtin_ctzll(x);
			break;
		}
	}
	if (pos >= d->nrules)
		return;		/* unreachable: DenyAll matches everything */
	if (pos < d->nuser) {
		s->rule = d->rule[pos];
		s->name = s->rule->name;
		s->priority = s->rule->priority;
		s->access = s->rule->access;
		return;
	}
	s->name = d->def[pos - d->nuser].name;
	s->priority = d->def[pos - d->nuser].priority;
	s->access = d->def[pos - d->nuser].access;
	s->is_default = true;
}

/* The first deny rule on platform p's tag that matches (nsg.c's
 * platform_denied). */
static const struct nsg_rule *
platform_denied(const struct dircls *d, const struct where *w,
		enum platform p)
{
	size_t i, j = (size_t)(p - PLAT_DNS);

	for (i = 0; i < d->nplat[j]; i++)
		if (matches(d, w, d->plat[j][i]))
			return d->rule[d->plat[j][i]];
	return NULL;
}

void
nsgcls_eval(const struct nsgctx *c, const struct nsgcls *nic,
	    const struct nsgcls *subnet, const struct nsg_query *q,
	    bool with_platform, struct nsg_verdict *v)
{
	nsgcls_eval_own(c, nic, subnet, NULL, NULL, q, with_platform, v);
}

void
nsgcls_eval_own(const struct nsgctx *c, const struct nsgcls *nic,
		const struct nsgcls *subnet,
		const struct nsgcls_own *nic_own,
		const struct nsgcls_own *subnet_own,
		const struct nsg_query *q, bool with_platform,
		struct nsg_verdict *v)
{
	const struct nsgcls *order[2];
	const struct nsgcls_own *own[2];
	struct where w[2];
	size_t i;

	memset(v, 0, sizeof(*v));
	v->access = ACCESS_ALLOW;
	v->platform = nsg_platform_of(c, q);
	/* MODEL §5: no NSG means allow; no rule, hidden or not, decides. */
	if (nic == NULL && subnet == NULL)
		return;
	/* MODEL §5 order: outbound NIC then subnet, inbound subnet then
	 * NIC. */
	order[0] = q->dir == DIR_OUTBOUND ? nic : subnet;
	order[1] = q->dir == DIR_OUTBOUND ? subnet : nic;
	own[0] = q->dir == DIR_OUTBOUND ? nic_own : subnet_own;
	own[1] = q->dir == DIR_OUTBOUND ? subnet_own : nic_own;
	for (i = 0; i < 2; i++)
		if (order[i] != NULL)
			where_of(&order[i]->d[q->dir], q, own[i], &w[i]);

	/* MODEL §5 hidden platform rules, as nsg_eval applies them: allowed
	 * first unless a deny rule on their tag matches (NIC NSG first) or,
	 * for KMS, the subnet is forced through a 0.0.0.0/0 that is not
	 * Internet. */
	if (v->platform != PLAT_NONE) {
		const int first = q->dir == DIR_OUTBOUND ? 0 : 1;

		for (i = 0; i < 2 && v->platform_off_rule == NULL; i++) {
			size_t o = first == 0 ? i : 1 - i;

			if (order[o] != NULL)
				v->platform_off_rule = platform_denied(
				    &order[o]->d[q->dir], &w[o], v->platform);
		}
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

	/* MODEL §5: both must allow. */
	for (i = 0; i < 2; i++) {
		struct nsg_step *s;

		if (order[i] == NULL)
			continue;
		s = &v->steps[v->nsteps++];
		eval_one(order[i], &order[i]->d[q->dir], &w[i], s);
		v->rule = s->name;
		v->by = s->nsg;
		v->is_default = s->is_default;
		v->access = s->access;
		if (s->access == ACCESS_DENY)
			return;
	}
}
