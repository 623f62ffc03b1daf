/*
 * whatif.h: `ftsim whatif`, `ftsim diff` and `ftsim import`.
 */
#ifndef FTSIM_CLI_WHATIF_H
#define FTSIM_CLI_WHATIF_H

struct change;
struct diag;

int cmd_whatif(int argc, char **argv);
/* A change file, or standard input for "-" (read once): 0, or -1 after
 * reporting through d. */
int whatif_change_read(const char *path, struct change *ch, struct diag *d);
int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);

#endif
