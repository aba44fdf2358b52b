/* serve_terminal: the builds' messages as `sitegen serve` passes them on
 * to the terminal. Every save builds, and every build says every warning
 * of the site: with a few dozen in an archive (the near names the index
 * warns of), the one an editor's save just caused scrolled by among the
 * others (stop 40's editor review). So a warning the last build said too
 * (the same first line: its file, place and text) is counted and not said
 * again, unless it is of a file saved for this build; serve_terminal_end
 * gives the counts for the build's line, and how many of the last build's
 * are gone. The open pages show every warning as before (serve_build.c
 * keeps the messages whole). Each line goes on as it comes, so that a
 * warning keeps its place among the build's other lines. Used by the build
 * thread alone, like the build process it reads (serve_build.c). */
#define _GNU_SOURCE
#include "serve_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "xalloc.h"

static struct {
	struct buf in;		/* what came after the last whole line */
	struct buf saved;	/* the files saved for this build, each ended by a NUL */
	int quiet;		/* the lines under a warning not said again: not said either */
	uint64_t *before;	/* the last build's warnings, by digest, sorted, once each */
	unsigned char *seen;	/* by one of before: this build said it too */
	size_t nbefore, capbefore;
	uint64_t *now;		/* this build's */
	size_t nnow, capnow;
	struct serve_warned counts;
} term;

/* A message's first line that is a warning: "path:line:col: warning: …"
 * (or "path: warning: …"), not a line under another (an excerpt, its
 * caret: indented) nor one of sitegen's own ("sitegen: …"), nor an error
 * whose text holds ": warning: " (the hostile review's: a date written so,
 * then hidden as a repeated warning). */
static int starts_warning(const char *line, size_t n)
{
	if (!n || line[0] == ' ' || line[0] == '\t' || (n > 8 && memcmp(line, "sitegen:", 8) == 0))
		return 0;
	const char *warning = memmem(line, n, ": warning: ", 11), *error = memmem(line, n, ": error: ", 9);
	return warning && (!error || warning < error);
}

/* Is the warning's file (its first line up to the first ':') one saved
 * for this build? */
static int of_a_saved_file(const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	size_t len = colon ? (size_t)(colon - line) : 0;
	for (size_t at = 0; len && at < term.saved.len; at += strlen(term.saved.data + at) + 1)
		if (strlen(term.saved.data + at) == len && memcmp(term.saved.data + at, line, len) == 0)
			return 1;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* A warning's first line (n bytes, its newline in them or not): said, or
 * counted when the last build said it too. */
static void take_warning(const char *line, size_t n)
{
	size_t key = n && line[n - 1] == '\n' ? n - 1 : n;
	uint64_t h = hash_bytes(HASH_INIT, line, key);
	if (term.nnow == term.capnow) {
		term.capnow = term.capnow ? 2 * term.capnow : 64;
		term.now = xrealloc(term.now, term.capnow * sizeof(*term.now));
	}
	term.now[term.nnow++] = h;
	term.counts.warnings++;
	const uint64_t *was = term.nbefore ? bsearch(&h, term.before, term.nbefore, sizeof(h), cmp_u64) : NULL;
	if (was)
		term.seen[was - term.before] = 1;
	term.quiet = was && !of_a_saved_file(line, n);
	if (term.quiet)
		term.counts.repeated++;
	else
		fwrite(line, 1, n, stderr);
}

/* One line, with its newline (or without: the last of a build). */
static void take_line(const char *line, size_t n)
{
	if (line[0] == ' ' || line[0] == '\t') {	/* under the line before it */
		if (!term.quiet)
			fwrite(line, 1, n, stderr);
		return;
	}
	term.quiet = 0;
	if (starts_warning(line, n))
		take_warning(line, n);
	else
		fwrite(line, 1, n, stderr);
}

void serve_terminal_saved(const char *names, size_t len)
{
	buf_reset(&term.saved);
	buf_add(&term.saved, names, len);
}

void serve_terminal_take(const char *chunk, size_t n)
{
	buf_add(&term.in, chunk, n);
	size_t at = 0;
	for (const char *nl; (nl = memchr(term.in.data + at, '\n', term.in.len - at));) {
		size_t len = (size_t)(nl - (term.in.data + at)) + 1;
		take_line(term.in.data + at, len);
		at += len;
	}
	if (at) {	/* the line not ended yet to the front */
		memmove(term.in.data, term.in.data + at, term.in.len - at);
		term.in.len -= at;
		term.in.data[term.in.len] = '\0';
	}
}

struct serve_warned serve_terminal_end(void)
{
	if (term.in.len)
		take_line(term.in.data, term.in.len);
	buf_reset(&term.in);
	buf_reset(&term.saved);
	term.quiet = 0;
	fflush(stderr);
	struct serve_warned counts = term.counts;
	for (size_t i = 0; i < term.nbefore; i++)
		counts.gone += !term.seen[i];
	/* this build's warnings, once each, are the next one's "before" */
	if (term.nnow)
		qsort(term.now, term.nnow, sizeof(*term.now), cmp_u64);
	size_t unique = 0;
	for (size_t i = 0; i < term.nnow; i++)
		if (!unique || term.now[i] != term.now[unique - 1])
			term.now[unique++] = term.now[i];
	uint64_t *old = term.before;
	size_t old_cap = term.capbefore;
	term.before = term.now;
	term.capbefore = term.capnow;
	term.nbefore = unique;
	term.now = old;
	term.capnow = old_cap;
	term.nnow = 0;
	free(term.seen);
	term.seen = xcalloc(term.nbefore + 1, 1);
	memset(&term.counts, 0, sizeof(term.counts));
	return counts;
}

void serve_terminal_free(void)
{
	buf_free(&term.in);
	buf_free(&term.saved);
	free(term.before);
	free(term.seen);
	free(term.now);
	memset(&term, 0, sizeof(term));
}
