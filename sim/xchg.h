/*
 * xchg.h: the packets of a flow's whole exchange (MODEL §7).
 *
 * The walk (walk.h) routes one packet each way and records where each
 * crosses a capture point, with its addresses there. The exchange turns
 * that into every packet a real connection sends: for TCP the handshake
 * (SYN, SYN-ACK, ACK), the service's first data exchange where the model
 * knows it (KMS's activation request and its answer, IMDS's HTTP request
 * and response), and the close (FIN both ways, last ACK); or the RST of a
 * closed port; for UDP the DNS query and its answer, or a lone datagram.
 * Each packet is built once by libnet at its origin (a template) and
 * patched at each crossing (addresses, ports, TTL; checksums updated
 * incrementally), so every copy is valid bytes.
 *
 * Time is simulated: the flow starts at t0_us; each crossing happens
 * at the link delays the walk added up (topo->timing); a packet that
 * answers another leaves when that one arrived, after the answering
 * side's time to answer. Packets reach the sink in time order for each
 * capture point.
 */
#ifndef FTSIM_XCHG_H
#define FTSIM_XCHG_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/pkt.h"
#include "sim/walk.h"

/* Packets in one exchange at most (a TCP handshake, data, close). */
#define XCHG_MAX_STEPS	12

/* One packet at one capture point. */
struct xpkt {
	uint32_t point;			/* sim_point_name(s, point) */
	uint64_t ts_us;			/* simulated time */
	const struct pkt *p;
	size_t xing;			/* its crossing in r->xing */
	bool first;			/* the first packet of its direction
					 * (SYN, SYN-ACK, query, answer) */
	uint8_t eth_src[6], eth_dst[6];	/* stable made-up MACs of the
					 * link's two ends */
};

/* Counts at the sending VM's NIC: [0] from the VM, [1] to it. Bytes are
 * IPv4 datagram lengths. */
struct xchg_count {
	uint32_t pkts[2];
	uint64_t bytes[2];
	uint64_t start_us, end_us;	/* first and last packet there */
};

/* Called for each packet; a non-zero return stops the exchange and is
 * returned by xchg_run. */
typedef int (*xchg_sink)(void *arg, struct flow_result *r,
			 const struct xpkt *x);

/* Play r's exchange from t0_us. *end_us gets the time the last packet
 * arrived (t0_us when there is none). 0, a negative errno, or what the
 * sink returned. */
int xchg_run(struct sim *s, struct flow_result *r, uint64_t t0_us,
	     xchg_sink sink, void *arg, struct xchg_count *cnt,
	     uint64_t *end_us);

/* The made-up MAC of a capture point: 02 (locally administered) and
 * five bytes of a hash of its name. */
void xchg_mac(const char *point, uint8_t mac[6]);

/* The MACs of the frame at crossing k of a direction whose crossings
 * are at points pts[0..n-1]: the link from the crossing before (the
 * first crossing, or a second one of the same point, is on the link to
 * the next). */
void xchg_macs(const struct sim *s, const uint32_t *pts, size_t n, size_t k,
	       uint8_t src[6], uint8_t dst[6]);

#endif
