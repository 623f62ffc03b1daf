/*
 * whatif.c: the flow diff and the exhaustive diff of whatif.h.
 *
 * Outcomes are compared as text: each side's outcome of one evaluation is
 * written as one string (its fields joined by a separator), interned,
 * and compared by number. A range's change is itself a string (the
 * numbers of what changed on which port class), interned in turn, so
 * that grouping ranges by change is grouping equal numbers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/eqclass.h"
#include "sim/nsg.h"
#include "sim/route.h"
#include "sim/services.h"
#include "sim/whatif.h"
#include "sim/wiscope.h"
#include "topology/names.h"
#include "topology/vec.h"

#define SEP '\x1f'		/* between the fields of an outcome */
#define NONE_ID UINT32_MAX
#define WI_SPORT 49152		/* source port of synthetic flows */
#define WI_TICK 512		/* ranges between progress reports */

/* The fields an outcome is made of, in the order they are joined. */
static const char *const field_names[] = {
	"delivered", "activation", "source seen", "hairpin", "path",
	"nsg rule", "reply",
};
#define NFIELDS (sizeof(field_names) / sizeof(field_names[0]))

/*
 * Interned strings: an open-addressing table of indices into a string
 * array; an id is the index.
 */
struct strtab {
	char **s;
	size_t n, cap;
	uint32_t *h;		/* slots: id + 1, 0 empty */
	size_t hcap;
};

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int
st_rehash(struct strtab *t, size_t hcap)
{
	uint32_t *h = calloc(hcap, sizeof(*h));
	size_t i, j;

	if (h == NULL)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		for (j = fnv(t->s[i]) & (hcap - 1); h[j] != 0;
		    j = (j + 1) & (hcap - 1))
			;
		h[j] = (uint32_t)i + 1;
	}
	free(t->h);
	t->h = h;
	t->hcap = hcap;
	return 0;
}

/* The id of s, added if new; NONE_ID when out of memory. */
static uint32_t
st_intern(struct strtab *t, const char *s)
{
	size_t j;

	if (t->hcap == 0 && st_rehash(t, 1024) != 0)
		return NONE_ID;
	for (j = fnv(s) & (t->hcap - 1); t->h[j] != 0;
	    j = (j + 1) & (t->hcap - 1))
		if (strcmp(t->s[t->h[j] - 1], s) == 0)
			return t->h[j] - 1;
	if (VEC_GROW(t->s, t->n, t->cap) != 0)
		return NONE_ID;
	if ((t->s[t->n] = strdup(s)) == NULL)
		return NONE_ID;
	t->h[j] = (uint32_t)t->n + 1;
	t->n++;
	if (t->n * 2 > t->hcap && st_rehash(t, t->hcap * 2) != 0)
		return NONE_ID;
	return (uint32_t)t->n - 1;
}

static void
st_free(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->h);
	memset(t, 0, sizeof(*t));
}

/* A growing text buffer; errors are sticky. */
struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err != 0)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p != NULL ? b->p + b->len : NULL, room, fmt,
		    ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EIO;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = b->cap ? b->cap : 256;
			char *np;

			while (cap <= b->len + (size_t)n)
				cap *= 2;
			if ((np = realloc(b->p, cap)) == NULL) {
				b->err = -ENOMEM;
				return;
			}
			b->p = np;
			b->cap = cap;
		}
	}
}

/* A new string from a format; -ENOMEM. */
static int __attribute__((format(printf, 2, 3)))
dupf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (*out = malloc((size_t)n + 1)) == NULL) {
		*out = NULL;
		return -ENOMEM;
	}
	va_start(ap, fmt);
	vsnprintf(*out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return 0;
}

static void
sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/*
 * Outcomes.
 */

/* The outcome of one replay, fields joined by SEP. With dest_generic the
 * destination's address in the path reads "(destination)", so that the
 * ranges of one group compare equal. */
static void
outcome_text(const struct flow_result *r, bool dest_generic, struct sbuf *b)
{
	char ip[IP_STRLEN], dst[IP_STRLEN];
	size_t i;

	ip_format(r->dst, dst);
	if (r->delivered)
		sb_printf(b, "delivered");
	else
		sb_printf(b, "dropped: %s", r->drop_reason != NULL ?
		    r->drop_reason : "unknown");
	sb_printf(b, "%c%s%c", SEP, activation_name(r->activation), SEP);
	if (r->has_source_seen)
		sb_printf(b, "%s (%s)", ip_format(r->source_seen, ip),
		    srcclass_name(r->source_class));
	else
		sb_printf(b, "none");
	sb_printf(b, "%c%s%c", SEP, hairpin_name(r->hairpin), SEP);
	for (i = 0; i < r->npath; i++)
		sb_printf(b, "%s%s", i ? " > " : "",
		    dest_generic && strcmp(fr_str(r, r->path[i]), dst) == 0 ?
		    "(destination)" : fr_str(r, r->path[i]));
	sb_printf(b, "%c%s%s", SEP, r->nsg_rule != 0 ? fr_str(r, r->nsg_rule) : "none",
	    r->nsg_rule_hidden ? " (platform rule)" : "");
	/* MODEL §7: the answer's way home. */
	if (!r->replied)
		sb_printf(b, "%cnone", SEP);
	else if (r->reply_delivered)
		sb_printf(b, "%cdelivered%s", SEP, r->asymmetric ?
		    " (asymmetric)" : "");
	else
		sb_printf(b, "%cdropped: %s%s", SEP, r->reply_drop_reason !=
		    NULL ? r->reply_drop_reason : "unknown", r->asymmetric ?
		    " (asymmetric)" : "");
}

/* The same outcome_text for two replays of one destination, compared
 * field by field (most probes change nothing: no text for them). */
static bool
outcome_same(const struct flow_result *a, const struct flow_result *b)
{
	size_t i;

	if (a->delivered != b->delivered || a->activation != b->activation ||
	    a->has_source_seen != b->has_source_seen ||
	    (a->has_source_seen && (a->source_seen != b->source_seen ||
				    a->source_class != b->source_class)) ||
	    a->hairpin != b->hairpin || a->npath != b->npath ||
	    a->nsg_rule_hidden != b->nsg_rule_hidden ||
	    strcmp(fr_str(a, a->nsg_rule), fr_str(b, b->nsg_rule)) != 0 || a->replied != b->replied ||
	    a->dst != b->dst)
		return false;
	if (!a->delivered && strcmp(a->drop_reason ? a->drop_reason : "",
				    b->drop_reason ? b->drop_reason : "") != 0)
		return false;
	if (a->replied && (a->reply_delivered != b->reply_delivered ||
			   a->asymmetric != b->asymmetric ||
			   (!a->reply_delivered &&
			    strcmp(a->reply_drop_reason ? a->reply_drop_reason
							: "",
				   b->reply_drop_reason ? b->reply_drop_reason
							: "") != 0)))
		return false;
	for (i = 0; i < a->npath; i++)
		if (strcmp(fr_str(a, a->path[i]), fr_str(b, b->path[i])) != 0)
			return false;
	return true;
}

/* The next hop the VM's subnet picks for dst, as text. */
static void
nexthop_text(const struct rtable *rt, uint32_t dst, struct sbuf *b)
{
	char ip[IP_STRLEN], pf[PFX_STRLEN];
	struct route_hit hit;
	const struct eroute *r;
	size_t i;

	if (rtable_lookup(rt, dst, 0, &hit) != 0) {
		sb_printf(b, "no route");
		return;
	}
	r = hit.r;
	sb_printf(b, "%s", nh_type_name(r->nh));
	for (i = 0; i < r->nnh; i++)
		sb_printf(b, "%s%s", i ? "," : " ", ip_format(r->nh_ips[i], ip));
	sb_printf(b, " (%s %s", rt_source_name(r->source),
	    pfx_format(r->pfx, pf));
	if (r->table != NULL)
		sb_printf(b, " in %s", r->table);
	sb_printf(b, ")");
}

/* Split two joined outcomes into the fields that differ. */
static int
diff_fields(const char *before, const char *after, const char *const *names,
    size_t nnames, struct wi_field **out, size_t *nout)
{
	const char *pb = before, *pa = after, *eb, *ea;
	struct wi_field *f;
	size_t i, lb, la;

	*out = NULL;
	*nout = 0;
	if ((f = calloc(nnames, sizeof(*f))) == NULL)
		return -ENOMEM;
	*out = f;
	for (i = 0; i < nnames; i++) {
		eb = strchr(pb, SEP);
		ea = strchr(pa, SEP);
		lb = eb != NULL ? (size_t)(eb - pb) : strlen(pb);
		la = ea != NULL ? (size_t)(ea - pa) : strlen(pa);
		if (lb != la || strncmp(pb, pa, lb) != 0) {
			f[*nout].name = names[i];
			if ((f[*nout].before = strndup(pb, lb)) == NULL ||
			    (f[*nout].after = strndup(pa, la)) == NULL) {
				(*nout)++;
				return -ENOMEM;
			}
			(*nout)++;
		}
		pb += lb + (eb != NULL);
		pa += la + (ea != NULL);
	}
	return 0;
}

static void
free_fields(struct wi_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].before);
		free(f[i].after);
	}
	free(f);
}

/*
 * Flow diff.
 */

struct wi {
	const struct topo *tb, *ta;
	struct sim *sb, *sa;
	const struct whatif_opts *o;
	struct whatif_result *res;
	struct flow_result *rb, *ra;	/* one replay each, reused */
	struct sbuf b1, b2;
	struct strtab st;
};

static int
add_flow(struct wi *w, const char *name, const char *desc, bool service,
    enum wi_presence pres, const char *before, const char *after)
{
	struct whatif_result *res = w->res;
	struct wi_flow *nf, *f;
	int rc;

	if (pres != WI_BOTH)
		res->flows_compared++;
	if ((nf = realloc(res->flows, (res->nflows + 1) *
	    sizeof(*nf))) == NULL)
		return -ENOMEM;
	res->flows = nf;
	f = &nf[res->nflows++];
	memset(f, 0, sizeof(*f));
	f->service = service;
	f->presence = pres;
	if ((f->name = strdup(name)) == NULL ||
	    (f->desc = strdup(desc)) == NULL)
		return -ENOMEM;
	if (pres == WI_BOTH && (rc = diff_fields(before, after, field_names,
	    NFIELDS, &f->fields, &f->nfields)) != 0)
		return rc;
	return 0;
}

static void
flow_desc(const struct topo *t, const struct flow *f, char *buf, size_t len)
{
	char from[IP_STRLEN];

	snprintf(buf, len, "%s -> %s %s/%u", topo_flow_from(t, f, from), f->to,
	    proto_name(f->proto), (unsigned)f->port);
}

/*
 * Still failing.
 */

/* Broken whatever the expectations say: not delivered, activation
 * refused, or the answer lost. */
static bool
broken(const struct flow_result *r)
{
	return !r->delivered || r->activation == ACT_REFUSED ||
	    (r->replied && !r->reply_delivered);
}

/* Why r is broken, in one phrase. */
static void
broken_reason(const struct flow_result *r, struct sbuf *b)
{
	char ip[IP_STRLEN];

	if (!r->delivered) {
		sb_printf(b, "dropped: %s", r->drop_reason != NULL ?
		    r->drop_reason : "unknown");
		if (r->drop_reason != NULL &&
		    strcmp(r->drop_reason, "nsg-deny") == 0 &&
		    r->nsg_rule != 0)
			sb_printf(b, " by %s%s", fr_str(r, r->nsg_rule),
			    r->nsg_rule_hidden ? " (platform rule)" : "");
		if (r->npath > 0)
			sb_printf(b, " at %s", fr_str(r, r->path[r->npath - 1]));
	} else if (r->activation == ACT_REFUSED) {
		sb_printf(b, "activation refused");
		if (r->has_source_seen)
			sb_printf(b, ": source seen %s (%s)",
			    ip_format(r->source_seen, ip),
			    srcclass_name(r->source_class));
	} else
		sb_printf(b, "reply dropped: %s", r->reply_drop_reason !=
		    NULL ? r->reply_drop_reason : "unknown");
}

/* The route the subnet of flow f's VM picks for r's destination, into b
 * (empty for a flow from outside Azure). */
static void
broken_route(const struct topo *t, struct sim *s, const struct flow *f,
    const struct flow_result *r, struct sbuf *b)
{
	const struct rtable *rt;

	if (f->vm == TOPO_NONE || f->vm >= t->nvms)
		return;
	rt = sim_rtable(s, t->vms[f->vm].vnet, t->vms[f->vm].subnet);
	if (rt != NULL)
		nexthop_text(rt, r->dst, b);
}

static int
dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (s == NULL || s[0] == '\0')
		return 0;
	return (*out = strdup(s)) == NULL ? -ENOMEM : 0;
}

/* Record flow fa (fb before) as still failing: both replays broken. */
static int
add_failing(struct wi *w, const struct flow *fb, const struct flow *fa,
    const char *desc, bool service)
{
	struct whatif_result *res = w->res;
	const struct flow_result *ra = w->ra;
	struct wi_failing *nf, *f;
	struct sbuf rb = { 0 }, ra_s = { 0 }, tb = { 0 }, ta = { 0 }, ss = { 0 };
	char ip[IP_STRLEN];
	int rc = 0;

	if ((nf = realloc(res->failing, (res->nfailing + 1) *
	    sizeof(*nf))) == NULL)
		return -ENOMEM;
	res->failing = nf;
	f = &nf[res->nfailing++];
	memset(f, 0, sizeof(*f));
	f->service = service;
	broken_reason(w->rb, &rb);
	broken_reason(ra, &ra_s);
	broken_route(w->tb, w->sb, fb, w->rb, &tb);
	broken_route(w->ta, w->sa, fa, ra, &ta);
	if (ra->has_source_seen)
		sb_printf(&ss, "%s (%s)", ip_format(ra->source_seen, ip),
		    srcclass_name(ra->source_class));
	if (rb.err != 0 || ra_s.err != 0 || tb.err != 0 || ta.err != 0 ||
	    ss.err != 0)
		rc = -ENOMEM;
	else if ((f->name = strdup(fa->name)) == NULL ||
	    (f->desc = strdup(desc)) == NULL ||
	    (rc = dup_or_null(&f->vm, fa->vm != TOPO_NONE &&
	    fa->vm < w->ta->nvms ? w->ta->vms[fa->vm].name : NULL)) != 0 ||
	    (rc = dup_or_null(&f->reason, ra_s.p)) != 0 ||
	    (rc = dup_or_null(&f->reason_before, strcmp(rb.p, ra_s.p) != 0 ?
	    rb.p : NULL)) != 0 ||
	    (rc = dup_or_null(&f->drop_reason, ra->delivered ? NULL :
	    ra->drop_reason)) != 0 ||
	    (rc = dup_or_null(&f->at, ra->delivered || ra->npath == 0 ? NULL :
	    fr_str(ra, ra->path[ra->npath - 1]))) != 0 ||
	    (rc = dup_or_null(&f->nsg_rule, fr_str(ra, ra->nsg_rule))) != 0 ||
	    (rc = dup_or_null(&f->route, ta.p)) != 0 ||
	    (rc = dup_or_null(&f->route_before, (tb.p != NULL) != (ta.p !=
	    NULL) || (tb.p != NULL && strcmp(tb.p, ta.p) != 0) ?
	    (tb.p != NULL ? tb.p : "none") : NULL)) != 0 ||
	    (rc = dup_or_null(&f->activation, ra->activation == ACT_NONE ?
	    NULL : activation_name(ra->activation))) != 0 ||
	    (rc = dup_or_null(&f->source_seen, ss.p)) != 0)
		rc = rc != 0 ? rc : -ENOMEM;
	free(rb.p);
	free(ra_s.p);
	free(tb.p);
	free(ta.p);
	free(ss.p);
	return rc;
}

/* Replay fb on the before side and fa on the after side; record the
 * flow when its outcome differs, and when it is broken on both. */
static int
compare_flow(struct wi *w, const struct flow *fb, const struct flow *fa,
    bool service)
{
	char desc[SIM_NODE_LEN * 2 + 64];
	int rc;

	if ((rc = sim_decide(w->sb, fb, w->rb)) != 0 ||
	    (rc = sim_decide(w->sa, fa, w->ra)) != 0)
		return rc;
	sb_reset(&w->b1);
	sb_reset(&w->b2);
	outcome_text(w->rb, false, &w->b1);
	outcome_text(w->ra, false, &w->b2);
	if (w->b1.err != 0 || w->b2.err != 0)
		return -ENOMEM;
	w->res->flows_compared++;
	flow_desc(w->tb, fb, desc, sizeof(desc));
	if (broken(w->rb) && broken(w->ra) &&
	    (rc = add_failing(w, fb, fa, desc, service)) != 0)
		return rc;
	if (strcmp(w->b1.p, w->b2.p) == 0)
		return 0;
	return add_flow(w, fb->name, desc, service, WI_BOTH, w->b1.p,
	    w->b2.p);
}

static size_t
flow_find(const struct topo *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nflows; i++)
		if (strcmp(t->flows[i].name, name) == 0)
			return i;
	return TOPO_NONE;
}

static int
flow_diff(struct wi *w)
{
	char desc[SIM_NODE_LEN * 2 + 64];
	size_t i, k;
	int rc;

	for (i = 0; i < w->tb->nflows; i++) {
		const struct flow *fb = &w->tb->flows[i];

		if ((k = flow_find(w->ta, fb->name)) == TOPO_NONE) {
			flow_desc(w->tb, fb, desc, sizeof(desc));
			if ((rc = add_flow(w, fb->name, desc, false,
			    WI_ONLY_BEFORE, NULL, NULL)) != 0)
				return rc;
			continue;
		}
		if ((rc = compare_flow(w, fb, &w->ta->flows[k], false)) != 0)
			return rc;
	}
	for (i = 0; i < w->ta->nflows; i++) {
		const struct flow *fa = &w->ta->flows[i];

		if (flow_find(w->tb, fa->name) != TOPO_NONE)
			continue;
		flow_desc(w->ta, fa, desc, sizeof(desc));
		if ((rc = add_flow(w, fa->name, desc, false, WI_ONLY_AFTER,
		    NULL, NULL)) != 0)
			return rc;
	}
	return 0;
}

#define MAX_TARGETS 48

static size_t
service_targets(const struct topo *t, struct svc_probe *tg, size_t n)
{
	uint32_t ips[16];
	size_t i, k;

	k = kms_addresses(t, ips, 16);
	for (i = 0; i < k; i++)
		n = svc_probe_add(tg, n, MAX_TARGETS, t, ips[i]);
	k = dns_resolve(t, "smt-azure.susecloud.net", ips, 16, NULL);
	for (i = 0; i < k; i++)
		n = svc_probe_add(tg, n, MAX_TARGETS, t, ips[i]);
	n = svc_probe_add(tg, n, MAX_TARGETS, t, AZURE_DNS_IP);
	return svc_probe_add(tg, n, MAX_TARGETS, t, AZURE_IMDS_IP);
}

static int
service_diff(struct wi *w)
{
	struct svc_probe tg[MAX_TARGETS];
	char to[IP_STRLEN], name[SIM_NODE_LEN + 64];
	struct flow fb, fa;
	size_t n, i, v, va;
	int rc;

	n = service_targets(w->tb, tg, 0);
	n = service_targets(w->ta, tg, n);
	for (v = 0; v < w->tb->nvms; v++) {
		if ((va = topo_vm_find(w->ta, w->tb->vms[v].name)) ==
		    TOPO_NONE)
			continue;
		for (i = 0; i < n; i++) {
			memset(&fb, 0, sizeof(fb));
			ip_format(tg[i].ip, to);
			snprintf(name, sizeof(name), "%s -> %s %s %s/%u",
			    w->tb->vms[v].name, tg[i].node, to,
			    proto_name(tg[i].proto), (unsigned)tg[i].port);
			fb.name = name;
			fb.to = to;
			fb.vm = v;
			fb.proto = tg[i].proto;
			fb.port = tg[i].port;
			fb.has_sport = true;
			fb.sport = WI_SPORT;
			fa = fb;
			fa.vm = va;
			if ((rc = compare_flow(w, &fb, &fa, true)) != 0)
				return rc;
		}
	}
	return 0;
}

/*
 * Exhaustive diff: boundaries.
 */

static void
cut_iv(struct cutset *c, const struct ipinterval *iv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		eq_add_range(c, iv[i].lo, iv[i].hi);
}

static void
cut_tag(struct cutset *c, const struct topo *t, const char *name)
{
	const struct tag *tg = tagset_find(t->tags, name);

	if (tg != NULL)
		cut_iv(c, tg->iv, tg->niv);
}

static void
cut_addr(struct cutset *c, const struct topo *t, const struct addr_spec *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (!a->items[i].is_tag)
			eq_add_pfx(c, a->items[i].pfx);
		else
			cut_tag(c, t, a->items[i].tag);
	}
}

static void
cut_topo(struct cutset *c, const struct topo *t, const struct sim *s,
    bool vms)
{
	struct svc_probe tg[MAX_TARGETS];
	size_t v, sn, i, j, n;

	for (v = 0; v < t->nvnets; v++) {
		const struct vnet *vn = &t->vnets[v];

		for (i = 0; i < vn->nspace; i++)
			eq_add_pfx(c, vn->space[i]);
		for (sn = 0; sn < vn->nsubnets; sn++)
			eq_add_pfx(c, vn->subnets[sn].pfx);
	}
	/* The routes and computed tags of every context (subnets share
	 * them: once each). */
	for (j = 0; j < sim_ncontexts(s); j++) {
		const struct rtable *rt = sim_context_rtable(s, j);
		const struct nsgctx *x = sim_context_nsgctx(s, j);

		for (i = 0; i < rt->n; i++)
			eq_add_pfx(c, rt->r[i].pfx);
		cut_iv(c, x->vnet_tag, x->nvnet_tag);
		cut_iv(c, x->inet_tag, x->ninet_tag);
	}
	for (i = 0; vms && i < t->nvms; i++)
		eq_add_range(c, t->vms[i].ip, t->vms[i].ip);
	for (i = 0; i < t->nnsgs; i++)
		for (j = 0; j < t->nsgs[i].nrules; j++)
			cut_addr(c, t, &t->nsgs[i].rules[j].dst);
	/* MODEL §2: Internet egress to an Azure public IP stays on the
	 * backbone; MODEL §3: public peering carries Azure public space. */
	cut_tag(c, t, "AzureCloud");
	n = service_targets(t, tg, 0);
	for (i = 0; i < n; i++)
		eq_add_range(c, tg[i].ip, tg[i].ip);
	for (i = 0; i < t->ncircuits; i++) {
		for (j = 0; j < t->circuits[i].nadvertised; j++)
			eq_add_pfx(c, t->circuits[i].advertised[j]);
		for (j = 0; j < t->circuits[i].nnat_pool; j++)
			eq_add_pfx(c, t->circuits[i].nat_pool[j]);
		/* MODEL §8 [er-ms]: Microsoft peering's pool and regions. */
		for (j = 0; j < t->circuits[i].nms_nat_pool; j++)
			eq_add_pfx(c, t->circuits[i].ms_nat_pool[j]);
		for (j = 0; j < t->circuits[i].nroute_filter; j++)
			cut_tag(c, t, t->circuits[i].route_filter[j]);
	}
	for (i = 0; i < t->onprem.nprefixes; i++)
		eq_add_pfx(c, t->onprem.prefixes[i]);
	/* MODEL §8: VPN sites' prefixes, BGP peers and edges; what Route
	 * Server peers advertise and the next hops they name. */
	for (i = 0; i < t->nvpn_sites; i++) {
		const struct vpn_site *vs = &t->vpn_sites[i];

		for (j = 0; j < vs->nprefixes; j++)
			eq_add_pfx(c, vs->prefixes[j]);
		for (j = 0; j < vs->nadvertised; j++)
			eq_add_pfx(c, vs->advertised[j]);
		if (vs->bgp)
			eq_add_range(c, vs->bgp_peer_ip, vs->bgp_peer_ip);
		if (vs->has_edge_ip)
			eq_add_range(c, vs->internet_edge_ip,
			    vs->internet_edge_ip);
	}
	for (i = 0; i < t->nroute_servers; i++)
		for (j = 0; j < t->route_servers[i].npeers; j++) {
			const struct rs_peer *p = &t->route_servers[i].peers[j];
			size_t k;

			for (k = 0; k < p->nadvertised; k++)
				eq_add_pfx(c, p->advertised[k]);
		}
	/* MODEL §8 [fw-rules] [fw-snat]: a firewall's addresses, its
	 * private ranges and what its network rules name. */
	for (i = 0; i < t->nfirewalls; i++) {
		const struct firewall *fw = &t->firewalls[i];
		size_t k, m;

		eq_add_range(c, fw->private_ip, fw->private_ip);
		if (fw->has_public_ip)
			eq_add_range(c, fw->public_ip, fw->public_ip);
		for (j = 0; j < fw->nsnat_private; j++)
			eq_add_pfx(c, fw->snat_private[j]);
		for (j = 0; j < fw->ncolls; j++)
			for (k = 0; k < fw->colls[j].nrules; k++) {
				const struct fw_rule *r = &fw->colls[j].rules[k];

				cut_addr(c, t, &r->dst);
				for (m = 0; m < r->nfqdn_ips; m++)
					eq_add_range(c, r->fqdn_ips[m],
					    r->fqdn_ips[m]);
			}
	}
	for (i = 0; i < t->onprem.nblocks; i++)
		cut_addr(c, t, &t->onprem.blocks[i].dst);
	if (t->onprem.has_edge_ip)
		eq_add_range(c, t->onprem.internet_edge_ip,
		    t->onprem.internet_edge_ip);
	for (i = 0; i < t->ndns; i++)
		for (j = 0; j < t->dns[i].nips; j++)
			eq_add_range(c, t->dns[i].ips[j], t->dns[i].ips[j]);
}

/* Port classes: the destination ports of NSG rules and edge filters;
 * Udp is probed too when a rule or filter names it. */
static void
cut_ports(struct cutset *c, const struct topo *t, bool *udp)
{
	size_t i, j, k;

	for (i = 0; i < t->nnsgs; i++)
		for (j = 0; j < t->nsgs[i].nrules; j++) {
			const struct nsg_rule *r = &t->nsgs[i].rules[j];

			if (r->dir != DIR_OUTBOUND && r->dir != DIR_INBOUND)
				continue;
			*udp |= r->proto == PROTO_UDP;
			for (k = 0; k < r->dports.n; k++)
				eq_add_range(c, r->dports.r[k].lo,
				    r->dports.r[k].hi);
		}
	/* MODEL §8 [fw-rules]: the ports of firewall rules. */
	for (i = 0; i < t->nfirewalls; i++)
		for (j = 0; j < t->firewalls[i].ncolls; j++) {
			const struct fw_coll *fc = &t->firewalls[i].colls[j];
			size_t m;

			for (k = 0; k < fc->nrules; k++) {
				const struct fw_rule *r = &fc->rules[k];

				*udp |= (r->proto & PROTO_UDP) != 0;
				for (m = 0; m < r->dports.n; m++)
					eq_add_range(c, r->dports.r[m].lo,
					    r->dports.r[m].hi);
				for (m = 0; m < r->naprotos; m++)
					eq_add_range(c, r->aprotos[m].port,
					    r->aprotos[m].port);
			}
		}
	for (i = 0; i < t->onprem.nblocks; i++) {
		const struct onprem_block *b = &t->onprem.blocks[i];

		*udp |= b->proto == PROTO_UDP;
		for (k = 0; k < b->dports.n; k++)
			eq_add_range(c, b->dports.r[k].lo, b->dports.r[k].hi);
	}
}

/* A probe: one protocol and port class, and the port that stands for
 * it. */
struct probe {
	unsigned proto;
	uint16_t lo, hi, rep;
};

static void
probe_label(const struct probe *p, bool all_ports, struct sbuf *b)
{
	if (all_ports || (p->lo == 0 && p->hi == 65535))
		sb_printf(b, "%s/*", proto_name(p->proto));
	else if (p->lo == p->hi)
		sb_printf(b, "%s/%u", proto_name(p->proto), (unsigned)p->lo);
	else
		sb_printf(b, "%s/%u-%u", proto_name(p->proto),
		    (unsigned)p->lo, (unsigned)p->hi);
}

/*
 * Exhaustive diff: evaluation and groups.
 */

struct range {
	uint32_t lo, hi;
	uint32_t nh;		/* next-hop change id, NONE_ID if none */
	uint32_t fate;		/* outcome change id, NONE_ID if none */
};

static int
replay(struct sim *s, size_t vm, uint32_t dst, const struct probe *p,
    struct flow_result *r)
{
	char to[IP_STRLEN];
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.name = (char *)(uintptr_t)"exhaustive";
	f.to = ip_format(dst, to);
	f.vm = vm;
	f.proto = p->proto;
	f.port = p->rep;
	f.has_sport = true;
	f.sport = WI_SPORT;
	return sim_decide(s, &f, r);
}

/* The fields of two joined outcomes that differ, as one string:
 * "name RS before RS after SEP" per field (RS = 0x1e), empty when equal. */
#define RS '\x1e'

static void
diff_text(const char *before, const char *after, struct sbuf *out)
{
	const char *pb = before, *pa = after, *eb, *ea;
	size_t i, lb, la;

	for (i = 0; i < NFIELDS; i++) {
		eb = strchr(pb, SEP);
		ea = strchr(pa, SEP);
		lb = eb != NULL ? (size_t)(eb - pb) : strlen(pb);
		la = ea != NULL ? (size_t)(ea - pa) : strlen(pa);
		if (lb != la || strncmp(pb, pa, lb) != 0)
			sb_printf(out, "%s%c%.*s%c%.*s%c", field_names[i], RS,
			    (int)lb, pb, RS, (int)la, pa, SEP);
		pb += lb + (eb != NULL);
		pa += la + (ea != NULL);
	}
}

/* Evaluate probe p to dst on both sides; when the outcomes differ,
 * appends "p:id;" to key, id naming what changed (so that ranges and
 * ports whose visible change is the same share it). */
static int
eval_probe(struct wi *w, size_t vb, size_t va, uint32_t dst, size_t pi,
    const struct probe *p, struct sbuf *key, struct sbuf *tmp)
{
	uint32_t id;
	int rc;

	if ((rc = replay(w->sb, vb, dst, p, w->rb)) != 0 ||
	    (rc = replay(w->sa, va, dst, p, w->ra)) != 0)
		return rc;
	if (outcome_same(w->rb, w->ra))
		return 0;
	sb_reset(&w->b1);
	sb_reset(&w->b2);
	outcome_text(w->rb, true, &w->b1);
	outcome_text(w->ra, true, &w->b2);
	if (w->b1.err != 0 || w->b2.err != 0)
		return -ENOMEM;
	if (strcmp(w->b1.p, w->b2.p) == 0)
		return 0;
	sb_reset(tmp);
	diff_text(w->b1.p, w->b2.p, tmp);
	if (tmp->err != 0 || (id = st_intern(&w->st, tmp->p)) == NONE_ID)
		return -ENOMEM;
	sb_printf(key, "%zu:%u;", pi, id);
	return key->err;
}

/* The fields of a diff_text string. */
static int
fields_of(const char *s, struct wi_field **out, size_t *nout)
{
	const char *p, *a, *b, *e;
	size_t n = 0, i = 0;

	for (p = s; *p != '\0'; p++)
		n += *p == SEP;
	*nout = 0;
	if ((*out = calloc(n > 0 ? n : 1, sizeof(**out))) == NULL)
		return -ENOMEM;
	for (p = s; i < n; i++) {
		a = strchr(p, RS);
		b = strchr(a + 1, RS);
		e = strchr(b + 1, SEP);
		for (size_t k = 0; k < NFIELDS; k++)
			if (strncmp(field_names[k], p, (size_t)(a - p)) == 0 &&
			    field_names[k][a - p] == '\0')
				(*out)[i].name = field_names[k];
		(*nout)++;
		if (((*out)[i].before = strndup(a + 1, (size_t)(b - a - 1))) ==
		    NULL || ((*out)[i].after = strndup(b + 1,
		    (size_t)(e - b - 1))) == NULL)
			return -ENOMEM;
		p = e + 1;
	}
	return 0;
}

/* One change id per distinct key; groups are built per id. */
struct grp {
	uint32_t key;
	struct ipinterval *iv;
	size_t niv, cap;
};

static int
grp_add(struct grp *g, uint32_t lo, uint32_t hi)
{
	if (g->niv > 0 && (uint64_t)g->iv[g->niv - 1].hi + 1 == lo) {
		g->iv[g->niv - 1].hi = hi;
		return 0;
	}
	if (VEC_GROW(g->iv, g->niv, g->cap) != 0)
		return -ENOMEM;
	g->iv[g->niv].lo = lo;
	g->iv[g->niv].hi = hi;
	g->niv++;
	return 0;
}

static int
cmp_grp(const void *a, const void *b)
{
	const struct grp *x = a, *y = b;

	return x->iv[0].lo < y->iv[0].lo ? -1 : x->iv[0].lo > y->iv[0].lo;
}

/* The CIDRs and counts of a group from its intervals. */
static int
group_space(const struct grp *g, struct wi_group *out)
{
	struct pfx tmp[64];
	size_t i, n, total = 0;

	for (i = 0; i < g->niv; i++)
		total += eq_cidrs(g->iv[i].lo, g->iv[i].hi, tmp, 64);
	if ((out->cidrs = calloc(total, sizeof(*out->cidrs))) == NULL)
		return -ENOMEM;
	for (i = 0; i < g->niv; i++) {
		n = eq_cidrs(g->iv[i].lo, g->iv[i].hi, out->cidrs +
		    out->ncidrs, total - out->ncidrs);
		out->ncidrs += n;
		out->addresses += (uint64_t)g->iv[i].hi - g->iv[i].lo + 1;
	}
	out->example = g->iv[0].lo;
	return 0;
}

/* The variants of a fate key "p:id;...": probes with the same change
 * share one. */
static int
fate_variants(struct wi *w, const char *key, const struct probe *probes,
    size_t nglobal, struct wi_group *out)
{
	struct { size_t p; unsigned id; bool used; } e[64];
	struct sbuf lab = { NULL, 0, 0, 0 };
	const char *s = key;
	size_t ne = 0, i, j, cnt;
	int rc = 0, off;

	while (*s != '\0' && ne < 64) {
		if (sscanf(s, "%zu:%u;%n", &e[ne].p, &e[ne].id, &off) != 2)
			break;
		e[ne++].used = false;
		s += off;
	}
	if ((out->var = calloc(ne > 0 ? ne : 1, sizeof(*out->var))) == NULL)
		return -ENOMEM;
	for (i = 0; i < ne && rc == 0; i++) {
		struct wi_variant *v;

		if (e[i].used)
			continue;
		v = &out->var[out->nvar++];
		sb_reset(&lab);
		for (j = i, cnt = 0; j < ne; j++)
			if (e[j].id == e[i].id && e[j].p < nglobal)
				cnt++;
		if (cnt == nglobal)
			sb_printf(&lab, "all");
		for (j = i; j < ne; j++) {
			if (e[j].id != e[i].id)
				continue;
			e[j].used = true;
			if (cnt == nglobal && e[j].p < nglobal)
				continue;
			if (lab.len > 0)
				sb_printf(&lab, ", ");
			probe_label(&probes[e[j].p], false, &lab);
		}
		if (lab.err != 0 || (v->ports = strdup(lab.p)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		rc = fields_of(w->st.s[e[i].id], &v->fields, &v->nfields);
	}
	free(lab.p);
	return rc;
}

static const char *const nh_names[] = { "next hop" };

/* Turn the ranges' change ids into sorted groups. fate: the fate ids,
 * else the next-hop ids. */
static int
build_groups(struct wi *w, const struct range *rg, size_t n, bool fate,
    const struct probe *probes, size_t nglobal, struct wi_group **out,
    size_t *nout)
{
	uint32_t *slot = NULL;
	struct grp *g = NULL;
	size_t ng = 0, i;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if ((slot = malloc((w->st.n + 1) * sizeof(*slot))) == NULL)
		return -ENOMEM;
	for (i = 0; i <= w->st.n; i++)
		slot[i] = NONE_ID;
	for (i = 0; i < n && rc == 0; i++) {
		uint32_t id = fate ? rg[i].fate : rg[i].nh;

		if (id == NONE_ID)
			continue;
		if (slot[id] == NONE_ID) {
			struct grp *ngp = realloc(g, (ng + 1) * sizeof(*g));

			if (ngp == NULL) {
				rc = -ENOMEM;
				break;
			}
			g = ngp;
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].key = id;
			slot[id] = (uint32_t)ng++;
		}
		rc = grp_add(&g[slot[id]], rg[i].lo, rg[i].hi);
	}
	free(slot);
	if (rc == 0 && ng > 0) {
		qsort(g, ng, sizeof(*g), cmp_grp);
		if ((*out = calloc(ng, sizeof(**out))) == NULL)
			rc = -ENOMEM;
	}
	for (i = 0; i < ng && rc == 0; i++) {
		struct wi_group *o = &(*out)[i];
		const char *key = w->st.s[g[i].key];

		(*nout)++;
		if ((rc = group_space(&g[i], o)) != 0)
			break;
		if (fate) {
			rc = fate_variants(w, key, probes, nglobal, o);
		} else {
			const char *sep = strchr(key, SEP);
			char *b = strndup(key, (size_t)(sep - key));

			if (b == NULL || (o->var = calloc(1,
			    sizeof(*o->var))) == NULL ||
			    (o->var->ports = strdup("all")) == NULL) {
				free(b);
				rc = -ENOMEM;
				break;
			}
			o->nvar = 1;
			rc = diff_fields(b, sep + 1, nh_names, 1,
			    &o->var->fields, &o->var->nfields);
			free(b);
		}
	}
	for (i = 0; i < ng; i++)
		free(g[i].iv);
	free(g);
	return rc;
}

/*
 * Exhaustive diff: VM classes. Two VMs of one subnet with the same NIC
 * NSG and flags, whose addresses every prefix a source is checked
 * against (routes, NSG and firewall rule sources, tags, private space)
 * holds alike, on both sides, walk alike to every destination but their
 * own addresses: their outcomes differ only by their names and addresses,
 * so one's outcome changes where, and only where, the other's does. The
 * class's first VM is evaluated on every range; the others walk the
 * ranges where its outcome changed and the ranges of the two VMs' own
 * addresses, and their changes are their own walks'. ECMP (a route with
 * several next hops, an active-active gateway) picks by the source
 * address: then every VM is its own class.
 */

struct vmkey {
	size_t vb;			/* before side; va on the after side */
	size_t vnet[2], subnet[2], nsg[2];
	uint32_t pub[2], lb[2];		/* 0: none */
	bool snat[2];
	size_t src[2];			/* the address's source class */
};

struct vmclasses {
	size_t *rep;		/* per before-side VM: its class's first */
	uint8_t **changed;	/* per first VM of a class of several: the
				 * ranges whose outcome changed (bits) */
	size_t n;
};

static void
vmclasses_free(struct vmclasses *c)
{
	size_t i;

	for (i = 0; c->changed != NULL && i < c->n; i++)
		free(c->changed[i]);
	free(c->changed);
	free(c->rep);
	memset(c, 0, sizeof(*c));
}

/* Does any route of s pick among next hops, or any gateway of t? */
static bool
uses_ecmp(const struct topo *t, const struct sim *s)
{
	size_t i, j;

	for (i = 0; i < t->ngateways; i++)
		if (t->gateways[i].active_active &&
		    t->gateways[i].ninstance_ips >= 2)
			return true;
	for (j = 0; j < sim_ncontexts(s); j++) {
		const struct rtable *rt = sim_context_rtable(s, j);

		for (i = 0; i < rt->n; i++)
			if (rt->r[i].nnh > 1)
				return true;
	}
	return false;
}

/* The prefixes a source address is checked against, beyond a
 * destination's: rule sources and the private space (services.h). */
static void
cut_sources(struct cutset *c, const struct topo *t, const struct sim *s)
{
	size_t i, j, k;

	cut_topo(c, t, s, false);
	for (i = 0; i < t->nnsgs; i++)
		for (j = 0; j < t->nsgs[i].nrules; j++)
			cut_addr(c, t, &t->nsgs[i].rules[j].src);
	for (i = 0; i < t->nfirewalls; i++)
		for (j = 0; j < t->firewalls[i].ncolls; j++)
			for (k = 0; k < t->firewalls[i].colls[j].nrules; k++)
				cut_addr(c, t,
				    &t->firewalls[i].colls[j].rules[k].src);
	eq_add_pfx(c, (struct pfx){ IP4(10, 0, 0, 0), 8 });
	eq_add_pfx(c, (struct pfx){ IP4(172, 16, 0, 0), 12 });
	eq_add_pfx(c, (struct pfx){ IP4(192, 168, 0, 0), 16 });
	eq_add_pfx(c, (struct pfx){ IP4(100, 64, 0, 0), 10 });
}

/* The range of c that holds a. */
static size_t
eq_index(const struct cutset *c, uint32_t a)
{
	size_t lo = 0, hi = eq_count(c), mid;
	uint64_t rlo, rhi;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		eq_range(c, mid, &rlo, &rhi);
		if (rlo <= a)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
vmkey_side(struct vmkey *k, int side, const struct vm *v,
    const struct cutset *src)
{
	k->vnet[side] = v->vnet;
	k->subnet[side] = v->subnet;
	k->nsg[side] = v->nsg;
	k->pub[side] = v->has_public_ip ? v->public_ip : 0;
	k->lb[side] = v->has_lb_outbound_ip ? v->lb_outbound_ip : 0;
	k->snat[side] = v->snat;
	k->src[side] = eq_index(src, v->ip);
}

static int
vmkey_cmp(const void *x, const void *y)
{
	const struct vmkey *a = x, *b = y;
	int c = memcmp(&a->vnet, &b->vnet, offsetof(struct vmkey, src) -
	    offsetof(struct vmkey, vnet));

	if (c == 0)
		c = memcmp(a->src, b->src, sizeof(a->src));
	if (c == 0)
		c = a->vb < b->vb ? -1 : a->vb > b->vb;
	return c;
}

static bool
vmkey_same(const struct vmkey *a, const struct vmkey *b)
{
	return memcmp(&a->vnet, &b->vnet, offsetof(struct vmkey, src) -
	    offsetof(struct vmkey, vnet)) == 0 &&
	    memcmp(a->src, b->src, sizeof(a->src)) == 0;
}

/* The classes of the VMs on both sides; each VM its own class when
 * every is set (the brute force) or ECMP is used. 0 or -ENOMEM. */
static int
vm_classes(struct wi *w, size_t nranges, bool every, struct vmclasses *c)
{
	const struct topo *tb = w->tb;
	struct cutset src;
	struct vmkey *k = NULL;
	size_t vb, va, nk = 0, i, j;
	int rc = -ENOMEM;

	memset(c, 0, sizeof(*c));
	c->n = tb->nvms;
	if ((c->rep = calloc(tb->nvms + 1, sizeof(*c->rep))) == NULL ||
	    (c->changed = calloc(tb->nvms + 1, sizeof(*c->changed))) == NULL)
		return -ENOMEM;
	for (vb = 0; vb < tb->nvms; vb++)
		c->rep[vb] = vb;
	if (every || uses_ecmp(tb, w->sb) || uses_ecmp(w->ta, w->sa))
		return 0;
	eq_init(&src, (uint64_t)1 << 32);
	cut_sources(&src, tb, w->sb);
	cut_sources(&src, w->ta, w->sa);
	if ((rc = eq_finish(&src)) != 0 ||
	    (k = calloc(tb->nvms + 1, sizeof(*k))) == NULL) {
		rc = rc != 0 ? rc : -ENOMEM;
		goto out;
	}
	/* Appliances forward others' packets: each its own class. */
	for (vb = 0; vb < tb->nvms; vb++) {
		if (tb->vms[vb].ip_forwarding || (va = topo_vm_find(w->ta,
		    tb->vms[vb].name)) == TOPO_NONE ||
		    w->ta->vms[va].ip_forwarding)
			continue;
		memset(&k[nk], 0, sizeof(k[nk]));
		k[nk].vb = vb;
		vmkey_side(&k[nk], 0, &tb->vms[vb], &src);
		vmkey_side(&k[nk], 1, &w->ta->vms[va], &src);
		nk++;
	}
	qsort(k, nk, sizeof(*k), vmkey_cmp);
	rc = 0;
	for (i = 0; i < nk && rc == 0; i = j) {
		for (j = i + 1; j < nk && vmkey_same(&k[i], &k[j]); j++)
			c->rep[k[j].vb] = k[i].vb;
		if (j - i > 1 && (c->changed[k[i].vb] = calloc(nranges / 8 + 1,
		    1)) == NULL)
			rc = -ENOMEM;
	}
out:
	free(k);
	eq_free(&src);
	return rc;
}

static int
exhaustive_vm(struct wi *w, size_t vb, size_t va, const struct cutset *cut,
    const struct wi_scope *scope, const struct probe *probes, size_t nglobal,
    uint64_t *done, uint64_t total, const struct vmclasses *cls)
{
	const struct vm *vmb = &w->tb->vms[vb], *vma = &w->ta->vms[va];
	/* A VM whose class's first VM went before: that VM's changes (see
	 * vm_classes); the first VM of a class of several marks them. */
	size_t rb = cls->rep[vb];
	const uint8_t *only = rb != vb ? cls->changed[rb] : NULL;
	uint8_t *mark = rb == vb ? cls->changed[vb] : NULL;
	uint32_t own[4] = { vmb->ip, vma->ip, w->tb->vms[rb].ip, 0 };
	const struct rtable *rtb = sim_rtable(w->sb, vmb->vnet, vmb->subnet);
	const struct rtable *rta = sim_rtable(w->sa, vma->vnet, vma->subnet);
	size_t cb = sim_context_of(w->sb, vmb->vnet, vmb->subnet);
	size_t ca = sim_context_of(w->sa, vma->vnet, vma->subnet);
	struct sbuf key = { NULL, 0, 0, 0 }, tmp = { NULL, 0, 0, 0 };
	struct range *rg;
	struct wi_vm *out;
	size_t n = eq_count(cut), i, k, nchanged_nh = 0, nchanged = 0;
	uint64_t lo, hi;
	int rc = 0;

	if ((rg = calloc(n, sizeof(*rg))) == NULL)
		return -ENOMEM;
	if (only != NULL) {
		size_t ra = topo_vm_find(w->ta, w->tb->vms[rb].name);

		own[3] = ra != TOPO_NONE ? w->ta->vms[ra].ip : own[2];
	}
	for (i = 0; i < n && rc == 0; i++) {
		const struct service *svc;

		eq_range(cut, i, &lo, &hi);
		rg[i].lo = (uint32_t)lo;
		rg[i].hi = (uint32_t)hi;
		rg[i].nh = rg[i].fate = NONE_ID;
		/* Outside what the change can touch, the representative's
		 * outcome is the same on both sides (wiscope.h). */
		if (!wi_scope_meets_vm(scope, cb, ca, lo, hi))
			goto next;
		w->res->pairs_walked++;
		/* The next hop of the VM's subnet. */
		sb_reset(&w->b1);
		sb_reset(&w->b2);
		nexthop_text(rtb, rg[i].lo, &w->b1);
		nexthop_text(rta, rg[i].lo, &w->b2);
		if (w->b1.err != 0 || w->b2.err != 0) {
			rc = -ENOMEM;
			break;
		}
		if (strcmp(w->b1.p, w->b2.p) != 0) {
			sb_printf(&w->b1, "%c%s", SEP, w->b2.p);
			if (w->b1.err != 0 || (rg[i].nh = st_intern(&w->st,
			    w->b1.p)) == NONE_ID) {
				rc = -ENOMEM;
				break;
			}
			nchanged_nh++;
		}
		/* The class's first VM changed nothing here, and the range
		 * holds neither VM's address: neither does this one. */
		if (only != NULL && !(only[i / 8] & (1u << (i % 8))) &&
		    !(own[0] >= lo && own[0] <= hi) &&
		    !(own[1] >= lo && own[1] <= hi) &&
		    !(own[2] >= lo && own[2] <= hi) &&
		    !(own[3] >= lo && own[3] <= hi))
			goto next;
		/* The outcome per port class, and the service's own port. */
		sb_reset(&key);
		for (k = 0; k < nglobal && rc == 0; k++)
			rc = eval_probe(w, vb, va, rg[i].lo, k, &probes[k],
			    &key, &tmp);
		svc = service_at(w->tb, rg[i].lo);
		if (svc == NULL)
			svc = service_at(w->ta, rg[i].lo);
		if (rc == 0 && svc != NULL && lo == hi) {
			struct svc_probe tg[1];
			size_t ntg;

			/* One target, as svc is there; a service that
			 * svc_probe_add does not take adds no probe. */
			ntg = svc_probe_add(tg, 0, 1, svc == service_at(w->tb,
			    rg[i].lo) ? w->tb : w->ta, rg[i].lo);
			/* Not when a port class of its own is the
			 * service's port (a rule names it): that probe
			 * already said it. */
			for (k = 0; k < nglobal && ntg == 1; k++)
				if (probes[k].proto == tg[0].proto &&
				    probes[k].lo == tg[0].port &&
				    probes[k].hi == tg[0].port)
					ntg = 0;
			for (k = nglobal; k < nglobal + 4 && ntg == 1; k++)
				if (probes[k].proto == tg[0].proto &&
				    probes[k].rep == tg[0].port)
					rc = eval_probe(w, vb, va, rg[i].lo, k,
					    &probes[k], &key, &tmp);
		}
		if (rc == 0 && key.len > 0) {
			if ((rg[i].fate = st_intern(&w->st, key.p)) == NONE_ID)
				rc = -ENOMEM;
			nchanged++;
			if (mark != NULL)
				mark[i / 8] |= (uint8_t)(1u << (i % 8));
		}
next:
		if (rc == 0 && w->o->progress != NULL &&
		    ((*done)++ % WI_TICK == 0 || *done == total) &&
		    w->o->progress(w->o->progress_arg, *done, total) != 0)
			rc = -ECANCELED;
	}
	free(key.p);
	free(tmp.p);
	if (rc != 0 || (nchanged == 0 && nchanged_nh == 0)) {
		free(rg);
		return rc;
	}
	{
		struct wi_vm *nv = realloc(w->res->vms, (w->res->nvms + 1) *
		    sizeof(*nv));

		if (nv == NULL) {
			free(rg);
			return -ENOMEM;
		}
		w->res->vms = nv;
	}
	out = &w->res->vms[w->res->nvms++];
	memset(out, 0, sizeof(*out));
	out->nranges = n;
	out->nprobes = nglobal;
	if ((out->vm = strdup(vma->name)) == NULL ||
	    dupf(&out->where, "%s/%s", w->ta->vnets[vma->vnet].name,
	    topo_vm_subnet(w->ta, vma)->name) != 0)
		rc = -ENOMEM;
	if (rc == 0)
		rc = build_groups(w, rg, n, false, probes, nglobal,
		    &out->nexthop, &out->nnexthop);
	if (rc == 0)
		rc = build_groups(w, rg, n, true, probes, nglobal, &out->fate,
		    &out->nfate);
	free(rg);
	return rc;
}

static int
exhaustive(struct wi *w)
{
	struct cutset cut, ports;
	struct wi_scope scope = { 0 };
	struct vmclasses cls = { NULL, NULL, 0 };
	struct probe *probes = NULL;
	size_t nglobal, np, i, k, vb, va, nvms = 0;
	uint64_t lo, hi, done = 0, total;
	bool udp = false;
	static const struct probe svc_probes[4] = {
		{ PROTO_TCP, 1688, 1688, 1688 }, { PROTO_TCP, 443, 443, 443 },
		{ PROTO_UDP, 53, 53, 53 }, { PROTO_TCP, 80, 80, 80 },
	};
	int rc;

	eq_init(&cut, (uint64_t)1 << 32);
	eq_init(&ports, (uint64_t)1 << 16);
	cut_topo(&cut, w->tb, w->sb, true);
	cut_topo(&cut, w->ta, w->sa, true);
	cut_ports(&ports, w->tb, &udp);
	cut_ports(&ports, w->ta, &udp);
	if ((rc = eq_finish(&cut)) != 0 || (rc = eq_finish(&ports)) != 0)
		goto out;
	np = eq_count(&ports);
	nglobal = np * (udp ? 2 : 1);
	if ((probes = calloc(nglobal + 4, sizeof(*probes))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (k = 0; k < (udp ? 2u : 1u); k++)
		for (i = 0; i < np; i++) {
			struct probe *p = &probes[k * np + i];

			eq_range(&ports, i, &lo, &hi);
			p->proto = k == 0 ? PROTO_TCP : PROTO_UDP;
			p->lo = (uint16_t)lo;
			p->hi = (uint16_t)hi;
			/* Port 0 is no port a connection uses. */
			p->rep = lo == 0 && hi > 0 ? 1 : (uint16_t)lo;
		}
	memcpy(probes + nglobal, svc_probes, sizeof(svc_probes));
	for (vb = 0; vb < w->tb->nvms; vb++)
		if (topo_vm_find(w->ta, w->tb->vms[vb].name) != TOPO_NONE)
			nvms++;
	total = (uint64_t)nvms * eq_count(&cut);
	w->res->pairs = total;
	if (w->o->every_range)
		scope.all = true;
	else if ((rc = wi_scope_build(w->o->change, w->tb, w->sb, w->ta,
				      w->sa, &scope)) != 0)
		goto out;
	w->res->scope_all = scope.all ? (scope.why_all ? scope.why_all :
	    "every range was asked for") : NULL;
	if ((rc = vm_classes(w, eq_count(&cut), w->o->every_range, &cls)) != 0)
		goto out;
	for (vb = 0; vb < w->tb->nvms && rc == 0; vb++) {
		if ((va = topo_vm_find(w->ta, w->tb->vms[vb].name)) ==
		    TOPO_NONE)
			continue;
		w->res->vms_compared++;
		rc = exhaustive_vm(w, vb, va, &cut, &scope, probes, nglobal,
		    &done, total, &cls);
	}
out:
	vmclasses_free(&cls);
	wi_scope_free(&scope);
	free(probes);
	eq_free(&cut);
	eq_free(&ports);
	return rc;
}

static int
vm_notes(struct wi *w)
{
	struct whatif_result *r = w->res;
	size_t i, side;

	for (side = 0; side < 2; side++) {
		const struct topo *t = side == 0 ? w->tb : w->ta;
		const struct topo *o = side == 0 ? w->ta : w->tb;

		for (i = 0; i < t->nvms; i++) {
			char **nn;

			if (topo_vm_find(o, t->vms[i].name) != TOPO_NONE)
				continue;
			if ((nn = realloc(r->vm_notes, (r->nvm_notes + 1) *
			    sizeof(*nn))) == NULL)
				return -ENOMEM;
			r->vm_notes = nn;
			if (dupf(&nn[r->nvm_notes], "VM %s is only %s",
			    t->vms[i].name, side == 0 ? "before" :
			    "after") != 0)
				return -ENOMEM;
			r->nvm_notes++;
		}
	}
	return 0;
}

int
whatif_run(const struct topo *tb, struct sim *sb, const struct topo *ta,
    struct sim *sa, const struct whatif_opts *opts,
    struct whatif_result *out)
{
	struct wi w;
	int rc;

	if (tb == NULL || sb == NULL || ta == NULL || sa == NULL ||
	    opts == NULL || out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.tb = tb;
	w.ta = ta;
	w.sb = sb;
	w.sa = sa;
	w.o = opts;
	w.res = out;
	out->exhaustive = opts->exhaustive;
	w.rb = calloc(1, sizeof(*w.rb));
	w.ra = calloc(1, sizeof(*w.ra));
	if (w.rb == NULL || w.ra == NULL)
		rc = -ENOMEM;
	else if ((rc = vm_notes(&w)) == 0 && (rc = flow_diff(&w)) == 0 &&
	    (!opts->services || (rc = service_diff(&w)) == 0) &&
	    opts->exhaustive)
		rc = exhaustive(&w);
	if (w.rb != NULL)
		flow_result_free(w.rb);
	if (w.ra != NULL)
		flow_result_free(w.ra);
	free(w.rb);
	free(w.ra);
	free(w.b1.p);
	free(w.b2.p);
	st_free(&w.st);
	if (rc != 0) {
		whatif_free(out);
		return rc;
	}
	out->changed = out->nflows > 0 || out->nvms > 0 ||
	    out->nvm_notes > 0;
	return 0;
}

static void
free_groups(struct wi_group *g, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < g[i].nvar; j++) {
			free(g[i].var[j].ports);
			free_fields(g[i].var[j].fields, g[i].var[j].nfields);
		}
		free(g[i].var);
		free(g[i].cidrs);
	}
	free(g);
}

void
whatif_free(struct whatif_result *r)
{
	size_t i;

	for (i = 0; i < r->nflows; i++) {
		free(r->flows[i].name);
		free(r->flows[i].desc);
		free_fields(r->flows[i].fields, r->flows[i].nfields);
	}
	free(r->flows);
	for (i = 0; i < r->nfailing; i++) {
		struct wi_failing *f = &r->failing[i];

		free(f->name);
		free(f->desc);
		free(f->vm);
		free(f->reason);
		free(f->reason_before);
		free(f->drop_reason);
		free(f->at);
		free(f->nsg_rule);
		free(f->route);
		free(f->route_before);
		free(f->activation);
		free(f->source_seen);
	}
	free(r->failing);
	for (i = 0; i < r->nvms; i++) {
		free(r->vms[i].vm);
		free(r->vms[i].where);
		free_groups(r->vms[i].nexthop, r->vms[i].nnexthop);
		free_groups(r->vms[i].fate, r->vms[i].nfate);
	}
	free(r->vms);
	for (i = 0; i < r->nvm_notes; i++)
		free(r->vm_notes[i]);
	free(r->vm_notes);
	memset(r, 0, sizeof(*r));
}
