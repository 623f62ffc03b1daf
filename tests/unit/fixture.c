/*
 * fixture.c: the shared engine-test fixture.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		if (strcmp(r->path[i], node) == 0)
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
