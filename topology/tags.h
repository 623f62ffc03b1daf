/*
 * tags.h: service tags with published prefixes (AzureCloud, Storage, ...).
 *
 * A tagset is what Microsoft's Service Tags file holds for one cloud
 * (MODEL.md §4): a list of named prefix sets. It is read with jansson from
 * ServiceTags_*.json, or built from the list compiled into ftsim, derived
 * from the real file, so that a scenario without the file still knows an
 * Azure public IP. The computed tags (Internet, VirtualNetwork,
 * AzureLoadBalancer, AzurePlatform*) are not here: they depend on the
 * VNet and are resolved by sim/nsg.
 *
 * Each tag keeps its prefixes as written and, for membership tests, the
 * same space as sorted, merged [lo, hi] intervals searched by bisection.
 */
#ifndef FTSIM_TAGS_H
#define FTSIM_TAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology/cloud.h"
#include "topology/diag.h"
#include "topology/prefix.h"

struct ipinterval {
	uint32_t lo, hi;
};

struct tag {
	char *name;
	struct pfx *pfx;		/* IPv4 prefixes as published */
	size_t npfx;
	struct ipinterval *iv;		/* merged, sorted */
	size_t niv;
};

/* A tag's name and its place in the set, for the index by name. */
struct tagref {
	const char *name;		/* the tag's own */
	size_t idx;
};

struct tagset {
	char *origin;			/* "built-in" or the file path */
	long change_number;		/* -1 when unknown */
	char *cloud;			/* the file's "cloud" value */
	struct tag *tags;
	size_t ntags;
	struct tagref *byname;		/* sorted by name, then place, for
					 * bisection; NULL: search in order */
};

/* The built-in AzureCloud list of a cloud. Returns NULL only when out of
 * memory. */
struct tagset *tagset_builtin(enum cloud c);

/* Read a Service Tags JSON file (weekly download or the REST discovery
 * API shape: changeNumber as number or string). IPv6 prefixes are skipped.
 * Errors are reported as FILE:LINE:COL through d; returns 0 or -1. */
int tagset_load(const char *path, struct tagset **out, struct diag *d);

/* Parse from memory; `name` is what messages call the input. */
int tagset_parse(const char *name, const char *buf, size_t len,
		 struct tagset **out, struct diag *d);

void tagset_free(struct tagset *ts);

/* Case-insensitive lookup; NULL when the set has no such tag. With a
 * name twice, the first. */
const struct tag *tagset_find(const struct tagset *ts, const char *name);

/* Sort the names for tagset_find (the loaders do it; a set made by hand
 * may too). A real file has 3,000 tags and a rule may name thousands:
 * a search in order would take minutes per flow. Returns 0 or -ENOMEM. */
int tagset_index(struct tagset *ts);

bool tag_contains(const struct tag *tg, uint32_t ip);

/* A service tag name as Azure spells them (Storage.WestEurope, ...): a
 * letter, then letters, digits, '.', '_' or '-'. What the scenario
 * loader and the Azure importer take as a tag where an address may be. */
bool tag_name_ok(const char *name);

/* Build a tag's intervals from its prefixes (used by the loaders and by
 * tests that make tags by hand). Returns 0 or -ENOMEM. */
int tag_index(struct tag *tg);

/* Interval helpers shared by every prefix-set user. Sort and merge in
 * place; returns the new count. */
size_t iv_normalize(struct ipinterval *iv, size_t n);
bool iv_contains(const struct ipinterval *iv, size_t n, uint32_t ip);
/* The fewest prefixes covering exactly the sorted, merged intervals iv,
 * in address order (1.0.0.0-3.255.255.255 is 1.0.0.0/8, 2.0.0.0/7).
 * Writes at most max of them to out (out may be NULL with max 0) and
 * returns how many there are. */
size_t iv_prefixes(const struct ipinterval *iv, size_t n, struct pfx *out,
		   size_t max);

#endif
