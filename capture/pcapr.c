/*
 * pcapr.c: recorded captures in, IPv4 datagrams out (pcapr.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture/pcapr.h"

struct pcapreader {
	pcap_t *pc;
	char *path;
	int dlt;
	bool filtered;
	struct bpf_program prog;
	uint64_t nread;
};

static const char *const kind_names[PCAPR_KIND_COUNT] = {
	[PCAPR_TCP] = "tcp",
	[PCAPR_UDP] = "udp",
	[PCAPR_NOT_IPV4] = "not-ipv4",
	[PCAPR_OTHER_PROTO] = "other-protocol",
	[PCAPR_FRAGMENT] = "fragment",
	[PCAPR_CUT] = "cut",
};

const char *
pcapr_kind_name(enum pcapr_kind k)
{
	return k < PCAPR_KIND_COUNT ? kind_names[k] : "?";
}

static uint16_t
be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

bool
pcapr_dlt_ok(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		return true;
	default:
		return false;
	}
}

/* The IPv4 datagram at b (n bytes captured, lost more that the snap
 * length cut off the frame): its kind. A header that contradicts itself
 * or the frame (IHL under 5, a total length under the header or beyond
 * the frame on the wire, a TCP data offset under 5 or beyond the
 * segment) is malformed: PCAPR_CUT, as a header the capture cut. */
static void
decode_ipv4(const uint8_t *b, size_t n, size_t lost, struct pcapr_pkt *p)
{
	size_t ihl, total, need;
	uint16_t frag;

	p->ip = b;
	p->iplen = n;
	p->wirelen = 0;
	if (n < 20 || b[0] >> 4 != 4) {
		p->kind = n >= 1 && b[0] >> 4 != 4 ? PCAPR_NOT_IPV4 : PCAPR_CUT;
		if (p->kind == PCAPR_NOT_IPV4)
			p->ip = NULL;
		return;
	}
	ihl = (size_t)(b[0] & 0x0f) * 4;
	total = be16(b + 2);
	p->wirelen = total;
	if (ihl < 20 || total < ihl || n < ihl || total > n + lost) {
		p->kind = PCAPR_CUT;
		return;
	}
	/* Link padding (Ethernet's 60-byte minimum) is not the datagram's. */
	if (p->iplen > total)
		p->iplen = total;
	frag = be16(b + 6);
	if ((frag & 0x1fff) != 0 || (frag & 0x2000) != 0) {
		p->kind = PCAPR_FRAGMENT;
		return;
	}
	switch (b[9]) {
	case 6:
		p->kind = PCAPR_TCP;
		need = 20;
		if (p->iplen >= ihl + 13) {
			need = (size_t)(b[ihl + 12] >> 4) * 4;
			if (need < 20) {	/* data offset under 5 */
				p->kind = PCAPR_CUT;
				return;
			}
		}
		break;
	case 17:
		p->kind = PCAPR_UDP;
		need = 8;
		break;
	default:
		p->kind = PCAPR_OTHER_PROTO;
		return;
	}
	if (p->iplen < ihl + need || total < ihl + need)
		p->kind = PCAPR_CUT;
}

/* An ethertype: IPv4 or not. */
static void
decode_ethertype(uint16_t et, const uint8_t *b, size_t n, size_t lost,
		 struct pcapr_pkt *p)
{
	p->ethertype = et;
	if (et == 0x0800)
		decode_ipv4(b, n, lost, p);
	else
		p->kind = PCAPR_NOT_IPV4;
}

int
pcapr_decode(int dlt, const uint8_t *d, size_t n, struct pcapr_pkt *p)
{
	/* The frame's length unknown: as long as any total length. */
	return pcapr_decode_frame(dlt, d, n, SIZE_MAX, p);
}

int
pcapr_decode_frame(int dlt, const uint8_t *d, size_t n, size_t len,
		   struct pcapr_pkt *p)
{
	size_t off, tags, lost = len > n ? len - n : 0;
	uint16_t et;
	uint32_t af;

	p->kind = PCAPR_CUT;
	p->ip = NULL;
	p->iplen = p->wirelen = 0;
	p->ethertype = 0;
	switch (dlt) {
	case DLT_EN10MB:
		if (n < 14)
			return 0;
		et = be16(d + 12);
		off = 14;
		/* 802.1Q, 802.1ad and the old QinQ type; a few deep. */
		for (tags = 0; tags < 4 && (et == 0x8100 || et == 0x88a8 ||
		     et == 0x9100); tags++) {
			if (n < off + 4)
				return 0;
			et = be16(d + off + 2);
			off += 4;
		}
		decode_ethertype(et, d + off, n - off, lost, p);
		return 0;
	case DLT_RAW:
	case DLT_IPV4:
		if (n >= 1 && d[0] >> 4 == 4) {
			p->ethertype = 0x0800;
			decode_ipv4(d, n, lost, p);
		} else if (n >= 1)
			p->kind = PCAPR_NOT_IPV4;
		return 0;
	case DLT_NULL:
	case DLT_LOOP:
		if (n < 4)
			return 0;
		/* DLT_NULL is in the capturing host's byte order, DLT_LOOP
		 * in network order; AF_INET is 2 everywhere. */
		af = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
		     (uint32_t)d[2] << 8 | d[3];
		if (af == 2 || af == 0x02000000u) {
			p->ethertype = 0x0800;
			decode_ipv4(d + 4, n - 4, lost, p);
		} else
			p->kind = PCAPR_NOT_IPV4;
		return 0;
	case DLT_LINUX_SLL:
		if (n < 16)
			return 0;
		decode_ethertype(be16(d + 14), d + 16, n - 16, lost, p);
		return 0;
	case DLT_LINUX_SLL2:
		if (n < 20)
			return 0;
		decode_ethertype(be16(d), d + 20, n - 20, lost, p);
		return 0;
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		off = 0;
		if (n >= 2 && d[0] == 0xff && d[1] == 0x03)
			off = 2;	/* address and control */
		if (n < off + 2)
			return 0;
		/* Protocol 0x0021 is IPv4 (RFC 1332). */
		if (be16(d + off) == 0x0021) {
			p->ethertype = 0x0800;
			decode_ipv4(d + off + 2, n - off - 2, lost, p);
		} else
			p->kind = PCAPR_NOT_IPV4;
		return 0;
	default:
		return -EPROTONOSUPPORT;
	}
}

static struct srcpos
file_pos(const char *path)
{
	struct srcpos pos = { path, 0, 0 };

	return pos;
}

static int
reader_setup(pcap_t *pc, const char *path, const char *filter,
	     struct diag *d, struct pcapreader **out)
{
	struct pcapreader *r;
	const char *name;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL) {
		free(r);
		pcap_close(pc);
		return -ENOMEM;
	}
	r->pc = pc;
	r->dlt = pcap_datalink(pc);
	if (!pcapr_dlt_ok(r->dlt)) {
		name = pcap_datalink_val_to_name(r->dlt);
		diag_error(d, file_pos(path), "link type %s (%d) is not "
			   "decoded; ftsim reads EN10MB, RAW, IPV4, NULL, "
			   "LOOP, LINUX_SLL, LINUX_SLL2, PPP and PPP_SERIAL",
			   name ? name : "unknown", r->dlt);
		pcapr_close(r);
		return -EINVAL;
	}
	if (filter != NULL && strlen(filter) > PCAPR_FILTER_MAX) {
		diag_error(d, file_pos("--filter"), "%zu bytes, over the "
			   "cap of %d: libpcap's optimiser takes time cubic "
			   "in a filter's terms (minutes for a few thousand); "
			   "replay with a shorter one, or several times",
			   strlen(filter), PCAPR_FILTER_MAX);
		pcapr_close(r);
		return -EINVAL;
	}
	if (filter != NULL) {
		/* Compiled for this file's link type, with no netmask (the
		 * file has none); applied by pcapr_next so packet numbers
		 * stay the file's. */
		if (pcap_compile(pc, &r->prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) != 0) {
			diag_error(d, file_pos("--filter"), "'%s': %s", filter,
				   pcap_geterr(pc));
			pcapr_close(r);
			return -EINVAL;
		}
		r->filtered = true;
	}
	*out = r;
	return 0;
}

int
pcapr_open(const char *path, const char *filter, struct diag *d,
	   struct pcapreader **out)
{
	FILE *f;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		diag_error(d, file_pos(path), "cannot open: %s",
			   strerror(errno));
		return -EINVAL;
	}
	return pcapr_fopen(f, path, filter, d, out);
}

int
pcapr_fopen(FILE *f, const char *path, const char *filter, struct diag *d,
	    struct pcapreader **out)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc;

	*out = NULL;
	/* Microsecond timestamps whatever the file holds (pcapng and
	 * nanosecond pcap files are scaled by libpcap). */
	if ((pc = pcap_fopen_offline_with_tstamp_precision(f,
	    PCAP_TSTAMP_PRECISION_MICRO, err)) == NULL) {
		fclose(f);
		diag_error(d, file_pos(path), "not a capture libpcap reads: %s",
			   err[0] ? err : "unknown format");
		return -EINVAL;
	}
	return reader_setup(pc, path, filter, d, out);
}

void
pcapr_close(struct pcapreader *r)
{
	if (r == NULL)
		return;
	if (r->filtered)
		pcap_freecode(&r->prog);
	pcap_close(r->pc);
	free(r->path);
	free(r);
}

int
pcapr_next(struct pcapreader *r, struct pcapr_pkt *p, struct diag *d)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	for (;;) {
		rc = pcap_next_ex(r->pc, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc != 1) {
			diag_error(d, file_pos(r->path), "after packet %llu: "
				   "%s", (unsigned long long)r->nread,
				   pcap_geterr(r->pc));
			return -EIO;
		}
		r->nread++;
		if (h->caplen > h->len) {
			diag_error(d, file_pos(r->path), "packet %llu: %u bytes "
				   "captured of a %u-byte frame",
				   (unsigned long long)r->nread, h->caplen,
				   h->len);
			return -EIO;
		}
		if (r->filtered && pcap_offline_filter(&r->prog, h, data) == 0)
			continue;
		memset(p, 0, sizeof(*p));
		(void)pcapr_decode_frame(r->dlt, data, h->caplen, h->len, p);
		p->no = r->nread;
		p->ts_us = (uint64_t)h->ts.tv_sec * 1000000u +
			   (uint64_t)h->ts.tv_usec;
		return 1;
	}
}

const char *
pcapr_linktype(const struct pcapreader *r)
{
	const char *n = pcap_datalink_val_to_name(r->dlt);

	return n != NULL ? n : "unknown";
}

uint64_t
pcapr_nread(const struct pcapreader *r)
{
	return r->nread;
}
