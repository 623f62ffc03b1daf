/*
 * ladder.c: `ftsim run --ladder`: a text sequence diagram of a flow's
 * exchange. One column per capture point, in the order the packets meet
 * them; the first packet of each direction is drawn hop by hop with its
 * addresses as they are on each link (the NATs show), the others end to
 * end. Built from the same exchange as the captures (sim/xchg.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pcapout.h"
#include "sim/xchg.h"

#define LADDER_COLW	16	/* column width */
#define LADDER_MAXPKT	XCHG_MAX_STEPS	/* every packet of an exchange */

/* A packet as the diagram needs it: where it was, what it carried. */
struct lpkt {
	uint8_t flags;
	bool rev, udp;
	size_t plen;
	size_t n;
	struct {
		int col;
		uint32_t src, dst;
		uint16_t sport, dport;
	} *at;			/* at most one per crossing of the flow */
};

/* The diagram: a column per capture point the exchange meets (as many
 * as the flow's crossings at most) and its packets. */
struct ladder {
	const struct sim *s;
	uint32_t *cols;
	size_t ncols;
	char *line;		/* a row: LADDER_COLW per column */
	struct lpkt p[LADDER_MAXPKT];
	size_t np;
	int first[2];		/* first crossing index of each direction */
};

static int
col_of(struct ladder *l, uint32_t point)
{
	size_t i;

	for (i = 0; i < l->ncols; i++)
		if (l->cols[i] == point)
			return (int)i;
	l->cols[l->ncols] = point;
	return (int)l->ncols++;
}

static int
ladder_sink(void *arg, struct flow_result *r, const struct xpkt *x)
{
	struct ladder *l = arg;
	const struct xing *xg = &r->xing[x->xing];
	struct lpkt *p;

	if ((int)x->xing == l->first[xg->reply]) {
		if (l->np == LADDER_MAXPKT)
			return 0;
		p = &l->p[l->np++];
		p->n = 0;
		p->rev = xg->reply;
		p->udp = pkt_proto(x->p) != 6;
		p->flags = pkt_tcp_flags(x->p);
		p->plen = pkt_payload_len(x->p);
	} else if (l->np == 0) {
		return 0;
	}
	p = &l->p[l->np - 1];
	if (p->n < r->nxing) {
		p->at[p->n].col = col_of(l, xg->point);
		p->at[p->n].src = pkt_src(x->p);
		p->at[p->n].dst = pkt_dst(x->p);
		p->at[p->n].sport = pkt_sport(x->p);
		p->at[p->n].dport = pkt_dport(x->p);
		p->n++;
	}
	return 0;
}

static const char *
what(const struct lpkt *p, const struct flow_result *r, char *buf,
     size_t len)
{
	static const struct { uint8_t f; const char *n; } names[] = {
		{ PKT_SYN, "SYN" }, { PKT_SYN | PKT_ACK, "SYN-ACK" },
		{ PKT_ACK, "ACK" }, { PKT_PSH | PKT_ACK, "PSH-ACK" },
		{ PKT_FIN | PKT_ACK, "FIN-ACK" }, { PKT_RST | PKT_ACK, "RST-ACK" },
	};
	size_t i;

	if (p->udp) {
		bool dns = r->flow->port == 53;
		snprintf(buf, len, "%s", dns ? (p->rev ? "DNS answer"
					       : "DNS query") : "UDP");
		return buf;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].f == p->flags) {
			if (p->plen)
				snprintf(buf, len, "%s %zuB", names[i].n,
					 p->plen);
			else
				snprintf(buf, len, "%s", names[i].n);
			return buf;
		}
	snprintf(buf, len, "TCP 0x%02x", p->flags);
	return buf;
}

/* One row: bars at every column, an arrow from column a to column b. */
static void
row(FILE *f, const struct ladder *l, int a, int b, char end,
    const char *label)
{
	char *line = l->line;
	int i, w = (int)l->ncols * LADDER_COLW, lo, hi;

	memset(line, ' ', (size_t)w);
	line[w] = '\0';
	for (i = 0; i < (int)l->ncols; i++)
		line[i * LADDER_COLW + LADDER_COLW / 2] = '|';
	if (a >= 0 && b >= 0 && a != b) {
		lo = (a < b ? a : b) * LADDER_COLW + LADDER_COLW / 2;
		hi = (a < b ? b : a) * LADDER_COLW + LADDER_COLW / 2;
		for (i = lo + 1; i < hi; i++)
			line[i] = '-';
		if (a < b)
			line[hi - 1] = '>';
		else
			line[lo + 1] = '<';
	}
	if (end && b >= 0)
		line[b * LADDER_COLW + LADDER_COLW / 2] = end;
	/* Trailing blanks off, then the label. */
	for (i = w - 1; i >= 0 && line[i] == ' '; i--)
		line[i] = '\0';
	fprintf(f, "  %-*s  %s\n", w, line, label);
}

static void
addr(char *buf, size_t len, uint32_t ip, uint16_t port)
{
	char a[IP_STRLEN];

	snprintf(buf, len, "%s:%u", ip_format(ip, a), port);
}

int
ladder_print(FILE *f, struct sim *s, struct flow_result *r)
{
	struct ladder l;
	struct xchg_count cnt;
	uint64_t end;
	char lab[160], w[32], sa[32], da[32];
	size_t i, k;
	int rc;

	memset(&l, 0, sizeof(l));
	l.s = s;
	l.first[0] = l.first[1] = -1;
	if ((l.cols = calloc(r->nxing + 1, sizeof(*l.cols))) == NULL)
		return -ENOMEM;
	for (i = 0; i < LADDER_MAXPKT; i++)
		if ((l.p[i].at = calloc(r->nxing + 1,
					sizeof(*l.p[i].at))) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
	for (i = 0; i < r->nxing; i++)
		if (l.first[r->xing[i].reply] < 0)
			l.first[r->xing[i].reply] = (int)i;
	/* Columns in the order the packets meet them. */
	for (i = 0; i < r->nxing; i++)
		(void)col_of(&l, r->xing[i].point);
	if ((rc = xchg_run(s, r, 0, ladder_sink, &l, &cnt, &end)) != 0)
		goto out;
	if ((l.line = malloc(l.ncols * LADDER_COLW + 1)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}

	fputs("  ", f);
	for (i = 0; i < l.ncols; i++) {
		const char *name = sim_point_name(s, l.cols[i]);
		const char *kind = cap_kind_name(sim_point_kind(s, l.cols[i]));
		const char *short_name = name;
		int len;

		if (strncmp(name, kind, strlen(kind)) == 0 &&
		    name[strlen(kind)] == '-')
			short_name = name + strlen(kind) + 1;
		len = (int)strlen(short_name);
		if (len > LADDER_COLW - 1)
			len = LADDER_COLW - 1;
		fprintf(f, "%*s%.*s%*s", (LADDER_COLW - len) / 2, "", len,
			short_name, LADDER_COLW - len - (LADDER_COLW - len) / 2,
			"");
	}
	fputc('\n', f);
	for (i = 0; i < l.np; i++) {
		const struct lpkt *p = &l.p[i];
		bool whole = i == 0 || (p->rev && !l.p[i - 1].rev && i == 1);

		if (p->n == 0)
			continue;
		if (whole) {
			/* Hop by hop, with the addresses on each link. */
			for (k = 1; k < p->n; k++) {
				if (p->at[k].col == p->at[k - 1].col)
					continue;
				addr(sa, sizeof(sa), p->at[k].src,
				     p->at[k].sport);
				addr(da, sizeof(da), p->at[k].dst,
				     p->at[k].dport);
				snprintf(lab, sizeof(lab), "%s %s > %s",
					 k == 1 ? what(p, r, w, sizeof(w)) : "",
					 sa, da);
				row(f, &l, p->at[k - 1].col, p->at[k].col, 0,
				    lab[0] == ' ' ? lab + 1 : lab);
			}
		} else {
			addr(sa, sizeof(sa), p->at[0].src, p->at[0].sport);
			addr(da, sizeof(da), p->at[0].dst, p->at[0].dport);
			snprintf(lab, sizeof(lab), "%s %s > %s",
				 what(p, r, w, sizeof(w)), sa, da);
			row(f, &l, p->at[0].col, p->at[p->n - 1].col, 0, lab);
		}
	}
	/* Where the exchange stopped, if it did. */
	if (!r->delivered && l.np > 0) {
		const struct lpkt *p = &l.p[0];
		snprintf(lab, sizeof(lab), "dropped: %s",
			 r->drop_reason ? r->drop_reason : "?");
		row(f, &l, -1, p->at[p->n - 1].col, 'X', lab);
	} else if (r->replied && (!r->reply_delivered || r->asymmetric) &&
		   l.np > 1) {
		const struct lpkt *p = &l.p[1];
		snprintf(lab, sizeof(lab), "reply lost: %s",
			 r->reply_drop_reason ? r->reply_drop_reason : "?");
		row(f, &l, -1, p->at[p->n - 1].col, 'X', lab);
	}
out:
	for (i = 0; i < LADDER_MAXPKT; i++)
		free(l.p[i].at);
	free(l.cols);
	free(l.line);
	return rc;
}
