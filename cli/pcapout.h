/*
 * pcapout.h: captures and pictures of the packet exchange, for `ftsim
 * run --pcap` and `--ladder`.
 */
#ifndef FTSIM_PCAPOUT_H
#define FTSIM_PCAPOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/walk.h"

/* The capture points --capture names: point names ("nic-vm1") or kinds
 * ("nic", "circuit", "dest"); none selects every point. */
struct capsel {
	char **names;
	size_t n;
};

/* Parse "a,b,c" into sel (0, or -1: empty or out of memory); free the
 * names with capsel_free. */
int capsel_parse(const char *arg, struct capsel *sel);
void capsel_free(struct capsel *sel);

bool pcapout_selected(const struct capsel *sel, const struct sim *s,
		      size_t point);

/* The start of the next flow on the simulated clock. */
uint64_t pcapout_next_start(uint64_t end_us);

/* Write the captures of n results into dir. Each result's crossings
 * get their packet numbers. 0 or a negative errno (message printed). */
int pcapout_run(struct sim *s, struct flow_result *res, size_t n,
		const char *dir, const struct capsel *sel, size_t *nfiles,
		uint64_t *npackets);

/* Print the ladder diagram of one flow's exchange. */
int ladder_print(FILE *f, struct sim *s, struct flow_result *r);

#endif
