/*
 * fwlog.c: AZFWNetworkRule and AZFWApplicationRule records (fwlog.h).
 *
 * The columns are those of Azure Monitor's reference for the two
 * resource-specific tables. A decision by a rule names its policy (empty
 * for classic rules), rule collection group, collection and rule; the
 * default deny names none and says "Default Action" in ActionReason. A
 * flow an application rule decided, or could have (HTTP, HTTPS, MSSQL to
 * a name), is in the application table, as Azure logs it; every other
 * flow in the network table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture/pcapw.h"
#include "cli/fwlog.h"

#define FW_SUB	"00000000-0000-0000-0000-000000000000"
#define FW_RG	"FTSIM"
#define FW_TENANT "00000000-0000-0000-0000-000000000002"

/* An ISO 8601 time on the simulated clock (2026-01-01 plus us). */
static void
fw_time(uint64_t us, char *buf, size_t len)
{
	uint64_t s = us / 1000000, m = s / 60;

	snprintf(buf, len, "2026-01-%02uT%02u:%02u:%02u.%06uZ",
		 (unsigned)(1 + m / 1440), (unsigned)(m / 60 % 24),
		 (unsigned)(m % 60), (unsigned)(s % 60),
		 (unsigned)(us % 1000000));
}

/* The application protocol of a record: the matched rule's, else the
 * port's. */
static const char *
fw_app_proto(const struct fw_rule *r, uint16_t dport)
{
	static const char *const up[] = { "HTTP", "HTTPS", "MSSQL" };
	size_t i;

	for (i = 0; r != NULL && i < r->naprotos; i++)
		if (r->aprotos[i].port == dport)
			return up[r->aprotos[i].type];
	return dport == 80 ? "HTTP" : dport == 1433 ? "MSSQL" : "HTTPS";
}

static const char *
fw_proto(uint8_t p)
{
	return p == PROTO_TCP ? "TCP" : p == PROTO_UDP ? "UDP" : "ICMP";
}

/* part's members appended to rec (part dropped): 0, or -1 when either
 * is missing (out of memory). */
static int
merge(json_t *rec, json_t *part)
{
	int rc = rec != NULL && part != NULL &&
	    json_object_update(rec, part) == 0 ? 0 : -1;

	json_decref(part);
	return rc;
}

int
fwlog_add(const struct topo *t, const struct flow_result *r, uint64_t t0_us,
	  json_t *net, json_t *app)
{
	char when[40], src[IP_STRLEN], dst[IP_STRLEN], rid[512], up[256];
	size_t i, k;

	for (i = 0; i < r->nfw; i++) {
		const struct fwrec *x = &r->fw[i];
		const struct firewall *fw = &t->firewalls[x->fw];
		const struct fw_coll *c = x->coll != UINT32_MAX ?
					  &fw->colls[x->coll] : NULL;
		const struct fw_rule *rule = c != NULL ? &c->rules[x->rule]
						       : NULL;
		json_t *rec;

		for (k = 0; fw->name[k] != '\0' && k + 1 < sizeof(up); k++)
			up[k] = (char)(fw->name[k] >= 'a' && fw->name[k] <= 'z'
				       ? fw->name[k] - 32 : fw->name[k]);
		up[k] = '\0';
		snprintf(rid, sizeof(rid), "/SUBSCRIPTIONS/%s/RESOURCEGROUPS/"
			 "%s/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/%s",
			 FW_SUB, FW_RG, up);
		fw_time(t0_us + x->at_us, when, sizeof(when));
		ip_format(x->src, src);
		ip_format(x->dst, dst);
		/* The columns of both tables, then each table's own, in the
		 * order the reference lists them. */
		rec = json_pack("{s:s, s:s, s:s, s:s, s:i}", "TenantId",
		    FW_TENANT, "TimeGenerated", when, "Protocol", x->app ?
		    fw_app_proto(rule, x->dport) : fw_proto(x->proto),
		    "SourceIp", src, "SourcePort", (int)x->sport);
		if (merge(rec, x->app ?
		    json_pack("{s:i, s:s, s:s}", "DestinationPort",
		    (int)x->dport, "Fqdn", r->flow->to, "TargetUrl", "") :
		    json_pack("{s:s, s:i}", "DestinationIp", dst,
		    "DestinationPort", (int)x->dport)) != 0 ||
		    merge(rec, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		    "Action", x->allow ? "Allow" : "Deny",
		    "Policy", fw->policy ? fw->policy : "",
		    "RuleCollectionGroup", c && c->group ? c->group : "",
		    "RuleCollection", c ? c->name : "",
		    "Rule", rule ? rule->name : "",
		    "ActionReason", c ? "" : "Default Action")) != 0 ||
		    (x->app && merge(rec, json_pack("{s:b, s:s, s:b}",
		    "IsTlsInspected", 0, "WebCategory", "",
		    "IsExplicitProxyRequest", 0)) != 0) ||
		    merge(rec, json_pack("{s:s, s:s, s:s}", "SourceSystem",
		    "Azure", "Type", x->app ? "AZFWApplicationRule" :
		    "AZFWNetworkRule", "_ResourceId", rid)) != 0) {
			json_decref(rec);
			return -ENOMEM;
		}
		if (rec == NULL ||
		    json_array_append_new(x->app ? app : net, rec) != 0)
			return -ENOMEM;
	}
	return 0;
}
