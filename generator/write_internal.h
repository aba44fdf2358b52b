/* write_internal: what write.c, write_state.c, write_list.c and the writer's
 * other files share; not for other modules. */
#ifndef WRITE_INTERNAL_H
#define WRITE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"
#include "diag.h"
#include "strmap.h"
#include "write.h"

#define STAGING_DIR ".staging"
/* A full disk fails every page after the first: the first few say so. */
#define WRITE_ERRORS_SHOWN 5

/* write_kept.c: the directories of the files being checked for keeping,
 * kept open for the files that follow (a few at once: the earlier build's
 * list takes search/'s d/, g/ and p/ in turns). One per thread at a
 * time: the writer keeps them for the build's next checks (kept_dirs_take). */
#define KEPT_DIRS 6
#define KEPT_POOL 64
struct kept_dirs {
	struct buf path[KEPT_DIRS];	/* a directory below the output; "" is the output */
	int fd[KEPT_DIRS];		/* -1: not a real directory below the output */
	int open[KEPT_DIRS];		/* path and fd are set */
	unsigned long used[KEPT_DIRS];	/* when each was last used: the oldest is reused */
	unsigned long clock;
	struct buf last_miss;		/* the directory of the last file found without its own slot */
	/* the last folder asked of the output's watch, and its answer (the
	 * search index's 38,000 files at 10,000 reports are in three) */
	struct buf watch_dir;
	int watch_dir_known, watch_dir_watched;
	int root;			/* the output's descriptor, which the caller holds open */
};
struct writer {
	char *out;		/* the output directory */
	char *staging;		/* out/.staging, as messages name it */
	/* The staging folder this build made, open: pages are written into it,
	 * and moved out of it, through this descriptor, never through its
	 * name, which anyone who may write to the output can point elsewhere
	 * while the build runs. -1 when pages go straight in (direct). */
	int staging_fd;
	struct diag *d;
	/* An output directory that was empty or missing has no previous
	 * output to keep: pages go straight in, and an abort empties it again. */
	int direct, created;
	pthread_mutex_t lock;	/* guards the sets and lists below */
	/* every path this build produced (keys: the entries' rel; values: the
	 * struct write_entry), in paths_arena */
	struct strmap paths;
	struct arena paths_arena;
	/* paths staged for commit */
	char **staged;
	size_t nstaged, staged_cap;
	struct write_stats stats;
	/* serve's build process (watch set): the old files this commit
	 * removed, each ended by a NUL, for write_watch_changed */
	struct buf removed;
	size_t nremoved;
	/* the output's digest as the earlier state (or list) said it when the
	 * build began; 0: not known. For write_watch_changed: the files the
	 * commit changed are all that changed since that output. */
	uint64_t found_outputs, found_inputs;
	size_t failed_writes;	/* past WRITE_ERRORS_SHOWN, counted, not each reported */
	uint64_t digest;	/* of every file put, as digest_tree would find it */
	int lock_fd;		/* the output directory, flock'ed for the whole build */
	int commit_fd;		/* the commit lock (write_lock.c), once taken */
	/* What earlier builds wrote (WRITE_STATE's list): the only files a
	 * build may remove. all_ours: the directory was empty when the build
	 * that left it began (and was stopped): its files are not listed, and
	 * cannot be told from any the user put there since (write_commit.c). */
	char **old_files;
	uint64_t *old_digests;	/* each old file's write_file_digest as that build left it; 0: not known */
	size_t nold;
	int all_ours;
	/* The earlier build's state was complete (its commit ended): its
	 * digests and its extra section (writer_state_extra) can be trusted. */
	int old_complete;
	/* It lists the files of ours (complete, or a commit's that did not
	 * end): what is not listed is the user's. */
	int old_listed;
	int old_state_read;		/* old_state holds the state's bytes (whatever they say) */
	int old_state_missing;		/* there was none */
	struct strmap old_index;	/* old file → its position + 1 (as a pointer-sized number) */
	struct arena old_arena;		/* old_index's */
	/* What this build does with each old file, by position: OLD_KEPT, kept
	 * as it stands (not in paths: a body edit's rebuild at 10,000 reports
	 * keeps 100,000 files, and a copy, a lookup and an insertion each cost
	 * it 7% of its time), OLD_PUT, made this build (in paths), or 0. */
	unsigned char *old_mark;
	/* By position: 1 + the output watch's `unwatches` when the file's
	 * folder was found watched (0: not known). Kept with the list from one
	 * build to the next (struct write_list), whose positions are the same:
	 * at 50,000 reports, a lookup of each kept page's folder was ~9% of a
	 * body edit's build. */
	uint32_t *old_watched;
	/* The earlier state as read: old_files and old_extra point into it. */
	struct buf old_state;
	/* Or, in serve's build process, the list the last commit left
	 * (struct write_list): old_state then holds only the paths, and
	 * old_extra is old_extra_own's; the state to put back is made anew. */
	int old_taken;
	struct buf old_extra_own;
	uint64_t old_inputs, old_outputs;
	uint64_t old_list_number;	/* which list old_files is (writer_old_list_number) */
	unsigned char *old_safe;	/* by old file: write_rel_is_safe of its name, made with the list */
	/* by old file: a suspect of the watch (writer_use_watch); NULL when
	 * suspects are asked by name (a folder among them, or no watch) */
	unsigned char *old_suspect;
	const char *old_extra;		/* its extra section (writer_state_extra), */
	size_t old_extra_len;		/* up to the state's end line */
	struct buf extra;		/* the extra section to write */
	/* The output's directories seen to be real directories (not links)
	 * while pages are made, before the commit changes anything: a page
	 * reached through a link is written again, never taken as unchanged
	 * (the commit replaces the link with a real directory). Found path by
	 * path as pages need them (write_crosses_link), not by a walk of the
	 * whole output, which cost a rebuild after one edit 0.15 s at 10,000
	 * reports. */
	struct strmap real_dirs;
	struct arena real_dirs_arena;
	pthread_mutex_t real_dirs_lock;
	/* the kept_dirs free for a thread's checks, up to KEPT_POOL (under lock);
	 * closed before the commit changes the directories they hold */
	struct kept_dirs *kept_pool[KEPT_POOL];
	size_t nkept_pool;
	/* A check's writer (writer_open_dry): nothing written; link targets
	 * (site-relative paths) → the first page linking to them, in paths_arena. */
	int dry;
	struct strmap link_targets;
	const char *link_base;		/* base_url's path as a site path's prefix: "archive/" */
	const char *link_base_shown;	/* as written: "/archive/" */
	size_t pages;
	/* serve's build process: its watch on the output (write_watch.c), or NULL */
	struct write_watch *watch;
	/* files offered so far: read by the progress line without the lock,
	 * which would order it against diag's (see writer_count) */
	atomic_size_t offered;
};

enum { OLD_KEPT = 1, OLD_PUT = 2 };

/* What a commit in serve's build process leaves for its next build (the
 * write watch holds it between builds): the list of files its state holds,
 * with their digests, as the next writer would have read and indexed them
 * from the state (at 10,000 reports, 100,000 lines parsed and indexed: 5% of
 * a body edit's build). Only when none of the earlier build's files was
 * removed: files new to the build are appended (write_list.c). */
struct write_list {
	struct buf names;	/* the paths, NUL-ended: files point into it */
	char **files;
	uint64_t *digests;
	uint32_t *watched;	/* as old_watched */
	size_t n;
	struct strmap index;	/* as old_index */
	struct arena index_arena;
	struct buf extra;	/* the state's extra section */
	uint64_t inputs, outputs;	/* its fingerprints */
	uint64_t number;		/* the writer's old_list_number, passed on */
	unsigned char *safe;		/* as old_safe */
	/* whose: the output (its name, its folder) and the state's
	 * write_file_digest once written */
	char *out;
	dev_t dev;
	ino_t ino;
	uint64_t state;
	/* a commit whose state is still to write (write_watch_state_pending):
	 * the output's lock, held until it is written, or -1 */
	int lock_fd;
};
/* The list w's commit leaves, taken out of w (which is freed next): the
 * earlier build's files in their places, those new to this build after
 * them; NULL when one of the earlier build's is gone (removed). */
struct write_list *write_list_leave(struct writer *w, uint64_t inputs);
/* Does the build lock taken ahead (writer_lock_ahead) hold the directory
 * open as dir_fd? */
int write_ahead_holds(int dir_fd);
/* w's earlier state from l (freed): as write_read_old_files would read it. */
void write_list_take(struct writer *w, struct write_list *l);
void write_list_free(struct write_list *l);
/* In writer_open (which holds the output's lock): the list the watch
 * keeps, taken into w when the state is still the file its commit wrote
 * (the same inode, size and times: any other build's commit, or an editor's
 * save, makes another); 1 when taken, 0 when the state is to be read. */
int write_watch_take_list(struct write_watch *ww, struct writer *w);
/* After a commit that wrote its state: keeps w's list for the next build. */
void write_watch_keep_list(struct write_watch *ww, struct writer *w, uint64_t inputs);
/* Instead of writing the state, in a commit whose files are the earlier
 * state's (write_list_same_files; a body edit's), after
 * write_watch_committed: keeps w's list, and w's hold on the output, for
 * write_watch_write_state. */
void write_watch_defer_state(struct write_watch *ww, struct writer *w, uint64_t inputs);
/* Instead of removing w's staging folder (the files the commit replaced,
 * thousands after a report is added), at the end of a commit that went
 * well, after write_watch_committed: keeps its name, and w's hold on the
 * output unless the list took it, for write_watch_write_state. */
void write_watch_defer_cleanup(struct write_watch *ww, struct writer *w);
/* Whether w's files are the earlier state's, each old one kept or made
 * again and nothing else made: then the commit's state may be written once
 * the build has said it is done (write_commit.c). */
int write_list_same_files(const struct writer *w);
/* WRITE_STATE of l's output, as the commit that left l would have written
 * it (its files in the list's order). 0, or -1 with errno. */
int write_state_of_list(const struct write_list *l);
/* Does this process's watch need its state read (writer_use_watch)? */
void writer_use_watch(struct writer *w, struct write_watch *ww);

/* A path of the build's set, with its part of the output digest. */
struct write_entry {
	uint64_t digest;
	char rel[];
};
#define write_entry_of(key) ((struct write_entry *)((char *)(key) - offsetof(struct write_entry, rel)))
/* Adds path to the build's set (the caller holds the lock): its copy there,
 * or NULL when the build has it already. */
char *write_set_add(struct writer *w, const char *path);
/* old file rel's position, or -1. */
long write_old_position(const struct writer *w, const char *rel);

/* Does the way to rel in the output pass anything but real directories
 * (a link, a file, nothing)? With remember, the real ones are remembered:
 * for while pages are made, not during the commit, which changes them.
 * Thread-safe. */
int write_crosses_link(struct writer *w, const char *rel, int remember);
/* The same without a writer (nothing remembered), below out. */
int write_crosses_link_below(const char *out, const char *rel);

/* A kept_dirs for one thread's checks (the caller does not hold the lock),
 * and back to the writer when done (the caller holds the lock, or not:
 * locked says which). */
struct kept_dirs *kept_dirs_take(struct writer *w);
void kept_dirs_give_back(struct writer *w, struct kept_dirs *kd, int locked);
/* Closes and frees them all: before the commit, and in write_free. */
void kept_dirs_close_all(struct writer *w);
/* A kept_dirs of one's own, for a check without a writer (writer_is_current):
 * root is the output's descriptor; release closes what it opened. */
void kept_dirs_init(struct kept_dirs *kd, int root);
void kept_dirs_release(struct kept_dirs *kd);
/* rel's lstat when every folder on its way is a real directory below out
 * (kd's root); -1 otherwise. */
int write_stat_below(struct kept_dirs *kd, const char *out, const char *rel, struct stat *st);
/* rel's lstat, when every folder on its way is a real directory below the
 * output; -1 otherwise. */
int write_stat_kept(struct writer *w, struct kept_dirs *kd, const char *rel, struct stat *st);
/* rel opened for reading the same way, or -1. */
int write_open_kept(struct writer *w, struct kept_dirs *kd, const char *rel);
/* rel created for writing (emptied when there), through real folders below
 * the output alone, the missing ones made: a page of a build into an empty
 * output (write.c). The descriptor, or -1 with errno. */
int write_create_kept(struct writer *w, struct kept_dirs *kd, const char *rel);

/* a/b, malloc'd */
char *write_join(const char *a, const char *b);
/* One file's part of the output digest: its path, size, mtime, inode and ctime. */
uint64_t write_file_digest(const char *rel, const struct stat *st);
/* Is rel a path the writer may touch (relative, no .., allowed characters)? */
int write_rel_is_safe(const char *rel);
/* Is path this build's (made, or an old file kept)? */
int write_set_has(const struct writer *w, const char *path);

/* Frees w and what it holds (no file is touched). */
void write_free(struct writer *w);
/* rm -r of path (a file or a directory); 0, or -1 when something stayed. */
int write_remove_tree(const char *path);
/* rm -r of name in the folder open as dir_fd, through descriptors. */
int write_remove_tree_at(int dir_fd, const char *name);
/* The folder dir (relative; "" is root itself) below the folder open as
 * root, opened (O_PATH) through real folders alone: a link anywhere on the
 * way, or a way out, fails it (ELOOP, ENOTDIR or EXDEV; ENOENT when one is
 * missing). -1 with errno. */
int write_open_beneath(int root, const char *dir);
/* The same, making the missing folders on the way (mkdirat, each in the
 * folder found real before it); *made (when 0) becomes the length of dir's
 * prefix up to the first folder made. */
int write_make_dirs_beneath(int root, const char *dir, size_t *made);
/* Empties the directory open as dir_fd (the output, as the build locked
 * it: not its path, which someone may have pointed elsewhere meanwhile),
 * keeping it (its mode, owner, and what a symlink to it points at stay as
 * they were). */
void write_remove_contents(int dir_fd);
int write_dir_is_empty(const char *path);
/* mkdir -p for the directory holding path (not path itself); _at: path
 * relative to the folder open as dir_fd (or AT_FDCWD). */
int write_make_parents(char *path);
int write_make_parents_at(int dir_fd, char *path);
/* write_whole_file (write.h) of path relative to the folder open as dir_fd. */
int write_whole_file_at(int dir_fd, char *path, const char *data, size_t len, struct stat *st);
/* The same into fd, open for writing (-1: fails at once), which it closes. */
int write_fd_whole(int fd, const char *data, size_t len, struct stat *st);
/* write_links.c: keeps the link targets of a check's HTML page
 * (the caller does not hold the lock). */
void write_note_links(struct writer *w, const char *rel, const char *data, size_t len);

/* write_lock.c: takes out_dir's commit lock (write_read_lock) for
 * writing, waiting for its readers. Returns its descriptor, or -1 when it
 * cannot be had (the commit goes on without it). */
int write_commit_lock(const char *out_dir);

/* write_watch.c: may old file k be kept as the earlier build left it
 * without a look (thread-safe)? Counts the answer. */
int write_watch_trusts(struct write_watch *ww, const struct writer *w, size_t k, struct kept_dirs *kd);
/* After a commit whose state was written (w->watch set): the files of w's
 * set whose folders are not watched yet, for write_watch_idle. */
void write_watch_committed(struct writer *w);
/* Keeps the names of the files w's commit wrote and removed, for
 * write_watch_changed (write_changed.c). */
void watch_note_changed(struct writer *w);

/* write_commit.c and write_way.c: the commit. */
/* The commit's plan, made before the first rename so that nothing it does
 * then needs memory (running out there would stop it halfway): for each
 * staged file its source, target and backup; and the old entries that
 * stand where this build needs a directory, moved aside first. Everything
 * the commit replaces or moves aside waits in .staging/.old until the
 * commit is done, so that a failure can put all of it back. Staged files
 * and backups are named relative to the staging folder's descriptor
 * (w->staging_fd), never through its name. */
struct commit {
	char **to, **bak;
	int *kept;		/* to's old entry is at bak */
	size_t *made;		/* the length of the shortest folder of the staged path's that the move made; 0: none */
	/* the folder of the last move's target, open through real folders
	 * (write_open_beneath), and its path below the output */
	int dir_fd;
	char *dir;
	char **aside, **aside_bak;	/* moved out of the way, to put back */
	size_t naside;
};
/* A backup's name below the staging folder: .old/<kind><i>. malloc'd. */
char *commit_old_path(const char *kind, size_t i);
/* rel's folder below the output, opened through real folders only
 * (write_open_beneath of the locked output), and rel's last name in *name.
 * -1 with errno. */
int write_open_parent(const struct writer *w, const char *rel, const char **name);
/* Why a folder could not be opened through real folders alone. */
const char *write_way_error(int e);
/* write_way.c: the staged files in the order of their paths (malloc'd);
 * 0, or -1 after a diag error naming the first file of the user's where a
 * staged file goes; 0, or -1 after a diag error when a file stands where a
 * folder goes that cannot be moved aside (the commit's c->aside). */
size_t *commit_staged_in_order(const struct writer *w);
int commit_nothing_of_users_in_way(struct writer *w, const size_t *order);
int commit_clear_the_way(struct writer *w, struct commit *c, const size_t *order);

/* write_state.c */
/* Puts back the earlier build's state (old_state, as read, whatever it
 * said; or none, when there was none) after a commit that was undone, so
 * that the next build starts from what this one did. Ends w's use of
 * old_files. 0, or -1 (the state stays the commit's: a full render next). */
int write_state_restore(struct writer *w);
/* Reads WRITE_STATE's list of files (or "incomplete") into w. */
void write_read_old_files(struct writer *w);
/* Replaces WRITE_STATE atomically: fingerprints, then w's files (with
 * `also`, the earlier build's too), or "incomplete" when w is NULL. */
int write_state_files(const char *out, int dir_fd, uint64_t inputs, uint64_t digest, const struct writer *w, int also);
int write_state(const char *out, int dir_fd, uint64_t inputs, uint64_t digest, const struct writer *w);
/* Calls each(ctx, rel, digest) for every file out's WRITE_STATE lists (digest
 * 0: not known) until it returns non-zero. -1 when there is no state, or a
 * damaged one. */
int write_state_each_file(const char *out, int (*each)(void *ctx, const char *rel, uint64_t digest), void *ctx);
/* Reads a state file into b: -1 when it is missing, not a regular file or too large. */
int write_load_state(const char *path, struct buf *b);

#endif
