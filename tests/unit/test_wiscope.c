/*
 * test_wiscope.c: the exhaustive what-if over what a change can touch
 * (sim/wiscope.h) gives exactly the diff over every range.
 *
 * A property test with a fixed seed: random small networks (one or two
 * VNets, peering, a circuit and on-premises or not, route tables with
 * UDRs of every next-hop type, appliances with and without SNAT, NSGs
 * with prefixes, tags, ports and '*') and random changes (every
 * operation of a change file), each compared both ways (over the scope
 * with VM classes, sim/whatif.h, against every range for every VM); the
 * first difference fails with the scenario and the change. Unit tests pin the
 * scope of a few changes. The after side's engine derived from the
 * before one (sim_new_derived) equals a fresh sim_new: the same effective
 * routes in every context and the same decision and trace for every flow,
 * on the same random cases and on every bundled scenario with every change
 * file that applies to it.
 */
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/nsg.h"
#include "sim/trace.h"
#include "sim/whatif.h"
#include "sim/wiscope.h"
#include "topology/change.h"
#include "topology/scenario.h"

#define CASES 2000

/* xorshift64*: the same networks on every machine. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned
rnd(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 2685821657736338717ull) >> 33) % n;
}

/* A growing text. */
struct txt {
	char *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
put(struct txt *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(n, 0);
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)n + 64;
		ck_assert_ptr_nonnull(t->s = realloc(t->s, t->cap));
	}
	t->len += (size_t)n;
}

static const char *const dests[] = {
	"0.0.0.0/0", "23.102.135.246/32", "20.118.99.224/32", "20.0.0.0/8",
	"52.0.0.0/8", "8.8.8.0/24", "10.0.1.0/24", "10.0.2.0/25",
	"10.1.0.0/16", "192.168.0.0/16", "192.168.1.0/24", "172.16.0.0/12",
	"10.0.0.0/8", "100.64.0.0/10",
};
#define NDESTS (sizeof(dests) / sizeof(dests[0]))

static const char *const ruledst[] = {
	"Internet", "VirtualNetwork", "'*'", "23.102.135.246/32", "20.0.0.0/8",
	"10.0.1.0/24", "192.168.0.0/16", "AzureCloud", "52.0.0.0/8",
	"10.1.0.0/16", "8.8.8.8/32",
};
#define NRULEDST (sizeof(ruledst) / sizeof(ruledst[0]))

static const char *const ports[] = {
	"1688", "443", "53", "80", "'*'", "1000-2000",
};

/* The network's shape, for the change to name what exists. */
struct net {
	bool peer, circuit;
	unsigned nsub[2];
	unsigned ntables;
	unsigned nroutes[4];
	unsigned nrules[2];
	bool appliance;
};

/* A route to dests[di], or a random one when di is NDESTS. */
static void
route(struct txt *t, const struct net *n, const char *name, unsigned di)
{
	unsigned k = rnd(n->appliance ? 6 : 5);
	const char *d = dests[di < NDESTS ? di : rnd(NDESTS)];

	switch (k) {
	case 0: case 1:
		put(t, "{name: %s, prefix: %s, next_hop_type: Internet}", name,
		    d);
		break;
	case 2:
		put(t, "{name: %s, prefix: %s, next_hop_type: None}", name, d);
		break;
	case 3:
		put(t, "{name: %s, prefix: %s, next_hop_type: %s}", name, d,
		    n->circuit ? "VirtualNetworkGateway" : "VnetLocal");
		break;
	case 4:
		put(t, "{name: %s, prefix: %s, next_hop_type: VnetLocal}",
		    name, d);
		break;
	default:
		put(t, "{name: %s, prefix: %s, next_hop_type: VirtualAppliance, "
		    "next_hop_ip: 10.0.9.4}", name, d);
		break;
	}
}

static void
rule(struct txt *t, const char *name, unsigned prio)
{
	bool out = rnd(3) != 0;

	put(t, "{name: %s, priority: %u, direction: %s, access: %s, "
	    "protocol: %s, %s: %s, destination_ports: [%s]}", name, prio,
	    out ? "Outbound" : "Inbound", rnd(2) ? "Deny" : "Allow",
	    rnd(3) == 0 ? "Udp" : rnd(2) ? "Tcp" : "'*'",
	    out ? "destination" : "source", ruledst[rnd(NRULEDST)],
	    ports[rnd(sizeof(ports) / sizeof(ports[0]))]);
}

static char *
network(struct net *n)
{
	struct txt t = { NULL, 0, 0 };
	unsigned v, k, i;

	memset(n, 0, sizeof(*n));
	n->peer = rnd(3) == 0;
	n->circuit = rnd(2) == 0;
	n->appliance = rnd(3) == 0;
	n->ntables = 1 + rnd(3);
	n->nsub[0] = 1 + rnd(3);
	n->nsub[1] = n->peer ? 1 + rnd(2) : 0;
	/* The sample Service Tags file: an AzureCloud of three prefixes
	 * keeps the ranges few (the built-in one has thousands). */
	put(&t, "scenario: random\nservice_tags: %s/data/ServiceTags_sample.json\n"
	    "vnets:\n", getenv("FTSIM_TESTDATA") ? getenv("FTSIM_TESTDATA")
						 : "tests");
	for (v = 0; v < (n->peer ? 2u : 1u); v++) {
		put(&t, "  - name: V%u\n    address_space: [10.%u.0.0/16]\n",
		    v, v);
		if (v == 0 && n->circuit)
			put(&t, "    gateway: gw\n");
		if (v == 0 && n->peer)
			put(&t, "    peerings: [V1]\n");
		put(&t, "    subnets:\n");
		for (k = 0; k < n->nsub[v]; k++) {
			unsigned tb = rnd(n->ntables + 1), g = rnd(3);

			put(&t, "      - {name: S%u, prefix: 10.%u.%u.0/24", k, v,
			    k + 1);
			if (tb < n->ntables)
				put(&t, ", route_table: T%u", tb);
			if (g < 2)
				put(&t, ", nsg: N%u", g);
			put(&t, "}\n");
		}
		/* The appliance's subnet: its routes decide the requests
		 * that cross it, whatever their VM's own. */
		if (v == 0 && n->appliance && rnd(2))
			put(&t, "      - {name: FW, prefix: 10.0.9.0/24, "
			    "route_table: T%u}\n", rnd(n->ntables));
		else if (v == 0 && n->appliance)
			put(&t, "      - {name: FW, prefix: 10.0.9.0/24}\n");
	}
	put(&t, "vms:\n");
	for (v = 0; v < (n->peer ? 2u : 1u); v++)
		for (k = 0; k < n->nsub[v]; k++)
		{
			put(&t, "  - {name: vm%u%u, vnet: V%u, subnet: S%u, ip: "
			    "10.%u.%u.4", v, k, v, k, v, k + 1);
			if (rnd(4) == 0)
				put(&t, ", public_ip: 52.1.%u.%u", v, k + 1);
			put(&t, "}\n");
			/* A neighbour in the same subnet, at times. */
			if (rnd(3) == 0)
				put(&t, "  - {name: vm%u%ub, vnet: V%u, subnet: "
				    "S%u, ip: 10.%u.%u.5}\n", v, k, v, k, v,
				    k + 1);
		}
	if (n->appliance)
		put(&t, "  - {name: fw, vnet: V0, subnet: FW, ip: 10.0.9.4, "
		    "ip_forwarding: true, snat: %s}\n", rnd(2) ? "true" : "false");
	put(&t, "route_tables:\n");
	for (i = 0; i < n->ntables; i++) {
		unsigned first = rnd(NDESTS);

		n->nroutes[i] = rnd(4);
		put(&t, "  - name: T%u\n    disable_bgp_route_propagation: %s\n"
		    "    routes:%s\n", i, rnd(4) == 0 ? "true" : "false",
		    n->nroutes[i] ? "" : " []");
		for (k = 0; k < n->nroutes[i]; k++) {
			char name[16];

			/* Distinct prefixes: a table holds each once. */
			snprintf(name, sizeof(name), "r%u", k);
			put(&t, "      - ");
			route(&t, n, name, (first + 5 * k) % NDESTS);
			put(&t, "\n");
		}
	}
	put(&t, "nsgs:\n");
	for (i = 0; i < 2; i++) {
		n->nrules[i] = rnd(4);
		put(&t, "  - name: N%u\n    rules:%s\n", i,
		    n->nrules[i] ? "" : " []");
		for (k = 0; k < n->nrules[i]; k++) {
			char name[16];

			snprintf(name, sizeof(name), "u%u", k);
			put(&t, "      - ");
			rule(&t, name, 100 + 10 * k);
			put(&t, "\n");
		}
	}
	if (n->circuit) {
		put(&t, "expressroute:\n  - name: er\n    sku: Premium\n"
		    "    gateway: gw\n    private_peering:\n"
		    "      next_hops: [192.168.255.1]\n      advertised: [%s]\n",
		    rnd(2) ? "0.0.0.0/0, 192.168.0.0/16" : "192.168.0.0/16");
		if (rnd(4) == 0)
			put(&t, "    public_peering: {nat_pool: [203.0.113.0/30]}\n");
		put(&t, "onprem:\n  name: op\n  prefixes: [192.168.0.0/16]\n"
		    "  internet_edge_ip: 198.51.100.10\n");
	}
	put(&t, "flows:\n  - {name: f, from: vm00, to: 23.102.135.246, "
	    "port: 1688}\n");
	return t.s;
}

static char *
change(const struct net *n)
{
	struct txt t = { NULL, 0, 0 };
	unsigned nops = 1 + rnd(2), i, tb;
	char name[16];

	put(&t, "change: random\noperations:\n");
	for (i = 0; i < nops; i++) {
		tb = rnd(n->ntables);
		switch (rnd(n->circuit ? 11 : 9)) {
		case 0: case 1:
			snprintf(name, sizeof(name), "new%u", i);
			put(&t, "  - op: add_route\n    route_table: T%u\n"
			    "    route: ", tb);
			route(&t, n, name, NDESTS);
			put(&t, "\n");
			break;
		case 2:
			if (n->nroutes[tb] == 0)
				goto rule;
			put(&t, "  - op: remove_route\n    route_table: T%u\n"
			    "    name: r%u\n", tb, rnd(n->nroutes[tb]));
			/* A second removal of it would not apply. */
			return t.s;
		case 3:
			if (n->nroutes[tb] == 0)
				goto rule;
			snprintf(name, sizeof(name), "r%u", rnd(n->nroutes[tb]));
			put(&t, "  - op: replace_route\n    route_table: T%u\n"
			    "    route: ", tb);
			route(&t, n, name, NDESTS);
			put(&t, "\n");
			return t.s;
		case 4:
			if (n->appliance && rnd(2))
				put(&t, "  - op: associate_route_table\n    vnet: "
				    "V0\n    subnet: FW\n    route_table: T%u\n",
				    tb);
			else
				put(&t, "  - op: associate_route_table\n    vnet: "
				    "V0\n    subnet: S%u\n    route_table: T%u\n",
				    rnd(n->nsub[0]), tb);
			break;
		case 5:
			put(&t, "  - op: dissociate_route_table\n    vnet: V0\n"
			    "    subnet: S%u\n", rnd(n->nsub[0]));
			return t.s;
		case 6:
			put(&t, "  - op: set_route_propagation\n    route_table: "
			    "T%u\n    disable_bgp_route_propagation: %s\n", tb,
			    rnd(2) ? "true" : "false");
			break;
		case 7:
		rule:
			snprintf(name, sizeof(name), "add%u", i);
			put(&t, "  - op: add_nsg_rule\n    nsg: N%u\n    rule: ",
			    i % 2);
			rule(&t, name, 1000 + i);
			put(&t, "\n");
			break;
		case 8:
			if (n->nrules[i % 2] == 0)
				goto rule;
			put(&t, "  - op: remove_nsg_rule\n    nsg: N%u\n"
			    "    name: u%u\n", i % 2, rnd(n->nrules[i % 2]));
			return t.s;
		case 9:
			put(&t, "  - op: advertise\n    circuit: er\n"
			    "    prefixes: [%s]\n", i ? "20.0.0.0/8" :
			    dests[1 + rnd(NDESTS - 1)]);
			break;
		default:
			put(&t, "  - op: set_advertised\n    circuit: er\n"
			    "    advertised: [%s]\n", dests[rnd(NDESTS)]);
			break;
		}
	}
	return t.s;
}

static bool
fields_equal(const struct wi_field *a, size_t na, const struct wi_field *b,
	     size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i].name, b[i].name) != 0 ||
		    strcmp(a[i].before, b[i].before) != 0 ||
		    strcmp(a[i].after, b[i].after) != 0)
			return false;
	return true;
}

static bool
groups_equal(const struct wi_group *a, size_t na, const struct wi_group *b,
	     size_t nb)
{
	size_t i, k;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (a[i].ncidrs != b[i].ncidrs || a[i].example != b[i].example ||
		    a[i].addresses != b[i].addresses || a[i].nvar != b[i].nvar)
			return false;
		/* Field by field: a struct pfx has padding. */
		for (k = 0; k < a[i].ncidrs; k++)
			if (!pfx_equal(a[i].cidrs[k], b[i].cidrs[k]))
				return false;
		for (k = 0; k < a[i].nvar; k++)
			if (strcmp(a[i].var[k].ports, b[i].var[k].ports) != 0 ||
			    !fields_equal(a[i].var[k].fields, a[i].var[k].nfields,
					  b[i].var[k].fields, b[i].var[k].nfields))
				return false;
	}
	return true;
}

/* The exhaustive parts of two results are the same. */
static bool
results_equal(const struct whatif_result *a, const struct whatif_result *b)
{
	size_t i;

	if (a->nvms != b->nvms || a->vms_compared != b->vms_compared ||
	    a->changed != b->changed)
		return false;
	for (i = 0; i < a->nvms; i++) {
		const struct wi_vm *x = &a->vms[i], *y = &b->vms[i];

		if (strcmp(x->vm, y->vm) != 0 || x->nranges != y->nranges ||
		    x->nprobes != y->nprobes ||
		    !groups_equal(x->nexthop, x->nnexthop, y->nexthop,
				  y->nnexthop) ||
		    !groups_equal(x->fate, x->nfate, y->fate, y->nfate))
			return false;
	}
	return true;
}

/* What a result holds, on stderr, when the two differ. */
static void
dump(const char *what, const struct whatif_result *r)
{
	size_t i, k, g;

	fprintf(stderr, "%s: %zu VMs compared, %zu changed, scope %s\n", what,
		r->vms_compared, r->nvms, r->scope_all ? r->scope_all : "read");
	for (i = 0; i < r->nvms; i++) {
		const struct wi_vm *v = &r->vms[i];

		fprintf(stderr, "  %s: %zu ranges, %zu probes, %zu next hop, "
			"%zu outcome groups\n", v->vm, v->nranges, v->nprobes,
			v->nnexthop, v->nfate);
		for (g = 0; g < v->nfate; g++)
			for (k = 0; k < v->fate[g].nvar; k++)
				for (size_t f = 0; f < v->fate[g].var[k].nfields;
				     f++)
					fprintf(stderr, "    %u.%u.%u.%u (%llu) "
						"%s: %s: %s | %s\n",
						v->fate[g].example >> 24,
						v->fate[g].example >> 16 & 255,
						v->fate[g].example >> 8 & 255,
						v->fate[g].example & 255,
						(unsigned long long)
						v->fate[g].addresses,
						v->fate[g].var[k].ports,
						v->fate[g].var[k].fields[f].name,
						v->fate[g].var[k].fields[f].before,
						v->fate[g].var[k].fields[f].after);
	}
}

struct pair {
	struct topo tb, ta;
	struct sim *sb, *sa;
	struct change ch;
	struct diag d;
};

/* Load a network and a change; false when either does not load or
 * apply (a random change may name what is not there). */
static bool
pair_load(struct pair *p, const char *net, const char *chg)
{
	memset(p, 0, sizeof(*p));
	topo_init(&p->tb);
	topo_init(&p->ta);
	diag_init(&p->d);
	if (scenario_parse("random.yaml", net, strlen(net), &p->tb, &p->d) != 0)
		return false;
	if (sim_new(&p->tb, &p->d, &p->sb) != 0)
		return false;
	if (change_parse("random-change.yaml", chg, strlen(chg), &p->ch,
			 &p->d) != 0 ||
	    change_apply(&p->ch, &p->tb, &p->ta, &p->d) != 0 ||
	    nsg_check_tags(&p->ta, &p->d) != 0 ||
	    sim_new(&p->ta, &p->d, &p->sa) != 0)
		return false;
	return true;
}

static void
pair_free(struct pair *p)
{
	sim_free(p->sa);
	sim_free(p->sb);
	topo_free(&p->ta);
	topo_free(&p->tb);
	change_free(&p->ch);
	diag_free(&p->d);
}

static int
whatif(struct pair *p, bool every, struct whatif_result *r)
{
	struct whatif_opts o;

	memset(&o, 0, sizeof(o));
	o.exhaustive = true;
	o.change = &p->ch;
	o.every_range = every;
	return whatif_run(&p->tb, p->sb, &p->ta, p->sa, &o, r);
}

START_TEST(scope_diff_equals_full_diff)
{
	size_t cases = 0, scoped = 0, scoped_changed = 0, changed = 0;
	size_t tries = 0, neighbours = 0;
	uint64_t walked = 0, pairs = 0;

	while (cases < CASES) {
		struct net n;
		char *net = network(&n), *chg = change(&n);
		struct whatif_result a, b;
		struct pair p;

		ck_assert_uint_lt(++tries, 4 * CASES);
		if (!pair_load(&p, net, chg)) {
			if (p.sb == NULL) {
				/* The generator writes loadable networks. */
				diag_print(stderr, &p.d);
				ck_abort_msg("network does not load:\n%s", net);
			}
			pair_free(&p);
			free(net);
			free(chg);
			continue;
		}
		ck_assert_int_eq(whatif(&p, false, &a), 0);
		ck_assert_int_eq(whatif(&p, true, &b), 0);
		if (!results_equal(&a, &b)) {
			dump("scoped", &a);
			dump("every range", &b);
		}
		if (!results_equal(&a, &b))
			ck_abort_msg("case %zu: the scoped diff differs from the "
				     "full diff\n--- network\n%s--- change\n%s",
				     cases, net, chg);
		cases++;
		scoped += a.scope_all == NULL;
		scoped_changed += a.scope_all == NULL && b.changed;
		changed += b.changed;
		/* A VM beside another in its subnet (vmXYb): a class of
		 * two, when their flags and rule sources agree. */
		neighbours += b.changed && strstr(net, "b, vnet: V") != NULL;
		walked += a.pairs_walked;
		pairs += a.pairs;
		whatif_free(&a);
		whatif_free(&b);
		pair_free(&p);
		free(net);
		free(chg);
	}
	/* The test can fail: most cases are scoped, many change. */
	fprintf(stderr, "wiscope: %zu cases (%zu drawn), %zu scoped (%zu of "
		"them with changes), %zu changed, %llu of %llu VM x range pairs "
		"walked; %zu changed with neighbours\n", cases, tries, scoped,
		scoped_changed, changed, (unsigned long long)walked,
		(unsigned long long)pairs, neighbours);
	ck_assert_uint_gt(scoped, CASES / 3);
	ck_assert_uint_gt(scoped_changed, CASES / 10);
	ck_assert_uint_gt(changed, CASES / 4);
	ck_assert_uint_lt(walked, pairs);
	ck_assert_uint_gt(neighbours, CASES / 10);
}
END_TEST

/* A /32 UDR to Internet: the scope is that address. */
START_TEST(kms_udr_scope_is_the_address)
{
	static const char net[] =
	    "scenario: s\nvnets:\n  - name: V\n    address_space: [10.0.0.0/16]\n"
	    "    subnets: [{name: S, prefix: 10.0.1.0/24, route_table: T}]\n"
	    "vms: [{name: vm, vnet: V, subnet: S, ip: 10.0.1.4}]\n"
	    "route_tables: [{name: T, routes: []}]\n"
	    "flows: [{name: f, from: vm, to: 23.102.135.246, port: 1688}]\n";
	static const char chg[] =
	    "change: c\noperations:\n  - op: add_route\n    route_table: T\n"
	    "    route: {name: kms, prefix: 23.102.135.246/32, "
	    "next_hop_type: Internet}\n";
	struct pair p;
	struct wi_scope s;

	ck_assert(pair_load(&p, net, chg));
	ck_assert_int_eq(wi_scope_build(&p.ch, &p.tb, p.sb, &p.ta, p.sa, &s), 0);
	ck_assert(!s.all);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(s.rn, 1);
	ck_assert_uint_eq(s.riv[0].lo, 0x176687f6u);	/* 23.102.135.246 */
	ck_assert_uint_eq(s.riv[0].hi, 0x176687f6u);
	ck_assert(wi_scope_meets(&s, 0, 0x176687f6u));
	ck_assert(!wi_scope_meets(&s, 0, 0x176687f5u));
	ck_assert(!wi_scope_meets(&s, 0x176687f7u, 0xffffffffu));
	/* For the subnet's VM (its context changed), not for another. */
	ck_assert_uint_eq(s.nchanged, 1);
	ck_assert(!s.routes_every_vm);
	ck_assert(wi_scope_meets_vm(&s, s.changed[0].b, s.changed[0].a, 0,
				    0x176687f6u));
	ck_assert(!wi_scope_meets_vm(&s, s.changed[0].b + 1, s.changed[0].a,
				     0, 0x176687f6u));
	wi_scope_free(&s);
	/* No change file: everything. */
	ck_assert_int_eq(wi_scope_build(NULL, &p.tb, p.sb, &p.ta, p.sa, &s), 0);
	ck_assert(s.all);
	wi_scope_free(&s);
	pair_free(&p);
}
END_TEST

/* A default route to an appliance covers the VMs' own addresses: every
 * answer may route differently, so everything. */
START_TEST(default_route_scope_is_everything)
{
	static const char net[] =
	    "scenario: s\nvnets:\n  - name: V\n    address_space: [10.0.0.0/16]\n"
	    "    subnets: [{name: S, prefix: 10.0.1.0/24, route_table: T},"
	    " {name: F, prefix: 10.0.9.0/24}]\n"
	    "vms: [{name: vm, vnet: V, subnet: S, ip: 10.0.1.4},"
	    " {name: fw, vnet: V, subnet: F, ip: 10.0.9.4, ip_forwarding: true}]\n"
	    "route_tables: [{name: T, routes: []}]\n"
	    "flows: [{name: f, from: vm, to: 23.102.135.246, port: 1688}]\n";
	static const char chg[] =
	    "change: c\noperations:\n  - op: add_route\n    route_table: T\n"
	    "    route: {name: d, prefix: 0.0.0.0/0, next_hop_type: "
	    "VirtualAppliance, next_hop_ip: 10.0.9.4}\n";
	struct pair p;
	struct wi_scope s;

	ck_assert(pair_load(&p, net, chg));
	ck_assert_int_eq(wi_scope_build(&p.ch, &p.tb, p.sb, &p.ta, p.sa, &s), 0);
	ck_assert(s.all);
	ck_assert_ptr_nonnull(strstr(s.why_all, "route"));
	wi_scope_free(&s);
	pair_free(&p);
}
END_TEST

/* ---------------------------------------------------------------- */
/* The derived engine (sim_new_derived) against a fresh one */

static bool
eroutes_equal(const struct eroute *a, const struct eroute *b)
{
	size_t k;

	if (a->pfx.addr != b->pfx.addr || a->pfx.len != b->pfx.len ||
	    a->source != b->source || a->state != b->state ||
	    a->nh != b->nh || a->nnh != b->nnh ||
	    a->vnet_class != b->vnet_class ||
	    a->site_static != b->site_static || a->transit != b->transit ||
	    a->circuit != b->circuit || a->site != b->site ||
	    a->rs != b->rs || a->vnet != b->vnet || a->vhub != b->vhub ||
	    (a->name == NULL) != (b->name == NULL) ||
	    (a->name != NULL && strcmp(a->name, b->name) != 0) ||
	    (a->table == NULL) != (b->table == NULL) ||
	    (a->table != NULL && strcmp(a->table, b->table) != 0) ||
	    (a->invalid_by == NULL) != (b->invalid_by == NULL) ||
	    (a->invalid_by != NULL &&
	     strcmp(a->invalid_by, b->invalid_by) != 0))
		return false;
	for (k = 0; k < a->nnh; k++)
		if (a->nh_ips[k] != b->nh_ips[k] ||
		    a->nh_peer[k] != b->nh_peer[k])
			return false;
	return true;
}

static void
ck_results_equal(const struct flow_result *a, const struct flow_result *b,
		 const char *what)
{
	size_t k;

	ck_assert_msg(a->delivered == b->delivered &&
		      a->activation == b->activation &&
		      a->replied == b->replied &&
		      a->reply_delivered == b->reply_delivered &&
		      a->asymmetric == b->asymmetric &&
		      a->all_ok == b->all_ok && a->npath == b->npath &&
		      a->nrpath == b->nrpath && a->nhops == b->nhops &&
		      a->nnat == b->nnat && a->nfw == b->nfw &&
		      a->drop_reason == b->drop_reason &&
		      a->reply_drop_reason == b->reply_drop_reason &&
		      strcmp(fr_str(a, a->nsg_rule), fr_str(b, b->nsg_rule)) == 0 &&
		      strcmp(fr_str(a, a->ip_flow_verify_rule),
			     fr_str(b, b->ip_flow_verify_rule)) == 0,
		      "%s: flow %s differs", what, a->flow->name);
	for (k = 0; k < a->npath; k++)
		ck_assert_str_eq(fr_str(a, a->path[k]), fr_str(b, b->path[k]));
	for (k = 0; k < a->nrpath; k++)
		ck_assert_str_eq(fr_str(a, a->rpath[k]), fr_str(b, b->rpath[k]));
	for (k = 0; k < a->nhops; k++) {
		struct tline ta = { 0 }, tb = { 0 };

		ck_assert_str_eq(trace_node(a, &a->hops[k]),
				 trace_node(b, &b->hops[k]));
		ck_assert_str_eq(trace_what(&ta, a, &a->hops[k]),
				 trace_what(&tb, b, &b->hops[k]));
		ck_assert_str_eq(trace_why(&ta, a, &a->hops[k]),
				 trace_why(&tb, b, &b->hops[k]));
		tline_free(&ta);
		tline_free(&tb);
	}
}

/* Engines d (derived) and f (fresh) of topology t: the same contexts,
 * every context's rows, and the same decision and trace for every
 * flow. */
static void
ck_engines_equal(const struct topo *t, struct sim *d, struct sim *f,
		 const char *what)
{
	struct flow_result a, b;
	size_t v, i, k;

	ck_assert_uint_eq(sim_ncontexts(d), sim_ncontexts(f));
	for (v = 0; v < t->nvnets; v++)
		for (i = 0; i < t->vnets[v].nsubnets; i++)
			ck_assert_uint_eq(sim_context_of(d, v, i),
					  sim_context_of(f, v, i));
	for (i = 0; i < sim_ncontexts(f); i++) {
		const struct rtable *x = sim_context_rtable(d, i),
				   *y = sim_context_rtable(f, i);

		ck_assert_msg(x->n == y->n && x->vnet == y->vnet &&
			      x->subnet == y->subnet &&
			      x->bgp_circuit == y->bgp_circuit &&
			      x->bgp_disabled == y->bgp_disabled &&
			      x->bgp_dropped == y->bgp_dropped &&
			      x->ninvalid == y->ninvalid,
			      "%s: context %zu differs", what, i);
		for (k = 0; k < y->n; k++)
			ck_assert_msg(eroutes_equal(&x->r[k], &y->r[k]),
				      "%s: context %zu row %zu differs", what,
				      i, k);
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (i = 0; i < t->nflows; i++) {
		ck_assert_int_eq(sim_decide(d, &t->flows[i], &a), 0);
		ck_assert_int_eq(sim_decide(f, &t->flows[i], &b), 0);
		ck_results_equal(&a, &b, what);
		ck_assert_int_eq(sim_run_flow(d, &t->flows[i], &a), 0);
		ck_assert_int_eq(sim_run_flow(f, &t->flows[i], &b), 0);
		ck_results_equal(&a, &b, what);
	}
	flow_result_free(&a);
	flow_result_free(&b);
}

/* The derived engine of p's after side, the before engine freed first
 * when early (either order must work); counts the shared contexts. */
static void
ck_derived(struct pair *p, bool early, const char *what, size_t *shared)
{
	struct sim *dv = NULL;
	size_t i, k;

	ck_assert_int_eq(sim_new_derived(p->sb, &p->ta, &p->ch, &p->d, &dv),
			 0);
	for (i = 0; i < sim_ncontexts(dv); i++)
		for (k = 0; k < sim_ncontexts(p->sb); k++)
			*shared += sim_context_rtable(dv, i) ==
				   sim_context_rtable(p->sb, k);
	if (early) {
		sim_free(p->sb);
		p->sb = NULL;
	}
	ck_assert_uint_eq(sim_ncompiled_nsgs(dv), sim_ncompiled_nsgs(p->sa));
	ck_engines_equal(&p->ta, dv, p->sa, what);
	sim_free(dv);
}

START_TEST(derived_engine_equals_fresh)
{
	size_t cases = 0, tries = 0, shared = 0;

	while (cases < CASES) {
		struct net n;
		char *net = network(&n), *chg = change(&n);
		struct pair p;

		ck_assert_uint_lt(++tries, 4 * CASES);
		if (pair_load(&p, net, chg)) {
			ck_derived(&p, cases % 2 == 1, chg, &shared);
			cases++;
		}
		pair_free(&p);
		free(net);
		free(chg);
	}
	fprintf(stderr, "derive: %zu random cases, %zu contexts shared\n",
		cases, shared);
	/* The test can fail: many contexts are shared. */
	ck_assert_uint_gt(shared, CASES / 2);
}
END_TEST

/* Every bundled scenario with every change file that applies to it. */
START_TEST(derived_engine_equals_fresh_bundled)
{
	static const char *const cdirs[] = { "../scenarios/changes", "changes" };
	const char *dir = getenv("FTSIM_TESTDATA");
	char sdir[1024], path[2048], cpath[2048];
	size_t pairs = 0, shared = 0, c;
	struct dirent *e, *ce;
	DIR *sd, *cd;

	ck_assert_ptr_nonnull(dir);
	snprintf(sdir, sizeof(sdir), "%s/../scenarios", dir);
	ck_assert_ptr_nonnull(sd = opendir(sdir));
	while ((e = readdir(sd)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", sdir, e->d_name);
		for (c = 0; c < 2; c++) {
			char cdir[1100];

			snprintf(cdir, sizeof(cdir), "%s/%s", dir, cdirs[c]);
			ck_assert_ptr_nonnull(cd = opendir(cdir));
			while ((ce = readdir(cd)) != NULL) {
				size_t cl = strlen(ce->d_name);
				struct pair p;

				if (cl < 6 || strcmp(ce->d_name + cl - 5,
				    ".yaml") != 0)
					continue;
				snprintf(cpath, sizeof(cpath), "%s/%s", cdir,
					 ce->d_name);
				memset(&p, 0, sizeof(p));
				topo_init(&p.tb);
				topo_init(&p.ta);
				diag_init(&p.d);
				if (scenario_load(path, &p.tb, &p.d) == 0 &&
				    sim_new(&p.tb, &p.d, &p.sb) == 0 &&
				    change_load(cpath, &p.ch, &p.d) == 0 &&
				    change_apply(&p.ch, &p.tb, &p.ta,
						 &p.d) == 0 &&
				    nsg_check_tags(&p.ta, &p.d) == 0 &&
				    sim_new(&p.ta, &p.d, &p.sa) == 0) {
					ck_derived(&p, pairs % 2 == 1,
						   cpath, &shared);
					pairs++;
				}
				pair_free(&p);
			}
			closedir(cd);
		}
	}
	closedir(sd);
	fprintf(stderr, "derive: %zu scenario x change pairs, %zu contexts "
		"shared\n", pairs, shared);
	ck_assert_uint_gt(pairs, 20);
	ck_assert_uint_gt(shared, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wiscope");
	TCase *unit = tcase_create("scope");
	TCase *prop = tcase_create("property");
	SRunner *sr;
	int failed;

	tcase_add_test(unit, kms_udr_scope_is_the_address);
	tcase_add_test(unit, default_route_scope_is_everything);
	suite_add_tcase(s, unit);
	tcase_set_timeout(prop, 600);
	tcase_add_test(prop, scope_diff_equals_full_diff);
	tcase_add_test(prop, derived_engine_equals_fresh);
	tcase_add_test(prop, derived_engine_equals_fresh_bundled);
	suite_add_tcase(s, prop);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
