/*
 * replay.c: a recorded capture's packets judged flow by flow (replay.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/replay.h"
#include "sim/services.h"
#include "topology/names.h"
#include "topology/vec.h"

/* A scenario flow of the replayed VM, resolved once: a replayed flow to
 * the same address, protocol and port is named after it. */
struct sflow {
	uint32_t dst;
	unsigned proto;
	uint16_t port, sport;
	size_t idx;
};

/*
 * The replay: its flows in arrival order, an open-addressing index over
 * them (slot holds a flow's index + 1; 0 is empty; the load stays under
 * one half), the skip counters, and the synthetic flow and result the
 * engine fills for each new flow (reused: nothing is allocated per
 * packet).
 */
struct replay {
	struct sim *s;
	const struct topo *t;
	size_t vm;
	uint32_t vmip;
	replay_flow_cb cb;
	void *arg;
	struct replay_flow *flows;
	size_t n, cap;
	uint32_t *slot;
	size_t nslot;			/* a power of two */
	uint64_t skipped[RSKIP_COUNT];
	struct sflow *sf;
	size_t nsf;
	struct flow fl;
	char name[32];
	char to[IP_STRLEN];
	struct flow_result *r;
};

static const char *const skip_names[RSKIP_COUNT] = {
	[RSKIP_NONE] = "judged",
	[RSKIP_NOT_IPV4] = "not-ipv4",
	[RSKIP_OTHER_PROTO] = "other-protocol",
	[RSKIP_FRAGMENT] = "fragment",
	[RSKIP_CUT] = "cut",
	[RSKIP_NOT_VM] = "not-the-vm",
	[RSKIP_UNSOLICITED] = "unsolicited",
};

const char *
replay_skip_name(enum replay_skip k)
{
	return k < RSKIP_COUNT ? skip_names[k] : "?";
}

static uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint16_t
be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static size_t
tuple_hash(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp,
	   uint8_t proto)
{
	uint64_t h = ((uint64_t)src << 32 | dst) ^
		     (((uint64_t)sp << 24 | (uint64_t)dp << 8 | proto) *
		      0x9e3779b97f4a7c15ull);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h;
}

static int
index_grow(struct replay *rp)
{
	size_t n = rp->nslot ? rp->nslot * 2 : 1024, i, j;
	uint32_t *slot;

	if ((slot = calloc(n, sizeof(*slot))) == NULL)
		return -ENOMEM;
	for (i = 0; i < rp->n; i++) {
		const struct replay_flow *f = &rp->flows[i];

		j = tuple_hash(f->src, f->dst, f->sport, f->dport, f->proto);
		while (slot[j & (n - 1)] != 0)
			j++;
		slot[j & (n - 1)] = (uint32_t)(i + 1);
	}
	free(rp->slot);
	rp->slot = slot;
	rp->nslot = n;
	return 0;
}

/* The flow of this tuple (VM side first), or SIZE_MAX; *at gets the
 * empty slot where it would go. */
static size_t
index_find(const struct replay *rp, uint32_t src, uint32_t dst, uint16_t sp,
	   uint16_t dp, uint8_t proto, size_t *at)
{
	size_t j = tuple_hash(src, dst, sp, dp, proto), m = rp->nslot - 1;

	for (;; j++) {
		uint32_t v = rp->slot[j & m];
		const struct replay_flow *f;

		if (v == 0) {
			*at = j & m;
			return SIZE_MAX;
		}
		f = &rp->flows[v - 1];
		if (f->src == src && f->dst == dst && f->sport == sp &&
		    f->dport == dp && f->proto == proto)
			return v - 1;
	}
}

int
replay_new(struct sim *s, size_t vm, replay_flow_cb cb, void *arg,
	   struct replay **out)
{
	const struct topo *t;
	struct replay *rp;
	uint32_t ips[1];
	const char *origin;
	size_t i;

	*out = NULL;
	if (s == NULL || (t = sim_topo(s)) == NULL || vm >= t->nvms)
		return -EINVAL;
	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return -ENOMEM;
	rp->s = s;
	rp->t = t;
	rp->vm = vm;
	rp->vmip = t->vms[vm].ip;
	rp->cb = cb;
	rp->arg = arg;
	if ((rp->r = calloc(1, sizeof(*rp->r))) == NULL ||
	    (t->nflows > 0 &&
	     (rp->sf = calloc(t->nflows, sizeof(*rp->sf))) == NULL) ||
	    index_grow(rp) != 0) {
		replay_free(rp);
		return -ENOMEM;
	}
	for (i = 0; i < t->nflows; i++) {
		const struct flow *f = &t->flows[i];

		if (f->vm != vm || dns_resolve(t, f->to, ips, 1, &origin) == 0)
			continue;
		rp->sf[rp->nsf++] = (struct sflow){ ips[0], f->proto, f->port,
			sim_flow_sport(t, f), i };
	}
	rp->fl.name = rp->name;
	rp->fl.to = rp->to;
	rp->fl.vm = vm;
	rp->fl.has_sport = true;
	*out = rp;
	return 0;
}

void
replay_free(struct replay *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->n; i++) {
		free(rp->flows[i].xing);
		free(rp->flows[i].pts);
		free(rp->flows[i].v.where);
	}
	free(rp->flows);
	free(rp->slot);
	free(rp->sf);
	if (rp->r != NULL)
		flow_result_free(rp->r);
	free(rp->r);
	free(rp);
}

/* The scenario flow a replayed one matches: same address, protocol and
 * port; the one with the same source port first. */
static size_t
scenario_match(const struct replay *rp, const struct replay_flow *f)
{
	size_t i, best = TOPO_NONE;

	for (i = 0; i < rp->nsf; i++) {
		const struct sflow *s = &rp->sf[i];

		if (s->dst != f->dst || s->proto != f->proto ||
		    s->port != f->dport)
			continue;
		if (s->sport == f->sport)
			return s->idx;
		if (best == TOPO_NONE)
			best = s->idx;
	}
	return best;
}

/* Replay the first packet of a new flow through the engine and keep
 * what later packets need. */
static int
flow_judge(struct replay *rp, struct replay_flow *f)
{
	struct flow_result *r = rp->r;
	size_t i, k, n[2] = { 0, 0 };
	int rc;

	snprintf(rp->name, sizeof(rp->name), "packet-%llu",
		 (unsigned long long)f->first_no);
	ip_format(f->dst, rp->to);
	/* The name the client asked for (an application rule matches it,
	 * MODEL §8 [fw-rules]) is the matching scenario flow's; a flow no
	 * scenario flow matches is known by its address only. */
	f->scenario_flow = scenario_match(rp, f);
	rp->fl.to = f->scenario_flow != TOPO_NONE ?
		    rp->t->flows[f->scenario_flow].to : rp->to;
	rp->fl.proto = f->proto;
	rp->fl.port = f->dport;
	rp->fl.sport = f->sport;
	rp->fl.ttl = f->ttl;
	/* The captures name the points it crossed. */
	if ((rc = sim_run_flow(rp->s, &rp->fl, r)) != 0 ||
	    (rc = sim_name_points(rp->s, r, 1)) != 0)
		return rc;
	f->v.delivered = r->delivered;
	f->v.tcp_connect = r->tcp_connect;
	f->v.replied = r->replied;
	f->v.reply_delivered = r->reply_delivered;
	f->v.asymmetric = r->asymmetric;
	f->v.activation = r->activation;
	f->v.has_source_seen = r->has_source_seen;
	f->v.source_seen = r->source_seen;
	f->v.source_class = r->source_class;
	f->v.hairpin = r->hairpin;
	f->v.drop_reason = r->drop_reason;
	f->v.reply_drop_reason = r->reply_drop_reason;
	if (r->npath > 0 &&
	    (f->v.where = strdup(fr_str(r, r->path[r->npath - 1]))) == NULL)
		return -ENOMEM;
	for (i = 0; i < r->nxing; i++)
		n[r->xing[i].reply ? 1 : 0]++;
	if (r->nxing > 0 &&
	    ((f->xing = malloc(r->nxing * sizeof(*f->xing))) == NULL ||
	     (f->pts = malloc(r->nxing * sizeof(*f->pts))) == NULL))
		return -ENOMEM;
	/* The request's crossings first, then the reply's. */
	for (k = 0, i = 0; i < r->nxing; i++)
		if (!r->xing[i].reply)
			f->xing[k++] = r->xing[i];
	for (i = 0; i < r->nxing; i++)
		if (r->xing[i].reply)
			f->xing[k++] = r->xing[i];
	for (i = 0; i < r->nxing; i++)
		f->pts[i] = f->xing[i].point;
	f->nx[0] = n[0];
	f->nx[1] = n[1];
	if (f->scenario_flow != TOPO_NONE) {
		/* The matched flow's expectations, checked against what the
		 * recorded packet met (r->exp, for the callback). */
		r->flow = &rp->t->flows[f->scenario_flow];
		rc = expect_check(r);
		r->flow = &rp->fl;
		if (rc != 0)
			return rc;
		f->nexp = r->nexp;
		for (i = 0; i < r->nexp; i++)
			f->nexp_failed += !r->exp[i].ok;
	}
	return rp->cb != NULL ? rp->cb(rp->arg, f, r) : 0;
}

static int
flow_add(struct replay *rp, const struct pcapr_pkt *p, uint32_t src,
	 uint32_t dst, uint16_t sp, uint16_t dp, uint8_t proto, size_t at,
	 size_t *idx)
{
	struct replay_flow *f;
	int rc;

	if (rp->n >= REPLAY_MAX_FLOWS)
		return -E2BIG;
	if (VEC_GROW(rp->flows, rp->n, rp->cap) != 0)
		return -ENOMEM;
	f = &rp->flows[rp->n];
	memset(f, 0, sizeof(*f));
	f->src = src;
	f->dst = dst;
	f->sport = sp;
	f->dport = dp;
	f->proto = proto;
	f->ttl = p->ip[8];		/* the recorded TTL: the walk's */
	f->first_no = p->no;
	f->scenario_flow = TOPO_NONE;
	/* Counted before judging so that a failed judgement frees it. */
	rp->n++;
	rp->slot[at] = (uint32_t)rp->n;
	if ((rc = flow_judge(rp, f)) != 0)
		return rc;
	*idx = rp->n - 1;
	if (2 * rp->n > rp->nslot && (rc = index_grow(rp)) != 0)
		return rc;
	return 0;
}

int
replay_packet(struct replay *rp, const struct pcapr_pkt *p,
	      struct replay_res *res)
{
	uint32_t src, dst;
	uint16_t sp, dp;
	uint8_t proto;
	size_t ihl, at, i;
	int rc;

	memset(res, 0, sizeof(*res));
	switch (p->kind) {
	case PCAPR_TCP:
	case PCAPR_UDP:
		break;
	case PCAPR_NOT_IPV4:
		res->skip = RSKIP_NOT_IPV4;
		break;
	case PCAPR_OTHER_PROTO:
		res->skip = RSKIP_OTHER_PROTO;
		break;
	case PCAPR_FRAGMENT:
		res->skip = RSKIP_FRAGMENT;
		break;
	default:
		res->skip = RSKIP_CUT;
		break;
	}
	if (res->skip != RSKIP_NONE) {
		rp->skipped[res->skip]++;
		return 0;
	}
	/* pcapr_decode checked that both headers are whole. */
	ihl = (size_t)(p->ip[0] & 0x0f) * 4;
	src = be32(p->ip + 12);
	dst = be32(p->ip + 16);
	sp = be16(p->ip + ihl);
	dp = be16(p->ip + ihl + 2);
	proto = p->kind == PCAPR_TCP ? PROTO_TCP : PROTO_UDP;

	if (src == rp->vmip) {
		res->dir = 0;
		if ((i = index_find(rp, src, dst, sp, dp, proto, &at)) ==
		    SIZE_MAX) {
			if ((rc = flow_add(rp, p, src, dst, sp, dp, proto, at,
			    &i)) != 0)
				return rc;
			res->new_flow = true;
		}
	} else if (dst == rp->vmip) {
		res->dir = 1;
		if ((i = index_find(rp, dst, src, dp, sp, proto, &at)) ==
		    SIZE_MAX) {
			res->skip = RSKIP_UNSOLICITED;
			rp->skipped[res->skip]++;
			return 0;
		}
	} else {
		res->skip = RSKIP_NOT_VM;
		rp->skipped[res->skip]++;
		return 0;
	}
	res->flow = i;
	rp->flows[i].pkts[res->dir]++;
	rp->flows[i].bytes[res->dir] += p->wirelen;
	return 0;
}

size_t
replay_nflows(const struct replay *rp)
{
	return rp->n;
}

const struct replay_flow *
replay_flow_at(const struct replay *rp, size_t i)
{
	return i < rp->n ? &rp->flows[i] : NULL;
}

uint64_t
replay_skipped(const struct replay *rp, enum replay_skip k)
{
	return k < RSKIP_COUNT ? rp->skipped[k] : 0;
}

static uint8_t
ttl_clamp(int v)
{
	return (uint8_t)(v < 1 ? 1 : v > 255 ? 255 : v);
}

int
replay_emit(struct replay *rp, const struct pcapr_pkt *p,
	    const struct replay_res *res, uint64_t t_us, xchg_sink sink,
	    void *arg, bool *written)
{
	const struct replay_flow *f;
	const struct xing *xs, *ref;
	const uint32_t *pts;
	struct pkt q0, q;
	size_t n, k;
	int d, rc, ttl0;

	*written = false;
	if (res->skip != RSKIP_NONE || res->flow >= rp->n)
		return 0;
	f = &rp->flows[res->flow];
	d = res->dir;
	n = f->nx[d];
	/* MODEL §7: an answer exists only where the model routes one back
	 * to the VM; a recorded answer the model would not deliver is
	 * judged, not drawn on a path it never takes. */
	if (n == 0 || (d == 1 && (!f->v.reply_delivered || f->v.asymmetric)))
		return 0;
	if (p->iplen > PKT_MAX || p->iplen < p->wirelen)
		return 0;
	xs = f->xing + (d == 0 ? 0 : f->nx[0]);
	pts = f->pts + (d == 0 ? 0 : f->nx[0]);
	/* The recorded packet is where the VM's NIC saw it: the request's
	 * first crossing, the answer's last. */
	ref = d == 0 ? &xs[0] : &xs[n - 1];
	memcpy(q0.buf, p->ip, p->iplen);
	q0.len = (uint16_t)p->iplen;
	ttl0 = q0.buf[8];
	for (k = 0; k < n; k++) {
		const struct xing *x = &xs[k];
		int64_t ts = (int64_t)t_us + (int64_t)x->at_us -
			     (int64_t)ref->at_us;
		struct xpkt o;

		q = q0;
		pkt_set_src(&q, x->src, x->sport);
		pkt_set_dst(&q, x->dst, x->dport);
		pkt_set_ttl(&q, ttl_clamp(ttl0 + (int)x->ttl - (int)ref->ttl));
		memset(&o, 0, sizeof(o));
		o.point = x->point;
		o.ts_us = ts < 0 ? 0 : (uint64_t)ts;
		o.p = &q;
		o.xing = (size_t)(x - f->xing);
		xchg_macs(rp->s, pts, n, k, o.eth_src, o.eth_dst);
		if ((rc = sink(arg, NULL, &o)) != 0)
			return rc;
	}
	*written = true;
	return 0;
}
