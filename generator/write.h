/* write: putting a build's pages into the output directory, all or nothing.
 *
 * The only stage that writes files. Pages are compared with what the output
 * directory already holds: an identical page is left alone (its file is not
 * touched), a new or changed one goes to a staging directory inside the
 * output directory. writer_commit() then renames the staged files into place
 * and removes every file the build did not produce, so the output holds
 * exactly this build's files; writer_abort() removes the staging directory
 * and leaves the previous output exactly as it was.
 *
 * Safety: relative paths with `..`, a leading `/` or characters outside
 * [A-Za-z0-9._/-] are refused, so nothing is written outside the output
 * directory; and an existing, non-empty directory is only used as output when
 * it holds the marker file WRITE_MARKER that an earlier build left, so that a
 * mistyped OUT= can never sweep away somebody's files. */
#ifndef WRITE_H
#define WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define WRITE_MARKER ".sitegen-output"
/* What the last build read and left: lets the next one see it has nothing to do. */
#define WRITE_STATE ".sitegen-state"

struct writer;

struct write_stats {
	size_t written, unchanged, removed;
};

/* Prepares out_dir (created when missing). Returns NULL after a diag error.
 * ww: serve's build process's watch on the output (below), or NULL. */
struct write_watch;
struct writer *writer_open(const char *out_dir, struct diag *d, struct write_watch *ww);
/* Offers one file. Returns 0, or -1 after a diag error. */
int writer_put(struct writer *w, const char *rel, const char *data, size_t len);
/* The same, for a file the caller knows has other bytes than the one there
 * (a search shard patched: read, and a list in it changed): written without
 * reading the one there first. */
int writer_put_new(struct writer *w, const char *rel, const char *data, size_t len);
/* Makes the staged files live and removes stale ones; records `inputs` (see
 * inputs.h) with a digest of the output's files in WRITE_STATE; frees w.
 * Returns 0; -1 when it failed and the previous files are back in place
 * (the state then makes the next build render everything); -2 when it
 * failed and could not put all of them back; -3 when every file is this
 * build's but the state could not be written. */
int writer_commit(struct writer *w, struct write_stats *stats, uint64_t inputs);
/* The inputs the earlier build's state records (0: not known): a build
 * whose inputs and files are its own changed nothing. */
uint64_t writer_found_inputs(const struct writer *w);
/* A process that builds into one output again and again (serve's build
 * process) may watch it between builds (write_watch.c): a build then keeps
 * the files nothing has touched since the last without looking at each
 * (61,000 lstats at 10,000 reports). write_watch_idle, between builds, sets
 * the watches the last commit needs and looks at the files they cover, then
 * at every file again (what inotify cannot see: a hard link's writes);
 * writer_open given the watch has w keep by it, and take the list of files
 * the last commit left instead of reading the state again (when nothing
 * has touched the state since). Where
 * it cannot vouch for a file (an overflow, another file system, watches run
 * out, a state changed by someone else) the file is looked at as before. */
struct write_watch *write_watch_new(void);
void write_watch_free(struct write_watch *ww);
/* stop_fd: readable once the next build is wanted (the idle work stops) */
void write_watch_idle(struct write_watch *ww, int stop_fd);
/* A commit whose files were the earlier build's (a body edit's) leaves its
 * state unwritten and the output locked: the build says it is done, and
 * the state (a few tens of MB at 50,000 reports) is written after, before
 * anything else. Until then the earlier state stands: its digests are not
 * those of the files replaced, so a build that read it (this one killed
 * first) would make them again. Returns 1 when it wrote one, 0 when none
 * was left to write, -1 when it could not be written (said on stderr; the
 * next build reads the earlier one). */
int write_watch_write_state(struct write_watch *ww);
/* What the last commit's state says of the output's files (as
 * writer_output_digest reads it), or will say once write_watch_write_state
 * has written it; 0 when the watch keeps no list of it (then the state is
 * written: read it). */
uint64_t write_watch_output_digest(const struct write_watch *ww);
/* The files the last build's commit wrote or removed, as the output names
 * them, each ended by a NUL, n of them: serve reloads only the open pages
 * made of one of them (serve_live.c). NULL when not known (no commit since
 * write_watch_forget_changed, an output that was empty, more than
 * WRITE_CHANGED_MAX files: a template edited at 50,000 reports): then
 * every open page reloads. */
#define WRITE_CHANGED_MAX 100000
/* *from: the output's digest before them, as the earlier state said it (0:
 * not known): they are all the changes since the output the server knew
 * only when that is its digest (another build may have written between). */
const char *write_watch_changed(const struct write_watch *ww, size_t *n, size_t *len, uint64_t *from);
void write_watch_forget_changed(struct write_watch *ww);
/* This build's keeps: unlooked-at, looked at; the folders watched; why the
 * watch is stopped, or NULL; whether
 * its writer took the last commit's list (1), read the state (0), or had no
 * state to trust (-1: none, damaged, or a stopped build's). */
void write_watch_counts(const struct write_watch *ww, size_t *trusted, size_t *looked, size_t *folders,
			int *list_taken, const char **stopped);
/* Takes the output's build lock before the build reads its inputs, when
 * out_dir is a directory already: two builds at once are then one after the
 * other, and the later reads the inputs after the earlier committed (else
 * one slow to reach writer_open, having read the inputs before an edit,
 * would commit its pages over those of a build made after the edit).
 * writer_open and writer_is_current take it as theirs; whatever is left is
 * let go by writer_lock_ahead_release. */
void writer_lock_ahead(const char *out_dir);
void writer_lock_ahead_release(void);
/* True when out_dir was made by a build whose inputs had this fingerprint
 * and its files are still exactly as that build left them. */
int writer_is_current(const char *out_dir, uint64_t inputs);
/* Keeping what the earlier build wrote, for a build that knows files would
 * come out the same (incremental rendering), in a batch per thread: the n
 * files rels become this build's as they stand, unread. All or none:
 * refused (-1, nothing done) unless the earlier build's commit ended, it
 * listed each and each is still exactly as it left it (its size and mtime
 * in the state's digest); the caller then makes the files anew. The files
 * join the build's set together when the batch ends, under one lock (two
 * threads taking it for each of 77,000 kept pages at 50,000 reports waited
 * on each other); a file kept and also written by this build is then an
 * error, as writer_put's for two pages wanting one file (-1).
 * A batch belongs to one thread; batches of several threads are safe. */
struct keep_batch;
struct keep_batch *writer_keep_batch_begin(struct writer *w);
int writer_keep_batched(struct keep_batch *kb, const char *const *rels, size_t n);
/* The places among the earlier build's files of the last n files the
 * batch kept (writer_keep_batched's), into places[0..n). */
void writer_keep_batch_places(const struct keep_batch *kb, size_t n, uint32_t *places);
/* The earlier build's list of files: which one it is. Serve's build
 * process passes the list from one build to the next when the commit left
 * the same files (a body edit's), each at its place: the same number then,
 * another for a list read from the state. */
uint64_t writer_old_list_number(const struct writer *w);
/* As writer_keep_batched, the files given by their places in that list
 * (writer_keep_batch_places of a build whose list had the number `list`;
 * the caller knows they are the files it names): -1, nothing kept, when
 * the list is another (at 50,000 reports, looking each file up by name was
 * ~13% of a body edit's build). */
int writer_keep_batched_at(struct keep_batch *kb, uint64_t list, const uint32_t *places, size_t n);
int writer_keep_batch_end(struct keep_batch *kb);
/* The same for every file the earlier build wrote below the directory dir
 * (a prefix ending in '/') that this build has not offered: all, or none
 * (-1) when one of them cannot be kept. The files are checked by `jobs`
 * threads (threads.h's count). */
int writer_keep_under(struct writer *w, const char *dir, int jobs);
/* The same but for the n files except[] (this build makes them anew). */
int writer_keep_under_except(struct writer *w, const char *dir, const char *const *except, size_t n, int jobs);
/* Reads a file the earlier build wrote into out, when a keep could
 * keep it (listed, and exactly as that build left it): 0; else -1. For a
 * build that makes a file from its earlier version (search_patch.c). */
struct buf;
int writer_read_kept(struct writer *w, const char *rel, struct buf *out);
/* A section of the state for the stages above (what pages were made from):
 * the one the earlier build left (NULL when none, or when its commit did not
 * end), and the one to leave, written with the state when the commit ends. */
const char *writer_state_extra(const struct writer *w, size_t *len);
/* Is that section the very bytes this process handed writer_set_state_extra
 * at its last commit (serve's build process), never read back from a file? */
int writer_state_extra_is_own(const struct writer *w);
void writer_set_state_extra(struct writer *w, const char *data, size_t len);
/* The digest of the output that out_dir's state records (as writer_commit
 * wrote it), read from the state's head and end alone; 0 when there is no
 * state, or a damaged one. */
uint64_t writer_output_digest(const char *out_dir);
/* Discards the staged files; the output stays as it was. Frees w. */
void writer_abort(struct writer *w);
/* How many files were offered so far; safe to call from any thread, and
 * takes no lock (the progress line asks while holding its own). */
size_t writer_count(struct writer *w);

/* Reading one whole build (sitegen serve): a commit holds the output's
 * commit lock while it moves files into place (milliseconds; a first build
 * into an empty directory holds it all along, its pages going straight in),
 * and a reader holds it shared while it reads (write_lock.c). Returns the
 * descriptor that holds it (close it to let go), or -1 when out_dir holds
 * no marker (or the file system has no such locks: it is then not held). A
 * commit waiting for the lock goes before the readers that come after it. */
int write_read_lock(const char *out_dir);

/* What writer_open would refuse about out_dir, found without touching it
 * (for a check). Returns 0, or -1 after a diag error. */
int writer_check_output(const char *out_dir, struct diag *d);

/* A writer for a check (write_links.c): it writes nothing and touches no
 * directory. It refuses what writer_put refuses (unsafe paths, two pages
 * wanting one file) and keeps, from every HTML page, the targets of its
 * links (href, src, srcset, poster, action, formaction, a meta refresh's
 * url): relative ones, and those from the server's root read against
 * base_url's path. Never NULL. */
struct writer *writer_open_dry(struct diag *d, const char *base_url);
/* The Markdown file a page was made from: its path, its whole text and
 * where its body starts (after the front matter). */
struct write_source {
	const char *path, *src;
	size_t len, body;
};

/* Reports, as errors, each link target that names no file offered, at the
 * first page that links to it, or at that page's source file when
 * `sources` (page path → struct write_source, may be NULL) names one: at
 * the link's line and column when its body holds it, else the file alone.
 * A link to a folder (`../x/`, or `../x` where x/index.html is a page) is
 * a warning, with the link to write instead (`../x/index.html`): a browser
 * shows no index.html for a folder opened from disk. A link from the
 * server's root outside base_url's path is a warning: it leads out of the
 * site, which the check cannot follow. The pages made go to
 * *pages and the distinct targets to *links. Frees w. */
struct strmap;
void writer_check_links(struct writer *w, const struct strmap *sources, size_t *pages, size_t *links);

/* Writes the whole file at path, creating its directories (a symbolic link
 * there is replaced, never written through); its stat goes to *st when not
 * NULL. Returns 0, or -1 with errno set. Used by the writer for pages and its
 * state, and for the one file a build keeps outside its output: the memo
 * (memo.h), written beside its place and renamed over it. */
struct stat;
int write_whole_file(char *path, const char *data, size_t len, struct stat *st);

#endif
