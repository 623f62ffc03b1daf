/*
 * lpm.c: the binary trie of lpm.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/lpm.h"

/* Node 0 is the root; child index 0 means "no child" (the root is never
 * anyone's child). */
struct lpm_node {
	uint32_t child[2];
	uint32_t value;
};
_Static_assert(sizeof(struct lpm_node) == 12, "lpm_node must stay 12 bytes");

struct lpm {
	struct lpm_node *nodes;
	uint8_t *has;		/* has[i]: node i ends a prefix */
	uint32_t n, cap;
	size_t count;
	uint32_t gen;		/* bumped by every change */
};

struct lpm *
lpm_new(void)
{
	struct lpm *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->cap = 64;
	t->nodes = calloc(t->cap, sizeof(*t->nodes));
	t->has = calloc(t->cap, 1);
	if (t->nodes == NULL || t->has == NULL) {
		lpm_free(t);
		return NULL;
	}
	t->n = 1;
	return t;
}

void
lpm_free(struct lpm *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
	free(t->has);
	free(t);
}

static int
grow(struct lpm *t)
{
	uint32_t cap;
	struct lpm_node *nn;
	uint8_t *nh;

	if (t->cap >= UINT32_MAX / 2)
		return -ENOMEM;
	cap = t->cap * 2;
	if ((nn = realloc(t->nodes, cap * sizeof(*nn))) == NULL)
		return -ENOMEM;
	t->nodes = nn;
	if ((nh = realloc(t->has, cap)) == NULL)
		return -ENOMEM;
	t->has = nh;
	memset(t->nodes + t->cap, 0, (cap - t->cap) * sizeof(*nn));
	memset(t->has + t->cap, 0, cap - t->cap);
	t->cap = cap;
	return 0;
}

static inline unsigned
bit_at(uint32_t addr, unsigned depth)
{
	return (addr >> (31 - depth)) & 1;
}

/* The node of prefix p, created on the way if create; 0 if absent (the
 * root is found for /0, which is never "absent"). -ENOMEM in *err. */
static uint32_t
walk_to(struct lpm *t, struct pfx p, bool create, int *err)
{
	uint32_t cur = 0;
	unsigned d;

	for (d = 0; d < p.len; d++) {
		unsigned b = bit_at(p.addr, d);
		if (t->nodes[cur].child[b] == 0) {
			if (!create)
				return UINT32_MAX;
			if (t->n == t->cap && (*err = grow(t)) != 0)
				return UINT32_MAX;
			t->nodes[cur].child[b] = t->n++;
		}
		cur = t->nodes[cur].child[b];
	}
	return cur;
}

int
lpm_add(struct lpm *t, struct pfx p, uint32_t value)
{
	int err = 0;
	uint32_t node;

	if (t == NULL || p.len > 32)
		return -EINVAL;
	p = pfx_make(p.addr, p.len);
	node = walk_to(t, p, true, &err);
	if (node == UINT32_MAX)
		return err ? err : -ENOMEM;
	if (!t->has[node])
		t->count++;
	t->gen++;
	t->has[node] = 1;
	t->nodes[node].value = value;
	return 0;
}

int
lpm_del(struct lpm *t, struct pfx p)
{
	uint32_t node;

	if (t == NULL || p.len > 32)
		return -EINVAL;
	node = walk_to(t, pfx_make(p.addr, p.len), false, NULL);
	if (node == UINT32_MAX || !t->has[node])
		return -ENOENT;
	t->has[node] = 0;
	t->count--;
	t->gen++;
	return 0;
}

int
lpm_get(const struct lpm *t, struct pfx p, uint32_t *value)
{
	uint32_t node;

	if (t == NULL || p.len > 32)
		return -EINVAL;
	node = walk_to((struct lpm *)t, pfx_make(p.addr, p.len), false, NULL);
	if (node == UINT32_MAX || !t->has[node])
		return -ENOENT;
	*value = t->nodes[node].value;
	return 0;
}

int
lpm_lookup(const struct lpm *t, uint32_t ip, uint32_t *value, uint8_t *len)
{
	uint32_t cur = 0;
	unsigned d = 0;
	bool found = false;

	if (t == NULL)
		return -EINVAL;
	for (;;) {
		if (t->has[cur]) {
			found = true;
			*value = t->nodes[cur].value;
			if (len)
				*len = (uint8_t)d;
		}
		if (d == 32)
			break;
		cur = t->nodes[cur].child[bit_at(ip, d)];
		if (cur == 0)
			break;
		d++;
	}
	return found ? 0 : -ENOENT;
}

int
lpm_match(const struct lpm *t, struct pfx p, uint32_t *value)
{
	uint32_t cur = 0;
	unsigned d = 0;
	bool found = false;

	if (t == NULL || p.len > 32)
		return -EINVAL;
	for (;;) {
		if (t->has[cur]) {
			found = true;
			*value = t->nodes[cur].value;
		}
		if (d == p.len)
			break;
		cur = t->nodes[cur].child[bit_at(p.addr, d)];
		if (cur == 0)
			break;
		d++;
	}
	return found ? 0 : -ENOENT;
}

uint32_t
lpm_generation(const struct lpm *t)
{
	return t ? t->gen : 0;
}

size_t
lpm_count(const struct lpm *t)
{
	return t ? t->count : 0;
}

size_t
lpm_memory(const struct lpm *t)
{
	return t ? sizeof(*t) + t->cap * (sizeof(*t->nodes) + 1) : 0;
}
