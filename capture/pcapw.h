/*
 * pcapw.h: a set of capture files written together, all or nothing.
 *
 * A capwriter owns one pcap file per capture point in a directory, each
 * written by libpcap (pcap_open_dead + pcap_dump, Ethernet link type,
 * microsecond timestamps) on an outfile (outfile.h): under a temporary
 * name beside its final one, removed on a signal. capw_commit flushes
 * and syncs every file, then renames them; capw_abort (or a failed
 * commit) removes them, so a final name only ever holds a whole capture. Timestamps are given by the caller (a simulated clock):
 * nothing here reads the wall clock.
 *
 * A directory holds one set: DIR/.ftsim-captures lists the files (and
 * subset folders, capw_add_subset) of the set ftsim last wrote there.
 * capw_open takes flock(2) on DIR/.ftsim-lock (waiting, with a note on
 * stderr, while another ftsim holds it) until the commit or abort, and
 * refuses a DIR holding a *.pcap its list does not name (-EEXIST, err
 * names it). capw_commit renames the new files in, removes what of the
 * old set they did not replace, and rewrites the list, with SIGINT,
 * SIGTERM and SIGHUP held off meanwhile.
 */
#ifndef FTSIM_PCAPW_H
#define FTSIM_PCAPW_H

#include <stddef.h>
#include <stdint.h>

#include "capture/pkt.h"

/* 2026-01-01T00:00:00Z: the simulated clock's zero in capture files. */
#define CAPW_EPOCH 1767225600u

struct capwriter;

/* mkdir -p: dir and its missing parents (mode 0777 & ~umask). 0, or a
 * negative errno. */
int capw_mkdirs(const char *dir);

/* Start a set in directory dir (created with its parents if missing,
 * mode 0777 & ~umask). 0, or a negative errno; err gets a message. */
int capw_open(const char *dir, struct capwriter **out, char *err,
	      size_t errlen);

/* Append packet p, framed in Ethernet with the given MACs, to the file
 * of point id (named name + ".pcap"; the first call for an id creates
 * it). *pktno gets the packet's number in that file, from 1. */
int capw_write(struct capwriter *w, size_t id, const char *name,
	       uint64_t ts_us, const uint8_t src[6], const uint8_t dst[6],
	       const struct pkt *p, uint32_t *pktno);

/* Files and packets so far. */
size_t capw_nfiles(const struct capwriter *w);
uint64_t capw_npackets(const struct capwriter *w);

/* The set includes the folder dir/name, which holds a set of its own
 * written meanwhile (`run --pcap DIR` with several scenarios): the
 * manifest lists it as "name/", and a later set in dir without it
 * removes that folder's set. 0, -EINVAL (not one path component) or
 * -ENOMEM. */
int capw_add_subset(struct capwriter *w, const char *name);

/* Flush, sync and rename every file; frees w. On failure every file is
 * removed, err says why, and a negative errno is returned. */
int capw_commit(struct capwriter *w, char *err, size_t errlen);

/* Remove every temporary file and free w. Safe on NULL. */
void capw_abort(struct capwriter *w);

#endif
