/*
 * fwlog.h: Azure Firewall's structured logs of the simulated flows
 * (MODEL §8 [fw-rules]): AZFWNetworkRule and AZFWApplicationRule records
 * as a Log Analytics export shows them, one per firewall decision.
 */
#ifndef FTSIM_FWLOG_H
#define FTSIM_FWLOG_H

#include <stdint.h>

#include <jansson.h>

#include "sim/walk.h"

/* Append r's firewall decisions to the arrays net and app (records of
 * AZFWNetworkRule and AZFWApplicationRule); t0_us is when the flow's
 * exchange starts on the simulated clock. 0 or -ENOMEM. */
int fwlog_add(const struct topo *t, const struct flow_result *r,
	      uint64_t t0_us, json_t *net, json_t *app);

#endif
