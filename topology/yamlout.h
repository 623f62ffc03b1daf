/*
 * yamlout.h: a topology written back as a scenario file (libyaml's
 * emitter), for `ftsim import` and for people who read what a change
 * produced.
 *
 * The output uses the keys of docs/format.md in FORMAT.md's order, small
 * elements (routes, rules, subnets, VMs) in flow style on one line as the
 * bundled scenarios write them, and only the keys whose value differs
 * from the default. Loading it gives the same topology: same names,
 * prefixes, routes, rules and flows (positions aside).
 */
#ifndef FTSIM_YAMLOUT_H
#define FTSIM_YAMLOUT_H

#include <stddef.h>

#include "topology/change.h"
#include "topology/topo.h"

/*
 * Write t as YAML into a new buffer (*out, NUL-terminated, the caller's
 * to free; *len its length). comments are lines put first as a YAML
 * comment block ("# " is added; a line holding a newline is cut there;
 * what YAML cannot hold in a comment, control characters and bad UTF-8,
 * is written as '?').
 * 0, or -ENOMEM / -EIO (the emitter failed) with *out NULL.
 */
int yamlout_topo(const struct topo *t, const char *const *comments,
		 size_t ncomments, char **out, size_t *len);

/*
 * Write c as a change file (docs/format.md, "Change files"): `change`,
 * `description`, then `operations`, each with the keys its op takes.
 * The operations written are those a fix is made of: add_route_table,
 * add_route, replace_route, associate_route_table, add_nsg_rule,
 * remove_nsg_rule, add_firewall_rule and set_route_filter; any other
 * kind is -EINVAL. comments as for yamlout_topo. 0, or -ENOMEM / -EIO /
 * -EINVAL with *out NULL.
 */
int yamlout_change(const struct change *c, const char *const *comments,
		   size_t ncomments, char **out, size_t *len);

#endif
