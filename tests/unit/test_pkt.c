/*
 * test_pkt.c: packet building, reading and rewriting (capture/pkt.c).
 *
 * Fields are checked in the raw bytes, not only through the readers, and
 * checksums are checked twice: by pkt_checksums_ok and by the plain RFC
 * 1071 sum below, which shares no code with libnet. TCP and UDP built
 * by hand equal libnet's (the oracle), byte for byte.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pkt.h"
#include "topology/prefix.h"


#define VM_IP		IP4(10, 1, 1, 4)
#define KMS_IP		IP4(23, 102, 135, 246)
#define SNAT_IP		IP4(198, 51, 100, 10)
#define DNS_IP		IP4(168, 63, 129, 16)

static struct pktbuilder *b;

static void
setup(void)
{
	char err[256];

	b = pktbuilder_new(err, sizeof(err));
	ck_assert_msg(b != NULL, "pktbuilder_new: %s", err);
}

static void
teardown(void)
{
	pktbuilder_free(b);
	b = NULL;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071 sum of big-endian words, an odd last byte padded with zero. */
static uint32_t
ref_sum(uint32_t sum, const uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += rd16(d + i);
	if (n & 1)
		sum += (uint32_t)d[n - 1] << 8;
	return sum;
}

static uint16_t
ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* True when the IPv4 header and the TCP/UDP checksums verify (sum of
 * everything, checksum included, is all ones); a UDP checksum of 0 is
 * "none" and verifies. */
static bool
ref_checksums_ok(const struct pkt *p)
{
	size_t hl = (size_t)(p->buf[0] & 0x0f) * 4, sl = p->len - hl;
	uint8_t ph[12];

	if (ref_fold(ref_sum(0, p->buf, hl)) != 0xffff)
		return false;
	if (p->buf[9] == IPPROTO_UDP && rd16(p->buf + hl + 6) == 0)
		return true;
	memcpy(ph, p->buf + 12, 8);
	ph[8] = 0;
	ph[9] = p->buf[9];
	wr16(ph + 10, (uint16_t)sl);
	return ref_fold(ref_sum(ref_sum(0, ph, 12), p->buf + hl, sl)) ==
	    0xffff;
}

static void
assert_pkt_ok(const struct pkt *p)
{
	ck_assert(pkt_valid(p));
	ck_assert(pkt_checksums_ok(p));
	ck_assert(ref_checksums_ok(p));
}

static void
build_syn(struct pkt *p, uint32_t src, uint16_t sport, uint32_t dst,
    uint16_t dport, uint8_t ttl)
{
	ck_assert_int_eq(pkt_build_tcp(b, p, src, sport, dst, dport,
	    0x01020304, 0, PKT_SYN, ttl, NULL, 0), 0);
}

START_TEST(tcp_syn)
{
	struct pkt p;
	const uint8_t *ip = p.buf, *tcp = p.buf + 20;

	memset(&p, 0xa5, sizeof(p));
	build_syn(&p, VM_IP, 49152, KMS_IP, 1688, 128);

	ck_assert_uint_eq(p.len, 40);
	ck_assert_uint_eq(ip[0], 0x45);			/* v4, IHL 5 */
	ck_assert_uint_eq(ip[1], 0);			/* TOS */
	ck_assert_uint_eq(rd16(ip + 2), 40);		/* total length */
	ck_assert_uint_eq(rd16(ip + 6), 0);		/* not a fragment */
	ck_assert_uint_eq(ip[8], 128);			/* TTL */
	ck_assert_uint_eq(ip[9], 6);			/* TCP */
	ck_assert_uint_eq(ip[12], 10);
	ck_assert_uint_eq(ip[13], 1);
	ck_assert_uint_eq(ip[14], 1);
	ck_assert_uint_eq(ip[15], 4);
	ck_assert_uint_eq(ip[16], 23);
	ck_assert_uint_eq(ip[17], 102);
	ck_assert_uint_eq(ip[18], 135);
	ck_assert_uint_eq(ip[19], 246);
	ck_assert_uint_eq(rd16(tcp + 0), 49152);
	ck_assert_uint_eq(rd16(tcp + 2), 1688);
	ck_assert_uint_eq(rd32(tcp + 4), 0x01020304);	/* seq */
	ck_assert_uint_eq(rd32(tcp + 8), 0);		/* ack */
	ck_assert_uint_eq(tcp[12], 0x50);		/* data offset 5 */
	ck_assert_uint_eq(tcp[13], PKT_SYN);
	ck_assert_uint_eq(rd16(tcp + 14), 64240);	/* window */
	ck_assert_uint_eq(rd16(tcp + 18), 0);		/* urgent ptr */
	assert_pkt_ok(&p);

	ck_assert_uint_eq(pkt_proto(&p), IPPROTO_TCP);
	ck_assert_uint_eq(pkt_src(&p), VM_IP);
	ck_assert_uint_eq(pkt_dst(&p), KMS_IP);
	ck_assert_uint_eq(pkt_sport(&p), 49152);
	ck_assert_uint_eq(pkt_dport(&p), 1688);
	ck_assert_uint_eq(pkt_ttl(&p), 128);
	ck_assert_uint_eq(pkt_tcp_flags(&p), PKT_SYN);
	ck_assert_uint_eq(pkt_payload_len(&p), 0);
}
END_TEST

START_TEST(tcp_synack_and_data)
{
	static const uint8_t data[] = "activation request";
	struct pkt p;

	ck_assert_int_eq(pkt_build_tcp(b, &p, KMS_IP, 1688, VM_IP, 49152,
	    0xdeadbeef, 0x01020305, PKT_SYN | PKT_ACK, 57, NULL, 0), 0);
	ck_assert_uint_eq(p.len, 40);
	ck_assert_uint_eq(p.buf[20 + 13], 0x12);
	ck_assert_uint_eq(rd32(p.buf + 24), 0xdeadbeef);
	ck_assert_uint_eq(rd32(p.buf + 28), 0x01020305);
	ck_assert_uint_eq(pkt_tcp_flags(&p), PKT_SYN | PKT_ACK);
	assert_pkt_ok(&p);

	/* An odd payload length exercises the padded last word. */
	ck_assert_int_eq(pkt_build_tcp(b, &p, VM_IP, 49152, KMS_IP, 1688,
	    0x01020305, 0xdeadbef0, PKT_PSH | PKT_ACK, 128, data,
	    sizeof(data) - 1), 0);
	ck_assert_uint_eq(p.len, 40 + sizeof(data) - 1);
	ck_assert_uint_eq(rd16(p.buf + 2), p.len);
	ck_assert_uint_eq(p.buf[20 + 13], PKT_PSH | PKT_ACK);
	ck_assert_mem_eq(p.buf + 40, data, sizeof(data) - 1);
	ck_assert_uint_eq(pkt_payload_len(&p), sizeof(data) - 1);
	assert_pkt_ok(&p);
}
END_TEST

START_TEST(udp_datagram)
{
	static const uint8_t data[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct pkt p;
	const uint8_t *udp = p.buf + 20;

	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 50000, DNS_IP, 123, 64,
	    data, sizeof(data)), 0);
	ck_assert_uint_eq(p.len, 20 + 8 + sizeof(data));
	ck_assert_uint_eq(p.buf[0], 0x45);
	ck_assert_uint_eq(rd16(p.buf + 2), p.len);
	ck_assert_uint_eq(p.buf[8], 64);
	ck_assert_uint_eq(p.buf[9], 17);
	ck_assert_uint_eq(rd32(p.buf + 12), VM_IP);
	ck_assert_uint_eq(rd32(p.buf + 16), DNS_IP);
	ck_assert_uint_eq(rd16(udp + 0), 50000);
	ck_assert_uint_eq(rd16(udp + 2), 123);
	ck_assert_uint_eq(rd16(udp + 4), 8 + sizeof(data));
	ck_assert_uint_ne(rd16(udp + 6), 0);
	ck_assert_mem_eq(udp + 8, data, sizeof(data));
	assert_pkt_ok(&p);

	ck_assert_uint_eq(pkt_proto(&p), IPPROTO_UDP);
	ck_assert_uint_eq(pkt_sport(&p), 50000);
	ck_assert_uint_eq(pkt_dport(&p), 123);
	ck_assert_uint_eq(pkt_tcp_flags(&p), 0);
	ck_assert_uint_eq(pkt_payload_len(&p), sizeof(data));

	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 50000, DNS_IP, 123, 64,
	    NULL, 0), 0);
	ck_assert_uint_eq(p.len, 28);
	assert_pkt_ok(&p);
}
END_TEST

START_TEST(dns_query)
{
	static const uint8_t question[] =
	    "\x03kms\x04" "core\x07windows\x03net\x00"	/* QNAME */
	    "\x00\x01"					/* QTYPE A */
	    "\x00\x01";					/* QCLASS IN */
	const size_t qlen = sizeof(question) - 1;
	struct pkt p, q;
	const uint8_t *dns = p.buf + 28;

	ck_assert_uint_eq(qlen, 26);
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 53001, DNS_IP,
	    0x4b4d, "kms.core.windows.net", 64), 0);
	ck_assert_uint_eq(p.len, 20 + 8 + 12 + qlen);
	ck_assert_uint_eq(rd16(p.buf + 2), p.len);
	ck_assert_uint_eq(p.buf[9], 17);
	ck_assert_uint_eq(rd16(p.buf + 20), 53001);
	ck_assert_uint_eq(rd16(p.buf + 22), 53);
	ck_assert_uint_eq(rd16(p.buf + 24), 8 + 12 + qlen);
	ck_assert_uint_eq(rd16(dns + 0), 0x4b4d);	/* id */
	ck_assert_uint_eq(rd16(dns + 2), 0x0100);	/* query, RD */
	ck_assert_uint_eq(rd16(dns + 4), 1);		/* QDCOUNT */
	ck_assert_uint_eq(rd16(dns + 6), 0);
	ck_assert_uint_eq(rd16(dns + 8), 0);
	ck_assert_uint_eq(rd16(dns + 10), 0);
	ck_assert_mem_eq(dns + 12, question, qlen);
	ck_assert_uint_eq(pkt_payload_len(&p), 12 + qlen);
	assert_pkt_ok(&p);

	/* A fully qualified name (trailing dot) is the same query. */
	ck_assert_int_eq(pkt_build_dns_query(b, &q, VM_IP, 53001, DNS_IP,
	    0x4b4d, "kms.core.windows.net.", 64), 0);
	ck_assert_uint_eq(q.len, p.len);
	ck_assert_mem_eq(q.buf, p.buf, p.len);
}
END_TEST

START_TEST(dns_names)
{
	char name[300];
	struct pkt p;
	size_t i;

	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    "", 64), -EINVAL);
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    ".", 64), -EINVAL);
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    "kms..windows.net", 64), -EINVAL);
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    ".kms.windows.net", 64), -EINVAL);
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    "kms.windows.net..", 64), -EINVAL);
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    "kms core.net", 64), -EINVAL);
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    NULL, 64), -EINVAL);
	ck_assert_str_ne(pktbuilder_error(b), "");

	/* Labels of 63 characters are fine, 64 are not. */
	memset(name, 'a', 63);
	strcpy(name + 63, ".net");
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    name, 64), 0);
	assert_pkt_ok(&p);
	memset(name, 'a', 64);
	strcpy(name + 64, ".net");
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    name, 64), -EINVAL);

	/* Names of 253 characters are fine (63.63.63.61), 254 are not. */
	for (i = 0; i < 253; i++)
		name[i] = (i % 64 == 63) ? '.' : 'x';
	name[253] = '\0';
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    name, 64), 0);
	ck_assert_uint_eq(p.len, 20 + 8 + 12 + 255 + 4);
	assert_pkt_ok(&p);
	name[253] = '.';
	name[254] = '\0';
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    name, 64), 0);		/* trailing dot: still 253 */
	name[253] = 'x';
	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 1, DNS_IP, 1,
	    name, 64), -EINVAL);
}
END_TEST

START_TEST(payload_limits)
{
	static uint8_t data[PKT_MAX];
	struct pkt p;

	ck_assert_int_eq(pkt_build_tcp(b, &p, VM_IP, 1, KMS_IP, 2, 0, 0,
	    PKT_ACK, 64, data, PKT_MAX - 40 + 1), -EINVAL);
	ck_assert_str_ne(pktbuilder_error(b), "");
	ck_assert_int_eq(pkt_build_tcp(b, &p, VM_IP, 1, KMS_IP, 2, 0, 0,
	    PKT_ACK, 64, data, PKT_MAX - 40), 0);
	ck_assert_uint_eq(p.len, PKT_MAX);
	assert_pkt_ok(&p);

	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 1, KMS_IP, 2, 64,
	    data, PKT_MAX - 28 + 1), -EINVAL);
	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 1, KMS_IP, 2, 64,
	    data, PKT_MAX - 28), 0);
	ck_assert_uint_eq(p.len, PKT_MAX);
	assert_pkt_ok(&p);

	ck_assert_int_eq(pkt_build_tcp(b, &p, VM_IP, 1, KMS_IP, 2, 0, 0,
	    PKT_ACK, 64, NULL, 1), -EINVAL);
	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 1, KMS_IP, 2, 64,
	    NULL, 1), -EINVAL);
	ck_assert_int_eq(pkt_build_udp(NULL, &p, VM_IP, 1, KMS_IP, 2, 64,
	    NULL, 0), -EINVAL);
	ck_assert_int_eq(pkt_build_udp(b, NULL, VM_IP, 1, KMS_IP, 2, 64,
	    NULL, 0), -EINVAL);
}
END_TEST

START_TEST(deterministic)
{
	static const uint8_t data[] = "same bytes";
	struct pktbuilder *b2;
	struct pkt p, q;
	char err[256];

	b2 = pktbuilder_new(err, sizeof(err));
	ck_assert_ptr_nonnull(b2);
	ck_assert_int_eq(pkt_build_tcp(b, &p, VM_IP, 49152, KMS_IP, 1688, 7,
	    8, PKT_ACK, 128, data, sizeof(data)), 0);
	ck_assert_int_eq(pkt_build_udp(b, &q, VM_IP, 1, KMS_IP, 2, 64, data,
	    sizeof(data)), 0);		/* something else in between */
	ck_assert_int_eq(pkt_build_tcp(b2, &q, VM_IP, 49152, KMS_IP, 1688, 7,
	    8, PKT_ACK, 128, data, sizeof(data)), 0);
	ck_assert_uint_eq(p.len, q.len);
	ck_assert_mem_eq(p.buf, q.buf, p.len);
	pktbuilder_free(b2);
}
END_TEST

/* SNAT: the VM's SYN leaves with the gateway's address and a new port;
 * the reply is translated back. */
START_TEST(snat_rewrite)
{
	struct pkt p, want;

	build_syn(&p, VM_IP, 49152, KMS_IP, 1688, 128);
	pkt_set_src(&p, SNAT_IP, 1024);
	assert_pkt_ok(&p);
	ck_assert_uint_eq(pkt_src(&p), SNAT_IP);
	ck_assert_uint_eq(pkt_sport(&p), 1024);
	ck_assert_uint_eq(pkt_dst(&p), KMS_IP);
	ck_assert_uint_eq(pkt_dport(&p), 1688);
	build_syn(&want, SNAT_IP, 1024, KMS_IP, 1688, 128);
	ck_assert_uint_eq(p.len, want.len);
	ck_assert_mem_eq(p.buf, want.buf, p.len);

	ck_assert_int_eq(pkt_build_tcp(b, &p, KMS_IP, 1688, SNAT_IP, 1024,
	    99, 0x01020305, PKT_SYN | PKT_ACK, 50, NULL, 0), 0);
	pkt_set_dst(&p, VM_IP, 49152);
	assert_pkt_ok(&p);
	ck_assert_int_eq(pkt_build_tcp(b, &want, KMS_IP, 1688, VM_IP, 49152,
	    99, 0x01020305, PKT_SYN | PKT_ACK, 50, NULL, 0), 0);
	ck_assert_mem_eq(p.buf, want.buf, p.len);

	ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP, 53001, DNS_IP, 9,
	    "kms.core.windows.net", 64), 0);
	pkt_set_src(&p, SNAT_IP, 3333);
	assert_pkt_ok(&p);
	ck_assert_int_eq(pkt_build_dns_query(b, &want, SNAT_IP, 3333, DNS_IP,
	    9, "kms.core.windows.net", 64), 0);
	ck_assert_mem_eq(p.buf, want.buf, p.len);
}
END_TEST

/* A fixed-seed xorshift32, so a failure repeats. */
static uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

struct fields {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t ttl;
};

static void
build_kind(int kind, struct pkt *p, const struct fields *f,
    const uint8_t *data, size_t dlen)
{
	int rc;

	switch (kind) {
	case 0:
		rc = pkt_build_tcp(b, p, f->src, f->sport, f->dst, f->dport,
		    0x12345678, 0x9abcdef0, PKT_PSH | PKT_ACK, f->ttl, data,
		    dlen);
		break;
	case 1:
		rc = pkt_build_udp(b, p, f->src, f->sport, f->dst, f->dport,
		    f->ttl, data, dlen);
		break;
	default:
		rc = pkt_build_dns_query(b, p, f->src, f->sport, f->dst, 77,
		    "kms.core.windows.net", f->ttl);
		break;
	}
	ck_assert_int_eq(rc, 0);
}

START_TEST(rewrite_chain)
{
	uint8_t data[333];
	uint32_t seed = 0x2545f491, r;
	struct fields f;
	struct pkt p, want;
	int kind, i;
	size_t j;

	for (j = 0; j < sizeof(data); j++)
		data[j] = (uint8_t)xorshift32(&seed);
	for (kind = 0; kind < 3; kind++) {
		f.src = VM_IP;
		f.sport = 49152;
		f.dst = KMS_IP;
		f.dport = kind == 2 ? 53 : 1688;
		f.ttl = 255;
		build_kind(kind, &p, &f, data, sizeof(data) - (size_t)kind);
		for (i = 0; i < 1000; i++) {
			r = xorshift32(&seed);
			switch (r % 8) {
			case 0:
				f.ttl = pkt_dec_ttl(&p);
				break;
			case 1: case 2: case 3:
				f.src = xorshift32(&seed);
				f.sport = (uint16_t)(r >> 16);
				pkt_set_src(&p, f.src, f.sport);
				break;
			default:
				f.dst = xorshift32(&seed);
				if (kind != 2)
					f.dport = (uint16_t)(r >> 16);
				pkt_set_dst(&p, f.dst, f.dport);
				break;
			}
			assert_pkt_ok(&p);
			ck_assert_uint_eq(pkt_src(&p), f.src);
			ck_assert_uint_eq(pkt_dst(&p), f.dst);
			ck_assert_uint_eq(pkt_sport(&p), f.sport);
			ck_assert_uint_eq(pkt_dport(&p), f.dport);
			ck_assert_uint_eq(pkt_ttl(&p), f.ttl);
			build_kind(kind, &want, &f, data,
			    sizeof(data) - (size_t)kind);
			ck_assert_uint_eq(p.len, want.len);
			ck_assert_mem_eq(p.buf, want.buf, p.len);
		}
	}
}
END_TEST

/* A UDP checksum of 0 was never computed and stays 0 through rewrites. */
START_TEST(udp_no_checksum)
{
	static const uint8_t data[] = "no checksum";
	struct pkt p;

	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 50000, DNS_IP, 53, 64,
	    data, sizeof(data)), 0);
	wr16(p.buf + 26, 0);
	assert_pkt_ok(&p);
	pkt_set_src(&p, SNAT_IP, 1024);
	ck_assert_uint_eq(rd16(p.buf + 26), 0);
	pkt_set_dst(&p, KMS_IP, 1688);
	ck_assert_uint_eq(rd16(p.buf + 26), 0);
	ck_assert_uint_eq(pkt_dec_ttl(&p), 63);
	ck_assert_uint_eq(rd16(p.buf + 26), 0);
	assert_pkt_ok(&p);
}
END_TEST

/* A UDP checksum that computes to 0 is sent as 0xffff, by the builder and
 * by the rewrites. The payload word is chosen to make the sum come out 0. */
START_TEST(udp_zero_sum)
{
	uint8_t data[2] = { 0, 0 };
	uint16_t c;
	struct pkt p, q;

	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 50000, DNS_IP, 53, 64,
	    data, sizeof(data)), 0);
	c = rd16(p.buf + 26);
	wr16(data, c);
	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 50000, DNS_IP, 53, 64,
	    data, sizeof(data)), 0);
	ck_assert_uint_eq(rd16(p.buf + 26), 0xffff);
	assert_pkt_ok(&p);

	/* Rewrite into that packet from another one. */
	ck_assert_int_eq(pkt_build_udp(b, &q, SNAT_IP, 1, KMS_IP, 2, 64,
	    data, sizeof(data)), 0);
	ck_assert_uint_ne(rd16(q.buf + 26), 0xffff);
	pkt_set_src(&q, VM_IP, 50000);
	pkt_set_dst(&q, DNS_IP, 53);
	assert_pkt_ok(&q);
	ck_assert_uint_eq(rd16(q.buf + 26), 0xffff);
	ck_assert_mem_eq(q.buf, p.buf, p.len);

	/* And out of it again. */
	pkt_set_src(&q, SNAT_IP, 1);
	assert_pkt_ok(&q);
	ck_assert_uint_ne(rd16(q.buf + 26), 0xffff);
}
END_TEST

START_TEST(ttl_to_zero)
{
	struct pkt p, want;

	build_syn(&p, VM_IP, 49152, KMS_IP, 1688, 2);
	ck_assert_uint_eq(pkt_dec_ttl(&p), 1);
	assert_pkt_ok(&p);
	ck_assert_uint_eq(pkt_dec_ttl(&p), 0);
	ck_assert_uint_eq(p.buf[8], 0);
	assert_pkt_ok(&p);
	build_syn(&want, VM_IP, 49152, KMS_IP, 1688, 0);
	ck_assert_mem_eq(p.buf, want.buf, p.len);
	ck_assert_uint_eq(pkt_dec_ttl(&p), 0);	/* stays 0 */
	ck_assert_mem_eq(p.buf, want.buf, p.len);
}
END_TEST

START_TEST(invalid)
{
	struct pkt good, p;

	build_syn(&good, VM_IP, 49152, KMS_IP, 1688, 128);
	ck_assert(pkt_valid(&good));

	p = good;				/* length mismatch */
	p.len--;
	ck_assert(!pkt_valid(&p));
	p = good;
	p.len++;
	ck_assert(!pkt_valid(&p));
	p = good;
	p.len = PKT_MAX + 1;
	ck_assert(!pkt_valid(&p));
	p = good;
	p.len = 19;
	ck_assert(!pkt_valid(&p));

	p = good;				/* IHL < 5 */
	p.buf[0] = 0x44;
	ck_assert(!pkt_valid(&p));
	p = good;				/* IHL beyond the packet */
	p.buf[0] = 0x4f;
	ck_assert(!pkt_valid(&p));
	p = good;				/* version 6 */
	p.buf[0] = 0x65;
	ck_assert(!pkt_valid(&p));
	ck_assert(!pkt_checksums_ok(&p));

	p = good;				/* truncated TCP header */
	p.len = 30;
	wr16(p.buf + 2, 30);
	ck_assert(!pkt_valid(&p));
	p = good;				/* data offset < 5 */
	p.buf[32] = 0x40;
	ck_assert(!pkt_valid(&p));
	p = good;				/* data offset past the end */
	p.buf[32] = 0x60;
	ck_assert(!pkt_valid(&p));

	p = good;				/* fragment */
	wr16(p.buf + 6, 0x2000);
	ck_assert(!pkt_valid(&p));
	p = good;				/* not TCP or UDP */
	p.buf[9] = 1;
	ck_assert(!pkt_valid(&p));

	ck_assert_int_eq(pkt_build_udp(b, &good, VM_IP, 1, DNS_IP, 2, 64,
	    (const uint8_t *)"abcd", 4), 0);
	ck_assert(pkt_valid(&good));
	p = good;				/* UDP length field */
	wr16(p.buf + 24, 11);
	ck_assert(!pkt_valid(&p));
	p = good;
	wr16(p.buf + 24, 13);
	ck_assert(!pkt_valid(&p));
	p = good;				/* truncated UDP header */
	p.len = 25;
	wr16(p.buf + 2, 25);
	ck_assert(!pkt_valid(&p));

	ck_assert(!pkt_valid(NULL));
}
END_TEST

/* Any flipped bit, header or payload, is caught: by a checksum, or by
 * pkt_valid for the length, version and protocol fields. */
START_TEST(bad_checksums)
{
	static const uint8_t data[] = "payload";
	struct pkt good, p;
	size_t i;

	ck_assert_int_eq(pkt_build_tcp(b, &good, VM_IP, 49152, KMS_IP, 1688,
	    1, 2, PKT_ACK, 64, data, sizeof(data)), 0);
	for (i = 0; i < good.len; i++) {
		p = good;
		p.buf[i] ^= 0x10;
		ck_assert_msg(!pkt_checksums_ok(&p), "byte %zu", i);
	}
	ck_assert_int_eq(pkt_build_udp(b, &good, VM_IP, 1, DNS_IP, 2, 64,
	    data, sizeof(data)), 0);
	for (i = 0; i < good.len; i++) {
		p = good;
		p.buf[i] ^= 0x01;
		ck_assert_msg(!pkt_checksums_ok(&p), "byte %zu", i);
	}
}
END_TEST

/* One builder, many packets: nothing may pile up in the libnet context
 * (run under AddressSanitizer, whose leak check runs at exit). */
START_TEST(many_builds)
{
	uint8_t data[64];
	struct pkt p;
	uint32_t i;

	memset(data, 0x5a, sizeof(data));
	for (i = 0; i < 100000; i++) {
		switch (i % 3) {
		case 0:
			ck_assert_int_eq(pkt_build_tcp(b, &p, VM_IP, 49152,
			    KMS_IP, 1688, i, ~i, PKT_ACK, 128, data,
			    i % sizeof(data)), 0);
			break;
		case 1:
			ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 50000,
			    DNS_IP, 123, 64, data, i % sizeof(data)), 0);
			break;
		default:
			ck_assert_int_eq(pkt_build_dns_query(b, &p, VM_IP,
			    (uint16_t)i, DNS_IP, (uint16_t)i,
			    "kms.core.windows.net", 64), 0);
			break;
		}
		if (i % 1000 == 0)
			assert_pkt_ok(&p);
	}
	/* Failures in between must not leave blocks behind either. */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 1, DNS_IP, 2, 64,
		    data, PKT_MAX), -EINVAL);
	build_syn(&p, VM_IP, 49152, KMS_IP, 1688, 128);
	ck_assert_uint_eq(p.len, 40);
	assert_pkt_ok(&p);
}
END_TEST

/* xorshift64*: the same cases on every machine. */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/*
 * pkt_build_tcp and pkt_build_udp write the bytes libnet writes
 * (pkt_build_*_oracle): random addresses, ports, sequence numbers,
 * flags, TTLs and payloads of 0 to 64 bytes (odd lengths too), and the
 * UDP payload whose checksum comes out 0.
 */
START_TEST(builds_equal_libnet)
{
	uint64_t s = 0x243f6a8885a308d3ull, r;
	uint8_t data[64];
	struct pkt p, q;
	size_t i, k, n;
	uint16_t c;

	for (i = 0; i < 100000; i++) {
		uint32_t src = (uint32_t)next_rand(&s), dst;
		uint16_t sp, dp;
		uint8_t ttl, flags;

		r = next_rand(&s);
		dst = (uint32_t)(r >> 32);
		sp = (uint16_t)r;
		dp = (uint16_t)(r >> 16);
		r = next_rand(&s);
		ttl = (uint8_t)r;
		flags = (uint8_t)(r >> 8);
		n = (size_t)(r >> 16) % (sizeof(data) + 1);
		if (i % 4 == 0)
			n = 0;
		for (k = 0; k < n; k++)
			data[k] = (uint8_t)next_rand(&s);
		memset(&p, 0xa5, sizeof(p));
		memset(&q, 0x5a, sizeof(q));
		if (i % 2 == 0) {
			uint32_t seq = (uint32_t)next_rand(&s);
			uint32_t ack = (uint32_t)next_rand(&s);

			ck_assert_int_eq(pkt_build_tcp(b, &p, src, sp, dst, dp,
			    seq, ack, flags, ttl, data, n), 0);
			ck_assert_int_eq(pkt_build_tcp_oracle(b, &q, src, sp,
			    dst, dp, seq, ack, flags, ttl, data, n), 0);
		} else {
			ck_assert_int_eq(pkt_build_udp(b, &p, src, sp, dst, dp,
			    ttl, data, n), 0);
			ck_assert_int_eq(pkt_build_udp_oracle(b, &q, src, sp,
			    dst, dp, ttl, data, n), 0);
		}
		ck_assert_uint_eq(p.len, q.len);
		ck_assert_mem_eq(p.buf, q.buf, p.len);
	}
	/* A UDP checksum of 0 is sent as all ones by both. */
	memset(data, 0, 2);
	ck_assert_int_eq(pkt_build_udp_oracle(b, &q, VM_IP, 50000, DNS_IP, 53,
	    64, data, 2), 0);
	c = rd16(q.buf + 26);
	wr16(data, c);
	ck_assert_int_eq(pkt_build_udp(b, &p, VM_IP, 50000, DNS_IP, 53, 64,
	    data, 2), 0);
	ck_assert_int_eq(pkt_build_udp_oracle(b, &q, VM_IP, 50000, DNS_IP, 53,
	    64, data, 2), 0);
	ck_assert_uint_eq(rd16(p.buf + 26), 0xffff);
	ck_assert_mem_eq(p.buf, q.buf, p.len);
}
END_TEST

static Suite *
pkt_suite(void)
{
	Suite *s = suite_create("pkt");
	TCase *tc;

	tc = tcase_create("build");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tcp_syn);
	tcase_add_test(tc, tcp_synack_and_data);
	tcase_add_test(tc, udp_datagram);
	tcase_add_test(tc, dns_query);
	tcase_add_test(tc, dns_names);
	tcase_add_test(tc, payload_limits);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, builds_equal_libnet);
	suite_add_tcase(s, tc);

	tc = tcase_create("rewrite");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, snat_rewrite);
	tcase_add_test(tc, rewrite_chain);
	tcase_add_test(tc, udp_no_checksum);
	tcase_add_test(tc, udp_zero_sum);
	tcase_add_test(tc, ttl_to_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("validate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, invalid);
	tcase_add_test(tc, bad_checksums);
	suite_add_tcase(s, tc);

	tc = tcase_create("stress");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, many_builds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pkt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
