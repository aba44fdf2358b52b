/* render_deps_record: the record of what each page was made from (see
 * render_deps.c), as the state's extra section keeps it between builds:
 * the earlier build's read, this build's written.
 *
 * The record (write.h's extra section):
 *   sitegen-render 3
 *   structure <hex> search <hex> global <hex> articles <n> jobs <m> reports <r>
 *                                       (r: the job of the first report page,
 *                                       the newest article's: order n - 1)
 *   <item><body><placing> <path>        n lines, by article order: digests,
 *                                       and the file (- when it holds a line break)
 *   [=<view> <key>\t]<file> <file>… :<dep> <dep>…
 *                                       m lines, by job: a job that can be
 *                                       kept across a change of structure
 *                                       first gives its view and its key (a
 *                                       report page's article, a period
 *                                       page's URL); a dep is the distance
 *                                       to the previous one (the first from
 *                                       0), `s` before it for the page's own
 *                                       article
 *   end <hex>                           a digest of all the above */
#define _DEFAULT_SOURCE
#include "render_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strmap.h"
#include "text.h"
#include "write.h"
#include "xalloc.h"

#define RECORD_HEADER "sitegen-render 3\n"
#define SELF_BIT 0x80000000u

/* ---- reading the earlier build's record ---- */

/* The next line of [*p, end), without its '\n'; NULL at the end. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
	if (*p >= end)
		return NULL;
	const char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
	*len = nl ? (size_t)(nl - line) : (size_t)(end - line);
	*p = line + *len + 1;
	return line;
}

/* This build's article of order o, or NULL (the site lists them newest
 * first: render_deps_open checked the numbering). */
static const struct article *article_of_order(const struct render_deps *dp, long o)
{
	return o >= 0 && (size_t)o < dp->narticles ? dp->site->articles.items[dp->narticles - 1 - (size_t)o] : NULL;
}

/* This build's order of the article whose path is the n bytes at path, or
 * -1. Tried first where the article before was found, one further (after
 * a report added as the newest, or anywhere but below, every earlier
 * article has the same order), and only then by name, through *now, made
 * the first time: at 50,000 reports the map of every path was most of
 * the 30 ms this took. */
static long order_of_path(const struct render_deps *dp, const char *path, size_t n, long guess, struct arena *a,
			  struct strmap *now)
{
	const struct article *art = article_of_order(dp, guess);
	if (art && strlen(art->path) == n && memcmp(art->path, path, n) == 0)
		return guess;
	if (!now->len)
		for (size_t i = 0; i < dp->narticles; i++) {
			const struct article *b = dp->site->articles.items[i];
			strmap_put(a, now, b->path, (void *)(uintptr_t)(b->order + 1));
		}
	char *key = arena_strndup(a, path, n);
	return (long)(uintptr_t)strmap_get(now, key) - 1;
}

/* The article lines of the earlier record: digests, and with partial the
 * paths matched with this build's articles (old_of, new_of). */
static int read_articles(struct render_deps *dp, const char **p, const char *end, int partial)
{
	size_t na = dp->old_narticles, n;
	const char *line;
	struct arena a = ARENA_INIT;
	struct strmap now = { 0 };	/* this build's paths → order + 1, made when needed */
	long guess = 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i < na; i++) {
		if (!(line = next_line(p, end, &n)) || n < 50 || line[48] != ' ' || text_hex16(line, &dp->old_item[i]) < 0 ||
		    text_hex16(line + 16, &dp->old_body[i]) < 0 || text_hex16(line + 32, &dp->old_placing[i]) < 0) {
			r = -1;
			break;
		}
		if (!partial)
			continue;
		long o = order_of_path(dp, line + 49, n - 49, guess, &a, &now);
		if (o >= 0 && dp->old_of[o] < 0) {
			dp->old_of[o] = (long)i;
			dp->new_of[i] = o;
		}
		guess = o >= 0 ? o + 1 : guess + 1;
	}
	arena_free(&a);
	return r;
}

/* Takes the earlier record: whole when it speaks of the same structure
 * (selective), its report pages when only the structure changed (partial).
 * Returns 0, or -1 (nothing kept). */
int render_deps_read_record(struct render_deps *dp, const char *text, size_t len, int own)
{
	const char *p = text, *end, *line;
	size_t n;
	/* whole, and as this program wrote it: a record cut short or changed
	 * would keep pages it should not (the sum is not read again over the
	 * bytes this process made itself: 5 MB at 10,000 reports) */
	uint64_t sum;
	if (len < strlen(RECORD_HEADER) + 21 || memcmp(text, RECORD_HEADER, strlen(RECORD_HEADER)) != 0 ||
	    memcmp(text + len - 21, "end ", 4) != 0 || text[len - 1] != '\n' || text_hex16(text + len - 17, &sum) < 0 ||
	    (!own && sum != hash_block(HASH_INIT, text, len - 21)))
		return -1;
	end = text + len - 21;
	p += strlen(RECORD_HEADER);
	char head[192];
	if (!(line = next_line(&p, end, &n)) || n >= sizeof(head))
		return -1;
	memcpy(head, line, n);
	head[n] = '\0';
	char st[17], se[17], gl[17];
	uint64_t old_global;
	size_t na, nj, first;
	if (sscanf(head, "structure %16s search %16s global %16s articles %zu jobs %zu reports %zu", st, se, gl, &na, &nj,
		   &first) != 6 || text_hex16(st, &dp->old_structure) < 0 || text_hex16(se, &dp->old_search) < 0 ||
	    text_hex16(gl, &old_global) < 0 || na > (size_t)(end - p) / 50 || nj > (size_t)(end - p) / 2 ||
	    first > nj || first + na > nj)
		return -1;
	dp->old_known = 1;
	int same = dp->old_structure == dp->structure && na == dp->narticles && nj == dp->njobs &&
		   first == dp->reports_first;
	if (!same && old_global != dp->global)
		return -1;
	dp->partial = !same;
	dp->old_narticles = na;
	dp->old_njobs = nj;
	dp->old_reports_first = first;
	dp->old_item = xcalloc(na + 1, sizeof(*dp->old_item));
	dp->old_body = xcalloc(na + 1, sizeof(*dp->old_body));
	dp->old_placing = xcalloc(na + 1, sizeof(*dp->old_placing));
	dp->new_of = xcalloc(na + 1, sizeof(*dp->new_of));
	for (size_t i = 0; i < na; i++)
		dp->new_of[i] = same ? (long)i : -1;
	for (size_t i = 0; i < dp->narticles; i++)
		dp->old_of[i] = same ? (long)i : -1;
	dp->old_articles = p;
	if (read_articles(dp, &p, end, dp->partial) < 0)
		return -1;
	dp->old_articles_end = p;
	dp->old_line = xcalloc(nj + 1, sizeof(*dp->old_line));
	dp->old_len = xcalloc(nj + 1, sizeof(*dp->old_len));
	for (size_t j = 0; j < nj; j++) {
		if (!(line = next_line(&p, end, &n)) || !memchr(line, ':', n))
			return -1;
		dp->old_line[j] = line;
		dp->old_len[j] = n;
	}
	return p == end ? 0 : -1;
}

/* A job line without its key (`=<view> <key>\t`), which only jobs whose
 * pages can be kept across a change of structure have. */
const char *render_deps_line_body(const char *line, size_t n, size_t *body_len)
{
	const char *tab = n && line[0] == '=' ? memchr(line, '\t', n) : NULL;
	const char *b = tab ? tab + 1 : line;
	*body_len = n - (size_t)(b - line);
	return b;
}

static size_t record_line_body_len(const char *line, size_t n)
{
	size_t len;
	render_deps_line_body(line, n, &len);
	return len;
}

/* Calls fn for each dependency of an old line (earlier numbering), until
 * it returns nonzero; returns that, or 1 for a malformed line. */
int render_deps_each_dep(const struct render_deps *dp, const char *line, size_t n,
			  int (*fn)(const struct render_deps *, size_t old, int self, void *), void *arg)
{
	line = render_deps_line_body(line, n, &n);
	const char *p = memchr(line, ':', n), *end = line + n;
	if (!p)
		return 1;
	size_t at = 0;
	for (p++; p < end;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		int self = *p == 's';
		p += self;
		/* digits by hand: strtoull's locale and sign handling was a tenth of a
		 * body edit's CPU at 50,000 reports (every page's list read again) */
		const char *digits = p;
		unsigned long long delta = 0;
		while (p < end && *p >= '0' && *p <= '9' && p - digits < 19)
			delta = delta * 10 + (unsigned)(*p++ - '0');
		if (p == digits || (p < end && *p != ' ') || delta >= dp->old_narticles - at)
			return 1;
		at += delta;
		int r = fn(dp, at, self, arg);
		if (r)
			return r;
	}
	return 0;
}


/* ---- writing this build's record ---- */

static int cmp_dep(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a & ~SELF_BIT, y = *(const uint32_t *)b & ~SELF_BIT;
	if (x != y)
		return x < y ? -1 : 1;
	/* the self mark first, so that it survives the merging of repeats */
	return (int)((*(const uint32_t *)b & SELF_BIT) >> 31) - (int)((*(const uint32_t *)a & SELF_BIT) >> 31);
}

void render_deps_record(struct render_deps *dp, size_t j, struct render_rec *rec, struct arena *a)
{
	struct buf b = BUF_INIT;
	buf_add(&b, rec->files.data, rec->files.len);
	buf_addch(&b, ':');
	if (rec->ndeps)
		qsort(rec->deps, rec->ndeps, sizeof(*rec->deps), cmp_dep);
	size_t at = 0;
	for (size_t i = 0; i < rec->ndeps; i++) {
		uint32_t d = rec->deps[i] & ~SELF_BIT;
		if (i && (rec->deps[i - 1] & ~SELF_BIT) == d)
			continue;
		buf_addf(&b, i ? " %s%zu" : "%s%zu", rec->deps[i] & SELF_BIT ? "s" : "", (size_t)d - at);
		at = d;
	}
	dp->line[j] = arena_strndup(a, b.data, b.len);
	dp->line_len[j] = b.len;
	buf_free(&b);
	rec->ndeps = 0;
	buf_reset(&rec->files);
}

/* A kept job's earlier line, its reads in this build's numbering. */
struct renumbering {
	uint32_t *deps;
	size_t n;
};

static int add_renumbered(const struct render_deps *dp, size_t old, int self, void *arg)
{
	struct renumbering *rn = arg;
	rn->deps[rn->n++] = (uint32_t)dp->new_of[old] | (self ? SELF_BIT : 0);
	return 0;
}

static void renumbered_line(const struct render_deps *dp, size_t k, struct buf *b)
{
	size_t len;
	const char *line = render_deps_line_body(dp->old_line[k], dp->old_len[k], &len), *colon = memchr(line, ':', len);
	struct render_rec rec = { 0 };
	struct renumbering rn = { xcalloc(len + 1, sizeof(*rn.deps)), 0 };	/* a dep takes a character at least */
	render_deps_each_dep(dp, dp->old_line[k], dp->old_len[k], add_renumbered, &rn);
	rec.deps = rn.deps;
	rec.ndeps = rn.n;
	buf_add(&rec.files, line, (size_t)(colon - line));
	struct arena a = ARENA_INIT;
	struct render_deps tmp = { 0 };
	char *one = NULL;
	size_t one_len = 0;
	tmp.line = &one;
	tmp.line_len = &one_len;
	render_deps_record(&tmp, 0, &rec, &a);
	buf_add(b, one, one_len);
	arena_free(&a);
	buf_free(&rec.files);
	free(rn.deps);
}

/* Line i of the record is article order i's: its digests and its file.
 * With the earlier record's structure (the same files in the same order)
 * the files are its lines', read in order, rather than each article's
 * path from all over memory (7 ms at 50,000 reports, for every body or
 * title edit). */
static void add_article_lines(const struct render_deps *dp, struct buf *b)
{
	const char *p = dp->old_articles, *line;
	size_t n;
	if (dp->selective && !dp->partial && p) {
		for (size_t i = 0; i < dp->narticles && (line = next_line(&p, dp->old_articles_end, &n)); i++) {
			buf_add_hex16(b, dp->item[i]);
			buf_add_hex16(b, dp->body[i]);
			buf_add_hex16(b, dp->placing_of[i]);
			buf_add(b, line + 48, n - 48);	/* read_articles checked: n >= 50, line[48] == ' ' */
			buf_addch(b, '\n');
		}
		return;
	}
	const char **path_of = xcalloc(dp->narticles + 1, sizeof(*path_of));
	for (size_t i = 0; i < dp->narticles; i++) {
		const struct article *art = dp->site->articles.items[i];
		if (art->order < dp->narticles)
			path_of[art->order] = art->path;
	}
	for (size_t i = 0; i < dp->narticles; i++) {
		const char *path = path_of[i] && !strchr(path_of[i], '\n') ? path_of[i] : "-";
		buf_add_hex16(b, dp->item[i]);
		buf_add_hex16(b, dp->body[i]);
		buf_add_hex16(b, dp->placing_of[i]);
		buf_addch(b, ' ');
		buf_addstr(b, path);
		buf_addch(b, '\n');
	}
	free(path_of);
}

void render_deps_write_record(const struct render_deps *dp, struct writer *w)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, RECORD_HEADER);
	buf_addf(&b, "structure %016llx search %016llx global %016llx articles %zu jobs %zu reports %zu\n",
		 (unsigned long long)dp->structure, (unsigned long long)dp->search,
		 (unsigned long long)dp->global, dp->narticles, dp->njobs, dp->reports_first);
	add_article_lines(dp, &b);
	/* every earlier article under its number still (a report added
	 * as the newest): a kept line's numbers need no renumbering */
	int same_numbers = 1;
	for (size_t i = 0; same_numbers && dp->partial && i < dp->old_narticles; i++)
		same_numbers = dp->new_of[i] == (long)i;
	for (size_t j = 0; j < dp->njobs; j++) {
		long k = dp->old_job[j];
		const char *key = dp->job_key[j];
		if (key && !strpbrk(key, "\t\n")) {
			buf_addch(&b, '=');
			buf_add_hex16(&b, dp->job_view[j]);
			buf_addch(&b, ' ');
			buf_addstr(&b, key);
			buf_addch(&b, '\t');
		}
		else if (!dp->views_known && k >= 0)	/* the same structure: the same key and view */
			buf_add(&b, dp->old_line[k], dp->old_len[k] - record_line_body_len(dp->old_line[k], dp->old_len[k]));
		if (dp->line[j]) {
			buf_add(&b, dp->line[j], dp->line_len[j]);
		} else if (dp->partial && k >= 0 && !same_numbers) {
			renumbered_line(dp, (size_t)k, &b);
		} else if (k >= 0) {
			size_t len;
			const char *body = render_deps_line_body(dp->old_line[k], dp->old_len[k], &len);
			buf_add(&b, body, len);
		}
		buf_addch(&b, '\n');
	}
	buf_addf(&b, "end %016llx\n", (unsigned long long)hash_block(HASH_INIT, b.data, b.len));
	writer_set_state_extra(w, b.data, b.len);
	buf_free(&b);
}
