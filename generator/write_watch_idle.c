/* write_watch_idle.c: the output watch's work between builds (see write.h
 * and write_watch.c, which says why a file may be kept unlooked-at): setting
 * the watches the last commit needs, choosing among folders when there are
 * more than it may watch, the first look at the files of folders just
 * watched, and the look at every file for what inotify does not report.
 * Each stops when the next build is asked for. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "write.h"
#include "write_internal.h"
#include "write_watch_internal.h"
#include "xalloc.h"

/* Everything that changes a folder's entries, or a file in it. */
#define WATCH_MASK (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | \
		    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Watches dir; 0, or -1 when it cannot be (the folder is skipped), or -2
 * when no more watches can be had. */
static int watch_folder(struct write_watch *ww, char *dir)
{
	char *path = *dir ? write_join(ww->out, dir) : xstrdup(ww->out);
	/* the output itself may be named through a link (--out to a folder
	 * elsewhere): followed, and it must be the folder the build locked */
	int wd = inotify_add_watch(ww->fd, path, *dir ? WATCH_MASK : WATCH_MASK & ~IN_DONT_FOLLOW);
	struct stat st;
	int same_fs = wd >= 0 && (*dir ? lstat(path, &st) : stat(path, &st)) == 0 && S_ISDIR(st.st_mode) &&
		      st.st_dev == ww->dev && (*dir || st.st_ino == ww->ino);
	free(path);
	if (wd < 0)
		return errno == ENOSPC || errno == ENOMEM ? -2 : -1;
	if (!same_fs || ((size_t)wd < ww->nwd && ww->wd_dir[wd])) {
		/* another file system mounted there; or a folder watched under
		 * another name already (a bind mount): neither is vouched for */
		if ((size_t)wd < ww->nwd && ww->wd_dir[wd]) {
			struct strmap gone = { 0 };
			struct arena a = ARENA_INIT;
			strmap_put(&a, &gone, ww->wd_dir[wd], ww->wd_dir[wd]);
			watch_drop(ww, &gone);
			arena_free(&a);
		} else {
			inotify_rm_watch(ww->fd, wd);
		}
		return -1;
	}
	if ((size_t)wd >= ww->nwd) {
		size_t n = (size_t)wd * 2 + 64;
		ww->wd_dir = xrealloc(ww->wd_dir, n * sizeof(*ww->wd_dir));
		memset(ww->wd_dir + ww->nwd, 0, (n - ww->nwd) * sizeof(*ww->wd_dir));
		ww->nwd = n;
	}
	char *key = arena_strdup(&ww->names, dir);	/* the name kept: an arena of its own */
	strmap_put(&ww->names, &ww->dirs, key, (void *)(intptr_t)wd);
	ww->wd_dir[wd] = key;
	ww->nwatched++;
	return 0;
}

/* Waits up to ms for the next build to be asked for (a byte on fd, or its
 * end): 1 when it is. */
static int asked_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return fd >= 0 && poll(&p, 1, ms) > 0;
}

static int asked(int fd)
{
	return asked_within(fd, 0);
}

/* Every file the state lists, looked at once more between builds (stopped
 * by the next build's byte on stop_fd). inotify says nothing of a change
 * made through another name of the file (a hard link, inside or outside
 * the output) or through a memory map; their lstat does (a memory map's
 * where the file system updates the file's times for it: ext4 does, tmpfs
 * does not, and there no build, kept or plain, sees such a change): such a
 * change is found here, and looked at by the next build. */
struct sweep {
	struct write_watch *ww;
	int root, stop_fd;
	size_t n;
};

static int sweep_one(void *ctx, const char *rel, uint64_t digest)
{
	struct sweep *sw = ctx;
	if (sw->n++ % 256 == 0 && asked(sw->stop_fd))
		return 1;	/* a build to make */
	char dir[4096];
	struct stat st;
	/* one lstat from the output: every folder on the way is watched, and
	 * one made a link would have been named */
	if (watch_folder_of(rel, dir, sizeof(dir)) && watch_is_watched(sw->ww, dir) && !watch_is_suspect(sw->ww, rel) &&
	    (fstatat(sw->root, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
	     write_file_digest(rel, &st) != digest))
		watch_suspect(sw->ww, rel, 0);
	return 0;
}

static void sweep(struct write_watch *ww, int stop_fd)
{
	char *path = write_join(ww->out, WRITE_STATE);
	struct stat st;
	int ours = lstat(path, &st) == 0 && write_file_digest(WRITE_STATE, &st) == ww->state;
	free(path);
	struct sweep sw = { ww, ours ? open(ww->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1, stop_fd, 0 };
	if (sw.root < 0)
		return;
	write_state_each_file(ww->out, sweep_one, &sw);
	close(sw.root);
}

/* The look at every file waits for SWEEP_DELAY_MS without a build asked
 * for: right after a build the browser is loading its pages, and the
 * look's lstats took a core from it (10,000 reports: 0.01-0.02 s later on
 * the screen); saves that come faster than that need no look between them. */
#define SWEEP_DELAY_MS 500
static void sweep_when_idle(struct write_watch *ww, int stop_fd)
{
	if (!asked_within(stop_fd, SWEEP_DELAY_MS))
		sweep(ww, stop_fd);
}

static size_t pending_files_in(const struct write_watch *ww, const char *dir)
{
	return (uintptr_t)strmap_get(&ww->pending_seen, dir) - 1;
}

static int more_files_first(const void *a, const void *b, void *ctx)
{
	size_t x = pending_files_in(ctx, *(const char *const *)a), y = pending_files_in(ctx, *(const char *const *)b);
	return x > y ? -1 : x < y;
}

/* Makes folder its parent ("" the output's); 0 when it was the output. */
static int go_up(char *folder)
{
	if (!*folder)
		return 0;
	char *slash = strrchr(folder, '/');
	*(slash ? slash : folder) = '\0';
	return 1;
}

/* More folders than it may watch (50,000 reports: 99,500; 96,000 allowed
 * here): the folders holding most files first, each with the folders above
 * it, as long as there are watches to spare; the others are left to be
 * looked at by each build (at 50,000 reports the search index's four
 * folders hold 130,000 of the 180,000 files, a report's own folder one). */
static void choose_folders(struct write_watch *ww, size_t budget)
{
	struct ptrvec order = { 0 }, chosen = { 0 };
	for (size_t i = 0; i < ww->pending_dirs.len; i++)
		ptrvec_push(&ww->pending_arena, &order, ww->pending_dirs.items[i]);
	if (order.len)
		qsort_r(order.items, order.len, sizeof(*order.items), more_files_first, ww);
	struct strmap picked = { 0 };
	for (size_t i = 0; i < order.len; i++) {
		char *dir = order.items[i], up[4096];
		if (strmap_get(&picked, dir))
			continue;	/* above one picked before */
		size_t cost = 0;	/* it and the folders above it not watched nor picked */
		strcpy(up, dir);
		do {
			if (watch_is_watched(ww, up) || strmap_get(&picked, up))
				break;
			cost++;
		} while (go_up(up));
		if (cost > budget) {
			strmap_put(&ww->names, &ww->skipped, arena_strdup(&ww->names, dir), (void *)1);
			continue;
		}
		budget -= cost;
		strcpy(up, dir);
		do {
			if (watch_is_watched(ww, up) || strmap_get(&picked, up))
				break;
			char *key = arena_strdup(&ww->pending_arena, up);
			strmap_put(&ww->pending_arena, &picked, key, key);
			ptrvec_push(&ww->pending_arena, &chosen, key);
		} while (go_up(up));
	}
	ww->pending_dirs = chosen;
}

void write_watch_idle(struct write_watch *ww, int stop_fd)
{
	if (!ww || ww->fd < 0)
		return;
	if (watch_drain(ww) < 0)
		return;
	if (!ww->pending_dirs.len) {
		watch_forget_pending(ww);
		sweep_when_idle(ww, stop_fd);
		return;
	}
	size_t allowed = watch_allowed();
	if (ww->nwatched + ww->pending_dirs.len > allowed)
		choose_folders(ww, allowed > ww->nwatched ? allowed - ww->nwatched : 0);
	/* a folder after the one above it: a folder whose parent could not be
	 * watched is not either */
	ptrvec_sort(&ww->pending_dirs, cmp_str);
	for (size_t i = 0; i < ww->pending_dirs.len; i++) {
		char *dir = ww->pending_dirs.items[i], parent[4096];
		if (i % 256 == 255 && asked(stop_fd)) {
			ww->complete = 0;	/* a build is wanted: the rest after its commit */
			break;
		}
		int r = *dir && (!watch_folder_of(dir, parent, sizeof(parent)) || !watch_is_watched(ww, parent)) ? -1
			: watch_folder(ww, dir);
		if (r == -2) {
			watch_stop_because(ww, "the user's inotify watches ran out");	/* leave them to others */
			ww->wait_until = ww->commits + 8;
			return;
		}
		if (r < 0)
			ww->complete = 0;	/* its files are looked at by each build */
	}
	/* the files of the folders just watched, looked at now that a change
	 * to them would be seen; when a build is wanted first (the first
	 * watch of 10,000 reports' output takes ~0.5 s), those not looked at
	 * yet are suspects: that build looks at them, as it would have */
	int root = open(ww->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct kept_dirs kd;
	kept_dirs_init(&kd, root);
	int wanted = 0;
	for (size_t i = 0; root >= 0 && i < ww->pending_files.len; i++) {
		const struct pending_file *f = ww->pending_files.items[i];
		char dir[4096];
		struct stat st;
		if (!watch_folder_of(f->rel, dir, sizeof(dir)) || !watch_is_watched(ww, dir))
			continue;	/* not vouched for: looked at by each build */
		wanted = wanted || (i % 256 == 255 && asked(stop_fd));
		if (wanted || write_stat_below(&kd, ww->out, f->rel, &st) < 0 || !S_ISREG(st.st_mode) ||
		    write_file_digest(f->rel, &st) != f->digest)
			watch_suspect(ww, f->rel, 0);
	}
	kept_dirs_release(&kd);
	if (root >= 0)
		close(root);
	else
		watch_stop_because(ww, "the output could not be opened");
	watch_forget_pending(ww);
	if (ww->fd >= 0)
		sweep_when_idle(ww, stop_fd);
}
