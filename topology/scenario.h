/*
 * scenario.h: the YAML scenario loader (libyaml).
 *
 * Reads a scenario file (the keys of FORMAT.md and docs/format.md) into a
 * struct topo. Every problem is reported through the diag as
 * FILE:LINE:COL: error: WHAT, at the position of the offending key or
 * value. On any error the topology is freed and -1 returned: the caller
 * never sees a half-filled model.
 */
#ifndef FTSIM_SCENARIO_H
#define FTSIM_SCENARIO_H

#include <stddef.h>

#include "topology/diag.h"
#include "topology/topo.h"

/* Largest scenario file read, in bytes. libyaml's node tree takes about
 * 30 times the file's size; 16 MiB holds far more than Azure's limits. */
#define SCENARIO_MAX_BYTES (16u << 20)

int scenario_load(const char *path, struct topo *out, struct diag *d);
/* From memory; name is the file name used in messages and the base of
 * relative paths (service_tags). */
int scenario_parse(const char *name, const char *buf, size_t len,
		   struct topo *out, struct diag *d);

#endif
