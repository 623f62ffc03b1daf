/*
 * outfile.h: output files written whole or not at all.
 *
 * Every file ftsim writes (captures, flow logs, reports, imported
 * scenarios) goes through an outfile: a temporary file beside its final
 * name, DIR/.NAME.XXXXXX (same directory, so that rename(2) replaces
 * atomically; hidden; mode 0666 & ~umask, as an ordinary file), written
 * through a stdio stream.
 * outfile_close flushes, syncs and closes it, and reports the first
 * error (EFBIG over `ulimit -f`, ENOSPC on a full disk); outfile_commit
 * then renames it to its final name. outfile_abort, or a failed close or
 * commit, removes it. A final name thus only ever holds a whole file.
 *
 * Every temporary file is also in a process-wide table that the handler
 * of outfile_signals reads: on SIGINT, SIGTERM or SIGHUP it removes them
 * all, names on stderr what was not written and exits 128 + the signal.
 * With no file being written, the signal's default action is taken.
 * Folders and helper programs' files are guarded the same way
 * (outfile_guard), and a helper program running is killed first.
 * SIGXFSZ is ignored, so that a write over `ulimit -f` fails with EFBIG
 * and is reported rather than killing the process with the file half
 * written.
 */
#ifndef FTSIM_OUTFILE_H
#define FTSIM_OUTFILE_H

#include <stdio.h>

struct outfile;

/*
 * A name from an input (a scenario, an NSG) as one component of an
 * output path, so that no input can make ftsim write outside the folder
 * it was given: every byte other than A-Z a-z 0-9 '-' '.' '_' becomes
 * '_', and so does a leading '.' ("..", ".", a hidden name); an empty
 * name is "_". At most len - 1 bytes; returns buf.
 */
char *outfile_name(const char *name, char *buf, size_t len);

/*
 * Outputs that are not outfiles, removed by the same handler: a folder
 * being built (a report's DIR.tmp.XXXXXX, removed with everything in it)
 * or a file a helper program writes, its final name said in the
 * message. outfile_guard adds one (0, or -ENOMEM/-ENOSPC: at most
 * OUTFILE_MAXGUARD at once); outfile_unguard takes it off the table
 * (the caller has renamed or removed it).
 */
#define OUTFILE_MAXGUARD 4
int outfile_guard(const char *tmp, const char *final);
void outfile_unguard(const char *tmp);

/* The helper program (dot, gnuplot) running now, or 0: a signal kills
 * and reaps it before removing what it was writing. */
void outfile_child(long pid);

/* Install the signal handlers (once, before any outfile is opened). */
void outfile_signals(void);

/* Create the temporary file of path; its directory must exist. 0, or a
 * negative errno (*out NULL). */
int outfile_open(const char *path, struct outfile **out);

/* The stream to write to, and the final name. */
FILE *outfile_stream(const struct outfile *o);
const char *outfile_path(const struct outfile *o);

/* Flush, sync and close the stream. 0, or the first write error as a
 * negative errno (the file is then removed when committed or aborted).
 * Idempotent: later calls return the same. */
int outfile_close(struct outfile *o);

/* Close if not yet closed, then rename to the final name; o is freed.
 * 0, or a negative errno with the temporary file removed. */
int outfile_commit(struct outfile *o);

/* Remove the temporary file and free o. Safe on NULL. */
void outfile_abort(struct outfile *o);

#endif
