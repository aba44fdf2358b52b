/* write_state.c: what a build leaves in WRITE_STATE (the inputs' fingerprint,
 * a digest of the output and the list of its files) and what the next build
 * reads back: whether it has anything to do, and which files it may remove. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "write.h"
#include "write_internal.h"
#include "xalloc.h"

/* The state is read only when it is a regular file of a sane size: a FIFO
 * or a link to /dev/zero put in its place must not hang or exhaust a build. */
#define STATE_MAX_BYTES ((off_t)256 << 20)

/* Reads WRITE_STATE's list of files into w (nothing when there is none). */
void write_read_old_files(struct writer *w)
{
	char *path = write_join(w->out, WRITE_STATE);
	struct buf b = BUF_INIT;
	int r = write_load_state(path, &b);
	free(path);
	if (r < 0)
		return;
	char *line = b.data, *end = b.data + b.len;
	int in_list = 0;
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (in_list && n) {
			w->old_files = xrealloc(w->old_files, (w->nold + 1) * sizeof(*w->old_files));
			w->old_files[w->nold++] = xstrndup(line, n);
		} else if (n == 5 && memcmp(line, "files", 5) == 0) {
			in_list = 1;
		} else if (n == 10 && memcmp(line, "incomplete", 10) == 0) {
			w->all_ours = 1;
		}
		line += n + 1;
	}
	buf_free(&b);
}

/* WRITE_STATE, replaced atomically: the fingerprints, then "files" and
 * every file of the output (w's, and with `also` the earlier build's too,
 * while a commit is under way), or "incomplete" when w is NULL. */
int write_state_files(const char *out, uint64_t inputs, uint64_t digest, const struct writer *w, int also)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "inputs %016llx\noutputs %016llx\n", (unsigned long long)inputs, (unsigned long long)digest);
	if (!w) {
		buf_addstr(&b, "incomplete\n");
	} else {
		buf_addstr(&b, "files\n");
		for (size_t i = 0; i < w->paths.cap; i++)
			if (w->paths.keys[i])
				buf_addf(&b, "%s\n", w->paths.keys[i]);
		for (size_t i = 0; also && i < w->nold; i++)
			if (!write_set_has(w, w->old_files[i]))
				buf_addf(&b, "%s\n", w->old_files[i]);
	}
	char *path = write_join(out, WRITE_STATE), *tmp = write_join(out, WRITE_STATE ".tmp");
	int r = write_whole_file(tmp, b.data, b.len, NULL);
	if (r == 0 && rename(tmp, path) < 0)
		r = -1;
	if (r < 0) {
		int e = errno;	/* the caller reports why it failed, not why unlink did */
		unlink(tmp);
		errno = e;
	}
	free(path);
	free(tmp);
	buf_free(&b);
	return r;
}

int write_state(const char *out, uint64_t inputs, uint64_t digest, const struct writer *w)
{
	return write_state_files(out, inputs, digest, w, 0);
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
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && b->len <= (size_t)STATE_MAX_BYTES)
		buf_add(b, chunk, (size_t)n);
	close(fd);
	return 0;
}

/* The digest of the files a state lists (marker and state aside), as
 * writer_put summed them; UINT64_MAX when one is missing. */
static uint64_t digest_listed(const char *out_dir, const char *state, size_t len)
{
	const char *list = strstr(state, "\nfiles\n");
	if (!list)
		return UINT64_MAX;
	uint64_t sum = 0;
	struct buf rel = BUF_INIT;
	for (const char *line = list + 7, *end = state + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		buf_reset(&rel);
		buf_add(&rel, line, n);
		line += n + 1;
		if (!n || strcmp(rel.data, WRITE_MARKER) == 0 || strcmp(rel.data, WRITE_STATE) == 0)
			continue;
		char *path = write_join(out_dir, rel.data);
		struct stat st;
		int ok = write_rel_is_safe(rel.data) && lstat(path, &st) == 0 && S_ISREG(st.st_mode);
		free(path);
		if (!ok) {
			sum = UINT64_MAX;
			break;
		}
		sum += write_file_digest(rel.data, &st);
	}
	buf_free(&rel);
	return sum;
}

int writer_is_current(const char *out_dir, uint64_t inputs)
{
	/* under the lock: a build in flight must finish before we look */
	int fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		fprintf(stderr, "sitegen: another build is writing to %s; waiting for it to finish\n", out_dir);
		while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
			;
	}
	char *path = write_join(out_dir, WRITE_STATE), *staging = write_join(out_dir, STAGING_DIR);
	struct buf b = BUF_INIT;
	unsigned long long in = 0, out = 0;
	struct stat st;
	int current = lstat(staging, &st) < 0 && write_load_state(path, &b) == 0 &&
		      sscanf(b.data, "inputs %llx outputs %llx", &in, &out) == 2 && in == inputs &&
		      out == digest_listed(out_dir, b.data, b.len);
	buf_free(&b);
	free(path);
	free(staging);
	close(fd);	/* and the lock with it */
	return current;
}
