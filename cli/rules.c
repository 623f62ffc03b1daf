/*
 * rules.c: `ftsim rules`, the effective security rules of a VM's NIC as
 * `az network nic list-effective-nsg` shows them (MODEL.md §6), then the
 * hidden platform rules Azure never lists, with whether each applies.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwrules.h"
#include "cli/help.h"
#include "cli/job.h"
#include "cli/rules.h"
#include "sim/nsg.h"
#include "sim/route.h"

/* Expanded prefixes shown per address cell in the text table. */
#define RULES_SHOWN 3

/*
 * One row of the listing: a user rule or a default rule, flattened to
 * what both outputs print. The strings point into the topology or into
 * static tables.
 */
struct erule {
	char name[300];			/* securityRules/X, defaultSecurityRules/X */
	unsigned proto;
	enum direction dir;
	enum access access;
	int priority;
	const struct addr_spec *src, *dst;	/* user rule; NULL: default */
	const struct port_spec *sports, *dports;
	const char *src_tag, *dst_tag;		/* default rule; NULL: any */
};

/* An NSG as the NIC sees it: which association, and its rules in
 * Azure's order (direction, then priority, default rules last). */
struct eassoc {
	const struct nsg *nsg;
	bool subnet;
	struct erule *r;
	size_t n;
};

static int
erule_cmp(const void *a, const void *b)
{
	const struct erule *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir == DIR_INBOUND ? -1 : 1;
	return (x->priority > y->priority) - (x->priority < y->priority);
}

static int
eassoc_build(const struct nsg *g, bool subnet, struct eassoc *a)
{
	static const enum direction dirs[2] = { DIR_INBOUND, DIR_OUTBOUND };
	size_t i, k, nd;

	memset(a, 0, sizeof(*a));
	a->nsg = g;
	a->subnet = subnet;
	if ((a->r = calloc(g->nrules + 6, sizeof(*a->r))) == NULL)
		return -ENOMEM;
	for (i = 0; i < g->nrules; i++) {
		const struct nsg_rule *u = &g->rules[i];
		struct erule *e = &a->r[a->n++];

		snprintf(e->name, sizeof(e->name), "securityRules/%s", u->name);
		e->proto = u->proto;
		e->dir = u->dir;
		e->access = u->access;
		e->priority = u->priority;
		e->src = &u->src;
		e->dst = &u->dst;
		e->sports = &u->sports;
		e->dports = &u->dports;
	}
	/* MODEL §5 default rules, after every user rule. */
	for (k = 0; k < 2; k++) {
		const struct nsg_default *d = nsg_defaults(dirs[k], &nd);

		for (i = 0; i < nd; i++) {
			struct erule *e = &a->r[a->n++];

			snprintf(e->name, sizeof(e->name),
				 "defaultSecurityRules/%s", d[i].name);
			e->proto = PROTO_ANY;
			e->dir = dirs[k];
			e->access = d[i].access;
			e->priority = d[i].priority;
			e->src_tag = d[i].src_tag;
			e->dst_tag = d[i].dst_tag;
		}
	}
	qsort(a->r, a->n, sizeof(*a->r), erule_cmp);
	return 0;
}

/* Protocol as the effective rules spell it: `*` is All. */
static const char *
eproto(unsigned proto)
{
	return proto == PROTO_ANY ? "All" : proto_name(proto);
}

static void
portrange_format(struct portrange r, char *buf, size_t len)
{
	snprintf(buf, len, "%u-%u", r.lo, r.hi);
}

/* The address items of one side of a rule, as Azure writes them: `*`
 * as 0.0.0.0/0, a tag by its name, a prefix in CIDR. */
static size_t
addr_items(const struct addr_spec *a, const char *tag, size_t i,
	   char *buf, size_t len, bool *is_tag)
{
	*is_tag = false;
	if (a == NULL) {
		*is_tag = tag != NULL;
		snprintf(buf, len, "%s", tag ? tag : "0.0.0.0/0");
		return 1;
	}
	if (a->any) {
		snprintf(buf, len, "0.0.0.0/0");
		return 1;
	}
	if (i < a->n) {
		*is_tag = a->items[i].is_tag;
		if (*is_tag)
			snprintf(buf, len, "%s", a->items[i].tag);
		else
			pfx_format(a->items[i].pfx, buf);
	}
	return a->n;
}

/* ------------------------------------------------------------ JSON */

static json_t *
json_ports(const struct port_spec *p)
{
	json_t *arr = json_array();
	char buf[16];
	size_t i;

	if (p == NULL) {
		json_array_append_new(arr, json_string("0-65535"));
		return arr;
	}
	for (i = 0; i < p->n; i++) {
		portrange_format(p->r[i], buf, sizeof(buf));
		json_array_append_new(arr, json_string(buf));
	}
	return arr;
}

/* The prefixes of one side and their expansion: null when no tag is
 * named (Azure's expandedSourceAddressPrefix is null then). */
static int
json_addr(const struct nsgctx *c, const struct addr_spec *a, const char *tag,
	  json_t **prefixes, json_t **expanded)
{
	char buf[PFX_STRLEN + 256];
	size_t i, n, k;
	bool is_tag, any_tag = false;
	json_t *exp = json_array();

	*prefixes = json_array();
	n = addr_items(a, tag, 0, buf, sizeof(buf), &is_tag);
	for (i = 0; i < n; i++) {
		(void)addr_items(a, tag, i, buf, sizeof(buf), &is_tag);
		json_array_append_new(*prefixes, json_string(buf));
		if (is_tag) {
			struct pfx *p;
			size_t np;
			int rc = nsg_tag_prefixes(c, buf, &p, &np);

			if (rc != 0) {
				json_decref(exp);
				json_decref(*prefixes);
				*prefixes = NULL;
				*expanded = NULL;
				return rc;
			}
			any_tag = true;
			for (k = 0; k < np; k++) {
				char pf[PFX_STRLEN];
				json_array_append_new(exp,
				    json_string(pfx_format(p[k], pf)));
			}
			free(p);
		} else {
			json_array_append_new(exp, json_string(buf));
		}
	}
	if (!any_tag) {
		json_decref(exp);
		exp = json_null();
	}
	*expanded = exp;
	return 0;
}

static json_t *
json_rule(const struct nsgctx *c, const struct erule *e)
{
	json_t *o, *sp, *dp, *sa = NULL, *da = NULL, *se = NULL, *de = NULL;

	if (json_addr(c, e->src, e->src_tag, &sa, &se) != 0 ||
	    json_addr(c, e->dst, e->dst_tag, &da, &de) != 0) {
		json_decref(sa);
		json_decref(se);
		json_decref(da);
		json_decref(de);
		return NULL;
	}
	o = json_object();
	sp = json_ports(e->sports);
	dp = json_ports(e->dports);
	/* The order and names of the REST API's EffectiveNetworkSecurityRule. */
	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "protocol", json_string(eproto(e->proto)));
	json_object_set(o, "sourcePortRange", json_array_get(sp, 0));
	json_object_set(o, "destinationPortRange", json_array_get(dp, 0));
	json_object_set_new(o, "sourcePortRanges", sp);
	json_object_set_new(o, "destinationPortRanges", dp);
	json_object_set(o, "sourceAddressPrefix", json_array_get(sa, 0));
	json_object_set(o, "destinationAddressPrefix", json_array_get(da, 0));
	json_object_set_new(o, "sourceAddressPrefixes", sa);
	json_object_set_new(o, "destinationAddressPrefixes", da);
	json_object_set_new(o, "expandedSourceAddressPrefix", se);
	json_object_set_new(o, "expandedDestinationAddressPrefix", de);
	json_object_set_new(o, "access", json_string(e->access == ACCESS_ALLOW
						     ? "Allow" : "Deny"));
	json_object_set_new(o, "priority", json_integer(e->priority));
	json_object_set_new(o, "direction", json_string(e->dir == DIR_INBOUND
							? "Inbound" : "Outbound"));
	return o;
}

/* ---------------------------------------------------- platform rules */

/* One sentence on the state of a platform rule for this NIC. */
static void
platform_why(const struct rtable *rt, const struct nsg_platform_info *pi,
	     char *buf, size_t len)
{
	const struct nsg_rule *r = pi->deny_rule;

	switch (pi->state) {
	case PLAT_ACTIVE:
		snprintf(buf, len, "allows its traffic before every rule "
			 "listed above, unlogged and unknown to IP flow verify "
			 "[nsg] [seed-002]%s%s%s", r ? "; deny rule " : "",
			 r ? r->name : "", r ? " names its tag but matches "
			 "none of its traffic" : "");
		return;
	case PLAT_NO_NSG:
		snprintf(buf, len, "no NSG on the NIC nor on the subnet: "
			 "everything is allowed, no rule decides [nsg]");
		return;
	case PLAT_OFF_BY_ROUTE:
		snprintf(buf, len, "the subnet's Active 0.0.0.0/0 (source %s) "
			 "goes to %s, not Internet: the KMS platform rule is "
			 "off under forced tunneling [nsg] (switch "
			 "lkm_off_with_forced_default)",
			 rt->dflt ? rt_source_name(rt->dflt->source) : "?",
			 rt->dflt ? nh_type_name(rt->dflt->nh) : "?");
		return;
	case PLAT_OFF_BY_RULE:
	case PLAT_PARTLY_OFF:
		snprintf(buf, len, "deny rule %s (NSG %s, priority %d) names "
			 "%s: %s [nsg]", r->name, pi->deny_nsg->name,
			 r->priority, pi->tag, pi->state == PLAT_OFF_BY_RULE ?
			 "the platform rule is off, its traffic meets the "
			 "rules above" : "the platform rule is off for the "
			 "packets that rule matches, on for the others");
		return;
	}
}

static const char *
plat_state_name(enum plat_state s)
{
	switch (s) {
	case PLAT_ACTIVE:	return "active";
	case PLAT_NO_NSG:	return "not-needed";
	case PLAT_OFF_BY_RULE:	return "off-by-rule";
	case PLAT_PARTLY_OFF:	return "partly-off-by-rule";
	case PLAT_OFF_BY_ROUTE:	return "off-by-route";
	}
	return "?";
}

static void
platform_proto(unsigned proto, char *buf, size_t len)
{
	snprintf(buf, len, "%s", proto == (PROTO_TCP | PROTO_UDP) ? "Tcp,Udp"
		 : proto_name(proto));
}

/* ------------------------------------------------------------- text */

/* One address cell: items joined by ", ", each tag followed by its
 * expansion, abbreviated to RULES_SHOWN prefixes unless full. */
static int
text_addr(FILE *f, const struct nsgctx *c, const struct addr_spec *a,
	  const char *tag, bool full)
{
	char buf[PFX_STRLEN + 256];
	size_t i, n, k;
	bool is_tag;

	n = addr_items(a, tag, 0, buf, sizeof(buf), &is_tag);
	for (i = 0; i < n; i++) {
		(void)addr_items(a, tag, i, buf, sizeof(buf), &is_tag);
		fprintf(f, "%s%s", i ? ", " : "", buf);
		if (is_tag) {
			struct pfx *p;
			size_t np, shown;
			int rc = nsg_tag_prefixes(c, buf, &p, &np);

			if (rc != 0)
				return rc;
			shown = full || np <= RULES_SHOWN + 1 ? np : RULES_SHOWN;
			fputs(" [", f);
			if (shown < np)
				fprintf(f, "%zu: ", np);
			for (k = 0; k < shown; k++) {
				char pf[PFX_STRLEN];
				fprintf(f, "%s%s", k ? " " : "",
					pfx_format(p[k], pf));
			}
			fputs(shown < np ? " ...]" : "]", f);
			free(p);
		}
	}
	return 0;
}

static void
text_ports(FILE *f, const struct port_spec *p)
{
	char buf[16];
	size_t i;

	if (p == NULL) {
		fputs("0-65535", f);
		return;
	}
	for (i = 0; i < p->n; i++) {
		portrange_format(p->r[i], buf, sizeof(buf));
		fprintf(f, "%s%s", i ? "," : "", buf);
	}
}

#define NCOL 9

/* The cells of one row, rendered through a memory stream. */
static int
text_cells(const struct nsgctx *c, const struct erule *e, bool full,
	   char *cell[NCOL])
{
	size_t len, i;
	FILE *f;
	int rc = 0;

	for (i = 0; i < NCOL; i++) {
		cell[i] = NULL;
		if ((f = open_memstream(&cell[i], &len)) == NULL)
			return -ENOMEM;
		switch (i) {
		case 0: fputs(e->dir == DIR_INBOUND ? "Inbound" : "Outbound", f);
			break;
		case 1: fprintf(f, "%d", e->priority); break;
		case 2: fputs(e->name, f); break;
		case 3: fputs(e->access == ACCESS_ALLOW ? "Allow" : "Deny", f);
			break;
		case 4: fputs(eproto(e->proto), f); break;
		case 5: rc = text_addr(f, c, e->src, e->src_tag, full); break;
		case 6: text_ports(f, e->sports); break;
		case 7: rc = text_addr(f, c, e->dst, e->dst_tag, full); break;
		case 8: text_ports(f, e->dports); break;
		}
		if (fclose(f) != 0 && rc == 0)
			rc = -ENOMEM;
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
text_assoc(FILE *out, const struct topo *t, const struct vm *v,
	   const struct nsgctx *c, const struct eassoc *a, bool full)
{
	static const char *const head[NCOL] = {
		"Direction", "Priority", "Name", "Access", "Protocol",
		"Source", "Source ports", "Destination", "Destination ports" };
	const struct subnet *sn = topo_vm_subnet(t, v);
	char *(*cells)[NCOL];
	size_t w[NCOL], i, k;
	int rc = 0;

	if ((cells = calloc(a->n, sizeof(*cells))) == NULL)
		return -ENOMEM;
	for (k = 0; k < NCOL; k++)
		w[k] = strlen(head[k]);
	for (i = 0; i < a->n && rc == 0; i++) {
		rc = text_cells(c, &a->r[i], full, cells[i]);
		for (k = 0; k < NCOL && rc == 0; k++)
			if (strlen(cells[i][k]) > w[k])
				w[k] = strlen(cells[i][k]);
	}
	if (rc == 0) {
		if (a->subnet)
			fprintf(out, "NSG %s, associated with subnet %s "
				"(VNet %s)\n", a->nsg->name, sn->name,
				t->vnets[v->vnet].name);
		else
			fprintf(out, "NSG %s, associated with the network "
				"interface of %s\n", a->nsg->name, v->name);
		for (k = 0; k < NCOL; k++)
			fprintf(out, "  %-*s",
				k + 1 < NCOL ? (int)w[k] : 0, head[k]);
		fputc('\n', out);
		for (k = 0; k < NCOL; k++) {
			size_t d;
			fputs("  ", out);
			for (d = 0; d < w[k]; d++)
				fputc('-', out);
		}
		fputc('\n', out);
		for (i = 0; i < a->n; i++) {
			for (k = 0; k < NCOL; k++)
				fprintf(out, "  %-*s", k + 1 < NCOL ?
					(int)w[k] : 0, cells[i][k]);
			fputc('\n', out);
		}
	}
	for (i = 0; i < a->n; i++)
		for (k = 0; k < NCOL; k++)
			free(cells[i][k]);
	free(cells);
	return rc;
}

static void
text_platform(FILE *out, const struct rtable *rt,
	      const struct nsg_platform_info *pi)
{
	char proto[16], ip[IP_STRLEN], why[600];
	size_t k;

	platform_proto(pi->proto, proto, sizeof(proto));
	fprintf(out, "  %-18s %-18s %-8s %-5u", pi->tag,
		plat_state_name(pi->state), proto, pi->port);
	for (k = 0; k < pi->ndst; k++)
		fprintf(out, " %s/32", ip_format(pi->dst[k], ip));
	fputc('\n', out);
	platform_why(rt, pi, why, sizeof(why));
	fprintf(out, "  %-18s why: %s\n", "", why);
}

/* ---------------------------------------------------------- command */

int
cmd_rules(int argc, char **argv)
{
	static const enum platform plats[3] = { PLAT_DNS, PLAT_IMDS, PLAT_LKM };
	const char *vmname = NULL, *fwname = NULL;
	bool json = false, full = false;
	struct eassoc as[2];
	struct nsg_platform_info pi[3];
	const struct nsgctx *c;
	const struct rtable *rt;
	const struct nsg *nic, *sub;
	const struct vm *v;
	struct job j;
	size_t na = 0, i, vm;
	int ch, rc = 0, status = 0;

	optind = 1;
	while ((ch = help_getopt("rules", argc, argv)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'f': full = true; break;
		case 'v': vmname = optarg; break;
		case 'F': fwname = optarg; break;
		case 'h': return 0;
		default: return EXIT_BADINPUT;
		}
	}
	if ((ch = help_operands("rules", argc, argv, 1, 1,
	    "scenario FILE")) != 0)
		return ch;
	if (vmname != NULL && fwname != NULL)
		return help_usage("rules", "--vm and --firewall exclude each "
		    "other");
	if (fwname != NULL) {
		/* MODEL §8 [fw-rules]: a firewall's rules. */
		size_t fi;

		if (job_load(&j, argv[optind]) != 0) {
			job_free(&j);
			return EXIT_BADINPUT;
		}
		diag_print(stderr, &j.diag);
		if ((fi = topo_firewall_find(&j.topo, fwname)) == TOPO_NONE) {
			fprintf(stderr, "ftsim: %s: no firewall '%s'\n",
			    j.topo.file, fwname);
			status = EXIT_BADINPUT;
		} else if (fwrules_print(&j.topo, fi, json) != 0)
			status = EXIT_BADINPUT;
		job_free(&j);
		return status;
	}
	if (vmname == NULL)
		return help_usage("rules", "missing --vm NAME");
	if (job_load(&j, argv[optind]) != 0 ||
	    (vm = job_vm(&j, vmname)) == TOPO_NONE) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	diag_print(stderr, &j.diag);	/* warnings */
	v = &j.topo.vms[vm];
	c = sim_nsgctx(j.sim, v->vnet, v->subnet);
	rt = sim_rtable(j.sim, v->vnet, v->subnet);
	nic = v->nsg != TOPO_NONE ? &j.topo.nsgs[v->nsg] : NULL;
	sub = topo_vm_subnet(&j.topo, v)->nsg != TOPO_NONE ?
	    &j.topo.nsgs[topo_vm_subnet(&j.topo, v)->nsg] : NULL;
	/* One entry per association, NIC first (the outbound order). */
	if (nic != NULL && (rc = eassoc_build(nic, false, &as[na])) == 0)
		na++;
	if (rc == 0 && sub != NULL &&
	    (rc = eassoc_build(sub, true, &as[na])) == 0)
		na++;
	for (i = 0; i < 3; i++)
		nsg_platform_info(c, nic, sub, plats[i], &pi[i]);

	if (rc == 0 && json) {
		json_t *value = json_array(), *hidden = json_array();

		for (i = 0; i < na && rc == 0; i++) {
			json_t *rules = json_array(), *assoc;
			size_t k;

			for (k = 0; k < as[i].n && rc == 0; k++) {
				json_t *r = json_rule(c, &as[i].r[k]);
				if (r == NULL)
					rc = -ENOMEM;
				json_array_append_new(rules, r);
			}
			assoc = as[i].subnet ?
			    json_pack("{s:{s:s, s:s}}", "subnet", "name",
				      topo_vm_subnet(&j.topo, v)->name, "vnet",
				      j.topo.vnets[v->vnet].name) :
			    json_pack("{s:{s:s}}", "networkInterface", "name",
				      v->name);
			json_array_append_new(value, json_pack("{s:{s:s}, s:o, "
			    "s:o}", "networkSecurityGroup", "name",
			    as[i].nsg->name, "association", assoc,
			    "effectiveSecurityRules", rules));
		}
		for (i = 0; i < 3; i++) {
			json_t *dst = json_array();
			char proto[16], why[600], ip[IP_STRLEN + 3];
			size_t k;

			for (k = 0; k < pi[i].ndst; k++) {
				ip_format(pi[i].dst[k], ip);
				strcat(ip, "/32");
				json_array_append_new(dst, json_string(ip));
			}
			platform_proto(pi[i].proto, proto, sizeof(proto));
			platform_why(rt, &pi[i], why, sizeof(why));
			json_array_append_new(hidden, json_pack("{s:s, s:s, "
			    "s:s, s:i, s:o, s:b, s:s, s:s?, s:s}", "name",
			    pi[i].tag, "direction", "Outbound", "protocol",
			    proto, "destinationPort", (int)pi[i].port,
			    "destinationAddressPrefixes", dst, "active",
			    pi[i].state == PLAT_ACTIVE || pi[i].state ==
			    PLAT_PARTLY_OFF, "state",
			    plat_state_name(pi[i].state), "denyRule",
			    pi[i].deny_rule ? pi[i].deny_rule->name : NULL,
			    "why", why));
		}
		if (rc == 0) {
			if (print_json(json_pack("{s:o, s:o}", "value", value,
			    "hiddenPlatformRules", hidden)) != 0)
				status = EXIT_BADINPUT;
		} else {
			json_decref(value);
			json_decref(hidden);
		}
	} else if (rc == 0) {
		char ip[IP_STRLEN], *text = NULL;
		size_t len = 0;
		FILE *mem;

		/* Rendered whole before anything is printed. */
		if ((mem = open_memstream(&text, &len)) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		fprintf(mem, "Effective security rules of %s (%s), subnet %s of "
		       "VNet %s\n", v->name, ip_format(v->ip, ip),
		       topo_vm_subnet(&j.topo, v)->name,
		       j.topo.vnets[v->vnet].name);
		if (na == 0)
			fprintf(mem, "\nNo NSG on the network interface nor on the "
			       "subnet: every packet is allowed [nsg].\n");
		for (i = 0; i < na && rc == 0; i++) {
			fputc('\n', mem);
			rc = text_assoc(mem, &j.topo, v, c, &as[i], full);
		}
		if (rc == 0) {
			fprintf(mem, "\nHidden platform rules (outbound, evaluated "
			       "before the NSG rules; Azure lists none of "
			       "them)\n");
			for (i = 0; i < 3; i++)
				text_platform(mem, rt, &pi[i]);
		}
		if (fclose(mem) != 0 && rc == 0)
			rc = -ENOMEM;
		if (rc == 0)
			fwrite(text, 1, len, stdout);
		free(text);
	}
out:
	if (rc != 0) {
		if (rc == -ENOMEM)
			diag_set_oom();
		fprintf(stderr, "ftsim: %s\n", rc == -ENOMEM ? "out of memory"
			: "internal error: unknown tag");
		status = EXIT_BADINPUT;
	}
	for (i = 0; i < na; i++)
		free(as[i].r);
	job_free(&j);
	return status;
}
