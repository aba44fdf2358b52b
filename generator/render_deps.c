/* render_deps.c: what each page was made from, kept in the output's state
 * between builds, so that a build renders only the pages whose inputs
 * changed (incremental rendering) and leaves the others as they are.
 *
 * A page (one render job: see render.c's families) reads three kinds of
 * input:
 *  - the structure: which articles there are, in which order, and the
 *    fields that place them (path and URL, date, places, tags, people,
 *    printed page, kind), the printed pages' notes, and everything global
 *    (the config, the theme, this program, the options: inputs.h). It
 *    decides which pages exist and which articles each lists; one digest
 *    covers all of it, and when it changes every page is made again;
 *  - the listing items of the articles it shows (render_item: title,
 *    subtitle, date and place as text, summary): recorded per page as it
 *    reads them (render_uses);
 *  - for a report's own page, all of its article: its whole file and its
 *    images (render_uses_self).
 * Nothing else reaches a page: render.c hands it the items and the index,
 * and the templates see only what the page puts in its context. So a page
 * whose structure, items and own article are the earlier build's is the
 * earlier build's page, byte for byte, and its files are kept (writer_keep,
 * which also checks that nobody touched them since).
 *
 * Articles are named by their place in the archive's order, which the
 * structure digest covers: equal structure, equal numbering, and the same
 * jobs in the same order. Whatever is uncertain (no record, another
 * version, another structure, --force, a file that cannot be kept) makes
 * the page, or every page, again: the output is always a full build's.
 *
 * The record, the state's extra section (write.h):
 *   sitegen-render 1
 *   structure <hex> search <hex> articles <n> jobs <m>
 *   <item digest><body digest>          n lines, by article order
 *   <file> <file>… :<dep> <dep>…        m lines, by job; a dep is the
 *                                       distance to the previous one
 *                                       (the first from 0), `s` before
 *                                       it for the page's own article
 *   end <hex>                           a digest of all the above */
#define _DEFAULT_SOURCE
#include "render_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "text.h"
#include "write.h"
#include "xalloc.h"

#define RECORD_HEADER "sitegen-render 1\n"
#define SELF_BIT 0x80000000u

static uint64_t hash_s(uint64_t h, const char *s)
{
	return s ? hash_bytes(h, s, strlen(s) + 1) : hash_bytes(h, "", 1) ^ 1;
}

static uint64_t hash_n(uint64_t h, long long n)
{
	return hash_bytes(h, &n, sizeof(n));
}

static uint64_t hash_list(uint64_t h, const struct strlist *l)
{
	h = hash_n(h, (long long)l->len);
	for (size_t i = 0; i < l->len; i++)
		h = hash_s(h, l->items[i]);
	return h;
}

static uint64_t hash_place(uint64_t h, const struct place *p)
{
	for (; p; p = p->parent) {
		h = hash_s(h, p->name);
		h = hash_s(h, p->url);
		h = hash_n(h, p->level);
	}
	return hash_n(h, -1);
}

/* The images of an article, each with its bytes. */
static uint64_t hash_images(uint64_t h, const struct article *art)
{
	h = hash_n(h, (long long)art->nimages);
	for (size_t i = 0; i < art->nimages; i++) {
		const struct image *img = &art->images[i];
		h = hash_s(h, img->url);
		h = hash_s(h, img->rel);
		h = hash_n(h, img->width);
		h = hash_n(h, img->height);
		h = hash_block(hash_n(h, (long long)img->len), img->data, img->data ? img->len : 0);
	}
	return h;
}

uint64_t render_deps_body(const struct article *art)
{
	uint64_t h = hash_block(HASH_INIT, art->src, art->src_len);
	return hash_images(hash_s(h, art->path), art);
}

uint64_t render_deps_item(const struct article *art, const struct render_article *x)
{
	uint64_t h = HASH_INIT;
	h = hash_s(h, art->title);
	h = hash_s(h, art->subtitle);
	h = hash_s(h, art->url);
	h = hash_s(h, x->date_text);
	h = hash_s(h, x->date_iso);
	h = hash_s(h, x->place_text);
	h = hash_s(h, x->summary);
	h = hash_n(h, art->date_inferred);
	return hash_n(h, art->kind);
}

/* What places an article among the pages: everything of it but its title,
 * subtitle, body, captions and the like (its item, or its own page). */
static uint64_t hash_placing(uint64_t h, const struct article *a)
{
	h = hash_s(h, a->path);
	h = hash_s(h, a->url);
	h = hash_n(h, a->kind);
	h = hash_n(h, a->draft);
	h = hash_n(h, a->date.y * 10000LL + a->date.m * 100 + a->date.d);
	h = hash_n(h, a->date_inferred);
	h = hash_place(h, a->place);
	h = hash_s(h, a->local ? a->local->url : NULL);
	h = hash_s(h, a->page);
	h = hash_s(h, a->series ? a->series->url : NULL);
	h = hash_list(h, &a->tags);
	for (size_t i = 0; i < a->tags.len; i++)
		h = hash_s(hash_s(h, a->tag_refs[i]->slug), a->tag_refs[i]->url);
	h = hash_list(h, &a->reporters);
	for (size_t i = 0; i < a->reporters.len; i++)
		h = hash_s(h, a->reporter_refs[i]->url);
	h = hash_list(h, &a->correspondents);
	for (size_t i = 0; i < a->correspondents.len; i++)
		h = hash_s(h, a->correspondent_refs[i]->url);
	return hash_list(h, &a->author);
}

/* The structure without the global part (render_deps_open adds it). */
static uint64_t placing_digest(const struct site *s)
{
	uint64_t h = hash_n(HASH_INIT, (long long)s->articles.len);
	for (size_t i = 0; i < s->articles.len; i++)
		h = hash_placing(h, s->articles.items[i]);
	h = hash_n(h, (long long)s->series.len);
	for (size_t i = 0; i < s->series.len; i++) {
		const struct series *se = s->series.items[i];
		h = hash_s(hash_s(h, se->title), se->url);
		h = se->note ? hash_n(h, (long long)render_deps_body(se->note)) : hash_n(h, 0);
	}
	return h;
}

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

/* Takes the earlier record when it speaks of the same structure: its
 * digests, and where each job's line is. Returns 0, or -1 (nothing kept). */
static int read_record(struct render_deps *dp, const char *text, size_t len)
{
	const char *p = text, *end, *line;
	size_t n;
	/* whole, and as this program wrote it: a record cut short or changed
	 * would keep pages it should not */
	uint64_t sum;
	if (len < strlen(RECORD_HEADER) + 21 || memcmp(text, RECORD_HEADER, strlen(RECORD_HEADER)) != 0 ||
	    memcmp(text + len - 21, "end ", 4) != 0 || text[len - 1] != '\n' || text_hex16(text + len - 17, &sum) < 0 ||
	    sum != hash_block(HASH_INIT, text, len - 21))
		return -1;
	end = text + len - 21;
	p += strlen(RECORD_HEADER);
	char head[128];
	if (!(line = next_line(&p, end, &n)) || n >= sizeof(head))
		return -1;
	memcpy(head, line, n);
	head[n] = '\0';
	char st[17], se[17];
	size_t na, nj;
	if (sscanf(head, "structure %16s search %16s articles %zu jobs %zu", st, se, &na, &nj) != 4 ||
	    text_hex16(st, &dp->old_structure) < 0 || text_hex16(se, &dp->old_search) < 0)
		return -1;
	dp->old_known = 1;
	if (dp->old_structure != dp->structure || na != dp->narticles || nj != dp->njobs)
		return -1;
	for (size_t i = 0; i < na; i++)
		if (!(line = next_line(&p, end, &n)) || n != 32 || text_hex16(line, &dp->old_item[i]) < 0 ||
		    text_hex16(line + 16, &dp->old_body[i]) < 0)
			return -1;
	for (size_t j = 0; j < nj; j++) {
		if (!(line = next_line(&p, end, &n)) || !memchr(line, ':', n))
			return -1;
		dp->old_line[j] = line;
		dp->old_len[j] = n;
	}
	return p == end ? 0 : -1;
}

void render_deps_open(struct render_deps *dp, const struct site *s, const struct writer *w, uint64_t global,
		      uint64_t search_global, int force, size_t njobs)
{
	memset(dp, 0, sizeof(*dp));
	dp->active = 1;
	dp->narticles = s->articles.len;
	dp->njobs = njobs;
	dp->placing = placing_digest(s);
	dp->structure = hash_n(hash_n(HASH_INIT, (long long)global), (long long)dp->placing);
	dp->search_global = search_global;
	dp->item = xcalloc(dp->narticles + 1, sizeof(*dp->item));
	dp->body = xcalloc(dp->narticles + 1, sizeof(*dp->body));
	dp->old_item = xcalloc(dp->narticles + 1, sizeof(*dp->old_item));
	dp->old_body = xcalloc(dp->narticles + 1, sizeof(*dp->old_body));
	dp->old_line = xcalloc(njobs + 1, sizeof(*dp->old_line));
	dp->old_len = xcalloc(njobs + 1, sizeof(*dp->old_len));
	dp->dirty = xcalloc(njobs + 1, 1);
	dp->line = xcalloc(njobs + 1, sizeof(*dp->line));
	dp->line_len = xcalloc(njobs + 1, sizeof(*dp->line_len));
	size_t len;
	const char *text = writer_state_extra(w, &len);
	if (text && read_record(dp, text, len) == 0)
		dp->selective = !force;
	dp->old_known &= !force;
}

int render_deps_body_changed(const struct render_deps *dp, size_t order)
{
	return !dp->selective || dp->body[order] != dp->old_body[order];
}

/* Does the job's old line name a dependency that changed? */
static int line_dirty(const struct render_deps *dp, const char *line, size_t n)
{
	const char *p = memchr(line, ':', n), *end = line + n;
	size_t at = 0;
	for (p++; p < end;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		int self = *p == 's';
		p += self;
		char *stop;
		unsigned long long delta = strtoull(p, &stop, 10);
		if (stop == p || stop > end)
			return 1;
		p = stop;
		if (delta >= dp->narticles - at)
			return 1;
		at += delta;
		if (dp->item[at] != dp->old_item[at] || (self && dp->body[at] != dp->old_body[at]))
			return 1;
	}
	return 0;
}

void render_deps_plan(struct render_deps *dp)
{
	/* the index reads the articles and the config, not the theme */
	uint64_t h = hash_n(hash_n(HASH_INIT, (long long)dp->search_global), (long long)dp->placing);
	for (size_t i = 0; i < dp->narticles; i++)
		h = hash_n(h, (long long)dp->body[i]);
	dp->search = h;
	for (size_t j = 0; j < dp->njobs; j++)
		dp->dirty[j] = !dp->selective || line_dirty(dp, dp->old_line[j], dp->old_len[j]);
}

void render_deps_changes(const struct render_deps *dp, struct render_incremental *inc)
{
	inc->changes_known = dp->selective;
	inc->nchanged = 0;
	inc->changed = NULL;
	if (!dp->selective)
		return;
	inc->changed = xcalloc(dp->narticles + 1, sizeof(*inc->changed));
	for (size_t i = 0; i < dp->narticles; i++)
		if (dp->body[i] != dp->old_body[i])
			inc->changed[inc->nchanged++] = i;
}

/* The files of job j's old line, NUL-separated in b; how many. */
static size_t old_files(const struct render_deps *dp, size_t j, struct buf *b)
{
	const char *p = dp->old_line[j], *colon = memchr(p, ':', dp->old_len[j]);
	size_t n = 0;
	while (p < colon) {
		const char *sp = memchr(p, ' ', (size_t)(colon - p));
		const char *stop = sp ? sp : colon;
		if (stop > p) {
			buf_add(b, p, (size_t)(stop - p));
			buf_addch(b, '\0');
			n++;
		}
		p = stop + 1;
	}
	return n;
}

int render_deps_keep(struct render_deps *dp, size_t j, struct writer *w)
{
	if (dp->dirty[j])
		return -1;
	struct buf b = BUF_INIT;
	size_t n = old_files(dp, j, &b);
	const char **rels = xcalloc(n + 1, sizeof(*rels));
	for (size_t i = 0, at = 0; i < n; i++, at += strlen(b.data + at) + 1)
		rels[i] = b.data + at;
	int r = writer_keep(w, rels, n);
	free(rels);
	buf_free(&b);
	return r;
}

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

void render_deps_close(struct render_deps *dp, struct writer *w, int ok)
{
	if (ok) {
		struct buf b = BUF_INIT;
		buf_addstr(&b, RECORD_HEADER);
		buf_addf(&b, "structure %016llx search %016llx articles %zu jobs %zu\n",
			 (unsigned long long)dp->structure, (unsigned long long)dp->search, dp->narticles, dp->njobs);
		for (size_t i = 0; i < dp->narticles; i++)
			buf_addf(&b, "%016llx%016llx\n", (unsigned long long)dp->item[i], (unsigned long long)dp->body[i]);
		for (size_t j = 0; j < dp->njobs; j++) {
			if (dp->line[j])
				buf_add(&b, dp->line[j], dp->line_len[j]);
			else
				buf_add(&b, dp->old_line[j], dp->old_len[j]);
			buf_addch(&b, '\n');
		}
		buf_addf(&b, "end %016llx\n", (unsigned long long)hash_block(HASH_INIT, b.data, b.len));
		writer_set_state_extra(w, b.data, b.len);
		buf_free(&b);
	}
	free(dp->item);
	free(dp->body);
	free(dp->old_item);
	free(dp->old_body);
	free(dp->old_line);
	free(dp->old_len);
	free(dp->dirty);
	free(dp->line);
	free(dp->line_len);
}
