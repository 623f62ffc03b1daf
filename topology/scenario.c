/*
 * scenario.c: the YAML scenario loader of scenario.h: the top level of
 * the format, the limits, and the entry points.
 *
 * The file is read whole and goes through the safety pass (yaml_safe.c)
 * before any value is read. The section readers (scn_*.c) then take the
 * sections in the order references need them: route tables and NSGs
 * before the subnets that name them, VNets before VMs and circuits, dns:
 * before flows. Names are checked for duplicates and resolved through
 * sorted indexes (yaml_index.c), so that large scenarios load in
 * n log n.
 *
 * Errors do not stop the walk: each one is recorded and reading goes on,
 * up to YRD_MAXERRORS messages, so that one run shows most of what is
 * wrong. The messages are then put in document order. Any error frees
 * the topology; the caller never sees a half-filled model.
 */
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "topology/scenario.h"
#include "topology/yamlrd.h"

/*
 * The limits of scenario.h. Azure's figures are those of "Networking
 * limits - Azure Resource Manager" (azure-docs
 * includes/azure-virtual-network-limits.md) and, for circuits' prefixes,
 * the ExpressRoute limits [er-limits]: above 4,000 (10,000 on Premium)
 * the BGP session drops, which sim/route.c models, so no warning here.
 * The caps keep memory bounded: a flow's result takes close to 100 KB, and
 * every subnet's effective route table holds the BGP and user routes
 * (sim_new caps the total).
 */
const struct scenario_limit scenario_limits[SCN_LIM_N] = {
	[SCN_LIM_ROUTES] = { "routes", "route table", 400, "per route table",
	    10000 },
	[SCN_LIM_RTABLES] = { "route tables", "scenario", 200,
	    "per region and subscription", 10000 },
	[SCN_LIM_RULES] = { "rules", "nsg", 1000, "per NSG", 10000 },
	[SCN_LIM_NSGS] = { "nsgs", "scenario", 5000,
	    "per region and subscription", 10000 },
	[SCN_LIM_RULE_ADDRS] = { "addresses", "rule", 4000,
	    "in a rule's source or destination", 40000 },
	[SCN_LIM_VNETS] = { "vnets", "scenario", 1000,
	    "per region and subscription", 10000 },
	[SCN_LIM_SUBNETS] = { "subnets", "vnet", 3000, "per virtual network",
	    10000 },
	[SCN_LIM_PEERINGS] = { "peerings", "vnet", 500, "per virtual network",
	    10000 },
	[SCN_LIM_VMS] = { "vms", "scenario", 65536,
	    "network interfaces per region and subscription", 100000 },
	[SCN_LIM_CIRCUITS] = { "expressroute circuits", "scenario", 0, NULL,
	    1000 },
	[SCN_LIM_ADVERTISED] = { "advertised prefixes", "expressroute circuit",
	    0, NULL, SCN_MAXGEN },
	[SCN_LIM_BLOCKS] = { "block filters", "onprem", 0, NULL, 10000 },
	[SCN_LIM_DNS] = { "names", "dns", 0, NULL, 100000 },
	[SCN_LIM_FLOWS] = { "flows", "scenario", 0, NULL, 1000 },
	/* VPN Gateway limits (VpnGw5: 100 site-to-site tunnels; a local
	 * network gateway holds 1,000 prefixes) and Route Server limits
	 * (8 BGP peers, 1,000 routes each) of the same page. */
	[SCN_LIM_VPN_SITES] = { "vpn sites", "scenario", 100,
	    "site-to-site tunnels per VPN gateway", 10000 },
	[SCN_LIM_SITE_PREFIXES] = { "prefixes", "vpn site", 1000,
	    "per local network gateway", 100000 },
	[SCN_LIM_RS_PEERS] = { "peers", "route server", 8,
	    "BGP peers per Route Server", TOPO_ECMP_MAX },
	[SCN_LIM_RS_ROUTES] = { "advertised prefixes", "route server peer",
	    1000, "routes per BGP peer", 100000 },
};

/*
 * Check count items of list n against limit l of its owner (NULL: the
 * scenario, or a name): -1 after an error above ftsim's cap, 0 else, with
 * a warning above Azure's limit.
 */
int
scn_limit(struct yrd *y, const yaml_node_t *n, enum scenario_lim l,
    size_t count, const char *name)
{
	const struct scenario_limit *lim = &scenario_limits[l];
	char owner[128];

	if (count <= lim->cap && (lim->azure == 0 || count <= lim->azure))
		return 0;
	if (strcmp(lim->owner, "scenario") == 0 || name == NULL)
		(void)snprintf(owner, sizeof(owner), "the %s", lim->owner);
	else
		(void)snprintf(owner, sizeof(owner), "%s '%.64s'", lim->owner,
		    name);
	if (count > lim->cap && lim->azure > 0) {
		yrd_err(y, n, "%s has %zu %s; ftsim reads at most %zu (Azure "
		    "allows %zu %s)", owner, count, lim->what, lim->cap,
		    lim->azure, lim->scope);
		return -1;
	}
	if (count > lim->cap) {
		yrd_err(y, n, "%s has %zu %s; ftsim reads at most %zu", owner,
		    count, lim->what, lim->cap);
		return -1;
	}
	yrd_warn(y, n, "%s has %zu %s; Azure allows at most %zu %s "
	    "(simulated anyway)", owner, count, lim->what, lim->azure,
	    lim->scope);
	return 0;
}
/*
 * The top level: the scenario's own keys, the model switches and the
 * service tags.
 */

enum { MO_BGP, MO_VNETTAG, MO_LKM, MO_KMS, MO_RESERVED, MO_N };
static const struct yrd_key scn_model_keys[MO_N] = {
	[MO_BGP] = { "bgp_default_removes_none", false },
	[MO_RESERVED] = { "reserved_none_routes", false },
	[MO_VNETTAG] = { "vnet_tag_includes_default_route", false },
	[MO_LKM] = { "lkm_off_with_forced_default", false },
	[MO_KMS] = { "kms_accepts_public_peering_nat", false },
};

/* MODEL §8: which reserved None rows a subnet lists. */
static const char *const scn_reserved_sets[] = { "observed", "documented" };

static void
scn_model(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct model_opts *mo = &s->t->model;
	struct yrd_map m;
	int set;

	if (n == NULL || yrd_map_read(y, n, "'model'", "model",
	    scn_model_keys, MO_N, &m) == -1)
		return;
	(void)yrd_bool(y, m.val[MO_BGP], "bgp_default_removes_none",
	    &mo->bgp_default_removes_none);
	(void)yrd_bool(y, m.val[MO_VNETTAG], "vnet_tag_includes_default_route",
	    &mo->vnet_tag_includes_default_route);
	(void)yrd_bool(y, m.val[MO_LKM], "lkm_off_with_forced_default",
	    &mo->lkm_off_with_forced_default);
	(void)yrd_bool(y, m.val[MO_KMS], "kms_accepts_public_peering_nat",
	    &mo->kms_accepts_public_peering_nat);
	/* A list: the scenario's own reserved rows, in order. */
	if (m.val[MO_RESERVED] != NULL &&
	    m.val[MO_RESERVED]->type == YAML_SEQUENCE_NODE) {
		if (yrd_pfx_list(y, m.val[MO_RESERVED], "reserved_none_routes",
		    false, &s->t->reserved_routes,
		    &s->t->nreserved_routes) == 1)
			mo->reserved_none_routes = RESERVED_LIST;
	} else if (yrd_word(y, m.val[MO_RESERVED], "reserved_none_routes",
	    scn_reserved_sets, 2, "observed, documented or a list of "
	    "prefixes", &set) == 1)
		mo->reserved_none_routes = (enum reserved_set)set;
}

/* MODEL §7: `timing:` overrides the one-way delay of each kind of link,
 * in microseconds. */
static void
scn_timing(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct yrd_key keys[LINK_COUNT];
	struct yrd_map m;
	unsigned long v;
	size_t k;

	for (k = 0; k < LINK_COUNT; k++)
		keys[k] = (struct yrd_key){ link_kind_name((enum link_kind)k),
					    false };
	if (n == NULL || yrd_map_read(y, n, "'timing'", "timing", keys,
	    LINK_COUNT, &m) == -1)
		return;
	s->t->timing.set = true;
	for (k = 0; k < LINK_COUNT; k++)
		if (yrd_uint(y, m.val[k], keys[k].name, 0, TIMING_MAX_US,
		    &v) == 1)
			s->t->timing.us[k] = (uint32_t)v;
}

static void
scn_cloud(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	const char *v;

	if (n == NULL || (v = yrd_scalar(y, n, "cloud", "a cloud")) == NULL)
		return;
	if (cloud_parse(v, &s->t->cloud) == -1)
		yrd_err(y, n, "unknown cloud '%s' (AzureCloud, "
		    "AzureChinaCloud, AzureGermanCloud or AzureUSGovernment)",
		    v);
}

/*
 * Load the service tags file. Its errors name positions in that file
 * through a path the topology owns, and the topology is freed on error:
 * so they are collected apart and reported here, at the service_tags
 * value, with the JSON file's position in the text.
 */
static void
scn_tags_load(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct diag tmp;
	const struct diag_msg *m;
	size_t i;

	diag_init(&tmp);
	if (tagset_load(s->t->service_tags_file, &s->t->tags, &tmp) == 0) {
		diag_free(&tmp);
		return;
	}
	for (i = 0; i < tmp.n; i++) {
		m = &tmp.msgs[i];
		if (m->pos.line > 0)
			yrd_err(y, n, "cannot load service tags: %s:%d:%d: %s",
			    m->pos.file, m->pos.line, m->pos.col, m->text);
		else
			yrd_err(y, n, "cannot load service tags: %s: %s",
			    m->pos.file, m->text);
	}
	if (tmp.n == 0)
		yrd_err(y, n, "cannot load service tags from %s",
		    s->t->service_tags_file);
	diag_free(&tmp);
}

/* The service tags: a file relative to the scenario's directory, or the
 * built-in list of the cloud. */
static void
scn_tags(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	const char *v;
	size_t len;

	if (n == NULL) {
		if ((t->tags = tagset_builtin(t->cloud)) == NULL)
			(void)yrd_nomem(y);
		return;
	}
	if ((v = yrd_scalar(y, n, "service_tags", "a file name")) == NULL)
		return;
	if (*v == '/' || strcmp(t->dir, ".") == 0) {
		if (yrd_strdup(y, v, &t->service_tags_file) == -1)
			return;
	} else {
		len = strlen(t->dir) + 1 + strlen(v) + 1;
		if ((t->service_tags_file = malloc(len)) == NULL) {
			(void)yrd_nomem(y);
			return;
		}
		(void)snprintf(t->service_tags_file, len, "%s/%s", t->dir, v);
	}
	scn_tags_load(s, n);
}

enum {
	TOP_SCENARIO, TOP_DESCRIPTION, TOP_CLOUD, TOP_TAGS, TOP_VNETS,
	TOP_VMS, TOP_RTABLES, TOP_NSGS, TOP_ER, TOP_ONPREM, TOP_DNS,
	TOP_FLOWS, TOP_MODEL, TOP_TIMING, TOP_GATEWAYS, TOP_SITES, TOP_RS,
	TOP_FW, TOP_VWAN, TOP_N
};
static const struct yrd_key scn_top_keys[TOP_N] = {
	[TOP_SCENARIO] = { "scenario", true },
	[TOP_DESCRIPTION] = { "description", false },
	[TOP_CLOUD] = { "cloud", false },
	[TOP_TAGS] = { "service_tags", false },
	[TOP_VNETS] = { "vnets", false },
	[TOP_VMS] = { "vms", false },
	[TOP_RTABLES] = { "route_tables", false },
	[TOP_NSGS] = { "nsgs", false },
	[TOP_ER] = { "expressroute", false },
	[TOP_ONPREM] = { "onprem", false },
	[TOP_DNS] = { "dns", false },
	[TOP_FLOWS] = { "flows", false },
	[TOP_MODEL] = { "model", false },
	[TOP_TIMING] = { "timing", false },
	[TOP_GATEWAYS] = { "gateways", false },
	[TOP_SITES] = { "vpn_sites", false },
	[TOP_RS] = { "route_servers", false },
	[TOP_FW] = { "firewalls", false },
	[TOP_VWAN] = { "virtual_wan", false },
};

static void
scn_root(struct scn *s, yaml_node_t *root)
{
	struct yrd *y = &s->y;
	struct yrd_map m;

	if (root->type != YAML_MAPPING_NODE) {
		yrd_err(y, root, "expected a mapping at the top of the "
		    "scenario file, got %s", yrd_kind(root));
		return;
	}
	if (yrd_map_read(y, root, "the scenario", "scenario", scn_top_keys,
	    TOP_N, &m) == -1)
		return;
	(void)yrd_name(y, m.val[TOP_SCENARIO], "scenario", &s->t->scenario);
	(void)yrd_str(y, m.val[TOP_DESCRIPTION], "description",
	    &s->t->description);
	scn_cloud(s, m.val[TOP_CLOUD]);
	scn_model(s, m.val[TOP_MODEL]);
	scn_timing(s, m.val[TOP_TIMING]);
	scn_tags(s, m.val[TOP_TAGS]);
	scn_rtables(s, m.val[TOP_RTABLES]);
	scn_nsgs(s, m.val[TOP_NSGS]);
	scn_vnets(s, m.val[TOP_VNETS]);
	scn_vms(s, m.val[TOP_VMS]);
	scn_circuits(s, m.val[TOP_ER]);
	scn_estate(s, m.val[TOP_GATEWAYS], m.val[TOP_SITES], m.val[TOP_RS]);
	scn_vwan(s, m.val[TOP_VWAN]);
	scn_onprem(s, m.val[TOP_ONPREM]);
	scn_dns(s, m.val[TOP_DNS]);
	scn_firewalls(s, m.val[TOP_FW]);
	scn_flows(s, m.val[TOP_FLOWS]);
}

/* Check the file, build its tree and read it. */
static void
scn_document(struct scn *s, const char *buf, size_t len)
{
	struct srcpos start = { s->t->file, 1, 1 };
	yaml_document_t doc;
	yaml_node_t *root;

	if (yrd_load(&s->y, buf, len, &doc) == -1)
		return;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || yrd_isnull(root))
		yrd_errp(&s->y, start, "empty scenario file");
	else
		scn_root(s, root);
	s->y.doc = NULL;
	yaml_document_delete(&doc);
}

/*
 * After a failed load: put its messages in document order (the sections
 * are read in dependency order), add the note of the cap, and make them
 * name the file by the caller's string, since the topology and its copy
 * of the name are about to be freed.
 */
static void
scn_finish_msgs(struct scn *s, size_t from, const char *name)
{
	struct yrd *y = &s->y;
	struct diag *d = y->d;
	struct diag_msg m;
	size_t i, j;

	for (i = from + 1; i < d->n; i++) {
		m = d->msgs[i];
		for (j = i; j > from && (d->msgs[j - 1].pos.line > m.pos.line ||
		    (d->msgs[j - 1].pos.line == m.pos.line &&
		    d->msgs[j - 1].pos.col > m.pos.col)); j--)
			d->msgs[j] = d->msgs[j - 1];
		d->msgs[j] = m;
	}
	if (y->capped)
		diag_error(d, y->cap_pos, "too many errors; stopping here");
	for (i = from; i < d->n; i++)
		if (d->msgs[i].pos.file == s->t->file)
			d->msgs[i].pos.file = name;
}

static void
scn_free(struct scn *s)
{
	free(s->peerings);
	free(s->ivnet.e);
	free(s->isubnet.e);
	free(s->ivm.e);
	free(s->irtable.e);
	free(s->insg.e);
	free(s->ispace.e);
	free(s->iaddr.e);
}

/* The directory of a path, for paths relative to the scenario. */
static char *
scn_dirname(const char *path)
{
	char *copy, *dir;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

/*
 * The defaults (cloud, model switches) are topo_init's; every element
 * sets its own as it is read.
 */
int
scenario_parse(const char *name, const char *buf, size_t len,
    struct topo *out, struct diag *d)
{
	struct srcpos unknown = { name, 0, 0 };
	struct scn s;
	size_t from;

	if (name == NULL || out == NULL || d == NULL ||
	    (buf == NULL && len > 0))
		return -1;
	topo_init(out);
	if ((out->file = strdup(name)) == NULL ||
	    (out->dir = scn_dirname(name)) == NULL) {
		topo_free(out);
		diag_nomem(d, unknown);
		return -1;
	}
	memset(&s, 0, sizeof(s));
	yrd_init(&s.y, out->file, "scenario", d);
	s.t = out;
	from = d->n;
	scn_document(&s, buf, len);
	scn_free(&s);
	if (s.y.nerr == 0)
		return 0;
	scn_finish_msgs(&s, from, name);
	topo_free(out);
	return -1;
}

/*
 * Read a whole input file of at most SCENARIO_MAX_BYTES into memory.
 */
int
scenario_read_file(const char *path, char **out, size_t *outlen,
    struct diag *d)
{
	struct srcpos unknown = { path, 0, 0 }, start = { path, 1, 1 };
	const size_t max = (size_t)SCENARIO_MAX_BYTES + 1;
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, got;
	struct stat st;
	FILE *f;

	if (path == NULL || out == NULL || outlen == NULL || d == NULL)
		return -1;
	if ((f = fopen(path, "rb")) == NULL) {
		diag_error(d, unknown, "cannot open: %s", strerror(errno));
		return -1;
	}
	/* A directory opens but does not read; a regular file says its size
	 * before a byte is read. Pipes and devices are read up to the cap. */
	if (fstat(fileno(f), &st) != 0) {
		diag_error(d, unknown, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_error(d, unknown, "is a directory, not a scenario file");
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > SCENARIO_MAX_BYTES) {
		diag_error(d, start, "scenario file is larger than %u MiB (%jd "
		    "bytes)", SCENARIO_MAX_BYTES >> 20, (intmax_t)st.st_size);
		goto fail;
	}
	do {
		if (len == cap) {
			if (cap == max) {
				diag_error(d, start, "scenario file is larger than "
				    "%u MiB", SCENARIO_MAX_BYTES >> 20);
				goto fail;
			}
			cap = cap == 0 ? 65536 : cap * 2 > max ? max : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				diag_nomem(d, unknown);
				goto fail;
			}
			buf = nbuf;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		diag_error(d, unknown, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	*out = buf;
	*outlen = len;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

int
scenario_load(const char *path, struct topo *out, struct diag *d)
{
	char *buf;
	size_t len;
	int rc;

	if (path == NULL || out == NULL || d == NULL)
		return -1;
	topo_init(out);
	if (scenario_read_file(path, &buf, &len, d) != 0)
		return -1;
	rc = scenario_parse(path, buf, len, out, d);
	free(buf);
	return rc;
}

/*
 * The element readers for other YAML inputs, kept for their callers:
 * change files now read through yamlrd.h. Each reads with a state of its
 * own, so that positions name file and errors are counted apart.
 */
int
scenario_yaml_load(const char *name, const char *buf, size_t len,
    yaml_document_t *doc, struct diag *d)
{
	struct srcpos start = { name, 1, 1 };
	struct yrd y;
	yaml_node_t *root;

	if (name == NULL || doc == NULL || d == NULL ||
	    (buf == NULL && len > 0))
		return -1;
	yrd_init(&y, name, "scenario", d);
	if (yrd_load(&y, buf, len, doc) == -1)
		return -1;
	root = yaml_document_get_root_node(doc);
	if (root == NULL || yrd_isnull(root)) {
		diag_error(d, start, "empty file");
		yaml_document_delete(doc);
		return -1;
	}
	return 0;
}

int
scenario_read_route(const char *file, yaml_document_t *doc, yaml_node_t *n,
    struct route *out, struct diag *d)
{
	struct yrd y;

	yrd_init(&y, file, "scenario", d);
	y.doc = doc;
	memset(out, 0, sizeof(*out));
	(void)scn_route(&y, n, out);
	if (y.nerr == 0)
		return 0;
	topo_route_free(out);
	return -1;
}

int
scenario_read_rtable(const char *file, yaml_document_t *doc, yaml_node_t *n,
    struct route_table *out, struct diag *d)
{
	struct yrd y;

	yrd_init(&y, file, "scenario", d);
	y.doc = doc;
	memset(out, 0, sizeof(*out));
	(void)scn_rtable(&y, n, out);
	if (y.nerr == 0)
		return 0;
	topo_rtable_free(out);
	return -1;
}

int
scenario_read_rule(const char *file, yaml_document_t *doc, yaml_node_t *n,
    struct nsg_rule *out, struct diag *d)
{
	struct srcpos ppos;
	struct yrd y;

	yrd_init(&y, file, "scenario", d);
	y.doc = doc;
	memset(out, 0, sizeof(*out));
	(void)scn_rule(&y, n, out, &ppos);
	if (y.nerr == 0)
		return 0;
	topo_rule_free(out);
	return -1;
}

int
scenario_read_prefixes(const char *file, yaml_document_t *doc,
    yaml_node_t *n, const char *key, struct pfx **out, size_t *nout,
    struct diag *d)
{
	struct yrd y;

	yrd_init(&y, file, "scenario", d);
	y.doc = doc;
	*out = NULL;
	*nout = 0;
	(void)yrd_pfx_list(&y, n, key, false, out, nout);
	if (y.nerr == 0)
		return 0;
	free(*out);
	*out = NULL;
	*nout = 0;
	return -1;
}
