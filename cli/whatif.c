/*
 * whatif.c: what a change does, before against after (sim/whatif.h),
 * printed side by side or as JSON.
 *
 *   ftsim whatif BASE CHANGE.yaml   the base scenario, then with the change
 *   ftsim diff BEFORE AFTER         two whole scenarios
 *
 * Exit codes: 0 nothing changed, 1 something changed (a pipeline can gate
 * a route change on it), 2 bad input (nothing on stdout then).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/outfile.h"
#include "cli/help.h"
#include "cli/input.h"
#include "cli/job.h"
#include "cli/term.h"
#include "cli/whatif.h"
#include "sim/nsg.h"
#include "sim/whatif.h"
#include "topology/azjson.h"
#include "topology/change.h"
#include "topology/scenario.h"
#include "topology/yamlout.h"

#define TEXT_CIDRS 16		/* CIDRs per group in text without --all */

static int write_atomic(const char *path, const char *buf, size_t len);

struct wopts {
	bool json, services, exhaustive, all, every_range;
	const char *write_after;	/* whatif --write-after FILE */
};

/* The options of whatif or diff (cmd): 0, 1 after the help, -1 after a
 * usage error. */
static int
wopts_parse(int argc, char **argv, struct wopts *o, const char *cmd)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->exhaustive = true;
	optind = 1;
	while ((c = help_getopt(cmd, argc, argv)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 's': o->services = true; break;
		case 'n': o->exhaustive = false; break;
		case 'a': o->all = true; break;
		case 'e': o->every_range = true; break;
		case 'W': o->write_after = optarg; break;
		case 'h': return 1;
		default: return -1;
		}
	}
	/* whatif: the base and one change file or more, applied in order. */
	if (strcmp(cmd, "whatif") == 0)
		return help_operands(cmd, argc, argv, 2, argc,
		    "BASE and CHANGE.yaml") != 0 ? -1 : 0;
	if (help_operands(cmd, argc, argv, 2, 2, "BEFORE and AFTER") != 0)
		return -1;
	return 0;
}

/* A progress bar on stderr, only when it is a terminal. */
static int
progress(void *arg, uint64_t done, uint64_t total)
{
	int width = 40, fill;

	(void)arg;
	if (total == 0)
		return 0;
	fill = (int)(done * (uint64_t)width / total);
	fprintf(stderr, "\rexhaustive diff [%.*s%*s] %3u%% %llu/%llu",
	    fill, "########################################", width - fill,
	    "", (unsigned)(done * 100 / total), (unsigned long long)done,
	    (unsigned long long)total);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
	return 0;
}

/*
 * Text.
 */

/* Rows of fields, the before column padded to its widest value. */
static void
text_fields(FILE *f, const char *indent, const struct wi_field *fl, size_t n)
{
	size_t i, w = 6, l;

	for (i = 0; i < n; i++)
		if ((l = strlen(fl[i].before)) > w)
			w = l;
	fprintf(f, "%s%-12s %-*s | %s\n", indent, "", (int)w, "before",
	    "after");
	for (i = 0; i < n; i++)
		fprintf(f, "%s%-12s %-*s | %s\n", indent, fl[i].name, (int)w,
		    fl[i].before, fl[i].after);
}

static void
text_groups(FILE *f, const char *what, const struct wi_group *g, size_t n,
    bool all)
{
	char pf[PFX_STRLEN], ip[IP_STRLEN];
	size_t i, j, shown;

	fprintf(f, "  %s: %zu group%s\n", what, n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		fprintf(f, "    %llu address%s, e.g. %s:",
		    (unsigned long long)g[i].addresses,
		    g[i].addresses == 1 ? "" : "es",
		    ip_format(g[i].example, ip));
		shown = all || g[i].ncidrs <= TEXT_CIDRS ? g[i].ncidrs :
		    TEXT_CIDRS;
		for (j = 0; j < shown; j++)
			fprintf(f, "%s%s", j % 6 == 0 ? "\n      " : " ",
			    pfx_format(g[i].cidrs[j], pf));
		if (shown < g[i].ncidrs)
			fprintf(f, "\n      ... and %zu more CIDRs (--all or "
			    "--json lists every one)", g[i].ncidrs - shown);
		fputc('\n', f);
		for (j = 0; j < g[i].nvar; j++) {
			if (strcmp(g[i].var[j].ports, "all") != 0 ||
			    g[i].nvar > 1)
				fprintf(f, "      ports %s:\n",
				    g[i].var[j].ports);
			text_fields(f, "      ", g[i].var[j].fields,
			    g[i].var[j].nfields);
		}
	}
}

/* The flows broken before and after, one line each (none: nothing). */
static void
text_failing(FILE *f, const struct whatif_result *r)
{
	size_t i;

	if (r->nfailing == 0)
		return;
	fprintf(f, "\nstill failing: %zu flow%s broken before and after\n",
	    r->nfailing, r->nfailing == 1 ? "" : "s");
	for (i = 0; i < r->nfailing; i++) {
		const struct wi_failing *x = &r->failing[i];

		if (x->service)	/* its name says it all */
			fprintf(f, "  service %s: %s", x->name, x->reason);
		else
			fprintf(f, "  %s (%s): %s", x->name, x->desc,
			    x->reason);
		if (x->reason_before != NULL)
			fprintf(f, " (before: %s)", x->reason_before);
		if (x->route != NULL)
			fprintf(f, "; route %s", x->route);
		if (x->route_before != NULL)
			fprintf(f, " (before: %s)", x->route_before);
		fputc('\n', f);
	}
}

static void
text_result(FILE *f, const char *before, const char *after,
    const struct whatif_result *r, bool all)
{
	static const char *const pres[] = { "", " (only before)",
	    " (only after)" };
	size_t i;

	fprintf(f, "before: %s\nafter:  %s\n", before, after);
	for (i = 0; i < r->nvm_notes; i++)
		fprintf(f, "note: %s\n", r->vm_notes[i]);
	fprintf(f, "\nflows: %zu changed of %zu compared\n", r->nflows,
	    r->flows_compared);
	for (i = 0; i < r->nflows; i++) {
		const struct wi_flow *fl = &r->flows[i];

		if (fl->service)
			fprintf(f, "  service %s%s\n", fl->name,
			    pres[fl->presence]);
		else
			fprintf(f, "  %s: %s%s\n", fl->name, fl->desc,
			    pres[fl->presence]);
		if (fl->nfields > 0)
			text_fields(f, "    ", fl->fields, fl->nfields);
	}
	text_failing(f, r);
	if (!r->exhaustive)
		goto last;
	fprintf(f, "\nexhaustive: %zu VM%s compared, %zu with changes\n",
	    r->vms_compared, r->vms_compared == 1 ? "" : "s", r->nvms);
	for (i = 0; i < r->nvms; i++) {
		const struct wi_vm *v = &r->vms[i];

		fprintf(f, "vm %s (%s): %zu address ranges x %zu port "
		    "class%s\n", v->vm, v->where, v->nranges, v->nprobes,
		    v->nprobes == 1 ? "" : "es");
		text_groups(f, "next hop changed", v->nexthop, v->nnexthop,
		    all);
		text_groups(f, "outcome changed", v->fate, v->nfate, all);
	}
last:
	fprintf(f, "\n%s\n", r->changed ? "changed" : "no change");
}

/*
 * JSON.
 */

static json_t *
json_fields(const struct wi_field *fl, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "field",
		    fl[i].name, "before", fl[i].before, "after",
		    fl[i].after));
	return a;
}

static json_t *
json_groups(const struct wi_group *g, size_t n)
{
	char pf[PFX_STRLEN], ip[IP_STRLEN];
	json_t *a = json_array(), *c, *v;
	size_t i, j;

	for (i = 0; i < n; i++) {
		c = json_array();
		for (j = 0; j < g[i].ncidrs; j++)
			json_array_append_new(c, json_string(
			    pfx_format(g[i].cidrs[j], pf)));
		v = json_array();
		for (j = 0; j < g[i].nvar; j++)
			json_array_append_new(v, json_pack("{s:s, s:o}",
			    "ports", g[i].var[j].ports, "fields",
			    json_fields(g[i].var[j].fields,
			    g[i].var[j].nfields)));
		json_array_append_new(a, json_pack("{s:o, s:I, s:s, s:o}",
		    "cidrs", c, "addresses", (json_int_t)g[i].addresses,
		    "example", ip_format(g[i].example, ip), "changes", v));
	}
	return a;
}

static json_t *
json_result(const char *before, const char *after,
    const struct whatif_result *r)
{
	static const char *const pres[] = { "both", "before", "after" };
	json_t *flows = json_array(), *vms = json_array(), *notes =
	    json_array(), *failing = json_array(), *doc;
	size_t i;

	for (i = 0; i < r->nvm_notes; i++)
		json_array_append_new(notes, json_string(r->vm_notes[i]));
	for (i = 0; i < r->nflows; i++) {
		const struct wi_flow *fl = &r->flows[i];

		json_array_append_new(flows, json_pack("{s:s, s:s, s:b, s:s, "
		    "s:o}", "name", fl->name, "flow", fl->desc, "service",
		    fl->service, "present", pres[fl->presence], "fields",
		    json_fields(fl->fields, fl->nfields)));
	}
	for (i = 0; i < r->nfailing; i++) {
		const struct wi_failing *x = &r->failing[i];

		json_array_append_new(failing, json_pack("{s:s, s:s, s:b, "
		    "s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, "
		    "s:s?}", "name", x->name, "flow", x->desc, "service",
		    x->service, "vm", x->vm, "reason", x->reason,
		    "reason_before", x->reason_before, "drop_reason",
		    x->drop_reason, "at", x->at, "nsg_rule", x->nsg_rule,
		    "route", x->route, "route_before", x->route_before,
		    "activation", x->activation, "source_seen",
		    x->source_seen));
	}
	for (i = 0; i < r->nvms; i++) {
		const struct wi_vm *v = &r->vms[i];

		json_array_append_new(vms, json_pack("{s:s, s:s, s:I, s:I, "
		    "s:o, s:o}", "vm", v->vm, "where", v->where, "ranges",
		    (json_int_t)v->nranges, "port_classes",
		    (json_int_t)v->nprobes, "next_hop",
		    json_groups(v->nexthop, v->nnexthop), "outcome",
		    json_groups(v->fate, v->nfate)));
	}
	doc = json_pack("{s:s, s:s, s:b, s:o, s:{s:I, s:o}, s:o}", "before",
	    before, "after", after, "changed", r->changed, "notes", notes,
	    "flows", "compared", (json_int_t)r->flows_compared, "changed",
	    flows, "still_failing", failing);
	if (doc != NULL && r->exhaustive)
		json_object_set_new(doc, "exhaustive", json_pack("{s:I, s:o}",
		    "vms_compared", (json_int_t)r->vms_compared, "vms", vms));
	else
		json_decref(vms);
	return doc;
}

/* Compare and print; the exit code. */
static int
compare(const struct wopts *o, const char *before, const struct topo *tb,
    struct sim *sb, const char *after, const struct topo *ta,
    struct sim *sa, const struct change *ch)
{
	struct whatif_opts wo;
	struct whatif_result r;
	int rc;

	memset(&wo, 0, sizeof(wo));
	wo.services = o->services;
	wo.exhaustive = o->exhaustive;
	wo.change = ch;
	wo.every_range = o->every_range;
	if (isatty(STDERR_FILENO) && term_smart())
		wo.progress = progress;
	if ((rc = whatif_run(tb, sb, ta, sa, &wo, &r)) != 0) {
		fprintf(stderr, "ftsim: internal error while comparing "
		    "(%d)\n", rc);
		return EXIT_BADINPUT;
	}
	if (o->json) {
		if (print_json(json_result(before, after, &r)) != 0)
			rc = EXIT_BADINPUT;
	} else
		text_result(stdout, before, after, &r, o->all);
	if (rc == 0)
		rc = r.changed ? EXIT_FAILED : 0;
	whatif_free(&r);
	return rc;
}

/* A change file, or standard input for "-" (cli/input.h). */
int
whatif_change_read(const char *path, struct change *ch, struct diag *d)
{
	char *buf;
	size_t len;
	int rc;

	if (!input_is_stdin(path))
		return change_load(path, ch, d);
	memset(ch, 0, sizeof(*ch));
	if (input_read_stdin(&buf, &len, INPUT_MAX_BYTES, d) != 0)
		return -1;
	rc = change_parse(INPUT_STDIN, buf, len, ch, d);
	free(buf);
	return rc;
}

/* Write t, the base with the changes applied, as a scenario file at path
 * (--write-after): read back first, then written whole or not at all. 0 or
 * EXIT_BADINPUT after saying why. */
static int
write_after(const char *path, const struct topo *t, const char *label)
{
	const char *comments[] = {
		"Written by ftsim whatif --write-after:", label,
	};
	struct topo back;
	struct diag d;
	char *yaml = NULL;
	size_t len;
	int rc = EXIT_BADINPUT;

	diag_init(&d);
	if (yamlout_topo(t, comments, 2, &yaml, &len) != 0) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		goto out;
	}
	/* What is written must load as a scenario: read it back. */
	if (scenario_parse(path, yaml, len, &back, &d) != 0) {
		diag_print(stderr, &d);
		fputs("ftsim: internal error: the scenario after the change "
		    "does not load back\n", stderr);
		goto out;
	}
	topo_free(&back);
	if (write_atomic(path, yaml, len) == 0)
		rc = 0;
out:
	free(yaml);
	diag_free(&d);
	return rc;
}

/* "BASE + C1 + C2 ...": the after side's name. NULL when out of memory. */
static char *
after_label(const char *base, char *const *changes, size_t n)
{
	size_t len = strlen(base) + 1, i;
	char *label;

	for (i = 0; i < n; i++)
		len += strlen(input_name(changes[i])) + 3;
	if ((label = malloc(len)) == NULL)
		return NULL;
	strcpy(label, base);
	for (i = 0; i < n; i++) {
		strcat(label, " + ");
		strcat(label, input_name(changes[i]));
	}
	return label;
}

int
cmd_whatif(int argc, char **argv)
{
	struct wopts o;
	struct job base;
	struct change *ch = NULL, all;
	struct topo after, next;
	struct diag d;
	struct sim *sa = NULL;
	const char *bname;
	char *label = NULL;
	size_t i, k, n, nch = 0, nops = 0;
	int rc;

	if ((rc = wopts_parse(argc, argv, &o, "whatif")) != 0)
		return rc > 0 ? 0 : EXIT_BADINPUT;
	n = (size_t)(argc - optind - 1);
	if (output_not_input("--write-after", o.write_after, argv + optind,
	    n + 1) != 0)
		return EXIT_BADINPUT;
	diag_init(&d);
	topo_init(&after);
	memset(&all, 0, sizeof(all));
	if (job_load(&base, argv[optind]) != 0) {
		job_free(&base);
		diag_free(&d);
		return EXIT_BADINPUT;
	}
	if ((ch = calloc(n, sizeof(*ch))) == NULL) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		rc = EXIT_BADINPUT;
		goto out;
	}
	/* Each change applies to what the ones before it made; an error
	 * names its own file. MODEL §5: the tags a change's rules name must
	 * be known, as in a scenario. */
	for (i = 0; i < n; i++) {
		if (whatif_change_read(argv[optind + 1 + (int)i], &ch[i], &d) != 0 ||
		    change_apply(&ch[i], i == 0 ? &base.topo : &after, &next,
		    &d) != 0) {
			nch = i + 1;
			diag_print(stderr, &d);
			rc = EXIT_BADINPUT;
			goto out;
		}
		nch = i + 1;
		topo_free(&after);
		after = next;
		nops += ch[i].nops;
	}
	if (nsg_check_tags(&after, &d) != 0) {
		diag_print(stderr, &d);
		rc = EXIT_BADINPUT;
		goto out;
	}
	bname = input_name(argv[optind]);
	/* The exhaustive diff's scope: every operation, in order. */
	if ((label = after_label(bname, argv + optind + 1, n)) == NULL ||
	    (nops > 0 && (all.ops = calloc(nops, sizeof(*all.ops))) == NULL)) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		rc = EXIT_BADINPUT;
		goto out;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < ch[i].nops; k++)
			all.ops[all.nops++] = ch[i].ops[k];
	all.file = ch[0].file;
	all.name = ch[0].name;
	/* The after side's engine shares what the changes left alone. */
	if (sim_new_derived(base.sim, &after, &all, &d, &sa) != 0) {
		diag_print(stderr, &d);
		rc = EXIT_BADINPUT;
		goto out;
	}
	if (o.write_after != NULL &&
	    (rc = write_after(o.write_after, &after, label)) != 0)
		goto out;
	rc = compare(&o, bname, &base.topo, base.sim, label, &after, sa,
	    n == 1 ? &ch[0] : &all);
out:
	free(label);
	free(all.ops);		/* the operations belong to ch[] */
	sim_free(sa);
	topo_free(&after);
	for (i = 0; i < nch; i++)
		change_free(&ch[i]);
	free(ch);
	job_free(&base);
	diag_free(&d);
	return rc;
}

int
cmd_diff(int argc, char **argv)
{
	struct wopts o;
	struct job a, b;
	int rc, ra, rb;

	if ((rc = wopts_parse(argc, argv, &o, "diff")) != 0)
		return rc > 0 ? 0 : EXIT_BADINPUT;
	rb = job_load(&b, argv[optind]);
	ra = job_load(&a, argv[optind + 1]);
	if (ra != 0 || rb != 0)
		rc = EXIT_BADINPUT;
	else
		rc = compare(&o, input_name(argv[optind]), &b.topo, b.sim,
		    input_name(argv[optind + 1]), &a.topo, a.sim, NULL);
	job_free(&a);
	job_free(&b);
	return rc;
}


/* Write buf to path through an outfile: whole or not at all. */
static int
write_atomic(const char *path, const char *buf, size_t len)
{
	struct outfile *o;
	int rc;

	if ((rc = outfile_open(path, &o)) == 0) {
		(void)fwrite(buf, 1, len, outfile_stream(o));
		rc = outfile_commit(o);
	}
	if (rc != 0)
		fprintf(stderr, "ftsim: cannot write %s: %s\n", path,
		    strerror(-rc));
	return rc;
}

/* The comment block on top of an imported scenario. */
static const char **
import_comments(const char *const *files, size_t nfiles,
    const struct azjson_notes *notes, size_t *n)
{
	static const char *const head[] = {
		"Azure exports hold no flows and nothing of on-premises: add",
		"  onprem: {name, prefixes, internet_edge_ip, block}  (the site "
		"behind the circuit)",
		"  flows: [...]  (the flows to replay, the last key of this "
		"file)",
		"as docs/format.md describes them; ftsim whatif --services "
		"needs neither.",
	};
	size_t i, k = 0, max = nfiles + notes->n + 16;
	const char **c = calloc(max, sizeof(*c));

	if (c == NULL)
		return NULL;
	c[k++] = "Written by ftsim import from:";
	for (i = 0; i < nfiles; i++)
		c[k++] = files[i];
	c[k++] = "";
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		c[k++] = head[i];
	if (notes->n > 0) {
		c[k++] = "";
		c[k++] = "Not modelled or assumed (also printed on stderr):";
		for (i = 0; i < notes->n; i++)
			c[k++] = notes->line[i];
	}
	*n = k;
	return c;
}

int
cmd_import(int argc, char **argv)
{
	struct azjson_notes notes = { NULL, 0 };
	const char *out = NULL;
	const char **comments = NULL;
	struct azjson_src *src = NULL;
	struct topo t, back;
	struct diag d;
	char *yaml = NULL, *stdin_buf = NULL;
	const char **names = NULL;
	size_t len, nc, i, nsrc;
	int c, rc = EXIT_BADINPUT;

	optind = 1;
	while ((c = help_getopt("import", argc, argv)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': return 0;
		default: return EXIT_BADINPUT;
		}
	}
	if (optind >= argc)
		return help_usage("import", "missing FILE.json");
	if (output_not_input("--out", out, argv + optind,
	    (size_t)(argc - optind)) != 0)
		return EXIT_BADINPUT;
	diag_init(&d);
	topo_init(&t);
	nsrc = (size_t)(argc - optind);
	if ((src = calloc(nsrc, sizeof(*src))) == NULL ||
	    (names = calloc(nsrc, sizeof(*names))) == NULL) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		goto out;
	}
	/* "-": standard input, read whole once (cli/input.h). */
	for (i = 0; i < nsrc; i++) {
		names[i] = input_name(argv[optind + (int)i]);
		src[i].name = names[i];
		if (input_is_stdin(argv[optind + (int)i]) &&
		    input_read_stdin(&stdin_buf, &src[i].len, INPUT_MAX_BYTES,
		    &d) != 0) {
			diag_print(stderr, &d);
			goto out;
		}
		if (input_is_stdin(argv[optind + (int)i]))
			src[i].buf = stdin_buf;
	}
	if (azjson_parse(src, nsrc, &t, &notes, &d) != 0) {
		diag_print(stderr, &d);
		goto out;
	}
	if (job_name_stdin(&t) != 0) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		goto out;
	}
	for (i = 0; i < notes.n; i++)
		fprintf(stderr, "ftsim import: note: %s\n", notes.line[i]);
	if ((comments = import_comments(names, nsrc, &notes, &nc)) == NULL ||
	    yamlout_topo(&t, comments, nc, &yaml, &len) != 0) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		goto out;
	}
	/* What is written must load as a scenario: read it back. */
	if (scenario_parse(out != NULL ? out : "(import)", yaml, len, &back,
	    &d) != 0) {
		diag_print(stderr, &d);
		fputs("ftsim: internal error: the imported scenario does not "
		    "load back\n", stderr);
		goto out;
	}
	topo_free(&back);
	if (out == NULL)
		rc = fwrite(yaml, 1, len, stdout) == len ? 0 : EXIT_BADINPUT;
	else
		rc = write_atomic(out, yaml, len) == 0 ? 0 : EXIT_BADINPUT;
out:
	free(comments);
	free(src);
	free(names);
	free(stdin_buf);
	free(yaml);
	azjson_notes_free(&notes);
	topo_free(&t);
	diag_free(&d);
	return rc;
}
