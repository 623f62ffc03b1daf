/*
 * gpscripts.h: the gnuplot scripts of results/ (hops.gp, latency.gp,
 * whatif.gp), built into ftsim (cmake/embed.cmake) so that a report
 * writes and runs the very scripts the source tree holds.
 */
#ifndef FTSIM_GPSCRIPTS_H
#define FTSIM_GPSCRIPTS_H

#include <stddef.h>

struct gpscript {
	const char *name;		/* "hops.gp" */
	const unsigned char *text;
	size_t len;
};

extern const struct gpscript gp_scripts[];
extern const size_t gp_nscripts;

#endif
