/*
 * htmlreport.h: `ftsim report FILE... -o DIR`: one folder per run that a
 * browser opens without a network. index.html shows every flow of every
 * scenario (verdict, expectations, outcome, the trace, the path diagram
 * of cli/diagram.h, links to its captures) under an outcome matrix and
 * the gnuplot plots of results/ (matrix.gp, latency.gp and, for
 * --whatif, whatif.gp), which ftsim runs in the folder. The folder is
 * built under a temporary name beside DIR and renamed when complete.
 */
#ifndef FTSIM_HTMLREPORT_H
#define FTSIM_HTMLREPORT_H

#include <stdio.h>

/* Write s escaped for HTML text and attribute values (& < > " '). */
void html_escape(FILE *f, const char *s);

int cmd_report(int argc, char **argv);

#endif
