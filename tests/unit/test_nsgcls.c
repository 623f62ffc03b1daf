/*
 * test_nsgcls.c: the compiled NSG classifier gives nsg_eval's verdict,
 * field for field (deciding rule, NSG, default and platform flags, the
 * rule that turns a platform rule off, every step), on random rule sets
 * and random packets, in a network whose computed tags and forced
 * default route matter.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen.h"
#include "sim/nsgcls.h"
#include "sim/walk.h"
#include "tests/unit/fixture.h"


static void
same_verdict(const struct nsg_verdict *a, const struct nsg_verdict *b,
	     const struct nsg_query *q)
{
	size_t i;

	ck_assert_msg(a->access == b->access && a->by == b->by &&
		      a->is_default == b->is_default &&
		      a->is_platform == b->is_platform &&
		      a->platform == b->platform &&
		      a->platform_off_rule == b->platform_off_rule &&
		      a->platform_off_by_route == b->platform_off_by_route &&
		      a->nsteps == b->nsteps &&
		      ((a->rule == NULL && b->rule == NULL) ||
		       (a->rule != NULL && b->rule != NULL &&
			strcmp(a->rule, b->rule) == 0)),
		      "dir %d proto %u %08x:%u -> %08x:%u: linear %s, "
		      "compiled %s", q->dir, q->proto, q->src, q->sport,
		      q->dst, q->dport, a->rule ? a->rule : "(none)",
		      b->rule ? b->rule : "(none)");
	for (i = 0; i < a->nsteps; i++)
		ck_assert(a->steps[i].nsg == b->steps[i].nsg &&
			  a->steps[i].rule == b->steps[i].rule &&
			  strcmp(a->steps[i].name, b->steps[i].name) == 0 &&
			  a->steps[i].priority == b->steps[i].priority &&
			  a->steps[i].access == b->steps[i].access &&
			  a->steps[i].is_default == b->steps[i].is_default);
}

/* One random network: the NSGs nic and sub, vm1 in subnet a behind a
 * forced 0.0.0.0/0 (KMS platform rule off), vm2 in subnet b without.
 * model_line flips a switch for some seeds. */
static void
random_case(uint64_t seed, size_t nrules, const char *model_line)
{
	struct gen_rng r;
	struct gen_buf b = { 0 };
	const struct nsg *g[3];
	struct nsgcls *k[2];
	size_t vm, i, combo;

	/* Several networks per test: free the previous one first. */
	teardown();
	setup();
	gen_seed(&r, seed);
	gen_printf(&b, "scenario: t\n%s"
		   "vnets:\n"
		   "  - name: hub\n"
		   "    address_space: [10.1.0.0/16, 10.7.0.0/16]\n"
		   "    gateway: er-gw\n"
		   "    peerings: [spoke]\n"
		   "    subnets:\n"
		   "      - {name: a, prefix: 10.1.1.0/24, route_table: rt, nsg: sub}\n"
		   "      - {name: b, prefix: 10.1.2.0/24, route_table: open}\n"
		   "  - name: spoke\n"
		   "    address_space: [10.20.0.0/16]\n"
		   "    subnets: [{name: w, prefix: 10.20.1.0/24}]\n"
		   "vms:\n"
		   "  - {name: vm1, vnet: hub, subnet: a, ip: 10.1.1.4, nsg: nic}\n"
		   "  - {name: vm2, vnet: hub, subnet: b, ip: 10.1.2.4, nsg: sub}\n"
		   "route_tables:\n"
		   "  - name: rt\n"
		   "    routes:\n"
		   "      - {name: d, prefix: 0.0.0.0/0, next_hop_type: VirtualAppliance, "
		   "next_hop_ip: 10.1.2.4}\n"
		   "      - {name: p, prefix: 52.0.0.0/8, next_hop_type: Internet}\n"
		   "  - {name: open, disable_bgp_route_propagation: true, routes: []}\n"
		   "expressroute:\n"
		   "  - {name: er, gateway: er-gw, private_peering: "
		   "{advertised: [192.168.0.0/16, 172.16.0.0/12]}}\n"
		   "nsgs:\n", model_line);
	gen_nsg_yaml(&b, &r, "nic", nrules, GEN_RULES_RANDOM);
	gen_nsg_yaml(&b, &r, "sub", nrules, GEN_RULES_RANDOM);
	gen_nsg_yaml(&b, &r, "empty", 0, GEN_RULES_RANDOM);
	ck_assert(!b.failed);
	load(b.s);
	gen_buf_free(&b);
	g[0] = &topo.nsgs[topo_nsg_find(&topo, "nic")];
	g[1] = &topo.nsgs[topo_nsg_find(&topo, "sub")];
	g[2] = &topo.nsgs[topo_nsg_find(&topo, "empty")];

	for (vm = 0; vm < topo.nvms; vm++) {
		const struct vm *m = &topo.vms[vm];
		const struct nsgctx *c = sim_nsgctx(sim, m->vnet, m->subnet);

		for (combo = 0; combo < 4; combo++) {
			const struct nsg *nic = combo & 1 ? g[0] : NULL;
			const struct nsg *sub = combo & 2 ? g[1] : g[2];

			if (combo == 0)
				sub = NULL;
			ck_assert_int_eq(nic ? nsgcls_new(c, nic, &k[0]) : 0, 0);
			ck_assert_int_eq(sub ? nsgcls_new(c, sub, &k[1]) : 0, 0);
			for (i = 0; i < 3000; i++) {
				struct nsg_query q;
				struct nsg_verdict a, v;
				bool plat = i & 1;

				gen_query(&r, GEN_RULES_RANDOM,
					  gen_below(&r, 2) ? DIR_OUTBOUND
							   : DIR_INBOUND, &q);
				nsg_eval(c, nic, sub, &q, plat, &a);
				nsgcls_eval(c, nic ? k[0] : NULL,
					    sub ? k[1] : NULL, &q, plat, &v);
				same_verdict(&a, &v, &q);
			}
			if (nic)
				nsgcls_free(k[0]);
			if (sub)
				nsgcls_free(k[1]);
		}
	}
}

START_TEST(random_rules_small)
{
	uint64_t seed;

	for (seed = 1; seed <= 12; seed++)
		random_case(seed, 1 + seed * 3, seed % 3 == 0 ?
			    "model: {lkm_off_with_forced_default: false, "
			    "vnet_tag_includes_default_route: false}\n" : "");
}
END_TEST

START_TEST(random_rules_large)
{
	/* Over 64 rules per direction: several words per bit vector. */
	random_case(99, 400, "");
}
END_TEST

/* The engine answers through the compiled NSGs: sim_nsg_eval equals
 * nsg_eval for the VM's own NIC and subnet NSGs. */
START_TEST(engine_uses_compiled)
{
	struct gen_rng r;
	size_t vm, i;

	random_case(7, 30, "");
	gen_seed(&r, 7);
	for (vm = 0; vm < topo.nvms; vm++) {
		const struct vm *m = &topo.vms[vm];
		const struct nsg *nic = m->nsg == TOPO_NONE ? NULL : &topo.nsgs[m->nsg];
		size_t sn = topo_vm_subnet(&topo, m)->nsg;
		const struct nsg *sub = sn == TOPO_NONE ? NULL : &topo.nsgs[sn];

		for (i = 0; i < 2000; i++) {
			struct nsg_query q;
			struct nsg_verdict a, v;

			gen_query(&r, GEN_RULES_RANDOM, i & 1 ? DIR_OUTBOUND
							      : DIR_INBOUND, &q);
			nsg_eval(sim_nsgctx(sim, m->vnet, m->subnet), nic, sub,
				 &q, i & 2, &a);
			sim_nsg_eval(sim, vm, &q, i & 2, &v);
			same_verdict(&a, &v, &q);
		}
	}
}
END_TEST

START_TEST(errors)
{
	struct nsgcls *k = (struct nsgcls *)1;

	random_case(3, 5, "");
	ck_assert_int_eq(nsgcls_new(NULL, &topo.nsgs[0], &k), -EINVAL);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(nsgcls_new(sim_nsgctx(sim, 0, 0), NULL, &k), -EINVAL);
	ck_assert_int_eq(nsgcls_new(sim_nsgctx(sim, 0, 0), &topo.nsgs[0], NULL),
			 -EINVAL);
	ck_assert_int_eq(nsgcls_new(sim_nsgctx(sim, 0, 0), &topo.nsgs[0], &k), 0);
	ck_assert_ptr_eq(nsgcls_nsg(k), &topo.nsgs[0]);
	ck_assert_uint_gt(nsgcls_memory(k), 0);
	nsgcls_free(k);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("nsgcls");
	TCase *tc = tcase_create("equivalence");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, random_rules_small);
	tcase_add_test(tc, random_rules_large);
	tcase_add_test(tc, engine_uses_compiled);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
