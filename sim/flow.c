/*
 * flow.c: one flow, start to end. The request is built and walked from
 * its VM (walk.c) or, for a flow from the Internet, to the instance
 * public IP (inbound.c); then, when the destination answers, the answer
 * is walked home (reply.c); then the expectations are checked. The only
 * file that calls the three walks, which share hops.c and trace.c and
 * never call each other.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/services.h"
#include "sim/walkint.h"
#include "topology/names.h"

static uint32_t
flow_hash(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, unsigned pr)
{
	/* FNV-1a over the 5-tuple: deterministic ECMP choice. */
	uint32_t v[5] = { src, dst, sp, dp, pr }, h = 2166136261u;
	size_t i, k;

	for (i = 0; i < 5; i++)
		for (k = 0; k < 4; k++) {
			h ^= (v[i] >> (8 * k)) & 0xff;
			h *= 16777619u;
		}
	return h;
}

static int
build_request(struct walk *w, uint32_t src, uint16_t sport, uint32_t dst)
{
	const struct flow *f = w->f;
	const char *qname = f->to;
	/* A replayed packet keeps the TTL it was recorded with. */
	uint8_t ttl = f->ttl ? f->ttl : SIM_TTL;
	uint32_t dummy;

	if (f->proto == PROTO_UDP && dst == AZURE_DNS_IP && f->port == 53) {
		/* MODEL §7: the DNS flow is a real query (for the name the
		 * flow targets, or the KMS name when it targets an IP). */
		if (ip_parse(qname, &dummy) == 0)
			qname = "kms.core.windows.net";
		return pkt_build_dns_query(w->s->pb, w->p, src, sport, dst,
					   (uint16_t)(sport ^ 0x5a5a), qname, ttl);
	}
	if (f->proto == PROTO_UDP)
		return pkt_build_udp(w->s->pb, w->p, src, sport, dst, f->port,
				     ttl, NULL, 0);
	/* MODEL §7: a TCP flow starts with a SYN; the initial sequence
	 * number is derived from the ports (no randomness). */
	return pkt_build_tcp(w->s->pb, w->p, src, sport, dst, f->port,
			     (uint32_t)sport << 16 | f->port, 0, PKT_SYN,
			     ttl, NULL, 0);
}

uint16_t
sim_flow_sport(const struct topo *t, const struct flow *f)
{
	/* A scenario flow without source_port gets one of the dynamic
	 * range by its place in the file: stable run to run. */
	uintptr_t a = (uintptr_t)f, lo = (uintptr_t)t->flows;

	if (f->has_sport || a < lo || a >= lo + t->nflows * sizeof(*f))
		return f->sport;
	return (uint16_t)(49152 + (a - lo) / sizeof(*f) % 16384);
}

/* The walk of flow f; quiet: no trace lines (sim_decide). */
static int
run(struct sim *s, const struct flow *f, struct flow_result *r, bool quiet)
{
	const struct topo *t = s->t;
	struct walk w;
	const struct vm *v;
	uint32_t ips[4];
	const char *origin = "";
	size_t n;
	int rc;

	flow_result_reset(r);
	r->flow = f;
	if (!f->external && f->vm >= t->nvms)
		return -EINVAL;
	v = f->external ? NULL : &t->vms[f->vm];
	/* All but the scratch line (written before it is read). */
	memset(&w, 0, offsetof(struct walk, scratch));
	w.s = s;
	w.t = t;
	w.f = f;
	w.r = r;
	w.p = &r->request;
	w.sender = f->external ? TOPO_NONE : f->vm;
	w.vnet = v ? v->vnet : TOPO_NONE;
	w.subnet = v ? v->subnet : TOPO_NONE;
	w.proto = f->proto;
	w.quiet = quiet;
	w.site = TOPO_NONE;
	w.gw_inst = -1;
	w.fw = TOPO_NONE;

	/* MODEL §4: names resolve through the scenario's dns: first, then
	 * the cloud's built-in names. */
	if ((n = dns_resolve(t, f->to, ips, 4, &origin)) == 0)
		return -EINVAL;	/* the loader refuses unknown names */
	r->dst = ips[0];
	r->src = v ? v->ip : f->from_ip;
	r->sport = sim_flow_sport(t, f);
	w.hash = flow_hash(r->src, r->dst, r->sport, f->port, f->proto);
	if ((rc = build_request(&w, r->src, r->sport, r->dst)) != 0)
		return rc;
	if (v == NULL && f->onprem) {
		/* MODEL §8: a connection from a host on-premises; its
		 * answer is routed home like any other. */
		onprem_walk(&w);
		goto out;
	}
	if (v == NULL) {	/* f->external */
		/* MODEL §7: a connection from the Internet to an instance
		 * public IP; its answer decides whether it works. */
		inbound_walk(&w);
		if (r->replied && w.err == 0)
			inbound_reply(&w);
		goto out;
	}

	walk_request(&w, n, origin);
out:
	if (!r->delivered) {
		r->tcp_connect = false;
		r->replied = false;
		r->activation = ACT_NONE;
	}
	/* MODEL §7: the answer goes home by the model's routes; a TCP
	 * connection needs it, and so does the service's verdict. */
	if (r->replied && w.err == 0 && (!f->external || f->onprem))
		reply_walk(&w);
	if (r->replied && (!r->reply_delivered || r->asymmetric)) {
		r->tcp_connect = false;
		r->activation = ACT_NONE;
	}
	if (w.err != 0)
		return w.err;
	return expect_check(r);
}

int
sim_run_flow(struct sim *s, const struct flow *f, struct flow_result *r)
{
	return run(s, f, r, false);
}

int
sim_decide(struct sim *s, const struct flow *f, struct flow_result *r)
{
	return run(s, f, r, true);
}
