/*
 * test_diagram.c: the DOT writer's quoting (names come from users'
 * files), the output format by file name, and a diagram of a scenario
 * whose names need quoting.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/diagram.h"
#include "cli/job.h"

/* diagram_quote(s) as a string (free it). */
static char *
quoted(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(f != NULL);
	diagram_quote(f, s);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static void
check_quote(const char *in, const char *want)
{
	char *got = quoted(in);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_quote_plain)
{
	check_quote("vm1", "\"vm1\"");
	check_quote("", "\"\"");
	check_quote("Subnet-1 10.1.1.0/24", "\"Subnet-1 10.1.1.0/24\"");
}
END_TEST

START_TEST(test_quote_special)
{
	/* a quote ends a DOT string; a backslash starts an escape (\N is
	 * the node's name, \l a left-justified line): both escaped */
	check_quote("a\"b", "\"a\\\"b\"");
	check_quote("a\\b", "\"a\\\\b\"");
	check_quote("\\N\\G\\l", "\"\\\\N\\\\G\\\\l\"");
	check_quote("\"", "\"\\\"\"");
	check_quote("x\\", "\"x\\\\\"");
	/* a trailing backslash must not escape the closing quote */
	check_quote("\\\"", "\"\\\\\\\"\"");
}
END_TEST

START_TEST(test_quote_controls)
{
	check_quote("a\nb", "\"a\\nb\"");
	check_quote("a\tb\rc\x01" "d\x7f", "\"a b c d \"");
	/* UTF-8 passes through */
	check_quote("r\xc3\xa9seau", "\"r\xc3\xa9seau\"");
	/* HTML-like labels are not used: < > { } | stay as they are */
	check_quote("<b>{x|y}</b>", "\"<b>{x|y}</b>\"");
}
END_TEST

START_TEST(test_format)
{
	ck_assert_int_eq(diagram_format("a.svg"), DG_SVG);
	ck_assert_int_eq(diagram_format("dir/a.PNG"), DG_PNG);
	ck_assert_int_eq(diagram_format("a.dot"), DG_DOT);
	ck_assert_int_eq(diagram_format("a.gv"), DG_DOT);
	ck_assert_int_eq(diagram_format("a.jpg"), -1);
	ck_assert_int_eq(diagram_format("a"), -1);
	ck_assert_int_eq(diagram_format("d.svg/a"), -1);
	ck_assert_int_eq(diagram_format(NULL), -1);
}
END_TEST

/* Every line of the DOT has its quotes balanced: no name ended a string
 * early. */
START_TEST(test_dot_weird_names)
{
	const char *dir = getenv("FTSIM_TESTDATA");
	char path[1024], *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	struct job j;
	FILE *f;

	snprintf(path, sizeof(path), "%s/data/pictures/weird-names.yaml",
		 dir ? dir : "tests");
	ck_assert_int_eq(job_load(&j, path), 0);
	ck_assert_int_eq(job_run(&j), 0);
	ck_assert((f = open_memstream(&buf, &len)) != NULL);
	ck_assert_int_eq(diagram_dot(f, &j.run, &j.run.res[0]), 0);
	ck_assert_int_eq(fclose(f), 0);
	/* the NIC's NSG verdict is a line of its node */
	ck_assert_ptr_nonnull(strstr(buf,
	    "[label=\"VM v<m>1\\\"q\\n10.1.1.4\\nNSG outbound: allowed "
	    "(no NSG)\""));
	ck_assert_ptr_nonnull(strstr(buf,
	    "label=\"VNet Arm\\\"VNet\\\\x{1}\\n10.1.0.0/16\""));
	ck_assert_ptr_nonnull(strstr(buf, "label=\"5  203.0.113.1\""));
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t quotes = 0;
		const char *p;

		for (p = line; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quotes++;
		}
		ck_assert_msg(quotes % 2 == 0, "unbalanced: %s", line);
	}
	free(buf);
	job_free(&j);
}
END_TEST

/* The DOT of a bundled scenario (scenarios/NAME), whole, in *buf. */
static void
dot_of(const char *name, struct job *j, char **buf)
{
	const char *dir = getenv("FTSIM_TESTDATA");
	char path[1024];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../scenarios/%s", dir ? dir : "tests",
		 name);
	ck_assert_int_eq(job_load(j, path), 0);
	ck_assert_int_eq(job_run(j), 0);
	ck_assert((f = open_memstream(buf, &len)) != NULL);
	ck_assert_int_eq(diagram_dot(f, &j->run, NULL), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* MODEL §8: the estate in the picture: a peering used for gateway
 * transit says so, VPN sites hang off their gateway (the default site
 * marked), a Route Server has a BGP session to each peer. */
START_TEST(test_dot_estates)
{
	struct job j;
	char *buf = NULL;

	dot_of("28-vpn-default-site.yaml", &j, &buf);
	ck_assert_ptr_nonnull(strstr(buf, "label=\"VPN site head-office\\n"
				     "192.168.0.0/16\""));
	ck_assert_ptr_nonnull(strstr(buf, "label=\"site-to-site\\n"
				     "(default site)\"]"));
	ck_assert_ptr_nonnull(strstr(buf, "label=\"Internet edge NAT\\n"
				     "198.51.100.30\""));
	free(buf);
	buf = NULL;
	job_free(&j);
	dot_of("29-route-server-default.yaml", &j, &buf);
	ck_assert_ptr_nonnull(strstr(buf, "label=\"Route Server hub-rs\\n"
				     "3 BGP peers\""));
	ck_assert_ptr_nonnull(strstr(buf, "label=\"BGP sdwan2\"]"));
	ck_assert_ptr_nonnull(strstr(buf, "label=\"VNet peering\\n"
				     "(gateway transit)\"]"));
	free(buf);
	job_free(&j);
}
END_TEST

static Suite *
diagram_suite(void)
{
	Suite *s = suite_create("diagram");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_quote_plain);
	tcase_add_test(tc, test_quote_special);
	tcase_add_test(tc, test_quote_controls);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_dot_weird_names);
	tcase_add_test(tc, test_dot_estates);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(diagram_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
