/* write_way.c: before the commit's first move, the way of every staged
 * file into the output looked at and cleared (write_commit.c has the
 * commit): no file of the user's where a page of ours goes, and the files
 * of ours where this build needs a folder moved aside, to be put back if
 * the commit fails. Nothing here changes the output but those moves. */
#define _DEFAULT_SOURCE
#include "write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "strmap.h"
#include "write_internal.h"
#include "xalloc.h"

/* A staged file and its place in w->staged. */
struct staged_at {
	const char *rel;
	size_t i;
};

static int cmp_staged(const void *a, const void *b)
{
	return strcmp(((const struct staged_at *)a)->rel, ((const struct staged_at *)b)->rel);
}

/* The staged files in the order of their paths, not the order the threads
 * made them in: the checks below say the first file of the user's in the
 * way by that order, the same whatever the threads did (a tag's folder
 * where the user keeps a file: its index.html, not its feed.xml one time in
 * a few). malloc'd. */
size_t *commit_staged_in_order(const struct writer *w)
{
	struct staged_at *v = xmalloc((w->nstaged + 1) * sizeof(*v));
	for (size_t i = 0; i < w->nstaged; i++)
		v[i] = (struct staged_at){ w->staged[i], i };
	qsort(v, w->nstaged, sizeof(*v), cmp_staged);
	size_t *order = xmalloc((w->nstaged + 1) * sizeof(*order));
	for (size_t i = 0; i < w->nstaged; i++)
		order[i] = v[i].i;
	free(v);
	return order;
}

/* The output is the user's: a file this build would replace must be one an
 * earlier build wrote (a tag's new page where the user keeps a file of that
 * name). Where the earlier state lists its files (whole, or a commit's,
 * which lists the old and the new), only a path no earlier build wrote can
 * hold the user's file, so a rebuild looks at its new paths alone. Where
 * nothing is listed (no state, a damaged one, a first build that was
 * stopped), a file where a file of ours goes is taken for an earlier page of
 * ours and replaced. Files where this build needs a folder are
 * clear_the_way's, and folders where a file goes keep_old's: both look at
 * every path, as they move things aside.
 * Returns 0, or -1 after a diag error naming the first such file. */
int commit_nothing_of_users_in_way(struct writer *w, const size_t *order)
{
	if (w->direct)
		return 0;	/* nothing was there */
	int listed = w->old_listed && !w->all_ours;
	for (size_t n = 0; n < w->nstaged; n++) {
		const char *staged = w->staged[order[n]];
		if (listed && strmap_get(&w->old_index, staged))
			continue;
		char *path = write_join(w->out, staged);
		struct stat st;
		/* where nothing is listed, only what a build writes can be an
		 * earlier page: a regular file (not a link, FIFO or socket) */
		int users = lstat(path, &st) == 0 && !S_ISDIR(st.st_mode) && (listed || !S_ISREG(st.st_mode));
		if (users)
			diag_error(w->d, path, 0, 0, NULL, 0, "a file that this generator did not write stands where "
				   "the build puts %s; move it away (nothing was changed)", staged);
		free(path);
		if (users)
			return -1;
	}
	return 0;
}

/* Does the earlier state list a file below the folder rel? (Asked only of
 * a link where a folder goes: rare, so a look through the whole list.) */
static int lists_below(const struct writer *w, const char *rel)
{
	size_t n = strlen(rel);
	for (size_t i = 0; i < w->nold; i++)
		if (strncmp(w->old_files[i], rel, n) == 0 && w->old_files[i][n] == '/')
			return 1;
	return 0;
}

/* Are files of this build that it did not stage (kept, or unchanged) below
 * the folder rel? They were looked at through real folders; a link there
 * now came while the build ran, and moving it aside would lose them. */
static int unstaged_below(const struct writer *w, const char *rel)
{
	size_t n = strlen(rel), all = 0, staged = 0;
	for (size_t i = 0; i < w->paths.cap; i++) {
		const char *k = w->paths.keys[i];
		all += k && strncmp(k, rel, n) == 0 && k[n] == '/';
	}
	for (size_t i = 0; i < w->nold; i++)
		all += w->old_mark[i] == OLD_KEPT && strncmp(w->old_files[i], rel, n) == 0 && w->old_files[i][n] == '/';
	for (size_t i = 0; i < w->nstaged; i++)
		staged += strncmp(w->staged[i], rel, n) == 0 && w->staged[i][n] == '/';
	return all > staged;
}

/* clear_the_way for staged file i: each folder on its way. */
static int clear_path(struct writer *w, struct commit *c, size_t i, int listed, struct arena *a, struct strmap *real)
{
	char *path = c->to[i];
	size_t base = strlen(w->out) + 1;
	for (char *p = path + base; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (strmap_get(real, path + base)) {
			*p = '/';
			continue;
		}
		struct stat st;
		int found = lstat(path, &st) == 0, in_way = found && !S_ISDIR(st.st_mode);
		if (found && !in_way)
			strmap_put(a, real, arena_strndup(a, path + base, strlen(path + base)), (void *)1);
		int ours = in_way && listed && (strmap_get(&w->old_index, path + base) ||
						(S_ISLNK(st.st_mode) && lists_below(w, path + base)));
		if (in_way && !ours) {
			/* not a file of ours: the user's, where a folder of ours goes;
			 * a link where the state lists files of ours below it (a
			 * folder of ours the user replaced by a link) is made a real
			 * folder again, its target left alone */
			diag_error(w->d, path, 0, 0, NULL, 0, "a file that this generator did not write stands where "
				   "the build puts %s; move it away (nothing was changed)", w->staged[i]);
			*p = '/';
			return -1;
		}
		if (in_way && S_ISLNK(st.st_mode) && unstaged_below(w, path + base)) {
			diag_error(w->d, path, 0, 0, NULL, 0, "became a link while the build ran (files it kept "
				   "below it would be lost); nothing was changed: build again");
			*p = '/';
			return -1;
		}
		if (in_way && c->naside <= w->nstaged) {
			char *bak = commit_old_path("d", c->naside);
			const char *name;
			int dir = write_open_parent(w, path + base, &name);
			if (dir < 0 || renameat(dir, name, w->staging_fd, bak) < 0) {
				int e = errno;
				diag_error(w->d, path, 0, 0, NULL, 0, "cannot move aside: %s", write_way_error(e));
				if (dir >= 0)
					close(dir);
				free(bak);
				*p = '/';
				return -1;
			}
			close(dir);
			c->aside[c->naside] = xstrdup(path);
			c->aside_bak[c->naside++] = bak;
		}
		*p = '/';
	}
	return 0;
}

/* A staged file can only move in where no old file stands on its path: a
 * file of ours where this build needs a directory (assets/x once a file, now
 * a folder) is moved aside first, for every staged file before the first
 * rename; any other file there is the user's (where nothing is listed, every
 * one: that is how a user's file meets a new tag or place). A folder found
 * real is not looked at again for the paths below it (reports/ holds
 * 10,000 pages: a template edit at 10,000 reports made 90,000 lstats).
 * Returns 0, or -1 after a diag error. */
int commit_clear_the_way(struct writer *w, struct commit *c, const size_t *order)
{
	int listed = w->old_listed && !w->all_ours;
	struct arena a = ARENA_INIT;
	struct strmap real = { 0 };	/* folders found real, relative */
	int r = 0;
	for (size_t n = 0; r == 0 && n < w->nstaged; n++)
		r = clear_path(w, c, order[n], listed, &a, &real);
	arena_free(&a);
	return r;
}
