/*
 * test_eqclass.c: ranges to the fewest CIDRs (table-driven vectors, in
 * the style of BIRD's prefix tests), and cut sets.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/eqclass.h"

/* A range and the CIDRs that cover it exactly, space-separated. */
static const struct {
	const char *lo, *hi;
	const char *want;
} vectors[] = {
	{ "0.0.0.0", "255.255.255.255", "0.0.0.0/0" },
	{ "10.0.0.0", "10.255.255.255", "10.0.0.0/8" },
	{ "23.102.135.246", "23.102.135.246", "23.102.135.246/32" },
	{ "0.0.0.0", "0.0.0.0", "0.0.0.0/32" },
	{ "255.255.255.255", "255.255.255.255", "255.255.255.255/32" },
	{ "10.0.0.1", "10.0.0.6", "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 "
	  "10.0.0.6/32" },
	{ "10.0.0.0", "10.0.1.255", "10.0.0.0/23" },
	{ "10.0.1.0", "10.0.2.255", "10.0.1.0/24 10.0.2.0/24" },
	{ "192.168.0.0", "192.168.255.254", "192.168.0.0/17 192.168.128.0/18 "
	  "192.168.192.0/19 192.168.224.0/20 192.168.240.0/21 "
	  "192.168.248.0/22 192.168.252.0/23 192.168.254.0/24 "
	  "192.168.255.0/25 192.168.255.128/26 192.168.255.192/27 "
	  "192.168.255.224/28 192.168.255.240/29 192.168.255.248/30 "
	  "192.168.255.252/31 192.168.255.254/32" },
	/* 0.0.0.0/0 without 10.0.0.0/8: the four /N around it. */
	{ "0.0.0.0", "9.255.255.255", "0.0.0.0/5 8.0.0.0/7" },
	{ "11.0.0.0", "255.255.255.255", "11.0.0.0/8 12.0.0.0/6 16.0.0.0/4 "
	  "32.0.0.0/3 64.0.0.0/2 128.0.0.0/1" },
	{ "0.0.0.1", "255.255.255.254", NULL },	/* 62 CIDRs, counted */
};

START_TEST(range_to_cidrs)
{
	struct pfx out[64];
	char buf[2048], pf[PFX_STRLEN];
	uint32_t lo, hi;
	size_t n, i;

	ck_assert_int_eq(ip_parse(vectors[_i].lo, &lo), 0);
	ck_assert_int_eq(ip_parse(vectors[_i].hi, &hi), 0);
	n = eq_cidrs(lo, hi, out, 64);
	if (vectors[_i].want == NULL) {
		ck_assert_uint_eq(n, 62);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, pfx_format(out[i], pf));
	}
	ck_assert_str_eq(buf, vectors[_i].want);
}
END_TEST

/* Every range's CIDRs are disjoint, aligned, in order, and add up to
 * the range, for ranges drawn at random. */
START_TEST(random_ranges_exact)
{
	struct pfx out[64];
	uint64_t sum;
	uint32_t lo, hi, t;
	size_t n, i, k;

	srandom(7);
	for (k = 0; k < 20000; k++) {
		lo = (uint32_t)random() << 1 ^ (uint32_t)random();
		hi = (uint32_t)random() << 1 ^ (uint32_t)random();
		if (k % 3 == 0)
			hi = lo + (uint32_t)(random() % 4096);
		if (lo > hi) {
			t = lo;
			lo = hi;
			hi = t;
		}
		n = eq_cidrs(lo, hi, out, 64);
		ck_assert_uint_le(n, 62);
		sum = 0;
		for (i = 0; i < n; i++) {
			uint64_t size = (uint64_t)1 << (32 - out[i].len);

			ck_assert_uint_eq(out[i].addr & (size - 1), 0);
			ck_assert_uint_eq(out[i].addr, (uint64_t)lo + sum);
			sum += size;
		}
		ck_assert_uint_eq(sum, (uint64_t)hi - lo + 1);
	}
}
END_TEST

START_TEST(cut_prefixes)
{
	struct cutset c;
	uint64_t lo, hi;

	eq_init(&c, (uint64_t)1 << 32);
	eq_add_pfx(&c, pfx_make(0, 0));
	eq_add_pfx(&c, pfx_make(IP4(10, 1, 0, 0), 16));
	eq_add_pfx(&c, pfx_make(IP4(10, 0, 0, 0), 8));
	eq_add_pfx(&c, pfx_make(IP4(255, 255, 255, 255), 32));
	eq_add_range(&c, IP4(10, 1, 0, 0), IP4(10, 1, 0, 0));
	ck_assert_int_eq(eq_finish(&c), 0);
	/* 0 | 10/8 below 10.1 | 10.1.0.0 | rest of 10.1/16 | rest of 10/8 |
	 * up to .254 | 255.255.255.255 */
	ck_assert_uint_eq(eq_count(&c), 7);
	eq_range(&c, 0, &lo, &hi);
	ck_assert_uint_eq(lo, 0);
	ck_assert_uint_eq(hi, IP4(9, 255, 255, 255));
	eq_range(&c, 2, &lo, &hi);
	ck_assert_uint_eq(lo, IP4(10, 1, 0, 0));
	ck_assert_uint_eq(hi, IP4(10, 1, 0, 0));
	eq_range(&c, 6, &lo, &hi);
	ck_assert_uint_eq(lo, 0xffffffffu);
	ck_assert_uint_eq(hi, 0xffffffffu);
	eq_free(&c);
}
END_TEST

START_TEST(cut_ports)
{
	struct cutset c;
	uint64_t lo, hi;

	eq_init(&c, (uint64_t)1 << 16);
	ck_assert_int_eq(eq_finish(&c), 0);
	ck_assert_uint_eq(eq_count(&c), 1);
	eq_range(&c, 0, &lo, &hi);
	ck_assert_uint_eq(hi, 65535);
	eq_free(&c);

	eq_init(&c, (uint64_t)1 << 16);
	eq_add_range(&c, 1688, 1688);
	eq_add_range(&c, 0, 65535);
	eq_add_range(&c, 80, 443);
	ck_assert_int_eq(eq_finish(&c), 0);
	ck_assert_uint_eq(eq_count(&c), 5);	/* 0-79 80-443 444-1687 1688 1689- */
	eq_range(&c, 3, &lo, &hi);
	ck_assert_uint_eq(lo, 1688);
	ck_assert_uint_eq(hi, 1688);
	eq_free(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("eqclass");
	TCase *tc = tcase_create("eqclass");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, range_to_cidrs, 0,
	    (int)(sizeof(vectors) / sizeof(vectors[0])));
	tcase_add_test(tc, random_ranges_exact);
	tcase_add_test(tc, cut_prefixes);
	tcase_add_test(tc, cut_ports);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
