/*
 * azjson_vwan.c: Virtual WAN in Azure exports (MODEL.md §8 [vwan]):
 * virtualWans, virtualHubs with their hubVirtualNetworkConnections,
 * expressRouteGateways, vpnGateways and vpnSites, a secured hub's
 * azureFirewalls and routingIntent, as `az network vhub show`, `az
 * network vhub connection list`, `az network express-route gateway
 * show`, `az network vpn-gateway show`, `az network vpn-site show`,
 * `az network firewall show`, `az network vhub routing-intent show` and
 * `az group export` give them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topology/azjson_int.h"
#include "topology/firewall.h"
#include "topology/vwan.h"

static struct az_vhub *
vhub_get(struct az *z, const char *name)
{
	struct az_vhub *h;
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < z->nvhub; i++)
		if (strcasecmp(z->vhub[i].name, name) == 0)
			return &z->vhub[i];
	if ((h = PUSH(z, z->vhub, z->nvhub)) == NULL)
		return NULL;
	h->name = az_strdup(z, name);
	return h;
}

/* The hub a resource belongs to: its virtualHub reference, else
 * HUB/CHILD in its name, else its id. */
static struct az_vhub *
vhub_of(struct az *z, const char *name, json_t *o, const char **child)
{
	const char *slash = strchr(name, '/');
	char *hub = az_ref_name(z, o, "virtualHub", "virtualHubs"), *id;
	struct az_vhub *h;

	*child = slash != NULL ? slash + 1 : name;
	if (hub == NULL && slash != NULL)
		hub = strndup(name, (size_t)(slash - name));
	if (hub == NULL) {
		id = az_str(z, o, "id");
		hub = az_id_part(z, id, "virtualHubs");
		free(id);
	}
	h = vhub_get(z, hub);
	free(hub);
	return h;
}

static void
push_name(struct az *z, char ***arr, size_t *n, char *s)
{
	char **a;

	if (s == NULL)
		return;
	if ((a = reallocarray(*arr, *n + 1, sizeof(*a))) == NULL) {
		free(s);
		z->err = -ENOMEM;
		return;
	}
	*arr = a;
	a[(*n)++] = s;
}

static void
ip_into(struct az *z, const char *where, json_t *s, uint32_t *ips,
    size_t *n)
{
	uint32_t ip;

	if (!json_is_string(s) || *n >= 2)
		return;
	if (ip_parse(json_string_value(s), &ip) == 0)
		ips[(*n)++] = ip;
	else
		az_err(z, where, "bad address '%s'", json_string_value(s));
}

/* One hubVirtualNetworkConnection: its VNet, enableInternetSecurity. */
static void
read_conn(struct az *z, struct az_vhub *h, json_t *o)
{
	struct az_vconn *c;
	json_t *sec = az_prop(o, "enableInternetSecurity");

	if ((c = PUSH(z, h->conn, h->nconn)) == NULL)
		return;
	c->vnet = az_ref_name(z, o, "remoteVirtualNetwork", "virtualNetworks");
	c->propagate = json_is_true(sec);
}

static void
read_hub(struct az *z, const char *name, json_t *o, const char *where)
{
	struct az_vhub *h = vhub_get(z, name);
	char *p = az_str(z, o, "addressPrefix"), w[300];
	json_t *x;
	size_t i;

	if (h == NULL)
		return;
	if (p != NULL && az_pfx(z, where, p, &h->prefix) == 0)
		h->has_prefix = true;
	free(p);
	snprintf(w, sizeof(w), "%s.virtualRouterIps", where);
	json_array_foreach(az_prop(o, "virtualRouterIps"), i, x) {
		ip_into(z, w, x, h->router, &h->nrouter);
	}
	json_array_foreach(az_prop(o, "virtualNetworkConnections"), i, x) {
		read_conn(z, h, x);
	}
	if (h->fw == NULL)
		h->fw = az_ref_name(z, o, "azureFirewall", "azureFirewalls");
}

/* An ExpressRoute gateway: the circuits of its connections. */
static void
read_ergw(struct az *z, const char *name, json_t *o)
{
	const char *child;
	struct az_vhub *h = vhub_of(z, name, o, &child);
	json_t *x;
	size_t i;

	if (h == NULL)
		return;
	json_array_foreach(az_prop(o, "expressRouteConnections"), i, x) {
		push_name(z, &h->circ, &h->ncirc, az_ref_name(z, x,
		    "expressRouteCircuitPeering", "expressRouteCircuits"));
	}
}

/* A VPN gateway: its sites and its instances' BGP addresses (the next
 * hops of the sites' routes). */
static void
read_vpngw(struct az *z, const char *name, json_t *o, const char *where)
{
	const char *child;
	struct az_vhub *h = vhub_of(z, name, o, &child);
	json_t *x, *a, *bgp = az_prop(o, "bgpSettings");
	size_t i;

	if (h == NULL)
		return;
	json_array_foreach(az_prop(o, "connections"), i, x) {
		push_name(z, &h->site, &h->nsite, az_ref_name(z, x,
		    "remoteVpnSite", "vpnSites"));
	}
	json_array_foreach(json_object_get(bgp, "bgpPeeringAddresses"), i, x) {
		a = json_object_get(x, "defaultBgpIpAddresses");
		ip_into(z, where, json_array_get(a, 0), h->vpn, &h->nvpn);
	}
}

static void
read_site(struct az *z, const char *name, json_t *o, const char *where)
{
	struct az_vsite *s;
	json_t *bgp = az_prop(o, "bgpProperties"), *as;
	const char *peer;

	if ((s = PUSH(z, z->vsite, z->nvsite)) == NULL)
		return;
	s->name = az_strdup(z, name);
	as = json_object_get(az_prop(o, "addressSpace"), "addressPrefixes");
	az_pfx_list(z, where, as, &s->pfx, &s->npfx);
	peer = json_string_value(json_object_get(bgp, "bgpPeeringAddress"));
	if (peer != NULL && ip_parse(peer, &s->peer) == 0)
		s->bgp = true;
}

/* A secured hub's firewall: its private and public addresses. */
static void
read_fw(struct az *z, const char *name, json_t *o, const char *where)
{
	const char *child;
	struct az_vhub *h = vhub_of(z, name, o, &child);
	json_t *hip = az_prop(o, "hubIPAddresses"), *pub;
	const char *priv;
	uint32_t ip;

	if (h == NULL)
		return;
	free(h->fw);
	h->fw = az_strdup(z, name);
	priv = json_string_value(json_object_get(hip, "privateIPAddress"));
	if (priv != NULL && ip_parse(priv, &ip) == 0) {
		h->fw_priv = ip;
		h->has_fw_priv = true;
	}
	pub = json_object_get(json_object_get(hip, "publicIPs"), "addresses");
	pub = json_object_get(json_array_get(pub, 0), "address");
	if (json_is_string(pub) && ip_parse(json_string_value(pub), &ip) == 0) {
		h->fw_pub = ip;
		h->has_fw_pub = true;
	}
	(void)where;
}

/* routingIntent: its policies' destinations (Internet, PrivateTraffic). */
static void
read_intent(struct az *z, const char *name, json_t *o)
{
	const char *child, *d;
	struct az_vhub *h = vhub_of(z, name, o, &child);
	json_t *x, *y;
	size_t i, k;

	if (h == NULL)
		return;
	json_array_foreach(az_prop(o, "routingPolicies"), i, x) {
		json_array_foreach(json_object_get(x, "destinations"), k, y) {
			if ((d = json_string_value(y)) == NULL)
				continue;
			if (strcasecmp(d, "Internet") == 0)
				h->intent_inet = true;
			else if (strcasecmp(d, "PrivateTraffic") == 0)
				h->intent_priv = true;
		}
	}
}

int
az_read_vwan(struct az *z, const char *type, const char *name, json_t *o,
    const char *where)
{
	const char *child;
	struct az_vhub *h;

#define IS(t) (strcasecmp(type, "Microsoft.Network/" t) == 0)
	if (IS("virtualWans"))
		return 1;	/* its hubs say what matters */
	if (IS("virtualHubs"))
		read_hub(z, name, o, where);
	else if (IS("virtualHubs/hubVirtualNetworkConnections")) {
		if ((h = vhub_of(z, name, o, &child)) != NULL)
			read_conn(z, h, o);
	} else if (IS("expressRouteGateways"))
		read_ergw(z, name, o);
	else if (IS("vpnGateways"))
		read_vpngw(z, name, o, where);
	else if (IS("vpnSites"))
		read_site(z, name, o, where);
	else if (IS("azureFirewalls") && az_prop(o, "virtualHub") != NULL)
		read_fw(z, name, o, where);
	else if (IS("virtualHubs/routingIntent"))
		read_intent(z, name, o);
	else
		return 0;
#undef IS
	return 1;
}

/* A circuit of a hub, made when no VNet's learned routes made it. */
static size_t
hub_circuit(struct az *z, struct topo *t, const char *name)
{
	struct circuit *c;
	size_t ci, k;

	if ((ci = topo_circuit_find(t, name)) != TOPO_NONE)
		return ci;
	if ((c = reallocarray(t->circuits, t->ncircuits + 1, sizeof(*c))) ==
	    NULL)
		return TOPO_NONE;
	t->circuits = c;
	c = &c[t->ncircuits];
	memset(c, 0, sizeof(*c));
	c->vnet = TOPO_NONE;
	c->sku = SKU_STANDARD;
	for (k = 0; k < z->ncirc; k++)
		if (strcasecmp(z->circ[k].name, name) == 0)
			c->sku = z->circ[k].sku;
	if ((c->name = strdup(name)) == NULL)
		return TOPO_NONE;
	c->pos = c->advertised_pos = c->public_peering_pos =
	    c->microsoft_peering_pos = t->vnets[0].pos;
	az_note(z, "circuit %s of a virtual hub: what on-premises advertises "
	    "over it is not in the files (add private_peering.advertised)",
	    name);
	return t->ncircuits++;
}

static size_t
hub_site(struct az *z, struct topo *t, const char *name)
{
	struct vpn_site *s;
	const struct az_vsite *a = NULL;
	size_t k;

	if ((k = topo_vpn_site_find(t, name)) != TOPO_NONE)
		return k;
	for (k = 0; k < z->nvsite; k++)
		if (strcasecmp(z->vsite[k].name, name) == 0)
			a = &z->vsite[k];
	if ((s = reallocarray(t->vpn_sites, t->nvpn_sites + 1,
	    sizeof(*s))) == NULL)
		return TOPO_NONE;
	t->vpn_sites = s;
	s = &s[t->nvpn_sites];
	memset(s, 0, sizeof(*s));
	s->gateway = TOPO_NONE;
	s->pos = t->vnets[0].pos;
	if ((s->name = strdup(name)) == NULL)
		return TOPO_NONE;
	t->nvpn_sites++;
	if (a == NULL) {
		az_note(z, "vpn site %s: not in the files: no prefixes", name);
		return t->nvpn_sites - 1;
	}
	if (a->npfx > 0) {
		if ((s->prefixes = calloc(a->npfx, sizeof(*s->prefixes))) ==
		    NULL)
			return TOPO_NONE;
		memcpy(s->prefixes, a->pfx, a->npfx * sizeof(*a->pfx));
		s->nprefixes = a->npfx;
	}
	s->bgp = a->bgp;
	s->bgp_peer_ip = a->peer;
	return t->nvpn_sites - 1;
}

static int
hub_firewall(struct topo *t, const struct az_vhub *a, size_t *out)
{
	struct firewall *fw;

	if ((fw = reallocarray(t->firewalls, t->nfirewalls + 1,
	    sizeof(*fw))) == NULL)
		return -ENOMEM;
	t->firewalls = fw;
	fw = &fw[t->nfirewalls];
	memset(fw, 0, sizeof(*fw));
	fw->vnet = fw->subnet = TOPO_NONE;
	fw->pos = t->vnets[0].pos;
	if ((fw->name = strdup(a->fw)) == NULL)
		return -ENOMEM;
	t->nfirewalls++;
	fw->private_ip = a->has_fw_priv ? a->fw_priv :
	    a->prefix.addr + VHUB_FW_OFF + 4;
	fw->has_public_ip = a->has_fw_pub;
	fw->public_ip = a->fw_pub;
	*out = t->nfirewalls - 1;
	return topo_fw_snat_default(fw);
}

int
az_build_vwan(struct az *z, struct topo *t)
{
	const struct az_vhub *a;
	struct vhub *h;
	size_t i, k, x;
	int rc;

	for (i = 0; i < z->nvhub; i++) {
		a = &z->vhub[i];
		if (!a->has_prefix) {
			az_note(z, "virtual hub %s: no addressPrefix in the "
			    "files: not modelled", a->name);
			continue;
		}
		if (t->nvnets == 0) {
			az_note(z, "virtual hub %s: no VNet in the files: not "
			    "modelled", a->name);
			continue;
		}
		if ((h = reallocarray(t->vhubs, t->nvhubs + 1,
		    sizeof(*h))) == NULL)
			return -ENOMEM;
		t->vhubs = h;
		h = &h[t->nvhubs++];
		memset(h, 0, sizeof(*h));
		h->firewall = h->vnet = h->er_gw = h->vpn_gw = TOPO_NONE;
		h->pos = h->prefix_pos = h->intent_pos = t->vnets[0].pos;
		if ((h->name = strdup(a->name)) == NULL)
			return -ENOMEM;
		h->prefix = a->prefix;
		memcpy(h->router_ips, a->router, sizeof(h->router_ips));
		h->nrouter_ips = a->nrouter;
		memcpy(h->vpn_ips, a->vpn, sizeof(h->vpn_ips));
		h->nvpn_ips = a->nvpn;
		h->intent_internet = a->intent_inet;
		h->intent_private = a->intent_priv;
		if (a->fw != NULL && (rc = hub_firewall(t, a, &h->firewall)) != 0)
			return rc;
		if (a->fw != NULL)
			az_note(z, "firewall %s of virtual hub %s: its rules (a "
			    "firewall policy) are not imported: it denies "
			    "everything until network_rules are added",
			    a->fw, a->name);
		for (k = 0; k < a->nconn; k++) {
			struct vhub_conn *c;

			if (a->conn[k].vnet == NULL || (x = topo_vnet_find(t,
			    a->conn[k].vnet)) == TOPO_NONE) {
				az_note(z, "virtual hub %s: a connection to "
				    "VNet %s, which is in none of the files: "
				    "not modelled", a->name, a->conn[k].vnet ?
				    a->conn[k].vnet : "?");
				continue;
			}
			if ((c = reallocarray(h->conns, h->nconns + 1,
			    sizeof(*c))) == NULL)
				return -ENOMEM;
			h->conns = c;
			c = &c[h->nconns++];
			c->vnet = x;
			c->propagate_default = a->conn[k].propagate;
			c->pos = h->pos;
		}
		for (k = 0; k < a->ncirc; k++) {
			size_t *n = reallocarray(h->circuits, h->ncircuits + 1,
			    sizeof(*n));

			if (n == NULL)
				return -ENOMEM;
			h->circuits = n;
			if ((x = hub_circuit(z, t, a->circ[k])) == TOPO_NONE)
				return -ENOMEM;
			h->circuits[h->ncircuits++] = x;
		}
		for (k = 0; k < a->nsite; k++) {
			size_t *n = reallocarray(h->sites, h->nsites + 1,
			    sizeof(*n));

			if (n == NULL)
				return -ENOMEM;
			h->sites = n;
			if ((x = hub_site(z, t, a->site[k])) == TOPO_NONE)
				return -ENOMEM;
			h->sites[h->nsites++] = x;
		}
	}
	return 0;
}

void
az_vwan_free(struct az *z)
{
	size_t i, k;

	for (i = 0; i < z->nvhub; i++) {
		struct az_vhub *h = &z->vhub[i];

		free(h->name);
		free(h->fw);
		for (k = 0; k < h->nconn; k++)
			free(h->conn[k].vnet);
		free(h->conn);
		for (k = 0; k < h->ncirc; k++)
			free(h->circ[k]);
		free(h->circ);
		for (k = 0; k < h->nsite; k++)
			free(h->site[k]);
		free(h->site);
	}
	free(z->vhub);
	for (i = 0; i < z->nvsite; i++) {
		free(z->vsite[i].name);
		free(z->vsite[i].pfx);
	}
	free(z->vsite);
	z->vhub = NULL;
	z->vsite = NULL;
	z->nvhub = z->nvsite = 0;
}
