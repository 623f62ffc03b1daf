/*
 * vec.h: the one growable-array idiom. An array is three fields: the
 * pointer, the count used and the count allocated; VEC_RESERVE makes room
 * for `need` elements, doubling (from 16) so that appending is amortised
 * O(1). On failure the array is left as it was and -ENOMEM is returned,
 * so a caller can stop and free what it has: never a half-grown array.
 */
#ifndef FTSIM_VEC_H
#define FTSIM_VEC_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int
vec_reserve_(void *arrp, size_t *cap, size_t need, size_t size)
{
	void *arr, *nw;
	size_t n;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -ENOMEM;
		n *= 2;
	}
	if (n > SIZE_MAX / size)
		return -ENOMEM;
	memcpy(&arr, arrp, sizeof(arr));
	if ((nw = realloc(arr, n * size)) == NULL)
		return -ENOMEM;
	memcpy(arrp, &nw, sizeof(nw));
	*cap = n;
	return 0;
}

/* Room for need elements in arr (cap allocated): 0 or -ENOMEM. */
#define VEC_RESERVE(arr, cap, need) \
	vec_reserve_(&(arr), &(cap), (need), sizeof(*(arr)))

/* Room for one more after n used. */
#define VEC_GROW(arr, n, cap) VEC_RESERVE(arr, cap, (n) + 1)

#endif
