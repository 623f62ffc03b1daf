/*
 * names.h: the built-in DNS of each cloud (MODEL.md §4): the KMS names and
 * the platform names a VM resolves without any custom DNS. A scenario's
 * `dns:` entries are looked up first and override these.
 */
#ifndef FTSIM_NAMES_H
#define FTSIM_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "topology/cloud.h"
#include "topology/topo.h"

struct dns_builtin {
	enum cloud cloud;
	const char *name;
	uint32_t ips[3];
	size_t nips;
	const char *source;	/* the document the address comes from */
};

/* Built-in answer for name in cloud c, NULL if none. */
const struct dns_builtin *dns_builtin_find(enum cloud c, const char *name);

/* Resolve a flow destination: a dotted quad is itself; a name is looked
 * up in the scenario's dns: first, then in the built-in table. Fills at
 * most max addresses, returns how many (0: unknown name). *origin tells
 * where the answer came from ("address", "scenario dns", "built-in"). */
size_t dns_resolve(const struct topo *t, const char *name, uint32_t *ips,
		   size_t max, const char **origin);

#endif
