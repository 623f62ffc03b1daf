/*
 * test_decide.c: sim_decide (no trace) agrees with sim_run_flow (the
 * traced walk) on every flow of every bundled scenario (the Azure
 * Firewall ones, 33-36, included), regression scenario and estate:
 * the verdict, the path both ways, the deciding NSG rule and what IP
 * flow verify says, the translations, the capture-point crossings, the
 * expectations and the request's bytes. Neither walk changes the engine
 * (no capture point is named while flows run); named afterwards, both
 * results' crossings have the same point names, numbered in the order
 * the traced walk met them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "sim/walk.h"

static void
same_paths(const struct flow_result *ra, const uint32_t *a, size_t na,
	   const struct flow_result *rb, const uint32_t *b, size_t nb,
	   const char *what, const char *flow)
{
	size_t i;

	ck_assert_msg(na == nb, "%s: %s: %zu nodes traced, %zu decided", flow,
		      what, na, nb);
	for (i = 0; i < na; i++)
		ck_assert_msg(strcmp(fr_str(ra, a[i]), fr_str(rb, b[i])) == 0,
			      "%s: %s node %zu: %s traced, %s decided", flow,
			      what, i, fr_str(ra, a[i]), fr_str(rb, b[i]));
}

static void
same_result(const struct flow_result *a, const struct flow_result *b)
{
	const char *n = a->flow->name;
	size_t i;

	ck_assert_msg(a->delivered == b->delivered, "%s: delivered", n);
	ck_assert_msg(a->tcp_connect == b->tcp_connect, "%s: tcp_connect", n);
	ck_assert_msg(a->activation == b->activation, "%s: activation", n);
	ck_assert_msg(a->has_source_seen == b->has_source_seen &&
		      a->source_seen == b->source_seen &&
		      a->source_class == b->source_class, "%s: source", n);
	ck_assert_msg(a->hairpin == b->hairpin, "%s: hairpin", n);
	ck_assert_msg(strcmp(fr_str(a, a->nsg_rule), fr_str(b, b->nsg_rule)) == 0 &&
		      a->nsg_rule_hidden == b->nsg_rule_hidden &&
		      a->flow_logged == b->flow_logged, "%s: NSG rule", n);
	ck_assert_msg(a->ip_flow_verify == b->ip_flow_verify &&
		      strcmp(fr_str(a, a->ip_flow_verify_rule),
			     fr_str(b, b->ip_flow_verify_rule)) == 0, "%s: IP flow verify", n);
	ck_assert_msg(a->drop_reason == b->drop_reason, "%s: drop reason", n);
	ck_assert_msg(a->replied == b->replied &&
		      a->reply_delivered == b->reply_delivered &&
		      a->asymmetric == b->asymmetric &&
		      a->reply_drop_reason == b->reply_drop_reason,
		      "%s: the answer", n);
	same_paths(a, a->path, a->npath, b, b->path, b->npath, "path", n);
	same_paths(a, a->rpath, a->nrpath, b, b->rpath, b->nrpath,
		   "reply path", n);
	ck_assert_msg(a->nnat == b->nnat, "%s: translations", n);
	for (i = 0; i < a->nnat; i++)
		ck_assert_msg(a->nat[i].point == b->nat[i].point &&
			      a->nat[i].inside == b->nat[i].inside &&
			      a->nat[i].outside == b->nat[i].outside &&
			      a->nat[i].inside_port == b->nat[i].inside_port &&
			      a->nat[i].outside_port == b->nat[i].outside_port &&
			      strcmp(fr_str(a, a->nat[i].who),
				     fr_str(b, b->nat[i].who)) == 0,
			      "%s: translation %zu", n, i);
	ck_assert_msg(a->nxing == b->nxing, "%s: crossings", n);
	for (i = 0; i < a->nxing; i++)
		ck_assert_msg(a->xing[i].point == b->xing[i].point &&
			      a->xing[i].src == b->xing[i].src &&
			      a->xing[i].dst == b->xing[i].dst &&
			      a->xing[i].sport == b->xing[i].sport &&
			      a->xing[i].dport == b->xing[i].dport &&
			      a->xing[i].ttl == b->xing[i].ttl &&
			      a->xing[i].reply == b->xing[i].reply &&
			      a->xing[i].at_us == b->xing[i].at_us,
			      "%s: crossing %zu", n, i);
	ck_assert_msg(a->nexp == b->nexp && a->all_ok == b->all_ok,
		      "%s: expectations", n);
	for (i = 0; i < a->nexp; i++)
		ck_assert_msg(a->exp[i].ok == b->exp[i].ok &&
			      strcmp(fr_str(a, a->exp[i].got),
				     fr_str(b, b->exp[i].got)) == 0,
			      "%s: expectation %zu", n, i);
	ck_assert_msg(a->request.len == b->request.len &&
		      memcmp(a->request.buf, b->request.buf,
			     a->request.len) == 0, "%s: request bytes", n);
	ck_assert_msg(a->nhops > 0 && b->nhops == 0, "%s: trace lines", n);
}

/* Named after the walks: the decided result's crossings are at the
 * traced result's points, and the traced one's points are numbered in
 * the order met (a new number is the next one). */
static void
same_names(struct flow_result *a, struct flow_result *b)
{
	const char *n = a->flow->name;
	size_t i, before = sim_npoints(sim);

	ck_assert_int_eq(sim_name_points(sim, a, 1), 0);
	ck_assert_int_eq(sim_name_points(sim, b, 1), 0);
	ck_assert_msg(a->points_named && b->points_named, "%s: named", n);
	for (i = 0; i < a->nxing; i++) {
		const char *pa = sim_point_name(sim, a->xing[i].point);
		const char *pb = sim_point_name(sim, b->xing[i].point);

		ck_assert_msg(pa != NULL && pb != NULL && strcmp(pa, pb) == 0,
			      "%s: crossing %zu: %s traced, %s decided", n, i,
			      pa ? pa : "?", pb ? pb : "?");
		ck_assert_msg(a->xing[i].point < before + a->nxing,
			      "%s: crossing %zu numbered past the new", n, i);
	}
	for (i = 0; i < a->nnat; i++)
		ck_assert_msg(a->nat[i].point == b->nat[i].point,
			      "%s: translation %zu's point", n, i);
	/* Named twice: nothing changes. */
	if (a->nxing > 0) {
		uint32_t p0 = a->xing[0].point;

		ck_assert_int_eq(sim_name_points(sim, a, 1), 0);
		ck_assert_uint_eq(a->xing[0].point, p0);
	}
}

static size_t flows_checked;
/* Flows compared in the Azure Firewall scenarios (33-36). */
static size_t firewall_flows[4];

/* The traced and decided results of each flow of the scenario loaded
 * (file, in sub) compared. */
struct pair {
	struct flow_result traced, decided;
	bool bundled;		/* ../scenarios: count the firewall ones */
};

static void
check_file(const char *file, void *arg)
{
	struct pair *p = arg;
	size_t k;

	if (p->bundled && file[0] == '3' && file[1] >= '3' && file[1] <= '6' &&
	    file[2] == '-')
		firewall_flows[file[1] - '3'] += topo.nflows;
	for (k = 0; k < topo.nflows; k++) {
		size_t points = sim_npoints(sim);

		ck_assert_int_eq(sim_run_flow(sim, &topo.flows[k], &p->traced),
				 0);
		ck_assert_int_eq(sim_decide(sim, &topo.flows[k], &p->decided),
				 0);
		ck_assert_uint_eq(sim_npoints(sim), points);
		same_result(&p->traced, &p->decided);
		same_names(&p->traced, &p->decided);
		flows_checked++;
	}
}

static void
check_dir(const char *sub)
{
	struct pair p;

	memset(&p, 0, sizeof(p));
	p.bundled = strcmp(sub, "../scenarios") == 0;
	fixture_each_scenario(sub, check_file, &p);
	flow_result_free(&p.traced);
	flow_result_free(&p.decided);
}

START_TEST(decide_agrees_with_traced_walk)
{
	size_t i;

	flows_checked = 0;
	memset(firewall_flows, 0, sizeof(firewall_flows));
	check_dir("../scenarios");
	check_dir("scenarios");
	check_dir("scenarios/estates");
	/* Every bundled flow (79 and more): the test can fail. */
	ck_assert_uint_gt(flows_checked, 79);
	/* The Azure Firewall scenarios, 33 to 36, among them. */
	for (i = 0; i < 4; i++)
		ck_assert_msg(firewall_flows[i] > 0, "scenario %zu: no flow "
			      "compared", 33 + i);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("scenarios");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, decide_agrees_with_traced_walk);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
