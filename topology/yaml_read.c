/*
 * yaml_read.c: the reader state of yamlrd.h, its messages, and the
 * shapes of YAML nodes: kinds, lists, and mappings read against their
 * table of keys.
 *
 * Messages are FILE:LINE:COL at the node they are about. Errors are
 * recorded and reading goes on, up to YRD_MAXERRORS; the caller puts the
 * messages in document order and adds the note of the cap.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "topology/yamlrd.h"

void
yrd_init(struct yrd *y, const char *file, const char *kind, struct diag *d)
{
	memset(y, 0, sizeof(*y));
	y->file = file;
	y->kind = kind;
	y->d = d;
}

/*
 * Messages.
 */

struct srcpos
yrd_mark(const struct yrd *y, yaml_mark_t mk)
{
	struct srcpos p = { y->file, (int)mk.line + 1, (int)mk.column + 1 };

	return p;
}

struct srcpos
yrd_pos(const struct yrd *y, const yaml_node_t *n)
{
	return yrd_mark(y, n->start_mark);
}

/*
 * Record an error. Past the cap the walk stops; the last slot is kept for
 * a note saying so, added once the messages are sorted.
 */
static void
yrd_verr(struct yrd *y, struct srcpos pos, const char *fmt, va_list ap)
{
	y->nerr++;
	if (y->stop)
		return;
	if (y->nerr >= YRD_MAXERRORS) {
		y->stop = true;
		y->capped = true;
		y->cap_pos = pos;
		return;
	}
	diag_vadd(y->d, DIAG_ERROR, pos, fmt, ap);
}

void
yrd_errp(struct yrd *y, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	yrd_verr(y, pos, fmt, ap);
	va_end(ap);
}

void
yrd_err(struct yrd *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	yrd_verr(y, yrd_pos(y, n), fmt, ap);
	va_end(ap);
}

/* A warning: the scenario still loads. */
void
yrd_warn(struct yrd *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(y->d, DIAG_WARNING, yrd_pos(y, n), fmt, ap);
	va_end(ap);
}

/* Out of memory ends the load; the message bypasses the cap. */
int
yrd_nomem(struct yrd *y)
{
	struct srcpos pos = { y->file, 1, 1 };

	diag_set_oom();
	if (!y->stop)
		diag_nomem(y->d, pos);
	y->nerr++;
	y->stop = true;
	return -1;
}

int
yrd_strdup(struct yrd *y, const char *v, char **out)
{
	if ((*out = strdup(v)) == NULL)
		return yrd_nomem(y);
	return 0;
}

/* A zeroed array of n elements (one for n == 0, so that NULL only ever
 * means failure); NULL after reporting. */
void *
yrd_calloc(struct yrd *y, size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n > 0 ? n : 1, size)) == NULL)
		(void)yrd_nomem(y);
	return p;
}

/*
 * Suggestions: the Levenshtein distance, case-insensitive, of two short
 * words, and whether it is small enough to call one a typo of the other.
 */
static size_t
yrd_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, diag, up, cost;
	size_t row[YRD_MAXWORD + 1];

	if (la > YRD_MAXWORD || lb > YRD_MAXWORD)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			row[j] = diag + cost;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

bool
yrd_close(const char *typed, const char *cand, size_t *best)
{
	size_t dist = yrd_distance(typed, cand), limit = strlen(cand) / 3;

	if (limit < 2)
		limit = 2;
	if (dist > limit || dist >= strlen(typed) || dist >= *best)
		return false;
	*best = dist;
	return true;
}

/*
 * Nodes and their kinds.
 */

yaml_node_t *
yrd_node(const struct yrd *y, int idx)
{
	return yaml_document_get_node(y->doc, idx);
}

const char *
yrd_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty, ~ or null scalar, or one tagged !!null. */
bool
yrd_isnull(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE)
		return false;
	if (n->tag != NULL && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
		return true;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = yrd_text(n);
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

const char *
yrd_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return yrd_isnull(n) ? "an empty value" : "a scalar";
	}
}

/* The text of a scalar that must be there; NULL after an error, or
 * when the key is absent (n NULL: a missing required key is reported by
 * yrd_map_read). */
const char *
yrd_scalar(struct yrd *y, yaml_node_t *n, const char *key, const char *want)
{
	if (n == NULL)
		return NULL;
	if (n->type != YAML_SCALAR_NODE || yrd_isnull(n)) {
		yrd_err(y, n, "expected %s for '%s', got %s", want, key,
		    yrd_kind(n));
		return NULL;
	}
	return yrd_text(n);
}

/*
 * The items of a list; an empty value is an empty list. With one != NULL
 * a scalar is taken as a list of itself (addresses, ports).
 */
int
yrd_list(struct yrd *y, yaml_node_t *n, const char *key,
    yaml_node_item_t *one, yaml_node_item_t **items, size_t *count)
{
	*items = NULL;
	*count = 0;
	/* Missing (a required key is said so by yrd_map_read) or empty. */
	if (n == NULL || yrd_isnull(n))
		return 0;
	if (n->type == YAML_SEQUENCE_NODE) {
		*items = n->data.sequence.items.start;
		*count = (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
		return 0;
	}
	if (one != NULL && n->type == YAML_SCALAR_NODE) {
		*one = (yaml_node_item_t)(n - y->doc->nodes.start) + 1;
		*items = one;
		*count = 1;
		return 0;
	}
	yrd_err(y, n, "expected a list for '%s', got %s", key, yrd_kind(n));
	return -1;
}


static size_t
yrd_key_find(const struct yrd_key *keys, size_t nkeys, const char *name)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].name, name) == 0)
			break;
	return i;
}

/* Report an unknown key with the closest known one; returns the index
 * of that key, or nkeys when none is close. */
static size_t
yrd_unknown_key(struct yrd *y, const yaml_node_t *k, const struct yrd_map *m)
{
	const char *typed = yrd_text(k);
	size_t i, best = SIZE_MAX, hint = m->nkeys;

	for (i = 0; i < m->nkeys; i++)
		if (yrd_close(typed, m->keys[i].name, &best))
			hint = i;
	if (hint < m->nkeys)
		yrd_err(y, k, "unknown key '%s' in %s; did you mean '%s'?",
		    typed, m->what, m->keys[hint].name);
	else
		yrd_err(y, k, "unknown key '%s' in %s", typed, m->what);
	return hint;
}

/*
 * Read a mapping against its key table. Unknown, duplicate and missing
 * keys are reported and the rest is still filled in; -1 only when n is
 * not a mapping at all. An empty value is an empty mapping. A required
 * key that is missing because it was misspelt is reported once, at the
 * misspelling, with its suggestion.
 */
int
yrd_map_read(struct yrd *y, yaml_node_t *n, const char *ctx, const char *what,
    const struct yrd_key *keys, size_t nkeys, struct yrd_map *m)
{
	bool hinted[YRD_MAXKEYS] = { false };
	yaml_node_pair_t *p;
	yaml_node_t *k;
	size_t i;

	if (nkeys > YRD_MAXKEYS)
		abort();		/* a key table outgrew yrd_map */
	memset(m, 0, sizeof(*m));
	m->keys = keys;
	m->nkeys = nkeys;
	m->what = what;
	m->pos = yrd_pos(y, n);
	if (n->type != YAML_MAPPING_NODE && !yrd_isnull(n)) {
		yrd_err(y, n, "expected a mapping for %s, got %s", ctx,
		    yrd_kind(n));
		return -1;
	}
	if (n->type == YAML_MAPPING_NODE) {
		for (p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top && !y->stop; p++) {
			k = yrd_node(y, p->key);
			if (k->type != YAML_SCALAR_NODE) {
				yrd_err(y, k, "expected a scalar key in %s, "
				    "got %s", what, yrd_kind(k));
				continue;
			}
			i = yrd_key_find(keys, nkeys, yrd_text(k));
			if (i == nkeys) {
				if ((i = yrd_unknown_key(y, k, m)) < nkeys)
					hinted[i] = true;
			} else if (m->key[i] != NULL)
				yrd_err(y, k, "duplicate key '%s' in %s "
				    "(first at line %zu)", keys[i].name, what,
				    m->key[i]->start_mark.line + 1);
			else {
				m->key[i] = k;
				m->val[i] = yrd_node(y, p->value);
			}
		}
	}
	for (i = 0; i < nkeys; i++)
		if (keys[i].required && m->val[i] == NULL && !hinted[i])
			yrd_errp(y, m->pos, "missing required key '%s' in %s",
			    keys[i].name, what);
	return 0;
}

