/*
 * report.h: what the JUnit and TAP writers share: the test cases of a
 * run, one per expectation of each flow, and a flow's trace as text.
 */
#ifndef FTSIM_REPORT_H
#define FTSIM_REPORT_H

#include <stddef.h>

#include "cli/out.h"

/* Test cases of one flow: its expectations, or 1 (skipped) for a flow
 * without any. */
static inline size_t
report_cases(const struct flow_result *r)
{
	return r->nexp ? r->nexp : 1;
}

/* Counts over runs: cases, failed cases, skipped cases. */
void report_count(const struct run *runs, size_t n, size_t *cases,
		  size_t *failed, size_t *skipped);

/* A flow's hop lines as one allocated string (free it); NULL when out
 * of memory. */
char *report_trace(const struct run *run, const struct flow_result *r);

#endif
