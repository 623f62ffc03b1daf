/*
 * scn_onprem.c: the onprem: section of a scenario: the on-premises site,
 * its prefixes, its Internet edge and the filters of its edge (block).
 */
#include <stdbool.h>
#include <stdlib.h>

#include <yaml.h>

#include "topology/yamlrd.h"

enum { BL_PROTO, BL_DPORTS, BL_DST, BL_N };
static const struct yrd_key scn_block_keys[BL_N] = {
	[BL_PROTO] = { "protocol", false },
	[BL_DPORTS] = { "destination_ports", false },
	[BL_DST] = { "destination", false },
};

static void
scn_block(struct yrd *y, yaml_node_t *n, struct onprem_block *b)
{
	struct yrd_map m;

	b->proto = PROTO_ANY;
	b->dst.any = true;
	if (yrd_map_read(y, n, "an item of 'block'", "block", scn_block_keys,
	    BL_N, &m) == -1)
		return;
	b->pos = m.pos;
	(void)yrd_proto(y, m.val[BL_PROTO], "protocol", &b->proto);
	if (m.val[BL_DST] != NULL) {
		size_t i;

		b->dst.any = false;
		(void)yrd_addrs(y, m.val[BL_DST], "destination", &b->dst);
		/* An on-premises firewall knows addresses, not Azure tags. */
		for (i = 0; i < b->dst.n; i++)
			if (b->dst.items[i].is_tag) {
				yrd_err(y, m.val[BL_DST], "the on-premises edge "
				    "filters addresses, not service tags: '%s'",
				    b->dst.items[i].tag);
				break;
			}
	}
	(void)yrd_ports(y, m.val[BL_DPORTS], "destination_ports", &b->dports);
	(void)yrd_ports_any(y, &b->dports);
}

enum { OP_NAME, OP_PREFIXES, OP_EDGE, OP_BLOCK, OP_N };
static const struct yrd_key scn_onprem_keys[OP_N] = {
	[OP_NAME] = { "name", false },
	[OP_PREFIXES] = { "prefixes", false },
	[OP_EDGE] = { "internet_edge_ip", false },
	[OP_BLOCK] = { "block", false },
};

void
scn_onprem(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct onprem *op = &s->t->onprem;
	yaml_node_item_t *it;
	struct yrd_map m;
	size_t i, count;

	if (n == NULL)
		return;
	op->present = true;
	if (yrd_map_read(y, n, "'onprem'", "onprem", scn_onprem_keys, OP_N,
	    &m) == -1)
		return;
	op->pos = m.pos;
	if (yrd_name(y, m.val[OP_NAME], "name", &op->name) == 0 &&
	    yrd_strdup(y, "onprem", &op->name) == -1)
		return;
	(void)yrd_pfx_list(y, m.val[OP_PREFIXES], "prefixes", false,
	    &op->prefixes, &op->nprefixes);
	op->has_edge_ip = yrd_ip(y, m.val[OP_EDGE], "internet_edge_ip",
	    &op->internet_edge_ip) == 1;
	if (m.val[OP_BLOCK] == NULL ||
	    yrd_list(y, m.val[OP_BLOCK], "block", NULL, &it, &count) == -1 ||
	    scn_limit(y, m.val[OP_BLOCK], SCN_LIM_BLOCKS, count,
	    op->name) == -1)
		return;
	if ((op->blocks = yrd_calloc(y, count, sizeof(*op->blocks))) == NULL)
		return;
	op->nblocks = count;
	for (i = 0; i < count && !y->stop; i++)
		scn_block(y, yrd_node(y, it[i]), &op->blocks[i]);
}

