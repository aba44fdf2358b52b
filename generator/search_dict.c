/* The preset dictionary of the d/ texts (search.h): the clauses that most
 * reports share, taken from the archive itself.
 *
 * One report's text deflates to about 11 bits a character: alone, deflate
 * finds few repeats in it. Reports share much (the pinyin and names of their
 * places, reporters' lines, set phrases, boilerplate), so each text is
 * deflated with a dictionary of what they share in front of it (zlib's
 * preset dictionary, the window's 32 KB), and the browser gets the
 * dictionary once, in index.js. The clauses (up to and with the punctuation
 * or line break that ends them) of a sample of the reports are counted
 * once a report: of the oldest P (the largest power of two up to their
 * number) one in step, drawn by a hash of its URL, at most about
 * SAMPLE_DOCS in all. Reports added as the newest are numbered after them
 * (the sample stays the same until the archive doubles, and so does the
 * dictionary), and one added among the older ones changes the sample only
 * when it, or the one it pushes out of the oldest P, is drawn. The
 * dictionary is the clauses in two reports or more, by (reports − 1) × length, the best last (nearest
 * the text: shorter distances), up to DICT_UNITS UTF-16 units. A sample
 * rather than all: an edit outside it cannot change the dictionary (every
 * d/ file would), so an incremental build takes the earlier one from
 * index.js instead of making it (search_patch.c), and one in it makes
 * only the sample again. Deterministic: ties go by length, then bytes.
 *
 * serve's build process keeps the counts with the site it keeps
 * (search_dict_memo): a build of that site, in which some sampled reports
 * changed their texts, takes their old texts' clauses off the counts and
 * counts their new ones, rather than all the sample's again (at 10,000
 * reports 0.065 s of a 0.12 s build). The counts are the same as counted
 * anew, so is the dictionary. */
#include "search_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>

#include "hash.h"
#include "site.h"
#include "text.h"
#include "write.h"
#include "xalloc.h"

#define SAMPLE_DOCS 1024
#define DICT_UNITS 16000	/* zlib uses the last 32 KB less 262 bytes */
#define MAX_UNITS 500		/* a clause longer than this is not taken */

struct clause {
	uint64_t hash;
	uint32_t off, len;	/* in the sample's bytes */
	uint32_t units, docs;
	uint32_t last;		/* the last text counted (or taken off) with it */
};

struct clauses {
	struct clause *v;
	size_t n, cap;		/* cap: a power of two */
	struct buf bytes;	/* the sample's texts, one after another */
	uint32_t texts;		/* texts counted or taken off: each its own number */
};

/* A sampled report as its text was counted: where that text is in bytes. */
struct sampled {
	const struct article *art;
	uint64_t digest;	/* its src_digest then */
	uint32_t off, len;
};

struct search_dict_memo {
	struct clauses c;
	struct sampled *v;
	size_t n;
	int made;
};

/* A clause ends with a run of these: ASCII , . ! ? ; : space, line break,
 * and 、 。 ！ ， ： ； ？ in UTF-8. Returns the separator's length at s[i], or 0. */
static size_t separator(const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i];
	if (c == '\n' || c == ' ' || c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':')
		return 1;
	if (n - i < 3)
		return 0;
	if (c == 0xe3 && s[i + 1] == 0x80 && (s[i + 2] == 0x81 || s[i + 2] == 0x82))
		return 3;
	if (c == 0xef && s[i + 1] == 0xbc &&
	    (s[i + 2] == 0x81 || s[i + 2] == 0x8c || s[i + 2] == 0x9a || s[i + 2] == 0x9b || s[i + 2] == 0x9f))
		return 3;
	return 0;
}

static uint32_t units_of(const unsigned char *s, size_t n)
{
	uint32_t u = 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			u += s[i] >= 0xf0 ? 2 : 1;
	return u;
}

static uint64_t hash_of(const unsigned char *s, size_t n)
{
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211u;
	}
	return h;
}

static void grow(struct clauses *c)
{
	size_t cap = c->cap ? 2 * c->cap : 4096;
	struct clause *v = xcalloc(cap, sizeof(*v));
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->v[i].len)
			continue;
		size_t j = c->v[i].hash & (cap - 1);
		while (v[j].len)
			j = (j + 1) & (cap - 1);
		v[j] = c->v[i];
	}
	free(c->v);
	c->v = v;
	c->cap = cap;
}

/* Counts the clause bytes[off, off + len) for text number text (once a
 * text); with by = -1, takes it off instead. */
static void count(struct clauses *c, uint32_t off, uint32_t len, uint32_t text, int by)
{
	const unsigned char *s = (const unsigned char *)c->bytes.data + off;
	uint32_t units = units_of(s, len);
	if (units < 2)
		return;
	if (2 * (c->n + 1) > c->cap)
		grow(c);
	uint64_t h = hash_of(s, len);
	size_t j = h & (c->cap - 1);
	for (; c->v[j].len; j = (j + 1) & (c->cap - 1)) {
		struct clause *e = &c->v[j];
		if (e->hash == h && e->len == len && memcmp(c->bytes.data + e->off, s, len) == 0) {
			if (e->last != text) {
				e->docs += (uint32_t)by;
				e->last = text;
			}
			return;
		}
	}
	if (by < 0)
		return;	/* not counted: cannot be (the text was) */
	c->v[j] = (struct clause){ .hash = h, .off = off, .len = len, .units = units, .docs = 1, .last = text };
	c->n++;
}

/* Adds the text at c->bytes[off, end) to the counts (by = 1), or takes it
 * off (-1), as one more text. */
static void count_text(struct clauses *c, size_t off, size_t end, int by)
{
	const unsigned char *s = (const unsigned char *)c->bytes.data;
	size_t n = end, i = off;
	uint32_t text = ++c->texts;
	while (i < n) {
		size_t start = i, k;
		while (i < n && !separator(s, i, n))
			i++;
		int words = i > start;
		while (i < n && (k = separator(s, i, n)))
			i += k;
		if (words)
			count(c, (uint32_t)start, (uint32_t)(i - start), text, by);
	}
}

static const struct clauses *sorting;

static long long score(const struct clause *e)
{
	return (long long)(e->docs - 1) * e->units;
}

/* Best first: score, then length, then bytes. */
static int best_first(const void *a, const void *b)
{
	const struct clause *x = *(const struct clause *const *)a, *y = *(const struct clause *const *)b;
	long long sx = score(x), sy = score(y);
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->units != y->units)
		return x->units > y->units ? -1 : 1;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(sorting->bytes.data + x->off, sorting->bytes.data + y->off, n);
	return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* A chosen clause (at most MAX_UNITS UTF-16 units) in UTF-16LE. */
static void add_utf16le(struct buf *out, const char *s, size_t len)
{
	UChar u[MAX_UNITS + 1];
	int32_t n = 0;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8WithSub(u, MAX_UNITS + 1, &n, s, (int32_t)len, 0xFFFD, NULL, &e);
	if (U_FAILURE(e))
		return;
	for (int32_t i = 0; i < n; i++) {
		buf_addch(out, (char)(u[i] & 0xff));
		buf_addch(out, (char)(u[i] >> 8));
	}
}

/* The sample: of the documents numbered below *below (the largest power of
 * two up to ndocs), one in step. */
static size_t sample_step(size_t ndocs, size_t *below)
{
	size_t p = 1;
	while (p <= ndocs / 2)
		p *= 2;
	*below = p;
	return p > SAMPLE_DOCS ? p / SAMPLE_DOCS : 1;
}

/* Whether the report at url is drawn, one in step: by a hash of its URL,
 * not its number, so that a report added among the older ones, which
 * renumbers those after it, leaves the others drawn or not as they were.
 * The hash's high bits: FNV's low ones mix least. */
static int drawn(const char *url, size_t step)
{
	return (hash_str(url) >> 40) % step == 0;
}

static int in_sample(const struct article *a, size_t step, size_t below)
{
	return a->order < below && drawn(a->url, step);
}

/* More earlier documents edited or removed than this and the patch gives
 * up anyway (search_patch.c): not worth reading their URLs. */
#define MAX_UNKNOWN 64

/* Whether the earlier build's document k (edited or removed: its URL is in
 * its d/ file alone) was drawn; 1 when it cannot tell. */
static int old_drawn(const struct search_ctx *x, size_t k, size_t step, struct buf *file, struct buf *url)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "search/d/%zu.js", k);
	if (writer_read_kept(x->w, rel, file) < 0 || search_read_url(file->data, file->len, k, url) < 0)
		return 1;
	return drawn(url->data, step);
}

/* The earlier build's texts, read on demand: its dictionary (from
 * index.js) and scratch for one d/ file. */
struct earlier {
	const struct search_ctx *x;
	int tried, ok;
	struct buf dict, file, title, text, tmp;
};

/* Whether article a, edited (its number n the same as the earlier
 * document n's), has that document's URL and text: then the sample holds
 * the same texts as before whether a is drawn or not (a title edit: the
 * title is no part of the text counted). */
static int same_text(struct earlier *e, struct worker_state *ws, const struct article *a)
{
	if (!e->tried) {
		e->tried = 1;
		struct buf dz;
		e->ok = writer_read_kept(e->x->w, "search/index.js", &e->file) == 0 &&
			search_meta_dz(e->file.data, e->file.len, &dz) == 0 &&
			search_read_dict(dz.data, dz.len, &e->dict) == 0;
	}
	char rel[64];
	snprintf(rel, sizeof(rel), "search/d/%zu.js", a->order);
	if (!e->ok || writer_read_kept(e->x->w, rel, &e->file) < 0 ||
	    search_read_document(e->file.data, e->file.len, a->order, &e->dict, &e->title, &e->text, &e->tmp) < 0 ||
	    search_read_url(e->file.data, e->file.len, a->order, &e->tmp) < 0 || strcmp(e->tmp.data, a->url) != 0)
		return 0;
	search_document_text(ws, a);
	return ws->text.len == e->text.len && memcmp(ws->text.data, e->text.data, e->text.len) == 0;
}

int search_dict_sampled(const struct search_ctx *x, struct worker_state *ws, const struct search_changes *ch)
{
	const struct site *site = x->site;
	size_t ndocs = site->articles.len, below, old_below, step = sample_step(ndocs, &below);
	if (step != sample_step(ch->old_ndocs, &old_below) || below != old_below)
		return 1;
	unsigned char *kept = xcalloc(ch->old_ndocs + 1, 1);
	struct earlier e = { .x = x, .dict = BUF_INIT, .file = BUF_INIT, .title = BUF_INIT, .text = BUF_INIT,
			     .tmp = BUF_INIT };
	int r = 0;
	/* each drawn report in both samples or in neither: the same report
	 * (old_of, or edited with the same text), and among the oldest `below`
	 * in both builds or in neither */
	for (size_t i = 0, edited = 0; !r && i < ndocs; i++) {
		const struct article *a = site->articles.items[i];
		long k = a->order < ndocs ? ch->old_of[a->order] : -1;
		if (k == (long)a->order && (size_t)k < ch->old_ndocs) {
			/* the same report under the same number: in both samples
			 * or in neither, whether drawn or not (its URL not hashed:
			 * 12 ms at 50,000 reports, most of them cache misses) */
			kept[k] = 1;
			continue;
		}
		if (k < 0 && a->order < below && a->order < ch->old_ndocs && drawn(a->url, step) &&
		    ++edited <= MAX_UNKNOWN && same_text(&e, ws, a))
			k = (long)a->order;
		if (k >= 0 && (size_t)k < ch->old_ndocs)
			kept[k] = 1;
		r = drawn(a->url, step) && (a->order < below) != (k >= 0 && (size_t)k < below);
	}
	/* and no earlier one drawn that is not kept */
	for (size_t k = 0, unknown = 0; !r && k < below && k < ch->old_ndocs; k++)
		if (!kept[k])
			r = ++unknown > MAX_UNKNOWN || old_drawn(x, k, step, &e.file, &e.tmp);
	buf_free(&e.dict);
	buf_free(&e.file);
	buf_free(&e.title);
	buf_free(&e.text);
	buf_free(&e.tmp);
	free(kept);
	return r;
}

struct search_dict_memo *search_dict_memo_new(void)
{
	return xcalloc(1, sizeof(struct search_dict_memo));
}

/* m without counts, as new. */
static void memo_clear(struct search_dict_memo *m)
{
	free(m->c.v);
	buf_free(&m->c.bytes);
	free(m->v);
	*m = (struct search_dict_memo){ .c = { .bytes = BUF_INIT } };
}

void search_dict_memo_free(struct search_dict_memo *m)
{
	if (!m)
		return;
	memo_clear(m);
	free(m);
}

/* Appends a's text to the sample's bytes and counts it; where it is in s. */
static void count_new(struct worker_state *ws, struct clauses *c, const struct article *a, struct sampled *s)
{
	search_document_text(ws, a);
	size_t off = c->bytes.len;
	buf_add(&c->bytes, ws->text.data, ws->text.len);
	buf_addch(&c->bytes, '\n');
	count_text(c, off, c->bytes.len, 1);
	*s = (struct sampled){ a, a->src_digest, (uint32_t)off, (uint32_t)(c->bytes.len - off) };
}

/* The memo's counts brought to the site's sample, when it is the same
 * reports in the same order (their texts changed or not): 0, or -1 when
 * they must be counted anew. */
static int recount(struct worker_state *ws, struct search_dict_memo *m, size_t step, size_t below)
{
	const struct site *site = ws->x->site;
	size_t k = 0;
	for (size_t i = 0; i < site->articles.len; i++) {
		const struct article *a = site->articles.items[i];
		if (in_sample(a, step, below) && (k >= m->n || m->v[k++].art != a))
			return -1;
	}
	if (k != m->n)
		return -1;
	size_t again = 0;
	for (k = 0; k < m->n; k++) {
		struct sampled *s = &m->v[k];
		if (s->digest == s->art->src_digest)
			continue;
		count_text(&m->c, s->off, (size_t)s->off + s->len, -1);
		count_new(ws, &m->c, s->art, s);
		again++;
	}
	if (getenv("SITEGEN_TIMING"))
		fprintf(stderr, "sitegen: search: the texts' dictionary from the counts kept, %zu of the sample's %zu "
			"reports counted again\n", again, m->n);
	return 0;
}

/* The dictionary of the counts: the best clauses that fit, best last. */
static void choose(const struct clauses *c, struct buf *out)
{
	struct clause **best = xcalloc(c->n + 1, sizeof(*best));
	size_t nb = 0;
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].len && c->v[i].docs >= 2 && c->v[i].units <= MAX_UNITS)
			best[nb++] = &c->v[i];
	sorting = c;
	qsort(best, nb, sizeof(*best), best_first);
	size_t units = 0, chosen = 0;
	for (size_t i = 0; i < nb; i++) {
		if (units + best[i]->units > DICT_UNITS)
			continue;
		units += best[i]->units;
		best[chosen++] = best[i];
	}
	buf_reset(out);
	while (chosen--)
		add_utf16le(out, c->bytes.data + best[chosen]->off, best[chosen]->len);
	free(best);
}

/* Counts the site's sample into m (cleared first), asking stop(ctx), when
 * given, every 32 reports: -1, m cleared, when it says stop; else 0, m
 * made. */
static int count_sample(struct worker_state *ws, struct search_dict_memo *m, int (*stop)(void *), void *ctx)
{
	const struct site *site = ws->x->site;
	size_t below, step = sample_step(site->articles.len, &below), cap = 0, seen = 0;
	memo_clear(m);
	for (size_t i = 0; i < site->articles.len; i++) {
		const struct article *a = site->articles.items[i];
		if (!in_sample(a, step, below))
			continue;
		if (stop && seen++ % 32 == 0 && stop(ctx)) {
			memo_clear(m);	/* as it was: no counts */
			return -1;
		}
		if (m->n == cap) {
			cap = cap ? 2 * cap : 256;
			m->v = xrealloc(m->v, cap * sizeof(*m->v));
		}
		count_new(ws, &m->c, a, &m->v[m->n++]);
	}
	m->made = 1;
	return 0;
}

void search_dict_build(struct worker_state *ws, struct buf *out, struct search_dict_memo *memo)
{
	const struct site *site = ws->x->site;
	size_t below, step = sample_step(site->articles.len, &below);
	if (memo && memo->made && recount(ws, memo, step, below) == 0) {
		choose(&memo->c, out);
		return;
	}
	struct search_dict_memo local = { .c = { .bytes = BUF_INIT } }, *m = memo ? memo : &local;
	count_sample(ws, m, NULL, NULL);
	choose(&m->c, out);
	if (m == &local)
		memo_clear(&local);
}

int search_dict_memo_made(const struct search_dict_memo *m)
{
	return m && m->made;
}

int search_dict_precount(const struct site *site, struct search_dict_memo *memo, int (*stop)(void *), void *ctx)
{
	if (!memo || memo->made)
		return 0;
	struct search_ctx x = { .site = site };
	struct worker_state ws = { .x = &x };
	if (!(ws.dates = text_dates_new()))
		return 0;
	int counted = count_sample(&ws, memo, stop, ctx) == 0;
	search_worker_state_free(&ws);
	return counted;
}
