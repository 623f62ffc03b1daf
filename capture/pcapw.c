/*
 * pcapw.c: capture files written by libpcap under temporary names and
 * renamed together when complete.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdbool.h>

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
	int lockfd;		/* DIR/CAPW_LOCK, flock'ed; -1 none */
	char **old;		/* the files of DIR's manifest */
	size_t nold;
	char **sub;		/* capw_add_subset's folders, "NAME/" */
	size_t nsub;
};

static void capw_free(struct capwriter *w);

static void
seterr(char *err, size_t len, const char *fmt, const char *a, int e)
{
	if (err != NULL && len > 0)
		snprintf(err, len, fmt, a, strerror(e));
}

/* The folder's set: its manifest, and the file a writer holds locked
 * from capw_open to its commit or abort (pcapw.h). */
#define CAPW_MANIFEST	".ftsim-captures"
#define CAPW_LOCK	".ftsim-lock"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool
names_have(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

/* A name a manifest may hold: a capture of the folder itself, or a
 * folder of it holding a set of its own, "NAME/". */
static bool
set_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || name[0] == '.')
		return false;
	if (name[len - 1] == '/')
		return len > 1 && memchr(name, '/', len - 1) == NULL;
	return len > 5 && strchr(name, '/') == NULL &&
	    strcmp(name + len - 5, ".pcap") == 0;
}

/* Read DIR's manifest into w->old (none: an empty list). 0 or -errno. */
static int
manifest_read(struct capwriter *w)
{
	char *path, line[4096];
	size_t len = strlen(w->dir) + sizeof(CAPW_MANIFEST) + 1;
	FILE *f;
	int rc = 0;

	if ((path = malloc(len)) == NULL)
		return -ENOMEM;
	snprintf(path, len, "%s/%s", w->dir, CAPW_MANIFEST);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return errno == ENOENT ? 0 : -errno;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char **v;

		line[strcspn(line, "\n")] = '\0';
		if (!set_name_ok(line) || names_have(w->old, w->nold, line))
			continue;
		if ((v = realloc(w->old, (w->nold + 1) * sizeof(*v))) == NULL) {
			rc = -ENOMEM;
			break;
		}
		w->old = v;
		if ((v[w->nold] = strdup(line)) == NULL)
			rc = -ENOMEM;
		else
			w->nold++;
	}
	if (rc == 0 && ferror(f))
		rc = -EIO;
	fclose(f);
	return rc;
}

/* A capture in DIR that no ftsim set holds: *foreign gets its name (to
 * free), NULL if none. 0 or -errno. */
static int
find_foreign(const struct capwriter *w, char **foreign)
{
	struct dirent *e;
	DIR *d;
	int rc = 0;

	*foreign = NULL;
	if ((d = opendir(w->dir)) == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL)
		if (set_name_ok(e->d_name) &&
		    !names_have(w->old, w->nold, e->d_name) &&
		    (*foreign == NULL || strcmp(e->d_name, *foreign) < 0)) {
			free(*foreign);
			if ((*foreign = strdup(e->d_name)) == NULL) {
				rc = -ENOMEM;
				break;
			}
		}
	closedir(d);
	return rc;
}

/* Take DIR's lock, waiting (with a note) while another ftsim holds it. */
static int
capw_lock(struct capwriter *w, char *err, size_t errlen)
{
	size_t len = strlen(w->dir) + sizeof(CAPW_LOCK) + 1;
	char *path = malloc(len);
	int rc = 0;

	if (path == NULL)
		return -ENOMEM;
	snprintf(path, len, "%s/%s", w->dir, CAPW_LOCK);
	if ((w->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0) {
		rc = -errno;
		seterr(err, errlen, "cannot create %s: %s", path, errno);
	} else if (flock(w->lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK) {
			fprintf(stderr, "ftsim: waiting for another ftsim "
			    "writing captures in %s\n", w->dir);
			while ((rc = flock(w->lockfd, LOCK_EX)) != 0 &&
			    errno == EINTR)
				;
		} else {
			rc = -1;
		}
		if (rc != 0) {
			rc = -errno;
			seterr(err, errlen, "cannot lock %s: %s", path, errno);
		}
	}
	free(path);
	return rc;
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
	char *foreign = NULL;
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
	w->lockfd = -1;
	if ((w->dir = strdup(dir)) == NULL ||
	    (w->pc = pcap_open_dead_with_tstamp_precision(DLT_EN10MB,
	    CAPW_SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO)) == NULL) {
		free(w->dir);
		free(w);
		return -ENOMEM;
	}
	/* One writer at a time in a folder; then what is there must be a
	 * set ftsim wrote, which this one replaces. */
	if ((rc = capw_lock(w, err, errlen)) != 0 ||
	    (rc = manifest_read(w)) != 0 ||
	    (rc = find_foreign(w, &foreign)) != 0) {
		if (rc != 0 && err != NULL && errlen > 0 && err[0] == '\0')
			seterr(err, errlen, "cannot read %s: %s", dir, -rc);
		capw_free(w);
		return rc;
	}
	if (foreign != NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s/%s: a capture ftsim did not "
			    "write (%s/" CAPW_MANIFEST " does not list it): "
			    "the set would be mixed with it; remove it or "
			    "choose another folder", dir, foreign, dir);
		free(foreign);
		capw_free(w);
		return -EEXIST;
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
	/* The record as pcap_dump writes it (the file's header says
	 * microseconds): 32-bit seconds, microseconds, captured and wire
	 * length in host order, then the frame; one write for both. */
	uint8_t rec[16 + ETH_HLEN + PKT_MAX], *frame = rec + 16;
	uint32_t hdr[4];
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
	hdr[0] = (uint32_t)(CAPW_EPOCH + ts_us / 1000000);
	hdr[1] = (uint32_t)(ts_us % 1000000);
	hdr[2] = hdr[3] = (uint32_t)(ETH_HLEN + p->len);
	memcpy(rec, hdr, sizeof(hdr));
	/* A failed write shows at the commit (outfile_commit: ferror and
	 * the first write's errno), as pcap_dump's would. */
	(void)fwrite(rec, 16 + ETH_HLEN + p->len, 1,
		     outfile_stream(w->f[id].o));
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
	if (w->pc != NULL)
		pcap_close(w->pc);
	names_free(w->old, w->nold);
	names_free(w->sub, w->nsub);
	if (w->lockfd >= 0)
		close(w->lockfd);	/* the lock goes with it */
	free(w->dir);
	free(w);
}

int
capw_add_subset(struct capwriter *w, const char *name)
{
	size_t len = strlen(name);
	char **v, *e;

	if (len == 0 || name[0] == '.' || strchr(name, '/') != NULL)
		return -EINVAL;
	if ((e = malloc(len + 2)) == NULL)
		return -ENOMEM;
	snprintf(e, len + 2, "%s/", name);
	if ((v = realloc(w->sub, (w->nsub + 1) * sizeof(*v))) == NULL) {
		free(e);
		return -ENOMEM;
	}
	w->sub = v;
	v[w->nsub++] = e;
	return 0;
}

/* Remove the set of DIR/NAME/ (entry "NAME/"), an earlier run's: its
 * captures, manifest and lock, then the folder if nothing else is in
 * it. 0 or -errno, with err set. */
static int
remove_subset(const struct capwriter *w, const char *entry, char *err,
	      size_t errlen)
{
	struct capwriter sub;
	size_t len = strlen(w->dir) + strlen(entry) + sizeof(CAPW_MANIFEST) +
	    sizeof(CAPW_LOCK) + 64, k;
	char *path = malloc(len);
	int rc;

	if (path == NULL)
		return -ENOMEM;
	memset(&sub, 0, sizeof(sub));
	snprintf(path, len, "%s/%.*s", w->dir, (int)(strlen(entry) - 1),
	    entry);
	sub.dir = path;
	if ((rc = manifest_read(&sub)) != 0) {
		seterr(err, errlen, "cannot read %s: %s", path, -rc);
		free(path);
		return rc;
	}
	for (k = 0; k < sub.nold && rc == 0; k++) {
		char *f;
		size_t flen = strlen(path) + strlen(sub.old[k]) + 2;

		if (sub.old[k][strlen(sub.old[k]) - 1] == '/')
			continue;	/* no set nests deeper */
		if ((f = malloc(flen)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		snprintf(f, flen, "%s/%s", path, sub.old[k]);
		if (unlink(f) != 0 && errno != ENOENT) {
			rc = -errno;
			seterr(err, errlen, "cannot remove %s: %s", f, errno);
		}
		free(f);
	}
	names_free(sub.old, sub.nold);
	if (rc == 0) {
		size_t end = strlen(path);

		snprintf(path + end, len - end, "/%s", CAPW_MANIFEST);
		(void)unlink(path);
		snprintf(path + end, len - end, "/%s", CAPW_LOCK);
		(void)unlink(path);
		path[end] = '\0';
		(void)rmdir(path);	/* stays if it holds other files */
	}
	free(path);
	return rc;
}

/* Write DIR's manifest: the files of v (left in its order), sorted.
 * 0 or -errno. */
static int
manifest_write(const struct capwriter *w, char *const *names, size_t n)
{
	size_t len = strlen(w->dir) + sizeof(CAPW_MANIFEST) + 1, i;
	char *path = malloc(len), **v = calloc(n + 1, sizeof(*v));
	struct outfile *o;
	int rc;

	if (path == NULL || v == NULL) {
		free(path);
		free(v);
		return -ENOMEM;
	}
	snprintf(path, len, "%s/%s", w->dir, CAPW_MANIFEST);
	rc = outfile_open(path, &o);
	free(path);
	if (rc != 0) {
		free(v);
		return rc;
	}
	if (n > 0)
		memcpy(v, names, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	fputs("# The captures ftsim wrote here, one set: the next ftsim run "
	    "into this\n# folder removes them when it writes its own.\n",
	    outfile_stream(o));
	for (i = 0; i < n; i++)
		fprintf(outfile_stream(o), "%s\n", v[i]);
	free(v);
	return outfile_commit(o);
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

	char **all = NULL, *rm;
	size_t nall = 0, nnew = 0, k;
	sigset_t sigs, old;

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
	/* The new set's names, then the old set's: the manifest lists
	 * both while the one replaces the other, so that whatever stops
	 * the replacement leaves no capture the next run does not know. */
	if (rc == 0 && (all = calloc(w->nfiles + w->nsub + w->nold + 1,
	    sizeof(*all))) == NULL)
		rc = -ENOMEM;
	for (k = 0; k < w->nsub && rc == 0; k++)
		if ((all[nall++] = strdup(w->sub[k])) == NULL)
			rc = -ENOMEM;
	for (i = 0; i < w->nf && rc == 0; i++) {
		const char *p;

		if (w->f[i].o == NULL)
			continue;
		p = strrchr(outfile_path(w->f[i].o), '/');
		if ((all[nall++] = strdup(p != NULL ? p + 1 :
		    outfile_path(w->f[i].o))) == NULL)
			rc = -ENOMEM;
	}
	nnew = nall;
	for (k = 0; k < w->nold && rc == 0; k++)
		if (!names_have(all, nnew, w->old[k]) &&
		    (all[nall++] = strdup(w->old[k])) == NULL)
			rc = -ENOMEM;
	/* No signal between the first rename and the last removal: the
	 * folder goes from one whole set to the other. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	if (rc == 0 && (rc = manifest_write(w, all, nall)) != 0)
		seterr(err, errlen, "cannot write %s/" CAPW_MANIFEST ": %s",
		    w->dir, -rc);
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
	/* The old set's files that the new one did not replace. */
	for (k = 0; k < w->nold && rc == 0; k++) {
		size_t len = strlen(w->dir) + strlen(w->old[k]) + 2;

		if (names_have(all, nnew, w->old[k]))
			continue;
		if (w->old[k][strlen(w->old[k]) - 1] == '/') {
			rc = remove_subset(w, w->old[k], err, errlen);
			continue;
		}
		if ((rm = malloc(len)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		snprintf(rm, len, "%s/%s", w->dir, w->old[k]);
		if (unlink(rm) != 0 && errno != ENOENT) {
			rc = -errno;
			seterr(err, errlen, "cannot remove %s: %s", rm, errno);
		}
		free(rm);
	}
	if (rc == 0 && (rc = manifest_write(w, all, nnew)) != 0)
		seterr(err, errlen, "cannot write %s/" CAPW_MANIFEST ": %s",
		    w->dir, -rc);
	sigprocmask(SIG_SETMASK, &old, NULL);
	names_free(all, nall);
	capw_free(w);
	return rc;
}
