/*
 * complete.h: `ftsim complete`, the words the shell completions
 * (completions/ftsim.bash, completions/_ftsim) offer, read from the
 * command table (cli/help.h) and from the scenario on the command line.
 */
#ifndef FTSIM_COMPLETE_H
#define FTSIM_COMPLETE_H

int cmd_complete(int argc, char **argv);

#endif
