/*
 * test_trace.c: the trace as events. Every line of every bundled and
 * regression flow names what decided it (the route, the NSG rule, the
 * translation, the crossing) consistently with the text the outputs
 * render from it, and every translation is named by its own line; a
 * line's why may go on after other lines were recorded; names are the
 * result's own copies, whatever happens to the strings they came from.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace.h"
#include "sim/walkint.h"
#include "tests/unit/fixture.h"

static size_t nroute, nrule, nnat, nxing, ndrop;

static bool
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* The NSG rule index i names a rule of some NSG whose name the line
 * shows. */
static bool
rule_shown(const char *what, uint32_t i)
{
	size_t k;

	for (k = 0; k < topo.nnsgs; k++)
		if (i < topo.nsgs[k].nrules &&
		    strstr(what, topo.nsgs[k].rules[i].name) != NULL)
			return true;
	return false;
}

static void
check_events(const struct flow_result *r)
{
	char want[PFX_STRLEN + 64], pf[PFX_STRLEN], ip[IP_STRLEN];
	const char *n = r->flow->name, *what;
	size_t i, k, named;

	for (i = 0; i < r->nhops; i++) {
		const struct hop *h = &r->hops[i];

		what = fx_what(r, h);
		ck_assert_msg(what[0] != '\0' && trace_node(r, h)[0] != '\0',
			      "%s: line %zu empty", n, i + 1);
		ck_assert_msg(h->kind < HOP_KIND_COUNT, "%s: kind", n);
		ck_assert_msg((h->kind == HOP_DROP) == starts(what, "dropped: "),
			      "%s: line %zu: %s", n, i + 1, what);
		ck_assert_msg((h->kind == HOP_ROUTE) == starts(what, "route "),
			      "%s: line %zu: %s", n, i + 1, what);
		ck_assert_msg((h->kind == HOP_NSG) == starts(what, "NSG "),
			      "%s: line %zu: %s", n, i + 1, what);
		ndrop += h->kind == HOP_DROP;
		if (h->kind == HOP_ROUTE) {
			const struct rtable *rt;

			ck_assert_uint_lt(h->ctx, sim_ncontexts(sim));
			rt = sim_context_rtable(sim, h->ctx);
			ck_assert_uint_lt(h->route, rt->n);
			snprintf(want, sizeof(want), "route %s -> %s",
				 pfx_format(rt->r[h->route].pfx, pf),
				 nh_type_name(rt->r[h->route].nh));
			ck_assert_msg(starts(what, want), "%s: line %zu: %s, "
				      "its event says %s", n, i + 1, what,
				      want);
			nroute++;
		} else {
			ck_assert_uint_eq(h->route, HOP_NONE);
		}
		if (h->rule != HOP_NONE) {
			ck_assert_uint_eq(h->kind, HOP_NSG);
			ck_assert_msg(rule_shown(what, h->rule), "%s: line "
				      "%zu: %s: rule %u", n, i + 1, what,
				      h->rule);
			nrule++;
		}
		if (h->nat != HOP_NONE) {
			ck_assert_uint_lt(h->nat, r->nnat);
			ip_format(r->nat[h->nat].outside, ip);
			ck_assert_msg(strstr(what, ip) != NULL, "%s: line %zu: "
				      "%s: translation to %s", n, i + 1, what,
				      ip);
			nnat++;
		}
		if (h->xing != HOP_NONE) {
			ck_assert_uint_lt(h->xing, r->nxing);
			ck_assert_uint_eq(r->xing[h->xing].hop, i);
			ck_assert(h->xing == 0 || r->xing[h->xing - 1].hop < i);
			nxing++;
		}
	}
	/* Each translation is named by exactly one line, its own. */
	for (k = 0; k < r->nnat; k++) {
		for (i = 0, named = 0; i < r->nhops; i++)
			named += r->hops[i].nat == k;
		ck_assert_msg(named == 1, "%s: translation %zu (to %s) named "
			      "by %zu lines", n, k,
			      ip_format(r->nat[k].outside, ip), named);
	}
}

/* Every flow of the scenario loaded, traced and checked. */
static void
check_file(const char *file, void *arg)
{
	struct flow_result *r = arg;
	size_t k;

	(void)file;
	for (k = 0; k < topo.nflows; k++) {
		ck_assert_int_eq(sim_run_flow(sim, &topo.flows[k], r), 0);
		check_events(r);
	}
}

START_TEST(events_name_what_decided)
{
	struct flow_result r = { 0 };

	nroute = nrule = nnat = nxing = ndrop = 0;
	fixture_each_scenario("../scenarios", check_file, &r);
	fixture_each_scenario("scenarios", check_file, &r);
	fixture_each_scenario("scenarios/estates", check_file, &r);
	flow_result_free(&r);
	/* Each index seen many times: the test can fail. */
	ck_assert_uint_gt(nroute, 100);
	ck_assert_uint_gt(nrule, 10);
	ck_assert_uint_gt(nnat, 50);
	ck_assert_uint_gt(nxing, 200);
	ck_assert_uint_gt(ndrop, 10);
}
END_TEST

/* A walk of its own, for the recording calls. */
static struct walk *
bare_walk(struct walk *w, struct flow_result *r, struct pkt *p)
{
	memset(w, 0, sizeof(*w));
	memset(p, 0, sizeof(*p));
	w->r = r;
	w->p = p;
	return w;
}

/* A why that goes on after other lines were recorded continues
 * elsewhere in the log (TARG_JUMP), many times over; each line renders
 * whole and alone. */
START_TEST(why_goes_on_after_other_lines)
{
	struct flow_result r = { 0 };
	struct walk w0, *w;
	struct pkt p;
	char want[16384], *o = want;
	size_t i, first, jumps = 0;
	struct hop *h;

	w = bare_walk(&w0, &r, &p);
	h = walk_hop(w, HOP_ROUTE, "Subnet-1", "route %s -> %s",
	    ta_pfx(pfx_make(0, 0)), ta_lit("Internet"));
	hop_why(w, h, "first %s", ta_s("words"));
	first = (size_t)(h - r.hops);
	o += sprintf(o, "first words");
	for (i = 0; i < 500; i++) {
		h = walk_hop(w, HOP_NAT, "edge", "SNAT %s -> %s", ta_ip(i),
		    ta_ip(i + 1));
		hop_why(w, h, "line %zu", ta_u(i));
		hop_why_more(w, &r.hops[first], "; then %u", ta_u(i));
		o += sprintf(o, "; then %zu", i);
	}
	ck_assert_int_eq(w->err, 0);
	ck_assert_uint_eq(r.nhops, 501);
	for (i = 0; i < r.ntarg; i++)
		jumps += r.targ[i].type == TARG_JUMP;
	ck_assert_uint_eq(jumps, 500);
	ck_assert_str_eq(fx_why(&r, &r.hops[first]), want);
	ck_assert_str_eq(fx_what(&r, &r.hops[first]), "route 0.0.0.0/0 -> "
			 "Internet");
	ck_assert_str_eq(fx_what(&r, &r.hops[500]), "SNAT 0.0.1.243 -> "
			 "0.0.1.244");
	ck_assert_str_eq(fx_why(&r, &r.hops[500]), "line 499");
	flow_result_free(&r);
}
END_TEST

/* Names are copied: the buffer a name came from may change or go; a
 * name copied from the pool itself survives the pool's growth. */
START_TEST(names_are_the_results_own)
{
	struct flow_result r = { 0 };
	struct walk w0, *w;
	struct pkt p;
	char node[64];
	uint32_t off[300];
	size_t i;
	struct hop *h;

	w = bare_walk(&w0, &r, &p);
	snprintf(node, sizeof(node), "appliance-1");
	h = walk_hop(w, HOP_APPLIANCE, node, "%s forwards", ta_s(node));
	memset(node, 'x', sizeof(node) - 1);
	ck_assert_str_eq(trace_node(&r, h), "appliance-1");
	ck_assert_str_eq(fx_what(&r, h), "appliance-1 forwards");
	/* Each copy made from the last: the pool grows under its own
	 * source many times. */
	off[0] = walk_str(w, "a-name-of-twenty-chars");
	for (i = 1; i < 300; i++)
		off[i] = walk_str(w, fr_str(&r, off[i - 1]));
	ck_assert_int_eq(w->err, 0);
	for (i = 0; i < 300; i++)
		ck_assert_str_eq(fr_str(&r, off[i]), "a-name-of-twenty-chars");
	ck_assert_str_eq(fr_str(&r, 0), "");
	ck_assert_str_eq(fr_str(&r, UINT32_MAX), "");
	flow_result_free(&r);
}
END_TEST

/* A decision-only walk records no line and builds no argument. */
START_TEST(quiet_walk_records_nothing)
{
	struct flow_result r = { 0 };
	struct walk w0, *w;
	struct pkt p;
	struct hop *h;

	w = bare_walk(&w0, &r, &p);
	w->quiet = true;
	h = walk_hop(w, HOP_ROUTE, "Subnet-1", "route %s", ta_s("x"));
	hop_why(w, h, "why %s", ta_s("y"));
	hop_why_more(w, h, "; more");
	ck_assert_ptr_eq(h, &w->scratch);
	ck_assert_uint_eq(r.nhops, 0);
	ck_assert_uint_eq(r.ntarg, 0);
	ck_assert_uint_eq(r.npool, 0);
	flow_result_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("events");
	TCase *rec = tcase_create("recording");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, events_name_what_decided);
	tcase_add_test(rec, why_goes_on_after_other_lines);
	tcase_add_test(rec, names_are_the_results_own);
	tcase_add_test(rec, quiet_walk_records_nothing);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, rec);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
