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

/* v in decimal, ending at the end of num[24]: its first digit. */
static const char *
dec(unsigned long long v, bool neg, char *num)
{
	char *e = num + 23;

	*e = '\0';
	do
		*--e = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (neg)
		*--e = '-';
	return e;
}

/*
 * vsnprintf for trace lines, by hand for what they use (%s, %u, %d, %c,
 * %zu, %%): a traced walk writes a few lines per hop, and the C
 * library's vsnprintf sets up a stream for each. Any other conversion
 * (a width, a precision, a flag, a NULL string) is the library's, for the
 * whole line. The same bytes and return value as vsnprintf.
 */
static int
trace_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	char num[24];
	const char *f, *s;
	size_t o = 0, n, i;
	long long d;
	va_list cp;

	va_copy(cp, ap);
	for (f = fmt; *f != '\0'; f++) {
		if (*f != '%') {
			if (o + 1 < size)
				buf[o] = *f;
			o++;
			continue;
		}
		switch (*++f) {
		case 's':
			if ((s = va_arg(cp, const char *)) == NULL)
				goto library;
			break;
		case 'u':
			s = dec(va_arg(cp, unsigned), false, num);
			break;
		case 'z':
			if (f[1] != 'u')
				goto library;
			f++;
			s = dec(va_arg(cp, size_t), false, num);
			break;
		case 'd':
			d = va_arg(cp, int);
			s = dec(d < 0 ? 0ull - (unsigned long long)d :
			    (unsigned long long)d, d < 0, num);
			break;
		case 'c':
			/* One byte, a NUL too. */
			if (o + 1 < size)
				buf[o] = (char)va_arg(cp, int);
			else
				(void)va_arg(cp, int);
			o++;
			continue;
		case '%':
			s = "%";
			break;
		default:
			goto library;
		}
		n = strlen(s);
		for (i = 0; i < n && o + 1 < size; i++)
			buf[o++] = s[i];
		o += n - i;
	}
	va_end(cp);
	if (size > 0)
		buf[o < size ? o : size - 1] = '\0';
	return o > INT_MAX ? -1 : (int)o;
library:
	va_end(cp);
	return vsnprintf(buf, size, fmt, ap);
}

int
walk_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = trace_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static struct hop *
hop_new(struct walk *w, const char *node)
{
	struct flow_result *r = w->r;
	struct hop *h;

	if (w->quiet) {		/* sim_decide: no trace */
		w->scratch.quiet = true;
		return &w->scratch;
	}
	if (VEC_GROW(r->hops, r->nhops, r->chops) != 0) {
		walk_fail(w, -ENOMEM);
		h = &w->scratch;
	} else {
		h = &r->hops[r->nhops++];
	}
	memset(h, 0, sizeof(*h));
	h->reply = w->reply;
	walk_copy_name(h->node, sizeof(h->node), node);
	walk_hop_pkt(w, h);
	return h;
}

struct hop *
walk_hop(struct walk *w, const char *node, const char *fmt, ...)
{
	struct hop *h = hop_new(w, node);
	va_list ap;

	if (h->quiet)
		return h;
	va_start(ap, fmt);
	trace_vfmt(h->what, sizeof(h->what), fmt, ap);
	va_end(ap);
	return h;
}

void
hop_why(struct hop *h, const char *fmt, ...)
{
	va_list ap;

	if (h->quiet)
		return;
	va_start(ap, fmt);
	trace_vfmt(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
}

const char *
trace_ip(const struct walk *w, uint32_t ip, char buf[IP_STRLEN])
{
	return w->quiet ? "" : ip_format(ip, buf);
}

const char *
trace_pfx(const struct walk *w, struct pfx p, char buf[PFX_STRLEN])
{
	return w->quiet ? "" : pfx_format(p, buf);
}

/* strlcpy: a name into a result's field, cut at its size. */
void
walk_copy_name(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n > size - 1)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
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
	char (**path)[SIM_NODE_LEN] = w->reply ? &r->rpath : &r->path;
	size_t *n = w->reply ? &r->nrpath : &r->npath;
	size_t *cap = w->reply ? &r->crpath : &r->cpath;

	size_t len = strlen(node);

	if (VEC_GROW(*path, *n, *cap) != 0) {
		walk_fail(w, -ENOMEM);
		return;
	}
	if (len > SIM_NODE_LEN - 1)
		len = SIM_NODE_LEN - 1;
	memcpy((*path)[*n], node, len);
	(*path)[(*n)++][len] = '\0';
}

struct hop *
walk_drop(struct walk *w, const char *node, const char *reason)
{
	struct hop *h = walk_hop(w, node, "dropped: %s", reason);

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
	char (*path)[SIM_NODE_LEN] = r->path, (*rpath)[SIM_NODE_LEN] = r->rpath;
	struct natrec *nat = r->nat;
	struct xing *xing = r->xing;
	struct fwrec *fw = r->fw;
	struct lpoint *lpt = r->lpt;
	size_t clpt = r->clpt;
	size_t chops = r->chops, cpath = r->cpath, crpath = r->crpath;
	size_t cnat = r->cnat, cxing = r->cxing, cfw = r->cfw;

	/* Everything up to the request's bytes and the expectations'
	 * texts, which the walk and expect_check write whole. */
	memset(r, 0, offsetof(struct flow_result, request));
	r->request.len = 0;
	r->hops = hops;
	r->chops = chops;
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
	snprintf(n->who, sizeof(n->who), "%s", who);
}
