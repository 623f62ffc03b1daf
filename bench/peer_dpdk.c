/*
 * peer_dpdk.c: the DPDK peer (peer.h): rte_lpm and rte_acl.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_version.h>

#include "bench/peer.h"

static bool started;
static unsigned serial;

int
peer_init(char *msg, size_t len)
{
	/* No hugepages, no devices, no shared files, no telemetry socket;
	 * one core; logs only for errors. */
	char *argv[] = {
		"ftsim-bench", "--no-huge", "--no-pci", "--no-shconf",
		"--no-telemetry", "-m", "1024", "-l", "0",
		"--log-level", "lib.*:error", "--log-level", "user*:error",
		NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	if (started)
		return 0;
	if (rte_eal_init(argc, argv) < 0) {
		snprintf(msg, len, "rte_eal_init: %s", rte_strerror(rte_errno));
		return -1;
	}
	started = true;
	return 0;
}

void
peer_fini(void)
{
	if (started)
		rte_eal_cleanup();
	started = false;
}

const char *
peer_version(void)
{
	return rte_version();
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(0, &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

struct peer_lpm {
	struct rte_lpm *lpm;
};

struct peer_lpm *
peer_lpm_new(const struct pfx *p, size_t n, size_t *mem, char *msg,
	     size_t len)
{
	struct rte_lpm_config cfg;
	struct peer_lpm *l;
	char name[32];
	size_t before = heap_used(), i, longer = 0;

	/* A tbl8 group for every /25 or longer prefix at most. */
	for (i = 0; i < n; i++)
		longer += p[i].len > 24;
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_rules = (uint32_t)n + 16;
	cfg.number_tbl8s = (uint32_t)(longer + 256);
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(msg, len, "out of memory");
		return NULL;
	}
	snprintf(name, sizeof(name), "lpm%u", serial++);
	if ((l->lpm = rte_lpm_create(name, 0, &cfg)) == NULL) {
		snprintf(msg, len, "rte_lpm_create(%zu rules, %u tbl8s): %s",
			 n, cfg.number_tbl8s, rte_strerror(rte_errno));
		free(l);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		int rc = rte_lpm_add(l->lpm, p[i].addr, p[i].len,
				     (uint32_t)i + 1);
		if (rc != 0) {
			snprintf(msg, len, "rte_lpm_add of prefix %zu: %s", i,
				 strerror(-rc));
			peer_lpm_free(l);
			return NULL;
		}
	}
	*mem = heap_used() - before;
	return l;
}

void
peer_lpm_free(struct peer_lpm *l)
{
	if (l == NULL)
		return;
	rte_lpm_free(l->lpm);
	free(l);
}

uint64_t
peer_lpm_run(const struct peer_lpm *l, const uint32_t *ips, size_t n,
	     uint32_t *out)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t nh = 0;

		if (rte_lpm_lookup(l->lpm, ips[i], &nh) != 0)
			nh = 0;
		sum += nh;
		if (out != NULL)
			out[i] = nh;
	}
	return sum;
}

/* The five fields, as DPDK's own IPv4 5-tuple examples lay them out:
 * the protocol byte first, then 4-byte input groups. */
enum { F_PROTO, F_SRC, F_DST, F_SPORT, F_DPORT, NF };

RTE_ACL_RULE_DEF(acl5, NF);

static const struct rte_acl_field_def defs[NF] = {
	{ .type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1, .field_index = F_PROTO,
	  .input_index = 0, .offset = offsetof(struct peer_acl_key, proto) },
	{ .type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = F_SRC,
	  .input_index = 1, .offset = offsetof(struct peer_acl_key, src) },
	{ .type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = F_DST,
	  .input_index = 2, .offset = offsetof(struct peer_acl_key, dst) },
	{ .type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = F_SPORT,
	  .input_index = 3, .offset = offsetof(struct peer_acl_key, sport) },
	{ .type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = F_DPORT,
	  .input_index = 3, .offset = offsetof(struct peer_acl_key, dport) },
};

void
peer_acl_key(struct peer_acl_key *k, uint8_t proto, uint32_t src,
	     uint32_t dst, uint16_t sport, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->src = htonl(src);
	k->dst = htonl(dst);
	k->sport = htons(sport);
	k->dport = htons(dport);
}

struct peer_acl {
	struct rte_acl_ctx *ctx;
};

struct peer_acl *
peer_acl_new(const struct peer_acl_rule *r, size_t n, size_t *mem, char *msg,
	     size_t len)
{
	struct rte_acl_param prm;
	struct rte_acl_config cfg;
	struct peer_acl *a;
	struct acl5 *rules;
	char name[32];
	size_t before = heap_used(), i;
	int rc;

	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (rules = calloc(n + 1, sizeof(*rules))) == NULL) {
		free(a);
		snprintf(msg, len, "out of memory");
		return NULL;
	}
	snprintf(name, sizeof(name), "acl%u", serial++);
	memset(&prm, 0, sizeof(prm));
	prm.name = name;
	prm.socket_id = 0;
	prm.rule_size = RTE_ACL_RULE_SZ(NF);
	prm.max_rule_num = (uint32_t)n;
	if ((a->ctx = rte_acl_create(&prm)) == NULL) {
		snprintf(msg, len, "rte_acl_create: %s", rte_strerror(rte_errno));
		goto fail;
	}
	for (i = 0; i < n; i++) {
		struct acl5 *x = &rules[i];

		x->data.category_mask = 1;
		x->data.priority = (int32_t)r[i].priority;
		x->data.userdata = r[i].userdata;
		x->field[F_PROTO].value.u8 = r[i].proto;
		x->field[F_PROTO].mask_range.u8 = 0xff;
		x->field[F_SRC].value.u32 = r[i].src.addr;
		x->field[F_SRC].mask_range.u32 = r[i].src.len;
		x->field[F_DST].value.u32 = r[i].dst.addr;
		x->field[F_DST].mask_range.u32 = r[i].dst.len;
		x->field[F_SPORT].value.u16 = r[i].sport_lo;
		x->field[F_SPORT].mask_range.u16 = r[i].sport_hi;
		x->field[F_DPORT].value.u16 = r[i].dport_lo;
		x->field[F_DPORT].mask_range.u16 = r[i].dport_hi;
	}
	if ((rc = rte_acl_add_rules(a->ctx, (struct rte_acl_rule *)rules,
				    (uint32_t)n)) != 0) {
		snprintf(msg, len, "rte_acl_add_rules(%zu): %s", n, strerror(-rc));
		goto fail;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.num_categories = 1;
	cfg.num_fields = NF;
	memcpy(cfg.defs, defs, sizeof(defs));
	if ((rc = rte_acl_build(a->ctx, &cfg)) != 0) {
		snprintf(msg, len, "rte_acl_build(%zu rules): %s", n,
			 strerror(-rc));
		goto fail;
	}
	free(rules);
	*mem = heap_used() - before;
	return a;
fail:
	free(rules);
	peer_acl_free(a);
	return NULL;
}

void
peer_acl_free(struct peer_acl *a)
{
	if (a == NULL)
		return;
	rte_acl_free(a->ctx);
	free(a);
}

uint64_t
peer_acl_run(const struct peer_acl *a, const struct peer_acl_key *keys,
	     size_t n, unsigned burst, uint32_t *out)
{
	const uint8_t *data[64];
	uint32_t res[64];
	uint64_t sum = 0;
	size_t i, j;

	if (burst == 0 || burst > 64)
		burst = 64;
	for (i = 0; i < n; i += burst) {
		size_t m = n - i < burst ? n - i : burst;

		for (j = 0; j < m; j++)
			data[j] = (const uint8_t *)&keys[i + j];
		rte_acl_classify(a->ctx, data, res, (uint32_t)m, 1);
		for (j = 0; j < m; j++) {
			sum += res[j];
			if (out != NULL)
				out[i + j] = res[j];
		}
	}
	return sum;
}
