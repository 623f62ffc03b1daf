/*
 * replay.h: a recorded capture's packets, injected at a VM's NIC and
 * judged by the model (`ftsim replay`).
 *
 * Packets are grouped into flows by their 5-tuple, seen from the VM: a
 * packet the VM sent opens (or continues) a flow; a packet to the VM
 * continues the flow it answers. The first packet of a flow is replayed
 * through the engine (sim_run_flow, the same walk `ftsim run` makes),
 * and every later packet of the flow shares its verdict: the model's
 * routes, NSGs and NAT bindings do not change inside a replay. Each flow
 * keeps the crossings of both directions, so every recorded packet can
 * be written at every capture point it would cross, with the addresses
 * and TTL it would have there.
 *
 * A replay allocates per flow, never per packet; the flow table is open
 * addressing over the 5-tuple and grows by doubling.
 */
#ifndef FTSIM_REPLAY_H
#define FTSIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/pcapr.h"
#include "sim/walk.h"
#include "sim/xchg.h"

/* Flows per replay: each keeps its crossings and verdict (under 1 KB),
 * and each costs one walk. Above it the replay stops with an error that
 * suggests a --filter (docs/format.md, "Limits"). */
#define REPLAY_MAX_FLOWS 200000

/* Why a packet was not judged. */
enum replay_skip {
	RSKIP_NONE,
	RSKIP_NOT_IPV4,		/* ARP, IPv6, ... */
	RSKIP_OTHER_PROTO,	/* ICMP, ESP, ...: the model has TCP and UDP */
	RSKIP_FRAGMENT,		/* not reassembled */
	RSKIP_CUT,		/* headers cut by the snap length */
	RSKIP_NOT_VM,		/* neither address is the VM's */
	RSKIP_UNSOLICITED,	/* to the VM, answering no flow it sent */
	RSKIP_COUNT
};

const char *replay_skip_name(enum replay_skip k);

/* The model's verdict on a flow: what its first packet met. */
struct replay_verdict {
	bool delivered, tcp_connect, replied, reply_delivered, asymmetric;
	enum activation activation;
	bool has_source_seen;
	uint32_t source_seen;
	enum srcclass source_class;
	enum hairpin hairpin;
	const char *drop_reason;	/* static; NULL if none */
	const char *reply_drop_reason;	/* static; NULL if none */
	char *where;			/* the last node the request reached */
};

/*
 * One flow of the capture, in the VM's direction. xing holds the
 * request's crossings (nx[0] of them) then the reply's (nx[1]); pts
 * their points, for the links' MAC addresses.
 */
struct replay_flow {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;			/* PROTO_TCP or PROTO_UDP */
	uint8_t ttl;			/* its first packet's TTL */
	uint64_t first_no;		/* its first packet in the capture */
	uint64_t pkts[2], bytes[2];	/* [0] from the VM, [1] to it */
	size_t scenario_flow;		/* a scenario flow of this VM to the
					 * same address, protocol and port,
					 * or TOPO_NONE */
	size_t nexp, nexp_failed;	/* that flow's expectations, checked
					 * against this one's verdict */
	struct replay_verdict v;
	struct xing *xing;
	uint32_t *pts;			/* each crossing's point, in order */
	size_t nx[2];
};

/* Called once per new flow with the engine's whole result for its first
 * packet (valid during the call only; r->exp holds the matched scenario
 * flow's expectations checked); non-zero stops the replay and is
 * returned by replay_packet. */
typedef int (*replay_flow_cb)(void *arg, const struct replay_flow *fl,
			      struct flow_result *r);

struct replay;

/* A replay at VM vm's NIC. 0, or -ENOMEM, -EINVAL (no such VM). */
int replay_new(struct sim *s, size_t vm, replay_flow_cb cb, void *arg,
	       struct replay **out);
void replay_free(struct replay *rp);

/* What replay_packet made of one packet. */
struct replay_res {
	enum replay_skip skip;		/* RSKIP_NONE: judged */
	int dir;			/* 0 from the VM, 1 to it */
	bool new_flow;			/* it opened fl */
	size_t flow;			/* replay_flow_at(rp, flow) */
};

/* Judge packet p. 0; -E2BIG past REPLAY_MAX_FLOWS; -ENOMEM; or what the
 * callback returned. */
int replay_packet(struct replay *rp, const struct pcapr_pkt *p,
		  struct replay_res *res);

/* Flows in the order their first packets came. */
size_t replay_nflows(const struct replay *rp);
const struct replay_flow *replay_flow_at(const struct replay *rp, size_t i);
/* Packets skipped, per reason. */
uint64_t replay_skipped(const struct replay *rp, enum replay_skip k);

/* Packet p (judged as res) as it is at each crossing of its direction:
 * bytes patched to the crossing's addresses, ports and TTL (checksums
 * updated incrementally), timestamps t_us (the packet's own, on the
 * caller's clock) shifted by the simulated link delays, frames with the
 * points' made-up MACs. The sink gets each copy; its x->first is always
 * false and x->xing indexes fl->xing. A packet that does not fit a
 * struct pkt, or whose payload the capture cut, is not emitted:
 * *written is false then. 0 or what the sink returned. */
int replay_emit(struct replay *rp, const struct pcapr_pkt *p,
		const struct replay_res *res, uint64_t t_us, xchg_sink sink,
		void *arg, bool *written);

#endif
