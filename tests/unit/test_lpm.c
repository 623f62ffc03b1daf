/*
 * test_lpm.c: the trie at every prefix-length boundary, overlaps, deletes,
 * and a randomised comparison with a linear scan.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "sim/lpm.h"


static struct lpm *t;

static void
setup(void)
{
	t = lpm_new();
	ck_assert_ptr_nonnull(t);
}

static void
teardown(void)
{
	lpm_free(t);
}

static uint32_t
look(uint32_t ip, uint8_t *len)
{
	uint32_t v = 0xdead;

	ck_assert_int_eq(lpm_lookup(t, ip, &v, len), 0);
	return v;
}

START_TEST(empty_table)
{
	uint32_t v;

	ck_assert_int_eq(lpm_lookup(t, IP4(1, 2, 3, 4), &v, NULL), -ENOENT);
	ck_assert_uint_eq(lpm_count(t), 0);
}
END_TEST

START_TEST(boundaries)
{
	uint8_t len;

	ck_assert_int_eq(lpm_add(t, pfx_make(0, 0), 0), 0);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(128, 0, 0, 0), 1), 1), 0);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(10, 0, 0, 0), 8), 8), 0);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(10, 1, 1, 0), 24), 24), 0);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(10, 1, 1, 128), 25), 25), 0);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(10, 1, 1, 254), 31), 31), 0);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(10, 1, 1, 255), 32), 32), 0);

	ck_assert_uint_eq(look(IP4(1, 1, 1, 1), &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(look(IP4(127, 255, 255, 255), NULL), 0);
	ck_assert_uint_eq(look(IP4(128, 0, 0, 0), &len), 1);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(look(IP4(255, 255, 255, 255), NULL), 1);
	ck_assert_uint_eq(look(IP4(10, 0, 0, 0), NULL), 8);
	ck_assert_uint_eq(look(IP4(10, 255, 255, 255), NULL), 8);
	ck_assert_uint_eq(look(IP4(10, 1, 1, 0), NULL), 24);
	ck_assert_uint_eq(look(IP4(10, 1, 1, 127), NULL), 24);
	ck_assert_uint_eq(look(IP4(10, 1, 1, 128), NULL), 25);
	ck_assert_uint_eq(look(IP4(10, 1, 1, 253), NULL), 25);
	ck_assert_uint_eq(look(IP4(10, 1, 1, 254), &len), 31);
	ck_assert_uint_eq(len, 31);
	ck_assert_uint_eq(look(IP4(10, 1, 1, 255), &len), 32);
	ck_assert_uint_eq(len, 32);
	ck_assert_uint_eq(look(IP4(10, 1, 2, 0), NULL), 8);
	ck_assert_uint_eq(lpm_count(t), 7);
}
END_TEST

START_TEST(replace_and_delete)
{
	struct pfx p = pfx_make(IP4(23, 102, 135, 246), 32);
	uint32_t v;

	ck_assert_int_eq(lpm_add(t, pfx_make(0, 0), 1), 0);
	ck_assert_int_eq(lpm_add(t, p, 2), 0);
	ck_assert_int_eq(lpm_add(t, p, 3), 0);
	ck_assert_uint_eq(lpm_count(t), 2);
	ck_assert_uint_eq(look(p.addr, NULL), 3);
	ck_assert_int_eq(lpm_get(t, p, &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(lpm_del(t, p), 0);
	ck_assert_int_eq(lpm_del(t, p), -ENOENT);
	ck_assert_int_eq(lpm_get(t, p, &v), -ENOENT);
	ck_assert_uint_eq(look(p.addr, NULL), 1);
	ck_assert_int_eq(lpm_del(t, pfx_make(0, 0)), 0);
	ck_assert_int_eq(lpm_lookup(t, p.addr, &v, NULL), -ENOENT);
	ck_assert_int_eq(lpm_add(t, (struct pfx){ 0, 33 }, 1), -EINVAL);
}
END_TEST

START_TEST(host_bits_ignored)
{
	/* lpm_add normalises: 10.1.1.1/24 is 10.1.1.0/24. */
	ck_assert_int_eq(lpm_add(t, (struct pfx){ IP4(10, 1, 1, 1), 24 }, 7), 0);
	ck_assert_uint_eq(look(IP4(10, 1, 1, 200), NULL), 7);
}
END_TEST

/* xorshift32: a fixed-seed generator, same numbers on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

START_TEST(random_vs_linear)
{
	enum { N = 2000, Q = 20000 };
	struct pfx *p = calloc(N, sizeof(*p));
	uint32_t seed = 0x1688, i, k;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < N; i++) {
		/* Cluster prefixes so that they overlap a lot. */
		uint32_t a = (rnd(&seed) & 0x0fffffffu) | 0x10000000u;
		p[i] = pfx_make(a, (uint8_t)(rnd(&seed) % 33));
		ck_assert_int_eq(lpm_add(t, p[i], i), 0);
	}
	for (k = 0; k < Q; k++) {
		uint32_t ip = (rnd(&seed) & 0x0fffffffu) | 0x10000000u;
		int best = -1, rc;
		uint32_t v;

		for (i = 0; i < N; i++)
			if (pfx_contains_ip(p[i], ip) &&
			    (best < 0 || p[i].len >= p[best].len))
				best = (int)i;	/* later duplicates replace */
		rc = lpm_lookup(t, ip, &v, NULL);
		if (best < 0) {
			ck_assert_int_eq(rc, -ENOENT);
		} else {
			ck_assert_int_eq(rc, 0);
			ck_assert(pfx_equal(p[v], p[best]));
		}
	}
	free(p);
}
END_TEST

/* lpm_match: the longest prefix covering a prefix, itself included;
 * the generation moves with every change. */
START_TEST(match_covering_prefix)
{
	uint32_t v = 0xdead, g;

	ck_assert_int_eq(lpm_match(t, pfx_make(IP4(10, 1, 0, 0), 16), &v),
			 -ENOENT);
	g = lpm_generation(t);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(10, 0, 0, 0), 8), 8), 0);
	ck_assert_int_eq(lpm_add(t, pfx_make(IP4(10, 1, 1, 0), 24), 24), 0);
	ck_assert_uint_ne(lpm_generation(t), g);
	ck_assert_int_eq(lpm_match(t, pfx_make(IP4(10, 1, 0, 0), 16), &v), 0);
	ck_assert_uint_eq(v, 8);
	ck_assert_int_eq(lpm_match(t, pfx_make(IP4(10, 1, 1, 0), 24), &v), 0);
	ck_assert_uint_eq(v, 24);
	ck_assert_int_eq(lpm_match(t, pfx_make(IP4(10, 1, 1, 4), 30), &v), 0);
	ck_assert_uint_eq(v, 24);
	/* The /24's own address seen as a /16 is covered only by the /8. */
	ck_assert_int_eq(lpm_match(t, pfx_make(IP4(10, 1, 1, 0), 16), &v), 0);
	ck_assert_uint_eq(v, 8);
	ck_assert_int_eq(lpm_match(t, pfx_make(0, 0), &v), -ENOENT);
	g = lpm_generation(t);
	ck_assert_int_eq(lpm_del(t, pfx_make(IP4(10, 0, 0, 0), 8)), 0);
	ck_assert_uint_ne(lpm_generation(t), g);
	ck_assert_int_eq(lpm_match(t, pfx_make(IP4(10, 1, 0, 0), 16), &v),
			 -ENOENT);
	ck_assert_int_eq(lpm_match(t, (struct pfx){ 0, 33 }, &v), -EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lpm");
	TCase *tc = tcase_create("trie");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty_table);
	tcase_add_test(tc, boundaries);
	tcase_add_test(tc, replace_and_delete);
	tcase_add_test(tc, host_bits_ignored);
	tcase_add_test(tc, random_vs_linear);
	tcase_add_test(tc, match_covering_prefix);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
