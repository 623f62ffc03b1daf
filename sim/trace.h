/*
 * trace.h: a flow's trace as text, for the outputs. A walk records each
 * line as an event (struct hop: its kind, the indices of what decided,
 * templates and typed arguments in the result's log, walk.h); the text,
 * JSON, JUnit, ladder, diagram, report and flow-log writers render the
 * lines they show with the functions below, the same bytes for the same
 * event. A tline is a growable line of text: no line is ever cut.
 */
#ifndef FTSIM_TRACE_H
#define FTSIM_TRACE_H

#include <stddef.h>

#include "sim/walk.h"

/*
 * Hop h's what and why (why: "" for none) rendered into b, replacing
 * what it held: b->s, or NULL when memory ran out. A TARG_IP argument is
 * written as ip_format does, a TARG_PFX as pfx_format, numbers in
 * decimal, whatever the template's conversion letter.
 */
const char *trace_what(struct tline *b, const struct flow_result *r,
		       const struct hop *h);
const char *trace_why(struct tline *b, const struct flow_result *r,
		      const struct hop *h);
/* The line starting at index k of r's log rendered into b (appended). 0
 * or -ENOMEM. */
int trace_line(struct tline *b, const struct flow_result *r, size_t k);
/* Hop h's node ("vm1", "er-circuit"). */
static inline const char *
trace_node(const struct flow_result *r, const struct hop *h)
{
	return fr_str(r, h->node);
}

#endif
