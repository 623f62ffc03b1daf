/*
 * trace.c: what a walk records. The trace lines (a decision-only walk
 * writes none), the path of each direction, the translations the answer
 * undoes and the crossings of capture points the captures are built
 * from: growable arrays, so no verdict depends on their size; a failure
 * to grow is kept in w->err and the walk goes on in scratch space.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/walkint.h"
#include "topology/vec.h"

/* The walk's first internal failure is kept; the walk goes on writing
 * into scratch space and sim_run_flow returns the failure. */
void
walk_fail(struct walk *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

int
fr_put(struct flow_result *r, const char *a, size_t na, const char *b,
       size_t nb, uint32_t *out)
{
	uintptr_t p0 = (uintptr_t)r->pool, pe = p0 + r->npool;
	size_t off, ao = SIZE_MAX, bo = SIZE_MAX;

	*out = 0;
	if (na + nb == 0)
		return 0;
	/* A string of the pool itself (a local point's name) moves when
	 * the pool grows: kept as an offset across the growth. */
	if (p0 != 0 && na > 0 && (uintptr_t)a >= p0 && (uintptr_t)a < pe)
		ao = (size_t)((uintptr_t)a - p0);
	if (p0 != 0 && nb > 0 && (uintptr_t)b >= p0 && (uintptr_t)b < pe)
		bo = (size_t)((uintptr_t)b - p0);
	if (r->npool == 0) {
		if (VEC_RESERVE(r->pool, r->cpool, 1) != 0)
			return -ENOMEM;
		r->pool[0] = '\0';
		r->npool = 1;
	}
	off = r->npool;
	if (na >= UINT32_MAX || nb >= UINT32_MAX - na ||
	    na + nb >= UINT32_MAX - off)
		return -E2BIG;
	if (VEC_RESERVE(r->pool, r->cpool, off + na + nb + 1) != 0)
		return -ENOMEM;
	if (ao != SIZE_MAX)
		a = r->pool + ao;
	if (bo != SIZE_MAX)
		b = r->pool + bo;
	if (na)
		memcpy(r->pool + off, a, na);
	if (nb)
		memcpy(r->pool + off + na, b, nb);
	r->pool[off + na + nb] = '\0';
	r->npool = off + na + nb + 1;
	*out = (uint32_t)off;
	return 0;
}

/* The pool's offset of a copy of a then b, one string (0 for ""), or 0
 * with the failure kept in w->err. */
uint32_t
walk_str2(struct walk *w, const char *a, const char *b)
{
	uint32_t off;
	int rc;

	if ((rc = fr_put(w->r, a, a ? strlen(a) : 0, b, b ? strlen(b) : 0,
			 &off)) != 0)
		walk_fail(w, rc);
	return off;
}

uint32_t
walk_str(struct walk *w, const char *s)
{
	return walk_str2(w, s, NULL);
}

/* Append segment tmpl with its arguments a (up to TARG_END) to the log,
 * then TARG_END: its first index, or -errno with the log as it was. */
static int64_t
log_segment(struct walk *w, const char *tmpl, const struct targ *a)
{
	struct flow_result *r = w->r;
	size_t n, i, first = r->ntarg;
	struct targ *t;

	for (n = 0; a[n].type != TARG_END; n++)
		;
	if (first + n + 2 > UINT32_MAX)
		return -E2BIG;
	if (VEC_RESERVE(r->targ, r->ctarg, first + n + 2) != 0)
		return -ENOMEM;
	t = &r->targ[first];
	t->type = TARG_TMPL;
	t->plen = 0;
	t->u.lit = tmpl;
	for (i = 0; i < n; i++) {
		t[i + 1] = a[i];
		if (a[i].type == TARG_NAME) {
			/* A name: copied, so the result owns it. */
			t[i + 1].type = TARG_STR;
			t[i + 1].u.v = walk_str(w, a[i].u.lit);
		}
	}
	t[n + 1].type = TARG_END;
	t[n + 1].plen = 0;
	t[n + 1].u.v = 0;
	r->ntarg = first + n + 2;
	return (int64_t)first;
}

/* A new line: its first index, or HOP_NONE after a failure (w->err). */
static uint32_t
log_line(struct walk *w, const char *tmpl, const struct targ *a)
{
	int64_t k = log_segment(w, tmpl, a);

	if (k < 0) {
		walk_fail(w, (int)k);
		return HOP_NONE;
	}
	return (uint32_t)k;
}

struct hop *
walk_hop_(struct walk *w, enum hop_kind kind, const char *node,
	  const char *tmpl, const struct targ *a)
{
	struct flow_result *r = w->r;
	struct hop *h;
	uint32_t what;

	if (w->quiet)		/* sim_decide: no trace */
		return &w->scratch;
	if (VEC_GROW(r->hops, r->nhops, r->chops) != 0) {
		walk_fail(w, -ENOMEM);
		return &w->scratch;
	}
	if ((what = log_line(w, tmpl, a)) == HOP_NONE)
		return &w->scratch;
	h = &r->hops[r->nhops];
	h->what = what;
	h->why = HOP_NONE;
	h->node = walk_str(w, node);
	h->ctx = h->route = h->rule = h->nat = h->xing = HOP_NONE;
	h->kind = (uint8_t)kind;
	h->reply = w->reply;
	h->pad[0] = h->pad[1] = 0;
	walk_hop_pkt(w, h);
	if (w->err != 0)
		return &w->scratch;
	r->nhops++;
	return h;
}

void
hop_why_(struct walk *w, struct hop *h, const char *tmpl,
	 const struct targ *a)
{
	if (h == &w->scratch)
		return;
	h->why = log_line(w, tmpl, a);
}

void
hop_what_(struct walk *w, struct hop *h, const char *tmpl,
	  const struct targ *a)
{
	uint32_t k;

	if (h == &w->scratch)
		return;
	if ((k = log_line(w, tmpl, a)) != HOP_NONE)
		h->what = k;
}

static int
why_seg(struct tsink *k, const char *tmpl, const struct targ *a)
{
	struct why_sink *s = (struct why_sink *)k;

	hop_why_more_(s->w, s->h, tmpl, a);
	return s->w->err;
}

struct tsink *
why_sink(struct why_sink *s, struct walk *w, struct hop *h)
{
	s->k.seg = why_seg;
	s->w = w;
	s->h = h;
	return &s->k;
}

/* The index of the TARG_END that ends the line starting at k. */
static size_t
line_end(const struct flow_result *r, size_t k)
{
	while (r->targ[k].type != TARG_END) {
		if (r->targ[k].type == TARG_JUMP)
			k = (size_t)r->targ[k].u.v;
		else
			k++;
	}
	return k;
}

void
hop_why_more_(struct walk *w, struct hop *h, const char *tmpl,
	      const struct targ *a)
{
	struct flow_result *r = w->r;
	size_t end;
	int64_t k;

	if (h == &w->scratch)
		return;
	if (h->why == HOP_NONE) {
		hop_why_(w, h, tmpl, a);
		return;
	}
	end = line_end(r, h->why);
	if (end + 1 == r->ntarg) {
		/* The line is the log's last: the segment goes on it. */
		r->ntarg = end;
		if ((k = log_segment(w, tmpl, a)) < 0) {
			r->ntarg = end + 1;
			walk_fail(w, (int)k);
		}
		return;
	}
	if ((k = log_segment(w, tmpl, a)) < 0) {
		walk_fail(w, (int)k);
		return;
	}
	r->targ[end].type = TARG_JUMP;
	r->targ[end].u.v = (uint64_t)k;
}

/* Refresh the packet fields of a hop after a rewrite. */
void
walk_hop_pkt(struct walk *w, struct hop *h)
{
	h->src = pkt_src(w->p);
	h->dst = pkt_dst(w->p);
	h->sport = pkt_sport(w->p);
	h->dport = pkt_dport(w->p);
}

void
walk_path(struct walk *w, const char *node)
{
	struct flow_result *r = w->r;
	uint32_t **path = w->reply ? &r->rpath : &r->path;
	size_t *n = w->reply ? &r->nrpath : &r->npath;
	size_t *cap = w->reply ? &r->crpath : &r->cpath;
	uint32_t off;

	if (VEC_GROW(*path, *n, *cap) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	off = walk_str(w, node);
	if (w->err == 0)
		(*path)[(*n)++] = off;
}

struct hop *
walk_drop(struct walk *w, const char *node, const char *reason)
{
	struct hop *h = walk_hop(w, HOP_DROP, node, "dropped: %s",
				 ta_lit(reason));

	if (w->reply) {
		w->r->reply_drop_reason = reason;
		w->r->reply_delivered = false;
	} else {
		w->r->drop_reason = reason;
		w->r->delivered = false;
	}
	w->done = true;
	return h;
}

void
flow_result_free(struct flow_result *r)
{
	free(r->hops);
	free(r->targ);
	free(r->pool);
	free(r->path);
	free(r->rpath);
	free(r->nat);
	free(r->xing);
	free(r->fw);
	free(r->lpt);
	memset(r, 0, sizeof(*r));
}

/* Zero r for a new flow, keeping its arrays' memory. */
void
flow_result_reset(struct flow_result *r)
{
	struct hop *hops = r->hops;
	struct targ *targ = r->targ;
	char *pool = r->pool;
	uint32_t *path = r->path, *rpath = r->rpath;
	struct natrec *nat = r->nat;
	struct xing *xing = r->xing;
	struct fwrec *fw = r->fw;
	struct lpoint *lpt = r->lpt;
	size_t clpt = r->clpt, ctarg = r->ctarg, cpool = r->cpool;
	size_t chops = r->chops, cpath = r->cpath, crpath = r->crpath;
	size_t cnat = r->cnat, cxing = r->cxing, cfw = r->cfw;

	/* Everything up to the request's bytes, which the walk writes
	 * whole. */
	memset(r, 0, offsetof(struct flow_result, request));
	r->request.len = 0;
	r->hops = hops;
	r->chops = chops;
	r->targ = targ;
	r->ctarg = ctarg;
	r->pool = pool;
	r->cpool = cpool;
	r->path = path;
	r->cpath = cpath;
	r->rpath = rpath;
	r->crpath = crpath;
	r->nat = nat;
	r->cnat = cnat;
	r->xing = xing;
	r->cxing = cxing;
	r->fw = fw;
	r->cfw = cfw;
	r->lpt = lpt;
	r->clpt = clpt;
}

void
walk_xing_at(struct walk *w, uint32_t point, enum link_kind link)
{
	struct flow_result *r = w->r;
	struct xing *x;

	if (link < LINK_COUNT)
		w->clock_us += w->t->timing.us[link];
	if (VEC_GROW(r->xing, r->nxing, r->cxing) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	x = &r->xing[r->nxing++];
	memset(x, 0, sizeof(*x));
	x->src = pkt_src(w->p);
	x->dst = pkt_dst(w->p);
	x->sport = pkt_sport(w->p);
	x->dport = pkt_dport(w->p);
	x->ttl = pkt_ttl(w->p);
	x->point = point;
	x->reply = w->reply;
	x->hop = (uint16_t)(r->nhops ? r->nhops - 1 : 0);
	x->at_us = w->clock_us;
	if (r->nhops > 0 && r->hops[r->nhops - 1].xing == HOP_NONE)
		r->hops[r->nhops - 1].xing = (uint32_t)(r->nxing - 1);
}

void
walk_xing(struct walk *w, enum cap_kind kind, const char *inst,
	  enum link_kind link)
{
	int64_t pt;

	if ((pt = walk_point(w, kind, inst)) < 0) {
		walk_fail(w, (int)pt);
		return;
	}
	walk_xing_at(w, (uint32_t)pt, link);
}

/* Remember a translation at the last capture point crossed, for the
 * reply (MODEL §7: NAT is stateful). */
void
walk_nat(struct walk *w, const char *who, uint32_t inside, uint16_t iport,
	 uint32_t outside, uint16_t oport)
{
	struct flow_result *r = w->r;
	struct natrec *n;
	size_t k;

	if (r->nxing == 0)
		return;		/* only after a failure, which w->err holds */
	if (VEC_GROW(r->nat, r->nnat, r->cnat) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	n = &r->nat[r->nnat++];
	n->point = r->xing[r->nxing - 1].point;
	n->inside = inside;
	n->inside_port = iport;
	n->outside = outside;
	n->outside_port = oport;
	n->who = walk_str(w, who);
	/* The line that shows it: this direction's last translation line
	 * (each makes one translation; a hairpin's circuit line may follow
	 * its SNAT line). */
	for (k = r->nhops; k-- > 0 && r->hops[k].reply == w->reply;)
		if (r->hops[k].kind == HOP_NAT) {
			if (r->hops[k].nat == HOP_NONE)
				r->hops[k].nat = (uint32_t)(r->nnat - 1);
			break;
		}
}
