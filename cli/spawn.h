/*
 * spawn.h: running the external programs that draw pictures (Graphviz's
 * dot, gnuplot). A program is found on PATH and started with fork and
 * execvp: its arguments are an argv array, never a shell string, so a
 * name from a user's file cannot become a command.
 */
#ifndef FTSIM_SPAWN_H
#define FTSIM_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

/* Exit code of a command whose helper program is not installed. */
#define EXIT_NOTOOL 3

/* True when prog is an executable file in a directory of PATH. */
bool spawn_found(const char *prog);

/*
 * Run argv[0] (searched on PATH) with argv, in directory dir (NULL: the
 * current one), standard input from /dev/null and standard output to
 * standard error (the programs write their files themselves; what they
 * say is diagnostics). 0 when it exited 0; -ENOENT when the program is
 * not on PATH; -ECHILD when it exited non-zero or died (err says how);
 * another negative errno when it could not be started.
 */
int spawn_run(char *const argv[], const char *dir, char *err, size_t errlen);

#endif
