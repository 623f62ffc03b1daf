/*
 * out_trace.c: a trace line's text for the outputs (trace.h renders it;
 * here a failure to allocate is said once and marked for the exit
 * status).
 */
#include <stdbool.h>
#include <stdio.h>

#include "cli/out.h"
#include "topology/diag.h"

/* Out of memory while rendering: said once, and the process-wide mark
 * (diag.h) makes the command exit DIAG_EXIT_NOMEM. */
static const char *
render_failed(void)
{
	static bool said;

	if (!said)
		fputs("ftsim: out of memory\n", stderr);
	said = true;
	diag_set_oom();
	return "";
}

const char *
out_what(struct tline *b, const struct flow_result *r, const struct hop *h)
{
	const char *s = trace_what(b, r, h);

	return s != NULL ? s : render_failed();
}

const char *
out_why(struct tline *b, const struct flow_result *r, const struct hop *h)
{
	const char *s = trace_why(b, r, h);

	return s != NULL ? s : render_failed();
}
