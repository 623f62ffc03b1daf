/*
 * azjson.c: the Azure export reader of azjson.h.
 *
 * Every input file is classified by its shape (an ARM template, an
 * effective route table, a list, one resource) and each resource is read
 * into a builder by its type. When every file is read, the builder's
 * names are resolved (a subnet's route table and NSG, peerings, a NIC's
 * subnet, gateways and circuits) and the topology is filled in one pass;
 * on any error nothing of it is kept.
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "topology/azjson.h"
#include "topology/azjson_int.h"
#include "topology/estate.h"
#include "topology/scenario.h"
#include "topology/yamlout.h"

/*
 * Messages and notes.
 */

void
az_err(struct az *z, const char *where, const char *fmt, ...)
{
	struct srcpos pos = { z->file, 0, 0 };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(z->d, pos, "%s: %s", where, msg);
	z->nerr++;
}

void
az_note(struct az *z, const char *fmt, ...)
{
	char msg[512], *line, **nl;
	va_list ap;

	if (z->notes == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((nl = realloc(z->notes->line, (z->notes->n + 1) *
	    sizeof(*nl))) == NULL || (line = strdup(msg)) == NULL) {
		if (nl != NULL)
			z->notes->line = nl;
		z->err = -ENOMEM;
		return;
	}
	z->notes->line = nl;
	nl[z->notes->n++] = line;
}

void
azjson_notes_free(struct azjson_notes *notes)
{
	size_t i;

	if (notes == NULL)
		return;
	for (i = 0; i < notes->n; i++)
		free(notes->line[i]);
	free(notes->line);
	notes->line = NULL;
	notes->n = 0;
}

int
azjson_is_json(const char *path)
{
	size_t n = path != NULL ? strlen(path) : 0;

	return n > 5 && strcasecmp(path + n - 5, ".json") == 0;
}

/* A new zeroed element at the end of *arr; NULL (and z->err) when out
 * of memory. */
void *
az_push(struct az *z, void **arr, size_t *n, size_t sz)
{
	void *p = realloc(*arr, (*n + 1) * sz);

	if (p == NULL) {
		z->err = -ENOMEM;
		return NULL;
	}
	*arr = p;
	memset((char *)p + *n * sz, 0, sz);
	return (char *)p + (*n)++ * sz;
}

char *
az_strdup(struct az *z, const char *s)
{
	char *c;

	if (s == NULL)
		return NULL;
	if ((c = strdup(s)) == NULL)
		z->err = -ENOMEM;
	return c;
}

/*
 * ARM template expressions: "[parameters('x')]", "[concat(a, '/b')]",
 * "[resourceId('Microsoft.Network/routeTables', parameters('x'))]",
 * variables(), toLower(), toUpper(); a string not in brackets is itself
 * ("[[" escapes a bracket).
 */

struct expr {
	const char *p;
	bool bad;
};

static void
ex_ws(struct expr *e)
{
	while (*e->p == ' ' || *e->p == '\t')
		e->p++;
}

static char *ex_eval(struct az *z, struct expr *e);

/* A JSON value as a string (the default of a parameter). */
static char *
ex_value(struct az *z, json_t *v)
{
	if (json_is_object(v) && json_object_get(v, "defaultValue") != NULL)
		v = json_object_get(v, "defaultValue");
	if (!json_is_string(v))
		return NULL;
	return az_strdup(z, json_string_value(v));
}

static char *
ex_call(struct az *z, struct expr *e, const char *fn, size_t fnlen)
{
	char *args[8], *res = NULL;
	size_t nargs = 0, i, len;

	e->p++;		/* '(' */
	ex_ws(e);
	while (*e->p != ')' && !e->bad) {
		if (nargs == 8 || (args[nargs] = ex_eval(z, e)) == NULL) {
			e->bad = true;
			break;
		}
		nargs++;
		ex_ws(e);
		if (*e->p == ',')
			e->p++;
		else if (*e->p != ')')
			e->bad = true;
		ex_ws(e);
	}
	if (e->bad)
		goto out;
	e->p++;
#define FN(s) (fnlen == strlen(s) && strncasecmp(fn, s, fnlen) == 0)
	if (FN("parameters") && nargs == 1)
		res = ex_value(z, json_object_get(z->params, args[0]));
	else if (FN("variables") && nargs == 1)
		res = ex_value(z, json_object_get(z->vars, args[0]));
	else if (FN("concat") || FN("resourceId") || FN("toLower") ||
	    FN("toUpper")) {
		size_t first = 0;

		/* resourceId([subscriptionId,] [resourceGroup,] type,
		 * name...): the type is the first argument with a '/'. */
		if (FN("resourceId"))
			while (first < nargs && strchr(args[first], '/') ==
			    NULL)
				first++;
		/* Each argument at most once (all of them when resourceId
		 * has no type), the type at most three times its length:
		 * "/providers/" and every segment with its two slashes. */
		for (i = 0, len = 1 + sizeof("/providers/"); i < nargs; i++)
			len += strlen(args[i]) * (i == first ? 3 : 1) + 1;
		if ((res = calloc(1, len)) == NULL) {
			z->err = -ENOMEM;
			goto out;
		}
		if (FN("resourceId") && first < nargs) {
			/* /providers/NS/TYPE1/name1/TYPE2/name2 */
			char *type = args[first], *seg, *save = NULL;
			size_t k = first + 1;

			strcat(res, "/providers/");
			seg = strtok_r(type, "/", &save);
			strcat(res, seg != NULL ? seg : "");
			while ((seg = strtok_r(NULL, "/", &save)) != NULL) {
				strcat(res, "/");
				strcat(res, seg);
				strcat(res, "/");
				strcat(res, k < nargs ? args[k++] : "");
			}
		} else {
			for (i = 0; i < nargs; i++)
				strcat(res, args[i]);
		}
	} else
		e->bad = true;
#undef FN
out:
	for (i = 0; i < nargs; i++)
		free(args[i]);
	if (e->bad) {
		free(res);
		return NULL;
	}
	return res;
}

static char *
ex_eval(struct az *z, struct expr *e)
{
	const char *start;
	char *s;
	size_t n = 0;

	ex_ws(e);
	if (*e->p == '\'') {
		const char *q;

		for (q = e->p + 1; *q != '\0'; q++) {
			if (*q == '\'' && q[1] == '\'')
				q++;
			else if (*q == '\'')
				break;
			n++;
		}
		if (*q != '\'' || (s = malloc(n + 1)) == NULL) {
			e->bad = true;
			return NULL;
		}
		for (n = 0, q = e->p + 1; *q != '\''; q++) {
			if (q[0] == '\'' && q[1] == '\'')
				q++;
			s[n++] = *q;
		}
		s[n] = '\0';
		/* skip the literal, doubled quotes included */
		for (e->p++; *e->p != '\0'; e->p++) {
			if (e->p[0] == '\'' && e->p[1] == '\'')
				e->p++;
			else if (*e->p == '\'')
				break;
		}
		e->p++;
		return s;
	}
	start = e->p;
	while ((*e->p >= 'a' && *e->p <= 'z') || (*e->p >= 'A' &&
	    *e->p <= 'Z'))
		e->p++;
	if (e->p == start || *e->p != '(') {
		e->bad = true;
		return NULL;
	}
	return ex_call(z, e, start, (size_t)(e->p - start));
}

/* The value of an ARM string: itself, or its expression evaluated; NULL
 * when the expression is not understood. */
static char *
arm_str(struct az *z, const char *s)
{
	struct expr e;
	size_t n;
	char *r;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (n < 2 || s[0] != '[' || s[n - 1] != ']' || s[1] == '[')
		return az_strdup(z, s[0] == '[' && s[1] == '[' ? s + 1 : s);
	{
		char *inner = strndup(s + 1, n - 2);

		if (inner == NULL) {
			z->err = -ENOMEM;
			return NULL;
		}
		e.p = inner;
		e.bad = false;
		r = ex_eval(z, &e);
		ex_ws(&e);
		if (*e.p != '\0')
			e.bad = true;
		free(inner);
	}
	if (e.bad) {
		free(r);
		return NULL;
	}
	return r;
}

/*
 * JSON helpers.
 */

/* obj[key], or obj.properties[key] (REST and ARM shapes). */
json_t *
az_prop(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		v = json_object_get(json_object_get(obj, "properties"), key);
	return v;
}

/* A string property, template expressions evaluated; NULL if absent. */
char *
az_str(struct az *z, json_t *obj, const char *key)
{
	json_t *v = az_prop(obj, key);

	return json_is_string(v) ? arm_str(z, json_string_value(v)) : NULL;
}

/* The name after /segment/ in a resource id (case-insensitive). */
char *
az_id_part(struct az *z, const char *id, const char *segment)
{
	size_t sl = strlen(segment);
	const char *p, *end;

	if (id == NULL)
		return NULL;
	for (p = id; (p = strchr(p, '/')) != NULL; p++)
		if (strncasecmp(p + 1, segment, sl) == 0 && p[1 + sl] == '/') {
			p += sl + 2;
			end = strchr(p, '/');
			return end == NULL ? az_strdup(z, p) :
			    strndup(p, (size_t)(end - p));
		}
	return NULL;
}

/* The id of a reference {"id": "..."}, evaluated. */
char *
az_ref_id(struct az *z, json_t *obj, const char *key)
{
	json_t *r = az_prop(obj, key);

	return json_is_string(json_object_get(r, "id")) ?
	    arm_str(z, json_string_value(json_object_get(r, "id"))) : NULL;
}

char *
az_ref_name(struct az *z, json_t *obj, const char *key, const char *segment)
{
	char *id = az_ref_id(z, obj, key), *n = az_id_part(z, id, segment);

	free(id);
	return n;
}

/* A prefix; IPv6 (skipped) returns 1, an error -1. */
int
az_pfx(struct az *z, const char *where, const char *s, struct pfx *out)
{
	int rc;

	if (strchr(s, ':') != NULL)
		return 1;
	if ((rc = pfx_parse(s, out)) != 0) {
		az_err(z, where, "bad prefix '%s': %s", s, pfx_strerror(rc));
		return -1;
	}
	return 0;
}

/* A list of prefixes (array of strings) appended to *out. */
void
az_pfx_list(struct az *z, const char *where, json_t *arr, struct pfx **out,
    size_t *n)
{
	json_t *v;
	size_t i;
	struct pfx p, *slot;

	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			az_err(z, where, "item %zu is not a prefix", i);
			continue;
		}
		if (az_pfx(z, where, json_string_value(v), &p) == 0 &&
		    (slot = PUSH(z, *out, *n)) != NULL)
			*slot = p;
	}
}

/*
 * Resources.
 */

struct az_vnet *
az_vnet_get(struct az *z, const char *name)
{
	struct az_vnet *v;
	size_t i;

	for (i = 0; i < z->nvn; i++)
		if (strcasecmp(z->vn[i].name, name) == 0)
			return &z->vn[i];
	if ((v = PUSH(z, z->vn, z->nvn)) != NULL &&
	    (v->name = az_strdup(z, name)) == NULL)
		z->nvn--;
	return z->err == 0 ? v : NULL;
}

static void
read_subnet(struct az *z, struct az_vnet *v, const char *name, json_t *o,
    const char *where)
{
	struct az_subnet *s = NULL;
	json_t *pfx = az_prop(o, "addressPrefix"), *se, *x;
	char w[300];
	size_t i;

	for (i = 0; i < v->nsn; i++)
		if (strcasecmp(v->sn[i].name, name) == 0)
			s = &v->sn[i];
	if (s == NULL) {
		if ((s = PUSH(z, v->sn, v->nsn)) == NULL ||
		    (s->name = az_strdup(z, name)) == NULL)
			return;
	}
	snprintf(w, sizeof(w), "%s (subnet %s)", where, name);
	if (pfx == NULL)
		pfx = json_array_get(az_prop(o, "addressPrefixes"), 0);
	if (!json_is_string(pfx))
		az_err(z, w, "no addressPrefix");
	else if (az_pfx(z, w, json_string_value(pfx), &s->pfx) == 1)
		az_err(z, w, "an IPv6-only subnet is not modelled");
	free(s->rt);
	free(s->nsg);
	s->rt = az_ref_name(z, o, "routeTable", "routeTables");
	s->nsg = az_ref_name(z, o, "networkSecurityGroup",
	    "networkSecurityGroups");
	if (json_is_false(az_prop(o, "defaultOutboundAccess")))
		s->no_default_outbound = true;
	if (az_prop(o, "natGateway") != NULL)
		az_note(z, "%s: subnet %s/%s has a NAT gateway: its public IP "
		    "is not in the export; add nat_gateway_ip by hand", z->file,
		    v->name, name);
	se = az_prop(o, "serviceEndpoints");
	json_array_foreach(se, i, x) {
		char **slot, *svc = az_str(z, x, "service");

		if (svc != NULL && (slot = PUSH(z, s->se, s->nse)) != NULL)
			*slot = svc;
		else
			free(svc);
	}
}

static void
read_vnet(struct az *z, const char *name, json_t *o, const char *where)
{
	struct az_vnet *v = az_vnet_get(z, name);
	json_t *subnets, *peerings, *x;
	char w[300];
	size_t i;

	if (v == NULL)
		return;
	v->nspace = 0;
	az_pfx_list(z, where, json_object_get(az_prop(o, "addressSpace"),
	    "addressPrefixes"), &v->space, &v->nspace);
	subnets = az_prop(o, "subnets");
	json_array_foreach(subnets, i, x) {
		char *sn = az_str(z, x, "name");

		snprintf(w, sizeof(w), "%s.subnets[%zu]", where, i);
		if (sn == NULL)
			az_err(z, w, "subnet without a name");
		else
			read_subnet(z, v, sn, x, w);
		free(sn);
	}
	peerings = az_prop(o, "virtualNetworkPeerings");
	json_array_foreach(peerings, i, x) {
		snprintf(w, sizeof(w), "%s.virtualNetworkPeerings[%zu]",
		    where, i);
		az_read_peer(z, v, x, w);
	}
}

static struct route_table *
rtable_get(struct az *z, const char *name)
{
	struct route_table *rt;
	size_t i;

	for (i = 0; i < z->nrt; i++)
		if (strcasecmp(z->rt[i].name, name) == 0)
			return &z->rt[i];
	if ((rt = PUSH(z, z->rt, z->nrt)) != NULL &&
	    (rt->name = az_strdup(z, name)) == NULL)
		z->nrt--;
	return z->err == 0 ? rt : NULL;
}

static void
read_route(struct az *z, struct route_table *rt, const char *name, json_t *o,
    const char *where)
{
	struct route r, *slot = NULL;
	char *pfx = az_str(z, o, "addressPrefix"), *nh = az_str(z, o,
	    "nextHopType"), *ip = az_str(z, o, "nextHopIpAddress");
	char w[300];
	size_t i;

	memset(&r, 0, sizeof(r));
	snprintf(w, sizeof(w), "%s (route %s)", where, name);
	if (pfx == NULL || nh == NULL) {
		az_err(z, w, "a route needs addressPrefix and nextHopType");
		goto out;
	}
	if (pfx_parse(pfx, &r.pfx) != 0 && strchr(pfx, '.') == NULL &&
	    strchr(pfx, ':') == NULL) {
		az_note(z, "%s: route %s of %s has the service tag %s as "
		    "its prefix: not modelled, skipped", z->file, name,
		    rt->name, pfx);
		goto out;
	}
	if (az_pfx(z, w, pfx, &r.pfx) != 0)
		goto out;
	if (nh_type_parse(nh, &r.nh) != 0 || r.nh == NH_VNETPEERING ||
	    r.nh == NH_SERVICE_ENDPOINT) {
		az_err(z, w, "unknown nextHopType '%s'", nh);
		goto out;
	}
	if (r.nh == NH_VIRTUAL_APPLIANCE) {
		if (ip == NULL || ip_parse(ip, &r.nh_ip) != 0) {
			az_err(z, w, "VirtualAppliance needs nextHopIpAddress");
			goto out;
		}
		r.has_nh_ip = true;
	}
	for (i = 0; i < rt->nroutes; i++) {
		if (strcasecmp(rt->routes[i].name, name) == 0)
			slot = &rt->routes[i];
		else if (pfx_equal(rt->routes[i].pfx, r.pfx))
			az_err(z, w, "same prefix %s as route %s", pfx,
			    rt->routes[i].name);
	}
	if (slot == NULL) {
		if ((slot = PUSH(z, rt->routes, rt->nroutes)) == NULL)
			goto out;
	} else
		free(slot->name);
	r.name = az_strdup(z, name);
	*slot = r;
out:
	free(pfx);
	free(nh);
	free(ip);
}

static void
read_rtable(struct az *z, const char *name, json_t *o, const char *where)
{
	struct route_table *rt = rtable_get(z, name);
	json_t *routes, *x;
	char w[300];
	size_t i;

	if (rt == NULL)
		return;
	rt->disable_bgp_propagation = json_is_true(az_prop(o,
	    "disableBgpRoutePropagation"));
	routes = az_prop(o, "routes");
	json_array_foreach(routes, i, x) {
		char *rn = az_str(z, x, "name");

		snprintf(w, sizeof(w), "%s.routes[%zu]", where, i);
		if (rn == NULL)
			az_err(z, w, "route without a name");
		else
			read_route(z, rt, rn, x, w);
		free(rn);
	}
}

static struct nsg *
nsg_get(struct az *z, const char *name)
{
	struct nsg *g;
	size_t i;

	for (i = 0; i < z->nnsg; i++)
		if (strcasecmp(z->nsg[i].name, name) == 0)
			return &z->nsg[i];
	if ((g = PUSH(z, z->nsg, z->nnsg)) != NULL &&
	    (g->name = az_strdup(z, name)) == NULL)
		z->nnsg--;
	return z->err == 0 ? g : NULL;
}

/* An address: a prefix or address, '*', or a service tag. */
static int
rule_addr(struct az *z, const char *w, json_t *one, json_t *many,
    struct addr_spec *out)
{
	json_t *v;
	size_t i, n;
	struct addr_item *it;

	out->any = false;
	if (json_is_string(one) && strcmp(json_string_value(one), "*") == 0) {
		out->any = true;
		return 0;
	}
	if (json_is_string(one) && *json_string_value(one) != '\0') {
		many = json_array();
		json_array_append(many, one);
	} else
		json_incref(many);
	n = json_array_size(many);
	if (n == 0) {
		json_decref(many);
		out->any = true;
		return 0;
	}
	json_array_foreach(many, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL)
			continue;
		if (strcmp(s, "*") == 0) {
			out->any = true;
			continue;
		}
		if (strchr(s, ':') != NULL)
			continue;	/* IPv6: not modelled */
		/* As the scenario loader reads it: a digit starts a prefix,
		 * a letter a service tag. */
		if (!isdigit((unsigned char)*s) && !tag_name_ok(s)) {
			az_err(z, w, "'%s' is neither an address prefix nor a "
			    "service tag", s);
			json_decref(many);
			return -1;
		}
		if ((it = PUSH(z, out->items, out->n)) == NULL)
			break;
		if (isdigit((unsigned char)*s)) {
			int rc = pfx_parse(s, &it->pfx);

			if (rc != 0) {
				az_err(z, w, "bad address '%s': %s", s,
				    pfx_strerror(rc));
				json_decref(many);
				return -1;
			}
		} else {
			it->is_tag = true;
			if ((it->tag = az_strdup(z, s)) == NULL)
				break;
		}
	}
	json_decref(many);
	return z->err;
}

static int
rule_ports(struct az *z, const char *w, json_t *one, json_t *many,
    struct port_spec *out)
{
	struct portrange *r;
	json_t *v;
	size_t i;
	int rc;

	if (json_is_string(one) && *json_string_value(one) != '\0') {
		if ((r = PUSH(z, out->r, out->n)) == NULL)
			return -1;
		if ((rc = portrange_parse(json_string_value(one), r)) != 0) {
			az_err(z, w, "bad port range '%s': %s",
			    json_string_value(one), pfx_strerror(rc));
			return -1;
		}
		return 0;
	}
	json_array_foreach(many, i, v) {
		if (!json_is_string(v) || (r = PUSH(z, out->r, out->n)) == NULL)
			continue;
		if ((rc = portrange_parse(json_string_value(v), r)) != 0) {
			az_err(z, w, "bad port range '%s': %s",
			    json_string_value(v), pfx_strerror(rc));
			return -1;
		}
	}
	if (out->n == 0 && (r = PUSH(z, out->r, out->n)) != NULL) {
		r->lo = 0;
		r->hi = 65535;
	}
	return 0;
}

static void
read_rule(struct az *z, struct nsg *g, const char *name, json_t *o,
    const char *where)
{
	struct nsg_rule r, *slot = NULL;
	char *dir = az_str(z, o, "direction"), *acc = az_str(z, o, "access"),
	    *proto = az_str(z, o, "protocol");
	json_t *prio = az_prop(o, "priority");
	char w[300];
	size_t i;

	memset(&r, 0, sizeof(r));
	snprintf(w, sizeof(w), "%s (rule %s)", where, name);
	if (az_prop(o, "sourceApplicationSecurityGroups") != NULL ||
	    az_prop(o, "destinationApplicationSecurityGroups") != NULL) {
		az_note(z, "%s: rule %s of NSG %s uses application security "
		    "groups: not modelled, skipped", z->file, name, g->name);
		goto out;
	}
	if (!json_is_integer(prio) || json_integer_value(prio) < 100 ||
	    json_integer_value(prio) > 4096) {
		az_err(z, w, "priority must be a number from 100 to 4096");
		goto out;
	}
	r.priority = (int)json_integer_value(prio);
	if (dir == NULL || (strcasecmp(dir, "Inbound") != 0 &&
	    strcasecmp(dir, "Outbound") != 0)) {
		az_err(z, w, "direction must be Inbound or Outbound");
		goto out;
	}
	r.dir = strcasecmp(dir, "Inbound") == 0 ? DIR_INBOUND : DIR_OUTBOUND;
	if (acc == NULL || (strcasecmp(acc, "Allow") != 0 &&
	    strcasecmp(acc, "Deny") != 0)) {
		az_err(z, w, "access must be Allow or Deny");
		goto out;
	}
	r.access = strcasecmp(acc, "Allow") == 0 ? ACCESS_ALLOW : ACCESS_DENY;
	r.proto = PROTO_ANY;
	if (proto != NULL && proto_parse(proto, &r.proto) != 0) {
		az_err(z, w, "unknown protocol '%s'", proto);
		goto out;
	}
	if (rule_addr(z, w, az_prop(o, "sourceAddressPrefix"),
	    az_prop(o, "sourceAddressPrefixes"), &r.src) != 0 ||
	    rule_addr(z, w, az_prop(o, "destinationAddressPrefix"),
	    az_prop(o, "destinationAddressPrefixes"), &r.dst) != 0 ||
	    rule_ports(z, w, az_prop(o, "sourcePortRange"),
	    az_prop(o, "sourcePortRanges"), &r.sports) != 0 ||
	    rule_ports(z, w, az_prop(o, "destinationPortRange"),
	    az_prop(o, "destinationPortRanges"), &r.dports) != 0)
		goto out;
	for (i = 0; i < g->nrules; i++) {
		if (strcasecmp(g->rules[i].name, name) == 0)
			slot = &g->rules[i];
		else if (g->rules[i].dir == r.dir &&
		    g->rules[i].priority == r.priority)
			az_err(z, w, "priority %d already used by rule %s",
			    r.priority, g->rules[i].name);
	}
	if (slot == NULL && (slot = PUSH(z, g->rules, g->nrules)) == NULL)
		goto out;
	topo_rule_free(slot);
	if ((r.name = az_strdup(z, name)) == NULL)
		goto out;
	*slot = r;
	memset(&r, 0, sizeof(r));
out:
	topo_rule_free(&r);
	free(dir);
	free(acc);
	free(proto);
}

static void
read_nsg(struct az *z, const char *name, json_t *o, const char *where)
{
	struct nsg *g = nsg_get(z, name);
	json_t *rules, *x;
	char w[300];
	size_t i;

	if (g == NULL)
		return;
	rules = az_prop(o, "securityRules");
	json_array_foreach(rules, i, x) {
		char *rn = az_str(z, x, "name");

		snprintf(w, sizeof(w), "%s.securityRules[%zu]", where, i);
		if (rn == NULL)
			az_err(z, w, "rule without a name");
		else
			read_rule(z, g, rn, x, w);
		free(rn);
	}
	/* defaultSecurityRules are the platform's, rebuilt by the engine
	 * (MODEL §5 default rules). */
}

static void
read_nic(struct az *z, const char *name, json_t *o, const char *where)
{
	json_t *ipc = az_prop(o, "ipConfigurations"), *c0;
	struct az_nic *n;
	char *ip, *subnet_id;

	if ((c0 = json_array_get(ipc, 0)) == NULL) {
		az_note(z, "%s: network interface %s has no IP configuration: "
		    "skipped", z->file, name);
		return;
	}
	if (json_array_size(ipc) > 1)
		az_note(z, "%s: network interface %s has %zu IP "
		    "configurations: only the first is modelled", z->file,
		    name, json_array_size(ipc));
	if ((n = PUSH(z, z->nic, z->nnic)) == NULL)
		return;
	n->name = az_strdup(z, name);
	ip = az_str(z, c0, "privateIPAddress");
	if (ip == NULL || ip_parse(ip, &n->ip) != 0) {
		az_note(z, "%s: network interface %s has no private address "
		    "in the export (dynamic allocation): skipped", z->file,
		    name);
		free(ip);
		free(n->name);
		z->nnic--;
		return;
	}
	free(ip);
	subnet_id = az_ref_id(z, c0, "subnet");
	n->vnet = az_id_part(z, subnet_id, "virtualNetworks");
	n->subnet = az_id_part(z, subnet_id, "subnets");
	free(subnet_id);
	if (n->vnet == NULL || n->subnet == NULL)
		az_err(z, where, "network interface %s: no subnet", name);
	n->pip = az_ref_name(z, c0, "publicIPAddress", "publicIPAddresses");
	n->nsg = az_ref_name(z, o, "networkSecurityGroup",
	    "networkSecurityGroups");
	n->vm = az_ref_name(z, o, "virtualMachine", "virtualMachines");
	n->fwd = json_is_true(az_prop(o, "enableIPForwarding"));
}

void
az_read_pair(struct az *z, struct az_pair **arr, size_t *n, char *a, char *b)
{
	struct az_pair *p;

	if (a == NULL || b == NULL || (p = az_push(z, (void **)arr, n,
	    sizeof(**arr))) == NULL) {
		free(a);
		free(b);
		return;
	}
	p->a = a;
	p->b = b;
}

static void
read_gateway(struct az *z, const char *name, json_t *o, const char *where)
{
	json_t *c0 = json_array_get(az_prop(o, "ipConfigurations"), 0);

	az_read_pair(z, &z->gw, &z->ngw, az_strdup(z, name), az_ref_name(z,
	    c0, "subnet", "virtualNetworks"));
	az_read_vgw(z, name, o, where);
}

static void
read_circuit(struct az *z, const char *name, json_t *o)
{
	json_t *sku = json_object_get(o, "sku"), *peerings, *x;
	struct az_circ *c;
	size_t i;

	if ((c = PUSH(z, z->circ, z->ncirc)) == NULL)
		return;
	c->name = az_strdup(z, name);
	if (json_is_string(json_object_get(sku, "tier")) &&
	    sku_parse(json_string_value(json_object_get(sku, "tier")),
	    &c->sku) != 0)
		c->sku = SKU_STANDARD;
	peerings = az_prop(o, "peerings");
	json_array_foreach(peerings, i, x) {
		char *t = az_str(z, x, "peeringType");

		if (t != NULL && strcasecmp(t, "MicrosoftPeering") == 0) {
			/* MODEL §8 [er-ms]: its NAT pool and route filter. */
			c->ms = true;
			az_pfx_list(z, name, json_object_get(az_prop(x,
			    "microsoftPeeringConfig"),
			    "advertisedPublicPrefixes"), &c->ms_pool,
			    &c->nms_pool);
			c->ms_filter = az_ref_name(z, x, "routeFilter",
			    "routeFilters");
		} else if (t != NULL &&
		    strcasecmp(t, "AzurePrivatePeering") != 0)
			az_note(z, "%s: circuit %s has %s: its NAT pool is not "
			    "in the export; not modelled (add public_peering "
			    "by hand)", z->file, name, t);
		free(t);
	}
}

static void
read_vm(struct az *z, const char *name, json_t *o)
{
	json_t *nics = json_object_get(az_prop(o, "networkProfile"),
	    "networkInterfaces"), *x;
	size_t i;

	json_array_foreach(nics, i, x) {
		char *id = json_is_string(json_object_get(x, "id")) ?
		    arm_str(z, json_string_value(json_object_get(x, "id"))) :
		    NULL;

		az_read_pair(z, &z->vmnic, &z->nvmnic, az_id_part(z, id,
		    "networkInterfaces"), az_strdup(z, name));
		free(id);
	}
}

/* One resource of any shape; parent is the name of the enclosing
 * resource for children given inline. */
static void
read_resource(struct az *z, json_t *o, const char *where)
{
	json_t *tj = json_object_get(o, "type"), *nj = json_object_get(o,
	    "name");
	const char *type;
	char *name, *slash;

	if (!json_is_object(o))
		return;
	if (!json_is_string(tj) || !json_is_string(nj)) {
		az_note(z, "%s: %s: an object without type and name: skipped",
		    z->file, where);
		return;
	}
	type = json_string_value(tj);
	if ((name = arm_str(z, json_string_value(nj))) == NULL) {
		if (z->err == 0)
			az_note(z, "%s: %s: the name expression %s is not "
			    "understood: skipped", z->file, where,
			    json_string_value(nj));
		return;
	}
	slash = strchr(name, '/');
#define IS(t) (strcasecmp(type, "Microsoft.Network/" t) == 0)
	/* MODEL §8 [vwan]: a Virtual WAN hub (a virtual hub with a
	 * virtualWan; without one it is a Route Server). */
	if ((!IS("virtualHubs") || json_is_object(az_prop(o, "virtualWan"))) &&
	    az_read_vwan(z, type, name, o, where))
		;
	else if (IS("virtualNetworks"))
		read_vnet(z, name, o, where);
	else if (IS("virtualNetworks/subnets") && slash != NULL) {
		struct az_vnet *v;

		*slash = '\0';
		if ((v = az_vnet_get(z, name)) != NULL)
			read_subnet(z, v, slash + 1, o, where);
	} else if (IS("routeTables"))
		read_rtable(z, name, o, where);
	else if (IS("routeTables/routes") && slash != NULL) {
		struct route_table *rt;

		*slash = '\0';
		if ((rt = rtable_get(z, name)) != NULL)
			read_route(z, rt, slash + 1, o, where);
	} else if (IS("networkSecurityGroups"))
		read_nsg(z, name, o, where);
	else if (IS("networkSecurityGroups/securityRules") && slash != NULL) {
		struct nsg *g;

		*slash = '\0';
		if ((g = nsg_get(z, name)) != NULL)
			read_rule(z, g, slash + 1, o, where);
	} else if (IS("networkInterfaces"))
		read_nic(z, name, o, where);
	else if (IS("virtualNetworkGateways"))
		read_gateway(z, name, o, where);
	else if (IS("expressRouteCircuits"))
		read_circuit(z, name, o);
	else if (IS("localNetworkGateways"))
		az_read_lng(z, name, o, where);
	else if (IS("connections")) {
		if (az_read_s2s(z, name, o) == 0)
			az_read_pair(z, &z->conn, &z->nconn, az_ref_name(z, o,
			    "virtualNetworkGateway1", "virtualNetworkGateways"),
			    az_ref_name(z, o, "peer", "expressRouteCircuits"));
	}
	else if (IS("publicIPAddresses")) {
		char *ip = az_str(z, o, "ipAddress");

		if (ip == NULL)
			az_note(z, "%s: public IP %s has no address in the "
			    "export (dynamic): not modelled", z->file, name);
		az_read_pair(z, &z->pip, &z->npip, az_strdup(z, name), ip);
	} else if (strcasecmp(type, "Microsoft.Compute/virtualMachines") == 0)
		read_vm(z, name, o);
	else if (IS("virtualNetworks/virtualNetworkPeerings"))
		az_read_peering(z, name, o, where);
	else if (IS("virtualHubs"))
		az_read_hub(z, name, o, where);
	else if (IS("virtualHubs/ipConfigurations"))
		az_read_hub_ipconfig(z, name, o, where);
	else if (IS("virtualHubs/bgpConnections"))
		az_read_hub_bgp(z, name, o, where);
	else if (IS("expressRouteCircuits/peerings"))
		;	/* read with their parent */
	else if (IS("azureFirewalls"))
		az_read_firewall(z, name, o, where);
	else if (IS("firewallPolicies"))
		;	/* its rule collection groups name it */
	else if (IS("firewallPolicies/ruleCollectionGroups"))
		az_read_rcg(z, name, o, where);
	else if (IS("routeFilters"))
		az_read_route_filter(z, name, o);
	else if (IS("bgpServiceCommunities"))
		az_read_communities(z, o);
	else
		az_note(z, "%s: %s '%s': not modelled", z->file, type, name);
#undef IS
	free(name);
}

/* `az network nic show-effective-route-table`: {"value": [...]}. */
static void
read_effective(struct az *z, json_t *value)
{
	struct az_eff *e;
	json_t *x, *pfx, *nh, *p;
	char w[64];
	size_t i, k, j;

	if ((e = PUSH(z, z->eff, z->neff)) == NULL)
		return;
	e->file = z->file;
	json_array_foreach(value, i, x) {
		const char *src = json_string_value(json_object_get(x,
		    "source"));
		const char *type = json_string_value(json_object_get(x,
		    "nextHopType"));
		const char *state = json_string_value(json_object_get(x,
		    "state"));

		snprintf(w, sizeof(w), "value[%zu]", i);
		if (src == NULL || type == NULL) {
			az_err(z, w, "a route needs source and nextHopType");
			continue;
		}
		pfx = json_object_get(x, "addressPrefix");
		nh = json_object_get(x, "nextHopIpAddress");
		if (strcasecmp(src, "Default") == 0 &&
		    strcasecmp(type, "VnetLocal") == 0) {
			az_pfx_list(z, w, pfx, &e->local, &e->nlocal);
			continue;
		}
		if (strcasecmp(src, "VirtualNetworkGateway") != 0 ||
		    (state != NULL && strcasecmp(state, "Active") != 0 &&
		    strcasecmp(state, "Invalid") != 0))
			continue;	/* system and user routes: rebuilt */
		json_array_foreach(pfx, k, p) {
			struct az_bgp *b = NULL;
			struct pfx q;

			if (!json_is_string(p) || az_pfx(z, w,
			    json_string_value(p), &q) != 0)
				continue;
			for (j = 0; j < e->nbgp; j++)
				if (pfx_equal(e->bgp[j].pfx, q))
					b = &e->bgp[j];
			if (b == NULL && (b = PUSH(z, e->bgp, e->nbgp)) == NULL)
				return;
			b->pfx = q;
			for (j = 0; j < json_array_size(nh) &&
			    b->nnh < AZ_ECMP; j++) {
				uint32_t ip;
				size_t m;

				if (ip_parse(json_string_value(
				    json_array_get(nh, j)) != NULL ?
				    json_string_value(json_array_get(nh, j)) :
				    "", &ip) != 0)
					continue;
				for (m = 0; m < b->nnh && b->nh[m] != ip; m++)
					;
				if (m == b->nnh)
					b->nh[b->nnh++] = ip;
			}
		}
	}
}

static void
read_template(struct az *z, json_t *root)
{
	json_t *res = json_object_get(root, "resources"), *x, *kids, *k;
	char w[64], w2[96];
	size_t i, j;

	z->params = json_object_get(root, "parameters");
	z->vars = json_object_get(root, "variables");
	json_array_foreach(res, i, x) {
		snprintf(w, sizeof(w), "resources[%zu]", i);
		read_resource(z, x, w);
		/* Child resources nested under their parent. */
		kids = json_object_get(x, "resources");
		json_array_foreach(kids, j, k) {
			snprintf(w2, sizeof(w2), "%s.resources[%zu]", w, j);
			read_resource(z, k, w2);
		}
	}
	z->params = z->vars = NULL;
}

/*
 * A byte-order mark: UTF-8's (what PowerShell 5's Set-Content and
 * Out-File -Encoding UTF8 write) is skipped; UTF-16's (Out-File's
 * default, a `>` redirection) is refused with what to do, as JSON's
 * parser would only say that the first byte is wrong. The number of
 * bytes to skip, or -1 with the error said.
 */
static int
skip_bom(struct az *z, const char *path, const unsigned char *b, size_t len)
{
	if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		return 3;
	if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) ||
	    (b[0] == 0xFE && b[1] == 0xFF))) {
		struct srcpos pos = { path, 1, 1 };

		diag_error(z->d, pos, "the file is UTF-16 (a byte-order mark "
		    "%02X %02X): save it as UTF-8, e.g. `Get-Content IN | "
		    "Set-Content -Encoding UTF8 OUT` or `az ... -o json > OUT` "
		    "from a shell that writes UTF-8", b[0], b[1]);
		z->nerr++;
		return -1;
	}
	return 0;
}

static json_t *
load_buf(struct az *z, const char *path, const char *buf, size_t len,
	 json_error_t *e)
{
	int skip = skip_bom(z, path, (const unsigned char *)buf, len);

	e->text[0] = '\0';
	if (skip < 0)
		return NULL;
	return json_loadb(buf + skip, len - (size_t)skip,
	    JSON_REJECT_DUPLICATES, e);
}

static json_t *
load_file(struct az *z, const char *path, json_error_t *e)
{
	unsigned char head[3];
	size_t n;
	FILE *f;
	json_t *root;
	int skip;

	e->text[0] = '\0';
	if ((f = fopen(path, "rb")) == NULL)	/* jansson says why */
		return json_load_file(path, JSON_REJECT_DUPLICATES, e);
	n = fread(head, 1, sizeof(head), f);
	if ((skip = skip_bom(z, path, head, n)) < 0) {
		fclose(f);
		return NULL;
	}
	if (fseek(f, skip, SEEK_SET) != 0) {
		fclose(f);
		return json_load_file(path, JSON_REJECT_DUPLICATES, e);
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, e);
	fclose(f);
	return root;
}

/* Read one file: src->buf when set, else the file src->name. */
static void
read_file(struct az *z, const struct azjson_src *src)
{
	const char *path = src->name;
	json_error_t e;
	json_t *root, *value, *x;
	size_t i;
	char w[32];

	z->file = path;
	root = src->buf != NULL ? load_buf(z, path, src->buf, src->len, &e) :
	    load_file(z, path, &e);
	if (root == NULL && e.text[0] == '\0')
		return;		/* said already */
	if (root == NULL) {
		struct srcpos pos = { path, e.line > 0 ? e.line : 0,
		    e.column > 0 ? e.column : 1 };

		diag_error(z->d, pos, "JSON: %s", e.text);
		z->nerr++;
		return;
	}
	value = json_object_get(root, "value");
	if (json_is_array(json_object_get(root, "resources")))
		read_template(z, root);
	else if (json_is_array(value) && json_array_size(value) > 0 &&
	    json_object_get(json_array_get(value, 0), "nextHopType") != NULL)
		read_effective(z, value);
	else if (json_is_array(value) || json_is_array(root)) {
		json_array_foreach(json_is_array(root) ? root : value, i, x) {
			snprintf(w, sizeof(w), "[%zu]", i);
			read_resource(z, x, w);
		}
	} else if (json_is_object(root) && json_object_get(root, "type"))
		read_resource(z, root, "the resource");
	else
		az_err(z, "the document", "neither an ARM template, an az "
		    "CLI resource or list, nor an effective route table");
	json_decref(root);
}

/*
 * Assembly.
 */

static void
az_free(struct az *z)
{
	size_t i, j;

	for (i = 0; i < z->nvn; i++) {
		struct az_vnet *v = &z->vn[i];

		for (j = 0; j < v->nsn; j++) {
			size_t k;

			free(v->sn[j].name);
			free(v->sn[j].rt);
			free(v->sn[j].nsg);
			for (k = 0; k < v->sn[j].nse; k++)
				free(v->sn[j].se[k]);
			free(v->sn[j].se);
		}
		free(v->sn);
		for (j = 0; j < v->npeer; j++) {
			free(v->peer[j].name);
			free(v->peer[j].space);
		}
		free(v->peer);
		free(v->space);
		free(v->name);
	}
	free(z->vn);
	for (i = 0; i < z->nrt; i++)
		topo_rtable_free(&z->rt[i]);
	free(z->rt);
	for (i = 0; i < z->nnsg; i++) {
		for (j = 0; j < z->nsg[i].nrules; j++)
			topo_rule_free(&z->nsg[i].rules[j]);
		free(z->nsg[i].rules);
		free(z->nsg[i].name);
	}
	free(z->nsg);
	for (i = 0; i < z->nnic; i++) {
		free(z->nic[i].name);
		free(z->nic[i].vm);
		free(z->nic[i].vnet);
		free(z->nic[i].subnet);
		free(z->nic[i].nsg);
		free(z->nic[i].pip);
	}
	free(z->nic);
#define FREE_PAIRS(arr, n) do {				\
	for (i = 0; i < (n); i++) {			\
		free((arr)[i].a);			\
		free((arr)[i].b);			\
	}						\
	free(arr);					\
} while (0)
	FREE_PAIRS(z->gw, z->ngw);
	FREE_PAIRS(z->conn, z->nconn);
	FREE_PAIRS(z->pip, z->npip);
	FREE_PAIRS(z->vmnic, z->nvmnic);
#undef FREE_PAIRS
	for (i = 0; i < z->ncirc; i++) {
		free(z->circ[i].name);
		free(z->circ[i].ms_pool);
		free(z->circ[i].ms_filter);
	}
	free(z->circ);
	az_fw_free(z);
	for (i = 0; i < z->neff; i++) {
		free(z->eff[i].local);
		free(z->eff[i].bgp);
	}
	free(z->eff);
	az_estate_free(z);
	az_vwan_free(z);
}

const char *
az_pair_find(const struct az_pair *p, size_t n, const char *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].a != NULL && strcasecmp(p[i].a, a) == 0)
			return p[i].b;
	return NULL;
}

/* Give t the builder's route tables and NSGs (moved, not copied). */
static void
take_tables(struct az *z, struct topo *t)
{
	size_t i, j;

	t->rtables = z->rt;
	t->nrtables = z->nrt;
	z->rt = NULL;
	z->nrt = 0;
	t->nsgs = z->nsg;
	t->nnsgs = z->nnsg;
	z->nsg = NULL;
	z->nnsg = 0;
	for (i = 0; i < t->nrtables; i++) {
		t->rtables[i].pos.file = t->file;
		for (j = 0; j < t->rtables[i].nroutes; j++)
			t->rtables[i].routes[j].pos.file = t->file;
	}
	for (i = 0; i < t->nnsgs; i++) {
		t->nsgs[i].pos.file = t->file;
		for (j = 0; j < t->nsgs[i].nrules; j++)
			t->nsgs[i].rules[j].pos.file = t->file;
	}
}

/* A side's settings: the export's, else the plain ones. */
static void
peer_settings(struct peering *p, const struct az_peer *a)
{
	p->plain = !a->flags;
	p->allow_access = a->flags ? a->access : true;
	p->allow_forwarded = a->flags ? a->forwarded : true;
	p->allow_transit = a->flags && a->transit;
	p->use_remote = a->flags && a->use_remote;
}

static int
build_vnets(struct az *z, struct topo *t)
{
	struct srcpos pos = { t->file, 0, 0 };
	size_t i, j, k, n = z->nvn;

	/* Peered VNets that were not exported come from the peering's
	 * remote address space. */
	for (i = 0; i < n; i++)
		for (j = 0; j < z->vn[i].npeer; j++) {
			struct az_peer pe = z->vn[i].peer[j];
			struct az_vnet *v;
			const char *r = pe.name;
			size_t before = z->nvn;

			if (pe.nspace == 0)
				continue;
			if ((v = az_vnet_get(z, r)) == NULL)
				return -ENOMEM;
			if (z->nvn > before) {
				if ((v->space = malloc(pe.nspace *
				    sizeof(*v->space))) == NULL)
					return -ENOMEM;
				memcpy(v->space, pe.space, pe.nspace *
				    sizeof(*v->space));
				v->nspace = pe.nspace;
				az_note(z, "VNet %s (peered with %s) is not in the "
				    "exports: modelled from the peering's "
				    "remote address space, without subnets", r,
				    z->vn[i].name);
				/* az_vnet_get may have moved the array. */
			}
		}
	if (z->nvn > 0 && (t->vnets = calloc(z->nvn, sizeof(*t->vnets))) ==
	    NULL)
		return -ENOMEM;
	for (i = 0; i < z->nvn; i++) {
		struct az_vnet *a = &z->vn[i];
		struct vnet *v = &t->vnets[i];

		t->nvnets++;
		v->pos = pos;
		v->name = a->name;
		a->name = NULL;
		v->space = a->space;
		v->nspace = a->nspace;
		a->space = NULL;
		if (v->nspace == 0) {
			diag_error(z->d, pos, "VNet %s: no IPv4 address space",
			    v->name);
			z->nerr++;
		}
		if (a->nsn > 0 && (v->subnets = calloc(a->nsn,
		    sizeof(*v->subnets))) == NULL)
			return -ENOMEM;
		for (j = 0; j < a->nsn; j++) {
			struct az_subnet *s = &a->sn[j];
			struct subnet *d = &v->subnets[j];

			v->nsubnets++;
			d->pos = d->route_table_pos = d->nsg_pos = pos;
			d->name = s->name;
			s->name = NULL;
			d->pfx = s->pfx;
			d->vnet = i;
			d->default_outbound_access = !s->no_default_outbound;
			d->service_endpoints = s->se;
			d->nservice_endpoints = s->nse;
			s->se = NULL;
			s->nse = 0;
			d->route_table = d->nsg = TOPO_NONE;
			if (s->rt != NULL && (d->route_table =
			    topo_rtable_find(t, s->rt)) == TOPO_NONE) {
				diag_error(z->d, pos, "subnet %s of %s uses "
				    "route table %s, which is in none of the "
				    "files: export it too (az network "
				    "route-table show)", d->name, v->name,
				    s->rt);
				z->nerr++;
			}
			if (s->nsg != NULL && (d->nsg = topo_nsg_find(t,
			    s->nsg)) == TOPO_NONE) {
				diag_error(z->d, pos, "subnet %s of %s uses NSG "
				    "%s, which is in none of the files: export "
				    "it too (az network nsg show)", d->name,
				    v->name, s->nsg);
				z->nerr++;
			}
			for (k = 0; k < v->nspace; k++)
				if (pfx_covers(v->space[k], d->pfx))
					break;
			if (k == v->nspace && z->nerr == 0) {
				diag_error(z->d, pos, "subnet %s is outside the "
				    "address space of %s", d->name, v->name);
				z->nerr++;
			}
		}
	}
	/* Peerings, both sides' lists. */
	for (i = 0; i < z->nvn; i++)
		for (j = 0; j < z->vn[i].npeer; j++) {
			size_t r = topo_vnet_find(t, z->vn[i].peer[j].name);
			struct peering *np;

			if (r == TOPO_NONE) {
				az_note(z, "VNet %s peers with %s, which is in "
				    "no file and whose address space the "
				    "peering does not give: not modelled",
				    t->vnets[i].name, z->vn[i].peer[j].name);
				continue;
			}
			if (r == i || topo_peering(t, i, r) != NULL)
				continue;
			np = realloc(t->vnets[i].peers, (t->vnets[i].npeers +
			    1) * sizeof(*np));
			if (np == NULL)
				return -ENOMEM;
			t->vnets[i].peers = np;
			/* A peering the export gives no settings of keeps
			 * the plain ones (MODEL §8 [peer]). */
			np[t->vnets[i].npeers++] = (struct peering){
				.vnet = r, .pos = pos };
			peer_settings(&np[t->vnets[i].npeers - 1],
			    &z->vn[i].peer[j]);
		}
	return 0;
}

static int
build_vms(struct az *z, struct topo *t)
{
	struct srcpos pos = { t->file, 0, 0 };
	size_t i, s;

	if (z->nnic > 0 && (t->vms = calloc(z->nnic, sizeof(*t->vms))) ==
	    NULL)
		return -ENOMEM;
	for (i = 0; i < z->nnic; i++) {
		struct az_nic *n = &z->nic[i];
		const char *name = n->vm != NULL ? n->vm :
		    az_pair_find(z->vmnic, z->nvmnic, n->name);
		struct vm *v = &t->vms[t->nvms];
		const struct vnet *vn;
		const char *pip;

		if (name == NULL)
			name = n->name;
		if (n->vnet == NULL)
			continue;
		if (topo_vm_find(t, name) != TOPO_NONE) {
			az_note(z, "VM %s has several network interfaces: only "
			    "the first is modelled (%s is not)", name,
			    n->name);
			continue;
		}
		if ((v->vnet = topo_vnet_find(t, n->vnet)) == TOPO_NONE) {
			diag_error(z->d, pos, "network interface %s is in VNet "
			    "%s, which is in none of the files", n->name,
			    n->vnet);
			z->nerr++;
			continue;
		}
		vn = &t->vnets[v->vnet];
		for (s = 0; s < vn->nsubnets; s++)
			if (strcasecmp(vn->subnets[s].name, n->subnet) == 0)
				break;
		if (s == vn->nsubnets) {
			diag_error(z->d, pos, "network interface %s: no subnet "
			    "%s in VNet %s", n->name, n->subnet, vn->name);
			z->nerr++;
			continue;
		}
		if (!pfx_contains_ip(vn->subnets[s].pfx, n->ip)) {
			diag_error(z->d, pos, "network interface %s: its "
			    "address is outside subnet %s", n->name,
			    vn->subnets[s].name);
			z->nerr++;
			continue;
		}
		v->subnet = s;
		v->ip = n->ip;
		v->pos = pos;
		v->ip_forwarding = n->fwd;
		v->nsg = TOPO_NONE;
		if (n->nsg != NULL && (v->nsg = topo_nsg_find(t, n->nsg)) ==
		    TOPO_NONE) {
			diag_error(z->d, pos, "network interface %s uses NSG "
			    "%s, which is in none of the files", n->name,
			    n->nsg);
			z->nerr++;
			continue;
		}
		if (n->pip != NULL) {
			pip = az_pair_find(z->pip, z->npip, n->pip);
			if (pip != NULL && ip_parse(pip, &v->public_ip) == 0)
				v->has_public_ip = true;
			else
				az_note(z, "VM %s: the address of public IP %s "
				    "is not in the files: modelled without it",
				    name, n->pip);
		}
		if ((v->name = strdup(name)) == NULL)
			return -ENOMEM;
		t->nvms++;
	}
	return 0;
}

/* The circuit on VNet v's gateway: found or made. */
static struct circuit *
circuit_for(struct az *z, struct topo *t, size_t v)
{
	struct srcpos pos = { t->file, 0, 0 };
	struct vnet *vn = &t->vnets[v];
	struct circuit *c, *nc;
	const char *cname;
	char buf[300];
	size_t ci;

	if (vn->gateway == NULL) {
		snprintf(buf, sizeof(buf), "%s-gateway", vn->name);
		if ((vn->gateway = strdup(buf)) == NULL)
			return NULL;
		az_note(z, "VNet %s learns BGP routes but no gateway resource "
		    "is in the files: its gateway is named %s", vn->name, buf);
	}
	if ((ci = topo_circuit_of_vnet(t, v)) != TOPO_NONE)
		return &t->circuits[ci];
	cname = az_pair_find(z->conn, z->nconn, vn->gateway);
	if (cname == NULL && z->ncirc == 1)
		cname = z->circ[0].name;
	if (cname == NULL) {
		snprintf(buf, sizeof(buf), "%s-expressroute", vn->name);
		az_note(z, "no ExpressRoute circuit connected to %s is in the "
		    "files: the learned routes come from a circuit named %s",
		    vn->gateway, buf);
		cname = buf;
	}
	if ((nc = realloc(t->circuits, (t->ncircuits + 1) *
	    sizeof(*nc))) == NULL)
		return NULL;
	t->circuits = nc;
	c = &nc[t->ncircuits++];
	memset(c, 0, sizeof(*c));
	c->pos = c->advertised_pos = c->public_peering_pos = pos;
	c->vnet = v;
	c->sku = SKU_STANDARD;
	for (ci = 0; ci < z->ncirc; ci++)
		if (strcasecmp(z->circ[ci].name, cname) == 0)
			break;
	if (ci < z->ncirc)
		c->sku = z->circ[ci].sku;
	else
		az_note(z, "circuit %s: its SKU is not in the files: Standard "
		    "assumed", cname);
	if ((c->name = strdup(cname)) == NULL ||
	    (c->gateway = strdup(vn->gateway)) == NULL)
		return NULL;
	return c;
}

/* The VNet whose address space is exactly what an effective route
 * table lists as VnetLocal. */
static size_t
eff_vnet(const struct topo *t, const struct az_eff *e)
{
	size_t v, i, k;

	if (t->nvnets == 1)
		return 0;
	for (v = 0; v < t->nvnets; v++) {
		const struct vnet *vn = &t->vnets[v];

		if (vn->nspace != e->nlocal || vn->nsubnets == 0)
			continue;
		for (i = 0; i < e->nlocal; i++) {
			for (k = 0; k < vn->nspace; k++)
				if (pfx_equal(vn->space[k], e->local[i]))
					break;
			if (k == vn->nspace)
				break;
		}
		if (i == e->nlocal)
			return v;
	}
	return TOPO_NONE;
}

/* The gateways named in the files, on their VNets. */
static int
build_gateways(struct az *z, struct topo *t)
{
	size_t i, v;

	for (i = 0; i < z->ngw; i++) {
		if (z->gw[i].b == NULL ||
		    (v = topo_vnet_find(t, z->gw[i].b)) == TOPO_NONE)
			continue;
		free(t->vnets[v].gateway);
		if ((t->vnets[v].gateway = strdup(z->gw[i].a)) == NULL)
			return -ENOMEM;
		t->vnets[v].gateway_pos = t->vnets[v].pos;
	}
	return 0;
}

static int
build_bgp(struct az *z, struct topo *t)
{
	size_t i, j, k, v;
	int rc;

	for (i = 0; i < z->neff; i++) {
		struct az_eff *e = &z->eff[i];
		struct circuit *c;

		if (e->nbgp == 0)
			continue;
		if ((v = eff_vnet(t, e)) == TOPO_NONE) {
			az_note(z, "%s: %zu learned routes, but no imported VNet "
			    "has the address space this table lists as "
			    "VnetLocal: not modelled (export the NIC's VNet "
			    "too)", e->file, e->nbgp);
			continue;
		}
		v = az_learning_hub(t, v);
		c = NULL;
		for (j = 0; j < e->nbgp; j++) {
			struct pfx *np;

			if ((rc = az_learned_route(z, t, v, &e->bgp[j],
			    e->file)) < 0)
				return rc;
			if (rc == 1)
				continue;
			if (c == NULL && (c = circuit_for(z, t, v)) == NULL)
				return -ENOMEM;

			for (k = 0; k < c->nadvertised; k++)
				if (pfx_equal(c->advertised[k], e->bgp[j].pfx))
					break;
			if (k == c->nadvertised) {
				if ((np = realloc(c->advertised,
				    (c->nadvertised + 1) * sizeof(*np))) == NULL)
					return -ENOMEM;
				c->advertised = np;
				np[c->nadvertised++] = e->bgp[j].pfx;
			}
			for (k = 0; k < e->bgp[j].nnh; k++) {
				size_t m;
				uint32_t *nh;

				for (m = 0; m < c->nnext_hops; m++)
					if (c->next_hops[m] == e->bgp[j].nh[k])
						break;
				if (m < c->nnext_hops ||
				    c->nnext_hops == TOPO_ECMP_MAX)
					continue;
				if ((nh = realloc(c->next_hops,
				    (c->nnext_hops + 1) * sizeof(*nh))) == NULL)
					return -ENOMEM;
				c->next_hops = nh;
				nh[c->nnext_hops++] = e->bgp[j].nh[k];
			}
		}
		if (c != NULL && c->nadvertised > sku_bgp_limit(c->sku)) {
			c->sku = SKU_PREMIUM;
			az_note(z, "circuit %s learned %zu prefixes, more than "
			    "a Standard circuit holds: modelled as Premium",
			    c->name, c->nadvertised);
		}
	}
	for (i = 0; i < z->ncirc; i++)
		if (topo_circuit_find(t, z->circ[i].name) == TOPO_NONE)
			az_note(z, "circuit %s: no learned routes of it are in "
			    "the files (export the effective route table of a "
			    "NIC): not modelled", z->circ[i].name);
	return 0;
}

/*
 * The scenario loader's rules are the definition of a valid network (no
 * overlapping subnets, no repeated names or priorities, ...): what the
 * exports made is written as the scenario `ftsim import` writes and read
 * back. Its errors are reported against the first file; a line number
 * in them is one of that scenario without its leading comments. 0, or
 * -1 after reporting.
 */
static int
az_check(const struct topo *t, struct srcpos where, struct diag *d)
{
	struct topo back;
	struct diag bd;
	char *yaml;
	size_t len, i;
	int rc;

	if ((rc = yamlout_topo(t, NULL, 0, &yaml, &len)) != 0) {
		if (rc == -ENOMEM)
			diag_set_oom();
		diag_error(d, where, "%s", rc == -ENOMEM ? "out of memory" :
		    "cannot write the network as a scenario");
		return -1;
	}
	diag_init(&bd);
	rc = scenario_parse("(import)", yaml, len, &back, &bd);
	free(yaml);
	if (rc == 0)
		topo_free(&back);
	for (i = 0; i < bd.n; i++)
		if (bd.msgs[i].level == DIAG_ERROR)
			diag_error(d, where, "as a scenario: %s",
			    bd.msgs[i].text);
	diag_free(&bd);
	return rc == 0 ? 0 : -1;
}

static char *
scenario_name(const char *file)
{
	char *copy = strdup(file), *base, *dot, *r;

	if (copy == NULL)
		return NULL;
	base = basename(copy);
	if ((dot = strrchr(base, '.')) != NULL && dot != base)
		*dot = '\0';
	r = strdup(base);
	free(copy);
	return r;
}

int
azjson_load(const char *const *files, size_t n, struct topo *out,
    struct azjson_notes *notes, struct diag *d)
{
	struct azjson_src *src;
	size_t i;
	int rc;

	if (files == NULL || n == 0 || out == NULL || d == NULL)
		return -1;
	if ((src = calloc(n, sizeof(*src))) == NULL) {
		struct srcpos unknown = { files[0], 0, 0 };

		topo_init(out);
		diag_nomem(d, unknown);
		return -1;
	}
	for (i = 0; i < n; i++)
		src[i].name = files[i];
	rc = azjson_parse(src, n, out, notes, d);
	free(src);
	return rc;
}

int
azjson_parse(const struct azjson_src *src, size_t n, struct topo *out,
    struct azjson_notes *notes, struct diag *d)
{
	struct srcpos unknown = { NULL, 0, 0 };
	struct az z;
	size_t i, len;
	char *copy;
	int rc = 0;

	if (src == NULL || n == 0 || out == NULL || d == NULL)
		return -1;
	unknown.file = src[0].name;
	topo_init(out);
	memset(&z, 0, sizeof(z));
	z.d = d;
	z.notes = notes;
	for (i = 0; i < n && z.err == 0; i++)
		read_file(&z, &src[i]);
	if (z.err != 0 || z.nerr > 0)
		goto fail;
	if ((out->file = strdup(src[0].name)) == NULL ||
	    (copy = strdup(src[0].name)) == NULL) {
		z.err = -ENOMEM;
		goto fail;
	}
	out->dir = strdup(dirname(copy));
	free(copy);
	out->scenario = scenario_name(src[0].name);
	for (i = 0, len = 32; i < n; i++)
		len += strlen(src[i].name) + 2;
	if ((out->description = malloc(len)) != NULL) {
		strcpy(out->description, "Imported from ");
		for (i = 0; i < n; i++) {
			strcat(out->description, src[i].name);
			strcat(out->description, i + 1 < n ? ", " : ".");
		}
	}
	if (out->dir == NULL || out->scenario == NULL ||
	    out->description == NULL ||
	    (out->tags = tagset_builtin(out->cloud)) == NULL) {
		z.err = -ENOMEM;
		goto fail;
	}
	take_tables(&z, out);
	if ((rc = build_vnets(&z, out)) != 0 || z.nerr > 0 ||
	    (rc = build_vms(&z, out)) != 0 || z.nerr > 0 ||
	    (rc = build_gateways(&z, out)) != 0 ||
	    (rc = az_build_estate(&z, out)) != 0 || z.nerr > 0 ||
	    (rc = az_build_vwan(&z, out)) != 0 || z.nerr > 0 ||
	    (rc = build_bgp(&z, out)) != 0 || z.nerr > 0 ||
	    (rc = az_build_fw(&z, out)) != 0 || z.nerr > 0) {
		if (rc != 0)
			z.err = rc;
		goto fail;
	}
	az_estate_notes(&z, out);
	if (z.err == 0 && (rc = topo_estate_resolve(out)) != 0)
		z.err = rc;
	if (z.err != 0)
		goto fail;
	if (az_check(out, unknown, d) != 0) {
		az_free(&z);
		goto fail_checked;
	}
	az_free(&z);
	return 0;
fail:
	if (z.err != 0)
		diag_nomem(d, unknown);
	az_free(&z);
fail_checked:
	topo_free(out);
	if (notes != NULL)
		azjson_notes_free(notes);
	return -1;
}
