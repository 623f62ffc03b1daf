/*
 * job.h: one scenario as the commands use it: the loaded topology, its
 * messages, its engine and, for `run`, the flows' results.
 */
#ifndef FTSIM_JOB_H
#define FTSIM_JOB_H

#include <stdio.h>

#include "cli/out.h"
#include "sim/walk.h"
#include "topology/topo.h"

#define EXIT_FAILED 1
#define EXIT_BADINPUT 2

struct job {
	struct topo topo;
	struct diag diag;
	struct sim *sim;
	struct run run;
};

/* Load and check one scenario and build its engine; errors are printed
 * to stderr. 0 or -1 (the job must still be freed). */
int job_load(struct job *j, const char *path);
void job_free(struct job *j);

/* Replay every flow into j->run (results allocated). 0 or a negative
 * errno for an internal failure. */
int job_run(struct job *j);

/* The VM named by --vm, or an error on stderr and TOPO_NONE. */
size_t job_vm(const struct job *j, const char *name);

/* Print a JSON document on stdout and drop it; -1 when it is NULL. */
int print_json(json_t *doc);

#endif
