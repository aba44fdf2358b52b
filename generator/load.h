/* load: reading the build's input files into memory.
 *
 * The only stage that opens input files. Content files are found by walking
 * the content directory for `*.md` (hidden files and directories are
 * skipped), in byte order of their paths so every build sees them in the same
 * order. Errors (an unreadable file or directory) are reported through diag
 * and the walk goes on. */
#ifndef LOAD_H
#define LOAD_H

#include <stddef.h>

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

/* The names in dir, hidden ones (.*) left out, in byte order, into names
 * (arena strings). Returns 0, or -1 with errno set when dir cannot be read. */
int load_dir_names(struct arena *a, const char *dir, struct ptrvec *names);

/* Finds every `*.md` below dir (stat only, nothing read): *sources is an
 * array in the arena. Returns the count. */
size_t load_list(struct arena *a, struct diag *d, const char *dir, struct source **sources);

#endif
