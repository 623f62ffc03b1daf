/*
 * diagram.h: `ftsim diagram`: a scenario's topology as a Graphviz graph
 * (VNets with their subnets, VMs, route tables and gateways, circuits
 * with their peerings, on-premises, the Internet, Azure's edge and the
 * destinations the flows reach), with one flow's path drawn over it: the
 * request hop by hop from capture point to capture point (sim/walk.h,
 * struct xing), each edge labelled with the source address the packet
 * carries there, and the reply dashed beside it.
 *
 * The DOT text is ftsim's own (deterministic: same run, same bytes);
 * SVG and PNG are drawn by Graphviz's `dot` (cli/spawn.h).
 */
#ifndef FTSIM_DIAGRAM_H
#define FTSIM_DIAGRAM_H

#include <stdio.h>

#include "cli/out.h"

enum dg_format { DG_DOT, DG_SVG, DG_PNG };

/* The format an output file's name asks for (".dot", ".gv", ".svg",
 * ".png", case-insensitive); -1 if none. */
int diagram_format(const char *path);

/* Write s to f as a DOT quoted string: '"' and '\' escaped, a newline
 * written as DOT's "\n" line break, other control bytes as spaces. */
void diagram_quote(FILE *f, const char *s);

/*
 * The DOT graph of run's topology and of the destinations its flows
 * reach; with r (one of run->res, or NULL), r's path drawn over it.
 * 0, -ENOMEM, or -EIO when f could not be written.
 */
int diagram_dot(FILE *f, const struct run *run, const struct flow_result *r);

/*
 * Write the diagram to path in format fmt, through a temporary name in
 * the same directory renamed when complete. DG_SVG and DG_PNG run `dot`;
 * -ENOENT when it is not installed. 0 or a negative errno; err says why.
 */
int diagram_write(const struct run *run, const struct flow_result *r,
		  const char *path, enum dg_format fmt, char *err,
		  size_t errlen);

/* Render an existing DOT file to path (DG_SVG or DG_PNG) with `dot`,
 * through a temporary name. 0, -ENOENT (no dot), or a negative errno. */
int diagram_render(const char *dotfile, const char *path, enum dg_format fmt,
		   char *err, size_t errlen);

/* `ftsim diagram FILE [--flow NAME] [-o OUT.svg|png|dot]`. */
int cmd_diagram(int argc, char **argv);

#endif
