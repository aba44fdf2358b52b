/* The parse cache (see parse_cache.h).
 *
 * The file, all numbers in this machine's byte order (a cache is never
 * moved between machines; another layout fails the header):
 *   header    "sitegen-parse 1\n", u64 key
 *   record    u32 REC_MAGIC, u32 0, u64 length (all of it), u64 stamp,
 *             u64 check, then the path, the normalised text, its
 *             digest and the article's fields (pc_put_article, parse_cache_record.c); check is a
 *             digest of everything but the text, which its own digest
 *             checks (the build needs that one anyway: render_deps.c)
 *   trailer   u32 END_MAGIC, u32 0, u64 end (the offset after it), u64
 *             digest of key and end
 * Only records before the last good trailer count: appends end with one,
 * so a build killed while appending leaves a tail that is ignored (and cut
 * off by the next append). A later record for a path replaces an earlier
 * one. A record whose check or text digest fails is not used (the file
 * is parsed), and the record put anew. Appending and compacting:
 * parse_cache_save.c. */
#define _GNU_SOURCE
#include "parse_cache.h"
#include "parse_cache_dir.h"
#include "parse_cache_record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "strmap.h"
#include "xalloc.h"

#include "parse_cache_internal.h"

/* ---- the file ---- */

static uint64_t record_check(const unsigned char *rec, size_t len, size_t text_at, size_t text_len)
{
	uint64_t h = hash_bytes(HASH_INIT, rec + 8, 16);	/* length and stamp */
	h = hash_block(h, rec + REC_HEAD, text_at - REC_HEAD);
	return hash_block(h, rec + text_at + text_len, len - text_at - text_len);
}

uint64_t pc_end_check(uint64_t key, uint64_t end)
{
	uint64_t v[2] = { key, end };
	return hash_bytes(HASH_INIT, v, sizeof(v));
}

/* Where the text of the record at rec starts, and its length (the path
 * before it checked as a string); -1 when malformed. */
static int record_text(const unsigned char *rec, size_t len, const char **path, size_t *at, size_t *text_len)
{
	struct cursor c = { rec + REC_HEAD, rec + len, 0 };
	*path = pc_get_str(&c);
	uint64_t n = pc_get_u64(&c);
	*at = (size_t)(c.p - rec);
	if (!*path || c.bad || n >= (uint64_t)(c.end - c.p) || c.p[n] != '\0')
		return -1;
	*text_len = (size_t)n;
	return 0;
}

/* Indexes the records of the mapped file up to its last good trailer,
 * from c->good on (HEAD_LEN, or where the records taken from the last
 * build's map end: take_records). */
void pc_scan(struct parse_cache *c)
{
	const unsigned char *m = c->map;
	if (c->map_len < HEAD_LEN || memcmp(m, HEAD_MAGIC, 16) != 0 || memcmp(m + 16, &c->key, 8) != 0)
		return;
	struct ptrvec batch = { 0 };	/* records since the last trailer */
	size_t off = c->good > HEAD_LEN ? c->good : HEAD_LEN;
	c->good = off;
	while (c->map_len - off >= END_LEN) {
		uint32_t magic;
		uint64_t len;
		memcpy(&magic, m + off, 4);
		memcpy(&len, m + off + 8, 8);
		if (magic == END_MAGIC) {
			uint64_t check;
			memcpy(&check, m + off + 16, 8);
			if (len != off + END_LEN || check != pc_end_check(c->key, len))
				break;
			off += END_LEN;
			c->good = off;
			for (size_t i = 0; i < batch.len; i++) {
				struct rec *r = batch.items[i];	/* its path: checked below */
				const char *path = (const char *)m + r->off + REC_HEAD + 4;
				strmap_put(&c->arena, &c->recs, path, r);
			}
			batch.len = 0;
			continue;
		}
		if (magic != REC_MAGIC || len < REC_HEAD + 4 || len > c->map_len - off)
			break;
		struct rec *r = arena_alloc(&c->arena, sizeof(*r));
		r->off = off;
		r->len = (size_t)len;
		memcpy(&r->stamp, m + off + 16, 8);
		const char *path;
		size_t at, text_len;
		if (record_text(m + off, r->len, &path, &at, &text_len) < 0)
			break;
		ptrvec_push(&c->arena, &batch, r);
		off += (size_t)len;
	}
}

static char *cache_file(const char *dir, uint64_t key, const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/parse-%016llx%s", dir, (unsigned long long)key, suffix);
	return buf_detach(&b, NULL);
}

static int64_t ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return ns_of(t);
}

static uint64_t cache_key(const char *real, uint64_t program)
{
	size_t limit = load_max_file_size();
	uint64_t key = hash_bytes(hash_str(real), &program, sizeof(program));
	return hash_bytes(key, &limit, sizeof(limit));
}

/* The file at c->path can be read as ours: a cache another user can write
 * could give us any article, so ours alone, as ssh wants of its keys. */
static int ours(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_size >= HEAD_LEN && st->st_uid == geteuid() && !(st->st_mode & 022);
}

static int same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* Whether earlier, a map of path, can serve another build as it is: the
 * file there is still the one mapped, unchanged since (its inode, size and
 * times the same: a write, even through another name, changes the times;
 * another build's append the size; a compaction the inode). Only a map of
 * a file whose times were older than PARSE_CACHE_RACY_NS when it was mapped: a write
 * in the same clock tick as the last one could leave the same times (git's
 * racy entries again); and its times are never taken anew without mapping
 * it anew (bytes written between a look at the times and a later one
 * would be taken as the map's). */
int pc_still_current(const struct parse_cache *earlier, const char *path)
{
	struct stat st;
	int fd = earlier->map && earlier->keepable ? open(path, O_RDONLY | OPEN_FLAGS) : -1;
	int same = fd >= 0 && fstat(fd, &st) == 0 && ours(&st) && st.st_dev == earlier->dev &&
		   st.st_ino == earlier->ino && (size_t)st.st_size == earlier->map_len &&
		   same_time(st.st_mtim, earlier->mtime) && same_time(st.st_ctim, earlier->ctime);
	if (fd >= 0)
		close(fd);
	return same;
}

/* Whether the file c maps anew (st: its stat data, from the descriptor
 * mapped) is prior's map's file with the records prior's build appended,
 * unchanged since: as pc_still_current, by the stat data that build saw
 * after its append (write_pending), and those older than
 * PARSE_CACHE_RACY_NS. Its first bytes are then the ones prior mapped,
 * whose records were checked through that map. */
/* Is st the stat data of c's file as c's own append left it (write_pending)? */
static int as_appended(const struct parse_cache *c, const struct stat *st)
{
	return c->tail_extends_map && st->st_dev == c->tail_dev && st->st_ino == c->tail_ino &&
	       (size_t)st->st_size == c->tail_end && same_time(st->st_mtim, c->tail_mtime) &&
	       same_time(st->st_ctim, c->tail_ctime);
}

static int extended_as_left(const struct parse_cache *prior, const struct stat *st, const struct parse_cache *c)
{
	return prior && c->keepable && as_appended(prior, st);
}

/* The records of prior's map, whose bytes c's map begins with
 * (extended_as_left), taken over as they are: their index moves to c, its
 * keys (the paths, in the map) moved to the new map, each record as checked
 * as it was and used by no build of c's yet (was: where prior's map
 * was); scan then reads only what was appended. */
static void take_records(struct parse_cache *c, struct parse_cache *prior, const unsigned char *was)
{
	c->arena = prior->arena;
	prior->arena = (struct arena)ARENA_INIT;
	c->recs = prior->recs;
	prior->recs = (struct strmap){ 0 };
	for (size_t i = 0; i < c->recs.cap; i++) {
		struct rec *r = c->recs.keys[i] ? c->recs.vals[i] : NULL;
		if (!r)
			continue;
		c->recs.keys[i] = (const char *)c->map + (c->recs.keys[i] - (const char *)was);
		atomic_store(&r->used, 0);
		c->carried += atomic_load(&r->checked) != 0;
	}
	c->good = prior->good;
}

int parse_cache_holds(const struct parse_cache *c, const char *p)
{
	const char *m = c && c->map ? (const char *)c->map : NULL;
	return m && p >= m && p < m + c->map_len;
}

/* Whether the file at c's path is as this process's own append left it
 * (extended_as_left's test, against the file now), those times older than
 * PARSE_CACHE_RACY_NS: the bytes c maps are the file's first bytes, as
 * they were when mapped. */
static int still_as_appended(const struct parse_cache *c)
{
	struct stat st;
	int fd = c->map && c->keepable && c->tail_extends_map ? open(c->path, O_RDONLY | OPEN_FLAGS) : -1;
	int64_t racy = now_ns() - PARSE_CACHE_RACY_NS;
	int same = fd >= 0 && fstat(fd, &st) == 0 && ours(&st) && as_appended(c, &st) && ns_of(st.st_mtim) < racy &&
		   ns_of(st.st_ctim) < racy;
	if (fd >= 0)
		close(fd);
	return same;
}

int parse_cache_still_mapped(const struct parse_cache *c)
{
	return c && c->path && (pc_still_current(c, c->path) || still_as_appended(c));
}

/* earlier, ready for one more build (see parse_cache_open). */
static struct parse_cache *take_over(struct parse_cache *c)
{
	c->gen++;
	atomic_store(&c->hits, 0);
	atomic_store(&c->used_bytes, 0);
	buf_free(&c->pending);
	c->npending = 0;
	c->flushed = 0;
	c->started_ns = now_ns();
	return c;
}

struct parse_cache *parse_cache_open(const char *dir, const char *content_dir, uint64_t program, int fresh,
				     struct parse_cache *earlier)
{
	char *real = dir ? realpath(content_dir, NULL) : NULL;
	uint64_t key = real ? cache_key(real, program) : 0;
	char *path = real ? cache_file(dir, key, ".bin") : NULL;
	free(real);
	int same = earlier && path && !fresh && earlier->path && strcmp(earlier->path, path) == 0 && earlier->key == key;
	if (same && pc_still_current(earlier, path)) {
		free(path);
		return take_over(earlier);
	}
	/* kept until the new map is scanned, should it be earlier's with
	 * earlier's records appended */
	struct parse_cache *prior = same && earlier->tail_extends_map ? earlier : NULL;
	if (!prior)
		parse_cache_free(earlier);
	struct parse_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	atomic_init(&c->hits, 0);
	atomic_init(&c->used_bytes, 0);
	c->gen = 1;
	c->started_ns = now_ns();
	if (!path)
		return c;
	c->key = key;
	c->path = path;
	c->lock_path = cache_file(dir, c->key, ".lock");
	if (fresh)
		return c;	/* --force: everything parsed again (and kept anew) */
	int fd = open(c->path, O_RDONLY | OPEN_FLAGS);
	struct stat st;
	if (fd < 0) {
		parse_cache_free(prior);
		return c;
	}
	if (fstat(fd, &st) == 0 && ours(&st)) {
		c->keepable = ns_of(st.st_mtim) < c->started_ns - PARSE_CACHE_RACY_NS &&
			      ns_of(st.st_ctim) < c->started_ns - PARSE_CACHE_RACY_NS;
		/* prior's map stretched over what was appended, the pages the
		 * last build read still mapped (mapped anew, each record was
		 * faulted in again: 50 ms of an add at 50,000 reports) */
		int extend = extended_as_left(prior, &st, c);
		const unsigned char *was = extend ? prior->map : NULL;
		void *m = extend ? mremap((void *)prior->map, prior->map_len, (size_t)st.st_size, MREMAP_MAYMOVE) : MAP_FAILED;
		if (m != MAP_FAILED) {
			prior->map = NULL;	/* c's now */
			prior->map_len = 0;
		} else {
			m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		}
		if (m != MAP_FAILED) {
			c->dev = st.st_dev;
			c->ino = st.st_ino;
			c->mtime = st.st_mtim;
			c->ctime = st.st_ctim;
			c->map = m;
			c->map_len = (size_t)st.st_size;
			if (extend)
				take_records(c, prior, was);
			pc_scan(c);
		}
	}
	close(fd);
	parse_cache_free(prior);
	return c;
}

struct article *parse_cache_get(struct parse_cache *c, struct arena *a, struct source *s)
{
	if (!c->map || s->bundle)
		return NULL;
	struct rec *r = strmap_get(&c->recs, s->path);
	if (!r || r->stamp != s->stamp)
		return NULL;
	const unsigned char *rec = c->map + r->off;
	const char *path;
	size_t at, text_len;
	uint64_t check;
	memcpy(&check, rec + 24, 8);
	int checked = atomic_load(&r->checked);
	if (record_text(rec, r->len, &path, &at, &text_len) < 0 ||
	    (!checked && check != record_check(rec, r->len, at, text_len)))
		return NULL;
	struct article *art = arena_alloc(a, sizeof(*art));
	art->path = s->path;
	art->src = (const char *)rec + at;
	art->src_len = text_len;
	struct cursor cur = { rec + at + text_len + 1, rec + r->len, 0 };
	if (pc_get_article(&cur, a, art, checked) < 0)
		return NULL;	/* what it allocated stays in the arena: a damaged cache is rare */
	/* sound: its digests need not be read again while the map is kept,
	 * which it is only while the file's bytes are the same (pc_still_current) */
	atomic_store(&r->checked, 1);
	s->data = (char *)art->src;	/* read only, as every article's text is */
	s->len = art->src_len;
	if (atomic_exchange(&r->used, c->gen) != c->gen)
		atomic_fetch_add(&c->used_bytes, r->len);
	atomic_fetch_add(&c->hits, 1);
	return art;
}

void parse_cache_put(struct parse_cache *c, const struct source *s, const struct article *art)
{
	if (!c->path || s->bundle || art->bundle || art->nimages || art->caption_images ||
	    !art->src_digest || s->touched_ns > c->started_ns - PARSE_CACHE_RACY_NS || art->body < art->src || art->body > art->src + art->src_len)
		return;
	struct buf b = BUF_INIT;
	buf_add(&b, (char[REC_HEAD]){ 0 }, REC_HEAD);
	pc_put_str(&b, s->path);
	pc_put_u64(&b, art->src_len);
	size_t at = b.len;
	buf_add(&b, art->src, art->src_len);
	buf_addch(&b, '\0');
	pc_put_article(&b, art);
	uint32_t magic = REC_MAGIC;
	uint64_t len = b.len;
	memcpy(b.data, &magic, 4);
	memcpy(b.data + 8, &len, 8);
	memcpy(b.data + 16, &s->stamp, 8);
	uint64_t check = record_check((const unsigned char *)b.data, b.len, at, art->src_len);
	memcpy(b.data + 24, &check, 8);
	pthread_mutex_lock(&c->lock);
	buf_add(&c->pending, b.data, b.len);
	c->npending++;
	if (c->pending.len > FLUSH_BYTES) {	/* a first build of a large archive: memory stays flat */
		pc_write_pending(c, NULL, 0, 0);
		c->flushed = 1;
	}
	pthread_mutex_unlock(&c->lock);
	buf_free(&b);
}

size_t parse_cache_hits(const struct parse_cache *c)
{
	return atomic_load(&c->hits);
}

int parse_cache_taken_over(const struct parse_cache *c)
{
	return c->gen > 1;
}

size_t parse_cache_carried(const struct parse_cache *c)
{
	return c->carried;
}

void parse_cache_free(struct parse_cache *c)
{
	if (!c)
		return;
	if (c->map)
		munmap((void *)c->map, c->map_len);
	arena_free(&c->arena);
	buf_free(&c->pending);
	pthread_mutex_destroy(&c->lock);
	free(c->path);
	free(c->lock_path);
	free(c);
}
