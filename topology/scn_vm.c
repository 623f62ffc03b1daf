/*
 * scn_vm.c: the vms: section of a scenario. A VM names its VNet, its
 * subnet and maybe an NSG, read before it; its IP must be inside its
 * subnet and no other VM of the VNet may have it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <yaml.h>

#include "topology/yamlrd.h"

enum {
	VM_NAME, VM_VNET, VM_SUBNET, VM_IP, VM_PUBIP, VM_LBIP, VM_NSG, VM_FWD,
	VM_SNAT, VM_N
};
static const struct yrd_key scn_vm_keys[VM_N] = {
	[VM_NAME] = { "name", true },
	[VM_VNET] = { "vnet", true },
	[VM_SUBNET] = { "subnet", true },
	[VM_IP] = { "ip", true },
	[VM_PUBIP] = { "public_ip", false },
	[VM_LBIP] = { "lb_outbound_ip", false },
	[VM_NSG] = { "nsg", false },
	[VM_FWD] = { "ip_forwarding", false },
	[VM_SNAT] = { "snat", false },
};

/* The VM's VNet, subnet, and its IP inside that subnet. */
static void
scn_vm_place(struct scn *s, const struct yrd_map *m, struct vm *v, bool ip)
{
	struct yrd *y = &s->y;
	const struct vnet *vn;
	const struct subnet *sn;
	char buf[PFX_STRLEN];

	if (s->bad_vnets || m->val[VM_VNET] == NULL ||
	    yrd_scalar(y, m->val[VM_VNET], "vnet", "a vnet name") == NULL)
		return;
	if ((v->vnet = yrd_ref(y, m->val[VM_VNET], &s->ivnet, 0, "vnet",
	    NULL)) == TOPO_NONE)
		return;
	vn = &s->t->vnets[v->vnet];
	if (m->val[VM_SUBNET] == NULL || yrd_scalar(y, m->val[VM_SUBNET],
	    "subnet", "a subnet name") == NULL)
		return;
	if ((v->subnet = yrd_ref(y, m->val[VM_SUBNET], &s->isubnet, v->vnet,
	    "subnet", vn->name)) == TOPO_NONE)
		return;
	sn = &vn->subnets[v->subnet];
	if (ip && !pfx_contains_ip(sn->pfx, v->ip))
		yrd_err(y, m->val[VM_IP], "ip %s is outside subnet '%s' (%s)",
		    yrd_text(m->val[VM_IP]), sn->name,
		    pfx_format(sn->pfx, buf));
}

/* A VM; returns whether its name, VNet and IP are known, for the check
 * of repeated addresses. */
static bool
scn_vm(struct scn *s, yaml_node_t *n, struct vm *v)
{
	struct yrd *y = &s->y;
	struct yrd_map m;
	bool ip;

	v->vnet = v->subnet = v->nsg = TOPO_NONE;
	if (yrd_map_read(y, n, "an item of 'vms'", "vm", scn_vm_keys, VM_N,
	    &m) == -1)
		return false;
	v->pos = m.pos;
	(void)yrd_name(y, m.val[VM_NAME], "name", &v->name);
	ip = yrd_ip(y, m.val[VM_IP], "ip", &v->ip) == 1;
	v->has_public_ip = yrd_ip(y, m.val[VM_PUBIP], "public_ip",
	    &v->public_ip) == 1;
	v->has_lb_outbound_ip = yrd_ip(y, m.val[VM_LBIP], "lb_outbound_ip",
	    &v->lb_outbound_ip) == 1;
	(void)yrd_bool(y, m.val[VM_FWD], "ip_forwarding", &v->ip_forwarding);
	if (yrd_bool(y, m.val[VM_SNAT], "snat", &v->snat) == 1 && v->snat &&
	    !v->ip_forwarding)
		yrd_err(y, m.val[VM_SNAT], "snat needs ip_forwarding: true "
		    "(only an appliance forwards and SNATs)");
	if (m.val[VM_NSG] != NULL &&
	    yrd_scalar(y, m.val[VM_NSG], "nsg", "a name") != NULL &&
	    !s->bad_nsgs)
		v->nsg = yrd_ref(y, m.val[VM_NSG], &s->insg, 0, "nsg", NULL);
	scn_vm_place(s, &m, v, ip);
	return ip && v->name != NULL && v->vnet != TOPO_NONE;
}

/* Two VMs with one IP in one VNet, among those s->iaddr holds. */
static void
scn_vm_ip_dups(struct scn *s)
{
	struct yrd *y = &s->y;
	struct yrd_index *ix = &s->iaddr;
	const struct vm *a, *b;
	char buf[IP_STRLEN];
	size_t i;

	yrd_ix_sort(ix);
	for (i = 1; i < ix->n && !y->stop; i++) {
		if (ix->e[i].key != ix->e[i - 1].key)
			continue;
		a = &s->t->vms[ix->e[i - 1].idx];
		b = &s->t->vms[ix->e[i].idx];
		yrd_errp(y, b->pos, "vm '%s' has the same ip %s as vm '%s' "
		    "(line %d) in vnet '%s'", b->name, ip_format(b->ip, buf),
		    a->name, a->pos.line, s->t->vnets[b->vnet].name);
	}
}

void
scn_vms(struct scn *s, yaml_node_t *n)
{
	struct yrd *y = &s->y;
	struct topo *t = s->t;
	yaml_node_item_t *it;
	struct vm *v;
	size_t i, count, e0 = y->nerr;

	if (n != NULL && yrd_list(y, n, "vms", NULL, &it, &count) == 0 &&
	    scn_limit(y, n, SCN_LIM_VMS, count, NULL) == 0) {
		if ((t->vms = yrd_calloc(y, count, sizeof(*t->vms))) == NULL)
			return;
		t->nvms = count;
		for (i = 0; i < t->nvms; i++)
			t->vms[i].vnet = t->vms[i].subnet = t->vms[i].nsg =
			    TOPO_NONE;
		for (i = 0; i < t->nvms && !y->stop; i++) {
			v = &t->vms[i];
			if (scn_vm(s, yrd_node(y, it[i]), v) && yrd_ix_add(y,
			    &s->iaddr, (uint64_t)v->vnet << 32 | v->ip, NULL,
			    v->pos, i) == -1)
				return;
			if (v->name != NULL && yrd_ix_add(y, &s->ivm, 0,
			    v->name, v->pos, i) == -1)
				return;
		}
	}
	yrd_ix_dups(y, &s->ivm, "vm");
	scn_vm_ip_dups(s);
	s->bad_vms = y->nerr > e0;
}

