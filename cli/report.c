/*
 * report.c: test-case counts and flow traces for the JUnit and TAP
 * writers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/report.h"

void
report_count(const struct run *runs, size_t n, size_t *cases,
	     size_t *failed, size_t *skipped)
{
	size_t i, k, e;

	*cases = *failed = *skipped = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < runs[i].nres; k++) {
			const struct flow_result *r = &runs[i].res[k];

			*cases += report_cases(r);
			*skipped += r->nexp == 0;
			for (e = 0; e < r->nexp; e++)
				*failed += !r->exp[e].ok;
		}
}

char *
report_trace(const struct run *run, const struct flow_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	out_text_hops(f, run, r);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
