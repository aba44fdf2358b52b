/* parse_cache: the articles earlier builds parsed, kept between builds.
 *
 * Part of the load and parse stages (article_set.c). Reading, normalising
 * and parsing every content file again is most of what a build after a
 * one-file edit costs at 10,000 reports (0.24 s of 0.7 s): the cache keeps,
 * per file, what parsing made of it (the normalised text and the front
 * matter's fields), keyed by the file's path and stat data (source.stamp:
 * size, mtime, inode, ctime, the test make and the no-op check trust too).
 * A build maps the cache and takes an unchanged file's article from it
 * without opening the file.
 *
 * Only what parses cleanly is kept: a file that gave any message, a page
 * bundle (its images are read with it) or a file changed within the last
 * two seconds (a save in the same clock tick as our read could leave the
 * same stamp on other bytes: git's "racy" entries) is parsed every time.
 * The cache is an optimisation only: a build's output is the same with
 * it, without it, or with a damaged one (every record is checked before use).
 *
 * The file: <cache dir>/parse-<key>.bin, key a digest of the content
 * directory's real path, this program and its libraries, and the file size
 * limit (another binary or limit: another file). Records are appended by a
 * build that parsed something new, under a lock, each batch ending with a
 * trailer that says where good data ends (a build killed while appending
 * leaves a tail the next one cuts off); when most of the file is records
 * nobody uses any more, it is written anew and renamed into place. */
#ifndef PARSE_CACHE_H
#define PARSE_CACHE_H

#include <stdint.h>

#include "arena.h"
#include "load.h"
#include "site.h"

struct parse_cache;

/* Opens the cache of content_dir in dir (NULL: a cache that holds and keeps
 * nothing), for a program whose identity is `program` (inputs_program);
 * fresh: read nothing from it (--force), only keep. Never fails: a cache
 * that cannot be read, or that is not this user's alone (another owner, or
 * writable by others), is empty.
 * earlier: the cache this process's last build used and did not free
 * (serve's kept build process), or NULL. It is taken over when it maps the
 * same file and the file is as it was (inode, size, times: another build's
 * append or compaction, or any write, shows there): its map, index and
 * checked records serve again, where a new map costs the page faults of
 * every record (86 MB at 10,000 reports) and a scan. Else it is freed;
 * when the file is earlier's with the records earlier's build appended,
 * unchanged since (its inode, size and times as that build left them, and
 * older than PARSE_CACHE_RACY_NS), the new map's records that are
 * earlier's are taken as checked if they were: a build after one that
 * appended a record need not read every article's text again to check it
 * (474 MB at 50,000 reports). */
struct parse_cache *parse_cache_open(const char *dir, const char *content_dir, uint64_t program, int fresh,
				     struct parse_cache *earlier);
/* The article parsed earlier from s (same path and stamp), made in a (its
 * text points into the cache, which must outlive it), or NULL. Sets
 * s->data and s->len to its normalised text. Thread-safe. */
struct article *parse_cache_get(struct parse_cache *c, struct arena *a, struct source *s);
/* Remembers art, parsed from s without a message, for the next build
 * (ignored when it may not be kept: see above). Thread-safe. */
void parse_cache_put(struct parse_cache *c, const struct source *s, const struct article *art);
/* Appends what parse_cache_put remembered to the file now (a build that
 * parsed a few files without a whole parse: serve's kept site), never
 * compacting it. */
void parse_cache_flush(struct parse_cache *c);
/* How many articles came from the cache. */
size_t parse_cache_hits(const struct parse_cache *c);
/* Whether the file c maps is still the one mapped, unchanged since (as
 * parse_cache_open takes an earlier map over), or only appended to by this
 * process since (and not within PARSE_CACHE_RACY_NS of now): articles from
 * c's map are still what they were. 0 for NULL. */
int parse_cache_still_mapped(const struct parse_cache *c);
/* A file changed less than this before it was read may change again with
 * the same stat data (a write in the same clock tick, or through a map):
 * neither the cache nor a kept site trusts what was read of it. */
#define PARSE_CACHE_RACY_NS 2000000000LL

/* Whether p points into c's map (an article's text from the cache). */
int parse_cache_holds(const struct parse_cache *c, const char *p);
/* Whether c is an earlier build's, taken over (see parse_cache_open). */
int parse_cache_taken_over(const struct parse_cache *c);
/* How many of c's records were taken as checked from the map of the file
 * before the last build appended to it (see parse_cache_open). */
size_t parse_cache_carried(const struct parse_cache *c);
/* Appends what was put (silent: a cache that cannot be saved is no error).
 * keep_paths: the sources of this build, whose records stay when the file
 * is compacted. */
void parse_cache_save(struct parse_cache *c, const struct source *src, size_t n);
/* Unmaps the cache: after every article taken from it is gone. */
void parse_cache_free(struct parse_cache *c);

#endif
