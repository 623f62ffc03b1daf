/*
 * replay.h: `ftsim replay`.
 */
#ifndef FTSIM_CLI_REPLAY_H
#define FTSIM_CLI_REPLAY_H

int cmd_replay(int argc, char **argv);

#endif
