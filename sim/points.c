/*
 * points.c: capture points (MODEL §7), by name and kind: "nic-vm1",
 * "circuit-er1-private". A walk asks for a point by kind and instance;
 * the engine numbers each new one and finds it again by hash.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/walkint.h"
#include "topology/vec.h"

const char *
cap_kind_name(enum cap_kind k)
{
	static const char *const names[CAP_COUNT] = {
		[CAP_NIC] = "nic", [CAP_FABRIC] = "fabric",
		[CAP_AZURE_EDGE] = "azure-edge", [CAP_GATEWAY] = "gateway",
		[CAP_CIRCUIT_PRIVATE] = "circuit", [CAP_CIRCUIT_PUBLIC] = "circuit",
		[CAP_CIRCUIT_MICROSOFT] = "circuit",
		[CAP_ONPREM_INSIDE] = "onprem", [CAP_ONPREM_OUTSIDE] = "onprem",
		[CAP_APPLIANCE] = "appliance", [CAP_DEST] = "dest",
		[CAP_FIREWALL_INSIDE] = "firewall",
		[CAP_FIREWALL_OUTSIDE] = "firewall",
		[CAP_HOST] = "host",
	};

	return (unsigned)k < CAP_COUNT ? names[k] : "?";
}

const char *
sim_point_name(const struct sim *s, size_t i)
{
	return i < s->npoints ? s->pname[i] : NULL;
}

size_t
sim_npoints(const struct sim *s)
{
	return s->npoints;
}

enum cap_kind
sim_point_kind(const struct sim *s, size_t i)
{
	return i < s->npoints ? (enum cap_kind)s->pkind[i] : CAP_COUNT;
}

/* The point's name: "KIND-INSTANCE[-SIDE]", with any byte that does not
 * belong in a file name replaced by '_'. */
static void
point_name(enum cap_kind k, const char *inst, char *buf, size_t len)
{
	static const char *const side[CAP_COUNT] = {
		[CAP_CIRCUIT_PRIVATE] = "-private",
		[CAP_CIRCUIT_PUBLIC] = "-public",
		[CAP_CIRCUIT_MICROSOFT] = "-microsoft",
		[CAP_ONPREM_INSIDE] = "-inside",
		[CAP_ONPREM_OUTSIDE] = "-outside",
		[CAP_FIREWALL_INSIDE] = "-inside",
		[CAP_FIREWALL_OUTSIDE] = "-outside",
	};
	const char *parts[3] = { cap_kind_name(k), inst, side[k] };
	size_t o = 0, i, n;
	char *c;

	/* "KIND-INSTANCE[-SIDE]", cut at len (by hand: a decision meets a
	 * point at every hop). */
	for (i = 0; i < 3; i++) {
		if (parts[i] == NULL || (i > 0 && parts[i][0] == '\0'))
			continue;
		if (i == 2 && (inst == NULL || inst[0] == '\0'))
			continue;
		if (i == 1 && o + 1 < len)
			buf[o++] = '-';
		n = strlen(parts[i]);
		if (n > len - 1 - o)
			n = len - 1 - o;
		memcpy(buf + o, parts[i], n);
		o += n;
	}
	buf[o] = '\0';
	for (c = buf; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '-' && *c != '.' &&
		    *c != '_')
			*c = '_';
}

static uint32_t
point_hash(const char *name)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *name; name++) {
		h ^= (uint8_t)*name;
		h *= 16777619u;
	}
	return h;
}

/* Double the hash of point names (open addressing, linear probing, load
 * at most one half) and put every point back. -ENOMEM. */
static int
point_rehash(struct sim *s)
{
	size_t n = s->nphash ? 2 * s->nphash : 64, i, k;
	uint32_t *nh;

	if ((nh = calloc(n, sizeof(*nh))) == NULL)
		return -ENOMEM;
	for (i = 0; i < s->npoints; i++) {
		for (k = point_hash(s->pname[i]) & (n - 1); nh[k] != 0;
		     k = (k + 1) & (n - 1))
			;
		nh[k] = (uint32_t)i + 1;
	}
	free(s->phash);
	s->phash = nh;
	s->nphash = n;
	return 0;
}

/* The index of point name, added when new: one hash probe, whatever
 * the number of points (a what-if meets one per destination range).
 * -ENOMEM; -E2BIG past UINT32_MAX points. */
static int64_t
point_find(struct sim *s, enum cap_kind k, const char *name)
{
	size_t h;
	uint32_t e;
	int rc;

	if (2 * (s->npoints + 1) > s->nphash && (rc = point_rehash(s)) != 0)
		return rc;
	for (h = point_hash(name) & (s->nphash - 1); (e = s->phash[h]) != 0;
	     h = (h + 1) & (s->nphash - 1))
		if (strcmp(s->pname[e - 1], name) == 0)
			return e - 1;
	if (s->npoints >= UINT32_MAX - 1)
		return -E2BIG;
	if ((rc = VEC_GROW(s->pname, s->npoints, s->cpoints)) != 0)
		return rc;
	if ((rc = VEC_RESERVE(s->pkind, s->ckind, s->npoints + 1)) != 0)
		return rc;
	if ((s->pname[s->npoints] = strdup(name)) == NULL)
		return -ENOMEM;
	s->pkind[s->npoints] = (uint8_t)k;
	s->phash[h] = (uint32_t)s->npoints + 1;
	return (int64_t)s->npoints++;
}

int64_t
sim_point_get(struct sim *s, enum cap_kind k, const char *inst)
{
	char name[SIM_NODE_LEN + 32];

	point_name(k, inst, name, sizeof(name));
	return point_find(s, k, name);
}
