/*
 * diag.h: error and warning messages tied to a place in an input file.
 *
 * Every message is "FILE:LINE:COL: error: WHAT" (or warning), the format
 * compilers use, so editors jump to it. A diag collects messages instead of
 * printing them at once: the command decides where they go (stderr, the
 * trace, the JSON document) and no output is written when errors exist.
 */
#ifndef FTSIM_DIAG_H
#define FTSIM_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A place in an input file; line and col start at 1, 0 means unknown. */
struct srcpos {
	const char *file;	/* borrowed: lives as long as the topology */
	int line;
	int col;
};

enum diag_level { DIAG_WARNING, DIAG_ERROR };

struct diag_msg {
	enum diag_level level;
	struct srcpos pos;	/* pos.file points at file */
	char *file;		/* a copy: messages outlive their input */
	char *text;		/* the WHAT part, owned */
};

struct diag {
	struct diag_msg *msgs;
	size_t n, cap;
	size_t errors;
	size_t warnings;
};

void diag_init(struct diag *d);
void diag_free(struct diag *d);

/* Record a message; never fails (an allocation failure aborts ftsim:
 * a diagnostic that disappears would be worse). */
void diag_error(struct diag *d, struct srcpos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, struct srcpos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_vadd(struct diag *d, enum diag_level lvl, struct srcpos pos,
	       const char *fmt, va_list ap);

/* Print one message, or all, as FILE:LINE:COL: level: text. */
void diag_print_msg(FILE *f, const struct diag_msg *m);
void diag_print(FILE *f, const struct diag *d);

/*
 * Out of memory (docs/format.md, "Exit status"): one process-wide mark,
 * set wherever an allocation failure is reported, so that the command
 * exits DIAG_EXIT_NOMEM instead of calling it bad input. A failure
 * inside the diagnostics themselves prints "ftsim: out of memory" and
 * ends the process with that status at once (_exit: no half-written
 * output is flushed).
 */
#define DIAG_EXIT_NOMEM 4
void diag_set_oom(void);
bool diag_oom(void);
/* An "out of memory" error at pos, and the mark. */
void diag_nomem(struct diag *d, struct srcpos pos);

#endif
