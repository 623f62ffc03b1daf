/*
 * flowlog.h: `ftsim flowlog`: NSG flow logs version 2 (MODEL §6).
 */
#ifndef FTSIM_FLOWLOG_H
#define FTSIM_FLOWLOG_H

int cmd_flowlog(int argc, char **argv);

#endif
