/* parse_cache_dir: the parse cache's directory (see parse_cache.h), for
 * parse_cache.c: made when missing, and pruned to the caches used last. */
#ifndef PARSE_CACHE_DIR_H
#define PARSE_CACHE_DIR_H

#define CACHES_KEPT 16	/* content directories a cache directory keeps caches of */

/* mkdir -p of the directory holding path. */
void pc_make_dirs(const char *path);
/* Removes the caches (parse-*.bin, with their .lock and .bin.tmp) of the
 * directory holding path but the CACHES_KEPT used last: written (the
 * cache's mtime) or used (its lock file's: parse_cache.c's touch). */
void pc_prune(const char *path);

#endif
