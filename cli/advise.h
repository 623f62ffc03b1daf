/*
 * advise.h: `ftsim advise`, which services each VM reaches and the
 * least-disturbing fix for those it does not, proven by the exhaustive
 * what-if.
 */
#ifndef FTSIM_ADVISE_H
#define FTSIM_ADVISE_H

int cmd_advise(int argc, char **argv);

#endif
