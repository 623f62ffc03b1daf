/*
 * vec.h: the one growable-array idiom. An array is three fields: the
 * pointer, the count used and the count allocated; VEC_RESERVE makes room
 * for `need` elements, doubling (from 16) so that appending is amortised
 * O(1). On failure the array is left as it was and -ENOMEM is returned,
 * so a caller can stop and free what it has: never a half-grown array.
 * The macros evaluate their arguments more than once: pass no side
 * effects.
 */
#ifndef FTSIM_VEC_H
#define FTSIM_VEC_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* arr grown to hold need elements of size bytes: the new pointer, *cap
 * updated; or, out of memory or past SIZE_MAX, arr itself with *cap as
 * it was. */
static inline void *
vec_realloc_(void *arr, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *nw;

	while (n < need) {
		if (n > SIZE_MAX / 2)
			return arr;
		n *= 2;
	}
	if (n > SIZE_MAX / size || (nw = realloc(arr, n * size)) == NULL)
		return arr;
	*cap = n;
	return nw;
}

/* Room for need elements in arr (cap allocated): 0 or -ENOMEM. */
#define VEC_RESERVE(arr, cap, need)					\
	((size_t)(need) <= (cap) ? 0 :					\
	 ((arr) = vec_realloc_((arr), &(cap), (need), sizeof(*(arr))),	\
	  (size_t)(need) <= (cap) ? 0 : -ENOMEM))

/* Room for one more after n used. */
#define VEC_GROW(arr, n, cap) VEC_RESERVE(arr, cap, (n) + 1)

#endif
