/*
 * tags_builtin.h: the service-tag data compiled into ftsim (internal to
 * topology/tags_builtin.c and its generated data file).
 */
#ifndef FTSIM_TAGS_BUILTIN_H
#define FTSIM_TAGS_BUILTIN_H

#include <stddef.h>
#include <stdint.h>

struct builtin_pfx {
	uint32_t addr;
	uint8_t len;
};

struct builtin_tag {
	const char *name;
	const struct builtin_pfx *pfx;
	size_t n;
};

extern const char builtin_public_origin[];
extern const long builtin_public_change;
extern const struct builtin_tag builtin_public_tags[];
extern const size_t builtin_public_ntags;

#endif
