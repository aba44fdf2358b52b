/* load_watch: serve's build process watches the content between builds, so
 * that a build takes what it knew of each file nothing has touched since
 * instead of looking at it again: at 10,000 reports the walk's stats were
 * ~0.03 s of a body edit's 0.2 s, at 50,000 ~0.16 s (see load_watch.c for
 * why a file may be taken unlooked-at, and what is always looked at).
 *
 * The walk (load_list_watched) reads the watch's events first; what they name
 * is looked at, and so is every folder the watch does not vouch for yet. The
 * entries it gives are a plain walk's, in the same order. */
#ifndef LOAD_WATCH_H
#define LOAD_WATCH_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "load.h"

struct load_watch;

struct load_watch *load_watch_new(void);
void load_watch_free(struct load_watch *lw);

/* load_list with lw (NULL: load_list itself). */
size_t load_list_watched(struct arena *a, struct diag *d, const char *dir, struct source **sources,
			 struct load_watch *lw);

/* Between builds: watches the folders the last walk looked at itself and
 * takes what they hold, then looks at every file it vouches for again (for
 * what inotify does not report: a write through a memory map). Stops when
 * stop_fd is readable (the next build is asked for). */
void load_watch_idle(struct load_watch *lw, int stop_fd);

/* The last walk's entries: taken from the watch, looked at. */
void load_watch_counts(const struct load_watch *lw, size_t *taken, size_t *looked);

#endif
