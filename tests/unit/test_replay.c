/*
 * test_replay.c: reading recorded captures (capture/pcapr.h: link types
 * peeled down to IPv4, damaged files refused) and judging their packets
 * flow by flow (sim/replay.h).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture/pcapr.h"
#include "capture/pkt.h"
#include "sim/replay.h"
#include "tests/unit/fixture.h"

#define VM1 0x0a010104u		/* 10.1.1.4 */
#define KMS 0x176687f6u		/* 23.102.135.246 */

/* ---------------------------------------------------------------- */
/* Link layers: table-driven vectors over one IPv4 SYN (40 bytes) */

static struct pkt syn;

static void
build_syn(void)
{
	struct pktbuilder *b = pktbuilder_new(NULL, 0);

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(pkt_build_tcp(b, &syn, VM1, 50001, KMS, 1688, 1, 0,
				       PKT_SYN, 128, NULL, 0), 0);
	ck_assert_uint_eq(syn.len, 40);
	pktbuilder_free(b);
}

/* How a vector bends the SYN before it goes behind the link header. */
enum bend { AS_IS, IPV6, IHL4, TOTAL_SHORT, MF, FRAG_OFF, ICMP, UDP_7,
	    DOFF_6, DOFF_4, CUT_AT_30, PAD_6 };

struct vec {
	const char *name;
	int dlt;
	const char *hdr;	/* link header, hex */
	enum bend bend;
	enum pcapr_kind kind;
	uint16_t ethertype;
};

static const struct vec vecs[] = {
	{ "ethernet", DLT_EN10MB, "02aabbccdd0202aabbccdd010800", AS_IS,
	  PCAPR_TCP, 0x0800 },
	{ "ethernet padded to 60", DLT_EN10MB, "02aabbccdd0202aabbccdd010800",
	  PAD_6, PCAPR_TCP, 0x0800 },
	{ "802.1Q", DLT_EN10MB, "02aabbccdd0202aabbccdd01810000640800", AS_IS,
	  PCAPR_TCP, 0x0800 },
	{ "802.1ad + 802.1Q", DLT_EN10MB,
	  "02aabbccdd0202aabbccdd0188a8000a810000640800", AS_IS, PCAPR_TCP,
	  0x0800 },
	{ "ARP", DLT_EN10MB, "ffffffffffff02aabbccdd010806", AS_IS,
	  PCAPR_NOT_IPV4, 0x0806 },
	{ "IPv6 ethertype", DLT_EN10MB, "02aabbccdd0202aabbccdd0186dd", AS_IS,
	  PCAPR_NOT_IPV4, 0x86dd },
	{ "ethernet, 13 bytes", DLT_EN10MB, "02aabbccdd0202aabbccdd08",
	  CUT_AT_30, PCAPR_CUT, 0 },
	{ "raw", DLT_RAW, "", AS_IS, PCAPR_TCP, 0x0800 },
	{ "raw IPv6", DLT_RAW, "", IPV6, PCAPR_NOT_IPV4, 0 },
	{ "IPV4", DLT_IPV4, "", AS_IS, PCAPR_TCP, 0x0800 },
	{ "IHL 4", DLT_RAW, "", IHL4, PCAPR_CUT, 0x0800 },
	{ "total length under IHL", DLT_RAW, "", TOTAL_SHORT, PCAPR_CUT,
	  0x0800 },
	{ "more fragments", DLT_RAW, "", MF, PCAPR_FRAGMENT, 0x0800 },
	{ "fragment offset", DLT_RAW, "", FRAG_OFF, PCAPR_FRAGMENT, 0x0800 },
	{ "ICMP", DLT_RAW, "", ICMP, PCAPR_OTHER_PROTO, 0x0800 },
	{ "UDP, 7 header bytes", DLT_RAW, "", UDP_7, PCAPR_CUT, 0x0800 },
	{ "TCP data offset 6, 20 bytes", DLT_RAW, "", DOFF_6, PCAPR_CUT,
	  0x0800 },
	{ "TCP data offset 4", DLT_RAW, "", DOFF_4, PCAPR_CUT, 0x0800 },
	{ "snap length 30", DLT_RAW, "", CUT_AT_30, PCAPR_CUT, 0x0800 },
	{ "BSD loopback, little-endian", DLT_NULL, "02000000", AS_IS,
	  PCAPR_TCP, 0x0800 },
	{ "BSD loopback, big-endian", DLT_NULL, "00000002", AS_IS, PCAPR_TCP,
	  0x0800 },
	{ "BSD loopback, IPv6", DLT_NULL, "1e000000", AS_IS, PCAPR_NOT_IPV4,
	  0 },
	{ "OpenBSD loop", DLT_LOOP, "00000002", AS_IS, PCAPR_TCP, 0x0800 },
	{ "Linux cooked", DLT_LINUX_SLL, "00040001000602aabbccdd0100000800",
	  AS_IS, PCAPR_TCP, 0x0800 },
	{ "Linux cooked, ARP", DLT_LINUX_SLL,
	  "00040001000602aabbccdd0100000806", AS_IS, PCAPR_NOT_IPV4, 0x0806 },
	{ "Linux cooked v2", DLT_LINUX_SLL2,
	  "08000000000000020001040602aabbccdd010000", AS_IS, PCAPR_TCP,
	  0x0800 },
	{ "PPP with address and control", DLT_PPP, "ff030021", AS_IS,
	  PCAPR_TCP, 0x0800 },
	{ "PPP, compressed", DLT_PPP_SERIAL, "0021", AS_IS, PCAPR_TCP,
	  0x0800 },
	{ "PPP, IPv6", DLT_PPP, "ff030057", AS_IS, PCAPR_NOT_IPV4, 0 },
};

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	for (; h[0] && h[1]; h += 2) {
		ck_assert(sscanf(h, "%2x", &v) == 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

START_TEST(decode_vectors)
{
	const struct vec *v = &vecs[_i];
	uint8_t frame[128];
	struct pcapr_pkt p;
	size_t hl, n;
	uint8_t *d;

	build_syn();
	hl = unhex(v->hdr, frame);
	d = frame + hl;
	memcpy(d, syn.buf, syn.len);
	n = hl + syn.len;
	switch (v->bend) {
	case AS_IS: break;
	case IPV6: d[0] = 0x60; break;
	case IHL4: d[0] = 0x44; break;
	case TOTAL_SHORT: d[2] = 0; d[3] = 19; break;
	case MF: d[6] = 0x20; break;
	case FRAG_OFF: d[7] = 0x10; break;
	case ICMP: d[9] = 1; break;
	case UDP_7: d[9] = 17; d[3] = 27; n = hl + 27; break;
	case DOFF_6: d[32] = 0x60; break;
	case DOFF_4: d[32] = 0x40; break;
	case CUT_AT_30: n = hl ? 13 : 30; break;
	case PAD_6: memset(d + syn.len, 0, 6); n += 6; break;
	}
	ck_assert_int_eq(pcapr_decode(v->dlt, frame, n, &p), 0);
	ck_assert_msg(p.kind == v->kind, "%s: kind %s, want %s", v->name,
		      pcapr_kind_name(p.kind), pcapr_kind_name(v->kind));
	ck_assert_msg(p.ethertype == v->ethertype, "%s: ethertype %04x",
		      v->name, p.ethertype);
	if (v->kind == PCAPR_TCP) {
		ck_assert_ptr_eq(p.ip, d);
		/* Padding is the link's, not the datagram's. */
		ck_assert_uint_eq(p.iplen, 40);
		ck_assert_uint_eq(p.wirelen, 40);
	}
}
END_TEST

START_TEST(decode_total_beyond_frame)
{
	/* A total length of 256 in a 40-byte datagram: a payload the snap
	 * length cut when the frame was longer on the wire, malformed when
	 * the frame was all there is. */
	uint8_t d[64];
	struct pcapr_pkt p;

	build_syn();
	memcpy(d, syn.buf, syn.len);
	d[2] = 1;
	d[3] = 0;
	ck_assert_int_eq(pcapr_decode_frame(DLT_RAW, d, syn.len, 256, &p), 0);
	ck_assert_int_eq(p.kind, PCAPR_TCP);
	ck_assert_uint_eq(p.wirelen, 256);
	ck_assert_int_eq(pcapr_decode_frame(DLT_RAW, d, syn.len, syn.len, &p),
	    0);
	ck_assert_int_eq(p.kind, PCAPR_CUT);
	ck_assert_int_eq(pcapr_decode_frame(DLT_RAW, d, syn.len, 255, &p), 0);
	ck_assert_int_eq(p.kind, PCAPR_CUT);
}
END_TEST

START_TEST(decode_every_prefix_length)
{
	/* Every cut of an 802.1Q frame: never a read past the end (ASan),
	 * and TCP only once the whole header is there. */
	uint8_t frame[128];
	struct pcapr_pkt p;
	size_t hl, n;

	build_syn();
	hl = unhex("02aabbccdd0202aabbccdd01810000640800", frame);
	memcpy(frame + hl, syn.buf, syn.len);
	for (n = 0; n <= hl + syn.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, frame, n);
		ck_assert_int_eq(pcapr_decode(DLT_EN10MB, copy, n, &p), 0);
		ck_assert_int_eq(p.kind == PCAPR_TCP, n == hl + syn.len);
		free(copy);
	}
}
END_TEST

START_TEST(decode_unknown_link_type)
{
	uint8_t b[4] = { 0 };
	struct pcapr_pkt p;

	ck_assert_int_eq(pcapr_decode(DLT_IEEE802_11, b, 4, &p),
			 -EPROTONOSUPPORT);
	ck_assert(!pcapr_dlt_ok(DLT_IEEE802_11));
	ck_assert(pcapr_dlt_ok(DLT_LINUX_SLL2));
}
END_TEST

/* ---------------------------------------------------------------- */
/* Files */

/* A pcap of n copies of the SYN in Ethernet, in memory; *len its size. */
static char *
pcap_bytes(int dlt, size_t n, size_t *len)
{
	pcap_t *pd = pcap_open_dead(dlt, 65535);
	struct pcap_pkthdr h;
	pcap_dumper_t *dp;
	uint8_t frame[64];
	char *buf;
	FILE *f;
	size_t i, hl = 0;
	long sz;

	ck_assert_ptr_nonnull(pd);
	ck_assert_ptr_nonnull(f = tmpfile());
	ck_assert_ptr_nonnull(dp = pcap_dump_fopen(pd, f));
	if (dlt == DLT_EN10MB)
		hl = unhex("02aabbccdd0202aabbccdd010800", frame);
	memcpy(frame + hl, syn.buf, syn.len);
	for (i = 0; i < n; i++) {
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1000 + (long)i;
		h.caplen = h.len = (bpf_u_int32)(hl + syn.len);
		pcap_dump((u_char *)dp, &h, frame);
	}
	pcap_dump_flush(dp);
	sz = ftell(f);
	ck_assert(sz > 0);
	buf = malloc((size_t)sz);
	rewind(f);
	ck_assert(fread(buf, 1, (size_t)sz, f) == (size_t)sz);
	pcap_dump_close(dp);
	pcap_close(pd);
	*len = (size_t)sz;
	return buf;
}

START_TEST(file_read_and_filter)
{
	struct pcapreader *r;
	struct pcapr_pkt p;
	struct diag d;
	size_t len;
	char *buf;

	build_syn();
	buf = pcap_bytes(DLT_EN10MB, 3, &len);
	diag_init(&d);
	ck_assert_int_eq(pcapr_fopen(fmemopen(buf, len, "rb"), "m.pcap",
				     "tcp port 1688", &d, &r), 0);
	ck_assert_str_eq(pcapr_linktype(r), "EN10MB");
	ck_assert_int_eq(pcapr_next(r, &p, &d), 1);
	ck_assert_uint_eq(p.no, 1);
	ck_assert_uint_eq(p.ts_us, 1000000000u);
	ck_assert_int_eq(p.kind, PCAPR_TCP);
	ck_assert_int_eq(pcapr_next(r, &p, &d), 1);
	ck_assert_int_eq(pcapr_next(r, &p, &d), 1);
	ck_assert_uint_eq(p.no, 3);
	ck_assert_int_eq(pcapr_next(r, &p, &d), 0);
	pcapr_close(r);

	/* A filter that keeps nothing still counts what it read. */
	ck_assert_int_eq(pcapr_fopen(fmemopen(buf, len, "rb"), "m.pcap",
				     "udp", &d, &r), 0);
	ck_assert_int_eq(pcapr_next(r, &p, &d), 0);
	ck_assert_uint_eq(pcapr_nread(r), 3);
	pcapr_close(r);
	ck_assert_uint_eq(d.errors, 0);
	diag_free(&d);
	free(buf);
}
END_TEST

START_TEST(file_damaged)
{
	struct pcapreader *r;
	struct pcapr_pkt p;
	struct diag d;
	size_t len;
	char *buf;

	build_syn();
	buf = pcap_bytes(DLT_EN10MB, 2, &len);
	diag_init(&d);
	/* Cut inside the second packet: the first is read, then -EIO. */
	ck_assert_int_eq(pcapr_fopen(fmemopen(buf, len - 10, "rb"), "t.pcap",
				     NULL, &d, &r), 0);
	ck_assert_int_eq(pcapr_next(r, &p, &d), 1);
	ck_assert_int_eq(pcapr_next(r, &p, &d), -EIO);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.msgs[0].file, "t.pcap");
	ck_assert_ptr_nonnull(strstr(d.msgs[0].text, "after packet 1"));
	pcapr_close(r);
	/* A header only part there, a bad filter, a foreign link type. */
	ck_assert_int_eq(pcapr_fopen(fmemopen(buf, 10, "rb"), "h.pcap", NULL,
				     &d, &r), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(pcapr_fopen(fmemopen(buf, len, "rb"), "f.pcap",
				     "tcp port", &d, &r), -EINVAL);
	free(buf);
	buf = pcap_bytes(DLT_IEEE802_11, 1, &len);
	ck_assert_int_eq(pcapr_fopen(fmemopen(buf, len, "rb"), "w.pcap", NULL,
				     &d, &r), -EINVAL);
	ck_assert_uint_eq(d.errors, 4);
	ck_assert_ptr_nonnull(strstr(d.msgs[3].text, "IEEE802_11"));
	diag_free(&d);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Judging */


static struct pktbuilder *pb;
static struct pkt pk;

/* A raw-IP packet record of pk. */
static struct pcapr_pkt
rec(uint64_t no)
{
	struct pcapr_pkt p;

	ck_assert_int_eq(pcapr_decode(DLT_RAW, pk.buf, pk.len, &p), 0);
	p.no = no;
	p.ts_us = no * 1000;
	return p;
}

static void
tcp(uint32_t s, uint16_t sp, uint32_t d, uint16_t dp, uint8_t flags)
{
	ck_assert_int_eq(pkt_build_tcp(pb, &pk, s, sp, d, dp, 7, 0, flags, 64,
				       NULL, 0), 0);
}

/* What replay_emit hands its sink, kept (a test flow crosses far
 * fewer points). */
#define EMITTED_MAX 64
struct emitted {
	size_t n;
	uint32_t point[EMITTED_MAX];
	uint64_t ts[EMITTED_MAX];
	struct pkt p[EMITTED_MAX];
};

static int
keep(void *arg, struct flow_result *r, const struct xpkt *x)
{
	struct emitted *e = arg;

	ck_assert_ptr_null(r);
	ck_assert(e->n < EMITTED_MAX);
	e->point[e->n] = x->point;
	e->ts[e->n] = x->ts_us;
	e->p[e->n++] = *x->p;
	return 0;
}

static size_t nnew;
static struct flow_result seen;

static int
on_new(void *arg, const struct replay_flow *fl, struct flow_result *r)
{
	(void)arg;
	(void)fl;
	nnew++;
	seen = *r;
	return 0;
}

START_TEST(judge_forced_tunnel)
{
	const struct replay_flow *f;
	struct replay_res res;
	struct pcapr_pkt p;
	struct replay *rp;
	struct emitted *e = calloc(1, sizeof(*e));
	bool written;
	size_t k;

	load_file("02-forced-tunnel-breaks-kms.yaml");
	ck_assert_ptr_nonnull(pb = pktbuilder_new(NULL, 0));
	nnew = 0;
	ck_assert_int_eq(replay_new(sim, 0, on_new, NULL, &rp), 0);

	/* The SYN opens a flow, replayed by the engine. */
	tcp(VM1, 50001, KMS, 1688, PKT_SYN);
	p = rec(1);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	ck_assert_int_eq(res.skip, RSKIP_NONE);
	ck_assert(res.new_flow);
	ck_assert_int_eq(res.dir, 0);
	ck_assert_uint_eq(nnew, 1);
	ck_assert_str_eq(seen.flow->name, "packet-1");
	ck_assert_uint_eq(seen.sport, 50001);
	f = replay_flow_at(rp, res.flow);
	ck_assert(f->v.delivered);
	ck_assert_uint_eq(f->v.source_seen, 0xc633640au);	/* 198.51.100.10 */
	ck_assert_int_eq(f->v.activation, ACT_REFUSED);
	ck_assert_str_eq(topo.flows[f->scenario_flow].name, "kms-activation");
	ck_assert_uint_gt(f->nexp, 0);
	ck_assert_uint_eq(f->nexp_failed, 0);

	/* Every crossing of the request: addresses as the walk had them,
	 * valid checksums, the TTL lowered as the walk lowered it. */
	ck_assert_int_eq(replay_emit(rp, &p, &res, 5000, keep, e, &written), 0);
	ck_assert(written);
	ck_assert_uint_eq(e->n, f->nx[0]);
	ck_assert_mem_eq(e->p[0].buf, pk.buf, pk.len);
	ck_assert_uint_eq(e->ts[0], 5000);
	for (k = 0; k < e->n; k++) {
		ck_assert(pkt_checksums_ok(&e->p[k]));
		ck_assert_uint_eq(pkt_src(&e->p[k]), f->xing[k].src);
		ck_assert_uint_eq(pkt_ttl(&e->p[k]),
				  64 - (f->xing[0].ttl - f->xing[k].ttl));
		ck_assert_uint_eq(e->ts[k], 5000 + f->xing[k].at_us);
	}
	ck_assert_uint_eq(pkt_src(&e->p[e->n - 1]), 0xc633640au);

	/* The SYN-ACK continues it, the other way; it ends at the NIC at
	 * the recorded time. */
	tcp(KMS, 1688, VM1, 50001, PKT_SYN | PKT_ACK);
	p = rec(2);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	ck_assert(!res.new_flow);
	ck_assert_int_eq(res.dir, 1);
	e->n = 0;
	ck_assert_int_eq(replay_emit(rp, &p, &res, 9000, keep, e, &written), 0);
	ck_assert(written);
	ck_assert_uint_eq(e->n, f->nx[1]);
	ck_assert_uint_eq(e->ts[e->n - 1], 9000);
	ck_assert_uint_eq(pkt_dst(&e->p[0]), 0xc633640au);
	ck_assert_mem_eq(e->p[e->n - 1].buf, pk.buf, pk.len);

	/* Unsolicited, not the VM's, not TCP/UDP. */
	tcp(KMS, 1688, VM1, 40000, PKT_ACK);
	p = rec(3);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	ck_assert_int_eq(res.skip, RSKIP_UNSOLICITED);
	tcp(0x0a090909u, 1, KMS, 1688, PKT_SYN);
	p = rec(4);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	ck_assert_int_eq(res.skip, RSKIP_NOT_VM);
	ck_assert_int_eq(replay_emit(rp, &p, &res, 0, keep, e, &written), 0);
	ck_assert(!written);
	pk.buf[9] = 1;
	p = rec(5);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	ck_assert_int_eq(res.skip, RSKIP_OTHER_PROTO);
	ck_assert_uint_eq(replay_skipped(rp, RSKIP_UNSOLICITED), 1);
	ck_assert_uint_eq(replay_skipped(rp, RSKIP_NOT_VM), 1);
	ck_assert_uint_eq(replay_skipped(rp, RSKIP_OTHER_PROTO), 1);
	ck_assert_uint_eq(replay_nflows(rp), 1);
	ck_assert_uint_eq(f->pkts[0], 1);
	ck_assert_uint_eq(f->pkts[1], 1);
	ck_assert_uint_eq(nnew, 1);

	replay_free(rp);
	pktbuilder_free(pb);
	free(e);
}
END_TEST

/* A recorded SYN keeps its TTL through the walk: each routing hop lowers
 * it (the subnet's route decision, the ExpressRoute gateway, the MSEE,
 * the customer edge), and where it runs out the flow is dropped as
 * ttl-exceeded, not carried on with TTL 1. */
static const struct {
	uint8_t ttl;
	const char *where;	/* NULL: delivered */
} ttl_cases[] = {
	{ 1, "Subnet-1" }, { 2, "er-gw" }, { 3, "er-circuit" },
	{ 4, "contoso" }, { 5, NULL }, { 64, NULL },
};

START_TEST(judge_ttl_runs_out_at_a_routing_hop)
{
	const struct replay_flow *f;
	struct replay_res res;
	struct pcapr_pkt p;
	struct replay *rp;

	load_file("02-forced-tunnel-breaks-kms.yaml");
	ck_assert_ptr_nonnull(pb = pktbuilder_new(NULL, 0));
	ck_assert_int_eq(replay_new(sim, 0, NULL, NULL, &rp), 0);
	ck_assert_int_eq(pkt_build_tcp(pb, &pk, VM1, 50001, KMS, 1688, 7, 0,
				       PKT_SYN, ttl_cases[_i].ttl, NULL, 0), 0);
	p = rec(1);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	f = replay_flow_at(rp, res.flow);
	if (ttl_cases[_i].where == NULL) {
		ck_assert(f->v.delivered);
	} else {
		ck_assert(!f->v.delivered);
		ck_assert_str_eq(f->v.drop_reason, "ttl-exceeded");
		ck_assert_str_eq(f->v.where, ttl_cases[_i].where);
	}
	replay_free(rp);
	pktbuilder_free(pb);
}
END_TEST

START_TEST(judge_dropped_flow_has_no_answer)
{
	const struct replay_flow *f;
	struct replay_res res;
	struct pcapr_pkt p;
	struct replay *rp;
	struct emitted *e = calloc(1, sizeof(*e));
	bool written;

	load_file("12-forced-tunnel-nsg-deny-internet.yaml");
	ck_assert_ptr_nonnull(pb = pktbuilder_new(NULL, 0));
	ck_assert_int_eq(replay_new(sim, 0, NULL, NULL, &rp), 0);
	tcp(VM1, 50001, KMS, 1688, PKT_SYN);
	p = rec(1);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	f = replay_flow_at(rp, res.flow);
	ck_assert(!f->v.delivered);
	ck_assert_str_eq(f->v.drop_reason, "nsg-deny");
	/* A recorded answer to a request the model drops is judged, and
	 * drawn nowhere. */
	tcp(KMS, 1688, VM1, 50001, PKT_SYN | PKT_ACK);
	p = rec(2);
	ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
	ck_assert_int_eq(res.skip, RSKIP_NONE);
	ck_assert_int_eq(replay_emit(rp, &p, &res, 0, keep, e, &written), 0);
	ck_assert(!written);
	ck_assert_uint_eq(e->n, 0);
	replay_free(rp);
	pktbuilder_free(pb);
	free(e);
}
END_TEST

START_TEST(judge_many_flows)
{
	/* The index grows past its first size and finds every flow again. */
	struct replay_res res;
	struct pcapr_pkt p;
	struct replay *rp;
	unsigned i;

	load_file("01-no-forced-tunnel.yaml");
	ck_assert_ptr_nonnull(pb = pktbuilder_new(NULL, 0));
	ck_assert_int_eq(replay_new(sim, 0, NULL, NULL, &rp), 0);
	for (i = 0; i < 3000; i++) {
		tcp(VM1, (uint16_t)(10000 + i), KMS, 1688, PKT_SYN);
		p = rec(i + 1);
		ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
		ck_assert(res.new_flow);
	}
	for (i = 0; i < 3000; i++) {
		tcp(KMS, 1688, VM1, (uint16_t)(10000 + i), PKT_ACK);
		p = rec(i + 1);
		ck_assert_int_eq(replay_packet(rp, &p, &res), 0);
		ck_assert_int_eq(res.skip, RSKIP_NONE);
		ck_assert_uint_eq(res.flow, i);
	}
	ck_assert_uint_eq(replay_nflows(rp), 3000);
	replay_free(rp);
	pktbuilder_free(pb);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("pcapr");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, decode_vectors, 0,
			    (int)(sizeof(vecs) / sizeof(vecs[0])));
	tcase_add_test(tc, decode_total_beyond_frame);
	tcase_add_test(tc, decode_every_prefix_length);
	tcase_add_test(tc, decode_unknown_link_type);
	tcase_add_test(tc, file_read_and_filter);
	tcase_add_test(tc, file_damaged);
	suite_add_tcase(s, tc);
	tc = tcase_create("judge");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, judge_forced_tunnel);
	tcase_add_test(tc, judge_dropped_flow_has_no_answer);
	tcase_add_loop_test(tc, judge_ttl_runs_out_at_a_routing_hop, 0,
			    sizeof(ttl_cases) / sizeof(ttl_cases[0]));
	tcase_add_test(tc, judge_many_flows);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
