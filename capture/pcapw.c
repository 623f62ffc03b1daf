/*
 * pcapw.c: capture files written by libpcap under temporary names and
 * renamed together when complete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/outfile.h"
#include "capture/pcapw.h"

#define ETH_HLEN	14
#define ETH_IPV4	0x0800
#define CAPW_SNAPLEN	65535

/* One file: its libpcap dumper on the stream of an outfile (a dumper is
 * its FILE: the outfile closes it). */
struct capfile {
	struct outfile *o;	/* NULL for an unused id */
	pcap_dumper_t *d;
	uint32_t n;		/* packets written */
};

/*
 * A set: the directory, one pcap_t (dead: it only carries the link type,
 * snapshot length and time-stamp precision for the dumpers), and the
 * files indexed by the caller's point ids.
 */
struct capwriter {
	char *dir;
	pcap_t *pc;
	struct capfile *f;
	size_t nf;
	size_t nfiles;
	uint64_t npackets;
};

static void
seterr(char *err, size_t len, const char *fmt, const char *a, int e)
{
	if (err != NULL && len > 0)
		snprintf(err, len, fmt, a, strerror(e));
}

int
capw_mkdirs(const char *dir)
{
	char path[4096];
	size_t i, len = strlen(dir);

	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST)
			return -errno;
		path[i] = dir[i];
	}
	return 0;
}

int
capw_open(const char *dir, struct capwriter **out, char *err, size_t errlen)
{
	struct capwriter *w;
	struct stat st;
	int rc;

	*out = NULL;
	if (dir == NULL || *dir == '\0')
		return -EINVAL;
	if ((rc = capw_mkdirs(dir)) != 0) {
		seterr(err, errlen, "cannot create %s: %s", dir, -rc);
		return rc;
	}
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "%s: %s", dir, ENOTDIR);
		return -ENOTDIR;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	if ((w->dir = strdup(dir)) == NULL ||
	    (w->pc = pcap_open_dead_with_tstamp_precision(DLT_EN10MB,
	    CAPW_SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO)) == NULL) {
		free(w->dir);
		free(w);
		return -ENOMEM;
	}
	*out = w;
	return 0;
}

/* Make room for id and open its file under a temporary name. */
static int
capw_file(struct capwriter *w, size_t id, const char *name)
{
	struct capfile *cf;
	char *path;
	size_t len;
	int rc;

	if (id >= w->nf) {
		size_t n = id + 16;
		struct capfile *nfp = realloc(w->f, n * sizeof(*nfp));

		if (nfp == NULL)
			return -ENOMEM;
		memset(nfp + w->nf, 0, (n - w->nf) * sizeof(*nfp));
		w->f = nfp;
		w->nf = n;
	}
	cf = &w->f[id];
	len = strlen(w->dir) + strlen(name) + 8;
	if ((path = malloc(len)) == NULL)
		return -ENOMEM;
	snprintf(path, len, "%s/%s.pcap", w->dir, name);
	rc = outfile_open(path, &cf->o);
	free(path);
	if (rc != 0)
		return rc;
	if ((cf->d = pcap_dump_fopen(w->pc, outfile_stream(cf->o))) == NULL) {
		outfile_abort(cf->o);
		cf->o = NULL;
		return -EIO;
	}
	w->nfiles++;
	return 0;
}

int
capw_write(struct capwriter *w, size_t id, const char *name,
	   uint64_t ts_us, const uint8_t src[6], const uint8_t dst[6],
	   const struct pkt *p, uint32_t *pktno)
{
	uint8_t frame[ETH_HLEN + PKT_MAX];
	struct pcap_pkthdr h;
	int rc;

	if (w == NULL || name == NULL || p == NULL || p->len > PKT_MAX)
		return -EINVAL;
	if ((id >= w->nf || w->f[id].o == NULL) &&
	    (rc = capw_file(w, id, name)) != 0)
		return rc;
	/* Ethernet II: destination, source, type IPv4. */
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	frame[12] = ETH_IPV4 >> 8;
	frame[13] = ETH_IPV4 & 0xff;
	memcpy(frame + ETH_HLEN, p->buf, p->len);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(CAPW_EPOCH + ts_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(ts_us % 1000000);
	h.caplen = h.len = (bpf_u_int32)(ETH_HLEN + p->len);
	pcap_dump((u_char *)w->f[id].d, &h, frame);
	w->npackets++;
	if (pktno != NULL)
		*pktno = ++w->f[id].n;
	else
		w->f[id].n++;
	return 0;
}

size_t
capw_nfiles(const struct capwriter *w)
{
	return w ? w->nfiles : 0;
}

uint64_t
capw_npackets(const struct capwriter *w)
{
	return w ? w->npackets : 0;
}

static void
capw_free(struct capwriter *w)
{
	size_t i;

	for (i = 0; i < w->nf; i++)
		outfile_abort(w->f[i].o);
	free(w->f);
	pcap_close(w->pc);
	free(w->dir);
	free(w);
}

void
capw_abort(struct capwriter *w)
{
	if (w != NULL)
		capw_free(w);
}

int
capw_commit(struct capwriter *w, char *err, size_t errlen)
{
	size_t i;
	int rc = 0;

	if (w == NULL)
		return -EINVAL;
	/* First make every file whole on disk; only then rename any. */
	for (i = 0; i < w->nf && rc == 0; i++) {
		struct capfile *cf = &w->f[i];

		if (cf->o == NULL)
			continue;
		if ((rc = outfile_close(cf->o)) != 0)
			seterr(err, errlen, "cannot write %s: %s",
			       outfile_path(cf->o), -rc);
	}
	for (i = 0; i < w->nf && rc == 0; i++) {
		struct capfile *cf = &w->f[i];
		char *path;

		if (cf->o == NULL)
			continue;
		if ((path = strdup(outfile_path(cf->o))) == NULL) {
			rc = -ENOMEM;
			break;
		}
		rc = outfile_commit(cf->o);
		cf->o = NULL;
		if (rc != 0)
			seterr(err, errlen, "cannot rename to %s: %s", path,
			       -rc);
		free(path);
	}
	capw_free(w);
	return rc;
}
