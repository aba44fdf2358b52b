/* parse_cache_internal: what parse_cache.c (the file's format, reading it,
 * taking records) and parse_cache_save.c (appending and compacting) share.
 * Outside them only parse_cache.h is used. */
#ifndef PARSE_CACHE_INTERNAL_H
#define PARSE_CACHE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "parse_cache.h"
#include "strmap.h"

#define HEAD_MAGIC "sitegen-parse 1\n"
#define HEAD_LEN (16 + 8)
#define REC_MAGIC 0x43525053u	/* "SPRC" */
#define END_MAGIC 0x444e4553u	/* "SEND" */
#define REC_HEAD 32
#define END_LEN 24
#define COMPACT_SLACK ((size_t)4 << 20)
#define FLUSH_BYTES ((size_t)8 << 20)	/* what is put is written when it passes this */
/* Never through a link at the file itself (the directory may be one), never
 * blocked by a FIFO put in its place. */
#define OPEN_FLAGS (O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)

struct rec {
	size_t off, len;
	uint64_t stamp;
	atomic_uint used;	/* the cache's gen when a build took it */
	atomic_int checked;	/* its check read once in this map (see parse_cache_open) */
};

struct parse_cache {
	char *path, *lock_path;	/* NULL: keeps nothing */
	uint64_t key;
	const unsigned char *map;	/* the file as it was opened */
	size_t map_len, good;
	dev_t dev;
	ino_t ino;
	struct timespec mtime, ctime;	/* of the file mapped */
	int keepable;			/* the map may serve another build (see parse_cache_open) */
	unsigned gen;			/* the builds that used this map, this one included */
	struct arena arena;
	struct strmap recs;		/* path (in the map) → struct rec */
	pthread_mutex_t lock;
	struct buf pending;		/* records put, serialised */
	size_t npending;
	int64_t started_ns;
	int flushed;			/* pending was written during the build */
	dev_t tail_dev;			/* the file as this build last left it: */
	ino_t tail_ino;			/* its good data ends at tail_end */
	size_t tail_end;
	struct timespec tail_mtime, tail_ctime;
	int tail_extends_map;		/* it is the map's file, as mapped, with records appended */
	size_t carried;			/* records taken checked from the last build's map (scan) */
	atomic_size_t hits;
	/* the lengths of the records this gen's build took (parse_cache_get):
	 * the live part of the file, for parse_cache_save's choice to compact
	 * (found by looking every source up: 15 ms a build at 50,000) */
	atomic_size_t used_bytes;
};

/* The check of a trailer ending at end. */
uint64_t pc_end_check(uint64_t key, uint64_t end);
/* Reads c's map's records, from c->good on, up to the last good trailer. */
void pc_scan(struct parse_cache *c);
/* Is the file at path still the one earlier mapped, with only what this
 * process appended after it? */
int pc_still_current(const struct parse_cache *earlier, const char *path);
/* Writes the records put (appended, or with the live ones of src a new
 * file when compacting). */
void pc_write_pending(struct parse_cache *c, const struct source *src, size_t n, int compacting);

#endif
