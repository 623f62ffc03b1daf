/*
 * test_tags.c: the Service Tags reader and the lookup by name.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology/tags.h"

static struct tagset *
parse(const char *json, struct diag *d)
{
	struct tagset *ts = NULL;

	diag_init(d);
	ck_assert_int_eq(tagset_parse("t.json", json, strlen(json), &ts, d), 0);
	ck_assert_ptr_nonnull(ts);
	return ts;
}

#define TAG(name, pfx) \
	"{\"name\": \"" name "\", \"properties\": {\"addressPrefixes\": " \
	"[\"" pfx "\"]}}"

/* A UTF-8 byte-order mark in front of the document is skipped. */
START_TEST(utf8_bom)
{
	struct diag d;
	struct tagset *ts = parse("\xEF\xBB\xBF{\"values\": ["
	    TAG("Storage", "20.0.0.0/8") "]}", &d);

	ck_assert_ptr_nonnull(tagset_find(ts, "Storage"));
	tagset_free(ts);
	diag_free(&d);
}
END_TEST

/* Any case finds a tag; a name given twice finds the first of them, as
 * a search in file order did. */
START_TEST(find_by_name)
{
	struct diag d;
	struct tagset *ts = parse("{\"values\": [" TAG("Storage", "20.0.0.0/8")
	    "," TAG("azurecloud", "40.0.0.0/8") "," TAG("AzureCloud",
	    "50.0.0.0/8") "," TAG("AzureCloud.westus", "40.83.128.0/17")
	    "]}", &d);
	const struct tag *tg;

	ck_assert_ptr_nonnull(tg = tagset_find(ts, "AZURECLOUD"));
	ck_assert_ptr_eq(tg, &ts->tags[1]);
	ck_assert_ptr_eq(tagset_find(ts, "storage"), &ts->tags[0]);
	ck_assert_ptr_eq(tagset_find(ts, "AzureCloud.WestUS"), &ts->tags[3]);
	ck_assert_ptr_null(tagset_find(ts, "AzureCloud.eastus"));
	ck_assert_ptr_null(tagset_find(ts, "Azure"));
	ck_assert_ptr_null(tagset_find(ts, ""));
	tagset_free(ts);
	diag_free(&d);
}
END_TEST

/* Many tags: every one is found at its own place. */
START_TEST(find_many)
{
	char *json, name[32];
	size_t i, len = 0, cap = 3000 * 96 + 64;
	struct tagset *ts;
	struct diag d;

	ck_assert_ptr_nonnull(json = malloc(cap));
	len += (size_t)snprintf(json + len, cap - len, "{\"values\": [");
	for (i = 0; i < 3000; i++)
		len += (size_t)snprintf(json + len, cap - len,
		    "%s{\"name\": \"Tag%zu\", \"properties\": "
		    "{\"addressPrefixes\": [\"10.%zu.%zu.0/24\"]}}",
		    i ? "," : "", (i * 7919) % 3000, i >> 8, i & 255);
	snprintf(json + len, cap - len, "]}");
	ts = parse(json, &d);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "tag%zu", (i * 7919) % 3000);
		ck_assert_ptr_eq(tagset_find(ts, name), &ts->tags[i]);
	}
	tagset_free(ts);
	diag_free(&d);
	free(json);
}
END_TEST

/* The built-in lists are indexed too. */
START_TEST(find_builtin)
{
	struct tagset *ts = tagset_builtin(CLOUD_PUBLIC);

	ck_assert_ptr_nonnull(ts);
	ck_assert_ptr_nonnull(ts->byname);
	ck_assert_ptr_nonnull(tagset_find(ts, "azurecloud"));
	ck_assert_ptr_nonnull(tagset_find(ts, "Storage"));
	tagset_free(ts);
}
END_TEST

/* A scenario names the file: a device or a directory is refused before
 * any read (/dev/zero would be read to the cap, a FIFO would hang). */
START_TEST(load_not_regular)
{
	static const char *const paths[] = { "/dev/zero", "/" };
	struct tagset *ts = NULL;
	struct diag d;

	diag_init(&d);
	ck_assert_int_eq(tagset_load(paths[_i], &ts, &d), -1);
	ck_assert_ptr_null(ts);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.msgs[0].text,
	    "service tags file is not a regular file");
	diag_free(&d);
}
END_TEST

static Suite *
tags_suite(void)
{
	Suite *s = suite_create("tags");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, find_by_name);
	tcase_add_test(tc, utf8_bom);
	tcase_add_test(tc, find_many);
	tcase_add_test(tc, find_builtin);
	tcase_add_loop_test(tc, load_not_regular, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tags_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
