/*
 * diag.c: collected diagnostics, printed as FILE:LINE:COL: level: text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topology/diag.h"
#include "topology/vec.h"

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_free(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->msgs[i].text);
		free(d->msgs[i].file);
	}
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

static bool oom_seen;

void
diag_set_oom(void)
{
	oom_seen = true;
}

bool
diag_oom(void)
{
	return oom_seen;
}

void
diag_nomem(struct diag *d, struct srcpos pos)
{
	oom_seen = true;
	diag_error(d, pos, "out of memory");
}

static void
oom(void)
{
	static const char msg[] = "ftsim: out of memory\n";

	/* write(2), not stdio: nothing buffered is flushed on the way out. */
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(DIAG_EXIT_NOMEM);
	_exit(DIAG_EXIT_NOMEM);
}

void
diag_vadd(struct diag *d, enum diag_level lvl, struct srcpos pos,
	  const char *fmt, va_list ap)
{
	struct diag_msg *m;
	va_list ap2;
	int len;

	if (VEC_GROW(d->msgs, d->n, d->cap) != 0)
		oom();
	m = &d->msgs[d->n];
	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (len < 0 || (m->text = malloc((size_t)len + 1)) == NULL)
		oom();
	vsnprintf(m->text, (size_t)len + 1, fmt, ap);
	m->level = lvl;
	m->pos = pos;
	m->file = NULL;
	if (pos.file != NULL && (m->file = strdup(pos.file)) == NULL)
		oom();
	m->pos.file = m->file;
	d->n++;
	if (lvl == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
}

void
diag_error(struct diag *d, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void
diag_warn(struct diag *d, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

void
diag_print_msg(FILE *f, const struct diag_msg *m)
{
	const char *lvl = m->level == DIAG_ERROR ? "error" : "warning";

	if (m->pos.file != NULL && m->pos.line > 0)
		fprintf(f, "%s:%d:%d: %s: %s\n", m->pos.file, m->pos.line,
			m->pos.col, lvl, m->text);
	else if (m->pos.file != NULL)
		fprintf(f, "%s: %s: %s\n", m->pos.file, lvl, m->text);
	else
		fprintf(f, "ftsim: %s: %s\n", lvl, m->text);
}

void
diag_print(FILE *f, const struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		diag_print_msg(f, &d->msgs[i]);
}
