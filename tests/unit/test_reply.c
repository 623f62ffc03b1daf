/*
 * test_reply.c: the reply's walk home (MODEL §7: stateful NAT,
 * asymmetric routes), the packet exchange built from both walks, and
 * capture files written all or nothing.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/pcapw.h"
#include "sim/xchg.h"
#include "tests/unit/fixture.h"

static struct flow_result res;

/* The fixture's teardown, and the result's arrays. */
static void
teardown_res(void)
{
	flow_result_free(&res);
	teardown();
}

/* A bundled scenario's text (FTSIM_TESTDATA is tests/). */

static struct flow_result *
run(const char *flow)
{
	size_t i;

	for (i = 0; i < topo.nflows; i++)
		if (strcmp(topo.flows[i].name, flow) == 0) {
			ck_assert_int_eq(sim_run_flow(sim, &topo.flows[i], &res), 0);
			return &res;
		}
	ck_abort_msg("no flow %s", flow);
	return NULL;
}

static void
rpath_is(const struct flow_result *r, const char *const *want, size_t n)
{
	size_t i;

	ck_assert_uint_eq(r->nrpath, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(fr_str(r, r->rpath[i]), want[i]);
}

START_TEST(asymmetric_appliance_bypassed)
{
	struct flow_result *r;

	load_file("23-asymmetric-nva.yaml");
	r = run("web-to-db-one-sided-route");
	ck_assert(r->delivered);
	ck_assert(r->replied);
	ck_assert(r->asymmetric);
	ck_assert_str_eq(r->reply_drop_reason, "asymmetric-appliance");
	ck_assert(!r->tcp_connect);
}
END_TEST

START_TEST(asymmetric_appliance_without_state)
{
	static const char *const want[] = { "web", "Front", "fw" };
	struct flow_result *r;

	load_file("23-asymmetric-nva.yaml");
	r = run("db-to-web-reply-meets-firewall");
	ck_assert(r->delivered);
	ck_assert(r->asymmetric);
	ck_assert(!r->reply_delivered);
	rpath_is(r, want, 3);
}
END_TEST

START_TEST(symmetric_through_appliance)
{
	static const char *const want[] = {
		"db2", "BackSym", "fw", "FirewallSubnet", "web" };
	struct flow_result *r;

	load_file("23-asymmetric-nva.yaml");
	r = run("web-to-db2-both-sides");
	ck_assert(r->reply_delivered);
	ck_assert(!r->asymmetric);
	ck_assert(r->tcp_connect);
	rpath_is(r, want, 5);
}
END_TEST

/* Two translations (appliance, then Azure's SNAT) undone in reverse. */
START_TEST(nat_undone_in_reverse)
{
	static const char *const want[] = {
		"kms", "azure-edge", "fw", "FirewallSubnet", "vm1" };
	struct flow_result *r;
	uint32_t ip;

	load_file("16-nva-firewall-snat.yaml");
	r = run("kms-through-firewall");
	ck_assert_uint_eq(r->nnat, 2);
	ck_assert(ip_parse("10.1.1.4", &ip) == 0);
	ck_assert_uint_eq(r->nat[0].inside, ip);
	ck_assert(ip_parse("52.160.10.1", &ip) == 0);
	ck_assert_uint_eq(r->nat[1].outside, ip);
	ck_assert(r->reply_delivered);
	rpath_is(r, want, 5);
}
END_TEST

/* The customer hairpin's answer crosses the circuit twice as well. */
START_TEST(hairpin_reply_crosses_circuit_twice)
{
	static const char *const want[] = {
		"kms", "er-circuit", "contoso", "er-circuit", "er-gw", "vm1" };
	struct flow_result *r;

	load_file("05-public-peering-forced-tunnel.yaml");
	r = run("kms-activation");
	ck_assert(r->reply_delivered);
	ck_assert_int_eq(r->activation, ACT_ACCEPTED);
	rpath_is(r, want, 6);
}
END_TEST

struct seen {
	uint32_t pkts[2];
	uint64_t last_ts[64];
	bool bad;
	size_t n;
};

static int
check_sink(void *arg, struct flow_result *r, const struct xpkt *x)
{
	struct seen *s = arg;

	if (!pkt_valid(x->p) || !pkt_checksums_ok(x->p))
		s->bad = true;
	if (x->point < 64) {
		if (x->ts_us < s->last_ts[x->point])
			s->bad = true;	/* a file would go back in time */
		s->last_ts[x->point] = x->ts_us;
	}
	s->pkts[r->xing[x->xing].reply]++;
	s->n++;
	return 0;
}

START_TEST(exchange_kms_whole)
{
	struct flow_result *r;
	struct xchg_count c;
	struct seen s;
	uint64_t end;

	load_file("02-forced-tunnel-breaks-kms.yaml");
	r = run("kms-activation");
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(xchg_run(sim, r, 5000000, check_sink, &s, &c, &end), 0);
	ck_assert(!s.bad);
	/* At the NIC: SYN, ACK, request, ACK, FIN, ACK out; SYN-ACK, the
	 * answer, FIN in. */
	ck_assert_uint_eq(c.pkts[0], 6);
	ck_assert_uint_eq(c.pkts[1], 3);
	ck_assert_uint_eq(c.start_us, 5000000);
	ck_assert(end > 5000000 && end < 6000000);
}
END_TEST

START_TEST(exchange_dropped_request_one_packet)
{
	struct flow_result *r;
	struct xchg_count c;
	struct seen s;
	uint64_t end;

	load_file("10-hidden-platform-rule.yaml");
	r = run("kms-host-1687");
	ck_assert(!r->delivered);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(xchg_run(sim, r, 0, check_sink, &s, &c, &end), 0);
	ck_assert_uint_eq(s.pkts[0], 1);	/* the SYN, at the NIC */
	ck_assert_uint_eq(s.pkts[1], 0);
}
END_TEST

START_TEST(exchange_dns_query_and_answer)
{
	struct flow_result *r;
	struct xchg_count c;
	struct seen s;
	uint64_t end;

	load_file("10-hidden-platform-rule.yaml");
	r = run("azure-dns");
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(xchg_run(sim, r, 0, check_sink, &s, &c, &end), 0);
	ck_assert(!s.bad);
	ck_assert_uint_eq(c.pkts[0], 1);
	ck_assert_uint_eq(c.pkts[1], 1);
}
END_TEST

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert(d != NULL);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

START_TEST(capw_commit_and_read_back)
{
	static const uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };
	char dir[] = "/tmp/ftsim-capw-XXXXXX", path[256], err[256];
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pktbuilder *b = pktbuilder_new(NULL, 0);
	struct capwriter *w;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct pkt p;
	uint32_t no;
	pcap_t *pc;
	int n = 0;

	ck_assert(b != NULL);
	ck_assert(mkdtemp(dir) != NULL);
	ck_assert_int_eq(pkt_build_tcp(b, &p, 0x0a010104, 49152, 0x17668706,
				       1688, 1, 0, PKT_SYN, 128, NULL, 0), 0);
	ck_assert_int_eq(capw_open(dir, &w, err, sizeof(err)), 0);
	ck_assert_int_eq(capw_write(w, 3, "nic-vm1", 1500000, m1, m2, &p, &no), 0);
	ck_assert_uint_eq(no, 1);
	ck_assert_int_eq(capw_write(w, 3, "nic-vm1", 1500100, m1, m2, &p, &no), 0);
	ck_assert_uint_eq(no, 2);
	ck_assert_int_eq(capw_write(w, 0, "dest-kms", 1500200, m2, m1, &p, &no), 0);
	ck_assert_uint_eq(no, 1);
	/* Nothing under a final name before the commit. */
	snprintf(path, sizeof(path), "%s/nic-vm1.pcap", dir);
	ck_assert(access(path, F_OK) != 0);
	ck_assert_int_eq(capw_commit(w, err, sizeof(err)), 0);
	/* The two captures, the set's manifest and its lock. */
	ck_assert_uint_eq(count_entries(dir), 4);

	ck_assert((pc = pcap_open_offline(path, ebuf)) != NULL);
	ck_assert_int_eq(pcap_datalink(pc), DLT_EN10MB);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		ck_assert_uint_eq(h->caplen, 14 + p.len);
		ck_assert_uint_eq((uint64_t)h->ts.tv_sec, CAPW_EPOCH + 1);
		ck_assert_uint_eq(h->ts.tv_usec, n == 0 ? 500000 : 500100);
		ck_assert(memcmp(data, m2, 6) == 0 && memcmp(data + 6, m1, 6) == 0);
		ck_assert(memcmp(data + 14, p.buf, p.len) == 0);
		n++;
	}
	ck_assert_int_eq(n, 2);
	pcap_close(pc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/dest-kms.pcap", dir);
	unlink(path);

	/* An aborted set leaves nothing at all. */
	ck_assert_int_eq(capw_open(dir, &w, err, sizeof(err)), 0);
	ck_assert_int_eq(capw_write(w, 1, "nic-vm1", 0, m1, m2, &p, &no), 0);
	capw_abort(w);
	ck_assert_uint_eq(count_entries(dir), 2);
	snprintf(path, sizeof(path), "%s/.ftsim-captures", dir);
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/.ftsim-lock", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	pktbuilder_free(b);
}
END_TEST

/* MODEL §7, inbound: an instance public IP is a stateful 1:1 NAT at
 * Azure's edge; the answer follows the subnet's routes. */
START_TEST(inbound_forced_tunnel_is_asymmetric)
{
	static const char *const want[] = { "web1", "Web", "er-gw",
		"er-circuit", "contoso", "internet", "203.0.113.50" };
	struct flow_result *r;

	load_file("24-inbound-public-ip-forced-tunnel.yaml");
	r = run("https-to-web1-forced-tunnel");
	ck_assert(r->delivered);
	ck_assert_uint_eq(r->source_seen, 0xcb007132u);	/* 203.0.113.50 */
	ck_assert_str_eq(fr_str(r, r->nsg_rule), "AllowHttpsFromInternet");
	ck_assert(r->replied);
	ck_assert(r->asymmetric);
	ck_assert(!r->reply_delivered);
	ck_assert_str_eq(r->reply_drop_reason, "reply-mismatch");
	ck_assert(!r->tcp_connect);
	rpath_is(r, want, 7);
	/* The request's translation is the edge's, public to private. */
	ck_assert_uint_eq(r->nnat, 1);
	ck_assert_uint_eq(r->nat[0].outside, 0x34a0140au);	/* 52.160.20.10 */
	ck_assert_uint_eq(r->nat[0].inside, 0x0a030104u);
}
END_TEST

START_TEST(inbound_udr_internet_is_symmetric)
{
	struct flow_result *r;
	size_t i;

	load_file("24-inbound-public-ip-forced-tunnel.yaml");
	r = run("https-to-dmz1-udr-internet");
	ck_assert(r->reply_delivered);
	ck_assert(!r->asymmetric);
	ck_assert(r->tcp_connect);
	/* The answer reaches the host from the public IP it called. */
	for (i = r->nxing; i-- > 0;)
		if (r->xing[i].reply)
			break;
	ck_assert_uint_eq(r->xing[i].src, 0x34a0140bu);	/* 52.160.20.11 */
	ck_assert_uint_eq(r->xing[i].dst, 0xcb007132u);
}
END_TEST

START_TEST(inbound_unowned_public_ip)
{
	struct flow_result *r;

	load_file("24-inbound-public-ip-forced-tunnel.yaml");
	r = run("https-to-unowned-public-ip");
	ck_assert(!r->delivered);
	ck_assert_str_eq(r->drop_reason, "no-public-ip");
	ck_assert(!r->replied);
}
END_TEST

static Suite *
reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *walk = tcase_create("reply"), *x = tcase_create("exchange");
	TCase *cap = tcase_create("capture");

	tcase_add_checked_fixture(walk, setup, teardown_res);
	tcase_add_test(walk, asymmetric_appliance_bypassed);
	tcase_add_test(walk, inbound_forced_tunnel_is_asymmetric);
	tcase_add_test(walk, inbound_udr_internet_is_symmetric);
	tcase_add_test(walk, inbound_unowned_public_ip);
	tcase_add_test(walk, asymmetric_appliance_without_state);
	tcase_add_test(walk, symmetric_through_appliance);
	tcase_add_test(walk, nat_undone_in_reverse);
	tcase_add_test(walk, hairpin_reply_crosses_circuit_twice);
	suite_add_tcase(s, walk);

	tcase_add_checked_fixture(x, setup, teardown_res);
	tcase_add_test(x, exchange_kms_whole);
	tcase_add_test(x, exchange_dropped_request_one_packet);
	tcase_add_test(x, exchange_dns_query_and_answer);
	suite_add_tcase(s, x);

	tcase_add_test(cap, capw_commit_and_read_back);
	suite_add_tcase(s, cap);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reply_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
