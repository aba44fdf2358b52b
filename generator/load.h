/* load: reading the build's input files into memory.
 *
 * The only stage that opens input files. Directories are walked in one way
 * (load_tree) and files read in one way (load_file, load_file_arena):
 *  - names beginning with `.` or ending in `~` (hidden files, `.git/`,
 *    editors' lock, swap and backup files), and files (not folders) named
 *    `#…#` (Emacs' autosaves), are ignored everywhere, without a word
 *    (load_name_kind);
 *  - each directory's names are taken in byte order, so every build sees the
 *    same files in the same order;
 *  - symbolic links are followed, except one that leads back to a directory
 *    on the way to it (a loop), which is reported and skipped;
 *  - only regular files are read (a FIFO would block, a device never end),
 *    and none larger than the limit (load_set_max_file_size).
 * Errors are reported through diag where one is given, and the walk goes on. */
#ifndef LOAD_H
#define LOAD_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"

struct source {
	const char *path;	/* as given: content/2022/x.md */
	char *data;		/* NUL-terminated, owned by the arena; NULL until read */
	size_t len;
	/* what stat said (load_stat_hash), for telling whether anything
	 * changed since a build */
	uint64_t stamp;
	int64_t touched_ns;	/* the later of its mtime and ctime (parse_cache.h) */
	/* A page bundle's index.md (content/2022/x/index.md): its folder, and a
	 * hash of the paths and stat data of everything else in it (its images
	 * are inputs too); NULL and 0 for a plain .md file. */
	const char *bundle;
	uint64_t bundle_stamp;
};

/* The default largest input file (article, template, config, asset). */
#define LOAD_MAX_FILE_SIZE_DEFAULT ((size_t)8 << 20)

/* Sets the largest file the readers accept, for the whole process: call it
 * before any thread reads. */
void load_set_max_file_size(size_t bytes);
size_t load_max_file_size(void);
/* Parses a size for --max-file-size: bytes, or a number followed by K, M or
 * G (KiB, MiB, GiB). Returns 0, or -1 when s is not such a size. */
int load_parse_size(const char *s, size_t *bytes);

/* Folds name and what stat said of it into h: size, modification and
 * change times, inode (ctime too: an edit that kept the size and put the
 * mtime back still changes it). st NULL: a name stat could not see. The
 * one fingerprint of an input file, for telling whether it changed. */
uint64_t load_stat_hash(uint64_t h, const char *name, const struct stat *st);

/* The errno values the readers set beyond the system's own. */
#define LOAD_ENOTREG EMEDIUMTYPE	/* not a regular file */
#define LOAD_ETOOBIG EFBIG		/* larger than the limit */
#define LOAD_ECHANGED EAGAIN		/* grew while it was read */

/* Reads the whole regular file at path into out (replacing its content).
 * Returns 0, or -1 with errno set; load_strerror says why in words. Opens
 * without blocking, so a FIFO fails at once. */
int load_file(const char *path, struct buf *out);

/* The same into the arena (NUL-terminated), without the copy a buf would
 * need. */
int load_file_arena(struct arena *a, const char *path, char **data, size_t *len);

/* Why a reader failed on path with errno err, for a message: strerror, or
 * our own words for the LOAD_E* values (naming the limit, or what kind of
 * file path is instead of a regular one). Owned by the arena. */
const char *load_strerror(struct arena *a, const char *path, int err);

/* Whether a walk leaves name out (see above): serve's watch (watch.c) leaves
 * out the same names. */
enum load_name { LOAD_NAME_KEPT, LOAD_NAME_IGNORED, LOAD_NAME_IGNORED_IF_FILE };
enum load_name load_name_kind(const char *name);

struct load_entry {
	const char *path;	/* dir/rel */
	const char *rel;	/* below the walked directory: 2022/x.md */
	const char *name;	/* the last part of rel */
	int err;		/* stat's errno (a dangling link), or 0 */
	struct stat st;		/* what stat said (links followed) when !err */
};

/* Every entry below dir, depth first, each directory's names in byte order,
 * directories listed before what they hold: *entries (struct load_entry *,
 * in the arena). A directory that cannot be read is reported as an error and
 * a link back to a directory on the path as a warning, when d is not NULL;
 * both are skipped. Returns 0, or -1 with errno set when dir itself cannot
 * be read (nothing reported). */
int load_tree(struct arena *a, struct diag *d, const char *dir, struct ptrvec *entries);

/* Finds every `*.md` below dir (stat only, nothing read): *sources is an
 * array in the arena. Another file is a warning ("not a .md file") and a
 * `.md` that is no regular file is skipped quietly (a FIFO); one that cannot
 * be read or is larger than the limit is an error. Returns the count.
 *
 * A folder below dir that holds an `index.md` is a page bundle: that file
 * is its article (source->bundle), and everything else in the folder and
 * below belongs to it: images (bundle.h) without a word, another `.md` with
 * a warning that it is no article, any other file with the usual one. The
 * outermost such folder wins; dir itself is never a bundle. */
size_t load_list(struct arena *a, struct diag *d, const char *dir, struct source **sources);

/* Reads the file rel inside the page bundle folder `bundle` into the arena,
 * as load_file_arena does; a symbolic link that leads out of the folder is
 * refused with errno EXDEV (rel itself must hold no `..`: bundle.c checks). */
int load_bundle_file(struct arena *a, const char *bundle, const char *rel, char **data, size_t *len);

#endif
