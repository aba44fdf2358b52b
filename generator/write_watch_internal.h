/* write_watch_internal: what write_watch.c (the watch, its events, the
 * trust, the commit's hook) and write_watch_idle.c (the work between
 * builds) share; not for other modules. See write.h. */
#ifndef WRITE_WATCH_INTERNAL_H
#define WRITE_WATCH_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "buf.h"
#include "localfs.h"
#include "strmap.h"

struct write_watch {
	int fd;			/* inotify's; -1 while not watching */
	int mounts;		/* /proc/self/mountinfo: polls POLLPRI once a mount came or went */
	int refused;		/* never in this process: a file system it cannot vouch for */
	/* not until then (counted in commits): the user's watches ran out */
	unsigned commits, wait_until;
	char *out;		/* the output watched, as the writer names it */
	dev_t dev;		/* its folder */
	ino_t ino;
	uint64_t state;		/* the state's write_file_digest after the last commit */
	struct arena names;	/* the folders' names: keys of dirs, wd_dir's */
	struct strmap dirs;	/* folder ("" the output) → its wd as a pointer-sized number; NULL: none */
	char **wd_dir;		/* wd → its folder, or NULL */
	/* folders left unwatched: more than it may watch, those with the
	 * fewest files (a report's own, of one page) are left to be looked at */
	struct strmap skipped;
	size_t nwd;
	size_t nwatched;
	/* how many times folders were left unwatched (dropped, or the watch
	 * stopped): a folder found watched stays so while it is the same
	 * (write_internal.h, old_watched) */
	uint32_t unwatches;
	/* every folder of the last commit's files is watched: the next commit
	 * need only ask of the files it wrote */
	int complete;
	/* paths an event named since the last commit (they, and all below
	 * them, are looked at): files, asked of by name, apart from folders,
	 * asked of by each folder above a file, which most builds have none
	 * of (61,000 files kept at 10,000 reports, each asked) */
	struct arena suspect_arena;
	struct strmap suspects, suspect_folders;
	/* after a commit, for write_watch_idle: folders to watch, then their
	 * files to look at (struct pending_file) */
	struct arena pending_arena;
	struct strmap pending_seen;	/* folder → 1 + the files of ours it holds */
	struct ptrvec pending_dirs, pending_files;
	int usable;		/* this build may keep files unlooked-at */
	struct write_list *list;	/* the last commit's, for the next writer */
	/* the last commit's staging folder, its old files in it, removed
	 * after the build says it is done (write_watch_defer_cleanup), and
	 * the hold on the output until then when the list does not keep it */
	char *trash;
	int trash_lock_fd;
	const char *stopped;	/* why it stopped last (a literal), or NULL */
	int list_taken;		/* by this build's: 1; its state read: 0; neither (none to trust): -1 */
	atomic_size_t trusted, looked;
	/* the files the last commit wrote or removed, each ended by a NUL
	 * (write_watch_changed); changed_known 0: not known */
	struct buf changed;
	size_t nchanged;
	int changed_known;
	uint64_t changed_from;	/* the output they changed: its digest (writer's found_outputs) */
};

struct pending_file {
	uint64_t digest;
	char rel[];
};

/* Forgets the folders and files a commit left for write_watch_idle. */
void watch_forget_pending(struct write_watch *ww);
/* Stops watching: every watch goes with the descriptor. */
void watch_stop(struct write_watch *ww);
/* The same, saying why (SITEGEN_TIMING shows it while stopped). */
void watch_stop_because(struct write_watch *ww, const char *why);
/* Is rel, or a folder above it, among the paths an event named? */
int watch_is_suspect(const struct write_watch *ww, const char *rel);
/* Has the next build look at path (a folder: and everything below it). */
void watch_suspect(struct write_watch *ww, const char *path, int folder);
int watch_is_watched(const struct write_watch *ww, const char *dir);
/* Drops the watches of the folders named in gone, and of all below them. */
void watch_drop(struct write_watch *ww, const struct strmap *gone);
/* Reads every event queued: what they name becomes suspect. 0, or -1 when
 * the queue overflowed (then nothing is watched any more). */
int watch_drain(struct write_watch *ww);
/* How many folders it may watch. */
size_t watch_allowed(void);

#endif
