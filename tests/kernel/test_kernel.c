/*
 * test_kernel.c: the Linux kernel as a second oracle for longest-prefix
 * match.
 *
 * The effective routes of a subnet of the generated network at Azure's
 * limits (400 UDRs, 10,000 BGP prefixes, the system routes) are loaded
 * into a private network namespace made for this process: a route per
 * Active prefix on lo with metric = next-hop type + 1, None as a
 * blackhole. For 20,000 random destinations the kernel's matching entry
 * (RTM_GETROUTE with RTM_F_FIB_MATCH, through `ip -j -batch`) must be
 * the prefix and next-hop class that ftsim's poptrie and binary trie
 * give. 127/8, 0/8 and 224/3 are not asked (the kernel's local table
 * answers those).
 *
 * Needs root and network namespaces: otherwise it says why and exits 77,
 * which ctest reports as skipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "bench/gen.h"
#include "sim/poptrie.h"
#include "sim/walk.h"
#include "topology/scenario.h"

#define SKIP 77
#define NDEST 20000

static char dir[] = "/tmp/ftsim-kernel-XXXXXX";
static char f_routes[64], f_query[64], f_out[64], f_err[64];

static void
cleanup(void)
{
	unlink(f_routes);
	unlink(f_query);
	unlink(f_out);
	unlink(f_err);
	rmdir(dir);
}

/* Run `ip ARGS...` with stdout and stderr to files (or inherited when
 * NULL); its exit status, or -1. */
static int
run_ip(char *const argv[], const char *out, const char *err)
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if ((out && freopen(out, "w", stdout) == NULL) ||
		    (err && freopen(err, "w", stderr) == NULL))
			_exit(126);
		execvp("ip", argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
skip(const char *why)
{
	printf("SKIP: kernel oracle: %s\n", why);
	return SKIP;
}

int
main(void)
{
	struct gen_net p = { 2, 400, 10000, 10, 1 };
	struct gen_rng r;
	struct gen_buf b = { 0 };
	struct topo t;
	struct diag d;
	struct sim *sim = NULL;
	const struct rtable *rt;
	struct poptrie_route *pr = NULL;
	struct poptrie *pt = NULL;
	uint32_t *dest = NULL;
	FILE *f, *in;
	char line[4096];
	size_t i, n = 0, nd = 0, bad = 0, holes = 0, asked = 0;
	int rc = 1;

	if (geteuid() != 0)
		return skip("needs root to create a private network namespace");
	if (unshare(CLONE_NEWNET) != 0) {
		snprintf(line, sizeof(line), "no private network namespace: "
			 "unshare(CLONE_NEWNET): %s", strerror(errno));
		return skip(line);
	}
	{
		char *v[] = { "ip", "link", "set", "lo", "up", NULL };
		int k = run_ip(v, NULL, NULL);

		if (k == 127 || k < 0)
			return skip("the ip command (iproute2) cannot be run");
		if (k != 0)
			return skip("ip link set lo up failed in the namespace");
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(f_routes, sizeof(f_routes), "%s/routes", dir);
	snprintf(f_query, sizeof(f_query), "%s/query", dir);
	snprintf(f_out, sizeof(f_out), "%s/out", dir);
	snprintf(f_err, sizeof(f_err), "%s/err", dir);
	atexit(cleanup);

	topo_init(&t);
	diag_init(&d);
	gen_seed(&r, 20261121);
	gen_network_yaml(&b, &r, &p);
	if (b.failed || scenario_parse("kernel.yaml", b.s, b.len, &t, &d) != 0 ||
	    sim_new_opts(&t, &(struct sim_opts){ true }, &d, &sim) != 0) {
		diag_print(stderr, &d);
		goto out;
	}
	rt = sim_rtable(sim, 0, 1);	/* a subnet with a route table */
	if ((pr = calloc(rt->n + 1, sizeof(*pr))) == NULL ||
	    (dest = calloc(NDEST, sizeof(*dest))) == NULL)
		goto out;

	/* The Active routes, into the namespace's main table. */
	if ((f = fopen(f_routes, "w")) == NULL)
		goto out;
	for (i = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];
		char ps[PFX_STRLEN];

		if (e->state != RT_ACTIVE)
			continue;
		pr[n].pfx = e->pfx;
		pr[n].value = (uint32_t)i;
		n++;
		fprintf(f, "route add %s%s%s metric %d\n",
			e->nh == NH_NONE ? "blackhole " : "",
			pfx_format(e->pfx, ps), e->nh == NH_NONE ? "" : " dev lo",
			(int)e->nh + 1);
	}
	if (fclose(f) != 0)
		goto out;
	{
		char *v[] = { "ip", "-batch", f_routes, NULL };

		if (run_ip(v, NULL, NULL) != 0) {
			fprintf(stderr, "ip -batch could not load the routes\n");
			goto out;
		}
	}
	if (poptrie_build(pr, n, &pt) != 0)
		goto out;

	/* The questions: each followed by `link show dev lo`, whose line
	 * marks the end of one answer (a blackhole answers only on
	 * stderr). */
	if ((f = fopen(f_query, "w")) == NULL)
		goto out;
	while (nd < NDEST) {
		uint32_t ip = (uint32_t)gen_next(&r);
		char s[IP_STRLEN];

		if ((ip >> 24) == 127 || (ip >> 24) == 0 || (ip >> 29) == 7)
			continue;
		dest[nd++] = ip;
		fprintf(f, "route get fibmatch %s\nlink show dev lo\n",
			ip_format(ip, s));
	}
	if (fclose(f) != 0)
		goto out;
	{
		char *v[] = { "ip", "-j", "-force", "-batch", f_query, NULL };

		run_ip(v, f_out, f_err);	/* fails when a blackhole answers */
	}
	if ((in = fopen(f_out, "r")) == NULL)
		goto out;
	{
		bool have = false;
		struct pfx kp = { 0, 0 };
		int kmetric = 0;

		while (fgets(line, sizeof(line), in) && asked < nd) {
			json_error_t je;
			json_t *j = json_loads(line, 0, &je), *o;
			const char *dst;

			if (j == NULL || (o = json_array_get(j, 0)) == NULL) {
				json_decref(j);
				continue;
			}
			if ((dst = json_string_value(json_object_get(o, "dst")))) {
				have = true;
				if (strcmp(dst, "default") == 0)
					kp = pfx_make(0, 0);
				else if (pfx_parse(dst, &kp) != 0)
					have = false;
				kmetric = (int)json_integer_value(
				    json_object_get(o, "metric"));
			} else if (json_object_get(o, "ifname")) {
				/* End of one answer: compare. */
				uint32_t ip = dest[asked++], v = 0;
				uint32_t l = poptrie_leaf(pt, ip);
				const struct eroute *e = l ? &rt->r[l - 1] : NULL;
				bool ok;

				if (lpm_lookup(rt->active, ip, &v, NULL) != 0 ||
				    e != &rt->r[v])
					ok = false;	/* poptrie vs binary trie */
				else if (!have)		/* kernel: blackhole */
					ok = e->nh == NH_NONE;
				else
					ok = pfx_equal(kp, e->pfx) &&
					     kmetric == (int)e->nh + 1;
				holes += !have;
				if (!ok && bad++ < 10) {
					char s1[IP_STRLEN], s2[PFX_STRLEN], s3[PFX_STRLEN];

					fprintf(stderr, "mismatch at %s: kernel %s "
						"(metric %d), ftsim %s (%s)\n",
						ip_format(ip, s1),
						have ? pfx_format(kp, s2) : "blackhole",
						kmetric, e ? pfx_format(e->pfx, s3) : "none",
						e ? nh_type_name(e->nh) : "-");
				}
				have = false;
			}
			json_decref(j);
		}
	}
	fclose(in);
	if (asked != nd) {
		fprintf(stderr, "kernel answered %zu of %zu questions\n", asked, nd);
		goto out;
	}
	printf("kernel oracle: %zu Active routes, %zu destinations (%zu "
	       "blackholed), %zu mismatches\n", n, nd, holes, bad);
	rc = bad ? 1 : 0;
out:
	poptrie_free(pt);
	free(pr);
	free(dest);
	sim_free(sim);
	topo_free(&t);
	diag_free(&d);
	gen_buf_free(&b);
	return rc;
}
