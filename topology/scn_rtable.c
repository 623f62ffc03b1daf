/*
 * scn_rtable.c: the route_tables: section of a scenario, and the route
 * table and route readers change files use for what they add.
 *
 * A route takes only the next-hop types a user-defined route may use; a
 * VirtualAppliance needs its IP and nothing else takes one. Within a
 * table, names and prefixes must not repeat (Azure refuses two routes
 * with one prefix); table names must not repeat in the scenario.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <yaml.h>

#include "topology/yamlrd.h"

enum { RO_NAME, RO_PREFIX, RO_TYPE, RO_IP, RO_N };
static const struct yrd_key scn_route_keys[RO_N] = {
	[RO_NAME] = { "name", true },
	[RO_PREFIX] = { "prefix", true },
	[RO_TYPE] = { "next_hop_type", true },
	[RO_IP] = { "next_hop_ip", false },
};

/*
 * A user-defined route. Only the next-hop types a UDR may use pass; a
 * VirtualAppliance needs its IP and nothing else takes one. Returns
 * whether its name and prefix are known, for the check of repeats.
 */
bool
scn_route(struct yrd *y, yaml_node_t *n, struct route *r)
{
	struct yrd_map m;
	const char *v;
	bool known;
	int ip;

	if (yrd_map_read(y, n, "an item of 'routes'", "route", scn_route_keys,
	    RO_N, &m) == -1)
		return false;
	r->pos = m.pos;
	known = yrd_name(y, m.val[RO_NAME], "name", &r->name) == 1;
	if (yrd_pfx(y, m.val[RO_PREFIX], "prefix", &r->pfx) != 1)
		known = false;
	ip = yrd_ip(y, m.val[RO_IP], "next_hop_ip", &r->nh_ip);
	r->has_nh_ip = ip == 1;
	if (m.val[RO_TYPE] == NULL)
		return known;
	/* The classic name Null is a next-hop type before a YAML null. */
	if (m.val[RO_TYPE]->type == YAML_SCALAR_NODE &&
	    *yrd_text(m.val[RO_TYPE]) != '\0')
		v = yrd_text(m.val[RO_TYPE]);
	else if ((v = yrd_scalar(y, m.val[RO_TYPE], "next_hop_type",
	    "a next-hop type")) == NULL)
		return known;
	if (nh_type_parse(v, &r->nh) == -1) {
		yrd_err(y, m.val[RO_TYPE], "unknown next_hop_type '%s' "
		    "(VirtualNetworkGateway, VnetLocal, Internet, "
		    "VirtualAppliance or None)", v);
		return known;
	}
	if (r->nh == NH_VNETPEERING || r->nh == NH_SERVICE_ENDPOINT) {
		yrd_err(y, m.val[RO_TYPE], "next_hop_type %s cannot be used "
		    "in a user-defined route", v);
		return known;
	}
	if (r->nh == NH_VIRTUAL_APPLIANCE && ip == 0)
		yrd_errp(y, m.pos, "next_hop_type %s needs next_hop_ip", v);
	else if (r->nh != NH_VIRTUAL_APPLIANCE && ip == 1)
		yrd_err(y, m.val[RO_IP], "next_hop_ip is only allowed with "
		    "next_hop_type VirtualAppliance, not %s", v);
	return known;
}

/* Two routes of one table with the same prefix; ix holds the routes
 * whose prefix is known, keyed by it. */
static void
scn_route_dups(struct yrd *y, const struct route_table *rt,
    struct yrd_index *ix)
{
	const struct route *a, *b;
	char buf[PFX_STRLEN];
	size_t i;

	yrd_ix_sort(ix);
	for (i = 1; i < ix->n && !y->stop; i++) {
		if (ix->e[i].key != ix->e[i - 1].key)
			continue;
		a = &rt->routes[ix->e[i - 1].idx];
		b = &rt->routes[ix->e[i].idx];
		yrd_errp(y, b->pos, "route '%s' has the same prefix %s as "
		    "route '%s' (line %d)", b->name, pfx_format(b->pfx, buf),
		    a->name, a->pos.line);
	}
}

enum { RT_NAME, RT_ID, RT_NOBGP, RT_ROUTES, RT_N };
static const struct yrd_key scn_rtable_keys[RT_N] = {
	[RT_NAME] = { "name", true },
	[RT_ID] = { "id", false },
	[RT_NOBGP] = { "disable_bgp_route_propagation", false },
	[RT_ROUTES] = { "routes", false },
};

int
scn_rtable(struct yrd *y, yaml_node_t *n, struct route_table *rt)
{
	struct yrd_index names = { NULL, 0, 0 }, pfxs = { NULL, 0, 0 };
	yaml_node_item_t *it;
	struct route *r;
	struct yrd_map m;
	size_t i, count;
	int rc = 0;

	if (yrd_map_read(y, n, "an item of 'route_tables'", "route table",
	    scn_rtable_keys, RT_N, &m) == -1)
		return 0;
	rt->pos = m.pos;
	(void)yrd_name(y, m.val[RT_NAME], "name", &rt->name);
	(void)yrd_name(y, m.val[RT_ID], "id", &rt->id);
	(void)yrd_bool(y, m.val[RT_NOBGP], "disable_bgp_route_propagation",
	    &rt->disable_bgp_propagation);
	if (m.val[RT_ROUTES] == NULL ||
	    yrd_list(y, m.val[RT_ROUTES], "routes", NULL, &it, &count) == -1 ||
	    scn_limit(y, m.val[RT_ROUTES], SCN_LIM_ROUTES, count,
	    rt->name) == -1)
		return 0;
	if ((rt->routes = yrd_calloc(y, count, sizeof(*rt->routes))) == NULL)
		return -1;
	rt->nroutes = count;
	for (i = 0; i < count && !y->stop && rc == 0; i++) {
		r = &rt->routes[i];
		if (scn_route(y, yrd_node(y, it[i]), r))
			rc = yrd_ix_add(y, &pfxs, (uint64_t)r->pfx.addr << 8 |
			    r->pfx.len, NULL, r->pos, i);
		if (rc == 0 && r->name != NULL)
			rc = yrd_ix_add(y, &names, 0, r->name, r->pos, i);
	}
	if (rc == 0) {
		yrd_ix_dups(y, &names, "route");
		scn_route_dups(y, rt, &pfxs);
	}
	free(names.e);
	free(pfxs.e);
	return rc;
}

void
scn_rtables(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count, e0 = y->nerr;

	if (n != NULL && yrd_list(y, n, "route_tables", NULL, &it,
	    &count) == 0 && scn_limit(y, n, SCN_LIM_RTABLES, count,
	    NULL) == 0) {
		if ((t->rtables = yrd_calloc(y, count,
		    sizeof(*t->rtables))) == NULL)
			return;
		t->nrtables = count;
		for (i = 0; i < t->nrtables && !y->stop; i++) {
			if (scn_rtable(y, yrd_node(y, it[i]),
			    &t->rtables[i]) == -1)
				break;
			if (t->rtables[i].name != NULL && yrd_ix_add(y,
			    &s->irtable, 0, t->rtables[i].name,
			    t->rtables[i].pos, i) == -1)
				break;
		}
	}
	yrd_ix_dups(y, &s->irtable, "route table");
	s->bad_rtables = y->nerr > e0;
}

