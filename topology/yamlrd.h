/*
 * yamlrd.h: what the YAML readers of topology/ share (internal: the
 * loaders of scenario.h and change.h include it, nothing else does).
 *
 * A YAML input is read in three layers, each in its own files:
 *
 *   yaml_safe.c    the safety pass: the bytes (a byte-order mark skipped;
 *                  size, UTF-16, NUL), then libyaml's events, which
 *                  refuse aliases, deep nesting and a second document
 *                  before any tree is built, then the tree, walked once
 *                  to prove that it is one;
 *   yaml_read.c    the reader state and its FILE:LINE:COL messages, node
 *                  kinds, lists, and mappings read against a table of
 *                  keys (yrd_key);
 *   yaml_scalar.c  the typed readers of scalars: names, strings,
 *                  booleans, integers, addresses, prefixes, ports,
 *                  protocols, NSG addresses, words of a short list;
 *   yaml_index.c   sorted indexes of names: repeats, references and the
 *                  suggestions of their messages;
 *   scn_*.c        the section readers of the scenario format (route
 *                  tables, NSGs, VNets, VMs, circuits, onprem, dns,
 *                  flows), scenario.c the top level.
 *
 * Every reader of a value takes the value node (NULL: the key is absent)
 * and the key it belongs to, and returns 1 when it stored a value, 0
 * when the key is absent, -1 after reporting an error. Errors do not stop
 * the reading: each is recorded and reading goes on, up to YRD_MAXERRORS
 * messages, so that one run shows most of what is wrong.
 */
#ifndef FTSIM_YAMLRD_H
#define FTSIM_YAMLRD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "topology/diag.h"
#include "topology/scenario.h"
#include "topology/topo.h"

#define YRD_MAXDEPTH	64		/* collections, the root is 1 */
#define YRD_MAXERRORS	50		/* messages one reader records */
#define YRD_MAXKEYS	24		/* keys of the largest mapping */
#define YRD_MAXWORD	64		/* longest word suggestions see */
#define YRD_MAXNAME	255		/* names fit a trace's node (walk.h) */
#define SCN_MAXGEN	1000000		/* advertised_generate count */

/*
 * The state of one reading: the input, where messages go, and how many
 * errors were found. file names the input in every position and is
 * borrowed: it must outlive the messages' positions (the diag copies it)
 * and what is read. kind names the input in the messages that say what
 * a kind of file allows ("scenario", "change"). nerr counts every error,
 * also those past the cap; stop ends the reading (cap reached or out of
 * memory), and cap_pos is where the cap was reached, for the caller's
 * note. buf and len are the text libyaml read, after the byte-order
 * mark if there was one; doc is its tree once built.
 */
struct yrd {
	const char *file;
	const char *kind;
	struct diag *d;
	const char *buf;
	size_t len;
	yaml_document_t *doc;
	size_t nerr;
	bool stop;
	bool capped;
	struct srcpos cap_pos;
};

/*
 * One key a fixed-key mapping may hold. A section's keys are a table of
 * these, indexed by an enum of the section, so that the value of key k
 * is m.val[k] once the mapping is read.
 */
struct yrd_key {
	const char *name;
	bool required;
};

/*
 * A mapping read against its table of keys: the key and value node of
 * each known key, NULL when absent. what names the mapping in messages
 * ("subnet"), pos is where it starts.
 */
struct yrd_map {
	const struct yrd_key *keys;
	size_t nkeys;
	const char *what;
	yaml_node_t *key[YRD_MAXKEYS];
	yaml_node_t *val[YRD_MAXKEYS];
	struct srcpos pos;
};

/*
 * An entry of a sorted index: a name or a number, in a scope, with the
 * element it stands for. Sorting brings duplicates next to each other,
 * the first definition first, and lets references be found by bisection.
 * key holds the scope (the VNet of a subnet) or the whole number (the
 * prefix of a route); name is NULL when only key matters.
 */
struct yrd_ent {
	uint64_t key;
	const char *name;
	struct srcpos pos;
	size_t idx;
};

/* A sorted index: its entries, n of them, room for cap. */
struct yrd_index {
	struct yrd_ent *e;
	size_t n, cap;
};

/*
 * The scenario loader's state, shared by the section readers: the reader
 * state, the topology being filled, and the indexes references are
 * resolved through. The bad_* flags tell that a section had errors:
 * references into it are then not checked, since a name may be missing
 * only because its definition was wrong. peerings holds each VNet's
 * peerings node, resolved once every VNet is known.
 */
struct scn {
	struct yrd y;
	struct topo *t;
	bool bad_vnets, bad_vms, bad_rtables, bad_nsgs, bad_dns;
	struct yrd_index ivnet, isubnet, ivm, irtable, insg;
	struct yrd_index ispace;	/* subnet prefixes, by VNet */
	struct yrd_index iaddr;		/* VM addresses, by VNet */
	yaml_node_t **peerings;
};

/* yaml_safe.c: check buf, build its tree into *doc (the caller's to
 * yaml_document_delete) and set y->doc. 0, or -1 after reporting (no
 * tree then). */
int yrd_load(struct yrd *y, const char *buf, size_t len,
	     yaml_document_t *doc);

/* yaml_read.c: the state, messages, nodes, lists and mappings. */
void yrd_init(struct yrd *y, const char *file, const char *kind,
	      struct diag *d);
struct srcpos yrd_mark(const struct yrd *y, yaml_mark_t mk);
struct srcpos yrd_pos(const struct yrd *y, const yaml_node_t *n);
void yrd_errp(struct yrd *y, struct srcpos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void yrd_err(struct yrd *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void yrd_warn(struct yrd *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int yrd_nomem(struct yrd *y);
int yrd_strdup(struct yrd *y, const char *v, char **out);
void *yrd_calloc(struct yrd *y, size_t n, size_t size);
bool yrd_close(const char *typed, const char *cand, size_t *best);
yaml_node_t *yrd_node(const struct yrd *y, int idx);
const char *yrd_text(const yaml_node_t *n);
bool yrd_isnull(const yaml_node_t *n);
const char *yrd_kind(const yaml_node_t *n);
const char *yrd_scalar(struct yrd *y, yaml_node_t *n, const char *key,
		       const char *want);
int yrd_list(struct yrd *y, yaml_node_t *n, const char *key,
	     yaml_node_item_t *one, yaml_node_item_t **items, size_t *count);
int yrd_map_read(struct yrd *y, yaml_node_t *n, const char *ctx,
		 const char *what, const struct yrd_key *keys, size_t nkeys,
		 struct yrd_map *m);

/* yaml_scalar.c: typed readers (1 stored, 0 absent, -1 error). A list
 * reader that fails on an item has stored its list already: the caller
 * frees *out whatever the return (an owner's field, or a local). */
int yrd_str(struct yrd *y, yaml_node_t *n, const char *key, char **out);
int yrd_name(struct yrd *y, yaml_node_t *n, const char *key, char **out);
int yrd_bool(struct yrd *y, yaml_node_t *n, const char *key, bool *out);
int yrd_uint(struct yrd *y, yaml_node_t *n, const char *key,
	     unsigned long lo, unsigned long hi, unsigned long *out);
int yrd_ip_text(struct yrd *y, yaml_node_t *n, const char *key,
		const char *v, uint32_t *out);
int yrd_ip(struct yrd *y, yaml_node_t *n, const char *key, uint32_t *out);
int yrd_pfx(struct yrd *y, yaml_node_t *n, const char *key,
	    struct pfx *out);
int yrd_pfx_list(struct yrd *y, yaml_node_t *n, const char *key,
		 bool required, struct pfx **out, size_t *nout);
int yrd_ip_list(struct yrd *y, yaml_node_t *n, const char *key,
		bool scalar_ok, uint32_t **out, size_t *nout);
int yrd_str_list(struct yrd *y, yaml_node_t *n, const char *key,
		 char ***out, size_t *nout);
int yrd_ports(struct yrd *y, yaml_node_t *n, const char *key,
	      struct port_spec *out);
int yrd_ports_any(struct yrd *y, struct port_spec *out);
int yrd_addrs(struct yrd *y, yaml_node_t *n, const char *key,
	      struct addr_spec *out);
int yrd_proto(struct yrd *y, yaml_node_t *n, const char *key,
	      unsigned *out);
int yrd_word(struct yrd *y, yaml_node_t *n, const char *key,
	     const char *const *words, size_t nwords, const char *list,
	     int *out);

/* yaml_index.c: sorted indexes. */
int yrd_ix_add(struct yrd *y, struct yrd_index *ix, uint64_t key,
	       const char *name, struct srcpos pos, size_t idx);
void yrd_ix_sort(struct yrd_index *ix);
void yrd_ix_dups(struct yrd *y, struct yrd_index *ix, const char *what);
/* The element of ix that scalar n names (TOPO_NONE after an error; also
 * for n NULL or not a scalar, which the caller's reader reports). */
size_t yrd_ref(struct yrd *y, yaml_node_t *n, const struct yrd_index *ix,
	       uint64_t key, const char *what, const char *vnet);

/* scenario.c: a count against a limit of scenario.h (0, or -1 after an
 * error; a warning above Azure's own limit). */
int scn_limit(struct yrd *y, const yaml_node_t *n, enum scenario_lim l,
	      size_t count, const char *name);

/*
 * The section readers. The element readers take only the reader state:
 * change files use them for what an operation adds. scn_route and
 * scn_rule return whether the name and prefix (priority and direction)
 * are known, for the checks of repeats; scn_rtable returns -1 only when
 * out of memory. The list readers fill their section of s->t.
 */
bool scn_route(struct yrd *y, yaml_node_t *n, struct route *r);
int scn_rtable(struct yrd *y, yaml_node_t *n, struct route_table *rt);
bool scn_rule(struct yrd *y, yaml_node_t *n, struct nsg_rule *r,
	      struct srcpos *prio_pos);
/* A peering item (a name or this side's settings): the node naming the
 * remote VNet, NULL after an error. */
yaml_node_t *scn_peering(struct yrd *y, yaml_node_t *n, struct peering *pe);
/* A VPN site; its gateway's name into *gateway (resolved by the caller)
 * and that value's node into *gwnode. */
void scn_site(struct yrd *y, yaml_node_t *n, struct vpn_site *v,
	      yaml_node_t **gwnode);
void scn_rtables(struct scn *s, yaml_node_t *n);
void scn_nsgs(struct scn *s, yaml_node_t *n);
void scn_vnets(struct scn *s, yaml_node_t *n);
void scn_vms(struct scn *s, yaml_node_t *n);
void scn_circuits(struct scn *s, yaml_node_t *n);
void scn_onprem(struct scn *s, yaml_node_t *n);
/* scn_estate.c: gateways, vpn_sites and route_servers, then the checks
 * of gateway transit; after the VNets, VMs and circuits. */
void scn_estate(struct scn *s, yaml_node_t *gateways, yaml_node_t *sites,
		yaml_node_t *servers);
void scn_dns(struct scn *s, yaml_node_t *n);
/* scn_firewall.c: one rule collection (change files add them), and the
 * firewalls: section, after the VNets, route tables and dns:. */
void scn_fw_coll(struct yrd *y, yaml_node_t *n, enum fw_ctype type,
		 struct fw_coll *c);
void scn_firewalls(struct scn *s, yaml_node_t *n);
/* One firewall mapping (a virtual hub's too). */
void scn_firewall(struct scn *s, yaml_node_t *n, struct firewall *fw,
		  bool hub);
/* scn_vwan.c: virtual_wan:, after scn_estate and before scn_firewalls. */
void scn_vwan(struct scn *s, yaml_node_t *n);
/* routing_intent: {internet, private}: firewall or none (change files
 * read it too). */
void scn_intent(struct yrd *y, yaml_node_t *n, bool *internet,
		bool *private);
void scn_flows(struct scn *s, yaml_node_t *n);

/* NSG words, indexed by enum direction and enum access. */
extern const char *const scn_dirs[2];
extern const char *const scn_access[2];

#endif
