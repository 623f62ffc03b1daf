/*
 * fuzz_scenario.c: libFuzzer harness for the YAML scenario loader.
 *
 * The input is a scenario file's bytes, handed to scenario_parse as
 * `ftsim run` would hand them after reading the file. A scenario that
 * loads is then checked and simulated the way `ftsim run` does it
 * (nsg_check_tags, sim_new, every flow), since a loaded topology must
 * never crash the engine either. Any crash, leak, sanitizer report or
 * abort is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/nsg.h"
#include "sim/walk.h"
#include "topology/scenario.h"

/* Flows simulated per input: enough to reach every engine path without
 * letting one input take seconds. */
#define FUZZ_MAX_FLOWS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct flow_result r;
	struct topo t;
	struct diag d;
	struct sim *s = NULL;
	size_t i;

	diag_init(&d);
	if (scenario_parse("fuzz.yaml", (const char *)data, size, &t,
	    &d) != 0) {
		/* A refusal must say where and why. */
		if (d.errors == 0)
			abort();
		diag_free(&d);
		return 0;
	}
	if (d.errors != 0)
		abort();
	if (nsg_check_tags(&t, &d) == 0 && sim_new(&t, &d, &s) == 0) {
		for (i = 0; i < t.nflows && i < FUZZ_MAX_FLOWS; i++)
			(void)sim_run_flow(s, &t.flows[i], &r);
		sim_free(s);
	}
	topo_free(&t);
	diag_free(&d);
	return 0;
}
