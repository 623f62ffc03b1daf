/*
 * pcapr.h: reading a recorded capture, for `ftsim replay`.
 *
 * A pcapreader wraps libpcap's offline reader (pcap_open_offline reads
 * pcap and pcapng) with an optional BPF filter compiled by pcap_compile.
 * Each packet is decoded down to its IPv4 datagram: the link layer is
 * peeled by pcapr_decode for the link types below, and everything else
 * is classified (not IPv4, a fragment, another protocol, cut short) so
 * the caller can count what it skips. Timestamps are the capture's own,
 * in microseconds.
 *
 * Decoded link types: EN10MB (Ethernet, with 802.1Q/802.1ad tags), RAW
 * and IPV4 (no link header), NULL and LOOP (BSD loopback), LINUX_SLL
 * and LINUX_SLL2 (Linux "any" captures), PPP and PPP_HDLC. A capture
 * of another link type is refused when opened, naming the type.
 */
#ifndef FTSIM_PCAPR_H
#define FTSIM_PCAPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "topology/diag.h"

/* The longest --filter compiled, in bytes: pcap_compile's optimiser
 * takes time about cubic in the number of terms (300 `port N` terms take
 * 4 s, 3,000 more than ten minutes); 1,024 bytes compile in well under a
 * second whatever they hold. */
#define PCAPR_FILTER_MAX 1024

/* What a captured packet is, as far as replay is concerned. */
enum pcapr_kind {
	PCAPR_TCP,		/* IPv4 + a whole TCP header */
	PCAPR_UDP,		/* IPv4 + a whole UDP header */
	PCAPR_NOT_IPV4,		/* ARP, IPv6, LLDP, ... */
	PCAPR_OTHER_PROTO,	/* IPv4, but not TCP or UDP (ICMP, ESP...) */
	PCAPR_FRAGMENT,		/* an IPv4 fragment (not reassembled) */
	PCAPR_CUT,		/* the capture cut the link, IPv4 or
				 * transport header (snap length), or
				 * they are malformed */
	PCAPR_KIND_COUNT
};

const char *pcapr_kind_name(enum pcapr_kind k);

/* One decoded packet; ip points into the reader's buffer and is valid
 * until the next pcapr_next. */
struct pcapr_pkt {
	uint64_t no;		/* 1-based packet number in the file (before
				 * the filter: what Wireshark shows) */
	uint64_t ts_us;		/* the capture's timestamp */
	enum pcapr_kind kind;
	const uint8_t *ip;	/* the IPv4 header (NULL: not IPv4) */
	size_t iplen;		/* bytes of the datagram in the capture */
	size_t wirelen;		/* the datagram's total length field */
	uint16_t ethertype;	/* what the link layer said (0: unknown) */
};

/* Decode one frame of link type dlt into p (kind, ip, iplen, wirelen,
 * ethertype). Returns 0, or -EPROTONOSUPPORT when dlt is not one of the
 * decoded types. Never reads past data + caplen. */
int pcapr_decode(int dlt, const uint8_t *data, size_t caplen,
		 struct pcapr_pkt *p);

/* The same, knowing the frame's length on the wire (len, at least
 * caplen): a datagram whose total length goes beyond what the frame
 * carried is malformed (PCAPR_CUT), where pcapr_decode, not knowing
 * what the snap length cut, takes it for a cut payload. pcapr_next
 * decodes this way. */
int pcapr_decode_frame(int dlt, const uint8_t *data, size_t caplen,
		       size_t len, struct pcapr_pkt *p);

/* Whether link type dlt is decoded. */
bool pcapr_dlt_ok(int dlt);

struct pcapreader;

/* Open path (or, with pcapr_fopen, an open stream whose name is path;
 * the reader closes it) and compile filter (NULL: none). 0, or -EINVAL
 * with the reason in d: not a capture, unknown link type, bad filter. */
int pcapr_open(const char *path, const char *filter, struct diag *d,
	       struct pcapreader **out);
int pcapr_fopen(FILE *f, const char *path, const char *filter,
		struct diag *d, struct pcapreader **out);
void pcapr_close(struct pcapreader *r);

/* The next packet that passes the filter: 1, 0 at the end, or -EIO for
 * a damaged or truncated file (the reason in d, with the packet
 * number). */
int pcapr_next(struct pcapreader *r, struct pcapr_pkt *p, struct diag *d);

/* The file's link type, as libpcap names it ("EN10MB"). */
const char *pcapr_linktype(const struct pcapreader *r);
/* Packets read so far, the filter's rejects included. */
uint64_t pcapr_nread(const struct pcapreader *r);

#endif
