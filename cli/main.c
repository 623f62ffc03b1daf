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
#include "cli/job.h"
#include "cli/diagram.h"
#include "cli/htmlreport.h"
#include "cli/flowlog.h"
#include "cli/nw.h"
#include "cli/pcapout.h"
#include "cli/replay.h"
#include "cli/out.h"
#include "cli/rules.h"
#include "cli/whatif.h"
#include "sim/nsg.h"
#include "sim/walk.h"
#include "topology/scenario.h"

static void
usage(FILE *f)
{
	fputs("usage: ftsim run [--json|--tap] [--junit FILE.xml] "
	      "[--color|--no-color] [--ladder]\n"
	      "                 [--pcap DIR [--capture NAME,...]] FILE...\n"
	      "       ftsim routes FILE --vm NAME [--json]\n"
	      "       ftsim rules FILE --vm NAME [--json] [--full]\n"
	      "       ftsim nexthop FILE --vm NAME --dest IP [--json]\n"
	      "       ftsim flowlog FILE [--out DIR]\n"
	      "       ftsim verify FILE --vm NAME --direction Outbound|Inbound\n"
	      "                    --protocol TCP|UDP --local IP:PORT --remote IP:PORT\n"
	      "                    [--json]\n"
	      "       ftsim whatif [--json] [--services] [--no-exhaustive] [--all]\n"
	      "                    BASE CHANGE.yaml\n"
	      "       ftsim diff [--json] [--services] [--no-exhaustive] [--all]\n"
	      "                    BEFORE AFTER\n"
	      "       ftsim import [--out FILE] FILE.json...\n"
	      "       ftsim replay --scenario FILE --from VM [--filter BPF] [--json]\n"
	      "                    [--per-packet] [--trace] [--pcap DIR [--capture NAME,...]]\n"
	      "                    CAPTURE\n"
	      "       ftsim diagram FILE [--flow NAME] [-o OUT.svg|OUT.png|OUT.dot]\n"
	      "       ftsim report [--whatif CHANGE.yaml]... -o DIR FILE...\n"
	      "       ftsim version\n"
	      "\n"
	      "run     replay every flow of each scenario, print the hop-by-hop\n"
	      "        trace and whether each expectation held (exit 0 all held,\n"
	      "        1 one failed, 2 bad input); --junit also writes a JUnit\n"
	      "        report, --tap prints TAP instead of the trace\n"
	      "routes  print the effective routes of a VM's NIC, in the columns\n"
	      "        of `az network nic show-effective-route-table -o table`\n"
	      "rules   the effective security rules of a VM's NIC, as `az network\n"
	      "        nic list-effective-nsg`, and the hidden platform rules\n"
	      "nexthop Network Watcher's next hop for a destination\n"
	      "flowlog NSG flow logs version 2 of the simulated exchanges, one\n"
	      "        PT1H.json per NSG, NIC and hour in Azure's blob layout\n"
	      "verify  Network Watcher's IP flow verify, beside the real verdict\n"
	      "        (platform rules included) and why they differ\n"
	      "whatif  apply a change file and print every flow and address\n"
	      "        range whose fate changes (exit 0 none, 1 some, 2 bad input)\n"
	      "diff    the same between two whole scenarios\n"
	      "import  read Azure exports (az CLI JSON, ARM template) and write\n"
	      "        a scenario file\n"
	      "replay  inject a recorded capture (pcap, pcapng) at a VM's NIC and\n"
	      "        report what the model does with each flow or packet\n"
	      "diagram the topology and a flow's path as a Graphviz graph, each\n"
	      "        hop labelled with the packet's source address (exit 3: no\n"
	      "        dot for SVG or PNG)\n"
	      "report  a folder with index.html, path diagrams, captures and\n"
	      "        gnuplot plots of every flow (exit 3: no dot or gnuplot)\n",
	      f);
}


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
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "color", no_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "capture", required_argument, NULL, 'P' },
		{ "ladder", no_argument, NULL, 'l' },
		{ "junit", required_argument, NULL, 'J' },
		{ "tap", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, tap = false, color = isatty(STDOUT_FILENO);
	bool ladder = false;
	const char *junit = NULL, *pcapdir = NULL;
	struct capsel sel = { NULL, 0 };
	char *capture = NULL;
	struct job *jobs;
	size_t n, i, k;
	int c, rc, status = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': color = true; break;
		case 'C': color = false; break;
		case 'p': pcapdir = optarg; break;
		case 'P': capture = optarg; break;
		case 'l': ladder = true; break;
		case 'J': junit = optarg; break;
		case 'T': tap = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_BADINPUT;
		}
	}
	if (optind >= argc || (json && tap) ||
	    (capture != NULL && pcapdir == NULL)) {
		if (capture != NULL && pcapdir == NULL)
			fputs("ftsim: --capture needs --pcap DIR\n", stderr);
		usage(stderr);
		return EXIT_BADINPUT;
	}
	if (capture != NULL && capsel_parse(capture, &sel) != 0) {
		fputs("ftsim: --capture: expected NAME[,NAME...]\n", stderr);
		return EXIT_BADINPUT;
	}
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
	for (i = 0; i < n && status == 0; i++)
		if (job_run(&jobs[i]) != 0) {
			fprintf(stderr, "ftsim: %s: internal error while "
				"simulating\n", jobs[i].topo.file);
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
				out_text_run(stdout, &runs[i], color);
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
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "vm", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *vmname = NULL;
	bool json = false;
	struct job j;
	size_t vm;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'v': vmname = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_BADINPUT;
		}
	}
	if (optind != argc - 1 || vmname == NULL) {
		usage(stderr);
		return EXIT_BADINPUT;
	}
	if (job_load(&j, argv[optind]) != 0) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	diag_print(stderr, &j.diag);	/* warnings */
	if ((vm = job_vm(&j, vmname)) == TOPO_NONE) {
		status = EXIT_BADINPUT;
	} else {
		const struct vm *v = &j.topo.vms[vm];
		const struct rtable *rt = sim_rtable(j.sim, v->vnet, v->subnet);

		if (json) {
			if (print_json(out_json_routes(rt)) != 0)
				status = EXIT_BADINPUT;
		} else
			out_text_routes(stdout, rt);
	}
	job_free(&j);
	return status;
}

static int
dispatch(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_BADINPUT;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "routes") == 0)
		return cmd_routes(argc - 1, argv + 1);
	if (strcmp(argv[1], "nexthop") == 0)
		return cmd_nexthop(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "flowlog") == 0)
		return cmd_flowlog(argc - 1, argv + 1);
	if (strcmp(argv[1], "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);
	if (strcmp(argv[1], "whatif") == 0)
		return cmd_whatif(argc - 1, argv + 1);
	if (strcmp(argv[1], "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);
	if (strcmp(argv[1], "diagram") == 0)
		return cmd_diagram(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		puts("ftsim 0.1.0");
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "ftsim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_BADINPUT;
}

int
main(int argc, char **argv)
{
	/* Output files are removed, not left half-written, on SIGINT,
	 * SIGTERM, SIGHUP or over `ulimit -f` (capture/outfile.h). */
	outfile_signals();
	/* stdout is checked like every file: a failed write or close is an
	 * error naming its cause, exit 2. */
	stdout_open();
	json_watch();
	return stdout_close(dispatch(argc, argv));
}
