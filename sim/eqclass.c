/*
 * eqclass.c: cut sets and the range-to-CIDR decomposition of eqclass.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/eqclass.h"
#include "topology/vec.h"

static void push(struct cutset *c, uint64_t v);

void
eq_init(struct cutset *c, uint64_t end)
{
	memset(c, 0, sizeof(*c));
	c->end = end;
	push(c, 0);
}

void
eq_free(struct cutset *c)
{
	free(c->b);
	memset(c, 0, sizeof(*c));
}

static void
push(struct cutset *c, uint64_t v)
{
	if (c->err != 0 || v >= c->end)
		return;
	if (VEC_GROW(c->b, c->n, c->cap) != 0) {
		c->err = -ENOMEM;
		return;
	}
	c->b[c->n++] = v;
}

void
eq_add_range(struct cutset *c, uint64_t lo, uint64_t hi)
{
	if (lo > hi || lo >= c->end)
		return;
	push(c, lo);
	push(c, hi + 1);	/* dropped when it is the end */
}

void
eq_add_pfx(struct cutset *c, struct pfx p)
{
	uint64_t lo = p.addr;

	eq_add_range(c, lo, lo + ((uint64_t)1 << (32 - p.len)) - 1);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
eq_finish(struct cutset *c)
{
	size_t i, n;

	if (c->err != 0)
		return c->err;
	qsort(c->b, c->n, sizeof(*c->b), cmp_u64);
	for (i = n = 0; i < c->n; i++)
		if (n == 0 || c->b[n - 1] != c->b[i])
			c->b[n++] = c->b[i];
	c->n = n;
	return 0;
}

size_t
eq_count(const struct cutset *c)
{
	return c->n;
}

void
eq_range(const struct cutset *c, size_t i, uint64_t *lo, uint64_t *hi)
{
	*lo = c->b[i];
	*hi = (i + 1 < c->n ? c->b[i + 1] : c->end) - 1;
}

/* At each step the largest block that starts at lo (aligned to its own
 * size) and ends at or before hi. */
size_t
eq_cidrs(uint32_t lo, uint32_t hi, struct pfx *out, size_t max)
{
	uint64_t cur = lo, end = (uint64_t)hi + 1, size;
	unsigned len;
	size_t n = 0;

	while (cur < end) {
		len = 0;
		size = (uint64_t)1 << 32;
		while (len < 32 && ((cur & (size - 1)) != 0 ||
		    cur + size > end)) {
			len++;
			size >>= 1;
		}
		if (n < max)
			out[n] = pfx_make((uint32_t)cur, (uint8_t)len);
		n++;
		cur += size;
	}
	return n;
}
