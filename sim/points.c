/*
 * points.c: capture points (MODEL §7), by name and kind: "nic-vm1",
 * "circuit-er1-private". The engine keys every point its topology holds
 * when it is built; a walk finds a point's key by kind and instance (one
 * hash probe) and changes nothing in the engine: a point without a key
 * (a destination, a host on the Internet) is kept in the walk's result.
 * sim_name_points numbers the points results crossed, in the order they
 * crossed them, and finds a name's number again by hash.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/pkt.h"
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

/* A key's hash by kind and instance: FNV-1a over both. */
static uint32_t
inst_hash(enum cap_kind k, const char *inst)
{
	uint32_t h = (2166136261u ^ (uint32_t)k) * 16777619u;

	for (; *inst; inst++) {
		h ^= (uint8_t)*inst;
		h *= 16777619u;
	}
	return h;
}

/* A key's hash by kind and the address of the topology's string. */
static uint32_t
ptr_hash(enum cap_kind k, const char *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(v >> 32) ^ (uint32_t)k * 0x85ebca6bu;
}

/* ---------------------------------------------------------------- */
/* Keys: made with the engine, read-only while walks run */

/* The key of kind k whose instance is the topology's string p: no byte
 * of the name read (most crossings name a VM, VNet, circuit or
 * firewall by the topology's own string). */
static size_t
key_by_ptr(const struct sim *s, enum cap_kind k, const char *p)
{
	size_t h, m = s->nkhash - 1;
	uint32_t e;

	if (s->nkhash == 0)
		return SIZE_MAX;
	for (h = ptr_hash(k, p) & m; (e = s->kphash[h]) != 0; h = (h + 1) & m)
		if (s->keys[e - 1].tinst == p && s->keys[e - 1].kind == k)
			return e - 1;
	return SIZE_MAX;
}

static size_t
key_by_name(const struct sim *s, const char *name)
{
	size_t h, m = s->nkhash - 1;
	uint32_t e;

	if (s->nkhash == 0)
		return SIZE_MAX;
	for (h = point_hash(name) & m; (e = s->knhash[h]) != 0; h = (h + 1) & m)
		if (strcmp(s->keys[e - 1].name, name) == 0)
			return e - 1;
	return SIZE_MAX;
}

static size_t
key_by_inst(const struct sim *s, enum cap_kind k, const char *inst)
{
	size_t h, m = s->nkhash - 1;
	uint32_t e;

	if (s->nkhash == 0)
		return SIZE_MAX;
	for (h = inst_hash(k, inst) & m; (e = s->kihash[h]) != 0;
	     h = (h + 1) & m)
		if (s->keys[e - 1].kind == k &&
		    strcmp(s->keys[e - 1].inst, inst) == 0)
			return e - 1;
	return SIZE_MAX;
}

/* Key i into both hashes (open addressing, linear probing). */
static void
key_hash_in(struct sim *s, size_t i)
{
	size_t h, m = s->nkhash - 1;

	for (h = inst_hash((enum cap_kind)s->keys[i].kind, s->keys[i].inst) & m;
	     s->kihash[h] != 0; h = (h + 1) & m)
		;
	s->kihash[h] = (uint32_t)i + 1;
	for (h = point_hash(s->keys[i].name) & m; s->knhash[h] != 0;
	     h = (h + 1) & m)
		;
	s->knhash[h] = (uint32_t)i + 1;
	if (s->keys[i].tinst == NULL)
		return;
	for (h = ptr_hash((enum cap_kind)s->keys[i].kind, s->keys[i].tinst) & m;
	     s->kphash[h] != 0; h = (h + 1) & m)
		;
	s->kphash[h] = (uint32_t)i + 1;
}

/* Double both hashes (load at most one half) and put every key back.
 * -ENOMEM. */
static int
keys_rehash(struct sim *s)
{
	size_t n = s->nkhash ? 2 * s->nkhash : 64, i;
	uint32_t *ih = calloc(n, sizeof(*ih)), *nh = calloc(n, sizeof(*nh));
	uint32_t *ph = calloc(n, sizeof(*ph));

	if (ih == NULL || nh == NULL || ph == NULL) {
		free(ih);
		free(nh);
		free(ph);
		return -ENOMEM;
	}
	free(s->kihash);
	free(s->knhash);
	free(s->kphash);
	s->kihash = ih;
	s->knhash = nh;
	s->kphash = ph;
	s->nkhash = n;
	for (i = 0; i < s->nkeys; i++)
		key_hash_in(s, i);
	return 0;
}

/* Key point kind/inst, inst the topology's string (it outlives the
 * engine) or a name built here (tinst false). A name keyed already (two
 * instances whose names differ only in bytes a file name replaces)
 * keeps its first key: a walk finds the second by name. -ENOMEM,
 * -E2BIG. */
static int
key_add_inst(struct sim *s, enum cap_kind k, const char *inst, bool tinst)
{
	char name[SIM_POINT_LEN];
	struct simkey *key;
	int rc;

	if (inst == NULL)
		inst = "";
	point_name(k, inst, name, sizeof(name));
	if (key_by_name(s, name) != SIZE_MAX)
		return 0;
	if (s->nkeys >= SIM_POINT_LOCAL - 1)
		return -E2BIG;
	if (2 * (s->nkeys + 1) > s->nkhash && (rc = keys_rehash(s)) != 0)
		return rc;
	if (VEC_GROW(s->keys, s->nkeys, s->ckeys) != 0)
		return -ENOMEM;
	key = &s->keys[s->nkeys];
	key->name = strdup(name);
	key->inst = strdup(inst);
	if (key->name == NULL || key->inst == NULL) {
		free(key->name);
		free(key->inst);
		return -ENOMEM;
	}
	key->kind = (uint8_t)k;
	key->named = 0;
	key->tinst = tinst ? inst : NULL;
	key_hash_in(s, s->nkeys++);
	return 0;
}

static int
key_add(struct sim *s, enum cap_kind k, const char *inst)
{
	return key_add_inst(s, k, inst, inst != NULL);
}

/* Both sides of an on-premises site, or of a firewall. */
static int
key_sides(struct sim *s, enum cap_kind in, enum cap_kind out,
	  const char *inst)
{
	int rc = key_add(s, in, inst);

	return rc != 0 ? rc : key_add(s, out, inst);
}

int
sim_points_build(struct sim *s)
{
	const struct topo *t = s->t;
	char inst[SIM_NODE_LEN + IP_STRLEN + 1], ip[IP_STRLEN];
	size_t i, k;
	int rc = key_add(s, CAP_AZURE_EDGE, NULL);

	for (i = 0; rc == 0 && i < t->nvms; i++)
		rc = key_sides(s, CAP_NIC, CAP_APPLIANCE, t->vms[i].name);
	for (i = 0; rc == 0 && i < t->nvnets; i++)
		rc = key_add(s, CAP_FABRIC, t->vnets[i].name);
	for (i = 0; rc == 0 && i < t->ngateways; i++) {
		const struct gateway *g = &t->gateways[i];

		rc = key_add(s, CAP_GATEWAY, g->name);
		/* An active-active gateway's instances (hops.c). */
		for (k = 0; rc == 0 && g->active_active &&
		     g->ninstance_ips >= 2 && k < g->ninstance_ips; k++) {
			snprintf(inst, sizeof(inst), "%s-%s", g->name,
				 ip_format(g->instance_ips[k], ip));
			rc = key_add_inst(s, CAP_GATEWAY, inst, false);
		}
	}
	for (i = 0; rc == 0 && i < t->ncircuits; i++) {
		rc = key_sides(s, CAP_CIRCUIT_PRIVATE, CAP_CIRCUIT_PUBLIC,
			       t->circuits[i].name);
		if (rc == 0)
			rc = key_add(s, CAP_CIRCUIT_MICROSOFT,
				     t->circuits[i].name);
	}
	if (rc == 0 && t->onprem.name != NULL)
		rc = key_sides(s, CAP_ONPREM_INSIDE, CAP_ONPREM_OUTSIDE,
			       t->onprem.name);
	for (i = 0; rc == 0 && i < t->nvpn_sites; i++)
		rc = key_sides(s, CAP_ONPREM_INSIDE, CAP_ONPREM_OUTSIDE,
			       t->vpn_sites[i].name);
	for (i = 0; rc == 0 && i < t->nfirewalls; i++)
		rc = key_sides(s, CAP_FIREWALL_INSIDE, CAP_FIREWALL_OUTSIDE,
			       t->firewalls[i].name);
	return rc;
}

void
sim_points_free(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->nkeys; i++) {
		free(s->keys[i].name);
		free(s->keys[i].inst);
	}
	free(s->keys);
	free(s->kihash);
	free(s->knhash);
	free(s->kphash);
	for (i = 0; i < s->npoints; i++)
		free(s->pname[i]);
	free(s->pname);
	free(s->pkind);
	free(s->phash);
}

/* ---------------------------------------------------------------- */
/* What walks ask: nothing in the engine changes */

int64_t
walk_point(struct walk *w, enum cap_kind k, const char *inst)
{
	const struct sim *s = w->s;
	struct flow_result *r = w->r;
	char name[SIM_POINT_LEN];
	size_t i;

	if (inst == NULL)
		inst = "";
	if ((i = key_by_ptr(s, k, inst)) != SIZE_MAX ||
	    (i = key_by_inst(s, k, inst)) != SIZE_MAX)
		return (int64_t)i;
	point_name(k, inst, name, sizeof(name));
	if ((i = key_by_name(s, name)) != SIZE_MAX)
		return (int64_t)i;
	for (i = 0; i < r->nlpt; i++)
		if (strcmp(fr_str(r, r->lpt[i].name), name) == 0)
			return (int64_t)(SIM_POINT_LOCAL | i);
	if (r->nlpt >= SIM_POINT_LOCAL - 1)
		return -E2BIG;
	if (VEC_GROW(r->lpt, r->nlpt, r->clpt) != 0)
		return -ENOMEM;
	r->lpt[r->nlpt].kind = k;
	r->lpt[r->nlpt].named = 0;
	r->lpt[r->nlpt].name = walk_str(w, name);
	if (w->err != 0)
		return w->err;
	return (int64_t)(SIM_POINT_LOCAL | r->nlpt++);
}

enum cap_kind
walk_point_kind(const struct walk *w, uint32_t key)
{
	uint32_t i = key & ~SIM_POINT_LOCAL;

	if (key & SIM_POINT_LOCAL)
		return i < w->r->nlpt ? w->r->lpt[i].kind : CAP_COUNT;
	return i < w->s->nkeys ? (enum cap_kind)w->s->keys[i].kind : CAP_COUNT;
}

const char *
walk_point_name(const struct walk *w, uint32_t key)
{
	uint32_t i = key & ~SIM_POINT_LOCAL;

	if (key & SIM_POINT_LOCAL)
		return i < w->r->nlpt ? fr_str(w->r, w->r->lpt[i].name) : NULL;
	return i < w->s->nkeys ? w->s->keys[i].name : NULL;
}

/* ---------------------------------------------------------------- */
/* Numbers: given when names are needed */

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

/* The number of point name, given when new: one hash probe, whatever
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

/* Where key's number is kept: the engine's key, or the result's point. */
static uint32_t *
key_named(struct sim *s, struct flow_result *r, uint32_t key,
	  enum cap_kind *k, const char **name)
{
	uint32_t i = key & ~SIM_POINT_LOCAL;

	if (key & SIM_POINT_LOCAL) {
		if (i >= r->nlpt)
			return NULL;
		*k = r->lpt[i].kind;
		*name = fr_str(r, r->lpt[i].name);
		return &r->lpt[i].named;
	}
	if (i >= s->nkeys)
		return NULL;
	*k = (enum cap_kind)s->keys[i].kind;
	*name = s->keys[i].name;
	return &s->keys[i].named;
}

/* Give key a number if it has none. -EINVAL (not a key of r or s),
 * -ENOMEM, -E2BIG. */
static int
name_key(struct sim *s, struct flow_result *r, uint32_t key)
{
	const char *name = NULL;
	enum cap_kind k = CAP_COUNT;
	uint32_t *named = key_named(s, r, key, &k, &name);
	int64_t i;

	if (named == NULL)
		return -EINVAL;
	if (*named != 0)
		return 0;
	if ((i = point_find(s, k, name)) < 0)
		return (int)i;
	*named = (uint32_t)i + 1;
	return 0;
}

/* The number name_key gave key (UINT32_MAX, no point's, when it gave
 * none: never after name_key succeeded). */
static uint32_t
key_number(struct sim *s, struct flow_result *r, uint32_t key)
{
	const char *name;
	enum cap_kind k;
	const uint32_t *n = key_named(s, r, key, &k, &name);

	return n != NULL && *n != 0 ? *n - 1 : UINT32_MAX;
}

int
sim_name_points(struct sim *s, struct flow_result *res, size_t n)
{
	size_t i, k;
	int rc;

	for (i = 0; i < n; i++) {
		struct flow_result *r = &res[i];

		if (r->points_named)
			continue;
		/* Every number first, then the rewrite, which cannot fail. */
		for (k = 0; k < r->nxing; k++)
			if ((rc = name_key(s, r, r->xing[k].point)) != 0)
				return rc;
		for (k = 0; k < r->nnat; k++)
			if ((rc = name_key(s, r, r->nat[k].point)) != 0)
				return rc;
		for (k = 0; k < r->nxing; k++)
			r->xing[k].point = key_number(s, r, r->xing[k].point);
		for (k = 0; k < r->nnat; k++)
			r->nat[k].point = key_number(s, r, r->nat[k].point);
		r->points_named = true;
	}
	return 0;
}
