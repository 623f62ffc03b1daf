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

#include "capture/pcapw.h"

#define ETH_HLEN	14
#define ETH_IPV4	0x0800
#define CAPW_SNAPLEN	65535

/* One file: its libpcap dumper on a temporary file, and where it goes. */
struct capfile {
	char *tmp, *final;
	pcap_dumper_t *d;	/* NULL for an unused id */
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

/* mkdir -p: dir and its missing parents. */
static int
mkdirs(const char *dir)
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
	if ((rc = mkdirs(dir)) != 0) {
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
	size_t len;
	FILE *fp;
	int fd;

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
	len = strlen(w->dir) + strlen(name) + 32;
	if ((cf->final = malloc(len)) == NULL ||
	    (cf->tmp = malloc(len)) == NULL) {
		free(cf->final);
		cf->final = NULL;
		return -ENOMEM;
	}
	snprintf(cf->final, len, "%s/%s.pcap", w->dir, name);
	snprintf(cf->tmp, len, "%s/.%s.pcap.XXXXXX", w->dir, name);
	if ((fd = mkstemp(cf->tmp)) == -1) {
		int e = errno;
		free(cf->tmp);
		free(cf->final);
		cf->tmp = cf->final = NULL;
		return -e;
	}
	/* mkstemp makes it 0600; a capture is an ordinary output file. */
	{
		mode_t m = umask(0);
		umask(m);
		(void)fchmod(fd, 0666 & ~m);
	}
	if ((fp = fdopen(fd, "wb")) == NULL ||
	    (cf->d = pcap_dump_fopen(w->pc, fp)) == NULL) {
		int e = errno ? errno : EIO;
		if (fp != NULL)
			fclose(fp);
		else
			close(fd);
		unlink(cf->tmp);
		free(cf->tmp);
		free(cf->final);
		cf->tmp = cf->final = NULL;
		return -e;
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
	if ((id >= w->nf || w->f[id].d == NULL) &&
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

	for (i = 0; i < w->nf; i++) {
		if (w->f[i].d != NULL)
			pcap_dump_close(w->f[i].d);
		if (w->f[i].tmp != NULL)
			unlink(w->f[i].tmp);
		free(w->f[i].tmp);
		free(w->f[i].final);
	}
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

void
capw_abort_signal(const struct capwriter *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nf; i++)
		if (w->f[i].tmp != NULL)
			unlink(w->f[i].tmp);
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
		FILE *fp;

		if (cf->d == NULL)
			continue;
		fp = pcap_dump_file(cf->d);
		if (pcap_dump_flush(cf->d) == -1 || ferror(fp) ||
		    fsync(fileno(fp)) == -1) {
			rc = errno ? -errno : -EIO;
			seterr(err, errlen, "cannot write %s: %s", cf->final,
			       -rc);
		}
	}
	for (i = 0; i < w->nf && rc == 0; i++) {
		struct capfile *cf = &w->f[i];
		FILE *fp;

		if (cf->d == NULL)
			continue;
		/* A dumper is its FILE: closing that is pcap_dump_close
		 * with the error reported. */
		fp = pcap_dump_file(cf->d);
		cf->d = NULL;
		if (fclose(fp) != 0) {
			rc = -errno;
			seterr(err, errlen, "cannot write %s: %s", cf->final,
			       errno);
		}
	}
	for (i = 0; i < w->nf && rc == 0; i++) {
		struct capfile *cf = &w->f[i];

		if (cf->tmp == NULL)
			continue;
		if (rename(cf->tmp, cf->final) == -1) {
			rc = -errno;
			seterr(err, errlen, "cannot rename to %s: %s",
			       cf->final, errno);
			break;
		}
		free(cf->tmp);
		cf->tmp = NULL;
	}
	capw_free(w);
	return rc;
}
