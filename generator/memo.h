/* memo: what ICU answered in earlier builds, kept between builds.
 *
 * Opening ICU's Han-Latin transliterator takes ~0.2 s and building the
 * search's Traditional→Simplified table ~0.07 s: most of a small build, and
 * spent again on every build for the same answers. The memo keeps those
 * answers (the slug of each name, the table's pairs) in one file in a cache
 * directory, so a build whose names are all known never opens either.
 *
 * The directory: $SITEGEN_CACHE_DIR, else $XDG_CACHE_HOME/sitegen, else
 * $HOME/.cache/sitegen; SITEGEN_CACHE_DIR=off keeps no memo. The file's first
 * line names what its answers depend on (this binary, ICU's and Unicode's
 * versions): a file written by another binary or ICU is ignored, as is one
 * that is unreadable or malformed in any way. The memo is an optimisation
 * only: the output is byte for byte the same with or without it
 * (tests/output.sh), and a memo that cannot be read or saved is never an
 * error. Saved by write-then-rename, so builds at once never see half a
 * file; each adds its answers to what it read (at most MEMO_MAX_SLUGS).
 *
 * A NULL memo knows nothing and keeps nothing. Not thread-safe: load, look
 * up and add from one thread (the index stage adds the slugs its workers
 * made after joining them). */
#ifndef MEMO_H
#define MEMO_H

#include <stddef.h>
#include <stdint.h>

#define MEMO_MAX_SLUGS 100000

struct memo;

/* Reads the memo (an empty one when there is none or it does not fit this
 * binary and ICU). Never NULL. */
struct memo *memo_load(void);
/* How many slugs it holds. */
size_t memo_count(const struct memo *m);
/* The slug made earlier for key ("max:name", as index_slug keys them), or
 * NULL. */
const char *memo_slug(const struct memo *m, const char *key);
/* Remembers a slug for the next build; ignored when key holds a tab or a
 * line break or slug is not [a-z0-9-]. */
void memo_add_slug(struct memo *m, const char *key, const char *slug);
/* The Traditional→Simplified pairs (c, s, c, s …): *n pairs, or NULL. */
const uint32_t *memo_ts(const struct memo *m, size_t *n);
void memo_set_ts(struct memo *m, const uint32_t *pairs, size_t n);
/* The directory the memo is kept in (NULL: none), and a way to keep none:
 * the caller turns it off when that directory is among the build's inputs
 * or its output, where a file of ours must not appear. */
const char *memo_dir_of(const struct memo *m);
/* The cache directory as the environment names it (above), malloc'd, or
 * NULL for none: where the parse cache (parse_cache.h) is kept too. */
char *memo_cache_dir(void);
void memo_off(struct memo *m);
/* Writes the memo when something was added since it was read; silent. */
void memo_save(struct memo *m);
void memo_free(struct memo *m);

#endif
