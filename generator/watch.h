/* watch: noticing that the build's inputs changed, for `sitegen serve`.
 *
 * Watches directories with everything below them (content/, the theme) and
 * single files (the config). With inotify: every directory of the trees is
 * watched, folders made, moved in or removed later included, and a file
 * saved by rename (written beside, then renamed over, as vim and most
 * editors do) is seen as the rename into the watched directory. Where
 * inotify cannot be had (no inotify, or out of watches:
 * fs.inotify.max_user_watches) or SITEGEN_WATCH=poll is set, the trees are
 * walked every WATCH_POLL_MS and a fingerprint of what stat says of each
 * entry is compared instead.
 *
 * Names beginning with `.` or ending in `~` are left out, as the loader
 * leaves them out of builds (load.h): an editor's swap or backup file is no
 * change. */
#ifndef WATCH_H
#define WATCH_H

#include <stddef.h>

#include "buf.h"

#define WATCH_POLL_MS 250
#define WATCH_MAX_NAMES 16384

struct watch;

/* Starts watching the directories dirs[0..ndirs) and the file `file`
 * (either may be missing for now). Never fails: it falls back to polling,
 * saying why on stderr. Owned by the caller: watch_close. */
struct watch *watch_open(const char *const *dirs, size_t ndirs, const char *file);

/* Waits at most timeout_ms (-1: no limit) for a change, or until wake_fd
 * (when >= 0) is readable. Returns 1 when an input changed (2 when, as far
 * as inotify tells, the last change finished a file: closed after writing,
 * or renamed into place), 0 when the time ran out or wake_fd became
 * readable, -1 on EINTR. With inotify, the path of
 * every name an event was about (once, whether or not it still exists) is
 * appended to changed_names (when not NULL), each followed by a NUL, until
 * it holds WATCH_MAX_NAMES bytes: then an empty name says others were left
 * out; polling knows no names. */
int watch_wait(struct watch *w, int timeout_ms, int wake_fd, struct buf *changed_names);

/* "inotify" or "polling". */
const char *watch_mode(const struct watch *w);

void watch_close(struct watch *w);

#endif
