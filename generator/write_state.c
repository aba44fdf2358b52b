/* write_state.c: what a build leaves in WRITE_STATE (the inputs' fingerprint,
 * a digest of the output and the list of its files) and what the next build
 * reads back: whether it has anything to do, and which files it may remove. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "text.h"
#include "threads.h"
#include "write.h"
#include "write_internal.h"
#include "xalloc.h"

/* The state is read only when it is a regular file of a sane size: a FIFO
 * or a link to /dev/zero put in its place must not hang or exhaust a build. */
#define STATE_MAX_BYTES ((off_t)256 << 20)

/* The section after the list of files: the state's owner's (see
 * writer_set_state_extra). A line that is no path of the list (it has a space
 * and no digest before it). */
#define EXTRA_LINE "-- extra"

/* The state's first line, and its last: "end N", N the bytes before that
 * line. A state cut short (a copy that stopped, a file system that lost the
 * tail of it) has no such end, and is not taken for a whole one: its list
 * would leave files of ours unnamed, taken for the user's. */
#define STATE_HEADER "sitegen-state 2\n"
#define STATE_END "end "

enum state_form { STATE_WHOLE, STATE_OLDER, STATE_DAMAGED };

/* The end line's offset in a state of size bytes whose last tail_len bytes
 * are at tail: 0, or -1 when its last line is not "end N" as this program
 * writes it (digits, no sign, no leading zero) with N that offset. */
static int end_line_at(const char *tail, size_t tail_len, size_t size, size_t *at)
{
	if (!tail_len || tail[tail_len - 1] != '\n')
		return -1;
	size_t i = tail_len - 1;
	while (i > 0 && tail[i - 1] != '\n')
		i--;
	if (i == 0 && tail_len < size)
		return -1;	/* the line starts before the tail: longer than an end line */
	const char *last = tail + i, *num = last + strlen(STATE_END), *stop = num, *nl = tail + tail_len - 1;
	size_t n = 0;
	if ((size_t)(nl - last) < strlen(STATE_END) + 1 || memcmp(last, STATE_END, strlen(STATE_END)) != 0)
		return -1;
	while (stop < nl && *stop >= '0' && *stop <= '9' && n <= size)
		n = n * 10 + (size_t)(*stop++ - '0');
	*at = size - (tail_len - i);
	return stop == num || (*num == '0' && stop - num > 1) || stop != nl || n != *at ? -1 : 0;
}

/* Which form data is in, and with STATE_WHOLE its body (the header and the
 * end line aside, so that older code's parsing holds). A state without the
 * header is an older sitegen's, read as it always was. */
static enum state_form state_form(const char *data, size_t len, const char **body, size_t *body_len)
{
	size_t h = strlen(STATE_HEADER), at;
	*body = data;
	*body_len = len;
	if (len < h || memcmp(data, STATE_HEADER, h) != 0)	/* an older sitegen's began with its inputs */
		return len >= 7 && memcmp(data, "inputs ", 7) == 0 ? STATE_OLDER : STATE_DAMAGED;
	if (end_line_at(data, len, len, &at) < 0 || at < h)
		return STATE_DAMAGED;
	*body = data + h;
	*body_len = at - h;
	return STATE_WHOLE;
}

uint64_t writer_output_digest(const char *out_dir)
{
	/* its head and its end line only: 26 MB at 50,000 reports, read
	 * after every build of `sitegen serve` */
	char *path = write_join(out_dir, WRITE_STATE);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_MAX_BYTES) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char head[4096], tail[64];
	size_t size = (size_t)st.st_size, hn = size < sizeof(head) - 1 ? size : sizeof(head) - 1,
	       tn = size < sizeof(tail) ? size : sizeof(tail), at;
	int ok = pread(fd, head, hn, 0) == (ssize_t)hn && pread(fd, tail, tn, (off_t)(size - tn)) == (ssize_t)tn;
	close(fd);
	head[ok ? hn : 0] = '\0';
	size_t h = strlen(STATE_HEADER);
	const char *body = head;
	if (ok && hn >= h && memcmp(head, STATE_HEADER, h) == 0) {
		ok = end_line_at(tail, tn, size, &at) == 0 && at >= h;
		body += h;
	}
	unsigned long long in = 0, out = 0;
	return ok && sscanf(body, "inputs %llx outputs %llx", &in, &out) == 2 ? out : 0;
}

/* One line of the list: "<digest> <path>", or a path alone (a state written
 * before the digests were, or a line added by hand): digest 0, not known. */
static void parse_file_line(const char *line, size_t n, const char **rel, size_t *rel_len, uint64_t *digest)
{
	*rel = line;
	*rel_len = n;
	*digest = 0;
	uint64_t h;
	if (n > 17 && line[16] == ' ' && text_hex16(line, &h) == 0) {
		*digest = h;
		*rel = line + 17;
		*rel_len = n - 17;
	}
}

/* rel: NUL-terminated, in w->old_state. A path listed twice (by hand) is
 * one old file: the first line's. */
static void add_old_file(struct writer *w, size_t *cap, char *rel, uint64_t digest)
{
	if (strmap_get(&w->old_index, rel))
		return;
	if (w->nold == *cap) {
		*cap = *cap ? *cap / 2 * 3 : 1024;
		w->old_files = xrealloc(w->old_files, *cap * sizeof(*w->old_files));
		w->old_digests = xrealloc(w->old_digests, *cap * sizeof(*w->old_digests));
	}
	w->old_files[w->nold] = rel;
	w->old_digests[w->nold] = digest;
	w->nold++;
	strmap_put(&w->old_arena, &w->old_index, rel, (void *)(uintptr_t)w->nold);
}

/* The numbers of the lists of files read (writer_old_list_number), in
 * this process: a list passed from one build to the next keeps its own. */
static uint64_t lists_read;

/* Reads WRITE_STATE's list of files into w (nothing when there is none),
 * and its extra section when that build's commit ended. The state is kept
 * whole, its paths ended in place: 61,000 at 10,000 reports were as many
 * copies, in an array grown one at a time. */
void write_read_old_files(struct writer *w)
{
	w->old_list_number = ++lists_read;
	char *path = write_join(w->out, WRITE_STATE);
	struct buf *b = &w->old_state;
	errno = 0;
	int r = write_load_state(path, b);
	w->old_state_read = r == 0;	/* its bytes, whatever they say: put back by write_state_restore */
	w->old_state_missing = r < 0 && errno == ENOENT;
	const char *body;
	size_t body_len;
	const char *why = r == 0 ? (state_form(b->data, b->len, &body, &body_len) == STATE_DAMAGED
				    ? "is damaged (cut short or changed) or another version's" : NULL)
			  : errno == ENOENT ? "is missing" : "is not a file of a state's size that can be read";
	if (why) {	/* a checkout of the pages without it, a copy that stopped, … */
		progress_clear();
		fprintf(stderr, "sitegen: %s %s: the files earlier builds wrote cannot be told from yours, so every page "
			"is made again and those this build no longer makes stay (build into an empty directory to be rid "
			"of them)\n", path, why);
		r = -1;
	}
	free(path);
	if (r < 0)
		return;
	unsigned long long in = 0, out = 0;
	int complete = sscanf(body, "inputs %llx outputs %llx", &in, &out) == 2 && in != 0;
	w->found_outputs = complete ? out : 0;
	w->found_inputs = complete ? in : 0;
	char *line = b->data + (body - b->data), *end = line + body_len;
	int in_list = 0;
	size_t cap = 0;
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (n == strlen(EXTRA_LINE) && memcmp(line, EXTRA_LINE, n) == 0) {
			if (nl) {
				w->old_extra = nl + 1;
				w->old_extra_len = (size_t)(end - nl - 1);
			}
			break;
		}
		if (in_list && n) {
			const char *rel;
			size_t len;
			uint64_t digest;
			parse_file_line(line, n, &rel, &len, &digest);
			line[n] = '\0';	/* the newline, or the state's own NUL */
			add_old_file(w, &cap, line + (rel - line), digest);
		} else if (n == 5 && memcmp(line, "files", 5) == 0) {
			in_list = 1;
		} else if (n == 10 && memcmp(line, "incomplete", 10) == 0) {
			w->all_ours = 1;
			complete = 0;
		}
		line += n + 1;
	}
	w->old_mark = xcalloc(w->nold + 1, 1);
	w->old_watched = xcalloc(w->nold + 1, sizeof(*w->old_watched));
	w->old_safe = xmalloc(w->nold + 1);
	for (size_t i = 0; i < w->nold; i++)
		w->old_safe[i] = (unsigned char)write_rel_is_safe(w->old_files[i]);
	w->old_complete = complete && in_list;
	w->old_listed = in_list;
	if (!w->old_complete)
		w->old_extra_len = 0;
}

int write_state_each_file(const char *out, int (*each)(void *ctx, const char *rel, uint64_t digest), void *ctx)
{
	char *path = write_join(out, WRITE_STATE);
	struct buf b = BUF_INIT, rel = BUF_INIT;
	const char *body = NULL;
	size_t body_len = 0;
	int r = write_load_state(path, &b) == 0 && state_form(b.data, b.len, &body, &body_len) != STATE_DAMAGED ? 0 : -1;
	free(path);
	int in_list = 0;
	for (const char *line = body, *end = body + body_len; r == 0 && line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (n == strlen(EXTRA_LINE) && memcmp(line, EXTRA_LINE, n) == 0)
			break;
		if (in_list && n) {
			const char *name;
			size_t name_len;
			uint64_t digest;
			parse_file_line(line, n, &name, &name_len, &digest);
			buf_reset(&rel);
			buf_add(&rel, name, name_len);
			if (each(ctx, rel.data, digest))
				break;
		} else if (n == 5 && memcmp(line, "files", 5) == 0) {
			in_list = 1;
		}
		line += n + 1;
	}
	buf_free(&rel);
	buf_free(&b);
	return r;
}

/* One line of the list (parse_file_line's). */
static void add_file_line(struct buf *b, uint64_t digest, const char *rel)
{
	buf_add_hex16(b, digest);
	buf_addch(b, ' ');
	buf_addstr(b, rel);
	buf_addch(b, '\n');
}

static void state_begin(struct buf *b, uint64_t inputs, uint64_t digest)
{
	buf_addstr(b, STATE_HEADER);
	buf_addf(b, "inputs %016llx\noutputs %016llx\n", (unsigned long long)inputs, (unsigned long long)digest);
}

static void state_add_extra(struct buf *b, const struct buf *extra)
{
	if (extra->len) {
		buf_addstr(b, EXTRA_LINE "\n");
		buf_add(b, extra->data, extra->len);
	}
}

/* data as WRITE_STATE in the output open as dir_fd (the folder the build
 * locked: not its name, which someone may point elsewhere while it runs;
 * by out's path when -1), replaced atomically. */
static int state_put(const char *out, int dir_fd, const char *data, size_t len)
{
	char *path = dir_fd < 0 ? write_join(out, WRITE_STATE) : xstrdup(WRITE_STATE);
	char *tmp = dir_fd < 0 ? write_join(out, WRITE_STATE ".tmp") : xstrdup(WRITE_STATE ".tmp");
	int at = dir_fd < 0 ? AT_FDCWD : dir_fd;
	int r = write_whole_file_at(at, tmp, data, len, NULL);
	if (r == 0 && renameat(at, tmp, at, path) < 0)
		r = -1;
	if (r < 0) {
		int e = errno;	/* the caller reports why it failed, not why unlink did */
		unlinkat(at, tmp, 0);
		errno = e;
	}
	free(path);
	free(tmp);
	return r;
}

/* b, ended, as out's WRITE_STATE (state_put); b is freed. */
static int state_replace(const char *out, int dir_fd, struct buf *b)
{
	buf_addf(b, STATE_END "%zu\n", b->len);
	int r = state_put(out, dir_fd, b->data, b->len);
	buf_free(b);
	return r;
}

/* WRITE_STATE, replaced atomically: the fingerprints, then "files" and
 * every file of the output (w's, and with `also` the earlier build's too,
 * while a commit is under way), or "incomplete" when w is NULL. */
int write_state_files(const char *out, int dir_fd, uint64_t inputs, uint64_t digest, const struct writer *w, int also)
{
	struct buf b = BUF_INIT;
	state_begin(&b, inputs, digest);
	if (!w) {
		buf_addstr(&b, "incomplete\n");
	} else {
		buf_addstr(&b, "files\n");
		for (size_t i = 0; i < w->paths.cap; i++)
			if (w->paths.keys[i])
				add_file_line(&b, write_entry_of(w->paths.keys[i])->digest, w->paths.keys[i]);
		/* the old files kept, and with also those it does not make */
		for (size_t i = 0; i < w->nold; i++)
			if (w->old_mark[i] == OLD_KEPT || (also && !w->old_mark[i]))
				add_file_line(&b, w->old_digests[i], w->old_files[i]);
		/* only once the commit is done: until then it would speak of
		 * files not yet in place */
		if (!also)
			state_add_extra(&b, &w->extra);
	}
	return state_replace(out, dir_fd, &b);
}

/* A state of a commit that ended, from a list of its files (in the list's
 * order: the order says nothing), replaced atomically. */
static int state_of_files(const char *out, int dir_fd, uint64_t inputs, uint64_t outputs, char *const *files,
			  const uint64_t *digests, size_t n, const struct buf *extra)
{
	struct buf b = BUF_INIT;
	state_begin(&b, inputs, outputs);
	buf_addstr(&b, "files\n");
	for (size_t i = 0; i < n; i++)
		add_file_line(&b, digests[i], files[i]);
	state_add_extra(&b, extra);
	return state_replace(out, dir_fd, &b);
}

/* The earlier state, taken from the last commit's list, made again: the
 * same files, digests, fingerprints and extra section. */
static int restore_taken(struct writer *w)
{
	size_t n = w->nold;
	w->nold = 0;	/* as write_state_restore leaves it */
	return state_of_files(w->out, w->lock_fd, w->old_inputs, w->old_outputs, w->old_files, w->old_digests, n,
			      &w->old_extra_own);
}

int write_state_restore(struct writer *w)
{
	if (w->old_state_missing) {	/* as it was: none (the next build says so again) */
		return unlinkat(w->lock_fd, WRITE_STATE, 0);
	}
	if (w->old_taken)
		return restore_taken(w);
	if (!w->old_state_read)
		return 0;	/* one that could not be read (a FIFO): the commit's stays */
	/* write_read_old_files ended the paths in place: their line breaks back */
	char *end = w->old_state.data + w->old_state.len;
	for (size_t i = 0; i < w->nold; i++) {
		char *nul = w->old_files[i] + strlen(w->old_files[i]);
		if (nul < end)
			*nul = '\n';
	}
	w->nold = 0;	/* their paths run on now */
	return state_put(w->out, w->lock_fd, w->old_state.data, w->old_state.len);
}

int write_state(const char *out, int dir_fd, uint64_t inputs, uint64_t digest, const struct writer *w)
{
	return write_state_files(out, dir_fd, inputs, digest, w, 0);
}

int write_load_state(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_MAX_BYTES) {
		close(fd);
		return -1;
	}
	/* read straight into room for the size it has (7.7 MB at 10,000
	 * reports: growing a buffer 64 KiB at a time copied it twice over);
	 * a file that grows meanwhile is read on, up to the bound */
	buf_grow(b, (size_t)st.st_size + 1);
	ssize_t n;
	do {
		if (b->cap - b->len < 65536)
			buf_grow(b, 65536);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n > 0) {
			b->len += (size_t)n;
			b->data[b->len] = '\0';
		}
	} while ((n > 0 || (n < 0 && errno == EINTR)) && b->len <= (size_t)STATE_MAX_BYTES);
	close(fd);
	return 0;
}

/* A part of the list digest_listed sums: whole lines from..to. */
struct listed_part {
	const char *out_dir;
	int out_fd;
	const char *from, *to;
	atomic_int *bad;	/* a file is missing or changed: every part stops */
	uint64_t sum;
};

static void *digest_listed_part(void *arg, size_t k)
{
	struct listed_part *part = (struct listed_part *)arg + k;
	struct kept_dirs kd;
	kept_dirs_init(&kd, part->out_fd);
	struct buf rel = BUF_INIT;
	for (const char *line = part->from, *end = part->to; line < end && !atomic_load_explicit(part->bad,
	     memory_order_relaxed);) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		const char *name;
		size_t name_len;
		uint64_t digest;
		parse_file_line(line, n, &name, &name_len, &digest);
		buf_reset(&rel);
		buf_add(&rel, name, name_len);
		line += n + 1;
		if (!n || strcmp(rel.data, WRITE_MARKER) == 0 || strcmp(rel.data, WRITE_STATE) == 0)
			continue;
		struct stat st;
		if (!write_rel_is_safe(rel.data) || write_stat_below(&kd, part->out_dir, rel.data, &st) < 0 ||
		    !S_ISREG(st.st_mode)) {
			atomic_store(part->bad, 1);
			break;
		}
		part->sum += write_file_digest(rel.data, &st);
	}
	kept_dirs_release(&kd);
	buf_free(&rel);
	return NULL;
}

/* The digest of the files a state lists (marker and state aside), as
 * writer_put summed them; UINT64_MAX when one is missing or reached through
 * a link (a folder the user replaced by one: a full build would make it
 * real again). out_fd: the output, open. An lstat per file (61,000 at
 * 10,000 reports, most of a build with nothing changed), split among the
 * threads a build would use, a part of whole lines each. */
static uint64_t digest_listed(const char *out_dir, int out_fd, const char *state, size_t len)
{
	const char *list = strstr(state, "\nfiles\n"), *end = state + len;
	if (!list)
		return UINT64_MAX;
	list += 7;
	for (const char *line = list; line < end;) {	/* the list ends where the record starts */
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (n == strlen(EXTRA_LINE) && memcmp(line, EXTRA_LINE, n) == 0) {
			end = line;
			break;
		}
		line += n + 1;
	}
	/* a thread for fewer than a few thousand files costs more than it saves */
	size_t nt = (size_t)threads_count(0), lines_guess = (size_t)(end - list) / 48 + 1;
	if (nt > lines_guess / 4096 + 1)
		nt = lines_guess / 4096 + 1;
	struct listed_part *parts = xcalloc(nt, sizeof(*parts));
	atomic_int bad = 0;
	const char *at = list;
	for (size_t k = 0; k < nt; k++) {
		const char *to = k + 1 == nt ? end : list + (size_t)(end - list) * (k + 1) / nt;
		if (to < at)
			to = at;
		while (to < end && to > list && to[-1] != '\n')	/* whole lines */
			to++;
		parts[k] = (struct listed_part){ out_dir, out_fd, at, to, &bad, 0 };
		at = to;
	}
	threads_run(nt, digest_listed_part, parts, NULL);
	uint64_t sum = 0;
	for (size_t k = 0; k < nt; k++)
		sum += parts[k].sum;
	free(parts);
	return atomic_load(&bad) ? UINT64_MAX : sum;
}

uint64_t writer_found_inputs(const struct writer *w)
{
	return w->found_inputs;
}

int writer_is_current(const char *out_dir, uint64_t inputs)
{
	/* under the lock: a build in flight must finish before we look */
	int fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (!write_ahead_holds(fd) && flock(fd, LOCK_SH | LOCK_NB) < 0) {
		fprintf(stderr, "sitegen: another build is writing to %s; waiting for it to finish\n", out_dir);
		while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
			;
	}
	char *path = write_join(out_dir, WRITE_STATE), *staging = write_join(out_dir, STAGING_DIR);
	struct buf b = BUF_INIT;
	unsigned long long in = 0, out = 0;
	const char *body;
	size_t body_len;
	struct stat st;
	int current = lstat(staging, &st) < 0 && write_load_state(path, &b) == 0 &&
		      state_form(b.data, b.len, &body, &body_len) != STATE_DAMAGED &&
		      sscanf(body, "inputs %llx outputs %llx", &in, &out) == 2 && in == inputs &&
		      out == digest_listed(out_dir, fd, body, body_len);
	buf_free(&b);
	free(path);
	free(staging);
	close(fd);	/* and the lock with it */
	return current;
}

const char *writer_state_extra(const struct writer *w, size_t *len)
{
	*len = w->old_extra_len;
	return w->old_extra_len ? w->old_extra : NULL;
}

int writer_state_extra_is_own(const struct writer *w)
{
	return w->old_taken;
}

void writer_set_state_extra(struct writer *w, const char *data, size_t len)
{
	buf_reset(&w->extra);
	buf_add(&w->extra, data, len);
}

int write_state_of_list(const struct write_list *l)
{
	return state_of_files(l->out, l->lock_fd, l->inputs, l->outputs, l->files, l->digests, l->n, &l->extra);
}
