/*
 * out.h: what the commands print. Text for people (numbered traces, az
 * tables) and JSON (jansson) for programs; both read the same results.
 */
#ifndef FTSIM_OUT_H
#define FTSIM_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/route.h"
#include "sim/trace.h"
#include "sim/walk.h"
#include "topology/topo.h"

/* The results of one scenario file. */
struct run {
	const struct topo *topo;
	struct flow_result *res;	/* one per flow */
	size_t nres;
	const struct diag *warnings;
	struct sim *sim;		/* the engine that ran them */
	bool captures;			/* captures were written: the trace
					 * names files and packet numbers */
	bool ladder;			/* text: a ladder diagram per flow */
};

/*
 * Hop h's what and why as an output shows them (trace.h), in b. After an
 * allocation failure "" and the process-wide mark (diag_set_oom: the
 * command exits 4, "ftsim: out of memory").
 */
const char *out_what(struct tline *b, const struct flow_result *r,
		     const struct hop *h);
const char *out_why(struct tline *b, const struct flow_result *r,
		    const struct hop *h);

void out_text_run(FILE *f, const struct run *run, bool color);
/* The numbered hop lines of one flow, as out_text_run prints them. */
void out_text_hops(FILE *f, const struct run *run,
		   const struct flow_result *r);
void out_text_summary(FILE *f, const struct run *runs, size_t n);
void out_text_routes(FILE *f, const struct rtable *rt);

/*
 * Test reports, one test case per expectation of each flow (a flow
 * without expectations is one skipped case): JUnit XML (out_junit.c)
 * and TAP (out_tap.c). out_junit_write writes the file through an
 * outfile (capture/outfile.h): under a temporary name in the same
 * directory, renamed when complete; on error no file is left and -errno
 * is returned.
 */
int out_junit(FILE *f, const struct run *runs, size_t n);
int out_junit_write(const char *path, const struct run *runs, size_t n);
int out_tap(FILE *f, const struct run *runs, size_t n);

/* New references; NULL only when out of memory. */
json_t *out_json_run(const struct run *run);
/* One flow's object of out_json_run's "flows". */
json_t *out_json_flow(const struct run *run, const struct flow_result *r);
json_t *out_json_routes(const struct rtable *rt);

#endif
