/*
 * job.c: loading a scenario for a command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/job.h"
#include "sim/nsg.h"
#include "topology/azjson.h"
#include "topology/scenario.h"

void
job_free(struct job *j)
{
	size_t i;

	for (i = 0; j->run.res != NULL && i < j->run.nres; i++)
		flow_result_free(&j->run.res[i]);
	free(j->run.res);
	sim_free(j->sim);
	topo_free(&j->topo);
	diag_free(&j->diag);
}

int
job_load(struct job *j, const char *path)
{
	memset(j, 0, sizeof(*j));
	topo_init(&j->topo);
	diag_init(&j->diag);
	if (azjson_is_json(path)) {
		/* An Azure export read directly (topology/azjson.h); what it
		 * does not model is said on stderr. */
		struct azjson_notes notes = { NULL, 0 };
		size_t i;
		int rc = azjson_load(&path, 1, &j->topo, &notes, &j->diag);

		for (i = 0; i < notes.n; i++)
			fprintf(stderr, "ftsim: note: %s\n", notes.line[i]);
		azjson_notes_free(&notes);
		if (rc != 0) {
			diag_print(stderr, &j->diag);
			return -1;
		}
	} else if (scenario_load(path, &j->topo, &j->diag) != 0) {
		diag_print(stderr, &j->diag);
		return -1;
	}
	if (nsg_check_tags(&j->topo, &j->diag) != 0) {
		diag_print(stderr, &j->diag);
		return -1;
	}
	if (sim_new(&j->topo, &j->diag, &j->sim) != 0) {
		diag_print(stderr, &j->diag);
		return -1;
	}
	return 0;
}

size_t
job_vm(const struct job *j, const char *name)
{
	size_t vm = topo_vm_find(&j->topo, name);

	if (vm == TOPO_NONE)
		fprintf(stderr, "%s: error: no VM named '%s'\n", j->topo.file,
			name);
	return vm;
}

int
print_json(json_t *doc)
{
	int rc;

	if (doc == NULL) {
		fputs("ftsim: out of memory\n", stderr);
		return -1;
	}
	rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(doc);
	return rc;
}

/* Replay every flow of j into j->run. 0 or a negative errno. */
int
job_run(struct job *j)
{
	size_t i;
	int rc;

	j->run.topo = &j->topo;
	j->run.warnings = &j->diag;
	j->run.sim = j->sim;
	j->run.nres = j->topo.nflows;
	j->run.res = calloc(j->topo.nflows + 1, sizeof(*j->run.res));
	if (j->run.res == NULL)
		return -ENOMEM;
	for (i = 0; i < j->topo.nflows; i++)
		if ((rc = sim_run_flow(j->sim, &j->topo.flows[i],
				       &j->run.res[i])) != 0)
			return rc;
	return 0;
}
