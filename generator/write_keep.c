/* write_keep.c: keeping what the earlier build wrote, for a build that
 * knows a file would come out the same (incremental rendering, the search
 * index's patch): the file becomes this build's as it stands, unread, when
 * the earlier state lists it and it is still as that build left it
 * (write_kept.c looks). See write.h. */
#define _DEFAULT_SOURCE
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "threads.h"
#include "write.h"
#include "write_internal.h"
#include "xalloc.h"

/* Keeping old file k: only when the earlier build's commit ended, the file
 * is listed with its digest and still has it (nobody has touched it since),
 * and no link in the output could make a path mean another file. */
static int may_keep_old(struct writer *w, struct kept_dirs *kd, size_t k)
{
	const char *rel = w->old_files[k];
	if (w->dry || w->direct || !w->old_complete || !w->old_digests[k] ||
	    !(w->old_safe ? w->old_safe[k] : write_rel_is_safe(rel)))
		return 0;
	struct stat st;
	uint64_t digest = w->old_digests[k];
	if (w->watch && write_watch_trusts(w->watch, w, k, kd))
		return 1;
	return write_stat_kept(w, kd, rel, &st) == 0 && S_ISREG(st.st_mode) && write_file_digest(rel, &st) == digest;
}

/* The same for the file rel: its position among the old files, or -1. */
static long may_keep(struct writer *w, struct kept_dirs *kd, const char *rel)
{
	long k = write_old_position(w, rel);
	return k >= 0 && may_keep_old(w, kd, (size_t)k) ? k : -1;
}

/* Makes old file k the build's as it stands (the caller holds the lock);
 * counted as offered already when `counted` (a batch counts as it checks).
 * -1 when the build has it already. */
static int add_kept(struct writer *w, size_t k, int counted)
{
	if (w->old_mark[k])
		return -1;
	w->old_mark[k] = OLD_KEPT;
	w->digest += w->old_digests[k];
	w->stats.unchanged++;
	if (!counted)
		atomic_fetch_add_explicit(&w->offered, 1, memory_order_relaxed);
	return 0;
}

/* One thread's keeps: checked as they come, joined to the build's set at
 * the end under one lock (see write.h). */
struct keep_batch {
	struct writer *w;
	struct kept_dirs *kd;	/* the thread's own for the whole render */
	size_t *kept;		/* the old files kept, by position */
	size_t n, cap;
};

struct keep_batch *writer_keep_batch_begin(struct writer *w)
{
	struct keep_batch *kb = xcalloc(1, sizeof(*kb));
	kb->w = w;
	kb->kd = kept_dirs_take(w);
	return kb;
}

static void batch_room(struct keep_batch *kb, size_t n)
{
	if (kb->n + n > kb->cap) {
		kb->cap = 2 * (kb->n + n) + 64;
		kb->kept = xrealloc(kb->kept, kb->cap * sizeof(*kb->kept));
	}
}

int writer_keep_batched(struct keep_batch *kb, const char *const *rels, size_t n)
{
	struct writer *w = kb->w;
	batch_room(kb, n);
	for (size_t i = 0; i < n; i++) {
		long k = may_keep(w, kb->kd, rels[i]);
		if (k < 0)
			return -1;
		kb->kept[kb->n + i] = (size_t)k;
	}
	kb->n += n;
	atomic_fetch_add_explicit(&w->offered, n, memory_order_relaxed);
	return 0;
}

void writer_keep_batch_places(const struct keep_batch *kb, size_t n, uint32_t *places)
{
	for (size_t i = 0; i < n; i++)
		places[i] = (uint32_t)kb->kept[kb->n - n + i];
}

uint64_t writer_old_list_number(const struct writer *w)
{
	return w->old_list_number;
}

int writer_keep_batched_at(struct keep_batch *kb, uint64_t list, const uint32_t *places, size_t n)
{
	struct writer *w = kb->w;
	if (!list || list != w->old_list_number)
		return -1;
	batch_room(kb, n);
	for (size_t i = 0; i < n; i++) {
		if (places[i] >= w->nold || !may_keep_old(w, kb->kd, places[i]))
			return -1;
		kb->kept[kb->n + i] = places[i];
	}
	kb->n += n;
	atomic_fetch_add_explicit(&w->offered, n, memory_order_relaxed);
	return 0;
}

int writer_keep_batch_end(struct keep_batch *kb)
{
	struct writer *w = kb->w;
	int ok = 1;
	kept_dirs_give_back(w, kb->kd, 0);
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < kb->n; i++)
		if (add_kept(w, kb->kept[i], 1) < 0) {
			/* a page made this build wrote it too: as writer_put says */
			diag_error(w->d, w->old_files[kb->kept[i]], 0, 0, NULL, 0, "two pages of this build want the same file");
			ok = 0;
		}
	pthread_mutex_unlock(&w->lock);
	free(kb->kept);
	free(kb);
	return ok ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The files under a directory that a keep checks, split among threads:
 * 38,000 of the search index's at 10,000 reports, an fstatat each, were
 * the search step's longest part when a body edit patches the index. */
struct keep_scan {
	struct writer *w;
	const unsigned char *mine;	/* the files to check */
	size_t nthreads;
	atomic_int ok;
};

static void *keep_scan_part(void *arg, size_t k)
{
	struct keep_scan *ks = arg;
	struct writer *w = ks->w;
	size_t from = w->nold * k / ks->nthreads, to = w->nold * (k + 1) / ks->nthreads;
	struct kept_dirs *kd = kept_dirs_take(w);
	for (size_t i = from; i < to && atomic_load_explicit(&ks->ok, memory_order_relaxed); i++)
		if (ks->mine[i] && !may_keep_old(w, kd, i))
			atomic_store(&ks->ok, 0);
	kept_dirs_give_back(w, kd, 0);
	return NULL;
}

int writer_keep_under_except(struct writer *w, const char *dir, const char *const *except, size_t nexcept,
			     int jobs)
{
	size_t n = strlen(dir);
	const char **skip = xcalloc(nexcept + 1, sizeof(*skip));
	if (nexcept)
		memcpy(skip, except, nexcept * sizeof(*skip));
	qsort(skip, nexcept, sizeof(*skip), cmp_str);
	unsigned char *mine = xcalloc(w->nold + 1, 1);	/* the files to keep */
	size_t nmine = 0;
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->nold; i++) {
		const char *rel = w->old_files[i];
		mine[i] = strncmp(rel, dir, n) == 0 && !w->old_mark[i] &&
			  !(nexcept && bsearch(&rel, skip, nexcept, sizeof(*skip), cmp_str));
		nmine += mine[i];
	}
	pthread_mutex_unlock(&w->lock);
	/* a thread for fewer than a few thousand files costs more than it saves */
	size_t nt = (size_t)threads_count(jobs);
	if (nt > nmine / 4096 + 1)
		nt = nmine / 4096 + 1;
	struct keep_scan ks = { .w = w, .mine = mine, .nthreads = nt, .ok = 1 };
	threads_run(nt, keep_scan_part, &ks, NULL);
	int ok = atomic_load(&ks.ok);
	pthread_mutex_lock(&w->lock);
	/* one written meanwhile is the build's own, not kept */
	for (size_t i = 0; ok && i < w->nold; i++)
		if (mine[i] && !w->old_mark[i])
			add_kept(w, i, 0);
	pthread_mutex_unlock(&w->lock);
	free(mine);
	free(skip);
	return ok ? 0 : -1;
}

int writer_keep_under(struct writer *w, const char *dir, int jobs)
{
	return writer_keep_under_except(w, dir, NULL, 0, jobs);
}

int writer_read_kept(struct writer *w, const char *rel, struct buf *out)
{
	struct kept_dirs *kd = kept_dirs_take(w);
	buf_reset(out);
	long k = may_keep(w, kd, rel);
	uint64_t digest = k >= 0 ? w->old_digests[k] : 0;
	int fd = k >= 0 ? write_open_kept(w, kd, rel) : -1;
	kept_dirs_give_back(w, kd, 0);
	struct stat st;
	/* its stat again, from the file read: it is the one may_keep saw */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || write_file_digest(rel, &st) != digest) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	close(fd);
	return n < 0 || out->len != (size_t)st.st_size ? -1 : 0;
}
