/*
 * expect.c: a flow's result against its expectations (FORMAT.md expect).
 * Each check records what was wanted and what came out, as text, so the
 * trace and the JSON show both.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/services.h"
#include "sim/trace.h"
#include "sim/walk.h"

static const char *
yesno(bool b)
{
	return b ? "true" : "false";
}

/* via: the listed nodes appear in the path in this order, others may
 * sit between them. */
static bool
via_ok(const struct flow_result *r, char **via, size_t n)
{
	size_t i = 0, k;

	for (k = 0; k < r->npath && i < n; k++)
		if (strcasecmp(fr_str(r, r->path[k]), via[i]) == 0)
			i++;
	return i == n;
}

/* not_via: none of the listed nodes is on the path. */
static const char *
not_via_hit(const struct flow_result *r, char **nodes, size_t n)
{
	size_t i, k;

	for (k = 0; k < r->npath; k++)
		for (i = 0; i < n; i++)
			if (strcasecmp(fr_str(r, r->path[k]), nodes[i]) == 0)
				return nodes[i];
	return NULL;
}

/* The texts of a check being written: growable, never cut. */
struct texts {
	struct tline want, got;
	int err;
};

static void
put(struct tline *b, struct texts *x, const char *s)
{
	if (x->err == 0)
		x->err = tline_puts(b, s);
}

static void
join(struct tline *b, struct texts *x, char **v, size_t n)
{
	size_t i;

	tline_reset(b);
	put(b, x, "");
	for (i = 0; i < n; i++) {
		if (i)
			put(b, x, ", ");
		put(b, x, v[i]);
	}
}

static void
check(struct flow_result *r, struct texts *x, enum exp_key key, bool ok,
      const char *want, const char *got)
{
	struct exp_result *e = &r->exp[r->nexp];
	uintptr_t p0 = (uintptr_t)r->pool;
	size_t goff = SIZE_MAX;
	int rc;

	if (x->err != 0)
		return;
	e->key = key;
	e->ok = ok;
	/* got may be a string of the pool (the NSG rule), which the first
	 * copy may move. */
	if (p0 != 0 && (uintptr_t)got >= p0 && (uintptr_t)got < p0 + r->npool)
		goff = (size_t)((uintptr_t)got - p0);
	if ((rc = fr_put(r, want, strlen(want), NULL, 0, &e->want)) != 0) {
		x->err = rc;
		return;
	}
	if (goff != SIZE_MAX)
		got = r->pool + goff;
	if ((rc = fr_put(r, got, strlen(got), NULL, 0, &e->got)) != 0) {
		x->err = rc;
		return;
	}
	r->nexp++;
	if (!ok)
		r->all_ok = false;
}

int
expect_check(struct flow_result *r)
{
	const struct expect *x = &r->flow->expect;
	char want[IP_STRLEN], got[IP_STRLEN + 32], ip[IP_STRLEN];
	struct texts tx = { 0 };
	size_t i;

	r->nexp = 0;
	r->all_ok = true;

	if (x->have & (1u << EXP_DELIVERED))
		check(r, &tx, EXP_DELIVERED, x->delivered == r->delivered,
		      yesno(x->delivered), yesno(r->delivered));
	if (x->have & (1u << EXP_TCP_CONNECT))
		check(r, &tx, EXP_TCP_CONNECT, x->tcp_connect == r->tcp_connect,
		      yesno(x->tcp_connect), yesno(r->tcp_connect));
	if (x->have & (1u << EXP_ACTIVATION))
		check(r, &tx, EXP_ACTIVATION, x->activation == r->activation,
		      activation_name(x->activation),
		      activation_name(r->activation));
	if (x->have & (1u << EXP_SOURCE_SEEN)) {
		if (x->source_is_ip) {
			ip_format(x->source_ip, want);
			if (r->has_source_seen)
				ip_format(r->source_seen, got);
			else
				snprintf(got, sizeof(got), "none");
			check(r, &tx, EXP_SOURCE_SEEN, r->has_source_seen &&
			      r->source_seen == x->source_ip, want, got);
		} else {
			/* "CLASS (ADDRESS)": both bounded */
			snprintf(got, sizeof(got), "%s", r->has_source_seen ?
				 srcclass_name(r->source_class) : "none");
			if (r->has_source_seen)
				snprintf(got + strlen(got),
					 sizeof(got) - strlen(got), " (%s)",
					 ip_format(r->source_seen, ip));
			check(r, &tx, EXP_SOURCE_SEEN, r->has_source_seen ?
			      r->source_class == x->source_class :
			      x->source_class == SRC_NONE,
			      srcclass_name(x->source_class), got);
		}
	}
	if (x->have & (1u << EXP_HAIRPIN))
		check(r, &tx, EXP_HAIRPIN, x->hairpin == r->hairpin,
		      hairpin_name(x->hairpin), hairpin_name(r->hairpin));
	if (x->have & (1u << EXP_VIA)) {
		join(&tx.want, &tx, x->via, x->nvia);
		/* The whole path, as the verdict reads it. */
		tline_reset(&tx.got);
		put(&tx.got, &tx, "");
		for (i = 0; i < r->npath; i++) {
			if (i)
				put(&tx.got, &tx, ", ");
			put(&tx.got, &tx, fr_str(r, r->path[i]));
		}
		if (tx.err == 0)
			check(r, &tx, EXP_VIA, via_ok(r, x->via, x->nvia),
			      tx.want.s, tx.got.s);
	}
	if (x->have & (1u << EXP_NOT_VIA)) {
		const char *hit = not_via_hit(r, x->not_via, x->nnot_via);

		join(&tx.want, &tx, x->not_via, x->nnot_via);
		tline_reset(&tx.got);
		if (hit) {
			put(&tx.got, &tx, "crossed ");
			put(&tx.got, &tx, hit);
		} else {
			put(&tx.got, &tx, "none of them crossed");
		}
		if (tx.err == 0)
			check(r, &tx, EXP_NOT_VIA, hit == NULL, tx.want.s,
			      tx.got.s);
	}
	if (x->have & (1u << EXP_NSG_RULE)) {
		const char *rule = r->nsg_rule ? fr_str(r, r->nsg_rule)
					       : "none";

		check(r, &tx, EXP_NSG_RULE, x->nsg_rule != NULL &&
		      strcasecmp(x->nsg_rule, rule) == 0,
		      x->nsg_rule ? x->nsg_rule : "none", rule);
	}
	if (x->have & (1u << EXP_FLOW_LOGGED))
		check(r, &tx, EXP_FLOW_LOGGED, x->flow_logged == r->flow_logged,
		      yesno(x->flow_logged), yesno(r->flow_logged));
	if (x->have & (1u << EXP_IP_FLOW_VERIFY))
		check(r, &tx, EXP_IP_FLOW_VERIFY,
		      x->ip_flow_verify == r->ip_flow_verify,
		      x->ip_flow_verify == ACCESS_ALLOW ? "Allow" : "Deny",
		      r->ip_flow_verify == ACCESS_ALLOW ? "Allow" : "Deny");
	if (x->have & (1u << EXP_DROP_REASON)) {
		const char *w = x->drop_reason ? x->drop_reason : "none";
		const char *g = r->drop_reason ? r->drop_reason : "none";
		check(r, &tx, EXP_DROP_REASON, strcasecmp(w, g) == 0, w, g);
	}
	if (x->have & (1u << EXP_ASYMMETRIC))
		check(r, &tx, EXP_ASYMMETRIC, x->asymmetric == r->asymmetric,
		      yesno(x->asymmetric), yesno(r->asymmetric));
	tline_free(&tx.want);
	tline_free(&tx.got);
	return tx.err;
}
