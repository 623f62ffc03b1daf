/*
 * htmlreport.c: `ftsim report` (htmlreport.h).
 *
 *   ftsim report [--whatif CHANGE.yaml]... -o DIR FILE...
 *
 * Everything is loaded and simulated first (bad input: exit 2, nothing
 * written); then the folder is built under DIR.tmp.XXXXXX: captures of
 * every scenario (cli/pcapout.h), a DOT file and an SVG per flow (dot),
 * the plots' data and scripts (gnuplot), index.html last; then it is
 * renamed to DIR. A DIR that exists is replaced only when it is an
 * earlier report (its index.html says so). The folder's files are named
 * by position (scenario 3, flow 2: diagrams/03-02.svg), so a name from a
 * user's file never becomes a path; text from those files is escaped in
 * the HTML and stripped of tabs and line breaks in the plots' data.
 *
 * Same inputs, same bytes: nothing depends on the clock, the machine or
 * the folder's path.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/outfile.h"
#include "cli/diagram.h"
#include "cli/gpscripts.h"
#include "capture/pcapw.h"
#include "cli/htmlreport.h"
#include "cli/whatif.h"
#include "cli/help.h"
#include "cli/job.h"
#include "cli/pcapout.h"
#include "cli/report.h"
#include "cli/spawn.h"
#include "sim/nsg.h"
#include "sim/whatif.h"
#include "topology/change.h"

#define REPORT_MARK "<meta name=\"generator\" content=\"ftsim report\">"
#define LABEL_MAX 40		/* characters of a name in a plot */

/* What a flow's expectations say (a column of its own, beside the
 * network's answer). */
enum expverdict { EXP_HELD, EXP_FAILED, EXP_NONE };

static const char *const expverdict_name[] = {
	[EXP_HELD] = "held", [EXP_FAILED] = "failed", [EXP_NONE] = "none",
};

/* One change of --whatif, compared with the base (the first FILE). The
 * after side is kept for the flows whose verdict changes: their traces
 * and diagrams after the change, beside the base's. */
struct wichange {
	const char *file;
	char *name;
	struct whatif_result res;
	uint64_t nexthop, fate;		/* addresses, summed over VMs */
	struct change ch;		/* what after's positions point at */
	struct topo after;
	struct sim *sim;
	struct run run;			/* every flow of after, traced */
	size_t *pair;			/* per changed flow of res: base flow
					 * index, after flow index (2 each);
					 * TOPO_NONE for a service or one-sided
					 * flow */
};

/* The report being written. */
struct report {
	struct job *jobs;
	size_t n;
	struct wichange *wi;
	size_t nwi;
	char *dir;			/* the temporary folder */
	char err[1024];
};

static enum expverdict
expverdict_of(const struct flow_result *r)
{
	if (r->nexp == 0)
		return EXP_NONE;
	return r->all_ok ? EXP_HELD : EXP_FAILED;
}

/*
 * The network's answer, whatever the scenario expects: a flow works when
 * its request is delivered, a service that checks the source (KMS, SUSE)
 * accepts it, and a TCP flow connects. Anything else is broken.
 */
static bool
flow_works(const struct flow_result *r)
{
	return r->delivered && r->activation != ACT_REFUSED &&
	    (r->flow->proto != PROTO_TCP || r->tcp_connect);
}

void
html_escape(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
}

/* A name for a plot's data: no tab, line break or quote, at most
 * LABEL_MAX bytes cut on a UTF-8 character boundary. */
static void
tsv_label(FILE *f, const char *s)
{
	size_t len = strlen(s), i;

	if (len > LABEL_MAX) {
		len = LABEL_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		fputc(c < 0x20 || c == 0x7f ? ' ' : c == '"' ? '\'' : c, f);
	}
	if (len < strlen(s))
		fputs("...", f);
}

/* ---------------------------------------------------------------- */
/* Files */


static int
rmtree_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 ? 0 : -1;
}

/* Remove a folder the report made, with everything in it. */
static void
rmtree(const char *dir)
{
	(void)nftw(dir, rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
rep_path(const struct report *rp, const char *name)
{
	size_t len = strlen(rp->dir) + strlen(name) + 2;
	char *p = malloc(len);

	if (p != NULL)
		snprintf(p, len, "%s/%s", rp->dir, name);
	return p;
}

/* Open a file of the folder for writing; NULL with rp->err set. */
static FILE *
rep_open(struct report *rp, const char *name)
{
	char *p = rep_path(rp, name);
	FILE *f = p != NULL ? fopen(p, "w") : NULL;

	if (f == NULL)
		snprintf(rp->err, sizeof(rp->err), "cannot write %s/%s: %s",
		    rp->dir, name, p != NULL ? strerror(errno) :
		    "out of memory");
	free(p);
	return f;
}

/* Close a file of the folder; -1 with rp->err set if anything failed. */
static int
rep_close(struct report *rp, FILE *f, const char *name)
{
	int bad = ferror(f), e = 0;

	/* fclose's errno when the last flush fails; an earlier failed
	 * write keeps none (the caller then tries the folder). */
	if (fclose(f) != 0)
		e = errno;
	if (e != 0 || bad) {
		snprintf(rp->err, sizeof(rp->err), "cannot write %s/%s%s%s",
		    rp->dir, name, e != 0 ? ": " : "", e != 0 ? strerror(e) :
		    "");
		return -1;
	}
	return 0;
}

/* The folder of scenario i's captures, relative to the report. */
static void
scen_dir(const struct job *j, size_t i, char *buf, size_t len)
{
	char *c;
	size_t off = (size_t)snprintf(buf, len, "captures/%02zu-", i + 1);

	if (off < len)
		snprintf(buf + off, len - off, "%.64s", j->topo.scenario);
	for (c = buf + (off < len ? off : len - 1); *c != '\0'; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '-' && *c != '.' &&
		    *c != '_')
			*c = '_';
}

/* ---------------------------------------------------------------- */
/* Captures and diagrams */

static int
write_captures(struct report *rp)
{
	char rel[128], *path;
	size_t i, files;
	uint64_t pkts;
	int rc;

	for (i = 0; i < rp->n; i++) {
		struct job *j = &rp->jobs[i];

		scen_dir(j, i, rel, sizeof(rel));
		if ((path = rep_path(rp, rel)) == NULL)
			return -ENOMEM;
		rc = pcapout_run(j->sim, j->run.res, j->run.nres, path, NULL,
		    &files, &pkts);
		free(path);
		if (rc != 0) {
			snprintf(rp->err, sizeof(rp->err), "cannot write the "
			    "captures of %s", j->topo.file);
			return rc;
		}
		j->run.captures = true;
	}
	return 0;
}

/* diagrams/PREFIXAA-BB.dot and .svg of flow result r of run. */
static int
write_diagram(struct report *rp, const char *prefix, size_t a, size_t b,
    const struct run *run, const struct flow_result *r)
{
	char name[64], *dot, *svg;
	int rc = 0;

	snprintf(name, sizeof(name), "diagrams/%s%02zu-%02zu.dot", prefix, a,
	    b);
	dot = rep_path(rp, name);
	snprintf(name, sizeof(name), "diagrams/%s%02zu-%02zu.svg", prefix, a,
	    b);
	svg = rep_path(rp, name);
	if (dot == NULL || svg == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		rc = diagram_write(run, r, dot, DG_DOT, rp->err,
		    sizeof(rp->err));
	if (rc == 0)
		rc = diagram_render(dot, svg, DG_SVG, rp->err,
		    sizeof(rp->err));
	free(dot);
	free(svg);
	return rc;
}

static int
write_diagrams(struct report *rp)
{
	char *dot;
	size_t i, k;
	int rc = 0;

	if ((dot = rep_path(rp, "diagrams")) == NULL)
		return -ENOMEM;
	if (mkdir(dot, 0777) == -1) {
		rc = -errno;
		snprintf(rp->err, sizeof(rp->err), "cannot create %s: %s",
		    dot, strerror(errno));
	}
	free(dot);
	for (i = 0; i < rp->n && rc == 0; i++) {
		struct job *j = &rp->jobs[i];

		for (k = 0; k < j->run.nres && rc == 0; k++)
			rc = write_diagram(rp, "", i + 1, k + 1, &j->run,
			    &j->run.res[k]);
	}
	return rc;
}

/* The after side's diagram of each flow whose verdict a change alters:
 * diagrams/wCC-FF.dot and .svg (change CC, flow FF of the base), drawn
 * as the base's are. */
static int
write_whatif_diagrams(struct report *rp)
{
	size_t i, c;
	int rc = 0;

	for (i = 0; i < rp->nwi && rc == 0; i++) {
		const struct wichange *w = &rp->wi[i];

		for (c = 0; c < w->res.nflows && rc == 0; c++) {
			size_t kb = w->pair[2 * c], ka = w->pair[2 * c + 1];

			if (kb == TOPO_NONE)
				continue;
			rc = write_diagram(rp, "w", i + 1, kb + 1, &w->run,
			    &w->run.res[ka]);
		}
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* Plots */

static int
write_script(struct report *rp, const char *name)
{
	size_t i;
	FILE *f;

	for (i = 0; i < gp_nscripts; i++)
		if (strcmp(gp_scripts[i].name, name) == 0)
			break;
	if (i == gp_nscripts) {
		snprintf(rp->err, sizeof(rp->err), "internal error: no "
		    "script %s", name);
		return -1;
	}
	if ((f = rep_open(rp, name)) == NULL)
		return -1;
	fwrite(gp_scripts[i].text, 1, gp_scripts[i].len, f);
	return rep_close(rp, f, name);
}

static int
run_gnuplot(struct report *rp, const char *script)
{
	char *argv[] = { "gnuplot", (char *)script, NULL };
	char err[512];
	int rc;

	if (write_script(rp, script) != 0)
		return -1;
	if ((rc = spawn_run(argv, rp->dir, err, sizeof(err))) != 0) {
		snprintf(rp->err, sizeof(rp->err), "gnuplot %s: %s", script,
		    err);
		return rc;
	}
	return 0;
}

/* The segment class of a hop by the point it leads to (hops.gp,
 * latency.gp). */
static const char *
seg_class(enum cap_kind k)
{
	switch (k) {
	case CAP_CIRCUIT_PRIVATE: return "circuit-private";
	case CAP_CIRCUIT_PUBLIC: return "circuit-public";
	case CAP_CIRCUIT_MICROSOFT: return "circuit-microsoft";
	case CAP_ONPREM_INSIDE: return "onprem-inside";
	case CAP_ONPREM_OUTSIDE: return "onprem-outside";
	default: return cap_kind_name(k);
	}
}

/* Does any scenario set its own link delays (`timing:`)? Without it the
 * simulated clock runs on the model's default delays, which measure
 * nothing: no latency plot. */
static bool
any_timing(const struct report *rp)
{
	size_t i;

	for (i = 0; i < rp->n; i++)
		if (rp->jobs[i].topo.timing.set)
			return true;
	return false;
}

/* A plot row's label: "SS flow: works". */
static void
row_label(FILE *f, size_t si, const struct flow_result *r)
{
	fprintf(f, "%02zu ", si + 1);
	tsv_label(f, r->flow->name);
	fprintf(f, ": %s", flow_works(r) ? "works" : "broken");
}

/*
 * Each flow's request, one bar per flow and one segment per hop from
 * one capture point to the next, coloured by where the hop leads; a
 * request that is dropped ends in a "dropped" segment. clock: the x axis
 * is the simulated clock (ms, latency.gp), else the hop count (hops.gp).
 * Flows on the direct path, through an Azure hairpin and through a
 * customer hairpin go to three panels.
 */
/* gcc's analyzer follows f[] opened in one loop and closed in another
 * and reports a FILE leaked on a path that closes all three: every
 * return below comes after the closing loop or closes what was opened. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-file-leak"
#endif
static int
plot_path(struct report *rp, bool clock)
{
	const char *base = clock ? "latency" : "hops";
	FILE *f[3];
	char name[32];
	size_t rows[3] = { 0, 0, 0 }, i, k, x, p;
	double xmax = 0;
	int rc = 0;

	for (p = 0; p < 3; p++) {
		snprintf(name, sizeof(name), "%s-%zu.tsv", base, p);
		if ((f[p] = rep_open(rp, name)) == NULL) {
			while (p-- > 0)
				fclose(f[p]);
			return -1;
		}
		fprintf(f[p], "# row\tstart %s\tend %s\tpoint kind\tflow\n",
		    clock ? "ms" : "hop", clock ? "ms" : "hop");
	}
	for (i = 0; i < rp->n; i++) {
		const struct run *run = &rp->jobs[i].run;

		for (k = 0; k < run->nres; k++) {
			const struct flow_result *r = &run->res[k];
			const struct xing *prev = NULL;
			double at = 0, end;
			size_t nseg = 0;

			p = r->hairpin == HAIRPIN_CUSTOMER ? 2 :
			    r->hairpin == HAIRPIN_AZURE ? 1 : 0;
			rows[p]++;
			/* MODEL §7: at_us is the simulated clock. */
			for (x = 0; x < r->nxing; x++) {
				const struct xing *c = &r->xing[x];

				if (c->reply)
					continue;
				if (prev != NULL) {
					if (clock)
						at = prev->at_us / 1000.0;
					end = clock ? c->at_us / 1000.0 :
					    (double)(nseg + 1);
					fprintf(f[p], "%zu\t%.3f\t%.3f\t%s\t",
					    rows[p], at, end, seg_class(
					    sim_point_kind(run->sim, c->point)));
					row_label(f[p], i, r);
					fputc('\n', f[p]);
					at = end;
					nseg++;
				}
				prev = c;
			}
			if (!r->delivered) {
				/* the drop: half a hop, or a tenth of the
				 * longest bar so far */
				end = at + (clock ? (xmax > 0 ? xmax / 10 :
				    0.1) : 0.5);
				fprintf(f[p], "%zu\t%.3f\t%.3f\tdropped\t",
				    rows[p], at, end);
				row_label(f[p], i, r);
				fputc('\n', f[p]);
				at = end;
				nseg++;
			}
			if (nseg == 0) {
				/* no hop: the row keeps its label */
				fprintf(f[p], "%zu\t0\t0\tnic\t", rows[p]);
				row_label(f[p], i, r);
				fputc('\n', f[p]);
			}
			if (at > xmax)
				xmax = at;
		}
	}
	for (p = 0; p < 3; p++) {
		snprintf(name, sizeof(name), "%s-%zu.tsv", base, p);
		if (rep_close(rp, f[p], name) != 0)
			rc = -1;
	}
	snprintf(name, sizeof(name), "%s-size.gp", base);
	if (rc != 0 || (f[0] = rep_open(rp, name)) == NULL)
		return -1;
	fprintf(f[0], "n0 = %zu\nn1 = %zu\nn2 = %zu\nxmax = %.3f\n", rows[0],
	    rows[1], rows[2], xmax);
	if (rep_close(rp, f[0], name) != 0)
		return -1;
	snprintf(name, sizeof(name), "%s.gp", base);
	return run_gnuplot(rp, name);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

static int
plot_whatif(struct report *rp)
{
	size_t i, maxflows = 0;
	bool any = false;
	FILE *f;

	if ((f = rep_open(rp, "whatif.tsv")) == NULL)
		return -1;
	fputs("# change\tnext-hop addresses\tfate addresses\tflows\n", f);
	for (i = 0; i < rp->nwi; i++) {
		const struct wichange *w = &rp->wi[i];

		tsv_label(f, w->name);
		fprintf(f, "\t%llu\t%llu\t%zu\n", (unsigned long long)w->nexthop,
		    (unsigned long long)w->fate, w->res.nflows);
		any = any || w->nexthop > 0 || w->fate > 0;
		if (w->res.nflows > maxflows)
			maxflows = w->res.nflows;
	}
	if (rep_close(rp, f, "whatif.tsv") != 0 ||
	    (f = rep_open(rp, "whatif-size.gp")) == NULL)
		return -1;
	fprintf(f, "nchanges = %zu\nany = %d\nmaxflows = %zu\n", rp->nwi,
	    any ? 1 : 0, maxflows);
	if (rep_close(rp, f, "whatif-size.gp") != 0)
		return -1;
	return run_gnuplot(rp, "whatif.gp");
}

/* ---------------------------------------------------------------- */
/* index.html */

static const char css[] =
    "body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222;"
    "max-width:1800px}\n"
    "h1{margin-bottom:.2em}h2{border-bottom:2px solid #ccc;"
    "padding-bottom:.2em;margin-top:1.6em}\n"
    "h3{margin-top:1.4em}h4{margin:.8em 0 .3em}\n"
    "table{border-collapse:collapse}td,th{padding:2px 8px;"
    "border:1px solid #ddd;text-align:left;vertical-align:top}\n"
    "table.flows td{font-size:13px}\n"
    "tr.works td.answer,.badge.works{background:#2e7d32;color:#fff;"
    "font-weight:bold}\n"
    "tr.broken td.answer,.badge.broken{background:#c62828;color:#fff;"
    "font-weight:bold}\n"
    "tr.works{border-left:6px solid #2e7d32}"
    "tr.broken{border-left:6px solid #c62828}\n"
    "td.held,.badge.held{color:#2e7d32}td.failed,.badge.failed"
    "{color:#c62828;font-weight:bold}td.none,.badge.none{color:#666}\n"
    ".badge{display:inline-block;padding:1px 7px;border-radius:4px;"
    "font-size:12px;vertical-align:middle;border:1px solid #ccc}\n"
    ".ok{color:#2e7d32}.bad{color:#c62828;font-weight:bold}\n"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:12px;"
    "line-height:1.35}\n"
    "img{max-width:100%;height:auto;border:1px solid #eee}\n"
    /* A diagram at its own size (Graphviz's 10 pt labels), scrolled
     * inside its box rather than shrunk; the link opens the SVG. */
    ".diagram{overflow:auto;max-height:80vh;border:1px solid #eee}\n"
    ".diagram img{max-width:none;height:auto;border:none}\n"
    ".flow{border-left:4px solid #ddd;padding-left:1em;margin:1.2em 0}\n"
    ".flow.works{border-left-color:#2e7d32}"
    ".flow.broken{border-left-color:#c62828}\n"
    ".warn{color:#8a6d00}.muted{color:#666;font-size:13px}\n"
    ".caps a{margin-right:.7em}\n";

static void
h(FILE *f, const char *s)
{
	html_escape(f, s);
}

/* The trace line that ended one direction of r ("dropped: ..."), or
 * TOPO_NONE. */
static size_t
drop_hop(const struct flow_result *r, bool reply)
{
	size_t k;

	for (k = 0; k < r->nhops; k++)
		if (r->hops[k].reply == reply && r->hops[k].kind == HOP_DROP)
			return k;
	return TOPO_NONE;
}

/* Where and why one direction was dropped: the node, the decision taken
 * there just before (the NSG rule, the route) and the drop's own why. */
static void
drop_where(FILE *f, const struct flow_result *r, bool reply,
	   const char *reason)
{
	size_t k = drop_hop(r, reply);
	const struct hop *d, *before;
	struct tline b = { 0 };
	const char *why;
	bool same;

	fputs(reply ? "reply dropped" : "dropped", f);
	if (reason != NULL) {
		fputs(" (", f);
		h(f, reason);
		fputc(')', f);
	}
	if (k == TOPO_NONE)
		return;
	d = &r->hops[k];
	before = k > 0 && r->hops[k - 1].reply == reply ? &r->hops[k - 1] :
	    NULL;
	same = before != NULL &&
	    strcmp(trace_node(r, before), trace_node(r, d)) == 0;
	fputs(" at ", f);
	h(f, trace_node(r, d));
	if (same) {
		fputs(": ", f);
		h(f, out_what(&b, r, before));
	}
	if ((why = out_why(&b, r, d))[0] != '\0') {
		fputs(same ? "; " : ": ", f);
		h(f, why);
	}
	tline_free(&b);
}

/* Why a flow works or is broken, one line of HTML. */
static void
html_reason(FILE *f, const struct flow_result *r)
{
	char ip[IP_STRLEN];
	bool tcp = r->flow->proto == PROTO_TCP;
	size_t k;

	if (!r->delivered) {
		drop_where(f, r, false, r->drop_reason);
		return;
	}
	if (r->activation == ACT_REFUSED) {
		fputs("activation refused: source seen ", f);
		if (r->has_source_seen)
			fprintf(f, "%s (%s)", ip_format(r->source_seen, ip),
			    srcclass_name(r->source_class));
		else
			fputs("unknown", f);
		/* the route that sent it there: the request's last, which
		 * led it out (through a firewall or an appliance, the one
		 * of their subnet) */
		for (k = r->nhops; k-- > 0;)
			if (!r->hops[k].reply && r->hops[k].kind == HOP_ROUTE) {
				struct tline b = { 0 };

				fputs("; at ", f);
				h(f, trace_node(r, &r->hops[k]));
				fputs(": ", f);
				h(f, out_what(&b, r, &r->hops[k]));
				tline_free(&b);
				break;
			}
		return;
	}
	if (tcp && !r->tcp_connect) {
		fputs("TCP does not connect: ", f);
		if (!r->replied)
			fputs("no answer", f);
		else if (!r->reply_delivered)
			drop_where(f, r, true, r->reply_drop_reason);
		else
			fputs("the answer is not the answer to the request",
			    f);
		return;
	}
	fputs("delivered", f);
	if (r->activation == ACT_ACCEPTED)
		fputs(", activation accepted", f);
	if (r->has_source_seen)
		fprintf(f, ", source seen %s (%s)", ip_format(r->source_seen,
		    ip), srcclass_name(r->source_class));
	if (tcp)
		fputs(", TCP connects", f);
}

/* The answer of every flow, one row each: works or broken, why, and
 * (a separate column) what the expectations say. */
static void
html_flowtable(FILE *f, const struct report *rp)
{
	size_t i, k, e, held;

	fputs("<table class=\"flows\">\n<tr><th>scenario</th><th>flow</th>"
	    "<th>from &rarr; to</th><th>answer</th><th>why</th>"
	    "<th>expectations</th></tr>\n", f);
	for (i = 0; i < rp->n; i++) {
		const struct run *run = &rp->jobs[i].run;

		for (k = 0; k < run->nres; k++) {
			const struct flow_result *r = &run->res[k];
			bool ok = flow_works(r);
			enum expverdict x = expverdict_of(r);

			fprintf(f, "<tr class=\"%s\"><td><a href=\"#s%zu\">"
			    "%02zu ", ok ? "works" : "broken", i + 1, i + 1);
			h(f, run->topo->scenario);
			fprintf(f, "</a></td><td class=\"name\"><a href=\"#s%zu"
			    "-f%zu\">", i + 1, k + 1);
			h(f, r->flow->name);
			fputs("</a></td><td>", f);
			h(f, r->nhops > 0 ? trace_node(r, &r->hops[0]) : "?");
			fputs(" &rarr; ", f);
			h(f, r->flow->to);
			fprintf(f, " %s/%u</td><td class=\"answer\">%s</td>"
			    "<td class=\"why\">", proto_name(r->flow->proto),
			    r->flow->port, ok ? "works" : "broken");
			html_reason(f, r);
			fprintf(f, "</td><td class=\"%s\">%s",
			    expverdict_name[x], expverdict_name[x]);
			for (e = held = 0; e < r->nexp; e++)
				held += r->exp[e].ok;
			if (r->nexp > 0)
				fprintf(f, " <span class=\"muted\">(%zu of "
				    "%zu)</span>", held, r->nexp);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</table>\n<p class=\"muted\"><b>answer</b>: what the network "
	    "does, whatever the scenario expects: a flow <i>works</i> when "
	    "its request is delivered, a service that checks the source "
	    "(KMS, SUSE) accepts it and, for TCP, the connection is made; "
	    "anything else is <i>broken</i>. <b>expectations</b>: "
	    "<i>held</i> (all of the flow's expectations hold), "
	    "<i>failed</i> (one does not), <i>none</i> (the scenario "
	    "expects nothing of it).</p>\n", f);
}

static void
html_outcome(FILE *f, const struct flow_result *r)
{
	char ip[IP_STRLEN];

	fprintf(f, "<p>%s", r->delivered ? "delivered" : "not delivered");
	if (r->drop_reason != NULL) {
		fputs(" (", f);
		h(f, r->drop_reason);
		fputc(')', f);
	}
	if (r->flow->proto == PROTO_TCP)
		fprintf(f, ", TCP %s", r->tcp_connect ? "connects" : "fails");
	if (r->activation != ACT_NONE)
		fprintf(f, ", activation %s", activation_name(r->activation));
	if (r->has_source_seen)
		fprintf(f, ", source seen %s (%s)", ip_format(r->source_seen,
		    ip), srcclass_name(r->source_class));
	fprintf(f, ", hairpin %s", hairpin_name(r->hairpin));
	if (r->replied) {
		fprintf(f, "; reply %s", r->reply_delivered ? "delivered" :
		    "lost");
		if (r->reply_drop_reason != NULL) {
			fputs(" (", f);
			h(f, r->reply_drop_reason);
			fputc(')', f);
		}
	}
	fputs("</p>\n", f);
}

static void
html_expectations(FILE *f, const struct flow_result *r)
{
	size_t e;

	if (r->nexp == 0) {
		fputs("<p class=\"muted\">no expectation</p>\n", f);
		return;
	}
	fputs("<table><tr><th></th><th>expectation</th><th>want</th>"
	    "<th>got</th></tr>\n", f);
	for (e = 0; e < r->nexp; e++) {
		const struct exp_result *x = &r->exp[e];

		fprintf(f, "<tr><td class=\"%s\">%s</td><td>%s</td><td>",
		    x->ok ? "ok" : "bad", x->ok ? "&#10003;" : "&#10007;",
		    exp_key_name(x->key));
		h(f, fr_str(r, x->want));
		fputs("</td><td>", f);
		h(f, fr_str(r, x->got));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The captures a flow's packets show in, in the order they meet them,
 * with the first packet's number in each. */
static void
html_captures(FILE *f, const struct job *j, size_t si,
	      const struct flow_result *r)
{
	char rel[128];
	size_t x, y;

	scen_dir(j, si, rel, sizeof(rel));
	fputs("<p class=\"caps\">captures: ", f);
	for (x = 0; x < r->nxing; x++) {
		const char *pt = sim_point_name(j->sim, r->xing[x].point);

		for (y = 0; y < x; y++)
			if (r->xing[y].point == r->xing[x].point)
				break;
		if (y < x || pt == NULL)
			continue;
		/* point names are file names already (docs/format.md) */
		fprintf(f, "<a href=\"%s/", rel);
		h(f, pt);
		fputs(".pcap\">", f);
		h(f, pt);
		fprintf(f, ".pcap</a><span class=\"muted\">#%u</span> ",
		    (unsigned)r->xing[x].pktno);
	}
	fputs("</p>\n", f);
}

static void
html_flow(FILE *f, const struct job *j, size_t si, size_t k)
{
	const struct flow_result *r = &j->run.res[k];
	bool ok = flow_works(r);
	enum expverdict x = expverdict_of(r);
	char ip[IP_STRLEN], *trace;

	fprintf(f, "<div class=\"flow %s\" id=\"s%zu-f%zu\">\n<h4><span "
	    "class=\"badge %s\">%s</span> <span class=\"badge %s\">"
	    "expectations: %s</span> flow ", ok ? "works" : "broken", si + 1,
	    k + 1, ok ? "works" : "broken", ok ? "works" : "broken",
	    expverdict_name[x], expverdict_name[x]);
	h(f, r->flow->name);
	fputs(": ", f);
	h(f, r->nhops > 0 ? trace_node(r, &r->hops[0]) : "?");
	fputs(" &rarr; ", f);
	h(f, r->flow->to);
	fprintf(f, " (%s) %s/%u</h4>\n<p class=\"why\">", ip_format(r->dst,
	    ip), proto_name(r->flow->proto), r->flow->port);
	html_reason(f, r);
	fputs("</p>\n", f);
	html_outcome(f, r);
	html_expectations(f, r);
	/* At its own size, in a box that scrolls; click: the SVG alone. */
	fprintf(f, "<div class=\"diagram\"><a href=\"diagrams/%02zu-%02zu.svg"
	    "\" title=\"open the diagram alone\"><img src=\"diagrams/%02zu-"
	    "%02zu.svg\" alt=\"path of flow ", si + 1, k + 1, si + 1, k + 1);
	h(f, r->flow->name);
	fprintf(f, "\"></a></div>\n<p class=\"muted\">path diagram: <a href="
	    "\"diagrams/%02zu-%02zu.svg\">open it alone (SVG)</a>, <a href="
	    "\"diagrams/%02zu-%02zu.dot\">DOT</a></p>\n", si + 1, k + 1,
	    si + 1, k + 1);
	html_captures(f, j, si, r);
	fprintf(f, "<details><summary>trace (%zu steps)</summary><pre>",
	    r->nhops);
	if ((trace = report_trace(&j->run, r)) != NULL)
		h(f, trace);
	free(trace);
	fputs("</pre></details>\n</div>\n", f);
}

/* One side of a changed flow: its outcome, path diagram and trace. */
static void
html_whatif_side(FILE *f, const char *side, const struct run *run,
    const struct flow_result *r, const char *diagram)
{
	char *trace;

	fprintf(f, "<td><p><b>%s</b></p>\n", side);
	html_outcome(f, r);
	fprintf(f, "<p><a href=\"%s.svg\"><img src=\"%s.svg\" alt=\"%s: "
	    "path of flow ", diagram, diagram, side);
	h(f, r->flow->name);
	fprintf(f, "\"></a><br><span class=\"muted\">path diagram (<a href="
	    "\"%s.dot\">DOT</a>)</span></p>\n", diagram);
	fprintf(f, "<details><summary>trace %s (%zu steps)</summary><pre>",
	    side, r->nhops);
	if ((trace = report_trace(run, r)) != NULL)
		h(f, trace);
	free(trace);
	fputs("</pre></details></td>\n", f);
}

/* The flows of the base whose verdict change i alters, each with its
 * trace and diagram before (the base's) and after. */
static void
html_whatif_flows(FILE *f, const struct report *rp, size_t i)
{
	const struct wichange *w = &rp->wi[i];
	const struct job *base = &rp->jobs[0];
	char diag[64];
	size_t c, n = 0;

	for (c = 0; c < w->res.nflows; c++)
		n += w->pair[2 * c] != TOPO_NONE;
	if (n == 0)
		return;
	fprintf(f, "<h3 id=\"w%zu\">", i + 1);
	h(f, w->name);
	fprintf(f, ": %zu flow%s before | after</h3>\n", n,
	    n == 1 ? "" : "s");
	for (c = 0; c < w->res.nflows; c++) {
		size_t kb = w->pair[2 * c], ka = w->pair[2 * c + 1], x;

		if (kb == TOPO_NONE)
			continue;
		fprintf(f, "<div class=\"flow\" id=\"w%zu-f%zu\">\n<h4>flow "
		    "<a href=\"#s1-f%zu\">", i + 1, kb + 1, kb + 1);
		h(f, w->res.flows[c].name);
		fputs("</a>: ", f);
		h(f, w->res.flows[c].desc);
		fputs("</h4>\n<table><tr><th>changed</th><th>before</th>"
		    "<th>after</th></tr>\n", f);
		for (x = 0; x < w->res.flows[c].nfields; x++) {
			const struct wi_field *fl = &w->res.flows[c].fields[x];

			fprintf(f, "<tr><td>%s</td><td>", fl->name);
			h(f, fl->before);
			fputs("</td><td>", f);
			h(f, fl->after);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n<table><tr>\n", f);
		snprintf(diag, sizeof(diag), "diagrams/01-%02zu", kb + 1);
		html_whatif_side(f, "before", &base->run, &base->run.res[kb],
		    diag);
		snprintf(diag, sizeof(diag), "diagrams/w%02zu-%02zu", i + 1,
		    kb + 1);
		html_whatif_side(f, "after", &w->run, &w->run.res[ka], diag);
		fputs("</tr></table>\n</div>\n", f);
	}
}

static void
html_whatif(FILE *f, const struct report *rp)
{
	char pf[PFX_STRLEN];
	size_t i, v, g, c;

	fputs("<h2 id=\"whatif\">What-if</h2>\n<p>Each change applied to ", f);
	h(f, rp->jobs[0].topo.file);
	fputs(" (exhaustive: every destination range of every VM).</p>\n"
	    "<p><a href=\"whatif.svg\"><img src=\"whatif.svg\" alt=\"changed "
	    "address space per change\"></a></p>\n<table><tr><th>change</th>"
	    "<th>flows changed</th><th>next hop changed (addresses)</th>"
	    "<th>fate changed (addresses)</th><th>next-hop ranges</th></tr>\n",
	    f);
	for (i = 0; i < rp->nwi; i++) {
		const struct wichange *w = &rp->wi[i];

		fputs("<tr><td>", f);
		h(f, w->name);
		fputs("<br><span class=\"muted\">", f);
		h(f, w->file);
		fprintf(f, "</span></td><td>%zu", w->res.nflows);
		for (c = 0; c < w->res.nflows; c++) {
			fputs("<br>", f);
			h(f, w->res.flows[c].name);
		}
		fprintf(f, "</td><td>%llu</td><td>%llu</td><td>",
		    (unsigned long long)w->nexthop,
		    (unsigned long long)w->fate);
		for (v = 0; v < w->res.nvms; v++) {
			const struct wi_vm *m = &w->res.vms[v];
			size_t shown = 0;

			if (m->nnexthop == 0)
				continue;
			h(f, m->vm);
			fputs(": ", f);
			for (g = 0; g < m->nnexthop; g++)
				for (c = 0; c < m->nexthop[g].ncidrs; c++)
					if (shown++ < 8)
						fprintf(f, "%s ", pfx_format(
						    m->nexthop[g].cidrs[c], pf));
			if (shown > 8)
				fprintf(f, "(%zu more)", shown - 8);
			fputs("<br>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	for (i = 0; i < rp->nwi; i++)
		html_whatif_flows(f, rp, i);
}

static int
write_index(struct report *rp)
{
	size_t i, k, m, cases, failed, skipped, nflows = 0, works = 0;
	struct run *runs;
	FILE *f;

	if ((runs = calloc(rp->n, sizeof(*runs))) == NULL)
		return -ENOMEM;
	for (i = 0; i < rp->n; i++) {
		runs[i] = rp->jobs[i].run;
		nflows += runs[i].nres;
	}
	report_count(runs, rp->n, &cases, &failed, &skipped);
	free(runs);
	for (i = 0; i < rp->n; i++)
		for (k = 0; k < rp->jobs[i].run.nres; k++)
			works += flow_works(&rp->jobs[i].run.res[k]);
	if ((f = rep_open(rp, "index.html")) == NULL)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
	    "\"utf-8\">\n" REPORT_MARK "\n<title>ftsim report</title>\n"
	    "<style>\n", f);
	fputs(css, f);
	fputs("</style>\n</head>\n<body>\n<h1>ftsim report</h1>\n", f);
	/* The network's answer first, then what the expectations say. */
	fprintf(f, "<p class=\"summary\">%zu scenario%s, %zu flow%s: "
	    "<span class=\"%s\" id=\"works\">%zu work%s</span>, "
	    "<span class=\"%s\" id=\"broken\">%zu broken</span>.<br>"
	    "Expectations: %zu held, <span class=\"%s\">%zu failed</span>, "
	    "%zu flow%s without expectations.</p>\n", rp->n,
	    rp->n == 1 ? "" : "s", nflows, nflows == 1 ? "" : "s", "ok", works,
	    works == 1 ? "s" : "", nflows - works > 0 ? "bad" : "ok",
	    nflows - works, cases - failed - skipped, failed ? "bad" : "ok",
	    failed, skipped, skipped == 1 ? "" : "s");
	fputs("<h2 id=\"flows\">Flows</h2>\n", f);
	html_flowtable(f, rp);
	fputs("<h2 id=\"hops\">The path of each request</h2>\n<p>One bar per "
	    "flow, one segment per hop from one capture point to the next, "
	    "coloured by where it leads; a dropped request ends in a black "
	    "segment. Direct paths, Azure hairpins and customer hairpins in "
	    "three panels.</p>\n<p class=\"plot\"><a href=\"hops.svg\"><img "
	    "src=\"hops.svg\" alt=\"hops of each request\"></a><br><span "
	    "class=\"muted\">gnuplot: <a href=\"hops.gp\">hops.gp</a>, <a "
	    "href=\"hops.png\">PNG</a></span></p>\n", f);
	if (any_timing(rp))
		fputs("<h2 id=\"latency\">Per-hop latency</h2>\n<p>Each "
		    "flow's request on the simulated clock, with the link "
		    "delays of the scenarios' <code>timing:</code> (a "
		    "scenario without it runs on the model's default "
		    "delays, which are not measurements).</p>\n<p class="
		    "\"plot\"><a href=\"latency.svg\"><img src=\"latency.svg"
		    "\" alt=\"per-hop latency\"></a><br><span class=\"muted"
		    "\">gnuplot: <a href=\"latency.gp\">latency.gp</a>, <a "
		    "href=\"latency.png\">PNG</a></span></p>\n", f);
	if (rp->nwi > 0)
		html_whatif(f, rp);
	fputs("<h2 id=\"scenarios\">Scenarios</h2>\n", f);
	for (i = 0; i < rp->n; i++) {
		const struct job *j = &rp->jobs[i];

		fprintf(f, "<h3 id=\"s%zu\">%02zu ", i + 1, i + 1);
		h(f, j->topo.scenario);
		fputs("</h3>\n<p class=\"muted\">", f);
		h(f, j->topo.file);
		fprintf(f, ", %s</p>\n", cloud_name(j->topo.cloud));
		if (j->topo.description != NULL) {
			fputs("<p>", f);
			h(f, j->topo.description);
			fputs("</p>\n", f);
		}
		for (m = 0; m < j->diag.n; m++) {
			const struct diag_msg *d = &j->diag.msgs[m];

			fprintf(f, "<p class=\"warn\">line %d: ", d->pos.line);
			h(f, d->text);
			fputs("</p>\n", f);
		}
		for (k = 0; k < j->run.nres; k++)
			html_flow(f, j, i, k);
	}
	fputs("</body>\n</html>\n", f);
	return rep_close(rp, f, "index.html");
}

/* ---------------------------------------------------------------- */
/* What-if */

static void
wichange_free(struct wichange *w)
{
	size_t k;

	for (k = 0; k < w->run.nres; k++)
		flow_result_free(&w->run.res[k]);
	free(w->run.res);
	free(w->pair);
	whatif_free(&w->res);
	free(w->name);
	sim_free(w->sim);
	topo_free(&w->after);
	change_free(&w->ch);
	memset(w, 0, sizeof(*w));
}

/* The after side's run of every flow (traced), and which base and after
 * flow each changed flow of w->res is. 0 or a negative errno. */
static int
whatif_after(struct wichange *w, const struct job *base)
{
	size_t c, k;
	int rc;

	w->run.topo = &w->after;
	w->run.sim = w->sim;
	if ((w->run.res = calloc(w->after.nflows + 1,
	    sizeof(*w->run.res))) == NULL ||
	    (w->pair = calloc(2 * w->res.nflows + 1,
	    sizeof(*w->pair))) == NULL)
		return -ENOMEM;
	for (k = 0; k < w->after.nflows; k++) {
		if ((rc = sim_run_flow(w->sim, &w->after.flows[k],
		    &w->run.res[k])) != 0)
			return rc;
		w->run.nres = k + 1;
	}
	if ((rc = sim_name_points(w->sim, w->run.res, w->run.nres)) != 0)
		return rc;
	for (c = 0; c < w->res.nflows; c++) {
		const struct wi_flow *fl = &w->res.flows[c];
		size_t kb = TOPO_NONE, ka = TOPO_NONE;

		if (!fl->service && fl->presence == WI_BOTH) {
			for (k = 0; k < base->topo.nflows; k++)
				if (strcmp(base->topo.flows[k].name,
				    fl->name) == 0)
					kb = k;
			for (k = 0; k < w->after.nflows; k++)
				if (strcmp(w->after.flows[k].name,
				    fl->name) == 0)
					ka = k;
		}
		if (kb == TOPO_NONE || ka == TOPO_NONE)
			kb = ka = TOPO_NONE;
		w->pair[2 * c] = kb;
		w->pair[2 * c + 1] = ka;
	}
	return 0;
}

static int
whatif_load(struct report *rp, const char *file)
{
	struct wichange *w = &rp->wi[rp->nwi];
	struct whatif_opts wo = { .services = false, .exhaustive = true };
	struct job *base = &rp->jobs[0];
	struct diag d;
	const char *slash;
	size_t v, g;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	w->file = file;
	diag_init(&d);
	topo_init(&w->after);
	/* MODEL §5: the tags a change's rules name must be known. */
	if (whatif_change_read(file, &w->ch, &d) != 0) {
		diag_print(stderr, &d);
		diag_free(&d);
		topo_free(&w->after);
		return -1;
	}
	if (change_apply(&w->ch, &base->topo, &w->after, &d) != 0 ||
	    nsg_check_tags(&w->after, &d) != 0 ||
	    sim_new_derived(base->sim, &w->after, &w->ch, &d,
	    &w->sim) != 0) {
		diag_print(stderr, &d);
		goto out;
	}
	wo.change = &w->ch;
	if (whatif_run(&base->topo, base->sim, &w->after, w->sim, &wo,
	    &w->res) != 0 || whatif_after(w, base) != 0) {
		fprintf(stderr, "ftsim: %s: internal error while comparing\n",
		    file);
		goto out;
	}
	slash = strrchr(file, '/');
	if ((w->name = strdup(w->ch.name != NULL ? w->ch.name :
	    slash != NULL ? slash + 1 : file)) == NULL)
		goto out;
	for (v = 0; v < w->res.nvms; v++) {
		for (g = 0; g < w->res.vms[v].nnexthop; g++)
			w->nexthop += w->res.vms[v].nexthop[g].addresses;
		for (g = 0; g < w->res.vms[v].nfate; g++)
			w->fate += w->res.vms[v].fate[g].addresses;
	}
	rp->nwi++;
	rc = 0;
out:
	if (rc != 0)
		wichange_free(w);
	diag_free(&d);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The folder */

/* Is dir an earlier report (its index.html carries the mark)? */
static bool
is_report(const char *dir)
{
	char path[4096], buf[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/index.html", dir);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, REPORT_MARK) != NULL;
}

/* Put the finished folder in place: an earlier report at out is moved
 * aside first and removed after. */
static int
install(struct report *rp, const char *out)
{
	char old[4096];
	struct stat st;
	bool had = stat(out, &st) == 0;
	sigset_t sigs, omask;
	int rc = 0;

	/* From the old report moved aside to its removal, no signal: the
	 * folder is the old report or the new one, never neither. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &omask);
	if (had) {
		snprintf(old, sizeof(old), "%s.old.XXXXXX", out);
		if (mkdtemp(old) == NULL || rename(out, old) != 0) {
			snprintf(rp->err, sizeof(rp->err), "cannot replace "
			    "%s: %s", out, strerror(errno));
			rc = -1;
			goto out;
		}
	}
	if (rename(rp->dir, out) != 0) {
		snprintf(rp->err, sizeof(rp->err), "cannot rename %s to %s: %s",
		    rp->dir, out, strerror(errno));
		if (had)
			(void)rename(old, out);
		rc = -1;
		goto out;
	}
	outfile_unguard(rp->dir);
	if (had)
		rmtree(old);
out:
	sigprocmask(SIG_SETMASK, &omask, NULL);
	return rc;
}

/*
 * After a failure: can the folder take a write now? A helper program
 * that could not write says so its own way (dot: "gvwrite_no_z
 * problem"), and a file closed with an error keeps no errno; a write of
 * 1 MiB, synced and removed, names the cause (ENOSPC, EDQUOT, EFBIG).
 * 0 when it goes through: the failure was something else.
 */
static int
folder_cause(const char *dir)
{
	static const char zero[65536];
	size_t len = strlen(dir) + sizeof("/write-probe");
	char *p = malloc(len);
	struct outfile *o;
	int rc, i;

	if (p == NULL)
		return 0;
	snprintf(p, len, "%s/write-probe", dir);
	rc = outfile_open(p, &o);
	free(p);
	if (rc != 0)
		return rc == -ENOMEM ? 0 : -rc;
	for (i = 0; i < 16; i++)
		if (fwrite(zero, 1, sizeof(zero), outfile_stream(o)) !=
		    sizeof(zero))
			break;
	rc = outfile_close(o);
	outfile_abort(o);
	return -rc;
}

int
cmd_report(int argc, char **argv)
{
	struct report rp;
	const char **changes = NULL, **cv, *outarg = NULL;
	char *out = NULL, *tmp = NULL;
	size_t nchanges = 0, i, len;
	struct stat st;
	int c, status = 0;

	memset(&rp, 0, sizeof(rp));
	optind = 1;
	while ((c = help_getopt("report", argc, argv)) != -1) {
		switch (c) {
		case 'o':
			outarg = optarg;
			break;
		case 'w':
			if ((cv = realloc(changes, (nchanges + 1) *
			    sizeof(*cv))) == NULL) {
				status = EXIT_BADINPUT;
				break;
			}
			changes = cv;
			changes[nchanges++] = optarg;
			break;
		case 'h':
			free(changes);
			return 0;
		default:
			status = EXIT_BADINPUT;
			break;
		}
	}
	if (status == 0 && outarg == NULL)
		status = help_usage("report", "missing -o DIR");
	else if (status == 0)
		status = help_operands("report", argc, argv, 1, argc,
		    "scenario FILE");
	if (status != 0)
		goto done;
	if ((out = strdup(outarg)) == NULL) {
		status = EXIT_BADINPUT;
		goto done;
	}
	/* "results/x/" and "results/x" are the same folder. */
	for (len = strlen(out); len > 1 && out[len - 1] == '/'; len--)
		out[len - 1] = '\0';
	if (stat(out, &st) == 0 && !(S_ISDIR(st.st_mode) && is_report(out))) {
		fprintf(stderr, "ftsim: %s exists and is not an ftsim report: "
		    "remove it or choose another folder\n", out);
		status = EXIT_BADINPUT;
		goto done;
	}
	if (!spawn_found("dot") || !spawn_found("gnuplot")) {
		fprintf(stderr, "ftsim: report needs %s on PATH: "
		    "scripts/install-deps.sh installs %s\n",
		    spawn_found("dot") ? "gnuplot" : "dot (Graphviz)",
		    spawn_found("dot") ? "gnuplot-nox" : "graphviz");
		status = EXIT_NOTOOL;
		goto done;
	}
	rp.n = (size_t)(argc - optind);
	if ((rp.jobs = calloc(rp.n, sizeof(*rp.jobs))) == NULL ||
	    (nchanges > 0 &&
	    (rp.wi = calloc(nchanges, sizeof(*rp.wi))) == NULL)) {
		rp.n = 0;
		status = EXIT_BADINPUT;
		goto done;
	}
	/* Load everything first: bad input anywhere means no output. */
	for (i = 0; i < rp.n; i++)
		if (job_load(&rp.jobs[i], argv[optind + (int)i]) != 0)
			status = EXIT_BADINPUT;
	for (i = 0; i < rp.n && status == 0; i++)
		if (job_run(&rp.jobs[i]) != 0) {
			fprintf(stderr, "ftsim: %s: internal error while "
			    "simulating\n", rp.jobs[i].topo.file);
			status = EXIT_BADINPUT;
		}
	for (i = 0; i < nchanges && status == 0; i++)
		if (whatif_load(&rp, changes[i]) != 0)
			status = EXIT_BADINPUT;
	if (status != 0)
		goto done;

	len = strlen(out) + 16;
	if ((tmp = malloc(len)) == NULL) {
		status = EXIT_BADINPUT;
		goto done;
	}
	snprintf(tmp, len, "%s.tmp.XXXXXX", out);
	{
		char *slash = strrchr(tmp, '/');
		int rc = 0;

		if (slash != NULL && slash != tmp) {
			*slash = '\0';
			rc = capw_mkdirs(tmp);
			*slash = '/';
		}
		if (rc != 0 || mkdtemp(tmp) == NULL) {
			fprintf(stderr, "ftsim: cannot create %s: %s\n", tmp,
			    strerror(rc != 0 ? -rc : errno));
			status = EXIT_BADINPUT;
			goto done;
		}
		/* mkdtemp makes 0700; a report is read like any folder */
		{
			mode_t um = umask(0);

			umask(um);
			(void)chmod(tmp, 0777 & ~um);
		}
	}
	rp.dir = tmp;
	/* A signal removes the folder with what is in it (outfile.h). */
	if (outfile_guard(tmp, out) != 0) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		rmtree(tmp);
		status = EXIT_BADINPUT;
		goto done;
	}
	if (write_captures(&rp) != 0 || write_diagrams(&rp) != 0 ||
	    write_whatif_diagrams(&rp) != 0 ||
	    plot_path(&rp, false) != 0 ||
	    (any_timing(&rp) && plot_path(&rp, true) != 0) ||
	    (rp.nwi > 0 && plot_whatif(&rp) != 0) || write_index(&rp) != 0 ||
	    install(&rp, out) != 0) {
		int cause = folder_cause(tmp);

		/* What the folder says first: a full disk is the cause of
		 * dot's "gvwrite_no_z problem" or gnuplot's exit 1. */
		if (cause != 0)
			fprintf(stderr, "ftsim: cannot write %s: %s (%s)\n", out,
			    strerror(cause), rp.err[0] ? rp.err :
			    "out of memory");
		else
			fprintf(stderr, "ftsim: %s\n", rp.err[0] ? rp.err :
			    "out of memory");
		rmtree(tmp);
		outfile_unguard(tmp);
		status = spawn_found("dot") && spawn_found("gnuplot") ?
		    EXIT_BADINPUT : EXIT_NOTOOL;
		goto done;
	}
	for (i = 0; i < rp.n; i++)
		for (c = 0; c < (int)rp.jobs[i].run.nres; c++)
			if (!rp.jobs[i].run.res[c].all_ok)
				status = EXIT_FAILED;
	fprintf(stderr, "ftsim: report written to %s/index.html\n", out);
done:
	/* The what-if sides' engines read names from the base's topology:
	 * freed first. */
	for (i = 0; i < rp.nwi; i++)
		wichange_free(&rp.wi[i]);
	for (i = 0; i < rp.n; i++)
		job_free(&rp.jobs[i]);
	free(rp.jobs);
	free(rp.wi);
	free(changes);
	free(tmp);
	free(out);
	return status;
}
