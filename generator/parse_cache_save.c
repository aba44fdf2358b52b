/* parse_cache_save: the parse cache's records put by a build, appended to
 * its file, or the file made anew with the live ones when most of it is
 * records nobody uses (see parse_cache.c for the format). */
#define _GNU_SOURCE
#include "parse_cache_internal.h"
#include "parse_cache_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "xalloc.h"

/* ---- saving ---- */

static int write_all(int fd, const void *data, size_t len, off_t at)
{
	const char *p = data;
	while (len) {
		ssize_t n = pwrite(fd, p, len, at);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

static void add_trailer(struct buf *b, uint64_t key, size_t at)
{
	uint32_t magic = END_MAGIC, zero = 0;
	uint64_t end = at + b->len + END_LEN, check = pc_end_check(key, end);
	buf_add(b, &magic, 4);
	buf_add(b, &zero, 4);
	buf_add(b, &end, 8);
	buf_add(b, &check, 8);
}

/* The file anew: the records this build used, then what it put; written
 * as it goes, from the map (at 50,000 reports the cache holds 470 MB). */
static void compact(struct parse_cache *c, const struct source *src, size_t n)
{
	struct buf tmp = BUF_INIT, tail = BUF_INIT;
	buf_addf(&tmp, "%s.tmp", c->path);	/* one name: the lock is held, and a killed build's is replaced */
	unlink(tmp.data);
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | OPEN_FLAGS, 0600);
	if (fd < 0) {
		buf_free(&tmp);
		return;
	}
	char head[HEAD_LEN];
	memcpy(head, HEAD_MAGIC, 16);
	memcpy(head + 16, &c->key, 8);
	off_t at = 0;
	int ok = write_all(fd, head, HEAD_LEN, at) == 0;
	at += HEAD_LEN;
	for (size_t i = 0; ok && i < n; i++) {
		struct rec *r = strmap_get(&c->recs, src[i].path);
		if (r && atomic_load(&r->used) == c->gen) {
			ok = write_all(fd, c->map + r->off, r->len, at) == 0;
			at += (off_t)r->len;
		}
	}
	buf_add(&tail, c->pending.data, c->pending.len);
	add_trailer(&tail, c->key, (size_t)at);
	ok = ok && write_all(fd, tail.data, tail.len, at) == 0;
	if (close(fd) < 0)
		ok = 0;
	if (!ok || rename(tmp.data, c->path) < 0)
		unlink(tmp.data);
	buf_free(&tail);
	buf_free(&tmp);
}

/* The end of the good data of the file as it is now (another build may
 * have appended since it was opened): its last good trailer, or 0 when it
 * is not a cache of ours. */
static size_t good_end(struct parse_cache *c, int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size < HEAD_LEN)
		return 0;
	if (c->map && st.st_dev == c->dev && st.st_ino == c->ino && (size_t)st.st_size == c->map_len)
		return c->good;
	/* as this build's last append left it: not mapped and read again
	 * (at 50,000 reports a first build appends 430 MB in 8 MB steps) */
	if (c->tail_end && st.st_dev == c->tail_dev && st.st_ino == c->tail_ino && (size_t)st.st_size == c->tail_end)
		return c->tail_end;
	struct parse_cache now = { .key = c->key };
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return 0;
	now.map = m;
	now.map_len = (size_t)st.st_size;
	pc_scan(&now);
	munmap(m, now.map_len);
	arena_free(&now.arena);
	return now.good;
}

/* Writes what was put to the file, under its lock: appended after the good
 * data, or (compact, or no good file) a new file with the records this
 * build used (src) and what was put. Empties pending. */
void pc_write_pending(struct parse_cache *c, const struct source *src, size_t n, int compacting)
{
	pc_make_dirs(c->path);
	int lock = open(c->lock_path, O_RDWR | O_CREAT | OPEN_FLAGS, 0600);
	struct stat st;
	if (lock < 0 || fstat(lock, &st) < 0 || !S_ISREG(st.st_mode) || flock(lock, LOCK_EX) < 0) {
		if (lock >= 0)
			close(lock);
		return;
	}
	int fd = open(c->path, O_RDWR | O_CREAT | OPEN_FLAGS, 0600);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())) {
		close(fd);
		fd = -1;	/* not a file of ours: left alone */
	}
	size_t end = fd < 0 ? 0 : good_end(c, fd);
	/* the mapped file unchanged, its records all good: after the append,
	 * the map with the records appended (extended_as_left) */
	int extends = fd >= 0 && !compacting && end && end == c->good && c->good == c->map_len && c->keepable &&
		      pc_still_current(c, c->path);
	c->tail_end = 0;
	c->tail_extends_map = 0;
	if (fd >= 0 && (compacting || !end)) {
		compact(c, src, n);
		if (!end)
			pc_prune(c->path);	/* a new file: one more cache in the directory */
	} else if (fd >= 0 && ftruncate(fd, (off_t)end) == 0) {
		add_trailer(&c->pending, c->key, end);
		/* the times the append left, at once from the file written: a
		 * write by anyone else after this look changes them (and one
		 * before it, in the microseconds since the look at the map's
		 * file, is the race left: README, the parse cache) */
		struct stat after;
		if (write_all(fd, c->pending.data, c->pending.len, (off_t)end) == 0 && fstat(fd, &after) == 0 && extends &&
		    (size_t)after.st_size == end + c->pending.len) {
			c->tail_dev = after.st_dev;
			c->tail_ino = after.st_ino;
			c->tail_end = (size_t)after.st_size;
			c->tail_mtime = after.st_mtim;
			c->tail_ctime = after.st_ctim;
			c->tail_extends_map = after.st_dev == c->dev && after.st_ino == c->ino;
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0) {
		int f2 = open(c->path, O_RDONLY | OPEN_FLAGS);	/* the file now there (compact renamed a new one) */
		if (f2 >= 0 && fstat(f2, &st) == 0) {
			c->tail_dev = st.st_dev;
			c->tail_ino = st.st_ino;
			c->tail_end = (size_t)st.st_size;
		}
		if (f2 >= 0)
			close(f2);
		close(fd);
	}
	flock(lock, LOCK_UN);
	close(lock);
	buf_free(&c->pending);	/* not even its room kept: memory stays flat */
	c->npending = 0;
}

/* Marks the cache used (see prune) by its lock file's times: the cache's
 * own would end the map serve's build process keeps (pc_still_current). The
 * link itself, should one be planted there. */
static void touch(struct parse_cache *c)
{
	utimensat(AT_FDCWD, c->lock_path, NULL, AT_SYMLINK_NOFOLLOW);
}

void parse_cache_save(struct parse_cache *c, const struct source *src, size_t n)
{
	size_t live = c->pending.len + (c->map ? atomic_load(&c->used_bytes) : 0);
	/* not after a flush: the new file would leave out what it wrote */
	int stale = c->good > 2 * live + COMPACT_SLACK && !c->flushed;
	if (!c->path)
		return;
	if (!c->npending && !stale) {
		if (c->map && parse_cache_hits(c))
			touch(c);
		return;
	}
	pc_write_pending(c, src, n, stale);
}

void parse_cache_flush(struct parse_cache *c)
{
	if (!c || !c->path || !c->npending)
		return;
	pthread_mutex_lock(&c->lock);
	pc_write_pending(c, NULL, 0, 0);
	c->flushed = 1;
	pthread_mutex_unlock(&c->lock);
}

