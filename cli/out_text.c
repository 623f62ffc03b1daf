/*
 * out_text.c: traces and tables for people.
 */
#include <stdio.h>
#include <string.h>

#include "cli/out.h"
#include "cli/pcapout.h"
#include "cli/term.h"

static void
print_hop(FILE *f, const struct run *run, const struct flow_result *r,
	  size_t i, struct tline *b)
{
	const struct hop *h = &r->hops[i];
	char s[IP_STRLEN], d[IP_STRLEN];
	const char *why;
	size_t k, n = 0;

	if (h->reply && (i == 0 || !r->hops[i - 1].reply))
		fprintf(f, "      reply:\n");
	fprintf(f, "  %2zu  %-14s %s   [%s:%u -> %s:%u]\n", i + 1,
		trace_node(r, h), out_what(b, r, h), ip_format(h->src, s),
		h->sport, ip_format(h->dst, d), h->dport);
	if ((why = out_why(b, r, h))[0])
		fprintf(f, "      %-14s why: %s\n", "", why);
	/* The capture files and packet numbers where this step shows. */
	for (k = 0; run->captures && k < r->nxing; k++) {
		const struct xing *x = &r->xing[k];
		if (x->hop != i || x->pktno == 0)
			continue;
		fprintf(f, "%s%s.pcap #%u", n++ ? ", " : "      capture:        ",
			sim_point_name(run->sim, x->point), x->pktno);
	}
	if (n)
		fputc('\n', f);
}

static void
print_outcome(FILE *f, const struct flow_result *r)
{
	char ip[IP_STRLEN];
	size_t i;

	fprintf(f, "  outcome: %s", r->delivered ? "delivered" : "not delivered");
	if (r->drop_reason)
		fprintf(f, " (%s)", r->drop_reason);
	if (r->flow->proto == PROTO_TCP)
		fprintf(f, ", TCP %s", r->tcp_connect ? "connects" : "fails");
	if (r->activation != ACT_NONE)
		fprintf(f, ", activation %s", activation_name(r->activation));
	if (r->has_source_seen)
		fprintf(f, ", source seen %s (%s)",
			ip_format(r->source_seen, ip),
			srcclass_name(r->source_class));
	fprintf(f, ", hairpin %s\n", hairpin_name(r->hairpin));
	if (r->replied)
		fprintf(f, "  reply: %s%s%s%s\n", r->reply_delivered
			? "delivered" : "lost", r->reply_drop_reason ? " (" : "",
			r->reply_drop_reason ? r->reply_drop_reason : "",
			r->reply_drop_reason ? ")" : "");
	fprintf(f, "  nsg: %s%s, flow log: %s, IP flow verify: %s%s%s%s\n",
		r->nsg_rule ? fr_str(r, r->nsg_rule) : "no NSG",
		r->nsg_rule_hidden ? " (hidden platform rule)" : "",
		r->flow_logged ? "logged" : "not logged",
		r->ip_flow_verify == ACCESS_ALLOW ? "Allow" : "Deny",
		r->ip_flow_verify_rule ? " (" : "",
		fr_str(r, r->ip_flow_verify_rule),
		r->ip_flow_verify_rule ? ")" : "");
	fprintf(f, "  path: ");
	for (i = 0; i < r->npath; i++)
		fprintf(f, "%s%s", i ? " > " : "", fr_str(r, r->path[i]));
	fputc('\n', f);
	if (r->nrpath) {
		fprintf(f, "  reply path: ");
		for (i = 0; i < r->nrpath; i++)
			fprintf(f, "%s%s", i ? " > " : "", fr_str(r, r->rpath[i]));
		fputc('\n', f);
	}
}

/* Print text folded at width columns, indented; runs of white space
 * (the line breaks of a folded YAML scalar) become one space. */
static void
print_wrapped(FILE *f, const char *text, int indent, int width)
{
	const char *p = text;
	int col = 0;

	while (*p) {
		const char *w;
		int len;

		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (w = p; *w && *w != ' ' && *w != '\n' && *w != '\t'; w++)
			;
		len = (int)(w - p);
		if (col > 0 && col + 1 + len > width) {
			fputc('\n', f);
			col = 0;
		}
		if (col == 0)
			col = fprintf(f, "%*s", indent, "");
		else
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", len, p);
		p = w;
	}
	if (col > 0)
		fputc('\n', f);
}

void
out_text_hops(FILE *f, const struct run *run, const struct flow_result *r)
{
	struct tline b = { 0 };
	size_t k;

	for (k = 0; k < r->nhops; k++)
		print_hop(f, run, r, k, &b);
	tline_free(&b);
}

void
out_text_run(FILE *f, const struct run *run, bool color)
{
	const struct topo *t = run->topo;
	const char *okc = color ? "\033[32m" : "", *end = color ? "\033[0m" : "";
	const char *badc = color ? "\033[31m" : "";
	const char *ok = term_sign(TERM_CHECK), *bad = term_sign(TERM_CROSS);
	size_t i, k;

	fprintf(f, "scenario %s (%s, %s)\n", t->scenario, t->file,
		cloud_name(t->cloud));
	if (t->description)
		print_wrapped(f, t->description, 2, 76);
	fprintf(f, "  service tags: %s\n", t->tags ? t->tags->origin : "none");
	for (i = 0; run->warnings && i < run->warnings->n; i++) {
		fputs("  ", f);
		diag_print_msg(f, &run->warnings->msgs[i]);
	}
	for (i = 0; i < run->nres; i++) {
		const struct flow_result *r = &run->res[i];
		char ip[IP_STRLEN], from[IP_STRLEN];

		fprintf(f, "\nflow %s: %s -> %s (%s) %s/%u\n", r->flow->name,
			topo_flow_from(t, r->flow, from), r->flow->to,
			ip_format(r->dst, ip), proto_name(r->flow->proto),
			r->flow->port);
		out_text_hops(f, run, r);
		print_outcome(f, r);
		if (run->ladder) {
			fprintf(f, "  ladder:\n");
			(void)ladder_print(f, run->sim, (struct flow_result *)r);
		}
		for (k = 0; k < r->nexp; k++) {
			const struct exp_result *e = &r->exp[k];
			if (e->ok)
				fprintf(f, "  %s%s%s %s: %s\n", okc, ok, end,
					exp_key_name(e->key), fr_str(r, e->got));
			else
				fprintf(f, "  %s%s%s %s: want %s, got %s\n",
					badc, bad, end, exp_key_name(e->key),
					fr_str(r, e->want), fr_str(r, e->got));
		}
	}
}

void
out_text_summary(FILE *f, const struct run *runs, size_t n)
{
	size_t i, k, flows = 0, exps = 0, failed = 0, ffail = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < runs[i].nres; k++) {
			const struct flow_result *r = &runs[i].res[k];
			size_t e;
			flows++;
			exps += r->nexp;
			for (e = 0; e < r->nexp; e++)
				failed += !r->exp[e].ok;
			ffail += !r->all_ok;
		}
	fprintf(f, "\n%zu scenario%s, %zu flow%s: %zu expectation%s held, "
		"%zu failed", n, n == 1 ? "" : "s", flows, flows == 1 ? "" : "s",
		exps - failed, exps - failed == 1 ? "" : "s", failed);
	if (ffail)
		fprintf(f, " (in %zu flow%s)", ffail, ffail == 1 ? "" : "s");
	fputc('\n', f);
}

/*
 * The table of `az network nic show-effective-route-table -o table`
 * (FORMAT.md, MODEL §8 [wth036] [rs-lab]): one row per next hop (a route
 * with two next hops is two rows), columns two spaces apart, each as wide
 * as its longest value or its header plus two (the CLI's tabulate
 * layout), no trailing blanks when a row has no next hop IP.
 */
void
out_text_routes(FILE *f, const struct rtable *rt)
{
	static const char *const head[5] = {
		"Source", "State", "Address Prefix", "Next Hop Type",
		"Next Hop IP" };
	size_t w[5], i, c, k, rows;
	char pf[PFX_STRLEN], ip[IP_STRLEN];

	for (c = 0; c < 5; c++)
		w[c] = strlen(head[c]) + 2;
	for (i = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];
		size_t len[5];

		len[0] = strlen(rt_source_name(e->source));
		len[1] = strlen(rt_state_name(e->state));
		len[2] = strlen(pfx_format(e->pfx, pf));
		len[3] = strlen(nh_type_name(e->nh));
		len[4] = 0;
		for (k = 0; k < e->nnh; k++)
			if (strlen(ip_format(e->nh_ips[k], ip)) > len[4])
				len[4] = strlen(ip);
		for (c = 0; c < 5; c++)
			if (len[c] > w[c])
				w[c] = len[c];
	}
	for (c = 0; c < 4; c++)
		fprintf(f, "%-*s  ", (int)w[c], head[c]);
	fprintf(f, "%s\n", head[4]);
	for (c = 0; c < 5; c++) {
		for (k = 0; k < w[c]; k++)
			fputc('-', f);
		fputs(c < 4 ? "  " : "\n", f);
	}
	for (i = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];

		rows = e->nnh > 0 ? e->nnh : 1;
		for (k = 0; k < rows; k++) {
			fprintf(f, "%-*s  %-*s  %-*s  ",
				(int)w[0], rt_source_name(e->source),
				(int)w[1], rt_state_name(e->state),
				(int)w[2], pfx_format(e->pfx, pf));
			if (e->nnh > 0)
				fprintf(f, "%-*s  %s\n", (int)w[3],
					nh_type_name(e->nh),
					ip_format(e->nh_ips[k], ip));
			else
				fprintf(f, "%s\n", nh_type_name(e->nh));
		}
	}
}
