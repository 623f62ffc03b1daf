/*
 * scn_dns.c: the dns: section of a scenario: a mapping of names to one
 * IP or a list of them. The names are free keys, so repeats are found by
 * sorting, case-insensitively.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>

#include <yaml.h>

#include "topology/yamlrd.h"

static void
scn_dns_entry(struct yrd *y, yaml_node_t *k, yaml_node_t *v,
    struct dns_entry *e)
{
	char *c;

	e->pos = yrd_pos(y, k);
	if (yrd_name(y, k, "dns", &e->name) != 1)
		return;
	for (c = e->name; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (yrd_ip_list(y, v, e->name, true, &e->ips, &e->nips) == 1 &&
	    e->nips == 0)
		yrd_err(y, v, "dns name '%s' needs at least one IP address",
		    e->name);
}

void
scn_dns(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_pair_t *p;
	size_t i, e0 = y->nerr;

	if (n == NULL || yrd_isnull(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		yrd_err(y, n, "expected a mapping for 'dns', got %s",
		    yrd_kind(n));
		s->bad_dns = true;
		return;
	}
	p = n->data.mapping.pairs.start;
	if (scn_limit(y, n, SCN_LIM_DNS, (size_t)(n->data.mapping.pairs.top - p),
	    NULL) == -1) {
		s->bad_dns = true;
		return;
	}
	if ((t->dns = yrd_calloc(y, (size_t)(n->data.mapping.pairs.top - p),
	    sizeof(*t->dns))) == NULL)
		return;
	t->ndns = (size_t)(n->data.mapping.pairs.top - p);
	for (i = 0; i < t->ndns && !y->stop; i++) {
		scn_dns_entry(y, yrd_node(y, p[i].key), yrd_node(y, p[i].value),
		    &t->dns[i]);
		if (t->dns[i].name != NULL && yrd_ix_add(y, &ix, 0,
		    t->dns[i].name, t->dns[i].pos, i) == -1)
			break;
	}
	yrd_ix_dups(y, &ix, "dns");
	free(ix.e);
	s->bad_dns = y->nerr > e0;
}

