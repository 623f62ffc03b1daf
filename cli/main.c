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

#include "cli/job.h"
#include "cli/nw.h"
#include "cli/out.h"
#include "cli/whatif.h"
#include "sim/nsg.h"
#include "sim/walk.h"
#include "topology/scenario.h"

static void
usage(FILE *f)
{
	fputs("usage: ftsim run [--json] [--color|--no-color] FILE...\n"
	      "       ftsim routes FILE --vm NAME [--json]\n"
	      "       ftsim nexthop FILE --vm NAME --dest IP [--json]\n"
	      "       ftsim verify FILE --vm NAME --direction Outbound|Inbound\n"
	      "                    --protocol TCP|UDP --local IP:PORT --remote IP:PORT\n"
	      "                    [--json]\n"
	      "       ftsim whatif [--json] [--services] [--no-exhaustive] [--all]\n"
	      "                    BASE CHANGE.yaml\n"
	      "       ftsim diff [--json] [--services] [--no-exhaustive] [--all]\n"
	      "                    BEFORE AFTER\n"
	      "       ftsim import [--out FILE] FILE.json...\n"
	      "       ftsim version\n"
	      "\n"
	      "run     replay every flow of each scenario, print the hop-by-hop\n"
	      "        trace and whether each expectation held (exit 0 all held,\n"
	      "        1 one failed, 2 bad input)\n"
	      "routes  print the effective routes of a VM's NIC, in the columns\n"
	      "        of `az network nic show-effective-route-table -o table`\n"
	      "nexthop Network Watcher's next hop for a destination\n"
	      "verify  Network Watcher's IP flow verify, beside the real verdict\n"
	      "        (platform rules included) and why they differ\n"
	      "whatif  apply a change file and print every flow and address\n"
	      "        range whose fate changes (exit 0 none, 1 some, 2 bad input)\n"
	      "diff    the same between two whole scenarios\n"
	      "import  read Azure exports (az CLI JSON, ARM template) and write\n"
	      "        a scenario file\n",
	      f);
}

static int
job_run(struct job *j)
{
	size_t i;
	int rc;

	j->run.topo = &j->topo;
	j->run.warnings = &j->diag;
	j->run.nres = j->topo.nflows;
	j->run.res = calloc(j->topo.nflows + 1, sizeof(*j->run.res));
	if (j->run.res == NULL)
		return -ENOMEM;
	for (i = 0; i < j->topo.nflows; i++)
		if ((rc = sim_run_flow(j->sim, &j->topo.flows[i],
				       &j->run.res[i])) != 0)
			return rc;
	return 0;
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "color", no_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, color = isatty(STDOUT_FILENO);
	struct job *jobs;
	size_t n, i, k;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': color = true; break;
		case 'C': color = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_BADINPUT;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_BADINPUT;
	}
	n = (size_t)(argc - optind);
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
	if (status == 0) {
		struct run *runs = calloc(n, sizeof(*runs));

		if (runs == NULL) {
			status = EXIT_BADINPUT;
			goto out;
		}
		for (i = 0; i < n; i++) {
			runs[i] = jobs[i].run;
			for (k = 0; k < runs[i].nres; k++)
				if (!runs[i].res[k].all_ok)
					status = EXIT_FAILED;
		}
		if (json && n == 1) {
			print_json(out_json_run(&runs[0]));
		} else if (json) {
			json_t *all = json_array();
			for (i = 0; i < n; i++)
				json_array_append_new(all, out_json_run(&runs[i]));
			print_json(json_pack("{s:o}", "runs", all));
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

		if (json)
			print_json(out_json_routes(rt));
		else
			out_text_routes(stdout, rt);
	}
	job_free(&j);
	return status;
}

int
main(int argc, char **argv)
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
	if (strcmp(argv[1], "whatif") == 0)
		return cmd_whatif(argc - 1, argv + 1);
	if (strcmp(argv[1], "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 1, argv + 1);
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
