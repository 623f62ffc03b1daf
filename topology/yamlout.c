/*
 * yamlout.c: the scenario writer of yamlout.h, on libyaml's emitter.
 *
 * The emitter writes into a growing buffer; a failed event sets a sticky
 * error and later events are skipped, so the writers below need not test
 * every call. Comments are the one thing libyaml cannot emit: the comment
 * block is written before the document, each line prefixed with "# ".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "topology/yamlout.h"
#include "topology/vwan.h"

struct yobuf {
	char *p;
	size_t len, cap;
	bool nomem;
};

/* The emitter and its sticky error. */
struct yo {
	yaml_emitter_t e;
	struct yobuf buf;
	int err;
};

static int
yo_write(void *data, unsigned char *bytes, size_t size)
{
	struct yobuf *b = data;
	char *np;
	size_t cap;

	if (b->len + size + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + size + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->nomem = true;
			return 0;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, bytes, size);
	b->len += size;
	b->p[b->len] = '\0';
	return 1;
}

static void
yo_emit(struct yo *y, yaml_event_t *ev, int ok)
{
	if (y->err != 0) {
		if (ok)
			yaml_event_delete(ev);
		return;
	}
	if (!ok) {
		y->err = -ENOMEM;
		return;
	}
	if (!yaml_emitter_emit(&y->e, ev))
		y->err = y->buf.nomem ? -ENOMEM : -EIO;
}

/* Words a YAML 1.1 reader would take for a null, a boolean or a number;
 * such a string is written quoted so that it reads back as a string. */
static bool
yo_needs_quotes(const char *s)
{
	static const char *const words[] = {
		"", "~", "null", "true", "false", "yes", "no", "on", "off",
		"y", "n",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return s[strspn(s, "0123456789.+-")] == '\0';
}

static void
yo_str(struct yo *y, const char *s)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1,
	    yo_needs_quotes(s) ? YAML_SINGLE_QUOTED_SCALAR_STYLE :
	    strchr(s, '\n') != NULL ? YAML_LITERAL_SCALAR_STYLE :
	    YAML_ANY_SCALAR_STYLE);
	yo_emit(y, &ev, ok);
}

/* A scalar that is meant to read back as what it is: a number, a
 * boolean, an address. */
static void
yo_plain(struct yo *y, const char *s)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1,
	    YAML_PLAIN_SCALAR_STYLE);
	yo_emit(y, &ev, ok);
}

static void
yo_map(struct yo *y, bool flow)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	yo_emit(y, &ev, ok);
}

static void
yo_map_end(struct yo *y)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_mapping_end_event_initialize(&ev);
	yo_emit(y, &ev, ok);
}

static void
yo_seq(struct yo *y, bool flow)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	yo_emit(y, &ev, ok);
}

static void
yo_seq_end(struct yo *y)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_sequence_end_event_initialize(&ev);
	yo_emit(y, &ev, ok);
}

static void
yo_kstr(struct yo *y, const char *k, const char *v)
{
	if (v == NULL)
		return;
	yo_plain(y, k);
	yo_str(y, v);
}

static void
yo_kbool(struct yo *y, const char *k, bool v)
{
	yo_plain(y, k);
	yo_plain(y, v ? "true" : "false");
}

static void
yo_kuint(struct yo *y, const char *k, unsigned long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lu", v);
	yo_plain(y, k);
	yo_plain(y, buf);
}

static void
yo_kip(struct yo *y, const char *k, uint32_t ip)
{
	char buf[IP_STRLEN];

	yo_plain(y, k);
	yo_plain(y, ip_format(ip, buf));
}

static void
yo_pfx(struct yo *y, struct pfx p)
{
	char buf[PFX_STRLEN];

	yo_plain(y, pfx_format(p, buf));
}

static void
yo_kpfxs(struct yo *y, const char *k, const struct pfx *p, size_t n)
{
	size_t i;

	yo_plain(y, k);
	yo_seq(y, true);
	for (i = 0; i < n; i++)
		yo_pfx(y, p[i]);
	yo_seq_end(y);
}

static void
yo_kips(struct yo *y, const char *k, const uint32_t *ips, size_t n)
{
	char buf[IP_STRLEN];
	size_t i;

	yo_plain(y, k);
	yo_seq(y, true);
	for (i = 0; i < n; i++)
		yo_plain(y, ip_format(ips[i], buf));
	yo_seq_end(y);
}

static void
yo_kstrs(struct yo *y, const char *k, char *const *v, size_t n)
{
	size_t i;

	yo_plain(y, k);
	yo_seq(y, true);
	for (i = 0; i < n; i++)
		yo_str(y, v[i]);
	yo_seq_end(y);
}

static void
yo_port(struct yo *y, struct portrange r)
{
	char buf[16];

	if (r.lo == 0 && r.hi == 65535)
		snprintf(buf, sizeof(buf), "*");
	else if (r.lo == r.hi)
		snprintf(buf, sizeof(buf), "%u", (unsigned)r.lo);
	else
		snprintf(buf, sizeof(buf), "%u-%u", (unsigned)r.lo,
		    (unsigned)r.hi);
	if (r.lo == r.hi)
		yo_plain(y, buf);
	else
		yo_str(y, buf);
}

static bool
ports_any(const struct port_spec *p)
{
	return p->n == 1 && p->r[0].lo == 0 && p->r[0].hi == 65535;
}

static void
yo_kports(struct yo *y, const char *k, const struct port_spec *p)
{
	size_t i;

	yo_plain(y, k);
	if (p->n == 1) {
		yo_port(y, p->r[0]);
		return;
	}
	yo_seq(y, true);
	for (i = 0; i < p->n; i++)
		yo_port(y, p->r[i]);
	yo_seq_end(y);
}

static void
yo_addr_item(struct yo *y, const struct addr_item *it)
{
	char buf[PFX_STRLEN];

	if (it->is_tag)
		yo_str(y, it->tag);
	else if (it->pfx.len == 32)
		yo_plain(y, ip_format(it->pfx.addr, buf));
	else
		yo_pfx(y, it->pfx);
}

static void
yo_kaddr(struct yo *y, const char *k, const struct addr_spec *a)
{
	size_t i;

	yo_plain(y, k);
	if (a->any || a->n == 0) {
		yo_str(y, "*");
		return;
	}
	if (a->n == 1) {
		yo_addr_item(y, &a->items[0]);
		return;
	}
	yo_seq(y, true);
	for (i = 0; i < a->n; i++)
		yo_addr_item(y, &a->items[i]);
	yo_seq_end(y);
}

static void
yo_model(struct yo *y, const struct topo *t)
{
	const struct model_opts *m = &t->model;
	struct topo def;

	topo_init(&def);
	if (memcmp(&def.model, m, sizeof(*m)) == 0)
		return;
	yo_plain(y, "model");
	yo_map(y, false);
	if (m->bgp_default_removes_none != def.model.bgp_default_removes_none)
		yo_kbool(y, "bgp_default_removes_none",
		    m->bgp_default_removes_none);
	if (m->vnet_tag_includes_default_route !=
	    def.model.vnet_tag_includes_default_route)
		yo_kbool(y, "vnet_tag_includes_default_route",
		    m->vnet_tag_includes_default_route);
	if (m->lkm_off_with_forced_default !=
	    def.model.lkm_off_with_forced_default)
		yo_kbool(y, "lkm_off_with_forced_default",
		    m->lkm_off_with_forced_default);
	if (m->kms_accepts_public_peering_nat !=
	    def.model.kms_accepts_public_peering_nat)
		yo_kbool(y, "kms_accepts_public_peering_nat",
		    m->kms_accepts_public_peering_nat);
	if (m->reserved_none_routes == RESERVED_LIST)
		yo_kpfxs(y, "reserved_none_routes", t->reserved_routes,
		    t->nreserved_routes);
	else if (m->reserved_none_routes != def.model.reserved_none_routes)
		yo_kstr(y, "reserved_none_routes",
		    m->reserved_none_routes == RESERVED_DOCUMENTED ?
		    "documented" : "observed");
	yo_map_end(y);
}

static void
yo_subnet(struct yo *y, const struct topo *t, const struct subnet *sn)
{
	yo_map(y, true);
	yo_kstr(y, "name", sn->name);
	yo_plain(y, "prefix");
	yo_pfx(y, sn->pfx);
	if (sn->route_table != TOPO_NONE)
		yo_kstr(y, "route_table", t->rtables[sn->route_table].name);
	if (sn->nsg != TOPO_NONE)
		yo_kstr(y, "nsg", t->nsgs[sn->nsg].name);
	if (sn->has_nat_gateway)
		yo_kip(y, "nat_gateway_ip", sn->nat_gateway_ip);
	if (!sn->default_outbound_access)
		yo_kbool(y, "default_outbound_access", false);
	if (sn->has_default_outbound_ip)
		yo_kip(y, "default_outbound_ip", sn->default_outbound_ip);
	if (sn->nservice_endpoints > 0)
		yo_kstrs(y, "service_endpoints", sn->service_endpoints,
		    sn->nservice_endpoints);
	yo_map_end(y);
}

/* A VNet's peerings: names while every one has the plain settings, else
 * one mapping each (FORMAT.md "Estates"), defaults left out. */
static void
yo_peerings(struct yo *y, const struct topo *t, const struct vnet *v)
{
	bool plain = true;
	size_t j;

	for (j = 0; j < v->npeers; j++)
		plain &= v->peers[j].plain;
	yo_plain(y, "peerings");
	yo_seq(y, plain);
	for (j = 0; j < v->npeers; j++) {
		const struct peering *p = &v->peers[j];

		if (plain) {
			yo_str(y, t->vnets[p->vnet].name);
			continue;
		}
		yo_map(y, true);
		yo_kstr(y, "vnet", t->vnets[p->vnet].name);
		if (!p->allow_access)
			yo_kbool(y, "allow_virtual_network_access", false);
		if (p->allow_forwarded)
			yo_kbool(y, "allow_forwarded_traffic", true);
		if (p->allow_transit)
			yo_kbool(y, "allow_gateway_transit", true);
		if (p->use_remote)
			yo_kbool(y, "use_remote_gateways", true);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_vnets(struct yo *y, const struct topo *t)
{
	size_t i, j;

	if (t->nvnets == 0)
		return;
	yo_plain(y, "vnets");
	yo_seq(y, false);
	for (i = 0; i < t->nvnets; i++) {
		const struct vnet *v = &t->vnets[i];

		/* MODEL §8 [vwan]: a hub's VNet is virtual_wan:'s. */
		if (topo_vhub_of_vnet(t, i) != TOPO_NONE)
			continue;
		yo_map(y, false);
		yo_kstr(y, "name", v->name);
		yo_kpfxs(y, "address_space", v->space, v->nspace);
		if (v->npeers > 0)
			yo_peerings(y, t, v);
		yo_kstr(y, "gateway", v->gateway);
		if (v->nsubnets > 0) {
			yo_plain(y, "subnets");
			yo_seq(y, false);
			for (j = 0; j < v->nsubnets; j++)
				yo_subnet(y, t, &v->subnets[j]);
			yo_seq_end(y);
		}
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_vms(struct yo *y, const struct topo *t)
{
	size_t i;

	if (t->nvms == 0)
		return;
	yo_plain(y, "vms");
	yo_seq(y, false);
	for (i = 0; i < t->nvms; i++) {
		const struct vm *v = &t->vms[i];

		yo_map(y, true);
		yo_kstr(y, "name", v->name);
		yo_kstr(y, "vnet", t->vnets[v->vnet].name);
		yo_kstr(y, "subnet", topo_vm_subnet(t, v)->name);
		yo_kip(y, "ip", v->ip);
		if (v->has_public_ip)
			yo_kip(y, "public_ip", v->public_ip);
		if (v->has_lb_outbound_ip)
			yo_kip(y, "lb_outbound_ip", v->lb_outbound_ip);
		if (v->nsg != TOPO_NONE)
			yo_kstr(y, "nsg", t->nsgs[v->nsg].name);
		if (v->ip_forwarding)
			yo_kbool(y, "ip_forwarding", true);
		if (v->snat)
			yo_kbool(y, "snat", true);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_rtables(struct yo *y, const struct topo *t)
{
	size_t i, j;

	if (t->nrtables == 0)
		return;
	yo_plain(y, "route_tables");
	yo_seq(y, false);
	for (i = 0; i < t->nrtables; i++) {
		const struct route_table *rt = &t->rtables[i];

		yo_map(y, false);
		yo_kstr(y, "name", rt->name);
		if (rt->id != NULL)
			yo_kstr(y, "id", rt->id);
		if (rt->disable_bgp_propagation)
			yo_kbool(y, "disable_bgp_route_propagation", true);
		yo_plain(y, "routes");
		yo_seq(y, false);
		for (j = 0; j < rt->nroutes; j++) {
			const struct route *r = &rt->routes[j];

			yo_map(y, true);
			yo_kstr(y, "name", r->name);
			yo_plain(y, "prefix");
			yo_pfx(y, r->pfx);
			yo_kstr(y, "next_hop_type", nh_type_name(r->nh));
			if (r->has_nh_ip)
				yo_kip(y, "next_hop_ip", r->nh_ip);
			yo_map_end(y);
		}
		yo_seq_end(y);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_rule(struct yo *y, const struct nsg_rule *r)
{
	yo_map(y, true);
	yo_kstr(y, "name", r->name);
	yo_kuint(y, "priority", (unsigned long)r->priority);
	yo_kstr(y, "direction", r->dir == DIR_INBOUND ? "Inbound" :
	    "Outbound");
	yo_kstr(y, "access", r->access == ACCESS_ALLOW ? "Allow" : "Deny");
	yo_kstr(y, "protocol", proto_name(r->proto));
	yo_kaddr(y, "source", &r->src);
	if (!ports_any(&r->sports))
		yo_kports(y, "source_ports", &r->sports);
	yo_kaddr(y, "destination", &r->dst);
	yo_kports(y, "destination_ports", &r->dports);
	yo_map_end(y);
}

static void
yo_nsgs(struct yo *y, const struct topo *t)
{
	size_t i, j;

	if (t->nnsgs == 0)
		return;
	yo_plain(y, "nsgs");
	yo_seq(y, false);
	for (i = 0; i < t->nnsgs; i++) {
		yo_map(y, false);
		yo_kstr(y, "name", t->nsgs[i].name);
		yo_plain(y, "rules");
		yo_seq(y, false);
		for (j = 0; j < t->nsgs[i].nrules; j++)
			yo_rule(y, &t->nsgs[i].rules[j]);
		yo_seq_end(y);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_circuits(struct yo *y, const struct topo *t)
{
	size_t i;

	if (t->ncircuits == 0)
		return;
	yo_plain(y, "expressroute");
	yo_seq(y, false);
	for (i = 0; i < t->ncircuits; i++) {
		const struct circuit *c = &t->circuits[i];

		yo_map(y, false);
		yo_kstr(y, "name", c->name);
		yo_kstr(y, "sku", sku_name(c->sku));
		/* A hub's circuit names no gateway (virtual_wan: lists it). */
		if (topo_vhub_of_vnet(t, c->vnet) == TOPO_NONE)
			yo_kstr(y, "gateway", c->gateway);
		yo_plain(y, "private_peering");
		yo_map(y, false);
		yo_kpfxs(y, "advertised", c->advertised, c->nadvertised);
		if (c->nnext_hops > 0)
			yo_kips(y, "next_hops", c->next_hops, c->nnext_hops);
		yo_map_end(y);
		if (c->public_peering) {
			yo_plain(y, "public_peering");
			yo_map(y, false);
			yo_kpfxs(y, "nat_pool", c->nat_pool, c->nnat_pool);
			yo_map_end(y);
		}
		if (c->microsoft_peering) {
			yo_plain(y, "microsoft_peering");
			yo_map(y, false);
			yo_kpfxs(y, "nat_pool", c->ms_nat_pool,
			    c->nms_nat_pool);
			if (c->nroute_filter > 0)
				yo_kstrs(y, "route_filter", c->route_filter,
				    c->nroute_filter);
			yo_map_end(y);
		}
		yo_map_end(y);
	}
	yo_seq_end(y);
}

/* The gateways `gateways:` described (the others are only names). */
static void
yo_gateways(struct yo *y, const struct topo *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->ngateways; i++)
		n += t->gateways[i].described;
	if (n == 0)
		return;
	yo_plain(y, "gateways");
	yo_seq(y, false);
	for (i = 0; i < t->ngateways; i++) {
		const struct gateway *g = &t->gateways[i];

		if (!g->described)
			continue;
		yo_map(y, false);
		yo_kstr(y, "name", g->name);
		yo_kstr(y, "type", gw_type_name(g->type));
		if (g->active_active)
			yo_kbool(y, "active_active", true);
		if (g->ninstance_ips > 0)
			yo_kips(y, "instance_ips", g->instance_ips,
			    g->ninstance_ips);
		if (g->has_public_ip)
			yo_kip(y, "public_ip", g->public_ip);
		if (g->default_site != TOPO_NONE)
			yo_kstr(y, "default_site",
			    t->vpn_sites[g->default_site].name);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_vpn_sites(struct yo *y, const struct topo *t)
{
	size_t i;

	if (t->nvpn_sites == 0)
		return;
	yo_plain(y, "vpn_sites");
	yo_seq(y, false);
	for (i = 0; i < t->nvpn_sites; i++) {
		const struct vpn_site *v = &t->vpn_sites[i];

		yo_map(y, false);
		yo_kstr(y, "name", v->name);
		if (topo_vhub_of_vnet(t, t->gateways[v->gateway].vnet) ==
		    TOPO_NONE)
			yo_kstr(y, "gateway", t->gateways[v->gateway].name);
		if (v->nprefixes > 0)
			yo_kpfxs(y, "address_prefixes", v->prefixes,
			    v->nprefixes);
		if (v->bgp) {
			yo_plain(y, "bgp");
			yo_map(y, true);
			yo_kip(y, "peer_ip", v->bgp_peer_ip);
			yo_kpfxs(y, "advertised", v->advertised,
			    v->nadvertised);
			yo_map_end(y);
		}
		if (v->has_edge_ip)
			yo_kip(y, "internet_edge_ip", v->internet_edge_ip);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_route_servers(struct yo *y, const struct topo *t)
{
	size_t i, k;

	if (t->nroute_servers == 0)
		return;
	yo_plain(y, "route_servers");
	yo_seq(y, false);
	for (i = 0; i < t->nroute_servers; i++) {
		const struct route_server *rs = &t->route_servers[i];

		yo_map(y, false);
		yo_kstr(y, "name", rs->name);
		yo_kstr(y, "vnet", t->vnets[rs->vnet].name);
		if (rs->branch_to_branch)
			yo_kbool(y, "branch_to_branch", true);
		if (rs->preference != RSP_EXPRESSROUTE)
			yo_kstr(y, "routing_preference",
			    rs_pref_name(rs->preference));
		yo_plain(y, "peers");
		yo_seq(y, false);
		for (k = 0; k < rs->npeers; k++) {
			const struct rs_peer *p = &rs->peers[k];

			yo_map(y, true);
			yo_kstr(y, "name", p->name);
			yo_kip(y, "ip", p->ip);
			yo_kpfxs(y, "advertised", p->advertised,
			    p->nadvertised);
			if (p->has_next_hop)
				yo_kip(y, "next_hop", p->next_hop);
			yo_map_end(y);
		}
		yo_seq_end(y);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

/* MODEL §8 [fw-rules]: one rule of a collection. */
static void
yo_fw_rule(struct yo *y, const struct fw_coll *c, const struct fw_rule *r)
{
	char buf[16];
	size_t i;

	yo_map(y, true);
	yo_kstr(y, "name", r->name);
	yo_plain(y, "protocols");
	yo_seq(y, true);
	if (c->type == FWC_NETWORK) {
		if ((r->proto & (PROTO_TCP | PROTO_UDP | PROTO_ICMP)) ==
		    (PROTO_TCP | PROTO_UDP | PROTO_ICMP))
			yo_plain(y, "Any");
		else
			for (i = 0; i < 3; i++)
				if (r->proto & (1u << i))
					yo_plain(y, proto_name(1u << i));
	} else {
		for (i = 0; i < r->naprotos; i++) {
			snprintf(buf, sizeof(buf), "%s:%u",
			    fw_aproto_name(r->aprotos[i].type),
			    (unsigned)r->aprotos[i].port);
			yo_str(y, buf);
		}
	}
	yo_seq_end(y);
	yo_kaddr(y, "source", &r->src);
	if (c->type == FWC_NETWORK) {
		yo_plain(y, "destination");
		yo_seq(y, true);
		if (r->dst.any)
			yo_str(y, "*");
		for (i = 0; !r->dst.any && i < r->dst.n; i++)
			yo_addr_item(y, &r->dst.items[i]);
		for (i = 0; i < r->ndst_fqdns; i++)
			yo_str(y, r->dst_fqdns[i]);
		yo_seq_end(y);
		yo_kports(y, "destination_ports", &r->dports);
	} else {
		yo_kstrs(y, "fqdns", r->fqdns, r->nfqdns);
	}
	yo_map_end(y);
}

/* One rule collection, as an item of network_rules or application_rules
 * (a firewall's, or a change operation's). */
static void
yo_fw_coll(struct yo *y, const struct fw_coll *c)
{
	size_t k;

	yo_map(y, false);
	yo_kstr(y, "name", c->name);
	yo_kuint(y, "priority", (unsigned long)c->priority);
	yo_kstr(y, "action", c->action == ACCESS_ALLOW ? "Allow" : "Deny");
	if (c->group != NULL) {
		yo_kstr(y, "group", c->group);
		yo_kuint(y, "group_priority", (unsigned long)c->group_priority);
	}
	yo_plain(y, "rules");
	yo_seq(y, false);
	for (k = 0; k < c->nrules; k++)
		yo_fw_rule(y, c, &c->rules[k]);
	yo_seq_end(y);
	yo_map_end(y);
}

static void
yo_fw_colls(struct yo *y, const struct firewall *fw, enum fw_ctype type,
    const char *key)
{
	size_t i, n = 0;

	for (i = 0; i < fw->ncolls; i++)
		n += fw->colls[i].type == type;
	if (n == 0)
		return;
	yo_plain(y, key);
	yo_seq(y, false);
	for (i = 0; i < fw->ncolls; i++) {
		const struct fw_coll *c = &fw->colls[i];

		if (c->type != type)
			continue;
		yo_fw_coll(y, c);
	}
	yo_seq_end(y);
}

/* The firewall of a virtual hub, written under its hub. */
static bool
hub_firewall(const struct topo *t, size_t fi)
{
	size_t h;

	for (h = 0; h < t->nvhubs; h++)
		if (t->vhubs[h].firewall == fi)
			return true;
	return false;
}

static void
yo_firewall(struct yo *y, const struct topo *t, const struct firewall *fw,
    bool hub)
{
	yo_map(y, false);
	yo_kstr(y, "name", fw->name);
	if (!hub)
		yo_kstr(y, "vnet", t->vnets[fw->vnet].name);
	if (fw->private_ip != 0)
		yo_kip(y, "private_ip", fw->private_ip);
	if (fw->has_public_ip)
		yo_kip(y, "public_ip", fw->public_ip);
	if (fw->forced_tunneling)
		yo_kbool(y, "forced_tunneling", true);
	yo_kpfxs(y, "snat_private_ranges", fw->snat_private,
	    fw->nsnat_private);
	if (fw->policy != NULL)
		yo_kstr(y, "policy", fw->policy);
	yo_fw_colls(y, fw, FWC_NETWORK, "network_rules");
	yo_fw_colls(y, fw, FWC_APPLICATION, "application_rules");
	yo_map_end(y);
}

static void
yo_firewalls(struct yo *y, const struct topo *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->nfirewalls; i++)
		n += !hub_firewall(t, i);
	if (n == 0)
		return;
	yo_plain(y, "firewalls");
	yo_seq(y, false);
	for (i = 0; i < t->nfirewalls; i++)
		if (!hub_firewall(t, i))
			yo_firewall(y, t, &t->firewalls[i], false);
	yo_seq_end(y);
}

/* MODEL §8 [vwan]: virtual_wan:, every hub with what it connects. */
static void
yo_vwan(struct yo *y, const struct topo *t)
{
	const struct vhub *h;
	size_t i, k;

	if (t->nvhubs == 0)
		return;
	yo_plain(y, "virtual_wan");
	yo_map(y, false);
	yo_plain(y, "hubs");
	yo_seq(y, false);
	for (i = 0; i < t->nvhubs; i++) {
		h = &t->vhubs[i];
		yo_map(y, false);
		yo_kstr(y, "name", h->name);
		yo_plain(y, "address_prefix");
		yo_pfx(y, h->prefix);
		yo_kips(y, "router_ips", h->router_ips, h->nrouter_ips);
		yo_kips(y, "vpn_gateway_ips", h->vpn_ips, h->nvpn_ips);
		if (h->firewall != TOPO_NONE) {
			yo_plain(y, "firewall");
			yo_firewall(y, t, &t->firewalls[h->firewall], true);
		}
		if (h->intent_internet || h->intent_private) {
			yo_plain(y, "routing_intent");
			yo_map(y, true);
			yo_kstr(y, "internet", h->intent_internet ?
			    "firewall" : "none");
			yo_kstr(y, "private", h->intent_private ?
			    "firewall" : "none");
			yo_map_end(y);
		}
		if (h->ncircuits > 0) {
			yo_plain(y, "expressroute");
			yo_seq(y, true);
			for (k = 0; k < h->ncircuits; k++)
				yo_str(y, t->circuits[h->circuits[k]].name);
			yo_seq_end(y);
		}
		if (h->nsites > 0) {
			yo_plain(y, "vpn_sites");
			yo_seq(y, true);
			for (k = 0; k < h->nsites; k++)
				yo_str(y, t->vpn_sites[h->sites[k]].name);
			yo_seq_end(y);
		}
		yo_plain(y, "connections");
		yo_seq(y, h->nconns == 0);
		for (k = 0; k < h->nconns; k++) {
			yo_map(y, true);
			yo_kstr(y, "vnet", t->vnets[h->conns[k].vnet].name);
			yo_kbool(y, "propagate_default_route",
			    h->conns[k].propagate_default);
			yo_map_end(y);
		}
		yo_seq_end(y);
		yo_map_end(y);
	}
	yo_seq_end(y);
	yo_map_end(y);
}

static void
yo_onprem(struct yo *y, const struct onprem *op)
{
	size_t i;

	if (!op->present)
		return;
	yo_plain(y, "onprem");
	yo_map(y, false);
	yo_kstr(y, "name", op->name);
	if (op->nprefixes > 0)
		yo_kpfxs(y, "prefixes", op->prefixes, op->nprefixes);
	if (op->has_edge_ip)
		yo_kip(y, "internet_edge_ip", op->internet_edge_ip);
	if (op->nblocks > 0) {
		yo_plain(y, "block");
		yo_seq(y, false);
		for (i = 0; i < op->nblocks; i++) {
			const struct onprem_block *b = &op->blocks[i];

			yo_map(y, true);
			yo_kstr(y, "protocol", proto_name(b->proto));
			yo_kports(y, "destination_ports", &b->dports);
			if (!b->dst.any)
				yo_kaddr(y, "destination", &b->dst);
			yo_map_end(y);
		}
		yo_seq_end(y);
	}
	yo_map_end(y);
}

static void
yo_dns(struct yo *y, const struct topo *t)
{
	size_t i;

	if (t->ndns == 0)
		return;
	yo_plain(y, "dns");
	yo_map(y, false);
	for (i = 0; i < t->ndns; i++)
		yo_kips(y, t->dns[i].name, t->dns[i].ips, t->dns[i].nips);
	yo_map_end(y);
}

static void
yo_expect(struct yo *y, const struct expect *e)
{
	char buf[IP_STRLEN];

	yo_plain(y, "expect");
	yo_map(y, false);
	if (e->have & 1u << EXP_DELIVERED)
		yo_kbool(y, "delivered", e->delivered);
	if (e->have & 1u << EXP_TCP_CONNECT)
		yo_kbool(y, "tcp_connect", e->tcp_connect);
	if (e->have & 1u << EXP_ACTIVATION)
		yo_kstr(y, "activation", activation_name(e->activation));
	if (e->have & 1u << EXP_SOURCE_SEEN)
		yo_kstr(y, "source_seen", e->source_is_ip ?
		    ip_format(e->source_ip, buf) :
		    srcclass_name(e->source_class));
	if (e->have & 1u << EXP_HAIRPIN)
		yo_kstr(y, "hairpin", hairpin_name(e->hairpin));
	if (e->have & 1u << EXP_VIA)
		yo_kstrs(y, "via", e->via, e->nvia);
	if (e->have & 1u << EXP_NOT_VIA)
		yo_kstrs(y, "not_via", e->not_via, e->nnot_via);
	if (e->have & 1u << EXP_NSG_RULE)
		yo_kstr(y, "nsg_rule", e->nsg_rule);
	if (e->have & 1u << EXP_FLOW_LOGGED)
		yo_kbool(y, "flow_logged", e->flow_logged);
	if (e->have & 1u << EXP_IP_FLOW_VERIFY)
		yo_kstr(y, "ip_flow_verify", e->ip_flow_verify == ACCESS_ALLOW ?
		    "Allow" : "Deny");
	if (e->have & 1u << EXP_DROP_REASON)
		yo_kstr(y, "drop_reason", e->drop_reason != NULL ?
		    e->drop_reason : "none");
	yo_map_end(y);
}

static void
yo_flows(struct yo *y, const struct topo *t)
{
	char from[IP_STRLEN];
	size_t i;

	yo_plain(y, "flows");
	yo_seq(y, t->nflows == 0);
	for (i = 0; i < t->nflows; i++) {
		const struct flow *f = &t->flows[i];

		yo_map(y, false);
		yo_kstr(y, "name", f->name);
		yo_kstr(y, "from", topo_flow_from(t, f, from));
		yo_kstr(y, "to", f->to);
		yo_kstr(y, "protocol", proto_name(f->proto));
		yo_kuint(y, "port", f->port);
		if (f->has_sport)
			yo_kuint(y, "source_port", f->sport);
		if (f->expect.have != 0)
			yo_expect(y, &f->expect);
		yo_map_end(y);
	}
	yo_seq_end(y);
}

static void
yo_document(struct yo *y, const struct topo *t)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	yo_emit(y, &ev, ok);
	ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	yo_emit(y, &ev, ok);
	yo_map(y, false);
	yo_kstr(y, "scenario", t->scenario != NULL ? t->scenario :
	    "imported");
	yo_kstr(y, "description", t->description);
	yo_kstr(y, "cloud", cloud_name(t->cloud));
	yo_kstr(y, "service_tags", t->service_tags_file);
	yo_model(y, t);
	yo_vnets(y, t);
	yo_vms(y, t);
	yo_rtables(y, t);
	yo_nsgs(y, t);
	yo_circuits(y, t);
	yo_gateways(y, t);
	yo_vpn_sites(y, t);
	yo_route_servers(y, t);
	yo_vwan(y, t);
	yo_firewalls(y, t);
	yo_onprem(y, &t->onprem);
	yo_dns(y, t);
	yo_flows(y, t);
	yo_map_end(y);
	ok = yaml_document_end_event_initialize(&ev, 1);
	yo_emit(y, &ev, ok);
	ok = yaml_stream_end_event_initialize(&ev);
	yo_emit(y, &ev, ok);
	if (y->err == 0 && !yaml_emitter_flush(&y->e))
		y->err = y->buf.nomem ? -ENOMEM : -EIO;
}

/*
 * Append s[0..len) to a comment. A comment is read by the YAML reader
 * like everything else: only printable characters in valid UTF-8, and a
 * line break (NEL, U+2028, U+2029 too) ends it. Anything else (a control
 * byte, bad UTF-8, a BOM) is written as '?': a note quoting an input's
 * name must not make the file unreadable.
 */
static bool
yo_comment_text(struct yobuf *b, const unsigned char *s, size_t len)
{
	size_t i = 0, k, n;
	uint32_t c;
	bool ok;

	while (i < len) {
		/* Decode one sequence: n bytes, code point c. */
		n = s[i] < 0x80 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 :
		    (s[i] & 0xf0) == 0xe0 ? 3 : (s[i] & 0xf8) == 0xf0 ? 4 : 0;
		c = n == 1 ? s[i] : n == 2 ? s[i] & 0x1fu : n == 3 ?
		    s[i] & 0x0fu : s[i] & 0x07u;
		ok = n > 0 && n <= len - i;
		for (k = 1; ok && k < n; k++) {
			ok = (s[i + k] & 0xc0) == 0x80;
			c = c << 6 | (s[i + k] & 0x3fu);
		}
		/* A malformed sequence is one '?' per byte; a well-formed
		 * one (the shortest form) is kept if printable as YAML 1.1
		 * says, else one '?'. */
		if (!ok || (n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
		    (n == 4 && c < 0x10000))
			n = 1;
		else if (c == '\t' || (c >= 0x20 && c <= 0x7e) ||
		    (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029) ||
		    (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) ||
		    (c >= 0x10000 && c <= 0x10ffff)) {
			if (!yo_write(b, (unsigned char *)(uintptr_t)(s + i),
			    n))
				return false;
			i += n;
			continue;
		}
		if (!yo_write(b, (unsigned char *)"?", 1))
			return false;
		i += n;
	}
	return true;
}

static void
yo_comments(struct yo *y, const char *const *lines, size_t n)
{
	size_t i, len;

	for (i = 0; i < n && y->err == 0; i++) {
		len = strcspn(lines[i], "\r\n");
		if ((len > 0 && (!yo_write(&y->buf, (unsigned char *)"# ", 2) ||
		    !yo_comment_text(&y->buf, (const unsigned char *)lines[i],
		    len))) || (len == 0 &&
		    !yo_write(&y->buf, (unsigned char *)"#", 1)) ||
		    !yo_write(&y->buf, (unsigned char *)"\n", 1))
			y->err = -ENOMEM;
	}
}

/*
 * Change files.
 */

static void
yo_route(struct yo *y, const struct route *r)
{
	yo_map(y, true);
	yo_kstr(y, "name", r->name);
	yo_plain(y, "prefix");
	yo_pfx(y, r->pfx);
	yo_kstr(y, "next_hop_type", nh_type_name(r->nh));
	if (r->has_nh_ip)
		yo_kip(y, "next_hop_ip", r->nh_ip);
	yo_map_end(y);
}

static void
yo_fw_coll_op(struct yo *y, const struct fw_coll *c)
{
	yo_plain(y, c->type == FWC_NETWORK ? "network_rules" :
	    "application_rules");
	yo_fw_coll(y, c);
}

static void
yo_op(struct yo *y, const struct change_op *op)
{
	size_t i;

	yo_map(y, false);
	yo_kstr(y, "op", change_kind_name(op->kind));
	switch (op->kind) {
	case CH_ADD_ROUTE_TABLE:
		yo_plain(y, "route_table");
		yo_map(y, false);
		yo_kstr(y, "name", op->rtable.name);
		if (op->rtable.disable_bgp_propagation)
			yo_kbool(y, "disable_bgp_route_propagation", true);
		yo_plain(y, "routes");
		yo_seq(y, false);
		for (i = 0; i < op->rtable.nroutes; i++)
			yo_route(y, &op->rtable.routes[i]);
		yo_seq_end(y);
		yo_map_end(y);
		break;
	case CH_ADD_ROUTE:
	case CH_REPLACE_ROUTE:
		yo_kstr(y, "route_table", op->route_table.name);
		yo_plain(y, "route");
		yo_route(y, &op->route);
		break;
	case CH_ASSOCIATE_ROUTE_TABLE:
		yo_kstr(y, "vnet", op->vnet.name);
		yo_kstr(y, "subnet", op->subnet.name);
		yo_kstr(y, "route_table", op->route_table.name);
		break;
	case CH_ADD_NSG_RULE:
		yo_kstr(y, "nsg", op->nsg.name);
		yo_plain(y, "rule");
		yo_rule(y, &op->rule);
		break;
	case CH_REMOVE_NSG_RULE:
		yo_kstr(y, "nsg", op->nsg.name);
		yo_kstr(y, "name", op->name.name);
		break;
	case CH_ADD_FIREWALL_RULE:
		yo_kstr(y, "firewall", op->firewall.name);
		yo_fw_coll_op(y, &op->coll);
		break;
	case CH_SET_ROUTE_FILTER:
		yo_kstr(y, "circuit", op->circuit.name);
		yo_plain(y, "route_filter");
		yo_seq(y, true);
		for (i = 0; i < op->nregions; i++)
			yo_str(y, op->regions[i]);
		yo_seq_end(y);
		break;
	default:
		if (y->err == 0)
			y->err = -EINVAL;
		break;
	}
	yo_map_end(y);
}

static void
yo_change(struct yo *y, const struct change *c)
{
	yaml_event_t ev;
	size_t i;
	int ok;

	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	yo_emit(y, &ev, ok);
	ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	yo_emit(y, &ev, ok);
	yo_map(y, false);
	yo_kstr(y, "change", c->name);
	yo_kstr(y, "description", c->description);
	yo_plain(y, "operations");
	yo_seq(y, false);
	for (i = 0; i < c->nops; i++)
		yo_op(y, &c->ops[i]);
	yo_seq_end(y);
	yo_map_end(y);
	ok = yaml_document_end_event_initialize(&ev, 1);
	yo_emit(y, &ev, ok);
	ok = yaml_stream_end_event_initialize(&ev);
	yo_emit(y, &ev, ok);
	if (y->err == 0 && !yaml_emitter_flush(&y->e))
		y->err = y->buf.nomem ? -ENOMEM : -EIO;
}

/* The emitter around one of the writers above. */
static int
yo_run(const void *what, bool change, const char *const *comments,
    size_t ncomments, char **out, size_t *len)
{
	struct yo y;

	*out = NULL;
	*len = 0;
	memset(&y, 0, sizeof(y));
	if (!yaml_emitter_initialize(&y.e))
		return -ENOMEM;
	yaml_emitter_set_output(&y.e, yo_write, &y.buf);
	yaml_emitter_set_unicode(&y.e, 1);
	yaml_emitter_set_width(&y.e, 100);
	yaml_emitter_set_indent(&y.e, 2);
	yo_comments(&y, comments, ncomments);
	if (y.err == 0) {
		if (change)
			yo_change(&y, what);
		else
			yo_document(&y, what);
	}
	yaml_emitter_delete(&y.e);
	if (y.err != 0) {
		free(y.buf.p);
		return y.err;
	}
	*out = y.buf.p;
	*len = y.buf.len;
	return 0;
}

int
yamlout_change(const struct change *c, const char *const *comments,
    size_t ncomments, char **out, size_t *len)
{
	if (c == NULL || out == NULL || len == NULL)
		return -EINVAL;
	return yo_run(c, true, comments, ncomments, out, len);
}

int
yamlout_topo(const struct topo *t, const char *const *comments,
    size_t ncomments, char **out, size_t *len)
{
	if (t == NULL || out == NULL || len == NULL)
		return -EINVAL;
	return yo_run(t, false, comments, ncomments, out, len);
}
