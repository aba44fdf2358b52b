/* load_internal.h: what load.c's walk and the content's watch
 * (load_watch.c) share. Not for the other stages. */
#ifndef LOAD_INTERNAL_H
#define LOAD_INTERNAL_H

#include <sys/stat.h>

#include "arena.h"
#include "load.h"

struct load_watch;

/* The names in dir, ignored ones left out, in byte order. Returns an open
 * descriptor of dir, to stat the names from, or -1 with errno set. */
int load_dir_names(struct arena *a, const char *dir, struct ptrvec *names);

/* The walk's side of the watch, in the order the walk calls them. */
/* Reads the events queued since the last walk; the watch starts again when
 * it cannot vouch for what it kept (another root, an overflow, a folder
 * moved or removed, a mount). */
void load_watch_begin(struct load_watch *lw, const char *dir, const struct stat *root);
/* The names of the folder rel ("" the root) when the watch vouches for it
 * (its kept names with those events named added: 1, or 2 when events named
 * some, which may then be gone), else 0. */
int load_watch_names(struct load_watch *lw, struct arena *a, const char *rel, struct ptrvec *names);
/* What stat said of rel, in a folder vouched for, when nothing named it
 * since: 1, *st filled in; else 0 (the walk looks). */
int load_watch_stat(struct load_watch *lw, const char *rel, struct stat *st);
/* The walk looked at e (fstatat from dfd, err in e->err) in a folder vouched
 * for: kept for the next build. Returns 0, or -1 when e is no entry (gone,
 * or an ignored name that is not a folder). */
int load_watch_looked(struct load_watch *lw, int dfd, struct load_entry *e);
/* The folder rel, vouched for, holds names now (after what load_watch_looked dropped). */
void load_watch_set_names(struct load_watch *lw, const char *rel, const struct ptrvec *names);
/* The walk read the folder rel (at path) itself: to be watched between builds. */
void load_watch_walked(struct load_watch *lw, const char *rel);
/* The walk could not read a folder (it says so): the watch starts again
 * after this walk, which may not have seen what the events named there. */
void load_watch_unread(struct load_watch *lw);
/* The walk ended: what the events named is dealt with. */
void load_watch_end(struct load_watch *lw);

#endif
