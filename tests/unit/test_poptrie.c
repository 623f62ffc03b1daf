/*
 * test_poptrie.c: the compressed trie at every prefix-length boundary,
 * its errors, and randomised comparisons with the binary trie (lpm.c)
 * and a linear scan.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "sim/lpm.h"
#include "sim/poptrie.h"


static struct poptrie *
build(const struct poptrie_route *r, size_t n)
{
	struct poptrie *t = NULL;

	ck_assert_int_eq(poptrie_build(r, n, &t), 0);
	ck_assert_ptr_nonnull(t);
	return t;
}

static uint32_t
look(const struct poptrie *t, uint32_t ip)
{
	uint32_t v = 0xdead;

	ck_assert_msg(poptrie_lookup(t, ip, &v) == 0, "no match for %08x", ip);
	return v;
}

START_TEST(empty_table)
{
	struct poptrie *t = build(NULL, 0);
	uint32_t v;

	ck_assert_int_eq(poptrie_lookup(t, IP4(1, 2, 3, 4), &v), -ENOENT);
	ck_assert_int_eq(poptrie_lookup(t, 0, &v), -ENOENT);
	ck_assert_int_eq(poptrie_lookup(t, UINT32_MAX, &v), -ENOENT);
	ck_assert_uint_eq(poptrie_count(t), 0);
	poptrie_free(t);
}
END_TEST

/* /0, /1, /8, /24, /25, /31, /32, each checked at both ends. */
START_TEST(boundaries)
{
	static const struct poptrie_route r[] = {
		{ { 0, 0 }, 0 },
		{ { IP4(128, 0, 0, 0), 1 }, 1 },
		{ { IP4(10, 0, 0, 0), 8 }, 8 },
		{ { IP4(10, 1, 1, 0), 24 }, 24 },
		{ { IP4(10, 1, 1, 128), 25 }, 25 },
		{ { IP4(10, 1, 1, 254), 31 }, 31 },
		{ { IP4(10, 1, 1, 255), 32 }, 32 },
	};
	struct poptrie *t = build(r, sizeof(r) / sizeof(r[0]));

	ck_assert_uint_eq(look(t, IP4(1, 1, 1, 1)), 0);
	ck_assert_uint_eq(look(t, 0), 0);
	ck_assert_uint_eq(look(t, IP4(127, 255, 255, 255)), 0);
	ck_assert_uint_eq(look(t, IP4(128, 0, 0, 0)), 1);
	ck_assert_uint_eq(look(t, IP4(255, 255, 255, 255)), 1);
	ck_assert_uint_eq(look(t, IP4(9, 255, 255, 255)), 0);
	ck_assert_uint_eq(look(t, IP4(10, 0, 0, 0)), 8);
	ck_assert_uint_eq(look(t, IP4(10, 255, 255, 255)), 8);
	ck_assert_uint_eq(look(t, IP4(11, 0, 0, 0)), 0);
	ck_assert_uint_eq(look(t, IP4(10, 1, 0, 255)), 8);
	ck_assert_uint_eq(look(t, IP4(10, 1, 1, 0)), 24);
	ck_assert_uint_eq(look(t, IP4(10, 1, 1, 127)), 24);
	ck_assert_uint_eq(look(t, IP4(10, 1, 1, 128)), 25);
	ck_assert_uint_eq(look(t, IP4(10, 1, 1, 253)), 25);
	ck_assert_uint_eq(look(t, IP4(10, 1, 1, 254)), 31);
	ck_assert_uint_eq(look(t, IP4(10, 1, 1, 255)), 32);
	ck_assert_uint_eq(look(t, IP4(10, 1, 2, 0)), 8);
	ck_assert_uint_eq(poptrie_count(t), 7);
	poptrie_free(t);
}
END_TEST

/* The strides' own edges: the direct table (/16), each node level (/22,
 * /28) and one bit on either side of each. */
START_TEST(stride_edges)
{
	static const uint8_t lens[] = { 15, 16, 17, 21, 22, 23, 27, 28, 29, 30 };
	struct poptrie_route r[sizeof(lens)];
	struct poptrie *t;
	size_t i;

	/* Nested prefixes of 172.31.255.255, each longer one inside. */
	for (i = 0; i < sizeof(lens); i++) {
		r[i].pfx = pfx_make(IP4(172, 31, 255, 255), lens[i]);
		r[i].value = lens[i];
	}
	t = build(r, sizeof(lens));
	for (i = 0; i < sizeof(lens); i++) {
		uint32_t first = r[i].pfx.addr;
		/* The first address of the prefix that the next longer one
		 * does not hold. */
		ck_assert_uint_eq(look(t, first), lens[i]);
	}
	ck_assert_uint_eq(look(t, IP4(172, 31, 255, 255)), 30);
	ck_assert_uint_eq(look(t, IP4(172, 31, 255, 251)), 29);
	{
		uint32_t v;
		ck_assert_int_eq(poptrie_lookup(t, IP4(172, 29, 255, 255), &v),
				 -ENOENT);
	}
	poptrie_free(t);
}
END_TEST

START_TEST(duplicates_and_errors)
{
	struct poptrie_route r[3] = {
		{ { IP4(10, 0, 0, 0), 8 }, 1 },
		{ { IP4(10, 0, 0, 0), 8 }, 2 },	/* the later one wins */
		{ { IP4(10, 1, 2, 3), 8 }, 3 },	/* host bits: 10/8 again */
	};
	struct poptrie *t = build(r, 2);

	ck_assert_uint_eq(look(t, IP4(10, 9, 9, 9)), 2);
	ck_assert_uint_eq(poptrie_count(t), 1);
	poptrie_free(t);
	t = build(r, 3);
	ck_assert_uint_eq(look(t, IP4(10, 9, 9, 9)), 3);
	poptrie_free(t);

	r[0].pfx.len = 33;
	ck_assert_int_eq(poptrie_build(r, 1, &t), -EINVAL);
	ck_assert_ptr_null(t);
	r[0].pfx.len = 8;
	r[0].value = POPTRIE_VALUE_MAX + 1;
	ck_assert_int_eq(poptrie_build(r, 1, &t), -EINVAL);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(poptrie_build(NULL, 1, &t), -EINVAL);
	r[0].value = POPTRIE_VALUE_MAX;
	t = build(r, 1);
	ck_assert_uint_eq(look(t, IP4(10, 0, 0, 1)), POPTRIE_VALUE_MAX);
	poptrie_free(t);
}
END_TEST

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Random sets at every size class; every answer equals the binary
 * trie's and (for the smaller sets) a linear scan's. Addresses are drawn
 * inside and at the edges of the prefixes as well as uniformly. */
static void
compare(size_t n, unsigned maxlen, bool linear)
{
	struct poptrie_route *r = calloc(n, sizeof(*r));
	struct lpm *ref = lpm_new();
	struct poptrie *t;
	size_t i, j, q;

	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(ref);
	for (i = 0; i < n; i++) {
		r[i].pfx = pfx_make(rnd() ^ rnd() << 16, (uint8_t)(rnd() % (maxlen + 1)));
		r[i].value = (uint32_t)i;
		ck_assert_int_eq(lpm_add(ref, r[i].pfx, (uint32_t)i), 0);
	}
	t = build(r, n);
	ck_assert_uint_eq(poptrie_count(t), lpm_count(ref));
	for (q = 0; q < 20000; q++) {
		const struct pfx *p = &r[rnd() % n].pfx;
		uint32_t ip, want = 0, got = 0;
		int rw, rg;

		switch (q % 4) {
		case 0:  ip = rnd() ^ rnd() << 16; break;
		case 1:  ip = p->addr; break;
		case 2:  ip = p->addr | ~pfx_mask(p->len); break;
		default: ip = (p->addr | ~pfx_mask(p->len)) + 1; break;
		}
		rw = lpm_lookup(ref, ip, &want, NULL);
		rg = poptrie_lookup(t, ip, &got);
		ck_assert_msg(rw == rg && (rw != 0 || want == got),
			      "n=%zu ip=%08x: trie %d/%u poptrie %d/%u",
			      n, ip, rw, want, rg, got);
		if (!linear)
			continue;
		{
			int best = -1;
			uint32_t bv = 0;

			/* The last one listed wins among equal prefixes. */
			for (j = 0; j < n; j++)
				if (pfx_contains_ip(r[j].pfx, ip) &&
				    (int)r[j].pfx.len >= best) {
					best = r[j].pfx.len;
					bv = r[j].value;
				}
			ck_assert_int_eq(rg, best < 0 ? -ENOENT : 0);
			if (best >= 0)
				ck_assert_uint_eq(got, bv);
		}
	}
	poptrie_free(t);
	lpm_free(ref);
	free(r);
}

START_TEST(random_small)
{
	compare(10, 32, true);
	compare(64, 32, true);
	compare(400, 32, true);
}
END_TEST

START_TEST(random_large)
{
	compare(10000, 32, false);
	compare(50000, 24, false);
	compare(20000, 12, false);	/* dense short prefixes */
}
END_TEST

START_TEST(memory_is_compact)
{
	struct poptrie_route r = { { IP4(10, 0, 0, 0), 8 }, 7 };
	struct poptrie *t = build(&r, 1);

	/* A direct table and nothing else: 256 KiB and a little. */
	ck_assert_uint_lt(poptrie_memory(t), 300u << 10);
	poptrie_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("poptrie");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, empty_table);
	tcase_add_test(tc, boundaries);
	tcase_add_test(tc, stride_edges);
	tcase_add_test(tc, duplicates_and_errors);
	tcase_add_test(tc, random_small);
	tcase_add_test(tc, random_large);
	tcase_add_test(tc, memory_is_compact);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
