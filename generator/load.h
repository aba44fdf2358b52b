/* load: reading the build's input files into memory.
 *
 * The only stage that opens input files. Directories are walked in one way
 * (load_tree):
 *  - names beginning with `.` or ending in `~` (hidden files, `.git/`, editor
 *    lock, swap and backup files) are ignored everywhere, without a word;
 *  - each directory's names are taken in byte order, so every build sees the
 *    same files in the same order;
 *  - symbolic links are followed, except one that leads back to a directory
 *    on the way to it (a loop), which is reported and skipped.
 * Errors are reported through diag where one is given, and the walk goes on. */
#ifndef LOAD_H
#define LOAD_H

#include <stddef.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"

struct source {
	const char *path;	/* as given: content/2022/x.md */
	char *data;		/* NUL-terminated, owned by the arena; NULL until read */
	size_t len;
	/* what stat said, for telling whether anything changed since a build */
	long long size, mtime_ns, ino;
};

/* Reads a whole file into out (replacing its content). Returns 0, or -1 with
 * errno set. */
int load_file(const char *path, struct buf *out);

/* Reads a whole file into the arena (NUL-terminated), without the copy a
 * buf would need. Returns 0, or -1 with errno set. */
int load_file_arena(struct arena *a, const char *path, char **data, size_t *len);

/* True for a name load ignores: `.x`, `x~`. */
int load_is_ignored(const char *name);

/* The names in dir, ignored ones left out, in byte order, into names (arena
 * strings). Returns 0, or -1 with errno set when dir cannot be read. */
int load_dir_names(struct arena *a, const char *dir, struct ptrvec *names);

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
 * be read is an error. Returns the count. */
size_t load_list(struct arena *a, struct diag *d, const char *dir, struct source **sources);

#endif
