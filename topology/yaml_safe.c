/*
 * yaml_safe.c: the safety pass of yamlrd.h, everything that happens to a
 * YAML input before a reader looks at a value.
 *
 * The bytes first: the size cap, no UTF-16, no NUL byte; a UTF-8
 * byte-order mark (what PowerShell 5 writes) is skipped, so that every
 * position is counted from the first character after it. Then a pass
 * over libyaml's events refuses aliases (which also defuses alias bombs),
 * nesting deeper than YRD_MAXDEPTH and a second document before any tree
 * is built. The document API then builds the tree, every node with its
 * line and column, and a walk over the bare tree checks that it is one
 * (no node reached twice, no deep nesting): the readers recurse on it
 * without further checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "topology/yamlrd.h"

/* The UTF-8 encoding of U+FEFF. */
#define YRD_BOM		"\xef\xbb\xbf"
#define YRD_BOMLEN	3

/* Line and column of byte off, counting UTF-8 characters. */
static struct srcpos
yrd_offset_pos(const struct yrd *y, const char *buf, size_t len, size_t off)
{
	struct srcpos p = { y->file, 1, 1 };
	size_t i;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n' ||
		    (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n'))) {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80 &&
		    buf[i] != '\r')
			p.col++;
	}
	return p;
}

static int
yrd_check_bytes(struct yrd *y, const char *buf, size_t len)
{
	struct srcpos start = { y->file, 1, 1 };
	const unsigned char *u = (const unsigned char *)buf;
	const char *nul;

	if (len > SCENARIO_MAX_BYTES) {
		yrd_errp(y, start, "scenario file is larger than %u MiB",
		    SCENARIO_MAX_BYTES >> 20);
		return -1;
	}
	if (len == 0) {
		yrd_errp(y, start, "empty scenario file");
		return -1;
	}
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) {
		yrd_errp(y, start, "scenario file is UTF-16; save it as UTF-8");
		return -1;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		yrd_errp(y, yrd_offset_pos(y, buf, len, (size_t)(nul - buf)),
		    "NUL byte in scenario file");
		return -1;
	}
	return 0;
}

/* A libyaml error, at the place libyaml names; a reader error (bad
 * UTF-8) has a byte offset instead. */
static void
yrd_yaml_error(struct yrd *y, const yaml_parser_t *p)
{
	const char *problem = p->problem != NULL ? p->problem : "syntax error";
	struct srcpos pos;

	if (p->error == YAML_MEMORY_ERROR) {
		(void)yrd_nomem(y);
		return;
	}
	if (p->error == YAML_READER_ERROR)
		pos = yrd_offset_pos(y, y->buf, y->len, p->problem_offset);
	else
		pos = yrd_mark(y, p->problem_mark);
	if (p->error == YAML_SCANNER_ERROR &&
	    p->problem_mark.index < y->len &&
	    y->buf[p->problem_mark.index] == '\t')
		yrd_errp(y, pos, "YAML: %s (a tab: YAML indents with spaces)",
		    problem);
	else if (p->error == YAML_READER_ERROR && strstr(problem, "UTF-8"))
		yrd_errp(y, pos, "YAML: %s (the file is not valid UTF-8: save "
		    "it as UTF-8)", problem);
	else if (p->error == YAML_PARSER_ERROR && p->context != NULL &&
	    strstr(p->context, "block") != NULL &&
	    p->context_mark.line != p->problem_mark.line)
		yrd_errp(y, pos, "YAML: %s %s (started at line %zu): check "
		    "this line's indentation", problem, p->context,
		    p->context_mark.line + 1);
	else if (p->context != NULL && p->error != YAML_READER_ERROR &&
	    p->context_mark.line != p->problem_mark.line)
		yrd_errp(y, pos, "YAML: %s %s (started at line %zu)", problem,
		    p->context, p->context_mark.line + 1);
	else if (p->context != NULL)
		yrd_errp(y, pos, "YAML: %s %s", problem, p->context);
	else
		yrd_errp(y, pos, "YAML: %s", problem);
}

/*
 * A first pass over libyaml's events, before any tree is built. It
 * refuses aliases, nesting deeper than YRD_MAXDEPTH and a second
 * document, each at its exact place. It has to come first: libyaml's
 * scanner costs the flow depth on every token, so a file of nothing but
 * brackets would keep yaml_parser_load busy for minutes; events come one
 * at a time, and this pass stops at the first level too deep.
 */
static int
yrd_events(struct yrd *y)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, docs = 0, rc = 0;
	bool end = false;

	if (!yaml_parser_initialize(&p))
		return yrd_nomem(y);
	yaml_parser_set_input_string(&p, (const unsigned char *)y->buf,
	    y->len);
	while (!end && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			yrd_yaml_error(y, &p);
			rc = -1;
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				yrd_errp(y, yrd_mark(y, ev.start_mark), "a "
				    "scenario file holds one YAML document; "
				    "this is a second one");
				rc = -1;
			}
			break;
		case YAML_ALIAS_EVENT:
			yrd_errp(y, yrd_mark(y, ev.start_mark), "YAML aliases "
			    "are not allowed in %s files", y->kind);
			rc = -1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > YRD_MAXDEPTH) {
				yrd_errp(y, yrd_mark(y, ev.start_mark), "YAML "
				    "nesting deeper than %d levels",
				    YRD_MAXDEPTH);
				rc = -1;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			end = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}


/*
 * The walk over the tree, every node once, in document order: it is what
 * makes the readers safe to recurse. libyaml resolves an alias to the
 * node of its anchor, so a node reached twice (seen) is an alias; depth
 * counts the collections around n. yrd_events has refused both already,
 * with better positions; this keeps the guarantee in one place.
 */
static int
yrd_walk(struct yrd *y, unsigned char *seen, yaml_node_t *n, int depth)
{
	size_t i = (size_t)(n - y->doc->nodes.start);
	yaml_node_item_t *it;
	yaml_node_pair_t *p;

	if (seen[i]) {
		yrd_err(y, n, "YAML aliases are not allowed in %s files",
		    y->kind);
		return -1;
	}
	seen[i] = 1;
	if (n->type == YAML_SCALAR_NODE)
		return 0;
	if (++depth > YRD_MAXDEPTH) {
		yrd_err(y, n, "YAML nesting deeper than %d levels",
		    YRD_MAXDEPTH);
		return -1;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			if (yrd_walk(y, seen, yrd_node(y, *it), depth) == -1)
				return -1;
		return 0;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++)
		if (yrd_walk(y, seen, yrd_node(y, p->key), depth) == -1 ||
		    yrd_walk(y, seen, yrd_node(y, p->value), depth) == -1)
			return -1;
	return 0;
}

/* Walk the tree from its root, when it has one. */
static int
yrd_tree(struct yrd *y)
{
	yaml_node_t *root = yaml_document_get_root_node(y->doc);
	unsigned char *seen;
	int rc;

	if (root == NULL || yrd_isnull(root))
		return 0;
	if ((seen = calloc((size_t)(y->doc->nodes.top -
	    y->doc->nodes.start), 1)) == NULL)
		return yrd_nomem(y);
	rc = yrd_walk(y, seen, root, 0);
	free(seen);
	return rc;
}

int
yrd_load(struct yrd *y, const char *buf, size_t len, yaml_document_t *doc)
{
	yaml_parser_t parser;

	if (len >= YRD_BOMLEN && memcmp(buf, YRD_BOM, YRD_BOMLEN) == 0) {
		buf += YRD_BOMLEN;
		len -= YRD_BOMLEN;
	}
	y->buf = buf;
	y->len = len;
	if (yrd_check_bytes(y, buf, len) == -1 || yrd_events(y) == -1)
		return -1;
	if (!yaml_parser_initialize(&parser))
		return yrd_nomem(y);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, doc)) {
		yrd_yaml_error(y, &parser);
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	y->doc = doc;
	if (yrd_tree(y) == -1) {
		y->doc = NULL;
		yaml_document_delete(doc);
		return -1;
	}
	return 0;
}
