/*
 * job.h: one scenario as the commands use it: the loaded topology, its
 * messages, its engine and, for `run`, the flows' results.
 */
#ifndef FTSIM_JOB_H
#define FTSIM_JOB_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/out.h"
#include "sim/walk.h"
#include "topology/topo.h"

#define EXIT_FAILED 1
#define EXIT_BADINPUT 2
#define EXIT_NOMEM DIAG_EXIT_NOMEM	/* 4: out of memory */

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

/* A topology imported from standard input is named after its file,
 * "<stdin>": name it "stdin" instead, a name that is a word (a folder's
 * name in a report or a capture set). 0, or -1 out of memory. */
int job_name_stdin(struct topo *t);

/* Replay every flow into j->run (results allocated). 0 or a negative
 * errno for an internal failure. */
int job_run(struct job *j);
/* The same deciding first (sim_decide: every verdict, path, rule,
 * translation, crossing and expectation, no trace lines); a flow whose
 * expectations fail is walked again with its trace. For outputs that
 * print the trace of failures only (TAP, JUnit). */
int job_decide(struct job *j);

/* The VM named by --vm, or an error on stderr ("no VM named 'wbe'; did
 * you mean 'web'?" when one is near: topology/suggest.h) and TOPO_NONE. */
size_t job_vm(const struct job *j, const char *name);
/* The same for a flow (--flow): its index in j->topo.flows. */
size_t job_flow(const struct job *j, const char *name);

/* Print a JSON document on stdout and drop it. 0, or -1 when it is NULL,
 * when any JSON allocation has failed (json_watch: the document may
 * lack a value), when memory ran out anywhere before (diag_oom: a trace
 * line may be missing; its failure was said) or it cannot be printed
 * (out of memory said on stderr; a write error is named by
 * stdout_close). */
int print_json(json_t *doc);

/* Watch jansson's allocations (once, first thing in main); json_failed
 * says whether one has failed since. */
void json_watch(void);
bool json_failed(void);

/* Every command writes to stdout through a stream that keeps the cause
 * of a failed write (stdout_open, first thing in main); stdout_close
 * flushes and closes it as the command returns: status, or
 * EXIT_BADINPUT with the cause on stderr when a write or the close
 * failed (a full disk, /dev/full, a closed pipe's EPIPE...). */
/* An output path (of option opt) that names one of the n inputs: the
 * same file by device and inode when it exists. An error on stderr and
 * -1; else 0. */
int output_not_input(const char *opt, const char *out, char *const *in,
		     size_t n);

void stdout_open(void);
int stdout_close(int status);

#endif
