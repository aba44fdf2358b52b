/* The search index (format in search.h).
 *
 * Each thread takes a contiguous range of documents, in order: it writes
 * their d/ files and appends their grams to its own table, so postings grow
 * in document order without sorting or locks. The shard files then join
 * the threads' lists gram by gram (thread t's documents all come before
 * thread t+1's) and encode them. */
#define _DEFAULT_SOURCE
#include "search.h"
#include "search_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <zlib.h>
#include <unicode/ustring.h>

#include "buf.h"
#include "markdown.h"
#include "render.h"
#include "search_codec.h"
#include "text.h"
#include "threads.h"
#include "write.h"
#include "xalloc.h"

/* zlib's level for the document texts (with the dictionary): see README
 * (Search) for the measurements. zlib, not libdeflate, for its preset
 * dictionary. */
#define SEARCH_ZLEVEL 6
#define SHARD_TARGET_BYTES 4096
#define SHARDS_MAX 16384

/* ---- the text of a document ---- */

/* The text after the title as it is built: the lines of metadata (places,
 * people, tags, their pinyin) are told apart by a letter each in `kinds`
 * (search.h), so the browser can label a match there. */
struct doc_text {
	struct buf *text, *kinds;
};

static void add_line(struct doc_text *dt, char kind, const char *s)
{
	if (!s || !*s)
		return;
	buf_addstr(dt->text, s);
	buf_addch(dt->text, '\n');
	if (kind)
		buf_addch(dt->kinds, kind);
}

/* A slug without its hyphens: "chang-ning-she-qu" → "changningshequ". */
static void add_slug_line(struct doc_text *dt, char kind, const char *slug)
{
	if (!slug || !*slug)
		return;
	for (const char *p = slug; *p; p++)
		if (*p != '-')
			buf_addch(dt->text, *p);
	buf_addch(dt->text, '\n');
	buf_addch(dt->kinds, kind);
}

static void add_people(struct doc_text *dt, const struct strlist *names, struct person **refs, char kind, int slugs)
{
	for (size_t i = 0; i < names->len; i++)
		if (slugs)
			add_slug_line(dt, kind, refs ? refs[i]->slug : NULL);
		else
			add_line(dt, kind, names->items[i]);
}

/* Length of s in UTF-16 code units, as JavaScript counts a string. */
static size_t utf16_length(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/* Everything after the title, one field per line (see search.h): the
 * subtitle, body and captions, then the metadata lines. Returns the length
 * of the first part in UTF-16 code units. */
static size_t document_text(const struct article *art, const char *date, struct doc_text *dt)
{
	struct buf *b = dt->text;
	add_line(dt, 0, art->subtitle);
	markdown_text(art->body, art->body_len, b);
	if (b->len && b->data[b->len - 1] != '\n')
		buf_addch(b, '\n');
	for (size_t i = 0; i < art->captions.len; i++)
		add_line(dt, 0, art->captions.items[i]);
	size_t body = b->len ? utf16_length(b->data, b->len - 1) : 0;
	add_line(dt, 'd', date);
	add_line(dt, 's', art->street);
	for (const struct place *p = art->place; p; p = p->parent)
		add_line(dt, 'p', p->name);
	for (size_t i = 0; i < art->author.len; i++)
		add_line(dt, 'a', art->author.items[i]);
	add_people(dt, &art->reporters, art->reporter_refs, 'r', 0);
	add_people(dt, &art->correspondents, art->correspondent_refs, 'c', 0);
	for (size_t i = 0; i < art->tags.len; i++)
		add_line(dt, 't', art->tags.items[i]);
	add_line(dt, 'g', art->page);
	for (const struct place *p = art->place; p; p = p->parent)
		add_slug_line(dt, 'P', p->slug);
	add_people(dt, &art->reporters, art->reporter_refs, 'R', 1);
	add_people(dt, &art->correspondents, art->correspondent_refs, 'C', 1);
	for (size_t i = 0; i < art->tags.len; i++)
		add_slug_line(dt, 'T', art->tag_refs ? art->tag_refs[i]->slug : NULL);
	if (b->len)
		buf_truncate(b, b->len - 1);
	return body;
}


/* A JSON string; also escapes U+2028/U+2029, which older JavaScript
 * engines do not take inside string literals. */
void search_add_json(struct buf *b, const char *s, size_t len)
{
	buf_addch(b, '"');
	size_t run = 0;	/* start of the bytes not yet copied */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int line_sep = c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
			       ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9);
		if (c != '"' && c != '\\' && c >= 0x20 && !line_sep)
			continue;
		buf_add(b, s + run, i - run);
		if (c == '"' || c == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, (char)c);
		} else if (c == '\n') {
			buf_addstr(b, "\\n");
		} else if (line_sep) {
			buf_addf(b, "\\u%04x", (unsigned char)s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			i += 2;
		} else {
			buf_addf(b, "\\u%04x", c);
		}
		run = i + 1;
	}
	buf_add(b, s + run, len - run);
	buf_addch(b, '"');
}

static void add_json_field(struct buf *b, const char *key, const char *s, size_t len)
{
	buf_addf(b, ",\"%s\":", key);
	search_add_json(b, s, len);
}

/* text as UTF-16LE in out (Chinese text takes 2 bytes a character there
 * against 3 in UTF-8, and deflates about 8% smaller). Returns its size. */
static size_t utf16le(const char *text, size_t len, struct buf *out)
{
	buf_reset(out);
	buf_grow(out, 2 * len + 2);
	UChar *u = (UChar *)(void *)out->data;
	int32_t n = 0;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8WithSub(u, (int32_t)(len + 1), &n, text, (int32_t)len, 0xFFFD, NULL, &e);
	if (U_FAILURE(e))
		return 0;
	unsigned char *b = (unsigned char *)out->data;
	for (int32_t i = 0; i < n; i++) {	/* in place: unit i is bytes 2i and 2i + 1 */
		UChar c = u[i];
		b[2 * i] = (unsigned char)(c & 0xff);
		b[2 * i + 1] = (unsigned char)(c >> 8);
	}
	return 2 * (size_t)n;
}

/* Raw deflate of in[0..n) with the dictionary in front (search_dict.c)
 * into out. Returns its size, 0 when it fails. */
static size_t deflate_text(struct worker_state *ws, const unsigned char *in, size_t n, struct buf *out)
{
	z_stream *zs = ws->z;
	const struct buf *dict = &ws->x->dict;
	if (deflateReset(zs) != Z_OK ||
	    (dict->len && deflateSetDictionary(zs, (const Bytef *)dict->data, (uInt)dict->len) != Z_OK))
		return 0;
	size_t bound = deflateBound(zs, (uLong)n);
	buf_reset(out);
	buf_grow(out, bound);
	zs->next_in = (Bytef *)(uintptr_t)in;
	zs->avail_in = (uInt)n;
	zs->next_out = (Bytef *)out->data;
	zs->avail_out = (uInt)bound;
	if (deflate(zs, Z_FINISH) != Z_STREAM_END)
		return 0;
	return (size_t)zs->total_out;
}

/* The text as "z" (raw deflate of its UTF-16LE with the dictionary, b91)
 * when that is shorter than "x" (plain). */
static void add_text_field(struct buf *b, struct worker_state *ws, const char *text, size_t len)
{
	size_t start = b->len;
	add_json_field(b, "x", text, len);
	size_t ulen = utf16le(text, len, &ws->u16);
	if (!ulen)
		return;
	size_t zlen = deflate_text(ws, (const unsigned char *)ws->u16.data, ulen, &ws->scratch);
	if (!zlen || zlen * 16 / 13 + 8 >= b->len - start)
		return;
	buf_truncate(b, start);
	buf_addstr(b, ",\"z\":\"");
	search_b91(b, (const unsigned char *)ws->scratch.data, zlen);
	buf_addch(b, '"');
}

static const char *date_text(struct worker_state *ws, const struct date *dt)
{
	/* documents come in date order: most share the previous one's date */
	if (ws->date.len && dt->y == ws->last_y && dt->m == ws->last_m && dt->d == ws->last_d)
		return ws->date.data;
	buf_reset(&ws->date);
	if (dt->d)
		text_format_date(ws->dates, dt->y, dt->m, dt->d, &ws->date);
	else
		text_format_month(ws->dates, dt->y, dt->m, &ws->date);
	ws->last_y = dt->y;
	ws->last_m = dt->m;
	ws->last_d = dt->d;
	return ws->date.data;
}

void search_document_text(struct worker_state *ws, const struct article *art)
{
	buf_reset(&ws->text);
	buf_reset(&ws->kinds);
	struct doc_text dt = { &ws->text, &ws->kinds };
	ws->body_u16 = document_text(art, date_text(ws, &art->date), &dt);
}

void search_document(struct worker_state *ws, const struct article *art)
{
	search_document_text(ws, art);
	struct buf *f = &ws->file;
	buf_reset(f);
	buf_addf(f, "sitegenSearch.d(%zu,{\"u\":", art->order);
	search_add_json(f, art->url, strlen(art->url));
	add_json_field(f, "t", art->title, strlen(art->title));
	const char *date = date_text(ws, &art->date);
	add_json_field(f, "date", date, strlen(date));
	buf_reset(&ws->scratch);
	render_place_text(art->place, &ws->scratch);
	add_json_field(f, "place", ws->scratch.data, ws->scratch.len);
	if (art->subtitle)
		add_json_field(f, "s", art->subtitle, strlen(art->subtitle));
	if (art->date_inferred)
		buf_addstr(f, ",\"inf\":1");
	if (art->kind == ARTICLE_OTHER)
		buf_addstr(f, ",\"other\":1");
	buf_addf(f, ",\"b\":%zu", ws->body_u16);
	add_json_field(f, "mk", ws->kinds.data, ws->kinds.len);
	add_text_field(f, ws, ws->text.data, ws->text.len);
	buf_addstr(f, "});\n");
}

/* Counts the 3-character grams of one folded field (gram_count_trigram). */
static void count_field(struct gram_table *t, const struct text_folder *f, const uint32_t *cps, size_t n,
			uint32_t doc)
{
	uint32_t z = 0, a = 0, b = 0;	/* the word characters before, 0 after a separator */
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (!text_fold_is_word(f, c)) {
			z = a = b = 0;
			continue;
		}
		if (a) {
			uint32_t right = i + 1 < n && text_fold_is_word(f, cps[i + 1]) ? cps[i + 1] : 0;
			gram_count_trigram(t, gram_key(a, b, c), doc, z, right);
		}
		z = a;
		a = b;
		b = c;
	}
}

/* Feeds one folded field to the table: the documents of its grams of 1 to
 * 4 word characters; for a 4-character gram, its positions when the
 * 3-character gram it starts or ends with occurs more than once in the
 * document, and its context lists (search.h says why). Positions count
 * from *pos; a separator run counts one. */
static void index_field(struct gram_table *t, const struct text_folder *f, const uint32_t *cps, size_t n,
			uint32_t doc, uint32_t *pos, int title)
{
	uint32_t z = 0, a = 0, b = 0;	/* the word characters before, 0 after a separator */
	unsigned prev_tail = 0;	/* gram_trigram of (a, b, c) at the step before, of (z, a, b) now */
	int sep = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (!text_fold_is_word(f, c)) {
			if (!sep)
				(*pos)++;
			sep = 1;
			z = a = b = 0;
			continue;
		}
		sep = 0;
		uint32_t p = (*pos)++;
		gram_add_doc(t, gram_key(c, 0, 0), 0, doc, title);
		if (b)
			gram_add_doc(t, gram_key(b, c, 0), 0, doc, title);
		unsigned head = prev_tail, tail = 0;
		if (a) {
			gram_add_doc(t, gram_key(a, b, c), 0, doc, title);
			prev_tail = tail = gram_trigram(t, gram_key(a, b, c), doc);
		}
		if (z) {
			uint64_t key = gram_key(z, a, b);
			gram_add_doc(t, key, c, doc, title);
			if ((head | tail) & TRIGRAM_REPEATS)
				gram_add_pos(t, key, c, doc, p - 3, title);
			if (head & TRIGRAM_LEFT_VARIES)
				gram_add_doc(t, key, c | GRAM_LEFT_VARIES, doc, 0);
			if (tail & TRIGRAM_RIGHT_VARIES)
				gram_add_doc(t, key, c | GRAM_RIGHT_VARIES, doc, 0);
		}
		z = a;
		a = b;
		b = c;
	}
	if (!sep)
		(*pos)++;
}

void search_index_doc(struct worker_state *ws, struct gram_table *t, const char *title, size_t title_len,
		      const char *text, size_t len, uint32_t doc)
{
	const struct text_folder *f = ws->x->folder;
	uint32_t pos = 0;
	size_t nt = text_fold(f, title, title_len, &ws->title_cps, &ws->title_cap);
	size_t nb = text_fold(f, text, len, &ws->cps, &ws->cps_cap);
	count_field(t, f, ws->title_cps, nt, doc);
	count_field(t, f, ws->cps, nb, doc);
	index_field(t, f, ws->title_cps, nt, doc, &pos, 1);
	pos = 0;
	index_field(t, f, ws->cps, nb, doc, &pos, 0);
	gram_doc_end(t);
}

static void *index_range(void *arg)
{
	struct worker_state *ws = arg;
	struct search_ctx *x = ws->x;
	struct gram_table *t = &x->tables[ws->t];
	for (size_t i = ws->from; i < ws->to; i++) {
		const struct article *art = x->site->articles.items[x->site->articles.len - 1 - i];
		search_document(ws, art);
		char path[64];
		snprintf(path, sizeof(path), "search/d/%zu.js", art->order);
		if (writer_put(x->w, path, ws->file.data, ws->file.len) < 0)
			x->failed = 1;
		search_index_doc(ws, t, art->title, strlen(art->title), ws->text.data, ws->text.len, (uint32_t)art->order);
	}
	gram_flush(t);
	return NULL;
}

/* ---- shards ---- */

uint32_t search_fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t search_shard_of(const char *utf8, size_t base_len, int positional)
{
	return search_fnv1a(utf8, positional ? base_len : search_shard_base(utf8, base_len));
}

size_t search_shard_base(const char *utf8, size_t base_len)
{
	size_t i = 0;
	for (int n = 0; i < base_len && n < 3; n++)
		do
			i++;
		while (i < base_len && ((unsigned char)utf8[i] & 0xc0) == 0x80);
	return i;
}

/* The bytes of the code points key and prev share at the start; their
 * number in *cps. */
static size_t shared_prefix(const char *prev, size_t plen, const char *key, size_t len, size_t *cps)
{
	size_t i = 0;
	*cps = 0;
	while (i < plen && i < len) {
		unsigned char c = (unsigned char)key[i];
		size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (i + n > len || i + n > plen || memcmp(prev + i, key + i, n) != 0)
			break;
		i += n;
		++*cps;
	}
	return i;
}

void search_add_key(struct buf *out, const char *prev, size_t plen, const char *key, size_t len)
{
	size_t cps, i = shared_prefix(prev, plen, key, len, &cps);
	buf_addch(out, (char)('0' + cps));
	buf_add(out, key + i, len - i);
}

size_t search_shard_count(size_t bytes)
{
	size_t s = 1;
	while (s < SHARDS_MAX && s * SHARD_TARGET_BYTES < bytes)
		s *= 2;
	return s;
}

struct shard_job {
	struct search_ctx *x;
	struct gram_ref **refs;		/* per shard, the grams in it */
	size_t *nrefs;
	size_t nshards, ndocs;
	int positional;
	size_t next;
	pthread_mutex_t lock;
};

static void write_shard(struct shard_job *j, size_t s, struct buf *out, struct buf *tmp, struct u32s *entries)
{
	buf_reset(out);
	buf_addf(out, "sitegenSearch.%c(%zu,\"", j->positional ? 'p' : 'g', s);
	for (size_t i = 0; i < j->nrefs[s]; i++) {
		const struct gram_ref *r = &j->refs[s][i], *prev = i ? r - 1 : NULL;
		if (i)
			buf_addch(out, ' ');
		search_add_key(out, prev ? prev->utf8 : "", prev ? prev->len : 0, r->utf8, r->len);
		buf_addch(out, ' ');
		if (j->positional)
			gram_encode_positions(r, out, entries);
		else
			gram_encode_docs(r, j->ndocs, out, tmp, entries);
	}
	buf_addstr(out, "\");\n");
	char path[64];
	snprintf(path, sizeof(path), "search/%c/%zx.js", j->positional ? 'p' : 'g', s);
	if (writer_put(j->x->w, path, out->data, out->len) < 0)
		j->x->failed = 1;
}

static void *shard_worker(void *arg, size_t k)
{
	(void)k;
	struct shard_job *j = arg;
	struct buf out = BUF_INIT, tmp = BUF_INIT;
	struct u32s entries = { 0 };
	for (;;) {
		pthread_mutex_lock(&j->lock);
		size_t s = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (s >= j->nshards)
			break;
		write_shard(j, s, &out, &tmp, &entries);
	}
	free(entries.v);
	buf_free(&out);
	buf_free(&tmp);
	return NULL;
}

static size_t write_shards(struct search_ctx *x, int positional, size_t ndocs, size_t jobs, size_t *est)
{
	struct gram_ref *all;
	size_t bytes = 0;
	size_t n = gram_collect(x->tables, x->nthreads, positional, &all, &bytes);
	size_t nshards = search_shard_count(bytes);
	*est = bytes;
	struct shard_job j = { .x = x, .nshards = nshards, .ndocs = ndocs, .positional = positional };
	j.nrefs = xcalloc(nshards, sizeof(*j.nrefs));
	j.refs = xcalloc(nshards, sizeof(*j.refs));
	size_t *fill = xcalloc(nshards, sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		all[i].shard = search_shard_of(all[i].utf8, all[i].base_len, positional) & (uint32_t)(nshards - 1);
		j.nrefs[all[i].shard]++;
	}
	for (size_t s = 0; s < nshards; s++)
		j.refs[s] = xmalloc((j.nrefs[s] + 1) * sizeof(**j.refs));
	for (size_t i = 0; i < n; i++)
		j.refs[all[i].shard][fill[all[i].shard]++] = all[i];
	pthread_mutex_init(&j.lock, NULL);
	threads_run(jobs, shard_worker, &j, NULL);
	pthread_mutex_destroy(&j.lock);
	for (size_t s = 0; s < nshards; s++)
		free(j.refs[s]);
	free(j.refs);
	free(j.nrefs);
	free(fill);
	gram_refs_free(all, n);
	return nshards;
}

/* index.js. est_g and est_p, the size estimates that chose SG and SP, are
 * for the next build (search_patch.c): it must choose as a full build would. */
void search_meta_text(const struct search_ctx *x, size_t ndocs, size_t sg, size_t sp, size_t est_g, size_t est_p,
		      struct buf *out)
{
	struct buf pairs = BUF_INIT;
	text_fold_ts_pairs(x->folder, &pairs);
	buf_addf(out, "sitegenSearch.meta({\"v\":4,\"n\":%zu,\"sg\":%zu,\"sp\":%zu,\"est\":[%zu,%zu],\"ts\":", ndocs,
		 sg, sp, est_g, est_p);
	search_add_json(out, pairs.data, pairs.len);
	buf_addstr(out, ",\"dz\":\"");
	buf_add(out, x->dz.data, x->dz.len);
	buf_addstr(out, "\"});\n");
	buf_free(&pairs);
}

void search_dict_field(struct search_ctx *x)
{
	buf_reset(&x->dz);
	if (!x->dict.len)
		return;
	struct buf z = BUF_INIT;
	z_stream zs = { 0 };
	if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK) {
		size_t bound = deflateBound(&zs, (uLong)x->dict.len);
		buf_grow(&z, bound);
		zs.next_in = (Bytef *)x->dict.data;
		zs.avail_in = (uInt)x->dict.len;
		zs.next_out = (Bytef *)z.data;
		zs.avail_out = (uInt)bound;
		if (deflate(&zs, Z_FINISH) == Z_STREAM_END)
			search_b91(&x->dz, (const unsigned char *)z.data, (size_t)zs.total_out);
		deflateEnd(&zs);
	}
	buf_free(&z);
}

static void free_workers(struct worker_state *ws, size_t nt)
{
	for (size_t t = 0; t < nt; t++) {
		text_dates_free(ws[t].dates);
		if (ws[t].z) {
			deflateEnd(ws[t].z);
			free(ws[t].z);
		}
		buf_free(&ws[t].date);
		buf_free(&ws[t].text);
		buf_free(&ws[t].kinds);
		buf_free(&ws[t].file);
		buf_free(&ws[t].scratch);
		buf_free(&ws[t].u16);
		free(ws[t].cps);
		free(ws[t].title_cps);
	}
	free(ws);
}

static void *index_range_of(void *arg, size_t k)
{
	struct worker_state *ws = arg;
	return index_range(&ws[k]);
}

/* SITEGEN_TIMING=1 (main.c) also prints the CPU time used so far at each
 * step of the index (CPU rather than wall: the steps are multi-threaded). */
void search_timing(const char *step)
{
	if (!getenv("SITEGEN_TIMING"))
		return;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%*d %ld", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	fprintf(stderr, "sitegen: search: %-8s CPU %7.3f s so far, RSS %ld MiB, peak %ld MiB\n", step, cpu,
		pages * (sysconf(_SC_PAGESIZE) / 1024) / 1024, ru.ru_maxrss / 1024);
}

int search_build(const struct site *site, const struct text_folder *folder, struct writer *w, struct diag *d,
		 int jobs, const struct search_changes *ch)
{
	size_t ndocs = site->articles.len;
	size_t nt = (size_t)threads_count(jobs);
	if (nt > ndocs / 16 + 1)
		nt = ndocs / 16 + 1;	/* a thread for a handful of documents costs more than it saves */
	struct search_ctx x = { .site = site, .folder = folder, .w = w, .d = d, .nthreads = nt, .dict = BUF_INIT,
				.dz = BUF_INIT };
	struct worker_state *ws = xcalloc(nt, sizeof(*ws));
	for (size_t t = 0; t < nt; t++) {
		ws[t] = (struct worker_state){ .x = &x, .t = t, .from = ndocs * t / nt, .to = ndocs * (t + 1) / nt };
		ws[t].z = xcalloc(1, sizeof(*ws[t].z));
		if (deflateInit2(ws[t].z, SEARCH_ZLEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(ws[t].z);
			ws[t].z = NULL;
			diag_error(d, "search", 0, 0, NULL, 0, "cannot set up zlib's compressor: out of memory");
			free_workers(ws, t + 1);
			return -1;
		}
		if (!(ws[t].dates = text_dates_new())) {
			diag_error(d, "ICU", 0, 0, NULL, 0, "cannot load ICU's date formats for the search index");
			free_workers(ws, t + 1);
			return -1;
		}
	}
	search_timing("start");
	x.dict_earlier = ch && ch->known && !search_dict_sampled(ndocs, ch->changed, ch->n);
	if (!x.dict_earlier) {
		search_dict_build(&ws[0], &x.dict);
		search_dict_field(&x);
	}
	search_timing("dict");
	if (ch && ch->known && search_patch(&x, ws, nt, ch) == 0) {
		free_workers(ws, nt);
		search_timing("patched");
		buf_free(&x.dict);
		buf_free(&x.dz);
		return x.failed ? -1 : 0;
	}
	if (x.dict_earlier) {	/* the patch could not: made after all */
		x.dict_earlier = 0;
		buf_reset(&x.dict);
		buf_reset(&x.dz);
		search_dict_build(&ws[0], &x.dict);
		search_dict_field(&x);
	}
	if (getenv("SITEGEN_TIMING"))
		fprintf(stderr, "sitegen: search: built whole, %zu documents\n", ndocs);
	x.tables = xcalloc(nt, sizeof(*x.tables));
	for (size_t t = 0; t < nt; t++)
		gram_table_init(&x.tables[t]);
	threads_run(nt, index_range_of, ws, NULL);
	search_timing("texts+postings");
	free_workers(ws, nt);
	size_t sjobs = (size_t)threads_count(jobs), est_g, est_p;
	size_t sg = write_shards(&x, 0, ndocs, sjobs, &est_g);
	search_timing("g/");
	size_t sp = write_shards(&x, 1, ndocs, sjobs, &est_p);
	search_timing("p/");
	struct buf meta = BUF_INIT;
	search_meta_text(&x, ndocs, sg, sp, est_g, est_p, &meta);
	if (writer_put(w, "search/index.js", meta.data, meta.len) < 0)
		x.failed = 1;
	buf_free(&meta);
	for (size_t t = 0; t < nt; t++)
		gram_table_free(&x.tables[t]);
	free(x.tables);
	buf_free(&x.dict);
	buf_free(&x.dz);
	return x.failed ? -1 : 0;
}
