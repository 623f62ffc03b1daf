/*
 * out_tap.c: `ftsim run --tap`, the results in the Test Anything
 * Protocol on stdout instead of the trace: the plan, then one "ok" or
 * "not ok" line per expectation of each flow, numbered from 1; a flow
 * without expectations is one "ok ... # SKIP" line. A failed line is
 * followed by comment lines ("# ") with want, got and the flow's trace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/out.h"
#include "cli/report.h"

/* A test description: '#' would start a directive and a line break
 * would end the line, so they are escaped and flattened. */
static void
tap_desc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
}

/* Every line of text as a TAP comment. */
static void
tap_comment(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");

		fputs(len ? "# " : "#", f);
		fwrite(p, 1, len, f);
		fputc('\n', f);
		p += len;
		if (*p == '\n')
			p++;
	}
}

static void
tap_name(FILE *f, const struct topo *t, const struct flow *fl,
	 const char *what)
{
	fputs(" - ", f);
	tap_desc(f, t->scenario);
	fputs(": ", f);
	tap_desc(f, fl->name);
	fputs(": ", f);
	tap_desc(f, what);
}

int
out_tap(FILE *f, const struct run *runs, size_t n)
{
	size_t cases, failed, skipped, i, k, e, num = 0;

	report_count(runs, n, &cases, &failed, &skipped);
	fprintf(f, "1..%zu\n", cases);
	for (i = 0; i < n; i++)
		for (k = 0; k < runs[i].nres; k++) {
			const struct flow_result *r = &runs[i].res[k];
			const struct topo *t = runs[i].topo;
			char *trace;

			if (r->nexp == 0) {
				fprintf(f, "ok %zu", ++num);
				tap_name(f, t, r->flow, "(no expectations)");
				fputs(" # SKIP no expectations\n", f);
				continue;
			}
			for (e = 0; e < r->nexp; e++) {
				const struct exp_result *x = &r->exp[e];

				fprintf(f, "%s %zu", x->ok ? "ok" : "not ok",
					++num);
				tap_name(f, t, r->flow, exp_key_name(x->key));
				fputc('\n', f);
				if (x->ok)
					continue;
				fputs("# want: ", f);
				tap_desc(f, fr_str(r, x->want));
				fputs("\n# got:  ", f);
				tap_desc(f, fr_str(r, x->got));
				fputs("\n# trace:\n", f);
				if ((trace = report_trace(&runs[i], r)) == NULL)
					return -ENOMEM;
				tap_comment(f, trace);
				free(trace);
			}
		}
	return 0;
}
