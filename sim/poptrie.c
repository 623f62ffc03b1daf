/*
 * poptrie.c: building the trie of poptrie.h.
 *
 * The routes first go into a binary trie (one node per bit, the build's
 * scratch space, freed at the end). The direct table and then each node
 * are filled by expanding that trie one stride at a time: a slot whose
 * binary subtree goes deeper than the stride becomes a child node, any
 * other slot a leaf holding the longest prefix seen on its way down.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/poptrie.h"

#define NSLOTS (1u << POPTRIE_STRIDE)

/* The scratch binary trie: node 0 is the root, child 0 means none. */
struct bnode {
	uint32_t child[2];
	uint32_t leaf;		/* 0: no prefix ends here, else value + 1 */
};

struct bld {
	struct bnode *b;
	uint32_t nb, capb;
	struct poptrie *t;
};

/* What one slot of a stride expands to: a child node (the binary node at
 * the end of the stride, and the leaf inherited by it) or a leaf. */
struct slot {
	bool node;
	uint32_t bnode;
	uint32_t leaf;
};

static int
bnode_new(struct bld *s, uint32_t *out)
{
	if (s->nb == s->capb) {
		uint32_t cap = s->capb ? s->capb * 2 : 1024;
		struct bnode *nb;

		if (cap <= s->capb || cap > (UINT32_MAX >> 1))
			return -ENOMEM;
		if ((nb = realloc(s->b, (size_t)cap * sizeof(*nb))) == NULL)
			return -ENOMEM;
		s->b = nb;
		s->capb = cap;
	}
	memset(&s->b[s->nb], 0, sizeof(s->b[0]));
	*out = s->nb++;
	return 0;
}

static int
binsert(struct bld *s, struct pfx p, uint32_t value)
{
	uint32_t cur = 0, nx;
	unsigned d;
	int rc;

	p = pfx_make(p.addr, p.len);
	for (d = 0; d < p.len; d++) {
		unsigned bit = (p.addr >> (31 - d)) & 1;

		if (s->b[cur].child[bit] == 0) {
			if ((rc = bnode_new(s, &nx)) != 0)
				return rc;
			s->b[cur].child[bit] = nx;
		}
		cur = s->b[cur].child[bit];
	}
	if (s->b[cur].leaf == 0)
		s->t->nroutes++;
	s->b[cur].leaf = value + 1;
	return 0;
}

static bool
has_children(const struct bld *s, uint32_t n)
{
	return s->b[n].child[0] != 0 || s->b[n].child[1] != 0;
}

/*
 * Expand binary node bn (at `depth`, 0 for none below the parent) over
 * `bits` more address bits into slots[v << pad .. (v + 1) << pad): pad
 * is the number of slot bits beyond bit 31, which the lookup reads as
 * zeros and which all get the same answer. k is how many bits are
 * consumed so far, inh the leaf inherited from above.
 */
static void
expand(const struct bld *s, uint32_t bn, bool present, unsigned depth,
       unsigned k, unsigned bits, unsigned pad, uint32_t v, uint32_t inh,
       struct slot *slots)
{
	uint32_t i, first, count;

	if (present && s->b[bn].leaf != 0)
		inh = s->b[bn].leaf;
	if (k == bits || !present) {
		bool node = present && k == bits && depth + k < 32 &&
			    has_children(s, bn);

		/* Every slot under v (shifted by the bits left) gets it. */
		first = (v << (bits - k)) << pad;
		count = (1u << (bits - k)) << pad;
		for (i = 0; i < count; i++) {
			slots[first + i].node = node;
			slots[first + i].bnode = bn;
			slots[first + i].leaf = inh;
		}
		return;
	}
	for (i = 0; i < 2; i++) {
		uint32_t c = s->b[bn].child[i];

		expand(s, c, c != 0, depth, k + 1, bits, pad, v << 1 | i, inh,
		       slots);
	}
}

static int
grow_nodes(struct poptrie *t, uint32_t need)
{
	uint32_t cap = t->capnodes ? t->capnodes : 64;
	struct poptrie_node *nn;

	if (need > (UINT32_MAX >> 2))
		return -ENOMEM;
	while (cap < need)
		cap *= 2;
	if (cap == t->capnodes)
		return 0;
	if ((nn = realloc(t->nodes, (size_t)cap * sizeof(*nn))) == NULL)
		return -ENOMEM;
	t->nodes = nn;
	t->capnodes = cap;
	return 0;
}

static int
grow_leaves(struct poptrie *t, uint32_t need)
{
	uint32_t cap = t->capleaves ? t->capleaves : 256;
	uint32_t *nl;

	if (need > (UINT32_MAX >> 2))
		return -ENOMEM;
	while (cap < need)
		cap *= 2;
	if (cap == t->capleaves)
		return 0;
	if ((nl = realloc(t->leaves, (size_t)cap * sizeof(*nl))) == NULL)
		return -ENOMEM;
	t->leaves = nl;
	t->capleaves = cap;
	return 0;
}

/* Fill node idx from binary node bn at depth (a multiple of the stride
 * past the direct bits), then its children, depth first. */
static int
build_node(struct bld *s, uint32_t idx, uint32_t bn, unsigned depth,
	   uint32_t inh)
{
	struct poptrie *t = s->t;
	struct slot slots[NSLOTS];
	unsigned bits = 32 - depth < POPTRIE_STRIDE ? 32 - depth : POPTRIE_STRIDE;
	uint64_t vector = 0, leafvec = 0;
	uint32_t v, nchild = 0, nleaf = 0, base1, base0, prev = 0;
	bool any = false;
	int rc;

	expand(s, bn, true, depth, 0, bits, POPTRIE_STRIDE - bits, 0, inh,
	       slots);
	for (v = 0; v < NSLOTS; v++) {
		if (slots[v].node) {
			vector |= 1ull << v;
			nchild++;
		} else if (!any || slots[v].leaf != prev) {
			leafvec |= 1ull << v;
			prev = slots[v].leaf;
			any = true;
			nleaf++;
		}
	}
	base1 = t->nnodes;
	base0 = t->nleaves;
	if ((rc = grow_nodes(t, base1 + nchild)) != 0 ||
	    (rc = grow_leaves(t, base0 + nleaf)) != 0)
		return rc;
	t->nnodes += nchild;
	t->nleaves += nleaf;
	t->nodes[idx].vector = vector;
	t->nodes[idx].leafvec = leafvec;
	t->nodes[idx].base0 = base0;
	t->nodes[idx].base1 = base1;
	for (v = 0; v < NSLOTS; v++)
		if (!slots[v].node && (leafvec & (1ull << v)))
			t->leaves[base0++] = slots[v].leaf;
	for (v = 0; v < NSLOTS; v++) {
		if (!slots[v].node)
			continue;
		if ((rc = build_node(s, base1++, slots[v].bnode,
				     depth + POPTRIE_STRIDE,
				     slots[v].leaf)) != 0)
			return rc;
	}
	return 0;
}

/* The direct table: the same expansion over the top bits, one slot per
 * entry, built in chunks of a stride's width to keep the stack small. */
static int
build_direct(struct bld *s)
{
	struct poptrie *t = s->t;
	struct slot slots[NSLOTS];
	uint32_t hi, v, idx;
	const unsigned lo_bits = POPTRIE_STRIDE;
	const unsigned hi_bits = POPTRIE_DIRECT_BITS - POPTRIE_STRIDE;
	int rc;

	_Static_assert(POPTRIE_DIRECT_BITS > POPTRIE_STRIDE,
		       "the direct table spans more than a stride");
	for (hi = 0; hi < (1u << hi_bits); hi++) {
		/* Walk down to the binary node of the hi_bits prefix. */
		uint32_t bn = 0, inh = s->b[0].leaf;
		bool present = true;
		unsigned d;

		for (d = 0; d < hi_bits && present; d++) {
			uint32_t c = s->b[bn].child[(hi >> (hi_bits - 1 - d)) & 1];

			if (c == 0)
				present = false;
			else if (s->b[(bn = c)].leaf != 0)
				inh = s->b[bn].leaf;
		}
		if (!present) {
			for (v = 0; v < NSLOTS; v++)
				t->direct[hi << lo_bits | v] = POPTRIE_LEAF | inh;
			continue;
		}
		expand(s, bn, true, hi_bits, 0, lo_bits, 0, 0, inh, slots);
		for (v = 0; v < NSLOTS; v++) {
			if (!slots[v].node) {
				t->direct[hi << lo_bits | v] =
				    POPTRIE_LEAF | slots[v].leaf;
				continue;
			}
			idx = t->nnodes;
			if ((rc = grow_nodes(t, idx + 1)) != 0)
				return rc;
			t->nnodes++;
			t->direct[hi << lo_bits | v] = idx;
			if ((rc = build_node(s, idx, slots[v].bnode,
					     POPTRIE_DIRECT_BITS,
					     slots[v].leaf)) != 0)
				return rc;
		}
	}
	return 0;
}

int
poptrie_build(const struct poptrie_route *routes, size_t n,
	      struct poptrie **out)
{
	struct bld s = { 0 };
	uint32_t root;
	size_t i;
	int rc = -ENOMEM;

	*out = NULL;
	if (routes == NULL && n > 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (routes[i].pfx.len > 32 || routes[i].value > POPTRIE_VALUE_MAX)
			return -EINVAL;
	if ((s.t = calloc(1, sizeof(*s.t))) == NULL)
		return -ENOMEM;
	s.t->direct = calloc((size_t)1 << POPTRIE_DIRECT_BITS,
			     sizeof(*s.t->direct));
	if (s.t->direct == NULL || bnode_new(&s, &root) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if ((rc = binsert(&s, routes[i].pfx, routes[i].value)) != 0)
			goto fail;
	if ((rc = build_direct(&s)) != 0)
		goto fail;
	free(s.b);
	*out = s.t;
	return 0;
fail:
	free(s.b);
	poptrie_free(s.t);
	return rc;
}

void
poptrie_free(struct poptrie *t)
{
	if (t == NULL)
		return;
	free(t->direct);
	free(t->nodes);
	free(t->leaves);
	free(t);
}

size_t
poptrie_memory(const struct poptrie *t)
{
	if (t == NULL)
		return 0;
	return sizeof(*t) +
	       ((size_t)1 << POPTRIE_DIRECT_BITS) * sizeof(*t->direct) +
	       (size_t)t->capnodes * sizeof(*t->nodes) +
	       (size_t)t->capleaves * sizeof(*t->leaves);
}

size_t
poptrie_count(const struct poptrie *t)
{
	return t ? t->nroutes : 0;
}
