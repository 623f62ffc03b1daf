/*
 * fwrules.c: an Azure Firewall's rules as it processes them (fwrules.h):
 * network rule collections first, then application rule collections,
 * each type by group priority and priority (topo_fw_order), one line per
 * rule with its collection, action, protocols, sources, and destinations
 * and ports (network) or FQDNs (application).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/fwrules.h"
#include "cli/job.h"
#include "topology/firewall.h"

/* An address list as text: '*' or its items, ", "-separated. */
static void
addr_text(const struct addr_spec *a, char *const *fq, size_t nfq, char *buf,
    size_t len)
{
	char p[PFX_STRLEN];
	size_t i, o = 0;

	buf[0] = '\0';
	if (a->any) {
		snprintf(buf, len, "*");
		return;
	}
	for (i = 0; i < a->n + nfq && o < len; i++) {
		const char *s = i < a->n ? (a->items[i].is_tag ?
		    a->items[i].tag : pfx_format(a->items[i].pfx, p)) :
		    fq[i - a->n];

		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
		    s);
	}
}

static void
ports_text(const struct port_spec *ps, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < ps->n && o < len; i++) {
		if (ps->r[i].lo == 0 && ps->r[i].hi == 65535)
			o += (size_t)snprintf(buf + o, len - o, "%s*",
			    i ? ", " : "");
		else if (ps->r[i].lo == ps->r[i].hi)
			o += (size_t)snprintf(buf + o, len - o, "%s%u",
			    i ? ", " : "", ps->r[i].lo);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%u-%u",
			    i ? ", " : "", ps->r[i].lo, ps->r[i].hi);
	}
}

static void
protos_text(const struct fw_coll *c, const struct fw_rule *r, char *buf,
    size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	if (c->type == FWC_NETWORK) {
		for (i = 0; i < 3 && o < len; i++)
			if (r->proto & (1u << i))
				o += (size_t)snprintf(buf + o, len - o, "%s%s",
				    o ? ", " : "", proto_name(1u << i));
		return;
	}
	for (i = 0; i < r->naprotos && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s:%u",
		    i ? ", " : "", fw_aproto_name(r->aprotos[i].type),
		    (unsigned)r->aprotos[i].port);
}

int
fwrules_print(const struct topo *t, size_t fi, bool json)
{
	const struct firewall *fw = &t->firewalls[fi];
	char pr[64], src[1024], dst[2048], ports[512], ip[IP_STRLEN];
	json_t *doc = NULL, *arr = NULL;
	size_t *order, i, k;
	int rc = 0;

	if ((order = calloc(fw->ncolls + 1, sizeof(*order))) == NULL) {
		fputs("ftsim: out of memory\n", stderr);
		return -1;
	}
	topo_fw_order(fw, order);
	if (json) {
		doc = json_pack("{s:s, s:s, s:s?, s:b, s:s?, s:[]}", "name",
		    fw->name, "privateIp", ip_format(fw->private_ip, ip),
		    "policy", fw->policy, "forcedTunneling",
		    fw->forced_tunneling, "publicIp", NULL, "rules");
		if (doc != NULL && fw->has_public_ip)
			json_object_set_new(doc, "publicIp", json_string(
			    ip_format(fw->public_ip, ip)));
		arr = json_object_get(doc, "rules");
	} else {
		printf("Azure Firewall %s, %s%s%s%s: %zu rule collection%s, "
		    "in processing order (network first, then application; "
		    "no match denies)\n", fw->name, ip_format(fw->private_ip,
		    ip), fw->has_public_ip ? ", public " : "",
		    fw->has_public_ip ? ip_format(fw->public_ip, pr) : "",
		    fw->forced_tunneling ? ", forced tunnelling" : "",
		    fw->ncolls, fw->ncolls == 1 ? "" : "s");
	}
	for (i = 0; i < fw->ncolls; i++) {
		const struct fw_coll *c = &fw->colls[order[i]];

		for (k = 0; k < c->nrules; k++) {
			const struct fw_rule *r = &c->rules[k];

			protos_text(c, r, pr, sizeof(pr));
			addr_text(&r->src, NULL, 0, src, sizeof(src));
			if (c->type == FWC_NETWORK) {
				addr_text(&r->dst, r->dst_fqdns, r->ndst_fqdns,
				    dst, sizeof(dst));
				ports_text(&r->dports, ports, sizeof(ports));
			} else {
				struct addr_spec none = { false, NULL, 0 };

				addr_text(&none, r->fqdns, r->nfqdns, dst,
				    sizeof(dst));
				ports[0] = '\0';
			}
			if (json) {
				json_t *x = json_pack("{s:s, s:s?, s:i, s:i, "
				    "s:s, s:s, s:s, s:s, s:s, s:s}", "type",
				    fw_ctype_name(c->type), "group", c->group,
				    "groupPriority", c->group_priority,
				    "priority", c->priority, "collection",
				    c->name, "action", c->action ==
				    ACCESS_ALLOW ? "Allow" : "Deny", "rule",
				    r->name, "protocols", pr, "source", src,
				    c->type == FWC_NETWORK ? "destination" :
				    "fqdns", dst);

				if (x != NULL && c->type == FWC_NETWORK)
					json_object_set_new(x,
					    "destinationPorts",
					    json_string(ports));
				if (x == NULL || json_array_append_new(arr, x))
					rc = -1;
				continue;
			}
			if (c->group != NULL)
				printf("  %-11s %5d/%-5d %-5s %s/%s/%s  %s  from "
				    "%s  to %s%s%s\n", fw_ctype_name(c->type),
				    c->group_priority, c->priority,
				    c->action == ACCESS_ALLOW ? "Allow" :
				    "Deny", c->group, c->name, r->name, pr,
				    src, dst, ports[0] ? "  ports " : "",
				    ports);
			else
				printf("  %-11s %5d %-5s %s/%s  %s  from %s  to "
				    "%s%s%s\n", fw_ctype_name(c->type),
				    c->priority, c->action == ACCESS_ALLOW ?
				    "Allow" : "Deny", c->name, r->name, pr,
				    src, dst, ports[0] ? "  ports " : "",
				    ports);
		}
	}
	free(order);
	if (json) {
		if (rc != 0 || doc == NULL) {
			json_decref(doc);
			fputs("ftsim: out of memory\n", stderr);
			return -1;
		}
		return print_json(doc) == 0 ? 0 : -1;
	}
	return 0;
}
