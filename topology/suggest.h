/*
 * suggest.h: "did you mean" for the names a user types (--vm, --flow,
 * --from, the names a change file refers to): the known name nearest to
 * the typed one, when it is near enough to be a typo. In topology/ so
 * that the change files' messages (change.c) can use it as the commands
 * do.
 */
#ifndef FTSIM_SUGGEST_H
#define FTSIM_SUGGEST_H

#include <stddef.h>

/*
 * The edit distance between a and b, letters compared without case:
 * insertions, deletions, substitutions and swaps of two neighbours
 * (optimal string alignment) count 1 each. SIZE_MAX when a string is
 * longer than SUGGEST_MAXLEN or memory runs out.
 */
#define SUGGEST_MAXLEN 256
/* Room for "; did you mean 'NAME'?" with a name of that length. */
#define SUGGEST_HINT (SUGGEST_MAXLEN + 32)
size_t suggest_distance(const char *a, const char *b);

/*
 * Of the n names (NULL ones skipped), the nearest to typed when its
 * distance is at most a third of typed's length (at least 1; a difference
 * of case alone counts 0), the first of equals; NULL when none is that
 * near.
 */
const char *suggest(const char *typed, const char *const *names, size_t n);

/*
 * The same over n elements of an array of structures: element i's name is
 * the char * at byte offset off of base + i * stride (offsetof(struct
 * nsg, name), ...).
 */
const char *suggest_in(const char *typed, const void *base, size_t n,
		       size_t stride, size_t off);

#endif
