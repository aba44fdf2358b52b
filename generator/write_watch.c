/* write_watch.c: a process that builds into one output again and again
 * (serve's build process) keeps an inotify watch on each of the output's
 * folders, and a build keeps a file nothing has touched since without its
 * lstat: at 10,000 reports a body edit keeps 61,000 files, and their lstats
 * were ~40% of its build. See write.h.
 *
 * Why a file may be kept unlooked-at: its folder, and every folder above it
 * up to the output, has had a watch since a moment the file was seen with
 * the digest the state gives it (lstat'ed after the watch was set, or kept
 * by a build that looked), and no event has named the file or a folder on
 * its way since. The kernel queues an event when the call that changed
 * something returns, so a change the build's read of the queue does not see
 * was not done before the build began. What it cannot vouch for is looked at
 * as before: a queue that overflowed, a folder it could not watch (another
 * file system below the output, the user's watches running out), an output
 * on a file system whose changes may come from another machine, a state not
 * the one this process saw written, a mount or unmount. What inotify does
 * not report (a write through a hard link or a memory map) is found by the
 * look at every file between builds (write_watch_idle.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "localfs.h"
#include "progress.h"
#include "strmap.h"
#include "write.h"
#include "write_internal.h"
#include "write_watch_internal.h"
#include "xalloc.h"

struct write_watch *write_watch_new(void)
{
	struct write_watch *ww = xcalloc(1, sizeof(*ww));
	ww->fd = ww->mounts = ww->trash_lock_fd = -1;
	return ww;
}

void watch_forget_pending(struct write_watch *ww)
{
	arena_free(&ww->pending_arena);
	memset(&ww->pending_seen, 0, sizeof(ww->pending_seen));
	memset(&ww->pending_dirs, 0, sizeof(ww->pending_dirs));
	memset(&ww->pending_files, 0, sizeof(ww->pending_files));
}

static void forget_suspects(struct write_watch *ww)
{
	arena_free(&ww->suspect_arena);
	memset(&ww->suspects, 0, sizeof(ww->suspects));
	memset(&ww->suspect_folders, 0, sizeof(ww->suspect_folders));
}

/* Stops watching: every watch goes with the descriptor. */
void watch_stop(struct write_watch *ww)
{
	if (ww->fd >= 0)
		close(ww->fd);
	if (ww->mounts >= 0)
		close(ww->mounts);
	ww->fd = ww->mounts = -1;
	ww->usable = 0;
	free(ww->out);
	ww->out = NULL;
	arena_free(&ww->names);
	memset(&ww->dirs, 0, sizeof(ww->dirs));
	memset(&ww->skipped, 0, sizeof(ww->skipped));
	free(ww->wd_dir);
	ww->wd_dir = NULL;
	ww->nwd = ww->nwatched = 0;
	ww->complete = 0;
	ww->unwatches++;
	forget_suspects(ww);
	watch_forget_pending(ww);
}

void watch_stop_because(struct write_watch *ww, const char *why)
{
	watch_stop(ww);
	ww->stopped = why;
}

/* The last commit's staging folder removed, then the output let go. */
static void remove_trash(struct write_watch *ww)
{
	if (ww->trash)
		write_remove_tree(ww->trash);
	free(ww->trash);
	ww->trash = NULL;
	if (ww->trash_lock_fd >= 0)
		close(ww->trash_lock_fd);
	ww->trash_lock_fd = -1;
}

void write_watch_free(struct write_watch *ww)
{
	if (!ww)
		return;
	watch_stop(ww);
	remove_trash(ww);
	write_list_free(ww->list);
	write_watch_forget_changed(ww);
	free(ww);
}

/* Is path, or a folder above it, among the paths an event named? */
/* Does m hold path, or a folder above it ("" the output)? A path too long
 * to look at is taken as held. */
static int holds_it_or_above(const struct strmap *m, const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n >= sizeof(buf))
		return 1;
	memcpy(buf, path, n + 1);
	if (strmap_get(m, buf) || strmap_get(m, ""))
		return 1;
	for (size_t i = n; i-- > 0;)
		if (buf[i] == '/') {
			buf[i] = '\0';
			if (strmap_get(m, buf))
				return 1;
		}
	return 0;
}

int watch_is_suspect(const struct write_watch *ww, const char *rel)
{
	return (ww->suspects.len && strmap_get(&ww->suspects, rel)) ||
	       (ww->suspect_folders.len && holds_it_or_above(&ww->suspect_folders, rel));
}

void watch_suspect(struct write_watch *ww, const char *path, int folder)
{
	char *key = arena_strdup(&ww->suspect_arena, path);
	strmap_put(&ww->suspect_arena, folder ? &ww->suspect_folders : &ww->suspects, key, key);
}

int watch_is_watched(const struct write_watch *ww, const char *dir)
{
	return strmap_get(&ww->dirs, dir) != NULL;
}

int write_watch_trusts(struct write_watch *ww, const struct writer *w, size_t k, struct kept_dirs *kd)
{
	/* by place, the name not read (at 50,000 reports, reading 77,000 names
	 * from all over the list was a tenth of a body edit's build) */
	uint32_t *seen = w->old_watched ? &w->old_watched[k] : NULL;
	int watched = seen && *seen == ww->unwatches + 1;
	if (!watched) {
		const char *rel = w->old_files[k], *slash = strrchr(rel, '/');
		size_t n = slash ? (size_t)(slash - rel) : 0;
		if (!kd->watch_dir_known || kd->watch_dir.len != n || memcmp(kd->watch_dir.data, rel, n) != 0) {
			buf_reset(&kd->watch_dir);
			buf_grow(&kd->watch_dir, n);	/* a buffer (a kept_dirs starts zeroed) also for "" */
			buf_add(&kd->watch_dir, rel, n);
			kd->watch_dir_watched = watch_is_watched(ww, kd->watch_dir.data);
			kd->watch_dir_known = 1;
		}
		watched = kd->watch_dir_watched;
		if (watched && seen)
			*seen = ww->unwatches + 1;
	}
	int suspect = w->old_suspect ? w->old_suspect[k] : watch_is_suspect(ww, w->old_files[k]);
	int yes = ww->usable && watched && !suspect;
	atomic_fetch_add_explicit(yes ? &ww->trusted : &ww->looked, 1, memory_order_relaxed);
	return yes;
}

/* Drops the watches of the folders an event named as moved, removed or
 * changed, and of all below them: they are watched anew (and their files
 * looked at) after the next commit. One pass for all of them: a `rm -r` of
 * thousands of folders names each. */
void watch_drop(struct write_watch *ww, const struct strmap *gone)
{
	/* a folder is watched only below a watched one: when no folder named
	 * is watched (the staging folder, made and removed by each build),
	 * none below them is either */
	size_t named = 0;
	for (size_t i = 0; i < gone->cap; i++)
		named += gone->keys && gone->keys[i] && watch_is_watched(ww, gone->keys[i]);
	for (size_t wd = 1; named && wd < ww->nwd; wd++) {
		const char *dir = ww->wd_dir[wd];
		if (dir && holds_it_or_above(gone, dir)) {
			ww->complete = 0;
			ww->unwatches++;
			inotify_rm_watch(ww->fd, (int)wd);
			strmap_put(&ww->names, &ww->dirs, dir, NULL);
			ww->wd_dir[wd] = NULL;
			ww->nwatched--;
		}
	}
}

/* Reads every event queued: what they name becomes suspect. Returns 0, or -1
 * when the queue overflowed (then nothing is watched any more). */
int watch_drain(struct write_watch *ww)
{
	struct arena a = ARENA_INIT;
	struct strmap gone = { 0 };
	char events[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	int overflow = 0;
	for (;;) {
		ssize_t n = read(ww->fd, events, sizeof(events));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EAGAIN: the queue is empty */
		for (char *p = events; p < events + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW)
				overflow = 1;
			const char *dir = ev->wd > 0 && (size_t)ev->wd < ww->nwd ? ww->wd_dir[ev->wd] : NULL;
			if (overflow || !dir)
				continue;	/* a watch dropped already */
			/* the build's own staging folder, made by each build: no file
			 * kept is below it (write_rel_is_safe), and as a suspect folder
			 * it cost each of the 100,000 files a body edit's rebuild keeps
			 * at 10,000 reports a lookup of every folder on its way */
			if (!*dir && ev->len && strcmp(ev->name, STAGING_DIR) == 0)
				continue;
			const char *path = ev->len && ev->name[0] ? (*dir ? arena_sprintf(&a, "%s/%s", dir, ev->name)
								     : arena_strdup(&a, ev->name))
								  : dir;
			watch_suspect(ww, path, path == dir || (ev->mask & IN_ISDIR));
			if (path == dir ? (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT | IN_ATTRIB))
					: (ev->mask & IN_ISDIR) != 0)
				strmap_put(&a, &gone, path, (void *)path);
		}
	}
	if (overflow || strmap_get(&gone, ""))
		watch_stop_because(ww, overflow ? "events were lost (the queue overflowed)" : "the output's folder went");
	else if (gone.len)
		watch_drop(ww, &gone);
	arena_free(&a);
	return ww->fd < 0 ? -1 : 0;
}

/* The state's digest as this process saw it last, or 0. */
static uint64_t state_digest(const char *out)
{
	char *path = write_join(out, WRITE_STATE);
	struct stat st;
	uint64_t h = lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? write_file_digest(WRITE_STATE, &st) : 0;
	free(path);
	return h;
}

/* Has a file system been mounted or unmounted since the watch began? One
 * mounted over a watched folder sends no event. */
static int mounts_changed(const struct write_watch *ww)
{
	struct pollfd p = { .fd = ww->mounts, .events = POLLPRI };
	return ww->mounts < 0 || poll(&p, 1, 0) != 0;
}

void writer_use_watch(struct writer *w, struct write_watch *ww)
{
	w->watch = ww;
	ww->usable = 0;
	/* (writer_open asks for the list only of an output of ours) */
	ww->list_taken = w->old_taken ? 1 : w->old_complete ? 0 : -1;
	atomic_store(&ww->trusted, 0);
	atomic_store(&ww->looked, 0);
	if (ww->fd < 0)
		return;
	struct stat st;
	if (mounts_changed(ww)) {
		watch_stop_because(ww, "a file system was mounted or unmounted");
		return;
	}
	if (!w->old_complete || w->direct || strcmp(ww->out, w->out) != 0 || fstat(w->lock_fd, &st) < 0 ||
	    st.st_dev != ww->dev || st.st_ino != ww->ino || !ww->state || state_digest(w->out) != ww->state) {
		watch_stop_because(ww, "not the output, or not the state, it saw last");
		return;
	}
	ww->usable = watch_drain(ww) == 0;
	/* the suspects by place, for write_watch_trusts: they change only
	 * here and at the commit */
	free(w->old_suspect);
	w->old_suspect = NULL;
	if (ww->usable && !ww->suspect_folders.len) {
		w->old_suspect = xcalloc(w->nold + 1, 1);
		for (size_t i = 0; i < ww->suspects.cap; i++) {
			long k = ww->suspects.keys && ww->suspects.keys[i] ? write_old_position(w, ww->suspects.keys[i]) : -1;
			if (k >= 0)
				w->old_suspect[k] = 1;
		}
	}
}

void write_watch_keep_list(struct write_watch *ww, struct writer *w, uint64_t inputs)
{
	struct stat st;
	write_list_free(ww->list);
	ww->list = NULL;
	uint64_t state = state_digest(w->out);
	if (!state || fstat(w->lock_fd, &st) < 0 || !(ww->list = write_list_leave(w, inputs)))
		return;
	ww->list->out = xstrdup(w->out);
	ww->list->dev = st.st_dev;
	ww->list->ino = st.st_ino;
	ww->list->state = state;
}

void write_watch_defer_state(struct write_watch *ww, struct writer *w, uint64_t inputs)
{
	struct stat st = { 0 };
	write_list_free(ww->list);
	fstat(w->lock_fd, &st);	/* if not, no build takes the list: the state is still written */
	ww->list = write_list_leave(w, inputs);	/* not NULL: the same files (the caller asked) */
	ww->list->out = xstrdup(w->out);
	ww->list->dev = st.st_dev;
	ww->list->ino = st.st_ino;
	ww->list->state = 0;	/* none to take until written */
	ww->list->lock_fd = w->lock_fd;	/* the output stays this process's */
	w->lock_fd = -1;
}

static int write_deferred_state(struct write_watch *ww);

void write_watch_defer_cleanup(struct write_watch *ww, struct writer *w)
{
	remove_trash(ww);	/* none, as a rule: write_watch_write_state ran */
	ww->trash = xstrdup(w->staging);
	ww->trash_lock_fd = w->lock_fd;	/* -1 when the list holds the output */
	w->lock_fd = -1;
}

int write_watch_write_state(struct write_watch *ww)
{
	int r = write_deferred_state(ww);
	if (ww)
		remove_trash(ww);	/* under the hold on the output */
	if (ww && ww->list && ww->list->lock_fd >= 0) {
		close(ww->list->lock_fd);	/* the output is free for the next build */
		ww->list->lock_fd = -1;
	}
	return r;
}

/* write_watch_write_state's state, the output still held. */
static int write_deferred_state(struct write_watch *ww)
{
	struct write_list *l = ww ? ww->list : NULL;
	if (!l || l->lock_fd < 0)
		return 0;
	int r = write_state_of_list(l);
	if (r == 0) {
		l->state = state_digest(l->out);
		ww->state = l->state;	/* the state this process saw last: its own */
	} else {
		/* Said after the build's status: serve shows it with the next
		 * build's messages, which it is about. */
		int e = errno;
		progress_clear();
		fprintf(stderr, "sitegen: the last build's state could not be written (%s/%s: %s): this build looks at "
			"every file of the output again\n", l->out, WRITE_STATE, strerror(e));
		/* The earlier state stays, its record and digests the earlier
		 * build's: the files the last commit replaced must be looked at
		 * against it (their digests differ), not trusted because nobody
		 * touched them since (found by a reviewer: a body put back as it
		 * was kept the page of the edit) */
		watch_stop_because(ww, "the last build's state could not be written");
		if (ww->trash_lock_fd < 0) {	/* the hold on the output goes with the list */
			ww->trash_lock_fd = l->lock_fd;
			l->lock_fd = -1;
		}
		write_list_free(l);
		ww->list = NULL;
		return -1;
	}
	return 1;
}

uint64_t write_watch_output_digest(const struct write_watch *ww)
{
	return ww && ww->list ? ww->list->outputs : 0;
}

int write_watch_take_list(struct write_watch *ww, struct writer *w)
{
	struct write_list *l = ww->list;
	struct stat st;
	ww->list = NULL;
	int same = l && strcmp(l->out, w->out) == 0 && fstat(w->lock_fd, &st) == 0 && st.st_dev == l->dev &&
		   st.st_ino == l->ino && state_digest(w->out) == l->state;
	if (same)
		write_list_take(w, l);
	else
		write_list_free(l);
	return same;
}

void write_watch_counts(const struct write_watch *ww, size_t *trusted, size_t *looked, size_t *folders,
			int *list_taken, const char **stopped)
{
	*stopped = ww->fd < 0 ? ww->stopped : NULL;
	*list_taken = ww->list_taken;
	*trusted = atomic_load(&ww->trusted);
	*looked = atomic_load(&ww->looked);
	*folders = ww->fd < 0 ? 0 : ww->nwatched;
}

/* Marks dir, and every folder above it not watched yet, to be watched. */
static void want_folder(struct write_watch *ww, const char *dir)
{
	while (!watch_is_watched(ww, dir) && !strmap_get(&ww->pending_seen, dir)) {
		char *key = arena_strdup(&ww->pending_arena, dir);
		strmap_put(&ww->pending_arena, &ww->pending_seen, key, (void *)(uintptr_t)1);
		ptrvec_push(&ww->pending_arena, &ww->pending_dirs, key);
		if (!*dir)
			break;
		char *slash = strrchr(key, '/');
		dir = slash ? arena_strndup(&ww->pending_arena, key, (size_t)(slash - key)) : "";
	}
}

/* How many folders it may watch: half of what the user may (the server's
 * own watch on the content needs some, and so may the user's editor), or
 * fewer with SITEGEN_WATCH_FOLDERS. */
/* An inotify limit from /proc/sys/fs/inotify, or fallback (Linux's default). */
static unsigned long inotify_limit(const char *name, unsigned long fallback)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/sys/fs/inotify/%s", name);
	FILE *f = fopen(path, "r");
	unsigned long n = fallback;
	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = fallback;
		fclose(f);
	}
	return n;
}

size_t watch_allowed(void)
{
	const char *env = getenv("SITEGEN_WATCH_FOLDERS");
	char *end = NULL;
	unsigned long asked = env && *env ? strtoul(env, &end, 10) : 0;
	int set = end && !*end;
	unsigned long n = inotify_limit("max_user_watches", 8192);
	return set && asked < n / 2 ? asked : n / 2;
}

/* The kernel's queue of events. */
static size_t queue_size(void)
{
	return inotify_limit("max_queued_events", 16384);
}

void write_watch_committed(struct writer *w)
{
	struct write_watch *ww = w->watch;
	if (!ww || ww->refused)
		return;
	ww->commits++;
	if (ww->fd < 0 && ww->commits < ww->wait_until)
		return;
	/* A commit that moved half a queue of files into place (a template
	 * edited: 23,000 pages at 10,000 reports) has most likely overflowed
	 * it with its own events: the watch starts again now, between builds,
	 * rather than the next build finding the overflow and looking at
	 * every file. */
	if (ww->fd >= 0 && w->nstaged + w->stats.removed >= queue_size() / 2)
		watch_stop_because(ww, "a commit moved in more files than half a queue of events");
	if (ww->fd < 0) {
		struct stat st;
		if (!localfs_is_local(w->lock_fd)) {
			ww->refused = 1;
			return;
		}
		ww->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		ww->mounts = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		if (ww->fd < 0 || ww->mounts < 0 || fstat(w->lock_fd, &st) < 0) {
			watch_stop_because(ww, "inotify could not be started");
			return;
		}
		ww->out = xstrdup(w->out);
		ww->dev = st.st_dev;
		ww->ino = st.st_ino;
	}
	ww->state = state_digest(w->out);
	forget_suspects(ww);	/* this build looked at each, or wrote it anew */
	watch_forget_pending(ww);
	/* the files this build wrote, or all of them (61,000 lookups cost a
	 * body edit's commit 50 ms) */
	size_t n = ww->complete ? w->nstaged : w->paths.cap, nkept = ww->complete ? 0 : w->nold;
	char dir[4096];
	for (size_t i = 0; i < n + nkept; i++) {
		const char *rel = i >= n ? (w->old_mark[i - n] == OLD_KEPT ? w->old_files[i - n] : NULL)
				  : ww->complete ? w->staged[i] : w->paths.keys[i];
		uint64_t digest = !rel ? 0 : i >= n ? w->old_digests[i - n] : write_entry_of(rel)->digest;
		if (!digest || !watch_folder_of(rel, dir, sizeof(dir)) || watch_is_watched(ww, dir) || strmap_get(&ww->skipped, dir))
			continue;
		want_folder(ww, dir);
		uintptr_t files = (uintptr_t)strmap_get(&ww->pending_seen, dir);
		strmap_put(&ww->pending_arena, &ww->pending_seen, dir, (void *)(files + 1));	/* dir is a key already */
		struct pending_file *f = arena_alloc_uninit(&ww->pending_arena, sizeof(*f) + strlen(rel) + 1);
		f->digest = digest;
		strcpy(f->rel, rel);
		ptrvec_push(&ww->pending_arena, &ww->pending_files, f);
	}
	/* until a watch is dropped, or one wanted cannot be had */
	ww->complete = 1;
}

