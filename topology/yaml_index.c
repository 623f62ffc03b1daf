/*
 * yaml_index.c: the sorted indexes of yamlrd.h. Names (and numbers: the
 * prefix of a route, the priority of a rule) are collected as they are
 * read, then sorted: repeats come next to each other, the first
 * definition first, and references are found by bisection, so that large
 * inputs are checked in n log n. A reference that is not found is
 * reported with the closest name, or the names there are.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/yamlrd.h"
#include "topology/vec.h"

int
yrd_ix_add(struct yrd *y, struct yrd_index *ix, uint64_t key,
    const char *name, struct srcpos pos, size_t idx)
{
	struct yrd_ent *e;

	if (VEC_GROW(ix->e, ix->n, ix->cap) != 0)
		return yrd_nomem(y);
	e = &ix->e[ix->n++];
	e->key = key;
	e->name = name;
	e->pos = pos;
	e->idx = idx;
	return 0;
}

static int
yrd_ent_cmp(const void *a, const void *b)
{
	const struct yrd_ent *x = a, *y = b;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->name != NULL && y->name != NULL &&
	    (c = strcasecmp(x->name, y->name)) != 0)
		return c;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return 0;
}

static bool
yrd_ent_same(const struct yrd_ent *x, const struct yrd_ent *y)
{
	return x->key == y->key && (x->name == NULL || y->name == NULL ||
	    strcasecmp(x->name, y->name) == 0);
}

void
yrd_ix_sort(struct yrd_index *ix)
{
	if (ix->n > 1)
		qsort(ix->e, ix->n, sizeof(*ix->e), yrd_ent_cmp);
}

/* Sort, then report every repeated name at its place, naming the line of
 * its first definition. */
void
yrd_ix_dups(struct yrd *y, struct yrd_index *ix, const char *what)
{
	size_t i, first = 0;

	yrd_ix_sort(ix);
	for (i = 1; i < ix->n && !y->stop; i++) {
		if (!yrd_ent_same(&ix->e[first], &ix->e[i])) {
			first = i;
			continue;
		}
		yrd_errp(y, ix->e[i].pos, "duplicate %s name '%s' (first "
		    "defined at line %d)", what, ix->e[i].name,
		    ix->e[first].pos.line);
	}
}

/* The element named name in scope key (its first definition), or
 * TOPO_NONE. */
static size_t
yrd_ix_find(const struct yrd_index *ix, uint64_t key, const char *name)
{
	struct yrd_ent want = { key, name, { NULL, 0, 0 }, 0 };
	size_t lo = 0, hi = ix->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = yrd_ent_cmp(&ix->e[mid], &want);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && yrd_ent_same(&ix->e[lo], &want))
		return ix->e[lo].idx;
	return TOPO_NONE;
}

/* The name in scope key closest to a name that was not found. */
static const char *
yrd_ix_suggest(const struct yrd_index *ix, uint64_t key, const char *typed)
{
	const char *hint = NULL;
	size_t i, best = SIZE_MAX;

	for (i = 0; i < ix->n; i++)
		if (ix->e[i].key == key && yrd_close(typed, ix->e[i].name,
		    &best))
			hint = ix->e[i].name;
	return hint;
}

/* The names in scope key of a sorted index, for a message: the first
 * three and how many more ("'a', 'b', 'c' and 4 more"). Returns how
 * many there are. */
static size_t
yrd_ix_known(const struct yrd_index *ix, uint64_t key, char *buf,
    size_t size)
{
	size_t i, n = 0, len;

	buf[0] = '\0';
	for (i = 0; i < ix->n; i++) {
		if (ix->e[i].key != key ||
		    (i > 0 && yrd_ent_same(&ix->e[i - 1], &ix->e[i])))
			continue;
		if (++n <= 3) {
			len = strlen(buf);
			(void)snprintf(buf + len, size - len, "%s'%.40s'",
			    n > 1 ? ", " : "", ix->e[i].name);
		}
	}
	if (n > 3) {
		len = strlen(buf);
		(void)snprintf(buf + len, size - len, " and %zu more", n - 3);
	}
	return n;
}

/*
 * Resolve the reference in scalar n to an element of ix in scope key.
 * what names the kind of element ("route table"); vnet, when not NULL,
 * is the VNet the name was looked for in. Returns the index, or
 * TOPO_NONE after an error, which suggests a close name, or else lists
 * the names there are, or says there are none.
 */
size_t
yrd_ref(struct yrd *y, yaml_node_t *n, const struct yrd_index *ix,
    uint64_t key, const char *what, const char *vnet)
{
	const char *v, *hint;
	char in[128] = "", known[192];
	size_t idx, count;

	/* Missing or not a name: the caller's reader said so. */
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return TOPO_NONE;
	v = yrd_text(n);
	if ((idx = yrd_ix_find(ix, key, v)) != TOPO_NONE)
		return idx;
	if (vnet != NULL)
		(void)snprintf(in, sizeof(in), " in vnet '%s'", vnet);
	if ((hint = yrd_ix_suggest(ix, key, v)) != NULL)
		yrd_err(y, n, "unknown %s '%s'%s; did you mean '%s'?", what, v,
		    in, hint);
	else if ((count = yrd_ix_known(ix, key, known, sizeof(known))) == 1)
		yrd_err(y, n, "unknown %s '%s'%s; the only %s is %s", what, v,
		    in, what, known);
	else if (count > 1)
		yrd_err(y, n, "unknown %s '%s'%s; the %ss are %s", what, v, in,
		    what, known);
	else if (vnet != NULL)
		yrd_err(y, n, "unknown %s '%s'%s: it has no %ss", what, v, in,
		    what);
	else
		yrd_err(y, n, "unknown %s '%s': the scenario defines no %ss",
		    what, v, what);
	return TOPO_NONE;
}

