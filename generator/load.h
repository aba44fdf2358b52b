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
	char *data;		/* NUL-terminated, owned by the arena */
	size_t len;
};

/* Reads a whole file into out (replacing its content). Returns 0, or -1 with
 * errno set. */
int load_file(const char *path, struct buf *out);

/* Reads every `*.md` below dir into *sources (a NULL-free array in the arena).
 * Returns the count. */
size_t load_content(struct arena *a, struct diag *d, const char *dir, struct source **sources);

#endif
