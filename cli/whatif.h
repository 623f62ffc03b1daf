/*
 * whatif.h: `ftsim whatif`, `ftsim diff` and `ftsim import`.
 */
#ifndef FTSIM_CLI_WHATIF_H
#define FTSIM_CLI_WHATIF_H

int cmd_whatif(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);

#endif
