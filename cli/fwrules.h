/*
 * fwrules.h: `ftsim rules --firewall NAME`: an Azure Firewall's rule
 * collections in the order it processes them (MODEL §8 [fw-rules]).
 */
#ifndef FTSIM_FWRULES_H
#define FTSIM_FWRULES_H

#include <stdbool.h>
#include <stddef.h>

#include "topology/topo.h"

/* Print firewall fi of t as text or JSON. 0, or -1 when stdout failed
 * or memory ran out (said). */
int fwrules_print(const struct topo *t, size_t fi, bool json);

#endif
