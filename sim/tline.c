/*
 * tline.c: rendering a trace line's event as text (trace.h). The walk
 * recorded templates and typed arguments; here each argument is written
 * as the engine would have printed it, so that a rendered line is the
 * line the trace always showed.
 */
#include <assert.h>
#include <stdbool.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace.h"
#include "topology/prefix.h"
#include "topology/vec.h"

void
tline_free(struct tline *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void
tline_reset(struct tline *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

int
tline_put(struct tline *b, const char *s, size_t n)
{
	if (n >= SIZE_MAX - b->len)
		return -ENOMEM;
	if (VEC_RESERVE(b->s, b->cap, b->len + n + 1) != 0)
		return -ENOMEM;
	if (n > 0)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
tline_puts(struct tline *b, const char *s)
{
	return tline_put(b, s, strlen(s));
}

/* v in decimal, negative when neg. */
static int
put_dec(struct tline *b, uint64_t v, bool neg)
{
	char num[24], *e = num + sizeof(num);

	do
		*--e = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (neg)
		*--e = '-';
	return tline_put(b, e, (size_t)(num + sizeof(num) - e));
}

/* One argument, as its conversion shows it. */
static int
put_arg(struct tline *b, const struct targ *a, const char *pool,
	size_t npool)
{
	char buf[PFX_STRLEN];
	struct pfx p;
	char c;

	switch ((enum targ_type)a->type) {
	case TARG_IP:
		return tline_puts(b, ip_format((uint32_t)a->u.v, buf));
	case TARG_PFX:
		p.addr = (uint32_t)a->u.v;
		p.len = a->plen;
		return tline_puts(b, pfx_format(p, buf));
	case TARG_U:
		return put_dec(b, a->u.v, false);
	case TARG_D:
		if ((int64_t)a->u.v < 0)
			return put_dec(b, 0 - a->u.v, true);
		return put_dec(b, a->u.v, false);
	case TARG_C:
		c = (char)a->u.v;
		return tline_put(b, &c, 1);
	case TARG_STR:
		return tline_puts(b, a->u.v < npool ? pool + a->u.v : "");
	case TARG_LIT:
	case TARG_NAME:
		return tline_puts(b, a->u.lit != NULL ? a->u.lit : "");
	case TARG_END:
	case TARG_TMPL:
	case TARG_JUMP:
		break;
	}
	return 0;
}

static bool
is_arg(const struct targ *a)
{
	return a->type != TARG_END && a->type != TARG_TMPL &&
	       a->type != TARG_JUMP;
}

int
tline_seg(struct tline *b, const char *tmpl, const struct targ *a,
	  const char *pool, size_t npool, size_t *used)
{
	const char *f = tmpl, *lit;
	size_t k = 0;
	int rc;

	if (b->s == NULL && (rc = tline_put(b, "", 0)) != 0)
		return rc;
	while (*f != '\0') {
		for (lit = f; *f != '\0' && *f != '%'; f++)
			;
		if ((rc = tline_put(b, lit, (size_t)(f - lit))) != 0)
			return rc;
		if (*f == '\0')
			break;
		if (f[1] == '%') {
			if ((rc = tline_put(b, "%", 1)) != 0)
				return rc;
			f += 2;
			continue;
		}
		/* One conversion: %s, %u, %d, %c, %zu. */
		f++;
		if (*f == 'z')
			f++;
		if (*f != '\0')
			f++;
		/* A template has exactly one argument per conversion; a
		 * missing one writes nothing. */
		assert(is_arg(&a[k]));
		if (!is_arg(&a[k]))
			continue;
		if ((rc = put_arg(b, &a[k++], pool, npool)) != 0)
			return rc;
	}
	if (used != NULL)
		*used = k;
	return 0;
}

static int
text_seg(struct tsink *k, const char *tmpl, const struct targ *a)
{
	struct tsink_text *t = (struct tsink_text *)k;

	if (t->err == 0)
		t->err = tline_seg(t->b, tmpl, a, NULL, 0, NULL);
	return t->err;
}

void
tsink_text_init(struct tsink_text *t, struct tline *b)
{
	t->k.seg = text_seg;
	t->b = b;
	t->err = 0;
}

int
trace_line(struct tline *b, const struct flow_result *r, size_t k)
{
	size_t steps = 0, used;
	int rc;

	if (b->s == NULL && tline_put(b, "", 0) != 0)
		return -ENOMEM;
	while (k < r->ntarg && steps++ <= r->ntarg) {
		const struct targ *a = &r->targ[k];

		if (a->type == TARG_END)
			break;
		if (a->type == TARG_JUMP) {
			k = (size_t)a->u.v;
			continue;
		}
		k++;
		if (a->type != TARG_TMPL)
			continue;	/* an argument past its template */
		if ((rc = tline_seg(b, a->u.lit, &r->targ[k], r->pool,
				    r->npool, &used)) != 0)
			return rc;
		k += used;
	}
	return 0;
}

const char *
trace_what(struct tline *b, const struct flow_result *r, const struct hop *h)
{
	tline_reset(b);
	if (trace_line(b, r, h->what) != 0)
		return NULL;
	return b->s;
}

const char *
trace_why(struct tline *b, const struct flow_result *r, const struct hop *h)
{
	tline_reset(b);
	if (b->s == NULL && tline_put(b, "", 0) != 0)
		return NULL;
	if (h->why != HOP_NONE && trace_line(b, r, h->why) != 0)
		return NULL;
	return b->s;
}
