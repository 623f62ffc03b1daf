/*
 * fixture.c: the shared engine-test fixture.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace.h"
#include "tests/unit/fixture.h"
#include "topology/scenario.h"

struct topo topo;
struct diag diag;
struct sim *sim;

void
setup(void)
{
	topo_init(&topo);
	diag_init(&diag);
	sim = NULL;
}

void
teardown(void)
{
	sim_free(sim);
	sim = NULL;
	topo_free(&topo);
	diag_free(&diag);
}

void
load(const char *yaml)
{
	/* The oracles stay: the tests compare the forwarding index with
	 * them. */
	static const struct sim_opts oracles = { true };

	if (scenario_parse("test.yaml", yaml, strlen(yaml), &topo, &diag) != 0) {
		diag_print(stderr, &diag);
		ck_abort_msg("scenario does not load: %s",
			     diag.n ? diag.msgs[0].text : "(no message)");
	}
	if (sim_new_opts(&topo, &oracles, &diag, &sim) != 0) {
		diag_print(stderr, &diag);
		ck_abort_msg("sim_new failed: %s",
			     diag.n ? diag.msgs[diag.n - 1].text : "(no message)");
	}
}

void
load_file(const char *name)
{
	const char *dir = getenv("FTSIM_TESTDATA");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/../scenarios/%s", dir ? dir : "tests",
		 name);
	ck_assert_msg((f = fopen(path, "rb")) != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	ck_assert((buf = malloc((size_t)n + 1)) != NULL);
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	load(buf);
	free(buf);
}

void
load_path(const char *rel)
{
	static const struct sim_opts oracles = { true };
	const char *dir = getenv("FTSIM_TESTDATA");
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests", rel);
	if (scenario_load(path, &topo, &diag) != 0 ||
	    sim_new_opts(&topo, &oracles, &diag, &sim) != 0) {
		diag_print(stderr, &diag);
		ck_abort_msg("%s does not load", path);
	}
}

static struct flow_result fixture_res;

void
fixture_teardown(void)
{
	flow_result_free(&fixture_res);
	teardown();
}

const struct flow_result *
fixture_run(const char *name)
{
	size_t i;

	for (i = 0; i < topo.nflows; i++)
		if (strcmp(topo.flows[i].name, name) == 0) {
			ck_assert_int_eq(sim_run_flow(sim, &topo.flows[i],
						      &fixture_res), 0);
			ck_assert_int_eq(sim_name_points(sim, &fixture_res, 1),
					 0);
			return &fixture_res;
		}
	ck_abort_msg("no flow %s", name);
	return NULL;
}

bool
fixture_crossed(const struct flow_result *r, const char *node)
{
	size_t i;

	for (i = 0; i < r->npath; i++)
		if (strcmp(fr_str(r, r->path[i]), node) == 0)
			return true;
	return false;
}

uint32_t
fixture_ip(const char *s)
{
	uint32_t ip;

	ck_assert_msg(ip_parse(s, &ip) == 0, "bad address %s", s);
	return ip;
}

void
fixture_dropped(const struct flow_result *r, const char *reason)
{
	ck_assert_msg(!r->delivered, "%s delivered", r->flow->name);
	ck_assert_ptr_nonnull(r->drop_reason);
	ck_assert_str_eq(r->drop_reason, reason);
}

void
fixture_first_error(const char *yaml, const char *want, int i)
{
	struct topo t;
	struct diag d;
	char got[512] = "";

	diag_init(&d);
	ck_assert_int_ne(scenario_parse("t.yaml", yaml, strlen(yaml), &t, &d),
			 0);
	ck_assert_uint_ge(d.n, 1);
	snprintf(got, sizeof(got), "%d:%d: %s: %s", d.msgs[0].pos.line,
		 d.msgs[0].pos.col, d.msgs[0].level == DIAG_ERROR ? "error"
		 : "warning", d.msgs[0].text);
	ck_assert_msg(strcmp(got, want) == 0, "case %d:\nwant: %s\ngot:  %s",
		      i, want, got);
	diag_free(&d);
}

const struct eroute *
fixture_gw_row(const struct rtable *rt, const char *p)
{
	struct pfx x;
	size_t i;

	ck_assert(pfx_parse(p, &x) == 0);
	for (i = 0; i < rt->n; i++)
		if (rt->r[i].source == RT_BGP && pfx_equal(rt->r[i].pfx, x))
			return &rt->r[i];
	return NULL;
}

/* A few buffers used in turn: two renderings side by side in one check. */
static struct tline *
fx_buf(void)
{
	static struct tline b[4];
	static size_t next;

	return &b[next++ % 4];
}

const char *
fx_what(const struct flow_result *r, const struct hop *h)
{
	const char *s = trace_what(fx_buf(), r, h);

	ck_assert_ptr_nonnull(s);
	return s;
}

const char *
fx_why(const struct flow_result *r, const struct hop *h)
{
	const char *s = trace_why(fx_buf(), r, h);

	ck_assert_ptr_nonnull(s);
	return s;
}

size_t
fixture_each_scenario(const char *sub, void (*each)(const char *file, void *arg),
		      void *arg)
{
	const char *data = getenv("FTSIM_TESTDATA");
	char dir[4096], name[4200];
	struct dirent **ent;
	size_t done = 0;
	int n, i;

	ck_assert_ptr_nonnull(data);
	snprintf(dir, sizeof(dir), "%s/%s", data, sub);
	ck_assert_int_gt(n = scandir(dir, &ent, NULL, alphasort), 0);
	for (i = 0; i < n; i++) {
		size_t len = strlen(ent[i]->d_name);

		if (len > 5 && strcmp(ent[i]->d_name + len - 5, ".yaml") == 0) {
			snprintf(name, sizeof(name), "%s/%s", sub,
				 ent[i]->d_name);
			load_path(name);
			each(ent[i]->d_name, arg);
			teardown();
			setup();
			done++;
		}
		free(ent[i]);
	}
	free(ent);
	return done;
}
