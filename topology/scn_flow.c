/*
 * scn_flow.c: the flows: section of a scenario: each flow's source (a VM,
 * or an Internet host), destination (an address, or a name dns: or the
 * cloud knows), protocol and ports, and what it must show (expect:).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/names.h"
#include "topology/estate.h"
#include "topology/yamlrd.h"

/* Indexed by enum exp_key, so that key k sets bit k of have. */
static const struct yrd_key scn_expect_keys[EXP_COUNT] = {
	[EXP_DELIVERED] = { "delivered", false },
	[EXP_TCP_CONNECT] = { "tcp_connect", false },
	[EXP_ACTIVATION] = { "activation", false },
	[EXP_SOURCE_SEEN] = { "source_seen", false },
	[EXP_HAIRPIN] = { "hairpin", false },
	[EXP_VIA] = { "via", false },
	[EXP_NOT_VIA] = { "not_via", false },
	[EXP_NSG_RULE] = { "nsg_rule", false },
	[EXP_FLOW_LOGGED] = { "flow_logged", false },
	[EXP_IP_FLOW_VERIFY] = { "ip_flow_verify", false },
	[EXP_DROP_REASON] = { "drop_reason", false },
	[EXP_ASYMMETRIC] = { "asymmetric", false },
};

static const char *const scn_activations[] = { "accepted", "refused" };

static int
scn_source_seen(struct yrd *y, yaml_node_t *n, struct expect *x)
{
	const char *v;

	if ((v = yrd_scalar(y, n, "source_seen", "an IP or a class")) == NULL)
		return -1;
	if (ip_parse(v, &x->source_ip) == 0) {
		x->source_is_ip = true;
		return 1;
	}
	if (isdigit((unsigned char)*v))
		return yrd_ip_text(y, n, "source_seen", v, &x->source_ip);
	if (srcclass_parse(v, &x->source_class) == 0)
		return 1;
	yrd_err(y, n, "'source_seen' must be an IP address or azure, "
	    "onprem-edge, public-peering-nat, private or other, got '%s'", v);
	return -1;
}

static int
scn_hairpin(struct yrd *y, yaml_node_t *n, enum hairpin *out)
{
	const char *v;

	if ((v = yrd_scalar(y, n, "hairpin", "a value")) == NULL)
		return -1;
	if (hairpin_parse(v, out) == 0)
		return 1;
	yrd_err(y, n, "'hairpin' must be none, azure or customer, got '%s'",
	    v);
	return -1;
}

/* drop_reason: a reason, or none / an empty value for "no drop". */
static int
scn_drop_reason(struct yrd *y, yaml_node_t *n, char **out)
{
	if (yrd_isnull(n) || (n->type == YAML_SCALAR_NODE &&
	    strcasecmp(yrd_text(n), "none") == 0))
		return 1;
	return yrd_name(y, n, "drop_reason", out);
}

/* Read one expectation key k; 1 when its value is stored. */
static int
scn_expect_key(struct yrd *y, yaml_node_t *n, enum exp_key k,
    struct expect *x)
{
	const char *key = scn_expect_keys[k].name;
	int w;

	switch (k) {
	case EXP_DELIVERED:
		return yrd_bool(y, n, key, &x->delivered);
	case EXP_TCP_CONNECT:
		return yrd_bool(y, n, key, &x->tcp_connect);
	case EXP_FLOW_LOGGED:
		return yrd_bool(y, n, key, &x->flow_logged);
	case EXP_ASYMMETRIC:
		return yrd_bool(y, n, key, &x->asymmetric);
	case EXP_ACTIVATION:
		if (yrd_word(y, n, key, scn_activations, 2,
		    "accepted or refused", &w) != 1)
			return -1;
		x->activation = w == 0 ? ACT_ACCEPTED : ACT_REFUSED;
		return 1;
	case EXP_SOURCE_SEEN:
		return scn_source_seen(y, n, x);
	case EXP_HAIRPIN:
		return scn_hairpin(y, n, &x->hairpin);
	case EXP_VIA:
		return yrd_str_list(y, n, key, &x->via, &x->nvia);
	case EXP_NOT_VIA:
		return yrd_str_list(y, n, key, &x->not_via, &x->nnot_via);
	case EXP_NSG_RULE:
		return yrd_name(y, n, key, &x->nsg_rule);
	case EXP_IP_FLOW_VERIFY:
		if (yrd_word(y, n, key, scn_access, 2, "Allow or Deny",
		    &w) != 1)
			return -1;
		x->ip_flow_verify = (enum access)w;
		return 1;
	case EXP_DROP_REASON:
		return scn_drop_reason(y, n, &x->drop_reason);
	default:
		return -1;
	}
}

static void
scn_expect(struct yrd *y, yaml_node_t *n, struct expect *x)
{
	struct yrd_map m;
	enum exp_key k;

	if (yrd_map_read(y, n, "'expect'", "expect", scn_expect_keys, EXP_COUNT,
	    &m) == -1)
		return;
	for (k = 0; k < EXP_COUNT && !y->stop; k++) {
		if (m.val[k] == NULL)
			continue;
		if (scn_expect_key(y, m.val[k], k, x) == 1) {
			x->have |= 1u << k;
			x->pos[k] = yrd_pos(y, m.key[k]);
		}
	}
}

/* A flow destination: an address, or a name the scenario's dns: or the
 * cloud's built-in names know. */
static void
scn_flow_to(struct scn *s, yaml_node_t *n, struct flow *f)
{
	struct yrd *y = &s->y;
	const char *origin, *v;
	uint32_t ip;

	if (yrd_name(y, n, "to", &f->to) != 1)
		return;
	f->to_pos = yrd_pos(y, n);
	v = f->to;
	if (strspn(v, "0123456789.") == strlen(v)) {
		(void)yrd_ip_text(y, n, "to", v, &ip);
		return;
	}
	if (!s->bad_dns && dns_resolve(s->t, v, &ip, 1, &origin) == 0)
		yrd_err(y, n, "cannot resolve %s: not in dns: nor in the "
		    "built-in names of %s", v, cloud_name(s->t->cloud));
}

enum {
	FL_NAME, FL_FROM, FL_TO, FL_PROTO, FL_PORT, FL_SPORT, FL_EXPECT, FL_N
};
static const struct yrd_key scn_flow_keys[FL_N] = {
	[FL_NAME] = { "name", false },
	[FL_FROM] = { "from", true },
	[FL_TO] = { "to", true },
	[FL_PROTO] = { "protocol", false },
	[FL_PORT] = { "port", true },
	[FL_SPORT] = { "source_port", false },
	[FL_EXPECT] = { "expect", false },
};

/* Not a private, shared, loopback, link-local, multicast or reserved
 * address: one a host on the Internet can have. */
static bool
ip_internet(uint32_t ip)
{
	static const struct { uint32_t net, mask; } special[] = {
		{ 0x00000000u, 0xff000000u },	/* 0/8 */
		{ 0x0a000000u, 0xff000000u },	/* 10/8 */
		{ 0x64400000u, 0xffc00000u },	/* 100.64/10 */
		{ 0x7f000000u, 0xff000000u },	/* 127/8 */
		{ 0xa9fe0000u, 0xffff0000u },	/* 169.254/16 */
		{ 0xac100000u, 0xfff00000u },	/* 172.16/12 */
		{ 0xc0a80000u, 0xffff0000u },	/* 192.168/16 */
		{ 0xe0000000u, 0xe0000000u },	/* 224/3 */
	};
	size_t i;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if ((ip & special[i].mask) == special[i].net)
			return false;
	return true;
}

/* A private from: address: a host of an on-premises site (MODEL §8): the
 * scenario's onprem: or a VPN site whose prefixes hold it. */
static void
scn_flow_onprem(struct scn *s, yaml_node_t *n, struct flow *f)
{
	const struct topo *t = s->t;
	struct pfx which;
	size_t i;

	f->onprem = true;
	f->from_site = TOPO_NONE;
	if (t->onprem.present &&
	    topo_site_covers(t, TOPO_NONE, f->from_ip, &which))
		return;
	for (i = 0; i < t->nvpn_sites; i++)
		if (topo_site_covers(t, i, f->from_ip, &which)) {
			f->from_site = i;
			return;
		}
	yrd_err(&s->y, n, "from: %s is a private address outside every "
	    "on-premises prefix (onprem.prefixes, vpn_sites): an external "
	    "source is a host on the Internet or on-premises (a VM is named "
	    "by its name)", yrd_text(n));
}

static void
scn_flow(struct scn *s, yaml_node_t *n, struct flow *f, size_t fi)
{
	struct yrd *y = &s->y;
	struct yrd_map m;
	unsigned long port;
	char buf[32];

	f->vm = TOPO_NONE;
	f->proto = PROTO_TCP;
	if (yrd_map_read(y, n, "an item of 'flows'", "flow", scn_flow_keys,
	    FL_N, &m) == -1)
		return;
	f->pos = m.pos;
	if (yrd_name(y, m.val[FL_NAME], "name", &f->name) == 0) {
		(void)snprintf(buf, sizeof(buf), "flow-%zu", fi + 1);
		if (yrd_strdup(y, buf, &f->name) == -1)
			return;
	}
	if (m.val[FL_FROM] != NULL && yrd_scalar(y, m.val[FL_FROM], "from",
	    "a vm name or an address") != NULL) {
		/* An address: a host on the Internet opening a connection
		 * to an Azure public IP (MODEL §7, inbound). */
		if (ip_parse(yrd_text(m.val[FL_FROM]), &f->from_ip) == 0) {
			f->external = true;
			if (!ip_internet(f->from_ip))
				scn_flow_onprem(s, m.val[FL_FROM], f);
		} else if (!s->bad_vms) {
			f->vm = yrd_ref(y, m.val[FL_FROM], &s->ivm, 0, "vm",
			    NULL);
		}
	}
	if (m.val[FL_TO] != NULL)
		scn_flow_to(s, m.val[FL_TO], f);
	if (yrd_proto(y, m.val[FL_PROTO], "protocol", &f->proto) == 1 &&
	    f->proto != PROTO_TCP && f->proto != PROTO_UDP)
		yrd_err(y, m.val[FL_PROTO], "a flow's protocol must be Tcp or "
		    "Udp, got '%s'", yrd_text(m.val[FL_PROTO]));
	if (yrd_uint(y, m.val[FL_PORT], "port", 1, 65535, &port) == 1)
		f->port = (uint16_t)port;
	if (yrd_uint(y, m.val[FL_SPORT], "source_port", 1, 65535,
	    &port) == 1) {
		f->has_sport = true;
		f->sport = (uint16_t)port;
	}
	if (m.val[FL_EXPECT] != NULL)
		scn_expect(y, m.val[FL_EXPECT], &f->expect);
}

void
scn_flows(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_index ix = { NULL, 0, 0 };
	struct topo *t = s->t;
	yaml_node_item_t *it;
	size_t i, count;

	if (n == NULL || yrd_list(y, n, "flows", NULL, &it, &count) == -1 ||
	    scn_limit(y, n, SCN_LIM_FLOWS, count, NULL) == -1)
		return;
	if ((t->flows = yrd_calloc(y, count, sizeof(*t->flows))) == NULL)
		return;
	t->nflows = count;
	for (i = 0; i < t->nflows; i++)
		t->flows[i].vm = TOPO_NONE;
	for (i = 0; i < t->nflows && !y->stop; i++) {
		scn_flow(s, yrd_node(y, it[i]), &t->flows[i], i);
		if (t->flows[i].name != NULL && yrd_ix_add(y, &ix, 0,
		    t->flows[i].name, t->flows[i].pos, i) == -1)
			break;
	}
	yrd_ix_dups(y, &ix, "flow");
	free(ix.e);
}

