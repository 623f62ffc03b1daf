/*
 * suggest.c: the nearest name by edit distance (suggest.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topology/suggest.h"

size_t
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d, *base, *row, *prev;
	size_t *pprev;

	if (la > SUGGEST_MAXLEN || lb > SUGGEST_MAXLEN)
		return SIZE_MAX;
	/* Three rows of the table: this one, the one above, and the one
	 * above that for swaps. */
	if ((base = calloc(3 * (lb + 1), sizeof(*base))) == NULL)
		return SIZE_MAX;
	row = base;
	prev = row + (lb + 1);
	pprev = prev + (lb + 1);
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		size_t *t;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			int same = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]);

			d = prev[j - 1] + (same ? 0 : 1);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) &&
			    pprev[j - 2] + 1 < d)
				d = pprev[j - 2] + 1;
			row[j] = d;
		}
		t = pprev;
		pprev = prev;
		prev = row;
		row = t;
	}
	d = prev[lb];
	free(base);
	return d;
}

const char *
suggest(const char *typed, const char *const *names, size_t n)
{
	return suggest_in(typed, names, n, sizeof(*names), 0);
}

const char *
suggest_in(const char *typed, const void *base, size_t n, size_t stride,
    size_t off)
{
	const char *best = NULL, *name;
	size_t i, d, bestd = SIZE_MAX, max;

	if (typed == NULL || base == NULL)
		return NULL;
	max = strlen(typed) / 3;
	if (max < 1)
		max = 1;
	for (i = 0; i < n; i++) {
		memcpy(&name, (const char *)base + i * stride + off,
		    sizeof(name));
		if (name == NULL)
			continue;
		d = suggest_distance(typed, name);
		if (d <= max && d < bestd) {
			best = name;
			bestd = d;
		}
	}
	return best;
}
