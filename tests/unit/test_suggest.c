/*
 * test_suggest.c: the edit distance and the nearest name of "did you
 * mean" (topology/suggest.h).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topology/suggest.h"

static const struct {
	const char *a, *b;
	size_t d;
} dist_vectors[] = {
	{ "", "", 0 },
	{ "web", "web", 0 },
	{ "WEB", "web", 0 },		/* case does not count */
	{ "", "abc", 3 },
	{ "abc", "", 3 },
	{ "wbe", "web", 1 },		/* a swap of neighbours */
	{ "we", "web", 1 },		/* an insertion */
	{ "webb", "web", 1 },		/* a deletion */
	{ "wxb", "web", 1 },		/* a substitution */
	{ "kitten", "sitting", 3 },
	{ "ca", "abc", 3 },		/* optimal string alignment, not
					 * Damerau: no edit of a swapped pair */
	{ "vm1", "vm2", 1 },
	{ "kms-activation", "kms-actvation", 1 },
};

START_TEST(distance_table)
{
	size_t d = suggest_distance(dist_vectors[_i].a, dist_vectors[_i].b);

	ck_assert_msg(d == dist_vectors[_i].d, "'%s' '%s': %zu, want %zu",
	    dist_vectors[_i].a, dist_vectors[_i].b, d, dist_vectors[_i].d);
	ck_assert_uint_eq(suggest_distance(dist_vectors[_i].b,
	    dist_vectors[_i].a), dist_vectors[_i].d);
}
END_TEST

START_TEST(distance_too_long)
{
	char *big = malloc(SUGGEST_MAXLEN + 2);

	ck_assert_ptr_nonnull(big);
	memset(big, 'a', SUGGEST_MAXLEN + 1);
	big[SUGGEST_MAXLEN + 1] = '\0';
	ck_assert_uint_eq(suggest_distance(big, "a"), SIZE_MAX);
	ck_assert_uint_eq(suggest_distance("a", big), SIZE_MAX);
	big[SUGGEST_MAXLEN] = '\0';
	ck_assert_uint_eq(suggest_distance(big, big), 0);
	free(big);
}
END_TEST

START_TEST(nearest)
{
	static const char *const vms[] = { "vm1", "web", "db", NULL,
	    "appliance" };
	static const char *const flows[] = { "kms-activation", "dns",
	    "kms-activation-2" };
	const size_t nvms = sizeof(vms) / sizeof(vms[0]);
	const char *s;

	ck_assert_str_eq(suggest("wbe", vms, nvms), "web");
	ck_assert_str_eq(suggest("WEB", vms, nvms), "web");
	ck_assert_str_eq(suggest("vm2", vms, nvms), "vm1");
	ck_assert_str_eq(suggest("applaince", vms, nvms), "appliance");
	ck_assert_str_eq(suggest("d", vms, nvms), "db");
	/* Too far to be a typo: a third of the typed length, at least 1. */
	ck_assert_ptr_null(suggest("xyz", vms, nvms));
	ck_assert_ptr_null(suggest("apple", vms, nvms));
	ck_assert_ptr_null(suggest("nothing-like-it", vms, nvms));
	ck_assert_ptr_null(suggest("web", vms, 0));
	ck_assert_ptr_null(suggest(NULL, vms, nvms));
	/* The nearest wins; the first of equals. */
	ck_assert_str_eq(suggest("kms-activaton", flows, 3), "kms-activation");
	ck_assert_str_eq(suggest("kms-activation-", flows, 3), "kms-activation");
	s = suggest("dnx", flows, 3);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "dns");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("suggest");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, distance_table, 0,
	    sizeof(dist_vectors) / sizeof(dist_vectors[0]));
	tcase_add_test(tc, distance_too_long);
	tcase_add_test(tc, nearest);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
