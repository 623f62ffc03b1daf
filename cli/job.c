/*
 * job.c: loading a scenario for a command.
 */
#define _GNU_SOURCE		/* fopencookie */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/input.h"
#include "cli/job.h"
#include "topology/suggest.h"
#include "sim/nsg.h"
#include "topology/azjson.h"
#include "topology/scenario.h"

void
job_free(struct job *j)
{
	size_t i;

	for (i = 0; j->run.res != NULL && i < j->run.nres; i++)
		flow_result_free(&j->run.res[i]);
	free(j->run.res);
	sim_free(j->sim);
	topo_free(&j->topo);
	diag_free(&j->diag);
}

/* Print an Azure export's notes (what it does not model) on stderr. */
static void
job_notes(struct azjson_notes *notes)
{
	size_t i;

	for (i = 0; i < notes->n; i++)
		fprintf(stderr, "ftsim: note: %s\n", notes->line[i]);
	azjson_notes_free(notes);
}

int
job_name_stdin(struct topo *t)
{
	char *name;

	if (t->scenario == NULL || strcmp(t->scenario, INPUT_STDIN) != 0)
		return 0;
	if ((name = strdup("stdin")) == NULL)
		return -1;
	free(t->scenario);
	t->scenario = name;
	return 0;
}

/*
 * "-": standard input, read whole once, a scenario or an Azure export as
 * its text says (cli/input.h); messages name it <stdin>. A scenario is
 * held to the size cap of scenario files.
 */
static int
job_parse_stdin(struct job *j)
{
	struct srcpos start = { INPUT_STDIN, 1, 1 };
	struct azjson_notes notes = { NULL, 0 };
	char *buf;
	size_t len;
	int rc;

	if (input_read_stdin(&buf, &len, INPUT_MAX_BYTES, &j->diag) != 0)
		return -1;
	if (input_is_json(buf, len)) {
		struct azjson_src src = { INPUT_STDIN, buf, len };

		rc = azjson_parse(&src, 1, &j->topo, &notes, &j->diag);
		job_notes(&notes);
		if (rc == 0 && job_name_stdin(&j->topo) != 0) {
			diag_nomem(&j->diag, start);
			rc = -1;
		}
	} else if (len > SCENARIO_MAX_BYTES) {
		diag_error(&j->diag, start, "scenario file is larger than %u "
		    "MiB", SCENARIO_MAX_BYTES >> 20);
		rc = -1;
	} else
		rc = scenario_parse(INPUT_STDIN, buf, len, &j->topo, &j->diag);
	free(buf);
	return rc;
}

int
job_load(struct job *j, const char *path)
{
	int rc;

	memset(j, 0, sizeof(*j));
	topo_init(&j->topo);
	diag_init(&j->diag);
	if (input_is_stdin(path)) {
		rc = job_parse_stdin(j);
	} else if (azjson_is_json(path)) {
		/* An Azure export read directly (topology/azjson.h); what it
		 * does not model is said on stderr. */
		struct azjson_notes notes = { NULL, 0 };

		rc = azjson_load(&path, 1, &j->topo, &notes, &j->diag);
		job_notes(&notes);
	} else
		rc = scenario_load(path, &j->topo, &j->diag);
	if (rc != 0) {
		diag_print(stderr, &j->diag);
		return -1;
	}
	if (nsg_check_tags(&j->topo, &j->diag) != 0) {
		diag_print(stderr, &j->diag);
		return -1;
	}
	if (sim_new(&j->topo, &j->diag, &j->sim) != 0) {
		diag_print(stderr, &j->diag);
		return -1;
	}
	return 0;
}

/* "no WHAT named 'NAME'", and the nearest of the n names when one is
 * near enough to be what was meant. */
static void
job_no_such(const struct job *j, const char *what, const char *name,
    const char *const *names, size_t n)
{
	const char *near = suggest(name, names, n);

	if (near != NULL)
		fprintf(stderr, "%s: error: no %s named '%s'; did you mean "
		    "'%s'?\n", j->topo.file, what, name, near);
	else
		fprintf(stderr, "%s: error: no %s named '%s'\n", j->topo.file,
		    what, name);
}

size_t
job_vm(const struct job *j, const char *name)
{
	size_t vm = topo_vm_find(&j->topo, name), i;
	const char **names;

	if (vm != TOPO_NONE)
		return vm;
	/* Out of memory: the message without a suggestion. */
	names = calloc(j->topo.nvms + 1, sizeof(*names));
	for (i = 0; names != NULL && i < j->topo.nvms; i++)
		names[i] = j->topo.vms[i].name;
	job_no_such(j, "VM", name, names, names != NULL ? j->topo.nvms : 0);
	free(names);
	return TOPO_NONE;
}

size_t
job_flow(const struct job *j, const char *name)
{
	const char **names;
	size_t i;

	for (i = 0; i < j->topo.nflows; i++)
		if (strcmp(j->topo.flows[i].name, name) == 0)
			return i;
	names = calloc(j->topo.nflows + 1, sizeof(*names));
	for (i = 0; names != NULL && i < j->topo.nflows; i++)
		names[i] = j->topo.flows[i].name;
	job_no_such(j, "flow", name, names,
	    names != NULL ? j->topo.nflows : 0);
	free(names);
	return TOPO_NONE;
}

/*
 * jansson's allocations, watched: a builder that drops a value it could
 * not make (json_array_append_new of NULL fails quietly) would print a
 * document with holes, so any failed allocation since the start makes
 * every later document an error instead.
 */
static bool json_oom;

static void *
json_watch_malloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		json_oom = true;
	return p;
}

void
json_watch(void)
{
	json_set_alloc_funcs(json_watch_malloc, free);
}

bool
json_failed(void)
{
	return json_oom;
}

int
print_json(json_t *doc)
{
	int rc;

	if (doc == NULL || json_oom) {
		json_decref(doc);
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		return -1;
	}
	/* Memory ran out while the document was made (a trace line could
	 * not be rendered, out_trace.c, which said so): not a word of it. */
	if (diag_oom()) {
		json_decref(doc);
		return -1;
	}
	rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	if (rc == 0 && fputc('\n', stdout) == EOF)
		rc = -1;
	json_decref(doc);
	/* A write error is named when stdout is closed (stdout_close); any
	 * other failure of the dump is memory. */
	if (rc != 0 && !ferror(stdout)) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
	}
	return rc != 0 ? -1 : 0;
}

/*
 * stdout as a stream whose write function keeps the errno of the first
 * failed write (stdio keeps only that one failed), as capture/outfile.c
 * does for files.
 */
static int stdout_werr;

static ssize_t
stdout_write(void *cookie, const char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	(void)cookie;
	if (stdout_werr != 0) {
		errno = stdout_werr;
		return -1;
	}
	while (done < len) {
		if ((n = write(STDOUT_FILENO, buf + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			stdout_werr = errno;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)len;
}

static int
stdout_fdclose(void *cookie)
{
	(void)cookie;
	if (close(STDOUT_FILENO) != 0 && errno != EINTR)
		return -1;
	return 0;
}

void
stdout_open(void)
{
	FILE *f = fopencookie(NULL, "w", (cookie_io_functions_t){
	    .write = stdout_write, .close = stdout_fdclose });

	if (f == NULL)
		return;		/* the usual stdout, checked the same way */
	/* Line-buffered on a terminal, as the usual stdout is. */
	if (isatty(STDOUT_FILENO))
		(void)setvbuf(f, NULL, _IOLBF, 0);
	stdout = f;		/* glibc's stdout is a variable */
}

int
stdout_close(int status)
{
	int e = 0;

	if (fflush(stdout) != 0 || ferror(stdout))
		e = stdout_werr != 0 ? stdout_werr : errno != 0 ? errno : EIO;
	if (fclose(stdout) != 0 && e == 0)
		e = stdout_werr != 0 ? stdout_werr : errno != 0 ? errno : EIO;
	if (e != 0) {
		fprintf(stderr, "ftsim: cannot write standard output: %s\n",
			strerror(e));
		return EXIT_BADINPUT;
	}
	return status;
}

/* Replay every flow of j into j->run, traced, or decided and traced
 * only when its expectations fail. 0 or a negative errno. */
static int
job_walk(struct job *j, bool trace)
{
	struct flow_result *r;
	size_t i;
	int rc;

	j->run.topo = &j->topo;
	j->run.warnings = &j->diag;
	j->run.sim = j->sim;
	j->run.nres = j->topo.nflows;
	j->run.res = calloc(j->topo.nflows + 1, sizeof(*j->run.res));
	if (j->run.res == NULL) {
		diag_set_oom();
		return -ENOMEM;
	}
	for (i = 0; i < j->topo.nflows; i++) {
		r = &j->run.res[i];
		rc = (trace ? sim_run_flow : sim_decide)(j->sim,
		    &j->topo.flows[i], r);
		if (rc == 0 && !trace && !r->all_ok)
			rc = sim_run_flow(j->sim, &j->topo.flows[i], r);
		if (rc != 0) {
			if (rc == -ENOMEM)
				diag_set_oom();
			return rc;
		}
	}
	/* A traced run is for outputs, which name capture points (the
	 * trace's captures, ladders, diagrams, reports). */
	if (trace && (rc = sim_name_points(j->sim, j->run.res,
	    j->run.nres)) != 0) {
		diag_set_oom();
		return rc;
	}
	return 0;
}

int
job_run(struct job *j)
{
	return job_walk(j, true);
}

int
job_decide(struct job *j)
{
	return job_walk(j, false);
}

int
output_not_input(const char *opt, const char *out, char *const *in,
		 size_t n)
{
	struct stat so, si;
	size_t i;

	if (out == NULL)
		return 0;
	/* An existing output: the same file whatever the name (a link, a
	 * "./" in front); else the same name. */
	if (stat(out, &so) == 0) {
		for (i = 0; i < n; i++)
			if (stat(in[i], &si) == 0 && si.st_dev == so.st_dev &&
			    si.st_ino == so.st_ino)
				break;
	} else {
		for (i = 0; i < n && strcmp(in[i], out) != 0; i++)
			;
	}
	if (i == n)
		return 0;
	fprintf(stderr, "ftsim: %s %s: that is the input %s; it would be "
		"overwritten\n", opt, out, in[i]);
	return -1;
}
