/*
 * out_json.c: the JSON documents of FORMAT.md, built with jansson. Keys
 * keep insertion order, so the output is stable run to run.
 */
#include <string.h>

#include "cli/out.h"

static json_t *
jip(uint32_t ip)
{
	char buf[IP_STRLEN];

	return json_string(ip_format(ip, buf));
}

static json_t *
jstr_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *
json_hop(const struct run *run, const struct flow_result *r, size_t i)
{
	const struct hop *h = &r->hops[i];
	json_t *o, *caps = json_array();
	struct tline what = { 0 }, why = { 0 };
	size_t k;

	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:o, s:i}",
		      "direction", h->reply ? "reply" : "request",
		      "node", trace_node(r, h), "what", out_what(&what, r, h),
		      "why", out_why(&why, r, h),
		      "src", jip(h->src), "sport", (int)h->sport,
		      "dst", jip(h->dst), "dport", (int)h->dport);
	tline_free(&what);
	tline_free(&why);
	for (k = 0; run->captures && k < r->nxing; k++) {
		const struct xing *x = &r->xing[k];
		char file[SIM_NODE_LEN + 40];
		if (x->hop != i || x->pktno == 0)
			continue;
		snprintf(file, sizeof(file), "%s.pcap",
			 sim_point_name(run->sim, x->point));
		json_array_append_new(caps, json_pack("{s:s, s:i}", "file",
			file, "packet", (json_int_t)x->pktno));
	}
	if (run->captures)
		json_object_set_new(o, "captures", caps);
	else
		json_decref(caps);
	return o;
}

json_t *
out_json_flow(const struct run *run, const struct flow_result *r)
{
	const struct topo *t = run->topo;
	json_t *o, *path, *rpath, *exps, *trace;
	char from[IP_STRLEN];
	size_t i;

	path = json_array();
	for (i = 0; i < r->npath; i++)
		json_array_append_new(path, json_string(fr_str(r, r->path[i])));
	rpath = json_array();
	for (i = 0; i < r->nrpath; i++)
		json_array_append_new(rpath, json_string(fr_str(r, r->rpath[i])));
	exps = json_array();
	for (i = 0; i < r->nexp; i++)
		json_array_append_new(exps, json_pack("{s:s, s:s, s:s, s:b}",
			"key", exp_key_name(r->exp[i].key),
			"want", fr_str(r, r->exp[i].want),
			"got", fr_str(r, r->exp[i].got),
			"ok", r->exp[i].ok));
	trace = json_array();
	for (i = 0; i < r->nhops; i++)
		json_array_append_new(trace, json_hop(run, r, i));

	o = json_object();
	json_object_set_new(o, "name", json_string(r->flow->name));
	json_object_set_new(o, "from", json_string(topo_flow_from(t, r->flow,
							       from)));
	json_object_set_new(o, "to", jip(r->dst));
	json_object_set_new(o, "to_name", json_string(r->flow->to));
	json_object_set_new(o, "protocol", json_string(proto_name(r->flow->proto)));
	json_object_set_new(o, "port", json_integer(r->flow->port));
	json_object_set_new(o, "source_port", json_integer(r->sport));
	json_object_set_new(o, "delivered", json_boolean(r->delivered));
	json_object_set_new(o, "tcp_connect", json_boolean(r->tcp_connect));
	json_object_set_new(o, "activation", r->activation == ACT_NONE
			    ? json_null() : json_string(activation_name(r->activation)));
	json_object_set_new(o, "source_seen", r->has_source_seen
			    ? jip(r->source_seen) : json_null());
	json_object_set_new(o, "source_class", r->has_source_seen
			    ? json_string(srcclass_name(r->source_class))
			    : json_null());
	json_object_set_new(o, "hairpin", json_string(hairpin_name(r->hairpin)));
	json_object_set_new(o, "path", path);
	json_object_set_new(o, "nsg_rule", jstr_or_null(fr_str(r, r->nsg_rule)));
	json_object_set_new(o, "nsg_rule_hidden", json_boolean(r->nsg_rule_hidden));
	json_object_set_new(o, "flow_logged", json_boolean(r->flow_logged));
	json_object_set_new(o, "ip_flow_verify",
			    json_string(r->ip_flow_verify == ACCESS_ALLOW ? "Allow" : "Deny"));
	json_object_set_new(o, "ip_flow_verify_rule",
			    jstr_or_null(fr_str(r, r->ip_flow_verify_rule)));
	json_object_set_new(o, "drop_reason", jstr_or_null(r->drop_reason));
	json_object_set_new(o, "replied", json_boolean(r->replied));
	json_object_set_new(o, "reply_delivered",
			    json_boolean(r->reply_delivered));
	json_object_set_new(o, "asymmetric", json_boolean(r->asymmetric));
	json_object_set_new(o, "reply_drop_reason",
			    jstr_or_null(r->reply_drop_reason));
	json_object_set_new(o, "reply_path", rpath);
	json_object_set_new(o, "ok", json_boolean(r->all_ok));
	json_object_set_new(o, "expectations", exps);
	json_object_set_new(o, "trace", trace);
	return o;
}

json_t *
out_json_run(const struct run *run)
{
	const struct topo *t = run->topo;
	json_t *doc, *flows, *warns;
	size_t i;

	flows = json_array();
	for (i = 0; i < run->nres; i++)
		json_array_append_new(flows, out_json_flow(run, &run->res[i]));
	warns = json_array();
	for (i = 0; run->warnings && i < run->warnings->n; i++) {
		const struct diag_msg *m = &run->warnings->msgs[i];
		json_array_append_new(warns, json_pack("{s:s, s:i, s:i, s:s}",
			"file", m->pos.file ? m->pos.file : "",
			"line", m->pos.line, "col", m->pos.col,
			"message", m->text));
	}
	doc = json_object();
	json_object_set_new(doc, "scenario", json_string(t->scenario));
	json_object_set_new(doc, "file", json_string(t->file));
	json_object_set_new(doc, "cloud", json_string(cloud_name(t->cloud)));
	json_object_set_new(doc, "service_tags",
			    json_string(t->tags ? t->tags->origin : ""));
	json_object_set_new(doc, "warnings", warns);
	json_object_set_new(doc, "flows", flows);
	return doc;
}

/* The shape of `az network nic show-effective-route-table` [S28]. */
json_t *
out_json_routes(const struct rtable *rt)
{
	const struct topo *t = rt->topo;
	const struct subnet *sn = &t->vnets[rt->vnet].subnets[rt->subnet];
	bool disable = sn->route_table != TOPO_NONE &&
		       t->rtables[sn->route_table].disable_bgp_propagation;
	json_t *value = json_array();
	size_t i, k;

	for (i = 0; i < rt->n; i++) {
		const struct eroute *e = &rt->r[i];
		char pf[PFX_STRLEN];
		json_t *ips = json_array(), *o;

		for (k = 0; k < e->nnh; k++)
			json_array_append_new(ips, jip(e->nh_ips[k]));
		o = json_object();
		json_object_set_new(o, "name", jstr_or_null(e->name));
		json_object_set_new(o, "disableBgpRoutePropagation",
				    json_boolean(disable));
		json_object_set_new(o, "source", json_string(rt_source_name(e->source)));
		json_object_set_new(o, "state", json_string(rt_state_name(e->state)));
		json_object_set_new(o, "addressPrefix",
				    json_pack("[s]", pfx_format(e->pfx, pf)));
		json_object_set_new(o, "nextHopIpAddress", ips);
		json_object_set_new(o, "nextHopType", json_string(nh_type_name(e->nh)));
		json_array_append_new(value, o);
	}
	return json_pack("{s:n, s:o}", "nextLink", "value", value);
}
