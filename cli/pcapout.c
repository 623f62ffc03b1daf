/*
 * pcapout.c: `ftsim run --pcap DIR`: every flow's exchange (sim/xchg.h)
 * written to one capture file per capture point, all or nothing
 * (capture/pcapw.h). Flows follow each other on the simulated clock:
 * each starts on the whole second after the last one ended.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "capture/pcapw.h"
#include "cli/pcapout.h"
#include "sim/xchg.h"

/* --capture a,b,c */
int
capsel_parse(const char *arg, struct capsel *sel)
{
	char *copy, *tok, *save = NULL;

	if ((copy = strdup(arg)) == NULL)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char **v = realloc(sel->names, (sel->n + 1) * sizeof(*v));
		if (v == NULL || (v[sel->n] = strdup(tok)) == NULL) {
			if (v != NULL)
				sel->names = v;
			free(copy);
			return -1;
		}
		sel->names = v;
		sel->n++;
	}
	free(copy);
	return sel->n > 0 ? 0 : -1;
}

void
capsel_free(struct capsel *sel)
{
	size_t i;

	for (i = 0; i < sel->n; i++)
		free(sel->names[i]);
	free(sel->names);
}

bool
pcapout_selected(const struct capsel *sel, const struct sim *s, size_t pt)
{
	const char *name = sim_point_name(s, pt);
	const char *kind = cap_kind_name(sim_point_kind(s, pt));
	size_t i;

	if (sel == NULL || sel->n == 0)
		return true;
	for (i = 0; i < sel->n; i++)
		if (strcmp(sel->names[i], name) == 0 ||
		    strcmp(sel->names[i], kind) == 0)
			return true;
	return false;
}

struct sinkctx {
	struct capwriter *w;
	const struct sim *s;
	const struct capsel *sel;
};

static int
pcapout_sink(void *arg, struct flow_result *r, const struct xpkt *x)
{
	struct sinkctx *c = arg;
	uint32_t no;
	int rc;

	if (!pcapout_selected(c->sel, c->s, x->point))
		return 0;
	if ((rc = capw_write(c->w, x->point, sim_point_name(c->s, x->point),
	    x->ts_us, x->eth_src, x->eth_dst, x->p, &no)) != 0)
		return rc;
	if (x->first && r->xing[x->xing].pktno == 0)
		r->xing[x->xing].pktno = no;
	return 0;
}

uint64_t
pcapout_next_start(uint64_t end_us)
{
	return (end_us / 1000000 + 1) * 1000000;
}

int
pcapout_run(struct sim *s, struct flow_result *res, size_t n,
	    const char *dir, const struct capsel *sel, size_t *nfiles,
	    uint64_t *npackets)
{
	struct sinkctx c = { NULL, s, sel };
	struct xchg_count cnt;
	uint64_t t0 = 0, end;
	char err[512] = "";
	size_t i;
	int rc;

	if ((rc = capw_open(dir, &c.w, err, sizeof(err))) != 0) {
		fprintf(stderr, "ftsim: %s\n", err[0] ? err : strerror(-rc));
		return rc;
	}
	for (i = 0; i < n; i++) {
		if ((rc = xchg_run(s, &res[i], t0, pcapout_sink, &c, &cnt,
		    &end)) != 0) {
			capw_abort(c.w);
			fprintf(stderr, "ftsim: %s: cannot write captures: %s\n",
				dir, strerror(-rc));
			return rc;
		}
		t0 = pcapout_next_start(end);
	}
	*nfiles = capw_nfiles(c.w);
	*npackets = capw_npackets(c.w);
	rc = capw_commit(c.w, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "ftsim: %s\n", err[0] ? err : strerror(-rc));
	return rc;
}
