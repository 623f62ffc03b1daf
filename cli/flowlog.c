/*
 * flowlog.c: `ftsim flowlog FILE [--out DIR]`: NSG flow logs version 2
 * (MODEL §6) from the simulated exchanges.
 *
 * Each flow's NSG verdicts are logged by the NSG that decided them (the
 * denying one, or the last allowing one): outbound at the sending VM's
 * NIC, inbound at a destination VM's NIC. Traffic a hidden platform rule
 * let through is absent, as is traffic no NSG saw. An allowed flow gives
 * a B tuple when it starts and an E tuple with the packet and byte counts
 * of its exchange when it ends; a denied one a D tuple in state B, with
 * no counts. Files follow Azure's blob layout, one PT1H.json per NSG per
 * NIC per hour; the clock is the simulated one of the captures.
 * A scenario with Azure Firewalls also gets their logs (fwlog.h):
 * AZFWNetworkRule.json and AZFWApplicationRule.json, each an array of
 * records as a Log Analytics export holds them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "capture/outfile.h"
#include "capture/pcapw.h"
#include "cli/flowlog.h"
#include "cli/fwlog.h"
#include "cli/help.h"
#include "cli/job.h"
#include "cli/pcapout.h"
#include "sim/nsg.h"
#include "sim/xchg.h"

#define FL_SUB	"00000000-0000-0000-0000-000000000000"
#define FL_RG	"FTSIM"
#define FL_SYSTEM_ID "00000000-0000-0000-0000-000000000001"

/* One output file: its blob path and the document being built. */
struct flfile {
	char *path;
	char nsg[SIM_NODE_LEN];
	char mac[13];
	unsigned hour;
	json_t *doc;		/* {"records": [...]} */
};

struct flset {
	struct flfile *f;
	size_t n;
};

/* Counts at a NIC: packets and bytes each way. */
struct nicount {
	uint32_t point;
	uint32_t pkts[2];
	uint64_t bytes[2];
};

struct countctx {
	struct nicount nic[2];	/* [0] the sender, [1] a VM destination */
};

static int
count_sink(void *arg, struct flow_result *r, const struct xpkt *x)
{
	struct countctx *c = arg;
	int d = r->xing[x->xing].reply ? 1 : 0, k;

	for (k = 0; k < 2; k++)
		if (x->point == c->nic[k].point) {
			c->nic[k].pkts[d]++;
			c->nic[k].bytes[d] += x->p->len;
		}
	return 0;
}

static void
upper(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z'
				? src[i] - 'a' + 'A' : src[i]);
	dst[i] = '\0';
}

/* The NIC's MAC as Azure writes it: 12 hex digits, no separators. */
static void
nic_mac(const char *vm, char out[13])
{
	char point[SIM_NODE_LEN + 8];
	uint8_t m[6];

	snprintf(point, sizeof(point), "nic-%s", vm);
	xchg_mac(point, m);
	snprintf(out, 13, "%02X%02X%02X%02X%02X%02X", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
}

static struct flfile *
fl_file(struct flset *fs, const char *nsg, const char *mac, unsigned hour)
{
	char up[SIM_NODE_LEN], safe[SIM_NODE_LEN], path[1024];
	struct flfile *f;
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].nsg, nsg) == 0 &&
		    strcmp(fs->f[i].mac, mac) == 0 && fs->f[i].hour == hour)
			return &fs->f[i];
	if ((f = realloc(fs->f, (fs->n + 1) * sizeof(*f))) == NULL)
		return NULL;
	fs->f = f;
	f = &fs->f[fs->n];
	memset(f, 0, sizeof(*f));
	upper(up, nsg, sizeof(up));
	/* The name becomes a folder: nothing in it may climb out of the
	 * blob layout ("..", '/'). */
	outfile_name(up, safe, sizeof(safe));
	/* 2026-01-01 plus the simulated hours. */
	snprintf(path, sizeof(path), "resourceId=/SUBSCRIPTIONS/%s/"
		 "RESOURCEGROUPS/%s/PROVIDERS/MICROSOFT.NETWORK/"
		 "NETWORKSECURITYGROUPS/%s/y=2026/m=01/d=%02u/h=%02u/m=00/"
		 "macAddress=%s/PT1H.json", FL_SUB, FL_RG, safe, 1 + hour / 24,
		 hour % 24, mac);
	if ((f->path = strdup(path)) == NULL ||
	    (f->doc = json_pack("{s:[]}", "records")) == NULL) {
		free(f->path);
		return NULL;
	}
	snprintf(f->nsg, sizeof(f->nsg), "%s", nsg);
	snprintf(f->mac, sizeof(f->mac), "%s", mac);
	f->hour = hour;
	fs->n++;
	return f;
}

/* Add tuple to the record of minute `minute` in f, under rule. */
static int
fl_add(struct flfile *f, uint64_t sec, const char *rule, const char *tuple)
{
	json_t *recs = json_object_get(f->doc, "records"), *rec = NULL, *flows;
	json_t *rf = NULL, *tuples;
	char when[32], up[SIM_NODE_LEN], rid[512];
	uint64_t minute = sec / 60;
	size_t i;

	snprintf(when, sizeof(when), "2026-01-%02uT%02u:%02u:00.0000000Z",
		 (unsigned)(1 + minute / 1440), (unsigned)(minute / 60 % 24),
		 (unsigned)(minute % 60));
	for (i = 0; i < json_array_size(recs); i++) {
		json_t *r = json_array_get(recs, i);
		if (strcmp(json_string_value(json_object_get(r, "time")),
			   when) == 0)
			rec = r;
	}
	if (rec == NULL) {
		upper(up, f->nsg, sizeof(up));
		snprintf(rid, sizeof(rid), "/SUBSCRIPTIONS/%s/RESOURCEGROUPS/%s/"
			 "PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/%s",
			 FL_SUB, FL_RG, up);
		rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:i, s:[]}}",
				"time", when, "systemId", FL_SYSTEM_ID,
				"macAddress", f->mac,
				"category", "NetworkSecurityGroupFlowEvent",
				"resourceId", rid,
				"operationName", "NetworkSecurityGroupFlowEvents",
				"properties", "Version", 2, "flows");
		if (rec == NULL || json_array_append_new(recs, rec) != 0)
			return -ENOMEM;
	}
	flows = json_object_get(json_object_get(rec, "properties"), "flows");
	for (i = 0; i < json_array_size(flows); i++) {
		json_t *x = json_array_get(flows, i);
		if (strcmp(json_string_value(json_object_get(x, "rule")),
			   rule) == 0)
			rf = x;
	}
	if (rf == NULL) {
		rf = json_pack("{s:s, s:[{s:s, s:[]}]}", "rule", rule, "flows",
			       "mac", f->mac, "flowTuples");
		if (rf == NULL || json_array_append_new(flows, rf) != 0)
			return -ENOMEM;
	}
	tuples = json_object_get(json_array_get(json_object_get(rf, "flows"),
						0), "flowTuples");
	return json_array_append_new(tuples, json_string(tuple)) == 0
	       ? 0 : -ENOMEM;
}

/* Log one NSG verdict at a NIC. */
static int
fl_verdict(struct flset *fs, const char *vm,
	   const struct nsg_verdict *v, const struct nsg_query *q,
	   const struct nicount *cnt, uint64_t start_us, uint64_t end_us)
{
	char mac[13], rule[SIM_NODE_LEN + 16], a[IP_STRLEN], b[IP_STRLEN];
	char head[160], tuple[256];
	uint64_t s0 = CAPW_EPOCH + start_us / 1000000;
	uint64_t s1 = CAPW_EPOCH + end_us / 1000000;
	struct flfile *f;
	int rc;

	/* MODEL §6: platform traffic never appears; nor does traffic no
	 * NSG decided. */
	if (v->is_platform || v->by == NULL || v->rule == NULL)
		return 0;
	nic_mac(vm, mac);
	snprintf(rule, sizeof(rule), "%s_%s",
		 v->is_default ? "DefaultRule" : "UserRule", v->rule);
	snprintf(head, sizeof(head), "%s,%s,%u,%u,%c,%c,%c",
		 ip_format(q->src, a), ip_format(q->dst, b), q->sport,
		 q->dport, q->proto == PROTO_TCP ? 'T' : 'U',
		 q->dir == DIR_INBOUND ? 'I' : 'O',
		 v->access == ACCESS_ALLOW ? 'A' : 'D');
	if ((f = fl_file(fs, v->by->name, mac,
			 (unsigned)(start_us / 3600000000u))) == NULL)
		return -ENOMEM;
	snprintf(tuple, sizeof(tuple), "%llu,%s,B,,,,",
		 (unsigned long long)s0, head);
	if ((rc = fl_add(f, s0 - CAPW_EPOCH, rule, tuple)) != 0 ||
	    v->access == ACCESS_DENY)
		return rc;
	snprintf(tuple, sizeof(tuple), "%llu,%s,E,%u,%llu,%u,%llu",
		 (unsigned long long)s1, head, cnt->pkts[0],
		 (unsigned long long)cnt->bytes[0], cnt->pkts[1],
		 (unsigned long long)cnt->bytes[1]);
	if ((f = fl_file(fs, v->by->name, mac,
			 (unsigned)(end_us / 3600000000u))) == NULL)
		return -ENOMEM;
	return fl_add(f, s1 - CAPW_EPOCH, rule, tuple);
}

/* The flow logs of every flow of j. */
static int
fl_collect(struct job *j, struct flset *fs)
{
	const struct topo *t = &j->topo;
	uint64_t t0 = 0, end;
	struct xchg_count xc;
	struct flfile *fw = NULL;
	size_t i, k;
	int rc;

	/* MODEL §8 [fw-rules]: the firewalls' two tables. */
	if (t->nfirewalls > 0) {
		if ((fw = realloc(fs->f, (fs->n + 2) * sizeof(*fw))) == NULL)
			return -ENOMEM;
		fs->f = fw;
		fw = &fs->f[fs->n];
		memset(fw, 0, 2 * sizeof(*fw));
		fs->n += 2;
		if ((fw[0].path = strdup("AZFWNetworkRule.json")) == NULL ||
		    (fw[1].path = strdup("AZFWApplicationRule.json")) == NULL ||
		    (fw[0].doc = json_array()) == NULL ||
		    (fw[1].doc = json_array()) == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < j->run.nres; i++) {
		struct flow_result *r = &j->run.res[i];
		bool ext = r->flow->external;
		const struct vm *v = ext ? NULL : &t->vms[r->flow->vm];
		struct countctx c;
		struct nsg_query q;
		struct nsg_verdict nv;
		size_t dvm = TOPO_NONE;
		/* The destination's private address: an inbound flow's
		 * public IP was translated before the NSGs saw it. */
		uint32_t ddst = r->dst;

		memset(&c, 0, sizeof(c));
		c.nic[0].point = c.nic[1].point = UINT32_MAX;
		if (r->nxing > 0)
			c.nic[0].point = r->xing[0].point;
		/* A VM destination whose NSGs saw the request: delivered
		 * (its NIC is the request's last crossing) or denied there. */
		dvm = ext ? topo_vm_by_public_ip(t, r->dst)
			  : topo_vm_by_ip(t, r->dst);
		if (ext && dvm != TOPO_NONE)
			ddst = t->vms[dvm].ip;
		if (dvm != TOPO_NONE && r->delivered) {
			for (k = 0; k < r->nxing; k++)
				if (!r->xing[k].reply)
					c.nic[1].point = r->xing[k].point;
		} else if (dvm != TOPO_NONE && r->nhops > 0 && r->drop_reason &&
			   strcmp(r->drop_reason, "nsg-deny") == 0 &&
			   dvm != r->flow->vm &&
			   strcmp(trace_node(r, &r->hops[r->nhops - 1]),
				  t->vms[dvm].name) == 0) {
			/* denied inbound: logged below with no counts */
		} else {
			dvm = TOPO_NONE;
		}
		if ((rc = xchg_run(j->sim, r, t0, count_sink, &c, &xc,
		    &end)) != 0)
			return rc;
		if (fw != NULL && (rc = fwlog_add(t, r, t0, fw[0].doc,
		    fw[1].doc)) != 0)
			return rc;
		if (v != NULL) {
			q = (struct nsg_query){ DIR_OUTBOUND, r->flow->proto,
						v->ip, r->dst, r->sport,
						r->flow->port };
			sim_nsg_eval(j->sim, r->flow->vm, &q, true, &nv);
			if ((rc = fl_verdict(fs, v->name, &nv, &q, &c.nic[0],
			    t0, end)) != 0)
				return rc;
		}
		if (dvm != TOPO_NONE) {
			struct nicount in = c.nic[1];
			const struct hop *last = &r->hops[r->nhops - 1];
			/* The source as the destination's NIC saw it. */
			uint32_t seen = r->has_source_seen ? r->source_seen
							   : last->src;
			q = (struct nsg_query){ DIR_INBOUND, r->flow->proto,
						seen, ddst, r->sport,
						r->flow->port };
			sim_nsg_eval(j->sim, dvm, &q, true, &nv);
			if ((rc = fl_verdict(fs, t->vms[dvm].name, &nv,
			    &q, &in, t0, end)) != 0)
				return rc;
		}
		t0 = pcapout_next_start(end);
	}
	return 0;
}

/* mkdir -p the directories of path (relative to dir). */
static int
fl_mkdirs(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

/* Write every file through an outfile, then rename them all: all or
 * nothing. On failure a message names the file and the cause. */
static int
fl_write(const struct flset *fs, const char *dir)
{
	struct outfile **o = calloc(fs->n + 1, sizeof(*o));
	char path[2048];
	size_t i;
	int rc = 0;

	if (o == NULL)
		return -ENOMEM;
	/* A document that lost a value to a failed allocation: none. */
	if (json_failed()) {
		free(o);
		diag_set_oom();
		fputs("ftsim: out of memory\n", stderr);
		return -ENOMEM;
	}
	for (i = 0; i < fs->n && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, fs->f[i].path);
		if ((rc = fl_mkdirs(path)) != 0 ||
		    (rc = outfile_open(path, &o[i])) != 0)
			break;
		/* A write error stays on the stream: the close reports
		 * its cause. */
		(void)json_dumpf(fs->f[i].doc, outfile_stream(o[i]),
		    JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		rc = outfile_close(o[i]);
	}
	for (i = 0; i < fs->n && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s", outfile_path(o[i]));
		rc = outfile_commit(o[i]);
		o[i] = NULL;
	}
	if (rc != 0)
		fprintf(stderr, "ftsim: cannot write %s: %s\n", path,
		    strerror(-rc));
	for (i = 0; i < fs->n; i++)
		outfile_abort(o[i]);
	free(o);
	return rc;
}

static void
fl_free(struct flset *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->f[i].path);
		json_decref(fs->f[i].doc);
	}
	free(fs->f);
}

/* Two NSGs whose names make one blob path (they differ only in case,
 * or in bytes a path cannot hold): one would overwrite the other. An
 * error on stderr, -1. */
static int
fl_same_path(const struct job *j, const struct flset *fs)
{
	size_t a, b;

	for (a = 0; a < fs->n; a++)
		for (b = a + 1; b < fs->n; b++)
			if (strcmp(fs->f[a].nsg, fs->f[b].nsg) != 0 &&
			    strcmp(fs->f[a].path, fs->f[b].path) == 0) {
				fprintf(stderr, "%s: error: NSGs '%s' and '%s' "
				    "make the same flow log path %s: rename "
				    "one\n", j->topo.file, fs->f[a].nsg,
				    fs->f[b].nsg, fs->f[a].path);
				return -1;
			}
	return 0;
}

int
cmd_flowlog(int argc, char **argv)
{
	const char *out = NULL;
	struct flset fs = { NULL, 0 };
	struct job j;
	int c, rc, status = 0;
	size_t i;

	optind = 1;
	while ((c = help_getopt("flowlog", argc, argv)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': return 0;
		default: return EXIT_BADINPUT;
		}
	}
	if ((c = help_operands("flowlog", argc, argv, 1, 1,
	    "scenario FILE")) != 0)
		return c;
	if (job_load(&j, argv[optind]) != 0) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	diag_print(stderr, &j.diag);
	if ((rc = job_run(&j)) != 0 || (rc = fl_collect(&j, &fs)) != 0) {
		fprintf(stderr, "ftsim: %s: %s\n", j.topo.file, strerror(-rc));
		status = EXIT_BADINPUT;
	} else if (fl_same_path(&j, &fs) != 0) {
		status = EXIT_BADINPUT;
	} else if (out != NULL) {
		if (fl_write(&fs, out) != 0) {
			status = EXIT_BADINPUT;
		} else {
			for (i = 0; i < fs.n; i++)
				printf("%s/%s\n", out, fs.f[i].path);
		}
	} else {
		/* One document: blob path -> its contents. */
		json_t *all = json_object();
		for (i = 0; i < fs.n && all != NULL; i++)
			if (json_object_set(all, fs.f[i].path,
			    fs.f[i].doc) != 0) {
				json_decref(all);
				all = NULL;
			}
		if (print_json(all) != 0)
			status = EXIT_BADINPUT;
	}
	fl_free(&fs);
	job_free(&j);
	return status;
}
