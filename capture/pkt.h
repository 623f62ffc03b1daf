/*
 * pkt.h: packets as bytes.
 *
 * A struct pkt holds one IPv4 datagram (IPv4 header + TCP or UDP header +
 * payload). TCP and UDP are written byte by byte with their checksums;
 * libnet (LIBNET_NONE: construct only, never inject) builds DNS messages,
 * and the same TCP and UDP bytes as the oracle. The engine reads
 * addresses and ports from these bytes and rewrites them in place for NAT;
 * pkt_set_* patch the IPv4, TCP and UDP checksums incrementally
 * (RFC 1624, eqn. 3) so they stay valid after every rewrite.
 *
 * A pktbuilder owns one libnet context, reused for every packet it builds
 * with libnet (libnet ptags are reset between packets), and the last
 * error's message. It is not thread-safe; pkt_build_tcp and
 * pkt_build_udp change it only on an error.
 */
#ifndef FTSIM_PKT_H
#define FTSIM_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 1500		/* bytes; an IPv4 MTU */

/* TCP flag bits, as in the header. */
enum {
	PKT_FIN = 0x01, PKT_SYN = 0x02, PKT_RST = 0x04,
	PKT_PSH = 0x08, PKT_ACK = 0x10,
};

struct pkt {
	uint16_t len;		/* bytes used in buf */
	uint8_t buf[PKT_MAX];	/* starts with the IPv4 header */
};

struct pktbuilder;

/* Returns NULL (and fills err, if given, with libnet's message) on
 * failure. errlen is the size of err. */
struct pktbuilder *pktbuilder_new(char *err, size_t errlen);
void pktbuilder_free(struct pktbuilder *b);

/* All addresses are host order. Return 0, or -EINVAL (payload too long
 * for PKT_MAX) or -EIO (libnet refused; pktbuilder_error tells why). */
int pkt_build_tcp(struct pktbuilder *b, struct pkt *p,
		  uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		  uint32_t seq, uint32_t ack, uint8_t flags, uint8_t ttl,
		  const uint8_t *payload, size_t plen);
int pkt_build_udp(struct pktbuilder *b, struct pkt *p,
		  uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		  uint8_t ttl, const uint8_t *payload, size_t plen);
/* The same two built by libnet: the oracles (the same bytes). */
int pkt_build_tcp_oracle(struct pktbuilder *b, struct pkt *p,
			 uint32_t src, uint16_t sport, uint32_t dst,
			 uint16_t dport, uint32_t seq, uint32_t ack,
			 uint8_t flags, uint8_t ttl, const uint8_t *payload,
			 size_t plen);
int pkt_build_udp_oracle(struct pktbuilder *b, struct pkt *p,
			 uint32_t src, uint16_t sport, uint32_t dst,
			 uint16_t dport, uint8_t ttl, const uint8_t *payload,
			 size_t plen);
/* A DNS query (type A, class IN, recursion desired) for name, in UDP. */
int pkt_build_dns_query(struct pktbuilder *b, struct pkt *p,
			uint32_t src, uint16_t sport, uint32_t dst,
			uint16_t id, const char *name, uint8_t ttl);
/* The answer to such a query, from the DNS server src:53 to dst:dport:
 * the question again and one A record per address (at most 8; none is
 * NXDOMAIN). */
int pkt_build_dns_answer(struct pktbuilder *b, struct pkt *p,
			 uint32_t src, uint32_t dst, uint16_t dport,
			 uint16_t id, const char *name, const uint32_t *addrs,
			 size_t naddrs, uint8_t ttl);
const char *pktbuilder_error(const struct pktbuilder *b);

/* Readers. pkt_valid checks that the bytes hold a whole IPv4 header and a
 * whole TCP/UDP header (lengths consistent); the other readers assume it. */
bool pkt_valid(const struct pkt *p);
uint8_t pkt_proto(const struct pkt *p);		/* IPPROTO_TCP / _UDP */
uint32_t pkt_src(const struct pkt *p);
uint32_t pkt_dst(const struct pkt *p);
uint16_t pkt_sport(const struct pkt *p);
uint16_t pkt_dport(const struct pkt *p);
uint8_t pkt_ttl(const struct pkt *p);
uint8_t pkt_tcp_flags(const struct pkt *p);	/* 0 for UDP */
size_t pkt_payload_len(const struct pkt *p);

/* Rewrites, checksums patched incrementally. */
void pkt_set_src(struct pkt *p, uint32_t ip, uint16_t port);
void pkt_set_dst(struct pkt *p, uint32_t ip, uint16_t port);
/* Decrement the TTL; returns the new TTL (0 means: drop it). */
uint8_t pkt_dec_ttl(struct pkt *p);
/* Set the TTL, the header checksum patched. */
void pkt_set_ttl(struct pkt *p, uint8_t ttl);

/* Recompute every checksum from scratch (libnet_in_cksum) and compare:
 * true when the IPv4 header and the TCP/UDP checksums are all correct. */
bool pkt_checksums_ok(const struct pkt *p);

#endif
