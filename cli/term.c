/*
 * term.c: colour and character set of the text output (term.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/term.h"

bool
term_smart(void)
{
	const char *t = getenv("TERM");

	return t == NULL || strcmp(t, "dumb") != 0;
}

bool
term_color(int fd, int force)
{
	if (force >= 0)
		return force > 0;
	/* no-color.org: set at all, whatever its value, means no colour. */
	if (getenv("NO_COLOR") != NULL || !term_smart())
		return false;
	return isatty(fd) == 1;
}

/* s names UTF-8: "xx_YY.UTF-8", "C.utf8", "en_US.UTF-8@euro" ... */
static bool
names_utf8(const char *s)
{
	const char *dot = strchr(s, '.');

	if (dot == NULL)
		return false;
	dot++;
	return strncasecmp(dot, "utf-8", 5) == 0 ?
	    dot[5] == '\0' || dot[5] == '@' :
	    strncasecmp(dot, "utf8", 4) == 0 &&
	    (dot[4] == '\0' || dot[4] == '@');
}

bool
term_utf8(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return names_utf8(v);
	return false;
}

const char *
term_sign(enum term_sign s)
{
	static const char *const utf8[TERM_NSIGNS] = {
		[TERM_CHECK] = "\u2713", [TERM_CROSS] = "\u2717",
		[TERM_ARROW] = "\u2192", [TERM_ELLIPSIS] = "\u2026",
	};
	static const char *const ascii[TERM_NSIGNS] = {
		[TERM_CHECK] = "ok", [TERM_CROSS] = "FAIL",
		[TERM_ARROW] = "->", [TERM_ELLIPSIS] = "...",
	};

	if ((unsigned)s >= TERM_NSIGNS)
		return "?";
	return term_utf8() ? utf8[s] : ascii[s];
}
