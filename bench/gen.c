/*
 * gen.c: the benchmark's workload generators (gen.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen.h"

void
gen_seed(struct gen_rng *r, uint64_t seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}

uint64_t
gen_next(struct gen_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

uint32_t
gen_below(struct gen_rng *r, uint32_t n)
{
	return (uint32_t)(((gen_next(r) >> 32) * (uint64_t)n) >> 32);
}

void
gen_printf(struct gen_buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->failed)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		k = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (k < 0) {
			b->failed = true;
			return;
		}
		if ((size_t)k < room) {
			b->len += (size_t)k;
			return;
		}
		{
			size_t cap = b->cap ? b->cap * 2 : 4096;
			char *ns;

			while (cap - b->len <= (size_t)k)
				cap *= 2;
			if ((ns = realloc(b->s, cap)) == NULL) {
				b->failed = true;
				return;
			}
			b->s = ns;
			b->cap = cap;
		}
	}
}

void
gen_buf_free(struct gen_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* Prefix lengths of a BGP table, roughly as the Internet's: 60 % /24,
 * the rest spread over /8../23, a few longer. */
static uint8_t
bgp_len(struct gen_rng *r)
{
	uint32_t x = gen_below(r, 1000);

	if (x < 600)
		return 24;
	if (x < 700)
		return 22;
	if (x < 780)
		return 23;
	if (x < 840)
		return 20;
	if (x < 880)
		return 21;
	if (x < 940)
		return (uint8_t)(16 + gen_below(r, 4));
	if (x < 970)
		return (uint8_t)(8 + gen_below(r, 8));
	return (uint8_t)(25 + gen_below(r, 8));
}

/* A route table's UDRs: any length, many host routes. */
static uint8_t
udr_len(struct gen_rng *r)
{
	uint32_t x = gen_below(r, 100);

	if (x < 25)
		return 32;
	if (x < 50)
		return 24;
	return (uint8_t)(8 + gen_below(r, 25));
}

static int
pfx_cmp_v(const void *a, const void *b)
{
	return pfx_cmp(a, b);
}

size_t
gen_prefixes(struct gen_rng *r, size_t n, struct pfx *out)
{
	size_t have = 0, i, u;
	bool bgp = n > 1000;

	/* Draw, sort, drop duplicates, draw again for the missing ones. */
	while (have < n) {
		for (i = have; i < n; i++) {
			uint8_t len = bgp ? bgp_len(r) : udr_len(r);
			uint32_t a = (uint32_t)gen_next(r);

			/* Public unicast space, as a BGP table holds. */
			if ((a >> 24) == 0 || (a >> 24) >= 224 || (a >> 24) == 127)
				a ^= 0x40000000u;
			out[i] = pfx_make(a, len);
		}
		qsort(out, n, sizeof(*out), pfx_cmp_v);
		for (i = 1, u = 1; i < n; i++)
			if (!pfx_equal(out[i], out[u - 1]))
				out[u++] = out[i];
		have = u;
	}
	/* The order a table lists them in: shuffled, deterministically. */
	for (i = n; i > 1; i--) {
		size_t j = gen_below(r, (uint32_t)i);
		struct pfx t = out[i - 1];

		out[i - 1] = out[j];
		out[j] = t;
	}
	return n;
}

static void
put_pfx(struct gen_buf *b, struct pfx p)
{
	char s[PFX_STRLEN];

	gen_printf(b, "%s", pfx_format(p, s));
}

static const uint16_t well_known[] = {
	22, 25, 53, 80, 123, 135, 389, 443, 445, 636, 1433, 1688, 3306, 3389,
	5432, 5985, 5986, 6379, 8080, 8443, 9000, 27017,
};
#define NWELL (sizeof(well_known) / sizeof(well_known[0]))

static struct pfx
private_pfx(struct gen_rng *r, uint8_t minlen, uint8_t maxlen)
{
	uint8_t len = (uint8_t)(minlen + gen_below(r, maxlen - minlen + 1u));

	return pfx_make(IP4(10, 0, 0, 0) | (uint32_t)(gen_next(r) & 0x00ffffff),
			len);
}

static struct pfx
public_pfx(struct gen_rng *r)
{
	uint32_t a = IP4(20 + gen_below(r, 180), 0, 0, 0) |
		     (uint32_t)(gen_next(r) & 0x00ffffff);

	return pfx_make(a, (uint8_t)(16 + gen_below(r, 17)));
}

static void
put_addr(struct gen_buf *b, struct gen_rng *r, enum gen_rules kind, bool dst)
{
	static const char *const tags_rnd[] = {
		"VirtualNetwork", "Internet", "AzureLoadBalancer",
		"AzurePlatformDNS", "AzurePlatformIMDS", "AzurePlatformLKM",
		"Sql", "Storage",
	};
	uint32_t x = gen_below(r, 100), i, n;

	if (kind == GEN_RULES_RANDOM) {
		if (x < 15) {
			gen_printf(b, "'*'");
		} else if (x < 45) {
			gen_printf(b, "%s", tags_rnd[gen_below(r, 8)]);
		} else if (x < 75) {
			put_pfx(b, gen_below(r, 2) ? private_pfx(r, 8, 32)
						   : public_pfx(r));
		} else {
			n = 2 + gen_below(r, 3);
			gen_printf(b, "[");
			for (i = 0; i < n; i++) {
				if (i)
					gen_printf(b, ", ");
				if (gen_below(r, 3) == 0)
					gen_printf(b, "%s", tags_rnd[gen_below(r, 8)]);
				else
					put_pfx(b, private_pfx(r, 8, 32));
			}
			gen_printf(b, "]");
		}
		return;
	}
	/* Realistic and worst case: prefixes of the VNet's 10/8 and public
	 * /16../32, the common tags, '*'. */
	if (dst ? x < 40 : x < 10)
		gen_printf(b, "'*'");
	else if (x < 60)
		put_pfx(b, private_pfx(r, dst ? 20 : 12, 32));
	else if (x < 75)
		put_pfx(b, public_pfx(r));
	else if (x < 85)
		gen_printf(b, "VirtualNetwork");
	else if (x < 90)
		gen_printf(b, dst ? "Sql" : "Internet");
	else if (x < 93)
		gen_printf(b, "AzureLoadBalancer");
	else {
		gen_printf(b, "[");
		put_pfx(b, private_pfx(r, 16, 32));
		gen_printf(b, ", ");
		put_pfx(b, private_pfx(r, 16, 32));
		gen_printf(b, "]");
	}
}

static void
put_ports(struct gen_buf *b, struct gen_rng *r, enum gen_rules kind, bool dst)
{
	uint32_t x = gen_below(r, 100), lo;

	if (kind == GEN_RULES_WORST && dst) {
		/* Ports 1..1000 only: benchmark packets use 20000 and up. */
		lo = 1 + gen_below(r, 990);
		if (x < 70)
			gen_printf(b, "%u", lo);
		else
			gen_printf(b, "%u-%u", lo, lo + gen_below(r, 10));
		return;
	}
	if (!dst) {
		if (x < (kind == GEN_RULES_RANDOM ? 60u : 90u))
			gen_printf(b, "'*'");
		else
			gen_printf(b, "%u-65535", 1024 + gen_below(r, 40000));
		return;
	}
	if (x < 55)
		gen_printf(b, "%u", kind == GEN_RULES_RANDOM && x < 20 ?
			   1 + gen_below(r, 65535) : well_known[gen_below(r, NWELL)]);
	else if (x < 75) {
		lo = 1 + gen_below(r, 60000);
		gen_printf(b, "%u-%u", lo, lo + gen_below(r, 5000));
	} else if (x < 90)
		gen_printf(b, "[%u, %u, %u]", well_known[gen_below(r, NWELL)],
			   well_known[gen_below(r, NWELL)],
			   well_known[gen_below(r, NWELL)]);
	else
		gen_printf(b, "'*'");
}

void
gen_nsg_yaml(struct gen_buf *b, struct gen_rng *r, const char *name,
	     size_t nrules, enum gen_rules kind)
{
	static const char *const protos[] = { "Tcp", "Udp", "Icmp", "Esp", "Ah", "'*'" };
	/* Per direction: a shuffled list of the allowed priorities. */
	uint16_t prio[2][3997];
	size_t used[2] = { 0, 0 }, i, d;

	for (d = 0; d < 2; d++) {
		for (i = 0; i < 3997; i++)
			prio[d][i] = (uint16_t)(100 + i);
		for (i = 3997; i > 1; i--) {
			size_t j = gen_below(r, (uint32_t)i);
			uint16_t t = prio[d][i - 1];

			prio[d][i - 1] = prio[d][j];
			prio[d][j] = t;
		}
	}
	gen_printf(b, "  - name: %s\n    rules:\n", name);
	for (i = 0; i < nrules; i++) {
		uint32_t x = gen_below(r, 100);
		bool deny = kind == GEN_RULES_RANDOM ? gen_below(r, 2) : x < 20;
		const char *proto;

		d = gen_below(r, 2);
		if (used[d] == 3997)
			d = 1 - d;
		if (used[d] == 3997)
			break;
		if (kind == GEN_RULES_RANDOM)
			proto = protos[gen_below(r, 6)];
		else
			proto = x < 70 ? "Tcp" : x < 90 ? "Udp" : "'*'";
		gen_printf(b, "      - {name: r%zu, priority: %u, direction: %s, "
			   "access: %s, protocol: %s, source: ", i,
			   prio[d][used[d]++], d ? "Outbound" : "Inbound",
			   deny ? "Deny" : "Allow", proto);
		put_addr(b, r, kind, false);
		gen_printf(b, ", destination: ");
		put_addr(b, r, kind, true);
		gen_printf(b, ", source_ports: ");
		put_ports(b, r, kind, false);
		gen_printf(b, ", destination_ports: ");
		put_ports(b, r, kind, true);
		gen_printf(b, "}\n");
	}
	if (nrules == 0)
		gen_printf(b, "      []\n");
}

void
gen_query(struct gen_rng *r, enum gen_rules kind, enum direction dir,
	  struct nsg_query *q)
{
	static const uint32_t special[] = {
		IP4(168, 63, 129, 16), IP4(169, 254, 169, 254),
		IP4(23, 102, 135, 246), IP4(10, 1, 1, 4),
	};
	uint32_t x = gen_below(r, 100);

	q->dir = dir;
	q->proto = x < 70 ? PROTO_TCP : x < 95 ? PROTO_UDP : PROTO_ICMP;
	q->src = gen_below(r, 2) ? (IP4(10, 0, 0, 0) | (uint32_t)(gen_next(r) & 0xffffff))
				 : (uint32_t)gen_next(r);
	q->dst = gen_below(r, 3) ? (IP4(10, 0, 0, 0) | (uint32_t)(gen_next(r) & 0xffffff))
				 : (uint32_t)gen_next(r);
	q->sport = (uint16_t)(1024 + gen_below(r, 64512));
	q->dport = gen_below(r, 2) ? well_known[gen_below(r, NWELL)]
				   : (uint16_t)gen_below(r, 65536);
	switch (kind) {
	case GEN_RULES_RANDOM:
		q->proto = 1u << gen_below(r, 5);
		if (gen_below(r, 3) == 0)
			q->dst = special[gen_below(r, 4)];
		if (gen_below(r, 3) == 0)
			q->dport = gen_below(r, 2) ? 53 : gen_below(r, 2) ? 80 : 1688;
		break;
	case GEN_RULES_REALISTIC:
		break;
	case GEN_RULES_WORST:
		q->dport = (uint16_t)(20000 + gen_below(r, 45536));
		break;
	}
	/* The platform addresses end at the hidden rules before any user
	 * rule: benchmark packets stay clear of them. */
	if (kind != GEN_RULES_RANDOM &&
	    (q->dst == special[0] || q->dst == special[1] || q->dst == special[2]))
		q->dst ^= 1;
}

void
gen_network_yaml(struct gen_buf *b, struct gen_rng *r, const struct gen_net *p)
{
	const size_t ntables = 10, nnsgs = 4;
	struct pfx *px;
	size_t i, j, n = p->nudr > p->nbgp ? p->nudr : p->nbgp;

	if ((px = calloc(n + 1, sizeof(*px))) == NULL) {
		b->failed = true;
		return;
	}
	gen_printf(b, "scenario: azure-limits\n"
		   "vnets:\n"
		   "  - name: hub\n"
		   "    address_space: [10.0.0.0/16]\n"
		   "    gateway: er-gw\n"
		   "    subnets:\n");
	/* Subnet 0 holds the firewall appliance and keeps the system
	 * routes; the others send their UDRs to it. */
	for (i = 0; i < p->nsubnets; i++) {
		gen_printf(b, "      - {name: s%zu, prefix: 10.0.%zu.0/24", i, i);
		if (i > 0)
			gen_printf(b, ", route_table: rt%zu", i % ntables);
		gen_printf(b, ", nsg: nsg%zu}\n", i % nnsgs);
	}
	gen_printf(b, "vms:\n");
	for (i = 0; i < p->nsubnets; i++) {
		gen_printf(b, "  - {name: vm%zu, vnet: hub, subnet: s%zu, "
			   "ip: 10.0.%zu.4, nsg: nic", i, i, i);
		if (i == 0)
			gen_printf(b, ", public_ip: 52.160.10.1, "
				   "ip_forwarding: true, snat: true");
		gen_printf(b, "}\n");
	}
	gen_printf(b, "route_tables:\n");
	for (i = 0; i < ntables && p->nsubnets > 1; i++) {
		gen_printf(b, "  - name: rt%zu\n    routes:\n", i);
		gen_prefixes(r, p->nudr, px);
		for (j = 0; j < p->nudr; j++) {
			static const char *const nh[] = {
				"Internet", "None", "VirtualNetworkGateway",
				"VirtualAppliance",
			};
			uint32_t k = gen_below(r, 4);

			gen_printf(b, "      - {name: u%zu, prefix: ", j);
			put_pfx(b, px[j]);
			gen_printf(b, ", next_hop_type: %s%s}\n", nh[k],
				   k == 3 ? ", next_hop_ip: 10.0.0.4" : "");
		}
	}
	gen_printf(b, "nsgs:\n");
	gen_nsg_yaml(b, r, "nic", 10, GEN_RULES_REALISTIC);
	for (i = 0; i < nnsgs; i++) {
		char name[16];

		snprintf(name, sizeof(name), "nsg%zu", i);
		gen_nsg_yaml(b, r, name, p->nrules, GEN_RULES_REALISTIC);
	}
	gen_printf(b, "expressroute:\n"
		   "  - name: er\n"
		   "    sku: Premium\n"
		   "    gateway: er-gw\n"
		   "    private_peering:\n"
		   "      next_hops: [192.168.255.1, 192.168.255.2]\n"
		   "      advertised: [0.0.0.0/0, 192.168.0.0/16");
	gen_prefixes(r, p->nbgp > 2 ? p->nbgp - 2 : 0, px);
	for (j = 0; j + 2 < p->nbgp; j++) {
		gen_printf(b, ", ");
		put_pfx(b, px[j]);
	}
	gen_printf(b, "]\n"
		   "onprem:\n"
		   "  name: contoso\n"
		   "  prefixes: [192.168.0.0/16]\n"
		   "  internet_edge_ip: 198.51.100.10\n"
		   "flows:\n");
	for (i = 0; i < p->nflows; i++) {
		uint32_t x = gen_below(r, 100);
		size_t from = gen_below(r, (uint32_t)p->nsubnets);

		gen_printf(b, "  - {name: f%zu, from: vm%zu, to: ", i, from);
		if (x < 40)
			gen_printf(b, "10.0.%u.4, port: %u}\n",
				   gen_below(r, (uint32_t)p->nsubnets),
				   well_known[gen_below(r, NWELL)]);
		else if (x < 65)
			gen_printf(b, "192.168.%u.%u, port: 445}\n",
				   gen_below(r, 256), 1 + gen_below(r, 254));
		else if (x < 90)
			gen_printf(b, "%u.%u.%u.%u, port: 443}\n",
				   20 + gen_below(r, 180), gen_below(r, 256),
				   gen_below(r, 256), 1 + gen_below(r, 254));
		else
			gen_printf(b, "kms.core.windows.net, port: 1688}\n");
	}
	free(px);
}
