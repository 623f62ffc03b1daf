/*
 * outfile.c: temporary files renamed when complete, removed on error or
 * on a signal (outfile.h).
 *
 * The stream is a stdio stream over the file's descriptor made with
 * fopencookie(3), whose write function keeps the errno of the first
 * failed write: stdio keeps only that an error happened, and a failed
 * large fwrite loses its data, so the cause (EFBIG, ENOSPC) would be
 * gone by the time the file is closed.
 */
#define _GNU_SOURCE		/* fopencookie */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/outfile.h"

/* One file: the temporary name, the final one, its descriptor and the
 * stream over it until closed, the first write error, and the outcome of
 * closing it. */
struct outfile {
	char *tmp, *path;
	int fd;
	FILE *f;
	int werr;		/* errno of the first failed write, or 0 */
	bool closed;
	int err;		/* of outfile_close: 0 or a negative errno */
};

/*
 * The files being written, for the signal handler: an array changed
 * only with the handled signals blocked, so that the handler never sees
 * it half-changed.
 */
static struct outfile **of_reg;
static size_t of_nreg, of_cap;

/* Guarded paths and the helper program, read by the handler too;
 * changed with the signals blocked. */
static struct {
	char *tmp, *final;
} of_guard[OUTFILE_MAXGUARD];
static size_t of_nguard;
static volatile pid_t of_pid;

static const int of_sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define OF_NSIGS (sizeof(of_sigs) / sizeof(of_sigs[0]))

static void
of_block(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < OF_NSIGS; i++)
		sigaddset(&set, of_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void
of_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Add o; called with the signals blocked. */
static int
of_register(struct outfile *o)
{
	if (of_nreg == of_cap) {
		size_t n = of_cap ? 2 * of_cap : 16;
		struct outfile **r = realloc(of_reg, n * sizeof(*r));

		if (r == NULL)
			return -ENOMEM;
		of_reg = r;
		of_cap = n;
	}
	of_reg[of_nreg++] = o;
	return 0;
}

/* Remove o; called with the signals blocked. */
static void
of_unregister(struct outfile *o)
{
	size_t i;

	for (i = 0; i < of_nreg; i++)
		if (of_reg[i] == o) {
			of_reg[i] = of_reg[--of_nreg];
			break;
		}
	if (of_nreg == 0) {
		free(of_reg);
		of_reg = NULL;
		of_cap = 0;
	}
}

/* Append str to the handler's message (stdio is not signal-safe). */
static void
of_cat(char *buf, size_t size, size_t *len, const char *str)
{
	while (*str != '\0' && *len + 1 < size)
		buf[(*len)++] = *str++;
	buf[*len] = '\0';
}

/*
 * Remove what the directory dfd holds, then close it; async-signal-safe
 * (no memory allocated: one buffer per level, at most 16 levels). A
 * pass that removes something is followed by another, from the start,
 * until the directory is empty or nothing more goes.
 */
static void
of_rmdir_fd(int dfd, int depth)
{
	char buf[4096];
	bool removed = true;
	ssize_t n, off;

	while (removed) {
		removed = false;
		if (lseek(dfd, 0, SEEK_SET) == -1)
			break;
		while ((n = getdents64(dfd, buf, sizeof(buf))) > 0)
			for (off = 0; off < n; ) {
				struct dirent64 *e = (void *)(buf + off);
				const char *name = e->d_name;
				int sub;

				off += e->d_reclen;
				if (name[0] == '.' && (name[1] == '\0' ||
				    (name[1] == '.' && name[2] == '\0')))
					continue;
				if (unlinkat(dfd, name, 0) == 0) {
					removed = true;
					continue;
				}
				if (depth >= 16 || (sub = openat(dfd, name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				    O_CLOEXEC)) == -1)
					continue;
				of_rmdir_fd(sub, depth + 1);
				if (unlinkat(dfd, name, AT_REMOVEDIR) == 0)
					removed = true;
			}
	}
	close(dfd);
}

/* Remove path: a file, or a folder with everything in it. */
static void
of_remove(const char *path)
{
	int fd;

	if (unlink(path) == 0 || errno == ENOENT)
		return;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	of_rmdir_fd(fd, 0);
	(void)rmdir(path);
}

static void
of_handler(int sig)
{
	char msg[1024], num[24], *p = num + sizeof(num);
	size_t i, more, len = 0;
	pid_t pid = of_pid;
	int saved = errno;

	if (of_nreg == 0 && of_nguard == 0) {
		signal(sig, SIG_DFL);
		raise(sig);
		errno = saved;
		return;
	}
	/* The helper program first: it would go on writing. */
	if (pid > 0) {
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	for (i = 0; i < of_nreg; i++)
		unlink(of_reg[i]->tmp);
	for (i = 0; i < of_nguard; i++)
		of_remove(of_guard[i].tmp);
	/* One write(2): one line on stderr, whatever else writes there. */
	of_cat(msg, sizeof(msg) - 1, &len, "ftsim: interrupted by ");
	of_cat(msg, sizeof(msg) - 1, &len, sig == SIGINT ? "SIGINT" :
	    sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" :
	    "a signal");
	of_cat(msg, sizeof(msg) - 1, &len, ": ");
	if (of_nguard > 0) {
		/* A folder (or a helper's file): what is in it is its. */
		of_cat(msg, sizeof(msg) - 1, &len, of_guard[0].final);
		of_cat(msg, sizeof(msg) - 1, &len, " not written");
	} else {
		of_cat(msg, sizeof(msg) - 1, &len, of_reg[0]->path);
		of_cat(msg, sizeof(msg) - 1, &len, " not written");
	}
	if (of_nguard == 0 && (more = of_nreg - 1) > 0) {
		*--p = '\0';
		do
			*--p = (char)('0' + more % 10);
		while ((more /= 10) > 0);
		of_cat(msg, sizeof(msg) - 1, &len, " (nor ");
		of_cat(msg, sizeof(msg) - 1, &len, p);
		of_cat(msg, sizeof(msg) - 1, &len, of_nreg == 2 ?
		    " other file)" : " other files)");
	}
	msg[len++] = '\n';
	(void)!write(STDERR_FILENO, msg, len);
	_exit(128 + sig);
}

char *
outfile_name(const char *name, char *buf, size_t len)
{
	size_t i;

	if (len == 0)
		return buf;
	for (i = 0; name[i] != '\0' && i + 1 < len; i++) {
		char c = name[i];

		buf[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && i > 0) ? c : '_';
	}
	if (i == 0 && len > 1)
		buf[i++] = '_';
	buf[i] = '\0';
	return buf;
}

void
outfile_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = of_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < OF_NSIGS; i++)
		sigaddset(&sa.sa_mask, of_sigs[i]);
	for (i = 0; i < OF_NSIGS; i++)
		(void)sigaction(of_sigs[i], &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
}

int
outfile_guard(const char *tmp, const char *final)
{
	char *t, *f;
	sigset_t old;

	if (of_nguard == OUTFILE_MAXGUARD)
		return -ENOSPC;
	if ((t = strdup(tmp)) == NULL || (f = strdup(final)) == NULL) {
		free(t);
		return -ENOMEM;
	}
	of_block(&old);
	of_guard[of_nguard].tmp = t;
	of_guard[of_nguard].final = f;
	of_nguard++;
	of_unblock(&old);
	return 0;
}

void
outfile_unguard(const char *tmp)
{
	sigset_t old;
	size_t i;
	char *t = NULL, *f = NULL;

	of_block(&old);
	for (i = 0; i < of_nguard; i++)
		if (strcmp(of_guard[i].tmp, tmp) == 0) {
			t = of_guard[i].tmp;
			f = of_guard[i].final;
			of_guard[i] = of_guard[--of_nguard];
			break;
		}
	of_unblock(&old);
	free(t);
	free(f);
}

void
outfile_child(long pid)
{
	sigset_t old;

	of_block(&old);
	of_pid = (pid_t)pid;
	of_unblock(&old);
}

/* The stream's write function: all of buf, or -1 with the cause kept. */
static ssize_t
of_write(void *cookie, const char *buf, size_t len)
{
	struct outfile *o = cookie;
	size_t done = 0;
	ssize_t n;

	if (o->werr != 0) {
		errno = o->werr;
		return -1;
	}
	while (done < len) {
		if ((n = write(o->fd, buf + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			o->werr = errno;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)len;
}

static int
of_close(void *cookie)
{
	struct outfile *o = cookie;
	int rc = close(o->fd);

	o->fd = -1;
	return rc;
}

static void
of_free(struct outfile *o)
{
	free(o->tmp);
	free(o->path);
	free(o);
}

int
outfile_open(const char *path, struct outfile **out)
{
	struct outfile *o;
	const char *base;
	sigset_t old;
	mode_t mask;
	size_t len;
	int fd, e;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return -EINVAL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return -ENOMEM;
	len = strlen(path) + sizeof("..XXXXXX");
	if ((o->path = strdup(path)) == NULL ||
	    (o->tmp = malloc(len)) == NULL) {
		of_free(o);
		return -ENOMEM;
	}
	/* DIR/.NAME.XXXXXX: beside the final name, on the same file
	 * system, and hidden from a listing of the directory. */
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	snprintf(o->tmp, len, "%.*s.%s.XXXXXX", (int)(base - path), path,
	    base);
	of_block(&old);
	if ((fd = mkstemp(o->tmp)) == -1) {
		e = -errno;
		of_unblock(&old);
		of_free(o);
		return e;
	}
	if ((e = of_register(o)) != 0) {
		unlink(o->tmp);
		close(fd);
		of_unblock(&old);
		of_free(o);
		return e;
	}
	of_unblock(&old);
	/* mkstemp creates 0600; an output file gets the usual mode. */
	mask = umask(0);
	umask(mask);
	o->fd = fd;
	if (fchmod(fd, 0666 & ~mask) != 0 ||
	    (o->f = fopencookie(o, "wb", (cookie_io_functions_t){
	    .write = of_write, .close = of_close })) == NULL) {
		e = -errno;
		close(fd);
		o->closed = true;
		outfile_abort(o);
		return e;
	}
	*out = o;
	return 0;
}

FILE *
outfile_stream(const struct outfile *o)
{
	return o != NULL ? o->f : NULL;
}

const char *
outfile_path(const struct outfile *o)
{
	return o != NULL ? o->path : NULL;
}

int
outfile_close(struct outfile *o)
{
	int e = 0;

	if (o == NULL)
		return -EINVAL;
	if (o->closed)
		return o->err;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = o->werr != 0 ? o->werr : errno != 0 ? errno : EIO;
	if (e == 0 && fsync(o->fd) != 0)
		e = errno;
	if (fclose(o->f) != 0 && e == 0)
		e = errno ? errno : EIO;
	o->f = NULL;
	o->closed = true;
	o->err = -e;
	return o->err;
}

int
outfile_commit(struct outfile *o)
{
	sigset_t old;
	int rc;

	if (o == NULL)
		return -EINVAL;
	if ((rc = outfile_close(o)) != 0) {
		outfile_abort(o);
		return rc;
	}
	/* Renamed and out of the table together: a signal comes before
	 * (the file is removed) or after (it is whole). */
	of_block(&old);
	if (rename(o->tmp, o->path) != 0) {
		rc = -errno;
		unlink(o->tmp);
	}
	of_unregister(o);
	of_unblock(&old);
	of_free(o);
	return rc;
}

void
outfile_abort(struct outfile *o)
{
	sigset_t old;

	if (o == NULL)
		return;
	if (!o->closed && o->f != NULL)
		fclose(o->f);
	of_block(&old);
	unlink(o->tmp);
	of_unregister(o);
	of_unblock(&old);
	of_free(o);
}
