/*
 * help.h: what every command takes, in one table (help.c): its synopsis,
 * its operands, each option with a one-line description, its exit codes.
 * Everything about a command's options reads this table: getopt_long's
 * option list (help_getopt), `ftsim COMMAND --help` and `ftsim help
 * COMMAND`, the one-line usage errors, the shell completions (through
 * `ftsim complete`, cli/complete.c); the man page docs/ftsim.1 is checked
 * against it (tests/help.sh).
 */
#ifndef FTSIM_HELP_H
#define FTSIM_HELP_H

#include <stdio.h>

/* What an option's argument is, for completion. */
enum help_arg {
	HA_NONE,		/* a flag: no argument */
	HA_FILE,		/* a file name */
	HA_DIR,			/* a directory name */
	HA_VM,			/* a VM of the scenario */
	HA_FLOW,		/* a flow of the scenario */
	HA_WORD,		/* anything else (an address, a filter) */
	HA_CHOICE		/* one of choices */
};

/* One option of a command. */
struct help_opt {
	const char *name;	/* the long name, without "--" */
	int val;		/* what help_getopt returns for it */
	char shortopt;		/* its one-letter form, or 0 */
	const char *arg;	/* its argument as the help shows it ("NAME"),
				 * NULL for a flag */
	enum help_arg kind;
	const char *choices;	/* HA_CHOICE: the values, space-separated */
	const char *desc;	/* what it does, one line */
};

/* One command. Every command also takes -h/--help (val 'h'). */
struct help_cmd {
	const char *name;
	const char *synopsis;	/* what follows "ftsim NAME", one line per
				 * form, '\n'-separated */
	const char *summary;	/* what it does, one line */
	const char *operands;	/* the operands, lines of "  NAME  what" */
	const char *exits;	/* its exit codes, one line */
	const struct help_opt *opts;	/* ends with a NULL name */
	int hidden;		/* not listed (the completion helper) */
};

/* Every command, in the order the help lists them; ends with a NULL
 * name. */
extern const struct help_cmd help_cmds[];

/* The command called name, or NULL. */
const struct help_cmd *help_find(const char *name);

/* A command's full help: usage, summary, operands, options, exit codes. */
void help_print(FILE *f, const struct help_cmd *c);
/* The list of commands, for `ftsim --help`. */
void help_print_all(FILE *f);

/*
 * getopt_long over the command's options (the caller sets optind = 1
 * before its loop). Returns an option's val, -1 at the end, 'h' once the
 * help has been printed on stdout (the command then exits 0), or '?' once
 * a usage error (an unknown option, a missing argument) has been printed
 * on stderr (the command then exits EXIT_BADINPUT).
 */
int help_getopt(const char *cmd, int argc, char **argv);

/* The operands after the options (argv[optind..argc-1]): at least min,
 * at most max. 0, or a usage error ("missing WHAT", "unexpected operand
 * 'X'") and EXIT_BADINPUT. */
int help_operands(const char *cmd, int argc, char **argv, int min, int max,
		  const char *what);

/* A usage error of command cmd: one line naming what is wrong, then
 * "Try 'ftsim CMD --help'.", on stderr. Returns EXIT_BADINPUT (2). */
int help_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
