/*
 * replay.c: `ftsim replay --scenario FILE --from VM CAPTURE`: a recorded
 * capture (capture/pcapr.h) injected at a VM's NIC and judged by the
 * model (sim/replay.h), with a report per flow or per packet and, with
 * --pcap, the same per-hop captures `ftsim run --pcap` writes.
 *
 * Exit: 0; 1 when a replayed flow that matches a scenario flow breaks
 * one of its expectations; 2 bad input (scenario, VM, capture, filter).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcapr.h"
#include "capture/pcapw.h"
#include "cli/help.h"
#include "cli/job.h"
#include "cli/pcapout.h"
#include "cli/replay.h"
#include "sim/replay.h"
#include "sim/services.h"

struct opts {
	const char *scenario, *vm, *capture, *filter, *pcapdir;
	struct capsel sel;
	bool json, per_packet, trace;
};

/* What the command keeps while packets stream by. */
struct rctx {
	struct job *job;
	const struct opts *o;
	struct run run;			/* for the trace printers */
	json_t *traces;			/* --json --trace: one per flow */
	json_t *pkts;			/* --json --per-packet */
	size_t vm;			/* --from */
	size_t nflows;			/* flows met so far */
	struct capwriter *cw;
	size_t cw_files;		/* after the commit */
	uint64_t cw_packets;
	uint64_t unwritten;		/* judged packets not in captures */
};

static uint64_t
skipped_all(struct replay *rp)
{
	uint64_t n = 0;
	int k;

	for (k = RSKIP_NONE + 1; k < RSKIP_COUNT; k++)
		n += replay_skipped(rp, (enum replay_skip)k);
	return n;
}

static const char *
proto_str(uint8_t proto)
{
	return proto == PROTO_TCP ? "TCP" : "UDP";
}

static void
tuple_str(const struct replay_flow *f, char *buf, size_t len)
{
	char a[IP_STRLEN], b[IP_STRLEN];

	snprintf(buf, len, "%s %s:%u > %s:%u", proto_str(f->proto),
		 ip_format(f->src, a), f->sport, ip_format(f->dst, b),
		 f->dport);
}

/* The model's verdict, in one line. */
static void
verdict_str(const struct replay_flow *f, char *buf, size_t len)
{
	const struct replay_verdict *v = &f->v;
	char ip[IP_STRLEN];
	size_t n = 0;

	if (!v->delivered) {
		snprintf(buf, len, "dropped at %s: %s",
			 v->where ? v->where : "?",
			 v->drop_reason ? v->drop_reason : "?");
		return;
	}
	n += (size_t)snprintf(buf + n, len - n, "delivered");
	if (v->has_source_seen && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", source seen %s (%s)",
			ip_format(v->source_seen, ip),
			srcclass_name(v->source_class));
	if (v->hairpin != HAIRPIN_NONE && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", hairpin %s",
			hairpin_name(v->hairpin));
	if (f->proto == PROTO_TCP && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", %s",
			v->tcp_connect ? "TCP connects" : "TCP does not connect");
	if (v->activation != ACT_NONE && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", activation %s",
			activation_name(v->activation));
	if (v->asymmetric && n < len)
		n += (size_t)snprintf(buf + n, len - n, "; the answer comes "
			"back asymmetric (%s)", v->reply_drop_reason ?
			v->reply_drop_reason : "another way");
	else if (v->replied && !v->reply_delivered && n < len)
		n += (size_t)snprintf(buf + n, len - n, "; the answer is "
			"lost: %s", v->reply_drop_reason ?
			v->reply_drop_reason : "?");
}

/* A new flow: its trace (--trace) as the engine wrote it. */
static int
on_flow(void *arg, const struct replay_flow *fl, struct flow_result *r)
{
	struct rctx *c = arg;
	char tu[128];
	size_t k;

	c->nflows++;
	if (!c->o->trace)
		return 0;
	if (c->o->json) {
		json_t *o = out_json_flow(&c->run, r);

		if (o == NULL || json_array_append_new(c->traces, o) != 0)
			return -ENOMEM;
		return 0;
	}
	tuple_str(fl, tu, sizeof(tu));
	printf("flow %zu: %s, from packet %llu\n", c->nflows, tu,
	       (unsigned long long)fl->first_no);
	out_text_hops(stdout, &c->run, r);
	for (k = 0; k < r->nexp; k++) {
		const struct exp_result *e = &r->exp[k];

		if (e->ok)
			printf("  \u2713 %s: %s\n", exp_key_name(e->key),
			       fr_str(r, e->got));
		else
			printf("  \u2717 %s: want %s, got %s\n",
			       exp_key_name(e->key), fr_str(r, e->want),
			       fr_str(r, e->got));
	}
	putchar('\n');
	return 0;
}

static int
capture_sink(void *arg, struct flow_result *r, const struct xpkt *x)
{
	struct rctx *c = arg;
	struct sim *s = c->job->sim;

	(void)r;
	if (!pcapout_selected(&c->o->sel, s, x->point))
		return 0;
	return capw_write(c->cw, x->point, sim_point_name(s, x->point),
			  x->ts_us, x->eth_src, x->eth_dst, x->p, NULL);
}

static const char *
tcp_flags_str(const struct pcapr_pkt *p, char buf[8])
{
	static const char names[] = "FSRPAU";
	size_t ihl = (size_t)(p->ip[0] & 0x0f) * 4, i, n = 0;
	uint8_t fl = p->ip[ihl + 13];

	for (i = 0; i < 6; i++)
		if (fl & (1u << i))
			buf[n++] = names[i];
	buf[n] = '\0';
	return buf;
}

/* --per-packet: one line (or JSON object) per packet. */
static int
packet_line(struct rctx *c, struct replay *rp, const struct pcapr_pkt *p,
	    const struct replay_res *res, uint64_t t_us, bool written)
{
	const struct replay_flow *f = replay_flow_at(rp, res->flow);
	char tu[128], v[512], fl[8] = "";
	const char *what;

	if (res->skip != RSKIP_NONE) {
		if (c->o->json)
			return json_array_append_new(c->pkts, json_pack(
			    "{s:I, s:I, s:s}", "packet", (json_int_t)p->no,
			    "time_us", (json_int_t)t_us,
			    "skipped", replay_skip_name(res->skip)));
		printf("#%llu %llu.%06llu skipped: %s", (unsigned long long)p->no,
		       (unsigned long long)(t_us / 1000000),
		       (unsigned long long)(t_us % 1000000),
		       replay_skip_name(res->skip));
		if (res->skip == RSKIP_NOT_IPV4 && p->ethertype != 0)
			printf(" (ethertype 0x%04x)", p->ethertype);
		putchar('\n');
		return 0;
	}
	tuple_str(f, tu, sizeof(tu));
	if (res->dir == 0) {
		verdict_str(f, v, sizeof(v));
		what = "sent";
	} else {
		snprintf(v, sizeof(v), "%s", f->v.reply_delivered &&
			 !f->v.asymmetric ? "the answer, delivered to the VM" :
			 "an answer the model does not deliver to the VM");
		what = "received";
	}
	if (c->o->json)
		return json_array_append_new(c->pkts, json_pack(
		    "{s:I, s:I, s:I, s:s, s:b, s:s}", "packet",
		    (json_int_t)p->no, "time_us", (json_int_t)t_us, "flow",
		    (json_int_t)(res->flow + 1), "direction", what,
		    "written", written, "verdict", v));
	if (f->proto == PROTO_TCP)
		tcp_flags_str(p, fl);
	printf("#%llu %llu.%06llu flow %zu %s%s%s%s: %s\n",
	       (unsigned long long)p->no,
	       (unsigned long long)(t_us / 1000000),
	       (unsigned long long)(t_us % 1000000), res->flow + 1, what,
	       res->new_flow ? " (new)" : "", fl[0] ? " " : "", fl, v);
	return 0;
}

static json_t *
flow_json(const struct topo *t, const struct replay_flow *f, size_t i)
{
	const struct replay_verdict *v = &f->v;
	char a[IP_STRLEN], b[IP_STRLEN], s[IP_STRLEN];

	return json_pack("{s:I, s:s, s:s, s:i, s:s, s:i, s:I, s:I, s:I, s:I,"
		" s:I, s:o, s:b, s:b, s:o, s:o, s:o, s:s, s:o, s:o, s:b, s:b,"
		" s:b, s:o, s:I, s:I}",
		"flow", (json_int_t)(i + 1),
		"protocol", proto_name(f->proto),
		"source", ip_format(f->src, a), "source_port", f->sport,
		"destination", ip_format(f->dst, b), "port", f->dport,
		"first_packet", (json_int_t)f->first_no,
		"packets_sent", (json_int_t)f->pkts[0],
		"packets_received", (json_int_t)f->pkts[1],
		"bytes_sent", (json_int_t)f->bytes[0],
		"bytes_received", (json_int_t)f->bytes[1],
		"scenario_flow", f->scenario_flow == TOPO_NONE ? json_null()
			: json_string(t->flows[f->scenario_flow].name),
		"delivered", v->delivered, "tcp_connect", v->tcp_connect,
		"activation", v->activation == ACT_NONE ? json_null()
			: json_string(activation_name(v->activation)),
		"source_seen", v->has_source_seen
			? json_string(ip_format(v->source_seen, s)) : json_null(),
		"source_class", v->has_source_seen
			? json_string(srcclass_name(v->source_class))
			: json_null(),
		"hairpin", hairpin_name(v->hairpin),
		"drop_reason", v->drop_reason ? json_string(v->drop_reason)
			: json_null(),
		"where", v->where ? json_string(v->where) : json_null(),
		"replied", v->replied, "reply_delivered", v->reply_delivered,
		"asymmetric", v->asymmetric,
		"reply_drop_reason", v->reply_drop_reason
			? json_string(v->reply_drop_reason) : json_null(),
		"expectations", (json_int_t)f->nexp,
		"expectations_failed", (json_int_t)f->nexp_failed);
}

static void
report_text(const struct rctx *c, struct replay *rp, const char *lt,
	    uint64_t nread, uint64_t seen)
{
	const struct topo *t = &c->job->topo;
	size_t i, n = replay_nflows(rp);
	char tu[128], v[512], ip[IP_STRLEN];
	int k;

	for (i = 0; i < n; i++) {
		const struct replay_flow *f = replay_flow_at(rp, i);

		tuple_str(f, tu, sizeof(tu));
		verdict_str(f, v, sizeof(v));
		printf("flow %zu: %s, from packet %llu: %llu sent, %llu "
		       "received", i + 1, tu,
		       (unsigned long long)f->first_no,
		       (unsigned long long)f->pkts[0],
		       (unsigned long long)f->pkts[1]);
		if (f->scenario_flow != TOPO_NONE)
			printf(" (scenario flow %s: %s)",
			       t->flows[f->scenario_flow].name,
			       f->nexp == 0 ? "no expectations" :
			       f->nexp_failed == 0 ? "expectations hold" :
			       "an expectation fails");
		printf("\n  %s\n", v);
		if (f->pkts[1] > 0 && (!f->v.reply_delivered || f->v.asymmetric))
			printf("  %llu recorded packet(s) towards the VM that "
			       "the model would not deliver\n",
			       (unsigned long long)f->pkts[1]);
	}
	printf("%s%s: %s, %llu packets", n ? "\n" : "", c->o->capture, lt,
	       (unsigned long long)nread);
	if (c->o->filter)
		printf(", %llu through the filter", (unsigned long long)seen);
	printf("; injected at %s's NIC (%s)\n", t->vms[c->vm].name,
	       ip_format(t->vms[c->vm].ip, ip));
	printf("  %llu judged in %zu flow%s",
	       (unsigned long long)(seen - skipped_all(rp)), n,
	       n == 1 ? "" : "s");
	for (k = RSKIP_NONE + 1; k < RSKIP_COUNT; k++)
		if (replay_skipped(rp, (enum replay_skip)k) > 0)
			printf(", %llu %s", (unsigned long long)
			       replay_skipped(rp, (enum replay_skip)k),
			       replay_skip_name((enum replay_skip)k));
	putchar('\n');
}

static json_t *
report_json(const struct rctx *c, struct replay *rp, const char *lt,
	    uint64_t nread, uint64_t seen)
{
	const struct topo *t = &c->job->topo;
	json_t *flows = json_array(), *skipped = json_object(), *doc;
	size_t i;
	int k;

	for (i = 0; i < replay_nflows(rp); i++)
		json_array_append_new(flows, flow_json(t,
				      replay_flow_at(rp, i), i));
	for (k = RSKIP_NONE + 1; k < RSKIP_COUNT; k++)
		json_object_set_new(skipped, replay_skip_name((enum replay_skip)k),
			json_integer((json_int_t)replay_skipped(rp,
				     (enum replay_skip)k)));
	doc = json_pack("{s:s, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:o},"
			" s:o}",
		"scenario", t->scenario, "capture", c->o->capture,
		"linktype", lt, "vm", t->vms[c->vm].name,
		"filter", c->o->filter ? json_string(c->o->filter) : json_null(),
		"packets", "read", (json_int_t)nread,
		"through_filter", (json_int_t)seen,
		"judged", (json_int_t)(seen - skipped_all(rp)),
		"skipped", skipped,
		"flows", flows);
	if (doc != NULL && c->traces != NULL)
		json_object_set(doc, "traces", c->traces);
	if (doc != NULL && c->pkts != NULL)
		json_object_set(doc, "per_packet", c->pkts);
	if (doc != NULL && c->cw_files > 0)
		json_object_set_new(doc, "captures", json_pack("{s:s, s:I, s:I,"
			" s:I}", "dir", c->o->pcapdir,
			"files", (json_int_t)c->cw_files,
			"packets", (json_int_t)c->cw_packets,
			"not_written", (json_int_t)c->unwritten));
	return doc;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	const char *capture = NULL;
	int ch;

	optind = 1;
	while ((ch = help_getopt("replay", argc, argv)) != -1) {
		switch (ch) {
		case 's': o->scenario = optarg; break;
		case 'f': o->vm = optarg; break;
		case 'F': o->filter = optarg; break;
		case 'j': o->json = true; break;
		case 'p': o->per_packet = true; break;
		case 't': o->trace = true; break;
		case 'P': o->pcapdir = optarg; break;
		case 'C': capture = optarg; break;
		case 'h': return 1;
		default: return -1;
		}
	}
	if (help_operands("replay", argc, argv, 1, 1, "CAPTURE file") != 0)
		return -1;
	if (o->scenario == NULL) {
		help_usage("replay", "missing --scenario FILE");
		return -1;
	}
	if (o->vm == NULL) {
		help_usage("replay", "missing --from VM");
		return -1;
	}
	if (capture != NULL && o->pcapdir == NULL) {
		help_usage("replay", "--capture needs --pcap DIR");
		return -1;
	}
	if (capture != NULL && capsel_parse(capture, &o->sel) != 0) {
		help_usage("replay", "--capture: expected NAME[,NAME...]");
		return -1;
	}
	o->capture = argv[optind];
	return 0;
}

/* Read, judge and write every packet. 0, or EXIT_BADINPUT with the
 * reason printed. */
static int
replay_loop(struct rctx *c, struct pcapreader *pr, struct replay *rp,
	    struct diag *d, uint64_t *seen)
{
	struct pcapr_pkt p;
	struct replay_res res;
	uint64_t t0 = 0, t;
	bool first = true, written;
	int rc;

	while ((rc = pcapr_next(pr, &p, d)) == 1) {
		if (first) {
			t0 = p.ts_us;
			first = false;
		}
		/* The simulated clock starts at the first packet; a capture
		 * whose clock steps back keeps its order. */
		t = p.ts_us >= t0 ? p.ts_us - t0 : 0;
		(*seen)++;
		if ((rc = replay_packet(rp, &p, &res)) != 0)
			break;
		written = false;
		if (c->cw != NULL && (rc = replay_emit(rp, &p, &res, t,
		    capture_sink, c, &written)) != 0)
			break;
		if (c->cw != NULL && res.skip == RSKIP_NONE && !written)
			c->unwritten++;
		if (c->o->per_packet &&
		    (rc = packet_line(c, rp, &p, &res, t, written)) != 0)
			break;
	}
	if (rc == 0)
		return 0;
	if (rc == -EIO) {
		diag_print(stderr, d);
	} else if (rc == -E2BIG) {
		fprintf(stderr, "%s: error: more than %d flows from %s; "
			"replay a part of the capture with --filter\n",
			c->o->capture, REPLAY_MAX_FLOWS, c->o->vm);
	} else {
		fprintf(stderr, "ftsim: %s: %s\n", c->o->capture,
			strerror(rc < 0 ? -rc : rc));
	}
	return EXIT_BADINPUT;
}

int
cmd_replay(int argc, char **argv)
{
	struct opts o;
	struct job job;
	struct rctx c;
	struct diag d;
	struct pcapreader *pr = NULL;
	struct replay *rp = NULL;
	char err[512] = "";
	uint64_t seen = 0;
	size_t i;
	int rc, status = 0;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_opts(argc, argv, &o)) != 0) {
		capsel_free(&o.sel);
		return rc > 0 ? 0 : EXIT_BADINPUT;
	}
	memset(&job, 0, sizeof(job));
	memset(&c, 0, sizeof(c));
	diag_init(&d);
	c.job = &job;
	c.o = &o;
	if (job_load(&job, o.scenario) != 0 ||
	    (c.vm = job_vm(&job, o.vm)) == TOPO_NONE) {
		status = EXIT_BADINPUT;
		goto out;
	}
	if (pcapr_open(o.capture, o.filter, &d, &pr) != 0) {
		diag_print(stderr, &d);
		status = EXIT_BADINPUT;
		goto out;
	}
	c.run.topo = &job.topo;
	c.run.sim = job.sim;
	c.run.warnings = &job.diag;
	if ((o.json && o.trace && (c.traces = json_array()) == NULL) ||
	    (o.json && o.per_packet && (c.pkts = json_array()) == NULL) ||
	    replay_new(job.sim, c.vm, on_flow, &c, &rp) != 0) {
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		status = EXIT_BADINPUT;
		goto out;
	}
	if (o.pcapdir != NULL) {
		/* Its files are removed on a signal (capture/outfile.h). */
		if ((rc = capw_open(o.pcapdir, &c.cw, err, sizeof(err))) != 0) {
			fprintf(stderr, "ftsim: %s\n",
				err[0] ? err : strerror(-rc));
			status = EXIT_BADINPUT;
			goto out;
		}
	}
	if ((status = replay_loop(&c, pr, rp, &d, &seen)) != 0)
		goto out;
	if (c.cw != NULL) {
		c.cw_files = capw_nfiles(c.cw);
		c.cw_packets = capw_npackets(c.cw);
		rc = capw_commit(c.cw, err, sizeof(err));
		c.cw = NULL;
		if (rc != 0) {
			fprintf(stderr, "ftsim: %s\n",
				err[0] ? err : strerror(-rc));
			status = EXIT_BADINPUT;
			goto out;
		}
	}
	if (o.json) {
		if (print_json(report_json(&c, rp, pcapr_linktype(pr),
		    pcapr_nread(pr), seen)) != 0) {
			status = EXIT_BADINPUT;
			goto out;
		}
	} else {
		report_text(&c, rp, pcapr_linktype(pr), pcapr_nread(pr), seen);
		if (c.cw_files > 0)
			printf("  captures: %zu files, %llu packets in %s\n",
			       c.cw_files, (unsigned long long)c.cw_packets,
			       o.pcapdir);
		if (c.unwritten > 0)
			printf("  %llu judged packets not written: above %d "
			       "bytes, their payload cut by the capture, or "
			       "answers the model does not bring back\n",
			       (unsigned long long)c.unwritten, PKT_MAX);
	}
	for (i = 0; i < replay_nflows(rp); i++)
		if (replay_flow_at(rp, i)->nexp_failed > 0)
			status = EXIT_FAILED;
out:
	if (c.cw != NULL)
		capw_abort(c.cw);
	json_decref(c.traces);
	json_decref(c.pkts);
	replay_free(rp);
	pcapr_close(pr);
	diag_free(&d);
	job_free(&job);
	capsel_free(&o.sel);
	return status;
}
