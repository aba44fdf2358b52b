/* build_said: what a build said, for a build that finds nothing changed.
 *
 * `make site` twice said no warning the second time, as if they were gone.
 * A build that ends well keeps the messages it said from its parse on (the
 * config's and the content listing's are said by every build, before it
 * knows whether anything changed) in the cache directory (memo.h), one
 * file an output, with the inputs' fingerprint they were said for (the
 * messages are the inputs' and the options', which it covers); a build that
 * finds nothing changed says them again when the fingerprint is its own.
 * The file is ours alone: written 0600 from the start, read only when it
 * is a regular file of ours nobody else may write (its bytes go to the
 * terminal as they are). A cache: a file that cannot be had is no error.
 * Owned by build.c. */
#ifndef BUILD_SAID_H
#define BUILD_SAID_H

#include <stdint.h>

#include "buf.h"
#include "diag.h"

/* The file in cache_dir for the output out (malloc'd), or NULL when out
 * cannot be resolved. */
char *build_said_path(const char *cache_dir, const char *out);
/* Keeps said for the inputs fp at path (NULL: nothing). */
void build_said_keep(const char *path, uint64_t fp, const struct buf *said);
/* Says again through d what path keeps, when it was kept for fp. */
void build_said_again(const char *path, struct diag *d, uint64_t fp);

#endif
