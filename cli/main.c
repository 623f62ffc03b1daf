/*
 * main.c: the ftsim command. Data flows one way: scenario file ->
 * topology (topology/) -> engine (sim/) -> results -> text or JSON.
 *
 * Exit codes (FORMAT.md): 0 every expectation holds, 1 one failed,
 * 2 bad input (nothing is printed on stdout then).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/outfile.h"
#include "capture/pcapw.h"
#include "cli/complete.h"
#include "cli/job.h"
#include "cli/diagram.h"
#include "cli/htmlreport.h"
#include "cli/flowlog.h"
#include "cli/help.h"
#include "cli/nw.h"
#include "cli/pcapout.h"
#include "cli/replay.h"
#include "cli/out.h"
#include "cli/rules.h"
#include "cli/term.h"
#include "cli/whatif.h"
#include "cli/advise.h"
#include "sim/nsg.h"
#include "sim/walk.h"
#include "topology/scenario.h"

/* The project's version, from CMake (project(ftsim VERSION ...)). */
#ifndef FTSIM_VERSION
#define FTSIM_VERSION "unknown"	/* compiled outside the build */
#endif

/* --pcap DIR: one scenario writes into DIR, several into DIR/SCENARIO. */
static int
write_captures(struct job *jobs, size_t n, const char *dir,
	       const struct capsel *sel)
{
	size_t i, k, files;
	uint64_t pkts;
	char path[4096], name[256], other[256], err[1024] = "";
	struct capwriter *top = NULL;
	int rc;

	/* DIR/SCENARIO, the name made one path component that cannot climb
	 * out of DIR; two scenarios may not share a folder. */
	for (i = 0; i < n && n > 1; i++) {
		outfile_name(jobs[i].topo.scenario, name, sizeof(name));
		for (k = 0; k < i; k++)
			if (strcmp(outfile_name(jobs[k].topo.scenario, other,
			    sizeof(other)), name) == 0) {
				fprintf(stderr, "ftsim: --pcap: %s and %s would "
				    "both write their captures to %s/%s (their "
				    "scenario: names): rename one\n",
				    jobs[k].topo.file, jobs[i].topo.file, dir,
				    name);
				return -1;
			}
	}
	/* Several scenarios: DIR's own set is their folders, held (locked)
	 * while they are written, so that DIR then holds this run's
	 * folders and nothing of an earlier set (capture/pcapw.h). */
	if (n > 1 && (rc = capw_open(dir, &top, err, sizeof(err))) != 0) {
		fprintf(stderr, "ftsim: %s\n", err[0] ? err : strerror(-rc));
		return -1;
	}
	/* capw_open creates DIR/SCENARIO with its parents. */
	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		const char *d = dir;

		if (n > 1) {
			snprintf(path, sizeof(path), "%s/%s", dir,
			    outfile_name(j->topo.scenario, name, sizeof(name)));
			d = path;
			if ((rc = capw_add_subset(top, name)) != 0) {
				fprintf(stderr, "ftsim: %s: %s\n", path,
				    strerror(-rc));
				capw_abort(top);
				return -1;
			}
		}
		if (pcapout_run(j->sim, j->run.res, j->run.nres, d, sel,
		    &files, &pkts) != 0) {
			capw_abort(top);
			return -1;
		}
		j->run.captures = true;
	}
	if (top != NULL && (rc = capw_commit(top, err, sizeof(err))) != 0) {
		fprintf(stderr, "ftsim: %s\n", err[0] ? err : strerror(-rc));
		return -1;
	}
	/* A name that selected nothing is most likely a typo. */
	for (k = 0; k < sel->n; k++) {
		bool hit = false;
		for (i = 0; i < n && !hit; i++) {
			size_t p;
			for (p = 0; p < sim_npoints(jobs[i].sim) && !hit; p++)
				hit = pcapout_selected(&(struct capsel){
				    &sel->names[k], 1 }, jobs[i].sim, p);
		}
		if (!hit)
			fprintf(stderr, "ftsim: warning: --capture %s: no "
				"capture point has that name or kind\n",
				sel->names[k]);
	}
	return 0;
}

static int
cmd_run(int argc, char **argv)
{
	bool json = false, tap = false;
	int color = -1;		/* --color 1, --no-color 0, else cli/term.h */
	bool ladder = false;
	const char *junit = NULL, *pcapdir = NULL;
	struct capsel sel = { NULL, 0 };
	char *capture = NULL;
	struct job *jobs;
	size_t n, i, k;
	int c, rc, status = 0;

	optind = 1;
	while ((c = help_getopt("run", argc, argv)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': color = 1; break;
		case 'C': color = 0; break;
		case 'p': pcapdir = optarg; break;
		case 'P': capture = optarg; break;
		case 'l': ladder = true; break;
		case 'J': junit = optarg; break;
		case 'T': tap = true; break;
		case 'h': return 0;
		default: return EXIT_BADINPUT;
		}
	}
	if (optind >= argc)
		return help_usage("run", "missing scenario FILE");
	if (json && tap)
		return help_usage("run", "--json and --tap: choose one");
	if (capture != NULL && pcapdir == NULL)
		return help_usage("run", "--capture needs --pcap DIR");
	if (capture != NULL && capsel_parse(capture, &sel) != 0)
		return help_usage("run", "--capture: expected NAME[,NAME...]");
	n = (size_t)(argc - optind);
	if (output_not_input("--junit", junit, argv + optind, n) != 0) {
		capsel_free(&sel);
		return EXIT_BADINPUT;
	}
	if ((jobs = calloc(n, sizeof(*jobs))) == NULL)
		return EXIT_BADINPUT;
	/* Load everything first: bad input anywhere means no output. */
	for (i = 0; i < n; i++)
		if (job_load(&jobs[i], argv[optind + (int)i]) != 0)
			status = EXIT_BADINPUT;
	/* TAP and JUnit print the trace of failing flows only: the flows
	 * are decided (the same verdicts, crossings and expectations;
	 * sim/walk.h), the failing ones walked again with their trace. */
	for (i = 0; i < n && status == 0; i++)
		if ((tap || junit != NULL ? job_decide(&jobs[i])
		    : job_run(&jobs[i])) != 0) {
			if (diag_oom())
				fputs("ftsim: out of memory\n", stderr);
			else
				fprintf(stderr, "ftsim: %s: internal error "
					"while simulating\n", jobs[i].topo.file);
			status = EXIT_BADINPUT;
		}
	if (status == 0 && pcapdir != NULL &&
	    write_captures(jobs, n, pcapdir, &sel) != 0)
		status = EXIT_BADINPUT;
	if (status == 0) {
		struct run *runs = calloc(n, sizeof(*runs));

		if (runs == NULL) {
			status = EXIT_BADINPUT;
			goto out;
		}
		for (i = 0; i < n; i++) {
			jobs[i].run.ladder = ladder;
			runs[i] = jobs[i].run;
			for (k = 0; k < runs[i].nres; k++)
				if (!runs[i].res[k].all_ok)
					status = EXIT_FAILED;
		}
		/* The report first: if it cannot be written, nothing is. */
		if (junit && (rc = out_junit_write(junit, runs, n)) != 0) {
			fprintf(stderr, "ftsim: cannot write %s: %s\n", junit,
				strerror(-rc));
			status = EXIT_BADINPUT;
		} else if (tap) {
			out_tap(stdout, runs, n);
		} else if (json && n == 1) {
			if (print_json(out_json_run(&runs[0])) != 0)
				status = EXIT_BADINPUT;
		} else if (json) {
			json_t *all = json_array();
			for (i = 0; i < n; i++)
				if (json_array_append_new(all,
				    out_json_run(&runs[i])) != 0) {
					json_decref(all);
					all = NULL;
					break;
				}
			if (print_json(all != NULL ? json_pack("{s:o}", "runs",
			    all) : NULL) != 0)
				status = EXIT_BADINPUT;
		} else {
			for (i = 0; i < n; i++) {
				if (i)
					fputc('\n', stdout);
				out_text_run(stdout, &runs[i],
				    term_color(STDOUT_FILENO, color));
			}
			out_text_summary(stdout, runs, n);
		}
		free(runs);
	}
out:
	for (i = 0; i < n; i++)
		job_free(&jobs[i]);
	free(jobs);
	capsel_free(&sel);
	return status;
}

static int
cmd_routes(int argc, char **argv)
{
	const char *vmname = NULL, *fwname = NULL;
	const struct rtable *rt = NULL;
	bool json = false;
	struct job j;
	size_t vm;
	int c, status = 0;

	optind = 1;
	while ((c = help_getopt("routes", argc, argv)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'v': vmname = optarg; break;
		case 'f': fwname = optarg; break;
		case 'h': return 0;
		default: return EXIT_BADINPUT;
		}
	}
	if ((c = help_operands("routes", argc, argv, 1, 1, "scenario FILE")) != 0)
		return c;
	if ((vmname == NULL) == (fwname == NULL))
		return help_usage("routes", vmname == NULL ?
		    "missing --vm NAME" :
		    "--vm and --firewall exclude each other");
	if (job_load(&j, argv[optind]) != 0) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	diag_print(stderr, &j.diag);	/* warnings */
	if (fwname != NULL) {
		/* MODEL §8 [fw-ft]: the routes that carry what an Azure
		 * Firewall forwards, which Azure shows nowhere. */
		size_t fi = topo_firewall_find(&j.topo, fwname);

		if (fi == TOPO_NONE)
			fprintf(stderr, "ftsim: %s: no firewall '%s'\n",
			    j.topo.file, fwname);
		else
			rt = sim_rtable(j.sim, j.topo.firewalls[fi].vnet,
			    j.topo.firewalls[fi].subnet);
	} else if ((vm = job_vm(&j, vmname)) != TOPO_NONE) {
		const struct vm *v = &j.topo.vms[vm];

		rt = sim_rtable(j.sim, v->vnet, v->subnet);
	}
	if (rt == NULL) {
		status = EXIT_BADINPUT;
	} else {
		if (json) {
			if (print_json(out_json_routes(rt)) != 0)
				status = EXIT_BADINPUT;
		} else
			out_text_routes(stdout, rt);
	}
	job_free(&j);
	return status;
}

/* `ftsim help [COMMAND]`. */
static int
cmd_help(int argc, char **argv)
{
	const struct help_cmd *c;
	int ch;

	optind = 1;
	if ((ch = help_getopt("help", argc, argv)) != -1)
		return ch == 'h' ? 0 : EXIT_BADINPUT;
	if ((ch = help_operands("help", argc, argv, 0, 1, "")) != 0)
		return ch;
	if (optind == argc) {
		help_print_all(stdout);
		return 0;
	}
	if ((c = help_find(argv[optind])) == NULL)
		return help_usage("help", "no command '%s'", argv[optind]);
	help_print(stdout, c);
	return 0;
}

/* `ftsim version`, `ftsim --version`. */
static int
cmd_version(int argc, char **argv)
{
	int ch;

	optind = 1;
	if ((ch = help_getopt("version", argc, argv)) != -1)
		return ch == 'h' ? 0 : EXIT_BADINPUT;
	if ((ch = help_operands("version", argc, argv, 0, 0, "")) != 0)
		return ch;
	puts("ftsim " FTSIM_VERSION);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run }, { "routes", cmd_routes },
	{ "nexthop", cmd_nexthop }, { "verify", cmd_verify },
	{ "flowlog", cmd_flowlog }, { "rules", cmd_rules },
	{ "whatif", cmd_whatif }, { "diff", cmd_diff },
	{ "advise", cmd_advise },
	{ "diagram", cmd_diagram }, { "report", cmd_report },
	{ "import", cmd_import }, { "replay", cmd_replay },
	{ "help", cmd_help }, { "version", cmd_version },
	{ "complete", cmd_complete },
};

static int
dispatch(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fputs("ftsim: missing COMMAND\nTry 'ftsim --help'.\n", stderr);
		return EXIT_BADINPUT;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help_print_all(stdout);
		return 0;
	}
	fprintf(stderr, "ftsim: unknown command '%s'\nTry 'ftsim --help'.\n",
	    argv[1]);
	return EXIT_BADINPUT;
}

int
main(int argc, char **argv)
{
	int status;

	/* Output files are removed, not left half-written, on SIGINT,
	 * SIGTERM, SIGHUP or over `ulimit -f` (capture/outfile.h). */
	outfile_signals();
	/* stdout is checked like every file: a failed write or close is an
	 * error naming its cause, exit 2. */
	stdout_open();
	json_watch();
	status = stdout_close(dispatch(argc, argv));
	/* Out of memory anywhere is said so, with its own status, whatever
	 * the command would have exited with (docs/format.md). */
	return diag_oom() ? EXIT_NOMEM : status;
}
