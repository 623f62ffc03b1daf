/*
 * fixture.h: what the engine tests share: one topology, its diagnostics
 * and its engine, loaded from a YAML string, freed after each test.
 */
#ifndef FTSIM_TEST_FIXTURE_H
#define FTSIM_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/route.h"
#include "sim/trace.h"
#include "sim/walk.h"
#include "topology/topo.h"


extern struct topo topo;
extern struct diag diag;
extern struct sim *sim;

/* Check fixture pair: tcase_add_checked_fixture(tc, setup, teardown). */
void setup(void);
void teardown(void);

/* Load a scenario and build the engine; on failure print the messages
 * and fail the test with the first one. */
void load(const char *yaml);

/* The same for a bundled scenario, scenarios/NAME (FTSIM_TESTDATA is
 * the tests/ folder). */
void load_file(const char *name);

/* The same for a file, by its path from the tests/ folder (relative
 * paths in it, such as service_tags, work). */
void load_path(const char *rel);

/*
 * Flows of the loaded scenario (test_estate.c, test_firewall.c): run one
 * by name into the fixture's result (freed by fixture_teardown, the fixture
 * pair's teardown for them), whether its request crossed a node, an
 * address from its text, and a drop's reason.
 */
const struct flow_result *fixture_run(const char *name);
bool fixture_crossed(const struct flow_result *r, const char *node);
uint32_t fixture_ip(const char *s);
void fixture_dropped(const struct flow_result *r, const char *reason);
void fixture_teardown(void);
/* Every scenario file (*.yaml) of folder sub of the tests/ folder, in
 * name order: loaded (load_path), handed to each with its file name, then
 * the fixture set up again. Returns how many. */
size_t fixture_each_scenario(const char *sub,
			     void (*each)(const char *file, void *arg),
			     void *arg);
/* Hop h of r's what and why as the outputs render them (trace.h), in
 * one of a few buffers reused in turn: valid for the next three calls. */
const char *fx_what(const struct flow_result *r, const struct hop *h);
const char *fx_why(const struct flow_result *r, const struct hop *h);
/* The gateway route (source VirtualNetworkGateway) of rt for prefix p,
 * NULL if none. */
const struct eroute *fixture_gw_row(const struct rtable *rt, const char *p);

/* A bad scenario's first message, "LINE:COL: error: TEXT", equals want
 * (case i of a table, named in the failure). */
void fixture_first_error(const char *yaml, const char *want, int i);

#endif
