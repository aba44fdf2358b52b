/* The commit: a build's staged files moved into the output, the earlier
 * build's files it no longer writes removed, the state saved; or, when a
 * move fails, everything put back as it was (see write.h). Split from
 * write.c, which opens the output and takes the files; write_way.c looks
 * at and clears each staged file's way in before the first move. */
#define _DEFAULT_SOURCE
#include "write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "progress.h"
#include "strmap.h"
#include "write_internal.h"
#include "xalloc.h"

/* Is p the entry `name` (n bytes) or below it? */
static int is_under(const char *p, const char *name, size_t n)
{
	return strncmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* Does this build write (or keep) the top-level entry `name` or something below it? */
static int writes_under(const struct writer *w, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < w->paths.cap; i++)
		if (w->paths.keys[i] && is_under(w->paths.keys[i], name, n))
			return 1;
	for (size_t i = 0; i < w->nold; i++)
		if (w->old_mark[i] == OLD_KEPT && is_under(w->old_files[i], name, n))
			return 1;
	return 0;
}

/* Counts the files below out/rel_dir that this build did not produce, in
 * the folders it writes. After a first build that was stopped, they are
 * that build's leftovers or files the user put there since, and nothing
 * tells them apart: they stay (a leftover is a page of inputs that changed
 * meanwhile; one of the user's is theirs). */
static size_t count_strangers(const struct writer *w, const char *rel_dir, struct buf *some)
{
	char *dir = *rel_dir ? write_join(w->out, rel_dir) : xstrdup(w->out);
	DIR *dp = opendir(dir);
	if (!dp) {
		free(dir);
		return 0;
	}
	size_t n = 0;
	struct dirent *de;
	struct buf rel = BUF_INIT;
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!*rel_dir && (strcmp(de->d_name, STAGING_DIR) == 0 || !writes_under(w, de->d_name)))
			continue;	/* CNAME, .git/, … */
		buf_reset(&rel);
		if (*rel_dir)
			buf_addf(&rel, "%s/", rel_dir);
		buf_addstr(&rel, de->d_name);
		char *path = write_join(w->out, rel.data);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			n += count_strangers(w, rel.data, some);
		} else if (!write_set_has(w, rel.data)) {
			if (n++ < 3 && some->len < 600)	/* the first few, named */
				buf_addf(some, "%s%s", some->len ? ", " : "", rel.data);
		}
		free(path);
	}
	buf_free(&rel);
	closedir(dp);
	free(dir);
	return n;
}

/* rel's folder below the output (the folder the build locked), opened
 * through real folders only, and rel's last name in *name: a folder on the
 * way swapped for a link while the commit runs (by anyone who may write to
 * the output) fails the open, where a path would lead out of the output.
 * -1 with errno. */
int write_open_parent(const struct writer *w, const char *rel, const char **name)
{
	const char *slash = strrchr(rel, '/');
	*name = slash ? slash + 1 : rel;
	char *dir = slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
	int fd = write_open_beneath(w->lock_fd, dir);
	int e = errno;
	free(dir);
	errno = e;
	return fd;
}

/* Why a folder could not be opened through real folders alone. */
const char *write_way_error(int e)
{
	return e == ELOOP || e == ENOTDIR || e == EXDEV
		       ? "a folder on its way became a link (or a file) while the build ran: build again"
		       : strerror(e);
}

/* Removes rel's directory and its parents while they are empty, each
 * through its parent opened through real folders. */
static void prune_dirs(struct writer *w, const char *rel)
{
	char *dir = xstrdup(rel);
	for (char *slash; (slash = strrchr(dir, '/'));) {
		*slash = '\0';
		const char *name;
		int fd = write_open_parent(w, dir, &name);
		int gone = fd >= 0 && unlinkat(fd, name, AT_REMOVEDIR) == 0;
		if (fd >= 0)
			close(fd);
		if (!gone)
			break;
	}
	free(dir);
}

/* Removes the files an earlier build wrote that this one did not: never
 * anything else (a .git directory, CNAME, the user's notes). */
static void sweep_old(struct writer *w)
{
	for (size_t i = 0; i < w->nold; i++) {
		const char *rel = w->old_files[i];
		if (w->old_mark[i] || !write_rel_is_safe(rel))
			continue;
		const char *name;
		/* never through a link on the way, there before or put there
		 * since: such a file is not removed, and stays listed as ours,
		 * for a build that finds its folder real again (found by a
		 * review: dropped from the list, it stayed for good) */
		int dir = write_open_parent(w, rel, &name);
		if (dir < 0) {
			if (errno != ENOENT)
				write_set_add(w, rel);
			continue;
		}
		char *path = write_join(w->out, rel);
		struct stat st;
		if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
			if (unlinkat(dir, name, 0) == 0) {
				w->stats.removed++;
				if (w->watch) {
					buf_add(&w->removed, rel, strlen(rel) + 1);
					w->nremoved++;
				}
				prune_dirs(w, rel);
			} else if (errno != ENOENT) {
				/* still ours, still stale: listed again, tried again next time */
				diag_warning(w->d, path, 0, 0, NULL, 0, "cannot remove this page of an earlier build: %s",
					     strerror(errno));
				write_set_add(w, rel);
			}
		}
		close(dir);
		free(path);
	}
}

/* A backup's name, relative to the staging folder. */
char *commit_old_path(const char *kind, size_t i)
{
	char name[48];
	snprintf(name, sizeof(name), ".old/%s%zu", kind, i);
	return xstrdup(name);
}

/* Staged file i's folder in the output, as open_parent, kept open for the
 * next move into the same folder (the search index's thousands of files
 * are in three); with make, made when missing, noting in c->made[i] what
 * was made. -1 with errno. */
static int target_dir(struct writer *w, struct commit *c, size_t i, const char **name, int make)
{
	const char *rel = w->staged[i], *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;
	*name = slash ? slash + 1 : rel;
	if (c->dir_fd >= 0 && strlen(c->dir) == n && strncmp(c->dir, rel, n) == 0)
		return c->dir_fd;
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	free(c->dir);
	c->dir = xstrndup(rel, n);
	c->dir_fd = write_open_beneath(w->lock_fd, c->dir);
	if (c->dir_fd < 0 && errno == ENOENT && make)
		c->dir_fd = write_make_dirs_beneath(w->lock_fd, c->dir, &c->made[i]);
	return c->dir_fd;
}

static void commit_plan(struct writer *w, struct commit *c)
{
	size_t n = w->nstaged;
	c->to = xcalloc(n + 1, sizeof(*c->to));
	c->bak = xcalloc(n + 1, sizeof(*c->bak));
	c->kept = xcalloc(n + 1, sizeof(*c->kept));
	c->made = xcalloc(n + 1, sizeof(*c->made));
	c->aside = xcalloc(n + 1, sizeof(*c->aside));
	c->aside_bak = xcalloc(n + 1, sizeof(*c->aside_bak));
	c->naside = 0;
	c->dir_fd = -1;
	c->dir = NULL;
	for (size_t i = 0; i < n; i++) {
		c->to[i] = write_join(w->out, w->staged[i]);
		c->bak[i] = commit_old_path("f", i);
	}
}

static void commit_free(struct writer *w, struct commit *c)
{
	for (size_t i = 0; i < w->nstaged; i++) {
		free(c->to[i]);
		free(c->bak[i]);
	}
	for (size_t i = 0; i < c->naside; i++) {
		free(c->aside[i]);
		free(c->aside_bak[i]);
	}
	free(c->to);
	free(c->bak);
	free(c->kept);
	free(c->made);
	free(c->aside);
	free(c->aside_bak);
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	free(c->dir);
}

/* Is anything below the directory `path` (rel below the output) not a
 * file an earlier build wrote? */
static int holds_others(struct writer *w, const char *path, const char *rel)
{
	DIR *dp = opendir(path);
	if (!dp)
		return 0;
	struct dirent *de;
	int others = 0, empty = 1;	/* an empty folder is no build's: ours leave none */
	while (!others && (de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		empty = 0;
		char *child = write_join(path, de->d_name), *child_rel = write_join(rel, de->d_name);
		struct stat st;
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
			others = holds_others(w, child, child_rel);
		else
			others = !strmap_get(&w->old_index, child_rel);
		free(child);
		free(child_rel);
	}
	closedir(dp);
	return others || empty;
}

/* Keeps the entry at c->to[i] as c->bak[i] until the commit is done: a
 * hard link for a file (the page stays served until the new one replaces
 * it), a rename where links are not to be had (vfat, some shares) and for
 * a directory where a file now goes. Returns 0, or -1 after a diag error. */
static int keep_old(struct writer *w, struct commit *c, size_t i, int dir, const char *name)
{
	/* a file, as a rule: linked at once (link refuses a directory, and
	 * takes a symbolic link itself), else looked at */
	if (linkat(dir, name, w->staging_fd, c->bak[i], 0) == 0) {
		c->kept[i] = 1;
		return 0;
	}
	if (errno == ENOENT)
		return 0;	/* nothing there yet */
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;	/* nothing there yet */
	if (S_ISDIR(st.st_mode) && !w->direct && holds_others(w, c->to[i], w->staged[i])) {
		/* a folder of the user's where a file of ours goes (the one check of folders in the way) */
		diag_error(w->d, c->to[i], 0, 0, NULL, 0, "a folder with files that this generator did not write (or an "
			   "empty one) stands where the build puts %s; move it away", w->staged[i]);
		return -1;
	}
	if (!S_ISDIR(st.st_mode) && linkat(dir, name, w->staging_fd, c->bak[i], 0) == 0) {
		c->kept[i] = 1;
		return 0;
	}
	if (renameat(dir, name, w->staging_fd, c->bak[i]) == 0) {
		c->kept[i] = 1;
		return 0;
	}
	diag_error(w->d, c->to[i], 0, 0, NULL, 0, "cannot keep the old file while replacing it: %s", strerror(errno));
	return -1;
}

/* Removes the folders of staged file i that its move made (c->made),
 * deepest first, while they are empty, each through its parent opened
 * through real folders: an undone commit leaves no new empty folder. */
static void remove_made_folders(struct writer *w, struct commit *c, size_t i)
{
	const char *rel = w->staged[i], *slash = strrchr(rel, '/');
	if (!c->made[i] || !slash)
		return;
	char *dir = xstrndup(rel, (size_t)(slash - rel));
	for (size_t len = strlen(dir); len >= c->made[i];) {
		const char *name;
		dir[len] = '\0';
		int fd = write_open_parent(w, dir, &name);
		int gone = fd >= 0 && unlinkat(fd, name, AT_REMOVEDIR) == 0;
		if (fd >= 0)
			close(fd);
		char *up = strrchr(dir, '/');
		if (!gone || !up)
			break;
		len = (size_t)(up - dir);
	}
	free(dir);
}

/* Moves staged file i into place, through its folder's descriptor.
 * Returns 0, or -1 after a diag error. */
static int move_into_place(struct writer *w, struct commit *c, size_t i)
{
	const char *name;
	int dir = target_dir(w, c, i, &name, 1);
	if (dir < 0) {
		diag_error(w->d, c->to[i], 0, 0, NULL, 0, "cannot move into place: %s", write_way_error(errno));
		return -1;
	}
	if (keep_old(w, c, i, dir, name) < 0)
		return -1;
	if (renameat(w->staging_fd, w->staged[i], dir, name) < 0) {
		diag_error(w->d, c->to[i], 0, 0, NULL, 0, "cannot move into place: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Each file moved into place, stat'ed again: the rename changed its ctime,
 * which its digest holds (write_file_digest). One that cannot be stat'ed
 * keeps the staged file's digest: the next build then makes it again. */
static void restat_moved(struct writer *w, const struct commit *c)
{
	for (size_t i = 0; i < w->nstaged; i++) {
		struct stat st;
		struct write_entry *e = write_entry_of(w->staged[i]);
		if (lstat(c->to[i], &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		uint64_t h = write_file_digest(w->staged[i], &st);
		w->digest += h - e->digest;
		e->digest = h;
	}
}

/* Says that the file at path could not be put back: the first few, each. */
static void not_put_back(struct writer *w, const char *path, int e, size_t *failed)
{
	if (++*failed <= WRITE_ERRORS_SHOWN)
		diag_error(w->d, path, 0, 0, NULL, 0, "cannot put the previous file back: %s", write_way_error(e));
}

/* Undoes the first `done` moves, and with `failed_too` the one after them,
 * which may have moved its old entry aside before failing; then puts back
 * the entries moved out of the way. Each that can be is put back, whatever
 * failed before it (a folder swapped for a link loses only its own).
 * Returns 0, or -1 when something could not be put back (after diag
 * errors naming the first few). */
static int put_back(struct writer *w, struct commit *c, size_t done, int failed_too)
{
	size_t failed = 0, base = strlen(w->out) + 1;
	for (size_t i = done + (failed_too ? 1 : 0); i-- > 0;) {
		int moved_in = i < done, ok = 1;
		struct stat st;
		const char *name;
		int dir = write_open_parent(w, w->staged[i], &name);
		if (dir < 0) {
			ok = !moved_in && !c->kept[i];	/* the move that failed, having changed nothing */
		} else if (c->kept[i] && fstatat(w->staging_fd, c->bak[i], &st, AT_SYMLINK_NOFOLLOW) == 0) {
			ok = renameat(w->staging_fd, c->bak[i], dir, name) == 0;	/* over the new file, in one step */
			if (!ok && (errno == ENOTDIR || errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST)) {
				write_remove_tree_at(dir, name);	/* a file where a directory was, or the reverse */
				ok = renameat(w->staging_fd, c->bak[i], dir, name) == 0;
			}
		} else if (!c->kept[i] && moved_in && unlinkat(dir, name, 0) < 0 && errno != ENOENT) {
			ok = 0;
		}
		int e = errno;
		if (dir >= 0)
			close(dir);
		if (ok && !c->kept[i])	/* moved in and taken out, or the move that failed */
			remove_made_folders(w, c, i);
		if (!ok)
			not_put_back(w, c->to[i], e, &failed);
	}
	for (size_t k = c->naside; k-- > 0;) {
		const char *name;
		int dir = write_open_parent(w, c->aside[k] + base, &name);
		if (dir < 0 || renameat(w->staging_fd, c->aside_bak[k], dir, name) < 0)
			not_put_back(w, c->aside[k], errno, &failed);
		if (dir >= 0)
			close(dir);
	}
	if (failed > WRITE_ERRORS_SHOWN)
		diag_error(w->d, w->out, 0, 0, NULL, 0, "%zu more files could not be put back either",
			   failed - WRITE_ERRORS_SHOWN);
	return failed ? -1 : 0;
}

/* Does this commit only replace files a whole state lists (an edit's
 * commit, as a rule)? Then the earlier state can stand while it runs: it
 * already lists every file the commit touches, and a file it replaces no
 * longer has the size, time and inode the state gives it, so a build after
 * one stopped midway neither takes the output for current nor keeps that
 * file (the earlier state's inputs are no promise once its files differ).
 * The commit's own state, as long as the whole one (7 MB at 10,000 reports),
 * is written only when a new path, which no state would list, comes in. */
static int only_listed_replaced(const struct writer *w)
{
	if (!w->old_complete || w->all_ours)
		return 0;
	for (size_t i = 0; i < w->nstaged; i++)
		if (!strmap_get(&w->old_index, w->staged[i]))
			return 0;
	return 1;
}

int writer_commit(struct writer *w, struct write_stats *stats, uint64_t inputs)
{
	int r = 0;
	kept_dirs_close_all(w);	/* the directories they hold are about to change */
	char *marker = write_join(w->out, WRITE_MARKER), name[] = WRITE_MARKER;
	if (faccessat(w->lock_fd, name, F_OK, 0) != 0 &&
	    write_whole_file_at(w->lock_fd, name, "", 0, NULL) < 0) {
		diag_error(w->d, marker, 0, 0, NULL, 0, "cannot write: %s", strerror(errno));
		r = -1;
	}
	free(marker);
	size_t *order = commit_staged_in_order(w);
	if (r == 0 && commit_nothing_of_users_in_way(w, order) < 0)
		r = -1;
	/* Until the commit is done, the state names no inputs (so no build can
	 * take the output for current) and lists the old files and the new. */
	int commit_state = !w->direct && !only_listed_replaced(w);
	if (r == 0 && commit_state && write_state_files(w->out, w->lock_fd, 0, 0, w, 1) < 0) {
		diag_error(w->d, w->out, 0, 0, NULL, 0, "cannot write %s: %s", WRITE_STATE, strerror(errno));
		r = -1;
	}
	/* the state is the commit's: put back the earlier one if it ends here */
	int in_commit = r == 0 && commit_state;
	if (r == 0 && w->nstaged && mkdirat(w->staging_fd, ".old", 0700) < 0 && errno != EEXIST) {
		char *old_dir = write_join(w->staging, ".old");
		diag_error(w->d, old_dir, 0, 0, NULL, 0, "cannot create: %s", strerror(errno));
		free(old_dir);
		r = -1;
	}
	if (r < 0) {
		if (in_commit)
			write_state_restore(w);
		free(order);
		writer_abort(w);
		return -1;
	}
	if (w->commit_fd <= 0)	/* from the first move to the state: readers wait */
		w->commit_fd = write_commit_lock(w->out);
	struct commit c;
	commit_plan(w, &c);
	size_t moved = 0;
	if (commit_clear_the_way(w, &c, order) < 0)
		r = -1;
	free(order);
	for (; r == 0 && moved < w->nstaged; moved++)
		if (move_into_place(w, &c, moved) < 0)
			r = -1;
	if (r < 0) {
		/* moved counts the failed move too; 0 when the way could not be cleared */
		int undone = put_back(w, &c, moved ? moved - 1 : 0, moved > 0) == 0;
		if (undone)
			write_state_restore(w);
		commit_free(w, &c);
		write_remove_tree(w->staging);
		write_free(w);
		return undone ? -1 : -2;
	}
	restat_moved(w, &c);
	commit_free(w, &c);
	w->stats.written += w->nstaged;
	struct buf some = BUF_INIT;
	size_t strangers = w->all_ours ? count_strangers(w, "", &some) : 0;
	if (strangers) {
		progress_clear();
		fprintf(stderr, "sitegen: %zu %s in %s %s not this build's (%s%s): left by a first build that was stopped, "
			"or put there since; they stay (build into an empty directory to be rid of them)\n", strangers,
			strangers == 1 ? "file" : "files", w->out, strangers == 1 ? "is" : "are", some.data,
			strangers > 3 ? ", …" : "");
	}
	buf_free(&some);
	if (!w->all_ours)
		sweep_old(w);
	/* serve's build process: the staging folder goes once the build has
	 * said it is done (write_watch_defer_cleanup) */
	if (!w->watch)
		write_remove_tree(w->staging);
	if (w->watch && r == 0 && write_list_same_files(w)) {
		/* serve's build process, the files the earlier build's: the state
		 * is written once the build has said it is done
		 * (write_watch_write_state), the output locked until then */
		write_watch_committed(w);
		write_watch_defer_state(w->watch, w, inputs);
	} else if (write_state(w->out, w->lock_fd, inputs, w->digest, w) < 0) {
		diag_error(w->d, w->out, 0, 0, NULL, 0, "cannot write %s: %s: the pages are this build's, but the "
			   "next build will render everything again", WRITE_STATE, strerror(errno));
		r = -3;
	} else if (w->watch && r == 0) {
		write_watch_committed(w);
		write_watch_keep_list(w->watch, w, inputs);
	}
	if (w->watch) {
		watch_note_changed(w);
		write_watch_defer_cleanup(w->watch, w);
	}
	if (stats)
		*stats = w->stats;
	write_free(w);
	return r;
}

