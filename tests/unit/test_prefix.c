/*
 * test_prefix.c: address, prefix and port parsers, table-driven.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "topology/prefix.h"


static const struct {
	const char *in;
	int rc;
	uint32_t addr;
	uint8_t len;
} pfx_vectors[] = {
	{ "0.0.0.0/0", PFX_OK, 0, 0 },
	{ "128.0.0.0/1", PFX_OK, IP4(128, 0, 0, 0), 1 },
	{ "10.0.0.0/8", PFX_OK, IP4(10, 0, 0, 0), 8 },
	{ "10.1.1.0/24", PFX_OK, IP4(10, 1, 1, 0), 24 },
	{ "10.1.1.128/25", PFX_OK, IP4(10, 1, 1, 128), 25 },
	{ "10.1.1.2/31", PFX_OK, IP4(10, 1, 1, 2), 31 },
	{ "23.102.135.246/32", PFX_OK, IP4(23, 102, 135, 246), 32 },
	{ "23.102.135.246", PFX_OK, IP4(23, 102, 135, 246), 32 },
	{ "255.255.255.255/32", PFX_OK, 0xffffffffu, 32 },
	{ "10.0.0.0/33", PFX_ELEN, 0, 0 },
	{ "10.0.0.0/100", PFX_ELEN, 0, 0 },
	{ "256.0.0.0/8", PFX_ERANGE, 0, 0 },
	{ "10.1.1.1/24", PFX_EHOSTBITS, 0, 0 },
	{ "128.0.0.0/0", PFX_EHOSTBITS, 0, 0 },
	{ "10.1.1.129/25", PFX_EHOSTBITS, 0, 0 },
	{ "10.1.1/24", PFX_ESYNTAX, 0, 0 },
	{ "10.1.1.0/", PFX_ESYNTAX, 0, 0 },
	{ "10.1.1.0/24 ", PFX_ESYNTAX, 0, 0 },
	{ " 10.1.1.0/24", PFX_ESYNTAX, 0, 0 },
	{ "10.1.1.0/-1", PFX_ESYNTAX, 0, 0 },
	{ "10.1.1.0.0/24", PFX_ESYNTAX, 0, 0 },
	{ "a.b.c.d/8", PFX_ESYNTAX, 0, 0 },
	{ "", PFX_ESYNTAX, 0, 0 },
	{ "0010.1.1.0/24", PFX_ERANGE, 0, 0 },
	{ "Internet", PFX_ESYNTAX, 0, 0 },
};

START_TEST(pfx_table)
{
	struct pfx p;
	int rc = pfx_parse(pfx_vectors[_i].in, &p);

	ck_assert_msg(rc == pfx_vectors[_i].rc, "%s: rc %d want %d",
		      pfx_vectors[_i].in, rc, pfx_vectors[_i].rc);
	if (rc == PFX_OK) {
		ck_assert_uint_eq(p.addr, pfx_vectors[_i].addr);
		ck_assert_uint_eq(p.len, pfx_vectors[_i].len);
	}
}
END_TEST

static const struct {
	const char *in;
	int rc;
	uint16_t lo, hi;
} port_vectors[] = {
	{ "*", PFX_OK, 0, 65535 },
	{ "0", PFX_OK, 0, 0 },
	{ "1688", PFX_OK, 1688, 1688 },
	{ "65535", PFX_OK, 65535, 65535 },
	{ "1000-2000", PFX_OK, 1000, 2000 },
	{ "0-65535", PFX_OK, 0, 65535 },
	{ "65536", PFX_EPORT, 0, 0 },
	{ "2000-1000", PFX_EPORT, 0, 0 },
	{ "1-65536", PFX_EPORT, 0, 0 },
	{ "12a", PFX_ESYNTAX, 0, 0 },
	{ "-5", PFX_ESYNTAX, 0, 0 },
	{ "", PFX_ESYNTAX, 0, 0 },
	{ "1000-", PFX_ESYNTAX, 0, 0 },
};

START_TEST(port_table)
{
	struct portrange r;
	int rc = portrange_parse(port_vectors[_i].in, &r);

	ck_assert_msg(rc == port_vectors[_i].rc, "%s: rc %d want %d",
		      port_vectors[_i].in, rc, port_vectors[_i].rc);
	if (rc == PFX_OK) {
		ck_assert_uint_eq(r.lo, port_vectors[_i].lo);
		ck_assert_uint_eq(r.hi, port_vectors[_i].hi);
	}
}
END_TEST

START_TEST(format_roundtrip)
{
	static const char *const in[] = { "0.0.0.0/0", "10.1.1.128/25",
		"255.255.255.255/32", "100.64.0.0/10" };
	char buf[PFX_STRLEN];
	struct pfx p;
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ck_assert_int_eq(pfx_parse(in[i], &p), PFX_OK);
		ck_assert_str_eq(pfx_format(p, buf), in[i]);
	}
}
END_TEST

START_TEST(mask_and_cover)
{
	struct pfx a = pfx_make(IP4(10, 0, 0, 0), 8);
	struct pfx b = pfx_make(IP4(10, 1, 2, 3), 24);

	ck_assert_uint_eq(pfx_mask(0), 0);
	ck_assert_uint_eq(pfx_mask(1), 0x80000000u);
	ck_assert_uint_eq(pfx_mask(32), 0xffffffffu);
	ck_assert_uint_eq(b.addr, IP4(10, 1, 2, 0));
	ck_assert(pfx_covers(a, b));
	ck_assert(!pfx_covers(b, a));
	ck_assert(pfx_covers(a, a));
	ck_assert(pfx_contains_ip(pfx_make(0, 0), 0xffffffffu));
	ck_assert(!pfx_contains_ip(b, IP4(10, 1, 3, 0)));
}
END_TEST

START_TEST(ip_strict)
{
	uint32_t ip;

	ck_assert_int_eq(ip_parse("10.1.1.4", &ip), PFX_OK);
	ck_assert_uint_eq(ip, IP4(10, 1, 1, 4));
	ck_assert_int_ne(ip_parse("10.1.1.4/32", &ip), PFX_OK);
	ck_assert_int_ne(ip_parse("10.1.1", &ip), PFX_OK);
	ck_assert_int_ne(ip_parse(NULL, &ip), PFX_OK);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, pfx_table, 0,
			    sizeof(pfx_vectors) / sizeof(pfx_vectors[0]));
	tcase_add_loop_test(tc, port_table, 0,
			    sizeof(port_vectors) / sizeof(port_vectors[0]));
	tcase_add_test(tc, format_roundtrip);
	tcase_add_test(tc, mask_and_cover);
	tcase_add_test(tc, ip_strict);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
