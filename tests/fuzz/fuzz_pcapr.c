/*
 * fuzz_pcapr.c: libFuzzer harness for the capture reader of `ftsim
 * replay` (capture/pcapr.h) and the replay behind it (sim/replay.h).
 *
 * The input is a capture file's bytes. It is read as `ftsim replay` reads
 * one: every packet decoded, judged at vm1's NIC of a small forced-tunnel
 * network, and emitted at every capture point its flow crosses. A file
 * libpcap refuses, or one that breaks off, must come with a message;
 * any crash, leak, sanitizer report or abort is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture/pcapr.h"
#include "sim/replay.h"
#include "topology/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Packets per input: enough for many flows, bounded in time. */
#define FUZZ_MAX_PACKETS 4096

static const char net[] =
    "scenario: fuzz-replay\n"
    "vnets:\n"
    "  - name: v\n"
    "    address_space: [10.1.0.0/16]\n"
    "    gateway: gw\n"
    "    subnets: [{name: s, prefix: 10.1.1.0/24}]\n"
    "vms: [{name: vm1, vnet: v, subnet: s, ip: 10.1.1.4}]\n"
    "expressroute:\n"
    "  - name: er\n"
    "    gateway: gw\n"
    "    private_peering: {advertised: [0.0.0.0/0, 192.168.0.0/16]}\n"
    "onprem: {name: op, prefixes: [192.168.0.0/16], "
    "internet_edge_ip: 198.51.100.10}\n";

static struct topo topo;
static struct sim *sim;

static int
drop(void *arg, struct flow_result *r, const struct xpkt *x)
{
	(void)arg;
	(void)r;
	/* Every copy is a whole datagram. */
	if (x->p->len < 20 || x->p->len > PKT_MAX)
		abort();
	return 0;
}

static void
setup(void)
{
	struct diag d;

	diag_init(&d);
	if (scenario_parse("net.yaml", net, sizeof(net) - 1, &topo, &d) != 0 ||
	    sim_new(&topo, &d, &sim) != 0)
		abort();
	diag_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapreader *pr = NULL;
	struct replay *rp = NULL;
	struct replay_res res;
	struct pcapr_pkt p;
	struct diag d;
	FILE *f;
	size_t n = 0;
	bool written;
	int rc;

	if (sim == NULL)
		setup();
	if (size == 0 || (f = fmemopen((void *)data, size, "rb")) == NULL)
		return 0;
	diag_init(&d);
	if (pcapr_fopen(f, "fuzz.pcap", NULL, &d, &pr) != 0) {
		if (d.errors == 0)
			abort();
		diag_free(&d);
		return 0;
	}
	if (replay_new(sim, 0, NULL, NULL, &rp) != 0)
		abort();
	while (n++ < FUZZ_MAX_PACKETS && (rc = pcapr_next(pr, &p, &d)) == 1) {
		if (replay_packet(rp, &p, &res) != 0)
			break;
		if (replay_emit(rp, &p, &res, p.ts_us, drop, NULL,
		    &written) != 0)
			abort();
	}
	if (n <= FUZZ_MAX_PACKETS && rc < 0 && d.errors == 0)
		abort();
	replay_free(rp);
	pcapr_close(pr);
	diag_free(&d);
	return 0;
}
