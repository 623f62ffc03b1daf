/*
 * bench.c: ftsim-bench, the benchmark of the engine's hot paths, with
 * DPDK and a linear scan side by side on the same data.
 *
 *   ftsim-bench [--json] [--check] [--quick] [--reps N] [--seed S]
 *               [--tsv PREFIX]
 *
 * Sections: longest-prefix match (poptrie, the binary trie, a linear
 * scan, rte_lpm) for 10, 400, 10,000 and 1,000,000 prefixes; NSG
 * classification (the compiled classifier, the linear nsg_eval, rte_acl)
 * for 10, 100 and 1,000 rules, realistic and worst case; end to end
 * on a network at Azure's limits: sim_run_flow, the same with every
 * packet of every exchange written to captures (run --pcap), a recorded
 * capture of 1,000,000 packets replayed (judged only, and with its
 * per-hop captures), and the exhaustive what-if of one UDR (one run).
 * Each other figure is the median of --reps runs. --check compares every answer of the fast
 * structures (and of DPDK) with the oracles and exits 1 on any mismatch.
 * --quick uses smaller sizes (the ctest run).
 */
#include <dirent.h>
#include <malloc.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <pcap/pcap.h>

#include "bench/gen.h"
#include "bench/peer.h"
#include "capture/pcapr.h"
#include "capture/pcapw.h"
#include "sim/lpm.h"
#include "sim/nsgcls.h"
#include "sim/poptrie.h"
#include "sim/replay.h"
#include "sim/walk.h"
#include "sim/whatif.h"
#include "sim/xchg.h"
#include "topology/change.h"
#include "topology/names.h"
#include "topology/scenario.h"

struct opts {
	bool json, check, quick;
	unsigned reps;
	uint64_t seed;
	const char *tsv;
	const char *only;	/* "lpm", "nsg", "e2e" or NULL: all */
	const char *network;	/* write the limits network's YAML here */
};

static struct opts o = { false, false, false, 5, 20261121, NULL, NULL, NULL };

static bool
part(const char *name)
{
	return o.only == NULL || strcmp(o.only, name) == 0;
}
static bool have_peer;
static char peer_msg[256];
static unsigned long mismatches;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Defeats dead-code elimination of the timed loops. */
static volatile uint64_t sink;

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The errno of the first failed write to stdout (say flushes each
 * line), for bench_done. */
static int out_err;

static void
say(const char *fmt, ...)
{
	va_list ap;

	if (o.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fflush(stdout) != 0 && out_err == 0)
		out_err = errno;
}

static void
mismatch(const char *what, size_t n)
{
	if (n == 0)
		return;
	mismatches += n;
	fprintf(stderr, "ftsim-bench: check: %s: %zu mismatches\n", what, n);
}

static json_t *
rate_obj(double per_s, size_t mem)
{
	json_t *j = json_object();

	json_object_set_new(j, "per_s", json_real(per_s));
	json_object_set_new(j, "ns", json_real(per_s > 0 ? 1e9 / per_s : 0));
	if (mem)
		json_object_set_new(j, "memory_bytes", json_integer((json_int_t)mem));
	return j;
}

/* ---------------------------------------------------------------- */
/* Longest-prefix match */

static uint64_t
run_poptrie(const struct poptrie *t, const uint32_t *ips, size_t n,
	    uint32_t *out)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t l = poptrie_leaf(t, ips[i]);

		sum += l;
		if (out)
			out[i] = l;
	}
	return sum;
}

static uint64_t
run_trie(const struct lpm *t, const uint32_t *ips, size_t n, uint32_t *out)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t v;
		uint32_t l = lpm_lookup(t, ips[i], &v, NULL) == 0 ? v + 1 : 0;

		sum += l;
		if (out)
			out[i] = l;
	}
	return sum;
}

/* The linear scan: prefixes sorted longest first, the first match wins. */
struct lin {
	uint32_t addr, mask, value;
};

static int
lin_cmp(const void *a, const void *b)
{
	const struct lin *x = a, *y = b;

	return x->mask < y->mask ? 1 : x->mask > y->mask ? -1 : 0;
}

static uint64_t
run_linear(const struct lin *l, size_t nl, const uint32_t *ips, size_t n,
	   uint32_t *out)
{
	uint64_t sum = 0;
	size_t i, j;

	for (i = 0; i < n; i++) {
		uint32_t v = 0;

		for (j = 0; j < nl; j++)
			if ((ips[i] & l[j].mask) == l[j].addr) {
				v = l[j].value + 1;
				break;
			}
		sum += v;
		if (out)
			out[i] = v;
	}
	return sum;
}

enum lpm_kind { K_POPTRIE, K_TRIE, K_LINEAR, K_PEER };

struct lpm_set {
	struct poptrie *pt;
	struct lpm *trie;
	struct lin *lin;
	size_t nlin;
	struct peer_lpm *peer;
};

static uint64_t
run_lpm(const struct lpm_set *s, enum lpm_kind k, const uint32_t *ips,
	size_t n, uint32_t *out)
{
	switch (k) {
	case K_POPTRIE:	return run_poptrie(s->pt, ips, n, out);
	case K_TRIE:	return run_trie(s->trie, ips, n, out);
	case K_LINEAR:	return run_linear(s->lin, s->nlin, ips, n, out);
	case K_PEER:	return peer_lpm_run(s->peer, ips, n, out);
	}
	return 0;
}

static double
time_lpm(const struct lpm_set *s, enum lpm_kind k, const uint32_t *ips,
	 size_t n)
{
	double r[32];
	unsigned i;

	sink += run_lpm(s, k, ips, n < 4096 ? n : 4096, NULL);	/* warm */
	for (i = 0; i < o.reps; i++) {
		double t0 = now();

		sink += run_lpm(s, k, ips, n, NULL);
		r[i] = (double)n / (now() - t0);
	}
	return median(r, o.reps);
}

static size_t
count_diff(const uint32_t *a, const uint32_t *b, size_t n)
{
	size_t i, d = 0;

	for (i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

static int
bench_lpm_size(size_t n, json_t *arr, FILE *tsv)
{
	struct gen_rng r;
	struct lpm_set s = { 0 };
	struct poptrie_route *pr = NULL;
	struct pfx *px = NULL;
	uint32_t *ips = NULL, *a = NULL, *b = NULL;
	size_t nq = o.quick ? (1u << 16) : (1u << 22), nlin, i, peer_mem = 0;
	double t0, build_ms, f_pt, f_trie, f_lin, f_peer = 0;
	char msg[256] = "";
	json_t *j;
	int rc = -ENOMEM;

	gen_seed(&r, o.seed ^ n);
	if ((px = calloc(n, sizeof(*px))) == NULL ||
	    (pr = calloc(n, sizeof(*pr))) == NULL ||
	    (s.lin = calloc(n, sizeof(*s.lin))) == NULL ||
	    (ips = calloc(nq, sizeof(*ips))) == NULL ||
	    (a = calloc(nq, sizeof(*a))) == NULL ||
	    (b = calloc(nq, sizeof(*b))) == NULL ||
	    (s.trie = lpm_new()) == NULL)
		goto out;
	gen_prefixes(&r, n, px);
	for (i = 0; i < n; i++) {
		pr[i].pfx = px[i];
		pr[i].value = (uint32_t)i;
		s.lin[i].addr = px[i].addr;
		s.lin[i].mask = pfx_mask(px[i].len);
		s.lin[i].value = (uint32_t)i;
		if ((rc = lpm_add(s.trie, px[i], (uint32_t)i)) != 0)
			goto out;
	}
	s.nlin = n;
	qsort(s.lin, n, sizeof(*s.lin), lin_cmp);
	for (i = 0; i < nq; i++)
		ips[i] = (uint32_t)gen_next(&r);
	t0 = now();
	if ((rc = poptrie_build(pr, n, &s.pt)) != 0)
		goto out;
	build_ms = (now() - t0) * 1e3;
	if (have_peer && (s.peer = peer_lpm_new(px, n, &peer_mem, msg,
						 sizeof(msg))) == NULL)
		fprintf(stderr, "ftsim-bench: rte_lpm, %zu prefixes: %s\n", n, msg);

	/* The linear scan gets at most ~2e8 prefix tests per run. */
	nlin = (size_t)2e8 / n;
	if (o.quick)
		nlin /= 20;
	nlin = nlin < 64 ? 64 : nlin > nq ? nq : nlin;
	f_pt = time_lpm(&s, K_POPTRIE, ips, nq);
	f_trie = time_lpm(&s, K_TRIE, ips, nq);
	f_lin = time_lpm(&s, K_LINEAR, ips, nlin);
	if (s.peer)
		f_peer = time_lpm(&s, K_PEER, ips, nq);
	if (o.check) {
		char what[96];

		run_lpm(&s, K_TRIE, ips, nq, a);
		run_lpm(&s, K_POPTRIE, ips, nq, b);
		snprintf(what, sizeof(what), "poptrie vs binary trie, %zu prefixes", n);
		mismatch(what, count_diff(a, b, nq));
		run_lpm(&s, K_LINEAR, ips, nlin, a);
		snprintf(what, sizeof(what), "poptrie vs linear scan, %zu prefixes", n);
		mismatch(what, count_diff(a, b, nlin));
		if (s.peer) {
			run_lpm(&s, K_PEER, ips, nq, a);
			snprintf(what, sizeof(what), "rte_lpm vs poptrie, %zu prefixes", n);
			mismatch(what, count_diff(a, b, nq));
		}
	}
	say("%9zu %10.1f %9.1f %10.1f %10.1f %11.2f %9zu %10zu %10zu\n", n,
	    f_pt / 1e6, build_ms, f_trie / 1e6, f_lin / 1e6,
	    s.peer ? f_peer / 1e6 : 0.0, poptrie_memory(s.pt) >> 10,
	    lpm_memory(s.trie) >> 10, peer_mem >> 10);
	if (tsv)
		fprintf(tsv, "%zu\t%.0f\t%.0f\t%.0f\t%.0f\t%zu\t%zu\n", n, f_pt,
			f_trie, f_lin, f_peer, poptrie_memory(s.pt), peer_mem);
	j = json_object();
	json_object_set_new(j, "prefixes", json_integer((json_int_t)n));
	json_object_set_new(j, "queries", json_integer((json_int_t)nq));
	json_object_set_new(j, "ftsim_poptrie", rate_obj(f_pt, poptrie_memory(s.pt)));
	json_object_set_new(json_object_get(j, "ftsim_poptrie"), "build_ms",
			    json_real(build_ms));
	json_object_set_new(j, "binary_trie", rate_obj(f_trie, lpm_memory(s.trie)));
	json_object_set_new(j, "linear", rate_obj(f_lin, n * sizeof(*s.lin)));
	if (s.peer) {
		json_object_set_new(j, "dpdk_rte_lpm", rate_obj(f_peer, peer_mem));
		json_object_set_new(j, "ratio_vs_rte_lpm", json_real(f_pt / f_peer));
	} else {
		json_object_set_new(j, "dpdk_rte_lpm", json_null());
		json_object_set_new(j, "dpdk_note",
				    json_string(have_peer ? msg : peer_msg));
	}
	json_object_set_new(j, "ratio_vs_linear", json_real(f_pt / f_lin));
	json_array_append_new(arr, j);
	rc = 0;
out:
	peer_lpm_free(s.peer);
	poptrie_free(s.pt);
	lpm_free(s.trie);
	free(s.lin);
	free(px);
	free(pr);
	free(ips);
	free(a);
	free(b);
	return rc;
}

/* ---------------------------------------------------------------- */
/* NSG classification */

/* The rules of one direction in the order they are tried (priority,
 * then listing), defaults after: the identity both the verdicts and
 * rte_acl's userdata are compared in. */
struct order {
	const struct nsg_rule **rule;
	size_t nuser, n;
	const struct nsg_default *def;
};

static int
prio_cmp(const void *a, const void *b)
{
	const struct nsg_rule *x = *(const struct nsg_rule *const *)a;
	const struct nsg_rule *y = *(const struct nsg_rule *const *)b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
order_build(struct order *od, const struct nsg *g, enum direction dir)
{
	size_t i, nd;

	od->def = nsg_defaults(dir, &nd);
	if ((od->rule = calloc(g->nrules + 1, sizeof(*od->rule))) == NULL)
		return -ENOMEM;
	for (i = 0, od->nuser = 0; i < g->nrules; i++)
		if (g->rules[i].dir == dir)
			od->rule[od->nuser++] = &g->rules[i];
	qsort(od->rule, od->nuser, sizeof(*od->rule), prio_cmp);
	od->n = od->nuser + nd;
	return 0;
}

/* A verdict's position in the try order, plus one. */
static uint32_t
verdict_pos(const struct order *od, const struct nsg_verdict *v)
{
	const struct nsg_step *s = &v->steps[0];
	size_t i;

	if (v->nsteps == 0)
		return 0;
	if (!s->is_default) {
		for (i = 0; i < od->nuser; i++)
			if (od->rule[i] == s->rule)
				return (uint32_t)i + 1;
		return 0;
	}
	for (i = 0; i < od->n - od->nuser; i++)
		if (strcmp(od->def[i].name, s->name) == 0)
			return (uint32_t)(od->nuser + i) + 1;
	return 0;
}

/* The largest CIDR block starting at lo and ending at or before hi. */
static struct pfx
block_at(uint64_t lo, uint64_t hi)
{
	uint8_t len = 32;

	while (len > 0) {
		uint64_t size = 1ull << (33 - len);

		if ((lo & (size - 1)) != 0 || lo + size - 1 > hi)
			break;
		len--;
	}
	return pfx_make((uint32_t)lo, len);
}

static size_t
iv_to_pfx(const struct ipinterval *iv, size_t n, struct pfx **out)
{
	size_t i, k = 0, cap = 0;
	struct pfx *p = NULL;

	for (i = 0; i < n; i++) {
		uint64_t lo = iv[i].lo, hi = iv[i].hi;

		while (lo <= hi) {
			struct pfx b = block_at(lo, hi);

			if (k == cap) {
				struct pfx *np;

				cap = cap ? cap * 2 : 16;
				if ((np = realloc(p, cap * sizeof(*np))) == NULL) {
					free(p);
					*out = NULL;
					return 0;
				}
				p = np;
			}
			p[k++] = b;
			lo += 1ull << (32 - b.len);
		}
	}
	*out = p;
	return k;
}

static const uint8_t ipproto[5] = { 6, 17, 1, 50, 51 };

/* Append the cross product of one rule's fields as rte_acl rules. */
static int
acl_expand(const struct nsgctx *c, const struct addr_spec *src,
	   const struct addr_spec *dst, const char *stag, const char *dtag,
	   bool isdef, unsigned proto, const struct port_spec *sp,
	   const struct port_spec *dp, uint32_t pos, uint32_t total,
	   struct peer_acl_rule **rules, size_t *n, size_t *cap)
{
	struct ipinterval *iv;
	struct pfx *sx = NULL, *dx = NULL;
	size_t nsx, ndx, niv, a, b2, e, f;
	unsigned pb;
	int rc = -ENOMEM;

	if ((isdef ? nsg_tag_intervals(c, stag, &iv, &niv)
		   : nsg_addr_intervals(c, src, &iv, &niv)) != 0)
		return -ENOMEM;
	nsx = iv_to_pfx(iv, niv, &sx);
	free(iv);
	if ((isdef ? nsg_tag_intervals(c, dtag, &iv, &niv)
		   : nsg_addr_intervals(c, dst, &iv, &niv)) != 0)
		goto out;
	ndx = iv_to_pfx(iv, niv, &dx);
	free(iv);
	for (pb = 0; pb < 5; pb++) {
		if (!(proto & (1u << pb)))
			continue;
		for (a = 0; a < nsx; a++)
			for (b2 = 0; b2 < ndx; b2++)
				for (e = 0; e < sp->n; e++)
					for (f = 0; f < dp->n; f++) {
						struct peer_acl_rule *x;

						if (*n == *cap) {
							size_t nc = *cap ? *cap * 2 : 1024;
							struct peer_acl_rule *nr =
							    realloc(*rules, nc * sizeof(*nr));
							if (nr == NULL)
								goto out;
							*rules = nr;
							*cap = nc;
						}
						x = &(*rules)[(*n)++];
						x->proto = ipproto[pb];
						x->src = sx[a];
						x->dst = dx[b2];
						x->sport_lo = sp->r[e].lo;
						x->sport_hi = sp->r[e].hi;
						x->dport_lo = dp->r[f].lo;
						x->dport_hi = dp->r[f].hi;
						x->priority = total - pos + 1;
						x->userdata = pos;
					}
	}
	rc = 0;
out:
	free(sx);
	free(dx);
	return rc;
}

static struct peer_acl *
acl_of(const struct nsgctx *c, const struct order *od, size_t *nrules,
       size_t *mem)
{
	static struct portrange all_r[] = { { 0, 65535 } };
	static const struct port_spec all = { all_r, 1 };
	struct peer_acl_rule *rules = NULL;
	struct peer_acl *a = NULL;
	size_t n = 0, cap = 0, i;
	char msg[256];

	for (i = 0; i < od->n; i++) {
		const struct nsg_rule *r = i < od->nuser ? od->rule[i] : NULL;
		const struct nsg_default *d = r ? NULL : &od->def[i - od->nuser];
		int rc = r ? acl_expand(c, &r->src, &r->dst, NULL, NULL, false,
					r->proto, &r->sports, &r->dports,
					(uint32_t)i + 1, (uint32_t)od->n,
					&rules, &n, &cap)
			   : acl_expand(c, NULL, NULL, d->src_tag, d->dst_tag,
					true, PROTO_ANY, &all, &all,
					(uint32_t)i + 1, (uint32_t)od->n,
					&rules, &n, &cap);
		if (rc != 0) {
			free(rules);
			return NULL;
		}
	}
	*nrules = n;
	if ((a = peer_acl_new(rules, n, mem, msg, sizeof(msg))) == NULL)
		fprintf(stderr, "ftsim-bench: rte_acl: %s\n", msg);
	free(rules);
	return a;
}

static const char *const kind_name[] = { "random", "realistic", "worst" };

static int
bench_nsg(size_t nrules, enum gen_rules kind, json_t *arr, FILE *tsv)
{
	struct gen_rng r;
	struct gen_buf b = { 0 };
	struct topo t;
	struct diag d;
	struct sim *sim = NULL;
	struct nsgcls *k = NULL;
	struct order od[2] = { { 0 } };
	struct peer_acl *acl[2] = { NULL, NULL };
	struct nsg_query *q = NULL;
	struct peer_acl_key *keys = NULL;
	uint32_t *pa = NULL, *pb = NULL;
	const struct nsgctx *c;
	const struct nsg *g;
	size_t nq = o.quick ? (1u << 13) : (1u << 18), nl, i, dir;
	size_t acl_rules[2] = { 0, 0 }, acl_mem[2] = { 0, 0 };
	double t0, compile_ms, f_cls, f_lin, f_acl = 0, f_acl1 = 0;
	double rr[32];
	unsigned rep;
	json_t *j;
	int rc = -ENOMEM;

	topo_init(&t);
	diag_init(&d);
	gen_seed(&r, o.seed ^ (nrules * 7 + kind));
	gen_printf(&b, "scenario: nsg-bench\n"
		   "vnets:\n"
		   "  - name: v\n"
		   "    address_space: [10.0.0.0/16]\n"
		   "    subnets: [{name: s, prefix: 10.0.1.0/24}]\n"
		   "vms:\n"
		   "  - {name: vm, vnet: v, subnet: s, ip: 10.0.1.4, nsg: g}\n"
		   "nsgs:\n");
	gen_nsg_yaml(&b, &r, "g", nrules, kind);
	if (b.failed || scenario_parse("nsg-bench.yaml", b.s, b.len, &t, &d) != 0 ||
	    sim_new(&t, &d, &sim) != 0) {
		diag_print(stderr, &d);
		rc = -EINVAL;
		goto out;
	}
	c = sim_nsgctx(sim, 0, 0);
	g = &t.nsgs[0];
	t0 = now();
	if ((rc = nsgcls_new(c, g, &k)) != 0)
		goto out;
	compile_ms = (now() - t0) * 1e3;
	rc = -ENOMEM;
	if ((q = calloc(nq, sizeof(*q))) == NULL ||
	    (keys = calloc(nq, sizeof(*keys))) == NULL ||
	    (pa = calloc(nq, sizeof(*pa))) == NULL ||
	    (pb = calloc(nq, sizeof(*pb))) == NULL)
		goto out;
	for (i = 0; i < nq; i++) {
		gen_query(&r, kind, i & 1 ? DIR_OUTBOUND : DIR_INBOUND, &q[i]);
		peer_acl_key(&keys[i], ipproto[__builtin_ctz(q[i].proto)],
			     q[i].src, q[i].dst, q[i].sport, q[i].dport);
	}
	for (dir = 0; dir < 2; dir++) {
		if (order_build(&od[dir], g, (enum direction)dir) != 0)
			goto out;
		if (have_peer)
			acl[dir] = acl_of(c, &od[dir], &acl_rules[dir], &acl_mem[dir]);
	}

	/* Compiled: every packet through nsgcls_eval. */
	for (rep = 0; rep < o.reps; rep++) {
		struct nsg_verdict v;
		uint64_t s = 0;

		t0 = now();
		for (i = 0; i < nq; i++) {
			nsgcls_eval(c, k, NULL, &q[i], true, &v);
			s += (uintptr_t)v.rule;
		}
		rr[rep] = (double)nq / (now() - t0);
		sink += s;
	}
	f_cls = median(rr, o.reps);
	/* Linear: nsg_eval, on fewer packets when the set is large. */
	nl = nrules >= 1000 ? nq / 8 : nq;
	for (rep = 0; rep < o.reps; rep++) {
		struct nsg_verdict v;
		uint64_t s = 0;

		t0 = now();
		for (i = 0; i < nl; i++) {
			nsg_eval(c, g, NULL, &q[i], true, &v);
			s += (uintptr_t)v.rule;
		}
		rr[rep] = (double)nl / (now() - t0);
		sink += s;
	}
	f_lin = median(rr, o.reps);
	/* rte_acl: one context per direction, packets split accordingly
	 * (the queries alternate: even inbound, odd outbound). */
	if (acl[0] && acl[1]) {
		size_t half = nq / 2;
		struct peer_acl_key *kd[2];

		kd[0] = calloc(half, sizeof(*kd[0]));
		kd[1] = calloc(half, sizeof(*kd[1]));
		if (kd[0] == NULL || kd[1] == NULL) {
			free(kd[0]);
			free(kd[1]);
			goto out;
		}
		for (i = 0; i < half; i++) {
			kd[0][i] = keys[2 * i];
			kd[1][i] = keys[2 * i + 1];
		}
		for (rep = 0; rep < o.reps; rep++) {
			t0 = now();
			sink += peer_acl_run(acl[0], kd[0], half, 64, NULL);
			sink += peer_acl_run(acl[1], kd[1], half, 64, NULL);
			rr[rep] = (double)(2 * half) / (now() - t0);
		}
		f_acl = median(rr, o.reps);
		for (rep = 0; rep < o.reps; rep++) {
			t0 = now();
			sink += peer_acl_run(acl[0], kd[0], half, 1, NULL);
			sink += peer_acl_run(acl[1], kd[1], half, 1, NULL);
			rr[rep] = (double)(2 * half) / (now() - t0);
		}
		f_acl1 = median(rr, o.reps);
		if (o.check) {
			size_t bad = 0;

			peer_acl_run(acl[0], kd[0], half, 64, pa);
			peer_acl_run(acl[1], kd[1], half, 64, pa + half);
			for (i = 0; i < 2 * half; i++) {
				struct nsg_verdict v;
				size_t qi = i < half ? 2 * i : 2 * (i - half) + 1;

				nsgcls_eval(c, k, NULL, &q[qi], true, &v);
				bad += pa[i] != verdict_pos(&od[qi & 1], &v);
			}
			mismatch("rte_acl vs compiled NSG", bad);
		}
		free(kd[0]);
		free(kd[1]);
	}
	if (o.check) {
		size_t bad = 0;

		for (i = 0; i < nq; i++) {
			struct nsg_verdict a, v;

			nsg_eval(c, g, NULL, &q[i], i & 2, &a);
			nsgcls_eval(c, k, NULL, &q[i], i & 2, &v);
			bad += a.access != v.access || a.nsteps != v.nsteps ||
			       verdict_pos(&od[q[i].dir], &a) !=
			       verdict_pos(&od[q[i].dir], &v) ||
			       a.is_platform != v.is_platform;
		}
		mismatch("compiled NSG vs nsg_eval", bad);
	}
	say("%6zu %-9s %10.1f %8.1f %10.1f %10.1f %10.1f %9zu %9zu %9zu\n",
	    nrules, kind_name[kind], 1e9 / f_cls, compile_ms, 1e9 / f_lin,
	    f_acl ? 1e9 / f_acl : 0.0, f_acl1 ? 1e9 / f_acl1 : 0.0,
	    nsgcls_memory(k) >> 10, (acl_mem[0] + acl_mem[1]) >> 10,
	    acl_rules[0] + acl_rules[1]);
	if (tsv)
		fprintf(tsv, "%zu\t%s\t%.0f\t%.0f\t%.0f\t%.0f\n", nrules,
			kind_name[kind], f_cls, f_lin, f_acl, f_acl1);
	j = json_object();
	json_object_set_new(j, "rules", json_integer((json_int_t)nrules));
	json_object_set_new(j, "case", json_string(kind_name[kind]));
	json_object_set_new(j, "ftsim_compiled", rate_obj(f_cls, nsgcls_memory(k)));
	json_object_set_new(json_object_get(j, "ftsim_compiled"), "compile_ms",
			    json_real(compile_ms));
	json_object_set_new(j, "linear_nsg_eval", rate_obj(f_lin, 0));
	if (acl[0] && acl[1]) {
		json_object_set_new(j, "dpdk_rte_acl_burst64",
				    rate_obj(f_acl, acl_mem[0] + acl_mem[1]));
		json_object_set_new(j, "dpdk_rte_acl_single", rate_obj(f_acl1, 0));
		json_object_set_new(j, "dpdk_rte_acl_rules",
				    json_integer((json_int_t)(acl_rules[0] + acl_rules[1])));
		json_object_set_new(j, "ratio_vs_rte_acl_burst64",
				    json_real(f_cls / f_acl));
	} else {
		json_object_set_new(j, "dpdk_rte_acl_burst64", json_null());
		json_object_set_new(j, "dpdk_note", json_string(have_peer ?
				    "rte_acl could not be built" : peer_msg));
	}
	json_object_set_new(j, "ratio_vs_linear", json_real(f_cls / f_lin));
	json_array_append_new(arr, j);
	rc = 0;
out:
	for (dir = 0; dir < 2; dir++) {
		peer_acl_free(acl[dir]);
		free(od[dir].rule);
	}
	nsgcls_free(k);
	sim_free(sim);
	topo_free(&t);
	diag_free(&d);
	gen_buf_free(&b);
	free(q);
	free(keys);
	free(pa);
	free(pb);
	return rc;
}

/* ---------------------------------------------------------------- */
/* End to end */

/* The forwarding index and the compiled NSGs of every subnet and VM of
 * the network agree with their oracles. */
static void
check_network(const struct topo *t, const struct sim *sim, struct gen_rng *r)
{
	size_t v, sn, i, bad = 0, badn = 0;

	for (v = 0; v < t->nvnets; v++)
		for (sn = 0; sn < t->vnets[v].nsubnets; sn++) {
			const struct rtable *rt = sim_rtable(sim, v, sn);

			for (i = 0; i < (o.quick ? 2000u : 20000u); i++) {
				struct route_hit a, b;
				uint32_t ip = (uint32_t)gen_next(r);
				int ra = rtable_lookup(rt, ip, 0, &a);
				int rb = rtable_lookup_oracle(rt, ip, 0, &b);

				bad += ra != rb || a.r != b.r ||
				       a.exception != b.exception;
			}
		}
	mismatch("rtable_lookup vs oracle on the network", bad);
	for (v = 0; v < t->nvms; v++) {
		const struct vm *m = &t->vms[v];
		const struct nsg *nic = m->nsg == TOPO_NONE ? NULL : &t->nsgs[m->nsg];
		size_t gi = topo_vm_subnet(t, m)->nsg;
		const struct nsg *sub = gi == TOPO_NONE ? NULL : &t->nsgs[gi];

		for (i = 0; i < (o.quick ? 500u : 2000u); i++) {
			struct nsg_query q;
			struct nsg_verdict a, b;

			gen_query(r, GEN_RULES_REALISTIC,
				  i & 1 ? DIR_OUTBOUND : DIR_INBOUND, &q);
			nsg_eval(sim_nsgctx(sim, m->vnet, m->subnet), nic, sub,
				 &q, true, &a);
			sim_nsg_eval(sim, v, &q, true, &b);
			badn += a.access != b.access || a.by != b.by ||
				(a.rule != b.rule && (a.rule == NULL || b.rule == NULL ||
				 strcmp(a.rule, b.rule) != 0));
		}
	}
	mismatch("compiled NSGs vs nsg_eval on the network", badn);
}

/* Remove dir's files and dir (captures the benchmark wrote). */
static void
rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		(void)unlink(p);
	}
	if (d != NULL)
		closedir(d);
	(void)rmdir(dir);
}

struct capsink {
	struct capwriter *w;
	const struct sim *s;
};

static int
cap_sink(void *arg, struct flow_result *r, const struct xpkt *x)
{
	struct capsink *c = arg;

	(void)r;
	return capw_write(c->w, x->point, sim_point_name(c->s, x->point),
			  x->ts_us, x->eth_src, x->eth_dst, x->p, NULL);
}

/* `run --pcap`'s path: every flow walked, its whole exchange written at
 * every capture point: flows per second until the set is complete, and
 * the commit (flush, fsync, rename) apart. */
static int
time_run_pcap(const struct topo *t, struct sim *sim, struct flow_result *res,
	      const char *dir, double *rate, double *commit_ms,
	      uint64_t *npkts)
{
	struct capsink c = { NULL, sim };
	struct xchg_count cnt;
	uint64_t t0 = 0, end;
	char err[512];
	double s = now(), m;
	size_t i;
	int rc;

	if ((rc = capw_open(dir, &c.w, err, sizeof(err))) != 0)
		return rc;
	for (i = 0; i < t->nflows; i++) {
		if ((rc = sim_run_flow(sim, &t->flows[i], res)) != 0 ||
		    (rc = xchg_run(sim, res, t0, cap_sink, &c, &cnt, &end)) != 0) {
			capw_abort(c.w);
			return rc;
		}
		t0 = (end / 1000000 + 1) * 1000000;
	}
	*npkts = capw_npackets(c.w);
	m = now();
	*rate = (double)t->nflows / (m - s);
	if ((rc = capw_commit(c.w, err, sizeof(err))) != 0)
		return rc;
	*commit_ms = (now() - m) * 1e3;
	rm_dir(dir);
	return 0;
}

/* A capture of npk packets at the NIC of flow 0's VM: nf flows to the
 * addresses, protocols and ports of the scenario's flows, round robin,
 * requests and answers in turns. */
static int
write_capture(const char *path, const struct topo *t, size_t npk, size_t nf)
{
	struct pktbuilder *pb = pktbuilder_new(NULL, 0);
	struct pkt *tp = calloc(2 * nf, sizeof(*tp));
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dp = pd ? pcap_dump_open(pd, path) : NULL;
	uint32_t vmip = t->vms[t->flows[0].vm].ip, dst;
	struct pcap_pkthdr h;
	uint8_t frame[14 + PKT_MAX] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
					8, 0 };
	const char *origin;
	size_t i, k;
	int rc = -ENOMEM;

	if (pb == NULL || tp == NULL || dp == NULL)
		goto out;
	for (i = 0; i < nf; i++) {
		const struct flow *f = &t->flows[i % t->nflows];
		uint16_t sp = (uint16_t)(20000 + i);

		if (dns_resolve(t, f->to, &dst, 1, &origin) == 0) {
			rc = -EINVAL;
			goto out;
		}
		rc = f->proto == PROTO_TCP
		    ? pkt_build_tcp(pb, &tp[2 * i], vmip, sp, dst, f->port, 1,
				    0, PKT_SYN, 128, NULL, 0) ||
		      pkt_build_tcp(pb, &tp[2 * i + 1], dst, f->port, vmip, sp,
				    9, 2, PKT_SYN | PKT_ACK, 50, NULL, 0)
		    : pkt_build_udp(pb, &tp[2 * i], vmip, sp, dst, f->port, 128,
				    NULL, 0) ||
		      pkt_build_udp(pb, &tp[2 * i + 1], dst, f->port, vmip, sp,
				    50, NULL, 0);
		if (rc != 0) {
			rc = -EIO;
			goto out;
		}
	}
	for (k = 0; k < npk; k++) {
		const struct pkt *p = &tp[2 * (k % nf) + (k / nf) % 2];

		memcpy(frame + 14, p->buf, p->len);
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(k / 100000);
		h.ts.tv_usec = (suseconds_t)(k % 100000) * 10;
		h.caplen = h.len = 14u + p->len;
		pcap_dump((u_char *)dp, &h, frame);
	}
	rc = pcap_dump_flush(dp) == 0 ? 0 : -EIO;
out:
	if (dp != NULL)
		pcap_dump_close(dp);
	if (pd != NULL)
		pcap_close(pd);
	pktbuilder_free(pb);
	free(tp);
	return rc;
}

/* `ftsim replay`'s path: read, judge, and with dir write every packet at
 * every capture point. Packets per second. */
static int
time_replay(const char *path, struct sim *sim, size_t vm, const char *dir,
	    double *rate, uint64_t *npkts, size_t *nflows)
{
	struct capsink c = { NULL, sim };
	struct pcapreader *pr = NULL;
	struct replay *rp = NULL;
	struct replay_res res;
	struct pcapr_pkt p;
	struct diag d;
	uint64_t n = 0, t0 = 0;
	char err[512];
	bool written;
	double s = now();
	int rc;

	diag_init(&d);
	if ((rc = pcapr_open(path, NULL, &d, &pr)) != 0 ||
	    (rc = replay_new(sim, vm, NULL, NULL, &rp)) != 0 ||
	    (dir != NULL && (rc = capw_open(dir, &c.w, err, sizeof(err))) != 0))
		goto out;
	while ((rc = pcapr_next(pr, &p, &d)) == 1) {
		if (n++ == 0)
			t0 = p.ts_us;
		if ((rc = replay_packet(rp, &p, &res)) != 0 ||
		    (c.w != NULL && (rc = replay_emit(rp, &p, &res,
		     p.ts_us - t0, cap_sink, &c, &written)) != 0))
			break;
	}
	if (rc != 0)
		goto out;
	*npkts = c.w != NULL ? capw_npackets(c.w) : 0;
	*nflows = replay_nflows(rp);
	if (c.w != NULL) {
		rc = capw_commit(c.w, err, sizeof(err));
		c.w = NULL;
		if (rc != 0)
			goto out;
	}
	*rate = (double)n / (now() - s);
out:
	if (rc != 0)
		diag_print(stderr, &d);
	capw_abort(c.w);
	if (dir != NULL)
		rm_dir(dir);
	replay_free(rp);
	pcapr_close(pr);
	diag_free(&d);
	return rc;
}

/* The exhaustive what-if's progress, stopped after a budget. */
struct wi_clock {
	double start, budget, secs;
	uint64_t done, total;
	uint64_t walked;	/* VM x range pairs walked (in scope) */
	bool scoped;		/* only what the change can touch */
};

static int
wi_tick(void *arg, uint64_t done, uint64_t total)
{
	struct wi_clock *c = arg;

	c->done = done;
	c->total = total;
	c->secs = now() - c->start;
	return c->secs > c->budget;
}

/* The exhaustive what-if of a /32 UDR to Internet added to route table
 * rt1 (the KMS fix), on the network, one run: the time it took, or, past
 * budget seconds, the time it would take at the rate it went. */
static int
time_whatif(const struct topo *t, struct sim *sim, double budget,
	    struct wi_clock *c)
{
	static const char chg[] =
	    "change: kms-udr\n"
	    "operations:\n"
	    "  - op: add_route\n"
	    "    route_table: rt1\n"
	    "    route: {name: kms, prefix: 23.102.135.246/32, "
	    "next_hop_type: Internet}\n";
	struct whatif_opts wo = { false, true, wi_tick, c, NULL, false };
	struct whatif_result r;
	struct change ch;
	struct topo after;
	struct sim *sa = NULL;
	struct diag d;
	int rc;

	diag_init(&d);
	topo_init(&after);
	memset(&ch, 0, sizeof(ch));
	memset(c, 0, sizeof(*c));
	c->budget = budget;
	if ((rc = change_parse("kms-udr.yaml", chg, sizeof(chg) - 1, &ch,
	    &d)) != 0 || (rc = change_apply(&ch, t, &after, &d)) != 0 ||
	    (rc = sim_new(&after, &d, &sa)) != 0) {
		diag_print(stderr, &d);
		goto out;
	}
	wo.change = &ch;
	c->start = now();
	rc = whatif_run(t, sim, &after, sa, &wo, &r);
	c->secs = now() - c->start;
	if (rc == 0) {
		c->done = c->total;
		c->walked = r.pairs_walked;
		c->scoped = r.scope_all == NULL;
		whatif_free(&r);
	} else if (rc == -ECANCELED) {
		rc = 0;
	}
out:
	sim_free(sa);
	topo_free(&after);
	change_free(&ch);
	diag_free(&d);
	return rc;
}

static int
bench_e2e(json_t *root)
{
	struct gen_net p = { 100, 400, 10000, 1000, 1000 };	/* flows: the loader's cap */
	struct gen_rng r;
	struct gen_buf b = { 0 };
	struct topo t;
	struct diag d;
	struct sim *sim = NULL;
	struct flow_result *res = NULL;
	double t0, load_ms, new_ms, rr[32], cm[32], f, fdec, fcap, fjudge, frep;
	double west;
	double commit_ms;
	size_t heap;
	size_t i, delivered = 0, npk = 1000000, nrf = 1000, repfl = 0;
	struct wi_clock wc;
	uint64_t runpk = 0, reppk = 0;
	char dir[4096] = "", cdir[4200], cap[4200];
	unsigned rep, wreps = o.reps < 3 ? o.reps : 3;
	json_t *j;
	int rc = -EINVAL;

	if (o.quick) {
		p.nsubnets = 10;
		p.nudr = 40;
		p.nbgp = 500;
		p.nrules = 100;
		p.nflows = 200;
		npk = 20000;
		nrf = 100;
	}
	topo_init(&t);
	diag_init(&d);
	gen_seed(&r, o.seed);
	gen_network_yaml(&b, &r, &p);
	if (o.network != NULL && !b.failed) {
		/* The network as a scenario, to run ftsim on it. */
		FILE *nf = fopen(o.network, "w");

		if (nf == NULL || fwrite(b.s, 1, b.len, nf) != b.len ||
		    fclose(nf) != 0) {
			rc = -errno;
			goto out;
		}
	}
	t0 = now();
	if (b.failed || scenario_parse("azure-limits.yaml", b.s, b.len, &t, &d) != 0) {
		diag_print(stderr, &d);
		goto out;
	}
	load_ms = (now() - t0) * 1e3;
	t0 = now();
	if ((rc = sim_new_opts(&t, &(struct sim_opts){ o.check }, &d,
			       &sim)) != 0) {
		diag_print(stderr, &d);
		goto out;
	}
	new_ms = (now() - t0) * 1e3;
	/* The heap the network and its engine hold (DPDK's pool, mapped
	 * apart, is not in it). */
	heap = mallinfo2().uordblks;
	rc = -ENOMEM;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		goto out;
	for (rep = 0; rep < o.reps; rep++) {
		t0 = now();
		for (i = 0; i < t.nflows; i++) {
			if ((rc = sim_run_flow(sim, &t.flows[i], res)) != 0)
				goto out;
			delivered += res->delivered;
		}
		rr[rep] = (double)t.nflows / (now() - t0);
	}
	f = median(rr, o.reps);
	/* The same flows decided only (sim_decide: no trace). */
	for (rep = 0; rep < o.reps; rep++) {
		t0 = now();
		for (i = 0; i < t.nflows; i++)
			if ((rc = sim_decide(sim, &t.flows[i], res)) != 0)
				goto out;
		rr[rep] = (double)t.nflows / (now() - t0);
	}
	fdec = median(rr, o.reps);
	if (o.check)
		check_network(&t, sim, &r);

	/* The same flows with their captures; then a recorded capture of
	 * npk packets replayed, judged only and with captures. */
	if (snprintf(dir, sizeof(dir), "%s/ftsim-bench-XXXXXX",
		     getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") >=
	    (int)sizeof(dir) || mkdtemp(dir) == NULL) {
		rc = -errno;
		goto out;
	}
	snprintf(cdir, sizeof(cdir), "%s/captures", dir);
	snprintf(cap, sizeof(cap), "%s/recorded.pcap", dir);
	for (rep = 0; rep < o.reps; rep++)
		if ((rc = time_run_pcap(&t, sim, res, cdir, &rr[rep],
		    &cm[rep], &runpk)) != 0)
			goto out;
	fcap = median(rr, o.reps);
	commit_ms = median(cm, o.reps);
	if ((rc = write_capture(cap, &t, npk, nrf)) != 0)
		goto out;
	for (rep = 0; rep < o.reps; rep++)
		if ((rc = time_replay(cap, sim, t.flows[0].vm, NULL, &rr[rep],
		    &reppk, &repfl)) != 0)
			goto out;
	fjudge = median(rr, o.reps);
	for (rep = 0; rep < wreps; rep++)
		if ((rc = time_replay(cap, sim, t.flows[0].vm, cdir, &rr[rep],
		    &reppk, &repfl)) != 0)
			goto out;
	frep = median(rr, wreps);
	(void)unlink(cap);
	(void)rmdir(dir);
	dir[0] = '\0';
	if ((rc = time_whatif(&t, sim, o.quick ? 5 : 30, &wc)) != 0)
		goto out;
	west = wc.done > 0 ? wc.secs * (double)wc.total / (double)wc.done : 0;

	say("network: %zu subnets, %zu UDRs per table, %zu BGP prefixes, "
	    "%zu NSG rules, %zu flows (%zu%% delivered)\n"
	    "  load %.0f ms, engine build %.0f ms, heap %.1f MiB; "
	    "sim_run_flow %.0f flows/s (%.2f us per flow, full trace); "
	    "sim_decide %.0f flows/s\n"
	    "  with captures (run --pcap): %.0f flows/s, %.0f packets/s "
	    "written (%llu per run), then %.0f ms to commit the files\n"
	    "  replay of %zu recorded packets (%zu flows): %.0f packets/s "
	    "judged; %.0f packets/s with captures (%llu written; median of "
	    "%u)\n"
	    "  exhaustive what-if (a /32 UDR to Internet in rt1): %llu of "
	    "%llu VM x range evaluations in %.1f s: %s %.1f s (one run; "
	    "%llu walked, the rest outside what the change touches)\n",
	    p.nsubnets, p.nudr, p.nbgp, p.nrules, t.nflows,
	    delivered * 100 / (t.nflows * o.reps), load_ms, new_ms,
	    (double)heap / 1048576.0, f, 1e6 / f, fdec,
	    fcap, fcap * (double)runpk / (double)t.nflows,
	    (unsigned long long)runpk, commit_ms, npk, repfl, fjudge, frep,
	    (unsigned long long)reppk, wreps,
	    (unsigned long long)wc.done, (unsigned long long)wc.total,
	    wc.secs, wc.done == wc.total ? "done in" : "stopped; at that "
	    "rate the whole diff takes", west,
	    (unsigned long long)wc.walked);
	j = json_object();
	json_object_set_new(j, "subnets", json_integer((json_int_t)p.nsubnets));
	json_object_set_new(j, "udrs_per_table", json_integer((json_int_t)p.nudr));
	json_object_set_new(j, "bgp_prefixes", json_integer((json_int_t)p.nbgp));
	json_object_set_new(j, "nsg_rules", json_integer((json_int_t)p.nrules));
	json_object_set_new(j, "flows", json_integer((json_int_t)t.nflows));
	json_object_set_new(j, "load_ms", json_real(load_ms));
	json_object_set_new(j, "engine_build_ms", json_real(new_ms));
	json_object_set_new(j, "heap_bytes", json_integer((json_int_t)heap));
	json_object_set_new(j, "route_contexts",
			    json_integer((json_int_t)sim_ncontexts(sim)));
	json_object_set_new(j, "compiled_nsgs",
			    json_integer((json_int_t)sim_ncompiled_nsgs(sim)));
	json_object_set_new(j, "sim_run_flow", rate_obj(f, 0));
	json_object_set_new(j, "decisions", rate_obj(fdec, 0));
	json_object_set_new(j, "flows_with_captures", rate_obj(fcap, 0));
	json_object_set_new(j, "packets_written_per_run",
			    json_integer((json_int_t)runpk));
	json_object_set_new(j, "captures_commit_ms", json_real(commit_ms));
	json_object_set_new(j, "replay_packets", json_integer((json_int_t)npk));
	json_object_set_new(j, "replay_flows", json_integer((json_int_t)repfl));
	json_object_set_new(j, "replay_judged", rate_obj(fjudge, 0));
	json_object_set_new(j, "packets_with_captures", rate_obj(frep, 0));
	json_object_set_new(j, "replay_packets_written",
			    json_integer((json_int_t)reppk));
	json_object_set_new(j, "exhaustive_what_if", json_pack(
	    "{s:I, s:I, s:I, s:b, s:f, s:b, s:f}", "evaluations",
	    (json_int_t)wc.total, "evaluated", (json_int_t)wc.done,
	    "walked", (json_int_t)wc.walked, "scoped", wc.scoped,
	    "seconds", wc.secs, "complete", wc.done == wc.total,
	    "estimated_seconds", west));
	json_object_set_new(root, "end_to_end", j);
	rc = 0;
out:
	if (dir[0] != '\0') {
		rm_dir(cdir);
		(void)unlink(cap);
		(void)rmdir(dir);
	}
	if (res != NULL)
		flow_result_free(res);
	free(res);
	sim_free(sim);
	topo_free(&t);
	diag_free(&d);
	gen_buf_free(&b);
	return rc;
}

/* ---------------------------------------------------------------- */

static json_t *
machine(void)
{
	json_t *j = json_object();
	char line[256], model[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			char *c = strchr(line, ':');

			if (c) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = '\0';
			}
			break;
		}
	if (f)
		fclose(f);
	json_object_set_new(j, "cpu", json_string(model));
	json_object_set_new(j, "nproc",
			    json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	say("machine: %s, %ld cores online; seed %llu, median of %u runs%s\n",
	    model, sysconf(_SC_NPROCESSORS_ONLN), (unsigned long long)o.seed,
	    o.reps, o.quick ? " (quick sizes)" : "");
	return j;
}

static FILE *
tsv_open(const char *suffix, char *tmp, size_t len)
{
	if (o.tsv == NULL)
		return NULL;
	snprintf(tmp, len, "%s%s.tmp", o.tsv, suffix);
	return fopen(tmp, "w");
}

static int
tsv_close(FILE *f, const char *tmp)
{
	char final[4096];
	size_t n = strlen(tmp) - 4;

	if (f == NULL)
		return 0;
	snprintf(final, sizeof(final), "%.*s", (int)n, tmp);
	if (fclose(f) != 0 || rename(tmp, final) != 0) {
		fprintf(stderr, "ftsim-bench: %s: %s\n", final, strerror(errno));
		return -1;
	}
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: ftsim-bench [--json] [--check] [--quick] "
		"[--reps N] [--seed S] [--tsv PREFIX] [--only lpm|nsg|e2e]\n"
		"                   [--network FILE]\n");
	return 2;
}

static int
bench_main(int argc, char **argv)
{
	static const size_t lpm_full[] = { 10, 400, 10000, 1000000 };
	static const size_t lpm_quick[] = { 10, 400, 10000, 100000 };
	static const size_t nsg_full[] = { 10, 100, 1000 };
	static const size_t nsg_quick[] = { 10, 100, 250 };
	const size_t *lpm_sizes = lpm_full, *nsg_sizes = nsg_full;
	json_t *root, *lpm_arr, *nsg_arr;
	char tmp1[4096], tmp2[4096];
	FILE *t1 = NULL, *t2 = NULL;
	size_t i;
	int a, rc = 0, k;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			o.json = true;
		else if (strcmp(argv[a], "--check") == 0)
			o.check = true;
		else if (strcmp(argv[a], "--quick") == 0)
			o.quick = true;
		else if (strcmp(argv[a], "--reps") == 0 && a + 1 < argc) {
			o.reps = (unsigned)strtoul(argv[++a], NULL, 10);
			if (o.reps < 1 || o.reps > 32)
				return usage();
		} else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc)
			o.seed = strtoull(argv[++a], NULL, 0);
		else if (strcmp(argv[a], "--tsv") == 0 && a + 1 < argc)
			o.tsv = argv[++a];
		else if (strcmp(argv[a], "--network") == 0 && a + 1 < argc)
			o.network = argv[++a];
		else if (strcmp(argv[a], "--only") == 0 && a + 1 < argc &&
			 (strcmp(argv[a + 1], "lpm") == 0 ||
			  strcmp(argv[a + 1], "nsg") == 0 ||
			  strcmp(argv[a + 1], "e2e") == 0))
			o.only = argv[++a];
		else
			return usage();
	}
	if (o.quick) {
		lpm_sizes = lpm_quick;
		nsg_sizes = nsg_quick;
		if (o.reps == 5)
			o.reps = 3;
	}
	have_peer = peer_init(peer_msg, sizeof(peer_msg)) == 0;
	root = json_object();
	json_object_set_new(root, "date", json_string("measured when run"));
	json_object_set_new(root, "machine", machine());
	json_object_set_new(root, "seed", json_integer((json_int_t)o.seed));
	json_object_set_new(root, "repetitions", json_integer(o.reps));
	json_object_set_new(root, "quick", json_boolean(o.quick));
	json_object_set_new(root, "dpdk", have_peer ?
			    json_string(peer_version()) : json_null());
	if (!have_peer) {
		json_object_set_new(root, "dpdk_note", json_string(peer_msg));
		say("DPDK peer: absent (%s)\n", peer_msg);
	} else {
		say("DPDK peer: %s\n", peer_version());
	}
	lpm_arr = json_array();
	nsg_arr = json_array();
	json_object_set_new(root, "lpm", lpm_arr);
	json_object_set_new(root, "nsg", nsg_arr);

	t1 = tsv_open("lpm.tsv", tmp1, sizeof(tmp1));
	t2 = tsv_open("nsg.tsv", tmp2, sizeof(tmp2));
	if (o.tsv && (t1 == NULL || t2 == NULL)) {
		fprintf(stderr, "ftsim-bench: %s: %s\n", o.tsv, strerror(errno));
		return 2;
	}
	if (t1)
		fprintf(t1, "# prefixes\tpoptrie\tbinary_trie\tlinear\trte_lpm\t"
			"poptrie_bytes\trte_lpm_bytes\n");
	if (t2)
		fprintf(t2, "# rules\tcase\tcompiled\tlinear\trte_acl_burst64\t"
			"rte_acl_single\n");

	say("\nLongest-prefix match, random destinations (M lookups/s; "
	    "memory in KiB)\n"
	    " prefixes    poptrie  build_ms  bin_trie     linear     rte_lpm  "
	    "mem_pop  mem_trie  mem_rte\n");
	for (i = 0; i < 4 && rc == 0 && part("lpm"); i++)
		if ((k = bench_lpm_size(lpm_sizes[i], lpm_arr, t1)) != 0)
			rc = k;
	say("\nNSG classification (ns per packet; memory in KiB)\n"
	    " rules case        compiled compile_ms  nsg_eval  acl_burst "
	    "acl_single  mem_cls   mem_acl acl_rules\n");
	for (i = 0; i < 3 && rc == 0 && part("nsg"); i++) {
		if ((k = bench_nsg(nsg_sizes[i], GEN_RULES_REALISTIC, nsg_arr, t2)) != 0 ||
		    (k = bench_nsg(nsg_sizes[i], GEN_RULES_WORST, nsg_arr, t2)) != 0)
			rc = k;
	}
	say("\nEnd to end\n");
	if (rc == 0 && part("e2e") && (k = bench_e2e(root)) != 0)
		rc = k;
	if (tsv_close(t1, tmp1) != 0 || tsv_close(t2, tmp2) != 0)
		rc = -EIO;
	json_object_set_new(root, "check", o.check ? json_integer((json_int_t)mismatches)
						   : json_null());
	if (o.json && rc == 0)
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (o.json && rc == 0)
		putchar('\n');
	json_decref(root);
	peer_fini();
	if (rc != 0) {
		fprintf(stderr, "ftsim-bench: failed: %s\n", strerror(-rc));
		return 2;
	}
	if (o.check) {
		if (mismatches) {
			fprintf(stderr, "ftsim-bench: check FAILED: %lu mismatches\n",
				mismatches);
			return 1;
		}
		say("\ncheck: 0 mismatches\n");
	}
	return 0;
}

/* stdout checked as ftsim checks it: a failed write or close is exit 2
 * with its cause. */
static int
bench_done(int rc)
{
	int e = out_err;

	if (fflush(stdout) != 0 && e == 0)
		e = errno;
	if (ferror(stdout) && e == 0)
		e = EIO;
	if (fclose(stdout) != 0 && e == 0)
		e = errno;
	if (e != 0) {
		fprintf(stderr, "ftsim-bench: cannot write standard output: "
			"%s\n", strerror(e));
		return 2;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	return bench_done(bench_main(argc, argv));
}
