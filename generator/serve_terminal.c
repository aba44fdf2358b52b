/* serve_terminal: the builds' messages as `sitegen serve` passes them on
 * to the terminal. Every save builds, and every build says every warning
 * of the site: with a few dozen in an archive (the near names the index
 * warns of), the one an editor's save just caused scrolled by among the
 * others (the editor review's find). So a warning the last build said too,
 * the same lines (its file, place, text and excerpt), is counted and not
 * said again; the terminal's build line gives the count, and the open
 * pages show every warning as before (serve_build.c keeps them all). Any
 * other line, errors first, goes through as it comes. Used by the build
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
	struct buf warning;	/* a warning's first line and those under it, gathered */
	uint64_t *before;	/* the last build's warnings, by digest, sorted */
	size_t nbefore, capbefore;
	uint64_t *now;		/* this build's */
	size_t nnow, capnow;
	size_t repeated;	/* this build's warnings the last build said too */
} term;

/* A message's first line that is a warning: "path:line:col: warning: …"
 * (or "path: warning: …"), not a line under another (an excerpt, its
 * caret: indented) nor one of sitegen's own ("sitegen: …"). */
static int starts_warning(const char *line, size_t n)
{
	if (!n || line[0] == ' ' || line[0] == '\t' || (n > 8 && memcmp(line, "sitegen:", 8) == 0))
		return 0;
	return memmem(line, n, ": warning: ", 11) != NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The warning gathered: said, unless the last build said it too. */
static void end_warning(void)
{
	if (!term.warning.len)
		return;
	uint64_t h = hash_bytes(HASH_INIT, term.warning.data, term.warning.len);
	if (term.nnow == term.capnow) {
		term.capnow = term.capnow ? 2 * term.capnow : 64;
		term.now = xrealloc(term.now, term.capnow * sizeof(*term.now));
	}
	term.now[term.nnow++] = h;
	if (term.nbefore && bsearch(&h, term.before, term.nbefore, sizeof(h), cmp_u64))
		term.repeated++;
	else
		fwrite(term.warning.data, 1, term.warning.len, stderr);
	buf_reset(&term.warning);
}

/* One line, with its newline (or without, the last of a build). */
static void take_line(const char *line, size_t n)
{
	if (term.warning.len && (line[0] == ' ' || line[0] == '\t')) {
		buf_add(&term.warning, line, n);	/* under the warning: its excerpt */
		return;
	}
	end_warning();
	if (starts_warning(line, n))
		buf_add(&term.warning, line, n);
	else
		fwrite(line, 1, n, stderr);
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

size_t serve_terminal_end(void)
{
	if (term.in.len)
		take_line(term.in.data, term.in.len);
	buf_reset(&term.in);
	end_warning();
	fflush(stderr);
	/* this build's warnings are the next one's "before" */
	uint64_t *old = term.before;
	size_t old_cap = term.capbefore;
	term.before = term.now;
	term.capbefore = term.capnow;
	term.nbefore = term.nnow;
	if (term.nbefore)
		qsort(term.before, term.nbefore, sizeof(*term.before), cmp_u64);
	term.now = old;
	term.capnow = old_cap;
	term.nnow = 0;
	size_t repeated = term.repeated;
	term.repeated = 0;
	return repeated;
}

void serve_terminal_free(void)
{
	buf_free(&term.in);
	buf_free(&term.warning);
	free(term.before);
	free(term.now);
	memset(&term, 0, sizeof(term));
}
