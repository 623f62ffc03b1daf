/*
 * fuzz_change.c: libFuzzer harness for the change-file reader and
 * change_apply.
 *
 * A change applies to a loaded scenario: the bundled scenario
 * FUZZ_CHANGE_BASE (the one the change files of scenarios/changes/ are
 * written for) is loaded once, and each input is parsed as a change file
 * and applied to it, which works on a copy (topo_copy). A change that
 * applies is then checked and built into an engine and every flow run,
 * as `ftsim whatif` does. The base must come out of it unchanged: it is
 * written as YAML (yamlout.h) after every input and compared with what
 * it was. Any crash, leak, sanitizer report, a refusal without a message
 * or a changed base is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/nsg.h"
#include "sim/walk.h"
#include "topology/change.h"
#include "topology/scenario.h"
#include "topology/yamlout.h"

/* tests/fuzz/CMakeLists.txt gives the absolute path; relative to the
 * top of the tree otherwise. */
#ifndef FUZZ_CHANGE_BASE
#define FUZZ_CHANGE_BASE "scenarios/02-forced-tunnel-breaks-kms.yaml"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The base, loaded on the first input and kept for the whole run (the
 * leak checker sees it as reachable), and its YAML then. */
static struct topo base;
static char *base_yaml;
static size_t base_len;
static int loaded;

static void
base_check(void)
{
	char *y;
	size_t len;

	if (yamlout_topo(&base, NULL, 0, &y, &len) != 0)
		abort();
	if (base_yaml == NULL) {
		base_yaml = y;
		base_len = len;
		return;
	}
	if (len != base_len || memcmp(y, base_yaml, len) != 0)
		abort();
	free(y);
}

static void
load_base(void)
{
	struct diag d;

	diag_init(&d);
	if (scenario_load(FUZZ_CHANGE_BASE, &base, &d) != 0) {
		diag_print(stderr, &d);
		abort();
	}
	diag_free(&d);
	base_check();
	loaded = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct flow_result r;
	struct change c;
	struct topo after;
	struct diag d;
	struct sim *s = NULL;
	size_t i;

	if (!loaded)
		load_base();
	diag_init(&d);
	if (change_parse("fuzz.yaml", (const char *)data, size, &c, &d) != 0) {
		if (d.errors == 0)
			abort();
		diag_free(&d);
		return 0;
	}
	if (d.errors != 0)
		abort();
	if (change_apply(&c, &base, &after, &d) != 0) {
		if (d.errors == 0 || after.nvnets != 0 || after.nrtables != 0)
			abort();
		goto out;
	}
	if (nsg_check_tags(&after, &d) == 0 && sim_new(&after, &d, &s) == 0) {
		for (i = 0; i < after.nflows; i++)
			(void)sim_run_flow(s, &after.flows[i], &r);
		sim_free(s);
	}
	topo_free(&after);
out:
	/* change_apply never touches the base. */
	base_check();
	change_free(&c);
	diag_free(&d);
	return 0;
}
