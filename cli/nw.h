/*
 * nw.h: Network Watcher's questions, answered from the model (MODEL.md
 * §6): next hop, and IP flow verify beside what really happens.
 */
#ifndef FTSIM_NW_H
#define FTSIM_NW_H

int cmd_nexthop(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
