/*
 * diagram.c: the topology and one flow's path as a Graphviz graph
 * (diagram.h).
 *
 * The graph is built first (nodes, clusters, edges), then written. Every
 * node that stands for a capture point carries that point's name, as the
 * engine names it (docs/format.md, "Captures": KIND-INSTANCE[-SIDE], any
 * byte outside [A-Za-z0-9._-] written '_'), so the path is drawn by
 * looking up each crossing's point: the circuit's private and public
 * peerings are two nodes, and a customer-side hairpin crosses both. A
 * point the topology has no node for (a kind of crossing this file does
 * not know yet) gets a node of its own, named as the point: the path is
 * always drawn whole.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/outfile.h"
#include "cli/diagram.h"
#include "cli/help.h"
#include "cli/job.h"
#include "cli/spawn.h"
#include "sim/services.h"
#include "topology/estate.h"
#include "topology/vwan.h"

/* Node looks, by what they stand for. */
#define ST_VM		"shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\""
#define ST_SUBNET	"shape=box, style=filled, fillcolor=\"#dbe8f6\""
#define ST_FABRIC	"shape=ellipse, style=filled, fillcolor=\"#c6dbef\""
#define ST_RTABLE	"shape=note, style=filled, fillcolor=\"#fff7d6\""
#define ST_GATEWAY	"shape=hexagon, style=filled, fillcolor=\"#d9d2e9\""
#define ST_PEERING	"shape=box, style=\"rounded,filled\", fillcolor=\"#e8e1f5\""
#define ST_ONPREM	"shape=box, style=\"rounded,filled\", fillcolor=\"#e5f2dc\""
#define ST_EDGE		"shape=box, style=\"rounded,filled\", fillcolor=\"#fde0c5\""
#define ST_INTERNET	"shape=ellipse, style=filled, fillcolor=\"#f2f2f2\""
#define ST_DEST		"shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\""
#define ST_OTHER	"shape=box, style=\"dashed,rounded\""
#define ST_FIREWALL	"shape=box3d, style=filled, fillcolor=\"#f8d7c4\""
#define ST_DROP		"shape=octagon, style=filled, fillcolor=\"#f4cccc\", color=\"#cc0000\""

#define CL_VNET		"style=\"rounded,filled\", fillcolor=\"#f1f6fc\", color=\"#6b8fb8\""
#define CL_CIRCUIT	"style=\"rounded,filled\", fillcolor=\"#f6f3fb\", color=\"#8e7cc3\""
#define CL_ONPREM	"style=\"rounded,filled\", fillcolor=\"#f3f9ef\", color=\"#6aa84f\""
#define CL_AZURE	"style=\"rounded,filled\", fillcolor=\"#fdf3ea\", color=\"#e69138\""
#define CL_INTERNET	"style=\"rounded,filled\", fillcolor=\"#fafafa\", color=\"#999999\""

#define COL_REQUEST	"#d62728"
#define COL_REPLY	"#1f77b4"

#define DG_MAXADDR	3	/* addresses listed under a destination */

enum ekind { E_STRUCT, E_PEERING, E_RTABLE, E_REQUEST, E_REPLY };

/* A box of the picture. point/point2: the capture points it stands for
 * (a VM's NIC and, when it forwards, its appliance point). */
struct dnode {
	char *label;
	const char *style;
	int clus;			/* -1: outside every cluster */
	char *point, *point2;
	const char *subnet;		/* a subnet's name, and its VNet */
	size_t vnet;
	bool on_path;
	uint32_t addr[DG_MAXADDR];	/* destinations: addresses reached */
	size_t naddr;
	bool more;
};

struct dclus {
	char *label;
	const char *style;
};

struct dedge {
	size_t a, b;
	enum ekind kind;
	char *label;
};

/* The picture being built; err is set by the first failure and every
 * later call does nothing. Every string of it is in strs, freed with
 * the graph; nodes, clusters and edges only point at them. */
struct dgraph {
	char **strs;
	size_t nstrs, cstrs;
	struct dnode *n;
	size_t nn, cn;
	struct dclus *c;
	size_t nc, cc;
	struct dedge *e;
	size_t ne, ce;
	int err;
	int services, internet_cl;	/* lazily made clusters, -1 */
	size_t internet, edge;		/* nodes, TOPO_NONE until made */
	size_t *site_in;		/* per VPN site: its inside node */
	int *site_cl;			/* and its cluster */
};

int
diagram_format(const char *path)
{
	const char *dot = path != NULL ? strrchr(path, '.') : NULL;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return -1;
	if (strcasecmp(dot, ".dot") == 0 || strcasecmp(dot, ".gv") == 0)
		return DG_DOT;
	if (strcasecmp(dot, ".svg") == 0)
		return DG_SVG;
	if (strcasecmp(dot, ".png") == 0)
		return DG_PNG;
	return -1;
}

void
diagram_quote(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p, f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fputc(' ', f);
		} else {
			fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* ---------------------------------------------------------------- */
/* Building */

static char *
dg_vfmt(struct dgraph *g, const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	if (g->err != 0)
		return NULL;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
		g->err = -ENOMEM;
		return NULL;
	}
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	if (g->nstrs == g->cstrs) {
		size_t nc = g->cstrs ? g->cstrs * 2 : 64;
		char **p = realloc(g->strs, nc * sizeof(*p));

		if (p == NULL) {
			free(s);
			g->err = -ENOMEM;
			return NULL;
		}
		g->strs = p;
		g->cstrs = nc;
	}
	g->strs[g->nstrs++] = s;
	return s;
}

static char *
dg_fmt(struct dgraph *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *
dg_fmt(struct dgraph *g, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dg_vfmt(g, fmt, ap);
	va_end(ap);
	return s;
}

/* arr with room for one more element after n: the same or a larger
 * array, or NULL (arr untouched, g->err set). */
static void *
dg_grow(struct dgraph *g, void *arr, size_t *cap, size_t n, size_t sz)
{
	void *p;
	size_t nc;

	if (g->err != 0)
		return NULL;
	if (n < *cap)
		return arr;
	nc = *cap ? *cap * 2 : 16;
	if ((p = realloc(arr, nc * sz)) == NULL) {
		g->err = -ENOMEM;
		return NULL;
	}
	*cap = nc;
	return p;
}

/*
 * The engine's name of capture point kind-inst[-side] (docs/format.md,
 * "Captures"), into buf; NULL inst: the kind alone.
 */
static char *
point_key(struct dgraph *g, const char *kind, const char *inst,
	  const char *side)
{
	char *s, *c;

	if (inst == NULL)
		return dg_fmt(g, "%s", kind);
	if ((s = dg_fmt(g, "%s-%s%s", kind, inst, side ? side : "")) == NULL)
		return NULL;
	for (c = s; *c != '\0'; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '-' && *c != '.' &&
		    *c != '_')
			*c = '_';
	return s;
}

static size_t
clus_add(struct dgraph *g, const char *style, char *label)
{
	struct dclus *c;

	if (label == NULL || (c = dg_grow(g, g->c, &g->cc, g->nc,
	    sizeof(*g->c))) == NULL)
		return 0;
	g->c = c;
	c = &g->c[g->nc];
	c->label = label;
	c->style = style;
	return g->nc++;
}

/* A node (strings from dg_fmt). */
static size_t
node_add(struct dgraph *g, int clus, const char *style, char *point,
	 char *label)
{
	struct dnode *n;

	if (label == NULL || (n = dg_grow(g, g->n, &g->cn, g->nn,
	    sizeof(*g->n))) == NULL)
		return TOPO_NONE;
	g->n = n;
	n = &g->n[g->nn];
	memset(n, 0, sizeof(*n));
	n->label = label;
	n->style = style;
	n->clus = clus;
	n->point = point;
	return g->nn++;
}

static void
edge_add(struct dgraph *g, size_t a, size_t b, enum ekind kind, char *label)
{
	struct dedge *e;

	if (a == TOPO_NONE || b == TOPO_NONE ||
	    (e = dg_grow(g, g->e, &g->ce, g->ne, sizeof(*g->e))) == NULL)
		return;
	g->e = e;
	e = &g->e[g->ne++];
	e->a = a;
	e->b = b;
	e->kind = kind;
	e->label = label;
}

static size_t
node_by_point(const struct dgraph *g, const char *point)
{
	size_t i;

	for (i = 0; i < g->nn; i++)
		if ((g->n[i].point != NULL && strcmp(g->n[i].point, point) == 0) ||
		    (g->n[i].point2 != NULL && strcmp(g->n[i].point2, point) == 0))
			return i;
	return TOPO_NONE;
}

static void
dg_free(struct dgraph *g)
{
	size_t i;

	for (i = 0; i < g->nstrs; i++)
		free(g->strs[i]);
	free(g->strs);
	free(g->n);
	free(g->c);
	free(g->e);
}

/* "10.1.0.0/16, 10.2.0.0/16" into buf. */
static const char *
pfx_list(const struct pfx *p, size_t n, char *buf, size_t len)
{
	char one[PFX_STRLEN];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? ", " : "", pfx_format(p[i], one));
	return buf;
}

static size_t
internet_node(struct dgraph *g)
{
	if (g->internet == TOPO_NONE)
		g->internet = node_add(g, -1, ST_INTERNET, NULL,
		    dg_fmt(g, "Internet"));
	return g->internet;
}

/* VNets with their subnets, route tables, gateway and VMs. fab[v] gets
 * each VNet's fabric node, gw[v] its gateway node (TOPO_NONE if none). */
/* MODEL §8 [vwan]: a Virtual WAN hub's cluster: its prefix, its
 * firewall and routing intent. */
static char *
vhub_label(struct dgraph *g, const struct topo *t, size_t h)
{
	const struct vhub *vh = &t->vhubs[h];
	char pf[PFX_STRLEN];

	return dg_fmt(g, "Virtual WAN hub %s\n%s%s%s%s%s%s", vh->name,
	    pfx_format(vh->prefix, pf), vh->firewall != TOPO_NONE ?
	    "\nsecured: Azure Firewall " : "", vh->firewall != TOPO_NONE ?
	    t->firewalls[vh->firewall].name : "",
	    vh->intent_internet || vh->intent_private ?
	    "\nrouting intent:" : "", vh->intent_internet ? " Internet" : "",
	    vh->intent_private ? " private" : "");
}

/* The hub's router (where the path enters the hub), and its firewall. */
static size_t
vhub_router(struct dgraph *g, const struct topo *t, size_t h, int c)
{
	const struct vhub *vh = &t->vhubs[h];
	char a[IP_STRLEN], b[IP_STRLEN];
	size_t n, f;

	n = node_add(g, c, ST_FABRIC, point_key(g, "gateway", vh->name, NULL),
	    dg_fmt(g, "hub router\n%s%s%s", ip_format(vh->router_ips[0], a),
	    vh->nrouter_ips > 1 ? ", " : "", vh->nrouter_ips > 1 ?
	    ip_format(vh->router_ips[1], b) : ""));
	if (n != TOPO_NONE)
		g->n[n].point2 = point_key(g, "fabric", vh->name, NULL);
	if (vh->firewall != TOPO_NONE) {
		const struct firewall *fw = &t->firewalls[vh->firewall];

		f = node_add(g, c, ST_FIREWALL, point_key(g, "firewall",
		    fw->name, "-inside"), dg_fmt(g, "Azure Firewall %s\n%s%s%s%s",
		    fw->name, ip_format(fw->private_ip, a), fw->has_public_ip ?
		    "\npublic " : "", fw->has_public_ip ?
		    ip_format(fw->public_ip, b) : "", fw->forced_tunneling ?
		    "\nforced tunnelling" : ""));
		if (f != TOPO_NONE)
			g->n[f].point2 = point_key(g, "firewall", fw->name,
			    "-outside");
		edge_add(g, n, f, E_STRUCT, NULL);
	}
	return n;
}

/* A VNet connection to a hub (a or b the hub's VNet). */
static char *
vhub_conn_label(struct dgraph *g, const struct topo *t, size_t a, size_t b)
{
	const struct vhub_conn *c = NULL;

	if (topo_vhub_connected(t, a, &c) == TOPO_NONE)
		(void)topo_vhub_connected(t, b, &c);
	return dg_fmt(g, "Virtual WAN connection\npropagate default route: "
	    "%s", c != NULL && c->propagate_default ? "on" : "off");
}

static void
build_vnets(struct dgraph *g, const struct topo *t, size_t *fab, size_t *gw,
	    int *vcl)
{
	size_t *rt_node = NULL, *sn_first = NULL, v, s, i, vm_first;
	char buf[512], ip[IP_STRLEN], pf[PFX_STRLEN];

	if (t->nrtables > 0 &&
	    (rt_node = malloc(t->nrtables * sizeof(*rt_node))) == NULL) {
		g->err = -ENOMEM;
		return;
	}
	for (i = 0; i < t->nrtables; i++)
		rt_node[i] = TOPO_NONE;
	if ((sn_first = calloc(t->nvnets + 1, sizeof(*sn_first))) == NULL) {
		free(rt_node);
		g->err = -ENOMEM;
		return;
	}
	for (v = 0; v < t->nvnets; v++) {
		const struct vnet *vn = &t->vnets[v];
		size_t h = topo_vhub_of_vnet(t, v);
		int c = (int)clus_add(g, CL_VNET, h != TOPO_NONE ?
		    vhub_label(g, t, h) : dg_fmt(g, "VNet %s\n%s",
		    vn->name, pfx_list(vn->space, vn->nspace, buf,
		    sizeof(buf))));

		vcl[v] = c;
		fab[v] = h != TOPO_NONE ? vhub_router(g, t, h, c) :
		    node_add(g, c, ST_FABRIC,
		    point_key(g, "fabric", vn->name, NULL),
		    dg_fmt(g, "VNet fabric\n(route decision)"));
		gw[v] = TOPO_NONE;
		if (vn->gateway != NULL) {
			gw[v] = node_add(g, c, ST_GATEWAY,
			    point_key(g, "gateway", vn->gateway, NULL),
			    dg_fmt(g, "gateway\n%s", vn->gateway));
			edge_add(g, fab[v], gw[v], E_STRUCT, NULL);
		}
		sn_first[v] = g->nn;
		for (s = 0; s < vn->nsubnets; s++) {
			const struct subnet *sn = &vn->subnets[s];
			size_t n = node_add(g, c, ST_SUBNET, NULL,
			    dg_fmt(g, "subnet %s\n%s", sn->name,
			    pfx_format(sn->pfx, pf)));

			if (n != TOPO_NONE) {
				g->n[n].subnet = sn->name;
				g->n[n].vnet = v;
			}
			edge_add(g, n, fab[v], E_STRUCT, NULL);
			if (sn->route_table == TOPO_NONE)
				continue;
			if (rt_node[sn->route_table] == TOPO_NONE) {
				const struct route_table *rt =
				    &t->rtables[sn->route_table];
				rt_node[sn->route_table] = node_add(g, c,
				    ST_RTABLE, NULL, dg_fmt(g,
				    "route table %s\n%zu route%s%s", rt->name,
				    rt->nroutes, rt->nroutes == 1 ? "" : "s",
				    rt->disable_bgp_propagation ?
				    "\nBGP propagation off" : ""));
			}
			edge_add(g, rt_node[sn->route_table], n, E_RTABLE,
			    NULL);
		}
	}
	vm_first = g->nn;
	for (i = 0; i < t->nvms; i++) {
		const struct vm *m = &t->vms[i];
		char pub[IP_STRLEN + 16] = "";
		size_t n;

		if (m->has_public_ip)
			snprintf(pub, sizeof(pub), "\npublic %s",
			    ip_format(m->public_ip, buf));
		n = node_add(g, vcl[m->vnet], ST_VM,
		    point_key(g, "nic", m->name, NULL),
		    dg_fmt(g, "%s%s\n%s%s", m->ip_forwarding ? "appliance " :
		    "VM ", m->name, ip_format(m->ip, ip), pub));
		if (n != TOPO_NONE)
			g->n[n].point2 = point_key(g, "appliance", m->name,
			    NULL);
		edge_add(g, n, sn_first[m->vnet] + m->subnet, E_STRUCT, NULL);
	}
	/* MODEL §8 [peer]: a peering over which a spoke uses its hub's
	 * gateways says so. */
	for (v = 0; v < t->nvnets; v++)
		for (i = v + 1; i < t->nvnets; i++)
			if (topo_vwan_linked(t, v, i))
				edge_add(g, fab[v], fab[i], E_PEERING,
				    vhub_conn_label(g, t, v, i));
			else if (topo_peered(t, v, i))
				edge_add(g, fab[v], fab[i], E_PEERING,
				    (t->vnets[v].hub == i && i != v) ||
				    (t->vnets[i].hub == v && i != v) ?
				    dg_fmt(g, "VNet peering\n(gateway transit)")
				    : dg_fmt(g, "VNet peering"));
	/* MODEL §8 [rs]: a Route Server in its VNet, a BGP session to each
	 * peer. */
	for (i = 0; i < t->nroute_servers; i++) {
		const struct route_server *rs = &t->route_servers[i];
		size_t n, k;

		if (rs->vnet == TOPO_NONE)
			continue;
		n = node_add(g, vcl[rs->vnet], ST_GATEWAY, NULL,
		    dg_fmt(g, "Route Server %s\n%zu BGP peer%s", rs->name,
		    rs->npeers, rs->npeers == 1 ? "" : "s"));
		for (k = 0; k < rs->npeers; k++)
			if (rs->peers[k].vm != TOPO_NONE)
				edge_add(g, n, vm_first + rs->peers[k].vm,
				    E_RTABLE, dg_fmt(g, "BGP %s",
				    rs->peers[k].name));
	}
	/* MODEL §8 [fw-rules]: an Azure Firewall in its subnet; both its
	 * capture points (before and after its SNAT) are this node. */
	for (i = 0; i < t->nfirewalls; i++) {
		const struct firewall *fw = &t->firewalls[i];
		char pub[IP_STRLEN + 16] = "";
		size_t n;

		/* A secured hub's firewall is drawn with its hub. */
		if (fw->vnet == TOPO_NONE || fw->subnet == TOPO_NONE ||
		    topo_vhub_of_vnet(t, fw->vnet) != TOPO_NONE)
			continue;
		if (fw->has_public_ip)
			snprintf(pub, sizeof(pub), "\npublic %s",
			    ip_format(fw->public_ip, buf));
		n = node_add(g, vcl[fw->vnet], ST_FIREWALL,
		    point_key(g, "firewall", fw->name, "-inside"),
		    dg_fmt(g, "Azure Firewall %s\n%s%s%s", fw->name,
		    ip_format(fw->private_ip, ip), pub, fw->forced_tunneling ?
		    "\nforced tunnelling" : ""));
		if (n != TOPO_NONE)
			g->n[n].point2 = point_key(g, "firewall", fw->name,
			    "-outside");
		edge_add(g, n, sn_first[fw->vnet] + fw->subnet, E_STRUCT,
		    NULL);
	}
	free(sn_first);
	free(rt_node);
}

/* Circuits, on-premises, Azure's Internet edge and the Internet. */
static void
build_outside(struct dgraph *g, const struct topo *t, const size_t *fab,
	      const size_t *gw, size_t *onprem_in, int *onprem_cl)
{
	char buf[512];
	size_t i, v, in = TOPO_NONE, out = TOPO_NONE;
	size_t *priv = NULL, *pub = NULL, *ms = NULL;

	*onprem_in = TOPO_NONE;
	*onprem_cl = -1;
	if ((priv = calloc(t->ncircuits + 1, sizeof(*priv))) == NULL ||
	    (pub = calloc(t->ncircuits + 1, sizeof(*pub))) == NULL ||
	    (ms = calloc(t->ncircuits + 1, sizeof(*ms))) == NULL) {
		free(priv);
		free(pub);
		g->err = -ENOMEM;
		return;
	}
	for (i = 0; i < t->ncircuits; i++) {
		const struct circuit *c = &t->circuits[i];
		int cl = (int)clus_add(g, CL_CIRCUIT, dg_fmt(g,
		    "ExpressRoute circuit %s (%s)", c->name, sku_name(c->sku)));

		priv[i] = node_add(g, cl, ST_PEERING,
		    point_key(g, "circuit", c->name, "-private"),
		    dg_fmt(g, "private peering\n%zu prefix%s from on-premises",
		    c->nadvertised, c->nadvertised == 1 ? "" : "es"));
		pub[i] = ms[i] = TOPO_NONE;
		if (c->public_peering)
			pub[i] = node_add(g, cl, ST_PEERING,
			    point_key(g, "circuit", c->name, "-public"),
			    dg_fmt(g, "public peering\nNAT pool %s",
			    pfx_list(c->nat_pool, c->nnat_pool, buf,
			    sizeof(buf))));
		if (c->microsoft_peering)
			ms[i] = node_add(g, cl, ST_PEERING,
			    point_key(g, "circuit", c->name, "-microsoft"),
			    dg_fmt(g, "Microsoft peering\nNAT pool %s\n"
			    "route filter: %zu region%s", pfx_list(c->ms_nat_pool,
			    c->nms_nat_pool, buf, sizeof(buf)), c->nroute_filter,
			    c->nroute_filter == 1 ? "" : "s"));
		if (c->vnet != TOPO_NONE && c->vnet < t->nvnets)
			edge_add(g, gw[c->vnet], priv[i], E_STRUCT, NULL);
	}
	if (t->onprem.present) {
		int cl = (int)clus_add(g, CL_ONPREM, dg_fmt(g,
		    "on-premises %s\n%s", t->onprem.name,
		    pfx_list(t->onprem.prefixes, t->onprem.nprefixes, buf,
		    sizeof(buf))));

		*onprem_cl = cl;
		in = node_add(g, cl, ST_ONPREM,
		    point_key(g, "onprem", t->onprem.name, "-inside"),
		    dg_fmt(g, "customer edge\n(inside the NAT)"));
		*onprem_in = in;
		for (i = 0; i < t->ncircuits; i++) {
			edge_add(g, priv[i], in, E_STRUCT, NULL);
			edge_add(g, in, pub[i], E_STRUCT, NULL);
			edge_add(g, in, ms[i], E_STRUCT, NULL);
		}
		if (t->onprem.has_edge_ip) {
			out = node_add(g, cl, ST_ONPREM,
			    point_key(g, "onprem", t->onprem.name, "-outside"),
			    dg_fmt(g, "Internet edge NAT\n%s",
			    ip_format(t->onprem.internet_edge_ip, buf)));
			edge_add(g, in, out, E_STRUCT, NULL);
			edge_add(g, out, internet_node(g), E_STRUCT, NULL);
		}
	}
	/* MODEL §8 [vpn-ft]: each VPN site, on-premises behind its
	 * gateway's tunnel, with its own Internet edge. */
	if (t->nvpn_sites > 0 &&
	    ((g->site_in = calloc(t->nvpn_sites, sizeof(*g->site_in))) ==
	    NULL || (g->site_cl = calloc(t->nvpn_sites,
	    sizeof(*g->site_cl))) == NULL)) {
		free(priv);
		free(pub);
		free(ms);
		g->err = -ENOMEM;
		return;
	}
	for (i = 0; i < t->nvpn_sites; i++) {
		const struct vpn_site *vs = &t->vpn_sites[i];
		const struct gateway *gwy = &t->gateways[vs->gateway];
		int cl = (int)clus_add(g, CL_ONPREM, dg_fmt(g,
		    "VPN site %s\n%s", vs->name, pfx_list(vs->prefixes,
		    vs->nprefixes, buf, sizeof(buf))));

		g->site_cl[i] = cl;
		g->site_in[i] = node_add(g, cl, ST_ONPREM,
		    point_key(g, "onprem", vs->name, "-inside"),
		    dg_fmt(g, "site edge%s%s", vs->bgp ? "\nBGP " : "",
		    vs->bgp ? ip_format(vs->bgp_peer_ip, buf) : ""));
		edge_add(g, gw[gwy->vnet], g->site_in[i], E_STRUCT,
		    dg_fmt(g, "site-to-site%s", gwy->default_site == i ?
		    "\n(default site)" : ""));
		if (vs->has_edge_ip) {
			size_t o = node_add(g, cl, ST_ONPREM,
			    point_key(g, "onprem", vs->name, "-outside"),
			    dg_fmt(g, "Internet edge NAT\n%s",
			    ip_format(vs->internet_edge_ip, buf)));

			edge_add(g, g->site_in[i], o, E_STRUCT, NULL);
			edge_add(g, o, internet_node(g), E_STRUCT, NULL);
		}
	}
	g->edge = node_add(g, -1, ST_EDGE, point_key(g, "azure-edge", NULL,
	    NULL), dg_fmt(g, "Azure Internet edge\n(SNAT to Azure public IPs)"));
	for (v = 0; v < t->nvnets; v++)
		edge_add(g, fab[v], g->edge, E_STRUCT, NULL);
	edge_add(g, g->edge, internet_node(g), E_STRUCT, NULL);
	free(priv);
	free(pub);
	free(ms);
}

/* Where a destination reached at addr belongs, and what links it. */
static void
place_dest(struct dgraph *g, const struct topo *t, size_t n, uint32_t addr,
	   const int *vcl, const size_t *fab, size_t onprem_in, int onprem_cl)
{
	size_t i, v;

	if (service_at(t, addr) != NULL || azure_public(t, addr)) {
		if (g->services < 0)
			g->services = (int)clus_add(g, CL_AZURE, dg_fmt(g,
			    "Azure public services"));
		g->n[n].clus = g->services;
		edge_add(g, g->edge, n, E_STRUCT, NULL);
		return;
	}
	for (i = 0; t->onprem.present && i < t->onprem.nprefixes; i++)
		if (pfx_contains_ip(t->onprem.prefixes[i], addr)) {
			g->n[n].clus = onprem_cl;
			edge_add(g, onprem_in, n, E_STRUCT, NULL);
			return;
		}
	for (i = 0; i < t->nvpn_sites && g->site_in != NULL; i++) {
		struct pfx which;

		if (topo_site_covers(t, i, addr, &which)) {
			g->n[n].clus = g->site_cl[i];
			edge_add(g, g->site_in[i], n, E_STRUCT, NULL);
			return;
		}
	}
	for (v = 0; v < t->nvnets; v++)
		if (topo_vnet_holds(t, v, addr)) {
			g->n[n].clus = vcl[v];
			edge_add(g, fab[v], n, E_STRUCT, NULL);
			return;
		}
	if (g->internet_cl < 0)
		g->internet_cl = (int)clus_add(g, CL_INTERNET,
		    dg_fmt(g, "Internet hosts"));
	g->n[n].clus = g->internet_cl;
	edge_add(g, internet_node(g), n, E_STRUCT, NULL);
}

/* Every destination the run's flows reach, in the order they are met. */
static void
build_dests(struct dgraph *g, const struct run *run, const int *vcl,
	    const size_t *fab, size_t onprem_in, int onprem_cl)
{
	const struct topo *t = run->topo;
	size_t i, k, j, n;

	for (i = 0; i < run->nres && g->err == 0; i++) {
		const struct flow_result *r = &run->res[i];

		for (k = 0; k < r->nxing && g->err == 0; k++) {
			const struct xing *x = &r->xing[k];
			const char *pt = sim_point_name(run->sim, x->point);
			const char *name;
			const struct service *svc;

			if (x->reply || pt == NULL ||
			    sim_point_kind(run->sim, x->point) != CAP_DEST)
				continue;
			if ((n = node_by_point(g, pt)) == TOPO_NONE) {
				name = x->hop < r->nhops ?
				    trace_node(r, &r->hops[x->hop]) : pt;
				svc = service_at(t, x->dst);
				n = node_add(g, -1, ST_DEST, dg_fmt(g, "%s", pt),
				    svc != NULL ? dg_fmt(g, "%s\n%s", name,
				    svc->what) : dg_fmt(g, "%s", name));
				if (n == TOPO_NONE)
					return;
				place_dest(g, t, n, x->dst, vcl, fab,
				    onprem_in, onprem_cl);
			}
			/* A host is named by its address already. */
			if (service_at(t, x->dst) == NULL)
				continue;
			for (j = 0; j < g->n[n].naddr; j++)
				if (g->n[n].addr[j] == x->dst)
					break;
			if (j < g->n[n].naddr)
				continue;
			if (g->n[n].naddr < DG_MAXADDR)
				g->n[n].addr[g->n[n].naddr++] = x->dst;
			else
				g->n[n].more = true;
		}
	}
}

/* The node of a crossing: the one standing for its point, or a new one
 * named as the point. */
static size_t
path_node(struct dgraph *g, const struct run *run, const struct xing *x)
{
	const char *pt = sim_point_name(run->sim, x->point);
	size_t n;

	if (pt == NULL)
		pt = "?";
	if ((n = node_by_point(g, pt)) == TOPO_NONE)
		n = node_add(g, -1, ST_OTHER, dg_fmt(g, "%s", pt),
		    dg_fmt(g, "%s", pt));
	if (n != TOPO_NONE)
		g->n[n].on_path = true;
	return n;
}

/* Add a line to node n's label, once. */
static void
node_note(struct dgraph *g, size_t n, const char *line)
{
	const char *l;
	size_t len;

	if (n == TOPO_NONE || line == NULL || g->err != 0)
		return;
	len = strlen(line);
	for (l = strstr(g->n[n].label, line); l != NULL;
	    l = strstr(l + 1, line))
		if ((l == g->n[n].label || l[-1] == '\n') &&
		    (l[len] == '\0' || l[len] == '\n'))
			return;
	g->n[n].label = dg_fmt(g, "%s\n%s", g->n[n].label, line);
}

/*
 * The node that made NAT record nr: the node of the point where the
 * translated packet was first seen, except over a circuit's public or
 * Microsoft peering, whose pool the customer edge translates to before
 * it sends the packet there (the node crossed just before).
 */
static size_t
nat_node(const struct dgraph *g, const struct run *run,
	 const struct flow_result *r, const struct natrec *nr)
{
	const char *pt;
	size_t k, prev = TOPO_NONE;
	enum cap_kind kind = sim_point_kind(run->sim, nr->point);

	if (kind != CAP_CIRCUIT_PUBLIC && kind != CAP_CIRCUIT_MICROSOFT) {
		pt = sim_point_name(run->sim, nr->point);
		return pt != NULL ? node_by_point(g, pt) : TOPO_NONE;
	}
	for (k = 0; k < r->nxing; k++) {
		const struct xing *x = &r->xing[k];

		if (x->reply)
			continue;
		if (x->point == nr->point && x->src == nr->outside)
			break;
		prev = k;
	}
	if (k == r->nxing || prev == TOPO_NONE ||
	    (pt = sim_point_name(run->sim, r->xing[prev].point)) == NULL)
		return TOPO_NONE;
	return node_by_point(g, pt);
}

/* The NAT record of r made at node n that gave the packet the outside
 * address a, or NULL. */
static const struct natrec *
nat_at(const struct dgraph *g, const struct run *run,
       const struct flow_result *r, size_t n, uint32_t outside)
{
	size_t i;

	for (i = 0; i < r->nnat; i++)
		if (r->nat[i].outside == outside &&
		    r->nat[i].inside != outside &&
		    nat_node(g, run, r, &r->nat[i]) == n)
			return &r->nat[i];
	return NULL;
}

/*
 * One direction of r's path: an edge between each two crossings that
 * are not at the same place, labelled with the address that matters
 * there: the request's source as the packet leaves the node the edge
 * starts from (on an edge into a node that translates, before the NAT;
 * on the edges out of it, after), the reply's destination. Each NAT is
 * a line of the node that made it.
 */
static void
build_path(struct dgraph *g, const struct run *run,
	   const struct flow_result *r, bool reply)
{
	size_t k, i, prev = TOPO_NONE, n, step = 0;
	char ip[IP_STRLEN], ip2[IP_STRLEN];

	for (k = 0; k < r->nxing && g->err == 0; k++) {
		const struct xing *x = &r->xing[k];
		const struct natrec *nr;
		uint32_t src = x->src;

		if ((bool)x->reply != reply)
			continue;
		n = path_node(g, run, x);
		/* this crossing is seen after the node's own SNAT: the
		 * packet came in with the inside address */
		if (!reply && (nr = nat_at(g, run, r, n, x->src)) != NULL)
			src = nr->inside;
		if (prev != TOPO_NONE && n != prev) {
			step++;
			if (reply)
				edge_add(g, prev, n, E_REPLY, dg_fmt(g,
				    "r%zu to %s", step, ip_format(x->dst, ip)));
			else
				edge_add(g, prev, n, E_REQUEST, dg_fmt(g,
				    "%zu  %s", step, ip_format(src, ip)));
		}
		prev = n;
	}
	/* MODEL §7: the translations the request met, at their nodes. */
	for (i = 0; !reply && i < r->nnat && g->err == 0; i++) {
		const struct natrec *nr = &r->nat[i];
		bool dnat = false;

		if ((n = nat_node(g, run, r, nr)) == TOPO_NONE)
			continue;
		/* a NAT of the destination (an instance public IP taking
		 * a connection from the Internet) */
		for (k = 0; k < r->nxing; k++)
			if (!r->xing[k].reply && r->xing[k].point == nr->point)
				dnat = r->xing[k].dst == nr->inside ||
				    r->xing[k].dst == nr->outside;
		if (dnat)
			node_note(g, n, dg_fmt(g, "DNAT %s -> %s",
			    ip_format(nr->outside, ip),
			    ip_format(nr->inside, ip2)));
		else
			node_note(g, n, dg_fmt(g, "SNAT %s -> %s",
			    ip_format(nr->inside, ip),
			    ip_format(nr->outside, ip2)));
	}
	if (prev == TOPO_NONE)
		return;
	if (!reply && !r->delivered) {
		n = node_add(g, -1, ST_DROP, NULL, dg_fmt(g, "dropped\n%s",
		    r->drop_reason ? r->drop_reason : "not delivered"));
		edge_add(g, prev, n, E_REQUEST, dg_fmt(g, "%zu", step + 1));
	} else if (reply && r->replied && !r->reply_delivered) {
		n = node_add(g, -1, ST_DROP, NULL, dg_fmt(g,
		    "reply dropped\n%s", r->reply_drop_reason ?
		    r->reply_drop_reason : "not delivered"));
		edge_add(g, prev, n, E_REPLY, dg_fmt(g, "r%zu", step + 1));
	}
}

/* The source of the route a route line applied ("VirtualNetworkGateway"),
 * from the route its event names; "" if none. */
static const char *
route_source(const struct run *run, const struct hop *hp)
{
	const struct rtable *rt;

	if (hp->ctx == HOP_NONE || hp->ctx >= sim_ncontexts(run->sim) ||
	    (rt = sim_context_rtable(run->sim, hp->ctx)) == NULL ||
	    hp->route >= rt->n)
		return "";
	return rt_source_name(rt->r[hp->route].source);
}

/*
 * The decisions of r's trace at the nodes they were taken: the NSG rule
 * at each NIC ("NSG outbound: allowed by AllowVnetOutBound") and the
 * route, with its source, at each subnet. A subnet is found by its name
 * in the VNet of the last VM the trace passed (names repeat across
 * VNets), else by its name alone.
 */
static void
build_decisions(struct dgraph *g, const struct run *run,
		const struct flow_result *r)
{
	const struct topo *t = run->topo;
	size_t k, i, n, vm = TOPO_NONE;
	struct tline b = { 0 };
	const char *src;

	for (k = 0; k < r->nhops && g->err == 0; k++) {
		const struct hop *hp = &r->hops[k];
		const char *pre = hp->reply ? "reply: " : "";
		const char *node = trace_node(r, hp);
		size_t v;

		if ((v = topo_vm_find(t, node)) != TOPO_NONE)
			vm = v;
		if (hp->kind == HOP_NSG && v != TOPO_NONE) {
			n = node_by_point(g, point_key(g, "nic", node, NULL));
			node_note(g, n, dg_fmt(g, "%s%s", pre,
			    out_what(&b, r, hp)));
		} else if (hp->kind == HOP_ROUTE) {
			n = TOPO_NONE;
			for (i = 0; i < g->nn; i++) {
				if (g->n[i].subnet == NULL ||
				    strcmp(g->n[i].subnet, node) != 0)
					continue;
				if (n == TOPO_NONE)
					n = i;
				if (vm != TOPO_NONE &&
				    g->n[i].vnet == t->vms[vm].vnet) {
					n = i;
					break;
				}
			}
			src = route_source(run, hp);
			node_note(g, n, dg_fmt(g, "%s%s%s%s", pre,
			    out_what(&b, r, hp), src[0] ? ", source " : "",
			    src));
		}
	}
	tline_free(&b);
	/* MODEL §8 [fw-rules]: the collection and rule that decided at
	 * each Azure Firewall, or its default deny. */
	for (k = 0; k < r->nfw && g->err == 0; k++) {
		const struct firewall *fw = &t->firewalls[r->fw[k].fw];
		const struct fw_coll *c = r->fw[k].coll != UINT32_MAX ?
		    &fw->colls[r->fw[k].coll] : NULL;

		n = node_by_point(g, point_key(g, "firewall", fw->name,
		    "-inside"));
		if (c == NULL)
			node_note(g, n, dg_fmt(g, "no rule matches: denied"));
		else
			node_note(g, n, dg_fmt(g, "%s rule %s/%s: %s",
			    fw_ctype_name(c->type), c->name,
			    c->rules[r->fw[k].rule].name, r->fw[k].allow ?
			    "Allow" : "Deny"));
	}
}

/* The picture's title: the flow and its outcome. */
static char *
title(struct dgraph *g, const struct run *run, const struct flow_result *r)
{
	const struct topo *t = run->topo;
	char seen[64] = "", ip[IP_STRLEN];

	if (r == NULL)
		return dg_fmt(g, "scenario %s", t->scenario);
	if (r->has_source_seen)
		snprintf(seen, sizeof(seen), ", source seen %s (%s)",
		    ip_format(r->source_seen, ip),
		    srcclass_name(r->source_class));
	return dg_fmt(g, "scenario %s, flow %s: %s -> %s %s/%u\n%s%s, "
	    "hairpin %s", t->scenario, r->flow->name,
	    r->nhops > 0 ? trace_node(r, &r->hops[0]) : "?", r->flow->to,
	    proto_name(r->flow->proto), r->flow->port,
	    r->delivered ? "delivered" : "dropped", seen,
	    hairpin_name(r->hairpin));
}

/* ---------------------------------------------------------------- */
/* Writing */

static void
write_node(FILE *f, const struct dgraph *g, size_t i, const char *indent)
{
	const struct dnode *n = &g->n[i];
	char ip[IP_STRLEN];
	size_t k;

	fprintf(f, "%s\"n%zu\" [label=", indent, i);
	if (n->naddr == 0) {
		diagram_quote(f, n->label);
	} else {
		/* label, then the addresses reached, one a line */
		char *l = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&l, &len);

		if (m == NULL) {
			diagram_quote(f, n->label);
		} else {
			fputs(n->label, m);
			for (k = 0; k < n->naddr; k++)
				fprintf(m, "\n%s", ip_format(n->addr[k], ip));
			if (n->more)
				fputs("\n...", m);
			if (fclose(m) == 0)
				diagram_quote(f, l);
			else
				diagram_quote(f, n->label);
			free(l);
		}
	}
	fprintf(f, ", %s", n->style);
	if (n->on_path)
		fputs(", penwidth=2.5, color=\"" COL_REQUEST "\"", f);
	fputs("];\n", f);
}

static void
write_edge(FILE *f, const struct dedge *e)
{
	fprintf(f, "  \"n%zu\" -> \"n%zu\"", e->a, e->b);
	switch (e->kind) {
	case E_STRUCT:
	case E_RTABLE:
		fputs(e->kind == E_STRUCT ? " [dir=none" :
		      " [dir=none, style=dashed", f);
		if (e->label != NULL) {	/* a site's tunnel, a BGP session */
			fputs(", label=", f);
			diagram_quote(f, e->label);
		}
		fputc(']', f);
		break;
	case E_PEERING:
		fputs(" [dir=both, style=dashed, color=\"#6b8fb8\", "
		    "fontcolor=\"#6b8fb8\", label=", f);
		diagram_quote(f, e->label ? e->label : "");
		fputc(']', f);
		break;
	case E_REQUEST:
		fputs(" [color=\"" COL_REQUEST "\", fontcolor=\"" COL_REQUEST
		    "\", penwidth=2.5, arrowsize=0.8, constraint=false, "
		    "label=", f);
		diagram_quote(f, e->label ? e->label : "");
		fputc(']', f);
		break;
	case E_REPLY:
		fputs(" [color=\"" COL_REPLY "\", fontcolor=\"" COL_REPLY
		    "\", style=dashed, penwidth=1.5, arrowsize=0.7, "
		    "constraint=false, label=", f);
		diagram_quote(f, e->label ? e->label : "");
		fputc(']', f);
		break;
	}
	fputs(";\n", f);
}

static void
write_graph(FILE *f, const struct dgraph *g, const char *label)
{
	size_t i, c;

	fputs("digraph ftsim {\n"
	    "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, "
	    "labelloc=t, nodesep=0.25, ranksep=0.5, label=", f);
	diagram_quote(f, label);
	fputs("];\n"
	    "  node [fontname=\"Helvetica\", fontsize=10];\n"
	    "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#a0a0a0\"];\n",
	    f);
	for (c = 0; c < g->nc; c++) {
		fprintf(f, "  subgraph \"cluster_%zu\" {\n    graph [%s, "
		    "label=", c, g->c[c].style);
		diagram_quote(f, g->c[c].label);
		fputs("];\n", f);
		for (i = 0; i < g->nn; i++)
			if (g->n[i].clus == (int)c)
				write_node(f, g, i, "    ");
		fputs("  }\n", f);
	}
	for (i = 0; i < g->nn; i++)
		if (g->n[i].clus < 0)
			write_node(f, g, i, "  ");
	for (i = 0; i < g->ne; i++)
		write_edge(f, &g->e[i]);
	fputs("}\n", f);
}

int
diagram_dot(FILE *f, const struct run *run, const struct flow_result *r)
{
	const struct topo *t;
	struct dgraph g;
	/* No on-premises node until build_outside makes one. */
	size_t *fab = NULL, *gw = NULL, onprem_in = TOPO_NONE;
	int *vcl = NULL, onprem_cl = -1;
	char *label;
	int rc;

	if (f == NULL || run == NULL || run->topo == NULL || run->sim == NULL)
		return -EINVAL;
	t = run->topo;
	memset(&g, 0, sizeof(g));
	g.services = g.internet_cl = -1;
	g.internet = g.edge = TOPO_NONE;
	if ((fab = calloc(t->nvnets + 1, sizeof(*fab))) == NULL ||
	    (gw = calloc(t->nvnets + 1, sizeof(*gw))) == NULL ||
	    (vcl = calloc(t->nvnets + 1, sizeof(*vcl))) == NULL)
		g.err = -ENOMEM;
	if (g.err == 0)
		build_vnets(&g, t, fab, gw, vcl);
	if (g.err == 0)
		build_outside(&g, t, fab, gw, &onprem_in, &onprem_cl);
	if (g.err == 0)
		build_dests(&g, run, vcl, fab, onprem_in, onprem_cl);
	if (r != NULL && g.err == 0) {
		build_path(&g, run, r, false);
		build_path(&g, run, r, true);
		build_decisions(&g, run, r);
	}
	label = title(&g, run, r);
	if ((rc = g.err) == 0) {
		write_graph(f, &g, label);
		rc = ferror(f) ? -EIO : 0;
	}
	free(fab);
	free(gw);
	free(vcl);
	free(g.site_in);
	free(g.site_cl);
	dg_free(&g);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Files */

/* path with a suffix, "./" in front of a relative path so that no
 * program takes it for an option. */
static char *
path_with(const char *path, const char *suffix)
{
	const char *pre = path[0] == '/' ? "" : "./";
	size_t len = strlen(pre) + strlen(path) + strlen(suffix) + 1;
	char *s = malloc(len);

	if (s != NULL)
		snprintf(s, len, "%s%s%s", pre, path, suffix);
	return s;
}

int
diagram_render(const char *dotfile, const char *path, enum dg_format fmt,
	       char *err, size_t errlen)
{
	char suffix[32], *tmp, *src;
	char *argv[6];
	int rc;

	snprintf(suffix, sizeof(suffix), ".tmp%ld", (long)getpid());
	if ((tmp = path_with(path, suffix)) == NULL ||
	    (src = path_with(dotfile, "")) == NULL) {
		free(tmp);
		diag_set_oom();
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	argv[0] = "dot";
	argv[1] = fmt == DG_PNG ? "-Tpng" : "-Tsvg";
	argv[2] = "-o";
	argv[3] = tmp;
	argv[4] = src;
	argv[5] = NULL;
	/* dot's file is removed on a signal, as an outfile is. */
	if ((rc = outfile_guard(tmp, path)) != 0) {
		free(tmp);
		free(src);
		diag_set_oom();
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	rc = spawn_run(argv, NULL, err, errlen);
	if (rc == -ENOENT)
		snprintf(err, errlen, "dot (Graphviz) is not installed: "
		    "scripts/install-deps.sh installs it (or write a .dot "
		    "file)");
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
	}
	if (rc != 0)
		(void)unlink(tmp);
	outfile_unguard(tmp);
	free(tmp);
	free(src);
	return rc;
}

int
diagram_write(const struct run *run, const struct flow_result *r,
	      const char *path, enum dg_format fmt, char *err, size_t errlen)
{
	char suffix[32], *tmp;
	FILE *f;
	int rc, e;

	snprintf(suffix, sizeof(suffix), ".tmp%ld.dot", (long)getpid());
	if ((tmp = path_with(path, suffix)) == NULL) {
		diag_set_oom();
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* Guarded before it exists: a signal removes it (outfile.h). */
	if ((rc = outfile_guard(tmp, path)) != 0) {
		diag_set_oom();
		snprintf(err, errlen, "out of memory");
		free(tmp);
		return rc;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		outfile_unguard(tmp);
		free(tmp);
		return rc;
	}
	rc = diagram_dot(f, run, r);
	e = errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -EIO, e = errno;
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s: %s", path,
		    rc == -ENOMEM ? "out of memory" : strerror(e));
	else if (fmt == DG_DOT) {
		if (rename(tmp, path) != 0) {
			rc = -errno;
			snprintf(err, errlen, "cannot write %s: %s", path,
			    strerror(errno));
		}
	} else {
		rc = diagram_render(tmp, path, fmt, err, errlen);
	}
	if (rc != 0 || fmt != DG_DOT)
		(void)unlink(tmp);
	outfile_unguard(tmp);
	free(tmp);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The command */

int
cmd_diagram(int argc, char **argv)
{
	const char *flow = NULL, *out = NULL;
	const struct flow_result *r = NULL;
	char err[1024];
	struct job j;
	size_t i;
	int c, fmt = DG_DOT, rc, status = 0;

	optind = 1;
	while ((c = help_getopt("diagram", argc, argv)) != -1) {
		switch (c) {
		case 'f': flow = optarg; break;
		case 'o': out = optarg; break;
		case 'h': return 0;
		default: return EXIT_BADINPUT;
		}
	}
	if ((c = help_operands("diagram", argc, argv, 1, 1,
	    "scenario FILE")) != 0)
		return c;
	if (output_not_input("-o", out, argv + optind, 1) != 0)
		return EXIT_BADINPUT;
	if (out != NULL && (fmt = diagram_format(out)) < 0) {
		fprintf(stderr, "ftsim: %s: the output's name must end in "
		    ".svg, .png or .dot\n", out);
		return EXIT_BADINPUT;
	}
	if (job_load(&j, argv[optind]) != 0) {
		job_free(&j);
		return EXIT_BADINPUT;
	}
	diag_print(stderr, &j.diag);	/* warnings */
	if (job_run(&j) != 0) {
		fprintf(stderr, "ftsim: %s: internal error while simulating\n",
		    j.topo.file);
		job_free(&j);
		return EXIT_BADINPUT;
	}
	if (flow != NULL) {
		if ((i = job_flow(&j, flow)) == TOPO_NONE) {
			job_free(&j);
			return EXIT_BADINPUT;
		}
		r = &j.run.res[i];
	}
	if (out == NULL) {
		if ((rc = diagram_dot(stdout, &j.run, r)) != 0) {
			fprintf(stderr, "ftsim: cannot write the diagram: %s\n",
			    strerror(-rc));
			status = EXIT_BADINPUT;
		}
	} else if ((rc = diagram_write(&j.run, r, out, (enum dg_format)fmt,
	    err, sizeof(err))) != 0) {
		fprintf(stderr, "ftsim: %s\n", err);
		status = rc == -ENOENT ? EXIT_NOTOOL : EXIT_BADINPUT;
	}
	job_free(&j);
	return status;
}
