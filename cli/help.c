/*
 * help.c: the table of commands and options (help.h), and what is made
 * from it: the help texts, usage errors and getopt_long's lists.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/help.h"
#include "cli/job.h"

#define FILE_OPERAND \
	"  FILE  a scenario (YAML) or an Azure export (a name ending in\n" \
	"        .json); - reads standard input\n"

static const struct help_opt run_opts[] = {
	{ "json", 'j', 0, NULL, HA_NONE, NULL,
	  "print one JSON document instead of the trace" },
	{ "tap", 'T', 0, NULL, HA_NONE, NULL,
	  "print TAP, one line per expectation, instead of the trace" },
	{ "junit", 'J', 0, "FILE.xml", HA_FILE, NULL,
	  "also write a JUnit XML report, one test case per expectation" },
	{ "color", 'c', 0, NULL, HA_NONE, NULL,
	  "colour the verdicts even off a terminal or with NO_COLOR set" },
	{ "no-color", 'C', 0, NULL, HA_NONE, NULL,
	  "never colour the verdicts" },
	{ "ladder", 'l', 0, NULL, HA_NONE, NULL,
	  "draw each flow's packets as a ladder diagram" },
	{ "pcap", 'p', 0, "DIR", HA_DIR, NULL,
	  "also write one pcap per capture point into DIR" },
	{ "capture", 'P', 0, "NAME,...", HA_WORD, NULL,
	  "with --pcap: only the capture points of these names or kinds" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt routes_opts[] = {
	{ "vm", 'v', 0, "NAME", HA_VM, NULL, "the VM whose NIC's routes to print" },
	{ "firewall", 'f', 0, "NAME", HA_WORD, NULL,
	  "instead, the routes of an Azure Firewall's AzureFirewallSubnet" },
	{ "json", 'j', 0, NULL, HA_NONE, NULL,
	  "print JSON in the shape of the az command (a value array)" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt rules_opts[] = {
	{ "vm", 'v', 0, "NAME", HA_VM, NULL, "the VM whose NIC's rules to print" },
	{ "firewall", 'F', 0, "NAME", HA_WORD, NULL,
	  "instead, an Azure Firewall's rules in processing order" },
	{ "json", 'j', 0, NULL, HA_NONE, NULL,
	  "print JSON in the shape of az network nic list-effective-nsg" },
	{ "full", 'f', 0, NULL, HA_NONE, NULL,
	  "list every address a service tag expands to" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt nexthop_opts[] = {
	{ "vm", 'v', 0, "NAME", HA_VM, NULL, "the VM the packet leaves" },
	{ "dest", 'd', 0, "IP", HA_WORD, NULL, "the destination: an address, "
	  "or a name the scenario's dns: or the built-in names resolve" },
	{ "json", 'j', 0, NULL, HA_NONE, NULL,
	  "print JSON in Network Watcher's shape" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt verify_opts[] = {
	{ "vm", 'v', 0, "NAME", HA_VM, NULL, "the VM whose NIC is checked" },
	{ "direction", 'D', 0, "DIR", HA_CHOICE, "Outbound Inbound",
	  "Outbound or Inbound" },
	{ "protocol", 'p', 0, "PROTO", HA_CHOICE, "TCP UDP", "TCP or UDP" },
	{ "local", 'l', 0, "IP:PORT", HA_WORD, NULL,
	  "the VM's end: its address and port" },
	{ "remote", 'r', 0, "IP:PORT", HA_WORD, NULL, "the other end" },
	{ "json", 'j', 0, NULL, HA_NONE, NULL,
	  "print JSON in Network Watcher's shape" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt flowlog_opts[] = {
	{ "out", 'o', 'o', "DIR", HA_DIR, NULL,
	  "write the PT1H.json files under DIR (default: one JSON document "
	  "on stdout)" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

/* whatif and diff */
#define WHATIF_OPTS \
	{ "json", 'j', 0, NULL, HA_NONE, NULL, "print one JSON document" }, \
	{ "services", 's', 0, NULL, HA_NONE, NULL, \
	  "also compare the paths to the built-in services (KMS, DNS, ...)" }, \
	{ "no-exhaustive", 'n', 0, NULL, HA_NONE, NULL, \
	  "compare the flows only, not every destination range" }, \
	{ "all", 'a', 0, NULL, HA_NONE, NULL, \
	  "list every changed range (text lists 16 per group)" }, \
	{ "every-range", 'e', 0, NULL, HA_NONE, NULL, \
	  "walk every range of every VM, not only those the change can touch" }

static const struct help_opt whatif_opts[] = {
	WHATIF_OPTS,
	{ "write-after", 'W', 0, "FILE", HA_FILE, NULL,
	  "also write the base with the changes applied as a scenario file" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt diff_opts[] = {
	WHATIF_OPTS,
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt advise_opts[] = {
	{ "json", 'j', 0, NULL, HA_NONE, NULL, "print one JSON document" },
	{ "out", 'o', 'o', "CHANGE.yaml", HA_FILE, NULL,
	  "write the proven fixes as a change file (whole or not at all)" },
	{ "services", 's', 0, "LIST", HA_WORD, NULL,
	  "probe only these services: kms, suse, dns, imds (comma-separated)" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt import_opts[] = {
	{ "out", 'o', 'o', "FILE", HA_FILE, NULL,
	  "write the scenario to FILE (default: stdout)" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt replay_opts[] = {
	{ "scenario", 's', 0, "FILE", HA_FILE, NULL,
	  "the scenario to replay the capture in (- reads standard input)" },
	{ "from", 'f', 0, "VM", HA_VM, NULL,
	  "the VM whose NIC the capture was recorded on" },
	{ "filter", 'F', 0, "BPF", HA_WORD, NULL,
	  "replay only the packets this capture filter takes" },
	{ "json", 'j', 0, NULL, HA_NONE, NULL, "print one JSON document" },
	{ "per-packet", 'p', 0, NULL, HA_NONE, NULL,
	  "one line per packet instead of one per flow" },
	{ "trace", 't', 0, NULL, HA_NONE, NULL,
	  "print each flow's hop-by-hop trace" },
	{ "pcap", 'P', 0, "DIR", HA_DIR, NULL,
	  "write the per-hop captures into DIR" },
	{ "capture", 'C', 0, "NAME,...", HA_WORD, NULL,
	  "with --pcap: only the capture points of these names or kinds" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt diagram_opts[] = {
	{ "flow", 'f', 0, "NAME", HA_FLOW, NULL, "draw this flow's path" },
	{ "out", 'o', 'o', "OUT", HA_FILE, NULL,
	  "write OUT.svg, OUT.png or OUT.dot (default: DOT on stdout)" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt report_opts[] = {
	{ "out", 'o', 'o', "DIR", HA_DIR, NULL, "the report's folder" },
	{ "whatif", 'w', 0, "CHANGE.yaml", HA_FILE, NULL,
	  "also show what this change alters (repeatable)" },
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

static const struct help_opt no_opts[] = {
	{ NULL, 0, 0, NULL, HA_NONE, NULL, NULL },
};

#define EXIT_CHECK "0 every expectation holds, 1 one failed, 2 bad input"
#define EXIT_QUERY "0 done, 2 bad input"

const struct help_cmd help_cmds[] = {
	{ "run", "[OPTION]... FILE...",
	  "replay every flow: the hop-by-hop trace, each expectation's verdict", FILE_OPERAND, EXIT_CHECK, run_opts, 0 },
	{ "routes", "FILE --vm NAME | --firewall NAME [--json]",
	  "a VM NIC's effective routes, as az network nic shows them", FILE_OPERAND, EXIT_QUERY,
	  routes_opts, 0 },
	{ "rules", "FILE --vm NAME | --firewall NAME [--json] [--full]",
	  "a VM NIC's effective security rules and the hidden platform rules",
	  FILE_OPERAND, EXIT_QUERY, rules_opts, 0 },
	{ "nexthop", "FILE --vm NAME --dest IP [--json]",
	  "Network Watcher's next hop, with the route that decided", FILE_OPERAND, EXIT_QUERY, nexthop_opts, 0 },
	{ "verify", "FILE --vm NAME --direction DIR --protocol PROTO\n"
	  " --local IP:PORT --remote IP:PORT [--json]",
	  "Network Watcher's IP flow verify beside the real verdict",
	  FILE_OPERAND, EXIT_QUERY, verify_opts, 0 },
	{ "flowlog", "FILE [--out DIR]",
	  "NSG flow logs (version 2) of the simulated exchanges", FILE_OPERAND, EXIT_QUERY, flowlog_opts, 0 },
	{ "whatif", "[OPTION]... BASE CHANGE.yaml...",
	  "the flows and address ranges change files alter",
	  "  BASE         a scenario or an Azure export; - reads standard "
	  "input\n"
	  "  CHANGE.yaml  a change file; several apply in order, each to "
	  "what\n"
	  "               the ones before it made; - reads standard input\n",
	  "0 nothing changed, 1 something changed, 2 bad input",
	  whatif_opts, 0 },
	{ "diff", "[OPTION]... BEFORE AFTER",
	  "the flows and address ranges two scenarios differ in",
	  "  BEFORE, AFTER  scenarios or Azure exports; - (one of them) "
	  "reads standard input\n",
	  "0 nothing changed, 1 something changed, 2 bad input",
	  diff_opts, 0 },
	{ "advise", "[--json] [-o CHANGE.yaml] [--services LIST] FILE",
	  "which services each VM reaches, why, and the proven least fix",
	  FILE_OPERAND, "0 every service works, 1 something is broken, "
	  "2 bad input", advise_opts, 0 },
	{ "import", "[--out FILE] FILE.json...",
	  "Azure exports (az CLI JSON, ARM templates) to a scenario file",
	  "  FILE.json  an export; - reads standard input\n", EXIT_QUERY,
	  import_opts, 0 },
	{ "replay", "--scenario FILE --from VM [OPTION]... CAPTURE",
	  "what the model does with a recorded capture, flow by flow",
	  "  CAPTURE  a pcap or pcapng file\n",
	  "0 done, 1 a matched scenario flow's expectation breaks, 2 bad input",
	  replay_opts, 0 },
	{ "diagram", "FILE [--flow NAME] [-o OUT.svg|OUT.png|OUT.dot]",
	  "the topology and a flow's path as a Graphviz graph",
	  FILE_OPERAND, "0 done, 2 bad input, 3 no dot for SVG or PNG",
	  diagram_opts, 0 },
	{ "report", "[--whatif CHANGE.yaml]... -o DIR FILE...",
	  "an HTML report: every flow's verdict, trace, diagram, captures", FILE_OPERAND,
	  EXIT_CHECK ", 3 no dot or gnuplot", report_opts, 0 },
	{ "version", "", "print ftsim's version", NULL, "0", no_opts, 0 },
	{ "help", "[COMMAND]", "print a command's help, or the list of "
	  "commands", "  COMMAND  one of the commands above\n",
	  "0 done, 2 no such command", no_opts, 0 },
	{ "complete", "commands | options CMD | arg CMD OPTION\n"
	  "vms FILE | flows FILE",
	  "the words the shell completions offer, one a line",
	  "  commands        the commands\n"
	  "  options CMD     the options of CMD\n"
	  "  arg CMD OPTION  what OPTION takes: none, file, dir, vm, flow,\n"
	  "                  word, or choice then the choices\n"
	  "  vms FILE        the VMs of a scenario (nothing if it does not "
	  "load)\n"
	  "  flows FILE      its flows\n",
	  "0 done, 2 usage", no_opts, 1 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 },
};

const struct help_cmd *
help_find(const char *name)
{
	const struct help_cmd *c;

	for (c = help_cmds; name != NULL && c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* "-o, --out FILE" or "    --json". */
static void
opt_label(const struct help_opt *o, char *buf, size_t len)
{
	snprintf(buf, len, "%c%c%s--%s%s%s", o->shortopt ? '-' : ' ',
	    o->shortopt ? o->shortopt : ' ', o->shortopt ? ", " : "  ",
	    o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void
help_print(FILE *f, const struct help_cmd *c)
{
	static const struct help_opt help = { "help", 'h', 'h', NULL,
	    HA_NONE, NULL, "print this help and exit" };
	const struct help_opt *o;
	const char *s, *nl;
	char label[64];
	int w = 0, l;

	/* One "usage:" line per form of the synopsis; a line that starts
	 * with a blank goes on with the form above. */
	for (s = c->synopsis; ; s = nl + 1) {
		nl = strchr(s, '\n');
		l = nl ? (int)(nl - s) : (int)strlen(s);
		if (*s == ' ')
			fprintf(f, "%*s%.*s\n", 13 + (int)strlen(c->name), "",
			    l - 1, s + 1);
		else
			fprintf(f, "%s ftsim %s %.*s\n", s == c->synopsis ?
			    "usage:" : "      ", c->name, l, s);
		if (nl == NULL)
			break;
	}
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)c->summary[0]),
	    c->summary + 1);
	if (c->operands != NULL)
		fprintf(f, "\n%s", c->operands);
	for (o = c->opts; o->name != NULL; o++) {
		opt_label(o, label, sizeof(label));
		if ((l = (int)strlen(label)) > w)
			w = l;
	}
	fputs("\nOptions:\n", f);
	for (o = c->opts; ; o++) {
		if (o->name == NULL)
			o = &help;
		opt_label(o, label, sizeof(label));
		fprintf(f, "  %-*s  %s\n", w, label, o->desc);
		if (o == &help)
			break;
	}
	fprintf(f, "\nExit status: %s; 4 out of memory.\n", c->exits);
}

void
help_print_all(FILE *f)
{
	const struct help_cmd *c;

	fputs("usage: ftsim COMMAND [OPTION]... [FILE]...\n"
	      "       ftsim COMMAND --help\n"
	      "       ftsim --version\n\n"
	      "Simulate Azure forced tunnelling packet by packet: a scenario "
	      "file's\nnetwork, flows and expectations (docs/format.md).\n\n"
	      "Commands:\n", f);
	for (c = help_cmds; c->name != NULL; c++)
		if (!c->hidden)
			fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fputs("\n'ftsim COMMAND --help' or 'ftsim help COMMAND' lists a "
	      "command's options;\n'man ftsim' describes them all. FILE "
	      "may be - for standard input.\n", f);
}

int
help_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ftsim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'ftsim %s --help'.\n", cmd);
	return EXIT_BADINPUT;
}

int
help_operands(const char *cmd, int argc, char **argv, int min, int max,
    const char *what)
{
	int n = argc - optind;

	if (n < min)
		return help_usage(cmd, "missing %s", what);
	if (n > max)
		return help_usage(cmd, "unexpected operand '%s'",
		    argv[optind + max]);
	return 0;
}

/* getopt_long's lists of one command, made once from the table. */
#define HELP_MAXOPTS 16
struct help_getopts {
	const struct help_cmd *cmd;
	struct option longopts[HELP_MAXOPTS + 2];
	char shortopts[2 * HELP_MAXOPTS + 4];
};

static void
help_build(const struct help_cmd *c, struct help_getopts *g)
{
	const struct help_opt *o;
	size_t n = 0, k = 0;

	g->cmd = c;
	/* ':' first: a missing argument is told from an unknown option. */
	g->shortopts[k++] = ':';
	g->shortopts[k++] = 'h';
	for (o = c->opts; o->name != NULL && n < HELP_MAXOPTS; o++, n++) {
		g->longopts[n] = (struct option){ o->name,
		    o->arg ? required_argument : no_argument, NULL, o->val };
		if (o->shortopt) {
			g->shortopts[k++] = o->shortopt;
			if (o->arg)
				g->shortopts[k++] = ':';
		}
	}
	g->longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	g->longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	g->shortopts[k] = '\0';
}

/* How many of c's long options start with what arg ("--NAME[=...]")
 * names: getopt_long takes a unique prefix, and refuses one of several. */
static size_t
help_prefixes(const struct help_cmd *c, const char *arg)
{
	const struct help_opt *o;
	size_t len, n = 0;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	for (o = c->opts; o->name != NULL; o++)
		if (strncmp(o->name, arg, len) == 0)
			n++;
	return n + (strncmp("help", arg, len) == 0);
}

int
help_getopt(const char *cmd, int argc, char **argv)
{
	static struct help_getopts g;
	const struct help_cmd *c = help_find(cmd);
	const char *arg;
	int ch;

	if (c == NULL)
		abort();	/* a command missing from the table */
	if (g.cmd != c)
		help_build(c, &g);
	opterr = 0;
	ch = getopt_long(argc, argv, g.shortopts, g.longopts, NULL);
	arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	switch (ch) {
	case 'h':
		help_print(stdout, c);
		return 'h';
	case ':':
		help_usage(cmd, "option '%s' needs an argument", arg);
		return '?';
	case '?':
		if (optopt != 0 && strncmp(arg, "--", 2) != 0)
			help_usage(cmd, "unknown option '-%c'", optopt);
		else if (help_prefixes(c, arg) > 1)
			help_usage(cmd, "option '%s' is ambiguous", arg);
		else
			help_usage(cmd, "unknown option '%s'", arg);
		return '?';
	default:
		return ch;
	}
}
