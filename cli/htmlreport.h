/*
 * htmlreport.h: `ftsim report FILE... -o DIR`: one folder per run that a
 * browser opens without a network. index.html shows every flow of every
 * scenario (whether it works or is broken and why, its expectations
 * apart, the trace, the path diagram of cli/diagram.h, links to its
 * captures) under a table of every flow's answer and the gnuplot plots
 * of results/ (hops.gp; latency.gp when a scenario sets `timing:`;
 * whatif.gp for --whatif), which ftsim runs in the folder. The folder is
 * built under a temporary name beside DIR and renamed when complete.
 */
#ifndef FTSIM_HTMLREPORT_H
#define FTSIM_HTMLREPORT_H

#include <stdio.h>

/* Write s escaped for HTML text and attribute values (& < > " '). */
void html_escape(FILE *f, const char *s);

int cmd_report(int argc, char **argv);

#endif
