/*
 * pkt.c: packets as bytes.
 *
 * TCP segments and UDP datagrams are written here, byte by byte, with
 * their checksums (RFC 1071): a walk builds two per flow, and libnet's
 * protocol blocks (allocated, formatted and freed per packet) cost more
 * than the rest of a decision. libnet builds them too, as the oracle
 * (pkt_build_tcp_oracle, pkt_build_udp_oracle: the same bytes, checked
 * by tests/unit/test_pkt.c), and builds DNS messages (LIBNET_NONE:
 * construct, never inject). This file also reads fields back out of the
 * bytes and patches them for NAT and routing. Field access goes through byte offsets and explicit big-endian
 * loads and stores, never through header structs, so nothing depends on
 * the alignment of p->buf or on the host byte order.
 *
 * The readers and rewriters never look past byte 60 + 20 of p->buf (the
 * largest IPv4 header plus a TCP header), so even on garbage they stay
 * inside the buffer; only pkt_valid decides whether the bytes make sense.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnet.h>

#include "capture/pkt.h"

/* IPv4 header: byte offsets. */
#define IPH_VHL		0	/* version, IHL */
#define IPH_LEN		2	/* total length */
#define IPH_FRAG	6	/* flags, fragment offset */
#define IPH_TTL		8
#define IPH_PROTO	9
#define IPH_SUM		10
#define IPH_SRC		12
#define IPH_DST		16
#define IPH_MAX		60	/* IHL 15 */

/* TCP and UDP headers: byte offsets. */
#define L4_SPORT	0
#define L4_DPORT	2
#define TCPH_OFF	12	/* data offset */
#define TCPH_FLAGS	13
#define TCPH_SUM	16
#define UDPH_LEN	4
#define UDPH_SUM	6

#define PSEUDO_H	12	/* pseudo-header: addresses, proto, length */

/*
 * Fixed fields of every packet built here. The IPv4 identification is a
 * constant so that the bytes depend on the arguments alone (no counter, no
 * clock): a packet whose addresses pkt_set_* rewrote is then byte for byte
 * the packet pkt_build_* makes from the rewritten addresses. No datagram is
 * ever fragmented, so the value has no other use.
 */
#define PKT_IP_ID	1
#define PKT_TCP_WIN	64240
#define DNS_PORT	53
#define DNS_RD		0x0100	/* query, recursion desired */
#define DNS_TYPE_A	1
#define DNS_CLASS_IN	1
#define DNS_NAME_MAX	253	/* text form, without the trailing dot */
#define DNS_LABEL_MAX	63
#define DNS_QNAME_MAX	(DNS_NAME_MAX + 2)	/* wire form */
#define DNS_RR_A	16	/* an A record whose name is a pointer */
#define DNS_ANSWERS_MAX	8
#define DNS_ANSWER_OK	0x8180	/* response, RD, RA, NOERROR */
#define DNS_ANSWER_NXDOMAIN 0x8183

_Static_assert(LIBNET_IPV4_H == 20, "IPv4 header is 20 bytes");
_Static_assert(LIBNET_TCP_H == 20, "TCP header is 20 bytes");
_Static_assert(LIBNET_UDP_H == 8, "UDP header is 8 bytes");
_Static_assert(LIBNET_UDP_DNSV4_H == 12, "DNS header over UDP is 12 bytes");
_Static_assert(sizeof(((struct pkt *)0)->buf) == PKT_MAX, "pkt buffer");
_Static_assert(PKT_MAX <= UINT16_MAX, "pkt.len and IPv4 total length");
_Static_assert(PKT_MAX >= IPH_MAX + LIBNET_TCP_H,
    "readers may touch the largest IPv4 header plus a TCP header");
_Static_assert(PKT_MAX >= LIBNET_IPV4_H + LIBNET_UDP_H +
    LIBNET_UDP_DNSV4_H + DNS_QNAME_MAX + 4, "the longest DNS query fits");
_Static_assert(PKT_MAX >= LIBNET_IPV4_H + LIBNET_UDP_H + LIBNET_UDP_DNSV4_H +
    DNS_QNAME_MAX + 4 + DNS_ANSWERS_MAX * DNS_RR_A,
    "the longest DNS answer fits");

/*
 * A builder: one libnet context, emptied (libnet_clear_packet, which also
 * restarts the ptag count) before and after every packet, so no protocol
 * block outlives the packet it was built for. err holds the message of the
 * last failure.
 */
struct pktbuilder {
	libnet_t	*l;
	char		 err[LIBNET_ERRBUF_SIZE];
};

static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* Length of the IPv4 header in bytes, from IHL (20..60 when valid). */
static size_t
ip_hlen(const struct pkt *p)
{
	return (size_t)(p->buf[IPH_VHL] & 0x0f) * 4;
}

/* True when the datagram is a fragment, so it may not start with the
 * TCP/UDP header (or not hold all of it). */
static bool
ip_is_fragment(const struct pkt *p)
{
	return (get16(p->buf + IPH_FRAG) & (IP_MF | IP_OFFMASK)) != 0;
}

static void
set_error(struct pktbuilder *b, const char *msg)
{
	snprintf(b->err, sizeof(b->err), "%s", msg);
}

struct pktbuilder *
pktbuilder_new(char *err, size_t errlen)
{
	char lerr[LIBNET_ERRBUF_SIZE] = "";
	struct pktbuilder *b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "pktbuilder: out of memory");
		return NULL;
	}
	if ((b->l = libnet_init(LIBNET_NONE, NULL, lerr)) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "libnet_init: %s", lerr);
		free(b);
		return NULL;
	}
	return b;
}

void
pktbuilder_free(struct pktbuilder *b)
{
	if (b == NULL)
		return;
	libnet_destroy(b->l);
	free(b);
}

const char *
pktbuilder_error(const struct pktbuilder *b)
{
	if (b == NULL)
		return "no packet builder";
	return b->err;
}

/*
 * A libnet_build_* call failed: keep libnet's message, drop the protocol
 * blocks built so far, and report -EIO.
 */
static int
build_failed(struct pktbuilder *b, const char *what)
{
	snprintf(b->err, sizeof(b->err), "%s: %s", what,
	    libnet_geterror(b->l));
	libnet_clear_packet(b->l);
	return -EIO;
}

/*
 * Assemble the protocol blocks built so far into p. libnet writes the
 * checksums while it coalesces; the copy it returns is freed with
 * libnet_adv_free_packet, the release that matches its allocation (it
 * undoes the alignment offset libnet applies in link-layer modes; that
 * offset is 0 here). The context is emptied whatever happens.
 */
static int
build_finish(struct pktbuilder *b, struct pkt *p, size_t want)
{
	uint8_t *buf = NULL;
	uint32_t len = 0;
	int rc = 0;

	if (libnet_pblock_coalesce(b->l, &buf, &len) == -1)
		return build_failed(b, "libnet_pblock_coalesce");
	if (len != want || len > PKT_MAX) {
		snprintf(b->err, sizeof(b->err), "libnet assembled %" PRIu32
		    " bytes, expected %zu", len, want);
		rc = -EIO;
	} else {
		memcpy(p->buf, buf, len);
		p->len = (uint16_t)len;
	}
	libnet_adv_free_packet(b->l, buf);
	libnet_clear_packet(b->l);
	return rc;
}

/*
 * libnet stores a UDP checksum that computes to 0 as 0, which on the wire
 * means "no checksum"; RFC 768 sends it as all ones instead.
 */
static void
udp_fix_zero_sum(struct pkt *p)
{
	uint8_t *udp = p->buf + LIBNET_IPV4_H;

	if (get16(udp + UDPH_SUM) == 0)
		put16(udp + UDPH_SUM, 0xffff);
}

/* The one's complement sum of n bytes at b as big-endian 16-bit words
 * (a last odd byte padded with zero), added to sum (RFC 1071). */
static uint32_t
sum_bytes(const uint8_t *b, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

/* Folded and complemented: the checksum field's value. */
static uint16_t
sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4 header without options, as libnet_build_ipv4 writes it for
 * pkt_build_*: TOS 0, ID PKT_IP_ID, no fragment bits, its checksum. */
static void
put_ipv4(uint8_t *h, size_t len, uint8_t ttl, uint8_t proto, uint32_t src,
    uint32_t dst)
{
	h[IPH_VHL] = 0x45;
	h[1] = 0;
	put16(h + IPH_LEN, (uint16_t)len);
	put16(h + 4, PKT_IP_ID);
	put16(h + IPH_FRAG, 0);
	h[IPH_TTL] = ttl;
	h[IPH_PROTO] = proto;
	put16(h + IPH_SUM, 0);
	put32(h + IPH_SRC, src);
	put32(h + IPH_DST, dst);
	put16(h + IPH_SUM, sum_fold(sum_bytes(h, LIBNET_IPV4_H, 0)));
}

/* The TCP or UDP checksum of the l4len bytes after p's IPv4 header
 * (checksum field zero), over the pseudo-header too. */
static uint16_t
l4_sum(const struct pkt *p, size_t l4len)
{
	uint32_t sum = sum_bytes(p->buf + IPH_SRC, 8, 0);

	sum += p->buf[IPH_PROTO];
	sum += (uint32_t)l4len;
	return sum_fold(sum_bytes(p->buf + LIBNET_IPV4_H, l4len, sum));
}

/* The checks every TCP or UDP build makes: 0 or -EINVAL. */
static int
build_check(struct pktbuilder *b, const struct pkt *p, size_t hlen,
    const uint8_t *payload, size_t plen, const char *proto)
{
	char msg[64];

	if (b == NULL || p == NULL)
		return -EINVAL;
	if (plen > PKT_MAX - LIBNET_IPV4_H - hlen) {
		snprintf(msg, sizeof(msg), "%s payload too long", proto);
		set_error(b, msg);
		return -EINVAL;
	}
	if (payload == NULL && plen > 0) {
		snprintf(msg, sizeof(msg), "%s payload missing", proto);
		set_error(b, msg);
		return -EINVAL;
	}
	return 0;
}

/*
 * Build a TCP segment with a 20-byte header (no options, window 64240)
 * and the payload, in an IPv4 header without options.
 */
int
pkt_build_tcp(struct pktbuilder *b, struct pkt *p,
    uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint32_t seq, uint32_t ack, uint8_t flags, uint8_t ttl,
    const uint8_t *payload, size_t plen)
{
	size_t tlen = LIBNET_TCP_H + plen, len = LIBNET_IPV4_H + tlen;
	uint8_t *tcp = p != NULL ? p->buf + LIBNET_IPV4_H : NULL;
	int rc;

	if ((rc = build_check(b, p, LIBNET_TCP_H, payload, plen, "TCP")) != 0)
		return rc;
	put_ipv4(p->buf, len, ttl, IPPROTO_TCP, src, dst);
	put16(tcp + L4_SPORT, sport);
	put16(tcp + L4_DPORT, dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[TCPH_OFF] = (LIBNET_TCP_H / 4) << 4;
	tcp[TCPH_FLAGS] = flags;
	put16(tcp + 14, PKT_TCP_WIN);
	put16(tcp + TCPH_SUM, 0);
	put16(tcp + 18, 0);		/* urgent pointer */
	if (plen > 0)
		memcpy(tcp + LIBNET_TCP_H, payload, plen);
	p->len = (uint16_t)len;
	put16(tcp + TCPH_SUM, l4_sum(p, tlen));
	return 0;
}

/* pkt_build_tcp by libnet: the oracle. */
int
pkt_build_tcp_oracle(struct pktbuilder *b, struct pkt *p,
    uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint32_t seq, uint32_t ack, uint8_t flags, uint8_t ttl,
    const uint8_t *payload, size_t plen)
{
	size_t tlen = LIBNET_TCP_H + plen;
	size_t len = LIBNET_IPV4_H + tlen;

	if (b == NULL || p == NULL)
		return -EINVAL;
	if (plen > PKT_MAX - LIBNET_IPV4_H - LIBNET_TCP_H) {
		set_error(b, "TCP payload too long");
		return -EINVAL;
	}
	if (payload == NULL && plen > 0) {
		set_error(b, "TCP payload missing");
		return -EINVAL;
	}
	if (plen == 0)
		payload = NULL;

	libnet_clear_packet(b->l);
	if (libnet_build_tcp(sport, dport, seq, ack, flags, PKT_TCP_WIN, 0, 0,
	    (uint16_t)tlen, payload, (uint32_t)plen, b->l, 0) == -1)
		return build_failed(b, "libnet_build_tcp");
	if (libnet_build_ipv4((uint16_t)len, 0, PKT_IP_ID, 0, ttl, IPPROTO_TCP,
	    0, htonl(src), htonl(dst), NULL, 0, b->l, 0) == -1)
		return build_failed(b, "libnet_build_ipv4");
	return build_finish(b, p, len);
}

/*
 * Build a UDP datagram with the payload under the given protocol block
 * already built (none for plain UDP, a DNS header for DNS): ulen is the
 * length of the UDP header and everything above it.
 */
static int
build_udp_ip(struct pktbuilder *b, struct pkt *p,
    uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint8_t ttl, const uint8_t *payload, size_t plen, size_t ulen)
{
	size_t len = LIBNET_IPV4_H + ulen;
	int rc;

	if (libnet_build_udp(sport, dport, (uint16_t)ulen, 0, payload,
	    (uint32_t)plen, b->l, 0) == -1)
		return build_failed(b, "libnet_build_udp");
	if (libnet_build_ipv4((uint16_t)len, 0, PKT_IP_ID, 0, ttl, IPPROTO_UDP,
	    0, htonl(src), htonl(dst), NULL, 0, b->l, 0) == -1)
		return build_failed(b, "libnet_build_ipv4");
	if ((rc = build_finish(b, p, len)) != 0)
		return rc;
	udp_fix_zero_sum(p);
	return 0;
}

int
pkt_build_udp(struct pktbuilder *b, struct pkt *p,
    uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint8_t ttl, const uint8_t *payload, size_t plen)
{
	size_t ulen = LIBNET_UDP_H + plen, len = LIBNET_IPV4_H + ulen;
	uint8_t *udp = p != NULL ? p->buf + LIBNET_IPV4_H : NULL;
	uint16_t sum;
	int rc;

	if ((rc = build_check(b, p, LIBNET_UDP_H, payload, plen, "UDP")) != 0)
		return rc;
	put_ipv4(p->buf, len, ttl, IPPROTO_UDP, src, dst);
	put16(udp + L4_SPORT, sport);
	put16(udp + L4_DPORT, dport);
	put16(udp + UDPH_LEN, (uint16_t)ulen);
	put16(udp + UDPH_SUM, 0);
	if (plen > 0)
		memcpy(udp + LIBNET_UDP_H, payload, plen);
	p->len = (uint16_t)len;
	/* RFC 768: a checksum that computes to 0 is sent as all ones. */
	sum = l4_sum(p, ulen);
	put16(udp + UDPH_SUM, sum == 0 ? 0xffff : sum);
	return 0;
}

/* pkt_build_udp by libnet: the oracle. */
int
pkt_build_udp_oracle(struct pktbuilder *b, struct pkt *p,
    uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint8_t ttl, const uint8_t *payload, size_t plen)
{
	if (b == NULL || p == NULL)
		return -EINVAL;
	if (plen > PKT_MAX - LIBNET_IPV4_H - LIBNET_UDP_H) {
		set_error(b, "UDP payload too long");
		return -EINVAL;
	}
	if (payload == NULL && plen > 0) {
		set_error(b, "UDP payload missing");
		return -EINVAL;
	}
	if (plen == 0)
		payload = NULL;

	libnet_clear_packet(b->l);
	return build_udp_ip(b, p, src, sport, dst, dport, ttl, payload, plen,
	    LIBNET_UDP_H + plen);
}

/* Letters, digits, hyphen; underscore too, for names like _kerberos. */
static bool
dns_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * Write the question section for name (QNAME as length-prefixed labels
 * ending in the root label, then QTYPE A and QCLASS IN) into q, which has
 * room for DNS_QNAME_MAX + 4 bytes. One trailing dot is allowed. Every
 * label is 1..63 characters, the name at most 253. Returns the length of
 * the section, or -EINVAL.
 */
static int
dns_question(const char *name, uint8_t *q)
{
	size_t n, i, lab, qlen;

	n = strnlen(name, DNS_NAME_MAX + 2);
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_NAME_MAX)
		return -EINVAL;

	qlen = 0;
	lab = 0;		/* where the current label's length goes */
	q[qlen++] = 0;
	for (i = 0; i <= n; i++) {
		if (i == n || name[i] == '.') {
			size_t llen = qlen - lab - 1;

			if (llen < 1 || llen > DNS_LABEL_MAX)
				return -EINVAL;
			q[lab] = (uint8_t)llen;
			lab = qlen;
			q[qlen++] = 0;	/* next label, or the root */
			continue;
		}
		if (!dns_label_char(name[i]))
			return -EINVAL;
		q[qlen++] = (uint8_t)name[i];
	}
	put16(q + qlen, DNS_TYPE_A);
	put16(q + qlen + 2, DNS_CLASS_IN);
	return (int)(qlen + 4);
}

/*
 * Build a DNS query over UDP: libnet writes the 12-byte header (one
 * question, no records), the question section is its payload.
 */
int
pkt_build_dns_query(struct pktbuilder *b, struct pkt *p,
    uint32_t src, uint16_t sport, uint32_t dst,
    uint16_t id, const char *name, uint8_t ttl)
{
	uint8_t q[DNS_QNAME_MAX + 4];
	int qlen;

	if (b == NULL || p == NULL || name == NULL)
		return -EINVAL;
	if ((qlen = dns_question(name, q)) < 0) {
		set_error(b, "invalid DNS name");
		return qlen;
	}

	libnet_clear_packet(b->l);
	if (libnet_build_dnsv4(LIBNET_UDP_DNSV4_H, id, DNS_RD, 1, 0, 0, 0,
	    q, (uint32_t)qlen, b->l, 0) == -1)
		return build_failed(b, "libnet_build_dnsv4");
	return build_udp_ip(b, p, src, sport, dst, DNS_PORT, ttl, NULL, 0,
	    LIBNET_UDP_H + LIBNET_UDP_DNSV4_H + (size_t)qlen);
}

int
pkt_build_dns_answer(struct pktbuilder *b, struct pkt *p,
    uint32_t src, uint32_t dst, uint16_t dport, uint16_t id,
    const char *name, const uint32_t *addrs, size_t naddrs, uint8_t ttl)
{
	uint8_t q[DNS_QNAME_MAX + 4 + DNS_ANSWERS_MAX * DNS_RR_A];
	size_t i, len;
	int qlen;

	if (b == NULL || p == NULL || name == NULL ||
	    (naddrs > 0 && addrs == NULL))
		return -EINVAL;
	if (naddrs > DNS_ANSWERS_MAX)
		naddrs = DNS_ANSWERS_MAX;
	if ((qlen = dns_question(name, q)) < 0) {
		set_error(b, "invalid DNS name");
		return qlen;
	}
	/* Each answer: a pointer to the question's name (offset 12), type
	 * A, class IN, a TTL of 300 s, 4 bytes of address. */
	len = (size_t)qlen;
	for (i = 0; i < naddrs; i++) {
		put16(q + len, 0xc000 | LIBNET_UDP_DNSV4_H);
		put16(q + len + 2, DNS_TYPE_A);
		put16(q + len + 4, DNS_CLASS_IN);
		put32(q + len + 6, 300);
		put16(q + len + 10, 4);
		put32(q + len + 12, addrs[i]);
		len += DNS_RR_A;
	}
	libnet_clear_packet(b->l);
	if (libnet_build_dnsv4(LIBNET_UDP_DNSV4_H, id,
	    naddrs ? DNS_ANSWER_OK : DNS_ANSWER_NXDOMAIN, 1,
	    (uint16_t)naddrs, 0, 0, q, (uint32_t)len, b->l, 0) == -1)
		return build_failed(b, "libnet_build_dnsv4");
	return build_udp_ip(b, p, src, DNS_PORT, dst, dport, ttl, NULL, 0,
	    LIBNET_UDP_H + LIBNET_UDP_DNSV4_H + len);
}

/*
 * The bytes hold one whole, unfragmented IPv4 datagram whose length is
 * p->len, carrying a whole TCP header (data offset within the segment)
 * or a UDP header whose length field covers exactly the rest.
 */
bool
pkt_valid(const struct pkt *p)
{
	size_t hlen, rest, doff;

	if (p == NULL || p->len < LIBNET_IPV4_H || p->len > PKT_MAX)
		return false;
	if (p->buf[IPH_VHL] >> 4 != 4)
		return false;
	hlen = ip_hlen(p);
	if (hlen < LIBNET_IPV4_H || hlen > p->len)
		return false;
	if (get16(p->buf + IPH_LEN) != p->len)
		return false;
	if (ip_is_fragment(p))
		return false;
	rest = p->len - hlen;

	switch (p->buf[IPH_PROTO]) {
	case IPPROTO_TCP:
		if (rest < LIBNET_TCP_H)
			return false;
		doff = (size_t)(p->buf[hlen + TCPH_OFF] >> 4) * 4;
		return doff >= LIBNET_TCP_H && doff <= rest;
	case IPPROTO_UDP:
		if (rest < LIBNET_UDP_H)
			return false;
		return get16(p->buf + hlen + UDPH_LEN) == rest;
	default:
		return false;
	}
}

uint8_t
pkt_proto(const struct pkt *p)
{
	return p->buf[IPH_PROTO];
}

uint32_t
pkt_src(const struct pkt *p)
{
	return get32(p->buf + IPH_SRC);
}

uint32_t
pkt_dst(const struct pkt *p)
{
	return get32(p->buf + IPH_DST);
}

static bool
has_ports(const struct pkt *p)
{
	return p->buf[IPH_PROTO] == IPPROTO_TCP ||
	    p->buf[IPH_PROTO] == IPPROTO_UDP;
}

uint16_t
pkt_sport(const struct pkt *p)
{
	return has_ports(p) ? get16(p->buf + ip_hlen(p) + L4_SPORT) : 0;
}

uint16_t
pkt_dport(const struct pkt *p)
{
	return has_ports(p) ? get16(p->buf + ip_hlen(p) + L4_DPORT) : 0;
}

uint8_t
pkt_ttl(const struct pkt *p)
{
	return p->buf[IPH_TTL];
}

uint8_t
pkt_tcp_flags(const struct pkt *p)
{
	if (p->buf[IPH_PROTO] != IPPROTO_TCP)
		return 0;
	return p->buf[ip_hlen(p) + TCPH_FLAGS];
}

/* Bytes after the TCP or UDP header; 0 when the lengths do not add up. */
size_t
pkt_payload_len(const struct pkt *p)
{
	size_t total = get16(p->buf + IPH_LEN), hlen = ip_hlen(p), l4;

	if (total > p->len || hlen > total)
		return 0;
	switch (p->buf[IPH_PROTO]) {
	case IPPROTO_TCP:
		l4 = (size_t)(p->buf[hlen + TCPH_OFF] >> 4) * 4;
		break;
	case IPPROTO_UDP:
		l4 = LIBNET_UDP_H;
		break;
	default:
		return 0;
	}
	return total - hlen >= l4 ? total - hlen - l4 : 0;
}

/*
 * RFC 1624, eqn. 3: the checksum hc of data in which the 16-bit words
 * old[0..n-1] became new[0..n-1] is ~(~hc + ~old + new), summed in one's
 * complement arithmetic; LIBNET_CKSUM_CARRY folds the carries and takes
 * the complement. Words are host-order values of the network-order bytes
 * (the one's complement sum does not depend on the byte order).
 */
static uint16_t
cksum_adjust(uint16_t hc, const uint16_t *old, const uint16_t *new, size_t n)
{
	int sum = (uint16_t)~hc;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (uint16_t)~old[i] + new[i];
	return (uint16_t)LIBNET_CKSUM_CARRY(sum);
}

/*
 * Replace the address at IPv4 offset aoff and the port at TCP/UDP offset
 * poff. The address is in the IPv4 header and in the TCP/UDP pseudo-header,
 * so both checksums change; the port only in the TCP/UDP one. A UDP
 * checksum of 0 (none) stays 0, and one that comes out 0 is sent as 0xffff.
 */
static void
rewrite_addr_port(struct pkt *p, size_t aoff, uint32_t ip, size_t poff,
    uint16_t port)
{
	uint8_t *iph = p->buf, *l4 = p->buf + ip_hlen(p);
	uint16_t old[3], new[3], sum;

	old[0] = get16(iph + aoff);
	old[1] = get16(iph + aoff + 2);
	new[0] = (uint16_t)(ip >> 16);
	new[1] = (uint16_t)ip;
	put16(iph + IPH_SUM, cksum_adjust(get16(iph + IPH_SUM), old, new, 2));
	put32(iph + aoff, ip);
	if (!has_ports(p) || ip_is_fragment(p))
		return;

	old[2] = get16(l4 + poff);
	new[2] = port;
	if (iph[IPH_PROTO] == IPPROTO_TCP) {
		sum = get16(l4 + TCPH_SUM);
		put16(l4 + TCPH_SUM, cksum_adjust(sum, old, new, 3));
	} else if ((sum = get16(l4 + UDPH_SUM)) != 0) {
		if ((sum = cksum_adjust(sum, old, new, 3)) == 0)
			sum = 0xffff;
		put16(l4 + UDPH_SUM, sum);
	}
	put16(l4 + poff, port);
}

void
pkt_set_src(struct pkt *p, uint32_t ip, uint16_t port)
{
	assert(p != NULL);
	rewrite_addr_port(p, IPH_SRC, ip, L4_SPORT, port);
}

void
pkt_set_dst(struct pkt *p, uint32_t ip, uint16_t port)
{
	assert(p != NULL);
	rewrite_addr_port(p, IPH_DST, ip, L4_DPORT, port);
}

/*
 * TTL and protocol share one 16-bit word of the IPv4 header; only that
 * header's checksum covers it. A TTL already 0 stays 0.
 */
uint8_t
pkt_dec_ttl(struct pkt *p)
{
	assert(p != NULL);
	if (p->buf[IPH_TTL] == 0)
		return 0;
	pkt_set_ttl(p, (uint8_t)(p->buf[IPH_TTL] - 1));
	return p->buf[IPH_TTL];
}

void
pkt_set_ttl(struct pkt *p, uint8_t ttl)
{
	uint16_t old, new;

	assert(p != NULL);
	old = get16(p->buf + IPH_TTL);
	new = (uint16_t)(ttl << 8 | p->buf[IPH_PROTO]);
	put16(p->buf + IPH_SUM, cksum_adjust(get16(p->buf + IPH_SUM),
	    &old, &new, 1));
	p->buf[IPH_TTL] = ttl;
}

/*
 * The checksum of len bytes at w whose checksum field is zero, as a
 * host-order value: libnet_in_cksum adds the 16-bit words as they lie in
 * memory, LIBNET_CKSUM_CARRY folds and complements, so the result is in
 * network byte order.
 */
static uint16_t
cksum_of(uint16_t *w, size_t len)
{
	int sum;

	sum = libnet_in_cksum(w, (int)len);
	return ntohs((uint16_t)LIBNET_CKSUM_CARRY(sum));
}

/*
 * Recompute the IPv4 header checksum and the TCP/UDP checksum (over the
 * pseudo-header, the header and the payload) and compare them with the
 * stored ones. A UDP checksum of 0 means none was sent and is accepted.
 * The bytes are copied, checksum field zeroed, into a uint16_t array:
 * libnet_in_cksum reads 16-bit words.
 */
bool
pkt_checksums_ok(const struct pkt *p)
{
	uint16_t w[(PSEUDO_H + PKT_MAX) / 2 + 1];
	uint8_t *wb = (uint8_t *)w;
	size_t hlen, slen, sumoff;
	uint16_t stored, sum;
	uint8_t proto;

	if (!pkt_valid(p))
		return false;
	hlen = ip_hlen(p);
	memcpy(wb, p->buf, hlen);
	put16(wb + IPH_SUM, 0);
	if (cksum_of(w, hlen) != get16(p->buf + IPH_SUM))
		return false;

	proto = p->buf[IPH_PROTO];
	slen = p->len - hlen;
	sumoff = proto == IPPROTO_TCP ? TCPH_SUM : UDPH_SUM;
	stored = get16(p->buf + hlen + sumoff);
	if (proto == IPPROTO_UDP && stored == 0)
		return true;

	memcpy(wb, p->buf + IPH_SRC, 8);
	wb[8] = 0;
	wb[9] = proto;
	put16(wb + 10, (uint16_t)slen);
	memcpy(wb + PSEUDO_H, p->buf + hlen, slen);
	put16(wb + PSEUDO_H + sumoff, 0);
	sum = cksum_of(w, PSEUDO_H + slen);
	if (proto == IPPROTO_UDP && sum == 0)
		sum = 0xffff;
	return sum == stored;
}
