/*
 * scn_nsg.c: the nsgs: section of a scenario, and the rule reader change
 * files use for the rules they add.
 *
 * A rule has a name, a priority 100-4096, a direction and an access; its
 * protocol, addresses and ports default to any. Within an NSG, names
 * must not repeat, nor priorities in one direction.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <yaml.h>

#include "topology/yamlrd.h"

enum {
	RU_NAME, RU_PRIORITY, RU_DIR, RU_ACCESS, RU_PROTO, RU_SRC, RU_SPORTS,
	RU_DST, RU_DPORTS, RU_N
};
static const struct yrd_key scn_rule_keys[RU_N] = {
	[RU_NAME] = { "name", true },
	[RU_PRIORITY] = { "priority", true },
	[RU_DIR] = { "direction", true },
	[RU_ACCESS] = { "access", true },
	[RU_PROTO] = { "protocol", false },
	[RU_SRC] = { "source", false },
	[RU_SPORTS] = { "source_ports", false },
	[RU_DST] = { "destination", false },
	[RU_DPORTS] = { "destination_ports", false },
};

const char *const scn_dirs[2] = { "Inbound", "Outbound" };
const char *const scn_access[2] = { "Allow", "Deny" };

/* A rule; returns true when its priority and direction are known, for
 * the check of repeated priorities. */
bool
scn_rule(struct yrd *y, yaml_node_t *n, struct nsg_rule *r,
    struct srcpos *prio_pos)
{
	struct yrd_map m;
	unsigned long prio;
	int dir = -1, acc, got;

	r->proto = PROTO_ANY;
	if (yrd_map_read(y, n, "an item of 'rules'", "rule", scn_rule_keys,
	    RU_N, &m) == -1)
		return false;
	r->pos = m.pos;
	(void)yrd_name(y, m.val[RU_NAME], "name", &r->name);
	got = yrd_uint(y, m.val[RU_PRIORITY], "priority", 100, 4096, &prio);
	if (got == 1) {
		r->priority = (int)prio;
		*prio_pos = yrd_pos(y, m.val[RU_PRIORITY]);
	}
	if (yrd_word(y, m.val[RU_DIR], "direction", scn_dirs, 2,
	    "Inbound or Outbound", &dir) == 1)
		r->dir = (enum direction)dir;
	if (yrd_word(y, m.val[RU_ACCESS], "access", scn_access, 2,
	    "Allow or Deny", &acc) == 1)
		r->access = (enum access)acc;
	(void)yrd_proto(y, m.val[RU_PROTO], "protocol", &r->proto);
	(void)yrd_addrs(y, m.val[RU_SRC], "source", &r->src);
	(void)yrd_addrs(y, m.val[RU_DST], "destination", &r->dst);
	(void)yrd_ports(y, m.val[RU_SPORTS], "source_ports", &r->sports);
	(void)yrd_ports(y, m.val[RU_DPORTS], "destination_ports", &r->dports);
	if (yrd_ports_any(y, &r->sports) == -1 ||
	    yrd_ports_any(y, &r->dports) == -1)
		return false;
	return got == 1 && dir != -1 && r->name != NULL;
}

/* Two rules of one NSG with the same priority in the same direction. */
static void
scn_prio_dups(struct yrd *y, struct nsg *g, struct yrd_index *ix)
{
	struct nsg_rule *a, *b;
	size_t i;

	yrd_ix_sort(ix);
	for (i = 1; i < ix->n && !y->stop; i++) {
		if (ix->e[i].key != ix->e[i - 1].key)
			continue;
		a = &g->rules[ix->e[i - 1].idx];
		b = &g->rules[ix->e[i].idx];
		yrd_errp(y, ix->e[i].pos, "rule '%s' has priority %d %s, "
		    "already used by rule '%s' (line %d)", b->name,
		    b->priority, scn_dirs[b->dir], a->name, a->pos.line);
	}
}

enum { NS_NAME, NS_RULES, NS_N };
static const struct yrd_key scn_nsg_keys[NS_N] = {
	[NS_NAME] = { "name", true },
	[NS_RULES] = { "rules", false },
};

static int
scn_nsg(struct yrd *y, yaml_node_t *n, struct nsg *g)
{
	struct yrd_index names = { NULL, 0, 0 }, prios = { NULL, 0, 0 };
	yaml_node_item_t *it;
	struct nsg_rule *r;
	struct srcpos ppos;
	struct yrd_map m;
	size_t i, count;
	int rc = 0;

	if (yrd_map_read(y, n, "an item of 'nsgs'", "nsg", scn_nsg_keys,
	    NS_N, &m) == -1)
		return 0;
	g->pos = m.pos;
	(void)yrd_name(y, m.val[NS_NAME], "name", &g->name);
	if (m.val[NS_RULES] == NULL ||
	    yrd_list(y, m.val[NS_RULES], "rules", NULL, &it, &count) == -1 ||
	    scn_limit(y, m.val[NS_RULES], SCN_LIM_RULES, count,
	    g->name) == -1)
		return 0;
	if ((g->rules = yrd_calloc(y, count, sizeof(*g->rules))) == NULL)
		return -1;
	g->nrules = count;
	for (i = 0; i < count && !y->stop; i++) {
		r = &g->rules[i];
		if (scn_rule(y, yrd_node(y, it[i]), r, &ppos) &&
		    (rc = yrd_ix_add(y, &prios, (uint64_t)r->dir << 16 |
		    (uint64_t)r->priority, NULL, ppos, i)) == -1)
			break;
		if (r->name != NULL && (rc = yrd_ix_add(y, &names, 0,
		    r->name, r->pos, i)) == -1)
			break;
	}
	if (rc == 0) {
		yrd_ix_dups(y, &names, "rule");
		scn_prio_dups(y, g, &prios);
	}
	free(names.e);
	free(prios.e);
	return rc;
}

void
scn_nsgs(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count, e0 = y->nerr;

	if (n != NULL && yrd_list(y, n, "nsgs", NULL, &it, &count) == 0 &&
	    scn_limit(y, n, SCN_LIM_NSGS, count, NULL) == 0) {
		if ((t->nsgs = yrd_calloc(y, count, sizeof(*t->nsgs))) == NULL)
			return;
		t->nnsgs = count;
		for (i = 0; i < t->nnsgs && !y->stop; i++) {
			if (scn_nsg(y, yrd_node(y, it[i]), &t->nsgs[i]) == -1)
				break;
			if (t->nsgs[i].name != NULL && yrd_ix_add(y,
			    &s->insg, 0, t->nsgs[i].name, t->nsgs[i].pos,
			    i) == -1)
				break;
		}
	}
	yrd_ix_dups(y, &s->insg, "nsg");
	s->bad_nsgs = y->nerr > e0;
}

