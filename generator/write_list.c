/* write_list.c: the list of files a commit leaves, passed from one build to
 * the next in serve's kept process (write_internal.h: struct write_list), so
 * that the next build neither reads the state again nor looks its kept files
 * up by name: taken out of the writer after its commit, put back into the
 * next build's writer as write_read_old_files would have read it. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "buf.h"
#include "strmap.h"
#include "write.h"
#include "write_internal.h"
#include "xalloc.h"

void write_list_free(struct write_list *l)
{
	if (!l)
		return;
	buf_free(&l->names);
	free(l->files);
	free(l->digests);
	free(l->watched);
	free(l->safe);
	arena_free(&l->index_arena);
	buf_free(&l->extra);
	free(l->out);
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	free(l);
}

int write_list_same_files(const struct writer *w)
{
	size_t put = 0;
	for (size_t i = 0; i < w->nold; i++) {
		if (!w->old_mark[i])
			return 0;
		put += w->old_mark[i] == OLD_PUT;
	}
	return w->nold && w->old_complete && !w->all_ours && put == w->paths.len;
}

/* Whether w's files are the earlier state's and perhaps more: each old one
 * kept or made again, none to remove. */
static int list_only_grows(const struct writer *w)
{
	for (size_t i = 0; i < w->nold; i++)
		if (!w->old_mark[i])
			return 0;
	return w->nold && w->old_complete && !w->all_ours;
}

/* Room in w's old list for `more` files appended (one growth for all:
 * growing the arrays once a file copied 62,000 entries for each of an
 * add's 186 new files at 10,000 reports). */
static void grow_old_list(struct writer *w, size_t more)
{
	size_t n = w->nold + more + 1;
	w->old_files = xrealloc(w->old_files, n * sizeof(*w->old_files));
	w->old_digests = xrealloc(w->old_digests, n * sizeof(*w->old_digests));
	w->old_watched = xrealloc(w->old_watched, n * sizeof(*w->old_watched));
	w->old_safe = xrealloc(w->old_safe, n);
}

/* A file made that the earlier state did not list, appended to w's old
 * list (grown for it): the earlier files keep their places (render.h's
 * places of kept pages stay true), its name copied into the index's arena. */
static void append_old_file(struct writer *w, const char *rel, uint64_t digest)
{
	size_t n = w->nold;
	char *name = arena_strdup(&w->old_arena, rel);
	w->old_files[n] = name;
	w->old_digests[n] = digest;
	w->old_watched[n] = 0;
	w->old_safe[n] = (unsigned char)write_rel_is_safe(name);
	w->nold = n + 1;
	strmap_put(&w->old_arena, &w->old_index, name, (void *)(uintptr_t)w->nold);
}

struct write_list *write_list_leave(struct writer *w, uint64_t inputs)
{
	/* the earlier state's files, each kept or made again, and perhaps
	 * new ones (a report added): those are appended */
	if (!list_only_grows(w) || !w->old_watched || !w->old_safe)
		return NULL;
	struct write_list *l = xcalloc(1, sizeof(*l));
	l->lock_fd = -1;
	/* the digests the commit's state gives: the files made, as they
	 * were moved into place */
	size_t more = 0;
	for (size_t i = 0; i < w->paths.cap; i++) {
		const char *rel = w->paths.keys[i];
		if (!rel)
			continue;
		long k = write_old_position(w, rel);
		if (k >= 0)
			w->old_digests[k] = write_entry_of(rel)->digest;
		else
			more++;
	}
	if (more) {
		grow_old_list(w, more);
		for (size_t i = 0; i < w->paths.cap; i++) {
			const char *rel = w->paths.keys[i];
			if (rel && write_old_position(w, rel) < 0)
				append_old_file(w, rel, write_entry_of(rel)->digest);
		}
	}
	l->names = w->old_state;
	w->old_state = (struct buf)BUF_INIT;
	l->files = w->old_files;
	l->digests = w->old_digests;
	l->watched = w->old_watched;
	w->old_watched = NULL;
	l->safe = w->old_safe;
	w->old_safe = NULL;
	l->n = w->nold;
	w->old_files = NULL;
	w->old_digests = NULL;
	w->nold = 0;
	l->index = w->old_index;
	l->index_arena = w->old_arena;
	w->old_index = (struct strmap){ 0 };
	w->old_arena = (struct arena)ARENA_INIT;
	l->extra = w->extra;
	w->extra = (struct buf)BUF_INIT;
	l->inputs = inputs;
	l->outputs = w->digest;
	l->number = w->old_list_number;
	return l;
}

void write_list_take(struct writer *w, struct write_list *l)
{
	w->old_state = l->names;
	w->old_files = l->files;
	w->old_digests = l->digests;
	w->old_watched = l->watched ? l->watched : xcalloc(l->n + 1, sizeof(*w->old_watched));
	w->old_safe = l->safe;
	w->nold = l->n;
	w->old_index = l->index;
	w->old_arena = l->index_arena;
	w->old_extra_own = l->extra;
	w->old_extra = l->extra.data;
	w->old_extra_len = l->extra.len;
	w->old_inputs = l->inputs;
	w->old_outputs = l->outputs;
	w->found_outputs = l->outputs;
	w->found_inputs = l->inputs;
	w->old_list_number = l->number;
	free(l->out);
	free(l);
	w->old_mark = xcalloc(w->nold + 1, 1);
	w->old_taken = 1;
	w->old_state_read = 1;
	w->old_complete = w->old_inputs != 0;	/* as write_read_old_files reads it */
	w->old_listed = 1;
	if (!w->old_complete)
		w->old_extra_len = 0;
}
