/*
 * term.h: what the terminal a command writes to can show. Colour only on
 * a terminal, and never when NO_COLOR is set (to any value, empty too) or
 * TERM is "dumb", unless --color asks for it; the signs of the text
 * output (check, cross, arrow, ellipsis) in UTF-8 only when the locale's
 * character set is UTF-8, else in ASCII.
 */
#ifndef FTSIM_TERM_H
#define FTSIM_TERM_H

#include <stdbool.h>

/* force: 1 --color, 0 --no-color, -1 neither (decide from fd and the
 * environment). */
bool term_color(int fd, int force);

/* Whether the locale's character set is UTF-8: the first of LC_ALL,
 * LC_CTYPE and LANG that is set and not empty names UTF-8 ("UTF-8" or
 * "utf8", any case); none set is the C locale, ASCII. */
bool term_utf8(void);

/* Whether a terminal takes cursor movement (TERM is not "dumb"). */
bool term_smart(void);

/* The signs of the text output. */
enum term_sign {
	TERM_CHECK,		/* ✓, ASCII "ok": an expectation held */
	TERM_CROSS,		/* ✗, ASCII "FAIL": it did not */
	TERM_ARROW,		/* →, ASCII "->" */
	TERM_ELLIPSIS,		/* …, ASCII "..." */
	TERM_NSIGNS
};

/* A sign as the locale shows it (term_utf8). */
const char *term_sign(enum term_sign s);

#endif
