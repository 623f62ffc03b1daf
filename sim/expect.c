/*
 * expect.c: a flow's result against its expectations (FORMAT.md expect).
 * Each check records what was wanted and what came out, as text, so the
 * trace and the JSON show both.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/services.h"
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
		if (strcasecmp(r->path[k], via[i]) == 0)
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
			if (strcasecmp(r->path[k], nodes[i]) == 0)
				return nodes[i];
	return NULL;
}

static void
join(char *buf, size_t len, char **v, size_t n, const char *sep)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		int k = snprintf(buf + o, len - o, "%s%s", i ? sep : "", v[i]);
		if (k < 0)
			return;
		o += (size_t)k;
	}
}

static void
check(struct flow_result *r, enum exp_key key, bool ok, const char *want,
      const char *got)
{
	struct exp_result *e = &r->exp[r->nexp++];

	e->key = key;
	e->ok = ok;
	snprintf(e->want, sizeof(e->want), "%s", want);
	snprintf(e->got, sizeof(e->got), "%s", got);
	if (!ok)
		r->all_ok = false;
}

void
expect_check(struct flow_result *r)
{
	const struct expect *x = &r->flow->expect;
	char want[256], got[256], ip[IP_STRLEN];
	size_t i, o;

	r->nexp = 0;
	r->all_ok = true;

	if (x->have & (1u << EXP_DELIVERED))
		check(r, EXP_DELIVERED, x->delivered == r->delivered,
		      yesno(x->delivered), yesno(r->delivered));
	if (x->have & (1u << EXP_TCP_CONNECT))
		check(r, EXP_TCP_CONNECT, x->tcp_connect == r->tcp_connect,
		      yesno(x->tcp_connect), yesno(r->tcp_connect));
	if (x->have & (1u << EXP_ACTIVATION))
		check(r, EXP_ACTIVATION, x->activation == r->activation,
		      activation_name(x->activation),
		      activation_name(r->activation));
	if (x->have & (1u << EXP_SOURCE_SEEN)) {
		if (x->source_is_ip) {
			ip_format(x->source_ip, want);
			if (r->has_source_seen)
				ip_format(r->source_seen, got);
			else
				snprintf(got, sizeof(got), "none");
			check(r, EXP_SOURCE_SEEN, r->has_source_seen &&
			      r->source_seen == x->source_ip, want, got);
		} else {
			snprintf(got, sizeof(got), "%s", r->has_source_seen ?
				 srcclass_name(r->source_class) : "none");
			if (r->has_source_seen)
				snprintf(got + strlen(got),
					 sizeof(got) - strlen(got), " (%s)",
					 ip_format(r->source_seen, ip));
			check(r, EXP_SOURCE_SEEN, r->has_source_seen ?
			      r->source_class == x->source_class :
			      x->source_class == SRC_NONE,
			      srcclass_name(x->source_class), got);
		}
	}
	if (x->have & (1u << EXP_HAIRPIN))
		check(r, EXP_HAIRPIN, x->hairpin == r->hairpin,
		      hairpin_name(x->hairpin), hairpin_name(r->hairpin));
	if (x->have & (1u << EXP_VIA)) {
		join(want, sizeof(want), x->via, x->nvia, ", ");
		/* The path as text: cut at got's size (a trace line), the
		 * verdict is via_ok's over the whole path. */
		got[0] = '\0';
		for (i = 0, o = 0; i < r->npath && o < sizeof(got); i++) {
			int k = snprintf(got + o, sizeof(got) - o, "%s%s",
					 i ? ", " : "", r->path[i]);
			if (k < 0)
				break;
			o += (size_t)k;
		}
		check(r, EXP_VIA, via_ok(r, x->via, x->nvia), want, got);
	}
	if (x->have & (1u << EXP_NOT_VIA)) {
		const char *hit = not_via_hit(r, x->not_via, x->nnot_via);

		join(want, sizeof(want), x->not_via, x->nnot_via, ", ");
		if (hit)
			snprintf(got, sizeof(got), "crossed %s", hit);
		else
			snprintf(got, sizeof(got), "none of them crossed");
		check(r, EXP_NOT_VIA, hit == NULL, want, got);
	}
	if (x->have & (1u << EXP_NSG_RULE))
		check(r, EXP_NSG_RULE, x->nsg_rule != NULL &&
		      strcasecmp(x->nsg_rule, r->nsg_rule[0] ? r->nsg_rule
							      : "none") == 0,
		      x->nsg_rule ? x->nsg_rule : "none",
		      r->nsg_rule[0] ? r->nsg_rule : "none");
	if (x->have & (1u << EXP_FLOW_LOGGED))
		check(r, EXP_FLOW_LOGGED, x->flow_logged == r->flow_logged,
		      yesno(x->flow_logged), yesno(r->flow_logged));
	if (x->have & (1u << EXP_IP_FLOW_VERIFY))
		check(r, EXP_IP_FLOW_VERIFY,
		      x->ip_flow_verify == r->ip_flow_verify,
		      x->ip_flow_verify == ACCESS_ALLOW ? "Allow" : "Deny",
		      r->ip_flow_verify == ACCESS_ALLOW ? "Allow" : "Deny");
	if (x->have & (1u << EXP_DROP_REASON)) {
		const char *w = x->drop_reason ? x->drop_reason : "none";
		const char *g = r->drop_reason ? r->drop_reason : "none";
		check(r, EXP_DROP_REASON, strcasecmp(w, g) == 0, w, g);
	}
	if (x->have & (1u << EXP_ASYMMETRIC))
		check(r, EXP_ASYMMETRIC, x->asymmetric == r->asymmetric,
		      yesno(x->asymmetric), yesno(r->asymmetric));
}
