/*
 * out_junit.c: `ftsim run --junit FILE`, the results as JUnit XML for
 * CI systems: one <testsuite> per scenario file, one <testcase> per
 * expectation of each flow (classname "scenario.flow", name the
 * expectation key), a <failure> with want, got and the flow's trace when
 * it does not hold; a flow without expectations is one <skipped> case.
 * No timestamps or host names: the same inputs give the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/outfile.h"
#include "cli/out.h"
#include "cli/report.h"

/*
 * Write s escaped for XML 1.0 character data or, with attr, for an
 * attribute value in double quotes (line breaks and tabs as character
 * references, which attribute normalisation would otherwise flatten).
 * Control characters XML 1.0 forbids become U+FFFD.
 */
static void
xml_escape(FILE *f, const char *s, bool attr)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':	fputs("&amp;", f); break;
		case '<':	fputs("&lt;", f); break;
		case '>':	fputs("&gt;", f); break;
		case '"':	fputs(attr ? "&quot;" : "\"", f); break;
		case '\'':	fputs(attr ? "&apos;" : "'", f); break;
		case '\n':	fputs(attr ? "&#10;" : "\n", f); break;
		case '\r':	fputs("&#13;", f); break;
		case '\t':	fputs(attr ? "&#9;" : "\t", f); break;
		default:
			if (*p < 0x20)
				fputs("\xef\xbf\xbd", f);
			else
				fputc(*p, f);
		}
	}
}

static void
xml_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	xml_escape(f, value, true);
	fputc('"', f);
}

static void
xml_attr_num(FILE *f, const char *name, size_t v)
{
	fprintf(f, " %s=\"%zu\"", name, v);
}

/* <testcase classname="scenario.flow" name=KEY file=... line=...>.
 * 0 or -ENOMEM. */
static int
case_open(FILE *f, const struct topo *t, const struct flow *fl,
	  const char *name, int line)
{
	char *cls;
	size_t len = strlen(t->scenario) + strlen(fl->name) + 2;

	if ((cls = malloc(len)) == NULL)
		return -ENOMEM;
	snprintf(cls, len, "%s.%s", t->scenario, fl->name);
	fputs("    <testcase", f);
	xml_attr(f, "classname", cls);
	free(cls);
	xml_attr(f, "name", name);
	xml_attr(f, "file", t->file);
	fprintf(f, " line=\"%d\"", line);
	return 0;
}

static int
junit_flow(FILE *f, const struct run *run, const struct flow_result *r)
{
	const struct topo *t = run->topo;
	const struct flow *fl = r->flow;
	char *trace = NULL;
	size_t e;

	if (r->nexp == 0) {
		if (case_open(f, t, fl, "(no expectations)", fl->pos.line) != 0)
			return -ENOMEM;
		fputs(">\n      <skipped", f);
		xml_attr(f, "message", "the flow has no expectations: "
			 "nothing to check");
		fputs("/>\n    </testcase>\n", f);
		return 0;
	}
	for (e = 0; e < r->nexp; e++) {
		const struct exp_result *x = &r->exp[e];
		char msg[600];

		if (case_open(f, t, fl, exp_key_name(x->key),
			      fl->expect.pos[x->key].line) != 0) {
			free(trace);
			return -ENOMEM;
		}
		if (x->ok) {
			fputs("/>\n", f);
			continue;
		}
		if (trace == NULL && (trace = report_trace(run, r)) == NULL)
			return -ENOMEM;
		snprintf(msg, sizeof(msg), "want %s, got %s", fr_str(r, x->want),
			 fr_str(r, x->got));
		fputs(">\n      <failure", f);
		xml_attr(f, "message", msg);
		xml_attr(f, "type", "expectation");
		fputs(">", f);
		fputs("want: ", f);
		xml_escape(f, fr_str(r, x->want), false);
		fputs("\ngot: ", f);
		xml_escape(f, fr_str(r, x->got), false);
		fputs("\n\ntrace of flow ", f);
		xml_escape(f, fl->name, false);
		fputs(":\n", f);
		xml_escape(f, trace, false);
		fputs("</failure>\n    </testcase>\n", f);
	}
	free(trace);
	return 0;
}

int
out_junit(FILE *f, const struct run *runs, size_t n)
{
	size_t cases, failed, skipped, i, k;
	int rc;

	report_count(runs, n, &cases, &failed, &skipped);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	xml_attr(f, "name", "ftsim");
	xml_attr_num(f, "tests", cases);
	xml_attr_num(f, "failures", failed);
	xml_attr_num(f, "errors", 0);
	xml_attr_num(f, "skipped", skipped);
	fputs(">\n", f);
	for (i = 0; i < n; i++) {
		const struct topo *t = runs[i].topo;

		report_count(&runs[i], 1, &cases, &failed, &skipped);
		fputs("  <testsuite", f);
		xml_attr(f, "name", t->scenario);
		xml_attr_num(f, "tests", cases);
		xml_attr_num(f, "failures", failed);
		xml_attr_num(f, "errors", 0);
		xml_attr_num(f, "skipped", skipped);
		xml_attr(f, "file", t->file);
		fputs(">\n    <properties>\n      <property", f);
		xml_attr(f, "name", "cloud");
		xml_attr(f, "value", cloud_name(t->cloud));
		fputs("/>\n      <property", f);
		xml_attr(f, "name", "service_tags");
		xml_attr(f, "value", t->tags ? t->tags->origin : "none");
		fputs("/>\n    </properties>\n", f);
		for (k = 0; k < runs[i].nres; k++)
			if ((rc = junit_flow(f, &runs[i], &runs[i].res[k])) != 0)
				return rc;
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return 0;
}

int
out_junit_write(const char *path, const struct run *runs, size_t n)
{
	struct outfile *o;
	int rc;

	if ((rc = outfile_open(path, &o)) != 0)
		return rc;
	if ((rc = out_junit(outfile_stream(o), runs, n)) != 0) {
		outfile_abort(o);
		return rc;
	}
	return outfile_commit(o);
}
