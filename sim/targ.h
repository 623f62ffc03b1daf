/*
 * targ.h: the typed arguments of a trace's text. A line is made of
 * segments, each a template of static storage ("route %s -> %s") and
 * one argument per conversion (%s, %u, %d, %c, %zu), as the engine knew
 * it: an address, a prefix, a number, a character, a name. The engine
 * records segments (a flow's trace, sim/walk.h); the outputs render
 * them into growable lines (tline), so that no text is formatted until
 * someone reads it and none is ever cut. A tsink takes segments from
 * code that describes something (a route, a firewall rule) for either.
 */
#ifndef FTSIM_TARG_H
#define FTSIM_TARG_H

#include <stddef.h>
#include <stdint.h>

#include "topology/prefix.h"

enum targ_type {
	TARG_END,
	TARG_TMPL,		/* lit: a segment's template (a trace's log) */
	TARG_JUMP,		/* v: the line goes on at this index */
	TARG_IP,		/* v: an IPv4 address */
	TARG_PFX,		/* v: its address, plen its length */
	TARG_U,			/* v: an unsigned number */
	TARG_D,			/* v: a signed number (two's complement) */
	TARG_C,			/* v: one byte */
	TARG_STR,		/* v: offset in a trace's string pool */
	TARG_LIT,		/* lit: static storage */
	TARG_NAME,		/* lit: a string the recorder copies (a
				 * trace stores it as TARG_STR) */
};

struct targ {
	uint8_t type;		/* enum targ_type */
	uint8_t plen;		/* TARG_PFX: the prefix's length */
	union {
		uint64_t v;
		const char *lit;
	} u;
};

_Static_assert(sizeof(struct targ) == 16, "struct targ is 16 bytes");

/*
 * The arguments of a segment, one per conversion of its template:
 * walk_hop(w, HOP_ROUTE, node, "route %s -> %s", ta_pfx(p), ta_lit(nh)).
 * ta_s names a string the recorder copies (a trace copies it into its
 * result); ta_lit keeps a pointer to static storage.
 */
static inline struct targ
ta_ip(uint32_t ip)
{
	struct targ a = { .type = TARG_IP, .u.v = ip };
	return a;
}

static inline struct targ
ta_pfx(struct pfx p)
{
	struct targ a = { .type = TARG_PFX, .plen = p.len, .u.v = p.addr };
	return a;
}

static inline struct targ
ta_u(unsigned long long v)
{
	struct targ a = { .type = TARG_U, .u.v = v };
	return a;
}

static inline struct targ
ta_d(long long v)
{
	struct targ a = { .type = TARG_D, .u.v = (uint64_t)v };
	return a;
}

static inline struct targ
ta_c(int c)
{
	struct targ a = { .type = TARG_C, .u.v = (unsigned char)c };
	return a;
}

static inline struct targ
ta_s(const char *s)
{
	struct targ a = { .type = TARG_NAME, .u.lit = s };
	return a;
}

/* A string the result's pool holds already (off, as fr_str takes). */
static inline struct targ
ta_pool(uint32_t off)
{
	struct targ a = { .type = TARG_STR, .u.v = off };
	return a;
}

static inline struct targ
ta_lit(const char *s)
{
	struct targ a = { .type = TARG_LIT, .u.lit = s };
	return a;
}

static inline struct targ
ta_end(void)
{
	struct targ a = { .type = TARG_END, .u.v = 0 };
	return a;
}

/* A template and its arguments, ended: two arguments of a function
 * taking (const char *tmpl, const struct targ *a). */
#define TARGS(tmpl, ...) (tmpl), (const struct targ[]){ __VA_ARGS__ }

/* A growable string; zero it before its first use. */
struct tline {
	char *s;		/* NUL-terminated once anything is put */
	size_t len, cap;
};

void tline_free(struct tline *b);
/* Empty b (keeping its memory). */
void tline_reset(struct tline *b);
/* Append n bytes of s: 0 or -ENOMEM (b as it was). */
int tline_put(struct tline *b, const char *s, size_t n);
int tline_puts(struct tline *b, const char *s);
/*
 * Append segment tmpl with its arguments from a on: one per conversion,
 * whatever its letter (an address as ip_format writes it, a prefix as
 * pfx_format, numbers in decimal); a TARG_STR is read from pool (npool
 * bytes). The arguments end at the first TARG_END, TARG_TMPL or
 * TARG_JUMP; *used (if not NULL) counts those it took. 0 or -ENOMEM.
 */
int tline_seg(struct tline *b, const char *tmpl, const struct targ *a,
	      const char *pool, size_t npool, size_t *used);

/* Where described text goes: a trace's line, or a tline. */
struct tsink {
	int (*seg)(struct tsink *k, const char *tmpl, const struct targ *a);
};

#define TSINK(k, ...) (k)->seg((k), TARGS(__VA_ARGS__, ta_end()))

/* A sink that renders into b (tline_seg); the first failure is kept. */
struct tsink_text {
	struct tsink k;
	struct tline *b;
	int err;
};

void tsink_text_init(struct tsink_text *t, struct tline *b);

#endif
