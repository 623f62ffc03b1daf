/*
 * xchg.c: the packets of a flow's exchange, built once and patched at
 * every capture point they cross (MODEL §7).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/services.h"
#include "sim/walkint.h"
#include "sim/xchg.h"
#include "topology/names.h"

#define XCHG_GAP_US	10	/* between two packets one side sends */

/* One packet of the exchange: its direction, TCP fields and payload. */
struct step {
	bool rev;
	uint8_t flags;
	uint32_t seq, ack;
	const char *data;
	bool dns;		/* UDP: the DNS query (fwd) or answer (rev) */
};

/*
 * What the service says in its first data exchange. Kept textual and
 * short: ftsim models who is answered, not the RPC itself. Ports whose
 * protocol a dissector would parse strictly (443) carry no data.
 */
static void
service_data(const struct service *svc, const struct flow_result *r,
	     const char **req, const char **ans)
{

	*req = *ans = NULL;
	if (svc == NULL)
		return;
	switch (svc->kind) {
	case SVC_KMS:
		*req = "KMS activation request\r\n";
		*ans = r->activation == ACT_ACCEPTED
		       ? "KMS activation accepted\r\n"
		       : "KMS activation refused 0xC004F074\r\n";
		break;
	case SVC_IMDS:
		*req = "GET /metadata/instance?api-version=2021-02-01 HTTP/1.1\r\n"
		       "Host: 169.254.169.254\r\nMetadata: true\r\n\r\n";
		*ans = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		       "Content-Length: 2\r\n\r\n{}";
		break;
	default:
		break;
	}
}

static size_t
tcp_steps(const struct sim *s, const struct flow_result *r, struct step *st)
{
	/* service_at by the engine's KMS addresses, resolved once. */
	const struct service *svc = service_at_kms(s->kms, s->nkms, r->dst);
	uint32_t c = (uint32_t)r->sport << 16 | r->flow->port;
	uint32_t sv = c ^ 0x5eed5eedu;
	const char *req, *ans;
	size_t n = 0;

	st[n++] = (struct step){ false, PKT_SYN, c, 0, NULL, false };
	if (!r->delivered || !r->replied)
		return n;
	if (svc != NULL && !service_listens(svc, PROTO_TCP, r->flow->port)) {
		st[n++] = (struct step){ true, PKT_RST | PKT_ACK, 0, c + 1,
					 NULL, false };
		return n;
	}
	st[n++] = (struct step){ true, PKT_SYN | PKT_ACK, sv, c + 1, NULL,
				 false };
	if (!r->reply_delivered || r->asymmetric)
		return n;
	c++;
	sv++;
	st[n++] = (struct step){ false, PKT_ACK, c, sv, NULL, false };
	service_data(svc, r, &req, &ans);
	if (req != NULL) {
		st[n++] = (struct step){ false, PKT_PSH | PKT_ACK, c, sv, req,
					 false };
		c += (uint32_t)strlen(req);
		st[n++] = (struct step){ true, PKT_PSH | PKT_ACK, sv, c, ans,
					 false };
		sv += (uint32_t)strlen(ans);
		st[n++] = (struct step){ false, PKT_ACK, c, sv, NULL, false };
	}
	st[n++] = (struct step){ false, PKT_FIN | PKT_ACK, c, sv, NULL, false };
	st[n++] = (struct step){ true, PKT_FIN | PKT_ACK, sv, c + 1, NULL,
				 false };
	st[n++] = (struct step){ false, PKT_ACK, c + 1, sv + 1, NULL, false };
	return n;
}

static size_t
udp_steps(const struct flow_result *r, struct step *st)
{
	bool dns = r->dst == AZURE_DNS_IP && r->flow->port == 53;
	size_t n = 0;

	st[n++] = (struct step){ false, 0, 0, 0, NULL, dns };
	if (r->delivered && r->replied && dns)
		st[n++] = (struct step){ true, 0, 0, 0, NULL, true };
	return n;
}

/* The DNS name the flow's query asks for (walk.c's build_request). */
static const char *
dns_qname(const struct flow_result *r)
{
	uint32_t dummy;

	return ip_parse(r->flow->to, &dummy) == 0 ? "kms.core.windows.net"
						  : r->flow->to;
}

/* Build step st's template at its origin: the first crossing x. */
static int
build(struct sim *s, const struct flow_result *r, const struct step *st,
      const struct xing *x, struct pkt *p)
{
	const struct topo *t = s->t;
	uint32_t addrs[8];
	const char *origin;
	size_t n;

	if (r->flow->proto == PROTO_TCP)
		return pkt_build_tcp(s->pb, p, x->src, x->sport, x->dst,
				     x->dport, st->seq, st->ack, st->flags,
				     x->ttl, (const uint8_t *)st->data,
				     st->data ? strlen(st->data) : 0);
	if (!st->dns)
		return pkt_build_udp(s->pb, p, x->src, x->sport, x->dst,
				     x->dport, x->ttl, NULL, 0);
	if (!st->rev)
		return pkt_build_dns_query(s->pb, p, x->src, x->sport, x->dst,
					   (uint16_t)(r->sport ^ 0x5a5a),
					   dns_qname(r), x->ttl);
	n = dns_resolve(t, dns_qname(r), addrs, 8, &origin);
	return pkt_build_dns_answer(s->pb, p, x->src, x->dst, x->dport,
				    (uint16_t)(r->sport ^ 0x5a5a),
				    dns_qname(r), addrs, n, x->ttl);
}

void
xchg_mac(const char *point, uint8_t mac[6])
{
	uint32_t h = 2166136261u, g = 5381;
	const unsigned char *c;

	for (c = (const unsigned char *)point; *c; c++) {
		h = (h ^ *c) * 16777619u;
		g = g * 33 + *c;
	}
	mac[0] = 0x02;
	mac[1] = (uint8_t)(g >> 8);
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

/* The frame at crossing k of a direction's list is on the link from the
 * crossing before; the first one, or a second crossing of the same point
 * (an appliance sending on what it received), is on the link to the
 * next. */
static void
link_ends(const uint32_t *pts, size_t n, size_t k, size_t *a, size_t *b)
{
	*a = *b = k;
	if (k > 0 && pts[k - 1] != pts[k])
		*a = k - 1;
	else if (k + 1 < n)
		*b = k + 1;
}

void
xchg_macs(const struct sim *s, const uint32_t *pts, size_t n, size_t k,
	  uint8_t src[6], uint8_t dst[6])
{
	size_t a, b;

	link_ends(pts, n, k, &a, &b);
	xchg_mac(sim_point_name(s, pts[a]), src);
	xchg_mac(sim_point_name(s, pts[b]), dst);
}

int
xchg_run(struct sim *s, struct flow_result *r, uint64_t t0_us,
	 xchg_sink sink, void *arg, struct xchg_count *cnt, uint64_t *end_us)
{
	struct step st[XCHG_MAX_STEPS];
	size_t *xs[2], nx[2] = { 0, 0 };
	uint32_t *pts[2];
	uint8_t (*mac[2])[6];	/* each crossing's point's MAC */
	size_t nst, i, k, a, b;
	uint64_t t = t0_us, base = t0_us;
	uint32_t nic;
	struct pkt tmpl, p;
	int rc = 0;

	if (s == NULL || r == NULL || sink == NULL)
		return -EINVAL;
	/* The points' names make the frames' MACs. */
	if ((rc = sim_name_points(s, r, 1)) != 0)
		return rc;
	memset(cnt, 0, sizeof(*cnt));
	*end_us = t0_us;
	/* The crossings of each direction, in order: [0] the request's,
	 * [1] the reply's, each within the first r->nxing places. */
	xs[0] = calloc(2 * r->nxing + 2, sizeof(**xs));
	pts[0] = calloc(2 * r->nxing + 2, sizeof(**pts));
	mac[0] = calloc(2 * r->nxing + 2, sizeof(**mac));
	if (xs[0] == NULL || pts[0] == NULL || mac[0] == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	xs[1] = xs[0] + r->nxing + 1;
	pts[1] = pts[0] + r->nxing + 1;
	mac[1] = mac[0] + r->nxing + 1;
	for (i = 0; i < r->nxing; i++) {
		int d = r->xing[i].reply ? 1 : 0;
		pts[d][nx[d]] = r->xing[i].point;
		/* Hashed once per flow, not at every packet (xchg_macs). */
		xchg_mac(sim_point_name(s, r->xing[i].point), mac[d][nx[d]]);
		xs[d][nx[d]++] = i;
	}
	if (nx[0] == 0)
		goto out;
	nic = r->xing[xs[0][0]].point;
	nst = r->flow->proto == PROTO_TCP ? tcp_steps(s, r, st)
					  : udp_steps(r, st);
	for (i = 0; i < nst; i++) {
		int d = st[i].rev ? 1 : 0;
		const struct xing *last;

		if (nx[d] == 0)
			break;
		/* A packet answering another leaves when that one arrived;
		 * the same side's next packet a little after its last. */
		if (i == 0)
			base = t0_us;
		else if (st[i].rev == st[i - 1].rev)
			base += XCHG_GAP_US;
		else
			base = t + (st[i].rev ? 0 : XCHG_GAP_US);
		if ((rc = build(s, r, &st[i], &r->xing[xs[d][0]], &tmpl)) != 0)
			goto out;
		for (k = 0; k < nx[d]; k++) {
			const struct xing *x = &r->xing[xs[d][k]];
			struct xpkt o;

			/* The template's bytes only, not all of its
			 * PKT_MAX. */
			p.len = tmpl.len;
			memcpy(p.buf, tmpl.buf, tmpl.len);
			pkt_set_src(&p, x->src, x->sport);
			pkt_set_dst(&p, x->dst, x->dport);
			pkt_set_ttl(&p, x->ttl);
			memset(&o, 0, sizeof(o));
			o.point = x->point;
			o.ts_us = base + x->at_us;
			o.p = &p;
			o.xing = xs[d][k];
			o.first = i == 0 || (st[i].rev && !st[i - 1].rev &&
					     i == 1);
			link_ends(pts[d], nx[d], k, &a, &b);
			memcpy(o.eth_src, mac[d][a], 6);
			memcpy(o.eth_dst, mac[d][b], 6);
			if (x->point == nic) {
				if (cnt->pkts[0] + cnt->pkts[1] == 0)
					cnt->start_us = o.ts_us;
				cnt->pkts[d]++;
				cnt->bytes[d] += p.len;
				cnt->end_us = o.ts_us;
			}
			if ((rc = sink(arg, r, &o)) != 0)
				goto out;
		}
		last = &r->xing[xs[d][nx[d] - 1]];
		t = base + last->at_us;
		if (t > *end_us)
			*end_us = t;
	}
out:
	free(xs[0]);
	free(pts[0]);
	free(mac[0]);
	return rc;
}
