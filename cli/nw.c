/*
 * nw.c: `ftsim nexthop` and `ftsim verify`, in Network Watcher's shapes
 * (MODEL.md §6) with ftsim's reasons beside them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/help.h"
#include "cli/job.h"
#include "cli/nw.h"
#include "sim/nsg.h"
#include "sim/route.h"
#include "topology/names.h"

/* Options both commands share. */
struct nwopts {
	const char *vm, *dest, *dir, *proto, *local, *remote;
	bool json;
	const char *file;
};

/* The options of nexthop or verify (cmd): 0, 1 after the help, -1
 * after a usage error. */
static int
nw_parse(int argc, char **argv, struct nwopts *o, const char *cmd)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = help_getopt(cmd, argc, argv)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'v': o->vm = optarg; break;
		case 'd': o->dest = optarg; break;
		case 'D': o->dir = optarg; break;
		case 'p': o->proto = optarg; break;
		case 'l': o->local = optarg; break;
		case 'r': o->remote = optarg; break;
		case 'h': return 1;
		default: return -1;
		}
	}
	if (help_operands(cmd, argc, argv, 1, 1, "scenario FILE") != 0)
		return -1;
	if (o->vm == NULL) {
		help_usage(cmd, "missing --vm NAME");
		return -1;
	}
	o->file = argv[optind];
	return 0;
}

/* "IP:PORT" as Network Watcher takes its local and remote ends. */
static int
endpoint_parse(const char *what, const char *s, uint32_t *ip, uint16_t *port)
{
	char buf[64], *colon;
	struct portrange r;

	if (s == NULL || strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	if ((colon = strrchr(buf, ':')) == NULL)
		goto bad;
	*colon = '\0';
	if (ip_parse(buf, ip) != 0 || portrange_parse(colon + 1, &r) != 0 ||
	    r.lo != r.hi)
		goto bad;
	*port = r.lo;
	return 0;
bad:
	fprintf(stderr, "ftsim: error: --%s must be IP:PORT, got '%s'\n", what,
		s ? s : "");
	return -1;
}

/* ---------------------------------------------------------------- */

int
cmd_nexthop(int argc, char **argv)
{
	struct nwopts o;
	struct job j;
	struct route_hit hit;
	const struct rtable *rt;
	uint32_t dst, ips[4];
	char ip[IP_STRLEN], pf[PFX_STRLEN];
	struct tline why = { 0 };
	const char *table, *nhip, *origin;
	size_t vm, tb, n;
	int rc;

	if ((rc = nw_parse(argc, argv, &o, "nexthop")) != 0)
		return rc > 0 ? 0 : EXIT_BADINPUT;
	if (o.dest == NULL)
		return help_usage("nexthop", "missing --dest IP");
	if (job_load(&j, o.file) != 0 || (vm = job_vm(&j, o.vm)) == TOPO_NONE) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	/* An address, or a name as a flow's `to` resolves it (MODEL §4:
	 * the scenario's dns: first, then the built-in names). */
	if ((n = dns_resolve(&j.topo, o.dest, ips, 4, &origin)) == 0) {
		fprintf(stderr, "ftsim: error: --dest: '%s' is neither an IPv4 "
			"address nor a name the scenario's dns: or the built-in "
			"names resolve\n", o.dest);
		job_free(&j);
		return EXIT_BADINPUT;
	}
	dst = ips[0];
	if (strcmp(origin, "address") != 0 && !o.json)
		printf("%s resolves (%s) to %s%s\n", o.dest, origin,
		       ip_format(dst, ip), n > 1 ? ", the first of its "
		       "addresses" : "");
	rt = sim_rtable(j.sim, j.topo.vms[vm].vnet, j.topo.vms[vm].subnet);
	/* MODEL §6 Next hop: nextHopType, nextHopIpAddress and routeTableId
	 * (the route table of a user route, else "System Route"). */
	if (rtable_lookup(rt, dst, 0, &hit) != 0) {
		rc = 0;
		if (o.json)
			rc = print_json(json_pack("{s:s, s:s, s:s}",
			    "nextHopType", "None", "nextHopIpAddress", "",
			    "routeTableId", "System Route"));
		else
			printf("Next hop type: None\nNext hop IP address: -\n"
			       "Route table ID: System Route\n"
			       "why: no Active route covers %s\n",
			       ip_format(dst, ip));
		job_free(&j);
		return rc != 0 ? EXIT_BADINPUT : 0;
	}
	/* A user route comes from the subnet's table: its ARM id when the
	 * scenario gives one, else its name. */
	tb = topo_vm_subnet(&j.topo, &j.topo.vms[vm])->route_table;
	table = hit.r->source != RT_USER ? "System Route" :
	    tb != TOPO_NONE && j.topo.rtables[tb].id ? j.topo.rtables[tb].id :
	    hit.r->table;
	nhip = hit.nh_ip ? ip_format(hit.nh_ip, ip) : "";
	if (eroute_text(&j.topo, hit.r, &why) != 0) {
		fputs("ftsim: out of memory\n", stderr);
		diag_set_oom();
		job_free(&j);
		return EXIT_NOMEM;
	}
	rc = 0;
	if (o.json) {
		rc = print_json(json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:b}}",
		    "nextHopType", nh_type_name(hit.r->nh),
		    "nextHopIpAddress", nhip, "routeTableId", table,
		    "ftsim", "route", pfx_format(hit.r->pfx, pf),
		    "why", why.s, "exception", hit.exception));
	} else {
		printf("Next hop type: %s\nNext hop IP address: %s\n"
		       "Route table ID: %s\n", nh_type_name(hit.r->nh),
		       nhip[0] ? nhip : "-", table);
		printf("why: route %s, source %s, %s%s\n",
		       pfx_format(hit.r->pfx, pf),
		       rt_source_name(hit.r->source), why.s, hit.exception ?
		       "; it beats a longer BGP route (system VNet routes win "
		       "over BGP)" : "");
	}
	tline_free(&why);
	job_free(&j);
	return rc != 0 ? EXIT_BADINPUT : 0;
}

/* ---------------------------------------------------------------- */

static void
rule_name(const struct nsg_verdict *v, char *buf, size_t len)
{
	if (v->rule == NULL)
		snprintf(buf, len, "%s", "");
	else if (v->is_platform)
		snprintf(buf, len, "%s", v->rule);
	else
		snprintf(buf, len, "%s%s", v->is_default ?
			 "defaultSecurityRules/" : "securityRules/", v->rule);
}

/* One sentence on why Azure's answer and the real one differ. */
static void
disagreement(const struct nsg_verdict *azure, const struct nsg_verdict *real,
	     char *buf, size_t len)
{
	char a[96], r[96];

	rule_name(azure, a, sizeof(a));
	rule_name(real, r, sizeof(r));
	if (real->is_platform)
		snprintf(buf, len, "IP flow verify answers %s by %s, but the "
			 "hidden platform rule %s allows the packet first; it "
			 "is never written to flow logs and Network Watcher "
			 "does not know it [nsg] [seed-002]",
			 azure->access == ACCESS_ALLOW ? "Allow" : "Deny",
			 a[0] ? a : "no rule", r);
	else
		snprintf(buf, len, "IP flow verify answers %s, the packet is "
			 "%s by %s", azure->access == ACCESS_ALLOW ? "Allow" :
			 "Deny", real->access == ACCESS_ALLOW ? "allowed" :
			 "denied", r[0] ? r : "no rule");
}

int
cmd_verify(int argc, char **argv)
{
	struct nwopts o;
	struct job j;
	struct nsg_query q;
	struct nsg_verdict azure, real;
	const struct vm *v;
	uint32_t lip, rip;
	uint16_t lport, rport;
	char an[96], rn[96], diff[400] = "";
	size_t vm;
	bool agree;
	int rc;

	if ((rc = nw_parse(argc, argv, &o, "verify")) != 0)
		return rc > 0 ? 0 : EXIT_BADINPUT;
	memset(&q, 0, sizeof(q));
	if (o.dir == NULL)
		return help_usage("verify", "missing --direction Outbound|Inbound");
	if (strcasecmp(o.dir, "Outbound") != 0 &&
	    strcasecmp(o.dir, "Inbound") != 0)
		return help_usage("verify", "--direction must be Outbound or "
		    "Inbound, not '%s'", o.dir);
	if (o.proto == NULL)
		return help_usage("verify", "missing --protocol TCP|UDP");
	if (strcasecmp(o.proto, "TCP") != 0 && strcasecmp(o.proto, "UDP") != 0)
		return help_usage("verify", "--protocol must be TCP or UDP, not "
		    "'%s'", o.proto);
	if (o.local == NULL)
		return help_usage("verify", "missing --local IP:PORT");
	if (o.remote == NULL)
		return help_usage("verify", "missing --remote IP:PORT");
	if (endpoint_parse("local", o.local, &lip, &lport) != 0 ||
	    endpoint_parse("remote", o.remote, &rip, &rport) != 0)
		return EXIT_BADINPUT;
	if (job_load(&j, o.file) != 0 || (vm = job_vm(&j, o.vm)) == TOPO_NONE) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	v = &j.topo.vms[vm];
	if (lip != v->ip) {
		fprintf(stderr, "%s: error: --local %s is not an address of VM "
			"%s\n", j.topo.file, o.local, v->name);
		job_free(&j);
		return EXIT_BADINPUT;
	}
	q.dir = strcasecmp(o.dir, "Outbound") == 0 ? DIR_OUTBOUND : DIR_INBOUND;
	q.proto = strcasecmp(o.proto, "TCP") == 0 ? PROTO_TCP : PROTO_UDP;
	q.src = q.dir == DIR_OUTBOUND ? lip : rip;
	q.dst = q.dir == DIR_OUTBOUND ? rip : lip;
	q.sport = q.dir == DIR_OUTBOUND ? lport : rport;
	q.dport = q.dir == DIR_OUTBOUND ? rport : lport;
	/* MODEL §6: IP flow verify is blind to the platform rules; the real
	 * verdict is not. */
	sim_nsg_eval(j.sim, vm, &q, false, &azure);
	sim_nsg_eval(j.sim, vm, &q, true, &real);
	rule_name(&azure, an, sizeof(an));
	rule_name(&real, rn, sizeof(rn));
	agree = azure.access == real.access && strcmp(an, rn) == 0;
	if (!agree)
		disagreement(&azure, &real, diff, sizeof(diff));
	rc = 0;
	if (o.json) {
		rc = print_json(json_pack("{s:s, s:s, s:{s:s, s:s, s:b}, s:b, s:s?}",
		    "access", azure.access == ACCESS_ALLOW ? "Allow" : "Deny",
		    "ruleName", an,
		    "actual", "access", real.access == ACCESS_ALLOW ? "Allow"
		    : "Deny", "ruleName", rn, "hidden", real.is_platform,
		    "agree", agree, "why", agree ? NULL : diff));
	} else {
		printf("IP flow verify (Azure): %s  %s\n", azure.access ==
		       ACCESS_ALLOW ? "Allow" : "Deny", an[0] ? an : "(no NSG)");
		printf("Actual:                 %s  %s%s\n", real.access ==
		       ACCESS_ALLOW ? "Allow" : "Deny", rn[0] ? rn : "(no NSG)",
		       real.is_platform ? " (hidden platform rule)" : "");
		if (!agree)
			printf("They differ: %s\n", diff);
	}
	job_free(&j);
	return rc != 0 ? EXIT_BADINPUT : 0;
}
