/*
 * complete.c: `ftsim complete`, one word a line on stdout:
 *
 *   ftsim complete commands           the commands
 *   ftsim complete options CMD        CMD's options (--long, -s)
 *   ftsim complete arg CMD OPTION     what OPTION takes: none, file, dir,
 *                                     vm, flow, word; or "choice" and then
 *                                     the choices
 *   ftsim complete vms FILE           the VMs of a scenario
 *   ftsim complete flows FILE         its flows
 *
 * A scenario that does not load gives no names and no message: a
 * completion must not write over the user's command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli/complete.h"
#include "cli/help.h"
#include "cli/job.h"
#include "topology/azjson.h"
#include "topology/scenario.h"

static const char *const arg_kinds[] = {
	[HA_NONE] = "none", [HA_FILE] = "file", [HA_DIR] = "dir",
	[HA_VM] = "vm", [HA_FLOW] = "flow", [HA_WORD] = "word",
	[HA_CHOICE] = "choice",
};

static int
complete_options(const struct help_cmd *c)
{
	const struct help_opt *o;

	for (o = c->opts; o->name != NULL; o++) {
		printf("--%s\n", o->name);
		if (o->shortopt)
			printf("-%c\n", o->shortopt);
	}
	puts("--help");
	puts("-h");
	return 0;
}

static int
complete_arg(const struct help_cmd *c, const char *opt)
{
	const struct help_opt *o;
	const char *s, *sp;

	for (o = c->opts; o->name != NULL; o++)
		if ((strncmp(opt, "--", 2) == 0 && strcmp(opt + 2, o->name) == 0) ||
		    (o->shortopt && opt[0] == '-' && opt[1] == o->shortopt &&
		    opt[2] == '\0'))
			break;
	if (o->name == NULL) {
		puts("none");		/* --help, or not an option */
		return 0;
	}
	puts(arg_kinds[o->kind]);
	for (s = o->choices; s != NULL && *s != '\0'; s = sp + 1) {
		sp = strchr(s, ' ');
		printf("%.*s\n", sp ? (int)(sp - s) : (int)strlen(s), s);
		if (sp == NULL)
			break;
	}
	return 0;
}

/* The VMs or flows of a scenario file, quietly. */
static int
complete_names(const char *file, bool flows)
{
	struct topo t;
	struct diag d;
	size_t i;
	int rc;

	diag_init(&d);
	topo_init(&t);
	if (azjson_is_json(file))
		rc = azjson_load(&file, 1, &t, NULL, &d);
	else
		rc = scenario_load(file, &t, &d);
	for (i = 0; rc == 0 && flows && i < t.nflows; i++)
		puts(t.flows[i].name);
	for (i = 0; rc == 0 && !flows && i < t.nvms; i++)
		puts(t.vms[i].name);
	topo_free(&t);
	diag_free(&d);
	return 0;
}

int
cmd_complete(int argc, char **argv)
{
	const struct help_cmd *c;

	if (argc == 2 && strcmp(argv[1], "commands") == 0) {
		for (c = help_cmds; c->name != NULL; c++)
			if (!c->hidden)
				puts(c->name);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		help_print(stdout, help_find("complete"));
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "options") == 0)
		return (c = help_find(argv[2])) != NULL ?
		    complete_options(c) : 0;
	if (argc == 4 && strcmp(argv[1], "arg") == 0)
		return (c = help_find(argv[2])) != NULL ?
		    complete_arg(c, argv[3]) : (puts("none"), 0);
	if (argc == 3 && strcmp(argv[1], "vms") == 0)
		return complete_names(argv[2], false);
	if (argc == 3 && strcmp(argv[1], "flows") == 0)
		return complete_names(argv[2], true);
	return help_usage("complete", "expected commands, options CMD, arg "
	    "CMD OPTION, vms FILE or flows FILE");
}
