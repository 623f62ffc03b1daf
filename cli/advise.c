/*
 * advise.c: `ftsim advise`: which source-sensitive services (KMS, SUSE)
 * and platform services (DNS, IMDS) each VM reaches, why not, and the
 * fix that disturbs least, proven by the exhaustive what-if.
 *
 *   ftsim advise [--json] [-o CHANGE.yaml] [--services LIST] FILE
 *
 * Data flows one way: the scenario is loaded (topology), every VM class
 * probes every service through the engine (sim_decide), candidate fixes
 * are change files (topology/change.h) written by yamlout_change, read
 * back, applied to a copy of the scenario and proven with whatif_run
 * (sim/whatif.h) against the base; only a fix whose proof shows nothing
 * changed but the service addresses is kept. The result is one JSON
 * document, printed as it is (--json) or as text.
 *
 * Exit codes: 0 every service works for every VM, 1 something is broken
 * (whether or not a fix was found), 2 bad input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "capture/outfile.h"
#include "cli/advise.h"
#include "cli/help.h"
#include "cli/job.h"
#include "sim/nsg.h"
#include "sim/route.h"
#include "sim/services.h"
#include "sim/whatif.h"
#include "topology/change.h"
#include "topology/names.h"
#include "topology/yamlout.h"

#define MAX_TARGETS 32
#define SPORT 49152		/* the probes' source port, as whatif's */
#define AZURE_MAX_ROUTES 400	/* UDRs per route table (docs/format.md) */
#define USER_PRIO_MIN 100
#define USER_PRIO_MAX 4096

enum { W_KMS = 1, W_SUSE = 2, W_DNS = 4, W_IMDS = 8 };

/* VMs that share a subnet, a NIC NSG and their outbound addresses: one
 * probe answers for all. */
struct vclass {
	size_t rep;
	size_t *members;
	size_t n;
};

/* The base with a change applied: the change as read back from the text
 * written, the topology and its engine. */
struct cand {
	struct change ch;
	struct topo *t;			/* on the heap: the engine points
					 * at it, the struct moves */
	struct sim *s;
	char *yaml;
	size_t len;
	bool built;
};

enum kind { K_ROUTE, K_NSG, K_REMOVE_DENY, K_ROUTE_NSG, K_FIREWALL,
	    K_FILTER, K_COUNT };
static const char *const kind_names[] = { "route", "nsg-rule",
	"remove-deny", "route+nsg-rule", "firewall-rule", "route-filter" };

struct adv {
	const char *file;		/* as named */
	const char *chname;		/* the change file's name */
	const struct topo *tb;
	struct sim *sb;
	struct svc_probe tg[MAX_TARGETS];
	size_t ntg;
	struct vclass *cls;
	size_t ncls;
	bool *broken0;			/* [class * ntg + target], the base */
	struct cand cur;		/* the fixes kept so far */
	struct flow_result *r;
	json_t *doc, *fixes, *unfixed;
	char *err;			/* why a candidate did not apply */
};

/*
 * Small helpers.
 */

static char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

static char * __attribute__((format(printf, 1, 2)))
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Append to a growing string (NULL stays NULL: out of memory). */
static void __attribute__((format(printf, 2, 3)))
cat(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *n;

	if (*s == NULL)
		return;
	va_start(ap, fmt);
	add = xvasprintf(fmt, ap);
	va_end(ap);
	n = add != NULL ? xasprintf("%s%s", *s, add) : NULL;
	free(add);
	free(*s);
	*s = n;
}

static const struct topo *
ctopo(const struct adv *a)
{
	return a->cur.built ? a->cur.t : a->tb;
}

static struct sim *
csim(const struct adv *a)
{
	return a->cur.built ? a->cur.s : a->sb;
}

static void
cand_free(struct cand *c)
{
	if (!c->built)
		return;
	sim_free(c->s);
	topo_free(c->t);
	free(c->t);
	change_free(&c->ch);
	free(c->yaml);
	memset(c, 0, sizeof(*c));
}

/*
 * Services.
 */

/* Whether the scenario names a SUSE update server: a flow or a dns:
 * entry that resolves to one. */
static bool
names_suse(const struct topo *t)
{
	const struct service *s;
	uint32_t ips[16];
	size_t i, k, n;

	for (i = 0; i < t->nflows; i++) {
		n = dns_resolve(t, t->flows[i].to, ips, 16, NULL);
		for (k = 0; k < n; k++)
			if ((s = service_at(t, ips[k])) != NULL &&
			    s->kind == SVC_SUSE)
				return true;
	}
	for (i = 0; i < t->ndns; i++)
		for (k = 0; k < t->dns[i].nips; k++)
			if ((s = service_at(t, t->dns[i].ips[k])) != NULL &&
			    s->kind == SVC_SUSE)
				return true;
	return false;
}

static size_t
targets(const struct topo *t, unsigned want, struct svc_probe *tg)
{
	uint32_t ips[16];
	size_t i, k, n = 0;

	if (want & W_KMS) {
		k = kms_addresses(t, ips, 16);
		for (i = 0; i < k; i++)
			n = svc_probe_add(tg, n, MAX_TARGETS, t, ips[i]);
	}
	if (want & W_SUSE) {
		k = dns_resolve(t, "smt-azure.susecloud.net", ips, 16, NULL);
		for (i = 0; i < k; i++)
			n = svc_probe_add(tg, n, MAX_TARGETS, t, ips[i]);
	}
	if (want & W_DNS)
		n = svc_probe_add(tg, n, MAX_TARGETS, t, AZURE_DNS_IP);
	if (want & W_IMDS)
		n = svc_probe_add(tg, n, MAX_TARGETS, t, AZURE_IMDS_IP);
	return n;
}

/* --services kms,suse,dns,imds: the bits, or 0 after a usage error. */
static unsigned
parse_services(const char *s)
{
	static const char *const names[] = { "kms", "suse", "dns", "imds" };
	char *copy = strdup(s), *tok, *save = NULL;
	unsigned bits = 0, i;

	if (copy == NULL)
		return 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < 4; i++)
			if (strcasecmp(tok, names[i]) == 0)
				break;
		if (i == 4) {
			help_usage("advise", "--services: no service '%s' "
			    "(kms, suse, dns, imds)", tok);
			free(copy);
			return 0;
		}
		bits |= 1u << i;
	}
	free(copy);
	if (bits == 0)
		help_usage("advise", "--services: name at least one service");
	return bits;
}

/*
 * Probes.
 */

static int
probe(struct sim *s, size_t vm, const struct svc_probe *tg,
    struct flow_result *r)
{
	char to[IP_STRLEN];
	struct flow f;

	memset(&f, 0, sizeof(f));
	ip_format(tg->ip, to);
	f.name = (char *)"advise";
	f.to = to;
	f.vm = vm;
	f.proto = tg->proto;
	f.port = tg->port;
	f.has_sport = true;
	f.sport = SPORT;
	return sim_decide(s, &f, r);
}

static bool
is_broken(const struct flow_result *r)
{
	return !r->delivered || r->activation == ACT_REFUSED ||
	    (r->replied && !r->reply_delivered);
}

/* The route VM vm's subnet picks for dst, as `ftsim nexthop` names it. */
static void
route_text(const struct topo *t, struct sim *s, size_t vm, uint32_t dst,
    char **out)
{
	const struct vm *v = &t->vms[vm];
	const struct rtable *rt = sim_rtable(s, v->vnet, v->subnet);
	char ip[IP_STRLEN], pf[PFX_STRLEN];
	struct route_hit hit;
	size_t i;

	cat(out, "route at %s: ", t->vnets[v->vnet].subnets[v->subnet].name);
	if (rt == NULL || rtable_lookup(rt, dst, 0, &hit) != 0) {
		cat(out, "none");
		return;
	}
	cat(out, "%s", nh_type_name(hit.r->nh));
	for (i = 0; i < hit.r->nnh; i++)
		cat(out, "%s%s", i ? "," : " ", ip_format(hit.r->nh_ips[i], ip));
	cat(out, " (%s %s", rt_source_name(hit.r->source),
	    pfx_format(hit.r->pfx, pf));
	if (hit.r->table != NULL)
		cat(out, " in %s", hit.r->table);
	cat(out, ")");
}

/* Works or broken, and why, in one line: the hop and the rule or route
 * that decided. */
static char *
why_line(const struct topo *t, struct sim *s, size_t vm,
    const struct svc_probe *tg, const struct flow_result *r)
{
	char ip[IP_STRLEN], *w = strdup("");
	const struct firewall *fw;
	const struct fwrec *fr;
	bool routed = tg->kind == SVC_KMS || tg->kind == SVC_SUSE;

	if (!r->delivered) {
		cat(&w, "dropped (%s)", r->drop_reason != NULL ?
		    r->drop_reason : "unknown");
		if (r->npath > 0)
			cat(&w, " at %s", fr_str(r, r->path[r->npath - 1]));
		if (r->nsg_rule != 0 && r->drop_reason != NULL &&
		    strcmp(r->drop_reason, "nsg-deny") == 0)
			cat(&w, " by NSG rule %s", fr_str(r, r->nsg_rule));
		if (r->nfw > 0 && !(fr = &r->fw[r->nfw - 1])->allow &&
		    fr->fw < t->nfirewalls) {
			fw = &t->firewalls[fr->fw];
			if (fr->coll == UINT32_MAX)
				cat(&w, ": no rule of %s allows it", fw->name);
			else if (fr->coll < fw->ncolls)
				cat(&w, " by rule collection %s",
				    fw->colls[fr->coll].name);
		}
	} else if (r->activation == ACT_REFUSED) {
		cat(&w, "refused: source seen %s (%s)",
		    ip_format(r->source_seen, ip),
		    srcclass_name(r->source_class));
	} else if (r->replied && !r->reply_delivered) {
		cat(&w, "answer lost (%s)", r->reply_drop_reason != NULL ?
		    r->reply_drop_reason : "unknown");
	} else if (routed) {
		cat(&w, "%s", r->activation == ACT_ACCEPTED ? "accepted" :
		    "answered");
		if (r->has_source_seen)
			cat(&w, ": source seen %s (%s)",
			    ip_format(r->source_seen, ip),
			    srcclass_name(r->source_class));
	} else {
		cat(&w, "answered by the host");
		if (r->nsg_rule != 0)
			cat(&w, ", allowed by %s%s", fr_str(r, r->nsg_rule),
			    r->nsg_rule_hidden ? " (platform rule)" : "");
	}
	if (routed) {
		cat(&w, "; ");
		route_text(t, s, vm, tg->ip, &w);
	}
	return w;
}

/* VM classes: same subnet, NIC NSG and outbound addresses. */
static bool
same_class(const struct vm *a, const struct vm *b)
{
	return a->vnet == b->vnet && a->subnet == b->subnet &&
	    a->nsg == b->nsg && a->has_public_ip == b->has_public_ip &&
	    (!a->has_public_ip || a->public_ip == b->public_ip) &&
	    a->has_lb_outbound_ip == b->has_lb_outbound_ip &&
	    (!a->has_lb_outbound_ip || a->lb_outbound_ip ==
	     b->lb_outbound_ip) && a->ip_forwarding == b->ip_forwarding &&
	    a->snat == b->snat && !a->ip_forwarding;
}

static int
make_classes(struct adv *a)
{
	const struct topo *t = a->tb;
	size_t i, k;

	if ((a->cls = calloc(t->nvms + 1, sizeof(*a->cls))) == NULL)
		return -ENOMEM;
	for (i = 0; i < t->nvms; i++) {
		for (k = 0; k < a->ncls; k++)
			if (same_class(&t->vms[a->cls[k].rep], &t->vms[i]))
				break;
		if (k == a->ncls) {
			a->cls[k].rep = i;
			if ((a->cls[k].members = calloc(t->nvms,
			    sizeof(size_t))) == NULL)
				return -ENOMEM;
			a->ncls++;
		}
		a->cls[k].members[a->cls[k].n++] = i;
	}
	return 0;
}

/*
 * Candidates: a change built in memory, written as a change file, read
 * back and applied to the base with the fixes kept so far.
 */

static struct change_op *
op_new(struct change *c, enum change_kind k)
{
	struct change_op *n = realloc(c->ops, (c->nops + 1) * sizeof(*n));

	if (n == NULL)
		return NULL;
	c->ops = n;
	memset(&n[c->nops], 0, sizeof(*n));
	n[c->nops].kind = k;
	return &n[c->nops++];
}

static int
ref(struct change_ref *r, const char *name)
{
	return (r->name = strdup(name)) == NULL ? -ENOMEM : 0;
}

/* The diagnostics of d as one line (the first message). */
static char *
diag_line(const struct diag *d)
{
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (d->n > 0)
		diag_print_msg(f, &d->msgs[0]);
	fclose(f);
	if (buf != NULL && (nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	return buf;
}

/* Build the base + the kept fixes + extra into c. 0, 1 when it does not
 * apply (a->err says why), or a negative errno. */
static int
cand_build(struct adv *a, const struct change *extra, struct cand *c)
{
	const char *comments[] = { NULL, NULL, NULL };
	struct change all;
	struct diag d;
	size_t nc = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	memset(&all, 0, sizeof(all));
	all.name = (char *)"advise";
	all.description = NULL;
	all.nops = a->cur.ch.nops + (extra != NULL ? extra->nops : 0);
	if (all.nops > 0 && (all.ops = calloc(all.nops,
	    sizeof(*all.ops))) == NULL)
		return -ENOMEM;
	if (a->cur.ch.nops > 0)
		memcpy(all.ops, a->cur.ch.ops, a->cur.ch.nops *
		    sizeof(*all.ops));
	if (extra != NULL && extra->nops > 0)
		memcpy(all.ops + a->cur.ch.nops, extra->ops, extra->nops *
		    sizeof(*all.ops));
	comments[nc++] = "Written by ftsim advise: the fixes it proved with "
	    "the exhaustive what-if";
	comments[nc++] = a->file;
	rc = yamlout_change(&all, comments, nc, &c->yaml, &c->len);
	free(all.ops);
	if (rc != 0)
		return rc;
	if ((c->t = calloc(1, sizeof(*c->t))) == NULL) {
		free(c->yaml);
		return -ENOMEM;
	}
	diag_init(&d);
	free(a->err);
	a->err = NULL;
	if (change_parse(a->chname, c->yaml, c->len, &c->ch, &d) != 0) {
		a->err = diag_line(&d);
		free(c->yaml);
		free(c->t);
		diag_free(&d);
		memset(c, 0, sizeof(*c));
		return 1;
	}
	if (change_apply(&c->ch, a->tb, c->t, &d) != 0) {
		a->err = diag_line(&d);
		change_free(&c->ch);
		free(c->yaml);
		free(c->t);
		diag_free(&d);
		memset(c, 0, sizeof(*c));
		return 1;
	}
	if (nsg_check_tags(c->t, &d) != 0 ||
	    sim_new_derived(a->sb, c->t, &c->ch, &d, &c->s) != 0) {
		a->err = diag_line(&d);
		topo_free(c->t);
		free(c->t);
		change_free(&c->ch);
		free(c->yaml);
		diag_free(&d);
		memset(c, 0, sizeof(*c));
		return 1;
	}
	diag_free(&d);
	c->built = true;
	return 0;
}

/* A name not yet taken by any of n strings at stride (a route, a table,
 * a rule): base, then base-2, base-3, ... */
static char *
fresh_name(const char *base, bool (*taken)(const void *ctx,
    const char *name), const void *ctx)
{
	char *n = strdup(base);
	int i;

	for (i = 2; n != NULL && taken(ctx, n); i++) {
		free(n);
		n = xasprintf("%s-%d", base, i);
	}
	return n;
}

struct rt_ctx {
	const struct topo *t;
	const struct route_table *rt;
	const struct change *extra;
};

static bool
rtable_taken(const void *ctx, const char *name)
{
	const struct rt_ctx *c = ctx;

	return topo_rtable_find(c->t, name) != TOPO_NONE;
}

static bool
route_taken(const void *ctx, const char *name)
{
	const struct rt_ctx *c = ctx;
	size_t i;

	for (i = 0; i < c->rt->nroutes; i++)
		if (strcasecmp(c->rt->routes[i].name, name) == 0)
			return true;
	return false;
}

static void
ipname(const struct svc_probe *tg, char *buf, size_t len)
{
	char ip[IP_STRLEN], *p;

	ip_format(tg->ip, ip);
	for (p = ip; *p != '\0'; p++)
		if (*p == '.')
			*p = '-';
	snprintf(buf, len, "%s-%s", tg->name, ip);
}

/* /32 routes to Internet for the source-checking services of x in the
 * route table VM vm's subnet uses, or in a new table associated with it.
 * 0 and ops added to extra; 1 with *why when none applies. */
static int
gen_route(struct adv *a, size_t vm, const struct svc_probe *const *x,
    size_t nx, struct change *extra, char **why)
{
	const struct topo *t = ctopo(a);
	const struct vm *v = &t->vms[vm];
	const struct vnet *vn = &t->vnets[v->vnet];
	const struct subnet *sn = &vn->subnets[v->subnet];
	struct route_table *nrt = NULL;
	struct change_op *op;
	struct rt_ctx rc = { t, NULL, extra };
	char name[64], *tname;
	size_t i, k, nadd = 0;

	for (i = 0; i < nx; i++)
		nadd += x[i]->kind == SVC_KMS || x[i]->kind == SVC_SUSE;
	if (nadd == 0) {
		*why = strdup("not routed: the host answers it");
		return 1;
	}
	if (sn->route_table != TOPO_NONE) {
		rc.rt = &t->rtables[sn->route_table];
		if (rc.rt->nroutes + nadd > AZURE_MAX_ROUTES) {
			*why = xasprintf("route table %s holds %zu routes; "
			    "%zu more would pass Azure's limit of %d",
			    rc.rt->name, rc.rt->nroutes, nadd,
			    AZURE_MAX_ROUTES);
			return 1;
		}
		nadd = 0;
		for (i = 0; i < nx; i++) {
			struct pfx p = pfx_make(x[i]->ip, 32);
			char *rn;

			if (x[i]->kind != SVC_KMS && x[i]->kind != SVC_SUSE)
				continue;
			for (k = 0; k < rc.rt->nroutes; k++)
				if (pfx_equal(rc.rt->routes[k].pfx, p))
					break;
			if (k < rc.rt->nroutes)
				continue;
			ipname(x[i], name, sizeof(name));
			if ((rn = fresh_name(name, route_taken, &rc)) == NULL ||
			    (op = op_new(extra, CH_ADD_ROUTE)) == NULL ||
			    ref(&op->route_table, rc.rt->name) != 0) {
				free(rn);
				return -ENOMEM;
			}
			op->route.name = rn;
			op->route.pfx = p;
			op->route.nh = NH_INTERNET;
			nadd++;
		}
		if (nadd == 0) {
			*why = xasprintf("route table %s already has a /32 "
			    "route for each", rc.rt->name);
			return 1;
		}
		return 0;
	}
	snprintf(name, sizeof(name), "%s-service-routes", sn->name);
	if ((tname = fresh_name(name, rtable_taken, &rc)) == NULL ||
	    (op = op_new(extra, CH_ADD_ROUTE_TABLE)) == NULL) {
		free(tname);
		return -ENOMEM;
	}
	nrt = &op->rtable;
	nrt->name = tname;
	if ((nrt->routes = calloc(nadd, sizeof(*nrt->routes))) == NULL)
		return -ENOMEM;
	for (i = 0; i < nx; i++) {
		if (x[i]->kind != SVC_KMS && x[i]->kind != SVC_SUSE)
			continue;
		ipname(x[i], name, sizeof(name));
		if ((nrt->routes[nrt->nroutes].name = strdup(name)) == NULL)
			return -ENOMEM;
		nrt->routes[nrt->nroutes].pfx = pfx_make(x[i]->ip, 32);
		nrt->routes[nrt->nroutes++].nh = NH_INTERNET;
	}
	if ((op = op_new(extra, CH_ASSOCIATE_ROUTE_TABLE)) == NULL ||
	    ref(&op->vnet, vn->name) != 0 || ref(&op->subnet, sn->name) != 0 ||
	    ref(&op->route_table, tname) != 0)
		return -ENOMEM;
	return 0;
}

/* The NSG of VM vm (its NIC's, then its subnet's: outbound order) that
 * holds an outbound rule named name; else the first of them there is. */
static size_t
nsg_holding(const struct topo *t, size_t vm, const char *name,
    size_t *rule)
{
	const struct vm *v = &t->vms[vm];
	size_t order[2] = { v->nsg,
	    t->vnets[v->vnet].subnets[v->subnet].nsg }, i, k;

	*rule = TOPO_NONE;
	for (i = 0; i < 2; i++) {
		if (order[i] == TOPO_NONE)
			continue;
		for (k = 0; k < t->nsgs[order[i]].nrules; k++) {
			const struct nsg_rule *r = &t->nsgs[order[i]].rules[k];

			if (r->dir == DIR_OUTBOUND && strcmp(r->name,
			    name) == 0) {
				*rule = k;
				return order[i];
			}
		}
	}
	return order[0] != TOPO_NONE ? order[0] : order[1];
}

static bool
prio_used(const struct nsg *n, const struct change *extra, const char *nsg,
    int p)
{
	size_t i;

	for (i = 0; i < n->nrules; i++)
		if (n->rules[i].dir == DIR_OUTBOUND && n->rules[i].priority == p)
			return true;
	for (i = 0; i < extra->nops; i++)
		if (extra->ops[i].kind == CH_ADD_NSG_RULE &&
		    strcmp(extra->ops[i].nsg.name, nsg) == 0 &&
		    extra->ops[i].rule.priority == p)
			return true;
	return false;
}

struct nsg_ctx {
	const struct nsg *n;
	const struct change *extra;
};

static bool
rule_taken(const void *ctx, const char *name)
{
	const struct nsg_ctx *c = ctx;
	size_t i;

	for (i = 0; i < c->n->nrules; i++)
		if (strcasecmp(c->n->rules[i].name, name) == 0)
			return true;
	for (i = 0; i < c->extra->nops; i++)
		if (c->extra->ops[i].kind == CH_ADD_NSG_RULE &&
		    strcasecmp(c->extra->ops[i].rule.name, name) == 0)
			return true;
	return false;
}

static const char *
rule_base_name(enum svc_kind k)
{
	switch (k) {
	case SVC_KMS: return "Allow-KMS-Outbound";
	case SVC_SUSE: return "Allow-SUSE-Outbound";
	case SVC_DNS: return "Allow-AzureDNS-Outbound";
	default: return "Allow-IMDS-Outbound";
	}
}

/* Is the rule a deny whose destination names platform tags only? */
static bool
platform_deny(const struct nsg_rule *r)
{
	size_t i;

	if (r->access != ACCESS_DENY || r->dst.any || r->dst.n == 0)
		return false;
	for (i = 0; i < r->dst.n; i++)
		if (!r->dst.items[i].is_tag || strncasecmp(r->dst.items[i].tag,
		    "AzurePlatform", 13) != 0)
			return false;
	return true;
}

/*
 * NSG fixes for the targets of x that t (engine s) drops by an NSG rule
 * at VM vm: an allow rule for the service's port and addresses at the
 * first free priority above the blocking rule (remove: the blocking rule
 * itself, when it is a deny of platform tags only). 0 and ops added; 1
 * with *why when none applies.
 */
static int
gen_nsg(struct adv *a, const struct topo *t, struct sim *s, size_t vm,
    const struct svc_probe *const *x, size_t nx, bool remove,
    struct change *extra, char **why)
{
	struct change_op *op;
	size_t i, k, ni, ri, added = 0;
	int rc;

	for (i = 0; i < nx; i++) {
		const struct nsg *n;
		const struct nsg_rule *blk = NULL;
		struct nsg_ctx nc;
		char *rname;
		int p, from;

		if ((rc = probe(s, vm, x[i], a->r)) != 0)
			return rc;
		if (a->r->delivered || a->r->drop_reason == NULL ||
		    strcmp(a->r->drop_reason, "nsg-deny") != 0)
			continue;
		if ((ni = nsg_holding(t, vm, fr_str(a->r, a->r->nsg_rule), &ri)) ==
		    TOPO_NONE)
			continue;
		n = &t->nsgs[ni];
		if (ri != TOPO_NONE)
			blk = &n->rules[ri];
		if (remove) {
			if (blk == NULL || !platform_deny(blk)) {
				if (*why == NULL)
					*why = xasprintf("%s is not a deny "
					    "of platform tags only",
					    fr_str(a->r, a->r->nsg_rule));
				continue;
			}
			for (k = 0; k < extra->nops; k++)
				if (extra->ops[k].kind == CH_REMOVE_NSG_RULE &&
				    strcmp(extra->ops[k].name.name,
				    blk->name) == 0 && strcmp(
				    extra->ops[k].nsg.name, n->name) == 0)
					break;
			if (k < extra->nops)
				continue;
			if ((op = op_new(extra, CH_REMOVE_NSG_RULE)) == NULL ||
			    ref(&op->nsg, n->name) != 0 ||
			    ref(&op->name, blk->name) != 0)
				return -ENOMEM;
			added++;
			continue;
		}
		/* One rule per NSG and service kind: extend it. */
		for (k = 0; k < extra->nops; k++) {
			struct change_op *o = &extra->ops[k];
			struct addr_item *it;

			if (o->kind != CH_ADD_NSG_RULE ||
			    strcmp(o->nsg.name, n->name) != 0 ||
			    strncmp(o->rule.name, rule_base_name(x[i]->kind),
			    strlen(rule_base_name(x[i]->kind))) != 0 ||
			    o->rule.dports.r[0].lo != x[i]->port)
				continue;
			if ((it = realloc(o->rule.dst.items, (o->rule.dst.n +
			    1) * sizeof(*it))) == NULL)
				return -ENOMEM;
			o->rule.dst.items = it;
			memset(&it[o->rule.dst.n], 0, sizeof(*it));
			it[o->rule.dst.n++].pfx = pfx_make(x[i]->ip, 32);
			break;
		}
		if (k < extra->nops) {
			added++;
			continue;
		}
		from = blk != NULL ? blk->priority - 1 : USER_PRIO_MAX;
		if (from > USER_PRIO_MAX)
			from = USER_PRIO_MAX;
		for (p = from; p >= USER_PRIO_MIN; p--)
			if (!prio_used(n, extra, n->name, p))
				break;
		if (p < USER_PRIO_MIN) {
			if (*why == NULL)
				*why = xasprintf("no priority above %s (%d) "
				    "is free in %s", fr_str(a->r, a->r->nsg_rule),
				    blk != NULL ? blk->priority : 65500,
				    n->name);
			continue;
		}
		nc.n = n;
		nc.extra = extra;
		if ((rname = fresh_name(rule_base_name(x[i]->kind),
		    rule_taken, &nc)) == NULL ||
		    (op = op_new(extra, CH_ADD_NSG_RULE)) == NULL) {
			free(rname);
			return -ENOMEM;
		}
		op->rule.name = rname;
		if (ref(&op->nsg, n->name) != 0 ||
		    (op->rule.dst.items = calloc(1,
		    sizeof(struct addr_item))) == NULL ||
		    (op->rule.sports.r = calloc(1,
		    sizeof(struct portrange))) == NULL ||
		    (op->rule.dports.r = calloc(1,
		    sizeof(struct portrange))) == NULL)
			return -ENOMEM;
		op->rule.priority = p;
		op->rule.dir = DIR_OUTBOUND;
		op->rule.access = ACCESS_ALLOW;
		op->rule.proto = x[i]->kind == SVC_DNS ? PROTO_ANY :
		    PROTO_TCP;
		op->rule.src.any = true;
		op->rule.dst.n = 1;
		op->rule.dst.items[0].pfx = pfx_make(x[i]->ip, 32);
		op->rule.sports.n = 1;
		op->rule.sports.r[0] = (struct portrange){ 0, 65535 };
		op->rule.dports.n = 1;
		op->rule.dports.r[0] = (struct portrange){ x[i]->port,
		    x[i]->port };
		added++;
	}
	if (added == 0 && *why == NULL)
		*why = strdup("no NSG drops it");
	return added > 0 ? 0 : 1;
}

/* A network rule collection on the Azure Firewall that denies the
 * targets of x: TCP to their addresses and port from the VM's subnet. */
static int
gen_firewall(struct adv *a, size_t vm, const struct svc_probe *const *x,
    size_t nx, struct change *extra, char **why)
{
	const struct topo *t = ctopo(a);
	const struct vm *v = &t->vms[vm];
	const struct firewall *fw = NULL;
	struct change_op *op = NULL;
	struct fw_rule *r;
	size_t i, k;
	int rc, p;

	for (i = 0; i < nx; i++) {
		if ((rc = probe(csim(a), vm, x[i], a->r)) != 0)
			return rc;
		if (a->r->delivered || a->r->nfw == 0 ||
		    a->r->fw[a->r->nfw - 1].allow ||
		    a->r->fw[a->r->nfw - 1].fw >= t->nfirewalls)
			continue;
		if (fw == NULL) {
			fw = &t->firewalls[a->r->fw[a->r->nfw - 1].fw];
			for (p = USER_PRIO_MIN; p <= 65000; p++) {
				for (k = 0; k < fw->ncolls; k++)
					if (fw->colls[k].type == FWC_NETWORK &&
					    fw->colls[k].priority == p)
						break;
				if (k == fw->ncolls)
					break;
			}
			if ((op = op_new(extra, CH_ADD_FIREWALL_RULE)) ==
			    NULL || ref(&op->firewall, fw->name) != 0 ||
			    (op->coll.name = xasprintf("allow-%s-advise",
			    x[i]->name)) == NULL ||
			    (op->coll.rules = calloc(1, sizeof(*r))) == NULL)
				return -ENOMEM;
			op->coll.type = FWC_NETWORK;
			op->coll.priority = p;
			op->coll.action = ACCESS_ALLOW;
			for (k = 0; k < fw->ncolls; k++)
				if (fw->colls[k].group != NULL) {
					if ((op->coll.group = strdup(
					    fw->colls[k].group)) == NULL)
						return -ENOMEM;
					op->coll.group_priority =
					    fw->colls[k].group_priority;
					break;
				}
			op->coll.nrules = 1;
			r = &op->coll.rules[0];
			if ((r->name = strdup(x[i]->name)) == NULL ||
			    (r->src.items = calloc(1,
			    sizeof(*r->src.items))) == NULL ||
			    (r->dst.items = calloc(nx,
			    sizeof(*r->dst.items))) == NULL ||
			    (r->dports.r = calloc(1,
			    sizeof(*r->dports.r))) == NULL)
				return -ENOMEM;
			r->proto = x[i]->proto;
			r->src.n = 1;
			r->src.items[0].pfx = t->vnets[v->vnet].subnets[
			    v->subnet].pfx;
			r->dports.n = 1;
			r->dports.r[0] = (struct portrange){ x[i]->port,
			    x[i]->port };
		}
		r = &op->coll.rules[0];
		if (r->dports.r[0].lo != x[i]->port)
			continue;
		r->dst.items[r->dst.n++].pfx = pfx_make(x[i]->ip, 32);
	}
	if (op == NULL) {
		*why = strdup("no Azure Firewall denies it");
		return 1;
	}
	return 0;
}

/* The regional AzureCloud tag that holds ip, NULL if none. */
static const char *
region_of(const struct topo *t, uint32_t ip)
{
	size_t i;

	for (i = 0; t->tags != NULL && i < t->tags->ntags; i++)
		if (strncasecmp(t->tags->tags[i].name, "AzureCloud.", 11) ==
		    0 && tag_contains(&t->tags->tags[i], ip))
			return t->tags->tags[i].name;
	return NULL;
}

/* The regions of the refused targets added to the route filter of the
 * circuit with Microsoft peering on their path. */
static int
gen_filter(struct adv *a, size_t vm, const struct svc_probe *const *x,
    size_t nx, struct change *extra, char **why)
{
	const struct topo *t = ctopo(a);
	const struct circuit *c = NULL;
	struct change_op *op = NULL;
	const char *reg;
	size_t i, k, j;
	int rc;

	for (i = 0; i < nx; i++) {
		if (x[i]->kind != SVC_KMS && x[i]->kind != SVC_SUSE)
			continue;
		if ((rc = probe(csim(a), vm, x[i], a->r)) != 0)
			return rc;
		for (k = 0; c == NULL && k < t->ncircuits; k++)
			for (j = 0; t->circuits[k].microsoft_peering &&
			    j < a->r->npath; j++)
				if (strcmp(fr_str(a->r, a->r->path[j]),
				    t->circuits[k].name) == 0)
					c = &t->circuits[k];
		if (c == NULL || (reg = region_of(t, x[i]->ip)) == NULL ||
		    ms_peering_region(t, c, x[i]->ip) != NULL)
			continue;
		if (op == NULL) {
			if ((op = op_new(extra, CH_SET_ROUTE_FILTER)) ==
			    NULL || ref(&op->circuit, c->name) != 0 ||
			    (op->regions = calloc(c->nroute_filter + nx,
			    sizeof(char *))) == NULL)
				return -ENOMEM;
			for (k = 0; k < c->nroute_filter; k++)
				if ((op->regions[op->nregions++] = strdup(
				    c->route_filter[k])) == NULL)
					return -ENOMEM;
		}
		for (k = 0; k < op->nregions; k++)
			if (strcasecmp(op->regions[k], reg) == 0)
				break;
		if (k == op->nregions &&
		    (op->regions[op->nregions++] = strdup(reg)) == NULL)
			return -ENOMEM;
	}
	if (op == NULL) {
		*why = strdup("no circuit with Microsoft peering on its path "
		    "lacks its region");
		return 1;
	}
	return 0;
}

/* One line per operation, as the change file says it. */
static char *
op_text(const struct change_op *op)
{
	char pf[PFX_STRLEN], *s = NULL;
	size_t i;

	switch (op->kind) {
	case CH_ADD_ROUTE_TABLE:
		s = xasprintf("add_route_table %s:", op->rtable.name);
		for (i = 0; i < op->rtable.nroutes; i++)
			cat(&s, "%s %s %s -> Internet", i ? "," : "",
			    op->rtable.routes[i].name,
			    pfx_format(op->rtable.routes[i].pfx, pf));
		return s;
	case CH_ADD_ROUTE:
		return xasprintf("add_route %s: %s %s -> %s",
		    op->route_table.name, op->route.name,
		    pfx_format(op->route.pfx, pf), nh_type_name(op->route.nh));
	case CH_ASSOCIATE_ROUTE_TABLE:
		return xasprintf("associate_route_table %s/%s -> %s",
		    op->vnet.name, op->subnet.name, op->route_table.name);
	case CH_ADD_NSG_RULE:
		s = xasprintf("add_nsg_rule %s: %s priority %d Outbound Allow "
		    "%s to", op->nsg.name, op->rule.name, op->rule.priority,
		    proto_name(op->rule.proto));
		for (i = 0; i < op->rule.dst.n; i++)
			cat(&s, "%s%s", i ? ", " : " ",
			    pfx_format(op->rule.dst.items[i].pfx, pf));
		cat(&s, " port %u", (unsigned)op->rule.dports.r[0].lo);
		return s;
	case CH_REMOVE_NSG_RULE:
		return xasprintf("remove_nsg_rule %s: %s", op->nsg.name,
		    op->name.name);
	case CH_ADD_FIREWALL_RULE:
		s = xasprintf("add_firewall_rule %s: network rule collection "
		    "%s priority %d Allow %s from %s to", op->firewall.name,
		    op->coll.name, op->coll.priority,
		    proto_name(op->coll.rules[0].proto),
		    pfx_format(op->coll.rules[0].src.items[0].pfx, pf));
		for (i = 0; i < op->coll.rules[0].dst.n; i++)
			cat(&s, "%s%s", i ? ", " : " ", pfx_format(
			    op->coll.rules[0].dst.items[i].pfx, pf));
		cat(&s, " port %u",
		    (unsigned)op->coll.rules[0].dports.r[0].lo);
		return s;
	case CH_SET_ROUTE_FILTER:
		s = xasprintf("set_route_filter %s:", op->circuit.name);
		for (i = 0; i < op->nregions; i++)
			cat(&s, "%s %s", i ? "," : "", op->regions[i]);
		return s;
	default:
		return xasprintf("%s", change_kind_name(op->kind));
	}
}

/*
 * The proof: the exhaustive what-if of base against the candidate; a
 * candidate is kept only when every range and flow that changed is a
 * service address, and nothing that worked breaks.
 */

static bool
service_addr(const struct adv *a, uint32_t ip)
{
	size_t i;

	for (i = 0; i < a->ntg; i++)
		if (a->tg[i].ip == ip)
			return true;
	return service_at(a->tb, ip) != NULL;
}

static bool
cidr_services(const struct adv *a, struct pfx p)
{
	uint64_t ip, last;

	if (p.len < 24)
		return false;
	last = (uint64_t)p.addr + (1ull << (32 - p.len));
	for (ip = p.addr; ip < last; ip++)
		if (!service_addr(a, (uint32_t)ip))
			return false;
	return true;
}

static int
cidr_cmp(const void *x, const void *y)
{
	return pfx_cmp(x, y);
}

/* Prove c against the base. 0 proven (*proof filled), 1 side effects
 * (*why says which), negative errno. */
static int
prove(struct adv *a, struct cand *c, json_t **proof, char **why)
{
	struct whatif_opts wo;
	struct whatif_result wr;
	struct pfx *all = NULL, *np;
	size_t nall = 0, i, k, g, n;
	json_t *ranges, *flows;
	char pf[PFX_STRLEN];
	uint32_t ips[1];
	int rc;

	memset(&wo, 0, sizeof(wo));
	wo.services = true;
	wo.exhaustive = true;
	wo.change = &c->ch;
	if ((rc = whatif_run(a->tb, a->sb, c->t, c->s, &wo, &wr)) != 0)
		return rc;
	*why = NULL;
	flows = json_array();
	for (i = 0; i < wr.nflows; i++) {
		const struct wi_flow *f = &wr.flows[i];
		size_t fi;

		if (f->service)
			continue;
		for (fi = 0; fi < a->tb->nflows; fi++)
			if (strcmp(a->tb->flows[fi].name, f->name) == 0)
				break;
		n = fi < a->tb->nflows ? dns_resolve(a->tb,
		    a->tb->flows[fi].to, ips, 1, NULL) : 0;
		if (n == 0 || !service_addr(a, ips[0])) {
			if (*why == NULL)
				*why = xasprintf("flow %s (%s) changes too",
				    f->name, f->desc);
		}
		json_array_append_new(flows, json_string(f->name));
	}
	if (wr.nvm_notes > 0 && *why == NULL)
		*why = xasprintf("%s", wr.vm_notes[0]);
	for (i = 0; i < wr.nvms; i++) {
		const struct wi_vm *v = &wr.vms[i];

		for (g = 0; g < v->nnexthop + v->nfate; g++) {
			const struct wi_group *gr = g < v->nnexthop ?
			    &v->nexthop[g] : &v->fate[g - v->nnexthop];

			for (k = 0; k < gr->ncidrs; k++) {
				if (!cidr_services(a, gr->cidrs[k]) &&
				    *why == NULL)
					*why = xasprintf("vm %s: %s changes "
					    "too (%llu addresses)", v->vm,
					    pfx_format(gr->cidrs[k], pf),
					    (unsigned long long)
					    gr->addresses);
				for (n = 0; n < nall; n++)
					if (pfx_equal(all[n], gr->cidrs[k]))
						break;
				if (n < nall)
					continue;
				if ((np = realloc(all, (nall + 1) *
				    sizeof(*np))) == NULL) {
					free(all);
					whatif_free(&wr);
					json_decref(flows);
					return -ENOMEM;
				}
				all = np;
				all[nall++] = gr->cidrs[k];
			}
		}
	}
	if (nall > 0)
		qsort(all, nall, sizeof(*all), cidr_cmp);
	ranges = json_array();
	for (i = 0; i < nall; i++)
		json_array_append_new(ranges, json_string(pfx_format(all[i],
		    pf)));
	free(all);
	*proof = json_pack("{s:I, s:I, s:I, s:o, s:b, s:o}",
	    "vms_compared", (json_int_t)wr.vms_compared,
	    "pairs", (json_int_t)wr.pairs,
	    "pairs_walked", (json_int_t)wr.pairs_walked,
	    "ranges_changed", ranges,
	    "service_addresses_only", *why == NULL,
	    "flows_changed", flows);
	whatif_free(&wr);
	if (*proof == NULL)
		return -ENOMEM;
	return *why != NULL ? 1 : 0;
}

static char *target_text(const struct svc_probe *tg);

/* Does anything that worked in the base break under c? *why says what. */
static int
breaks_any(struct adv *a, struct cand *c, char **why)
{
	size_t i, k;
	int rc;

	for (i = 0; i < a->ncls; i++)
		for (k = 0; k < a->ntg; k++) {
			if (a->broken0[i * a->ntg + k])
				continue;
			if ((rc = probe(c->s, a->cls[i].rep, &a->tg[k],
			    a->r)) != 0)
				return rc;
			if (is_broken(a->r)) {
				char *t = target_text(&a->tg[k]);

				*why = xasprintf("it breaks %s -> %s",
				    a->tb->vms[a->cls[i].rep].name,
				    t != NULL ? t : "?");
				free(t);
				return 1;
			}
		}
	return 0;
}

/*
 * The search, class by class: each kind of fix in order of disturbance
 * for the services still broken; the first that fixes one of them and
 * passes the proof is kept, and the search goes on with the rest.
 */

static int
generate(struct adv *a, int k, size_t vm, const struct svc_probe **x,
    size_t nx, struct change *extra, char **why)
{
	struct cand mid;
	int rc;

	switch (k) {
	case K_ROUTE:
		return gen_route(a, vm, x, nx, extra, why);
	case K_NSG:
		return gen_nsg(a, ctopo(a), csim(a), vm, x, nx, false, extra,
		    why);
	case K_REMOVE_DENY:
		return gen_nsg(a, ctopo(a), csim(a), vm, x, nx, true, extra,
		    why);
	case K_ROUTE_NSG:
		if ((rc = gen_route(a, vm, x, nx, extra, why)) != 0)
			return rc;
		if ((rc = cand_build(a, extra, &mid)) != 0) {
			if (rc > 0)
				*why = xasprintf("does not apply: %s",
				    a->err != NULL ? a->err : "?");
			return rc;
		}
		rc = gen_nsg(a, mid.t, mid.s, vm, x, nx, false, extra, why);
		cand_free(&mid);
		return rc;
	case K_FIREWALL:
		return gen_firewall(a, vm, x, nx, extra, why);
	default:
		return gen_filter(a, vm, x, nx, extra, why);
	}
}

static json_t *
target_json(const struct svc_probe *tg)
{
	char ip[IP_STRLEN];

	return json_pack("{s:s, s:s, s:s, s:i}", "service", tg->name,
	    "address", ip_format(tg->ip, ip), "protocol",
	    proto_name(tg->proto), "port", (int)tg->port);
}

static char *
target_text(const struct svc_probe *tg)
{
	char ip[IP_STRLEN];

	return xasprintf("%s %s %s/%u", tg->name, ip_format(tg->ip, ip),
	    proto_name(tg->proto), (unsigned)tg->port);
}

static int
search_class(struct adv *a, size_t ci)
{
	const struct vclass *cl = &a->cls[ci];
	const struct svc_probe *x[MAX_TARGETS];
	json_t *tried = json_array(), *fix, *ops, *fixed, *proof = NULL,
	    *left;
	struct change extra;
	struct cand c;
	char *why, *t;
	size_t nx, i, k, nfixed;
	int rc = 0, kd;

	for (kd = 0; kd < K_COUNT; kd++) {
		nx = 0;
		for (k = 0; k < a->ntg; k++) {
			if (!a->broken0[ci * a->ntg + k])
				continue;
			if ((rc = probe(csim(a), cl->rep, &a->tg[k], a->r)) != 0)
				goto out;
			if (is_broken(a->r))
				x[nx++] = &a->tg[k];
		}
		if (nx == 0)
			break;
		memset(&extra, 0, sizeof(extra));
		why = NULL;
		if ((rc = generate(a, kd, cl->rep, x, nx, &extra, &why)) < 0) {
			free(why);
			change_free(&extra);
			goto out;
		}
		if (rc > 0) {
			json_array_append_new(tried, json_pack("{s:s, s:s}",
			    "kind", kind_names[kd], "result", why != NULL ?
			    why : "not applicable"));
			free(why);
			change_free(&extra);
			rc = 0;
			continue;
		}
		if ((rc = cand_build(a, &extra, &c)) != 0) {
			if (rc > 0) {
				json_array_append_new(tried, json_pack(
				    "{s:s, s:s+}", "kind", kind_names[kd],
				    "result", "does not apply: ", a->err ?
				    a->err : "?"));
				rc = 0;
			}
			change_free(&extra);
			if (rc < 0)
				goto out;
			continue;
		}
		/* What it fixes. */
		fixed = json_array();
		nfixed = 0;
		for (i = 0; i < nx; i++) {
			if ((rc = probe(c.s, cl->rep, x[i], a->r)) != 0)
				break;
			if (!is_broken(a->r)) {
				t = target_text(x[i]);
				json_array_append_new(fixed, json_string(t));
				free(t);
				nfixed++;
			}
		}
		why = NULL;
		if (rc == 0 && nfixed == 0) {
			(void)probe(c.s, cl->rep, x[0], a->r);
			t = why_line(c.t, c.s, cl->rep, x[0], a->r);
			why = xasprintf("does not fix it: %s", t ? t : "?");
			free(t);
		} else if (rc == 0 && (rc = breaks_any(a, &c, &why)) == 0) {
			rc = prove(a, &c, &proof, &why);
			if (rc > 0) {
				t = why;
				why = xasprintf("side effects: %s", t);
				free(t);
			}
		}
		if (rc < 0) {
			json_decref(fixed);
			cand_free(&c);
			change_free(&extra);
			goto out;
		}
		if (why != NULL) {
			json_array_append_new(tried, json_pack("{s:s, s:s}",
			    "kind", kind_names[kd], "result", why));
			free(why);
			json_decref(fixed);
			json_decref(proof);
			proof = NULL;
			cand_free(&c);
			change_free(&extra);
			rc = 0;
			continue;
		}
		/* Kept. */
		ops = json_array();
		for (i = 0; i < extra.nops; i++) {
			t = op_text(&extra.ops[i]);
			json_array_append_new(ops, json_string(t ? t : "?"));
			free(t);
		}
		fix = json_pack("{s:s, s:s++, s:s, s:o, s:o, s:o}", "vm",
		    a->tb->vms[cl->rep].name, "where",
		    a->tb->vnets[a->tb->vms[cl->rep].vnet].name, "/",
		    a->tb->vnets[a->tb->vms[cl->rep].vnet].subnets[
		    a->tb->vms[cl->rep].subnet].name, "kind", kind_names[kd],
		    "fixes", fixed, "operations", ops, "considered", tried);
		json_array_append_new(a->fixes, fix);
		tried = json_array();
		json_decref(proof);
		proof = NULL;
		change_free(&extra);
		cand_free(&a->cur);
		a->cur = c;
		kd = -1;	/* again from the least disturbance */
	}
	/* What is left broken: one entry for the class. */
	left = json_array();
	for (k = 0; kd == K_COUNT && k < a->ntg; k++) {
		if (!a->broken0[ci * a->ntg + k])
			continue;
		if ((rc = probe(csim(a), cl->rep, &a->tg[k], a->r)) != 0) {
			json_decref(left);
			goto out;
		}
		if (is_broken(a->r))
			json_array_append_new(left, target_json(&a->tg[k]));
	}
	if (json_array_size(left) > 0)
		json_array_append_new(a->unfixed, json_pack("{s:s, s:o, s:O}",
		    "vm", a->tb->vms[cl->rep].name, "services", left,
		    "tried", tried));
	else
		json_decref(left);
	rc = 0;
out:
	json_decref(tried);
	return rc;
}

/*
 * Lints, each with the rule behind it.
 */

static void
lint(json_t *l, const char *id, const char *rule, char *what)
{
	if (what != NULL)
		json_array_append_new(l, json_pack("{s:s, s:s, s:s}", "lint",
		    id, "what", what, "rule", rule));
	free(what);
}

#define OLD_KMS 0x176687f6u	/* 23.102.135.246 */

static bool
covers_ip(const struct pfx *p, uint32_t ip)
{
	return p->len > 0 && pfx_contains_ip(*p, ip);
}

static json_t *
lints(const struct adv *a)
{
	const struct topo *t = a->tb;
	json_t *l = json_array();
	uint32_t kms[16];
	char ip[IP_STRLEN], pf[PFX_STRLEN], *miss;
	size_t nk = kms_addresses(t, kms, 16), i, k, j, s, v;
	bool has_old = false;

	for (k = 0; k < nk; k++)
		has_old |= kms[k] == OLD_KMS;
	/* KMS routes and rules that name the old address only. */
	for (i = 0; has_old && nk > 1 && i < t->nrtables; i++) {
		const struct route_table *rt = &t->rtables[i];
		const struct route *old = NULL;

		for (j = 0; j < rt->nroutes; j++)
			if (rt->routes[j].pfx.len >= 24 &&
			    covers_ip(&rt->routes[j].pfx, OLD_KMS))
				old = &rt->routes[j];
		if (old == NULL)
			continue;
		miss = strdup("");
		for (k = 0; k < nk; k++) {
			for (j = 0; kms[k] != OLD_KMS && j < rt->nroutes; j++)
				if (rt->routes[j].pfx.len > 0 &&
				    covers_ip(&rt->routes[j].pfx, kms[k]))
					break;
			if (kms[k] != OLD_KMS && j == rt->nroutes)
				cat(&miss, "%s%s", miss && *miss ? ", " : "",
				    ip_format(kms[k], ip));
		}
		if (miss != NULL && *miss != '\0')
			lint(l, "kms-old-address-only", "MODEL §4: "
			    "kms.core.windows.net was 23.102.135.246; "
			    "azkms.core.windows.net is 20.118.99.224 and "
			    "40.83.235.53", xasprintf("route table %s: route "
			    "%s names only %s; missing %s", rt->name,
			    old->name, pfx_format(old->pfx, pf), miss));
		free(miss);
	}
	for (i = 0; has_old && nk > 1 && i < t->nnsgs; i++)
		for (j = 0; j < t->nsgs[i].nrules; j++) {
			const struct nsg_rule *r = &t->nsgs[i].rules[j];
			bool old = false, other;

			for (k = 0; !r->dst.any && k < r->dst.n; k++)
				old |= !r->dst.items[k].is_tag &&
				    r->dst.items[k].pfx.len >= 24 &&
				    covers_ip(&r->dst.items[k].pfx, OLD_KMS);
			if (!old)
				continue;
			miss = strdup("");
			for (s = 0; s < nk; s++) {
				if (kms[s] == OLD_KMS)
					continue;
				other = false;
				for (k = 0; k < r->dst.n; k++)
					other |= !r->dst.items[k].is_tag &&
					    covers_ip(&r->dst.items[k].pfx,
					    kms[s]);
				if (!other)
					cat(&miss, "%s%s", miss && *miss ?
					    ", " : "", ip_format(kms[s], ip));
			}
			if (miss != NULL && *miss != '\0')
				lint(l, "kms-old-address-only", "MODEL §4: "
				    "kms.core.windows.net was 23.102.135.246; "
				    "azkms.core.windows.net is 20.118.99.224 "
				    "and 40.83.235.53", xasprintf("NSG %s: "
				    "rule %s names only 23.102.135.246; "
				    "missing %s", t->nsgs[i].name, r->name,
				    miss));
			free(miss);
		}
	/* Service routes on tables no subnet uses, or in a hub's table. */
	for (i = 0; i < t->nrtables; i++) {
		const struct route_table *rt = &t->rtables[i];
		const struct route *sr = NULL;
		size_t users = 0, hubv = TOPO_NONE;
		char *spokes;

		for (j = 0; j < rt->nroutes && sr == NULL; j++)
			if (rt->routes[j].pfx.len >= 24 &&
			    service_at(t, rt->routes[j].pfx.addr) != NULL)
				sr = &rt->routes[j];
		if (sr == NULL)
			continue;
		for (v = 0; v < t->nvnets; v++)
			for (s = 0; s < t->vnets[v].nsubnets; s++)
				if (t->vnets[v].subnets[s].route_table == i) {
					users++;
					hubv = v;
				}
		if (users == 0) {
			lint(l, "route-table-unused", "MODEL §1: a subnet "
			    "follows only the route table associated with "
			    "it", xasprintf("route table %s holds %s (%s) but "
			    "no subnet uses it", rt->name, sr->name,
			    pfx_format(sr->pfx, pf)));
			continue;
		}
		spokes = strdup("");
		for (v = 0; v < t->nvnets; v++)
			if (v != hubv && t->vnets[v].hub == hubv)
				cat(&spokes, "%s%s", spokes && *spokes ?
				    ", " : "", t->vnets[v].name);
		if (spokes != NULL && *spokes != '\0')
			lint(l, "hub-route-spokes-never-see", "MODEL §8: "
			    "gateway transit gives spokes the hub gateway's "
			    "routes, not the hub's route tables; the /32 "
			    "belongs in each spoke subnet's own table",
			    xasprintf("route table %s in hub %s holds %s (%s); "
			    "its spokes %s never see it", rt->name,
			    t->vnets[hubv].name, sr->name,
			    pfx_format(sr->pfx, pf), spokes));
		free(spokes);
	}
	/* Denies of a platform tag. */
	for (i = 0; i < t->nnsgs; i++)
		for (j = 0; j < t->nsgs[i].nrules; j++) {
			const struct nsg_rule *r = &t->nsgs[i].rules[j];

			for (k = 0; r->access == ACCESS_DENY &&
			    r->dir == DIR_OUTBOUND && !r->dst.any &&
			    k < r->dst.n; k++)
				if (r->dst.items[k].is_tag &&
				    strncasecmp(r->dst.items[k].tag,
				    "AzurePlatform", 13) == 0)
					lint(l, "platform-tag-denied", "MODEL "
					    "§5: a deny rule naming a platform "
					    "tag switches that hidden rule off",
					    xasprintf("NSG %s: rule %s denies "
					    "%s: its hidden platform rule is "
					    "off wherever %s applies",
					    t->nsgs[i].name, r->name,
					    r->dst.items[k].tag,
					    t->nsgs[i].name));
		}
	for (i = 0; i < t->ncircuits; i++)
		if (t->circuits[i].public_peering)
			lint(l, "public-peering", "MODEL §3: public peering "
			    "is retired for new circuits; a /32 route to "
			    "Internet or Microsoft peering replaces it",
			    xasprintf("circuit %s still has public peering",
			    t->circuits[i].name));
	return l;
}

/*
 * Output.
 */

static void
text_out(FILE *f, json_t *doc)
{
	json_t *v, *p, *x, *y, *tried, *proof;
	size_t i, k, j;
	const char *s;

	fprintf(f, "advise: %s\n", json_string_value(json_object_get(doc,
	    "scenario")));
	fputs("services:", f);
	json_array_foreach(json_object_get(doc, "services"), i, v) {
		fprintf(f, "%s %s %s", i ? "," : "", json_string_value(
		    json_object_get(v, "service")), json_string_value(
		    json_object_get(v, "address")));
	}
	fputc('\n', f);
	json_array_foreach(json_object_get(doc, "vms"), i, v) {
		fprintf(f, "\nvm %s (%s)", json_string_value(
		    json_object_get(v, "vm")), json_string_value(
		    json_object_get(v, "where")));
		if (json_array_size(json_object_get(v, "like")) > 0) {
			fputs(", like it:", f);
			json_array_foreach(json_object_get(v, "like"), k, x) {
				fprintf(f, " %s", json_string_value(x));
			}
		}
		fputc('\n', f);
		json_array_foreach(json_object_get(v, "probes"), k, p) {
			fprintf(f, "  %-6s %-4s %-15s %s\n",
			    json_is_true(json_object_get(p, "works")) ?
			    "works" : "BROKEN", json_string_value(
			    json_object_get(p, "service")), json_string_value(
			    json_object_get(p, "address")), json_string_value(
			    json_object_get(p, "why")));
		}
	}
	json_array_foreach(json_object_get(doc, "fixes"), i, v) {
		fprintf(f, "\nfix %zu: %s for %s (%s):", i + 1,
		    json_string_value(json_object_get(v, "kind")),
		    json_string_value(json_object_get(v, "vm")),
		    json_string_value(json_object_get(v, "where")));
		json_array_foreach(json_object_get(v, "fixes"), k, x) {
			fprintf(f, "%s %s", k ? "," : "", json_string_value(x));
		}
		fputc('\n', f);
		json_array_foreach(json_object_get(v, "considered"), k, x) {
			fprintf(f, "  considered first: %s: %s\n",
			    json_string_value(json_object_get(x, "kind")),
			    json_string_value(json_object_get(x, "result")));
		}
		json_array_foreach(json_object_get(v, "operations"), k, x) {
			fprintf(f, "  - %s\n", json_string_value(x));
		}
	}
	json_array_foreach(json_object_get(doc, "unfixed"), i, v) {
		fprintf(f, "\nno fix without side effects for %s:",
		    json_string_value(json_object_get(v, "vm")));
		json_array_foreach(json_object_get(v, "services"), k, x) {
			fprintf(f, "%s %s %s", k ? "," : "", json_string_value(
			    json_object_get(x, "service")), json_string_value(
			    json_object_get(x, "address")));
		}
		fputc('\n', f);
		tried = json_object_get(v, "tried");
		json_array_foreach(tried, k, x) {
			fprintf(f, "  %s: %s\n", json_string_value(
			    json_object_get(x, "kind")), json_string_value(
			    json_object_get(x, "result")));
		}
	}
	proof = json_object_get(doc, "proof");
	if (json_is_object(proof)) {
		fprintf(f, "\nproof (exhaustive what-if, base against the "
		    "fixes): %lld VM%s compared, %lld of %lld VM x range "
		    "pairs walked\n", (long long)json_integer_value(
		    json_object_get(proof, "vms_compared")),
		    json_integer_value(json_object_get(proof,
		    "vms_compared")) == 1 ? "" : "s",
		    (long long)json_integer_value(json_object_get(proof,
		    "pairs_walked")), (long long)json_integer_value(
		    json_object_get(proof, "pairs")));
		fputs("  ranges changed:", f);
		json_array_foreach(json_object_get(proof, "ranges_changed"),
		    k, x) {
			fprintf(f, " %s", json_string_value(x));
		}
		fprintf(f, "%s\n", json_is_true(json_object_get(proof,
		    "service_addresses_only")) ? " (the service addresses "
		    "only)" : " (NOT only the service addresses)");
		fputs("  flows changed:", f);
		y = json_object_get(proof, "flows_changed");
		if (json_array_size(y) == 0)
			fputs(" none", f);
		json_array_foreach(y, k, x) {
			fprintf(f, "%s %s", k ? "," : "", json_string_value(x));
		}
		fprintf(f, "%s\n  broken after:", json_array_size(y) > 0 ?
		    " (to service addresses)" : "");
		y = json_object_get(proof, "broken_after");
		if (json_array_size(y) == 0)
			fputs(" none", f);
		json_array_foreach(y, k, x) {
			fprintf(f, "%s %s", k ? "," : "", json_string_value(x));
		}
		fputc('\n', f);
	}
	if (json_array_size(json_object_get(doc, "lints")) > 0)
		fputs("\nlints:\n", f);
	json_array_foreach(json_object_get(doc, "lints"), i, v) {
		fprintf(f, "  %s: %s\n    rule: %s\n", json_string_value(
		    json_object_get(v, "lint")), json_string_value(
		    json_object_get(v, "what")), json_string_value(
		    json_object_get(v, "rule")));
	}
	s = json_string_value(json_object_get(doc, "change"));
	j = (size_t)json_integer_value(json_object_get(doc, "broken"));
	if (j == 0)
		fputs("\nworks: every service answers every VM\n", f);
	else {
		fprintf(f, "\nbroken: %zu service%s of %zu VM class%s",
		    j, j == 1 ? "" : "s", json_array_size(json_object_get(doc,
		    "vms")), json_array_size(json_object_get(doc, "vms")) == 1
		    ? "" : "es");
		if (json_array_size(json_object_get(doc, "fixes")) > 0)
			fprintf(f, "; %zu proven fix%s%s%s", json_array_size(
			    json_object_get(doc, "fixes")), json_array_size(
			    json_object_get(doc, "fixes")) == 1 ? "" : "es",
			    s != NULL ? ", written to " : " (-o FILE writes "
			    "them as a change file)", s != NULL ? s : "");
		fputc('\n', f);
	}
}

static int
write_change(const char *path, const struct cand *c)
{
	struct outfile *o;
	int rc;

	if ((rc = outfile_open(path, &o)) == 0) {
		(void)fwrite(c->yaml, 1, c->len, outfile_stream(o));
		rc = outfile_commit(o);
	}
	if (rc != 0)
		fprintf(stderr, "ftsim: cannot write %s: %s\n", path,
		    strerror(-rc));
	return rc;
}

static int
advise(struct adv *a, bool json, const char *out)
{
	json_t *svcs = json_array(), *vms = json_array(), *after, *proof;
	size_t i, k, m, nbroken = 0;
	char *why, *t;
	int rc;

	a->doc = json_object();
	a->fixes = json_array();
	a->unfixed = json_array();
	for (k = 0; k < a->ntg; k++)
		json_array_append_new(svcs, target_json(&a->tg[k]));
	if ((rc = make_classes(a)) != 0 || (a->broken0 = calloc(a->ncls *
	    a->ntg + 1, sizeof(bool))) == NULL) {
		json_decref(svcs);
		json_decref(vms);
		return rc != 0 ? rc : -ENOMEM;
	}
	for (i = 0; i < a->ncls; i++) {
		const struct vclass *cl = &a->cls[i];
		const struct vm *v = &a->tb->vms[cl->rep];
		json_t *like = json_array(), *probes = json_array();

		for (m = 1; m < cl->n; m++)
			json_array_append_new(like, json_string(
			    a->tb->vms[cl->members[m]].name));
		for (k = 0; k < a->ntg; k++) {
			json_t *p;

			if ((rc = probe(a->sb, cl->rep, &a->tg[k], a->r)) != 0)
				break;
			a->broken0[i * a->ntg + k] = is_broken(a->r);
			nbroken += is_broken(a->r);
			why = why_line(a->tb, a->sb, cl->rep, &a->tg[k], a->r);
			p = target_json(&a->tg[k]);
			json_object_set_new(p, "works", json_boolean(
			    !is_broken(a->r)));
			json_object_set_new(p, "why", json_string(why ? why :
			    "?"));
			json_array_append_new(probes, p);
			free(why);
		}
		json_array_append_new(vms, json_pack("{s:s, s:o, s:s++, "
		    "s:o}", "vm", v->name, "like", like, "where",
		    a->tb->vnets[v->vnet].name, "/",
		    a->tb->vnets[v->vnet].subnets[v->subnet].name, "probes",
		    probes));
		if (rc != 0)
			break;
	}
	for (i = 0; rc == 0 && i < a->ncls; i++)
		rc = search_class(a, i);
	if (rc != 0) {
		json_decref(svcs);
		json_decref(vms);
		return rc;
	}
	/* The proof of everything kept, printed. */
	proof = json_null();
	if (a->cur.built) {
		json_decref(proof);
		proof = NULL;
		if ((rc = prove(a, &a->cur, &proof, &why)) < 0) {
			json_decref(svcs);
			json_decref(vms);
			return rc;
		}
		free(why);
		after = json_array();
		for (i = 0; i < a->ncls; i++)
			for (k = 0; k < a->ntg; k++) {
				if ((rc = probe(a->cur.s, a->cls[i].rep,
				    &a->tg[k], a->r)) != 0)
					break;
				if (!is_broken(a->r))
					continue;
				t = target_text(&a->tg[k]);
				json_array_append_new(after, json_pack("s++",
				    a->tb->vms[a->cls[i].rep].name, " -> ",
				    t ? t : "?"));
				free(t);
			}
		json_object_set_new(proof, "broken_after", after);
	}
	json_object_set_new(a->doc, "scenario", json_string(a->file));
	json_object_set_new(a->doc, "status", json_string(nbroken > 0 ?
	    "broken" : "works"));
	json_object_set_new(a->doc, "broken", json_integer((json_int_t)
	    nbroken));
	json_object_set_new(a->doc, "services", svcs);
	json_object_set_new(a->doc, "vms", vms);
	json_object_set_new(a->doc, "fixes", a->fixes);
	json_object_set_new(a->doc, "unfixed", a->unfixed);
	a->fixes = a->unfixed = NULL;
	json_object_set_new(a->doc, "proof", proof);
	json_object_set_new(a->doc, "lints", lints(a));
	if (out != NULL && a->cur.built) {
		if (write_change(out, &a->cur) != 0)
			return EXIT_BADINPUT;
		json_object_set_new(a->doc, "change", json_string(out));
	} else
		json_object_set_new(a->doc, "change", json_null());
	if (json_failed())
		return -ENOMEM;
	if (json) {
		rc = print_json(a->doc);
		a->doc = NULL;
		if (rc != 0)
			return EXIT_BADINPUT;
	} else
		text_out(stdout, a->doc);
	return nbroken > 0 ? EXIT_FAILED : 0;
}

int
cmd_advise(int argc, char **argv)
{
	const char *out = NULL, *services = NULL;
	struct adv a;
	struct job j;
	unsigned want;
	bool json = false;
	size_t i;
	int c, rc;

	optind = 1;
	while ((c = help_getopt("advise", argc, argv)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'o': out = optarg; break;
		case 's': services = optarg; break;
		case 'h': return 0;
		default: return EXIT_BADINPUT;
		}
	}
	if (help_operands("advise", argc, argv, 1, 1, "FILE") != 0)
		return EXIT_BADINPUT;
	if (output_not_input("--out", out, argv + optind, 1) != 0)
		return EXIT_BADINPUT;
	want = services != NULL ? parse_services(services) : 0;
	if (services != NULL && want == 0)
		return EXIT_BADINPUT;
	if (job_load(&j, argv[optind]) != 0) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	memset(&a, 0, sizeof(a));
	a.file = argv[optind];
	a.chname = out != NULL ? out : "advise.yaml";
	a.tb = &j.topo;
	a.sb = j.sim;
	if (services == NULL)
		want = W_KMS | W_DNS | W_IMDS | (names_suse(&j.topo) ?
		    W_SUSE : 0u);
	a.ntg = targets(&j.topo, want, a.tg);
	if ((a.r = calloc(1, sizeof(*a.r))) == NULL)
		rc = -ENOMEM;
	else
		rc = advise(&a, json, out);
	if (rc < 0) {
		fprintf(stderr, "ftsim: %s while advising\n", rc == -ENOMEM ?
		    "out of memory" : "internal error");
		rc = EXIT_BADINPUT;
	}
	if (a.r != NULL)
		flow_result_free(a.r);
	free(a.r);
	json_decref(a.doc);
	json_decref(a.fixes);
	json_decref(a.unfixed);
	cand_free(&a.cur);
	for (i = 0; i < a.ncls; i++)
		free(a.cls[i].members);
	free(a.cls);
	free(a.broken0);
	free(a.err);
	job_free(&j);
	return rc;
}
